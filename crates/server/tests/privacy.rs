//! People's data stays out of logs: everything the server logs at any level, while it stores and serves visit
//! requests and plans and answers routes between homes, is captured and searched for the names, addresses and
//! coordinates sent.

mod common;

use std::io::Write;
use std::sync::{Arc, Mutex};

use axum::http::Method;
use common::server;
use serde_json::json;

#[derive(Clone, Default)]
struct Capture(Arc<Mutex<Vec<u8>>>);

impl Write for Capture {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        if let Ok(mut v) = self.0.lock() {
            v.extend_from_slice(buf);
        }
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// Client names, addresses and home coordinates never reach the logs, even at trace level and on errors.
#[tokio::test]
async fn client_names_addresses_and_coordinates_never_reach_the_logs() {
    let cap = Capture::default();
    let writer = cap.clone();
    tracing_subscriber::fmt()
        .with_max_level(tracing::Level::TRACE)
        .with_writer(move || writer.clone())
        .with_ansi(false)
        .init();

    let s = server();
    let secret_name = "Aino Virtanen";
    let secret_address = "Mannerheimintie 13 A 7";
    let visit = json!({"body": {"client": secret_name, "address": secret_address, "phone": "+358401234567"}});
    assert_eq!(s.post("/api/v1/visit-requests", "planner", visit).await.status, 201);
    let plan = json!({"kind": "day", "advisor": "advisor", "date": "2026-11-23",
        "body": {"stops": [{"client": secret_name, "address": secret_address}]}});
    let id = s.post("/api/v1/plans", "planner", plan).await.json["id"].as_i64().expect("id");
    assert_eq!(s.get(&format!("/api/v1/plans/{id}"), "advisor").await.status, 200);
    assert_eq!(s.get(&format!("/api/v1/plans/{id}"), "advisor2").await.status, 403);
    // A home's coordinates in a route query, and a point too far away (an error path).
    let home = "24.940123,60.169987";
    assert_eq!(
        s.get(&format!("/api/v1/route?from={home}&to={}", common::at('l')), "advisor").await.status,
        200
    );
    assert_eq!(
        s.get(&format!("/api/v1/route?from=24.987654,60.123456&to={home}"), "advisor").await.status,
        422
    );
    // Malformed bodies that carry the same data.
    let bad = format!("{{\"body\": {{\"client\": \"{secret_name}\", \"address\": \"{secret_address}\"");
    let req = axum::http::Request::builder()
        .method(Method::POST)
        .uri("/api/v1/visit-requests")
        .header("authorization", format!("Bearer {}", s.token("planner").unwrap_or("")))
        .header("content-type", "application/json")
        .body(axum::body::Body::from(bad))
        .expect("request");
    assert_eq!(s.send(req).await.status, 400);

    let logs = String::from_utf8_lossy(&cap.0.lock().expect("lock")).into_owned();
    assert!(logs.contains("/api/v1/visit-requests"), "the capture works and routes are logged:\n{logs}");
    for secret in
        [secret_name, "Virtanen", "Mannerheimintie", "358401234567", "24.940123", "60.169987", "24.987654"]
    {
        assert!(!logs.contains(secret), "{secret:?} reached the logs:\n{logs}");
    }
}
