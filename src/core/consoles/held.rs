//! The credentials held per identity: live or not, their renewal backoff, the end notices, and
//! the portal's own sign-in link.

use super::Consoles;
use crate::core::aws::{JitCredentials, Partition};
use crate::core::credentials::LiveCredentials;
use crate::core::expiry;
use crate::core::identity::{ConsoleKey, KeyId};
use crate::core::portal_url::Origin;
use crate::core::renewal::{retry_delay_ms, Retry};
use crate::core::secret::Secret;
use std::collections::btree_map::Entry;
use std::collections::BTreeSet;

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
    pub fn forget_portal(&mut self, origin: &Origin) {
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
}
