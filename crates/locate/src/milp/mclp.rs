//! MCLP: maximise the weighted demand covered by p new sites.
//!
//! Uncapacitated: binary `x_j` per remaining candidate, continuous `y_r ∈ [0, 1]` per merged coverage row with
//! `y_r ≤ Σ_{j covers r} x_j` (with binary `x` the optimum has integral `y`, so `y` need not be binary, which
//! keeps HiGHS's branching on the few `x`). Capacitated: `z_ij ∈ [0, 1]`, the fraction of point i's demand
//! served by site j within the threshold, with `Σ_j z_ij ≤ 1`, `z_ij ≤ x_j`, `Σ_i visits_i z_ij ≤ cap_j x_j`.
//! Minimum shares are rows on the served amounts; equity is solved lexicographically in two MILPs (the worst
//! share `t`, then the coverage with `t` held).

use good_lp::solvers::highs::{HighsProblem, highs};
use good_lp::{Expression, SolverModel, variable};

use super::cover::{Cover, Spec};
use super::{Builder, MilpResult, Outcome, Plan, Settings, V, Warm, chosen, count_and_budgets, run};
use crate::error::Error;
use crate::instance::Instance;
use crate::params::Equity;

/// Equity is held in stage 2 up to this much below the stage-1 share.
pub(crate) const EQUITY_TOL: f64 = 1e-7;

/// Something whose served amount counts: a merged row or a demand point (capacitated).
struct Unit {
    weight: f64,
    groups: Vec<f64>,
    district: Option<usize>,
    /// The served amount is the sum of these columns.
    terms: Vec<V>,
}

/// What a coverage MILP optimises.
#[derive(Clone, Copy, PartialEq)]
pub(super) enum Aim {
    /// Maximise the weighted coverage.
    Cover,
    /// Maximise the worst share.
    Worst,
    /// Maximise coverage with the worst share held at this level.
    Hold(f64),
    /// Minimise the number of chosen candidates (LSCP with minimum shares).
    Fewest,
}

pub(super) struct Layout {
    pub(super) x: Vec<(usize, V)>,
    units: Vec<Unit>,
    /// Capacitated: (point, site, column) of every assignment variable.
    pairs: Vec<(usize, usize, V)>,
    pub(super) fixed_weight: f64,
    fixed_groups: Vec<f64>,
    fixed_districts: Vec<f64>,
    equity_cols: Option<V>,
}

/// An equity member: its coefficient per unit, its coverable total and the part fixed sites cover.
struct Member {
    coef: Vec<f64>,
    total: f64,
    fixed: f64,
}

pub(crate) fn solve(inst: &Instance, s: &Settings, warm: Option<&Warm>) -> Result<MilpResult, Error> {
    let equity = inst.params.equity.is_some();
    let limit = Some(inst.new_free);
    let (problem, layout, warm_vec) = build(inst, if equity { Aim::Worst } else { Aim::Cover }, limit, warm);
    let out = run(problem, s, warm.map(|_| warm_vec.as_slice()), false)?;
    let Outcome::Solved { values, objective, bound, optimal } = out else {
        return Ok(match out {
            Outcome::Infeasible => MilpResult::Infeasible,
            _ => MilpResult::NoSolution,
        });
    };
    if !equity {
        let (o, b) = (objective + layout.fixed_weight, bound + layout.fixed_weight);
        return Ok(MilpResult::Plan(plan(inst, &layout, &values, o, None, optimal, b)));
    }
    // Stage 2: hold the worst share reached (recomputed from the solution) and maximise coverage.
    let members = members_of(inst, &layout);
    let served1 = served(&layout, &values);
    let t = worst(&members, &served1);
    let worst_bound = bound;
    let stage1 =
        Warm { free_open: chosen(&values, &layout.x), assignment: assignment(inst, &layout, &values) };
    let (problem, layout2, warm_vec) = build(inst, Aim::Hold(t), limit, Some(&stage1));
    match run(problem, s, Some(&warm_vec), false)? {
        Outcome::Solved { values: v2, objective: o2, optimal: opt2, .. } => {
            let served2 = served(&layout2, &v2);
            let t2 = worst(&members_of(inst, &layout2), &served2);
            let cov = o2 + layout2.fixed_weight;
            Ok(MilpResult::Plan(plan(inst, &layout2, &v2, t2, Some(cov), optimal && opt2, worst_bound)))
        }
        // Stage 2 found nothing better than stage 1 in time: keep stage 1's plan.
        _ => {
            let cov: f64 = layout.units.iter().zip(&served1).map(|(u, s)| u.weight * s).sum::<f64>()
                + layout.fixed_weight;
            let _ = objective;
            Ok(MilpResult::Plan(plan(inst, &layout, &values, t, Some(cov), false, worst_bound)))
        }
    }
}

impl Layout {
    pub(super) fn unit_weights(&self) -> Vec<f64> {
        self.units.iter().map(|u| u.weight).collect()
    }
}

pub(super) fn plan(
    inst: &Instance,
    layout: &Layout,
    values: &[f64],
    objective: f64,
    tiebreak: Option<f64>,
    optimal: bool,
    bound: f64,
) -> Plan {
    Plan {
        free_open: chosen(values, &layout.x),
        objective,
        tiebreak,
        bound,
        optimal,
        assignment: assignment(inst, layout, values),
    }
}

fn assignment(inst: &Instance, layout: &Layout, values: &[f64]) -> Option<crate::solution::Assignment> {
    if !inst.params.capacitated() {
        return None;
    }
    let mut a = vec![Vec::new(); inst.n];
    for &(i, j, v) in &layout.pairs {
        let f = values[v.idx].clamp(0.0, 1.0);
        if f > 1e-9 {
            a[i].push((j, f));
        }
    }
    Some(a)
}

pub(super) fn served(layout: &Layout, values: &[f64]) -> Vec<f64> {
    layout.units.iter().map(|u| u.terms.iter().map(|v| values[v.idx]).sum::<f64>().clamp(0.0, 1.0)).collect()
}

fn worst(members: &[Member], served: &[f64]) -> f64 {
    members
        .iter()
        .map(|m| (m.fixed + m.coef.iter().zip(served).map(|(c, s)| c * s).sum::<f64>()) / m.total)
        .fold(1.0, f64::min)
}

fn members_of(inst: &Instance, layout: &Layout) -> Vec<Member> {
    match &inst.params.equity {
        None => Vec::new(),
        Some(Equity::Groups(gs)) => {
            let gs: Vec<usize> = if gs.is_empty() { (0..inst.pb.groups.len()).collect() } else { gs.clone() };
            gs.iter()
                .filter_map(|&g| {
                    let total = inst.coverable(g);
                    let k = inst.constrained.iter().position(|&c| c == g)?;
                    (total > 0.0).then(|| Member {
                        coef: layout.units.iter().map(|u| u.groups[k]).collect(),
                        total,
                        fixed: layout.fixed_groups[k],
                    })
                })
                .collect()
        }
        Some(Equity::Districts) => {
            let mut totals = vec![0.0; inst.pb.districts.len()];
            for i in (0..inst.n).filter(|&i| inst.ncover[i] > 0) {
                if let Some(d) = inst.pb.demand[i].district {
                    totals[d] += inst.weight[i];
                }
            }
            (0..totals.len())
                .filter(|&d| totals[d] > 0.0)
                .map(|d| Member {
                    coef: layout
                        .units
                        .iter()
                        .map(|u| if u.district == Some(d) { u.weight } else { 0.0 })
                        .collect(),
                    total: totals[d],
                    fixed: layout.fixed_districts[d],
                })
                .collect()
        }
    }
}

pub(super) fn build(
    inst: &Instance,
    aim: Aim,
    limit: Option<usize>,
    warm: Option<&Warm>,
) -> (HighsProblem, Layout, Vec<f64>) {
    let mut b = Builder::new();
    let mut links: Vec<good_lp::Constraint> = Vec::new();
    let mut layout = if inst.params.capacitated() {
        capacitated_units(inst, &mut b, &mut links, warm)
    } else {
        let by_district = matches!(inst.params.equity, Some(Equity::Districts));
        let cover = Cover::build(
            inst,
            &Spec {
                points: None,
                radius: inst.params.threshold.0,
                by_district,
                pure_cover: false,
                site_dominance: true,
            },
        );
        let on = cover.warm_columns(warm.map_or(&[][..], |w| &w.free_open));
        let x: Vec<(usize, V)> = cover
            .sites
            .iter()
            .zip(&on)
            .map(|(&j, &on)| (j, b.add(variable().binary(), f64::from(u8::from(on)))))
            .collect();
        let mut units = Vec::with_capacity(cover.rows.len());
        for row in &cover.rows {
            let covered = row.cols.iter().any(|&c| b.warm[x[c as usize].1.idx] > 0.5);
            let y = b.add(variable().min(0.0).max(1.0), f64::from(u8::from(covered)));
            let mut e = Expression::with_capacity(row.cols.len() + 1);
            e.add_mul(1.0, y.var);
            for &c in &row.cols {
                e.add_mul(-1.0, x[c as usize].1.var);
            }
            links.push(e.leq(0.0));
            units.push(Unit {
                weight: row.weight,
                groups: row.groups.clone(),
                district: row.district,
                terms: vec![y],
            });
        }
        Layout {
            x,
            units,
            pairs: Vec::new(),
            fixed_weight: cover.fixed_weight,
            fixed_groups: cover.fixed_groups,
            fixed_districts: cover.fixed_districts,
            equity_cols: None,
        }
    };
    let members = members_of(inst, &layout);
    if aim == Aim::Worst {
        let served: Vec<f64> = layout
            .units
            .iter()
            .map(|u| u.terms.iter().map(|v| b.warm[v.idx]).sum::<f64>().clamp(0.0, 1.0))
            .collect();
        let t0 = if warm.is_some() { worst(&members, &served) } else { 0.0 };
        layout.equity_cols = Some(b.add(variable().min(0.0).max(1.0), t0));
    }
    let objective: Expression = match (aim, layout.equity_cols) {
        (Aim::Worst, Some(t)) => t.var.into(),
        (Aim::Fewest, _) => layout.x.iter().map(|&(_, v)| v.var).sum(),
        _ => {
            let mut e = Expression::with_capacity(layout.units.len());
            for u in &layout.units {
                for v in &u.terms {
                    e.add_mul(u.weight, v.var);
                }
            }
            e
        }
    };
    let Builder { vars, warm: warm_vec } = b;
    let unsolved = if aim == Aim::Fewest { vars.minimise(objective) } else { vars.maximise(objective) };
    let mut problem = unsolved.using(highs);
    for c in links {
        problem.add_constraint(c);
    }
    count_and_budgets(inst, &mut problem, &layout.x, limit);
    let served_expr = |coef: &dyn Fn(&Unit) -> f64, scale: f64| {
        let mut e = Expression::with_capacity(layout.units.len());
        for u in &layout.units {
            let c = coef(u);
            if c != 0.0 {
                for v in &u.terms {
                    e.add_mul(c / scale, v.var);
                }
            }
        }
        e
    };
    for &(g, share) in &inst.params.min_share {
        let k = inst.constrained.iter().position(|&c| c == g).expect("min_share groups are constrained");
        let need = share * inst.coverable(g) - layout.fixed_groups[k];
        if need > 0.0 {
            let e = served_expr(&|u: &Unit| u.groups[k], 1.0);
            problem.add_constraint(e.geq(need));
        }
    }
    match aim {
        Aim::Cover | Aim::Fewest => {}
        Aim::Worst => {
            let t = layout.equity_cols.expect("the worst-share column").var;
            for m in &members {
                let mut e = Expression::with_capacity(layout.units.len() + 1);
                for (u, c) in layout.units.iter().zip(&m.coef) {
                    if *c != 0.0 {
                        for v in &u.terms {
                            e.add_mul(c / m.total, v.var);
                        }
                    }
                }
                e.add_mul(-1.0, t);
                problem.add_constraint(e.geq(-m.fixed / m.total));
            }
        }
        Aim::Hold(level) => {
            for m in &members {
                let mut e = Expression::with_capacity(layout.units.len());
                for (u, c) in layout.units.iter().zip(&m.coef) {
                    if *c != 0.0 {
                        for v in &u.terms {
                            e.add_mul(c / m.total, v.var);
                        }
                    }
                }
                problem.add_constraint(e.geq(level - EQUITY_TOL - m.fixed / m.total));
            }
        }
    }
    (problem, layout, warm_vec)
}

/// Capacitated units: one per relevant point, served by its `z_ij` within the threshold.
fn capacitated_units(
    inst: &Instance,
    b: &mut Builder,
    links: &mut Vec<good_lp::Constraint>,
    warm: Option<&Warm>,
) -> Layout {
    let nc = inst.constrained.len();
    let mut useful = vec![false; inst.m];
    for i in (0..inst.n).filter(|&i| inst.relevant[i]) {
        for r in &inst.reach[i][..inst.ncover[i]] {
            useful[r.site as usize] = true;
        }
    }
    let warm_open = |j: usize| warm.is_some_and(|w| w.free_open.contains(&j));
    let x: Vec<(usize, V)> = inst
        .free
        .iter()
        .filter(|&&j| useful[j])
        .map(|&j| (j, b.add(variable().binary(), f64::from(u8::from(warm_open(j))))))
        .collect();
    let mut xcol: Vec<Option<V>> = vec![None; inst.m];
    for &(j, v) in &x {
        xcol[j] = Some(v);
    }
    let mut units = Vec::new();
    let mut pairs = Vec::new();
    let mut load: Vec<Expression> = (0..inst.m).map(|_| Expression::default()).collect();
    let mut loaded = vec![false; inst.m];
    for i in (0..inst.n).filter(|&i| inst.relevant[i]) {
        let d = &inst.pb.demand[i];
        let mut terms = Vec::new();
        let mut sum = Expression::default();
        for r in &inst.reach[i][..inst.ncover[i]] {
            let j = r.site as usize;
            let w0 = warm
                .and_then(|w| w.assignment.as_ref())
                .and_then(|a| a[i].iter().find(|e| e.0 == j).map(|e| e.1))
                .unwrap_or(0.0);
            let z = b.add(variable().min(0.0).max(1.0), w0);
            sum.add_mul(1.0, z.var);
            if let Some(xj) = xcol[j] {
                links.push((z.var - xj.var).leq(0.0));
            }
            if inst.visits[i] > 0.0 {
                load[j].add_mul(inst.visits[i], z.var);
                loaded[j] = true;
            }
            terms.push(z);
            pairs.push((i, j, z));
        }
        links.push(sum.leq(1.0));
        let groups = inst.constrained.iter().map(|&g| d.values[g]).collect();
        units.push(Unit { weight: inst.weight[i], groups, district: d.district, terms });
    }
    for (j, mut e) in load.into_iter().enumerate().filter(|&(j, _)| loaded[j]) {
        let cap = inst.pb.sites[j].capacity.unwrap_or(0.0);
        if inst.fixed[j] {
            links.push(e.leq(cap));
        } else if let Some(xj) = xcol[j] {
            e.add_mul(-cap, xj.var);
            links.push(e.leq(0.0));
        }
    }
    Layout {
        x,
        units,
        pairs,
        fixed_weight: 0.0,
        fixed_groups: vec![0.0; nc],
        fixed_districts: vec![0.0; inst.pb.districts.len()],
        equity_cols: None,
    }
}
