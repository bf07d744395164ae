//! What the user had open or typed in the popup, kept across a re-render.

use wasm_bindgen::prelude::*;
use web_sys::{Element, HtmlInputElement};

use super::{key_of, show_otp_prompt, toggle_more};
use crate::wasm::dom;

/// What the user had open or typed in the popup, kept across a re-render.
#[derive(Default)]
pub struct Snapshot {
    /// Expanded "More" panels: (origin, button label).
    expanded: Vec<(String, String)>,
    /// Open one-time-code prompts: (origin, role).
    otp: Vec<(String, String)>,
    /// Values of fields with an id.
    values: Vec<(String, String)>,
    /// The status line.
    status: Option<String>,
}

fn each(main: &Element, selector: &str, mut visit: impl FnMut(Element)) -> Result<(), JsValue> {
    let found = main.query_selector_all(selector)?;
    for i in 0..found.length() {
        if let Some(element) = found.item(i).and_then(|n| n.dyn_into::<Element>().ok()) {
            visit(element);
        }
    }
    Ok(())
}

/// Records what a re-render would lose.
pub fn snapshot(main: &Element) -> Result<Snapshot, JsValue> {
    let mut snap = Snapshot::default();
    each(main, "button[data-action=more][aria-expanded=true]", |b| {
        if let (Some(origin), Some(label)) = (
            b.get_attribute("data-origin"),
            b.get_attribute("aria-label"),
        ) {
            snap.expanded.push((origin, label));
        }
    })?;
    each(
        main,
        ".otp:not([hidden]) button[data-action=otp-submit]",
        |b| {
            if let (Some(origin), Some(role)) =
                (b.get_attribute("data-origin"), b.get_attribute("data-role"))
            {
                snap.otp.push((origin, role));
            }
        },
    )?;
    each(main, "input[id], select[id]", |e| {
        let value = e
            .dyn_ref::<HtmlInputElement>()
            .map(HtmlInputElement::value)
            .or_else(|| {
                e.dyn_ref::<web_sys::HtmlSelectElement>()
                    .map(web_sys::HtmlSelectElement::value)
            });
        if let Some(value) = value {
            snap.values.push((e.id(), value));
        }
    })?;
    snap.status = dom::by_id("popup-status")
        .ok()
        .and_then(|s| s.text_content())
        .filter(|s| !s.is_empty());
    Ok(snap)
}

/// Puts back what [`snapshot`] recorded.
pub fn restore(main: &Element, snap: &Snapshot) -> Result<(), JsValue> {
    for (origin, label) in &snap.expanded {
        let selector = format!(
            "button[data-action=more]{}{}",
            dom::attr_selector("data-origin", origin),
            dom::attr_selector("aria-label", label)
        );
        if let Some(button) = main.query_selector(&selector)? {
            if let Some(key) = key_of(&button) {
                toggle_more(&button, &key)?;
            }
        }
    }
    for (origin, role) in &snap.otp {
        let selector = format!(
            "button[data-action=open][data-otp=true]{}{}",
            dom::attr_selector("data-origin", origin),
            dom::attr_selector("data-role", role)
        );
        if let Some(button) = main.query_selector(&selector)? {
            if let Some(key) = key_of(&button) {
                show_otp_prompt(&button, &key, false)?;
            }
        }
    }
    for (id, value) in &snap.values {
        if let Some(element) = dom::document()?.get_element_by_id(id) {
            if let Some(input) = element.dyn_ref::<HtmlInputElement>() {
                input.set_value(value);
            } else if let Some(select) = element.dyn_ref::<web_sys::HtmlSelectElement>() {
                select.set_value(value);
            }
        }
    }
    if let Some(status) = &snap.status {
        dom::by_id("popup-status")?.set_text_content(Some(status));
    }
    Ok(())
}
