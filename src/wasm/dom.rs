//! A few helpers to build pages from Rust. Text always goes in as text nodes, never as HTML,
//! so nothing a portal or a user typed can run as script.

use std::collections::HashMap;

use wasm_bindgen::prelude::*;
use web_sys::{Document, Element, HtmlElement, Node};

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

/// Makes the children of `live` (in the page) what the children of `fresh` (built apart)
/// are, changing only what differs: an element stays the same node when its tag and key
/// (`id`, else `data-key`) match, its attributes and text are brought up to date, and only
/// what is new is moved in from `fresh` (which is left empty). A re-render that rebuilt
/// every node would swallow a click whose press and release straddled it (the click goes to
/// neither node) and drop the focus; this keeps the node under the pointer and the focus.
/// When the order changes, the nodes that come forward are moved, the others stay put.
///
/// Hand-written because no maintained crate morphs plain `web_sys` nodes (the Rust DOM
/// libraries are whole frameworks with their own rendering, and `morphdom` is JavaScript);
/// it is the keyed part of morphdom's algorithm.
pub fn morph_children(live: &Node, fresh: &Node) -> Result<(), JsValue> {
    let keys_of = |parent: &Node| {
        let children = parent.child_nodes();
        (0..children.length())
            .filter_map(|i| children.item(i))
            .filter_map(|node| key(&node).map(|k| (k, node)))
            .collect::<HashMap<String, Node>>()
    };
    let wanted = keys_of(fresh);
    let mut old_by_key = keys_of(live);
    let mut cursor = live.first_child();
    while let Some(new) = fresh.first_child() {
        // Old keyed nodes the new page no longer has go.
        while let Some(old) = cursor.clone() {
            if key(&old).is_some_and(|k| !wanted.contains_key(&k)) {
                cursor = old.next_sibling();
                live.remove_child(&old)?;
            } else {
                break;
            }
        }
        let found = match (cursor.clone(), key(&new)) {
            (Some(old), _) if same_node(&old, &new) => {
                cursor = old.next_sibling();
                Some(old)
            }
            // A node shown further down comes forward.
            (_, Some(k)) => match old_by_key.remove(&k).filter(|n| same_node(n, &new)) {
                Some(old) => {
                    live.insert_before(&old, cursor.as_ref())?;
                    Some(old)
                }
                None => None,
            },
            _ => None,
        };
        match found {
            Some(old) => {
                morph_node(&old, &new)?;
                fresh.remove_child(&new)?;
            }
            // Moved out of `fresh` into the page.
            None => {
                live.insert_before(&new, cursor.as_ref())?;
            }
        }
    }
    while let Some(gone) = cursor {
        cursor = gone.next_sibling();
        live.remove_child(&gone)?;
    }
    Ok(())
}

/// An element's key for [`morph_children`]: its `id`, else its `data-key`.
fn key(node: &Node) -> Option<String> {
    let element = node.dyn_ref::<Element>()?;
    element
        .get_attribute("id")
        .or_else(|| element.get_attribute("data-key"))
}

fn same_node(old: &Node, new: &Node) -> bool {
    if old.node_type() != new.node_type() {
        return false;
    }
    match (old.dyn_ref::<Element>(), new.dyn_ref::<Element>()) {
        (Some(a), Some(b)) => a.tag_name() == b.tag_name() && key(old) == key(new),
        _ => true,
    }
}

fn morph_node(old: &Node, new: &Node) -> Result<(), JsValue> {
    let (Some(old), Some(new)) = (old.dyn_ref::<Element>(), new.dyn_ref::<Element>()) else {
        // Text: only its content.
        if old.node_value() != new.node_value() {
            old.set_node_value(new.node_value().as_deref());
        }
        return Ok(());
    };
    for name in new
        .get_attribute_names()
        .iter()
        .filter_map(|n| n.as_string())
    {
        let value = new.get_attribute(&name);
        if old.get_attribute(&name) != value {
            old.set_attribute(&name, value.as_deref().unwrap_or_default())?;
        }
    }
    for name in old
        .get_attribute_names()
        .iter()
        .filter_map(|n| n.as_string())
    {
        if !new.has_attribute(&name) {
            old.remove_attribute(&name)?;
        }
    }
    morph_children(old, new)
}

/// Shows `text` in a message element (an alert or a status), or hides it when `None`.
pub fn show_message(id: &str, text: Option<&str>) -> Result<(), JsValue> {
    show_message_in(&by_id(id)?, text)
}

/// As [`show_message`], for an element in hand (perhaps not in the page yet).
pub fn show_message_in(element: &Element, text: Option<&str>) -> Result<(), JsValue> {
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

/// The button with a `data-action` that a click (`event`) landed in, if any: how the pages
/// find what was clicked in a list they handle with one listener.
pub fn action_button(event: &web_sys::Event) -> Option<Element> {
    event
        .target()
        .and_then(|t| t.dyn_into::<Element>().ok())
        .and_then(|e| e.closest("button[data-action]").ok().flatten())
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
