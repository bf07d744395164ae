//! Everything the simulator remembers: the configuration, portal tokens and UI sessions,
//! JIT credentials, sign-in tokens, console sessions, the secrets issued so far, the
//! request log and the fault rules.
//!
//! Handlers receive `&mut State` and the simulated `now` (Unix ms); nothing here does I/O.

use std::collections::{HashMap, HashSet};

use serde::Serialize;

use crate::clock::SimClock;
use crate::config::{generated_tenant_names, Config, PortalConfig, UserConfig};
use crate::faults::FaultRule;
use crate::ids;
use crate::log::RequestLog;
use crate::partition::Partition;

/// How long a federation sign-in token is good for (simulated time).
pub const SIGNIN_TOKEN_TTL_MS: u64 = 15 * 60 * 1000;

/// Name of the portal UI session cookie.
pub const UI_COOKIE: &str = "duplo_sim_ui";

/// A tenant with every default resolved.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Tenant {
    /// Tenant id (a UUID unless configured otherwise).
    pub id: String,
    /// Tenant name, verbatim.
    pub name: String,
    /// Configured validity in seconds (0 means 3600 for expiry purposes).
    pub validity: u64,
    /// Tenant region.
    pub region: String,
    /// Whether Kubernetes is enabled for it.
    pub kubernetes: bool,
}

impl Tenant {
    /// The tenant's IAM role name: `duploservices-<name lowercased>`.
    pub fn role_name(&self) -> String {
        format!("duploservices-{}", self.name.to_lowercase())
    }
}

/// A portal with its tenants resolved.
#[derive(Debug, Clone)]
pub struct Portal {
    /// The configuration it came from.
    pub config: PortalConfig,
    /// Host name it answers on.
    pub host: String,
    /// All tenants: configured ones first, then generated ones.
    pub tenants: Vec<Tenant>,
    by_id: HashMap<String, usize>,
}

impl Portal {
    fn from_config(config: &PortalConfig) -> Portal {
        let mut tenants: Vec<Tenant> = config
            .tenants
            .iter()
            .map(|t| Tenant {
                id: t
                    .id
                    .clone()
                    .unwrap_or_else(|| ids::derived_uuid(&format!("{}/{}", config.name, t.name))),
                name: t.name.clone(),
                validity: t.validity,
                region: t
                    .region
                    .clone()
                    .unwrap_or_else(|| config.default_region.clone()),
                kubernetes: t.kubernetes,
            })
            .collect();
        if let Some(g) = &config.generate_tenants {
            tenants.extend(generated_tenant_names(g).map(|name| Tenant {
                id: ids::derived_uuid(&format!("{}/{}", config.name, name)),
                name,
                validity: 3600,
                region: config.default_region.clone(),
                kubernetes: true,
            }));
        }
        let by_id = tenants
            .iter()
            .enumerate()
            .map(|(i, t)| (t.id.to_lowercase(), i))
            .collect();
        Portal {
            host: config.host(),
            config: config.clone(),
            tenants,
            by_id,
        }
    }

    /// The tenant with this id (case-insensitive).
    pub fn tenant_by_id(&self, id: &str) -> Option<&Tenant> {
        self.by_id
            .get(&id.to_lowercase())
            .and_then(|&i| self.tenants.get(i))
    }

    /// The user with this index.
    pub fn user(&self, index: usize) -> Option<&UserConfig> {
        self.config.users.get(index)
    }

    /// Index of the user with this name (case-insensitive).
    pub fn user_index(&self, username: &str) -> Option<usize> {
        self.config
            .users
            .iter()
            .position(|u| u.username.eq_ignore_ascii_case(username))
    }

    /// The portal's origin, `https://host`.
    pub fn origin(&self) -> String {
        format!("https://{}", self.host)
    }
}

/// What a portal bearer token was minted for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TokenKind {
    /// Backs a browser UI session (and is what `g_authToken` holds).
    UiSession,
    /// Handed to a local application by the verify-token Authorize flow.
    Handoff,
}

/// A portal bearer token issued by the simulator.
#[derive(Debug, Clone)]
pub struct PortalToken {
    /// Portal name.
    pub portal: String,
    /// Owner.
    pub username: String,
    /// Expiry (simulated Unix ms).
    pub expires_ms: u64,
    /// Why it was minted.
    pub kind: TokenKind,
}

/// A logged-in portal UI (browser) session, keyed by its cookie value.
#[derive(Debug, Clone)]
pub struct UiSession {
    /// Portal name.
    pub portal: String,
    /// Who is logged in.
    pub username: String,
    /// The bearer token this session uses (ends with it).
    pub token: String,
}

/// A single-use login link created through the control API.
#[derive(Debug, Clone)]
pub struct LoginLink {
    /// Portal name.
    pub portal: String,
    /// Who gets logged in.
    pub username: String,
    /// Where the browser goes afterwards.
    pub next: String,
}

/// JIT credentials (an STS session) issued by a portal.
#[derive(Debug, Clone)]
pub struct Credentials {
    /// `ASIA...`
    pub access_key_id: String,
    /// Secret access key.
    pub secret_access_key: String,
    /// Session token.
    pub session_token: String,
    /// Issuing portal's name.
    pub portal: String,
    /// Portal user (also the role session name).
    pub username: String,
    /// AWS partition.
    pub partition: Partition,
    /// AWS account id.
    pub account_id: String,
    /// Region of the answer.
    pub region: String,
    /// IAM role name.
    pub role: String,
    /// Tenant name for tenant-level credentials.
    pub tenant: Option<String>,
    /// Issue time (simulated Unix ms).
    pub issued_ms: u64,
    /// Expiry (simulated Unix ms).
    pub expires_ms: u64,
}

impl Credentials {
    /// Whether the credentials are still valid at `now`.
    pub fn is_live(&self, now: u64) -> bool {
        now < self.expires_ms
    }
}

/// A federation sign-in token.
#[derive(Debug, Clone)]
pub struct SigninToken {
    /// The credentials it stands for.
    pub access_key_id: String,
    /// When it was minted (simulated Unix ms).
    pub created_ms: u64,
    /// Whether a login consumed it.
    pub used: bool,
}

impl SigninToken {
    /// Whether it has run past its 15 minutes at `now`.
    pub fn is_expired(&self, now: u64) -> bool {
        now >= self.created_ms.saturating_add(SIGNIN_TOKEN_TTL_MS)
    }
}

/// An AWS Console session, keyed by its cookie value.
#[derive(Debug, Clone)]
pub struct ConsoleSession {
    /// Partition whose cookie domain holds it.
    pub partition: Partition,
    /// Multi-session id (`None` for a single-session-mode session).
    pub id8: Option<String>,
    /// Credentials it was created from.
    pub access_key_id: String,
    /// Portal name of those credentials.
    pub portal: String,
    /// Portal user (role session name).
    pub username: String,
    /// Account id.
    pub account_id: String,
    /// Region of the credentials.
    pub region: String,
    /// Role name.
    pub role: String,
    /// Tenant name when known.
    pub tenant: Option<String>,
    /// Expiry, equal to the credentials' expiry.
    pub expires_ms: u64,
}

impl ConsoleSession {
    /// Whether the session is still valid at `now`.
    pub fn is_live(&self, now: u64) -> bool {
        now < self.expires_ms
    }

    /// `role/session-name @ account`, as shown on console pages.
    pub fn identity(&self) -> String {
        format!("{}/{} @ {}", self.role, self.username, self.account_id)
    }
}

/// Every secret the simulator has issued, for tests that scan for leaks.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Secrets {
    /// Portal bearer tokens minted (API tokens from the config are added when listed).
    pub portal_tokens: Vec<String>,
    /// JIT access key ids.
    pub access_key_ids: Vec<String>,
    /// JIT secret access keys.
    pub secret_access_keys: Vec<String>,
    /// JIT session tokens.
    pub session_tokens: Vec<String>,
    /// Federation sign-in tokens.
    pub signin_tokens: Vec<String>,
    /// Non-empty `ConsoleUrl`s handed out.
    pub console_urls: Vec<String>,
    /// Kubernetes tokens (JWTs) of k8s JIT answers.
    pub k8s_tokens: Vec<String>,
}

/// The simulator's whole mutable state.
#[derive(Debug)]
pub struct State {
    /// Current configuration.
    pub config: Config,
    /// Portals resolved from it.
    pub portals: Vec<Portal>,
    /// The simulated clock.
    pub clock: SimClock,
    /// Issued portal bearer tokens.
    pub tokens: HashMap<String, PortalToken>,
    /// Revoked tokens (issued or configured API tokens).
    pub revoked: HashSet<String>,
    /// Portal UI sessions by cookie value.
    pub ui_sessions: HashMap<String, UiSession>,
    /// Unused login links by code.
    pub login_links: HashMap<String, LoginLink>,
    /// JIT credentials by access key id.
    pub credentials: HashMap<String, Credentials>,
    /// Sign-in tokens.
    pub signin_tokens: HashMap<String, SigninToken>,
    /// Console sessions by cookie value.
    pub console_sessions: HashMap<String, ConsoleSession>,
    /// Secrets issued so far.
    pub secrets: Secrets,
    /// Request log of the HTTPS port.
    pub log: RequestLog,
    /// Fault rules, first match wins.
    pub faults: Vec<FaultRule>,
    /// Bumped on every configuration change (the TLS layer watches it).
    pub config_generation: u64,
}

impl State {
    /// A fresh state for `config`, its clock starting at the real time.
    pub fn new(config: Config) -> State {
        let clock = SimClock::starting_now(config.clock_speed);
        State::with_clock(config, clock)
    }

    /// A fresh state with a given clock.
    pub fn with_clock(config: Config, clock: SimClock) -> State {
        State {
            portals: config.portals.iter().map(Portal::from_config).collect(),
            config,
            clock,
            tokens: HashMap::new(),
            revoked: HashSet::new(),
            ui_sessions: HashMap::new(),
            login_links: HashMap::new(),
            credentials: HashMap::new(),
            signin_tokens: HashMap::new(),
            console_sessions: HashMap::new(),
            secrets: Secrets::default(),
            log: RequestLog::default(),
            faults: Vec::new(),
            config_generation: 0,
        }
    }

    /// Replaces the configuration. Tokens, UI sessions, credentials and console sessions
    /// of users that still exist are kept; the rest are forgotten.
    pub fn replace_config(&mut self, config: Config) {
        if config.clock_speed != self.clock.speed() {
            self.clock.set_speed(config.clock_speed);
        }
        self.portals = config.portals.iter().map(Portal::from_config).collect();
        self.config = config;
        self.config_generation += 1;
        let portals = &self.portals;
        let exists = |portal: &str, user: &str| {
            portals
                .iter()
                .any(|p| p.config.name == portal && p.user_index(user).is_some())
        };
        self.tokens.retain(|_, t| exists(&t.portal, &t.username));
        self.ui_sessions
            .retain(|_, s| exists(&s.portal, &s.username));
        self.login_links
            .retain(|_, l| exists(&l.portal, &l.username));
        self.credentials
            .retain(|_, c| exists(&c.portal, &c.username));
        self.console_sessions
            .retain(|_, s| exists(&s.portal, &s.username));
        let creds = &self.credentials;
        self.signin_tokens
            .retain(|_, t| creds.contains_key(&t.access_key_id));
    }

    /// The portal answering on `host`.
    pub fn portal_by_host(&self, host: &str) -> Option<usize> {
        self.portals.iter().position(|p| p.host == host)
    }

    /// The portal with this name.
    pub fn portal_by_name(&self, name: &str) -> Option<usize> {
        self.portals.iter().position(|p| p.config.name == name)
    }

    /// Checks a bearer token for portal `pidx`; gives the user's index when it is valid
    /// (issued by this portal, not expired, not revoked, user still configured) or is one
    /// of the user's configured API tokens.
    pub fn authenticate(&self, pidx: usize, token: &str, now: u64) -> Option<usize> {
        if self.revoked.contains(token) {
            return None;
        }
        let portal = self.portals.get(pidx)?;
        if let Some(t) = self.tokens.get(token) {
            if t.portal != portal.config.name || now >= t.expires_ms {
                return None;
            }
            return portal.user_index(&t.username);
        }
        portal
            .config
            .users
            .iter()
            .position(|u| u.api_tokens.iter().any(|a| a == token))
    }

    /// Mints a portal bearer token for a user, valid for `portal_token_ttl_secs`.
    pub fn mint_portal_token(
        &mut self,
        pidx: usize,
        user_index: usize,
        kind: TokenKind,
        now: u64,
    ) -> Option<String> {
        let portal = self.portals.get(pidx)?;
        let user = portal.user(user_index)?;
        let token = ids::portal_token();
        let ttl_ms = self.config.portal_token_ttl_secs.saturating_mul(1000);
        self.tokens.insert(
            token.clone(),
            PortalToken {
                portal: portal.config.name.clone(),
                username: user.username.clone(),
                expires_ms: now.saturating_add(ttl_ms),
                kind,
            },
        );
        self.secrets.portal_tokens.push(token.clone());
        Some(token)
    }

    /// Starts a UI session for a user: mints its token and returns the cookie value.
    pub fn create_ui_session(
        &mut self,
        pidx: usize,
        user_index: usize,
        now: u64,
    ) -> Option<String> {
        let token = self.mint_portal_token(pidx, user_index, TokenKind::UiSession, now)?;
        let portal = self.portals.get(pidx)?;
        let user = portal.user(user_index)?;
        let id = ids::opaque_id();
        self.ui_sessions.insert(
            id.clone(),
            UiSession {
                portal: portal.config.name.clone(),
                username: user.username.clone(),
                token,
            },
        );
        Some(id)
    }

    /// The live UI session named by `cookie` on portal `pidx`: (user index, bearer token).
    pub fn ui_session(
        &self,
        pidx: usize,
        cookie: Option<&str>,
        now: u64,
    ) -> Option<(usize, String)> {
        let session = self.ui_sessions.get(cookie?)?;
        let portal = self.portals.get(pidx)?;
        if session.portal != portal.config.name {
            return None;
        }
        let user = self.authenticate(pidx, &session.token, now)?;
        Some((user, session.token.clone()))
    }

    /// Revokes one token. Returns how many tokens were newly revoked (0 or 1).
    pub fn revoke_token(&mut self, token: &str) -> usize {
        let known = self.tokens.contains_key(token)
            || self.portals.iter().any(|p| {
                p.config
                    .users
                    .iter()
                    .any(|u| u.api_tokens.iter().any(|a| a == token))
            });
        if known && self.revoked.insert(token.to_string()) {
            1
        } else {
            0
        }
    }

    /// Revokes every portal token of a user (issued and configured). `None` when the
    /// portal or user does not exist, else how many tokens were newly revoked.
    pub fn revoke_user(&mut self, portal: &str, username: &str) -> Option<usize> {
        let pidx = self.portal_by_name(portal)?;
        let p = &self.portals[pidx];
        let uidx = p.user_index(username)?;
        let user = p.user(uidx)?;
        let mut all: Vec<String> = user.api_tokens.clone();
        all.extend(
            self.tokens
                .iter()
                .filter(|(_, t)| t.portal == portal && t.username.eq_ignore_ascii_case(username))
                .map(|(k, _)| k.clone()),
        );
        Some(
            all.into_iter()
                .filter(|t| self.revoked.insert(t.clone()))
                .count(),
        )
    }

    /// Mints a 15-minute sign-in token for live credentials.
    pub fn mint_signin_token(&mut self, access_key_id: &str, now: u64) -> String {
        let token = ids::signin_token();
        self.signin_tokens.insert(
            token.clone(),
            SigninToken {
                access_key_id: access_key_id.to_string(),
                created_ms: now,
                used: false,
            },
        );
        self.secrets.signin_tokens.push(token.clone());
        token
    }

    /// Every secret issued so far, plus the API tokens of the current configuration.
    pub fn all_secrets(&self) -> Secrets {
        let mut s = self.secrets.clone();
        for p in &self.portals {
            for u in &p.config.users {
                for t in &u.api_tokens {
                    if !s.portal_tokens.contains(t) {
                        s.portal_tokens.push(t.clone());
                    }
                }
            }
        }
        s
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    fn state() -> State {
        let mut c = Config::demo();
        c.portals[0].users[0].api_tokens = vec!["api-admin".into()];
        State::with_clock(c, SimClock::starting_at(1_000_000, 0.0))
    }

    #[test]
    fn tokens_expire_and_revoke() {
        let mut s = state();
        let now = 1_000_000;
        let t = s.mint_portal_token(0, 1, TokenKind::Handoff, now).unwrap();
        assert_eq!(s.authenticate(0, &t, now), Some(1));
        let ttl = s.config.portal_token_ttl_secs * 1000;
        assert_eq!(s.authenticate(0, &t, now + ttl - 1), Some(1));
        assert_eq!(s.authenticate(0, &t, now + ttl), None);
        assert_eq!(s.authenticate(0, "api-admin", now), Some(0));
        assert_eq!(s.revoke_token("api-admin"), 1);
        assert_eq!(s.authenticate(0, "api-admin", now), None);
        assert_eq!(s.revoke_user("demo", "DEV@demo.io"), Some(1));
        assert_eq!(s.authenticate(0, &t, now), None);
        assert_eq!(s.revoke_user("demo", "nobody"), None);
    }

    #[test]
    fn replacing_config_keeps_tokens_of_remaining_users() {
        let mut s = state();
        let now = 1_000_000;
        let admin = s.mint_portal_token(0, 0, TokenKind::Handoff, now).unwrap();
        let dev = s.mint_portal_token(0, 1, TokenKind::Handoff, now).unwrap();
        let mut c = s.config.clone();
        c.portals[0].users.remove(1);
        c.clock_speed = 5.0;
        s.replace_config(c);
        assert_eq!(s.authenticate(0, &admin, now), Some(0));
        assert_eq!(s.authenticate(0, &dev, now), None);
        assert_eq!(s.clock.speed(), 5.0);
        assert_eq!(s.config_generation, 1);
    }

    #[test]
    fn generated_tenants_have_stable_ids() {
        let mut c = Config::default();
        c.portals[0].generate_tenants = Some(crate::config::GenerateTenants {
            count: 2000,
            prefix: "tenant".into(),
        });
        let a = State::new(c.clone());
        let b = State::new(c);
        assert_eq!(a.portals[0].tenants.len(), 2001);
        assert_eq!(a.portals[0].tenants[1].name, "tenant0001");
        assert_eq!(a.portals[0].tenants[2000].id, b.portals[0].tenants[2000].id);
        let id = a.portals[0].tenants[5].id.to_uppercase();
        assert_eq!(a.portals[0].tenant_by_id(&id).unwrap().name, "tenant0005");
    }
}
