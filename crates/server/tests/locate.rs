//! Location plans over HTTP, on the hand-drawn grid: the shipped scenarios are listed, a plan runs as a job and
//! its objective equals the best found by trying every site against the API's own matrix; bad requests are 4xx
//! with reasons, impossible demands fail with an explanation, and only planners, analysts and admins may plan.

mod common;

use std::sync::Arc;

use common::{assert_error, network, point, server_with_planning};
use neuvo_model::{Demand, DemandCell, Group, Mode, Progress, Site, SiteStatus, VenueKind};
use neuvo_network::Network;
use neuvo_planner::{DemandSpec, InputError, Inputs, LoadedDemand, NetworkSpec, Scenario, SitesSpec};
use serde_json::json;

/// Inputs over values: the fixture's walking network, people at six corners, sites at four others.
struct Values;

const CELLS: [(char, f64); 6] =
    [('a', 120.0), ('d', 40.0), ('i', 80.0), ('l', 200.0), ('f', 10.0), ('h', 60.0)];
const SITES: [(char, &str, SiteStatus); 4] = [
    ('b', "library", SiteStatus::Candidate),
    ('c', "mall", SiteStatus::Candidate),
    ('j', "library", SiteStatus::Candidate),
    ('k', "service_point", SiteStatus::Closed),
];

impl Inputs for Values {
    fn network(&self, _: &NetworkSpec, _: &dyn Progress) -> Result<Arc<Network>, InputError> {
        Ok(network(Mode::Walk))
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
                values: vec![n, n / 10.0],
                estimated: false,
            })
            .collect();
        let groups = ["total", "age75"].map(|g| Group { name: g.into(), definition: g.into() }).to_vec();
        Ok(LoadedDemand { demand: Arc::new(Demand { groups, cells }), notes: vec!["values".into()] })
    }

    fn sites(&self, _: &SitesSpec, _: &NetworkSpec) -> Result<Vec<Site>, InputError> {
        Ok(SITES
            .iter()
            .map(|&(c, kind, status)| Site {
                id: format!("site-{c}"),
                name: format!("Site {c}"),
                kind: VenueKind(kind.into()),
                status,
                location: point(c),
                opening_hours: None,
                source: "test".into(),
            })
            .collect())
    }
}

fn scenario(p: usize, minutes: f64) -> Scenario {
    Scenario::from_toml(
        &format!(
            r#"
name = "grid"
title = "the test grid"
[network]
osm = "cache/osm/grid.osm.pbf"
mode = "walk"
[demand]
grid = "cache/population/grid.csv"
[sites]
files = ["sites/grid.csv"]
[locate]
model = "mclp"
p = {p}
minutes = {minutes}
weights = {{ total = 1.0 }}
"#
        ),
        "grid.toml",
    )
    .expect("valid scenario")
}

fn server() -> common::TestServer {
    server_with_planning(neuvo_server::Planning {
        inputs: Arc::new(Values),
        scenarios: vec![scenario(1, 2.0)],
        comparisons: Vec::new(),
        schedules: Vec::new(),
        sample_day: None,
    })
}

async fn finish(s: &common::TestServer, body: serde_json::Value) -> serde_json::Value {
    let r = s.post("/api/v1/jobs/locate", "planner", body).await;
    assert_eq!(r.status, 202, "{}", r.text);
    let id = r.json["id"].as_str().expect("id").to_owned();
    for _ in 0..500 {
        let st = s.get(&format!("/api/v1/jobs/{id}"), "planner").await;
        match st.json["state"].as_str() {
            Some("done") => return s.get(&format!("/api/v1/jobs/{id}/result"), "planner").await.json,
            Some("queued" | "running") => tokio::time::sleep(std::time::Duration::from_millis(20)).await,
            _ => return st.json,
        }
    }
    panic!("the job did not finish");
}

/// People covered by the best single open site, tried one by one against the API's own travel-time matrix.
async fn best_by_trying_each_site(s: &common::TestServer, minutes: f64) -> f64 {
    let pts = |v: Vec<(String, char)>| {
        v.into_iter()
            .map(|(id, c)| json!({"id": id, "lon": point(c).lon(), "lat": point(c).lat()}))
            .collect::<Vec<_>>()
    };
    let cells = pts(CELLS.iter().map(|&(c, _)| (c.to_string(), c)).collect());
    let sites = pts(SITES
        .iter()
        .filter(|s| s.2 == SiteStatus::Candidate)
        .map(|&(c, ..)| (c.to_string(), c))
        .collect());
    let m =
        s.post("/api/v1/matrix", "planner", json!({"mode": "walk", "points": cells, "targets": sites})).await;
    assert_eq!(m.status, 200, "{}", m.text);
    let secs = m.json["seconds"].as_array().expect("rows");
    (0..sites.len())
        .map(|j| {
            CELLS
                .iter()
                .enumerate()
                .filter(|(i, _)| secs[*i][j].as_f64().is_some_and(|t| t <= minutes * 60.0 + 1e-9))
                .map(|(_, (_, n))| n)
                .sum::<f64>()
        })
        .fold(0.0, f64::max)
}

#[tokio::test]
async fn a_shipped_scenario_runs_as_a_job_and_finds_the_best_site() {
    let s = server();
    let list = s.get("/api/v1/locate/scenarios", "planner").await;
    assert_eq!(list.status, 200, "{}", list.text);
    assert_eq!(list.json[0]["name"], "grid");
    assert_eq!(list.json[0]["p"], 1);
    let r = finish(&s, json!({"scenario": "grid"})).await;
    let summary = &r["summary"];
    assert_eq!(summary["chosen"].as_array().map(Vec::len), Some(1), "{r}");
    let best = best_by_trying_each_site(&s, 2.0).await;
    assert!(
        best > 0.0 && best < CELLS.iter().map(|c| c.1).sum::<f64>(),
        "a site covers some people, not all"
    );
    assert!((summary["objective"].as_f64().expect("objective") - best).abs() < 1e-9, "{summary} vs {best}");
    // The closed site is drawn as closed and never opened; every cell is in the cells layer.
    let closed =
        r["sites"]["features"].as_array().expect("sites").iter().find(|f| f["properties"]["id"] == "site-k");
    assert_eq!(closed.expect("site k")["properties"]["role"], "closed");
    assert_eq!(r["cells"]["features"].as_array().map(Vec::len), Some(CELLS.len()));
    assert!(summary["notes"].to_string().contains("values"), "the inputs' notes are passed on");
    // Overrides: two sites within 3 minutes.
    let r = finish(&s, json!({"scenario": "grid", "overrides": {"p": 2, "minutes": 3.0}, "tradeoff": false}))
        .await;
    assert_eq!(r["summary"]["chosen"].as_array().map(Vec::len), Some(2), "{r}");
    assert_eq!(r["summary"]["minutes"], 3.0);
}

#[tokio::test]
async fn a_posted_scenario_runs_and_may_only_name_files_in_the_data_folder() {
    let s = server();
    let body = serde_json::to_value(scenario(1, 2.0)).expect("json");
    let r = finish(&s, json!({"body": body})).await;
    assert_eq!(r["summary"]["scenario"], "grid");
    let mut outside = body.clone();
    outside["demand"]["grid"] = json!("/etc/passwd");
    let r = s.post("/api/v1/jobs/locate", "planner", json!({"body": outside})).await;
    assert_error(&r, 422, "invalid");
    assert!(r.text.contains("demand.grid"), "{}", r.text);
    let mut up = body;
    up["sites"]["files"] = json!(["../../secrets.csv"]);
    assert_error(&s.post("/api/v1/jobs/locate", "planner", json!({"body": up})).await, 422, "invalid");
}

#[tokio::test]
async fn bad_requests_and_impossible_plans_are_explained() {
    let s = server();
    assert_error(
        &s.post("/api/v1/jobs/locate", "planner", json!({"scenario": "nowhere"})).await,
        404,
        "not_found",
    );
    assert_error(&s.post("/api/v1/jobs/locate", "planner", json!({})).await, 422, "invalid");
    let r = s
        .post("/api/v1/jobs/locate", "planner", json!({"scenario": "grid", "overrides": {"minutes": 0}}))
        .await;
    assert_error(&r, 422, "invalid");
    assert!(r.text.contains("locate.minutes"), "{}", r.text);
    let r =
        s.post("/api/v1/jobs/locate", "planner", json!({"scenario": "grid", "overrides": {"p": 9}})).await;
    assert_eq!(r.status, 202, "{}", r.text);
    let id = r.json["id"].as_str().expect("id").to_owned();
    let done = loop {
        let st = s.get(&format!("/api/v1/jobs/{id}"), "planner").await;
        if !["queued", "running"].contains(&st.json["state"].as_str().unwrap_or("")) {
            break st.json;
        }
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    };
    assert_eq!(done["state"], "failed", "{done}");
    assert!(done["error"].as_str().is_some_and(|e| e.contains("candidate")), "the reason is given: {done}");
}

#[tokio::test]
async fn only_planners_analysts_and_admins_plan() {
    let s = server();
    assert_error(&s.get("/api/v1/locate/scenarios", "advisor").await, 403, "forbidden");
    assert_error(
        &s.post("/api/v1/jobs/locate", "advisor", json!({"scenario": "grid"})).await,
        403,
        "forbidden",
    );
    let r = s.call(axum::http::Method::GET, "/api/v1/locate/scenarios", None, None).await;
    assert_error(&r, 401, "unauthorized");
    assert_eq!(s.get("/api/v1/locate/scenarios", "analyst").await.status, 200);
}
