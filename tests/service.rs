//! The worker's request handling against the in-memory fake browser and portal.
#![allow(clippy::unwrap_used)]

mod common;

use common::run;
use jit_console::core::config::Config;
use jit_console::core::messages::{Request, Response, StateView};
use jit_console::core::text::msg;
use jit_console::service::fake::FakePlatform;
use jit_console::service::{Area, Service};

fn add(url: &str, token: Option<&str>) -> Request {
    Request::AddPortal {
        url: url.into(),
        api_token: token.map(Into::into),
    }
}

fn state(response: &Response) -> &StateView {
    response.state()
}

fn hosts(response: &Response) -> Vec<String> {
    state(response)
        .portals
        .iter()
        .map(|p| p.host.clone())
        .collect()
}

#[test]
fn adds_lists_and_removes_portals_and_persists_them() {
    let service = Service::new(FakePlatform::default());
    assert_eq!(
        run(&service, Request::GetState),
        Response::State(StateView::default())
    );
    let added = run(&service, add("https://acme.duplocloud.net/", None));
    assert_eq!(hosts(&added), ["acme.duplocloud.net"]);
    run(&service, add("beta.duplocloud.net", Some("api-tok")));
    let listed = run(&service, Request::GetState);
    assert_eq!(
        hosts(&listed),
        ["acme.duplocloud.net", "beta.duplocloud.net"]
    );
    assert!(state(&listed).portals[1].uses_api_token);
    // The token is kept (it is in storage)...
    let stored = serde_json::to_string(&service.platform().dump(Area::Local)).unwrap();
    assert!(stored.contains("api-tok"));
    // ...but the answer a page gets, as it crosses to the page, does not hold it.
    let sent = serde_json::to_string(&listed).unwrap();
    assert!(
        !sent.contains("api-tok"),
        "no secret reaches a page: {sent}"
    );

    let removed = run(
        &service,
        Request::RemovePortal {
            origin: "https://acme.duplocloud.net".into(),
        },
    );
    assert_eq!(hosts(&removed), ["beta.duplocloud.net"]);
}

#[test]
fn a_new_worker_reads_what_the_last_one_stored() {
    let first = Service::new(FakePlatform::default());
    run(&first, add("acme.duplocloud.net", Some("api-tok")));
    let storage = first.platform().storage.borrow().clone();
    // The worker was stopped; a new one starts over the same storage.
    let second = Service::new(FakePlatform::default());
    *second.platform().storage.borrow_mut() = storage;
    assert_eq!(
        hosts(&run(&second, Request::GetState)),
        ["acme.duplocloud.net"]
    );
    let (config, dropped) = Config::from_stored(
        second
            .platform()
            .dump(Area::Local)
            .get(Config::STORAGE_KEY)
            .cloned(),
    );
    assert_eq!(dropped, 0);
    assert_eq!(
        config.portals[0].api_token.as_ref().unwrap().expose(),
        "api-tok"
    );
}

#[test]
fn a_refusal_says_why_and_changes_nothing() {
    let service = Service::new(FakePlatform::default());
    run(&service, add("acme.duplocloud.net", None));
    let before = service.platform().dump(Area::Local);
    for (input, expected) in [
        (
            "http://acme.duplocloud.net",
            msg::PORTAL_URL_PLAIN_HTTP.text(),
        ),
        (
            "acme.duplocloud.net",
            msg::PORTAL_DUPLICATE.with(["acme.duplocloud.net"]),
        ),
        ("https://a.duplocloud.net/?x", msg::PORTAL_URL_QUERY.text()),
    ] {
        match run(&service, add(input, None)) {
            Response::Error { message, state } => {
                assert_eq!(message, expected, "{input}");
                assert_eq!(state.portals.len(), 1);
            }
            other => panic!("{input} was accepted: {other:?}"),
        }
    }
    assert_eq!(service.platform().dump(Area::Local), before);
}

#[test]
fn a_storage_failure_keeps_the_old_state() {
    let service = Service::new(FakePlatform::default());
    run(&service, add("acme.duplocloud.net", None));
    service.platform().storage_failing.set(true);
    match run(&service, add("beta.duplocloud.net", None)) {
        Response::Error { message, state } => {
            assert_eq!(message, msg::STORAGE_FAILED.text());
            assert_eq!(state.portals.len(), 1);
        }
        other => panic!("accepted while storage fails: {other:?}"),
    }
    service.platform().storage_failing.set(false);
    assert_eq!(
        hosts(&run(&service, Request::GetState)),
        ["acme.duplocloud.net"]
    );
}

#[test]
fn removing_an_unknown_portal_is_explained() {
    let service = Service::new(FakePlatform::default());
    let response = run(
        &service,
        Request::RemovePortal {
            origin: "https://gone.duplocloud.net".into(),
        },
    );
    assert!(
        matches!(response, Response::Error { message, .. } if message == msg::PORTAL_NOT_FOUND.text())
    );
}
