//! How a tab is signed in: the console mode, the route to a sign-in, and what a landing means.

use super::{ConsoleMode, ConsoleModeSetting, Consoles, SignInRoute};
use crate::core::aws::{self, Partition};
use crate::core::identity::ConsoleKey;
use crate::core::multi_session;
use crate::core::session::TabId;
use crate::core::weburl::WebUrl;

impl Consoles {
    /// Whether any identity is known to hold a single-session console (in any partition).
    pub fn holder_known(&self) -> bool {
        !self.holders.is_empty()
    }

    /// The mode in force: the user's choice, or what was detected.
    pub fn mode(&self, setting: ConsoleModeSetting) -> Option<ConsoleMode> {
        match setting {
            ConsoleModeSetting::Single => Some(ConsoleMode::Single),
            ConsoleModeSetting::Multi => Some(ConsoleMode::Multi),
            ConsoleModeSetting::Auto => self.detected_mode,
        }
    }

    /// How to sign a new tab of `key` in, to land on `destination`. `isolated` is true where
    /// the browser keeps each identity's cookies apart (Firefox containers): there the
    /// identity's own container is the cookie jar to look at, and no other identity's
    /// session is ever in the way.
    pub fn route(
        &self,
        key: &ConsoleKey,
        partition: Partition,
        destination: &str,
        setting: ConsoleModeSetting,
        isolated: bool,
        now_ms: u64,
    ) -> SignInRoute {
        if self.mode(setting) == Some(ConsoleMode::Multi) {
            let own = self.multi.own_live(&key.id(), partition, now_ms);
            if let Some(url) =
                own.and_then(|s| multi_session::page_on(&s.host, destination, partition))
            {
                return SignInRoute::OnSession { url };
            }
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
