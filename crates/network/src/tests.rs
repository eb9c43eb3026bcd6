//! Differential tests: the contraction hierarchy and the bucket tables against plain Dijkstra on seeded random
//! graphs, the cache round trip, and determinism.

use neuvo_model::{Centimeters, LonLat, Millis, NoProgress, SplitMix64};

use crate::ch::{ChQuery, Hierarchy, ManyToMany};
use crate::{
    Dijkstra, GraphBuilder, MatrixParams, Network, NetworkMeta, RoadGraph, Snap, SnapParams, Weight,
};

/// A random road-like graph: nodes on a jittered grid near Helsinki, edges to grid neighbours (some one-way,
/// some missing) and a few long "motorway" edges; weights are random so that paths compete, and time ties
/// between different lengths are frequent (times are multiples of 100 ms).
pub(crate) fn random_graph(seed: u64, side: usize) -> RoadGraph {
    let mut rng = SplitMix64::new(seed);
    let mut b = GraphBuilder::new();
    for j in 0..side {
        for i in 0..side {
            let lon = 249_000_000 + (i as i32) * 20_000 + rng.below(8_000) as i32;
            let lat = 601_600_000 + (j as i32) * 10_000 + rng.below(4_000) as i32;
            b.add_node((j * side + i) as i64, lon, lat);
        }
    }
    let w = |rng: &mut SplitMix64| {
        Weight::new(Millis(100 * (1 + rng.below(20) as u32)), Centimeters(rng.below(5_000) as u32 + 1))
    };
    for j in 0..side {
        for i in 0..side {
            let u = (j * side + i) as u32;
            let mut nbrs = Vec::new();
            if i + 1 < side {
                nbrs.push(u + 1);
            }
            if j + 1 < side {
                nbrs.push(u + side as u32);
            }
            for v in nbrs {
                match rng.below(10) {
                    0 => {}
                    1 | 2 => b.add_edge(u, v, w(&mut rng)),
                    3 => b.add_edge(v, u, w(&mut rng)),
                    _ => {
                        let x = w(&mut rng);
                        b.add_edge(u, v, x);
                        let y = if rng.below(2) == 0 { x } else { w(&mut rng) };
                        b.add_edge(v, u, y);
                    }
                }
            }
        }
    }
    let n = (side * side) as u64;
    for _ in 0..side / 2 {
        let (u, v) = (rng.below(n) as u32, rng.below(n) as u32);
        let x = w(&mut rng);
        b.add_edge(u, v, Weight(x.0 / 4 * 3));
    }
    b.build().0
}

fn describe(g: &RoadGraph) -> String {
    let mut s = format!("graph with {} nodes:\n", g.node_count());
    for u in 0..g.node_count() as u32 {
        for (_, v, w) in g.out_edges(u) {
            s += &format!("  {u} -> {v}: {} ms {} cm\n", w.time().0, w.dist().0);
        }
    }
    s
}

/// The weight of a sequence of base edges, checking that they form a path from `s` to `t`.
fn path_weight(g: &RoadGraph, s: u32, t: u32, edges: &[u32]) -> Weight {
    let mut cur = s;
    let mut total = Weight::ZERO;
    for &e in edges {
        let (tail_ok, w) =
            g.out_edges(cur).find(|&(x, _, _)| x == e).map_or((false, Weight::ZERO), |(_, _, w)| (true, w));
        assert!(tail_ok, "edge {e} does not leave node {cur}");
        total = total.plus(w);
        cur = g.edge_head(e);
    }
    assert_eq!(cur, t, "path ends at {cur}, not {t}");
    total
}

/// For every pair of nodes on 60 random graphs, the hierarchy's up-down path has exactly Dijkstra's weight
/// (time and length), and unpacks into a real path of base edges with that weight.
#[test]
fn hierarchy_paths_equal_dijkstra_on_random_graphs() {
    for seed in 0..60 {
        let g = random_graph(seed, 3 + (seed as usize % 8));
        let ch = Hierarchy::build(&g, &NoProgress);
        let mut q = ChQuery::new(&ch);
        let mut dij = Dijkstra::new(g.node_count());
        for s in 0..g.node_count() as u32 {
            dij.run(&g, &[(s, Weight::ZERO)], Weight::INFINITY);
            for t in 0..g.node_count() as u32 {
                let p = q.path(&ch, &[(s, Weight::ZERO)], &[(t, Weight::ZERO)]);
                let p = p.unwrap_or_else(|| {
                    panic!("no path {s}->{t} in a strongly connected graph\n{}", describe(&g))
                });
                assert_eq!(p.weight, dij.dist(t), "seed {seed}: {s}->{t}\n{}", describe(&g));
                assert_eq!(path_weight(&g, s, t, &p.edges), p.weight, "seed {seed}: unpacked {s}->{t}");
            }
        }
    }
}

/// On larger random graphs, bucket many-to-many rows equal one Dijkstra per source, node to node.
#[test]
fn bucket_tables_equal_dijkstra_on_larger_random_graphs() {
    for seed in 100..106 {
        let g = random_graph(seed, 30);
        let ch = Hierarchy::build(&g, &NoProgress);
        let mut rng = SplitMix64::new(seed);
        let n = g.node_count() as u64;
        let targets: Vec<u32> = (0..40).map(|_| rng.below(n) as u32).collect();
        let sources: Vec<u32> = (0..25).map(|_| rng.below(n) as u32).collect();
        let entries: Vec<Vec<(u32, Weight)>> = targets.iter().map(|&t| vec![(t, Weight::ZERO)]).collect();
        let m = ManyToMany::new(&ch, &entries, seed % 2 == 0);
        let mut state = m.state();
        let mut dij = Dijkstra::new(g.node_count());
        let mut row = vec![Weight::INFINITY; targets.len()];
        for &s in &sources {
            m.row(&mut state, &[(s, Weight::ZERO)], &mut row);
            dij.run(&g, &[(s, Weight::ZERO)], Weight::INFINITY);
            for (j, &t) in targets.iter().enumerate() {
                assert_eq!(row[j], dij.dist(t), "seed {seed}: {s}->{t}");
            }
        }
    }
}

/// Reference weight between two snapped points: Dijkstra from the start's entries, then the best arrival
/// entry, or straight along a segment both points join.
fn oracle(net: &Network, dij: &mut Dijkstra, from: &Snap, to: &Snap) -> Weight {
    if from.input == to.input {
        return Weight::ZERO;
    }
    dij.run(&net.graph, &from.leave, Weight::INFINITY);
    let mut best = to.arrive.iter().map(|&(u, w)| dij.dist(u).plus(w)).min().unwrap_or(Weight::INFINITY);
    for a in &from.cands {
        for b in &to.cands {
            if a.segment != b.segment {
                continue;
            }
            let s = net.snapper.segments[a.segment as usize];
            let w = if b.frac >= a.frac && !s.ab.is_infinite() {
                Some(s.ab.fraction(b.frac - a.frac))
            } else if b.frac <= a.frac && !s.ba.is_infinite() {
                Some(s.ba.fraction(a.frac - b.frac))
            } else {
                None
            };
            if let Some(w) = w {
                best = best.min(a.access.plus(w).plus(b.access));
            }
        }
    }
    best
}

fn random_points(net: &Network, rng: &mut SplitMix64, k: usize) -> Vec<Option<Snap>> {
    let b = net.graph.bbox().expect("non-empty graph");
    (0..k)
        .map(|_| {
            let lon = b[0] + rng.unit_f64() * (b[2] - b[0]);
            let lat = b[1] + rng.unit_f64() * (b[3] - b[1]);
            net.snap(LonLat::try_new(lon, lat).expect("inside the box")).ok()
        })
        .collect()
}

/// Matrices and routes between random points (snapped onto edges, often several on one segment) equal the
/// Dijkstra reference to the unit, with one and with two threads.
#[test]
fn matrices_and_routes_between_snapped_points_equal_the_reference() {
    for seed in 200..215 {
        let g = random_graph(seed, 4 + seed as usize % 12);
        let mut net = Network::build(g, NetworkMeta::default(), &NoProgress);
        net.set_snap_params(SnapParams {
            max_snap_m: 1e6,
            access_speed_kmh: 4.0,
            candidate_slack_m: 20.0 * (seed % 3) as f64,
        });
        let mut rng = SplitMix64::new(seed);
        let mut pts = random_points(&net, &mut rng, 30);
        // Put several points on one segment to exercise the shared-segment case.
        let seg = net.snapper.segments[0];
        for k in 0..4 {
            let f = 0.2 * k as f64 + 0.1;
            let a = net.graph.coord(seg.a);
            let c = net.graph.coord(seg.b);
            let p = LonLat::try_new(a.lon() + f * (c.lon() - a.lon()), a.lat() + f * (c.lat() - a.lat()))
                .expect("valid");
            pts.push(net.snap(p).ok());
        }
        let mut dij = Dijkstra::new(net.graph.node_count());
        let mut q = ChQuery::new(&net.ch);
        for threads in [1, 2] {
            let m = net.matrix(&pts, &pts, MatrixParams { threads, batch_rows: 7 });
            for (i, a) in pts.iter().enumerate() {
                for (j, b) in pts.iter().enumerate() {
                    let (Some(a), Some(b)) = (a, b) else { panic!("every point snaps with a 1000 km limit") };
                    let want = oracle(&net, &mut dij, a, b);
                    assert_eq!(m.time(i, j), Some(want.time()), "seed {seed} threads {threads}: {i}->{j}");
                    assert_eq!(m.distance(i, j), Some(want.dist()), "seed {seed}: {i}->{j}");
                    if threads == 1 && (i + j) % 3 == 0 {
                        let r = net.route_with(&mut q, a, b).expect("reachable");
                        assert_eq!(
                            (r.time, r.dist),
                            (want.time(), want.dist()),
                            "seed {seed} route {i}->{j}"
                        );
                        assert_eq!(r.geometry.first(), Some(&a.input));
                        assert_eq!(r.geometry.last(), Some(&b.input));
                    }
                }
            }
        }
    }
}

/// Building twice gives the same hierarchy and the same file bytes; reading the file back gives the same
/// network.
#[test]
fn builds_are_deterministic_and_the_cache_round_trips() {
    let g = random_graph(7, 20);
    let a = Network::build(g.clone(), NetworkMeta::default(), &NoProgress);
    let b = Network::build(g, NetworkMeta::default(), &NoProgress);
    assert_eq!(a.ch, b.ch);
    let (mut fa, mut fb) = (Vec::new(), Vec::new());
    a.write_to(&mut fa).expect("write to memory");
    b.write_to(&mut fb).expect("write to memory");
    assert_eq!(fa, fb);
    let c = Network::read_from(&fa[..]).expect("read back");
    assert_eq!(c.graph, a.graph);
    assert_eq!(c.ch, a.ch);
    assert_eq!(c.meta, a.meta);
}

/// A cut or damaged network file gives an error, never a panic or a wrong network.
#[test]
fn damaged_cache_files_are_rejected() {
    let net = Network::build(random_graph(3, 8), NetworkMeta::default(), &NoProgress);
    let mut bytes = Vec::new();
    net.write_to(&mut bytes).expect("write");
    for cut in [0, 4, 8, 12, 40, bytes.len() / 2, bytes.len() - 1] {
        assert!(Network::read_from(&bytes[..cut]).is_err(), "cut at {cut}");
    }
    let mut rng = SplitMix64::new(9);
    for _ in 0..200 {
        let mut b = bytes.clone();
        let i = rng.below(b.len() as u64) as usize;
        b[i] ^= 1 << rng.below(8);
        // A flipped bit may land in a weight, which still reads as a valid (different) network; it must not panic.
        let _ = Network::read_from(&b[..]);
    }
    let mut wrong = bytes.clone();
    wrong[8] = 99;
    assert!(matches!(Network::read_from(&wrong[..]), Err(crate::CacheError::Version { found: 99, .. })));
}

/// One-to-many weights equal the matching matrix row, and a point to itself costs nothing.
#[test]
fn one_to_many_equals_the_matrix_row() {
    let g = random_graph(31, 12);
    let net = Network::build(g, NetworkMeta::default(), &NoProgress);
    let mut rng = SplitMix64::new(31);
    let pts = random_points(&net, &mut rng, 20);
    let m = net.matrix(&pts, &pts, MatrixParams { threads: 1, batch_rows: 4 });
    for (i, p) in pts.iter().enumerate() {
        let Some(p) = p else { continue };
        let row = net.one_to_many(p, &pts);
        for (j, w) in row.iter().enumerate() {
            assert_eq!(m.time(i, j), (!w.is_infinite()).then(|| w.time()));
        }
        assert_eq!(row[i], Weight::ZERO);
    }
}
