//! What the pages are shown: each portal's tenant cache read (from memory or storage), then
//! the view built by the core ([`crate::core::view::state_view`]).

use super::{Platform, Service};
use crate::core::config::Config;
use crate::core::messages::{PortalView, StateView};
use crate::core::portal_url::Origin;
use crate::core::session::Sessions;
use crate::core::view;

impl<P: Platform> Service<P> {
    /// Everything the pages show. Holds no secret.
    pub(super) async fn state_view(&self) -> StateView {
        let config = self.config.borrow().clone().unwrap_or_default();
        self.view_of(config).await
    }

    /// The view of one portal, `origin`'s (none when it is not configured): what the
    /// identity bar shows and offers, without building every portal's tenant list.
    pub(super) async fn portal_view(&self, origin: &Origin) -> Vec<PortalView> {
        let mut config = self.config.borrow().clone().unwrap_or_default();
        config.portals.retain(|p| p.url.origin() == origin);
        self.view_of(config).await.portals
    }

    /// The view of the portals of `config`.
    async fn view_of(&self, config: Config) -> StateView {
        // Read together: in a browser that has just started each storage answer is slow.
        let reads = config
            .portals
            .iter()
            .map(|portal| self.load_tenant_cache(portal.url.origin()));
        futures_util::future::join_all(reads).await;
        let caches = self.tenants.borrow();
        let now = self.platform.now_ms();
        let stored = self.sessions.borrow();
        let none = Sessions::default();
        let sessions = stored.as_ref().unwrap_or(&none);
        self.with_consoles(|consoles| {
            view::state_view(
                &config,
                sessions,
                consoles,
                |origin| caches.get(origin).map(|cache| cache.tenants.as_slice()),
                now,
            )
        })
    }
}
