//! One-to-one queries: a bidirectional upward search with stall-on-demand, and path unpacking.

use std::cmp::Reverse;
use std::collections::BinaryHeap;

use super::Hierarchy;
use crate::weight::Weight;

/// Marker for "no parent": the node is a start node of its search.
const NONE: u32 = u32::MAX;

/// The labels of one upward search, reset in time proportional to what it touched.
#[derive(Clone, Debug)]
pub(crate) struct Labels {
    pub(crate) dist: Vec<Weight>,
    parent: Vec<(u32, u32)>,
    touched: Vec<u32>,
    heap: BinaryHeap<Reverse<(Weight, u32)>>,
}

impl Labels {
    pub(crate) fn new(n: usize) -> Self {
        Self {
            dist: vec![Weight::INFINITY; n],
            parent: vec![(NONE, NONE); n],
            touched: Vec::new(),
            heap: BinaryHeap::new(),
        }
    }

    pub(crate) fn reset(&mut self) {
        for &t in &self.touched {
            self.dist[t as usize] = Weight::INFINITY;
            self.parent[t as usize] = (NONE, NONE);
        }
        self.touched.clear();
        self.heap.clear();
    }

    pub(crate) fn start(&mut self, r: u32, w: Weight) {
        self.improve(r, w, (NONE, NONE));
    }

    fn improve(&mut self, r: u32, w: Weight, parent: (u32, u32)) {
        let cur = &mut self.dist[r as usize];
        if w < *cur {
            if cur.is_infinite() {
                self.touched.push(r);
            }
            *cur = w;
            self.parent[r as usize] = parent;
            self.heap.push(Reverse((w, r)));
        }
    }

    fn min_key(&self) -> Weight {
        self.heap.peek().map_or(Weight::INFINITY, |Reverse((w, _))| *w)
    }

    /// Pops the next node to settle, skipping outdated heap entries.
    fn pop(&mut self) -> Option<(Weight, u32)> {
        while let Some(Reverse((d, r))) = self.heap.pop() {
            if d == self.dist[r as usize] {
                return Some((d, r));
            }
        }
        None
    }

    /// Settles the next node of an upward search over `arcs_up`, using `arcs_stall` (arcs coming from higher
    /// nodes in this search's direction) for stall-on-demand. Returns the node, its weight, and whether it was
    /// stalled (a stalled node's label is not optimal and its arcs are not relaxed).
    pub(crate) fn settle_next(&mut self, ch: &Hierarchy, forward: bool) -> Option<(u32, Weight, bool)> {
        let (d, r) = self.pop()?;
        let stall_arcs = if forward { ch.down_arcs(r) } else { ch.up_arcs(r) };
        for a in stall_arcs {
            if self.dist[a.other as usize].plus(a.w) < d {
                return Some((r, d, true));
            }
        }
        let arcs = if forward { ch.up_arcs(r) } else { ch.down_arcs(r) };
        for a in arcs {
            self.improve(a.other, d.plus(a.w), (r, a.edge));
        }
        Some((r, d, false))
    }
}

/// The result of a one-to-one query: weight, the start and end nodes used, and the base edges in between.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ChPath {
    /// Weight of the path, including the start and end offsets given to the query.
    pub weight: Weight,
    /// The base node where the path enters the network (one of the query's start nodes).
    pub first_node: u32,
    /// The base node where the path leaves the network (one of the query's end nodes).
    pub last_node: u32,
    /// Base-graph edges in travel order.
    pub edges: Vec<u32>,
}

/// Reusable state for one-to-one queries on one hierarchy (one per thread).
#[derive(Clone, Debug)]
pub struct ChQuery {
    fwd: Labels,
    bwd: Labels,
}

impl ChQuery {
    /// Query state for `ch`.
    pub fn new(ch: &Hierarchy) -> Self {
        Self { fwd: Labels::new(ch.node_count()), bwd: Labels::new(ch.node_count()) }
    }

    /// The best path from any of `sources` to any of `targets`, given as (base node, offset weight): a source's
    /// offset is the weight already spent to reach it, a target's the weight still to spend after it.
    pub fn path(
        &mut self,
        ch: &Hierarchy,
        sources: &[(u32, Weight)],
        targets: &[(u32, Weight)],
    ) -> Option<ChPath> {
        self.fwd.reset();
        self.bwd.reset();
        for &(u, w) in sources {
            self.fwd.start(ch.rank[u as usize], w);
        }
        for &(u, w) in targets {
            self.bwd.start(ch.rank[u as usize], w);
        }
        let mut best = Weight::INFINITY;
        let mut meet = NONE;
        for &t in &self.fwd.touched {
            let s = self.fwd.dist[t as usize].plus(self.bwd.dist[t as usize]);
            if s < best {
                best = s;
                meet = t;
            }
        }
        loop {
            let (kf, kb) = (self.fwd.min_key(), self.bwd.min_key());
            if kf.min(kb) >= best {
                break;
            }
            let (labels, other, forward) =
                if kf <= kb { (&mut self.fwd, &self.bwd, true) } else { (&mut self.bwd, &self.fwd, false) };
            let Some((r, d, _stalled)) = labels.settle_next(ch, forward) else { continue };
            let s = d.plus(other.dist[r as usize]);
            if s < best {
                best = s;
                meet = r;
            }
        }
        if meet == NONE {
            return None;
        }
        // Walk both parent chains from the meeting node.
        let mut up_edges = Vec::new();
        let mut r = meet;
        while self.fwd.parent[r as usize].0 != NONE {
            let (p, e) = self.fwd.parent[r as usize];
            up_edges.push(e);
            r = p;
        }
        let first_node = ch.node[r as usize];
        let mut edges = Vec::new();
        for &e in up_edges.iter().rev() {
            ch.unpack_into(e, &mut edges);
        }
        let mut r = meet;
        while self.bwd.parent[r as usize].0 != NONE {
            let (p, e) = self.bwd.parent[r as usize];
            ch.unpack_into(e, &mut edges);
            r = p;
        }
        let last_node = ch.node[r as usize];
        Some(ChPath { weight: best, first_node, last_node, edges })
    }
}
