//! The "More" panel of an identity, built when first opened: other tabs, renewal, a service
//! or ARN, the copies, and Kubernetes where the portal offers it.

use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::spawn_local;
use web_sys::Element;

use super::action_button;
use crate::core::aws::AwsService;
use crate::core::copy::CopyFormat;
use crate::core::identity::{ConsoleKey, Role};
use crate::core::kubernetes::KubeFormat;
use crate::core::messages::{Request, Response};
use crate::core::text::msg;
use crate::wasm::browser::{t, tf};
use crate::wasm::client::ask;
use crate::wasm::dom::{self, El};

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

pub(super) fn toggle_more(button: &Element, key: &ConsoleKey) -> Result<(), JsValue> {
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
