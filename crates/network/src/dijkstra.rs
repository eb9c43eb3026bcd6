//! Plain Dijkstra on the base graph: the reference every faster query is tested against, and the engine of
//! isochrones (which need every node within a budget anyway).

use std::cmp::Reverse;
use std::collections::BinaryHeap;

use crate::graph::RoadGraph;
use crate::weight::Weight;

/// Reusable state of a one-to-all search; reset costs only what the last search touched.
#[derive(Clone, Debug)]
pub struct Dijkstra {
    dist: Vec<Weight>,
    parent: Vec<u32>,
    touched: Vec<u32>,
    heap: BinaryHeap<Reverse<(Weight, u32)>>,
}

/// Parent marker of a search's start nodes.
const START: u32 = u32::MAX;

impl Dijkstra {
    /// State for searches on a graph of `n` nodes.
    pub fn new(n: usize) -> Self {
        Self {
            dist: vec![Weight::INFINITY; n],
            parent: vec![START; n],
            touched: Vec::new(),
            heap: BinaryHeap::new(),
        }
    }

    /// Runs from `starts` (node, initial weight) and settles every node whose weight is at most `bound`.
    pub fn run(&mut self, g: &RoadGraph, starts: &[(u32, Weight)], bound: Weight) {
        for &u in &self.touched {
            self.dist[u as usize] = Weight::INFINITY;
            self.parent[u as usize] = START;
        }
        self.touched.clear();
        self.heap.clear();
        for &(u, w) in starts {
            if w < self.dist[u as usize] && w <= bound {
                if self.dist[u as usize].is_infinite() {
                    self.touched.push(u);
                }
                self.dist[u as usize] = w;
                self.heap.push(Reverse((w, u)));
            }
        }
        while let Some(Reverse((d, u))) = self.heap.pop() {
            if d > self.dist[u as usize] {
                continue;
            }
            for (e, v, w) in g.out_edges(u) {
                let nd = d.plus(w);
                if nd < self.dist[v as usize] && nd <= bound {
                    if self.dist[v as usize].is_infinite() {
                        self.touched.push(v);
                    }
                    self.dist[v as usize] = nd;
                    self.parent[v as usize] = e;
                    self.heap.push(Reverse((nd, v)));
                }
            }
        }
    }

    /// Weight of the best path to `u` found by the last run, or [`Weight::INFINITY`].
    pub fn dist(&self, u: u32) -> Weight {
        self.dist[u as usize]
    }

    /// Nodes the last run reached, in no particular order.
    pub fn reached(&self) -> &[u32] {
        &self.touched
    }

    /// The nodes of the best path from a start node to `u`, start first, or `None` if `u` was not reached.
    pub fn path_to(&self, g: &RoadGraph, u: u32) -> Option<Vec<u32>> {
        if self.dist[u as usize].is_infinite() {
            return None;
        }
        let mut nodes = vec![u];
        let mut cur = u;
        while self.parent[cur as usize] != START {
            let e = self.parent[cur as usize];
            // The tail of edge e is the node whose range holds e.
            let tail = g.first_out.partition_point(|&f| f <= e) as u32 - 1;
            nodes.push(tail);
            cur = tail;
        }
        nodes.reverse();
        Some(nodes)
    }
}
