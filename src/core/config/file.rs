//! A configuration as a file: export (without secrets) and import, checked as strictly as
//! typing.

use super::store::{checked_api_host, checked_colour, checked_name};
use super::{AddPortalError, Config, Portal, Settings, MANAGEABLE_SETTINGS};
use crate::core::portal_url::PortalUrl;
use crate::core::text::{msg, UserText};
use serde::{Deserialize, Serialize};

/// A portal as exported, imported, or pushed by policy: everything but secrets.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
struct PortalFile {
    url: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    name: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    colour: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    api_host: Option<String>,
}

impl PortalFile {
    fn of(portal: &Portal) -> Self {
        Self {
            url: portal.url.origin().to_string(),
            name: portal.name.clone(),
            colour: portal.colour.map(|c| c.name().to_owned()),
            api_host: portal.api_host.as_ref().map(|h| h.origin().to_string()),
        }
    }

    /// The portal it describes, checked by the same rules as the options page.
    fn portal(&self) -> Result<Portal, AddPortalError> {
        let url = PortalUrl::parse(&self.url)?;
        Ok(Portal {
            name: checked_name(self.name.as_deref().unwrap_or_default())?,
            colour: checked_colour(self.colour.as_deref().unwrap_or_default())?,
            api_host: checked_api_host(self.api_host.as_deref().unwrap_or_default(), &url)?,
            ..Portal::new(url)
        })
    }
}

/// The exported file's marker.
pub const EXPORT_FORMAT: &str = "jit-console-config";
/// The largest configuration file [`Config::import_json`] reads.
pub const IMPORT_AT_MOST: usize = 1 << 20;

/// Why a configuration file was not imported.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ImportError {
    /// Larger than [`IMPORT_AT_MOST`].
    #[error("the file is too large")]
    TooLarge,
    /// Not JSON, or not this extension's export.
    #[error("not a configuration file")]
    NotOurs,
    /// Written by a newer release.
    #[error("configuration version {0} is newer than this release")]
    TooNew(u64),
    /// A portal in it breaks the rules.
    #[error("portal {0}: {1}")]
    BadPortal(String, AddPortalError),
}

impl ImportError {
    /// The sentence the user reads.
    pub fn user_text(&self) -> UserText {
        match self {
            Self::TooLarge | Self::NotOurs => msg::IMPORT_NOT_OURS.text(),
            Self::TooNew(_) => msg::IMPORT_TOO_NEW.text(),
            Self::BadPortal(url, e) => msg::IMPORT_BAD_PORTAL
                .with([url.clone()])
                .with_detail(e.user_text()),
        }
    }
}

/// The exported file.
#[derive(Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
struct ExportFile {
    format: String,
    version: u64,
    #[serde(default)]
    portals: Vec<PortalFile>,
    #[serde(default)]
    settings: serde_json::Value,
}

impl Config {
    /// The whole configuration as a file to keep or move to another browser: portals (the
    /// user's own) and settings. Never a secret: API tokens stay behind.
    pub fn export(&self) -> String {
        let file = ExportFile {
            format: EXPORT_FORMAT.to_owned(),
            version: u64::from(Self::VERSION),
            portals: self
                .portals
                .iter()
                .filter(|p| !p.managed)
                .map(PortalFile::of)
                .collect(),
            settings: serde_json::to_value(&self.settings).unwrap_or_default(),
        };
        serde_json::to_string_pretty(&file).unwrap_or_default()
    }

    /// Reads an exported file: the configuration it holds, every portal checked by the rules
    /// of the options page. Nothing is half-read: one bad portal refuses the file.
    pub fn import_json(text: &str) -> Result<Config, ImportError> {
        if text.len() > IMPORT_AT_MOST {
            return Err(ImportError::TooLarge);
        }
        let file: ExportFile = serde_json::from_str(text).map_err(|_| ImportError::NotOurs)?;
        if file.format != EXPORT_FORMAT {
            return Err(ImportError::NotOurs);
        }
        if file.version > u64::from(Self::VERSION) {
            return Err(ImportError::TooNew(file.version));
        }
        let settings = match file.settings {
            serde_json::Value::Null => Settings::default(),
            given => serde_json::from_value(given).map_err(|_| ImportError::NotOurs)?,
        };
        let mut config = Config {
            settings,
            ..Config::default()
        };
        for entry in file.portals {
            let portal = entry
                .portal()
                .map_err(|e| ImportError::BadPortal(entry.url.clone(), e))?;
            if config.portal(portal.url.origin()).is_none() {
                config.portals.push(portal);
            }
        }
        Ok(config)
    }

    /// The optional host permissions (match patterns) its portals and API hosts need beyond
    /// `granted` (the manifest's `host_permissions`).
    pub fn host_permissions_needed(&self, granted: &[&str]) -> std::collections::BTreeSet<String> {
        self.portals
            .iter()
            .flat_map(|p| std::iter::once(&p.url).chain(p.api_host.as_ref()))
            .filter_map(|url| url.missing_host_permission(granted))
            .collect()
    }

    /// The optional host permissions `before` needed that this configuration no longer does:
    /// what to give back after a portal is removed (or everything forgotten, or a file
    /// imported).
    pub fn host_permissions_released(&self, before: &Config, granted: &[&str]) -> Vec<String> {
        let still = self.host_permissions_needed(granted);
        before
            .host_permissions_needed(granted)
            .into_iter()
            .filter(|pattern| !still.contains(pattern))
            .collect()
    }

    /// Takes an imported configuration in place of the user's own: managed portals stay,
    /// and a portal in both keeps its API token (files never carry one).
    ///
    /// The policy still wins: the settings it fixes stay as it says. A portal keeps its API
    /// token only where its API host stays the same: a file must not send a stored token to
    /// a new place. Returns the portals whose API token was dropped for that reason.
    pub fn replace_with(&mut self, imported: Config) -> Vec<Portal> {
        let mut portals: Vec<Portal> = self.portals.iter().filter(|p| p.managed).cloned().collect();
        let mut dropped = Vec::new();
        for mut portal in imported.portals {
            if portals.iter().any(|p| p.url == portal.url) {
                continue;
            }
            if let Some(current) = self.portal(portal.url.origin()) {
                if current.api_host == portal.api_host {
                    portal.api_token = current.api_token.clone();
                } else if current.api_token.is_some() {
                    dropped.push(portal.clone());
                }
            }
            portals.push(portal);
        }
        self.portals = portals;
        let mut settings = imported.settings;
        settings.keep(&self.settings, &self.managed_settings);
        self.settings = settings;
        self.recent
            .retain(|k| self.portals.iter().any(|p| *p.url.origin() == k.origin));
        dropped
    }

    /// Applies the administrator's policy (`storage.managed`): its portals come first,
    /// marked managed (a user's entry for the same portal keeps only its API token), and the
    /// settings it names override the user's. Entries that break the rules are skipped.
    pub fn with_managed(mut self, policy: Option<&serde_json::Value>) -> Self {
        let Some(policy) = policy.and_then(serde_json::Value::as_object) else {
            return self;
        };
        let mut managed = Vec::new();
        if let Some(entries) = policy.get("portals").and_then(serde_json::Value::as_array) {
            for entry in entries {
                let Ok(file) = serde_json::from_value::<PortalFile>(entry.clone()) else {
                    continue;
                };
                let Ok(mut portal) = file.portal() else {
                    continue;
                };
                if managed.iter().any(|p: &Portal| p.url == portal.url) {
                    continue;
                }
                portal.managed = true;
                portal.api_token = self
                    .portal(portal.url.origin())
                    .and_then(|p| p.api_token.clone());
                managed.push(portal);
            }
        }
        self.portals
            .retain(|p| !managed.iter().any(|m| m.url == p.url));
        managed.append(&mut self.portals);
        self.portals = managed;
        if let Some(fixed) = policy
            .get("settings")
            .and_then(serde_json::Value::as_object)
        {
            let mut merged = serde_json::to_value(&self.settings).unwrap_or_default();
            let mut names = Vec::new();
            for (name, value) in fixed {
                if MANAGEABLE_SETTINGS.contains(&name.as_str()) {
                    let mut trial = merged.clone();
                    trial[name.as_str()] = value.clone();
                    // A value of the wrong type is ignored, not allowed to reset the rest.
                    if serde_json::from_value::<Settings>(trial.clone()).is_ok() {
                        merged = trial;
                        names.push(name.clone());
                    }
                }
            }
            if let Ok(settings) = serde_json::from_value(merged) {
                self.settings = settings;
                self.managed_settings = names;
            }
        }
        self
    }
}
