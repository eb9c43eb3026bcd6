//! The solver's view of a validated problem: weights, site classes, sorted reach lists and exclusions.

use neuvo_model::{Millis, SiteStatus};

use crate::params::{Equity, Model, Params};
use crate::problem::Problem;
use crate::solution::{Excluded, ExclusionReason};
use crate::validate::budget_map;

/// An allowed site reachable from a demand point.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) struct Reach {
    pub(crate) time: u32,
    pub(crate) site: u32,
}

/// A validated problem prepared for the solvers.
pub(crate) struct Instance<'a> {
    pub(crate) pb: &'a Problem,
    pub(crate) params: &'a Params,
    pub(crate) n: usize,
    pub(crate) m: usize,
    /// Σ_g w_g × people_g per demand point.
    pub(crate) weight: Vec<f64>,
    /// Σ_g rate_g × people_g per demand point (zeros when uncapacitated).
    pub(crate) visits: Vec<f64>,
    /// Per site: open in every plan (kept, or a required candidate).
    pub(crate) fixed: Vec<bool>,
    pub(crate) kept: Vec<usize>,
    pub(crate) required: Vec<usize>,
    /// Candidates that are not required: the sites the solvers choose among.
    pub(crate) free: Vec<usize>,
    pub(crate) is_free: Vec<bool>,
    /// Per site: its kind's index into `kinds`.
    pub(crate) kind: Vec<usize>,
    pub(crate) kinds: Vec<String>,
    /// Per kind: how many more free sites of that kind may be chosen (None = no budget).
    pub(crate) free_budget: Vec<Option<usize>>,
    /// How many free sites the p-models choose: p − required.
    pub(crate) new_free: usize,
    /// Per demand point: the allowed sites it reaches, by (time, site). Coverage models keep only the sites
    /// within the threshold.
    pub(crate) reach: Vec<Vec<Reach>>,
    /// Per demand point: how many entries of `reach` are within the threshold.
    pub(crate) ncover: Vec<usize>,
    pub(crate) included: Vec<bool>,
    /// Included points that matter to the model: positive weight, or people in a constrained group.
    pub(crate) relevant: Vec<bool>,
    pub(crate) excluded: Vec<Excluded>,
    /// Groups with a min_share or in the equity set.
    pub(crate) constrained: Vec<usize>,
}

impl<'a> Instance<'a> {
    /// Prepares a problem that passed validation.
    pub(crate) fn new(pb: &'a Problem, params: &'a Params) -> Self {
        let n = pb.demand.len();
        let m = pb.sites.len();
        let model = params.model;
        let weight: Vec<f64> = pb
            .demand
            .iter()
            .map(|d| d.values.iter().enumerate().map(|(g, v)| params.weight_of(g) * v).sum())
            .collect();
        let visits: Vec<f64> = match &params.visits_per_person {
            Some(r) => pb.demand.iter().map(|d| d.values.iter().zip(r).map(|(v, r)| v * r).sum()).collect(),
            None => vec![0.0; n],
        };
        let mut kinds: Vec<String> = Vec::new();
        let kind: Vec<usize> = pb
            .sites
            .iter()
            .map(|s| match kinds.iter().position(|k| *k == s.kind) {
                Some(k) => k,
                None => {
                    kinds.push(s.kind.clone());
                    kinds.len() - 1
                }
            })
            .collect();
        let budgets = budget_map(params);
        let mut kept = Vec::new();
        let mut required = Vec::new();
        let mut free = Vec::new();
        let mut fixed = vec![false; m];
        let mut is_free = vec![false; m];
        for (j, s) in pb.sites.iter().enumerate() {
            match s.status {
                SiteStatus::Kept => {
                    kept.push(j);
                    fixed[j] = true;
                }
                SiteStatus::Candidate if s.required => {
                    required.push(j);
                    fixed[j] = true;
                }
                SiteStatus::Candidate => {
                    free.push(j);
                    is_free[j] = true;
                }
                SiteStatus::Closed => {}
            }
        }
        let free_budget: Vec<Option<usize>> = kinds
            .iter()
            .enumerate()
            .map(|(k, name)| {
                budgets
                    .get(name.as_str())
                    .map(|&b| b.saturating_sub(required.iter().filter(|&&j| kind[j] == k).count()))
            })
            .collect();
        let new_free = if model == Model::Lscp { 0 } else { params.p.saturating_sub(required.len()) };

        let mut constrained: Vec<usize> = params.min_share.iter().map(|&(g, _)| g).collect();
        if let Some(Equity::Groups(gs)) = &params.equity {
            if gs.is_empty() {
                constrained.extend(0..pb.groups.len());
            } else {
                constrained.extend(gs.iter().copied());
            }
        }
        constrained.sort_unstable();
        constrained.dedup();

        let allowed: Vec<usize> = (0..m).filter(|&j| fixed[j] || is_free[j]).collect();
        let th = params.threshold.0;
        let mut reach = Vec::with_capacity(n);
        let mut ncover = Vec::with_capacity(n);
        let mut included = vec![false; n];
        let mut relevant = vec![false; n];
        let mut excluded = Vec::new();
        for i in 0..n {
            let mut row = Vec::new();
            let mut nearest: Option<u32> = None;
            for &j in &allowed {
                if let Some(t) = pb.matrix.time(i, j) {
                    nearest = Some(nearest.map_or(t.0, |x: u32| x.min(t.0)));
                    if !model.is_coverage() || t.0 <= th {
                        row.push(Reach { time: t.0, site: j as u32 });
                    }
                }
            }
            row.sort_unstable();
            let nc = row.partition_point(|r| r.time <= th);
            let people = pb.demand[i].values.iter().any(|&v| v > 0.0);
            let ok = if model.is_coverage() { nc > 0 } else { !row.is_empty() };
            if ok {
                included[i] = true;
                let in_constrained = constrained.iter().any(|&g| pb.demand[i].values[g] > 0.0);
                let must_assign = model == Model::PMedian && visits[i] > 0.0;
                // LSCP covers every coverable point, whatever its weight (unless minimum shares replace that).
                let must_cover = model == Model::Lscp && params.min_share.is_empty();
                relevant[i] = weight[i] > 0.0
                    || must_assign
                    || must_cover
                    || (in_constrained && model != Model::PCenter);
            } else if people {
                let reason = match nearest {
                    None => ExclusionReason::NoAllowedSiteReachable,
                    Some(t) => ExclusionReason::NoAllowedSiteWithinThreshold { nearest: Millis(t) },
                };
                excluded.push(Excluded { point: i, reason });
            }
            reach.push(row);
            ncover.push(nc);
        }
        Self {
            pb,
            params,
            n,
            m,
            weight,
            visits,
            fixed,
            kept,
            required,
            free,
            is_free,
            kind,
            kinds,
            free_budget,
            new_free,
            reach,
            ncover,
            included,
            relevant,
            excluded,
            constrained,
        }
    }

    /// The people of group `g` at points that some allowed site covers (the denominator of shares).
    pub(crate) fn coverable(&self, g: usize) -> f64 {
        (0..self.n).filter(|&i| self.ncover[i] > 0).map(|i| self.pb.demand[i].values[g]).sum()
    }

    /// The largest number of free sites the budgets allow.
    pub(crate) fn max_free_choosable(&self) -> usize {
        (0..self.kinds.len())
            .map(|k| {
                let have = self.free.iter().filter(|&&j| self.kind[j] == k).count();
                self.free_budget[k].map_or(have, |b| b.min(have))
            })
            .sum()
    }

    /// Chosen sites (sorted) from a set of open free sites: required plus those.
    pub(crate) fn chosen_with(&self, free_open: &[usize]) -> Vec<usize> {
        let mut c: Vec<usize> = self.required.iter().chain(free_open).copied().collect();
        c.sort_unstable();
        c
    }

    /// All open sites (sorted): kept, required and the given free sites.
    pub(crate) fn open_with(&self, free_open: &[usize]) -> Vec<usize> {
        let mut o: Vec<usize> = self.kept.iter().chain(&self.required).chain(free_open).copied().collect();
        o.sort_unstable();
        o.dedup();
        o
    }
}
