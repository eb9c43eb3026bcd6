//! GPX 1.1 for navigation apps.

use std::fmt::Write as _;

use chrono::NaiveDateTime;
use neuvo_model::LonLat;

use crate::day::{AdvisorDay, DayStop, ExportOptions};
use crate::error::ExportError;
use crate::helsinki::helsinki_to_utc;
use crate::text::{client_text, day_title, deg6, escape_xml, hhmm, km, leg_into, minutes_up, span};
use crate::validate::validate;

/// The day as GPX 1.1 (`http://www.topografix.com/GPX/1/1`, `creator="neuvo"`).
///
/// - `metadata`: `name` (advisor and date), `desc`, `time` (the export time, UTC) and `bounds` of every point.
/// - one `wpt` per stop, children in the schema's order: `time` (the stop's start, converted from Helsinki time
///   to UTC, `…Z`), `name` (the label), `cmt` (the note, when given), `desc` (times, travel, client), `type`
///   (`start`, `visit`, …);
/// - one `rte` with an `rtept` per stop (`time`, `name`);
/// - one `trk` with a `trkseg` per leg: the leg's geometry, or the two stops when it has none.
///
/// All text is XML-escaped. Home visits are waypoints at the client's home whatever the options (see the crate's
/// privacy rule); names, addresses and phones appear in `desc` only with `reveal_client_details`.
pub fn gpx(day: &AdvisorDay, options: &ExportOptions) -> Result<String, ExportError> {
    validate(day, options)?;
    let reveal = options.reveal_client_details;
    let title = format!("Day plan {}", day_title(day));
    let mut out = String::with_capacity(2048 + 400 * day.stops.len());
    out.push_str("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    out.push_str(
        "<gpx version=\"1.1\" creator=\"neuvo\" xmlns=\"http://www.topografix.com/GPX/1/1\" \
         xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\" \
         xsi:schemaLocation=\"http://www.topografix.com/GPX/1/1 http://www.topografix.com/GPX/1/1/gpx.xsd\">\n",
    );
    // metadata: name, desc, author, copyright, link, time, keywords, bounds, extensions.
    out.push_str("  <metadata>\n");
    element(&mut out, 4, "name", &title);
    let desc = format!("{} stops, travel by {}", day.stops.len(), day.mode);
    element(&mut out, 4, "desc", &desc);
    element(&mut out, 4, "time", &utc_text(options.generated_at_utc));
    if let Some([minlat, minlon, maxlat, maxlon]) = bounds(day) {
        let _ = writeln!(
            out,
            "    <bounds minlat=\"{}\" minlon=\"{}\" maxlat=\"{}\" maxlon=\"{}\"/>",
            deg6(minlat),
            deg6(minlon),
            deg6(maxlat),
            deg6(maxlon)
        );
    }
    out.push_str("  </metadata>\n");

    // wpt children: ele, time, magvar, geoidheight, name, cmt, desc, src, link, sym, type, fix, …
    for (i, stop) in day.stops.iter().enumerate() {
        open_point(&mut out, 2, "wpt", stop.place);
        element(&mut out, 4, "time", &utc_text(helsinki_to_utc(stop.start)));
        element(&mut out, 4, "name", &stop.label);
        if let Some(note) = stop.note.as_deref().filter(|n| !n.is_empty()) {
            element(&mut out, 4, "cmt", note);
        }
        element(&mut out, 4, "desc", &stop_desc(day, i, stop, reveal));
        element(&mut out, 4, "type", stop.kind.as_str());
        out.push_str("  </wpt>\n");
    }

    if !day.stops.is_empty() {
        // rte children: name, cmt, desc, src, link, number, type, extensions, rtept.
        out.push_str("  <rte>\n");
        element(&mut out, 4, "name", &title);
        element(&mut out, 4, "type", &day.mode);
        for stop in &day.stops {
            open_point(&mut out, 4, "rtept", stop.place);
            element(&mut out, 6, "time", &utc_text(helsinki_to_utc(stop.start)));
            element(&mut out, 6, "name", &stop.label);
            out.push_str("    </rtept>\n");
        }
        out.push_str("  </rte>\n");
    }

    if !day.legs.is_empty() {
        // trk children: name, cmt, desc, src, link, number, type, extensions, trkseg.
        out.push_str("  <trk>\n");
        element(&mut out, 4, "name", &title);
        element(&mut out, 4, "type", &day.mode);
        for (i, leg) in day.legs.iter().enumerate() {
            out.push_str("    <trkseg>\n");
            let straight = [day.stops[i].place, day.stops[i + 1].place];
            let points = if leg.geometry.is_empty() { &straight[..] } else { &leg.geometry[..] };
            for p in points {
                let _ = writeln!(out, "      <trkpt lat=\"{}\" lon=\"{}\"/>", deg6(p.lat()), deg6(p.lon()));
            }
            out.push_str("    </trkseg>\n");
        }
        out.push_str("  </trk>\n");
    }
    out.push_str("</gpx>\n");
    Ok(out)
}

/// `<name>text</name>` on its own line, escaped.
fn element(out: &mut String, indent: usize, name: &str, text: &str) {
    let _ = writeln!(out, "{:indent$}<{name}>{}</{name}>", "", escape_xml(text));
}

/// `<wpt lat=".." lon="..">` (or `rtept`) on its own line.
fn open_point(out: &mut String, indent: usize, name: &str, p: LonLat) {
    let _ = writeln!(out, "{:indent$}<{name} lat=\"{}\" lon=\"{}\">", "", deg6(p.lat()), deg6(p.lon()));
}

/// xsd:dateTime in UTC: `2026-12-01T06:00:00Z`.
fn utc_text(utc: NaiveDateTime) -> String {
    utc.format("%Y-%m-%dT%H:%M:%SZ").to_string()
}

/// `08:15–09:00 (arrive 08:14); travel 12 min, 3.4 km from the previous stop; client C-7f3a`.
fn stop_desc(day: &AdvisorDay, index: usize, stop: &DayStop, reveal: bool) -> String {
    let mut desc = format!("{} (arrive {})", span(stop), hhmm(stop.arrival));
    if let Some(leg) = leg_into(day, index) {
        let _ = write!(
            desc,
            "; travel {} min, {} from the previous stop",
            minutes_up(u64::from(leg.travel_s)),
            km(u64::from(leg.distance_m))
        );
    }
    if stop.client.is_some() {
        let _ = write!(desc, "; client {}", client_text(stop, reveal));
    }
    desc
}

/// `[minlat, minlon, maxlat, maxlon]` of every stop and geometry point, or `None` for a day without stops.
fn bounds(day: &AdvisorDay) -> Option<[f64; 4]> {
    let mut points =
        day.stops.iter().map(|s| s.place).chain(day.legs.iter().flat_map(|l| l.geometry.iter().copied()));
    let first = points.next()?;
    let init = [first.lat(), first.lon(), first.lat(), first.lon()];
    Some(
        points.fold(init, |[a, b, c, d], p| [a.min(p.lat()), b.min(p.lon()), c.max(p.lat()), d.max(p.lon())]),
    )
}
