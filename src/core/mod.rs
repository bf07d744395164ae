//! The pure core: no browser, no network, no clock.

pub mod arn;
pub mod aws;
pub mod config;
pub mod consoles;
pub mod copy;
pub mod credentials;
pub mod diagnostics;
pub mod expiry;
pub mod identity;
pub mod identity_bar;
pub mod kubernetes;
pub mod menus;
pub mod messages;
pub mod multi_session;
pub mod omnibox;
pub mod popup;
pub mod portal_api;
pub mod portal_url;
pub mod renewal;
pub mod secret;
pub mod session;
pub mod tenant_list;
pub mod text;
pub mod view;
pub mod weburl;

/// Facts read from `manifest.json` at build time (see `build.rs`).
pub mod manifest {
    include!(concat!(env!("OUT_DIR"), "/manifest_facts.rs"));
}
