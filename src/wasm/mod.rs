//! The browser side: thin adapters over `browser.*`/`chrome.*` and the entry points the JS
//! shell calls. Nothing here decides; it translates between JS and the core.

mod browser;
mod client;
mod console_ui;
mod dom;
mod handoff;
mod options;
mod platform;
mod popup;
mod worker;
