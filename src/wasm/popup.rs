//! The toolbar popup: one region per portal with its session, problems and tenants.
//!
//! It shows the cached state at once, then asks the worker to refresh (stale while
//! revalidate) and re-renders whenever storage changes, keeping what the user typed in the
//! filter boxes and where the focus was.

use std::cell::RefCell;
use std::collections::BTreeMap;

use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::spawn_local;
use web_sys::HtmlInputElement;

use super::browser::{self, localize, t, tf};
use super::client::ask;
use super::console_ui;
use super::dom::{self, by_id, El};
use crate::core::messages::{PortalView, Request, Response, SessionView};
use crate::core::tenant_list;
use crate::core::text::{msg, Msg};

#[derive(Default)]
struct Popup {
    /// Filter text per portal origin.
    filters: BTreeMap<String, String>,
    /// A render is running; another was asked for meanwhile.
    rendering: bool,
    /// The state last rendered (its JSON), to skip identical renders.
    shown: Option<String>,
    /// The state last rendered, to fill tenant lists as the user types.
    last: Option<crate::core::messages::StateView>,
    dirty: bool,
}

thread_local! {
    static POPUP: RefCell<Popup> = RefCell::default();
}

/// Builds the popup, refreshes what is stale, and follows storage changes.
#[wasm_bindgen(js_name = startPopup)]
pub fn start_popup() {
    dom::report(install_listeners());
    spawn_local(async {
        refresh().await;
        // Quietly sign in where no page is needed, and revalidate the tenant lists, from the
        // state just shown (asked for again only if that render was coalesced away).
        let shown = POPUP.with(|p| p.borrow().last.clone());
        let state = match shown {
            Some(state) => state,
            None => ask(&Request::GetState).await.state().clone(),
        };
        for portal in state.portals {
            let request = match portal.session {
                SessionView::SignedOut => Request::SignInQuietly {
                    origin: portal.origin,
                },
                SessionView::Active { .. } => Request::Refresh {
                    origin: portal.origin,
                },
                SessionView::SigningIn => continue,
            };
            spawn_local(async move {
                ask(&request).await;
            });
        }
    });
    // The time left is recomputed from absolute expiry times at every render.
    let ticker = Closure::<dyn FnMut()>::new(|| spawn_local(tick()));
    if let Some(window) = web_sys::window() {
        let _ = window.set_interval_with_callback_and_timeout_and_arguments_0(
            ticker.as_ref().unchecked_ref(),
            20_000,
        );
    }
    ticker.forget();
    let on_change = Closure::<dyn FnMut()>::new(|| spawn_local(refresh()));
    match browser::storage_on_changed() {
        Ok(event) => event.add_listener(on_change.as_ref().unchecked_ref()),
        Err(e) => browser::log(&e.to_string()),
    }
    // The popup owns its listener until it closes.
    on_change.forget();
}

/// Renders the worker's current state; coalesces bursts of storage changes into one render
/// after the running one, and skips a render when nothing shown changed: every rebuild could
/// swallow a click that lands on a button being replaced.
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
        if p.rendering {
            p.dirty = true;
        }
        std::mem::replace(&mut p.rendering, true)
    });
    if busy {
        return;
    }
    loop {
        let response = ask(&Request::GetState).await;
        let shown = serde_json::to_string(&response).ok();
        let unchanged = !force && shown.is_some() && POPUP.with(|p| p.borrow().shown == shown);
        if !unchanged {
            dom::report(render(&response));
            POPUP.with(|p| p.borrow_mut().shown = shown);
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
            Some("settings") => {
                spawn_local(async {
                    if let Ok(runtime) = browser::runtime() {
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
        POPUP.with(|p| p.borrow_mut().filters.insert(origin.clone(), text.clone()));
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
        Response::State(state) | Response::Copied { state, .. } => (state, None),
        Response::Error { message, state } => (state, Some(localize(message))),
    };
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
        for (index, portal) in state.portals.iter().enumerate() {
            children.push(portal_region(index, portal)?);
        }
        children.push(El::new("footer")?.child(action_button(
            msg::SETTINGS_LINK,
            "settings",
            "",
            "secondary",
        )?)?);
    }
    dom::replace_children(&main, children)?;
    POPUP.with(|p| p.borrow_mut().last = Some(state.clone()));
    for portal in &state.portals {
        let filter = POPUP.with(|p| p.borrow().filters.get(&portal.origin).cloned());
        apply_filter(&portal.origin, &filter.unwrap_or_default())?;
    }
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

fn portal_region(index: usize, portal: &PortalView) -> Result<El, JsValue> {
    let host = portal.host.as_str();
    let origin = portal.origin.as_str();
    let mut region = El::new("section")?
        .attr("class", "portal")?
        .attr("aria-label", host)?
        .child(El::new("h2")?.text(host)?)?;
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
    Ok(region)
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
                .attr("value", &filter)?,
        )?
        .child(list)?
        .child(
            El::new("p")?
                .attr("class", "empty")?
                .attr("id", &format!("count-{index}"))?,
        )?;
    Ok(block)
}

/// Fills a portal's tenant list with the tenants matching `filter` (at most a page of them)
/// and says how many match.
fn apply_filter(origin: &str, filter: &str) -> Result<(), JsValue> {
    let document = dom::document()?;
    let selector = format!(
        "input[type=search]{}",
        dom::attr_selector("data-origin", origin)
    );
    let Some(input) = document.query_selector(&selector)? else {
        return Ok(());
    };
    let index = input.get_attribute("data-index").unwrap_or_default();
    let tenants = POPUP.with(|p| {
        p.borrow().last.as_ref().and_then(|s| {
            s.portals
                .iter()
                .find(|p| p.origin == origin)
                .and_then(|p| p.tenants.clone())
        })
    });
    let Some(tenants) = tenants else {
        return Ok(());
    };
    let (shown, total) = tenant_list::matching(&tenants, filter);
    let now = js_sys::Date::now() as u64;
    let items = shown
        .iter()
        .map(|tenant| console_ui::tenant_item(origin, tenant, now))
        .collect::<Result<Vec<_>, _>>()?;
    dom::replace_children(&by_id(&format!("tenants-{index}"))?, items)?;
    let count = if tenants.is_empty() {
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
    dom::show_message(&format!("count-{index}"), count.as_deref())
}
