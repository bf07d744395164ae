//! Getting an identity's just-in-time AWS credentials from the portal: which endpoint to
//! ask, and what each answer means — the credentials, a one-time code needed or refused, the
//! older admin endpoint to try, the portal session ended, or a sentence saying what failed.
//! The service asks the portal and stores what this decides (`service/consoles.rs`). Then
//! holding them ([`LiveCredentials`]): until when they may open a console, when they are due
//! for renewal, and when the portal's own sign-in link may still be used.

use super::aws::Partition;
use super::aws::{self, JitCredentials};
use super::expiry;
use super::identity::Role;
use super::portal_api::{ApiError, ApiReply, Endpoint};
use super::secret::Secret;
use super::text::{msg, UserText};
use serde::{Deserialize, Serialize};

/// The endpoint that gives `role`'s credentials. A tenant id the portal gave in a shape no
/// id has is refused here, before it reaches a path.
pub fn endpoint(role: &Role, host: &str) -> Result<Endpoint, UserText> {
    match role {
        Role::Tenant { id, .. } if !id.fits_a_path() => Err(msg::PORTAL_MALFORMED.with([host])),
        Role::Tenant { id, .. } => Ok(Endpoint::TenantCredentials(id.clone())),
        Role::Admin => Ok(Endpoint::AdminCredentials),
        Role::DuploOps => Ok(Endpoint::DuploOpsCredentials),
    }
}

/// Whether a request for `role`'s credentials carries the one-time code: only the
/// administrator's and duplo-ops' calls take one; tenant calls never need it.
pub fn takes_otp(role: &Role) -> bool {
    !matches!(role, Role::Tenant { .. })
}

/// What an answer of the portal to a credentials request means.
#[derive(Debug, Clone, PartialEq)]
pub enum Answer {
    /// The credentials.
    Credentials(JitCredentials),
    /// Ask this endpoint instead (an older portal without the v3 admin endpoint).
    Ask(Endpoint),
    /// The portal session ended (401): the caller signs in again and resumes.
    Unauthorized,
    /// Refused or failed, with the sentence the person sees.
    Refused(UserText),
}

/// Reads the portal's `reply` to a request of `endpoint`, sent with a one-time code or not
/// (`otp_sent`), for the portal at `host`.
pub fn read(endpoint: &Endpoint, reply: &ApiReply, otp_sent: bool, host: &str) -> Answer {
    if *endpoint == Endpoint::AdminCredentials
        && matches!(reply, ApiReply::Http { status: 404, .. })
    {
        return Answer::Ask(Endpoint::AdminCredentialsLegacy);
    }
    if is_otp_refusal(reply) {
        return Answer::Refused(if otp_sent {
            msg::OTP_REJECTED.with([host])
        } else {
            msg::OTP_REQUIRED.with([host])
        });
    }
    match aws::parse_jit_credentials(reply) {
        Ok(credentials) => Answer::Credentials(credentials),
        Err(ApiError::Unauthorized) => Answer::Unauthorized,
        Err(e) => Answer::Refused(aws::credentials_error_text(&e, host)),
    }
}

/// The portal's refusal for want of a (right) one-time code: a 403 that says "OTP".
fn is_otp_refusal(reply: &ApiReply) -> bool {
    matches!(reply, ApiReply::Http { status: 403, body } if String::from_utf8_lossy(body).contains("OTP"))
}

#[cfg(test)]
mod tests {
    use super::*;

    const HOST: &str = "acme.duplocloud.net";

    fn http(status: u16, body: &str) -> ApiReply {
        ApiReply::Http {
            status,
            body: body.as_bytes().to_vec(),
        }
    }

    fn tenant(id: &str) -> Role {
        Role::Tenant {
            id: id.into(),
            name: "dev01".into(),
        }
    }

    #[test]
    fn each_role_has_its_endpoint_and_only_admin_roles_send_the_code() {
        let id = "8b5f0d2e-1c3a-4b6d-9e7f-0a1b2c3d4e5f";
        assert_eq!(
            endpoint(&tenant(id), HOST),
            Ok(Endpoint::TenantCredentials(id.into()))
        );
        assert_eq!(endpoint(&Role::Admin, HOST), Ok(Endpoint::AdminCredentials));
        assert_eq!(
            endpoint(&Role::DuploOps, HOST),
            Ok(Endpoint::DuploOpsCredentials)
        );
        assert!(endpoint(&tenant(".."), HOST).is_err());
        assert!(endpoint(&tenant(""), HOST).is_err());
        assert!(!takes_otp(&tenant(id)));
        assert!(takes_otp(&Role::Admin) && takes_otp(&Role::DuploOps));
    }

    #[test]
    fn an_older_portal_without_the_v3_admin_endpoint_is_asked_the_legacy_one() {
        let missing = http(404, "Not Found");
        assert_eq!(
            read(&Endpoint::AdminCredentials, &missing, false, HOST),
            Answer::Ask(Endpoint::AdminCredentialsLegacy)
        );
        // Only once, and only for the administrator.
        assert!(matches!(
            read(&Endpoint::AdminCredentialsLegacy, &missing, false, HOST),
            Answer::Refused(_)
        ));
        assert!(matches!(
            read(&Endpoint::DuploOpsCredentials, &missing, false, HOST),
            Answer::Refused(_)
        ));
    }

    #[test]
    fn a_403_that_says_otp_asks_for_the_code_or_says_it_was_wrong() {
        let refusal = http(403, r#"{"Message":"OTP required"}"#);
        let required = read(&Endpoint::AdminCredentials, &refusal, false, HOST);
        let rejected = read(&Endpoint::AdminCredentials, &refusal, true, HOST);
        assert_eq!(required, Answer::Refused(msg::OTP_REQUIRED.with([HOST])));
        assert_eq!(rejected, Answer::Refused(msg::OTP_REJECTED.with([HOST])));
        // Another 403 is not about the code.
        let forbidden = read(&Endpoint::AdminCredentials, &http(403, "no"), false, HOST);
        assert!(
            matches!(forbidden, Answer::Refused(text) if text != msg::OTP_REQUIRED.with([HOST]))
        );
    }

    #[test]
    fn a_401_means_sign_in_again() {
        assert_eq!(
            read(&Endpoint::AdminCredentials, &http(401, ""), false, HOST),
            Answer::Unauthorized
        );
    }
}

/// Credentials that were handed out, with when they stop working.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct LiveCredentials {
    /// The STS credentials (and the portal's `ConsoleUrl`).
    pub credentials: JitCredentials,
    /// Their partition.
    pub partition: Partition,
    /// When they arrived.
    pub received_ms: u64,
    /// When they expire (receipt + `Validity`).
    pub expiry_ms: u64,
    /// Whether the portal's `ConsoleUrl` (single use) was spent already.
    pub console_url_used: bool,
}

/// The least time between two renewals of one identity: credentials the portal says last a
/// second would otherwise be renewed in a loop.
pub const MIN_RENEWAL_INTERVAL_MS: u64 = 20_000;

impl LiveCredentials {
    /// The safety margin: five minutes, or a quarter of a short lifetime.
    pub fn margin_ms(&self) -> u64 {
        expiry::margin_ms(self.received_ms, self.expiry_ms)
    }

    /// Whether a new console may still be opened with them.
    pub fn usable(&self, now_ms: u64) -> bool {
        now_ms.saturating_add(self.margin_ms()) < self.expiry_ms
    }

    /// When they are due for renewal: the margin before expiry, but never sooner than
    /// [`MIN_RENEWAL_INTERVAL_MS`] after they arrived.
    pub fn renewal_due_ms(&self) -> u64 {
        self.expiry_ms
            .saturating_sub(self.margin_ms())
            .max(self.received_ms.saturating_add(MIN_RENEWAL_INTERVAL_MS))
    }

    /// The region to land in.
    pub fn region(&self, fallback: Option<&str>) -> String {
        self.credentials
            .region
            .clone()
            .or_else(|| {
                fallback
                    .filter(|r| aws::is_valid_region(r))
                    .map(str::to_owned)
            })
            .unwrap_or_else(|| self.partition.default_region().to_owned())
    }
}

/// How long after its credentials arrived the portal's own `ConsoleUrl` is used: it holds a
/// sign-in token AWS accepts for 15 minutes, once.
pub const CONSOLE_URL_FRESH_MS: u64 = 14 * 60_000;

impl LiveCredentials {
    /// Whether the portal's `ConsoleUrl` can still sign a tab in: unused and fresh.
    pub fn console_url_fresh(&self, now_ms: u64) -> bool {
        !self.console_url_used && now_ms < self.received_ms.saturating_add(CONSOLE_URL_FRESH_MS)
    }

    /// A sign-in from the portal's own `ConsoleUrl`, without asking AWS for a sign-in token:
    /// while the URL is fresh, unused and usable ([`aws::is_usable_console_url`]); as it is
    /// for the home page (`home`), else rebuilt around its token ([`aws::signin_token_of`])
    /// with `issuer` (the portal's origin) and `destination`. The caller spends it
    /// ([`super::consoles::Consoles::take_portal_login`] does both): AWS takes a sign-in token once.
    pub fn portal_login(
        &self,
        now_ms: u64,
        home: bool,
        issuer: &str,
        destination: &str,
    ) -> Option<Secret> {
        let console_url = self.credentials.console_url.as_ref()?;
        if !self.console_url_fresh(now_ms)
            || !aws::is_usable_console_url(console_url.expose(), self.partition)
        {
            return None;
        }
        if home {
            return Some(console_url.clone());
        }
        let token = aws::signin_token_of(console_url.expose(), self.partition)?;
        Some(aws::login_url(self.partition, issuer, destination, &token))
    }
}
