//! A rotation of pop-up advice sessions over one or more weeks: each advisor's calendar, each venue's public
//! timetable, a CSV of every session and a printable weekly poster.
//!
//! Sessions are numbered by their 1-based position in [`WeekPlan::sessions`] (in error messages). Every function
//! first checks the whole plan (see [`ExportError`]): the first date not after the last, dates in 1900–9998,
//! every session within the rotation's dates with its end after its start, ids and kind not empty, coordinates
//! in range, one name and location per venue id, and no advisor in two sessions at once.

use std::collections::{BTreeMap, HashMap};
use std::fmt::Write as _;

use chrono::{Datelike, Days, NaiveDate, NaiveTime};
use neuvo_model::LonLat;
use serde::{Deserialize, Serialize};

use crate::day::ExportOptions;
use crate::error::ExportError;
use crate::helsinki::{HELSINKI_TZID, VTIMEZONE_LINES};
use crate::ical::{escape_text, fold};
use crate::run_sheet::{quote, text_cell};
use crate::text::{deg6, escape_xml as esc};

/// The product identifier of the rotation calendars.
const PRODID: &str = "-//neuvo//Pop-up rotation//EN";

/// The header of [`week_csv`].
const CSV_HEADER: &str = "date,weekday,start,end,venue_id,venue_name,kind,advisor_id,languages,lon,lat";

/// Weekday abbreviations of the poster's columns, Monday first.
const WEEKDAYS: [&str; 7] = ["Mo", "Tu", "We", "Th", "Fr", "Sa", "Su"];

/// Advisor names and ids shorter than this are not searched for in public text (they would match words).
const MIN_STAFF_CHARS: usize = 3;

/// One pop-up session of a rotation. Times are local wall-clock times in Europe/Helsinki, on `date`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct WeekSession {
    /// The day of the session, within the rotation's dates.
    pub date: NaiveDate,
    /// When it starts (Helsinki local time).
    pub start: NaiveTime,
    /// When it ends (Helsinki local time, after `start` on the same day).
    pub end: NaiveTime,
    /// The venue's stable id (part of the calendar UIDs).
    pub venue_id: String,
    /// The venue's name as the public sees it, e.g. `Sello library`; the same for every session at the venue.
    pub venue_name: String,
    /// Where the venue is; the same for every session at the venue.
    pub location: LonLat,
    /// The kind of session: `general`, `debt`, `social`, `career`, …
    pub kind: String,
    /// The advisor's stable id (part of the advisor's calendar UIDs; never in a public export).
    pub advisor_id: String,
    /// The advisor's display name (only in the advisor's own calendar).
    #[serde(default)]
    pub advisor_name: Option<String>,
    /// The languages the advisor serves in (`fi`, `sv`, `en`), shown in every export.
    #[serde(default)]
    pub languages: Vec<String>,
}

/// A rotation as exported: a title, its dates and its sessions (in any order).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct WeekPlan {
    /// The rotation's title, e.g. `Espoo mobile advice, weeks 50–51`. Public: it heads the poster and every
    /// calendar's name.
    pub title: String,
    /// The first day of the rotation.
    pub first_date: NaiveDate,
    /// The last day of the rotation (inclusive).
    pub last_date: NaiveDate,
    /// The sessions.
    pub sessions: Vec<WeekSession>,
}

/// One advisor's sessions as an iCalendar file: one `VEVENT` per session of `advisor_id`, no one else's.
///
/// The calendar (`VERSION:2.0`, `PRODID`, `CALSCALE:GREGORIAN`, `METHOD:PUBLISH`, `X-WR-CALNAME` with the title
/// and the advisor, one `VTIMEZONE` for Europe/Helsinki) holds the events in order of date, start and venue, each
/// with
/// - `UID` `<advisor id>/<venue id>/<yyyymmdd>T<hhmmss>@rotation.neuvo` (ids with `%` and `/` percent-encoded),
///   stable across exports of the same plan and distinct from the day plans' and the venues' UIDs;
/// - `DTSTAMP` ([`ExportOptions::generated_at_utc`]), `DTSTART` and `DTEND` with `TZID=Europe/Helsinki`;
/// - `SUMMARY` `Debt advice pop-up — Sello library`, `LOCATION` the venue's name, `GEO` (`lat;lon`),
///   `CATEGORIES` `SESSION` and the kind;
/// - `DESCRIPTION`: the kind, the languages, the venue, the time, the advisor and the rotation's title.
///
/// An advisor without sessions gets a calendar without events. Text is escaped and lines folded as in
/// [`ics`](crate::ics). Of `options` only the generation time is used (a rotation has no clients).
pub fn ics_for_advisor(
    plan: &WeekPlan,
    advisor_id: &str,
    options: &ExportOptions,
) -> Result<String, ExportError> {
    validate_plan(plan)?;
    let sessions: Vec<&WeekSession> =
        sorted(plan).into_iter().map(|(_, s)| s).filter(|s| s.advisor_id == advisor_id).collect();
    let advisor = advisor_text(advisor_id, &sessions);
    let events = sessions
        .iter()
        .map(|s| {
            let uid = format!(
                "{}/{}/{}@rotation.neuvo",
                encode(&s.advisor_id),
                encode(&s.venue_id),
                local_text(s.date, s.start)
            );
            let mut description = public_description(plan, s);
            description.insert(4, format!("Advisor: {advisor}"));
            (uid, *s, description.join("\n"))
        })
        .collect::<Vec<_>>();
    Ok(calendar(&format!("neuvo: {} — {advisor}", plan.title), &events, options))
}

/// A venue's public timetable as an iCalendar file: one `VEVENT` per session at `venue_id`, without advisors.
///
/// The calendar and its events are as in [`ics_for_advisor`], except that no advisor id or name appears
/// anywhere (staff are not named in public): the `DESCRIPTION` has the kind, the languages, the venue, the time
/// and the rotation's title, and the `UID` is `<venue id>/<yyyymmdd>T<hhmmss>/<kind>/<n>@venue.rotation.neuvo`,
/// where `n` numbers sessions of the same venue, date, start and kind (1 unless two advisors hold the same
/// session). As a safety net the export is refused ([`ExportError::AdvisorInPublicText`]) when the title or a
/// session's venue name, kind or languages contains an advisor's name or id (as a whole word, ignoring case).
/// A venue without sessions gets a calendar without events.
pub fn ics_for_venue(
    plan: &WeekPlan,
    venue_id: &str,
    options: &ExportOptions,
) -> Result<String, ExportError> {
    validate_plan(plan)?;
    let sessions: Vec<(usize, &WeekSession)> =
        sorted(plan).into_iter().filter(|(_, s)| s.venue_id == venue_id).collect();
    check_public_text(plan, &sessions)?;
    let venue_name = sessions.first().map_or(venue_id, |(_, s)| s.venue_name.as_str());
    let mut seen: HashMap<(NaiveDate, NaiveTime, &str), usize> = HashMap::new();
    let events = sessions
        .iter()
        .map(|&(_, s)| {
            let n = seen.entry((s.date, s.start, s.kind.as_str())).or_insert(0);
            *n += 1;
            let uid = format!(
                "{}/{}/{}/{n}@venue.rotation.neuvo",
                encode(&s.venue_id),
                local_text(s.date, s.start),
                encode(&s.kind)
            );
            (uid, s, public_description(plan, s).join("\n"))
        })
        .collect::<Vec<_>>();
    Ok(calendar(&format!("neuvo: {} — {venue_name}", plan.title), &events, options))
}

/// Every session of the rotation as CSV (RFC 4180: CRLF line ends, fields with `"`, `,`, CR or LF quoted, quotes
/// doubled), one row per session in order of date, start and venue id.
///
/// Columns: `date,weekday,start,end,venue_id,venue_name,kind,advisor_id,languages,lon,lat`. `date` is ISO
/// (`2026-12-14`), `weekday` English (`Mon`), `start` and `end` `HH:MM`, `languages` joined by `;`, `lon` and
/// `lat` with 6 decimals. For staff: advisors appear by id (never by name). Text cells that a spreadsheet would
/// run as a formula get a leading `'`, as in [`csv_run_sheet`](crate::csv_run_sheet). `options` is not used
/// (kept for a uniform signature).
pub fn week_csv(plan: &WeekPlan, options: &ExportOptions) -> Result<String, ExportError> {
    let _ = options;
    validate_plan(plan)?;
    let mut out = String::with_capacity(CSV_HEADER.len() + 2 + 120 * plan.sessions.len());
    out.push_str(CSV_HEADER);
    out.push_str("\r\n");
    for (_, s) in sorted(plan) {
        let cells = [
            s.date.format("%Y-%m-%d").to_string(),
            s.date.format("%a").to_string(),
            hhmm(s.start),
            hhmm(s.end),
            text_cell(&s.venue_id),
            text_cell(&s.venue_name),
            text_cell(&s.kind),
            text_cell(&s.advisor_id),
            text_cell(&s.languages.join(";")),
            deg6(s.location.lon()),
            deg6(s.location.lat()),
        ];
        for (k, cell) in cells.iter().enumerate() {
            if k > 0 {
                out.push(',');
            }
            out.push_str(&quote(cell));
        }
        out.push_str("\r\n");
    }
    Ok(out)
}

/// Inline style of the poster: screen and print (A4 landscape, a page per week), no external resources.
const STYLE: &str = "\
body { font-family: system-ui, -apple-system, 'Segoe UI', Roboto, Arial, sans-serif; margin: 2em; color: #111; }
h1 { font-size: 1.5em; margin: 0 0 0.2em 0; }
h2 { font-size: 1.2em; margin: 1.2em 0 0.4em 0; }
p.sub { margin: 0 0 1em 0; color: #444; }
table { border-collapse: collapse; width: 100%; table-layout: fixed; font-size: 0.95em; }
th, td { border: 1px solid #999; padding: 0.3em 0.4em; text-align: left; vertical-align: top; }
thead th { background: #eee; }
tbody th { width: 16%; }
td.off { background: repeating-linear-gradient(45deg, #fff, #fff 4px, #f0f0f0 4px, #f0f0f0 8px); }
div.session { margin: 0 0 0.3em 0; }
footer { margin-top: 1em; font-size: 0.8em; color: #555; }
@media print {
  @page { size: A4 landscape; margin: 10mm; }
  body { margin: 0; font-size: 10pt; }
  thead th { background: #ddd; -webkit-print-color-adjust: exact; print-color-adjust: exact; }
  section.week { break-inside: avoid; page-break-inside: avoid; }
  section.week + section.week { break-before: page; page-break-before: always; }
  tr { break-inside: avoid; page-break-inside: avoid; }
  thead { display: table-header-group; }
}
";

/// The rotation as one self-contained printable HTML page, the public poster: no scripts, no external resources,
/// inline CSS with print rules (A4 landscape, one week a page).
///
/// The page has the title and the date range, then for each ISO week that the rotation's dates touch a table
/// with the venues as rows (every venue of the plan, by name, in every week) and the weekdays Mo–Su as columns
/// (headed with their dates). A cell lists the venue's sessions of that day in order of start, one a line, as
/// `10:00–14:00 debt (fi, sv)`; a cell without sessions is empty, and a day outside the rotation is shaded.
/// Advisors never appear (by name or id); the export is refused as [`ics_for_venue`] is when the caller's text
/// holds one. Every text is HTML-escaped; the markup is also well-formed XML. `options` is not used.
pub fn week_html(plan: &WeekPlan, options: &ExportOptions) -> Result<String, ExportError> {
    let _ = options;
    validate_plan(plan)?;
    let all = sorted(plan);
    check_public_text(plan, &all)?;
    // Venues by name (then id); one name per id is checked.
    let venues: BTreeMap<(&str, &str), ()> =
        all.iter().map(|(_, s)| ((s.venue_name.as_str(), s.venue_id.as_str()), ())).collect();
    let mut cells: HashMap<(&str, NaiveDate), Vec<&WeekSession>> = HashMap::new();
    for (_, s) in &all {
        cells.entry((s.venue_id.as_str(), s.date)).or_default().push(s);
    }
    let range = format!("{} – {}", fi_date(plan.first_date), fi_date(plan.last_date));

    let mut out = String::with_capacity(4096 + 200 * plan.sessions.len());
    out.push_str("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\"/>\n");
    out.push_str("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"/>\n");
    let _ = writeln!(out, "<title>{}</title>", esc(&plan.title));
    let _ = writeln!(out, "<style>\n{STYLE}</style>\n</head>\n<body>");
    let _ = writeln!(out, "<h1>{}</h1>", esc(&plan.title));
    let _ = writeln!(
        out,
        "<p class=\"sub\">{} ({} to {}) · {} sessions at {} venues</p>",
        esc(&range),
        plan.first_date,
        plan.last_date,
        all.len(),
        venues.len()
    );
    let mut monday = plan.first_date - Days::new(u64::from(plan.first_date.weekday().num_days_from_monday()));
    while monday <= plan.last_date {
        let week = monday.iso_week();
        let days: Vec<NaiveDate> = (0..7).map(|k| monday + Days::new(k)).collect();
        let _ = writeln!(
            out,
            "<section class=\"week\">\n<h2>Week {}, {} ({} – {})</h2>",
            week.week(),
            week.year(),
            fi_date(days[0]),
            fi_date(days[6])
        );
        out.push_str("<table>\n<thead><tr><th>Venue</th>");
        for (name, d) in WEEKDAYS.iter().zip(&days) {
            let _ = write!(out, "<th>{name} {}.{}.</th>", d.day(), d.month());
        }
        out.push_str("</tr></thead>\n<tbody>\n");
        for (venue_name, venue_id) in venues.keys() {
            let _ = write!(out, "<tr><th scope=\"row\">{}</th>", esc(venue_name));
            for d in &days {
                if *d < plan.first_date || *d > plan.last_date {
                    out.push_str("<td class=\"off\"></td>");
                    continue;
                }
                out.push_str("<td>");
                for s in cells.get(&(*venue_id, *d)).into_iter().flatten() {
                    let _ = write!(out, "<div class=\"session\">{}</div>", esc(&poster_line(s)));
                }
                out.push_str("</td>");
            }
            out.push_str("</tr>\n");
        }
        out.push_str("</tbody>\n</table>\n</section>\n");
        monday = monday + Days::new(7);
    }
    out.push_str(
        "<footer>Times are local (Europe/Helsinki). Languages are those the session is held in.</footer>\n",
    );
    out.push_str("</body>\n</html>\n");
    Ok(out)
}

/// Checks the whole plan; see the module doc and [`ExportError`].
fn validate_plan(plan: &WeekPlan) -> Result<(), ExportError> {
    for d in [plan.first_date, plan.last_date] {
        if !(1900..=9998).contains(&d.year()) {
            return Err(ExportError::DateOutOfRange(d));
        }
    }
    let (first_date, last_date) = (plan.first_date, plan.last_date);
    if first_date > last_date {
        return Err(ExportError::RotationDates { first_date, last_date });
    }
    let mut venues: HashMap<&str, usize> = HashMap::new();
    for (i, s) in plan.sessions.iter().enumerate() {
        let session = i + 1;
        for (field, value) in [("advisor_id", &s.advisor_id), ("venue_id", &s.venue_id), ("kind", &s.kind)] {
            if value.trim().is_empty() {
                return Err(ExportError::SessionEmptyField { session, field });
            }
        }
        if s.date < first_date || s.date > last_date {
            return Err(ExportError::SessionOffDates { session, date: s.date, first_date, last_date });
        }
        if s.end <= s.start {
            return Err(ExportError::SessionEndNotAfterStart {
                session,
                date: s.date,
                start: s.start,
                end: s.end,
            });
        }
        LonLat::try_new(s.location.lon(), s.location.lat())
            .map_err(|source| ExportError::SessionBadPlace { session, source })?;
        let first = *venues.entry(s.venue_id.as_str()).or_insert(i);
        let f = &plan.sessions[first];
        if f.venue_name != s.venue_name || f.location != s.location {
            return Err(ExportError::VenueMismatch {
                session,
                venue_id: s.venue_id.clone(),
                first: first + 1,
            });
        }
    }
    // No advisor in two places at once: by advisor, date and start, each session against the latest end so far.
    let mut order: Vec<usize> = (0..plan.sessions.len()).collect();
    order.sort_by_key(|&i| {
        let s = &plan.sessions[i];
        (s.advisor_id.as_str(), s.date, s.start, i)
    });
    let mut latest: Option<usize> = None;
    for &i in &order {
        let s = &plan.sessions[i];
        if let Some(j) = latest {
            let p = &plan.sessions[j];
            if p.advisor_id == s.advisor_id && p.date == s.date {
                if s.start < p.end {
                    return Err(ExportError::AdvisorOverlap {
                        advisor_id: s.advisor_id.clone(),
                        session: i + 1,
                        other: j + 1,
                        date: s.date,
                    });
                }
                if s.end <= p.end {
                    continue;
                }
            }
        }
        latest = Some(i);
    }
    Ok(())
}

/// With the public text checked: no advisor's name or id (of the whole plan) as a word in the title or in the
/// venue name, kind or languages of `sessions`.
fn check_public_text(plan: &WeekPlan, sessions: &[(usize, &WeekSession)]) -> Result<(), ExportError> {
    let mut staff: Vec<String> = plan
        .sessions
        .iter()
        .flat_map(|s| [Some(s.advisor_id.as_str()), s.advisor_name.as_deref()])
        .flatten()
        .map(|t| t.trim().to_lowercase())
        .filter(|t| t.chars().count() >= MIN_STAFF_CHARS)
        .collect();
    staff.sort();
    staff.dedup();
    let leaks = |text: &str| {
        let lower = text.to_lowercase();
        staff.iter().any(|t| contains_word(&lower, t))
    };
    if leaks(&plan.title) {
        return Err(ExportError::AdvisorInPublicText { field: "the title".to_owned() });
    }
    for &(i, s) in sessions {
        let texts = [
            ("venue_name", s.venue_name.clone()),
            ("kind", s.kind.clone()),
            ("languages", s.languages.join(" ")),
        ];
        for (which, text) in texts {
            if leaks(&text) {
                return Err(ExportError::AdvisorInPublicText {
                    field: format!("session {}'s {which}", i + 1),
                });
            }
        }
    }
    Ok(())
}

/// Whether `needle` occurs in `haystack` as a whole word: no letter or digit right before or after it.
fn contains_word(haystack: &str, needle: &str) -> bool {
    haystack.match_indices(needle).any(|(at, m)| {
        let before = haystack[..at].chars().next_back();
        let after = haystack[at + m.len()..].chars().next();
        !before.is_some_and(char::is_alphanumeric) && !after.is_some_and(char::is_alphanumeric)
    })
}

/// The sessions with their 0-based positions, in order of date, start and venue id (then end, kind, advisor,
/// languages and position, so that the order never depends on anything but the plan).
fn sorted(plan: &WeekPlan) -> Vec<(usize, &WeekSession)> {
    let mut all: Vec<(usize, &WeekSession)> = plan.sessions.iter().enumerate().collect();
    all.sort_by(|(i, a), (j, b)| {
        (a.date, a.start, &a.venue_id, a.end, &a.kind, &a.advisor_id, &a.languages, i).cmp(&(
            b.date,
            b.start,
            &b.venue_id,
            b.end,
            &b.kind,
            &b.advisor_id,
            &b.languages,
            j,
        ))
    });
    all
}

/// The iCalendar file of `events` (UID, session, description), named `name`.
fn calendar(name: &str, events: &[(String, &WeekSession, String)], options: &ExportOptions) -> String {
    let mut out = String::new();
    let mut line = |l: &str| out.push_str(&fold(l));
    line("BEGIN:VCALENDAR");
    line("VERSION:2.0");
    line(&format!("PRODID:{PRODID}"));
    line("CALSCALE:GREGORIAN");
    line("METHOD:PUBLISH");
    line(&format!("X-WR-CALNAME:{}", escape_text(name)));
    line(&format!("X-WR-TIMEZONE:{HELSINKI_TZID}"));
    for l in VTIMEZONE_LINES {
        line(l);
    }
    let dtstamp = options.generated_at_utc.format("%Y%m%dT%H%M%SZ").to_string();
    for (uid, s, description) in events {
        line("BEGIN:VEVENT");
        line(&format!("UID:{}", escape_text(uid)));
        line(&format!("DTSTAMP:{dtstamp}"));
        line(&format!("DTSTART;TZID={HELSINKI_TZID}:{}", local_text(s.date, s.start)));
        line(&format!("DTEND;TZID={HELSINKI_TZID}:{}", local_text(s.date, s.end)));
        line(&format!("SUMMARY:{}", escape_text(&summary(s))));
        line(&format!("LOCATION:{}", escape_text(&s.venue_name)));
        line(&format!("DESCRIPTION:{}", escape_text(description)));
        line(&format!("GEO:{};{}", deg6(s.location.lat()), deg6(s.location.lon())));
        line(&format!("CATEGORIES:SESSION,{}", escape_text(&s.kind.trim().to_uppercase())));
        line("STATUS:CONFIRMED");
        line("END:VEVENT");
    }
    line("END:VCALENDAR");
    out
}

/// `Debt advice pop-up — Sello library`.
fn summary(s: &WeekSession) -> String {
    let kind = s.kind.trim();
    let mut chars = kind.chars();
    let capitalised =
        chars.next().map(|c| c.to_uppercase().chain(chars).collect::<String>()).unwrap_or_default();
    format!("{capitalised} advice pop-up — {}", s.venue_name)
}

/// The lines of a public `DESCRIPTION`: kind, languages, venue, time and rotation (the advisor's calendar inserts
/// the advisor at index 4, before the rotation).
fn public_description(plan: &WeekPlan, s: &WeekSession) -> Vec<String> {
    vec![
        format!("Kind: {}", s.kind.trim()),
        format!("Languages: {}", languages_text(s).unwrap_or("not given".to_owned())),
        format!("Venue: {}", s.venue_name),
        format!("Time: {}–{} (Europe/Helsinki)", hhmm(s.start), hhmm(s.end)),
        format!("Rotation: {}", plan.title),
    ]
}

/// The languages as `fi, sv`, or `None` when none is given.
fn languages_text(s: &WeekSession) -> Option<String> {
    let langs: Vec<&str> = s.languages.iter().map(|l| l.trim()).filter(|l| !l.is_empty()).collect();
    (!langs.is_empty()).then(|| langs.join(", "))
}

/// A session on the poster: `10:00–14:00 debt (fi, sv)`.
fn poster_line(s: &WeekSession) -> String {
    let mut line = format!("{}–{} {}", hhmm(s.start), hhmm(s.end), s.kind.trim());
    if let Some(langs) = languages_text(s) {
        let _ = write!(line, " ({langs})");
    }
    line
}

/// The advisor as `Aino Äijälä (A-12)` (the first name given in their sessions), or the id alone.
fn advisor_text(advisor_id: &str, sessions: &[&WeekSession]) -> String {
    let name =
        sessions.iter().find_map(|s| s.advisor_name.as_deref().map(str::trim).filter(|n| !n.is_empty()));
    match name {
        Some(name) => format!("{name} ({advisor_id})"),
        None => advisor_id.to_owned(),
    }
}

/// An id as a UID component: `%` and `/` percent-encoded, so that `/` separates components unambiguously.
fn encode(id: &str) -> String {
    id.replace('%', "%25").replace('/', "%2F")
}

/// A local DATE-TIME value: `20261214T100000`.
fn local_text(date: NaiveDate, time: NaiveTime) -> String {
    date.and_time(time).format("%Y%m%dT%H%M%S").to_string()
}

/// `HH:MM`.
fn hhmm(t: NaiveTime) -> String {
    t.format("%H:%M").to_string()
}

/// `14.12.2026`.
fn fi_date(d: NaiveDate) -> String {
    format!("{}.{}.{}", d.day(), d.month(), d.year())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn whole_words_only() {
        assert!(contains_word("ask aino about debts", "aino"));
        assert!(contains_word("aino", "aino"));
        assert!(contains_word("(a-12)", "a-12"));
        assert!(!contains_word("espoo mobile advice", "adv"));
        assert!(!contains_word("ainola library", "aino"));
        assert!(!contains_word("a-123", "a-12"));
        assert!(contains_word("ainola, aino", "aino"));
    }

    #[test]
    fn uid_components_are_unambiguous() {
        assert_eq!(encode("A/1"), "A%2F1");
        assert_eq!(encode("A%2F1"), "A%252F1");
        assert_ne!(encode("a/b"), encode("a%2Fb"));
    }
}
