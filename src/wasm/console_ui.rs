//! The popup's console controls: a tenant's row, the administrator entries, the "More"
//! panel (built when opened), the one-time-code prompt, and what their buttons do.

#[path = "console_ui_more.rs"]
mod more;
#[path = "console_ui_otp.rs"]
mod otp;
#[path = "console_ui_row.rs"]
mod row;
#[path = "console_ui_snapshot.rs"]
mod snapshot;

use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::spawn_local;
use web_sys::{Element, HtmlInputElement};

use super::browser::{localize, t, tf};
use super::client::ask;
use super::dom::{self, El};
use crate::core::consoles::{Destination, OpenConsole};
use crate::core::copy::CopyFormat;
use crate::core::identity::{ConsoleKey, Role};
use crate::core::kubernetes::KubeFormat;
use crate::core::messages::{Request, Response};
use crate::core::portal_url::Origin;
use crate::core::text::msg;
use more::toggle_more;
use otp::show_otp_prompt;
pub use row::{role_entries, tenant_item};
pub use snapshot::{restore, snapshot};

/// The actions this module handles (`data-action` of its buttons).
pub const ACTIONS: &[&str] = &[
    "open",
    "more",
    "open-new",
    "refresh-creds",
    "renew-now",
    "keep-alive",
    "open-service",
    "open-arn",
    "copy",
    "copy-k8s",
    "otp-submit",
    "favourite",
];

/// Sets the attributes that name a console identity on a button.
fn keyed(button: El, key: &ConsoleKey) -> Result<El, JsValue> {
    let (id, name) = match &key.role {
        Role::Tenant { id, name } => (id.as_str(), name.as_str()),
        Role::Admin | Role::DuploOps => ("", ""),
    };
    button
        .attr("data-origin", key.origin.as_str())?
        .attr("data-role", key.role.slug())?
        .attr("data-id", id)?
        .attr("data-name", name)
}

/// The identity a button names.
fn key_of(button: &Element) -> Option<ConsoleKey> {
    let origin = button.get_attribute("data-origin")?;
    let role = Role::from_slug(&button.get_attribute("data-role")?, || {
        Some((
            button.get_attribute("data-id")?.into(),
            button.get_attribute("data-name")?,
        ))
    })?;
    Some(ConsoleKey {
        origin: Origin::from_text(&origin),
        role,
    })
}

fn action_button(action: &str, key: &ConsoleKey, label: &str, class: &str) -> Result<El, JsValue> {
    keyed(
        El::new("button")?
            .attr("type", "button")?
            .attr("class", class)?
            .attr("data-action", action)?,
        key,
    )?
    .text(label)
}

/// The value of the control with `class` inside the same row/panel as `button`.
fn sibling_value(button: &Element, container: &str, class: &str) -> Option<String> {
    let scope = button.closest(container).ok().flatten()?;
    let control = scope.query_selector(&format!(".{class}")).ok().flatten()?;
    if let Some(input) = control.dyn_ref::<HtmlInputElement>() {
        return Some(input.value());
    }
    control
        .dyn_ref::<web_sys::HtmlSelectElement>()
        .map(|s| s.value())
}

/// Runs a console action of `button`. `new_tab` is a modifier key held during the click.
pub fn on_click(action: &str, button: &Element, new_tab: bool) -> Result<(), JsValue> {
    let Some(key) = key_of(button) else {
        return Ok(());
    };
    let open = |destination: Destination,
                new_tab: bool,
                otp: Option<crate::core::secret::Secret>| Request::OpenConsole {
        open: OpenConsole {
            key: key.clone(),
            destination,
            new_tab,
        },
        otp,
        make_room: false,
    };
    let request = match action {
        "open" if button.get_attribute("data-otp").as_deref() == Some("true") => {
            return show_otp_prompt(button, &key, new_tab);
        }
        "open" => open(Destination::Home, new_tab, None),
        "otp-submit" => {
            let code = sibling_value(button, ".otp", "otp-code").unwrap_or_default();
            open(
                Destination::Home,
                button.get_attribute("data-new-tab").is_some(),
                Some(code.trim().into()),
            )
        }
        "more" => return toggle_more(button, &key),
        "open-new" => open(Destination::Home, true, None),
        "renew-now" => Request::RenewNow { key: key.clone() },
        "favourite" => Request::SetFavourite {
            key: key.clone(),
            favourite: button.get_attribute("aria-pressed").as_deref() != Some("true"),
        },
        "keep-alive" => Request::SetKeepAlive {
            key: key.clone(),
            keep: button.get_attribute("aria-pressed").as_deref() != Some("true"),
        },
        "refresh-creds" => Request::RefreshCredentials {
            key: key.clone(),
            otp: None,
        },
        "open-service" => {
            let service = sibling_value(button, ".more-panel", "service").unwrap_or_default();
            let region = sibling_value(button, ".more-panel", "region")
                .map(|r| r.trim().to_owned())
                .filter(|r| !r.is_empty());
            open(Destination::Service { service, region }, true, None)
        }
        "open-arn" => {
            let arn = sibling_value(button, ".more-panel", "arn").unwrap_or_default();
            open(
                Destination::Arn {
                    arn: arn.trim().to_owned(),
                },
                true,
                None,
            )
        }
        "copy" => {
            let Some(format) = button
                .get_attribute("data-format")
                .as_deref()
                .and_then(CopyFormat::from_name)
            else {
                return Ok(());
            };
            Request::CopyCredentials {
                key: key.clone(),
                format,
                otp: None,
            }
        }
        "copy-k8s" => {
            let Some(format) = button
                .get_attribute("data-format")
                .as_deref()
                .and_then(KubeFormat::from_name)
            else {
                return Ok(());
            };
            Request::CopyKubernetes {
                key: key.clone(),
                format,
            }
        }
        _ => return Ok(()),
    };
    let label = button.text_content().unwrap_or_default();
    let name = key.label();
    spawn_local(async move {
        let response = ask(&request).await;
        dom::report(answered(response, &label, &name, &request).await);
    });
    Ok(())
}

async fn answered(
    response: Response,
    label: &str,
    name: &str,
    request: &Request,
) -> Result<(), JsValue> {
    match response {
        Response::Error { message, .. } if message.name == msg::MULTI_SESSION_FULL.name => {
            show_make_room_offer(&message, request)
        }
        Response::Error { message, .. } => {
            dom::show_message("popup-alert", Some(&localize(&message)))
        }
        Response::Copied { text, .. } => {
            let clipboard = web_sys::window()
                .ok_or_else(|| JsValue::from_str("no window"))?
                .navigator()
                .clipboard();
            match wasm_bindgen_futures::JsFuture::from(clipboard.write_text(text.expose())).await {
                Ok(_) => {
                    dom::show_message("popup-alert", None)?;
                    dom::by_id("popup-status")?
                        .set_text_content(Some(&tf(msg::COPIED, &[label, name])));
                    Ok(())
                }
                Err(_) => dom::show_message("popup-alert", Some(&t(msg::COPY_FAILED))),
            }
        }
        Response::State(_) | Response::Exported { .. } | Response::TenantFeatures { .. } => {
            dom::show_message("popup-alert", None)
        }
    }
}

/// AWS's multi-session console is full: offers to sign out of the session the worker named
/// (`message`: whose, then whom to open) and open the console after all, or to cancel. The
/// offer sits beside the rendered list, so a re-render does not take it away.
fn show_make_room_offer(
    message: &crate::core::text::UserText,
    request: &Request,
) -> Result<(), JsValue> {
    let Request::OpenConsole { open, otp, .. } = request else {
        return Ok(());
    };
    let accept = Request::OpenConsole {
        open: open.clone(),
        otp: otp.clone(),
        make_room: true,
    };
    let document = dom::document()?;
    if let Some(old) = document.get_element_by_id("make-room") {
        old.remove();
    }
    let args: Vec<&str> = message.args.iter().map(String::as_str).collect();
    let yes = El::new("button")?
        .attr("type", "button")?
        .text(&tf(msg::MULTI_SESSION_MAKE_ROOM, &args))?
        .0;
    let no = El::new("button")?
        .attr("type", "button")?
        .attr("class", "secondary")?
        .text(&t(msg::CANCEL))?
        .0;
    let offer = El::new("div")?
        .attr("id", "make-room")?
        .attr("role", "alertdialog")?
        .attr("aria-labelledby", "make-room-text")?
        .child(
            El::new("p")?
                .attr("id", "make-room-text")?
                .text(&localize(message))?,
        )?
        .child(
            El::new("div")?
                .attr("class", "inline")?
                .child(El(yes.clone()))?
                .child(El(no.clone()))?,
        )?;
    document
        .body()
        .ok_or_else(|| JsValue::from_str("no body"))?
        .append_child(&offer.0)?;
    let name = open.key.label();
    dom::on(&yes, "click", move |_| {
        if let Ok(Some(offer)) = dom::document().map(|d| d.get_element_by_id("make-room")) {
            offer.remove();
        }
        let (accept, name) = (accept.clone(), name.clone());
        spawn_local(async move {
            let response = ask(&accept).await;
            dom::report(answered(response, "", &name, &accept).await);
        });
    })?;
    dom::on(&no, "click", |_| {
        if let Ok(Some(offer)) = dom::document().map(|d| d.get_element_by_id("make-room")) {
            offer.remove();
        }
    })?;
    yes.dyn_ref::<web_sys::HtmlElement>()
        .map_or(Ok(()), web_sys::HtmlElement::focus)
}
