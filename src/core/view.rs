//! What the pages are shown ([`StateView`]): built from the configuration, the portals'
//! sessions, their cached tenant lists and the consoles, at a given time. Holds no secret:
//! a session becomes who is signed in and what the portal enables, credentials their expiry.

use super::config::Config;
use super::consoles::Consoles;
use super::identity::{ConsoleKey, Role};
use super::messages::{AwsSessionsView, PortalView, SessionView, StateView, TenantView};
use super::portal_api::Tenant;
use super::portal_url::Origin;
use super::session::{Session, Sessions};

/// The view of everything, with `tenants(origin)` the cached tenant list of a portal (`None`
/// when none was read yet). `active_origin` and `tenants_total` are left for the caller.
pub fn state_view<'a>(
    config: &Config,
    sessions: &Sessions,
    consoles: &Consoles,
    mut tenants: impl FnMut(&Origin) -> Option<&'a [Tenant]>,
    now_ms: u64,
) -> StateView {
    let portals = config
        .portals
        .iter()
        .map(|portal| {
            let origin = portal.url.origin();
            let state = sessions.get(origin);
            PortalView {
                origin: origin.to_owned(),
                host: portal.url.host().to_owned(),
                name: portal.name.clone(),
                colour: portal.colour.map(|c| c.name().to_owned()),
                managed: portal.managed,
                api_host: portal.api_host.as_ref().map(|h| h.origin().to_string()),
                uses_api_token: portal.api_token.is_some(),
                session: session_view(&state.session),
                error: state.error,
                tenants: tenants(origin).map(|list| {
                    list.iter()
                        .map(|t| tenant_view(config, consoles, origin, t, now_ms))
                        .collect()
                }),
                tenants_total: None,
            }
        })
        .collect();
    let aws_sessions = consoles
        .multi_sessions()
        .counts(now_ms)
        .into_iter()
        .map(|(partition, signed_in)| AwsSessionsView {
            partition: partition.name().to_owned(),
            signed_in,
            limit: crate::core::multi_session::LIMIT,
        })
        .collect();
    StateView {
        portals,
        settings: config.settings.clone(),
        managed_settings: config.managed_settings.clone(),
        active_origin: None,
        aws_sessions,
    }
}

/// Who is signed in and what the portal enables for them; nothing of the token.
fn session_view(session: &Session) -> SessionView {
    match session {
        Session::SignedOut => SessionView::SignedOut,
        Session::SigningIn(_) => SessionView::SigningIn,
        Session::Active(active) => {
            let features = active.features.clone().unwrap_or_default();
            let admin = active.user.is_admin;
            SessionView::Active {
                username: active.user.username.clone(),
                is_admin: admin,
                admin_jit: admin && features.admin_jit,
                duplo_ops: admin && features.duplo_ops,
                otp_needed: features.otp_needed,
            }
        }
    }
}

/// One tenant's row: its credentials' expiry while they live, its console, and where the
/// person put it (favourite, recent, kept alive).
fn tenant_view(
    config: &Config,
    consoles: &Consoles,
    origin: &Origin,
    tenant: &Tenant,
    now_ms: u64,
) -> TenantView {
    let key = ConsoleKey {
        origin: origin.to_owned(),
        role: Role::Tenant {
            id: tenant.id.clone(),
            name: tenant.name.clone(),
        },
    };
    let id = key.id();
    let place = |found: Option<usize>| found.and_then(|i| u16::try_from(i).ok());
    TenantView {
        expires_ms: consoles
            .credentials_of(&id)
            .map(|c| c.expiry_ms)
            .filter(|e| *e > now_ms),
        console_open: consoles.open_tab(&key).is_some(),
        holds_console: consoles.holds_console(&key),
        keep_alive: config.settings.keep_alive.contains(&id),
        favourite: place(config.settings.favourites.iter().position(|f| *f == id)),
        recent: place(config.recent.iter().position(|k| *k == key)),
        id: tenant.id.clone(),
        name: tenant.name.clone(),
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use crate::core::aws::{JitCredentials, Partition};
    use crate::core::config::Portal;
    use crate::core::portal_api::{SystemFeatures, UserInfo};
    use crate::core::portal_url::PortalUrl;
    use crate::core::secret::Secret;
    use crate::core::session::TokenSource;

    const T0: u64 = 1_700_000_000_000;
    const ACME: &str = "https://acme.duplocloud.net";

    fn tenant(id: &str, name: &str) -> Tenant {
        Tenant {
            id: id.into(),
            name: name.into(),
        }
    }

    fn key(t: &Tenant) -> ConsoleKey {
        ConsoleKey {
            origin: ACME.into(),
            role: Role::Tenant {
                id: t.id.clone(),
                name: t.name.clone(),
            },
        }
    }

    fn creds(validity: i64) -> JitCredentials {
        JitCredentials {
            access_key_id: "ASIAEXAMPLEEXAMPLE".into(),
            secret_access_key: Secret::new("secret-access-key-value"),
            session_token: Secret::new("session-token-value"),
            region: Some("us-west-2".into()),
            console_url: None,
            validity_secs: Some(validity),
        }
    }

    #[test]
    fn a_signed_out_portal_without_a_tenant_list() {
        let mut config = Config::default();
        config
            .portals
            .push(Portal::new(PortalUrl::parse(ACME).unwrap()));
        let view = state_view(
            &config,
            &Sessions::default(),
            &Consoles::default(),
            |_| None,
            T0,
        );
        let portal = &view.portals[0];
        assert_eq!(portal.origin, ACME);
        assert_eq!(portal.host, "acme.duplocloud.net");
        assert_eq!(portal.session, SessionView::SignedOut);
        assert_eq!(portal.tenants, None);
        assert!(!portal.uses_api_token);
    }

    #[test]
    fn a_signed_in_portal_shows_who_and_each_tenants_place_but_no_secret() {
        let mut config = Config::default();
        config
            .portals
            .push(Portal::new(PortalUrl::parse(ACME).unwrap()));
        let list = [
            tenant("t-1", "dev01"),
            tenant("t-2", "prod"),
            tenant("t-3", "qa"),
        ];
        config.settings.favourites = vec![key(&list[1]).id()];
        config.settings.keep_alive = vec![key(&list[0]).id()];
        config.recent = vec![key(&list[2]), key(&list[0])];
        let mut sessions = Sessions::default();
        sessions.activate(
            &Origin::from(ACME),
            Secret::new("portal-token-secret"),
            TokenSource::Handoff,
            UserInfo {
                username: "alice@acme.io".into(),
                is_admin: true,
            },
            T0,
        );
        sessions.set_features(
            &Origin::from(ACME),
            SystemFeatures {
                admin_jit: true,
                ..SystemFeatures::default()
            },
        );
        let mut consoles = Consoles::default();
        // dev01's credentials live, prod's ended; dev01 has a console tab.
        consoles.store(&key(&list[0]), creds(3600), Partition::Aws, T0);
        consoles.store(&key(&list[1]), creds(60), Partition::Aws, T0 - 120_000);
        consoles.register_tab(7, &key(&list[0]));

        let view = state_view(&config, &sessions, &consoles, |_| Some(&list[..]), T0);
        let portal = &view.portals[0];
        assert_eq!(
            portal.session,
            SessionView::Active {
                username: "alice@acme.io".into(),
                is_admin: true,
                admin_jit: true,
                duplo_ops: false,
                otp_needed: false,
            }
        );
        let rows = portal.tenants.as_ref().unwrap();
        assert_eq!(rows.len(), 3);
        let (dev, prod, qa) = (&rows[0], &rows[1], &rows[2]);
        assert_eq!(dev.expires_ms, Some(T0 + 3_600_000));
        assert!(dev.console_open && dev.keep_alive);
        assert_eq!((dev.favourite, dev.recent), (None, Some(1)));
        assert_eq!(prod.expires_ms, None, "ended credentials show no expiry");
        assert_eq!((prod.favourite, prod.recent), (Some(0), None));
        assert!(!prod.console_open && !prod.keep_alive);
        assert_eq!((qa.name.as_str(), qa.recent), ("qa", Some(0)));
        // Nothing of the token or the credentials reaches the pages.
        let shown = serde_json::to_string(&view).unwrap();
        for secret in [
            "portal-token-secret",
            "secret-access-key-value",
            "session-token-value",
        ] {
            assert!(!shown.contains(secret), "{secret} in {shown}");
        }
        assert!(
            shown.contains("alice@acme.io"),
            "the view was written: {shown}"
        );
    }
}
