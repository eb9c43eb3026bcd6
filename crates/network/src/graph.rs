//! The base road graph of one mode, in compressed sparse row form.

use neuvo_model::{Centimeters, LonLat, Millis};
use serde::{Deserialize, Serialize};

use crate::weight::Weight;

/// A directed road graph: nodes are OSM nodes (or fixture points), edges are the straight pieces of ways
/// between consecutive nodes, each with a [`Weight`] (milliseconds and centimetres).
///
/// *Invariant:* the graph is strongly connected (the builder keeps the largest strongly connected component),
/// has no self loops and no parallel edges, and edges of node `u` are `first_out[u]..first_out[u + 1]`.
#[derive(Clone, Debug, PartialEq)]
pub struct RoadGraph {
    pub(crate) coords: Vec<[i32; 2]>,
    pub(crate) osm_ids: Vec<i64>,
    pub(crate) first_out: Vec<u32>,
    pub(crate) head: Vec<u32>,
    pub(crate) weight: Vec<Weight>,
}

impl RoadGraph {
    /// Number of nodes.
    pub fn node_count(&self) -> usize {
        self.coords.len()
    }

    /// Number of directed edges.
    pub fn edge_count(&self) -> usize {
        self.head.len()
    }

    /// Position of node `u`.
    pub fn coord(&self, u: u32) -> LonLat {
        let [lon, lat] = self.coords[u as usize];
        LonLat::from_e7(lon, lat)
    }

    /// The OSM id (or fixture id) node `u` was built from.
    pub fn osm_id(&self, u: u32) -> i64 {
        self.osm_ids[u as usize]
    }

    /// The node built from OSM node `osm_id`, if it is in the graph. Node ids ascend with OSM ids when the
    /// builder was fed in that order (as the OSM importer does), so this is a binary search.
    pub fn node_of_osm_id(&self, osm_id: i64) -> Option<u32> {
        if self.osm_ids.windows(2).all(|w| w[0] < w[1]) {
            self.osm_ids.binary_search(&osm_id).ok().map(|i| i as u32)
        } else {
            self.osm_ids.iter().position(|&x| x == osm_id).map(|i| i as u32)
        }
    }

    /// Edges leaving `u`, as (edge index, head node, weight).
    pub fn out_edges(&self, u: u32) -> impl Iterator<Item = (u32, u32, Weight)> + '_ {
        let r = self.first_out[u as usize]..self.first_out[u as usize + 1];
        r.map(move |e| (e, self.head[e as usize], self.weight[e as usize]))
    }

    /// The edge from `u` to `v`, if there is one.
    pub fn edge_between(&self, u: u32, v: u32) -> Option<(u32, Weight)> {
        self.out_edges(u).find(|&(_, h, _)| h == v).map(|(e, _, w)| (e, w))
    }

    /// Head node of edge `e`.
    pub fn edge_head(&self, e: u32) -> u32 {
        self.head[e as usize]
    }

    /// Weight of edge `e`.
    pub fn edge_weight(&self, e: u32) -> Weight {
        self.weight[e as usize]
    }

    /// Smallest box holding every node, as (min lon, min lat, max lon, max lat).
    pub fn bbox(&self) -> Option<[f64; 4]> {
        let mut it = self.coords.iter();
        let first = it.next()?;
        let mut b = [first[0], first[1], first[0], first[1]];
        for c in it {
            b = [b[0].min(c[0]), b[1].min(c[1]), b[2].max(c[0]), b[3].max(c[1])];
        }
        Some(b.map(|v| f64::from(v) * 1e-7))
    }

    /// Sum of all edge lengths in kilometres (each direction counted).
    pub fn total_length_km(&self) -> f64 {
        self.weight.iter().map(|w| w.dist().as_m_f64()).sum::<f64>() / 1000.0
    }
}

/// What the builder did to its input: how many nodes and edges came in and what was dropped, and why.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct BuildReport {
    /// Nodes given to the builder.
    pub nodes_in: usize,
    /// Directed edges given to the builder.
    pub edges_in: usize,
    /// Edges from a node to itself, dropped.
    pub self_loops_dropped: usize,
    /// Parallel edges merged (the smallest weight is kept).
    pub parallel_edges_merged: usize,
    /// Nodes that no edge touches, dropped.
    pub isolated_nodes_dropped: usize,
    /// Strongly connected components among the touched nodes.
    pub components: usize,
    /// Nodes outside the largest strongly connected component, dropped.
    pub nodes_dropped_outside_largest_component: usize,
    /// Edges with an end outside the largest strongly connected component, dropped.
    pub edges_dropped_outside_largest_component: usize,
    /// Nodes kept.
    pub nodes: usize,
    /// Directed edges kept.
    pub edges: usize,
}

/// Collects nodes and edges and builds a [`RoadGraph`] restricted to its largest strongly connected component.
#[derive(Clone, Debug, Default)]
pub struct GraphBuilder {
    coords: Vec<[i32; 2]>,
    osm_ids: Vec<i64>,
    edges: Vec<(u32, u32, Weight)>,
}

impl GraphBuilder {
    /// An empty builder.
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds a node at `lon_e7`, `lat_e7` (OSM's 1e-7 degree units) and returns its builder index.
    pub fn add_node(&mut self, osm_id: i64, lon_e7: i32, lat_e7: i32) -> u32 {
        self.coords.push([lon_e7, lat_e7]);
        self.osm_ids.push(osm_id);
        (self.coords.len() - 1) as u32
    }

    /// Position of builder node `u`.
    pub fn coord(&self, u: u32) -> LonLat {
        let [lon, lat] = self.coords[u as usize];
        LonLat::from_e7(lon, lat)
    }

    /// Number of nodes added so far.
    pub fn node_count(&self) -> usize {
        self.coords.len()
    }

    /// Adds a directed edge with an explicit weight.
    pub fn add_edge(&mut self, from: u32, to: u32, weight: Weight) {
        self.edges.push((from, to, weight));
    }

    /// Adds a directed edge of the straight line between its nodes, travelled at `speed_kmh`.
    pub fn add_edge_at_speed(&mut self, from: u32, to: u32, speed_kmh: f64) {
        let len = self.coord(from).haversine_m(self.coord(to));
        self.add_edge(from, to, Weight::of_travel(len, speed_kmh));
    }

    /// Builds the graph: drops self loops, merges parallel edges (keeping the smallest weight) and keeps the
    /// largest strongly connected component (ties broken towards the component with the smallest node index).
    /// Node order is kept, so node ids ascend as builder indices do.
    pub fn build(self) -> (RoadGraph, BuildReport) {
        let GraphBuilder { coords, osm_ids, mut edges } = self;
        let mut report = BuildReport { nodes_in: coords.len(), edges_in: edges.len(), ..Default::default() };
        let before = edges.len();
        edges.retain(|&(u, v, _)| u != v);
        report.self_loops_dropped = before - edges.len();
        edges.sort_unstable_by_key(|&(u, v, w)| (u, v, w));
        let before = edges.len();
        edges.dedup_by_key(|&mut (u, v, _)| (u, v));
        report.parallel_edges_merged = before - edges.len();

        let n = coords.len();
        let mut touched = vec![false; n];
        for &(u, v, _) in &edges {
            touched[u as usize] = true;
            touched[v as usize] = true;
        }
        report.isolated_nodes_dropped = touched.iter().filter(|t| !**t).count();

        let keep = largest_scc(n, &edges, &touched, &mut report);
        let mut new_id = vec![u32::MAX; n];
        let mut g = RoadGraph {
            coords: Vec::new(),
            osm_ids: Vec::new(),
            first_out: Vec::new(),
            head: Vec::new(),
            weight: Vec::new(),
        };
        for u in 0..n {
            if keep[u] {
                new_id[u] = g.coords.len() as u32;
                g.coords.push(coords[u]);
                g.osm_ids.push(osm_ids[u]);
            }
        }
        let kept_edges: Vec<_> = edges
            .iter()
            .filter(|&&(u, v, _)| keep[u as usize] && keep[v as usize])
            .map(|&(u, v, w)| (new_id[u as usize], new_id[v as usize], w))
            .collect();
        report.edges_dropped_outside_largest_component = edges.len() - kept_edges.len();
        // Edges are sorted by (u, v) in old ids, and renumbering keeps order, so they are sorted by new tail.
        g.first_out = vec![0; g.coords.len() + 1];
        for &(u, _, _) in &kept_edges {
            g.first_out[u as usize + 1] += 1;
        }
        for i in 0..g.coords.len() {
            g.first_out[i + 1] += g.first_out[i];
        }
        g.head = kept_edges.iter().map(|e| e.1).collect();
        g.weight = kept_edges.iter().map(|e| e.2).collect();
        report.nodes = g.coords.len();
        report.edges = g.head.len();
        (g, report)
    }
}

/// Marks the nodes of the largest strongly connected component among `touched` nodes.
fn largest_scc(
    n: usize,
    edges: &[(u32, u32, Weight)],
    touched: &[bool],
    report: &mut BuildReport,
) -> Vec<bool> {
    use petgraph::graph::{DiGraph, NodeIndex};
    let mut g: DiGraph<(), (), u32> = DiGraph::with_capacity(n, edges.len());
    for _ in 0..n {
        g.add_node(());
    }
    for &(u, v, _) in edges {
        g.add_edge(NodeIndex::new(u as usize), NodeIndex::new(v as usize), ());
    }
    // Kosaraju with explicit stacks: petgraph's Tarjan recurses and overflows the stack on long road chains.
    let comps = petgraph::algo::kosaraju_scc(&g);
    let mut best: Option<(usize, usize, usize)> = None; // (size, smallest node, component index)
    let mut count = 0;
    for (i, c) in comps.iter().enumerate() {
        let min = c.iter().map(|x| x.index()).min().unwrap_or(usize::MAX);
        if min == usize::MAX || !touched[min] {
            continue;
        }
        count += 1;
        let better = match best {
            None => true,
            Some((size, smallest, _)) => c.len() > size || (c.len() == size && min < smallest),
        };
        if better {
            best = Some((c.len(), min, i));
        }
    }
    report.components = count;
    let mut keep = vec![false; n];
    if let Some((_, _, i)) = best {
        for x in &comps[i] {
            keep[x.index()] = true;
        }
    }
    let touched_count = touched.iter().filter(|t| **t).count();
    report.nodes_dropped_outside_largest_component = touched_count - keep.iter().filter(|k| **k).count();
    keep
}

/// Convenience for tests and fixtures: a weight from seconds and metres.
pub fn weight_of(secs: f64, metres: f64) -> Weight {
    Weight::new(Millis::from_secs_f64(secs), Centimeters::from_m_f64(metres))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn w(t: u32) -> Weight {
        Weight::new(Millis(t), Centimeters(t))
    }

    #[test]
    fn keeps_the_largest_strongly_connected_component_and_reports_the_rest() {
        let mut b = GraphBuilder::new();
        for i in 0..7 {
            b.add_node(100 + i, i as i32, 0);
        }
        // Cycle 0-1-2, a one-way tail 2->3, a two-node island 4<->5, node 6 untouched, a loop 1->1, parallel 0->1.
        for (u, v, t) in
            [(0, 1, 5), (1, 2, 5), (2, 0, 5), (2, 3, 1), (4, 5, 1), (5, 4, 1), (1, 1, 1), (0, 1, 3)]
        {
            b.add_edge(u, v, w(t));
        }
        let (g, r) = b.build();
        assert_eq!(g.node_count(), 3);
        assert_eq!(g.edge_count(), 3);
        assert_eq!(r.self_loops_dropped, 1);
        assert_eq!(r.parallel_edges_merged, 1);
        assert_eq!(r.isolated_nodes_dropped, 1);
        assert_eq!(r.components, 3, "{{0,1,2}}, {{3}}, {{4,5}}");
        assert_eq!(r.nodes_dropped_outside_largest_component, 3);
        assert_eq!(r.edges_dropped_outside_largest_component, 3);
        assert_eq!(g.edge_between(0, 1).map(|e| e.1), Some(w(3)), "the smaller parallel edge is kept");
        assert_eq!(g.osm_id(2), 102);
        assert_eq!(g.node_of_osm_id(101), Some(1));
    }

    #[test]
    fn an_empty_builder_gives_an_empty_graph() {
        let (g, r) = GraphBuilder::new().build();
        assert_eq!(g.node_count(), 0);
        assert_eq!(r.components, 0);
        assert_eq!(g.bbox(), None);
    }
}
