//! Solves one Solomon instance: `cargo run --release -p neuvo-route --example solomon -- FILE SECONDS SEED [OUT]`.
//! A fast loop for tuning the solver without building the whole `neuvo` binary.

use std::time::Duration;

use neuvo_route::{Params, check, solomon};

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let text = std::fs::read_to_string(&args[1]).expect("instance");
    let inst = solomon::parse(&text, &args[1]).expect("Solomon format");
    let p = inst.to_problem();
    let params = Params {
        seed: args.get(3).and_then(|s| s.parse().ok()).unwrap_or(1),
        time_limit: Some(Duration::from_secs_f64(args.get(2).and_then(|s| s.parse().ok()).unwrap_or(1.0))),
        coordinates: Some(inst.xy.clone()),
        ..Params::default()
    };
    let out = neuvo_route::solve(&p, &params).expect("valid problem");
    let rep = check(&p, &out.solution);
    let dist = inst.exact_distance(&out.solution);
    if let Some(path) = args.get(4) {
        std::fs::write(path, solomon::write_vrplib(&out.solution, dist)).expect("write");
    }
    println!(
        "{} feasible={} vehicles={} distance={dist:.4} iterations={} seconds={:.2}",
        inst.name,
        rep.complete(),
        out.solution.routes.len(),
        out.iterations,
        out.elapsed.as_secs_f64()
    );
}
