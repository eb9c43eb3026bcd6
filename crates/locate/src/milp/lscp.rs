//! LSCP: the fewest new sites covering every coverable demand point (`Σ_{j covers r} x_j ≥ 1`
//! per merged row, rows containing another row dropped), or, with minimum shares, meeting the shares; then,
//! with shares, the most covered weight among plans of that size (a second MILP with `Σ x ≤ k*`).

use good_lp::solvers::highs::highs;
use good_lp::{Expression, SolverModel, variable};

use super::cover::{Cover, Spec};
use super::mclp::{Aim, build, plan};
use super::{Builder, MilpResult, Outcome, Plan, Settings, V, Warm, chosen, count_and_budgets, run};
use crate::error::Error;
use crate::instance::Instance;

pub(crate) fn solve(inst: &Instance, s: &Settings, warm: Option<&Warm>) -> Result<MilpResult, Error> {
    let fixed = inst.required.len() as f64;
    if !inst.params.min_share.is_empty() {
        return with_shares(inst, s, warm);
    }
    let cover = Cover::build(
        inst,
        &Spec {
            points: None,
            radius: inst.params.threshold.0,
            by_district: false,
            pure_cover: true,
            site_dominance: true,
        },
    );
    let mut b = Builder::new();
    let on = cover.warm_columns(warm.map_or(&[][..], |w| &w.free_open));
    let x: Vec<(usize, V)> = cover
        .sites
        .iter()
        .zip(&on)
        .map(|(&j, &on)| (j, b.add(variable().binary(), f64::from(u8::from(on)))))
        .collect();
    let objective: Expression = x.iter().map(|&(_, v)| v.var).sum();
    let Builder { vars, warm: warm_vec } = b;
    let mut problem = vars.minimise(objective).using(highs);
    for row in &cover.rows {
        let e: Expression = row.cols.iter().map(|&c| x[c as usize].1.var).sum();
        problem.add_constraint(e.geq(1.0));
    }
    count_and_budgets(inst, &mut problem, &x, None);
    // Every coverable point of positive weight ends up covered.
    let covered: f64 = (0..inst.n).filter(|&i| inst.included[i]).map(|i| inst.weight[i]).sum();
    Ok(match run(problem, s, warm.map(|_| warm_vec.as_slice()), false)? {
        Outcome::Solved { values, bound, optimal, .. } => {
            let free_open = chosen(&values, &x);
            MilpResult::Plan(Plan {
                objective: free_open.len() as f64 + fixed,
                free_open,
                tiebreak: Some(covered),
                bound: bound + fixed,
                optimal,
                assignment: None,
            })
        }
        Outcome::Infeasible => MilpResult::Infeasible,
        Outcome::NoSolution => MilpResult::NoSolution,
    })
}

fn with_shares(inst: &Instance, s: &Settings, warm: Option<&Warm>) -> Result<MilpResult, Error> {
    let fixed = inst.required.len() as f64;
    let (problem, layout, warm_vec) = build(inst, Aim::Fewest, None, warm);
    let (values, bound, optimal) = match run(problem, s, warm.map(|_| warm_vec.as_slice()), false)? {
        Outcome::Solved { values, bound, optimal, .. } => (values, bound, optimal),
        Outcome::Infeasible => return Ok(MilpResult::Infeasible),
        Outcome::NoSolution => return Ok(MilpResult::NoSolution),
    };
    let first = chosen(&values, &layout.x);
    let k = first.len();
    let stage1 = Warm { free_open: first, assignment: None };
    let (problem, layout2, warm_vec) = build(inst, Aim::Cover, Some(k), Some(&stage1));
    let (plan, opt2) = match run(problem, s, Some(&warm_vec), false)? {
        Outcome::Solved { values: v2, objective, optimal: opt2, .. } => {
            (plan(inst, &layout2, &v2, 0.0, Some(objective + layout2.fixed_weight), opt2, 0.0), opt2)
        }
        _ => {
            let served = super::mclp::served(&layout, &values);
            let cov = layout.fixed_weight + weighted(&layout, &served);
            (plan(inst, &layout, &values, 0.0, Some(cov), false, 0.0), false)
        }
    };
    Ok(MilpResult::Plan(Plan {
        objective: plan.free_open.len() as f64 + fixed,
        bound: bound + fixed,
        optimal: optimal && opt2,
        ..plan
    }))
}

fn weighted(layout: &super::mclp::Layout, served: &[f64]) -> f64 {
    layout.unit_weights().iter().zip(served).map(|(w, s)| w * s).sum()
}
