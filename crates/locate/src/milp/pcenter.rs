//! p-center, solved exactly by a relaxation on a growing subset of demand points, each solved by bisection
//! over the sorted distinct travel times (after Contardo, Iori & Kramer 2019).
//!
//! The optimal radius of a subset of the points is a lower bound for all of them. For a subset, the smallest
//! time `r` at which at most p new sites (budgets kept) cover every subset point within `r` is found by
//! bisection; each step is a covering feasibility problem, decided at once when a greedy cover succeeds, and
//! otherwise by a small covering MILP (`min Σ x` over merged, reduced rows with `Σ x ≤ p`) that stops at its
//! first feasible solution or proves infeasibility. If the subset's plan serves every point within `r`, it is
//! optimal; otherwise the points it leaves farther away join the subset. The subset starts with the points
//! farthest from the best known plan (the warm plan's, or a greedy cover's), so it stays small: the covering
//! problems have tens of rows instead of thousands. On the time limit the best plan found is returned with the
//! largest proven lower bound.

use good_lp::solvers::highs::highs;
use good_lp::{Expression, SolverModel, variable};

use super::cover::{Cover, Spec};
use super::{Builder, MilpResult, Outcome, Plan, Settings, V, Warm, chosen, count_and_budgets, run};
use crate::error::Error;
use crate::heuristic::greedy_cover;
use crate::instance::Instance;

/// Per relevant point, the time to its nearest open site in a plan (None: it reaches none).
fn distances(inst: &Instance, free_open: &[usize]) -> Vec<Option<u32>> {
    let mut open = vec![false; inst.m];
    for &j in inst.kept.iter().chain(&inst.required).chain(free_open) {
        open[j] = true;
    }
    (0..inst.n)
        .map(|i| {
            if inst.relevant[i] {
                inst.reach[i].iter().find(|x| open[x.site as usize]).map(|x| x.time)
            } else {
                Some(0)
            }
        })
        .collect()
}

/// The longest of those times over the points in `subset` (None if one is unserved).
fn radius(d: &[Option<u32>], subset: Option<&[bool]>) -> Option<u32> {
    d.iter()
        .enumerate()
        .filter(|(i, _)| subset.is_none_or(|s| s[*i]))
        .try_fold(0, |r, (_, t)| t.map(|t| r.max(t)))
}

/// How many violated points join the subset per round.
const GROW: usize = 8;

enum Check {
    Feasible(Vec<usize>),
    Infeasible,
    Unknown,
}

fn check(inst: &Instance, s: &Settings, r: u32, subset: &[bool]) -> Result<Check, Error> {
    if let Some(plan) = greedy_cover(inst, r, inst.new_free, Some(subset)) {
        return Ok(Check::Feasible(plan));
    }
    let spec =
        Spec { points: Some(subset), radius: r, by_district: false, pure_cover: true, site_dominance: true };
    let cover = Cover::build(inst, &spec);
    if cover.uncoverable {
        return Ok(Check::Infeasible);
    }
    let mut b = Builder::new();
    let x: Vec<(usize, V)> = cover.sites.iter().map(|&j| (j, b.add(variable().binary(), 0.0))).collect();
    let objective: Expression = x.iter().map(|&(_, v)| v.var).sum();
    let mut problem = b.vars.minimise(objective).using(highs);
    for row in &cover.rows {
        let e: Expression = row.cols.iter().map(|&c| x[c as usize].1.var).sum();
        problem.add_constraint(e.geq(1.0));
    }
    // Σ x ≤ p even when there are fewer columns: the LP bound then decides at the root.
    let total: Expression = x.iter().map(|&(_, v)| v.var).sum();
    problem.add_constraint(total.leq(inst.new_free as f64));
    count_and_budgets(inst, &mut problem, &x, None);
    Ok(match run(problem, s, None, true)? {
        Outcome::Solved { values, .. } => Check::Feasible(chosen(&values, &x)),
        Outcome::Infeasible => Check::Infeasible,
        Outcome::NoSolution => Check::Unknown,
    })
}

/// The subset's optimal radius by bisection over `times` (sorted, distinct, the first a lower bound, the last
/// the radius of `plan`), with a plan reaching it; `Err(bound)` when the time ran out first.
fn bisect(
    inst: &Instance,
    s: &Settings,
    subset: &[bool],
    times: &[u32],
    plan: &[usize],
) -> Result<Result<(u32, Vec<usize>), u32>, Error> {
    let (mut lo, mut hi) = (0usize, times.len() - 1);
    let mut plan = plan.to_vec();
    while lo < hi {
        let mid = (lo + hi) / 2;
        match check(inst, s, times[mid], subset)? {
            Check::Feasible(p) => {
                let r = radius(&distances(inst, &p), Some(subset)).expect("a cover serves its points");
                hi = times.partition_point(|&t| t < r).min(mid);
                plan = p;
            }
            Check::Infeasible => lo = mid + 1,
            Check::Unknown => return Ok(Err(times[lo])),
        }
    }
    Ok(Ok((times[hi], plan)))
}

pub(crate) fn solve(inst: &Instance, s: &Settings, warm: Option<&Warm>) -> Result<MilpResult, Error> {
    let pts: Vec<usize> = (0..inst.n).filter(|&i| inst.relevant[i]).collect();
    let all: Vec<bool> = inst.relevant.clone();
    // The best plan known: the warm one, and greedy covers over every point by bisection on the radius.
    let mut best: Option<(Vec<usize>, u32)> = None;
    let consider = |plan: Vec<usize>, best: &mut Option<(Vec<usize>, u32)>| {
        if let Some(r) = radius(&distances(inst, &plan), None)
            && best.as_ref().is_none_or(|b| r < b.1)
        {
            *best = Some((plan, r));
        }
    };
    if let Some(w) = warm {
        consider(w.free_open.clone(), &mut best);
    }
    let mut times: Vec<u32> = pts.iter().flat_map(|&i| inst.reach[i].iter().map(|r| r.time)).collect();
    times.sort_unstable();
    times.dedup();
    let (mut lo, mut hi) = (0usize, times.len());
    while lo < hi {
        let mid = (lo + hi) / 2;
        match greedy_cover(inst, times[mid], inst.new_free, None) {
            Some(plan) => {
                consider(plan, &mut best);
                hi = mid;
            }
            None => lo = mid + 1,
        }
    }
    // A lower bound: every point's nearest allowed site.
    let mut lb = pts.iter().map(|&i| inst.reach[i][0].time).max().unwrap_or(0);
    let Some((mut plan, mut ub)) = best else {
        // No greedy cover at any radius: decide exactly whether every point can be served at all.
        let last = *times.last().unwrap_or(&0);
        return Ok(match check(inst, s, last, &all)? {
            Check::Feasible(p) => return solve(inst, s, Some(&Warm { free_open: p, assignment: None })),
            Check::Infeasible => MilpResult::Infeasible,
            Check::Unknown => MilpResult::NoSolution,
        });
    };
    // Start with the points farthest from the best plan.
    let d = distances(inst, &plan);
    let mut order = pts.clone();
    order.sort_by_key(|&i| (std::cmp::Reverse(d[i]), i));
    let mut subset = vec![false; inst.n];
    for &i in order.iter().take((2 * inst.new_free).max(16)) {
        subset[i] = true;
    }
    let mut optimal = false;
    while lb < ub {
        // Candidate radii for the subset: its times between the bound and the best plan's radius there.
        let sub_ub = radius(&distances(inst, &plan), Some(&subset)).expect("the best plan serves everyone");
        let mut sub_times: Vec<u32> = pts
            .iter()
            .filter(|&&i| subset[i])
            .flat_map(|&i| inst.reach[i].iter().map(|r| r.time))
            .filter(|&t| t >= lb && t <= sub_ub)
            .collect();
        // The bound itself is a candidate: the subset's optimum may lie below it.
        sub_times.push(lb.min(sub_ub));
        sub_times.push(sub_ub);
        sub_times.sort_unstable();
        sub_times.dedup();
        let (r, sub_plan) = match bisect(inst, s, &subset, &sub_times, &plan)? {
            Ok(found) => found,
            Err(bound) => {
                lb = lb.max(bound);
                break;
            }
        };
        lb = lb.max(r);
        let d = distances(inst, &sub_plan);
        if let Some(full) = radius(&d, None)
            && full < ub
        {
            (plan, ub) = (sub_plan.clone(), full);
        }
        if ub <= lb {
            optimal = true;
            break;
        }
        // The farthest points the subset's plan leaves beyond its radius join the subset (a few at a time,
        // so that the subset stays small).
        let mut far: Vec<(u32, usize)> = pts
            .iter()
            .filter(|&&i| !subset[i] && d[i].is_none_or(|t| t > r))
            .map(|&i| (d[i].unwrap_or(u32::MAX), i))
            .collect();
        far.sort_unstable_by(|a, b| b.cmp(a));
        for &(_, i) in far.iter().take(GROW) {
            subset[i] = true;
        }
        if far.is_empty() || s.remaining_s() <= 0.0 {
            break;
        }
    }
    optimal |= lb >= ub;
    Ok(MilpResult::Plan(Plan {
        free_open: plan,
        objective: f64::from(ub) / 1000.0,
        tiebreak: None,
        bound: f64::from(lb.min(ub)) / 1000.0,
        optimal,
        assignment: None,
    }))
}
