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
    if std::env::var("BRUTE").is_ok() {
        brute_moves(&p, &out.solution);
    }
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

/// Debug aid: counts feasible improving relocations and swaps of the final plan by brute force.
#[allow(dead_code)]
pub fn brute_moves(p: &neuvo_route::Problem, sol: &neuvo_route::Solution) {
    use neuvo_route::Stop;
    let base = check(p, sol);
    let base_cost = base.cost.total();
    let mut best = 0;
    let mut count = 0;
    let routes = &sol.routes;
    for (ra, r) in routes.iter().enumerate() {
        for i in 0..r.stops.len() {
            let u = r.stops[i];
            for (rb, r2) in routes.iter().enumerate() {
                let len = if ra == rb { r2.stops.len() - 1 } else { r2.stops.len() };
                for j in 0..=len {
                    let mut s = sol.clone();
                    s.routes[ra].stops.remove(i);
                    if ra == rb && j == i {
                        continue;
                    }
                    s.routes[rb].stops.insert(j, u);
                    let c = check(p, &s);
                    if c.complete() && c.cost.total() < base_cost {
                        count += 1;
                        best = best.max(base_cost - c.cost.total());
                        if let Stop::Visit(x) = u {
                            eprintln!(
                                "improving relocate: visit {} from route {ra} pos {i} to route {rb} pos {j}: -{}",
                                x + 1,
                                base_cost - c.cost.total()
                            );
                        }
                    }
                }
            }
        }
    }
    eprintln!("{count} improving relocations, best gain {best}");
}
