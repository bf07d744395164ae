//! What the service keeps: loading the stored state once per worker (the start-up reads),
//! saving sessions where the settings and the policy allow, the configuration, and each
//! portal's tenant cache. The in-memory copies are caches of storage.

use super::{Area, Platform, PlatformError, Service, TenantCache, SESSIONS_KEY, SIGN_IN_ALARM};
use crate::core::config::Config;
use crate::core::config::Settings;
use crate::core::portal_url::Origin;
use crate::core::secret::Secret;
use crate::core::session::Sessions;
use crate::core::text::msg;
use crate::core::text::UserText;

impl<P: Platform> Service<P> {
    pub(super) async fn load(&self) -> Result<Config, PlatformError> {
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
    pub(super) fn active_token(&self, origin: &Origin) -> Option<Secret> {
        self.with_sessions(|s| s.active(origin).map(|a| a.token.clone()))
    }

    pub(super) fn with_sessions<T>(&self, change: impl FnOnce(&mut Sessions) -> T) -> T {
        let mut slot = self.sessions.borrow_mut();
        change(slot.get_or_insert_with(Sessions::default))
    }

    /// Stores the sessions and keeps the sign-in alarm on the earliest deadline.
    ///
    /// Once the policy is known, the first save into an area removes the copy in the other
    /// one: a stale copy (left when *Stay signed in* changed by an import, the policy or the
    /// options page) would bring back a signed-out session at the next start.
    pub(super) async fn save_sessions(&self) {
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
    pub(super) fn sessions_area(&self) -> Area {
        if self.policy_known() {
            self.sessions_area_by_settings()
        } else {
            Area::Session
        }
    }

    /// Where the settings say sessions are kept.
    pub(super) fn sessions_area_by_settings(&self) -> Area {
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
    pub(super) async fn set_settings(
        &self,
        config: &Config,
        settings: Settings,
    ) -> Result<(), UserText> {
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
    pub(super) async fn save_config(&self, next: Config) -> Result<(), UserText> {
        self.platform
            .set(Area::Local, Config::STORAGE_KEY, &next.to_stored())
            .await
            .map_err(|_| msg::STORAGE_FAILED.text())?;
        *self.config.borrow_mut() = Some(next);
        Ok(())
    }

    pub(super) async fn forget_session(&self, origin: &Origin) {
        self.forget_kubernetes(origin);
        self.with_consoles(|c| c.forget_portal(origin));
        self.save_consoles().await;
        // A pending attempt's rule and tab go as the sessions are saved: without its rule,
        // an Authorize there would send the token to whatever listens on localhost:N (found
        // by the sign-in property test).
        self.with_sessions(|s| s.sign_out(origin));
        self.save_sessions().await;
    }

    pub(super) async fn forget_portal(&self, origin: &Origin) {
        self.forget_session(origin).await;
        self.tenants.borrow_mut().remove(origin);
        let _ = self
            .platform
            .remove(Area::Local, &tenants_key(origin))
            .await;
    }

    /// Brings `origin`'s tenant cache into memory from storage, if it is stored and not in
    /// memory yet (the view then reads it there, without a copy).
    pub(super) async fn load_tenant_cache(&self, origin: &Origin) {
        if self.tenants.borrow().contains_key(origin) {
            return;
        }
        let stored: Option<TenantCache> = self
            .platform
            .get(Area::Local, &tenants_key(origin))
            .await
            .ok()
            .flatten();
        if let Some(cache) = stored {
            self.tenants.borrow_mut().insert(origin.clone(), cache);
        }
    }
}

pub(super) fn tenants_key(origin: &Origin) -> String {
    format!("tenants:{origin}")
}
