//! The options page: portals (add, edit, remove), settings, the configuration as a file,
//! and forgetting everything.

use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::spawn_local;
use web_sys::HtmlInputElement;

use super::bindings;
use super::browser::{self, localize, t, tf};
use super::client::ask;
use super::dom::{self, by_id, El};
use crate::core::config::{bounded_notify_minutes, Colour, PortalEdit, Settings, NOTIFY_MINUTES};
use crate::core::consoles::ConsoleModeSetting;
use crate::core::messages::{PortalView, Request, Response, StateView};
use crate::core::portal_url::PortalUrl;
use crate::core::secret::Secret;
use crate::core::text::{msg, Msg};

const ALERT: &str = "options-alert";
const STATUS: &str = "options-status";

thread_local! {
    static LAST_SETTINGS: std::cell::RefCell<Settings> = std::cell::RefCell::default();
}

/// The settings controls: (element id, stored name).
const SETTING_CONTROLS: &[(&str, &str)] = &[
    ("stay-signed-in", "staySignedIn"),
    ("console-mode", "consoleMode"),
    ("auto-renew", "autoRenew"),
    ("notify-minutes", "notifyMinutes"),
    ("identity-bar", "identityBar"),
];

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

fn settings_section() -> Result<El, JsValue> {
    section("settings-heading", msg::SETTINGS_HEADING)?
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
        .child(checkbox(
            "identity-bar",
            msg::IDENTITY_BAR,
            msg::IDENTITY_BAR_HINT,
        )?)?
        .child(dom::labelled(
            "notify-minutes",
            &t(msg::NOTIFY_MINUTES_LABEL),
            El::new("input")?
                .attr("type", "number")?
                .attr("min", &NOTIFY_MINUTES.start().to_string())?
                .attr("max", &NOTIFY_MINUTES.end().to_string())?
                .attr("step", "1")?,
        )?)?
        .child(dom::labelled(
            "console-mode",
            &t(msg::CONSOLE_MODE_LABEL),
            options(
                El::new("select")?,
                &ConsoleModeSetting::NAMES
                    .iter()
                    .map(|(mode, name)| (*name, t(mode.label())))
                    .collect::<Vec<_>>(),
            )?,
        )?)?
        .child(
            El::new("p")?
                .attr("id", "managed-settings")?
                .attr("class", "hint")?
                .attr("hidden", "")?
                .text(&t(msg::SETTINGS_MANAGED))?,
        )
}

fn file_section() -> Result<El, JsValue> {
    section("file-heading", msg::FILE_HEADING)?
        .child(
            El::new("p")?
                .attr("class", "hint")?
                .text(&t(msg::FILE_HINT))?,
        )?
        .child(
            El::new("div")?
                .attr("class", "row")?
                .child(
                    El::new("button")?
                        .attr("type", "button")?
                        .attr("id", "export")?
                        .attr("class", "secondary")?
                        .text(&t(msg::EXPORT_CONFIG))?,
                )?
                .child(
                    El::new("label")?
                        .attr("class", "file-button")?
                        .text(&t(msg::IMPORT_CONFIG))?
                        .child(
                            El::new("input")?
                                .attr("type", "file")?
                                .attr("id", "import")?
                                .attr("accept", "application/json,.json")?,
                        )?,
                )?,
        )
}

fn reset_section() -> Result<El, JsValue> {
    section("reset-heading", msg::RESET_HEADING)?
        .child(
            El::new("p")?
                .attr("class", "hint")?
                .attr("id", "forget-hint")?
                .text(&t(msg::FORGET_HINT))?,
        )?
        .child(
            El::new("button")?
                .attr("type", "button")?
                .attr("id", "forget")?
                .attr("class", "danger")?
                .attr("aria-describedby", "forget-hint")?
                .text(&t(msg::FORGET_EVERYTHING))?,
        )?
        .child(
            El::new("div")?
                .attr("id", "forget-confirmation")?
                .attr("class", "confirm")?
                .attr("role", "group")?
                .attr("aria-label", &t(msg::FORGET_SURE))?
                .attr("hidden", "")?
                .child(El::new("p")?.text(&t(msg::FORGET_SURE))?)?
                .child(
                    El::new("button")?
                        .attr("type", "button")?
                        .attr("id", "forget-confirm")?
                        .attr("class", "danger")?
                        .text(&t(msg::FORGET_CONFIRM))?,
                )?
                .child(
                    El::new("button")?
                        .attr("type", "button")?
                        .attr("id", "forget-cancel")?
                        .attr("class", "secondary")?
                        .text(&t(msg::CANCEL))?,
                )?,
        )
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

/// Asks the browser for access to a portal (or API host) on a domain the manifest does not
/// cover, while the click that asked is still a user gesture. Resolves to whether access is
/// there (true when no question was needed or the text is no address).
fn request_permission(text: &str) -> js_sys::Promise {
    let pattern = PortalUrl::parse(text)
        .ok()
        .and_then(|url| url.missing_host_permission(crate::core::manifest::HOST_PERMISSIONS));
    let Some(pattern) = pattern else {
        return js_sys::Promise::resolve(&JsValue::TRUE);
    };
    let request = bindings::permissions().and_then(|permissions| {
        let origins = browser::to_js(&serde_json::json!({ "origins": [pattern] }))?;
        Ok(permissions.request(&origins)?)
    });
    request.unwrap_or_else(|_| js_sys::Promise::resolve(&JsValue::FALSE))
}

async fn granted(asked: js_sys::Promise) -> bool {
    wasm_bindgen_futures::JsFuture::from(asked)
        .await
        .ok()
        .and_then(|v| v.as_bool())
        .unwrap_or(false)
}

async fn add_portal(permission: js_sys::Promise) -> Result<(), JsValue> {
    let url = input("portal-url")?;
    let token = input("api-token")?;
    if !granted(permission).await {
        let host = PortalUrl::parse(&url.value())
            .map(|u| u.host().to_owned())
            .unwrap_or_default();
        by_id(STATUS)?.set_text_content(None);
        dom::show_message(ALERT, Some(&tf(msg::PORTAL_PERMISSION_DENIED, &[&host])))?;
        return url.focus();
    }
    let request = Request::AddPortal {
        url: url.value(),
        api_token: Some(token.value())
            .filter(|t| !t.trim().is_empty())
            .map(Secret::from),
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
        identity_bar: input("identity-bar")?.checked(),
        notify_minutes: input("notify-minutes")?
            .value()
            .trim()
            .parse::<u32>()
            .map_or(Settings::default().notify_minutes, bounded_notify_minutes),
        console_mode: ConsoleModeSetting::from_name(&select("console-mode")?.value())
            .unwrap_or_default(),
        // What this page does not show stays as it was.
        ..LAST_SETTINGS.with(|s| s.borrow().clone())
    };
    let response = ask(&Request::SetSettings(settings)).await;
    show(&response, Some(t(msg::SETTINGS_SAVED)))
}

/// Clicks in the portal list: remove, edit (show the form), cancel an edit.
fn on_portal_click(event: web_sys::Event) {
    let Some(button) = event
        .target()
        .and_then(|t| t.dyn_into::<web_sys::Element>().ok())
        .and_then(|e| e.closest("button[data-action]").ok().flatten())
    else {
        return;
    };
    let origin = button.get_attribute("data-origin").unwrap_or_default();
    let host = button.get_attribute("data-host").unwrap_or_default();
    match button.get_attribute("data-action").as_deref() {
        Some("remove") => {
            spawn_local(async move { dom::report(remove_portal(origin, host).await) });
        }
        Some("edit") => dom::report(toggle_edit(&button, true)),
        Some("cancel-edit") => dom::report(toggle_edit(&button, false)),
        _ => {}
    }
}

fn toggle_edit(button: &web_sys::Element, open: bool) -> Result<(), JsValue> {
    let Some(item) = button.closest("li")? else {
        return Ok(());
    };
    let (Some(form), Some(edit)) = (
        item.query_selector("form.edit")?,
        item.query_selector("button[data-action=edit]")?,
    ) else {
        return Ok(());
    };
    edit.set_attribute("aria-expanded", if open { "true" } else { "false" })?;
    if open {
        form.remove_attribute("hidden")?;
        if let Some(first) = form.query_selector("input")? {
            first.unchecked_into::<web_sys::HtmlElement>().focus()?;
        }
    } else {
        form.set_attribute("hidden", "")?;
        edit.unchecked_into::<web_sys::HtmlElement>().focus()?;
    }
    Ok(())
}

fn form_value(form: &web_sys::Element, name: &str) -> Option<String> {
    let control = form.query_selector(&format!("[name={name}]")).ok()??;
    if let Some(input) = control.dyn_ref::<HtmlInputElement>() {
        return Some(input.value());
    }
    control
        .dyn_ref::<web_sys::HtmlSelectElement>()
        .map(|s| s.value())
}

async fn save_portal(form: web_sys::Element, permission: js_sys::Promise) -> Result<(), JsValue> {
    let origin = form.get_attribute("data-origin").unwrap_or_default();
    let host = form.get_attribute("data-host").unwrap_or_default();
    let managed = form.has_attribute("data-managed");
    let api_host = form_value(&form, "api-host").unwrap_or_default();
    if !granted(permission).await {
        let shown = PortalUrl::parse(&api_host)
            .map(|u| u.host().to_owned())
            .unwrap_or(api_host);
        dom::show_message(ALERT, Some(&tf(msg::PORTAL_PERMISSION_DENIED, &[&shown])))?;
        return Ok(());
    }
    let token = form_value(&form, "api-token").unwrap_or_default();
    let clear_token = form
        .query_selector("[name=clear-token]")?
        .and_then(|i| i.dyn_into::<HtmlInputElement>().ok())
        .is_some_and(|i| i.checked());
    let edit = PortalEdit {
        name: (!managed).then(|| form_value(&form, "name").unwrap_or_default()),
        colour: (!managed).then(|| form_value(&form, "colour").unwrap_or_default()),
        api_host: (!managed).then_some(api_host),
        // Blank keeps the token; the checkbox clears it.
        api_token: if clear_token {
            Some(Secret::new(""))
        } else {
            Some(token)
                .filter(|t| !t.trim().is_empty())
                .map(Secret::from)
        },
    };
    let response = ask(&Request::EditPortal { origin, edit }).await;
    show(&response, Some(tf(msg::PORTAL_SAVED, &[&host])))
}

async fn remove_portal(origin: String, host: String) -> Result<(), JsValue> {
    let response = ask(&Request::RemovePortal { origin }).await;
    show(&response, Some(tf(msg::PORTAL_REMOVED, &[&host])))
}

async fn export() -> Result<(), JsValue> {
    let response = ask(&Request::ExportConfig).await;
    let Response::Exported { file, .. } = &response else {
        return show(&response, None);
    };
    let parts = js_sys::Array::of1(&JsValue::from_str(file));
    let options = web_sys::BlobPropertyBag::new();
    options.set_type("application/json");
    let blob = web_sys::Blob::new_with_str_sequence_and_options(&parts, &options)?;
    let url = web_sys::Url::create_object_url_with_blob(&blob)?;
    let link = dom::document()?
        .create_element("a")?
        .dyn_into::<web_sys::HtmlAnchorElement>()?;
    link.set_href(&url);
    link.set_download("jit-console-config.json");
    link.click();
    web_sys::Url::revoke_object_url(&url)?;
    show(&response, Some(t(msg::EXPORTED)))
}

async fn import() -> Result<(), JsValue> {
    let picker = input("import")?;
    let Some(file) = picker.files().and_then(|files| files.get(0)) else {
        return Ok(());
    };
    let too_big = file.size() > crate::core::config::IMPORT_AT_MOST as f64;
    let text = if too_big {
        // Not read at all: the core refuses it by its size.
        "x".repeat(crate::core::config::IMPORT_AT_MOST + 1)
    } else {
        wasm_bindgen_futures::JsFuture::from(file.text())
            .await?
            .as_string()
            .unwrap_or_default()
    };
    // The same file can be picked again after a refusal.
    picker.set_value("");
    let response = ask(&Request::ImportConfig { text }).await;
    show(&response, Some(t(msg::IMPORTED)))
}

fn confirm_forget(open: bool) -> Result<(), JsValue> {
    let confirmation = by_id("forget-confirmation")?;
    let forget = by_id("forget")?;
    if open {
        confirmation.remove_attribute("hidden")?;
        forget.set_attribute("hidden", "")?;
        by_id("forget-cancel")?
            .unchecked_into::<web_sys::HtmlElement>()
            .focus()
    } else {
        confirmation.set_attribute("hidden", "")?;
        forget.remove_attribute("hidden")?;
        forget.unchecked_into::<web_sys::HtmlElement>().focus()
    }
}

async fn forget_everything() -> Result<(), JsValue> {
    let response = ask(&Request::ForgetEverything).await;
    confirm_forget(false)?;
    show(&response, Some(t(msg::FORGOTTEN)))
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

fn show_settings(state: &StateView) -> Result<(), JsValue> {
    let settings = &state.settings;
    select("console-mode")?.set_value(settings.console_mode.name());
    input("auto-renew")?.set_checked(settings.auto_renew);
    input("identity-bar")?.set_checked(settings.identity_bar);
    input("notify-minutes")?.set_value(&settings.notify_minutes.to_string());
    input("stay-signed-in")?.set_checked(settings.stay_signed_in);
    LAST_SETTINGS.with(|s| *s.borrow_mut() = settings.clone());
    for (id, name) in SETTING_CONTROLS {
        let control = by_id(id)?;
        if state.managed_settings.iter().any(|m| m == name) {
            control.set_attribute("disabled", "")?;
        } else {
            control.remove_attribute("disabled")?;
        }
    }
    let note = by_id("managed-settings")?;
    if state.managed_settings.is_empty() {
        note.set_attribute("hidden", "")
    } else {
        note.remove_attribute("hidden")
    }
}

fn render_list(state: &StateView) -> Result<(), JsValue> {
    let items = state
        .portals
        .iter()
        .enumerate()
        .map(|(index, portal)| portal_item(index, portal))
        .collect::<Result<Vec<_>, _>>()?;
    dom::replace_children(&by_id("portal-list")?, items)?;
    let empty = by_id("no-portals")?;
    if state.portals.is_empty() {
        empty.remove_attribute("hidden")
    } else {
        empty.set_attribute("hidden", "")
    }
}

fn list_button(
    action: &str,
    portal: &PortalView,
    label: String,
    aria: String,
) -> Result<El, JsValue> {
    El::new("button")?
        .attr("type", "button")?
        .attr("class", "secondary")?
        .attr("data-action", action)?
        .attr("data-origin", &portal.origin)?
        .attr("data-host", &portal.host)?
        .attr("aria-label", &aria)?
        .text(&label)
}

fn portal_item(index: usize, portal: &PortalView) -> Result<El, JsValue> {
    let mode = if portal.uses_api_token {
        msg::USES_API_TOKEN
    } else {
        msg::USES_PORTAL_SIGN_IN
    };
    let mut title = El::new("div")?.attr("class", "host")?;
    if let Some(colour) = &portal.colour {
        title = title.child(
            El::new("span")?
                .attr("class", &format!("swatch colour-{colour}"))?
                .attr("aria-hidden", "true")?,
        )?;
    }
    title = title.text(portal.name.as_deref().unwrap_or(&portal.host))?;
    let mut about = El::new("div")?.child(title)?;
    if portal.name.is_some() {
        about = about.child(El::new("div")?.attr("class", "mode")?.text(&portal.host)?)?;
    }
    about = about.child(El::new("div")?.attr("class", "mode")?.text(&t(mode))?)?;
    if let Some(api) = &portal.api_host {
        about = about.child(
            El::new("div")?
                .attr("class", "mode")?
                .text(&tf(msg::API_HOST_SHOWN, &[api]))?,
        )?;
    }
    let mut buttons = El::new("div")?.attr("class", "row")?.child(
        list_button(
            "edit",
            portal,
            t(msg::EDIT_LABEL),
            tf(msg::EDIT_PORTAL, &[&portal.host]),
        )?
        .attr("aria-expanded", "false")?,
    )?;
    if portal.managed {
        about = about.child(
            El::new("div")?
                .attr("class", "badge managed")?
                .text(&t(msg::PORTAL_IS_MANAGED))?,
        )?;
    } else {
        buttons = buttons.child(list_button(
            "remove",
            portal,
            t(msg::REMOVE_LABEL),
            tf(msg::REMOVE_PORTAL, &[&portal.host]),
        )?)?;
    }
    El::new("li")?
        .child(
            El::new("div")?
                .attr("class", "portal-row")?
                .child(about)?
                .child(buttons)?,
        )?
        .child(edit_form(index, portal)?)
}

/// The form that edits a portal (hidden until "Edit"). A managed portal takes only an API
/// token; the policy sets the rest.
fn edit_form(index: usize, portal: &PortalView) -> Result<El, JsValue> {
    let id = |name: &str| format!("{name}-{index}");
    let mut form = El::new("form")?
        .attr("class", "edit")?
        .attr("novalidate", "")?
        .attr("hidden", "")?
        .attr("data-origin", &portal.origin)?
        .attr("data-host", &portal.host)?
        .attr("aria-label", &tf(msg::EDIT_PORTAL, &[&portal.host]))?;
    if portal.managed {
        form = form.attr("data-managed", "")?;
    } else {
        let mut colours = vec![("", t(msg::COLOUR_AUTOMATIC))];
        colours.extend(Colour::ALL.iter().map(|c| (c.name(), t(c.label()))));
        let mut colour = options(El::new("select")?.attr("name", "colour")?, &colours)?;
        if let Some(chosen) = &portal.colour {
            colour = colour.attr("data-value", chosen)?;
        }
        form = form
            .child(dom::labelled(
                &id("name"),
                &t(msg::PORTAL_NAME_LABEL),
                input_el(&id("name"), "name", "text", &id("name-hint"))?
                    .attr("maxlength", "64")?
                    .attr("placeholder", &portal.host)?
                    .attr("value", portal.name.as_deref().unwrap_or_default())?,
            )?)?
            .child(dom::labelled(&id("colour"), &t(msg::COLOUR_LABEL), colour)?)?
            .child(dom::labelled(
                &id("api-host"),
                &t(msg::API_HOST_LABEL),
                input_el(&id("api-host"), "api-host", "text", &id("api-host-hint"))?
                    .attr("placeholder", "http://localhost:60020")?
                    .attr("value", portal.api_host.as_deref().unwrap_or_default())?,
            )?)?
            .child(
                El::new("p")?
                    .attr("class", "hint")?
                    .attr("id", &id("api-host-hint"))?
                    .text(&t(msg::API_HOST_HINT))?,
            )?;
    }
    form = form.child(dom::labelled(
        &id("api-token"),
        &t(msg::API_TOKEN_LABEL),
        input_el(
            &id("api-token"),
            "api-token",
            "password",
            &id("api-token-hint"),
        )?,
    )?)?;
    form = form.child(
        El::new("p")?
            .attr("class", "hint")?
            .attr("id", &id("api-token-hint"))?
            .text(&t(if portal.uses_api_token {
                msg::API_TOKEN_KEEP_HINT
            } else {
                msg::API_TOKEN_HINT
            }))?,
    )?;
    if portal.uses_api_token {
        form = form.child(
            El::new("div")?
                .attr("class", "check")?
                .child(
                    El::new("input")?
                        .attr("type", "checkbox")?
                        .attr("id", &id("clear-token"))?
                        .attr("name", "clear-token")?,
                )?
                .child(
                    El::new("label")?
                        .attr("for", &id("clear-token"))?
                        .text(&t(msg::CLEAR_API_TOKEN))?,
                )?,
        )?;
    }
    let form = form.child(
        El::new("div")?
            .attr("class", "row")?
            .child(
                El::new("button")?
                    .attr("type", "submit")?
                    .text(&t(msg::SAVE_LABEL))?,
            )?
            .child(
                El::new("button")?
                    .attr("type", "button")?
                    .attr("class", "secondary")?
                    .attr("data-action", "cancel-edit")?
                    .text(&t(msg::CANCEL))?,
            )?,
    )?;
    // A select's value can only be set once its options exist.
    if let Some(select) = form.0.query_selector("select[name=colour]")? {
        if let Some(value) = select.get_attribute("data-value") {
            select
                .unchecked_ref::<web_sys::HtmlSelectElement>()
                .set_value(&value);
        }
    }
    Ok(form)
}
