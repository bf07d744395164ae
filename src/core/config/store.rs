//! [`Config`]: the portals and settings kept in `storage.local`, and adding, editing and
//! removing a portal with every check on what the user typed.

use super::{Colour, Portal, PortalEdit, Settings};
use crate::core::identity::KeyId;
use crate::core::portal_url::Origin;
use crate::core::portal_url::{PortalUrl, PortalUrlError};
use crate::core::secret::Secret;
use crate::core::text::{msg, UserText};
use serde::{Deserialize, Serialize};

/// All the user's settings that live in `storage.local`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Config {
    /// The portals: the managed ones first, then the user's in the order they were added.
    pub portals: Vec<Portal>,
    /// Everything else the user chose.
    pub settings: Settings,
    /// The consoles opened last, most recent first (at most [`Config::RECENT_AT_MOST`]).
    #[serde(default)]
    pub recent: Vec<crate::core::identity::ConsoleKey>,
    /// The settings the administrator's policy fixes (their stored names), which the options
    /// page shows as such.
    #[serde(skip)]
    pub managed_settings: Vec<String>,
}

/// Why a portal was not added.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AddPortalError {
    /// The URL breaks a rule.
    #[error(transparent)]
    Url(#[from] PortalUrlError),
    /// That portal is configured already.
    #[error("portal {0} is configured already")]
    Duplicate(String),
    /// The API token holds characters no token has (spaces inside, control characters).
    #[error("malformed API token")]
    MalformedToken,
    /// No such portal.
    #[error("no such portal")]
    NotFound,
    /// The administrator's policy configures this portal.
    #[error("portal {0} is managed")]
    Managed(String),
    /// The name is too long or holds control characters.
    #[error("malformed portal name")]
    BadName,
    /// Not one of [`Colour::ALL`].
    #[error("unknown colour")]
    BadColour,
    /// The API host breaks a portal URL rule.
    #[error("bad API host: {0}")]
    ApiHost(PortalUrlError),
    /// The API host is not on this computer: the portal's token would be sent elsewhere.
    #[error("API host not local")]
    ApiHostNotLocal,
}

impl AddPortalError {
    /// The sentence the user reads.
    pub fn user_text(&self) -> UserText {
        match self {
            Self::Url(e) => e.user_text(),
            Self::Duplicate(host) => msg::PORTAL_DUPLICATE.with([host.as_str()]),
            Self::MalformedToken => msg::API_TOKEN_MALFORMED.text(),
            Self::NotFound => msg::PORTAL_NOT_FOUND.text(),
            Self::Managed(host) => msg::PORTAL_MANAGED.with([host.as_str()]),
            Self::BadName => msg::PORTAL_NAME_BAD.text(),
            Self::BadColour => msg::COLOUR_UNKNOWN.text(),
            Self::ApiHost(e) => msg::API_HOST_BAD.text().with_detail(e.user_text()),
            Self::ApiHostNotLocal => msg::API_HOST_BAD
                .text()
                .with_detail(msg::API_HOST_HINT.text()),
        }
    }
}

/// The stored envelope. `version` lets a later release migrate what an earlier one wrote.
#[derive(Serialize, Deserialize)]
struct Stored {
    version: u32,
    #[serde(default)]
    portals: Vec<serde_json::Value>,
    #[serde(default)]
    settings: serde_json::Value,
    #[serde(default)]
    recent: serde_json::Value,
}

impl Config {
    /// The `storage.local` key the configuration lives under.
    pub const STORAGE_KEY: &'static str = "config";
    /// The version of the stored form (and of an export).
    pub(super) const VERSION: u32 = 1;

    /// Adds a portal from what the user typed. Returns the added portal.
    pub fn add_portal(
        &mut self,
        url: &str,
        api_token: Option<&str>,
    ) -> Result<&Portal, AddPortalError> {
        let url = PortalUrl::parse(url)?;
        if self.portals.iter().any(|p| p.url == url) {
            return Err(AddPortalError::Duplicate(url.host().to_owned()));
        }
        let api_token = checked_token(api_token)?;
        self.portals.push(Portal {
            api_token,
            ..Portal::new(url)
        });
        Ok(&self.portals[self.portals.len() - 1])
    }

    /// Removes the portal with this origin. A managed portal stays.
    pub fn remove_portal(&mut self, origin: &Origin) -> Result<(), AddPortalError> {
        let portal = self.portal(origin).ok_or(AddPortalError::NotFound)?;
        if portal.managed {
            return Err(AddPortalError::Managed(portal.url.host().to_owned()));
        }
        self.portals.retain(|p| p.url.origin() != origin);
        self.settings.favourites.retain(|id| id.origin() != origin);
        self.settings.keep_alive.retain(|id| id.origin() != origin);
        self.recent.retain(|k| k.origin != *origin);
        Ok(())
    }

    /// The portal with this origin.
    pub fn portal(&self, origin: &Origin) -> Option<&Portal> {
        self.portals.iter().find(|p| p.url.origin() == origin)
    }

    /// Changes what the user may change of a portal; all or nothing. A managed portal keeps
    /// what the policy set (its name, colour and API host) but takes an API token.
    pub fn edit_portal(&mut self, origin: &Origin, edit: PortalEdit) -> Result<(), AddPortalError> {
        let index = self
            .portals
            .iter()
            .position(|p| p.url.origin() == origin)
            .ok_or(AddPortalError::NotFound)?;
        let mut portal = self.portals[index].clone();
        let managed_field = edit.name.is_some() || edit.colour.is_some() || edit.api_host.is_some();
        if portal.managed && managed_field {
            return Err(AddPortalError::Managed(portal.url.host().to_owned()));
        }
        if let Some(name) = edit.name {
            portal.name = checked_name(&name)?;
        }
        if let Some(colour) = edit.colour {
            portal.colour = checked_colour(&colour)?;
        }
        if let Some(host) = edit.api_host {
            portal.api_host = checked_api_host(&host, &portal.url)?;
        }
        if let Some(token) = edit.api_token {
            portal.api_token = checked_token(Some(token.expose()))?;
        }
        self.portals[index] = portal;
        Ok(())
    }

    /// The most consoles [`Config::recent`] remembers.
    pub const RECENT_AT_MOST: usize = 8;

    /// Notes that `key`'s console was opened: it goes to the front of the recent list.
    /// Returns whether the list changed.
    pub fn used(&mut self, key: &crate::core::identity::ConsoleKey) -> bool {
        if self.recent.first() == Some(key) {
            return false;
        }
        self.recent.retain(|k| k.id() != key.id());
        self.recent.insert(0, key.clone());
        self.recent.truncate(Self::RECENT_AT_MOST);
        true
    }

    /// Pins or unpins an identity.
    pub fn set_favourite(&mut self, id: &KeyId, favourite: bool) {
        self.settings.favourites.retain(|f| f != id);
        if favourite {
            self.settings.favourites.push(id.clone());
        }
    }

    /// The stored form: the user's own portals (not the managed ones) and settings.
    pub fn to_stored(&self) -> serde_json::Value {
        let own: Vec<&Portal> = self.portals.iter().filter(|p| !p.managed).collect();
        serde_json::json!({
            "version": Self::VERSION,
            "portals": own,
            "settings": self.settings,
            "recent": self.recent,
        })
    }

    /// Reads the stored form. Returns the configuration and how many entries were dropped
    /// because they no longer pass the rules (or were unreadable).
    pub fn from_stored(value: Option<serde_json::Value>) -> (Self, usize) {
        let Some(value) = value else {
            return (Self::default(), 0);
        };
        let Ok(stored) = serde_json::from_value::<Stored>(value) else {
            return (Self::default(), 1);
        };
        let mut config = Self {
            // Unreadable settings fall back to the defaults rather than losing the portals.
            settings: serde_json::from_value(stored.settings).unwrap_or_default(),
            recent: serde_json::from_value(stored.recent).unwrap_or_default(),
            ..Self::default()
        };
        let mut dropped = 0;
        for entry in stored.portals {
            match serde_json::from_value::<Portal>(entry) {
                Ok(portal) if !config.portals.iter().any(|p| p.url == portal.url) => {
                    config.portals.push(portal)
                }
                _ => dropped += 1,
            }
        }
        (config, dropped)
    }
}

/// The longest portal name the options page takes.
pub const NAME_AT_MOST: usize = 64;

pub(super) fn checked_token(token: Option<&str>) -> Result<Option<Secret>, AddPortalError> {
    match token.map(str::trim).filter(|t| !t.is_empty()) {
        None => Ok(None),
        Some(token) if token.chars().any(|c| c.is_whitespace() || c.is_control()) => {
            Err(AddPortalError::MalformedToken)
        }
        Some(token) => Ok(Some(Secret::new(token))),
    }
}

pub(super) fn checked_name(name: &str) -> Result<Option<String>, AddPortalError> {
    let name = name.trim();
    if name.chars().count() > NAME_AT_MOST || name.chars().any(char::is_control) {
        return Err(AddPortalError::BadName);
    }
    Ok(Some(name.to_owned()).filter(|n| !n.is_empty()))
}

pub(super) fn checked_colour(colour: &str) -> Result<Option<Colour>, AddPortalError> {
    match colour.trim() {
        "" => Ok(None),
        name => Colour::from_name(name)
            .map(Some)
            .ok_or(AddPortalError::BadColour),
    }
}

pub(super) fn checked_api_host(
    host: &str,
    portal: &PortalUrl,
) -> Result<Option<PortalUrl>, AddPortalError> {
    if host.trim().is_empty() {
        return Ok(None);
    }
    let url = PortalUrl::parse(host).map_err(AddPortalError::ApiHost)?;
    // The portal's own origin is no API host of its own.
    if url == *portal {
        return Ok(None);
    }
    // For local development only: the portal's token goes to the API host, and a file or a
    // policy naming some other site must not send it there (found by the `import` fuzz
    // target).
    if !url.is_local() {
        return Err(AddPortalError::ApiHostNotLocal);
    }
    Ok(Some(url))
}
