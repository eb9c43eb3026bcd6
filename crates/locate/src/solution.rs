//! The output of a solve: the plan, its objective and how sure we are of it.

use neuvo_model::Millis;
use serde::{Deserialize, Serialize};

use crate::params::Model;

/// How good the returned plan is known to be.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    /// Proven optimal (within `mip_rel_gap`).
    Optimal,
    /// The time limit stopped the MILP; `bound` and `gap` say how far from optimal the plan may be.
    TimeLimit,
    /// The heuristic's plan, with no optimality bound.
    Heuristic,
}

/// Which algorithms produced the plan.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum MethodUsed {
    /// The MILP alone.
    Exact,
    /// The greedy + swap heuristic alone.
    Heuristic,
    /// The heuristic, then the MILP warm-started from its plan.
    HeuristicThenExact,
    /// Exhaustive enumeration ([`brute_force`](crate::brute_force)).
    BruteForce,
    /// Nothing to choose: the plan is the kept and required sites.
    Fixed,
}

/// Why a demand point was left out of the model.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ExclusionReason {
    /// No kept or candidate site can be reached from the point at all.
    NoAllowedSiteReachable,
    /// (Coverage models.) No kept or candidate site is within the threshold; the nearest is this far.
    NoAllowedSiteWithinThreshold {
        /// Travel time to the nearest kept or candidate site.
        nearest: Millis,
    },
}

/// A demand point with people that the model leaves out, and why.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Excluded {
    /// The demand point's index.
    pub point: usize,
    /// Why.
    pub reason: ExclusionReason,
}

/// A fractional assignment: for each demand point, `(site, fraction of its demand served there)`.
pub type Assignment = Vec<Vec<(usize, f64)>>;

/// A location plan.
///
/// Objectives by model: MCLP, weighted covered demand (with equity: the worst share, 0..=1, and the weighted
/// coverage in `tiebreak`); LSCP, the number of chosen sites (kept sites not counted) and the covered weight in
/// `tiebreak`; p-median, Σ weight × time in person-seconds and the weighted mean time in `mean_time_s`;
/// p-center, the longest time in seconds. With capacities the coverage figures are demand served within
/// capacity, as given by `assignment`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Solution {
    /// The model solved.
    pub model: Model,
    /// Every open site, kept and chosen, sorted.
    pub open: Vec<usize>,
    /// The chosen (new) sites, required ones included, sorted.
    pub chosen: Vec<usize>,
    /// The objective (see the type's documentation for units).
    pub objective: f64,
    /// The second objective of a lexicographic model: covered weight for LSCP and for MCLP with equity.
    pub tiebreak: Option<f64>,
    /// p-median: the weighted mean travel time, in seconds.
    pub mean_time_s: Option<f64>,
    /// The best bound on the objective proven by the MILP (an upper bound when maximising).
    pub bound: Option<f64>,
    /// The relative gap |objective − bound| / |objective| (0 when both are 0).
    pub gap: Option<f64>,
    /// How good the plan is known to be.
    pub status: Status,
    /// Which algorithms produced it.
    pub method_used: MethodUsed,
    /// Wall-clock seconds spent.
    pub seconds: f64,
    /// The heuristic's objective, when the heuristic ran.
    pub heuristic_objective: Option<f64>,
    /// Capacitated runs: the fractions of each demand point served per site.
    pub assignment: Option<Assignment>,
    /// Demand points with people that no allowed site can reach (or cover, for coverage models).
    pub excluded: Vec<Excluded>,
    /// Constraints the plan does not meet (only the heuristic returns such a plan; empty otherwise).
    pub unmet: Vec<String>,
}

pub(crate) fn rel_gap(objective: f64, bound: f64) -> f64 {
    let diff = (objective - bound).abs();
    if diff <= 1e-9 * objective.abs().max(1.0) { 0.0 } else { diff / objective.abs().max(1e-9) }
}
