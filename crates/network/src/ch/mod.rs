//! Contraction hierarchies: preprocessing that makes shortest-path queries on road networks fast.
//!
//! Nodes are *contracted* one by one in order of importance: removing a node adds a *shortcut* between two of its
//! neighbours whenever the path through it was the only best one (a local *witness search* looks for another).
//! Afterwards every shortest path can be found by searching *upwards* (towards more important nodes) from both
//! ends; the two searches meet at the path's most important node. This module provides the preprocessing
//! ([`Hierarchy::build`]), one-to-one queries with path unpacking, and bucket-based many-to-many tables
//! (Geisberger et al. 2008; Knopp et al. 2007).
//!
//! Node ids inside the hierarchy are *ranks* (0 = contracted first, least important), so that the most
//! important nodes, which every search visits, sit together in memory.

mod contract;
mod many;
mod query;

pub use many::{ManyToMany, RowState};
pub use query::{ChPath, ChQuery};

use crate::weight::Weight;

/// One arc of the upward or downward search graph.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Arc {
    /// The other end, as a rank.
    pub(crate) other: u32,
    /// Index into [`Hierarchy::unpack`].
    pub(crate) edge: u32,
    /// Weight of the arc.
    pub(crate) w: Weight,
}

/// How an arc unpacks: either one base-graph edge, or two arcs (first half, second half).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Unpack {
    pub(crate) first: u32,
    pub(crate) second: u32,
}

impl Unpack {
    pub(crate) const ORIGINAL: u32 = u32::MAX;

    pub(crate) fn is_original(self) -> bool {
        self.second == Self::ORIGINAL
    }
}

/// A contraction hierarchy over a [`crate::RoadGraph`].
///
/// *Invariant:* for every pair of nodes, the best up–down path in the hierarchy has the same [`Weight`] as the
/// best path in the base graph, and unpacks to a path of base edges with exactly that weight.
#[derive(Clone, Debug, PartialEq)]
pub struct Hierarchy {
    /// Rank of each base node.
    pub(crate) rank: Vec<u32>,
    /// Base node of each rank.
    pub(crate) node: Vec<u32>,
    /// Upward arcs leaving each rank: `up_first[r]..up_first[r + 1]` in `up`.
    pub(crate) up_first: Vec<u32>,
    pub(crate) up: Vec<Arc>,
    /// Arcs entering each rank from a higher rank: `down_first[r]..down_first[r + 1]` in `down`.
    pub(crate) down_first: Vec<u32>,
    pub(crate) down: Vec<Arc>,
    /// How each arc id unpacks.
    pub(crate) unpack: Vec<Unpack>,
}

/// Figures about a hierarchy, for reports and benchmarks.
#[derive(Clone, Debug, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct HierarchyStats {
    /// Nodes.
    pub nodes: usize,
    /// Base edges.
    pub edges: usize,
    /// Shortcuts added by contraction.
    pub shortcuts: usize,
    /// Upward plus downward arcs in the search graph.
    pub search_arcs: usize,
}

impl Hierarchy {
    /// Number of nodes.
    pub fn node_count(&self) -> usize {
        self.rank.len()
    }

    /// Figures about this hierarchy.
    pub fn stats(&self) -> HierarchyStats {
        let originals = self.unpack.iter().filter(|u| u.is_original()).count();
        HierarchyStats {
            nodes: self.rank.len(),
            edges: originals,
            shortcuts: self.unpack.len() - originals,
            search_arcs: self.up.len() + self.down.len(),
        }
    }

    pub(crate) fn up_arcs(&self, r: u32) -> &[Arc] {
        &self.up[self.up_first[r as usize] as usize..self.up_first[r as usize + 1] as usize]
    }

    pub(crate) fn down_arcs(&self, r: u32) -> &[Arc] {
        &self.down[self.down_first[r as usize] as usize..self.down_first[r as usize + 1] as usize]
    }

    /// Appends the base edges of arc `edge` to `out`, in travel order.
    pub(crate) fn unpack_into(&self, edge: u32, out: &mut Vec<u32>) {
        let mut stack = vec![edge];
        while let Some(e) = stack.pop() {
            let u = self.unpack[e as usize];
            if u.is_original() {
                out.push(u.first);
            } else {
                stack.push(u.second);
                stack.push(u.first);
            }
        }
    }
}
