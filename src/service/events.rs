//! Browser events: start-up, the managed policy, notifications, tabs, alarms.

use super::{
    Area, Platform, Service, POLICY_APPLIED_KEY, POLICY_KEY, RENEWAL_ALARM, SIGN_IN_ALARM,
};
use crate::core::portal_url::Origin;
use crate::core::session;
use crate::core::session::TabId;
use crate::core::text::msg;

impl<P: Platform> Service<P> {
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
            let origin = Origin::from_text(origin);
            let tab = self.with_sessions(|s| s.attempt(&origin).and_then(|a| a.tab_id));
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
