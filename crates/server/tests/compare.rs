//! Comparisons over HTTP, on the hand-drawn grid: the shipped comparisons are listed, two variants are compared as
//! a job whose per-cell minutes equal the nearest open site by the API's own matrix; bad requests are 4xx naming
//! what is wrong, unknown sites fail the job with the reason, and only planners, analysts and admins compare.

mod common;

use std::sync::Arc;

use common::{assert_error, network, point, server_with_planning};
use neuvo_model::{Demand, DemandCell, Group, Progress, Site, SiteStatus, VenueKind};
use neuvo_network::Network;
use neuvo_planner::{CompareScenario, DemandSpec, InputError, Inputs, LoadedDemand, NetworkSpec, SitesSpec};
use serde_json::json;

/// Inputs over values: the fixture's networks, people at six corners, three sites.
struct Values;

const CELLS: [(char, f64); 6] =
    [('a', 120.0), ('d', 40.0), ('i', 80.0), ('l', 200.0), ('f', 10.0), ('h', 60.0)];
const SITES: [char; 3] = ['b', 'k', 'e'];

impl Inputs for Values {
    fn network(&self, spec: &NetworkSpec, _: &dyn Progress) -> Result<Arc<Network>, InputError> {
        Ok(network(spec.mode))
    }

    fn demand(&self, _: &DemandSpec) -> Result<LoadedDemand, InputError> {
        let cells = CELLS
            .iter()
            .map(|&(c, n)| DemandCell {
                id: c.to_string(),
                location: point(c),
                outline: Vec::new(),
                district: Some(if "adf".contains(c) { "north" } else { "south" }.into()),
                municipality: None,
                values: vec![n, if c == 'a' { 0.0 } else { n / 10.0 }],
                estimated: false,
            })
            .collect();
        let groups = ["total", "age75"].map(|g| Group { name: g.into(), definition: g.into() }).to_vec();
        Ok(LoadedDemand { demand: Arc::new(Demand { groups, cells }), notes: vec!["values".into()] })
    }

    fn sites(&self, _: &SitesSpec, _: &NetworkSpec) -> Result<Vec<Site>, InputError> {
        Ok(SITES
            .iter()
            .map(|&c| Site {
                id: format!("site-{c}"),
                name: format!("Site {c}"),
                kind: VenueKind("service_point".into()),
                status: SiteStatus::Kept,
                location: point(c),
                opening_hours: None,
                source: "test".into(),
            })
            .collect())
    }
}

const GRID: &str = r#"
name = "grid"
title = "the test grid"
[demand]
grid = "cache/population/grid.csv"
[sites]
files = ["sites/grid.csv"]
[when]
day = "Tu"
time = "10:00"
[modes.walk]
osm = "cache/osm/grid.osm.pbf"
[modes.car]
osm = "cache/osm/grid.osm.pbf"
[variants.before]
title = "three points"
open = ["site-b", "site-k", "site-e"]
[variants.after]
title = "one point"
open = ["site-b"]
[variants.after-popups]
base = "after"
popups = [{ site = "site-k", hours = "Tu 09:00-12:00" }]
"#;

fn comparison() -> CompareScenario {
    CompareScenario::from_toml(GRID, "grid.toml").expect("valid comparison")
}

fn server() -> common::TestServer {
    server_with_planning(neuvo_server::Planning {
        inputs: Arc::new(Values),
        scenarios: Vec::new(),
        comparisons: vec![comparison()],
        schedules: Vec::new(),
        sample_day: None,
    })
}

/// Submits as `who`, waits, and returns the final status and (when done) the result.
async fn run(
    s: &common::TestServer,
    who: &str,
    body: serde_json::Value,
) -> (serde_json::Value, serde_json::Value) {
    let r = s.post("/api/v1/jobs/compare", who, body).await;
    assert_eq!(r.status, 202, "{}", r.text);
    let id = r.json["id"].as_str().expect("id").to_owned();
    for _ in 0..500 {
        let st = s.get(&format!("/api/v1/jobs/{id}"), who).await;
        match st.json["state"].as_str() {
            Some("queued" | "running") => tokio::time::sleep(std::time::Duration::from_millis(20)).await,
            Some("done") => {
                return (st.json, s.get(&format!("/api/v1/jobs/{id}/result"), who).await.json);
            }
            _ => return (st.json, serde_json::Value::Null),
        }
    }
    panic!("the job did not finish");
}

/// Minutes from each cell to the nearest of `open` by the API's own matrix, to 0.1 minute.
async fn nearest_by_matrix(s: &common::TestServer, mode: &str, open: &[char]) -> Vec<Option<f64>> {
    let pts = |v: Vec<char>| {
        v.into_iter()
            .map(|c| json!({"id": c.to_string(), "lon": point(c).lon(), "lat": point(c).lat()}))
            .collect::<Vec<_>>()
    };
    let body = json!({"mode": mode, "points": pts(CELLS.iter().map(|c| c.0).collect()), "targets": pts(open.to_vec())});
    let m = s.post("/api/v1/matrix", "analyst", body).await;
    assert_eq!(m.status, 200, "{}", m.text);
    m.json["seconds"]
        .as_array()
        .expect("rows")
        .iter()
        .map(|row| {
            row.as_array()
                .expect("row")
                .iter()
                .filter_map(serde_json::Value::as_f64)
                .reduce(f64::min)
                .map(|s| (s / 6.0).round() / 10.0)
        })
        .collect()
}

#[tokio::test]
async fn shipped_comparisons_are_listed_for_planners_analysts_and_admins() {
    let s = server();
    for who in ["planner", "analyst", "admin"] {
        let r = s.get("/api/v1/compare/scenarios", who).await;
        assert_eq!(r.status, 200, "{}", r.text);
        assert_eq!(r.json[0]["name"], "grid");
        assert_eq!(r.json[0]["modes"], json!(["car", "walk"]));
        let variants: Vec<&str> = r.json[0]["variants"]
            .as_array()
            .expect("list")
            .iter()
            .filter_map(|v| v["name"].as_str())
            .collect();
        assert_eq!(variants, ["after", "after-popups", "before"]);
        assert_eq!(r.json[0]["variants"][2]["title"], "three points");
        assert_eq!(r.json[0]["variants"][1]["base"], "after");
    }
    assert_error(&s.get("/api/v1/compare/scenarios", "advisor").await, 403, "forbidden");
    let r = s.call(axum::http::Method::GET, "/api/v1/compare/scenarios", None, None).await;
    assert_error(&r, 401, "unauthorized");
}

#[tokio::test]
async fn a_comparison_runs_as_a_job_and_its_minutes_are_the_nearest_open_sites() {
    let s = server();
    let (st, r) = run(&s, "analyst", json!({"comparison": "grid", "a": "before", "b": "after"})).await;
    assert_eq!(st["state"], "done", "{st}");
    assert_eq!(st["kind"], "compare", "{st}");
    assert_eq!(r["summary"]["a"]["name"], "before");
    assert_eq!(r["summary"]["b"]["name"], "after");
    let d = &r["difference"];
    assert_eq!(d["neuvo"]["modes"], json!(["car", "walk"]));
    assert_eq!(d["neuvo"]["groups"], json!(["total", "age75"]));
    let features = d["features"].as_array().expect("features");
    assert_eq!(features.len(), CELLS.len());
    for mode in ["car", "walk"] {
        let before = nearest_by_matrix(&s, mode, &SITES).await;
        let after = nearest_by_matrix(&s, mode, &['b']).await;
        for (i, f) in features.iter().enumerate() {
            let p = &f["properties"];
            assert_eq!(p["id"], CELLS[i].0.to_string());
            let got = |k: &str| p[format!("{mode}_{k}")].as_f64();
            assert!(got("before").zip(before[i]).is_some_and(|(x, y)| (x - y).abs() < 0.051), "{mode} {p}");
            assert!(got("after").zip(after[i]).is_some_and(|(x, y)| (x - y).abs() < 0.051), "{mode} {p}");
            let delta = got("delta").expect("reached in both");
            assert!(delta >= 0.0, "closing sites cannot shorten the nearest: {p}");
            assert!((delta - (got("after").unwrap() - got("before").unwrap())).abs() < 0.11, "{p}");
            assert_eq!(p[format!("{mode}_after_site")], "site-b");
        }
    }
    let roles: Vec<(&str, &str)> = r["sites"]["features"]
        .as_array()
        .expect("sites")
        .iter()
        .map(|f| (f["properties"]["id"].as_str().unwrap(), f["properties"]["role"].as_str().unwrap()))
        .collect();
    assert_eq!(roles, [("site-b", "both"), ("site-e", "before_only"), ("site-k", "before_only")]);
    // The pop-up counts at the moment (Tuesday 10:00): site k serves again after the closure.
    let (_, r) = run(&s, "planner", json!({"comparison": "grid", "a": "after", "b": "after-popups"})).await;
    let roles = r["sites"]["features"].to_string();
    assert!(roles.contains("\"after_only\""), "{roles}");
    assert!(r["summary"]["notes"].to_string().contains("values"), "the inputs' notes are passed on");
}

#[tokio::test]
async fn an_inline_comparison_runs_and_may_only_name_files_in_the_data_folder() {
    let s = server();
    let body = serde_json::to_value(comparison()).expect("json");
    let (st, r) = run(&s, "analyst", json!({"comparison": body, "a": "after", "b": "before"})).await;
    assert_eq!(st["state"], "done", "{st}");
    assert_eq!(r["summary"]["comparison"], "grid");
    for (field, bad) in [
        ("demand.grid", json!("/etc/passwd")),
        ("sites.files[0]", json!(["../../secrets.csv"])),
        ("modes.walk.osm", json!("C:\\osm.pbf")),
    ] {
        let mut outside = body.clone();
        match field {
            "demand.grid" => outside["demand"]["grid"] = bad,
            "sites.files[0]" => outside["sites"]["files"] = bad,
            _ => outside["modes"]["walk"]["osm"] = bad,
        }
        let r = s
            .post(
                "/api/v1/jobs/compare",
                "analyst",
                json!({"comparison": outside, "a": "before", "b": "after"}),
            )
            .await;
        assert_error(&r, 422, "invalid");
        assert!(r.text.contains(field), "{field}: {}", r.text);
    }
    // A site no input holds: the job fails and says which.
    let mut unknown = body;
    unknown["variants"]["after"]["open"] = json!(["site-b", "site-zz"]);
    let (st, _) = run(&s, "analyst", json!({"comparison": unknown, "a": "before", "b": "after"})).await;
    assert_eq!(st["state"], "failed", "{st}");
    assert!(
        st["error"].as_str().is_some_and(|e| e.contains("site-zz") && e.contains("unknown site")),
        "{st}"
    );
}

#[tokio::test]
async fn bad_requests_name_what_is_wrong() {
    let s = server();
    let r = s
        .post("/api/v1/jobs/compare", "analyst", json!({"comparison": "grid", "a": "before", "b": "later"}))
        .await;
    assert_error(&r, 422, "invalid");
    assert!(
        r.json["message"].as_str().is_some_and(|m| m.contains("\"later\"") && m.contains("after-popups")),
        "{}",
        r.text
    );
    assert_eq!(r.json["details"]["field"], "b");
    assert_error(
        &s.post(
            "/api/v1/jobs/compare",
            "analyst",
            json!({"comparison": "nowhere", "a": "before", "b": "after"}),
        )
        .await,
        404,
        "not_found",
    );
    assert_error(
        &s.post("/api/v1/jobs/compare", "analyst", json!({"comparison": 5, "a": "before", "b": "after"}))
            .await,
        422,
        "invalid",
    );
    assert_error(
        &s.post("/api/v1/jobs/compare", "analyst", json!({"comparison": "grid"})).await,
        422,
        "invalid",
    );
    assert_error(
        &s.post("/api/v1/jobs/compare", "analyst", json!({"comparison": {"name": "x"}, "a": "x", "b": "y"}))
            .await,
        422,
        "invalid",
    );
    assert_error(
        &s.post(
            "/api/v1/jobs/compare",
            "advisor",
            json!({"comparison": "grid", "a": "before", "b": "after"}),
        )
        .await,
        403,
        "forbidden",
    );
    // Without a data folder the server compares nothing, and says so.
    let bare = common::server();
    assert_error(&bare.get("/api/v1/compare/scenarios", "analyst").await, 422, "invalid");
}
