//! A portal's session and its sign-in attempts, as data: what is stored, what waits for a
//! sign-in, what the service is told to do.

use crate::core::portal_api::{SystemFeatures, UserInfo};
use crate::core::secret::Secret;
use crate::core::text::UserText;
use serde::{Deserialize, Serialize};

/// How long the user has to authorize (as `duplo-jit`).
pub const SIGN_IN_TIMEOUT_MS: u64 = 180_000;
/// The application name the portal shows in its prompt.
pub const APP_NAME: &str = "JIT Console";
/// The extension page the hand-off is redirected to.
pub const HANDOFF_PAGE: &str = "handoff.html";
/// Hand-off ports are drawn from this range (nothing listens on them: the redirect never
/// reaches the network).
pub const PORT_RANGE: std::ops::Range<u32> = 20_000..60_000;

/// After an authorization page was opened for a portal, no other opens by itself for this
/// long, whatever fails (as `duplo-jit` 0.5.12's `DUPLO_JIT_AUTH_COOLDOWN`): no tab storm.
/// Only the person's own **Sign in** click is not held back.
pub const AUTHORIZE_COOLDOWN_MS: u64 = 60_000;
/// A portal is signed in again after a 401 (quietly, or with a page) at most this often.
pub const RESIGN_INTERVAL_MS: u64 = 60_000;
/// How many refused tokens a portal remembers (by fingerprint).
pub(super) const REFUSED_AT_MOST: usize = 8;

/// A browser tab id.
pub type TabId = i32;

/// Who asked for the work that met a 401: it decides whether a tab may open.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Initiator {
    /// A person, just now: a tenant click, Sign in, a menu entry, the omnibox, a shortcut.
    Person,
    /// Nobody just now: a refresh when the popup opens, a revalidation. Never opens a tab.
    Background,
    /// The automatic renewal of open consoles: may open one authorization page, in the
    /// background, with a notification to bring it forward.
    Renewal,
}

/// How to sign in again after a 401.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Reauthorize {
    /// Not now: the 401 was for an old token, an API token was refused (the person must
    /// replace it), a sign-in is already pending, or the portal was signed in again too
    /// recently. What a person asked for waits for their next sign-in.
    Nothing,
    /// Only without a page: an open, logged-in portal tab's token (never a refused one).
    Quietly,
    /// Quietly if that works, else through the portal's authorization page: in front for
    /// a person (`focus`), in the background for a renewal.
    WithPage {
        /// Whether the page comes to the front.
        focus: bool,
    },
}

/// A refused token's fingerprint: enough to know it again, nothing to use it with.
pub(super) fn fingerprint(token: &Secret) -> String {
    format!("{:016x}", crate::util::fnv1a(token.expose()))
}

/// Where the session's token came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum TokenSource {
    /// The portal's authorization page (the hand-off).
    Handoff,
    /// Read from an open, logged-in tab of the portal (zero clicks).
    PortalTab,
    /// The API token the user configured.
    ApiToken,
}

/// A sign-in waiting for the user to click Authorize.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SignInAttempt {
    /// The `localPort` given to the portal; also the redirect rule's id.
    pub port: u16,
    /// The authorization tab, once opened.
    pub tab_id: Option<TabId>,
    /// When the attempt gives up.
    pub deadline_ms: u64,
    /// Whether a token already arrived (a second one is refused).
    pub token_received: bool,
    /// The one-time value the redirect rule adds (`n=`); a hand-off without it was not
    /// produced by the redirect. Empty in attempts stored before it existed: those accept
    /// nothing.
    #[serde(default)]
    pub nonce: String,
}

/// An attempt that ended: its rule and its tab go.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct EndedAttempt {
    /// The rule's id.
    pub port: u16,
    /// The authorization tab, if it was opened.
    pub tab_id: Option<TabId>,
}

/// A portal session that works.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ActiveSession {
    /// The bearer token.
    #[serde(with = "crate::core::secret::exposed")]
    pub token: Secret,
    /// Where it came from.
    pub source: TokenSource,
    /// Who it belongs to.
    pub user: UserInfo,
    /// What the portal enables, once read.
    pub features: Option<SystemFeatures>,
    /// When it was validated.
    pub since_ms: u64,
}

/// One portal's session.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "state", rename_all = "camelCase")]
pub enum Session {
    /// No session.
    #[default]
    SignedOut,
    /// Waiting for the user to authorize in the portal.
    SigningIn(SignInAttempt),
    /// Signed in.
    Active(ActiveSession),
}

/// Work that waits for a session and resumes after the sign-in, so no click is lost.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "camelCase")]
pub enum Waiting {
    /// Read the tenants again.
    RefreshTenants,
    /// Open a console (the user's click).
    OpenConsole(Box<crate::core::consoles::OpenConsole>),
    /// Renew an identity's credentials and sign its console tabs in again.
    Renew(crate::core::identity::ConsoleKey),
}

/// Everything known about one portal's session.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PortalSession {
    /// The session.
    pub session: Session,
    /// The last problem, for the popup; cleared by success.
    pub error: Option<UserText>,
    /// What resumes after the next successful sign-in.
    pub waiting: Vec<Waiting>,
    /// Fingerprints of the tokens the portal answered 401 to, newest last: none of them is
    /// accepted again (an open portal tab may still hold one).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub refused: Vec<String>,
    /// When an authorization page was last opened for this portal ([`AUTHORIZE_COOLDOWN_MS`]).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub authorize_opened_ms: Option<u64>,
    /// When the last sign-in after a 401 started ([`RESIGN_INTERVAL_MS`]).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub resigned_ms: Option<u64>,
    /// A renewal wanted the authorization page while the cooldown held it back: it opens
    /// once the cooldown is over ([`Sessions::deferred_page_due`]), once.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub page_deferred: bool,
}
