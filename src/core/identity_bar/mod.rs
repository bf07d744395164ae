//! The identity bar: the slim strip a content script shows on a console tab this extension
//! signed in, saying which portal, which identity and how long its session has left, with
//! **Renew now** and **Open this page as…** (issue 19).
//!
//! The content script runs in the console page's renderer, so everything it sends is
//! untrusted: a compromised page could forge its messages. What it may ask is its own
//! closed enum ([`BarRequest`]), answered only about the tab the browser says sent it
//! ([`BarSender`]), never naming a tab or an identity itself, and the answers hold no secret
//! ([`BarView`]: names, a colour, an expiry time and texts).

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::consoles::Consoles;
use super::identity::{identity_colour, ConsoleKey, KeyId, Role, TenantId};
use super::messages::PortalView;
use super::session::TabId;
use super::tenant_list;
use super::text::{msg, UserText};

/// Where the bar's content script runs (`manifest.json` › `content_scripts`): the AWS
/// console hosts of the three partitions, as the "same page" menu entry (a native test
/// holds the manifest to it).
pub use super::menus::CONSOLE_PATTERNS as CONSOLE_HOSTS;

/// The most tenants "Open this page as…" offers (favourites, then recent, then by name:
/// the order of the popup and the context menu).
pub const BAR_CHOICES_AT_MOST: usize = 25;

/// What the identity bar may ask the worker. Nothing in it names a tab or an identity:
/// each is about the tab that sent it. Its tags differ from every page request's.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(
    tag = "type",
    rename_all = "camelCase",
    rename_all_fields = "camelCase"
)]
pub enum BarRequest {
    /// What the bar of the sender's tab shows ([`BarAnswer`]).
    GetIdentityBar,
    /// Renew the sender's tab's identity now (the tab in use included).
    IdentityBarRenew,
    /// Open the page the sender's tab shows, in a new tab, as another tenant of the same
    /// portal: one of [`BarView::choices`], by id.
    IdentityBarOpenAs {
        /// The tenant's id.
        tenant_id: TenantId,
    },
}

/// Who sent a [`BarRequest`], as the browser (not the message) says.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BarSender {
    /// The sender's tab.
    pub tab_id: TabId,
    /// Its frame: only the top document (0) has a bar.
    pub frame_id: Option<i32>,
}

/// Who a message to the worker comes from, decided from what the browser says of its sender
/// (`runtime.onMessage`'s `sender`), never from the message.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SenderKind {
    /// One of this extension's pages: it may make every [`super::messages::Request`].
    OurPage,
    /// Our content script in the top document of a tab on an AWS console host: it may make
    /// only [`BarRequest`]s, about that tab.
    ConsoleBar(BarSender),
    /// Anything else: no answer.
    Stranger,
}

/// What the browser says of a message's sender.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SenderFacts<'a> {
    /// This extension's id.
    pub our_id: &'a str,
    /// This extension's base URL (`chrome-extension://<id>/`, `moz-extension://<uuid>/`).
    pub our_base: &'a str,
    /// `sender.id`.
    pub id: Option<&'a str>,
    /// `sender.url`: the sending document's address.
    pub url: Option<&'a str>,
    /// `sender.tab.id`.
    pub tab_id: Option<TabId>,
    /// `sender.frameId`.
    pub frame_id: Option<i32>,
}

/// Who sent a message ([`SenderKind`]).
pub fn sender_kind(facts: &SenderFacts) -> SenderKind {
    if facts.our_id.is_empty() || facts.our_base.is_empty() || facts.id != Some(facts.our_id) {
        return SenderKind::Stranger;
    }
    let Some(url) = facts.url else {
        return SenderKind::Stranger;
    };
    if url.starts_with(facts.our_base) {
        return SenderKind::OurPage;
    }
    let on_console = super::aws::Partition::ALL
        .iter()
        .any(|p| super::consoles::is_console_page(url, *p));
    match facts.tab_id {
        Some(tab_id) if on_console && facts.frame_id == Some(0) => {
            SenderKind::ConsoleBar(BarSender {
                tab_id,
                frame_id: facts.frame_id,
            })
        }
        _ => SenderKind::Stranger,
    }
}

/// The worker's answer to the bar.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(
    tag = "type",
    rename_all = "camelCase",
    rename_all_fields = "camelCase"
)]
pub enum BarAnswer<T = UserText> {
    /// Show nothing: not a console tab this extension signed in, not its top document, or
    /// the bar is turned off.
    Hidden,
    /// Show this.
    Shown(BarView<T>),
}

/// What the bar shows. No secret: names, a colour, an expiry time and texts. `T` is a text:
/// a [`UserText`] in the core, the sentence in the user's language on the wire.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct BarView<T = UserText> {
    /// The portal's name (the one the person or the policy gave it, else its host).
    pub portal: String,
    /// Who: the tenant's name, `administrator` or `duplo-ops` ([`ConsoleKey::label`]).
    pub who: String,
    /// The role's slug (`tenant`, `admin`, `duplo-ops`).
    pub role: String,
    /// The bar's colour (CSS), the portal's or the identity's as its tab group has it.
    pub colour: String,
    /// The text colour on it.
    pub ink: String,
    /// When the session's credentials expire (Unix ms), when some are held.
    pub expires_ms: Option<u64>,
    /// The texts.
    pub texts: BarTexts<T>,
    /// The tenants "Open this page as…" offers (never the bar's own).
    pub choices: Vec<BarChoice>,
}

/// The bar's texts: the labels, and the time left as templates the content script fills in
/// as the minutes pass ([`countdown_text`]) without asking the worker again.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct BarTexts<T = UserText> {
    /// The bar's accessible name ("Signed in as $1 of $2").
    pub label: T,
    /// "expires in $1 min", `$1` left for the minutes.
    pub minutes: T,
    /// "expires in <1 min".
    pub under_a_minute: T,
    /// "session ended".
    pub ended: T,
    /// "Renew now".
    pub renew: T,
    /// "Open this page as".
    pub open_as: T,
    /// "Open".
    pub open: T,
    /// "Hide".
    pub hide: T,
}

impl BarTexts {
    /// The bar's texts, `label` its accessible name (the rest are the same for every bar).
    pub fn new(label: UserText) -> Self {
        Self {
            label,
            minutes: msg::EXPIRES_IN_MINUTES.with([MINUTES_PLACEHOLDER]),
            under_a_minute: msg::EXPIRES_UNDER_A_MINUTE.text(),
            ended: msg::IDENTITY_BAR_ENDED.text(),
            renew: msg::IDENTITY_BAR_RENEW.text(),
            open_as: msg::IDENTITY_BAR_OPEN_AS.text(),
            open: msg::IDENTITY_BAR_OPEN.text(),
            hide: msg::IDENTITY_BAR_HIDE.text(),
        }
    }
}

/// A tenant "Open this page as…" offers.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct BarChoice {
    /// Its id.
    pub tenant_id: TenantId,
    /// Its name.
    pub name: String,
}

impl<T> BarAnswer<T> {
    /// The same answer with its texts made by `render`.
    pub fn localize<U>(self, render: impl Fn(&T) -> U) -> BarAnswer<U> {
        match self {
            Self::Hidden => BarAnswer::Hidden,
            Self::Shown(view) => BarAnswer::Shown(BarView {
                portal: view.portal,
                who: view.who,
                role: view.role,
                colour: view.colour,
                ink: view.ink,
                expires_ms: view.expires_ms,
                texts: BarTexts {
                    label: render(&view.texts.label),
                    minutes: render(&view.texts.minutes),
                    under_a_minute: render(&view.texts.under_a_minute),
                    ended: render(&view.texts.ended),
                    renew: render(&view.texts.renew),
                    open_as: render(&view.texts.open_as),
                    open: render(&view.texts.open),
                    hide: render(&view.texts.hide),
                },
                choices: view.choices,
            }),
        }
    }
}

/// The identity whose bar `sender` may show: its tab's, when this extension signed that tab
/// in, and only in its top document.
pub fn key_of_sender(consoles: &Consoles, sender: BarSender) -> Option<&ConsoleKey> {
    if sender.frame_id != Some(0) {
        return None;
    }
    consoles.key_of_tab(sender.tab_id)
}

/// What the bar of `sender`'s tab shows, with `portals` as the pages see them; its colour
/// is that of the tab's group, or of its container when the browser `isolated` identities.
pub fn bar_answer(
    enabled: bool,
    isolated: bool,
    consoles: &Consoles,
    portals: &[PortalView],
    sender: BarSender,
    now_ms: u64,
) -> BarAnswer {
    if !enabled {
        return BarAnswer::Hidden;
    }
    let Some(key) = key_of_sender(consoles, sender) else {
        return BarAnswer::Hidden;
    };
    let Some(portal) = portals.iter().find(|p| p.origin == key.origin) else {
        return BarAnswer::Hidden;
    };
    let colour_name = identity_colour(
        portal
            .colour
            .as_deref()
            .and_then(super::config::Colour::from_name),
        key,
        isolated,
    );
    let (colour, ink) = css_colour(colour_name);
    let expires_ms = consoles
        .credentials_of(&key.id())
        .map(|live| live.expiry_ms)
        .filter(|expiry| *expiry > now_ms);
    let portal_name = super::menus::portal_label(portal);
    BarAnswer::Shown(BarView {
        who: key.label(),
        role: key.role.slug().to_owned(),
        colour: colour.to_owned(),
        ink: ink.to_owned(),
        expires_ms,
        texts: BarTexts::new(msg::IDENTITY_BAR_LABEL.with([key.label(), portal_name.clone()])),
        choices: choices(portal, key),
        portal: portal_name,
    })
}

/// Where the minutes go in [`BarTexts::minutes`].
pub const MINUTES_PLACEHOLDER: &str = "$1";

/// The tenants of `key`'s portal it may open the page as: favourites, recent, then by name,
/// at most [`BAR_CHOICES_AT_MOST`], never `key`'s own.
fn choices(portal: &PortalView, key: &ConsoleKey) -> Vec<BarChoice> {
    let own = match &key.role {
        Role::Tenant { id, .. } => Some(id),
        _ => None,
    };
    let tenants = portal.tenants.as_deref().unwrap_or_default();
    let (ranked, _) = tenant_list::ranked(tenants, "", BAR_CHOICES_AT_MOST + 1);
    ranked
        .into_iter()
        .filter(|t| Some(&t.id) != own)
        .take(BAR_CHOICES_AT_MOST)
        .map(|t| BarChoice {
            tenant_id: t.id.clone(),
            name: t.name.clone(),
        })
        .collect()
}

/// The identity "Open this page as…" opens, when `tenant_id` is one of the tenants of the
/// sender's portal (the list decides, not the message).
pub fn open_as_key(
    consoles: &Consoles,
    portals: &[PortalView],
    sender: BarSender,
    tenant_id: &TenantId,
) -> Option<ConsoleKey> {
    let own = key_of_sender(consoles, sender)?;
    let portal = portals.iter().find(|p| p.origin == own.origin)?;
    portal
        .tenants
        .iter()
        .flatten()
        .find(|t| t.id == *tenant_id)
        .map(|t| super::menus::tenant_key(&portal.origin, t))
        .filter(|k| k != own)
}

/// What the content script shows for the time left at `now_ms`, from the texts the worker
/// gave it: the same as [`super::expiry::expires_text`] (a native test holds them equal),
/// with "session ended" once expired. `bar.js` does exactly this.
pub fn countdown_text(texts: &BarTexts<String>, expires_ms: u64, now_ms: u64) -> String {
    let left = expires_ms.saturating_sub(now_ms);
    if left == 0 {
        texts.ended.clone()
    } else if left < 60_000 {
        texts.under_a_minute.clone()
    } else {
        texts
            .minutes
            .replace(MINUTES_PLACEHOLDER, &(left / 60_000).to_string())
    }
}

/// The CSS colour of a tab group (or container) colour name, and the ink that reads on it.
pub fn css_colour(name: &str) -> (&'static str, &'static str) {
    const DARK: &str = "#ffffff";
    const LIGHT: &str = "#202124";
    match name {
        "grey" | "toolbar" => ("#5f6368", DARK),
        "blue" => ("#1a73e8", DARK),
        "red" => ("#d93025", DARK),
        "yellow" => ("#f9ab00", LIGHT),
        "green" => ("#188038", DARK),
        "pink" => ("#d01884", DARK),
        "purple" => ("#9334e6", DARK),
        "cyan" | "turquoise" => ("#007b83", DARK),
        "orange" => ("#fa903e", LIGHT),
        _ => ("#5f6368", DARK),
    }
}

/// What each open bar shows that can change while it is open, by tab: its identity and
/// expiry.
pub type Shown = BTreeMap<TabId, (KeyId, Option<u64>)>;

/// What each open bar shows ([`Shown`]), or nothing when bars are off. The worker tells a
/// tab whose entry changed to ask again.
pub fn shown(enabled: bool, consoles: &Consoles) -> Shown {
    if !enabled {
        return BTreeMap::new();
    }
    consoles
        .tabs()
        .map(|(tab, key)| {
            let expiry = consoles.credentials_of(&key.id()).map(|c| c.expiry_ms);
            (tab, (key.id(), expiry))
        })
        .collect()
}

/// The tabs whose bar must ask again: those whose entry differs between `before` and `now`.
pub fn changed_tabs(before: &Shown, now: &Shown) -> Vec<TabId> {
    let mut tabs: Vec<TabId> = before
        .keys()
        .chain(now.keys())
        .copied()
        .filter(|tab| before.get(tab) != now.get(tab))
        .collect();
    tabs.sort_unstable();
    tabs.dedup();
    tabs
}

#[cfg(test)]
mod tests;
