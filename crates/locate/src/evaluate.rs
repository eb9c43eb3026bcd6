//! An independent re-computation of a plan's figures from the problem alone: no MILP, no shared solver code.

use neuvo_model::{Millis, SiteStatus};
use serde::{Deserialize, Serialize};

use crate::params::{Equity, Model, Params};
use crate::problem::Problem;
use crate::solution::Assignment;

/// Coverage of one group.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct GroupCoverage {
    /// People of the group within the threshold of an open site.
    pub covered: f64,
    /// People of the group within the threshold of some kept or candidate site.
    pub coverable: f64,
    /// All people of the group.
    pub total: f64,
    /// `covered / coverable` (1 when nobody is coverable): the share `min_share` and equity speak of.
    pub share: f64,
}

/// Coverage of one district, in weighted demand.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct DistrictCoverage {
    /// Weighted demand within the threshold of an open site.
    pub covered_weight: f64,
    /// Weighted demand within the threshold of some kept or candidate site.
    pub coverable_weight: f64,
    /// `covered_weight / coverable_weight` (1 when nothing is coverable).
    pub share: f64,
}

/// The nearest open site of a demand point.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Nearest {
    /// The site (lowest index among equally near ones).
    pub site: usize,
    /// The travel time to it.
    pub time: Millis,
}

/// A plan's figures, recomputed from scratch. Capacities are ignored here (see [`check_assignment`]).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Evaluation {
    /// The model's objective for this open set, in [`Solution::objective`](crate::Solution)'s units; infinite
    /// for p-median and p-center when a demand point of positive weight reaches no open site.
    pub objective: f64,
    /// The lexicographic second objective: covered weight for LSCP and for MCLP with equity.
    pub tiebreak: Option<f64>,
    /// Σ weight of demand points within the threshold of an open site.
    pub covered_weight: f64,
    /// Per group.
    pub groups: Vec<GroupCoverage>,
    /// Per district.
    pub districts: Vec<DistrictCoverage>,
    /// The worst share among the equity groups or districts, when equity is asked for.
    pub worst_share: Option<f64>,
    /// Σ weight × time to the nearest open site, in person-seconds, over the points of positive weight that
    /// some allowed site reaches (infinite if one of them reaches no open site).
    pub person_seconds: f64,
    /// `person_seconds` / their total weight.
    pub mean_time_s: f64,
    /// The longest time to the nearest open site over those points, in seconds (0 when there are none).
    pub max_time_s: f64,
    /// Per demand point, its nearest open site.
    pub nearest: Vec<Option<Nearest>>,
    /// Constraints this open set breaks (kept not open, closed open, required missing, more than p chosen,
    /// budgets, min_share, LSCP cover, p-median/p-center reach).
    pub violations: Vec<String>,
}

fn point_weight(params: &Params, values: &[f64]) -> f64 {
    values.iter().enumerate().map(|(g, v)| params.weight_of(g) * v).sum()
}

/// Recomputes every figure of the plan that opens `open` (site indices; kept sites are not added implicitly).
///
/// # Panics
/// If the problem fails validation (for example a matrix of the wrong shape) or an index is out of range.
pub fn evaluate(pb: &Problem, params: &Params, open: &[usize]) -> Evaluation {
    let n = pb.demand.len();
    let m = pb.sites.len();
    let ng = pb.groups.len();
    let mut is_open = vec![false; m];
    for &j in open {
        is_open[j] = true;
    }
    let th = params.threshold;
    let mut groups = vec![GroupCoverage { covered: 0.0, coverable: 0.0, total: 0.0, share: 1.0 }; ng];
    let mut districts =
        vec![DistrictCoverage { covered_weight: 0.0, coverable_weight: 0.0, share: 1.0 }; pb.districts.len()];
    let mut nearest = Vec::with_capacity(n);
    let (mut covered_weight, mut person_s, mut weight_sum, mut max_s) = (0.0, 0.0, 0.0, 0.0f64);
    let mut violations = Vec::new();
    let mut unserved = 0usize;
    let mut uncovered_lscp = 0usize;
    for i in 0..n {
        let d = &pb.demand[i];
        let w = point_weight(params, &d.values);
        let mut best: Option<Nearest> = None;
        let mut coverable = false;
        let mut reachable = false;
        for (j, site) in pb.sites.iter().enumerate() {
            let Some(t) = pb.matrix.time(i, j) else { continue };
            if site.status != SiteStatus::Closed {
                reachable = true;
                coverable |= t <= th;
            }
            if is_open[j] && best.is_none_or(|b| t < b.time) {
                best = Some(Nearest { site: j, time: t });
            }
        }
        nearest.push(best);
        let covered = best.is_some_and(|b| b.time <= th);
        for (gc, &v) in groups.iter_mut().zip(&d.values) {
            gc.total += v;
            if coverable {
                gc.coverable += v;
            }
            if covered {
                gc.covered += v;
            }
        }
        if let Some(k) = d.district {
            if coverable {
                districts[k].coverable_weight += w;
            }
            if covered {
                districts[k].covered_weight += w;
            }
        }
        if covered {
            covered_weight += w;
        }
        if coverable && !covered {
            uncovered_lscp += 1;
        }
        if reachable && w > 0.0 {
            weight_sum += w;
            match best {
                Some(b) => {
                    person_s += w * b.time.as_secs_f64();
                    max_s = max_s.max(b.time.as_secs_f64());
                }
                None => unserved += 1,
            }
        }
    }
    for g in &mut groups {
        g.share = if g.coverable > 0.0 { g.covered / g.coverable } else { 1.0 };
    }
    for d in &mut districts {
        d.share = if d.coverable_weight > 0.0 { d.covered_weight / d.coverable_weight } else { 1.0 };
    }
    if unserved > 0 {
        person_s = f64::INFINITY;
        max_s = f64::INFINITY;
    }
    let mean_time_s = if weight_sum > 0.0 { person_s / weight_sum } else { 0.0 };

    let worst_share = params.equity.as_ref().map(|e| match e {
        Equity::Groups(gs) => {
            let gs: Vec<usize> = if gs.is_empty() { (0..ng).collect() } else { gs.clone() };
            gs.iter().filter(|&&g| groups[g].coverable > 0.0).map(|&g| groups[g].share).fold(1.0, f64::min)
        }
        Equity::Districts => {
            districts.iter().filter(|d| d.coverable_weight > 0.0).map(|d| d.share).fold(1.0, f64::min)
        }
    });

    // Constraints.
    let mut chosen = 0usize;
    let mut per_kind: Vec<(&str, usize)> = Vec::new();
    for (j, s) in pb.sites.iter().enumerate() {
        match (s.status, is_open[j]) {
            (SiteStatus::Kept, false) => violations.push(format!("kept site {} is not open", s.id)),
            (SiteStatus::Closed, true) => violations.push(format!("closed site {} is open", s.id)),
            (SiteStatus::Candidate, true) => {
                chosen += 1;
                match per_kind.iter_mut().find(|(k, _)| *k == s.kind) {
                    Some(e) => e.1 += 1,
                    None => per_kind.push((s.kind.as_str(), 1)),
                }
            }
            _ => {}
        }
        if s.required && s.status == SiteStatus::Candidate && !is_open[j] {
            violations.push(format!("required site {} is not open", s.id));
        }
    }
    if params.model != Model::Lscp && chosen > params.p {
        violations.push(format!("{chosen} sites chosen but p = {}", params.p));
    }
    for (kind, max) in &params.budgets {
        let c = per_kind.iter().find(|(k, _)| k == kind).map_or(0, |e| e.1);
        if c > *max {
            violations.push(format!("{c} sites of kind {kind} chosen but the budget is {max}"));
        }
    }
    for &(g, s) in &params.min_share {
        if groups[g].share < s - 1e-9 {
            violations.push(format!(
                "group {} share {:.4} is below its minimum {s}",
                pb.groups[g], groups[g].share
            ));
        }
    }
    match params.model {
        Model::Lscp if params.min_share.is_empty() && uncovered_lscp > 0 => {
            violations.push(format!("{uncovered_lscp} coverable demand points are not covered"));
        }
        Model::PMedian | Model::PCenter if unserved > 0 => {
            violations.push(format!("{unserved} demand points of positive weight reach no open site"));
        }
        _ => {}
    }

    let (objective, tiebreak) = match params.model {
        Model::Mclp => match worst_share {
            Some(ws) => (ws, Some(covered_weight)),
            None => (covered_weight, None),
        },
        Model::Lscp => (chosen as f64, Some(covered_weight)),
        Model::PMedian => (person_s, None),
        Model::PCenter => (max_s, None),
    };
    Evaluation {
        objective,
        tiebreak,
        covered_weight,
        groups,
        districts,
        worst_share,
        person_seconds: person_s,
        mean_time_s,
        max_time_s: max_s,
        nearest,
        violations,
    }
}

/// The figures of a capacitated plan, as given by its assignment.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct AssignmentValue {
    /// The objective in [`Solution::objective`](crate::Solution)'s units (served demand instead of covered).
    pub objective: f64,
    /// The lexicographic second objective (MCLP with equity: served weight).
    pub tiebreak: Option<f64>,
    /// Per group: served people / coverable people.
    pub shares: Vec<f64>,
}

/// Checks that `assignment` is feasible for the capacitated model with `open` sites (fractions within 0..=1,
/// only to open sites, within the threshold for MCLP, every reachable demand point of positive weight or
/// visits fully assigned for p-median, capacities respected, minimum shares met) and returns its value.
/// `Err` says what is wrong.
pub fn check_assignment(
    pb: &Problem,
    params: &Params,
    open: &[usize],
    assignment: &Assignment,
) -> Result<AssignmentValue, String> {
    let tol = 1e-6;
    let n = pb.demand.len();
    let m = pb.sites.len();
    let ng = pb.groups.len();
    let rates = params.visits_per_person.clone().unwrap_or_else(|| vec![0.0; ng]);
    if assignment.len() != n {
        return Err(format!("{} assignment rows for {n} demand points", assignment.len()));
    }
    let mut is_open = vec![false; m];
    for &j in open {
        is_open[j] = true;
    }
    let mut load = vec![0.0; m];
    let mut served_g = vec![0.0; ng];
    let mut coverable_g = vec![0.0; ng];
    let mut served_w = 0.0;
    let mut cost = 0.0;
    let mut weight_sum = 0.0;
    let mut dist_served = vec![0.0; pb.districts.len()];
    let mut dist_coverable = vec![0.0; pb.districts.len()];
    for (i, (d, row)) in pb.demand.iter().zip(assignment).enumerate() {
        let w = point_weight(params, &d.values);
        let v: f64 = d.values.iter().zip(&rates).map(|(a, b)| a * b).sum();
        let allowed = |j: usize| pb.sites[j].status != SiteStatus::Closed;
        let reachable = (0..m).any(|j| allowed(j) && pb.matrix.time(i, j).is_some());
        let coverable =
            (0..m).any(|j| allowed(j) && pb.matrix.time(i, j).is_some_and(|t| t <= params.threshold));
        let mut total = 0.0;
        let mut within = 0.0;
        for &(j, f) in row {
            if j >= m || !is_open[j] {
                return Err(format!("point {i} is assigned to site {j}, which is not open"));
            }
            if !(-tol..=1.0 + tol).contains(&f) {
                return Err(format!("point {i} has fraction {f} at site {j}"));
            }
            let Some(t) = pb.matrix.time(i, j) else {
                return Err(format!("point {i} is assigned to site {j}, which it cannot reach"));
            };
            if t <= params.threshold {
                within += f;
            } else if params.model == Model::Mclp {
                return Err(format!("point {i} is assigned to site {j}, beyond the threshold"));
            }
            total += f;
            load[j] += v * f;
            cost += w * t.as_secs_f64() * f;
        }
        if total > 1.0 + tol {
            return Err(format!("point {i} is assigned {total} times its demand"));
        }
        if params.model == Model::PMedian && reachable && (w > 0.0 || v > 0.0) && total < 1.0 - tol {
            return Err(format!("point {i} is only {total} assigned"));
        }
        if reachable && w > 0.0 {
            weight_sum += w;
        }
        if coverable {
            for g in 0..ng {
                coverable_g[g] += d.values[g];
                served_g[g] += d.values[g] * within;
            }
            served_w += w * within;
            if let Some(k) = d.district {
                dist_coverable[k] += w;
                dist_served[k] += w * within;
            }
        }
    }
    for (site, &load) in pb.sites.iter().zip(&load) {
        let cap = site.capacity.unwrap_or(0.0);
        if load > cap + tol * cap.max(1.0) {
            return Err(format!("site {} serves {load} visits, above its capacity {cap}", site.id));
        }
    }
    let shares: Vec<f64> =
        (0..ng).map(|g| if coverable_g[g] > 0.0 { served_g[g] / coverable_g[g] } else { 1.0 }).collect();
    for &(g, s) in &params.min_share {
        if shares[g] < s - tol {
            return Err(format!("group {} share {} is below its minimum {s}", pb.groups[g], shares[g]));
        }
    }
    let worst = params.equity.as_ref().map(|e| match e {
        Equity::Groups(gs) => {
            let gs: Vec<usize> = if gs.is_empty() { (0..ng).collect() } else { gs.clone() };
            gs.iter().filter(|&&g| coverable_g[g] > 0.0).map(|&g| shares[g]).fold(1.0, f64::min)
        }
        Equity::Districts => (0..pb.districts.len())
            .filter(|&k| dist_coverable[k] > 0.0)
            .map(|k| dist_served[k] / dist_coverable[k])
            .fold(1.0, f64::min),
    });
    let (objective, tiebreak) = match (params.model, worst) {
        (Model::PMedian, _) => (cost, None),
        (_, Some(ws)) => (ws, Some(served_w)),
        _ => (served_w, None),
    };
    let _ = weight_sum;
    Ok(AssignmentValue { objective, tiebreak, shares })
}
