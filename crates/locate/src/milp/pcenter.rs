//! p-center, solved exactly by searching the sorted distinct travel times: the optimal radius is the smallest
//! time `r` at which at most p new sites (budgets kept) cover every relevant demand point within `r`.
//!
//! Each step is a covering feasibility problem. A greedy cover that succeeds proves feasibility at once;
//! otherwise a covering MILP (`min Σ x` over the merged, reduced rows with `Σ x ≤ p`) stops at its first
//! feasible solution or proves infeasibility, usually at the root since its LP bound already exceeds p. The
//! search starts between the radius at which all allowed sites together serve everyone (a lower bound) and the
//! warm plan's or the greedy cover's radius (an upper bound). On the time limit the best radius found is
//! returned with the lowest radius not proven infeasible as its bound.

use good_lp::solvers::highs::highs;
use good_lp::{Expression, SolverModel, variable};

use super::cover::{Cover, Spec};
use super::{Builder, MilpResult, Outcome, Plan, Settings, V, Warm, chosen, count_and_budgets, run};
use crate::error::Error;
use crate::heuristic::greedy_cover;
use crate::instance::Instance;

/// The longest time from a relevant point to its nearest open site for a plan (None if one is unserved).
fn radius(inst: &Instance, free_open: &[usize]) -> Option<u32> {
    let mut open = vec![false; inst.m];
    for &j in inst.kept.iter().chain(&inst.required).chain(free_open) {
        open[j] = true;
    }
    let mut r = 0;
    for i in (0..inst.n).filter(|&i| inst.relevant[i]) {
        r = r.max(inst.reach[i].iter().find(|x| open[x.site as usize])?.time);
    }
    Some(r)
}

enum Check {
    Feasible(Vec<usize>),
    Infeasible,
    Unknown,
}

fn check(inst: &Instance, s: &Settings, r: u32) -> Result<Check, Error> {
    if let Some(plan) = greedy_cover(inst, r, inst.new_free) {
        return Ok(Check::Feasible(plan));
    }
    let cover = Cover::build(inst, &Spec { radius: r, by_district: false, pure_cover: true, site_dominance: true });
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
    // Σ x ≤ p even when there are fewer columns: the LP bound then speaks for itself.
    let total: Expression = x.iter().map(|&(_, v)| v.var).sum();
    problem.add_constraint(total.leq(inst.new_free as f64));
    count_and_budgets(inst, &mut problem, &x, None);
    Ok(match run(problem, s, None, true)? {
        Outcome::Solved { values, .. } => Check::Feasible(chosen(&values, &x)),
        Outcome::Infeasible => Check::Infeasible,
        Outcome::NoSolution => Check::Unknown,
    })
}

pub(crate) fn solve(inst: &Instance, s: &Settings, warm: Option<&Warm>) -> Result<MilpResult, Error> {
    let pts: Vec<usize> = (0..inst.n).filter(|&i| inst.relevant[i]).collect();
    // Lower bound: every point's nearest allowed site.
    let lb = pts.iter().map(|&i| inst.reach[i][0].time).max().unwrap_or(0);
    let mut times: Vec<u32> =
        pts.iter().flat_map(|&i| inst.reach[i].iter().map(|r| r.time)).filter(|&t| t >= lb).collect();
    times.sort_unstable();
    times.dedup();
    let mut best: Option<(Vec<usize>, u32)> = None;
    let consider = |plan: Vec<usize>, best: &mut Option<(Vec<usize>, u32)>| {
        if let Some(r) = radius(inst, &plan) {
            if best.as_ref().is_none_or(|b| r < b.1) {
                *best = Some((plan, r));
            }
        }
    };
    if let Some(w) = warm {
        consider(w.free_open.clone(), &mut best);
    }
    // A quick upper bound from greedy covers, by bisection on the radius.
    let (mut lo, mut hi) = (0usize, times.len());
    while lo < hi {
        let mid = (lo + hi) / 2;
        match greedy_cover(inst, times[mid], inst.new_free) {
            Some(plan) => {
                consider(plan, &mut best);
                hi = mid;
            }
            None => lo = mid + 1,
        }
    }
    let Some((_, ub)) = best else {
        // Not even every allowed site... try the largest radius exactly.
        let last = *times.last().unwrap_or(&0);
        return Ok(match check(inst, s, last)? {
            Check::Feasible(plan) => {
                let r = radius(inst, &plan).unwrap_or(last);
                finish(inst, plan, r, lb_of(&times, 0), s, &times)
            }
            Check::Infeasible => MilpResult::Infeasible,
            Check::Unknown => MilpResult::NoSolution,
        });
    };
    // Exact bisection between the lower bound and the best radius found.
    let mut lo = 0usize;
    let mut hi = times.partition_point(|&t| t < ub);
    while lo < hi {
        let mid = (lo + hi) / 2;
        match check(inst, s, times[mid])? {
            Check::Feasible(plan) => {
                consider(plan, &mut best);
                let r = best.as_ref().expect("a plan").1;
                hi = times.partition_point(|&t| t < r);
            }
            Check::Infeasible => lo = mid + 1,
            Check::Unknown => break,
        }
    }
    let (plan, r) = best.expect("a plan");
    Ok(finish(inst, plan, r, lb_of(&times, lo), s, &times))
}

fn lb_of(times: &[u32], lo: usize) -> u32 {
    times.get(lo).copied().unwrap_or(0)
}

fn finish(inst: &Instance, plan: Vec<usize>, r: u32, lb: u32, _s: &Settings, _times: &[u32]) -> MilpResult {
    let _ = inst;
    MilpResult::Plan(Plan {
        free_open: plan,
        objective: f64::from(r) / 1000.0,
        tiebreak: None,
        bound: f64::from(lb.min(r)) / 1000.0,
        optimal: lb >= r,
        assignment: None,
    })
}
