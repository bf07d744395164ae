//! Small generic helpers that belong to no domain idea: case folding, the browser's i18n
//! placeholder substitution, name tables, a stable hash and RFC 3339 times.

/// Text compared without regard to case: ASCII letters lowered, every other character kept.
///
/// Decision: not Unicode case folding. Tenant ids and names in DuploCloud are lowercase
/// ASCII (letters, digits, `-`), host names are ASCII, and Unicode's case tables would add
/// about 12 KB to the worker's module (issue 8's size budget) for portal names alone.
pub fn fold(text: &str) -> String {
    text.to_ascii_lowercase()
}

/// `template` with `$1`…`$9` replaced by `args` (the browser's i18n placeholders, as the
/// English table is written); `$$` is a dollar sign.
pub fn substitute(template: &str, args: &[String]) -> String {
    let mut out = String::with_capacity(template.len());
    let mut chars = template.chars().peekable();
    while let Some(c) = chars.next() {
        if c != '$' {
            out.push(c);
            continue;
        }
        match chars.peek().copied() {
            Some('$') => {
                chars.next();
                out.push('$');
            }
            Some(d @ '1'..='9') => {
                chars.next();
                let index = d as usize - '1' as usize;
                if let Some(arg) = args.get(index) {
                    out.push_str(arg);
                }
            }
            _ => out.push('$'),
        }
    }
    out
}

/// The name `value` has in a table of names (the one table of a set of choices, such as
/// [`crate::core::copy::CopyFormat::NAMES`]); empty when the table misses it.
pub fn name_in<T: PartialEq>(table: &[(T, &'static str)], value: &T) -> &'static str {
    table
        .iter()
        .find(|(v, _)| v == value)
        .map_or("", |(_, name)| name)
}

/// The value `name` names in a table of names.
pub fn named<T: Copy>(table: &[(T, &'static str)], name: &str) -> Option<T> {
    table.iter().find(|(_, n)| *n == name).map(|(v, _)| *v)
}

/// FNV-1a of `text`: a stable, cheap hash (the same in every browser and every release).
pub fn fnv1a(text: &str) -> u64 {
    text.bytes().fold(0xcbf2_9ce4_8422_2325_u64, |h, b| {
        (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
    })
}

/// The last second RFC 3339 can write with a four-digit year: 9999-12-31T23:59:59Z.
const MAX_RFC3339_SECS: u64 = 253_402_300_799;

/// `ms` (Unix milliseconds) as an RFC 3339 UTC time to the whole second
/// (`2026-11-23T18:04:05Z`), rounded down; times after the year 9999 are written as its
/// last second.
pub fn rfc3339(ms: u64) -> String {
    let secs = (ms / 1000).min(MAX_RFC3339_SECS);
    let (year, month, day) = civil_from_days(secs / 86_400);
    let in_day = secs % 86_400;
    format!(
        "{year:04}-{month:02}-{day:02}T{:02}:{:02}:{:02}Z",
        in_day / 3600,
        in_day % 3600 / 60,
        in_day % 60
    )
}

/// The proleptic Gregorian date `days` days after 1970-01-01 (Howard Hinnant's
/// `civil_from_days`, for non-negative days).
fn civil_from_days(days: u64) -> (u64, u64, u64) {
    // Counted from 0000-03-01, so that the leap day is the last day of a "year".
    let z = days + 719_468;
    let era = z / 146_097;
    let day_of_era = z % 146_097;
    let year_of_era =
        (day_of_era - day_of_era / 1460 + day_of_era / 36_524 - day_of_era / 146_096) / 365;
    let day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
    let month_from_march = (5 * day_of_year + 2) / 153;
    let day = day_of_year - (153 * month_from_march + 2) / 5 + 1;
    let month = if month_from_march < 10 {
        month_from_march + 3
    } else {
        month_from_march - 9
    };
    let year = year_of_era + era * 400 + u64::from(month <= 2);
    (year, month, day)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn substitutes_like_the_browser() {
        let args = vec!["acme.duplocloud.net".to_owned(), "x".to_owned()];
        assert_eq!(substitute("Remove $1", &args), "Remove acme.duplocloud.net");
        assert_eq!(substitute("$2 costs $$5", &args), "x costs $5");
        assert_eq!(substitute("missing $3.", &args), "missing .");
        assert_eq!(substitute("trailing $", &args), "trailing $");
    }

    #[test]
    fn arguments_are_not_substituted_twice() {
        let args = vec!["$2".to_owned(), "oops".to_owned()];
        assert_eq!(substitute("a $1 b", &args), "a $2 b");
    }

    #[test]
    fn rfc3339_known_dates() {
        let cases = [
            (0, "1970-01-01T00:00:00Z"),
            (999, "1970-01-01T00:00:00Z"),
            (1_000, "1970-01-01T00:00:01Z"),
            (86_399_999, "1970-01-01T23:59:59Z"),
            (68_169_600_000, "1972-02-29T00:00:00Z"),
            (951_782_400_000, "2000-02-29T00:00:00Z"),
            (951_868_800_000, "2000-03-01T00:00:00Z"),
            (978_307_199_000, "2000-12-31T23:59:59Z"),
            (1_078_012_800_000, "2004-02-29T00:00:00Z"),
            (1_709_164_800_000, "2024-02-29T00:00:00Z"),
            (1_740_787_200_000, "2025-03-01T00:00:00Z"),
            (1_795_457_045_000, "2026-11-23T18:04:05Z"),
            (1_795_457_045_999, "2026-11-23T18:04:05Z"),
            (2_147_483_647_000, "2038-01-19T03:14:07Z"),
            (2_147_483_648_000, "2038-01-19T03:14:08Z"),
            (4_107_542_400_000, "2100-03-01T00:00:00Z"),
            (4_107_542_399_000, "2100-02-28T23:59:59Z"),
            (4_294_967_296_000, "2106-02-07T06:28:16Z"),
            (253_402_300_799_000, "9999-12-31T23:59:59Z"),
            (253_402_300_800_000, "9999-12-31T23:59:59Z"),
            (u64::MAX, "9999-12-31T23:59:59Z"),
        ];
        for (ms, expected) in cases {
            assert_eq!(rfc3339(ms), expected, "{ms}");
        }
    }

    #[test]
    fn rfc3339_counts_every_day() {
        // Day by day over 1970..2500: each date follows the previous one.
        let mut previous = civil_from_days(0);
        assert_eq!(previous, (1970, 1, 1));
        for days in 1..(530 * 366) {
            let (y, m, d) = civil_from_days(days);
            let (py, pm, pd) = previous;
            let leap = (py % 4 == 0 && py % 100 != 0) || py % 400 == 0;
            let month_len = match pm {
                2 if leap => 29,
                2 => 28,
                4 | 6 | 9 | 11 => 30,
                _ => 31,
            };
            let expected = if pd < month_len {
                (py, pm, pd + 1)
            } else if pm < 12 {
                (py, pm + 1, 1)
            } else {
                (py + 1, 1, 1)
            };
            assert_eq!((y, m, d), expected, "day {days}");
            previous = (y, m, d);
        }
    }

    #[test]
    fn fnv1a_is_the_published_function() {
        // Test vectors of the FNV-1a 64-bit reference.
        assert_eq!(fnv1a(""), 0xcbf2_9ce4_8422_2325);
        assert_eq!(fnv1a("a"), 0xaf63_dc4c_8601_ec8c);
        assert_eq!(fnv1a("foobar"), 0x8594_4171_f739_67e8);
    }

    #[test]
    fn names_and_values_in_a_table() {
        const TABLE: &[(u8, &str)] = &[(1, "one"), (2, "two")];
        assert_eq!(name_in(TABLE, &2), "two");
        assert_eq!(name_in(TABLE, &3), "");
        assert_eq!(named(TABLE, "one"), Some(1));
        assert_eq!(named(TABLE, "three"), None);
    }
}
