//! AWS federation sign-in, logout, console pages and the foreign site, without sockets.
#![allow(clippy::unwrap_used)]

mod common;

use common::*;
use duplo_sim::http::{Request, Response};
use serde_json::Value;

fn jit(sim: &mut Sim, tenant: &str) -> Value {
    let t = sim.token("demo", "admin@demo.io");
    sim.api(
        DEMO,
        &format!("/subscriptions/{tenant}/GetAwsConsoleTokenUrl"),
        &t,
    )
    .body_json()
}

fn get_signin_token(sim: &mut Sim, host: &str, session: &str) -> Response {
    sim.send(Request::get(&format!(
        "https://{host}/federation?Action=getSigninToken&Session={}",
        enc(session)
    )))
}

fn login_url(host: &str, destination: &str, token: &str) -> String {
    format!(
        "https://{host}/federation?Action=login&Issuer={}&Destination={}&SigninToken={}",
        enc("https://demo.duplocloud.net/"),
        enc(destination),
        enc(token)
    )
}

fn signin_token(sim: &mut Sim, creds: &Value) -> String {
    let r = get_signin_token(sim, "signin.aws.amazon.com", &session_json(creds));
    assert_eq!(r.status, 200, "{}", r.body_text());
    r.body_json()["SigninToken"].as_str().unwrap().to_string()
}

const DEST: &str = "https://us-west-2.console.aws.amazon.com/s3/home?region=us-west-2";

#[test]
fn get_signin_token_checks_the_credentials() {
    let mut sim = Sim::demo();
    let c = jit(&mut sim, DEV01);
    let token = signin_token(&mut sim, &c);
    assert!(token.len() > 100);
    // Regional sign-in hosts answer too.
    let r = get_signin_token(
        &mut sim,
        "us-east-1.signin.aws.amazon.com",
        &session_json(&c),
    );
    assert_eq!(r.status, 200);
    let r = sim.send(Request::get(&format!(
        "https://signin.aws.amazon.com/federation?Action=getSigninToken&SessionDuration=3600&Session={}",
        enc(&session_json(&c))
    )));
    assert_eq!(r.status, 200);
    let mut wrong = c.clone();
    wrong["SecretAccessKey"] = Value::from("x".repeat(40));
    assert_eq!(
        get_signin_token(&mut sim, "signin.aws.amazon.com", &session_json(&wrong)).status,
        400
    );
    let mut wrong = c.clone();
    wrong["SessionToken"] = Value::from("nope");
    assert_eq!(
        get_signin_token(&mut sim, "signin.aws.amazon.com", &session_json(&wrong)).status,
        400
    );
    assert_eq!(
        get_signin_token(&mut sim, "signin.aws.amazon.com", "not json").status,
        400
    );
    // Other partitions do not know these credentials.
    assert_eq!(
        get_signin_token(&mut sim, "signin.amazonaws-us-gov.com", &session_json(&c)).status,
        400
    );
    // Expired credentials are refused.
    sim.advance(3600.0);
    assert_eq!(
        get_signin_token(&mut sim, "signin.aws.amazon.com", &session_json(&c)).status,
        400
    );
}

#[test]
fn login_is_single_use_and_tokens_last_15_minutes() {
    let mut sim = Sim::demo();
    let c = jit(&mut sim, DEV01);
    let token = signin_token(&mut sim, &c);
    let mut jar = Jar::default();
    let r = sim.browse(
        &mut jar,
        Request::get(&login_url("signin.aws.amazon.com", DEST, &token)),
    );
    assert_eq!(r.status, 302);
    assert_eq!(r.header("location"), Some(DEST));
    let cookie = r.header("set-cookie").unwrap();
    for attr in ["Domain=.aws.amazon.com", "Secure", "HttpOnly", "Path=/"] {
        assert!(cookie.contains(attr), "{cookie}");
    }
    // Second use, even from a fresh browser.
    let r = sim.send(Request::get(&login_url(
        "signin.aws.amazon.com",
        DEST,
        &token,
    )));
    assert_eq!(r.status, 400);

    let t2 = signin_token(&mut sim, &c);
    sim.advance(14.0 * 60.0 + 59.0);
    let r = sim.send(Request::get(&login_url("signin.aws.amazon.com", DEST, &t2)));
    assert_eq!(r.status, 302, "still valid at 14:59");
    let t3 = signin_token(&mut sim, &c);
    sim.advance(15.0 * 60.0);
    let r = sim.send(Request::get(&login_url("signin.aws.amazon.com", DEST, &t3)));
    assert_eq!(r.status, 400, "expired at 15:00");
    assert_eq!(
        sim.send(Request::get(&login_url(
            "signin.aws.amazon.com",
            DEST,
            "bogus"
        )))
        .status,
        400
    );
}

#[test]
fn login_destination_must_be_a_console_url_of_the_partition() {
    let mut sim = Sim::demo();
    let c = jit(&mut sim, DEV01);
    let token = signin_token(&mut sim, &c);
    for dest in [
        "http://console.aws.amazon.com/",
        "https://foreign.example/",
        "https://console.amazonaws-us-gov.com/",
        "https://signin.aws.amazon.com/",
        "https://console.aws.amazon.com:8443/",
        "javascript:alert(1)",
        "",
    ] {
        let r = sim.send(Request::get(&login_url(
            "signin.aws.amazon.com",
            dest,
            &token,
        )));
        assert_eq!(r.status, 400, "{dest}");
    }
    // Refusals did not consume the token.
    let r = sim.send(Request::get(&login_url(
        "signin.aws.amazon.com",
        "https://console.aws.amazon.com/iam/home",
        &token,
    )));
    assert_eq!(r.status, 302);
}

#[test]
fn console_url_from_the_portal_signs_in_directly() {
    let mut sim = Sim::demo();
    let c = jit(&mut sim, QA);
    let mut jar = Jar::default();
    let (page, url) = sim.follow(&mut jar, c["ConsoleUrl"].as_str().unwrap());
    assert_eq!(
        url,
        "https://us-west-2.console.aws.amazon.com/console/home?region=us-west-2"
    );
    let html = page.body_text();
    assert!(html.contains("<title>Console Home | AWS Console (sim)</title>"));
    assert!(html.contains("<p id=\"identity\">duploservices-qa/admin@demo.io @ 123456789012</p>"));
    assert!(html.contains("<p id=\"tenant\">qa</p>"));
    assert!(html.contains("<p id=\"session-mode\">single</p>"));
    assert!(html.contains("<p id=\"location\">/console/home?region=us-west-2</p>"));
    assert!(html.contains(&format!(
        "<p id=\"expires\">{}</p>",
        duplo_sim::clock::iso8601(T0 + 3_600_000)
    )));
    assert!(html.contains("/_console/session"));
}

#[test]
fn single_session_refuses_a_second_login_until_logout() {
    let mut sim = Sim::demo();
    let mut jar = Jar::default();
    let a = jit(&mut sim, DEV01);
    let b = jit(&mut sim, QA);
    let ta = signin_token(&mut sim, &a);
    let tb = signin_token(&mut sim, &b);
    assert_eq!(
        sim.browse(
            &mut jar,
            Request::get(&login_url("signin.aws.amazon.com", DEST, &ta))
        )
        .status,
        302
    );
    let r = sim.browse(
        &mut jar,
        Request::get(&login_url("signin.aws.amazon.com", DEST, &tb)),
    );
    assert_eq!(r.status, 400);
    assert!(r
        .body_text()
        .contains("You must first log out before logging into a different AWS account"));
    // The page still shows tenant A.
    let page = sim.browse(&mut jar, Request::get(DEST));
    assert!(page.body_text().contains("duploservices-dev01/"));
    // Logout with a redirect to the login URL: tenant B's token was not consumed.
    let logout = format!(
        "https://signin.aws.amazon.com/oauth?Action=logout&redirect_uri={}",
        enc(&login_url("signin.aws.amazon.com", DEST, &tb))
    );
    let (page, url) = sim.follow(&mut jar, &logout);
    assert_eq!(url, DEST);
    assert!(page.body_text().contains("duploservices-qa/"));
    assert_eq!(jar.names(), vec!["aws-sim-session"]);
    // Logout to a non-AWS place shows the signed-out page and clears the cookie.
    let r = sim.browse(
        &mut jar,
        Request::get(&format!(
            "https://signin.aws.amazon.com/oauth?Action=logout&redirect_uri={}",
            enc("https://foreign.example/")
        )),
    );
    assert_eq!(r.status, 200);
    assert!(r.body_text().contains("You have signed out"));
    assert!(jar.cookies.is_empty());
    let r = sim.browse(&mut jar, Request::get(DEST));
    assert_eq!(r.status, 302);
    assert!(r
        .header("location")
        .unwrap()
        .starts_with("https://signin.aws.amazon.com/signin?redirect_uri="));
}

#[test]
fn an_expired_session_does_not_block_a_new_login() {
    let mut sim = Sim::demo();
    let mut jar = Jar::default();
    let a = jit(&mut sim, DEV01);
    let ta = signin_token(&mut sim, &a);
    sim.browse(
        &mut jar,
        Request::get(&login_url("signin.aws.amazon.com", DEST, &ta)),
    );
    sim.advance(3600.0);
    let b = jit(&mut sim, QA);
    let tb = signin_token(&mut sim, &b);
    assert_eq!(
        sim.browse(
            &mut jar,
            Request::get(&login_url("signin.aws.amazon.com", DEST, &tb))
        )
        .status,
        302
    );
}

#[test]
fn console_session_expires_with_its_credentials() {
    let mut sim = Sim::demo();
    let mut jar = Jar::default();
    let c = jit(&mut sim, DEV01);
    let t = signin_token(&mut sim, &c);
    sim.browse(
        &mut jar,
        Request::get(&login_url("signin.aws.amazon.com", DEST, &t)),
    );
    let poll = "https://us-west-2.console.aws.amazon.com/_console/session";
    let r = sim.browse(&mut jar, Request::get(poll));
    assert_eq!(r.status, 200);
    assert_eq!(
        r.body_json()["expires"],
        duplo_sim::clock::iso8601(T0 + 3_600_000)
    );
    // Other console hosts of the partition share the session.
    assert_eq!(
        sim.browse(
            &mut jar,
            Request::get("https://s3.console.aws.amazon.com/s3/buckets")
        )
        .status,
        200
    );
    assert!(sim
        .browse(&mut jar, Request::get("https://s3.console.aws.amazon.com/"))
        .body_text()
        .contains("<title>s3 | AWS Console (sim)</title>"));
    sim.advance(3599.0);
    assert_eq!(sim.browse(&mut jar, Request::get(DEST)).status, 200);
    sim.advance(1.0);
    assert_eq!(sim.browse(&mut jar, Request::get(poll)).status, 401);
    let r = sim.browse(&mut jar, Request::get(DEST));
    assert_eq!(r.status, 302);
    let loc = r.header("location").unwrap();
    assert_eq!(
        loc,
        format!(
            "https://signin.aws.amazon.com/session-expired?redirect_uri={}",
            enc(DEST)
        )
    );
    let page = sim.browse(&mut jar, Request::get(loc));
    assert!(page
        .body_text()
        .contains("<h1>Your session has expired</h1>"));
    // No session at all: the sign-in page.
    let r = sim.send(Request::get("https://console.aws.amazon.com/ec2/home"));
    assert_eq!(r.status, 302);
    let (page, _) = sim.follow(
        &mut Jar::default(),
        "https://console.aws.amazon.com/ec2/home",
    );
    assert!(page.body_text().contains("<h1>Sign in</h1>"));
}

fn multi_sim() -> Sim {
    let mut sim = Sim::demo();
    sim.state.config.console_mode = duplo_sim::config::ConsoleMode::Multi;
    sim
}

#[test]
fn multi_session_gives_each_identity_its_own_host_up_to_five() {
    let mut sim = multi_sim();
    let mut jar = Jar::default();
    let mut hosts = Vec::new();
    for (i, tenant) in [DEV01, QA, STAGING, PROD, DEV01].iter().enumerate() {
        let c = jit(&mut sim, tenant);
        let t = signin_token(&mut sim, &c);
        let dest = if i == 1 {
            "https://console.aws.amazon.com/ec2/home?region=eu-west-1#Instances:".to_string()
        } else {
            DEST.to_string()
        };
        let r = sim.browse(
            &mut jar,
            Request::get(&login_url("signin.aws.amazon.com", &dest, &t)),
        );
        assert_eq!(r.status, 302, "login {i}: {}", r.body_text());
        let loc = url::Url::parse(r.header("location").unwrap()).unwrap();
        let host = loc.host_str().unwrap().to_string();
        let m = duplo_sim::partition::parse_multi_session_host(
            &host,
            duplo_sim::partition::Partition::Aws,
        )
        .unwrap();
        assert_eq!(m.account_id, "123456789012");
        assert_eq!(m.region, if i == 1 { "eu-west-1" } else { "us-west-2" });
        if i == 1 {
            assert_eq!(loc.path(), "/ec2/home");
            assert_eq!(loc.fragment(), Some("Instances:"));
        }
        let cookie = r.header("set-cookie").unwrap();
        assert!(cookie.starts_with(&format!("aws-sim-ms-{}=", m.id8)));
        hosts.push((loc.to_string(), c));
    }
    // Every session shows its own identity, in multi mode.
    for (i, (url, c)) in hosts.iter().enumerate() {
        let page = sim.browse(&mut jar, Request::get(url)).body_text();
        let role = &sim.state.credentials[c["AccessKeyId"].as_str().unwrap()].role;
        assert!(
            page.contains(&format!(
                "<p id=\"identity\">{role}/admin@demo.io @ 123456789012</p>"
            )),
            "{i}"
        );
        assert!(page.contains("<p id=\"session-mode\">multi</p>"));
    }
    // The sixth is refused.
    let c = jit(&mut sim, QA);
    let t = signin_token(&mut sim, &c);
    let r = sim.browse(
        &mut jar,
        Request::get(&login_url("signin.aws.amazon.com", DEST, &t)),
    );
    assert_eq!(r.status, 400);
    assert!(r.body_text().contains("maximum number of sessions"));
    // Logout breaks in multi-session mode.
    let r = sim.browse(&mut jar, Request::get("https://signin.aws.amazon.com/oauth?Action=logout&redirect_uri=https%3A%2F%2Fconsole.aws.amazon.com%2F"));
    assert_eq!(r.status, 400);
    // When one expires, a slot frees up.
    sim.advance(3600.0);
    let c = jit(&mut sim, QA);
    let t = signin_token(&mut sim, &c);
    assert_eq!(
        sim.browse(
            &mut jar,
            Request::get(&login_url("signin.aws.amazon.com", DEST, &t))
        )
        .status,
        302
    );
}

#[test]
fn a_multi_session_is_signed_out_on_its_own_host_and_frees_its_slot() {
    let mut sim = multi_sim();
    let mut jar = Jar::default();
    let mut urls = Vec::new();
    for tenant in [DEV01, QA, STAGING, PROD, DEV01] {
        let c = jit(&mut sim, tenant);
        let t = signin_token(&mut sim, &c);
        let r = sim.browse(
            &mut jar,
            Request::get(&login_url("signin.aws.amazon.com", DEST, &t)),
        );
        urls.push(r.header("location").unwrap().to_string());
    }
    let first = url::Url::parse(&urls[0]).unwrap();
    let host = first.host_str().unwrap().to_string();
    // Signing out of the first session goes on to the sixth login, which now fits.
    let c = jit(&mut sim, QA);
    let t = signin_token(&mut sim, &c);
    let next = login_url("signin.aws.amazon.com", DEST, &t);
    let logout = format!(
        "https://{host}/oauth?Action=logout&redirect_uri={}",
        url::form_urlencoded::byte_serialize(next.as_bytes()).collect::<String>()
    );
    let r = sim.browse(&mut jar, Request::get(&logout));
    assert_eq!(r.status, 302);
    assert_eq!(r.header("location"), Some(next.as_str()));
    assert!(r.header("set-cookie").unwrap().contains("Max-Age=0"));
    assert_eq!(
        sim.browse(&mut jar, Request::get(&next)).status,
        302,
        "the sixth fits"
    );
    // The signed-out session is gone; the others are still there.
    assert_eq!(sim.browse(&mut jar, Request::get(&urls[0])).status, 302);
    assert_eq!(sim.browse(&mut jar, Request::get(&urls[1])).status, 200);
    // Without a redirect, a page says so; elsewhere the redirect is not followed.
    let r = sim.browse(
        &mut jar,
        Request::get(&format!(
            "https://{}/oauth?Action=logout&redirect_uri=https%3A%2F%2Fevil.example%2F",
            url::Url::parse(&urls[1]).unwrap().host_str().unwrap()
        )),
    );
    assert_eq!(r.status, 200);
    assert!(r.body_text().contains("signed out of this session"));
    assert_eq!(sim.browse(&mut jar, Request::get(&urls[1])).status, 302);
}

#[test]
fn the_multi_session_limit_is_configurable() {
    let mut sim = multi_sim();
    sim.state.config.max_multi_sessions = 7;
    let mut jar = Jar::default();
    for i in 0..8 {
        let c = jit(&mut sim, [DEV01, QA, STAGING, PROD][i % 4]);
        let t = signin_token(&mut sim, &c);
        let r = sim.browse(
            &mut jar,
            Request::get(&login_url("signin.aws.amazon.com", DEST, &t)),
        );
        if i < 7 {
            assert_eq!(r.status, 302, "{i}");
        } else {
            assert_eq!(r.status, 400);
            assert!(r.body_text().contains("maximum number of sessions (7)"));
        }
    }
}

#[test]
fn multi_session_hosts_need_their_own_cookie() {
    let mut sim = multi_sim();
    let mut jar = Jar::default();
    let c = jit(&mut sim, DEV01);
    let t = signin_token(&mut sim, &c);
    let r = sim.browse(
        &mut jar,
        Request::get(&login_url("signin.aws.amazon.com", DEST, &t)),
    );
    let url = r.header("location").unwrap().to_string();
    assert_eq!(sim.browse(&mut jar, Request::get(&url)).status, 200);
    // A made-up session host redirects to sign-in.
    let r = sim.browse(
        &mut jar,
        Request::get("https://123456789012-zzzzzzzz.us-west-2.console.aws.amazon.com/s3/home"),
    );
    assert_eq!(r.status, 302);
    // The plain console host has no single-session cookie in multi mode.
    assert_eq!(sim.browse(&mut jar, Request::get(DEST)).status, 302);
}

#[test]
fn govcloud_and_china_partitions() {
    let mut sim = Sim::from_json(
        r#"{"portals":[{"name":"gov","partition":"aws-us-gov","default_region":"us-gov-west-1"},
                        {"name":"cn","partition":"aws-cn","default_region":"cn-north-1"}]}"#,
    );
    for (portal, signin, console, domain) in [
        (
            "gov",
            "signin.amazonaws-us-gov.com",
            "console.amazonaws-us-gov.com",
            ".amazonaws-us-gov.com",
        ),
        (
            "cn",
            "signin.amazonaws.cn",
            "console.amazonaws.cn",
            ".amazonaws.cn",
        ),
    ] {
        let t = sim.token(portal, "alice@acme.io");
        let host = format!("{portal}.duplocloud.net");
        let f = sim.api(&host, "/v3/features/system", &t).body_json();
        assert_eq!(
            f["DefaultAwsPartition"],
            if portal == "gov" {
                "aws-us-gov"
            } else {
                "aws-cn"
            }
        );
        let c = sim
            .api(&host, "/v3/admin/aws/jitAccess/admin", &t)
            .body_json();
        assert!(c["ConsoleUrl"]
            .as_str()
            .unwrap()
            .starts_with(&format!("https://{signin}/federation?Action=login")));
        // Commercial sign-in does not know these credentials.
        assert_eq!(
            get_signin_token(&mut sim, "signin.aws.amazon.com", &session_json(&c)).status,
            400
        );
        let r = get_signin_token(&mut sim, signin, &session_json(&c));
        assert_eq!(r.status, 200);
        let token = r.body_json()["SigninToken"].as_str().unwrap().to_string();
        let dest = format!("https://{console}/console/home");
        let mut jar = Jar::default();
        let r = sim.browse(&mut jar, Request::get(&login_url(signin, &dest, &token)));
        assert_eq!(r.status, 302);
        assert!(r
            .header("set-cookie")
            .unwrap()
            .contains(&format!("Domain={domain}")));
        let page = sim.browse(&mut jar, Request::get(&dest));
        assert!(page
            .body_text()
            .contains("duplo-admin/alice@acme.io @ 123456789012"));
        // The commercial console does not see it.
        assert_eq!(sim.browse(&mut jar, Request::get(DEST)).status, 302);
    }
}

#[test]
fn foreign_site() {
    let mut sim = Sim::demo();
    let to = "https://demo.duplocloud.net/app/user/verify-token?localAppName=x&localPort=1&redirect=true";
    let r = sim.send(Request::get(&format!(
        "https://foreign.example/navigate?to={}",
        enc(to)
    )));
    assert_eq!(r.status, 200);
    let html = r.body_text();
    assert!(html.contains("location.href = to"));
    assert!(html.contains(">Continue</a>"));
    assert!(html.contains(&duplo_sim::html::escape(to)));
    let r = sim.send(Request::get(
        "https://foreign.example/navigate?to=javascript%3Aalert(1)",
    ));
    assert_eq!(r.status, 400);
    assert!(sim
        .send(Request::get("https://www.foreign.example/phish?x=1"))
        .body_text()
        .contains("Phishing page"));
    assert!(sim
        .send(Request::get("https://foreign.example/other"))
        .body_text()
        .contains("Foreign site"));
    assert_eq!(
        sim.send(Request::get("https://unknown.example/")).status,
        404
    );
}
