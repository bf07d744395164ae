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
pub(super) mod tests {
    use super::*;
    use crate::core::messages::SessionView;

    pub(crate) fn portal(host: &str, names: &[&str]) -> PortalView {
        PortalView {
            origin: Origin::from(format!("https://{host}").as_str()),
            host: host.into(),
            name: None,
            colour: None,
            managed: false,
            api_host: None,
            uses_api_token: false,
            session: SessionView::SignedOut,
            error: None,
            tenants: Some(
                names
                    .iter()
                    .map(|n| TenantView::quiet(&format!("id-{n}"), n))
                    .collect(),
            ),
            tenants_total: None,
        }
    }

    #[test]
    fn kubernetes_copies_are_on_every_tenant_page_and_take_the_pages_tenant() {
        let portals = [
            portal("a.duplocloud.net", &["dev01", "prod"]),
            portal("b.duplocloud.net", &["qa"]),
        ];
        let items = build(&portals);
        let kube: Vec<&MenuItem> = items.iter().filter(|i| i.id.starts_with("kube|")).collect();
        assert_eq!(
            kube.iter().map(|i| i.id.as_str()).collect::<Vec<_>>(),
            ["kube|kubeconfig", "kube|execCredential"]
        );
        for item in &kube {
            assert_eq!(item.parent_id, None);
            assert_eq!(item.contexts, ON_PAGE);
            assert_eq!(
                item.document_url_patterns.as_deref().unwrap(),
                [
                    "https://a.duplocloud.net/app/devops/*",
                    "https://b.duplocloud.net/app/devops/*"
                ]
            );
        }
        let click = |item: &str| MenuClick {
            item: item.into(),
            ..MenuClick::default()
        };
        assert_eq!(
            kubernetes_format(&click("kube|execCredential")),
            Some(KubeFormat::ExecCredential)
        );
        assert_eq!(kubernetes_format(&click("kube|yaml")), None);
        assert_eq!(kubernetes_format(&click("page|x")), None);

        let page = |url: &str| tenant_of_page(&portals, url);
        assert_eq!(
            page("https://b.duplocloud.net/app/devops/id-qa/services?x=1").unwrap(),
            tenant_key(
                &Origin::from("https://b.duplocloud.net"),
                &TenantView::quiet("id-qa", "qa")
            )
        );
        assert_eq!(
            page("https://a.duplocloud.net/app/devops/id-prod")
                .unwrap()
                .label(),
            "prod"
        );
        for url in [
            "https://a.duplocloud.net/app/devops/id-qa/services",
            "https://a.duplocloud.net/app/devops/",
            "https://a.duplocloud.net/app/other/id-dev01",
            "https://evil.example/app/devops/id-dev01",
            "http://a.duplocloud.net/app/devops/id-dev01",
            "not a url",
        ] {
            assert_eq!(page(url), Err(MenuError::NotATenantPage), "{url}");
        }
        assert!(build(&[]).is_empty());
    }

    #[test]
    fn one_portal_lists_tenants_under_the_parent() {
        let items = build(&[portal("a.duplocloud.net", &["dev01", "prod"])]);
        let page = &items[0];
        assert_eq!(page.id, "page|https://a.duplocloud.net|tenant:id-dev01");
        assert_eq!(
            page.document_url_patterns.as_deref().unwrap(),
            [
                "https://a.duplocloud.net/app/devops/id-dev01",
                "https://a.duplocloud.net/app/devops/id-dev01/*"
            ]
        );
        let open: Vec<_> = items
            .iter()
            .filter(|i| i.parent_id.as_deref() == Some("open"))
            .map(|i| i.title.english())
            .collect();
        assert_eq!(open, ["dev01", "prod"]);
        let same = items.iter().find(|i| i.id == "same").unwrap();
        assert!(same.document_url_patterns.is_some());
    }

    #[test]
    fn several_portals_get_a_level_each_and_long_lists_are_cut() {
        let names: Vec<String> = (0..40).map(|i| format!("t{i:02}")).collect();
        let refs: Vec<&str> = names.iter().map(String::as_str).collect();
        let items = build(&[
            portal("a.duplocloud.net", &refs),
            portal("b.duplocloud.net", &["x"]),
        ]);
        let level = "open-portal|https://a.duplocloud.net";
        let under: Vec<_> = items
            .iter()
            .filter(|i| i.parent_id.as_deref() == Some(level))
            .collect();
        assert_eq!(under.len(), MENU_TENANTS_AT_MOST + 1);
        let last = under.last().unwrap();
        assert!(!last.enabled);
        assert!(last.title.english().contains("15"), "{:?}", last.title);
        assert!(build(&[]).is_empty());
    }

    #[test]
    fn a_portal_with_more_tenants_than_page_items_gets_one_item_for_all_its_tenant_pages() {
        let names: Vec<String> = (0..=PAGE_ITEMS_AT_MOST)
            .map(|i| format!("t{i:04}"))
            .collect();
        let refs: Vec<&str> = names.iter().map(String::as_str).collect();
        let at_most = &refs[..PAGE_ITEMS_AT_MOST];
        let portals = [
            portal("a.duplocloud.net", &refs),
            portal("b.duplocloud.net", at_most),
        ];
        let items = build(&portals);
        let pages = |origin: &Origin| {
            items
                .iter()
                .filter(|i| i.id.starts_with("page") && i.id.contains(origin.as_str()))
                .collect::<Vec<_>>()
        };
        // Up to the limit, an item per tenant; beyond it, one for the portal.
        assert_eq!(
            pages(&Origin::from("https://b.duplocloud.net")).len(),
            PAGE_ITEMS_AT_MOST
        );
        let [many] = pages(&Origin::from("https://a.duplocloud.net"))[..] else {
            panic!("one item for a")
        };
        assert_eq!(many.id, "page-tenant|https://a.duplocloud.net");
        assert_eq!(
            many.title.english(),
            "Open AWS console as this page's tenant"
        );
        assert_eq!(
            many.document_url_patterns.as_deref().unwrap(),
            ["https://a.duplocloud.net/app/devops/*"]
        );
        // Its click opens the tenant of the page it was opened on, and nothing elsewhere.
        let on = |page_url: &str| {
            let action = click(&MenuClick {
                item: many.id.clone(),
                page_url: Some(page_url.into()),
                ..MenuClick::default()
            })
            .unwrap();
            assert_eq!(action.destination, Destination::Home);
            action
                .target
                .resolve(
                    &portals,
                    &MenuClick {
                        page_url: Some(page_url.into()),
                        ..MenuClick::default()
                    },
                )
                .map(|key| key.label())
        };
        assert_eq!(
            on("https://a.duplocloud.net/app/devops/id-t0150/services"),
            Ok("t0150".into())
        );
        assert_eq!(
            on("https://a.duplocloud.net/app/user/profile"),
            Err(MenuError::NotATenantPage)
        );
        assert_eq!(
            on("https://a.duplocloud.net/app/devops/id-gone"),
            Err(MenuError::NotATenantPage)
        );
        // A key whose tenant has left the list says so.
        assert_eq!(
            MenuTarget::Key(KeyId::from_text("https://a.duplocloud.net|tenant:id-gone"))
                .resolve(&portals, &MenuClick::default()),
            Err(MenuError::NotListed)
        );
    }

    #[test]
    fn hostile_tenant_ids_get_no_page_pattern() {
        let mut p = portal("a.duplocloud.net", &["x"]);
        p.tenants.as_mut().unwrap()[0].id = "*".into();
        let items = build(&[p]);
        assert!(items.iter().all(|i| !i.id.starts_with("page|")));
        assert_eq!(
            items.iter().filter(|i| i.id.starts_with("open|")).count(),
            1
        );
    }

    #[test]
    fn clicks_mean_what_their_item_says() {
        let key = "https://a.duplocloud.net|tenant:id-dev01";
        let action = click(&MenuClick {
            item: format!("open|{key}"),
            ..MenuClick::default()
        })
        .unwrap();
        assert_eq!(
            (action.target, action.destination),
            (MenuTarget::Key(KeyId::from_text(key)), Destination::Home)
        );
        let arn = "arn:aws:s3:::my-bucket";
        let on_selection = click(&MenuClick {
            item: format!("arn|{key}"),
            selection: Some(format!("  see {arn}, please ")),
            ..MenuClick::default()
        })
        .unwrap();
        assert_eq!(
            on_selection.destination,
            Destination::Arn { arn: arn.into() }
        );
        assert_eq!(
            click(&MenuClick {
                item: format!("arn|{key}"),
                selection: Some("no arn here".into()),
                ..MenuClick::default()
            }),
            Err(MenuError::NoArn)
        );
        let page = "https://us-west-2.console.aws.amazon.com/s3/buckets?region=us-west-2";
        let same = click(&MenuClick {
            item: format!("same|{key}"),
            tab_url: Some(page.into()),
            ..MenuClick::default()
        })
        .unwrap();
        assert_eq!(same.destination, Destination::Url { url: page.into() });
        assert!(same.new_tab);
        assert_eq!(
            click(&MenuClick {
                item: format!("same|{key}"),
                tab_url: Some("https://evil.example/console.aws.amazon.com/".into()),
                ..MenuClick::default()
            }),
            Err(MenuError::NotAConsolePage)
        );
        for item in [
            "open",
            "open-more|https://a",
            "bogus|x|tenant:y",
            "open|https://a|admin",
        ] {
            assert_eq!(
                click(&MenuClick {
                    item: item.into(),
                    ..MenuClick::default()
                }),
                Err(MenuError::NotAnAction),
                "{item}"
            );
        }
    }

    #[test]
    fn resolves_key_ids_against_the_lists() {
        let portals = [portal("a.duplocloud.net", &["dev01"])];
        let key = resolve(
            &portals,
            &KeyId::from_text("https://a.duplocloud.net|tenant:id-dev01"),
        )
        .unwrap();
        assert_eq!(key.label(), "dev01");
        assert_eq!(
            resolve(
                &portals,
                &KeyId::from_text("https://a.duplocloud.net|tenant:gone")
            ),
            None
        );
        assert_eq!(
            resolve(
                &portals,
                &KeyId::from_text("https://b.duplocloud.net|tenant:id-dev01")
            ),
            None
        );
    }
}
