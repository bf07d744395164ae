//! Kubernetes JIT (issue 19, section 3) and `/adminproxy/GetTenantNames`, driven without
//! sockets.
#![allow(clippy::unwrap_used)]

mod common;

use common::*;
use duplo_sim::config::Config;
use duplo_sim::http::{Request, Response};
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::CertificateDer;
use serde_json::{json, Value};

const FIELDS: [&str; 8] = [
    "Name",
    "ApiServer",
    "Token",
    "AwsRegion",
    "K8Provider",
    "K8sVersion",
    "CertificateAuthorityDataBase64",
    "DefaultNamespace",
];

fn v3(id: &str) -> String {
    format!("/v3/subscriptions/{id}/k8s/jitAccess")
}

fn legacy(id: &str) -> String {
    format!("/subscriptions/{id}/GetK8ClusterConfigByTenant")
}

const PLAN: &str = "/v3/admin/plans/default/k8sConfig";

/// Decodes base64 (standard or URL-safe, padded or not).
fn unbase64(s: &str) -> Vec<u8> {
    let value = |c: u8| -> u32 {
        match c {
            b'A'..=b'Z' => u32::from(c - b'A'),
            b'a'..=b'z' => u32::from(c - b'a') + 26,
            b'0'..=b'9' => u32::from(c - b'0') + 52,
            b'+' | b'-' => 62,
            b'/' | b'_' => 63,
            _ => panic!("not base64: {c}"),
        }
    };
    let digits: Vec<u32> = s.bytes().filter(|&c| c != b'=').map(value).collect();
    let mut out = Vec::new();
    for chunk in digits.chunks(4) {
        let mut n = 0u32;
        for (i, d) in chunk.iter().enumerate() {
            n |= d << (18 - 6 * i);
        }
        let bytes = n.to_be_bytes();
        out.extend_from_slice(&bytes[1..chunk.len()]);
    }
    out
}

/// The header and payload of a JWT (the signature is checked to be 32 bytes: HMAC-SHA256).
fn jwt_parts(token: &str) -> (Value, Value) {
    let parts: Vec<&str> = token.split('.').collect();
    assert_eq!(parts.len(), 3, "three dot-separated parts");
    for p in &parts {
        assert!(
            p.bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_'),
            "base64url without padding"
        );
    }
    assert_eq!(unbase64(parts[2]).len(), 32, "an HMAC-SHA256 signature");
    (
        serde_json::from_slice(&unbase64(parts[0])).unwrap(),
        serde_json::from_slice(&unbase64(parts[1])).unwrap(),
    )
}

fn message(r: &Response) -> String {
    r.body_json()["Message"]
        .as_str()
        .unwrap_or_default()
        .to_string()
}

#[test]
fn a_tenant_gets_the_cluster_and_a_jwt_expiring_on_the_sim_clock() {
    let mut sim = Sim::demo();
    let dev = sim.token("demo", "dev@demo.io");
    for path in [v3(DEV01), legacy(DEV01)] {
        let r = sim.api(DEMO, &path, &dev);
        assert_eq!(r.status, 200, "{path}");
        let j = r.body_json();
        let keys: Vec<&str> = j.as_object().unwrap().keys().map(String::as_str).collect();
        for f in FIELDS {
            assert!(keys.contains(&f), "{path}: {f} present");
        }
        assert_eq!(j["Name"], "duploinfra-default");
        assert_eq!(j["AwsRegion"], "us-west-2");
        assert_eq!(j["K8Provider"], 0);
        assert_eq!(j["K8sVersion"], "1.30");
        assert_eq!(j["DefaultNamespace"], "duploservices-dev01");
        let api = j["ApiServer"].as_str().unwrap();
        let id = api
            .strip_prefix("https://")
            .and_then(|r| r.strip_suffix(".gr7.us-west-2.eks.amazonaws.com"))
            .unwrap();
        assert_eq!(id.len(), 32);
        assert!(id.bytes().all(|b| matches!(b, b'0'..=b'9' | b'A'..=b'F')));

        // The CA: base64 of a PEM certificate that parses as X.509.
        let pem = unbase64(j["CertificateAuthorityDataBase64"].as_str().unwrap());
        assert!(pem.starts_with(b"-----BEGIN CERTIFICATE-----\n"));
        let der = CertificateDer::from_pem_slice(&pem).unwrap();
        let mut roots = rustls::RootCertStore::empty();
        roots.add(der).unwrap();

        let (header, payload) = jwt_parts(j["Token"].as_str().unwrap());
        assert_eq!(header, json!({"alg": "HS256", "typ": "JWT"}));
        assert_eq!(payload["sub"], "dev@demo.io");
        let iat = T0 / 1000;
        assert_eq!(payload["iat"], iat);
        assert_eq!(
            payload["exp"],
            iat + 3600,
            "issue time + k8s_token_validity"
        );
        assert!(payload["jti"].as_str().unwrap().len() >= 16);
        assert!(sim
            .state
            .all_secrets()
            .k8s_tokens
            .contains(&j["Token"].as_str().unwrap().to_string()));
    }
    // Both answers name the same cluster, each with a token of its own.
    let a = sim.api(DEMO, &v3(DEV01), &dev).body_json();
    let b = sim.api(DEMO, &v3(QA), &dev).body_json();
    assert_eq!(a["ApiServer"], b["ApiServer"]);
    assert_eq!(
        a["CertificateAuthorityDataBase64"],
        b["CertificateAuthorityDataBase64"]
    );
    assert_ne!(a["Token"], b["Token"]);
    assert_eq!(b["DefaultNamespace"], "duploservices-qa");

    // exp follows the simulated clock, as JIT credentials' expiry does.
    sim.advance(1000.0);
    let later = sim.api(DEMO, &v3(DEV01), &dev).body_json();
    let (_, p) = jwt_parts(later["Token"].as_str().unwrap());
    assert_eq!(p["exp"], T0 / 1000 + 1000 + 3600);
}

#[test]
fn duploctl_s_double_slash_path_and_tenant_case_work() {
    // duploctl 0.4.5 asks for `{host}//v3/subscriptions/...` (its path starts with '/').
    let mut sim = Sim::demo();
    let dev = sim.token("demo", "dev@demo.io");
    assert_eq!(sim.api(DEMO, &format!("/{}", v3(DEV01)), &dev).status, 200);
    assert_eq!(sim.api(DEMO, &v3(&DEV01.to_uppercase()), &dev).status, 200);
}

#[test]
fn a_tenant_without_kubernetes_says_so_after_the_other_checks() {
    let mut sim = Sim::demo();
    let admin = sim.token("demo", "admin@demo.io");
    let dev = sim.token("demo", "dev@demo.io");
    let f = sim
        .api(DEMO, &format!("/v3/features/tenant/{STAGING}"), &admin)
        .body_json();
    assert_eq!(f["IsKubernetesEnabled"], false);
    let f = sim
        .api(DEMO, &format!("/v3/features/tenant/{DEV01}"), &admin)
        .body_json();
    assert_eq!(f["IsKubernetesEnabled"], true);
    for path in [v3(STAGING), legacy(STAGING)] {
        let r = sim.api(DEMO, &path, &admin);
        assert_eq!(r.status, 404, "{path}");
        assert_eq!(message(&r), "Kubernetes is not enabled for this tenant.");
        // A user who may not use the tenant learns only that (403), an unknown tenant 404.
        assert_eq!(sim.api(DEMO, &path, &dev).status, 403, "{path}");
        let r = sim.api(DEMO, &v3("no-such-tenant"), &admin);
        assert_eq!((r.status, message(&r).as_str()), (404, "Tenant not found."));
    }
    assert!(
        sim.state.all_secrets().k8s_tokens.is_empty(),
        "nothing issued"
    );
}

#[test]
fn legacy_portals_lack_the_v3_path_whatever_the_token() {
    let mut sim = Sim::from_json(
        r#"{"portals":[{"name":"old","k8s_jit_api":"legacy","tenants":[{"id":"t1","name":"dev01"}]}]}"#,
    );
    let host = "old.duplocloud.net";
    let t = sim.token("old", "alice@acme.io");
    assert_eq!(sim.api(host, &v3("t1"), &t).status, 404);
    assert_eq!(
        sim.send(Request::get(&format!("https://{host}{}", v3("t1"))))
            .status,
        404,
        "404, not 401, without a token"
    );
    let r = sim.api(host, &legacy("t1"), &t);
    assert_eq!(r.status, 200);
    assert_eq!(r.body_json()["DefaultNamespace"], "duploservices-dev01");
    assert_eq!(sim.api(host, PLAN, &t).status, 200, "the admin path stays");
    assert_eq!(
        sim.send(Request::get(&format!("https://{host}{}", legacy("t1"))))
            .status,
        401
    );
}

#[test]
fn every_k8s_path_and_the_tenant_names_need_a_valid_token() {
    let mut sim = Sim::demo();
    let revoked = sim.token("demo", "admin@demo.io");
    sim.state.revoke_token(&revoked);
    for path in [
        v3(DEV01),
        legacy(DEV01),
        PLAN.to_string(),
        "/v3/admin/plans/nope/k8sConfig".to_string(),
        "/adminproxy/GetTenantNames".to_string(),
    ] {
        let r = sim.send(Request::get(&format!("https://{DEMO}{path}")));
        assert_eq!(r.status, 401, "{path}");
        assert_eq!(
            message(&r),
            "Authorization has been denied for this request."
        );
        assert_eq!(sim.api(DEMO, &path, &revoked).status, 401, "{path}");
        assert_eq!(sim.api(DEMO, &path, "nope").status, 401, "{path}");
    }
    let admin = sim.token("demo", "admin@demo.io");
    let post = Request::post(&format!("https://{DEMO}{}", v3(DEV01))).with_bearer(&admin);
    assert_eq!(sim.send(post).status, 405);
}

#[test]
fn the_plan_path_is_for_administrators() {
    let mut sim = Sim::demo();
    let admin = sim.token("demo", "admin@demo.io");
    let dev = sim.token("demo", "dev@demo.io");
    let r = sim.api(DEMO, PLAN, &admin);
    assert_eq!(r.status, 200);
    let j = r.body_json();
    assert_eq!(j["Name"], "duploinfra-default");
    assert_eq!(j["AwsRegion"], "us-west-2");
    assert_eq!(j["DefaultNamespace"], "default");
    assert_eq!(j["K8Provider"], 0);
    let (_, p) = jwt_parts(j["Token"].as_str().unwrap());
    assert_eq!(p["sub"], "admin@demo.io");
    let r = sim.api(DEMO, PLAN, &dev);
    assert_eq!(
        (r.status, message(&r).as_str()),
        (403, "Administrator role is required.")
    );
    assert_eq!(
        sim.api(DEMO, "/v3/admin/plans/nope/k8sConfig", &dev).status,
        403
    );
    let r = sim.api(DEMO, "/v3/admin/plans/nope/k8sConfig", &admin);
    assert_eq!((r.status, message(&r).as_str()), (404, "Plan not found."));
}

#[test]
fn with_otp_the_plan_path_needs_the_code_and_tenant_paths_do_not() {
    let mut sim = Sim::new(
        Config::load_file(
            &std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/otp-portal.json"),
        )
        .unwrap(),
    );
    let host = "acme.duplocloud.net";
    let alice = "acme-api-token-alice-0001";
    let bob = sim.token("acme", "bob@acme.io");
    let get = |path: &str, token: &str, otp: Option<&str>| {
        let r = Request::get(&format!("https://{host}{path}")).with_bearer(token);
        match otp {
            Some(code) => r.with_header("otpcode", code),
            None => r,
        }
    };
    let r = sim.send(get(PLAN, alice, None));
    assert_eq!(
        (r.status, message(&r).as_str()),
        (403, "OTP code is required.")
    );
    let r = sim.send(get(PLAN, alice, Some("000000")));
    assert_eq!(
        (r.status, message(&r).as_str()),
        (403, "OTP code is invalid.")
    );
    assert_eq!(sim.send(get(PLAN, alice, Some("424242"))).status, 200);
    let r = sim.send(get(PLAN, &bob, Some("424242")));
    assert_eq!(
        (r.status, message(&r).as_str()),
        (403, "Administrator role is required.")
    );
    let dev01 = "7d0c4d7e-2f6b-4b8e-8f34-0b5a3c2d1e01";
    assert_eq!(sim.send(get(&v3(dev01), &bob, None)).status, 200);
    assert_eq!(sim.send(get(&legacy(dev01), alice, None)).status, 200);
}

#[test]
fn overrides_replace_add_and_remove_fields() {
    let mut sim = Sim::from_json(
        r#"{"portals":[{"tenants":[{"id":"t0","name":"dev01"}],
            "k8s_overrides":{"CertificateAuthorityDataBase64":null,"K8Provider":1,
            "ApiServer":"https://aks.example","Extra":[1]}}]}"#,
    );
    let t = sim.token("acme", "alice@acme.io");
    for path in [v3("t0"), PLAN.to_string()] {
        let j = sim.api("acme.duplocloud.net", &path, &t).body_json();
        let o = j.as_object().unwrap();
        assert!(!o.contains_key("CertificateAuthorityDataBase64"), "{path}");
        assert_eq!(j["K8Provider"], 1);
        assert_eq!(j["ApiServer"], "https://aks.example");
        assert_eq!(j["Extra"], json!([1]));
        assert!(o.contains_key("Token") && o.contains_key("DefaultNamespace"));
    }
    // The token is issued (and listed) all the same.
    assert_eq!(sim.state.all_secrets().k8s_tokens.len(), 2);
}

#[test]
fn token_validity_is_configurable_and_tokens_are_listed_as_secrets() {
    let mut sim =
        Sim::from_json(r#"{"portals":[{"k8s_token_validity":900,"tenants":[{"id":"t0"}]}]}"#);
    let t = sim.token("acme", "alice@acme.io");
    let j = sim.api("acme.duplocloud.net", &v3("t0"), &t).body_json();
    let token = j["Token"].as_str().unwrap();
    let (_, p) = jwt_parts(token);
    assert_eq!(p["exp"], T0 / 1000 + 900);
    let secrets = sim.control("GET", "/secrets", "").body_json();
    assert_eq!(secrets["k8s_tokens"], json!([token]));
    // The token is a secret: it never reaches the request log.
    let log = sim.control("GET", "/log", "").body_text();
    assert!(!log.contains(token));
}

#[test]
fn tenant_names_lists_every_tenant_for_admins_and_their_own_for_users() {
    let mut sim = Sim::demo();
    let admin = sim.token("demo", "admin@demo.io");
    let dev = sim.token("demo", "dev@demo.io");
    let names = |j: &Value| -> Vec<String> {
        j.as_array()
            .unwrap()
            .iter()
            .map(|t| t["AccountName"].as_str().unwrap().to_string())
            .collect()
    };
    let all = sim
        .api(DEMO, "/adminproxy/GetTenantNames", &admin)
        .body_json();
    assert_eq!(names(&all), ["dev01", "qa", "staging", "prod"]);
    assert_eq!(all[0]["TenantId"], DEV01);
    assert_eq!(all[0]["PlanID"], "default");
    // The same objects as GetTenantsForUser.
    assert_eq!(
        all,
        sim.api(DEMO, "/admin/GetTenantsForUser", &admin)
            .body_json()
    );
    let mine = sim
        .api(DEMO, "/adminproxy/GetTenantNames", &dev)
        .body_json();
    assert_eq!(names(&mine), ["dev01", "qa"]);
    // An administrator limited to some tenants still lists all of them here.
    let mut sim = Sim::from_json(
        r#"{"portals":[{"users":[{"username":"a@x.io","admin":true,"tenants":["t1"]}],
            "tenants":[{"id":"t1","name":"one"},{"id":"t2","name":"two"}]}]}"#,
    );
    let a = sim.token("acme", "a@x.io");
    let all = sim
        .api("acme.duplocloud.net", "/adminproxy/GetTenantNames", &a)
        .body_json();
    assert_eq!(names(&all), ["one", "two"]);
}

#[test]
fn the_new_fields_are_validated_and_typos_still_rejected() {
    let ok = |json: &str| Config::from_json(json).unwrap();
    let c = ok("{}");
    let p = &c.portals[0];
    assert_eq!(p.k8s_token_validity, 3600);
    assert_eq!(p.k8s_jit_api, duplo_sim::config::K8sJitApi::V3);
    assert!(p.k8s_overrides.is_empty());
    assert!(p.tenants[0].kubernetes);
    let back = serde_json::to_value(&c).unwrap();
    assert_eq!(back["portals"][0]["k8s_jit_api"], "v3");
    assert_eq!(back["portals"][0]["tenants"][0]["kubernetes"], true);
    ok(r#"{"portals":[{"k8s_token_validity":60}]}"#);
    ok(r#"{"portals":[{"k8s_token_validity":86400,"k8s_jit_api":"legacy"}]}"#);
    ok(r#"{"portals":[{"tenants":[{"name":"x","kubernetes":false}]}]}"#);
    for (json, needle) in [
        (
            r#"{"portals":[{"k8s_token_validity":59}]}"#,
            "k8s_token_validity",
        ),
        (
            r#"{"portals":[{"k8s_token_validity":86401}]}"#,
            "k8s_token_validity",
        ),
        (r#"{"portals":[{"k8s_jit_api":"v2"}]}"#, "v2"),
        (r#"{"portals":[{"k8s_overrides":[1]}]}"#, "map"),
        (
            r#"{"portals":[{"k8s_token_validty":600}]}"#,
            "k8s_token_validty",
        ),
        (
            r#"{"portals":[{"tenants":[{"name":"x","kubernetis":false}]}]}"#,
            "kubernetis",
        ),
        (
            r#"{"portals":[{"tenants":[{"name":"x","kubernetes":"no"}]}]}"#,
            "boolean",
        ),
    ] {
        let e = Config::from_json(json).unwrap_err();
        assert!(e.0.contains(needle), "{json}: {e}");
    }
    // The demo: staging has no Kubernetes, the others do.
    let demo = Config::demo();
    let k8s: Vec<(&str, bool)> = demo.portals[0]
        .tenants
        .iter()
        .map(|t| (t.name.as_str(), t.kubernetes))
        .collect();
    assert_eq!(
        k8s,
        [
            ("dev01", true),
            ("qa", true),
            ("staging", false),
            ("prod", true)
        ]
    );
}
