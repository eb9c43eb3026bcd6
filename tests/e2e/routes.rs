//! `neuvo routes` and `neuvo visits generate` on central Helsinki (OSM 2024, HSY 2021 grid): every visit served
//! or left out with a reason; times, windows, shifts, breaks, skills and languages kept; travel times equal to a
//! plain Dijkstra on an independently built network; GPX and iCalendar read back by independent parsers; client
//! details only when asked; the same seed, the same plan; bad input answered with file, line and field.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use neuvo_model::LonLat;
use neuvo_testkit::{data_dir, data_file, workspace_root};
use serde_json::Value;

use crate::support::network;

const OSM: &str = "osm/helsinki_centre_2024.osm.pbf";

fn neuvo(args: &[&str]) -> Output {
    let dd = data_dir();
    Command::new(env!("CARGO_BIN_EXE_neuvo"))
        .args(["--data-dir", dd.to_str().expect("utf-8")])
        .args(args)
        .output()
        .expect("the binary runs")
}

fn sample(name: &str) -> String {
    data_file(OSM); // the network's source must be there: fail loudly, never skip
    workspace_root().join("data/routes").join(name).display().to_string()
}

/// Runs the sample day into `out` with a fixed iteration budget; returns the summary and stdout.
fn run_sample(out: &Path, extra: &[&str]) -> (Value, String) {
    let (v, a, s) =
        (sample("helsinki-visits.csv"), sample("helsinki-advisors.csv"), sample("helsinki-sessions.csv"));
    let o = out.display().to_string();
    let mut args = vec![
        "routes",
        "--visits",
        &v,
        "--advisors",
        &a,
        "--sessions",
        &s,
        "--date",
        "2026-12-01",
        "--out",
        &o,
        "--iterations",
        "1500",
        "--time-limit",
        "120",
        "--seed",
        "3",
        "--json",
        "--threads",
        "1",
    ];
    args.extend_from_slice(extra);
    let r = neuvo(&args);
    let stdout = String::from_utf8_lossy(&r.stdout).into_owned();
    assert!(r.status.success(), "neuvo routes failed: {}", String::from_utf8_lossy(&r.stderr));
    (serde_json::from_str(&stdout).expect("one JSON object"), stdout)
}

/// A CSV file as rows of column → value, read with nothing of neuvo's.
fn rows(path: &str) -> Vec<HashMap<String, String>> {
    let mut r = csv::Reader::from_path(path).expect("readable");
    let h: Vec<String> = r.headers().expect("header").iter().map(str::to_owned).collect();
    r.records().map(|x| h.iter().cloned().zip(x.expect("row").iter().map(str::to_owned)).collect()).collect()
}

fn clock(s: &str) -> i64 {
    let p: Vec<i64> = s.split(':').map(|x| x.parse().expect("number")).collect();
    p[0] * 3600 + p[1] * 60 + p.get(2).copied().unwrap_or(0)
}

/// `2026-12-01T08:50:00+02:00` → seconds since midnight.
fn iso_clock(s: &str) -> i64 {
    clock(&s[11..19])
}

fn list(s: &str) -> Vec<String> {
    s.split(';').map(str::trim).filter(|x| !x.is_empty()).map(str::to_owned).collect()
}

fn point(f: &Value) -> LonLat {
    let c = &f["geometry"]["coordinates"];
    LonLat::try_new(c[0].as_f64().expect("lon"), c[1].as_f64().expect("lat")).expect("valid")
}

fn tmp() -> tempfile::TempDir {
    tempfile::tempdir().expect("temp dir")
}

#[test]
fn the_sample_day_keeps_every_rule_and_matches_the_streets() {
    let dir = tmp();
    let (summary, stdout) = run_sample(dir.path(), &[]);
    let visits = rows(&sample("helsinki-visits.csv"));
    let advisors = rows(&sample("helsinki-advisors.csv"));
    let sessions = rows(&sample("helsinki-sessions.csv"));
    let by_id: HashMap<&str, &HashMap<String, String>> =
        visits.iter().map(|v| (v["id"].as_str(), v)).collect();
    let sessions_by_id: HashMap<&str, &HashMap<String, String>> =
        sessions.iter().map(|s| (s["id"].as_str(), s)).collect();
    assert_eq!(summary["visits"], visits.len());
    assert!(summary["solver"]["feasible"].as_bool().unwrap(), "the independent check passes");

    let walk = network(OSM, "walk");
    let car = network(OSM, "car");
    let mut seen: BTreeMap<String, usize> = BTreeMap::new();
    let mut held_sessions = BTreeSet::new();
    for adv in &advisors {
        let id = &adv["id"];
        let path = dir.path().join(format!("{id}.geojson"));
        if !path.exists() {
            continue;
        }
        let day: Value = serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
        let net = if adv["mode"] == "car" { &car.net } else { &walk.net };
        let feats = day["features"].as_array().unwrap();
        let stops: Vec<&Value> = feats.iter().filter(|f| f["properties"]["layer"] == "stop").collect();
        let legs: Vec<&Value> = feats.iter().filter(|f| f["properties"]["layer"] == "leg").collect();
        assert_eq!(legs.len(), stops.len() - 1);
        let shift = adv["shift"].split_once('-').map(|(a, b)| (clock(a), clock(b))).unwrap();
        let (skills, languages) = (list(&adv["skills"]), list(&adv["languages"]));
        let t = |f: &Value, k: &str| iso_clock(f["properties"][k].as_str().unwrap());
        assert!(t(stops[0], "start_time") >= shift.0, "{id} leaves before the shift");
        assert!(t(stops[stops.len() - 1], "end_time") <= shift.1, "{id} comes back after the shift");
        let mut breaks = 0;
        for (i, leg) in legs.iter().enumerate() {
            let (a, b) = (stops[i], stops[i + 1]);
            let p = &leg["properties"];
            let travel = p["travel_s"].as_i64().unwrap();
            // Travel as planned = a plain Dijkstra on a network built here, rounded up to the minute.
            let (pa, pb) = (point(a), point(b));
            if pa == pb {
                assert_eq!(travel, 0);
            } else {
                let (sa, sb) = (net.snap(pa).expect("snaps"), net.snap(pb).expect("snaps"));
                let w = net.dijkstra_weights(&sa, &[Some(sb)])[0];
                assert_eq!(travel, i64::from(w.time().0.div_ceil(60_000)) * 60, "{id} leg {i}");
                let metres = p["distance_m"].as_f64().unwrap();
                assert!((metres - w.dist().as_m_f64()).abs() <= 1.0, "{id} leg {i}: {metres} m");
                // The line is drawn on the streets, from one stop to the next, about as long as the trip.
                let line = leg["geometry"]["coordinates"].as_array().unwrap();
                assert!(!p["straight"].as_bool().unwrap() && line.len() >= 2);
                let ll = |c: &Value| LonLat::try_new(c[0].as_f64().unwrap(), c[1].as_f64().unwrap()).unwrap();
                assert!(
                    ll(&line[0]).haversine_m(pa) < 1.0 && ll(&line[line.len() - 1]).haversine_m(pb) < 1.0
                );
                let drawn: f64 = line.windows(2).map(|w| ll(&w[0]).haversine_m(ll(&w[1]))).sum();
                assert!(
                    (drawn - metres).abs() <= 0.02 * metres + 5.0,
                    "{id} leg {i}: drawn {drawn} m, {metres} m"
                );
            }
            // Times follow: the previous end plus travel is the arrival; nobody starts before arriving.
            assert_eq!(t(a, "end_time") + travel, t(b, "arrival_time"), "{id} stop {}", i + 2);
            assert!(t(b, "start_time") >= t(b, "arrival_time"));
            let bp = &b["properties"];
            let (start, end) = (t(b, "start_time"), t(b, "end_time"));
            match bp["kind"].as_str().unwrap() {
                "visit" => {
                    let vid = bp["pseudonym"].as_str().unwrap();
                    *seen.entry(vid.to_owned()).or_default() += 1;
                    let v = by_id[vid];
                    assert_eq!(end - start, (v["duration_min"].parse::<f64>().unwrap() * 60.0) as i64);
                    let windows: Vec<(i64, i64)> = v["windows"]
                        .split('|')
                        .filter(|w| !w.is_empty())
                        .map(|w| w.split_once('-').map(|(a, b)| (clock(a), clock(b))).unwrap())
                        .collect();
                    assert!(
                        windows.is_empty() || windows.iter().any(|w| w.0 <= start && start <= w.1),
                        "{vid} at {start} outside {windows:?}"
                    );
                    assert!(
                        list(&v["skills"]).iter().all(|s| skills.contains(s)),
                        "{id} lacks a skill of {vid}"
                    );
                    let langs = list(&v["languages"]);
                    assert!(
                        langs.is_empty() || langs.iter().any(|l| languages.contains(l)),
                        "{id} speaks none of {vid}'s"
                    );
                    assert!(
                        point(b).haversine_m(
                            LonLat::try_new(v["lon"].parse().unwrap(), v["lat"].parse().unwrap()).unwrap()
                        ) < 0.5
                    );
                }
                "session" => {
                    let s = sessions
                        .iter()
                        .find(|s| bp["label"].as_str().unwrap().ends_with(&s["name"]))
                        .expect("a session");
                    assert_eq!(s["advisor"], *id, "a session is held by its own advisor");
                    assert_eq!((start, end), (clock(&s["start"]), clock(&s["end"])), "pinned hours");
                    held_sessions.insert(s["id"].clone());
                }
                "break" => {
                    breaks += 1;
                    let (span, minutes) = adv["breaks"].split_once('/').unwrap();
                    let (lo, hi) = span.split_once('-').map(|(a, b)| (clock(a), clock(b))).unwrap();
                    assert!(lo <= start && end <= hi && end - start == minutes.parse::<i64>().unwrap() * 60);
                }
                "end" => {}
                k => panic!("unexpected stop kind {k}"),
            }
        }
        let work = t(stops[stops.len() - 1], "end_time") - t(stops[0], "start_time");
        assert!(breaks == 1 || work < 4 * 3600, "{id} works {work} s without a break");

        // GPX 1.1 and iCalendar, read back by independent parsers.
        let gpx_text = std::fs::read_to_string(dir.path().join(format!("{id}.gpx"))).unwrap();
        let g = gpx::read(gpx_text.as_bytes()).expect("the gpx crate reads it");
        assert_eq!(g.waypoints.len(), stops.len());
        let track_points: usize = g.tracks.iter().flat_map(|t| &t.segments).map(|s| s.points.len()).sum();
        assert!(track_points > legs.len());
        let ics_text = std::fs::read_to_string(dir.path().join(format!("{id}.ics"))).unwrap();
        let cal: icalendar::Calendar = ics_text.parse().expect("the icalendar crate reads it");
        let events: Vec<_> = cal.components.iter().filter_map(|c| c.as_event()).collect();
        let expected: Vec<&&Value> = stops
            .iter()
            .filter(|s| ["visit", "session", "break"].contains(&s["properties"]["kind"].as_str().unwrap()))
            .collect();
        assert_eq!(events.len(), expected.len());
        for (e, s) in events.iter().zip(&expected) {
            use icalendar::Component as _;
            let Some(icalendar::DatePerhapsTime::DateTime(icalendar::CalendarDateTime::WithTimezone {
                date_time,
                tzid,
            })) = e.get_start()
            else {
                panic!("a zoned start");
            };
            assert_eq!(tzid, "Europe/Helsinki");
            assert_eq!(
                date_time.format("%Y-%m-%dT%H:%M:%S").to_string(),
                s["properties"]["start_time"].as_str().unwrap()[..19]
            );
        }
    }
    // Every visit once, in a route or left out with a reason; every session held.
    for u in summary["unserved"].as_array().unwrap() {
        let reason = u["reason"].as_str().unwrap();
        assert!(
            ["skill", "language", "unreachable", "shift", "time_window", "capacity", "not_worth_it"]
                .contains(&reason)
        );
        assert!(!u["detail"].as_str().unwrap().is_empty());
        *seen.entry(u["id"].as_str().unwrap().to_owned()).or_default() += 1;
    }
    assert_eq!(seen.len(), visits.len(), "every visit accounted for");
    assert!(seen.values().all(|&n| n == 1), "no visit twice: {seen:?}");
    assert_eq!(held_sessions.len(), sessions_by_id.len(), "every pinned session held");
    assert_eq!(
        summary["served"].as_u64().unwrap() as usize + summary["unserved"].as_array().unwrap().len(),
        visits.len()
    );
    // Must visits come first: none of them is left out while a low one is served.
    let must_out = summary["unserved"].as_array().unwrap().iter().filter(|u| u["priority"] == "must").count();
    assert_eq!(must_out, 0, "every must visit fits this sample");

    // Privacy: no client name reaches any file or the output unless asked.
    let names: Vec<&str> = visits.iter().map(|v| v["name"].as_str()).filter(|n| !n.is_empty()).collect();
    assert!(!names.is_empty());
    for f in std::fs::read_dir(dir.path()).unwrap() {
        let text = std::fs::read_to_string(f.unwrap().path()).unwrap();
        assert!(names.iter().all(|n| !text.contains(n)), "a client's name leaked");
        assert!(!text.contains("synthetic address"));
    }
    assert!(names.iter().all(|n| !stdout.contains(n)));
}

#[test]
fn the_same_seed_gives_the_same_plan_and_names_appear_only_when_asked() {
    let (a, b) = (tmp(), tmp());
    let (mut s1, _) = run_sample(a.path(), &[]);
    let (mut s2, _) = run_sample(b.path(), &["--reveal-client-details"]);
    for s in [&mut s1, &mut s2] {
        s["solver"]["seconds"] = Value::Null;
        s["matrix_s"] = Value::Null;
    }
    assert_eq!(s1, s2);
    assert_eq!(
        std::fs::read_to_string(a.path().join("routes.geojson")).unwrap(),
        std::fs::read_to_string(b.path().join("routes.geojson")).unwrap()
    );
    // With the flag, the advisor's own files carry the names of their clients.
    let html = std::fs::read_to_string(b.path().join("aino.html")).unwrap();
    assert!(html.contains("(synthetic)"), "names shown when the planner asks");
    let ics = std::fs::read_to_string(b.path().join("aino.ics")).unwrap();
    assert!(ics.contains("synthetic address"));
}

fn write(dir: &Path, name: &str, text: &str) -> String {
    let p: PathBuf = dir.join(name);
    std::fs::write(&p, text).unwrap();
    p.display().to_string()
}

const ADVISORS: &str = "id,mode,start_lon,start_lat,shift,skills,languages,breaks\n\
                        a1,walk,24.9381,60.1738,08:00-16:00,digital,fi;sv,11:00-13:00/30\n\
                        a2,car,24.9316,60.1688,09:00-12:00,digital,fi,\n";

fn day(dir: &Path, visits: &str, advisors: &str, sessions: Option<&str>) -> Output {
    let v = write(dir, "visits.csv", visits);
    let a = write(dir, "advisors.csv", advisors);
    let out = dir.join("out").display().to_string();
    let mut args = vec![
        "routes",
        "--visits",
        &v,
        "--advisors",
        &a,
        "--date",
        "2026-12-01",
        "--out",
        &out,
        "--iterations",
        "300",
        "--json",
    ];
    let s;
    if let Some(text) = sessions {
        s = write(dir, "sessions.csv", text);
        args.extend(["--sessions", &s]);
    }
    data_file(OSM);
    neuvo(&args)
}

fn error_of(o: &Output) -> String {
    assert_eq!(o.status.code(), Some(2), "exit code 2 for bad input: {}", String::from_utf8_lossy(&o.stderr));
    String::from_utf8_lossy(&o.stderr).into_owned()
}

#[test]
fn bad_input_gets_clear_errors_or_reasons() {
    let dir = tmp();
    let d = dir.path();
    let ok_visit = "v1,24.9400,60.1700,30,09:00-12:00,digital,fi\n";
    let head = "id,lon,lat,duration_min,windows,skills,languages\n";
    // A window that ends before it starts: file, line and field.
    let e = error_of(&day(
        d,
        &format!("{head}{ok_visit}v2,24.94,60.17,30,11:00-10:00,digital,fi\n"),
        ADVISORS,
        None,
    ));
    assert!(e.contains("visits.csv, line 3, field windows") && e.contains("ends before it starts"), "{e}");
    // An unknown skill.
    let e = error_of(&day(d, &format!("{head}{ok_visit}v2,24.94,60.17,30,,astrology,fi\n"), ADVISORS, None));
    assert!(e.contains("skill \"astrology\"") && e.contains("no advisor has"), "{e}");
    // Duplicate ids.
    let e = error_of(&day(d, &format!("{head}{ok_visit}{ok_visit}"), ADVISORS, None));
    assert!(e.contains("line 3, field id") && e.contains("already used"), "{e}");
    // A pinned session longer than the shift.
    let e = error_of(&day(
        d,
        &format!("{head}{ok_visit}"),
        ADVISORS,
        Some("id,advisor,lon,lat,start,end\ns1,a2,24.94,60.17,08:00,13:00\n"),
    ));
    assert!(e.contains("does not fit advisor \"a2\"'s shift 09:00-12:00"), "{e}");
    // A bad mode and a malformed number.
    let e = error_of(&day(
        d,
        &format!("{head}{ok_visit}"),
        "id,mode,start_lon,start_lat,shift\na1,bike,24.9,60.1,08:00-16:00\n",
        None,
    ));
    assert!(e.contains("advisors.csv, line 2, field mode") && e.contains("walk or car"), "{e}");
    let e = error_of(&day(d, &format!("{head}v1,24.94,sixty,30,,,\n"), ADVISORS, None));
    assert!(e.contains("line 2, field lat") && e.contains("not a number"), "{e}");
    // An advisor starting off the map.
    let e = error_of(&day(
        d,
        &format!("{head}{ok_visit}"),
        "id,mode,start_lon,start_lat,shift,skills,languages\na1,walk,25.5,60.5,08:00-16:00,digital,fi\n",
        None,
    ));
    assert!(e.contains("advisor \"a1\": the start is") && e.contains("walk network"), "{e}");
    // A home out at sea cannot be reached: the rest is planned, that visit comes back with a reason.
    let o = day(
        d,
        &format!("{head}{ok_visit}v2,24.9500,60.1000,30,,digital,fi\nv3,24.9350,60.1650,30,,digital,sv\n"),
        ADVISORS,
        None,
    );
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let s: Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(s["served"], 2);
    let u = &s["unserved"][0];
    assert_eq!((u["id"].as_str(), u["reason"].as_str()), (Some("v2"), Some("unreachable")));
    assert!(u["detail"].as_str().unwrap().contains("m from the nearest street"), "{u}");
}

#[test]
fn generated_requests_follow_the_seed_and_the_population() {
    let dir = tmp();
    let gen_ = |seed: &str, name: &str| {
        let out = dir.path().join(name).display().to_string();
        let o = neuvo(&["visits", "generate", "--count", "150", "--seed", seed, "--out", &out]);
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
        data_file("population/hsy_population_grid_2021.gpkg");
        std::fs::read_to_string(&out).unwrap()
    };
    let (a, b, c) = (gen_("5", "a.csv"), gen_("5", "b.csv"), gen_("6", "c.csv"));
    assert_eq!(a, b, "same seed, same requests");
    assert_ne!(a, c);
    let path = dir.path().join("a.csv").display().to_string();
    let v = rows(&path);
    assert_eq!(v.len(), 150);
    // Every home lies near a street of the walking network (within 100 m) and inside its extent.
    let walk = network(OSM, "walk");
    for r in &v {
        let p = LonLat::try_new(r["lon"].parse().unwrap(), r["lat"].parse().unwrap()).unwrap();
        assert!(walk.net.snap(p).is_ok_and(|s| s.access_m <= 100.0), "{} is far from the streets", r["id"]);
        let b = walk.net.graph().bbox().expect("a network");
        assert!(
            b[0] < p.lon() && p.lon() < b[2] && b[1] < p.lat() && p.lat() < b[3],
            "{} lies outside the map",
            r["id"]
        );
        assert!(["must", "high", "normal", "low"].contains(&r["priority"].as_str()));
    }
    // Mostly Finnish speakers, some Swedish: the assumed shares, roughly.
    let fi = v.iter().filter(|r| r["languages"].contains("fi")).count();
    let sv = v.iter().filter(|r| r["languages"].contains("sv")).count();
    assert!(fi > 120 && sv > 3, "fi {fi}, sv {sv}");
    // The generated file plans as it is.
    let advisors = sample("helsinki-advisors.csv");
    let out = dir.path().join("day").display().to_string();
    let o = neuvo(&[
        "routes",
        "--visits",
        &path,
        "--advisors",
        &advisors,
        "--date",
        "2026-12-02",
        "--out",
        &out,
        "--iterations",
        "200",
        "--json",
    ]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let s: Value = serde_json::from_slice(&o.stdout).unwrap();
    assert!(
        s["served"].as_u64().unwrap() >= 16,
        "four advisors serve a good part of 150 requests: {}",
        s["served"]
    );
}
