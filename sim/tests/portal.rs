//! Portal API and portal web pages, driven without sockets.
#![allow(clippy::unwrap_used)]

mod common;

use common::*;
use duplo_sim::http::Request;
use serde_json::Value;

fn tenant_jit(sim: &mut Sim, tenant: &str, token: &str) -> duplo_sim::http::Response {
    sim.api(
        DEMO,
        &format!("/subscriptions/{tenant}/GetAwsConsoleTokenUrl"),
        token,
    )
}

#[test]
fn every_api_path_needs_a_valid_token() {
    let mut sim = Sim::demo();
    let paths = [
        "/admin/GetUserRoleInfo",
        "/v3/features/system",
        "/admin/GetTenantsForUser",
        &format!("/subscriptions/{DEV01}/GetAwsConsoleTokenUrl"),
        "/v3/admin/aws/jitAccess/admin",
        "/v3/admin/aws/jitAccess/admin/us-east-1",
        "/adminproxy/GetJITAwsConsoleAccessUrl",
        &format!("/v3/features/tenant/{DEV01}"),
        "/adminproxy/GetTenantNames",
        &format!("/v3/subscriptions/{DEV01}/k8s/jitAccess"),
        &format!("/subscriptions/{DEV01}/GetK8ClusterConfigByTenant"),
        "/v3/admin/plans/default/k8sConfig",
    ];
    let expired = sim.token("demo", "admin@demo.io");
    let revoked = sim.token("demo", "admin@demo.io");
    assert_eq!(sim.state.revoke_token(&revoked), 1);
    sim.advance(sim.state.config.portal_token_ttl_secs as f64);
    for path in paths {
        let r = sim.send(Request::get(&format!("https://{DEMO}{path}")));
        assert_eq!(r.status, 401, "{path} without token");
        assert!(r.body.len() < 100, "short body");
        for bad in ["nope", &expired, &revoked] {
            assert_eq!(sim.api(DEMO, path, bad).status, 401, "{path} with {bad}");
        }
        let good = sim.token("demo", "admin@demo.io");
        assert_eq!(
            sim.api(DEMO, path, &good).status,
            200,
            "{path} with a good token"
        );
    }
    let good = sim.token("demo", "admin@demo.io");
    assert_eq!(sim.api(DEMO, "/admin/NoSuchThing", &good).status, 404);
    assert_eq!(
        sim.api("other.duplocloud.net", "/admin/GetUserRoleInfo", &good)
            .status,
        404
    );
}

#[test]
fn tokens_of_one_portal_do_not_work_on_another() {
    let mut sim = Sim::from_json(r#"{"portals":[{"name":"a"},{"name":"b"}]}"#);
    let t = sim.token("a", "alice@acme.io");
    assert_eq!(
        sim.api("a.duplocloud.net", "/admin/GetUserRoleInfo", &t)
            .status,
        200
    );
    assert_eq!(
        sim.api("b.duplocloud.net", "/admin/GetUserRoleInfo", &t)
            .status,
        401
    );
}

#[test]
fn role_info_system_features_and_tenant_list() {
    let mut sim = Sim::demo();
    let admin = sim.token("demo", "admin@demo.io");
    let dev = sim.token("demo", "dev@demo.io");
    let r = sim.api(DEMO, "/admin/GetUserRoleInfo", &admin).body_json();
    assert_eq!(r["Username"], "admin@demo.io");
    assert_eq!(r["Roles"], serde_json::json!(["Administrator"]));
    assert_eq!(r["IsReadOnly"], false);
    assert!(r.as_object().unwrap().len() >= 4, "extra fields present");
    let r = sim.api(DEMO, "/admin/GetUserRoleInfo", &dev).body_json();
    assert_eq!(r["Roles"], serde_json::json!(["User"]));

    let f = sim.api(DEMO, "/v3/features/system", &dev).body_json();
    assert_eq!(f["IsOtpNeeded"], false);
    assert_eq!(f["IsAwsAdminJITEnabled"], true);
    assert_eq!(f["IsDuploOpsEnabled"], false);
    assert_eq!(f["DefaultAwsAccount"], "123456789012");
    assert_eq!(f["DefaultAwsRegion"], "us-west-2");
    assert_eq!(f["DefaultAwsPartition"], "aws");
    assert!(f["AwsRegions"]
        .as_array()
        .unwrap()
        .contains(&Value::from("us-west-2")));
    assert!(
        f.as_object().unwrap().len() > 7,
        "extra unknown fields present"
    );

    let all = sim
        .api(DEMO, "/admin/GetTenantsForUser", &admin)
        .body_json();
    assert_eq!(all.as_array().unwrap().len(), 4);
    let mine = sim.api(DEMO, "/admin/GetTenantsForUser", &dev).body_json();
    let names: Vec<&str> = mine
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["AccountName"].as_str().unwrap())
        .collect();
    assert_eq!(names, vec!["dev01", "qa"]);
    assert_eq!(mine[0]["TenantId"], DEV01);
    assert!(mine[0].get("PlanID").is_some());

    let tf = sim
        .api(DEMO, &format!("/v3/features/tenant/{PROD}"), &admin)
        .body_json();
    assert_eq!(tf["Region"], "us-west-2");
    assert_eq!(tf["IsKubernetesEnabled"], true);
    assert_eq!(
        sim.api(DEMO, &format!("/v3/features/tenant/{PROD}"), &dev)
            .status,
        403
    );
    assert_eq!(sim.api(DEMO, "/v3/features/tenant/nope", &dev).status, 404);
}

#[test]
fn tenant_jit_credentials() {
    let mut sim = Sim::demo();
    let dev = sim.token("demo", "dev@demo.io");
    let admin = sim.token("demo", "admin@demo.io");
    assert_eq!(tenant_jit(&mut sim, PROD, &dev).status, 403);
    assert_eq!(
        tenant_jit(&mut sim, "00000000-0000-0000-0000-000000000000", &dev).status,
        404
    );
    let r = tenant_jit(&mut sim, DEV01, &dev);
    assert_eq!(r.status, 200);
    let j = r.body_json();
    let key = j["AccessKeyId"].as_str().unwrap();
    assert!(key.starts_with("ASIA") && key.len() == 20);
    assert!(key[4..]
        .bytes()
        .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit()));
    assert_eq!(j["SecretAccessKey"].as_str().unwrap().len(), 40);
    assert!(j["SessionToken"].as_str().unwrap().len() > 100);
    assert_eq!(j["Region"], "us-west-2");
    assert_eq!(j["Validity"], 3600);
    assert!(j["ConsoleUrl"]
        .as_str()
        .unwrap()
        .starts_with("https://signin.aws.amazon.com/federation?Action=login&"));
    let creds = &sim.state.credentials[key];
    assert_eq!(creds.role, "duploservices-dev01");
    assert_eq!(creds.username, "dev@demo.io");
    assert_eq!(creds.expires_ms, T0 + 3_600_000);

    let p = tenant_jit(&mut sim, PROD, &admin).body_json();
    assert_eq!(p["Validity"], 7200);
    let k = p["AccessKeyId"].as_str().unwrap();
    assert_eq!(sim.state.credentials[k].expires_ms, T0 + 7_200_000);
    // Tenant ids match case-insensitively, like GUIDs in the real portal.
    assert_eq!(
        tenant_jit(&mut sim, &DEV01.to_uppercase(), &dev).status,
        200
    );
}

#[test]
fn validity_zero_and_omitted() {
    let mut sim = Sim::from_json(
        r#"{"portals":[{"tenants":[{"id":"t0","name":"Zero","validity":0}]},
            {"name":"omit","omit_validity":true,"tenants":[{"id":"t1","name":"dev01","validity":900}]}]}"#,
    );
    let t = sim.token("acme", "alice@acme.io");
    let j = sim
        .api(
            "acme.duplocloud.net",
            "/subscriptions/t0/GetAwsConsoleTokenUrl",
            &t,
        )
        .body_json();
    assert_eq!(j["Validity"], 0, "emitted exactly as configured");
    let k = j["AccessKeyId"].as_str().unwrap();
    assert_eq!(
        sim.state.credentials[k].expires_ms,
        T0 + 3_600_000,
        "0 means 3600"
    );
    assert_eq!(sim.state.credentials[k].role, "duploservices-zero");

    let t = sim.token("omit", "alice@acme.io");
    let j = sim
        .api(
            "omit.duplocloud.net",
            "/subscriptions/t1/GetAwsConsoleTokenUrl",
            &t,
        )
        .body_json();
    assert!(j.get("Validity").is_none());
    let k = j["AccessKeyId"].as_str().unwrap();
    assert_eq!(sim.state.credentials[k].expires_ms, T0 + 900_000);
}

#[test]
fn jit_overrides_replace_fields_verbatim() {
    let mut sim = Sim::from_json(
        r#"{"portals":[{"tenants":[{"id":"t0","name":"dev01","validity":900}],
            "jit_overrides":{"Validity":-5,"ConsoleUrl":"javascript:alert(1)","Extra":[1]}}]}"#,
    );
    let t = sim.token("acme", "alice@acme.io");
    let j = sim
        .api(
            "acme.duplocloud.net",
            "/subscriptions/t0/GetAwsConsoleTokenUrl",
            &t,
        )
        .body_json();
    assert_eq!(j["Validity"], -5);
    assert_eq!(j["ConsoleUrl"], "javascript:alert(1)");
    assert_eq!(j["Extra"], serde_json::json!([1]));
    // The real credentials are issued all the same, expiring as configured.
    let k = j["AccessKeyId"].as_str().unwrap();
    assert_eq!(sim.state.credentials[k].expires_ms, T0 + 900_000);
    assert!(sim.state.secrets.access_key_ids.contains(&k.to_owned()));
}

#[test]
fn admin_jit_v3_region_and_permissions() {
    let mut sim = Sim::demo();
    let admin = sim.token("demo", "admin@demo.io");
    let dev = sim.token("demo", "dev@demo.io");
    assert_eq!(
        sim.api(DEMO, "/v3/admin/aws/jitAccess/admin", &dev).status,
        403
    );
    assert_eq!(
        sim.api(DEMO, "/adminproxy/GetJITAwsConsoleAccessUrl", &dev)
            .status,
        403
    );
    let j = sim
        .api(DEMO, "/v3/admin/aws/jitAccess/admin", &admin)
        .body_json();
    assert_eq!(j["Region"], "us-west-2");
    assert_eq!(j["Validity"], 3600);
    assert_eq!(
        sim.state.credentials[j["AccessKeyId"].as_str().unwrap()].role,
        "duplo-admin"
    );
    let j = sim
        .api(DEMO, "/v3/admin/aws/jitAccess/admin/eu-west-1", &admin)
        .body_json();
    assert_eq!(j["Region"], "eu-west-1");
    assert!(j["ConsoleUrl"]
        .as_str()
        .unwrap()
        .contains("eu-west-1.console.aws.amazon.com"));
    let j = sim
        .api(DEMO, "/adminproxy/GetJITAwsConsoleAccessUrl", &admin)
        .body_json();
    assert!(j["AccessKeyId"].as_str().unwrap().starts_with("ASIA"));
    // duplo-ops is off in the demo: the route does not exist.
    assert_eq!(
        sim.api(DEMO, "/v3/admin/aws/jitAccess/duplo-ops", &admin)
            .status,
        404
    );
}

#[test]
fn otp_is_needed_for_admin_calls_only() {
    let mut sim = Sim::new(
        duplo_sim::config::Config::load_file(
            &std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/otp-portal.json"),
        )
        .unwrap(),
    );
    let host = "acme.duplocloud.net";
    let t = "acme-api-token-alice-0001";
    assert_eq!(
        sim.api(host, "/v3/features/system", t).body_json()["IsOtpNeeded"],
        true
    );
    for path in [
        "/v3/admin/aws/jitAccess/admin",
        "/adminproxy/GetJITAwsConsoleAccessUrl",
        "/v3/admin/aws/jitAccess/duplo-ops",
    ] {
        let r = sim.api(host, path, t);
        assert_eq!(r.status, 403, "{path}");
        assert!(r.body_text().contains("OTP") && r.body_text().contains("required"));
        let r = sim.send(
            Request::get(&format!("https://{host}{path}"))
                .with_bearer(t)
                .with_header("otpcode", "000000"),
        );
        assert_eq!(r.status, 403);
        assert!(r.body_text().contains("invalid"));
        let r = sim.send(
            Request::get(&format!("https://{host}{path}"))
                .with_bearer(t)
                .with_header("otpcode", "424242"),
        );
        assert_eq!(r.status, 200, "{path}");
        assert_eq!(r.body_json()["Validity"], 1800);
    }
    let ops = sim.send(
        Request::get(&format!("https://{host}/v3/admin/aws/jitAccess/duplo-ops"))
            .with_bearer(t)
            .with_header("otpcode", "424242"),
    );
    assert_eq!(
        sim.state.credentials[ops.body_json()["AccessKeyId"].as_str().unwrap()].role,
        "duplo-ops"
    );
    // Tenant-level calls never need the code.
    let r = sim.api(
        host,
        "/subscriptions/7d0c4d7e-2f6b-4b8e-8f34-0b5a3c2d1e01/GetAwsConsoleTokenUrl",
        t,
    );
    assert_eq!(r.status, 200);
    // Non-admins get 403 for duplo-ops as well.
    let bob = sim.token("acme", "bob@acme.io");
    let r = sim.send(
        Request::get(&format!("https://{host}/v3/admin/aws/jitAccess/duplo-ops"))
            .with_bearer(&bob)
            .with_header("otpcode", "424242"),
    );
    assert_eq!(r.status, 403);
}

#[test]
fn legacy_portal_and_disabled_admin_jit() {
    let mut sim = Sim::from_json(
        r#"{"portals":[{"name":"old","admin_jit_api":"legacy"},{"name":"off","admin_jit":false}]}"#,
    );
    let t = sim.token("old", "alice@acme.io");
    assert_eq!(
        sim.api("old.duplocloud.net", "/v3/admin/aws/jitAccess/admin", &t)
            .status,
        404
    );
    assert_eq!(
        sim.api(
            "old.duplocloud.net",
            "/v3/admin/aws/jitAccess/admin/us-east-1",
            &t
        )
        .status,
        404
    );
    assert_eq!(
        sim.api("old.duplocloud.net", "/v3/admin/aws/jitAccess/admin", "bad")
            .status,
        404
    );
    assert_eq!(
        sim.api(
            "old.duplocloud.net",
            "/adminproxy/GetJITAwsConsoleAccessUrl",
            &t
        )
        .status,
        200
    );
    let t = sim.token("off", "alice@acme.io");
    assert_eq!(
        sim.api("off.duplocloud.net", "/v3/admin/aws/jitAccess/admin", &t)
            .status,
        403
    );
    assert_eq!(
        sim.api(
            "off.duplocloud.net",
            "/adminproxy/GetJITAwsConsoleAccessUrl",
            &t
        )
        .status,
        403
    );
    assert_eq!(
        sim.api("off.duplocloud.net", "/v3/features/system", &t)
            .body_json()["IsAwsAdminJITEnabled"],
        false
    );
}

#[test]
fn console_url_modes() {
    let mut sim = Sim::from_json(
        r#"{"portals":[{"name":"e","console_url":"empty"},{"name":"f","console_url":"foreign"}]}"#,
    );
    let t = sim.token("e", "alice@acme.io");
    let j = sim
        .api("e.duplocloud.net", "/v3/admin/aws/jitAccess/admin", &t)
        .body_json();
    assert_eq!(j["ConsoleUrl"], "");
    let t = sim.token("f", "alice@acme.io");
    let j = sim
        .api("f.duplocloud.net", "/v3/admin/aws/jitAccess/admin", &t)
        .body_json();
    assert!(j["ConsoleUrl"]
        .as_str()
        .unwrap()
        .starts_with("https://foreign.example/phish?"));
    let (page, _) = sim.follow(&mut Jar::default(), j["ConsoleUrl"].as_str().unwrap());
    assert!(page.body_text().contains("Phishing page"));
}

#[test]
fn login_form_and_dashboard() {
    let mut sim = Sim::demo();
    let mut jar = Jar::default();
    let r = sim.browse(&mut jar, Request::get(&format!("https://{DEMO}/app/")));
    assert_eq!(r.status, 302);
    assert_eq!(r.header("location"), Some("/app/login?next=%2Fapp%2F"));
    let form = sim.browse(
        &mut jar,
        Request::get(&format!("https://{DEMO}/app/login?next=%2Fapp%2F")),
    );
    let html = form.body_text();
    assert!(html.contains("<label for=\"username\">Username</label>"));
    assert!(html.contains("<label for=\"password\">Password</label>"));
    assert!(html.contains("<button type=\"submit\">Log in</button>"));

    let bad = sim.login(&mut jar, DEMO, "admin@demo.io", "wrong");
    assert!(bad.body_text().contains("Invalid username or password"));
    assert!(jar.cookies.is_empty());

    let ok = sim.login(&mut jar, DEMO, "admin@demo.io", "demo");
    assert_eq!(ok.status, 303);
    assert_eq!(ok.header("location"), Some("/app/"));
    let cookie = ok.header("set-cookie").unwrap();
    for attr in ["HttpOnly", "Secure", "SameSite=Lax", "Path=/"] {
        assert!(cookie.contains(attr), "{cookie}");
    }
    let dash = sim.browse(&mut jar, Request::get(&format!("https://{DEMO}/app/")));
    let html = dash.body_text();
    assert!(html.contains("Welcome admin@demo.io"));
    assert!(html.contains(&format!("href=\"/app/devops/{PROD}/services\"")));
    // The g_authToken script holds a working API token.
    let start = html
        .find("localStorage.setItem(\"g_authToken\", \"")
        .unwrap()
        + 37;
    let token = &html[start..start + html[start..].find('"').unwrap()];
    assert_eq!(sim.api(DEMO, "/admin/GetUserRoleInfo", token).status, 200);
    // Tenant pages show the tenant's name.
    let p = sim.browse(
        &mut jar,
        Request::get(&format!("https://{DEMO}/app/devops/{QA}/services")),
    );
    assert!(p.body_text().contains("<h1 id=\"tenant-name\">qa</h1>"));
    // Unsafe next values fall back to /app/.
    for next in [
        "https://evil.example/",
        "//evil.example/",
        "/\\evil.example",
    ] {
        let r = sim.send(
            Request::post(&format!("https://{DEMO}/app/login")).with_form(&[
                ("username", "admin@demo.io"),
                ("password", "demo"),
                ("next", next),
            ]),
        );
        assert_eq!(r.header("location"), Some("/app/"), "{next}");
    }
    // Revoking the user's tokens logs the browser out.
    sim.state.revoke_user("demo", "admin@demo.io").unwrap();
    let r = sim.browse(&mut jar, Request::get(&format!("https://{DEMO}/app/")));
    assert_eq!(r.status, 302);
}

#[test]
fn non_admin_sees_only_their_tenants_and_no_token_script_when_disabled() {
    let mut sim = Sim::demo();
    sim.state.config.portals[0].token_in_local_storage = false;
    let cfg = sim.state.config.clone();
    sim.state.replace_config(cfg);
    let mut jar = Jar::default();
    sim.login(&mut jar, DEMO, "dev@demo.io", "demo");
    let html = sim
        .browse(&mut jar, Request::get(&format!("https://{DEMO}/app/")))
        .body_text();
    assert!(html.contains(DEV01) && !html.contains(PROD));
    assert!(!html.contains("g_authToken"));
    let r = sim.browse(
        &mut jar,
        Request::get(&format!("https://{DEMO}/app/devops/{PROD}/services")),
    );
    assert_eq!(r.status, 403);
}

#[test]
fn hostile_tenant_names_are_escaped_in_pages_and_verbatim_in_json() {
    let hostile = "<img src=x onerror=alert(1)>";
    let mut sim = Sim::new(
        duplo_sim::config::Config::load_file(
            &std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/otp-portal.json"),
        )
        .unwrap(),
    );
    let host = "acme.duplocloud.net";
    let list = sim
        .api(
            host,
            "/admin/GetTenantsForUser",
            "acme-api-token-alice-0001",
        )
        .body_json();
    assert_eq!(list[1]["AccountName"], hostile);
    let mut jar = Jar::default();
    sim.login(&mut jar, host, "alice@acme.io", "demo");
    let id = "7d0c4d7e-2f6b-4b8e-8f34-0b5a3c2d1e02";
    for path in ["/app/".to_string(), format!("/app/devops/{id}/services")] {
        let html = sim
            .browse(&mut jar, Request::get(&format!("https://{host}{path}")))
            .body_text();
        assert!(!html.contains("<img"), "{path}");
        assert!(
            html.contains("&lt;img src=x onerror=alert(1)&gt;"),
            "{path}"
        );
    }
    // The console page escapes it too.
    let j = sim
        .api(
            host,
            &format!("/subscriptions/{id}/GetAwsConsoleTokenUrl"),
            "acme-api-token-alice-0001",
        )
        .body_json();
    let (page, _) = sim.follow(&mut jar, j["ConsoleUrl"].as_str().unwrap());
    let html = page.body_text();
    assert!(html.contains("<p id=\"tenant\">&lt;img src=x onerror=alert(1)&gt;</p>"));
    assert!(!html.contains("<img"));
}

fn verify_url(extra: &str) -> String {
    format!("https://{DEMO}/app/user/verify-token?localAppName=JIT%20Console&localPort=41234&redirect=true{extra}")
}

#[test]
fn verify_token_authorize_hands_a_new_token_to_localhost() {
    let mut sim = Sim::demo();
    let mut jar = Jar::default();
    let r = sim.browse(&mut jar, Request::get(&verify_url("&isAdmin=true")));
    assert_eq!(r.status, 302);
    let loc = r.header("location").unwrap().to_string();
    assert!(loc.starts_with("/app/login?next="));
    let next = url::form_urlencoded::parse(loc.split_once('?').unwrap().1.as_bytes())
        .find(|(k, _)| k == "next")
        .unwrap()
        .1
        .into_owned();
    assert_eq!(
        next,
        "/app/user/verify-token?localAppName=JIT%20Console&localPort=41234&redirect=true&isAdmin=true"
    );
    let r = sim.browse(
        &mut jar,
        Request::post(&format!("https://{DEMO}/app/login")).with_form(&[
            ("username", "admin@demo.io"),
            ("password", "demo"),
            ("next", &next),
        ]),
    );
    assert_eq!(r.header("location"), Some(next.as_str()));
    let page = sim.browse(&mut jar, Request::get(&format!("https://{DEMO}{next}")));
    let html = page.body_text();
    assert!(html.contains(
        "The JIT Console application on your computer wants to access your Duplo credentials"
    ));
    assert!(html.contains(">Authorize</button>") && html.contains(">Cancel</button>"));
    assert!(html.contains("action=\"/app/user/verify-token/authorize\""));
    assert!(html.contains("Administrator access is requested"));

    let before: Vec<String> = sim.state.tokens.keys().cloned().collect();
    let r = sim.browse(
        &mut jar,
        Request::post(&format!("https://{DEMO}/app/user/verify-token/authorize")).with_form(&[
            ("localAppName", "JIT Console"),
            ("localPort", "41234"),
            ("redirect", "true"),
            ("isAdmin", "true"),
        ]),
    );
    assert_eq!(r.status, 302);
    let loc = r.header("location").unwrap();
    let token =
        duplo_sim::http::decode_component(loc.strip_prefix("http://localhost:41234/?t=").unwrap());
    assert!(!before.contains(&token), "a new token is minted");
    assert_eq!(sim.api(DEMO, "/admin/GetUserRoleInfo", &token).status, 200);
    assert_eq!(sim.state.tokens[&token].expires_ms, T0 + 28_800_000);

    let done = sim.browse(&mut jar, Request::get(&verify_url("&success=true")));
    assert!(done.body_text().contains("Authorization successful"));
    assert!(done.body_text().contains("You can close this tab"));
}

#[test]
fn handoff_to_127_0_0_1_and_cancel() {
    let mut sim = Sim::demo();
    sim.state.config.portals[0].handoff_host = duplo_sim::config::HandoffHost::Loopback;
    let cfg = sim.state.config.clone();
    sim.state.replace_config(cfg);
    let mut jar = Jar::default();
    sim.login(&mut jar, DEMO, "dev@demo.io", "demo");
    let form = [
        ("localAppName", "JIT Console"),
        ("localPort", "9"),
        ("redirect", "true"),
        ("isAdmin", "false"),
    ];
    let r = sim.browse(
        &mut jar,
        Request::post(&format!("https://{DEMO}/app/user/verify-token/authorize")).with_form(&form),
    );
    assert!(r
        .header("location")
        .unwrap()
        .starts_with("http://127.0.0.1:9/?t="));
    let r = sim.browse(
        &mut jar,
        Request::post(&format!("https://{DEMO}/app/user/verify-token/cancel")).with_form(&form),
    );
    assert_eq!(r.status, 303);
    assert_eq!(
        r.header("location"),
        Some("/app/user/verify-token?localAppName=JIT%20Console&localPort=9&cancelled=true")
    );
    let page = sim.browse(
        &mut jar,
        Request::get(&format!("https://{DEMO}{}", r.header("location").unwrap())),
    );
    assert!(page.body_text().contains("Access denied"));
}

#[test]
fn verify_token_validates_and_escapes_its_inputs() {
    let mut sim = Sim::demo();
    let mut jar = Jar::default();
    sim.login(&mut jar, DEMO, "dev@demo.io", "demo");
    for q in [
        "localAppName=x&localPort=0",
        "localAppName=x&localPort=65536",
        "localAppName=x&localPort=abc",
        "localAppName=&localPort=80",
        "localAppName=%3Cscript%3E&localPort=80",
        "localPort=80",
    ] {
        let r = sim.browse(
            &mut jar,
            Request::get(&format!(
                "https://{DEMO}/app/user/verify-token?{q}&redirect=true"
            )),
        );
        assert_eq!(r.status, 400, "{q}");
        assert!(!r.body_text().contains("<script>"));
    }
    let r = sim.browse(&mut jar, Request::get(&format!("https://{DEMO}/app/user/verify-token?localAppName=duplo-aws-credential-process&localPort=65535&redirect=true")));
    assert_eq!(r.status, 200);
    assert!(r.body_text().contains("The duplo-aws-credential-process application on your computer wants to access your Duplo credentials"));
    // Without redirect=true, the older variant is only described; no token is minted.
    let n = sim.state.tokens.len();
    let r = sim.browse(
        &mut jar,
        Request::post(&format!("https://{DEMO}/app/user/verify-token/authorize")).with_form(&[
            ("localAppName", "x"),
            ("localPort", "80"),
            ("redirect", "false"),
        ]),
    );
    assert_eq!(r.status, 200);
    assert_eq!(sim.state.tokens.len(), n);
    // Authorize without a UI session goes to the login form.
    let r = sim.send(
        Request::post(&format!("https://{DEMO}/app/user/verify-token/authorize")).with_form(&[
            ("localAppName", "x"),
            ("localPort", "80"),
            ("redirect", "true"),
        ]),
    );
    assert_eq!(r.status, 302);
    assert!(r
        .header("location")
        .unwrap()
        .starts_with("/app/login?next="));
}

#[test]
fn login_links_are_single_use() {
    let mut sim = Sim::demo();
    let r = sim.control(
        "POST",
        "/login-link",
        r#"{"portal":"demo","username":"dev@demo.io","next":"/app/devops/x"}"#,
    );
    assert_eq!(r.status, 200);
    let url = r.body_json()["url"].as_str().unwrap().to_string();
    assert!(url.starts_with("https://demo.duplocloud.net/app/_sim/login?code="));
    let mut jar = Jar::default();
    let r = sim.browse(&mut jar, Request::get(&url));
    assert_eq!(r.status, 302);
    assert_eq!(r.header("location"), Some("/app/devops/x"));
    let dash = sim.browse(&mut jar, Request::get(&format!("https://{DEMO}/app/")));
    assert!(dash.body_text().contains("Welcome dev@demo.io"));
    assert_eq!(sim.send(Request::get(&url)).status, 400, "second use");
    assert_eq!(
        sim.control("POST", "/login-link", r#"{"portal":"demo","username":"x"}"#)
            .status,
        404
    );
    assert_eq!(
        sim.control("POST", "/login-link", r#"{"portal":"nope","username":"x"}"#)
            .status,
        404
    );
}
