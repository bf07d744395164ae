//! The browser side: thin adapters over `browser.*`/`chrome.*` and the entry points the JS
//! shell calls. Nothing here decides; it translates between JS and the core.
//!
//! The release build makes two modules from this crate (see `scripts/build.sh`): the
//! service worker's (feature `worker`) and the pages' (feature `pages`), so each context
//! loads only its own code.
//!
//! A module of several files keeps them in this one folder, named `<module>_<part>.rs` and
//! placed by `#[path]`: the checks that read the adapters' sources (`tests/secrets.rs`, for
//! logging that could print a secret, and `tests/e2e/least-privilege.test.mjs`, for the APIs
//! used) read the files of this folder, not of folders in it.
// Helpers shared by both sides are unused in a build of one side.
#![cfg_attr(not(all(feature = "worker", feature = "pages")), allow(dead_code))]

mod bindings;
mod browser;
#[cfg(feature = "pages")]
mod client;
#[cfg(feature = "pages")]
mod console_ui;
#[cfg(feature = "worker")]
mod diagnostics;
#[cfg(feature = "pages")]
mod dom;
#[cfg(feature = "pages")]
mod handoff;
#[cfg(feature = "pages")]
mod options;
#[cfg(feature = "worker")]
mod platform;
#[cfg(feature = "pages")]
mod popup;
#[cfg(feature = "worker")]
mod worker;
