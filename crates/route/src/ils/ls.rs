//! Local search with granular neighbourhoods and O(1) move evaluation by concatenated segments.
//!
//! Node operators (for a client `U` and each of its granular neighbours `V`): relocate one or two consecutive
//! clients after `V` (Exchange10, Exchange20), swap blocks of 1–2 clients (Exchange11, 21, 22, the or-opt and
//! swap family), and 2-opt* (exchange the tails after `U` and after `V`). Route operator: SWAP* (Vidal 2022),
//! which swaps two clients of different routes, each inserted at its best place in the other route. Optional
//! visits are inserted and removed when that pays, and a visit with several windows can switch to another
//! window. Every move is first bounded below by its cost and load changes, which are cheap, before its time
//! segments are concatenated.

use super::data::{Data, Seg};
use neuvo_model::SplitMix64;

const NONE: usize = usize::MAX;

/// Penalty weights per unit of violation: time (time warp and overtime) and load.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Penalties {
    pub(crate) tw: i64,
    pub(crate) load: i64,
}

pub(crate) struct LsRoute {
    prof: usize,
    pub(crate) nodes: Vec<usize>,
    cum_cost: Vec<i64>,
    cum_load: Vec<i64>,
    cum_pref: Vec<i64>,
    fwd: Vec<Seg>,
    bwd: Vec<Seg>,
    /// Breaks at positions i.. before the next real stop (taken where the advisor is before travelling on).
    bwd_lead: Vec<Option<Seg>>,
    /// The last real node (depot or visit) at or before each position.
    last_real: Vec<usize>,
    /// The position of the first real node at or after each position.
    first_real: Vec<usize>,
    /// Visits at or before each position.
    cum_visits: Vec<usize>,
    pub(crate) cost: i64,
    modified: u64,
    /// Polar sector of the route's clients around the depot: (min, max) angle, in [−π, π].
    sector: (f64, f64),
}

impl LsRoute {
    #[inline]
    fn last(&self) -> usize {
        self.nodes.len() - 1
    }

    /// No visits (breaks alone do not make a working day).
    fn is_empty(&self) -> bool {
        self.cum_visits.last().is_none_or(|&v| v == 0)
    }
}

/// A piece of a proposed route: positions `a..=b` of route `r`, or the loose node `a` when `r == NONE`.
#[derive(Clone, Copy, Debug)]
struct Pc {
    r: usize,
    a: usize,
    b: usize,
}

impl Pc {
    fn new(r: usize, a: usize, b: usize) -> Pc {
        Pc { r, a, b }
    }

    fn loose(node: usize) -> Pc {
        Pc { r: NONE, a: node, b: node }
    }
}

#[derive(Clone, Copy, Debug)]
struct Cheap {
    cost: i64,
    load: i64,
    pref: i64,
    clients: bool,
}

pub(crate) struct LocalSearch<'a> {
    d: &'a Data,
    pub(crate) pen: Penalties,
    pub(crate) routes: Vec<LsRoute>,
    route_of: Vec<usize>,
    pos: Vec<usize>,
    /// Visit → its routed node (or NONE).
    routed: Vec<usize>,
    counter: u64,
    last_tested: Vec<u64>,
    last_tested_pair: Vec<u64>,
    order: Vec<usize>,
    /// Nodes the next non-exhaustive search starts from (perturbed, inserted, or moved).
    promising: Vec<bool>,
    /// Counter value when the current solution was loaded.
    loaded_at: u64,
    /// Evaluate moves without applying them (benchmarks).
    pub(crate) dry_run: bool,
}

impl<'a> LocalSearch<'a> {
    pub(crate) fn new(d: &'a Data, pen: Penalties) -> Self {
        let total = d.n + 2 * d.nv;
        let routes = (0..d.nv)
            .map(|k| LsRoute {
                prof: d.profile[k],
                nodes: Vec::new(),
                cum_cost: Vec::new(),
                cum_load: Vec::new(),
                cum_pref: Vec::new(),
                fwd: Vec::new(),
                bwd: Vec::new(),
                bwd_lead: Vec::new(),
                last_real: Vec::new(),
                first_real: Vec::new(),
                cum_visits: Vec::new(),
                cost: 0,
                modified: 0,
                sector: (0.0, 0.0),
            })
            .collect();
        LocalSearch {
            d,
            pen,
            routes,
            route_of: vec![NONE; total],
            pos: vec![0; total],
            routed: vec![NONE; d.members.len()],
            counter: 1,
            last_tested: vec![0; d.n],
            last_tested_pair: vec![0; d.nv * d.nv],
            order: (0..d.n).collect(),
            promising: vec![false; d.n],
            loaded_at: 0,
            dry_run: false,
        }
    }

    /// Loads a solution: one list of client nodes per advisor.
    pub(crate) fn load(&mut self, routes: &[Vec<usize>]) {
        self.route_of.iter_mut().for_each(|r| *r = NONE);
        self.routed.iter_mut().for_each(|r| *r = NONE);
        self.counter = 1;
        self.last_tested.iter_mut().for_each(|t| *t = 0);
        self.last_tested_pair.iter_mut().for_each(|t| *t = 0);
        for (k, route) in routes.iter().enumerate().take(self.d.nv) {
            let mut nodes = Vec::with_capacity(route.len() + 2);
            nodes.push(self.d.start(k));
            nodes.extend_from_slice(route);
            nodes.push(self.d.end(k));
            self.set_route(k, nodes);
        }
        self.promising.iter_mut().for_each(|p| *p = false);
        self.loaded_at = self.counter;
    }

    /// The current solution: one list of client nodes per advisor.
    pub(crate) fn export(&self) -> Vec<Vec<usize>> {
        self.routes.iter().map(|r| r.nodes[1..r.nodes.len() - 1].to_vec()).collect()
    }

    fn set_route(&mut self, k: usize, nodes: Vec<usize>) {
        let d = self.d;
        for (i, &u) in nodes.iter().enumerate() {
            self.route_of[u] = k;
            self.pos[u] = i;
            if d.is_client(u) {
                self.routed[d.group[u]] = u;
            }
        }
        let r = &mut self.routes[k];
        let len = nodes.len();
        r.cum_cost.clear();
        r.cum_load.clear();
        r.cum_pref.clear();
        r.cum_visits.clear();
        r.fwd.clear();
        r.bwd.clear();
        r.bwd_lead.clear();
        r.last_real.clear();
        r.first_real.clear();
        let (mut c, mut l, mut p, mut vis) = (0, 0, 0, 0);
        let mut s = d.seg[nodes[0]];
        let mut last = nodes[0];
        r.fwd.push(s);
        r.cum_cost.push(0);
        r.cum_load.push(0);
        r.cum_pref.push(0);
        r.cum_visits.push(0);
        r.last_real.push(last);
        let (mut amin, mut amax) = (f64::INFINITY, f64::NEG_INFINITY);
        let (dx, dy) = d.xy[nodes[0]];
        for &b in &nodes[1..] {
            if d.is_real(b) {
                c += d.cost(r.prof, last, b);
                s = Seg::merge(&s, &d.seg[b], d.dur(r.prof, last, b));
                last = b;
            } else {
                s = Seg::merge(&s, &d.seg[b], 0);
            }
            l += d.demand[b];
            p += d.pref(b, k);
            vis += usize::from(d.is_visit(b));
            r.fwd.push(s);
            r.cum_cost.push(c);
            r.cum_load.push(l);
            r.cum_pref.push(p);
            r.cum_visits.push(vis);
            r.last_real.push(last);
            if d.is_visit(b) {
                let (x, y) = d.xy[b];
                let ang = (y - dy).atan2(x - dx);
                amin = amin.min(ang);
                amax = amax.max(ang);
            }
        }
        r.bwd.resize(len, s);
        r.bwd_lead.resize(len, None);
        r.first_real.resize(len, len - 1);
        let mut body = d.seg[nodes[len - 1]];
        let mut first = len - 1;
        let mut lead: Option<Seg> = None;
        r.bwd[len - 1] = body;
        for i in (0..len - 1).rev() {
            let a = nodes[i];
            let own = match lead {
                Some(ld) => Seg::merge(&d.seg[a], &ld, 0),
                None => d.seg[a],
            };
            if d.is_real(a) {
                body = Seg::merge(&own, &body, d.dur(r.prof, a, nodes[first]));
                first = i;
                lead = None;
            } else {
                lead = Some(own);
            }
            r.bwd[i] = body;
            r.bwd_lead[i] = lead;
            r.first_real[i] = first;
        }
        r.nodes = nodes;
        r.sector = (amin, amax);
        let cheap = Cheap { cost: c, load: l, pref: p, clients: vis > 0 };
        let seg = r.fwd[len - 1];
        let cost = self.total(k, &cheap, &seg);
        self.routes[k].cost = cost;
        self.counter += 1;
        self.routes[k].modified = self.counter;
    }

    #[inline]
    fn cheap_total(&self, k: usize, c: &Cheap) -> i64 {
        if !c.clients {
            return 0;
        }
        c.cost + c.pref + self.d.fixed[k] + self.pen.load * (c.load - self.d.capacity[k]).max(0)
    }

    #[inline]
    fn total(&self, k: usize, c: &Cheap, s: &Seg) -> i64 {
        if !c.clients {
            return 0;
        }
        let d = self.d;
        c.cost
            + c.pref
            + d.fixed[k]
            + self.pen.load * (c.load - d.capacity[k]).max(0)
            + self.pen.tw * (s.time_warp + (s.duration - d.max_work[k]).max(0))
            + d.balance(s.duration)
    }

    /// Cost, load and preference of the route `pcs` would make for advisor `k`. Travel runs between real stops:
    /// breaks are transparent.
    fn cheap(&self, k: usize, pcs: &[Pc]) -> Cheap {
        let d = self.d;
        let prof = d.profile[k];
        let mut out = Cheap { cost: 0, load: 0, pref: 0, clients: false };
        let mut prev = NONE;
        for p in pcs {
            if p.r == NONE {
                let u = p.a;
                if d.is_real(u) {
                    if prev != NONE {
                        out.cost += d.cost(prof, prev, u);
                    }
                    prev = u;
                    out.clients = true;
                }
                out.load += d.demand[u];
                out.pref += d.pref(u, k);
                continue;
            }
            let r = &self.routes[p.r];
            let fa = r.first_real[p.a];
            if fa <= p.b {
                if prev != NONE {
                    out.cost += d.cost(prof, prev, r.nodes[fa]);
                }
                if r.prof == prof {
                    out.cost += r.cum_cost[p.b] - r.cum_cost[fa];
                } else {
                    let mut last = r.nodes[fa];
                    for &x in &r.nodes[fa + 1..=p.b] {
                        if d.is_real(x) {
                            out.cost += d.cost(prof, last, x);
                            last = x;
                        }
                    }
                }
                prev = r.last_real[p.b];
            }
            let below = p.a.saturating_sub(1);
            out.load += r.cum_load[p.b] - if p.a > 0 { r.cum_load[below] } else { 0 };
            out.clients |= r.cum_visits[p.b] > if p.a > 0 { r.cum_visits[below] } else { 0 };
            if p.r == k {
                out.pref += r.cum_pref[p.b] - if p.a > 0 { r.cum_pref[below] } else { 0 };
            } else if d.pref_cost != 0 {
                out.pref += r.nodes[p.a..=p.b].iter().map(|&u| d.pref(u, k)).sum::<i64>();
            }
        }
        out
    }

    /// The time segment of the route `pcs` would make for advisor `k`.
    fn timing(&self, k: usize, pcs: &[Pc]) -> Seg {
        let d = self.d;
        let prof = d.profile[k];
        let mut acc: Option<Seg> = None;
        let mut prev = NONE;
        for p in pcs {
            // The piece as (leading breaks, body from its first real stop, first and last real stops).
            let (lead, body, first, last) = if p.r == NONE {
                if d.is_real(p.a) {
                    (None, Some(d.seg[p.a]), p.a, p.a)
                } else {
                    (Some(d.seg[p.a]), None, NONE, NONE)
                }
            } else {
                let r = &self.routes[p.r];
                if r.prof == prof && p.a == 0 {
                    (None, Some(r.fwd[p.b]), r.nodes[0], r.last_real[p.b])
                } else if r.prof == prof && p.b == r.last() {
                    (r.bwd_lead[p.a], Some(r.bwd[p.a]), r.nodes[r.first_real[p.a]], r.nodes[p.b])
                } else {
                    let mut lead: Option<Seg> = None;
                    let mut body: Option<Seg> = None;
                    let (mut first, mut last) = (NONE, NONE);
                    for &x in &r.nodes[p.a..=p.b] {
                        let real = d.is_real(x);
                        match (body, real) {
                            (None, false) => {
                                lead = Some(lead.map_or(d.seg[x], |l| Seg::merge(&l, &d.seg[x], 0)));
                            }
                            (None, true) => {
                                body = Some(d.seg[x]);
                                first = x;
                                last = x;
                            }
                            (Some(b), false) => body = Some(Seg::merge(&b, &d.seg[x], 0)),
                            (Some(b), true) => {
                                body = Some(Seg::merge(&b, &d.seg[x], d.dur(prof, last, x)));
                                last = x;
                            }
                        }
                    }
                    (lead, body, first, last)
                }
            };
            if let Some(l) = lead {
                acc = Some(acc.map_or(l, |a| Seg::merge(&a, &l, 0)));
            }
            if let Some(b) = body {
                acc = Some(match acc {
                    None => b,
                    Some(a) => Seg::merge(&a, &b, if prev == NONE { 0 } else { d.dur(prof, prev, first) }),
                });
                prev = last;
            }
        }
        acc.expect("a route has at least its two ends")
    }

    /// The change of cost if route `ka` became `a` and route `kb` became `b` (`kb == NONE`: one route changes),
    /// plus `extra`, if it is negative. Lower bounds (new costs without their time penalties and balance term)
    /// reject most moves before any time segment is concatenated.
    fn delta2(&self, ka: usize, a: &[Pc], kb: usize, b: &[Pc], extra: i64) -> Option<i64> {
        let ca = self.cheap(ka, a);
        let mut old = self.routes[ka].cost;
        let mut lb_b = 0;
        let cb = if kb != NONE {
            old += self.routes[kb].cost;
            let c = self.cheap(kb, b);
            lb_b = self.cheap_total(kb, &c);
            Some(c)
        } else {
            None
        };
        if self.cheap_total(ka, &ca) + lb_b + extra >= old {
            return None;
        }
        let sa = self.timing(ka, a);
        let mut new = self.total(ka, &ca, &sa) + extra;
        if new + lb_b >= old {
            return None;
        }
        if let Some(cb) = cb {
            let sb = self.timing(kb, b);
            new += self.total(kb, &cb, &sb);
        }
        let delta = new - old;
        (delta < 0).then_some(delta)
    }

    /// A cheap lower bound of a route's new cost from its new travel cost and load (no time penalties, no balance).
    #[inline]
    fn bound(&self, k: usize, cost: i64, load: i64, clients: bool) -> i64 {
        if !clients {
            return 0;
        }
        cost + self.d.fixed[k] + self.pen.load * (load - self.d.capacity[k]).max(0)
    }

    /// Whether arc-based lower bounds apply between routes a and b (same profile, no preference costs).
    #[inline]
    fn fast(&self, a: usize, b: usize) -> bool {
        self.d.pref_cost == 0
            && self.routes[a].prof == self.routes[b].prof
            && !self.d.has_breaks[a]
            && !self.d.has_breaks[b]
    }

    fn build(&self, pcs: &[Pc]) -> Vec<usize> {
        let mut out = Vec::new();
        for p in pcs {
            if p.r == NONE {
                out.push(p.a);
            } else {
                out.extend_from_slice(&self.routes[p.r].nodes[p.a..=p.b]);
            }
        }
        out
    }

    fn apply(&mut self, ka: usize, a: &[Pc], kb: usize, b: &[Pc]) {
        let na = self.build(a);
        if kb == NONE {
            self.unmark(ka);
            self.set_route(ka, na);
        } else {
            let nb = self.build(b);
            self.replace_two(ka, na, kb, nb);
        }
    }

    /// Marks route k's clients as out of every route (before the route is rebuilt, so removals stay out).
    fn unmark(&mut self, k: usize) {
        for i in 0..self.routes[k].nodes.len() {
            let u = self.routes[k].nodes[i];
            if self.d.is_client(u) {
                self.route_of[u] = NONE;
                if self.routed[self.d.group[u]] == u {
                    self.routed[self.d.group[u]] = NONE;
                }
            }
        }
    }

    fn compatible_all(&self, k: usize, r: usize, a: usize, b: usize) -> bool {
        if self.d.unrestricted || r == k {
            return true;
        }
        self.routes[r].nodes[a..=b].iter().all(|&u| self.d.compatible(u, k))
    }

    /// Inserts every missing required visit at its best place (the crossover's repair step).
    pub(crate) fn repair(&mut self, rng: &mut SplitMix64) {
        let mut missing: Vec<usize> = (0..self.d.members.len())
            .filter(|&g| self.routed[g] == NONE && self.d.required[g] && self.d.servable[g])
            .collect();
        shuffle(&mut missing, rng);
        for g in missing {
            for i in 0..self.d.members[g].len() {
                let u = self.d.members[g][i];
                if self.try_insert(u) {
                    self.mark_around(u);
                }
            }
        }
    }

    /// Runs the local search to a local optimum. An exhaustive search tries every client and, at the end, SWAP*
    /// on every pair of routes; otherwise only promising clients (perturbed, inserted or moved) are tried, and
    /// SWAP* only on routes changed in this search.
    pub(crate) fn search(&mut self, rng: &mut SplitMix64, exhaustive: bool) {
        shuffle(&mut self.order, rng);
        if exhaustive {
            self.promising.iter_mut().for_each(|p| *p = true);
        }
        let mut neighbour_order: Vec<usize> = Vec::new();
        loop {
            let mut improved = true;
            while improved {
                improved = false;
                for idx in 0..self.order.len() {
                    let u = self.order[idx];
                    if !self.promising[u] {
                        continue;
                    }
                    self.promising[u] = false;
                    let last = self.last_tested[u];
                    self.last_tested[u] = self.counter;
                    if self.route_of[u] == NONE {
                        if self.try_insert(u) {
                            self.mark_around(u);
                            improved = true;
                        }
                        continue;
                    }
                    if self.d.is_break[u] {
                        if self.move_break(u) {
                            self.mark_around(u);
                            improved = true;
                        }
                        continue;
                    }
                    neighbour_order.clear();
                    neighbour_order.extend_from_slice(&self.d.neighbours[u]);
                    for &v in &neighbour_order {
                        if self.route_of[u] == NONE {
                            break;
                        }
                        if self.route_of[v] == NONE {
                            continue;
                        }
                        let (ru, rv) = (self.route_of[u], self.route_of[v]);
                        if self.routes[ru].modified <= last && self.routes[rv].modified <= last {
                            continue;
                        }
                        if self.node_ops(u, v) {
                            self.mark_around(u);
                            self.mark_around(v);
                            improved = true;
                        }
                    }
                    if self.route_of[u] != NONE && (self.try_empty_route(u) || self.try_remove(u)) {
                        self.mark_around(u);
                        improved = true;
                    }
                }
            }
            let star = self.swap_star_all(exhaustive);
            let swapped = exhaustive && self.swap_routes_all();
            if !star && !swapped {
                break;
            }
        }
    }

    /// SwapRoutes: gives the visits of one route to another advisor and takes theirs (either may have none), each
    /// advisor keeping their own breaks, when that pays. Only advisors of different kinds are tried.
    fn swap_routes_all(&mut self) -> bool {
        let nv = self.d.nv;
        let mut improved = false;
        for ka in 0..nv {
            for kb in ka + 1..nv {
                if self.d.kind[ka] == self.d.kind[kb]
                    || (self.routes[ka].is_empty() && self.routes[kb].is_empty())
                {
                    continue;
                }
                let first_empty_of_kind = |this: &Self, k: usize| {
                    !this.routes[k].is_empty()
                        || (0..k).all(|j| this.d.kind[j] != this.d.kind[k] || !this.routes[j].is_empty())
                };
                if !first_empty_of_kind(self, ka) || !first_empty_of_kind(self, kb) {
                    continue;
                }
                let (Some(na), Some(nb)) = (self.handover(kb, ka), self.handover(ka, kb)) else { continue };
                let delta = self.eval_nodes(ka, &na) + self.eval_nodes(kb, &nb)
                    - self.routes[ka].cost
                    - self.routes[kb].cost;
                if delta < 0 {
                    self.replace_two(ka, na, kb, nb);
                    improved = true;
                }
            }
        }
        improved
    }

    /// Route `from`'s visits as advisor `to`'s route, with `to`'s breaks where `from` had its own (extra ones
    /// first); `None` if `to` cannot serve them all.
    fn handover(&self, from: usize, to: usize) -> Option<Vec<usize>> {
        let d = self.d;
        let mut own_breaks: Vec<usize> =
            self.routes[to].nodes.iter().copied().filter(|&x| x < d.n && d.is_break[x]).collect();
        let src = &self.routes[from].nodes;
        let mut out = vec![d.start(to)];
        let theirs = src.iter().filter(|&&x| x < d.n && d.is_break[x]).count();
        while own_breaks.len() > theirs {
            out.push(own_breaks.remove(0));
        }
        for &x in &src[1..src.len() - 1] {
            if d.is_break[x] {
                if !own_breaks.is_empty() {
                    out.push(own_breaks.remove(0));
                }
            } else if d.compatible(x, to) {
                out.push(x);
            } else {
                return None;
            }
        }
        out.push(d.end(to));
        Some(out)
    }

    /// The cost of advisor k driving the explicit node sequence `nodes` (start and end included).
    fn eval_nodes(&self, k: usize, nodes: &[usize]) -> i64 {
        let d = self.d;
        let prof = d.profile[k];
        let mut c = Cheap { cost: 0, load: 0, pref: 0, clients: false };
        let mut last = nodes[0];
        let mut s = d.seg[last];
        for &x in &nodes[1..] {
            if d.is_real(x) {
                c.cost += d.cost(prof, last, x);
                s = Seg::merge(&s, &d.seg[x], d.dur(prof, last, x));
                last = x;
            } else {
                s = Seg::merge(&s, &d.seg[x], 0);
            }
            c.load += d.demand[x];
            c.pref += d.pref(x, k);
            c.clients |= d.is_visit(x);
        }
        self.total(k, &c, &s)
    }

    /// Evaluates the exchange (n, m) for every client and each of its routed granular neighbours without
    /// applying anything: (moves evaluated, improving ones). For benchmarks.
    pub(crate) fn sweep(&mut self, n: usize, m: usize) -> (usize, usize) {
        let dry = std::mem::replace(&mut self.dry_run, true);
        let (mut evaluated, mut improving) = (0, 0);
        for u in 0..self.d.n {
            if self.route_of[u] == NONE {
                continue;
            }
            for i in 0..self.d.neighbours[u].len() {
                let v = self.d.neighbours[u][i];
                if self.route_of[v] == NONE {
                    continue;
                }
                evaluated += 1;
                improving += usize::from(self.exchange(u, v, n, m));
            }
        }
        self.dry_run = dry;
        (evaluated, improving)
    }

    /// Moves a break to its best place in its route, if that pays.
    fn move_break(&mut self, u: usize) -> bool {
        let k = self.route_of[u];
        let pu = self.pos[u];
        let last = self.routes[k].last();
        let mut best: Option<(i64, usize)> = None;
        for after in 0..last {
            if after == pu || after + 1 == pu {
                continue;
            }
            let pcs = if after < pu {
                [
                    Pc::new(k, 0, after),
                    Pc::new(k, pu, pu),
                    Pc::new(k, after + 1, pu - 1),
                    Pc::new(k, pu + 1, last),
                ]
            } else {
                [
                    Pc::new(k, 0, pu - 1),
                    Pc::new(k, pu + 1, after),
                    Pc::new(k, pu, pu),
                    Pc::new(k, after + 1, last),
                ]
            };
            if let Some(delta) = self.delta2(k, &pcs, NONE, &[], 0)
                && best.is_none_or(|b| delta < b.0)
            {
                best = Some((delta, after));
            }
        }
        let Some((_, after)) = best else { return false };
        let anchor = self.routes[k].nodes[after];
        let mut nodes = self.routes[k].nodes.clone();
        nodes.remove(pu);
        let at = nodes.iter().position(|&x| x == anchor).expect("anchor stays") + 1;
        nodes.insert(at, u);
        self.set_route(k, nodes);
        true
    }

    /// Marks a node and its route neighbours as promising.
    fn mark_around(&mut self, u: usize) {
        self.promising[u] = true;
        let k = self.route_of[u];
        if k == NONE {
            return;
        }
        let p = self.pos[u];
        let nodes = &self.routes[k].nodes;
        for q in [p - 1, p + 1] {
            let w = nodes[q];
            if w < self.d.n {
                self.promising[w] = true;
            }
        }
    }

    /// Perturbs the current solution with `count` changes around random clients (the neighbourhood perturbation
    /// of PyVRP 0.14): a routed client is removed with its nearest routed granular neighbours; a client left out
    /// (an optional visit) is inserted at its best place, with its left-out neighbours. Everything touched becomes
    /// promising; [`Self::search`] reinserts the required ones.
    pub(crate) fn perturb(&mut self, count: usize, rng: &mut SplitMix64) {
        let d = self.d;
        self.promising.iter_mut().for_each(|p| *p = false);
        let mut left = count;
        let mut touched = vec![false; d.n];
        let mut seeds: Vec<usize> = (0..d.n).collect();
        shuffle(&mut seeds, rng);
        for &u in &seeds {
            if left == 0 {
                break;
            }
            if touched[u] || !d.servable[d.group[u]] || d.is_break[u] {
                continue;
            }
            let remove = self.route_of[u] != NONE;
            for i in 0..=d.neighbours[u].len() {
                if left == 0 {
                    break;
                }
                let w = if i == 0 { u } else { d.neighbours[u][i - 1] };
                if touched[w] || (self.route_of[w] != NONE) != remove {
                    continue;
                }
                if remove {
                    self.remove_node(w);
                } else {
                    let g = d.group[w];
                    if self.routed[g] != NONE || !d.servable[g] {
                        continue;
                    }
                    let Some((_, k, after)) = self.best_insertion(w, NONE) else { continue };
                    let mut nodes = self.routes[k].nodes.clone();
                    nodes.insert(after + 1, w);
                    self.set_route(k, nodes);
                    self.mark_around(w);
                }
                touched[w] = true;
                left -= 1;
            }
        }
    }

    /// Whether the loose node `u` can be inserted somewhere without any violation (under strict penalties, a
    /// violation costs more than any travel).
    pub(crate) fn fits_somewhere(&self, u: usize) -> bool {
        let mut ok = false;
        for k in 0..self.d.nv {
            if !self.d.compatible(u, k) {
                continue;
            }
            let last = self.routes[k].last();
            for after in 0..last {
                let pcs = [Pc::new(k, 0, after), Pc::loose(u), Pc::new(k, after + 1, last)];
                let c = self.cheap(k, &pcs);
                let s = self.timing(k, &pcs);
                ok |= s.time_warp == 0 && s.duration <= self.d.max_work[k] && c.load <= self.d.capacity[k];
            }
        }
        ok
    }

    /// The routed client whose removal lowers the penalised cost most.
    pub(crate) fn best_removal(&self) -> Option<usize> {
        let mut best: Option<(i64, usize)> = None;
        for u in 0..self.d.n {
            let k = self.route_of[u];
            if k == NONE || self.d.is_break[u] {
                continue;
            }
            let p = self.pos[u];
            let last = self.routes[k].last();
            let a = [Pc::new(k, 0, p - 1), Pc::new(k, p + 1, last)];
            let c = self.cheap(k, &a);
            let s = self.timing(k, &a);
            let delta = self.total(k, &c, &s) - self.routes[k].cost;
            if best.is_none_or(|b| delta < b.0) {
                best = Some((delta, u));
            }
        }
        best.map(|b| b.1)
    }

    pub(crate) fn remove_node(&mut self, w: usize) {
        let d = self.d;
        self.mark_around(w);
        let k = self.route_of[w];
        let mut nodes = std::mem::take(&mut self.routes[k].nodes);
        nodes.remove(self.pos[w]);
        self.route_of[w] = NONE;
        self.routed[d.group[w]] = NONE;
        self.set_route(k, nodes);
    }

    /// The node operators for the pair (u, v); true if one was applied.
    fn node_ops(&mut self, u: usize, v: usize) -> bool {
        for &(n, m) in &[(1, 0), (2, 0), (1, 1), (2, 1), (2, 2)] {
            if self.exchange(u, v, n, m) {
                return true;
            }
            // Insertion before v, after the breaks or the start that precede it.
            if m == 0 {
                let k = self.route_of[v];
                let mut q = self.pos[v];
                while q > 0 && !self.d.is_visit(self.routes[k].nodes[q - 1]) {
                    q -= 1;
                    let w = self.routes[k].nodes[q];
                    if self.exchange(u, w, n, 0) {
                        return true;
                    }
                }
            }
        }
        if self.swap_tails(u, v) {
            return true;
        }
        if self.pos[v] == 1 {
            let start = self.d.start(self.route_of[v]);
            if self.swap_tails(u, start) {
                return true;
            }
        }
        false
    }

    /// Exchange the block of `n` clients starting at `u` with the block of `m` clients starting at `v`
    /// (`m == 0`: move u's block after v).
    fn exchange(&mut self, u: usize, v: usize, n: usize, m: usize) -> bool {
        let (ku, kv) = (self.route_of[u], self.route_of[v]);
        let (pu, pv) = (self.pos[u], self.pos[v]);
        let (lu, lv) = (self.routes[ku].last(), self.routes[kv].last());
        if pu + n > lu || (m > 0 && (pv == 0 || pv + m > lv)) || (m == 0 && pv == lv) {
            return false;
        }
        if ku != kv {
            if !self.compatible_all(kv, ku, pu, pu + n - 1)
                || (m > 0 && !self.compatible_all(ku, kv, pv, pv + m - 1))
            {
                return false;
            }
            if self.fast(ku, kv) {
                let (ra, rb) = (&self.routes[ku], &self.routes[kv]);
                let d = self.d;
                let prof = ra.prof;
                let c = |x: usize, y: usize| d.cost(prof, x, y);
                let (u0, u1) = (ra.nodes[pu], ra.nodes[pu + n - 1]);
                let (ubefore, uafter) = (ra.nodes[pu - 1], ra.nodes[pu + n]);
                let load_u = ra.cum_load[pu + n - 1] - ra.cum_load[pu - 1];
                let (da, db, load_v, a_clients, b_clients);
                if m == 0 {
                    let (vn, vnext) = (rb.nodes[pv], rb.nodes[pv + 1]);
                    da = c(ubefore, uafter) - c(ubefore, u0) - c(u1, uafter);
                    db = c(vn, u0) + c(u1, vnext) - c(vn, vnext);
                    load_v = 0;
                    a_clients = ra.nodes.len() - 2 > n;
                    b_clients = true;
                } else {
                    let (v0, v1) = (rb.nodes[pv], rb.nodes[pv + m - 1]);
                    let (vbefore, vafter) = (rb.nodes[pv - 1], rb.nodes[pv + m]);
                    da = c(ubefore, v0) + c(v1, uafter) - c(ubefore, u0) - c(u1, uafter);
                    db = c(vbefore, u0) + c(u1, vafter) - c(vbefore, v0) - c(v1, vafter);
                    load_v = rb.cum_load[pv + m - 1] - rb.cum_load[pv - 1];
                    a_clients = true;
                    b_clients = true;
                }
                let la = ra.cum_load[ra.last()] - load_u + load_v;
                let lb = rb.cum_load[rb.last()] + load_u - load_v;
                let bound = self.bound(ku, ra.cum_cost[ra.last()] + da, la, a_clients)
                    + self.bound(kv, rb.cum_cost[rb.last()] + db, lb, b_clients);
                if bound >= ra.cost + rb.cost {
                    return false;
                }
            }
            let (a, b);
            let (a_len, b_len);
            if m == 0 {
                a = [Pc::new(ku, 0, pu - 1), Pc::new(ku, pu + n, lu), Pc::new(0, 0, 0)];
                a_len = 2;
                b = [Pc::new(kv, 0, pv), Pc::new(ku, pu, pu + n - 1), Pc::new(kv, pv + 1, lv)];
                b_len = 3;
            } else {
                a = [Pc::new(ku, 0, pu - 1), Pc::new(kv, pv, pv + m - 1), Pc::new(ku, pu + n, lu)];
                b = [Pc::new(kv, 0, pv - 1), Pc::new(ku, pu, pu + n - 1), Pc::new(kv, pv + m, lv)];
                a_len = 3;
                b_len = 3;
            }
            if self.delta2(ku, &a[..a_len], kv, &b[..b_len], 0).is_some() {
                if self.dry_run {
                    return true;
                }
                self.apply(ku, &a[..a_len], kv, &b[..b_len]);
                return true;
            }
            return false;
        }
        // Same route.
        let k = ku;
        let mut pcs = [Pc::new(0, 0, 0); 5];
        let len;
        if m == 0 {
            if pv + 1 == pu || (pv >= pu && pv < pu + n) {
                return false;
            }
            if self.d.pref_cost == 0 && !self.d.has_breaks[k] {
                let r = &self.routes[k];
                let d = self.d;
                let c = |x: usize, y: usize| d.cost(r.prof, r.nodes[x], r.nodes[y]);
                let delta = c(pv, pu) + c(pu + n - 1, pv + 1) + c(pu - 1, pu + n)
                    - c(pv, pv + 1)
                    - c(pu - 1, pu)
                    - c(pu + n - 1, pu + n);
                if self.bound(k, r.cum_cost[lu] + delta, r.cum_load[lu], true) >= r.cost {
                    return false;
                }
            }
            if pv < pu {
                pcs[0] = Pc::new(k, 0, pv);
                pcs[1] = Pc::new(k, pu, pu + n - 1);
                pcs[2] = Pc::new(k, pv + 1, pu - 1);
                pcs[3] = Pc::new(k, pu + n, lu);
                len = 4;
            } else {
                pcs[0] = Pc::new(k, 0, pu - 1);
                pcs[1] = Pc::new(k, pu + n, pv);
                pcs[2] = Pc::new(k, pu, pu + n - 1);
                pcs[3] = Pc::new(k, pv + 1, lu);
                len = 4;
            }
        } else {
            let ((a, la), (b, lb)) = if pu < pv { ((pu, n), (pv, m)) } else { ((pv, m), (pu, n)) };
            if a + la > b {
                return false;
            }
            if self.d.pref_cost == 0 && !self.d.has_breaks[k] {
                let r = &self.routes[k];
                let d = self.d;
                let c = |x: usize, y: usize| d.cost(r.prof, r.nodes[x], r.nodes[y]);
                let (ae, be) = (a + la - 1, b + lb - 1);
                let delta = if ae + 1 == b {
                    c(a - 1, b) + c(be, a) + c(ae, be + 1) - c(a - 1, a) - c(ae, b) - c(be, be + 1)
                } else {
                    c(a - 1, b) + c(be, ae + 1) + c(b - 1, a) + c(ae, be + 1)
                        - c(a - 1, a)
                        - c(ae, ae + 1)
                        - c(b - 1, b)
                        - c(be, be + 1)
                };
                if self.bound(k, r.cum_cost[lu] + delta, r.cum_load[lu], true) >= r.cost {
                    return false;
                }
            }
            let mut i = 0;
            pcs[i] = Pc::new(k, 0, a - 1);
            i += 1;
            pcs[i] = Pc::new(k, b, b + lb - 1);
            i += 1;
            if a + la < b {
                pcs[i] = Pc::new(k, a + la, b - 1);
                i += 1;
            }
            pcs[i] = Pc::new(k, a, a + la - 1);
            i += 1;
            pcs[i] = Pc::new(k, b + lb, lu);
            i += 1;
            len = i;
        }
        if self.delta2(k, &pcs[..len], NONE, &[], 0).is_some() {
            if self.dry_run {
                return true;
            }
            self.apply(k, &pcs[..len], NONE, &[]);
            return true;
        }
        false
    }

    /// 2-opt*: route(u) keeps up to u and takes v's tail; route(v) keeps up to v and takes u's tail.
    fn swap_tails(&mut self, u: usize, v: usize) -> bool {
        let (ku, kv) = (self.route_of[u], self.route_of[v]);
        if ku == kv {
            return false;
        }
        let (pu, pv) = (self.pos[u], self.pos[v]);
        let (lu, lv) = (self.routes[ku].last(), self.routes[kv].last());
        if pu == lu || pv == lv {
            return false;
        }
        if (pv + 1 < lv && !self.compatible_all(ku, kv, pv + 1, lv - 1))
            || (pu + 1 < lu && !self.compatible_all(kv, ku, pu + 1, lu - 1))
        {
            return false;
        }
        let same_class = self.d.class[ku] == self.d.class[kv];
        if same_class && self.fast(ku, kv) {
            let (ra, rb) = (&self.routes[ku], &self.routes[kv]);
            let d = self.d;
            let c = |x: usize, y: usize| d.cost(ra.prof, x, y);
            let cost_a =
                ra.cum_cost[pu] + c(ra.nodes[pu], rb.nodes[pv + 1]) + rb.cum_cost[lv] - rb.cum_cost[pv + 1];
            let cost_b =
                rb.cum_cost[pv] + c(rb.nodes[pv], ra.nodes[pu + 1]) + ra.cum_cost[lu] - ra.cum_cost[pu + 1];
            let load_a = ra.cum_load[pu] + rb.cum_load[lv] - rb.cum_load[pv];
            let load_b = rb.cum_load[pv] + ra.cum_load[lu] - ra.cum_load[pu];
            let bound = self.bound(ku, cost_a, load_a, pu > 0 || pv + 1 < lv)
                + self.bound(kv, cost_b, load_b, pv > 0 || pu + 1 < lu);
            if bound >= ra.cost + rb.cost {
                return false;
            }
        }
        let mut a = [Pc::new(0, 0, 0); 3];
        let mut b = [Pc::new(0, 0, 0); 3];
        let (mut la, mut lb) = (0, 0);
        a[la] = Pc::new(ku, 0, pu);
        la += 1;
        b[lb] = Pc::new(kv, 0, pv);
        lb += 1;
        if same_class {
            // The ends are interchangeable: keep each tail with its end.
            a[la] = Pc::new(kv, pv + 1, lv);
            la += 1;
            b[lb] = Pc::new(ku, pu + 1, lu);
            lb += 1;
        } else {
            if pv + 1 < lv {
                a[la] = Pc::new(kv, pv + 1, lv - 1);
                la += 1;
            }
            a[la] = Pc::new(ku, lu, lu);
            la += 1;
            if pu + 1 < lu {
                b[lb] = Pc::new(ku, pu + 1, lu - 1);
                lb += 1;
            }
            b[lb] = Pc::new(kv, lv, lv);
            lb += 1;
        }
        if self.delta2(ku, &a[..la], kv, &b[..lb], 0).is_some() {
            if same_class {
                // Rebuild with each route's own end.
                let mut na = self.build(&a[..1]);
                na.extend_from_slice(&self.routes[kv].nodes[pv + 1..lv]);
                na.push(self.routes[ku].nodes[lu]);
                let mut nb = self.build(&b[..1]);
                nb.extend_from_slice(&self.routes[ku].nodes[pu + 1..lu]);
                nb.push(self.routes[kv].nodes[lv]);
                self.replace_two(ku, na, kv, nb);
            } else {
                self.apply(ku, &a[..la], kv, &b[..lb]);
            }
            return true;
        }
        false
    }

    fn replace_two(&mut self, ka: usize, na: Vec<usize>, kb: usize, nb: Vec<usize>) {
        self.unmark(ka);
        self.unmark(kb);
        self.set_route(ka, na);
        self.set_route(kb, nb);
    }

    /// Moves u (alone or with its successor) into an empty route, trying the first empty route of each class
    /// of advisors who may serve it, if that pays.
    fn try_empty_route(&mut self, u: usize) -> bool {
        let ku = self.route_of[u];
        let mut classes: Vec<usize> = Vec::new();
        for k in 0..self.d.nv {
            if k == ku
                || !self.routes[k].is_empty()
                || !self.d.compatible(u, k)
                || classes.contains(&self.d.kind[k])
            {
                continue;
            }
            classes.push(self.d.kind[k]);
            let start = self.d.start(k);
            for n in 1..=2 {
                if self.exchange(u, start, n, 0) {
                    return true;
                }
            }
        }
        false
    }

    /// Removes an optional visit if its penalty is less than what it costs to serve.
    fn try_remove(&mut self, u: usize) -> bool {
        let g = self.d.group[u];
        if self.d.required[g] {
            return false;
        }
        let ku = self.route_of[u];
        let pu = self.pos[u];
        let lu = self.routes[ku].last();
        let a = [Pc::new(ku, 0, pu - 1), Pc::new(ku, pu + 1, lu)];
        if self.delta2(ku, &a, NONE, &[], self.d.penalty[g]).is_some() {
            self.apply(ku, &a, NONE, &[]);
            return true;
        }
        false
    }

    /// The best place to insert loose node u: (delta, route, position after which), with `skip` removed first.
    fn best_insertion(&self, u: usize, skip: usize) -> Option<(i64, usize, usize)> {
        let mut best: Option<(i64, usize, usize)> = None;
        let mut consider = |this: &Self, k: usize, after: usize| {
            if !this.d.compatible(u, k) {
                return;
            }
            let r = &this.routes[k];
            let last = r.last();
            let mut pcs = [Pc::new(0, 0, 0); 4];
            let mut len = 0;
            let ps = if skip != NONE && this.route_of[skip] == k { this.pos[skip] } else { NONE };
            if ps == NONE {
                pcs[0] = Pc::new(k, 0, after);
                pcs[1] = Pc::loose(u);
                pcs[2] = Pc::new(k, after + 1, last);
                len = 3;
            } else if after == ps || after + 1 == ps {
                // In place of the skipped node.
                pcs[0] = Pc::new(k, 0, ps - 1);
                pcs[1] = Pc::loose(u);
                pcs[2] = Pc::new(k, ps + 1, last);
                len = 3;
            } else if after < ps {
                for p in [
                    Pc::new(k, 0, after),
                    Pc::loose(u),
                    Pc::new(k, after + 1, ps - 1),
                    Pc::new(k, ps + 1, last),
                ] {
                    pcs[len] = p;
                    len += 1;
                }
            } else {
                for p in [
                    Pc::new(k, 0, ps - 1),
                    Pc::new(k, ps + 1, after),
                    Pc::loose(u),
                    Pc::new(k, after + 1, last),
                ] {
                    pcs[len] = p;
                    len += 1;
                }
            }
            let c = this.cheap(k, &pcs[..len]);
            let s = this.timing(k, &pcs[..len]);
            let delta = this.total(k, &c, &s) - r.cost;
            if best.is_none_or(|b| delta < b.0) {
                best = Some((delta, k, after));
            }
        };
        for &v in &self.d.neighbours[u] {
            let k = self.route_of[v];
            if k == NONE || v == skip {
                continue;
            }
            consider(self, k, self.pos[v]);
            if self.pos[v] == 1 {
                consider(self, k, 0);
            }
        }
        if let Some(k) = (0..self.d.nv).find(|&k| self.routes[k].is_empty() && self.d.compatible(u, k)) {
            consider(self, k, 0);
        }
        let mut tried_any = false;
        for &v in &self.d.neighbours[u] {
            tried_any |= self.route_of[v] != NONE && v != skip;
        }
        if !tried_any {
            // No routed neighbour: try the start of every route.
            for k in 0..self.d.nv {
                consider(self, k, 0);
            }
        }
        best
    }

    /// Inserts an unrouted node when its visit is missing (always for required visits) or switches a visit to this
    /// alternative window when that pays.
    fn try_insert(&mut self, u: usize) -> bool {
        let g = self.d.group[u];
        if !self.d.servable[g] {
            return false;
        }
        let current = self.routed[g];
        let Some((delta, k, after)) = self.best_insertion(u, current) else {
            return false;
        };
        let gain = if current != NONE {
            let kc = self.route_of[current];
            let pc = self.pos[current];
            let lc = self.routes[kc].last();
            if kc == k {
                0
            } else {
                let a = [Pc::new(kc, 0, pc - 1), Pc::new(kc, pc + 1, lc)];
                let c = self.cheap(kc, &a);
                let s = self.timing(kc, &a);
                self.total(kc, &c, &s) - self.routes[kc].cost
            }
        } else if self.d.required[g] {
            i64::MIN / 4
        } else {
            -self.d.penalty[g]
        };
        if delta + gain >= 0 {
            return false;
        }
        // Remove the current alternative, then insert u after the same node as evaluated.
        let ps = if current != NONE && self.route_of[current] == k { self.pos[current] } else { NONE };
        let anchor = if after == ps { self.routes[k].nodes[ps - 1] } else { self.routes[k].nodes[after] };
        if current != NONE {
            let kc = self.route_of[current];
            let mut nodes = self.routes[kc].nodes.clone();
            nodes.retain(|&x| x != current);
            self.route_of[current] = NONE;
            self.routed[g] = NONE;
            self.set_route(kc, nodes);
        }
        let mut nodes = self.routes[k].nodes.clone();
        nodes.insert(self.pos[anchor] + 1, u);
        self.set_route(k, nodes);
        true
    }

    /// SWAP* over all pairs of routes whose sectors overlap and that changed since they were last tried.
    fn swap_star_all(&mut self, exhaustive: bool) -> bool {
        let nv = self.d.nv;
        let mut improved = false;
        for ka in 0..nv {
            if self.routes[ka].is_empty() {
                continue;
            }
            for kb in ka + 1..nv {
                if self.routes[kb].is_empty() {
                    continue;
                }
                if !exhaustive
                    && self.routes[ka].modified <= self.loaded_at
                    && self.routes[kb].modified <= self.loaded_at
                {
                    continue;
                }
                let key = ka * nv + kb;
                let last = self.last_tested_pair[key];
                if self.routes[ka].modified <= last && self.routes[kb].modified <= last {
                    continue;
                }
                self.last_tested_pair[key] = self.counter;
                if self.d.has_xy && !self.overlap(ka, kb) {
                    continue;
                }
                if self.swap_star(ka, kb) {
                    improved = true;
                }
            }
        }
        improved
    }

    fn overlap(&self, a: usize, b: usize) -> bool {
        let (sa, sb) = (self.routes[a].sector, self.routes[b].sector);
        // Sectors of [-π, π] angles; a small tolerance, and a wide sector overlaps everything.
        let tol = 0.05 * std::f64::consts::PI;
        if sa.1 - sa.0 > std::f64::consts::PI || sb.1 - sb.0 > std::f64::consts::PI {
            return true;
        }
        sa.0 <= sb.1 + tol && sb.0 <= sa.1 + tol
    }

    /// Top-three insertion places of each client of route `from` into route `into` (as is), by exact delta cost.
    fn insertion_cache(&self, from: usize, into: usize) -> Vec<[(i64, usize); 3]> {
        let rf = &self.routes[from];
        let ri = &self.routes[into];
        let last = ri.last();
        let mut out = Vec::with_capacity(rf.nodes.len());
        for p in 1..rf.last() {
            let u = rf.nodes[p];
            let mut top = [(i64::MAX, NONE); 3];
            if self.d.compatible(u, into) {
                for after in 0..last {
                    let pcs = [Pc::new(into, 0, after), Pc::loose(u), Pc::new(into, after + 1, last)];
                    let c = self.cheap(into, &pcs);
                    let s = self.timing(into, &pcs);
                    let delta = self.total(into, &c, &s) - ri.cost;
                    if delta < top[2].0 {
                        top[2] = (delta, after);
                        top.sort_by_key(|t| t.0);
                    }
                }
            }
            out.push(top);
        }
        out
    }

    fn removal_delta(&self, k: usize, p: usize) -> i64 {
        let last = self.routes[k].last();
        let pcs = [Pc::new(k, 0, p - 1), Pc::new(k, p + 1, last)];
        let c = self.cheap(k, &pcs);
        let s = self.timing(k, &pcs);
        self.total(k, &c, &s) - self.routes[k].cost
    }

    /// Pieces of route k with the client at `remove` taken out and `node` inserted after position `after`
    /// (positions of the route as it is; `after` is never `remove`'s own predecessor-or-self: that is "in place").
    fn removed_inserted(
        k: usize,
        last: usize,
        remove: usize,
        node: usize,
        after: usize,
        out: &mut [Pc; 4],
    ) -> usize {
        if after + 1 == remove || after == remove {
            out[0] = Pc::new(k, 0, remove - 1);
            out[1] = Pc::loose(node);
            out[2] = Pc::new(k, remove + 1, last);
            3
        } else if after < remove {
            out[0] = Pc::new(k, 0, after);
            out[1] = Pc::loose(node);
            out[2] = Pc::new(k, after + 1, remove - 1);
            out[3] = Pc::new(k, remove + 1, last);
            4
        } else {
            out[0] = Pc::new(k, 0, remove - 1);
            out[1] = Pc::new(k, remove + 1, after);
            out[2] = Pc::loose(node);
            out[3] = Pc::new(k, after + 1, last);
            4
        }
    }

    fn swap_star(&mut self, ka: usize, kb: usize) -> bool {
        let cache_ab = self.insertion_cache(ka, kb);
        let cache_ba = self.insertion_cache(kb, ka);
        let (la, lb) = (self.routes[ka].last(), self.routes[kb].last());
        let rem_a: Vec<i64> = (1..la).map(|p| self.removal_delta(ka, p)).collect();
        let rem_b: Vec<i64> = (1..lb).map(|p| self.removal_delta(kb, p)).collect();
        // Best (estimate, pa, pb, after_in_b for u, after_in_a for v).
        let mut best = (0i64, 0usize, 0usize, 0usize, 0usize);
        for pa in 1..la {
            let u = self.routes[ka].nodes[pa];
            if !self.d.compatible(u, kb) {
                continue;
            }
            for pb in 1..lb {
                let v = self.routes[kb].nodes[pb];
                if !self.d.compatible(v, ka) {
                    continue;
                }
                let base = rem_a[pa - 1] + rem_b[pb - 1];
                // u into kb without v: the best cached place not next to v, or in v's place (estimated).
                let (du, au) = self.best_cached(&cache_ab[pa - 1], pb, kb, u, rem_b[pb - 1]);
                let (dv, av) = self.best_cached(&cache_ba[pb - 1], pa, ka, v, rem_a[pa - 1]);
                let est = base + du + dv;
                if est < best.0 {
                    best = (est, pa, pb, au, av);
                }
            }
        }
        if best.0 >= 0 {
            return false;
        }
        let (_, pa, pb, au, av) = best;
        let u = self.routes[ka].nodes[pa];
        let v = self.routes[kb].nodes[pb];
        let mut a = [Pc::new(0, 0, 0); 4];
        let mut b = [Pc::new(0, 0, 0); 4];
        let na = Self::removed_inserted(ka, la, pa, v, av, &mut a);
        let nb = Self::removed_inserted(kb, lb, pb, u, au, &mut b);
        if self.delta2(ka, &a[..na], kb, &b[..nb], 0).is_some() {
            // Loose pieces name the nodes; rebuild both routes.
            let new_a = self.build(&a[..na]);
            let new_b = self.build(&b[..nb]);
            self.replace_two(ka, new_a, kb, new_b);
            return true;
        }
        false
    }

    /// From a top-three cache of places in route k, the best one that does not touch position `removed`, or the
    /// exact cost of taking `removed`'s place; returns (delta, after).
    fn best_cached(
        &self,
        top: &[(i64, usize); 3],
        removed: usize,
        k: usize,
        node: usize,
        rem: i64,
    ) -> (i64, usize) {
        let last = self.routes[k].last();
        let pcs = [Pc::new(k, 0, removed - 1), Pc::loose(node), Pc::new(k, removed + 1, last)];
        let c = self.cheap(k, &pcs);
        let s = self.timing(k, &pcs);
        // In place: the full change of replacing; subtract the removal part counted separately by the caller.
        let in_place = self.total(k, &c, &s) - self.routes[k].cost - rem;
        let mut best = (in_place, removed - 1);
        for &(d, after) in top {
            if after == NONE {
                break;
            }
            if after == removed || after + 1 == removed {
                continue;
            }
            if d < best.0 {
                best = (d, after);
            }
        }
        best
    }
}

pub(crate) fn shuffle<T>(v: &mut [T], rng: &mut SplitMix64) {
    for i in (1..v.len()).rev() {
        let j = rng.below(i as u64 + 1) as usize;
        v.swap(i, j);
    }
}
