//! Typed bindings of the WebExtension APIs this extension uses, one `extern` block per API:
//! each namespace (`tabs`, `storage`, `alarms`, ...) is a `#[wasm_bindgen]` type whose methods
//! take the arguments the API takes and return its promise as a Rust future.
//!
//! Hand-written, because no maintained crate fits. `web-extensions-sys` (and the
//! `web-extensions` crate over it) binds `chrome` only, or `browser` only with its
//! `firefox` feature, chosen when compiling: one module serves both browsers here. It also
//! lacks `tabGroups`, `notifications`, `alarms`, `offscreen`, `declarativeNetRequest` and
//! `permissions`. `chrome-sys`, `chrome-types`, `chrome-wasm-bindgen` and `workflow-chrome`
//! are Chrome's alone and cover a few namespaces (`runtime`, `storage`, `tabs`). Binding the
//! dozen namespaces used costs less than adapting any of them.
//!
//! The API root is looked up once per context: `browser` (Firefox, where its methods
//! return promises) or else `chrome` (Chrome, whose Manifest V3 methods return promises
//! too). Each namespace is then a typed getter of that root, `None` where the browser has
//! no such API (or no permission for it): `tabGroups` is Chrome's, `contextualIdentities`
//! and `offscreen` tell the two browsers apart.

use js_sys::Function;
use wasm_bindgen::prelude::*;

use super::browser::BrowserError;

#[wasm_bindgen]
extern "C" {
    /// The extension API root: `browser` or `chrome`.
    pub type Browser;
    #[wasm_bindgen(method, getter)]
    fn action(this: &Browser) -> Option<Action>;
    #[wasm_bindgen(method, getter)]
    fn alarms(this: &Browser) -> Option<Alarms>;
    #[wasm_bindgen(method, getter, js_name = contextMenus)]
    fn context_menus(this: &Browser) -> Option<ContextMenus>;
    #[wasm_bindgen(method, getter, js_name = contextualIdentities)]
    fn contextual_identities(this: &Browser) -> Option<ContextualIdentities>;
    #[wasm_bindgen(method, getter, js_name = declarativeNetRequest)]
    fn declarative_net_request(this: &Browser) -> Option<DeclarativeNetRequest>;
    #[wasm_bindgen(method, getter)]
    fn i18n(this: &Browser) -> Option<I18n>;
    #[wasm_bindgen(method, getter)]
    fn notifications(this: &Browser) -> Option<Notifications>;
    #[wasm_bindgen(method, getter)]
    fn offscreen(this: &Browser) -> Option<Offscreen>;
    #[wasm_bindgen(method, getter)]
    fn permissions(this: &Browser) -> Option<Permissions>;
    #[wasm_bindgen(method, getter)]
    fn runtime(this: &Browser) -> Option<Runtime>;
    #[wasm_bindgen(method, getter)]
    fn scripting(this: &Browser) -> Option<Scripting>;
    #[wasm_bindgen(method, getter)]
    fn storage(this: &Browser) -> Option<Storage>;
    #[wasm_bindgen(method, getter, js_name = tabGroups)]
    fn tab_groups(this: &Browser) -> Option<TabGroups>;
    #[wasm_bindgen(method, getter)]
    fn tabs(this: &Browser) -> Option<Tabs>;
    #[wasm_bindgen(method, getter)]
    fn windows(this: &Browser) -> Option<Windows>;

    /// The global scope, where the API root is.
    type Global;
    /// `globalThis.browser`: Firefox's root (Chrome has none).
    #[wasm_bindgen(method, getter)]
    fn browser(this: &Global) -> JsValue;
    /// `globalThis.chrome`: Chrome's root (Firefox's too, with callbacks where `browser`
    /// has promises).
    #[wasm_bindgen(method, getter)]
    fn chrome(this: &Global) -> JsValue;

    /// An event object (`storage.onChanged`, ...).
    pub type Event;
    #[wasm_bindgen(method, js_name = addListener)]
    pub fn add_listener(this: &Event, listener: &Function);
}

thread_local! {
    /// The API root of this context, looked up on first use.
    static ROOT: Option<Browser> = find_root();
}

/// `browser` if the global scope has it as an object, else `chrome`.
fn find_root() -> Option<Browser> {
    let global: Global = js_sys::global().unchecked_into();
    [global.browser(), global.chrome()]
        .into_iter()
        .find(JsValue::is_object)
        .map(JsCast::unchecked_into)
}

/// The namespace `get` reads from the root, or an error naming it (`name`) when this
/// browser or context has none.
fn namespace<T>(name: &str, get: impl FnOnce(&Browser) -> Option<T>) -> Result<T, BrowserError> {
    let found = ROOT.with(|root| {
        root.as_ref()
            .ok_or_else(|| BrowserError("no extension API in this context".into()))
            .map(get)
    })?;
    found.ok_or_else(|| BrowserError(format!("{name} is missing")))
}

/// `action`.
pub fn action() -> Result<Action, BrowserError> {
    namespace("action", Browser::action)
}

/// `alarms`.
pub fn alarms() -> Result<Alarms, BrowserError> {
    namespace("alarms", Browser::alarms)
}

/// `contextMenus` (Firefox's `menus` under Chrome's name).
pub fn context_menus() -> Result<ContextMenus, BrowserError> {
    namespace("contextMenus", Browser::context_menus)
}

/// `contextualIdentities`: Firefox's containers.
pub fn contextual_identities() -> Result<ContextualIdentities, BrowserError> {
    namespace("contextualIdentities", Browser::contextual_identities)
}

/// `declarativeNetRequest`.
pub fn declarative_net_request() -> Result<DeclarativeNetRequest, BrowserError> {
    namespace("declarativeNetRequest", Browser::declarative_net_request)
}

/// `i18n`.
pub fn i18n() -> Result<I18n, BrowserError> {
    namespace("i18n", Browser::i18n)
}

/// `notifications`.
pub fn notifications() -> Result<Notifications, BrowserError> {
    namespace("notifications", Browser::notifications)
}

/// `offscreen`: Chrome's documents for what a service worker cannot do.
pub fn offscreen() -> Result<Offscreen, BrowserError> {
    namespace("offscreen", Browser::offscreen)
}

/// `permissions`.
pub fn permissions() -> Result<Permissions, BrowserError> {
    namespace("permissions", Browser::permissions)
}

/// `runtime`.
pub fn runtime() -> Result<Runtime, BrowserError> {
    namespace("runtime", Browser::runtime)
}

/// `scripting`.
pub fn scripting() -> Result<Scripting, BrowserError> {
    namespace("scripting", Browser::scripting)
}

/// `storage`.
pub fn storage() -> Result<Storage, BrowserError> {
    namespace("storage", Browser::storage)
}

/// `tabGroups`: Chrome's.
pub fn tab_groups() -> Result<TabGroups, BrowserError> {
    namespace("tabGroups", Browser::tab_groups)
}

/// `tabs`.
pub fn tabs() -> Result<Tabs, BrowserError> {
    namespace("tabs", Browser::tabs)
}

/// `windows`.
pub fn windows() -> Result<Windows, BrowserError> {
    namespace("windows", Browser::windows)
}

/// `storage.onChanged`.
pub fn storage_on_changed() -> Result<Event, BrowserError> {
    storage()?
        .on_changed()
        .ok_or_else(|| BrowserError("storage.onChanged is missing".into()))
}

#[wasm_bindgen]
extern "C" {
    /// `action`: the toolbar button.
    pub type Action;
    /// `action.setBadgeText({text})`.
    #[wasm_bindgen(method, catch, js_name = setBadgeText)]
    pub async fn set_badge_text(this: &Action, details: &JsValue) -> Result<(), JsValue>;
    /// `action.setBadgeBackgroundColor({color})`.
    #[wasm_bindgen(method, catch, js_name = setBadgeBackgroundColor)]
    pub async fn set_badge_background_color(
        this: &Action,
        details: &JsValue,
    ) -> Result<(), JsValue>;
}

#[wasm_bindgen]
extern "C" {
    /// `alarms`: what wakes the worker for a renewal.
    pub type Alarms;
    /// `alarms.create(name, {when})`: replaces an alarm of that name.
    #[wasm_bindgen(method, catch)]
    pub async fn create(this: &Alarms, name: &str, info: &JsValue) -> Result<(), JsValue>;
    /// `alarms.clear(name)`.
    #[wasm_bindgen(method, catch)]
    pub async fn clear(this: &Alarms, name: &str) -> Result<(), JsValue>;
}

#[wasm_bindgen]
extern "C" {
    /// `contextMenus` (Firefox: also `menus`).
    pub type ContextMenus;
    /// `contextMenus.removeAll()`: a promise where the browser gives one (Chrome before 123
    /// gives none, and keeps the order of calls anyway), so not an `async` binding.
    #[wasm_bindgen(method, catch, js_name = removeAll)]
    pub fn remove_all(this: &ContextMenus) -> Result<JsValue, JsValue>;
    /// `contextMenus.create(properties, callback)`: the item's id. It answers through the
    /// callback only (and `runtime.lastError`), in both browsers.
    #[wasm_bindgen(method, catch)]
    pub fn create(
        this: &ContextMenus,
        properties: &JsValue,
        callback: &JsValue,
    ) -> Result<JsValue, JsValue>;
}

#[wasm_bindgen]
extern "C" {
    /// `contextualIdentities`: Firefox's containers, one per console identity.
    pub type ContextualIdentities;
    /// `contextualIdentities.query({name})`: the containers of that name.
    #[wasm_bindgen(method, catch)]
    pub async fn query(
        this: &ContextualIdentities,
        details: &JsValue,
    ) -> Result<js_sys::Array, JsValue>;
    /// `contextualIdentities.create({name, color, icon})`.
    #[wasm_bindgen(method, catch)]
    pub async fn create(
        this: &ContextualIdentities,
        details: &JsValue,
    ) -> Result<ContextualIdentity, JsValue>;

    /// A container.
    pub type ContextualIdentity;
    /// The cookie store its tabs use.
    #[wasm_bindgen(method, getter, js_name = cookieStoreId)]
    pub fn cookie_store_id(this: &ContextualIdentity) -> Option<String>;
}

#[wasm_bindgen]
extern "C" {
    /// `declarativeNetRequest`: the session rule that brings the portal's hand-off redirect to
    /// `handoff.html`.
    pub type DeclarativeNetRequest;
    /// `declarativeNetRequest.updateSessionRules({removeRuleIds, addRules})`.
    #[wasm_bindgen(method, catch, js_name = updateSessionRules)]
    pub async fn update_session_rules(
        this: &DeclarativeNetRequest,
        options: &JsValue,
    ) -> Result<(), JsValue>;
}

#[wasm_bindgen]
extern "C" {
    /// `i18n`: the texts in the user's language.
    pub type I18n;
    /// `i18n.getMessage(name, substitutions)`: empty when the message is unknown.
    #[wasm_bindgen(method, js_name = getMessage)]
    pub fn get_message(this: &I18n, name: &str, substitutions: &js_sys::Array) -> Option<String>;
}

#[wasm_bindgen]
extern "C" {
    /// `notifications`.
    pub type Notifications;
    /// `notifications.create(id, options)`.
    #[wasm_bindgen(method, catch)]
    pub async fn create(this: &Notifications, id: &str, options: &JsValue) -> Result<(), JsValue>;
    /// `notifications.clear(id)`.
    #[wasm_bindgen(method, catch)]
    pub async fn clear(this: &Notifications, id: &str) -> Result<(), JsValue>;
}

#[wasm_bindgen]
extern "C" {
    /// `offscreen`: Chrome's document for what its service worker cannot do (the clipboard).
    pub type Offscreen;
    /// `offscreen.createDocument({url, reasons, justification})`.
    #[wasm_bindgen(method, catch, js_name = createDocument)]
    pub async fn create_document(this: &Offscreen, parameters: &JsValue) -> Result<(), JsValue>;
    /// `offscreen.closeDocument()`.
    #[wasm_bindgen(method, catch, js_name = closeDocument)]
    pub async fn close_document(this: &Offscreen) -> Result<(), JsValue>;
}

#[wasm_bindgen]
extern "C" {
    /// `permissions`: host access to a portal on its own domain.
    pub type Permissions;
    /// `permissions.request({origins})`: the promise of whether access was granted. Not an
    /// `async` binding: the browser grants only to a call made in the user's click itself,
    /// and an `async fn` would make the call at its first poll, after the click.
    #[wasm_bindgen(method, catch)]
    pub fn request(this: &Permissions, permissions: &JsValue) -> Result<js_sys::Promise, JsValue>;
    /// `permissions.remove({origins})`.
    #[wasm_bindgen(method, catch)]
    pub async fn remove(this: &Permissions, permissions: &JsValue) -> Result<(), JsValue>;
}

#[wasm_bindgen]
extern "C" {
    /// `runtime`: the extension itself and the messages between its parts.
    pub type Runtime;
    /// `runtime.sendMessage(message)`: the answer.
    #[wasm_bindgen(method, catch, js_name = sendMessage)]
    pub async fn send_message(this: &Runtime, message: &JsValue) -> Result<JsValue, JsValue>;
    /// `runtime.openOptionsPage()`.
    #[wasm_bindgen(method, catch, js_name = openOptionsPage)]
    pub async fn open_options_page(this: &Runtime) -> Result<(), JsValue>;
    /// `runtime.id`: this extension's id.
    #[wasm_bindgen(method, getter)]
    pub fn id(this: &Runtime) -> String;
    /// `runtime.getURL(path)`: the address of one of this extension's files.
    #[wasm_bindgen(method, js_name = getURL)]
    pub fn get_url(this: &Runtime, path: &str) -> String;
    /// `runtime.getBrowserInfo`: Firefox's alone (present or not; never called).
    #[wasm_bindgen(method, getter, js_name = getBrowserInfo)]
    pub fn get_browser_info(this: &Runtime) -> Option<js_sys::Function>;
    /// `runtime.lastError`: set while a callback of a callback-style API runs, if it failed.
    #[wasm_bindgen(method, getter, js_name = lastError)]
    pub fn last_error(this: &Runtime) -> Option<js_sys::Object>;
}

#[wasm_bindgen]
extern "C" {
    /// `scripting`: reading an open portal tab's session token.
    pub type Scripting;
    /// `scripting.executeScript({target, files})`: one [`InjectionResult`] per frame.
    #[wasm_bindgen(method, catch, js_name = executeScript)]
    pub async fn execute_script(
        this: &Scripting,
        injection: &JsValue,
    ) -> Result<js_sys::Array, JsValue>;

    /// What the script gave back in one frame.
    pub type InjectionResult;
    /// The script's last value.
    #[wasm_bindgen(method, getter)]
    pub fn result(this: &InjectionResult) -> JsValue;
}

#[wasm_bindgen]
extern "C" {
    /// `storage`: its areas and their changes.
    pub type Storage;
    /// `storage.local`: kept on disk.
    #[wasm_bindgen(method, getter)]
    pub fn local(this: &Storage) -> Option<StorageArea>;
    /// `storage.session`: kept in memory until the browser closes.
    #[wasm_bindgen(method, getter)]
    pub fn session(this: &Storage) -> Option<StorageArea>;
    /// `storage.managed`: the administrator's policy, read only.
    #[wasm_bindgen(method, getter)]
    pub fn managed(this: &Storage) -> Option<StorageArea>;
    /// `storage.onChanged`.
    #[wasm_bindgen(method, getter, js_name = onChanged)]
    pub fn on_changed(this: &Storage) -> Option<Event>;

    /// One storage area.
    pub type StorageArea;
    /// `get(keys)`: an object of the keys found (`null`: every key).
    #[wasm_bindgen(method, catch)]
    pub async fn get(this: &StorageArea, keys: &JsValue) -> Result<JsValue, JsValue>;
    /// `set(items)`.
    #[wasm_bindgen(method, catch)]
    pub async fn set(this: &StorageArea, items: &js_sys::Object) -> Result<(), JsValue>;
    /// `remove(key)`.
    #[wasm_bindgen(method, catch)]
    pub async fn remove(this: &StorageArea, key: &str) -> Result<(), JsValue>;
}

#[wasm_bindgen]
extern "C" {
    /// `tabGroups`: Chrome's tab groups, one per console identity.
    pub type TabGroups;
    /// `tabGroups.update(groupId, {title, color})`.
    #[wasm_bindgen(method, catch)]
    pub async fn update(
        this: &TabGroups,
        group_id: i32,
        properties: &JsValue,
    ) -> Result<(), JsValue>;
}

#[wasm_bindgen]
extern "C" {
    /// `tabs`, and the tabs it hands back.
    pub type Tabs;
    /// `tabs.create(properties)`.
    #[wasm_bindgen(method, catch)]
    pub async fn create(this: &Tabs, properties: &JsValue) -> Result<Tab, JsValue>;
    /// `tabs.get(tabId)`.
    #[wasm_bindgen(method, catch)]
    pub async fn get(this: &Tabs, tab_id: i32) -> Result<Tab, JsValue>;
    /// `tabs.query(filter)`: the [`Tab`]s that match.
    #[wasm_bindgen(method, catch)]
    pub async fn query(this: &Tabs, filter: &JsValue) -> Result<js_sys::Array, JsValue>;
    /// `tabs.update(tabId, properties)`: the tab, where the browser says.
    #[wasm_bindgen(method, catch)]
    pub async fn update(
        this: &Tabs,
        tab_id: i32,
        properties: &JsValue,
    ) -> Result<Option<Tab>, JsValue>;
    /// `tabs.remove(tabId)`.
    #[wasm_bindgen(method, catch)]
    pub async fn remove(this: &Tabs, tab_id: i32) -> Result<(), JsValue>;
    /// `tabs.group({tabIds, groupId})` (Chrome): the group's id.
    #[wasm_bindgen(method, catch)]
    pub async fn group(this: &Tabs, options: &JsValue) -> Result<Option<i32>, JsValue>;
    /// `tabs.sendMessage(tabId, message)`, to the tab's content scripts.
    #[wasm_bindgen(method, catch, js_name = sendMessage)]
    pub async fn send_message(this: &Tabs, tab_id: i32, message: &JsValue) -> Result<(), JsValue>;

    /// A tab as the browser describes it.
    pub type Tab;
    /// Its id (none for a tab that is not a browser tab, such as DevTools').
    #[wasm_bindgen(method, getter)]
    pub fn id(this: &Tab) -> Option<i32>;
    /// Present with the `tabs` permission or host access to its page.
    #[wasm_bindgen(method, getter)]
    pub fn url(this: &Tab) -> Option<String>;
    /// Whether it is the tab shown in its window.
    #[wasm_bindgen(method, getter)]
    pub fn active(this: &Tab) -> Option<bool>;
    /// `loading` or `complete`.
    #[wasm_bindgen(method, getter)]
    pub fn status(this: &Tab) -> Option<String>;
    /// The window it is in.
    #[wasm_bindgen(method, getter, js_name = windowId)]
    pub fn window_id(this: &Tab) -> Option<i32>;
    /// When it was last active, in milliseconds since the epoch.
    #[wasm_bindgen(method, getter, js_name = lastAccessed)]
    pub fn last_accessed(this: &Tab) -> Option<f64>;
}

#[wasm_bindgen]
extern "C" {
    /// `windows`.
    pub type Windows;
    /// `windows.update(windowId, {focused})`.
    #[wasm_bindgen(method, catch)]
    pub async fn update(this: &Windows, window_id: i32, info: &JsValue) -> Result<(), JsValue>;
}
