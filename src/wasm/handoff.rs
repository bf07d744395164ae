//! `handoff.html`: where the portal's redirect to `http://localhost:N/?t=…` lands (a
//! `declarativeNetRequest` rule sends it here). It hands its own URL to the worker, which
//! decides whether it asked for this token, and scrubs the token from the address bar and
//! history first.

use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::spawn_local;

use super::browser::{localize, t};
use super::client::ask;
use super::dom::{self, by_id, El};
use crate::core::messages::{Request, Response};
use crate::core::secret::Secret;
use crate::core::text::msg;

/// Runs the hand-off page.
#[wasm_bindgen(js_name = startHandoff)]
pub fn start_handoff() {
    dom::report(run());
}

fn run() -> Result<(), JsValue> {
    let window = web_sys::window().ok_or_else(|| JsValue::from_str("no window"))?;
    let url = window.location().href()?;
    // The token must not stay in the tab's address or history.
    window
        .history()?
        .replace_state_with_url(&JsValue::NULL, "", Some("handoff.html"))?;
    dom::document()?.set_title(&t(msg::EXT_NAME));
    let main = by_id("app")?;
    dom::replace_children(
        &main,
        [
            El::new("h1")?.text(&t(msg::EXT_NAME))?,
            El::new("p")?
                .attr("id", "handoff-status")?
                .attr("role", "status")?
                .text(&t(msg::HANDOFF_WORKING))?,
            El::new("p")?
                .attr("id", "handoff-alert")?
                .attr("role", "alert")?
                .attr("hidden", "")?,
        ],
    )?;
    spawn_local(async move {
        let response = ask(&Request::Handoff {
            url: Secret::new(url),
        })
        .await;
        dom::report(show(&response).and_then(|()| dom::mark_ready(&main)));
    });
    Ok(())
}

fn show(response: &Response) -> Result<(), JsValue> {
    match response {
        // Usually the worker has closed this tab by now.
        Response::State(_)
        | Response::Copied { .. }
        | Response::Exported { .. }
        | Response::TenantFeatures { .. } => {
            by_id("handoff-status")?.set_text_content(Some(&t(msg::HANDOFF_DONE)))
        }
        Response::Error { message, .. } => {
            by_id("handoff-status")?.set_text_content(None);
            dom::show_message("handoff-alert", Some(&localize(message)))?;
        }
    }
    Ok(())
}
