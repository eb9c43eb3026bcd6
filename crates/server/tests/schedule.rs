//! Rotations over HTTP, on the hand-drawn grid: the shipped rotation scenarios are listed, a rotation runs as a job
//! whose sessions meet its requirements, and bad requests are 4xx naming what is wrong before anything is queued;
//! planners, analysts and admins plan, only planners and admins publish, advisors do neither.

mod common;

use std::sync::Arc;

use common::{assert_error, network, point, server_with_planning};
use neuvo_model::{Progress, Site, SiteStatus, VenueKind};
use neuvo_network::Network;
use neuvo_planner::schedule::ScheduleScenario;
use neuvo_planner::{DemandSpec, InputError, Inputs, LoadedDemand, NetworkSpec, SitesSpec};
use serde_json::json;

/// Inputs over values: the fixture's car network, two sites open on weekdays, two advisors.
struct Values;

impl Inputs for Values {
    fn network(&self, spec: &NetworkSpec, _: &dyn Progress) -> Result<Arc<Network>, InputError> {
        Ok(network(spec.mode))
    }

    fn demand(&self, _: &DemandSpec) -> Result<LoadedDemand, InputError> {
        Err(InputError("no demand in this test".into()))
    }

    fn sites(&self, _: &SitesSpec, _: &NetworkSpec) -> Result<Vec<Site>, InputError> {
        Ok(['b', 'k']
            .iter()
            .map(|&c| Site {
                id: format!("site-{c}"),
                name: format!("Site {c}"),
                kind: VenueKind("library".into()),
                status: SiteStatus::Kept,
                location: point(c),
                opening_hours: Some("Mo-Fr 09:00-17:00".into()),
                source: "test".into(),
            })
            .collect())
    }

    fn text(&self, path: &str) -> Result<String, InputError> {
        assert_eq!(path, "schedule/advisors.csv");
        let (a, l) = (point('a'), point('l'));
        Ok(format!(
            "id,name,kinds,languages,skills,hours,max_per_day,max_per_week,base_lon,base_lat\n\
             anna,Anna,general,fi,,Mo-Fr 08:00-16:00,1,5,{},{}\n\
             bo,Bo,general;debt,sv;fi,,Mo-Fr 08:00-16:00,1,5,{},{}\n",
            a.lon(),
            a.lat(),
            l.lon(),
            l.lat()
        ))
    }
}

const GRID: &str = r#"
name = "grid-week"
title = "a week on the test grid"
[rotation]
start = "2026-12-07"
weeks = 1
slots = ["09:00-12:00", "13:00-16:00"]
min_spacing_days = 2
time_limit_s = 10
seed = 1
[network]
osm = "cache/osm/grid.osm.pbf"
mode = "car"
[sites]
files = ["sites/grid.csv"]
[venues]
extra = ["site-b", "site-k"]
[[requirements]]
venue = "site-b"
kind = "general"
per_week = 2
[[requirements]]
venue = "site-k"
kind = "debt"
per_week = 1
weekdays = ["Tu"]
[advisors]
file = "schedule/advisors.csv"
"#;

fn server() -> common::TestServer {
    server_with_planning(neuvo_server::Planning {
        inputs: Arc::new(Values),
        scenarios: Vec::new(),
        comparisons: Vec::new(),
        schedules: vec![ScheduleScenario::from_toml(GRID, "grid-week.toml").expect("valid rotation")],
        sample_day: None,
    })
}

/// Submits as `who`, waits, and returns the final status and (when done) the result.
async fn run(
    s: &common::TestServer,
    who: &str,
    body: serde_json::Value,
) -> (serde_json::Value, serde_json::Value) {
    let r = s.post("/api/v1/jobs/schedule", who, body).await;
    assert_eq!(r.status, 202, "{}", r.text);
    let id = r.json["id"].as_str().expect("id").to_owned();
    for _ in 0..1000 {
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

#[tokio::test]
async fn shipped_rotations_are_listed_for_planners_analysts_and_admins() {
    let s = server();
    for who in ["planner", "analyst", "admin"] {
        let r = s.get("/api/v1/schedule/scenarios", who).await;
        assert_eq!(r.status, 200, "{}", r.text);
        assert_eq!(r.json[0]["name"], "grid-week");
        assert_eq!(r.json[0]["weeks"], 1);
        assert_eq!(r.json[0]["start"], "2026-12-07");
        assert_eq!(r.json[0]["body"]["venues"]["extra"], json!(["site-b", "site-k"]));
    }
    assert_error(&s.get("/api/v1/schedule/scenarios", "advisor").await, 403, "forbidden");
    let r = s.call(axum::http::Method::GET, "/api/v1/schedule/scenarios", None, None).await;
    assert_error(&r, 401, "unauthorized");
}

#[tokio::test]
async fn a_rotation_runs_as_a_job_and_holds_its_requirements() {
    let s = server();
    let (st, r) = run(&s, "analyst", json!({"scenario": "grid-week"})).await;
    assert_eq!(st["state"], "done", "{st}");
    assert_eq!(st["kind"], "schedule", "{st}");
    let sessions = r["summary"]["sessions"].as_array().expect("sessions");
    let count = |venue: &str, kind: &str| {
        sessions.iter().filter(|x| x["venue"] == venue && x["kind"] == kind).count()
    };
    assert_eq!(count("site-b", "general"), 2, "{sessions:?}");
    assert_eq!(count("site-k", "debt"), 1, "{sessions:?}");
    let debt = sessions.iter().find(|x| x["kind"] == "debt").expect("debt");
    assert_eq!((&debt["weekday"], &debt["advisor"]), (&json!("Tu"), &json!("bo")), "{debt}");
    assert_eq!(r["plan"]["sessions"].as_array().map(Vec::len), Some(sessions.len()));
    let files = r["files"].as_array().expect("files");
    assert!(
        files.contains(&json!("rotation.csv")) && files.contains(&json!("advisor-anna.ics")),
        "{files:?}"
    );
    assert!(r.get("advisor_days").is_some_and(serde_json::Value::is_array), "{r}");
    // Only the names of the files, not their contents.
    assert!(!r.to_string().contains("BEGIN:VCALENDAR"));
}

#[tokio::test]
async fn bad_rotation_requests_are_refused_before_anything_is_queued() {
    let s = server();
    let post = |who: &'static str, body: serde_json::Value| {
        let s = &s;
        async move { s.post("/api/v1/jobs/schedule", who, body).await }
    };
    assert_error(&post("advisor", json!({"scenario": "grid-week"})).await, 403, "forbidden");
    assert_error(&post("analyst", json!({"scenario": "grid-week", "publish": true})).await, 403, "forbidden");
    assert_error(&post("planner", json!({"scenario": "nowhere"})).await, 404, "not_found");
    for weeks in [0, 13] {
        let r = post("planner", json!({"scenario": "grid-week", "weeks": weeks})).await;
        assert_error(&r, 422, "invalid");
        assert_eq!(r.json["details"]["field"], "weeks", "{}", r.text);
    }
    let mut inline: serde_json::Value =
        serde_json::to_value(ScheduleScenario::from_toml(GRID, "grid").expect("valid")).expect("JSON");
    inline["advisors"]["file"] = json!("/etc/advisors.csv");
    let r = post("planner", json!({"scenario": inline})).await;
    assert_error(&r, 422, "invalid");
    assert_eq!(r.json["details"]["issues"][0]["field"], "advisors.file", "{}", r.text);
    let r = post("planner", json!({"scenario": 7})).await;
    assert_error(&r, 422, "invalid");
    for (ill, field) in [
        (json!({"advisor": "anna", "date": "2026-12-24", "at": "10:00"}), "ill.date"),
        (json!({"advisor": "anna", "date": "7.12.2026", "at": "10:00"}), "ill.date"),
        (json!({"advisor": "anna", "date": "2026-12-08", "at": "ten"}), "ill.at"),
    ] {
        let r = post("planner", json!({"scenario": "grid-week", "ill": ill})).await;
        assert_error(&r, 422, "invalid");
        assert_eq!(r.json["details"]["field"], field, "{}", r.text);
    }
    let jobs = s.get("/api/v1/jobs", "admin").await;
    assert_eq!(jobs.json.as_array().map(Vec::len), Some(0), "{}", jobs.text);
}
