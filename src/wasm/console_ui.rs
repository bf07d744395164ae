//! The popup's console controls: a tenant's row, the administrator entries, the "More"
//! panel (built when opened), the one-time-code prompt, and what their buttons do.

use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::spawn_local;
use web_sys::{Element, HtmlInputElement, Node};

use super::browser::{localize, t, tf};
use super::client::ask;
use super::dom::{self, El};
use crate::core::aws::AwsService;
use crate::core::consoles::{Destination, OpenConsole};
use crate::core::copy::CopyFormat;
use crate::core::expiry;
use crate::core::identity::{ConsoleKey, Role};
use crate::core::kubernetes::KubeFormat;
use crate::core::messages::{PortalView, Request, Response, SessionView, TenantView};
use crate::core::portal_url::Origin;
use crate::core::text::msg;

/// The actions this module handles (`data-action` of its buttons).
pub const ACTIONS: &[&str] = &[
    "open",
    "more",
    "open-new",
    "refresh-creds",
    "renew-now",
    "keep-alive",
    "open-service",
    "open-arn",
    "copy",
    "copy-k8s",
    "otp-submit",
    "favourite",
];

/// Sets the attributes that name a console identity on a button.
fn keyed(button: El, key: &ConsoleKey) -> Result<El, JsValue> {
    let (id, name) = match &key.role {
        Role::Tenant { id, name } => (id.as_str(), name.as_str()),
        Role::Admin | Role::DuploOps => ("", ""),
    };
    button
        .attr("data-origin", key.origin.as_str())?
        .attr("data-role", key.role.slug())?
        .attr("data-id", id)?
        .attr("data-name", name)
}

/// The identity a button names.
fn key_of(button: &Element) -> Option<ConsoleKey> {
    let origin = button.get_attribute("data-origin")?;
    let role = Role::from_slug(&button.get_attribute("data-role")?, || {
        Some((
            button.get_attribute("data-id")?.into(),
            button.get_attribute("data-name")?,
        ))
    })?;
    Some(ConsoleKey {
        origin: Origin::from_text(&origin),
        role,
    })
}

fn action_button(action: &str, key: &ConsoleKey, label: &str, class: &str) -> Result<El, JsValue> {
    keyed(
        El::new("button")?
            .attr("type", "button")?
            .attr("class", class)?
            .attr("data-action", action)?,
        key,
    )?
    .text(label)
}

/// A tenant's row: its open button (named "Open AWS console as <name>"), the time left, the
/// console markers, and the "More" disclosure.
///
/// Rows are cloned from one prototype that holds what every row shares (element types,
/// classes, actions): the popup builds hundreds at once, and each attribute set is a call
/// into the browser, so only what differs per tenant is set.
pub fn tenant_item(origin: &str, tenant: &TenantView, now_ms: u64) -> Result<El, JsValue> {
    let li: Element = ROW_PROTOTYPES
        .with(|prototypes| -> Result<Node, JsValue> {
            let mut prototypes = prototypes.borrow_mut();
            let prototype = match prototypes.get(origin) {
                Some(row) => row.clone(),
                None => {
                    let row = row_prototype(origin)?;
                    prototypes.insert(origin.to_owned(), row.clone());
                    row
                }
            };
            prototype.clone_node_with_deep(true)
        })?
        .dyn_into()?;
    let row = li
        .first_element_child()
        .ok_or_else(|| JsValue::from_str("row without its parts"))?;
    let part = |index: u32| {
        row.children()
            .item(index)
            .ok_or_else(|| JsValue::from_str("row without its parts"))
    };
    let (star, open, state, more) = (part(0)?, part(1)?, part(2)?, part(3)?);
    let name = tenant.name.as_str();
    li.set_attribute("data-name", &crate::util::fold(name))?;
    // Which row this is, for the popup's morphing re-render and its row cache.
    li.set_attribute("data-key", &format!("{origin}|{}", tenant.id))?;
    for button in [&star, &open, &more] {
        button.set_attribute("data-id", tenant.id.as_str())?;
        button.set_attribute("data-name", name)?;
    }
    let pinned = tenant.favourite.is_some();
    star.set_text_content(Some(if pinned { "★" } else { "☆" }));
    star.set_attribute("aria-label", &tf(msg::FAVOURITE, &[name]))?;
    star.set_attribute("aria-pressed", if pinned { "true" } else { "false" })?;
    open.set_text_content(Some(name));
    open.set_attribute("aria-label", &tf(msg::OPEN_CONSOLE_AS, &[name]))?;
    more.set_attribute("aria-label", &tf(msg::MORE_FOR, &[name]))?;
    if tenant.keep_alive {
        more.set_attribute("data-keep-alive", "")?;
    }
    if let Some(text) = tenant
        .expires_ms
        .and_then(|e| expiry::expires_text(e, now_ms))
    {
        let expires = El::new("span")?
            .attr("class", "expires")?
            .text(&localize(&text))?;
        state.append_child(&expires.0)?;
    }
    let marker = if tenant.holds_console {
        Some(
            El::new("span")?
                .attr("class", "marker holder")?
                .text(&t(msg::HOLDS_CONSOLE))?,
        )
    } else if tenant.console_open {
        Some(
            El::new("span")?
                .attr("class", "marker")?
                .text(&t(msg::CONSOLE_OPEN))?,
        )
    } else {
        None
    };
    if let Some(marker) = marker {
        state.append_child(&marker.0)?;
    }
    Ok(El(li))
}

thread_local! {
    /// The rows tenant rows are cloned from ([`tenant_item`]), by portal origin.
    static ROW_PROTOTYPES: std::cell::RefCell<std::collections::BTreeMap<String, Node>> =
        std::cell::RefCell::default();
}

/// What every tenant row of the portal at `origin` shares; [`tenant_item`] fills in the
/// tenant.
fn row_prototype(origin: &str) -> Result<Node, JsValue> {
    let button = |action: &str, class: &str| {
        El::new("button")?
            .attr("type", "button")?
            .attr("class", class)?
            .attr("data-action", action)?
            .attr("data-origin", origin)?
            .attr("data-role", "tenant")
    };
    let li = El::new("li")?
        .child(
            El::new("div")?
                .attr("class", "tenant-row")?
                .child(button("favourite", "star")?)?
                .child(button("open", "tenant-open")?)?
                .child(El::new("span")?.attr("class", "tenant-state")?)?
                .child(button("more", "more secondary")?.attr("aria-expanded", "false")?)?,
        )?
        .child(
            El::new("div")?
                .attr("class", "more-panel")?
                .attr("hidden", "")?,
        )?;
    Ok(li.0.into())
}

/// The administrator (and duplo-ops) entries of a portal, where offered.
pub fn role_entries(portal: &PortalView) -> Result<Option<El>, JsValue> {
    let SessionView::Active {
        admin_jit,
        duplo_ops,
        otp_needed,
        ..
    } = &portal.session
    else {
        return Ok(None);
    };
    if !admin_jit && !duplo_ops {
        return Ok(None);
    }
    let mut row = El::new("div")?.attr("class", "roles")?;
    for (offered, role, label) in [
        (*admin_jit, Role::Admin, msg::OPEN_CONSOLE_AS_ADMIN),
        (*duplo_ops, Role::DuploOps, msg::OPEN_CONSOLE_AS_DUPLO_OPS),
    ] {
        if offered {
            let key = ConsoleKey {
                origin: portal.origin.clone(),
                role,
            };
            row = row.child(
                action_button("open", &key, &t(label), "secondary")?
                    .attr("data-otp", if *otp_needed { "true" } else { "" })?,
            )?;
        }
    }
    Ok(Some(row.child(
        El::new("div")?.attr("class", "otp")?.attr("hidden", "")?,
    )?))
}

fn services() -> Result<El, JsValue> {
    let mut select = El::new("select")?.attr("class", "service")?;
    for service in AwsService::ALL {
        select = select.child(
            El::new("option")?
                .attr("value", service.name())?
                .text(service.label())?,
        )?;
    }
    Ok(select)
}

/// The "More" panel of one identity.
fn more_panel(key: &ConsoleKey, suffix: &str, keep_alive: bool) -> Result<Vec<El>, JsValue> {
    let name = key.label();
    let mut children = vec![
        action_button(
            "open-new",
            key,
            &tf(msg::OPEN_NEW_TAB, &[&name]),
            "secondary",
        )?,
        action_button(
            "refresh-creds",
            key,
            &tf(msg::REFRESH_CREDENTIALS, &[&name]),
            "secondary",
        )?,
        action_button("renew-now", key, &tf(msg::RENEW_NOW, &[&name]), "secondary")?,
        action_button(
            "keep-alive",
            key,
            &tf(msg::KEEP_ALIVE, &[&name]),
            "secondary toggle",
        )?
        .attr("aria-pressed", if keep_alive { "true" } else { "false" })?,
        El::new("div")?
            .attr("class", "inline")?
            .child(dom::labelled(
                &format!("service-{suffix}"),
                &t(msg::SERVICE_LABEL),
                services()?,
            )?)?
            .child(dom::labelled(
                &format!("region-{suffix}"),
                &t(msg::REGION_LABEL),
                El::new("input")?
                    .attr("type", "text")?
                    .attr("class", "region")?
                    .attr("placeholder", "us-west-2")?
                    .attr("spellcheck", "false")?,
            )?)?
            .child(action_button(
                "open-service",
                key,
                &tf(msg::OPEN_SERVICE, &[&name]),
                "secondary",
            )?)?,
        El::new("div")?
            .attr("class", "inline")?
            .child(dom::labelled(
                &format!("arn-{suffix}"),
                &t(msg::ARN_LABEL),
                El::new("input")?
                    .attr("type", "text")?
                    .attr("class", "arn")?
                    .attr("placeholder", "arn:aws:s3:::my-bucket")?
                    .attr("spellcheck", "false")?,
            )?)?
            .child(action_button(
                "open-arn",
                key,
                &tf(msg::OPEN_ARN, &[&name]),
                "secondary",
            )?)?,
    ];
    let mut copies = El::new("div")?.attr("class", "copies")?;
    for format in CopyFormat::all() {
        let label = t(format.label());
        copies = copies.child(
            action_button("copy", key, &label, "secondary")?
                .attr("data-format", format.name())?
                .attr("aria-label", &tf(msg::COPY_AS, &[&label, &name]))?,
        )?;
    }
    children.push(copies);
    if KUBERNETES.with(|k| k.borrow().get(&key.id()).copied()) == Some(true) {
        children.push(kubernetes_copies(key)?);
    }
    Ok(children)
}

/// The Kubernetes copy buttons of a tenant whose portal offers Kubernetes JIT access.
fn kubernetes_copies(key: &ConsoleKey) -> Result<El, JsValue> {
    let name = key.label();
    let mut copies = El::new("div")?
        .attr("class", "copies kubernetes")?
        .attr("role", "group")?
        .attr("aria-label", &t(msg::KUBERNETES_HEADING))?
        .child(
            El::new("span")?
                .attr("class", "hint")?
                .text(&t(msg::KUBERNETES_HEADING))?,
        )?;
    for format in KubeFormat::all() {
        let label = t(format.label());
        copies = copies.child(
            action_button("copy-k8s", key, &label, "secondary")?
                .attr("data-format", format.name())?
                .attr("aria-label", &tf(msg::COPY_AS, &[&label, &name]))?,
        )?;
    }
    Ok(copies)
}

thread_local! {
    /// Whether each tenant (by key id) has Kubernetes, as the worker said when its More
    /// panel was first opened: a re-render rebuilds open panels at once from it.
    static KUBERNETES: std::cell::RefCell<std::collections::BTreeMap<crate::core::identity::KeyId, bool>> =
        std::cell::RefCell::default();
}

/// Asks the worker whether the tenant of `key` has Kubernetes, the first time its panel
/// opens, and adds the copy buttons to `panel` when it has.
fn ask_kubernetes(panel: &Element, key: &ConsoleKey) {
    if !matches!(key.role, Role::Tenant { .. })
        || KUBERNETES.with(|k| k.borrow().contains_key(&key.id()))
    {
        return;
    }
    let (panel, key) = (panel.clone(), key.clone());
    spawn_local(async move {
        let response = ask(&Request::TenantFeatures { key: key.clone() }).await;
        let Response::TenantFeatures { kubernetes, .. } = response else {
            return;
        };
        KUBERNETES.with(|k| k.borrow_mut().insert(key.id(), kubernetes));
        // The panel may have been rebuilt meanwhile (with the buttons, now that it is known).
        let present = panel.query_selector(".kubernetes").ok().flatten().is_some();
        if kubernetes && panel.is_connected() && !present {
            dom::report(
                kubernetes_copies(&key).and_then(|copies| panel.append_child(&copies.0).map(drop)),
            );
        }
    });
}

/// The value of the control with `class` inside the same row/panel as `button`.
fn sibling_value(button: &Element, container: &str, class: &str) -> Option<String> {
    let scope = button.closest(container).ok().flatten()?;
    let control = scope.query_selector(&format!(".{class}")).ok().flatten()?;
    if let Some(input) = control.dyn_ref::<HtmlInputElement>() {
        return Some(input.value());
    }
    control
        .dyn_ref::<web_sys::HtmlSelectElement>()
        .map(|s| s.value())
}

/// Runs a console action of `button`. `new_tab` is a modifier key held during the click.
pub fn on_click(action: &str, button: &Element, new_tab: bool) -> Result<(), JsValue> {
    let Some(key) = key_of(button) else {
        return Ok(());
    };
    let open = |destination: Destination,
                new_tab: bool,
                otp: Option<crate::core::secret::Secret>| Request::OpenConsole {
        open: OpenConsole {
            key: key.clone(),
            destination,
            new_tab,
        },
        otp,
        make_room: false,
    };
    let request = match action {
        "open" if button.get_attribute("data-otp").as_deref() == Some("true") => {
            return show_otp_prompt(button, &key, new_tab);
        }
        "open" => open(Destination::Home, new_tab, None),
        "otp-submit" => {
            let code = sibling_value(button, ".otp", "otp-code").unwrap_or_default();
            open(
                Destination::Home,
                button.get_attribute("data-new-tab").is_some(),
                Some(code.trim().into()),
            )
        }
        "more" => return toggle_more(button, &key),
        "open-new" => open(Destination::Home, true, None),
        "renew-now" => Request::RenewNow { key: key.clone() },
        "favourite" => Request::SetFavourite {
            key: key.clone(),
            favourite: button.get_attribute("aria-pressed").as_deref() != Some("true"),
        },
        "keep-alive" => Request::SetKeepAlive {
            key: key.clone(),
            keep: button.get_attribute("aria-pressed").as_deref() != Some("true"),
        },
        "refresh-creds" => Request::RefreshCredentials {
            key: key.clone(),
            otp: None,
        },
        "open-service" => {
            let service = sibling_value(button, ".more-panel", "service").unwrap_or_default();
            let region = sibling_value(button, ".more-panel", "region")
                .map(|r| r.trim().to_owned())
                .filter(|r| !r.is_empty());
            open(Destination::Service { service, region }, true, None)
        }
        "open-arn" => {
            let arn = sibling_value(button, ".more-panel", "arn").unwrap_or_default();
            open(
                Destination::Arn {
                    arn: arn.trim().to_owned(),
                },
                true,
                None,
            )
        }
        "copy" => {
            let Some(format) = button
                .get_attribute("data-format")
                .as_deref()
                .and_then(CopyFormat::from_name)
            else {
                return Ok(());
            };
            Request::CopyCredentials {
                key: key.clone(),
                format,
                otp: None,
            }
        }
        "copy-k8s" => {
            let Some(format) = button
                .get_attribute("data-format")
                .as_deref()
                .and_then(KubeFormat::from_name)
            else {
                return Ok(());
            };
            Request::CopyKubernetes {
                key: key.clone(),
                format,
            }
        }
        _ => return Ok(()),
    };
    let label = button.text_content().unwrap_or_default();
    let name = key.label();
    spawn_local(async move {
        let response = ask(&request).await;
        dom::report(answered(response, &label, &name, &request).await);
    });
    Ok(())
}

async fn answered(
    response: Response,
    label: &str,
    name: &str,
    request: &Request,
) -> Result<(), JsValue> {
    match response {
        Response::Error { message, .. } if message.name == msg::MULTI_SESSION_FULL.name => {
            show_make_room_offer(&message, request)
        }
        Response::Error { message, .. } => {
            dom::show_message("popup-alert", Some(&localize(&message)))
        }
        Response::Copied { text, .. } => {
            let clipboard = web_sys::window()
                .ok_or_else(|| JsValue::from_str("no window"))?
                .navigator()
                .clipboard();
            match wasm_bindgen_futures::JsFuture::from(clipboard.write_text(text.expose())).await {
                Ok(_) => {
                    dom::show_message("popup-alert", None)?;
                    dom::by_id("popup-status")?
                        .set_text_content(Some(&tf(msg::COPIED, &[label, name])));
                    Ok(())
                }
                Err(_) => dom::show_message("popup-alert", Some(&t(msg::COPY_FAILED))),
            }
        }
        Response::State(_) | Response::Exported { .. } | Response::TenantFeatures { .. } => {
            dom::show_message("popup-alert", None)
        }
    }
}

/// AWS's multi-session console is full: offers to sign out of the session the worker named
/// (`message`: whose, then whom to open) and open the console after all, or to cancel. The
/// offer sits beside the rendered list, so a re-render does not take it away.
fn show_make_room_offer(
    message: &crate::core::text::UserText,
    request: &Request,
) -> Result<(), JsValue> {
    let Request::OpenConsole { open, otp, .. } = request else {
        return Ok(());
    };
    let accept = Request::OpenConsole {
        open: open.clone(),
        otp: otp.clone(),
        make_room: true,
    };
    let document = dom::document()?;
    if let Some(old) = document.get_element_by_id("make-room") {
        old.remove();
    }
    let args: Vec<&str> = message.args.iter().map(String::as_str).collect();
    let yes = El::new("button")?
        .attr("type", "button")?
        .text(&tf(msg::MULTI_SESSION_MAKE_ROOM, &args))?
        .0;
    let no = El::new("button")?
        .attr("type", "button")?
        .attr("class", "secondary")?
        .text(&t(msg::CANCEL))?
        .0;
    let offer = El::new("div")?
        .attr("id", "make-room")?
        .attr("role", "alertdialog")?
        .attr("aria-labelledby", "make-room-text")?
        .child(
            El::new("p")?
                .attr("id", "make-room-text")?
                .text(&localize(message))?,
        )?
        .child(
            El::new("div")?
                .attr("class", "inline")?
                .child(El(yes.clone()))?
                .child(El(no.clone()))?,
        )?;
    document
        .body()
        .ok_or_else(|| JsValue::from_str("no body"))?
        .append_child(&offer.0)?;
    let name = open.key.label();
    dom::on(&yes, "click", move |_| {
        if let Ok(Some(offer)) = dom::document().map(|d| d.get_element_by_id("make-room")) {
            offer.remove();
        }
        let (accept, name) = (accept.clone(), name.clone());
        spawn_local(async move {
            let response = ask(&accept).await;
            dom::report(answered(response, "", &name, &accept).await);
        });
    })?;
    dom::on(&no, "click", |_| {
        if let Ok(Some(offer)) = dom::document().map(|d| d.get_element_by_id("make-room")) {
            offer.remove();
        }
    })?;
    yes.dyn_ref::<web_sys::HtmlElement>()
        .map_or(Ok(()), web_sys::HtmlElement::focus)
}

fn toggle_more(button: &Element, key: &ConsoleKey) -> Result<(), JsValue> {
    let Some(item) = button.closest("li").ok().flatten() else {
        return Ok(());
    };
    let Some(panel) = item.query_selector(".more-panel")? else {
        return Ok(());
    };
    let open = button.get_attribute("aria-expanded").as_deref() == Some("true");
    if !open && panel.child_element_count() == 0 {
        let suffix = format!("{:x}", crate::util::fnv1a(key.id().as_str()));
        let keep_alive = button.get_attribute("data-keep-alive").is_some();
        dom::replace_children(&panel, more_panel(key, &suffix, keep_alive)?)?;
    }
    if !open {
        ask_kubernetes(&panel, key);
    }
    button.set_attribute("aria-expanded", if open { "false" } else { "true" })?;
    if open {
        panel.set_attribute("hidden", "")
    } else {
        panel.remove_attribute("hidden")
    }
}

fn show_otp_prompt(button: &Element, key: &ConsoleKey, new_tab: bool) -> Result<(), JsValue> {
    let Some(row) = button.closest(".roles").ok().flatten() else {
        return Ok(());
    };
    let Some(prompt) = row.query_selector(".otp")? else {
        return Ok(());
    };
    // The origin is the worker's own `https://host[:port]`.
    let host = key
        .origin
        .as_str()
        .split_once("://")
        .map_or("", |(_, host)| host);
    let id = format!("otp-{:x}", crate::util::fnv1a(key.id().as_str()));
    let mut submit = action_button("otp-submit", key, &t(msg::OTP_SUBMIT), "")?;
    if new_tab {
        submit = submit.attr("data-new-tab", "")?;
    }
    dom::replace_children(
        &prompt,
        [
            El::new("p")?
                .attr("class", "hint")?
                .text(&tf(msg::OTP_REQUIRED, &[host]))?,
            dom::labelled(
                &id,
                &tf(msg::OTP_LABEL, &[host]),
                El::new("input")?
                    .attr("type", "text")?
                    .attr("class", "otp-code")?
                    .attr("inputmode", "numeric")?
                    .attr("autocomplete", "one-time-code")?,
            )?,
            submit,
        ],
    )?;
    prompt.remove_attribute("hidden")?;
    if let Some(input) = dom::document()?
        .get_element_by_id(&id)
        .and_then(|e| e.dyn_into::<HtmlInputElement>().ok())
    {
        input.focus()?;
    }
    Ok(())
}

/// What the user had open or typed in the popup, kept across a re-render.
#[derive(Default)]
pub struct Snapshot {
    /// Expanded "More" panels: (origin, button label).
    expanded: Vec<(String, String)>,
    /// Open one-time-code prompts: (origin, role).
    otp: Vec<(String, String)>,
    /// Values of fields with an id.
    values: Vec<(String, String)>,
    /// The status line.
    status: Option<String>,
}

fn each(main: &Element, selector: &str, mut visit: impl FnMut(Element)) -> Result<(), JsValue> {
    let found = main.query_selector_all(selector)?;
    for i in 0..found.length() {
        if let Some(element) = found.item(i).and_then(|n| n.dyn_into::<Element>().ok()) {
            visit(element);
        }
    }
    Ok(())
}

/// Records what a re-render would lose.
pub fn snapshot(main: &Element) -> Result<Snapshot, JsValue> {
    let mut snap = Snapshot::default();
    each(main, "button[data-action=more][aria-expanded=true]", |b| {
        if let (Some(origin), Some(label)) = (
            b.get_attribute("data-origin"),
            b.get_attribute("aria-label"),
        ) {
            snap.expanded.push((origin, label));
        }
    })?;
    each(
        main,
        ".otp:not([hidden]) button[data-action=otp-submit]",
        |b| {
            if let (Some(origin), Some(role)) =
                (b.get_attribute("data-origin"), b.get_attribute("data-role"))
            {
                snap.otp.push((origin, role));
            }
        },
    )?;
    each(main, "input[id], select[id]", |e| {
        let value = e
            .dyn_ref::<HtmlInputElement>()
            .map(HtmlInputElement::value)
            .or_else(|| {
                e.dyn_ref::<web_sys::HtmlSelectElement>()
                    .map(web_sys::HtmlSelectElement::value)
            });
        if let Some(value) = value {
            snap.values.push((e.id(), value));
        }
    })?;
    snap.status = dom::by_id("popup-status")
        .ok()
        .and_then(|s| s.text_content())
        .filter(|s| !s.is_empty());
    Ok(snap)
}

/// Puts back what [`snapshot`] recorded.
pub fn restore(main: &Element, snap: &Snapshot) -> Result<(), JsValue> {
    for (origin, label) in &snap.expanded {
        let selector = format!(
            "button[data-action=more]{}{}",
            dom::attr_selector("data-origin", origin),
            dom::attr_selector("aria-label", label)
        );
        if let Some(button) = main.query_selector(&selector)? {
            if let Some(key) = key_of(&button) {
                toggle_more(&button, &key)?;
            }
        }
    }
    for (origin, role) in &snap.otp {
        let selector = format!(
            "button[data-action=open][data-otp=true]{}{}",
            dom::attr_selector("data-origin", origin),
            dom::attr_selector("data-role", role)
        );
        if let Some(button) = main.query_selector(&selector)? {
            if let Some(key) = key_of(&button) {
                show_otp_prompt(&button, &key, false)?;
            }
        }
    }
    for (id, value) in &snap.values {
        if let Some(element) = dom::document()?.get_element_by_id(id) {
            if let Some(input) = element.dyn_ref::<HtmlInputElement>() {
                input.set_value(value);
            } else if let Some(select) = element.dyn_ref::<web_sys::HtmlSelectElement>() {
                select.set_value(value);
            }
        }
    }
    if let Some(status) = &snap.status {
        dom::by_id("popup-status")?.set_text_content(Some(status));
    }
    Ok(())
}
