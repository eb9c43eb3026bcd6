//! Seeded random instances and a compact printout for failures.

use std::fmt::Write;

use neuvo_model::{Centimeters, Millis, SiteStatus, SplitMix64, TravelMatrix};

use crate::{DemandPoint, Equity, Model, Params, Problem, SiteOption};

pub(super) const KINDS: [&str; 3] = ["library", "mall", "centre"];

/// A random problem: `n` points, `m` sites, two groups (total, age75), three districts, times of 1–30 min
/// (10 % unreachable), all sites candidates of a random kind with a capacity.
pub(super) fn problem(rng: &mut SplitMix64, n: usize, m: usize) -> Problem {
    let mut matrix = TravelMatrix::unreachable(n, m);
    for i in 0..n {
        for j in 0..m {
            if rng.below(10) > 0 {
                let ms = 60_000 + rng.below(29 * 60_000) as u32;
                matrix.set(i, j, Millis(ms - ms % 1000), Centimeters(0));
            }
        }
    }
    let demand = (0..n)
        .map(|_| {
            let total = rng.below(100) as f64;
            let old = (total * rng.unit_f64()).round();
            DemandPoint {
                values: vec![total, old],
                district: (rng.below(4) < 3).then(|| rng.below(3) as usize),
            }
        })
        .collect();
    let sites = (0..m)
        .map(|j| SiteOption {
            id: format!("s{j}"),
            kind: KINDS[rng.below(3) as usize].into(),
            status: SiteStatus::Candidate,
            required: false,
            capacity: Some(50.0 + rng.below(250) as f64),
        })
        .collect();
    Problem {
        matrix,
        groups: vec!["total".into(), "age75".into()],
        demand,
        districts: vec!["north".into(), "centre".into(), "south".into()],
        sites,
    }
}

/// The option variants the oracle runs.
pub(super) const VARIANTS: usize = 9;

/// Applies option variant `v` to a problem and parameters (returns false when the variant does not apply to
/// the model).
pub(super) fn variant(rng: &mut SplitMix64, pb: &mut Problem, params: &mut Params, v: usize) -> bool {
    let m = pb.sites.len();
    let model = params.model;
    let mark = |pb: &mut Problem, rng: &mut SplitMix64, status: SiteStatus| loop {
        let j = rng.below(m as u64) as usize;
        if pb.sites[j].status == SiteStatus::Candidate && !pb.sites[j].required {
            pb.sites[j].status = status;
            return j;
        }
    };
    match v {
        0 => {}
        1 => {
            mark(pb, rng, SiteStatus::Kept);
            mark(pb, rng, SiteStatus::Closed);
        }
        2 => {
            let j = mark(pb, rng, SiteStatus::Candidate);
            pb.sites[j].required = true;
        }
        3 => {
            let kind = pb.sites[rng.below(m as u64) as usize].kind.clone();
            params.budgets = vec![(kind, rng.below(2) as usize)];
        }
        4 if model != Model::PCenter => {
            params.min_share = vec![(1, [0.5, 0.8, 0.95][rng.below(3) as usize])];
        }
        5 if model == Model::Mclp => {
            params.equity = Some(if rng.below(2) == 0 { Equity::Groups(vec![]) } else { Equity::Districts });
        }
        6 if matches!(model, Model::Mclp | Model::PMedian) => {
            // p-median must serve everyone: lower rates keep most instances feasible.
            let scale = if model == Model::PMedian { 0.2 } else { 1.0 };
            params.visits_per_person =
                Some(vec![scale * (0.5 + rng.unit_f64()), scale * (1.0 + rng.unit_f64())]);
        }
        7 => {
            mark(pb, rng, SiteStatus::Kept);
            let j = mark(pb, rng, SiteStatus::Candidate);
            pb.sites[j].required = true;
            params.p = params.p.max(1);
            let kind = pb.sites[rng.below(m as u64) as usize].kind.clone();
            params.budgets = vec![(kind, 1 + rng.below(2) as usize)];
            if model != Model::PCenter {
                params.min_share = vec![(1, 0.6)];
            }
        }
        8 => {
            params.weights = vec![0.0, 1.0];
            if model == Model::Mclp {
                params.equity = Some(Equity::Groups(vec![1]));
            }
            if matches!(model, Model::Mclp | Model::PMedian) && rng.below(2) == 0 {
                params.visits_per_person = Some(vec![0.2, 1.0]);
                params.min_share = vec![(0, 0.3)];
            }
        }
        _ => return false,
    }
    true
}

/// A compact, copyable printout of an instance.
pub(super) fn show(pb: &Problem, params: &Params) -> String {
    let mut s = String::new();
    let _ = writeln!(s, "params: {params:?}");
    for (j, site) in pb.sites.iter().enumerate() {
        let _ = writeln!(
            s,
            "site {j}: {:?} {} required={} cap={:?}",
            site.status, site.kind, site.required, site.capacity
        );
    }
    for (i, d) in pb.demand.iter().enumerate() {
        let times: Vec<String> = (0..pb.sites.len())
            .map(|j| pb.matrix.time(i, j).map_or("-".into(), |t| (t.0 / 1000).to_string()))
            .collect();
        let _ = writeln!(s, "point {i}: {:?} d={:?} times(s)=[{}]", d.values, d.district, times.join(" "));
    }
    s
}
