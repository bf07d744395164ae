//! The user's configuration: which portals, with which optional API token.
//!
//! Kept in `storage.local` under [`Config::STORAGE_KEY`]. The stored form is versioned and
//! read leniently: an entry that no longer passes the portal rules is dropped (and reported),
//! never allowed to break the whole configuration.

use serde::{Deserialize, Serialize};

use super::identity::KeyId;
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
    #[serde(with = "crate::core::secret::exposed::option")]
    pub api_token: Option<Secret>,
    /// The name the user gave it (shown instead of the host), if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// Its colour: the popup's accent for it and its tab groups and containers.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub colour: Option<Colour>,
    /// Where its API answers, when not at the portal's own origin (local development:
    /// the UI on one port, the API on another).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub api_host: Option<PortalUrl>,
    /// Pushed by the administrator's policy: shown as such, not removable by the user, never
    /// stored in `storage.local`.
    #[serde(skip)]
    pub managed: bool,
}

impl Portal {
    /// A portal at `url` with nothing else set.
    pub fn new(url: PortalUrl) -> Self {
        Self {
            url,
            api_token: None,
            name: None,
            colour: None,
            api_host: None,
            managed: false,
        }
    }

    /// The origin its API calls go to: the API host when one is set, else its own.
    pub fn api_url(&self) -> &PortalUrl {
        self.api_host.as_ref().unwrap_or(&self.url)
    }

    /// Its name for the user: the one given, else the host.
    pub fn display_name(&self) -> &str {
        self.name.as_deref().unwrap_or(self.url.host())
    }
}

/// The colours a portal can have: Chrome's tab group colours (Firefox's containers get the
/// nearest of theirs).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Colour {
    /// Grey.
    Grey,
    /// Blue.
    Blue,
    /// Red.
    Red,
    /// Yellow.
    Yellow,
    /// Green.
    Green,
    /// Pink.
    Pink,
    /// Purple.
    Purple,
    /// Cyan.
    Cyan,
    /// Orange.
    Orange,
}

impl Colour {
    /// Every colour, in the order the options page offers them.
    pub const ALL: [Colour; 9] = [
        Colour::Grey,
        Colour::Blue,
        Colour::Red,
        Colour::Yellow,
        Colour::Green,
        Colour::Pink,
        Colour::Purple,
        Colour::Cyan,
        Colour::Orange,
    ];

    /// Its name: a Chrome tab group colour, and the stored form.
    pub fn name(self) -> &'static str {
        match self {
            Colour::Grey => "grey",
            Colour::Blue => "blue",
            Colour::Red => "red",
            Colour::Yellow => "yellow",
            Colour::Green => "green",
            Colour::Pink => "pink",
            Colour::Purple => "purple",
            Colour::Cyan => "cyan",
            Colour::Orange => "orange",
        }
    }

    /// The colour with this name.
    pub fn from_name(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|c| c.name() == name)
    }

    /// The nearest Firefox container colour.
    pub fn container_name(self) -> &'static str {
        match self {
            Colour::Grey => "toolbar",
            Colour::Cyan => "turquoise",
            other => other.name(),
        }
    }

    /// The user-facing name of the colour.
    pub fn label(self) -> super::text::Msg {
        match self {
            Colour::Grey => msg::COLOUR_GREY,
            Colour::Blue => msg::COLOUR_BLUE,
            Colour::Red => msg::COLOUR_RED,
            Colour::Yellow => msg::COLOUR_YELLOW,
            Colour::Green => msg::COLOUR_GREEN,
            Colour::Pink => msg::COLOUR_PINK,
            Colour::Purple => msg::COLOUR_PURPLE,
            Colour::Cyan => msg::COLOUR_CYAN,
            Colour::Orange => msg::COLOUR_ORANGE,
        }
    }
}

/// What the user may change of a configured portal (`None`: leave as it is).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct PortalEdit {
    /// A new name; empty clears it.
    pub name: Option<String>,
    /// A new colour; empty clears it.
    pub colour: Option<String>,
    /// A new API host; empty clears it.
    pub api_host: Option<String>,
    /// A new API token; empty clears it (back to the portal's own sign-in).
    #[serde(default, with = "crate::core::secret::exposed::option")]
    pub api_token: Option<Secret>,
}

/// All the user's settings that live in `storage.local`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Config {
    /// The portals: the managed ones first, then the user's in the order they were added.
    pub portals: Vec<Portal>,
    /// Everything else the user chose.
    pub settings: Settings,
    /// The consoles opened last, most recent first (at most [`Config::RECENT_AT_MOST`]).
    #[serde(default)]
    pub recent: Vec<super::identity::ConsoleKey>,
    /// The settings the administrator's policy fixes (their stored names), which the options
    /// page shows as such.
    #[serde(skip)]
    pub managed_settings: Vec<String>,
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
    /// Minutes before expiry to notify, when a session will not be renewed by itself, within
    /// [`NOTIFY_MINUTES`]: whatever brings a value (the options page, a file imported, the
    /// administrator's policy, what was stored) is held to it when it is read.
    #[serde(deserialize_with = "notify_minutes")]
    pub notify_minutes: u32,
    /// Identities renewed even without an open tab.
    pub keep_alive: Vec<KeyId>,
    /// Identities pinned to the top of their portal's list, in the order they were pinned.
    pub favourites: Vec<KeyId>,
    /// Show the identity bar on console tabs this extension signed in (on by default; what
    /// earlier builds stored, without it, reads as on).
    pub identity_bar: bool,
}

/// The minutes before expiry a notification may come: at least one, at most an hour.
pub const NOTIFY_MINUTES: std::ops::RangeInclusive<u32> = 1..=60;

/// A number of minutes held to [`NOTIFY_MINUTES`].
pub fn bounded_notify_minutes(minutes: u32) -> u32 {
    minutes.clamp(*NOTIFY_MINUTES.start(), *NOTIFY_MINUTES.end())
}

fn notify_minutes<'de, D: serde::Deserializer<'de>>(d: D) -> Result<u32, D::Error> {
    u32::deserialize(d).map(bounded_notify_minutes)
}

impl Settings {
    /// Takes, of `current`, the settings named in `names` (their stored names: what the
    /// administrator's policy fixes).
    pub fn keep(&mut self, current: &Settings, names: &[String]) {
        for name in names {
            match name.as_str() {
                "staySignedIn" => self.stay_signed_in = current.stay_signed_in,
                "consoleMode" => self.console_mode = current.console_mode,
                "autoRenew" => self.auto_renew = current.auto_renew,
                "notifyMinutes" => self.notify_minutes = current.notify_minutes,
                "identityBar" => self.identity_bar = current.identity_bar,
                _ => {}
            }
        }
    }
}

impl Default for Settings {
    fn default() -> Self {
        Self {
            stay_signed_in: false,
            console_mode: super::consoles::ConsoleModeSetting::default(),
            auto_renew: true,
            notify_minutes: 5,
            keep_alive: Vec::new(),
            favourites: Vec::new(),
            identity_bar: true,
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
        let api_token = checked_token(api_token)?;
        self.portals.push(Portal {
            api_token,
            ..Portal::new(url)
        });
        Ok(&self.portals[self.portals.len() - 1])
    }

    /// Removes the portal with this origin. A managed portal stays.
    pub fn remove_portal(&mut self, origin: &str) -> Result<(), AddPortalError> {
        let portal = self.portal(origin).ok_or(AddPortalError::NotFound)?;
        if portal.managed {
            return Err(AddPortalError::Managed(portal.url.host().to_owned()));
        }
        self.portals.retain(|p| p.url.origin() != origin);
        self.settings.favourites.retain(|id| id.origin() != origin);
        self.settings.keep_alive.retain(|id| id.origin() != origin);
        self.recent.retain(|k| k.origin != origin);
        Ok(())
    }

    /// The portal with this origin.
    pub fn portal(&self, origin: &str) -> Option<&Portal> {
        self.portals.iter().find(|p| p.url.origin() == origin)
    }

    /// Changes what the user may change of a portal; all or nothing. A managed portal keeps
    /// what the policy set (its name, colour and API host) but takes an API token.
    pub fn edit_portal(&mut self, origin: &str, edit: PortalEdit) -> Result<(), AddPortalError> {
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
    pub fn used(&mut self, key: &super::identity::ConsoleKey) -> bool {
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

fn checked_token(token: Option<&str>) -> Result<Option<Secret>, AddPortalError> {
    match token.map(str::trim).filter(|t| !t.is_empty()) {
        None => Ok(None),
        Some(token) if token.chars().any(|c| c.is_whitespace() || c.is_control()) => {
            Err(AddPortalError::MalformedToken)
        }
        Some(token) => Ok(Some(Secret::new(token))),
    }
}

fn checked_name(name: &str) -> Result<Option<String>, AddPortalError> {
    let name = name.trim();
    if name.chars().count() > NAME_AT_MOST || name.chars().any(char::is_control) {
        return Err(AddPortalError::BadName);
    }
    Ok(Some(name.to_owned()).filter(|n| !n.is_empty()))
}

fn checked_colour(colour: &str) -> Result<Option<Colour>, AddPortalError> {
    match colour.trim() {
        "" => Ok(None),
        name => Colour::from_name(name)
            .map(Some)
            .ok_or(AddPortalError::BadColour),
    }
}

fn checked_api_host(host: &str, portal: &PortalUrl) -> Result<Option<PortalUrl>, AddPortalError> {
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
            url: portal.url.origin().to_owned(),
            name: portal.name.clone(),
            colour: portal.colour.map(|c| c.name().to_owned()),
            api_host: portal.api_host.as_ref().map(|h| h.origin().to_owned()),
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
            .retain(|k| self.portals.iter().any(|p| p.url.origin() == k.origin));
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

/// The settings a policy may fix (their stored names, as in `managed_schema.json`).
pub const MANAGEABLE_SETTINGS: &[&str] = &[
    "staySignedIn",
    "consoleMode",
    "autoRenew",
    "notifyMinutes",
    "identityBar",
];

#[cfg(test)]
mod tests {
    /// Issue 17: the bounds of *notify minutes* held wherever a value comes from, not only
    /// in the options page.
    #[test]
    fn notify_minutes_are_held_to_one_to_sixty_from_every_source() {
        let read = |minutes: i64| {
            serde_json::from_value::<Settings>(serde_json::json!({ "notifyMinutes": minutes }))
                .unwrap()
                .notify_minutes
        };
        assert_eq!(
            (read(0), read(1), read(30), read(60), read(5000)),
            (1, 1, 30, 60, 60)
        );
        // A file imported.
        let mut file: serde_json::Value =
            serde_json::from_str(&Config::default().export()).unwrap();
        file["settings"]["notifyMinutes"] = 0.into();
        let imported = Config::import_json(&file.to_string()).unwrap();
        assert_eq!(imported.settings.notify_minutes, 1);
        // The administrator's policy.
        let policy = serde_json::json!({ "settings": { "notifyMinutes": 600 } });
        let managed = Config::default().with_managed(Some(&policy));
        assert_eq!(managed.settings.notify_minutes, 60);
        assert_eq!(managed.managed_settings, ["notifyMinutes"]);
        assert_eq!(bounded_notify_minutes(u32::MAX), *NOTIFY_MINUTES.end());
    }

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
        assert_eq!(
            config.remove_portal("https://other.duplocloud.net"),
            Err(AddPortalError::NotFound)
        );
        assert_eq!(config.remove_portal("https://acme.duplocloud.net"), Ok(()));
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

    fn tenant(origin: &str, id: &str) -> crate::core::identity::ConsoleKey {
        crate::core::identity::ConsoleKey {
            origin: origin.into(),
            role: crate::core::identity::Role::Tenant {
                id: id.into(),
                name: id.into(),
            },
        }
    }

    #[test]
    fn edits_portals_all_or_nothing() {
        let mut config = Config::default();
        config.add_portal("acme.duplocloud.net", None).unwrap();
        let origin = "https://acme.duplocloud.net";
        config
            .edit_portal(
                origin,
                PortalEdit {
                    name: Some(" Production ".into()),
                    colour: Some("red".into()),
                    api_host: Some("http://localhost:60020".into()),
                    api_token: Some("tok".into()),
                },
            )
            .unwrap();
        let portal = config.portal(origin).unwrap();
        assert_eq!(portal.display_name(), "Production");
        assert_eq!(portal.colour, Some(Colour::Red));
        assert_eq!(portal.api_url().origin(), "http://localhost:60020");
        assert_eq!(portal.api_token.as_ref().unwrap().expose(), "tok");
        let before = config.clone();
        for bad in [
            PortalEdit {
                name: Some("ok".into()),
                colour: Some("mauve".into()),
                ..PortalEdit::default()
            },
            PortalEdit {
                name: Some("x".repeat(NAME_AT_MOST + 1)),
                ..PortalEdit::default()
            },
            PortalEdit {
                api_host: Some("http://evil.example".into()),
                ..PortalEdit::default()
            },
            PortalEdit {
                api_host: Some("https://evil.example".into()),
                ..PortalEdit::default()
            },
            PortalEdit {
                api_host: Some("https://localhost.evil.example".into()),
                ..PortalEdit::default()
            },
        ] {
            assert!(config.edit_portal(origin, bad).is_err());
            assert_eq!(config, before);
        }
        config
            .edit_portal(
                origin,
                PortalEdit {
                    name: Some(String::new()),
                    colour: Some(String::new()),
                    api_host: Some(String::new()),
                    api_token: Some(Secret::new("")),
                },
            )
            .unwrap();
        assert_eq!(
            config.portal(origin).unwrap(),
            &Portal::new(PortalUrl::parse(origin).unwrap())
        );
    }

    #[test]
    fn a_file_cannot_send_a_portals_token_to_another_site() {
        let file = serde_json::json!({
            "format": EXPORT_FORMAT,
            "version": 1,
            "portals": [{"url": "https://acme.duplocloud.net", "apiHost": "https://evil.example"}],
        })
        .to_string();
        assert!(matches!(
            Config::import_json(&file),
            Err(ImportError::BadPortal(_, AddPortalError::ApiHostNotLocal))
        ));
        let sentence = AddPortalError::ApiHostNotLocal.user_text().english();
        assert!(sentence.contains("local development"), "{sentence}");
    }

    #[test]
    fn export_holds_no_secret_and_imports_back() {
        let mut config = Config::default();
        config
            .add_portal("acme.duplocloud.net", Some("tok-secret-1"))
            .unwrap();
        config.add_portal("http://localhost:3000", None).unwrap();
        config
            .edit_portal(
                "http://localhost:3000",
                PortalEdit {
                    name: Some("Local <dev>".into()),
                    colour: Some("green".into()),
                    api_host: Some("http://localhost:60020".into()),
                    ..PortalEdit::default()
                },
            )
            .unwrap();
        config.settings.auto_renew = false;
        config.set_favourite(
            &KeyId::from_text("https://acme.duplocloud.net|tenant:t1"),
            true,
        );
        config.used(&tenant("https://acme.duplocloud.net", "t1"));
        let file = config.export();
        assert!(!file.contains("tok-secret-1"), "{file}");
        let imported = Config::import_json(&file).unwrap();
        assert_eq!(imported.settings, config.settings);
        assert_eq!(imported.portals.len(), 2);
        assert_eq!(imported.portals[0].api_token, None);
        assert_eq!(imported.portals[1], config.portals[1]);

        // Importing on the same browser keeps the token of a portal that stays.
        let mut mine = config.clone();
        assert!(mine.replace_with(imported).is_empty());
        assert_eq!(mine.portals, config.portals);
        assert_eq!(mine.recent, config.recent);
    }

    #[test]
    fn a_removed_portal_gives_back_the_host_access_only_it_needed() {
        let granted = ["https://*.duplocloud.net/*", "http://localhost/*"];
        let mut before = Config::default();
        before.add_portal("duplo.acme.example", None).unwrap();
        before.add_portal("duplo.beta.example", None).unwrap();
        before.add_portal("acme.duplocloud.net", None).unwrap();
        let mut after = before.clone();
        after.remove_portal("https://duplo.acme.example").unwrap();
        assert_eq!(
            after.host_permissions_released(&before, &granted),
            ["https://duplo.acme.example/*"]
        );
        let mut after = before.clone();
        after.remove_portal("https://acme.duplocloud.net").unwrap();
        assert!(after
            .host_permissions_released(&before, &granted)
            .is_empty());
        assert_eq!(
            Config::default().host_permissions_released(&before, &granted),
            [
                "https://duplo.acme.example/*",
                "https://duplo.beta.example/*"
            ]
        );
    }

    #[test]
    fn an_import_cannot_move_a_stored_api_token_nor_override_the_policy() {
        let mut mine = Config::default();
        mine.add_portal("acme.duplocloud.net", Some("tok-secret-1"))
            .unwrap();
        mine.settings.stay_signed_in = false;
        mine.managed_settings = vec!["staySignedIn".into()];
        // A file that sends acme's API to a local port and turns sessions on disk on.
        let file = r#"{"format":"jit-console-config","version":1,
            "portals":[{"url":"https://acme.duplocloud.net","apiHost":"http://localhost:4444"}],
            "settings":{"staySignedIn":true,"notifyMinutes":7}}"#;
        let dropped = mine.replace_with(Config::import_json(file).unwrap());
        assert_eq!(dropped.len(), 1);
        let acme = mine.portal("https://acme.duplocloud.net").unwrap();
        assert_eq!(
            acme.api_token, None,
            "the token does not follow a new API host"
        );
        assert_eq!(
            acme.api_host.as_ref().map(PortalUrl::origin),
            Some("http://localhost:4444")
        );
        assert!(!mine.settings.stay_signed_in, "the policy fixes it");
        assert_eq!(mine.settings.notify_minutes, 7, "the rest is the file's");
    }

    #[test]
    fn import_refuses_what_is_not_a_good_export() {
        for (text, expected) in [
            ("not json", ImportError::NotOurs),
            ("{\"format\":\"other\",\"version\":1}", ImportError::NotOurs),
            (
                "{\"format\":\"jit-console-config\",\"version\":99}",
                ImportError::TooNew(99),
            ),
            (
                "{\"format\":\"jit-console-config\",\"version\":1,\"settings\":{\"autoRenew\":\"yes\"}}",
                ImportError::NotOurs,
            ),
        ] {
            assert_eq!(Config::import_json(text), Err(expected), "{text}");
        }
        let bad = r#"{"format":"jit-console-config","version":1,"portals":[{"url":"acme.duplocloud.net"},{"url":"http://evil.com"}]}"#;
        assert!(matches!(
            Config::import_json(bad),
            Err(ImportError::BadPortal(url, _)) if url == "http://evil.com"
        ));
        let huge = format!(
            "{{\"format\":\"{}\",\"x\":\"{}\"}}",
            EXPORT_FORMAT,
            "a".repeat(IMPORT_AT_MOST)
        );
        assert_eq!(Config::import_json(&huge), Err(ImportError::TooLarge));
        assert!(Config::import_json(&"[".repeat(10_000)).is_err());
    }

    #[test]
    fn managed_portals_come_first_and_cannot_be_removed() {
        let mut config = Config::default();
        config.add_portal("mine.duplocloud.net", None).unwrap();
        config
            .add_portal("corp.duplocloud.net", Some("my-token"))
            .unwrap();
        let policy = serde_json::json!({
            "portals": [
                {"url": "https://corp.duplocloud.net", "name": "Corp", "colour": "blue"},
                {"url": "http://evil.com"},
                42
            ],
            "settings": {"autoRenew": false, "notifyMinutes": "ten", "bogus": 1}
        });
        let merged = config.with_managed(Some(&policy));
        let hosts: Vec<_> = merged
            .portals
            .iter()
            .map(|p| (p.url.host(), p.managed))
            .collect();
        assert_eq!(
            hosts,
            [
                ("corp.duplocloud.net", true),
                ("mine.duplocloud.net", false)
            ]
        );
        assert_eq!(merged.portals[0].display_name(), "Corp");
        assert_eq!(
            merged.portals[0].api_token.as_ref().unwrap().expose(),
            "my-token"
        );
        assert!(!merged.settings.auto_renew);
        assert_eq!(merged.settings.notify_minutes, 5);
        assert_eq!(merged.managed_settings, ["autoRenew"]);
        let mut after = merged.clone();
        assert_eq!(
            after.remove_portal("https://corp.duplocloud.net"),
            Err(AddPortalError::Managed("corp.duplocloud.net".into()))
        );
        assert!(after
            .edit_portal(
                "https://corp.duplocloud.net",
                PortalEdit {
                    name: Some("x".into()),
                    ..PortalEdit::default()
                }
            )
            .is_err());
        // Storage keeps the user's own portals only; the policy is read again each time.
        let stored = Config::from_stored(Some(merged.to_stored())).0;
        assert_eq!(stored.portals.len(), 1);
        assert!(!merged.export().contains("corp.duplocloud.net"));
    }

    #[test]
    fn settings_the_policy_fixes_keep_their_value() {
        let current = Settings {
            auto_renew: false,
            notify_minutes: 9,
            identity_bar: false,
            ..Settings::default()
        };
        let mut wanted = Settings {
            stay_signed_in: true,
            auto_renew: true,
            notify_minutes: 1,
            favourites: vec![KeyId::from_text("x")],
            ..Settings::default()
        };
        wanted.keep(
            &current,
            &[
                "autoRenew".into(),
                "notifyMinutes".into(),
                "identityBar".into(),
                "bogus".into(),
            ],
        );
        assert!(!wanted.auto_renew);
        assert!(!wanted.identity_bar);
        assert_eq!(wanted.notify_minutes, 9);
        assert!(wanted.stay_signed_in);
        assert_eq!(wanted.favourites, [KeyId::from_text("x")]);
    }

    #[test]
    fn recent_is_short_and_most_recent_first() {
        let mut config = Config::default();
        let origin = "https://acme.duplocloud.net";
        for i in 0..20 {
            config.used(&tenant(origin, &format!("t{i}")));
        }
        assert_eq!(config.recent.len(), Config::RECENT_AT_MOST);
        assert!(!config.used(&tenant(origin, "t19")));
        assert!(config.used(&tenant(origin, "t15")));
        assert_eq!(config.recent[0], tenant(origin, "t15"));
        assert_eq!(
            config
                .recent
                .iter()
                .filter(|k| **k == tenant(origin, "t15"))
                .count(),
            1
        );
    }
}
