#[test]
fn the_portal_page_after_cancel_is_recognised_and_nothing_else() {
    let portal = "https://acme.duplocloud.net/app/user/verify-token";
    assert!(is_cancel_page(&format!(
        "{portal}?localAppName=x&cancelled=true"
    )));
    assert!(!is_cancel_page(&format!("{portal}?cancelled=false")));
    assert!(!is_cancel_page(portal));
    assert!(!is_cancel_page(
        "https://acme.duplocloud.net/app/other?cancelled=true"
    ));
    assert!(!is_cancel_page("not a url"));
}

use super::*;
use crate::core::portal_api::UserInfo;
use crate::core::portal_url::Origin;
use crate::core::portal_url::PortalUrl;
use crate::core::secret::Secret;
use crate::core::text::msg;

const T0: u64 = 1_800_000_000_000;

fn portal() -> PortalUrl {
    PortalUrl::parse("acme.duplocloud.net").unwrap()
}

fn user() -> UserInfo {
    UserInfo {
        username: "alice@acme.io".into(),
        is_admin: false,
    }
}

/// The random number of [`started`]: port from 7, nonce from the rest.
const RANDOM: u128 = (0x5eed_u128 << 32) | 7;

fn started(sessions: &mut Sessions, tab: TabId) -> u16 {
    match sessions.begin_sign_in(&portal(), RANDOM, T0) {
        SignInStart::Open(plan) => {
            sessions.sign_in_tab_opened(portal().origin(), plan.port, tab);
            plan.port
        }
        other => panic!("{other:?}"),
    }
}

/// What the redirect rule of [`started`]'s attempt makes of `localhost:port/?t=token`.
fn handoff_url(port: u16, token: &str) -> String {
    let nonce = nonce_of(RANDOM);
    format!("chrome-extension://abc/handoff.html?port={port}&n={nonce}&t={token}")
}

#[test]
fn page_tokens_are_unquoted_and_checked() {
    assert_eq!(normalize_page_token("abc").unwrap().expose(), "abc");
    assert_eq!(normalize_page_token("\"abc\"").unwrap().expose(), "abc");
    assert_eq!(normalize_page_token("  "), None);
    assert_eq!(normalize_page_token("null"), Some(Secret::new("null")));
    assert_eq!(normalize_page_token("a b"), None);
    assert_eq!(normalize_page_token(&"x".repeat(20_000)), None);
}

#[test]
fn authorize_url_follows_duplo_jit() {
    assert_eq!(
        authorize_url(&portal(), 41234),
        "https://acme.duplocloud.net/app/user/verify-token?localAppName=JIT%20Console&localPort=41234&redirect=true"
    );
}

#[test]
fn a_pending_sign_in_is_not_started_twice() {
    let mut sessions = Sessions::default();
    started(&mut sessions, 5);
    assert_eq!(
        sessions.begin_sign_in(&portal(), 99, T0 + 1_000),
        SignInStart::AlreadyPending(Some(5))
    );
    // After the deadline a new attempt may start.
    assert!(matches!(
        sessions.begin_sign_in(&portal(), 99, T0 + SIGN_IN_TIMEOUT_MS),
        SignInStart::Open(_)
    ));
}

#[test]
fn accepts_the_token_once_from_the_authorization_tab() {
    let mut sessions = Sessions::default();
    let port = started(&mut sessions, 5);
    let url = handoff_url(port, "tok%2Fen%20x");
    let handoff = sessions.accept_handoff(&url, Some(5), T0 + 10_000).unwrap();
    assert_eq!(handoff.origin, "https://acme.duplocloud.net");
    assert_eq!(handoff.token.expose(), "tok/en x");
    assert_eq!(
        sessions.accept_handoff(&url, Some(5), T0 + 10_001),
        Err(HandoffRefusal::AlreadyUsed)
    );
}

#[test]
fn refuses_hand_offs_it_did_not_ask_for() {
    let mut sessions = Sessions::default();
    // Nothing pending: a login-CSRF attempt.
    assert_eq!(
        sessions.accept_handoff(&handoff_url(41000, "ATTACKER"), Some(1), T0),
        Err(HandoffRefusal::NotPending)
    );
    let port = started(&mut sessions, 5);
    let before = sessions.clone();
    for (url, tab, now, refusal) in [
        (
            handoff_url(port, "ATTACKER"),
            Some(6),
            T0,
            HandoffRefusal::WrongTab,
        ),
        (
            handoff_url(port, "ATTACKER"),
            None,
            T0,
            HandoffRefusal::WrongTab,
        ),
        (
            handoff_url(port + 1, "ATTACKER"),
            Some(5),
            T0,
            HandoffRefusal::NotPending,
        ),
        (
            handoff_url(port, ""),
            Some(5),
            T0,
            HandoffRefusal::Malformed,
        ),
        (
            format!("chrome-extension://abc/handoff.html?port={port}&t=a&t=b"),
            Some(5),
            T0,
            HandoffRefusal::Malformed,
        ),
        (
            "https://evil.example/?t=x".to_owned(),
            Some(5),
            T0,
            HandoffRefusal::Malformed,
        ),
        // The right tab, port and time, but not the document the redirect produced: a
        // page the tab was sent to loads `handoff.html` itself, without the nonce or
        // with a guess.
        (
            format!("chrome-extension://abc/handoff.html?port={port}&t=ATTACKER"),
            Some(5),
            T0,
            HandoffRefusal::NotFromRedirect,
        ),
        (
            format!("chrome-extension://abc/handoff.html?port={port}&n=&t=ATTACKER"),
            Some(5),
            T0,
            HandoffRefusal::NotFromRedirect,
        ),
        (
            format!(
                "chrome-extension://abc/handoff.html?port={port}&n={}&t=ATTACKER",
                nonce_of(RANDOM + (1 << 32))
            ),
            Some(5),
            T0,
            HandoffRefusal::NotFromRedirect,
        ),
        (
            format!(
                "{}&n={}",
                handoff_url(port, "ATTACKER"),
                nonce_of(RANDOM + (1 << 32))
            ),
            Some(5),
            T0,
            HandoffRefusal::Malformed,
        ),
        (
            handoff_url(port, "LATE"),
            Some(5),
            T0 + SIGN_IN_TIMEOUT_MS,
            HandoffRefusal::Expired,
        ),
    ] {
        assert_eq!(
            sessions.accept_handoff(&url, tab, now),
            Err(refusal),
            "{url}"
        );
        assert_eq!(sessions, before, "a refusal changed the state: {url}");
    }
}

#[test]
fn activation_and_a_401_lead_to_one_new_sign_in() {
    let mut sessions = Sessions::default();
    let port = started(&mut sessions, 5);
    let handoff = sessions
        .accept_handoff(&handoff_url(port, "t1"), Some(5), T0)
        .unwrap();
    sessions.activate(
        &handoff.origin,
        handoff.token.clone(),
        TokenSource::Handoff,
        user(),
        T0,
    );
    assert_eq!(
        sessions.active(&handoff.origin).unwrap().user.username,
        "alice@acme.io"
    );

    // Ten calls fail with 401 at once: only the first one asks for a new sign-in.
    let restarts = (0..10)
        .filter(|_| {
            sessions.unauthorized(
                &handoff.origin,
                &handoff.token,
                Waiting::RefreshTenants,
                Initiator::Person,
                T0,
            ) != Reauthorize::Nothing
        })
        .count();
    assert_eq!(restarts, 1);
    assert!(matches!(
        sessions.begin_sign_in(&portal(), 1, T0),
        SignInStart::Open(_)
    ));
    assert_eq!(
        sessions.take_waiting(&handoff.origin),
        vec![Waiting::RefreshTenants]
    );
}

#[test]
fn a_401_with_an_old_token_does_not_end_a_newer_session() {
    let mut sessions = Sessions::default();
    let origin = portal().origin().to_owned();
    sessions.activate(
        &origin,
        Secret::new("new"),
        TokenSource::Handoff,
        user(),
        T0,
    );
    let old = Secret::new("old");
    assert_eq!(
        sessions.unauthorized(
            &origin,
            &old,
            Waiting::RefreshTenants,
            Initiator::Person,
            T0
        ),
        Reauthorize::Nothing
    );
    assert!(sessions.active(&origin).is_some());
}

#[test]
fn a_rejected_api_token_is_not_renewed_by_a_hand_off() {
    let mut sessions = Sessions::default();
    let origin = portal().origin().to_owned();
    sessions.activate(
        &origin,
        Secret::new("api"),
        TokenSource::ApiToken,
        user(),
        T0,
    );
    let api = Secret::new("api");
    assert_eq!(
        sessions.unauthorized(
            &origin,
            &api,
            Waiting::RefreshTenants,
            Initiator::Person,
            T0
        ),
        Reauthorize::Nothing
    );
    assert_eq!(
        sessions.get(&origin).error,
        Some(msg::API_TOKEN_REJECTED.text())
    );
}

fn active(sessions: &mut Sessions, token: &str, at: u64) -> Secret {
    let token = Secret::new(token);
    sessions.activate(
        portal().origin(),
        token.clone(),
        TokenSource::PortalTab,
        user(),
        at,
    );
    token
}

#[test]
fn a_late_401_after_signing_out_starts_no_sign_in() {
    let mut sessions = Sessions::default();
    let origin = portal().origin().to_owned();
    let token = active(&mut sessions, "t1", T0);
    sessions.sign_out(&origin);
    for initiator in [Initiator::Person, Initiator::Renewal, Initiator::Background] {
        assert_eq!(
            sessions.unauthorized(&origin, &token, Waiting::RefreshTenants, initiator, T0),
            Reauthorize::Nothing
        );
    }
    assert!(sessions.is_refused(&origin, &token));
    assert_eq!(sessions.get(&origin).session, Session::SignedOut);
}

#[test]
fn background_work_never_opens_a_page_and_does_not_wait() {
    let mut sessions = Sessions::default();
    let origin = portal().origin().to_owned();
    let token = active(&mut sessions, "tab-token", T0);
    let decision = sessions.unauthorized(
        &origin,
        &token,
        Waiting::RefreshTenants,
        Initiator::Background,
        T0,
    );
    assert_eq!(decision, Reauthorize::Quietly);
    let entry = sessions.get(&origin);
    assert_eq!(entry.session, Session::SignedOut);
    assert_eq!(
        entry.error,
        Some(msg::PORTAL_SESSION_EXPIRED.with(["acme.duplocloud.net"]))
    );
    assert!(entry.waiting.is_empty());
    assert!(sessions.is_refused(&origin, &token));
}

#[test]
fn a_person_gets_one_page_in_front_a_renewal_one_behind_then_the_cooldown_holds() {
    let origin = portal().origin().to_owned();
    let open = |key: &str| {
        Waiting::Renew(crate::core::identity::ConsoleKey {
            origin: portal().origin().to_owned(),
            role: crate::core::identity::Role::Tenant {
                id: key.into(),
                name: key.into(),
            },
        })
    };

    let mut person = Sessions::default();
    let token = active(&mut person, "t1", T0);
    assert_eq!(
        person.unauthorized(&origin, &token, open("dev01"), Initiator::Person, T0),
        Reauthorize::WithPage { focus: true }
    );
    assert_eq!(person.get(&origin).waiting, vec![open("dev01")]);

    let mut renewal = Sessions::default();
    let token = active(&mut renewal, "t1", T0);
    assert_eq!(
        renewal.unauthorized(&origin, &token, open("dev01"), Initiator::Renewal, T0),
        Reauthorize::WithPage { focus: false }
    );
    // The page opened (recorded before the tab exists); the user authorized at once, and
    // the new token failed too: for 60 s no second page opens, whatever fails.
    assert!(matches!(
        renewal.begin_sign_in(&portal(), 3, T0 + 1_000),
        SignInStart::Open(_)
    ));
    for (at, initiator) in [
        (T0 + 3_000, Initiator::Person),
        (T0 + 59_000, Initiator::Renewal),
    ] {
        let token = active(&mut renewal, "t3", at);
        let decision = renewal.unauthorized(&origin, &token, open("qa"), initiator, at);
        assert_ne!(decision, Reauthorize::WithPage { focus: true });
        assert_ne!(decision, Reauthorize::WithPage { focus: false });
    }
    assert!(!renewal.may_open_authorize_page(&origin, false, T0 + 60_999));
    assert!(renewal.may_open_authorize_page(&origin, true, T0 + 60_999));
    assert!(renewal.may_open_authorize_page(&origin, false, T0 + 61_000));
    assert!(renewal.is_refused(&origin, &Secret::new("t3")));
    // The renewal's page waits for the cooldown, then is due (once).
    assert!(!renewal.deferred_page_due(&origin, T0 + 59_000));
    assert!(renewal.deferred_page_due(&origin, T0 + 61_000));
    // A minute on, a renewal may open one page again.
    let token = active(&mut renewal, "t4", T0 + 61_500);
    assert_eq!(
        renewal.unauthorized(&origin, &token, open("qa"), Initiator::Renewal, T0 + 61_500),
        Reauthorize::WithPage { focus: false }
    );
}

#[test]
fn re_sign_ins_after_a_401_are_rate_limited_and_refused_tokens_never_return() {
    // A portal that answers GetUserRoleInfo but 401 elsewhere, and a portal tab that
    // keeps the same token: each round is refresh -> 401 -> quiet sign-in with the tab's
    // token. The token is refused after the first 401, and a second re-sign-in within
    // the interval is not started at all.
    let mut sessions = Sessions::default();
    let origin = portal().origin().to_owned();
    let stale = active(&mut sessions, "stale", T0);
    let first = sessions.unauthorized(
        &origin,
        &stale,
        Waiting::RefreshTenants,
        Initiator::Background,
        T0,
    );
    assert_eq!(first, Reauthorize::Quietly);
    assert!(sessions.is_refused(&origin, &stale));
    // Another token (the user logged in again in the portal tab) fails at once too.
    let other = active(&mut sessions, "other", T0 + 100);
    assert_eq!(
        sessions.unauthorized(
            &origin,
            &other,
            Waiting::RefreshTenants,
            Initiator::Background,
            T0 + 200,
        ),
        Reauthorize::Nothing
    );
    let later = active(&mut sessions, "later", T0 + RESIGN_INTERVAL_MS);
    assert_eq!(
        sessions.unauthorized(
            &origin,
            &later,
            Waiting::RefreshTenants,
            Initiator::Background,
            T0 + RESIGN_INTERVAL_MS,
        ),
        Reauthorize::Quietly
    );
    // Signing out keeps what was refused.
    sessions.sign_out(&origin);
    assert!(sessions.is_refused(&origin, &stale) && sessions.is_refused(&origin, &later));
    assert_eq!(sessions.get(&origin).session, Session::SignedOut);
    // Only fingerprints are kept, never a token.
    let stored = serde_json::to_string(&sessions).unwrap();
    assert!(
        !stored.contains("stale") && !stored.contains("later"),
        "{stored}"
    );
}

#[test]
fn attempts_time_out_or_end_with_their_tab() {
    let mut sessions = Sessions::default();
    started(&mut sessions, 5);
    assert_eq!(sessions.next_deadline(), Some(T0 + SIGN_IN_TIMEOUT_MS));
    assert!(sessions
        .expire_attempts(T0 + SIGN_IN_TIMEOUT_MS - 1)
        .is_empty());
    assert_eq!(sessions.expire_attempts(T0 + SIGN_IN_TIMEOUT_MS).len(), 1);
    assert_eq!(
        sessions.get(portal().origin()).error,
        Some(msg::SIGN_IN_TIMED_OUT.text())
    );
    assert_eq!(sessions.next_deadline(), None);

    started(&mut sessions, 8);
    assert_eq!(
        sessions.sign_in_tab_gone(9, msg::SIGN_IN_TAB_CLOSED.text()),
        None
    );
    assert!(sessions
        .sign_in_tab_gone(8, msg::SIGN_IN_TAB_CLOSED.text())
        .is_some());
    assert_eq!(sessions.get(portal().origin()).session, Session::SignedOut);
}

#[test]
fn two_portals_get_different_ports() {
    let mut sessions = Sessions::default();
    let a = PortalUrl::parse("a.duplocloud.net").unwrap();
    let b = PortalUrl::parse("b.duplocloud.net").unwrap();
    let (SignInStart::Open(pa), SignInStart::Open(pb)) = (
        sessions.begin_sign_in(&a, 3, T0),
        sessions.begin_sign_in(&b, 3, T0),
    ) else {
        panic!("not started")
    };
    assert_ne!(pa.port, pb.port);
}

#[test]
fn a_busy_last_port_wraps_to_the_start_of_the_range() {
    // Seen while writing the `handoff` fuzz target: the next free port after the last was
    // 60000, outside the range.
    let mut sessions = Sessions::default();
    let last = PORT_RANGE.end - 1 - PORT_RANGE.start;
    let a = PortalUrl::parse("a.duplocloud.net").unwrap();
    let b = PortalUrl::parse("b.duplocloud.net").unwrap();
    let (SignInStart::Open(pa), SignInStart::Open(pb)) = (
        sessions.begin_sign_in(&a, u128::from(last), T0),
        sessions.begin_sign_in(&b, u128::from(last), T0),
    ) else {
        panic!("not started")
    };
    assert_eq!(u32::from(pa.port), PORT_RANGE.end - 1);
    assert_eq!(u32::from(pb.port), PORT_RANGE.start);
}

#[test]
fn the_rule_is_scoped_to_the_tab_and_the_portal() {
    let plan = SignInPlan {
        authorize_url: authorize_url(&portal(), 41234),
        port: 41234,
        nonce: "00ff".into(),
    };
    let rule = handoff_rule(&portal(), &plan, 17, "chrome-extension://abc/");
    assert_eq!(rule["condition"]["tabIds"], serde_json::json!([17]));
    assert_eq!(
        rule["condition"]["initiatorDomains"],
        serde_json::json!(["acme.duplocloud.net"])
    );
    assert_eq!(
        rule["action"]["redirect"]["regexSubstitution"],
        "chrome-extension://abc/handoff.html?port=41234&n=00ff&\\2"
    );
    assert_eq!(
        rule["condition"]["regexFilter"],
        "^http://(localhost|127\\.0\\.0\\.1):41234/\\?(.*)$"
    );
}

#[test]
fn every_end_of_an_attempt_hands_its_rule_and_tab_to_the_service() {
    // Each way an attempt ends, from a fresh attempt in tab 5.
    type End = fn(&mut Sessions);
    let ends: [(&str, End); 9] = [
        ("a token validated", |s| {
            s.activate(
                portal().origin(),
                Secret::new("good"),
                TokenSource::Handoff,
                user(),
                T0,
            );
        }),
        ("refused or invalid", |s| {
            s.fail_sign_in(portal().origin(), msg::HANDOFF_REFUSED.text());
        }),
        ("timed out", |s| {
            s.expire_attempts(T0 + SIGN_IN_TIMEOUT_MS);
        }),
        ("tab closed or cancelled", |s| {
            s.sign_in_tab_gone(5, msg::SIGN_IN_CANCELLED.text());
        }),
        ("signed out", |s| s.sign_out(portal().origin())),
        ("portal removed", |s| {
            s.retain_configured([&Origin::from("https://other.example")])
        }),
        ("everything forgotten", Sessions::clear),
        ("replaced after its deadline", |s| {
            s.begin_sign_in(&portal(), 99, T0 + SIGN_IN_TIMEOUT_MS);
        }),
        ("token received, then refused", |s| {
            let url = handoff_url(20_007, "t");
            assert!(s.accept_handoff(&url, Some(5), T0).is_ok());
            s.fail_sign_in(portal().origin(), msg::HANDOFF_REFUSED.text());
        }),
    ];
    for (why, end) in ends {
        let mut sessions = Sessions::default();
        let port = started(&mut sessions, 5);
        assert_eq!(port, 20_007, "the helper's port");
        assert_eq!(sessions.take_ended(), [], "{why}: nothing ended yet");
        end(&mut sessions);
        assert_eq!(
            sessions.take_ended(),
            [EndedAttempt {
                port,
                tab_id: Some(5)
            }],
            "{why}"
        );
        assert_eq!(sessions.take_ended(), [], "{why}: handed over once");
    }
    // What does not end it hands over nothing.
    let mut sessions = Sessions::default();
    started(&mut sessions, 5);
    sessions.expire_attempts(T0 + 1);
    sessions.sign_in_tab_gone(6, msg::SIGN_IN_CANCELLED.text());
    let _ = sessions.accept_handoff(
        &handoff_url(20_007, "x").replace("&n=", "&n=0"),
        Some(5),
        T0,
    );
    assert!(matches!(
        sessions.begin_sign_in(&portal(), 99, T0 + 1),
        SignInStart::AlreadyPending(_)
    ));
    assert_eq!(sessions.take_ended(), []);
    assert!(sessions.attempt(portal().origin()).is_some());
}

#[test]
fn secrets_stay_out_of_debug_output() {
    let mut sessions = Sessions::default();
    let origin = portal().origin().to_owned();
    sessions.activate(
        &origin,
        Secret::new("very-secret"),
        TokenSource::Handoff,
        user(),
        T0,
    );
    assert!(!format!("{sessions:?}").contains("very-secret"));
}
