//! Infeasibility: cheap checks before any MILP, and explanations with figures once a MILP proves it.

use good_lp::solvers::highs::highs;
use good_lp::{Expression, SolverModel, variable};

use crate::error::Error;
use crate::instance::Instance;
use crate::milp::cover::{Cover, Spec};
use crate::milp::{Builder, MilpResult, Outcome, Settings, V, count_and_budgets, mclp, run};
use crate::params::{Model, Params};

fn infeasible(explanation: String) -> Error {
    Error::Infeasible { explanation }
}

fn pct(x: f64) -> String {
    format!("{:.1} %", 100.0 * x)
}

fn minutes(ms: u32) -> String {
    format!("{:.1} min", f64::from(ms) / 60_000.0)
}

/// Checks that need no MILP: budgets against required sites and p, total capacity, and an upper bound on each
/// minimum share.
pub(crate) fn precheck(inst: &Instance) -> Result<(), Error> {
    let params = inst.params;
    for (k, name) in inst.kinds.iter().enumerate() {
        let Some(&(_, budget)) = params.budgets.iter().find(|(b, _)| b == name) else { continue };
        let req = inst.required.iter().filter(|&&j| inst.kind[j] == k).count();
        if req > budget {
            return Err(infeasible(format!(
                "the budget for kind {name:?} allows {budget} new sites but {req} required sites are of that kind"
            )));
        }
    }
    if params.model != Model::Lscp && inst.max_free_choosable() < inst.new_free {
        return Err(infeasible(format!(
            "budgets allow only {} new sites but p = {} are asked ({} of them required)",
            inst.max_free_choosable() + inst.required.len(),
            params.p,
            inst.required.len()
        )));
    }
    if params.model == Model::PMedian && params.capacitated() {
        let demand: f64 = (0..inst.n).filter(|&i| inst.included[i]).map(|i| inst.visits[i]).sum();
        let cap = |j: usize| inst.pb.sites[j].capacity.unwrap_or(0.0);
        let mut free: Vec<f64> = inst.free.iter().map(|&j| cap(j)).collect();
        free.sort_by(|a, b| b.total_cmp(a));
        let total: f64 = inst.kept.iter().chain(&inst.required).map(|&j| cap(j)).sum::<f64>()
            + free.iter().take(inst.new_free).sum::<f64>();
        if total < demand * (1.0 - 1e-9) {
            return Err(infeasible(format!(
                "total capacity of the kept and required sites plus the {} largest candidates is {total:.1} \
                 visits, demand is {demand:.1} visits",
                inst.new_free
            )));
        }
    }
    if matches!(params.model, Model::Mclp | Model::PMedian) {
        for &(g, share) in &params.min_share {
            let coverable = inst.coverable(g);
            if coverable <= 0.0 {
                continue;
            }
            // Upper bound: the fixed sites' coverage plus, for the p best candidates, what each covers alone.
            let mut fixed = 0.0;
            let mut alone = vec![0.0; inst.m];
            for i in (0..inst.n).filter(|&i| inst.ncover[i] > 0) {
                let v = inst.pb.demand[i].values[g];
                if v == 0.0 {
                    continue;
                }
                let within = &inst.reach[i][..inst.ncover[i]];
                if within.iter().any(|r| inst.fixed[r.site as usize]) {
                    fixed += v;
                } else {
                    for r in within {
                        alone[r.site as usize] += v;
                    }
                }
            }
            let mut best: Vec<f64> = inst.free.iter().map(|&j| alone[j]).collect();
            best.sort_by(|a, b| b.total_cmp(a));
            let most = fixed + best.iter().take(inst.new_free).sum::<f64>();
            if most < share * coverable * (1.0 - 1e-9) {
                return Err(infeasible(format!(
                    "at most {} of group {}'s coverable people can be covered within {} by the kept and required \
                     sites and p = {} new sites (even counting the {} best candidates as if they never overlapped); \
                     {} was asked",
                    pct(most / coverable),
                    inst.pb.groups[g],
                    minutes(params.threshold.0),
                    params.p,
                    inst.new_free,
                    pct(share)
                )));
            }
        }
    }
    Ok(())
}

/// Explains why the MILP found the problem infeasible, with figures (more MILPs, within the time left).
pub(crate) fn explain(inst: &Instance, s: &Settings) -> Error {
    let params = inst.params;
    let mut reasons = Vec::new();
    let limit = if params.model == Model::Lscp {
        "any number of new sites".to_string()
    } else {
        format!("p = {} new sites", params.p)
    };
    if matches!(params.model, Model::PMedian | Model::PCenter) {
        match sites_to_reach_all(inst, s) {
            Some(k) if k > inst.new_free => reasons.push(format!(
                "every demand point must reach an open site, which needs at least {} new sites{}; p = {}",
                k + inst.required.len(),
                if params.budgets.is_empty() { "" } else { " within the budgets" },
                params.p
            )),
            None => {
                reasons.push("with the budgets, no plan lets every demand point reach an open site".into());
            }
            Some(_) => {}
        }
    }
    if reasons.is_empty() {
        for &(g, share) in &params.min_share {
            if let Some((covered, coverable)) = best_share(inst, s, g)
                && covered < share * coverable * (1.0 - 1e-9)
            {
                reasons.push(format!(
                        "at most {} of group {}'s coverable people ({covered:.1} of {coverable:.1}) can be covered \
                         within {} with {limit}{}{}; {} was asked",
                        pct(covered / coverable),
                        inst.pb.groups[g],
                        minutes(params.threshold.0),
                        if params.budgets.is_empty() { "" } else { " and the budgets" },
                        if params.capacitated() { " within the capacities" } else { "" },
                        pct(share)
                    ));
            }
        }
        if reasons.is_empty() && params.min_share.len() > 1 {
            reasons.push(format!(
                "each minimum share can be met on its own, but not all of them together with {limit}"
            ));
        }
    }
    if reasons.is_empty() && params.model == Model::PMedian && params.capacitated() {
        reasons.push(format!(
            "no plan with p = {} new sites can assign all demand within the capacities of the sites each point \
             can reach",
            params.p
        ));
    }
    if reasons.is_empty() && params.model == Model::Lscp {
        let coverable: f64 = (0..inst.n).filter(|&i| inst.included[i]).map(|i| inst.weight[i]).sum();
        let best = best_cover(inst, s);
        reasons.push(format!(
            "the budgets ({}) leave some coverable demand uncovered: at most {:.1} of the {coverable:.1} coverable \
             weighted demand can be covered",
            params.budgets.iter().map(|(k, b)| format!("{k} ≤ {b}")).collect::<Vec<_>>().join(", "),
            best.unwrap_or(f64::NAN)
        ));
    }
    if reasons.is_empty() {
        reasons.push("the constraints cannot all be met (HiGHS proved the model infeasible)".into());
    }
    infeasible(reasons.join("; "))
}

/// The most of group g that can be covered under the model's limits: (covered, coverable). Uses the dual bound
/// when the time runs out, so "at most" stays true.
fn best_share(inst: &Instance, s: &Settings, g: usize) -> Option<(f64, f64)> {
    let ng = inst.pb.groups.len();
    let mut weights = vec![0.0; ng];
    weights[g] = 1.0;
    let p =
        if inst.params.model == Model::Lscp { inst.required.len() + inst.free.len() } else { inst.params.p };
    let params =
        Params { model: Model::Mclp, p, weights, min_share: Vec::new(), equity: None, ..inst.params.clone() };
    let sub = Instance::new(inst.pb, &params);
    match mclp::solve(&sub, s, None).ok()? {
        MilpResult::Plan(plan) => Some((plan.bound.max(plan.objective), sub.coverable(g))),
        _ => None,
    }
}

/// The most weighted demand that can be covered with any number of sites within the budgets.
fn best_cover(inst: &Instance, s: &Settings) -> Option<f64> {
    let params = Params {
        model: Model::Mclp,
        p: inst.required.len() + inst.free.len(),
        min_share: Vec::new(),
        ..inst.params.clone()
    };
    let sub = Instance::new(inst.pb, &params);
    match mclp::solve(&sub, s, None).ok()? {
        MilpResult::Plan(plan) => Some(plan.bound.max(plan.objective)),
        _ => None,
    }
}

/// The fewest free sites (budgets kept) with which every relevant point reaches an open site; None if none.
fn sites_to_reach_all(inst: &Instance, s: &Settings) -> Option<usize> {
    let cover = Cover::build(
        inst,
        &Spec { points: None, radius: u32::MAX, by_district: false, pure_cover: true, site_dominance: true },
    );
    let mut b = Builder::new();
    let x: Vec<(usize, V)> = cover.sites.iter().map(|&j| (j, b.add(variable().binary(), 0.0))).collect();
    let objective: Expression = x.iter().map(|&(_, v)| v.var).sum();
    let mut problem = b.vars.minimise(objective).using(highs);
    for row in &cover.rows {
        let e: Expression = row.cols.iter().map(|&c| x[c as usize].1.var).sum();
        problem.add_constraint(e.geq(1.0));
    }
    count_and_budgets(inst, &mut problem, &x, None);
    match run(problem, s, None, false).ok()? {
        Outcome::Solved { objective, bound, optimal, .. } => {
            Some(if optimal { objective.round() } else { bound.ceil() } as usize)
        }
        _ => None,
    }
}
