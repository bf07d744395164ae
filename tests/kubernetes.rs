//! Kubernetes JIT access over the fake browser and portal: whether a tenant has it, the
//! kubeconfig and ExecCredential copied, the cache, the older path, refusals, the 401 and
//! the sign-out, and that the cluster token is never stored.
#![allow(clippy::unwrap_used)]

mod common;

use common::{acme_portal, authorization_tab, handoff_url, run, signed_in_to_acme, tenant, ACME};
use futures_executor::block_on;
use jit_console::core::identity::{ConsoleKey, Role};
use jit_console::core::kubernetes::{KubeFormat, DEFAULT_TOKEN_LIFETIME_MS, REUSE_MARGIN_MS};
use jit_console::core::menus::MenuClick;
use jit_console::core::messages::{Request, Response};
use jit_console::core::text::msg;
use jit_console::service::fake::FakePlatform;
use jit_console::service::{Area, Sender, Service};

const HOST: &str = "acme.duplocloud.net";

fn signed_in() -> Service<FakePlatform> {
    signed_in_to_acme(false, |portal| {
        portal.tenants = vec![
            ("t-1".into(), "dev01".into()),
            ("t-2".into(), "prod".into()),
        ];
        portal.kubernetes = vec!["t-1".into()];
    })
}

fn dev01() -> ConsoleKey {
    tenant("t-1", "dev01")
}

fn features(service: &Service<FakePlatform>, key: ConsoleKey) -> Response {
    run(service, Request::TenantFeatures { key })
}

fn copy(service: &Service<FakePlatform>, key: ConsoleKey, format: KubeFormat) -> Response {
    run(service, Request::CopyKubernetes { key, format })
}

fn copied(response: Response) -> String {
    match response {
        Response::Copied { text, .. } => text.expose().to_owned(),
        other => panic!("not copied: {other:?}"),
    }
}

fn paths_matching(service: &Service<FakePlatform>, part: &str) -> usize {
    service
        .platform()
        .requested_paths()
        .iter()
        .filter(|p| p.contains(part))
        .count()
}

#[test]
fn a_tenant_has_kubernetes_when_its_portal_says_so_and_it_is_asked_once() {
    let service = signed_in();
    assert!(matches!(
        features(&service, dev01()),
        Response::TenantFeatures {
            kubernetes: true,
            ..
        }
    ));
    assert!(matches!(
        features(&service, tenant("t-2", "prod")),
        Response::TenantFeatures {
            kubernetes: false,
            ..
        }
    ));
    features(&service, dev01());
    assert_eq!(paths_matching(&service, "/v3/features/tenant/"), 2);
    let admin = ConsoleKey {
        origin: ACME.into(),
        role: Role::Admin,
    };
    assert!(matches!(
        features(&service, admin),
        Response::TenantFeatures {
            kubernetes: false,
            ..
        }
    ));
    assert_eq!(paths_matching(&service, "/v3/features/tenant/"), 2);
}

#[test]
fn looking_without_a_session_asks_nothing_and_opens_no_page() {
    let service = signed_in();
    run(
        &service,
        Request::SignOut {
            origin: ACME.into(),
        },
    );
    let before = service.platform().requests.borrow().len();
    assert!(matches!(
        features(&service, dev01()),
        Response::TenantFeatures {
            kubernetes: false,
            ..
        }
    ));
    assert_eq!(service.platform().requests.borrow().len(), before);
    assert!(service.platform().opened.borrow().is_empty());
}

#[test]
fn the_kubeconfig_and_exec_credential_carry_the_tenants_token_which_is_fetched_once() {
    let service = signed_in();
    let now_secs = service.platform().now.get() / 1000;
    service.platform().portal.borrow_mut().kubernetes_exp = Some(now_secs + 3600);
    let config = copied(copy(&service, dev01(), KubeFormat::Kubeconfig));
    let token = {
        let line = config
            .lines()
            .find(|l| l.trim_start().starts_with("token: "))
            .unwrap();
        serde_json::from_str::<String>(line.trim_start().trim_start_matches("token: ")).unwrap()
    };
    assert!(token.starts_with("eyJ"), "a JWT: {token}");
    assert!(config.contains("- name: \"acme.duplocloud.net-dev01\"\n"));
    assert!(config.contains("current-context: \"acme.duplocloud.net-dev01\"\n"));
    assert!(config.contains("namespace: \"duploservices-t-1\"\n"));
    assert!(config.contains("certificate-authority-data: \"Q0E=\"\n"));

    let exec = copied(copy(&service, dev01(), KubeFormat::ExecCredential));
    let exec: serde_json::Value = serde_json::from_str(&exec).unwrap();
    assert_eq!(exec["status"]["token"], token.as_str());
    assert_eq!(
        exec["status"]["expirationTimestamp"],
        jit_console::util::rfc3339((now_secs + 3600) * 1000).as_str()
    );
    assert_eq!(
        service.platform().portal.borrow().kubernetes_issued.get(),
        1,
        "the second copy used the token held"
    );
    assert_eq!(paths_matching(&service, "/k8s/jitAccess"), 1);

    // Never stored, in either area.
    for area in [Area::Local, Area::Session] {
        let stored = serde_json::to_string(&service.platform().dump(area)).unwrap();
        assert!(!stored.contains(&token), "{area:?}");
    }
}

#[test]
fn a_token_close_to_its_end_is_replaced() {
    let service = signed_in();
    copied(copy(&service, dev01(), KubeFormat::ExecCredential));
    service
        .platform()
        .advance(DEFAULT_TOKEN_LIFETIME_MS - REUSE_MARGIN_MS - 1000);
    copied(copy(&service, dev01(), KubeFormat::ExecCredential));
    assert_eq!(
        service.platform().portal.borrow().kubernetes_issued.get(),
        1
    );
    service.platform().advance(2000);
    copied(copy(&service, dev01(), KubeFormat::ExecCredential));
    assert_eq!(
        service.platform().portal.borrow().kubernetes_issued.get(),
        2
    );
}

#[test]
fn an_older_portal_is_asked_on_its_own_path() {
    let service = signed_in();
    service.platform().portal.borrow_mut().kubernetes_legacy = true;
    copied(copy(&service, dev01(), KubeFormat::Kubeconfig));
    let paths = service.platform().requested_paths();
    let tail: Vec<&str> = paths
        .iter()
        .rev()
        .take(2)
        .rev()
        .map(String::as_str)
        .collect();
    assert_eq!(
        tail,
        [
            "/v3/subscriptions/t-1/k8s/jitAccess",
            "/subscriptions/t-1/GetK8ClusterConfigByTenant"
        ]
    );
}

#[test]
fn a_tenant_without_kubernetes_is_told_so_and_nothing_is_copied() {
    let service = signed_in();
    match copy(&service, tenant("t-2", "prod"), KubeFormat::Kubeconfig) {
        Response::Error { message, .. } => {
            assert_eq!(message, msg::K8S_NOT_ENABLED.with(["prod", HOST]))
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn a_hostile_answer_is_refused_with_a_sentence() {
    let service = signed_in();
    service.platform().portal.borrow_mut().faults.insert(
        "/v3/subscriptions/t-1/k8s/jitAccess".into(),
        vec![jit_console::core::portal_api::ApiReply::Http {
            status: 200,
            body: br#"{"ApiServer":"http://cluster.example","Token":"abc"}"#.to_vec(),
        }],
    );
    match copy(&service, dev01(), KubeFormat::Kubeconfig) {
        Response::Error { message, .. } => {
            assert_eq!(message, msg::K8S_MALFORMED.with([HOST, "dev01"]))
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn a_revoked_session_says_so_and_opens_one_authorization_page() {
    // Signed in through the portal's authorization page (no API token).
    let service = acme_portal(false, false, |portal| {
        portal.tenants = vec![("t-1".into(), "dev01".into())];
        portal.kubernetes = vec!["t-1".into()];
    });
    run(
        &service,
        Request::SignIn {
            origin: ACME.into(),
        },
    );
    let (tab, port) = authorization_tab(&service);
    block_on(service.handle(
        Request::Handoff {
            url: handoff_url(&service, port, "good"),
        },
        Sender::top_of(tab),
    ));
    copied(copy(&service, dev01(), KubeFormat::Kubeconfig));
    let pages = || service.platform().opened.borrow().len();
    let before = pages();

    service.platform().portal.borrow_mut().tokens.clear();
    service.platform().advance(DEFAULT_TOKEN_LIFETIME_MS);
    match copy(&service, dev01(), KubeFormat::Kubeconfig) {
        Response::Error { message, .. } => {
            assert_eq!(message, msg::PORTAL_SESSION_EXPIRED.with([HOST]))
        }
        other => panic!("{other:?}"),
    }
    let opened = service.platform().opened.borrow().clone();
    assert_eq!(pages(), before + 1, "{opened:?}");
    assert!(
        opened[before].contains("/app/user/verify-token"),
        "{opened:?}"
    );
}

#[test]
fn signing_out_forgets_the_cluster_token() {
    let service = signed_in();
    copied(copy(&service, dev01(), KubeFormat::Kubeconfig));
    run(
        &service,
        Request::SignOut {
            origin: ACME.into(),
        },
    );
    run(
        &service,
        Request::SignIn {
            origin: ACME.into(),
        },
    );
    copied(copy(&service, dev01(), KubeFormat::Kubeconfig));
    assert_eq!(
        service.platform().portal.borrow().kubernetes_issued.get(),
        2
    );
}

#[test]
fn the_context_menu_copies_the_pages_tenant_and_says_what_it_did() {
    let service = signed_in();
    let click = |item: &str, page: &str| {
        block_on(service.on_menu_click(MenuClick {
            item: item.into(),
            page_url: Some(page.into()),
            ..MenuClick::default()
        }))
    };
    let last_notice = || service.platform().notices.borrow().last().cloned().unwrap();
    click(
        "kube|kubeconfig",
        &format!("{ACME}/app/devops/t-1/services"),
    );
    let clipboard = service.platform().clipboard.borrow().clone();
    assert_eq!(clipboard.len(), 1);
    assert!(clipboard[0].contains("current-context: \"acme.duplocloud.net-dev01\""));
    assert_eq!(
        last_notice(),
        "Copied kubeconfig for dev01 to the clipboard. It holds a secret: paste it only where you mean to."
    );
    assert!(!last_notice().contains("eyJ"), "the notice holds no secret");

    click("kube|execCredential", &format!("{ACME}/app/devops/t-1"));
    assert!(service.platform().clipboard.borrow()[1].contains("\"kind\":\"ExecCredential\""));

    // A tenant without Kubernetes, a page that is no tenant's: nothing copied, a sentence.
    click(
        "kube|kubeconfig",
        &format!("{ACME}/app/devops/t-2/services"),
    );
    assert_eq!(
        last_notice(),
        format!("Kubernetes is not enabled for prod on {HOST}.")
    );
    click("kube|kubeconfig", &format!("{ACME}/app/"));
    assert_eq!(
        last_notice(),
        "Open one of your tenants' pages in the portal, then choose this again."
    );
    assert_eq!(service.platform().clipboard.borrow().len(), 2);
}
