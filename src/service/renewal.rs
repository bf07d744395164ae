//! Renewing consoles before their credentials run out, in place, and keeping the badge and
//! the tab group titles true. Driven by one alarm; rebuilt from storage on every start.

use super::{find, PageMode, Platform, Service};
use crate::core::aws;
use crate::core::config::Portal;
use crate::core::consoles::{self, ConsoleMode, Destination, OpenConsole};
use crate::core::credentials::LiveCredentials;
use crate::core::identity::{ConsoleKey, KeyId};
use crate::core::renewal;
use crate::core::secret::Secret;
use crate::core::session::{Initiator, TabId, Waiting};
use crate::core::text::msg;
use crate::core::weburl::WebUrl;

/// The alarm that wakes the worker for renewals and badge updates.
pub const RENEWAL_ALARM: &str = "renewal";
/// Before renewing, the alarm is set this far ahead, so a worker the browser stops in the
/// middle of a renewal is woken to finish it (30 s is the shortest alarm a packed
/// extension gets).
pub const RESUME_AFTER_MS: u64 = 30_000;

impl<P: Platform> Service<P> {
    /// Plans from what is stored: renews what is due, sets the next alarm, the badge and
    /// the group titles. Safe to call at any time, as often as wanted.
    pub(super) async fn schedule(&self) {
        let settings = self
            .config
            .borrow()
            .as_ref()
            .map(|c| c.settings.clone())
            .unwrap_or_default();
        let now = self.platform.now_ms();
        let plan = self.with_consoles(|c| renewal::plan(c, &settings, c.notified(), now));
        if !plan.renew.is_empty() {
            // The alarm that woke us is spent: if the worker is stopped before the renewals
            // below finish, this one wakes a new worker to do them.
            self.platform
                .set_alarm(RENEWAL_ALARM, now.saturating_add(RESUME_AFTER_MS))
                .await;
        }
        // Renewals of portals with a live session run together: fifty consoles due in the same
        // minute must not wait for each other's round trips (the browser still caps the
        // connections per host). Without a session, the first renewal starts the one sign-in
        // and the others queue behind it, one after the other as before.
        //
        // A schedule that runs while another's renewals are in flight (another alarm, a tab
        // closed, a request) leaves those to it: credentials are kept until new ones arrive,
        // so they are still due.
        let (together, one_by_one): (Vec<_>, Vec<_>) = plan
            .renew
            .iter()
            .filter(|key| self.renewing.borrow_mut().insert(key.id()))
            .partition(|key| self.active_token(&key.origin).is_some());
        futures_util::future::join_all(together.into_iter().map(|key| self.renew_claimed(key)))
            .await;
        for key in one_by_one {
            self.renew_claimed(key).await;
        }
        for key in &plan.notify {
            self.notify_ending(key).await;
        }
        // Renewals changed the expiry times: plan again for the alarm and the badge.
        let now = self.platform.now_ms();
        let plan = self.with_consoles(|c| renewal::plan(c, &settings, c.notified(), now));
        match plan.next_wakeup_ms {
            Some(at) => self.platform.set_alarm(RENEWAL_ALARM, at).await,
            None => self.platform.clear_alarm(RENEWAL_ALARM).await,
        }
        match &plan.badge {
            Some(badge) => self.platform.set_badge(&badge.text(), badge.urgent).await,
            None => self.platform.set_badge("", false).await,
        }
        for (group, title) in self.with_consoles(|c| c.group_titles(now)) {
            self.platform.set_group_title(group, &title).await;
        }
        self.tell_bars(settings.identity_bar).await;
    }

    /// A due renewal this schedule claimed (in `renewing`), released when done.
    async fn renew_claimed(&self, key: &ConsoleKey) {
        self.renew(key, false).await;
        self.renewing.borrow_mut().remove(&key.id());
    }

    /// A system notification that `key`'s session ends soon and will not renew by itself.
    async fn notify_ending(&self, key: &ConsoleKey) {
        let host = WebUrl::parse(key.origin.as_str())
            .map(|u| u.host().to_owned())
            .unwrap_or_default();
        let now = self.platform.now_ms();
        let minutes = self
            .with_consoles(|c| {
                c.credentials_of(&key.id())
                    .map(|l| l.expiry_ms.saturating_sub(now) / 60_000)
            })
            .unwrap_or(0);
        let message = msg::NOTIFICATION_MESSAGE.with([key.label(), host, minutes.to_string()]);
        self.platform
            .notify(key.id().as_str(), &msg::NOTIFICATION_TITLE.text(), &message)
            .await;
        self.with_consoles(|c| c.mark_notified(key));
        self.save_consoles().await;
    }

    /// A notification's button (0: Renew, 1: Dismiss) or body (None: Renew) was clicked.
    pub(super) async fn notification_clicked(&self, id: &str, button: Option<u32>) {
        self.platform.clear_notification(id).await;
        let key = self.with_consoles(|c| c.key(&KeyId::from_text(id)).cloned());
        if let (Some(key), None | Some(0)) = (key, button) {
            self.renew(&key, true).await;
            self.schedule().await;
        }
    }

    /// New credentials for `key`, and its console tabs signed in again where they are — but,
    /// unless the user asked (`asked`), not the tab the user is looking at: that one is
    /// renewed when the console sends it to the expired page (or here, if it is there
    /// already). Unless asked, a renewal that failed waits for its retry time.
    pub(super) async fn renew(&self, key: &ConsoleKey, asked: bool) {
        let config = self.config.borrow().clone().unwrap_or_default();
        let Some(portal) = find(&config, &key.origin) else {
            self.with_consoles(|c| c.forget_credentials(key));
            return;
        };
        if !self.renews_in_place(key) {
            return;
        }
        let now = self.platform.now_ms();
        if !asked && self.with_consoles(|c| c.retry_pending(key, now)) {
            return;
        }
        let Some(live) = self.fresh_credentials(&portal, key, asked).await else {
            self.save_consoles().await;
            return;
        };
        let tabs: Vec<TabId> = self.with_consoles(|c| c.tabs_of(key));
        let mut changed = false;
        for tab in tabs {
            match self.platform.tab_info(tab).await {
                None => {
                    changed |= self.with_consoles(|c| c.tab_closed(tab));
                }
                Some(info)
                    if info.active && !asked && renewal::expired_page(&info.url).is_none() => {}
                Some(info) => {
                    let page = match renewal::expired_page(&info.url) {
                        Some(back) => back,
                        None => info.url,
                    };
                    if !self.sign_tab_in(&portal, key, &live, tab, &page).await {
                        // AWS refused credentials the portal just issued: wait before asking
                        // again rather than loop.
                        let now = self.platform.now_ms();
                        self.with_consoles(|c| c.renewal_failed(key, now));
                        changed = true;
                        break;
                    }
                }
            }
        }
        // The new credentials were stored when they arrived; only a closed tab or a refusal
        // is new here.
        if changed {
            self.save_consoles().await;
        }
    }

    /// In a single-session console only the identity that holds it is renewed: signing in
    /// another would sign the holder out.
    fn renews_in_place(&self, key: &ConsoleKey) -> bool {
        let setting = self
            .config
            .borrow()
            .as_ref()
            .map(|c| c.settings.console_mode)
            .unwrap_or_default();
        let isolated = self.platform.capabilities().isolates_identities();
        self.with_consoles(|c| {
            isolated
                || c.mode(setting) == Some(ConsoleMode::Multi)
                || !c.holder_known()
                || c.holds_console(key)
        })
    }

    /// Replaces `key`'s credentials (the ones held stay until new ones arrive). Without a
    /// portal session the renewal waits for the next sign-in; one sign-in starts if none is
    /// pending and this is the first attempt (or the user asked), so a user who is away is
    /// not given an authorization tab at every retry. Anything but new credentials counts as
    /// a failure: the next attempt waits ([`Consoles::renewal_failed`]).
    ///
    /// [`Consoles::renewal_failed`]: crate::core::consoles::Consoles::renewal_failed
    async fn fresh_credentials(
        &self,
        portal: &Portal,
        key: &ConsoleKey,
        asked: bool,
    ) -> Option<LiveCredentials> {
        let origin = portal.url.origin();
        let work = Waiting::Renew(key.clone());
        let now = self.platform.now_ms();
        let initiator = if asked {
            Initiator::Person
        } else {
            Initiator::Renewal
        };
        let Some(token) = self.active_token(origin) else {
            let pending = self.with_sessions(|s| {
                s.wait_for_sign_in(origin, work);
                s.attempt(origin).is_some()
            });
            let first = self.with_consoles(|c| {
                let first = c.retry(key).is_none();
                c.renewal_failed(key, now);
                first
            });
            let deferred = self.with_sessions(|s| s.deferred_page_due(origin, now));
            self.save_sessions().await;
            if !pending && (first || asked || deferred) {
                let page = if asked {
                    PageMode::Front
                } else {
                    PageMode::Behind
                };
                Box::pin(self.sign_in(portal, page)).await;
            }
            return None;
        };
        let open = OpenConsole {
            key: key.clone(),
            destination: Destination::Home,
            new_tab: false,
        };
        let result = self
            .credentials_waiting(portal, &open, &token, None, work, true, initiator)
            .await;
        if let Err(problem) = &result {
            self.with_sessions(|s| s.set_error(origin, Some(problem.clone())));
            self.save_sessions().await;
        }
        let live = result.ok().flatten();
        if live.is_some() {
            // The portal answers again: the problem a failed renewal showed is over.
            self.with_sessions(|s| s.set_error(origin, None));
            self.save_sessions().await;
        }
        if live.is_none() {
            // A 401 started the sign-in (the renewal waits for it), or the portal failed.
            let now = self.platform.now_ms();
            self.with_consoles(|c| c.renewal_failed(key, now));
        }
        live
    }

    /// Signs `tab` in again as `key`, landing on the page it shows (`current_url`). Returns
    /// false when AWS sign-in refused the credentials.
    async fn sign_tab_in(
        &self,
        portal: &Portal,
        key: &ConsoleKey,
        live: &LiveCredentials,
        tab: TabId,
        current_url: &str,
    ) -> bool {
        let destination = Destination::Url {
            url: current_url.to_owned(),
        };
        let destination_url = destination
            .url(live.partition, &live.region(None))
            .unwrap_or_else(|_| aws::console_home(live.partition, &live.region(None)));
        let open = OpenConsole {
            key: key.clone(),
            destination,
            new_tab: false,
        };
        let Ok(login) = self.login_url(portal, &open, live, &destination_url).await else {
            return false;
        };
        let setting = self
            .config
            .borrow()
            .as_ref()
            .map(|c| c.settings.console_mode)
            .unwrap_or_default();
        let single = self.with_consoles(|c| c.mode(setting)) != Some(ConsoleMode::Multi);
        // The identity's own session is still live in the cookie jar (the browser's, or the
        // identity's container in Firefox), and AWS refuses a federation login over a live
        // session: sign out first in a single-session console.
        // In a multi-session console the tab's old session is signed out on its own host on
        // the way, so the identity does not hold two (and a browser at AWS's limit of five
        // can still renew).
        let old_session = if single {
            None
        } else {
            self.with_consoles(|c| c.take_session_of_tab(tab))
        };
        let url = match old_session {
            _ if single => Secret::new(aws::logout_url(live.partition, login.expose())),
            Some(host) => aws::session_logout_url(&host, login.expose())
                .map(Secret::new)
                .unwrap_or(login),
            None => login,
        };
        let _ = self.platform.navigate_tab(tab, &url).await;
        true
    }

    /// A tab of ours reached the console's expired page: sign it in again, back where it was.
    pub(super) async fn expired_tab(&self, tab: TabId, url: &str) -> bool {
        let Some(back_to) = renewal::expired_page(url) else {
            return false;
        };
        let Some(key) = self.with_consoles(|c| c.key_of_tab(tab).cloned()) else {
            return false;
        };
        let auto = self
            .config
            .borrow()
            .as_ref()
            .is_none_or(|c| c.settings.auto_renew);
        if !auto {
            return true;
        }
        let config = self.config.borrow().clone().unwrap_or_default();
        let Some(portal) = find(&config, &key.origin) else {
            return true;
        };
        let now = self.platform.now_ms();
        if !self.with_consoles(|c| c.may_resign_expired_tab(tab, now)) {
            // Signed in again from this page a moment ago: no request loop.
            return true;
        }
        let live = match self.with_consoles(|c| c.live(&key, now).cloned()) {
            Some(live) => Some(live),
            // A renewal failed a moment ago: the retry signs this tab in too.
            None if self.with_consoles(|c| c.retry_pending(&key, now)) => None,
            None => self.fresh_credentials(&portal, &key, false).await,
        };
        if let Some(live) = live {
            let page = if consoles::is_console_page(&back_to, live.partition) {
                back_to
            } else {
                aws::console_home(live.partition, &live.region(None))
            };
            if !self.sign_tab_in(&portal, &key, &live, tab, &page).await {
                // The console ended the session and AWS refuses the credentials, however live
                // the portal said they were: get new ones after a pause.
                self.with_consoles(|c| {
                    c.credentials_refused(&key, now);
                    c.renewal_failed(&key, now);
                });
            }
        }
        self.save_consoles().await;
        true
    }
}

#[cfg(test)]
mod tests {
    use std::cell::RefCell;

    use std::future::poll_fn;
    use std::task::Poll;

    use futures_util::future::join_all;

    /// Waits once (wakes itself), as a request in flight would.
    async fn yield_once() {
        let mut waited = false;
        poll_fn(|cx| {
            if waited {
                Poll::Ready(())
            } else {
                waited = true;
                cx.waker().wake_by_ref();
                Poll::Pending
            }
        })
        .await;
    }

    /// Renewals of one portal run together through `join_all`; the renewal relies on each
    /// running up to its first wait before the next starts (checked here, as futures-util
    /// documents it).
    #[test]
    fn join_all_runs_the_futures_together() {
        let order = RefCell::new(Vec::new());
        let task = |name: &'static str| {
            let order = &order;
            async move {
                order.borrow_mut().push(format!("{name} starts"));
                yield_once().await;
                order.borrow_mut().push(format!("{name} ends"));
            }
        };
        futures_executor::block_on(join_all([task("a"), task("b")]));
        assert_eq!(
            order.into_inner(),
            ["a starts", "b starts", "a ends", "b ends"]
        );
    }
}
