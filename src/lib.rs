#![warn(missing_docs)]
//! JIT Console for DuploCloud: the extension's Rust core.
//!
//! - [`core`] is pure and sans-IO: state and inputs in, decisions out, time passed in. It
//!   builds and is tested natively.
//! - [`service`] runs the core's decisions against injected storage (a trait with a real
//!   browser adapter in `wasm` and an in-memory fake for tests).
//! - [`util`] holds small generic helpers (case folding, placeholders, a hash, RFC 3339).
//! - `wasm` (only on `wasm32`) holds the thin adapters for the `browser.*`/`chrome.*` APIs
//!   and the entry points the JS shell calls. It decides nothing.
#![cfg_attr(test, allow(clippy::unwrap_used))]

pub mod core;
pub mod service;
pub mod util;

#[cfg(target_arch = "wasm32")]
mod wasm;
