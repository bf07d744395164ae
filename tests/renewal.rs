//! Renewal in place over the fake browser and portal, with the fake clock.
#![allow(clippy::unwrap_used)]

mod common;

use common::{
    acme_portal, authorization_tab, first_console_tab, handoff_url, jit_requests, land,
    open_console, query, run, tenant, ACME,
};
use futures_executor::block_on;
use jit_console::core::consoles::Destination;
use jit_console::core::identity::ConsoleKey;
use jit_console::core::messages::Request;
use jit_console::service::fake::{FakePlatform, FakeUser};
use jit_console::service::{Area, Sender, Service, RENEWAL_ALARM};

const PAGE: &str = "https://us-west-2.console.aws.amazon.com/s3/buckets/logs?region=us-west-2";

fn dev01() -> ConsoleKey {
    tenant("t-1", "dev01")
}

/// Signed in (portal-tab token "good", so a 401 can be recovered by the hand-off), dev01's
/// console open on PAGE, validity 15 minutes.
fn with_console() -> (Service<FakePlatform>, i32) {
    let service = acme_portal(false, false, |portal| {
        portal.tenants = vec![("t-1".into(), "dev01".into())];
        portal.validity = Some(900);
    });
    sign_in_from_portal_tab(&service);
    open_dev01(&service, false);
    let tab = first_console_tab(&service);
    land(&service, tab, PAGE);
    (service, tab)
}

/// Opens dev01's console home (in a new tab with `new_tab`), as its popup button does.
fn open_dev01(service: &Service<FakePlatform>, new_tab: bool) {
    open_console(service, dev01(), Destination::Home, new_tab);
}

/// Signs in with the token "good" of an open portal tab, which then closes.
fn sign_in_from_portal_tab(service: &Service<FakePlatform>) {
    service
        .platform()
        .page_tokens
        .borrow_mut()
        .insert(ACME.into(), vec!["good".into()]);
    run(
        service,
        Request::SignIn {
            origin: ACME.into(),
        },
    );
    service.platform().page_tokens.borrow_mut().clear();
}

fn alarm(service: &Service<FakePlatform>) -> u64 {
    *service
        .platform()
        .alarms
        .borrow()
        .get(RENEWAL_ALARM)
        .unwrap()
}

#[test]
fn a_background_console_is_renewed_in_place_before_expiry() {
    let (service, tab) = with_console();
    let opened_at = service.platform().now.get();
    // Due a quarter of 15 minutes before expiry; the badge wakes the worker every minute.
    assert!(alarm(&service) <= opened_at + 675_000);
    assert_eq!(service.platform().badge.borrow().0, "15m");
    service.platform().focused.set(None);
    service.platform().now.set(opened_at + 675_000);
    block_on(service.on_alarm(RENEWAL_ALARM));
    assert_eq!(jit_requests(&service), 2, "new credentials");
    let url = service.platform().tabs.borrow()[&tab].clone();
    assert!(
        url.starts_with("https://signin.aws.amazon.com/oauth?Action=logout&"),
        "{url}"
    );
    let login = query(&url, "redirect_uri").unwrap();
    assert_eq!(
        query(&login, "Destination").as_deref(),
        Some(PAGE),
        "back on the page it showed"
    );
    // The next renewal is scheduled from the new expiry; the badge shows the new time.
    assert!(alarm(&service) > opened_at + 675_000);
    assert_eq!(service.platform().badge.borrow().0, "15m");
}

#[test]
fn the_tab_in_use_waits_for_the_expired_page() {
    let (service, tab) = with_console();
    service.platform().focused.set(Some(tab));
    service.platform().advance(675_000);
    block_on(service.on_alarm(RENEWAL_ALARM));
    assert_eq!(service.platform().tabs.borrow()[&tab], PAGE, "not yanked");
    // The console sends it to the expired page: renewed, back where it was.
    let expired = format!(
        "https://signin.aws.amazon.com/session-expired?redirect_uri={}",
        url::form_urlencoded::byte_serialize(PAGE.as_bytes()).collect::<String>()
    );
    service
        .platform()
        .tabs
        .borrow_mut()
        .insert(tab, expired.clone());
    service.platform().advance(300_000);
    block_on(service.on_tab_updated(tab, &expired));
    let url = service.platform().tabs.borrow()[&tab].clone();
    let login = query(&url, "redirect_uri").unwrap_or(url.clone());
    assert_eq!(query(&login, "Destination").as_deref(), Some(PAGE), "{url}");
}

#[test]
fn an_expired_portal_session_opens_one_authorization_tab_and_renewals_resume() {
    let (service, tab) = with_console();
    service.platform().focused.set(None);
    service.platform().portal.borrow_mut().tokens.remove("good");
    service.platform().advance(675_000);
    block_on(service.on_alarm(RENEWAL_ALARM));
    block_on(service.on_alarm(RENEWAL_ALARM));
    let authorizations: Vec<_> = service
        .platform()
        .opened
        .borrow()
        .iter()
        .filter(|u| u.contains("/app/user/verify-token"))
        .cloned()
        .collect();
    assert_eq!(authorizations.len(), 1, "one authorization tab");
    let (auth_tab, port) = authorization_tab(&service);
    service.platform().portal.borrow_mut().tokens.insert(
        "fresh".into(),
        FakeUser {
            username: "alice@acme.io".into(),
            admin: false,
        },
    );
    block_on(service.handle(
        Request::Handoff {
            url: handoff_url(&service, port, "fresh"),
        },
        Sender::top_of(auth_tab),
    ));
    let url = service.platform().tabs.borrow()[&tab].clone();
    assert!(
        url.contains("Action=logout"),
        "renewed after the sign-in: {url}"
    );
}

#[test]
fn a_restarted_worker_rebuilds_the_schedule_from_storage() {
    let (service, _) = with_console();
    let due = alarm(&service);
    let platform = FakePlatform::default();
    *platform.storage.borrow_mut() = service.platform().storage.borrow().clone();
    platform.now.set(service.platform().now.get());
    let restarted = Service::new(platform);
    block_on(restarted.on_startup());
    assert_eq!(alarm(&restarted), due);
    assert_eq!(restarted.platform().badge.borrow().0, "15m");
}

#[test]
fn renewal_off_leaves_tabs_alone() {
    let (service, tab) = with_console();
    let settings = jit_console::core::config::Settings {
        auto_renew: false,
        ..Default::default()
    };
    run(&service, Request::SetSettings(settings));
    service.platform().focused.set(None);
    service.platform().advance(675_000);
    block_on(service.on_alarm(RENEWAL_ALARM));
    assert_eq!(jit_requests(&service), 1);
    assert_eq!(service.platform().tabs.borrow()[&tab], PAGE);
}

#[test]
fn the_group_title_carries_the_time_left() {
    let (service, _) = with_console();
    let titles = service.platform().group_titles.borrow().clone();
    assert_eq!(
        titles.values().next().map(String::as_str),
        Some("dev01 · 15m")
    );
}

#[test]
fn with_renewal_off_a_notification_offers_to_renew() {
    let (service, tab) = with_console();
    let settings = jit_console::core::config::Settings {
        auto_renew: false,
        notify_minutes: 5,
        ..Default::default()
    };
    run(&service, Request::SetSettings(settings));
    assert!(
        service.platform().notifications.borrow().is_empty(),
        "not yet: 15 minutes left"
    );
    service.platform().advance(10 * 60_000);
    block_on(service.on_alarm(RENEWAL_ALARM));
    let shown = service.platform().notifications.borrow().clone();
    assert_eq!(shown.len(), 1);
    let (id, (title, message)) = shown.into_iter().next().unwrap();
    assert_eq!(title, "AWS console session ending");
    assert_eq!(
        message,
        "dev01 on acme.duplocloud.net expires in 5 min and will not be renewed automatically."
    );
    // Only once for these credentials.
    service.platform().notifications.borrow_mut().clear();
    service.platform().advance(60_000);
    block_on(service.on_alarm(RENEWAL_ALARM));
    assert!(service.platform().notifications.borrow().is_empty());

    // "Renew" renews now, the tab in use included; "Dismiss" does nothing more.
    service.platform().focused.set(Some(tab));
    block_on(service.on_notification(&id, Some(1)));
    assert_eq!(jit_requests(&service), 1);
    block_on(service.on_notification(&id, Some(0)));
    assert_eq!(jit_requests(&service), 2);
    assert!(service.platform().tabs.borrow()[&tab].contains("Action=logout"));
}

#[test]
fn auto_renewal_sends_no_notification() {
    let (service, _) = with_console();
    service.platform().focused.set(None);
    for _ in 0..20 {
        service.platform().advance(60_000);
        block_on(service.on_alarm(RENEWAL_ALARM));
    }
    assert!(service.platform().notifications.borrow().is_empty());
    assert!(jit_requests(&service) >= 2);
}

#[test]
fn kept_alive_identities_renew_without_tabs() {
    let (service, tab) = with_console();
    run(
        &service,
        Request::SetKeepAlive {
            key: dev01(),
            keep: true,
        },
    );
    block_on(service.on_tab_removed(tab));
    service.platform().tabs.borrow_mut().remove(&tab);
    service.platform().advance(675_000);
    block_on(service.on_alarm(RENEWAL_ALARM));
    assert_eq!(jit_requests(&service), 2);
    let state = run(&service, Request::GetState);
    assert!(state.state().portals[0].tenants.as_ref().unwrap()[0].keep_alive);
}

/// The console state as stored (one JSON string in `storage.session`).
fn stored_consoles(service: &Service<FakePlatform>) -> jit_console::core::consoles::Consoles {
    let stored =
        service.platform().storage.borrow()[&(Area::Session, "consoles".to_owned())].clone();
    serde_json::from_str(stored.as_str().unwrap()).unwrap()
}

#[test]
fn a_failed_renewal_keeps_the_credentials_and_retries_with_backoff() {
    let (service, tab) = with_console();
    service.platform().focused.set(None);
    let path = "/subscriptions/t-1/GetAwsConsoleTokenUrl".to_owned();
    let failing = vec![
        jit_console::core::portal_api::ApiReply::Http {
            status: 503,
            body: Vec::new(),
        },
        jit_console::core::portal_api::ApiReply::Network("connection reset".into()),
        jit_console::core::portal_api::ApiReply::Http {
            status: 200,
            body: b"{\"AccessKeyId\": [".to_vec(),
        },
    ];
    service
        .platform()
        .portal
        .borrow_mut()
        .faults
        .insert(path, failing);
    service.platform().advance(675_000);
    let mut waits = Vec::new();
    for attempt in 1..=3 {
        let before = service.platform().now.get();
        block_on(service.on_alarm(RENEWAL_ALARM));
        assert_eq!(
            jit_requests(&service),
            1 + attempt,
            "one request per attempt"
        );
        let consoles = stored_consoles(&service);
        let retry = consoles.retry(&dev01()).unwrap().next_ms;
        assert!(alarm(&service) <= retry, "the retry is scheduled");
        // Nothing happens before the retry time, however often the worker wakes.
        while alarm(&service) < retry {
            service.platform().now.set(alarm(&service));
            block_on(service.on_alarm(RENEWAL_ALARM));
        }
        block_on(service.on_startup());
        assert_eq!(jit_requests(&service), 1 + attempt, "no storm");
        assert_eq!(service.platform().tabs.borrow()[&tab], PAGE, "left alone");
        let state = run(&service, Request::GetState);
        let tenant = &state.state().portals[0].tenants.as_ref().unwrap()[0];
        assert!(tenant.expires_ms.is_some(), "the old credentials are kept");
        waits.push(retry - before);
        service.platform().now.set(retry);
    }
    assert!(waits[0] < waits[1] && waits[1] < waits[2], "{waits:?}");
    // The portal is back: renewed, in place.
    block_on(service.on_alarm(RENEWAL_ALARM));
    assert_eq!(jit_requests(&service), 5);
    assert!(service.platform().tabs.borrow()[&tab].contains("Action=logout"));
    let consoles = stored_consoles(&service);
    assert!(
        consoles.retry(&dev01()).is_none(),
        "the retries end with success"
    );
}

#[test]
fn a_renewal_without_a_portal_session_opens_one_authorization_tab_not_one_per_retry() {
    let (service, _) = with_console();
    service.platform().focused.set(None);
    service.platform().portal.borrow_mut().tokens.remove("good");
    service.platform().advance(675_000);
    block_on(service.on_alarm(RENEWAL_ALARM));
    let authorizations = || {
        service
            .platform()
            .opened
            .borrow()
            .iter()
            .filter(|u| u.contains("/app/user/verify-token"))
            .count()
    };
    assert_eq!(authorizations(), 1);
    // The user ignores it: it times out and closes; the retries wait for a sign-in.
    for _ in 0..20 {
        service.platform().advance(60_000);
        block_on(service.on_alarm(jit_console::service::SIGN_IN_ALARM));
        block_on(service.on_alarm(RENEWAL_ALARM));
    }
    assert_eq!(
        authorizations(),
        1,
        "no new authorization tab at each retry"
    );
    // The user signs in from the popup: the renewal that waited completes.
    run(
        &service,
        Request::SignIn {
            origin: ACME.into(),
        },
    );
    let (auth_tab, port) = authorization_tab(&service);
    service.platform().portal.borrow_mut().tokens.insert(
        "fresh".into(),
        FakeUser {
            username: "alice@acme.io".into(),
            admin: false,
        },
    );
    block_on(service.handle(
        Request::Handoff {
            url: handoff_url(&service, port, "fresh"),
        },
        Sender::top_of(auth_tab),
    ));
    // The open, the renewal that met the 401, and the renewal after the sign-in.
    assert_eq!(jit_requests(&service), 3, "renewed after the sign-in");
}

#[test]
fn a_worker_stopped_in_the_middle_of_a_renewal_is_woken_to_finish_it() {
    let (service, tab) = with_console();
    service.platform().focused.set(None);
    service.platform().advance(675_000);
    let now = service.platform().now.get();
    block_on(service.on_alarm(RENEWAL_ALARM));
    // While the renewal's request was out, an alarm stood ready to wake a new worker.
    let at_request = service
        .platform()
        .alarms_at_request
        .borrow()
        .last()
        .cloned()
        .unwrap();
    assert_eq!(
        at_request.get(RENEWAL_ALARM).copied(),
        Some(now + jit_console::service::RESUME_AFTER_MS)
    );
    // (And it completed here: the tab is signed in again.)
    assert!(service.platform().tabs.borrow()[&tab].contains("Action=logout"));
}

/// Issue 17: which work a request makes due is derived from what it changed, not a hand-kept
/// list of requests. A copy fetches and stores credentials; a keep-alive identity first
/// fetched that way once got no renewal alarm.
#[test]
fn credentials_first_fetched_by_a_copy_are_renewed_when_kept_alive() {
    let (service, tab) = with_console();
    // Start again with no console: only the keep-alive identity and a copy.
    block_on(service.on_tab_removed(tab));
    run(
        &service,
        Request::SignOut {
            origin: ACME.into(),
        },
    );
    service.platform().alarms.borrow_mut().clear();
    sign_in_from_portal_tab(&service);
    run(
        &service,
        Request::SetKeepAlive {
            key: dev01(),
            keep: true,
        },
    );
    assert!(
        !service
            .platform()
            .alarms
            .borrow()
            .contains_key(RENEWAL_ALARM),
        "nothing to renew yet"
    );
    let copied = run(
        &service,
        Request::CopyCredentials {
            key: dev01(),
            format: jit_console::core::copy::CopyFormat::Bash,
            otp: None,
        },
    );
    assert!(matches!(
        copied,
        jit_console::core::messages::Response::Copied { .. }
    ));
    // The renewal alarm is set, before the 15 minutes are up.
    let now = service.platform().now.get();
    assert!(alarm(&service) > now && alarm(&service) < now + 900_000);
}

#[test]
fn a_renewal_signs_in_with_the_new_console_urls_token_once_and_asks_aws_for_the_second_tab() {
    let (service, tab) = with_console();
    // A second tab of dev01, on another page.
    open_dev01(&service, true);
    let second = *service
        .platform()
        .console_tabs
        .borrow()
        .keys()
        .find(|t| **t != tab)
        .unwrap();
    const OTHER: &str = "https://us-west-2.console.aws.amazon.com/ec2/home?region=us-west-2";
    land(&service, second, OTHER);
    service.platform().portal.borrow_mut().console_url = Some(
        "https://signin.aws.amazon.com/federation?Action=login&Destination=https%3A%2F%2Fconsole.aws.amazon.com%2F&SigninToken=renewed".into(),
    );
    let aws_before = service.platform().aws_requests.borrow().len();
    service.platform().focused.set(None);
    let opened_at = service.platform().now.get();
    service.platform().now.set(opened_at + 675_000);
    block_on(service.on_alarm(RENEWAL_ALARM));
    assert_eq!(jit_requests(&service), 2, "one request for both tabs");
    let logins: Vec<String> = [tab, second]
        .iter()
        .map(|t| {
            let url = service.platform().tabs.borrow()[t].clone();
            query(&url, "redirect_uri").unwrap_or_else(|| panic!("not signed out first: {url}"))
        })
        .collect();
    let tokens: Vec<Option<String>> = logins.iter().map(|l| query(l, "SigninToken")).collect();
    assert_eq!(
        tokens
            .iter()
            .filter(|t| t.as_deref() == Some("renewed"))
            .count(),
        1,
        "the portal's token is used once: {tokens:?}"
    );
    assert!(tokens.iter().all(Option::is_some), "{tokens:?}");
    assert_eq!(
        service.platform().aws_requests.borrow().len(),
        aws_before + 1,
        "AWS asked for a token for the other tab only"
    );
    assert_eq!(query(&logins[0], "Destination").as_deref(), Some(PAGE));
    assert_eq!(query(&logins[1], "Destination").as_deref(), Some(OTHER));
    assert!(logins
        .iter()
        .all(|l| query(l, "Issuer").as_deref() == Some(ACME)));
}
