//! Why each open site is in the plan: whom it covers, what it adds, what dropping it costs, and what could
//! replace it.

use neuvo_model::SiteStatus;
use serde::{Deserialize, Serialize};

use crate::error::Error;
use crate::evaluate::evaluate;
use crate::heuristic::{Engine, Score};
use crate::instance::Instance;
use crate::params::{Model, Params};
use crate::problem::Problem;
use crate::solution::Solution;
use crate::validate::validate;

/// The best candidate outside the plan to swap in for a site.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct RunnerUp {
    /// The candidate's index.
    pub site: usize,
    /// Its id.
    pub id: String,
    /// The explanation objective of the plan with the swap (see [`explain`]).
    pub objective: f64,
}

/// One open site's part in a plan. People figures are per group, in the order of the problem's groups.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SiteExplanation {
    /// The site's index.
    pub site: usize,
    /// Its id.
    pub id: String,
    /// A kept site (open in every plan).
    pub kept: bool,
    /// A required candidate.
    pub required: bool,
    /// People within the threshold of the site.
    pub covered: Vec<f64>,
    /// People whose nearest open site it is (ties go to the lowest index).
    pub nearest_for: Vec<f64>,
    /// People within the threshold of this site and of no other open site.
    pub unique: Vec<f64>,
    /// The objective gained when the site was added, rebuilding the plan greedily from the kept sites (None for
    /// kept sites, and when the objective before was undefined: some demand reached no open site).
    pub marginal_gain: Option<f64>,
    /// The site's place in that greedy order (1 = added first; None for kept sites).
    pub greedy_rank: Option<usize>,
    /// How much the objective worsens when the site alone is dropped (positive = a loss, for maximised and
    /// minimised objectives alike); None when dropping it leaves demand that reaches no open site.
    pub loss_if_dropped: Option<f64>,
    /// The best candidate not in the plan to swap in for the site (budgets kept); None for kept sites.
    pub runner_up: Option<RunnerUp>,
}

/// Explains every open site of `solution`.
///
/// The explanation objective is uncapacitated and free of side constraints: weighted coverage for MCLP and
/// LSCP (for LSCP the number of sites says nothing about a single site), person-seconds for p-median and the
/// longest time in seconds for p-center. Gains and losses are signed so that positive is better.
pub fn explain(pb: &Problem, params: &Params, solution: &Solution) -> Result<Vec<SiteExplanation>, Error> {
    validate(pb, params)?;
    let model = if params.model == Model::Lscp { Model::Mclp } else { params.model };
    let plain = Params {
        model,
        min_share: Vec::new(),
        equity: None,
        visits_per_person: None,
        p: params.p.min(pb.sites.iter().filter(|s| s.status == SiteStatus::Candidate).count()),
        ..params.clone()
    };
    let inst = Instance::new(pb, &plain);
    let mut engine = Engine::new(&inst);
    let open = solution.open.clone();
    let maximise = model == Model::Mclp;
    // A plan's explanation objective, None when some demand reaches no open site (p-median, p-center).
    let value_of = |s: Score| (s.penalty <= 1e-9 || maximise).then_some(s.primary);
    let value = |engine: &mut Engine, set: &[usize]| {
        engine.set_exact(set);
        value_of(engine.score())
    };
    let signed = |after: f64, before: f64| if maximise { after - before } else { before - after };

    // Greedy rebuild from the kept sites.
    let mut current: Vec<usize> =
        open.iter().copied().filter(|&j| pb.sites[j].status == SiteStatus::Kept).collect();
    let mut left: Vec<usize> =
        open.iter().copied().filter(|&j| pb.sites[j].status != SiteStatus::Kept).collect();
    let mut gains: Vec<(usize, Option<f64>, usize)> = Vec::new();
    let mut before = value(&mut engine, &current);
    let mut rank = 0;
    while !left.is_empty() {
        rank += 1;
        let mut best: Option<(usize, Score)> = None;
        for &j in &left {
            let mut set = current.clone();
            set.push(j);
            engine.set_exact(&set);
            let s = engine.score();
            if best.as_ref().is_none_or(|b| s.better(&b.1, model)) {
                best = Some((j, s));
            }
        }
        let (j, s) = best.expect("a site left");
        let after = value_of(s);
        gains.push((j, before.zip(after).map(|(b, a)| signed(a, b)), rank));
        current.push(j);
        left.retain(|&x| x != j);
        before = after;
    }

    let full = value(&mut engine, &open);
    let e = evaluate(pb, &plain, &open);
    let th = params.threshold;
    let ng = pb.groups.len();
    let mut out = Vec::with_capacity(open.len());
    for &j in &open {
        let site = &pb.sites[j];
        let kept = site.status == SiteStatus::Kept;
        let (mut covered, mut nearest_for, mut unique) = (vec![0.0; ng], vec![0.0; ng], vec![0.0; ng]);
        for (i, d) in pb.demand.iter().enumerate() {
            let near = |k: usize| pb.matrix.time(i, k).is_some_and(|t| t <= th);
            if near(j) {
                let others = open.iter().any(|&k| k != j && near(k));
                for g in 0..ng {
                    covered[g] += d.values[g];
                    if !others {
                        unique[g] += d.values[g];
                    }
                }
            }
            if e.nearest[i].is_some_and(|n| n.site == j) {
                for (a, v) in nearest_for.iter_mut().zip(&d.values) {
                    *a += v;
                }
            }
        }
        let rest: Vec<usize> = open.iter().copied().filter(|&k| k != j).collect();
        let without = value(&mut engine, &rest);
        let loss_if_dropped = full.zip(without).map(|(f, w)| signed(f, w));
        let runner_up = if kept {
            None
        } else {
            engine.set_exact(&open);
            let mut chosen_of_kind = vec![0usize; inst.kinds.len()];
            for &k in open.iter().filter(|&&k| pb.sites[k].status == SiteStatus::Candidate) {
                chosen_of_kind[inst.kind[k]] += 1;
            }
            let budget = |kind: &str| params.budgets.iter().find(|(k, _)| k == kind).map(|b| b.1);
            let mut best: Option<(usize, Score)> = None;
            for &k in engine.candidates() {
                if open.contains(&k) {
                    continue;
                }
                let fits = inst.kind[k] == inst.kind[j]
                    || budget(&pb.sites[k].kind).is_none_or(|b| chosen_of_kind[inst.kind[k]] < b);
                if !fits {
                    continue;
                }
                let s = engine.score_swap(j, k);
                if best.as_ref().is_none_or(|b| s.better(&b.1, model)) {
                    best = Some((k, s));
                }
            }
            best.map(|(k, s)| RunnerUp {
                site: k,
                id: pb.sites[k].id.clone(),
                objective: value_of(s).unwrap_or(f64::INFINITY),
            })
        };
        let g = gains.iter().find(|g| g.0 == j);
        out.push(SiteExplanation {
            site: j,
            id: site.id.clone(),
            kept,
            required: site.required && site.status == SiteStatus::Candidate,
            covered,
            nearest_for,
            unique,
            marginal_gain: g.and_then(|g| g.1),
            greedy_rank: g.map(|g| g.2),
            loss_if_dropped,
            runner_up,
        });
    }
    Ok(out)
}
