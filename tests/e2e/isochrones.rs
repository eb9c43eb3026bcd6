//! Isochrones on the central Helsinki walking network, checked against plain Dijkstra.

use std::collections::HashMap;

use geo::{Area, Contains, Intersects, Point, Winding};
use neuvo_model::{LonLat, Millis, SplitMix64};
use neuvo_network::{IsochroneParams, Network};

use crate::support::network;

/// Helsinki Central Library Oodi.
const OODI: (f64, f64) = (24.9381, 60.1740);

/// Points along every edge whose time is known, with their time: nodes and interior points every 10 m.
fn timed_points(net: &Network, node_time: &[f64]) -> Vec<(LonLat, f64)> {
    let g = net.graph();
    let mut out = Vec::new();
    for u in 0..g.node_count() as u32 {
        let tu = node_time[u as usize];
        out.push((g.coord(u), tu));
        for (_, v, w) in g.out_edges(u) {
            let (a, b) = (g.coord(u), g.coord(v));
            let k = (a.haversine_m(b) / 10.0).ceil() as usize;
            for i in 1..k {
                let f = i as f64 / k as f64;
                let p = LonLat::try_new(a.lon() + f * (b.lon() - a.lon()), a.lat() + f * (b.lat() - a.lat()))
                    .expect("between");
                out.push((p, tu + f * w.time().as_secs_f64()));
            }
        }
    }
    out
}

/// For each budget: every point of the street network reached well within the budget (by more than a grid cell's
/// diagonal of walking) lies in the polygon; no
/// point lies in it that is reached only well after the budget and is more than the off-road margin plus two
/// grid cells from everything reached in time. Larger budgets cover smaller ones, areas grow, and no area
/// exceeds the disc a walker could cover.
#[test]
fn isochrones_hold_what_is_reachable_and_nothing_far_beyond() {
    let b = network("osm/helsinki_centre_2024.osm.pbf", "walk");
    let net = &b.net;
    let origin = net.snap(LonLat::try_new(OODI.0, OODI.1).expect("valid")).expect("Oodi snaps");
    let params = IsochroneParams::default();
    let budgets = [Millis(15 * 60_000), Millis(10 * 60_000), Millis(5 * 60_000)];
    let isos = net.isochrones(&origin, &budgets, &params);
    assert_eq!(isos.len(), 3);

    let node_time: Vec<f64> = net
        .node_weights(&origin, neuvo_network::Weight::INFINITY)
        .iter()
        .map(|w| w.time().as_secs_f64())
        .collect();
    let points = timed_points(net, &node_time);
    let speed = net.snap_params().access_speed_kmh / 3.6;
    let mut rng = SplitMix64::new(11);

    for iso in &isos {
        let budget = iso.budget.as_secs_f64();
        for poly in &iso.polygon.0 {
            assert!(poly.exterior().is_ccw(), "outer rings are counter-clockwise");
            for hole in poly.interiors() {
                assert!(hole.is_cw(), "holes are clockwise");
            }
        }
        // Cells of 100 m holding the points reached in time, to find "far from everything reached".
        let cell = 100.0;
        let key = |p: LonLat| {
            (
                (p.lon() * 111_320.0 * 0.4975 / cell).floor() as i64,
                (p.lat() * 111_320.0 / cell).floor() as i64,
            )
        };
        let mut reached: HashMap<(i64, i64), Vec<LonLat>> = HashMap::new();
        for &(p, t) in &points {
            if t <= budget {
                reached.entry(key(p)).or_default().push(p);
            }
        }
        let near_reached = |p: LonLat, r: f64| {
            let (i, j) = key(p);
            (-2..=2).any(|di| {
                (-2..=2).any(|dj| {
                    reached.get(&(i + di, j + dj)).is_some_and(|v| v.iter().any(|q| q.haversine_m(p) <= r))
                })
            })
        };
        // Within a grid cell the contour interpolates linearly between corners: allow a cell's diagonal of walking.
        let slack_s = params.cell_m * std::f64::consts::SQRT_2 / speed + 2.0;
        let mut inside_checked = 0;
        let mut outside_checked = 0;
        for _ in 0..20_000 {
            let (p, t) = points[rng.below(points.len() as u64) as usize];
            let pt = Point::new(p.lon(), p.lat());
            if t <= budget - slack_s {
                assert!(iso.polygon.intersects(&pt), "{budget} s: {p} reached in {t:.0} s is outside");
                inside_checked += 1;
            } else if t > budget + params.offroad_m / speed + 20.0
                && !near_reached(p, params.offroad_m + 2.0 * params.cell_m)
            {
                assert!(!iso.polygon.contains(&pt), "{budget} s: a point reached only in {t:.0} s is inside");
                outside_checked += 1;
            }
        }
        assert!(
            inside_checked > 100 && outside_checked > 100,
            "{inside_checked} inside, {outside_checked} outside"
        );
        let reach_m = budget * speed + params.offroad_m + origin.access_m;
        let disc_km2 = std::f64::consts::PI * reach_m * reach_m / 1e6;
        assert!(iso.area_km2 > 0.0 && iso.area_km2 < disc_km2, "{} km² vs disc {disc_km2}", iso.area_km2);
        assert!((iso.polygon.unsigned_area() > 0.0), "non-empty polygon");
    }
    assert!(isos[0].area_km2 > isos[1].area_km2 && isos[1].area_km2 > isos[2].area_km2);
    assert!(isos[0].nodes_reached > isos[1].nodes_reached && isos[1].nodes_reached > isos[2].nodes_reached);
}
