//! How long a session has left, and how that is said: when credentials expire (the
//! portal's `Validity`, believed within bounds), the safety margin kept before the end, the
//! popup's "expires in N min", the toolbar badge and the tab group titles. Pure: every
//! figure comes from absolute times and the `now` passed in.

use super::text::{msg, UserText};

/// The portal's validity when it sends none (or 0): one hour, as `duplo-jit` assumes.
pub const DEFAULT_VALIDITY_SECS: i64 = 3600;
/// The longest validity believed: 12 hours, the most STS can issue.
pub const MAX_VALIDITY_SECS: i64 = 43_200;

/// When credentials received at `received_ms` (Unix milliseconds) expire.
///
/// A missing, zero or negative validity means one hour ([`DEFAULT_VALIDITY_SECS`]), as the
/// portal documents. A validity above 12 hours is cut to 12 hours ([`MAX_VALIDITY_SECS`]):
/// STS cannot issue longer-lived credentials, so a larger number is a portal bug, and
/// believing it would make the extension treat a dead session as alive for days or years.
pub fn expiry_ms(received_ms: u64, validity_secs: Option<i64>) -> u64 {
    let secs = match validity_secs {
        Some(secs) if secs > 0 => secs.min(MAX_VALIDITY_SECS),
        _ => DEFAULT_VALIDITY_SECS,
    };
    received_ms.saturating_add(secs.unsigned_abs() * 1000)
}

/// The most margin kept before expiry: credentials this close to the end are renewed first.
pub const MAX_SAFETY_MARGIN_MS: u64 = 5 * 60_000;

/// The safety margin of credentials received at `received_ms` and expiring at `expiry_ms`:
/// five minutes ([`MAX_SAFETY_MARGIN_MS`]), or a quarter of a short lifetime.
pub fn margin_ms(received_ms: u64, expiry_ms: u64) -> u64 {
    MAX_SAFETY_MARGIN_MS.min(expiry_ms.saturating_sub(received_ms) / 4)
}

/// "expires in N min" (N whole minutes, rounded down; "<1" under a minute), or None once
/// expired.
pub fn expires_text(expiry_ms: u64, now_ms: u64) -> Option<UserText> {
    let left = expiry_ms.checked_sub(now_ms).filter(|l| *l > 0)?;
    let minutes = left / 60_000;
    Some(if minutes == 0 {
        msg::EXPIRES_UNDER_A_MINUTE.text()
    } else {
        msg::EXPIRES_IN_MINUTES.with([minutes.to_string()])
    })
}

/// A tab group's title (Chrome): the identity's label and the minutes its session has
/// left (`dev01 · 42m`, `dev01 · <1m`), or the label alone once it ended.
pub fn group_title(label: &str, expiry_ms: u64, now_ms: u64) -> String {
    match expiry_ms.checked_sub(now_ms).filter(|l| *l > 0) {
        Some(left) if left < 60_000 => format!("{label} · <1m"),
        Some(left) => format!("{label} · {}m", left / 60_000),
        None => label.to_owned(),
    }
}

/// The last minutes of a session, when the badge turns urgent.
pub const URGENT_MS: u64 = 5 * 60_000;

/// What the toolbar badge shows: the minutes left of the soonest-expiring session that has
/// console tabs open.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Badge {
    /// Whole minutes left (0 under a minute).
    pub minutes: u64,
    /// In the last five minutes.
    pub urgent: bool,
}

impl Badge {
    /// The badge text (`"<1"` under a minute).
    pub fn text(&self) -> String {
        if self.minutes == 0 {
            "<1".into()
        } else {
            format!("{}m", self.minutes)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const T0: u64 = 1_800_000_000_000;

    #[test]
    fn expiry_defaults_and_clamps() {
        let t = 1_700_000_000_000;
        assert_eq!(expiry_ms(t, None), t + 3_600_000);
        assert_eq!(expiry_ms(t, Some(0)), t + 3_600_000);
        assert_eq!(expiry_ms(t, Some(-1)), t + 3_600_000);
        assert_eq!(expiry_ms(t, Some(i64::MIN)), t + 3_600_000);
        assert_eq!(expiry_ms(t, Some(900)), t + 900_000);
        assert_eq!(expiry_ms(t, Some(43_200)), t + 43_200_000);
        assert_eq!(expiry_ms(t, Some(43_201)), t + 43_200_000);
        assert_eq!(expiry_ms(t, Some(i64::MAX)), t + 43_200_000);
        assert_eq!(expiry_ms(u64::MAX - 5, Some(60)), u64::MAX);
    }

    #[test]
    fn a_tab_group_title_carries_the_minutes_left() {
        assert_eq!(
            group_title("dev01", T0 + 42 * 60_000 + 59_999, T0),
            "dev01 · 42m"
        );
        assert_eq!(group_title("dev01", T0 + 59_999, T0), "dev01 · <1m");
        assert_eq!(group_title("dev01", T0, T0), "dev01");
        assert_eq!(group_title("dev01", T0 - 1, T0), "dev01");
    }

    #[test]
    fn expiry_text_rounds_down() {
        assert_eq!(
            expires_text(T0 + 61 * 60_000 - 1, T0),
            Some(msg::EXPIRES_IN_MINUTES.with(["60"]))
        );
        assert_eq!(
            expires_text(T0 + 60_000, T0),
            Some(msg::EXPIRES_IN_MINUTES.with(["1"]))
        );
        assert_eq!(
            expires_text(T0 + 59_999, T0),
            Some(msg::EXPIRES_UNDER_A_MINUTE.text())
        );
        assert_eq!(expires_text(T0, T0), None);
        assert_eq!(expires_text(T0 - 5, T0), None);
        assert_eq!(
            msg::EXPIRES_IN_MINUTES.with(["7"]).english(),
            "expires in 7 min"
        );
    }

    #[test]
    fn the_margin_is_five_minutes_or_a_quarter_of_a_short_lifetime() {
        assert_eq!(margin_ms(T0, T0 + 3_600_000), MAX_SAFETY_MARGIN_MS);
        assert_eq!(margin_ms(T0, T0 + 900_000), 225_000);
        assert_eq!(margin_ms(T0, T0 + 40_000), 10_000);
        assert_eq!(margin_ms(T0, T0), 0);
        assert_eq!(margin_ms(T0, T0 - 1), 0);
    }
}
