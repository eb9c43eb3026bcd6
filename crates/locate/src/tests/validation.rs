//! Every validation issue, each on its own, and all of them gathered at once.

use neuvo_model::{Centimeters, Millis, SiteStatus, TravelMatrix};

use crate::{
    DemandPoint, Equity, Error, IssueCode, Model, Params, Problem, SiteOption, brute_force, explain, solve,
    tradeoff,
};

/// Two points, three candidate sites (two libraries, one mall), everything reachable in 5–20 minutes.
pub(super) fn small() -> Problem {
    let minutes = [[5, 20, 12], [18, 6, 9]];
    let mut matrix = TravelMatrix::unreachable(2, 3);
    for (i, row) in minutes.iter().enumerate() {
        for (j, &m) in row.iter().enumerate() {
            matrix.set(i, j, Millis(m * 60_000), Centimeters(0));
        }
    }
    let site = |id: &str, kind: &str| SiteOption {
        id: id.into(),
        kind: kind.into(),
        status: SiteStatus::Candidate,
        required: false,
        capacity: Some(100.0),
    };
    Problem {
        matrix,
        groups: vec!["total".into(), "age75".into()],
        demand: vec![
            DemandPoint { values: vec![100.0, 20.0], district: Some(0) },
            DemandPoint { values: vec![50.0, 30.0], district: Some(1) },
        ],
        districts: vec!["north".into(), "south".into()],
        sites: vec![site("a", "library"), site("b", "library"), site("c", "mall")],
    }
}

fn codes(pb: &Problem, params: &Params) -> Vec<IssueCode> {
    match solve(pb, params) {
        Err(e @ Error::Invalid(_)) => e.codes(),
        other => panic!("expected invalid input, got {other:?}"),
    }
}

fn expect(pb: &Problem, params: &Params, code: IssueCode) {
    let c = codes(pb, params);
    assert_eq!(c, vec![code], "{c:?}");
}

#[test]
fn the_small_problem_is_valid() {
    assert!(solve(&small(), &Params::default()).is_ok());
}

#[test]
fn each_issue_has_its_code() {
    let ok = Params::default();
    let mut pb = small();
    pb.matrix = TravelMatrix::unreachable(3, 3);
    expect(&pb, &ok, IssueCode::MatrixShape);

    let mut pb = small();
    pb.demand[1].values = vec![1.0];
    expect(&pb, &ok, IssueCode::ValuesLength);

    let mut pb = small();
    pb.demand[0].values[1] = f64::NAN;
    expect(&pb, &ok, IssueCode::InvalidNumber);

    let mut pb = small();
    pb.demand[0].district = Some(5);
    expect(&pb, &ok, IssueCode::UnknownDistrict);

    let mut pb = small();
    pb.sites[2].id = "a".into();
    expect(&pb, &ok, IssueCode::DuplicateSiteId);

    let mut pb = small();
    pb.sites[1].capacity = Some(-1.0);
    expect(&pb, &ok, IssueCode::InvalidNumber);

    let mut pb = small();
    pb.sites[0].status = SiteStatus::Closed;
    pb.sites[0].required = true;
    expect(&pb, &ok, IssueCode::RequiredClosed);

    let pb = small();
    expect(&pb, &Params { weights: vec![1.0], ..ok.clone() }, IssueCode::WeightsLength);
    expect(&pb, &Params { weights: vec![1.0, -2.0], ..ok.clone() }, IssueCode::InvalidNumber);
    expect(&pb, &Params { min_share: vec![(2, 0.5)], ..ok.clone() }, IssueCode::UnknownGroup);
    expect(&pb, &Params { equity: Some(Equity::Groups(vec![7])), ..ok.clone() }, IssueCode::UnknownGroup);
    expect(&pb, &Params { min_share: vec![(1, 1.5)], ..ok.clone() }, IssueCode::MinShareRange);
    expect(&pb, &Params { threshold: Millis(0), ..ok.clone() }, IssueCode::ThresholdNotPositive);
    expect(&pb, &Params { p: 4, ..ok.clone() }, IssueCode::PTooLarge);
    expect(&pb, &Params { budgets: vec![("school".into(), 1)], ..ok.clone() }, IssueCode::UnknownBudgetKind);
    expect(
        &pb,
        &Params { budgets: vec![("mall".into(), 1), ("mall".into(), 0)], ..ok.clone() },
        IssueCode::DuplicateBudget,
    );
    expect(&pb, &Params { visits_per_person: Some(vec![1.0]), ..ok.clone() }, IssueCode::VisitsLength);
    expect(
        &pb,
        &Params { visits_per_person: Some(vec![1.0, f64::NAN]), ..ok.clone() },
        IssueCode::InvalidNumber,
    );
    expect(&pb, &Params { time_limit_s: 0.0, ..ok.clone() }, IssueCode::TimeLimitNotPositive);
    expect(&pb, &Params { mip_rel_gap: -0.1, ..ok.clone() }, IssueCode::MipGapRange);
    expect(
        &pb,
        &Params { model: Model::PMedian, equity: Some(Equity::Districts), ..ok.clone() },
        IssueCode::UnsupportedOption,
    );
    expect(
        &pb,
        &Params { model: Model::Lscp, visits_per_person: Some(vec![1.0, 1.0]), ..ok.clone() },
        IssueCode::UnsupportedOption,
    );
    expect(
        &pb,
        &Params { model: Model::PCenter, min_share: vec![(1, 0.5)], ..ok.clone() },
        IssueCode::UnsupportedOption,
    );

    let mut pb = small();
    pb.sites[0].required = true;
    pb.sites[1].required = true;
    expect(&pb, &Params { p: 1, ..ok.clone() }, IssueCode::TooManyRequired);

    let mut pb = small();
    pb.sites[2].capacity = None;
    expect(
        &pb,
        &Params { visits_per_person: Some(vec![1.0, 1.0]), ..ok.clone() },
        IssueCode::CapacityMissing,
    );
    // A closed site needs no capacity.
    pb.sites[2].status = SiteStatus::Closed;
    assert!(solve(&pb, &Params { visits_per_person: Some(vec![0.1, 0.1]), ..ok.clone() }).is_ok());

    let mut pb = small();
    pb.groups.clear();
    for d in &mut pb.demand {
        d.values.clear();
    }
    expect(&pb, &ok, IssueCode::NoGroups);
}

#[test]
fn lscp_ignores_p() {
    let pb = small();
    let s = solve(&pb, &Params { model: Model::Lscp, p: 9, ..Params::default() }).unwrap();
    assert_eq!(s.objective, s.chosen.len() as f64);
}

#[test]
fn every_issue_is_reported_at_once_with_hints() {
    let mut pb = small();
    pb.demand[0].values[0] = -1.0;
    pb.sites[0].status = SiteStatus::Closed;
    pb.sites[0].required = true;
    let params = Params {
        p: 9,
        threshold: Millis(0),
        weights: vec![1.0],
        min_share: vec![(0, 2.0)],
        budgets: vec![("school".into(), 1)],
        time_limit_s: -1.0,
        ..Params::default()
    };
    let err = solve(&pb, &params).unwrap_err();
    let mut c = err.codes();
    c.sort_by_key(|c| c.as_str());
    let mut want = vec![
        IssueCode::InvalidNumber,
        IssueCode::RequiredClosed,
        IssueCode::WeightsLength,
        IssueCode::ThresholdNotPositive,
        IssueCode::PTooLarge,
        IssueCode::UnknownBudgetKind,
        IssueCode::MinShareRange,
        IssueCode::TimeLimitNotPositive,
    ];
    want.sort_by_key(|c| c.as_str());
    assert_eq!(c, want);
    let Error::Invalid(issues) = &err else { unreachable!() };
    assert!(issues.iter().all(|i| !i.message.is_empty() && !i.hint.is_empty()));
    let text = err.to_string();
    assert!(text.contains("[p_too_large] p = 9 but there are only 2 candidate sites"), "{text}");
    // The other entry points validate the same way.
    assert_eq!(brute_force(&pb, &params).unwrap_err().codes().len(), want.len());
    assert!(matches!(tradeoff(&pb, &params, 2), Err(Error::Invalid(_))));
    let plan = solve(&small(), &Params::default()).unwrap();
    assert!(matches!(explain(&pb, &params, &plan), Err(Error::Invalid(_))));
}

#[test]
fn brute_force_refuses_large_instances() {
    let mut pb = small();
    let mut matrix = TravelMatrix::unreachable(2, 25);
    pb.sites = (0..25)
        .map(|j| SiteOption {
            id: format!("s{j}"),
            kind: "library".into(),
            status: SiteStatus::Candidate,
            required: false,
            capacity: None,
        })
        .collect();
    for j in 0..25 {
        matrix.set(0, j, Millis(60_000), Centimeters(0));
    }
    pb.matrix = matrix;
    assert_eq!(
        brute_force(&pb, &Params::default()).unwrap_err().codes(),
        vec![IssueCode::TooLargeForBruteForce]
    );
}

#[test]
fn issue_codes_are_stable_strings() {
    assert_eq!(IssueCode::PTooLarge.as_str(), "p_too_large");
    assert_eq!(IssueCode::CapacityMissing.as_str(), "capacity_missing");
    assert_eq!(IssueCode::TooManyRequired.as_str(), "too_many_required");
}
