//! The options page: add and remove portals.

use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::spawn_local;
use web_sys::HtmlInputElement;

use super::browser::{localize, t, tf};
use super::client::ask;
use super::dom::{self, by_id, El};
use crate::core::config::Settings;
use crate::core::consoles::ConsoleModeSetting;
use crate::core::messages::{PortalView, Request, Response, StateView};
use crate::core::text::{msg, Msg};

const ALERT: &str = "options-alert";

thread_local! {
    static LAST_SETTINGS: std::cell::RefCell<Settings> = std::cell::RefCell::default();
}
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
            El::new("section")?
                .attr("aria-labelledby", "portals-heading")?
                .child(
                    El::new("h2")?
                        .attr("id", "portals-heading")?
                        .text(&t(msg::PORTALS_HEADING))?,
                )?
                .child(form)?
                .child(
                    El::new("p")?
                        .attr("id", ALERT)?
                        .attr("role", "alert")?
                        .attr("hidden", "")?,
                )?
                .child(El::new("p")?.attr("id", STATUS)?.attr("role", "status")?)?
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
        ],
    )?;
    for control in [
        "stay-signed-in",
        "console-mode",
        "auto-renew",
        "notify-minutes",
    ] {
        dom::on(&by_id(control)?, "change", |_| {
            spawn_local(async { dom::report(save_settings().await) });
        })?;
    }

    dom::on(&by_id("add-portal")?, "submit", |event| {
        event.prevent_default();
        spawn_local(async { dom::report(add_portal().await) });
    })?;
    dom::on(&by_id("portal-list")?, "click", |event| {
        let origin = event
            .target()
            .and_then(|t| t.dyn_into::<web_sys::Element>().ok())
            .and_then(|e| e.closest("button[data-origin]").ok().flatten())
            .and_then(|b| {
                Some((
                    b.get_attribute("data-origin")?,
                    b.get_attribute("data-host")?,
                ))
            });
        if let Some((origin, host)) = origin {
            spawn_local(async move { dom::report(remove_portal(origin, host).await) });
        }
    })?;

    spawn_local(async move {
        let response = ask(&Request::GetState).await;
        dom::report(show(&response, None).and_then(|()| dom::mark_ready(&main)));
    });
    Ok(())
}

fn settings_section() -> Result<El, JsValue> {
    El::new("section")?
        .attr("aria-labelledby", "settings-heading")?
        .child(
            El::new("h2")?
                .attr("id", "settings-heading")?
                .text(&t(msg::SETTINGS_HEADING))?,
        )?
        .child(checkbox(
            "stay-signed-in",
            msg::STAY_SIGNED_IN,
            msg::STAY_SIGNED_IN_HINT,
        )?)?
        .child(checkbox(
            "auto-renew",
            msg::AUTO_RENEW,
            msg::AUTO_RENEW_HINT,
        )?)?
        .child(dom::labelled(
            "notify-minutes",
            &t(msg::NOTIFY_MINUTES_LABEL),
            El::new("input")?
                .attr("type", "number")?
                .attr("min", "1")?
                .attr("max", "60")?
                .attr("step", "1")?,
        )?)?
        .child(
            El::new("div")?
                .attr("class", "field")?
                .child(
                    El::new("label")?
                        .attr("for", "console-mode")?
                        .text(&t(msg::CONSOLE_MODE_LABEL))?,
                )?
                .child(
                    El::new("select")?
                        .attr("id", "console-mode")?
                        .child(
                            El::new("option")?
                                .attr("value", "auto")?
                                .text(&t(msg::CONSOLE_MODE_AUTO))?,
                        )?
                        .child(
                            El::new("option")?
                                .attr("value", "single")?
                                .text(&t(msg::CONSOLE_MODE_SINGLE))?,
                        )?
                        .child(
                            El::new("option")?
                                .attr("value", "multi")?
                                .text(&t(msg::CONSOLE_MODE_MULTI))?,
                        )?,
                )?,
        )
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

fn console_mode_select() -> Result<web_sys::HtmlSelectElement, JsValue> {
    by_id("console-mode")?
        .dyn_into::<web_sys::HtmlSelectElement>()
        .map_err(|_| JsValue::from_str("not a select"))
}

fn mode_name(mode: ConsoleModeSetting) -> &'static str {
    match mode {
        ConsoleModeSetting::Auto => "auto",
        ConsoleModeSetting::Single => "single",
        ConsoleModeSetting::Multi => "multi",
    }
}

fn field(id: &str, kind: &str, label: String, hint: String) -> Result<El, JsValue> {
    let hint_id = format!("{id}-hint");
    El::new("div")?
        .attr("class", "field")?
        .child(El::new("label")?.attr("for", id)?.text(&label)?)?
        .child(
            El::new("input")?
                .attr("id", id)?
                .attr("name", id)?
                .attr("type", kind)?
                .attr("autocomplete", "off")?
                .attr("spellcheck", "false")?
                .attr("aria-describedby", &hint_id)?,
        )?
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

async fn add_portal() -> Result<(), JsValue> {
    let url = input("portal-url")?;
    let token = input("api-token")?;
    let request = Request::AddPortal {
        url: url.value(),
        api_token: Some(token.value()).filter(|t| !t.trim().is_empty()),
    };
    let response = ask(&request).await;
    if let Response::State(state) = &response {
        // Only a saved portal clears what the user typed; a refusal keeps it for correction.
        let host = state
            .portals
            .last()
            .map(|p| p.host.clone())
            .unwrap_or_default();
        url.set_value("");
        token.set_value("");
        show(&response, Some(tf(msg::PORTAL_ADDED, &[&host])))?;
    } else {
        show(&response, None)?;
        url.focus()?;
    }
    Ok(())
}

async fn save_settings() -> Result<(), JsValue> {
    let settings = Settings {
        stay_signed_in: input("stay-signed-in")?.checked(),
        auto_renew: input("auto-renew")?.checked(),
        notify_minutes: input("notify-minutes")?
            .value()
            .trim()
            .parse::<u32>()
            .map_or(5, |m| m.clamp(1, 60)),
        console_mode: match console_mode_select()?.value().as_str() {
            "single" => ConsoleModeSetting::Single,
            "multi" => ConsoleModeSetting::Multi,
            _ => ConsoleModeSetting::Auto,
        },
        // What this page does not show stays as it was.
        ..LAST_SETTINGS.with(|s| s.borrow().clone())
    };
    let response = ask(&Request::SetSettings(settings)).await;
    show(&response, Some(t(msg::SETTINGS_SAVED)))
}

async fn remove_portal(origin: String, host: String) -> Result<(), JsValue> {
    let response = ask(&Request::RemovePortal { origin }).await;
    show(&response, Some(tf(msg::PORTAL_REMOVED, &[&host])))
}

/// Renders a response: the list, and either the success status or the alert.
fn show(response: &Response, success: Option<String>) -> Result<(), JsValue> {
    match response {
        Response::State(state) | Response::Copied { state, .. } => {
            console_mode_select()?.set_value(mode_name(state.settings.console_mode));
            input("auto-renew")?.set_checked(state.settings.auto_renew);
            input("notify-minutes")?.set_value(&state.settings.notify_minutes.to_string());
            LAST_SETTINGS.with(|s| *s.borrow_mut() = state.settings.clone());
            render_list(state)?;
            input("stay-signed-in")?.set_checked(state.settings.stay_signed_in);
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

fn render_list(state: &StateView) -> Result<(), JsValue> {
    let items = state
        .portals
        .iter()
        .map(portal_item)
        .collect::<Result<Vec<_>, _>>()?;
    dom::replace_children(&by_id("portal-list")?, items)?;
    let empty = by_id("no-portals")?;
    if state.portals.is_empty() {
        empty.remove_attribute("hidden")
    } else {
        empty.set_attribute("hidden", "")
    }
}

fn portal_item(portal: &PortalView) -> Result<El, JsValue> {
    let mode = if portal.uses_api_token {
        msg::USES_API_TOKEN
    } else {
        msg::USES_PORTAL_SIGN_IN
    };
    El::new("li")?
        .child(
            El::new("div")?
                .child(El::new("div")?.attr("class", "host")?.text(&portal.host)?)?
                .child(El::new("div")?.attr("class", "mode")?.text(&t(mode))?)?,
        )?
        .child(
            El::new("button")?
                .attr("type", "button")?
                .attr("class", "secondary")?
                .attr("data-origin", &portal.origin)?
                .attr("data-host", &portal.host)?
                .attr("aria-label", &tf(msg::REMOVE_PORTAL, &[&portal.host]))?
                .text(&t(msg::REMOVE_LABEL))?,
        )
}
