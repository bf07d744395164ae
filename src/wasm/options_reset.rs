//! Forgetting everything, after a confirmation.

use wasm_bindgen::prelude::*;

use super::{section, show};
use crate::core::messages::Request;
use crate::core::text::msg;
use crate::wasm::browser::t;
use crate::wasm::client::ask;
use crate::wasm::dom::{by_id, El};

pub(super) fn reset_section() -> Result<El, JsValue> {
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

pub(super) fn confirm_forget(open: bool) -> Result<(), JsValue> {
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

pub(super) async fn forget_everything() -> Result<(), JsValue> {
    let response = ask(&Request::ForgetEverything).await;
    confirm_forget(false)?;
    show(&response, Some(t(msg::FORGOTTEN)))
}
