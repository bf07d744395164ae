//! [`Sessions`], the sign-in state machine of every portal: begin, hand off, accept or refuse a
//! token, a 401 and re-authorisation, sign-out, deadlines.

use super::handoff::nonce_of;
use super::state::{fingerprint, REFUSED_AT_MOST};
use super::{
    authorize_url, parse_handoff_url, ActiveSession, EndedAttempt, Handoff, HandoffRefusal,
    HandoffUrl, Initiator, PortalSession, Reauthorize, Session, SignInAttempt, TabId, TokenSource,
    Waiting, AUTHORIZE_COOLDOWN_MS, PORT_RANGE, RESIGN_INTERVAL_MS, SIGN_IN_TIMEOUT_MS,
};
use crate::core::portal_api::{SystemFeatures, UserInfo};
use crate::core::portal_url::Origin;
use crate::core::portal_url::PortalUrl;
use crate::core::secret::Secret;
use crate::core::text::{msg, UserText};
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet};

/// All portals' sessions, by portal origin.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Sessions {
    /// By origin.
    pub portals: BTreeMap<Origin, PortalSession>,
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

impl Sessions {
    /// The session of `origin` (signed out when unknown).
    pub fn get(&self, origin: &Origin) -> PortalSession {
        self.portals.get(origin).cloned().unwrap_or_default()
    }

    fn entry(&mut self, origin: &Origin) -> &mut PortalSession {
        self.portals.entry(origin.to_owned()).or_default()
    }

    /// Forgets portals that are no longer configured.
    pub fn retain_configured<'a>(&mut self, origins: impl IntoIterator<Item = &'a Origin>) {
        let keep: BTreeSet<&Origin> = origins.into_iter().collect();
        let gone: Vec<Origin> = self
            .portals
            .keys()
            .filter(|origin| !keep.contains(origin))
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
    pub fn active(&self, origin: &Origin) -> Option<&ActiveSession> {
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
    pub fn sign_in_tab_opened(&mut self, origin: &Origin, port: u16, tab_id: TabId) {
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
        origin: &Origin,
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
    pub fn set_features(&mut self, origin: &Origin, features: SystemFeatures) {
        if let Session::Active(active) = &mut self.entry(origin).session {
            active.features = Some(features);
        }
    }

    /// The sign-in failed; says why. What waited for it is dropped.
    pub fn fail_sign_in(&mut self, origin: &Origin, reason: UserText) {
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
        origin: &Origin,
        token: &Secret,
        work: Waiting,
        initiator: Initiator,
        now_ms: u64,
    ) -> Reauthorize {
        self.refuse(origin, token);
        let host = origin
            .as_str()
            .split_once("://")
            .map_or(origin.as_str(), |(_, host)| host);
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
    pub fn refuse(&mut self, origin: &Origin, token: &Secret) {
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
    pub fn is_refused(&self, origin: &Origin, token: &Secret) -> bool {
        self.portals
            .get(origin)
            .is_some_and(|p| p.refused.contains(&fingerprint(token)))
    }

    /// Whether a renewal's authorization page, held back by the cooldown, is due now (and
    /// no sign-in is pending).
    pub fn deferred_page_due(&self, origin: &Origin, now_ms: u64) -> bool {
        self.portals.get(origin).is_some_and(|p| {
            p.page_deferred && !matches!(p.session, Session::SigningIn(_) | Session::Active(_))
        }) && self.may_open_authorize_page(origin, false, now_ms)
    }

    /// Whether an authorization page may open for `origin` now: always for the person's own
    /// Sign in click (`explicit`), otherwise not within [`AUTHORIZE_COOLDOWN_MS`] of the
    /// last one.
    pub fn may_open_authorize_page(&self, origin: &Origin, explicit: bool, now_ms: u64) -> bool {
        explicit
            || self
                .portals
                .get(origin)
                .and_then(|p| p.authorize_opened_ms)
                .is_none_or(|at| now_ms >= at + AUTHORIZE_COOLDOWN_MS)
    }

    /// Queues work to resume after the next sign-in (once).
    pub fn wait_for_sign_in(&mut self, origin: &Origin, work: Waiting) {
        let entry = self.entry(origin);
        if !entry.waiting.contains(&work) {
            entry.waiting.push(work);
        }
    }

    /// Takes the work that waited for the sign-in.
    pub fn take_waiting(&mut self, origin: &Origin) -> Vec<Waiting> {
        std::mem::take(&mut self.entry(origin).waiting)
    }

    /// Sets or clears the portal's problem.
    pub fn set_error(&mut self, origin: &Origin, error: Option<UserText>) {
        self.entry(origin).error = error;
    }

    /// Attempts past their deadline fail. Returns their origins, ports and tabs.
    pub fn expire_attempts(&mut self, now_ms: u64) -> Vec<(Origin, u16, Option<TabId>)> {
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
    pub fn sign_in_tab_gone(&mut self, tab_id: TabId, reason: UserText) -> Option<(Origin, u16)> {
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
    pub fn attempt(&self, origin: &Origin) -> Option<&SignInAttempt> {
        match self.portals.get(origin).map(|p| &p.session) {
            Some(Session::SigningIn(attempt)) => Some(attempt),
            _ => None,
        }
    }

    /// Signs out of `origin`.
    ///
    /// The fingerprints of refused tokens and the authorization cooldown stay: signing out
    /// and in again must not bring back a token the portal refused, nor a tab storm.
    pub fn sign_out(&mut self, origin: &Origin) {
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
