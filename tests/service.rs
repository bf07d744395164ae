//! The worker's request handling against the in-memory storage fake.
#![allow(clippy::unwrap_used)]

use futures_executor::block_on;
use jit_console::core::config::Config;
use jit_console::core::messages::{Request, Response, StateView};
use jit_console::core::text::msg;
use jit_console::service::{MemoryStorage, Service};

fn add(url: &str, token: Option<&str>) -> Request {
    Request::AddPortal {
        url: url.into(),
        api_token: token.map(Into::into),
    }
}

fn hosts(response: &Response) -> Vec<String> {
    let state = match response {
        Response::State(state) | Response::Error { state, .. } => state,
    };
    state.portals.iter().map(|p| p.host.clone()).collect()
}

#[test]
fn adds_lists_and_removes_portals_and_persists_them() {
    let service = Service::new(MemoryStorage::default());
    block_on(async {
        assert_eq!(
            service.handle(Request::GetState).await,
            Response::State(StateView::default())
        );
        let added = service
            .handle(add("https://acme.duplocloud.net/", None))
            .await;
        assert_eq!(hosts(&added), ["acme.duplocloud.net"]);
        service
            .handle(add("beta.duplocloud.net", Some("api-tok")))
            .await;
        let state = service.handle(Request::GetState).await;
        assert_eq!(
            hosts(&state),
            ["acme.duplocloud.net", "beta.duplocloud.net"]
        );

        let removed = service
            .handle(Request::RemovePortal {
                origin: "https://acme.duplocloud.net".into(),
            })
            .await;
        assert_eq!(hosts(&removed), ["beta.duplocloud.net"]);
    });
}

#[test]
fn a_new_worker_reads_what_the_last_one_stored() {
    let storage = MemoryStorage::default();
    block_on(Service::new(&storage).handle(add("acme.duplocloud.net", Some("api-tok"))));
    // The worker was stopped; a new one starts over the same storage.
    let state = block_on(Service::new(&storage).handle(Request::GetState));
    assert_eq!(hosts(&state), ["acme.duplocloud.net"]);
    let (config, dropped) = Config::from_stored(storage.dump().get(Config::STORAGE_KEY).cloned());
    assert_eq!(dropped, 0);
    assert_eq!(
        config.portals[0].api_token.as_ref().unwrap().expose(),
        "api-tok"
    );
}

#[test]
fn a_refusal_says_why_and_changes_nothing() {
    let storage = MemoryStorage::default();
    let service = Service::new(&storage);
    block_on(async {
        service.handle(add("acme.duplocloud.net", None)).await;
        let before = storage.dump();
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
            match service.handle(add(input, None)).await {
                Response::Error { message, state } => {
                    assert_eq!(message, expected, "{input}");
                    assert_eq!(state.portals.len(), 1);
                }
                other => panic!("{input} was accepted: {other:?}"),
            }
        }
        assert_eq!(storage.dump(), before);
    });
}

#[test]
fn a_storage_failure_keeps_the_old_state() {
    let storage = MemoryStorage::default();
    let service = Service::new(&storage);
    block_on(async {
        service.handle(add("acme.duplocloud.net", None)).await;
        storage.set_failing(true);
        match service.handle(add("beta.duplocloud.net", None)).await {
            Response::Error { message, state } => {
                assert_eq!(message, msg::STORAGE_FAILED.text());
                assert_eq!(state.portals.len(), 1);
            }
            other => panic!("accepted while storage fails: {other:?}"),
        }
        storage.set_failing(false);
        assert_eq!(
            hosts(&service.handle(Request::GetState).await),
            ["acme.duplocloud.net"]
        );
    });
}

#[test]
fn removing_an_unknown_portal_is_explained() {
    let service = Service::new(MemoryStorage::default());
    let response = block_on(service.handle(Request::RemovePortal {
        origin: "https://gone.duplocloud.net".into(),
    }));
    assert!(
        matches!(response, Response::Error { message, .. } if message == msg::PORTAL_NOT_FOUND.text())
    );
}
