//! A portal's region of the popup: its heading (folding), session, problems, the
//! administrator entries and the tenant list's frame.

use wasm_bindgen::prelude::*;

use super::POPUP;
use crate::core::messages::{PortalView, SessionView};
use crate::core::text::{msg, Msg};
use crate::wasm::browser::{localize, t, tf};
use crate::wasm::console_ui;
use crate::wasm::dom::{by_id, El};

pub(super) fn action_button(
    label: Msg,
    action: &str,
    origin: &str,
    class: &str,
) -> Result<El, JsValue> {
    El::new("button")?
        .attr("type", "button")?
        .attr("class", class)?
        .attr("data-action", action)?
        .attr("data-origin", origin)?
        .text(&t(label))
}

/// Folds or unfolds the portal section whose disclosure button is `button`.
pub(super) fn set_folded(button: &web_sys::Element, folded: bool) -> Result<(), JsValue> {
    button.set_attribute("aria-expanded", if folded { "false" } else { "true" })?;
    if let Some(id) = button.get_attribute("aria-controls") {
        let body = by_id(&id)?;
        if folded {
            body.set_attribute("hidden", "")?;
        } else {
            body.remove_attribute("hidden")?;
        }
    }
    Ok(())
}

pub(super) fn portal_region(
    index: usize,
    portal: &PortalView,
    folded: bool,
) -> Result<El, JsValue> {
    let host = portal.host.as_str();
    let origin = portal.origin.as_str();
    let shown_name = portal.name.as_deref().unwrap_or(host);
    let body_id = format!("portal-body-{index}");
    let mut heading = El::new("h2")?.child(
        El::new("button")?
            .attr("type", "button")?
            .attr("class", "fold")?
            .attr("data-action", "fold")?
            .attr("data-origin", origin)?
            .attr("aria-expanded", if folded { "false" } else { "true" })?
            .attr("aria-controls", &body_id)?
            // Named by the portal alone (the ▸/▾ marker is decoration).
            .attr("aria-label", shown_name)?
            .attr("title", &tf(msg::SHOW_PORTAL, &[shown_name]))?
            .text(shown_name)?,
    )?;
    if portal.name.is_some() {
        heading = heading.child(El::new("span")?.attr("class", "host-note")?.text(host)?)?;
    }
    if portal.managed {
        heading = heading.child(
            El::new("span")?
                .attr("class", "badge managed")?
                .text(&t(msg::MANAGED_BADGE))?,
        )?;
    }
    let mut class = String::from("portal");
    if let Some(colour) = &portal.colour {
        class.push_str(" colour-");
        class.push_str(colour);
    }
    let section = El::new("section")?
        .attr("class", &class)?
        .attr("aria-label", host)?
        .attr("data-origin", origin)?
        .child(heading)?;
    let mut region = El::new("div")?.attr("id", &body_id)?;
    if folded {
        region = region.attr("hidden", "")?;
    }
    region = match &portal.session {
        SessionView::SignedOut => region.child(
            El::new("button")?
                .attr("type", "button")?
                .attr("id", &format!("sign-in-{index}"))?
                .attr("data-action", "sign-in")?
                .attr("data-origin", origin)?
                .text(&tf(msg::SIGN_IN, &[host]))?,
        )?,
        SessionView::SigningIn => region
            .child(
                El::new("p")?
                    .attr("class", "mode")?
                    .attr("role", "status")?
                    .text(&t(msg::SIGNING_IN))?,
            )?
            .child(action_button(
                msg::SHOW_SIGN_IN_TAB,
                "sign-in",
                origin,
                "secondary",
            )?)?,
        SessionView::Active {
            username, is_admin, ..
        } => {
            let mut who = El::new("p")?
                .attr("class", "mode")?
                .text(&tf(msg::SIGNED_IN_AS, &[username]))?;
            if *is_admin {
                who = who.text(" · ")?.child(
                    El::new("span")?
                        .attr("class", "badge")?
                        .text(&t(msg::ADMINISTRATOR))?,
                )?;
            }
            region.child(
                El::new("div")?
                    .attr("class", "session-row")?
                    .child(who)?
                    .child(
                        El::new("button")?
                            .attr("type", "button")?
                            .attr("class", "link")?
                            .attr("data-action", "sign-out")?
                            .attr("data-origin", origin)?
                            .attr("aria-label", &tf(msg::SIGN_OUT, &[host]))?
                            .text(&t(msg::SIGN_OUT_LABEL))?,
                    )?,
            )?
        }
    };
    if let Some(error) = &portal.error {
        let retry = match portal.session {
            SessionView::Active { .. } => "retry",
            _ => "sign-in",
        };
        region = region.child(
            El::new("div")?
                .attr("class", "problem")?
                .child(
                    El::new("p")?
                        .attr("role", "alert")?
                        .text(&localize(error))?,
                )?
                .child(action_button(msg::RETRY, retry, origin, "secondary")?)?,
        )?;
    }
    if let Some(roles) = console_ui::role_entries(portal)? {
        region = region.child(roles)?;
    }
    match (&portal.tenants, &portal.session) {
        (Some(_), _) => region = region.child(tenant_list(index, portal)?)?,
        (None, SessionView::Active { .. }) => {
            region = region.child(
                El::new("p")?
                    .attr("class", "empty")?
                    .text(&t(msg::LOADING_TENANTS))?,
            )?
        }
        (None, _) => {}
    }
    section.child(region)
}

pub(super) fn tenant_list(index: usize, portal: &PortalView) -> Result<El, JsValue> {
    let origin = portal.origin.as_str();
    let filter = POPUP
        .with(|p| p.borrow().filters.get(origin).cloned())
        .unwrap_or_default();
    let list = El::new("ul")?
        .attr("class", "tenants")?
        .attr("id", &format!("tenants-{index}"))?
        .attr("aria-label", &tf(msg::TENANTS_OF, &[&portal.host]))?;
    let block = El::new("div")?
        .attr("class", "tenant-block")?
        .child(
            El::new("input")?
                .attr("type", "search")?
                .attr("id", &format!("filter-{index}"))?
                .attr("data-origin", origin)?
                .attr("data-index", &index.to_string())?
                .attr("aria-label", &t(msg::FILTER_TENANTS))?
                .attr("placeholder", &t(msg::FILTER_TENANTS))?
                .attr("autocomplete", "off")?
                .attr("spellcheck", "false")?
                .attr("aria-describedby", &format!("keys-{index}"))?
                .attr("value", &filter)?,
        )?
        .child(
            El::new("p")?
                .attr("class", "hint keys")?
                .attr("id", &format!("keys-{index}"))?
                .text(&t(msg::POPUP_KEYS_HINT))?,
        )?
        .child(list)?
        .child(
            El::new("p")?
                .attr("class", "empty")?
                .attr("id", &format!("count-{index}"))?,
        )?
        .child(
            El::new("button")?
                .attr("type", "button")?
                .attr("class", "secondary show-more")?
                .attr("id", &format!("more-{index}"))?
                .attr("data-action", "show-more")?
                .attr("data-origin", origin)?
                .attr("hidden", "")?,
        )?;
    Ok(block)
}
