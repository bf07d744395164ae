//! The context menu (`contextMenus`).

use serde_json::json;
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::JsFuture;

use crate::core::menus::MenuItem;
use crate::service::PlatformError;
use crate::wasm::bindings;
use crate::wasm::browser::{self, field, to_js};

/// How many context menu items are created before the worker lets other events (a page's
/// message) run.
const MENU_ITEMS_PER_TURN: usize = 50;

/// Replaces the context menu with `items`.
pub async fn set(items: &[MenuItem]) -> Result<(), PlatformError> {
    let menus = bindings::context_menus()?;
    let done = menus.remove_all()?;
    if let Ok(promise) = done.dyn_into::<js_sys::Promise>() {
        JsFuture::from(promise).await?;
    }
    let checked = checked_callback();
    for (made, item) in items.iter().enumerate() {
        // Thousands of items after a browser start (the fingerprint of the applied menu
        // lived in memory): a page's message must not wait for all of them. Every so many
        // items the worker lets other events run.
        if made > 0 && made % MENU_ITEMS_PER_TURN == 0 {
            gloo_timers::future::TimeoutFuture::new(0).await;
        }
        let mut props = serde_json::to_value(item).map_err(|e| PlatformError(e.to_string()))?;
        props["title"] = json!(browser::worker_text(&item.title));
        menus.create(&to_js(&props)?, &checked)?;
    }
    Ok(())
}

/// A callback for callback-style APIs (`contextMenus.create`) that reads
/// `runtime.lastError`, so a refused item is logged once instead of thrown as unchecked.
fn checked_callback() -> JsValue {
    thread_local! {
        static CALLBACK: JsValue = Closure::<dyn Fn()>::new(|| {
            if let Some(error) = bindings::runtime().ok().and_then(|r| r.last_error()) {
                browser::log(&format!(
                    "menu item refused: {}",
                    field(&error, "message").as_string().unwrap_or_default()
                ));
            }
        })
        .into_js_value();
    }
    CALLBACK.with(Clone::clone)
}
