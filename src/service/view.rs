//! What the pages are shown: each portal's tenant cache read (from memory or storage), then
//! the view built by the core ([`crate::core::view::state_view`]).

use super::{Platform, Service};
use crate::core::messages::StateView;
use crate::core::session::Sessions;
use crate::core::view;

impl<P: Platform> Service<P> {
    /// Everything the pages show. Holds no secret.
    pub(super) async fn state_view(&self) -> StateView {
        let config = self.config.borrow().clone().unwrap_or_default();
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
