//! The worker's service: runs requests from the pages and browser events against the core,
//! through an injected [`Platform`] (the browser in wasm, [`fake::FakePlatform`] in tests).
//!
//! State lives in storage, so a worker that the browser stopped and restarted carries on:
//! the configuration and tenant lists in `storage.local`, portal sessions in
//! `storage.session` (memory only; gone when the browser closes). The in-memory copies are
//! caches, filled on first use.

mod consoles;
pub mod fake;
pub mod platform;
mod renewal;
mod surfaces;

use std::cell::RefCell;

use serde::{Deserialize, Serialize};

use crate::core::config::{Config, Portal, Settings};
use crate::core::consoles::{ConsoleKey, Consoles, Role};
use crate::core::messages::{PortalView, Request, Response, SessionView, StateView, TenantView};
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

fn tenants_key(origin: &str) -> String {
    format!("tenants:{origin}")
}

/// The worker's state and the logic that runs each request.
pub struct Service<P> {
    platform: P,
    config: RefCell<Option<Config>>,
    sessions: RefCell<Option<Sessions>>,
    consoles: RefCell<Option<Consoles>>,
    flights: RefCell<BTreeMap<String, consoles::Flight>>,
    opening: RefCell<BTreeSet<String>>,
    tenants: RefCell<BTreeMap<String, TenantCache>>,
    renewing: RefCell<BTreeSet<String>>,
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
            renewing: RefCell::new(BTreeSet::new()),
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
            Request::OpenConsole { open, otp } => self.open_and_remember(open, otp).await,
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
        match (outcome, copied, exported) {
            (Err(message), _, _) => Response::Error { message, state },
            (Ok(()), Some(text), _) => Response::Copied { text, state },
            (Ok(()), None, Some(file)) => Response::Exported { file, state },
            (Ok(()), None, None) => Response::State(state),
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

    // ---- sign-in -------------------------------------------------------------------------

    async fn sign_in_request(
        &self,
        config: &Config,
        origin: &str,
        may_open_page: bool,
    ) -> Result<(), UserText> {
        let portal = find(config, origin).ok_or_else(|| msg::PORTAL_NOT_FOUND.text())?;
        // A quiet attempt only helps a portal that has no session at all.
        if may_open_page {
            self.sign_in(&portal, PageMode::Explicit).await;
        } else if self.with_sessions(|s| s.get(origin).session == Session::SignedOut) {
            self.sign_in(&portal, PageMode::Never).await;
        }
        Ok(())
    }

    /// Signs in to `portal`: with its API token if it has one; else with the token of an
    /// open, logged-in portal tab (no clicks; never a token the portal refused); else, as
    /// `page` allows, through the portal's authorization page.
    pub(super) async fn sign_in(&self, portal: &Portal, page: PageMode) {
        let origin = portal.url.origin();
        if let Some(token) = &portal.api_token {
            match self.validate(portal, token).await {
                Ok(user) => {
                    self.signed_in(portal, token.clone(), TokenSource::ApiToken, user)
                        .await
                }
                Err(ApiError::Unauthorized) => {
                    self.with_sessions(|s| s.fail_sign_in(origin, msg::API_TOKEN_REJECTED.text()));
                    self.save_sessions().await;
                }
                Err(e) => {
                    self.with_sessions(|s| s.fail_sign_in(origin, e.user_text(portal.url.host())));
                    self.save_sessions().await;
                }
            }
            return;
        }
        let pending = self.with_sessions(|s| s.attempt(origin).cloned());
        if pending.is_none() {
            for token in self.platform.portal_page_tokens(origin).await {
                if self.with_sessions(|s| s.is_refused(origin, &token)) {
                    continue;
                }
                match self.validate(portal, &token).await {
                    Ok(user) => {
                        self.signed_in(portal, token, TokenSource::PortalTab, user)
                            .await;
                        return;
                    }
                    Err(ApiError::Unauthorized) => {
                        self.with_sessions(|s| s.refuse(origin, &token));
                    }
                    Err(_) => {}
                }
            }
        }
        if page != PageMode::Never {
            self.start_handoff(portal, page).await;
        }
    }

    async fn start_handoff(&self, portal: &Portal, page: PageMode) {
        let origin = portal.url.origin();
        let (now, random) = (self.platform.now_ms(), self.platform.random_u128());
        let allowed = self
            .with_sessions(|s| s.may_open_authorize_page(origin, page == PageMode::Explicit, now));
        let pending =
            self.with_sessions(|s| s.attempt(origin).is_some_and(|a| now < a.deadline_ms));
        if !allowed && !pending {
            // No tab storm: the last authorization page for this portal opened under a
            // minute ago. What waits resumes after the person's next sign-in.
            self.with_sessions(|s| {
                s.set_error(
                    origin,
                    Some(msg::AUTHORIZE_COOLDOWN.with([portal.url.host()])),
                )
            });
            self.save_sessions().await;
            return;
        }
        let start = self.with_sessions(|s| s.begin_sign_in(&portal.url, random, now));
        let plan = match start {
            SignInStart::AlreadyPending(tab) => {
                if let (Some(tab), true) = (tab, page.focuses()) {
                    let _ = self.platform.focus_tab(tab).await;
                }
                return;
            }
            SignInStart::Open(plan) => plan,
        };
        self.save_sessions().await;
        // The tab is recorded before anything else, and before it shows the portal: a worker
        // stopped at any step leaves at most a blank tab, or a recorded one that the
        // attempt's end (its deadline at the latest) closes.
        let tab = match self.platform.open_tab(BLANK_PAGE, page.focuses()).await {
            Ok(tab) => tab,
            Err(_) => {
                self.with_sessions(|s| {
                    s.fail_sign_in(origin, msg::PORTAL_UNREACHABLE.with([portal.url.host()]))
                });
                self.save_sessions().await;
                return;
            }
        };
        self.with_sessions(|s| s.sign_in_tab_opened(origin, plan.port, tab));
        self.save_sessions().await;
        let rule = session::handoff_rule(&portal.url, &plan, tab, &self.platform.extension_base());
        let ready = self.platform.add_session_rule(rule).await.is_ok()
            && self
                .platform
                .navigate_tab(tab, &Secret::new(plan.authorize_url.clone()))
                .await
                .is_ok();
        if !ready {
            // The attempt ends, and with it the rule and the tab.
            self.with_sessions(|s| s.fail_sign_in(origin, msg::STORAGE_FAILED.text()));
        } else if !page.focuses() {
            // Opened behind the person's work: a notification says why, and brings it forward.
            let names = self.with_sessions(|s| {
                s.get(origin)
                    .waiting
                    .iter()
                    .find_map(|w| match w {
                        Waiting::Renew(key) => Some(key.label()),
                        _ => None,
                    })
                    .unwrap_or_else(|| portal.display_name().to_owned())
            });
            self.platform
                .prompt(
                    &authorize_notification(origin),
                    &msg::AUTHORIZE_TO_KEEP.with([names.as_str(), portal.url.host()]),
                )
                .await;
        }
        self.save_sessions().await;
    }

    /// A token reached `handoff.html` in `tab_id`.
    async fn handoff(&self, url: &str, tab_id: Option<TabId>) -> Result<(), UserText> {
        let now = self.platform.now_ms();
        let handoff = self
            .with_sessions(|s| s.accept_handoff(url, tab_id, now))
            .map_err(|_| msg::HANDOFF_REFUSED.text())?;
        // One token per attempt: the rule goes now; the tab when the attempt ends below.
        if let Some(parsed) = session::parse_handoff_url(url) {
            self.platform
                .remove_session_rule(i32::from(parsed.port))
                .await;
        }
        self.save_sessions().await;
        let config = self.load().await.map_err(|_| msg::STORAGE_FAILED.text())?;
        let Some(portal) = find(&config, &handoff.origin) else {
            return Err(msg::PORTAL_NOT_FOUND.text());
        };
        if self.with_sessions(|s| s.is_refused(&handoff.origin, &handoff.token)) {
            // The portal handed over a token it had refused before: it is not accepted again.
            let reason = msg::PORTAL_SESSION_EXPIRED.with([portal.url.host()]);
            self.with_sessions(|s| s.fail_sign_in(&handoff.origin, reason.clone()));
            self.save_sessions().await;
            return Err(reason);
        }
        match self.validate(&portal, &handoff.token).await {
            Ok(user) => {
                self.platform
                    .clear_notification(&authorize_notification(&handoff.origin))
                    .await;
                self.signed_in(&portal, handoff.token, TokenSource::Handoff, user)
                    .await;
                Ok(())
            }
            Err(e) => {
                let reason = e.user_text(portal.url.host());
                self.with_sessions(|s| s.fail_sign_in(&handoff.origin, reason.clone()));
                self.save_sessions().await;
                Err(reason)
            }
        }
    }

    async fn validate(&self, portal: &Portal, token: &Secret) -> Result<UserInfo, ApiError> {
        let request = ApiRequest::new(portal.api_url(), &Endpoint::UserRoleInfo, token);
        portal_api::parse_user_info(&self.platform.fetch(&request).await)
    }

    /// After a sign-in: read what the portal enables and its tenants, then resume the work
    /// that waited.
    async fn signed_in(&self, portal: &Portal, token: Secret, source: TokenSource, user: UserInfo) {
        let origin = portal.url.origin();
        let now = self.platform.now_ms();
        self.with_sessions(|s| s.activate(origin, token.clone(), source, user, now));
        self.save_sessions().await;
        let request = ApiRequest::new(portal.api_url(), &Endpoint::SystemFeatures, &token);
        // A portal without the features API still works; its extras stay off.
        if let Ok(features) =
            portal_api::parse_system_features(&self.platform.fetch(&request).await)
        {
            self.with_sessions(|s| s.set_features(origin, features));
            self.save_sessions().await;
        }
        let waiting = self.with_sessions(|s| s.take_waiting(origin));
        self.refresh_tenants(portal).await;
        for work in waiting {
            match work {
                // The refresh above already did it.
                Waiting::RefreshTenants => {}
                Waiting::OpenConsole(open) => self.resume_open(*open).await,
                Waiting::Renew(key) => {
                    // It waited for this sign-in, not for its retry time.
                    self.with_consoles(|c| c.retries.remove(&key.id()));
                    self.renew(&key, false).await
                }
            }
        }
    }

    /// Reads the tenant list again. A 401 starts one sign-in and resumes the refresh after it.
    async fn refresh_tenants(&self, portal: &Portal) {
        let origin = portal.url.origin();
        let Some(token) = self.active_token(origin) else {
            return;
        };
        let request = ApiRequest::new(portal.api_url(), &Endpoint::TenantsForUser, &token);
        match portal_api::read_tenants(&self.platform.fetch(&request).await) {
            Ok(list) => {
                let host = portal.url.host();
                // What the portal sent that is not shown is said, not silently dropped.
                let partial = if list.cut > 0 {
                    Some(msg::TENANTS_CUT.with([host, &portal_api::MAX_TENANTS.to_string()]))
                } else if list.skipped > 0 {
                    Some(msg::TENANTS_SKIPPED.with([&list.skipped.to_string(), host]))
                } else {
                    None
                };
                let tenants = list.tenants;
                let cache = TenantCache {
                    fetched_ms: self.platform.now_ms(),
                    tenants,
                };
                let saved = self
                    .platform
                    .set(Area::Local, &tenants_key(origin), &cache)
                    .await;
                self.tenants.borrow_mut().insert(origin.to_owned(), cache);
                let error = saved.err().map(|_| msg::STORAGE_FAILED.text()).or(partial);
                self.with_sessions(|s| s.set_error(origin, error));
                self.save_sessions().await;
                // The context menu lists the tenants (rebuilt only if what it shows changed).
                self.sync_menus().await;
            }
            Err(ApiError::Unauthorized) => {
                self.unauthorized(
                    portal,
                    &token,
                    Waiting::RefreshTenants,
                    Initiator::Background,
                )
                .await;
            }
            Err(e) => {
                self.with_sessions(|s| s.set_error(origin, Some(e.user_text(portal.url.host()))));
                self.save_sessions().await;
            }
        }
    }

    /// A call with `token` got 401 doing `work` for `initiator`: the core decides whether
    /// and how to sign in again (never a tab for background work; one page at most per
    /// cooldown; refused tokens never again), and this performs it.
    pub(super) async fn unauthorized(
        &self,
        portal: &Portal,
        token: &Secret,
        work: Waiting,
        initiator: Initiator,
    ) {
        let origin = portal.url.origin();
        let now = self.platform.now_ms();
        let decision = self.with_sessions(|s| s.unauthorized(origin, token, work, initiator, now));
        self.save_sessions().await;
        let page = match decision {
            Reauthorize::Nothing => return,
            Reauthorize::Quietly => PageMode::Never,
            Reauthorize::WithPage { focus: true } => PageMode::Front,
            Reauthorize::WithPage { focus: false } => PageMode::Behind,
        };
        Box::pin(self.sign_in(portal, page)).await;
    }

    // ---- state ---------------------------------------------------------------------------

    async fn load(&self) -> Result<Config, PlatformError> {
        let _one_reader = self.loading.lock().await;
        // The configuration, the policy and the consoles are read at once (a worker's cold
        // start waits for these reads); the sessions' area depends on the first two.
        let config = async {
            if self.config.borrow().is_some() {
                return Ok(());
            }
            let stored = self.platform.get(Area::Local, Config::STORAGE_KEY).await;
            // Read leniently (entry by entry), so through a `Value`; it is small.
            let (loaded, _dropped) = Config::from_stored(stored?);
            // The policy as last read ([`Self::on_policy_changed`]); none yet at start-up.
            let policy = self.policy.borrow().clone().flatten();
            let loaded = loaded.with_managed(policy.as_ref());
            self.config.borrow_mut().get_or_insert(loaded);
            Ok::<(), PlatformError>(())
        };
        // The sessions are read from both areas at once, beside the configuration, and taken
        // from where its settings say (one round trip to storage at a cold start, not two).
        let sessions = async {
            if self.sessions.borrow().is_some() {
                return Ok(None);
            }
            let (local, session) = futures_util::future::join(
                self.platform.get::<Sessions>(Area::Local, SESSIONS_KEY),
                self.platform.get::<Sessions>(Area::Session, SESSIONS_KEY),
            )
            .await;
            Ok::<_, PlatformError>(Some((local?, session?)))
        };
        let (config, (), sessions) =
            futures_util::future::join3(config, self.load_consoles(), sessions).await;
        config?;
        if let Some((local, session)) = sessions? {
            // Where the stored settings say they are (read before the policy is known:
            // reading them forbids nothing).
            let loaded = match self.sessions_area_by_settings() {
                Area::Local => local,
                _ => session,
            };
            self.sessions
                .borrow_mut()
                .get_or_insert(loaded.unwrap_or_default());
        }
        Ok(self.config.borrow().clone().unwrap_or_default())
    }

    /// The token of the portal's active session, if signed in.
    fn active_token(&self, origin: &str) -> Option<Secret> {
        self.with_sessions(|s| s.active(origin).map(|a| a.token.clone()))
    }

    fn with_sessions<T>(&self, change: impl FnOnce(&mut Sessions) -> T) -> T {
        let mut slot = self.sessions.borrow_mut();
        change(slot.get_or_insert_with(Sessions::default))
    }

    /// Stores the sessions and keeps the sign-in alarm on the earliest deadline.
    ///
    /// Once the policy is known, the first save into an area removes the copy in the other
    /// one: a stale copy (left when *Stay signed in* changed by an import, the policy or the
    /// options page) would bring back a signed-out session at the next start.
    async fn save_sessions(&self) {
        // Attempts that ended lose their rule and their tab first: no tab is left that could
        // still send a token to localhost:N.
        for ended in self.with_sessions(Sessions::take_ended) {
            self.platform
                .remove_session_rule(i32::from(ended.port))
                .await;
            if let Some(tab) = ended.tab_id {
                self.platform.close_tab(tab).await;
            }
        }
        // A copy: storage is written after the borrow ends (another task may change them).
        let (sessions, deadline) = self.with_sessions(|s| (s.clone(), s.next_deadline()));
        let area = self.sessions_area();
        let _ = self.platform.set(area, SESSIONS_KEY, &sessions).await;
        if self.policy_known() && self.sessions_written_to.get() != Some(area) {
            let other = match area {
                Area::Local => Area::Session,
                _ => Area::Local,
            };
            if self.platform.remove(other, SESSIONS_KEY).await.is_ok() {
                self.sessions_written_to.set(Some(area));
            }
        }
        match deadline {
            Some(at) => self.platform.set_alarm(SIGN_IN_ALARM, at).await,
            None => self.platform.clear_alarm(SIGN_IN_ALARM).await,
        }
    }

    /// Where sessions are written: in memory unless the user chose to stay signed in, and in
    /// memory until the policy (which may forbid staying signed in) is known.
    fn sessions_area(&self) -> Area {
        if self.policy_known() {
            self.sessions_area_by_settings()
        } else {
            Area::Session
        }
    }

    /// Where the settings say sessions are kept.
    fn sessions_area_by_settings(&self) -> Area {
        let stay = self
            .config
            .borrow()
            .as_ref()
            .is_some_and(|c| c.settings.stay_signed_in);
        if stay {
            Area::Local
        } else {
            Area::Session
        }
    }

    /// Applies new settings; moves the sessions to the area the choice implies.
    async fn set_settings(&self, config: &Config, settings: Settings) -> Result<(), UserText> {
        let before = self.sessions_area();
        let mut next = config.clone();
        // What the policy fixes stays as the policy says.
        next.settings = settings;
        next.settings
            .keep(&config.settings, &config.managed_settings);
        self.save_config(next).await?;
        if self.sessions_area() != before {
            self.save_sessions().await;
        }
        Ok(())
    }

    /// Stores `next`; only once storage took it does the service adopt it.
    async fn save_config(&self, next: Config) -> Result<(), UserText> {
        self.platform
            .set(Area::Local, Config::STORAGE_KEY, &next.to_stored())
            .await
            .map_err(|_| msg::STORAGE_FAILED.text())?;
        *self.config.borrow_mut() = Some(next);
        Ok(())
    }

    async fn forget_session(&self, origin: &str) {
        self.with_consoles(|c| c.forget_portal(origin));
        self.save_consoles().await;
        // A pending attempt's rule and tab go as the sessions are saved: without its rule,
        // an Authorize there would send the token to whatever listens on localhost:N (found
        // by the sign-in property test).
        self.with_sessions(|s| s.sign_out(origin));
        self.save_sessions().await;
    }

    async fn forget_portal(&self, origin: &str) {
        self.forget_session(origin).await;
        self.tenants.borrow_mut().remove(origin);
        let _ = self
            .platform
            .remove(Area::Local, &tenants_key(origin))
            .await;
    }

    async fn tenant_cache(&self, origin: &str) -> Option<TenantCache> {
        if let Some(cache) = self.tenants.borrow().get(origin) {
            return Some(cache.clone());
        }
        let cache: TenantCache = self
            .platform
            .get(Area::Local, &tenants_key(origin))
            .await
            .ok()??;
        self.tenants
            .borrow_mut()
            .insert(origin.to_owned(), cache.clone());
        Some(cache)
    }

    /// Everything the pages show. Holds no secret.
    async fn state_view(&self) -> StateView {
        let config = self.config.borrow().clone().unwrap_or_default();
        let mut portals = Vec::with_capacity(config.portals.len());
        for portal in &config.portals {
            let origin = portal.url.origin();
            let state = self.with_sessions(|s| s.get(origin));
            let session = match &state.session {
                Session::SignedOut => SessionView::SignedOut,
                Session::SigningIn(_) => SessionView::SigningIn,
                Session::Active(active) => {
                    let features = active.features.clone().unwrap_or_default();
                    SessionView::Active {
                        username: active.user.username.clone(),
                        is_admin: active.user.is_admin,
                        admin_jit: active.user.is_admin && features.admin_jit,
                        duplo_ops: active.user.is_admin && features.duplo_ops,
                        otp_needed: features.otp_needed,
                    }
                }
            };
            let now = self.platform.now_ms();
            let tenants = self.tenant_cache(origin).await.map(|cache| {
                self.with_consoles(|consoles| {
                    cache
                        .tenants
                        .into_iter()
                        .map(|t| {
                            let key = ConsoleKey {
                                origin: origin.to_owned(),
                                role: Role::Tenant {
                                    id: t.id.clone(),
                                    name: t.name.clone(),
                                },
                            };
                            let expires_ms = consoles
                                .credentials
                                .get(&key.id())
                                .map(|c| c.expiry_ms)
                                .filter(|e| *e > now);
                            TenantView {
                                expires_ms,
                                console_open: consoles.open_tab(&key).is_some(),
                                holds_console: consoles.holds_console(&key),
                                keep_alive: config.settings.keep_alive.contains(&key.id()),
                                favourite: position(&config.settings.favourites, &key.id()),
                                recent: config
                                    .recent
                                    .iter()
                                    .position(|k| *k == key)
                                    .and_then(|i| u16::try_from(i).ok()),
                                id: t.id,
                                name: t.name,
                            }
                        })
                        .collect()
                })
            });
            portals.push(PortalView {
                origin: origin.to_owned(),
                host: portal.url.host().to_owned(),
                name: portal.name.clone(),
                colour: portal.colour.map(|c| c.name().to_owned()),
                managed: portal.managed,
                api_host: portal.api_host.as_ref().map(|h| h.origin().to_owned()),
                uses_api_token: portal.api_token.is_some(),
                session,
                error: state.error,
                tenants,
                tenants_total: None,
            });
        }
        StateView {
            portals,
            settings: config.settings,
            managed_settings: config.managed_settings,
            active_origin: None,
        }
    }
}

fn position(list: &[String], id: &str) -> Option<u16> {
    list.iter()
        .position(|x| x == id)
        .and_then(|i| u16::try_from(i).ok())
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

/// The notification that brings a portal's authorization page forward.
fn authorize_notification(origin: &str) -> String {
    format!("authorize|{origin}")
}

fn find(config: &Config, origin: &str) -> Option<Portal> {
    config
        .portals
        .iter()
        .find(|p| p.url.origin() == origin)
        .cloned()
}
