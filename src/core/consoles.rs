//! AWS consoles per tenant: which credentials are live, which tab shows whom, and how to
//! sign a tab in (single- or multi-session console). Pure: time is passed in.

use serde::{Deserialize, Serialize};

use super::arn::Arn;
use super::aws::{self, AwsService, JitCredentials, Partition};
use super::credentials::LiveCredentials;
use super::expiry;
use super::identity::{ConsoleKey, KeyId};
use super::multi_session::MultiSessions;
use super::renewal::{retry_delay_ms, Retry};
use super::secret::Secret;
use super::session::TabId;
use super::text::{msg, UserText};
use super::weburl::WebUrl;
use std::collections::btree_map::Entry;
use std::collections::{BTreeMap, BTreeSet};

/// Where a console should land.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(
    tag = "kind",
    rename_all = "camelCase",
    rename_all_fields = "camelCase"
)]
pub enum Destination {
    /// The console home of the credentials' region.
    Home,
    /// A service's page, in a region (the credentials' when absent).
    Service {
        /// The service's short name (`s3`, `ec2`, ...).
        service: String,
        /// The region.
        region: Option<String>,
    },
    /// The page of the resource an ARN names.
    Arn {
        /// The ARN text.
        arn: String,
    },
    /// A console page (the same page as another tenant's tab, or a renewed tab's page).
    Url {
        /// The console URL.
        url: String,
    },
}

impl Destination {
    /// The console URL this destination means, or why it cannot be opened.
    pub fn url(&self, partition: Partition, region: &str) -> Result<String, UserText> {
        match self {
            Self::Home => Ok(aws::console_home(partition, region)),
            Self::Service {
                service,
                region: wanted,
            } => {
                let service = AwsService::parse(service)
                    .ok_or_else(|| msg::UNKNOWN_SERVICE.with([service.as_str()]))?;
                let region = wanted
                    .as_deref()
                    .filter(|r| aws::is_valid_region(r))
                    .unwrap_or(region);
                Ok(aws::service_url(partition, service, region))
            }
            Self::Arn { arn } => {
                let arn = Arn::parse(arn).map_err(|e| e.user_text())?;
                arn.check_partition(partition).map_err(|e| e.user_text())?;
                Ok(arn.console_url(region))
            }
            Self::Url { url } => {
                let parsed = WebUrl::parse(url).map_err(|_| msg::CONSOLE_PAGE_INVALID.text())?;
                if is_console_page(url, partition) {
                    Ok(same_page(&parsed))
                } else {
                    Err(msg::CONSOLE_PAGE_INVALID.text())
                }
            }
        }
    }
}

/// A console page as a federation `Destination`: a multi-session host
/// (`{account}-{id}.{region}.console…`) belongs to one identity, so the page is moved to the
/// plain regional host and the new identity gets its own.
fn same_page(url: &WebUrl) -> String {
    let host = url.host();
    match aws::multi_session_host(host) {
        Some((_, _, region)) => {
            let base = host.splitn(3, '.').nth(2).unwrap_or_default();
            match url.with_host(&format!("{region}.{base}")) {
                Ok(moved) => moved.to_string(),
                Err(_) => url.to_string(),
            }
        }
        None => url.to_string(),
    }
}

/// A console to open, as a page asked for it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct OpenConsole {
    /// Whose console.
    pub key: ConsoleKey,
    /// Where it lands.
    pub destination: Destination,
    /// Open another tab even when one is open already.
    #[serde(default)]
    pub new_tab: bool,
}

/// Whether `url` is an `https` page on a console host of `partition`, without user info or
/// an explicit port (the `console_url` fuzz target found `https://x@console…` passing).
pub fn is_console_page(url: &str, partition: Partition) -> bool {
    WebUrl::parse(url).is_ok_and(|u| {
        u.scheme() == "https"
            && !u.has_credentials()
            && u.port().is_none()
            && aws::is_console_host(u.host(), partition)
    })
}

/// How the console keeps identities.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum ConsoleModeSetting {
    /// Detect it from where sign-ins land.
    #[default]
    Auto,
    /// One identity per browser profile: sign out before signing in as someone else.
    Single,
    /// AWS's multi-session mode: several identities at once; never sign out.
    Multi,
}

impl ConsoleModeSetting {
    /// Every setting, in the options page's order, with its one name (stored, as serde
    /// writes it, and in the page's markup).
    pub const NAMES: &'static [(ConsoleModeSetting, &'static str)] = &[
        (Self::Auto, "auto"),
        (Self::Single, "single"),
        (Self::Multi, "multi"),
    ];

    /// The setting's name ([`Self::NAMES`]).
    pub fn name(self) -> &'static str {
        crate::util::name_in(Self::NAMES, &self)
    }

    /// The setting named `name` ([`Self::NAMES`]).
    pub fn from_name(name: &str) -> Option<ConsoleModeSetting> {
        crate::util::named(Self::NAMES, name)
    }

    /// The setting's name as the person reads it.
    pub fn label(self) -> super::text::Msg {
        match self {
            Self::Auto => super::text::msg::CONSOLE_MODE_AUTO,
            Self::Single => super::text::msg::CONSOLE_MODE_SINGLE,
            Self::Multi => super::text::msg::CONSOLE_MODE_MULTI,
        }
    }
}

/// What the console turned out to be.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum ConsoleMode {
    /// Single-session.
    Single,
    /// Multi-session.
    Multi,
}

/// How to sign a new console tab in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SignInRoute {
    /// This identity holds the console already: open the page itself.
    Direct,
    /// Federation login.
    Login {
        /// Send the tab through AWS's logout first (single-session console held by someone
        /// else).
        logout_first: bool,
    },
    /// Federation login in a multi-session console at AWS's limit: sign out of the session
    /// on `host` (identity `id`'s) first ([`super::multi_session`]).
    MakeRoom {
        /// The session's host.
        host: String,
        /// Whose session it is.
        id: KeyId,
    },
}

/// All console state of the browser. Holds secrets: kept in `storage.session` only.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct Consoles {
    /// Live credentials by [`ConsoleKey::id`].
    credentials: BTreeMap<KeyId, LiveCredentials>,
    /// The identities seen, by id.
    keys: BTreeMap<KeyId, ConsoleKey>,
    /// Console tabs opened by the extension, and whose they are.
    tabs: BTreeMap<TabId, KeyId>,
    /// Chrome tab groups by key id.
    groups: BTreeMap<KeyId, i32>,
    /// Per partition, the identity that holds the single-session console.
    holders: BTreeMap<String, KeyId>,
    /// Per partition, the identities signed in to the console each in a container of its own
    /// (Firefox): a container is a cookie jar holding one identity's console session, which
    /// outlives the identity's tabs.
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    contained: BTreeMap<String, BTreeSet<KeyId>>,
    /// What the console was seen to be.
    detected_mode: Option<ConsoleMode>,
    /// Identities already notified about their current credentials' end.
    notified: BTreeSet<KeyId>,
    /// Identities whose last renewal failed, and when to try again.
    retries: BTreeMap<KeyId, Retry>,
    /// When each tab was last signed in again from the console's expired page.
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    expired_resigned: BTreeMap<TabId, u64>,
    /// The multi-session console's sessions.
    #[serde(skip_serializing_if = "MultiSessions::is_empty")]
    multi: MultiSessions,
}

/// The console's expired page signs a tab in again at most this often: a console that keeps
/// sending the tab back there does not make a request loop.
pub const EXPIRED_PAGE_INTERVAL_MS: u64 = 20_000;

impl Consoles {
    /// The identity whose [`ConsoleKey::id`] is `id`, once seen.
    pub fn key(&self, id: &KeyId) -> Option<&ConsoleKey> {
        self.keys.get(id)
    }

    /// The credentials held for the identity `id`, live or not.
    pub fn credentials_of(&self, id: &KeyId) -> Option<&LiveCredentials> {
        self.credentials.get(id)
    }

    /// Every identity with credentials held, with them.
    pub fn held(&self) -> impl Iterator<Item = (&ConsoleKey, &LiveCredentials)> {
        self.credentials
            .iter()
            .filter_map(|(id, live)| Some((self.keys.get(id)?, live)))
    }

    /// The ids of the identities with a console tab open.
    pub fn with_tabs(&self) -> BTreeSet<&KeyId> {
        self.tabs.values().collect()
    }

    /// The console tabs of `key`.
    pub fn tabs_of(&self, key: &ConsoleKey) -> Vec<TabId> {
        let id = key.id();
        self.tabs
            .iter()
            .filter(|(_, k)| **k == id)
            .map(|(tab, _)| *tab)
            .collect()
    }

    /// The tab group (Chrome) of `key`'s tabs.
    pub fn group(&self, key: &ConsoleKey) -> Option<i32> {
        self.groups.get(&key.id()).copied()
    }

    /// Records the tab group of `key`'s tabs.
    pub fn set_group(&mut self, key: &ConsoleKey, group: i32) {
        self.groups.insert(key.id(), group);
    }

    /// Each tab group with the title it should have at `now_ms` ([`expiry::group_title`]).
    pub fn group_titles(&self, now_ms: u64) -> Vec<(i32, String)> {
        self.groups
            .iter()
            .filter_map(|(id, group)| {
                let key = self.keys.get(id)?;
                let live = self.credentials.get(id)?;
                Some((
                    *group,
                    expiry::group_title(&key.label(), live.expiry_ms, now_ms),
                ))
            })
            .collect()
    }

    /// The identities already notified that their current credentials end.
    pub fn notified(&self) -> &BTreeSet<KeyId> {
        &self.notified
    }

    /// Records that `key` was notified that its current credentials end.
    pub fn mark_notified(&mut self, key: &ConsoleKey) {
        self.notified.insert(key.id());
    }

    /// The retry of `key`'s last failed renewal, if it failed.
    pub fn retry(&self, key: &ConsoleKey) -> Option<&Retry> {
        self.retries.get(&key.id())
    }

    /// Forgets `key`'s failed renewal (it is renewed now another way).
    pub fn clear_retry(&mut self, key: &ConsoleKey) {
        self.retries.remove(&key.id());
    }

    /// Whether any identity is known to hold a single-session console (in any partition).
    pub fn holder_known(&self) -> bool {
        !self.holders.is_empty()
    }

    /// The credentials of `key` if a new console may still be opened with them.
    pub fn live(&self, key: &ConsoleKey, now_ms: u64) -> Option<&LiveCredentials> {
        self.credentials.get(&key.id()).filter(|c| c.usable(now_ms))
    }

    /// Keeps freshly received credentials.
    pub fn store(
        &mut self,
        key: &ConsoleKey,
        credentials: JitCredentials,
        partition: Partition,
        now_ms: u64,
    ) -> &LiveCredentials {
        let expiry_ms = expiry::expiry_ms(now_ms, credentials.validity_secs);
        self.multi.prune(now_ms);
        let id = key.id();
        self.notified.remove(&id);
        self.retries.remove(&id);
        self.keys.insert(id.clone(), key.clone());
        let live = LiveCredentials {
            credentials,
            partition,
            received_ms: now_ms,
            expiry_ms,
            console_url_used: false,
        };
        match self.credentials.entry(id) {
            Entry::Occupied(mut held) => {
                held.insert(live);
                held.into_mut()
            }
            Entry::Vacant(empty) => empty.insert(live),
        }
    }

    /// Drops credentials (a forced refresh, or the portal signed out).
    pub fn forget_credentials(&mut self, key: &ConsoleKey) {
        self.credentials.remove(&key.id());
    }

    /// Drops every credential of a portal.
    pub fn forget_portal(&mut self, origin: &str) {
        self.credentials.retain(|id, _| id.origin() != origin);
        self.retries.retain(|id, _| id.origin() != origin);
    }

    /// A renewal of `key` brought no credentials: the next waits ([`retry_delay_ms`]).
    pub fn renewal_failed(&mut self, key: &ConsoleKey, now_ms: u64) -> Retry {
        let id = key.id();
        let failures = self.retries.get(&id).map_or(0, |r| r.failures) + 1;
        let retry = Retry {
            failures,
            next_ms: now_ms.saturating_add(retry_delay_ms(id.as_str(), failures)),
        };
        self.retries.insert(id, retry);
        retry
    }

    /// Whether a renewal of `key` must wait for its retry time.
    pub fn retry_pending(&self, key: &ConsoleKey, now_ms: u64) -> bool {
        self.retries
            .get(&key.id())
            .is_some_and(|r| now_ms < r.next_ms)
    }

    /// AWS refused `key`'s credentials (its sign-in failed with them, or the console said
    /// the session ended while they looked live): they count as expired from now.
    pub fn credentials_refused(&mut self, key: &ConsoleKey, now_ms: u64) {
        if let Some(live) = self.credentials.get_mut(&key.id()) {
            live.expiry_ms = live.expiry_ms.min(now_ms);
        }
    }

    /// When `id` is due for renewal: its retry time after a failure, else
    /// [`LiveCredentials::renewal_due_ms`].
    pub fn renewal_due_ms(&self, id: &KeyId) -> Option<u64> {
        match self.retries.get(id) {
            Some(retry) => Some(retry.next_ms),
            None => self
                .credentials
                .get(id)
                .map(LiveCredentials::renewal_due_ms),
        }
    }

    /// [`LiveCredentials::portal_login`] of `key`'s stored credentials, spent in the same
    /// step: two tabs signed in one after the other (a renewal of an identity with several
    /// tabs) never get the same single-use token.
    pub fn take_portal_login(
        &mut self,
        key: &ConsoleKey,
        now_ms: u64,
        home: bool,
        issuer: &str,
        destination: &str,
    ) -> Option<Secret> {
        let live = self.credentials.get_mut(&key.id())?;
        let login = live.portal_login(now_ms, home, issuer, destination)?;
        live.console_url_used = true;
        Some(login)
    }

    /// A console tab of `key` that is open, if any.
    pub fn open_tab(&self, key: &ConsoleKey) -> Option<TabId> {
        let id = key.id();
        self.tabs
            .iter()
            .find(|(_, k)| **k == id)
            .map(|(tab, _)| *tab)
    }

    /// Records a console tab of `key`.
    pub fn register_tab(&mut self, tab: TabId, key: &ConsoleKey) {
        self.keys.insert(key.id(), key.clone());
        self.tabs.insert(tab, key.id());
    }

    /// A tab closed.
    pub fn tab_closed(&mut self, tab: TabId) -> bool {
        self.expired_resigned.remove(&tab);
        self.multi.tab_closed(tab);
        self.tabs.remove(&tab).is_some()
    }

    /// Whether `tab`, on the console's expired page, may be signed in again now (at most
    /// once per [`EXPIRED_PAGE_INTERVAL_MS`]); a yes is recorded.
    pub fn may_resign_expired_tab(&mut self, tab: TabId, now_ms: u64) -> bool {
        let allowed = self
            .expired_resigned
            .get(&tab)
            .is_none_or(|at| now_ms >= at + EXPIRED_PAGE_INTERVAL_MS);
        if allowed {
            self.expired_resigned.insert(tab, now_ms);
        }
        allowed
    }

    /// `key` was opened (or brought forward) at `now_ms`: the least recently used identity is
    /// the one a multi-session console at AWS's limit signs out.
    pub fn touch(&mut self, key: &ConsoleKey, now_ms: u64) {
        self.multi.touch(&key.id(), now_ms);
    }

    /// The multi-session console's sessions.
    pub fn multi_sessions(&self) -> &MultiSessions {
        &self.multi
    }

    /// The multi-session console's session on `host` was signed out to make room: it is
    /// forgotten, and the tabs that showed it are no longer consoles of ours (nothing signs
    /// them in again, which would take the room back). Returns them.
    pub fn session_signed_out(&mut self, host: &str) -> Vec<TabId> {
        let tabs = self.multi.ended(host);
        for tab in &tabs {
            self.tabs.remove(tab);
        }
        tabs
    }

    /// The multi-session host of the session `tab` shows, which a renewal of the tab signs
    /// out on its way to the new sign-in (so the identity never holds two); forgotten now,
    /// the tab staying ours.
    pub fn take_session_of_tab(&mut self, tab: TabId) -> Option<String> {
        let host = self.multi.session_of_tab(tab)?.host.clone();
        self.multi.ended(&host);
        Some(host)
    }

    /// Every console tab the extension opened, with its identity.
    pub fn tabs(&self) -> impl Iterator<Item = (TabId, &ConsoleKey)> {
        self.tabs
            .iter()
            .filter_map(|(tab, id)| self.keys.get(id).map(|key| (*tab, key)))
    }

    /// The identity of a console tab.
    pub fn key_of_tab(&self, tab: TabId) -> Option<&ConsoleKey> {
        self.tabs.get(&tab).and_then(|id| self.keys.get(id))
    }

    /// The mode in force: the user's choice, or what was detected.
    pub fn mode(&self, setting: ConsoleModeSetting) -> Option<ConsoleMode> {
        match setting {
            ConsoleModeSetting::Single => Some(ConsoleMode::Single),
            ConsoleModeSetting::Multi => Some(ConsoleMode::Multi),
            ConsoleModeSetting::Auto => self.detected_mode,
        }
    }

    /// How to sign a new tab of `key` in. `isolated` is true where the browser keeps each
    /// identity's cookies apart (Firefox containers): there the identity's own container is
    /// the cookie jar to look at, and no other identity's session is ever in the way.
    pub fn route(
        &self,
        key: &ConsoleKey,
        partition: Partition,
        setting: ConsoleModeSetting,
        isolated: bool,
        now_ms: u64,
    ) -> SignInRoute {
        if self.mode(setting) == Some(ConsoleMode::Multi) {
            return match self.multi.to_make_room(&key.id(), partition, now_ms) {
                Some(session) => SignInRoute::MakeRoom {
                    host: session.host.clone(),
                    id: session.id.clone(),
                },
                None => SignInRoute::Login {
                    logout_first: false,
                },
            };
        }
        let live = self
            .credentials
            .get(&key.id())
            .is_some_and(|c| now_ms < c.expiry_ms);
        if isolated {
            let signed_in = self
                .contained
                .get(partition.name())
                .is_some_and(|ids| ids.contains(&key.id()));
            return match (signed_in, live) {
                // AWS refuses a federation login over the container's live session: go
                // straight to the page.
                (true, true) => SignInRoute::Direct,
                // The container may hold an ended session: sign it out first.
                (true, false) => SignInRoute::Login { logout_first: true },
                (false, _) => SignInRoute::Login {
                    logout_first: false,
                },
            };
        }
        let holder = self.holders.get(partition.name());
        let holder_live = holder
            .and_then(|id| self.credentials.get(id))
            .is_some_and(|c| now_ms < c.expiry_ms);
        match holder {
            Some(id) if *id == key.id() && holder_live => SignInRoute::Direct,
            // Someone else (or an expired session) holds the console: AWS refuses a
            // federation login over it, so sign out first.
            Some(_) => SignInRoute::Login { logout_first: true },
            // Nothing known: a user-chosen single mode signs out to be safe; auto signs in
            // directly and learns the mode from where the tab lands.
            None => SignInRoute::Login {
                logout_first: self.mode(setting) == Some(ConsoleMode::Single),
            },
        }
    }

    /// A console tab of ours arrived at `url`: learn the mode and who holds the console
    /// (with `isolated`, the tab's own container). Whether who holds a console changed.
    pub fn landed(&mut self, tab: TabId, url: &str, isolated: bool) -> bool {
        let Some(id) = self.tabs.get(&tab).cloned() else {
            return false;
        };
        // The user took the tab elsewhere: it no longer shows this identity's console.
        if !Partition::ALL
            .iter()
            .any(|p| aws::is_safe_console_url(url, *p))
        {
            self.tabs.remove(&tab);
            return false;
        }
        let Ok(parsed) = WebUrl::parse(url) else {
            return false;
        };
        // On its way through a session's sign-out (to make room, or a renewal): it shows
        // that session no longer.
        if aws::is_session_logout_url(url) {
            return false;
        }
        let host = parsed.host();
        let mut changed = false;
        for partition in Partition::ALL {
            if !aws::is_console_host(host, *partition) {
                continue;
            }
            if aws::multi_session_host(host).is_some() {
                self.detected_mode = Some(ConsoleMode::Multi);
                // AWS's limit is per cookie jar: with a container per identity (`isolated`)
                // each holds its own sessions, and none crowds another out.
                if !isolated {
                    let expiry = self.credentials.get(&id).map_or(0, |c| c.expiry_ms);
                    self.multi.landed(tab, host, &id, expiry);
                }
            } else {
                if self.detected_mode.is_none() {
                    self.detected_mode = Some(ConsoleMode::Single);
                }
                changed |= if isolated {
                    let ids = self.contained.entry(partition.name().to_owned());
                    ids.or_default().insert(id.clone())
                } else {
                    let before = self.holders.insert(partition.name().to_owned(), id.clone());
                    before.as_ref() != Some(&id)
                };
            }
        }
        changed
    }

    /// Whether `key`'s identity holds the single-session console of its partition (or of
    /// its container).
    pub fn holds_console(&self, key: &ConsoleKey) -> bool {
        let id = key.id();
        (self.holders.values().any(|holder| *holder == id)
            || self.contained.values().any(|ids| ids.contains(&id)))
            && self.detected_mode != Some(ConsoleMode::Multi)
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_expired_page_signs_a_tab_in_at_most_every_20_seconds() {
        let mut consoles = Consoles::default();
        let t0 = 1_800_000_000_000;
        assert!(consoles.may_resign_expired_tab(7, t0));
        assert!(!consoles.may_resign_expired_tab(7, t0 + 19_999));
        assert!(consoles.may_resign_expired_tab(8, t0 + 1), "per tab");
        assert!(consoles.may_resign_expired_tab(7, t0 + 20_000));
        consoles.tab_closed(7);
        assert!(!consoles.expired_resigned.contains_key(&7));
    }

    use super::*;
    use crate::core::credentials::CONSOLE_URL_FRESH_MS;
    use crate::core::identity::tests::key;
    use crate::core::secret::Secret;

    const T0: u64 = 1_800_000_000_000;

    fn creds(validity: Option<i64>) -> JitCredentials {
        JitCredentials {
            access_key_id: "ASIAEXAMPLEEXAMPLE".into(),
            secret_access_key: Secret::new("secret"),
            session_token: Secret::new("token"),
            region: Some("us-west-2".into()),
            console_url: None,
            validity_secs: validity,
        }
    }

    #[test]
    fn credentials_are_usable_until_the_margin_before_expiry() {
        let mut consoles = Consoles::default();
        consoles.store(&key("dev"), creds(Some(3600)), Partition::Aws, T0);
        assert!(consoles
            .live(
                &key("dev"),
                T0 + 3_600_000 - expiry::MAX_SAFETY_MARGIN_MS - 1
            )
            .is_some());
        assert!(consoles
            .live(&key("dev"), T0 + 3_600_000 - expiry::MAX_SAFETY_MARGIN_MS)
            .is_none());
        // A 15-minute validity keeps a quarter, not five minutes.
        consoles.store(&key("qa"), creds(Some(900)), Partition::Aws, T0);
        assert_eq!(
            consoles
                .credentials
                .get(&key("qa").id())
                .unwrap()
                .margin_ms(),
            225_000
        );
        // Absent validity means an hour.
        consoles.store(&key("x"), creds(None), Partition::Aws, T0);
        assert_eq!(
            consoles.credentials.get(&key("x").id()).unwrap().expiry_ms,
            T0 + 3_600_000
        );
        assert!(consoles.live(&key("other"), T0).is_none());
    }

    #[test]
    fn single_session_signs_out_before_another_identity_and_not_before_its_own() {
        let mut consoles = Consoles::default();
        let (dev, qa) = (key("dev"), key("qa"));
        let auto = ConsoleModeSetting::Auto;
        assert_eq!(
            consoles.route(&dev, Partition::Aws, auto, false, T0),
            SignInRoute::Login {
                logout_first: false
            }
        );
        consoles.store(&dev, creds(Some(3600)), Partition::Aws, T0);
        consoles.register_tab(1, &dev);
        consoles.landed(
            1,
            "https://us-west-2.console.aws.amazon.com/console/home?region=us-west-2",
            false,
        );
        assert_eq!(consoles.detected_mode, Some(ConsoleMode::Single));
        assert!(consoles.holds_console(&dev));
        assert_eq!(
            consoles.route(&dev, Partition::Aws, auto, false, T0),
            SignInRoute::Direct
        );
        assert_eq!(
            consoles.route(&qa, Partition::Aws, auto, false, T0),
            SignInRoute::Login { logout_first: true }
        );
        // Containers keep identities apart: never sign out there.
        assert_eq!(
            consoles.route(&qa, Partition::Aws, auto, true, T0),
            SignInRoute::Login {
                logout_first: false
            }
        );
        // Another partition's console is held by nobody known; the console is single-session,
        // so signing out first is the safe way in.
        assert_eq!(
            consoles.route(&qa, Partition::AwsUsGov, auto, false, T0),
            SignInRoute::Login { logout_first: true }
        );
        // After expiry the holder's own session is gone: sign in again (through logout).
        assert_eq!(
            consoles.route(&dev, Partition::Aws, auto, false, T0 + 3_600_000),
            SignInRoute::Login { logout_first: true }
        );
    }

    #[test]
    fn the_portals_console_url_is_used_once_within_14_minutes() {
        let mut consoles = Consoles::default();
        let live = consoles
            .store(&key("dev"), creds(Some(3600)), Partition::Aws, T0)
            .clone();
        assert!(live.console_url_fresh(T0));
        assert!(live.console_url_fresh(T0 + CONSOLE_URL_FRESH_MS - 1));
        assert!(!live.console_url_fresh(T0 + CONSOLE_URL_FRESH_MS));
        let spent = LiveCredentials {
            console_url_used: true,
            ..live
        };
        assert!(!spent.console_url_fresh(T0));
    }

    #[test]
    fn the_portals_sign_in_token_signs_in_one_tab_on_any_page() {
        let mut consoles = Consoles::default();
        let login = "https://signin.aws.amazon.com/federation?Action=login&Destination=https%3A%2F%2Fconsole.aws.amazon.com%2F&SigninToken=pre";
        let with_url = JitCredentials {
            console_url: Some(Secret::new(login)),
            ..creds(Some(3600))
        };
        consoles.store(&key("dev"), with_url.clone(), Partition::Aws, T0);
        let page = "https://us-west-2.console.aws.amazon.com/ec2/home?region=us-west-2";
        let portal = "https://acme.duplocloud.net";
        let built = consoles
            .take_portal_login(&key("dev"), T0, false, portal, page)
            .unwrap();
        assert_eq!(
            built.expose(),
            aws::login_url(Partition::Aws, portal, page, &Secret::new("pre")).expose()
        );
        assert_eq!(
            consoles.take_portal_login(&key("dev"), T0, false, portal, page),
            None,
            "spent"
        );
        // Home: the portal's own URL as it is; too old: none.
        consoles.store(&key("dev"), with_url, Partition::Aws, T0);
        assert_eq!(
            consoles.take_portal_login(&key("dev"), T0 + CONSOLE_URL_FRESH_MS, true, portal, page),
            None
        );
        assert_eq!(
            consoles
                .take_portal_login(&key("dev"), T0, true, portal, page)
                .map(|s| s.expose().to_owned()),
            Some(login.to_owned())
        );
    }

    #[test]
    fn console_modes_have_one_name_each_as_serde_writes_it() {
        for (mode, name) in ConsoleModeSetting::NAMES {
            assert_eq!(serde_json::to_value(mode).unwrap(), *name);
            assert_eq!(ConsoleModeSetting::from_name(name), Some(*mode));
            assert_eq!(mode.name(), *name);
        }
        assert_eq!(ConsoleModeSetting::NAMES.len(), 3);
    }

    /// Found by the Firefox end-to-end tests: a second open of an identity whose tab was
    /// closed went through the federation login again, which AWS refuses over the session
    /// its container still holds ("You must first log out").
    #[test]
    fn in_containers_each_identity_holds_its_own_console() {
        let mut consoles = Consoles::default();
        let (dev, qa) = (key("dev"), key("qa"));
        let auto = ConsoleModeSetting::Auto;
        let console = "https://us-west-2.console.aws.amazon.com/console/home?region=us-west-2";
        for (tab, identity) in [(1, &dev), (2, &qa)] {
            consoles.store(identity, creds(Some(3600)), Partition::Aws, T0);
            consoles.register_tab(tab, identity);
            consoles.landed(tab, console, true);
        }
        // Both signed in at once, each in its container; the shared jar's holder is nobody.
        assert!(consoles.holds_console(&dev) && consoles.holds_console(&qa));
        assert!(consoles.holders.is_empty());
        // Their tabs closed, their containers still hold their sessions: straight in.
        assert!(consoles.tab_closed(1) && consoles.tab_closed(2));
        for identity in [&dev, &qa] {
            assert_eq!(
                consoles.route(identity, Partition::Aws, auto, true, T0),
                SignInRoute::Direct
            );
        }
        // Once the credentials ended, the container's session may linger: sign it out first.
        assert_eq!(
            consoles.route(&dev, Partition::Aws, auto, true, T0 + 3_600_000),
            SignInRoute::Login { logout_first: true }
        );
        // An identity never signed in there, or another partition: a plain login.
        assert_eq!(
            consoles.route(&key("prod"), Partition::Aws, auto, true, T0),
            SignInRoute::Login {
                logout_first: false
            }
        );
        assert_eq!(
            consoles.route(&dev, Partition::AwsUsGov, auto, true, T0),
            SignInRoute::Login {
                logout_first: false
            }
        );
    }

    #[test]
    fn multi_session_is_detected_and_never_signs_out() {
        let mut consoles = Consoles::default();
        let (dev, qa) = (key("dev"), key("qa"));
        consoles.register_tab(1, &dev);
        consoles.landed(
            1,
            "https://123456789012-abcd1234.us-west-2.console.aws.amazon.com/console/home",
            false,
        );
        assert_eq!(consoles.detected_mode, Some(ConsoleMode::Multi));
        assert_eq!(
            consoles.route(&qa, Partition::Aws, ConsoleModeSetting::Auto, false, T0),
            SignInRoute::Login {
                logout_first: false
            }
        );
        assert!(!consoles.holds_console(&dev));
        // The user's setting wins over detection.
        assert_eq!(
            consoles.route(&qa, Partition::Aws, ConsoleModeSetting::Single, false, T0),
            SignInRoute::Login { logout_first: true }
        );
    }

    #[test]
    fn the_sixth_multi_session_makes_room_except_with_a_container_per_identity() {
        for isolated in [false, true] {
            let mut consoles = Consoles::default();
            for n in 0..5 {
                let k = key(&format!("t{n}"));
                consoles.store(&k, creds(Some(3600)), Partition::Aws, T0);
                consoles.touch(&k, T0 + n);
                consoles.register_tab(n as TabId, &k);
                let url = format!(
                    "https://123456789012-sess000{n}.us-west-2.console.aws.amazon.com/console/home"
                );
                consoles.landed(n as TabId, &url, isolated);
                // Passing through a session's sign-out records nothing.
                let logout = aws::session_logout_url(
                    "123456789012-gone0000.us-west-2.console.aws.amazon.com",
                    "https://signin.aws.amazon.com/federation",
                )
                .unwrap();
                assert!(!consoles.landed(n as TabId, &logout, isolated));
            }
            let route = consoles.route(
                &key("new"),
                Partition::Aws,
                ConsoleModeSetting::Auto,
                isolated,
                T0,
            );
            if isolated {
                assert_eq!(
                    route,
                    SignInRoute::Login {
                        logout_first: false
                    }
                );
                assert!(consoles.multi_sessions().counts(T0).is_empty());
            } else {
                assert_eq!(
                    route,
                    SignInRoute::MakeRoom {
                        host: "123456789012-sess0000.us-west-2.console.aws.amazon.com".into(),
                        id: key("t0").id(),
                    }
                );
                assert_eq!(
                    consoles.session_signed_out(
                        "123456789012-sess0000.us-west-2.console.aws.amazon.com"
                    ),
                    [0]
                );
                assert_eq!(consoles.key_of_tab(0), None, "its tab is no longer ours");
            }
        }
    }

    #[test]
    fn landing_says_whether_who_holds_a_console_changed() {
        let home = "https://us-west-2.console.aws.amazon.com/console/home";
        let mut consoles = Consoles::default();
        consoles.register_tab(1, &key("dev"));
        consoles.register_tab(2, &key("qa"));
        assert!(consoles.landed(1, home, false), "dev now holds the console");
        assert!(!consoles.landed(1, home, false), "dev held it already");
        assert!(consoles.landed(2, home, false), "qa took it over");
        assert!(consoles.landed(1, home, true), "dev in its own container");
        assert!(
            !consoles.landed(1, home, true),
            "its container held it already"
        );
        assert!(!consoles.landed(9, home, false), "not a tab of ours");
    }

    #[test]
    fn tabs_are_tracked_per_identity() {
        let mut consoles = Consoles::default();
        consoles.register_tab(7, &key("dev"));
        assert_eq!(consoles.open_tab(&key("dev")), Some(7));
        assert_eq!(consoles.open_tab(&key("qa")), None);
        assert_eq!(consoles.key_of_tab(7), Some(&key("dev")));
        assert!(consoles.tab_closed(7));
        assert_eq!(consoles.open_tab(&key("dev")), None);
        // Sign-in pages keep the tab; leaving AWS releases it.
        consoles.register_tab(8, &key("dev"));
        consoles.landed(
            8,
            "https://signin.aws.amazon.com/oauth?Action=logout",
            false,
        );
        assert_eq!(consoles.open_tab(&key("dev")), Some(8));
        consoles.landed(8, "https://news.example/", false);
        assert_eq!(consoles.open_tab(&key("dev")), None);
        // A tab that is not a console of ours teaches nothing.
        consoles.landed(
            99,
            "https://123456789012-abcd1234.us-west-2.console.aws.amazon.com/",
            false,
        );
        assert_eq!(consoles.detected_mode, None);
    }

    #[test]
    fn destinations_stay_on_console_hosts_of_the_partition() {
        assert_eq!(
            Destination::Home.url(Partition::Aws, "us-west-2").unwrap(),
            "https://us-west-2.console.aws.amazon.com/console/home?region=us-west-2"
        );
        let s3 = Destination::Service {
            service: "s3".into(),
            region: None,
        }
        .url(Partition::Aws, "us-west-2")
        .unwrap();
        assert!(s3.starts_with("https://s3.console.aws.amazon.com/"), "{s3}");
        let iam = Destination::Service {
            service: "IAM".into(),
            region: Some("eu-west-1".into()),
        }
        .url(Partition::Aws, "us-west-2")
        .unwrap();
        assert!(!iam.contains("region="), "{iam}");
        assert!(Destination::Service {
            service: "nope".into(),
            region: None
        }
        .url(Partition::Aws, "us-west-2")
        .is_err());
        let arn = Destination::Arn {
            arn: "arn:aws:lambda:us-east-1:123456789012:function:api".into(),
        }
        .url(Partition::Aws, "us-west-2")
        .unwrap();
        assert!(
            arn.starts_with("https://us-east-1.console.aws.amazon.com/lambda/"),
            "{arn}"
        );
        assert_eq!(
            Destination::Arn {
                arn: "arn:aws-cn:s3:::b".into()
            }
            .url(Partition::Aws, "us-west-2"),
            Err(msg::ARN_WRONG_PARTITION.with(["aws-cn", "aws"]))
        );
        for bad in [
            "https://evil.example/",
            "http://us-west-2.console.aws.amazon.com/",
            "javascript:alert(1)",
            "https://console.amazonaws.cn/",
            "https:\\\\x.@console.aws.amazon.com\\",
            "https://user:pw@us-west-2.console.aws.amazon.com/",
            "https://us-west-2.console.aws.amazon.com:8443/",
        ] {
            assert!(!is_console_page(bad, Partition::Aws), "{bad}");
            assert!(
                Destination::Url { url: bad.into() }
                    .url(Partition::Aws, "us-west-2")
                    .is_err(),
                "{bad}"
            );
        }
        let moved = Destination::Url { url: "https://123456789012-abcd1234.us-west-2.console.aws.amazon.com/s3/buckets?region=us-west-2".into() }
            .url(Partition::Aws, "us-west-2")
            .unwrap();
        assert_eq!(
            moved,
            "https://us-west-2.console.aws.amazon.com/s3/buckets?region=us-west-2"
        );
    }
}
