//! Socket-free request and response values. Every handler takes a [`Request`] and returns a
//! [`Response`]; the server only converts to and from hyper's types.

use percent_encoding::{percent_decode_str, utf8_percent_encode, AsciiSet, NON_ALPHANUMERIC};
use serde::Serialize;

/// Characters left alone by [`encode_component`] (as JavaScript's `encodeURIComponent`
/// leaves `A-Z a-z 0-9 - _ . ~`, but also encoding `! ' ( ) *`).
const COMPONENT: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'_')
    .remove(b'.')
    .remove(b'~');

/// Percent-encodes a string for use as one query value or path segment.
pub fn encode_component(s: &str) -> String {
    utf8_percent_encode(s, COMPONENT).to_string()
}

/// Decodes `%XX` escapes (invalid UTF-8 becomes U+FFFD).
pub fn decode_component(s: &str) -> String {
    percent_decode_str(s).decode_utf8_lossy().into_owned()
}

/// Builds a query string from pairs, encoding every name and value.
pub fn build_query(pairs: &[(&str, &str)]) -> String {
    pairs
        .iter()
        .map(|(k, v)| format!("{}={}", encode_component(k), encode_component(v)))
        .collect::<Vec<_>>()
        .join("&")
}

/// An HTTP request, already read from the connection.
#[derive(Debug, Clone, Default)]
pub struct Request {
    /// Upper-case method.
    pub method: String,
    /// Lower-case host name without port.
    pub host: String,
    /// Raw (still percent-encoded) path.
    pub path: String,
    /// Raw query string without `?` (empty when absent).
    pub query: String,
    /// Headers with lower-case names, in arrival order.
    pub headers: Vec<(String, String)>,
    /// The body.
    pub body: Vec<u8>,
}

impl Request {
    /// A request for `url` (absolute, `https://host/path?query`); handy in tests.
    /// An unparsable URL gives a request with an empty host (which answers 404).
    pub fn new(method: &str, url: &str) -> Request {
        let mut req = Request {
            method: method.to_ascii_uppercase(),
            ..Request::default()
        };
        if let Ok(u) = url::Url::parse(url) {
            req.host = u.host_str().unwrap_or_default().to_ascii_lowercase();
            req.path = u.path().to_string();
            req.query = u.query().unwrap_or_default().to_string();
        }
        req
    }

    /// A GET request for `url`.
    pub fn get(url: &str) -> Request {
        Request::new("GET", url)
    }

    /// A POST request for `url`.
    pub fn post(url: &str) -> Request {
        Request::new("POST", url)
    }

    /// Adds a header.
    pub fn with_header(mut self, name: &str, value: &str) -> Request {
        self.headers
            .push((name.to_ascii_lowercase(), value.to_string()));
        self
    }

    /// Adds `Authorization: Bearer <token>`.
    pub fn with_bearer(self, token: &str) -> Request {
        self.with_header("authorization", &format!("Bearer {token}"))
    }

    /// Adds a cookie to the `Cookie` header.
    pub fn with_cookie(mut self, name: &str, value: &str) -> Request {
        let pair = format!("{name}={value}");
        if let Some((_, v)) = self.headers.iter_mut().find(|(n, _)| n == "cookie") {
            v.push_str("; ");
            v.push_str(&pair);
            self
        } else {
            self.with_header("cookie", &pair)
        }
    }

    /// Sets a form-encoded body.
    pub fn with_form(mut self, pairs: &[(&str, &str)]) -> Request {
        self.body = build_query(pairs).into_bytes();
        self.with_header("content-type", "application/x-www-form-urlencoded")
    }

    /// Sets a raw body.
    pub fn with_body(mut self, body: impl Into<Vec<u8>>) -> Request {
        self.body = body.into();
        self
    }

    /// The first header with this (case-insensitive) name.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    /// All cookies, from every `Cookie` header.
    pub fn cookies(&self) -> Vec<(String, String)> {
        self.headers
            .iter()
            .filter(|(n, _)| n == "cookie")
            .flat_map(|(_, v)| v.split(';'))
            .filter_map(|kv| {
                let (k, v) = kv.trim().split_once('=')?;
                Some((k.trim().to_string(), v.trim().trim_matches('"').to_string()))
            })
            .collect()
    }

    /// The value of the first cookie with this name.
    pub fn cookie(&self, name: &str) -> Option<String> {
        self.cookies()
            .into_iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v)
    }

    /// Decoded query parameters.
    pub fn query_pairs(&self) -> Vec<(String, String)> {
        url::form_urlencoded::parse(self.query.as_bytes())
            .into_owned()
            .collect()
    }

    /// The first query parameter with this name, decoded.
    pub fn query_param(&self, name: &str) -> Option<String> {
        url::form_urlencoded::parse(self.query.as_bytes())
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.into_owned())
    }

    /// The first form field (`application/x-www-form-urlencoded` body) with this name.
    pub fn form_param(&self, name: &str) -> Option<String> {
        url::form_urlencoded::parse(&self.body)
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.into_owned())
    }

    /// The bearer token of the `Authorization` header, if any.
    pub fn bearer_token(&self) -> Option<String> {
        let v = self.header("authorization")?.trim();
        let (scheme, token) = v.split_once(' ')?;
        let token = token.trim();
        (scheme.eq_ignore_ascii_case("bearer") && !token.is_empty()).then(|| token.to_string())
    }

    /// Path plus `?query` when there is one.
    pub fn path_and_query(&self) -> String {
        if self.query.is_empty() {
            self.path.clone()
        } else {
            format!("{}?{}", self.path, self.query)
        }
    }

    /// The full `https://` URL of this request.
    pub fn url(&self) -> String {
        format!("https://{}{}", self.host, self.path_and_query())
    }

    /// Path segments, percent-decoded (`/a/b%20c` gives `["a", "b c"]`).
    pub fn segments(&self) -> Vec<String> {
        self.path
            .trim_start_matches('/')
            .split('/')
            .map(decode_component)
            .collect()
    }
}

/// An HTTP response.
#[derive(Debug, Clone, PartialEq)]
pub struct Response {
    /// Status code.
    pub status: u16,
    /// Headers (names as written).
    pub headers: Vec<(String, String)>,
    /// The body.
    pub body: Vec<u8>,
}

impl Response {
    /// An empty response with this status.
    pub fn empty(status: u16) -> Response {
        Response {
            status,
            headers: Vec::new(),
            body: Vec::new(),
        }
    }

    /// A JSON response.
    pub fn json<T: Serialize + ?Sized>(status: u16, value: &T) -> Response {
        match serde_json::to_vec(value) {
            Ok(body) => Response {
                status,
                headers: vec![(
                    "Content-Type".into(),
                    "application/json; charset=utf-8".into(),
                )],
                body,
            },
            Err(e) => Response::text(500, &format!("cannot encode JSON: {e}")),
        }
    }

    /// An HTML page.
    pub fn html(status: u16, page: String) -> Response {
        Response {
            status,
            headers: vec![("Content-Type".into(), "text/html; charset=utf-8".into())],
            body: page.into_bytes(),
        }
    }

    /// A plain-text response.
    pub fn text(status: u16, text: &str) -> Response {
        Response {
            status,
            headers: vec![("Content-Type".into(), "text/plain; charset=utf-8".into())],
            body: text.as_bytes().to_vec(),
        }
    }

    /// A redirect (`302`, `303`, ...) to `location`.
    pub fn redirect(status: u16, location: &str) -> Response {
        Response::empty(status).with_header("Location", location)
    }

    /// Adds a header.
    pub fn with_header(mut self, name: &str, value: &str) -> Response {
        self.headers.push((name.to_string(), value.to_string()));
        self
    }

    /// Adds a `Set-Cookie` header.
    pub fn with_cookie(self, cookie: &str) -> Response {
        self.with_header("Set-Cookie", cookie)
    }

    /// The first header with this (case-insensitive) name.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    /// Every header with this (case-insensitive) name.
    pub fn headers_named(&self, name: &str) -> Vec<&str> {
        self.headers
            .iter()
            .filter(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
            .collect()
    }

    /// The body as text (lossy).
    pub fn body_text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }

    /// The body parsed as JSON (`Null` when it is not JSON).
    pub fn body_json(&self) -> serde_json::Value {
        serde_json::from_slice(&self.body).unwrap_or(serde_json::Value::Null)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn request_helpers() {
        let r = Request::get("https://Acme.duplocloud.net/a/b%20c?x=1&y=a%2Bb&y=2")
            .with_cookie("s", "v1")
            .with_cookie("t", "v2")
            .with_bearer("tok");
        assert_eq!(r.host, "acme.duplocloud.net");
        assert_eq!(r.segments(), vec!["a", "b c"]);
        assert_eq!(r.query_param("y").as_deref(), Some("a+b"));
        assert_eq!(r.cookie("t").as_deref(), Some("v2"));
        assert_eq!(r.bearer_token().as_deref(), Some("tok"));
        assert_eq!(r.path_and_query(), "/a/b%20c?x=1&y=a%2Bb&y=2");
        let f = Request::post("https://h.example/").with_form(&[("a", "x y&z")]);
        assert_eq!(f.form_param("a").as_deref(), Some("x y&z"));
    }

    #[test]
    fn encoding() {
        assert_eq!(encode_component("a b+/=?&é"), "a%20b%2B%2F%3D%3F%26%C3%A9");
        assert_eq!(decode_component("a%20b%2B"), "a b+");
        assert_eq!(build_query(&[("k", "v w")]), "k=v%20w");
    }
}
