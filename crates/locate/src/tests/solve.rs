//! Solve behaviour: determinism, time limits, exclusions, kept sites, and the p-median formulations agreeing.

use std::time::{Duration, Instant};

use neuvo_model::{Centimeters, Millis, SiteStatus, SplitMix64, TravelMatrix};

use super::random::problem;
use super::validation::small;
use crate::instance::Instance;
use crate::milp::{MilpResult, Settings, pmedian};
use crate::{
    DemandPoint, Excluded, ExclusionReason, Method, MethodUsed, Model, Params, Problem, SiteOption, Status,
    evaluate, solve,
};

/// Uniform random times (no geometry): hard for the LP relaxation of p-median.
fn uniform(seed: u64, n: usize, m: usize) -> Problem {
    let mut rng = SplitMix64::new(seed);
    let mut matrix = TravelMatrix::unreachable(n, m);
    for i in 0..n {
        for j in 0..m {
            matrix.set(i, j, Millis(60_000 + rng.below(40 * 60_000) as u32), Centimeters(0));
        }
    }
    Problem {
        matrix,
        groups: vec!["total".into()],
        demand: (0..n)
            .map(|_| DemandPoint { values: vec![1.0 + rng.below(50) as f64], district: None })
            .collect(),
        districts: vec![],
        sites: (0..m)
            .map(|j| SiteOption {
                id: format!("s{j}"),
                kind: "library".into(),
                status: SiteStatus::Candidate,
                required: false,
                capacity: None,
            })
            .collect(),
    }
}

#[test]
fn same_seed_same_plan() {
    let pb = uniform(3, 80, 20);
    for model in [Model::Mclp, Model::PMedian, Model::PCenter, Model::Lscp] {
        for method in [Method::Heuristic, Method::Auto] {
            let params =
                Params { model, method, p: 4, seed: 9, threshold: Millis(8 * 60_000), ..Params::default() };
            let a = solve(&pb, &params).unwrap();
            let b = solve(&pb, &params).unwrap();
            assert_eq!((a.open.clone(), a.objective), (b.open.clone(), b.objective), "{model:?} {method:?}");
        }
    }
}

#[test]
fn a_time_limited_milp_returns_a_feasible_plan_with_its_gap() {
    let pb = uniform(1, 1500, 250);
    let params = Params { model: Model::PMedian, p: 25, time_limit_s: 1.0, ..Params::default() };
    let start = Instant::now();
    let s = solve(&pb, &params).unwrap();
    assert!(start.elapsed() < Duration::from_secs(20), "took {:?}", start.elapsed());
    assert_eq!(s.status, Status::TimeLimit);
    assert_eq!(s.method_used, MethodUsed::HeuristicThenExact);
    let (bound, gap) = (s.bound.unwrap(), s.gap.unwrap());
    assert!(bound <= s.objective && gap > 0.0 && gap < 1.0, "{bound} {gap} {}", s.objective);
    let e = evaluate(&pb, &params, &s.open);
    assert!(e.violations.is_empty() && (e.objective - s.objective).abs() < 1e-6 * s.objective);
    assert_eq!(s.chosen.len(), 25);
    assert!(s.objective <= s.heuristic_objective.unwrap() + 1e-6);
}

#[test]
fn unreachable_points_are_excluded_and_reported() {
    let mut pb = small();
    let mut matrix = TravelMatrix::unreachable(3, 3);
    for i in 0..2 {
        for j in 0..3 {
            matrix.set(i, j, pb.matrix.time(i, j).unwrap(), Centimeters(0));
        }
    }
    // A third point reaches only site c, in 40 minutes.
    matrix.set(2, 2, Millis(40 * 60_000), Centimeters(0));
    pb.matrix = matrix;
    pb.demand.push(DemandPoint { values: vec![10.0, 5.0], district: None });
    let mclp = solve(&pb, &Params::default()).unwrap();
    assert_eq!(
        mclp.excluded,
        vec![Excluded {
            point: 2,
            reason: ExclusionReason::NoAllowedSiteWithinThreshold { nearest: Millis(2_400_000) }
        }]
    );
    // Closing c leaves the point with nothing reachable; p-median then leaves it out, too.
    pb.sites[2].status = SiteStatus::Closed;
    let pm = solve(&pb, &Params { model: Model::PMedian, ..Params::default() }).unwrap();
    assert_eq!(pm.excluded, vec![Excluded { point: 2, reason: ExclusionReason::NoAllowedSiteReachable }]);
    let e = evaluate(&pb, &Params { model: Model::PMedian, ..Params::default() }, &pm.open);
    assert!((e.objective - pm.objective).abs() < 1e-9 && e.violations.is_empty());
    // Weights 120 and 80 at the two served points.
    assert!((pm.mean_time_s.unwrap() - pm.objective / 200.0).abs() < 1e-9);
}

#[test]
fn kept_sites_are_open_on_top_of_p() {
    let mut pb = small();
    pb.sites[0].status = SiteStatus::Kept;
    pb.sites[2].status = SiteStatus::Closed;
    let s = solve(&pb, &Params { p: 1, ..Params::default() }).unwrap();
    assert_eq!((s.open, s.chosen), (vec![0, 1], vec![1]));
    // Nothing left to choose: the kept site alone.
    let s = solve(&pb, &Params { p: 0, ..Params::default() }).unwrap();
    assert_eq!((s.open, s.method_used, s.status), (vec![0], MethodUsed::Fixed, Status::Optimal));
}

#[test]
fn the_radius_formulation_agrees_with_the_assignment_formulation() {
    let mut rng = SplitMix64::new(21);
    for case in 0..40 {
        let pb = problem(&mut rng, 25, 12);
        let params = Params { model: Model::PMedian, p: 1 + case % 4, mip_rel_gap: 0.0, ..Params::default() };
        let inst = Instance::new(&pb, &params);
        let s = Settings { deadline: Instant::now() + Duration::from_secs(30), mip_rel_gap: 0.0, seed: 0 };
        let (a, b) =
            (pmedian::solve(&inst, &s, None).unwrap(), pmedian::assignment(&inst, &s, None, false).unwrap());
        match (a, b) {
            (MilpResult::Plan(a), MilpResult::Plan(b)) => {
                assert!(
                    (a.objective - b.objective).abs() < 1e-6 * a.objective.max(1.0),
                    "case {case}: {a:?} {b:?}"
                );
            }
            (MilpResult::Infeasible, MilpResult::Infeasible) => {}
            (a, b) => panic!("case {case}: {a:?} vs {b:?}"),
        }
    }
}
