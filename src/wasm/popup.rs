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

#[path = "popup_filter.rs"]
mod filter;
#[path = "popup_keys.rs"]
mod keys;
#[path = "popup_portal.rs"]
mod portal;

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
use crate::core::messages::{Request, Response};
use crate::core::popup;
use crate::core::portal_url::Origin;
use crate::core::text::msg;
use filter::{apply_filter, apply_filter_in, fill, filter_of};
use keys::on_key;
use portal::{action_button, portal_region, set_folded};

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
        let context = first.state().active_origin.as_ref().map(Origin::to_string);
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

/// One delegated listener per event type on the page: buttons carry what they do in
/// `data-action` and `data-origin`.
fn install_listeners() -> Result<(), JsValue> {
    let main = by_id("app")?;
    dom::on(&main, "click", |event| {
        let Some(button) = dom::action_button(&event) else {
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
            Some("sign-in") => Request::SignIn {
                origin: Origin::from_text(&origin),
            },
            Some("sign-out") => Request::SignOut {
                origin: Origin::from_text(&origin),
            },
            Some("retry") => Request::Refresh {
                origin: Origin::from_text(&origin),
            },
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
    let active = state.active_origin.as_ref();
    let folds: Vec<bool> = state
        .portals
        .iter()
        .map(|portal| {
            let chosen = POPUP.with(|p| p.borrow().folded.get(portal.origin.as_str()).copied());
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
            let origin = portal.origin.as_str();
            apply_filter_in(&fresh.0, origin, &filter_of(origin))?;
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
