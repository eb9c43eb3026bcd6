//! `neuvo routes` (the advisors' day: visit requests and advisors in, each advisor's day out as GeoJSON, GPX,
//! iCalendar, a CSV run sheet and a printable HTML day sheet) and `neuvo visits generate` (seeded requests drawn
//! from the population grid, for demos and tests).

use std::fs::File;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use anyhow::{Context, Result};
use chrono::NaiveDate;
use neuvo_export::ExportOptions;
use neuvo_model::{LonLat, Mode, NoProgress};
use neuvo_planner::day::{
    AdvisorSpec, DayInput, DayOptions, DayPlan, GenerateSpec, SessionSpec, VisitRequest, format_clock,
    generate_visits, plan_day, read_advisors_csv, read_sessions_csv, read_visits_csv, write_visits_csv,
};
use neuvo_planner::{DemandSpec, Inputs, NetworkSpec};

use crate::inputs::FileInputs;
use crate::queries::write_json;

/// The street network home visits are planned on unless `--osm` says otherwise: central Helsinki, where the
/// shared data has complete walking and driving networks.
pub(crate) const DEFAULT_OSM: &str = "cache/osm/helsinki_centre_2024.osm.pbf";

/// Arguments of `neuvo routes`.
#[derive(Debug, clap::Args)]
pub(crate) struct RoutesArgs {
    /// Visit requests (CSV with id, lon, lat, duration_min; optional windows, skills, skills_any, languages, priority,
    /// preferred_advisor, advisor, name, address, phone, note).
    #[arg(long)]
    pub(crate) visits: PathBuf,
    /// Advisors (CSV with id, mode, start_lon, start_lat, shift; optional name, end_lon, end_lat, max_work_h, skills,
    /// languages, breaks).
    #[arg(long)]
    pub(crate) advisors: PathBuf,
    /// Pinned pop-up sessions (CSV with id, advisor, lon, lat, start, end; optional name, note).
    #[arg(long)]
    pub(crate) sessions: Option<PathBuf>,
    /// The day, YYYY-MM-DD.
    #[arg(long)]
    pub(crate) date: String,
    /// Folder for the outputs [default: DATA_DIR/cache/routes/DATE].
    #[arg(long)]
    pub(crate) out: Option<PathBuf>,
    /// Print the summary as one JSON object instead of a table.
    #[arg(long)]
    pub(crate) json: bool,
    /// The OpenStreetMap file of the streets, relative to the data folder.
    #[arg(long, default_value = DEFAULT_OSM)]
    pub(crate) osm: String,
    /// Farthest a home may lie from a street of the advisor's mode, in metres [default: the profile's].
    #[arg(long)]
    pub(crate) max_snap_m: Option<f64>,
    /// Solver time limit in seconds.
    #[arg(long, default_value_t = 10.0)]
    pub(crate) time_limit: f64,
    /// Solver seed.
    #[arg(long, default_value_t = 1)]
    pub(crate) seed: u64,
    /// Solver iteration limit: with a seed, the same plan on any machine.
    #[arg(long)]
    pub(crate) iterations: Option<u64>,
    /// Use as few advisors as possible (after serving as many visits as possible).
    #[arg(long)]
    pub(crate) fewest_advisors: bool,
    /// Weight of the workload-balance term (0 turns it off).
    #[arg(long, default_value_t = 1)]
    pub(crate) balance: i64,
    /// Minutes of travel a visit is worth sending to the client's preferred advisor.
    #[arg(long, default_value_t = 10.0)]
    pub(crate) preference_min: f64,
    /// Put clients' names, addresses and phone numbers into the advisors' files (default: pseudonyms only).
    #[arg(long)]
    pub(crate) reveal_client_details: bool,
    /// Threads for the travel-time matrices [default: all cores].
    #[arg(long)]
    pub(crate) threads: Option<usize>,
}

fn open(path: &Path, what: &str) -> Result<File> {
    File::open(path).with_context(|| format!("opening the {what} file {}", path.display()))
}

/// Reads the three request files.
pub(crate) fn read_day(
    visits: &Path,
    advisors: &Path,
    sessions: Option<&Path>,
) -> Result<(Vec<VisitRequest>, Vec<AdvisorSpec>, Vec<SessionSpec>)> {
    let v = read_visits_csv(open(visits, "visits")?, &visits.display().to_string())?;
    let a = read_advisors_csv(open(advisors, "advisors")?, &advisors.display().to_string())?;
    let s = match sessions {
        Some(p) => read_sessions_csv(open(p, "sessions")?, &p.display().to_string())?,
        None => Vec::new(),
    };
    Ok((v, a, s))
}

/// A file name from an advisor's id: letters, digits, `-` and `_` kept, anything else `_`.
pub(crate) fn file_stem(id: &str) -> String {
    id.chars().map(|c| if c.is_ascii_alphanumeric() || c == '-' || c == '_' { c } else { '_' }).collect()
}

/// Writes every advisor's files and the plan's summary and map layer into `out`; returns the file names.
pub(crate) fn write_outputs(plan: &DayPlan, out: &Path, options: &ExportOptions) -> Result<Vec<String>> {
    std::fs::create_dir_all(out).with_context(|| format!("creating {}", out.display()))?;
    let mut written = Vec::new();
    let mut put = |name: String, text: &str| -> Result<()> {
        let p = out.join(&name);
        std::fs::write(&p, text).with_context(|| format!("writing {}", p.display()))?;
        written.push(name);
        Ok(())
    };
    for day in &plan.days {
        let stem = file_stem(&day.advisor_id);
        put(format!("{stem}.geojson"), &serde_json::to_string(&neuvo_export::geojson(day, options)?)?)?;
        put(format!("{stem}.gpx"), &neuvo_export::gpx(day, options)?)?;
        put(format!("{stem}.ics"), &neuvo_export::ics(day, options)?)?;
        put(format!("{stem}.csv"), &neuvo_export::csv_run_sheet(day, options)?)?;
        put(format!("{stem}.html"), &neuvo_export::html_day_sheet(day, options)?)?;
    }
    write_json(&out.join("routes.geojson"), &plan.routes_geojson)?;
    write_json(&out.join("summary.json"), &serde_json::to_value(&plan.summary)?)?;
    written.extend(["routes.geojson".to_owned(), "summary.json".to_owned()]);
    Ok(written)
}

fn hours(s: u64) -> String {
    let m = (s + 30) / 60;
    format!("{}:{:02}", m / 60, m % 60)
}

/// The summary as a table for the terminal.
pub(crate) fn summary_table(plan: &DayPlan) -> String {
    use std::fmt::Write;
    let s = &plan.summary;
    let mut t = String::new();
    let _ = writeln!(
        t,
        "{}: {} of {} visits served, {} session(s), {} of {} advisors out; travel {} h, {:.1} km",
        s.date,
        s.served,
        s.visits,
        s.sessions,
        s.advisors_used,
        s.advisors,
        hours(s.travel_s),
        s.distance_m as f64 / 1000.0
    );
    let _ = writeln!(
        t,
        "{:<14} {:<5} {:>6} {:>8} {:>11} {:>6} {:>7} {:>7}",
        "advisor", "mode", "visits", "sessions", "day", "work", "travel", "km"
    );
    for d in &s.days {
        let day = match (&d.departure, &d.back) {
            (Some(a), Some(b)) => format!("{}–{}", &a[..5], &b[..5]),
            _ => "–".to_owned(),
        };
        let _ = writeln!(
            t,
            "{:<14} {:<5} {:>6} {:>8} {:>11} {:>6} {:>7} {:>7.1}",
            d.id,
            d.mode.as_str(),
            d.visits,
            d.sessions,
            day,
            hours(u64::from(d.work_s)),
            hours(u64::from(d.travel_s)),
            f64::from(d.distance_m) / 1000.0
        );
    }
    for (p, c) in &s.by_priority {
        let _ = writeln!(t, "priority {:<7} {} of {} served", p.as_str(), c.served, c.requested);
    }
    if !s.unserved.is_empty() {
        let _ = writeln!(t, "not served:");
        for u in &s.unserved {
            let _ =
                writeln!(t, "  {} {} ({}): {}: {}", u.kind, u.id, u.priority.as_str(), u.reason, u.detail);
        }
    }
    for n in &s.notes {
        let _ = writeln!(t, "note: {n}");
    }
    let _ = writeln!(
        t,
        "solver: seed {}, {} iterations in {:.1} s, check {}",
        s.solver.seed,
        s.solver.iterations,
        s.solver.seconds,
        if s.solver.feasible { "passed" } else { "FAILED" }
    );
    t
}

/// The networks of a day, through the file inputs' cache.
pub(crate) fn network_source<'a>(
    inputs: &'a FileInputs,
    osm: &str,
    max_snap_m: Option<f64>,
) -> impl Fn(Mode) -> Result<Arc<neuvo_network::Network>, neuvo_planner::InputError> + 'a {
    let osm = osm.to_owned();
    move |mode| {
        let spec = NetworkSpec { osm: osm.clone(), mode, profile: None, max_snap_m, note: None };
        inputs.network(&spec, &NoProgress)
    }
}

pub(crate) fn run(data_dir: &Path, a: &RoutesArgs) -> Result<()> {
    let date = NaiveDate::parse_from_str(&a.date, "%Y-%m-%d")
        .map_err(|_| anyhow::anyhow!("--date {:?}: expected YYYY-MM-DD, e.g. 2026-12-01", a.date))?;
    anyhow::ensure!(
        a.time_limit.is_finite() && a.time_limit > 0.0,
        "--time-limit must be a positive number of seconds"
    );
    anyhow::ensure!(
        a.preference_min.is_finite() && a.preference_min >= 0.0,
        "--preference-min must be 0 or more"
    );
    anyhow::ensure!(a.balance >= 0, "--balance must be 0 or more");
    let (visits, advisors, sessions) = read_day(&a.visits, &a.advisors, a.sessions.as_deref())?;
    let inputs = FileInputs::new(data_dir);
    let options = DayOptions {
        seed: a.seed,
        time_limit: Duration::from_secs_f64(a.time_limit),
        max_iterations: a.iterations,
        fewest_advisors: a.fewest_advisors,
        balance_weight: a.balance,
        preference_cost_s: (a.preference_min * 60.0).round() as i64,
        threads: a.threads.unwrap_or_else(|| std::thread::available_parallelism().map_or(1, |n| n.get())),
        sessions_first: false,
    };
    let input = DayInput { date, visits, advisors, sessions };
    let plan =
        plan_day(&input, &network_source(&inputs, &a.osm, a.max_snap_m), &options, &NoProgress, &|| false)?;
    let out = a.out.clone().unwrap_or_else(|| data_dir.join("cache/routes").join(&a.date));
    let mut export = ExportOptions::new(chrono::Utc::now().naive_utc());
    export.reveal_client_details = a.reveal_client_details;
    let written = write_outputs(&plan, &out, &export)?;
    if a.json {
        println!("{}", serde_json::to_string(&plan.summary)?);
    } else {
        print!("{}", summary_table(&plan));
        println!("wrote {} files into {}", written.len(), out.display());
    }
    Ok(())
}

/// Arguments of `neuvo visits generate`.
#[derive(Debug, clap::Args)]
pub(crate) struct GenerateArgs {
    /// How many requests.
    #[arg(long, default_value_t = 40)]
    pub(crate) count: usize,
    /// Seed: the same seed and inputs give the same file.
    #[arg(long, default_value_t = 1)]
    pub(crate) seed: u64,
    /// Where to write the CSV.
    #[arg(long)]
    pub(crate) out: PathBuf,
    /// The population group clients come from (a group of the HSY preset: age65, age75, age80, total …).
    #[arg(long, default_value = "age75")]
    pub(crate) group: String,
    /// The population grid, relative to the data folder.
    #[arg(long, default_value = "cache/population/hsy_population_grid_2021.gpkg")]
    pub(crate) grid: String,
    /// Homes must lie near a street of this OSM file (relative to the data folder) …
    #[arg(long, default_value = DEFAULT_OSM)]
    pub(crate) osm: String,
    /// … by this mode …
    #[arg(long, default_value = "walk")]
    pub(crate) mode: String,
    /// … within this many metres (and 150 m inside the network's extent).
    #[arg(long, default_value_t = 100.0)]
    pub(crate) near_m: f64,
    /// Advisors (CSV) to take preferred advisors from.
    #[arg(long)]
    pub(crate) advisors: Option<PathBuf>,
}

pub(crate) fn generate(data_dir: &Path, a: &GenerateArgs) -> Result<()> {
    anyhow::ensure!(a.near_m.is_finite() && a.near_m > 0.0, "--near-m must be a positive number of metres");
    let mode: Mode =
        a.mode.parse().map_err(|_| anyhow::anyhow!("--mode {:?}: expected walk or car", a.mode))?;
    let inputs = FileInputs::new(data_dir);
    let mut options = serde_json::Map::new();
    options.insert("preset".into(), "hsy".into());
    options.insert("groups".into(), serde_json::json!([a.group]));
    let demand = inputs.demand(&DemandSpec {
        grid: a.grid.clone(),
        districts: None,
        municipalities: None,
        options,
    })?;
    let net = network_source(&inputs, &a.osm, None)(mode)?;
    let advisors = match &a.advisors {
        Some(p) => read_advisors_csv(open(p, "advisors")?, &p.display().to_string())?,
        None => Vec::new(),
    };
    // Inside the network's extent, 150 m in from its edges (extracts cut streets at the edge, so homes beyond it
    // would reach the streets by long straight legs), and near a street.
    let bbox = net.graph().bbox().unwrap_or([-180.0, -90.0, 180.0, 90.0]);
    let (dlat, dlon) = (150.0 / 111_195.0, 150.0 / (111_195.0 * bbox[1].to_radians().cos().max(0.1)));
    let inside = |p: LonLat| {
        (bbox[0] + dlon..=bbox[2] - dlon).contains(&p.lon())
            && (bbox[1] + dlat..=bbox[3] - dlat).contains(&p.lat())
            && net.snap(p).is_ok_and(|s| s.access_m <= a.near_m)
    };
    let spec = GenerateSpec { count: a.count, seed: a.seed, group: a.group.clone() };
    let visits = generate_visits(&demand.demand, &spec, &advisors, &inside).map_err(anyhow::Error::msg)?;
    if let Some(dir) = a.out.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir).with_context(|| format!("creating {}", dir.display()))?;
    }
    let f = File::create(&a.out).with_context(|| format!("creating {}", a.out.display()))?;
    write_visits_csv(&visits, f).with_context(|| format!("writing {}", a.out.display()))?;
    let windows = visits.iter().filter(|v| !v.windows.is_empty()).count();
    println!(
        "wrote {} visit requests (clients of group {}, {} with time windows, first window {}) to {}",
        visits.len(),
        a.group,
        windows,
        visits.iter().flat_map(|v| v.windows.first()).map(|w| w.start).min().map_or("–".into(), format_clock),
        a.out.display()
    );
    Ok(())
}
