//! neuvo's HTTP shell: a versioned JSON/GeoJSON API under `/api/v1`, the map page, jobs, persistence and access
//! control, around the travel-time engine.
//!
//! [`app`] builds the whole `Router` from an [`AppState`], so tests drive it with `oneshot` and no socket;
//! [`serve`] binds it to an address. The OpenAPI 3 document at `/api/v1/openapi.json` is generated from the
//! handlers themselves (utoipa), so a route cannot exist without being documented.
//!
//! **Key design decision: blocking work never runs on the async threads.** Database calls, token hashing and
//! jobs run on blocking threads (SQLite and argon2 are synchronous; jobs may run for minutes), and jobs take a
//! permit from a bounded pool, so the server keeps answering while solvers run.
#![forbid(unsafe_code)]

mod api;
pub mod auth;
pub mod db;
mod error;
mod extract;
pub mod jobs;

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use neuvo_model::{Mode, Venue};
use neuvo_network::Network;
use neuvo_network::ch::ChQuery;
use serde::Serialize;

pub use api::openapi;
pub use auth::{Authenticator, Role};
pub use db::{Db, DbError, User};
pub use error::{ApiError, ErrorBody};
pub use jobs::{JobState, JobStatus, Jobs};

/// Settings of a server.
#[derive(Clone, Debug)]
pub struct ServerConfig {
    /// Largest request body accepted, in bytes (413 beyond).
    pub max_body_bytes: usize,
    /// Time allowed to answer a request (408 beyond); jobs are not bound by it.
    pub request_timeout: Duration,
    /// An origin allowed to call the API from another site; `None` (the default) sends no CORS headers.
    pub cors_origin: Option<String>,
    /// The folder of the map page (`web/`); `None` serves no page.
    pub web_dir: Option<PathBuf>,
    /// A raster tile URL template for the map's basemap (`https://…/{z}/{x}/{y}.png`); `None`: our own streets
    /// only.
    pub basemap_url: Option<String>,
    /// Attribution shown with the basemap.
    pub basemap_attribution: Option<String>,
    /// Jobs running at once.
    pub workers: usize,
    /// Jobs queued or running at most (429 beyond).
    pub max_pending_jobs: usize,
    /// Largest matrix (cells) answered synchronously by `POST /api/v1/matrix`; larger ones are jobs.
    pub sync_matrix_cells: usize,
    /// Largest matrix (cells) a job computes.
    pub job_matrix_cells: usize,
}

impl Default for ServerConfig {
    fn default() -> Self {
        Self {
            max_body_bytes: 4 << 20,
            request_timeout: Duration::from_secs(30),
            cors_origin: None,
            web_dir: None,
            basemap_url: None,
            basemap_attribution: None,
            workers: std::thread::available_parallelism().map_or(1, |n| n.get()),
            max_pending_jobs: 32,
            sync_matrix_cells: 10_000,
            job_matrix_cells: 25_000_000,
        }
    }
}

/// A data set the server knows about (from `data/sources.toml`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct DatasetInfo {
    /// Short name.
    pub name: String,
    /// Path in the data cache.
    pub file: String,
    /// Whether the verified file is present.
    pub present: bool,
    /// Licence.
    pub licence: String,
    /// Attribution to show.
    pub attribution: String,
    /// What it covers.
    pub description: String,
}

/// A loaded network with a pool of query states (each holds labels sized to the graph).
pub struct NetworkEntry {
    /// The network.
    pub net: Arc<Network>,
    queries: Mutex<Vec<ChQuery>>,
}

impl NetworkEntry {
    /// Wraps a network.
    pub fn new(net: Arc<Network>) -> Self {
        Self { net, queries: Mutex::new(Vec::new()) }
    }

    /// Runs `f` with a query state from the pool.
    pub fn with_query<R>(&self, f: impl FnOnce(&Network, &mut ChQuery) -> R) -> R {
        let mut q = self
            .queries
            .lock()
            .ok()
            .and_then(|mut p| p.pop())
            .unwrap_or_else(|| ChQuery::new(self.net.hierarchy()));
        let r = f(&self.net, &mut q);
        if let Ok(mut p) = self.queries.lock()
            && p.len() < 64
        {
            p.push(q);
        }
        r
    }
}

/// What the planners' and analysts' endpoints need: the inputs the pipeline reads (files and caches, provided by
/// the binary) and the scenarios, comparisons and rotations shipped with the data.
#[derive(Clone)]
pub struct Planning {
    /// Loads networks, demand and sites for a scenario.
    pub inputs: Arc<dyn neuvo_planner::Inputs>,
    /// The scenarios that can be run by name.
    pub scenarios: Vec<neuvo_planner::Scenario>,
    /// The comparisons (variants of a closure scenario) that can be run by name.
    pub comparisons: Vec<neuvo_planner::CompareScenario>,
    /// The rotation scenarios (`neuvo schedule`) that can be run by name.
    pub schedules: Vec<neuvo_planner::schedule::ScheduleScenario>,
    /// The sample day of the advisors' job (`data/routes/`), when shipped.
    pub sample_day: Option<neuvo_planner::day::DayRequests>,
}

/// Everything the handlers share.
pub struct Inner {
    /// The database.
    pub db: Db,
    /// Token verification.
    pub auth: Authenticator,
    /// Networks by mode.
    pub networks: BTreeMap<Mode, NetworkEntry>,
    /// Venues of the loaded OSM file.
    pub venues: Vec<Venue>,
    /// The data sets.
    pub datasets: Vec<DatasetInfo>,
    /// The job runner.
    pub jobs: Jobs,
    /// Settings.
    pub config: ServerConfig,
    /// Location plans; `None` when the server was given no data folder.
    pub planning: Option<Planning>,
}

/// The state of a server, cheap to clone.
#[derive(Clone)]
pub struct AppState(Arc<Inner>);

impl std::ops::Deref for AppState {
    type Target = Inner;

    fn deref(&self) -> &Inner {
        &self.0
    }
}

impl AppState {
    /// A state over an open database and loaded networks.
    pub fn new(
        db: Db,
        networks: BTreeMap<Mode, Arc<Network>>,
        venues: Vec<Venue>,
        datasets: Vec<DatasetInfo>,
        config: ServerConfig,
    ) -> Result<AppState, ApiError> {
        let jobs = Jobs::new(&db, config.workers, config.max_pending_jobs)?;
        let networks = networks.into_iter().map(|(m, n)| (m, NetworkEntry::new(n))).collect();
        Ok(AppState(Arc::new(Inner {
            db,
            auth: Authenticator::default(),
            networks,
            venues,
            datasets,
            jobs,
            config,
            planning: None,
        })))
    }

    /// The state with location plans enabled. Call it before the state is cloned.
    pub fn with_planning(mut self, planning: Planning) -> AppState {
        match Arc::get_mut(&mut self.0) {
            Some(inner) => inner.planning = Some(planning),
            None => tracing::error!("with_planning called on a shared state: location plans stay off"),
        }
        self
    }

    pub(crate) fn network(&self, mode: Mode) -> Result<&NetworkEntry, ApiError> {
        self.networks.get(&mode).ok_or_else(|| {
            let have: Vec<&str> = self.networks.keys().map(|m| m.as_str()).collect();
            ApiError::invalid(
                format!("this server has no {mode} network; it has: {}", have.join(", ")),
                serde_json::json!({"field": "mode"}),
            )
        })
    }
}

/// The whole application: API, OpenAPI document and map page.
pub fn app(state: AppState) -> axum::Router {
    api::router(state)
}

/// Serves `app(state)` on `listener` until Ctrl-C or SIGTERM.
pub async fn serve(listener: tokio::net::TcpListener, state: AppState) -> std::io::Result<()> {
    axum::serve(listener, app(state)).with_graceful_shutdown(shutdown()).await
}

async fn shutdown() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        if let Ok(mut s) = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            s.recv().await;
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = term => {},
    }
}
