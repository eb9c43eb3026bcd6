//! The solver against exhaustive enumeration on tiny instances (up to 7 visits): the same number of required
//! visits served and the same optimal cost, on seeded random instances with every feature the model has.

mod common;

use common::{Spec, instance, params};
use neuvo_route::{brute_force, check, solve};

fn compare(seed: u64, spec: &Spec) {
    let p = instance(seed, spec);
    let (best, best_cost) = brute_force(&p).expect("small enough");
    let out = solve(&p, &params(seed, 400)).expect("valid");
    let report = check(&p, &out.solution);
    assert!(report.feasible(), "seed {seed}: solver plan infeasible: {:?}", report.violations);
    assert_eq!(report.cost.total(), out.cost, "seed {seed}: reported cost differs from the recomputed one");
    let oracle = check(&p, &best);
    assert_eq!(
        report.unserved_required.len(),
        oracle.unserved_required.len(),
        "seed {seed}: solver leaves out {:?}, the optimum {:?}",
        report.unserved_required,
        oracle.unserved_required
    );
    assert_eq!(
        out.cost, best_cost,
        "seed {seed}: solver {} vs optimum {best_cost}\n{:?}\n{:?}",
        out.cost, out.solution, best
    );
}

#[test]
fn plain_windows_one_and_two_advisors() {
    for seed in 0..12 {
        compare(seed, &Spec::plain(6, 1));
        compare(100 + seed, &Spec::plain(6, 2));
    }
}

#[test]
fn optional_visits_and_capacity() {
    for seed in 0..12 {
        compare(200 + seed, &Spec { optional_share: 0.5, capacity: Some(6), ..Spec::plain(6, 2) });
    }
}

#[test]
fn skills_languages_preferences_and_a_pinned_session() {
    for seed in 0..12 {
        compare(300 + seed, &Spec { skills: true, preference: true, pinned: true, ..Spec::plain(6, 2) });
    }
}

#[test]
fn several_windows_per_visit_and_working_time() {
    for seed in 0..12 {
        compare(400 + seed, &Spec { multi_window_share: 0.5, max_work: Some(5 * 3600), ..Spec::plain(6, 2) });
    }
}

#[test]
fn seven_visits_and_three_advisors() {
    for seed in 0..3 {
        compare(500 + seed, &Spec { optional_share: 0.3, ..Spec::plain(7, 2) });
        compare(600 + seed, &Spec { optional_share: 0.3, skills: true, ..Spec::plain(6, 3) });
    }
}

#[test]
fn lunch_breaks_taken_where_the_advisor_is() {
    for seed in 0..10 {
        compare(700 + seed, &Spec { breaks: true, optional_share: 0.3, ..Spec::plain(5, 2) });
        compare(800 + seed, &Spec { breaks: true, ..Spec::plain(6, 1) });
    }
}
