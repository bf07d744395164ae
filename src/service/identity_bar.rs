//! The identity bar's requests (issue 19): a content script on a console tab asks what its
//! bar shows, to renew its tab's identity, or to open its tab's page as another tenant.
//! The sender is untrusted (the console page's renderer): every request is about the tab
//! the browser says sent it, decided by [`crate::core::identity_bar`], and no answer holds a
//! secret.

use super::{Platform, Service};
use crate::core::consoles::{Destination, OpenConsole};
use crate::core::identity_bar::{self, BarAnswer, BarRequest, BarSender};
use crate::core::portal_url::Origin;

/// Whether bars were on, and what each was last told it shows, by tab.
pub(super) type Shown = (bool, identity_bar::Shown);

impl<P: Platform> Service<P> {
    /// Runs a request of the identity bar in `sender`'s tab. Renewing and opening answer
    /// with the bar's view, as a question would.
    pub async fn handle_bar(&self, request: BarRequest, sender: BarSender) -> BarAnswer {
        let Ok(config) = self.load().await else {
            return BarAnswer::Hidden;
        };
        if !config.settings.identity_bar {
            return BarAnswer::Hidden;
        }
        let own = self.with_consoles(|c| identity_bar::key_of_sender(c, sender).cloned());
        let Some(own) = own else {
            return BarAnswer::Hidden;
        };
        match request {
            BarRequest::GetIdentityBar => {}
            BarRequest::IdentityBarRenew => {
                let before = self.footprint();
                self.renew(&own, true).await;
                if self.footprint() != before {
                    self.schedule().await;
                }
            }
            BarRequest::IdentityBarOpenAs { tenant_id } => {
                let portals = self.portal_view(&own.origin).await;
                let chosen = self
                    .with_consoles(|c| identity_bar::open_as_key(c, &portals, sender, &tenant_id));
                // The page the browser says the tab shows, not one the message names.
                let page = self.platform.tab_info(sender.tab_id).await.map(|t| t.url);
                if let (Some(key), Some(url)) = (chosen, page) {
                    let before = self.footprint();
                    let open = OpenConsole {
                        key,
                        destination: Destination::Url { url },
                        new_tab: true,
                    };
                    // A failure is the popup's to show (the portal's error line). No page of
                    // ours is there to ask: at AWS's session limit room is made, and a
                    // notification says whom it signed out.
                    let _ = self.open_and_remember(open, None, true).await;
                    if self.footprint() != before {
                        self.schedule().await;
                        self.sync_menus().await;
                    }
                }
            }
        }
        self.bar_view(sender, &own.origin).await
    }

    /// What the bar of `sender`'s tab (an identity of the portal `origin`) shows now.
    async fn bar_view(&self, sender: BarSender, origin: &Origin) -> BarAnswer {
        let enabled = self
            .config
            .borrow()
            .as_ref()
            .is_some_and(|c| c.settings.identity_bar);
        let portals = self.portal_view(origin).await;
        let now = self.platform.now_ms();
        let isolated = self.platform.capabilities().isolates_identities();
        self.with_consoles(|c| {
            identity_bar::bar_answer(enabled, isolated, c, &portals, sender, now)
        })
    }

    /// Tells the bars whose identity or expiry changed (or all of them, when they were
    /// turned on or off) to ask again.
    pub(super) async fn tell_bars(&self, enabled: bool) {
        let now = self.with_consoles(|c| identity_bar::shown(enabled, c));
        let before = self.bars.borrow_mut().replace((enabled, now.clone()));
        let tabs = match before {
            Some((was, before)) if was == enabled => identity_bar::changed_tabs(&before, &now),
            // Turned on or off, or a new worker that does not know what the bars were told:
            // every console tab of ours asks again.
            _ => self.with_consoles(|c| c.tabs().map(|(tab, _)| tab).collect()),
        };
        for tab in tabs {
            self.platform.tell_bar(tab).await;
        }
    }
}
