//! The toolbar popup: one region per portal.

use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::spawn_local;

use super::browser::{self, localize, t};
use super::client::ask;
use super::dom::{self, by_id, El};
use crate::core::messages::{PortalView, Request, Response};
use crate::core::text::msg;

/// Builds the popup, and rebuilds it whenever the stored configuration changes.
#[wasm_bindgen(js_name = startPopup)]
pub fn start_popup() {
    spawn_local(refresh());
    let on_change = Closure::<dyn FnMut()>::new(|| spawn_local(refresh()));
    match browser::storage_on_changed() {
        Ok(event) => event.add_listener(on_change.as_ref().unchecked_ref()),
        Err(e) => browser::log(&e.to_string()),
    }
    // The popup owns its listener until it closes.
    on_change.forget();
}

async fn refresh() {
    let response = ask(&Request::GetState).await;
    dom::report(render(&response));
}

fn render(response: &Response) -> Result<(), JsValue> {
    dom::document()?.set_title(&t(msg::EXT_NAME));
    let main = by_id("app")?;
    let (state, error) = match response {
        Response::State(state) => (state, None),
        Response::Error { message, state } => (state, Some(localize(message))),
    };
    let mut children = vec![El::new("h1")?.text(&t(msg::EXT_NAME))?];
    let mut alert = El::new("p")?
        .attr("id", "popup-alert")?
        .attr("role", "alert")?;
    match &error {
        Some(text) => alert = alert.text(text)?,
        None => alert = alert.attr("hidden", "")?,
    }
    children.push(alert);
    if state.portals.is_empty() && error.is_none() {
        children.push(
            El::new("p")?
                .attr("class", "empty")?
                .text(&t(msg::POPUP_NO_PORTALS))?,
        );
        children.push(settings_button(msg::OPEN_SETTINGS, "")?);
    } else {
        for portal in &state.portals {
            children.push(portal_region(portal)?);
        }
        children.push(El::new("footer")?.child(settings_button(msg::SETTINGS_LINK, "secondary")?)?);
    }
    dom::replace_children(&main, children)?;
    dom::on(&by_id("open-settings")?, "click", |_| {
        spawn_local(async {
            if let Ok(runtime) = browser::runtime() {
                if let Err(e) = runtime.open_options_page().await {
                    browser::log(&browser::BrowserError::from(e).to_string());
                }
            }
        })
    })?;
    dom::mark_ready(&main)
}

fn settings_button(label: crate::core::text::Msg, class: &str) -> Result<El, JsValue> {
    El::new("button")?
        .attr("type", "button")?
        .attr("id", "open-settings")?
        .attr("class", class)?
        .text(&t(label))
}

fn portal_region(portal: &PortalView) -> Result<El, JsValue> {
    let mode = if portal.uses_api_token {
        msg::USES_API_TOKEN
    } else {
        msg::USES_PORTAL_SIGN_IN
    };
    El::new("section")?
        .attr("class", "portal")?
        .attr("aria-label", &portal.host)?
        .child(El::new("h2")?.text(&portal.host)?)?
        .child(El::new("p")?.attr("class", "mode")?.text(&t(mode))?)
}
