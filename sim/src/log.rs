//! The request log of the HTTPS port, read by tests through the control API.

use std::collections::VecDeque;

use serde::Serialize;

use crate::http::Request;

/// Most entries kept; older ones are dropped first.
pub const MAX_ENTRIES: usize = 200_000;

/// One request as seen on the HTTPS port.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct LogEntry {
    /// Sequence number, from 1, never reused (not even after a clear).
    pub seq: u64,
    /// Real Unix time in ms.
    pub time_ms: u64,
    /// Host (lower-case, no port).
    pub host: String,
    /// Method.
    pub method: String,
    /// Raw path.
    pub path: String,
    /// Raw query string (empty when absent).
    pub query: String,
    /// Bearer token of the `Authorization` header.
    pub token: Option<String>,
    /// `otpcode` header.
    pub otp: Option<String>,
    /// `Origin` header.
    pub origin: Option<String>,
    /// Status answered (0 when the connection was dropped without an answer).
    pub status: u16,
}

/// A bounded, append-only log.
#[derive(Debug, Default)]
pub struct RequestLog {
    entries: VecDeque<LogEntry>,
    last_seq: u64,
}

impl RequestLog {
    /// Appends an entry for `req`.
    pub fn record(&mut self, req: &Request, status: u16, time_ms: u64) {
        self.last_seq += 1;
        if self.entries.len() >= MAX_ENTRIES {
            self.entries.pop_front();
        }
        self.entries.push_back(LogEntry {
            seq: self.last_seq,
            time_ms,
            host: req.host.clone(),
            method: req.method.clone(),
            path: req.path.clone(),
            query: req.query.clone(),
            token: req.bearer_token(),
            otp: req.header("otpcode").map(str::to_string),
            origin: req.header("origin").map(str::to_string),
            status,
        });
    }

    /// Entries with `seq > since`.
    pub fn since(&self, since: u64) -> Vec<&LogEntry> {
        self.entries.iter().filter(|e| e.seq > since).collect()
    }

    /// Removes every entry; returns how many there were.
    pub fn clear(&mut self) -> usize {
        let n = self.entries.len();
        self.entries.clear();
        n
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn records_and_filters() {
        let mut log = RequestLog::default();
        let req = Request::get("https://a.duplocloud.net/x?q=1")
            .with_bearer("t")
            .with_header("otpcode", "123")
            .with_header("Origin", "chrome-extension://abc");
        log.record(&req, 200, 5);
        log.record(&req, 401, 6);
        let all = log.since(0);
        assert_eq!(all.len(), 2);
        assert_eq!(all[0].token.as_deref(), Some("t"));
        assert_eq!(all[0].otp.as_deref(), Some("123"));
        assert_eq!(all[0].origin.as_deref(), Some("chrome-extension://abc"));
        assert_eq!(all[0].query, "q=1");
        assert_eq!(log.since(1).len(), 1);
        assert_eq!(log.clear(), 2);
        log.record(&req, 200, 7);
        assert_eq!(log.since(0)[0].seq, 3);
    }
}
