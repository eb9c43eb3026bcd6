//! Rotation schedules for mobile advisors: which advisor holds which kind of session at which venue, on which day
//! and in which slot, week after week.
//!
//! A [`Problem`] holds the days of the horizon (consecutive calendar days, one or more weeks), the session slots
//! of a day (09:00–12:00, 13:00–16:00), venues with their opening hours, advisors with the kinds of session they
//! hold (general, debt, social, career), their weekly hours and limits, what each venue needs (sessions of a kind
//! per week, on some weekdays only, with a weight from the people it reaches) and the travel times between venues.
//! [`solve`] checks the input ([`validate`]: advisors with no hours, kinds nobody holds, frequencies that spacing
//! and hours make impossible are errors with what to do), solves a MILP with HiGHS within a time limit
//! ([`milp`]), checks the rotation with an independent [`check`], and explains every session it could not place.
//!
//! The objective, lexicographic in practice: first the weighted sessions missing, then the number of distinct
//! (venue, kind, weekday, slot) used (so a session repeats on the same weekday and hour every week), the number of
//! distinct advisors per venue and kind (the same faces), and the minutes from advisors' bases.
//!
//! Pure: no I/O, no clock but the solver's time limit.
#![forbid(unsafe_code)]

pub mod brute;
pub mod milp;
mod problem;
mod solution;
mod validate;

use std::time::Duration;

pub use problem::{Advisor, Day, Problem, Requirement, Slot, Venue, Weights};
use serde::Serialize;
pub use solution::{Cost, Session, Shortfall, Violation, check, cost};
pub use validate::{Issue, max_per_week, usable_weekdays, validate};

/// Settings of [`solve`].
#[derive(Clone, Copy, Debug)]
pub struct Params {
    /// The MILP's time limit.
    pub time_limit: Duration,
    /// Relative gap at which to stop (0: prove optimality).
    pub gap: f64,
    /// HiGHS's seed.
    pub seed: u64,
}

impl Default for Params {
    fn default() -> Self {
        Self { time_limit: Duration::from_secs(30), gap: 0.0, seed: 1 }
    }
}

/// A rotation.
#[derive(Clone, Debug, Serialize)]
pub struct Rotation {
    /// The sessions, by day, slot, requirement and advisor.
    pub sessions: Vec<Session>,
    /// What is missing, with reasons.
    pub shortfalls: Vec<Shortfall>,
    /// The objective's parts, recomputed from the sessions.
    pub cost: Cost,
    /// The dual bound of the MILP.
    pub bound: f64,
    /// Relative gap between the rotation and the bound (0 when proven optimal).
    pub gap: f64,
    /// Whether the MILP proved optimality.
    pub optimal: bool,
    /// The model's size.
    pub size: milp::ModelSize,
    /// Seconds spent solving.
    pub seconds: f64,
}

/// Why no rotation was made.
#[derive(Debug, thiserror::Error)]
pub enum ScheduleError {
    /// The input is wrong or contradicts itself.
    #[error("{}", .0.iter().map(ToString::to_string).collect::<Vec<_>>().join("; "))]
    Invalid(Vec<Issue>),
    /// The solver failed.
    #[error("the solver failed: {0}")]
    Solver(String),
}

/// Solves `p`: checks it, runs the MILP, checks the rotation and explains what is missing.
pub fn solve(p: &Problem, params: &Params) -> Result<Rotation, ScheduleError> {
    let issues = validate(p);
    if !issues.is_empty() {
        return Err(ScheduleError::Invalid(issues));
    }
    let t = std::time::Instant::now();
    let out = milp::solve(
        p,
        &milp::MilpSettings { time_limit: params.time_limit, gap: params.gap, seed: params.seed },
    )
    .map_err(ScheduleError::Solver)?;
    check(p, &out.sessions)
        .map_err(|v| ScheduleError::Solver(format!("the solver's rotation breaks a rule: {}", v.0)))?;
    let cost = cost(p, &out.sessions);
    let gap =
        if out.optimal || cost.total <= 0.0 { 0.0 } else { ((cost.total - out.bound) / cost.total).max(0.0) };
    let shortfalls = shortfalls(p, &out.sessions);
    Ok(Rotation {
        sessions: out.sessions,
        shortfalls,
        cost,
        bound: out.bound,
        gap,
        optimal: out.optimal,
        size: out.size,
        seconds: t.elapsed().as_secs_f64(),
    })
}

/// The sessions each requirement misses per week, with the constraint that holds them back.
pub fn shortfalls(p: &Problem, sessions: &[Session]) -> Vec<Shortfall> {
    let mut out = Vec::new();
    for (r, req) in p.requirements.iter().enumerate() {
        for w in 0..p.weeks() {
            let held =
                sessions.iter().filter(|s| s.requirement == r && p.days[s.day].week == w).count() as u32;
            if held >= req.per_week {
                continue;
            }
            out.push(Shortfall {
                requirement: r,
                week: w,
                wanted: req.per_week,
                held,
                reason: reason(p, r, w, sessions),
            });
        }
    }
    out
}

fn reason(p: &Problem, r: usize, w: usize, sessions: &[Session]) -> String {
    let req = &p.requirements[r];
    let venue = &p.venues[req.venue].id;
    let days: Vec<usize> = (0..p.days.len()).filter(|&d| p.days[d].week == w).collect();
    let usable: Vec<usize> = days
        .iter()
        .copied()
        .filter(|&d| (0..p.slots.len()).any(|s| (0..p.advisors.len()).any(|a| p.allowed(a, r, d, s))))
        .collect();
    // Most sessions the usable days allow with the spacing (greedy from the first day is optimal on a line).
    let mut spaced = 0u32;
    let mut last: Option<usize> = None;
    for &d in &usable {
        if last.is_none_or(|l| (d - l) as u32 >= p.min_spacing_days) {
            spaced += 1;
            last = Some(d);
        }
    }
    if spaced < req.per_week {
        return format!(
            "{venue} wants {} {} sessions in week {} but only {} of its days there have a whole slot when it is open and a {} advisor works{}",
            req.per_week,
            req.kind,
            w + 1,
            usable.len(),
            req.kind,
            if p.min_spacing_days > 1 {
                format!(", {spaced} of them {} days apart", p.min_spacing_days)
            } else {
                String::new()
            }
        );
    }
    // Capacity of the advisors of the kind in that week against what all requirements of the kind want.
    let capacity: u32 = p
        .advisors
        .iter()
        .enumerate()
        .filter(|(_, a)| a.kinds.contains(&req.kind))
        .map(|(a, adv)| {
            let per_day: u32 = days
                .iter()
                .map(|&d| {
                    let slots = (0..p.slots.len())
                        .filter(|&s| (0..p.requirements.len()).any(|rr| p.allowed(a, rr, d, s)))
                        .count() as u32;
                    slots.min(adv.max_per_day)
                })
                .sum();
            per_day.min(adv.max_per_week)
        })
        .sum();
    let wanted: u32 = p.requirements.iter().filter(|x| x.kind == req.kind).map(|x| x.per_week).sum();
    if capacity < wanted {
        return format!(
            "advisors holding {} sessions can hold at most {capacity} in week {} and the venues want {wanted}; the sessions left out are those worth least",
            req.kind,
            w + 1
        );
    }
    let busy: Vec<&str> = sessions
        .iter()
        .filter(|s| {
            p.days[s.day].week == w && s.requirement != r && p.advisors[s.advisor].kinds.contains(&req.kind)
        })
        .map(|s| p.venues[p.requirements[s.requirement].venue].id.as_str())
        .collect::<std::collections::BTreeSet<_>>()
        .into_iter()
        .collect();
    format!(
        "in the slots {venue} can use in week {}, the advisors holding {} sessions are at other venues ({}) or cannot travel there in time between sessions",
        w + 1,
        req.kind,
        if busy.is_empty() { "none".into() } else { busy.join(", ") }
    )
}
