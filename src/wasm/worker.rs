//! The service worker's entry points: the page message handler and the browser events the
//! JS shell forwards.

use std::rc::Rc;

use serde::Serialize;
use wasm_bindgen::prelude::*;

use super::bindings;
use super::browser::{self, field};
use super::diagnostics;
use super::platform::BrowserPlatform;
use crate::core::diagnostics::Event;
use crate::core::identity_bar::{self, BarRequest, BarSender, SenderKind};
use crate::core::menus::MenuClick;
use crate::core::messages::{Request, Response, StateView};
use crate::core::text::msg;
use crate::service::{Platform, Sender, Service};

thread_local! {
    // One service per worker life; it reloads its state from storage after a restart.
    static SERVICE: Rc<Service<BrowserPlatform>> = Rc::new(Service::new(BrowserPlatform::detect()));
}

fn service() -> Rc<Service<BrowserPlatform>> {
    SERVICE.with(Rc::clone)
}

/// Answers a [`Request`] from one of this extension's pages, and a [`BarRequest`] (only
/// that) from our identity bar's content script in the top document of a console tab, about
/// that tab. Anything else (another extension, a web page, a frame, a malformed message)
/// gets no answer.
#[wasm_bindgen(js_name = handleMessage)]
pub async fn handle_message(message: JsValue, sender: JsValue) -> JsValue {
    match sender_kind(&sender) {
        SenderKind::OurPage => {}
        SenderKind::ConsoleBar(bar) => return handle_bar(message, bar).await,
        SenderKind::Stranger => return JsValue::UNDEFINED,
    }
    let kind = field(&message, "type").as_string().unwrap_or_default();
    diagnostics::record(Event::Request {
        request: kind.clone(),
    });
    let tab_id = field(&field(&sender, "tab"), "id")
        .as_f64()
        .map(|id| id as i32);
    let frame_id = field(&sender, "frameId").as_f64().map(|id| id as i32);
    let response = match browser::from_js::<Request>(message) {
        Ok(request) => service().handle(request, Sender { tab_id, frame_id }).await,
        Err(_) => Response::Error {
            message: msg::WORKER_UNAVAILABLE.text(),
            state: StateView::default(),
        },
    };
    let answer = browser::to_js(&response).unwrap_or(JsValue::UNDEFINED);
    diagnostics::record(Event::Answered { request: kind });
    answer
}

/// The worker started: rebuild the renewal schedule from storage. `early_reads` are the
/// storage reads `bg.js` started before the module was loaded (see
/// [`super::platform::take_early_reads`]).
#[wasm_bindgen(js_name = handleStartup)]
pub async fn handle_startup(early_reads: JsValue) {
    super::platform::take_early_reads(&early_reads);
    let service = service();
    service.load_state().await;
    diagnostics::record(Event::StateLoaded);
    service.on_startup_schedule().await;
    diagnostics::record(Event::StartupDone);
    // The context menu is not needed in the first moments after a start, and rebuilding it
    // (after a browser start: thousands of browser calls with thousands of tenants) would
    // compete for the processor with the popup or options page opened at once.
    gloo_timers::future::TimeoutFuture::new(MENUS_AFTER_START_MS).await;
    service.on_startup_menus().await;
    diagnostics::record(Event::MenusDone);
}

/// How long after the worker's start-up schedule the context menu is brought up to date.
const MENUS_AFTER_START_MS: u32 = 2_000;

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

/// `contextMenus.onClicked`: `info` and `tab` as the browser gives them.
#[wasm_bindgen(js_name = handleMenuClick)]
pub async fn handle_menu_click(info: JsValue, tab: JsValue) {
    let text = |value: JsValue| value.as_string().filter(|s| !s.is_empty());
    // `Array::from` throws on a non-iterable: read `modifiers` only when it is an array.
    let modifiers = field(&info, "modifiers")
        .dyn_into::<js_sys::Array>()
        .unwrap_or_default();
    let new_tab = modifiers.iter().any(|m| {
        m.as_string()
            .is_some_and(|m| matches!(m.as_str(), "Ctrl" | "Command" | "Shift" | "MacCtrl"))
    });
    let click = MenuClick {
        item: text(field(&info, "menuItemId")).unwrap_or_default(),
        page_url: text(field(&info, "pageUrl")),
        link_url: text(field(&info, "linkUrl")),
        selection: text(field(&info, "selectionText")),
        tab_url: text(field(&tab, "url")),
        new_tab,
    };
    service().on_menu_click(click).await;
}

/// One suggestion of the omnibox, as `omnibox.onInputChanged`'s `suggest` takes it.
#[derive(Serialize)]
struct Suggestion {
    content: String,
    description: String,
}

/// `omnibox.onInputChanged`: the suggestions for what was typed after `jit`, as
/// `{content, description}` objects (in Chrome's XML description format where the browser
/// takes markup: [`crate::service::Capabilities::omnibox_markup`]).
#[wasm_bindgen(js_name = handleOmniboxInput)]
pub async fn handle_omnibox_input(line: String) -> JsValue {
    let service = service();
    let markup = service.platform().capabilities().omnibox_markup;
    let suggestions = service.omnibox_suggestions(&line).await;
    let mut list = Vec::new();
    for suggestion in suggestions {
        let (name, portal) = if markup {
            (
                format!("<match>{}</match>", xml_escape(&suggestion.name)),
                format!("<dim>{}</dim>", xml_escape(&suggestion.portal)),
            )
        } else {
            (suggestion.name.clone(), suggestion.portal.clone())
        };
        let description = match &suggestion.service {
            Some(service) => browser::worker_text(&msg::OMNIBOX_OPEN_SERVICE.with([
                service.as_str(),
                &name,
                &portal,
            ])),
            None => browser::worker_text(&msg::OMNIBOX_OPEN.with([name.as_str(), &portal])),
        };
        list.push(Suggestion {
            content: suggestion.content,
            description,
        });
    }
    browser::to_js(&list).unwrap_or_else(|_| js_sys::Array::new().into())
}

/// `omnibox.onInputEntered`.
#[wasm_bindgen(js_name = handleOmniboxEnter)]
pub async fn handle_omnibox_enter(line: String, disposition: String) {
    service()
        .on_omnibox_enter(&line, disposition != "currentTab")
        .await;
}

/// `commands.onCommand`.
#[wasm_bindgen(js_name = handleCommand)]
pub async fn handle_command(name: String) {
    service().on_command(&name).await;
}

/// The administrator's policy: read at start-up (beside, not before, the stored state) and
/// at every `storage.onChanged` of the `managed` area.
#[wasm_bindgen(js_name = handlePolicyChanged)]
pub async fn handle_policy_changed() {
    service().on_policy_changed().await;
    diagnostics::record(Event::PolicyApplied);
}

fn xml_escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
        .replace('\'', "&apos;")
}

/// Who sent a message, from what the browser says of the sender ([`identity_bar::sender_kind`]).
fn sender_kind(sender: &JsValue) -> SenderKind {
    let Ok(runtime) = bindings::runtime() else {
        return SenderKind::Stranger;
    };
    let (our_id, our_base) = (runtime.id(), runtime.get_url(""));
    let (id, url) = (
        field(sender, "id").as_string(),
        field(sender, "url").as_string(),
    );
    identity_bar::sender_kind(&identity_bar::SenderFacts {
        our_id: &our_id,
        our_base: &our_base,
        id: id.as_deref(),
        url: url.as_deref(),
        tab_id: field(&field(sender, "tab"), "id")
            .as_f64()
            .map(|id| id as i32),
        frame_id: field(sender, "frameId").as_f64().map(|id| id as i32),
    })
}

/// A request of the identity bar: only a [`BarRequest`], about the sender's own tab; the
/// answer's texts in the user's language.
async fn handle_bar(message: JsValue, sender: BarSender) -> JsValue {
    let Ok(request) = browser::from_js::<BarRequest>(message) else {
        return JsValue::UNDEFINED;
    };
    let answer = service()
        .handle_bar(request, sender)
        .await
        .localize(browser::worker_text);
    browser::to_js(&answer).unwrap_or(JsValue::UNDEFINED)
}
