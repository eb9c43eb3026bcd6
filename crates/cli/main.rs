//! `neuvo`: the command line of neuvo, a planner for a city's mobile information service.
//!
//! This binary wires the libraries together and does the file and terminal I/O: it parses arguments, reads
//! inputs, calls `neuvo-osm` and `neuvo-network`, and writes results. Errors go to stderr with what was wrong and
//! what to do; the exit code is 2 for any error the user can act on (bad input, missing data) and 101 for a bug.
#![forbid(unsafe_code)]

mod bench;
mod bench_locate;
mod compare;
mod data;
mod demo;
mod inputs;
mod locate;
mod netload;
mod points;
mod progress;
mod queries;
mod routes;
mod schedule;
mod serve;
mod tables;
mod vrptw;

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};

/// Plans a city's mobile information service from open data: road networks, travel times, isochrones.
#[derive(Debug, Parser)]
#[command(name = "neuvo", version, about, long_about = None, propagate_version = true)]
struct Cli {
    /// Folder holding sources.toml, profiles/ and the fetched cache/.
    #[arg(long, global = true, env = "NEUVO_DATA_DIR", default_value = "data")]
    data_dir: PathBuf,
    /// Log filter, e.g. `info`, `debug`, `neuvo_osm=debug` (also NEUVO_LOG).
    #[arg(long, global = true, env = "NEUVO_LOG", default_value = "warn")]
    log: String,
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Fetch or list the real data sets listed in data/sources.toml.
    #[command(subcommand)]
    Data(DataCommand),
    /// Build road networks from OSM files, and show what they hold.
    #[command(subcommand)]
    Network(NetworkCommand),
    /// Fastest route between two points, with its geometry.
    Route(queries::RouteArgs),
    /// Travel-time and distance matrix between points read from a CSV file (`id,lon,lat`).
    Matrix(queries::MatrixArgs),
    /// Areas reachable from a point within time budgets, as GeoJSON polygons.
    Isochrone(queries::IsochroneArgs),
    /// Venues for pop-up sessions (libraries, senior centres, malls, …) found in an OSM file.
    Venues(queries::VenuesArgs),
    /// Choose pop-up sites for a scenario (MCLP, LSCP, p-median, p-center): a table, a JSON summary and GeoJSON.
    Locate(locate::LocateArgs),
    /// Compare two variants of a closure scenario (before, after, after with pop-ups) by walking, car and
    /// transit: tables by group and district as JSON or text and CSV, and the per-cell difference as GeoJSON.
    Compare(compare::CompareArgs),
    /// Plan the weekly rotation of pop-up sessions: which advisor holds which session at which venue, when; per
    /// advisor and per venue calendars, a CSV and a printable timetable.
    Schedule(schedule::ScheduleArgs),
    /// Plan the advisors' day: home visits around pop-up sessions, each advisor's day as GeoJSON, GPX, iCalendar,
    /// a CSV run sheet and an HTML day sheet.
    Routes(routes::RoutesArgs),
    /// Visit requests: generate realistic ones from the population grid for demos and tests.
    #[command(subcommand)]
    Visits(VisitsCommand),
    /// The routing solver on scientific benchmark instances (Solomon VRPTW).
    #[command(subcommand)]
    Vrptw(VrptwCommand),
    /// Benchmarks that print one JSON line.
    #[command(subcommand)]
    Bench(BenchCommand),
    /// Serve the HTTP API and the map page over the fetched data.
    Serve(serve::ServeArgs),
    /// Manage users and their API tokens.
    #[command(subcommand)]
    User(serve::UserCommand),
    /// Fetch the real data and install the map page's npm packages: everything the tests need.
    Setup(serve::SetupArgs),
    /// Fetch the sample data, show a route, a matrix and isochrones on central Helsinki, then serve the map page
    /// with a demo token.
    Demo(demo::DemoArgs),
}

#[derive(Debug, Subcommand)]
enum DataCommand {
    /// Fill data/cache/ from each data set's download address, or from a local mirror with --from; every file is
    /// checked against its sha256 before it is moved into place.
    Fetch(data_cmd::FetchArgs),
    /// Show which data sets are present, missing or corrupt in data/cache/.
    List,
}

#[derive(Debug, Subcommand)]
enum NetworkCommand {
    /// Read an OSM file with a profile, contract it, and save the network to the cache (or --out).
    Build(netload::BuildArgs),
    /// Show the figures of a network: nodes, edges, what was dropped, the hierarchy.
    Info(netload::InfoArgs),
}

#[derive(Debug, Subcommand)]
enum VisitsCommand {
    /// Seeded visit requests: clients drawn from a population group of the grid (people aged 75+ by default),
    /// placed near the streets, with windows, durations, needs and languages.
    Generate(routes::GenerateArgs),
}

#[derive(Debug, Subcommand)]
enum VrptwCommand {
    /// Solve a Solomon instance and write its VRPLIB solution.
    Solve(vrptw::SolveArgs),
}

#[derive(Debug, Subcommand)]
enum BenchCommand {
    /// Preprocessing, one-to-one query and N×N matrix timings on seeded random points.
    Matrix(bench::BenchMatrixArgs),
    /// Each location model solved on a scenario's real matrix (one JSON line per model); exports the matrix for
    /// peer solvers.
    Locate(bench_locate::BenchLocateArgs),
}

mod data_cmd {
    use std::path::{Path, PathBuf};

    use anyhow::{Context, Result};

    use crate::data::{self, Manifest};

    /// Arguments of `neuvo data fetch`.
    #[derive(Debug, clap::Args)]
    pub(crate) struct FetchArgs {
        /// A local mirror laid out like the cache (for example ../shared/data); without it, files are downloaded.
        #[arg(long)]
        pub(crate) from: Option<PathBuf>,
        /// Only these data sets (names from data/sources.toml); all by default.
        pub(crate) only: Vec<String>,
    }

    pub(crate) fn manifest(data_dir: &Path) -> Result<Manifest> {
        let path = data_dir.join("sources.toml");
        if !path.exists() {
            anyhow::bail!(
                "{} not found: run neuvo from the repository root, or point --data-dir (NEUVO_DATA_DIR) at the \
                 folder holding sources.toml",
                path.display()
            );
        }
        Manifest::load(&path)
    }

    pub(crate) fn fetch(data_dir: &Path, args: &FetchArgs) -> Result<()> {
        let m = manifest(data_dir)?;
        let cache = data_dir.join("cache");
        std::fs::create_dir_all(&cache).with_context(|| format!("creating {}", cache.display()))?;
        let outcomes = data::fetch(&m, &cache, args.from.as_deref(), &args.only)?;
        for o in outcomes {
            println!("{:<40} {}", o.name, o.action);
        }
        Ok(())
    }

    pub(crate) fn list(data_dir: &Path) -> Result<()> {
        let m = manifest(data_dir)?;
        let cache = data_dir.join("cache");
        let rows = data::list(&m, &cache)?;
        let missing = rows.iter().filter(|r| !matches!(r.2, data::Status::Present)).count();
        for (name, file, status) in rows {
            println!("{name:<40} {file:<52} {status}");
        }
        if missing > 0 {
            println!(
                "\n{missing} data set(s) not present: run `neuvo data fetch` (or `neuvo data fetch --from DIR`)."
            );
        }
        Ok(())
    }
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let filter = tracing_subscriber::EnvFilter::try_new(&cli.log)
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("warn"));
    tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .with_ansi(std::io::IsTerminal::is_terminal(&std::io::stderr()))
        .with_target(false)
        .init();
    match run(cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            if e.downcast_ref::<std::io::Error>()
                .is_some_and(|io| io.kind() == std::io::ErrorKind::BrokenPipe)
            {
                return ExitCode::SUCCESS;
            }
            eprintln!("error: {e:#}");
            ExitCode::from(2)
        }
    }
}

fn run(cli: Cli) -> anyhow::Result<()> {
    let d = &cli.data_dir;
    match cli.command {
        Command::Data(DataCommand::Fetch(a)) => data_cmd::fetch(d, &a),
        Command::Data(DataCommand::List) => data_cmd::list(d),
        Command::Network(NetworkCommand::Build(a)) => netload::build(d, &a),
        Command::Network(NetworkCommand::Info(a)) => netload::info(d, &a),
        Command::Route(a) => queries::route(d, &a),
        Command::Matrix(a) => queries::matrix(d, &a),
        Command::Isochrone(a) => queries::isochrone(d, &a),
        Command::Venues(a) => queries::venues(d, &a),
        Command::Locate(a) => locate::run(d, &a),
        Command::Compare(a) => compare::run(d, &a),
        Command::Schedule(a) => schedule::run(d, &a),
        Command::Routes(a) => routes::run(d, &a),
        Command::Visits(VisitsCommand::Generate(a)) => routes::generate(d, &a),
        Command::Vrptw(VrptwCommand::Solve(a)) => vrptw::solve(&a),
        Command::Bench(BenchCommand::Matrix(a)) => bench::matrix(d, &a),
        Command::Bench(BenchCommand::Locate(a)) => bench_locate::run(d, &a),
        Command::Serve(a) => serve::serve(d, &a),
        Command::User(c) => serve::user(d, &c),
        Command::Setup(a) => serve::setup(d, &a),
        Command::Demo(a) => demo::run(d, &a),
    }
}
