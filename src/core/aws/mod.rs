//! AWS as the extension sees it, as pure functions: partitions and regions, which hosts are
//! AWS sign-in and console hosts, the portal's JIT credentials, the federation sign-in URLs
//! (`aws-console.md`) and console deep links per service.
//!
//! Everything that carries a credential (keys, tokens, sign-in URLs) is a [`Secret`](super::secret::Secret), and no
//! error names a credential's value.

mod federation;
mod hosts;
mod jit;
mod partition;
mod services;

pub use federation::*;
pub use hosts::*;
pub use jit::*;
pub use partition::*;
pub use services::*;

#[cfg(test)]
mod tests;
