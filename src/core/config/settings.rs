//! The user's choices, their bounds and defaults, and which a policy may fix.

use crate::core::identity::KeyId;
use serde::{Deserialize, Serialize};

/// The user's choices.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct Settings {
    /// Keep portal sessions in `storage.local` (on disk) so they survive a browser restart.
    /// Off by default: sessions live in `storage.session`, in memory only.
    pub stay_signed_in: bool,
    /// How the AWS Console keeps identities (detected by default).
    pub console_mode: crate::core::consoles::ConsoleModeSetting,
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
            console_mode: crate::core::consoles::ConsoleModeSetting::default(),
            auto_renew: true,
            notify_minutes: 5,
            keep_alive: Vec::new(),
            favourites: Vec::new(),
            identity_bar: true,
        }
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
