//! Infeasible problems: each explanation names the constraint and gives the figures; brute force agrees.

use neuvo_model::{Centimeters, Millis, SiteStatus, TravelMatrix};

use super::validation::small;
use crate::{DemandPoint, Error, Method, Model, Params, Problem, SiteOption, brute_force, solve};

fn explanation(pb: &Problem, params: &Params) -> String {
    for method in [Method::Exact, Method::Auto] {
        let p = Params { method, ..params.clone() };
        assert!(matches!(brute_force(pb, &p), Err(Error::Infeasible { .. })), "brute force disagrees");
        match solve(pb, &p) {
            Err(Error::Infeasible { explanation }) if method == Method::Auto => return explanation,
            Err(Error::Infeasible { .. }) => {}
            other => panic!("expected infeasible, got {other:?}"),
        }
    }
    unreachable!()
}

/// Points × sites with the given minutes (None = unreachable), one group, sites all library candidates.
fn grid(minutes: &[&[Option<u32>]], people: &[f64]) -> Problem {
    let (n, m) = (minutes.len(), minutes[0].len());
    let mut matrix = TravelMatrix::unreachable(n, m);
    for (i, row) in minutes.iter().enumerate() {
        for (j, t) in row.iter().enumerate() {
            if let Some(t) = t {
                matrix.set(i, j, Millis(t * 60_000), Centimeters(0));
            }
        }
    }
    Problem {
        matrix,
        groups: vec!["age75".into()],
        demand: people.iter().map(|&v| DemandPoint { values: vec![v], district: None }).collect(),
        districts: vec![],
        sites: (0..m)
            .map(|j| SiteOption {
                id: format!("s{j}"),
                kind: "library".into(),
                status: SiteStatus::Candidate,
                required: false,
                capacity: Some(100.0),
            })
            .collect(),
    }
}

#[test]
fn required_sites_beyond_their_kind_budget() {
    let mut pb = small();
    pb.sites[0].required = true;
    pb.sites[1].required = true;
    let params = Params { p: 2, budgets: vec![("library".into(), 1)], ..Params::default() };
    let e = explanation(&pb, &params);
    assert_eq!(e, "the budget for kind \"library\" allows 1 new sites but 2 required sites are of that kind");
}

#[test]
fn budgets_smaller_than_p() {
    let params = Params { p: 2, budgets: vec![("library".into(), 0)], ..Params::default() };
    let e = explanation(&small(), &params);
    assert_eq!(e, "budgets allow only 1 new sites but p = 2 are asked (0 of them required)");
}

#[test]
fn a_minimum_share_beyond_p_sites_even_without_overlap() {
    // age75: 20 people near a only, 30 near b and c; one site reaches at most 30 of 50.
    let params =
        Params { p: 1, threshold: Millis(10 * 60_000), min_share: vec![(1, 0.9)], ..Params::default() };
    let e = explanation(&small(), &params);
    assert!(
        e.starts_with("at most 60.0 % of group age75's coverable people can be covered within 10.0 min"),
        "{e}"
    );
    assert!(e.ends_with("90.0 % was asked"), "{e}");
}

#[test]
fn a_minimum_share_that_overlap_makes_unreachable() {
    // Sites 0, 1, 2 cover two of points 0–2 each; site 3 covers point 3. Two sites reach 30 of the 40 people,
    // although any two of them cover 40 when counted separately.
    let (y, n) = (Some(5), Some(20));
    let pb = grid(&[&[y, n, y, n], &[y, y, n, n], &[n, y, y, n], &[n, n, n, y]], &[10.0, 10.0, 10.0, 10.0]);
    let params =
        Params { p: 2, threshold: Millis(10 * 60_000), min_share: vec![(0, 0.8)], ..Params::default() };
    let e = explanation(&pb, &params);
    assert!(e.starts_with("at most 75.0 % of group age75's coverable people (30.0 of 40.0)"), "{e}");
    assert!(e.ends_with("with p = 2 new sites; 80.0 % was asked"), "{e}");
}

#[test]
fn capacity_below_demand() {
    let mut pb = small();
    for s in &mut pb.sites {
        s.capacity = Some(100.0);
    }
    let params =
        Params { model: Model::PMedian, p: 1, visits_per_person: Some(vec![1.0, 0.0]), ..Params::default() };
    let e = explanation(&pb, &params);
    assert_eq!(
        e,
        "total capacity of the kept and required sites plus the 1 largest candidates is 100.0 visits, demand is \
         150.0 visits"
    );
}

#[test]
fn p_median_points_that_no_p_sites_reach() {
    let pb = grid(
        &[&[Some(5), None, None], &[None, Some(5), None], &[Some(9), Some(9), Some(1)]],
        &[1.0, 1.0, 1.0],
    );
    for model in [Model::PMedian, Model::PCenter] {
        let e = explanation(&pb, &Params { model, p: 1, ..Params::default() });
        assert_eq!(e, "every demand point must reach an open site, which needs at least 2 new sites; p = 1");
    }
}

#[test]
fn lscp_budgets_that_leave_demand_uncovered() {
    let params = Params {
        model: Model::Lscp,
        threshold: Millis(10 * 60_000),
        budgets: vec![("library".into(), 0)],
        ..Params::default()
    };
    let e = explanation(&small(), &params);
    assert_eq!(
        e,
        "the budgets (library ≤ 0) leave some coverable demand uncovered: at most 80.0 of the 200.0 coverable \
         weighted demand can be covered"
    );
}

#[test]
fn kept_sites_alone_that_break_a_constraint() {
    let mut pb = grid(&[&[Some(5), None], &[None, Some(5)]], &[1.0, 1.0]);
    pb.sites[0].status = SiteStatus::Kept;
    let e = explanation(&pb, &Params { model: Model::PMedian, p: 0, ..Params::default() });
    assert!(
        e.starts_with("with no site left to choose (p = 0, 1 candidates), the kept and required sites alone"),
        "{e}"
    );
    assert!(e.contains("1 demand points of positive weight reach no open site"), "{e}");
}

#[test]
fn the_heuristic_reports_what_it_cannot_meet() {
    let params = Params {
        p: 1,
        threshold: Millis(10 * 60_000),
        min_share: vec![(1, 0.9)],
        method: Method::Heuristic,
        ..Params::default()
    };
    // The precheck speaks first, whatever the method.
    assert!(matches!(solve(&small(), &params), Err(Error::Infeasible { .. })));
    let (y, n) = (Some(5), Some(20));
    let pb = grid(&[&[y, n, y, n], &[y, y, n, n], &[n, y, y, n], &[n, n, n, y]], &[10.0, 10.0, 10.0, 10.0]);
    let params = Params { p: 2, min_share: vec![(0, 0.8)], ..params };
    let s = solve(&pb, &params).unwrap();
    assert_eq!(s.unmet, vec!["group age75 share 0.7500 is below its minimum 0.8".to_string()]);
}
