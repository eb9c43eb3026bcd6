//! Advisors' day exports: one advisor's planned day turned into the files the advisor downloads.
//!
//! An [`AdvisorDay`] (stops in order, with the travel legs between them) becomes
//!
//! | function | format | for |
//! |---|---|---|
//! | [`geojson`] | GeoJSON `FeatureCollection` (RFC 7946) | the map page |
//! | [`gpx()`] | GPX 1.1 waypoints, a route and a track | navigation apps |
//! | [`ics`], [`ics_many`] | iCalendar (RFC 5545) with one event per visit, session and break | calendars |
//! | [`csv_run_sheet`] | CSV (RFC 4180) | spreadsheets |
//! | [`html_day_sheet`] | one self-contained printable HTML page | paper |
//!
//! A rotation of pop-up advice sessions over one or more weeks ([`WeekPlan`]) becomes
//!
//! | function | format | for |
//! |---|---|---|
//! | [`ics_for_advisor`] | iCalendar with one event per session of one advisor | that advisor |
//! | [`ics_for_venue`] | iCalendar with one event per session at one venue, no advisors named | the public |
//! | [`week_csv`] | CSV (RFC 4180), one row per session, advisors by id | staff, spreadsheets |
//! | [`week_html`] | one printable HTML poster, a venues × weekdays grid per ISO week, no advisors | the public |
//!
//! Every rotation export first checks the whole plan: sessions within the rotation's dates, each ending after it
//! starts, one name and place per venue, no advisor in two sessions at once.
//!
//! Every day export first checks the day (see [`ExportError`]): one leg between each pair of consecutive stops,
//! arrival ≤ start ≤ end, stops in time order, a known travel mode, coordinates in range. Inconsistent input is an
//! error, never a file that looks right and is not.
//!
//! # Privacy
//!
//! Clients are people in their homes. By default ([`ExportOptions::reveal_client_details`] is `false`) **no
//! client name, address or phone number appears in any output**: a client is named only by its pseudonym
//! (`C-7f3a`). With `reveal_client_details = true` they appear where the advisor needs them: the iCalendar
//! `LOCATION` and `DESCRIPTION`, the HTML sheet, the CSV `client` column, the GPX `desc` and the GeoJSON
//! properties. The caller decides (the server: only for the advisor's own download, audited).
//!
//! Two things are deliberately *not* hidden, and the caller must know it:
//! - **Coordinates.** A home visit's position is in the GPX and GeoJSON files (and the iCalendar `GEO`, the CSV
//!   `lat`/`lon`), whatever the option: the advisor has to navigate there. A file with coordinates of homes is
//!   personal data even without names; treat every export as such.
//! - **Free text.** Stop labels and notes are the caller's text and are written as given. As a safety net, with
//!   `reveal_client_details = false` an export is refused ([`ExportError::ClientDetailInText`]) when any label,
//!   note or pseudonym contains a client's name, address or phone of the same day. Error messages never quote
//!   such details, only stop numbers, so they are safe to log.
//!
//! # Design
//!
//! - **Pure.** No file or network I/O, no clock, no environment: functions take values and return `String`s or a
//!   [`serde_json::Value`]. The generation time (`DTSTAMP`, GPX metadata time) is passed in
//!   ([`ExportOptions::generated_at_utc`]), so the same input always gives the same bytes and tests compare them.
//! - **Local time in, Europe/Helsinki only.** Stop times are wall-clock times in Helsinki ([`chrono::NaiveDateTime`]).
//!   The zone's rule (EET +02:00, EEST +03:00 from the last Sunday of March 03:00 to the last Sunday of October
//!   04:00, the EU rule in force since 1996) is written out here twice from the same facts: as the iCalendar
//!   `VTIMEZONE` with yearly `RRULE`s, and as [`helsinki_to_utc`] / [`utc_to_helsinki`] for GPX times and offsets.
//!   We do not depend on `chrono-tz`: it compiles the whole tz database into the binary for one zone whose rule
//!   fits in twenty lines, and the calendar needs the rule as text anyway. Local times that do not exist or occur
//!   twice are read as RFC 5545 §3.3.5 says calendar programs read them (a skipped time with the offset before the
//!   gap, a repeated time as its first occurrence), so the GPX and the calendar agree.
//! - **Hand-written writers.** Each format is small; writing it directly keeps the dependency tree to serde,
//!   serde_json, chrono and thiserror, and lets us control what the standards leave open: iCalendar lines folded
//!   at 75 octets on UTF-8 character boundaries, GPX elements in the order the 1.1 schema requires, CSV cells
//!   that spreadsheets do not run as formulas. The tests read every file back with independent parsers (the
//!   `gpx`, `icalendar`, `csv` and `xml-rs` crates).
//! - **Numbering.** `seq` is a stop's 1-based position in [`AdvisorDay::stops`]; leg `seq` *n* goes from stop *n*
//!   to stop *n + 1*. Travel minutes are whole minutes rounded up, so a short hop never shows as 0 minutes.

mod day;
mod day_sheet;
mod error;
mod geo_json;
mod gpx_xml;
mod helsinki;
mod ical;
mod run_sheet;
mod text;
mod validate;
mod week;

pub use day::{AdvisorDay, ClientInfo, DayStop, ExportOptions, Leg, StopKind};
pub use day_sheet::html_day_sheet;
pub use error::ExportError;
pub use geo_json::geojson;
pub use gpx_xml::gpx;
pub use helsinki::{HELSINKI_TZID, helsinki_to_utc, utc_to_helsinki};
pub use ical::{ics, ics_many};
pub use run_sheet::csv_run_sheet;
pub use week::{WeekPlan, WeekSession, ics_for_advisor, ics_for_venue, week_csv, week_html};
