//! Who a console is for: a portal's tenant, its administrator or duplo-ops ([`Role`]), the
//! key that names that identity everywhere ([`ConsoleKey`]), and the colour its tab group
//! (Chrome) or container (Firefox) gets.

use serde::{Deserialize, Serialize};

/// Whose console: a tenant's, the administrator's, or duplo-ops'.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "kebab-case")]
pub enum Role {
    /// A tenant, by id (and its name, for labels).
    Tenant {
        /// The tenant's id.
        id: String,
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
        tenant: impl FnOnce() -> Option<(String, String)>,
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
    pub origin: String,
    /// The role.
    pub role: Role,
}

impl ConsoleKey {
    /// A stable id for storage and maps.
    pub fn id(&self) -> String {
        match &self.role {
            Role::Tenant { id, .. } => format!("{}|{}:{id}", self.origin, self.role.slug()),
            other => format!("{}|{}", self.origin, other.slug()),
        }
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
    let hash = crate::util::fnv1a(&key.id());
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
