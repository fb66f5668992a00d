//! Dates as JumpCloud and Rollcall write them: RFC 3339. Stored and compared as text in one
//! form, `YYYY-MM-DDTHH:MM:SS.mmmZ` (UTC, milliseconds), so SQLite can sort and filter them;
//! read in every form JumpCloud may send (offsets, any fraction, date only). `time` does the
//! calendar.

use time::format_description::well_known::Rfc3339;
use time::macros::format_description;
use time::{Date, OffsetDateTime, PrimitiveDateTime};

/// `YYYY-MM-DDTHH:MM:SS.mmmZ` for milliseconds since the Unix epoch (UTC).
pub fn format_ms(ms: i64) -> String {
    let t = OffsetDateTime::from_unix_timestamp_nanos(i128::from(ms) * 1_000_000).unwrap_or(OffsetDateTime::UNIX_EPOCH);
    t.format(format_description!(
        "[year]-[month]-[day]T[hour]:[minute]:[second].[subsecond digits:3]Z"
    ))
    .unwrap_or_default()
}

/// Milliseconds since the Unix epoch of an RFC 3339 time (`Z` or an offset, any fraction);
/// also a time with no offset (taken as UTC) and a bare date (midnight UTC). None otherwise.
pub fn parse_ms(s: &str) -> Option<i64> {
    let s = s.trim();
    let at = OffsetDateTime::parse(s, &Rfc3339)
        .ok()
        .or_else(|| {
            PrimitiveDateTime::parse(s, format_description!("[year]-[month]-[day]T[hour]:[minute]:[second]"))
                .or_else(|_| {
                    PrimitiveDateTime::parse(
                        s,
                        format_description!("[year]-[month]-[day]T[hour]:[minute]:[second].[subsecond]"),
                    )
                })
                .ok()
                .map(PrimitiveDateTime::assume_utc)
        })
        .or_else(|| parse_date(s).map(|d| d.midnight().assume_utc()))?;
    Some((at.unix_timestamp_nanos() / 1_000_000) as i64)
}

/// A calendar date written `YYYY-MM-DD` (a real one: no 31 April).
pub fn parse_date(s: &str) -> Option<Date> {
    Date::parse(s.trim(), format_description!("[year]-[month]-[day]")).ok()
}

/// Now, in milliseconds since the Unix epoch.
pub fn now_ms() -> i64 {
    (OffsetDateTime::now_utc().unix_timestamp_nanos() / 1_000_000) as i64
}

/// Now as `YYYY-MM-DDTHH:MM:SS.mmmZ`.
pub fn now_rfc3339() -> String {
    format_ms(now_ms())
}

/// Today's date in UTC, `YYYY-MM-DD`.
pub fn today_utc() -> String {
    now_rfc3339()[..10].to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn offsets_and_fractions_are_read_as_the_same_instant() {
        let z = parse_ms("2026-11-23T18:10:00Z").unwrap();
        assert_eq!(parse_ms("2026-11-23T18:10:00.000Z"), Some(z));
        assert_eq!(parse_ms("2026-11-23T19:10:00+01:00"), Some(z), "an offset");
        assert_eq!(parse_ms("2026-11-23T13:10:00-05:00"), Some(z));
        assert_eq!(parse_ms("2026-11-23T18:10:00.123456789Z"), Some(z + 123), "nanoseconds");
        assert_eq!(parse_ms("2026-11-23T18:10:00.5Z"), Some(z + 500), "one digit");
        assert_eq!(parse_ms("2026-11-23T18:10:00"), Some(z), "no offset: UTC");
        assert_eq!(
            parse_ms("2026-11-23"),
            Some(z - (18 * 60 + 10) * 60_000),
            "a date alone"
        );
        assert_eq!(parse_ms(" 2026-11-23T18:10:00Z "), Some(z));
        for bad in [
            "",
            "yesterday",
            "2026-13-01T00:00:00Z",
            "2026-02-30",
            "2026-11-23T25:00:00Z",
        ] {
            assert_eq!(parse_ms(bad), None, "{bad}");
        }
    }

    #[test]
    fn formatting_round_trips_and_sorts_as_text() {
        for ms in [0, 951_782_400_000 /* 2000-02-29 */, 1_795_457_400_123, -86_400_000] {
            assert_eq!(parse_ms(&format_ms(ms)), Some(ms), "{}", format_ms(ms));
        }
        assert_eq!(format_ms(951_782_400_000), "2000-02-29T00:00:00.000Z", "leap day");
        assert_eq!(format_ms(1_795_457_400_123), "2026-11-23T18:10:00.123Z");
        assert!(format_ms(1_000) < format_ms(10_000), "text order is time order");
        assert_eq!(today_utc().len(), 10);
        assert!(parse_date("2026-04-31").is_none() && parse_date("2026-04-30").is_some());
    }
}
