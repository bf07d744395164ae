//! The AWS Console hosts: any path shows who is signed in (or redirects to sign-in / the
//! session-expired page), and `/_console/session` reports the session for the page's poll.

use serde_json::json;

use crate::aws_signin::{multi_cookie_name, SINGLE_COOKIE};
use crate::clock::iso8601;
use crate::html::{escape, js_string, page};
use crate::http::{encode_component, Request, Response};
use crate::partition::{is_region, parse_multi_session_host, Partition};
use crate::state::{ConsoleSession, State};

/// Path the console pages poll.
pub const SESSION_PATH: &str = "/_console/session";

/// The console session the request's cookies name for this host, live or not.
pub fn session_for<'a>(
    state: &'a State,
    partition: Partition,
    req: &Request,
) -> Option<&'a ConsoleSession> {
    match parse_multi_session_host(&req.host, partition) {
        Some(m) => {
            let s = state
                .console_sessions
                .get(&req.cookie(&multi_cookie_name(&m.id8))?)?;
            (s.partition == partition
                && s.id8.as_deref() == Some(m.id8.as_str())
                && s.account_id == m.account_id)
                .then_some(s)
        }
        None => {
            let s = state.console_sessions.get(&req.cookie(SINGLE_COOKIE)?)?;
            (s.partition == partition && s.id8.is_none()).then_some(s)
        }
    }
}

/// A multi-session console's own sign-out of one session: `GET /oauth?Action=logout
/// [&redirect_uri=…]` on that session's host (`{account}-{id8}.{region}.console…`). **[guess]**
/// AWS offers "Sign out of current session" in a multi-session console without documenting
/// its address; the simulator puts it where the single-session sign-out is, on the session's
/// own host. Ends the session its cookie names, clears that cookie, and goes on to
/// `redirect_uri` when it is an AWS address of the partition (else a "signed out" page).
/// `None`: not such a request.
pub fn session_logout(state: &mut State, partition: Partition, req: &Request) -> Option<Response> {
    let m = parse_multi_session_host(&req.host, partition)?;
    if req.path != "/oauth" || req.query_param("Action").as_deref() != Some("logout") {
        return None;
    }
    let cookie = multi_cookie_name(&m.id8);
    if let Some(id) = req.cookie(&cookie) {
        let ours = state.console_sessions.get(&id).is_some_and(|s| {
            s.partition == partition
                && s.id8.as_deref() == Some(m.id8.as_str())
                && s.account_id == m.account_id
        });
        if ours {
            state.console_sessions.remove(&id);
        }
    }
    Some(crate::aws_signin::signed_out(
        partition,
        req,
        &cookie,
        "<h1>You have signed out of this session</h1>",
    ))
}

/// The URL of the sim's session-expired page for a console URL.
pub fn session_expired_url(partition: Partition, url: &str) -> String {
    format!(
        "https://{}/session-expired?redirect_uri={}",
        partition.signin_host(),
        encode_component(url)
    )
}

/// The service a console URL is about, for the page title.
fn service_name(req: &Request, partition: Partition) -> String {
    let first = req.segments().into_iter().next().unwrap_or_default();
    if !first.is_empty() && first != "console" && !first.starts_with('_') {
        return first;
    }
    let label = req
        .host
        .strip_suffix(&format!(".{}", partition.console_host()))
        .unwrap_or_default();
    if !label.is_empty() && !label.contains('.') && !is_region(label) {
        return label.to_string();
    }
    "Console Home".to_string()
}

/// The console's own chrome, as AWS lays it out: a fixed dark navigation bar at the top
/// (the logo, Services, search, and at the right the region and the account menu) and a
/// fixed footer at the bottom (CloudShell, Feedback, the legal links). What the extension
/// adds to a console page must cover none of it (the identity bar's end-to-end tests check
/// the boxes at 1280 and 800 px).
fn console_chrome(identity: &str, region: &str) -> String {
    format!(
        "<style>\
           body{{margin:0;max-width:none;padding:56px 2em 48px}}\
           #sim-nav{{position:fixed;top:0;left:0;right:0;height:40px;display:flex;align-items:center;\
             gap:12px;padding:0 12px;background:#232f3e;color:#fff;font:14px sans-serif;z-index:1000}}\
           #sim-nav button,#sim-footer button{{margin:0;padding:4px 10px;background:transparent;color:inherit;\
             border:1px solid #5f6b7a;border-radius:4px;font:inherit}}\
           #sim-nav input{{flex:1 1 auto;min-width:60px;max-width:480px;padding:4px 8px;border-radius:4px;border:0}}\
           #sim-nav .right{{margin-left:auto;display:flex;gap:8px}}\
           #sim-footer{{position:fixed;bottom:0;left:0;right:0;height:30px;display:flex;align-items:center;\
             gap:12px;padding:0 12px;background:#232f3e;color:#d5dbdb;font:12px sans-serif;z-index:1000}}\
           #sim-footer .right{{margin-left:auto;display:flex;gap:12px}}\
         </style>\
         <header id=\"sim-nav\"><strong id=\"sim-logo\">aws</strong>\
           <button type=\"button\" id=\"sim-services\">Services</button>\
           <input type=\"search\" id=\"sim-search\" aria-label=\"Search\" placeholder=\"Search\">\
           <span class=\"right\"><button type=\"button\" id=\"sim-region\" title=\"{region}\">Region \u{25be}</button>\
           <button type=\"button\" id=\"sim-account-menu\" title=\"{identity}\">Account \u{25be}</button></span></header>\
         <footer id=\"sim-footer\"><button type=\"button\" id=\"sim-cloudshell\">CloudShell</button>\
           <button type=\"button\" id=\"sim-feedback\">Feedback</button>\
           <span class=\"right\"><span>AWS Console (sim)</span><span>Privacy</span><span>Terms</span></span></footer>",
        region = escape(region),
        identity = escape(identity),
    )
}

/// Answers a request on a console host of `partition`.
pub fn handle(state: &State, partition: Partition, req: &Request, now: u64) -> Response {
    let session = session_for(state, partition, req);
    if req.path == SESSION_PATH {
        return match session {
            Some(s) if s.is_live(now) => Response::json(
                200,
                &json!({
                    "expires": iso8601(s.expires_ms),
                    "expires_ms": s.expires_ms,
                    "identity": s.identity(),
                }),
            ),
            _ => Response::json(401, &json!({ "error": "no live console session" })),
        };
    }
    let url = req.url();
    let Some(s) = session else {
        return Response::redirect(
            302,
            &format!(
                "https://{}/signin?redirect_uri={}",
                partition.signin_host(),
                encode_component(&url)
            ),
        );
    };
    if !s.is_live(now) {
        return Response::redirect(302, &session_expired_url(partition, &url));
    }
    let service = service_name(req, partition);
    let mode = if s.id8.is_some() { "multi" } else { "single" };
    let tenant = s
        .tenant
        .as_deref()
        .map(|t| format!("<p id=\"tenant\">{}</p>", escape(t)))
        .unwrap_or_default();
    let expired_base = format!(
        "https://{}/session-expired?redirect_uri=",
        partition.signin_host()
    );
    let body = format!(
        "{chrome}\
         <h1 id=\"service\">{service}</h1>\
         <p id=\"identity\">{identity}</p>\
         <p id=\"expires\">{expires}</p>\
         <p id=\"location\">{location}</p>\
         <p id=\"session-mode\">{mode}</p>\
         {tenant}\
         <p id=\"region\">{region}</p>\
         <script>(function () {{\
           var identity = {identity_js};\
           var expired = {expired_js};\
           function check() {{\
             fetch({path_js}, {{credentials: 'same-origin', cache: 'no-store'}}).then(function (r) {{\
               if (r.status === 401) {{ location.href = expired + encodeURIComponent(location.href); return; }}\
               return r.json().then(function (j) {{ if (j && j.identity !== identity) {{ location.reload(); }} }});\
             }}).catch(function () {{}});\
           }}\
           setInterval(check, 1000);\
         }})();</script>",
        chrome = console_chrome(&s.identity(), &s.region),
        service = escape(&service),
        identity = escape(&s.identity()),
        expires = iso8601(s.expires_ms),
        location = escape(&req.path_and_query()),
        region = escape(&s.region),
        identity_js = js_string(&s.identity()),
        expired_js = js_string(&expired_base),
        path_js = js_string(SESSION_PATH),
    );
    Response::html(200, page(&format!("{service} | AWS Console (sim)"), &body))
}
