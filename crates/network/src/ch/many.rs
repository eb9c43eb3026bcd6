//! Many-to-many tables with buckets: one backward upward search per target fills buckets at the nodes it
//! settles; one forward upward search per source scans the buckets of the nodes it settles.

use super::Hierarchy;
use super::query::Labels;
use crate::weight::Weight;

/// Buckets of a set of targets, ready for any number of source rows.
///
/// Memory is one entry per (target, node settled by its backward search): a few hundred per target on city
/// networks, far less than a full table.
#[derive(Clone, Debug)]
pub struct ManyToMany<'a> {
    ch: &'a Hierarchy,
    targets: usize,
    first: Vec<u32>,
    entries: Vec<(u32, Weight)>,
}

impl<'a> ManyToMany<'a> {
    /// Runs the backward searches of `targets`, each given as its (base node, weight still to spend) entries.
    /// `targets[j]` empty means the target is unreachable. With `parallel`, the searches run on the current rayon
    /// pool; the result is the same either way.
    pub fn new(ch: &'a Hierarchy, targets: &[Vec<(u32, Weight)>], parallel: bool) -> Self {
        let n = ch.node_count();
        const CHUNK: usize = 32;
        let search = |labels: &mut Labels, first_target: usize, chunk: &[Vec<(u32, Weight)>]| {
            let mut spaces: Vec<(u32, u32, Weight)> = Vec::new();
            for (k, entries) in chunk.iter().enumerate() {
                labels.reset();
                for &(u, w) in entries {
                    labels.start(ch.rank[u as usize], w);
                }
                while let Some((r, d, stalled)) = labels.settle_next(ch, false) {
                    if !stalled {
                        spaces.push((r, (first_target + k) as u32, d));
                    }
                }
            }
            spaces
        };
        let parts: Vec<Vec<(u32, u32, Weight)>> = if parallel {
            use rayon::prelude::*;
            targets
                .par_chunks(CHUNK)
                .enumerate()
                .map_init(|| Labels::new(n), |labels, (c, chunk)| search(labels, c * CHUNK, chunk))
                .collect()
        } else {
            let mut labels = Labels::new(n);
            targets
                .chunks(CHUNK)
                .enumerate()
                .map(|(c, chunk)| search(&mut labels, c * CHUNK, chunk))
                .collect()
        };
        let mut first = vec![0u32; n + 1];
        for &(r, _, _) in parts.iter().flatten() {
            first[r as usize + 1] += 1;
        }
        for i in 0..n {
            first[i + 1] += first[i];
        }
        let mut fill = first.clone();
        let total = first[n] as usize;
        let mut entries = vec![(0u32, Weight::INFINITY); total];
        for &(r, j, d) in parts.iter().flatten() {
            entries[fill[r as usize] as usize] = (j, d);
            fill[r as usize] += 1;
        }
        Self { ch, targets: targets.len(), first, entries }
    }

    /// Number of targets.
    pub fn target_count(&self) -> usize {
        self.targets
    }

    /// Bucket entries held, for memory reports.
    pub fn bucket_entries(&self) -> usize {
        self.entries.len()
    }

    /// Fresh search state for [`ManyToMany::row`]; keep one per thread.
    pub fn state(&self) -> RowState {
        RowState { labels: Labels::new(self.ch.node_count()) }
    }

    /// Fills `row[j]` with the best weight from `source` (its (base node, weight already spent) entries) to
    /// target `j`, or [`Weight::INFINITY`].
    pub fn row(&self, state: &mut RowState, source: &[(u32, Weight)], row: &mut [Weight]) {
        assert_eq!(row.len(), self.targets, "a row has one cell per target");
        row.fill(Weight::INFINITY);
        let labels = &mut state.labels;
        labels.reset();
        for &(u, w) in source {
            labels.start(self.ch.rank[u as usize], w);
        }
        while let Some((r, d, stalled)) = labels.settle_next(self.ch, true) {
            if stalled {
                continue;
            }
            let range = self.first[r as usize] as usize..self.first[r as usize + 1] as usize;
            for &(j, w) in &self.entries[range] {
                let s = d.plus(w);
                let cell = &mut row[j as usize];
                if s < *cell {
                    *cell = s;
                }
            }
        }
    }
}

/// Per-thread search state of [`ManyToMany::row`].
#[derive(Clone, Debug)]
pub struct RowState {
    labels: Labels,
}
