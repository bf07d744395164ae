//! Nothing a user has stored is lost: the storage that the build of commit `072543f` wrote
//! (`tests/fixtures/storage-072543f.json`, see its README) is read whole by this build.
#![allow(clippy::unwrap_used)]

mod common;

use common::run;
use jit_console::core::consoles::ConsoleModeSetting;
use jit_console::core::identity::KeyId;
use jit_console::core::messages::{PortalView, Request, SessionView, StateView, TenantView};
use jit_console::service::fake::FakePlatform;
use jit_console::service::{Area, Service};

const ACME: &str = "https://acme.duplocloud.net";
const DEV01: &str = "e62dc8b7-1ec5-45b3-b339-ca4a7895756f";
const PROD: &str = "df9891e3-242a-485b-8f24-6875aa9db2a8";
const BETA_DEV: &str = "c2f7dfec-8dea-42c1-8621-e6d7f4a09666";
const GAMMA_QA: &str = "cbf9756d-f4db-4e9f-828d-ebb01e39446a";

/// A fake browser whose storage is the fixture's, its clock a minute after the last
/// credentials in it were received (so they are live, as they were for the user).
fn browser_of_072543f() -> FakePlatform {
    let text = include_str!("fixtures/storage-072543f.json");
    let fixture: serde_json::Value = serde_json::from_str(text).unwrap();
    let platform = FakePlatform::default();
    for (area, name) in [(Area::Local, "local"), (Area::Session, "session")] {
        let entries = fixture[name].as_object().unwrap();
        assert!(!entries.is_empty(), "the fixture's {name} area is empty");
        for (key, value) in entries {
            platform
                .storage
                .borrow_mut()
                .insert((area, key.clone()), value.clone());
        }
    }
    let consoles: serde_json::Value =
        serde_json::from_str(fixture["session"]["consoles"].as_str().unwrap()).unwrap();
    let last_received = consoles["credentials"]
        .as_object()
        .unwrap()
        .values()
        .map(|c| c["receivedMs"].as_u64().unwrap())
        .max()
        .unwrap();
    platform.now.set(last_received + 60_000);
    platform
}

fn portal<'a>(state: &'a StateView, host: &str) -> &'a PortalView {
    state.portals.iter().find(|p| p.host == host).unwrap()
}

fn tenant<'a>(portal: &'a PortalView, id: &str) -> &'a TenantView {
    portal
        .tenants
        .as_ref()
        .unwrap()
        .iter()
        .find(|t| t.id == id)
        .unwrap()
}

fn username(portal: &PortalView) -> &str {
    match &portal.session {
        SessionView::Active { username, .. } => username,
        other => panic!("{} is not signed in: {other:?}", portal.host),
    }
}

#[test]
fn every_portal_setting_favourite_recent_console_and_session_is_read() {
    let service = Service::new(browser_of_072543f());
    let response = run(&service, Request::GetState);
    let state = response.state();

    // Portals, in the user's order, with what the user gave each.
    let hosts: Vec<&str> = state.portals.iter().map(|p| p.host.as_str()).collect();
    assert_eq!(
        hosts,
        [
            "acme.duplocloud.net",
            "beta.duplocloud.net",
            "gamma.duplocloud.net"
        ]
    );
    let (acme, beta, gamma) = (
        portal(state, "acme.duplocloud.net"),
        portal(state, "beta.duplocloud.net"),
        portal(state, "gamma.duplocloud.net"),
    );
    assert_eq!((acme.name.as_deref(), acme.colour.as_deref()), (None, None));
    assert_eq!(beta.name.as_deref(), Some("Beta staging"));
    assert_eq!(beta.colour.as_deref(), Some("purple"));
    assert!(gamma.uses_api_token && !acme.uses_api_token && !beta.uses_api_token);
    assert_eq!(gamma.api_host.as_deref(), Some("http://localhost:60020"));

    // Settings.
    let settings = &state.settings;
    assert!(settings.stay_signed_in);
    assert!(!settings.auto_renew);
    assert_eq!(settings.notify_minutes, 15);
    assert_eq!(settings.console_mode, ConsoleModeSetting::Multi);
    // Issue 19: stored before the identity bar existed, it is on.
    assert!(settings.identity_bar);
    assert_eq!(
        settings.favourites,
        [
            KeyId::from_text(&format!("{ACME}|tenant:{PROD}")),
            KeyId::from_text(&format!("https://gamma.duplocloud.net|tenant:{GAMMA_QA}"))
        ]
    );
    assert_eq!(
        settings.keep_alive,
        [KeyId::from_text(&format!("{ACME}|tenant:{DEV01}"))]
    );

    // Sessions (kept on disk: stay signed in), one per portal.
    assert_eq!(username(acme), "alice@acme.io");
    assert_eq!(username(beta), "bob@beta.io");
    assert_eq!(username(gamma), "carol@gamma.io");
    assert!(matches!(
        acme.session,
        SessionView::Active {
            is_admin: true,
            admin_jit: true,
            ..
        }
    ));

    // Tenant lists, favourites and recent consoles, as the popup shows them.
    let names: Vec<&str> = acme
        .tenants
        .as_ref()
        .unwrap()
        .iter()
        .map(|t| t.name.as_str())
        .collect();
    assert_eq!(names, ["dev01", "prod", "qa"]);
    assert_eq!(tenant(acme, PROD).favourite, Some(0));
    assert_eq!(tenant(gamma, GAMMA_QA).favourite, Some(1));
    assert!(tenant(acme, DEV01).keep_alive);
    assert_eq!(tenant(gamma, GAMMA_QA).recent, Some(1));
    assert_eq!(tenant(beta, BETA_DEV).recent, Some(2));
    assert_eq!(tenant(acme, PROD).recent, Some(3));
    assert_eq!(tenant(acme, DEV01).recent, Some(4));

    // The consoles in memory: live credentials and their tabs.
    for (portal, id) in [
        (acme, DEV01),
        (acme, PROD),
        (beta, BETA_DEV),
        (gamma, GAMMA_QA),
    ] {
        let tenant = tenant(portal, id);
        assert!(
            tenant.expires_ms.is_some(),
            "{} lost its credentials",
            tenant.name
        );
        assert!(tenant.console_open, "{} lost its console tab", tenant.name);
    }
}

#[test]
fn what_this_build_writes_back_it_reads_again() {
    let platform = browser_of_072543f();
    let now = platform.now.get();
    let service = Service::new(platform);
    let before = run(&service, Request::GetState);
    // A change of setting rewrites the configuration and moves nothing else.
    let mut settings = before.state().settings.clone();
    settings.notify_minutes = 20;
    run(&service, Request::SetSettings(settings));
    let stored = service.platform().dump(Area::Local);

    let again = FakePlatform::default();
    again.now.set(now);
    for (area, name) in [(Area::Local, "local"), (Area::Session, "session")] {
        for (key, value) in service.platform().dump(area) {
            again.storage.borrow_mut().insert((area, key), value);
        }
        assert!(!service.platform().dump(area).is_empty(), "{name} is empty");
    }
    let reread = Service::new(again);
    let after = run(&reread, Request::GetState);
    let mut expected = before.state().clone();
    expected.settings.notify_minutes = 20;
    assert_eq!(after.state(), &expected);
    assert_eq!(stored["config"]["settings"]["notifyMinutes"], 20);
}
