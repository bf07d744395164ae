//! The control API and fault injection, without sockets.
#![allow(clippy::unwrap_used)]

mod common;

use common::*;
use duplo_sim::faults::Outcome;
use duplo_sim::http::Request;
use duplo_sim::router;
use serde_json::{json, Value};

#[test]
fn health_and_unknown_paths() {
    let mut sim = Sim::demo();
    assert_eq!(
        sim.control("GET", "/health", "").body_json(),
        json!({"ok": true})
    );
    assert_eq!(sim.control("GET", "/nope", "").status, 404);
    assert_eq!(sim.control("DELETE", "/config", "").status, 405);
}

#[test]
fn config_get_and_replace() {
    let mut sim = Sim::demo();
    let c = sim.control("GET", "/config", "").body_json();
    assert_eq!(c["console_mode"], "single");
    assert_eq!(c["portals"][0]["name"], "demo");
    assert_eq!(c["portals"][0]["users"][1]["username"], "dev@demo.io");

    let admin = sim.token("demo", "admin@demo.io");
    let dev = sim.token("demo", "dev@demo.io");
    let mut new = c.clone();
    new["console_mode"] = Value::from("multi");
    new["portals"][0]["users"].as_array_mut().unwrap().remove(1);
    new["portals"][0]["otp"] = Value::from(true);
    let r = sim.control("PUT", "/config", &new.to_string());
    assert_eq!(r.status, 200, "{}", r.body_text());
    assert_eq!(
        sim.control("GET", "/config", "").body_json()["console_mode"],
        "multi"
    );
    assert_eq!(
        sim.api(DEMO, "/admin/GetUserRoleInfo", &admin).status,
        200,
        "kept"
    );
    assert_eq!(
        sim.api(DEMO, "/admin/GetUserRoleInfo", &dev).status,
        401,
        "user is gone"
    );
    assert_eq!(
        sim.api(DEMO, "/v3/features/system", &admin).body_json()["IsOtpNeeded"],
        true
    );

    for (body, needle) in [
        ("{", "invalid configuration JSON"),
        (r#"{"portals":[{"bogus":1}]}"#, "bogus"),
        (r#"{"clock_speed":-3}"#, "clock_speed"),
    ] {
        let r = sim.control("PUT", "/config", body);
        assert_eq!(r.status, 400);
        assert!(
            r.body_json()["error"].as_str().unwrap().contains(needle),
            "{body}"
        );
    }
    assert_eq!(
        sim.control("GET", "/config", "").body_json()["console_mode"],
        "multi",
        "unchanged after errors"
    );
}

#[test]
fn revoke_by_token_and_by_user() {
    let mut sim = Sim::demo();
    let a = sim.token("demo", "dev@demo.io");
    let b = sim.token("demo", "dev@demo.io");
    let admin = sim.token("demo", "admin@demo.io");
    let r = sim.control("POST", "/revoke", &json!({"token": a}).to_string());
    assert_eq!(r.body_json()["revoked"], 1);
    assert_eq!(sim.api(DEMO, "/admin/GetUserRoleInfo", &a).status, 401);
    assert_eq!(sim.api(DEMO, "/admin/GetUserRoleInfo", &b).status, 200);
    let r = sim.control(
        "POST",
        "/revoke",
        r#"{"portal":"demo","username":"dev@demo.io"}"#,
    );
    assert_eq!(r.body_json()["revoked"], 1);
    assert_eq!(sim.api(DEMO, "/admin/GetUserRoleInfo", &b).status, 401);
    assert_eq!(sim.api(DEMO, "/admin/GetUserRoleInfo", &admin).status, 200);
    assert_eq!(
        sim.control("POST", "/revoke", r#"{"portal":"demo","username":"x"}"#)
            .status,
        404
    );
    assert_eq!(
        sim.control("POST", "/revoke", r#"{"portal":"demo"}"#)
            .status,
        400
    );
    assert_eq!(sim.control("POST", "/revoke", "nope").status, 400);
}

#[test]
fn clock_speed_and_advance() {
    let mut sim = Sim::demo();
    let c = sim.control("GET", "/clock", "").body_json();
    assert_eq!(c["now_ms"], T0);
    assert_eq!(c["speed"], 0.0);
    let token = sim.token("demo", "dev@demo.io");
    let c = sim
        .control("POST", "/clock", r#"{"advance_secs": 3000}"#)
        .body_json();
    assert_eq!(c["now_ms"], T0 + 3_000_000);
    assert_eq!(sim.api(DEMO, "/admin/GetUserRoleInfo", &token).status, 200);
    sim.control("POST", "/clock", r#"{"advance_secs": 25800}"#);
    assert_eq!(
        sim.api(DEMO, "/admin/GetUserRoleInfo", &token).status,
        401,
        "8 h token expired"
    );
    let c = sim
        .control("POST", "/clock", r#"{"speed": 60.0}"#)
        .body_json();
    assert_eq!(c["speed"], 60.0);
    assert_eq!(
        sim.control("GET", "/config", "").body_json()["clock_speed"],
        60.0
    );
    std::thread::sleep(std::time::Duration::from_millis(50));
    assert!(sim.now() >= T0 + 28_800_000 + 2_000);
    assert_eq!(
        sim.control("POST", "/clock", r#"{"speed": -1}"#).status,
        400
    );
    assert_eq!(
        sim.control("POST", "/clock", r#"{"advance_secs": -5}"#)
            .status,
        400
    );
    assert_eq!(sim.control("POST", "/clock", r#"{"sped": 1}"#).status, 400);
}

#[test]
fn secrets_list_everything_issued() {
    let mut sim = Sim::demo();
    sim.state.config.portals[0].users[0].api_tokens = vec!["configured-api-token".into()];
    let cfg = sim.state.config.clone();
    sim.state.replace_config(cfg);
    let mut jar = Jar::default();
    sim.login(&mut jar, DEMO, "dev@demo.io", "demo");
    let token = sim.token("demo", "dev@demo.io");
    let j = sim
        .api(
            DEMO,
            &format!("/subscriptions/{DEV01}/GetAwsConsoleTokenUrl"),
            &token,
        )
        .body_json();
    let r = sim.send(Request::get(&format!(
        "https://signin.aws.amazon.com/federation?Action=getSigninToken&Session={}",
        enc(&session_json(&j))
    )));
    let st = r.body_json()["SigninToken"].as_str().unwrap().to_string();
    let s = sim.control("GET", "/secrets", "").body_json();
    let has = |k: &str, v: &str| s[k].as_array().unwrap().iter().any(|x| x == v);
    assert!(has("portal_tokens", &token));
    assert!(has("portal_tokens", "configured-api-token"));
    assert_eq!(
        s["portal_tokens"].as_array().unwrap().len(),
        3,
        "UI session token too"
    );
    assert!(has("access_key_ids", j["AccessKeyId"].as_str().unwrap()));
    assert!(has(
        "secret_access_keys",
        j["SecretAccessKey"].as_str().unwrap()
    ));
    assert!(has("session_tokens", j["SessionToken"].as_str().unwrap()));
    assert!(has("signin_tokens", &st));
    assert_eq!(
        s["signin_tokens"].as_array().unwrap().len(),
        2,
        "the ConsoleUrl's token too"
    );
    assert!(has("console_urls", j["ConsoleUrl"].as_str().unwrap()));
}

fn serve(sim: &mut Sim, req: Request) -> duplo_sim::router::Served {
    let now = sim.now();
    router::serve(&mut sim.state, &req, now, 42)
}

#[test]
fn log_records_every_https_request() {
    let mut sim = Sim::demo();
    let token = sim.token("demo", "admin@demo.io");
    serve(
        &mut sim,
        Request::get(&format!("https://{DEMO}/v3/admin/aws/jitAccess/admin?x=1"))
            .with_bearer(&token)
            .with_header("otpcode", "999")
            .with_header("origin", "chrome-extension://abc"),
    );
    serve(
        &mut sim,
        Request::get("https://signin.aws.amazon.com/federation?Action=login"),
    );
    serve(&mut sim, Request::get("https://foreign.example/"));
    let log = sim.control("GET", "/log", "").body_json();
    let log = log.as_array().unwrap();
    assert_eq!(log.len(), 3);
    assert_eq!(
        log[0],
        json!({"seq": 1, "time_ms": 42, "host": DEMO, "method": "GET",
               "path": "/v3/admin/aws/jitAccess/admin", "query": "x=1", "token": token,
               "otp": "999", "origin": "chrome-extension://abc", "status": 200})
    );
    assert_eq!(log[1]["status"], 400);
    assert_eq!(log[1]["token"], Value::Null);
    assert_eq!(log[2]["host"], "foreign.example");
    let since = sim.control("GET", "/log?since=2", "").body_json();
    assert_eq!(since.as_array().unwrap().len(), 1);
    assert_eq!(sim.control("DELETE", "/log", "").body_json()["cleared"], 3);
    assert_eq!(sim.control("GET", "/log", "").body_json(), json!([]));
    assert_eq!(sim.control("GET", "/log?since=x", "").status, 400);
}

#[test]
fn faults_replace_break_and_delay_answers() {
    let mut sim = Sim::demo();
    let token = sim.token("demo", "admin@demo.io");
    let tenants =
        || Request::get(&format!("https://{DEMO}/admin/GetTenantsForUser")).with_bearer("x");
    let rules = json!([
        {"host": DEMO, "path_prefix": "/admin/GetTenantsForUser", "times": 2, "status": 500, "body": "{\"Message\":\"boom\"}"},
        {"host": "other.duplocloud.net", "path_prefix": "/", "kind": "drop"},
        {"path_prefix": "/v3/features/system", "times": 1, "latency_ms": 250},
        {"path_prefix": "/admin/GetUserRoleInfo", "times": 1, "kind": "truncated"},
        {"path_prefix": "/v3/features/tenant", "kind": "nested", "times": 1}
    ]);
    let r = sim.control("POST", "/faults", &rules.to_string());
    assert_eq!(r.status, 200, "{}", r.body_text());
    assert_eq!(
        sim.control("GET", "/faults", "")
            .body_json()
            .as_array()
            .unwrap()
            .len(),
        5
    );

    for _ in 0..2 {
        let Outcome::Respond(r) = serve(&mut sim, tenants()).outcome else {
            panic!()
        };
        assert_eq!(r.status, 500);
        assert_eq!(r.body_json()["Message"], "boom");
    }
    let Outcome::Respond(r) = serve(&mut sim, tenants()).outcome else {
        panic!()
    };
    assert_eq!(r.status, 401, "rule spent: normal answer");

    assert_eq!(
        serve(&mut sim, Request::get("https://other.duplocloud.net/x")).outcome,
        Outcome::Drop
    );

    let s = serve(
        &mut sim,
        Request::get(&format!("https://{DEMO}/v3/features/system")).with_bearer(&token),
    );
    assert_eq!(s.latency_ms, 250);
    assert!(matches!(s.outcome, Outcome::Respond(ref r) if r.status == 200));

    let s = serve(
        &mut sim,
        Request::get(&format!("https://{DEMO}/admin/GetUserRoleInfo")).with_bearer(&token),
    );
    let Outcome::Truncate(r) = s.outcome else {
        panic!()
    };
    assert_eq!(
        r.body_json()["Username"],
        "admin@demo.io",
        "the normal answer, to be cut by the server"
    );

    let s = serve(
        &mut sim,
        Request::get(&format!("https://{DEMO}/v3/features/tenant/{DEV01}")).with_bearer(&token),
    );
    let Outcome::Respond(r) = s.outcome else {
        panic!()
    };
    assert_eq!(r.body.len(), 200_000);

    let log = sim.control("GET", "/log", "").body_json();
    let statuses: Vec<u64> = log
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["status"].as_u64().unwrap())
        .collect();
    assert_eq!(statuses, vec![500, 500, 401, 0, 200, 200, 200]);

    // A single rule object is accepted too; bad rules are explained.
    assert_eq!(
        sim.control("POST", "/faults", r#"{"path_prefix":"/x","kind":"huge"}"#)
            .status,
        200
    );
    let r = sim.control(
        "POST",
        "/faults",
        r#"[{"path_prefix":"/x","kind":"explode"}]"#,
    );
    assert_eq!(r.status, 400);
    assert!(r.body_json()["error"].as_str().unwrap().contains("explode"));
    assert_eq!(
        sim.control("POST", "/faults", r#"[{"status":1000}]"#)
            .status,
        400
    );
    assert_eq!(
        sim.control("DELETE", "/faults", "").body_json()["cleared"],
        2
    );
    assert_eq!(sim.control("GET", "/faults", "").body_json(), json!([]));
}

#[test]
fn replaced_answers_do_not_run_the_handler() {
    let mut sim = Sim::demo();
    let token = sim.token("demo", "admin@demo.io");
    sim.control(
        "POST",
        "/faults",
        r#"[{"path_prefix":"/v3/admin","status":503}]"#,
    );
    let s = serve(
        &mut sim,
        Request::get(&format!("https://{DEMO}/v3/admin/aws/jitAccess/admin")).with_bearer(&token),
    );
    assert_eq!(s.outcome.status(), 503);
    assert!(
        sim.state.credentials.is_empty(),
        "no credentials minted behind a fault"
    );
}
