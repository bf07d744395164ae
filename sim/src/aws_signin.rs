//! The AWS sign-in hosts: federation (`getSigninToken`, `login`), logout, and the sim's
//! stand-ins for AWS's "Sign in" and "session expired" pages.

use serde::Deserialize;
use serde_json::json;

use crate::config::ConsoleMode;
use crate::html::{escape, page};
use crate::http::{Request, Response};
use crate::ids;
use crate::partition::{classify_aws_host, region_of_console_host, AwsHost, Partition};
use crate::state::{ConsoleSession, State};

/// Cookie of a single-session-mode console session.
pub const SINGLE_COOKIE: &str = "aws-sim-session";
/// Prefix of multi-session cookies (`aws-sim-ms-<id8>`).
pub const MULTI_COOKIE_PREFIX: &str = "aws-sim-ms-";
/// AWS's answer when a federation login meets a live session (single-session mode).
pub const LOG_OUT_FIRST: &str =
    "You must first log out before logging into a different AWS account.";

/// The cookie that names a session on a multi-session host.
pub fn multi_cookie_name(id8: &str) -> String {
    format!("{MULTI_COOKIE_PREFIX}{id8}")
}

fn error_page(status: u16, heading: &str, detail: &str) -> Response {
    Response::html(
        status,
        page(
            &format!("{heading} | AWS sign-in (sim)"),
            &format!(
                "<h1>{}</h1><p id=\"detail\">{}</p>",
                escape(heading),
                escape(detail)
            ),
        ),
    )
}

/// Whether `url` is https on a sign-in or console host of `partition` (for redirects).
pub fn is_aws_url_of(url: &str, partition: Partition, console_only: bool) -> bool {
    let Ok(u) = url::Url::parse(url) else {
        return false;
    };
    if u.scheme() != "https" || u.port().is_some() || !u.username().is_empty() {
        return false;
    }
    let host = u.host_str().unwrap_or_default().to_ascii_lowercase();
    match classify_aws_host(&host) {
        Some(AwsHost::Console(p)) => p == partition,
        Some(AwsHost::Signin(p)) => p == partition && !console_only,
        None => false,
    }
}

/// Answers a request on a sign-in host of `partition`.
pub fn handle(state: &mut State, partition: Partition, req: &Request, now: u64) -> Response {
    match req.path.as_str() {
        "/federation" => match req.query_param("Action").as_deref() {
            Some("getSigninToken") => get_signin_token(state, partition, req, now),
            Some("login") => login(state, partition, req, now),
            _ => Response::text(400, "Invalid Action."),
        },
        "/oauth" => match req.query_param("Action").as_deref() {
            Some("logout") => logout(state, partition, req),
            _ => Response::text(400, "Invalid Action."),
        },
        "/" | "/signin" => signin_page(partition, req),
        "/session-expired" => session_expired_page(partition, req),
        _ => error_page(
            404,
            "Not found",
            "This page does not exist on the simulated sign-in host.",
        ),
    }
}

#[derive(Deserialize)]
struct SessionJson {
    #[serde(rename = "sessionId")]
    session_id: String,
    #[serde(rename = "sessionKey")]
    session_key: String,
    #[serde(rename = "sessionToken")]
    session_token: String,
}

fn get_signin_token(state: &mut State, partition: Partition, req: &Request, now: u64) -> Response {
    let Some(session) = req.query_param("Session") else {
        return Response::text(400, "Missing Session parameter.");
    };
    let Ok(session) = serde_json::from_str::<SessionJson>(&session) else {
        return Response::text(
            400,
            "Session must be JSON with sessionId, sessionKey and sessionToken.",
        );
    };
    if let Some(d) = req.query_param("SessionDuration") {
        if !d.parse::<u64>().is_ok_and(|d| (900..=43_200).contains(&d)) {
            return Response::text(
                400,
                "SessionDuration must be between 900 and 43200 seconds.",
            );
        }
    }
    let valid = state.credentials.get(&session.session_id).is_some_and(|c| {
        c.partition == partition
            && c.secret_access_key == session.session_key
            && c.session_token == session.session_token
            && c.is_live(now)
    });
    if !valid {
        return Response::text(
            400,
            "The security token included in the request is invalid or expired.",
        );
    }
    let token = state.mint_signin_token(&session.session_id, now);
    Response::json(200, &json!({ "SigninToken": token }))
}

/// Live console sessions of `partition` that the request's cookies name, multi-session only.
fn live_multi_sessions(state: &State, partition: Partition, req: &Request, now: u64) -> usize {
    req.cookies()
        .iter()
        .filter(|(name, _)| name.starts_with(MULTI_COOKIE_PREFIX))
        .filter(|(name, value)| {
            state.console_sessions.get(value).is_some_and(|s| {
                s.partition == partition
                    && s.is_live(now)
                    && s.id8.as_deref().map(multi_cookie_name).as_deref() == Some(name.as_str())
            })
        })
        .count()
}

fn login(state: &mut State, partition: Partition, req: &Request, now: u64) -> Response {
    let token = req.query_param("SigninToken").unwrap_or_default();
    let creds = match state.signin_tokens.get(&token) {
        Some(t) if !t.used && !t.is_expired(now) => state
            .credentials
            .get(&t.access_key_id)
            .filter(|c| c.partition == partition && c.is_live(now))
            .cloned(),
        _ => None,
    };
    let Some(creds) = creds else {
        return error_page(
            400,
            "Invalid sign-in token",
            "The sign-in token is invalid, was already used, or has expired.",
        );
    };
    let destination = req.query_param("Destination").unwrap_or_default();
    if !is_aws_url_of(&destination, partition, true) {
        return error_page(
            400,
            "Invalid destination",
            "Destination must be an https URL on an AWS Console host of this partition.",
        );
    }
    let Ok(mut dest) = url::Url::parse(&destination) else {
        return error_page(400, "Invalid destination", "Destination is not a URL.");
    };
    let mode = state.config.console_mode;
    let domain = partition.cookie_domain();
    let (cookie_name, id8) = match mode {
        ConsoleMode::Single => {
            let live = req
                .cookie(SINGLE_COOKIE)
                .and_then(|c| state.console_sessions.get(&c))
                .is_some_and(|s| s.partition == partition && s.id8.is_none() && s.is_live(now));
            if live {
                return error_page(400, "Sign-in failed", LOG_OUT_FIRST);
            }
            (SINGLE_COOKIE.to_string(), None)
        }
        ConsoleMode::Multi => {
            let max = state.config.max_multi_sessions;
            if live_multi_sessions(state, partition, req, now) >= max {
                return error_page(
                    400,
                    "Sign-in failed",
                    &format!("You have reached the maximum number of sessions ({max}). Sign out of a session before you sign in to another one."),
                );
            }
            let mut id8 = ids::session_id8();
            while state
                .console_sessions
                .values()
                .any(|s| s.id8.as_deref() == Some(id8.as_str()))
            {
                id8 = ids::session_id8();
            }
            let region = dest
                .host_str()
                .and_then(|h| region_of_console_host(&h.to_ascii_lowercase(), partition))
                .or_else(|| {
                    dest.query_pairs()
                        .find(|(k, _)| k == "region")
                        .map(|(_, v)| v.into_owned())
                        .filter(|r| crate::partition::is_region(r))
                })
                .unwrap_or_else(|| creds.region.clone());
            let host = format!(
                "{}-{id8}.{region}.{}",
                creds.account_id,
                partition.console_host()
            );
            if dest.set_host(Some(&host)).is_err() {
                return error_page(
                    400,
                    "Invalid destination",
                    "Destination cannot be rewritten.",
                );
            }
            (multi_cookie_name(&id8), Some(id8))
        }
    };
    if let Some(t) = state.signin_tokens.get_mut(&token) {
        t.used = true;
    }
    let session_id = ids::opaque_id();
    state.console_sessions.insert(
        session_id.clone(),
        ConsoleSession {
            partition,
            id8,
            access_key_id: creds.access_key_id.clone(),
            portal: creds.portal.clone(),
            username: creds.username.clone(),
            account_id: creds.account_id.clone(),
            region: creds.region.clone(),
            role: creds.role.clone(),
            tenant: creds.tenant.clone(),
            expires_ms: creds.expires_ms,
        },
    );
    Response::redirect(302, dest.as_str()).with_cookie(&format!(
        "{cookie_name}={session_id}; Domain={domain}; Path=/; Secure; HttpOnly"
    ))
}

fn logout(state: &mut State, partition: Partition, req: &Request) -> Response {
    if state.config.console_mode == ConsoleMode::Multi {
        return error_page(
            400,
            "Bad request",
            "Signing out this way is not supported while multi-session support is turned on.",
        );
    }
    if let Some(c) = req.cookie(SINGLE_COOKIE) {
        if state
            .console_sessions
            .get(&c)
            .is_some_and(|s| s.partition == partition)
        {
            state.console_sessions.remove(&c);
        }
    }
    signed_out(
        partition,
        req,
        SINGLE_COOKIE,
        "<h1>You have signed out</h1><p>You have signed out of the AWS Management Console.</p>",
    )
}

/// The end of a sign-out: `cookie` cleared, and on to `redirect_uri` when it is an AWS
/// address of the partition, else a "signed out" page with `body`.
pub fn signed_out(partition: Partition, req: &Request, cookie: &str, body: &str) -> Response {
    let clear = format!(
        "{cookie}=; Domain={}; Path=/; Max-Age=0; Secure; HttpOnly",
        partition.cookie_domain()
    );
    match req.query_param("redirect_uri") {
        Some(uri) if is_aws_url_of(&uri, partition, false) => {
            Response::redirect(302, &uri).with_cookie(&clear)
        }
        _ => Response::html(200, page("Signed out | AWS (sim)", body)).with_cookie(&clear),
    }
}

fn redirect_link(partition: Partition, req: &Request) -> String {
    match req.query_param("redirect_uri") {
        Some(uri) if is_aws_url_of(&uri, partition, false) => format!(
            "<p><a id=\"redirect\" href=\"{}\">{}</a></p>",
            escape(&uri),
            escape(&uri)
        ),
        _ => String::new(),
    }
}

fn signin_page(partition: Partition, req: &Request) -> Response {
    Response::html(
        200,
        page(
            "Sign in | AWS (sim)",
            &format!(
                "<h1>Sign in</h1><p>No AWS Console session. This simulated sign-in page takes no \
                 passwords: sign in through DuploCloud JIT access.</p>\
                 <p>After signing in you would continue to:</p>{}",
                redirect_link(partition, req)
            ),
        ),
    )
}

fn session_expired_page(partition: Partition, req: &Request) -> Response {
    Response::html(
        200,
        page(
            "Session expired | AWS (sim)",
            &format!(
                "<h1>Your session has expired</h1><p>Sign in again to continue to:</p>{}",
                redirect_link(partition, req)
            ),
        ),
    )
}
