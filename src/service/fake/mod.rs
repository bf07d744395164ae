//! An in-memory [`Platform`] for native tests: storage, a controllable clock, tabs, session
//! rules, alarms, and a small scripted portal that answers like DuploCloud's API.

mod portal;

use portal::{capped, http};
pub use portal::{FakePortal, FakeUser};

use std::cell::{Cell, RefCell};
use std::collections::BTreeMap;

use serde::de::DeserializeOwned;
use serde::Serialize;

use super::platform::{Area, Capabilities, ConsolePlacement, Platform, PlatformError, TabInfo};
use crate::core::popup::OpenTab;
use crate::core::portal_api::{ApiReply, ApiRequest};
use crate::core::secret::Secret;
use crate::core::session::TabId;

/// A future that is pending once, so concurrent callers interleave as over a network.
struct YieldOnce(bool);

impl std::future::Future for YieldOnce {
    type Output = ();
    fn poll(
        mut self: std::pin::Pin<&mut Self>,
        cx: &mut std::task::Context<'_>,
    ) -> std::task::Poll<()> {
        if self.0 {
            std::task::Poll::Ready(())
        } else {
            self.0 = true;
            cx.waker().wake_by_ref();
            std::task::Poll::Pending
        }
    }
}

/// The fake browser.
#[derive(Debug)]
pub struct FakePlatform {
    /// The clock (tests move it).
    pub now: Cell<u64>,
    /// The next random number.
    pub random: Cell<u32>,
    /// Everything stored, by area and key.
    pub storage: RefCell<BTreeMap<(Area, String), serde_json::Value>>,
    /// Makes storage writes fail.
    pub storage_failing: Cell<bool>,
    /// Makes adding a session rule fail.
    pub rules_failing: Cell<bool>,
    /// Makes storage writes and tab and rule changes pending once each, as a browser's
    /// answers are: a test can then stop the worker between any two of them.
    pub steps_yield: Cell<bool>,
    /// Makes storage reads pending once each, as a browser's answers are: two readers can
    /// then overlap.
    pub reads_yield: Cell<bool>,
    /// Every storage read (not the policy's), in order.
    pub reads: RefCell<Vec<(Area, String)>>,
    /// Optional host permissions given back, in order.
    pub released_permissions: RefCell<Vec<String>>,
    /// Makes `storage.managed` reads never answer (Chromium can take seconds after a start).
    pub managed_hangs: Cell<bool>,
    /// The portal behind every `fetch`.
    pub portal: RefCell<FakePortal>,
    /// Every request made, with its token.
    pub requests: RefCell<Vec<ApiRequest>>,
    /// The alarms as they were when each request was made (a worker stopped during the
    /// request is woken by them).
    pub alarms_at_request: RefCell<Vec<BTreeMap<String, u64>>>,
    /// Open tabs and their URLs.
    pub tabs: RefCell<BTreeMap<TabId, String>>,
    /// Every tab ever opened, in order.
    pub opened: RefCell<Vec<String>>,
    /// The last focused tab.
    pub focused: Cell<Option<TabId>>,
    /// Tabs opened without the focus (behind the one in use), in order.
    pub opened_behind: RefCell<Vec<TabId>>,
    next_tab: Cell<TabId>,
    /// Session rules by id.
    pub rules: RefCell<BTreeMap<i32, serde_json::Value>>,
    /// Alarms by name.
    pub alarms: RefCell<BTreeMap<String, u64>>,
    /// Tokens that open portal tabs hold, by origin.
    pub page_tokens: RefCell<BTreeMap<String, Vec<String>>>,
    /// Every AWS sign-in request made.
    pub aws_requests: RefCell<Vec<String>>,
    /// What AWS sign-in answers (a fresh sign-in token by default).
    pub aws_faults: RefCell<Vec<ApiReply>>,
    /// Console tabs: tab → (placement, group).
    pub console_tabs: RefCell<BTreeMap<TabId, (ConsolePlacement, Option<i32>)>>,
    /// Whether the fake browser has containers.
    pub containers: Cell<bool>,
    /// Where a new console tab has already landed when `open_console_tab` returns (its
    /// redirects beat the extension's bookkeeping), if set.
    pub lands_at: RefCell<Option<String>>,
    /// The badge: (text, urgent).
    pub badge: RefCell<(String, bool)>,
    /// Tab group titles.
    pub group_titles: RefCell<BTreeMap<i32, String>>,
    /// System notifications shown, by id: (title, message) in English.
    pub notifications: RefCell<BTreeMap<String, (String, String)>>,
    /// Plain notices shown, in English, in order.
    pub notices: RefCell<Vec<String>>,
    /// The context menu as last applied.
    pub menus: RefCell<Vec<crate::core::menus::MenuItem>>,
    /// How many times the context menu was rebuilt.
    pub menu_builds: Cell<u32>,
    /// What the worker put on the clipboard, in order.
    pub clipboard: RefCell<Vec<String>>,
    /// The tabs whose identity bar was told to ask again, in order.
    pub bars_told: RefCell<Vec<TabId>>,
    next_group: Cell<i32>,
}

impl Default for FakePlatform {
    fn default() -> Self {
        Self {
            now: Cell::new(1_800_000_000_000),
            random: Cell::new(12_345),
            storage: RefCell::default(),
            storage_failing: Cell::new(false),
            rules_failing: Cell::new(false),
            steps_yield: Cell::new(false),
            reads_yield: Cell::new(false),
            reads: RefCell::default(),
            released_permissions: RefCell::default(),
            managed_hangs: Cell::new(false),
            portal: RefCell::default(),
            requests: RefCell::default(),
            alarms_at_request: RefCell::default(),
            tabs: RefCell::default(),
            opened: RefCell::default(),
            opened_behind: RefCell::default(),
            focused: Cell::new(None),
            next_tab: Cell::new(100),
            rules: RefCell::default(),
            alarms: RefCell::default(),
            page_tokens: RefCell::default(),
            aws_requests: RefCell::default(),
            aws_faults: RefCell::default(),
            console_tabs: RefCell::default(),
            containers: Cell::new(false),
            lands_at: RefCell::default(),
            badge: RefCell::default(),
            group_titles: RefCell::default(),
            notifications: RefCell::default(),
            notices: RefCell::default(),
            menus: RefCell::default(),
            menu_builds: Cell::new(0),
            clipboard: RefCell::default(),
            bars_told: RefCell::default(),
            next_group: Cell::new(1),
        }
    }
}

impl FakePlatform {
    /// A browser call's answer: pending once when [`Self::steps_yield`] is set.
    async fn step(&self) {
        if self.steps_yield.get() {
            YieldOnce(false).await;
        }
    }

    /// Moves the clock.
    pub fn advance(&self, ms: u64) {
        self.now.set(self.now.get() + ms);
    }

    /// Everything stored in `area`.
    pub fn dump(&self, area: Area) -> BTreeMap<String, serde_json::Value> {
        self.storage
            .borrow()
            .iter()
            .filter(|((a, _), _)| *a == area)
            .map(|((_, k), v)| (k.clone(), v.clone()))
            .collect()
    }

    /// The paths requested so far, in order.
    pub fn requested_paths(&self) -> Vec<String> {
        self.requests
            .borrow()
            .iter()
            .map(|r| {
                r.url
                    .splitn(4, '/')
                    .nth(3)
                    .map(|p| format!("/{p}"))
                    .unwrap_or_default()
            })
            .collect()
    }
}

impl Platform for FakePlatform {
    fn now_ms(&self) -> u64 {
        self.now.get()
    }

    fn random_u128(&self) -> u128 {
        // Four steps of a linear congruential sequence: the low word (the port) is the
        // step's value, as before nonces existed, so ports in tests stay what they were.
        let mut value = 0_u128;
        for shift in [0, 32, 64, 96] {
            let step = self.random.get();
            self.random
                .set(step.wrapping_mul(1_103_515_245).wrapping_add(12_345));
            value |= u128::from(step) << shift;
        }
        value
    }

    fn extension_base(&self) -> String {
        "chrome-extension://fake/".into()
    }

    async fn get<T: DeserializeOwned>(
        &self,
        area: Area,
        key: &str,
    ) -> Result<Option<T>, PlatformError> {
        if area == Area::Managed && self.managed_hangs.get() {
            std::future::pending::<()>().await;
        }
        if area != Area::Managed {
            self.reads.borrow_mut().push((area, key.to_owned()));
            if self.reads_yield.get() {
                YieldOnce(false).await;
            }
        }
        let value = self.storage.borrow().get(&(area, key.to_owned())).cloned();
        Ok(value.and_then(|value| serde_json::from_value(value).ok()))
    }

    async fn set<T: Serialize + ?Sized>(
        &self,
        area: Area,
        key: &str,
        value: &T,
    ) -> Result<(), PlatformError> {
        self.step().await;
        if self.storage_failing.get() {
            return Err(PlatformError("quota exceeded (simulated)".into()));
        }
        if area == Area::Managed {
            return Err(PlatformError("managed storage is read-only".into()));
        }
        // As the browser does, storage keeps a copy of the value's JSON form.
        let value = serde_json::to_value(value).map_err(|e| PlatformError(e.to_string()))?;
        self.storage
            .borrow_mut()
            .insert((area, key.to_owned()), value);
        Ok(())
    }

    async fn remove(&self, area: Area, key: &str) -> Result<(), PlatformError> {
        self.storage.borrow_mut().remove(&(area, key.to_owned()));
        Ok(())
    }

    async fn fetch(&self, request: &ApiRequest) -> ApiReply {
        self.requests.borrow_mut().push(request.clone());
        self.alarms_at_request
            .borrow_mut()
            .push(self.alarms.borrow().clone());
        // Like a real network, the answer comes later: other tasks run meanwhile.
        YieldOnce(false).await;
        capped(self.portal.borrow_mut().answer(request))
    }

    async fn fetch_aws(&self, url: &Secret) -> ApiReply {
        self.aws_requests.borrow_mut().push(url.expose().to_owned());
        let mut faults = self.aws_faults.borrow_mut();
        if !faults.is_empty() {
            return capped(faults.remove(0));
        }
        let n = self.aws_requests.borrow().len();
        http(200, &format!(r#"{{"SigninToken":"signin-token-{n}"}}"#))
    }

    fn capabilities(&self) -> Capabilities {
        if self.containers.get() {
            Capabilities::FIREFOX
        } else {
            Capabilities::CHROMIUM
        }
    }

    async fn open_console_tab(
        &self,
        url: &Secret,
        placement: &ConsolePlacement,
    ) -> Result<(TabId, Option<i32>), PlatformError> {
        let tab = self.open_tab(url.expose(), placement.active).await?;
        if let Some(landed) = self.lands_at.borrow().clone() {
            self.tabs.borrow_mut().insert(tab, landed);
        }
        let group = if self.containers.get() {
            None
        } else {
            Some(placement.group.unwrap_or_else(|| {
                let g = self.next_group.get();
                self.next_group.set(g + 1);
                g
            }))
        };
        self.console_tabs
            .borrow_mut()
            .insert(tab, (placement.clone(), group));
        Ok((tab, group))
    }

    async fn tab_info(&self, tab_id: TabId) -> Option<TabInfo> {
        let url = self.tabs.borrow().get(&tab_id).cloned()?;
        Some(TabInfo {
            url,
            active: self.focused.get() == Some(tab_id),
        })
    }

    async fn list_tabs(&self, active_in_focus: bool) -> Vec<OpenTab> {
        let focused = self.focused.get();
        self.tabs
            .borrow()
            .iter()
            .filter(|(id, _)| !active_in_focus || Some(**id) == focused)
            .map(|(id, url)| OpenTab {
                id: *id,
                url: Some(url.clone()),
                // The fake keeps no history: the focused tab was used last, then newer tabs.
                last_accessed_ms: if Some(*id) == focused {
                    f64::MAX
                } else {
                    f64::from(*id)
                },
            })
            .collect()
    }

    async fn set_badge(&self, text: &str, urgent: bool) {
        *self.badge.borrow_mut() = (text.to_owned(), urgent);
    }

    async fn notify(
        &self,
        id: &str,
        title: &crate::core::text::UserText,
        message: &crate::core::text::UserText,
    ) {
        self.notifications
            .borrow_mut()
            .insert(id.to_owned(), (title.english(), message.english()));
    }

    async fn clear_notification(&self, id: &str) {
        self.notifications.borrow_mut().remove(id);
    }

    async fn remove_host_permission(&self, pattern: &str) {
        self.released_permissions
            .borrow_mut()
            .push(pattern.to_owned());
    }

    async fn prompt(&self, id: &str, message: &crate::core::text::UserText) {
        self.notifications
            .borrow_mut()
            .insert(id.to_owned(), (String::new(), message.english()));
    }

    async fn notice(&self, message: &crate::core::text::UserText) {
        self.notices.borrow_mut().push(message.english());
    }

    async fn write_clipboard(&self, text: &Secret) -> Result<(), PlatformError> {
        self.step().await;
        self.clipboard.borrow_mut().push(text.expose().to_owned());
        Ok(())
    }

    async fn set_menus(&self, items: &[crate::core::menus::MenuItem]) -> Result<(), PlatformError> {
        *self.menus.borrow_mut() = items.to_vec();
        self.menu_builds.set(self.menu_builds.get() + 1);
        Ok(())
    }

    async fn set_group_title(&self, group: i32, title: &str) {
        self.group_titles
            .borrow_mut()
            .insert(group, title.to_owned());
    }

    async fn navigate_tab(&self, tab_id: TabId, url: &Secret) -> Result<(), PlatformError> {
        self.step().await;
        match self.tabs.borrow_mut().get_mut(&tab_id) {
            Some(current) => {
                // A blank tab given its page counts as opened with it (`opened` lists the
                // pages a person saw open).
                if current == "about:blank" {
                    self.opened.borrow_mut().push(url.expose().to_owned());
                }
                *current = url.expose().to_owned();
                Ok(())
            }
            None => Err(PlatformError("no such tab".into())),
        }
    }

    async fn open_tab(&self, url: &str, active: bool) -> Result<TabId, PlatformError> {
        self.step().await;
        let id = self.next_tab.get();
        self.next_tab.set(id + 1);
        self.tabs.borrow_mut().insert(id, url.to_owned());
        if url != "about:blank" {
            self.opened.borrow_mut().push(url.to_owned());
        }
        if active {
            self.focused.set(Some(id));
        } else {
            self.opened_behind.borrow_mut().push(id);
        }
        Ok(id)
    }

    async fn tell_bar(&self, tab_id: TabId) {
        self.bars_told.borrow_mut().push(tab_id);
    }

    async fn close_tab(&self, tab_id: TabId) {
        self.step().await;
        self.tabs.borrow_mut().remove(&tab_id);
    }

    async fn focus_tab(&self, tab_id: TabId) -> Result<(), PlatformError> {
        if self.tabs.borrow().contains_key(&tab_id) {
            self.focused.set(Some(tab_id));
            Ok(())
        } else {
            Err(PlatformError("no such tab".into()))
        }
    }

    async fn add_session_rule(&self, rule: serde_json::Value) -> Result<(), PlatformError> {
        self.step().await;
        if self.rules_failing.get() {
            return Err(PlatformError("rule refused (simulated)".into()));
        }
        let id = rule["id"]
            .as_i64()
            .and_then(|id| i32::try_from(id).ok())
            .ok_or_else(|| PlatformError("rule without id".into()))?;
        self.rules.borrow_mut().insert(id, rule);
        Ok(())
    }

    async fn remove_session_rule(&self, id: i32) {
        self.step().await;
        self.rules.borrow_mut().remove(&id);
    }

    async fn portal_page_tokens(&self, origin: &str) -> Vec<Secret> {
        self.page_tokens
            .borrow()
            .get(origin)
            .map(|tokens| tokens.iter().map(Secret::new).collect())
            .unwrap_or_default()
    }

    async fn set_alarm(&self, name: &str, at_ms: u64) {
        self.alarms.borrow_mut().insert(name.to_owned(), at_ms);
    }

    async fn clear_alarm(&self, name: &str) {
        self.alarms.borrow_mut().remove(name);
    }
}
