//! Portal sessions end to end over the fake browser and portal: the hand-off, zero-click
//! reuse, API tokens, 401 recovery, time-outs, errors, several portals, worker restarts.
#![allow(clippy::unwrap_used)]

mod common;

use common::{authorization_tab, forged_handoff_url, handoff_url, run, run_in_tab};
use futures_executor::block_on;
use jit_console::core::messages::{PortalView, Request, Response, SessionView};
use jit_console::core::portal_api::ApiReply;
use jit_console::core::session::SIGN_IN_TIMEOUT_MS;
use jit_console::core::text::msg;
use jit_console::service::fake::{FakePlatform, FakeUser};
use jit_console::service::{Area, Service, SIGN_IN_ALARM};
use std::future::Future;

const ACME: &str = "https://acme.duplocloud.net";

fn service_with_portal(url: &str, api_token: Option<&str>) -> Service<FakePlatform> {
    let service = Service::new(FakePlatform::default());
    // As the worker does at start-up: the policy (none) is read beside the stored state.
    block_on(service.on_policy_changed());
    {
        let mut portal = service.platform().portal.borrow_mut();
        portal.tokens.insert(
            "good".into(),
            FakeUser {
                username: "alice@acme.io".into(),
                admin: true,
            },
        );
        portal.tenants = vec![
            ("t-2".into(), "prod".into()),
            ("t-1".into(), "dev01".into()),
        ];
    }
    run(
        &service,
        Request::AddPortal {
            url: url.into(),
            api_token: api_token.map(Into::into),
        },
    );
    service
}

fn portal(response: &Response, origin: &str) -> PortalView {
    response
        .state()
        .portals
        .iter()
        .find(|p| p.origin == origin)
        .cloned()
        .unwrap()
}

fn sign_in(service: &Service<FakePlatform>, origin: &str) -> Response {
    run(
        service,
        Request::SignIn {
            origin: origin.into(),
        },
    )
}

fn tenant_names(view: &PortalView) -> Vec<String> {
    view.tenants
        .as_ref()
        .unwrap()
        .iter()
        .map(|t| t.name.clone())
        .collect()
}

#[test]
fn the_hand_off_signs_in_and_reads_the_tenants() {
    let service = service_with_portal(ACME, None);
    let state = sign_in(&service, ACME);
    assert_eq!(portal(&state, ACME).session, SessionView::SigningIn);
    let opened = service.platform().opened.borrow().clone();
    assert_eq!(opened.len(), 1);
    assert!(opened[0].starts_with(
        "https://acme.duplocloud.net/app/user/verify-token?localAppName=JIT%20Console&localPort="
    ));
    assert!(opened[0].ends_with("&redirect=true"));

    let (tab, port) = authorization_tab(&service);
    let rule = service
        .platform()
        .rules
        .borrow()
        .get(&i32::from(port))
        .cloned()
        .unwrap();
    assert_eq!(rule["condition"]["tabIds"], serde_json::json!([tab]));
    assert_eq!(
        rule["condition"]["initiatorDomains"],
        serde_json::json!(["acme.duplocloud.net"])
    );
    assert!(service
        .platform()
        .alarms
        .borrow()
        .contains_key(SIGN_IN_ALARM));

    let state = run_in_tab(
        &service,
        Request::Handoff {
            url: handoff_url(&service, port, "good"),
        },
        tab,
    );
    let view = portal(&state, ACME);
    assert_eq!(
        view.session,
        SessionView::Active {
            username: "alice@acme.io".into(),
            is_admin: true,
            admin_jit: true,
            duplo_ops: false,
            otp_needed: false
        }
    );
    assert_eq!(tenant_names(&view), ["dev01", "prod"]);
    assert!(
        service.platform().tabs.borrow().is_empty(),
        "the authorization tab is closed"
    );
    assert!(
        service.platform().rules.borrow().is_empty(),
        "the redirect rule is removed"
    );
    assert!(!service
        .platform()
        .alarms
        .borrow()
        .contains_key(SIGN_IN_ALARM));
    assert_eq!(
        service.platform().requested_paths(),
        [
            "/admin/GetUserRoleInfo",
            "/v3/features/system",
            "/admin/GetTenantsForUser"
        ]
    );
    // The session is in memory-only storage; nothing secret went to disk.
    let local = serde_json::to_string(&service.platform().dump(Area::Local)).unwrap();
    assert!(!local.contains("good"));
    assert!(
        serde_json::to_string(&service.platform().dump(Area::Session))
            .unwrap()
            .contains("good")
    );
}

#[test]
fn a_hand_off_the_extension_did_not_ask_for_changes_nothing() {
    let service = service_with_portal(ACME, None);
    service.platform().portal.borrow_mut().tokens.insert(
        "ATTACKER".into(),
        FakeUser {
            username: "mallory".into(),
            admin: false,
        },
    );

    // Nothing pending: login CSRF.
    let refused = run_in_tab(
        &service,
        Request::Handoff {
            url: forged_handoff_url(41_000, "ATTACKER"),
        },
        7,
    );
    assert!(
        matches!(&refused, Response::Error { message, .. } if *message == msg::HANDOFF_REFUSED.text())
    );

    sign_in(&service, ACME);
    let (tab, port) = authorization_tab(&service);
    // The right port, but another tab (a page opened elsewhere).
    let refused = run_in_tab(
        &service,
        Request::Handoff {
            url: handoff_url(&service, port, "ATTACKER"),
        },
        tab + 50,
    );
    assert!(
        matches!(&refused, Response::Error { message, .. } if *message == msg::HANDOFF_REFUSED.text())
    );
    assert_eq!(portal(&refused, ACME).session, SessionView::SigningIn);
    assert!(
        service
            .platform()
            .requests
            .borrow()
            .iter()
            .all(|r| r.token.expose() != "ATTACKER"),
        "the attacker's token is never used"
    );

    // The genuine hand-off still works, and only once.
    let state = run_in_tab(
        &service,
        Request::Handoff {
            url: handoff_url(&service, port, "good"),
        },
        tab,
    );
    assert!(matches!(
        portal(&state, ACME).session,
        SessionView::Active { .. }
    ));
    let replay = run_in_tab(
        &service,
        Request::Handoff {
            url: handoff_url(&service, port, "ATTACKER"),
        },
        tab,
    );
    assert!(matches!(replay, Response::Error { .. }));
    assert!(
        matches!(portal(&replay, ACME).session, SessionView::Active { ref username, .. } if username == "alice@acme.io")
    );
}

#[test]
fn an_open_portal_tab_signs_in_with_zero_clicks() {
    let service = service_with_portal(ACME, None);
    service
        .platform()
        .page_tokens
        .borrow_mut()
        .insert(ACME.into(), vec!["stale".into(), "good".into()]);
    let state = sign_in(&service, ACME);
    assert!(matches!(
        portal(&state, ACME).session,
        SessionView::Active { .. }
    ));
    assert!(
        service.platform().opened.borrow().is_empty(),
        "no authorization page"
    );
}

#[test]
fn a_quiet_sign_in_never_opens_a_page() {
    let service = service_with_portal(ACME, None);
    let state = run(
        &service,
        Request::SignInQuietly {
            origin: ACME.into(),
        },
    );
    assert_eq!(portal(&state, ACME).session, SessionView::SignedOut);
    assert!(service.platform().opened.borrow().is_empty());
    service
        .platform()
        .page_tokens
        .borrow_mut()
        .insert(ACME.into(), vec!["good".into()]);
    let state = run(
        &service,
        Request::SignInQuietly {
            origin: ACME.into(),
        },
    );
    assert!(matches!(
        portal(&state, ACME).session,
        SessionView::Active { .. }
    ));
}

#[test]
fn a_stale_portal_tab_token_falls_back_to_the_hand_off() {
    let service = service_with_portal(ACME, None);
    service
        .platform()
        .page_tokens
        .borrow_mut()
        .insert(ACME.into(), vec!["stale".into()]);
    let state = sign_in(&service, ACME);
    assert_eq!(portal(&state, ACME).session, SessionView::SigningIn);
    assert_eq!(service.platform().opened.borrow().len(), 1);
}

#[test]
fn an_api_token_signs_in_without_the_portal_page() {
    let service = service_with_portal(ACME, Some("good"));
    let state = sign_in(&service, ACME);
    assert!(matches!(
        portal(&state, ACME).session,
        SessionView::Active { .. }
    ));
    assert!(service.platform().opened.borrow().is_empty());

    let bad = service_with_portal("beta.duplocloud.net", Some("revoked"));
    let state = sign_in(&bad, "https://beta.duplocloud.net");
    let view = portal(&state, "https://beta.duplocloud.net");
    assert_eq!(view.session, SessionView::SignedOut);
    assert_eq!(view.error, Some(msg::API_TOKEN_REJECTED.text()));
    assert!(
        bad.platform().opened.borrow().is_empty(),
        "an API token portal never opens the hand-off"
    );
}

#[test]
fn a_401_in_a_background_refresh_opens_no_tab_and_sign_in_again_resumes() {
    // Signed in with an open portal tab's token, which the portal then revokes.
    let service = service_with_portal(ACME, None);
    service
        .platform()
        .page_tokens
        .borrow_mut()
        .insert(ACME.into(), vec!["good".into()]);
    sign_in(&service, ACME);
    service.platform().page_tokens.borrow_mut().clear();
    service.platform().portal.borrow_mut().tokens.remove("good");

    // The popup opened ten times: each refresh meets the 401. Nobody asked for a sign-in:
    // no tab opens, the popup says the session ended.
    let opened_before = service.platform().opened.borrow().len();
    for _ in 0..10 {
        run(
            &service,
            Request::Refresh {
                origin: ACME.into(),
            },
        );
    }
    assert_eq!(
        service.platform().opened.borrow().len(),
        opened_before,
        "a background refresh never opens a tab"
    );
    let view = portal(&run(&service, Request::GetState), ACME);
    assert_eq!(view.session, SessionView::SignedOut);
    assert_eq!(
        view.error,
        Some(msg::PORTAL_SESSION_EXPIRED.with(["acme.duplocloud.net"]))
    );
    // The person clicks Sign in: one authorization page, in front.
    sign_in(&service, ACME);
    assert_eq!(service.platform().opened.borrow().len(), opened_before + 1);
    let (tab, port) = authorization_tab(&service);
    assert_eq!(service.platform().focused.get(), Some(tab));

    service.platform().portal.borrow_mut().tokens.insert(
        "fresh".into(),
        FakeUser {
            username: "alice@acme.io".into(),
            admin: false,
        },
    );
    service
        .platform()
        .portal
        .borrow_mut()
        .tenants
        .push(("t-3".into(), "qa".into()));
    let state = run_in_tab(
        &service,
        Request::Handoff {
            url: handoff_url(&service, port, "fresh"),
        },
        tab,
    );
    assert_eq!(tenant_names(&portal(&state, ACME)), ["dev01", "prod", "qa"]);
}

#[test]
fn a_frame_inside_the_authorization_tab_cannot_hand_over_a_token() {
    let service = service_with_portal(ACME, None);
    sign_in(&service, ACME);
    let (tab, port) = authorization_tab(&service);
    // An iframe on the portal's page loads the web-accessible hand-off page.
    let refused = block_on(service.handle(
        Request::Handoff {
            url: handoff_url(&service, port, "good"),
        },
        jit_console::service::Sender {
            tab_id: Some(tab),
            frame_id: Some(3),
        },
    ));
    assert!(
        matches!(&refused, Response::Error { message, .. } if *message == msg::HANDOFF_REFUSED.text()),
        "{refused:?}"
    );
    assert_eq!(
        portal(&run(&service, Request::GetState), ACME).session,
        SessionView::SigningIn,
        "the attempt is untouched"
    );
    // The tab's top document still can.
    let state = run_in_tab(
        &service,
        Request::Handoff {
            url: handoff_url(&service, port, "good"),
        },
        tab,
    );
    assert!(matches!(
        portal(&state, ACME).session,
        SessionView::Active { .. }
    ));
}

#[test]
fn a_sign_in_ends_on_time_out_closed_tab_or_cancel() {
    let service = service_with_portal(ACME, None);
    sign_in(&service, ACME);
    let (_, port) = authorization_tab(&service);
    service.platform().advance(SIGN_IN_TIMEOUT_MS);
    block_on(service.on_alarm(SIGN_IN_ALARM));
    let view = portal(&run(&service, Request::GetState), ACME);
    assert_eq!(view.session, SessionView::SignedOut);
    assert_eq!(view.error, Some(msg::SIGN_IN_TIMED_OUT.text()));
    assert!(!service
        .platform()
        .rules
        .borrow()
        .contains_key(&i32::from(port)));
    assert!(
        service.platform().tabs.borrow().is_empty(),
        "the dead prompt's tab is closed"
    );
    let late = run_in_tab(
        &service,
        Request::Handoff {
            url: handoff_url(&service, port, "good"),
        },
        100,
    );
    assert!(matches!(late, Response::Error { .. }));

    sign_in(&service, ACME);
    let (tab, _) = authorization_tab(&service);
    block_on(service.on_tab_removed(tab + 1000));
    assert_eq!(
        portal(&run(&service, Request::GetState), ACME).session,
        SessionView::SigningIn
    );
    block_on(service.on_tab_removed(tab));
    assert_eq!(
        portal(&run(&service, Request::GetState), ACME).error,
        Some(msg::SIGN_IN_TAB_CLOSED.text())
    );
    assert!(service.platform().rules.borrow().is_empty());

    service.platform().tabs.borrow_mut().clear();
    sign_in(&service, ACME);
    let (tab, port) = authorization_tab(&service);
    block_on(service.on_tab_updated(tab, &format!("{ACME}/app/user/verify-token?localAppName=JIT%20Console&localPort={port}&cancelled=true")));
    assert_eq!(
        portal(&run(&service, Request::GetState), ACME).error,
        Some(msg::SIGN_IN_CANCELLED.text())
    );
}

#[test]
fn a_second_click_shows_the_pending_tab_instead_of_opening_another() {
    let service = service_with_portal(ACME, None);
    sign_in(&service, ACME);
    let (tab, _) = authorization_tab(&service);
    service.platform().focused.set(None);
    sign_in(&service, ACME);
    assert_eq!(service.platform().opened.borrow().len(), 1);
    assert_eq!(service.platform().focused.get(), Some(tab));
}

#[test]
fn portal_errors_are_sentences_and_keep_the_cached_tenants() {
    let service = service_with_portal(ACME, Some("good"));
    sign_in(&service, ACME);
    let cases = [
        (
            ApiReply::Http {
                status: 403,
                body: vec![],
            },
            msg::PORTAL_FORBIDDEN,
        ),
        (
            ApiReply::Http {
                status: 404,
                body: vec![],
            },
            msg::PORTAL_API_MISSING,
        ),
        (
            ApiReply::Http {
                status: 500,
                body: vec![],
            },
            msg::PORTAL_API_MISSING,
        ),
        (
            ApiReply::Http {
                status: 200,
                body: b"{not json".to_vec(),
            },
            msg::PORTAL_MALFORMED,
        ),
        (
            ApiReply::Network("connection refused".into()),
            msg::PORTAL_UNREACHABLE,
        ),
    ];
    for (reply, expected) in cases {
        service
            .platform()
            .portal
            .borrow_mut()
            .faults
            .insert("/admin/GetTenantsForUser".into(), vec![reply]);
        let view = portal(
            &run(
                &service,
                Request::Refresh {
                    origin: ACME.into(),
                },
            ),
            ACME,
        );
        assert_eq!(view.error, Some(expected.with(["acme.duplocloud.net"])));
        assert_eq!(
            tenant_names(&view),
            ["dev01", "prod"],
            "what was there stays"
        );
        assert!(matches!(view.session, SessionView::Active { .. }));
    }
    let view = portal(
        &run(
            &service,
            Request::Refresh {
                origin: ACME.into(),
            },
        ),
        ACME,
    );
    assert_eq!(view.error, None, "a success clears the problem");
}

#[test]
fn two_portals_have_their_own_sessions() {
    let service = service_with_portal(ACME, Some("good"));
    run(
        &service,
        Request::AddPortal {
            url: "beta.duplocloud.net".into(),
            api_token: None,
        },
    );
    sign_in(&service, ACME);
    let state = sign_in(&service, "https://beta.duplocloud.net");
    assert!(matches!(
        portal(&state, ACME).session,
        SessionView::Active { .. }
    ));
    assert_eq!(
        portal(&state, "https://beta.duplocloud.net").session,
        SessionView::SigningIn
    );
    run(
        &service,
        Request::SignOut {
            origin: ACME.into(),
        },
    );
    let state = run(&service, Request::GetState);
    assert_eq!(portal(&state, ACME).session, SessionView::SignedOut);
    assert_eq!(
        portal(&state, "https://beta.duplocloud.net").session,
        SessionView::SigningIn
    );
}

#[test]
fn a_restarted_worker_finishes_the_pending_sign_in() {
    let service = service_with_portal(ACME, None);
    sign_in(&service, ACME);
    let (tab, port) = authorization_tab(&service);
    // The browser stopped the worker; a new one starts over the same storage and browser.
    let platform = FakePlatform::default();
    *platform.storage.borrow_mut() = service.platform().storage.borrow().clone();
    *platform.tabs.borrow_mut() = service.platform().tabs.borrow().clone();
    platform.portal.borrow_mut().tokens = service.platform().portal.borrow().tokens.clone();
    let restarted = Service::new(platform);
    let state = run_in_tab(
        &restarted,
        Request::Handoff {
            url: handoff_url(&service, port, "good"),
        },
        tab,
    );
    assert!(matches!(
        portal(&state, ACME).session,
        SessionView::Active { .. }
    ));
}

#[test]
fn staying_signed_in_moves_the_session_to_disk_and_back() {
    use jit_console::core::config::Settings;
    let service = service_with_portal(ACME, None);
    service
        .platform()
        .page_tokens
        .borrow_mut()
        .insert(ACME.into(), vec!["good".into()]);
    sign_in(&service, ACME);
    let on_disk = |s: &Service<FakePlatform>| {
        serde_json::to_string(&s.platform().dump(Area::Local))
            .unwrap()
            .contains("good")
    };
    assert!(!on_disk(&service));
    let state = run(
        &service,
        Request::SetSettings(Settings {
            stay_signed_in: true,
            ..Settings::default()
        }),
    );
    assert!(matches!(&state, Response::State(s) if s.settings.stay_signed_in));
    assert!(on_disk(&service));
    assert!(!service
        .platform()
        .dump(Area::Session)
        .contains_key("sessions"));

    // A browser restart: memory storage is gone, the new worker finds the session on disk.
    let platform = FakePlatform::default();
    *platform.storage.borrow_mut() = service
        .platform()
        .dump(Area::Local)
        .into_iter()
        .map(|(k, v)| ((Area::Local, k), v))
        .collect();
    let restarted = Service::new(platform);
    assert!(matches!(
        portal(&run(&restarted, Request::GetState), ACME).session,
        SessionView::Active { .. }
    ));
    block_on(restarted.on_policy_changed());

    run(
        &restarted,
        Request::SetSettings(Settings {
            stay_signed_in: false,
            ..Settings::default()
        }),
    );
    assert!(!on_disk(&restarted));
    assert!(matches!(
        portal(&run(&restarted, Request::GetState), ACME).session,
        SessionView::Active { .. }
    ));
}

#[test]
fn removing_a_portal_forgets_its_session_and_tenants() {
    let service = service_with_portal(ACME, Some("good"));
    sign_in(&service, ACME);
    run(
        &service,
        Request::RemovePortal {
            origin: ACME.into(),
        },
    );
    assert!(!service
        .platform()
        .dump(Area::Local)
        .keys()
        .any(|k| k.starts_with("tenants:")));
    let sessions = serde_json::to_string(&service.platform().dump(Area::Session)).unwrap();
    assert!(!sessions.contains("good"));
}

#[test]
fn signing_out_or_removing_the_portal_during_a_sign_in_closes_its_authorization_tab() {
    // Found by the sign-in property test: without its redirect rule, an Authorize in the
    // tab left open would send the token to whatever listens on localhost:N.
    for request in [
        Request::SignOut {
            origin: ACME.into(),
        },
        Request::RemovePortal {
            origin: ACME.into(),
        },
    ] {
        let service = service_with_portal(ACME, None);
        sign_in(&service, ACME);
        let (tab, port) = authorization_tab(&service);
        run(&service, request.clone());
        assert!(
            !service.platform().tabs.borrow().contains_key(&tab),
            "{request:?}"
        );
        assert!(!service
            .platform()
            .rules
            .borrow()
            .contains_key(&i32::from(port)));
    }
}

/// The tabs that show the portal's authorization page.
fn authorization_pages(service: &Service<FakePlatform>) -> usize {
    service
        .platform()
        .tabs
        .borrow()
        .values()
        .filter(|url| url.contains("/app/user/verify-token"))
        .count()
}

#[test]
fn every_way_an_attempt_ends_closes_its_tab_and_removes_its_rule() {
    type End = fn(&Service<FakePlatform>, i32, u16);
    let ends: [(&str, End); 9] = [
        ("cancelled in the portal", |s, tab, _| {
            block_on(
                s.on_tab_updated(tab, &format!("{ACME}/app/user/verify-token?cancelled=true")),
            );
        }),
        ("a token the portal refuses", |s, tab, port| {
            run_in_tab(
                s,
                Request::Handoff {
                    url: handoff_url(s, port, "not-a-session"),
                },
                tab,
            );
        }),
        ("a token the portal refused before", |s, tab, port| {
            // The portal refused "stale" a moment ago (an open portal tab held it).
            s.platform()
                .page_tokens
                .borrow_mut()
                .insert(ACME.into(), vec!["stale".into()]);
            let url = handoff_url(s, port, "stale");
            run(
                s,
                Request::SignInQuietly {
                    origin: ACME.into(),
                },
            );
            run_in_tab(s, Request::Handoff { url }, tab);
        }),
        ("signed out", |s, _, _| {
            run(
                s,
                Request::SignOut {
                    origin: ACME.into(),
                },
            );
        }),
        ("the portal removed", |s, _, _| {
            run(
                s,
                Request::RemovePortal {
                    origin: ACME.into(),
                },
            );
        }),
        ("everything forgotten", |s, _, _| {
            run(s, Request::ForgetEverything);
        }),
        ("timed out", |s, _, _| {
            s.platform().advance(SIGN_IN_TIMEOUT_MS);
            block_on(s.on_alarm(SIGN_IN_ALARM));
        }),
        ("signed in with an API token meanwhile", |s, _, _| {
            // The person gives the portal an API token and signs in with it: the prompt
            // is no longer needed.
            run(
                s,
                Request::EditPortal {
                    origin: ACME.into(),
                    edit: jit_console::core::config::PortalEdit {
                        api_token: Some(jit_console::core::secret::Secret::new("good")),
                        ..Default::default()
                    },
                },
            );
            let state = sign_in(s, ACME);
            assert!(matches!(
                portal(&state, ACME).session,
                SessionView::Active { .. }
            ));
        }),
        ("the rule could not be added", |s, _, _| {
            // (Checked below: the attempt never showed the page.)
            let _ = s;
        }),
    ];
    for (why, end) in ends {
        let service = service_with_portal(ACME, None);
        if why == "the rule could not be added" {
            service.platform().rules_failing.set(true);
            let state = sign_in(&service, ACME);
            assert!(
                !service
                    .platform()
                    .opened
                    .borrow()
                    .iter()
                    .any(|url| url.contains("/app/user/verify-token")),
                "{why}: the page never showed without its rule"
            );
            assert!(
                service.platform().tabs.borrow().is_empty(),
                "{why}: blank tab closed"
            );
            assert_eq!(
                portal(&state, ACME).session,
                SessionView::SignedOut,
                "{why}"
            );
            assert!(portal(&state, ACME).error.is_some(), "{why}: says so");
            continue;
        }
        sign_in(&service, ACME);
        let (tab, port) = authorization_tab(&service);
        assert!(service
            .platform()
            .rules
            .borrow()
            .contains_key(&i32::from(port)));
        end(&service, tab, port);
        assert!(
            !service.platform().tabs.borrow().contains_key(&tab),
            "{why}: the authorization tab is closed"
        );
        assert!(
            service.platform().rules.borrow().is_empty(),
            "{why}: its rule is gone"
        );
    }
}

#[test]
fn a_worker_stopped_at_any_step_of_a_sign_in_leaves_no_authorization_page_behind() {
    // The browser may stop the worker between any two of its calls. Whatever the step, an
    // authorization page never shows in a tab the extension has not recorded (with its
    // rule), and after the deadline no such page is left open.
    let mut stopped_at = 0;
    loop {
        let service = service_with_portal(ACME, None);
        service.platform().steps_yield.set(true);
        let done = {
            let mut sign_in = std::pin::pin!(service.handle(
                Request::SignIn {
                    origin: ACME.into()
                },
                jit_console::service::Sender::default(),
            ));
            let waker = futures_util::task::noop_waker();
            let mut context = std::task::Context::from_waker(&waker);
            (0..=stopped_at).any(|_| sign_in.as_mut().poll(&mut context).is_ready())
            // Dropped here: the worker stopped.
        };
        // What the browser kept: storage, tabs, session rules, alarms.
        let platform = FakePlatform::default();
        platform.now.set(service.platform().now.get());
        *platform.storage.borrow_mut() = service.platform().storage.borrow().clone();
        *platform.tabs.borrow_mut() = service.platform().tabs.borrow().clone();
        *platform.rules.borrow_mut() = service.platform().rules.borrow().clone();
        *platform.alarms.borrow_mut() = service.platform().alarms.borrow().clone();
        let shown: Vec<i32> = platform
            .tabs
            .borrow()
            .iter()
            .filter(|(_, url)| url.contains("/app/user/verify-token"))
            .map(|(tab, _)| *tab)
            .collect();
        for tab in shown {
            let rules = platform.rules.borrow();
            assert!(
                rules
                    .values()
                    .any(|rule| rule["condition"]["tabIds"] == serde_json::json!([tab])),
                "stopped after {stopped_at} steps: a page shows without its rule"
            );
        }
        let restarted = Service::new(platform);
        block_on(restarted.on_policy_changed());
        restarted.platform().advance(SIGN_IN_TIMEOUT_MS);
        block_on(restarted.on_alarm(SIGN_IN_ALARM));
        assert_eq!(
            authorization_pages(&restarted),
            0,
            "stopped after {stopped_at} steps: an authorization page outlived its attempt"
        );
        assert!(
            restarted.platform().rules.borrow().is_empty(),
            "stopped after {stopped_at} steps: a rule outlived its attempt"
        );
        if done {
            break;
        }
        stopped_at += 1;
    }
    assert!(stopped_at > 3, "the sign-in had steps to stop between");
}
