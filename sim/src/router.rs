//! Routes an HTTPS request by its `Host` to the portal, sign-in, console or foreign
//! handlers, applies fault rules, and logs it.

use crate::faults::{self, Outcome, Plan};
use crate::html::page;
use crate::http::{Request, Response};
use crate::partition::{classify_aws_host, is_foreign_host, AwsHost};
use crate::state::State;
use crate::{aws_signin, console, foreign, portal_api, portal_pages};

/// Answers one request at simulated time `now` (no faults, no logging).
pub fn handle(state: &mut State, req: &Request, now: u64) -> Response {
    let host = req.host.as_str();
    if let Some(pidx) = state.portal_by_host(host) {
        return if portal_pages::is_page_path(&req.path) {
            portal_pages::handle(state, pidx, req, now)
        } else {
            portal_api::handle(state, pidx, req, now)
        };
    }
    match classify_aws_host(host) {
        Some(AwsHost::Signin(p)) => return aws_signin::handle(state, p, req, now),
        Some(AwsHost::Console(p)) => {
            if let Some(answer) = console::session_logout(state, p, req) {
                return answer;
            }
            return console::handle(state, p, req, now);
        }
        None => {}
    }
    if is_foreign_host(host) {
        return foreign::handle(req);
    }
    if host == "duplocloud.net" || host.ends_with(".duplocloud.net") {
        return Response::html(
            404,
            page(
                "No such portal",
                "<h1>No such portal</h1><p>No portal is configured on this host.</p>",
            ),
        );
    }
    Response::html(
        404,
        page(
            "duplo-sim",
            "<h1>duplo-sim</h1><p>This host is not simulated.</p>",
        ),
    )
}

/// What the server should do with a request, after faults.
#[derive(Debug, Clone, PartialEq)]
pub struct Served {
    /// The answer (or how to break it).
    pub outcome: Outcome,
    /// Delay before answering.
    pub latency_ms: u64,
}

/// Applies the first matching fault rule, handles the request (unless the rule replaces
/// the answer) and records it in the request log at real time `real_ms`.
pub fn serve(state: &mut State, req: &Request, now: u64, real_ms: u64) -> Served {
    let rule = faults::take(&mut state.faults, &req.host, &req.path);
    let latency_ms = rule.as_ref().map_or(0, |r| r.latency_ms);
    let outcome = match rule.map(|r| r.plan()) {
        Some(Plan::Replace(o)) => o,
        Some(Plan::TruncateNormal) => Outcome::Truncate(handle(state, req, now)),
        Some(Plan::Normal) | None => Outcome::Respond(handle(state, req, now)),
    };
    state.log.record(req, outcome.status(), real_ms);
    Served {
        outcome,
        latency_ms,
    }
}
