//! Exhaustive enumeration of every feasible set of new sites: the referee for small instances.

use std::time::Instant;

use crate::error::{Error, Issue, IssueCode};
use crate::evaluate::evaluate;
use crate::infeasible::precheck;
use crate::instance::Instance;
use crate::milp::assign::assign;
use crate::params::{Model, Params};
use crate::problem::Problem;
use crate::solution::{Assignment, MethodUsed, Solution, Status};
use crate::validate::validate;

/// Most free candidates brute force accepts (2^20 subsets).
pub const BRUTE_FORCE_MAX_CANDIDATES: usize = 20;

struct Best {
    free_open: Vec<usize>,
    objective: f64,
    tiebreak: Option<f64>,
    mean: f64,
    assignment: Option<Assignment>,
}

/// Solves by enumerating every feasible set of new sites (p-models: every set of p − required free candidates;
/// LSCP: sets of increasing size until one is feasible), scoring uncapacitated plans with [`evaluate`] and
/// capacitated ones with an exact assignment LP (HiGHS). Ties keep the first set in lexicographic order.
/// Refuses more than [`BRUTE_FORCE_MAX_CANDIDATES`] free candidates.
pub fn brute_force(pb: &Problem, params: &Params) -> Result<Solution, Error> {
    let start = Instant::now();
    validate(pb, params)?;
    let inst = Instance::new(pb, params);
    if inst.free.len() > BRUTE_FORCE_MAX_CANDIDATES {
        return Err(Error::Invalid(vec![Issue::new(
            IssueCode::TooLargeForBruteForce,
            format!("{} free candidates", inst.free.len()),
            format!("brute force enumerates at most {BRUTE_FORCE_MAX_CANDIDATES} candidates; use solve"),
        )]));
    }
    precheck(&inst)?;
    let sizes: Vec<usize> =
        if params.model == Model::Lscp { (0..=inst.free.len()).collect() } else { vec![inst.new_free] };
    let mut tried = 0usize;
    for size in sizes {
        let mut best: Option<Best> = None;
        for subset in combinations(&inst.free, size) {
            if !within_budgets(&inst, &subset) {
                continue;
            }
            tried += 1;
            let open = inst.open_with(&subset);
            let e = evaluate(pb, params, &open);
            let cand = if params.capacitated() {
                match assign(pb, params, &open)? {
                    Some((objective, tiebreak, a)) => Best {
                        free_open: subset,
                        objective,
                        tiebreak,
                        mean: e.mean_time_s,
                        assignment: Some(a),
                    },
                    None => continue,
                }
            } else {
                if !e.violations.is_empty() {
                    continue;
                }
                Best {
                    free_open: subset,
                    objective: e.objective,
                    tiebreak: e.tiebreak,
                    mean: e.mean_time_s,
                    assignment: None,
                }
            };
            if best.as_ref().is_none_or(|b| better(params, &cand, b)) {
                best = Some(cand);
            }
        }
        if let Some(b) = best {
            let mean_time_s = (params.model == Model::PMedian).then(|| {
                if params.capacitated() {
                    let w: f64 = (0..inst.n).filter(|&i| inst.included[i]).map(|i| inst.weight[i]).sum();
                    if w > 0.0 { b.objective / w } else { 0.0 }
                } else {
                    b.mean
                }
            });
            return Ok(Solution {
                model: params.model,
                open: inst.open_with(&b.free_open),
                chosen: inst.chosen_with(&b.free_open),
                objective: b.objective,
                tiebreak: b.tiebreak,
                mean_time_s,
                bound: Some(b.objective),
                gap: Some(0.0),
                status: Status::Optimal,
                method_used: MethodUsed::BruteForce,
                seconds: start.elapsed().as_secs_f64(),
                heuristic_objective: None,
                assignment: b.assignment,
                excluded: inst.excluded,
                unmet: Vec::new(),
            });
        }
    }
    Err(Error::Infeasible {
        explanation: format!(
            "none of the {tried} sets of new sites within the budgets meets the constraints"
        ),
    })
}

fn better(params: &Params, a: &Best, b: &Best) -> bool {
    let eps = |x: f64, y: f64| 1e-9 * x.abs().max(y.abs()).max(1.0);
    let (pa, pb) = (a.objective, b.objective);
    let maximise = params.model == Model::Mclp;
    if (pa - pb).abs() > eps(pa, pb) {
        return if maximise { pa > pb } else { pa < pb };
    }
    match (a.tiebreak, b.tiebreak) {
        (Some(ta), Some(tb)) => ta > tb + eps(ta, tb),
        _ => false,
    }
}

fn within_budgets(inst: &Instance, subset: &[usize]) -> bool {
    (0..inst.kinds.len()).all(|k| {
        inst.free_budget[k].is_none_or(|b| subset.iter().filter(|&&j| inst.kind[j] == k).count() <= b)
    })
}

/// Every `k`-subset of `items`, in lexicographic order.
fn combinations(items: &[usize], k: usize) -> impl Iterator<Item = Vec<usize>> + '_ {
    let n = items.len();
    let mut idx: Option<Vec<usize>> = (k <= n).then(|| (0..k).collect());
    std::iter::from_fn(move || {
        let cur = idx.as_ref()?.clone();
        let out: Vec<usize> = cur.iter().map(|&i| items[i]).collect();
        // Advance.
        let mut next = cur;
        let mut i = k;
        loop {
            if i == 0 {
                idx = None;
                break;
            }
            i -= 1;
            if next[i] < n - k + i {
                next[i] += 1;
                for j in i + 1..k {
                    next[j] = next[j - 1] + 1;
                }
                idx = Some(next);
                break;
            }
        }
        Some(out)
    })
}

#[cfg(test)]
mod tests {
    use super::combinations;

    #[test]
    fn combinations_are_all_k_subsets_in_order() {
        let items = [3, 5, 7, 9];
        let all: Vec<Vec<usize>> = combinations(&items, 2).collect();
        assert_eq!(all, vec![vec![3, 5], vec![3, 7], vec![3, 9], vec![5, 7], vec![5, 9], vec![7, 9]]);
        assert_eq!(combinations(&items, 0).count(), 1);
        assert_eq!(combinations(&items, 4).count(), 1);
        assert_eq!(combinations(&items, 5).count(), 0);
    }
}
