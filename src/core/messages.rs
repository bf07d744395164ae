//! The one message type between the popup/options pages and the service worker. Both ends
//! are this crate, so both ends agree by construction; the JSON form is what crosses
//! `runtime.sendMessage`.

use super::portal_url::Origin;
use serde::{Deserialize, Serialize};

use super::config::{PortalEdit, Settings};
use super::consoles::OpenConsole;
use super::copy::CopyFormat;
use super::identity::{ConsoleKey, TenantId};
use super::kubernetes::KubeFormat;
use super::secret::Secret;
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
    /// The current state without the tenant lists (their sizes in
    /// [`PortalView::tenants_total`]): the options page shows none of them, and with
    /// thousands of tenants carrying them across was most of its opening.
    GetOverview,
    /// The popup's first state: as [`Request::GetStateFor`], the worker deciding which tab
    /// the popup was opened over ([`super::popup`]). The popup sends it while its
    /// own module still loads; later renders send [`Request::GetStateFor`] with the portal
    /// this answer named.
    GetPopupState {
        /// As in [`Request::GetStateFor`].
        #[serde(default)]
        first_page: bool,
    },
    /// The current state, and which portal the tab the popup was opened over belongs to.
    GetStateFor {
        /// That tab.
        tab_id: Option<i32>,
        /// Its address, when the browser shows it to us (or the portal's origin, once known).
        url: Option<String>,
        /// Only what the popup's first render shows of each portal's tenants (the first
        /// page, unfiltered), with their number in [`PortalView::tenants_total`]: with
        /// thousands of tenants, most of the popup's opening went to carrying them across.
        /// The popup asks for the whole list right after.
        #[serde(default)]
        first_page: bool,
    },
    /// Change a portal's name, colour, API host or API token.
    EditPortal {
        /// The portal's origin.
        origin: Origin,
        /// What changes.
        edit: PortalEdit,
    },
    /// Pin a tenant to the top of its portal's list, or unpin it.
    SetFavourite {
        /// Which.
        key: ConsoleKey,
        /// Pinned.
        favourite: bool,
    },
    /// The configuration as a file (no secret in it).
    ExportConfig,
    /// Replace the configuration with an exported file's.
    ImportConfig {
        /// The file's text.
        text: String,
    },
    /// Sign out everywhere and forget every portal, setting, tenant list and credential
    /// (what the administrator's policy sets stays).
    ForgetEverything,
    /// Add a portal from what the user typed in the options page.
    AddPortal {
        /// The "Portal URL" text box.
        url: String,
        /// The "API token" text box (empty means none).
        #[serde(default, with = "crate::core::secret::exposed::option")]
        api_token: Option<Secret>,
    },
    /// Remove the portal with this origin.
    RemovePortal {
        /// The portal's origin, as [`PortalView::origin`] gave it.
        origin: Origin,
    },
    /// Sign in to a portal (API token, an open portal tab, or the portal's authorization page).
    SignIn {
        /// The portal's origin.
        origin: Origin,
    },
    /// Sign in only if it needs no page: an API token or an open, logged-in portal tab.
    SignInQuietly {
        /// The portal's origin.
        origin: Origin,
    },
    /// Forget a portal's session.
    SignOut {
        /// The portal's origin.
        origin: Origin,
    },
    /// Read a portal's tenants again (the popup shows the cached list meanwhile).
    Refresh {
        /// The portal's origin.
        origin: Origin,
    },
    /// Open (or focus) a console.
    OpenConsole {
        /// What to open.
        open: OpenConsole,
        /// A one-time code, for admin consoles of portals that need one.
        #[serde(default, with = "crate::core::secret::exposed::option")]
        otp: Option<Secret>,
        /// In a multi-session console at AWS's limit, sign the least recently used session
        /// out to make room (the person agreed); without it the answer asks.
        #[serde(default)]
        make_room: bool,
    },
    /// Get new credentials now.
    RefreshCredentials {
        /// Whose.
        key: ConsoleKey,
        /// A one-time code, for admin roles.
        #[serde(default, with = "crate::core::secret::exposed::option")]
        otp: Option<Secret>,
    },
    /// The credentials as text for the command line.
    CopyCredentials {
        /// Whose.
        key: ConsoleKey,
        /// In which form.
        format: CopyFormat,
        /// A one-time code, for admin roles.
        #[serde(default, with = "crate::core::secret::exposed::option")]
        otp: Option<Secret>,
    },
    /// Whether a tenant has Kubernetes (its More panel then offers copying its access).
    /// Answered by [`Response::TenantFeatures`]; never signs in.
    TenantFeatures {
        /// The tenant.
        key: ConsoleKey,
    },
    /// A tenant's Kubernetes access as text for `kubectl` ([`super::kubernetes`]).
    CopyKubernetes {
        /// The tenant.
        key: ConsoleKey,
        /// In which form.
        format: KubeFormat,
    },
    /// Renew an identity's consoles now, the tab in use included.
    RenewNow {
        /// Whose.
        key: ConsoleKey,
    },
    /// Renew an identity even without open console tabs (or stop doing so).
    SetKeepAlive {
        /// Whose.
        key: ConsoleKey,
        /// Keep it alive.
        keep: bool,
    },
    /// Change the user's settings.
    SetSettings(Settings),
    /// `handoff.html` received the portal's redirect; `url` is its own address.
    Handoff {
        /// The hand-off page's URL (`…/handoff.html?port=N&t=…`); it carries the portal's
        /// token, so it is a secret.
        #[serde(with = "crate::core::secret::exposed")]
        url: Secret,
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
    /// Text to put on the clipboard (the user asked for it), and the state.
    Copied {
        /// The text; secret.
        #[serde(with = "crate::core::secret::exposed")]
        text: Secret,
        /// The state.
        state: StateView,
    },
    /// What a tenant has ([`Request::TenantFeatures`]), and the state.
    TenantFeatures {
        /// Whether its portal offers Kubernetes JIT access for it.
        kubernetes: bool,
        /// The state.
        state: StateView,
    },
    /// The configuration file, and the state.
    Exported {
        /// The file's text (JSON).
        file: String,
        /// The state.
        state: StateView,
    },
    /// The request was refused or failed; nothing changed.
    Error {
        /// The sentence for the user.
        message: UserText,
        /// The state, unchanged, so the page can keep rendering.
        state: StateView,
    },
}

impl Response {
    /// The state every answer carries.
    pub fn state(&self) -> &StateView {
        match self {
            Self::State(state)
            | Self::Copied { state, .. }
            | Self::Exported { state, .. }
            | Self::TenantFeatures { state, .. }
            | Self::Error { state, .. } => state,
        }
    }
}

/// Everything a page shows. Holds no secret.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct StateView {
    /// The configured portals, in the user's order.
    pub portals: Vec<PortalView>,
    /// The user's settings.
    pub settings: Settings,
    /// The settings the administrator's policy fixes (their stored names).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub managed_settings: Vec<String>,
    /// The portal the tab the popup was opened over belongs to (a page of it, or a console
    /// of one of its tenants), when the popup asked.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub active_origin: Option<Origin>,
    /// AWS's multi-session console: how many sessions of each partition are signed in
    /// (only partitions with any).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub aws_sessions: Vec<AwsSessionsView>,
}

/// How full AWS's multi-session console is in one partition.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AwsSessionsView {
    /// The partition (`aws`, `aws-us-gov`, `aws-cn`).
    pub partition: String,
    /// Live sessions signed in by the extension.
    pub signed_in: usize,
    /// How many AWS allows.
    pub limit: usize,
}

/// One portal as the pages show it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PortalView {
    /// `https://host[:port]`: the portal's identity in requests.
    pub origin: Origin,
    /// `host[:port]`: its name for the user.
    pub host: String,
    /// The name the user (or the policy) gave it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// Its colour (a [`crate::core::config::Colour`] name).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub colour: Option<String>,
    /// Set by the administrator's policy: not removable, not renamable.
    #[serde(default)]
    pub managed: bool,
    /// The origin its API calls go to, when not its own.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub api_host: Option<String>,
    /// Whether it signs in with an API token rather than the portal hand-off.
    pub uses_api_token: bool,
    /// The session.
    pub session: SessionView,
    /// The last problem with this portal, as a sentence.
    pub error: Option<UserText>,
    /// The tenants, sorted by name, when a list was ever read (shown even while signed out).
    pub tenants: Option<Vec<TenantView>>,
    /// Set when `tenants` holds only the first page ([`Request::GetStateFor`]), or none of
    /// them ([`Request::GetOverview`]): how many there are in all.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tenants_total: Option<usize>,
}

/// A portal session as the pages show it.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(
    tag = "state",
    rename_all = "camelCase",
    rename_all_fields = "camelCase"
)]
pub enum SessionView {
    /// Not signed in.
    #[default]
    SignedOut,
    /// Waiting for the user to authorize in the portal.
    SigningIn,
    /// Signed in.
    Active {
        /// The portal user.
        username: String,
        /// Whether the user is a portal administrator.
        is_admin: bool,
        /// Whether "Open AWS console as administrator" is offered.
        admin_jit: bool,
        /// Whether the duplo-ops console is offered.
        duplo_ops: bool,
        /// Whether admin actions need a one-time code.
        otp_needed: bool,
    },
}

/// One tenant as the pages show it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct TenantView {
    /// The tenant's id.
    pub id: TenantId,
    /// Its name, exactly as the portal spells it.
    pub name: String,
    // What most of thousands of tenants do not have is left out of the JSON: the popup
    // receives the whole list when it opens (half the bytes for 2,000 tenants).
    /// When its live credentials expire, if it has any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expires_ms: Option<u64>,
    /// Whether a console tab of it is open.
    #[serde(default, skip_serializing_if = "is_false")]
    pub console_open: bool,
    /// Whether it holds the (single-session) AWS console now.
    #[serde(default, skip_serializing_if = "is_false")]
    pub holds_console: bool,
    /// Whether it is renewed even without open tabs.
    #[serde(default, skip_serializing_if = "is_false")]
    pub keep_alive: bool,
    /// Its place among the favourites, when pinned.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub favourite: Option<u16>,
    /// Its place among the recently used, when it is one of them.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub recent: Option<u16>,
}

fn is_false(value: &bool) -> bool {
    !value
}

#[cfg(test)]
impl TenantView {
    /// A tenant with no console, not pinned nor recent: what most of a long list is.
    pub(crate) fn quiet(id: &str, name: &str) -> Self {
        Self {
            id: id.into(),
            name: name.into(),
            expires_ms: None,
            console_open: false,
            holds_console: false,
            keep_alive: false,
            favourite: None,
            recent: None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_tenant_without_console_is_two_fields_and_reads_back() {
        let quiet = TenantView::quiet("t-1", "dev01");
        let text = serde_json::to_string(&quiet).unwrap();
        assert_eq!(text, r#"{"id":"t-1","name":"dev01"}"#);
        assert_eq!(serde_json::from_str::<TenantView>(&text).unwrap(), quiet);
        let busy = TenantView {
            expires_ms: Some(9),
            console_open: true,
            holds_console: true,
            keep_alive: true,
            favourite: Some(0),
            recent: Some(1),
            ..quiet
        };
        let text = serde_json::to_string(&busy).unwrap();
        assert_eq!(serde_json::from_str::<TenantView>(&text).unwrap(), busy);
    }

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
}
