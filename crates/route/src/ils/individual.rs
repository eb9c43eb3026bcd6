//! Solutions as the iterated local search keeps them, with their cost parts, and the adaptive penalties.

use super::data::{Data, Seg};
use super::ls::Penalties;

/// A solution as the genetic algorithm sees it: one list of client nodes per advisor, with its cost parts.
#[derive(Clone, Debug)]
pub(crate) struct Individual {
    pub(crate) routes: Vec<Vec<usize>>,
    /// Cost without penalties for violations (travel, fixed, preference, balance, optional visits left out).
    pub(crate) base: i64,
    pub(crate) load_excess: i64,
    pub(crate) time_excess: i64,
    /// Required visits (that can be served at all) missing.
    pub(crate) missing: usize,
}

impl Individual {
    pub(crate) fn new(d: &Data, routes: Vec<Vec<usize>>) -> Individual {
        let mut base = 0;
        let mut load_excess = 0;
        let mut time_excess = 0;
        let mut served = vec![false; d.members.len()];
        for (k, r) in routes.iter().enumerate() {
            for &u in r {
                served[d.group[u]] = true;
            }
            if !r.iter().any(|&u| d.is_visit(u)) {
                continue;
            }
            let prof = d.profile[k];
            let mut last = d.start(k);
            let mut seg = d.seg[last];
            let mut load = 0;
            for &u in r {
                base += d.pref(u, k);
                if d.is_real(u) {
                    base += d.cost(prof, last, u);
                    seg = Seg::merge(&seg, &d.seg[u], d.dur(prof, last, u));
                    last = u;
                } else {
                    seg = Seg::merge(&seg, &d.seg[u], 0);
                }
                load += d.demand[u];
            }
            let end = d.end(k);
            base += d.cost(prof, last, end) + d.fixed[k];
            seg = Seg::merge(&seg, &d.seg[end], d.dur(prof, last, end));
            base += d.balance(seg.duration);
            load_excess += (load - d.capacity[k]).max(0);
            time_excess += seg.time_warp + (seg.duration - d.max_work[k]).max(0);
        }
        let mut missing = 0;
        for (g, &was_served) in served.iter().enumerate() {
            if !was_served && d.servable[g] {
                if d.required[g] {
                    missing += 1;
                } else {
                    base += d.penalty[g];
                }
            }
        }
        Individual { routes, base, load_excess, time_excess, missing }
    }

    pub(crate) fn feasible(&self) -> bool {
        self.load_excess == 0 && self.time_excess == 0 && self.missing == 0
    }

    pub(crate) fn cost(&self, pen: &Penalties) -> i64 {
        self.base + pen.load * self.load_excess + pen.tw * self.time_excess + self.missing as i64 * (1 << 40)
    }
}

/// Adaptive penalty weights, per unit of time warp (and overtime) and of excess load. They start high, so the
/// search begins among feasible plans, and move every `between` registered solutions towards a target share of
/// feasible ones: up by 1.5 when too few are feasible, down by 0.9 when too many are (PyVRP 0.14's values).
pub(crate) struct PenaltyManager {
    pub(crate) pen: Penalties,
    weights: [f64; 2],
    feasible: [usize; 2],
    seen: usize,
}

impl PenaltyManager {
    const MIN: f64 = 1.0;
    const MAX: f64 = 100_000.0;
    const TARGET: f64 = 0.65;
    const TOLERANCE: f64 = 0.05;
    const BETWEEN: usize = 500;

    pub(crate) fn new() -> Self {
        let mid = Self::MIN + (Self::MAX - Self::MIN) / 2.0;
        PenaltyManager {
            pen: Penalties { tw: mid as i64, load: mid as i64 },
            weights: [mid, mid],
            feasible: [0, 0],
            seen: 0,
        }
    }

    /// The highest penalties, for the first local search.
    pub(crate) fn max() -> Penalties {
        Penalties { tw: Self::MAX as i64, load: Self::MAX as i64 }
    }

    pub(crate) fn register(&mut self, ind: &Individual) {
        self.feasible[0] += usize::from(ind.time_excess == 0);
        self.feasible[1] += usize::from(ind.load_excess == 0);
        self.seen += 1;
        if self.seen < Self::BETWEEN {
            return;
        }
        for (w, f) in self.weights.iter_mut().zip(self.feasible) {
            let diff = Self::TARGET - f as f64 / self.seen as f64;
            if diff.abs() >= Self::TOLERANCE {
                *w = (*w * if diff > 0.0 { 1.5 } else { 0.9 }).clamp(Self::MIN, Self::MAX);
            }
        }
        self.feasible = [0, 0];
        self.seen = 0;
        self.pen = Penalties { tw: self.weights[0].round() as i64, load: self.weights[1].round() as i64 };
    }
}
