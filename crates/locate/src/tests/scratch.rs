//! Temporary performance exploration (removed before hand-off).

use std::time::Instant;

use neuvo_model::{Centimeters, Millis, SiteStatus, SplitMix64, TravelMatrix};

use crate::{DemandPoint, Method, Model, Params, Problem, SiteOption, solve};

pub(super) fn city(seed: u64, n: usize, m: usize) -> Problem {
    let mut rng = SplitMix64::new(seed);
    let side = (n as f64).sqrt().ceil() as usize;
    let cell = 250.0;
    let extent = side as f64 * cell;
    let centres: Vec<(f64, f64)> = (0..6).map(|_| (rng.unit_f64() * extent, rng.unit_f64() * extent)).collect();
    let pts: Vec<(f64, f64)> = (0..n).map(|k| ((k % side) as f64 * cell, (k / side) as f64 * cell)).collect();
    let sites: Vec<(f64, f64)> = (0..m).map(|_| (rng.unit_f64() * extent, rng.unit_f64() * extent)).collect();
    let mut matrix = TravelMatrix::unreachable(n, m);
    for (i, p) in pts.iter().enumerate() {
        for (j, s) in sites.iter().enumerate() {
            let d = ((p.0 - s.0).powi(2) + (p.1 - s.1).powi(2)).sqrt() * (1.2 + 0.3 * rng.unit_f64());
            let secs = d / (8000.0 / 3600.0);
            matrix.set(i, j, Millis::from_secs_f64(secs), Centimeters::from_m_f64(d));
        }
    }
    let demand = pts
        .iter()
        .map(|p| {
            let near = centres.iter().map(|c| ((p.0 - c.0).powi(2) + (p.1 - c.1).powi(2)).sqrt()).fold(f64::MAX, f64::min);
            let base = 400.0 * (-near / 3000.0).exp() * (0.5 + rng.unit_f64());
            let total = base.round();
            DemandPoint { values: vec![total, (total * (0.05 + 0.15 * rng.unit_f64())).round()], district: Some((p.0 / extent * 3.0) as usize % 3) }
        })
        .collect();
    let kinds = ["library", "mall", "centre"];
    Problem {
        matrix,
        groups: vec!["total".into(), "age75".into()],
        demand,
        districts: vec!["w".into(), "c".into(), "e".into()],
        sites: (0..m)
            .map(|j| SiteOption {
                id: format!("s{j}"),
                kind: kinds[j % 3].into(),
                status: SiteStatus::Candidate,
                required: false,
                capacity: Some(2000.0),
            })
            .collect(),
    }
}

#[test]
fn scratch_perf() {
    let Ok(spec) = std::env::var("SCRATCH") else { return };
    let parts: Vec<&str> = spec.split(',').collect();
    let n: usize = parts[0].parse().unwrap();
    let m: usize = parts[1].parse().unwrap();
    let p: usize = parts[2].parse().unwrap();
    let model = match parts[3] { "mclp" => Model::Mclp, "lscp" => Model::Lscp, "pmed" => Model::PMedian, _ => Model::PCenter };
    let method = match parts[4] { "exact" => Method::Exact, "heur" => Method::Heuristic, _ => Method::Auto };
    let pb = city(7, n, m);
    let t = Instant::now();
    let params = Params { model, p, method, threshold: Millis(15 * 60_000), time_limit_s: 300.0, ..Params::default() };
    let s = solve(&pb, &params);
    match s {
        Ok(s) => println!("{} s: obj {} heur {:?} status {:?} gap {:?} chosen {:?} took {:.3}", t.elapsed().as_secs_f64(), s.objective, s.heuristic_objective, s.status, s.gap, s.chosen, s.seconds),
        Err(e) => println!("error {e}"),
    }
}

#[test]
fn scratch_spopt_like() {
    use good_lp::{Expression, SolverModel, variable, ProblemVariables};
    use good_lp::solvers::highs::highs;
    let Ok(spec) = std::env::var("SPOPT") else { return };
    let parts: Vec<&str> = spec.split(',').collect();
    let n: usize = parts[0].parse().unwrap();
    let m: usize = parts[1].parse().unwrap();
    let p: usize = parts[2].parse().unwrap();
    let gap: f64 = parts[4].parse().unwrap();
    let pb = city(7, n, m);
    let th = Millis(15 * 60_000);
    let t = Instant::now();
    let mut vars = ProblemVariables::new();
    let x: Vec<_> = (0..m).map(|_| vars.add(variable().binary())).collect();
    let lscp = parts[3] == "lscp";
    let y: Vec<_> = (0..n).map(|_| vars.add(variable().binary())).collect();
    let obj: Expression = if lscp { x.iter().copied().sum() } else { (0..n).map(|i| pb.demand[i].values.iter().sum::<f64>() * y[i]).sum() };
    let mut prob = if lscp { vars.minimise(obj).using(highs) } else { vars.maximise(obj).using(highs) };
    for i in 0..n {
        let cov: Expression = (0..m).filter(|&j| pb.matrix.time(i, j).is_some_and(|t| t <= th)).map(|j| x[j]).sum();
        if lscp { prob.add_constraint(cov.geq(1.0)); } else { prob.add_constraint((cov - y[i]).geq(0.0)); }
    }
    if !lscp {
        let s: Expression = x.iter().copied().sum();
        prob.add_constraint(s.eq(p as f64));
    }
    let mut model = prob.into_inner();
    model.make_quiet();
    model.set_option("threads", 1);
    model.set_option("mip_rel_gap", gap);
    let built = t.elapsed().as_secs_f64();
    let solved = model.solve();
    println!("spopt-like {} build {built:.3} total {:.3} obj {} status {:?}", parts[3], t.elapsed().as_secs_f64(), solved.objective_value(), solved.status());
}

#[test]
fn scratch_warm_opt() {
    use crate::instance::Instance;
    use crate::milp::{Settings, Warm, mclp};
    let Ok(_) = std::env::var("WARMOPT") else { return };
    let pb = city(7, 5000, 300);
    let params = Params { p: 10, threshold: Millis(15 * 60_000), ..Params::default() };
    let inst = Instance::new(&pb, &params);
    let s = Settings { deadline: Instant::now() + std::time::Duration::from_secs(100), mip_rel_gap: 1e-6, seed: 0 };
    let w = Warm { free_open: vec![7, 15, 32, 42, 83, 164, 165, 186, 236, 266], assignment: None };
    let t = Instant::now();
    let r = mclp::solve(&inst, &s, Some(&w)).unwrap();
    println!("warm-opt took {:.3} {:?}", t.elapsed().as_secs_f64(), matches!(r, crate::milp::MilpResult::Plan(_)));
}

#[test]
fn scratch_spopt_pmedian() {
    use good_lp::{Expression, SolverModel, variable, ProblemVariables};
    use good_lp::solvers::highs::highs;
    let Ok(spec) = std::env::var("SPOPTPM") else { return };
    let parts: Vec<&str> = spec.split(',').collect();
    let n: usize = parts[0].parse().unwrap();
    let m: usize = parts[1].parse().unwrap();
    let p: usize = parts[2].parse().unwrap();
    let pb = city(7, n, m);
    let t = Instant::now();
    let mut vars = ProblemVariables::new();
    let x: Vec<_> = (0..m).map(|_| vars.add(variable().binary())).collect();
    let z: Vec<Vec<_>> = (0..n).map(|_| (0..m).map(|_| vars.add(variable().binary())).collect()).collect();
    let mut obj = Expression::default();
    for i in 0..n { let w: f64 = pb.demand[i].values.iter().sum(); for j in 0..m { obj.add_mul(w * pb.matrix.time(i, j).unwrap().as_secs_f64(), z[i][j]); } }
    let mut prob = vars.minimise(obj).using(highs);
    for i in 0..n {
        let s: Expression = z[i].iter().copied().sum();
        prob.add_constraint(s.eq(1.0));
        for j in 0..m { prob.add_constraint((z[i][j] - x[j]).leq(0.0)); }
    }
    let s: Expression = x.iter().copied().sum();
    prob.add_constraint(s.eq(p as f64));
    let mut model = prob.into_inner();
    model.make_quiet();
    model.set_option("threads", 1);
    model.set_option("time_limit", 600.0);
    let built = t.elapsed().as_secs_f64();
    let solved = model.solve();
    println!("spopt-like pmedian build {built:.3} total {:.3} obj {} status {:?}", t.elapsed().as_secs_f64(), solved.objective_value(), solved.status());
}
