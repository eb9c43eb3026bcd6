//! The capacitated assignment LP for a fixed set of open sites, written directly against the `highs` crate and
//! sharing no code with the MILP builders, so that brute force referees them.

use highs::{HighsModelStatus, RowProblem, Sense};
use neuvo_model::SiteStatus;

use crate::error::Error;
use crate::milp::mclp::EQUITY_TOL;
use crate::params::{Equity, Model, Params};
use crate::problem::Problem;
use crate::solution::Assignment;

/// The optimal assignment's objective, tiebreak and fractions; None when no assignment is feasible.
pub(crate) type Assigned = Option<(f64, Option<f64>, Assignment)>;

struct Data {
    /// (point, site, time) of every usable pair.
    pairs: Vec<(usize, usize, u32)>,
    weight: Vec<f64>,
    visits: Vec<f64>,
    /// Points that must be fully assigned (p-median: weight or visits).
    must: Vec<bool>,
    /// Coverable people per group.
    coverable: Vec<f64>,
    /// Coverable weight per district.
    district_total: Vec<f64>,
}

fn data(pb: &Problem, params: &Params, open: &[usize]) -> Option<Data> {
    let n = pb.demand.len();
    let ng = pb.groups.len();
    let rates = params.visits_per_person.clone().unwrap_or_else(|| vec![0.0; ng]);
    let mut is_open = vec![false; pb.sites.len()];
    for &j in open {
        is_open[j] = true;
    }
    let th = params.threshold;
    let mut d = Data {
        pairs: Vec::new(),
        weight: vec![0.0; n],
        visits: vec![0.0; n],
        must: vec![false; n],
        coverable: vec![0.0; ng],
        district_total: vec![0.0; pb.districts.len()],
    };
    for i in 0..n {
        let vals = &pb.demand[i].values;
        d.weight[i] = vals.iter().enumerate().map(|(g, v)| params.weight_of(g) * v).sum();
        d.visits[i] = vals.iter().zip(&rates).map(|(a, b)| a * b).sum();
        let allowed = |j: usize| pb.sites[j].status != SiteStatus::Closed;
        let reachable = (0..pb.sites.len()).any(|j| allowed(j) && pb.matrix.time(i, j).is_some());
        let coverable =
            (0..pb.sites.len()).any(|j| allowed(j) && pb.matrix.time(i, j).is_some_and(|t| t <= th));
        if coverable {
            for (c, v) in d.coverable.iter_mut().zip(vals) {
                *c += v;
            }
            if let Some(k) = pb.demand[i].district {
                d.district_total[k] += d.weight[i];
            }
        }
        d.must[i] = params.model == Model::PMedian && reachable && (d.weight[i] > 0.0 || d.visits[i] > 0.0);
        let mut any = false;
        for j in (0..pb.sites.len()).filter(|&j| is_open[j]) {
            if let Some(t) = pb.matrix.time(i, j)
                && (params.model == Model::PMedian || t <= th)
            {
                d.pairs.push((i, j, t.0));
                any = true;
            }
        }
        if d.must[i] && !any {
            return None;
        }
    }
    Some(d)
}

enum Goal {
    Serve,
    Worst,
    Hold(f64),
}

/// Solves the assignment LP for the open set `open`.
pub(crate) fn assign(pb: &Problem, params: &Params, open: &[usize]) -> Result<Assigned, Error> {
    let Some(d) = data(pb, params, open) else { return Ok(None) };
    if params.model == Model::Mclp && params.equity.is_some() {
        let Some((t, _, a)) = lp(pb, params, &d, &Goal::Worst)? else { return Ok(None) };
        let t = worst_of(pb, params, &d, &a).min(t);
        return Ok(lp(pb, params, &d, &Goal::Hold(t))?.map(|(cov, _, a)| (t, Some(cov), a)));
    }
    lp(pb, params, &d, &Goal::Serve)
}

fn served(a: &Assignment, i: usize, pb: &Problem, params: &Params) -> f64 {
    a[i].iter()
        .filter(|&&(j, _)| pb.matrix.time(i, j).is_some_and(|t| t <= params.threshold))
        .map(|e| e.1)
        .sum()
}

fn worst_of(pb: &Problem, params: &Params, d: &Data, a: &Assignment) -> f64 {
    members(pb, params, d)
        .iter()
        .map(|(coef, total)| {
            (0..pb.demand.len()).map(|i| coef[i] * served(a, i, pb, params)).sum::<f64>() / total
        })
        .fold(1.0, f64::min)
}

/// Equity members: the coefficient of each point's served share, and the member's coverable total.
fn members(pb: &Problem, params: &Params, d: &Data) -> Vec<(Vec<f64>, f64)> {
    match &params.equity {
        None => Vec::new(),
        Some(Equity::Groups(gs)) => {
            let gs: Vec<usize> = if gs.is_empty() { (0..pb.groups.len()).collect() } else { gs.clone() };
            gs.iter()
                .filter(|&&g| d.coverable[g] > 0.0)
                .map(|&g| (pb.demand.iter().map(|p| p.values[g]).collect(), d.coverable[g]))
                .collect()
        }
        Some(Equity::Districts) => (0..pb.districts.len())
            .filter(|&k| d.district_total[k] > 0.0)
            .map(|k| {
                let coef = (0..pb.demand.len())
                    .map(|i| if pb.demand[i].district == Some(k) { d.weight[i] } else { 0.0 })
                    .collect();
                (coef, d.district_total[k])
            })
            .collect(),
    }
}

fn lp(pb: &Problem, params: &Params, d: &Data, goal: &Goal) -> Result<Assigned, Error> {
    let n = pb.demand.len();
    let th = params.threshold.0;
    let mut rp = RowProblem::default();
    let median = params.model == Model::PMedian;
    let cols: Vec<highs::Col> = d
        .pairs
        .iter()
        .map(|&(i, _, t)| {
            let c = match goal {
                Goal::Worst => 0.0,
                _ if median => d.weight[i] * f64::from(t) / 1000.0,
                _ => d.weight[i],
            };
            rp.add_column(c, 0.0..=1.0)
        })
        .collect();
    let t_col = matches!(goal, Goal::Worst).then(|| rp.add_column(1.0, 0.0..=1.0));
    let mut by_point: Vec<Vec<(highs::Col, f64)>> = vec![Vec::new(); n];
    let mut by_site: Vec<Vec<(highs::Col, f64)>> = vec![Vec::new(); pb.sites.len()];
    for (k, &(i, j, _)) in d.pairs.iter().enumerate() {
        by_point[i].push((cols[k], 1.0));
        if d.visits[i] > 0.0 {
            by_site[j].push((cols[k], d.visits[i]));
        }
    }
    for (row, &must) in by_point.iter().zip(&d.must) {
        if row.is_empty() {
            continue;
        }
        if must {
            rp.add_row(1.0..=1.0, row.iter().copied());
        } else {
            rp.add_row(..=1.0, row.iter().copied());
        }
    }
    for (j, row) in by_site.iter().enumerate() {
        if !row.is_empty() {
            rp.add_row(..=pb.sites[j].capacity.unwrap_or(0.0), row.iter().copied());
        }
    }
    let within = |k: usize| d.pairs[k].2 <= th;
    for &(g, s) in &params.min_share {
        let row: Vec<(highs::Col, f64)> = (0..d.pairs.len())
            .filter(|&k| within(k))
            .map(|k| (cols[k], pb.demand[d.pairs[k].0].values[g]))
            .filter(|e| e.1 != 0.0)
            .collect();
        rp.add_row(s * d.coverable[g].., row);
    }
    for (coef, total) in members(pb, params, d) {
        let mut row: Vec<(highs::Col, f64)> = (0..d.pairs.len())
            .filter(|&k| within(k) && coef[d.pairs[k].0] != 0.0)
            .map(|k| (cols[k], coef[d.pairs[k].0] / total))
            .collect();
        match goal {
            Goal::Worst => {
                row.push((t_col.expect("t column"), -1.0));
                rp.add_row(0.0.., row);
            }
            Goal::Hold(t) => {
                rp.add_row(t - EQUITY_TOL.., row);
            }
            Goal::Serve => {}
        }
    }
    let sense = if median { Sense::Minimise } else { Sense::Maximise };
    let mut model = rp.try_optimise(sense).map_err(|e| Error::Solver(format!("assignment LP: {e:?}")))?;
    model.make_quiet();
    model.set_option("threads", 1);
    let solved = model.try_solve().map_err(|e| Error::Solver(format!("assignment LP: {e:?}")))?;
    match solved.status() {
        HighsModelStatus::Optimal | HighsModelStatus::ModelEmpty => {}
        HighsModelStatus::Infeasible => return Ok(None),
        other => return Err(Error::Solver(format!("assignment LP ended with {other:?}"))),
    }
    let values = solved.get_solution().columns().to_vec();
    let mut a: Assignment = vec![Vec::new(); n];
    for (k, &(i, j, _)) in d.pairs.iter().enumerate() {
        let f = values.get(k).copied().unwrap_or(0.0).clamp(0.0, 1.0);
        if f > 1e-9 {
            a[i].push((j, f));
        }
    }
    Ok(Some((solved.objective_value(), None, a)))
}
