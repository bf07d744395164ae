//! An active session, a 401 and re-authorisation: one page at most, the cooldown, the rate
//! limit, deadlines.

use super::*;

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
