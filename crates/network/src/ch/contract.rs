//! Node contraction with lazy priority updates and bounded witness searches.

use std::cmp::Reverse;
use std::collections::BinaryHeap;

use neuvo_model::Progress;

use super::{Arc, Hierarchy, Unpack};
use crate::graph::RoadGraph;
use crate::weight::Weight;

/// Settled-node limit of a witness search. A search that gives up adds the shortcut, which is always correct;
/// a low limit only costs a few superfluous shortcuts.
const WITNESS_SETTLE_LIMIT: usize = 400;
/// Settled-node limit of the witness searches that only estimate a node's priority: an estimate may be a little
/// pessimistic, and priorities are recomputed often.
const SIMULATION_SETTLE_LIMIT: usize = 60;

#[derive(Clone, Copy, Debug)]
struct Link {
    other: u32,
    w: Weight,
    id: u32,
    hops: u32,
}

struct Contractor {
    out: Vec<Vec<Link>>,
    inn: Vec<Vec<Link>>,
    level: Vec<u32>,
    unpack: Vec<Unpack>,
    witness: Witness,
}

/// A shortcut found necessary while contracting a node: from `from` to `to` through it.
#[derive(Clone, Copy, Debug)]
struct Needed {
    from: u32,
    to: u32,
    w: Weight,
    hops: u32,
    first: u32,
    second: u32,
}

impl Hierarchy {
    /// Contracts every node of `g` and builds the upward and downward search graphs.
    ///
    /// Deterministic: the same graph always gives the same hierarchy (ties in priority go to the smaller node).
    pub fn build(g: &RoadGraph, progress: &dyn Progress) -> Hierarchy {
        let n = g.node_count();
        let mut c = Contractor {
            out: vec![Vec::new(); n],
            inn: vec![Vec::new(); n],
            level: vec![0; n],
            unpack: Vec::with_capacity(g.edge_count() * 2),
            witness: Witness::new(n),
        };
        for u in 0..n as u32 {
            for (e, v, w) in g.out_edges(u) {
                let id = c.unpack.len() as u32;
                c.unpack.push(Unpack { first: e, second: Unpack::ORIGINAL });
                c.out[u as usize].push(Link { other: v, w, id, hops: 1 });
                c.inn[v as usize].push(Link { other: u, w, id, hops: 1 });
            }
        }
        progress.start("contracting", n as u64);
        let mut prio: Vec<u64> = (0..n as u32).map(|v| c.priority(v)).collect();
        let mut heap: BinaryHeap<Reverse<(u64, u32)>> =
            (0..n as u32).map(|v| Reverse((prio[v as usize], v))).collect();
        let mut done = vec![false; n];
        let mut order = Vec::with_capacity(n);
        let mut up_lists: Vec<Vec<Arc>> = vec![Vec::new(); n];
        let mut down_lists: Vec<Vec<Arc>> = vec![Vec::new(); n];
        let mut neighbours = Vec::new();
        while let Some(Reverse((p, v))) = heap.pop() {
            if done[v as usize] || p != prio[v as usize] {
                continue;
            }
            // Lazy update: the priority may have grown since it was pushed.
            let fresh = c.priority(v);
            if let Some(&Reverse((next, _))) = heap.peek()
                && fresh > next
            {
                prio[v as usize] = fresh;
                heap.push(Reverse((fresh, v)));
                continue;
            }
            done[v as usize] = true;
            order.push(v);
            if order.len() % 1024 == 0 {
                progress.inc(1024);
            }
            up_lists[v as usize] =
                c.out[v as usize].iter().map(|l| Arc { other: l.other, edge: l.id, w: l.w }).collect();
            down_lists[v as usize] =
                c.inn[v as usize].iter().map(|l| Arc { other: l.other, edge: l.id, w: l.w }).collect();
            neighbours.clear();
            neighbours.extend(c.out[v as usize].iter().map(|l| l.other));
            neighbours.extend(c.inn[v as usize].iter().map(|l| l.other));
            neighbours.sort_unstable();
            neighbours.dedup();
            c.contract(v);
            for &x in &neighbours {
                c.level[x as usize] = c.level[x as usize].max(c.level[v as usize] + 1);
                let np = c.priority(x);
                if np != prio[x as usize] {
                    prio[x as usize] = np;
                    heap.push(Reverse((np, x)));
                }
            }
        }
        progress.finish();

        let mut rank = vec![0u32; n];
        for (r, &v) in order.iter().enumerate() {
            rank[v as usize] = r as u32;
        }
        let to_csr = |lists: &mut Vec<Vec<Arc>>| {
            let mut first = Vec::with_capacity(n + 1);
            let mut arcs = Vec::new();
            first.push(0u32);
            for &v in &order {
                let list = &mut lists[v as usize];
                for a in list.iter_mut() {
                    a.other = rank[a.other as usize];
                }
                list.sort_unstable_by_key(|a| (a.other, a.w));
                arcs.extend_from_slice(list);
                first.push(arcs.len() as u32);
            }
            (first, arcs)
        };
        let (up_first, up) = to_csr(&mut up_lists);
        let (down_first, down) = to_csr(&mut down_lists);
        Hierarchy { rank, node: order, up_first, up, down_first, down, unpack: c.unpack }
    }
}

impl Contractor {
    /// Shortcuts that contracting `v` would need.
    fn needed(&mut self, v: u32, out: &mut Vec<Needed>, limit: usize) {
        out.clear();
        let vi = v as usize;
        for a in 0..self.inn[vi].len() {
            let inl = self.inn[vi][a];
            let u = inl.other;
            let mut bound = Weight::ZERO;
            let mut any = false;
            for outl in &self.out[vi] {
                if outl.other != u {
                    bound = bound.max(inl.w.plus(outl.w));
                    any = true;
                }
            }
            if !any {
                continue;
            }
            let targets = self.out[vi].iter().map(|l| l.other).filter(|&x| x != u);
            self.witness.run(&self.out, u, v, bound, targets, limit);
            for outl in &self.out[vi] {
                let x = outl.other;
                if x == u {
                    continue;
                }
                let via = inl.w.plus(outl.w);
                if self.witness.dist(x) > via {
                    out.push(Needed {
                        from: u,
                        to: x,
                        w: via,
                        hops: inl.hops + outl.hops,
                        first: inl.id,
                        second: outl.id,
                    });
                }
            }
        }
    }

    /// Priority of `v`: lower is contracted earlier. Favours nodes deep in few levels whose removal adds few
    /// arcs and few hops per arc removed (the quotients of Geisberger et al. and of RoutingKit's ordering).
    fn priority(&mut self, v: u32) -> u64 {
        let mut needed = Vec::new();
        self.needed(v, &mut needed, SIMULATION_SETTLE_LIMIT);
        let vi = v as usize;
        let removed = (self.inn[vi].len() + self.out[vi].len()).max(1) as u64;
        let removed_hops: u64 =
            self.inn[vi].iter().chain(&self.out[vi]).map(|l| u64::from(l.hops)).sum::<u64>().max(1);
        let added = needed.len() as u64;
        let added_hops: u64 = needed.iter().map(|s| u64::from(s.hops)).sum();
        1 + 1000 * u64::from(self.level[vi]) + 1000 * added / removed + 1000 * added_hops / removed_hops
    }

    /// Removes `v` from the remaining graph, adding the shortcuts it needs.
    fn contract(&mut self, v: u32) {
        let mut needed = Vec::new();
        self.needed(v, &mut needed, WITNESS_SETTLE_LIMIT);
        for s in &needed {
            let existing = self.out[s.from as usize].iter().position(|l| l.other == s.to);
            match existing {
                Some(i) if self.out[s.from as usize][i].w <= s.w => continue,
                _ => {}
            }
            let id = self.unpack.len() as u32;
            self.unpack.push(Unpack { first: s.first, second: s.second });
            let link_out = Link { other: s.to, w: s.w, id, hops: s.hops };
            let link_in = Link { other: s.from, w: s.w, id, hops: s.hops };
            match existing {
                Some(i) => {
                    self.out[s.from as usize][i] = link_out;
                    if let Some(l) = self.inn[s.to as usize].iter_mut().find(|l| l.other == s.from) {
                        *l = link_in;
                    }
                }
                None => {
                    self.out[s.from as usize].push(link_out);
                    self.inn[s.to as usize].push(link_in);
                }
            }
        }
        let outs = std::mem::take(&mut self.out[v as usize]);
        let ins = std::mem::take(&mut self.inn[v as usize]);
        for l in &outs {
            self.inn[l.other as usize].retain(|x| x.other != v);
        }
        for l in &ins {
            self.out[l.other as usize].retain(|x| x.other != v);
        }
    }
}

/// A bounded Dijkstra over the remaining graph that avoids the node being contracted.
struct Witness {
    dist: Vec<Weight>,
    touched: Vec<u32>,
    heap: BinaryHeap<Reverse<(Weight, u32)>>,
    /// `target_mark[x] == round` when `x` is a target of the current search.
    target_mark: Vec<u32>,
    round: u32,
}

impl Witness {
    fn new(n: usize) -> Self {
        Self {
            dist: vec![Weight::INFINITY; n],
            touched: Vec::new(),
            heap: BinaryHeap::new(),
            target_mark: vec![0; n],
            round: 0,
        }
    }

    fn dist(&self, x: u32) -> Weight {
        self.dist[x as usize]
    }

    /// Settles nodes from `source` avoiding `avoid`, until every target is settled, the weights exceed `bound`,
    /// or the settle limit is hit.
    fn run(
        &mut self,
        out: &[Vec<Link>],
        source: u32,
        avoid: u32,
        bound: Weight,
        targets: impl Iterator<Item = u32>,
        limit: usize,
    ) {
        self.round = self.round.wrapping_add(1);
        if self.round == 0 {
            self.target_mark.fill(0);
            self.round = 1;
        }
        let mut remaining = 0usize;
        for t in targets {
            if self.target_mark[t as usize] != self.round {
                self.target_mark[t as usize] = self.round;
                remaining += 1;
            }
        }
        for &t in &self.touched {
            self.dist[t as usize] = Weight::INFINITY;
        }
        self.touched.clear();
        self.heap.clear();
        self.dist[source as usize] = Weight::ZERO;
        self.touched.push(source);
        self.heap.push(Reverse((Weight::ZERO, source)));
        let mut settled = 0;
        while let Some(Reverse((d, u))) = self.heap.pop() {
            if d > self.dist[u as usize] {
                continue;
            }
            if d > bound {
                break;
            }
            settled += 1;
            if self.target_mark[u as usize] == self.round {
                remaining -= 1;
                if remaining == 0 {
                    break;
                }
            }
            if settled > limit {
                break;
            }
            for l in &out[u as usize] {
                if l.other == avoid {
                    continue;
                }
                let nd = d.plus(l.w);
                if nd < self.dist[l.other as usize] {
                    if self.dist[l.other as usize].is_infinite() {
                        self.touched.push(l.other);
                    }
                    self.dist[l.other as usize] = nd;
                    self.heap.push(Reverse((nd, l.other)));
                }
            }
        }
    }
}
