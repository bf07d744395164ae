//! The one-time-code prompt of a portal that asks for one before an administrator console.

use wasm_bindgen::prelude::*;
use web_sys::{Element, HtmlInputElement};

use super::action_button;
use crate::core::identity::ConsoleKey;
use crate::core::text::msg;
use crate::wasm::browser::{t, tf};
use crate::wasm::dom::{self, El};

pub(super) fn show_otp_prompt(
    button: &Element,
    key: &ConsoleKey,
    new_tab: bool,
) -> Result<(), JsValue> {
    let Some(row) = button.closest(".roles").ok().flatten() else {
        return Ok(());
    };
    let Some(prompt) = row.query_selector(".otp")? else {
        return Ok(());
    };
    // The origin is the worker's own `https://host[:port]`.
    let host = key
        .origin
        .as_str()
        .split_once("://")
        .map_or("", |(_, host)| host);
    let id = format!("otp-{:x}", crate::util::fnv1a(key.id().as_str()));
    let mut submit = action_button("otp-submit", key, &t(msg::OTP_SUBMIT), "")?;
    if new_tab {
        submit = submit.attr("data-new-tab", "")?;
    }
    dom::replace_children(
        &prompt,
        [
            El::new("p")?
                .attr("class", "hint")?
                .text(&tf(msg::OTP_REQUIRED, &[host]))?,
            dom::labelled(
                &id,
                &tf(msg::OTP_LABEL, &[host]),
                El::new("input")?
                    .attr("type", "text")?
                    .attr("class", "otp-code")?
                    .attr("inputmode", "numeric")?
                    .attr("autocomplete", "one-time-code")?,
            )?,
            submit,
        ],
    )?;
    prompt.remove_attribute("hidden")?;
    if let Some(input) = dom::document()?
        .get_element_by_id(&id)
        .and_then(|e| e.dyn_into::<HtmlInputElement>().ok())
    {
        input.focus()?;
    }
    Ok(())
}
