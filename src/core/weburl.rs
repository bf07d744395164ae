//! Absolute `http(s)` URLs, read strictly.
//!
//! The extension reads URLs to decide where a secret may go (a portal's origin, an AWS
//! sign-in or console host), so what it reads must be what a browser would navigate to.
//! Rather than implement all of WHATWG's lenient parsing (the `url` crate, ~60 KB of the
//! worker's wasm), this accepts only the plain form of an absolute URL, the form browsers
//! serialise URLs in and AWS and portals hand out, and refuses everything a browser would
//! rewrite: backslashes, white space and control characters, percent-encoded or
//! internationalised hosts, IPv6 and shorthand IPv4 hosts, dot segments in the path. For
//! every URL it accepts, the scheme, host, port, path, query and fragment are those a
//! browser's parser gives (a native test compares with the `url` crate on tricky inputs).

use std::fmt;

/// A URL this module accepts: `scheme://[user[:password]@]host[:port][/path][?query][#fragment]`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WebUrl {
    scheme: String,
    username: String,
    password: Option<String>,
    host: String,
    port: Option<u16>,
    path: String,
    query: Option<String>,
    fragment: Option<String>,
}

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
        let (scheme, rest) = input.split_once("://").ok_or(WebUrlError::Invalid)?;
        let scheme = scheme.to_ascii_lowercase();
        let scheme_ok = scheme.starts_with(|c: char| c.is_ascii_lowercase())
            && scheme
                .chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || "+-.".contains(c));
        if !scheme_ok {
            return Err(WebUrlError::Invalid);
        }
        // What a browser would drop, rewrite or read differently anywhere in the text.
        if rest
            .chars()
            .any(|c| c.is_ascii_control() || c.is_whitespace() || c == '\\')
        {
            return Err(WebUrlError::Invalid);
        }
        let authority_end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
        let (authority, rest) = rest.split_at(authority_end);
        let (fragment, rest) = match rest.split_once('#') {
            Some((before, fragment)) => (Some(fragment.to_owned()), before),
            None => (None, rest),
        };
        let (query, path) = match rest.split_once('?') {
            Some((path, query)) => (Some(query.to_owned()), path),
            None => (None, rest),
        };
        let path = if path.is_empty() { "/" } else { path };
        // Dot segments (also percent-encoded) are resolved away by browsers.
        let dots = |segment: &str| {
            matches!(
                segment.to_ascii_lowercase().as_str(),
                "." | ".." | "%2e" | "%2e%2e" | ".%2e" | "%2e."
            )
        };
        if path.split('/').any(dots) {
            return Err(WebUrlError::Invalid);
        }
        let (userinfo, host_port) = match authority.rsplit_once('@') {
            Some((userinfo, host_port)) => (Some(userinfo), host_port),
            None => (None, authority),
        };
        let (username, password) = match userinfo {
            Some(info) => match info.split_once(':') {
                Some((user, password)) => (user.to_owned(), Some(password.to_owned())),
                None => (info.to_owned(), None),
            },
            None => (String::new(), None),
        };
        let (host, port) = match host_port.rsplit_once(':') {
            Some((host, port)) => {
                let port = if port.is_empty() {
                    None
                } else if port.len() <= 5 && port.bytes().all(|b| b.is_ascii_digit()) {
                    Some(port.parse::<u16>().map_err(|_| WebUrlError::Invalid)?)
                } else {
                    return Err(WebUrlError::Invalid);
                };
                (host, port)
            }
            None => (host_port, None),
        };
        let host = check_host(host)?;
        let default_port = match scheme.as_str() {
            "https" => Some(443),
            "http" => Some(80),
            _ => None,
        };
        Ok(Self {
            port: port.filter(|p| Some(*p) != default_port),
            scheme,
            username,
            password,
            host,
            path: path.to_owned(),
            query,
            fragment,
        })
    }

    /// `https`, `http`, … (lower case).
    pub fn scheme(&self) -> &str {
        &self.scheme
    }

    /// The host, lower case, never empty.
    pub fn host(&self) -> &str {
        &self.host
    }

    /// The port, when it is not the scheme's default.
    pub fn port(&self) -> Option<u16> {
        self.port
    }

    /// The user name (empty when none).
    pub fn username(&self) -> &str {
        &self.username
    }

    /// Whether the URL carries a user name or password.
    pub fn has_credentials(&self) -> bool {
        !self.username.is_empty() || self.password.is_some()
    }

    /// The path (`/` at least).
    pub fn path(&self) -> &str {
        &self.path
    }

    /// The query, without `?` (`Some("")` for a bare `?`).
    pub fn query(&self) -> Option<&str> {
        self.query.as_deref()
    }

    /// The fragment, without `#`.
    pub fn fragment(&self) -> Option<&str> {
        self.fragment.as_deref()
    }

    /// The query's `name=value` pairs, decoded as a form (`+` is a space, `%XX` a byte).
    pub fn query_pairs(&self) -> Vec<(String, String)> {
        self.query
            .as_deref()
            .unwrap_or_default()
            .split('&')
            .filter(|pair| !pair.is_empty())
            .map(|pair| {
                let (name, value) = pair.split_once('=').unwrap_or((pair, ""));
                (form_decode(name), form_decode(value))
            })
            .collect()
    }

    /// The first value of the query parameter `name`.
    pub fn query_value(&self, name: &str) -> Option<String> {
        self.query_pairs()
            .into_iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v)
    }

    /// `scheme://host[:port]`.
    pub fn origin(&self) -> String {
        match self.port {
            Some(port) => format!("{}://{}:{port}", self.scheme, self.host),
            None => format!("{}://{}", self.scheme, self.host),
        }
    }

    /// The same URL on another host (checked as [`WebUrl::parse`] checks hosts).
    pub fn with_host(&self, host: &str) -> Result<Self, WebUrlError> {
        Ok(Self {
            host: check_host(host)?,
            ..self.clone()
        })
    }
}

impl fmt::Display for WebUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}://", self.scheme)?;
        if self.has_credentials() {
            f.write_str(&self.username)?;
            if let Some(password) = &self.password {
                write!(f, ":{password}")?;
            }
            f.write_str("@")?;
        }
        f.write_str(&self.host)?;
        if let Some(port) = self.port {
            write!(f, ":{port}")?;
        }
        f.write_str(&self.path)?;
        if let Some(query) = &self.query {
            write!(f, "?{query}")?;
        }
        if let Some(fragment) = &self.fragment {
            write!(f, "#{fragment}")?;
        }
        Ok(())
    }
}

/// A host name of letters, digits, `-`, `_` and dots, lower-cased; or a dotted-quad IPv4
/// address written the canonical way. Anything a browser would decode, map or reinterpret
/// (percent signs, non-ASCII letters, IPv6, `0x7f.1`) is refused.
fn check_host(host: &str) -> Result<String, WebUrlError> {
    if host.is_empty() {
        return Err(WebUrlError::Invalid);
    }
    if !host.is_ascii() {
        return Err(WebUrlError::NonAsciiHost);
    }
    let host = host.to_ascii_lowercase();
    let allowed = host
        .bytes()
        .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.'));
    let labels_ok = host
        .strip_suffix('.')
        .unwrap_or(&host)
        .split('.')
        .all(|label| !label.is_empty());
    if !allowed || !labels_ok {
        return Err(WebUrlError::Invalid);
    }
    // An `xn--` label is an internationalised name: a browser decodes it and refuses it
    // unless it is valid. Without Unicode's IDNA tables, accept only labels that decode (and
    // encode back) to lower-case letters of a few common scripts.
    if !host
        .split('.')
        .all(|label| match label.strip_prefix("xn--") {
            Some(encoded) => plain_idn_label(encoded),
            None => true,
        })
    {
        return Err(WebUrlError::Invalid);
    }
    // A browser reads a host whose last label is a number as an IPv4 address, in many
    // shorthand forms; accept only the canonical one.
    let last = host
        .trim_end_matches('.')
        .rsplit('.')
        .next()
        .unwrap_or_default();
    let numeric = last.bytes().all(|b| b.is_ascii_digit())
        || (last.starts_with("0x") && last[2..].bytes().all(|b| b.is_ascii_hexdigit()));
    if numeric && !is_canonical_ipv4(&host) {
        return Err(WebUrlError::Invalid);
    }
    Ok(host)
}

/// Whether the Punycode `encoded` (an `xn--` label without its prefix) decodes, in the one
/// canonical encoding, to a name of lower-case letters (Latin, Greek, Cyrillic, kana, CJK,
/// Hangul), digits and hyphens with at least one non-ASCII letter, in a DNS label's 63 bytes.
/// Right-to-left scripts, marks, symbols and upper case are left out: a browser might map or
/// refuse them.
fn plain_idn_label(encoded: &str) -> bool {
    // A DNS label is at most 63 bytes, `xn--` included.
    if encoded.len() > 59 {
        return false;
    }
    let Some(decoded) = punycode_decode(encoded) else {
        return false;
    };
    let letters = |c: char| {
        matches!(c, 'a'..='z' | '0'..='9' | '-')
            || matches!(c as u32,
                0x00E0..=0x00F6 | 0x00F8..=0x00FE // Latin-1 lower case
                | 0x03B1..=0x03C9 // Greek lower case
                | 0x0430..=0x044F // Cyrillic lower case
                | 0x3041..=0x3096 | 0x30A1..=0x30FA // kana
                | 0x4E00..=0x9FFF // CJK ideographs
                | 0xAC00..=0xD7A3) // Hangul syllables
    };
    decoded.iter().all(|c| letters(*c))
        && decoded.iter().any(|c| !c.is_ascii())
        && punycode_encode(&decoded).as_deref() == Some(encoded)
}

const BASE: u32 = 36;
const T_MIN: u32 = 1;
const T_MAX: u32 = 26;

fn adapt(mut delta: u32, points: u32, first: bool) -> u32 {
    delta /= if first { 700 } else { 2 };
    delta += delta / points;
    let mut k = 0;
    while delta > ((BASE - T_MIN) * T_MAX) / 2 {
        delta /= BASE - T_MIN;
        k += BASE;
    }
    k + (BASE - T_MIN + 1) * delta / (delta + 38)
}

fn threshold(k: u32, bias: u32) -> u32 {
    k.saturating_sub(bias).clamp(T_MIN, T_MAX)
}

/// RFC 3492 decoding; `None` for anything malformed.
fn punycode_decode(input: &str) -> Option<Vec<char>> {
    let (basic, extended) = match input.rfind('-') {
        Some(i) => (&input[..i], &input[i + 1..]),
        None => ("", input),
    };
    let mut output: Vec<char> = basic.chars().collect();
    let (mut n, mut i, mut bias) = (128_u32, 0_u32, 72_u32);
    let mut digits = extended.bytes().peekable();
    while digits.peek().is_some() {
        let old_i = i;
        let mut weight = 1_u32;
        let mut k = BASE;
        loop {
            let digit = match digits.next()? {
                b @ b'a'..=b'z' => u32::from(b - b'a'),
                b @ b'0'..=b'9' => u32::from(b - b'0') + 26,
                _ => return None,
            };
            i = i.checked_add(digit.checked_mul(weight)?)?;
            let t = threshold(k, bias);
            if digit < t {
                break;
            }
            weight = weight.checked_mul(BASE - t)?;
            k += BASE;
        }
        let points = u32::try_from(output.len()).ok()? + 1;
        bias = adapt(i - old_i, points, old_i == 0);
        n = n.checked_add(i / points)?;
        i %= points;
        output.insert(usize::try_from(i).ok()?, char::from_u32(n)?);
        i += 1;
    }
    Some(output)
}

/// RFC 3492 encoding of `input` (lower case); `None` on overflow.
fn punycode_encode(input: &[char]) -> Option<String> {
    let mut output: String = input.iter().filter(|c| c.is_ascii()).collect();
    let basic = u32::try_from(output.len()).ok()?;
    if basic > 0 {
        output.push('-');
    }
    let (mut n, mut delta, mut bias) = (128_u32, 0_u32, 72_u32);
    let mut handled = basic;
    let total = u32::try_from(input.len()).ok()?;
    while handled < total {
        let m = input.iter().map(|c| *c as u32).filter(|c| *c >= n).min()?;
        delta = delta.checked_add((m - n).checked_mul(handled + 1)?)?;
        n = m;
        for c in input.iter().map(|c| *c as u32) {
            if c < n {
                delta = delta.checked_add(1)?;
            }
            if c == n {
                let mut q = delta;
                let mut k = BASE;
                loop {
                    let t = threshold(k, bias);
                    if q < t {
                        break;
                    }
                    output.push(digit(t + (q - t) % (BASE - t)));
                    q = (q - t) / (BASE - t);
                    k += BASE;
                }
                output.push(digit(q));
                bias = adapt(delta, handled + 1, handled == basic);
                delta = 0;
                handled += 1;
            }
        }
        delta = delta.checked_add(1)?;
        n = n.checked_add(1)?;
    }
    Some(output)
}

fn digit(d: u32) -> char {
    match d {
        0..=25 => char::from(b'a' + d as u8),
        _ => char::from(b'0' + (d - 26) as u8),
    }
}

fn is_canonical_ipv4(host: &str) -> bool {
    let parts: Vec<&str> = host.split('.').collect();
    parts.len() == 4
        && parts.iter().all(|p| {
            !p.is_empty()
                && p.len() <= 3
                && p.bytes().all(|b| b.is_ascii_digit())
                && (p.len() == 1 || !p.starts_with('0'))
                && p.parse::<u16>().is_ok_and(|n| n <= 255)
        })
}

/// `application/x-www-form-urlencoded` decoding: `+` is a space, `%XX` a byte; invalid
/// UTF-8 becomes U+FFFD, a stray `%` stays as it is.
fn form_decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'+' => out.push(b' '),
            b'%' => match (hex(bytes.get(i + 1)), hex(bytes.get(i + 2))) {
                (Some(high), Some(low)) => {
                    out.push(high << 4 | low);
                    i += 2;
                }
                _ => out.push(b'%'),
            },
            byte => out.push(byte),
        }
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

fn hex(byte: Option<&u8>) -> Option<u8> {
    let byte = *byte?;
    char::from(byte).to_digit(16).map(|d| d as u8)
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
            assert_eq!(ours.password.as_deref(), theirs.password(), "{text}");
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
}
