//! The user's configuration: which portals, with which optional API token.
//!
//! Kept in `storage.local` under [`Config::STORAGE_KEY`]. The stored form is versioned and
//! read leniently: an entry that no longer passes the portal rules is dropped (and reported),
//! never allowed to break the whole configuration.

mod file;
mod portal;
mod settings;
mod store;

pub use file::*;
pub use portal::*;
pub use settings::*;
pub use store::*;

#[cfg(test)]
mod tests;
