//! The rotation exports read back by independent parsers (`icalendar`, `csv`, `xml-rs`) on a two-week rotation
//! of pop-up sessions in Espoo.

use std::collections::{BTreeMap, HashSet};

use chrono::{Datelike, NaiveDate, NaiveDateTime, NaiveTime, TimeDelta};
use icalendar::parser::{Component, read_calendar, unfold};
use icalendar::{CalendarDateTime, Component as _, DatePerhapsTime};
use neuvo_export::{
    ExportError, ExportOptions, WeekPlan, WeekSession, helsinki_to_utc, ics_for_advisor, ics_for_venue,
    week_csv, week_html,
};
use neuvo_model::LonLat;
use xml::reader::{EventReader, XmlEvent};

// ---------------------------------------------------------------------------------------------------------------
// The fixture

/// A venue name with a comma, semicolons, non-ASCII and an emoji, long enough to be folded.
const ISO_OMENA: &str = "Iso Omenan kirjasto; Piispansilta 11, 2. krs, by the ääni- ja kuvatallenteet shelves 📚 (Iso Omena library)";

const ADVISOR_NAMES: [&str; 2] = ["Aino Äijälä", "Mikko Nieminen"];
const ADVISOR_IDS: [&str; 3] = ["adv-aino", "adv-mikko", "adv-sara"];

fn d(y: i32, m: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, day).unwrap()
}

fn t(hhmm: &str) -> NaiveTime {
    NaiveTime::parse_from_str(hhmm, "%H:%M").unwrap()
}

fn options() -> ExportOptions {
    ExportOptions::new(d(2026, 12, 10).and_hms_opt(7, 30, 0).unwrap())
}

fn venue(id: &str) -> (&'static str, LonLat) {
    match id {
        "sello" => ("Sello library", LonLat::try_new(24.8076, 60.2177).unwrap()),
        "iso-omena" => (ISO_OMENA, LonLat::try_new(24.7384, 60.1614).unwrap()),
        "entresse" => ("Entressen kirjasto", LonLat::try_new(24.6570, 60.2049).unwrap()),
        _ => panic!("unknown venue {id}"),
    }
}

fn advisor(id: &str) -> (Option<&'static str>, &'static [&'static str]) {
    match id {
        "adv-aino" => (Some(ADVISOR_NAMES[0]), &["fi", "sv"]),
        "adv-mikko" => (Some(ADVISOR_NAMES[1]), &["fi", "en"]),
        "adv-sara" => (None, &["sv", "en"]),
        _ => panic!("unknown advisor {id}"),
    }
}

fn session(
    date: NaiveDate,
    start: &str,
    end: &str,
    venue_id: &str,
    kind: &str,
    advisor_id: &str,
) -> WeekSession {
    let (venue_name, location) = venue(venue_id);
    let (advisor_name, languages) = advisor(advisor_id);
    WeekSession {
        date,
        start: t(start),
        end: t(end),
        venue_id: venue_id.to_owned(),
        venue_name: venue_name.to_owned(),
        location,
        kind: kind.to_owned(),
        advisor_id: advisor_id.to_owned(),
        advisor_name: advisor_name.map(str::to_owned),
        languages: languages.iter().map(|l| (*l).to_owned()).collect(),
    }
}

/// Weeks 51–52 of 2026 (Monday 14 December to Sunday 27 December, winter time), sessions deliberately not in
/// time order.
fn espoo_rotation() -> WeekPlan {
    WeekPlan {
        title: "Espoo mobile advice, weeks 51–52".to_owned(),
        first_date: d(2026, 12, 14),
        last_date: d(2026, 12, 27),
        sessions: vec![
            session(d(2026, 12, 21), "10:00", "14:00", "sello", "debt", "adv-aino"),
            session(d(2026, 12, 14), "10:00", "14:00", "sello", "debt", "adv-aino"),
            session(d(2026, 12, 14), "10:00", "13:00", "iso-omena", "general", "adv-mikko"),
            session(d(2026, 12, 15), "12:00", "16:00", "entresse", "career", "adv-sara"),
            session(d(2026, 12, 16), "13:00", "16:00", "entresse", "debt", "adv-aino"),
            session(d(2026, 12, 16), "09:00", "12:00", "iso-omena", "debt", "adv-aino"),
            session(d(2026, 12, 16), "13:00", "16:00", "sello", "social", "adv-mikko"),
            session(d(2026, 12, 21), "10:00", "14:00", "sello", "general", "adv-mikko"),
            session(d(2026, 12, 23), "09:00", "12:00", "iso-omena", "debt", "adv-aino"),
            session(d(2026, 12, 26), "11:00", "15:00", "iso-omena", "general", "adv-mikko"),
        ],
    }
}

/// The sessions in the documented order: date, start, venue id.
fn in_order(plan: &WeekPlan) -> Vec<&WeekSession> {
    let mut all: Vec<&WeekSession> = plan.sessions.iter().collect();
    all.sort_by(|a, b| {
        (a.date, a.start, &a.venue_id, a.end, &a.kind).cmp(&(b.date, b.start, &b.venue_id, b.end, &b.kind))
    });
    all
}

// ---------------------------------------------------------------------------------------------------------------
// Reading back

/// Every physical line ends in CRLF and has at most 75 octets; no bare CR or LF.
fn check_lines(text: &str) {
    assert!(text.ends_with("\r\n"));
    for line in text[..text.len() - 2].split("\r\n") {
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

fn events<'a>(cal: &'a icalendar::parser::Calendar<'a>) -> Vec<&'a Component<'a>> {
    cal.components.iter().filter(|c| c.name == "VEVENT").collect()
}

fn local(s: &str) -> NaiveDateTime {
    NaiveDateTime::parse_from_str(s, "%Y%m%dT%H%M%S").unwrap()
}

fn uids(text: &str) -> Vec<String> {
    let unfolded = unfold(text);
    let cal = read_calendar(&unfolded).unwrap();
    events(&cal).iter().map(|e| prop(e, "UID").to_owned()).collect()
}

fn summary_of(s: &WeekSession) -> String {
    let mut kind = s.kind.clone();
    kind[..1].make_ascii_uppercase();
    format!("{kind} advice pop-up — {}", s.venue_name)
}

// ---------------------------------------------------------------------------------------------------------------
// iCalendar

#[test]
fn an_advisors_calendar_holds_exactly_their_sessions() {
    let plan = espoo_rotation();
    for advisor_id in ADVISOR_IDS {
        let text = ics_for_advisor(&plan, advisor_id, &options()).unwrap();
        check_lines(&text);
        let unfolded = unfold(&text);
        let cal = read_calendar(&unfolded).unwrap_or_else(|e| panic!("icalendar rejects the file: {e}"));
        let cal_prop = |name: &str| cal.properties.iter().find(|p| p.name == name).map(|p| p.val.as_str());
        assert_eq!(cal_prop("VERSION"), Some("2.0"));
        assert_eq!(cal_prop("METHOD"), Some("PUBLISH"));
        assert!(cal_prop("X-WR-CALNAME").unwrap().contains("Espoo mobile advice, weeks 51–52"));
        let timezones: Vec<_> = cal.components.iter().filter(|c| c.name == "VTIMEZONE").collect();
        assert_eq!(timezones.len(), 1);
        assert_eq!(prop(timezones[0], "TZID"), "Europe/Helsinki");

        let expected: Vec<&WeekSession> =
            in_order(&plan).into_iter().filter(|s| s.advisor_id == advisor_id).collect();
        let got = events(&cal);
        assert_eq!(got.len(), expected.len(), "{advisor_id}");
        assert!(!got.is_empty());
        for (e, s) in got.iter().zip(&expected) {
            assert_eq!(param(e, "DTSTART", "TZID"), Some("Europe/Helsinki"));
            assert_eq!(param(e, "DTEND", "TZID"), Some("Europe/Helsinki"));
            assert_eq!(local(prop(e, "DTSTART")), s.date.and_time(s.start));
            assert_eq!(local(prop(e, "DTEND")), s.date.and_time(s.end));
            assert_eq!(prop(e, "DTSTAMP"), "20261210T073000Z");
            assert_eq!(prop(e, "SUMMARY"), summary_of(s));
            assert_eq!(prop(e, "LOCATION"), s.venue_name);
            assert_eq!(prop(e, "GEO"), format!("{:.6};{:.6}", s.location.lat(), s.location.lon()));
            let description = prop(e, "DESCRIPTION");
            assert!(description.contains(&format!("Kind: {}", s.kind)), "{description}");
            assert!(description.contains(&format!("Languages: {}", s.languages.join(", "))), "{description}");
            assert!(description.contains(&format!("Advisor: {}", advisor_text(s))), "{description}");
        }
        // No one else's session, id or name.
        for other in ADVISOR_IDS.iter().filter(|id| **id != advisor_id) {
            assert!(!unfolded.contains(other), "{other} in {advisor_id}'s calendar");
            if let (Some(name), _) = advisor(other) {
                assert!(!unfolded.contains(name), "{name} in {advisor_id}'s calendar");
            }
        }

        // The typed reading agrees: local times in the Helsinki zone.
        let typed: icalendar::Calendar = text.parse().unwrap();
        let typed_events: Vec<_> = typed.components.iter().filter_map(|c| c.as_event()).collect();
        assert_eq!(typed_events.len(), expected.len());
        for (e, s) in typed_events.iter().zip(&expected) {
            let zoned = |time| {
                DatePerhapsTime::DateTime(CalendarDateTime::WithTimezone {
                    date_time: s.date.and_time(time),
                    tzid: "Europe/Helsinki".into(),
                })
            };
            assert_eq!(e.get_start(), Some(zoned(s.start)));
            assert_eq!(e.get_end(), Some(zoned(s.end)));
            assert_eq!(e.get_summary(), Some(summary_of(s).as_str()));
        }
    }
    // An advisor without sessions gets an empty calendar, not an error.
    let text = ics_for_advisor(&plan, "adv-nobody", &options()).unwrap();
    assert!(uids(&text).is_empty());
}

fn advisor_text(s: &WeekSession) -> String {
    match &s.advisor_name {
        Some(name) => format!("{name} ({})", s.advisor_id),
        None => s.advisor_id.clone(),
    }
}

/// The `TZOFFSETTO` of an observance of the file's `VTIMEZONE`, as a `TimeDelta`.
fn offset_to(cal: &icalendar::parser::Calendar<'_>, observance: &str) -> TimeDelta {
    let tz = cal.components.iter().find(|c| c.name == "VTIMEZONE").unwrap();
    let o = tz.components.iter().find(|c| c.name == observance).unwrap();
    let v = prop(o, "TZOFFSETTO");
    let sign = if v.starts_with('-') { -1 } else { 1 };
    let hours: i64 = v[1..3].parse().unwrap();
    let minutes: i64 = v[3..5].parse().unwrap();
    TimeDelta::minutes(sign * (hours * 60 + minutes))
}

#[test]
fn winter_and_summer_sessions_have_the_right_utc_offset() {
    // Weeks 13–14 of 2026: the clocks went forward on Sunday 29 March 2026 at 03:00 (published change date).
    let plan = WeekPlan {
        title: "Espoo mobile advice, weeks 13–14".to_owned(),
        first_date: d(2026, 3, 23),
        last_date: d(2026, 4, 5),
        sessions: vec![
            session(d(2026, 3, 27), "10:00", "14:00", "sello", "debt", "adv-aino"),
            session(d(2026, 3, 30), "10:00", "14:00", "sello", "debt", "adv-aino"),
        ],
    };
    let text = ics_for_advisor(&plan, "adv-aino", &options()).unwrap();
    let unfolded = unfold(&text);
    let cal = read_calendar(&unfolded).unwrap();
    let (winter, summer) = (offset_to(&cal, "STANDARD"), offset_to(&cal, "DAYLIGHT"));
    assert_eq!((winter, summer), (TimeDelta::hours(2), TimeDelta::hours(3)));
    let got = events(&cal);
    assert_eq!(got.len(), 2);
    let utc = |e: &Component<'_>, name: &str, offset: TimeDelta| local(prop(e, name)) - offset;
    // Friday 27 March, winter time: 10:00 EET is 08:00 UTC.
    assert_eq!(utc(got[0], "DTSTART", winter), d(2026, 3, 27).and_hms_opt(8, 0, 0).unwrap());
    assert_eq!(utc(got[0], "DTEND", winter), d(2026, 3, 27).and_hms_opt(12, 0, 0).unwrap());
    // Monday 30 March, summer time: 10:00 EEST is 07:00 UTC.
    assert_eq!(utc(got[1], "DTSTART", summer), d(2026, 3, 30).and_hms_opt(7, 0, 0).unwrap());
    assert_eq!(utc(got[1], "DTEND", summer), d(2026, 3, 30).and_hms_opt(11, 0, 0).unwrap());
    // The crate's own conversion agrees with the offsets its calendar declares.
    for (e, offset) in [(got[0], winter), (got[1], summer)] {
        let start = local(prop(e, "DTSTART"));
        assert_eq!(helsinki_to_utc(start), start - offset);
    }
}

#[test]
fn a_venues_public_calendar_names_no_advisor() {
    let plan = espoo_rotation();
    let mut all_uids = HashSet::new();
    for venue_id in ["sello", "iso-omena", "entresse"] {
        let text = ics_for_venue(&plan, venue_id, &options()).unwrap();
        check_lines(&text);
        let unfolded = unfold(&text);
        // Nowhere in the text, folded or not, any advisor's id or name, nor the word "Advisor".
        for needle in ADVISOR_IDS.iter().chain(&ADVISOR_NAMES).chain(&["Advisor", "adv-"]) {
            assert!(
                !text.contains(needle) && !unfolded.contains(needle),
                "{needle} in {venue_id}'s calendar"
            );
        }
        let cal = read_calendar(&unfolded).unwrap();
        let expected: Vec<&WeekSession> =
            in_order(&plan).into_iter().filter(|s| s.venue_id == venue_id).collect();
        let got = events(&cal);
        assert_eq!(got.len(), expected.len(), "{venue_id}");
        for (e, s) in got.iter().zip(&expected) {
            assert_eq!(local(prop(e, "DTSTART")), s.date.and_time(s.start));
            assert_eq!(local(prop(e, "DTEND")), s.date.and_time(s.end));
            assert_eq!(param(e, "DTSTART", "TZID"), Some("Europe/Helsinki"));
            assert_eq!(prop(e, "SUMMARY"), summary_of(s));
            assert_eq!(prop(e, "LOCATION"), s.venue_name);
            let description = prop(e, "DESCRIPTION");
            assert!(description.contains(&format!("Kind: {}", s.kind)), "{description}");
            assert!(description.contains(&format!("Languages: {}", s.languages.join(", "))), "{description}");
            assert!(all_uids.insert(prop(e, "UID").to_owned()), "duplicate UID {}", prop(e, "UID"));
        }
    }
    assert_eq!(all_uids.len(), plan.sessions.len());
    // Distinct from every advisor's UIDs.
    for advisor_id in ADVISOR_IDS {
        for uid in uids(&ics_for_advisor(&plan, advisor_id, &options()).unwrap()) {
            assert!(!all_uids.contains(&uid), "{uid} in both calendars");
        }
    }
}

#[test]
fn uids_are_unique_and_stable() {
    let plan = espoo_rotation();
    let mut reversed = plan.clone();
    reversed.sessions.reverse();
    let mut advisor_uids = HashSet::new();
    for advisor_id in ADVISOR_IDS {
        let a = ics_for_advisor(&plan, advisor_id, &options()).unwrap();
        let b = ics_for_advisor(&plan, advisor_id, &options()).unwrap();
        assert_eq!(a, b, "two calls differ");
        // The order the sessions are given in changes nothing.
        assert_eq!(a, ics_for_advisor(&reversed, advisor_id, &options()).unwrap());
        for uid in uids(&a) {
            assert!(uid.contains(advisor_id), "{uid}");
            assert!(advisor_uids.insert(uid.clone()), "duplicate UID {uid}");
        }
    }
    assert_eq!(advisor_uids.len(), plan.sessions.len());
    assert!(advisor_uids.contains("adv-aino/sello/20261214T100000@rotation.neuvo"), "{advisor_uids:?}");
    for venue_id in ["sello", "iso-omena", "entresse"] {
        let a = ics_for_venue(&plan, venue_id, &options()).unwrap();
        assert_eq!(a, ics_for_venue(&plan, venue_id, &options()).unwrap());
        assert_eq!(a, ics_for_venue(&reversed, venue_id, &options()).unwrap());
    }

    // Two advisors holding the same kind of session at the same venue and time: still one UID each, and the
    // venue's UIDs do not depend on who holds which.
    let mut plan = espoo_rotation();
    plan.sessions.push(session(d(2026, 12, 14), "10:00", "14:00", "sello", "debt", "adv-sara"));
    let venue_uids = uids(&ics_for_venue(&plan, "sello", &options()).unwrap());
    assert_eq!(venue_uids.len(), venue_uids.iter().collect::<HashSet<_>>().len(), "{venue_uids:?}");
    assert!(venue_uids.contains(&"sello/20261214T100000/debt/1@venue.rotation.neuvo".to_owned()));
    assert!(venue_uids.contains(&"sello/20261214T100000/debt/2@venue.rotation.neuvo".to_owned()));
    let mut swapped = plan.clone();
    let n = swapped.sessions.len();
    swapped.sessions.swap(1, n - 1);
    assert_eq!(
        ics_for_venue(&plan, "sello", &options()).unwrap(),
        ics_for_venue(&swapped, "sello", &options()).unwrap()
    );
}

#[test]
fn long_names_are_folded_and_escaped() {
    let plan = espoo_rotation();
    for text in [
        ics_for_venue(&plan, "iso-omena", &options()).unwrap(),
        ics_for_advisor(&plan, "adv-aino", &options()).unwrap(),
    ] {
        check_lines(&text);
        assert!(text.contains("\r\n "), "expected folded lines");
        // No character was split by a fold.
        for physical in text.as_bytes().split(|b| *b == b'\n') {
            assert!(std::str::from_utf8(physical).is_ok(), "a character was split by a fold");
        }
        let unfolded = unfold(&text);
        assert!(unfolded.contains(
            r"LOCATION:Iso Omenan kirjasto\; Piispansilta 11\, 2. krs\, by the ääni- ja kuvatallenteet shelves 📚"
        ));
        let cal = read_calendar(&unfolded).unwrap();
        let omena: Vec<_> = events(&cal).into_iter().filter(|e| prop(e, "LOCATION") == ISO_OMENA).collect();
        assert!(!omena.is_empty());
        for e in omena {
            assert!(prop(e, "SUMMARY").ends_with(ISO_OMENA));
            assert!(prop(e, "DESCRIPTION").contains(&format!("Venue: {ISO_OMENA}")));
        }
    }
    // The calendar's name has the title and the venue; a title with a comma and semicolon is escaped too.
    let mut plan = espoo_rotation();
    plan.title = "Espoo, weeks 51–52; pop-ups".to_owned();
    let text = ics_for_venue(&plan, "sello", &options()).unwrap();
    assert!(unfold(&text).contains(r"X-WR-CALNAME:neuvo: Espoo\, weeks 51–52\; pop-ups — Sello library"));
    let unfolded = unfold(&text);
    let cal = read_calendar(&unfolded).unwrap();
    assert_eq!(
        cal.properties.iter().find(|p| p.name == "X-WR-CALNAME").unwrap().val.as_str(),
        "neuvo: Espoo, weeks 51–52; pop-ups — Sello library"
    );
}

// ---------------------------------------------------------------------------------------------------------------
// CSV

#[test]
fn the_csv_has_one_row_per_session_in_order() {
    let plan = espoo_rotation();
    let text = week_csv(&plan, &options()).unwrap();
    assert_eq!(text.matches("\r\n").count(), plan.sessions.len() + 1);
    let mut reader = csv::ReaderBuilder::new().has_headers(true).from_reader(text.as_bytes());
    let header: Vec<String> = reader.headers().unwrap().iter().map(str::to_owned).collect();
    assert_eq!(
        header,
        [
            "date",
            "weekday",
            "start",
            "end",
            "venue_id",
            "venue_name",
            "kind",
            "advisor_id",
            "languages",
            "lon",
            "lat"
        ]
    );
    let rows = reader.records().collect::<Result<Vec<_>, _>>().unwrap();
    let expected = in_order(&plan);
    assert_eq!(rows.len(), expected.len());
    for (row, s) in rows.iter().zip(&expected) {
        assert_eq!(&row[0], s.date.to_string());
        assert_eq!(&row[1], s.date.weekday().to_string());
        assert_eq!(&row[2], s.start.format("%H:%M").to_string());
        assert_eq!(&row[3], s.end.format("%H:%M").to_string());
        assert_eq!(&row[4], s.venue_id);
        assert_eq!(&row[5], s.venue_name);
        assert_eq!(&row[6], s.kind);
        assert_eq!(&row[7], s.advisor_id);
        assert_eq!(&row[8], s.languages.join(";"));
        assert!((row[9].parse::<f64>().unwrap() - s.location.lon()).abs() < 5e-7);
        assert!((row[10].parse::<f64>().unwrap() - s.location.lat()).abs() < 5e-7);
    }
    // Sorted by date, then start, then venue.
    let keys: Vec<(String, String, String)> =
        rows.iter().map(|r| (r[0].to_owned(), r[2].to_owned(), r[4].to_owned())).collect();
    assert!(keys.is_sorted(), "{keys:?}");
    assert_eq!(&rows[0][1], "Mon");
    // The venue with commas is quoted and reads back whole; no advisor name is in the sheet.
    assert!(text.contains(&format!("\"{ISO_OMENA}\"")));
    for name in ADVISOR_NAMES {
        assert!(!text.contains(name));
    }
    assert_eq!(text, week_csv(&plan, &options()).unwrap());
    let mut reversed = plan.clone();
    reversed.sessions.reverse();
    assert_eq!(text, week_csv(&reversed, &options()).unwrap());
}

#[test]
fn csv_quotes_and_defuses_formulas() {
    let mut plan = espoo_rotation();
    for s in plan.sessions.iter_mut().filter(|s| s.venue_id == "entresse") {
        s.venue_name = "=HYPERLINK(\"http://example.invalid\"), \"Entresse\"".to_owned();
    }
    let text = week_csv(&plan, &options()).unwrap();
    let mut reader = csv::Reader::from_reader(text.as_bytes());
    let rows = reader.records().collect::<Result<Vec<_>, _>>().unwrap();
    let entresse: Vec<_> = rows.iter().filter(|r| &r[4] == "entresse").collect();
    assert_eq!(entresse.len(), 2);
    for r in entresse {
        assert_eq!(&r[5], "'=HYPERLINK(\"http://example.invalid\"), \"Entresse\"");
    }
}

// ---------------------------------------------------------------------------------------------------------------
// HTML

/// A cell as read back: its class and its lines.
type Cell = (Option<String>, Vec<String>);

/// One week's table as read back: its heading, its column headings and, per row, the venue and the lines of
/// each of the seven cells (with the cell's class).
#[derive(Debug)]
struct WeekTable {
    heading: String,
    columns: Vec<String>,
    rows: Vec<(String, Vec<Cell>)>,
}

/// Reads the page as XML: the title, the h1, the `p.sub` text and the weeks.
fn read_html(html: &str) -> (String, String, String, Vec<WeekTable>) {
    let (mut title, mut h1, mut sub) = (String::new(), String::new(), String::new());
    let mut weeks: Vec<WeekTable> = Vec::new();
    let mut path: Vec<String> = Vec::new();
    let mut text = String::new();
    for event in EventReader::new(html.as_bytes()) {
        match event.unwrap_or_else(|e| panic!("not well-formed: {e}")) {
            XmlEvent::StartElement { name, attributes, .. } => {
                let tag = name.local_name;
                match tag.as_str() {
                    "table" => assert!(!weeks.is_empty(), "a table outside a week section"),
                    "section" => {
                        weeks.push(WeekTable { heading: String::new(), columns: vec![], rows: vec![] });
                    }
                    "tr" if path.iter().any(|x| x == "tbody") => {
                        weeks.last_mut().unwrap().rows.push((String::new(), vec![]));
                    }
                    "td" => {
                        let class =
                            attributes.iter().find(|a| a.name.local_name == "class").map(|a| a.value.clone());
                        weeks.last_mut().unwrap().rows.last_mut().unwrap().1.push((class, vec![]));
                    }
                    _ => {}
                }
                path.push(tag);
                text.clear();
            }
            XmlEvent::Characters(s) | XmlEvent::Whitespace(s) => text.push_str(&s),
            XmlEvent::EndElement { name } => {
                let tag = name.local_name;
                let inside = |t: &str| path.iter().any(|x| x == t);
                match tag.as_str() {
                    "title" => title = text.clone(),
                    "h1" => h1 = text.clone(),
                    "p" => sub = text.clone(),
                    "h2" => weeks.last_mut().unwrap().heading = text.clone(),
                    "th" if inside("thead") => weeks.last_mut().unwrap().columns.push(text.clone()),
                    "th" if inside("tbody") => {
                        weeks.last_mut().unwrap().rows.last_mut().unwrap().0 = text.clone();
                    }
                    "div" if inside("td") => {
                        let row = weeks.last_mut().unwrap().rows.last_mut().unwrap();
                        row.1.last_mut().unwrap().1.push(text.clone());
                    }
                    _ => {}
                }
                path.pop();
                text.clear();
            }
            _ => {}
        }
    }
    (title, h1, sub, weeks)
}

fn poster_line(s: &WeekSession) -> String {
    format!("{}–{} {} ({})", s.start.format("%H:%M"), s.end.format("%H:%M"), s.kind, s.languages.join(", "))
}

#[test]
fn the_poster_has_a_table_per_iso_week_with_venues_as_rows_and_weekdays_as_columns() {
    let plan = espoo_rotation();
    let html = week_html(&plan, &options()).unwrap();
    assert!(html.starts_with("<!DOCTYPE html>"));
    for forbidden in ["<script", "src=", "href=", "url(", "@import", "http://", "https://", "<link", "<img"] {
        assert!(!html.contains(forbidden), "{forbidden} in the page");
    }
    assert!(html.contains("@media print"));
    // Public: no advisor named, by name or id.
    for needle in ADVISOR_IDS.iter().chain(&ADVISOR_NAMES) {
        assert!(!html.contains(needle), "{needle} on the poster");
    }
    let (title, h1, sub, weeks) = read_html(&html);
    assert_eq!(title, plan.title);
    assert_eq!(h1, plan.title);
    assert!(sub.contains("14.12.2026 – 27.12.2026"), "{sub}");
    assert_eq!(html.matches("<table").count(), 2);
    assert_eq!(weeks.len(), 2);
    assert_eq!(weeks[0].heading, "Week 51, 2026 (14.12.2026 – 20.12.2026)");
    assert_eq!(weeks[1].heading, "Week 52, 2026 (21.12.2026 – 27.12.2026)");
    assert_eq!(
        weeks[0].columns,
        ["Venue", "Mo 14.12.", "Tu 15.12.", "We 16.12.", "Th 17.12.", "Fr 18.12.", "Sa 19.12.", "Su 20.12."]
    );

    // Every venue of the plan is a row in every week, by name.
    let mut names: Vec<&str> = vec!["Entressen kirjasto", ISO_OMENA, "Sello library"];
    names.sort();
    for week in &weeks {
        let rows: Vec<&str> = week.rows.iter().map(|(v, _)| v.as_str()).collect();
        assert_eq!(rows, names);
        for (_, cells) in &week.rows {
            assert_eq!(cells.len(), 7);
        }
    }

    // The expected grid, built from the sessions: (week index, venue name, weekday) → lines.
    let mut expected: BTreeMap<(usize, String, usize), Vec<String>> = BTreeMap::new();
    for s in in_order(&plan) {
        let week = usize::from(s.date.iso_week().week() == 52);
        let weekday = s.date.weekday().num_days_from_monday() as usize;
        expected.entry((week, s.venue_name.clone(), weekday)).or_default().push(poster_line(s));
    }
    let mut seen = 0;
    for (w, week) in weeks.iter().enumerate() {
        for (venue_name, cells) in &week.rows {
            for (k, (class, lines)) in cells.iter().enumerate() {
                assert_eq!(class, &None, "no day of this rotation is outside it");
                let want = expected.get(&(w, venue_name.clone(), k)).cloned().unwrap_or_default();
                assert_eq!(lines, &want, "week {w}, {venue_name}, column {k}");
                seen += lines.len();
            }
        }
    }
    assert_eq!(seen, plan.sessions.len());
    // Spot checks against the fixture.
    let sello = weeks[0].rows.iter().find(|(v, _)| v == "Sello library").unwrap();
    assert_eq!(sello.1[0].1, ["10:00–14:00 debt (fi, sv)"]);
    assert_eq!(sello.1[2].1, ["13:00–16:00 social (fi, en)"]);
    assert!(sello.1[1].1.is_empty() && sello.1[6].1.is_empty());
    let sello2 = weeks[1].rows.iter().find(|(v, _)| v == "Sello library").unwrap();
    assert_eq!(sello2.1[0].1, ["10:00–14:00 debt (fi, sv)", "10:00–14:00 general (fi, en)"]);
    // An empty cell shows nothing at all.
    assert!(html.contains("<td></td>"));

    assert_eq!(html, week_html(&plan, &options()).unwrap());
    let mut reversed = plan;
    reversed.sessions.reverse();
    assert_eq!(html, week_html(&reversed, &options()).unwrap());
}

#[test]
fn poster_weeks_across_the_new_year_and_partial_weeks() {
    // Wednesday 30 December 2026 to Thursday 7 January 2027: ISO weeks 53 of 2026 and 1 of 2027.
    let plan = WeekPlan {
        title: "Espoo pop-ups over the new year".to_owned(),
        first_date: d(2026, 12, 30),
        last_date: d(2027, 1, 7),
        sessions: vec![
            session(d(2026, 12, 30), "10:00", "12:00", "sello", "general", "adv-mikko"),
            session(d(2027, 1, 7), "12:00", "15:00", "sello", "debt", "adv-aino"),
        ],
    };
    let html = week_html(&plan, &options()).unwrap();
    let (_, _, _, weeks) = read_html(&html);
    let headings: Vec<&str> = weeks.iter().map(|w| w.heading.as_str()).collect();
    assert_eq!(headings, ["Week 53, 2026 (28.12.2026 – 3.1.2027)", "Week 1, 2027 (4.1.2027 – 10.1.2027)"]);
    let classes = |w: &WeekTable| w.rows[0].1.iter().map(|(c, _)| c.clone()).collect::<Vec<_>>();
    let off = Some("off".to_owned());
    assert_eq!(classes(&weeks[0]), [off.clone(), off.clone(), None, None, None, None, None]);
    assert_eq!(classes(&weeks[1]), [None, None, None, None, off.clone(), off.clone(), off]);
    assert_eq!(weeks[0].rows[0].1[2].1, ["10:00–12:00 general (fi, en)"]);
    assert_eq!(weeks[1].rows[0].1[3].1, ["12:00–15:00 debt (fi, sv)"]);
    // Outside days show nothing either.
    assert!(weeks.iter().flat_map(|w| &w.rows[0].1).filter(|(c, _)| c.is_some()).all(|(_, l)| l.is_empty()));
}

#[test]
fn poster_text_is_escaped() {
    let mut plan = espoo_rotation();
    plan.title = "<script>alert('x')</script> & weeks".to_owned();
    for s in plan.sessions.iter_mut().filter(|s| s.venue_id == "entresse") {
        s.venue_name = "<b>Entresse</b> & \"friends\"".to_owned();
        s.kind = "debt<i>".to_owned();
    }
    let html = week_html(&plan, &options()).unwrap();
    assert!(!html.contains("<script") && !html.contains("<b>") && !html.contains("<i>"));
    let (title, _, _, weeks) = read_html(&html);
    assert_eq!(title, plan.title);
    let row = weeks[0].rows.iter().find(|(v, _)| v == "<b>Entresse</b> & \"friends\"").unwrap();
    assert_eq!(row.1[1].1, ["12:00–16:00 debt<i> (sv, en)"]);
}

// ---------------------------------------------------------------------------------------------------------------
// Errors

/// The error of every export, which must be the same.
fn error_of(plan: &WeekPlan) -> ExportError {
    let o = options();
    let errors = [
        ics_for_advisor(plan, "adv-aino", &o).unwrap_err(),
        ics_for_venue(plan, "sello", &o).unwrap_err(),
        week_csv(plan, &o).unwrap_err(),
        week_html(plan, &o).unwrap_err(),
    ];
    for e in &errors[1..] {
        assert_eq!(e, &errors[0]);
    }
    errors[0].clone()
}

#[test]
fn a_session_must_end_after_it_starts() {
    let mut plan = espoo_rotation();
    plan.sessions[3].end = plan.sessions[3].start;
    let e = error_of(&plan);
    assert_eq!(
        e,
        ExportError::SessionEndNotAfterStart {
            session: 4,
            date: d(2026, 12, 15),
            start: t("12:00"),
            end: t("12:00")
        }
    );
    assert_eq!(e.to_string(), "session 4 on 2026-12-15: the end 12:00:00 is not after the start 12:00:00");
    plan.sessions[3].end = t("11:00");
    assert!(matches!(error_of(&plan), ExportError::SessionEndNotAfterStart { session: 4, .. }));
}

#[test]
fn a_session_must_lie_within_the_rotation() {
    let mut plan = espoo_rotation();
    plan.sessions[2].date = d(2026, 12, 13);
    let e = error_of(&plan);
    assert_eq!(
        e,
        ExportError::SessionOffDates {
            session: 3,
            date: d(2026, 12, 13),
            first_date: d(2026, 12, 14),
            last_date: d(2026, 12, 27)
        }
    );
    assert!(e.to_string().contains("outside the rotation's dates 2026-12-14 to 2026-12-27"), "{e}");
    let mut plan = espoo_rotation();
    plan.sessions[0].date = d(2026, 12, 28);
    assert!(matches!(error_of(&plan), ExportError::SessionOffDates { session: 1, .. }));
    // The last date itself is inside.
    let mut plan = espoo_rotation();
    plan.sessions[0].date = d(2026, 12, 27);
    assert!(week_csv(&plan, &options()).is_ok());

    let mut plan = espoo_rotation();
    std::mem::swap(&mut plan.first_date, &mut plan.last_date);
    assert_eq!(
        error_of(&plan),
        ExportError::RotationDates { first_date: d(2026, 12, 27), last_date: d(2026, 12, 14) }
    );
}

#[test]
fn inconsistent_plans_are_refused() {
    let mut plan = espoo_rotation();
    plan.sessions[4].advisor_id = " ".to_owned();
    assert_eq!(error_of(&plan), ExportError::SessionEmptyField { session: 5, field: "advisor_id" });
    let mut plan = espoo_rotation();
    plan.sessions[4].kind = String::new();
    assert_eq!(error_of(&plan), ExportError::SessionEmptyField { session: 5, field: "kind" });

    // One venue id, two names.
    let mut plan = espoo_rotation();
    plan.sessions[6].venue_name = "Sello".to_owned();
    assert_eq!(
        error_of(&plan),
        ExportError::VenueMismatch { session: 7, venue_id: "sello".to_owned(), first: 1 }
    );

    // Aino at Sello 10:00–14:00 and at Iso Omena 13:00–15:00 on the same Monday.
    let mut plan = espoo_rotation();
    plan.sessions.push(session(d(2026, 12, 14), "13:00", "15:00", "iso-omena", "debt", "adv-aino"));
    assert_eq!(
        error_of(&plan),
        ExportError::AdvisorOverlap {
            advisor_id: "adv-aino".to_owned(),
            session: 11,
            other: 2,
            date: d(2026, 12, 14)
        }
    );
    // Back to back is fine.
    let mut plan = espoo_rotation();
    plan.sessions.push(session(d(2026, 12, 14), "14:00", "15:00", "iso-omena", "debt", "adv-aino"));
    assert!(week_csv(&plan, &options()).is_ok());
}

#[test]
fn public_exports_refuse_text_that_names_an_advisor() {
    let mut plan = espoo_rotation();
    plan.title = "Espoo pop-ups with Aino Äijälä".to_owned();
    let o = options();
    let expected = ExportError::AdvisorInPublicText { field: "the title".to_owned() };
    assert_eq!(ics_for_venue(&plan, "sello", &o), Err(expected.clone()));
    assert_eq!(week_html(&plan, &o), Err(expected));
    // The advisor's own calendar and the staff CSV may carry it.
    assert!(ics_for_advisor(&plan, "adv-aino", &o).is_ok());
    assert!(week_csv(&plan, &o).is_ok());

    let mut plan = espoo_rotation();
    for s in plan.sessions.iter_mut().filter(|s| s.venue_id == "entresse") {
        s.venue_name = "Entresse (ask adv-sara)".to_owned();
    }
    assert_eq!(
        week_html(&plan, &o),
        Err(ExportError::AdvisorInPublicText { field: "session 4's venue_name".to_owned() })
    );
    assert!(ics_for_venue(&plan, "entresse", &o).is_err());
    // Other venues' calendars do not carry that name and are fine.
    assert!(ics_for_venue(&plan, "sello", &o).is_ok());
    // A word merely containing a name is not a name: "Ainola" is not "Aino".
    let mut plan = espoo_rotation();
    plan.sessions[0].advisor_name = Some("Aino".to_owned());
    plan.title = "Ainola pop-ups".to_owned();
    assert!(week_html(&plan, &o).is_ok());
}
