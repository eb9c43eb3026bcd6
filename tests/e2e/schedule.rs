//! `neuvo schedule` on the shipped Espoo week: every session checked against the venues' hours, the advisors'
//! hours, kinds and languages, travel by plain Dijkstra on a network built here, spacing and frequency; calendars
//! read back by an independent parser; the same weekday and hour every week; bad input answered with clear errors.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use neuvo_model::{LonLat, OpeningHours};
use neuvo_testkit::{data_dir, workspace_root};
use serde_json::Value;

use crate::support::network;

fn neuvo(args: &[&str]) -> Output {
    let dd = data_dir();
    Command::new(env!("CARGO_BIN_EXE_neuvo"))
        .args(["--data-dir", dd.to_str().expect("utf-8 path")])
        .args(args)
        .current_dir(workspace_root())
        .output()
        .expect("the binary runs")
}

fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

fn scenario() -> PathBuf {
    workspace_root().join("data/scenarios/espoo-week.toml")
}

fn schedule(file: &Path, weeks: &str, out: &Path) -> Value {
    let args = [
        "schedule",
        "--scenario",
        file.to_str().unwrap(),
        "--weeks",
        weeks,
        "--out",
        out.to_str().unwrap(),
        "--json",
    ];
    let r = neuvo(&args);
    assert!(r.status.success(), "neuvo {args:?} failed:\n{}", text(&r.stderr));
    serde_json::from_str(text(&r.stdout).trim()).expect("one JSON line")
}

fn minutes(hhmm: &str) -> u16 {
    let (h, m) = hhmm.split_once(':').unwrap();
    h.parse::<u16>().unwrap() * 60 + m.parse::<u16>().unwrap()
}

fn weekday(d: &str) -> usize {
    neuvo_model::WEEKDAYS.iter().position(|w| *w == d).unwrap()
}

/// Advisors as the shipped CSV gives them: kinds, languages, hours, base.
fn advisors() -> BTreeMap<String, (Vec<String>, Vec<String>, OpeningHours)> {
    let mut r = csv::Reader::from_path(workspace_root().join("data/schedule/espoo-advisors.csv")).unwrap();
    r.deserialize::<BTreeMap<String, String>>()
        .map(|row| {
            let row = row.unwrap();
            let list = |k: &str| row[k].split(';').map(str::to_owned).collect::<Vec<_>>();
            (
                row["id"].clone(),
                (list("kinds"), list("languages"), OpeningHours::parse(&row["hours"]).unwrap()),
            )
        })
        .collect()
}

#[test]
fn the_espoo_rotation_keeps_every_rule_and_repeats_weekly() {
    let out = tempfile::tempdir().unwrap();
    let s = schedule(&scenario(), "2", out.path());
    let sessions = s["sessions"].as_array().unwrap();
    assert_eq!(s["weeks"], 2);
    assert!(s["shortfalls"].as_array().unwrap().is_empty(), "{}", s["shortfalls"]);
    assert_eq!(sessions.len() as u64, s["wanted"].as_u64().unwrap());
    assert!(s["milp"]["optimal"].as_bool().unwrap());
    let advisors = advisors();
    let venues: BTreeMap<&str, &Value> =
        s["venues"].as_array().unwrap().iter().map(|v| (v["id"].as_str().unwrap(), v)).collect();
    // Venue coordinates from the site files, for the travel check.
    let mut at: BTreeMap<String, LonLat> = BTreeMap::new();
    for f in ["espoo_service_points.csv", "espoo_candidate_venues.csv"] {
        let mut r = csv::Reader::from_path(workspace_root().join("data/sites").join(f)).unwrap();
        for row in r.deserialize::<BTreeMap<String, String>>() {
            let row = row.unwrap();
            at.insert(
                row["id"].clone(),
                LonLat::try_new(row["lon"].parse().unwrap(), row["lat"].parse().unwrap()).unwrap(),
            );
        }
    }
    let mut by_advisor_day: BTreeMap<(String, String), Vec<&Value>> = BTreeMap::new();
    let mut by_group: BTreeMap<(String, String), Vec<chrono::NaiveDate>> = BTreeMap::new();
    for x in sessions {
        let (adv, venue, kind) =
            (x["advisor"].as_str().unwrap(), x["venue"].as_str().unwrap(), x["kind"].as_str().unwrap());
        let (kinds, languages, hours) = &advisors[adv];
        let (wd, a, b) = (
            weekday(x["weekday"].as_str().unwrap()),
            minutes(x["start"].as_str().unwrap()),
            minutes(x["end"].as_str().unwrap()),
        );
        assert!(kinds.iter().any(|k| k == kind), "{adv} holds no {kind} sessions");
        if let Some(l) = x["language"].as_str() {
            assert!(languages.iter().any(|x| x == l), "{adv} does not speak {l}");
        }
        assert!(hours.is_open(wd, a, b), "{adv} is not at work {x}");
        let vh = OpeningHours::parse(venues[venue]["hours"].as_str().unwrap()).unwrap();
        assert!(vh.is_open(wd, a, b), "{venue} is closed {x}");
        let date: chrono::NaiveDate = x["date"].as_str().unwrap().parse().unwrap();
        assert_eq!(date.format("%a").to_string()[..2], *x["weekday"].as_str().unwrap());
        by_advisor_day.entry((adv.to_owned(), x["date"].as_str().unwrap().to_owned())).or_default().push(x);
        by_group.entry((venue.to_owned(), kind.to_owned())).or_default().push(date);
    }
    // One session at a time, with time to drive between venues (plain Dijkstra on the car network built here).
    let built = network("osm/hsl_area_transit_route_roads_2022.osm.pbf", "car");
    let net = &built.net;
    for ((adv, date), mut v) in by_advisor_day {
        v.sort_by_key(|x| minutes(x["start"].as_str().unwrap()));
        assert!(v.len() <= 2, "{adv} holds {} sessions on {date}", v.len());
        for w in v.windows(2) {
            let gap = minutes(w[1]["start"].as_str().unwrap()) - minutes(w[0]["end"].as_str().unwrap());
            let (from, to) = (w[0]["venue"].as_str().unwrap(), w[1]["venue"].as_str().unwrap());
            if from != to {
                let (a, b) = (net.snap(at[from]).unwrap(), net.snap(at[to]).unwrap());
                let t = net.dijkstra_weights(&a, &[Some(b)])[0].time().0.div_ceil(60_000);
                assert!(
                    t <= u32::from(gap),
                    "{adv} on {date}: {t} min from {from} to {to} in a {gap} min gap"
                );
            }
        }
    }
    // Sessions of a kind at a venue are two days apart or more.
    for ((venue, kind), mut dates) in by_group.clone() {
        dates.sort();
        for w in dates.windows(2) {
            assert!((w[1] - w[0]).num_days() >= 2, "{venue} {kind}: {} and {}", w[0], w[1]);
        }
    }
    // Frequency from need: one general session a week per 1 200 people aged 75+ the venue is nearest for, 1 to 3;
    // the Swedish session on top at Saunalahti; a debt adviser on Tuesdays and a social adviser on Thursdays at Sello.
    for (id, v) in &venues {
        let want = v["nearest_for"].as_f64().map_or(1, |n| ((n / 1200.0).ceil() as usize).clamp(1, 3));
        let extra = usize::from(*id == "espoo-lib:saunalahti");
        let held = by_group.get(&(id.to_string(), "general".into())).map_or(0, Vec::len);
        assert_eq!(held, 2 * (want + extra), "{id}: general sessions over two weeks");
    }
    for (kind, day) in [("debt", "Tu"), ("social", "Th")] {
        let v: Vec<&Value> = sessions.iter().filter(|x| x["kind"] == kind).collect();
        assert_eq!(v.len(), 2);
        assert!(v.iter().all(|x| x["venue"] == "espoo-lib:sello" && x["weekday"] == day));
    }
    assert_eq!(sessions.iter().filter(|x| x["language"] == "sv").count(), 2);
    // The same weekday and hour every week.
    let pattern = |week: u32| -> BTreeSet<(String, String, String, String, Option<String>)> {
        sessions
            .iter()
            .filter(|x| {
                let d: chrono::NaiveDate = x["date"].as_str().unwrap().parse().unwrap();
                (d - chrono::NaiveDate::from_ymd_opt(2026, 12, 7).unwrap()).num_days() / 7 == i64::from(week)
            })
            .map(|x| {
                (
                    x["venue"].as_str().unwrap().into(),
                    x["kind"].as_str().unwrap().into(),
                    x["weekday"].as_str().unwrap().into(),
                    x["start"].as_str().unwrap().into(),
                    x["language"].as_str().map(str::to_owned),
                )
            })
            .collect()
    };
    assert_eq!(pattern(0), pattern(1));
    assert_eq!(s["patterns"].as_u64().unwrap() as usize, pattern(0).len());

    // One calendar per advisor and per venue, read back by the icalendar crate.
    let count_events = |file: &str| -> (usize, String) {
        let body = std::fs::read_to_string(out.path().join(file)).unwrap_or_else(|e| panic!("{file}: {e}"));
        let cal: icalendar::Calendar = body.parse().unwrap_or_else(|e| panic!("{file}: {e}"));
        (cal.components.iter().filter(|c| matches!(c, icalendar::CalendarComponent::Event(_))).count(), body)
    };
    for id in advisors.keys() {
        let (n, _) = count_events(&format!("advisor-{id}.ics"));
        assert_eq!(n, sessions.iter().filter(|x| x["advisor"] == id.as_str()).count(), "{id}'s calendar");
    }
    for id in venues.keys() {
        let (n, body) = count_events(&format!("venue-{}.ics", id.replace(':', "_")));
        assert_eq!(n, sessions.iter().filter(|x| x["venue"] == *id).count(), "{id}'s timetable");
        for adv in advisors.keys() {
            assert!(!body.contains(adv.as_str()), "{id}'s public timetable names {adv}");
        }
    }
    let csv_rows = csv::Reader::from_path(out.path().join("rotation.csv")).unwrap().records().count();
    assert_eq!(csv_rows, sessions.len());
    let html = std::fs::read_to_string(out.path().join("timetable.html")).unwrap();
    assert_eq!(html.matches("<table").count(), 2, "one table per week");
    assert!(advisors.keys().all(|a| !html.contains(a.as_str())));

    // Day plans: every session of the rotation is held, at its hours, by its advisor, in that advisor's day file;
    // home visits go round them, and what is left out says why.
    let days = s["days"].as_array().unwrap();
    assert_eq!(days.len(), 10, "Monday to Friday, two weeks");
    for d in days {
        let date = d["date"].as_str().unwrap();
        for u in d["unserved"].as_array().unwrap() {
            assert!(!u["id"].as_str().unwrap().starts_with("S-"), "{date}: session {} not held", u["id"]);
            assert!(
                ["language", "skill", "time_window", "shift", "not_worth_it", "unreachable"]
                    .contains(&u["reason"].as_str().unwrap())
            );
        }
        assert_eq!(
            d["served"].as_u64().unwrap() + d["unserved"].as_array().unwrap().len() as u64,
            d["visits"].as_u64().unwrap()
        );
        for adv in advisors.keys() {
            let todays: Vec<&Value> =
                sessions.iter().filter(|x| x["date"] == date && x["advisor"] == adv.as_str()).collect();
            let path = out.path().join(format!("day-{date}-{adv}.geojson"));
            if !path.exists() {
                assert!(todays.is_empty(), "{adv} has sessions on {date} but no day plan");
                continue;
            }
            let day: Value = serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
            let held: Vec<String> = day["features"]
                .as_array()
                .unwrap()
                .iter()
                .filter(|f| f["properties"]["layer"] == "stop" && f["properties"]["kind"] == "session")
                .map(|f| f["properties"]["start_time"].as_str().unwrap()[11..16].to_owned())
                .collect();
            let mut want: Vec<String> =
                todays.iter().map(|x| x["start"].as_str().unwrap().to_owned()).collect();
            want.sort();
            assert_eq!(held, want, "{adv} on {date}: sessions in the day plan");
            let (n, _) = count_events(&format!("day-{date}-{adv}.ics"));
            assert!(n >= held.len());
        }
    }

    // The same inputs give the same rotation and day plans.
    let again_dir = tempfile::tempdir().unwrap();
    let again = schedule(&scenario(), "2", again_dir.path());
    assert_eq!(again["sessions"], s["sessions"]);
    assert_eq!(again["days"], s["days"]);
}

#[test]
fn bad_rotations_are_clear_errors() {
    let original = std::fs::read_to_string(scenario()).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let run = |name: &str, body: &str| -> String {
        let p = dir.path().join(name);
        std::fs::write(&p, body).unwrap();
        let r = neuvo(&[
            "schedule",
            "--scenario",
            p.to_str().unwrap(),
            "--out",
            dir.path().join("out").to_str().unwrap(),
        ]);
        assert_eq!(r.status.code(), Some(2), "{name}: {}", text_of(&r));
        text(&r.stderr)
    };
    fn text_of(r: &Output) -> String {
        format!("{}{}", text(&r.stdout), text(&r.stderr))
    }
    // Venues without opening hours and no assumption: an error, never an all-day venue.
    let e = run("no-hours.toml", &original.replace("default_hours = \"Mo-Fr 09:00-17:00\"\n", ""));
    assert!(e.contains("has no opening hours in its data") && e.contains("rotation.default_hours"), "{e}");
    // Three debt sessions a week on Tuesdays only.
    let e = run(
        "spacing.toml",
        &original.replacen("per_week = 1\nweekdays = [\"Tu\"]", "per_week = 3\nweekdays = [\"Tu\"]", 1),
    );
    assert!(e.contains("3 sessions a week cannot be 2 days apart") && e.contains("at most 1"), "{e}");
    // An advisor never at work during a whole slot.
    let advisors = std::fs::read_to_string(workspace_root().join("data/schedule/espoo-advisors.csv"))
        .unwrap()
        .replace("Mo-Th 09:00-17:00", "Sa 08:00-09:00");
    let adv_file = dir.path().join("advisors.csv");
    std::fs::write(&adv_file, advisors).unwrap();
    let e = run(
        "advisor.toml",
        &original.replace(
            "file = \"schedule/espoo-advisors.csv\"",
            &format!("file = {:?}", adv_file.to_str().unwrap()),
        ),
    );
    assert!(e.contains("adv-bertil") && e.contains("never available for a whole session slot"), "{e}");
    // An unknown venue, and a malformed advisors' file with its line and column.
    let e = run(
        "unknown.toml",
        &original.replace("extra = [\"espoo-lib:sello\"]", "extra = [\"espoo-lib:selo\"]"),
    );
    assert!(e.contains("venues.extra[0]") && e.contains("unknown site \"espoo-lib:selo\""), "{e}");
    std::fs::write(
        &adv_file,
        "id,kinds,languages,hours,base_lon,base_lat\nx,general,fi,Mo-Fr 9 to 5,24.7,60.2\n",
    )
    .unwrap();
    let e = run(
        "bad-csv.toml",
        &original.replace(
            "file = \"schedule/espoo-advisors.csv\"",
            &format!("file = {:?}", adv_file.to_str().unwrap()),
        ),
    );
    assert!(e.contains("advisors.csv") && e.contains("line 2") && e.contains("hours"), "{e}");
}

/// The stops of an advisor's day file: (kind, start `HH:MM`), in order.
fn stops(path: &Path) -> Vec<(String, String)> {
    let day: Value = serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    day["features"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["properties"]["layer"] == "stop")
        .filter(|f| ["visit", "session"].contains(&f["properties"]["kind"].as_str().unwrap()))
        .map(|f| {
            let p = &f["properties"];
            (p["kind"].as_str().unwrap().to_owned(), p["start_time"].as_str().unwrap()[11..16].to_owned())
        })
        .collect()
}

#[test]
fn an_advisor_falling_ill_keeps_what_was_done_and_moves_the_rest() {
    // The first plan, to find an advisor with work on both sides of noon.
    let first = tempfile::tempdir().unwrap();
    let s = schedule(&scenario(), "1", first.path());
    let advisors = advisors();
    let mut pick = None;
    'days: for d in s["days"].as_array().unwrap() {
        let date = d["date"].as_str().unwrap();
        for adv in advisors.keys() {
            let p = first.path().join(format!("day-{date}-{adv}.geojson"));
            if !p.exists() {
                continue;
            }
            let st = stops(&p);
            if st.iter().any(|(_, t)| t.as_str() < "12:00")
                && st.iter().any(|(k, t)| k == "visit" && t.as_str() >= "12:00")
            {
                pick = Some((date.to_owned(), adv.clone()));
                break 'days;
            }
        }
    }
    let (date, ill) = pick.expect("some advisor works before and after noon");
    let out = tempfile::tempdir().unwrap();
    let sc = scenario();
    let args = [
        "schedule",
        "--scenario",
        sc.to_str().unwrap(),
        "--weeks",
        "1",
        "--out",
        out.path().to_str().unwrap(),
        "--json",
        "--ill",
        &ill,
        "--on",
        &date,
        "--at",
        "12:00",
    ];
    let r = neuvo(&args);
    assert!(r.status.success(), "{}", text(&r.stderr));
    let s2: Value = serde_json::from_str(text(&r.stdout).trim()).unwrap();
    assert_eq!(s2["sessions"], s["sessions"], "the rotation itself does not change");
    let rp = &s2["replanned"];
    assert_eq!(rp["changes"]["ill"], ill.as_str());
    let day = s["days"].as_array().unwrap().iter().find(|d| d["date"] == date.as_str()).unwrap();
    assert_eq!(
        rp["served"].as_u64().unwrap() + rp["unserved"].as_array().unwrap().len() as u64,
        day["visits"].as_u64().unwrap(),
        "every request is served or listed"
    );
    let new_stops = |adv: &str| -> Vec<(String, String, String)> {
        rp["advisors"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|a| a["id"] == adv)
            .flat_map(|a| a["stops"].as_array().unwrap().iter())
            .filter(|x| x["kind"] != "break")
            .map(|x| {
                (
                    x["kind"].as_str().unwrap().into(),
                    x["id"].as_str().unwrap().into(),
                    x["start"].as_str().unwrap()[..5].into(),
                )
            })
            .collect()
    };
    for adv in advisors.keys() {
        let old_path = out.path().join(format!("day-{date}-{adv}.geojson"));
        let old = if old_path.exists() { stops(&old_path) } else { Vec::new() };
        let new = new_stops(adv);
        // What began before noon stays with its advisor at its time.
        for (kind, t) in old.iter().filter(|(_, t)| t.as_str() < "12:00") {
            assert!(
                new.iter().any(|(k, _, nt)| k == kind && nt == t),
                "{adv}'s {kind} at {t} moved: {new:?}"
            );
        }
        // Nothing begun before noon is new.
        for (kind, _, t) in new.iter().filter(|(_, _, t)| t.as_str() < "12:00") {
            assert!(
                old.iter().any(|(k, ot)| k == kind && ot == t),
                "{adv} gained a {kind} at {t} before noon"
            );
        }
        if *adv == ill {
            assert!(
                new.iter().all(|(_, _, t)| t.as_str() < "12:00"),
                "{ill} still works after noon: {new:?}"
            );
        }
    }
    // The ill advisor's afternoon visits went to others or are listed; their afternoon sessions are cancelled.
    let moved = rp["changes"]["moved"].as_array().unwrap();
    assert!(!moved.is_empty(), "{ill} had visits after noon");
    for m in moved {
        let id = m.as_str().unwrap();
        let taken = advisors
            .keys()
            .filter(|a| **a != ill)
            .any(|a| new_stops(a).iter().any(|(_, i, t)| i == id && t.as_str() >= "12:00"));
        let listed = rp["unserved"].as_array().unwrap().iter().any(|u| u["id"] == id);
        assert!(taken || listed, "visit {id} neither moved nor listed");
    }
    let cancelled: Vec<&str> =
        rp["changes"]["cancelled_sessions"].as_array().unwrap().iter().map(|x| x.as_str().unwrap()).collect();
    let afternoon_sessions = s["sessions"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|x| {
            x["date"] == date.as_str()
                && x["advisor"] == ill.as_str()
                && x["start"].as_str().unwrap() >= "12:00"
        })
        .count();
    assert_eq!(cancelled.len(), afternoon_sessions);
    // A time outside the shift, and an advisor not at work, are errors.
    let bad = neuvo(&[
        "schedule",
        "--scenario",
        sc.to_str().unwrap(),
        "--weeks",
        "1",
        "--out",
        out.path().to_str().unwrap(),
        "--ill",
        "adv-nobody",
        "--on",
        &date,
        "--at",
        "12:00",
    ]);
    assert_eq!(bad.status.code(), Some(2));
    assert!(
        text(&bad.stderr).contains("adv-nobody") && text(&bad.stderr).contains("the day's advisors"),
        "{}",
        text(&bad.stderr)
    );
}
