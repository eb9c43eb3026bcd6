//! The nearest and second-nearest open site of each population cell.

use neuvo_model::{Millis, TravelMatrix};
use serde::{Deserialize, Serialize};

use crate::AccessError;

/// One open site reached from a cell: its column in the travel matrix and the travel time to it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct NearestSite {
    /// The site's column in the travel matrix.
    pub site: usize,
    /// The travel time from the cell to the site.
    pub time: Millis,
}

/// The nearest and second-nearest open sites of one cell.
///
/// Sites are ranked by travel time, ties broken by the smaller column, so the result does not depend on the
/// order of the open set. Unreachable sites are never ranked.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct CellNearest {
    /// The nearest reachable open site, or `None` when no open site can be reached from the cell.
    pub nearest: Option<NearestSite>,
    /// The second-nearest reachable open site (a different site from `nearest`), or `None` when fewer than two
    /// open sites can be reached.
    pub second: Option<NearestSite>,
}

impl CellNearest {
    /// The time to the nearest open site, or `None` when none can be reached.
    pub fn time(&self) -> Option<Millis> {
        self.nearest.map(|n| n.time)
    }

    /// The time to the second-nearest open site, or `None` when fewer than two can be reached.
    pub fn second_time(&self) -> Option<Millis> {
        self.second.map(|n| n.time)
    }
}

/// For each row (cell) of `matrix`, the nearest and second-nearest of the `open` site columns.
///
/// Duplicates in `open` count once. Returns one [`CellNearest`] per matrix row, in row order.
///
/// # Errors
///
/// [`AccessError::SiteOutOfRange`] when an open column is not a column of `matrix`.
pub fn nearest_open(matrix: &TravelMatrix, open: &[usize]) -> Result<Vec<CellNearest>, AccessError> {
    let cols = matrix.cols();
    if let Some(&site) = open.iter().find(|&&s| s >= cols) {
        return Err(AccessError::SiteOutOfRange { site, cols });
    }
    let mut sites = open.to_vec();
    sites.sort_unstable();
    sites.dedup();
    let mut out = Vec::with_capacity(matrix.rows());
    for r in 0..matrix.rows() {
        let mut best: Option<NearestSite> = None;
        let mut second: Option<NearestSite> = None;
        // `sites` is ascending, so a strict comparison keeps the smaller column on ties.
        for &site in &sites {
            let Some(time) = matrix.time(r, site) else { continue };
            let cand = NearestSite { site, time };
            match best {
                Some(b) if time >= b.time => {
                    if second.is_none_or(|s| time < s.time) {
                        second = Some(cand);
                    }
                }
                _ => {
                    second = best;
                    best = Some(cand);
                }
            }
        }
        out.push(CellNearest { nearest: best, second });
    }
    Ok(out)
}
