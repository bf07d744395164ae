//! Absolute URLs, read strictly: the `url` crate's WHATWG parser (the one browsers follow)
//! plus one rule on top.
//!
//! The extension decides where a secret may go from the URLs it reads (a portal's origin, an
//! AWS sign-in or console host), so it takes only a URL a browser navigates to unchanged: the
//! parser's serialisation must be the text itself, up to what changes no part's meaning (the
//! case of scheme and host, an empty or default port or a port's leading zeros, the `/` of an
//! empty path, characters written raw that the parser percent-encodes). Whatever else a browser
//! would rewrite is refused: backslashes, white space and control characters, a percent-encoded
//! host, IPv6 and shorthand IPv4 hosts, `.`/`..` path segments (also percent-encoded), an empty
//! user info (`https://@host/`).
//!
//! A host must also be plain: a dotted-quad IPv4 address, or non-empty labels of ASCII letters,
//! digits, `-` and `_`; one typed in non-ASCII letters has its own error (the IDNA back end is
//! the ASCII-only one, see `deny.toml`: type its `xn--` form). An `xn--` label must decode to
//! lower-case letters of a few scripts (Latin, Greek, Cyrillic, kana, CJK, Hangul), one of them
//! non-ASCII: look-alikes (`аррӏе`), symbols, marks and right-to-left scripts, which a browser
//! might show, map or refuse, are left out. `idna`'s decoder (through `url::quirks`) is strict
//! RFC 3492, so a label it decodes is in its one canonical encoding: no Punycode of our own.
//!
//! Any scheme is read (`chrome-extension://` pages too; callers check the scheme they need). A
//! host of a scheme `url` does not know (opaque, its case kept) must read as a web host.

use std::fmt;

use url::{Host, Position, Url};

/// A URL this module accepts: `scheme://[user[:password]@]host[:port][/path][?query][#fragment]`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WebUrl(Url);

/// Why a text is not a URL this module accepts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum WebUrlError {
    /// Not an absolute URL in plain form (see the module's documentation).
    #[error("not a plain absolute URL")]
    Invalid,
    /// The host has letters outside ASCII (its `xn--` form is accepted).
    #[error("non-ASCII host")]
    NonAsciiHost,
}

impl WebUrl {
    /// Reads `input` (without surrounding white space: the caller trims what a person typed).
    pub fn parse(input: &str) -> Result<Self, WebUrlError> {
        let invalid = WebUrlError::Invalid;
        // What a browser would drop, or read as a separator, anywhere in the text.
        if input.contains(|c: char| c.is_ascii_control() || c.is_whitespace() || c == '\\') {
            return Err(invalid);
        }
        // The text's parts, split as the parser splits them (`\` being ruled out).
        let (scheme, rest) = input.split_once("://").ok_or(invalid)?;
        let (authority, tail) = rest.split_at(rest.find(['/', '?', '#']).unwrap_or(rest.len()));
        let host_port = authority.rsplit_once('@').map_or(authority, |(_, hp)| hp);
        let userinfo = &authority[..authority.len() - host_port.len()];
        let (host, port) = host_port.rsplit_once(':').unwrap_or((host_port, ""));
        if !host.is_ascii() {
            return Err(WebUrlError::NonAsciiHost);
        }
        let url = Url::parse(input).map_err(|_| invalid)?;
        let parsed_host = url.host_str().unwrap_or_default();
        // The rule: the serialisation is the text, up to what changes no part's meaning.
        let same_host = host.eq_ignore_ascii_case(parsed_host) && plain_host(parsed_host);
        let same_port = port.len() <= 5
            && (port.is_empty() || port.parse().ok() == url.port_or_known_default());
        let root = match tail.starts_with('/') || url.path().is_empty() {
            true => "",
            false => "/",
        };
        let host_port = &url[Position::BeforeHost..Position::AfterPort];
        let scheme = scheme.to_ascii_lowercase();
        let written = format!("{scheme}://{userinfo}{host_port}{root}{tail}");
        if !same_host || !same_port || !escaped_only(url.as_str(), &written) {
            return Err(invalid);
        }
        Ok(Self(url))
    }

    /// `https`, `http`, … (lower case).
    pub fn scheme(&self) -> &str {
        self.0.scheme()
    }

    /// The host, lower case, never empty.
    pub fn host(&self) -> &str {
        self.0.host_str().unwrap_or_default()
    }

    /// The port, when it is not the scheme's default.
    pub fn port(&self) -> Option<u16> {
        self.0.port()
    }

    /// The user name (empty when none), percent-encoded as the parser serialises it.
    pub fn username(&self) -> &str {
        self.0.username()
    }

    /// Whether the URL carries a user name or password.
    pub fn has_credentials(&self) -> bool {
        !self.0.username().is_empty() || self.0.password().is_some()
    }

    /// The path, percent-encoded (`/` at least; empty in `chrome-extension://id?x`).
    pub fn path(&self) -> &str {
        self.0.path()
    }

    /// The query, without `?` (`Some("")` for a bare `?`).
    pub fn query(&self) -> Option<&str> {
        self.0.query()
    }

    /// The fragment, without `#`.
    pub fn fragment(&self) -> Option<&str> {
        self.0.fragment()
    }

    /// The query's `name=value` pairs, decoded as a form (`+` is a space, `%XX` a byte).
    pub fn query_pairs(&self) -> Vec<(String, String)> {
        let pairs = self.0.query_pairs();
        pairs.map(|(n, v)| (n.into(), v.into())).collect()
    }

    /// The first value of the query parameter `name`.
    pub fn query_value(&self, name: &str) -> Option<String> {
        let mut pairs = self.0.query_pairs();
        pairs.find(|(n, _)| n == name).map(|(_, v)| v.into_owned())
    }

    /// `scheme://host[:port]` (for any scheme, where `url` has opaque origins).
    pub fn origin(&self) -> String {
        let host_port = &self.0[Position::BeforeHost..Position::AfterPort];
        format!("{}://{host_port}", self.0.scheme())
    }

    /// The same URL on another host (checked as [`WebUrl::parse`] checks hosts).
    pub fn with_host(&self, host: &str) -> Result<Self, WebUrlError> {
        let before = &self.0[..Position::BeforeHost];
        let after = &self.0[Position::AfterHost..];
        // Host characters only, so the text around the host keeps its meaning.
        let host_char = |b: u8| b.is_ascii_alphanumeric() || b"-_.".contains(&b);
        match host.bytes().all(host_char) {
            true => Self::parse(&format!("{before}{host}{after}")),
            false if host.is_ascii() => Err(WebUrlError::Invalid),
            false => Err(WebUrlError::NonAsciiHost),
        }
    }
}

impl fmt::Display for WebUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.0.as_str())
    }
}

/// Whether the parsed `host` is a dotted-quad IPv4 address, or a domain that reads as itself
/// (also as a web host, when opaque) of non-empty labels of `a-z`, `0-9`, `-`, `_`.
fn plain_host(host: &str) -> bool {
    let label_ok = |label: &str| {
        let plain = |b: u8| b.is_ascii_lowercase() || b.is_ascii_digit() || b"-_".contains(&b);
        !label.is_empty()
            && label.bytes().all(plain)
            && (!label.starts_with("xn--") || plain_idn_label(label))
    };
    let name = host.strip_suffix('.').unwrap_or(host);
    match Host::parse(host) {
        Ok(Host::Ipv4(ip)) => ip.to_string() == host,
        Ok(Host::Domain(domain)) => domain == host && name.split('.').all(label_ok),
        _ => false,
    }
}

/// Whether the `xn--` `label` fits a DNS label's 63 bytes and decodes to lower-case letters
/// (Latin, Greek, Cyrillic, kana, CJK, Hangul), digits and hyphens, one letter non-ASCII.
fn plain_idn_label(label: &str) -> bool {
    let decoded = url::quirks::domain_to_unicode(label);
    // ASCII; lower-case Latin-1, Greek, Cyrillic; kana; CJK ideographs; Hangul syllables.
    let letter = |c: char| {
        matches!(c, 'a'..='z' | '0'..='9' | '-')
            || matches!(c as u32, 0xE0..=0xF6 | 0xF8..=0xFE | 0x3B1..=0x3C9 | 0x430..=0x44F)
            || matches!(c as u32, 0x3041..=0x3096 | 0x30A1..=0x30FA)
            || matches!(c as u32, 0x4E00..=0x9FFF | 0xAC00..=0xD7A3)
    };
    label.len() <= 63 && decoded.chars().all(letter) && !decoded.is_ascii()
}

/// Whether `serial` is `written` with some characters percent-encoded (`%XX` for each of
/// their UTF-8 bytes), as the parser encodes what a URL may not hold raw.
fn escaped_only(serial: &str, written: &str) -> bool {
    let rest = written.chars().try_fold(serial, |rest, c| {
        let escaped: String = c.to_string().bytes().map(|b| format!("%{b:02X}")).collect();
        rest.strip_prefix(c)
            .or_else(|| rest.strip_prefix(escaped.as_str()))
    });
    rest == Some("")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_the_parts() {
        let u = WebUrl::parse("HTTPS://Signin.AWS.amazon.com:443/federation?Action=login&Destination=https%3A%2F%2Fx%2Fa+b#top").unwrap();
        assert_eq!(u.scheme(), "https");
        assert_eq!(u.host(), "signin.aws.amazon.com");
        assert_eq!(u.port(), None);
        assert_eq!(u.path(), "/federation");
        assert_eq!(
            u.query_value("Destination").as_deref(),
            Some("https://x/a b")
        );
        assert_eq!(u.fragment(), Some("top"));
        assert_eq!(u.origin(), "https://signin.aws.amazon.com");
        assert_eq!(
            u.to_string(),
            "https://signin.aws.amazon.com/federation?Action=login&Destination=https%3A%2F%2Fx%2Fa+b#top"
        );
        let p = WebUrl::parse("http://localhost:3000").unwrap();
        assert_eq!(
            (p.path(), p.port(), p.origin().as_str()),
            ("/", Some(3000), "http://localhost:3000")
        );
        let moved = u.with_host("us-west-2.console.aws.amazon.com").unwrap();
        assert!(moved
            .to_string()
            .starts_with("https://us-west-2.console.aws.amazon.com/federation?"));
    }

    #[test]
    fn refuses_what_a_browser_would_read_differently() {
        for bad in [
            "https://evil.com\\@signin.aws.amazon.com/",
            "https:\\\\signin.aws.amazon.com/",
            "https://sign\nin.aws.amazon.com/",
            "https://signin.aws.amazon.com /",
            "https://%73ignin.aws.amazon.com/",
            "https://xn--bcher-kva.example/a/../b",
            "https://a.example/%2e%2E/b",
            "https://[::1]/",
            "https://127.1/",
            "https://0x7f.0.0.1/",
            "https://1.2.3.04/",
            "https://a..b/",
            "https://:443/",
            "https://a.example:99999/",
            "https://a.example:8o/",
            "https//a.example/",
            "://a.example/",
            "1https://a.example/",
        ] {
            assert!(WebUrl::parse(bad).is_err(), "{bad}");
        }
        assert_eq!(
            WebUrl::parse("https://bücher.example/"),
            Err(WebUrlError::NonAsciiHost)
        );
    }

    #[test]
    fn internationalised_labels_must_be_plain_and_canonical() {
        for good in [
            "xn--bcher-kva.example",
            "xn--mller-kva.de",
            "xn--e1afmkfd.example",
            "xn--wgv71a119e.jp",
        ] {
            assert!(WebUrl::parse(&format!("https://{good}/")).is_ok(), "{good}");
        }
        // Decodes to ASCII only; bad Punycode; upper case (Ü); a symbol (☃); "аррӏе", the
        // apple.com look-alike (its ӏ is outside the letters taken).
        for bad in [
            "xn--xam9uap-.lecom",
            "xn--.example",
            "xn--zz9999999999.example",
            "xn--wca.example",
            "xn--80ak6aa92e.com",
            "xn--n3h.example",
        ] {
            assert!(WebUrl::parse(&format!("https://{bad}/")).is_err(), "{bad}");
        }
    }

    #[test]
    fn user_info_is_seen_and_the_host_is_after_the_last_at() {
        let u = WebUrl::parse("https://signin.aws.amazon.com@evil.com/").unwrap();
        assert_eq!(u.host(), "evil.com");
        assert!(u.has_credentials());
        let u = WebUrl::parse("https://a:b@c@evil.com/").unwrap();
        assert_eq!(u.host(), "evil.com");
    }

    #[test]
    fn form_decoding() {
        let u = WebUrl::parse("https://a.example/?a=1&b=%E2%9C%93+x&c&=d&e=%zz&&t=%41").unwrap();
        assert_eq!(
            u.query_pairs(),
            [
                ("a", "1"),
                ("b", "✓ x"),
                ("c", ""),
                ("", "d"),
                ("e", "%zz"),
                ("t", "A")
            ]
            .map(|(a, b)| (a.to_owned(), b.to_owned()))
        );
    }

    /// Whatever this module accepts, a WHATWG parser (the `url` crate) reads the same way.
    #[test]
    fn agrees_with_a_browser_parser_on_what_it_accepts() {
        let corpus = [
            "https://signin.aws.amazon.com/federation?Action=login&SigninToken=abc",
            "https://us-east-1.signin.aws.amazon.com/oauth?Action=logout&redirect_uri=https%3A%2F%2Fx",
            "https://123456789012-abcd1234.us-west-2.console.aws.amazon.com/s3/buckets?region=us-west-2#x",
            "https://console.amazonaws-us-gov.com",
            "https://console.aws.amazon.com.evil.example/",
            "https://signin.aws.amazon.com.:443/",
            "https://user:pw@acme.duplocloud.net:8443/app/",
            "http://127.0.0.1:8080/?",
            "http://localhost/handoff.html?port=5&t=a%2Bb+c",
            "chrome-extension://coagfjlccoccbaapfoeiokdflcpeelfj/handoff.html?port=1&t=x",
            "https://a.example/path;p?q=1&r=%zz#f#g",
            "https://a.example/ü?ü=1",
            "https://a_b.example/",
            "https://a.example:0/",
            "https://a.example:/x",
            "HTTPS://A.EXAMPLE/A",
            "https://1.2.3.4/",
            "https://xn--bcher-kva.example/",
            "https://xn--e1afmkfd.example/",
        ];
        for text in corpus {
            let ours = WebUrl::parse(text).unwrap_or_else(|e| panic!("{text}: {e}"));
            let theirs = url::Url::parse(text).unwrap();
            assert_eq!(ours.scheme(), theirs.scheme(), "{text}");
            assert_eq!(Some(ours.host()), theirs.host_str(), "{text}");
            assert_eq!(ours.port(), theirs.port(), "{text}");
            assert_eq!(ours.username(), theirs.username(), "{text}");
            assert_eq!(ours.0.password(), theirs.password(), "{text}");
            assert_eq!(ours.fragment(), theirs.fragment(), "{text}");
            let pairs: Vec<(String, String)> = theirs
                .query_pairs()
                .map(|(a, b)| (a.into_owned(), b.into_owned()))
                .collect();
            assert_eq!(ours.query_pairs(), pairs, "{text}");
            if text.is_ascii() {
                assert_eq!(ours.path(), theirs.path(), "{text}");
                assert_eq!(ours.query(), theirs.query(), "{text}");
                assert_eq!(ours.to_string(), theirs.to_string(), "{text}");
            }
        }
    }

    /// The rewrites the parser may make and still mean the same URL; and the ones it may not.
    #[test]
    fn only_rewrites_that_keep_the_meaning() {
        for (text, shown) in [
            ("HTTPS://A.Example", "https://a.example/"),
            ("https://a.example:0443/x", "https://a.example/x"),
            ("https://a.example:/x", "https://a.example/x"),
            (
                "https://a.example/ü?q=\"#`",
                "https://a.example/%C3%BC?q=%22#%60",
            ),
            ("https://a@b@c.example/", "https://a%40b@c.example/"),
            ("chrome-extension://abc?x", "chrome-extension://abc?x"),
        ] {
            let url = WebUrl::parse(text).unwrap_or_else(|e| panic!("{text}: {e}"));
            assert_eq!(url.to_string(), shown, "{text}");
        }
        for bad in [
            "https://@a.example/",
            "https://:@a.example/",
            "https://u:@a.example/",
            "https://a.example:000443/",
            "https:a.example/",
            "https:///a.example/",
            "https://a.example/./x",
            "https://a.example/x/%2e",
            "https://a!b.example/",
            "https://a.example\u{a0}/",
            "chrome-extension://ABC/",
            "chrome-extension://127.1/",
            "chrome-extension://a%41/",
            "chrome-extension://a..b/",
            "chrome-extension:///x",
            "https://xn---e1afmkfd.example/",
            "https://xn--e1afmkfd-.example/",
        ] {
            assert_eq!(WebUrl::parse(bad), Err(WebUrlError::Invalid), "{bad}");
        }
    }

    #[test]
    fn another_host_is_checked_as_parse_checks_it() {
        let u = WebUrl::parse("https://u@a.example:8443/p?q#f").unwrap();
        let moved = u.with_host("B.Example").unwrap();
        assert_eq!(moved.to_string(), "https://u@b.example:8443/p?q#f");
        for bad in [
            "",
            "evil.example/x@",
            "evil.example:1",
            "127.1",
            "a..b",
            "[::1]",
        ] {
            assert_eq!(u.with_host(bad), Err(WebUrlError::Invalid), "{bad}");
        }
        assert_eq!(
            u.with_host("bücher.example"),
            Err(WebUrlError::NonAsciiHost)
        );
    }
}
