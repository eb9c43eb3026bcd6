//! Properties of every plan on seeded random instances of realistic size: each visit is routed once or left
//! out with a reason; the cost the solver reports is the cost `check` recomputes; the plan keeps every hard
//! constraint; the same seed gives the same plan; the anytime callback sees improving plans.

mod common;

use common::{Spec, instance, params};
use neuvo_route::{Control, Reason, Stop, check, solve, solve_with};

fn rich(visits: usize, vehicles: usize) -> Spec {
    Spec {
        optional_share: 0.3,
        multi_window_share: 0.2,
        skills: true,
        preference: true,
        pinned: true,
        capacity: Some(40),
        max_work: Some(7 * 3600),
        breaks: true,
        ..Spec::plain(visits, vehicles)
    }
}

#[test]
fn every_visit_is_routed_once_or_unassigned_with_a_reason_and_costs_agree() {
    for seed in 0..6 {
        let p = instance(seed, &rich(40, 4));
        let out = solve(&p, &params(seed, 300)).expect("valid");
        let report = check(&p, &out.solution);
        assert!(report.feasible(), "seed {seed}: {:?}", report.violations);
        assert_eq!(report.cost.total(), out.cost, "seed {seed}");
        let mut count = vec![0; p.visits.len()];
        for r in &out.solution.routes {
            for s in &r.stops {
                if let Stop::Visit(i) = s {
                    count[*i] += 1;
                    assert!(
                        p.compatible(*i, r.vehicle),
                        "seed {seed}: visit {i} on an advisor who cannot serve it"
                    );
                }
            }
        }
        for u in &out.solution.unassigned {
            count[u.visit] += 1;
            // The reason must be true of the visit.
            let v = &p.visits[u.visit];
            match u.reason {
                Reason::Skill => assert!((0..p.vehicles.len()).all(|k| !p.compatible(u.visit, k))),
                Reason::Language => assert!(!v.languages.is_empty()),
                Reason::NotWorthIt => {
                    assert!(v.penalty.is_some(), "a required visit left out as not worth it");
                }
                _ => {}
            }
        }
        assert!(count.iter().all(|&c| c == 1), "seed {seed}: {count:?}");
    }
}

#[test]
fn same_seed_same_plan_and_other_seeds_still_feasible() {
    let p = instance(7, &rich(30, 3));
    let a = solve(&p, &params(11, 200)).expect("valid");
    let b = solve(&p, &params(11, 200)).expect("valid");
    assert_eq!(a.solution, b.solution);
    assert_eq!(a.cost, b.cost);
    let c = solve(&p, &params(12, 200)).expect("valid");
    assert!(check(&p, &c.solution).feasible());
}

#[test]
fn anytime_callback_sees_strictly_improving_plans_and_can_stop_the_search() {
    let p = instance(3, &Spec::plain(60, 8));
    let mut seen = Vec::new();
    let out = solve_with(&p, &params(5, 2000), |imp| {
        seen.push(imp.cost);
        assert!(check(&p, imp.solution).feasible());
        if seen.len() == 3 { Control::Stop } else { Control::Continue }
    })
    .expect("valid");
    assert_eq!(seen.len(), 3, "{seen:?}");
    assert!(seen.windows(2).all(|w| w[1] < w[0]), "{seen:?}");
    assert_eq!(out.cost, *seen.last().expect("one"));
    assert!(out.iterations < 2000, "stopped early");
}
