//! The input: demand points, candidate and kept sites, and the travel times between them.

use neuvo_model::{SiteStatus, TravelMatrix};
use serde::{Deserialize, Serialize};

/// What the solver knows about a place where people live (a population cell).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct DemandPoint {
    /// People per group, in the order of [`Problem::groups`]. Never negative.
    pub values: Vec<f64>,
    /// Index into [`Problem::districts`] of the district the point lies in, when known.
    pub district: Option<usize>,
}

/// A site a plan may open, must keep, or must leave closed.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SiteOption {
    /// A stable identifier, unique in the problem.
    pub id: String,
    /// The kind of venue (`library`, `mall`, ...); budgets count chosen sites per kind.
    pub kind: String,
    /// `Kept` sites are always open (on top of `p`), `Closed` sites never, `Candidate` sites may be chosen.
    pub status: SiteStatus,
    /// A candidate that must be among the chosen sites (it counts within `p` and within its kind's budget).
    /// Harmless on a kept site, an error on a closed one.
    pub required: bool,
    /// Visits per period the site's advisor-hours can serve; needed when capacities are active.
    pub capacity: Option<f64>,
}

/// A location problem: travel times from every demand point (rows) to every site (columns).
#[derive(Clone, Debug, PartialEq)]
pub struct Problem {
    /// Travel times, rows = demand points, columns = sites; `None` is unreachable.
    pub matrix: TravelMatrix,
    /// Names of the population groups counted in every [`DemandPoint::values`].
    pub groups: Vec<String>,
    /// The demand points, in matrix row order.
    pub demand: Vec<DemandPoint>,
    /// Names of the districts that [`DemandPoint::district`] refers to.
    pub districts: Vec<String>,
    /// The sites, in matrix column order.
    pub sites: Vec<SiteOption>,
}
