//! The context menu ("Open console as tenant") as pure decisions: which items exist, and
//! what a click means. The worker applies them through the browser's APIs. (The omnibox
//! keyword is [`super::omnibox`].)
//!
//! Menu items (every id says what it does, so a click needs no other state):
//! - `page|<key id>`: "Open AWS console as <tenant>", shown only on that tenant's portal
//!   pages (`{portal}/app/devops/{TenantId}/...`, by `documentUrlPatterns`), first.
//!   A portal that lists more than [`PAGE_ITEMS_AT_MOST`] tenants gets one item instead,
//!   `page-tenant|<origin>`: "Open AWS console as this page's tenant", on all its tenant
//!   pages, the tenant read from the page at the click. (Each item is a browser call when
//!   the menu is rebuilt: 100,000 of them kept the worker busy for a minute.)
//! - `open` (parent) › `portal|<origin>` (only with several portals) › `open|<key id>`.
//! - `arn` (parent, on a selection or a link) › `arn|<key id>`: "Open this ARN as …".
//! - `same` (parent, on AWS console pages) › `same|<key id>`: "Open the same page as …".
//! - `kube|<format>`: "Copy this tenant's kubeconfig" / "… ExecCredential", on every
//!   tenant page of the portals (`{portal}/app/devops/*`); the tenant is the page's.
//!
//! The Kubernetes entries are on every tenant page, not only on those of tenants with
//! Kubernetes: Chrome's menus are fixed before they open (no `onShown`), and whether a
//! tenant has Kubernetes takes a request per tenant. A click on a tenant without it says so.
//!
//! Each portal lists at most [`MENU_TENANTS_AT_MOST`] tenants per submenu (favourites,
//! then recent, then by name) and says how many more the popup and the omnibox reach.

use super::arn;
use super::consoles::Destination;
use super::identity::{ConsoleKey, KeyId, Role};
use super::kubernetes::KubeFormat;
use super::messages::{PortalView, TenantView};
use super::portal_url::Origin;
use super::tenant_list;
use super::text::{msg, UserText};

/// The most tenants of one portal in each submenu.
pub const MENU_TENANTS_AT_MOST: usize = 25;

/// The most tenants of one portal with a page item of their own (named after the tenant);
/// beyond it the portal has one item for all its tenant pages.
pub const PAGE_ITEMS_AT_MOST: usize = 200;

/// The pages the "same page" entry appears on: the AWS console hosts of every partition.
pub const CONSOLE_PATTERNS: &[&str] = &[
    "https://console.aws.amazon.com/*",
    "https://*.console.aws.amazon.com/*",
    "https://console.amazonaws-us-gov.com/*",
    "https://*.console.amazonaws-us-gov.com/*",
    "https://console.amazonaws.cn/*",
    "https://*.console.amazonaws.cn/*",
];

/// One context menu item.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "camelCase")]
pub struct MenuItem {
    /// What it does (see the module documentation).
    pub id: String,
    /// The item it is under.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub parent_id: Option<String>,
    /// Its text.
    pub title: UserText,
    /// Where it appears (`page`, `selection`, `link`, `action`, ...).
    pub contexts: Vec<&'static str>,
    /// The pages it appears on, when not all.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub document_url_patterns: Option<Vec<String>>,
    /// Greyed out (an explanation, not an action).
    pub enabled: bool,
}

impl MenuItem {
    fn new(id: String, parent: Option<&str>, title: UserText, contexts: &[&'static str]) -> Self {
        Self {
            id,
            parent_id: parent.map(str::to_owned),
            title,
            contexts: contexts.to_vec(),
            document_url_patterns: None,
            enabled: true,
        }
    }
}

const EVERYWHERE: &[&str] = &["page", "frame", "link", "selection", "action"];
const ON_TEXT: &[&str] = &["selection", "link"];
const ON_PAGE: &[&str] = &["page", "frame"];

pub(super) fn tenant_key(origin: &Origin, tenant: &TenantView) -> ConsoleKey {
    ConsoleKey {
        origin: origin.to_owned(),
        role: Role::Tenant {
            id: tenant.id.clone(),
            name: tenant.name.clone(),
        },
    }
}

/// Whether a tenant id can go into a match pattern as it is (a hostile portal's ids must
/// not widen the pattern: `*` is a wildcard there).
fn pattern_safe(id: &str) -> bool {
    !id.is_empty()
        && id.len() <= 128
        && id
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'))
}

/// The whole menu for the portals as the pages see them.
pub fn build(portals: &[PortalView]) -> Vec<MenuItem> {
    let listed: Vec<&PortalView> = portals
        .iter()
        .filter(|p| p.tenants.as_ref().is_some_and(|t| !t.is_empty()))
        .collect();
    let mut items = Vec::new();
    for portal in &listed {
        let tenants = portal.tenants.as_deref().unwrap_or_default();
        if tenants.len() > PAGE_ITEMS_AT_MOST {
            let mut item = MenuItem::new(
                format!("page-tenant|{}", portal.origin),
                None,
                msg::MENU_OPEN_PAGE_TENANT.text(),
                ON_PAGE,
            );
            item.document_url_patterns = Some(vec![format!("{}/app/devops/*", portal.origin)]);
            items.push(item);
            continue;
        }
        for tenant in tenants {
            if !pattern_safe(tenant.id.as_str()) {
                continue;
            }
            let key = tenant_key(&portal.origin, tenant);
            let base = format!("{}/app/devops/{}", portal.origin, tenant.id);
            let mut item = MenuItem::new(
                format!("page|{}", key.id()),
                None,
                msg::OPEN_CONSOLE_AS.with([tenant.name.as_str()]),
                ON_PAGE,
            );
            item.document_url_patterns = Some(vec![base.clone(), format!("{base}/*")]);
            items.push(item);
        }
    }
    if listed.is_empty() {
        return items;
    }
    let tenant_pages: Vec<String> = listed
        .iter()
        .map(|p| format!("{}/app/devops/*", p.origin))
        .collect();
    for format in KubeFormat::all() {
        let title = match format {
            KubeFormat::Kubeconfig => msg::MENU_COPY_KUBECONFIG,
            KubeFormat::ExecCredential => msg::MENU_COPY_EXEC_CREDENTIAL,
        };
        let mut item = MenuItem::new(
            format!("kube|{}", format.name()),
            None,
            title.text(),
            ON_PAGE,
        );
        item.document_url_patterns = Some(tenant_pages.clone());
        items.push(item);
    }
    let several = listed.len() > 1;
    for (kind, title, contexts, patterns) in [
        ("open", msg::MENU_OPEN_AS, EVERYWHERE, None),
        ("arn", msg::MENU_ARN_AS, ON_TEXT, None),
        (
            "same",
            msg::MENU_SAME_PAGE_AS,
            ON_PAGE,
            Some(CONSOLE_PATTERNS),
        ),
    ] {
        let mut parent = MenuItem::new(kind.to_owned(), None, title.text(), contexts);
        parent.document_url_patterns =
            patterns.map(|p| p.iter().map(|s| (*s).to_owned()).collect());
        items.push(parent);
        for portal in &listed {
            let under = if several {
                let id = format!("{kind}-portal|{}", portal.origin);
                items.push(MenuItem::new(
                    id.clone(),
                    Some(kind),
                    UserText::plain(portal_label(portal)),
                    contexts,
                ));
                id
            } else {
                kind.to_owned()
            };
            let tenants = portal.tenants.as_deref().unwrap_or_default();
            let (shown, total) = tenant_list::ranked(tenants, "", MENU_TENANTS_AT_MOST);
            for tenant in shown {
                let key = tenant_key(&portal.origin, tenant);
                items.push(MenuItem::new(
                    format!("{kind}|{}", key.id()),
                    Some(&under),
                    UserText::plain(tenant.name.clone()),
                    contexts,
                ));
            }
            if total > MENU_TENANTS_AT_MOST {
                let mut more = MenuItem::new(
                    format!("{kind}-more|{}", portal.origin),
                    Some(&under),
                    msg::MENU_MORE_TENANTS.with([(total - MENU_TENANTS_AT_MOST).to_string()]),
                    contexts,
                );
                more.enabled = false;
                items.push(more);
            }
        }
    }
    items
}

pub(super) fn portal_label(portal: &PortalView) -> String {
    portal.name.clone().unwrap_or_else(|| portal.host.clone())
}

/// What the user right-clicked on, as the browser reports it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct MenuClick {
    /// The item's id.
    pub item: String,
    /// The page's address.
    pub page_url: Option<String>,
    /// The link's address, on a link.
    pub link_url: Option<String>,
    /// The selected text, on a selection.
    pub selection: Option<String>,
    /// The address of the tab the menu was opened in.
    pub tab_url: Option<String>,
    /// Ctrl/⌘ or Shift held (Chrome reports `modifiers`).
    pub new_tab: bool,
}

/// What a menu click asks for: the tenant is named by its key id, resolved against the
/// tenant lists by the worker (the menu may be older than the list).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MenuAction {
    /// Who to open as.
    pub target: MenuTarget,
    /// Where to land.
    pub destination: Destination,
    /// Open another tab even when one is open.
    pub new_tab: bool,
}

/// Who a menu click opens a console as.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum MenuTarget {
    /// The identity with this key.
    Key(KeyId),
    /// The tenant of the page the menu was opened on ([`tenant_of_page`]).
    PageTenant,
}

impl MenuTarget {
    /// The identity, from the portals' lists (the menu may be older than the lists).
    pub fn resolve(
        &self,
        portals: &[PortalView],
        click: &MenuClick,
    ) -> Result<ConsoleKey, MenuError> {
        match self {
            Self::Key(id) => resolve(portals, id).ok_or(MenuError::NotListed),
            Self::PageTenant => click
                .page_url
                .as_deref()
                .or(click.tab_url.as_deref())
                .ok_or(MenuError::NotATenantPage)
                .and_then(|url| tenant_of_page(portals, url)),
        }
    }
}

/// Why a menu click does nothing.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum MenuError {
    /// Not one of our items that acts (a parent, an explanation, an old id).
    NotAnAction,
    /// "Open this ARN as" on text or a link that holds no ARN.
    NoArn,
    /// "Open the same page as" on a page that is not an AWS console page.
    NotAConsolePage,
    /// A Kubernetes copy or "this page's tenant" on a page that is not one of a listed
    /// tenant's.
    NotATenantPage,
    /// The tenant is no longer in its portal's list (or the portal is gone).
    NotListed,
}

impl MenuError {
    /// The sentence the user reads (None: nothing worth saying).
    pub fn user_text(&self) -> Option<UserText> {
        match self {
            Self::NotAnAction => None,
            Self::NoArn => Some(msg::MENU_NO_ARN.text()),
            Self::NotAConsolePage => Some(msg::MENU_NOT_CONSOLE.text()),
            Self::NotATenantPage => Some(msg::MENU_NOT_TENANT_PAGE.text()),
            Self::NotListed => Some(msg::PORTAL_NOT_FOUND.text()),
        }
    }
}

/// What a click on menu item means.
pub fn click(click: &MenuClick) -> Result<MenuAction, MenuError> {
    let (kind, key_id) = click.item.split_once('|').ok_or(MenuError::NotAnAction)?;
    if kind == "page-tenant" {
        return Ok(MenuAction {
            target: MenuTarget::PageTenant,
            destination: Destination::Home,
            new_tab: click.new_tab,
        });
    }
    if !key_id.contains("|tenant:") {
        return Err(MenuError::NotAnAction);
    }
    let destination = match kind {
        "page" | "open" => Destination::Home,
        "arn" => {
            let text = [click.selection.as_deref(), click.link_url.as_deref()]
                .into_iter()
                .flatten()
                .find_map(|t| arn::Arn::find_in(t).map(|a| a.to_string()))
                .ok_or(MenuError::NoArn)?;
            Destination::Arn { arn: text }
        }
        "same" => {
            let url = click
                .tab_url
                .as_deref()
                .or(click.page_url.as_deref())
                .filter(|u| {
                    super::aws::Partition::ALL
                        .iter()
                        .any(|p| super::consoles::is_console_page(u, *p))
                })
                .ok_or(MenuError::NotAConsolePage)?;
            Destination::Url {
                url: url.to_owned(),
            }
        }
        _ => return Err(MenuError::NotAnAction),
    };
    Ok(MenuAction {
        target: MenuTarget::Key(KeyId::from_text(key_id)),
        destination,
        new_tab: click.new_tab || kind == "same",
    })
}

/// The format a Kubernetes copy item (`kube|<format>`) asks for; `None` for other items.
pub fn kubernetes_format(click: &MenuClick) -> Option<KubeFormat> {
    click
        .item
        .strip_prefix("kube|")
        .and_then(KubeFormat::from_name)
}

/// The tenant whose portal page `url` is (`{portal}/app/devops/{TenantId}[/...]`), from the
/// portals' lists.
pub fn tenant_of_page(portals: &[PortalView], url: &str) -> Result<ConsoleKey, MenuError> {
    let url = url::Url::parse(url).map_err(|_| MenuError::NotATenantPage)?;
    let origin = url.origin().ascii_serialization();
    let mut segments = url.path_segments().ok_or(MenuError::NotATenantPage)?;
    let (Some("app"), Some("devops"), Some(id)) =
        (segments.next(), segments.next(), segments.next())
    else {
        return Err(MenuError::NotATenantPage);
    };
    let portal = portals
        .iter()
        .find(|p| p.origin == origin.as_str())
        .ok_or(MenuError::NotATenantPage)?;
    portal
        .tenants
        .iter()
        .flatten()
        .find(|t| !id.is_empty() && t.id == id)
        .map(|t| tenant_key(&portal.origin, t))
        .ok_or(MenuError::NotATenantPage)
}

/// The tenant a key names, from the portals' lists.
pub fn resolve(portals: &[PortalView], key_id: &KeyId) -> Option<ConsoleKey> {
    let (origin, rest) = key_id.as_str().split_once('|')?;
    let id = rest.strip_prefix("tenant:")?;
    let portal = portals.iter().find(|p| p.origin == origin)?;
    let tenant = portal.tenants.as_ref()?.iter().find(|t| t.id == id)?;
    Some(tenant_key(&portal.origin, tenant))
}

#[cfg(test)]
pub(super) mod tests;
