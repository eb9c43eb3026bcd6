//! Where should mobile advisors pop up? `neuvo-locate` chooses sites among candidates (libraries, senior
//! centres, malls) so that the people who need them most reach an advisor within a travel time, while kept
//! service points stay open.
//!
//! It solves four location models on a travel-time matrix (demand points × sites; the crate never sees a graph
//! or a file): the maximal covering location problem (MCLP), the location set covering problem (LSCP), p-median
//! and p-center, with kept, closed and required sites, budgets per kind of venue, minimum covered shares per
//! population group, an equity objective (the worst-covered group or district first) and site capacities.
//! [`solve`] returns a plan with its objective, bound and gap; [`evaluate`] recomputes any plan's figures
//! independently; [`brute_force`] enumerates small instances; [`explain`] says what each open site
//! contributes; [`tradeoff`] runs p = 0 … max and finds the knee.
//!
//! **Key design decision: exact MILPs on reduced models, warm-started by a fast heuristic.** Every model is
//! solved exactly with HiGHS (through good_lp for modelling and the `highs` crate for options, warm starts
//! and the dual bound), but the model HiGHS sees is small: demand points that a kept site already covers become
//! constants, points with the same covering sites are merged, candidates covering a subset of another's
//! rows are dropped, p-median uses a chained radius formulation with levels added lazily, and p-center is a
//! bisection over covering feasibility problems. A greedy + swap heuristic gives the first incumbent. This
//! keeps proven optima within reach on city-sized inputs where a textbook n × m assignment model is not.
//!
//! ```
//! use neuvo_locate::{DemandPoint, Model, Params, Problem, SiteOption, Status, evaluate, solve};
//! use neuvo_model::{Centimeters, Millis, SiteStatus, TravelMatrix};
//!
//! // Three cells, three candidate venues; times in minutes.
//! let minutes = [[5, 30, 40], [25, 6, 30], [35, 28, 4]];
//! let mut matrix = TravelMatrix::unreachable(3, 3);
//! for (i, row) in minutes.iter().enumerate() {
//!     for (j, &m) in row.iter().enumerate() {
//!         matrix.set(i, j, Millis(m * 60_000), Centimeters(0));
//!     }
//! }
//! let site = |id: &str| SiteOption {
//!     id: id.into(),
//!     kind: "library".into(),
//!     status: SiteStatus::Candidate,
//!     required: false,
//!     capacity: None,
//! };
//! let problem = Problem {
//!     matrix,
//!     groups: vec!["age75".into()],
//!     demand: vec![
//!         DemandPoint { values: vec![120.0], district: None },
//!         DemandPoint { values: vec![300.0], district: None },
//!         DemandPoint { values: vec![80.0], district: None },
//!     ],
//!     districts: vec![],
//!     sites: vec![site("a"), site("b"), site("c")],
//! };
//! let params = Params { model: Model::Mclp, p: 2, threshold: Millis(15 * 60_000), ..Params::default() };
//! let plan = solve(&problem, &params).unwrap();
//! assert_eq!(plan.chosen, vec![0, 1]);
//! assert_eq!(plan.objective, 420.0);
//! assert_eq!(plan.status, Status::Optimal);
//! assert_eq!(evaluate(&problem, &params, &plan.open).objective, 420.0);
//! ```
#![forbid(unsafe_code)]

mod brute;
mod error;
mod evaluate;
mod explain;
mod heuristic;
mod infeasible;
mod instance;
mod milp;
mod params;
mod problem;
mod solution;
mod solve;
mod tradeoff;
mod validate;

#[cfg(test)]
mod tests;

pub use brute::{BRUTE_FORCE_MAX_CANDIDATES, brute_force};
pub use error::{Error, Issue, IssueCode};
pub use evaluate::{AssignmentValue, DistrictCoverage, Evaluation, GroupCoverage, Nearest, check_assignment, evaluate};
pub use explain::{RunnerUp, SiteExplanation, explain};
pub use params::{Equity, Method, Model, Params};
pub use problem::{DemandPoint, Problem, SiteOption};
pub use solution::{Assignment, ExclusionReason, Excluded, MethodUsed, Solution, Status};
pub use solve::solve;
pub use tradeoff::{Tradeoff, TradeoffRow, knee, tradeoff};
