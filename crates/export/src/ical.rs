//! iCalendar (RFC 5545) for calendars.

use std::collections::HashSet;

use chrono::NaiveDateTime;

use crate::day::{AdvisorDay, DayStop, ExportOptions, StopKind};
use crate::error::ExportError;
use crate::helsinki::{HELSINKI_TZID, VTIMEZONE_LINES};
use crate::text::{advisor_text, day_title, deg6, hhmm, km, leg_into, minutes_up, revealed_details, span};
use crate::validate::validate;

/// Octets a content line may have, line break excluded (RFC 5545 §3.1).
const MAX_LINE_OCTETS: usize = 75;

/// The product identifier of every calendar this crate writes.
const PRODID: &str = "-//neuvo//Advisor day plan//EN";

/// The day as an iCalendar file: one `VEVENT` per visit, session and break (start and end are not events).
///
/// The calendar is named after the advisor and date; see [`ics_many`] for what each event holds.
pub fn ics(day: &AdvisorDay, options: &ExportOptions) -> Result<String, ExportError> {
    ics_many(std::slice::from_ref(day), &format!("neuvo: {}", day_title(day)), options)
}

/// Several days (of one advisor or many, e.g. a week) as one iCalendar file named `calendar_name`.
///
/// The calendar has `VERSION:2.0`, `PRODID`, `CALSCALE:GREGORIAN`, `METHOD:PUBLISH`, `X-WR-CALNAME`, and one
/// `VTIMEZONE` for Europe/Helsinki. Each visit, session and break is a `VEVENT` with
/// - `UID` `<advisor id>-<yyyymmdd>-<seq>@neuvo` (`seq`: the stop's 1-based position), stable across exports of
///   the same plan, so that re-importing updates events instead of duplicating them;
/// - `DTSTAMP` ([`ExportOptions::generated_at_utc`]), `DTSTART` and `DTEND` with `TZID=Europe/Helsinki`;
/// - `SUMMARY` (the label), `CATEGORIES` (`VISIT`, `SESSION` or `BREAK`), `GEO` (`lat;lon`);
/// - `LOCATION`: the label for a session; for a visit the client's pseudonym, or with `reveal_client_details`
///   the address when given; none for a break;
/// - `DESCRIPTION`: the travel to the stop, the arrival time, the client (details only when revealed), the note,
///   the advisor.
///
/// Text is escaped (backslash, semicolon, comma, newline), lines end in CRLF and are folded at 75 octets without
/// splitting a UTF-8 character. The same advisor's same day given twice is an error (UIDs would collide).
pub fn ics_many(
    days: &[AdvisorDay],
    calendar_name: &str,
    options: &ExportOptions,
) -> Result<String, ExportError> {
    let mut seen = HashSet::new();
    for day in days {
        validate(day, options)?;
        if !seen.insert((day.advisor_id.as_str(), day.date)) {
            return Err(ExportError::DuplicateDay { advisor_id: day.advisor_id.clone(), date: day.date });
        }
    }
    let mut out = String::new();
    let mut line = |l: &str| out.push_str(&fold(l));
    line("BEGIN:VCALENDAR");
    line("VERSION:2.0");
    line(&format!("PRODID:{PRODID}"));
    line("CALSCALE:GREGORIAN");
    line("METHOD:PUBLISH");
    line(&format!("X-WR-CALNAME:{}", escape_text(calendar_name)));
    line(&format!("X-WR-TIMEZONE:{HELSINKI_TZID}"));
    for l in VTIMEZONE_LINES {
        line(l);
    }
    let dtstamp = options.generated_at_utc.format("%Y%m%dT%H%M%SZ").to_string();
    for day in days {
        for (i, stop) in day.stops.iter().enumerate().filter(|(_, s)| s.kind.is_event()) {
            let seq = i + 1;
            line("BEGIN:VEVENT");
            line(&format!(
                "UID:{}",
                escape_text(&format!("{}-{}-{seq}@neuvo", day.advisor_id, day.date.format("%Y%m%d")))
            ));
            line(&format!("DTSTAMP:{dtstamp}"));
            line(&format!("DTSTART;TZID={HELSINKI_TZID}:{}", local_text(stop.start)));
            line(&format!("DTEND;TZID={HELSINKI_TZID}:{}", local_text(stop.end)));
            line(&format!("SUMMARY:{}", escape_text(&stop.label)));
            if let Some(location) = location(stop, options.reveal_client_details) {
                line(&format!("LOCATION:{}", escape_text(&location)));
            }
            line(&format!(
                "DESCRIPTION:{}",
                escape_text(&description(day, i, stop, options.reveal_client_details))
            ));
            line(&format!("GEO:{};{}", deg6(stop.place.lat()), deg6(stop.place.lon())));
            line(&format!("CATEGORIES:{}", stop.kind.as_str().to_uppercase()));
            line("STATUS:CONFIRMED");
            line("END:VEVENT");
        }
    }
    line("END:VCALENDAR");
    Ok(out)
}

/// A local DATE-TIME value: `20261201T080000`.
fn local_text(t: NaiveDateTime) -> String {
    t.format("%Y%m%dT%H%M%S").to_string()
}

/// `LOCATION`: the venue for a session, the pseudonym (or the revealed address) for a visit, nothing for a break.
fn location(stop: &DayStop, reveal: bool) -> Option<String> {
    match stop.kind {
        StopKind::Session => Some(stop.label.clone()),
        StopKind::Visit => match &stop.client {
            Some(client) => {
                let address = client.address.as_deref().map(str::trim).filter(|a| !a.is_empty() && reveal);
                Some(
                    address
                        .map_or_else(|| client.pseudonym.clone(), |a| format!("{a} ({})", client.pseudonym)),
                )
            }
            None => Some(stop.label.clone()),
        },
        StopKind::Break | StopKind::Start | StopKind::End => None,
    }
}

/// `DESCRIPTION`, one fact a line.
fn description(day: &AdvisorDay, index: usize, stop: &DayStop, reveal: bool) -> String {
    let mut lines = Vec::new();
    match (leg_into(day, index), index.checked_sub(1).map(|p| &day.stops[p])) {
        (Some(leg), Some(previous)) => lines.push(format!(
            "Travel from {} by {}: {} min, {}",
            previous.label,
            day.mode,
            minutes_up(u64::from(leg.travel_s)),
            km(u64::from(leg.distance_m))
        )),
        _ => lines.push("First stop of the day".to_owned()),
    }
    lines.push(format!("Arrive {}, {}", hhmm(stop.arrival), span(stop)));
    if let Some(client) = &stop.client {
        lines.push(format!("Client: {}", client.pseudonym));
        let details = revealed_details(client, reveal);
        if !details.is_empty() {
            lines.extend(details.iter().map(|d| (*d).to_owned()));
        }
    }
    if let Some(note) = stop.note.as_deref().filter(|n| !n.is_empty()) {
        lines.push(format!("Note: {note}"));
    }
    // A calendar of several advisors (see `ics_many`) must say whose event this is.
    lines.push(format!("Advisor: {}", advisor_text(day)));
    lines.join("\n")
}

/// Escapes a TEXT value (RFC 5545 §3.3.11): backslash, semicolon and comma get a backslash, line breaks
/// (LF, CRLF or CR) become `\n`. Control characters a content line may not hold become U+FFFD.
pub(crate) fn escape_text(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 8);
    let mut chars = s.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\\' => out.push_str("\\\\"),
            ';' => out.push_str("\\;"),
            ',' => out.push_str("\\,"),
            '\n' => out.push_str("\\n"),
            '\r' => {
                chars.next_if_eq(&'\n');
                out.push_str("\\n");
            }
            '\t' => out.push(c),
            '\u{0}'..='\u{1f}' | '\u{7f}' => out.push('\u{fffd}'),
            c => out.push(c),
        }
    }
    out
}

/// One content line, folded (RFC 5545 §3.1): at most 75 octets per physical line, line break excluded, the
/// continuation lines starting with one space; never inside a UTF-8 character, and never between a backslash and
/// the character it escapes (allowed, but some readers trip over it). Ends with CRLF.
pub(crate) fn fold(line: &str) -> String {
    let mut out = String::with_capacity(line.len() + line.len() / (MAX_LINE_OCTETS - 1) * 3 + 2);
    let mut used = 0;
    let mut chars = line.char_indices().peekable();
    while let Some((at, c)) = chars.next() {
        // The unit that must stay whole: one character, or a backslash with the character it escapes.
        let end = match (c, chars.peek()) {
            ('\\', Some(&(next_at, next))) => {
                chars.next();
                next_at + next.len_utf8()
            }
            _ => at + c.len_utf8(),
        };
        let unit = &line[at..end];
        if used + unit.len() > MAX_LINE_OCTETS {
            out.push_str("\r\n ");
            used = 1;
        }
        out.push_str(unit);
        used += unit.len();
    }
    out.push_str("\r\n");
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Undoes folding (RFC 5545 §3.1: a CRLF followed by one space or tab is removed).
    fn unfold(s: &str) -> String {
        s.replace("\r\n ", "").replace("\r\n\t", "")
    }

    fn physical_lines(folded: &str) -> Vec<&str> {
        assert!(folded.ends_with("\r\n"), "{folded:?} does not end with CRLF");
        folded[..folded.len() - 2].split("\r\n").collect()
    }

    #[test]
    fn folding_keeps_lines_within_75_octets_and_characters_whole() {
        let samples = [
            String::new(),
            "SUMMARY:short".to_owned(),
            format!("SUMMARY:{}", "a".repeat(67)), // exactly 75 octets: no fold
            format!("SUMMARY:{}", "a".repeat(68)), // 76: one fold
            format!("SUMMARY:{}", "ä".repeat(100)), // 2-octet characters
            format!("SUMMARY:{}", "ö€".repeat(60)), // 2 and 3 octets
            format!("SUMMARY:{}", "📚".repeat(50)), // 4 octets
            format!("DESCRIPTION:Käynti 🏠 Meikäläinen {}", "Ääkköset 👩‍👩‍👧 ja emoji ".repeat(12)),
            format!("DESCRIPTION:{}", escape_text("a,b;c\\d\nä😀,".repeat(20).as_str())),
        ];
        for (k, line) in samples.iter().enumerate() {
            // Shift the alignment of multi-octet characters against the 75-octet boundary.
            for pad in 0..4 {
                let line = format!("{}{line}", "x".repeat(pad));
                let folded = fold(&line);
                for (n, physical) in physical_lines(&folded).into_iter().enumerate() {
                    assert!(physical.len() <= 75, "sample {k}: {} octets in {physical:?}", physical.len());
                    // No escape is split: a physical line never ends in half an escape (an odd run of backslashes).
                    let trailing = physical.bytes().rev().take_while(|b| *b == b'\\').count();
                    assert_eq!(trailing % 2, 0, "sample {k}: {physical:?} ends inside an escape");
                    if n > 0 {
                        // A continuation: one space, then at least one character.
                        assert!(physical.len() > 1 && physical.starts_with(' '), "sample {k}: {physical:?}");
                    }
                }
                // Every physical line is valid UTF-8 by itself: no character was split across a fold.
                for physical in folded.as_bytes().split(|b| *b == b'\n') {
                    assert!(std::str::from_utf8(physical).is_ok(), "sample {k}: a character was split");
                }
                assert_eq!(unfold(&folded), format!("{line}\r\n"), "sample {k}");
                // Folding only happens when needed, and then lines are as full as the characters (and escapes,
                // which stay whole) allow.
                let lines = physical_lines(&folded);
                if line.len() <= 75 {
                    assert_eq!(lines.len(), 1);
                }
                for pair in lines.windows(2) {
                    let mut next = pair[1][1..].chars();
                    let unit = match next.next().unwrap() {
                        '\\' => 1 + next.next().unwrap().len_utf8(),
                        c => c.len_utf8(),
                    };
                    assert!(pair[0].len() + unit > 75, "sample {k}: {:?} folded early", pair[0]);
                }
            }
        }
    }

    #[test]
    fn folding_at_exactly_the_boundary() {
        let line = format!("X:{}", "b".repeat(73)); // 75 octets
        assert_eq!(fold(&line), format!("{line}\r\n"));
        let line = format!("X:{}ä", "b".repeat(72)); // 74 + 2 octets: the ä moves to the next line whole
        assert_eq!(fold(&line), format!("X:{}\r\n ä\r\n", "b".repeat(72)));
        let line = format!("X:{}\\,", "b".repeat(72)); // an escape across the boundary moves whole
        assert_eq!(fold(&line), format!("X:{}\r\n \\,\r\n", "b".repeat(72)));
        let line = format!("X:{}\\\\,", "b".repeat(71)); // an escaped backslash, then a comma
        assert_eq!(fold(&line), format!("X:{}\\\\\r\n ,\r\n", "b".repeat(71)));
    }

    #[test]
    fn text_escaping() {
        assert_eq!(escape_text(r"a\b;c,d"), r"a\\b\;c\,d");
        assert_eq!(escape_text("one\ntwo\r\nthree\rfour"), r"one\ntwo\nthree\nfour");
        assert_eq!(
            escape_text("Pop-up: Iso Omena, 2. krs; ääkköset 📚"),
            r"Pop-up: Iso Omena\, 2. krs\; ääkköset 📚"
        );
        assert_eq!(escape_text("bell\u{7}tab\t"), "bell\u{fffd}tab\t");
        // A colon needs no escape in TEXT; a backslash-n in the input is a backslash and an n.
        assert_eq!(escape_text(r"x:\n"), r"x:\\n");
    }
}
