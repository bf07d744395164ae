//! Opening consoles over the fake browser and portal: credentials, cache, merging, safe
//! sign-in URLs, single/multi-session, focusing, deep links, copy, the lost click.
#![allow(clippy::unwrap_used)]

mod common;

use common::{
    acme_portal, authorization_tab, first_console_tab, handoff_url, jit_requests, open_console,
    query, run, signed_in_to_acme, ACME,
};
use futures_executor::block_on;
use jit_console::core::consoles::{Destination, OpenConsole};
use jit_console::core::copy::CopyFormat;
use jit_console::core::identity::{ConsoleKey, Role};
use jit_console::core::messages::{Request, Response};
use jit_console::core::text::msg;
use jit_console::service::fake::FakePlatform;
use jit_console::service::{Area, Sender, Service};

fn signed_in(admin: bool) -> Service<FakePlatform> {
    signed_in_to_acme(admin, |portal| {
        portal.tenants = vec![
            ("t-1".into(), "dev01".into()),
            ("t-2".into(), "prod".into()),
        ];
        portal.validity = Some(3600);
    })
}

fn tenant(name: &str) -> ConsoleKey {
    let id = if name == "dev01" { "t-1" } else { "t-2" };
    common::tenant(id, name)
}

fn last_opened(service: &Service<FakePlatform>) -> String {
    service.platform().opened.borrow().last().cloned().unwrap()
}

#[test]
fn opens_a_tenant_console_through_a_federation_login() {
    let service = signed_in(false);
    let response = open_console(&service, tenant("dev01"), Destination::Home, false);
    assert!(matches!(response, Response::State(_)), "{response:?}");
    assert_eq!(jit_requests(&service), 1);
    assert!(service
        .platform()
        .requested_paths()
        .contains(&"/subscriptions/t-1/GetAwsConsoleTokenUrl".to_owned()));
    let url = last_opened(&service);
    assert!(
        url.starts_with("https://signin.aws.amazon.com/federation?Action=login&"),
        "{url}"
    );
    assert_eq!(query(&url, "Issuer").as_deref(), Some(ACME));
    assert_eq!(
        query(&url, "Destination").as_deref(),
        Some("https://us-west-2.console.aws.amazon.com/console/home?region=us-west-2")
    );
    assert_eq!(
        query(&url, "SigninToken").as_deref(),
        Some("signin-token-1")
    );
    let aws = service.platform().aws_requests.borrow().clone();
    assert!(aws[0]
        .starts_with("https://signin.aws.amazon.com/federation?Action=getSigninToken&Session="));
    // The tab is in the tenant's own group, named after it.
    let tabs = service.platform().console_tabs.borrow();
    let (placement, group) = tabs.values().next().unwrap();
    assert_eq!(placement.title, "dev01");
    assert!(group.is_some());
    // The popup shows the time left.
    let view = run(&service, Request::GetState);
    let dev = view.state().portals[0]
        .tenants
        .as_ref()
        .unwrap()
        .iter()
        .find(|t| t.name == "dev01")
        .cloned()
        .unwrap();
    assert_eq!(
        dev.expires_ms,
        Some(service.platform().now.get() + 3_600_000)
    );
    assert!(dev.console_open);
    // AWS secrets stay in memory-only storage: they are there, and not on disk.
    let memory = serde_json::to_string(&service.platform().dump(Area::Session)).unwrap();
    assert!(memory.contains("session-token-1") && memory.contains("secret/1+key"));
    let disk = serde_json::to_string(&service.platform().dump(Area::Local)).unwrap();
    assert!(!disk.contains("session-token-1") && !disk.contains("secret/1+key"));
}

#[test]
fn cached_credentials_cost_no_portal_request_and_an_open_tab_is_focused() {
    let service = signed_in(false);
    open_console(&service, tenant("dev01"), Destination::Home, false);
    let tab = first_console_tab(&service);
    service.platform().focused.set(None);
    open_console(&service, tenant("dev01"), Destination::Home, false);
    assert_eq!(jit_requests(&service), 1);
    assert_eq!(
        service.platform().opened.borrow().len(),
        1,
        "focused, not reopened"
    );
    assert_eq!(service.platform().focused.get(), Some(tab));

    // A new tab on purpose, still from the cache.
    open_console(&service, tenant("dev01"), Destination::Home, true);
    assert_eq!(jit_requests(&service), 1);
    assert_eq!(service.platform().opened.borrow().len(), 2);
    // Same group as the first tab.
    let groups: Vec<_> = service
        .platform()
        .console_tabs
        .borrow()
        .values()
        .map(|(_, g)| *g)
        .collect();
    assert_eq!(groups[0], groups[1]);

    // Close to expiry the cache is not used.
    service.platform().advance(3_600_000 - 60_000);
    open_console(&service, tenant("dev01"), Destination::Home, true);
    assert_eq!(jit_requests(&service), 2);
}

#[test]
fn concurrent_opens_make_one_request() {
    let service = signed_in(false);
    let clicks = (0..10).map(|_| {
        service.handle(
            Request::OpenConsole {
                open: OpenConsole {
                    key: tenant("prod"),
                    destination: Destination::Home,
                    new_tab: true,
                },
                otp: None,
                make_room: false,
            },
            Sender::default(),
        )
    });
    block_on(futures_join_all(clicks.collect()));
    assert_eq!(jit_requests(&service), 1);
    assert_eq!(
        service.platform().opened.borrow().len(),
        10,
        "ten new tabs asked for, ten opened"
    );

    // Ten plain clicks on another tenant: one request and one tab.
    let clicks = (0..10).map(|_| {
        service.handle(
            Request::OpenConsole {
                open: OpenConsole {
                    key: tenant("dev01"),
                    destination: Destination::Home,
                    new_tab: false,
                },
                otp: None,
                make_room: false,
            },
            Sender::default(),
        )
    });
    block_on(futures_join_all(clicks.collect()));
    assert_eq!(jit_requests(&service), 2);
    assert_eq!(service.platform().opened.borrow().len(), 11);
}

/// A tiny join-all (futures-executor has no join_all without futures-util).
async fn futures_join_all<F: std::future::Future>(futures: Vec<F>) -> Vec<F::Output> {
    let mut out = Vec::new();
    let mut pinned: Vec<_> = futures.into_iter().map(Box::pin).collect();
    // Poll them round-robin so they are truly concurrent.
    let mut results: Vec<Option<F::Output>> = pinned.iter().map(|_| None).collect();
    std::future::poll_fn(|cx| {
        let mut pending = false;
        for (i, f) in pinned.iter_mut().enumerate() {
            if results[i].is_none() {
                match f.as_mut().poll(cx) {
                    std::task::Poll::Ready(v) => results[i] = Some(v),
                    std::task::Poll::Pending => pending = true,
                }
            }
        }
        if pending {
            std::task::Poll::Pending
        } else {
            std::task::Poll::Ready(())
        }
    })
    .await;
    out.extend(results.into_iter().flatten());
    out
}

#[test]
fn a_refresh_forces_new_credentials() {
    let service = signed_in(false);
    open_console(&service, tenant("dev01"), Destination::Home, false);
    run(
        &service,
        Request::RefreshCredentials {
            key: tenant("dev01"),
            otp: None,
        },
    );
    assert_eq!(jit_requests(&service), 2);
}

#[test]
fn a_safe_console_url_is_used_once_and_a_foreign_one_never() {
    let service = signed_in(false);
    service.platform().portal.borrow_mut().console_url =
        Some("https://signin.aws.amazon.com/federation?Action=login&Issuer=x&Destination=https%3A%2F%2Fconsole.aws.amazon.com%2F&SigninToken=pre".into());
    open_console(&service, tenant("dev01"), Destination::Home, false);
    assert!(last_opened(&service).ends_with("SigninToken=pre"));
    assert!(service.platform().aws_requests.borrow().is_empty());
    // Spent: a second tab builds its own login.
    open_console(&service, tenant("dev01"), Destination::Home, true);
    assert!(!last_opened(&service).ends_with("SigninToken=pre"));

    let service = signed_in(false);
    service.platform().portal.borrow_mut().console_url =
        Some("https://signin.aws.amazon.com.evil.example/federation?Action=login".into());
    open_console(&service, tenant("dev01"), Destination::Home, false);
    let url = last_opened(&service);
    assert!(
        url.starts_with("https://signin.aws.amazon.com/federation?Action=login&"),
        "{url}"
    );
    assert!(service
        .platform()
        .opened
        .borrow()
        .iter()
        .all(|u| !u.contains("evil")));
}

#[test]
fn a_deep_link_signs_in_with_the_console_urls_token_without_asking_aws() {
    let service = signed_in(false);
    service.platform().portal.borrow_mut().console_url =
        Some("https://signin.aws.amazon.com/federation?Action=login&Issuer=x&Destination=https%3A%2F%2Fconsole.aws.amazon.com%2F&SigninToken=pre".into());
    let arn = "arn:aws:s3:::logs";
    open_console(
        &service,
        tenant("dev01"),
        Destination::Arn { arn: arn.into() },
        false,
    );
    let url = last_opened(&service);
    assert!(
        url.starts_with("https://signin.aws.amazon.com/federation?Action=login&"),
        "{url}"
    );
    assert_eq!(query(&url, "SigninToken").as_deref(), Some("pre"));
    assert_eq!(
        query(&url, "Issuer").as_deref(),
        Some(ACME),
        "the portal, not x"
    );
    assert!(
        query(&url, "Destination")
            .unwrap()
            .contains("/s3/buckets/logs"),
        "{url}"
    );
    assert!(service.platform().aws_requests.borrow().is_empty());
    // Spent: the next deep link asks AWS for its own token.
    open_console(
        &service,
        tenant("dev01"),
        Destination::Arn { arn: arn.into() },
        true,
    );
    assert_eq!(
        query(&last_opened(&service), "SigninToken").as_deref(),
        Some("signin-token-1")
    );
    assert_eq!(service.platform().aws_requests.borrow().len(), 1);
}

#[test]
fn single_session_signs_out_before_switching_identity_and_multi_session_never() {
    let service = signed_in(false);
    open_console(&service, tenant("dev01"), Destination::Home, false);
    let first = first_console_tab(&service);
    block_on(service.on_tab_updated(
        first,
        "https://us-west-2.console.aws.amazon.com/console/home?region=us-west-2",
    ));
    let state = run(&service, Request::GetState);
    assert!(state.state().portals[0]
        .tenants
        .as_ref()
        .unwrap()
        .iter()
        .any(|t| t.name == "dev01" && t.holds_console));

    open_console(&service, tenant("prod"), Destination::Home, false);
    let url = last_opened(&service);
    assert!(
        url.starts_with("https://signin.aws.amazon.com/oauth?Action=logout&redirect_uri="),
        "{url}"
    );
    let login = query(&url, "redirect_uri").unwrap();
    assert!(login.starts_with("https://signin.aws.amazon.com/federation?Action=login&"));

    // Multi-session detected: no logout.
    let service = signed_in(false);
    open_console(&service, tenant("dev01"), Destination::Home, false);
    let first = first_console_tab(&service);
    block_on(service.on_tab_updated(
        first,
        "https://123456789012-abcd1234.us-west-2.console.aws.amazon.com/console/home",
    ));
    open_console(&service, tenant("prod"), Destination::Home, false);
    assert!(
        last_opened(&service).starts_with("https://signin.aws.amazon.com/federation?Action=login&")
    );
}

#[test]
fn containers_need_no_sign_out() {
    let service = signed_in(false);
    service.platform().containers.set(true);
    open_console(&service, tenant("dev01"), Destination::Home, false);
    let first = first_console_tab(&service);
    block_on(service.on_tab_updated(
        first,
        "https://us-west-2.console.aws.amazon.com/console/home",
    ));
    open_console(&service, tenant("prod"), Destination::Home, false);
    assert!(
        last_opened(&service).starts_with("https://signin.aws.amazon.com/federation?Action=login&")
    );
    let names: Vec<_> = service
        .platform()
        .console_tabs
        .borrow()
        .values()
        .map(|(p, _)| p.name.clone())
        .collect();
    assert_eq!(
        names,
        ["acme.duplocloud.net · dev01", "acme.duplocloud.net · prod"]
    );
}

#[test]
fn deep_links_and_arns_land_on_their_pages() {
    let service = signed_in(false);
    open_console(
        &service,
        tenant("dev01"),
        Destination::Service {
            service: "s3".into(),
            region: None,
        },
        false,
    );
    let destination = query(&last_opened(&service), "Destination").unwrap();
    assert!(
        destination.starts_with("https://s3.console.aws.amazon.com/"),
        "{destination}"
    );
    open_console(
        &service,
        tenant("dev01"),
        Destination::Arn {
            arn: "arn:aws:lambda:us-east-1:123456789012:function:api".into(),
        },
        true,
    );
    let destination = query(&last_opened(&service), "Destination").unwrap();
    assert!(
        destination.starts_with("https://us-east-1.console.aws.amazon.com/lambda/"),
        "{destination}"
    );
    match open_console(
        &service,
        tenant("dev01"),
        Destination::Arn {
            arn: "not an arn".into(),
        },
        true,
    ) {
        Response::Error { message, .. } => assert_eq!(message, msg::ARN_INVALID.text()),
        other => panic!("{other:?}"),
    }
}

#[test]
fn admin_consoles_fall_back_to_the_legacy_endpoint_and_need_the_one_time_code() {
    let service = signed_in(true);
    let admin = ConsoleKey {
        origin: ACME.into(),
        role: Role::Admin,
    };
    service.platform().portal.borrow_mut().faults.insert(
        "/v3/admin/aws/jitAccess/admin".into(),
        vec![jit_console::core::portal_api::ApiReply::Http {
            status: 404,
            body: vec![],
        }],
    );
    open_console(&service, admin.clone(), Destination::Home, false);
    assert!(service
        .platform()
        .requested_paths()
        .contains(&"/adminproxy/GetJITAwsConsoleAccessUrl".to_owned()));
    assert_eq!(service.platform().opened.borrow().len(), 1);

    let service = signed_in(true);
    service.platform().portal.borrow_mut().otp = Some("123456".into());
    let wrong = run(
        &service,
        Request::OpenConsole {
            open: OpenConsole {
                key: admin.clone(),
                destination: Destination::Home,
                new_tab: false,
            },
            otp: Some("000000".into()),
            make_room: false,
        },
    );
    assert!(
        matches!(wrong, Response::Error { ref message, .. } if *message == msg::OTP_REJECTED.with(["acme.duplocloud.net"])),
        "{wrong:?}"
    );
    let missing = run(
        &service,
        Request::OpenConsole {
            open: OpenConsole {
                key: admin.clone(),
                destination: Destination::Home,
                new_tab: false,
            },
            otp: None,
            make_room: false,
        },
    );
    assert!(
        matches!(missing, Response::Error { ref message, .. } if *message == msg::OTP_REQUIRED.with(["acme.duplocloud.net"]))
    );
    let right = run(
        &service,
        Request::OpenConsole {
            open: OpenConsole {
                key: admin,
                destination: Destination::Home,
                new_tab: false,
            },
            otp: Some("123456".into()),
            make_room: false,
        },
    );
    assert!(matches!(right, Response::State(_)), "{right:?}");
    assert_eq!(
        service
            .platform()
            .requests
            .borrow()
            .last()
            .unwrap()
            .otp
            .as_ref()
            .unwrap()
            .expose(),
        "123456"
    );
    // Tenant calls never carry the code.
    open_console(&service, tenant("dev01"), Destination::Home, false);
    assert!(service
        .platform()
        .requests
        .borrow()
        .last()
        .unwrap()
        .otp
        .is_none());
}

#[test]
fn a_click_while_signed_out_opens_the_console_after_the_sign_in() {
    let service = acme_portal(false, false, |portal| {
        portal.tenants = vec![("t-1".into(), "dev01".into())];
    });
    open_console(&service, tenant("dev01"), Destination::Home, false);
    let auth = service.platform().opened.borrow()[0].clone();
    assert!(auth.contains("/app/user/verify-token"));
    let (tab, port) = authorization_tab(&service);
    block_on(service.handle(
        Request::Handoff {
            url: handoff_url(&service, port, "good"),
        },
        Sender::top_of(tab),
    ));
    let last = last_opened(&service);
    assert!(
        last.starts_with("https://signin.aws.amazon.com/federation?Action=login&"),
        "the click was not lost: {last}"
    );
}

#[test]
fn copies_credentials_in_each_format() {
    let service = signed_in(false);
    for (format, expected) in [
        (
            CopyFormat::Bash,
            "export AWS_ACCESS_KEY_ID='ASIAFAKE00000001'",
        ),
        (
            CopyFormat::Fish,
            "set -gx AWS_ACCESS_KEY_ID 'ASIAFAKE00000001'",
        ),
        (
            CopyFormat::PowerShell,
            "$Env:AWS_ACCESS_KEY_ID = 'ASIAFAKE00000001'",
        ),
        (CopyFormat::CredentialProcess, "\"Version\":1"),
        (
            CopyFormat::ConsoleLink,
            "https://signin.aws.amazon.com/federation?Action=login&",
        ),
    ] {
        match run(
            &service,
            Request::CopyCredentials {
                key: tenant("dev01"),
                format,
                otp: None,
            },
        ) {
            Response::Copied { text, .. } => assert!(
                text.expose().contains(expected),
                "{format:?}: {}",
                text.expose()
            ),
            other => panic!("{format:?}: {other:?}"),
        }
    }
    assert_eq!(
        jit_requests(&service),
        1,
        "copies use the cached credentials"
    );
}

#[test]
fn signing_out_forgets_the_aws_credentials() {
    let service = signed_in(false);
    open_console(&service, tenant("dev01"), Destination::Home, false);
    let memory = || serde_json::to_string(&service.platform().dump(Area::Session)).unwrap();
    assert!(
        memory().contains("session-token-1"),
        "kept until the sign-out"
    );
    run(
        &service,
        Request::SignOut {
            origin: ACME.into(),
        },
    );
    assert!(!memory().contains("session-token-1"));
}

#[test]
fn a_tab_that_landed_before_it_was_registered_still_counts() {
    let service = signed_in(false);
    *service.platform().lands_at.borrow_mut() =
        Some("https://us-west-2.console.aws.amazon.com/console/home".into());
    open_console(&service, tenant("dev01"), Destination::Home, false);
    let state = run(&service, Request::GetState);
    let dev = state.state().portals[0]
        .tenants
        .as_ref()
        .unwrap()
        .iter()
        .find(|t| t.name == "dev01")
        .cloned()
        .unwrap();
    assert!(dev.holds_console, "learned from where the tab already is");
    // A tab still loading (blank) is not taken for one that left AWS.
    *service.platform().lands_at.borrow_mut() = Some(String::new());
    open_console(&service, tenant("prod"), Destination::Home, true);
    let state = run(&service, Request::GetState);
    let prod = state.state().portals[0]
        .tenants
        .as_ref()
        .unwrap()
        .iter()
        .find(|t| t.name == "prod")
        .cloned()
        .unwrap();
    assert!(prod.console_open);
}
