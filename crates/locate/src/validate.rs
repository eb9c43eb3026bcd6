//! Input checks: every issue of a problem and its parameters at once, never a panic.

use std::collections::{HashMap, HashSet};

use neuvo_model::SiteStatus;

use crate::error::{Error, Issue, IssueCode};
use crate::params::{Equity, Model, Params};
use crate::problem::Problem;

/// How many offending indices an issue lists before "…".
const LIST: usize = 5;

fn list(idx: &[usize]) -> String {
    let mut s = idx.iter().take(LIST).map(|i| i.to_string()).collect::<Vec<_>>().join(", ");
    if idx.len() > LIST {
        s.push_str(&format!(", … ({} in all)", idx.len()));
    }
    s
}

fn bad(x: f64) -> bool {
    !x.is_finite() || x < 0.0
}

/// Checks the problem and the parameters; `Err(Error::Invalid)` lists every issue found.
pub(crate) fn validate(pb: &Problem, params: &Params) -> Result<(), Error> {
    let mut out = Vec::new();
    let n = pb.demand.len();
    let m = pb.sites.len();
    let ng = pb.groups.len();
    let model = params.model;

    if pb.matrix.rows() != n || pb.matrix.cols() != m {
        out.push(Issue::new(
            IssueCode::MatrixShape,
            format!(
                "the travel matrix is {}×{} but there are {n} demand points and {m} sites",
                pb.matrix.rows(),
                pb.matrix.cols()
            ),
            "build the matrix with one row per demand point and one column per site, in the same order",
        ));
    }
    if ng == 0 {
        out.push(Issue::new(IssueCode::NoGroups, "no population group is given", "name at least one group"));
    }
    let (mut wrong_len, mut bad_val, mut bad_district) = (Vec::new(), Vec::new(), Vec::new());
    for (i, d) in pb.demand.iter().enumerate() {
        if d.values.len() != ng {
            wrong_len.push(i);
        }
        if d.values.iter().any(|&v| bad(v)) {
            bad_val.push(i);
        }
        if d.district.is_some_and(|k| k >= pb.districts.len()) {
            bad_district.push(i);
        }
    }
    if !wrong_len.is_empty() {
        out.push(Issue::new(
            IssueCode::ValuesLength,
            format!("demand points {} do not have one value per group ({ng} groups)", list(&wrong_len)),
            "give every demand point one value per group, in the order of the groups",
        ));
    }
    if !bad_val.is_empty() {
        out.push(Issue::new(
            IssueCode::InvalidNumber,
            format!("demand points {} have a negative, NaN or infinite value", list(&bad_val)),
            "people counts must be finite and not negative; replace masked values before solving",
        ));
    }
    if !bad_district.is_empty() {
        out.push(Issue::new(
            IssueCode::UnknownDistrict,
            format!(
                "demand points {} name a district index beyond the {} districts",
                list(&bad_district),
                pb.districts.len()
            ),
            "district indices refer to Problem::districts",
        ));
    }

    let mut seen = HashSet::new();
    let mut dup = Vec::new();
    let mut bad_cap = Vec::new();
    let mut req_closed = Vec::new();
    for (j, s) in pb.sites.iter().enumerate() {
        if !seen.insert(s.id.as_str()) {
            dup.push(s.id.clone());
        }
        if s.capacity.is_some_and(bad) {
            bad_cap.push(j);
        }
        if s.required && s.status == SiteStatus::Closed {
            req_closed.push(j);
        }
    }
    if !dup.is_empty() {
        out.push(Issue::new(
            IssueCode::DuplicateSiteId,
            format!("site ids {:?} appear more than once", dup),
            "give every site a unique id",
        ));
    }
    if !bad_cap.is_empty() {
        out.push(Issue::new(
            IssueCode::InvalidNumber,
            format!("sites {} have a negative, NaN or infinite capacity", list(&bad_cap)),
            "capacities are visits per period, finite and not negative",
        ));
    }
    if !req_closed.is_empty() {
        let ids: Vec<&str> = req_closed.iter().map(|&j| pb.sites[j].id.as_str()).collect();
        out.push(Issue::new(
            IssueCode::RequiredClosed,
            format!("sites {ids:?} are required but closed"),
            "a required site must be a candidate (or kept); reopen it or drop the requirement",
        ));
    }

    if !params.weights.is_empty() && params.weights.len() != ng {
        out.push(Issue::new(
            IssueCode::WeightsLength,
            format!("{} weights for {ng} groups", params.weights.len()),
            "give one weight per group, or none for weight 1 on every group",
        ));
    }
    if params.weights.iter().any(|&w| bad(w)) {
        out.push(Issue::new(
            IssueCode::InvalidNumber,
            format!("weights {:?} include a negative, NaN or infinite value", params.weights),
            "weights must be finite and not negative",
        ));
    }
    if params.threshold.0 == 0 {
        out.push(Issue::new(
            IssueCode::ThresholdNotPositive,
            "the coverage threshold is 0 ms",
            "set a positive travel time, e.g. 900000 ms for 15 minutes",
        ));
    }

    let candidates = pb.sites.iter().filter(|s| s.status == SiteStatus::Candidate).count();
    let required = pb.sites.iter().filter(|s| s.required && s.status == SiteStatus::Candidate).count();
    if model != Model::Lscp {
        if params.p > candidates {
            out.push(Issue::new(
                IssueCode::PTooLarge,
                format!("p = {} but there are only {candidates} candidate sites", params.p),
                "lower p or mark more sites as candidates",
            ));
        }
        if required > params.p {
            out.push(Issue::new(
                IssueCode::TooManyRequired,
                format!("{required} candidates are required but p = {}", params.p),
                "raise p to at least the number of required sites, or drop requirements",
            ));
        }
    }

    let mut kinds_seen = HashSet::new();
    for (kind, _) in &params.budgets {
        if !kinds_seen.insert(kind.as_str()) {
            out.push(Issue::new(
                IssueCode::DuplicateBudget,
                format!("kind {kind:?} has more than one budget"),
                "give each kind at most one budget",
            ));
        }
        if !pb.sites.iter().any(|s| &s.kind == kind) {
            let kinds: HashSet<&str> = pb.sites.iter().map(|s| s.kind.as_str()).collect();
            let mut kinds: Vec<&str> = kinds.into_iter().collect();
            kinds.sort_unstable();
            out.push(Issue::new(
                IssueCode::UnknownBudgetKind,
                format!("no site is of kind {kind:?}, which has a budget"),
                format!("the kinds present are {kinds:?}"),
            ));
        }
    }

    for &(g, share) in &params.min_share {
        if g >= ng {
            out.push(Issue::new(
                IssueCode::UnknownGroup,
                format!("min_share names group {g} but there are {ng} groups"),
                "group indices refer to Problem::groups",
            ));
        }
        if !(0.0..=1.0).contains(&share) {
            out.push(Issue::new(
                IssueCode::MinShareRange,
                format!("min_share {share} for group {g} is outside 0..=1"),
                "shares are fractions: 0.95 means 95 %",
            ));
        }
    }
    if let Some(Equity::Groups(gs)) = &params.equity {
        for &g in gs.iter().filter(|&&g| g >= ng) {
            out.push(Issue::new(
                IssueCode::UnknownGroup,
                format!("equity names group {g} but there are {ng} groups"),
                "group indices refer to Problem::groups",
            ));
        }
    }
    if let Some(rates) = &params.visits_per_person {
        if rates.len() != ng {
            out.push(Issue::new(
                IssueCode::VisitsLength,
                format!("{} visit rates for {ng} groups", rates.len()),
                "give one rate of visits per person per group",
            ));
        }
        if rates.iter().any(|&r| bad(r)) {
            out.push(Issue::new(
                IssueCode::InvalidNumber,
                format!("visit rates {rates:?} include a negative, NaN or infinite value"),
                "rates must be finite and not negative",
            ));
        }
        let missing: Vec<usize> = (0..m)
            .filter(|&j| pb.sites[j].status != SiteStatus::Closed && pb.sites[j].capacity.is_none())
            .collect();
        if !missing.is_empty() {
            out.push(Issue::new(
                IssueCode::CapacityMissing,
                format!("capacities are active but sites {} have none", list(&missing)),
                "give every kept and candidate site a capacity, or drop visits_per_person",
            ));
        }
    }
    if params.time_limit_s.is_nan() || params.time_limit_s <= 0.0 {
        out.push(Issue::new(
            IssueCode::TimeLimitNotPositive,
            format!("time limit {} s", params.time_limit_s),
            "give a positive number of seconds",
        ));
    }
    if !(0.0..1.0).contains(&params.mip_rel_gap) {
        out.push(Issue::new(
            IssueCode::MipGapRange,
            format!("relative MIP gap {}", params.mip_rel_gap),
            "use 0 (prove optimality) up to below 1",
        ));
    }

    let unsupported = |what: &str, models: &str| {
        Issue::new(
            IssueCode::UnsupportedOption,
            format!("{what} is not available with {}", model.as_str()),
            format!("{what} works with {models}"),
        )
    };
    if params.equity.is_some() && model != Model::Mclp {
        out.push(unsupported("equity", "mclp"));
    }
    if params.capacitated() && !matches!(model, Model::Mclp | Model::PMedian) {
        out.push(unsupported("visits_per_person (capacities)", "mclp and p_median"));
    }
    if !params.min_share.is_empty() && model == Model::PCenter {
        out.push(unsupported("min_share", "mclp, lscp and p_median"));
    }

    if out.is_empty() { Ok(()) } else { Err(Error::Invalid(out)) }
}

/// Budgets by kind name, for lookups.
pub(crate) fn budget_map(params: &Params) -> HashMap<&str, usize> {
    params.budgets.iter().map(|(k, b)| (k.as_str(), *b)).collect()
}
