//! `neuvo vrptw solve`: the routing solver on a Solomon instance, writing a VRPLIB solution.

use std::path::PathBuf;
use std::time::Duration;

use anyhow::{Context, Result};
use neuvo_route::{Params, Priority, check, solomon};

/// Objective for the scientific benchmark.
#[derive(Clone, Copy, Debug, clap::ValueEnum)]
pub(crate) enum VrptwObjective {
    /// Total distance only, with the instance's fleet available (the DIMACS convention).
    Distance,
    /// Fewest vehicles first, then total distance (the classic Solomon convention).
    Hierarchical,
}

/// Arguments of `neuvo vrptw solve`.
#[derive(Debug, clap::Args)]
pub(crate) struct SolveArgs {
    /// A Solomon-format instance (e.g. ../shared/bench/vrptw/solomon/R101.txt).
    pub(crate) instance: PathBuf,
    /// Seconds of search.
    #[arg(long, default_value_t = 10.0)]
    pub(crate) time_limit: f64,
    /// Iteration limit (deterministic); the search stops at whichever limit comes first.
    #[arg(long)]
    pub(crate) iterations: Option<u64>,
    /// Random seed: the same seed and iteration limit give the same plan.
    #[arg(long, default_value_t = 1)]
    pub(crate) seed: u64,
    /// What to minimise.
    #[arg(long, value_enum, default_value = "distance")]
    pub(crate) objective: VrptwObjective,
    /// Where to write the VRPLIB solution (`Route #k:` lines and a `Cost` line).
    #[arg(long)]
    pub(crate) out: Option<PathBuf>,
    /// Print one JSON line instead of text.
    #[arg(long)]
    pub(crate) json: bool,
}

pub(crate) fn solve(args: &SolveArgs) -> Result<()> {
    let text = std::fs::read_to_string(&args.instance)
        .with_context(|| format!("reading {}", args.instance.display()))?;
    let inst = solomon::parse(&text, &args.instance.display().to_string())?;
    let problem = inst.to_problem();
    if args.time_limit.is_nan() || args.time_limit <= 0.0 {
        anyhow::bail!("--time-limit must be positive seconds, got {}", args.time_limit);
    }
    let params = Params {
        seed: args.seed,
        time_limit: Some(Duration::from_secs_f64(args.time_limit)),
        max_iterations: args.iterations,
        priority: match args.objective {
            VrptwObjective::Distance => Priority::Cost,
            VrptwObjective::Hierarchical => Priority::FewestVehicles,
        },
        coordinates: Some(inst.xy.clone()),
        ..Params::default()
    };
    let outcome = neuvo_route::solve(&problem, &params)?;
    let report = check(&problem, &outcome.solution);
    let distance = inst.exact_distance(&outcome.solution);
    if let Some(out) = &args.out {
        std::fs::write(out, solomon::write_vrplib(&outcome.solution, distance))
            .with_context(|| format!("writing {}", out.display()))?;
    }
    let summary = serde_json::json!({
        "instance": inst.name,
        "feasible": report.complete(),
        "vehicles": outcome.solution.routes.len(),
        "distance": (distance * 1e4).round() / 1e4,
        "cost_units": outcome.cost,
        "recomputed_cost_units": report.cost.total(),
        "iterations": outcome.iterations,
        "seconds": outcome.elapsed.as_secs_f64(),
        "seed": args.seed,
        "violations": report.violations,
    });
    if args.json {
        println!("{summary}");
    } else {
        println!(
            "{}: {} vehicles, distance {:.4}, {} ({} iterations in {:.2} s)",
            inst.name,
            outcome.solution.routes.len(),
            distance,
            if report.complete() { "feasible" } else { "INFEASIBLE" },
            outcome.iterations,
            outcome.elapsed.as_secs_f64()
        );
    }
    Ok(())
}
