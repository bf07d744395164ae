//! Signing in to a portal: with an API token, an open portal tab's token or the portal's
//! authorization page (the hand-off); validating the session, reading the tenant list, and
//! what a 401 starts. The rules (when a page may open, the cooldown, what resumes after)
//! are the core's (`core::session`); this performs them.

use super::storage::tenants_key;
use super::{find, Area, PageMode, Platform, Service, TenantCache, BLANK_PAGE};
use crate::core::config::Config;
use crate::core::config::Portal;
use crate::core::portal_api;
use crate::core::portal_api::ApiError;
use crate::core::portal_api::ApiRequest;
use crate::core::portal_api::Endpoint;
use crate::core::portal_api::UserInfo;
use crate::core::portal_url::Origin;
use crate::core::secret::Secret;
use crate::core::session;
use crate::core::session::Initiator;
use crate::core::session::Reauthorize;
use crate::core::session::Session;
use crate::core::session::SignInStart;
use crate::core::session::TabId;
use crate::core::session::TokenSource;
use crate::core::session::Waiting;
use crate::core::text::msg;
use crate::core::text::UserText;

impl<P: Platform> Service<P> {
    pub(super) async fn sign_in_request(
        &self,
        config: &Config,
        origin: &Origin,
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
            for token in self.platform.portal_page_tokens(origin.as_str()).await {
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

    pub(super) async fn start_handoff(&self, portal: &Portal, page: PageMode) {
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
    pub(super) async fn handoff(&self, url: &str, tab_id: Option<TabId>) -> Result<(), UserText> {
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

    pub(super) async fn validate(
        &self,
        portal: &Portal,
        token: &Secret,
    ) -> Result<UserInfo, ApiError> {
        let request = ApiRequest::new(portal.api_url(), &Endpoint::UserRoleInfo, token);
        portal_api::parse_user_info(&self.platform.fetch(&request).await)
    }

    /// After a sign-in: read what the portal enables and its tenants, then resume the work
    /// that waited.
    pub(super) async fn signed_in(
        &self,
        portal: &Portal,
        token: Secret,
        source: TokenSource,
        user: UserInfo,
    ) {
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
                    self.with_consoles(|c| c.clear_retry(&key));
                    self.renew(&key, false).await
                }
            }
        }
    }

    /// Reads the tenant list again. A 401 starts one sign-in and resumes the refresh after it.
    pub(super) async fn refresh_tenants(&self, portal: &Portal) {
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
                self.tenants.borrow_mut().insert(origin.clone(), cache);
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
}

/// The notification that brings a portal's authorization page forward.
pub(super) fn authorize_notification(origin: &Origin) -> String {
    format!("authorize|{origin}")
}
