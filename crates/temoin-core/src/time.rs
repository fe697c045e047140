//! Times are unix milliseconds (UTC), as i64, everywhere in the formats.

use std::time::{SystemTime, UNIX_EPOCH};

/// Now, in unix milliseconds.
pub fn now_ms() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_millis() as i64)
        .unwrap_or(0)
}

/// `2025-11-14T03:12:09Z` for a unix-ms time (UTC, second precision).
pub fn format_ms(ms: i64) -> String {
    let secs = ms.div_euclid(1000);
    let days = secs.div_euclid(86_400);
    let rem = secs.rem_euclid(86_400);
    let (y, m, d) = civil_from_days(days);
    format!(
        "{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}Z",
        rem / 3600,
        (rem % 3600) / 60,
        rem % 60
    )
}

/// Parse `YYYY-MM-DD` (midnight UTC) or `YYYY-MM-DDTHH:MM:SSZ` into unix ms.
pub fn parse_time(s: &str) -> Option<i64> {
    let s = s.trim();
    let (date, clock) = match s.split_once('T') {
        Some((d, c)) => (d, Some(c.strip_suffix('Z')?)),
        None => (s, None),
    };
    let (y, m, d) = parse_date(date)?;
    let mut secs = days_from_civil(y, m, d) * 86_400;
    if let Some(c) = clock {
        let mut it = c.split(':');
        let h = two_digits(it.next()?)?;
        let mi = two_digits(it.next()?)?;
        let se = it.next().map_or(Some(0), two_digits)?;
        if it.next().is_some() || h > 23 || mi > 59 || se > 60 {
            return None;
        }
        secs += h * 3600 + mi * 60 + se;
    }
    Some(secs * 1000)
}

/// A field of exactly two ASCII digits (`i64::parse` alone would take
/// `+3` or `-1`).
fn two_digits(f: &str) -> Option<i64> {
    if f.len() == 2 && f.bytes().all(|b| b.is_ascii_digit()) {
        f.parse().ok()
    } else {
        None
    }
}

/// Parse `YYYY-MM-DD` into its numbers, checking the day exists.
pub fn parse_date(s: &str) -> Option<(i64, u32, u32)> {
    let mut it = s.split('-');
    let (ys, ms, ds) = (it.next()?, it.next()?, it.next()?);
    let digits = |f: &str, n: usize| f.len() == n && f.bytes().all(|b| b.is_ascii_digit());
    if it.next().is_some() || !digits(ys, 4) || !digits(ms, 2) || !digits(ds, 2) {
        return None;
    }
    let y: i64 = ys.parse().ok()?;
    let m: u32 = ms.parse().ok()?;
    let d: u32 = ds.parse().ok()?;
    if !(1..=12).contains(&m) || d == 0 || d > days_in_month(y, m) {
        return None;
    }
    Some((y, m, d))
}

fn days_in_month(y: i64, m: u32) -> u32 {
    match m {
        4 | 6 | 9 | 11 => 30,
        2 if (y % 4 == 0 && y % 100 != 0) || y % 400 == 0 => 29,
        2 => 28,
        _ => 31,
    }
}

// Howard Hinnant's days_from_civil / civil_from_days: exact proleptic
// Gregorian conversions without a date crate.
pub fn days_from_civil(y: i64, m: u32, d: u32) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let m = m as i64;
    let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + d as i64 - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

pub fn civil_from_days(z: i64) -> (i64, u32, u32) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let y = yoe + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    (if m <= 2 { y + 1 } else { y }, m, d)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Only the forms docs/DOMAIN.md gives: fixed-width digit fields. A
    /// sign or a short field is refused, as a verifier written from the
    /// spec refuses it.
    #[test]
    fn signs_and_short_fields_are_refused() {
        for bad in [
            "+999-01-01",
            "-999-01-01",
            "2025-+1-01",
            "2025-01-+1",
            "2025-1-01",
            "2025-11-20T-1:00:00Z",
            "2025-11-20T+3:12:09Z",
            "2025-11-20T3:12:09Z",
            "2025-11-20T03:2:09Z",
            "2025-11-20T03:12:9Z",
            "2025-11-20T03:12:+9Z",
        ] {
            assert_eq!(parse_time(bad), None, "{bad}");
        }
        assert_eq!(parse_date("+999-01-01"), None);
        assert_eq!(
            parse_time("2025-11-20T03:12:09Z"),
            Some((days_from_civil(2025, 11, 20) * 86_400 + 3 * 3600 + 12 * 60 + 9) * 1000)
        );
        assert_eq!(
            parse_time("2025-11-20T03:12Z"),
            parse_time("2025-11-20T03:12:00Z")
        );
        assert_eq!(
            parse_time("0000-02-29"),
            Some(days_from_civil(0, 2, 29) * 86_400_000)
        );
    }

    #[test]
    fn known_dates() {
        assert_eq!(parse_time("1970-01-01"), Some(0));
        assert_eq!(parse_time("2025-11-14"), Some(1_763_078_400_000));
        assert_eq!(format_ms(1_763_078_400_000), "2025-11-14T00:00:00Z");
        assert_eq!(
            parse_time("2025-11-14T03:12:09Z").map(format_ms).as_deref(),
            Some("2025-11-14T03:12:09Z")
        );
        assert_eq!(parse_time("2025-02-29"), None);
        assert_eq!(
            parse_time("2024-02-29").map(format_ms).as_deref(),
            Some("2024-02-29T00:00:00Z")
        );
        assert_eq!(parse_time("2025-13-01"), None);
        assert_eq!(parse_time("yesterday"), None);
    }

    #[test]
    fn round_trip_many_days() {
        for day in (-800_000..800_000).step_by(997) {
            let (y, m, d) = civil_from_days(day);
            assert_eq!(days_from_civil(y, m, d), day);
        }
    }
}
