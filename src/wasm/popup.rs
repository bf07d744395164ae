//! The toolbar popup: one region per portal with its session, problems and tenants.
//!
//! It shows the cached state at once, then asks the worker to refresh (stale while
//! revalidate) and re-renders whenever storage changes, keeping what the user typed in the
//! filter boxes and where the focus was. A render builds the page apart and morphs it into
//! the live one ([`dom::morph_children`]), so a button that shows the same tenant stays the
//! same node: a click is not lost to a refresh landing under the pointer. The portal of the
//! tab the popup was opened over comes first and open; the others can be folded. Keyboard:
//! ↓/↑ move between tenants (from the filter box into its list and back), Home/End jump,
//! Enter opens (with Ctrl, ⌘ or Shift in another tab), Enter in the filter box opens the
//! best match, Escape clears it.

use std::cell::RefCell;
use std::collections::BTreeMap;

use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::spawn_local;
use web_sys::HtmlInputElement;

use super::bindings;
use super::browser::{self, localize, t, tf};
use super::client::ask;
use super::console_ui;
use super::dom::{self, by_id, El};
use crate::core::messages::{PortalView, Request, Response, SessionView, TenantView};
use crate::core::popup;
use crate::core::tenant_list;
use crate::core::text::{msg, Msg};

#[derive(Default)]
struct Popup {
    /// Filter text per portal origin.
    filters: BTreeMap<String, String>,
    /// A render is running; another was asked for meanwhile.
    rendering: bool,
    /// The answer last rendered, to skip identical renders.
    shown: Option<Response>,
    /// The state last rendered, to fill tenant lists as the user types.
    last: Option<crate::core::messages::StateView>,
    dirty: bool,
    /// The portal of the tab the popup was opened over, as the worker decided in its first
    /// answer (`Some(None)`: none); None until that answer came.
    context: Option<Option<String>>,
    /// Portals the user folded (true) or unfolded (false), by origin.
    folded: BTreeMap<String, bool>,
    /// Tenant rows built since the last render, by `origin|tenant id`.
    rows: BTreeMap<String, web_sys::Element>,
    /// How many pages of tenants ("Show 100 more") each portal shows for its filter.
    pages: BTreeMap<String, usize>,
}

thread_local! {
    static POPUP: RefCell<Popup> = RefCell::default();
}

/// Builds the popup, refreshes what is stale, and follows storage changes. `first` is the
/// promise of the answer to [`Request::GetPopupState`], which `popup.js` sent while this
/// module was loading (anything else: the popup asks again).
#[wasm_bindgen(js_name = startPopup)]
pub fn start_popup(first: JsValue) {
    dom::report(install_listeners());
    spawn_local(async move {
        let early = match first.dyn_into::<js_sys::Promise>() {
            Ok(answer) => wasm_bindgen_futures::JsFuture::from(answer).await.ok(),
            Err(_) => None,
        };
        let early = early.and_then(|answer| browser::from_js::<Response>(answer).ok());
        let first = match early {
            Some(response) => response,
            None => ask(&Request::GetPopupState { first_page: true }).await,
        };
        let context = first.state().active_origin.clone();
        dom::report(render(&first));
        POPUP.with(|p| {
            let mut p = p.borrow_mut();
            p.context = Some(context);
            p.shown = Some(first);
            // What changed meanwhile is in the render that follows.
            p.dirty = false;
        });
        // The whole tenant lists (the first answer held only what the first render shows).
        refresh().await;
        // Quietly sign in where no page is needed, and revalidate the tenant lists, from the
        // state just shown.
        let shown = POPUP.with(|p| p.borrow().last.clone());
        let state = match shown {
            Some(state) => state,
            None => ask(&Request::GetState).await.state().clone(),
        };
        for request in state.portals.iter().filter_map(popup::on_open) {
            spawn_local(async move {
                ask(&request).await;
            });
        }
    });
    // The time left is recomputed from absolute expiry times at every render.
    gloo_timers::callback::Interval::new(20_000, || spawn_local(tick())).forget();
    let on_change = Closure::<dyn FnMut()>::new(|| spawn_local(refresh()));
    match bindings::storage_on_changed() {
        Ok(event) => event.add_listener(on_change.as_ref().unchecked_ref()),
        Err(e) => browser::log(&e.to_string()),
    }
    // The popup owns its listener until it closes.
    on_change.forget();
}

/// Renders the worker's current state; coalesces bursts of storage changes into one render
/// after the running one, and skips a render when nothing shown changed.
async fn refresh() {
    render_state(false).await;
}

/// As [`refresh`], but renders even an unchanged state (the countdown moved on).
async fn tick() {
    render_state(true).await;
}

async fn render_state(force: bool) {
    let busy = POPUP.with(|p| {
        let mut p = p.borrow_mut();
        // Before the first answer there is nothing to render again: that answer comes next.
        if p.rendering || p.context.is_none() {
            p.dirty = true;
            return true;
        }
        p.rendering = true;
        false
    });
    if busy {
        return;
    }
    loop {
        let context = POPUP.with(|p| p.borrow().context.clone().flatten());
        let response = ask(&Request::GetStateFor {
            tab_id: None,
            url: context,
            first_page: false,
        })
        .await;
        let unchanged = !force && POPUP.with(|p| p.borrow().shown.as_ref() == Some(&response));
        if !unchanged {
            dom::report(render(&response));
            POPUP.with(|p| p.borrow_mut().shown = Some(response));
        }
        let again = POPUP.with(|p| std::mem::take(&mut p.borrow_mut().dirty));
        if !again {
            break;
        }
    }
    POPUP.with(|p| p.borrow_mut().rendering = false);
}

/// The tenant open buttons of the list `list` (an `ul.tenants`), in order.
fn open_buttons(list: &web_sys::Element) -> Vec<web_sys::HtmlElement> {
    let Ok(nodes) = list.query_selector_all("button.tenant-open") else {
        return Vec::new();
    };
    (0..nodes.length())
        .filter_map(|i| nodes.item(i))
        .filter_map(|n| n.dyn_into::<web_sys::HtmlElement>().ok())
        .collect()
}

/// Arrow keys, Home/End, Enter and Escape in the filter boxes and tenant lists.
fn on_key(event: &web_sys::KeyboardEvent) -> Result<(), JsValue> {
    let Some(target) = event
        .target()
        .and_then(|t| t.dyn_into::<web_sys::Element>().ok())
    else {
        return Ok(());
    };
    let key = event.key();
    let modifier = event.ctrl_key() || event.meta_key() || event.shift_key();
    let Some(block) = target.closest(".tenant-block")? else {
        return Ok(());
    };
    let Some(list) = block.query_selector("ul.tenants")? else {
        return Ok(());
    };
    let buttons = open_buttons(&list);
    let in_filter = target.matches("input[type=search]")?;
    let filter = block
        .query_selector("input[type=search]")?
        .and_then(|f| f.dyn_into::<HtmlInputElement>().ok());
    if in_filter {
        match key.as_str() {
            "ArrowDown" => {
                if let Some(first) = buttons.first() {
                    event.prevent_default();
                    first.focus()?;
                }
            }
            "Enter" => {
                event.prevent_default();
                if let Some(first) = buttons.first() {
                    console_ui::on_click("open", first, modifier)?;
                }
            }
            "Escape" => {
                if let Some(filter) = filter.filter(|f| !f.value().is_empty()) {
                    // Clears the filter instead of closing the popup.
                    event.prevent_default();
                    filter.set_value("");
                    let origin = filter.get_attribute("data-origin").unwrap_or_default();
                    POPUP.with(|p| p.borrow_mut().filters.remove(&origin));
                    apply_filter(&origin, "")?;
                }
            }
            _ => {}
        }
        return Ok(());
    }
    if !target.matches("button.tenant-open")? {
        return Ok(());
    }
    let at = buttons
        .iter()
        .position(|b| b.is_same_node(Some(target.as_ref())));
    let Some(at) = at else {
        return Ok(());
    };
    let next = match key.as_str() {
        "ArrowDown" => buttons.get(at + 1),
        "ArrowUp" if at == 0 => {
            if let Some(filter) = filter {
                event.prevent_default();
                filter.focus()?;
            }
            return Ok(());
        }
        "ArrowUp" => buttons.get(at - 1),
        "Home" => buttons.first(),
        "End" => buttons.last(),
        "Enter" if modifier => {
            event.prevent_default();
            return console_ui::on_click("open", &target, true);
        }
        _ => return Ok(()),
    };
    event.prevent_default();
    if let Some(next) = next {
        next.focus()?;
    }
    Ok(())
}

/// One delegated listener per event type on the page: buttons carry what they do in
/// `data-action` and `data-origin`.
fn install_listeners() -> Result<(), JsValue> {
    let main = by_id("app")?;
    dom::on(&main, "click", |event| {
        let Some(button) = event
            .target()
            .and_then(|t| t.dyn_into::<web_sys::Element>().ok())
            .and_then(|e| e.closest("button[data-action]").ok().flatten())
        else {
            return;
        };
        let action = button.get_attribute("data-action").unwrap_or_default();
        if console_ui::ACTIONS.contains(&action.as_str()) {
            let modifier = event
                .dyn_ref::<web_sys::MouseEvent>()
                .is_some_and(|m| m.ctrl_key() || m.meta_key() || m.shift_key());
            dom::report(console_ui::on_click(&action, &button, modifier));
            return;
        }
        let origin = button.get_attribute("data-origin").unwrap_or_default();
        let request = match Some(action.as_str()) {
            Some("sign-in") => Request::SignIn { origin },
            Some("sign-out") => Request::SignOut { origin },
            Some("retry") => Request::Refresh { origin },
            Some("show-more") => {
                POPUP.with(|p| *p.borrow_mut().pages.entry(origin.clone()).or_insert(1) += 1);
                dom::report(fill(&origin));
                return;
            }
            Some("fold") => {
                let open = button.get_attribute("aria-expanded").as_deref() == Some("true");
                POPUP.with(|p| p.borrow_mut().folded.insert(origin.clone(), open));
                dom::report(set_folded(&button, open));
                if !open {
                    dom::report(fill(&origin));
                }
                return;
            }
            Some("settings") => {
                spawn_local(async {
                    if let Ok(runtime) = bindings::runtime() {
                        if let Err(e) = runtime.open_options_page().await {
                            browser::log(&browser::BrowserError::from(e).to_string());
                        }
                    }
                });
                return;
            }
            _ => return,
        };
        spawn_local(async move {
            let response = ask(&request).await;
            if let Response::Error { message, .. } = response {
                dom::report(dom::show_message("popup-alert", Some(&localize(&message))));
            }
        });
    })?;
    dom::on(&main, "keydown", |event| {
        if let Some(key) = event.dyn_ref::<web_sys::KeyboardEvent>() {
            dom::report(on_key(key));
        }
    })?;
    dom::on(&main, "input", |event| {
        let Some(input) = event
            .target()
            .and_then(|t| t.dyn_into::<HtmlInputElement>().ok())
        else {
            return;
        };
        let Some(origin) = input.get_attribute("data-origin") else {
            return;
        };
        let text = input.value();
        POPUP.with(|p| {
            let mut p = p.borrow_mut();
            p.filters.insert(origin.clone(), text.clone());
            // A new filter starts again from its first page.
            p.pages.remove(&origin);
        });
        dom::report(apply_filter(&origin, &text));
    })?;
    Ok(())
}

fn render(response: &Response) -> Result<(), JsValue> {
    dom::document()?.set_title(&t(msg::EXT_NAME));
    let main = by_id("app")?;
    // Where the focus was, to put it back after the rebuild.
    let focused = dom::document()?
        .active_element()
        .and_then(|e| e.get_attribute("id"));
    let kept = console_ui::snapshot(&main)?;
    let (state, error) = match response {
        Response::State(state)
        | Response::Copied { state, .. }
        | Response::Exported { state, .. }
        | Response::TenantFeatures { state, .. } => (state, None),
        Response::Error { message, state } => (state, Some(localize(message))),
    };
    let active = state.active_origin.as_deref();
    let folds: Vec<bool> = state
        .portals
        .iter()
        .map(|portal| {
            let chosen = POPUP.with(|p| p.borrow().folded.get(&portal.origin).copied());
            popup::folded(portal, active, chosen)
        })
        .collect();
    let mut children = vec![El::new("h1")?.text(&t(msg::EXT_NAME))?];
    let mut alert = El::new("p")?
        .attr("id", "popup-alert")?
        .attr("role", "alert")?;
    match &error {
        Some(text) => alert = alert.text(text)?,
        None => alert = alert.attr("hidden", "")?,
    }
    children.push(alert);
    children.push(
        El::new("p")?
            .attr("id", "popup-status")?
            .attr("role", "status")?,
    );
    if state.portals.is_empty() && error.is_none() {
        children.push(
            El::new("p")?
                .attr("class", "empty")?
                .text(&t(msg::POPUP_NO_PORTALS))?,
        );
        children.push(action_button(msg::OPEN_SETTINGS, "settings", "", "")?);
    } else {
        for index in popup::portal_order(&state.portals, active) {
            let portal = &state.portals[index];
            let folded = folds[index];
            children.push(portal_region(index, portal, folded)?);
        }
        // AWS's multi-session console: how full it is (AWS allows five at once).
        for sessions in &state.aws_sessions {
            let partition = if sessions.partition == "aws" {
                String::new()
            } else {
                format!(" ({})", sessions.partition)
            };
            children.push(El::new("p")?.attr("class", "hint aws-sessions")?.text(&tf(
                msg::MULTI_SESSION_COUNT,
                &[&sessions.signed_in.to_string(), &partition],
            ))?);
        }
        children.push(El::new("footer")?.child(action_button(
            msg::SETTINGS_LINK,
            "settings",
            "",
            "secondary",
        )?)?);
    }
    // The new page is built apart, rows and all, then morphed into the live one: a node
    // that shows the same thing stays the same node (a click on it is not lost).
    let fresh = El::new("main")?;
    for child in children {
        fresh.0.append_child(&child.0)?;
    }
    POPUP.with(|p| {
        let mut p = p.borrow_mut();
        p.last = Some(state.clone());
        // The state changed: rows show it anew.
        p.rows.clear();
    });
    // A folded portal's rows are built when it is unfolded.
    for (portal, folded) in state.portals.iter().zip(folds) {
        if !folded {
            apply_filter_in(&fresh.0, &portal.origin, &filter_of(&portal.origin))?;
        }
    }
    dom::morph_children(&main, &fresh.0)?;
    // The rows in the page now are the ones the filter moves as the user types.
    let rows = main.query_selector_all("ul.tenants > li[data-key]")?;
    POPUP.with(|p| {
        let mut p = p.borrow_mut();
        p.rows.clear();
        for index in 0..rows.length() {
            if let Some(row) = rows
                .item(index)
                .and_then(|n| n.dyn_into::<web_sys::Element>().ok())
            {
                if let Some(key) = row.get_attribute("data-key") {
                    p.rows.insert(key, row);
                }
            }
        }
    });
    console_ui::restore(&main, &kept)?;
    if let Some(id) = focused {
        if let Ok(element) = by_id(&id) {
            if let Some(element) = element.dyn_ref::<web_sys::HtmlElement>() {
                element.focus()?;
            }
        }
    }
    dom::mark_ready(&main)
}

fn action_button(label: Msg, action: &str, origin: &str, class: &str) -> Result<El, JsValue> {
    El::new("button")?
        .attr("type", "button")?
        .attr("class", class)?
        .attr("data-action", action)?
        .attr("data-origin", origin)?
        .text(&t(label))
}

/// Folds or unfolds the portal section whose disclosure button is `button`.
fn set_folded(button: &web_sys::Element, folded: bool) -> Result<(), JsValue> {
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

fn portal_region(index: usize, portal: &PortalView, folded: bool) -> Result<El, JsValue> {
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

fn tenant_list(index: usize, portal: &PortalView) -> Result<El, JsValue> {
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

/// The filter the user typed in a portal's box.
fn filter_of(origin: &str) -> String {
    POPUP
        .with(|p| p.borrow().filters.get(origin).cloned())
        .unwrap_or_default()
}

/// Fills a portal's tenant list for the filter the user typed there.
fn fill(origin: &str) -> Result<(), JsValue> {
    apply_filter(origin, &filter_of(origin))
}

/// Fills a portal's tenant list in the page with the tenants matching `filter`.
fn apply_filter(origin: &str, filter: &str) -> Result<(), JsValue> {
    apply_filter_in(&by_id("app")?, origin, filter)
}

/// Fills a portal's tenant list under `root` with the tenants matching `filter` (at most a
/// page of them) and says how many match.
fn apply_filter_in(root: &web_sys::Element, origin: &str, filter: &str) -> Result<(), JsValue> {
    let selector = format!(
        "input[type=search]{}",
        dom::attr_selector("data-origin", origin)
    );
    let Some(input) = root.query_selector(&selector)? else {
        return Ok(());
    };
    let part = |id: String| {
        root.query_selector(&format!("#{id}"))?
            .ok_or_else(|| JsValue::from_str(&format!("no #{id}")))
    };
    let index = input.get_attribute("data-index").unwrap_or_default();
    // Ranked inside the borrow: only the page shown is copied out, not the whole list.
    let page = POPUP.with(|p| {
        let p = p.borrow();
        let pages = p.pages.get(origin).copied().unwrap_or(1);
        let tenants = p
            .last
            .as_ref()?
            .portals
            .iter()
            .find(|p| p.origin == origin)?
            .tenants
            .as_ref()?;
        let (shown, mut total) = tenant_list::matching(tenants, filter, pages);
        // Until the whole list is here, the first page knows how many there are in all.
        let portal = p
            .last
            .as_ref()?
            .portals
            .iter()
            .find(|p| p.origin == origin)?;
        if let (Some(all), true) = (portal.tenants_total, filter.trim().is_empty()) {
            total = all;
        }
        let shown: Vec<TenantView> = shown.into_iter().cloned().collect();
        Some((shown, total, tenants.is_empty()))
    });
    let Some((shown, total, none)) = page else {
        return Ok(());
    };
    let now = js_sys::Date::now() as u64;
    let list = part(format!("tenants-{index}"))?;
    list.set_text_content(None);
    for tenant in &shown {
        // A row built since the last render is moved, not rebuilt: typing in the filter
        // reorders nodes, and an open "More" panel stays open.
        let key = format!("{origin}|{}", tenant.id);
        let cached = POPUP.with(|p| p.borrow().rows.get(&key).cloned());
        let row = match cached {
            Some(row) => row,
            None => {
                let row = console_ui::tenant_item(origin, tenant, now)?.0;
                POPUP.with(|p| p.borrow_mut().rows.insert(key, row.clone()));
                row
            }
        };
        list.append_child(&row)?;
    }
    let count = if none {
        Some(t(msg::NO_TENANTS))
    } else if total == 0 {
        Some(t(msg::NO_TENANT_MATCHES))
    } else if total > shown.len() {
        Some(tf(
            msg::TENANTS_SHOWN,
            &[&shown.len().to_string(), &total.to_string()],
        ))
    } else {
        None
    };
    dom::show_message_in(&part(format!("count-{index}"))?, count.as_deref())?;
    // Rendering a page at a time keeps the popup quick to open; the next page is a click
    // (or Enter) away, and typing narrows the list.
    let more = (total > shown.len()).then(|| {
        let next = (total - shown.len()).min(tenant_list::SHOWN_AT_MOST);
        tf(msg::SHOW_MORE, &[&next.to_string()])
    });
    dom::show_message_in(&part(format!("more-{index}"))?, more.as_deref())
}
