//! The user's configuration: which portals, with which optional API token.
//!
//! Kept in `storage.local` under [`Config::STORAGE_KEY`]. The stored form is versioned and
//! read leniently: an entry that no longer passes the portal rules is dropped (and reported),
//! never allowed to break the whole configuration.

use serde::{Deserialize, Serialize};

use super::portal_url::{PortalUrl, PortalUrlError};
use super::secret::Secret;
use super::text::{msg, UserText};

/// One configured portal.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Portal {
    /// The portal's origin.
    pub url: PortalUrl,
    /// A long-lived DuploCloud API token (`duplo-jit --token` mode), when the user gave one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub api_token: Option<Secret>,
}

/// All the user's settings that live in `storage.local`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Config {
    /// The portals, in the order the user added them.
    pub portals: Vec<Portal>,
    /// Everything else the user chose.
    pub settings: Settings,
}

/// The user's choices.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct Settings {
    /// Keep portal sessions in `storage.local` (on disk) so they survive a browser restart.
    /// Off by default: sessions live in `storage.session`, in memory only.
    pub stay_signed_in: bool,
    /// How the AWS Console keeps identities (detected by default).
    pub console_mode: super::consoles::ConsoleModeSetting,
    /// Sign open consoles in again before their credentials expire (on by default).
    pub auto_renew: bool,
    /// Minutes before expiry to notify, when a session will not be renewed by itself.
    pub notify_minutes: u32,
    /// Identities ([`super::consoles::ConsoleKey::id`]) renewed even without an open tab.
    pub keep_alive: Vec<String>,
}

impl Default for Settings {
    fn default() -> Self {
        Self {
            stay_signed_in: false,
            console_mode: super::consoles::ConsoleModeSetting::default(),
            auto_renew: true,
            notify_minutes: 5,
            keep_alive: Vec::new(),
        }
    }
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
}

impl AddPortalError {
    /// The sentence the user reads.
    pub fn user_text(&self) -> UserText {
        match self {
            Self::Url(e) => e.user_text(),
            Self::Duplicate(host) => msg::PORTAL_DUPLICATE.with([host.as_str()]),
            Self::MalformedToken => msg::API_TOKEN_MALFORMED.text(),
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
}

impl Config {
    /// The `storage.local` key the configuration lives under.
    pub const STORAGE_KEY: &'static str = "config";
    const VERSION: u32 = 1;

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
        let api_token = match api_token.map(str::trim).filter(|t| !t.is_empty()) {
            None => None,
            Some(token) if token.chars().any(|c| c.is_whitespace() || c.is_control()) => {
                return Err(AddPortalError::MalformedToken)
            }
            Some(token) => Some(Secret::new(token)),
        };
        self.portals.push(Portal { url, api_token });
        Ok(&self.portals[self.portals.len() - 1])
    }

    /// Removes the portal with this origin. Returns whether there was one.
    pub fn remove_portal(&mut self, origin: &str) -> bool {
        let before = self.portals.len();
        self.portals.retain(|p| p.url.origin() != origin);
        self.portals.len() != before
    }

    /// The stored form.
    pub fn to_stored(&self) -> serde_json::Value {
        serde_json::json!({
            "version": Self::VERSION,
            "portals": self.portals,
            "settings": self.settings,
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn adds_normalised_portals_and_refuses_duplicates() {
        let mut config = Config::default();
        let added = config
            .add_portal("https://Acme.duplocloud.net/app/", None)
            .unwrap();
        assert_eq!(added.url.origin(), "https://acme.duplocloud.net");
        assert_eq!(
            config.add_portal("acme.duplocloud.net", None),
            Err(AddPortalError::Duplicate("acme.duplocloud.net".into()))
        );
        config
            .add_portal("https://beta.duplocloud.net", None)
            .unwrap();
        assert_eq!(config.portals.len(), 2);
    }

    #[test]
    fn a_refused_portal_changes_nothing() {
        let mut config = Config::default();
        config.add_portal("acme.duplocloud.net", None).unwrap();
        let before = config.clone();
        assert!(config.add_portal("http://evil.com", None).is_err());
        assert!(config
            .add_portal("https://b.duplocloud.net", Some("two words"))
            .is_err());
        assert_eq!(config, before);
    }

    #[test]
    fn keeps_an_api_token_but_never_prints_it() {
        let mut config = Config::default();
        let added = config
            .add_portal("acme.duplocloud.net", Some("  tok-123  "))
            .unwrap();
        assert_eq!(added.api_token.as_ref().unwrap().expose(), "tok-123");
        assert!(!format!("{config:?}").contains("tok-123"));
        let mut other = Config::default();
        assert_eq!(
            other
                .add_portal("b.duplocloud.net", Some("   "))
                .unwrap()
                .api_token,
            None
        );
    }

    #[test]
    fn removes_by_origin() {
        let mut config = Config::default();
        config.add_portal("acme.duplocloud.net", None).unwrap();
        assert!(!config.remove_portal("https://other.duplocloud.net"));
        assert!(config.remove_portal("https://acme.duplocloud.net"));
        assert!(config.portals.is_empty());
    }

    #[test]
    fn stored_form_round_trips_and_drops_what_no_longer_passes() {
        let mut config = Config::default();
        config
            .add_portal("acme.duplocloud.net", Some("tok"))
            .unwrap();
        config.add_portal("http://localhost:3000", None).unwrap();
        let stored = config.to_stored();
        assert_eq!(
            Config::from_stored(Some(stored.clone())),
            (config.clone(), 0)
        );

        let mut tampered = stored;
        let portals = tampered["portals"].as_array_mut().unwrap();
        portals.push(serde_json::json!({"url": "http://evil.com"}));
        portals.push(serde_json::json!({"url": "https://acme.duplocloud.net"}));
        portals.push(serde_json::json!(42));
        assert_eq!(Config::from_stored(Some(tampered)), (config, 3));

        assert_eq!(Config::from_stored(None), (Config::default(), 0));
        assert_eq!(
            Config::from_stored(Some(serde_json::json!("garbage"))),
            (Config::default(), 1)
        );
    }
}
