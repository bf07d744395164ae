//! Hostile portal answers, each path through the service over the fake browser and portal:
//! script in tenant names, 100,000 tenants, deep and enormous JSON, wrong types, a
//! `ConsoleUrl` pointing anywhere, a negative, zero or absurd `Validity`, bodies that are not
//! UTF-8. Nothing panics, nothing unsafe is opened, the user reads a sentence, and what was
//! shown before stays.
#![allow(clippy::unwrap_used)]

mod common;

use common::{jit_requests, open_console, run, tenant, ACME};
use jit_console::core::consoles::Destination;
use jit_console::core::messages::{PortalView, Request, Response};
use jit_console::core::portal_api::{ApiReply, MAX_BODY_BYTES};
use jit_console::core::text::msg;
use jit_console::service::fake::{FakePlatform, FakeUser};
use jit_console::service::Service;

const HOST: &str = "acme.duplocloud.net";
const TENANTS_PATH: &str = "/admin/GetTenantsForUser";
const JIT_PATH: &str = "/subscriptions/t-1/GetAwsConsoleTokenUrl";

/// Hostile names a portal could hold (tenant names are free text in DuploCloud).
const HOSTILE_NAMES: &[&str] = &[
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    "\"><svg onload=alert(1)>",
    "javascript:alert(1)",
    "{{constructor.constructor('alert(1)')()}}",
    "'; DROP TABLE tenants; --",
    "\u{202e}evil\u{202c}",
    "名前 🚀",
];

fn portal_view(response: &Response) -> PortalView {
    response.state().portals[0].clone()
}

/// Signed in with an API token; the portal lists `tenants`.
fn signed_in(tenants: Vec<(String, String)>) -> Service<FakePlatform> {
    let service = Service::new(FakePlatform::default());
    {
        let mut portal = service.platform().portal.borrow_mut();
        portal.tokens.insert(
            "api".into(),
            FakeUser {
                username: "alice@acme.io".into(),
                admin: false,
            },
        );
        portal.tenants = tenants;
    }
    run(
        &service,
        Request::AddPortal {
            url: ACME.into(),
            api_token: Some("api".into()),
        },
    );
    run(
        &service,
        Request::SignIn {
            origin: ACME.into(),
        },
    );
    service
}

fn dev01() -> Service<FakePlatform> {
    signed_in(vec![("t-1".into(), "dev01".into())])
}

fn fault(service: &Service<FakePlatform>, path: &str, reply: ApiReply) {
    service
        .platform()
        .portal
        .borrow_mut()
        .faults
        .entry(path.into())
        .or_default()
        .push(reply);
}

fn ok(body: impl Into<Vec<u8>>) -> ApiReply {
    ApiReply::Http {
        status: 200,
        body: body.into(),
    }
}

fn refresh(service: &Service<FakePlatform>) -> PortalView {
    portal_view(&run(
        service,
        Request::Refresh {
            origin: ACME.into(),
        },
    ))
}

fn open_dev01(service: &Service<FakePlatform>) -> Response {
    open_console(service, tenant("t-1", "dev01"), Destination::Home, false)
}

fn error_of(response: &Response) -> Option<String> {
    match response {
        Response::Error { message, .. } => Some(message.english()),
        _ => None,
    }
}

#[test]
fn script_in_tenant_names_is_kept_as_text_everywhere() {
    let tenants = HOSTILE_NAMES
        .iter()
        .enumerate()
        .map(|(i, n)| (format!("t-{i}"), (*n).to_owned()))
        .collect();
    let service = signed_in(tenants);
    let view = refresh(&service);
    let mut shown: Vec<String> = view.tenants.unwrap().into_iter().map(|t| t.name).collect();
    let mut expected: Vec<String> = HOSTILE_NAMES.iter().map(|n| (*n).to_owned()).collect();
    shown.sort();
    expected.sort();
    assert_eq!(shown, expected, "exactly as the portal spells them");

    // Its console tab group and container carry the name as a plain title.
    let response = open_console(
        &service,
        tenant("t-0", HOSTILE_NAMES[0]),
        Destination::Home,
        false,
    );
    assert_eq!(error_of(&response), None);
    let tabs = service.platform().console_tabs.borrow();
    let (placement, _) = tabs.values().next().unwrap();
    assert_eq!(placement.title, HOSTILE_NAMES[0]);
    assert_eq!(placement.name, format!("{HOST} · {}", HOSTILE_NAMES[0]));
}

#[test]
fn a_hundred_thousand_tenants_are_all_kept_and_sorted() {
    let tenants: Vec<(String, String)> = (0..100_000)
        .rev()
        .map(|i| (format!("id-{i:06}"), format!("tenant{i:06}")))
        .collect();
    let service = signed_in(tenants);
    let view = refresh(&service);
    assert_eq!(view.error, None);
    let tenants = view.tenants.unwrap();
    assert_eq!(tenants.len(), 100_000);
    assert_eq!(tenants[0].name, "tenant000000");
    assert_eq!(tenants[99_999].name, "tenant099999");
}

#[test]
fn deep_enormous_wrong_and_broken_tenant_lists_are_a_sentence_and_keep_the_list() {
    let service = dev01();
    let mut huge = b"[".to_vec();
    huge.resize(MAX_BODY_BYTES + 1, b' ');
    huge.push(b']');
    let answers = vec![
        ok(format!("{}{}", "[".repeat(100_000), "]".repeat(100_000))),
        ok(huge),
        ApiReply::TooLarge,
        ok(r#"{"TenantId":"t-1","AccountName":"dev01"}"#),
        ok(r#""just a string""#),
        ok(b"[{\"TenantId\":\"\xff\xfe\",\"AccountName\":\"bad\xc3\x28\"}]".to_vec()),
        ok(r#"[{"TenantId": "t-1", "AccountName": [1, 2,, "#),
    ];
    for answer in answers {
        let shown = format!("{answer:?}").chars().take(60).collect::<String>();
        fault(&service, TENANTS_PATH, answer);
        let view = refresh(&service);
        assert_eq!(
            view.error.map(|e| e.english()),
            Some(msg::PORTAL_MALFORMED.with([HOST]).english()),
            "{shown}"
        );
        let names: Vec<String> = view.tenants.unwrap().into_iter().map(|t| t.name).collect();
        assert_eq!(names, ["dev01"], "the list shown stays: {shown}");
    }
    // Entries of the wrong shape are dropped, the rest kept; ids that would leave their path
    // segment are dropped.
    fault(
        &service,
        TENANTS_PATH,
        ok(
            r#"[{"TenantId":"t-1","AccountName":"dev01"},{"TenantId":7,"AccountName":"x"},
               {"TenantId":"..","AccountName":"dots"},null,[],{"AccountName":"no id"}]"#,
        ),
    );
    let view = refresh(&service);
    assert_eq!(
        view.error,
        Some(msg::TENANTS_SKIPPED.with(["5", HOST])),
        "what was left out is said"
    );
    assert_eq!(view.tenants.unwrap().len(), 1);
}

#[test]
fn hostile_user_info_fails_the_sign_in_with_a_sentence() {
    for body in [
        r#"{"Username": {"$gt": ""}}"#,
        r#"{"Username": ""}"#,
        r#"[]"#,
        "\u{0}",
    ] {
        let service = Service::new(FakePlatform::default());
        service
            .platform()
            .portal
            .borrow_mut()
            .faults
            .insert("/admin/GetUserRoleInfo".into(), vec![ok(body)]);
        run(
            &service,
            Request::AddPortal {
                url: ACME.into(),
                api_token: Some("api".into()),
            },
        );
        let view = portal_view(&run(
            &service,
            Request::SignIn {
                origin: ACME.into(),
            },
        ));
        assert_eq!(
            view.error.map(|e| e.english()),
            Some(msg::PORTAL_MALFORMED.with([HOST]).english()),
            "{body}"
        );
    }
}

#[test]
fn hostile_features_are_ignored_not_fatal() {
    let service = Service::new(FakePlatform::default());
    {
        let mut portal = service.platform().portal.borrow_mut();
        portal.tokens.insert(
            "api".into(),
            FakeUser {
                username: "alice@acme.io".into(),
                admin: true,
            },
        );
        portal.features = Some(serde_json::json!({"IsAwsAdminJITEnabled": "yes please"}));
        portal.tenants = vec![("t-1".into(), "dev01".into())];
    }
    run(
        &service,
        Request::AddPortal {
            url: ACME.into(),
            api_token: Some("api".into()),
        },
    );
    let view = portal_view(&run(
        &service,
        Request::SignIn {
            origin: ACME.into(),
        },
    ));
    assert_eq!(view.error, None);
    match view.session {
        jit_console::core::messages::SessionView::Active { admin_jit, .. } => {
            assert!(!admin_jit, "a wrong type turns nothing on")
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn unusable_credentials_are_a_sentence_and_open_nothing() {
    let answers = vec![
        ok(r#"{"AccessKeyId": 42}"#),
        ok(r#"["ASIAFAKE0000000001"]"#),
        ok(b"{\"AccessKeyId\":\"ASIA\xff\"}".to_vec()),
        ok(format!(
            "{}{}",
            "{\"a\":".repeat(50_000),
            "}".repeat(50_000)
        )),
        ApiReply::TooLarge,
        ok(serde_json::json!({
            "AccessKeyId": "ASIAFAKE0000000001",
            "SecretAccessKey": "secret/1+key",
            "SessionToken": "session-token-1",
            "Validity": -5,
        })
        .to_string()),
    ];
    for answer in answers {
        let service = dev01();
        let shown = format!("{answer:?}").chars().take(60).collect::<String>();
        fault(&service, JIT_PATH, answer);
        let response = open_dev01(&service);
        let sentence = error_of(&response).unwrap_or_default();
        assert!(
            sentence == msg::CREDENTIALS_MALFORMED.with([HOST]).english()
                || sentence == msg::PORTAL_MALFORMED.with([HOST]).english(),
            "{shown}: {sentence:?}"
        );
        assert!(
            service.platform().console_tabs.borrow().is_empty(),
            "{shown}"
        );
        // The next click works once the portal answers properly.
        assert_eq!(error_of(&open_dev01(&service)), None, "{shown}");
        assert_eq!(service.platform().console_tabs.borrow().len(), 1);
    }
}

#[test]
fn a_console_url_pointing_anywhere_is_never_opened() {
    for console_url in [
        "javascript:alert(document.cookie)",
        "data:text/html,<script>alert(1)</script>",
        "https://evil.example/federation?Action=login",
        "https://signin.aws.amazon.com.evil.example/federation",
        "https://signin.aws.amazon.com@evil.example/federation",
        "https://evil.example\\@signin.aws.amazon.com/federation",
        "http://signin.aws.amazon.com/federation",
        "https://signin.aws.amazon.com:8443/federation",
        "https://signin.amazonaws.cn/federation",
        "//signin.aws.amazon.com/federation",
    ] {
        let service = dev01();
        service.platform().portal.borrow_mut().console_url = Some(console_url.into());
        assert_eq!(error_of(&open_dev01(&service)), None, "{console_url}");
        let opened = service.platform().opened.borrow().clone();
        assert_eq!(opened.len(), 1);
        assert!(
            opened[0].starts_with("https://signin.aws.amazon.com/federation?Action=login&"),
            "{console_url} led to {}",
            opened[0]
        );
        assert_eq!(
            service.platform().aws_requests.borrow().len(),
            1,
            "signed in with getSigninToken"
        );
    }
}

#[test]
fn validity_zero_absurd_or_missing_gives_a_believable_expiry() {
    for (validity, minutes) in [
        (Some(0), 60),
        (None, 60),
        (Some(900), 15),
        (Some(i64::MAX), 720),
        (Some(10_000_000), 720),
    ] {
        let service = dev01();
        service.platform().portal.borrow_mut().validity = validity;
        assert_eq!(error_of(&open_dev01(&service)), None);
        let now = service.platform().now.get();
        let view = portal_view(&run(&service, Request::GetState));
        let expires = view.tenants.unwrap()[0].expires_ms.unwrap();
        assert_eq!(expires - now, minutes * 60_000, "{validity:?}");
    }
    let service = dev01();
    service.platform().portal.borrow_mut().validity = Some(-1);
    assert_eq!(
        error_of(&open_dev01(&service)),
        Some(msg::CREDENTIALS_MALFORMED.with([HOST]).english())
    );
    assert_eq!(jit_requests(&service), 1);
}

#[test]
fn hostile_sign_in_tokens_from_aws_are_a_sentence() {
    for reply in [
        ok(r#"{"SigninToken": ""}"#),
        ok(r#"{"SigninToken": "a b"}"#),
        ok(r#"{"SigninToken": ["x"]}"#),
        ok(b"\xff".to_vec()),
        ApiReply::TooLarge,
        ApiReply::Http {
            status: 400,
            body: b"bad".to_vec(),
        },
    ] {
        let service = dev01();
        service.platform().aws_faults.borrow_mut().push(reply);
        assert_eq!(
            error_of(&open_dev01(&service)),
            Some(msg::SIGNIN_TOKEN_FAILED.with([HOST]).english())
        );
        assert!(service.platform().console_tabs.borrow().is_empty());
    }
}
