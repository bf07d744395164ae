//! The hand-off: `parse_handoff_url` on any text, and the sign-in state machine
//! (`Sessions`) driven by any sequence of events, with a hand-off URL that is either raw
//! fuzz text or a well-formed URL with fuzzed port, token and tab.
//!
//! Properties: a token is accepted only from the attempt that is pending for its port, in
//! that attempt's tab, with the nonce of its redirect, before its deadline, and once; a
//! refusal changes nothing; a pending attempt in time is never replaced by a second one;
//! pending attempts never share a port; every attempt that ends, however, is handed to the
//! service (to close its tab and remove its rule), and only those; a page token that is
//! accepted is plausible token text.
#![no_main]

use arbitrary::Arbitrary;
use jit_console::core::portal_api::UserInfo;
use jit_console::core::portal_url::PortalUrl;
use jit_console::core::secret::Secret;
use jit_console::core::session::{
    self, EndedAttempt, Session, Sessions, SignInStart, TokenSource, SIGN_IN_TIMEOUT_MS,
};
use jit_console::core::text::msg;
use libfuzzer_sys::fuzz_target;
use std::collections::BTreeMap;

const PORTALS: [&str; 3] = [
    "https://acme.duplocloud.net",
    "https://beta.duplocloud.net",
    "http://localhost:3000",
];

#[derive(Debug, Arbitrary)]
enum HandoffUrl {
    /// Anything at all.
    Raw(String),
    /// `chrome-extension://id/handoff.html?port=P&n=N&t=T` with fuzzed parts; the nonce
    /// the pending attempt's, or a guess.
    Shaped {
        port: u16,
        use_pending_port: Option<u8>,
        nonce: Option<String>,
        token: String,
        extra: Option<String>,
    },
}

#[derive(Debug, Arbitrary)]
enum Event {
    Begin {
        portal: u8,
        random: u128,
    },
    TabOpened {
        portal: u8,
        tab: i32,
        right_port: bool,
    },
    Handoff {
        url: HandoffUrl,
        tab: Option<i32>,
    },
    Activate {
        portal: u8,
    },
    Unauthorized {
        portal: u8,
        current: bool,
    },
    Expire,
    TabGone {
        tab: i32,
    },
    SignOut {
        portal: u8,
    },
    Fail {
        portal: u8,
    },
    Wait {
        ms: u32,
    },
    PageToken(String),
}

fn portal(i: u8) -> PortalUrl {
    PortalUrl::parse(PORTALS[usize::from(i) % PORTALS.len()]).unwrap_or_else(|e| panic!("{e}"))
}

fn check_invariants(sessions: &Sessions) {
    let mut ports = std::collections::HashSet::new();
    for (origin, state) in &sessions.portals {
        if let Session::SigningIn(attempt) = &state.session {
            assert!(
                ports.insert(attempt.port),
                "two attempts share port {} ({origin})",
                attempt.port
            );
            assert!(
                session::PORT_RANGE.contains(&u32::from(attempt.port)),
                "port {}",
                attempt.port
            );
        }
    }
}

/// The pending attempts: (origin, port, deadline) → tab.
fn attempts(sessions: &Sessions) -> BTreeMap<(String, u16, u64), Option<i32>> {
    sessions
        .portals
        .iter()
        .filter_map(|(origin, p)| match &p.session {
            Session::SigningIn(a) => Some(((origin.to_string(), a.port, a.deadline_ms), a.tab_id)),
            _ => None,
        })
        .collect()
}

fuzz_target!(|events: Vec<Event>| {
    let mut sessions = Sessions::default();
    let mut now: u64 = 1_800_000_000_000;
    for event in events.into_iter().take(64) {
        let attempts_before = attempts(&sessions);
        let tabs_opened = matches!(event, Event::TabOpened { .. });
        match event {
            Event::Begin { portal: p, random } => {
                let url = portal(p);
                let before = sessions.clone();
                let pending_in_time = match before.attempt(url.origin()) {
                    Some(a) => now < a.deadline_ms && !a.token_received,
                    None => false,
                };
                match sessions.begin_sign_in(&url, random, now) {
                    SignInStart::AlreadyPending(tab) => {
                        assert!(pending_in_time, "refused to start without a live attempt");
                        assert_eq!(sessions, before, "AlreadyPending changed the state");
                        assert_eq!(tab, before.attempt(url.origin()).and_then(|a| a.tab_id));
                    }
                    SignInStart::Open(plan) => {
                        assert!(
                            !pending_in_time,
                            "a second sign-in replaced one still pending"
                        );
                        let attempt = sessions
                            .attempt(url.origin())
                            .unwrap_or_else(|| panic!("no attempt"));
                        assert_eq!(attempt.port, plan.port);
                        assert_eq!(attempt.deadline_ms, now + SIGN_IN_TIMEOUT_MS);
                        assert!(attempt.tab_id.is_none() && !attempt.token_received);
                        assert!(plan
                            .authorize_url
                            .starts_with(&format!("{}/app/user/verify-token?", url.origin())));
                    }
                }
            }
            Event::TabOpened {
                portal: p,
                tab,
                right_port,
            } => {
                let url = portal(p);
                if let Some(attempt) = sessions.attempt(url.origin()).cloned() {
                    let port = if right_port {
                        attempt.port
                    } else {
                        attempt.port.wrapping_add(1)
                    };
                    sessions.sign_in_tab_opened(url.origin(), port, tab);
                    let after = sessions.attempt(url.origin()).and_then(|a| a.tab_id);
                    assert_eq!(
                        after,
                        if right_port {
                            Some(tab)
                        } else {
                            attempt.tab_id
                        }
                    );
                }
            }
            Event::Handoff { url, tab } => {
                let url = match url {
                    HandoffUrl::Raw(text) => text,
                    HandoffUrl::Shaped {
                        port,
                        use_pending_port,
                        nonce,
                        token,
                        extra,
                    } => {
                        let pending: Vec<(u16, String)> = sessions
                            .portals
                            .values()
                            .filter_map(|p| match &p.session {
                                Session::SigningIn(a) => Some((a.port, a.nonce.clone())),
                                _ => None,
                            })
                            .collect();
                        let (port, right_nonce) = match use_pending_port {
                            Some(i) if !pending.is_empty() => {
                                pending[usize::from(i) % pending.len()].clone()
                            }
                            _ => (port, String::new()),
                        };
                        let nonce = nonce.unwrap_or(right_nonce);
                        let nonce: String =
                            url::form_urlencoded::byte_serialize(nonce.as_bytes()).collect();
                        let token: String =
                            url::form_urlencoded::byte_serialize(token.as_bytes()).collect();
                        format!(
                            "chrome-extension://abc/handoff.html?port={port}&n={nonce}&t={token}{}",
                            extra.unwrap_or_default()
                        )
                    }
                };
                let parsed = session::parse_handoff_url(&url);
                if let Some(session::HandoffUrl { token, .. }) = &parsed {
                    let t = token.expose();
                    assert!(!t.is_empty() && t.len() <= 16_384 && !t.chars().any(char::is_control));
                    let u =
                        url::Url::parse(&url).unwrap_or_else(|e| panic!("accepted {url:?}: {e}"));
                    assert!(u.path().ends_with(session::HANDOFF_PAGE));
                    assert_eq!(u.query_pairs().filter(|(k, _)| k == "t").count(), 1);
                    assert_eq!(u.query_pairs().filter(|(k, _)| k == "port").count(), 1);
                }
                let before = sessions.clone();
                match sessions.accept_handoff(&url, tab, now) {
                    Ok(handoff) => {
                        let session::HandoffUrl { port, nonce, token } =
                            parsed.unwrap_or_else(|| panic!("accepted an unparsable hand-off"));
                        assert_eq!(handoff.token, token);
                        assert_eq!(handoff.tab_id, tab);
                        let was = before
                            .attempt(&handoff.origin)
                            .unwrap_or_else(|| panic!("accepted without an attempt"));
                        assert_eq!(was.port, port, "accepted for another attempt's port");
                        assert!(
                            !was.nonce.is_empty() && was.nonce == nonce,
                            "accepted without the redirect's nonce"
                        );
                        assert!(
                            tab.is_some() && was.tab_id == tab,
                            "accepted from another tab"
                        );
                        assert!(!was.token_received, "accepted twice");
                        assert!(now < was.deadline_ms, "accepted after the deadline");
                        let is = sessions
                            .attempt(&handoff.origin)
                            .unwrap_or_else(|| panic!("attempt gone"));
                        assert!(is.token_received);
                        // A replay is refused.
                        let replay_state = sessions.clone();
                        assert!(sessions.accept_handoff(&url, tab, now).is_err());
                        assert_eq!(sessions, replay_state);
                    }
                    Err(_) => assert_eq!(sessions, before, "a refused hand-off changed the state"),
                }
            }
            Event::Activate { portal: p } => {
                let user = UserInfo {
                    username: "alice@acme.io".into(),
                    is_admin: false,
                };
                sessions.activate(
                    portal(p).origin(),
                    Secret::new("tok"),
                    TokenSource::Handoff,
                    user,
                    now,
                );
            }
            Event::Unauthorized { portal: p, current } => {
                let token = Secret::new(if current { "tok" } else { "old" });
                let origin = portal(p).origin().to_owned();
                let was_active = sessions.active(&origin).is_some_and(|a| a.token == token);
                let work = session::Waiting::RefreshTenants;
                let person = session::Initiator::Person;
                let decision = sessions.unauthorized(&origin, &token, work.clone(), person, now);
                if !was_active {
                    assert_eq!(
                        decision,
                        session::Reauthorize::Nothing,
                        "only the current session's 401 restarts a sign-in"
                    );
                }
                assert!(
                    sessions.is_refused(&origin, &token),
                    "a refused token is remembered"
                );
                // More 401s with the same token start nothing more.
                assert_eq!(
                    sessions.unauthorized(&origin, &token, work, person, now),
                    session::Reauthorize::Nothing
                );
            }
            Event::Expire => {
                for (origin, _, _) in sessions.expire_attempts(now) {
                    assert_eq!(sessions.get(&origin).session, Session::SignedOut);
                }
                assert!(sessions.next_deadline().is_none_or(|d| d > now));
            }
            Event::TabGone { tab } => {
                sessions.sign_in_tab_gone(tab, msg::SIGN_IN_TAB_CLOSED.text());
            }
            Event::SignOut { portal: p } => sessions.sign_out(portal(p).origin()),
            Event::Fail { portal: p } => {
                sessions.fail_sign_in(portal(p).origin(), msg::SIGN_IN_TIMED_OUT.text())
            }
            Event::Wait { ms } => now += u64::from(ms),
            Event::PageToken(raw) => {
                if let Some(token) = session::normalize_page_token(&raw) {
                    let t = token.expose();
                    assert!(!t.is_empty() && t.len() <= 16_384);
                    assert!(!t.chars().any(|c| c.is_whitespace() || c.is_control()));
                }
            }
        }
        check_invariants(&sessions);
        // Exactly the attempts that ended are handed over, with their tabs.
        let after = attempts(&sessions);
        let mut expected: Vec<EndedAttempt> = attempts_before
            .iter()
            .filter(|(key, _)| !after.contains_key(*key))
            .map(|((_, port, _), tab)| EndedAttempt {
                port: *port,
                tab_id: *tab,
            })
            .collect();
        let mut ended = sessions.take_ended();
        if tabs_opened {
            // Recording a tab ends nothing.
            assert!(ended.is_empty());
        }
        expected.sort_by_key(|e| (e.port, e.tab_id));
        ended.sort_by_key(|e| (e.port, e.tab_id));
        assert_eq!(ended, expected, "ended attempts handed over");
        assert!(
            !format!("{sessions:?}").contains("\"tok\""),
            "a token in Debug output"
        );
    }
});
