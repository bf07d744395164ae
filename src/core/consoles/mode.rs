//! The console's sign-in modes: the setting, what was detected, and the route a sign-in takes.

use crate::core::identity::KeyId;
use serde::{Deserialize, Serialize};

/// How the console keeps identities.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum ConsoleModeSetting {
    /// Detect it from where sign-ins land.
    #[default]
    Auto,
    /// One identity per browser profile: sign out before signing in as someone else.
    Single,
    /// AWS's multi-session mode: several identities at once; never sign out.
    Multi,
}

impl ConsoleModeSetting {
    /// Every setting, in the options page's order, with its one name (stored, as serde
    /// writes it, and in the page's markup).
    pub const NAMES: &'static [(ConsoleModeSetting, &'static str)] = &[
        (Self::Auto, "auto"),
        (Self::Single, "single"),
        (Self::Multi, "multi"),
    ];

    /// The setting's name ([`Self::NAMES`]).
    pub fn name(self) -> &'static str {
        crate::util::name_in(Self::NAMES, &self)
    }

    /// The setting named `name` ([`Self::NAMES`]).
    pub fn from_name(name: &str) -> Option<ConsoleModeSetting> {
        crate::util::named(Self::NAMES, name)
    }

    /// The setting's name as the person reads it.
    pub fn label(self) -> crate::core::text::Msg {
        match self {
            Self::Auto => crate::core::text::msg::CONSOLE_MODE_AUTO,
            Self::Single => crate::core::text::msg::CONSOLE_MODE_SINGLE,
            Self::Multi => crate::core::text::msg::CONSOLE_MODE_MULTI,
        }
    }
}

/// What the console turned out to be.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum ConsoleMode {
    /// Single-session.
    Single,
    /// Multi-session.
    Multi,
}

/// How to sign a new console tab in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SignInRoute {
    /// This identity holds the console already: open the page itself.
    Direct,
    /// Federation login.
    Login {
        /// Send the tab through AWS's logout first (single-session console held by someone
        /// else).
        logout_first: bool,
    },
    /// This identity has a live session in the multi-session console: open the page on
    /// that session's host (`url`), without a sign-in, so AWS counts no second session.
    OnSession {
        /// The destination on the session's host ([`crate::core::multi_session::page_on`]).
        url: String,
    },
    /// Federation login in a multi-session console at AWS's limit: sign out of the session
    /// on `host` (identity `id`'s) first ([`super::multi_session`]).
    MakeRoom {
        /// The session's host.
        host: String,
        /// Whose session it is.
        id: KeyId,
    },
}
