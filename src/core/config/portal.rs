//! One configured portal, its colour, and an edit of it.

use crate::core::portal_url::PortalUrl;
use crate::core::secret::Secret;
use crate::core::text::msg;
use serde::{Deserialize, Serialize};

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
    pub fn label(self) -> crate::core::text::Msg {
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
