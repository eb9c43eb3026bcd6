//! Greedy construction and swap local search, for every model.
//!
//! The engine keeps, for each relevant demand point, its nearest and second-nearest open site, so that adding a
//! site, dropping one or swapping a pair is scored in one pass over the points (O(n)) without rescanning the
//! open set. The score is lexicographic: first the total shortfall of the constraints (minimum shares, LSCP
//! cover, p-median reach), then the model's objective, then its tiebreak. Capacitated plans are scored with a
//! greedy fractional assignment (points by decreasing weight per visit for MCLP, by decreasing weight for
//! p-median, each filling its nearest open sites' remaining capacity), which gives a feasible assignment and
//! so a lower bound on what the MILP's optimal assignment serves for the same sites. Ties go to the lowest site
//! index; the seed only shuffles the order in which sites are tried for removal.

use std::time::Instant;

use neuvo_model::SplitMix64;

use crate::instance::Instance;
use crate::params::{Equity, Model};
use crate::solution::Assignment;

const NONE: u32 = u32::MAX;

/// A lexicographic score: shortfall of the constraints, objective, tiebreak (in the model's units).
#[derive(Clone, Copy, Debug, PartialEq)]
pub(crate) struct Score {
    pub(crate) penalty: f64,
    pub(crate) primary: f64,
    pub(crate) tiebreak: f64,
}

impl Score {
    /// Components oriented so that larger is better.
    fn key(&self, model: Model) -> [f64; 3] {
        match model {
            Model::Mclp => [-self.penalty, self.primary, self.tiebreak],
            Model::Lscp => [-self.penalty, -self.primary, self.tiebreak],
            Model::PMedian => [-self.penalty, -self.primary, 0.0],
            Model::PCenter => [-self.penalty, -self.primary, -self.tiebreak],
        }
    }

    /// Strictly better, ignoring differences below 1e-9 relative.
    pub(crate) fn better(&self, other: &Score, model: Model) -> bool {
        let (a, b) = (self.key(model), other.key(model));
        for (x, y) in a.iter().zip(&b) {
            let eps = 1e-9 * x.abs().max(y.abs()).max(1.0);
            if x > &(y + eps) {
                return true;
            }
            if x < &(y - eps) {
                return false;
            }
        }
        false
    }
}

/// The heuristic's plan.
#[derive(Clone, Debug)]
pub(crate) struct HeurResult {
    pub(crate) free_open: Vec<usize>,
    pub(crate) score: Score,
    pub(crate) assignment: Option<Assignment>,
}

enum Member {
    Group { k: usize, total: f64 },
    District { d: usize, total: f64 },
}

/// The local-search engine over one instance.
pub(crate) struct Engine<'a> {
    inst: &'a Instance<'a>,
    model: Model,
    /// Relevant demand points.
    pts: Vec<usize>,
    /// Free candidates, and each site's position among them.
    cand: Vec<usize>,
    cand_pos: Vec<usize>,
    /// Time from pts[ip] to cand[c] at `c * np + ip` (NONE: unreachable, or beyond the threshold for coverage).
    col: Vec<u32>,
    open: Vec<bool>,
    free_open: Vec<usize>,
    kind_count: Vec<usize>,
    d1: Vec<u32>,
    c1: Vec<u32>,
    d2: Vec<u32>,
    /// Minimum shares: (constrained index, people needed, coverable people).
    needs: Vec<(usize, f64, f64)>,
    members: Vec<Member>,
    capacitated: bool,
}

impl<'a> Engine<'a> {
    pub(crate) fn new(inst: &'a Instance<'a>) -> Self {
        let pts: Vec<usize> = (0..inst.n).filter(|&i| inst.relevant[i]).collect();
        let np = pts.len();
        let cand = inst.free.clone();
        let mut cand_pos = vec![usize::MAX; inst.m];
        for (c, &j) in cand.iter().enumerate() {
            cand_pos[j] = c;
        }
        let mut col = vec![NONE; cand.len() * np];
        for (ip, &i) in pts.iter().enumerate() {
            for r in &inst.reach[i] {
                let c = cand_pos[r.site as usize];
                if c != usize::MAX {
                    col[c * np + ip] = r.time;
                }
            }
        }
        let params = inst.params;
        let cpos = |g: usize| inst.constrained.iter().position(|&c| c == g).expect("constrained group");
        let needs = params
            .min_share
            .iter()
            .map(|&(g, s)| (cpos(g), s * inst.coverable(g), inst.coverable(g)))
            .collect();
        let members = match &params.equity {
            None => Vec::new(),
            Some(Equity::Groups(gs)) => {
                let gs: Vec<usize> =
                    if gs.is_empty() { (0..inst.pb.groups.len()).collect() } else { gs.clone() };
                gs.iter()
                    .map(|&g| Member::Group { k: cpos(g), total: inst.coverable(g) })
                    .filter(|m| matches!(m, Member::Group { total, .. } if *total > 0.0))
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
                    .map(|d| Member::District { d, total: totals[d] })
                    .collect()
            }
        };
        let mut open = vec![false; inst.m];
        for &j in inst.kept.iter().chain(&inst.required) {
            open[j] = true;
        }
        let mut e = Engine {
            inst,
            model: params.model,
            pts,
            cand,
            cand_pos,
            col,
            open,
            free_open: Vec::new(),
            kind_count: vec![0; inst.kinds.len()],
            d1: vec![NONE; np],
            c1: vec![NONE; np],
            d2: vec![NONE; np],
            needs,
            members,
            capacitated: params.capacitated(),
        };
        e.refresh();
        e
    }

    /// Opens exactly these free sites (on top of the fixed ones).
    pub(crate) fn set(&mut self, free_open: &[usize]) {
        for &j in &self.free_open {
            self.open[j] = false;
        }
        self.kind_count.iter_mut().for_each(|c| *c = 0);
        self.free_open.clear();
        for &j in free_open {
            if !self.open[j] {
                self.open[j] = true;
                self.kind_count[self.inst.kind[j]] += 1;
                self.free_open.push(j);
            }
        }
        self.refresh();
    }

    /// Opens exactly these sites, kept and required ones included only if listed (for explanations).
    pub(crate) fn set_exact(&mut self, open: &[usize]) {
        self.open.iter_mut().for_each(|o| *o = false);
        self.kind_count.iter_mut().for_each(|c| *c = 0);
        self.free_open.clear();
        for &j in open {
            self.open[j] = true;
            if self.inst.is_free[j] {
                self.free_open.push(j);
                self.kind_count[self.inst.kind[j]] += 1;
            }
        }
        self.refresh();
    }

    /// The free candidates the engine may open.
    pub(crate) fn candidates(&self) -> &[usize] {
        &self.cand
    }

    fn refresh(&mut self) {
        for (ip, &i) in self.pts.iter().enumerate() {
            let mut it = self.inst.reach[i].iter().filter(|r| self.open[r.site as usize]);
            let (a, b) = (it.next(), it.next());
            self.d1[ip] = a.map_or(NONE, |r| r.time);
            self.c1[ip] = a.map_or(NONE, |r| r.site);
            self.d2[ip] = b.map_or(NONE, |r| r.time);
        }
    }

    pub(crate) fn free_open(&self) -> &[usize] {
        &self.free_open
    }

    fn can_add(&self, k: usize) -> bool {
        self.inst.free_budget[self.inst.kind[k]].is_none_or(|b| self.kind_count[self.inst.kind[k]] < b)
    }

    fn can_swap(&self, out: usize, k: usize) -> bool {
        self.inst.kind[out] == self.inst.kind[k] || self.can_add(k)
    }

    /// The score of the current plan.
    pub(crate) fn score(&self) -> Score {
        if self.capacitated {
            return self.assign(None).0;
        }
        self.measure(|ip| self.d1[ip], 0)
    }

    fn score_add(&self, k: usize) -> Score {
        if self.capacitated {
            return self.assign(Some((None, k))).0;
        }
        let base = self.cand_pos[k] * self.pts.len();
        self.measure(|ip| self.d1[ip].min(self.col[base + ip]), 1)
    }

    pub(crate) fn score_swap(&self, out: usize, k: usize) -> Score {
        if self.capacitated {
            return self.assign(Some((Some(out), k))).0;
        }
        let base = self.cand_pos[k] * self.pts.len();
        let out = out as u32;
        self.measure(
            |ip| if self.c1[ip] == out { self.d2[ip] } else { self.d1[ip] }.min(self.col[base + ip]),
            0,
        )
    }

    fn score_drop(&self, out: usize) -> Score {
        if self.capacitated {
            let mut e = self.free_open.clone();
            e.retain(|&j| j != out);
            return self.assign_set(&e).0;
        }
        let out = out as u32;
        self.measure(|ip| if self.c1[ip] == out { self.d2[ip] } else { self.d1[ip] }, -1)
    }

    /// Scores an uncapacitated plan given each point's time to its nearest open site; `delta` is the change
    /// in the number of chosen sites.
    fn measure(&self, d: impl Fn(usize) -> u32, delta: i64) -> Score {
        let inst = self.inst;
        let th = inst.params.threshold.0;
        let nk = inst.constrained.len();
        let mut groups = vec![0.0; nk];
        let mut districts = vec![
            0.0;
            if matches!(inst.params.equity, Some(Equity::Districts)) {
                inst.pb.districts.len()
            } else {
                0
            }
        ];
        let (mut cover_w, mut cost, mut max_t, mut unserved, mut uncovered) =
            (0.0, 0.0, 0u32, 0usize, 0usize);
        for (ip, &i) in self.pts.iter().enumerate() {
            let t = d(ip);
            let w = inst.weight[i];
            if t == NONE {
                unserved += usize::from(w > 0.0);
            } else {
                cost += w * f64::from(t);
                max_t = max_t.max(t);
            }
            if t <= th {
                cover_w += w;
                let v = &inst.pb.demand[i].values;
                for (k, &g) in inst.constrained.iter().enumerate() {
                    groups[k] += v[g];
                }
                if !districts.is_empty()
                    && let Some(dd) = inst.pb.demand[i].district
                {
                    districts[dd] += w;
                }
            } else {
                uncovered += 1;
            }
        }
        let shortfall = self.shortfall(&groups);
        let chosen = (self.free_open.len() as i64 + delta) as f64 + inst.required.len() as f64;
        match self.model {
            Model::Mclp => match inst.params.equity {
                Some(_) => {
                    Score { penalty: shortfall, primary: self.worst(&groups, &districts), tiebreak: cover_w }
                }
                None => Score { penalty: shortfall, primary: cover_w, tiebreak: 0.0 },
            },
            Model::Lscp => {
                let penalty = if inst.params.min_share.is_empty() { uncovered as f64 } else { shortfall };
                Score { penalty, primary: chosen, tiebreak: cover_w }
            }
            Model::PMedian => {
                Score { penalty: unserved as f64 + shortfall, primary: cost / 1000.0, tiebreak: 0.0 }
            }
            Model::PCenter => Score {
                penalty: unserved as f64,
                primary: f64::from(max_t) / 1000.0,
                tiebreak: cost / 1000.0,
            },
        }
    }

    fn shortfall(&self, groups: &[f64]) -> f64 {
        self.needs
            .iter()
            .map(|&(k, need, total)| ((need - groups[k]) / total.max(1e-300)).max(0.0))
            .sum::<f64>()
    }

    fn worst(&self, groups: &[f64], districts: &[f64]) -> f64 {
        self.members
            .iter()
            .map(|m| match *m {
                Member::Group { k, total } => groups[k] / total,
                Member::District { d, total } => districts[d] / total,
            })
            .fold(1.0, f64::min)
    }

    /// Capacitated score of the current plan changed by `(out, in)`.
    fn assign(&self, change: Option<(Option<usize>, usize)>) -> (Score, Option<Assignment>) {
        let mut set = self.free_open.clone();
        if let Some((out, k)) = change {
            set.retain(|&j| Some(j) != out);
            set.push(k);
        }
        self.assign_set(&set)
    }

    /// Greedy fractional assignment of the plan opening these free sites (and the fixed ones).
    fn assign_set(&self, free_open: &[usize]) -> (Score, Option<Assignment>) {
        let inst = self.inst;
        let mut open = vec![false; inst.m];
        for &j in inst.kept.iter().chain(&inst.required).chain(free_open) {
            open[j] = true;
        }
        let mut resid: Vec<f64> = inst.pb.sites.iter().map(|s| s.capacity.unwrap_or(0.0)).collect();
        let mut order: Vec<usize> = self.pts.clone();
        let key = |i: usize| match self.model {
            Model::PMedian => inst.weight[i],
            _ if inst.visits[i] > 0.0 => inst.weight[i] / inst.visits[i],
            _ => f64::INFINITY,
        };
        order.sort_by(|&a, &b| key(b).total_cmp(&key(a)).then(a.cmp(&b)));
        let th = inst.params.threshold.0;
        let nk = inst.constrained.len();
        let mut groups = vec![0.0; nk];
        let mut districts = vec![0.0; inst.pb.districts.len()];
        let (mut cover_w, mut cost, mut short) = (0.0, 0.0, 0.0);
        let mut a: Assignment = vec![Vec::new(); inst.n];
        for &i in &order {
            let v = inst.visits[i];
            let mut left = 1.0f64;
            let mut within = 0.0;
            for r in inst.reach[i].iter().filter(|r| open[r.site as usize]) {
                if left <= 1e-12 {
                    break;
                }
                let j = r.site as usize;
                let f = if v > 0.0 { left.min(resid[j] / v) } else { left };
                if f <= 1e-12 {
                    continue;
                }
                resid[j] -= f * v;
                left -= f;
                if r.time <= th {
                    within += f;
                }
                cost += inst.weight[i] * f64::from(r.time) * f;
                a[i].push((j, f));
            }
            if self.model == Model::PMedian && left > 1e-9 && (inst.weight[i] > 0.0 || v > 0.0) {
                short += left;
            }
            cover_w += inst.weight[i] * within;
            let vals = &inst.pb.demand[i].values;
            for (k, &g) in inst.constrained.iter().enumerate() {
                groups[k] += vals[g] * within;
            }
            if let Some(d) = inst.pb.demand[i].district {
                districts[d] += inst.weight[i] * within;
            }
        }
        let penalty = short + self.shortfall(&groups);
        let score = match (self.model, &inst.params.equity) {
            (Model::PMedian, _) => Score { penalty, primary: cost / 1000.0, tiebreak: 0.0 },
            (_, Some(_)) => Score { penalty, primary: self.worst(&groups, &districts), tiebreak: cover_w },
            _ => Score { penalty, primary: cover_w, tiebreak: 0.0 },
        };
        (score, Some(a))
    }

    /// The assignment of the current plan (capacitated runs).
    pub(crate) fn assignment(&self) -> Option<Assignment> {
        if self.capacitated { self.assign(None).1 } else { None }
    }

    fn addable(&self) -> Vec<usize> {
        self.cand.iter().copied().filter(|&k| !self.open[k] && self.can_add(k)).collect()
    }

    /// Adds the best site (lowest index among equals); None when nothing can be added.
    fn add_best(&mut self) -> Option<Score> {
        let mut best: Option<(Score, usize)> = None;
        for k in self.addable() {
            let s = self.score_add(k);
            if best.as_ref().is_none_or(|(b, _)| s.better(b, self.model)) {
                best = Some((s, k));
            }
        }
        let (s, k) = best?;
        self.open[k] = true;
        self.kind_count[self.inst.kind[k]] += 1;
        self.free_open.push(k);
        self.refresh();
        Some(s)
    }

    /// Greedy construction: up to p new sites, or for LSCP until the constraints hold.
    pub(crate) fn construct(&mut self) {
        if self.model == Model::Lscp {
            let mut cur = self.score();
            while cur.penalty > 1e-12 {
                match self.add_best() {
                    Some(s) if s.penalty < cur.penalty - 1e-12 => cur = s,
                    Some(_) => {
                        // No site reduces the shortfall: undo the last add and stop.
                        let k = self.free_open.pop().expect("just added");
                        self.open[k] = false;
                        self.kind_count[self.inst.kind[k]] -= 1;
                        self.refresh();
                        break;
                    }
                    None => break,
                }
            }
            self.drop_redundant();
        } else {
            while self.free_open.len() < self.inst.new_free {
                if self.add_best().is_none() {
                    break;
                }
            }
        }
    }

    /// LSCP: removes chosen sites, last added first, while the constraints still hold.
    fn drop_redundant(&mut self) {
        let cur = self.score();
        if cur.penalty > 1e-12 {
            return;
        }
        for j in self.free_open.clone().into_iter().rev() {
            let s = self.score_drop(j);
            if s.penalty <= 1e-12 {
                self.free_open.retain(|&x| x != j);
                self.open[j] = false;
                self.kind_count[self.inst.kind[j]] -= 1;
                self.refresh();
            }
        }
    }

    /// Swap local search: for each chosen site in turn (seeded order), the best replacement if it improves the
    /// score; until a pass finds nothing or the deadline.
    pub(crate) fn swap_search(&mut self, seed: u64, deadline: Instant) {
        let mut rng = SplitMix64::new(seed);
        let mut cur = self.score();
        loop {
            let mut order = self.free_open.clone();
            order.sort_unstable();
            for i in (1..order.len()).rev() {
                order.swap(i, rng.below(i as u64 + 1) as usize);
            }
            let mut improved = false;
            for out in order {
                if Instant::now() >= deadline {
                    return;
                }
                let mut best: Option<(Score, usize)> = None;
                for &k in &self.cand {
                    if self.open[k] || !self.can_swap(out, k) {
                        continue;
                    }
                    let s = self.score_swap(out, k);
                    if s.better(best.as_ref().map_or(&cur, |b| &b.0), self.model) {
                        best = Some((s, k));
                    }
                }
                if let Some((s, k)) = best {
                    self.open[out] = false;
                    self.kind_count[self.inst.kind[out]] -= 1;
                    self.free_open.retain(|&x| x != out);
                    self.open[k] = true;
                    self.kind_count[self.inst.kind[k]] += 1;
                    self.free_open.push(k);
                    self.refresh();
                    cur = s;
                    improved = true;
                }
            }
            if !improved {
                return;
            }
        }
    }
}

/// Greedy + swap from the kept and required sites.
pub(crate) fn run(inst: &Instance, seed: u64, deadline: Instant) -> HeurResult {
    let mut e = Engine::new(inst);
    e.construct();
    e.swap_search(seed, deadline);
    let mut free_open = e.free_open().to_vec();
    free_open.sort_unstable();
    HeurResult { free_open, score: e.score(), assignment: e.assignment() }
}

/// Only the greedy construction (no swaps): seeds p-median's lazy levels in exact runs, and tests the greedy
/// bound.
pub(crate) fn greedy(inst: &Instance) -> HeurResult {
    let mut e = Engine::new(inst);
    e.construct();
    let mut free_open = e.free_open().to_vec();
    free_open.sort_unstable();
    HeurResult { free_open, score: e.score(), assignment: e.assignment() }
}

/// Fills a plan up to p new sites (budgets allowing), best score first; returns the plan sorted.
pub(crate) fn fill(inst: &Instance, free_open: &[usize]) -> Vec<usize> {
    let mut out = free_open.to_vec();
    if inst.params.model != Model::Lscp && out.len() < inst.new_free {
        let mut e = Engine::new(inst);
        e.set(free_open);
        while e.free_open().len() < inst.new_free {
            if e.add_best().is_none() {
                break;
            }
        }
        out = e.free_open().to_vec();
    }
    out.sort_unstable();
    out
}

/// The score of a plan (uncapacitated: exact; capacitated: greedy assignment).
pub(crate) fn score_of(inst: &Instance, free_open: &[usize]) -> Score {
    let mut e = Engine::new(inst);
    e.set(free_open);
    e.score()
}

/// Greedy set cover for p-center feasibility: covers every relevant point (of `points`, when given) within
/// `radius` with at most `limit` free sites (budgets kept), or None.
pub(crate) fn greedy_cover(
    inst: &Instance,
    radius: u32,
    limit: usize,
    points: Option<&[bool]>,
) -> Option<Vec<usize>> {
    let mut uncovered: Vec<bool> = (0..inst.n)
        .map(|i| {
            inst.relevant[i]
                && points.is_none_or(|p| p[i])
                && !inst.reach[i].iter().take_while(|r| r.time <= radius).any(|r| inst.fixed[r.site as usize])
        })
        .collect();
    let mut left = uncovered.iter().filter(|&&u| u).count();
    let mut covers: Vec<Vec<usize>> = vec![Vec::new(); inst.m];
    for i in (0..inst.n).filter(|&i| uncovered[i]) {
        for r in inst.reach[i].iter().take_while(|r| r.time <= radius) {
            if inst.is_free[r.site as usize] {
                covers[r.site as usize].push(i);
            }
        }
    }
    let mut kind_count = vec![0usize; inst.kinds.len()];
    let mut chosen = Vec::new();
    while left > 0 && chosen.len() < limit {
        let mut best: Option<(usize, usize)> = None;
        for &k in &inst.free {
            if chosen.contains(&k)
                || inst.free_budget[inst.kind[k]].is_some_and(|b| kind_count[inst.kind[k]] >= b)
            {
                continue;
            }
            let gain = covers[k].iter().filter(|&&i| uncovered[i]).count();
            if gain > 0 && best.is_none_or(|(g, _)| gain > g) {
                best = Some((gain, k));
            }
        }
        let (_, k) = best?;
        for &i in &covers[k] {
            if uncovered[i] {
                uncovered[i] = false;
                left -= 1;
            }
        }
        kind_count[inst.kind[k]] += 1;
        chosen.push(k);
    }
    (left == 0).then(|| {
        chosen.sort_unstable();
        chosen
    })
}
