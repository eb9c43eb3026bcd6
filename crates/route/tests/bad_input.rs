//! Bad input: clear errors for malformed problems, and unassigned visits with true reasons for visits that are
//! well-formed but cannot be served. Never a panic.

mod common;

use common::{Spec, instance, params};
use neuvo_route::{NEVER, ProblemError, Reason, TimeWindow, check, solve};

#[test]
fn malformed_problems_are_errors_that_name_the_culprit() {
    let base = instance(1, &Spec { skills: true, ..Spec::plain(5, 2) });

    let mut p = base.clone();
    p.visits[2].skills_all = vec!["dbt".into()];
    let e = solve(&p, &params(1, 10)).unwrap_err();
    assert!(matches!(&e, ProblemError::UnknownSkill { skill, .. } if skill == "dbt"), "{e}");
    assert!(e.to_string().contains("c2") && e.to_string().contains("debt"), "{e}");

    let mut p = base.clone();
    p.visits[1].windows = vec![TimeWindow::new(50_000, 40_000)];
    let e = solve(&p, &params(1, 10)).unwrap_err();
    assert!(matches!(e, ProblemError::Window { .. }) && e.to_string().contains("c1"), "{e}");

    let mut p = base.clone();
    p.visits[3].id = "c0".into();
    assert!(matches!(
        solve(&p, &params(1, 10)).unwrap_err(),
        ProblemError::DuplicateId { what: "visit", .. }
    ));

    let mut p = base.clone();
    p.vehicles[1].id = p.vehicles[0].id.clone();
    assert!(matches!(
        solve(&p, &params(1, 10)).unwrap_err(),
        ProblemError::DuplicateId { what: "advisor", .. }
    ));

    let mut p = base.clone();
    p.visits[0].location = 999;
    assert!(matches!(solve(&p, &params(1, 10)).unwrap_err(), ProblemError::Location { .. }));

    let mut p = base.clone();
    p.visits[0].service = -5;
    assert!(matches!(solve(&p, &params(1, 10)).unwrap_err(), ProblemError::Negative { .. }));

    // A pinned session longer than the advisor's shift.
    let mut p = base.clone();
    p.visits[0].vehicle = Some(0);
    p.visits[0].penalty = None;
    p.visits[0].skills_all.clear();
    p.visits[0].languages.clear();
    p.visits[0].service = 9 * 3600;
    let e = solve(&p, &params(1, 10)).unwrap_err();
    assert!(matches!(e, ProblemError::PinnedLongerThanShift { .. }), "{e}");

    let mut p = base;
    p.vehicles.clear();
    assert_eq!(solve(&p, &params(1, 10)).unwrap_err(), ProblemError::NoVehicles);
}

#[test]
fn unservable_visits_come_back_with_true_reasons() {
    let mut p = instance(2, &Spec { skills: true, ..Spec::plain(8, 2) });
    for v in &mut p.visits {
        v.skills_all.clear();
        v.skills_any.clear();
        v.languages.clear();
    }
    // Skill held by nobody who also speaks the language: advisor 0 has "debt" and speaks fi+sv; advisor 1 has
    // "digital" and speaks fi only.
    p.visits[0].skills_all = vec!["digital".into()];
    p.visits[0].languages = vec!["sv".into()];
    // Unreachable by the advisors' mode: cut the location off.
    let size = p.matrices[0].size;
    let loc = p.visits[1].location;
    for other in 0..size {
        if other != loc {
            p.matrices[0].durations[loc * size + other] = NEVER;
            p.matrices[0].durations[other * size + loc] = NEVER;
        }
    }
    // A window before any shift starts.
    p.visits[2].windows = vec![TimeWindow::new(3600, 7200)];
    // Two visits at the same window far apart, one advisor able to serve them: one must be left out.
    let out = solve(&p, &params(1, 200)).expect("valid");
    let reason = |i: usize| out.solution.unassigned.iter().find(|u| u.visit == i).map(|u| u.reason);
    assert_eq!(reason(0), Some(Reason::Language));
    assert_eq!(reason(1), Some(Reason::Unreachable));
    assert_eq!(reason(2), Some(Reason::Shift));
    let report = check(&p, &out.solution);
    assert!(report.feasible(), "{:?}", report.violations);
    assert_eq!(report.unserved_required.len(), out.solution.unassigned.len());
}
