//! GPX read back with the `gpx` crate, and its element order checked with `xml-rs` against the GPX 1.1 schema.

use chrono::{NaiveDate, NaiveDateTime, TimeDelta};
use neuvo_export::{AdvisorDay, gpx as write_gpx};
use xml::reader::{EventReader, XmlEvent};

use crate::fixture::{espoo_day, moved_to, options};

const GPX_NS: &str = "http://www.topografix.com/GPX/1/1";

/// A GPX time (the crate's ISO 8601 rendering) as a UTC `NaiveDateTime`.
fn utc_of(t: gpx::Time) -> NaiveDateTime {
    let text = t.format().unwrap();
    chrono::DateTime::parse_from_rfc3339(&text).unwrap_or_else(|e| panic!("{text}: {e}")).naive_utc()
}

/// Reads `day`'s GPX back and checks it against the day; `utc_offset_h` is Helsinki's offset on that date,
/// given by the test from the calendar, not computed by the crate.
fn check_round_trip(day: &AdvisorDay, utc_offset_h: i64) {
    let opts = options(false);
    let text = write_gpx(day, &opts).unwrap();
    let parsed =
        gpx::read(text.as_bytes()).unwrap_or_else(|e| panic!("gpx crate rejects the file: {e}\n{text}"));
    assert_eq!(parsed.version, gpx::GpxVersion::Gpx11);
    assert_eq!(parsed.creator.as_deref(), Some("neuvo"));
    let meta = parsed.metadata.as_ref().expect("metadata");
    assert_eq!(utc_of(meta.time.unwrap()), opts.generated_at_utc);
    assert!(meta.name.as_deref().unwrap().contains("A-12"));

    // One waypoint per stop: names, kinds, places and times (UTC) round-trip.
    assert_eq!(parsed.waypoints.len(), day.stops.len());
    for (w, s) in parsed.waypoints.iter().zip(&day.stops) {
        assert_eq!(w.name.as_deref(), Some(s.label.as_str()));
        assert_eq!(w.type_.as_deref(), Some(s.kind.as_str()));
        assert_eq!(w.comment.as_deref(), s.note.as_deref());
        assert!((w.point().x() - s.place.lon()).abs() < 1e-9 && (w.point().y() - s.place.lat()).abs() < 1e-9);
        assert_eq!(utc_of(w.time.unwrap()), s.start - TimeDelta::hours(utc_offset_h), "{}", s.label);
        let desc = w.description.as_deref().unwrap();
        if let Some(c) = &s.client {
            assert!(desc.contains(&c.pseudonym), "{desc}");
        }
    }
    // Times are written in UTC with a Z, not as local times the reader would have to guess.
    assert_eq!(text.matches("Z</time>").count(), 1 + 2 * day.stops.len());

    // One route through every stop.
    assert_eq!(parsed.routes.len(), 1);
    let route = &parsed.routes[0];
    assert_eq!(route.points.len(), day.stops.len());
    for (r, s) in route.points.iter().zip(&day.stops) {
        assert_eq!(r.name.as_deref(), Some(s.label.as_str()));
        assert_eq!(utc_of(r.time.unwrap()), s.start - TimeDelta::hours(utc_offset_h));
    }

    // One track, one segment per leg, with exactly the leg's geometry (or the two stops when it has none).
    assert_eq!(parsed.tracks.len(), 1);
    let track = &parsed.tracks[0];
    assert_eq!(track.type_.as_deref(), Some(day.mode.as_str()));
    assert_eq!(track.segments.len(), day.legs.len());
    for (i, (seg, leg)) in track.segments.iter().zip(&day.legs).enumerate() {
        let expected: Vec<_> = if leg.geometry.is_empty() {
            vec![day.stops[i].place, day.stops[i + 1].place]
        } else {
            leg.geometry.clone()
        };
        assert_eq!(seg.points.len(), expected.len(), "leg {}", i + 1);
        for (tp, e) in seg.points.iter().zip(&expected) {
            assert!((tp.point().x() - e.lon()).abs() < 1e-9 && (tp.point().y() - e.lat()).abs() < 1e-9);
        }
    }
    let geometry_points: usize =
        day.legs.iter().map(|l| if l.geometry.is_empty() { 2 } else { l.geometry.len() }).sum();
    assert_eq!(track.segments.iter().map(|s| s.points.len()).sum::<usize>(), geometry_points);
    assert_eq!(geometry_points, 5 + 3 + 4 + 2 + 2 + 4 + 2);

    // Bounds enclose every point.
    let b = meta.bounds.unwrap();
    for w in parsed.waypoints.iter().chain(track.segments.iter().flat_map(|s| &s.points)) {
        let (x, y) = (w.point().x(), w.point().y());
        assert!(b.min().x <= x && x <= b.max().x && b.min().y <= y && y <= b.max().y);
    }
}

#[test]
fn winter_day_round_trips_through_the_gpx_crate() {
    check_round_trip(&espoo_day(), 2);
}

#[test]
fn summer_day_times_are_three_hours_ahead_of_utc() {
    check_round_trip(&moved_to(&espoo_day(), NaiveDate::from_ymd_opt(2026, 7, 14).unwrap()), 3);
}

#[test]
fn days_of_the_clock_changes_use_the_new_offset_after_four_in_the_morning() {
    // 29 March 2026: summer time from 04:00 local; the day starts at 08:00.
    check_round_trip(&moved_to(&espoo_day(), NaiveDate::from_ymd_opt(2026, 3, 29).unwrap()), 3);
    // 25 October 2026: winter time from 04:00 local (03:00 after the change).
    check_round_trip(&moved_to(&espoo_day(), NaiveDate::from_ymd_opt(2026, 10, 25).unwrap()), 2);
    // The day before each change still has the old offset.
    check_round_trip(&moved_to(&espoo_day(), NaiveDate::from_ymd_opt(2026, 3, 28).unwrap()), 2);
    check_round_trip(&moved_to(&espoo_day(), NaiveDate::from_ymd_opt(2026, 10, 24).unwrap()), 3);
}

#[test]
fn markup_in_text_is_escaped_and_reads_back_unchanged() {
    let mut day = espoo_day();
    day.stops[3].label = "Pop-up <session> & \"talk\" at 'Sello' ]]> 📚".to_owned();
    day.stops[2].note = Some("a < b && c > d\ttab".to_owned());
    let text = write_gpx(&day, &options(false)).unwrap();
    assert!(!text.contains("<session>"));
    let parsed = gpx::read(text.as_bytes()).unwrap();
    assert_eq!(parsed.waypoints[3].name.as_deref(), Some(day.stops[3].label.as_str()));
    assert_eq!(parsed.waypoints[2].comment.as_deref(), day.stops[2].note.as_deref());
}

/// The GPX 1.1 schema's sequences (xsd:sequence of each complex type), element names only.
const GPX_SEQ: &[&str] = &["metadata", "wpt", "rte", "trk", "extensions"];
const METADATA_SEQ: &[&str] =
    &["name", "desc", "author", "copyright", "link", "time", "keywords", "bounds", "extensions"];
const WPT_SEQ: &[&str] = &[
    "ele",
    "time",
    "magvar",
    "geoidheight",
    "name",
    "cmt",
    "desc",
    "src",
    "link",
    "sym",
    "type",
    "fix",
    "sat",
    "hdop",
    "vdop",
    "pdop",
    "ageofdgpsdata",
    "dgpsid",
    "extensions",
];
const RTE_SEQ: &[&str] = &["name", "cmt", "desc", "src", "link", "number", "type", "extensions", "rtept"];
const TRK_SEQ: &[&str] = &["name", "cmt", "desc", "src", "link", "number", "type", "extensions", "trkseg"];
const TRKSEG_SEQ: &[&str] = &["trkpt", "extensions"];
/// Elements that may repeat.
const REPEATABLE: &[&str] = &["wpt", "rte", "trk", "link", "rtept", "trkseg", "trkpt"];

fn sequence_of(parent: &str) -> Option<&'static [&'static str]> {
    Some(match parent {
        "gpx" => GPX_SEQ,
        "metadata" => METADATA_SEQ,
        "wpt" | "rtept" | "trkpt" => WPT_SEQ,
        "rte" => RTE_SEQ,
        "trk" => TRK_SEQ,
        "trkseg" => TRKSEG_SEQ,
        _ => return None,
    })
}

#[test]
fn elements_follow_the_gpx_1_1_schema_order_in_the_gpx_namespace() {
    let text = write_gpx(&espoo_day(), &options(true)).unwrap();
    // (element name, index in its parent's sequence of the last child seen)
    let mut stack: Vec<(String, Option<usize>, Vec<String>)> = Vec::new();
    let mut checked_wpt = 0;
    for event in EventReader::new(text.as_bytes()) {
        match event.unwrap() {
            XmlEvent::StartElement { name, attributes, .. } => {
                assert_eq!(name.namespace.as_deref(), Some(GPX_NS), "{}", name.local_name);
                if name.local_name == "gpx" {
                    let attr =
                        |n: &str| attributes.iter().find(|a| a.name.local_name == n).map(|a| a.value.clone());
                    assert_eq!(attr("version").as_deref(), Some("1.1"));
                    assert_eq!(attr("creator").as_deref(), Some("neuvo"));
                }
                if let Some((parent, last, seen)) = stack.last_mut() {
                    let seq = sequence_of(parent).unwrap_or_else(|| panic!("{parent} may not have children"));
                    let at = seq
                        .iter()
                        .position(|s| *s == name.local_name)
                        .unwrap_or_else(|| panic!("{} is not a child of {parent}", name.local_name));
                    if let Some(last) = *last {
                        assert!(
                            at > last || (at == last && REPEATABLE.contains(&seq[at])),
                            "{} after {} in {parent}",
                            name.local_name,
                            seq[last]
                        );
                    }
                    *last = Some(at);
                    seen.push(name.local_name.clone());
                }
                stack.push((name.local_name, None, Vec::new()));
            }
            XmlEvent::EndElement { .. } => {
                let (name, _, seen) = stack.pop().unwrap();
                if name == "wpt" {
                    // Every waypoint has time, name, desc and type, in that order (cmt only with a note).
                    let without_cmt: Vec<_> =
                        seen.iter().filter(|s| *s != "cmt").map(String::as_str).collect();
                    assert_eq!(without_cmt, ["time", "name", "desc", "type"]);
                    checked_wpt += 1;
                }
            }
            _ => {}
        }
    }
    assert_eq!(checked_wpt, espoo_day().stops.len());
}
