//! What the service needs from the browser, as one trait: the wasm adapters implement it
//! over `browser.*`/`fetch`, and [`super::fake::FakePlatform`] implements it in memory for
//! tests. Methods translate; they decide nothing.

use std::future::Future;

use serde::de::DeserializeOwned;
use serde::Serialize;

use crate::core::popup::OpenTab;
use crate::core::portal_api::{ApiReply, ApiRequest};
use crate::core::secret::Secret;
use crate::core::session::TabId;
use crate::core::text::UserText;

/// A storage area.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Area {
    /// `storage.local`: on disk, kept across restarts.
    Local,
    /// `storage.session`: in memory, gone when the browser closes.
    Session,
    /// `storage.managed`: the administrator's policy; read-only (key "" reads it whole).
    Managed,
}

/// A browser API failed; the text is for the log and holds no secret.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("browser API failed: {0}")]
pub struct PlatformError(pub String);

/// What the browser offers where Chromium and Firefox differ ([`Platform::capabilities`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Capabilities {
    /// A container (cookie jar) per console identity (Firefox's `contextualIdentities`):
    /// each identity's console session is kept apart from the others'.
    pub containers: bool,
    /// Tab groups that gather an identity's tabs under its name and time left (Chrome's
    /// `tabGroups`).
    pub tab_groups: bool,
    /// Buttons on a system notification (Chrome; Firefox refuses the key, and a click on
    /// the notification's body does their work there).
    pub notification_buttons: bool,
    /// XML markup in omnibox suggestions (Chrome; Firefox shows the text as it is).
    pub omnibox_markup: bool,
}

impl Capabilities {
    /// Chrome and the other Chromium browsers.
    pub const CHROMIUM: Self = Self {
        containers: false,
        tab_groups: true,
        notification_buttons: true,
        omnibox_markup: true,
    };
    /// Firefox.
    pub const FIREFOX: Self = Self {
        containers: true,
        tab_groups: false,
        notification_buttons: false,
        omnibox_markup: false,
    };

    /// Whether each console identity's cookies are kept apart from the others'.
    pub fn isolates_identities(self) -> bool {
        self.containers
    }
}

/// Where a console tab goes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConsolePlacement {
    /// The container or tab group name (`acme.duplocloud.net · dev01`).
    pub name: String,
    /// Its title in a tab group (the tenant's name).
    pub title: String,
    /// Its colour (a tab group colour, or a container colour where containers are used).
    pub colour: String,
    /// The tab group to reuse.
    pub group: Option<i32>,
    /// Whether the tab comes to the front.
    pub active: bool,
}

/// A tab as the service needs to know it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TabInfo {
    /// Its address.
    pub url: String,
    /// Whether it is the tab its window shows (the one the user may be working in).
    pub active: bool,
}

/// The browser, as the service sees it.
pub trait Platform {
    /// Now, in milliseconds since the epoch.
    fn now_ms(&self) -> u64;
    /// A random number from a cryptographic source (hand-off ports and nonces).
    fn random_u128(&self) -> u128;
    /// The extension's base URL (`chrome-extension://<id>/`).
    fn extension_base(&self) -> String;

    /// The value under `key` in `area` (the empty key: the whole area), read as a `T`.
    ///
    /// A value that is not a `T` reads as `None`, as an absent one: stored data that this
    /// release cannot read is not a reason to stop. Read as a `serde_json::Value` to look
    /// at it entry by entry.
    fn get<T: DeserializeOwned>(
        &self,
        area: Area,
        key: &str,
    ) -> impl Future<Output = Result<Option<T>, PlatformError>>;
    /// Stores `value` under `key` in `area`, as its JSON form (a plain JS value).
    fn set<T: Serialize + ?Sized>(
        &self,
        area: Area,
        key: &str,
        value: &T,
    ) -> impl Future<Output = Result<(), PlatformError>>;
    /// Removes `key` from `area`.
    fn remove(&self, area: Area, key: &str) -> impl Future<Output = Result<(), PlatformError>>;

    /// Performs a portal API request (`GET`, bearer token, no cookies, no redirects).
    fn fetch(&self, request: &ApiRequest) -> impl Future<Output = ApiReply>;

    /// `GET` to an AWS sign-in host: no credentials, no cookies, no redirects.
    fn fetch_aws(&self, url: &Secret) -> impl Future<Output = ApiReply>;

    /// What this browser offers where Chromium and Firefox differ, decided once when the
    /// worker starts. The service asks this, never which browser it runs in.
    fn capabilities(&self) -> Capabilities;

    /// Opens a console tab for one identity: in its container where the browser has them,
    /// else in its tab group (`group`: the group to reuse, if it still exists). Returns the
    /// tab and the group it is in.
    fn open_console_tab(
        &self,
        url: &Secret,
        placement: &ConsolePlacement,
    ) -> impl Future<Output = Result<(TabId, Option<i32>), PlatformError>>;

    /// What a tab shows now, or None when it is gone.
    fn tab_info(&self, tab_id: TabId) -> impl Future<Output = Option<TabInfo>>;
    /// The open tabs: only the active ones of the focused window when `active_in_focus`,
    /// else all of them (`tabs.query`).
    fn list_tabs(&self, active_in_focus: bool) -> impl Future<Output = Vec<OpenTab>>;

    /// Sets the toolbar badge (empty text clears it).
    fn set_badge(&self, text: &str, urgent: bool) -> impl Future<Output = ()>;

    /// Shows (or replaces) the system notification `id`, with Renew and Dismiss buttons.
    fn notify(&self, id: &str, title: &UserText, message: &UserText) -> impl Future<Output = ()>;

    /// Shows a plain system notification (a sentence, no buttons).
    fn notice(&self, message: &UserText) -> impl Future<Output = ()>;

    /// Shows (or replaces) the system notification `id`: a sentence, no buttons; a click on
    /// it comes back as `on_notification(id, None)`.
    fn prompt(&self, id: &str, message: &UserText) -> impl Future<Output = ()>;

    /// Puts `text` on the clipboard from the worker (a copy chosen in the context menu, where
    /// no page of ours is open to write it).
    fn write_clipboard(&self, text: &Secret) -> impl Future<Output = Result<(), PlatformError>>;

    /// Replaces the extension's context menu with `items`.
    fn set_menus(
        &self,
        items: &[crate::core::menus::MenuItem],
    ) -> impl Future<Output = Result<(), PlatformError>>;

    /// Removes the system notification `id`.
    fn clear_notification(&self, id: &str) -> impl Future<Output = ()>;

    /// Renames a tab group (Chrome).
    fn set_group_title(&self, group: i32, title: &str) -> impl Future<Output = ()>;

    /// Sends an existing tab to `url`.
    fn navigate_tab(
        &self,
        tab_id: TabId,
        url: &Secret,
    ) -> impl Future<Output = Result<(), PlatformError>>;

    /// Opens `url` in a new tab: in front (`active`), or behind the one in use without
    /// taking the focus.
    fn open_tab(
        &self,
        url: &str,
        active: bool,
    ) -> impl Future<Output = Result<TabId, PlatformError>>;
    /// Tells the identity bar in a tab (our content script, if it runs there) that what it
    /// shows changed, so it asks again (`tabs.sendMessage`; a tab without it is fine).
    fn tell_bar(&self, tab_id: TabId) -> impl Future<Output = ()>;
    /// Closes a tab (a tab already gone is fine).
    fn close_tab(&self, tab_id: TabId) -> impl Future<Output = ()>;
    /// Brings a tab and its window to the front.
    fn focus_tab(&self, tab_id: TabId) -> impl Future<Output = Result<(), PlatformError>>;

    /// Adds a `declarativeNetRequest` session rule.
    fn add_session_rule(
        &self,
        rule: serde_json::Value,
    ) -> impl Future<Output = Result<(), PlatformError>>;
    /// Removes the session rule `id` (a rule already gone is fine).
    fn remove_session_rule(&self, id: i32) -> impl Future<Output = ()>;

    /// The session tokens that open tabs of the portal at exactly `origin` hold in their
    /// `localStorage` (`g_authToken`). Reads no other site.
    fn portal_page_tokens(&self, origin: &str) -> impl Future<Output = Vec<Secret>>;

    /// Gives back an optional host permission (a match pattern) no portal needs any more.
    fn remove_host_permission(&self, pattern: &str) -> impl Future<Output = ()>;

    /// Schedules (or moves) the alarm `name` to `at_ms`.
    fn set_alarm(&self, name: &str, at_ms: u64) -> impl Future<Output = ()>;
    /// Cancels the alarm `name`.
    fn clear_alarm(&self, name: &str) -> impl Future<Output = ()>;
}
