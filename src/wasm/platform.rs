//! [`Platform`] over the real browser, through the typed [`super::bindings`]: a file per
//! kind of effect (`storage`, `fetch`, `tabs`, `notices`, `clipboard`, `menus`, the portal
//! page's token). Each method translates; none decides.

#[path = "platform_clipboard.rs"]
mod clipboard;
#[path = "platform_fetch.rs"]
mod fetch;
#[path = "platform_menus.rs"]
mod menus;
#[path = "platform_notices.rs"]
mod notices;
#[path = "platform_portal_tokens.rs"]
mod portal_tokens;
#[path = "platform_storage.rs"]
mod storage;
#[path = "platform_tabs.rs"]
mod tabs;

use serde::de::DeserializeOwned;
use serde::Serialize;
use serde_json::json;
use wasm_bindgen::prelude::*;

use super::bindings::{self, Tab};
use super::browser::{to_js, BrowserError};
use crate::core::popup::OpenTab;
use crate::core::portal_api::{ApiReply, ApiRequest};
use crate::core::secret::Secret;
use crate::core::session::TabId;
use crate::core::text::UserText;
use crate::service::platform::{Capabilities, ConsolePlacement, TabInfo};
use crate::service::{Area, Platform, PlatformError};

pub use storage::take_early_reads;

#[wasm_bindgen]
extern "C" {
    /// `crypto.getRandomValues` of the worker's global scope.
    #[wasm_bindgen(js_namespace = crypto, js_name = getRandomValues)]
    fn crypto_random(buffer: &mut [u8]);
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

fn tab_id_of(tab: &Tab) -> Result<TabId, PlatformError> {
    tab.id()
        .ok_or_else(|| PlatformError("tab without id".into()))
}

/// The browser as the service's platform, with what it offers decided once, when the
/// worker starts ([`BrowserPlatform::detect`]).
pub struct BrowserPlatform {
    capabilities: Capabilities,
}

impl BrowserPlatform {
    /// Looks at the browser's APIs once: containers where `contextualIdentities` is there
    /// (Firefox, with its permission), tab groups where `tabGroups` is (Chrome), and
    /// Firefox's notifications and omnibox (no buttons, no markup) where
    /// `runtime.getBrowserInfo` is, which only Firefox has.
    pub fn detect() -> Self {
        let firefox = bindings::runtime().is_ok_and(|r| r.get_browser_info().is_some());
        Self {
            capabilities: Capabilities {
                containers: bindings::contextual_identities().is_ok(),
                tab_groups: bindings::tab_groups().is_ok(),
                notification_buttons: !firefox,
                omnibox_markup: !firefox,
            },
        }
    }
}

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
        storage::get(area, key).await
    }

    async fn set<T: Serialize + ?Sized>(
        &self,
        area: Area,
        key: &str,
        value: &T,
    ) -> Result<(), PlatformError> {
        storage::set(area, key, value).await
    }

    async fn remove(&self, area: Area, key: &str) -> Result<(), PlatformError> {
        storage::remove(area, key).await
    }

    async fn fetch(&self, request: &ApiRequest) -> ApiReply {
        fetch::portal(request).await
    }

    async fn fetch_aws(&self, url: &Secret) -> ApiReply {
        fetch::aws(url).await
    }

    fn capabilities(&self) -> Capabilities {
        self.capabilities
    }

    async fn open_console_tab(
        &self,
        url: &Secret,
        placement: &ConsolePlacement,
    ) -> Result<(TabId, Option<i32>), PlatformError> {
        tabs::open_console(url, placement, self.capabilities).await
    }

    async fn tab_info(&self, tab_id: TabId) -> Option<TabInfo> {
        tabs::info(tab_id).await
    }

    async fn list_tabs(&self, active_in_focus: bool) -> Vec<OpenTab> {
        tabs::list(active_in_focus).await
    }

    async fn set_badge(&self, text: &str, urgent: bool) {
        notices::set_badge(text, urgent).await;
    }

    async fn notify(&self, id: &str, title: &UserText, message: &UserText) {
        notices::notify(id, title, message, self.capabilities.notification_buttons).await;
    }

    async fn prompt(&self, id: &str, message: &UserText) {
        notices::prompt(id, message).await;
    }

    async fn notice(&self, message: &UserText) {
        self.prompt(&format!("notice-{}", js_sys::Date::now()), message)
            .await;
    }

    async fn write_clipboard(&self, text: &Secret) -> Result<(), PlatformError> {
        clipboard::write(text).await
    }

    async fn set_menus(&self, items: &[crate::core::menus::MenuItem]) -> Result<(), PlatformError> {
        menus::set(items).await
    }

    async fn clear_notification(&self, id: &str) {
        notices::clear(id).await;
    }

    async fn set_group_title(&self, group: i32, title: &str) {
        if self.capabilities.tab_groups {
            tabs::set_group_title(group, title).await;
        }
    }

    async fn navigate_tab(&self, tab_id: TabId, url: &Secret) -> Result<(), PlatformError> {
        tabs::navigate(tab_id, url).await
    }

    async fn open_tab(&self, url: &str, active: bool) -> Result<TabId, PlatformError> {
        tabs::open(url, active).await
    }

    async fn tell_bar(&self, tab_id: TabId) {
        tabs::tell_bar(tab_id).await;
    }

    async fn close_tab(&self, tab_id: TabId) {
        tabs::close(tab_id).await;
    }

    async fn focus_tab(&self, tab_id: TabId) -> Result<(), PlatformError> {
        tabs::focus(tab_id).await
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
        portal_tokens::read(origin).await.unwrap_or_default()
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
