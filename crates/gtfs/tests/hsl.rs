//! The real HSL feed clipped to Helsinki's centre, 2022-02-22 (data/cache/gtfs, fetched by `neuvo data fetch`).

use std::io::Read;

use chrono::NaiveDate;
use neuvo_gtfs::{Feed, GtfsError};
use neuvo_transit::format_secs;

const FEED: &str = "gtfs/hsl_helsinki_centre_20220222_gtfs.zip";

/// The rows of a file of the zip, read independently of the crate (plain csv, header first).
fn rows(file: &str) -> (Vec<String>, Vec<Vec<String>>) {
    let mut zip = zip::ZipArchive::new(std::fs::File::open(neuvo_testkit::data_file(FEED)).expect("open"))
        .expect("a zip");
    let mut text = String::new();
    zip.by_name(file).expect("the file").read_to_string(&mut text).expect("read");
    let mut r = csv::ReaderBuilder::new().from_reader(text.trim_start_matches('\u{feff}').as_bytes());
    let header = r.headers().expect("header").iter().map(str::to_string).collect();
    let rows = r.records().map(|x| x.expect("row").iter().map(str::to_string).collect()).collect();
    (header, rows)
}

fn col(header: &[String], name: &str) -> usize {
    header.iter().position(|h| h == name).expect("the column")
}

fn secs(t: &str) -> i32 {
    let p: Vec<i32> = t.split(':').map(|x| x.parse().expect("a number")).collect();
    p[0] * 3600 + p[1] * 60 + p[2]
}

#[test]
fn hsl_centre_runs_on_2022_02_22() {
    let day = NaiveDate::from_ymd_opt(2022, 2, 22).expect("date");
    let feed = Feed::open(neuvo_testkit::data_file(FEED)).expect("the HSL feed reads");
    assert_eq!(feed.service_dates(), vec![day]);

    // Independent counts from the files.
    let (h, stops) = rows("stops.txt");
    let lt = col(&h, "location_type");
    let boardable = stops.iter().filter(|r| matches!(r[lt].as_str(), "" | "0" | "4")).count();
    assert_eq!((stops.len(), boardable), (1388, 1361));
    let (h, trips) = rows("trips.txt");
    let (h2, freqs) = rows("frequencies.txt");
    let (ft, fs, fe, fh) =
        (col(&h2, "trip_id"), col(&h2, "start_time"), col(&h2, "end_time"), col(&h2, "headway_secs"));
    let mut templates: Vec<&str> = freqs.iter().map(|r| r[ft].as_str()).collect();
    templates.sort_unstable();
    templates.dedup();
    let expanded: usize = freqs
        .iter()
        .map(|r| (secs(&r[fs])..secs(&r[fe])).step_by(r[fh].parse().expect("headway")).count())
        .sum();
    assert_eq!((trips.len(), templates.len(), expanded), (3195, 1780, 11_463));
    // Trips with at least two stop_times run: the others once, frequency templates once per departure.
    let (hs, times) = rows("stop_times.txt");
    let st = col(&hs, "trip_id");
    let mut calls = std::collections::HashMap::<&str, usize>::new();
    for r in &times {
        *calls.entry(r[st].as_str()).or_default() += 1;
    }
    let runs = |id: &str| calls.get(id).is_some_and(|&n| n >= 2);
    let ti = col(&h, "trip_id");
    let scheduled =
        trips.iter().filter(|r| runs(&r[ti]) && templates.binary_search(&r[ti].as_str()).is_err()).count();
    let from_freq: usize = freqs
        .iter()
        .filter(|r| runs(&r[ft]))
        .map(|r| (secs(&r[fs])..secs(&r[fe])).step_by(r[fh].parse().expect("headway")).count())
        .sum();

    let (tt, report) = feed.timetable(day).expect("service runs on 2022-02-22");
    assert_eq!(tt.label, "GTFS hsl_helsinki_centre_20220222_gtfs.zip on 2022-02-22");
    assert_eq!(report.stops, boardable);
    assert_eq!(tt.stops().len(), boardable);
    assert_eq!(report.routes, 200);
    assert_eq!((report.previous_day_trips, report.next_day_trips), (0, 0), "the feed runs on one day only");
    // Eight trips of the clipped feed have a single stop_time; three of them are frequency templates.
    assert_eq!(report.skipped_trips, 8, "{:?}", report.notes);
    assert!(report.trips > trips.len() - templates.len(), "{report:?}");
    assert_eq!((report.trips, report.frequency_trips), (scheduled + from_freq, from_freq), "{report:?}");
    assert!(from_freq > 11_000 && from_freq <= expanded);
    assert_eq!(report.trips, tt.trip_count());
    assert_eq!(report.interpolated_times, 0);
    let (first, last) = tt.span().expect("trips");
    assert!(first >= 0, "{}", format_secs(first));
    assert!(last >= secs("26:31:00"), "times past midnight are kept: {}", format_secs(last));
}

#[test]
fn hsl_centre_has_no_service_on_2022_02_23() {
    let feed = Feed::open(neuvo_testkit::data_file(FEED)).expect("the HSL feed reads");
    let err = feed.timetable(NaiveDate::from_ymd_opt(2022, 2, 23).expect("date")).expect_err("no service");
    assert!(matches!(err, GtfsError::NoService { .. }), "{err:?}");
    let msg = err.to_string();
    assert!(msg.contains("2022-02-23") && msg.contains("the feed runs on 2022-02-22 only"), "{msg}");
}
