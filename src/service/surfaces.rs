//! The ways in besides the popup: the context menu, the omnibox keyword, the keyboard
//! shortcut, and which portal the popup opens first. The decisions are in
//! [`crate::core::menus`]; this runs them.

use std::cell::{Cell, RefCell};
use std::future::poll_fn;
use std::task::{Poll, Waker};

use super::{find, Area, Platform, Sender, Service, CONSOLES_KEY, SESSIONS_KEY};
use crate::core::config::Config;
use crate::core::consoles::{Consoles, OpenConsole};
use crate::core::kubernetes::KubeFormat;
use crate::core::menus::{self, MenuClick};
use crate::core::omnibox::{self, Suggestion};
use crate::core::popup;
use crate::core::portal_url::Origin;
use crate::core::secret::Secret;
use crate::core::session::{Sessions, TabId};
use crate::core::text::{msg, UserText};

/// The command that re-opens the last used console (`manifest.json` › `commands`).
pub const OPEN_LAST_COMMAND: &str = "open-last";
/// Where the last applied menu's fingerprint is kept (in memory: menus go with the browser).
const MENUS_KEY: &str = "menus";

/// The context menu's rebuild in progress, and who waits for it.
#[derive(Default)]
pub(super) struct MenuSync {
    running: Cell<bool>,
    again: Cell<bool>,
    waiters: RefCell<Vec<Waker>>,
}

impl<P: Platform> Service<P> {
    /// Opens a console and remembers it as the most recently used.
    pub(super) async fn open_and_remember(
        &self,
        open: OpenConsole,
        otp: Option<Secret>,
        make_room: bool,
    ) -> Result<(), UserText> {
        let config = self.config.borrow().clone().unwrap_or_default();
        let portal = find(&config, &open.key.origin).ok_or_else(|| msg::PORTAL_NOT_FOUND.text())?;
        let key = open.key.clone();
        self.open_console(&portal, open, otp, make_room).await?;
        let mut next = self.config.borrow().clone().unwrap_or_default();
        if next.used(&key) {
            // Losing the recent list to a storage failure is no reason to fail the open.
            let _ = self.save_config(next).await;
        }
        Ok(())
    }

    /// The portal the tab `tab_id` (showing `url`) belongs to: a console tab of one of its
    /// identities, or a page at its origin (or its API host's).
    pub(super) fn portal_of_tab(
        &self,
        config: &Config,
        tab_id: Option<TabId>,
        url: Option<&str>,
    ) -> Option<Origin> {
        if let Some(tab) = tab_id {
            let console = self.with_consoles(|c| c.key_of_tab(tab).map(|k| k.origin.clone()));
            if console.is_some() {
                return console;
            }
        }
        let origin = crate::core::weburl::WebUrl::parse(url?).ok()?.origin();
        config
            .portals
            .iter()
            .find(|p| *p.url.origin() == *origin || *p.api_url().origin() == *origin)
            .map(|p| p.url.origin().clone())
    }

    /// The portal of the tab the popup (`sender`) was opened over
    /// ([`crate::core::popup`]).
    pub(super) async fn portal_under_popup(
        &self,
        config: &Config,
        sender: Sender,
    ) -> Option<Origin> {
        let page = format!("{}popup.html", self.platform.extension_base());
        let asker = popup::Asker {
            tab: sender.tab_id,
            page: &page,
        };
        let active = self.platform.list_tabs(true).await;
        let chosen = match popup::among_active(&active, asker) {
            Some(tab) => Some(tab.clone()),
            None => popup::most_recent(&self.platform.list_tabs(false).await, asker).cloned(),
        };
        let tab = chosen?;
        self.portal_of_tab(config, Some(tab.id), tab.url.as_deref())
    }

    /// Rebuilds the context menu when what it shows changed (tenant lists, favourites,
    /// recent, portals); a menu equal to the one applied is left alone.
    ///
    /// One rebuild at a time: with thousands of tenants the menu has thousands of items, and
    /// the sign-in of several portals asks for a rebuild per portal at once. A call that comes
    /// while one runs waits for it, and makes it run once more with the state of then.
    pub(super) async fn sync_menus(&self) {
        let sync = &self.menu_sync;
        if sync.running.get() {
            sync.again.set(true);
            poll_fn(|cx| {
                if sync.running.get() {
                    sync.waiters.borrow_mut().push(cx.waker().clone());
                    Poll::Pending
                } else {
                    Poll::Ready(())
                }
            })
            .await;
            return;
        }
        sync.running.set(true);
        loop {
            sync.again.set(false);
            self.sync_menus_once().await;
            if !sync.again.get() {
                break;
            }
        }
        sync.running.set(false);
        for waker in sync.waiters.borrow_mut().drain(..) {
            waker.wake();
        }
    }

    async fn sync_menus_once(&self) {
        let state = self.state_view().await;
        let items = menus::build(&state.portals);
        drop(state);
        // Item by item: the whole menu as one JSON text would be megabytes at once.
        let hash = items.iter().fold(0_u64, |hash, item| {
            let text = serde_json::to_string(item).unwrap_or_default();
            hash.rotate_left(5) ^ crate::util::fnv1a(&text)
        });
        let fingerprint = format!("{hash:016x}");
        let applied: Option<String> = self
            .platform
            .get(Area::Session, MENUS_KEY)
            .await
            .ok()
            .flatten();
        if applied.as_deref() == Some(fingerprint.as_str()) {
            return;
        }
        if self.platform.set_menus(&items).await.is_ok() {
            let _ = self
                .platform
                .set(Area::Session, MENUS_KEY, &fingerprint)
                .await;
        }
    }

    /// A context menu item was clicked (`contextMenus.onClicked`).
    pub async fn on_menu_click(&self, click: MenuClick) {
        if self.load().await.is_err() {
            return;
        }
        if let Some(format) = menus::kubernetes_format(&click) {
            return self.copy_kubernetes_from_menu(&click, format).await;
        }
        let action = match menus::click(&click) {
            Ok(action) => action,
            Err(e) => {
                if let Some(text) = e.user_text() {
                    self.platform.notice(&text).await;
                }
                return;
            }
        };
        let state = self.state_view().await;
        let key = match action.target.resolve(&state.portals, &click) {
            Ok(key) => key,
            Err(e) => return self.notice_of(e.user_text()).await,
        };
        self.open_from_outside(OpenConsole {
            key,
            destination: action.destination,
            new_tab: action.new_tab,
        })
        .await;
    }

    /// "Copy this tenant's kubeconfig" (or ExecCredential) on a tenant's portal page: the
    /// copy, then a notification saying what was copied or why nothing was.
    async fn copy_kubernetes_from_menu(&self, click: &MenuClick, format: KubeFormat) {
        let state = self.state_view().await;
        let key = match menus::MenuTarget::PageTenant.resolve(&state.portals, click) {
            Ok(key) => key,
            Err(e) => return self.notice_of(e.user_text()).await,
        };
        let config = self.config.borrow().clone().unwrap_or_default();
        let Some(portal) = find(&config, &key.origin) else {
            return self.platform.notice(&msg::PORTAL_NOT_FOUND.text()).await;
        };
        let outcome = match self.copy_kubernetes(&portal, &key, format).await {
            Ok(text) => match self.platform.write_clipboard(&text).await {
                Ok(()) => msg::K8S_COPIED
                    .with([key.label()])
                    .with_detail(format.label().text()),
                Err(_) => msg::COPY_FAILED.text(),
            },
            Err(problem) => problem,
        };
        self.platform.notice(&outcome).await;
    }

    async fn notice_of(&self, text: Option<UserText>) {
        if let Some(text) = text {
            self.platform.notice(&text).await;
        }
    }

    /// Suggestions for the omnibox line after the `jit` keyword.
    pub async fn omnibox_suggestions(&self, line: &str) -> Vec<Suggestion> {
        if self.load().await.is_err() {
            return Vec::new();
        }
        omnibox::suggest(&self.state_view().await.portals, line)
    }

    /// Enter in the omnibox after the `jit` keyword.
    pub async fn on_omnibox_enter(&self, line: &str, new_tab: bool) {
        if self.load().await.is_err() {
            return;
        }
        let state = self.state_view().await;
        match omnibox::open(&state.portals, line, new_tab) {
            Some(open) => self.open_from_outside(open).await,
            None => {
                self.platform
                    .notice(&msg::OMNIBOX_NO_MATCH.with([line.trim()]))
                    .await
            }
        }
    }

    /// A keyboard shortcut (`commands.onCommand`).
    pub async fn on_command(&self, name: &str) {
        if name != OPEN_LAST_COMMAND || self.load().await.is_err() {
            return;
        }
        let last = self
            .config
            .borrow()
            .as_ref()
            .and_then(|c| c.recent.first().cloned());
        match last {
            Some(key) => {
                self.open_from_outside(OpenConsole {
                    key,
                    destination: crate::core::consoles::Destination::Home,
                    new_tab: false,
                })
                .await
            }
            None => self.platform.notice(&msg::NO_RECENT_CONSOLE.text()).await,
        }
    }

    /// Opens a console asked for outside the popup: problems become a notification, since
    /// no page is there to show them.
    async fn open_from_outside(&self, open: OpenConsole) {
        // No page is there to ask: make room at AWS's limit, and say whom it signed out.
        let result = self.open_and_remember(open, None, true).await;
        self.schedule().await;
        self.sync_menus().await;
        if let Err(text) = result {
            self.platform.notice(&text).await;
        }
    }

    /// Signs out everywhere and forgets the configuration, tenant lists, credentials and
    /// recent consoles. What the administrator's policy sets comes back as it was.
    pub(super) async fn forget_everything(&self, config: &Config) -> Result<(), UserText> {
        for portal in &config.portals {
            self.forget_portal(portal.url.origin()).await;
        }
        // Ends any attempt still pending, even of a portal no longer configured (its rule
        // and tab go as the sessions are saved, just before they are removed).
        self.with_sessions(Sessions::clear);
        self.save_sessions().await;
        for area in [Area::Local, Area::Session] {
            for key in [SESSIONS_KEY, CONSOLES_KEY, Config::STORAGE_KEY, MENUS_KEY] {
                let _ = self.platform.remove(area, key).await;
            }
        }
        *self.sessions.borrow_mut() = Some(Sessions::default());
        *self.consoles.borrow_mut() = Some(Consoles::default());
        self.tenants.borrow_mut().clear();
        self.kube_access.borrow_mut().clear();
        self.kube_enabled.borrow_mut().clear();
        *self.config.borrow_mut() = None;
        self.load().await.map_err(|_| msg::STORAGE_FAILED.text())?;
        Ok(())
    }
}
