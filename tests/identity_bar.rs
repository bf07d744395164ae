//! The identity bar (issue 19) over the fake browser and portal: a console tab this
//! extension signed in gets its portal, identity and expiry; any other tab, a frame, or a
//! bar turned off gets nothing; the content script's requests are about its own tab only
//! and never carry a secret.
#![allow(clippy::unwrap_used)]

mod common;

use common::{acme_portal, first_console_tab, jit_requests, open_console, run, tenant, ACME};
use futures_executor::block_on;
use jit_console::core::consoles::Destination;
use jit_console::core::identity_bar::{BarAnswer, BarRequest, BarSender, CONSOLE_HOSTS};
use jit_console::core::messages::Request;
use jit_console::core::text::UserText;
use jit_console::service::fake::FakePlatform;
use jit_console::service::Service;

/// Signed in to acme (named "Acme prod", red), with dev01's console open in a tab.
fn with_console() -> (Service<FakePlatform>, i32) {
    let service = acme_portal(false, true, |portal| {
        portal.tenants = vec![
            ("t-1".into(), "dev01".into()),
            ("t-2".into(), "prod".into()),
            ("t-3".into(), "qa".into()),
        ];
        portal.validity = Some(3600);
    });
    run(
        &service,
        Request::EditPortal {
            origin: ACME.into(),
            edit: serde_json::from_value(serde_json::json!({"name": "Acme prod", "colour": "red"}))
                .unwrap(),
        },
    );
    run(
        &service,
        Request::SignIn {
            origin: ACME.into(),
        },
    );
    open_console(&service, tenant("t-1", "dev01"), Destination::Home, false);
    let tab = first_console_tab(&service);
    (service, tab)
}

fn ask(service: &Service<FakePlatform>, request: BarRequest, tab: i32) -> BarAnswer {
    block_on(service.handle_bar(
        request,
        BarSender {
            tab_id: tab,
            frame_id: Some(0),
        },
    ))
}

#[test]
fn a_console_tab_of_ours_shows_its_portal_tenant_and_time_left() {
    let (service, tab) = with_console();
    let BarAnswer::Shown(view) = ask(&service, BarRequest::GetIdentityBar, tab) else {
        panic!("no bar on our console tab");
    };
    assert_eq!(view.portal, "Acme prod");
    assert_eq!(view.who, "dev01");
    assert_eq!(view.role, "tenant");
    assert_eq!(view.colour, "#d93025", "the portal's red");
    let now = service.platform().now.get();
    assert_eq!(view.expires_ms, Some(now + 3_600_000));
    let texts = view.texts.clone();
    let english = |t: &UserText| t.english();
    assert_eq!(english(&texts.minutes), "expires in $1 min");
    assert_eq!(english(&texts.label), "Signed in as dev01 of Acme prod");
    // Open this page as: the portal's other tenants, not dev01.
    let names: Vec<&str> = view.choices.iter().map(|c| c.name.as_str()).collect();
    assert_eq!(names, ["prod", "qa"]);
}

/// SECURITY.md: a content script (a console page's renderer, perhaps compromised) learns
/// nothing of a tab that is not its own, nor of a tab the person opened by hand.
#[test]
fn a_content_script_cannot_get_another_tabs_identity() {
    let (service, tab) = with_console();
    // A console tab the person opened by hand: same cookies, not ours.
    assert_eq!(
        ask(&service, BarRequest::GetIdentityBar, tab + 100),
        BarAnswer::Hidden
    );
    // A frame inside our console tab.
    let framed = block_on(service.handle_bar(
        BarRequest::GetIdentityBar,
        BarSender {
            tab_id: tab,
            frame_id: Some(4),
        },
    ));
    assert_eq!(framed, BarAnswer::Hidden);
    // A forged renewal from another tab renews nothing.
    let before = jit_requests(&service);
    assert_eq!(
        ask(&service, BarRequest::IdentityBarRenew, tab + 100),
        BarAnswer::Hidden
    );
    assert_eq!(jit_requests(&service), before);
    // Nothing of a secret in the answer: no credentials, no sign-in link.
    let answer = serde_json::to_string(&ask(&service, BarRequest::GetIdentityBar, tab)).unwrap();
    for secret in [
        "AKIA",
        "accessKey",
        "secret",
        "sessionToken",
        "signin",
        "Token",
        "http",
    ] {
        assert!(!answer.contains(secret), "{secret} in {answer}");
    }
}

/// SECURITY.md: a content script can make no other request (a page request, a key of its
/// choosing); what it may ask is its own enum, about its own tab.
#[test]
fn a_content_script_can_make_no_other_request() {
    for forged in [
        serde_json::json!({"type": "getState"}),
        serde_json::json!({"type": "copyCredentials", "key": {}, "format": "bash"}),
        serde_json::json!({"type": "openConsole", "open": {}}),
        serde_json::json!({"type": "renewNow", "key": {"origin": ACME, "role": {"kind": "admin"}}}),
        serde_json::json!({"type": "setSettings"}),
    ] {
        assert!(
            serde_json::from_value::<BarRequest>(forged.clone()).is_err(),
            "{forged}"
        );
    }
    // A renewal naming another identity renews the tab's own, and only that.
    let (service, tab) = with_console();
    let forged: BarRequest = serde_json::from_value(serde_json::json!({
        "type": "identityBarRenew",
        "key": {"origin": ACME, "role": {"kind": "admin"}},
    }))
    .unwrap();
    let before = jit_requests(&service);
    service
        .platform()
        .now
        .set(service.platform().now.get() + 30_000);
    assert!(matches!(ask(&service, forged, tab), BarAnswer::Shown(_)));
    assert_eq!(jit_requests(&service), before + 1, "one renewal");
    let paths = service.platform().requested_paths();
    assert!(paths.last().unwrap().contains("t-1"), "{paths:?}");
    // Open this page as: only a tenant of the tab's own portal, on the tab's own page.
    let opened = service.platform().opened.borrow().len();
    ask(
        &service,
        BarRequest::IdentityBarOpenAs {
            tenant_id: "t-9".into(),
        },
        tab,
    );
    assert_eq!(
        service.platform().opened.borrow().len(),
        opened,
        "no such tenant"
    );
}

#[test]
fn open_this_page_as_opens_the_tabs_page_as_the_tenant_chosen() {
    let (service, tab) = with_console();
    let page = "https://us-west-2.console.aws.amazon.com/s3/buckets?region=us-west-2";
    service
        .platform()
        .tabs
        .borrow_mut()
        .insert(tab, page.into());
    let consoles_before = service.platform().console_tabs.borrow().len();
    ask(
        &service,
        BarRequest::IdentityBarOpenAs {
            tenant_id: "t-2".into(),
        },
        tab,
    );
    let consoles = service.platform().console_tabs.borrow();
    assert_eq!(consoles.len(), consoles_before + 1, "a new console tab");
    let url = service.platform().opened.borrow().last().cloned().unwrap();
    assert!(
        url.contains("Destination=https%3A%2F%2Fus-west-2.console.aws.amazon.com%2Fs3%2Fbuckets"),
        "{url}"
    );
}

#[test]
fn turned_off_the_bar_shows_nothing_and_open_bars_are_told() {
    let (service, tab) = with_console();
    service.platform().bars_told.borrow_mut().clear();
    let mut settings = run(&service, Request::GetState).state().settings.clone();
    assert!(settings.identity_bar, "on by default");
    settings.identity_bar = false;
    run(&service, Request::SetSettings(settings));
    assert_eq!(
        ask(&service, BarRequest::GetIdentityBar, tab),
        BarAnswer::Hidden
    );
    assert_eq!(*service.platform().bars_told.borrow(), [tab]);
}

#[test]
fn the_manifest_runs_the_bar_only_on_the_console_hosts() {
    let manifest: serde_json::Value =
        serde_json::from_str(include_str!("../manifest.json")).unwrap();
    let scripts = manifest["content_scripts"].as_array().unwrap();
    assert_eq!(scripts.len(), 1);
    let script = &scripts[0];
    let matches: Vec<&str> = script["matches"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m.as_str().unwrap())
        .collect();
    assert_eq!(matches, CONSOLE_HOSTS);
    assert_eq!(script["js"], serde_json::json!(["identity-bar.js"]));
    assert_eq!(script["all_frames"], serde_json::json!(false));
    assert_eq!(script["run_at"], "document_idle");
}

#[test]
fn a_policy_that_turns_the_bar_off_keeps_it_off() {
    let (service, tab) = with_console();
    service.platform().storage.borrow_mut().insert(
        (jit_console::service::Area::Managed, String::new()),
        serde_json::json!({ "settings": { "identityBar": false } }),
    );
    block_on(service.on_policy_changed());
    assert_eq!(
        ask(&service, BarRequest::GetIdentityBar, tab),
        BarAnswer::Hidden
    );
    // The person turns it on; the policy keeps it off, and the options page shows it fixed.
    let mut settings = run(&service, Request::GetState).state().settings.clone();
    settings.identity_bar = true;
    let after = run(&service, Request::SetSettings(settings));
    assert!(!after.state().settings.identity_bar);
    assert!(after
        .state()
        .managed_settings
        .contains(&"identityBar".to_owned()));
    assert_eq!(
        ask(&service, BarRequest::GetIdentityBar, tab),
        BarAnswer::Hidden
    );
}
