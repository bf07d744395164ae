//! A tenant's row (cloned from a prototype per portal) and the administrator entries.

use wasm_bindgen::prelude::*;
use web_sys::{Element, Node};

use super::action_button;
use crate::core::expiry;
use crate::core::identity::{ConsoleKey, Role};
use crate::core::messages::{PortalView, SessionView, TenantView};
use crate::core::text::msg;
use crate::wasm::browser::{localize, t, tf};
use crate::wasm::dom::El;

/// A tenant's row: its open button (named "Open AWS console as <name>"), the time left, the
/// console markers, and the "More" disclosure.
///
/// Rows are cloned from one prototype that holds what every row shares (element types,
/// classes, actions): the popup builds hundreds at once, and each attribute set is a call
/// into the browser, so only what differs per tenant is set.
pub fn tenant_item(origin: &str, tenant: &TenantView, now_ms: u64) -> Result<El, JsValue> {
    let li: Element = ROW_PROTOTYPES
        .with(|prototypes| -> Result<Node, JsValue> {
            let mut prototypes = prototypes.borrow_mut();
            let prototype = match prototypes.get(origin) {
                Some(row) => row.clone(),
                None => {
                    let row = row_prototype(origin)?;
                    prototypes.insert(origin.to_owned(), row.clone());
                    row
                }
            };
            prototype.clone_node_with_deep(true)
        })?
        .dyn_into()?;
    let row = li
        .first_element_child()
        .ok_or_else(|| JsValue::from_str("row without its parts"))?;
    let part = |index: u32| {
        row.children()
            .item(index)
            .ok_or_else(|| JsValue::from_str("row without its parts"))
    };
    let (star, open, state, more) = (part(0)?, part(1)?, part(2)?, part(3)?);
    let name = tenant.name.as_str();
    li.set_attribute("data-name", &crate::util::fold(name))?;
    // Which row this is, for the popup's morphing re-render and its row cache.
    li.set_attribute("data-key", &format!("{origin}|{}", tenant.id))?;
    for button in [&star, &open, &more] {
        button.set_attribute("data-id", tenant.id.as_str())?;
        button.set_attribute("data-name", name)?;
    }
    let pinned = tenant.favourite.is_some();
    star.set_text_content(Some(if pinned { "★" } else { "☆" }));
    star.set_attribute("aria-label", &tf(msg::FAVOURITE, &[name]))?;
    star.set_attribute("aria-pressed", if pinned { "true" } else { "false" })?;
    open.set_text_content(Some(name));
    open.set_attribute("aria-label", &tf(msg::OPEN_CONSOLE_AS, &[name]))?;
    more.set_attribute("aria-label", &tf(msg::MORE_FOR, &[name]))?;
    if tenant.keep_alive {
        more.set_attribute("data-keep-alive", "")?;
    }
    if let Some(text) = tenant
        .expires_ms
        .and_then(|e| expiry::expires_text(e, now_ms))
    {
        let expires = El::new("span")?
            .attr("class", "expires")?
            .text(&localize(&text))?;
        state.append_child(&expires.0)?;
    }
    let marker = if tenant.holds_console {
        Some(
            El::new("span")?
                .attr("class", "marker holder")?
                .text(&t(msg::HOLDS_CONSOLE))?,
        )
    } else if tenant.console_open {
        Some(
            El::new("span")?
                .attr("class", "marker")?
                .text(&t(msg::CONSOLE_OPEN))?,
        )
    } else {
        None
    };
    if let Some(marker) = marker {
        state.append_child(&marker.0)?;
    }
    Ok(El(li))
}

thread_local! {
    /// The rows tenant rows are cloned from ([`tenant_item`]), by portal origin.
    static ROW_PROTOTYPES: std::cell::RefCell<std::collections::BTreeMap<String, Node>> =
        std::cell::RefCell::default();
}

/// What every tenant row of the portal at `origin` shares; [`tenant_item`] fills in the
/// tenant.
fn row_prototype(origin: &str) -> Result<Node, JsValue> {
    let button = |action: &str, class: &str| {
        El::new("button")?
            .attr("type", "button")?
            .attr("class", class)?
            .attr("data-action", action)?
            .attr("data-origin", origin)?
            .attr("data-role", "tenant")
    };
    let li = El::new("li")?
        .child(
            El::new("div")?
                .attr("class", "tenant-row")?
                .child(button("favourite", "star")?)?
                .child(button("open", "tenant-open")?)?
                .child(El::new("span")?.attr("class", "tenant-state")?)?
                .child(button("more", "more secondary")?.attr("aria-expanded", "false")?)?,
        )?
        .child(
            El::new("div")?
                .attr("class", "more-panel")?
                .attr("hidden", "")?,
        )?;
    Ok(li.0.into())
}

/// The administrator (and duplo-ops) entries of a portal, where offered.
pub fn role_entries(portal: &PortalView) -> Result<Option<El>, JsValue> {
    let SessionView::Active {
        admin_jit,
        duplo_ops,
        otp_needed,
        ..
    } = &portal.session
    else {
        return Ok(None);
    };
    if !admin_jit && !duplo_ops {
        return Ok(None);
    }
    let mut row = El::new("div")?.attr("class", "roles")?;
    for (offered, role, label) in [
        (*admin_jit, Role::Admin, msg::OPEN_CONSOLE_AS_ADMIN),
        (*duplo_ops, Role::DuploOps, msg::OPEN_CONSOLE_AS_DUPLO_OPS),
    ] {
        if offered {
            let key = ConsoleKey {
                origin: portal.origin.clone(),
                role,
            };
            row = row.child(
                action_button("open", &key, &t(label), "secondary")?
                    .attr("data-otp", if *otp_needed { "true" } else { "" })?,
            )?;
        }
    }
    Ok(Some(row.child(
        El::new("div")?.attr("class", "otp")?.attr("hidden", "")?,
    )?))
}
