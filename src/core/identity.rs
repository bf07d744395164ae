//! Who a console is for: a portal's tenant, its administrator or duplo-ops ([`Role`]), the
//! key that names that identity everywhere ([`ConsoleKey`]), and the colour its tab group
//! (Chrome) or container (Firefox) gets.

use super::portal_url::Origin;
use serde::{Deserialize, Serialize};

/// A tenant's id as its portal gives it (a UUID in DuploCloud's portals), as it goes into
/// request paths, menu items and page markup. Its JSON form is the bare string.
///
/// A type of its own so that a name, an origin or an identity key can never be passed where
/// a tenant id is meant. It does not vouch for the id's shape: ids read back from storage
/// are not checked; [`TenantId::fits_a_path`] is, before the id goes into a request.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Default, Serialize, Deserialize)]
#[serde(transparent)]
pub struct TenantId(String);

impl TenantId {
    /// The id as text.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// Whether the id can name a tenant in a request path (see
    /// [`super::portal_api::is_tenant_id`]).
    pub fn fits_a_path(&self) -> bool {
        super::portal_api::is_tenant_id(&self.0)
    }
}

impl From<String> for TenantId {
    fn from(id: String) -> Self {
        Self(id)
    }
}

impl From<&str> for TenantId {
    fn from(id: &str) -> Self {
        Self(id.to_owned())
    }
}

/// An id read from a page address or a message, compared with the lists' ids.
impl PartialEq<str> for TenantId {
    fn eq(&self, other: &str) -> bool {
        self.0 == other
    }
}

impl PartialEq<&str> for TenantId {
    fn eq(&self, other: &&str) -> bool {
        self.0 == *other
    }
}

impl std::fmt::Display for TenantId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

/// Whose console: a tenant's, the administrator's, or duplo-ops'.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "kebab-case")]
pub enum Role {
    /// A tenant, by id (and its name, for labels).
    Tenant {
        /// The tenant's id.
        id: TenantId,
        /// The tenant's name as the portal spells it.
        name: String,
    },
    /// The portal's admin AWS access.
    Admin,
    /// The "duplo-ops" role. (`duploOps` is how builds before issue 17 stored it.)
    #[serde(alias = "duploOps")]
    DuploOps,
}

impl Role {
    /// The role's one name in ids, messages and page markup: `tenant`, `admin`, `duplo-ops`.
    pub fn slug(&self) -> &'static str {
        match self {
            Role::Tenant { .. } => "tenant",
            Role::Admin => "admin",
            Role::DuploOps => "duplo-ops",
        }
    }

    /// The role `slug` names; a tenant's needs its id and name.
    pub fn from_slug(
        slug: &str,
        tenant: impl FnOnce() -> Option<(TenantId, String)>,
    ) -> Option<Role> {
        match slug {
            "tenant" => tenant().map(|(id, name)| Role::Tenant { id, name }),
            "admin" => Some(Role::Admin),
            "duplo-ops" => Some(Role::DuploOps),
            _ => None,
        }
    }
}

/// One console identity: a role on a portal.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ConsoleKey {
    /// The portal's origin.
    pub origin: Origin,
    /// The role.
    pub role: Role,
}

/// The name of one console identity everywhere it is kept or looked up: the key of every
/// per-identity map, stored list (favourites, keep-alive), menu item and notification.
/// Spelled `{origin}|tenant:{tenant id}`, `{origin}|admin` or `{origin}|duplo-ops`; its JSON
/// form is that bare string, as builds before it stored it.
///
/// A type of its own so that a tenant id, a portal origin or a name can never be passed
/// where an identity's key is meant; it is made only by [`ConsoleKey::id`] (or read back
/// from storage and messages, where it is only compared, never trusted to be well formed).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct KeyId(String);

impl KeyId {
    /// The key as text (a menu item id, a notification id, a hash input).
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The origin of the portal the identity belongs to.
    pub fn origin(&self) -> &str {
        self.0
            .split_once('|')
            .map_or(self.0.as_str(), |(origin, _)| origin)
    }

    /// A key read back from text that came from [`ConsoleKey::id`] (a menu item's id).
    pub fn from_text(text: &str) -> Self {
        Self(text.to_owned())
    }
}

impl std::fmt::Display for KeyId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl ConsoleKey {
    /// The identity's key, for storage and maps.
    pub fn id(&self) -> KeyId {
        KeyId(match &self.role {
            Role::Tenant { id, .. } => format!("{}|{}:{id}", self.origin, self.role.slug()),
            other => format!("{}|{}", self.origin, other.slug()),
        })
    }

    /// The name shown to the user (tab group titles, container names).
    pub fn label(&self) -> String {
        match &self.role {
            Role::Tenant { name, .. } => name.clone(),
            Role::Admin => "administrator".into(),
            Role::DuploOps => Role::DuploOps.slug().into(),
        }
    }
}

/// Tab group colours (Chrome), for a stable colour per identity.
pub const GROUP_COLOURS: &[&str] = &[
    "blue", "red", "yellow", "green", "pink", "purple", "cyan", "orange", "grey",
];
/// Container colours (Firefox).
pub const CONTAINER_COLOURS: &[&str] = &[
    "blue",
    "turquoise",
    "green",
    "yellow",
    "orange",
    "red",
    "pink",
    "purple",
];

/// A stable pick from `choices` for `key` (FNV-1a of its id): the same tenant always gets
/// the same colour, in every browser and after every restart.
pub fn colour_for<'a>(key: &ConsoleKey, choices: &[&'a str]) -> &'a str {
    let hash = crate::util::fnv1a(key.id().as_str());
    choices
        .get((hash % choices.len().max(1) as u64) as usize)
        .copied()
        .unwrap_or("blue")
}

/// The colour of `key`'s tab group (Chrome) or container (Firefox, `isolated`): the
/// portal's when the person chose one, else a stable one per identity ([`colour_for`]).
pub fn identity_colour(
    portal: Option<super::config::Colour>,
    key: &ConsoleKey,
    isolated: bool,
) -> &'static str {
    match (portal, isolated) {
        (Some(colour), true) => colour.container_name(),
        (Some(colour), false) => colour.name(),
        (None, true) => colour_for(key, CONTAINER_COLOURS),
        (None, false) => colour_for(key, GROUP_COLOURS),
    }
}

#[cfg(test)]
pub(crate) mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    /// A tenant of acme named `name` (id `id-{name}`), for the core's tests.
    pub(crate) fn key(name: &str) -> ConsoleKey {
        ConsoleKey {
            origin: "https://acme.duplocloud.net".into(),
            role: Role::Tenant {
                id: format!("id-{name}").into(),
                name: name.into(),
            },
        }
    }

    #[test]
    fn an_identity_has_its_portals_colour_or_a_stable_one_of_its_own() {
        use crate::core::config::Colour;
        assert_eq!(
            identity_colour(Some(Colour::Cyan), &key("dev"), false),
            "cyan"
        );
        assert_eq!(
            identity_colour(Some(Colour::Cyan), &key("dev"), true),
            "turquoise"
        );
        let own = identity_colour(None, &key("dev"), true);
        assert!(CONTAINER_COLOURS.contains(&own));
        assert_eq!(own, identity_colour(None, &key("dev"), true), "stable");
        assert!(GROUP_COLOURS.contains(&identity_colour(None, &key("dev"), false)));
    }

    #[test]
    fn a_role_has_one_name_and_what_older_builds_stored_still_reads() {
        for role in [key("dev").role, Role::Admin, Role::DuploOps] {
            let tenant = || match &role {
                Role::Tenant { id, name } => Some((id.clone(), name.clone())),
                _ => None,
            };
            assert_eq!(Role::from_slug(role.slug(), tenant), Some(role.clone()));
            let json = serde_json::to_value(&role).unwrap();
            assert_eq!(json["kind"], role.slug());
        }
        let old: Role = serde_json::from_str(r#"{"kind":"duploOps"}"#).unwrap();
        assert_eq!(old, Role::DuploOps);
        assert_eq!(
            ConsoleKey {
                origin: "https://a.duplocloud.net".into(),
                role: Role::DuploOps
            }
            .id()
            .as_str(),
            "https://a.duplocloud.net|duplo-ops"
        );
        assert_eq!(Role::from_slug("root", || None), None);
    }

    #[test]
    fn colours_are_stable_and_valid() {
        let first = colour_for(&key("dev01"), GROUP_COLOURS);
        assert_eq!(first, colour_for(&key("dev01"), GROUP_COLOURS));
        assert!(GROUP_COLOURS.contains(&first));
        let used: std::collections::BTreeSet<_> = (0..50)
            .map(|i| colour_for(&key(&format!("t{i}")), CONTAINER_COLOURS))
            .collect();
        assert!(used.len() > 4, "colours spread: {used:?}");
    }

    #[test]
    fn keys_are_distinct_per_role_and_portal() {
        let admin = ConsoleKey {
            origin: "https://acme.duplocloud.net".into(),
            role: Role::Admin,
        };
        let ops = ConsoleKey {
            origin: "https://acme.duplocloud.net".into(),
            role: Role::DuploOps,
        };
        let other = ConsoleKey {
            origin: "https://beta.duplocloud.net".into(),
            role: Role::Admin,
        };
        let ids: std::collections::BTreeSet<_> =
            [admin.id(), ops.id(), other.id(), key("dev").id()]
                .into_iter()
                .collect();
        assert_eq!(ids.len(), 4);
    }
}
