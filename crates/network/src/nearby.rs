//! Bounded one-to-many searches: from one point, every target within a budget, by one plain Dijkstra that stops
//! at the budget. Transit uses it for walking to and from stops and between them, where each search is short and
//! a hierarchy's many-to-many would visit far more than the few hundred metres that matter.

use crate::dijkstra::Dijkstra;
use crate::network::Network;
use crate::snap::Snap;
use crate::weight::Weight;

/// Targets indexed for bounded searches: which targets each node leads to (with the weight still to spend), and
/// which targets lie on each segment (for a source on the same segment, whose best path may touch no node).
#[derive(Clone, Debug)]
pub struct NearbyIndex {
    targets: Vec<Option<Snap>>,
    /// `(node, target, weight from the node to the target)`, sorted by node.
    by_node: Vec<(u32, u32, Weight)>,
    /// `(segment, target)`, sorted.
    by_segment: Vec<(u32, u32)>,
}

impl NearbyIndex {
    /// How many targets the index holds (snapped or not).
    pub fn len(&self) -> usize {
        self.targets.len()
    }

    /// Whether the index holds no target.
    pub fn is_empty(&self) -> bool {
        self.targets.is_empty()
    }

    /// Target `j` as snapped, or `None` when it could not be.
    pub fn target(&self, j: usize) -> Option<&Snap> {
        self.targets.get(j).and_then(Option::as_ref)
    }
}

impl Network {
    /// Indexes `targets` (`None` for points that could not be snapped) for [`Network::nearby`].
    pub fn nearby_index(&self, targets: Vec<Option<Snap>>) -> NearbyIndex {
        let mut by_node = Vec::new();
        let mut by_segment = Vec::new();
        for (j, t) in targets.iter().enumerate() {
            if let Some(s) = t {
                by_node.extend(s.arrive.iter().map(|&(u, w)| (u, j as u32, w)));
                by_segment.extend(s.cands.iter().map(|c| (c.segment, j as u32)));
            }
        }
        by_node.sort_unstable();
        by_segment.sort_unstable();
        by_segment.dedup();
        NearbyIndex { targets, by_node, by_segment }
    }

    /// A search state sized for this network, to reuse across [`Network::nearby`] calls.
    pub fn dijkstra(&self) -> Dijkstra {
        Dijkstra::new(self.graph.node_count())
    }

    /// Every target of `index` whose best weight from `from` is at most `bound`, with that weight, sorted by
    /// target. The weights are exactly those of [`Network::dijkstra_weights`] (same paths, same ties).
    pub fn nearby(
        &self,
        dij: &mut Dijkstra,
        index: &NearbyIndex,
        from: &Snap,
        bound: Weight,
        out: &mut Vec<(u32, Weight)>,
    ) {
        out.clear();
        dij.run(&self.graph, &from.leave, bound);
        for &u in dij.reached() {
            let d = dij.dist(u);
            let lo = index.by_node.partition_point(|&(v, _, _)| v < u);
            for &(v, j, w) in &index.by_node[lo..] {
                if v != u {
                    break;
                }
                let total = d.plus(w);
                if total <= bound {
                    out.push((j, total));
                }
            }
        }
        for c in &from.cands {
            let lo = index.by_segment.partition_point(|&(s, _)| s < c.segment);
            for &(s, j) in &index.by_segment[lo..] {
                if s != c.segment {
                    break;
                }
                if let Some(t) = &index.targets[j as usize]
                    && let Some(w) = self.snapper.direct(from, t)
                    && w <= bound
                {
                    out.push((j, w));
                }
            }
        }
        // Sorted by target then weight: the first entry of each target is its best.
        out.sort_unstable();
        out.dedup_by_key(|e| e.0);
    }
}
