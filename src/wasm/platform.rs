//! [`Platform`] over the real browser: `storage`, `fetch`, `tabs`, `declarativeNetRequest`,
//! `scripting` and `alarms`. Each method translates; none decides.

use js_sys::{Array, Object, Reflect, Uint8Array};
use serde::de::DeserializeOwned;
use serde::Serialize;
use serde_json::json;
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::JsFuture;

use super::bindings::{self, InjectionResult, StorageArea, Tab};
use super::browser::{self, field, to_js, BrowserError};
use super::diagnostics;
use crate::core::diagnostics::Event;
use crate::core::popup::OpenTab;
use crate::core::portal_api::{ApiReply, ApiRequest, MAX_BODY_BYTES};
use crate::core::secret::Secret;
use crate::core::session::TabId;
use crate::core::text::{msg, UserText};
use crate::core::weburl::WebUrl;
use crate::service::platform::{ConsolePlacement, TabInfo};
use crate::service::{Area, Platform, PlatformError};

/// How many context menu items are created before the worker lets other events (a page's
/// message) run.
const MENU_ITEMS_PER_TURN: usize = 50;

/// The `target` of the message `offscreen.js` copies (Chrome).
const OFFSCREEN_CLIPBOARD: &str = "offscreen-clipboard";

thread_local! {
    /// Held while the offscreen document copies (there can be one such document).
    static CLIPBOARD: std::rc::Rc<futures_util::lock::Mutex<()>> = std::rc::Rc::default();
}

/// How long a portal request may take before it counts as unreachable.
const FETCH_TIMEOUT_MS: u32 = 30_000;

#[wasm_bindgen]
extern "C" {
    /// `crypto.getRandomValues` of the worker's global scope.
    #[wasm_bindgen(js_namespace = crypto, js_name = getRandomValues)]
    fn crypto_random(buffer: &mut [u8]);
    /// The global `fetch` (of a worker or a page alike: `web_sys` binds it per global type).
    #[wasm_bindgen(js_name = fetch)]
    fn fetch_request(request: &web_sys::Request) -> js_sys::Promise;
}

impl From<BrowserError> for PlatformError {
    fn from(value: BrowserError) -> Self {
        PlatformError(value.0)
    }
}

impl From<JsValue> for PlatformError {
    fn from(value: JsValue) -> Self {
        BrowserError::from(value).into()
    }
}

/// The name of a storage area in `storage.<name>` (and in `bg.js`'s early reads).
fn area_name(area: Area) -> &'static str {
    match area {
        Area::Local => "local",
        Area::Session => "session",
        Area::Managed => "managed",
    }
}

/// `storage.<area>`.
fn storage_area(area: Area) -> Result<StorageArea, PlatformError> {
    let storage = bindings::storage()?;
    let found = match area {
        Area::Local => storage.local(),
        Area::Session => storage.session(),
        Area::Managed => storage.managed(),
    };
    found.ok_or_else(|| PlatformError(format!("storage.{} is missing", area_name(area))))
}

fn tab_id_of(tab: &Tab) -> Result<TabId, PlatformError> {
    tab.id()
        .ok_or_else(|| PlatformError("tab without id".into()))
}

/// Storage reads the worker's shell (`bg.js`) started before the wasm module was even
/// fetched: a new worker's first storage answers come back only some 15 ms after they are
/// asked for, which the module's loading then hides. Each key's early answer is used once,
/// by the first read of that key, unless the key was written or removed in between; every
/// later read asks the browser. Keys and areas are [`crate::service::STARTUP_READS`].
struct EarlyRead {
    area: Area,
    keys: Vec<String>,
    answer: js_sys::Promise,
}

thread_local! {
    static EARLY_READS: std::cell::RefCell<Vec<EarlyRead>> = const { std::cell::RefCell::new(Vec::new()) };
}

/// Takes `bg.js`'s early reads: an array of `{ area, keys, answer }` (`answer`: the promise
/// of `storage[area].get(keys)`). Anything else is ignored: the reads then go to storage.
pub fn take_early_reads(reads: &JsValue) {
    let Ok(reads) = reads.clone().dyn_into::<Array>() else {
        return;
    };
    let taken = reads.iter().filter_map(|read| {
        // Named as `area_name` names them (`local`, `session`).
        let name = field(&read, "area").as_string()?;
        let area = [Area::Local, Area::Session]
            .into_iter()
            .find(|area| area_name(*area) == name)?;
        let keys = field(&read, "keys").dyn_into::<Array>().ok()?;
        let keys = keys.iter().filter_map(|k| k.as_string()).collect();
        let answer = field(&read, "answer").dyn_into::<js_sys::Promise>().ok()?;
        Some(EarlyRead { area, keys, answer })
    });
    let taken: Vec<EarlyRead> = taken.collect();
    EARLY_READS.with(|early| *early.borrow_mut() = taken);
}

/// The early answer holding `key` of `area`, if one is still unused: it is used up.
fn early_answer(area: Area, key: &str) -> Option<js_sys::Promise> {
    EARLY_READS.with(|early| {
        let mut early = early.borrow_mut();
        let read = early
            .iter_mut()
            .find(|r| r.area == area && r.keys.iter().any(|k| k == key))?;
        read.keys.retain(|k| k != key);
        Some(read.answer.clone())
    })
}

/// The browser as the service's platform.
pub struct BrowserPlatform;

impl Platform for BrowserPlatform {
    fn now_ms(&self) -> u64 {
        js_sys::Date::now() as u64
    }

    fn random_u128(&self) -> u128 {
        // The hand-off port and nonce: from the browser's cryptographic source, not
        // `Math.random` (whose sequence a page could learn and predict).
        let mut bytes = [0_u8; 16];
        crypto_random(&mut bytes);
        u128::from_le_bytes(bytes)
    }

    fn extension_base(&self) -> String {
        bindings::runtime()
            .map(|r| r.get_url(""))
            .unwrap_or_default()
    }

    async fn get<T: DeserializeOwned>(
        &self,
        area: Area,
        key: &str,
    ) -> Result<Option<T>, PlatformError> {
        // The empty key reads the whole area (the policy is all of `storage.managed`).
        let whole = key.is_empty();
        let which = if whole {
            JsValue::NULL
        } else {
            JsValue::from_str(key)
        };
        let early = match early_answer(area, key) {
            Some(answer) => JsFuture::from(answer).await.ok(),
            None => None,
        };
        let found = match early {
            Some(found) => found,
            None => storage_area(area)?.get(&which).await?,
        };
        let value = if whole { found } else { field(&found, key) };
        if value.is_undefined() {
            return Ok(None);
        }
        Ok(browser::from_js(value).ok())
    }

    async fn set<T: Serialize + ?Sized>(
        &self,
        area: Area,
        key: &str,
        value: &T,
    ) -> Result<(), PlatformError> {
        // An early answer is older than this write.
        drop(early_answer(area, key));
        let items = Object::new();
        Reflect::set(&items, &JsValue::from_str(key), &to_js(value)?)
            .map_err(BrowserError::from)?;
        Ok(storage_area(area)?.set(&items).await?)
    }

    async fn remove(&self, area: Area, key: &str) -> Result<(), PlatformError> {
        drop(early_answer(area, key));
        Ok(storage_area(area)?.remove(key).await?)
    }

    async fn fetch(&self, request: &ApiRequest) -> ApiReply {
        let mut headers = vec![
            (
                "Authorization",
                format!("Bearer {}", request.token.expose()),
            ),
            ("Accept", "application/json".to_owned()),
        ];
        if let Some(otp) = &request.otp {
            headers.push(("otpcode", otp.expose().to_owned()));
        }
        timed_get("portal", &request.url, &headers).await
    }

    async fn fetch_aws(&self, url: &Secret) -> ApiReply {
        timed_get("aws", url.expose(), &[]).await
    }

    fn isolates_identities(&self) -> bool {
        bindings::contextual_identities().is_ok()
    }

    async fn open_console_tab(
        &self,
        url: &Secret,
        placement: &ConsolePlacement,
    ) -> Result<(TabId, Option<i32>), PlatformError> {
        if self.isolates_identities() {
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
        let Ok(tab_groups) = bindings::tab_groups() else {
            return Ok((tab, None));
        };
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

    async fn tab_info(&self, tab_id: TabId) -> Option<TabInfo> {
        let tab = bindings::tabs().ok()?.get(tab_id).await.ok()?;
        Some(TabInfo {
            url: tab.url().unwrap_or_default(),
            active: tab.active().unwrap_or(false),
        })
    }

    async fn list_tabs(&self, active_in_focus: bool) -> Vec<OpenTab> {
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

    async fn set_badge(&self, text: &str, urgent: bool) {
        let colour = if urgent { "#c5221f" } else { "#1f2a44" };
        let Ok(action) = bindings::action() else {
            return;
        };
        if let Ok(details) = to_js(&json!({"text": text})) {
            let _ = action.set_badge_text(&details).await;
        }
        if let Ok(details) = to_js(&json!({"color": colour})) {
            let _ = action.set_badge_background_color(&details).await;
        }
    }

    async fn notify(&self, id: &str, title: &UserText, message: &UserText) {
        let mut options = json!({
            "type": "basic",
            "iconUrl": bindings::runtime().map(|r| r.get_url("icons/icon128.png")).unwrap_or_default(),
            "title": browser::worker_text(title),
            "message": browser::worker_text(message),
        });
        // Firefox shows no buttons (and refuses the key); a click on the body renews there.
        if bindings::contextual_identities().is_err() {
            options["buttons"] = json!([
                {"title": browser::worker_text(&msg::NOTIFICATION_RENEW.text())},
                {"title": browser::worker_text(&msg::NOTIFICATION_DISMISS.text())}
            ]);
        }
        create_notification(id, &options).await;
    }

    async fn prompt(&self, id: &str, message: &UserText) {
        let options = json!({
            "type": "basic",
            "iconUrl": bindings::runtime().map(|r| r.get_url("icons/icon128.png")).unwrap_or_default(),
            "title": browser::worker_text(&msg::NOTICE_TITLE.text()),
            "message": browser::worker_text(message),
        });
        create_notification(id, &options).await;
    }

    async fn notice(&self, message: &UserText) {
        self.prompt(&format!("notice-{}", js_sys::Date::now()), message)
            .await;
    }

    async fn write_clipboard(&self, text: &Secret) -> Result<(), PlatformError> {
        // Firefox: the background page has a clipboard (`clipboardWrite`: the user's click is
        // spent by the time the portal has answered).
        let Ok(offscreen) = bindings::offscreen() else {
            let window = web_sys::window().ok_or_else(|| PlatformError("no clipboard".into()))?;
            return JsFuture::from(window.navigator().clipboard().write_text(text.expose()))
                .await
                .map(drop)
                .map_err(PlatformError::from);
        };
        // Chrome: a service worker has none; a document made for it (`offscreen`, reason
        // CLIPBOARD: `offscreen.html`) writes it and is closed again. One copy at a time,
        // since there can be one such document.
        let lock = CLIPBOARD.with(std::rc::Rc::clone);
        let _held = lock.lock().await;
        let create = json!({
            "url": "offscreen.html",
            "reasons": ["CLIPBOARD"],
            "justification": "Copy the Kubernetes access chosen in the context menu.",
        });
        // An error here is a document left open by a worker that stopped mid-copy: use it.
        let _ = offscreen.create_document(&to_js(&create)?).await;
        let message = json!({ "target": OFFSCREEN_CLIPBOARD, "text": text.expose() });
        let answer = bindings::runtime()?.send_message(&to_js(&message)?).await;
        let _ = offscreen.close_document().await;
        if field(&answer?, "ok").as_bool() == Some(true) {
            Ok(())
        } else {
            Err(PlatformError("the clipboard refused the copy".into()))
        }
    }

    async fn set_menus(&self, items: &[crate::core::menus::MenuItem]) -> Result<(), PlatformError> {
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

    async fn clear_notification(&self, id: &str) {
        if let Ok(notifications) = bindings::notifications() {
            let _ = notifications.clear(id).await;
        }
    }

    async fn set_group_title(&self, group: i32, title: &str) {
        if let Ok(tab_groups) = bindings::tab_groups() {
            if let Ok(change) = to_js(&json!({"title": title})) {
                let _ = tab_groups.update(group, &change).await;
            }
        }
    }

    async fn navigate_tab(&self, tab_id: TabId, url: &Secret) -> Result<(), PlatformError> {
        diagnostics::record(Event::Navigate { tab: Some(tab_id) });
        let change = to_js(&json!({"url": url.expose()}))?;
        bindings::tabs()?.update(tab_id, &change).await?;
        Ok(())
    }

    async fn open_tab(&self, url: &str, active: bool) -> Result<TabId, PlatformError> {
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

    async fn tell_bar(&self, tab_id: TabId) {
        // The bar runs in the top document only (`all_frames: false`). A tab whose page has
        // no bar (not yet loaded, or another site now) rejects, which is fine.
        let message = to_js(&json!({"type": "identityBarChanged"})).unwrap_or_default();
        if let Ok(tabs) = bindings::tabs() {
            let _ = tabs.send_message(tab_id, &message).await;
        }
    }

    async fn close_tab(&self, tab_id: TabId) {
        if let Ok(tabs) = bindings::tabs() {
            let _ = tabs.remove(tab_id).await;
        }
    }

    async fn focus_tab(&self, tab_id: TabId) -> Result<(), PlatformError> {
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

    async fn add_session_rule(&self, rule: serde_json::Value) -> Result<(), PlatformError> {
        let id = rule["id"].clone();
        let change = json!({"removeRuleIds": [id], "addRules": [rule]});
        bindings::declarative_net_request()?
            .update_session_rules(&to_js(&change)?)
            .await?;
        Ok(())
    }

    async fn remove_session_rule(&self, id: i32) {
        let (Ok(dnr), Ok(change)) = (
            bindings::declarative_net_request(),
            to_js(&json!({"removeRuleIds": [id]})),
        ) else {
            return;
        };
        let _ = dnr.update_session_rules(&change).await;
    }

    async fn portal_page_tokens(&self, origin: &str) -> Vec<Secret> {
        portal_page_tokens(origin).await.unwrap_or_default()
    }

    async fn remove_host_permission(&self, pattern: &str) {
        let (Ok(permissions), Ok(origins)) = (
            bindings::permissions(),
            to_js(&json!({ "origins": [pattern] })),
        ) else {
            return;
        };
        let _ = permissions.remove(&origins).await;
    }

    async fn set_alarm(&self, name: &str, at_ms: u64) {
        let (Ok(alarms), Ok(info)) = (bindings::alarms(), to_js(&json!({"when": at_ms}))) else {
            return;
        };
        let _ = alarms.create(name, &info).await;
    }

    async fn clear_alarm(&self, name: &str) {
        if let Ok(alarms) = bindings::alarms() {
            let _ = alarms.clear(name).await;
        }
    }
}

/// `notifications.create(id, options)`; a refusal is not the caller's concern.
async fn create_notification(id: &str, options: &serde_json::Value) {
    let (Ok(notifications), Ok(options)) = (bindings::notifications(), to_js(options)) else {
        return;
    };
    let _ = notifications.create(id, &options).await;
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

/// [`http_get`], with its start and end in the diagnostics ring (`to`: `portal` or `aws`).
async fn timed_get(to: &'static str, url: &str, headers: &[(&str, String)]) -> ApiReply {
    let id = diagnostics::fetch_started(to);
    let reply = match http_get(url, headers).await {
        Ok(reply) => reply,
        Err(detail) => ApiReply::Network(detail),
    };
    let status = match &reply {
        ApiReply::Http { status, .. } => *status,
        ApiReply::Network(_) | ApiReply::TooLarge => 0,
    };
    diagnostics::fetch_ended(id, status);
    reply
}

/// `GET` with the given headers, no cookies, no redirects followed (neither a portal API nor
/// AWS's `getSigninToken` redirects; following one could carry a secret elsewhere), a time
/// limit.
///
/// Typed `web_sys` fetch rather than `gloo-net`: gloo-net rebuilds the URL to merge its own
/// query parameters and so appends a `&` to a URL that has a query (the `getSigninToken`
/// URL); the extension sends exactly the URL the core built.
async fn http_get(url: &str, header_list: &[(&str, String)]) -> Result<ApiReply, String> {
    let headers = web_sys::Headers::new().map_err(js_text)?;
    for (name, value) in header_list {
        headers.set(name, value).map_err(js_text)?;
    }
    let init = web_sys::RequestInit::new();
    init.set_method("GET");
    init.set_credentials(web_sys::RequestCredentials::Omit);
    init.set_redirect(web_sys::RequestRedirect::Error);
    init.set_cache(web_sys::RequestCache::NoStore);
    init.set_headers_headers(&headers);
    init.set_signal(Some(&web_sys::AbortSignal::timeout_with_u32(
        FETCH_TIMEOUT_MS,
    )));
    let request = web_sys::Request::new_with_str_and_init(url, &init).map_err(js_text)?;
    let response: web_sys::Response = JsFuture::from(fetch_request(&request))
        .await
        .map_err(js_text)?
        .dyn_into()
        .map_err(|_| "not a response")?;
    let status = response.status();
    Ok(match read_capped(&response).await? {
        Some(body) => ApiReply::Http { status, body },
        None => ApiReply::TooLarge,
    })
}

fn js_text(error: JsValue) -> String {
    BrowserError::from(error).0
}

/// The body, read chunk by chunk; `None` (and the rest left unread) once it is longer than
/// [`MAX_BODY_BYTES`], or when `Content-Length` already says it will be: a hostile or broken
/// portal cannot make the worker hold an endless answer.
async fn read_capped(response: &web_sys::Response) -> Result<Option<Vec<u8>>, String> {
    let declared = response
        .headers()
        .get("content-length")
        .ok()
        .flatten()
        .and_then(|v| v.trim().parse::<u64>().ok());
    let Some(stream) = response.body() else {
        return Ok(Some(Vec::new()));
    };
    if declared.is_some_and(|length| length > MAX_BODY_BYTES as u64) {
        let _ = JsFuture::from(stream.cancel()).await;
        return Ok(None);
    }
    let reader: web_sys::ReadableStreamDefaultReader = stream.get_reader().unchecked_into();
    let mut body = Vec::new();
    loop {
        let chunk: web_sys::ReadableStreamReadResult = JsFuture::from(reader.read())
            .await
            .map_err(js_text)?
            .unchecked_into();
        if chunk.get_done().unwrap_or(true) {
            return Ok(Some(body));
        }
        let bytes: Uint8Array = chunk
            .get_value()
            .dyn_into()
            .map_err(|_| "a body chunk is not bytes")?;
        if body.len() + bytes.length() as usize > MAX_BODY_BYTES {
            let _ = JsFuture::from(reader.cancel()).await;
            return Ok(None);
        }
        body.extend(bytes.to_vec());
    }
}

/// Reads `localStorage.g_authToken` in the open tabs whose origin is exactly `origin`.
async fn portal_page_tokens(origin: &str) -> Result<Vec<Secret>, PlatformError> {
    let url = WebUrl::parse(origin).map_err(|e| PlatformError(e.to_string()))?;
    let pattern = format!("{}://{}/*", url.scheme(), url.host());
    let tabs = bindings::tabs()?
        .query(&to_js(&json!({"url": pattern}))?)
        .await?;
    let scripting = bindings::scripting()?;
    let mut tokens = Vec::new();
    for tab in tabs.iter() {
        let tab: Tab = tab.unchecked_into();
        let tab_url = tab.url().unwrap_or_default();
        // Match patterns ignore ports: check the exact origin before reading anything.
        let same_origin = WebUrl::parse(&tab_url).is_ok_and(|u| u.origin() == origin);
        if !same_origin {
            continue;
        }
        let Ok(tab_id) = tab_id_of(&tab) else {
            continue;
        };
        let injection =
            to_js(&json!({"target": {"tabId": tab_id}, "files": ["read-portal-token.js"]}))?;
        let Ok(results) = scripting.execute_script(&injection).await else {
            continue;
        };
        for result in results.iter() {
            let result: InjectionResult = result.unchecked_into();
            // `[origin, token]`: a document of another origin (the tab navigated between
            // the query and the injection) is not read from.
            let Ok((page_origin, token)) =
                browser::from_js::<(String, Option<String>)>(result.result())
            else {
                continue;
            };
            if page_origin != origin {
                continue;
            }
            if let Some(token) = token.and_then(|t| crate::core::session::normalize_page_token(&t))
            {
                if !tokens
                    .iter()
                    .any(|known: &Secret| known.expose() == token.expose())
                {
                    tokens.push(token);
                }
            }
        }
    }
    Ok(tokens)
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
