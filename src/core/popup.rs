//! The popup's own decisions: which tab it was opened over (its portal comes first), and
//! what it asks the worker for when it opens.
//!
//! The worker decides it when the popup asks for its first state (the popup sends that
//! request while its own wasm module is still loading, so it cannot look at tabs itself).
//! The popup shown by the toolbar button has no tab of its own: the tab it was opened over
//! is the active tab of the focused window. The popup opened as a page (a tab of its own, as
//! keyboard users and the tests do) is itself that active tab: then the tab used just before
//! it counts.

use super::messages::{PortalView, Request, SessionView};
use super::portal_url::Origin;
use super::session::TabId;

/// A tab as the browser lists it.
#[derive(Debug, Clone, PartialEq)]
pub struct OpenTab {
    /// Its id.
    pub id: TabId,
    /// Its address, when the browser shows it to us.
    pub url: Option<String>,
    /// When it was last the active tab (`lastAccessed`, milliseconds since the epoch).
    pub last_accessed_ms: f64,
}

/// The popup asking: its own tab (when it is opened as a page) and its page's address
/// (`chrome-extension://<id>/popup.html`), so that neither it nor another copy of it counts.
#[derive(Debug, Clone, Copy)]
pub struct Asker<'a> {
    /// The popup's own tab, if it has one.
    pub tab: Option<TabId>,
    /// The popup page's address, without query or fragment.
    pub page: &'a str,
}

impl Asker<'_> {
    fn is_popup(&self, tab: &OpenTab) -> bool {
        let page = |url: &str| url.split(['?', '#']).next().unwrap_or_default().to_owned();
        self.tab == Some(tab.id) || tab.url.as_deref().is_some_and(|u| page(u) == self.page)
    }
}

/// The context among the active tabs of the focused window, if one of them is not the popup.
/// None: ask for every tab and take [`most_recent`].
pub fn among_active<'t>(active: &'t [OpenTab], asker: Asker<'_>) -> Option<&'t OpenTab> {
    active.iter().find(|t| !asker.is_popup(t))
}

/// The tab used last that is not the popup: the context of a popup opened as a page.
pub fn most_recent<'t>(all: &'t [OpenTab], asker: Asker<'_>) -> Option<&'t OpenTab> {
    all.iter()
        .filter(|t| !asker.is_popup(t))
        .max_by(|a, b| a.last_accessed_ms.total_cmp(&b.last_accessed_ms))
}

/// What opening the popup asks for `portal`, stale while revalidate: a signed-out portal is
/// signed in quietly where no page is needed (an API token, an open portal tab); a signed-in
/// one has its tenant list read again; one signing in already is left to it. Never a page:
/// only a person's click opens one (issue 15).
pub fn on_open(portal: &PortalView) -> Option<Request> {
    let origin = portal.origin.clone();
    match portal.session {
        SessionView::SignedOut => Some(Request::SignInQuietly { origin }),
        SessionView::Active { .. } => Some(Request::Refresh { origin }),
        SessionView::SigningIn => None,
    }
}

/// The order the popup shows portals in, as indexes into `portals`: the portal of the tab
/// in use (`active`) first, then the others in the person's order.
pub fn portal_order(portals: &[PortalView], active: Option<&Origin>) -> Vec<usize> {
    let mut order: Vec<usize> = (0..portals.len()).collect();
    order.sort_by_key(|i| Some(&portals[*i].origin) != active);
    order
}

/// Whether a portal's section starts folded: as the person last chose in this popup
/// (`chosen`), else folded when the tab in use belongs to another portal.
pub fn folded(portal: &PortalView, active: Option<&Origin>, chosen: Option<bool>) -> bool {
    chosen.unwrap_or_else(|| active.is_some_and(|a| *a != portal.origin))
}

#[cfg(test)]
mod tests {
    use super::*;

    const POPUP: &str = "chrome-extension://abc/popup.html";

    fn tab(id: TabId, url: &str, last: f64) -> OpenTab {
        OpenTab {
            id,
            url: Some(url.into()),
            last_accessed_ms: last,
        }
    }

    #[test]
    fn opening_the_popup_revalidates_and_signs_in_quietly_never_with_a_page() {
        let view = |session| PortalView {
            session,
            ..crate::core::menus::tests::portal("acme.duplocloud.net", &[])
        };
        let origin = || Origin::from_text("https://acme.duplocloud.net");
        assert_eq!(
            on_open(&view(SessionView::SignedOut)),
            Some(Request::SignInQuietly { origin: origin() })
        );
        assert_eq!(on_open(&view(SessionView::SigningIn)), None);
        let active = SessionView::Active {
            username: "alice@acme.io".into(),
            is_admin: false,
            admin_jit: false,
            duplo_ops: false,
            otp_needed: false,
        };
        assert_eq!(
            on_open(&view(active)),
            Some(Request::Refresh { origin: origin() })
        );
    }

    #[test]
    fn the_portal_in_use_comes_first_and_open_the_others_folded_unless_chosen() {
        use crate::core::menus::tests::portal;
        let portals = [
            portal("a.duplocloud.net", &[]),
            portal("b.duplocloud.net", &[]),
            portal("c.duplocloud.net", &[]),
        ];
        let b_origin = Origin::from("https://b.duplocloud.net");
        let b = Some(&b_origin);
        assert_eq!(portal_order(&portals, b), [1, 0, 2]);
        assert_eq!(portal_order(&portals, None), [0, 1, 2]);
        assert!(!folded(&portals[1], b, None));
        assert!(folded(&portals[0], b, None));
        assert!(
            !folded(&portals[0], b, Some(false)),
            "the person unfolded it"
        );
        assert!(folded(&portals[1], b, Some(true)), "the person folded it");
        assert!(
            !folded(&portals[0], None, None),
            "no portal in use: all open"
        );
    }

    #[test]
    fn the_toolbar_popup_is_over_the_active_tab() {
        let active = [tab(7, "https://acme.duplocloud.net/app/", 5.0)];
        let asker = Asker {
            tab: None,
            page: POPUP,
        };
        assert_eq!(among_active(&active, asker).map(|t| t.id), Some(7));
    }

    #[test]
    fn a_popup_opened_as_a_page_is_over_the_tab_used_before_it() {
        let own = tab(9, "chrome-extension://abc/popup.html?x#y", 10.0);
        let asker = Asker {
            tab: Some(9),
            page: POPUP,
        };
        assert_eq!(among_active(std::slice::from_ref(&own), asker), None);
        let all = [
            tab(3, "https://old.example/", 1.0),
            own.clone(),
            tab(4, "https://acme.duplocloud.net/app/", 8.0),
            // Another copy of the popup (no tab id given for it) is not a context either.
            tab(5, POPUP, 9.0),
        ];
        assert_eq!(most_recent(&all, asker).map(|t| t.id), Some(4));
    }

    #[test]
    fn no_other_tab_means_no_context() {
        let asker = Asker {
            tab: Some(1),
            page: POPUP,
        };
        assert_eq!(most_recent(&[tab(1, POPUP, 1.0)], asker), None);
        assert_eq!(most_recent(&[], asker), None);
    }
}
