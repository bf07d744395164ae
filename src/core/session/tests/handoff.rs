//! Signing in through the hand-off: the authorization page, the token, the rule, the ports.

use super::*;

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
