//! The worker's service: runs requests from the pages and browser events against the core,
//! through an injected [`Platform`] (the browser in wasm, [`fake::FakePlatform`] in tests).
//!
//! State lives in storage, so a worker that the browser stopped and restarted carries on:
//! the configuration and tenant lists in `storage.local`, portal sessions in
//! `storage.session` (memory only; gone when the browser closes). The in-memory copies are
//! caches, filled on first use.

mod consoles;
mod dispatch;
mod events;
pub mod fake;
mod identity_bar;
mod kubernetes;
pub mod platform;
mod renewal;
mod signin;
mod storage;
mod surfaces;
mod view;

use std::cell::RefCell;

use serde::{Deserialize, Serialize};

use crate::core::config::{Config, Portal};
use crate::core::consoles::Consoles;
use crate::core::identity::KeyId;
use crate::core::portal_api::Tenant;
use crate::core::portal_url::Origin;
use crate::core::session::{Sessions, TabId};
pub use platform::{Area, Capabilities, ConsolePlacement, Platform, PlatformError, TabInfo};
pub use renewal::{RENEWAL_ALARM, RESUME_AFTER_MS};
use std::collections::{BTreeMap, BTreeSet};

/// The alarm that ends sign-in attempts at their deadline.
pub const SIGN_IN_ALARM: &str = "sign-in-deadline";
const SESSIONS_KEY: &str = "sessions";
const CONSOLES_KEY: &str = "consoles";
/// Under which `storage.managed` holds the policy: the whole area (see `managed_schema.json`).
pub const POLICY_KEY: &str = "";
/// `storage.session` key changed when a policy was applied, so the pages render again.
const POLICY_APPLIED_KEY: &str = "policyApplied";
/// What every start of the worker reads before it answers anything (`Self::load`): the
/// worker's shell asks the browser for these before the wasm module is loaded, and the
/// platform hands over those answers (`bg.js`; a native test keeps the two lists equal).
pub const STARTUP_READS: [(Area, &str); 4] = [
    (Area::Local, Config::STORAGE_KEY),
    (Area::Local, SESSIONS_KEY),
    (Area::Session, SESSIONS_KEY),
    (Area::Session, CONSOLES_KEY),
];
/// What an authorization tab shows until its redirect rule is in place.
const BLANK_PAGE: &str = "about:blank";

/// Who sent a request: the worker passes what the browser says about the sender.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Sender {
    /// The sender's tab, when it is a page in a tab (not the toolbar popup).
    pub tab_id: Option<TabId>,
    /// The sender's frame in that tab: 0 is the tab's top document.
    pub frame_id: Option<i32>,
}

impl Sender {
    /// The top document of `tab`.
    pub fn top_of(tab: TabId) -> Self {
        Self {
            tab_id: Some(tab),
            frame_id: Some(0),
        }
    }
}

/// A portal's cached tenant list.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct TenantCache {
    /// When it was read from the portal.
    pub fetched_ms: u64,
    /// The tenants, sorted by name.
    pub tenants: Vec<Tenant>,
}

/// The worker's state and the logic that runs each request.
pub struct Service<P> {
    platform: P,
    config: RefCell<Option<Config>>,
    sessions: RefCell<Option<Sessions>>,
    consoles: RefCell<Option<Consoles>>,
    flights: RefCell<BTreeMap<KeyId, consoles::Flight>>,
    opening: RefCell<BTreeSet<KeyId>>,
    tenants: RefCell<BTreeMap<Origin, TenantCache>>,
    /// Tenants' Kubernetes access, in memory only ([`kubernetes`]).
    kube_access: RefCell<BTreeMap<kubernetes::TenantSlot, crate::core::kubernetes::ClusterAccess>>,
    /// Whether tenants have Kubernetes, as their portals said ([`kubernetes`]).
    kube_enabled: RefCell<BTreeMap<kubernetes::TenantSlot, bool>>,
    renewing: RefCell<BTreeSet<KeyId>>,
    /// What each identity bar was last told it shows ([`identity_bar`]).
    bars: RefCell<Option<identity_bar::Shown>>,
    menu_sync: surfaces::MenuSync,
    /// The administrator's policy once read (`Some(None)`: there is none). Until then the
    /// service answers from what it stored and does nothing a policy could forbid.
    policy: RefCell<Option<Option<serde_json::Value>>>,
    /// The area sessions were last written to after the other one was cleared.
    sessions_written_to: std::cell::Cell<Option<Area>>,
    /// Held while the stored state is read: a second reader (a page's request arriving
    /// during the start-up's read) waits for the first instead of reading it all again.
    loading: futures_util::lock::Mutex<()>,
}

impl<P: Platform> Service<P> {
    /// A service over `platform`; state is read from storage on first use.
    pub fn new(platform: P) -> Self {
        Self {
            platform,
            config: RefCell::new(None),
            sessions: RefCell::new(None),
            consoles: RefCell::new(None),
            flights: RefCell::new(BTreeMap::new()),
            opening: RefCell::new(BTreeSet::new()),
            tenants: RefCell::new(BTreeMap::new()),
            kube_access: RefCell::new(BTreeMap::new()),
            kube_enabled: RefCell::new(BTreeMap::new()),
            renewing: RefCell::new(BTreeSet::new()),
            bars: RefCell::new(None),
            menu_sync: surfaces::MenuSync::default(),
            policy: RefCell::new(None),
            sessions_written_to: std::cell::Cell::new(None),
            loading: futures_util::lock::Mutex::new(()),
        }
    }

    /// The platform (tests inspect the fake through it).
    pub fn platform(&self) -> &P {
        &self.platform
    }

    /// The platform back, this service's memory dropped: what a worker the browser stopped
    /// leaves behind (tests start a new service over it, as the browser starts a new worker).
    pub fn into_platform(self) -> P {
        self.platform
    }
}

/// Whether a sign-in may open the portal's authorization page, and how.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum PageMode {
    /// Never: only an API token or an open portal tab's token.
    Never,
    /// In front, for a person's action (held back by the cooldown).
    Front,
    /// Behind the person's work, with a notification, for a renewal (held back by the
    /// cooldown).
    Behind,
    /// In front, for the person's own Sign in click (never held back).
    Explicit,
}

impl PageMode {
    fn focuses(self) -> bool {
        self != Self::Behind
    }
}

fn find(config: &Config, origin: &Origin) -> Option<Portal> {
    config
        .portals
        .iter()
        .find(|p| p.url.origin() == origin)
        .cloned()
}
