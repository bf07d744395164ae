//! What counts as a DuploCloud portal address.
//!
//! Rules (issue 2, after `duplo-jit`):
//! - `https://` only, except `http://localhost[:port]` and `http://127.0.0.1[:port]`, which
//!   `duplo-jit` allows for development;
//! - no user name or password, no query, no fragment;
//! - the path (and a trailing slash) is ignored: a portal is an origin, so a URL copied from
//!   the address bar of any portal page (`https://acme.duplocloud.net/app/devops/...`) works;
//! - the host is lower-cased; a default port is dropped;
//! - a bare host (`acme.duplocloud.net`) is taken as `https://acme.duplocloud.net`, because
//!   that is what people paste; any other scheme is refused with the reason.

use serde::{Deserialize, Serialize};

use super::text::{msg, UserText};
use super::weburl::{WebUrl, WebUrlError};

/// A portal's origin, checked: `https://host[:port]` (or a local development origin).
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct PortalUrl {
    origin: Origin,
    host: String,
}

/// The name of one portal everywhere it is kept or looked up: `https://host[:port]`, the
/// key of the sessions, tenant lists and settings per portal, and the first part of every
/// [`super::identity::KeyId`]. Its JSON form is the bare string, as builds before it stored
/// it.
///
/// A type of its own so that a host, a URL or a tenant id can never be passed where a
/// portal's origin is meant. A checked one is made only by [`PortalUrl::parse`]; one read
/// back from storage or a page's message ([`Origin::from_text`]) is only compared with the
/// configured portals', never trusted to be well formed.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Origin(String);

impl Origin {
    /// The origin as text (a storage key's part, a notification id, a URL's start).
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// An origin read back from text that names a portal (a message's field, a stored
    /// key): unchecked, so only good for looking a configured portal up.
    pub fn from_text(text: &str) -> Self {
        Self(text.to_owned())
    }
}

/// As [`Origin::from_text`]: unchecked.
impl From<&str> for Origin {
    fn from(text: &str) -> Self {
        Self::from_text(text)
    }
}

impl std::fmt::Display for Origin {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::borrow::Borrow<str> for Origin {
    fn borrow(&self) -> &str {
        &self.0
    }
}

impl PartialEq<str> for Origin {
    fn eq(&self, other: &str) -> bool {
        self.0 == other
    }
}

impl PartialEq<&str> for Origin {
    fn eq(&self, other: &&str) -> bool {
        self.0 == *other
    }
}

impl PartialEq<Origin> for str {
    fn eq(&self, other: &Origin) -> bool {
        *self == other.0
    }
}

/// Why a text is not a portal address.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PortalUrlError {
    /// Nothing was typed.
    #[error("no portal URL given")]
    Empty,
    /// The text does not parse as a URL.
    #[error("not a URL: {0}")]
    NotAUrl(String),
    /// A scheme other than `https` (or `http` for a local development portal).
    #[error("scheme {0} is not allowed")]
    SchemeNotAllowed(String),
    /// `http://` to a host that is not this computer.
    #[error("plain http to a remote host")]
    PlainHttpRemote,
    /// `user:password@` in the URL.
    #[error("credentials in the URL")]
    HasCredentials,
    /// `?...` in the URL.
    #[error("query in the URL")]
    HasQuery,
    /// `#...` in the URL.
    #[error("fragment in the URL")]
    HasFragment,
    /// No host name.
    #[error("no host")]
    NoHost,
    /// An internationalised host name typed in Unicode; the ASCII (`xn--`) form works.
    #[error("non-ASCII host")]
    NonAsciiHost,
}

impl PortalUrlError {
    /// The sentence the user reads.
    pub fn user_text(&self) -> UserText {
        match self {
            Self::Empty => msg::PORTAL_URL_EMPTY.text(),
            Self::NotAUrl(_) | Self::NoHost => msg::PORTAL_URL_NOT_A_URL.text(),
            Self::SchemeNotAllowed(scheme) => msg::PORTAL_URL_SCHEME.with([scheme.as_str()]),
            Self::PlainHttpRemote => msg::PORTAL_URL_PLAIN_HTTP.text(),
            Self::HasCredentials => msg::PORTAL_URL_CREDENTIALS.text(),
            Self::HasQuery => msg::PORTAL_URL_QUERY.text(),
            Self::HasFragment => msg::PORTAL_URL_FRAGMENT.text(),
            Self::NonAsciiHost => msg::PORTAL_URL_NON_ASCII.text(),
        }
    }
}

impl PortalUrl {
    /// Checks `input` against the rules above.
    pub fn parse(input: &str) -> Result<Self, PortalUrlError> {
        let input = input.trim();
        if input.is_empty() {
            return Err(PortalUrlError::Empty);
        }
        let with_scheme = if input.contains("://") {
            input.to_owned()
        } else if has_scheme_prefix(input) {
            // `javascript:alert(1)`, `mailto:x`: a scheme without `//`.
            let scheme = input.split(':').next().unwrap_or_default();
            return Err(PortalUrlError::SchemeNotAllowed(
                scheme.to_ascii_lowercase(),
            ));
        } else {
            format!("https://{input}")
        };
        // The scheme first: `file:///x` is refused for its scheme, not for its empty host.
        let scheme = with_scheme
            .split("://")
            .next()
            .unwrap_or_default()
            .to_ascii_lowercase();
        if !matches!(scheme.as_str(), "https" | "http") {
            return Err(PortalUrlError::SchemeNotAllowed(scheme));
        }
        let url = WebUrl::parse(&with_scheme).map_err(|e| match e {
            WebUrlError::NonAsciiHost => PortalUrlError::NonAsciiHost,
            WebUrlError::Invalid => PortalUrlError::NotAUrl(e.to_string()),
        })?;

        let local = matches!(url.host(), "localhost" | "127.0.0.1");
        match url.scheme() {
            "https" => {}
            "http" if local => {}
            _ => return Err(PortalUrlError::PlainHttpRemote),
        }
        if url.has_credentials() {
            return Err(PortalUrlError::HasCredentials);
        }
        if url.query().is_some() {
            return Err(PortalUrlError::HasQuery);
        }
        if url.fragment().is_some() {
            return Err(PortalUrlError::HasFragment);
        }
        let host = url.host();
        let host = match url.port() {
            Some(port) => format!("{host}:{port}"),
            None => host.to_owned(),
        };
        let origin = Origin(format!("{}://{host}", url.scheme()));
        Ok(Self { origin, host })
    }

    /// `https://host[:port]`, with no trailing slash.
    pub fn origin(&self) -> &Origin {
        &self.origin
    }

    /// `host[:port]`: how the portal is named to the user.
    pub fn host(&self) -> &str {
        &self.host
    }

    /// Whether it is on this computer: `localhost` or `127.0.0.1`, any port.
    pub fn is_local(&self) -> bool {
        let name = match self.host.rsplit_once(':') {
            Some((name, port)) if port.bytes().all(|b| b.is_ascii_digit()) => name,
            _ => self.host.as_str(),
        };
        name == "localhost" || name == "127.0.0.1"
    }

    /// The host permission (a match pattern) this origin needs beyond `granted` (the
    /// manifest's `host_permissions`): None when one of them covers it. A portal on its own
    /// domain asks the user for it when added (`optional_host_permissions`).
    pub fn missing_host_permission(&self, granted: &[&str]) -> Option<String> {
        let (scheme, rest) = self.origin.as_str().split_once("://")?;
        // Match patterns without a port match every port.
        let host = rest.rsplit_once(':').map_or(rest, |(h, _)| h);
        let covered = granted.iter().any(|pattern| {
            let Some((p_scheme, p_rest)) = pattern.split_once("://") else {
                return false;
            };
            let p_host = p_rest.split('/').next().unwrap_or_default();
            let host_ok = match p_host.strip_prefix("*.") {
                Some(domain) => host == domain || host.ends_with(&format!(".{domain}")),
                None => p_host == "*" || p_host == host,
            };
            p_scheme == scheme && host_ok
        });
        (!covered).then(|| format!("{scheme}://{host}/*"))
    }
}

fn has_scheme_prefix(input: &str) -> bool {
    match input.split_once(':') {
        Some((scheme, rest)) => {
            let looks_like_scheme = !scheme.is_empty()
                && scheme
                    .chars()
                    .next()
                    .is_some_and(|c| c.is_ascii_alphabetic())
                && scheme
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'));
            // `localhost:8080` and `acme.duplocloud.net:8443/x` are host:port, not schemes.
            let is_port = rest
                .split(['/', '?', '#'])
                .next()
                .is_some_and(|p| !p.is_empty() && p.chars().all(|c| c.is_ascii_digit()));
            looks_like_scheme && !is_port && !scheme.contains('.')
        }
        None => false,
    }
}

impl TryFrom<String> for PortalUrl {
    type Error = PortalUrlError;
    fn try_from(value: String) -> Result<Self, Self::Error> {
        Self::parse(&value)
    }
}

impl From<PortalUrl> for String {
    fn from(value: PortalUrl) -> Self {
        value.origin.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ok(input: &str) -> (String, String) {
        let url = PortalUrl::parse(input).unwrap_or_else(|e| panic!("{input:?}: {e}"));
        (url.origin().to_string(), url.host().to_owned())
    }

    fn err(input: &str) -> PortalUrlError {
        PortalUrl::parse(input).expect_err(input)
    }

    #[test]
    fn local_means_this_computer() {
        for local in [
            "http://localhost",
            "http://localhost:60020",
            "http://127.0.0.1:8080",
            "https://localhost",
        ] {
            assert!(PortalUrl::parse(local).unwrap().is_local(), "{local}");
        }
        for remote in [
            "https://acme.duplocloud.net",
            "https://localhost.evil.example",
            "https://127.0.0.1.evil.example:1",
        ] {
            assert!(!PortalUrl::parse(remote).unwrap().is_local(), "{remote}");
        }
    }

    #[test]
    fn accepts_https_portals_and_normalises_them() {
        let expected = (
            "https://acme.duplocloud.net".to_owned(),
            "acme.duplocloud.net".to_owned(),
        );
        for input in [
            "https://acme.duplocloud.net",
            "https://acme.duplocloud.net/",
            "  https://ACME.DuploCloud.net/  ",
            "https://acme.duplocloud.net/app/devops/1234/services",
            "https://acme.duplocloud.net:443/",
            "acme.duplocloud.net",
            "ACME.duplocloud.net/app/",
            "HTTPS://acme.duplocloud.net",
        ] {
            assert_eq!(ok(input), expected, "{input}");
        }
    }

    #[test]
    fn keeps_a_custom_domain_and_port() {
        assert_eq!(
            ok("https://portal.example.com:8443/app"),
            (
                "https://portal.example.com:8443".to_owned(),
                "portal.example.com:8443".to_owned()
            )
        );
    }

    #[test]
    fn allows_plain_http_only_for_this_computer() {
        assert_eq!(ok("http://localhost:3000").0, "http://localhost:3000");
        assert_eq!(ok("http://127.0.0.1:8080/").0, "http://127.0.0.1:8080");
        assert_eq!(ok("http://localhost").0, "http://localhost");
        assert_eq!(ok("localhost:3000").0, "https://localhost:3000");
        assert_eq!(
            err("http://acme.duplocloud.net"),
            PortalUrlError::PlainHttpRemote
        );
        assert_eq!(err("http://127.0.0.2"), PortalUrlError::PlainHttpRemote);
        assert_eq!(
            err("http://localhost.evil.com"),
            PortalUrlError::PlainHttpRemote
        );
        assert_eq!(err("http://10.0.0.1"), PortalUrlError::PlainHttpRemote);
    }

    #[test]
    fn refuses_other_schemes() {
        assert_eq!(
            err("ftp://acme.duplocloud.net"),
            PortalUrlError::SchemeNotAllowed("ftp".into())
        );
        assert_eq!(
            err("javascript:alert(1)"),
            PortalUrlError::SchemeNotAllowed("javascript".into())
        );
        assert_eq!(
            err("file:///etc/passwd"),
            PortalUrlError::SchemeNotAllowed("file".into())
        );
        assert_eq!(
            err("data:text/html,hi"),
            PortalUrlError::SchemeNotAllowed("data".into())
        );
    }

    #[test]
    fn refuses_credentials_query_fragment() {
        assert_eq!(
            err("https://bob@acme.duplocloud.net"),
            PortalUrlError::HasCredentials
        );
        assert_eq!(
            err("https://bob:pw@acme.duplocloud.net/"),
            PortalUrlError::HasCredentials
        );
        assert_eq!(
            err("https://acme.duplocloud.net/?x=1"),
            PortalUrlError::HasQuery
        );
        assert_eq!(
            err("https://acme.duplocloud.net/?"),
            PortalUrlError::HasQuery
        );
        assert_eq!(
            err("https://acme.duplocloud.net/#/tenants"),
            PortalUrlError::HasFragment
        );
    }

    #[test]
    fn refuses_empty_and_garbage() {
        assert_eq!(err(""), PortalUrlError::Empty);
        assert_eq!(err("   "), PortalUrlError::Empty);
        assert!(matches!(err("https://"), PortalUrlError::NotAUrl(_)));
        assert!(matches!(
            err("https://exa mple.com"),
            PortalUrlError::NotAUrl(_)
        ));
        assert!(matches!(
            err("not a url at all"),
            PortalUrlError::NotAUrl(_)
        ));
    }

    #[test]
    fn internationalised_hosts_work_in_their_ascii_form() {
        assert_eq!(err("https://bücher.example"), PortalUrlError::NonAsciiHost);
        assert_eq!(
            ok("https://xn--bcher-kva.example").1,
            "xn--bcher-kva.example"
        );
    }

    #[test]
    fn every_refusal_has_a_sentence() {
        for input in [
            "",
            "ftp://a.b",
            "http://a.b",
            "https://u@a.b",
            "https://a.b?q",
            "https://a.b#f",
            "https://",
        ] {
            let text = err(input).user_text().english();
            assert!(text.ends_with('.'), "{input:?} -> {text:?}");
            assert!(text.len() > 20, "{input:?} -> {text:?}");
        }
    }

    #[test]
    fn round_trips_through_serde_and_refuses_bad_stored_values() {
        let url = PortalUrl::parse("acme.duplocloud.net").unwrap();
        let json = serde_json::to_string(&url).unwrap();
        assert_eq!(json, "\"https://acme.duplocloud.net\"");
        assert_eq!(serde_json::from_str::<PortalUrl>(&json).unwrap(), url);
        assert!(serde_json::from_str::<PortalUrl>("\"http://evil.com\"").is_err());
    }

    #[test]
    fn knows_which_portals_need_a_runtime_permission() {
        let granted = crate::core::manifest::HOST_PERMISSIONS;
        let need = |url: &str| {
            PortalUrl::parse(url)
                .unwrap()
                .missing_host_permission(granted)
        };
        assert_eq!(need("https://acme.duplocloud.net"), None);
        assert_eq!(need("https://a.b.duplocloud.net:8443"), None);
        assert_eq!(need("http://localhost:3000"), None);
        assert_eq!(
            need("https://portal.acme.com:8443"),
            Some("https://portal.acme.com/*".into())
        );
        // A look-alike is not the domain.
        assert_eq!(
            need("https://evilduplocloud.net"),
            Some("https://evilduplocloud.net/*".into())
        );
    }
}
