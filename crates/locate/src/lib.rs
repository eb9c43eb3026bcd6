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
//! **Key design decision: exact MILPs on reduced models, not textbook ones.** Every model is solved exactly with
//! HiGHS (good_lp for modelling, the `highs` crate for options, warm starts and the dual bound; one thread and a
//! fixed seed, so plans are reproducible), but the model HiGHS sees is small. Demand points that a kept site
//! already covers become constants, points with the same covering sites are merged, candidates whose covered
//! rows are a subset of another's are dropped, and covering rows that contain another row are dropped. p-median
//! uses a chained radius formulation (one variable per distinct time level of a point, one nonzero per (point,
//! site)) whose levels are added lazily, and p-center is solved on a growing subset of the demand points by
//! bisection over covering feasibility problems. The reason: the n × m assignment models of the textbook (and of
//! PySAL spopt) spend most of their time on variables that cannot matter. A greedy + swap heuristic gives
//! `Method::Auto` its first incumbent.
//!
//! Measured in release on this 2-core machine (synthetic city: demand on a 250 m grid, uniform random sites,
//! 8 km/h with 20–50 % detours, 15 min threshold; "textbook" is spopt's formulation built in Rust and solved by
//! the same HiGHS, so it leaves out spopt's Python time):
//!
//! | model | cells × sites, p | neuvo exact | textbook in HiGHS |
//! |---|---|---:|---:|
//! | MCLP | 5000 × 300, 10 | 2.1–2.7 s (2 720 merged rows) | 3.7–5.2 s (5 000 rows, binary y) |
//! | LSCP | 5000 × 300 | 1.7–1.9 s (444 rows after merging and row dominance) | — |
//! | p-median | 1000 × 100, 10 | 6.2 s (lazy levels, 15 500 rows) | 22.1 s (binary assignment) |
//! | p-center | 1000 × 100, 5 | 0.1 s | — |
//! | p-center | 2000 × 200, 10 | 24 s | — |
//!
//! p-median alternatives on 1000 × 100: continuous assignment 27.4 s, all chain levels 35.6 s (dual simplex;
//! 110 s with the interior-point method), lazy levels 8.2 s with dual simplex and 6.2 s with the interior-point
//! method for the MIP's LPs (kept). Synthetic instances with small p are harder than the scenarios' (kept sites
//! cut p-median chains and coverage rows short).
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
pub use evaluate::{
    AssignmentValue, DistrictCoverage, Evaluation, GroupCoverage, Nearest, check_assignment, evaluate,
};
pub use explain::{RunnerUp, SiteExplanation, explain};
pub use params::{Equity, Method, Model, Params};
pub use problem::{DemandPoint, Problem, SiteOption};
pub use solution::{Assignment, Excluded, ExclusionReason, MethodUsed, Solution, Status};
pub use solve::solve;
pub use tradeoff::{Tradeoff, TradeoffRow, knee, tradeoff};
