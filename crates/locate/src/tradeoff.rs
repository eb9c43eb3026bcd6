//! How the objective changes with the number of new sites, and where adding more stops paying (the knee).

use std::time::Instant;

use serde::{Deserialize, Serialize};

use crate::error::{Error, Issue, IssueCode};
use crate::evaluate::evaluate;
use crate::params::{Model, Params};
use crate::problem::Problem;
use crate::solution::Status;
use crate::solve::solve;
use crate::validate::validate;

/// One number of new sites and its plan.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct TradeoffRow {
    /// The number of new sites (0 = kept sites only).
    pub p: usize,
    /// The objective, None when this p has no feasible plan.
    pub objective: Option<f64>,
    /// Per group, covered share of the coverable people (within the threshold, capacities ignored).
    pub shares: Vec<f64>,
    /// The chosen sites' ids.
    pub chosen: Vec<String>,
    /// How good the plan is known to be.
    pub status: Option<Status>,
    /// The relative gap, when the MILP gave one.
    pub gap: Option<f64>,
    /// Seconds spent on this row.
    pub seconds: f64,
    /// Why there is no plan, when there is none.
    pub error: Option<String>,
}

/// The objective for p = first … max_p, and the knee.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Tradeoff {
    /// One row per p, from the number of required sites (0 when none) up to `max_p`.
    pub rows: Vec<TradeoffRow>,
    /// The p at the knee of the curve (see [`knee`]), when there is one.
    pub knee: Option<usize>,
}

/// Solves the model for every p from the number of required candidates (0 = kept sites only) to `max_p`; each
/// row gets the whole `time_limit_s`. Not for LSCP, which has no p.
pub fn tradeoff(pb: &Problem, params: &Params, max_p: usize) -> Result<Tradeoff, Error> {
    let top = Params { p: max_p, ..params.clone() };
    validate(pb, &top)?;
    if params.model == Model::Lscp {
        return Err(Error::Invalid(vec![Issue::new(
            IssueCode::UnsupportedOption,
            "a tradeoff over p is not available with lscp",
            "use mclp, p_median or p_center",
        )]));
    }
    let required =
        pb.sites.iter().filter(|s| s.required && s.status == neuvo_model::SiteStatus::Candidate).count();
    let mut rows = Vec::new();
    for p in required..=max_p {
        let start = Instant::now();
        let row_params = Params { p, ..params.clone() };
        rows.push(match solve(pb, &row_params) {
            Ok(sol) => {
                let e = evaluate(pb, &row_params, &sol.open);
                TradeoffRow {
                    p,
                    objective: Some(sol.objective),
                    shares: e.groups.iter().map(|g| g.share).collect(),
                    chosen: sol.chosen.iter().map(|&j| pb.sites[j].id.clone()).collect(),
                    status: Some(sol.status),
                    gap: sol.gap,
                    seconds: start.elapsed().as_secs_f64(),
                    error: None,
                }
            }
            Err(e @ (Error::Infeasible { .. } | Error::Solver(_))) => TradeoffRow {
                p,
                objective: None,
                shares: Vec::new(),
                chosen: Vec::new(),
                status: None,
                gap: None,
                seconds: start.elapsed().as_secs_f64(),
                error: Some(e.to_string()),
            },
            Err(e) => return Err(e),
        });
    }
    let points: Vec<(usize, f64)> = rows.iter().filter_map(|r| r.objective.map(|o| (r.p, o))).collect();
    Ok(Tradeoff { knee: knee(&points), rows })
}

/// The knee of a curve of `(p, objective)` points (Kneedle-style, Satopää et al. 2011): both axes are scaled to
/// 0..=1 and the knee is the point farthest from the chord between the first and the last point. None with
/// fewer than three points, a flat curve, or a straight one. Ties go to the smaller p.
pub fn knee(points: &[(usize, f64)]) -> Option<usize> {
    if points.len() < 3 {
        return None;
    }
    let (x0, x1) = (points[0].0 as f64, points[points.len() - 1].0 as f64);
    let lo = points.iter().map(|p| p.1).fold(f64::INFINITY, f64::min);
    let hi = points.iter().map(|p| p.1).fold(f64::NEG_INFINITY, f64::max);
    if x1 <= x0 || hi.partial_cmp(&lo) != Some(std::cmp::Ordering::Greater) {
        return None;
    }
    let norm = |&(x, y): &(usize, f64)| ((x as f64 - x0) / (x1 - x0), (y - lo) / (hi - lo));
    let (ax, ay) = norm(&points[0]);
    let (bx, by) = norm(&points[points.len() - 1]);
    let len = ((bx - ax).powi(2) + (by - ay).powi(2)).sqrt();
    let mut best: Option<(usize, f64)> = None;
    for p in points {
        let (x, y) = norm(p);
        let d = ((bx - ax) * (ay - y) - (ax - x) * (by - ay)).abs() / len;
        if d > 1e-9 && best.is_none_or(|b| d > b.1 + 1e-12) {
            best = Some((p.0, d));
        }
    }
    best.map(|b| b.0)
}
