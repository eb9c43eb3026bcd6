//! The reference for tests: every subset of the allowed sessions, kept when [`crate::check`] accepts it, the
//! cheapest by [`crate::cost`]. Only for tiny problems (at most 18 allowed sessions).

use crate::problem::Problem;
use crate::solution::{Session, check, cost};

/// The least cost over every rotation `check` accepts, and one rotation reaching it; `None` when the problem has
/// more than 18 allowed sessions.
pub fn brute_force(p: &Problem) -> Option<(f64, Vec<Session>)> {
    let mut allowed = Vec::new();
    for d in 0..p.days.len() {
        for s in 0..p.slots.len() {
            for r in 0..p.requirements.len() {
                for a in 0..p.advisors.len() {
                    if p.allowed(a, r, d, s) {
                        allowed.push(Session { day: d, slot: s, requirement: r, advisor: a });
                    }
                }
            }
        }
    }
    if allowed.len() > 18 {
        return None;
    }
    let mut best: Option<(f64, Vec<Session>)> = None;
    for mask in 0u32..(1 << allowed.len()) {
        let chosen: Vec<Session> =
            allowed.iter().enumerate().filter(|(i, _)| mask & (1 << i) != 0).map(|(_, s)| *s).collect();
        if check(p, &chosen).is_err() {
            continue;
        }
        let c = cost(p, &chosen).total;
        if best.as_ref().is_none_or(|(b, _)| c < *b - 1e-9) {
            best = Some((c, chosen));
        }
    }
    best
}
