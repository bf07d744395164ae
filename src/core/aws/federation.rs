//! The federation sign-in (`aws-console.md`): `getSigninToken`, the login and logout URLs, and
//! the console home page.

use super::jit::{is_token_text, MAX_CREDENTIAL_LEN};
use super::{multi_session_host, usable_region, JitCredentials, Partition};
use crate::core::portal_api::{json, ApiError, ApiReply};
use crate::core::secret::Secret;
use crate::core::weburl::WebUrl;

/// Percent-encodes everything but the unreserved characters of RFC 3986 (`A-Z a-z 0-9 - . _
/// ~`), so the result is safe as a query value, path segment or fragment part.
pub(crate) fn encode(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for byte in text.bytes() {
        if byte.is_ascii_alphanumeric() || matches!(byte, b'-' | b'.' | b'_' | b'~') {
            out.push(char::from(byte));
        } else {
            out.push_str(&format!("%{byte:02X}"));
        }
    }
    out
}

/// `text` as a JSON string literal (quoted and escaped).
pub(crate) fn json_string(text: &str) -> String {
    serde_json::Value::String(text.to_owned()).to_string()
}

/// The federation `getSigninToken` URL for `creds` (step 1 of `aws-console.md`). It carries
/// the credentials, so it is a secret.
pub fn get_signin_token_url(partition: Partition, creds: &JitCredentials) -> Secret {
    let session = format!(
        "{{\"sessionId\":{},\"sessionKey\":{},\"sessionToken\":{}}}",
        json_string(&creds.access_key_id),
        json_string(creds.secret_access_key.expose()),
        json_string(creds.session_token.expose()),
    );
    Secret::new(format!(
        "https://{}/federation?Action=getSigninToken&Session={}",
        partition.signin_host(),
        encode(&session)
    ))
}

/// Reads the answer to `getSigninToken`: `{"SigninToken": "..."}`.
pub fn parse_signin_token(reply: &ApiReply) -> Result<Secret, ApiError> {
    let value: serde_json::Value = json(reply)?;
    value
        .get("SigninToken")
        .and_then(serde_json::Value::as_str)
        .filter(|token| is_token_text(token, 4 * MAX_CREDENTIAL_LEN))
        .map(Secret::new)
        .ok_or_else(|| ApiError::Malformed("no usable SigninToken".into()))
}

/// The federation login URL (step 2 of `aws-console.md`): the browser signs in with
/// `signin_token` and lands on `destination`. It carries the token, so it is a secret.
pub fn login_url(
    partition: Partition,
    issuer: &str,
    destination: &str,
    signin_token: &Secret,
) -> Secret {
    Secret::new(format!(
        "https://{}/federation?Action=login&Issuer={}&Destination={}&SigninToken={}",
        partition.signin_host(),
        encode(issuer),
        encode(destination),
        encode(signin_token.expose())
    ))
}

/// The console logout URL that then sends the browser to `redirect_uri` (the single-session
/// dance of `aws-console.md`).
pub fn logout_url(partition: Partition, redirect_uri: &str) -> String {
    format!(
        "https://{}/oauth?Action=logout&redirect_uri={}",
        partition.signin_host(),
        encode(redirect_uri)
    )
}

/// The sign-out of one multi-session console session, on that session's own `host`, then on
/// to `redirect_uri`; `None` when `host` is not a multi-session host
/// ([`super::multi_session`]).
pub fn session_logout_url(host: &str, redirect_uri: &str) -> Option<String> {
    multi_session_host(host)?;
    Some(format!(
        "https://{}/oauth?Action=logout&redirect_uri={}",
        host.to_ascii_lowercase(),
        encode(redirect_uri)
    ))
}

/// Whether `url` is a multi-session console's sign-out of one session
/// ([`session_logout_url`]): a tab passing through it is not showing that session.
pub fn is_session_logout_url(url: &str) -> bool {
    WebUrl::parse(url).is_ok_and(|u| multi_session_host(u.host()).is_some() && u.path() == "/oauth")
}

/// The console home page in `region` (the partition's default region when `region` is not
/// one of its regions).
pub fn console_home(partition: Partition, region: &str) -> String {
    let region = usable_region(partition, region);
    format!(
        "https://{region}.{}/console/home?region={region}",
        partition.console_host()
    )
}
