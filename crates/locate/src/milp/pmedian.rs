//! p-median.
//!
//! Uncapacitated: the radius formulation of Elloumi (2010, after Cornuéjols, Nemhauser & Wolsey 1980). For
//! each demand point, the distinct times to its allowed sites, up to its nearest kept or required site, are
//! levels `D¹ < D² < … < Dᴷ`; `z^k ≥ 0` is 1 when no open site is within `D^k`, and the point's cost is
//! `w·(D¹ + Σ_k (D^{k+1} − D^k) z^k)`. We write the rows as a chain, `z¹ + Σ_{level 1} x ≥ 1`,
//! `z^k − z^{k−1} + Σ_{level k} x ≥ 0`, which has the same LP bound as the textbook rows
//! `z^k + Σ_{time ≤ D^k} x ≥ 1` but one nonzero per (point, site) instead of one per (point, site, level).
//!
//! Lazy levels: a point's chain may stop at level `L < K − 1`; dropping the later (non-negative) terms gives a
//! relaxation, and when its optimum serves every point within its last level the relaxed and true costs agree,
//! so the plan is optimal. Otherwise the offending points get more levels and the MILP is solved again,
//! warm-started. Chains start at a plan's second-nearest open site (the warm plan's, or in exact runs a greedy
//! plan that HiGHS does not see), so that the relaxation charges a point at least that much for losing its site.
//! From 12 000 columns on, the MIP's LPs (large and degenerate here) are solved by the interior-point method:
//! 6.2 s against 8.2 s with dual simplex on 1000 × 100, p = 10 (15 500 columns), but 0.18 s against 0.13 s on
//! the Espoo 75+ car scenario (4 700 columns), and 110 s against 36 s on 1000 × 100 with every level.
//!
//! Capacitated: the assignment formulation, `z_ij` for every reachable (point, allowed site) pair,
//! `Σ_j z_ij = 1`, `z_ij ≤ x_j`, `Σ_i visits_i z_ij ≤ cap_j x_j`.

use good_lp::solvers::highs::highs;
use good_lp::{Expression, SolverModel, variable};

use super::{
    Builder, MilpResult, Outcome, Plan, Settings, V, Warm, chosen, count_and_budgets, run, run_with,
};
use crate::error::Error;
use crate::instance::Instance;

/// From this many columns on, the MIP's LPs are solved by the interior-point method.
const IPM_COLUMNS: usize = 12_000;

/// One point's levels: distinct times and, per level, the free sites at that time.
struct Chain {
    point: usize,
    times: Vec<u32>,
    sites: Vec<Vec<usize>>,
    /// The last level is a kept or required site (nothing beyond it).
    fixed_end: bool,
    /// The index of the last level within the threshold (None when the nearest allowed site is beyond it).
    within: Option<usize>,
    /// The point has weight and must be served; a point without weight is only in the model for the minimum
    /// shares, and its chain stops at the threshold level.
    must: bool,
}

fn chains(inst: &Instance) -> Vec<Chain> {
    let th = inst.params.threshold.0;
    let mut out = Vec::new();
    for i in (0..inst.n).filter(|&i| inst.relevant[i]) {
        let mut times: Vec<u32> = Vec::new();
        let mut sites: Vec<Vec<usize>> = Vec::new();
        let mut fixed_end = false;
        for r in &inst.reach[i] {
            let j = r.site as usize;
            if times.last() != Some(&r.time) {
                if fixed_end {
                    break;
                }
                times.push(r.time);
                sites.push(Vec::new());
            }
            if inst.fixed[j] {
                fixed_end = true;
            } else {
                sites.last_mut().expect("a level").push(j);
            }
        }
        let within = times.iter().rposition(|&t| t <= th);
        let must = inst.weight[i] > 0.0;
        if must || within.is_some() {
            out.push(Chain { point: i, times, sites, fixed_end, within, must });
        }
    }
    out
}

/// The true cost (person-seconds) of a plan, or None when a point of positive weight reaches no open site.
pub(crate) fn cost(inst: &Instance, free_open: &[usize]) -> Option<f64> {
    let mut open = vec![false; inst.m];
    for &j in inst.kept.iter().chain(&inst.required).chain(free_open) {
        open[j] = true;
    }
    let mut c = 0.0;
    for i in (0..inst.n).filter(|&i| inst.relevant[i] && inst.weight[i] > 0.0) {
        let t = inst.reach[i].iter().find(|r| open[r.site as usize])?.time;
        c += inst.weight[i] * f64::from(t) / 1000.0;
    }
    Some(c)
}

/// Per chain, the time to the nearest and to the second-nearest open site of a plan.
fn nearest(inst: &Instance, chains: &[Chain], free_open: &[usize]) -> Vec<(Option<u32>, Option<u32>)> {
    let mut open = vec![false; inst.m];
    for &j in inst.kept.iter().chain(&inst.required).chain(free_open) {
        open[j] = true;
    }
    chains
        .iter()
        .map(|c| {
            let mut it = inst.reach[c.point].iter().filter(|r| open[r.site as usize]).map(|r| r.time);
            (it.next(), it.next())
        })
        .collect()
}

/// The depth that makes a plan exact for a chain and leaves room to its second-nearest open site, so that
/// the relaxation charges a point at least that much for losing its site.
fn seed_depth(c: &Chain, near: (Option<u32>, Option<u32>), shares: bool) -> usize {
    depth(c, near.1.or(near.0), shares)
}

/// How many `z` columns a chain gets so that level `t` (a time) is its last: the index of the level at time
/// `t`, capped at the full chain, and never before the threshold level (minimum shares read it).
fn depth(c: &Chain, t: Option<u32>, shares: bool) -> usize {
    let full = c.times.len().saturating_sub(1);
    let mut l = match t {
        Some(t) => c.times.partition_point(|&x| x < t) + 1,
        None => full,
    };
    if !c.must {
        // Covered iff z at the threshold level is 0; that level may be the last one (its z then costs nothing),
        // and a kept or required site there covers the point in every plan.
        return match c.within {
            Some(w) if !(c.fixed_end && w + 1 == c.times.len()) => w + 1,
            _ => 0,
        };
    }
    if shares {
        l = l.max(c.within.map_or(0, |w| w + 1));
    }
    if full == 0 { 0 } else { l.clamp(1, full) }
}

pub(crate) fn solve(inst: &Instance, s: &Settings, warm: Option<&Warm>) -> Result<MilpResult, Error> {
    if inst.params.capacitated() {
        return assignment(inst, s, warm, true);
    }
    let chains = chains(inst);
    let shares = !inst.params.min_share.is_empty();
    let mut best: Option<(Vec<usize>, f64)> =
        warm.and_then(|w| cost(inst, &w.free_open).map(|c| (w.free_open.clone(), c)));
    // Without a warm plan (exact runs), a greedy plan only seeds the levels; HiGHS does not see it.
    let seed = match &best {
        Some((plan, _)) => plan.clone(),
        None => crate::heuristic::greedy(inst).free_open,
    };
    let near = nearest(inst, &chains, &seed);
    let mut depths: Vec<usize> = chains.iter().zip(&near).map(|(c, &t)| seed_depth(c, t, shares)).collect();
    let mut best_lower = f64::NEG_INFINITY;
    loop {
        let (problem, x, z, constant, warm_vec) =
            build(inst, &chains, &depths, best.as_ref().map(|b| &b.0[..]));
        // The interior-point method pays off on large LPs only (see the module documentation).
        let ipm = warm_vec.len() >= IPM_COLUMNS;
        let out = run_with(problem, s, best.as_ref().map(|_| warm_vec.as_slice()), false, ipm)?;
        let (values, bound, optimal) = match out {
            Outcome::Solved { values, bound, optimal, .. } => (values, bound, optimal),
            Outcome::Infeasible => return Ok(MilpResult::Infeasible),
            Outcome::NoSolution => {
                return Ok(match best {
                    Some((plan, c)) => MilpResult::Plan(Plan {
                        free_open: plan,
                        objective: c,
                        tiebreak: None,
                        bound: if best_lower.is_finite() { best_lower } else { f64::NAN },
                        optimal: false,
                        assignment: None,
                    }),
                    None => MilpResult::NoSolution,
                });
            }
        };
        let plan = chosen(&values, &x);
        // Every round is a relaxation of the full model, and rounds only get tighter; a round stopped by the
        // time limit may report a weaker bound than an earlier one.
        if bound.is_finite() {
            best_lower = best_lower.max(bound + constant);
        }
        let lower = best_lower;
        if let Some(c) = cost(inst, &plan)
            && best.as_ref().is_none_or(|b| c < b.1 - 1e-9 * c.abs().max(1.0))
        {
            best = Some((plan.clone(), c));
        }
        // Points the relaxation leaves beyond their last level.
        let near = nearest(inst, &chains, &plan);
        let mut grown = false;
        for (k, c) in chains.iter().enumerate() {
            let full = c.times.len().saturating_sub(1);
            if c.must && depths[k] < full && z[k].last().is_some_and(|v| values[v.idx] > 0.5) {
                depths[k] = seed_depth(c, near[k], shares).max(depths[k] + 1).min(full);
                grown = true;
            }
        }
        if !grown || s.remaining_s() <= 0.0 {
            let (plan, c) = best.expect("a solved relaxation whose plan serves every point");
            return Ok(MilpResult::Plan(Plan {
                free_open: plan,
                objective: c,
                tiebreak: None,
                bound: lower,
                optimal: optimal && !grown,
                assignment: None,
            }));
        }
    }
}

type Built = (good_lp::solvers::highs::HighsProblem, Vec<(usize, V)>, Vec<Vec<V>>, f64, Vec<f64>);

fn build(inst: &Instance, chains: &[Chain], depths: &[usize], warm: Option<&[usize]>) -> Built {
    let mut b = Builder::new();
    let mut xcol: Vec<Option<V>> = vec![None; inst.m];
    let x: Vec<(usize, V)> = inst
        .free
        .iter()
        .map(|&j| {
            let on = warm.is_some_and(|w| w.contains(&j));
            let v = b.add(variable().binary(), f64::from(u8::from(on)));
            xcol[j] = Some(v);
            (j, v)
        })
        .collect();
    let near = warm.map(|w| nearest(inst, chains, w));
    let mut constant = 0.0;
    let mut objective = Expression::default();
    let mut z: Vec<Vec<V>> = Vec::with_capacity(chains.len());
    for (k, c) in chains.iter().enumerate() {
        let w = inst.weight[c.point];
        if c.times.is_empty() {
            z.push(Vec::new());
            continue;
        }
        constant += w * f64::from(c.times[0]) / 1000.0;
        let mut zs = Vec::with_capacity(depths[k]);
        for l in 0..depths[k] {
            let start =
                near.as_ref().and_then(|n| n[k].0).map_or(0.0, |t| f64::from(u8::from(c.times[l] < t)));
            let v = b.add(variable().min(0.0).max(1.0), start);
            if let Some(next) = c.times.get(l + 1) {
                objective.add_mul(w * f64::from(next - c.times[l]) / 1000.0, v.var);
            }
            zs.push(v);
        }
        z.push(zs);
    }
    let Builder { vars, warm: warm_vec } = b;
    let mut problem = vars.minimise(objective).using(highs);
    for (k, c) in chains.iter().enumerate() {
        if c.times.is_empty() {
            continue;
        }
        let zs = &z[k];
        let full = c.times.len() - 1;
        // Rows for levels 1..=depth (level l's row links z^l, z^{l−1} and the sites at level l).
        let rows = if c.must && zs.len() == full && !c.fixed_end { full + 1 } else { zs.len() };
        for l in 0..rows {
            let mut e = Expression::with_capacity(c.sites[l].len() + 2);
            if let Some(v) = zs.get(l) {
                e.add_mul(1.0, v.var);
            }
            if l > 0 {
                e.add_mul(-1.0, zs[l - 1].var);
            }
            for &j in &c.sites[l] {
                e.add_mul(1.0, xcol[j].expect("free site column").var);
            }
            problem.add_constraint(e.geq(if l == 0 { 1.0 } else { 0.0 }));
        }
    }
    count_and_budgets(inst, &mut problem, &x, Some(inst.new_free));
    // Minimum shares: a point is covered unless z at its threshold level is 1.
    for &(g, share) in &inst.params.min_share {
        let asked = share * inst.coverable(g);
        let mut need = asked;
        let mut e = Expression::default();
        for (k, c) in chains.iter().enumerate() {
            let v = inst.pb.demand[c.point].values[g];
            let Some(wl) = c.within else { continue };
            if v == 0.0 {
                continue;
            }
            match z[k].get(wl) {
                Some(zv) => {
                    need -= v;
                    e.add_mul(-v, zv.var);
                }
                // Beyond the chain: the kept or required site (or, fully expanded, any site) serves it.
                None => need -= v,
            }
        }
        if asked > 0.0 {
            problem.add_constraint(e.geq(need));
        }
    }
    (problem, x, z, constant, warm_vec)
}

/// The assignment formulation (capacitated, or as a reference for tests when `capacities` is false).
pub(crate) fn assignment(
    inst: &Instance,
    s: &Settings,
    warm: Option<&Warm>,
    capacities: bool,
) -> Result<MilpResult, Error> {
    let th = inst.params.threshold.0;
    let mut b = Builder::new();
    let mut xcol: Vec<Option<V>> = vec![None; inst.m];
    let x: Vec<(usize, V)> = inst
        .free
        .iter()
        .map(|&j| {
            let on = warm.is_some_and(|w| w.free_open.contains(&j));
            let v = b.add(variable().binary(), f64::from(u8::from(on)));
            xcol[j] = Some(v);
            (j, v)
        })
        .collect();
    let mut objective = Expression::default();
    let mut pairs: Vec<(usize, usize, V)> = Vec::new();
    for i in (0..inst.n).filter(|&i| inst.relevant[i]) {
        for r in &inst.reach[i] {
            let j = r.site as usize;
            let w0 = warm
                .and_then(|w| w.assignment.as_ref())
                .and_then(|a| a[i].iter().find(|e| e.0 == j).map(|e| e.1))
                .unwrap_or(0.0);
            let v = b.add(variable().min(0.0).max(1.0), w0);
            objective.add_mul(inst.weight[i] * f64::from(r.time) / 1000.0, v.var);
            pairs.push((i, j, v));
        }
    }
    let Builder { vars, warm: warm_vec } = b;
    let mut problem = vars.minimise(objective).using(highs);
    let mut load: Vec<Expression> = (0..inst.m).map(|_| Expression::default()).collect();
    let mut loaded = vec![false; inst.m];
    let mut start = 0;
    while start < pairs.len() {
        let i = pairs[start].0;
        let end = start + pairs[start..].iter().take_while(|p| p.0 == i).count();
        let mut sum = Expression::with_capacity(end - start);
        for &(_, j, v) in &pairs[start..end] {
            sum.add_mul(1.0, v.var);
            if let Some(xj) = xcol[j] {
                problem.add_constraint((v.var - xj.var).leq(0.0));
            }
            if capacities && inst.visits[i] > 0.0 {
                load[j].add_mul(inst.visits[i], v.var);
                loaded[j] = true;
            }
        }
        // Points without weight or visits are only there for the minimum shares: serving them is optional.
        if inst.weight[i] > 0.0 || (capacities && inst.visits[i] > 0.0) {
            problem.add_constraint(sum.eq(1.0));
        } else {
            problem.add_constraint(sum.leq(1.0));
        }
        start = end;
    }
    for (j, mut e) in load.into_iter().enumerate().filter(|&(j, _)| loaded[j]) {
        let cap = inst.pb.sites[j].capacity.unwrap_or(0.0);
        if inst.fixed[j] {
            problem.add_constraint(e.leq(cap));
        } else if let Some(xj) = xcol[j] {
            e.add_mul(-cap, xj.var);
            problem.add_constraint(e.leq(0.0));
        }
    }
    count_and_budgets(inst, &mut problem, &x, Some(inst.new_free));
    for &(g, share) in &inst.params.min_share {
        let need = share * inst.coverable(g);
        let mut e = Expression::default();
        for &(i, j, v) in &pairs {
            let val = inst.pb.demand[i].values[g];
            if val > 0.0 && inst.pb.matrix.time(i, j).is_some_and(|t| t.0 <= th) {
                e.add_mul(val, v.var);
            }
        }
        if need > 0.0 {
            problem.add_constraint(e.geq(need));
        }
    }
    let has_warm = warm.is_some_and(|w| w.assignment.is_some());
    Ok(match run(problem, s, has_warm.then_some(warm_vec.as_slice()), false)? {
        Outcome::Solved { values, objective, bound, optimal } => {
            let mut a = vec![Vec::new(); inst.n];
            for &(i, j, v) in &pairs {
                let f = values[v.idx].clamp(0.0, 1.0);
                if f > 1e-9 {
                    a[i].push((j, f));
                }
            }
            MilpResult::Plan(Plan {
                free_open: chosen(&values, &x),
                objective,
                tiebreak: None,
                bound,
                optimal,
                assignment: capacities.then_some(a),
            })
        }
        Outcome::Infeasible => MilpResult::Infeasible,
        Outcome::NoSolution => MilpResult::NoSolution,
    })
}
