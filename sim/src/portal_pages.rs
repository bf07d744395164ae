//! The portal's web UI under `/app/`: cookie-based login, a small dashboard, tenant pages,
//! and the `verify-token` page that hands a token to a local application.

use crate::html::{escape, hidden, js_string, page};
use crate::http::{build_query, encode_component, Request, Response};
use crate::state::{State, TokenKind, UI_COOKIE};

/// Longest accepted `localAppName`.
pub const MAX_APP_NAME_CHARS: usize = 100;

fn session_cookie(value: &str) -> String {
    format!("{UI_COOKIE}={value}; Path=/; HttpOnly; Secure; SameSite=Lax")
}

fn cleared_cookie() -> String {
    format!("{UI_COOKIE}=; Path=/; Max-Age=0; HttpOnly; Secure; SameSite=Lax")
}

/// `next` if it is a same-origin relative path, else `/app/`.
pub fn safe_next(next: Option<&str>) -> String {
    match next {
        Some(n)
            if n.starts_with('/')
                && !n.starts_with("//")
                && !n.contains('\\')
                && !n.chars().any(char::is_control) =>
        {
            n.to_string()
        }
        _ => "/app/".to_string(),
    }
}

fn login_redirect(next: &str) -> Response {
    Response::redirect(
        302,
        &format!("/app/login?{}", build_query(&[("next", next)])),
    )
}

/// Whether a path is served by the pages module (everything else is API).
pub fn is_page_path(path: &str) -> bool {
    path == "/" || path == "/app" || path.starts_with("/app/")
}

/// Answers a page request on portal `pidx`.
pub fn handle(state: &mut State, pidx: usize, req: &Request, now: u64) -> Response {
    let path = req.path.as_str();
    match (req.method.as_str(), path) {
        (_, "/") | (_, "/app") => Response::redirect(302, "/app/"),
        ("GET", "/app/login") => login_form(
            state,
            pidx,
            &safe_next(req.query_param("next").as_deref()),
            None,
        ),
        ("POST", "/app/login") => login_submit(state, pidx, req, now),
        (_, "/app/logout") => {
            if let Some(c) = req.cookie(UI_COOKIE) {
                state.ui_sessions.remove(&c);
            }
            Response::redirect(302, "/app/login").with_cookie(&cleared_cookie())
        }
        ("GET", "/app/_sim/login") => login_link(state, pidx, req, now),
        ("GET", "/app/user/verify-token") => verify_token_page(state, pidx, req, now),
        ("POST", "/app/user/verify-token/authorize") => authorize(state, pidx, req, now),
        ("POST", "/app/user/verify-token/cancel") => cancel(req),
        ("GET", _) => app_page(state, pidx, req, now),
        _ => Response::html(
            405,
            page("Method not allowed", "<h1>Method not allowed</h1>"),
        ),
    }
}

fn login_form(state: &State, pidx: usize, next: &str, error: Option<&str>) -> Response {
    let portal = &state.portals[pidx];
    let error_html = error
        .map(|e| {
            format!(
                "<p class=\"error\" role=\"alert\" id=\"error\">{}</p>",
                escape(e)
            )
        })
        .unwrap_or_default();
    let body = format!(
        "<h1>DuploCloud</h1><h2>Log in to {name}</h2>{error_html}\
         <form method=\"post\" action=\"/app/login\">{next}\
         <p><label for=\"username\">Username</label><br>\
         <input id=\"username\" name=\"username\" type=\"text\" autocomplete=\"username\"></p>\
         <p><label for=\"password\">Password</label><br>\
         <input id=\"password\" name=\"password\" type=\"password\" autocomplete=\"current-password\"></p>\
         <p><button type=\"submit\">Log in</button></p></form>",
        name = escape(&portal.host),
        next = hidden("next", next),
    );
    Response::html(200, page("Log in | DuploCloud (sim)", &body))
}

fn login_submit(state: &mut State, pidx: usize, req: &Request, now: u64) -> Response {
    let next = safe_next(req.form_param("next").as_deref());
    let username = req.form_param("username").unwrap_or_default();
    let password = req.form_param("password").unwrap_or_default();
    let portal = &state.portals[pidx];
    let user_index = portal
        .user_index(username.trim())
        .filter(|&i| portal.user(i).is_some_and(|u| u.password == password));
    let Some(user_index) = user_index else {
        return login_form(state, pidx, &next, Some("Invalid username or password."));
    };
    match state.create_ui_session(pidx, user_index, now) {
        Some(id) => Response::redirect(303, &next).with_cookie(&session_cookie(&id)),
        None => login_form(state, pidx, &next, Some("Login failed.")),
    }
}

fn login_link(state: &mut State, pidx: usize, req: &Request, now: u64) -> Response {
    let code = req.query_param("code").unwrap_or_default();
    let portal_name = state.portals[pidx].config.name.clone();
    let link = match state.login_links.get(&code) {
        Some(l) if l.portal == portal_name => state.login_links.remove(&code),
        _ => None,
    };
    let Some(link) = link else {
        return Response::html(
            400,
            page(
                "Invalid link",
                "<h1>This login link is invalid or was already used</h1>",
            ),
        );
    };
    let Some(user_index) = state.portals[pidx].user_index(&link.username) else {
        return Response::html(400, page("Invalid link", "<h1>Unknown user</h1>"));
    };
    match state.create_ui_session(pidx, user_index, now) {
        Some(id) => {
            Response::redirect(302, &safe_next(Some(&link.next))).with_cookie(&session_cookie(&id))
        }
        None => Response::html(400, page("Invalid link", "<h1>Login failed</h1>")),
    }
}

/// A page of the logged-in UI, with the `g_authToken` script when configured.
fn ui_page(state: &State, pidx: usize, token: &str, title: &str, body: &str) -> String {
    let mut body = body.to_string();
    if state.portals[pidx].config.token_in_local_storage {
        body.push_str(&format!(
            "\n<script>localStorage.setItem(\"g_authToken\", {});</script>",
            js_string(token)
        ));
    }
    page(title, &body)
}

fn nav(username: &str) -> String {
    format!(
        "<nav><a href=\"/app/\">Home</a> | <span id=\"user\">{}</span> | \
         <a href=\"/app/logout\">Log out</a></nav>",
        escape(username)
    )
}

fn app_page(state: &mut State, pidx: usize, req: &Request, now: u64) -> Response {
    let Some((user_index, token)) = state.ui_session(pidx, req.cookie(UI_COOKIE).as_deref(), now)
    else {
        return login_redirect(&req.path_and_query());
    };
    let portal = &state.portals[pidx];
    let Some(user) = portal.user(user_index) else {
        return login_redirect(&req.path_and_query());
    };
    let segs = req.segments();
    if segs.len() >= 3 && segs[0] == "app" && segs[1] == "devops" {
        let Some(tenant) = portal.tenant_by_id(&segs[2]) else {
            return Response::html(
                404,
                ui_page(
                    state,
                    pidx,
                    &token,
                    "Not found",
                    "<h1>Tenant not found</h1>",
                ),
            );
        };
        if !user.may_use(&tenant.id, &tenant.name) {
            return Response::html(
                403,
                ui_page(
                    state,
                    pidx,
                    &token,
                    "Forbidden",
                    "<h1>You do not have access to this tenant</h1>",
                ),
            );
        }
        let body = format!(
            "{}<h1 id=\"tenant-name\">{}</h1><p>Tenant id <code id=\"tenant-id\">{}</code>, region {}</p>\
             <h2>Services</h2><p>No services.</p>",
            nav(&user.username),
            escape(&tenant.name),
            escape(&tenant.id),
            escape(&tenant.region),
        );
        let title = format!("{} | DuploCloud (sim)", tenant.name);
        return Response::html(200, ui_page(state, pidx, &token, &title, &body));
    }
    let mut list = String::new();
    for t in portal
        .tenants
        .iter()
        .filter(|t| user.may_use(&t.id, &t.name))
    {
        list.push_str(&format!(
            "<li><a href=\"/app/devops/{}/services\">{}</a></li>",
            escape(&encode_component(&t.id)),
            escape(&t.name)
        ));
    }
    let body = format!(
        "{}<h1>Welcome {}</h1><h2>Tenants</h2><ul id=\"tenants\">{list}</ul>",
        nav(&user.username),
        escape(&user.username)
    );
    Response::html(200, ui_page(state, pidx, &token, "DuploCloud (sim)", &body))
}

/// The validated parameters of a verify-token request.
struct HandoffParams {
    app: String,
    port: u16,
    redirect: bool,
    admin: bool,
}

fn app_name_ok(name: &str) -> bool {
    let n = name.chars().count();
    (1..=MAX_APP_NAME_CHARS).contains(&n)
        && name
            .chars()
            .all(|c| c.is_alphanumeric() || " -_.()".contains(c))
        && !name.trim().is_empty()
}

fn parse_handoff(get: impl Fn(&str) -> Option<String>) -> Option<HandoffParams> {
    let app = get("localAppName")?;
    let port: u16 = get("localPort")?.trim().parse().ok()?;
    if port == 0 || !app_name_ok(&app) {
        return None;
    }
    Some(HandoffParams {
        app,
        port,
        redirect: get("redirect").is_some_and(|v| v.eq_ignore_ascii_case("true")),
        admin: get("isAdmin").is_some_and(|v| v.eq_ignore_ascii_case("true")),
    })
}

fn invalid_request() -> Response {
    Response::html(
        400,
        page(
            "Invalid request | DuploCloud (sim)",
            "<h1>Invalid request</h1><p>The application name or local port is not valid.</p>",
        ),
    )
}

fn verify_token_page(state: &mut State, pidx: usize, req: &Request, now: u64) -> Response {
    let q = |k: &str| req.query_param(k);
    let Some(params) = parse_handoff(q) else {
        return invalid_request();
    };
    if q("success").is_some_and(|v| v == "true") {
        return Response::html(
            200,
            page(
                "Authorization successful | DuploCloud (sim)",
                &format!(
                    "<h1>Authorization successful</h1><p>The {} application received your Duplo credentials. You can close this tab.</p>",
                    escape(&params.app)
                ),
            ),
        );
    }
    if q("cancelled").is_some_and(|v| v == "true") {
        return Response::html(
            200,
            page(
                "Access denied | DuploCloud (sim)",
                &format!(
                    "<h1>Access denied</h1><p>The {} application was not given access to your Duplo credentials. You can close this tab.</p>",
                    escape(&params.app)
                ),
            ),
        );
    }
    let Some((user_index, token)) = state.ui_session(pidx, req.cookie(UI_COOKIE).as_deref(), now)
    else {
        return login_redirect(&req.path_and_query());
    };
    let Some(user) = state.portals[pidx].user(user_index) else {
        return login_redirect(&req.path_and_query());
    };
    let fields = format!(
        "{}{}{}{}",
        hidden("localAppName", &params.app),
        hidden("localPort", &params.port.to_string()),
        hidden("redirect", if params.redirect { "true" } else { "false" }),
        hidden("isAdmin", if params.admin { "true" } else { "false" }),
    );
    let admin_note = if params.admin {
        "<p id=\"admin-note\">Administrator access is requested.</p>"
    } else {
        ""
    };
    let body = format!(
        "{nav}<h1>Local Access Requested</h1>\
         <p id=\"prompt\">The {app} application on your computer wants to access your Duplo credentials</p>\
         {admin_note}<p>Signed in as {user}.</p>\
         <form method=\"post\" action=\"/app/user/verify-token/cancel\">{fields}\
         <button type=\"submit\" id=\"cancel\" style=\"background:#c33;color:#fff\">Cancel</button></form>\
         <form method=\"post\" action=\"/app/user/verify-token/authorize\">{fields}\
         <button type=\"submit\" id=\"authorize\" style=\"background:#2a2;color:#fff\">Authorize</button></form>",
        nav = nav(&user.username),
        app = escape(&params.app),
        user = escape(&user.username),
    );
    Response::html(
        200,
        ui_page(
            state,
            pidx,
            &token,
            "Local Access Requested | DuploCloud (sim)",
            &body,
        ),
    )
}

fn verify_token_url(params: &HandoffParams) -> String {
    let mut pairs = vec![
        ("localAppName", params.app.clone()),
        ("localPort", params.port.to_string()),
    ];
    if params.redirect {
        pairs.push(("redirect", "true".into()));
    }
    if params.admin {
        pairs.push(("isAdmin", "true".into()));
    }
    let refs: Vec<(&str, &str)> = pairs.iter().map(|(k, v)| (*k, v.as_str())).collect();
    format!("/app/user/verify-token?{}", build_query(&refs))
}

fn authorize(state: &mut State, pidx: usize, req: &Request, now: u64) -> Response {
    let Some(params) = parse_handoff(|k| req.form_param(k)) else {
        return invalid_request();
    };
    let Some((user_index, _)) = state.ui_session(pidx, req.cookie(UI_COOKIE).as_deref(), now)
    else {
        return login_redirect(&verify_token_url(&params));
    };
    if !params.redirect {
        return Response::html(
            200,
            page(
                "Authorization | DuploCloud (sim)",
                &format!(
                    "<h1>Not simulated</h1><p>This older variant would now post your Duplo credentials to http://localhost:{}/ for the {} application. The simulator only implements the redirect variant (redirect=true).</p>",
                    params.port,
                    escape(&params.app)
                ),
            ),
        );
    }
    let Some(token) = state.mint_portal_token(pidx, user_index, TokenKind::Handoff, now) else {
        return login_redirect(&verify_token_url(&params));
    };
    let host = state.portals[pidx].config.handoff_host.as_str();
    Response::redirect(
        302,
        &format!(
            "http://{host}:{}/?t={}",
            params.port,
            encode_component(&token)
        ),
    )
}

fn cancel(req: &Request) -> Response {
    let Some(params) = parse_handoff(|k| req.form_param(k)) else {
        return invalid_request();
    };
    Response::redirect(
        303,
        &format!(
            "/app/user/verify-token?{}",
            build_query(&[
                ("localAppName", &params.app),
                ("localPort", &params.port.to_string()),
                ("cancelled", "true"),
            ])
        ),
    )
}
