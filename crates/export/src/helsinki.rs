//! Europe/Helsinki: the one time zone of the service, written out by hand (see the crate doc for why).
//!
//! EET is UTC+02:00; EEST, UTC+03:00, runs from the last Sunday of March 03:00 local (01:00 UTC) to the last Sunday
//! of October 04:00 local (01:00 UTC). This is the EU rule, in force in Finland since 1996; dates before that
//! are converted with it too (plans are never that old).

use chrono::{Datelike, Days, NaiveDate, NaiveDateTime, TimeDelta};

/// The iCalendar / IANA name of the zone, used as `TZID`.
pub const HELSINKI_TZID: &str = "Europe/Helsinki";

const EET: i64 = 2 * 3600;
const EEST: i64 = 3 * 3600;

/// The `VTIMEZONE` component for Europe/Helsinki, as iCalendar content lines (unfolded, without line breaks).
///
/// The first onsets (1996) are the first years of the rule as written; `DTSTART` of each observance must be an
/// occurrence of its `RRULE`, which a unit test checks.
pub(crate) const VTIMEZONE_LINES: &[&str] = &[
    "BEGIN:VTIMEZONE",
    "TZID:Europe/Helsinki",
    "BEGIN:DAYLIGHT",
    "TZOFFSETFROM:+0200",
    "TZOFFSETTO:+0300",
    "TZNAME:EEST",
    "DTSTART:19960331T030000",
    "RRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=-1SU",
    "END:DAYLIGHT",
    "BEGIN:STANDARD",
    "TZOFFSETFROM:+0300",
    "TZOFFSETTO:+0200",
    "TZNAME:EET",
    "DTSTART:19961027T040000",
    "RRULE:FREQ=YEARLY;BYMONTH=10;BYDAY=-1SU",
    "END:STANDARD",
    "END:VTIMEZONE",
];

/// The last Sunday of March or October (both have 31 days) of `year`.
pub(crate) fn last_sunday(year: i32, month: u32) -> Option<NaiveDate> {
    let last = NaiveDate::from_ymd_opt(year, month, 31)?;
    last.checked_sub_days(Days::new(u64::from(last.weekday().num_days_from_sunday())))
}

/// Local wall-clock bounds of summer time in `year`: clocks go 03:00 → 04:00 at the first, 04:00 → 03:00 at the
/// second.
fn summer_bounds_local(year: i32) -> Option<(NaiveDateTime, NaiveDateTime)> {
    Some((last_sunday(year, 3)?.and_hms_opt(3, 0, 0)?, last_sunday(year, 10)?.and_hms_opt(4, 0, 0)?))
}

/// The UTC offset in seconds of a Helsinki wall-clock time.
///
/// As RFC 5545 §3.3.5 reads local times: a time in the spring gap (03:00–03:59 on the last Sunday of March) takes
/// the offset before the gap (+02:00); a time in the repeated autumn hour (03:00–03:59 on the last Sunday of
/// October) is its first occurrence (+03:00).
pub(crate) fn offset_of_local(local: NaiveDateTime) -> i64 {
    match summer_bounds_local(local.year()) {
        Some((begin, end)) if local >= begin + TimeDelta::hours(1) && local < end => EEST,
        _ => EET,
    }
}

/// The offset as iCalendar / ISO 8601 text: `+02:00` or `+03:00`.
pub(crate) fn offset_text(local: NaiveDateTime) -> &'static str {
    if offset_of_local(local) == EEST { "+03:00" } else { "+02:00" }
}

/// Converts a Europe/Helsinki wall-clock time to UTC.
///
/// A time skipped by the spring change is read with the offset before the gap, a time repeated in autumn as its
/// first occurrence (RFC 5545 §3.3.5), as calendar programs read the same times in this crate's iCalendar files.
///
/// # Panics
///
/// Within three hours of the ends of chrono's date range (years ±262 000); the exports accept 1900–9998 only.
pub fn helsinki_to_utc(local: NaiveDateTime) -> NaiveDateTime {
    local - TimeDelta::seconds(offset_of_local(local))
}

/// Converts a UTC time to Europe/Helsinki wall-clock time.
///
/// # Panics
///
/// Within three hours of the ends of chrono's date range (years ±262 000).
pub fn utc_to_helsinki(utc: NaiveDateTime) -> NaiveDateTime {
    // Summer time runs from 01:00 UTC on the last Sunday of March to 01:00 UTC on the last Sunday of October.
    let summer = summer_bounds_local(utc.year())
        .is_some_and(|(begin, end)| utc >= begin - TimeDelta::hours(2) && utc < end - TimeDelta::hours(3));
    utc + TimeDelta::seconds(if summer { EEST } else { EET })
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::Weekday;

    fn t(s: &str) -> NaiveDateTime {
        NaiveDateTime::parse_from_str(s, "%Y-%m-%d %H:%M").unwrap()
    }

    #[test]
    fn last_sundays_are_the_known_change_dates() {
        // Finnish clock changes as published (spring, autumn).
        let known = [
            (2024, (3, 31), (10, 27)),
            (2025, (3, 30), (10, 26)),
            (2026, (3, 29), (10, 25)),
            (2027, (3, 28), (10, 31)),
            (1996, (3, 31), (10, 27)),
        ];
        for (year, (sm, sd), (am, ad)) in known {
            assert_eq!(last_sunday(year, 3), NaiveDate::from_ymd_opt(year, sm, sd), "spring {year}");
            assert_eq!(last_sunday(year, 10), NaiveDate::from_ymd_opt(year, am, ad), "autumn {year}");
        }
        for year in 1990..2100 {
            for month in [3, 10] {
                let d = last_sunday(year, month).unwrap();
                assert_eq!(d.weekday(), Weekday::Sun);
                assert_eq!(d.month(), month);
                assert!(d.day() > 31 - 7, "{d} is not in the last week");
            }
        }
    }

    #[test]
    fn winter_and_summer_dates() {
        assert_eq!(helsinki_to_utc(t("2026-01-15 12:00")), t("2026-01-15 10:00"));
        assert_eq!(helsinki_to_utc(t("2026-07-15 12:00")), t("2026-07-15 09:00"));
        assert_eq!(helsinki_to_utc(t("2026-12-01 08:00")), t("2026-12-01 06:00"));
        // Around midnight the UTC date is the day before.
        assert_eq!(helsinki_to_utc(t("2026-07-01 01:30")), t("2026-06-30 22:30"));
        assert_eq!(helsinki_to_utc(t("2027-01-01 00:00")), t("2026-12-31 22:00"));
        assert_eq!(offset_text(t("2026-01-15 12:00")), "+02:00");
        assert_eq!(offset_text(t("2026-07-15 12:00")), "+03:00");
    }

    #[test]
    fn both_sides_of_the_2026_spring_change() {
        // 29 March 2026: 03:00 EET becomes 04:00 EEST, at 01:00 UTC.
        assert_eq!(helsinki_to_utc(t("2026-03-28 12:00")), t("2026-03-28 10:00"));
        assert_eq!(helsinki_to_utc(t("2026-03-29 02:59")), t("2026-03-29 00:59"));
        assert_eq!(helsinki_to_utc(t("2026-03-29 04:00")), t("2026-03-29 01:00"));
        assert_eq!(helsinki_to_utc(t("2026-03-29 08:00")), t("2026-03-29 05:00"));
        assert_eq!(helsinki_to_utc(t("2026-03-30 08:00")), t("2026-03-30 05:00"));
        // 03:30 does not exist: read with the offset before the gap (RFC 5545 §3.3.5).
        assert_eq!(helsinki_to_utc(t("2026-03-29 03:30")), t("2026-03-29 01:30"));
        // UTC to local on both sides.
        assert_eq!(utc_to_helsinki(t("2026-03-29 00:59")), t("2026-03-29 02:59"));
        assert_eq!(utc_to_helsinki(t("2026-03-29 01:00")), t("2026-03-29 04:00"));
    }

    #[test]
    fn both_sides_of_the_2026_autumn_change() {
        // 25 October 2026: 04:00 EEST becomes 03:00 EET, at 01:00 UTC.
        assert_eq!(helsinki_to_utc(t("2026-10-24 12:00")), t("2026-10-24 09:00"));
        assert_eq!(helsinki_to_utc(t("2026-10-25 02:59")), t("2026-10-24 23:59"));
        assert_eq!(helsinki_to_utc(t("2026-10-25 04:00")), t("2026-10-25 02:00"));
        assert_eq!(helsinki_to_utc(t("2026-10-25 08:00")), t("2026-10-25 06:00"));
        assert_eq!(helsinki_to_utc(t("2026-10-26 08:00")), t("2026-10-26 06:00"));
        // 03:30 happens twice: the first occurrence, still in summer time.
        assert_eq!(helsinki_to_utc(t("2026-10-25 03:30")), t("2026-10-25 00:30"));
        // Both occurrences map back to 03:30.
        assert_eq!(utc_to_helsinki(t("2026-10-25 00:30")), t("2026-10-25 03:30"));
        assert_eq!(utc_to_helsinki(t("2026-10-25 01:30")), t("2026-10-25 03:30"));
        assert_eq!(utc_to_helsinki(t("2026-10-25 00:59")), t("2026-10-25 03:59"));
        assert_eq!(utc_to_helsinki(t("2026-10-25 01:00")), t("2026-10-25 03:00"));
    }

    #[test]
    fn local_and_utc_round_trip_through_a_whole_year() {
        // Every 5 minutes of 2026 in UTC: local → UTC gives the time back, except the second occurrence of the
        // repeated autumn hour, which reads as the first (an hour earlier).
        let mut utc = t("2026-01-01 00:00");
        let mut repeated = 0;
        while utc < t("2027-01-01 00:00") {
            let local = utc_to_helsinki(utc);
            let back = helsinki_to_utc(local);
            if back == utc {
                // fine
            } else {
                assert_eq!(back, utc - TimeDelta::hours(1), "{utc}");
                assert!(local >= t("2026-10-25 03:00") && local < t("2026-10-25 04:00"), "{utc} -> {local}");
                repeated += 1;
            }
            utc += TimeDelta::minutes(5);
        }
        assert_eq!(repeated, 12, "one repeated hour in 5-minute steps");
    }

    #[test]
    fn vtimezone_onsets_are_occurrences_of_their_rules() {
        let value = |name: &str, from: &str| {
            let start = VTIMEZONE_LINES.iter().position(|l| *l == format!("BEGIN:{from}")).unwrap();
            VTIMEZONE_LINES[start..].iter().find_map(|l| l.strip_prefix(name)).unwrap().to_owned()
        };
        for (component, month, hour, from, to) in
            [("DAYLIGHT", 3, 3, "+0200", "+0300"), ("STANDARD", 10, 4, "+0300", "+0200")]
        {
            let onset =
                NaiveDateTime::parse_from_str(&value("DTSTART:", component), "%Y%m%dT%H%M%S").unwrap();
            assert_eq!(onset.date(), last_sunday(onset.year(), month).unwrap());
            assert_eq!(onset.format("%H%M%S").to_string(), format!("{hour:02}0000"));
            assert_eq!(value("RRULE:", component), format!("FREQ=YEARLY;BYMONTH={month};BYDAY=-1SU"));
            assert_eq!(value("TZOFFSETFROM:", component), from);
            assert_eq!(value("TZOFFSETTO:", component), to);
            // The conversion functions agree with the block: an hour after the onset uses the new offset.
            let after = last_sunday(2026, month).unwrap().and_hms_opt(hour + 1, 0, 0).unwrap();
            let hours: i64 = to[1..3].parse().unwrap();
            assert_eq!(helsinki_to_utc(after), after - TimeDelta::hours(hours), "{component}");
        }
    }
}
