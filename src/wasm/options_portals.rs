//! The portals: the form that adds one (with the host access it needs), the list, and each
//! portal's edit form.

use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::spawn_local;
use web_sys::HtmlInputElement;

use super::{input, input_el, options, show, ALERT, STATUS};
use crate::core::config::{Colour, PortalEdit};
use crate::core::messages::{PortalView, Request, Response, StateView};
use crate::core::portal_url::Origin;
use crate::core::portal_url::PortalUrl;
use crate::core::secret::Secret;
use crate::core::text::msg;
use crate::wasm::bindings;
use crate::wasm::browser::{self, t, tf};
use crate::wasm::client::ask;
use crate::wasm::dom::{self, by_id, El};

/// Asks the browser for access to a portal (or API host) on a domain the manifest does not
/// cover, while the click that asked is still a user gesture. Resolves to whether access is
/// there (true when no question was needed or the text is no address).
pub(super) fn request_permission(text: &str) -> js_sys::Promise {
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

pub(super) async fn add_portal(permission: js_sys::Promise) -> Result<(), JsValue> {
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

/// Clicks in the portal list: remove, edit (show the form), cancel an edit.
pub(super) fn on_portal_click(event: web_sys::Event) {
    let Some(button) = dom::action_button(&event) else {
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

pub(super) async fn save_portal(
    form: web_sys::Element,
    permission: js_sys::Promise,
) -> Result<(), JsValue> {
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
    let response = ask(&Request::EditPortal {
        origin: Origin::from_text(&origin),
        edit,
    })
    .await;
    show(&response, Some(tf(msg::PORTAL_SAVED, &[&host])))
}

async fn remove_portal(origin: String, host: String) -> Result<(), JsValue> {
    let response = ask(&Request::RemovePortal {
        origin: Origin::from_text(&origin),
    })
    .await;
    show(&response, Some(tf(msg::PORTAL_REMOVED, &[&host])))
}

pub(super) fn render_list(state: &StateView) -> Result<(), JsValue> {
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
        .attr("data-origin", portal.origin.as_str())?
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
        .attr("data-origin", portal.origin.as_str())?
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
