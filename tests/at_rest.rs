//! Secrets at rest (issue 16): portal tokens never stranded on disk, whatever changes *Stay
//! signed in*; an imported file can neither override the policy nor send a stored API token
//! to a new place.
#![allow(clippy::unwrap_used)]

mod common;

use common::run;
use futures_executor::block_on;
use jit_console::core::messages::{Request, Response, SessionView};
use jit_console::core::text::msg;
use jit_console::service::fake::{FakePlatform, FakeUser};
use jit_console::service::{Area, Service};

const ACME: &str = "https://acme.duplocloud.net";
const BETA: &str = "https://beta.duplocloud.net";

fn disk(service: &Service<FakePlatform>) -> String {
    serde_json::to_string(&service.platform().dump(Area::Local)).unwrap()
}

/// Two portals signed in through their open portal tabs (tokens "tab-a" and "tab-b"), *Stay
/// signed in* on: both portal tokens on disk.
fn two_portals_staying_signed_in() -> Service<FakePlatform> {
    let service = Service::new(FakePlatform::default());
    block_on(service.on_policy_changed());
    for (origin, token, user) in [
        (ACME, "tab-a", "alice@acme.io"),
        (BETA, "tab-b", "bob@beta.io"),
    ] {
        service.platform().portal.borrow_mut().tokens.insert(
            token.into(),
            FakeUser {
                username: user.into(),
                admin: false,
            },
        );
        service
            .platform()
            .page_tokens
            .borrow_mut()
            .insert(origin.into(), vec![token.into()]);
        run(
            &service,
            Request::AddPortal {
                url: origin.into(),
                api_token: None,
            },
        );
        run(
            &service,
            Request::SignIn {
                origin: origin.into(),
            },
        );
    }
    let mut settings = run(&service, Request::GetState).state().settings.clone();
    settings.stay_signed_in = true;
    run(&service, Request::SetSettings(settings));
    let on_disk = disk(&service);
    assert!(
        on_disk.contains("tab-a") && on_disk.contains("tab-b"),
        "{on_disk}"
    );
    service
}

#[test]
fn importing_our_own_file_with_stay_signed_in_off_takes_the_tokens_off_the_disk() {
    let service = two_portals_staying_signed_in();
    let Response::Exported { file, .. } = run(&service, Request::ExportConfig) else {
        panic!("no export");
    };
    let file = file.replace("\"staySignedIn\": true", "\"staySignedIn\": false");
    assert!(file.contains("\"staySignedIn\": false"), "{file}");
    let state = run(&service, Request::ImportConfig { text: file });
    assert!(!state.state().settings.stay_signed_in);
    let on_disk = disk(&service);
    assert!(
        !on_disk.contains("tab-a") && !on_disk.contains("tab-b"),
        "portal tokens stranded on disk: {on_disk}"
    );
    // Still signed in, in memory.
    assert!(state
        .state()
        .portals
        .iter()
        .all(|p| matches!(p.session, SessionView::Active { .. })));
}

#[test]
fn signing_out_leaves_no_copy_of_the_session_in_either_area() {
    let service = two_portals_staying_signed_in();
    // An import turns *Stay signed in* off (once, a copy stayed on disk), the person signs
    // out of acme, then turns it on again: no area may still hold acme's token.
    let Response::Exported { file, .. } = run(&service, Request::ExportConfig) else {
        panic!("no export");
    };
    let off = file.replace("\"staySignedIn\": true", "\"staySignedIn\": false");
    run(&service, Request::ImportConfig { text: off });
    run(
        &service,
        Request::SignOut {
            origin: ACME.into(),
        },
    );
    let mut settings = run(&service, Request::GetState).state().settings.clone();
    settings.stay_signed_in = true;
    run(&service, Request::SetSettings(settings));
    for area in [Area::Local, Area::Session] {
        let stored = serde_json::to_string(&service.platform().dump(area)).unwrap();
        assert!(
            !stored.contains("tab-a"),
            "{area:?} still holds acme's token: {stored}"
        );
    }
    // A restart does not bring it back.
    let restarted = Service::new(service.into_platform());
    block_on(restarted.on_policy_changed());
    let state = run(&restarted, Request::GetState);
    let acme = state
        .state()
        .portals
        .iter()
        .find(|p| p.origin == ACME)
        .unwrap();
    assert_eq!(acme.session, SessionView::SignedOut);
}

#[test]
fn an_import_that_moves_a_portals_api_host_drops_its_api_token_and_says_so() {
    let service = Service::new(FakePlatform::default());
    block_on(service.on_policy_changed());
    run(
        &service,
        Request::AddPortal {
            url: ACME.into(),
            api_token: Some("api-secret".into()),
        },
    );
    // Signed in with it: the session holds the same token.
    service.platform().portal.borrow_mut().tokens.insert(
        "api-secret".into(),
        jit_console::service::fake::FakeUser {
            username: "alice@acme.io".into(),
            admin: false,
        },
    );
    run(
        &service,
        Request::SignIn {
            origin: ACME.into(),
        },
    );
    let file = r#"{"format":"jit-console-config","version":1,
        "portals":[{"url":"https://acme.duplocloud.net","apiHost":"http://localhost:4444"}]}"#;
    let state = run(&service, Request::ImportConfig { text: file.into() });
    let acme = &state.state().portals[0];
    assert!(!acme.uses_api_token);
    assert_eq!(
        acme.error,
        Some(msg::API_TOKEN_DROPPED.with(["acme.duplocloud.net"]))
    );
    assert_eq!(
        acme.session,
        jit_console::core::messages::SessionView::SignedOut
    );
    assert!(!disk(&service).contains("api-secret"));
    // Nothing the portal gave goes to the new host: the next refresh has no token to send.
    service.platform().requests.borrow_mut().clear();
    run(
        &service,
        Request::Refresh {
            origin: ACME.into(),
        },
    );
    let leaked = service
        .platform()
        .requests
        .borrow()
        .iter()
        .any(|r| r.token.expose() == "api-secret");
    assert!(!leaked, "the token followed the portal to its new API host");
}

#[test]
fn an_imported_file_cannot_turn_on_what_the_policy_fixes_off() {
    let service = two_portals_staying_signed_in();
    // The administrator fixes sessions off disk: they leave it when the policy arrives...
    service.platform().storage.borrow_mut().insert(
        (Area::Managed, String::new()),
        serde_json::json!({ "settings": { "staySignedIn": false } }),
    );
    block_on(service.on_policy_changed());
    assert!(!disk(&service).contains("tab-a"));
    // ...and a file that turns it on changes nothing of it.
    let Response::Exported { file, .. } = run(&service, Request::ExportConfig) else {
        panic!("no export");
    };
    let file = file.replace("\"staySignedIn\": false", "\"staySignedIn\": true");
    let state = run(&service, Request::ImportConfig { text: file });
    assert!(!state.state().settings.stay_signed_in);
    assert!(!disk(&service).contains("tab-a"), "{}", disk(&service));
}
