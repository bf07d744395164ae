//! Fault injection on the HTTPS port: latency, replaced answers, and broken answers
//! (malformed, truncated, dropped, non-UTF-8, huge, deeply nested).

use std::sync::OnceLock;

use serde::{Deserialize, Serialize};

use crate::http::Response;

/// Size the `huge` body aims at.
pub const HUGE_BYTES: usize = 20 * 1024 * 1024;
/// Nesting depth of the `nested` body.
pub const NESTED_DEPTH: usize = 100_000;
/// Longest allowed latency.
pub const MAX_LATENCY_MS: u64 = 600_000;

/// How an answer is broken.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FaultKind {
    /// Invalid JSON.
    Malformed,
    /// `Content-Length` larger than the body sent, then the connection closes.
    Truncated,
    /// The connection closes without an answer.
    Drop,
    /// Invalid UTF-8 bytes in a JSON body.
    NonUtf8,
    /// A ~20 MB JSON array.
    Huge,
    /// JSON nested 100,000 levels deep.
    Nested,
}

/// One fault rule. The first rule matching a request applies.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FaultRule {
    /// Host to match (any when `null`).
    #[serde(default)]
    pub host: Option<String>,
    /// Path prefix to match (empty matches every path).
    #[serde(default)]
    pub path_prefix: String,
    /// How many more requests it applies to (`null` = forever).
    #[serde(default)]
    pub times: Option<u64>,
    /// Delay before the (normal or faulty) answer.
    #[serde(default)]
    pub latency_ms: u64,
    /// Replacement status.
    #[serde(default)]
    pub status: Option<u16>,
    /// Replacement body.
    #[serde(default)]
    pub body: Option<String>,
    /// Broken-answer kind.
    #[serde(default)]
    pub kind: Option<FaultKind>,
    /// A `Location` header for the replacement answer (a redirect, with a 3xx `status`).
    #[serde(default)]
    pub location: Option<String>,
}

/// What the server does with a request.
#[derive(Debug, Clone, PartialEq)]
pub enum Outcome {
    /// Send this response.
    Respond(Response),
    /// Send this response's head with its full `Content-Length`, half of the body, then close.
    Truncate(Response),
    /// Close the connection without answering.
    Drop,
}

impl Outcome {
    /// The status to log (0 for a dropped connection).
    pub fn status(&self) -> u16 {
        match self {
            Outcome::Respond(r) | Outcome::Truncate(r) => r.status,
            Outcome::Drop => 0,
        }
    }
}

/// What a matching rule does to the normal handling.
#[derive(Debug, Clone, PartialEq)]
pub enum Plan {
    /// Handle normally (only latency applies).
    Normal,
    /// Handle normally, then truncate the answer.
    TruncateNormal,
    /// Do not run the handler; answer this instead.
    Replace(Outcome),
}

impl FaultRule {
    /// Checks ranges; the error is a sentence for the control API.
    pub fn validate(&self) -> Result<(), String> {
        if let Some(s) = self.status {
            if !(100..=599).contains(&s) {
                return Err(format!("fault status {s} is not an HTTP status"));
            }
        }
        if self.latency_ms > MAX_LATENCY_MS {
            return Err(format!("fault latency_ms may be at most {MAX_LATENCY_MS}"));
        }
        Ok(())
    }

    /// Whether the rule applies to a request for `host` and `path`.
    pub fn matches(&self, host: &str, path: &str) -> bool {
        self.times != Some(0)
            && self
                .host
                .as_deref()
                .is_none_or(|h| h.eq_ignore_ascii_case(host))
            && path.starts_with(&self.path_prefix)
    }

    /// What this rule does.
    pub fn plan(&self) -> Plan {
        let status = self.status.unwrap_or(200);
        let custom = || {
            let body = self.body.clone().unwrap_or_default();
            let json = serde_json::from_str::<serde_json::Value>(&body).is_ok();
            let mut r = Response {
                status,
                headers: Vec::new(),
                body: body.into_bytes(),
            };
            if !r.body.is_empty() {
                let ct = if json {
                    "application/json; charset=utf-8"
                } else {
                    "text/plain; charset=utf-8"
                };
                r = r.with_header("Content-Type", ct);
            }
            if let Some(location) = &self.location {
                r = r.with_header("Location", location);
            }
            r
        };
        let json = |body: Vec<u8>| {
            Plan::Replace(Outcome::Respond(Response {
                status,
                headers: vec![(
                    "Content-Type".into(),
                    "application/json; charset=utf-8".into(),
                )],
                body,
            }))
        };
        match self.kind {
            Some(FaultKind::Drop) => Plan::Replace(Outcome::Drop),
            Some(FaultKind::Truncated) => {
                if self.status.is_some() || self.body.is_some() {
                    Plan::Replace(Outcome::Truncate(custom()))
                } else {
                    Plan::TruncateNormal
                }
            }
            Some(FaultKind::Malformed) => json(malformed_body()),
            Some(FaultKind::NonUtf8) => json(non_utf8_body()),
            Some(FaultKind::Huge) => json(huge_body()),
            Some(FaultKind::Nested) => json(nested_body()),
            None if self.status.is_some() || self.body.is_some() || self.location.is_some() => {
                Plan::Replace(Outcome::Respond(custom()))
            }
            None => Plan::Normal,
        }
    }
}

/// Finds the first rule matching the request, counts it down (removing it when spent)
/// and returns a copy of it.
pub fn take(rules: &mut Vec<FaultRule>, host: &str, path: &str) -> Option<FaultRule> {
    let i = rules.iter().position(|r| r.matches(host, path))?;
    let rule = rules[i].clone();
    if let Some(n) = rules[i].times.as_mut() {
        *n = n.saturating_sub(1);
        if *n == 0 {
            rules.remove(i);
        }
    }
    Some(rule)
}

fn malformed_body() -> Vec<u8> {
    br#"{"TenantId": "malformed", "AccountName": [1, 2,, "#.to_vec()
}

fn non_utf8_body() -> Vec<u8> {
    b"[{\"TenantId\":\"\xff\xfe\xfd\",\"AccountName\":\"bad\xc3\x28utf8\",\"PlanID\":\"\x80\"}]"
        .to_vec()
}

fn huge_body() -> Vec<u8> {
    static HUGE: OnceLock<Vec<u8>> = OnceLock::new();
    HUGE.get_or_init(build_huge_body).clone()
}

fn build_huge_body() -> Vec<u8> {
    let mut out = Vec::with_capacity(HUGE_BYTES + 256);
    out.push(b'[');
    let mut i: u64 = 0;
    while out.len() < HUGE_BYTES {
        if i > 0 {
            out.push(b',');
        }
        out.extend_from_slice(
            format!(
                "{{\"TenantId\":\"00000000-0000-4000-8000-{i:012}\",\"AccountName\":\"huge{i:08}\",\"PlanID\":\"default\"}}"
            )
            .as_bytes(),
        );
        i += 1;
    }
    out.push(b']');
    out
}

fn nested_body() -> Vec<u8> {
    let mut out = vec![b'['; NESTED_DEPTH];
    out.extend(std::iter::repeat_n(b']', NESTED_DEPTH));
    out
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    fn rule(json: &str) -> FaultRule {
        serde_json::from_str(json).unwrap()
    }

    #[test]
    fn first_match_counts_down_and_is_removed() {
        let mut rules = vec![
            rule(r#"{"host":"a.duplocloud.net","path_prefix":"/admin","times":2,"status":500}"#),
            rule(r#"{"path_prefix":"/","latency_ms":10}"#),
        ];
        assert!(take(&mut rules, "b.duplocloud.net", "/admin/x")
            .unwrap()
            .status
            .is_none());
        assert_eq!(
            take(&mut rules, "A.duplocloud.net", "/admin/x")
                .unwrap()
                .status,
            Some(500)
        );
        assert_eq!(
            take(&mut rules, "a.duplocloud.net", "/admin/x")
                .unwrap()
                .status,
            Some(500)
        );
        assert_eq!(rules.len(), 1);
        assert_eq!(
            take(&mut rules, "a.duplocloud.net", "/admin/x")
                .unwrap()
                .latency_ms,
            10
        );
        assert_eq!(rules.len(), 1, "times: null applies forever");
    }

    #[test]
    fn unknown_fields_and_kinds_are_rejected() {
        assert!(serde_json::from_str::<FaultRule>(r#"{"pth":"/"}"#).is_err());
        assert!(serde_json::from_str::<FaultRule>(r#"{"kind":"explode"}"#).is_err());
        assert!(rule(r#"{"status":42}"#).validate().is_err());
    }

    #[test]
    fn plans() {
        assert_eq!(rule(r#"{"latency_ms":5}"#).plan(), Plan::Normal);
        assert_eq!(rule(r#"{"kind":"truncated"}"#).plan(), Plan::TruncateNormal);
        assert_eq!(
            rule(r#"{"kind":"drop"}"#).plan(),
            Plan::Replace(Outcome::Drop)
        );
        let Plan::Replace(Outcome::Respond(r)) =
            rule(r#"{"status":503,"body":"{\"Message\":\"x\"}"}"#).plan()
        else {
            panic!("expected a replacement")
        };
        assert_eq!(r.status, 503);
        assert_eq!(r.body_json()["Message"], "x");
        let Plan::Replace(Outcome::Respond(r)) =
            rule(r#"{"status":302,"location":"https://foreign.example/steal"}"#).plan()
        else {
            panic!("expected a redirect")
        };
        assert_eq!(r.status, 302);
        assert!(r
            .headers
            .iter()
            .any(|(k, v)| k == "Location" && v == "https://foreign.example/steal"));
        for (kind, check) in [
            (
                "malformed",
                Box::new(|b: &[u8]| serde_json::from_slice::<serde_json::Value>(b).is_err())
                    as Box<dyn Fn(&[u8]) -> bool>,
            ),
            (
                "non_utf8",
                Box::new(|b: &[u8]| std::str::from_utf8(b).is_err()),
            ),
            (
                "huge",
                Box::new(|b: &[u8]| b.len() >= HUGE_BYTES && b.ends_with(b"}]")),
            ),
            ("nested", Box::new(|b: &[u8]| b.len() == 2 * NESTED_DEPTH)),
        ] {
            let Plan::Replace(Outcome::Respond(r)) =
                rule(&format!(r#"{{"kind":"{kind}"}}"#)).plan()
            else {
                panic!("{kind}")
            };
            assert_eq!(r.status, 200);
            assert!(check(&r.body), "{kind}");
        }
    }
}
