//! The worker's own diagnostics: a small ring of timestamped events (start-up steps, a
//! page's request arriving and answered, each network request's start and end, each
//! console navigation), so that where the time goes can be read from the extension itself
//! (the benchmark does) instead of guessed.
//!
//! Events carry kinds and numbers only — never a URL, a token, a key or a tenant's name —
//! so the ring can be shown to anyone.

use std::collections::VecDeque;

use serde::Serialize;

/// How many events the ring keeps; older ones are dropped.
pub const CAPACITY: usize = 2048;

/// Something the worker did.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(
    tag = "event",
    rename_all = "camelCase",
    rename_all_fields = "camelCase"
)]
pub enum Event {
    /// The wasm module is instantiated (the listeners were registered before, at the top
    /// level of `bg.js`).
    WasmReady,
    /// The stored state (configuration, sessions, consoles) is read.
    StateLoaded,
    /// The start-up's schedule is done (renewals due, alarm, badge).
    StartupDone,
    /// The context menu was brought up to date, a moment after the start-up's schedule.
    MenusDone,
    /// The administrator's policy (`storage.managed`) was read and applied: at start-up it
    /// comes beside the stored state, not before it.
    PolicyApplied,
    /// A page's request arrived (`request`: its `type`).
    Request {
        /// The request's `type`.
        request: String,
    },
    /// The answer to that request is ready.
    Answered {
        /// The request's `type`.
        request: String,
    },
    /// A network request started (`to`: `portal` or `aws`); `id` pairs it with its end.
    FetchStart {
        /// Which one.
        id: u32,
        /// `portal` or `aws`.
        to: &'static str,
    },
    /// A network request ended, with its HTTP status (0: no answer).
    FetchEnd {
        /// Which one.
        id: u32,
        /// The status.
        status: u16,
    },
    /// A console tab was opened (`tab`: None) or sent to a new address.
    Navigate {
        /// The tab sent elsewhere; None for a new tab.
        tab: Option<i32>,
    },
}

/// An event and when it happened.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Entry {
    /// Milliseconds since the epoch, fractional (the browser's high-resolution clock).
    pub at_ms: f64,
    /// What happened.
    #[serde(flatten)]
    pub event: Event,
}

/// The last [`CAPACITY`] events, oldest first.
#[derive(Debug, Default)]
pub struct Ring {
    entries: VecDeque<Entry>,
    next_fetch: u32,
}

impl Ring {
    /// Records `event` at `at_ms`, dropping the oldest event when full.
    pub fn record(&mut self, at_ms: f64, event: Event) {
        if self.entries.len() == CAPACITY {
            self.entries.pop_front();
        }
        self.entries.push_back(Entry { at_ms, event });
    }

    /// A new id for a network request's start and end events.
    pub fn fetch_id(&mut self) -> u32 {
        self.next_fetch = self.next_fetch.wrapping_add(1);
        self.next_fetch
    }

    /// The events, oldest first.
    pub fn entries(&self) -> impl Iterator<Item = &Entry> {
        self.entries.iter()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keeps_the_last_events_in_order() {
        let mut ring = Ring::default();
        for i in 0..CAPACITY + 3 {
            ring.record(
                i as f64,
                Event::Navigate {
                    tab: Some(i as i32),
                },
            );
        }
        let kept: Vec<f64> = ring.entries().map(|e| e.at_ms).collect();
        assert_eq!(kept.len(), CAPACITY);
        assert_eq!(kept[0], 3.0);
        assert_eq!(kept[CAPACITY - 1], (CAPACITY + 2) as f64);
    }

    #[test]
    fn fetch_ids_pair_starts_with_ends() {
        let mut ring = Ring::default();
        let (a, b) = (ring.fetch_id(), ring.fetch_id());
        assert_ne!(a, b);
    }

    #[test]
    fn the_wire_form_is_flat_and_holds_no_address() {
        let entry = Entry {
            at_ms: 1.5,
            event: Event::FetchStart {
                id: 7,
                to: "portal",
            },
        };
        assert_eq!(
            serde_json::to_value(&entry).unwrap(),
            serde_json::json!({"atMs": 1.5, "event": "fetchStart", "id": 7, "to": "portal"})
        );
    }
}
