//! The simulated clock: `now = anchor + real time elapsed since the anchor × speed`.
//!
//! Every expiry in the simulator (portal tokens, JIT credentials, sign-in tokens, console
//! sessions) is measured on this clock, so tests can run hours of simulated time in
//! seconds (`speed`) or jump ahead (`advance`).

use std::time::{Instant, SystemTime, UNIX_EPOCH};

/// Real wall-clock time in Unix milliseconds.
pub fn real_unix_ms() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| u64::try_from(d.as_millis()).unwrap_or(u64::MAX))
        .unwrap_or(0)
}

/// A steppable clock whose rate can change.
#[derive(Debug, Clone)]
pub struct SimClock {
    anchor_real: Instant,
    anchor_sim_ms: f64,
    speed: f64,
}

impl SimClock {
    /// A clock that starts at the real current time and runs at `speed`.
    pub fn starting_now(speed: f64) -> SimClock {
        SimClock::starting_at(real_unix_ms(), speed)
    }

    /// A clock that starts at `start_unix_ms` and runs at `speed`.
    pub fn starting_at(start_unix_ms: u64, speed: f64) -> SimClock {
        SimClock {
            anchor_real: Instant::now(),
            anchor_sim_ms: start_unix_ms as f64,
            speed,
        }
    }

    /// The simulated time, in Unix milliseconds.
    pub fn now_ms(&self) -> u64 {
        self.now_at(Instant::now())
    }

    fn now_at(&self, real: Instant) -> u64 {
        let elapsed = real
            .saturating_duration_since(self.anchor_real)
            .as_secs_f64()
            * 1000.0;
        let ms = self.anchor_sim_ms + elapsed * self.speed;
        if ms <= 0.0 {
            0
        } else {
            ms as u64
        }
    }

    /// Simulated seconds per real second.
    pub fn speed(&self) -> f64 {
        self.speed
    }

    /// Changes the rate from now on; the time already elapsed is kept.
    pub fn set_speed(&mut self, speed: f64) {
        let now_real = Instant::now();
        self.anchor_sim_ms = self.now_at(now_real) as f64;
        self.anchor_real = now_real;
        self.speed = speed;
    }

    /// Jumps ahead by `secs` simulated seconds.
    pub fn advance_secs(&mut self, secs: f64) {
        self.anchor_sim_ms += secs * 1000.0;
    }
}

/// Formats Unix milliseconds as ISO-8601 UTC with second precision (`2026-01-02T03:04:05Z`).
pub fn iso8601(unix_ms: u64) -> String {
    let secs = unix_ms / 1000;
    let days = i64::try_from(secs / 86_400).unwrap_or(i64::MAX / 2);
    let rem = secs % 86_400;
    let (y, m, d) = civil_from_days(days);
    format!(
        "{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}Z",
        rem / 3600,
        (rem % 3600) / 60,
        rem % 60
    )
}

/// Days since 1970-01-01 to (year, month, day), after Howard Hinnant's algorithm.
fn civil_from_days(z: i64) -> (i64, u32, u32) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let y = yoe + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = if m <= 2 { y + 1 } else { y };
    (
        y,
        u32::try_from(m).unwrap_or(1),
        u32::try_from(d).unwrap_or(1),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    #[test]
    fn iso_formatting() {
        assert_eq!(iso8601(0), "1970-01-01T00:00:00Z");
        assert_eq!(iso8601(951_782_400_000), "2000-02-29T00:00:00Z");
        assert_eq!(iso8601(1_767_323_045_999), "2026-01-02T03:04:05Z");
    }

    #[test]
    fn advance_and_speed() {
        let mut c = SimClock::starting_at(1_000_000, 0.0);
        assert_eq!(c.now_ms(), 1_000_000);
        c.advance_secs(3000.0);
        assert_eq!(c.now_ms(), 4_000_000);
        c.set_speed(1000.0);
        std::thread::sleep(Duration::from_millis(20));
        let t = c.now_ms();
        assert!(t >= 4_000_000 + 19_000, "{t}");
        c.set_speed(0.0);
        let frozen = c.now_ms();
        std::thread::sleep(Duration::from_millis(5));
        assert_eq!(c.now_ms(), frozen);
        assert_eq!(c.speed(), 0.0);
    }
}
