//! The foreign site (`foreign.example`): an untrusted origin for tests, able to start a
//! top-level navigation anywhere and to pose as a phishing page.

use crate::html::{escape, js_string, page};
use crate::http::{Request, Response};

/// Answers a request on the foreign site.
pub fn handle(req: &Request) -> Response {
    match req.path.as_str() {
        "/navigate" => navigate(req),
        "/phish" => Response::html(
            200,
            page(
                "Phishing page",
                "<h1>Phishing page</h1><p>If you can read this, a link sent you to an untrusted site.</p>",
            ),
        ),
        _ => Response::html(200, page("Foreign site", "<h1>Foreign site</h1>")),
    }
}

fn navigate(req: &Request) -> Response {
    let target = req.query_param("to").unwrap_or_default();
    let ok = url::Url::parse(&target).is_ok_and(|u| matches!(u.scheme(), "http" | "https"));
    if !ok {
        return Response::html(
            400,
            page(
                "Foreign site",
                "<h1>Foreign site</h1><p>to must be an http(s) URL.</p>",
            ),
        );
    }
    let body = format!(
        "<h1>Foreign site</h1><p>Navigating&hellip;</p>\
         <p><a id=\"continue\" href=\"{}\" target=\"_top\">Continue</a></p>\
         <script>(function () {{ var to = {}; \
         try {{ window.top.location.href = to; }} catch (e) {{ location.href = to; }} }})();</script>",
        escape(&target),
        js_string(&target)
    );
    Response::html(200, page("Foreign site", &body))
}
