//! Opening hours: a weekly timetable parsed from the common part of OpenStreetMap's `opening_hours` syntax.
//!
//! Venues carry the raw tag ([`crate::Venue::opening_hours`]); planners need to know whether a library is open on
//! Tuesdays from 10 to 14. [`OpeningHours::parse`] reads the weekly subset of the syntax that venues in our data
//! use: weekday selectors (`Mo-Fr`, `Mo,We`, `Sa-Mo` wrapping), time spans (`08:00-16:15`, several joined by `,`,
//! spans past midnight such as `22:00-02:00`), `off` / `closed`, `24/7`, and rules joined by `;`, `||` or
//! `, ` followed by a new weekday selector. A later rule replaces the hours of the days it names, as the OSM
//! specification says. Holiday selectors (`PH`, `SH`) are not weekly: their rules are skipped and reported in
//! [`OpeningHours::ignored`]. Anything else (month or date ranges, week numbers, `sunrise`, comments) is a
//! [`OpeningHoursError`] naming the part we could not read, so a caller never mistakes it for "always open".

use std::fmt;

use serde::{Deserialize, Serialize};

/// Weekday names as the OSM syntax writes them, Monday first.
pub const WEEKDAYS: [&str; 7] = ["Mo", "Tu", "We", "Th", "Fr", "Sa", "Su"];

/// Minutes in a day.
const DAY: u16 = 24 * 60;

/// A weekly timetable: for each weekday (Monday = 0), the open intervals in minutes after midnight,
/// sorted, disjoint and within `0..=1440`.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct OpeningHours {
    /// Open intervals `[start, end)` per weekday, Monday first.
    pub days: [Vec<(u16, u16)>; 7],
    /// Rules that were read but do not describe a normal week (`PH off`), kept for the record.
    pub ignored: Vec<String>,
}

/// Why an `opening_hours` value could not be read.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("opening_hours {value:?}: cannot read {part:?}: {reason}")]
pub struct OpeningHoursError {
    /// The whole value.
    pub value: String,
    /// The rule or token that failed.
    pub part: String,
    /// What was expected.
    pub reason: String,
}

impl OpeningHours {
    /// Open every day around the clock (`24/7`).
    pub fn always() -> Self {
        Self { days: std::array::from_fn(|_| vec![(0, DAY)]), ignored: Vec::new() }
    }

    /// Parses an `opening_hours` value (see the module docs for the subset read).
    pub fn parse(value: &str) -> Result<Self, OpeningHoursError> {
        let err = |part: &str, reason: &str| OpeningHoursError {
            value: value.to_string(),
            part: part.trim().to_string(),
            reason: reason.to_string(),
        };
        let mut out = OpeningHours::default();
        let mut any = false;
        for rule in split_rules(value) {
            let rule = rule.trim();
            if rule.is_empty() {
                continue;
            }
            if rule == "24/7" {
                out = OpeningHours { ignored: out.ignored, ..OpeningHours::always() };
                any = true;
                continue;
            }
            let (selector, rest) = split_selector(rule);
            let mut days = [false; 7];
            if selector.is_empty() {
                days = [true; 7];
            } else {
                let mut holiday = false;
                for item in selector.split(',') {
                    let item = item.trim();
                    if item == "PH" || item == "SH" {
                        holiday = true;
                        continue;
                    }
                    let (a, b) = match item.split_once('-') {
                        Some((a, b)) => (weekday(a), weekday(b)),
                        None => (weekday(item), weekday(item)),
                    };
                    let (Some(a), Some(b)) = (a, b) else {
                        return Err(err(
                            item,
                            "expected a weekday (Mo Tu We Th Fr Sa Su), a range like Mo-Fr, or PH/SH; \
                             month, date and week selectors are not supported",
                        ));
                    };
                    let mut d = a;
                    loop {
                        days[d] = true;
                        if d == b {
                            break;
                        }
                        d = (d + 1) % 7;
                    }
                }
                if holiday && !days.iter().any(|&d| d) {
                    out.ignored.push(rule.to_string());
                    continue;
                }
            }
            let rest = rest.trim();
            let spans = if rest.is_empty() && !selector.is_empty() {
                // `Mo-Fr` alone means open all day on those days.
                vec![(0, DAY)]
            } else if rest == "off" || rest == "closed" {
                Vec::new()
            } else {
                let mut spans = Vec::new();
                for span in rest.split(',') {
                    let span = span.trim();
                    let Some((a, b)) = span.split_once('-') else {
                        return Err(err(span, "expected a time span like 08:00-16:00, or off"));
                    };
                    let (Some(a), Some(b)) = (clock(a), clock(b.trim_end_matches('+'))) else {
                        return Err(err(span, "expected times as HH:MM, 00:00 to 24:00 (or up to 48:00)"));
                    };
                    if a == b {
                        return Err(err(span, "a span must not start and end at the same time"));
                    }
                    spans.push((a, b));
                }
                spans
            };
            any = true;
            // A later rule replaces the named days; spans past midnight spill into the next day.
            for (d, on) in days.iter().enumerate() {
                if *on {
                    out.days[d].clear();
                }
            }
            for (d, on) in days.iter().enumerate() {
                if !*on {
                    continue;
                }
                for &(a, b) in &spans {
                    let end = if b <= a { b + DAY } else { b };
                    out.days[d].push((a, end.min(DAY)));
                    if end > DAY {
                        out.days[(d + 1) % 7].push((0, end - DAY));
                    }
                }
            }
        }
        if !any {
            return Err(err(value, "no weekly rule found"));
        }
        for day in &mut out.days {
            normalise(day);
        }
        Ok(out)
    }

    /// Whether the venue is open for the whole of `[start, end)` minutes on weekday `day` (Monday = 0).
    pub fn is_open(&self, day: usize, start: u16, end: u16) -> bool {
        self.days.get(day).is_some_and(|spans| spans.iter().any(|&(a, b)| a <= start && end <= b))
    }

    /// Open minutes per week.
    pub fn weekly_minutes(&self) -> u32 {
        self.days.iter().flatten().map(|&(a, b)| u32::from(b - a)).sum()
    }
}

impl fmt::Display for OpeningHours {
    /// Writes the timetable back in the OSM syntax, one rule per weekday that is open (`Mo 08:00-16:00; Tu ...`).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut first = true;
        for (d, spans) in self.days.iter().enumerate() {
            if spans.is_empty() {
                continue;
            }
            if !first {
                f.write_str("; ")?;
            }
            first = false;
            write!(f, "{} ", WEEKDAYS[d])?;
            for (k, &(a, b)) in spans.iter().enumerate() {
                if k > 0 {
                    f.write_str(",")?;
                }
                write!(f, "{:02}:{:02}-{:02}:{:02}", a / 60, a % 60, b / 60, b % 60)?;
            }
        }
        if first {
            f.write_str("off")?;
        }
        Ok(())
    }
}

/// Splits a value into rules at `;`, `||`, and at `,` when a new weekday selector follows.
fn split_rules(value: &str) -> Vec<String> {
    let mut rules = Vec::new();
    for part in value.split(';').flat_map(|p| p.split("||")) {
        let mut current = String::new();
        for piece in part.split(',') {
            let starts_selector = {
                let t = piece.trim_start();
                t.len() >= 2 && (weekday(&t[..2]).is_some() || t.starts_with("PH") || t.starts_with("SH"))
            };
            if starts_selector && !current.trim().is_empty() && has_time_or_state(&current) {
                rules.push(std::mem::take(&mut current));
            } else if !current.is_empty() {
                current.push(',');
            }
            current.push_str(piece);
        }
        rules.push(current);
    }
    rules
}

/// Whether a partial rule already holds its times or state (so a following `, Sa ...` starts a new rule).
fn has_time_or_state(rule: &str) -> bool {
    rule.contains(':') || rule.contains("off") || rule.contains("closed")
}

/// Splits a rule into its selector (weekdays, holidays) and the rest (times or state).
fn split_selector(rule: &str) -> (&str, &str) {
    let first_digit = rule.find(|c: char| c.is_ascii_digit());
    let state = ["off", "closed"].iter().filter_map(|w| rule.find(w)).min();
    let cut = match (first_digit, state) {
        (Some(a), Some(b)) => a.min(b),
        (Some(a), None) => a,
        (None, Some(b)) => b,
        (None, None) => rule.len(),
    };
    (rule[..cut].trim(), &rule[cut..])
}

fn weekday(s: &str) -> Option<usize> {
    WEEKDAYS.iter().position(|w| *w == s.trim())
}

fn clock(s: &str) -> Option<u16> {
    let (h, m) = s.trim().split_once(':')?;
    if h.is_empty() || h.len() > 2 || m.len() != 2 {
        return None;
    }
    let h: u16 = h.parse().ok()?;
    let m: u16 = m.parse().ok()?;
    (m < 60 && h * 60 + m <= 2 * DAY).then_some(h * 60 + m)
}

/// Sorts and merges overlapping or touching spans.
fn normalise(spans: &mut Vec<(u16, u16)>) {
    spans.sort_unstable();
    let mut merged: Vec<(u16, u16)> = Vec::with_capacity(spans.len());
    for &(a, b) in spans.iter() {
        match merged.last_mut() {
            Some(last) if a <= last.1 => last.1 = last.1.max(b),
            _ => merged.push((a, b)),
        }
    }
    *spans = merged;
}

#[cfg(test)]
mod tests {
    use super::*;

    fn h(s: &str) -> OpeningHours {
        OpeningHours::parse(s).unwrap()
    }

    #[test]
    fn values_from_the_centre_file() {
        let x = h("Mo-Fr 08:00-20:00; Sa 11:00-17:00, Su closed");
        assert_eq!(x.days[0], vec![(480, 1200)]);
        assert_eq!(x.days[4], vec![(480, 1200)]);
        assert_eq!(x.days[5], vec![(660, 1020)]);
        assert!(x.days[6].is_empty());
        let y = h("Mo-Th 10:00-17:00; Fr 09:00-16:00; PH off");
        assert_eq!(y.days[3], vec![(600, 1020)]);
        assert_eq!(y.days[4], vec![(540, 960)]);
        assert_eq!(y.ignored, vec!["PH off".to_string()]);
        let z = h("08:00-16:15");
        assert!(z.days.iter().all(|d| d == &vec![(480, 975)]));
        assert!(x.is_open(1, 600, 840));
        assert!(!x.is_open(5, 600, 840));
        assert_eq!(x.weekly_minutes(), 5 * 720 + 360);
    }

    #[test]
    fn later_rules_override_and_spans_wrap() {
        let x = h("Mo-Su 10:00-18:00; We off; Sa-Mo 12:00-14:00,15:00-16:00");
        assert!(x.days[2].is_empty());
        assert_eq!(x.days[1], vec![(600, 1080)]);
        assert_eq!(x.days[0], vec![(720, 840), (900, 960)]);
        assert_eq!(x.days[6], vec![(720, 840), (900, 960)]);
        let n = h("Fr 22:00-02:00");
        assert_eq!(n.days[4], vec![(1320, 1440)]);
        assert_eq!(n.days[5], vec![(0, 120)]);
        let all = h("24/7");
        assert_eq!(all.weekly_minutes(), 7 * 1440);
        assert_eq!(h("Mo,We 09:00-12:00").days[2], vec![(540, 720)]);
    }

    #[test]
    fn display_round_trips() {
        for s in ["Mo-Fr 08:00-20:00; Sa 11:00-17:00", "Tu 10:00-12:00,13:00-15:30", "Su 00:00-24:00"] {
            let x = h(s);
            assert_eq!(h(&x.to_string()), x, "{s} -> {x}");
        }
    }

    #[test]
    fn unsupported_parts_are_named() {
        for (s, part) in [
            ("Jun-Aug Mo-Fr 10:00-18:00", "Jun-Aug Mo-Fr"),
            ("Mo-Fr sunrise-sunset", "sunrise-sunset"),
            ("Mo-Fr 8-16", "8-16"),
            ("Mo-Fr 10:00-10:00", "10:00-10:00"),
            ("", ""),
        ] {
            let e = OpeningHours::parse(s).unwrap_err();
            assert!(e.part.contains(part), "{s}: {e}");
        }
    }
}
