//! `neuvo serve`, `neuvo user …` and `neuvo setup`: the HTTP server over the fetched data, its users, and the
//! one-time installation of the map page's packages.

use std::collections::BTreeMap;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use anyhow::{Context, Result, bail};
use neuvo_model::Mode;
use neuvo_planner::schedule::ScheduleScenario;
use neuvo_planner::{CompareScenario, Scenario};
use neuvo_server::{AppState, DatasetInfo, Db, Planning, Role, ServerConfig};

use crate::netload::{self, NetworkArgs};

/// Arguments of `neuvo serve`.
#[derive(Debug, Clone, clap::Args)]
pub(crate) struct ServeArgs {
    /// Address to listen on; port 0 picks a free port (the URL is printed).
    #[arg(long, default_value = "127.0.0.1:8080")]
    pub(crate) bind: SocketAddr,
    /// OSM PBF file [default: the sample central-Helsinki file].
    #[arg(long)]
    pub(crate) osm: Option<PathBuf>,
    /// Modes to load, comma-separated.
    #[arg(long, default_value = "walk,car", value_delimiter = ',')]
    pub(crate) modes: Vec<Mode>,
    /// SQLite database [default: DATA_DIR/state/neuvo.db].
    #[arg(long)]
    pub(crate) db: Option<PathBuf>,
    /// Folder of the map page.
    #[arg(long, default_value = "web")]
    pub(crate) web: PathBuf,
    /// Jobs running at once [default: all cores].
    #[arg(long)]
    pub(crate) workers: Option<usize>,
    /// Largest request body in KiB.
    #[arg(long, default_value_t = 4096)]
    pub(crate) max_body_kib: usize,
    /// Seconds allowed per request (jobs are not bound by it).
    #[arg(long, default_value_t = 30)]
    pub(crate) request_timeout_s: u64,
    /// An origin allowed to call the API from another site (CORS is off without it).
    #[arg(long)]
    pub(crate) cors_origin: Option<String>,
    /// Raster tile URL template for an optional basemap, e.g. `https://tile.example/{z}/{x}/{y}.png`.
    #[arg(long)]
    pub(crate) basemap_url: Option<String>,
    /// Attribution of that basemap.
    #[arg(long)]
    pub(crate) basemap_attribution: Option<String>,
}

pub(crate) fn db_path(data_dir: &Path, db: Option<&Path>) -> PathBuf {
    db.map_or_else(|| data_dir.join("state/neuvo.db"), Path::to_path_buf)
}

fn datasets(data_dir: &Path) -> Vec<DatasetInfo> {
    let Ok(m) = crate::data_cmd::manifest(data_dir) else { return Vec::new() };
    let cache = data_dir.join("cache");
    m.datasets
        .iter()
        .map(|d| DatasetInfo {
            name: d.name.clone(),
            file: d.file.clone(),
            present: matches!(crate::data::status(d, &cache), Ok(crate::data::Status::Present)),
            licence: d.licence.clone(),
            attribution: d.attribution.clone(),
            description: d.description.clone(),
        })
        .collect()
}

/// Loads the networks and venues and builds the server state.
pub(crate) fn state(data_dir: &Path, a: &ServeArgs) -> Result<AppState> {
    let mut networks = BTreeMap::new();
    for &mode in &a.modes {
        let args = NetworkArgs::of(a.osm.clone(), mode, false);
        let l = netload::load(data_dir, &args)?;
        tracing::info!(%mode, nodes = l.net.graph().node_count(), cached = l.from_cache, "network ready");
        networks.insert(mode, Arc::new(l.net));
    }
    if networks.is_empty() {
        bail!("--modes is empty: load at least one of walk, car");
    }
    let osm = netload::osm_path(data_dir, &NetworkArgs::of(a.osm.clone(), Mode::Walk, true))?;
    let (venues, _) = neuvo_osm::read_venues(&osm, &neuvo_osm::VenueRules::builtin())?;
    let db_file = db_path(data_dir, a.db.as_deref());
    let db = Db::open(&db_file)?;
    let web_dir = if a.web.join("index.html").is_file() {
        if !a.web.join("node_modules/leaflet/dist/leaflet.js").is_file() {
            tracing::warn!(
                "the map page's packages are missing: run `neuvo setup` (npm ci in {})",
                a.web.display()
            );
        }
        Some(a.web.clone())
    } else {
        tracing::warn!(web = %a.web.display(), "no map page found; serving the API only");
        None
    };
    let defaults = ServerConfig::default();
    let config = ServerConfig {
        max_body_bytes: a.max_body_kib.max(1) * 1024,
        request_timeout: Duration::from_secs(a.request_timeout_s.max(1)),
        cors_origin: a.cors_origin.clone(),
        web_dir,
        basemap_url: a.basemap_url.clone(),
        basemap_attribution: a.basemap_attribution.clone(),
        workers: a.workers.unwrap_or(defaults.workers).max(1),
        ..defaults
    };
    let (scenarios, comparisons, schedules) = shipped_scenarios(data_dir);
    let planning = Planning {
        inputs: Arc::new(crate::inputs::FileInputs::new(data_dir)),
        scenarios,
        comparisons,
        schedules,
        sample_day: sample_day(data_dir),
    };
    Ok(AppState::new(db, networks, venues, datasets(data_dir), config)?.with_planning(planning))
}

/// The sample day of the advisors' job (DATA_DIR/routes/helsinki-*.csv); left out with a warning when it does not
/// read.
pub(crate) fn sample_day(data_dir: &Path) -> Option<neuvo_planner::day::DayRequests> {
    let dir = data_dir.join("routes");
    let sessions = dir.join("helsinki-sessions.csv");
    match crate::routes::read_day(
        &dir.join("helsinki-visits.csv"),
        &dir.join("helsinki-advisors.csv"),
        sessions.is_file().then_some(sessions.as_path()),
    ) {
        Ok((visits, advisors, sessions)) => {
            Some(neuvo_planner::day::DayRequests { visits, advisors, sessions })
        }
        Err(e) => {
            tracing::warn!(error = %format!("{e:#}"), "no sample day for the advisors' job");
            None
        }
    }
}

/// The files of DATA_DIR/scenarios/, by file name: location scenarios, comparisons (a TOML whose top level has a
/// `variants` table) and rotation scenarios (a `rotation` table); a file that does not parse is left out with a
/// warning.
pub(crate) fn shipped_scenarios(
    data_dir: &Path,
) -> (Vec<Scenario>, Vec<CompareScenario>, Vec<ScheduleScenario>) {
    let dir = data_dir.join("scenarios");
    let Ok(entries) = std::fs::read_dir(&dir) else { return (Vec::new(), Vec::new(), Vec::new()) };
    let mut files: Vec<PathBuf> = entries
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "toml"))
        .collect();
    files.sort();
    let (mut scenarios, mut comparisons, mut schedules) = (Vec::new(), Vec::new(), Vec::new());
    for f in &files {
        let origin = f.display().to_string();
        let text = match std::fs::read_to_string(f) {
            Ok(t) => t,
            Err(e) => {
                tracing::warn!(file = %origin, error = %e, "scenario left out");
                continue;
            }
        };
        let table = text.parse::<toml::Table>().ok();
        let has = |key: &str| table.as_ref().is_some_and(|t| t.get(key).is_some_and(toml::Value::is_table));
        if has("rotation") {
            match ScheduleScenario::from_toml(&text, &origin) {
                Ok(r) => schedules.push(r),
                Err(e) => tracing::warn!(file = %origin, error = %e, "rotation scenario left out"),
            }
        } else if has("variants") {
            match CompareScenario::from_toml(&text, &origin) {
                Ok(c) => comparisons.push(c),
                Err(e) => tracing::warn!(file = %origin, error = %e, "comparison left out"),
            }
        } else {
            match Scenario::from_toml(&text, &origin) {
                Ok(s) => scenarios.push(s),
                Err(e) => tracing::warn!(file = %origin, error = %e, "scenario left out"),
            }
        }
    }
    (scenarios, comparisons, schedules)
}

/// Runs the server until Ctrl-C; `announce` is printed once it listens (with the real address).
pub(crate) fn run(data_dir: &Path, a: &ServeArgs, announce: &dyn Fn(&str)) -> Result<()> {
    let state = state(data_dir, a)?;
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .context("starting the async runtime")?;
    rt.block_on(async {
        let listener =
            tokio::net::TcpListener::bind(a.bind).await.with_context(|| format!("binding {}", a.bind))?;
        let addr = listener.local_addr()?;
        announce(&format!("http://{addr}"));
        neuvo_server::serve(listener, state).await.context("serving")
    })
}

/// `neuvo serve`.
pub(crate) fn serve(data_dir: &Path, a: &ServeArgs) -> Result<()> {
    run(data_dir, a, &|url| {
        println!("neuvo serving on {url} (map page at /, API at /api/v1, OpenAPI at /api/v1/openapi.json)");
        println!("create a token with: neuvo user add NAME --role planner");
    })
}

/// `neuvo user` commands.
#[derive(Debug, clap::Subcommand)]
pub(crate) enum UserCommand {
    /// Create a user; prints their new API token alone on the last line.
    Add {
        /// User name.
        name: String,
        /// planner, analyst, advisor or admin.
        #[arg(long)]
        role: Role,
        /// SQLite database [default: DATA_DIR/state/neuvo.db].
        #[arg(long)]
        db: Option<PathBuf>,
    },
    /// Issue another token for an existing user; prints it alone on the last line.
    Token {
        /// User name.
        name: String,
        /// SQLite database.
        #[arg(long)]
        db: Option<PathBuf>,
    },
    /// Revoke every token of a user.
    Revoke {
        /// User name.
        name: String,
        /// SQLite database.
        #[arg(long)]
        db: Option<PathBuf>,
    },
    /// List users.
    List {
        /// SQLite database.
        #[arg(long)]
        db: Option<PathBuf>,
    },
}

pub(crate) fn user(data_dir: &Path, cmd: &UserCommand) -> Result<()> {
    let open = |db: &Option<PathBuf>| -> Result<Db> { Ok(Db::open(&db_path(data_dir, db.as_deref()))?) };
    match cmd {
        UserCommand::Add { name, role, db } => {
            let db = open(db)?;
            let (u, token) = neuvo_server::auth::create_user(&db, name, *role)?;
            println!("created user {} with role {} in {}", u.name, u.role, db.path().display());
            println!("{token}");
        }
        UserCommand::Token { name, db } => {
            let db = open(db)?;
            let u = db
                .with(|c| neuvo_server::db::user_by_name(c, name))?
                .with_context(|| format!("no user {name:?}"))?;
            let token = neuvo_server::auth::issue_token(&db, &u)?;
            println!("new token for {} ({})", u.name, u.role);
            println!("{token}");
        }
        UserCommand::Revoke { name, db } => {
            let db = open(db)?;
            let u = db
                .with(|c| neuvo_server::db::user_by_name(c, name))?
                .with_context(|| format!("no user {name:?}"))?;
            let n = db.with(|c| neuvo_server::db::revoke_tokens(c, u.id))?;
            println!("revoked {n} token(s) of {}; a running server forgets them within two minutes", u.name);
        }
        UserCommand::List { db } => {
            let db = open(db)?;
            for u in db.with(neuvo_server::db::list_users)? {
                println!("{:<24} {:<8} {}", u.name, u.role, u.created_at);
            }
        }
    }
    Ok(())
}

/// Arguments of `neuvo setup`.
#[derive(Debug, clap::Args)]
pub(crate) struct SetupArgs {
    /// A local mirror of the data (for example ../shared/data); without it, data is downloaded.
    #[arg(long)]
    pub(crate) from: Option<PathBuf>,
    /// Folder of the map page.
    #[arg(long, default_value = "web")]
    pub(crate) web: PathBuf,
}

/// Installs the map page's npm packages (`npm ci`, from the committed lock file).
pub(crate) fn install_web(web: &Path) -> Result<()> {
    if !web.join("package.json").is_file() {
        bail!("{} has no package.json: run neuvo from the repository root or pass --web", web.display());
    }
    let status = std::process::Command::new("npm")
        .args(["ci", "--no-audit", "--no-fund", "--loglevel=error"])
        .current_dir(web)
        .status()
        .context("running npm (install Node.js and npm, e.g. `apt-get install nodejs npm`)")?;
    if !status.success() {
        bail!("`npm ci` in {} failed ({status})", web.display());
    }
    Ok(())
}

/// `neuvo setup`: fetch the data and install the map page's packages.
pub(crate) fn setup(data_dir: &Path, a: &SetupArgs) -> Result<()> {
    let args = crate::data_cmd::FetchArgs { from: a.from.clone(), only: Vec::new() };
    crate::data_cmd::fetch(data_dir, &args)?;
    install_web(&a.web)?;
    println!("map page packages installed in {}", a.web.join("node_modules").display());
    Ok(())
}
