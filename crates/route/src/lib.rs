//! Advisors' days as a rich vehicle routing problem with time windows, and the solver for it.
//!
//! A [`Problem`] holds visits (home visits with one or more time windows, service times, required skills and
//! languages, priorities as penalties for optional visits, a preferred advisor for continuity of care, and pinned
//! blocks such as a pop-up session bound to one advisor at a fixed time), advisors (shift, start and end places,
//! travel profile, working-time limit, skills, languages) and one travel matrix per profile. The crate never
//! sees a street network or a file: the pipeline builds the matrices.
//!
//! [`solve`] runs a hybrid genetic search ([`ils`]), [`check`] recomputes a plan's feasibility, schedule and
//! cost independently of it, and [`solomon`] reads the scientific benchmark's format.
//!
//! **Key design decision: time-window segments and alternatives.** Every move of the local search is evaluated
//! in O(1) by concatenating precomputed segments (duration, time warp, earliest and latest start), so a visit
//! must have one window in the solver. A visit with several windows becomes a group of alternative nodes, one
//! per window, of which exactly one is routed; the search moves between them like any other move. This keeps
//! the benchmark-speed machinery exact for the richer problem instead of approximating the windows.
#![forbid(unsafe_code)]

mod brute;
pub mod ils;
mod problem;
pub mod solomon;
mod solution;

pub use brute::{BRUTE_FORCE_MAX, brute_force};
pub use ils::{Control, Improvement, Outcome, Params, Priority, solve, solve_with};
pub use problem::{Break, Matrix, NEVER, Objective, Problem, ProblemError, TimeWindow, Vehicle, Visit};
pub use solution::{CheckReport, Cost, Reason, Route, Schedule, Solution, Stop, Timing, Unassigned, check};
