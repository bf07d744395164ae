//! The one message type between the popup/options pages and the service worker. Both ends
//! are this crate, so both ends agree by construction; the JSON form is what crosses
//! `runtime.sendMessage`.

use serde::{Deserialize, Serialize};

use super::config::Config;
use super::text::UserText;

/// What a page asks the worker.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(
    tag = "type",
    rename_all = "camelCase",
    rename_all_fields = "camelCase"
)]
pub enum Request {
    /// The current state, for rendering.
    GetState,
    /// Add a portal from what the user typed in the options page.
    AddPortal {
        /// The "Portal URL" text box.
        url: String,
        /// The "API token" text box (empty means none).
        api_token: Option<String>,
    },
    /// Remove the portal with this origin.
    RemovePortal {
        /// The portal's origin, as [`PortalView::origin`] gave it.
        origin: String,
    },
}

/// What the worker answers.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(
    tag = "type",
    rename_all = "camelCase",
    rename_all_fields = "camelCase"
)]
pub enum Response {
    /// The state after the request.
    State(StateView),
    /// The request was refused or failed; nothing changed.
    Error {
        /// The sentence for the user.
        message: UserText,
        /// The state, unchanged, so the page can keep rendering.
        state: StateView,
    },
}

/// Everything a page shows. Holds no secret.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct StateView {
    /// The configured portals, in the user's order.
    pub portals: Vec<PortalView>,
}

/// One portal as the pages show it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PortalView {
    /// `https://host[:port]`: the portal's identity in requests.
    pub origin: String,
    /// `host[:port]`: its name for the user.
    pub host: String,
    /// Whether it signs in with an API token rather than the portal hand-off.
    pub uses_api_token: bool,
}

impl StateView {
    /// The view of a configuration: no secret crosses to a page.
    pub fn of(config: &Config) -> Self {
        Self {
            portals: config
                .portals
                .iter()
                .map(|p| PortalView {
                    origin: p.url.origin().to_owned(),
                    host: p.url.host().to_owned(),
                    uses_api_token: p.api_token.is_some(),
                })
                .collect(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wire_form_is_stable() {
        let request = Request::AddPortal {
            url: "acme.duplocloud.net".into(),
            api_token: None,
        };
        assert_eq!(
            serde_json::to_value(&request).unwrap(),
            serde_json::json!({"type": "addPortal", "url": "acme.duplocloud.net", "apiToken": null})
        );
        assert_eq!(
            serde_json::from_value::<Request>(serde_json::json!({"type": "getState"})).unwrap(),
            Request::GetState
        );
        assert!(serde_json::from_value::<Request>(serde_json::json!({"type": "rmRf"})).is_err());
    }

    #[test]
    fn the_view_carries_no_secret() {
        let mut config = Config::default();
        config
            .add_portal("acme.duplocloud.net", Some("tok-secret"))
            .unwrap();
        let view = StateView::of(&config);
        assert!(view.portals[0].uses_api_token);
        assert!(!serde_json::to_string(&view).unwrap().contains("tok-secret"));
    }
}
