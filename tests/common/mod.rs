//! Helpers shared by the native integration tests over the fake browser and portal.
#![allow(dead_code, clippy::unwrap_used)]

use futures_executor::block_on;
use jit_console::core::consoles::{Destination, OpenConsole};
use jit_console::core::identity::{ConsoleKey, Role};
use jit_console::core::messages::{Request, Response};
use jit_console::core::secret::Secret;
use jit_console::service::fake::FakePlatform;
use jit_console::service::{Sender, Service};

/// The portal the helpers below add and sign in to.
pub const ACME: &str = "https://acme.duplocloud.net";

/// The identity of acme's tenant `id`, named `name`.
pub fn tenant(id: &str, name: &str) -> ConsoleKey {
    ConsoleKey {
        origin: ACME.into(),
        role: Role::Tenant {
            id: id.into(),
            name: name.into(),
        },
    }
}

/// Opens `key`'s console at `destination` as the popup's tenant button does (no one-time
/// code, no room made).
pub fn open_console(
    service: &Service<FakePlatform>,
    key: ConsoleKey,
    destination: Destination,
    new_tab: bool,
) -> Response {
    run(
        service,
        Request::OpenConsole {
            open: OpenConsole {
                key,
                destination,
                new_tab,
            },
            otp: None,
            make_room: false,
        },
    )
}

/// Runs a request from a page that is not in a tab (the toolbar popup).
pub fn run(service: &Service<FakePlatform>, request: Request) -> Response {
    block_on(service.handle(request, Sender::default()))
}

/// Runs a request from a page in `tab`.
pub fn run_in_tab(service: &Service<FakePlatform>, request: Request, tab: i32) -> Response {
    block_on(service.handle(request, Sender::top_of(tab)))
}

/// The query parameter `name` of `url`, decoded.
pub fn query(url: &str, name: &str) -> Option<String> {
    url::Url::parse(url)
        .unwrap()
        .query_pairs()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.into_owned())
}

/// How many JIT credential requests reached the portal.
pub fn jit_requests(service: &Service<FakePlatform>) -> usize {
    service
        .platform()
        .requested_paths()
        .iter()
        .filter(|p| {
            p.contains("GetAwsConsoleTokenUrl")
                || p.contains("jitAccess")
                || p.contains("adminproxy")
        })
        .count()
}

/// The open authorization tab the extension opened: (tab id, localPort).
pub fn authorization_tab(service: &Service<FakePlatform>) -> (i32, u16) {
    let tabs = service.platform().tabs.borrow();
    let (tab, url) = tabs
        .iter()
        .find(|(_, url)| url.contains("/app/user/verify-token"))
        .unwrap();
    let port = query(url, "localPort").unwrap().parse().unwrap();
    (*tab, port)
}

/// The address `handoff.html` has after the portal's redirect to `localhost:port/?t=token`:
/// what the redirect rule the service added for `port` makes of it (with its nonce). A
/// secret: it carries the token. Without such a rule, what a page would forge.
pub fn handoff_url(service: &Service<FakePlatform>, port: u16, token: &str) -> Secret {
    let rules = service.platform().rules.borrow();
    match rules.get(&i32::from(port)) {
        Some(rule) => {
            let target = rule["action"]["redirect"]["regexSubstitution"]
                .as_str()
                .unwrap();
            Secret::new(target.replace("\\2", &format!("t={token}")))
        }
        None => forged_handoff_url(port, token),
    }
}

/// `handoff.html?port=N&t=…` as another page can load it itself: without the redirect's nonce.
pub fn forged_handoff_url(port: u16, token: &str) -> Secret {
    Secret::new(format!(
        "chrome-extension://fake/handoff.html?port={port}&t={token}"
    ))
}

/// The first console tab the extension opened.
pub fn first_console_tab(service: &Service<FakePlatform>) -> i32 {
    *service
        .platform()
        .console_tabs
        .borrow()
        .keys()
        .next()
        .unwrap()
}

/// The browser moved `tab` to `url` (the fake's tab shows it) and told the service.
pub fn land(service: &Service<FakePlatform>, tab: i32, url: &str) {
    service
        .platform()
        .tabs
        .borrow_mut()
        .insert(tab, url.to_owned());
    block_on(service.on_tab_updated(tab, url));
}

/// `future`'s output if it completes within a thousand polls. The fake's requests are
/// pending once each and wake themselves, so only something that waits on itself (or on a
/// browser that never answers) does not complete; `block_on` would wait for ever.
pub fn settles<T>(future: impl std::future::Future<Output = T>) -> Option<T> {
    let mut future = std::pin::pin!(future);
    let waker = futures_util::task::noop_waker();
    let mut context = std::task::Context::from_waker(&waker);
    (0..1_000).find_map(|_| match future.as_mut().poll(&mut context) {
        std::task::Poll::Ready(value) => Some(value),
        std::task::Poll::Pending => None,
    })
}

/// A service with the portal `https://acme.duplocloud.net` added (with the API token `good`
/// when `api_token`, else none), whose fake knows `good` as `alice@acme.io` (an administrator
/// when `admin`) and is set up by `portal` first. Not signed in yet.
pub fn acme_portal(
    admin: bool,
    api_token: bool,
    portal: impl FnOnce(&mut jit_console::service::fake::FakePortal),
) -> Service<FakePlatform> {
    let service = Service::new(FakePlatform::default());
    {
        let mut fake = service.platform().portal.borrow_mut();
        fake.tokens.insert(
            "good".into(),
            jit_console::service::fake::FakeUser {
                username: "alice@acme.io".into(),
                admin,
            },
        );
        portal(&mut fake);
    }
    run(
        &service,
        Request::AddPortal {
            url: ACME.into(),
            api_token: api_token.then(|| "good".into()),
        },
    );
    service
}

/// [`acme_portal`] with the API token, signed in with it.
pub fn signed_in_to_acme(
    admin: bool,
    portal: impl FnOnce(&mut jit_console::service::fake::FakePortal),
) -> Service<FakePlatform> {
    let service = acme_portal(admin, true, portal);
    run(
        &service,
        Request::SignIn {
            origin: ACME.into(),
        },
    );
    service
}
