//! Accessibility of a scenario's open sites for the population: pure computation over a travel matrix
//! (rows = population cells, columns = sites) and a [`neuvo_model::Demand`].
//!
//! - [`mod@nearest`]: for each cell, the nearest and second-nearest open site and the times to them.
//! - [`mod@measures`]: per group, city-wide and per district: shares within time thresholds, mean, weighted median
//!   and P90, Gini coefficient and Palma ratio of the time to the nearest open site.
//! - [`mod@compare`]: the per-cell difference of two scenarios (before, after), winners and losers by group and
//!   district, and the largest losses.
//!
//! Travel times come in [`neuvo_model::Millis`], the matrix's unit; summaries are reported in minutes.

#![forbid(unsafe_code)]

pub mod compare;
pub mod measures;
pub mod nearest;

pub use compare::{CellChange, ChangeTally, Comparison, DistrictChange, GroupComparison, compare};
pub use measures::{
    AccessSummary, DistrictSummary, GroupMeasures, MeasureOptions, ScenarioMeasures, ThresholdShare, gini,
    lorenz_total, measure, measure_open, palma, summarize, weighted_mean, weighted_quantile,
};
pub use nearest::{CellNearest, NearestSite, nearest_open};

/// What can go wrong when computing access measures: inputs whose sizes do not agree.
#[derive(Clone, Debug, PartialEq, thiserror::Error)]
pub enum AccessError {
    /// An open site's column is not a column of the travel matrix.
    #[error("open site column {site} is outside a matrix with {cols} site columns")]
    SiteOutOfRange {
        /// The offending column.
        site: usize,
        /// The number of site columns in the matrix.
        cols: usize,
    },
    /// Two inputs that must have one entry per cell have different lengths.
    #[error("{what} has {found} entries but demand has {expected} cells")]
    CellCountMismatch {
        /// Which input is wrong (`"travel times"`, `"before times"`, ...).
        what: &'static str,
        /// The number of demand cells.
        expected: usize,
        /// The number of entries found.
        found: usize,
    },
    /// A demand cell has a number of group values different from the number of groups.
    #[error("demand cell {cell} has {found} group values but there are {expected} groups")]
    GroupCountMismatch {
        /// The position of the cell in the demand.
        cell: usize,
        /// The number of groups.
        expected: usize,
        /// The number of values the cell has.
        found: usize,
    },
    /// A threshold is not a finite, non-negative number of minutes.
    #[error("threshold {0} min is not a finite, non-negative number of minutes")]
    BadThreshold(f64),
}

/// Converts a travel time to minutes.
pub fn minutes(t: neuvo_model::Millis) -> f64 {
    f64::from(t.0) / 60_000.0
}
