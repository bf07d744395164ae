//! Usable the moment the browser starts (issue 15): the worker answers from what it stored
//! while the browser has not yet answered for the administrator's policy, and does nothing
//! a policy could forbid until it has.
#![allow(clippy::unwrap_used)]

mod common;

use common::{run, settles};
use futures_executor::block_on;
use jit_console::core::messages::{Request, SessionView};
use jit_console::service::fake::{FakePlatform, FakeUser};
use jit_console::service::{Area, Service, STARTUP_READS};

const ACME: &str = "https://acme.duplocloud.net";

/// A browser that stayed signed in to acme (sessions on disk), closed, and started again.
fn restarted_browser() -> FakePlatform {
    let service = Service::new(FakePlatform::default());
    service.platform().portal.borrow_mut().tokens.insert(
        "api-tok".into(),
        FakeUser {
            username: "alice@acme.io".into(),
            admin: false,
        },
    );
    block_on(service.on_policy_changed());
    run(
        &service,
        Request::AddPortal {
            url: ACME.into(),
            api_token: Some("api-tok".into()),
        },
    );
    let mut settings = run(&service, Request::GetState).state().settings.clone();
    settings.stay_signed_in = true;
    run(&service, Request::SetSettings(settings));
    run(
        &service,
        Request::SignIn {
            origin: ACME.into(),
        },
    );
    let platform = service.into_platform();
    assert!(platform
        .storage
        .borrow()
        .contains_key(&(Area::Local, "sessions".into())));
    // The browser closed: memory-only storage is gone.
    platform
        .storage
        .borrow_mut()
        .retain(|(area, _), _| *area != Area::Session);
    platform
}

#[test]
fn the_worker_answers_from_storage_while_the_policy_is_unknown() {
    let platform = restarted_browser();
    platform.managed_hangs.set(true);
    let service = Service::new(platform);
    // The policy read hangs (as Chromium's does for seconds after a start)...
    assert!(settles(service.on_policy_changed()).is_none());
    assert!(!service.policy_known());
    // ...and the pages are answered at once, from what was stored.
    let state = settles(service.handle(Request::GetState, Default::default()))
        .expect("answered without the policy");
    let portal = &state.state().portals[0];
    assert_eq!(portal.host, "acme.duplocloud.net");
    assert!(matches!(portal.session, SessionView::Active { .. }));
}

#[test]
fn until_the_policy_is_known_no_session_is_written_to_disk() {
    let platform = restarted_browser();
    platform.managed_hangs.set(true);
    // The copy on disk as the last browser left it.
    let on_disk = platform.storage.borrow()[&(Area::Local, "sessions".to_string())].clone();
    let service = Service::new(platform);
    // A sign-in changes the sessions before the policy is known: memory only.
    settles(service.handle(
        Request::SignIn {
            origin: ACME.into(),
        },
        Default::default(),
    ))
    .unwrap();
    let storage = service.platform().storage.borrow().clone();
    assert_eq!(
        storage[&(Area::Local, "sessions".to_string())],
        on_disk,
        "disk untouched"
    );
    assert!(storage.contains_key(&(Area::Session, "sessions".to_string())));
}

#[test]
fn a_policy_that_forbids_staying_signed_in_moves_the_sessions_off_disk_when_it_arrives() {
    let platform = restarted_browser();
    platform.storage.borrow_mut().insert(
        (Area::Managed, String::new()),
        serde_json::json!({ "settings": { "staySignedIn": false } }),
    );
    let service = Service::new(platform);
    let before = run(&service, Request::GetState);
    assert!(matches!(
        before.state().portals[0].session,
        SessionView::Active { .. }
    ));
    block_on(service.on_policy_changed());
    assert!(service.policy_known());
    let storage = service.platform().storage.borrow().clone();
    assert!(
        !storage.contains_key(&(Area::Local, "sessions".to_string())),
        "the portal token left the disk"
    );
    assert!(storage.contains_key(&(Area::Session, "sessions".to_string())));
    let after = run(&service, Request::GetState);
    assert!(!after.state().settings.stay_signed_in);
    assert!(matches!(
        after.state().portals[0].session,
        SessionView::Active { .. }
    ));
}

#[test]
fn with_no_policy_the_sessions_stay_on_disk_as_chosen() {
    let platform = restarted_browser();
    let service = Service::new(platform);
    run(&service, Request::GetState);
    block_on(service.on_policy_changed());
    let storage = service.platform().storage.borrow().clone();
    assert!(storage.contains_key(&(Area::Local, "sessions".to_string())));
    assert!(!storage.contains_key(&(Area::Session, "sessions".to_string())));
}

#[test]
fn a_request_during_the_start_up_read_waits_for_it_instead_of_reading_again() {
    let platform = restarted_browser();
    platform.reads_yield.set(true);
    platform.reads.borrow_mut().clear();
    let service = Service::new(platform);
    // The start-up's read is under way (its reads pending) when a page's request arrives.
    let (_, answer) = block_on(futures_util::future::join(
        service.load_state(),
        service.handle(Request::GetState, Default::default()),
    ));
    assert!(matches!(
        answer.state().portals[0].session,
        SessionView::Active { .. }
    ));
    let reads = service.platform().reads.borrow().clone();
    for (area, key) in STARTUP_READS {
        let times = reads
            .iter()
            .filter(|r| **r == (area, key.to_owned()))
            .count();
        assert_eq!(times, 1, "{key} of {area:?} read {times} times: {reads:?}");
    }
}

/// The worker's shell asks for exactly what the start-up reads, before the wasm module is
/// loaded: a key it missed would be read late, one too many read for nothing.
#[test]
fn the_shell_reads_early_what_the_start_up_reads() {
    let shell = include_str!("../extension/bg.js");
    let mut early: Vec<(Area, String)> = Vec::new();
    for (area, name) in [(Area::Local, "local"), (Area::Session, "session")] {
        let call = format!("read('{name}', [");
        let start = shell.find(&call).expect("an early read of each area") + call.len();
        let list = &shell[start..start + shell[start..].find(']').unwrap()];
        for key in list.split(',') {
            early.push((area, key.trim().trim_matches('\'').to_owned()));
        }
    }
    let mut expected: Vec<(Area, String)> = STARTUP_READS
        .iter()
        .map(|(area, key)| (*area, (*key).to_owned()))
        .collect();
    early.sort();
    expected.sort();
    assert_eq!(early, expected);
}
