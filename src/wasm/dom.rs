//! A few helpers to build pages from Rust. Text always goes in as text nodes, never as HTML,
//! so nothing a portal or a user typed can run as script.

use wasm_bindgen::prelude::*;
use web_sys::{Document, Element, HtmlElement};

/// The page's document.
pub fn document() -> Result<Document, JsValue> {
    web_sys::window()
        .and_then(|w| w.document())
        .ok_or_else(|| JsValue::from_str("no document"))
}

/// An element under construction.
pub struct El(pub Element);

impl El {
    /// A new `<tag>`.
    pub fn new(tag: &str) -> Result<Self, JsValue> {
        Ok(Self(document()?.create_element(tag)?))
    }

    /// Sets an attribute.
    pub fn attr(self, name: &str, value: &str) -> Result<Self, JsValue> {
        self.0.set_attribute(name, value)?;
        Ok(self)
    }

    /// Appends text, as a text node.
    pub fn text(self, text: &str) -> Result<Self, JsValue> {
        let node = document()?.create_text_node(text);
        self.0.append_child(&node)?;
        Ok(self)
    }

    /// Appends a child element.
    pub fn child(self, child: El) -> Result<Self, JsValue> {
        self.0.append_child(&child.0)?;
        Ok(self)
    }
}

/// The element with this id.
pub fn by_id(id: &str) -> Result<Element, JsValue> {
    document()?
        .get_element_by_id(id)
        .ok_or_else(|| JsValue::from_str(&format!("no #{id}")))
}

/// Replaces everything inside `parent` with `children`.
pub fn replace_children(
    parent: &Element,
    children: impl IntoIterator<Item = El>,
) -> Result<(), JsValue> {
    parent.set_text_content(None);
    for child in children {
        parent.append_child(&child.0)?;
    }
    Ok(())
}

/// Shows `text` in a message element (an alert or a status), or hides it when `None`.
pub fn show_message(id: &str, text: Option<&str>) -> Result<(), JsValue> {
    let element = by_id(id)?;
    element.set_text_content(text);
    element
        .dyn_ref::<HtmlElement>()
        .ok_or_else(|| JsValue::from_str("not an HTML element"))?
        .set_hidden(text.is_none());
    Ok(())
}

/// Marks the page as rendered (tests and assistive technology wait for it).
pub fn mark_ready(main: &Element) -> Result<(), JsValue> {
    main.set_attribute("aria-busy", "false")
}

/// Runs `handler` on `event` of `target` for as long as the page lives (a `gloo-events`
/// listener that may call `preventDefault`, as a form's `submit` does).
pub fn on(
    target: &Element,
    event: &'static str,
    mut handler: impl FnMut(web_sys::Event) + 'static,
) -> Result<(), JsValue> {
    let options = gloo_events::EventListenerOptions::enable_prevent_default();
    // The page owns its listeners until it closes.
    gloo_events::EventListener::new_with_options(target, event, options, move |event| {
        handler(event.clone())
    })
    .forget();
    Ok(())
}

/// Logs a failure to render; the page shows what it had.
pub fn report(result: Result<(), JsValue>) {
    if let Err(e) = result {
        super::browser::log(&format!("page error: {e:?}"));
    }
}

/// An attribute selector `[name="value"]`, the value escaped.
pub fn attr_selector(name: &str, value: &str) -> String {
    format!(
        "[{name}=\"{}\"]",
        value.replace('\\', "\\\\").replace('"', "\\\"")
    )
}

/// A labelled form control: `<div class="field"><label for=id>label</label>control</div>`.
pub fn labelled(id: &str, label: &str, control: El) -> Result<El, JsValue> {
    El::new("div")?
        .attr("class", "field")?
        .child(El::new("label")?.attr("for", id)?.text(label)?)?
        .child(control.attr("id", id)?)
}
