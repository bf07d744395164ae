//! The state the worker reads back from storage after a restart (sessions, consoles,
//! tenant lists) and the messages pages send it, from any JSON; then the renewal plan over
//! whatever console state was read, at any time.
//!
//! Properties: no panic and no arithmetic overflow anywhere; the plan renews or schedules
//! every identity with open tabs and credentials (or notifies, with renewal off); the badge
//! never shows more time than the soonest open session has.
#![no_main]

use jit_console::core::config::Settings;
use jit_console::core::consoles::Consoles;
use jit_console::core::messages::Request;
use jit_console::core::renewal;
use jit_console::core::session::Sessions;
use jit_console::service::TenantCache;
use libfuzzer_sys::fuzz_target;

/// The input: a first line `NOW FLAGS` (decimal; bit 0 of FLAGS = auto-renew, the rest the
/// notice in minutes), then the JSON.
struct Input {
    json: String,
    now: u64,
    auto_renew: bool,
    notify_minutes: u32,
}

impl Input {
    fn read(data: &[u8]) -> Option<Input> {
        let text = std::str::from_utf8(data).ok()?;
        let (head, json) = text.split_once('\n')?;
        let mut numbers = head.split(' ').map(|n| n.parse::<u64>().ok());
        let now = numbers.next()??;
        let flags = numbers.next()??;
        Some(Input {
            json: json.to_owned(),
            now,
            auto_renew: flags & 1 == 1,
            notify_minutes: u32::try_from(flags >> 1).unwrap_or(u32::MAX),
        })
    }
}

fuzz_target!(|data: &[u8]| {
    let Some(input) = Input::read(data) else {
        return;
    };
    let Ok(value) = serde_json::from_str::<serde_json::Value>(&input.json) else {
        return;
    };
    let _ = serde_json::from_value::<Sessions>(value.clone()).map(|s| s.next_deadline());
    let _ = serde_json::from_value::<TenantCache>(value.clone());
    let _ = serde_json::from_value::<Request>(value.clone());
    let Ok(consoles) = serde_json::from_value::<Consoles>(value) else {
        return;
    };
    let settings = Settings {
        auto_renew: input.auto_renew,
        notify_minutes: input.notify_minutes,
        ..Settings::default()
    };
    let now = input.now;
    let plan = renewal::plan(&consoles, &settings, consoles.notified(), now);
    let open = consoles.with_tabs();
    for (key, live) in consoles.held() {
        let id = &key.id();
        if !open.contains(id) {
            continue;
        }
        let renewing = plan.renew.contains(key);
        let notifying = plan.notify.contains(key);
        if settings.auto_renew {
            // A margin before expiry but not sooner than 20 s after arrival; after a failed
            // renewal, its retry time.
            let due = match consoles.retry(key) {
                Some(retry) => retry.next_ms,
                None => live
                    .expiry_ms
                    .saturating_sub(live.margin_ms())
                    .max(live.received_ms.saturating_add(20_000)),
            };
            assert!(
                renewing || plan.next_wakeup_ms.is_some_and(|w| w <= due.max(now)),
                "{id} neither renewed nor scheduled"
            );
        } else {
            let notify_at = live
                .expiry_ms
                .saturating_sub(u64::from(settings.notify_minutes) * 60_000);
            assert!(
                notifying
                    || consoles.notified().contains(id)
                    || now >= live.expiry_ms
                    || plan.next_wakeup_ms.is_some_and(|w| w <= notify_at.max(now)),
                "{id}: no notification planned"
            );
        }
        if let Some(badge) = &plan.badge {
            if live.expiry_ms > now {
                assert!(badge.minutes <= (live.expiry_ms - now) / 60_000);
            }
        }
    }
});
