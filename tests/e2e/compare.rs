//! `neuvo compare` on the shipped comparisons and the real data: closing sites never shortens anyone's trip and
//! adding pop-ups never lengthens one; the tables add up to the per-cell layer; the polars tables equal the
//! access crate's; walking and driving times equal plain Dijkstra on networks built here; transit never loses to
//! walking all the way; pop-ups count only within their hours; bad comparisons are clear errors.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use neuvo_model::LonLat;
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

fn comparison(name: &str) -> PathBuf {
    workspace_root().join("data/scenarios").join(format!("{name}.toml"))
}

/// A finished `neuvo compare --json` run.
struct Run {
    summary: Value,
    out: tempfile::TempDir,
}

impl Run {
    fn json(&self, name: &str) -> Value {
        serde_json::from_str(&std::fs::read_to_string(self.out.path().join(name)).expect("written"))
            .expect("valid JSON")
    }

    fn cells(&self) -> Vec<Value> {
        let d = self.json("difference.geojson");
        d["features"].as_array().expect("features").iter().map(|f| f["properties"].clone()).collect()
    }

    fn csv(&self, name: &str) -> Vec<BTreeMap<String, String>> {
        let mut r = csv::Reader::from_path(self.out.path().join(name)).expect("table written");
        let headers = r.headers().expect("header").clone();
        r.records()
            .map(|rec| {
                let rec = rec.expect("row");
                headers.iter().zip(rec.iter()).map(|(h, v)| (h.to_owned(), v.to_owned())).collect()
            })
            .collect()
    }
}

fn compare(file: &Path, a: &str, b: &str) -> Run {
    let out = tempfile::tempdir().expect("temp dir");
    let o = out.path().to_str().expect("utf-8").to_owned();
    let args = ["compare", "--scenario", file.to_str().expect("utf-8"), a, b, "--out", &o, "--json"];
    let r = neuvo(&args);
    assert!(r.status.success(), "neuvo {args:?} failed ({}):\n{}", r.status, text(&r.stderr));
    let stdout = text(&r.stdout);
    let summary =
        serde_json::from_str(stdout.trim()).unwrap_or_else(|e| panic!("one JSON line: {e}\n{stdout}"));
    Run { summary, out }
}

fn f(v: &Value) -> Option<f64> {
    v.as_f64()
}

fn modes(run: &Run) -> Vec<String> {
    run.summary["modes"].as_array().unwrap().iter().map(|m| m["mode"].as_str().unwrap().to_owned()).collect()
}

/// The summary's figures recounted from the per-cell layer: people, losers, winners, Σ people × Δ and the mean
/// time before and after, for every mode and group.
fn recount(run: &Run) {
    let cells = run.cells();
    let s = &run.summary;
    for m in s["modes"].as_array().unwrap() {
        let mode = m["mode"].as_str().unwrap();
        assert_eq!(m["cells"].as_u64().unwrap() as usize, cells.len(), "{mode}: one feature per cell");
        for g in m["groups"].as_array().unwrap() {
            let group = g["group"].as_str().unwrap();
            let (mut people, mut losers, mut winners, mut pm, mut slack) = (0.0, 0.0, 0.0, 0.0, 0.0);
            let (mut sum_b, mut n_b, mut sum_a, mut n_a) = (0.0, 0.0, 0.0, 0.0);
            for c in &cells {
                let n = c["people"][group].as_f64().unwrap_or(0.0);
                if n <= 0.0 {
                    continue;
                }
                people += n;
                if let Some(d) = f(&c[format!("{mode}_delta")]) {
                    if d > 0.0 {
                        losers += n;
                    } else if d < 0.0 {
                        winners += n;
                    }
                    pm += n * d;
                    slack += n * 0.05;
                }
                if let Some(t) = f(&c[format!("{mode}_before")]) {
                    sum_b += n * t;
                    n_b += n;
                }
                if let Some(t) = f(&c[format!("{mode}_after")]) {
                    sum_a += n * t;
                    n_a += n;
                }
            }
            // People counts in the layer are rounded to 0.01 per cell.
            let tol = 0.01 * cells.len() as f64;
            assert!((g["a"]["people"].as_f64().unwrap() - people).abs() <= tol, "{mode}/{group} people");
            // A delta rounded to 0.0 in the layer may be a tiny real change: allow those cells' people.
            let ch = &g["change"];
            let tiny: f64 = cells
                .iter()
                .filter(|c| f(&c[format!("{mode}_delta")]) == Some(0.0))
                .map(|c| c["people"][group].as_f64().unwrap_or(0.0))
                .sum();
            assert!(
                (ch["loser_people"].as_f64().unwrap() - losers).abs() <= tiny + tol,
                "{mode}/{group} losers"
            );
            assert!(
                (ch["winner_people"].as_f64().unwrap() - winners).abs() <= tiny + tol,
                "{mode}/{group} winners"
            );
            assert!(
                (ch["person_minutes_delta"].as_f64().unwrap() - pm).abs() <= slack + 1.0,
                "{mode}/{group}: Σ people × Δ {} vs {pm}",
                ch["person_minutes_delta"]
            );
            if n_b > 0.0 {
                let mean = g["a"]["mean_minutes"].as_f64().unwrap();
                assert!(
                    (mean - sum_b / n_b).abs() <= 0.06,
                    "{mode}/{group} mean before {mean} vs {}",
                    sum_b / n_b
                );
            }
            if n_a > 0.0 {
                let mean = g["b"]["mean_minutes"].as_f64().unwrap();
                assert!(
                    (mean - sum_a / n_a).abs() <= 0.06,
                    "{mode}/{group} mean after {mean} vs {}",
                    sum_a / n_a
                );
            }
        }
    }
}

/// The polars tables (within.csv, districts.csv) equal the summary's tables computed by neuvo-access.
fn tables_agree(run: &Run) {
    let num = |s: &str| if s.is_empty() { None } else { Some(s.parse::<f64>().expect("number")) };
    let close = |a: Option<f64>, b: Option<f64>, what: &str| match (a, b) {
        (Some(x), Some(y)) => assert!((x - y).abs() <= 1e-6 * (1.0 + x.abs()), "{what}: {x} vs {y}"),
        (None, None) => {}
        _ => panic!("{what}: {a:?} vs {b:?}"),
    };
    let within = run.csv("within.csv");
    let rows = run.summary["tables"]["within"].as_array().unwrap();
    assert_eq!(within.len(), rows.len(), "one CSV row per group × mode × threshold");
    for r in rows {
        let key = (r["mode"].as_str().unwrap(), r["group"].as_str().unwrap(), r["minutes"].as_f64().unwrap());
        let c = within
            .iter()
            .find(|c| c["mode"] == key.0 && c["group"] == key.1 && num(&c["minutes"]) == Some(key.2))
            .unwrap_or_else(|| panic!("no CSV row for {key:?}"));
        for k in ["a_share", "b_share", "a_people", "b_people", "change_points"] {
            close(num(&c[k]), f(&r[k]), &format!("{key:?} {k}"));
        }
    }
    // Districts: polars groups only rows with people of the group, so rows without people are not in the CSV.
    let districts = run.csv("districts.csv");
    let rows: Vec<&Value> = run.summary["tables"]["districts"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| r["people"].as_f64().unwrap() > 0.0)
        .collect();
    assert_eq!(districts.len(), rows.len(), "one CSV row per district × group × mode with people");
    let nan_none = |x: Option<f64>| x.filter(|x| x.is_finite());
    for r in rows {
        let d = r["district"].as_str().unwrap_or("");
        let (mode, group) = (r["mode"].as_str().unwrap(), r["group"].as_str().unwrap());
        let c = districts
            .iter()
            .find(|c| c["mode"] == mode && c["group"] == group && c["district"] == d)
            .unwrap_or_else(|| panic!("no CSV row for {mode}/{group}/{d}"));
        for k in [
            "people",
            "a_mean_minutes",
            "b_mean_minutes",
            "winner_people",
            "loser_people",
            "mean_change_minutes",
        ] {
            close(nan_none(num(&c[k])), f(&r[k]), &format!("{mode}/{group}/{d} {k}"));
        }
    }
}

fn site_ids(run: &Run, variant: &str) -> BTreeSet<String> {
    run.summary[variant]["sites"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|s| s["open_at_moment"] == true)
        .map(|s| s["id"].as_str().unwrap().to_owned())
        .collect()
}

#[test]
fn espoo_closures_only_lengthen_trips_and_the_tables_add_up() {
    let run = compare(&comparison("espoo-2021"), "before", "after");
    assert_eq!(modes(&run), ["car", "walk"]);
    let six = site_ids(&run, "a");
    let kept = site_ids(&run, "b");
    assert_eq!(six.len(), 6);
    assert_eq!(
        kept,
        ["espoo-sp:kalajarvi", "espoo-sp:leppavaara", "espoo-sp:matinkyla"].map(String::from).into()
    );
    let mut lost = 0;
    for c in run.cells() {
        for m in ["car", "walk"] {
            let (b, a) = (f(&c[format!("{m}_before")]), f(&c[format!("{m}_after")]));
            let (sb, sa) = (&c[format!("{m}_before_site")], &c[format!("{m}_after_site")]);
            if let (Some(b), Some(a)) = (b, a) {
                // Closing sites never brings the nearest open one closer.
                assert!(a >= b, "{m} cell {}: {b} → {a}", c["id"]);
                assert!(six.contains(sb.as_str().unwrap()) && kept.contains(sa.as_str().unwrap()));
                // Where the nearest was a kept point, it still is, at the same time.
                if kept.contains(sb.as_str().unwrap()) {
                    assert_eq!(sb, sa, "{m} cell {}", c["id"]);
                    assert_eq!(c[format!("{m}_delta")], 0.0);
                } else {
                    lost += 1;
                }
                // The second-nearest is never nearer than the nearest.
                if let Some(s2) = f(&c[format!("{m}_before_second")]) {
                    assert!(s2 >= b);
                }
            }
        }
    }
    assert!(lost > 100, "only {lost} cells lost their nearest point");
    for m in run.summary["modes"].as_array().unwrap() {
        for g in m["groups"].as_array().unwrap() {
            assert_eq!(g["change"]["winner_people"], 0.0, "nobody wins from closures");
            assert!(g["change"]["loser_people"].as_f64().unwrap() > 0.0);
            for (wa, wb) in
                g["a"]["within"].as_array().unwrap().iter().zip(g["b"]["within"].as_array().unwrap())
            {
                assert!(wb["people"].as_f64().unwrap() <= wa["people"].as_f64().unwrap() + 1e-6);
            }
        }
    }
    recount(&run);
    tables_agree(&run);
    // The same inputs give the same bytes.
    let again = compare(&comparison("espoo-2021"), "before", "after");
    for layer in ["difference.geojson", "sites.geojson", "within.csv", "districts.csv"] {
        let read = |r: &Run| std::fs::read_to_string(r.out.path().join(layer)).unwrap();
        assert!(read(&run) == read(&again), "{layer} differs between two runs");
    }
}

#[test]
fn popups_chosen_by_locate_win_time_back_only_within_their_hours() {
    let run = compare(&comparison("espoo-2021"), "after", "after-popups");
    // The pop-ups are the sites `neuvo locate` chooses for the scenario the comparison names.
    let sc = workspace_root().join("data/scenarios/espoo-75plus-car.toml");
    let out = tempfile::tempdir().unwrap();
    let r = neuvo(&[
        "locate",
        "--scenario",
        sc.to_str().unwrap(),
        "--no-tradeoff",
        "--json",
        "--out",
        out.path().to_str().unwrap(),
    ]);
    assert!(r.status.success(), "{}", text(&r.stderr));
    let plan: Value = serde_json::from_str(text(&r.stdout).trim()).unwrap();
    let chosen: BTreeSet<String> =
        plan["chosen"].as_array().unwrap().iter().map(|x| x.as_str().unwrap().to_owned()).collect();
    let popups: BTreeSet<String> = run.summary["b"]["sites"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|s| s["hours"].is_string())
        .map(|s| s["id"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(popups, chosen);
    assert!(site_ids(&run, "b").is_superset(&site_ids(&run, "a")));
    let mut gained = 0;
    for c in run.cells() {
        for m in ["car", "walk"] {
            if let Some(d) = f(&c[format!("{m}_delta")]) {
                assert!(d <= 0.0, "{m} cell {}: adding pop-ups lengthened a trip by {d}", c["id"]);
                gained += usize::from(d < 0.0);
            }
        }
    }
    assert!(gained > 50, "only {gained} cells gained");
    recount(&run);
    tables_agree(&run);

    // On a Wednesday the Tuesday–Thursday pop-ups are closed: nothing changes, and the notes say why.
    let text_we =
        std::fs::read_to_string(comparison("espoo-2021")).unwrap().replace("day = \"Tu\"", "day = \"We\"");
    let dir = tempfile::tempdir().unwrap();
    let we = dir.path().join("espoo-wednesday.toml");
    std::fs::write(&we, text_we).unwrap();
    let run = compare(&we, "after", "after-popups");
    assert_eq!(site_ids(&run, "b"), site_ids(&run, "a"));
    for c in run.cells() {
        for m in ["car", "walk"] {
            assert_eq!(c[format!("{m}_before")], c[format!("{m}_after")]);
        }
    }
    let notes = run.summary["notes"].to_string();
    assert!(notes.contains("outside their hours at We 10:00 do not count"), "{notes}");
}

#[test]
fn helsinki_walk_and_car_equal_dijkstra_and_transit_never_loses_to_walking() {
    let run = compare(&comparison("helsinki-centre-transit"), "libraries", "oodi");
    assert_eq!(modes(&run), ["car", "transit", "walk"]);
    let transit = run.summary["modes"].as_array().unwrap().iter().find(|m| m["mode"] == "transit").unwrap();
    assert_eq!(transit["service_date"], "2022-02-22", "the service day comes from the feed");
    let sites = run.json("sites.geojson");
    let site_at: BTreeMap<String, LonLat> = sites["features"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| {
            let c = &s["geometry"]["coordinates"];
            (
                s["properties"]["id"].as_str().unwrap().to_owned(),
                LonLat::try_new(c[0].as_f64().unwrap(), c[1].as_f64().unwrap()).unwrap(),
            )
        })
        .collect();
    let open_a = site_ids(&run, "a");
    let open_b = site_ids(&run, "b");
    assert_eq!(open_a.len(), 3);
    assert_eq!(open_b.len(), 1);
    let cells = run.cells();
    for (mode, profile) in [("walk", "walk75"), ("car", "car")] {
        let built = network("osm/helsinki_centre_2024.osm.pbf", profile);
        let net = &built.net;
        let ids: Vec<&String> = open_a.iter().collect();
        let targets: Vec<_> = ids.iter().map(|id| net.snap(site_at[*id]).ok()).collect();
        for c in cells.iter().step_by(3) {
            let ctr = &c["centre"];
            let p = LonLat::try_new(ctr[0].as_f64().unwrap(), ctr[1].as_f64().unwrap()).unwrap();
            let Ok(from) = net.snap(p) else {
                assert!(c[format!("{mode}_before")].is_null(), "{mode} cell {} off the network", c["id"]);
                continue;
            };
            let w = net.dijkstra_weights(&from, &targets);
            let best = |open: &BTreeSet<String>| {
                ids.iter()
                    .zip(&w)
                    .filter(|(id, w)| open.contains(**id) && !w.is_infinite())
                    .map(|(_, w)| w.time().0 as f64 / 60_000.0)
                    .fold(None, |m: Option<f64>, t| Some(m.map_or(t, |m| m.min(t))))
            };
            for (key, open) in [("before", &open_a), ("after", &open_b)] {
                let got = f(&c[format!("{mode}_{key}")]);
                let want = best(open);
                match (got, want) {
                    (Some(g), Some(w)) => {
                        // The layer rounds to 0.1 min; the centre is rounded to 1e-6°.
                        assert!((g - w).abs() <= 0.06, "{mode} {key} cell {}: {g} vs Dijkstra {w}", c["id"]);
                    }
                    (None, None) => {}
                    _ => panic!("{mode} {key} cell {}: {got:?} vs Dijkstra {want:?}", c["id"]),
                }
            }
        }
    }
    let mut rides = 0;
    for c in &cells {
        for key in ["before", "after"] {
            let (t, w) = (f(&c[format!("transit_{key}")]), f(&c[format!("walk_{key}")]));
            // Walking all the way (up to an hour) is one of transit's options, on the same streets and speed.
            if let Some(w) = w.filter(|w| *w <= 60.0) {
                let t =
                    t.unwrap_or_else(|| panic!("cell {} walks in {w} but transit finds nothing", c["id"]));
                assert!(t <= w + 0.1 + 1e-9, "cell {} {key}: transit {t} > walk {w}", c["id"]);
                rides += usize::from(t < w - 1.0);
            }
        }
        if let Some(d) = f(&c["transit_delta"]) {
            assert!(d >= 0.0, "closing libraries shortened a transit trip: cell {}", c["id"]);
        }
    }
    assert!(rides > 20, "riding beats walking by a minute in only {rides} cases");
    recount(&run);
    tables_agree(&run);
}

#[test]
fn bad_comparisons_are_clear_errors() {
    let original = std::fs::read_to_string(comparison("espoo-2021")).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let write = |name: &str, text: &str| {
        let p = dir.path().join(name);
        std::fs::write(&p, text).unwrap();
        p
    };
    // An unknown site: file, line and field, the id, and the known ids.
    let typo = write("typo.toml", &original.replace("\"espoo-sp:tapiola\",", "\"espoo-sp:tapiolla\","));
    let line = original.lines().position(|l| l.contains("\"espoo-sp:tapiola\",")).unwrap() + 1;
    let r = neuvo(&["compare", "--scenario", typo.to_str().unwrap(), "before", "after"]);
    assert_eq!(r.status.code(), Some(2), "{}", text(&r.stderr));
    let e = text(&r.stderr);
    assert!(e.contains(&format!("line {line}, variants.before.open[2]")), "{e}");
    assert!(e.contains("unknown site \"espoo-sp:tapiolla\"; did you mean \"espoo-sp:tapiola\"?"), "{e}");
    // An unknown variant names the variants there are.
    let r = neuvo(&["compare", "--scenario", comparison("espoo-2021").to_str().unwrap(), "before", "afterr"]);
    assert_eq!(r.status.code(), Some(2));
    let e = text(&r.stderr);
    assert!(e.contains("no variant \"afterr\"") && e.contains("after, after-popups, before"), "{e}");
    // Bad hours and an unknown mode, reported together with the file's name.
    let bad = write(
        "bad.toml",
        &original.replace("Tu,Th 10:00-14:00", "Tuesdays at ten").replace("[modes.walk]", "[modes.bike]"),
    );
    let r = neuvo(&["compare", "--scenario", bad.to_str().unwrap(), "before", "after"]);
    assert_eq!(r.status.code(), Some(2));
    let e = text(&r.stderr);
    assert!(e.contains("bad.toml") && e.contains("modes.bike") && e.contains("popups_from.hours"), "{e}");
    // A comparison that is not TOML: the parser's line and column.
    let broken = write("broken.toml", "name = \"x\"\n[when\n");
    let r = neuvo(&["compare", "--scenario", broken.to_str().unwrap(), "a", "b"]);
    assert_eq!(r.status.code(), Some(2));
    assert!(text(&r.stderr).contains("line 2"), "{}", text(&r.stderr));
}
