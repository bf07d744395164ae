//! The options page: portals (add, edit, remove), settings, the configuration as a file,
//! and forgetting everything. This file builds the page and shows the worker's answers; a
//! file per section does the rest.

#[path = "options_file.rs"]
mod file;
#[path = "options_portals.rs"]
mod portals;
#[path = "options_reset.rs"]
mod reset;
#[path = "options_settings.rs"]
mod settings;

use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::spawn_local;
use web_sys::HtmlInputElement;

use super::bindings;
use super::browser::{self, localize, t};
use super::client::ask;
use super::dom::{self, by_id, El};
use crate::core::messages::{Request, Response};
use crate::core::text::{msg, Msg};
use file::{export, file_section, import};
use portals::{add_portal, on_portal_click, render_list, request_permission, save_portal};
use reset::{confirm_forget, forget_everything, reset_section};
use settings::{save_settings, settings_section, show_settings, SETTING_CONTROLS};

const ALERT: &str = "options-alert";

const STATUS: &str = "options-status";

/// Builds the options page.
#[wasm_bindgen(js_name = startOptions)]
pub fn start_options() {
    dom::report(build());
}

fn build() -> Result<(), JsValue> {
    let document = dom::document()?;
    document.set_title(&t(msg::OPTIONS_TITLE));
    let main = by_id("app")?;
    let form = El::new("form")?
        .attr("id", "add-portal")?
        .attr("novalidate", "")?
        .child(field(
            "portal-url",
            "text",
            t(msg::PORTAL_URL_LABEL),
            t(msg::PORTAL_URL_HINT),
        )?)?
        .child(field(
            "api-token",
            "password",
            t(msg::API_TOKEN_LABEL),
            t(msg::API_TOKEN_HINT),
        )?)?
        .child(
            El::new("button")?
                .attr("type", "submit")?
                .text(&t(msg::ADD_PORTAL))?,
        )?;
    dom::replace_children(
        &main,
        [
            El::new("h1")?.text(&t(msg::OPTIONS_TITLE))?,
            El::new("p")?
                .attr("id", ALERT)?
                .attr("role", "alert")?
                .attr("hidden", "")?,
            El::new("p")?.attr("id", STATUS)?.attr("role", "status")?,
            section("portals-heading", msg::PORTALS_HEADING)?
                .child(form)?
                .child(
                    El::new("ul")?
                        .attr("id", "portal-list")?
                        .attr("class", "portals")?
                        .attr("aria-label", &t(msg::CONFIGURED_PORTALS))?,
                )?
                .child(
                    El::new("p")?
                        .attr("id", "no-portals")?
                        .attr("class", "empty")?
                        .attr("hidden", "")?
                        .text(&t(msg::NO_PORTALS_YET))?,
                )?,
            settings_section()?,
            file_section()?,
            reset_section()?,
        ],
    )?;
    for (control, _) in SETTING_CONTROLS {
        dom::on(&by_id(control)?, "change", |_| {
            spawn_local(async { dom::report(save_settings().await) });
        })?;
    }
    dom::on(&by_id("add-portal")?, "submit", |event| {
        event.prevent_default();
        // Asked for in the click itself: the browser grants permissions only to a gesture.
        let granted =
            request_permission(&input("portal-url").map(|i| i.value()).unwrap_or_default());
        spawn_local(async move { dom::report(add_portal(granted).await) });
    })?;
    dom::on(&by_id("portal-list")?, "click", on_portal_click)?;
    dom::on(&by_id("portal-list")?, "submit", |event| {
        event.prevent_default();
        let Some(form) = event
            .target()
            .and_then(|t| t.dyn_into::<web_sys::Element>().ok())
        else {
            return;
        };
        let host = form
            .query_selector("[name=api-host]")
            .ok()
            .flatten()
            .and_then(|i| i.dyn_into::<HtmlInputElement>().ok())
            .map(|i| i.value())
            .unwrap_or_default();
        let granted = request_permission(&host);
        spawn_local(async move { dom::report(save_portal(form, granted).await) });
    })?;
    dom::on(&by_id("export")?, "click", |_| {
        spawn_local(async { dom::report(export().await) });
    })?;
    dom::on(&by_id("import")?, "change", |_| {
        spawn_local(async { dom::report(import().await) });
    })?;
    dom::on(&by_id("forget")?, "click", |_| {
        dom::report(confirm_forget(true));
    })?;
    dom::on(&by_id("forget-cancel")?, "click", |_| {
        dom::report(confirm_forget(false));
    })?;
    dom::on(&by_id("forget-confirm")?, "click", |_| {
        spawn_local(async { dom::report(forget_everything().await) });
    })?;

    spawn_local(async move {
        let response = ask(&Request::GetOverview).await;
        dom::report(show(&response, None).and_then(|()| dom::mark_ready(&main)));
    });
    // The page is answered from storage at once after a browser start; the administrator's
    // policy (its portals, the settings it fixes) may arrive seconds later: show it then.
    let on_policy =
        Closure::<dyn FnMut(JsValue, JsValue)>::new(|changes: JsValue, area: JsValue| {
            let applied = !browser::field(&changes, "policyApplied").is_undefined();
            if area.as_string().as_deref() == Some("session") && applied {
                spawn_local(async {
                    let response = ask(&Request::GetOverview).await;
                    dom::report(show(&response, None));
                });
            }
        });
    match bindings::storage_on_changed() {
        Ok(event) => event.add_listener(on_policy.as_ref().unchecked_ref()),
        Err(e) => browser::log(&e.to_string()),
    }
    // The page owns its listener until it closes.
    on_policy.forget();
    Ok(())
}

fn section(heading_id: &str, heading: Msg) -> Result<El, JsValue> {
    El::new("section")?
        .attr("aria-labelledby", heading_id)?
        .child(El::new("h2")?.attr("id", heading_id)?.text(&t(heading))?)
}

/// `<option>`s for a select.
fn options(mut select: El, choices: &[(&str, String)]) -> Result<El, JsValue> {
    for (value, label) in choices {
        select = select.child(El::new("option")?.attr("value", value)?.text(label)?)?;
    }
    Ok(select)
}

/// A checkbox with its label and the hint that describes it.
fn checkbox(id: &str, label: Msg, hint: Msg) -> Result<El, JsValue> {
    let hint_id = format!("{id}-hint");
    El::new("div")?
        .child(
            El::new("div")?
                .attr("class", "check")?
                .child(
                    El::new("input")?
                        .attr("type", "checkbox")?
                        .attr("id", id)?
                        .attr("aria-describedby", &hint_id)?,
                )?
                .child(El::new("label")?.attr("for", id)?.text(&t(label))?)?,
        )?
        .child(
            El::new("p")?
                .attr("id", &hint_id)?
                .attr("class", "hint")?
                .text(&t(hint))?,
        )
}

fn select(id: &str) -> Result<web_sys::HtmlSelectElement, JsValue> {
    by_id(id)?
        .dyn_into::<web_sys::HtmlSelectElement>()
        .map_err(|_| JsValue::from_str("not a select"))
}

fn input_el(id: &str, name: &str, kind: &str, hint_id: &str) -> Result<El, JsValue> {
    El::new("input")?
        .attr("id", id)?
        .attr("name", name)?
        .attr("type", kind)?
        .attr("autocomplete", "off")?
        .attr("spellcheck", "false")?
        .attr("aria-describedby", hint_id)
}

fn field(id: &str, kind: &str, label: String, hint: String) -> Result<El, JsValue> {
    let hint_id = format!("{id}-hint");
    El::new("div")?
        .attr("class", "field")?
        .child(El::new("label")?.attr("for", id)?.text(&label)?)?
        .child(input_el(id, id, kind, &hint_id)?)?
        .child(
            El::new("p")?
                .attr("id", &hint_id)?
                .attr("class", "hint")?
                .text(&hint)?,
        )
}

fn input(id: &str) -> Result<HtmlInputElement, JsValue> {
    by_id(id)?
        .dyn_into::<HtmlInputElement>()
        .map_err(|_| JsValue::from_str("not an input"))
}

/// Renders a response: the list, and either the success status or the alert.
fn show(response: &Response, success: Option<String>) -> Result<(), JsValue> {
    match response {
        Response::State(state)
        | Response::Copied { state, .. }
        | Response::Exported { state, .. }
        | Response::TenantFeatures { state, .. } => {
            show_settings(state)?;
            render_list(state)?;
            dom::show_message(ALERT, None)?;
            by_id(STATUS)?.set_text_content(success.as_deref());
        }
        Response::Error { message, state } => {
            // A worker that did not answer sends an empty state: keep the list shown.
            if !state.portals.is_empty() {
                render_list(state)?;
            }
            by_id(STATUS)?.set_text_content(None);
            dom::show_message(ALERT, Some(&localize(message)))?;
        }
    }
    Ok(())
}
