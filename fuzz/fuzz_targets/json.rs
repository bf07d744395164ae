//! The JSON reader every other parser stands on (`core::json`): portal answers, stored
//! state, messages, policy and imported files all go through it.
//!
//! Properties: no panic, no stack overflow at any depth; what serde_json reads, ours reads
//! as the same value (numbers compared as serde_json reads them); what ours reads, it writes
//! as JSON that serde_json reads as that same value and that reads back to the same tree;
//! what ours refuses, serde_json refuses too (up to nesting depth, where both stop at 128);
//! the error never quotes the input.
#![no_main]

use jit_console::core::json::{self, JsonError};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let ours = json::parse(text);
    let theirs = serde_json::from_str::<serde_json::Value>(text);
    match (&ours, &theirs) {
        (Ok(value), _) => {
            let written = json::to_string(value);
            assert_eq!(json::parse(&written).as_ref(), Ok(value), "{written}");
            // serde_json refuses numbers beyond f64 (`1e400`), which ours keeps as text.
            if let Ok(direct) = &theirs {
                let rewritten: serde_json::Value = serde_json::from_str(&written)
                    .unwrap_or_else(|e| panic!("serde_json refuses what we wrote: {e}"));
                assert_eq!(&rewritten, direct);
            }
        }
        (Err(JsonError::TooDeep), _) => {}
        (Err(e), Ok(_)) => panic!("refused what serde_json reads: {e}"),
        (Err(e), Err(_)) => {
            let said = e.to_string();
            // Only our own words: at most a byte offset, never the input.
            assert!(
                said.chars()
                    .all(|c| c.is_ascii_alphanumeric() || " ()`".contains(c)),
                "{said}"
            );
        }
    }
});
