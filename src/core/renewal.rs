//! When to renew which console, and what the toolbar badge says. Pure: every decision comes
//! from absolute expiry times and the `now` passed in, so a computer that slept, or a clock
//! that jumped, gets the truth at the next look (nothing counts down in memory).

use super::aws;
use super::config::Settings;
use super::consoles::Consoles;
use super::expiry::{Badge, URGENT_MS};
use super::identity::{ConsoleKey, KeyId};
use super::weburl::WebUrl;
use serde::{Deserialize, Serialize};
use std::collections::BTreeSet;

/// The wait after a renewal failed; it doubles with each further failure...
pub const RETRY_FIRST_MS: u64 = 10_000;
/// ...up to five minutes.
pub const RETRY_MAX_MS: u64 = 5 * 60_000;

/// A renewal that did not bring new credentials (the portal failed, was unreachable, or
/// needs a sign-in): the next attempt waits, longer after each failure.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Retry {
    /// Failures in a row.
    pub failures: u32,
    /// When to try again.
    pub next_ms: u64,
}

/// How long to wait after the `failures`-th failure in a row of `id`'s renewal: 10 s, 20 s,
/// 40 s… up to 5 minutes, plus up to a fifth more that differs per identity, so identities
/// that failed together (the portal was down) do not all ask again at the same moment.
pub fn retry_delay_ms(id: &str, failures: u32) -> u64 {
    let doublings = failures.saturating_sub(1).min(16);
    let base = RETRY_FIRST_MS
        .saturating_mul(1 << doublings)
        .min(RETRY_MAX_MS);
    base + crate::util::fnv1a(&format!("{id}#{failures}")) % (base / 5 + 1)
}

/// What to do now, and when to look again.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Plan {
    /// Identities whose credentials are due for renewal now.
    pub renew: Vec<ConsoleKey>,
    /// Identities to notify about (renewal off), not yet notified.
    pub notify: Vec<ConsoleKey>,
    /// When to look again.
    pub next_wakeup_ms: Option<u64>,
    /// The badge, when any console is open.
    pub badge: Option<Badge>,
}

/// Plans renewals for the identities with open console tabs (and those kept alive).
/// `notified` holds the ids already notified for their current credentials.
pub fn plan(
    consoles: &Consoles,
    settings: &Settings,
    notified: &BTreeSet<KeyId>,
    now_ms: u64,
) -> Plan {
    let mut plan = Plan::default();
    let wake = |at: u64, plan: &mut Plan| {
        plan.next_wakeup_ms = Some(plan.next_wakeup_ms.map_or(at, |w| w.min(at)));
    };
    let open = consoles.with_tabs();
    let mut soonest_open: Option<u64> = None;
    for (key, live) in consoles.held() {
        let id = &key.id();
        let has_tabs = open.contains(id);
        if !has_tabs && !settings.keep_alive.contains(id) {
            continue;
        }
        if has_tabs && live.expiry_ms > now_ms {
            soonest_open = Some(soonest_open.map_or(live.expiry_ms, |s| s.min(live.expiry_ms)));
        }
        if settings.auto_renew {
            let due = consoles
                .renewal_due_ms(id)
                .unwrap_or_else(|| live.renewal_due_ms());
            if now_ms >= due {
                plan.renew.push(key.clone());
            } else {
                wake(due, &mut plan);
            }
        } else if has_tabs {
            let notify_at = live
                .expiry_ms
                .saturating_sub(u64::from(settings.notify_minutes) * 60_000);
            if now_ms >= notify_at && now_ms < live.expiry_ms && !notified.contains(id) {
                plan.notify.push(key.clone());
            } else if now_ms < notify_at {
                wake(notify_at, &mut plan);
            }
        }
    }
    if let Some(expiry) = soonest_open {
        let left = expiry - now_ms;
        plan.badge = Some(Badge {
            minutes: left / 60_000,
            urgent: left <= URGENT_MS,
        });
        // The badge changes at the next whole minute (and at expiry).
        let next_minute = now_ms + (left % 60_000).max(1);
        wake(next_minute.min(expiry), &mut plan);
    }
    plan
}

/// Whether `url` is a sign-in page the console sent an expired tab to (then the address to
/// go back to, its `redirect_uri`): AWS's `/signin`
/// page, or the `/session-expired` page (the simulator's stand-in for AWS's expiry page).
/// Our own federation and logout steps are not.
pub fn expired_page(url: &str) -> Option<String> {
    let parsed = WebUrl::parse(url).ok()?;
    let host = parsed.host();
    let signin = aws::Partition::ALL
        .iter()
        .any(|p| aws::is_signin_host(host, *p));
    if !signin || !matches!(parsed.path(), "/session-expired" | "/signin") {
        return None;
    }
    parsed.query_value("redirect_uri")
}

#[cfg(test)]
mod tests {
    #[test]
    fn recognises_the_expired_pages_and_not_our_own_steps() {
        let back = "https://us-west-2.console.aws.amazon.com/s3/buckets?region=us-west-2";
        let enc = url::form_urlencoded::byte_serialize(back.as_bytes()).collect::<String>();
        assert_eq!(
            expired_page(&format!(
                "https://signin.aws.amazon.com/session-expired?redirect_uri={enc}"
            ))
            .as_deref(),
            Some(back)
        );
        assert_eq!(
            expired_page(&format!(
                "https://us-east-1.signin.aws.amazon.com/signin?redirect_uri={enc}"
            ))
            .as_deref(),
            Some(back)
        );
        assert_eq!(
            expired_page(&format!(
                "https://signin.aws.amazon.com/oauth?Action=logout&redirect_uri={enc}"
            )),
            None
        );
        assert_eq!(
            expired_page("https://signin.aws.amazon.com/federation?Action=login"),
            None
        );
        assert_eq!(
            expired_page(&format!(
                "https://signin.aws.amazon.com.evil.example/signin?redirect_uri={enc}"
            )),
            None
        );
    }

    use super::*;
    use crate::core::aws::{JitCredentials, Partition};
    use crate::core::identity::tests::key;
    use crate::core::renewal::{RETRY_FIRST_MS, RETRY_MAX_MS};
    use crate::core::secret::Secret;

    const T0: u64 = 1_800_000_000_000;
    const MIN: u64 = 60_000;

    fn consoles(entries: &[(&str, i64, bool)]) -> Consoles {
        let mut consoles = Consoles::default();
        for (i, (name, validity, open)) in entries.iter().enumerate() {
            let creds = JitCredentials {
                access_key_id: "ASIAEXAMPLEEXAMPLE".into(),
                secret_access_key: Secret::new("s"),
                session_token: Secret::new("t"),
                region: None,
                console_url: None,
                validity_secs: Some(*validity),
            };
            consoles.store(&key(name), creds, Partition::Aws, T0);
            if *open {
                consoles.register_tab(i as i32 + 1, &key(name));
            }
        }
        consoles
    }

    #[test]
    fn renews_open_consoles_a_margin_before_expiry() {
        let consoles = consoles(&[("dev", 3600, true), ("qa", 900, true), ("idle", 600, false)]);
        let settings = Settings::default();
        let early = plan(&consoles, &settings, &BTreeSet::new(), T0);
        assert!(early.renew.is_empty());
        // qa (15 min, margin a quarter) is due first, at 11:15.
        assert!(early.next_wakeup_ms.unwrap() <= T0 + 675_000);
        let due = plan(&consoles, &settings, &BTreeSet::new(), T0 + 675_000);
        assert_eq!(due.renew, vec![key("qa")]);
        // dev is due at 55 min; idle has no tab and is never renewed.
        let later = plan(&consoles, &settings, &BTreeSet::new(), T0 + 55 * MIN);
        assert_eq!(later.renew, vec![key("dev"), key("qa")]);
    }

    #[test]
    fn a_sleep_past_expiry_renews_at_the_next_look() {
        let consoles = consoles(&[("dev", 3600, true)]);
        let woke = plan(
            &consoles,
            &Settings::default(),
            &BTreeSet::new(),
            T0 + 9 * 3_600_000,
        );
        assert_eq!(woke.renew, vec![key("dev")]);
        assert_eq!(woke.badge, None, "an expired session shows no time left");
        // A clock that jumped backwards just waits.
        let back = plan(
            &consoles,
            &Settings::default(),
            &BTreeSet::new(),
            T0 - 3_600_000,
        );
        assert!(back.renew.is_empty());
        assert!(back.next_wakeup_ms.is_some());
    }

    #[test]
    fn keep_alive_renews_without_tabs() {
        let consoles = consoles(&[("idle", 600, false)]);
        let settings = Settings {
            keep_alive: vec![key("idle").id()],
            ..Settings::default()
        };
        assert_eq!(
            plan(&consoles, &settings, &BTreeSet::new(), T0 + 8 * MIN).renew,
            vec![key("idle")]
        );
        assert_eq!(
            plan(
                &consoles,
                &Settings::default(),
                &BTreeSet::new(),
                T0 + 8 * MIN
            )
            .renew,
            vec![]
        );
    }

    #[test]
    fn with_renewal_off_it_notifies_once_before_expiry() {
        let consoles = consoles(&[("dev", 3600, true)]);
        let settings = Settings {
            auto_renew: false,
            notify_minutes: 10,
            ..Settings::default()
        };
        let early = plan(&consoles, &settings, &BTreeSet::new(), T0 + 49 * MIN);
        assert!(early.notify.is_empty() && early.renew.is_empty());
        let due = plan(&consoles, &settings, &BTreeSet::new(), T0 + 50 * MIN);
        assert_eq!(due.notify, vec![key("dev")]);
        let once: BTreeSet<KeyId> = [key("dev").id()].into_iter().collect();
        assert!(plan(&consoles, &settings, &once, T0 + 51 * MIN)
            .notify
            .is_empty());
        assert!(
            plan(&consoles, &settings, &BTreeSet::new(), T0 + 61 * MIN)
                .notify
                .is_empty(),
            "not after expiry"
        );
    }

    #[test]
    fn the_badge_shows_the_soonest_open_session_and_turns_urgent() {
        let consoles = consoles(&[
            ("dev", 3600, true),
            ("qa", 1200, true),
            ("idle", 300, false),
        ]);
        let badge = plan(
            &consoles,
            &Settings::default(),
            &BTreeSet::new(),
            T0 + 30_000,
        )
        .badge
        .unwrap();
        assert_eq!(
            badge,
            Badge {
                minutes: 19,
                urgent: false
            }
        );
        assert_eq!(badge.text(), "19m");
        let urgent = plan(
            &consoles,
            &Settings::default(),
            &BTreeSet::new(),
            T0 + 16 * MIN,
        )
        .badge
        .unwrap();
        assert_eq!(
            urgent,
            Badge {
                minutes: 4,
                urgent: true
            }
        );
        let last = plan(
            &consoles,
            &Settings::default(),
            &BTreeSet::new(),
            T0 + 20 * MIN - 1,
        )
        .badge
        .unwrap();
        assert_eq!(last.text(), "<1");
        assert_eq!(
            plan(
                &Consoles::default(),
                &Settings::default(),
                &BTreeSet::new(),
                T0
            )
            .badge,
            None
        );
    }

    #[test]
    fn a_failed_renewal_waits_longer_each_time_then_succeeds() {
        let mut consoles = consoles(&[("dev", 900, true)]);
        let settings = Settings::default();
        let due = T0 + 675_000;
        assert_eq!(
            plan(&consoles, &settings, &BTreeSet::new(), due).renew,
            vec![key("dev")]
        );
        let mut waits = Vec::new();
        let mut now = due;
        for _ in 0..8 {
            let retry = consoles.renewal_failed(&key("dev"), now);
            let waiting = plan(&consoles, &settings, &BTreeSet::new(), now);
            assert!(waiting.renew.is_empty(), "not again at once: no storm");
            assert!(waiting.next_wakeup_ms.is_some_and(|w| w <= retry.next_ms));
            assert_eq!(
                plan(&consoles, &settings, &BTreeSet::new(), retry.next_ms).renew,
                vec![key("dev")]
            );
            waits.push(retry.next_ms - now);
            now = retry.next_ms;
        }
        assert!(
            waits
                .windows(2)
                .all(|w| w[0] < w[1] || w[1] >= RETRY_MAX_MS),
            "{waits:?}"
        );
        assert!(waits
            .iter()
            .all(|w| (RETRY_FIRST_MS..=RETRY_MAX_MS * 6 / 5).contains(w)));
        // New credentials end the retries.
        let creds = consoles
            .credentials_of(&key("dev").id())
            .unwrap()
            .credentials
            .clone();
        consoles.store(&key("dev"), creds, Partition::Aws, now);
        assert!(consoles.retry(&key("dev")).is_none());
    }

    #[test]
    fn seconds_long_credentials_are_not_renewed_in_a_loop() {
        let consoles = consoles(&[("blink", 1, true)]);
        let settings = Settings::default();
        // A 1-second validity would be due after 0.75 s; it waits 20 s.
        assert!(plan(&consoles, &settings, &BTreeSet::new(), T0 + 19_999)
            .renew
            .is_empty());
        assert_eq!(
            plan(&consoles, &settings, &BTreeSet::new(), T0 + 20_000).renew,
            vec![key("blink")]
        );
    }

    #[test]
    fn every_open_console_is_scheduled() {
        // Whatever the time, an open console with live credentials is either due now or has
        // a wake-up no later than its due time.
        let consoles = consoles(&[("a", 900, true), ("b", 3600, true), ("c", 43_200, true)]);
        for step in 0..200 {
            let now = T0 + step * 5 * MIN;
            let plan = plan(&consoles, &Settings::default(), &BTreeSet::new(), now);
            for (key, live) in consoles.held() {
                let id = key.id();
                let due = live.expiry_ms - live.margin_ms();
                let renewing = plan.renew.iter().any(|k| k.id() == id);
                assert!(
                    renewing || plan.next_wakeup_ms.is_some_and(|w| w <= due),
                    "{id} unscheduled at {step}"
                );
            }
        }
    }
}
