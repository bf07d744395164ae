//! `tabs`, with `tabGroups` (Chrome), `contextualIdentities` (Firefox's containers) and
//! `windows`: where console tabs open and how they are moved, titled and closed.

use serde_json::json;
use wasm_bindgen::prelude::*;

use super::tab_id_of;
use crate::core::diagnostics::Event;
use crate::core::popup::OpenTab;
use crate::core::secret::Secret;
use crate::core::session::TabId;
use crate::service::platform::{Capabilities, ConsolePlacement, TabInfo};
use crate::service::PlatformError;
use crate::wasm::bindings::{self, Tab};
use crate::wasm::browser::to_js;
use crate::wasm::diagnostics;

/// Opens a console tab in its identity's container (Firefox) or tab group (Chrome): the
/// tab, and the group it joined.
pub async fn open_console(
    url: &Secret,
    placement: &ConsolePlacement,
    capabilities: Capabilities,
) -> Result<(TabId, Option<i32>), PlatformError> {
    if capabilities.containers {
        let store = container(placement).await?;
        diagnostics::record(Event::Navigate { tab: None });
        let props =
            json!({"url": url.expose(), "active": placement.active, "cookieStoreId": store});
        let tab = bindings::tabs()?.create(&to_js(&props)?).await?;
        return Ok((tab_id_of(&tab)?, None));
    }
    diagnostics::record(Event::Navigate { tab: None });
    let tabs = bindings::tabs()?;
    let props = json!({"url": url.expose(), "active": placement.active});
    let tab = tab_id_of(&tabs.create(&to_js(&props)?).await?)?;
    if !capabilities.tab_groups {
        return Ok((tab, None));
    }
    let tab_groups = bindings::tab_groups()?;
    let grouped = match placement.group {
        Some(group) => tabs
            .group(&to_js(&json!({"tabIds": [tab], "groupId": group}))?)
            .await
            .map_err(PlatformError::from),
        None => Err(PlatformError("no group yet".into())),
    };
    // The remembered group may have been closed: make a new one.
    let group_id = match grouped {
        Ok(group) => group,
        Err(_) => tabs.group(&to_js(&json!({"tabIds": [tab]}))?).await?,
    };
    if let Some(group_id) = group_id {
        let style = json!({"title": placement.title, "color": placement.colour});
        let _ = tab_groups.update(group_id, &to_js(&style)?).await;
    }
    Ok((tab, group_id))
}

/// What a tab shows, and whether it is the one in use.
pub async fn info(tab_id: TabId) -> Option<TabInfo> {
    let tab = bindings::tabs().ok()?.get(tab_id).await.ok()?;
    Some(TabInfo {
        url: tab.url().unwrap_or_default(),
        active: tab.active().unwrap_or(false),
    })
}

/// The open tabs (`active_in_focus`: only the tab in use in the focused window).
pub async fn list(active_in_focus: bool) -> Vec<OpenTab> {
    let filter = if active_in_focus {
        json!({"active": true, "lastFocusedWindow": true})
    } else {
        json!({})
    };
    let Ok(filter) = to_js(&filter) else {
        return Vec::new();
    };
    let Ok(tabs) = bindings::tabs() else {
        return Vec::new();
    };
    let Ok(tabs) = tabs.query(&filter).await else {
        return Vec::new();
    };
    tabs.iter()
        .filter_map(|tab| {
            let tab: Tab = tab.unchecked_into();
            Some(OpenTab {
                id: tab_id_of(&tab).ok()?,
                url: tab.url(),
                last_accessed_ms: tab.last_accessed().unwrap_or(0.0),
            })
        })
        .collect()
}

/// Titles a tab group (Chrome).
pub async fn set_group_title(group: i32, title: &str) {
    if let Ok(tab_groups) = bindings::tab_groups() {
        if let Ok(change) = to_js(&json!({"title": title})) {
            let _ = tab_groups.update(group, &change).await;
        }
    }
}

/// Sends a tab to `url`.
pub async fn navigate(tab_id: TabId, url: &Secret) -> Result<(), PlatformError> {
    diagnostics::record(Event::Navigate { tab: Some(tab_id) });
    let change = to_js(&json!({"url": url.expose()}))?;
    bindings::tabs()?.update(tab_id, &change).await?;
    Ok(())
}

/// Opens a tab at `url`; `about:blank` once its first document is there.
pub async fn open(url: &str, active: bool) -> Result<TabId, PlatformError> {
    let tabs = bindings::tabs()?;
    let tab = tabs
        .create(&to_js(&json!({"url": url, "active": active}))?)
        .await?;
    let id = tab_id_of(&tab)?;
    if url == "about:blank" {
        // Chromium ignores a navigation asked for before a new tab's first (blank)
        // document has committed: the tab then stays empty. Wait until it has (a couple
        // of seconds at most), so the caller may navigate it.
        for _ in 0..100 {
            let now = tabs.get(id).await?;
            if now.status().as_deref() == Some("complete") {
                break;
            }
            gloo_timers::future::TimeoutFuture::new(20).await;
        }
    }
    Ok(id)
}

/// Tells a tab's identity bar that what it shows changed.
pub async fn tell_bar(tab_id: TabId) {
    // The bar runs in the top document only (`all_frames: false`). A tab whose page has
    // no bar (not yet loaded, or another site now) rejects, which is fine.
    let message = to_js(&json!({"type": "identityBarChanged"})).unwrap_or_default();
    if let Ok(tabs) = bindings::tabs() {
        let _ = tabs.send_message(tab_id, &message).await;
    }
}

/// Closes a tab.
pub async fn close(tab_id: TabId) {
    if let Ok(tabs) = bindings::tabs() {
        let _ = tabs.remove(tab_id).await;
    }
}

/// Brings a tab and its window to the front.
pub async fn focus(tab_id: TabId) -> Result<(), PlatformError> {
    let change = to_js(&json!({"active": true}))?;
    let tab = bindings::tabs()?.update(tab_id, &change).await?;
    if let Some(window) = tab.and_then(|tab| tab.window_id()) {
        if let Ok(windows) = bindings::windows() {
            let _ = windows
                .update(window, &to_js(&json!({"focused": true}))?)
                .await;
        }
    }
    Ok(())
}

/// The container of one identity (Firefox): found by name, else created with its colour.
async fn container(placement: &ConsolePlacement) -> Result<String, PlatformError> {
    let containers = bindings::contextual_identities()?;
    let found = containers
        .query(&to_js(&json!({"name": placement.name}))?)
        .await?;
    let existing = found.get(0);
    let identity = if existing.is_object() {
        existing.unchecked_into()
    } else {
        let spec = json!({"name": placement.name, "color": placement.colour, "icon": "briefcase"});
        containers.create(&to_js(&spec)?).await?
    };
    identity
        .cookie_store_id()
        .ok_or_else(|| PlatformError("container without cookieStoreId".into()))
}
