//! The solver's flat view of a [`Problem`]: nodes, time segments, compatibility bitsets and neighbourhoods.
//!
//! Nodes `0..n` are *alternatives*: one per (visit, time window), so that a visit with several windows is a
//! group of nodes of which exactly one (required visits) or at most one (optional visits) is routed; then one
//! node per advisor's break (group numbers after the visits'), bound to its advisor and *transparent*: a break
//! is taken where the advisor is, so travel runs from the last real stop before it to the first real stop after
//! it. Nodes `n + 2k` and `n + 2k + 1` are the start and end of advisor `k`.

use crate::problem::{NEVER, Problem, TimeWindow};

/// The time-window segment of Vidal et al. (2013, "A hybrid genetic algorithm with adaptive diversity management
/// for a large class of vehicle routing problems with time-windows"): the minimum duration and time warp of a
/// sequence of stops, and the window of start times that achieves them. Concatenation is O(1) and associative.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Seg {
    pub(crate) duration: i64,
    pub(crate) time_warp: i64,
    pub(crate) early: i64,
    pub(crate) late: i64,
}

impl Seg {
    #[inline]
    pub(crate) fn merge(a: &Seg, b: &Seg, travel: i64) -> Seg {
        let at_b = a.duration - a.time_warp + travel;
        let wait = (b.early - at_b - a.late).max(0);
        let warp = (a.early + at_b - b.late).max(0);
        Seg {
            duration: a.duration + b.duration + travel + wait,
            time_warp: a.time_warp + b.time_warp + warp,
            early: (b.early - at_b).max(a.early) - wait,
            late: (b.late - at_b).min(a.late) + warp,
        }
    }
}

pub(crate) struct Data {
    /// Client nodes (alternatives).
    pub(crate) n: usize,
    /// Advisors.
    pub(crate) nv: usize,
    pub(crate) loc: Vec<usize>,
    pub(crate) seg: Vec<Seg>,
    pub(crate) demand: Vec<i64>,
    /// Node → visit (or, for a break, `visits + break number`).
    pub(crate) group: Vec<usize>,
    /// Break nodes.
    pub(crate) is_break: Vec<bool>,
    /// The break node's (advisor, break index).
    pub(crate) break_of: Vec<(usize, usize)>,
    /// Advisors with breaks (their routes skip the arc-based shortcuts).
    pub(crate) has_breaks: Vec<bool>,
    /// Number of visits (groups below this are visits).
    pub(crate) visits: usize,
    /// Visit → nodes.
    pub(crate) members: Vec<Vec<usize>>,
    pub(crate) required: Vec<bool>,
    pub(crate) penalty: Vec<i64>,
    /// Visits that can be served at all (some compatible advisor can reach them in time in an empty day).
    pub(crate) servable: Vec<bool>,
    compat: Vec<u64>,
    words: usize,
    pub(crate) unrestricted: bool,
    pub(crate) preferred: Vec<Option<usize>>,
    pub(crate) pref_cost: i64,
    pub(crate) profile: Vec<usize>,
    pub(crate) capacity: Vec<i64>,
    pub(crate) max_work: Vec<i64>,
    pub(crate) fixed: Vec<i64>,
    /// Advisors with the same class are interchangeable for a route's tail (same profile, end and shift).
    pub(crate) class: Vec<usize>,
    /// Advisors of the same kind are interchangeable altogether (same start too, skills, breaks, costs).
    pub(crate) kind: Vec<usize>,
    pub(crate) balance_weight: i64,
    pub(crate) balance_scale: i64,
    /// Node-indexed travel times and costs per profile (`nodes × nodes`), so a lookup is one load.
    dur: Vec<Vec<i64>>,
    cost: Vec<Vec<i64>>,
    nodes: usize,
    pub(crate) neighbours: Vec<Vec<usize>>,
    /// Coordinates for polar angles (SWAP* sectors, crossover route order); derived from locations if absent.
    pub(crate) xy: Vec<(f64, f64)>,
    pub(crate) has_xy: bool,
}

impl Data {
    pub(crate) fn new(p: &Problem, coords: Option<&[(f64, f64)]>, granular: usize) -> Data {
        let mut loc = Vec::new();
        let mut seg = Vec::new();
        let mut demand = Vec::new();
        let mut group = Vec::new();
        let mut members = vec![Vec::new(); p.visits.len()];
        for (i, v) in p.visits.iter().enumerate() {
            let windows: Vec<TimeWindow> =
                if v.windows.is_empty() { vec![TimeWindow::always()] } else { v.windows.clone() };
            for w in windows {
                members[i].push(loc.len());
                loc.push(v.location);
                seg.push(Seg { duration: v.service, time_warp: 0, early: w.start, late: w.end });
                demand.push(v.demand);
                group.push(i);
            }
        }
        let mut break_of = vec![(usize::MAX, usize::MAX); loc.len()];
        for (k, veh) in p.vehicles.iter().enumerate() {
            for (b, br) in veh.breaks.iter().enumerate() {
                members.push(vec![loc.len()]);
                loc.push(veh.start);
                seg.push(Seg {
                    duration: br.duration,
                    time_warp: 0,
                    early: br.window.start,
                    late: br.window.end,
                });
                demand.push(0);
                group.push(members.len() - 1);
                break_of.push((k, b));
            }
        }
        let n = loc.len();
        let nv = p.vehicles.len();
        let is_break: Vec<bool> = break_of.iter().map(|b| b.0 != usize::MAX).collect();
        for veh in &p.vehicles {
            let s = Seg { duration: 0, time_warp: 0, early: veh.shift.start, late: veh.shift.end };
            loc.push(veh.start);
            seg.push(s);
            loc.push(veh.end);
            seg.push(s);
            demand.extend([0, 0]);
        }
        let words = nv.div_ceil(64);
        let mut compat = vec![0u64; n * words];
        let mut unrestricted = true;
        for node in 0..n {
            for k in 0..nv {
                let ok = if is_break[node] { break_of[node].0 == k } else { p.compatible(group[node], k) };
                if ok {
                    compat[node * words + k / 64] |= 1 << (k % 64);
                } else {
                    unrestricted = false;
                }
            }
        }
        let mut class = Vec::with_capacity(nv);
        let mut keys: Vec<(usize, usize, TimeWindow, Option<i64>, i64)> = Vec::new();
        for v in &p.vehicles {
            let key = (v.profile, v.end, v.shift, v.max_work, v.capacity);
            let c = keys.iter().position(|k| *k == key).unwrap_or_else(|| {
                keys.push(key);
                keys.len() - 1
            });
            class.push(c);
        }
        let mut kind = Vec::with_capacity(nv);
        let mut kinds: Vec<String> = Vec::new();
        for v in &p.vehicles {
            let key = format!(
                "{}|{}|{}|{:?}|{:?}|{}|{}|{:?}|{:?}|{:?}",
                v.profile,
                v.start,
                v.end,
                v.shift,
                v.max_work,
                v.capacity,
                v.fixed_cost,
                v.skills,
                v.languages,
                v.breaks
            );
            let c = kinds.iter().position(|k| *k == key).unwrap_or_else(|| {
                kinds.push(key);
                kinds.len() - 1
            });
            kind.push(c);
        }
        let (has_xy, xy) = match coords {
            Some(c) => (true, loc.iter().map(|&l| c[l]).collect()),
            None => (false, vec![(0.0, 0.0); loc.len()]),
        };
        let mut d = Data {
            n,
            nv,
            loc,
            seg,
            demand,
            group: group.clone(),
            is_break,
            break_of,
            has_breaks: p.vehicles.iter().map(|v| !v.breaks.is_empty()).collect(),
            visits: p.visits.len(),
            required: p
                .visits
                .iter()
                .map(|v| v.penalty.is_none())
                .chain(members[p.visits.len()..].iter().map(|_| true))
                .collect(),
            penalty: p
                .visits
                .iter()
                .map(|v| v.penalty.unwrap_or(0))
                .chain(members[p.visits.len()..].iter().map(|_| 0))
                .collect(),
            servable: vec![true; members.len()],
            members,
            compat,
            words,
            unrestricted,
            preferred: group.iter().map(|&g| p.visits.get(g).and_then(|v| v.preferred)).collect(),
            pref_cost: p.objective.preference_cost,
            profile: p.vehicles.iter().map(|v| v.profile).collect(),
            capacity: p.vehicles.iter().map(|v| v.capacity).collect(),
            max_work: p.vehicles.iter().map(|v| v.max_work.unwrap_or(NEVER)).collect(),
            fixed: p.vehicles.iter().map(|v| v.fixed_cost).collect(),
            class,
            kind,
            balance_weight: p.objective.balance_weight,
            balance_scale: p.objective.balance_scale.max(1),
            dur: Vec::new(),
            cost: Vec::new(),
            nodes: 0,
            neighbours: Vec::new(),
            xy,
            has_xy,
        };
        let total = d.loc.len();
        d.nodes = total;
        for m in &p.matrices {
            let mut dur = vec![0; total * total];
            let mut cost = vec![0; total * total];
            for a in 0..total {
                for b in 0..total {
                    dur[a * total + b] = m.duration(d.loc[a], d.loc[b]);
                    cost[a * total + b] = m.cost(d.loc[a], d.loc[b]);
                }
            }
            d.dur.push(dur);
            d.cost.push(cost);
        }
        d.neighbours = d.granular(granular);
        d
    }

    #[inline]
    pub(crate) fn dur(&self, prof: usize, a: usize, b: usize) -> i64 {
        self.dur[prof][a * self.nodes + b]
    }

    #[inline]
    pub(crate) fn cost(&self, prof: usize, a: usize, b: usize) -> i64 {
        self.cost[prof][a * self.nodes + b]
    }

    #[inline]
    pub(crate) fn start(&self, k: usize) -> usize {
        self.n + 2 * k
    }

    #[inline]
    pub(crate) fn end(&self, k: usize) -> usize {
        self.n + 2 * k + 1
    }

    #[inline]
    pub(crate) fn is_client(&self, node: usize) -> bool {
        node < self.n
    }

    /// A routed stop with a place: a depot or a visit (not a break).
    #[inline]
    pub(crate) fn is_real(&self, node: usize) -> bool {
        node >= self.n || !self.is_break[node]
    }

    /// A visit node (not a break, not a depot).
    #[inline]
    pub(crate) fn is_visit(&self, node: usize) -> bool {
        node < self.n && !self.is_break[node]
    }

    #[inline]
    pub(crate) fn compatible(&self, node: usize, k: usize) -> bool {
        node >= self.n || self.unrestricted || self.compat[node * self.words + k / 64] & (1 << (k % 64)) != 0
    }

    #[inline]
    pub(crate) fn pref(&self, node: usize, k: usize) -> i64 {
        if node < self.n && self.preferred[node].is_some_and(|p| p != k) { self.pref_cost } else { 0 }
    }

    pub(crate) fn balance(&self, duration: i64) -> i64 {
        if self.balance_weight == 0 {
            return 0;
        }
        let d = duration as i128;
        (self.balance_weight as i128 * d * d / self.balance_scale as i128) as i64
    }

    /// Granular neighbourhoods: for each client node the `k` nodes closest by Vidal's correlation measure (cost,
    /// plus 0.2 × the waiting and 1.0 × the time warp that visiting one right after the other would incur),
    /// made symmetric. Alternatives of the same visit are never neighbours.
    fn granular(&self, k: usize) -> Vec<Vec<usize>> {
        let n = self.n;
        let prof = 0;
        let mut prox = vec![f64::INFINITY; n * n];
        for i in 0..n {
            for j in 0..n {
                if i == j || self.group[i] == self.group[j] || self.is_break[i] || self.is_break[j] {
                    continue;
                }
                let (si, sj) = (&self.seg[i], &self.seg[j]);
                let t = self.dur(prof, i, j);
                if t >= NEVER {
                    continue;
                }
                let wait = (sj.early - t - si.duration - si.late).max(0) as f64;
                let warp = (si.early + si.duration + t - sj.late).max(0) as f64;
                prox[i * n + j] = self.cost(prof, i, j) as f64 + 0.2 * wait + warp;
            }
        }
        let mut lists = Vec::with_capacity(n);
        let mut scored: Vec<(f64, usize)> = Vec::with_capacity(n);
        for i in 0..n {
            scored.clear();
            for j in 0..n {
                let s = prox[i * n + j].min(prox[j * n + i]);
                if s.is_finite() {
                    scored.push((s, j));
                }
            }
            scored.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)));
            lists.push(scored.iter().take(k).map(|&(_, j)| j).collect());
        }
        lists
    }
}
