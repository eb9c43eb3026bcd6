//! The three-stops fixture feed (data/fixtures/gtfs/three-stops, see its README.md) as a folder and as a zip,
//! and broken copies of it written into temporary folders.

use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};

use chrono::NaiveDate;
use neuvo_gtfs::{Feed, GtfsError};
use neuvo_transit::{Secs, Timetable, format_secs};

fn fixture() -> PathBuf {
    neuvo_testkit::workspace_root().join("data/fixtures/gtfs/three-stops")
}

fn date(d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(2022, 2, d).expect("a valid date")
}

fn hms(s: &str) -> Secs {
    let p: Vec<i32> = s.split(':').map(|x| x.parse().expect("a number")).collect();
    p[0] * 3600 + p[1] * 60 + p[2]
}

/// A trip's stop ids and `(arrival, departure)` times.
type Calls = (Vec<String>, Vec<(Secs, Secs)>);

/// The stops and times of trip `id`, or `None` when the timetable lacks it.
fn trip(tt: &Timetable, id: &str) -> Option<Calls> {
    for p in 0..tt.patterns().len() as u32 {
        for t in 0..tt.pattern_trips(p) {
            if tt.trip_id(p, t) == id {
                let stops = tt.pattern_stops(p).iter().map(|&s| tt.stops()[s as usize].id.clone()).collect();
                let n = tt.pattern_stops(p).len() as u32;
                let times = (0..n).map(|k| (tt.arrival(p, t, k), tt.departure(p, t, k))).collect();
                return Some((stops, times));
            }
        }
    }
    None
}

fn trip_ids(tt: &Timetable) -> Vec<String> {
    let mut ids: Vec<String> = (0..tt.patterns().len() as u32)
        .flat_map(|p| (0..tt.pattern_trips(p)).map(move |t| (p, t)))
        .map(|(p, t)| tt.trip_id(p, t).to_string())
        .collect();
    ids.sort();
    ids
}

fn same(t: &str) -> (Secs, Secs) {
    (hms(t), hms(t))
}

#[test]
fn service_dates_apply_the_exceptions() {
    let feed = Feed::open(fixture()).expect("the fixture reads");
    assert_eq!(feed.service_dates(), vec![date(21), date(22), date(24), date(25), date(26)]);
    assert_eq!(feed.name(), "three-stops");
    assert_eq!(feed.notes().len(), 1, "{:?}", feed.notes());
    assert!(feed.notes()[0].contains("1 frequencies.txt row(s) have exact_times 0"), "{:?}", feed.notes());
}

#[test]
fn stations_are_left_out_and_names_fall_back() {
    let feed = Feed::open(fixture()).expect("the fixture reads");
    let ids: Vec<&str> = feed.stops().iter().map(|s| s.id.as_str()).collect();
    assert_eq!(ids, ["A", "B", "C"], "the byte-order mark is dropped and station S is left out");
    let names: Vec<&str> = feed.routes().iter().map(|r| r.name.as_str()).collect();
    assert_eq!(names, ["1", "Tram line"]);
}

#[test]
fn a_tuesday_has_its_trips_frequencies_and_yesterdays_overnight_trip() {
    let feed = Feed::open(fixture()).expect("the fixture reads");
    let (tt, report) = feed.timetable(date(22)).expect("service runs on 2022-02-22");
    assert_eq!(tt.label, "GTFS three-stops on 2022-02-22");
    assert_eq!(
        trip_ids(&tt),
        [
            "E1",
            "F1@20:00:00",
            "F1@20:15:00",
            "F1@7:00:00",
            "F1@7:20:00",
            "F1@7:40:00",
            "N1",
            "N1 [2022-02-21]",
            "T1"
        ],
        "F1 runs only as its expansions; Wednesday's E1 is removed, so it is not taken into Tuesday"
    );
    assert_eq!(
        (report.stops, report.routes, report.trips, report.frequency_trips),
        (3, 2, 9, 5),
        "{report:?}"
    );
    assert_eq!((report.previous_day_trips, report.next_day_trips, report.interpolated_times), (1, 0, 1));

    let abc = vec!["A".to_string(), "B".to_string(), "C".to_string()];
    // Frequencies keep the template's offsets from its first departure (07:00:00).
    for start in ["7:00:00", "7:20:00", "7:40:00", "20:00:00", "20:15:00"] {
        let s = hms(start);
        let (stops, times) = trip(&tt, &format!("F1@{start}")).expect("an expanded trip");
        assert_eq!(stops, abc);
        assert_eq!(times, vec![(s, s), (s + 300, s + 360), (s + 720, s + 720)], "F1@{start}");
    }
    // B is a third of the way from A to C: 08:01 + 30 min / 3.
    assert_eq!(
        trip(&tt, "T1").expect("T1").1,
        vec![(hms("8:00:00"), hms("8:01:00")), same("8:11:00"), same("8:31:00")]
    );
    // Tonight's N1 at its own times, and Monday's N1 shifted back by a day.
    let cba = vec!["C".to_string(), "B".to_string(), "A".to_string()];
    assert_eq!(
        trip(&tt, "N1").expect("N1"),
        (cba.clone(), vec![same("23:50:00"), same("24:20:00"), same("25:10:00")])
    );
    let (stops, times) = trip(&tt, "N1 [2022-02-21]").expect("yesterday's N1");
    assert_eq!(stops, cba);
    assert_eq!(
        times,
        vec![(hms("23:50:00") - 86_400, hms("23:50:00") - 86_400), same("0:20:00"), same("1:10:00")]
    );
    assert_eq!(format_secs(times[0].0), "-0:10:00");
    assert_eq!(tt.span(), Some((-600, hms("25:10:00"))));
}

#[test]
fn tomorrows_early_trips_are_shifted_forward() {
    let feed = Feed::open(fixture()).expect("the fixture reads");
    let (tt, report) = feed.timetable(date(21)).expect("service runs on 2022-02-21");
    assert_eq!((report.trips, report.previous_day_trips, report.next_day_trips), (9, 0, 1));
    assert_eq!(
        trip(&tt, "E1 [2022-02-22]").expect("E1 of Tuesday").1,
        vec![same("27:30:00"), same("27:50:00")]
    );
    assert!(trip(&tt, "N1 [2022-02-20]").is_none(), "no service on Sunday");
}

#[test]
fn a_removed_date_has_no_service_and_the_day_after_gets_no_overnight_trip() {
    let feed = Feed::open(fixture()).expect("the fixture reads");
    let err = feed.timetable(date(23)).expect_err("2022-02-23 is removed");
    assert!(matches!(err, GtfsError::NoService { date: d, .. } if d == date(23)), "{err:?}");
    let msg = err.to_string();
    assert!(msg.contains("2022-02-23"), "{msg}");
    assert!(
        msg.contains("the feed runs on 2022-02-21, 2022-02-22, 2022-02-24, 2022-02-25 and 2022-02-26"),
        "{msg}"
    );
    assert!(msg.contains("pick one"), "{msg}");
    // Sunday: Saturday's (added) N1 would spill into it, but nothing of Sunday itself runs.
    assert!(matches!(feed.timetable(date(27)), Err(GtfsError::NoService { .. })));
    // Thursday: Wednesday is removed, so no N1 of the day before.
    let (tt, report) = feed.timetable(date(24)).expect("service runs on 2022-02-24");
    assert_eq!(report.previous_day_trips, 0);
    assert!(trip(&tt, "N1 [2022-02-23]").is_none());
    // Saturday is added.
    let (_, report) = feed.timetable(date(26)).expect("service runs on 2022-02-26");
    assert_eq!(report.trips, 9, "{report:?}");
}

// ---- a zipped feed ----

fn zip_dir(dir: &Path, zip: &Path, prefix: &str) {
    let mut w = zip::ZipWriter::new(fs::File::create(zip).expect("create the zip"));
    let opts = zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Stored);
    let mut names: Vec<PathBuf> =
        fs::read_dir(dir).expect("list").map(|e| e.expect("entry").path()).collect();
    names.sort();
    for p in names {
        let name = p.file_name().expect("a name").to_string_lossy().into_owned();
        w.start_file(format!("{prefix}{name}"), opts).expect("start a file");
        w.write_all(&fs::read(&p).expect("read")).expect("write");
    }
    w.finish().expect("finish the zip");
}

#[test]
fn a_zipped_feed_reads_like_the_folder() {
    let tmp = tempfile::tempdir().expect("tempdir");
    for prefix in ["", "feed/"] {
        let zip = tmp.path().join("three-stops.zip");
        zip_dir(&fixture(), &zip, prefix);
        let feed = Feed::open(&zip).expect("the zip reads");
        assert_eq!(feed.service_dates(), Feed::open(fixture()).expect("folder").service_dates());
        let (tt, report) = feed.timetable(date(22)).expect("service");
        assert_eq!(tt.label, "GTFS three-stops.zip on 2022-02-22");
        assert_eq!(report.trips, 9);
        assert_eq!(trip(&tt, "F1@7:40:00").expect("F1").1[2], same("7:52:00"));
    }
}

#[test]
fn not_a_zip_and_no_such_path_are_errors() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let bad = tmp.path().join("feed.zip");
    fs::write(&bad, "this is not a zip").expect("write");
    let err = Feed::open(&bad).err().expect("not a zip");
    assert!(matches!(err, GtfsError::Zip { .. }), "{err:?}");
    let err = Feed::open(tmp.path().join("nowhere.zip")).err().expect("no such path");
    assert!(matches!(err, GtfsError::Io { .. }), "{err:?}");
    assert!(err.to_string().contains("nowhere.zip"), "{err}");
}

// ---- broken copies ----

/// A copy of the fixture with `file` replaced by `text` (or removed when `None`).
fn broken(file: &str, text: Option<&str>) -> (tempfile::TempDir, PathBuf) {
    let tmp = tempfile::tempdir().expect("tempdir");
    let dir = tmp.path().join("broken");
    fs::create_dir(&dir).expect("mkdir");
    for e in fs::read_dir(fixture()).expect("list") {
        let p = e.expect("entry").path();
        fs::copy(&p, dir.join(p.file_name().expect("a name"))).expect("copy");
    }
    match text {
        Some(t) => fs::write(dir.join(file), t).expect("write"),
        None => fs::remove_file(dir.join(file)).expect("remove"),
    }
    (tmp, dir)
}

fn open_err(file: &str, text: Option<&str>) -> GtfsError {
    let (_tmp, dir) = broken(file, text);
    Feed::open(&dir).err().unwrap_or_else(|| panic!("the broken {file} is accepted"))
}

/// Asserts the error's file, line and field, and that its message names them and contains `words`.
fn assert_at(err: &GtfsError, file: &str, line: u64, field: &str, words: &[&str]) {
    assert_eq!((err.file(), err.line(), err.field()), (Some(file), Some(line), Some(field)), "{err}");
    let msg = err.to_string();
    assert!(msg.contains(&format!("{file} line {line}")), "{msg}");
    assert!(msg.contains(field), "{msg}");
    for w in words {
        assert!(msg.contains(w), "{msg} lacks {w:?}");
    }
}

const TIMES_HEADER: &str = "trip_id,arrival_time,departure_time,stop_id,stop_sequence\n";

fn stop_times(rows: &str) -> String {
    format!("{TIMES_HEADER}E1,03:30:00,03:30:00,A,1\nE1,03:50:00,03:50:00,C,2\n{rows}")
}

#[test]
fn missing_files_are_named() {
    let err = open_err("stops.txt", None);
    assert!(matches!(err, GtfsError::MissingFile { file: "stops.txt", .. }), "{err:?}");
    assert!(err.to_string().contains("has no stops.txt"), "{err}");

    let (_tmp, dir) = broken("calendar.txt", None);
    fs::remove_file(dir.join("calendar_dates.txt")).expect("remove");
    let err = Feed::open(&dir).err().expect("no calendar");
    assert!(err.to_string().contains("no calendar.txt or calendar_dates.txt"), "{err}");
}

#[test]
fn calendar_dates_alone_suffice_and_a_missing_agency_is_a_note() {
    let (_tmp, dir) = broken("calendar.txt", None);
    fs::remove_file(dir.join("agency.txt")).expect("remove");
    let feed = Feed::open(&dir).expect("calendar_dates.txt alone is enough");
    assert_eq!(feed.service_dates(), vec![date(26)]);
    let (_, report) = feed.timetable(date(26)).expect("service");
    assert!(report.notes.iter().any(|n| n.contains("agency.txt")), "{:?}", report.notes);
}

#[test]
fn a_missing_column_is_named_on_line_1() {
    let err = open_err(
        "stop_times.txt",
        Some("trip_id,arrival_time,departure_time,stop_id\nT1,08:00:00,08:00:00,A\n"),
    );
    assert!(matches!(err, GtfsError::MissingColumn { .. }), "{err:?}");
    assert_at(&err, "stop_times.txt", 1, "stop_sequence", &["no column"]);
}

#[test]
fn times_going_backwards_name_the_line() {
    let err =
        open_err("stop_times.txt", Some(&stop_times("T1,08:00:00,08:00:00,A,1\nT1,07:59:00,07:59:00,B,2\n")));
    assert!(matches!(err, GtfsError::OutOfOrder { .. }), "{err:?}");
    assert_at(
        &err,
        "stop_times.txt",
        5,
        "arrival_time",
        &["T1", "7:59:00", "8:00:00", "line 4", "backwards"],
    );

    let err =
        open_err("stop_times.txt", Some(&stop_times("T1,08:00:00,08:00:00,A,1\nT1,08:05:00,08:05:00,B,1\n")));
    assert_at(&err, "stop_times.txt", 5, "stop_sequence", &["repeats stop_sequence 1", "line 4"]);

    let err =
        open_err("stop_times.txt", Some(&stop_times("T1,08:05:00,08:00:00,A,1\nT1,08:10:00,08:10:00,C,2\n")));
    assert_at(
        &err,
        "stop_times.txt",
        4,
        "departure_time",
        &["departs at 8:00:00 before it arrives at 8:05:00"],
    );
}

#[test]
fn a_bad_time_is_named() {
    let err =
        open_err("stop_times.txt", Some(&stop_times("T1,08:00:00,8:7:00,A,1\nT1,08:10:00,08:10:00,C,2\n")));
    assert!(matches!(err, GtfsError::Invalid { .. }), "{err:?}");
    assert_at(&err, "stop_times.txt", 4, "departure_time", &["\"8:7:00\"", "H:MM:SS", "26:31:00"]);
}

#[test]
fn the_first_and_last_stop_need_times() {
    let err = open_err("stop_times.txt", Some(&stop_times("T1,08:00:00,08:00:00,A,1\nT1,,,C,2\n")));
    assert_at(&err, "stop_times.txt", 5, "arrival_time", &["last stop of trip \"T1\""]);
}

#[test]
fn unknown_references_are_named() {
    let err =
        open_err("stop_times.txt", Some(&stop_times("T1,08:00:00,08:00:00,A,1\nT1,08:10:00,08:10:00,X,2\n")));
    assert!(matches!(err, GtfsError::UnknownId { .. }), "{err:?}");
    assert_at(&err, "stop_times.txt", 5, "stop_id", &["\"X\"", "stop in stops.txt"]);

    let err = open_err("stop_times.txt", Some(&stop_times("T9,08:00:00,08:00:00,A,1\n")));
    assert_at(&err, "stop_times.txt", 4, "trip_id", &["\"T9\"", "trip in trips.txt"]);

    let err = open_err("trips.txt", Some("route_id,service_id,trip_id\nR1,WK,T1\nR3,WK,F1\n"));
    assert_at(&err, "trips.txt", 3, "route_id", &["\"R3\"", "route in routes.txt"]);

    let err = open_err("trips.txt", Some("route_id,service_id,trip_id\nR1,XX,T1\n"));
    assert_at(&err, "trips.txt", 2, "service_id", &["\"XX\"", "calendar.txt or calendar_dates.txt"]);

    let err = open_err(
        "frequencies.txt",
        Some(
            "trip_id,start_time,end_time,headway_secs\nF1,07:00:00,08:00:00,600\nF2,07:00:00,08:00:00,600\n",
        ),
    );
    assert_at(&err, "frequencies.txt", 3, "trip_id", &["\"F2\""]);
}

#[test]
fn a_station_cannot_be_called_at() {
    let err =
        open_err("stop_times.txt", Some(&stop_times("T1,08:00:00,08:00:00,S,1\nT1,08:10:00,08:10:00,C,2\n")));
    assert_at(&err, "stop_times.txt", 4, "stop_id", &["\"S\"", "station (location_type 1)", "platform"]);
}

#[test]
fn bad_values_in_other_files_are_named() {
    let err = open_err("routes.txt", Some("route_id,route_short_name,route_type\nR1,1,3\nR2,2,99\n"));
    assert_at(&err, "routes.txt", 3, "route_type", &["\"99\"", "route_type"]);

    let err = open_err(
        "calendar.txt",
        Some(
            "service_id,monday,tuesday,wednesday,thursday,friday,saturday,sunday,start_date,end_date\nWK,1,1,1,1,1,0,0,2022-02-21,20220227\n",
        ),
    );
    assert_at(&err, "calendar.txt", 2, "start_date", &["YYYYMMDD"]);

    let err = open_err("calendar_dates.txt", Some("service_id,date,exception_type\nWK,20220223,3\n"));
    assert_at(&err, "calendar_dates.txt", 2, "exception_type", &["\"3\""]);

    let err = open_err(
        "stops.txt",
        Some("stop_id,stop_name,stop_lat,stop_lon\nA,Alpha,60.17,24.94\nB,Beta,95.0,24.95\n"),
    );
    assert_at(&err, "stops.txt", 3, "stop_lat", &["\"95\"", "swapped"]);

    let err = open_err(
        "frequencies.txt",
        Some("trip_id,start_time,end_time,headway_secs\nF1,07:00:00,08:00:00,0\n"),
    );
    assert_at(&err, "frequencies.txt", 2, "headway_secs", &["\"0\""]);
}

#[test]
fn a_trip_with_one_stop_time_is_left_out_with_a_note() {
    let (_tmp, dir) = broken("stop_times.txt", Some(&stop_times("T1,08:00:00,08:00:00,A,1\n")));
    let feed = Feed::open(&dir).expect("reads");
    let (tt, report) = feed.timetable(date(22)).expect("service");
    assert_eq!(report.skipped_trips, 3, "T1 has one stop_time, F1 and N1 none: {report:?}");
    assert!(report.notes.iter().any(|n| n.contains("fewer than two stop_times")), "{:?}", report.notes);
    assert_eq!(trip_ids(&tt), ["E1"]);
}
