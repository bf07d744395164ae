//! After a 401 (issue 15): no tab without a person's action, no loop, no hang, one
//! authorization page per minute at most. Over the fake browser and portal, fake clock.
#![allow(clippy::unwrap_used)]

mod common;

use common::{
    authorization_tab, first_console_tab, handoff_url, land, open_console, run, settles, tenant,
    ACME,
};
use futures_executor::block_on;
use jit_console::core::consoles::{Destination, OpenConsole};
use jit_console::core::identity::ConsoleKey;
use jit_console::core::messages::{Request, SessionView};
use jit_console::core::portal_api::ApiReply;
use jit_console::core::text::msg;
use jit_console::service::fake::{FakePlatform, FakeUser};
use jit_console::service::{Sender, Service, RENEWAL_ALARM};

const PAGE: &str = "https://us-west-2.console.aws.amazon.com/s3/buckets/logs?region=us-west-2";

fn user() -> FakeUser {
    FakeUser {
        username: "alice@acme.io".into(),
        admin: false,
    }
}

fn dev01() -> ConsoleKey {
    tenant("t-1", "dev01")
}

/// The portal configured, with "good" valid and an open portal tab holding it.
fn portal_with_tab() -> Service<FakePlatform> {
    let service = Service::new(FakePlatform::default());
    {
        let mut portal = service.platform().portal.borrow_mut();
        portal.tokens.insert("good".into(), user());
        portal.tenants = vec![("t-1".into(), "dev01".into())];
        portal.validity = Some(900);
    }
    service
        .platform()
        .page_tokens
        .borrow_mut()
        .insert(ACME.into(), vec!["good".into()]);
    run(
        &service,
        Request::AddPortal {
            url: ACME.into(),
            api_token: None,
        },
    );
    service
}

fn requests(service: &Service<FakePlatform>) -> usize {
    service.platform().requests.borrow().len()
}

fn authorization_pages(service: &Service<FakePlatform>) -> usize {
    service
        .platform()
        .opened
        .borrow()
        .iter()
        .filter(|u| u.contains("/app/user/verify-token"))
        .count()
}

/// The popup opening: a quiet sign-in for a portal without a session, a refresh for one with.
fn popup_opens(service: &Service<FakePlatform>) {
    run(
        service,
        Request::SignInQuietly {
            origin: ACME.into(),
        },
    );
    run(
        service,
        Request::Refresh {
            origin: ACME.into(),
        },
    );
}

#[test]
fn a_portal_that_refuses_one_endpoint_is_not_hammered() {
    // GetUserRoleInfo accepts the portal tab's token, GetTenantsForUser answers 401 to it:
    // today's loop was refresh -> 401 -> sign in with the same tab token -> refresh -> ...
    let service = portal_with_tab();
    service.platform().portal.borrow_mut().faults.insert(
        "/admin/GetTenantsForUser".into(),
        vec![
            ApiReply::Http {
                status: 401,
                body: Vec::new()
            };
            10_000
        ],
    );
    for _ in 0..20 {
        popup_opens(&service);
    }
    assert!(
        requests(&service) <= 4,
        "{} portal requests for twenty popup openings",
        requests(&service)
    );
    assert_eq!(authorization_pages(&service), 0, "nobody asked for a tab");
    let view = run(&service, Request::GetState).state().portals[0].clone();
    assert_eq!(view.session, SessionView::SignedOut);
    assert_eq!(
        view.error,
        Some(msg::PORTAL_SESSION_EXPIRED.with(["acme.duplocloud.net"]))
    );
    // A minute later, still the same tab token: it is never accepted again.
    service.platform().advance(120_000);
    let before = requests(&service);
    popup_opens(&service);
    assert_eq!(
        requests(&service),
        before,
        "a refused token is not tried again"
    );
}

#[test]
fn a_revoked_session_opens_no_tab_when_the_popup_opens_but_a_click_opens_one() {
    let service = portal_with_tab();
    popup_opens(&service);
    service.platform().page_tokens.borrow_mut().clear();
    service.platform().portal.borrow_mut().tokens.remove("good");
    for _ in 0..5 {
        popup_opens(&service);
    }
    assert_eq!(authorization_pages(&service), 0);
    // The person clicks the tenant: one authorization page, in front; after Authorize the
    // console opens by itself.
    let open = OpenConsole {
        key: dev01(),
        destination: Destination::Home,
        new_tab: false,
    };
    run(
        &service,
        Request::OpenConsole {
            open: open.clone(),
            otp: None,
            make_room: false,
        },
    );
    run(
        &service,
        Request::OpenConsole {
            open,
            otp: None,
            make_room: false,
        },
    );
    assert_eq!(authorization_pages(&service), 1, "exactly one page");
    let (tab, port) = authorization_tab(&service);
    assert_eq!(service.platform().focused.get(), Some(tab));
    authorize_fresh(&service, tab, port);
    assert_eq!(service.platform().console_tabs.borrow().len(), 1);
}

/// The person clicks Authorize in the authorization tab `tab` (port `port`): the portal
/// hands over a new session token, "fresh".
fn authorize_fresh(service: &Service<FakePlatform>, tab: i32, port: u16) {
    service
        .platform()
        .portal
        .borrow_mut()
        .tokens
        .insert("fresh".into(), user());
    block_on(service.handle(
        Request::Handoff {
            url: handoff_url(service, port, "fresh"),
        },
        Sender::top_of(tab),
    ));
}

/// Opens dev01's console, sends its tab to PAGE, and puts it in the background: its tab.
fn dev01_open_on_page(service: &Service<FakePlatform>) -> i32 {
    open_console(service, dev01(), Destination::Home, false);
    let tab = first_console_tab(service);
    land(service, tab, PAGE);
    service.platform().focused.set(None);
    tab
}

/// Signed in with the portal tab's token, dev01's console open on PAGE, in the background.
fn with_console() -> (Service<FakePlatform>, i32) {
    let service = portal_with_tab();
    run(
        &service,
        Request::SignIn {
            origin: ACME.into(),
        },
    );
    let tab = dev01_open_on_page(&service);
    (service, tab)
}

#[test]
fn a_renewal_that_meets_a_401_cannot_wait_on_itself() {
    // The renewal's request is in flight when the 401 comes; the quiet sign-in finds a new
    // token in the portal tab, and the renewal that waited for it resumes. It must not wait
    // on the request that is resuming it (which waited on it: a hang until the worker
    // restarted). With the fake, everything completes in one poll unless something waits
    // on itself.
    let (service, tab) = with_console();
    service.platform().portal.borrow_mut().tokens.remove("good");
    service
        .platform()
        .portal
        .borrow_mut()
        .tokens
        .insert("fresh".into(), user());
    service
        .platform()
        .page_tokens
        .borrow_mut()
        .insert(ACME.into(), vec!["good".into(), "fresh".into()]);
    service.platform().advance(675_000);
    assert!(
        settles(service.on_alarm(RENEWAL_ALARM)).is_some(),
        "the renewal waits on itself"
    );
    let url = service.platform().tabs.borrow()[&tab].clone();
    assert!(url.contains("Action=logout"), "renewed in place: {url}");
    assert_eq!(authorization_pages(&service), 0, "the portal tab sufficed");
}

#[test]
fn a_renewal_opens_its_page_behind_with_a_notification_that_brings_it_forward() {
    let (service, _tab) = with_console();
    service.platform().page_tokens.borrow_mut().clear();
    service.platform().portal.borrow_mut().tokens.remove("good");
    service.platform().advance(675_000);
    block_on(service.on_alarm(RENEWAL_ALARM));
    assert_eq!(authorization_pages(&service), 1);
    let (auth_tab, _) = authorization_tab(&service);
    assert_eq!(*service.platform().opened_behind.borrow(), [auth_tab]);
    assert_ne!(service.platform().focused.get(), Some(auth_tab));
    let id = format!("authorize|{ACME}");
    let (_, message) = service.platform().notifications.borrow()[&id].clone();
    assert!(message.contains("dev01"), "{message}");
    block_on(service.on_notification(&id, None));
    assert_eq!(service.platform().focused.get(), Some(auth_tab));
    // The person ignores it; the attempt times out; the renewal retries: no second page
    // within the minute.
    service.platform().advance(30_000);
    block_on(service.on_alarm(RENEWAL_ALARM));
    assert_eq!(authorization_pages(&service), 1, "no tab storm");
}

#[test]
fn the_expired_page_signs_a_tab_in_at_most_every_20_seconds() {
    let (service, tab) = with_console();
    service.platform().focused.set(Some(tab));
    service.platform().advance(900_000);
    let expired = format!(
        "https://signin.aws.amazon.com/session-expired?redirect_uri={}",
        url::form_urlencoded::byte_serialize(PAGE.as_bytes()).collect::<String>()
    );
    let land = |service: &Service<FakePlatform>| {
        service
            .platform()
            .tabs
            .borrow_mut()
            .insert(tab, expired.clone());
        block_on(service.on_tab_updated(tab, &expired));
    };
    land(&service);
    let signed_in =
        service.platform().aws_requests.borrow().len() + service.platform().requests.borrow().len();
    // The console sends it back at once, again and again: nothing more is asked.
    for _ in 0..5 {
        service.platform().advance(1_000);
        land(&service);
    }
    assert_eq!(
        service.platform().aws_requests.borrow().len() + service.platform().requests.borrow().len(),
        signed_in
    );
    assert_eq!(
        service.platform().tabs.borrow()[&tab],
        expired,
        "left alone"
    );
    // 20 s after the last sign-in, the page signs it in again.
    service.platform().advance(15_000);
    land(&service);
    assert_ne!(service.platform().tabs.borrow()[&tab], expired);
}

#[test]
fn a_renewal_held_back_by_the_cooldown_opens_its_page_once_the_cooldown_is_over() {
    // Signed in through the authorization page (which starts the 60-second cooldown); the
    // renewal, due 30 s later, meets a 401: its page waits for the cooldown, then opens,
    // behind, once; after Authorize the renewal completes in place.
    let service = portal_with_tab();
    service.platform().page_tokens.borrow_mut().clear();
    service.platform().portal.borrow_mut().validity = Some(40);
    run(
        &service,
        Request::SignIn {
            origin: ACME.into(),
        },
    );
    let (auth, port) = authorization_tab(&service);
    block_on(service.handle(
        Request::Handoff {
            url: handoff_url(&service, port, "good"),
        },
        Sender::top_of(auth),
    ));
    let tab = dev01_open_on_page(&service);
    // The next credentials request answers 401 once.
    service.platform().portal.borrow_mut().faults.insert(
        "/subscriptions/t-1/GetAwsConsoleTokenUrl".into(),
        vec![ApiReply::Http {
            status: 401,
            body: Vec::new(),
        }],
    );
    let mut opened_at = None;
    for second in 1..=150 {
        service.platform().advance(1_000);
        let alarm = service
            .platform()
            .alarms
            .borrow()
            .get(RENEWAL_ALARM)
            .copied();
        if alarm.is_some_and(|at| at <= service.platform().now.get()) {
            block_on(service.on_alarm(RENEWAL_ALARM));
        }
        if authorization_pages(&service) == 2 {
            opened_at = Some(second);
            break;
        }
    }
    let opened_at = opened_at.expect("the renewal's authorization page never opened");
    assert!(opened_at >= 59, "within the cooldown: {opened_at} s");
    let (auth, port) = authorization_tab(&service);
    assert!(service.platform().opened_behind.borrow().contains(&auth));
    // The portal hands over a new session token (the one that met the 401 is never
    // accepted again).
    authorize_fresh(&service, auth, port);
    let url = service.platform().tabs.borrow()[&tab].clone();
    assert!(url.contains("Action=logout"), "renewed in place: {url}");
}
