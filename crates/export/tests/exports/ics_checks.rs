//! iCalendar read back with the `icalendar` crate's parser; line structure checked byte by byte.

use std::collections::HashSet;

use chrono::NaiveDate;
use icalendar::parser::{Component, read_calendar, unfold as parser_unfold};
use icalendar::{CalendarDateTime, Component as _, DatePerhapsTime};
use neuvo_export::{AdvisorDay, ExportError, ics, ics_many};

use crate::fixture::{espoo_day, moved_to, options, unfold};

/// Every physical line ends in CRLF, has at most 75 octets, and there is no bare CR or LF.
fn check_lines(text: &str) {
    assert!(text.ends_with("\r\n"));
    let body = &text[..text.len() - 2];
    for line in body.split("\r\n") {
        assert!(line.len() <= 75, "{} octets: {line:?}", line.len());
        assert!(!line.contains('\n') && !line.contains('\r'), "bare line break in {line:?}");
    }
}

fn prop<'a>(c: &'a Component<'a>, name: &str) -> &'a str {
    c.find_prop(name).unwrap_or_else(|| panic!("{} has no {name}", c.name)).val.as_str()
}

fn param<'a>(c: &'a Component<'a>, name: &str, param: &str) -> Option<&'a str> {
    c.find_prop(name)?.params.iter().find(|p| p.key == param).and_then(|p| p.val.as_ref()).map(|v| v.as_str())
}

fn event_stops(day: &AdvisorDay) -> Vec<(usize, &neuvo_export::DayStop)> {
    day.stops.iter().enumerate().filter(|(_, s)| s.kind.is_event()).map(|(i, s)| (i + 1, s)).collect()
}

#[test]
fn the_day_reads_back_with_one_event_per_visit_session_and_break() {
    let day = espoo_day();
    let text = ics(&day, &options(false)).unwrap();
    check_lines(&text);
    // The long session label was folded, and folding lost nothing.
    assert!(text.contains("\r\n "), "expected at least one folded line");

    let unfolded = parser_unfold(&text);
    let cal = read_calendar(&unfolded).unwrap_or_else(|e| panic!("icalendar rejects the file: {e}"));
    let cal_prop = |name: &str| cal.properties.iter().find(|p| p.name == name).map(|p| p.val.as_str());
    assert_eq!(cal_prop("VERSION"), Some("2.0"));
    assert!(cal_prop("PRODID").is_some());
    assert_eq!(cal_prop("CALSCALE"), Some("GREGORIAN"));
    assert_eq!(cal_prop("METHOD"), Some("PUBLISH"));
    assert!(cal_prop("X-WR-CALNAME").unwrap().contains("Aino Äijälä"));

    let timezones: Vec<_> = cal.components.iter().filter(|c| c.name == "VTIMEZONE").collect();
    assert_eq!(timezones.len(), 1);
    assert_eq!(prop(timezones[0], "TZID"), "Europe/Helsinki");
    let observances: Vec<_> = timezones[0].components.iter().map(|c| c.name.as_str()).collect();
    assert_eq!(observances, ["DAYLIGHT", "STANDARD"]);

    let events: Vec<_> = cal.components.iter().filter(|c| c.name == "VEVENT").collect();
    let expected = event_stops(&day);
    assert_eq!(events.len(), expected.len());
    assert_eq!(events.len(), 6, "4 visits, 1 session, 1 break");
    let mut uids = HashSet::new();
    for (e, (seq, s)) in events.iter().zip(&expected) {
        let uid = prop(e, "UID");
        assert_eq!(uid, format!("A-12-20261201-{seq}@neuvo"));
        assert!(uids.insert(uid.to_owned()), "duplicate UID {uid}");
        assert_eq!(prop(e, "DTSTAMP"), "20261130T180000Z");
        assert_eq!(param(e, "DTSTART", "TZID"), Some("Europe/Helsinki"));
        assert_eq!(param(e, "DTEND", "TZID"), Some("Europe/Helsinki"));
        assert_eq!(prop(e, "DTSTART"), s.start.format("%Y%m%dT%H%M%S").to_string());
        assert_eq!(prop(e, "DTEND"), s.end.format("%Y%m%dT%H%M%S").to_string());
        // TEXT values are unescaped by the parser and equal what was given.
        assert_eq!(prop(e, "SUMMARY"), s.label);
        assert_eq!(prop(e, "GEO"), format!("{:.6};{:.6}", s.place.lat(), s.place.lon()));
        let description = prop(e, "DESCRIPTION");
        assert!(description.contains(&format!("Arrive {}", s.arrival.format("%H:%M"))), "{description}");
        assert!(description.contains("Travel from "), "{description}");
        if let Some(note) = &s.note {
            assert!(description.contains(note.as_str()), "{description:?} lacks {note:?}");
        }
        match s.kind {
            neuvo_export::StopKind::Visit => {
                assert_eq!(prop(e, "LOCATION"), s.client.as_ref().unwrap().pseudonym);
            }
            neuvo_export::StopKind::Session => assert_eq!(prop(e, "LOCATION"), s.label),
            _ => assert!(e.find_prop("LOCATION").is_none()),
        }
    }

    // The typed reading agrees: start and end are local times in the Helsinki zone.
    let typed: icalendar::Calendar = text.parse().unwrap();
    let typed_events: Vec<_> = typed.components.iter().filter_map(|c| c.as_event()).collect();
    assert_eq!(typed_events.len(), expected.len());
    for (e, (_, s)) in typed_events.iter().zip(&expected) {
        let zoned = |t| {
            DatePerhapsTime::DateTime(CalendarDateTime::WithTimezone {
                date_time: t,
                tzid: "Europe/Helsinki".into(),
            })
        };
        assert_eq!(e.get_start(), Some(zoned(s.start)));
        assert_eq!(e.get_end(), Some(zoned(s.end)));
        assert_eq!(e.get_timestamp(), Some(options(false).generated_at_utc.and_utc()));
    }
}

#[test]
fn special_characters_survive_escaping_and_folding() {
    let mut day = espoo_day();
    day.stops[3].label = format!("Session; Iso Omena, 2. krs \\ kirjasto 📚 {}", "ääkköset ".repeat(9));
    day.stops[4].note = Some("line one\nline two, with comma; and semicolon\r\nline three 🥪".to_owned());
    let text = ics(&day, &options(false)).unwrap();
    check_lines(&text);
    let unfolded = parser_unfold(&text);
    let cal = read_calendar(&unfolded).unwrap();
    let events: Vec<_> = cal.components.iter().filter(|c| c.name == "VEVENT").collect();
    assert_eq!(prop(events[2], "SUMMARY"), day.stops[3].label);
    assert!(
        prop(events[3], "DESCRIPTION")
            .contains("Note: line one\nline two, with comma; and semicolon\nline three 🥪")
    );
    // The raw file has the escapes.
    assert!(unfold(&text).contains(r"SUMMARY:Session\; Iso Omena\, 2. krs \\ kirjasto 📚"));
}

#[test]
fn revealed_details_go_to_location_and_description() {
    let day = espoo_day();
    let text = ics(&day, &options(true)).unwrap();
    check_lines(&text);
    let unfolded = parser_unfold(&text);
    let cal = read_calendar(&unfolded).unwrap();
    let first_visit = cal.components.iter().find(|c| c.name == "VEVENT").unwrap();
    assert_eq!(prop(first_visit, "LOCATION"), "Kivenlahdentie 1 (C-7f3a)");
    let description = prop(first_visit, "DESCRIPTION");
    assert!(
        description.contains("Maija Meikäläinen") && description.contains("+358 40 123 4567"),
        "{description}"
    );
    // A visit whose client has no address keeps the pseudonym as its location.
    let olari = cal.components.iter().filter(|c| c.name == "VEVENT").nth(4).unwrap();
    assert_eq!(prop(olari, "LOCATION"), "C-5e21");
}

#[test]
fn several_days_make_one_calendar_with_unique_uids() {
    let monday = moved_to(&espoo_day(), NaiveDate::from_ymd_opt(2026, 11, 30).unwrap());
    let tuesday = espoo_day();
    let mut colleague = espoo_day();
    colleague.advisor_id = "A-7".to_owned();
    colleague.advisor_name = None;
    let days = [monday, tuesday, colleague];
    let text = ics_many(&days, "Espoo week 49, 2026", &options(false)).unwrap();
    check_lines(&text);
    let unfolded = parser_unfold(&text);
    let cal = read_calendar(&unfolded).unwrap();
    assert_eq!(
        cal.properties.iter().find(|p| p.name == "X-WR-CALNAME").unwrap().val.as_str(),
        "Espoo week 49, 2026"
    );
    assert_eq!(cal.components.iter().filter(|c| c.name == "VTIMEZONE").count(), 1);
    let events: Vec<_> = cal.components.iter().filter(|c| c.name == "VEVENT").collect();
    assert_eq!(events.len(), 18);
    let uids: HashSet<_> = events.iter().map(|e| prop(e, "UID")).collect();
    assert_eq!(uids.len(), 18);
    assert!(uids.contains("A-12-20261130-2@neuvo") && uids.contains("A-7-20261201-2@neuvo"));
    // Each event says whose it is.
    for e in &events {
        let uid = prop(e, "UID");
        let advisor = if uid.starts_with("A-7-") { "Advisor: A-7" } else { "Advisor: Aino Äijälä (A-12)" };
        assert!(prop(e, "DESCRIPTION").ends_with(advisor), "{uid}");
    }

    // The same advisor's day twice would give two events one UID.
    let twice = [espoo_day(), espoo_day()];
    assert_eq!(
        ics_many(&twice, "x", &options(false)),
        Err(ExportError::DuplicateDay { advisor_id: "A-12".into(), date: espoo_day().date })
    );
}

#[test]
fn output_is_deterministic() {
    let a = ics(&espoo_day(), &options(false)).unwrap();
    let b = ics(&espoo_day(), &options(false)).unwrap();
    assert_eq!(a, b);
}
