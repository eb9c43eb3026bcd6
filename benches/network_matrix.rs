//! Criterion benchmarks of the travel-time engine's hot paths on the central Helsinki network (real data:
//! run `cargo run --release -- data fetch --from ../shared/data` first).
//!
//! `cargo bench -p neuvo-benches`. The end-to-end figures with OSRM beside ours come from
//! `benches/routing_vs_osrm.sh`; these micro-benchmarks catch regressions in the pieces.

use criterion::{BenchmarkId, Criterion, criterion_group, criterion_main};
use neuvo_model::{Mode, NoProgress, SplitMix64};
use neuvo_network::ch::{ChQuery, ManyToMany};
use neuvo_network::{MatrixParams, Network, NetworkMeta, Snap, SnapParamsMeta};
use neuvo_osm::Profile;

fn network(mode: Mode) -> Network {
    let path = neuvo_testkit::data_file("osm/helsinki_centre_2024.osm.pbf");
    let p = Profile::for_mode(mode);
    let (g, _) = neuvo_osm::read_network(&path, &p).expect("the sample file reads");
    let meta = NetworkMeta {
        snap: SnapParamsMeta {
            max_snap_m: p.max_snap_m,
            access_speed_kmh: p.access_speed(),
            candidate_slack_m: p.snap_slack_m,
        },
        ..Default::default()
    };
    Network::build(g, meta, &NoProgress)
}

fn points(net: &Network, n: usize, seed: u64) -> Vec<Option<Snap>> {
    let mut rng = SplitMix64::new(seed);
    let nodes = net.graph().node_count() as u64;
    (0..n).map(|_| net.snap(net.graph().coord(rng.below(nodes) as u32)).ok()).collect()
}

fn bench(c: &mut Criterion) {
    for mode in [Mode::Walk, Mode::Car] {
        let net = network(mode);
        let mut g = c.benchmark_group(format!("network_{mode}"));
        g.sample_size(10);
        for n in [100usize, 1000] {
            let pts = points(&net, n, 42);
            g.bench_with_input(BenchmarkId::new("matrix_1thread", n), &pts, |b, pts| {
                b.iter(|| net.matrix(pts, pts, MatrixParams { threads: 1, ..MatrixParams::default() }));
            });
        }
        let pts = points(&net, 1000, 7);
        let entries: Vec<Vec<(u32, neuvo_network::Weight)>> =
            pts.iter().map(|p| p.as_ref().map_or_else(Vec::new, |s| s.arrive_entries().to_vec())).collect();
        g.bench_function("buckets_1000_targets", |b| {
            b.iter(|| ManyToMany::new(net.hierarchy(), &entries, false));
        });
        let m = ManyToMany::new(net.hierarchy(), &entries, false);
        let mut state = m.state();
        let mut row = vec![neuvo_network::Weight::INFINITY; entries.len()];
        let sources = points(&net, 64, 8);
        let mut k = 0;
        g.bench_function("bucket_row_1000_targets", |b| {
            b.iter(|| {
                k = (k + 1) % sources.len();
                if let Some(s) = &sources[k] {
                    m.row(&mut state, s.leave_entries(), &mut row);
                }
            });
        });
        let mut q = ChQuery::new(net.hierarchy());
        let mut i = 0;
        g.bench_function("one_to_one", |b| {
            b.iter(|| {
                i = (i + 1) % (pts.len() - 1);
                if let (Some(a), Some(z)) = (&pts[i], &pts[i + 1]) {
                    net.route_weight(&mut q, a, z);
                }
            });
        });
        let mut rng = SplitMix64::new(1);
        let bb = net.graph().bbox().expect("non-empty");
        g.bench_function("snap", |b| {
            b.iter(|| {
                let p = neuvo_model::LonLat::try_new(
                    bb[0] + rng.unit_f64() * (bb[2] - bb[0]),
                    bb[1] + rng.unit_f64() * (bb[3] - bb[1]),
                );
                p.ok().map(|p| net.snap(p).is_ok())
            });
        });
        g.finish();
    }
}

criterion_group!(benches, bench);
criterion_main!(benches);
