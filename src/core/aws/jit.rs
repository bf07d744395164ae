//! The JIT credentials the portal hands out for one AWS identity, read and checked.

use super::is_valid_region;
use crate::core::portal_api::{json, ApiError, ApiReply};
use crate::core::secret::Secret;
use crate::core::text::{msg, UserText};
use serde::{Deserialize, Serialize};

/// The JIT credentials the portal hands out for one AWS identity (read by
/// [`parse_jit_credentials`]). Kept in the browser's in-memory session storage.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct JitCredentials {
    /// The STS access key id (`ASIA…`); not a secret on its own.
    pub access_key_id: String,
    /// The secret access key.
    #[serde(with = "crate::core::secret::exposed")]
    pub secret_access_key: Secret,
    /// The STS session token.
    #[serde(with = "crate::core::secret::exposed")]
    pub session_token: Secret,
    /// The region the portal suggests, when it sent a valid one.
    pub region: Option<String>,
    /// The portal's ready-made console sign-in URL, when it sent one. Check it with
    /// [`is_safe_console_url`] before opening it.
    #[serde(default, with = "crate::core::secret::exposed::option")]
    pub console_url: Option<Secret>,
    /// The lifetime in seconds, as the portal sent it; see [`super::expiry::expiry_ms`].
    pub validity_secs: Option<i64>,
}

/// The shortest and longest access key ids accepted (AWS documents 16..128).
const ACCESS_KEY_ID_LEN: std::ops::RangeInclusive<usize> = 16..=128;
/// The longest secret access key, session token or sign-in token accepted.
pub(super) const MAX_CREDENTIAL_LEN: usize = 16 * 1024;

/// Whether `value` is usable as a credential: non-empty, at most `max` bytes, without
/// whitespace or control characters (which would break headers, URLs and shell exports).
pub(super) fn is_token_text(value: &str, max: usize) -> bool {
    !value.is_empty()
        && value.len() <= max
        && !value.chars().any(|c| c.is_whitespace() || c.is_control())
}

/// Reads the portal's JIT credentials answer (`GetAwsConsoleTokenUrl`, `jitAccess/...`).
///
/// `AccessKeyId`, `SecretAccessKey` and `SessionToken` are required; `Region` is kept only
/// when it is a valid region, `ConsoleUrl` only when not empty, `Validity` only when it is
/// an integer (another type there is ignored, never an error; an absurdly large one is cut
/// by [`super::expiry::expiry_ms`]). A negative `Validity` makes the answer malformed: credentials that
/// expired before they arrived are broken, not an hour long. Unknown fields are ignored.
pub fn parse_jit_credentials(reply: &ApiReply) -> Result<JitCredentials, ApiError> {
    let value: serde_json::Value = json(reply)?;
    let Some(fields) = value.as_object() else {
        return Err(ApiError::Malformed(
            "JIT credentials are not an object".into(),
        ));
    };
    let text = |name: &str| fields.get(name).and_then(serde_json::Value::as_str);

    let access_key_id = text("AccessKeyId")
        .filter(|id| {
            ACCESS_KEY_ID_LEN.contains(&id.len()) && id.bytes().all(|b| b.is_ascii_alphanumeric())
        })
        .ok_or_else(|| ApiError::Malformed("no usable AccessKeyId".into()))?;
    let secret_access_key = text("SecretAccessKey")
        .filter(|key| is_token_text(key, MAX_CREDENTIAL_LEN))
        .ok_or_else(|| ApiError::Malformed("no usable SecretAccessKey".into()))?;
    let session_token = text("SessionToken")
        .filter(|token| is_token_text(token, MAX_CREDENTIAL_LEN))
        .ok_or_else(|| ApiError::Malformed("no usable SessionToken".into()))?;

    let validity_secs = match fields.get("Validity") {
        Some(serde_json::Value::Number(n)) => {
            // Credentials that expired before they arrived are a broken answer, not an hour.
            if n.as_f64().is_some_and(|v| v < 0.0) {
                return Err(ApiError::Malformed("negative Validity".into()));
            }
            n.as_i64()
        }
        _ => None,
    };

    Ok(JitCredentials {
        access_key_id: access_key_id.to_owned(),
        secret_access_key: Secret::new(secret_access_key),
        session_token: Secret::new(session_token),
        region: text("Region")
            .filter(|region| is_valid_region(region))
            .map(str::to_owned),
        console_url: text("ConsoleUrl")
            .map(str::trim)
            .filter(|url| !url.is_empty())
            .map(Secret::new),
        validity_secs,
    })
}

/// The sentence for a failed JIT credentials call to the portal `host`: a malformed answer
/// says the credentials were unusable; anything else is the portal error's own sentence.
pub fn credentials_error_text(error: &ApiError, host: &str) -> UserText {
    match error {
        ApiError::Malformed(_) => msg::CREDENTIALS_MALFORMED.with([host]),
        other => other.user_text(host),
    }
}

/// The sentence for a failed `getSigninToken` with credentials from the portal `host`.
/// AWS's statuses say nothing about the portal, so every failure reads the same.
pub fn signin_token_error_text(host: &str) -> UserText {
    msg::SIGNIN_TOKEN_FAILED.with([host])
}
