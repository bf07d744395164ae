//! The tab registry: which tab shows whom, tab groups and their titles, the expired page's
//! re-sign-in interval, and multi-session sessions per tab.

use super::{Consoles, EXPIRED_PAGE_INTERVAL_MS};
use crate::core::expiry;
use crate::core::identity::{ConsoleKey, KeyId};
use crate::core::multi_session::MultiSessions;
use crate::core::session::TabId;
use std::collections::BTreeSet;

impl Consoles {
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
}
