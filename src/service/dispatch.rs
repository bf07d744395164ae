//! The one entry for a page's request: [`Service::handle`] runs it against the core and makes
//! the work it changed due.

use super::{find, Platform, Sender, Service};
use crate::core::config::Config;
use crate::core::consoles::Consoles;
use crate::core::messages::Request;
use crate::core::messages::Response;
use crate::core::messages::StateView;
use crate::core::portal_url::Origin;
use crate::core::secret::Secret;
use crate::core::session::Sessions;
use crate::core::tenant_list;
use crate::core::text::msg;

impl<P: Platform> Service<P> {
    /// Runs one request from a page.
    pub async fn handle(&self, request: Request, sender: Sender) -> Response {
        let config = match self.load().await {
            Ok(loaded) => loaded,
            Err(_) => {
                return Response::Error {
                    message: msg::STORAGE_FAILED.text(),
                    state: StateView::default(),
                }
            }
        };
        // Which work a request makes due is derived from what it changed (a copy can fetch
        // and store credentials, which then need their renewal alarm), not listed by hand.
        let before = self.footprint();
        let first_page = matches!(
            request,
            Request::GetStateFor {
                first_page: true,
                ..
            } | Request::GetPopupState { first_page: true }
        );
        let mut active_origin = None;
        let mut overview = false;
        // What some requests answer besides the state.
        let mut copied = None;
        let mut exported = None;
        let mut kubernetes = None;
        let outcome = match request {
            Request::GetState => Ok(()),
            Request::GetOverview => {
                overview = true;
                Ok(())
            }
            Request::GetStateFor { tab_id, url, .. } => {
                active_origin = self.portal_of_tab(&config, tab_id, url.as_deref());
                Ok(())
            }
            Request::GetPopupState { .. } => {
                active_origin = self.portal_under_popup(&config, sender).await;
                Ok(())
            }
            Request::EditPortal { origin, edit } => {
                let mut next = config.clone();
                match next.edit_portal(&origin, edit) {
                    Ok(()) => self.save_config(next).await,
                    Err(e) => Err(e.user_text()),
                }
            }
            Request::SetFavourite { key, favourite } => {
                let mut next = config.clone();
                next.set_favourite(&key.id(), favourite);
                self.save_config(next).await
            }
            Request::ExportConfig => {
                exported = Some(config.export());
                Ok(())
            }
            Request::ImportConfig { text } => match Config::import_json(&text) {
                Ok(imported) => {
                    let mut next = config.clone();
                    let moved = next.replace_with(imported);
                    let gone: Vec<Origin> = config
                        .portals
                        .iter()
                        .filter(|p| next.portal(p.url.origin()).is_none())
                        .map(|p| p.url.origin().clone())
                        .collect();
                    // A portal whose API answers elsewhere now (the file says so, not the
                    // person): its session token must not follow it there.
                    let rehosted: Vec<Origin> = config
                        .portals
                        .iter()
                        .filter(|p| {
                            next.portal(p.url.origin())
                                .is_some_and(|n| n.api_url() != p.api_url())
                        })
                        .map(|p| p.url.origin().clone())
                        .collect();
                    let saved = self.save_config(next).await;
                    if saved.is_ok() {
                        for origin in gone {
                            self.forget_portal(&origin).await;
                        }
                        for origin in rehosted {
                            self.forget_session(&origin).await;
                        }
                        // Told where the person will look: the portal's own line.
                        self.with_sessions(|s| {
                            for portal in &moved {
                                s.set_error(
                                    portal.url.origin(),
                                    Some(msg::API_TOKEN_DROPPED.with([portal.url.host()])),
                                );
                            }
                        });
                        // Stay signed in may have changed: the sessions go where it says.
                        self.save_sessions().await;
                    }
                    saved
                }
                Err(e) => Err(e.user_text()),
            },
            Request::ForgetEverything => self.forget_everything(&config).await,
            Request::AddPortal { url, api_token } => {
                let mut next = config.clone();
                match next.add_portal(&url, api_token.as_ref().map(Secret::expose)) {
                    Ok(_) => self.save_config(next).await,
                    Err(e) => Err(e.user_text()),
                }
            }
            Request::RemovePortal { origin } => {
                let mut next = config.clone();
                match next.remove_portal(&origin) {
                    Ok(()) => {
                        let saved = self.save_config(next).await;
                        if saved.is_ok() {
                            self.forget_portal(&origin).await;
                        }
                        saved
                    }
                    Err(e) => Err(e.user_text()),
                }
            }
            Request::SignIn { origin } => self.sign_in_request(&config, &origin, true).await,
            Request::SignInQuietly { origin } => {
                self.sign_in_request(&config, &origin, false).await
            }
            Request::SignOut { origin } => {
                self.forget_session(&origin).await;
                Ok(())
            }
            Request::Refresh { origin } => match find(&config, &origin) {
                Some(portal) => {
                    self.refresh_tenants(&portal).await;
                    Ok(())
                }
                None => Err(msg::PORTAL_NOT_FOUND.text()),
            },
            Request::OpenConsole {
                open,
                otp,
                make_room,
            } => self.open_and_remember(open, otp, make_room).await,
            Request::RefreshCredentials { key, otp } => match find(&config, &key.origin) {
                Some(portal) => self.refresh_credentials(&portal, key, otp).await,
                None => Err(msg::PORTAL_NOT_FOUND.text()),
            },
            Request::CopyCredentials { key, format, otp } => match find(&config, &key.origin) {
                Some(portal) => self
                    .copy_credentials(&portal, key, format, otp)
                    .await
                    .map(|text| copied = Some(text)),
                None => Err(msg::PORTAL_NOT_FOUND.text()),
            },
            Request::TenantFeatures { key } => match find(&config, &key.origin) {
                Some(portal) => self
                    .kubernetes_enabled(&portal, &key)
                    .await
                    .map(|enabled| kubernetes = Some(enabled)),
                None => Err(msg::PORTAL_NOT_FOUND.text()),
            },
            Request::CopyKubernetes { key, format } => match find(&config, &key.origin) {
                Some(portal) => self
                    .copy_kubernetes(&portal, &key, format)
                    .await
                    .map(|text| copied = Some(text)),
                None => Err(msg::PORTAL_NOT_FOUND.text()),
            },
            Request::RenewNow { key } => {
                self.renew(&key, true).await;
                Ok(())
            }
            Request::SetKeepAlive { key, keep } => {
                let mut settings = config.settings.clone();
                settings.keep_alive.retain(|id| *id != key.id());
                if keep {
                    settings.keep_alive.push(key.id());
                }
                self.set_settings(&config, settings).await
            }
            Request::SetSettings(settings) => self.set_settings(&config, settings).await,
            // Only the top document of the authorization tab: a frame inside it (an iframe on
            // the portal's page) can load the web-accessible hand-off page too.
            Request::Handoff { .. } if sender.frame_id != Some(0) => {
                Err(msg::HANDOFF_REFUSED.text())
            }
            Request::Handoff { url } => self.handoff(url.expose(), sender.tab_id).await,
        };
        if self.footprint() != before {
            self.schedule().await;
            self.sync_menus().await;
            // A portal removed (or everything forgotten, or a file imported): the host access
            // only it needed goes back.
            let now = self.config.borrow().clone().unwrap_or_default();
            for pattern in
                now.host_permissions_released(&config, crate::core::manifest::HOST_PERMISSIONS)
            {
                self.platform.remove_host_permission(&pattern).await;
            }
        }
        let mut state = self.state_view().await;
        state.active_origin = active_origin;
        for portal in &mut state.portals {
            if overview {
                portal.tenants_total = portal.tenants.take().map(|t| t.len());
            } else if let (true, Some(tenants)) = (first_page, &mut portal.tenants) {
                portal.tenants_total = tenant_list::keep_first_page(tenants);
            }
        }
        match (outcome, copied, exported, kubernetes) {
            (Err(message), ..) => Response::Error { message, state },
            (Ok(()), Some(text), ..) => Response::Copied { text, state },
            (Ok(()), None, Some(file), _) => Response::Exported { file, state },
            (Ok(()), None, None, Some(kubernetes)) => {
                Response::TenantFeatures { kubernetes, state }
            }
            (Ok(()), None, None, None) => Response::State(state),
        }
    }

    /// What the renewal schedule, the badge and the context menu are made from: a request
    /// that changed it makes them due ([`Self::handle`]).
    pub(super) fn footprint(&self) -> (Option<Config>, Option<Sessions>, Option<Consoles>) {
        (
            self.config.borrow().clone(),
            self.sessions.borrow().clone(),
            self.consoles.borrow().clone(),
        )
    }
}
