//! The control API (plain HTTP on loopback): configuration, request log, secrets,
//! revocation, login links, faults and the clock.

use serde::Deserialize;
use serde_json::json;

use crate::config::Config;
use crate::faults::FaultRule;
use crate::http::{build_query, Request, Response};
use crate::ids;
use crate::portal_pages::safe_next;
use crate::state::{LoginLink, State};

fn error(status: u16, message: &str) -> Response {
    Response::json(status, &json!({ "error": message }))
}

fn body_json<T: for<'de> Deserialize<'de>>(req: &Request) -> Result<T, Response> {
    serde_json::from_slice(&req.body).map_err(|e| error(400, &format!("invalid JSON body: {e}")))
}

/// Answers a control request.
pub fn handle(state: &mut State, req: &Request) -> Response {
    let result = match (req.method.as_str(), req.path.as_str()) {
        ("GET", "/health") => Ok(Response::json(200, &json!({ "ok": true }))),
        ("GET", "/config") => Ok(Response::json(200, &state.config)),
        ("PUT", "/config") => put_config(state, req),
        ("GET", "/log") => get_log(state, req),
        ("DELETE", "/log") => Ok(Response::json(
            200,
            &json!({ "cleared": state.log.clear() }),
        )),
        ("GET", "/secrets") => Ok(Response::json(200, &state.all_secrets())),
        ("POST", "/revoke") => revoke(state, req),
        ("POST", "/login-link") => login_link(state, req),
        ("GET", "/faults") => Ok(Response::json(200, &state.faults)),
        ("POST", "/faults") => add_faults(state, req),
        ("DELETE", "/faults") => {
            let n = state.faults.len();
            state.faults.clear();
            Ok(Response::json(200, &json!({ "cleared": n })))
        }
        ("GET", "/clock") => Ok(clock_json(state)),
        ("POST", "/clock") => set_clock(state, req),
        (
            _,
            "/health" | "/config" | "/log" | "/secrets" | "/revoke" | "/login-link" | "/faults"
            | "/clock",
        ) => Err(error(405, "method not allowed")),
        _ => Err(error(404, "not found")),
    };
    result.unwrap_or_else(|r| r)
}

fn put_config(state: &mut State, req: &Request) -> Result<Response, Response> {
    let text = std::str::from_utf8(&req.body).map_err(|_| error(400, "body is not UTF-8"))?;
    let config = Config::from_json(text).map_err(|e| error(400, &e.0))?;
    state.replace_config(config);
    Ok(Response::json(200, &state.config))
}

fn get_log(state: &State, req: &Request) -> Result<Response, Response> {
    let since = match req.query_param("since") {
        Some(s) => s
            .parse::<u64>()
            .map_err(|_| error(400, "since must be a sequence number"))?,
        None => 0,
    };
    Ok(Response::json(200, &state.log.since(since)))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RevokeBody {
    token: Option<String>,
    portal: Option<String>,
    username: Option<String>,
}

fn revoke(state: &mut State, req: &Request) -> Result<Response, Response> {
    let body: RevokeBody = body_json(req)?;
    let n = match (body.token, body.portal, body.username) {
        (Some(t), None, None) => state.revoke_token(&t),
        (None, Some(p), Some(u)) => state
            .revoke_user(&p, &u)
            .ok_or_else(|| error(404, "no such portal or user"))?,
        _ => {
            return Err(error(
                400,
                "give either {\"token\"} or {\"portal\",\"username\"}",
            ))
        }
    };
    Ok(Response::json(200, &json!({ "revoked": n })))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct LoginLinkBody {
    portal: String,
    username: String,
    next: Option<String>,
}

fn login_link(state: &mut State, req: &Request) -> Result<Response, Response> {
    let body: LoginLinkBody = body_json(req)?;
    let pidx = state
        .portal_by_name(&body.portal)
        .ok_or_else(|| error(404, "no such portal"))?;
    let portal = &state.portals[pidx];
    let user = portal
        .user_index(&body.username)
        .and_then(|i| portal.user(i))
        .ok_or_else(|| error(404, "no such user"))?;
    let next = safe_next(body.next.as_deref());
    let code = ids::opaque_id();
    let url = format!(
        "{}/app/_sim/login?{}",
        portal.origin(),
        build_query(&[("code", &code), ("next", &next)])
    );
    let link = LoginLink {
        portal: portal.config.name.clone(),
        username: user.username.clone(),
        next,
    };
    state.login_links.insert(code, link);
    Ok(Response::json(200, &json!({ "url": url })))
}

#[derive(Deserialize)]
#[serde(untagged)]
enum FaultsBody {
    Many(Vec<FaultRule>),
    One(FaultRule),
}

fn add_faults(state: &mut State, req: &Request) -> Result<Response, Response> {
    let rules = match body_json::<FaultsBody>(req) {
        Ok(FaultsBody::Many(v)) => v,
        Ok(FaultsBody::One(r)) => vec![r],
        Err(_) => {
            // Re-parse as a list to report the precise problem.
            let e = serde_json::from_slice::<Vec<FaultRule>>(&req.body)
                .err()
                .map(|e| e.to_string())
                .unwrap_or_default();
            return Err(error(400, &format!("invalid fault rules: {e}")));
        }
    };
    for r in &rules {
        r.validate().map_err(|e| error(400, &e))?;
    }
    state.faults.extend(rules);
    Ok(Response::json(200, &state.faults))
}

fn clock_json(state: &State) -> Response {
    Response::json(
        200,
        &json!({ "now_ms": state.clock.now_ms(), "speed": state.clock.speed() }),
    )
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ClockBody {
    speed: Option<f64>,
    advance_secs: Option<f64>,
}

fn set_clock(state: &mut State, req: &Request) -> Result<Response, Response> {
    let body: ClockBody = body_json(req)?;
    if let Some(s) = body.speed {
        if !s.is_finite() || !(0.0..=1e6).contains(&s) {
            return Err(error(400, "speed must be between 0 and 1000000"));
        }
    }
    if let Some(a) = body.advance_secs {
        if !a.is_finite() || !(0.0..=1e10).contains(&a) {
            return Err(error(
                400,
                "advance_secs must be a non-negative number of seconds",
            ));
        }
    }
    if let Some(s) = body.speed {
        state.clock.set_speed(s);
        state.config.clock_speed = s;
    }
    if let Some(a) = body.advance_secs {
        state.clock.advance_secs(a);
    }
    Ok(clock_json(state))
}
