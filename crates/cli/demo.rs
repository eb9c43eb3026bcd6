//! `neuvo demo`: fetches the sample data and shows the travel-time engine and a location plan on central
//! Helsinki.

use std::path::{Path, PathBuf};
use std::time::Instant;

use anyhow::{Context, Result};
use neuvo_model::{LonLat, Millis, Mode};
use neuvo_network::{IsochroneParams, MatrixParams};

use neuvo_model::NoProgress;
use neuvo_planner::{RunOptions, Scenario, run_locate};

use crate::inputs::FileInputs;
use crate::netload::{self, NetworkArgs};
use crate::queries::{create, fmt_duration, write_json};

/// Arguments of `neuvo demo`.
#[derive(Debug, clap::Args)]
pub(crate) struct DemoArgs {
    /// A local mirror of the data (for example ../shared/data); without it, the sample is downloaded.
    #[arg(long)]
    pub(crate) from: Option<PathBuf>,
    /// Where to write the demo's GeoJSON and CSV files [default: DATA_DIR/cache/demo].
    #[arg(long)]
    pub(crate) out: Option<PathBuf>,
    /// Stop after the summary instead of serving the map page.
    #[arg(long)]
    pub(crate) no_serve: bool,
    /// Address the map page is served on.
    #[arg(long, default_value = "127.0.0.1:8080")]
    pub(crate) bind: std::net::SocketAddr,
}

/// The data sets the demo runs on: the street network, and the population grid and boundaries of its location
/// plan.
const SAMPLE: [&str; 4] = [
    "helsinki_centre_2024_osm",
    "hsy_population_grid_2021",
    "capital_region_major_districts",
    "capital_region_municipalities",
];

/// The location plan the demo runs (a shipped scenario).
const SCENARIO: &str = "scenarios/helsinki-centre-walk.toml";

/// Helsinki Central Railway Station square and Hietalahti market hall (approximate, from OpenStreetMap).
const STATION: (f64, f64) = (24.9414, 60.1711);
const HIETALAHTI: (f64, f64) = (24.9296, 60.1623);
/// Helsinki Central Library Oodi (approximate).
const OODI: (f64, f64) = (24.9381, 60.1740);

fn ll(p: (f64, f64)) -> Result<LonLat> {
    Ok(LonLat::try_new(p.0, p.1)?)
}

pub(crate) fn run(data_dir: &Path, a: &DemoArgs) -> Result<()> {
    let t0 = Instant::now();
    let out = a.out.clone().unwrap_or_else(|| data_dir.join("cache/demo"));
    std::fs::create_dir_all(&out).with_context(|| format!("creating {}", out.display()))?;
    println!(
        "neuvo demo: the travel-time engine and a location plan on central Helsinki\n(© OpenStreetMap contributors, ODbL; population: HSY, CC BY 4.0; districts: HRI, CC BY 4.0)\n"
    );

    let manifest = crate::data_cmd::manifest(data_dir)?;
    let cache = data_dir.join("cache");
    let sample: Vec<String> = SAMPLE.iter().map(|s| (*s).to_owned()).collect();
    for o in crate::data::fetch(&manifest, &cache, a.from.as_deref(), &sample)? {
        println!("data        {}: {}", o.name, o.action);
    }

    let mut nets = Vec::new();
    for mode in [Mode::Walk, Mode::Car] {
        let args = NetworkArgs::of(None, mode, false);
        let t = Instant::now();
        let l = netload::load(data_dir, &args)?;
        println!(
            "network     {:<4} {:>6} nodes {:>7} edges, {} in {:.2} s",
            mode.as_str(),
            l.net.graph().node_count(),
            l.net.graph().edge_count(),
            if l.from_cache { "loaded from cache" } else { "read and contracted" },
            t.elapsed().as_secs_f64()
        );
        nets.push((mode, l.net));
    }

    println!("\nroute       Railway Station square -> Hietalahti market hall");
    for (mode, net) in &nets {
        let from = net.snap(ll(STATION)?)?;
        let to = net.snap(ll(HIETALAHTI)?)?;
        let r = net.route(&from, &to).context("no route")?;
        let file = out.join(format!("route_{mode}.geojson"));
        write_json(&file, &r.to_geojson())?;
        println!(
            "            {:<4} {:>6.0} m {:>14}   {}",
            mode.as_str(),
            r.dist.as_m_f64(),
            fmt_duration(r.time),
            file.display()
        );
    }

    let osm = data_dir.join(netload::SAMPLE_OSM);
    let (venues, _) = neuvo_osm::read_venues(&osm, &neuvo_osm::VenueRules::builtin())?;
    let libraries: Vec<_> =
        venues.iter().filter(|v| v.kind.0 == "library" && v.name.is_some()).take(8).collect();
    println!(
        "\nmatrix      walking minutes between {} of the {} venues found ({} libraries)",
        libraries.len(),
        venues.len(),
        venues.iter().filter(|v| v.kind.0 == "library").count()
    );
    let (_, walk) = &nets[0];
    let pts: Vec<_> = libraries.iter().map(|v| walk.snap(v.location).ok()).collect();
    let m = walk.matrix(&pts, &pts, MatrixParams::default());
    let mut csv = csv::Writer::from_writer(create(&out.join("matrix_walk_libraries.csv"))?);
    csv.write_record(["from", "to", "seconds", "metres"])?;
    for (i, a) in libraries.iter().enumerate() {
        let name = a.name.as_deref().unwrap_or("?");
        let cells: Vec<String> = (0..libraries.len())
            .map(|j| m.time(i, j).map_or("  -".into(), |t| format!("{:>3.0}", t.as_secs_f64() / 60.0)))
            .collect();
        println!("            {:<34} {}", name.chars().take(34).collect::<String>(), cells.join(" "));
        for (j, b) in libraries.iter().enumerate() {
            if let (Some(t), Some(d)) = (m.time(i, j), m.distance(i, j)) {
                csv.write_record([
                    name,
                    b.name.as_deref().unwrap_or("?"),
                    &format!("{:.3}", t.as_secs_f64()),
                    &format!("{:.2}", d.as_m_f64()),
                ])?;
            }
        }
    }
    csv.flush()?;

    let origin = walk.snap(ll(OODI)?)?;
    let budgets = [Millis(15 * 60_000), Millis(10 * 60_000), Millis(5 * 60_000)];
    let isos = walk.isochrones(&origin, &budgets, &IsochroneParams::default());
    let file = out.join("isochrones_walk_oodi.geojson");
    write_json(
        &file,
        &serde_json::json!({"type": "FeatureCollection", "features": isos.iter().map(|i| i.to_geojson()).collect::<Vec<_>>()}),
    )?;
    println!("\nisochrone   walking from Oodi library: {}", file.display());
    for i in &isos {
        println!(
            "            {:>2.0} min  {:>6.3} km²  {:>5} street nodes",
            i.budget.as_secs_f64() / 60.0,
            i.area_km2,
            i.nodes_reached
        );
    }
    locate(data_dir, &out.join("locate"))?;
    routes(data_dir, &out.join("routes"))?;
    println!("\ndone in {:.1} s.", t0.elapsed().as_secs_f64());
    if a.no_serve {
        println!(
            "Next: `neuvo serve`, `neuvo route --help`, `neuvo matrix --help`, `neuvo isochrone --help`."
        );
        return Ok(());
    }
    serve_map(data_dir, a.bind)
}

/// The planners' job on the shipped central-Helsinki scenario: four pop-up venues for people aged 75+.
fn locate(data_dir: &Path, out: &Path) -> Result<()> {
    // The data folder's copy when there is one (a planner may have edited it), else the one shipped in the binary.
    let path = data_dir.join(SCENARIO);
    let scenario = match std::fs::read_to_string(&path) {
        Ok(text) => Scenario::from_toml(&text, &path.display().to_string())?,
        Err(_) => {
            Scenario::from_toml(include_str!("../../data/scenarios/helsinki-centre-walk.toml"), SCENARIO)?
        }
    };
    let inputs = FileInputs::new(data_dir);
    let r = run_locate(&scenario, &inputs, RunOptions::default(), &NoProgress, &|| false)?;
    write_json(&out.join("sites.geojson"), &r.sites_geojson)?;
    write_json(&out.join("cells.geojson"), &r.cells_geojson)?;
    let s = &r.summary;
    println!(
        "\nlocate      {} (data/{SCENARIO}): {} of the {:.0} residents aged 75+ in {} cells reach one within {} min",
        s.title.as_deref().unwrap_or(&s.scenario),
        s.groups.iter().find(|g| g.group == "age75").map_or("?".into(), |g| format!("{:.0}", g.covered)),
        s.groups.iter().find(|g| g.group == "age75").map_or(0.0, |g| g.people),
        s.cells["with_people"],
        s.minutes
    );
    for site in s.sites.iter().filter(|x| x.chosen) {
        let covered = site.explanation.as_ref().and_then(|e| e["covered"]["age75"].as_f64()).unwrap_or(0.0);
        println!("            {:<40} {:<16} {covered:>6.0} aged 75+ within reach", site.name, site.kind);
    }
    println!(
        "            {} by {} in {:.2} s; trade-off knee at p = {}; layers in {}",
        s.status,
        s.method,
        s.timings.solve_s,
        s.knee.map_or("–".into(), |k| k.to_string()),
        out.display()
    );
    println!(
        "            Espoo: neuvo locate --scenario data/scenarios/espoo-75plus-car.toml (after `neuvo data fetch`)"
    );
    println!("            closures: neuvo compare --scenario data/scenarios/espoo-2021.toml before after");
    println!("            rotation: neuvo schedule --scenario data/scenarios/espoo-week.toml --weeks 2");
    Ok(())
}

/// The advisors' job on the shipped sample day: four advisors, two pop-up sessions, home visits drawn from the
/// 75+ population of central Helsinki.
fn routes(data_dir: &Path, out: &Path) -> Result<()> {
    // The data folder's copies when there are some (a planner may have edited them), else those in the binary.
    let dir = data_dir.join("routes");
    let file = |name: &str, built_in: &'static str| match std::fs::read(dir.join(name)) {
        Ok(bytes) => (bytes, dir.join(name).display().to_string()),
        Err(_) => (built_in.as_bytes().to_vec(), format!("data/routes/{name} (built in)")),
    };
    let (v, vf) = file("helsinki-visits.csv", include_str!("../../data/routes/helsinki-visits.csv"));
    let (a, af) = file("helsinki-advisors.csv", include_str!("../../data/routes/helsinki-advisors.csv"));
    let (s, sf) = file("helsinki-sessions.csv", include_str!("../../data/routes/helsinki-sessions.csv"));
    let visits = neuvo_planner::day::read_visits_csv(v.as_slice(), &vf)?;
    let advisors = neuvo_planner::day::read_advisors_csv(a.as_slice(), &af)?;
    let sessions = neuvo_planner::day::read_sessions_csv(s.as_slice(), &sf)?;
    let date = chrono::NaiveDate::from_ymd_opt(2026, 12, 1).unwrap_or_default();
    let input = neuvo_planner::day::DayInput { date, visits, advisors, sessions };
    let options = neuvo_planner::day::DayOptions {
        time_limit: std::time::Duration::from_secs(3),
        threads: 2,
        ..Default::default()
    };
    let inputs = FileInputs::new(data_dir);
    let source = crate::routes::network_source(&inputs, crate::routes::DEFAULT_OSM, None);
    let plan = neuvo_planner::day::plan_day(&input, &source, &options, &NoProgress, &|| false)?;
    let export = neuvo_export::ExportOptions::new(chrono::Utc::now().naive_utc());
    crate::routes::write_outputs(&plan, out, &export)?;
    println!("\nroutes      the advisors' sample day (data/routes/), 3 s of search:");
    for line in crate::routes::summary_table(&plan).lines().filter(|l| !l.starts_with("  visit ")) {
        println!("            {line}");
    }
    println!("            each advisor's GPX, ICS, GeoJSON, CSV and HTML day sheet in {}", out.display());
    Ok(())
}

/// Installs the map page's packages if needed, issues a demo token and serves until Ctrl-C.
fn serve_map(data_dir: &Path, bind: std::net::SocketAddr) -> Result<()> {
    let web = PathBuf::from("web");
    if web.join("package.json").is_file() && !web.join("node_modules/leaflet/dist/leaflet.js").is_file() {
        println!("\ninstalling the map page's packages (npm ci in web/) …");
        crate::serve::install_web(&web)?;
    }
    let db = neuvo_server::Db::open(&crate::serve::db_path(data_dir, None))?;
    let existing = db.with(|c| neuvo_server::db::user_by_name(c, "demo"))?;
    let token = match existing {
        Some(u) => neuvo_server::auth::issue_token(&db, &u)?,
        None => neuvo_server::auth::create_user(&db, "demo", neuvo_server::Role::Planner)?.1,
    };
    // An advisor of the sample day, to see the day the planner publishes from the map page.
    let aino = match db.with(|c| neuvo_server::db::user_by_name(c, "aino"))? {
        Some(u) => neuvo_server::auth::issue_token(&db, &u)?,
        None => neuvo_server::auth::create_user(&db, "aino", neuvo_server::Role::Advisor)?.1,
    };
    drop(db);
    let args = crate::serve::ServeArgs {
        bind,
        osm: None,
        modes: vec![Mode::Walk, Mode::Car],
        db: None,
        web,
        workers: None,
        max_body_kib: 4096,
        request_timeout_s: 30,
        cors_origin: None,
        basemap_url: None,
        basemap_attribution: None,
    };
    crate::serve::run(data_dir, &args, &|url| {
        println!("\nmap page    {url}/   (log in with the demo token below; Ctrl-C stops the server)");
        println!("API         {url}/api/v1/openapi.json");
        println!("demo token (planner):");
        println!("{token}");
        println!("advisor token (aino: sees her day once the planner publishes it under *Advisors' day*):");
        println!("{aino}");
    })
}
