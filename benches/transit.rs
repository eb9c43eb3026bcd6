//! Transit benchmarks printing JSON lines (run with `benches/transit.sh`): reading the central Helsinki feed,
//! linking its stops to the walking network, and range RAPTOR from one origin over a 60-minute window (target:
//! at most 50 ms per origin on the project machine), timed over many origins so one noisy run does not decide.

use std::time::Instant;

use neuvo_model::{LonLat, NoProgress};
use neuvo_network::{Network, NetworkMeta, SnapParamsMeta};
use neuvo_transit::walk::{StopLinks, WalkSpeed};
use neuvo_transit::{Params, Raptor, UNREACHED, Window};

fn main() {
    let t0 = Instant::now();
    let feed = neuvo_gtfs::Feed::open(neuvo_testkit::data_file("gtfs/hsl_helsinki_centre_20220222_gtfs.zip"))
        .expect("the shared feed reads");
    let date = feed.service_dates()[0];
    let (tt, _) = feed.timetable(date).expect("its service day");
    line(
        "gtfs_read_and_timetable",
        t0.elapsed().as_secs_f64() * 1e3,
        None,
        &serde_json::json!({
            "stops": tt.stops().len(), "patterns": tt.patterns().len(), "trips": tt.trip_count()
        }),
    );

    let p = neuvo_osm::Profile::builtin("walk").expect("built-in");
    let (g, _) = neuvo_osm::read_network(&neuvo_testkit::data_file("osm/helsinki_centre_2024.osm.pbf"), &p)
        .expect("reads");
    let meta = NetworkMeta {
        mode: Some(p.mode),
        profile: p.name.clone(),
        snap: SnapParamsMeta {
            max_snap_m: p.max_snap_m,
            access_speed_kmh: p.access_speed(),
            candidate_slack_m: p.snap_slack_m,
        },
        ..Default::default()
    };
    let net = Network::build(g, meta, &NoProgress);
    let t1 = Instant::now();
    let links = StopLinks::new(&net, &tt);
    let transfers = links.transfers(&net, 600, WalkSpeed::profile());
    line(
        "stop_links_and_transfers",
        t1.elapsed().as_secs_f64() * 1e3,
        None,
        &serde_json::json!({
            "walks": transfers.len(), "stops_off_network": links.off_network.len()
        }),
    );

    // Origins: every fifth stop on the network, as points (so access walks are searched as for a cell).
    let origins: Vec<_> =
        (0..tt.stops().len() as u32).filter_map(|s| links.snap(s).cloned()).step_by(5).collect();
    let mut dij = net.dijkstra();
    let mut raptor = Raptor::new(&tt, &transfers, Params::default());
    let mut per_origin = Vec::new();
    let mut reached = 0usize;
    for o in &origins {
        let t = Instant::now();
        let access = links.access(&net, &mut dij, o, 900, WalkSpeed::profile());
        raptor.run_range(&access, Window::minutes(8 * 3600, 60), |_, l| {
            reached += (0..tt.stops().len() as u32).filter(|&s| l.ride(s) != UNREACHED).count();
        });
        per_origin.push(t.elapsed().as_secs_f64() * 1e3);
    }
    per_origin.sort_by(f64::total_cmp);
    let median = per_origin[per_origin.len() / 2];
    line(
        "raptor_one_origin_60_min_window",
        median,
        Some(50.0),
        &serde_json::json!({
            "origins": origins.len(), "p90_ms": round2(per_origin[per_origin.len() * 9 / 10]),
            "max_ms": round2(per_origin[per_origin.len() - 1]), "departures": 60, "max_transfers": Params::default().max_transfers,
            "mean_stops_reached_per_departure": round2(reached as f64 / (origins.len() * 60) as f64)
        }),
    );
    cells_to_sites(&net, &tt);
}

/// Every cell of a 250 m grid over the walking network's extent to six central sites by transit, 60 departures.
fn cells_to_sites(net: &Network, tt: &neuvo_transit::Timetable) {
    let [x0, y0, x1, y1] = net.graph().bbox().expect("a network");
    // 250 m in degrees at 60.17° N.
    let (dx, dy) = (250.0 / (111_320.0 * 60.17f64.to_radians().cos()), 250.0 / 110_574.0);
    let mut cells = Vec::new();
    let mut y = y0 + dy / 2.0;
    while y < y1 {
        let mut x = x0 + dx / 2.0;
        while x < x1 {
            cells.push(LonLat::try_new(x, y).expect("inside the extent"));
            x += dx;
        }
        y += dy;
    }
    // Oodi, Rikhardinkatu library, Kamppi service centre, Ruoholahti, Sörnäinen, Katajanokka.
    let sites: Vec<LonLat> = [
        (24.9382, 60.1739),
        (24.9447, 60.1653),
        (24.9316, 60.1690),
        (24.9135, 60.1630),
        (24.9640, 60.1770),
        (24.9660, 60.1680),
    ]
    .iter()
    .map(|&(x, y)| LonLat::try_new(x, y).expect("valid"))
    .collect();
    matrix_line(net, tt, &cells, &sites, "transit_all_centre_cells_to_six_sites");
    // Every venue the central Helsinki scenarios may open (libraries, senior and community centres, malls, the
    // town hall), as the comparison helsinki-centre-transit sees them.
    let (venues, _) = neuvo_osm::read_venues(
        &neuvo_testkit::data_file("osm/helsinki_centre_2024.osm.pbf"),
        &neuvo_osm::VenueRules::builtin(),
    )
    .expect("venues read");
    let all: Vec<LonLat> = venues.iter().map(|v| v.location).collect();
    matrix_line(net, tt, &cells, &all, "transit_all_centre_cells_to_all_venues");
}

fn matrix_line(net: &Network, tt: &neuvo_transit::Timetable, cells: &[LonLat], sites: &[LonLat], name: &str) {
    let options = neuvo_planner::TransitOptions::hour_from(8 * 3600);
    let t = Instant::now();
    let reach =
        neuvo_planner::cells_to_sites_by_transit(net, tt, cells, sites, &options, &NoProgress, &|| false)
            .expect("not cancelled");
    let ms = t.elapsed().as_secs_f64() * 1e3;
    let reached = (0..cells.len())
        .flat_map(|i| (0..sites.len()).map(move |j| (i, j)))
        .filter(|&(i, j)| reach.p50.time(i, j).is_some());
    line(
        name,
        ms,
        None,
        &serde_json::json!({
            "cells": cells.len(), "cells_on_network": cells.len() - reach.cells_off_network.len(),
            "sites": sites.len(), "departures": 60, "pairs_reached_p50": reached.count(),
            "ms_per_cell": round2(ms / cells.len() as f64)
        }),
    );
}

fn line(name: &str, ms: f64, target_ms: Option<f64>, extra: &serde_json::Value) {
    let mut v = serde_json::json!({ "bench": name, "ms": round2(ms) });
    if let Some(t) = target_ms {
        v["target_ms"] = t.into();
        v["meets_target"] = (ms <= t).into();
    }
    if let (Some(o), Some(e)) = (v.as_object_mut(), extra.as_object()) {
        o.extend(e.clone());
    }
    println!("{v}");
}

fn round2(x: f64) -> f64 {
    (x * 100.0).round() / 100.0
}
