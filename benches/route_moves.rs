//! Criterion micro-benchmarks of the routing solver's move evaluation, on Solomon instances at a local optimum
//! (so nearly every evaluation is rejected, as in the search): every relocate, swap and or-opt move between
//! granular neighbours, loading a plan into the local search, and one perturb-repair-search iteration.
//! Needs ../shared beside the repository.

use std::hint::black_box;
use std::path::PathBuf;

use criterion::{Criterion, criterion_group, criterion_main};
use neuvo_route::ils::bench::MoveBench;
use neuvo_route::solomon;

fn instance(name: &str) -> (neuvo_route::Problem, Vec<(f64, f64)>) {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join(format!("../../shared/bench/vrptw/solomon/{name}.txt"));
    let text = std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("{}: {e}; put ../shared beside the repository", path.display()));
    let inst = solomon::parse(&text, name).expect("Solomon format");
    (inst.to_problem(), inst.xy)
}

fn moves(c: &mut Criterion) {
    for name in ["R101", "RC201"] {
        let (problem, xy) = instance(name);
        let bench = MoveBench::new(&problem, Some(&xy), 1);
        let mut g = c.benchmark_group(format!("route_moves/{name}"));
        for (label, n, m) in [("relocate", 1, 0), ("relocate_pair", 2, 0), ("swap", 1, 1), ("swap_2_1", 2, 1)]
        {
            let (evaluated, _) = bench.sweep(n, m);
            g.throughput(criterion::Throughput::Elements(evaluated as u64));
            g.bench_function(label, |b| b.iter(|| black_box(bench.sweep(n, m))));
        }
        g.throughput(criterion::Throughput::Elements(1));
        g.bench_function("load", |b| b.iter(|| black_box(bench.load())));
        let mut seed = 0;
        g.bench_function("ils_iteration", |b| {
            b.iter(|| {
                seed += 1;
                black_box(bench.iteration(seed))
            });
        });
        g.finish();
    }
}

criterion_group!(benches, moves);
criterion_main!(benches);
