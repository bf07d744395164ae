//! The popup's keyboard: arrows, Home/End, Enter and Escape in the filter boxes and lists.

use wasm_bindgen::prelude::*;
use web_sys::HtmlInputElement;

use super::{apply_filter, POPUP};
use crate::wasm::console_ui;

/// The tenant open buttons of the list `list` (an `ul.tenants`), in order.
pub(super) fn open_buttons(list: &web_sys::Element) -> Vec<web_sys::HtmlElement> {
    let Ok(nodes) = list.query_selector_all("button.tenant-open") else {
        return Vec::new();
    };
    (0..nodes.length())
        .filter_map(|i| nodes.item(i))
        .filter_map(|n| n.dyn_into::<web_sys::HtmlElement>().ok())
        .collect()
}

/// Arrow keys, Home/End, Enter and Escape in the filter boxes and tenant lists.
pub(super) fn on_key(event: &web_sys::KeyboardEvent) -> Result<(), JsValue> {
    let Some(target) = event
        .target()
        .and_then(|t| t.dyn_into::<web_sys::Element>().ok())
    else {
        return Ok(());
    };
    let key = event.key();
    let modifier = event.ctrl_key() || event.meta_key() || event.shift_key();
    let Some(block) = target.closest(".tenant-block")? else {
        return Ok(());
    };
    let Some(list) = block.query_selector("ul.tenants")? else {
        return Ok(());
    };
    let buttons = open_buttons(&list);
    let in_filter = target.matches("input[type=search]")?;
    let filter = block
        .query_selector("input[type=search]")?
        .and_then(|f| f.dyn_into::<HtmlInputElement>().ok());
    if in_filter {
        match key.as_str() {
            "ArrowDown" => {
                if let Some(first) = buttons.first() {
                    event.prevent_default();
                    first.focus()?;
                }
            }
            "Enter" => {
                event.prevent_default();
                if let Some(first) = buttons.first() {
                    console_ui::on_click("open", first, modifier)?;
                }
            }
            "Escape" => {
                if let Some(filter) = filter.filter(|f| !f.value().is_empty()) {
                    // Clears the filter instead of closing the popup.
                    event.prevent_default();
                    filter.set_value("");
                    let origin = filter.get_attribute("data-origin").unwrap_or_default();
                    POPUP.with(|p| p.borrow_mut().filters.remove(&origin));
                    apply_filter(&origin, "")?;
                }
            }
            _ => {}
        }
        return Ok(());
    }
    if !target.matches("button.tenant-open")? {
        return Ok(());
    }
    let at = buttons
        .iter()
        .position(|b| b.is_same_node(Some(target.as_ref())));
    let Some(at) = at else {
        return Ok(());
    };
    let next = match key.as_str() {
        "ArrowDown" => buttons.get(at + 1),
        "ArrowUp" if at == 0 => {
            if let Some(filter) = filter {
                event.prevent_default();
                filter.focus()?;
            }
            return Ok(());
        }
        "ArrowUp" => buttons.get(at - 1),
        "Home" => buttons.first(),
        "End" => buttons.last(),
        "Enter" if modifier => {
            event.prevent_default();
            return console_ui::on_click("open", &target, true);
        }
        _ => return Ok(()),
    };
    event.prevent_default();
    if let Some(next) = next {
        next.focus()?;
    }
    Ok(())
}
