//! A server over a small hand-drawn network, with one user of each role, for tests without a socket.

#![allow(dead_code, unreachable_pub)]

use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;

use axum::body::Body;
use axum::http::{HeaderMap, Method, Request};
use http_body_util::BodyExt;
use neuvo_model::{LonLat, Mode, NoProgress, OsmRef, OsmType, Venue, VenueKind};
use neuvo_network::{Network, NetworkMeta, SnapParamsMeta};
use neuvo_osm::{Fixture, Profile};
use neuvo_server::{AppState, DatasetInfo, Db, Role, ServerConfig};
use tower::ServiceExt;

/// Three streets by four, 120 m apart east–west and 40 m north–south, near Helsinki's centre.
pub const GRID: &str = "
    a-----b-----c-----d
    |     |     |     |
    e-----f-----g-----h
    |     |     |     |
    i-----j-----k-----l
";

pub fn fixture() -> Fixture {
    let mut f = Fixture::parse(GRID, 20.0).expect("valid map");
    for w in ["abcd", "efgh", "ijkl", "aei", "bfj", "cgk", "dhl"] {
        f = f.way(w, &[("highway", "residential")]);
    }
    f
}

pub fn network(mode: Mode) -> Arc<Network> {
    let p = Profile::for_mode(mode);
    let (g, _) = fixture().import(&p).expect("the fixture imports");
    let meta = NetworkMeta {
        mode: Some(mode),
        profile: p.name.clone(),
        source: "fixture".into(),
        snap: SnapParamsMeta {
            max_snap_m: 200.0,
            access_speed_kmh: p.access_speed(),
            candidate_slack_m: p.snap_slack_m,
        },
        ..Default::default()
    };
    Arc::new(Network::build(g, meta, &NoProgress))
}

/// A point of the fixture, as `lon,lat`.
pub fn at(c: char) -> String {
    let p = fixture().position(c);
    format!("{:.6},{:.6}", p.lon(), p.lat())
}

pub fn point(c: char) -> LonLat {
    fixture().position(c)
}

pub struct TestServer {
    pub app: axum::Router,
    pub state: AppState,
    pub tokens: HashMap<&'static str, String>,
    pub _dir: tempfile::TempDir,
}

pub fn config() -> ServerConfig {
    ServerConfig {
        max_body_bytes: 64 * 1024,
        sync_matrix_cells: 100,
        workers: 2,
        max_pending_jobs: 8,
        ..ServerConfig::default()
    }
}

pub fn server_with(config: ServerConfig) -> TestServer {
    server_full(config, None)
}

/// A test server whose location plans run over `planning`.
pub fn server_with_planning(planning: neuvo_server::Planning) -> TestServer {
    server_full(config(), Some(planning))
}

fn server_full(config: ServerConfig, planning: Option<neuvo_server::Planning>) -> TestServer {
    let dir = tempfile::tempdir().expect("temp dir");
    let db = Db::open(&dir.path().join("neuvo.db")).expect("database");
    let mut tokens = HashMap::new();
    for (name, role) in [
        ("admin", Role::Admin),
        ("planner", Role::Planner),
        ("analyst", Role::Analyst),
        ("advisor", Role::Advisor),
        ("advisor2", Role::Advisor),
    ] {
        let (_, t) = neuvo_server::auth::create_user(&db, name, role).expect("user");
        tokens.insert(name, t);
    }
    let mut nets = BTreeMap::new();
    nets.insert(Mode::Walk, network(Mode::Walk));
    nets.insert(Mode::Car, network(Mode::Car));
    let venues = vec![Venue {
        osm: Some(OsmRef { kind: OsmType::Node, id: 7 }),
        name: Some("Kirjasto".into()),
        kind: VenueKind("library".into()),
        location: point('f'),
        opening_hours: Some("Mo-Fr 10:00-20:00".into()),
    }];
    let datasets = vec![DatasetInfo {
        name: "fixture".into(),
        file: "osm/fixture.osm.pbf".into(),
        present: true,
        licence: "ODbL-1.0".into(),
        attribution: "© OpenStreetMap contributors".into(),
        description: "a test grid".into(),
    }];
    let mut state = AppState::new(db, nets, venues, datasets, config).expect("state");
    if let Some(p) = planning {
        state = state.with_planning(p);
    }
    TestServer { app: neuvo_server::app(state.clone()), state, tokens, _dir: dir }
}

pub fn server() -> TestServer {
    server_with(config())
}

pub struct Reply {
    pub status: u16,
    pub json: serde_json::Value,
    pub text: String,
    pub headers: HeaderMap,
}

impl TestServer {
    pub fn token(&self, who: &str) -> Option<&str> {
        self.tokens.get(who).map(String::as_str)
    }

    pub async fn call(
        &self,
        method: Method,
        uri: &str,
        who: Option<&str>,
        body: Option<serde_json::Value>,
    ) -> Reply {
        let mut req = Request::builder().method(method).uri(uri);
        if let Some(w) = who {
            let t = self.token(w).map_or_else(|| w.to_owned(), str::to_owned);
            req = req.header("authorization", format!("Bearer {t}"));
        }
        let req = match body {
            Some(b) => req.header("content-type", "application/json").body(Body::from(b.to_string())),
            None => req.body(Body::empty()),
        }
        .expect("request");
        self.send(req).await
    }

    pub async fn send(&self, req: Request<Body>) -> Reply {
        let resp = self.app.clone().oneshot(req).await.expect("infallible");
        let status = resp.status().as_u16();
        let headers = resp.headers().clone();
        let bytes = resp.into_body().collect().await.expect("body").to_bytes();
        let text = String::from_utf8_lossy(&bytes).into_owned();
        let json = serde_json::from_str(&text).unwrap_or(serde_json::Value::Null);
        Reply { status, json, text, headers }
    }

    pub async fn get(&self, uri: &str, who: &str) -> Reply {
        self.call(Method::GET, uri, Some(who), None).await
    }

    pub async fn post(&self, uri: &str, who: &str, body: serde_json::Value) -> Reply {
        self.call(Method::POST, uri, Some(who), Some(body)).await
    }
}

/// Asserts an error reply: status, code, and a message.
pub fn assert_error(r: &Reply, status: u16, code: &str) {
    assert_eq!(r.status, status, "{}", r.text);
    assert_eq!(r.json["code"], code, "{}", r.text);
    assert!(r.json["message"].as_str().is_some_and(|m| !m.is_empty()), "{}", r.text);
    assert!(!r.text.contains("panicked") && !r.text.contains("src/"), "no internals: {}", r.text);
}

/// Variations of the test configuration.
pub struct ServerConfigExt;

impl ServerConfigExt {
    pub fn timeout_ms(ms: u64) -> ServerConfig {
        ServerConfig { request_timeout: std::time::Duration::from_millis(ms), ..config() }
    }
}
