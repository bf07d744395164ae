//! Secrets never print and never reach a page or a log: `Debug`/`Display` of every type that
//! holds one are redacted, the state the pages get holds none after a full session, and no
//! logging call in the browser adapters can be handed one.
#![allow(clippy::unwrap_used)]

mod common;

use common::{authorization_tab, handoff_url, open_console, run, run_in_tab, tenant};
use jit_console::core::aws::{self, JitCredentials, Partition};
use jit_console::core::config::Config;
use jit_console::core::consoles::{Consoles, Destination};
use jit_console::core::copy::CopyFormat;
use jit_console::core::messages::{Request, Response, StateView};
use jit_console::core::portal_api::{ApiRequest, Endpoint, UserInfo};
use jit_console::core::portal_url::Origin;
use jit_console::core::portal_url::PortalUrl;
use jit_console::core::secret::Secret;
use jit_console::core::session::{Sessions, TokenSource};
use jit_console::service::fake::{FakePlatform, FakeUser};
use jit_console::service::{Area, Service};

const TOKEN: &str = "portal-token-0123456789abcdef";
const API_TOKEN: &str = "api-token-0123456789abcdef";
const SECRET_KEY: &str = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";
const SESSION_TOKEN: &str = "IQoJb3JpZ2luX2VjEJr//////////wEaCXVzLWVhc3QtMSJHMEUCIQ";
const CONSOLE_URL: &str =
    "https://signin.aws.amazon.com/federation?Action=login&SigninToken=sign-in-token-0123456789";

fn assert_redacted(what: &str, shown: &str) {
    for secret in [
        TOKEN,
        API_TOKEN,
        SECRET_KEY,
        SESSION_TOKEN,
        CONSOLE_URL,
        "sign-in-token-0123456789",
    ] {
        assert!(!shown.contains(secret), "{what} shows a secret: {shown}");
    }
}

fn credentials() -> JitCredentials {
    JitCredentials {
        access_key_id: "ASIAEXAMPLEEXAMPLE".into(),
        secret_access_key: Secret::new(SECRET_KEY),
        session_token: Secret::new(SESSION_TOKEN),
        region: Some("us-west-2".into()),
        console_url: Some(Secret::new(CONSOLE_URL)),
        validity_secs: Some(3600),
    }
}

#[test]
fn every_type_holding_a_secret_prints_it_redacted() {
    let secret = Secret::new(TOKEN);
    assert_eq!(format!("{secret}"), "[redacted]");
    assert_eq!(format!("{secret:?}"), "[redacted]");
    assert_eq!(format!("{secret:#?}"), "[redacted]");

    let creds = credentials();
    assert_redacted("JitCredentials", &format!("{creds:?} {creds:#?}"));

    let key = tenant("t-1", "dev01");
    let mut consoles = Consoles::default();
    consoles.store(&key, creds.clone(), Partition::Aws, 1_800_000_000_000);
    assert_redacted("Consoles", &format!("{consoles:?} {consoles:#?}"));

    let mut sessions = Sessions::default();
    sessions.activate(
        &Origin::from("https://acme.duplocloud.net"),
        Secret::new(TOKEN),
        TokenSource::Handoff,
        UserInfo {
            username: "alice@acme.io".into(),
            is_admin: false,
        },
        1,
    );
    assert_redacted("Sessions", &format!("{sessions:?} {sessions:#?}"));

    let mut config = Config::default();
    config
        .add_portal("acme.duplocloud.net", Some(API_TOKEN))
        .unwrap();
    assert_redacted("Config", &format!("{config:?} {config:#?}"));

    let portal = PortalUrl::parse("acme.duplocloud.net").unwrap();
    let mut request = ApiRequest::new(&portal, &Endpoint::UserRoleInfo, &Secret::new(TOKEN));
    request.otp = Some(Secret::new(API_TOKEN));
    assert_redacted("ApiRequest", &format!("{request:?}"));

    let handoff = Request::Handoff {
        url: Secret::new(format!(
            "chrome-extension://x/handoff.html?port=41000&t={TOKEN}"
        )),
    };
    assert_redacted("Request::Handoff", &format!("{handoff:?}"));
    let copied = Response::Copied {
        text: Secret::new(format!("export AWS_SECRET_ACCESS_KEY={SECRET_KEY}")),
        state: StateView::default(),
    };
    assert_redacted("Response::Copied", &format!("{copied:?}"));

    // The URLs that carry credentials are secrets too.
    let get_token = aws::get_signin_token_url(Partition::Aws, &creds);
    let login = aws::login_url(
        Partition::Aws,
        "https://acme.duplocloud.net",
        "https://console.aws.amazon.com/",
        &Secret::new("sign-in-token-0123456789"),
    );
    assert_redacted(
        "sign-in URLs",
        &format!("{get_token:?} {login:?} {get_token} {login}"),
    );
}

#[test]
fn the_state_the_pages_get_holds_no_secret_after_a_full_session() {
    let service = Service::new(FakePlatform::default());
    {
        let mut portal = service.platform().portal.borrow_mut();
        portal.tenants = vec![("t-1".into(), "dev01".into()), ("t-2".into(), "qa".into())];
        portal.console_url = Some(CONSOLE_URL.into());
    }
    run(
        &service,
        Request::AddPortal {
            url: "https://acme.duplocloud.net".into(),
            api_token: None,
        },
    );
    run(
        &service,
        Request::SignIn {
            origin: "https://acme.duplocloud.net".into(),
        },
    );
    let (tab, port) = authorization_tab(&service);
    service.platform().portal.borrow_mut().tokens.insert(
        TOKEN.into(),
        FakeUser {
            username: "alice@acme.io".into(),
            admin: false,
        },
    );
    run_in_tab(
        &service,
        Request::Handoff {
            url: handoff_url(&service, port, TOKEN),
        },
        tab,
    );
    let mut answers = Vec::new();
    for (id, name) in [("t-1", "dev01"), ("t-2", "qa")] {
        answers.push(open_console(
            &service,
            tenant(id, name),
            Destination::Home,
            false,
        ));
    }
    let copied = run(
        &service,
        Request::CopyCredentials {
            key: tenant("t-1", "dev01"),
            format: CopyFormat::Bash,
            otp: None,
        },
    );
    let Response::Copied { text, .. } = &copied else {
        panic!("{copied:?}")
    };
    assert!(text.expose().contains("secret/"), "the copy holds the key");
    answers.push(run(
        &service,
        Request::RenewNow {
            key: tenant("t-1", "dev01"),
        },
    ));
    answers.push(run(&service, Request::GetState));

    // Every secret the fake portal and AWS issued.
    let issued = service.platform().portal.borrow().issued.get();
    let mut secrets = vec![TOKEN.to_owned(), CONSOLE_URL.to_owned()];
    for n in 1..=issued {
        secrets.push(format!("secret/{n}+key"));
        secrets.push(format!("session-token-{n}"));
    }
    secrets.extend(
        (1..=service.platform().aws_requests.borrow().len()).map(|n| format!("signin-token-{n}")),
    );
    for answer in answers.iter().chain([&copied]) {
        let state = serde_json::to_string(answer.state()).unwrap();
        for secret in &secrets {
            assert!(
                !state.contains(secret.as_str()),
                "the pages' state holds {secret}"
            );
        }
    }
    // They are all in memory-only storage, none on disk.
    let local = serde_json::to_string(&service.platform().dump(Area::Local)).unwrap();
    let session = serde_json::to_string(&service.platform().dump(Area::Session)).unwrap();
    for secret in &secrets[..secrets.len() - 1] {
        assert!(
            !local.contains(secret.as_str()),
            "storage.local holds {secret}"
        );
    }
    assert!(
        session.contains(TOKEN) && session.contains(&format!("session-token-{issued}")),
        "(the check can fail)"
    );
}

/// The logging calls of the browser adapters log only browser errors (an error value, its
/// message), never a value the code holds: no token, URL, text, request or state.
#[test]
fn no_logging_call_in_the_adapters_can_print_a_secret() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut calls = Vec::new();
    for entry in std::fs::read_dir(root.join("src/wasm")).unwrap() {
        let path = entry.unwrap().path();
        let source = std::fs::read_to_string(&path).unwrap();
        let file = path.file_name().unwrap().to_string_lossy().into_owned();
        for (i, line) in source.lines().enumerate() {
            let code = line.split("//").next().unwrap_or_default();
            for marker in ["log(", "console::", "console_log", "error_1(", "warn_1("] {
                if code.contains(marker) && !code.trim_start().starts_with("pub fn log") {
                    // The call and the lines that continue it (a multi-line format!).
                    let call: String = source.lines().skip(i).take(4).collect::<Vec<_>>().join(" ");
                    calls.push((file.clone(), i + 1, call));
                }
            }
        }
    }
    assert!(
        !calls.is_empty(),
        "(the scan finds the logging helper's callers)"
    );
    for (file, line, call) in &calls {
        if file == "browser.rs"
            && call.contains("web_sys::console::log_1(&JsValue::from_str(line))")
        {
            continue; // the helper itself
        }
        let argument = call
            .split_once("log(")
            .map_or(call.as_str(), |(_, rest)| rest);
        let argument = argument
            .split(';')
            .next()
            .unwrap_or_default()
            .to_lowercase();
        let error_value = argument.contains("(e)")
            || argument.contains("{e:?}")
            || argument.contains("e.to_string()")
            || argument.contains("browsererror")
            || argument.contains("&error");
        assert!(
            error_value,
            "{file}:{line} logs something other than an error: {call}"
        );
        for forbidden in [
            "expose",
            "token",
            "secret",
            "url",
            "href",
            "credential",
            "text",
            "request",
            "state",
        ] {
            assert!(
                !argument.contains(forbidden),
                "{file}:{line} may log a secret ({forbidden}): {call}"
            );
        }
    }
    for entry in std::fs::read_dir(root.join("extension")).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_some_and(|e| e == "js") {
            let source = std::fs::read_to_string(&path).unwrap();
            for call in [
                "console.log",
                "console.error",
                "console.warn",
                "console.info",
                "console.debug",
            ] {
                assert!(!source.contains(call), "{} logs", path.display());
            }
        }
    }
}
