//! AWS's multi-session console: the sessions this browser holds (each on a host of its own,
//! `{account}-{id8}.{region}.console.aws.amazon.com`), how many are live, and whom to sign
//! out when AWS's limit is reached. Pure: time is passed in.
//!
//! AWS allows [`LIMIT`] sessions per browser and partition and refuses a sixth sign-in. A
//! new identity at the limit makes room by signing out the session of the identity used
//! least recently, on that session's own host ([`super::aws::session_logout_url`]), on the
//! way to its own sign-in. An identity that holds a live session already is not signed in
//! again: a further tab of it opens on its session's host ([`page_on`]), so AWS counts no
//! second session and none of the person's tabs is signed out for it. A renewal signs its tab's old session out the same way, so an identity never
//! holds two. Only sessions of tabs this extension signed in are known; one the user made
//! by hand is not counted. The limit is per cookie jar: where each identity has a container
//! of its own (Firefox), nothing is recorded and no one is ever signed out for room.

use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

use super::aws::{self, Partition};
use super::identity::KeyId;
use super::session::TabId;
use super::weburl::WebUrl;

/// The most console sessions AWS allows at once per browser and partition.
pub const LIMIT: usize = 5;

/// One multi-session console session.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Session {
    /// Whose.
    pub id: KeyId,
    /// Its host, as last seen.
    pub host: String,
    /// Its partition's name.
    pub partition: String,
    /// When it ends: its credentials' expiry.
    pub expiry_ms: u64,
}

impl Session {
    fn live(&self, partition: Partition, now_ms: u64) -> bool {
        self.partition == partition.name() && now_ms < self.expiry_ms
    }
}

/// The multi-session console sessions known, and when each identity was last opened.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct MultiSessions {
    /// Sessions by their host's first label (`{account}-{id8}`).
    sessions: BTreeMap<String, Session>,
    /// Which session each console tab of ours shows.
    tabs: BTreeMap<TabId, String>,
    /// When each identity was last opened (Unix milliseconds).
    used: BTreeMap<KeyId, u64>,
}

/// The first label of a multi-session host (`{account}-{id8}`): the session's name.
fn label_of(host: &str) -> Option<String> {
    aws::multi_session_host(host).map(|(account, id, _)| format!("{account}-{id}"))
}

/// `destination` (a console page of `partition`) on the multi-session `host`'s session: the
/// session's label with the destination's region (its `region` parameter, else the
/// session host's region, as AWS's sign-in does), and the destination's path, query and
/// fragment. `None` when `host` is not a multi-session host or `destination` not a page of
/// the console.
pub fn page_on(host: &str, destination: &str, partition: Partition) -> Option<String> {
    let (account, id, host_region) = aws::multi_session_host(host)?;
    let url = WebUrl::parse(destination).ok()?;
    if !aws::is_console_host(url.host(), partition) {
        return None;
    }
    let region = url
        .query_value("region")
        .filter(|r| aws::is_valid_region(r) && Partition::from_region(r) == partition)
        .unwrap_or(host_region);
    let session_host = format!("{account}-{id}.{region}.{}", partition.console_host());
    let page = url.with_host(&session_host).ok()?.to_string();
    aws::is_safe_console_url(&page, partition).then_some(page)
}

impl MultiSessions {
    /// Whether nothing is known (it is then left out of what is stored).
    pub fn is_empty(&self) -> bool {
        self.sessions.is_empty() && self.tabs.is_empty() && self.used.is_empty()
    }

    /// `id` was opened (or brought forward) at `now_ms`.
    pub fn touch(&mut self, id: &KeyId, now_ms: u64) {
        self.used.insert(id.clone(), now_ms);
    }

    /// A tab of ours showing `id`'s console arrived on `host`; when that is a multi-session
    /// host, the session (ending at `expiry_ms`) is recorded. Whether it was one.
    pub fn landed(&mut self, tab: TabId, host: &str, id: &KeyId, expiry_ms: u64) -> bool {
        let Some(label) = label_of(host) else {
            return false;
        };
        let partition = Partition::ALL
            .iter()
            .find(|p| aws::is_console_host(host, **p))
            .map_or("aws", |p| p.name());
        let session = self.sessions.entry(label.clone()).or_insert(Session {
            id: id.clone(),
            host: String::new(),
            partition: partition.to_owned(),
            expiry_ms,
        });
        session.host = host.to_ascii_lowercase();
        // A session is one identity's; a page of it seen later (a renewal) may only extend it.
        if session.id == *id {
            session.expiry_ms = session.expiry_ms.max(expiry_ms);
        }
        self.tabs.insert(tab, label);
        true
    }

    /// The live sessions of `partition`.
    pub fn live(&self, partition: Partition, now_ms: u64) -> impl Iterator<Item = &Session> {
        self.sessions
            .values()
            .filter(move |s| s.live(partition, now_ms))
    }

    /// How many sessions of each partition are live, for those with any.
    pub fn counts(&self, now_ms: u64) -> Vec<(Partition, usize)> {
        Partition::ALL
            .iter()
            .map(|p| (*p, self.live(*p, now_ms).count()))
            .filter(|(_, n)| *n > 0)
            .collect()
    }

    /// `id`'s live session in `partition` at `now_ms` (the one ending last), if this browser
    /// holds one: a further tab of `id` opens on it rather than signing in again, which
    /// would make AWS count a second session.
    pub fn own_live(&self, id: &KeyId, partition: Partition, now_ms: u64) -> Option<&Session> {
        self.live(partition, now_ms)
            .filter(|s| s.id == *id)
            .max_by_key(|s| s.expiry_ms)
    }

    /// The session to sign out before `id` signs in to `partition` at `now_ms`: none below
    /// [`LIMIT`]; at it, `id`'s own oldest session if it has one, else the session of the
    /// identity opened least recently (the one ending first among equals).
    pub fn to_make_room(&self, id: &KeyId, partition: Partition, now_ms: u64) -> Option<&Session> {
        let live: Vec<&Session> = self.live(partition, now_ms).collect();
        if live.len() < LIMIT {
            return None;
        }
        let own = live
            .iter()
            .filter(|s| s.id == *id)
            .min_by_key(|s| s.expiry_ms);
        own.or_else(|| {
            live.iter()
                .min_by_key(|s| (self.used.get(&s.id).copied().unwrap_or(0), s.expiry_ms))
        })
        .copied()
    }

    /// The session `tab` shows, if it is a known one.
    pub fn session_of_tab(&self, tab: TabId) -> Option<&Session> {
        self.tabs
            .get(&tab)
            .and_then(|label| self.sessions.get(label))
    }

    /// The session on `host` was signed out: forgotten, with the tabs that showed it, which
    /// are returned.
    pub fn ended(&mut self, host: &str) -> Vec<TabId> {
        let Some(label) = label_of(host) else {
            return Vec::new();
        };
        self.sessions.remove(&label);
        let tabs: Vec<TabId> = self
            .tabs
            .iter()
            .filter(|(_, l)| **l == label)
            .map(|(tab, _)| *tab)
            .collect();
        for tab in &tabs {
            self.tabs.remove(tab);
        }
        tabs
    }

    /// A tab closed (its session stays: AWS keeps it until it ends or is signed out).
    pub fn tab_closed(&mut self, tab: TabId) {
        self.tabs.remove(&tab);
    }

    /// Forgets what has ended by `now_ms`.
    pub fn prune(&mut self, now_ms: u64) {
        self.sessions.retain(|_, s| now_ms < s.expiry_ms);
        let sessions = &self.sessions;
        self.tabs.retain(|_, label| sessions.contains_key(label));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const NOW: u64 = 1_800_000_000_000;
    const HOUR: u64 = 3_600_000;

    fn k(id: &str) -> KeyId {
        KeyId::from_text(id)
    }

    fn host(n: u32) -> String {
        format!("123456789012-abcd{n:04}.us-west-2.console.aws.amazon.com")
    }

    fn five() -> MultiSessions {
        let mut m = MultiSessions::default();
        for n in 0..5 {
            let id = k(&format!("p|tenant:t{n}"));
            m.touch(&id, NOW + u64::from(n));
            assert!(m.landed(n as TabId, &host(n), &id, NOW + HOUR));
        }
        m
    }

    #[test]
    fn only_multi_session_hosts_are_sessions_and_they_count_while_live() {
        let mut m = MultiSessions::default();
        assert!(!m.landed(1, "us-west-2.console.aws.amazon.com", &k("a"), NOW + HOUR));
        assert!(m.is_empty());
        assert!(m.landed(1, &host(1), &k("a"), NOW + HOUR));
        assert!(m.landed(
            2,
            "123456789012-zzzz0001.us-gov-west-1.console.amazonaws-us-gov.com",
            &k("b"),
            NOW + HOUR
        ));
        assert_eq!(
            m.counts(NOW),
            [(Partition::Aws, 1), (Partition::AwsUsGov, 1)]
        );
        assert_eq!(m.counts(NOW + HOUR), []);
        // Another page of the same session, in another region, is the same session.
        assert!(m.landed(
            3,
            "123456789012-abcd0001.eu-west-1.console.aws.amazon.com",
            &k("a"),
            NOW + 2 * HOUR
        ));
        assert_eq!(m.live(Partition::Aws, NOW + HOUR).count(), 1);
        assert_eq!(m.session_of_tab(1), m.session_of_tab(3));
    }

    #[test]
    fn below_the_limit_nobody_is_signed_out() {
        let mut m = five();
        m.ended(&host(4));
        assert_eq!(
            m.to_make_room(&k("p|tenant:new"), Partition::Aws, NOW),
            None
        );
        // Another partition's sessions do not count.
        assert_eq!(five().to_make_room(&k("x"), Partition::AwsCn, NOW), None);
    }

    #[test]
    fn at_the_limit_the_identity_used_least_recently_makes_room() {
        let mut m = five();
        let victim = m
            .to_make_room(&k("p|tenant:new"), Partition::Aws, NOW)
            .unwrap();
        assert_eq!(victim.id, k("p|tenant:t0"));
        assert_eq!(victim.host, host(0));
        // t0 used again: t1 is now the least recently used.
        m.touch(&k("p|tenant:t0"), NOW + 10);
        assert_eq!(
            m.to_make_room(&k("p|tenant:new"), Partition::Aws, NOW)
                .unwrap()
                .id,
            k("p|tenant:t1")
        );
        // An identity opened again at the limit replaces its own session.
        assert_eq!(
            m.to_make_room(&k("p|tenant:t3"), Partition::Aws, NOW)
                .unwrap()
                .host,
            host(3)
        );
        // A session that ended frees its slot.
        let ended = m.ended(&host(1));
        assert_eq!(ended, [1]);
        assert_eq!(m.session_of_tab(1), None);
        assert_eq!(
            m.to_make_room(&k("p|tenant:new"), Partition::Aws, NOW),
            None
        );
    }

    #[test]
    fn what_ended_is_pruned_and_round_trips() {
        let mut m = five();
        m.tab_closed(0);
        let text = serde_json::to_string(&m).unwrap();
        assert_eq!(serde_json::from_str::<MultiSessions>(&text).unwrap(), m);
        m.prune(NOW + HOUR);
        assert_eq!(m.counts(NOW), []);
        assert_eq!(m.session_of_tab(2), None);
    }

    #[test]
    fn a_page_moves_onto_a_session_host_and_nowhere_else() {
        let host = "123456789012-abcd1234.us-west-2.console.aws.amazon.com";
        let on = |destination: &str, partition| page_on(host, destination, partition);
        assert_eq!(
            on("https://s3.console.aws.amazon.com/s3/buckets/b?region=eu-west-1&tab=objects", Partition::Aws).as_deref(),
            Some("https://123456789012-abcd1234.eu-west-1.console.aws.amazon.com/s3/buckets/b?region=eu-west-1&tab=objects")
        );
        // Not a console page, a region of another partition, not a session host.
        assert_eq!(
            on("https://signin.aws.amazon.com/federation", Partition::Aws),
            None
        );
        assert_eq!(
            on("https://evil.example/console/home", Partition::Aws),
            None
        );
        assert_eq!(
            on("https://console.aws.amazon.com/console/home?region=cn-north-1", Partition::Aws).as_deref(),
            Some("https://123456789012-abcd1234.us-west-2.console.aws.amazon.com/console/home?region=cn-north-1")
        );
        assert_eq!(
            page_on(
                "us-west-2.console.aws.amazon.com",
                "https://console.aws.amazon.com/",
                Partition::Aws
            ),
            None
        );
        assert_eq!(on("not a url", Partition::Aws), None);
    }
}
