//! `neuvo locate` on the shipped scenarios and the real data: the plan's figures checked against the layers it
//! writes (an independent recount), the scenario's rules (kept open, closed shut, budgets), determinism, and
//! bad input answered with clear errors.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::{Mutex, OnceLock};

use neuvo_testkit::{data_dir, workspace_root};
use serde_json::Value;

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

fn scenario(name: &str) -> PathBuf {
    workspace_root().join("data/scenarios").join(format!("{name}.toml"))
}

/// A finished `neuvo locate --json` run: the printed summary and the folder it wrote.
struct Run {
    summary: Value,
    out: tempfile::TempDir,
}

impl Run {
    fn layer(&self, name: &str) -> Value {
        let p = self.out.path().join(name);
        serde_json::from_str(&std::fs::read_to_string(&p).expect("layer written")).expect("valid JSON")
    }
}

fn locate(name: &str, extra: &[&str]) -> Run {
    locate_file(&scenario(name), extra)
}

fn locate_file(sc: &Path, extra: &[&str]) -> Run {
    let out = tempfile::tempdir().expect("temp dir");
    let mut args = vec!["locate", "--scenario", sc.to_str().expect("utf-8"), "--out"];
    let o = out.path().to_str().expect("utf-8").to_owned();
    args.push(&o);
    args.push("--json");
    args.extend_from_slice(extra);
    let r = neuvo(&args);
    assert!(r.status.success(), "neuvo {args:?} failed ({}):\n{}", r.status, text(&r.stderr));
    let stdout = text(&r.stdout);
    let summary: Value =
        serde_json::from_str(stdout.trim()).unwrap_or_else(|e| panic!("one JSON line: {e}\n{stdout}"));
    Run { summary, out }
}

/// Each shipped scenario is run once per test binary and shared by the tests that read it.
fn shipped(name: &'static str) -> &'static Run {
    static RUNS: OnceLock<Mutex<BTreeMap<&'static str, &'static Run>>> = OnceLock::new();
    let mut m = RUNS.get_or_init(Default::default).lock().unwrap_or_else(|e| e.into_inner());
    m.entry(name).or_insert_with(|| Box::leak(Box::new(locate(name, &[]))))
}

fn ids(v: &Value) -> BTreeSet<String> {
    v.as_array().expect("array").iter().map(|x| x.as_str().expect("id").to_owned()).collect()
}

fn sites_csv(name: &str) -> Vec<(String, String, String)> {
    let text = std::fs::read_to_string(workspace_root().join("data/sites").join(name)).expect("site file");
    let mut rdr = csv::Reader::from_reader(text.as_bytes());
    rdr.records()
        .map(|r| {
            let r = r.expect("row");
            (r[0].to_owned(), r[2].to_owned(), r[3].to_owned())
        })
        .collect()
}

/// People of `group` in the cells the plan's layer marks as covered, recounted from cells.geojson, and the
/// tolerance of the recount (people are written with two decimals).
fn covered_in_layer(run: &Run, group: &str) -> (f64, f64, f64) {
    let cells = run.layer("cells.geojson");
    let mut covered = 0.0;
    let mut total = 0.0;
    let features = cells["features"].as_array().expect("features");
    for f in features {
        let p = &f["properties"];
        let n = p["people"][group].as_f64().expect("people per group");
        total += n;
        if p["covered"].as_bool().expect("covered flag") {
            covered += n;
        }
    }
    (covered, total, 0.005 * features.len() as f64 + 1e-6)
}

/// The checks every MCLP plan for Espoo must pass, by car or on foot.
fn check_espoo_plan(run: &Run, mode: &str) {
    let s = &run.summary;
    assert_eq!(s["model"], "mclp");
    assert_eq!(s["mode"], mode);
    let chosen = ids(&s["chosen"]);
    let open = ids(&s["open"]);
    assert_eq!(chosen.len(), 3, "p = 3 new sites: {s}");
    let rows: Vec<_> = sites_csv("espoo_service_points.csv")
        .into_iter()
        .chain(sites_csv("espoo_candidate_venues.csv"))
        .collect();
    let status: BTreeMap<&str, &str> = rows.iter().map(|(id, _, st)| (id.as_str(), st.as_str())).collect();
    let kind: BTreeMap<&str, &str> = rows.iter().map(|(id, k, _)| (id.as_str(), k.as_str())).collect();
    for id in &chosen {
        assert_eq!(status[id.as_str()], "candidate", "only candidates are chosen: {id}");
    }
    for (id, st) in &status {
        match *st {
            "kept" => assert!(open.contains(*id), "kept site {id} is open"),
            "closed" => assert!(!open.contains(*id), "closed site {id} stays closed"),
            _ => {}
        }
    }
    assert_eq!(open.len(), 6, "three kept and three chosen");
    let malls = chosen.iter().filter(|id| kind[id.as_str()] == "mall").count();
    assert!(malls <= 2, "the scenario's budget allows two malls: {chosen:?}");
    // The objective is the number of people aged 75+ covered (weight 1): recount it from the cells layer.
    let (covered, total, tol) = covered_in_layer(run, "age75");
    let objective = s["objective"].as_f64().expect("objective");
    assert!((objective - covered).abs() <= tol, "objective {objective} vs recount {covered} (± {tol})");
    let share = s["covered_share"]["age75"].as_f64().expect("share");
    assert!((share - covered / total).abs() < tol / total, "share {share} vs {covered}/{total}");
    // About 290 000 people live in Espoo (data README), 6–9 % of them 75+ (about 18 000 by the HSY age bands).
    let people = s["groups"]
        .as_array()
        .expect("groups")
        .iter()
        .find(|g| g["group"] == "total")
        .expect("total")["people"]
        .as_f64()
        .expect("people");
    assert!((280_000.0..=300_000.0).contains(&people), "Espoo's people in the model: {people}");
    assert!((10_000.0..=30_000.0).contains(&total), "people aged 75+: {total}");
    // Pop-ups add coverage: the trade-off table starts with the kept sites alone and never falls.
    let t = s["tradeoff"].as_array().expect("trade-off table");
    assert_eq!(t[0]["p"], 0);
    assert!(t.windows(2).all(|w| w[1]["objective"].as_f64() >= w[0]["objective"].as_f64()), "{t:?}");
    let at_p = t.iter().find(|r| r["p"] == 3).expect("row p = 3");
    assert!((at_p["objective"].as_f64().expect("obj") - objective).abs() < 1e-6);
    assert!(objective > t[0]["objective"].as_f64().expect("obj"), "three pop-ups cover more than none");
    assert!(s["knee"].as_u64().is_some(), "a knee in the trade-off curve");
    // Every open site is explained; the sites layer carries every site with its role.
    for r in s["sites"].as_array().expect("sites") {
        assert_eq!(r["explanation"].is_object(), r["open"].as_bool().expect("open"), "{r}");
    }
    let layer = run.layer("sites.geojson");
    let roles: BTreeMap<String, usize> =
        layer["features"].as_array().expect("features").iter().fold(BTreeMap::new(), |mut m, f| {
            *m.entry(f["properties"]["role"].as_str().expect("role").to_owned()).or_default() += 1;
            m
        });
    assert_eq!(roles.get("chosen"), Some(&3));
    assert_eq!(roles.get("kept"), Some(&3));
    assert_eq!(roles.get("closed"), Some(&3));
    // The caveat about the skeleton network is in the output.
    let notes = s["notes"].to_string();
    assert!(
        notes.contains("residential streets"),
        "the output says residential streets are missing: {notes}"
    );
    assert!(s["gap"].as_f64().is_some_and(|g| g <= 1e-9), "solved to optimality: {s}");
}

#[test]
fn espoo_by_car_complements_the_kept_service_points() {
    check_espoo_plan(shipped("espoo-75plus-car"), "car");
}

#[test]
fn espoo_on_foot_complements_the_kept_service_points() {
    let run = shipped("espoo-75plus-walk");
    check_espoo_plan(run, "walk");
    assert_eq!(run.summary["profile"], "walk75_skeleton");
    // Walking 15 minutes reaches far fewer older people than driving 15 minutes.
    let car = shipped("espoo-75plus-car").summary["covered_share"]["age75"].as_f64().expect("share");
    let walk = run.summary["covered_share"]["age75"].as_f64().expect("share");
    assert!(walk < car, "walking covers less than driving: {walk} vs {car}");
}

#[test]
fn central_helsinki_on_foot_chooses_among_osm_venues() {
    let run = shipped("helsinki-centre-walk");
    let s = &run.summary;
    let chosen = ids(&s["chosen"]);
    assert_eq!(chosen.len(), 4);
    assert!(chosen.iter().all(|id| id.starts_with("osm:")), "{chosen:?}");
    let (covered, _, tol) = covered_in_layer(run, "age75");
    assert!((s["objective"].as_f64().expect("obj") - covered).abs() <= tol);
    let malls = s["sites"]
        .as_array()
        .expect("sites")
        .iter()
        .filter(|r| r["chosen"] == true && r["kind"] == "mall")
        .count();
    assert!(malls <= 1, "budget: one mall");
}

#[test]
fn the_same_scenario_gives_the_same_plan() {
    let a = shipped("helsinki-centre-walk");
    let b = locate("helsinki-centre-walk", &[]);
    for key in ["chosen", "open", "objective", "covered_share", "tradeoff", "knee"] {
        assert_eq!(a.summary[key], b.summary[key], "{key}");
    }
    assert_eq!(
        std::fs::read(a.out.path().join("sites.geojson")).expect("a"),
        std::fs::read(b.out.path().join("sites.geojson")).expect("b"),
        "byte-identical site layers"
    );
    assert_eq!(a.layer("cells.geojson"), b.layer("cells.geojson"));
}

/// p-median and p-center on the central Helsinki scenario: their objectives recounted from the cells layer
/// (minutes there are rounded to 0.1, so within a tolerance).
#[test]
fn p_median_and_p_center_objectives_match_the_cells_layer() {
    let med = locate("helsinki-centre-walk", &["--model", "pmedian", "--no-tradeoff"]);
    let cells = med.layer("cells.geojson");
    let mut sum = 0.0;
    let mut worst: f64 = 0.0;
    for f in cells["features"].as_array().expect("features") {
        let p = &f["properties"];
        let w = p["people"]["age75"].as_f64().expect("w");
        // Cells too far from the streets reach no site and are left out of the model (and named in the notes).
        let Some(m) = p["minutes"].as_f64() else { continue };
        sum += w * m * 60.0;
        if w > 0.0 {
            worst = worst.max(m);
        }
    }
    let obj = med.summary["objective"].as_f64().expect("obj");
    assert!((obj - sum).abs() <= 0.01 * sum, "p-median objective {obj} vs recount {sum}");
    let cen = locate("helsinki-centre-walk", &["--model", "pcenter", "--no-tradeoff"]);
    let obj = cen.summary["objective"].as_f64().expect("obj");
    let cells = cen.layer("cells.geojson");
    let worst_c = cells["features"]
        .as_array()
        .expect("features")
        .iter()
        .filter(|f| f["properties"]["people"]["age75"].as_f64() > Some(0.0))
        .filter_map(|f| f["properties"]["minutes"].as_f64())
        .fold(0.0, f64::max);
    assert!((obj / 60.0 - worst_c).abs() <= 0.051, "p-center {obj} s vs the worst cell {worst_c} min");
    // p-center minimises the worst trip: it is no worse than the p-median plan's worst trip.
    assert!(obj / 60.0 <= worst + 0.051, "p-center {} min vs p-median's worst {worst} min", obj / 60.0);
}

/// LSCP opens the fewest sites that cover everyone any site can cover: as many people aged 75+ as opening every
/// candidate does (on the central Helsinki scenario without its budget, so that every candidate may open).
#[test]
fn lscp_covers_everyone_it_can() {
    let dir = tempfile::tempdir().expect("temp");
    let sc = write_scenario(dir.path(), "helsinki-centre-walk", |t| t.replace("budget = { mall = 1 }\n", ""));
    let run = locate_file(&sc, &["--model", "lscp", "--no-tradeoff"]);
    let s = &run.summary;
    assert_eq!(s["model"], "lscp");
    let chosen = ids(&s["chosen"]).len();
    assert!(chosen >= 1 && (s["objective"].as_f64().expect("obj") - chosen as f64).abs() < 1e-9, "{s}");
    // Candidates the network reaches (a site too far from the streets takes no part).
    let candidates = s["sites"]
        .as_array()
        .expect("sites")
        .iter()
        .filter(|r| r["status"] == "candidate" && r["unreachable"].is_null())
        .count();
    assert!(chosen < candidates, "LSCP needs fewer sites than all {candidates}");
    let every = candidates.to_string();
    let all = locate_file(&sc, &["--p", &every, "--no-tradeoff"]);
    let (lscp, _, tol) = covered_in_layer(&run, "age75");
    let (most, _, _) = covered_in_layer(&all, "age75");
    assert!((lscp - most).abs() <= tol, "LSCP covers {lscp}, every site open covers {most}");
}

fn write_scenario(dir: &Path, base: &str, edit: impl Fn(String) -> String) -> PathBuf {
    let text = std::fs::read_to_string(scenario(base)).expect("scenario");
    let p = dir.join("bad.toml");
    std::fs::write(&p, edit(text)).expect("write");
    p
}

fn fails(path: &Path, extra: &[&str]) -> String {
    let mut args = vec!["locate", "--scenario", path.to_str().expect("utf-8"), "--no-tradeoff"];
    args.extend_from_slice(extra);
    let o = neuvo(&args);
    assert_eq!(o.status.code(), Some(2), "exit 2 for bad input, got {:?}:\n{}", o.status, text(&o.stderr));
    text(&o.stderr)
}

#[test]
fn bad_scenarios_get_clear_errors() {
    let dir = tempfile::tempdir().expect("temp");
    let d = dir.path();
    let base = "helsinki-centre-walk";
    let e = fails(
        &write_scenario(d, base, |t| {
            t.replace("osm_venues = true", "osm_venues = true\nkept = [\"library-that-is-not-there\"]")
        }),
        &[],
    );
    assert!(e.contains("sites.kept") && e.contains("unknown site \"library-that-is-not-there\""), "{e}");
    let e = fails(
        &write_scenario(d, base, |t| t.replace("weights = { age75 = 1.0 }", "weights = { age95 = 1.0 }")),
        &[],
    );
    assert!(e.contains("unknown group \"age95\""), "{e}");
    let e = fails(&write_scenario(d, base, |t| t.replace("\"age80\", ", "\"age80\", \"ika_yli100\", ")), &[]);
    assert!(e.contains("ika_yli100"), "a group the grid cannot make is named: {e}");
    let e = fails(&scenario(base), &["--minutes", "0"]);
    assert!(e.contains("locate.minutes") && e.contains("positive"), "{e}");
    let e = fails(&scenario(base), &["--minutes", "-3"]);
    assert!(e.contains("locate.minutes"), "{e}");
    let e = fails(
        &write_scenario(d, base, |t| {
            t.replace("osm_venues = true", "osm_venues = true\nrequired = [\"a\", \"b\", \"c\"]")
        }),
        &["--p", "2"],
    );
    assert!(e.contains("3 sites are required but p = 2"), "{e}");
    let e = fails(
        &write_scenario(d, base, |t| t.replace("budget = { mall = 1 }", "budget = { castle = 1 }")),
        &[],
    );
    assert!(e.contains("no site is of kind \"castle\""), "{e}");
    // Asking one site to reach 99 % of the people aged 75+ that any site could reach cannot be met, and the
    // error says why.
    let e = fails(
        &write_scenario(d, base, |t| t.replace("budget = { mall = 1 }", "min_share = { age75 = 0.99 }")),
        &["--p", "1"],
    );
    assert!(e.contains("cannot be met") && e.contains("age75"), "{e}");
    let e = fails(&write_scenario(d, base, |t| t.replace("minutes = 10", "minutes = 10\nminutse = 3")), &[]);
    assert!(e.contains("minutse"), "{e}");
}

/// The worst share of weighted people covered among a summary's districts.
fn worst_district_share(s: &Value, group: &str) -> f64 {
    s["districts"]
        .as_array()
        .expect("districts")
        .iter()
        .filter_map(|d| d["groups"].as_array().expect("groups").iter().find(|g| g["group"] == group))
        .filter(|g| g["people"].as_f64() > Some(0.0))
        .map(|g| g["share"].as_f64().expect("share"))
        .fold(f64::INFINITY, f64::min)
}

/// Equity over districts raises the worst-covered district of Espoo at least to where the plain plan leaves it,
/// and never beats the plain plan's total coverage (which is the most any three sites reach).
#[test]
fn equity_over_districts_lifts_the_worst_district() {
    let dir = tempfile::tempdir().expect("temp");
    let sc = write_scenario(dir.path(), "espoo-75plus-walk", |t| {
        t.replace("budget = { mall = 2 }", "budget = { mall = 2 }\nequity = \"districts\"")
    });
    let fair = locate_file(&sc, &["--no-tradeoff"]);
    let plain = shipped("espoo-75plus-walk");
    let (f, p) = (&fair.summary, &plain.summary);
    assert!(
        worst_district_share(f, "age75") >= worst_district_share(p, "age75") - 1e-9,
        "worst district: {} with equity, {} without",
        worst_district_share(f, "age75"),
        worst_district_share(p, "age75")
    );
    let covered = |s: &Value| s["covered_share"]["age75"].as_f64().expect("share");
    assert!(covered(f) <= covered(p) + 1e-9, "equity cannot cover more people than the plain optimum");
    assert_eq!(ids(&f["chosen"]).len(), 3);
}

/// With capacities (advisor-hours per site against expected visits) a plan covers at most what the uncapacitated
/// plan covers, and every open site serves no more visits than its hours allow.
#[test]
fn capacities_limit_what_each_site_serves() {
    let dir = tempfile::tempdir().expect("temp");
    let sc = write_scenario(dir.path(), "espoo-75plus-car", |t| {
        t.replace(
            "budget = { mall = 2 }",
            "budget = { mall = 2 }\ncapacity = { visits_per_person = { age75 = 0.05 }, \
             advisor_hours = { default = 8, service_point = 40 }, visits_per_advisor_hour = 3 }",
        )
    });
    let cap = locate_file(&sc, &["--no-tradeoff"]);
    let free = shipped("espoo-75plus-car");
    let obj = |r: &Run| r.summary["objective"].as_f64().expect("objective");
    assert!(obj(&cap) <= obj(free) + 1e-6, "capacities cannot add coverage: {} vs {}", obj(&cap), obj(free));
    // 3 kept service points × 40 h + 3 pop-ups × 8 h, at 3 visits an hour and 0.05 visits per person: at most
    // 432 visits, so at most 8 640 people aged 75+ can be served.
    assert!(obj(&cap) <= 432.0 / 0.05 + 1e-6, "{}", obj(&cap));
    assert!(obj(&cap) > 0.0);
    let mut served = 0.0;
    for site in cap.summary["sites"].as_array().expect("sites") {
        let visits = site["visits"].as_f64().expect("visits per site in a capacitated run");
        let capacity = site["capacity"].as_f64().expect("capacity");
        assert!(visits <= capacity + 0.01, "{} serves {visits} visits, can {capacity}", site["id"]);
        assert!(site["open"] == true || visits == 0.0, "a closed site serves nobody: {site}");
        served += visits;
    }
    // Every covered person aged 75+ is served: the visits add up to the objective's people at 0.05 each.
    assert!(
        (served - 0.05 * obj(&cap)).abs() <= 0.01 * 20.0 + 1e-6,
        "{served} visits for {} people",
        obj(&cap)
    );
}
