//! Walking transfers between stops, as seconds at one walking speed, in CSR form.

use crate::timetable::Secs;

/// For each stop, the stops one may walk to after alighting there, with the walk's duration.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Transfers {
    first: Vec<u32>,
    to: Vec<(u32, Secs)>,
}

impl Transfers {
    /// Transfers among `n_stops` stops from `(from, to, seconds)` triples; a pair given twice keeps the shorter
    /// walk, and a walk from a stop to itself is dropped (staying is always allowed).
    pub fn new(n_stops: usize, mut pairs: Vec<(u32, u32, Secs)>) -> Transfers {
        pairs.retain(|&(a, b, _)| a != b && (a as usize) < n_stops && (b as usize) < n_stops);
        pairs.sort_unstable();
        pairs.dedup_by_key(|p| (p.0, p.1));
        let mut first = vec![0u32; n_stops + 1];
        for &(a, _, _) in &pairs {
            first[a as usize + 1] += 1;
        }
        for s in 0..n_stops {
            first[s + 1] += first[s];
        }
        Transfers { first, to: pairs.into_iter().map(|(_, b, t)| (b, t)).collect() }
    }

    /// No transfers among `n_stops` stops.
    pub fn none(n_stops: usize) -> Transfers {
        Transfers::new(n_stops, Vec::new())
    }

    /// The walks from stop `s`.
    #[inline]
    pub fn from(&self, s: u32) -> &[(u32, Secs)] {
        match (self.first.get(s as usize), self.first.get(s as usize + 1)) {
            (Some(&a), Some(&b)) => &self.to[a as usize..b as usize],
            _ => &[],
        }
    }

    /// How many stops the transfers are defined over.
    pub fn stop_count(&self) -> usize {
        self.first.len().saturating_sub(1)
    }

    /// How many walks there are in all.
    pub fn len(&self) -> usize {
        self.to.len()
    }

    /// Whether there is no walk at all.
    pub fn is_empty(&self) -> bool {
        self.to.is_empty()
    }
}
