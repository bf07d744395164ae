//! AWS's multi-session console over the fake browser: the popup's count, the sixth identity
//! offered room (and given it by signing out the session used least recently, on that
//! session's own host), and renewals that sign their old session out on the way.
#![allow(clippy::unwrap_used)]

mod common;

use common::{land, query, run, signed_in_to_acme, tenant};
use futures_executor::block_on;
use jit_console::core::consoles::{Destination, OpenConsole};
use jit_console::core::identity::ConsoleKey;
use jit_console::core::messages::{Request, Response};
use jit_console::core::text::msg;
use jit_console::service::fake::FakePlatform;
use jit_console::service::Service;

const NAMES: [&str; 6] = ["t0", "t1", "t2", "t3", "t4", "t5"];

fn signed_in() -> Service<FakePlatform> {
    signed_in_to_acme(false, |portal| {
        portal.tenants = NAMES
            .iter()
            .map(|n| (format!("id-{n}"), (*n).to_owned()))
            .collect();
        portal.validity = Some(3600);
    })
}

fn key(name: &str) -> ConsoleKey {
    tenant(&format!("id-{name}"), name)
}

fn open(service: &Service<FakePlatform>, name: &str, make_room: bool) -> Response {
    run(
        service,
        Request::OpenConsole {
            open: OpenConsole {
                key: key(name),
                destination: Destination::Home,
                new_tab: false,
            },
            otp: None,
            make_room,
        },
    )
}

fn session_host(n: usize) -> String {
    format!("123456789012-sess000{n}.us-west-2.console.aws.amazon.com")
}

/// The console tab opened last.
fn newest_console_tab(service: &Service<FakePlatform>) -> i32 {
    *service
        .platform()
        .console_tabs
        .borrow()
        .keys()
        .max()
        .unwrap()
}

/// `tab` arrives on the console home of session `n`'s host.
fn land_on_session(service: &Service<FakePlatform>, tab: i32, n: usize) {
    land(
        service,
        tab,
        &format!("https://{}/console/home", session_host(n)),
    );
}

/// Opens `name` and lands its new tab on session `n`'s host; the tab.
fn open_on_session(service: &Service<FakePlatform>, name: &str, n: usize) -> i32 {
    let response = open(service, name, false);
    assert!(matches!(response, Response::State(_)), "{response:?}");
    let tab = newest_console_tab(service);
    land_on_session(service, tab, n);
    tab
}

fn signed_in_count(service: &Service<FakePlatform>) -> Option<usize> {
    let state = run(service, Request::GetState);
    state
        .state()
        .aws_sessions
        .iter()
        .find(|s| s.partition == "aws")
        .map(|s| s.signed_in)
}

fn five_signed_in() -> (Service<FakePlatform>, Vec<i32>) {
    let service = signed_in();
    let mut tabs = Vec::new();
    for (n, name) in NAMES[..5].iter().enumerate() {
        service.platform().advance(1000);
        tabs.push(open_on_session(&service, name, n));
        assert_eq!(signed_in_count(&service), Some(n + 1));
    }
    (service, tabs)
}

#[test]
fn the_sixth_identity_is_offered_room_naming_the_one_used_least_recently() {
    let (service, _) = five_signed_in();
    let opened = service.platform().opened.borrow().len();
    match open(&service, "t5", false) {
        Response::Error { message, .. } => {
            assert_eq!(message, msg::MULTI_SESSION_FULL.with(["t0", "t5"]))
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(
        service.platform().opened.borrow().len(),
        opened,
        "no tab yet"
    );

    // t0 used again: now t1 is the one used least recently.
    service.platform().advance(1000);
    open(&service, "t0", false);
    match open(&service, "t5", false) {
        Response::Error { message, .. } => {
            assert_eq!(message, msg::MULTI_SESSION_FULL.with(["t1", "t5"]))
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn accepting_signs_that_session_out_on_its_own_host_on_the_way_and_says_so() {
    let (service, tabs) = five_signed_in();
    let response = open(&service, "t5", true);
    assert!(matches!(response, Response::State(_)), "{response:?}");
    let url = service.platform().opened.borrow().last().cloned().unwrap();
    let logout = format!(
        "https://{}/oauth?Action=logout&redirect_uri=",
        session_host(0)
    );
    assert!(url.starts_with(&logout), "{url}");
    let login = query(&url, "redirect_uri").unwrap();
    assert!(
        login.starts_with("https://signin.aws.amazon.com/federation?Action=login&"),
        "{login}"
    );
    assert_eq!(
        service.platform().notices.borrow().last().unwrap(),
        "Signed out of t0's AWS console session (used least recently) to open t5: AWS allows 5 at once."
    );
    // t0's tab is no longer a console of ours (nothing signs it in again to take the room
    // back), and the count is four until t5's tab lands.
    let state = run(&service, Request::GetState);
    let t0 = state.state().portals[0]
        .tenants
        .as_ref()
        .unwrap()
        .iter()
        .find(|t| t.name == "t0")
        .unwrap()
        .clone();
    assert!(!t0.console_open);
    assert_eq!(signed_in_count(&service), Some(4));
    let t5 = newest_console_tab(&service);
    assert!(!tabs.contains(&t5));
    land_on_session(&service, t5, 5);
    assert_eq!(signed_in_count(&service), Some(5));
}

#[test]
fn a_menu_or_shortcut_open_at_the_limit_makes_room_by_itself() {
    let (service, _) = five_signed_in();
    let id = key("t5").id();
    block_on(service.on_menu_click(jit_console::core::menus::MenuClick {
        item: format!("open|{id}"),
        ..Default::default()
    }));
    let url = service.platform().opened.borrow().last().cloned().unwrap();
    assert!(url.starts_with(&format!("https://{}/oauth?Action=logout", session_host(0))));
    assert!(service
        .platform()
        .notices
        .borrow()
        .last()
        .unwrap()
        .starts_with("Signed out of t0's"));
}

#[test]
fn a_renewal_signs_its_tabs_old_session_out_on_the_way() {
    let (service, tabs) = five_signed_in();
    run(&service, Request::RenewNow { key: key("t2") });
    let navigated = service
        .platform()
        .tabs
        .borrow()
        .get(&tabs[2])
        .cloned()
        .unwrap();
    assert!(
        navigated.starts_with(&format!(
            "https://{}/oauth?Action=logout&redirect_uri=",
            session_host(2)
        )),
        "{navigated}"
    );
    // The old session is forgotten; the new one counts once the tab lands.
    assert_eq!(signed_in_count(&service), Some(4));
    land_on_session(&service, tabs[2], 7);
    assert_eq!(signed_in_count(&service), Some(5));
}
