//! Text shared by the formats: times, minutes, client details, coordinates, XML escaping.

use chrono::NaiveDateTime;

use crate::day::{AdvisorDay, ClientInfo, DayStop, Leg};
use crate::helsinki::offset_text;

/// `HH:MM` of a local time.
pub(crate) fn hhmm(t: NaiveDateTime) -> String {
    t.format("%H:%M").to_string()
}

/// A stop's time: `08:20–09:05`, or `08:00` when it starts and ends at once (a start or end of the day).
pub(crate) fn span(stop: &DayStop) -> String {
    if hhmm(stop.start) == hhmm(stop.end) {
        hhmm(stop.start)
    } else {
        format!("{}–{}", hhmm(stop.start), hhmm(stop.end))
    }
}

/// ISO 8601 local time with its Helsinki offset, e.g. `2026-12-01T08:00:00+02:00`.
pub(crate) fn iso_local(t: NaiveDateTime) -> String {
    format!("{}{}", t.format("%Y-%m-%dT%H:%M:%S"), offset_text(t))
}

/// Whole minutes, rounded up: a 20-second hop is 1 minute, never 0.
pub(crate) fn minutes_up(seconds: u64) -> u64 {
    seconds.div_ceil(60)
}

/// Kilometres with one decimal, e.g. `3.4 km`.
pub(crate) fn km(distance_m: u64) -> String {
    let tenths = (distance_m + 50) / 100; // nearest 100 m, halves up
    format!("{}.{} km", tenths / 10, tenths % 10)
}

/// A coordinate with 6 decimals (about 0.1 m), as text.
pub(crate) fn deg6(x: f64) -> String {
    format!("{x:.6}")
}

/// A coordinate rounded to 6 decimals, as a number.
pub(crate) fn round6(x: f64) -> f64 {
    (x * 1e6).round() / 1e6
}

/// The leg that arrives at stop `index` (0-based), if any.
pub(crate) fn leg_into(day: &AdvisorDay, index: usize) -> Option<&Leg> {
    index.checked_sub(1).and_then(|i| day.legs.get(i))
}

/// The client details that may be shown: name, address and phone, each only when given and revealed.
pub(crate) fn revealed_details(client: &ClientInfo, reveal: bool) -> Vec<&str> {
    if !reveal {
        return Vec::new();
    }
    [&client.name, &client.address, &client.phone]
        .into_iter()
        .filter_map(|d| d.as_deref().map(str::trim).filter(|d| !d.is_empty()))
        .collect()
}

/// The client as one piece of text: the pseudonym, or `pseudonym (name, address, phone)` when revealed.
pub(crate) fn client_text(stop: &DayStop, reveal: bool) -> String {
    let Some(client) = &stop.client else { return String::new() };
    let details = revealed_details(client, reveal);
    if details.is_empty() {
        client.pseudonym.clone()
    } else {
        format!("{} ({})", client.pseudonym, details.join(", "))
    }
}

/// The advisor: `Aino Äijälä (A-12)`, or the id alone when no name is given.
pub(crate) fn advisor_text(day: &AdvisorDay) -> String {
    match day.advisor_name.as_deref().map(str::trim).filter(|n| !n.is_empty()) {
        Some(name) => format!("{name} ({})", day.advisor_id),
        None => day.advisor_id.clone(),
    }
}

/// The title of a day, e.g. `Aino Äijälä (A-12), 2026-12-01`.
pub(crate) fn day_title(day: &AdvisorDay) -> String {
    format!("{}, {}", advisor_text(day), day.date)
}

/// Replaces the characters XML 1.0 cannot carry at all (C0 controls other than tab, line feed and carriage
/// return; U+FFFE and U+FFFF) with U+FFFD, so that any text yields a well-formed document.
fn xml_char(c: char) -> char {
    match c {
        '\t' | '\n' | '\r' => c,
        '\u{0}'..='\u{1f}' | '\u{fffe}' | '\u{ffff}' => '\u{fffd}',
        _ => c,
    }
}

/// Escapes text for XML and HTML element content and attribute values (`&`, `<`, `>`, `"`, `'`).
pub(crate) fn escape_xml(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(xml_char(c)),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn xml_escaping_covers_markup_and_invalid_characters() {
        assert_eq!(
            escape_xml(r#"<b>"Tom" & 'Jerry'</b>"#),
            "&lt;b&gt;&quot;Tom&quot; &amp; &#39;Jerry&#39;&lt;/b&gt;"
        );
        assert_eq!(escape_xml("a\u{0}b\u{1b}c\td\ne"), "a\u{fffd}b\u{fffd}c\td\ne");
        assert_eq!(escape_xml("Äijälä 📚"), "Äijälä 📚");
        // Already escaped text is escaped again, not trusted.
        assert_eq!(escape_xml("&amp;"), "&amp;amp;");
    }

    #[test]
    fn minutes_round_up_and_kilometres_round_to_one_decimal() {
        assert_eq!(minutes_up(0), 0);
        assert_eq!(minutes_up(1), 1);
        assert_eq!(minutes_up(60), 1);
        assert_eq!(minutes_up(61), 2);
        assert_eq!(km(0), "0.0 km");
        assert_eq!(km(3449), "3.4 km");
        assert_eq!(km(3450), "3.5 km");
        assert_eq!(km(3960), "4.0 km");
        assert_eq!(km(49), "0.0 km");
        assert_eq!(km(50), "0.1 km");
        assert_eq!(km(12_000), "12.0 km");
    }
}
