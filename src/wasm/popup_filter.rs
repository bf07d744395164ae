//! A portal's tenant list as filtered: the page of matches shown, their count, "Show more".

use wasm_bindgen::prelude::*;

use super::POPUP;
use crate::core::messages::TenantView;
use crate::core::tenant_list;
use crate::core::text::msg;
use crate::wasm::browser::{t, tf};
use crate::wasm::console_ui;
use crate::wasm::dom::{self, by_id};

/// The filter the user typed in a portal's box.
pub(super) fn filter_of(origin: &str) -> String {
    POPUP
        .with(|p| p.borrow().filters.get(origin).cloned())
        .unwrap_or_default()
}

/// Fills a portal's tenant list for the filter the user typed there.
pub(super) fn fill(origin: &str) -> Result<(), JsValue> {
    apply_filter(origin, &filter_of(origin))
}

/// Fills a portal's tenant list in the page with the tenants matching `filter`.
pub(super) fn apply_filter(origin: &str, filter: &str) -> Result<(), JsValue> {
    apply_filter_in(&by_id("app")?, origin, filter)
}

/// Fills a portal's tenant list under `root` with the tenants matching `filter` (at most a
/// page of them) and says how many match.
pub(super) fn apply_filter_in(
    root: &web_sys::Element,
    origin: &str,
    filter: &str,
) -> Result<(), JsValue> {
    let selector = format!(
        "input[type=search]{}",
        dom::attr_selector("data-origin", origin)
    );
    let Some(input) = root.query_selector(&selector)? else {
        return Ok(());
    };
    let part = |id: String| {
        root.query_selector(&format!("#{id}"))?
            .ok_or_else(|| JsValue::from_str(&format!("no #{id}")))
    };
    let index = input.get_attribute("data-index").unwrap_or_default();
    // Ranked inside the borrow: only the page shown is copied out, not the whole list.
    let page = POPUP.with(|p| {
        let p = p.borrow();
        let pages = p.pages.get(origin).copied().unwrap_or(1);
        let tenants = p
            .last
            .as_ref()?
            .portals
            .iter()
            .find(|p| p.origin == origin)?
            .tenants
            .as_ref()?;
        let (shown, mut total) = tenant_list::matching(tenants, filter, pages);
        // Until the whole list is here, the first page knows how many there are in all.
        let portal = p
            .last
            .as_ref()?
            .portals
            .iter()
            .find(|p| p.origin == origin)?;
        if let (Some(all), true) = (portal.tenants_total, filter.trim().is_empty()) {
            total = all;
        }
        let shown: Vec<TenantView> = shown.into_iter().cloned().collect();
        Some((shown, total, tenants.is_empty()))
    });
    let Some((shown, total, none)) = page else {
        return Ok(());
    };
    let now = js_sys::Date::now() as u64;
    let list = part(format!("tenants-{index}"))?;
    list.set_text_content(None);
    for tenant in &shown {
        // A row built since the last render is moved, not rebuilt: typing in the filter
        // reorders nodes, and an open "More" panel stays open.
        let key = format!("{origin}|{}", tenant.id);
        let cached = POPUP.with(|p| p.borrow().rows.get(&key).cloned());
        let row = match cached {
            Some(row) => row,
            None => {
                let row = console_ui::tenant_item(origin, tenant, now)?.0;
                POPUP.with(|p| p.borrow_mut().rows.insert(key, row.clone()));
                row
            }
        };
        list.append_child(&row)?;
    }
    let count = if none {
        Some(t(msg::NO_TENANTS))
    } else if total == 0 {
        Some(t(msg::NO_TENANT_MATCHES))
    } else if total > shown.len() {
        Some(tf(
            msg::TENANTS_SHOWN,
            &[&shown.len().to_string(), &total.to_string()],
        ))
    } else {
        None
    };
    dom::show_message_in(&part(format!("count-{index}"))?, count.as_deref())?;
    // Rendering a page at a time keeps the popup quick to open; the next page is a click
    // (or Enter) away, and typing narrows the list.
    let more = (total > shown.len()).then(|| {
        let next = (total - shown.len()).min(tenant_list::SHOWN_AT_MOST);
        tf(msg::SHOW_MORE, &[&next.to_string()])
    });
    dom::show_message_in(&part(format!("more-{index}"))?, more.as_deref())
}
