//! The hand-off itself: the authorization URL, the redirect rule, reading the token's page, and
//! the portal's cancel page.

use super::{SignInPlan, TabId, APP_NAME, HANDOFF_PAGE};
use crate::core::portal_url::Origin;
use crate::core::portal_url::PortalUrl;
use crate::core::secret::Secret;
use crate::core::weburl::WebUrl;

/// Why a hand-off was refused. None of these change any state.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum HandoffRefusal {
    /// The URL is not a hand-off URL, or holds no token.
    #[error("malformed hand-off")]
    Malformed,
    /// No sign-in is pending for this port: the extension did not ask for it.
    #[error("no sign-in pending for that port")]
    NotPending,
    /// It arrived in another tab than the authorization tab.
    #[error("arrived in another tab")]
    WrongTab,
    /// It lacks the redirect's nonce: another document than the redirect's sent it.
    #[error("not from the redirect")]
    NotFromRedirect,
    /// A token already arrived for this attempt.
    #[error("already used")]
    AlreadyUsed,
    /// Too late.
    #[error("expired")]
    Expired,
}

/// A token handed off by a portal, accepted for validation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Handoff {
    /// The portal it came from.
    pub origin: Origin,
    /// The token to validate.
    pub token: Secret,
    /// The authorization tab, to close.
    pub tab_id: Option<TabId>,
}

/// The portal's authorization page for a hand-off on `port`.
pub fn authorize_url(portal: &PortalUrl, port: u16) -> String {
    format!(
        "{}/app/user/verify-token?localAppName={}&localPort={port}&redirect=true",
        portal.origin(),
        APP_NAME.replace(' ', "%20")
    )
}

/// What `handoff.html?port=N&n=NONCE&t=TOKEN` (the redirected `http://localhost:N/?t=TOKEN`)
/// holds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HandoffUrl {
    /// The attempt's port.
    pub port: u16,
    /// The redirect's nonce (empty when absent).
    pub nonce: String,
    /// The token.
    pub token: Secret,
}

/// Reads a hand-off URL; any of its parameters twice, or no plausible token, is no hand-off.
pub fn parse_handoff_url(url: &str) -> Option<HandoffUrl> {
    let parsed = WebUrl::parse(url).ok()?;
    if !parsed.path().ends_with(HANDOFF_PAGE) {
        return None;
    }
    let mut port = None;
    let mut nonce = None;
    let mut token = None;
    for (key, value) in parsed.query_pairs() {
        match key.as_str() {
            "port" if port.is_none() => port = Some(value.parse::<u16>().ok()),
            "n" if nonce.is_none() => nonce = Some(value),
            "t" if token.is_none() => token = Some(value),
            "port" | "n" | "t" => return None,
            _ => {}
        }
    }
    let token =
        token.filter(|t| !t.is_empty() && t.len() <= 16_384 && !t.chars().any(char::is_control))?;
    Some(HandoffUrl {
        port: port.flatten()?,
        nonce: nonce.unwrap_or_default(),
        token: Secret::new(token),
    })
}

/// A nonce for the redirect rule, from `random` (96 bits of it as hex).
pub(super) fn nonce_of(random: u128) -> String {
    format!("{:024x}", random >> 32)
}

/// A token as a portal page keeps it in `localStorage` (possibly JSON-quoted). Anything with
/// spaces or control characters, or absurdly long, is not a token.
pub fn normalize_page_token(raw: &str) -> Option<Secret> {
    let trimmed = raw.trim();
    let unquoted = serde_json::from_str::<String>(trimmed).unwrap_or_else(|_| trimmed.to_owned());
    let plausible = !unquoted.is_empty()
        && unquoted.len() <= 16_384
        && !unquoted
            .chars()
            .any(|c| c.is_whitespace() || c.is_control());
    plausible.then(|| Secret::new(unquoted))
}

/// The `declarativeNetRequest` session rule that catches the hand-off of one attempt: only
/// `http://localhost:N/?…` or `http://127.0.0.1:N/?…`, only as a top-level navigation the
/// portal started, only in the authorization tab.
pub fn handoff_rule(
    portal: &PortalUrl,
    plan: &SignInPlan,
    tab_id: TabId,
    extension_base: &str,
) -> serde_json::Value {
    let initiator = portal.host().split(':').next().unwrap_or_default();
    let SignInPlan { port, nonce, .. } = plan;
    serde_json::json!({
        "id": i32::from(*port),
        "priority": 1,
        "action": {
            "type": "redirect",
            "redirect": {
                "regexSubstitution":
                    format!("{extension_base}{HANDOFF_PAGE}?port={port}&n={nonce}&\\2")
            }
        },
        "condition": {
            "regexFilter": format!("^http://(localhost|127\\.0\\.0\\.1):{port}/\\?(.*)$"),
            "resourceTypes": ["main_frame"],
            "tabIds": [tab_id],
            "initiatorDomains": [initiator]
        }
    })
}

/// The portal's page after the user clicked Cancel on the authorization prompt. (The real
/// portal's behaviour is not documented; the simulator's guess is this query flag.)
pub fn is_cancel_page(url: &str) -> bool {
    WebUrl::parse(url).is_ok_and(|u| {
        u.path() == "/app/user/verify-token"
            && u.query_pairs()
                .iter()
                .any(|(k, v)| k == "cancelled" && v == "true")
    })
}
