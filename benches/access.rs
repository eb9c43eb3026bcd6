//! Access benchmark printing JSON lines (run with `benches/access.sh`): every populated Espoo cell of HSY's
//! 250 m grid to Espoo's six customer service points by car, as `espoo-75plus-car.toml` computes it (target: at
//! most 1 s once the network is loaded, on the project machine), timed over several runs so one noisy run does
//! not decide. Also, for information: building the car network, reading the grid, and the same matrix walking on
//! the `walk75_skeleton` profile.

use std::path::Path;
use std::time::Instant;

use neuvo_model::{LonLat, NoProgress};
use neuvo_network::{Network, NetworkMeta, SnapParams, SnapParamsMeta};
use neuvo_osm::Profile;
use neuvo_population::{Boundaries, GridSpec, Preset};

/// The road skeleton the Espoo scenarios use.
const OSM: &str = "osm/hsl_area_transit_route_roads_2022.osm.pbf";
/// Timed runs of each matrix.
const RUNS: usize = 7;

fn main() {
    let threads = std::thread::available_parallelism().map_or(1, usize::from);

    let t0 = Instant::now();
    let mut car = build(&Profile::for_mode(neuvo_model::Mode::Car));
    let build_s = t0.elapsed().as_secs_f64();
    // As `max_snap_m = 1500` in the scenario: homes join the skeleton by access legs of up to 1.5 km.
    let p = car.snap_params();
    car.set_snap_params(SnapParams { max_snap_m: 1500.0, ..p });
    let g = car.graph();
    line(
        "car_network_build",
        &serde_json::json!({
            "s": round3(build_s), "profile": car.meta.profile, "nodes": g.node_count(), "edges": g.edge_count()
        }),
    );

    let t1 = Instant::now();
    let (cells, in_espoo, read) = espoo_cells();
    line(
        "espoo_grid_read",
        &serde_json::json!({
            "s": round3(t1.elapsed().as_secs_f64()), "cells_read": read, "cells_in_espoo": in_espoo, "cells_with_people": cells.len()
        }),
    );

    let sites = service_points();

    let (times, reach) = timed(&car, &cells, &sites, threads);
    let median = times[times.len() / 2];
    line(
        "car_all_espoo_cells_to_six_service_points",
        &serde_json::json!({
            "median_s": round3(median), "min_s": round3(times[0]), "max_s": round3(times[times.len() - 1]),
            "runs": RUNS, "target_s": 1.0, "ratio_to_target": round3(median / 1.0), "meets_target": median <= 1.0,
            "threads": threads, "cells": cells.len(), "sites": sites.len(),
            "cells_off_network": reach.cells_off_network.len(), "sites_off_network": reach.sites_off_network.len(),
            "pairs_reached": pairs_reached(&reach)
        }),
    );
    drop(car);

    let profile = Profile::load(&neuvo_testkit::data_dir().join("profiles/walk75_skeleton.toml"))
        .expect("the walk75_skeleton profile reads");
    let t2 = Instant::now();
    let walk = build(&profile);
    let walk_build_s = t2.elapsed().as_secs_f64();
    let (times, reach) = timed(&walk, &cells, &sites, threads);
    let median = times[times.len() / 2];
    line(
        "walk75_skeleton_all_espoo_cells_to_six_service_points",
        &serde_json::json!({
            "median_s": round3(median), "min_s": round3(times[0]), "max_s": round3(times[times.len() - 1]),
            "runs": RUNS, "network_build_s": round3(walk_build_s), "max_snap_m": walk.snap_params().max_snap_m,
            "threads": threads, "cells": cells.len(), "sites": sites.len(),
            "cells_off_network": reach.cells_off_network.len(), "sites_off_network": reach.sites_off_network.len(),
            "pairs_reached": pairs_reached(&reach)
        }),
    );
}

/// Reads the skeleton with `profile` and contracts it, as `neuvo network build` does (no cache).
fn build(profile: &Profile) -> Network {
    let (graph, _) =
        neuvo_osm::read_network(&neuvo_testkit::data_file(OSM), profile).expect("the skeleton reads");
    let meta = NetworkMeta {
        mode: Some(profile.mode),
        profile: profile.name.clone(),
        snap: SnapParamsMeta {
            max_snap_m: profile.max_snap_m,
            access_speed_kmh: profile.access_speed(),
            candidate_slack_m: profile.snap_slack_m,
        },
        ..Default::default()
    };
    Network::build(graph, meta, &NoProgress)
}

/// The centroids of HSY's cells in Espoo where anybody lives (as the planner keeps them), the cells in Espoo and
/// the rows read.
fn espoo_cells() -> (Vec<LonLat>, usize, usize) {
    let boundaries = |rel: &str, name: &str| {
        Boundaries::read_gpkg(&neuvo_testkit::data_file(rel), None, name).expect("the boundaries read")
    };
    let districts = boundaries("boundaries/capital_region_major_districts.gpkg", "Name");
    let municipalities = boundaries("boundaries/capital_region_municipalities.gpkg", "name");
    let spec =
        GridSpec { preset: Some(Preset::Hsy), municipality: Some("Espoo".into()), ..GridSpec::default() };
    let (demand, report) = neuvo_population::read_grid(
        &neuvo_testkit::data_file("population/hsy_population_grid_2021.gpkg"),
        &spec,
        Some(&districts),
        Some(&municipalities),
    )
    .expect("the grid reads");
    let cells =
        demand.cells.iter().filter(|c| c.values.iter().any(|v| *v > 0.0)).map(|c| c.location).collect();
    (cells, demand.cells.len(), report.cells_read)
}

/// The six Espoo customer service points (three closed, three kept).
fn service_points() -> Vec<LonLat> {
    let path = neuvo_testkit::data_dir().join("sites/espoo_service_points.csv");
    let sites = read_sites(&path);
    assert_eq!(sites.len(), 6, "six service points in {}", path.display());
    sites
}

fn read_sites(path: &Path) -> Vec<LonLat> {
    let f = std::fs::File::open(path).expect("the site file opens");
    let sites =
        neuvo_planner::read_sites_csv(f, "sites/espoo_service_points.csv").expect("the site file reads");
    sites.iter().map(|s| s.location).collect()
}

/// Times `RUNS` computations of the cells × sites matrix; the times sorted, and the last result.
fn timed(
    net: &Network,
    cells: &[LonLat],
    sites: &[LonLat],
    threads: usize,
) -> (Vec<f64>, neuvo_planner::Reach) {
    let mut times = Vec::with_capacity(RUNS);
    let mut last = None;
    for _ in 0..RUNS {
        let t = Instant::now();
        let reach = neuvo_planner::cells_to_sites(net, cells, sites, threads, &NoProgress, &|| false)
            .expect("not cancelled");
        times.push(t.elapsed().as_secs_f64());
        last = Some(reach);
    }
    times.sort_by(f64::total_cmp);
    (times, last.expect("at least one run"))
}

fn pairs_reached(reach: &neuvo_planner::Reach) -> usize {
    let m = &reach.matrix;
    (0..m.rows()).map(|i| (0..m.cols()).filter(|&j| m.time(i, j).is_some()).count()).sum()
}

fn line(name: &str, extra: &serde_json::Value) {
    let mut v = serde_json::json!({ "bench": name });
    if let (Some(o), Some(e)) = (v.as_object_mut(), extra.as_object()) {
        o.extend(e.clone());
    }
    println!("{v}");
}

fn round3(x: f64) -> f64 {
    (x * 1000.0).round() / 1000.0
}
