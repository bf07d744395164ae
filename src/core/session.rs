//! Portal sessions: who is signed in to which portal, and the sign-in hand-off.
//!
//! Pure: every function takes the time (`now_ms`, milliseconds since the epoch) and what
//! happened, and changes the state or says what to do. The service performs the I/O.
//!
//! The hand-off (after `duplo-jit --interactive`): we open the portal's authorization page
//! with `localPort=N`; when the user clicks Authorize, the portal sends that tab to
//! `http://localhost:N/?t=<token>`. A session rule of `declarativeNetRequest`, limited to that
//! tab and to navigations the portal started, redirects it to our `handoff.html` before it
//! reaches the network. A token is accepted only while that attempt is pending, from that
//! tab, before its deadline, and once.
//!
//! The redirect also carries a one-time nonce that only the rule knows (`n=`): a document
//! the redirect did not produce (a page the tab was sent to, which loads the web-accessible
//! `handoff.html?port=N&t=…` itself) cannot know it, so it can neither hand over a token
//! nor end the attempt. This stands in for Chromium's `documentId`, which the worker could
//! only learn for the redirect's document with the `webNavigation` permission, and which
//! Firefox does not have.
//!
//! Every way an attempt ends (a token, a refusal, the deadline, its tab closed or cancelled,
//! sign-out, the portal removed, another sign-in) puts it in [`Sessions::take_ended`]: the
//! service removes its rule and closes its tab, so no tab is left that could still send a
//! token to `localhost:N`.

use serde::{Deserialize, Serialize};

use super::portal_api::{SystemFeatures, UserInfo};
use super::portal_url::PortalUrl;
use super::secret::Secret;
use super::text::{msg, UserText};
use super::weburl::WebUrl;
use std::collections::{BTreeMap, BTreeSet};

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
const REFUSED_AT_MOST: usize = 8;

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
fn fingerprint(token: &Secret) -> String {
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
    OpenConsole(Box<super::consoles::OpenConsole>),
    /// Renew an identity's credentials and sign its console tabs in again.
    Renew(super::identity::ConsoleKey),
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

/// All portals' sessions, by portal origin.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Sessions {
    /// By origin.
    pub portals: BTreeMap<String, PortalSession>,
    /// Attempts that ended since the service last asked ([`Self::take_ended`]).
    #[serde(skip)]
    ended: Vec<EndedAttempt>,
}

/// Sets `entry`'s session; an attempt it replaces goes to `ended`.
fn replace_session(ended: &mut Vec<EndedAttempt>, entry: &mut PortalSession, next: Session) {
    if let Session::SigningIn(attempt) = std::mem::replace(&mut entry.session, next) {
        ended.push(EndedAttempt {
            port: attempt.port,
            tab_id: attempt.tab_id,
        });
    }
}

/// What to do to start a hand-off sign-in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SignInPlan {
    /// The portal's authorization page, to open in a tab.
    pub authorize_url: String,
    /// The `localPort` it names.
    pub port: u16,
    /// The nonce the redirect rule adds ([`handoff_rule`]).
    pub nonce: String,
}

/// The result of asking to sign in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SignInStart {
    /// Open this page.
    Open(SignInPlan),
    /// A sign-in is already pending: show its tab rather than open another.
    AlreadyPending(Option<TabId>),
}

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
    pub origin: String,
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
fn nonce_of(random: u128) -> String {
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

impl Sessions {
    /// The session of `origin` (signed out when unknown).
    pub fn get(&self, origin: &str) -> PortalSession {
        self.portals.get(origin).cloned().unwrap_or_default()
    }

    fn entry(&mut self, origin: &str) -> &mut PortalSession {
        self.portals.entry(origin.to_owned()).or_default()
    }

    /// Forgets portals that are no longer configured.
    pub fn retain_configured<'a>(&mut self, origins: impl IntoIterator<Item = &'a str>) {
        let keep: BTreeSet<&str> = origins.into_iter().collect();
        let gone: Vec<String> = self
            .portals
            .keys()
            .filter(|origin| !keep.contains(origin.as_str()))
            .cloned()
            .collect();
        for origin in gone {
            if let Some(mut portal) = self.portals.remove(&origin) {
                replace_session(&mut self.ended, &mut portal, Session::SignedOut);
            }
        }
    }

    /// Forgets every portal's session (and ends every attempt).
    pub fn clear(&mut self) {
        self.retain_configured(std::iter::empty());
    }

    /// The attempts that ended since the last call: the service removes each one's rule and
    /// closes its tab.
    pub fn take_ended(&mut self) -> Vec<EndedAttempt> {
        std::mem::take(&mut self.ended)
    }

    /// The active session's token, if signed in.
    pub fn active(&self, origin: &str) -> Option<&ActiveSession> {
        match self.portals.get(origin).map(|p| &p.session) {
            Some(Session::Active(active)) => Some(active),
            _ => None,
        }
    }

    /// Starts a hand-off sign-in, unless one is pending and still in time. `random` picks
    /// the port (its low bits) and the redirect's nonce (its high 96 bits).
    pub fn begin_sign_in(&mut self, portal: &PortalUrl, random: u128, now_ms: u64) -> SignInStart {
        let busy_ports: Vec<u16> = self
            .portals
            .values()
            .filter_map(|p| match &p.session {
                Session::SigningIn(a) => Some(a.port),
                _ => None,
            })
            .collect();
        let entry = self.portals.entry(portal.origin().to_owned()).or_default();
        if let Session::SigningIn(attempt) = &entry.session {
            if now_ms < attempt.deadline_ms && !attempt.token_received {
                return SignInStart::AlreadyPending(attempt.tab_id);
            }
        }
        let span = PORT_RANGE.end - PORT_RANGE.start;
        // The low 32 bits pick the port; the nonce comes from the others.
        let mut port = (PORT_RANGE.start + (random as u32) % span) as u16;
        while busy_ports.contains(&port) {
            // The next port, wrapping within the range (never past its end).
            port = if u32::from(port) + 1 >= PORT_RANGE.end {
                PORT_RANGE.start as u16
            } else {
                port + 1
            };
        }
        let nonce = nonce_of(random);
        let next = Session::SigningIn(SignInAttempt {
            port,
            tab_id: None,
            deadline_ms: now_ms + SIGN_IN_TIMEOUT_MS,
            token_received: false,
            nonce: nonce.clone(),
        });
        replace_session(&mut self.ended, entry, next);
        entry.error = None;
        // Recorded before the page opens: the cooldown holds even if the worker stops now.
        entry.authorize_opened_ms = Some(now_ms);
        entry.page_deferred = false;
        SignInStart::Open(SignInPlan {
            authorize_url: authorize_url(portal, port),
            port,
            nonce,
        })
    }

    /// Records the authorization tab of the attempt on `port`.
    pub fn sign_in_tab_opened(&mut self, origin: &str, port: u16, tab_id: TabId) {
        if let Session::SigningIn(attempt) = &mut self.entry(origin).session {
            if attempt.port == port {
                attempt.tab_id = Some(tab_id);
            }
        }
    }

    /// Checks a hand-off that reached `handoff.html` in `tab_id`. On success the attempt is
    /// marked used, so the same hand-off cannot be replayed.
    pub fn accept_handoff(
        &mut self,
        url: &str,
        tab_id: Option<TabId>,
        now_ms: u64,
    ) -> Result<Handoff, HandoffRefusal> {
        let HandoffUrl { port, nonce, token } =
            parse_handoff_url(url).ok_or(HandoffRefusal::Malformed)?;
        let (origin, attempt) = self
            .portals
            .iter_mut()
            .find_map(|(origin, p)| match &mut p.session {
                Session::SigningIn(a) if a.port == port => Some((origin.clone(), a)),
                _ => None,
            })
            .ok_or(HandoffRefusal::NotPending)?;
        if attempt.tab_id.is_none() || attempt.tab_id != tab_id {
            return Err(HandoffRefusal::WrongTab);
        }
        if attempt.nonce.is_empty() || attempt.nonce != nonce {
            return Err(HandoffRefusal::NotFromRedirect);
        }
        if attempt.token_received {
            return Err(HandoffRefusal::AlreadyUsed);
        }
        if now_ms >= attempt.deadline_ms {
            return Err(HandoffRefusal::Expired);
        }
        attempt.token_received = true;
        Ok(Handoff {
            origin,
            token,
            tab_id,
        })
    }

    /// A validated token: the portal is signed in.
    pub fn activate(
        &mut self,
        origin: &str,
        token: Secret,
        source: TokenSource,
        user: UserInfo,
        now_ms: u64,
    ) {
        let entry = self.portals.entry(origin.to_owned()).or_default();
        let next = Session::Active(ActiveSession {
            token,
            source,
            user,
            features: None,
            since_ms: now_ms,
        });
        replace_session(&mut self.ended, entry, next);
        entry.error = None;
    }

    /// Records what the portal enables.
    pub fn set_features(&mut self, origin: &str, features: SystemFeatures) {
        if let Session::Active(active) = &mut self.entry(origin).session {
            active.features = Some(features);
        }
    }

    /// The sign-in failed; says why. What waited for it is dropped.
    pub fn fail_sign_in(&mut self, origin: &str, reason: UserText) {
        let entry = self.portals.entry(origin.to_owned()).or_default();
        replace_session(&mut self.ended, entry, Session::SignedOut);
        entry.error = Some(reason);
        entry.waiting.clear();
    }

    /// A portal call answered 401 with `token`, for `work` that `initiator` asked for.
    /// The token is never accepted again; the session, if it was this token's, ends with a
    /// sentence; and the answer says how to sign in again, if at all. An API token cannot be
    /// renewed (the person must replace it). Work a person or a renewal asked for waits for
    /// the next sign-in; background work does not (it runs again on its own).
    pub fn unauthorized(
        &mut self,
        origin: &str,
        token: &Secret,
        work: Waiting,
        initiator: Initiator,
        now_ms: u64,
    ) -> Reauthorize {
        self.refuse(origin, token);
        let host = origin.split_once("://").map_or(origin, |(_, host)| host);
        let entry = self.entry(origin);
        match &entry.session {
            Session::Active(active) if &active.token == token => {
                if active.source == TokenSource::ApiToken {
                    entry.session = Session::SignedOut;
                    entry.error = Some(msg::API_TOKEN_REJECTED.text());
                    entry.waiting.clear();
                    return Reauthorize::Nothing;
                }
                entry.session = Session::SignedOut;
                entry.error = Some(msg::PORTAL_SESSION_EXPIRED.with([host]));
            }
            // A newer session answers for itself.
            Session::Active(_) => return Reauthorize::Nothing,
            // The sign-in under way resumes the work; with no session (signed out, or ended
            // by the same 401 a moment ago) it waits for the person's next sign-in: a late
            // 401 never starts one (the handoff fuzz target found a sign-out followed by one).
            Session::SigningIn(_) | Session::SignedOut => {
                if initiator != Initiator::Background {
                    self.wait_for_sign_in(origin, work);
                }
                return Reauthorize::Nothing;
            }
        }
        if initiator != Initiator::Background {
            self.wait_for_sign_in(origin, work);
        }
        let entry = self.entry(origin);
        let since = |at: Option<u64>, interval: u64| at.is_none_or(|at| now_ms >= at + interval);
        let page_allowed = since(entry.authorize_opened_ms, AUTHORIZE_COOLDOWN_MS);
        let resign_allowed = since(entry.resigned_ms, RESIGN_INTERVAL_MS);
        if initiator == Initiator::Renewal && !(page_allowed && resign_allowed) {
            // The renewal still needs its page: it opens once the cooldown is over.
            entry.page_deferred = true;
        }
        if !resign_allowed {
            return Reauthorize::Nothing;
        }
        entry.resigned_ms = Some(now_ms);
        match initiator {
            Initiator::Background => Reauthorize::Quietly,
            _ if !page_allowed => Reauthorize::Quietly,
            Initiator::Person => Reauthorize::WithPage { focus: true },
            Initiator::Renewal => Reauthorize::WithPage { focus: false },
        }
    }

    /// Remembers that the portal refused `token` (401): it is never accepted again.
    pub fn refuse(&mut self, origin: &str, token: &Secret) {
        let refused = &mut self.entry(origin).refused;
        let print = fingerprint(token);
        if !refused.contains(&print) {
            refused.push(print);
            if refused.len() > REFUSED_AT_MOST {
                refused.remove(0);
            }
        }
    }

    /// Whether the portal refused `token` before.
    pub fn is_refused(&self, origin: &str, token: &Secret) -> bool {
        self.portals
            .get(origin)
            .is_some_and(|p| p.refused.contains(&fingerprint(token)))
    }

    /// Whether a renewal's authorization page, held back by the cooldown, is due now (and
    /// no sign-in is pending).
    pub fn deferred_page_due(&self, origin: &str, now_ms: u64) -> bool {
        self.portals.get(origin).is_some_and(|p| {
            p.page_deferred && !matches!(p.session, Session::SigningIn(_) | Session::Active(_))
        }) && self.may_open_authorize_page(origin, false, now_ms)
    }

    /// Whether an authorization page may open for `origin` now: always for the person's own
    /// Sign in click (`explicit`), otherwise not within [`AUTHORIZE_COOLDOWN_MS`] of the
    /// last one.
    pub fn may_open_authorize_page(&self, origin: &str, explicit: bool, now_ms: u64) -> bool {
        explicit
            || self
                .portals
                .get(origin)
                .and_then(|p| p.authorize_opened_ms)
                .is_none_or(|at| now_ms >= at + AUTHORIZE_COOLDOWN_MS)
    }

    /// Queues work to resume after the next sign-in (once).
    pub fn wait_for_sign_in(&mut self, origin: &str, work: Waiting) {
        let entry = self.entry(origin);
        if !entry.waiting.contains(&work) {
            entry.waiting.push(work);
        }
    }

    /// Takes the work that waited for the sign-in.
    pub fn take_waiting(&mut self, origin: &str) -> Vec<Waiting> {
        std::mem::take(&mut self.entry(origin).waiting)
    }

    /// Sets or clears the portal's problem.
    pub fn set_error(&mut self, origin: &str, error: Option<UserText>) {
        self.entry(origin).error = error;
    }

    /// Attempts past their deadline fail. Returns their origins, ports and tabs.
    pub fn expire_attempts(&mut self, now_ms: u64) -> Vec<(String, u16, Option<TabId>)> {
        let mut expired = Vec::new();
        for (origin, portal) in &mut self.portals {
            if let Session::SigningIn(attempt) = &portal.session {
                if now_ms >= attempt.deadline_ms {
                    expired.push((origin.clone(), attempt.port, attempt.tab_id));
                    replace_session(&mut self.ended, portal, Session::SignedOut);
                    portal.error = Some(msg::SIGN_IN_TIMED_OUT.text());
                    portal.waiting.clear();
                }
            }
        }
        expired
    }

    /// The authorization tab `tab_id` was closed (or left the portal). Returns the origin
    /// and port of the attempt it ended.
    pub fn sign_in_tab_gone(&mut self, tab_id: TabId, reason: UserText) -> Option<(String, u16)> {
        let (origin, port) = self
            .portals
            .iter()
            .find_map(|(origin, p)| match &p.session {
                Session::SigningIn(a) if a.tab_id == Some(tab_id) && !a.token_received => {
                    Some((origin.clone(), a.port))
                }
                _ => None,
            })?;
        self.fail_sign_in(&origin, reason);
        Some((origin, port))
    }

    /// The pending attempt of `origin`, if any.
    pub fn attempt(&self, origin: &str) -> Option<&SignInAttempt> {
        match self.portals.get(origin).map(|p| &p.session) {
            Some(Session::SigningIn(attempt)) => Some(attempt),
            _ => None,
        }
    }

    /// Signs out of `origin`.
    ///
    /// The fingerprints of refused tokens and the authorization cooldown stay: signing out
    /// and in again must not bring back a token the portal refused, nor a tab storm.
    pub fn sign_out(&mut self, origin: &str) {
        if let Some(mut portal) = self.portals.remove(origin) {
            replace_session(&mut self.ended, &mut portal, Session::SignedOut);
            if !portal.refused.is_empty() || portal.authorize_opened_ms.is_some() {
                self.portals.insert(
                    origin.to_owned(),
                    PortalSession {
                        refused: portal.refused,
                        authorize_opened_ms: portal.authorize_opened_ms,
                        ..PortalSession::default()
                    },
                );
            }
        }
    }

    /// The earliest deadline of a pending attempt, for the alarm.
    pub fn next_deadline(&self) -> Option<u64> {
        self.portals
            .values()
            .filter_map(|p| match &p.session {
                Session::SigningIn(a) if !a.token_received => Some(a.deadline_ms),
                _ => None,
            })
            .min()
    }
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

#[cfg(test)]
mod tests {
    #[test]
    fn the_portal_page_after_cancel_is_recognised_and_nothing_else() {
        let portal = "https://acme.duplocloud.net/app/user/verify-token";
        assert!(is_cancel_page(&format!(
            "{portal}?localAppName=x&cancelled=true"
        )));
        assert!(!is_cancel_page(&format!("{portal}?cancelled=false")));
        assert!(!is_cancel_page(portal));
        assert!(!is_cancel_page(
            "https://acme.duplocloud.net/app/other?cancelled=true"
        ));
        assert!(!is_cancel_page("not a url"));
    }

    use super::*;

    const T0: u64 = 1_800_000_000_000;

    fn portal() -> PortalUrl {
        PortalUrl::parse("acme.duplocloud.net").unwrap()
    }

    fn user() -> UserInfo {
        UserInfo {
            username: "alice@acme.io".into(),
            is_admin: false,
        }
    }

    /// The random number of [`started`]: port from 7, nonce from the rest.
    const RANDOM: u128 = (0x5eed_u128 << 32) | 7;

    fn started(sessions: &mut Sessions, tab: TabId) -> u16 {
        match sessions.begin_sign_in(&portal(), RANDOM, T0) {
            SignInStart::Open(plan) => {
                sessions.sign_in_tab_opened(portal().origin(), plan.port, tab);
                plan.port
            }
            other => panic!("{other:?}"),
        }
    }

    /// What the redirect rule of [`started`]'s attempt makes of `localhost:port/?t=token`.
    fn handoff_url(port: u16, token: &str) -> String {
        let nonce = nonce_of(RANDOM);
        format!("chrome-extension://abc/handoff.html?port={port}&n={nonce}&t={token}")
    }

    #[test]
    fn page_tokens_are_unquoted_and_checked() {
        assert_eq!(normalize_page_token("abc").unwrap().expose(), "abc");
        assert_eq!(normalize_page_token("\"abc\"").unwrap().expose(), "abc");
        assert_eq!(normalize_page_token("  "), None);
        assert_eq!(normalize_page_token("null"), Some(Secret::new("null")));
        assert_eq!(normalize_page_token("a b"), None);
        assert_eq!(normalize_page_token(&"x".repeat(20_000)), None);
    }

    #[test]
    fn authorize_url_follows_duplo_jit() {
        assert_eq!(
            authorize_url(&portal(), 41234),
            "https://acme.duplocloud.net/app/user/verify-token?localAppName=JIT%20Console&localPort=41234&redirect=true"
        );
    }

    #[test]
    fn a_pending_sign_in_is_not_started_twice() {
        let mut sessions = Sessions::default();
        started(&mut sessions, 5);
        assert_eq!(
            sessions.begin_sign_in(&portal(), 99, T0 + 1_000),
            SignInStart::AlreadyPending(Some(5))
        );
        // After the deadline a new attempt may start.
        assert!(matches!(
            sessions.begin_sign_in(&portal(), 99, T0 + SIGN_IN_TIMEOUT_MS),
            SignInStart::Open(_)
        ));
    }

    #[test]
    fn accepts_the_token_once_from_the_authorization_tab() {
        let mut sessions = Sessions::default();
        let port = started(&mut sessions, 5);
        let url = handoff_url(port, "tok%2Fen%20x");
        let handoff = sessions.accept_handoff(&url, Some(5), T0 + 10_000).unwrap();
        assert_eq!(handoff.origin, "https://acme.duplocloud.net");
        assert_eq!(handoff.token.expose(), "tok/en x");
        assert_eq!(
            sessions.accept_handoff(&url, Some(5), T0 + 10_001),
            Err(HandoffRefusal::AlreadyUsed)
        );
    }

    #[test]
    fn refuses_hand_offs_it_did_not_ask_for() {
        let mut sessions = Sessions::default();
        // Nothing pending: a login-CSRF attempt.
        assert_eq!(
            sessions.accept_handoff(&handoff_url(41000, "ATTACKER"), Some(1), T0),
            Err(HandoffRefusal::NotPending)
        );
        let port = started(&mut sessions, 5);
        let before = sessions.clone();
        for (url, tab, now, refusal) in [
            (
                handoff_url(port, "ATTACKER"),
                Some(6),
                T0,
                HandoffRefusal::WrongTab,
            ),
            (
                handoff_url(port, "ATTACKER"),
                None,
                T0,
                HandoffRefusal::WrongTab,
            ),
            (
                handoff_url(port + 1, "ATTACKER"),
                Some(5),
                T0,
                HandoffRefusal::NotPending,
            ),
            (
                handoff_url(port, ""),
                Some(5),
                T0,
                HandoffRefusal::Malformed,
            ),
            (
                format!("chrome-extension://abc/handoff.html?port={port}&t=a&t=b"),
                Some(5),
                T0,
                HandoffRefusal::Malformed,
            ),
            (
                "https://evil.example/?t=x".to_owned(),
                Some(5),
                T0,
                HandoffRefusal::Malformed,
            ),
            // The right tab, port and time, but not the document the redirect produced: a
            // page the tab was sent to loads `handoff.html` itself, without the nonce or
            // with a guess.
            (
                format!("chrome-extension://abc/handoff.html?port={port}&t=ATTACKER"),
                Some(5),
                T0,
                HandoffRefusal::NotFromRedirect,
            ),
            (
                format!("chrome-extension://abc/handoff.html?port={port}&n=&t=ATTACKER"),
                Some(5),
                T0,
                HandoffRefusal::NotFromRedirect,
            ),
            (
                format!(
                    "chrome-extension://abc/handoff.html?port={port}&n={}&t=ATTACKER",
                    nonce_of(RANDOM + (1 << 32))
                ),
                Some(5),
                T0,
                HandoffRefusal::NotFromRedirect,
            ),
            (
                format!(
                    "{}&n={}",
                    handoff_url(port, "ATTACKER"),
                    nonce_of(RANDOM + (1 << 32))
                ),
                Some(5),
                T0,
                HandoffRefusal::Malformed,
            ),
            (
                handoff_url(port, "LATE"),
                Some(5),
                T0 + SIGN_IN_TIMEOUT_MS,
                HandoffRefusal::Expired,
            ),
        ] {
            assert_eq!(
                sessions.accept_handoff(&url, tab, now),
                Err(refusal),
                "{url}"
            );
            assert_eq!(sessions, before, "a refusal changed the state: {url}");
        }
    }

    #[test]
    fn activation_and_a_401_lead_to_one_new_sign_in() {
        let mut sessions = Sessions::default();
        let port = started(&mut sessions, 5);
        let handoff = sessions
            .accept_handoff(&handoff_url(port, "t1"), Some(5), T0)
            .unwrap();
        sessions.activate(
            &handoff.origin,
            handoff.token.clone(),
            TokenSource::Handoff,
            user(),
            T0,
        );
        assert_eq!(
            sessions.active(&handoff.origin).unwrap().user.username,
            "alice@acme.io"
        );

        // Ten calls fail with 401 at once: only the first one asks for a new sign-in.
        let restarts = (0..10)
            .filter(|_| {
                sessions.unauthorized(
                    &handoff.origin,
                    &handoff.token,
                    Waiting::RefreshTenants,
                    Initiator::Person,
                    T0,
                ) != Reauthorize::Nothing
            })
            .count();
        assert_eq!(restarts, 1);
        assert!(matches!(
            sessions.begin_sign_in(&portal(), 1, T0),
            SignInStart::Open(_)
        ));
        assert_eq!(
            sessions.take_waiting(&handoff.origin),
            vec![Waiting::RefreshTenants]
        );
    }

    #[test]
    fn a_401_with_an_old_token_does_not_end_a_newer_session() {
        let mut sessions = Sessions::default();
        let origin = portal().origin().to_owned();
        sessions.activate(
            &origin,
            Secret::new("new"),
            TokenSource::Handoff,
            user(),
            T0,
        );
        let old = Secret::new("old");
        assert_eq!(
            sessions.unauthorized(
                &origin,
                &old,
                Waiting::RefreshTenants,
                Initiator::Person,
                T0
            ),
            Reauthorize::Nothing
        );
        assert!(sessions.active(&origin).is_some());
    }

    #[test]
    fn a_rejected_api_token_is_not_renewed_by_a_hand_off() {
        let mut sessions = Sessions::default();
        let origin = portal().origin().to_owned();
        sessions.activate(
            &origin,
            Secret::new("api"),
            TokenSource::ApiToken,
            user(),
            T0,
        );
        let api = Secret::new("api");
        assert_eq!(
            sessions.unauthorized(
                &origin,
                &api,
                Waiting::RefreshTenants,
                Initiator::Person,
                T0
            ),
            Reauthorize::Nothing
        );
        assert_eq!(
            sessions.get(&origin).error,
            Some(msg::API_TOKEN_REJECTED.text())
        );
    }

    fn active(sessions: &mut Sessions, token: &str, at: u64) -> Secret {
        let token = Secret::new(token);
        sessions.activate(
            portal().origin(),
            token.clone(),
            TokenSource::PortalTab,
            user(),
            at,
        );
        token
    }

    #[test]
    fn a_late_401_after_signing_out_starts_no_sign_in() {
        let mut sessions = Sessions::default();
        let origin = portal().origin().to_owned();
        let token = active(&mut sessions, "t1", T0);
        sessions.sign_out(&origin);
        for initiator in [Initiator::Person, Initiator::Renewal, Initiator::Background] {
            assert_eq!(
                sessions.unauthorized(&origin, &token, Waiting::RefreshTenants, initiator, T0),
                Reauthorize::Nothing
            );
        }
        assert!(sessions.is_refused(&origin, &token));
        assert_eq!(sessions.get(&origin).session, Session::SignedOut);
    }

    #[test]
    fn background_work_never_opens_a_page_and_does_not_wait() {
        let mut sessions = Sessions::default();
        let origin = portal().origin().to_owned();
        let token = active(&mut sessions, "tab-token", T0);
        let decision = sessions.unauthorized(
            &origin,
            &token,
            Waiting::RefreshTenants,
            Initiator::Background,
            T0,
        );
        assert_eq!(decision, Reauthorize::Quietly);
        let entry = sessions.get(&origin);
        assert_eq!(entry.session, Session::SignedOut);
        assert_eq!(
            entry.error,
            Some(msg::PORTAL_SESSION_EXPIRED.with(["acme.duplocloud.net"]))
        );
        assert!(entry.waiting.is_empty());
        assert!(sessions.is_refused(&origin, &token));
    }

    #[test]
    fn a_person_gets_one_page_in_front_a_renewal_one_behind_then_the_cooldown_holds() {
        let origin = portal().origin().to_owned();
        let open = |key: &str| {
            Waiting::Renew(crate::core::identity::ConsoleKey {
                origin: portal().origin().to_owned(),
                role: crate::core::identity::Role::Tenant {
                    id: key.into(),
                    name: key.into(),
                },
            })
        };

        let mut person = Sessions::default();
        let token = active(&mut person, "t1", T0);
        assert_eq!(
            person.unauthorized(&origin, &token, open("dev01"), Initiator::Person, T0),
            Reauthorize::WithPage { focus: true }
        );
        assert_eq!(person.get(&origin).waiting, vec![open("dev01")]);

        let mut renewal = Sessions::default();
        let token = active(&mut renewal, "t1", T0);
        assert_eq!(
            renewal.unauthorized(&origin, &token, open("dev01"), Initiator::Renewal, T0),
            Reauthorize::WithPage { focus: false }
        );
        // The page opened (recorded before the tab exists); the user authorized at once, and
        // the new token failed too: for 60 s no second page opens, whatever fails.
        assert!(matches!(
            renewal.begin_sign_in(&portal(), 3, T0 + 1_000),
            SignInStart::Open(_)
        ));
        for (at, initiator) in [
            (T0 + 3_000, Initiator::Person),
            (T0 + 59_000, Initiator::Renewal),
        ] {
            let token = active(&mut renewal, "t3", at);
            let decision = renewal.unauthorized(&origin, &token, open("qa"), initiator, at);
            assert_ne!(decision, Reauthorize::WithPage { focus: true });
            assert_ne!(decision, Reauthorize::WithPage { focus: false });
        }
        assert!(!renewal.may_open_authorize_page(&origin, false, T0 + 60_999));
        assert!(renewal.may_open_authorize_page(&origin, true, T0 + 60_999));
        assert!(renewal.may_open_authorize_page(&origin, false, T0 + 61_000));
        assert!(renewal.is_refused(&origin, &Secret::new("t3")));
        // The renewal's page waits for the cooldown, then is due (once).
        assert!(!renewal.deferred_page_due(&origin, T0 + 59_000));
        assert!(renewal.deferred_page_due(&origin, T0 + 61_000));
        // A minute on, a renewal may open one page again.
        let token = active(&mut renewal, "t4", T0 + 61_500);
        assert_eq!(
            renewal.unauthorized(&origin, &token, open("qa"), Initiator::Renewal, T0 + 61_500),
            Reauthorize::WithPage { focus: false }
        );
    }

    #[test]
    fn re_sign_ins_after_a_401_are_rate_limited_and_refused_tokens_never_return() {
        // A portal that answers GetUserRoleInfo but 401 elsewhere, and a portal tab that
        // keeps the same token: each round is refresh -> 401 -> quiet sign-in with the tab's
        // token. The token is refused after the first 401, and a second re-sign-in within
        // the interval is not started at all.
        let mut sessions = Sessions::default();
        let origin = portal().origin().to_owned();
        let stale = active(&mut sessions, "stale", T0);
        let first = sessions.unauthorized(
            &origin,
            &stale,
            Waiting::RefreshTenants,
            Initiator::Background,
            T0,
        );
        assert_eq!(first, Reauthorize::Quietly);
        assert!(sessions.is_refused(&origin, &stale));
        // Another token (the user logged in again in the portal tab) fails at once too.
        let other = active(&mut sessions, "other", T0 + 100);
        assert_eq!(
            sessions.unauthorized(
                &origin,
                &other,
                Waiting::RefreshTenants,
                Initiator::Background,
                T0 + 200,
            ),
            Reauthorize::Nothing
        );
        let later = active(&mut sessions, "later", T0 + RESIGN_INTERVAL_MS);
        assert_eq!(
            sessions.unauthorized(
                &origin,
                &later,
                Waiting::RefreshTenants,
                Initiator::Background,
                T0 + RESIGN_INTERVAL_MS,
            ),
            Reauthorize::Quietly
        );
        // Signing out keeps what was refused.
        sessions.sign_out(&origin);
        assert!(sessions.is_refused(&origin, &stale) && sessions.is_refused(&origin, &later));
        assert_eq!(sessions.get(&origin).session, Session::SignedOut);
        // Only fingerprints are kept, never a token.
        let stored = serde_json::to_string(&sessions).unwrap();
        assert!(
            !stored.contains("stale") && !stored.contains("later"),
            "{stored}"
        );
    }

    #[test]
    fn attempts_time_out_or_end_with_their_tab() {
        let mut sessions = Sessions::default();
        started(&mut sessions, 5);
        assert_eq!(sessions.next_deadline(), Some(T0 + SIGN_IN_TIMEOUT_MS));
        assert!(sessions
            .expire_attempts(T0 + SIGN_IN_TIMEOUT_MS - 1)
            .is_empty());
        assert_eq!(sessions.expire_attempts(T0 + SIGN_IN_TIMEOUT_MS).len(), 1);
        assert_eq!(
            sessions.get(portal().origin()).error,
            Some(msg::SIGN_IN_TIMED_OUT.text())
        );
        assert_eq!(sessions.next_deadline(), None);

        started(&mut sessions, 8);
        assert_eq!(
            sessions.sign_in_tab_gone(9, msg::SIGN_IN_TAB_CLOSED.text()),
            None
        );
        assert!(sessions
            .sign_in_tab_gone(8, msg::SIGN_IN_TAB_CLOSED.text())
            .is_some());
        assert_eq!(sessions.get(portal().origin()).session, Session::SignedOut);
    }

    #[test]
    fn two_portals_get_different_ports() {
        let mut sessions = Sessions::default();
        let a = PortalUrl::parse("a.duplocloud.net").unwrap();
        let b = PortalUrl::parse("b.duplocloud.net").unwrap();
        let (SignInStart::Open(pa), SignInStart::Open(pb)) = (
            sessions.begin_sign_in(&a, 3, T0),
            sessions.begin_sign_in(&b, 3, T0),
        ) else {
            panic!("not started")
        };
        assert_ne!(pa.port, pb.port);
    }

    #[test]
    fn a_busy_last_port_wraps_to_the_start_of_the_range() {
        // Seen while writing the `handoff` fuzz target: the next free port after the last was
        // 60000, outside the range.
        let mut sessions = Sessions::default();
        let last = PORT_RANGE.end - 1 - PORT_RANGE.start;
        let a = PortalUrl::parse("a.duplocloud.net").unwrap();
        let b = PortalUrl::parse("b.duplocloud.net").unwrap();
        let (SignInStart::Open(pa), SignInStart::Open(pb)) = (
            sessions.begin_sign_in(&a, u128::from(last), T0),
            sessions.begin_sign_in(&b, u128::from(last), T0),
        ) else {
            panic!("not started")
        };
        assert_eq!(u32::from(pa.port), PORT_RANGE.end - 1);
        assert_eq!(u32::from(pb.port), PORT_RANGE.start);
    }

    #[test]
    fn the_rule_is_scoped_to_the_tab_and_the_portal() {
        let plan = SignInPlan {
            authorize_url: authorize_url(&portal(), 41234),
            port: 41234,
            nonce: "00ff".into(),
        };
        let rule = handoff_rule(&portal(), &plan, 17, "chrome-extension://abc/");
        assert_eq!(rule["condition"]["tabIds"], serde_json::json!([17]));
        assert_eq!(
            rule["condition"]["initiatorDomains"],
            serde_json::json!(["acme.duplocloud.net"])
        );
        assert_eq!(
            rule["action"]["redirect"]["regexSubstitution"],
            "chrome-extension://abc/handoff.html?port=41234&n=00ff&\\2"
        );
        assert_eq!(
            rule["condition"]["regexFilter"],
            "^http://(localhost|127\\.0\\.0\\.1):41234/\\?(.*)$"
        );
    }

    #[test]
    fn every_end_of_an_attempt_hands_its_rule_and_tab_to_the_service() {
        // Each way an attempt ends, from a fresh attempt in tab 5.
        type End = fn(&mut Sessions);
        let ends: [(&str, End); 9] = [
            ("a token validated", |s| {
                s.activate(
                    portal().origin(),
                    Secret::new("good"),
                    TokenSource::Handoff,
                    user(),
                    T0,
                );
            }),
            ("refused or invalid", |s| {
                s.fail_sign_in(portal().origin(), msg::HANDOFF_REFUSED.text());
            }),
            ("timed out", |s| {
                s.expire_attempts(T0 + SIGN_IN_TIMEOUT_MS);
            }),
            ("tab closed or cancelled", |s| {
                s.sign_in_tab_gone(5, msg::SIGN_IN_CANCELLED.text());
            }),
            ("signed out", |s| s.sign_out(portal().origin())),
            ("portal removed", |s| {
                s.retain_configured(["https://other.example"])
            }),
            ("everything forgotten", Sessions::clear),
            ("replaced after its deadline", |s| {
                s.begin_sign_in(&portal(), 99, T0 + SIGN_IN_TIMEOUT_MS);
            }),
            ("token received, then refused", |s| {
                let url = handoff_url(20_007, "t");
                assert!(s.accept_handoff(&url, Some(5), T0).is_ok());
                s.fail_sign_in(portal().origin(), msg::HANDOFF_REFUSED.text());
            }),
        ];
        for (why, end) in ends {
            let mut sessions = Sessions::default();
            let port = started(&mut sessions, 5);
            assert_eq!(port, 20_007, "the helper's port");
            assert_eq!(sessions.take_ended(), [], "{why}: nothing ended yet");
            end(&mut sessions);
            assert_eq!(
                sessions.take_ended(),
                [EndedAttempt {
                    port,
                    tab_id: Some(5)
                }],
                "{why}"
            );
            assert_eq!(sessions.take_ended(), [], "{why}: handed over once");
        }
        // What does not end it hands over nothing.
        let mut sessions = Sessions::default();
        started(&mut sessions, 5);
        sessions.expire_attempts(T0 + 1);
        sessions.sign_in_tab_gone(6, msg::SIGN_IN_CANCELLED.text());
        let _ = sessions.accept_handoff(
            &handoff_url(20_007, "x").replace("&n=", "&n=0"),
            Some(5),
            T0,
        );
        assert!(matches!(
            sessions.begin_sign_in(&portal(), 99, T0 + 1),
            SignInStart::AlreadyPending(_)
        ));
        assert_eq!(sessions.take_ended(), []);
        assert!(sessions.attempt(portal().origin()).is_some());
    }

    #[test]
    fn secrets_stay_out_of_debug_output() {
        let mut sessions = Sessions::default();
        let origin = portal().origin().to_owned();
        sessions.activate(
            &origin,
            Secret::new("very-secret"),
            TokenSource::Handoff,
            user(),
            T0,
        );
        assert!(!format!("{sessions:?}").contains("very-secret"));
    }
}
