//! The advisors' job over HTTP on the fixture grid: a day planned as a job, each advisor's day published as their
//! plan, downloads in every format, an advisor seeing only their own day, clients' details only when asked.

mod common;

use common::{assert_error, point, server};
use serde_json::{Value, json};

fn visits_csv() -> String {
    // The first two clients are the walking advisor's own (bound to them), the rest go to whoever fits.
    let mut t = String::from("id,lon,lat,duration_min,windows,skills,languages,name,address,advisor\n");
    for (i, c) in ['a', 'd', 'i', 'l', 'g', 'j'].iter().enumerate() {
        let p = point(*c);
        let own = if i < 2 { "advisor" } else { "" };
        t += &format!(
            "C-{i},{:.6},{:.6},30,09:00-15:00,digital,fi,Client Name {i},Street {i},{own}\n",
            p.lon(),
            p.lat()
        );
    }
    t
}

fn advisors_csv() -> String {
    let f = point('f');
    format!(
        "id,mode,start_lon,start_lat,shift,skills,languages,breaks\n\
         advisor,walk,{lon:.6},{lat:.6},08:00-16:00,digital,fi,11:00-13:00/30\n\
         advisor2,car,{lon:.6},{lat:.6},08:00-16:00,digital,fi,\n\
         ghost,walk,{lon:.6},{lat:.6},08:00-16:00,digital,fi,\n",
        lon = f.lon(),
        lat = f.lat()
    )
}

async fn finish(s: &common::TestServer, body: Value) -> Value {
    let r = s.post("/api/v1/jobs/routes", "planner", body).await;
    assert_eq!(r.status, 202, "{}", r.text);
    let id = r.json["id"].as_str().expect("id").to_owned();
    for _ in 0..1000 {
        let st = s.get(&format!("/api/v1/jobs/{id}"), "planner").await;
        match st.json["state"].as_str() {
            Some("done") => return s.get(&format!("/api/v1/jobs/{id}/result"), "planner").await.json,
            Some("queued" | "running") => tokio::time::sleep(std::time::Duration::from_millis(20)).await,
            _ => panic!("the job failed: {}", st.text),
        }
    }
    panic!("the job did not finish");
}

fn day_request(publish: bool, reveal: bool) -> Value {
    json!({"date": "2026-12-01", "visits_csv": visits_csv(), "advisors_csv": advisors_csv(), "iterations": 300,
        "time_limit_s": 30, "publish": publish, "reveal_client_details": reveal, "balance": 0})
}

#[tokio::test]
async fn a_published_day_reaches_only_its_advisor() {
    let s = server();
    let r = finish(&s, day_request(true, false)).await;
    let summary = &r["summary"];
    assert_eq!(summary["visits"], 6);
    assert_eq!(summary["served"].as_u64().unwrap() + summary["unserved"].as_array().unwrap().len() as u64, 6);
    assert!(summary["solver"]["feasible"].as_bool().unwrap());
    // The summary and the map layer carry pseudonyms only.
    assert!(!r.to_string().contains("Client Name") && !r.to_string().contains("Street "));
    assert!(
        r["routes"]["features"].as_array().unwrap().iter().all(|f| f["properties"]["advisor"].is_string())
    );
    let published = r["published"].as_array().unwrap();
    let plan_of =
        |who: &str| published.iter().find(|p| p["advisor"] == who).and_then(|p| p["plan_id"].as_i64());
    for p in published {
        if p["advisor"] == "ghost" {
            assert!(p["plan_id"].is_null() && p["reason"].as_str().unwrap().contains("neuvo user add ghost"));
        }
    }
    let mine = plan_of("advisor").expect("the walking advisor has a day");

    // The advisor lists and downloads their own day in every format.
    let list = s.get("/api/v1/plans", "advisor").await;
    assert_eq!(list.status, 200);
    let ids: Vec<i64> = list.json.as_array().unwrap().iter().map(|p| p["id"].as_i64().unwrap()).collect();
    assert_eq!(ids, vec![mine], "an advisor lists only their own day");
    for (format, starts, ctype) in [
        ("gpx", "<?xml", "application/gpx+xml"),
        ("ics", "BEGIN:VCALENDAR", "text/calendar"),
        ("geojson", "{", "application/geo+json"),
        ("csv", "seq,", "text/csv"),
        ("html", "<!DOCTYPE html>", "text/html"),
    ] {
        let d = s.get(&format!("/api/v1/plans/{mine}/{format}"), "advisor").await;
        assert_eq!(d.status, 200, "{format}: {}", d.text);
        assert!(d.text.starts_with(starts), "{format}: {}", &d.text[..d.text.len().min(80)]);
        assert!(d.headers["content-type"].to_str().unwrap().starts_with(ctype));
        assert!(
            d.headers["content-disposition"]
                .to_str()
                .unwrap()
                .contains(&format!("advisor-2026-12-01.{format}"))
        );
        assert!(
            !d.text.contains("Client Name") && !d.text.contains("Street "),
            "{format} leaks a client's details"
        );
    }
    let g = s.get(&format!("/api/v1/plans/{mine}/geojson"), "advisor").await;
    let pseudonyms: Vec<&str> = g.json["features"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|f| f["properties"]["pseudonym"].as_str())
        .collect();
    assert!(
        pseudonyms.contains(&"C-0") && pseudonyms.contains(&"C-1"),
        "bound visits go to their advisor: {pseudonyms:?}"
    );
    let visits = pseudonyms.len();
    let stored = s.get(&format!("/api/v1/plans/{mine}"), "advisor").await;
    assert_eq!(stored.json["body"]["summary"]["visits"].as_u64().unwrap() as usize, visits);

    // Another advisor may neither list nor download it; the refusal is audited.
    if let Some(theirs) = plan_of("advisor2") {
        assert_error(&s.get(&format!("/api/v1/plans/{theirs}/gpx"), "advisor").await, 403, "forbidden");
    }
    assert_error(&s.get(&format!("/api/v1/plans/{mine}/ics"), "advisor2").await, 403, "forbidden");
    let audit = s.get("/api/v1/audit", "admin").await;
    let actions: Vec<&str> =
        audit.json.as_array().unwrap().iter().filter_map(|e| e["action"].as_str()).collect();
    assert!(
        actions.contains(&"plan.download.refused")
            && actions.contains(&"plan.download.gpx")
            && actions.contains(&"plan.publish")
    );

    // Publishing again replaces the day; with the planner's consent the advisor's files name the clients.
    let again = finish(&s, day_request(true, true)).await;
    let list = s.get("/api/v1/plans", "advisor").await;
    assert_eq!(list.json.as_array().unwrap().len(), 1, "one plan per advisor and date");
    let new_id =
        again["published"].as_array().unwrap().iter().find(|p| p["advisor"] == "advisor").unwrap()["plan_id"]
            .as_i64()
            .unwrap();
    let ics = s.get(&format!("/api/v1/plans/{new_id}/ics"), "advisor").await;
    assert!(ics.text.contains("Client Name"), "names shown when asked");
    assert_error(&s.get(&format!("/api/v1/plans/{mine}/gpx"), "advisor").await, 404, "not_found");
    assert_error(&s.get(&format!("/api/v1/plans/{new_id}/pdf"), "advisor").await, 404, "not_found");
}

#[tokio::test]
async fn bad_day_requests_are_refused_clearly() {
    let s = server();
    let mut body = day_request(false, false);
    body["visits_csv"] = json!("id,lon,lat,duration_min,windows\nv1,24.9,60.1,30,11:00-10:00\n");
    let r = s.post("/api/v1/jobs/routes", "planner", body).await;
    assert_error(&r, 422, "invalid");
    assert!(r.json["message"].as_str().unwrap().contains("visits_csv, line 2, field windows"), "{}", r.text);
    assert_eq!(r.json["details"]["line"], 2);

    let mut body = day_request(false, false);
    body["visits_csv"] = json!("id,lon,lat,duration_min,skills\nv1,24.9,60.1,30,astrology\n");
    let r = s.post("/api/v1/jobs/routes", "planner", body).await;
    assert_error(&r, 422, "invalid");
    assert!(r.json["message"].as_str().unwrap().contains("\"astrology\""), "{}", r.text);

    let r = s.post("/api/v1/jobs/routes", "planner", json!({"date": "1.12.2026", "sample": true})).await;
    assert_error(&r, 422, "invalid");
    let r = s.post("/api/v1/jobs/routes", "planner", json!({"date": "2026-12-01", "sample": true})).await;
    assert_error(&r, 404, "not_found");
    let r = s.post("/api/v1/jobs/routes", "planner", json!({"date": "2026-12-01", "visits": [{"id": "v", "place": {"lon": 500, "lat": 60}, "duration_s": 60}], "advisors": []})).await;
    assert!(r.status == 422 || r.status == 400, "{}", r.text);
    for who in ["advisor", "analyst"] {
        assert_error(&s.post("/api/v1/jobs/routes", who, day_request(false, false)).await, 403, "forbidden");
    }
}
