//! The worker's service: runs requests from the pages and browser events against the core,
//! through an injected [`Platform`] (the browser in wasm, [`fake::FakePlatform`] in tests).
//!
//! State lives in storage, so a worker that the browser stopped and restarted carries on:
//! the configuration and tenant lists in `storage.local`, portal sessions in
//! `storage.session` (memory only; gone when the browser closes). The in-memory copies are
//! caches, filled on first use.

mod consoles;
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

use crate::core::config::{Config, Portal, Settings};
use crate::core::consoles::Consoles;
use crate::core::identity::KeyId;
use crate::core::messages::{Request, Response, StateView};
use crate::core::portal_api::{self, ApiError, ApiRequest, Endpoint, Tenant, UserInfo};
use crate::core::secret::Secret;
use crate::core::session::{
    self, Initiator, Reauthorize, Session, Sessions, SignInStart, TabId, TokenSource, Waiting,
};
use crate::core::tenant_list;
use crate::core::text::{msg, UserText};
pub use platform::{Area, ConsolePlacement, Platform, PlatformError, TabInfo};
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
    tenants: RefCell<BTreeMap<String, TenantCache>>,
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

    /// Runs one request from a page.
    pub async fn handle(&self, request: Request, sender: Sender) -> Response {
        let config = match self.load().await {
            Ok(loaded) => loaded,
            Err(_) => {
                return Response::Error {
                    message: msg::STORAGE_FAILED.text(),
                    state: StateView::default(),
                }
            }
        };
        // Which work a request makes due is derived from what it changed (a copy can fetch
        // and store credentials, which then need their renewal alarm), not listed by hand.
        let before = self.footprint();
        let first_page = matches!(
            request,
            Request::GetStateFor {
                first_page: true,
                ..
            } | Request::GetPopupState { first_page: true }
        );
        let mut active_origin = None;
        let mut overview = false;
        // What some requests answer besides the state.
        let mut copied = None;
        let mut exported = None;
        let mut kubernetes = None;
        let outcome = match request {
            Request::GetState => Ok(()),
            Request::GetOverview => {
                overview = true;
                Ok(())
            }
            Request::GetStateFor { tab_id, url, .. } => {
                active_origin = self.portal_of_tab(&config, tab_id, url.as_deref());
                Ok(())
            }
            Request::GetPopupState { .. } => {
                active_origin = self.portal_under_popup(&config, sender).await;
                Ok(())
            }
            Request::EditPortal { origin, edit } => {
                let mut next = config.clone();
                match next.edit_portal(&origin, edit) {
                    Ok(()) => self.save_config(next).await,
                    Err(e) => Err(e.user_text()),
                }
            }
            Request::SetFavourite { key, favourite } => {
                let mut next = config.clone();
                next.set_favourite(&key.id(), favourite);
                self.save_config(next).await
            }
            Request::ExportConfig => {
                exported = Some(config.export());
                Ok(())
            }
            Request::ImportConfig { text } => match Config::import_json(&text) {
                Ok(imported) => {
                    let mut next = config.clone();
                    let moved = next.replace_with(imported);
                    let gone: Vec<String> = config
                        .portals
                        .iter()
                        .filter(|p| next.portal(p.url.origin()).is_none())
                        .map(|p| p.url.origin().to_owned())
                        .collect();
                    // A portal whose API answers elsewhere now (the file says so, not the
                    // person): its session token must not follow it there.
                    let rehosted: Vec<String> = config
                        .portals
                        .iter()
                        .filter(|p| {
                            next.portal(p.url.origin())
                                .is_some_and(|n| n.api_url() != p.api_url())
                        })
                        .map(|p| p.url.origin().to_owned())
                        .collect();
                    let saved = self.save_config(next).await;
                    if saved.is_ok() {
                        for origin in gone {
                            self.forget_portal(&origin).await;
                        }
                        for origin in rehosted {
                            self.forget_session(&origin).await;
                        }
                        // Told where the person will look: the portal's own line.
                        self.with_sessions(|s| {
                            for portal in &moved {
                                s.set_error(
                                    portal.url.origin(),
                                    Some(msg::API_TOKEN_DROPPED.with([portal.url.host()])),
                                );
                            }
                        });
                        // Stay signed in may have changed: the sessions go where it says.
                        self.save_sessions().await;
                    }
                    saved
                }
                Err(e) => Err(e.user_text()),
            },
            Request::ForgetEverything => self.forget_everything(&config).await,
            Request::AddPortal { url, api_token } => {
                let mut next = config.clone();
                match next.add_portal(&url, api_token.as_ref().map(Secret::expose)) {
                    Ok(_) => self.save_config(next).await,
                    Err(e) => Err(e.user_text()),
                }
            }
            Request::RemovePortal { origin } => {
                let mut next = config.clone();
                match next.remove_portal(&origin) {
                    Ok(()) => {
                        let saved = self.save_config(next).await;
                        if saved.is_ok() {
                            self.forget_portal(&origin).await;
                        }
                        saved
                    }
                    Err(e) => Err(e.user_text()),
                }
            }
            Request::SignIn { origin } => self.sign_in_request(&config, &origin, true).await,
            Request::SignInQuietly { origin } => {
                self.sign_in_request(&config, &origin, false).await
            }
            Request::SignOut { origin } => {
                self.forget_session(&origin).await;
                Ok(())
            }
            Request::Refresh { origin } => match find(&config, &origin) {
                Some(portal) => {
                    self.refresh_tenants(&portal).await;
                    Ok(())
                }
                None => Err(msg::PORTAL_NOT_FOUND.text()),
            },
            Request::OpenConsole {
                open,
                otp,
                make_room,
            } => self.open_and_remember(open, otp, make_room).await,
            Request::RefreshCredentials { key, otp } => match find(&config, &key.origin) {
                Some(portal) => self.refresh_credentials(&portal, key, otp).await,
                None => Err(msg::PORTAL_NOT_FOUND.text()),
            },
            Request::CopyCredentials { key, format, otp } => match find(&config, &key.origin) {
                Some(portal) => self
                    .copy_credentials(&portal, key, format, otp)
                    .await
                    .map(|text| copied = Some(text)),
                None => Err(msg::PORTAL_NOT_FOUND.text()),
            },
            Request::TenantFeatures { key } => match find(&config, &key.origin) {
                Some(portal) => self
                    .kubernetes_enabled(&portal, &key)
                    .await
                    .map(|enabled| kubernetes = Some(enabled)),
                None => Err(msg::PORTAL_NOT_FOUND.text()),
            },
            Request::CopyKubernetes { key, format } => match find(&config, &key.origin) {
                Some(portal) => self
                    .copy_kubernetes(&portal, &key, format)
                    .await
                    .map(|text| copied = Some(text)),
                None => Err(msg::PORTAL_NOT_FOUND.text()),
            },
            Request::RenewNow { key } => {
                self.renew(&key, true).await;
                Ok(())
            }
            Request::SetKeepAlive { key, keep } => {
                let mut settings = config.settings.clone();
                settings.keep_alive.retain(|id| *id != key.id());
                if keep {
                    settings.keep_alive.push(key.id());
                }
                self.set_settings(&config, settings).await
            }
            Request::SetSettings(settings) => self.set_settings(&config, settings).await,
            // Only the top document of the authorization tab: a frame inside it (an iframe on
            // the portal's page) can load the web-accessible hand-off page too.
            Request::Handoff { .. } if sender.frame_id != Some(0) => {
                Err(msg::HANDOFF_REFUSED.text())
            }
            Request::Handoff { url } => self.handoff(url.expose(), sender.tab_id).await,
        };
        if self.footprint() != before {
            self.schedule().await;
            self.sync_menus().await;
            // A portal removed (or everything forgotten, or a file imported): the host access
            // only it needed goes back.
            let now = self.config.borrow().clone().unwrap_or_default();
            for pattern in
                now.host_permissions_released(&config, crate::core::manifest::HOST_PERMISSIONS)
            {
                self.platform.remove_host_permission(&pattern).await;
            }
        }
        let mut state = self.state_view().await;
        state.active_origin = active_origin;
        for portal in &mut state.portals {
            if overview {
                portal.tenants_total = portal.tenants.take().map(|t| t.len());
            } else if let (true, Some(tenants)) = (first_page, &mut portal.tenants) {
                portal.tenants_total = tenant_list::keep_first_page(tenants);
            }
        }
        match (outcome, copied, exported, kubernetes) {
            (Err(message), ..) => Response::Error { message, state },
            (Ok(()), Some(text), ..) => Response::Copied { text, state },
            (Ok(()), None, Some(file), _) => Response::Exported { file, state },
            (Ok(()), None, None, Some(kubernetes)) => {
                Response::TenantFeatures { kubernetes, state }
            }
            (Ok(()), None, None, None) => Response::State(state),
        }
    }

    /// What the renewal schedule, the badge and the context menu are made from: a request
    /// that changed it makes them due ([`Self::handle`]).
    fn footprint(&self) -> (Option<Config>, Option<Sessions>, Option<Consoles>) {
        (
            self.config.borrow().clone(),
            self.sessions.borrow().clone(),
            self.consoles.borrow().clone(),
        )
    }

    /// Reads the stored state now (the first step of [`Self::on_startup`], which the worker
    /// times on its own); false when storage failed.
    pub async fn load_state(&self) -> bool {
        self.load().await.is_ok()
    }

    /// The worker started (after a browser or worker restart): rebuild the schedule from
    /// storage, then the context menu ([`Self::on_startup_schedule`], then
    /// [`Self::on_startup_menus`]).
    pub async fn on_startup(&self) {
        self.on_startup_schedule().await;
        self.on_startup_menus().await;
    }

    /// The first half of [`Self::on_startup`]: the renewals due, their alarm, the badge.
    pub async fn on_startup_schedule(&self) {
        if self.load().await.is_ok() {
            self.schedule().await;
        }
    }

    /// The second half of [`Self::on_startup`]: the context menu, rebuilt if it is not the
    /// one last applied (after a browser start, with thousands of tenants, thousands of
    /// items). The worker runs it a moment after the first half, so that the pages opened
    /// with the browser are not competing with it.
    pub async fn on_startup_menus(&self) {
        if self.load().await.is_ok() {
            self.sync_menus().await;
        }
    }

    /// Reads the administrator's policy (`storage.managed`) and applies it: at start-up,
    /// beside [`Self::load_state`] rather than before it (the browser may take seconds to
    /// answer, and the pages are answered from storage meanwhile), and at every change.
    ///
    /// Until it is known nothing a policy can forbid is done: sessions are kept in memory
    /// only. Once known, they go where the settings then say (and leave the other area).
    pub async fn on_policy_changed(&self) {
        let policy = self
            .platform
            .get::<serde_json::Value>(Area::Managed, POLICY_KEY)
            .await
            .ok()
            .flatten();
        *self.policy.borrow_mut() = Some(policy);
        *self.config.borrow_mut() = None;
        if let Ok(config) = self.load().await {
            // A portal the policy took away loses its session (and a pending attempt).
            self.with_sessions(|s| {
                s.retain_configured(config.portals.iter().map(|p| p.url.origin()))
            });
            // Written where the settings now say; the other area is cleared.
            self.save_sessions().await;
            self.schedule().await;
            self.sync_menus().await;
            // The pages follow storage: this tells them the policy's portals and settings
            // are in what they show now.
            let _ = self
                .platform
                .set(Area::Session, POLICY_APPLIED_KEY, &self.platform.now_ms())
                .await;
        }
    }

    /// Whether the policy was read (tests and the diagnostics ask).
    pub fn policy_known(&self) -> bool {
        self.policy.borrow().is_some()
    }

    /// A notification was clicked: `button` 0 renews, 1 dismisses; None (the body) renews.
    ///
    /// The notification of an authorization page opened behind the person's work brings
    /// that page forward.
    pub async fn on_notification(&self, id: &str, button: Option<u32>) {
        if self.load().await.is_err() {
            return;
        }
        if let Some(origin) = id.strip_prefix("authorize|") {
            self.platform.clear_notification(id).await;
            let tab = self.with_sessions(|s| s.attempt(origin).and_then(|a| a.tab_id));
            if let Some(tab) = tab {
                let _ = self.platform.focus_tab(tab).await;
            }
            return;
        }
        self.notification_clicked(id, button).await;
    }

    /// A tab was closed: a pending sign-in in it ends.
    pub async fn on_tab_removed(&self, tab_id: TabId) {
        if self.load().await.is_err() {
            return;
        }
        self.console_tab_closed(tab_id).await;
        self.schedule().await;
        let ended =
            self.with_sessions(|s| s.sign_in_tab_gone(tab_id, msg::SIGN_IN_TAB_CLOSED.text()));
        if ended.is_some() {
            self.save_sessions().await;
        }
    }

    /// A tab moved to `url`: the portal's "cancelled" page ends a pending sign-in in it.
    pub async fn on_tab_updated(&self, tab_id: TabId, url: &str) {
        if self.load().await.is_err() {
            return;
        }
        if self.expired_tab(tab_id, url).await {
            self.schedule().await;
            return;
        }
        self.console_tab_moved(tab_id, url).await;
        if !session::is_cancel_page(url) {
            return;
        }
        // The attempt ends, and its tab (on the portal's cancel page) closes with it.
        let ended =
            self.with_sessions(|s| s.sign_in_tab_gone(tab_id, msg::SIGN_IN_CANCELLED.text()));
        if ended.is_some() {
            self.save_sessions().await;
        }
    }

    /// An alarm fired.
    pub async fn on_alarm(&self, name: &str) {
        if self.load().await.is_err() {
            return;
        }
        if name == RENEWAL_ALARM {
            self.schedule().await;
            return;
        }
        if name != SIGN_IN_ALARM {
            return;
        }
        let now = self.platform.now_ms();
        // Their rules and tabs go when the sessions are saved.
        self.with_sessions(|s| s.expire_attempts(now));
        self.save_sessions().await;
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

fn find(config: &Config, origin: &str) -> Option<Portal> {
    config
        .portals
        .iter()
        .find(|p| p.url.origin() == origin)
        .cloned()
}
