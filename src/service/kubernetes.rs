//! Kubernetes JIT access for a tenant (as `duplo-jit k8s`): whether the tenant has it, and
//! the kubeconfig or ExecCredential a person copies. The decisions are
//! [`crate::core::kubernetes`]'s; this performs the requests.
//!
//! Both answers are kept in the worker's memory only, never in storage: the access holds a
//! cluster token, and what the portal says about a tenant's features is cheap to ask again.
//! They go with the portal's session (sign-out, removal, forgetting everything).

use super::{Platform, Service};
use crate::core::config::Portal;
use crate::core::identity::{ConsoleKey, Role, TenantId};
use crate::core::kubernetes::{self, ClusterAccess, KubeAnswer, KubeFormat};
use crate::core::portal_api::{ApiRequest, Endpoint};
use crate::core::portal_url::Origin;
use crate::core::secret::Secret;
use crate::core::session::{Initiator, Waiting};
use crate::core::text::{msg, UserText};

/// Where a tenant's Kubernetes answers are kept: (portal origin, tenant id).
pub(super) type TenantSlot = (Origin, TenantId);

impl<P: Platform> Service<P> {
    /// Whether the tenant of `key` has Kubernetes, as its portal says. Asked when a person
    /// opens the tenant's More panel; without a portal session it is simply not known
    /// (`Ok(false)`), and nothing signs in for it: looking is not asking.
    pub(super) async fn kubernetes_enabled(
        &self,
        portal: &Portal,
        key: &ConsoleKey,
    ) -> Result<bool, UserText> {
        let Role::Tenant { id, .. } = &key.role else {
            return Ok(false);
        };
        let slot = (key.origin.clone(), id.clone());
        if let Some(known) = self.kube_enabled.borrow().get(&slot) {
            return Ok(*known);
        }
        let Some(token) = self.active_token(portal.url.origin()) else {
            return Ok(false);
        };
        let request = ApiRequest::new(
            portal.api_url(),
            &Endpoint::TenantFeatures(id.clone()),
            &token,
        );
        let reply = self.platform.fetch(&request).await;
        match kubernetes::parse_kubernetes_enabled(&reply) {
            Ok(enabled) => {
                self.kube_enabled.borrow_mut().insert(slot, enabled);
                Ok(enabled)
            }
            // Older portals without the features path, a 401 or a fault: not known, so not
            // offered; the person's next look asks again.
            Err(_) => Ok(false),
        }
    }

    /// The tenant's Kubernetes access as text in `format`: cached while it has
    /// [`kubernetes::REUSE_MARGIN_MS`] left, else asked of the portal (the current path,
    /// then the older one). A 401 starts the sign-in, as any person's action does.
    pub(super) async fn copy_kubernetes(
        &self,
        portal: &Portal,
        key: &ConsoleKey,
        format: KubeFormat,
    ) -> Result<Secret, UserText> {
        let host = portal.url.host();
        let Role::Tenant { id, name } = &key.role else {
            return Err(msg::K8S_NOT_ENABLED.with([key.label().as_str(), host]));
        };
        let expired = || msg::PORTAL_SESSION_EXPIRED.with([host]);
        let token = self.active_token(portal.url.origin()).ok_or_else(expired)?;
        let slot = (key.origin.clone(), id.clone());
        let now = self.platform.now_ms();
        let cached = self
            .kube_access
            .borrow()
            .get(&slot)
            .filter(|access| access.reusable(now))
            .cloned();
        let access = match cached {
            Some(access) => access,
            None => {
                let access = self
                    .fetch_kubernetes(portal, &token, id, name)
                    .await?
                    .ok_or_else(expired)?;
                self.kube_access.borrow_mut().insert(slot, access.clone());
                access
            }
        };
        Ok(kubernetes::format(
            format,
            &access,
            portal.display_name(),
            name,
        ))
    }

    /// One request for the access (following the portal to its older path); `Ok(None)`: the
    /// portal refused the token, and a sign-in started.
    async fn fetch_kubernetes(
        &self,
        portal: &Portal,
        token: &Secret,
        id: &TenantId,
        name: &str,
    ) -> Result<Option<ClusterAccess>, UserText> {
        let host = portal.url.host();
        let mut endpoint = Endpoint::TenantKubernetes(id.clone());
        loop {
            let request = ApiRequest::new(portal.api_url(), &endpoint, token);
            let reply = self.platform.fetch(&request).await;
            let now = self.platform.now_ms();
            match kubernetes::read(&endpoint, &reply, now, name, host) {
                KubeAnswer::Ask(other) => endpoint = other,
                KubeAnswer::Access(access) => return Ok(Some(access)),
                KubeAnswer::Unauthorized => {
                    // Nothing to resume after it: the clipboard takes a person's click.
                    self.unauthorized(portal, token, Waiting::RefreshTenants, Initiator::Person)
                        .await;
                    return Ok(None);
                }
                KubeAnswer::Refused(text) => return Err(text),
            }
        }
    }

    /// Forgets what is known about the Kubernetes access of `origin`'s tenants.
    pub(super) fn forget_kubernetes(&self, origin: &Origin) {
        self.kube_access
            .borrow_mut()
            .retain(|(o, _), _| o != origin);
        self.kube_enabled
            .borrow_mut()
            .retain(|(o, _), _| o != origin);
    }
}
