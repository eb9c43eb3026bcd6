//! Every endpoint through `app(state).oneshot(..)`, with its error cases; the OpenAPI document checked against the
//! router; one real round trip on port 0.

mod common;

use std::time::Duration;

use axum::body::Body;
use axum::http::{Method, Request};
use common::{assert_error, at, server, server_with};
use serde_json::json;

/// Health, the OpenAPI document and the client configuration answer without a token; everything else needs one.
#[tokio::test]
async fn public_endpoints_answer_without_a_token_and_the_rest_say_401() {
    let s = server();
    let h = s.call(Method::GET, "/api/v1/health", None, None).await;
    assert_eq!(h.status, 200);
    assert_eq!(h.json["status"], "ok");
    assert_eq!(h.json["modes"], json!(["walk", "car"]));
    let d = s.call(Method::GET, "/api/v1/openapi.json", None, None).await;
    assert_eq!(d.status, 200);
    assert!(d.json["openapi"].as_str().is_some_and(|v| v.starts_with("3.")));
    let c = s.call(Method::GET, "/api/v1/client-config", None, None).await;
    assert_eq!(c.status, 200);
    assert!(c.json["data_attribution"].as_str().is_some_and(|a| a.contains("OpenStreetMap")));
    for uri in
        ["/api/v1/me", "/api/v1/route?from=24.94,60.17&to=24.95,60.17", "/api/v1/network", "/api/v1/jobs"]
    {
        let r = s.call(Method::GET, uri, None, None).await;
        assert_error(&r, 401, "unauthorized");
        assert_eq!(r.headers.get("www-authenticate").map(|v| v.to_str().unwrap_or("")), Some("Bearer"));
        let r = s.call(Method::GET, uri, Some("nvo_0123_wrong"), None).await;
        assert_error(&r, 401, "unauthorized");
        let r = s.call(Method::GET, uri, Some("garbage"), None).await;
        assert_error(&r, 401, "unauthorized");
    }
    let me = s.get("/api/v1/me", "advisor").await;
    assert_eq!(me.status, 200);
    assert_eq!((me.json["name"].as_str(), me.json["role"].as_str()), (Some("advisor"), Some("advisor")));
}

/// Data sets, networks and the street lines of a network, with bad modes and boxes refused.
#[tokio::test]
async fn datasets_networks_and_street_lines() {
    let s = server();
    let d = s.get("/api/v1/datasets", "analyst").await;
    assert_eq!(d.status, 200);
    assert_eq!(d.json[0]["name"], "fixture");
    let n = s.get("/api/v1/network", "planner").await;
    assert_eq!(n.status, 200);
    assert_eq!(n.json.as_array().map(Vec::len), Some(2));
    assert_eq!(n.json[0]["mode"], "walk");
    assert_eq!(n.json[0]["nodes"], 12);
    let l = s.get("/api/v1/network/walk/lines", "advisor").await;
    assert_eq!(l.status, 200);
    assert_eq!(l.headers.get("content-type").map(|v| v.to_str().unwrap_or("")), Some("application/geo+json"));
    assert_eq!(
        l.json["features"][0]["properties"]["segments"], 17,
        "3 streets × 3 + 4 × 2 pieces, once each"
    );
    let far = s.get("/api/v1/network/walk/lines?bbox=0,0,1,1", "advisor").await;
    assert_eq!(far.json["features"][0]["properties"]["segments"], 0);
    assert_error(&s.get("/api/v1/network/bike/lines", "advisor").await, 400, "bad_request");
    assert_error(&s.get("/api/v1/network/walk/lines?bbox=1,2,3", "advisor").await, 400, "bad_request");
    assert_error(&s.get("/api/v1/network/walk/lines?bbox=5,5,1,1", "advisor").await, 400, "bad_request");
}

/// A route is a GeoJSON LineString with its time; bad or missing points are 400s, points too far 422s with the
/// distance; every role may route.
#[tokio::test]
async fn routes_and_their_errors() {
    let s = server();
    for who in ["advisor", "planner", "analyst", "admin"] {
        let r = s.get(&format!("/api/v1/route?from={}&to={}", at('a'), at('l')), who).await;
        assert_eq!(r.status, 200, "{}", r.text);
        assert_eq!(r.json["geometry"]["type"], "LineString");
        let secs = r.json["properties"]["seconds"].as_f64().expect("seconds");
        let metres = r.json["properties"]["metres"].as_f64().expect("metres");
        // a to l: 360 m east and 80 m south on the grid, walked at 5 km/h.
        assert!((metres - 440.0).abs() < 5.0, "{metres}");
        assert!((secs - metres / (5.0 / 3.6)).abs() < 2.0, "{secs}");
    }
    let car = s.get(&format!("/api/v1/route?mode=car&from={}&to={}", at('a'), at('l')), "planner").await;
    assert_eq!(car.status, 200);
    assert_eq!(car.json["properties"]["mode"], "car");
    assert_error(&s.get("/api/v1/route?from=24.94,60.17", "planner").await, 400, "bad_request");
    assert_error(
        &s.get("/api/v1/route?from=24.94;60.17&to=24.95,60.17", "planner").await,
        400,
        "bad_request",
    );
    assert_error(&s.get("/api/v1/route?from=24.94,95&to=24.95,60.17", "planner").await, 400, "bad_request");
    assert_error(
        &s.get(&format!("/api/v1/route?mode=boat&from={}&to={}", at('a'), at('b')), "planner").await,
        400,
        "bad_request",
    );
    let far = s.get(&format!("/api/v1/route?from={}&to=24.99,60.10", at('a')), "planner").await;
    assert_error(&far, 422, "invalid");
    assert_eq!(far.json["details"]["field"], "to");
    assert!(far.json["details"]["distance_m"].as_f64().is_some_and(|d| d > 7000.0));
}

/// Isochrones are for planners, analysts and admins; budgets are checked.
#[tokio::test]
async fn isochrones_and_their_errors() {
    let s = server();
    let r = s.get(&format!("/api/v1/isochrone?at={}&minutes=1,3", at('f')), "analyst").await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(r.json["type"], "FeatureCollection");
    assert_eq!(r.json["features"].as_array().map(Vec::len), Some(2));
    assert_eq!(r.json["features"][0]["properties"]["minutes"], 3.0, "largest first");
    assert_error(&s.get(&format!("/api/v1/isochrone?at={}", at('f')), "advisor").await, 403, "forbidden");
    assert_error(
        &s.get(&format!("/api/v1/isochrone?at={}&minutes=x", at('f')), "planner").await,
        400,
        "bad_request",
    );
    assert_error(
        &s.get(&format!("/api/v1/isochrone?at={}&minutes=500", at('f')), "planner").await,
        422,
        "invalid",
    );
    assert_error(
        &s.get(&format!("/api/v1/isochrone?at={}&minutes=1,2,3,4,5,6,7", at('f')), "planner").await,
        422,
        "invalid",
    );
    assert_error(&s.get("/api/v1/isochrone?at=25.5,61.0", "planner").await, 422, "invalid");
}

fn points(names: &str) -> serde_json::Value {
    json!(
        names
            .chars()
            .map(|c| {
                let p = common::point(c);
                json!({"id": c.to_string(), "lon": p.lon(), "lat": p.lat()})
            })
            .collect::<Vec<_>>()
    )
}

/// A small matrix is answered at once; malformed JSON is a 400, a wrong shape or too many cells a 422, a body too
/// large a 413; advisors may not.
#[tokio::test]
async fn matrices_and_their_errors() {
    let s = server();
    let r = s.post("/api/v1/matrix", "planner", json!({"points": points("afl")})).await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(r.json["seconds"][0][0], 0.0);
    assert!(r.json["seconds"][0][2].as_f64().is_some_and(|x| x > 300.0));
    assert_eq!(r.json["sources"][1]["snapped"], true);
    let with_far = json!({"mode": "car", "points": points("ab"), "targets": [{"id": "sea", "lon": 24.99, "lat": 60.10}]});
    let r = s.post("/api/v1/matrix", "analyst", with_far).await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(r.json["targets"][0]["snapped"], false);
    assert_eq!(r.json["targets"][0]["reason"]["reason"], "too_far");
    assert!(r.json["seconds"][0][0].is_null());
    assert_error(
        &s.post("/api/v1/matrix", "advisor", json!({"points": points("ab")})).await,
        403,
        "forbidden",
    );
    assert_error(&s.post("/api/v1/matrix", "planner", json!({"points": "abc"})).await, 422, "invalid");
    assert_error(&s.post("/api/v1/matrix", "planner", json!({"points": []})).await, 422, "invalid");
    assert_error(
        &s.post("/api/v1/matrix", "planner", json!({"points": [{"id": "x", "lon": 24.9, "lat": 99.0}]}))
            .await,
        422,
        "invalid",
    );
    let many: Vec<_> = (0..11).map(|i| json!({"id": i.to_string(), "lon": 24.94, "lat": 60.17})).collect();
    let r = s.post("/api/v1/matrix", "planner", json!({"points": many})).await;
    assert_error(&r, 422, "invalid");
    assert_eq!(r.json["details"]["limit"], 100);
    let bad = Request::builder()
        .method(Method::POST)
        .uri("/api/v1/matrix")
        .header("authorization", format!("Bearer {}", s.token("planner").unwrap_or("")))
        .header("content-type", "application/json")
        .body(Body::from("{\"points\": ["))
        .expect("request");
    assert_error(&s.send(bad).await, 400, "bad_request");
    let huge = json!({"points": [{"id": "x".repeat(70_000), "lon": 24.94, "lat": 60.17}]});
    assert_error(&s.post("/api/v1/matrix", "planner", huge).await, 413, "payload_too_large");
    let no_type = Request::builder()
        .method(Method::POST)
        .uri("/api/v1/matrix")
        .header("authorization", format!("Bearer {}", s.token("planner").unwrap_or("")))
        .body(Body::from("{}"))
        .expect("request");
    assert_error(&s.send(no_type).await, 400, "bad_request");
}

/// Venues are GeoJSON points, filterable by kind.
#[tokio::test]
async fn venues_are_listed_and_filtered() {
    let s = server();
    let v = s.get("/api/v1/venues", "advisor").await;
    assert_eq!(v.status, 200);
    assert_eq!(v.json["features"][0]["properties"]["name"], "Kirjasto");
    assert_eq!(v.json["features"][0]["properties"]["opening_hours"], "Mo-Fr 10:00-20:00");
    let none = s.get("/api/v1/venues?kind=mall", "advisor").await;
    assert_eq!(none.json["features"].as_array().map(Vec::len), Some(0));
}

async fn wait_done(s: &common::TestServer, id: &str, who: &str) -> serde_json::Value {
    for _ in 0..200 {
        let r = s.get(&format!("/api/v1/jobs/{id}"), who).await;
        assert_eq!(r.status, 200, "{}", r.text);
        if !["queued", "running"].contains(&r.json["state"].as_str().unwrap_or("")) {
            return r.json;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    panic!("job {id} did not finish");
}

/// A matrix job answers 202 at once, finishes, and its result equals the synchronous matrix; others cannot see
/// it, its events end with the final state, and a result before the end or of another's job is refused.
#[tokio::test]
async fn matrix_jobs_run_and_store_their_results() {
    let s = server();
    let req = json!({"points": points("aefkl")});
    let r = s.post("/api/v1/jobs/matrix", "planner", req.clone()).await;
    assert_eq!(r.status, 202, "{}", r.text);
    let id = r.json["id"].as_str().expect("id").to_owned();
    assert_eq!(
        r.headers.get("location").map(|v| v.to_str().unwrap_or("").to_owned()),
        Some(format!("/api/v1/jobs/{id}"))
    );
    let done = wait_done(&s, &id, "planner").await;
    assert_eq!(done["state"], "done");
    assert_eq!(done["progress"], 1.0);
    let result = s.get(&format!("/api/v1/jobs/{id}/result"), "planner").await;
    assert_eq!(result.status, 200);
    let sync = s.post("/api/v1/matrix", "planner", req).await;
    assert_eq!(result.json["seconds"], sync.json["seconds"]);
    assert_eq!(result.json["metres"], sync.json["metres"]);
    // Someone else's job does not exist for them; an admin sees it.
    assert_error(&s.get(&format!("/api/v1/jobs/{id}"), "analyst").await, 404, "not_found");
    assert_error(&s.get(&format!("/api/v1/jobs/{id}/result"), "analyst").await, 404, "not_found");
    assert_eq!(s.get(&format!("/api/v1/jobs/{id}"), "admin").await.status, 200);
    let list = s.get("/api/v1/jobs", "planner").await;
    assert_eq!(list.json[0]["id"], id.as_str());
    assert_eq!(s.get("/api/v1/jobs", "analyst").await.json.as_array().map(Vec::len), Some(0));
    // Events of a finished job: one event with the final state.
    let ev = s.get(&format!("/api/v1/jobs/{id}/events"), "planner").await;
    assert_eq!(ev.status, 200);
    assert!(
        ev.headers
            .get("content-type")
            .is_some_and(|v| v.to_str().unwrap_or("").starts_with("text/event-stream"))
    );
    assert!(ev.text.contains("event: status") && ev.text.contains("\"state\":\"done\""), "{}", ev.text);
    // Cancelling a finished job leaves it done.
    let c = s.call(Method::DELETE, &format!("/api/v1/jobs/{id}"), Some("planner"), None).await;
    assert_eq!(c.status, 202);
    assert_eq!(c.json["state"], "done");
    assert_error(&s.get("/api/v1/jobs/nope", "planner").await, 404, "not_found");
    assert_error(
        &s.post("/api/v1/jobs/matrix", "advisor", json!({"points": points("ab")})).await,
        403,
        "forbidden",
    );
    assert_error(
        &s.post("/api/v1/jobs/matrix", "planner", json!({"points": [{"id": "x", "lon": 200.0, "lat": 0.0}]}))
            .await,
        422,
        "invalid",
    );
}

/// Users: only admins create and list them; a second user of the same name is a conflict; the new token works.
#[tokio::test]
async fn users_are_managed_by_admins() {
    let s = server();
    let r = s.post("/api/v1/users", "admin", json!({"name": "carol", "role": "analyst"})).await;
    assert_eq!(r.status, 201, "{}", r.text);
    let token = r.json["token"].as_str().expect("token").to_owned();
    let me = s.call(Method::GET, "/api/v1/me", Some(&token), None).await;
    assert_eq!(me.json["name"], "carol");
    assert_error(
        &s.post("/api/v1/users", "admin", json!({"name": "carol", "role": "analyst"})).await,
        409,
        "conflict",
    );
    assert_error(
        &s.post("/api/v1/users", "admin", json!({"name": "dave", "role": "root"})).await,
        422,
        "invalid",
    );
    assert_error(
        &s.post("/api/v1/users", "admin", json!({"name": " ", "role": "advisor"})).await,
        422,
        "invalid",
    );
    assert_error(
        &s.post("/api/v1/users", "planner", json!({"name": "eve", "role": "admin"})).await,
        403,
        "forbidden",
    );
    let list = s.get("/api/v1/users", "admin").await;
    assert_eq!(list.json.as_array().map(Vec::len), Some(6));
    assert!(!list.text.contains("$argon2"), "hashes never leave the server");
    assert_error(&s.get("/api/v1/users", "analyst").await, 403, "forbidden");
}

/// Scenarios are stored and read back by planners and analysts; advisors may not; unknown ids are 404s.
#[tokio::test]
async fn scenarios_are_stored_and_read_back() {
    let s = server();
    let body = json!({"open": ["Matinkylä", "Leppävaara", "Kalajärvi"], "mode": "car"});
    let r = s.post("/api/v1/scenarios", "planner", json!({"name": "espoo-2021 after", "body": body})).await;
    assert_eq!(r.status, 201, "{}", r.text);
    let id = r.json["id"].as_i64().expect("id");
    let got = s.get(&format!("/api/v1/scenarios/{id}"), "analyst").await;
    assert_eq!(got.json["body"], body);
    assert_eq!(got.json["owner"], "planner");
    let list = s.get("/api/v1/scenarios", "analyst").await;
    assert_eq!(list.json[0]["name"], "espoo-2021 after");
    assert!(list.json[0].get("body").is_none());
    assert_error(&s.get("/api/v1/scenarios/999", "planner").await, 404, "not_found");
    assert_error(&s.get("/api/v1/scenarios/x", "planner").await, 400, "bad_request");
    assert_error(&s.get("/api/v1/scenarios", "advisor").await, 403, "forbidden");
    assert_error(
        &s.post("/api/v1/scenarios", "planner", json!({"name": "", "body": {}})).await,
        422,
        "invalid",
    );
    assert_error(&s.post("/api/v1/scenarios", "planner", json!({"name": "x"})).await, 422, "invalid");
}

/// An advisor lists and downloads only their own day plans; every download, and every refused one, is in the
/// audit log, which only admins read.
#[tokio::test]
async fn advisors_see_only_their_own_day_plans_and_downloads_are_audited() {
    let s = server();
    let mut ids = Vec::new();
    for (advisor, date) in [("advisor", "2026-11-23"), ("advisor2", "2026-11-23"), ("advisor", "2026-11-24")]
    {
        let plan = json!({"kind": "day", "advisor": advisor, "date": date, "body": {"stops": [{"client": "Aino Virtanen"}]}});
        let r = s.post("/api/v1/plans", "planner", plan).await;
        assert_eq!(r.status, 201, "{}", r.text);
        ids.push(r.json["id"].as_i64().expect("id"));
    }
    let mine = s.get("/api/v1/plans", "advisor").await;
    assert_eq!(mine.json.as_array().map(Vec::len), Some(2));
    assert!(mine.json.as_array().expect("list").iter().all(|p| p["advisor"] == "advisor"));
    let dated = s.get("/api/v1/plans?date=2026-11-23", "planner").await;
    assert_eq!(dated.json.as_array().map(Vec::len), Some(2));
    let own = s.get(&format!("/api/v1/plans/{}", ids[0]), "advisor").await;
    assert_eq!(own.status, 200);
    assert_eq!(own.json["body"]["stops"][0]["client"], "Aino Virtanen");
    assert_error(&s.get(&format!("/api/v1/plans/{}", ids[1]), "advisor").await, 403, "forbidden");
    assert_eq!(s.get(&format!("/api/v1/plans/{}", ids[1]), "planner").await.status, 200);
    assert_error(&s.get("/api/v1/plans/12345", "advisor").await, 404, "not_found");
    let audit = s.get("/api/v1/audit", "admin").await;
    assert_eq!(audit.status, 200);
    let entries = audit.json.as_array().expect("entries");
    let has = |user: &str, action: &str, object: String| {
        entries.iter().any(|e| {
            e["user"] == user
                && e["action"] == action
                && e["object"] == object.as_str()
                && e["at"].is_string()
        })
    };
    assert!(has("advisor", "plan.download", format!("plan/{}", ids[0])), "{}", audit.text);
    assert!(has("advisor", "plan.download.refused", format!("plan/{}", ids[1])), "{}", audit.text);
    assert!(has("planner", "plan.download", format!("plan/{}", ids[1])), "{}", audit.text);
    assert!(!audit.text.contains("Aino"), "the audit log holds no client names");
    assert_error(&s.get("/api/v1/audit", "planner").await, 403, "forbidden");
    // Planners and admins store plans; a day plan names a real advisor and a valid date.
    assert_error(
        &s.post("/api/v1/plans", "analyst", json!({"kind": "day", "body": {}})).await,
        403,
        "forbidden",
    );
    let bad_date = json!({"kind": "day", "advisor": "advisor", "date": "23.11.2026", "body": {}});
    assert_error(&s.post("/api/v1/plans", "planner", bad_date).await, 422, "invalid");
    let not_advisor = json!({"kind": "day", "advisor": "planner", "date": "2026-11-23", "body": {}});
    assert_error(&s.post("/api/v1/plans", "planner", not_advisor).await, 422, "invalid");
    assert_error(
        &s.post("/api/v1/plans", "planner", json!({"kind": "day", "body": {}})).await,
        422,
        "invalid",
    );
}

/// Visit requests are stored and listed by planners and admins only.
#[tokio::test]
async fn visit_requests_are_for_planners() {
    let s = server();
    let body =
        json!({"client": "Aino Virtanen", "address": "Mannerheimintie 1", "window": ["10:00", "12:00"]});
    let r = s.post("/api/v1/visit-requests", "planner", json!({"body": body})).await;
    assert_eq!(r.status, 201, "{}", r.text);
    let list = s.get("/api/v1/visit-requests", "admin").await;
    assert_eq!(list.json[0]["body"], body);
    assert_error(&s.get("/api/v1/visit-requests", "analyst").await, 403, "forbidden");
    assert_error(&s.get("/api/v1/visit-requests", "advisor").await, 403, "forbidden");
    assert_error(&s.post("/api/v1/visit-requests", "advisor", json!({"body": {}})).await, 403, "forbidden");
}

/// Unknown API paths and methods answer in the API's error format; the map page is not served without a web
/// folder.
#[tokio::test]
async fn unknown_paths_answer_in_the_error_format() {
    let s = server();
    assert_error(&s.call(Method::GET, "/api/v1/nothing", Some("admin"), None).await, 404, "no_route");
    assert_error(&s.call(Method::GET, "/", None, None).await, 404, "no_route");
    let r = s.call(Method::PUT, "/api/v1/route", Some("admin"), None).await;
    assert_eq!(r.status, 405);
}

/// The OpenAPI document is true to the router: every documented operation exists (never `no_route` or 405),
/// answers only statuses its description lists, and needs a token exactly when it declares bearer security.
#[tokio::test]
async fn the_openapi_document_matches_the_router() {
    let s = server();
    let doc: serde_json::Value =
        serde_json::from_str(&neuvo_server::openapi().to_json().expect("serialises")).expect("JSON");
    let paths = doc["paths"].as_object().expect("paths");
    assert!(paths.len() >= 20, "{}", paths.len());
    assert!(doc["components"]["securitySchemes"]["bearer"]["scheme"] == "bearer");
    let mut operations = 0;
    for (path, item) in paths {
        for (method, op) in item.as_object().expect("path item") {
            operations += 1;
            let uri = path.replace("{id}", "1").replace("{mode}", "walk");
            let uri = match uri.as_str() {
                "/api/v1/route" => format!("{uri}?from={}&to={}", at('a'), at('b')),
                "/api/v1/isochrone" => format!("{uri}?at={}", at('a')),
                _ => uri,
            };
            let m: Method = method.to_uppercase().parse().expect("method");
            let body = (m == Method::POST).then(|| json!({}));
            let documented: Vec<u16> = op["responses"]
                .as_object()
                .expect("responses")
                .keys()
                .filter_map(|k| k.parse().ok())
                .collect();
            let secured = op.get("security").is_some();
            let r = s.call(m.clone(), &uri, Some("admin"), body.clone()).await;
            assert_ne!(r.json["code"], "no_route", "{method} {path} is documented but not routed");
            assert_ne!(r.status, 405, "{method} {path}");
            assert!(
                documented.contains(&r.status),
                "{method} {path} answered {} not in {documented:?}: {}",
                r.status,
                r.text
            );
            let anonymous = s.call(m, &uri, None, body).await;
            assert_eq!(
                anonymous.status == 401,
                secured,
                "{method} {path}: security says {secured}, got {}",
                anonymous.status
            );
        }
    }
    assert!(operations >= 25, "{operations}");
}

/// One real round trip over a socket on port 0.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_real_round_trip_on_port_0() {
    let s = server();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let addr = listener.local_addr().expect("address");
    let state = s.state.clone();
    tokio::spawn(async move { neuvo_server::serve(listener, state).await });
    let token = s.token("advisor").expect("token").to_owned();
    let url = format!("http://{addr}/api/v1/route?from={}&to={}", at('a'), at('l'));
    let body = tokio::task::spawn_blocking(move || {
        let mut resp =
            ureq::get(&url).header("Authorization", &format!("Bearer {token}")).call().expect("200");
        resp.body_mut().read_to_string().expect("body")
    })
    .await
    .expect("joined");
    let v: serde_json::Value = serde_json::from_str(&body).expect("JSON");
    assert_eq!(v["geometry"]["type"], "LineString");
    let health = tokio::task::spawn_blocking(move || {
        ureq::get(&format!("http://{addr}/api/v1/health"))
            .call()
            .expect("200")
            .body_mut()
            .read_to_string()
            .expect("body")
    })
    .await
    .expect("joined");
    assert!(health.contains("\"ok\""));
}

/// A server with a one-millisecond request budget answers with a 408 in the error format: checking a new token
/// alone takes argon2 tens of milliseconds.
#[tokio::test]
async fn slow_requests_time_out_in_the_error_format() {
    let s = server_with(common::ServerConfigExt::timeout_ms(1));
    let r = s.get(&format!("/api/v1/isochrone?at={}&minutes=120&cell_m=5", at('f')), "planner").await;
    assert_error(&r, 408, "timeout");
}

/// CORS is off by default (no allow-origin header for another site); configured, it allows exactly that origin.
#[tokio::test]
async fn cors_is_off_by_default_and_allows_only_the_configured_origin() {
    let preflight = |origin: &str| {
        Request::builder()
            .method(Method::OPTIONS)
            .uri("/api/v1/route")
            .header("origin", origin)
            .header("access-control-request-method", "GET")
            .header("access-control-request-headers", "authorization")
            .body(Body::empty())
            .expect("request")
    };
    let s = server();
    let r = s.send(preflight("https://evil.example")).await;
    assert!(r.headers.get("access-control-allow-origin").is_none(), "{:?}", r.headers);
    let s = server_with(neuvo_server::ServerConfig {
        cors_origin: Some("https://kartta.espoo.fi".into()),
        ..common::config()
    });
    let ok = s.send(preflight("https://kartta.espoo.fi")).await;
    assert_eq!(
        ok.headers.get("access-control-allow-origin").map(|v| v.to_str().unwrap_or("")),
        Some("https://kartta.espoo.fi")
    );
    let other = s.send(preflight("https://evil.example")).await;
    assert_ne!(
        other.headers.get("access-control-allow-origin").map(|v| v.to_str().unwrap_or("")),
        Some("https://evil.example")
    );
}
