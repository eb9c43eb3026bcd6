//! The solve driver: validation, cheap infeasibility checks, heuristic, MILP, fill-up and the final figures.

use std::time::{Duration, Instant};

use crate::error::Error;
use crate::evaluate::evaluate;
use crate::heuristic::{self, HeurResult};
use crate::infeasible;
use crate::instance::Instance;
use crate::milp::{self, MilpResult, Plan, Settings, Warm};
use crate::params::{Method, Model, Params};
use crate::problem::Problem;
use crate::solution::{MethodUsed, Solution, Status, rel_gap};
use crate::validate::validate;

/// Share of the time limit the heuristic may use before the MILP in [`Method::Auto`].
const HEURISTIC_SHARE: f64 = 0.25;

/// Chooses the sites: see the crate documentation for the models and the [`Params`] for the options.
///
/// Returns [`Error::Invalid`] with every input issue, [`Error::Infeasible`] with an explanation when no plan
/// meets the constraints, and [`Error::Solver`] when HiGHS fails (or finds no plan at all in time).
pub fn solve(pb: &Problem, params: &Params) -> Result<Solution, Error> {
    let start = Instant::now();
    validate(pb, params)?;
    let inst = Instance::new(pb, params);
    infeasible::precheck(&inst)?;
    let settings = Settings {
        deadline: start + Duration::from_secs_f64(params.time_limit_s),
        mip_rel_gap: params.mip_rel_gap,
        seed: params.seed,
    };
    if inst.free.is_empty() || (params.model != Model::Lscp && inst.new_free == 0) {
        return fixed_plan(&inst, &settings, start);
    }
    let heur = match params.method {
        Method::Exact => None,
        Method::Heuristic => Some(heuristic::run(&inst, params.seed, settings.deadline)),
        Method::Auto => {
            let until = start + Duration::from_secs_f64(params.time_limit_s * HEURISTIC_SHARE);
            Some(heuristic::run(&inst, params.seed, until))
        }
    };
    if params.method == Method::Heuristic {
        let h = heur.expect("the heuristic ran");
        return Ok(heuristic_solution(&inst, &h, start, Status::Heuristic, None, MethodUsed::Heuristic));
    }
    let warm =
        heur.as_ref().map(|h| Warm { free_open: h.free_open.clone(), assignment: h.assignment.clone() });
    let result = milp_solve(&inst, &settings, warm.as_ref())?;
    let used = if heur.is_some() { MethodUsed::HeuristicThenExact } else { MethodUsed::Exact };
    match result {
        MilpResult::Infeasible => Err(infeasible::explain(&inst, &settings)),
        MilpResult::NoSolution => match &heur {
            Some(h) if h.score.penalty <= 1e-9 => Ok(heuristic_solution(
                &inst,
                h,
                start,
                Status::TimeLimit,
                None,
                MethodUsed::HeuristicThenExact,
            )),
            _ => Err(Error::Solver(format!(
                "no feasible plan was found within the time limit of {} s",
                params.time_limit_s
            ))),
        },
        MilpResult::Plan(plan) => finish(&inst, plan, heur.as_ref(), used, start),
    }
}

pub(crate) fn milp_solve(inst: &Instance, s: &Settings, warm: Option<&Warm>) -> Result<MilpResult, Error> {
    match inst.params.model {
        Model::Mclp => milp::mclp::solve(inst, s, warm),
        Model::Lscp => milp::lscp::solve(inst, s, warm),
        Model::PMedian => milp::pmedian::solve(inst, s, warm),
        Model::PCenter => milp::pcenter::solve(inst, s, warm),
    }
}

/// Turns a MILP plan into the solution: checks its objective against an independent scoring, fills it up to p
/// and reports the figures.
fn finish(
    inst: &Instance,
    plan: Plan,
    heur: Option<&HeurResult>,
    used: MethodUsed,
    start: Instant,
) -> Result<Solution, Error> {
    let params = inst.params;
    let capacitated = params.capacitated();
    if !capacitated {
        let s = heuristic::score_of(inst, &plan.free_open);
        let tol = 1e-6 * plan.objective.abs().max(1.0);
        let tie_ok = match plan.tiebreak {
            Some(t) => (s.tiebreak - t).abs() <= 1e-6 * t.abs().max(1.0),
            None => true,
        };
        if s.penalty > 1e-6 || (s.primary - plan.objective).abs() > tol || !tie_ok {
            return Err(Error::Solver(format!(
                "internal check failed: the MILP reports {} (tiebreak {:?}) but its plan scores {} (tiebreak {}, \
                 shortfall {})",
                plan.objective, plan.tiebreak, s.primary, s.tiebreak, s.penalty
            )));
        }
    }
    let mut free_open = heuristic::fill(inst, &plan.free_open);
    let (mut objective, mut tiebreak) = (plan.objective, plan.tiebreak);
    let mut assignment = plan.assignment;
    if !capacitated && free_open.len() > plan.free_open.len() {
        let s = heuristic::score_of(inst, &free_open);
        objective = s.primary;
        tiebreak = plan.tiebreak.map(|_| s.tiebreak);
    }
    // The heuristic's plan may still be better when the MILP stopped early.
    if let Some(h) = heur {
        let milp_score =
            heuristic::Score { penalty: 0.0, primary: objective, tiebreak: tiebreak.unwrap_or(0.0) };
        if !plan.optimal
            && h.score.penalty <= 1e-9
            && !capacitated
            && h.score.better(&milp_score, params.model)
        {
            free_open = h.free_open.clone();
            objective = h.score.primary;
            tiebreak = tiebreak.map(|_| h.score.tiebreak);
            assignment = h.assignment.clone();
        }
    }
    let bound = plan.bound.is_finite().then_some(plan.bound);
    let open = inst.open_with(&free_open);
    Ok(Solution {
        model: params.model,
        chosen: inst.chosen_with(&free_open),
        open,
        objective,
        tiebreak,
        mean_time_s: mean_time(inst, objective),
        bound,
        gap: bound.map(|b| rel_gap(objective, b)),
        status: if plan.optimal { Status::Optimal } else { Status::TimeLimit },
        method_used: used,
        seconds: start.elapsed().as_secs_f64(),
        heuristic_objective: heur.map(|h| h.score.primary),
        assignment,
        excluded: inst.excluded.clone(),
        unmet: Vec::new(),
    })
}

fn mean_time(inst: &Instance, objective: f64) -> Option<f64> {
    if inst.params.model != Model::PMedian {
        return None;
    }
    let w: f64 = (0..inst.n).filter(|&i| inst.included[i]).map(|i| inst.weight[i]).sum();
    Some(if w > 0.0 { objective / w } else { 0.0 })
}

/// The plan of a heuristic, with the constraints it does not meet spelled out.
fn heuristic_solution(
    inst: &Instance,
    h: &HeurResult,
    start: Instant,
    status: Status,
    bound: Option<f64>,
    used: MethodUsed,
) -> Solution {
    let open = inst.open_with(&h.free_open);
    let unmet = if h.score.penalty > 1e-9 { unmet(inst, &open, h) } else { Vec::new() };
    let tiebreak = match inst.params.model {
        Model::Lscp => Some(h.score.tiebreak),
        Model::Mclp if inst.params.equity.is_some() => Some(h.score.tiebreak),
        _ => None,
    };
    Solution {
        model: inst.params.model,
        chosen: inst.chosen_with(&h.free_open),
        open,
        objective: h.score.primary,
        tiebreak,
        mean_time_s: mean_time(inst, h.score.primary),
        bound,
        gap: bound.map(|b| rel_gap(h.score.primary, b)),
        status,
        method_used: used,
        seconds: start.elapsed().as_secs_f64(),
        heuristic_objective: Some(h.score.primary),
        assignment: h.assignment.clone(),
        excluded: inst.excluded.clone(),
        unmet,
    }
}

fn unmet(inst: &Instance, open: &[usize], h: &HeurResult) -> Vec<String> {
    if inst.params.capacitated() {
        return vec![format!(
            "the greedy assignment leaves a shortfall of {:.4} (minimum shares, or p-median demand not assigned \
             within capacity)",
            h.score.penalty
        )];
    }
    evaluate(inst.pb, inst.params, open).violations
}

/// Nothing to choose (no candidate, or p = number of required sites): the plan is the fixed sites, if it meets
/// the constraints.
fn fixed_plan(inst: &Instance, s: &Settings, start: Instant) -> Result<Solution, Error> {
    let params = inst.params;
    let open = inst.open_with(&[]);
    if params.capacitated() {
        // The assignment LP decides feasibility and value.
        return match milp_solve(inst, s, None)? {
            MilpResult::Plan(plan) => {
                finish(inst, Plan { free_open: Vec::new(), ..plan }, None, MethodUsed::Fixed, start)
            }
            MilpResult::Infeasible => Err(infeasible::explain(inst, s)),
            MilpResult::NoSolution => Err(Error::Solver("no assignment found within the time limit".into())),
        };
    }
    let e = evaluate(inst.pb, params, &open);
    let broken: Vec<&String> = e.violations.iter().collect();
    if !broken.is_empty() {
        return Err(Error::Infeasible {
            explanation: format!(
                "with no site left to choose (p = {}, {} candidates), the kept and required sites alone break: {}",
                params.p,
                inst.free.len(),
                broken.iter().map(|s| s.as_str()).collect::<Vec<_>>().join("; ")
            ),
        });
    }
    let score = heuristic::score_of(inst, &[]);
    Ok(Solution {
        model: params.model,
        chosen: inst.chosen_with(&[]),
        open,
        objective: score.primary,
        tiebreak: match params.model {
            Model::Lscp => Some(score.tiebreak),
            Model::Mclp if params.equity.is_some() => Some(score.tiebreak),
            _ => None,
        },
        mean_time_s: mean_time(inst, score.primary),
        bound: Some(score.primary),
        gap: Some(0.0),
        status: Status::Optimal,
        method_used: MethodUsed::Fixed,
        seconds: start.elapsed().as_secs_f64(),
        heuristic_objective: None,
        assignment: None,
        excluded: inst.excluded.clone(),
        unmet: Vec::new(),
    })
}
