//! Which tab the popup was opened over: its portal comes first in the popup.
//!
//! The worker decides it when the popup asks for its first state (the popup sends that
//! request while its own wasm module is still loading, so it cannot look at tabs itself).
//! The popup shown by the toolbar button has no tab of its own: the tab it was opened over
//! is the active tab of the focused window. The popup opened as a page (a tab of its own, as
//! keyboard users and the tests do) is itself that active tab: then the tab used just before
//! it counts.

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
