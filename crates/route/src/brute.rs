//! An exhaustive oracle for tiny problems: every assignment of visits (and breaks) to advisors, in every order,
//! with every subset of optional visits left out, scored by [`check`]. Tests compare the solver against it.

use crate::problem::Problem;
use crate::solution::{Reason, Route, Solution, Stop, Unassigned, check};

/// Largest number of visits plus breaks [`brute_force`] accepts.
pub const BRUTE_FORCE_MAX: usize = 8;

/// The best plan by exhaustive search: fewest required visits left out, then the lowest cost. `None` if the
/// problem has more than [`BRUTE_FORCE_MAX`] visits and breaks together, or is invalid.
pub fn brute_force(problem: &Problem) -> Option<(Solution, i64)> {
    problem.validate().ok()?;
    let mut items: Vec<(usize, Stop)> = Vec::new();
    for (k, v) in problem.vehicles.iter().enumerate() {
        for b in 0..v.breaks.len() {
            items.push((k, Stop::Break(b)));
        }
    }
    let breaks = items.len();
    for i in 0..problem.visits.len() {
        items.push((usize::MAX, Stop::Visit(i)));
    }
    if items.len() > BRUTE_FORCE_MAX {
        return None;
    }
    let mut routes: Vec<Vec<Stop>> = vec![Vec::new(); problem.vehicles.len()];
    let mut skipped: Vec<usize> = Vec::new();
    let mut best: Option<(usize, i64, Solution)> = None;
    let mut placed = vec![false; items.len()];
    search(problem, &items, breaks, &mut placed, &mut routes, &mut skipped, &mut best);
    best.map(|(_, c, s)| (s, c))
}

fn search(
    p: &Problem,
    items: &[(usize, Stop)],
    breaks: usize,
    placed: &mut [bool],
    routes: &mut Vec<Vec<Stop>>,
    skipped: &mut Vec<usize>,
    best: &mut Option<(usize, i64, Solution)>,
) {
    // Items are taken in any order: each step appends one unplaced item to the end of one route. Breaks must be
    // placed (in their advisor's route); visits may be skipped.
    let next = (0..items.len()).filter(|&i| !placed[i]).collect::<Vec<_>>();
    if next.is_empty() {
        evaluate(p, routes, skipped, best);
        return;
    }
    // Skipping is decided for the lowest-numbered unplaced visit only, so each subset is enumerated once.
    if let Some(&first_visit) = next.iter().find(|&&i| i >= breaks) {
        let Stop::Visit(v) = items[first_visit].1 else { unreachable!("items after breaks are visits") };
        placed[first_visit] = true;
        skipped.push(v);
        search(p, items, breaks, placed, routes, skipped, best);
        skipped.pop();
        placed[first_visit] = false;
    }
    for &i in &next {
        let (bound, stop) = items[i];
        for k in 0..routes.len() {
            if bound != usize::MAX && bound != k {
                continue;
            }
            placed[i] = true;
            routes[k].push(stop);
            search(p, items, breaks, placed, routes, skipped, best);
            routes[k].pop();
            placed[i] = false;
        }
    }
}

fn evaluate(p: &Problem, routes: &[Vec<Stop>], skipped: &[usize], best: &mut Option<(usize, i64, Solution)>) {
    let sol = Solution {
        routes: routes
            .iter()
            .enumerate()
            // An advisor without visits does not work that day, breaks or not.
            .filter(|(_, r)| r.iter().any(|s| matches!(s, Stop::Visit(_))))
            .map(|(k, r)| Route { vehicle: k, stops: r.clone() })
            .collect(),
        unassigned: skipped.iter().map(|&v| Unassigned { visit: v, reason: Reason::NotWorthIt }).collect(),
    };
    let report = check(p, &sol);
    if !report.feasible() {
        return;
    }
    let key = (report.unserved_required.len(), report.cost.total());
    if best.as_ref().is_none_or(|b| key < (b.0, b.1)) {
        *best = Some((key.0, key.1, sol));
    }
}
