//! The service worker's entry points: the page message handler and the browser events the
//! JS shell forwards.

use std::rc::Rc;

use js_sys::Reflect;
use wasm_bindgen::prelude::*;

use super::browser;
use super::platform::BrowserPlatform;
use crate::core::messages::{Request, Response, StateView};
use crate::core::text::msg;
use crate::service::{Sender, Service};

thread_local! {
    // One service per worker life; it reloads its state from storage after a restart.
    static SERVICE: Rc<Service<BrowserPlatform>> = Rc::new(Service::new(BrowserPlatform));
}

fn service() -> Rc<Service<BrowserPlatform>> {
    SERVICE.with(Rc::clone)
}

fn field(value: &JsValue, name: &str) -> JsValue {
    Reflect::get(value, &JsValue::from_str(name)).unwrap_or(JsValue::UNDEFINED)
}

/// Answers a [`Request`] from one of this extension's pages. Anything else (another
/// extension, a content script of a web page, a malformed message) gets no answer.
#[wasm_bindgen(js_name = handleMessage)]
pub async fn handle_message(message: JsValue, sender: JsValue) -> JsValue {
    if !from_our_pages(&sender) {
        return JsValue::UNDEFINED;
    }
    let tab_id = field(&field(&sender, "tab"), "id")
        .as_f64()
        .map(|id| id as i32);
    let response = match serde_wasm_bindgen::from_value::<Request>(message) {
        Ok(request) => service().handle(request, Sender { tab_id }).await,
        Err(_) => Response::Error {
            message: msg::WORKER_UNAVAILABLE.text(),
            state: StateView::default(),
        },
    };
    browser::to_js(&response).unwrap_or(JsValue::UNDEFINED)
}

/// The worker started: rebuild the renewal schedule from storage.
#[wasm_bindgen(js_name = handleStartup)]
pub async fn handle_startup() {
    service().on_startup().await;
}

/// `notifications.onButtonClicked` (`button` set) and `notifications.onClicked`.
#[wasm_bindgen(js_name = handleNotification)]
pub async fn handle_notification(id: String, button: Option<u32>) {
    service().on_notification(&id, button).await;
}

/// `tabs.onRemoved`.
#[wasm_bindgen(js_name = handleTabRemoved)]
pub async fn handle_tab_removed(tab_id: i32) {
    service().on_tab_removed(tab_id).await;
}

/// `tabs.onUpdated` with a new URL.
#[wasm_bindgen(js_name = handleTabUrl)]
pub async fn handle_tab_url(tab_id: i32, url: String) {
    service().on_tab_updated(tab_id, &url).await;
}

/// `alarms.onAlarm`.
#[wasm_bindgen(js_name = handleAlarm)]
pub async fn handle_alarm(name: String) {
    service().on_alarm(&name).await;
}

/// Whether the sender is a page of this extension (its id matches and its URL is ours).
fn from_our_pages(sender: &JsValue) -> bool {
    let Ok(runtime) = browser::runtime() else {
        return false;
    };
    let our_id = runtime.id();
    let our_base = runtime.get_url("");
    let same_id = field(sender, "id")
        .as_string()
        .is_some_and(|id| id == our_id);
    let our_page = field(sender, "url")
        .as_string()
        .is_some_and(|url| url.starts_with(&our_base));
    same_id && our_page && !our_base.is_empty()
}
