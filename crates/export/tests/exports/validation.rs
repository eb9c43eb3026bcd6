//! Inconsistent days are errors in every format; an empty day is not.

use chrono::TimeDelta;
use neuvo_export::{AdvisorDay, ExportError, csv_run_sheet, geojson, gpx, html_day_sheet, ics};

use crate::fixture::{espoo_day, options, p};

/// The error of every format, which must be the same.
fn error_of(day: &AdvisorDay) -> ExportError {
    let opts = options(false);
    let errors = [
        geojson(day, &opts).map(|_| ()).unwrap_err(),
        gpx(day, &opts).map(|_| ()).unwrap_err(),
        ics(day, &opts).map(|_| ()).unwrap_err(),
        csv_run_sheet(day, &opts).map(|_| ()).unwrap_err(),
        html_day_sheet(day, &opts).map(|_| ()).unwrap_err(),
    ];
    for e in &errors[1..] {
        assert_eq!(e, &errors[0]);
    }
    errors[0].clone()
}

#[test]
fn leg_count_must_match() {
    let mut day = espoo_day();
    day.legs.pop();
    assert_eq!(error_of(&day), ExportError::LegCount { stops: 8, legs: 6, expected: 7 });
    day.stops.clear();
    assert_eq!(error_of(&day), ExportError::LegCount { stops: 0, legs: 6, expected: 0 });
}

#[test]
fn times_must_be_consistent_and_in_order() {
    let mut day = espoo_day();
    day.stops[2].end = day.stops[2].start - TimeDelta::minutes(1);
    assert!(matches!(error_of(&day), ExportError::EndBeforeStart { seq: 3, .. }));

    let mut day = espoo_day();
    day.stops[2].arrival = day.stops[2].start + TimeDelta::minutes(1);
    assert!(matches!(error_of(&day), ExportError::ArrivalAfterStart { seq: 3, .. }));

    let mut day = espoo_day();
    day.stops.swap(5, 6);
    assert!(matches!(error_of(&day), ExportError::OutOfOrder { seq: 7, .. }));

    // Arriving while the previous stop is still going on (the break ends 14:35).
    let mut day = espoo_day();
    day.stops[5].arrival = day.stops[4].end - TimeDelta::minutes(1);
    assert!(matches!(error_of(&day), ExportError::OutOfOrder { seq: 6, .. }));
    // Arriving the minute it ends is fine.
    day.stops[5].arrival = day.stops[4].end;
    assert!(gpx(&day, &options(false)).is_ok());

    let mut day = espoo_day();
    day.stops[4].start += TimeDelta::days(1);
    day.stops[4].end += TimeDelta::days(1);
    assert!(matches!(error_of(&day), ExportError::OffDate { seq: 5, which: "start", .. }));
    let message = error_of(&day).to_string();
    assert!(
        message.starts_with("stop 5: start 2026-12-02 14:05:00 is not on the day 2026-12-01"),
        "{message}"
    );

    // An end just past midnight is allowed (the End stop of a late day).
    let mut day = espoo_day();
    day.stops[7].end = day.stops[7].start + TimeDelta::hours(8);
    assert!(gpx(&day, &options(false)).is_ok());
}

#[test]
fn other_inconsistencies() {
    let mut day = espoo_day();
    day.mode = "bicycle".into();
    assert_eq!(error_of(&day), ExportError::UnknownMode("bicycle".into()));

    let mut day = espoo_day();
    day.advisor_id = " ".into();
    assert_eq!(error_of(&day), ExportError::EmptyAdvisorId);

    let mut day = espoo_day();
    day.legs[1].geometry = vec![p(24.65, 60.15)];
    assert_eq!(error_of(&day), ExportError::SinglePointGeometry { seq: 2 });

    let mut day = espoo_day();
    day.stops[1].client.as_mut().unwrap().pseudonym = String::new();
    assert_eq!(error_of(&day), ExportError::EmptyPseudonym { seq: 2 });
}

#[test]
fn coordinates_out_of_range_are_refused_when_a_day_is_read() {
    // `LonLat` checks its ranges when deserialized, so a stored day with a bad place cannot be read back at all;
    // the error names the value.
    let mut json = serde_json::to_value(espoo_day()).unwrap();
    json["stops"][2]["place"]["lat"] = 95.0.into();
    let e = serde_json::from_value::<AdvisorDay>(json).unwrap_err().to_string();
    assert!(e.contains("latitude 95"), "{e}");
    let mut json = serde_json::to_value(espoo_day()).unwrap();
    json["legs"][0]["geometry"][1]["lon"] = 200.0.into();
    let e = serde_json::from_value::<AdvisorDay>(json).unwrap_err().to_string();
    assert!(e.contains("longitude 200"), "{e}");
}

#[test]
fn a_day_round_trips_through_json() {
    let day = espoo_day();
    let json = serde_json::to_string(&day).unwrap();
    assert!(json.contains("\"kind\":\"session\"") && json.contains("\"date\":\"2026-12-01\""), "{json}");
    let back: AdvisorDay = serde_json::from_str(&json).unwrap();
    assert_eq!(back, day);
}

#[test]
fn an_empty_day_exports_empty_files() {
    let mut day = espoo_day();
    day.stops.clear();
    day.legs.clear();
    let opts = options(false);
    let fc = geojson(&day, &opts).unwrap();
    assert_eq!(fc["features"].as_array().unwrap().len(), 0);
    let parsed = ::gpx::read(gpx(&day, &opts).unwrap().as_bytes()).unwrap();
    assert!(parsed.waypoints.is_empty() && parsed.routes.is_empty() && parsed.tracks.is_empty());
    let calendar = ics(&day, &opts).unwrap();
    assert!(!calendar.contains("BEGIN:VEVENT") && calendar.contains("BEGIN:VTIMEZONE"));
    assert_eq!(csv_run_sheet(&day, &opts).unwrap().lines().count(), 1);
}
