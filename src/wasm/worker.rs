//! The service worker's entry point: one message handler for the pages.

use std::rc::Rc;

use js_sys::Reflect;
use wasm_bindgen::prelude::*;

use super::browser;
use super::storage::LocalStorage;
use crate::core::messages::{Request, Response, StateView};
use crate::core::text::msg;
use crate::service::Service;

thread_local! {
    // One service per worker life; it reloads its state from storage after a restart.
    static SERVICE: Rc<Service<LocalStorage>> = Rc::new(Service::new(LocalStorage));
}

/// Answers a [`Request`] from one of this extension's pages. Anything else (another
/// extension, a content script of a web page, a malformed message) gets no answer.
#[wasm_bindgen(js_name = handleMessage)]
pub async fn handle_message(message: JsValue, sender: JsValue) -> JsValue {
    if !from_our_pages(&sender) {
        return JsValue::UNDEFINED;
    }
    let response = match serde_wasm_bindgen::from_value::<Request>(message) {
        Ok(request) => SERVICE.with(Rc::clone).handle(request).await,
        Err(_) => Response::Error {
            message: msg::WORKER_UNAVAILABLE.text(),
            state: StateView::default(),
        },
    };
    browser::to_js(&response).unwrap_or(JsValue::UNDEFINED)
}

/// Whether the sender is a page of this extension (its id matches and its URL is ours).
fn from_our_pages(sender: &JsValue) -> bool {
    let Ok(runtime) = browser::runtime() else {
        return false;
    };
    let field = |name: &str| {
        Reflect::get(sender, &JsValue::from_str(name))
            .ok()
            .and_then(|v| v.as_string())
    };
    let our_id = runtime.id();
    let our_base = runtime.get_url("");
    let same_id = field("id").is_some_and(|id| id == our_id);
    let our_page = field("url").is_some_and(|url| url.starts_with(&our_base));
    same_id && our_page && !our_base.is_empty()
}
