//! Iterated local search with late acceptance (Burke & Bykov 2017), the design PyVRP 0.14 uses (Wouda, Lan &
//! Kool 2024): each iteration ruins a few neighbouring visits of the current plan, reinserts them at their best
//! places, and improves the result by a local search limited to the clients the change touched. A candidate
//! replaces the current plan if it beats it or the plan of 300 iterations ago; infeasible plans are allowed
//! under adaptive penalties; a new best plan gets an exhaustive local search (with SWAP*).

mod data;
mod individual;
mod ls;

use std::time::{Duration, Instant};

use neuvo_model::SplitMix64;

use crate::problem::{NEVER, Problem, ProblemError};
use crate::solution::{Reason, Route, Solution, Stop, Unassigned};
use data::{Data, Seg};
use individual::{Individual, PenaltyManager};
use ls::{LocalSearch, Penalties, shuffle};

/// What the solver minimises first.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Priority {
    /// Unserved penalties, then cost (the problem's own objective).
    #[default]
    Cost,
    /// Fewest advisors first, then the problem's objective: a fixed cost larger than any route is added per
    /// advisor used.
    FewestVehicles,
}

/// How long and how the solver runs.
#[derive(Clone, Debug)]
pub struct Params {
    /// Seed of the random generator: the same seed and iteration limit give the same plan.
    pub seed: u64,
    /// Wall-clock limit (the plan then depends on the machine's speed).
    pub time_limit: Option<Duration>,
    /// Iteration limit (deterministic).
    pub max_iterations: Option<u64>,
    /// Granular neighbourhood size.
    pub granular: usize,
    /// Objective priority.
    pub priority: Priority,
    /// Coordinates per location, if known (used for route sectors; optional).
    pub coordinates: Option<Vec<(f64, f64)>>,
}

impl Default for Params {
    fn default() -> Self {
        Params {
            seed: 1,
            time_limit: Some(Duration::from_secs(10)),
            max_iterations: None,
            granular: 50,
            priority: Priority::Cost,
            coordinates: None,
        }
    }
}

/// A new best plan, as the search finds it.
#[derive(Clone, Debug)]
pub struct Improvement<'a> {
    /// The plan.
    pub solution: &'a Solution,
    /// Its objective value.
    pub cost: i64,
    /// Iteration at which it was found.
    pub iteration: u64,
    /// Time since the start.
    pub elapsed: Duration,
}

/// What the caller says after an improvement.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Control {
    /// Keep searching.
    Continue,
    /// Stop now and return the best plan.
    Stop,
}

/// The solver's answer.
#[derive(Clone, Debug)]
pub struct Outcome {
    /// The best plan found (feasible if any feasible plan was found).
    pub solution: Solution,
    /// Its objective value in the problem's units.
    pub cost: i64,
    /// Whether every route keeps every hard constraint.
    pub feasible: bool,
    /// Iterations (offspring) made.
    pub iterations: u64,
    /// Wall-clock time.
    pub elapsed: Duration,
}

/// Solves a routing problem.
pub fn solve(problem: &Problem, params: &Params) -> Result<Outcome, ProblemError> {
    solve_with(problem, params, |_| Control::Continue)
}

/// Solves a routing problem, calling `on_improvement` with each new best plan (an anytime solver: return
/// [`Control::Stop`] to take the best so far).
pub fn solve_with(
    problem: &Problem,
    params: &Params,
    mut on_improvement: impl FnMut(&Improvement<'_>) -> Control,
) -> Result<Outcome, ProblemError> {
    problem.validate()?;
    let started = Instant::now();
    let mut data = Data::new(problem, params.coordinates.as_deref(), params.granular);
    let reasons = pre_reasons(problem, &data);
    for (g, r) in reasons.iter().enumerate() {
        data.servable[g] = r.is_none();
    }
    let big = fleet_cost(&data);
    if params.priority == Priority::FewestVehicles {
        for f in &mut data.fixed {
            *f += big;
        }
    }
    let fleet = if params.priority == Priority::FewestVehicles { big } else { 0 };
    let mut rng = SplitMix64::new(params.seed);
    let mut pm = PenaltyManager::new();
    let limit = |it: u64| {
        params.max_iterations.is_some_and(|m| it >= m)
            || params.time_limit.is_some_and(|t| started.elapsed() >= t)
    };
    let stopped = std::cell::Cell::new(false);
    let mut notify = |d: &Data, ind: &Individual, iteration: u64, dropped_cost: i64| -> bool {
        let solution = to_solution(d, problem, ind, &reasons);
        let imp = Improvement {
            solution: &solution,
            cost: ind.base - used(d, ind) * fleet - dropped_cost,
            iteration,
            elapsed: started.elapsed(),
        };
        stopped.set(on_improvement(&imp) == Control::Stop);
        stopped.get()
    };
    let initial = random_solution(&data, &mut rng);
    let first = ils(&data, &initial, &mut rng, &mut pm, 0, &limit, &mut |d, ind, it| notify(d, ind, it, 0));
    let (mut best, mut iterations) = (first.best, first.iterations);
    let mut dropped: Vec<usize> = Vec::new();
    let required_cost = required_penalty(&data);
    if best.is_none() {
        // No plan serves every required visit: leave out visits greedily until the plan is feasible, then search
        // on with every required visit optional at a cost above any plan's, so that the fewest are left out and,
        // among plans that leave out as many, the cheapest wins.
        let (routes, _) = drop_until_feasible(&data, &first.best_infeasible);
        for g in 0..data.visits {
            if data.required[g] && data.servable[g] {
                data.required[g] = false;
                data.penalty[g] = required_cost;
                dropped.push(g);
            }
        }
        let extra = params.max_iterations.map_or(0, |m| m / 2).max(50);
        let phase_two = |it: u64| {
            it >= iterations + extra
                || params.time_limit.is_some_and(|t| started.elapsed() >= t && it >= iterations + 50)
        };
        let dropped_cost = |ind: &Individual, d: &Data| -> i64 {
            let served: Vec<bool> = served_groups(d, ind);
            dropped.iter().filter(|&&g| !served[g]).count() as i64 * required_cost
        };
        let second = if stopped.get() {
            None
        } else {
            let dr = &dropped_cost;
            Some(ils(&data, &routes, &mut rng, &mut pm, iterations, &phase_two, &mut |d, ind, it| {
                notify(d, ind, it, dr(ind, d))
            }))
        };
        match second {
            Some(run) => {
                iterations = run.iterations;
                best = run.best.or_else(|| Some(Individual::new(&data, routes)));
            }
            None => best = Some(Individual::new(&data, routes)),
        }
    }
    let ind = best.unwrap_or(first.best_infeasible);
    let served = served_groups(&data, &ind);
    let reasons = final_reasons(problem, &data, &ind, &served, reasons);
    let dropped_cost = dropped.iter().filter(|&&g| !served[g]).count() as i64 * required_cost;
    Ok(Outcome {
        solution: to_solution(&data, problem, &ind, &reasons),
        cost: ind.base - used(&data, &ind) * fleet - dropped_cost,
        feasible: ind.feasible(),
        iterations,
        elapsed: started.elapsed(),
    })
}

/// Reasons for visits the search left out: capacity if no advisor who could serve it has room left for its
/// demand; otherwise "not worth it" for an optional visit that fits somewhere without breaking anything, and
/// "time window" for the rest.
fn final_reasons(
    p: &Problem,
    d: &Data,
    ind: &Individual,
    served: &[bool],
    mut reasons: Vec<Option<Reason>>,
) -> Vec<Option<Reason>> {
    let strict = Penalties { tw: 1 << 24, load: 1 << 24 };
    let mut ls = LocalSearch::new(d, strict);
    ls.load(&ind.routes);
    for g in 0..p.visits.len() {
        if served[g] || reasons[g].is_some() {
            continue;
        }
        let v = &p.visits[g];
        let load = |k: usize| ind.routes[k].iter().map(|&u| d.demand[u]).sum::<i64>();
        let compatible: Vec<usize> = (0..d.nv).filter(|&k| p.compatible(g, k)).collect();
        if v.demand > 0 && compatible.iter().all(|&k| load(k) + v.demand > d.capacity[k]) {
            reasons[g] = Some(Reason::Capacity);
            continue;
        }
        let fits = d.members[g].iter().any(|&u| ls.fits_somewhere(u));
        reasons[g] = Some(if v.penalty.is_some() && fits { Reason::NotWorthIt } else { Reason::TimeWindow });
    }
    reasons
}

fn served_groups(d: &Data, ind: &Individual) -> Vec<bool> {
    let mut served = vec![false; d.members.len()];
    for r in &ind.routes {
        for &u in r {
            served[d.group[u]] = true;
        }
    }
    served
}

/// A cost above any plan's travel, fixed and optional costs: what leaving out a required visit costs.
fn required_penalty(d: &Data) -> i64 {
    let optional: i64 = d.penalty.iter().sum();
    let fixed: i64 = d.fixed.iter().sum();
    fleet_cost(d).saturating_mul(4).saturating_add(optional).saturating_add(fixed).saturating_add(1)
}

/// Removes visits, each time the one whose removal cuts the violations most, until every route is feasible.
fn drop_until_feasible(d: &Data, start: &Individual) -> (Vec<Vec<usize>>, Vec<usize>) {
    let strict = Penalties { tw: 1 << 24, load: 1 << 24 };
    let mut ls = LocalSearch::new(d, strict);
    ls.load(&start.routes);
    let mut dropped = Vec::new();
    loop {
        let ind = Individual::new(d, ls.export());
        if ind.time_excess == 0 && ind.load_excess == 0 {
            return (ind.routes, dropped);
        }
        match ls.best_removal() {
            Some(u) => {
                dropped.push(d.group[u]);
                ls.remove_node(u);
            }
            None => return (ind.routes, dropped),
        }
    }
}

struct Run {
    best: Option<Individual>,
    best_infeasible: Individual,
    iterations: u64,
}

/// The iterated local search from `start` until `stop(iteration)`; `on_best` is called with each new best
/// feasible plan and may end the search by returning true.
fn ils(
    data: &Data,
    start: &[Vec<usize>],
    rng: &mut SplitMix64,
    pm: &mut PenaltyManager,
    first_iteration: u64,
    stop: &dyn Fn(u64) -> bool,
    on_best: &mut dyn FnMut(&Data, &Individual, u64) -> bool,
) -> Run {
    let mut ls = LocalSearch::new(data, PenaltyManager::max());
    // The start improved by an exhaustive search under the highest penalties.
    ls.load(start);
    ls.repair(rng);
    ls.search(rng, true);
    let init = Individual::new(data, ls.export());
    let mut best: Option<Individual> = None;
    let mut best_infeasible = init.clone();
    let mut iteration = first_iteration;
    if init.feasible() {
        best = Some(init.clone());
        if on_best(data, &init, iteration) {
            return Run { best, best_infeasible, iterations: iteration };
        }
    }
    let mut current = init.clone();
    let mut history: Vec<Option<Individual>> = vec![None; HISTORY];
    let mut slot = 0;
    let mut since_improvement = 0u64;
    let strict = Penalties { tw: 1 << 20, load: 1 << 20 };
    while !stop(iteration) {
        iteration += 1;
        if since_improvement == RESTART_AFTER {
            history.iter_mut().for_each(|h| *h = None);
            current = best.clone().unwrap_or_else(|| best_infeasible.clone());
            since_improvement = 0;
        }
        let pen = pm.pen;
        ls.pen = pen;
        ls.load(&current.routes);
        // Larger perturbations once the search has stalled: on the Solomon set at 10 s this lowered the mean gap
        // by about 0.06 points (and at 1 s by 0.09) against a fixed bound, where a fixed larger bound helped at
        // 10 s but hurt at 1 s.
        let most = if since_improvement >= STALLED_AFTER { MAX_PERTURB_STALLED } else { MAX_PERTURB };
        let count = 1 + rng.below(most as u64) as usize;
        ls.perturb(count, rng);
        ls.repair(rng);
        ls.search(rng, false);
        let mut cand = Individual::new(data, ls.export());
        pm.register(&cand);
        since_improvement += 1;
        if cand.feasible() && best.as_ref().is_none_or(|b| cand.base < b.base) {
            ls.search(rng, true);
            let deeper = Individual::new(data, ls.export());
            if deeper.feasible() && deeper.base <= cand.base {
                cand = deeper;
            }
            best = Some(cand.clone());
            since_improvement = 0;
            if on_best(data, &cand, iteration) {
                break;
            }
        } else if best.is_none() && cand.cost(&strict) < best_infeasible.cost(&strict) {
            best_infeasible = cand.clone();
        }
        // Late acceptance.
        let cand_cost = cand.cost(&pen);
        let current_cost = current.cost(&pen);
        let late = history[slot].as_ref();
        let late_cost = late.map_or(init.cost(&pen), |l| l.cost(&pen));
        let accepted = cand_cost < late_cost || cand_cost < current_cost;
        if accepted {
            current = cand;
        }
        let current_cost = if accepted { cand_cost } else { current_cost };
        if current_cost < late_cost || late.is_none() {
            history[slot] = Some(current.clone());
        }
        slot = (slot + 1) % HISTORY;
    }
    Run { best, best_infeasible, iterations: iteration }
}

/// Restart from the best plan after this many iterations without improvement.
const RESTART_AFTER: u64 = 150_000;
/// Late-acceptance history length.
const HISTORY: usize = 300;
/// Most visits one perturbation removes.
const MAX_PERTURB: usize = 25;
/// … and once this many iterations have passed without a new best plan …
const STALLED_AFTER: u64 = 1_000;
/// … at most this many.
const MAX_PERTURB_STALLED: usize = 40;

fn used(d: &Data, ind: &Individual) -> i64 {
    ind.routes.iter().filter(|r| r.iter().any(|&u| d.is_visit(u))).count() as i64
}

/// A fixed cost per advisor larger than any possible travel cost of a whole plan.
fn fleet_cost(d: &Data) -> i64 {
    let mut max_arc = 1;
    for k in 0..d.nv {
        let p = d.profile[k];
        for a in (0..d.n).chain([d.start(k), d.end(k)]) {
            for b in 0..d.n {
                let c = d.cost(p, a, b).max(d.cost(p, b, a));
                if c < NEVER {
                    max_arc = max_arc.max(c);
                }
            }
        }
    }
    max_arc.saturating_mul((d.n + 2 * d.nv + 1) as i64)
}

/// A random plan: visits shuffled and dealt in equal runs to the advisors who can serve them.
fn random_solution(d: &Data, rng: &mut SplitMix64) -> Vec<Vec<usize>> {
    let mut groups: Vec<usize> = (0..d.members.len()).filter(|&g| d.servable[g] && d.required[g]).collect();
    shuffle(&mut groups, rng);
    let mut routes = vec![Vec::new(); d.nv];
    let per = groups.len().div_ceil(d.nv).max(1);
    for (i, g) in groups.into_iter().enumerate() {
        let m = &d.members[g];
        let u = m[rng.below(m.len() as u64) as usize];
        let want = (i / per) % d.nv;
        let k = (0..d.nv).map(|j| (want + j) % d.nv).find(|&k| d.compatible(u, k)).unwrap_or(want);
        routes[k].push(u);
    }
    routes
}

/// Reasons known before solving: no advisor with the skills or language, unreachable, no room in any shift.
fn pre_reasons(p: &Problem, d: &Data) -> Vec<Option<Reason>> {
    let mut out = vec![None; p.visits.len()];
    for (g, v) in p.visits.iter().enumerate() {
        let skilled: Vec<usize> = (0..p.vehicles.len())
            .filter(|&k| {
                let a = &p.vehicles[k];
                v.vehicle.is_none_or(|b| b == k)
                    && v.skills_all.iter().all(|s| a.skills.contains(s))
                    && (v.skills_any.is_empty() || v.skills_any.iter().any(|s| a.skills.contains(s)))
            })
            .collect();
        if skilled.is_empty() {
            out[g] = Some(Reason::Skill);
            continue;
        }
        let ks: Vec<usize> = skilled.into_iter().filter(|&k| p.compatible(g, k)).collect();
        if ks.is_empty() {
            out[g] = Some(Reason::Language);
            continue;
        }
        let reach: Vec<usize> = ks
            .iter()
            .copied()
            .filter(|&k| {
                let prof = d.profile[k];
                d.members[g]
                    .iter()
                    .any(|&u| d.dur(prof, d.start(k), u) < NEVER && d.dur(prof, u, d.end(k)) < NEVER)
            })
            .collect();
        if reach.is_empty() {
            out[g] = Some(Reason::Unreachable);
            continue;
        }
        if !reach.iter().any(|&k| v.demand <= d.capacity[k]) {
            out[g] = Some(Reason::Capacity);
            continue;
        }
        let fits = reach.iter().any(|&k| {
            let prof = d.profile[k];
            d.members[g].iter().any(|&u| {
                let s = Seg::merge(&d.seg[d.start(k)], &d.seg[u], d.dur(prof, d.start(k), u));
                let s = Seg::merge(&s, &d.seg[d.end(k)], d.dur(prof, u, d.end(k)));
                s.time_warp == 0 && s.duration <= d.max_work[k]
            })
        });
        if !fits {
            out[g] = Some(Reason::Shift);
        }
    }
    out
}

fn to_solution(d: &Data, p: &Problem, ind: &Individual, reasons: &[Option<Reason>]) -> Solution {
    let mut served = vec![false; p.visits.len()];
    let mut routes = Vec::new();
    for (k, r) in ind.routes.iter().enumerate() {
        if !r.iter().any(|&u| d.is_visit(u)) {
            continue;
        }
        let stops = r
            .iter()
            .map(|&u| {
                if d.is_break[u] {
                    Stop::Break(d.break_of[u].1)
                } else {
                    served[d.group[u]] = true;
                    Stop::Visit(d.group[u])
                }
            })
            .collect();
        routes.push(Route { vehicle: k, stops });
    }
    let unassigned = (0..p.visits.len())
        .filter(|&g| !served[g])
        .map(|g| Unassigned {
            visit: g,
            reason: reasons[g].unwrap_or(if p.visits[g].penalty.is_none() {
                Reason::TimeWindow
            } else {
                Reason::NotWorthIt
            }),
        })
        .collect();
    Solution { routes, unassigned }
}

/// Hooks for the criterion benchmarks (`benches/route_moves.rs`); not a stable interface.
#[doc(hidden)]
pub mod bench {
    use super::*;

    /// A problem's solver data and a local optimum of it.
    pub struct MoveBench {
        data: Data,
        routes: Vec<Vec<usize>>,
    }

    impl MoveBench {
        /// Builds the solver's data and a local optimum from a random plan.
        pub fn new(problem: &Problem, coordinates: Option<&[(f64, f64)]>, seed: u64) -> MoveBench {
            let data = Data::new(problem, coordinates, 50);
            let mut rng = SplitMix64::new(seed);
            let routes = {
                let mut ls = LocalSearch::new(&data, PenaltyManager::max());
                ls.load(&random_solution(&data, &mut rng));
                ls.repair(&mut rng);
                ls.search(&mut rng, true);
                ls.export()
            };
            MoveBench { data, routes }
        }

        /// Evaluates every exchange (n, m) between neighbours on the local optimum: (evaluated, improving).
        pub fn sweep(&self, n: usize, m: usize) -> (usize, usize) {
            let mut ls = LocalSearch::new(&self.data, PenaltyManager::max());
            ls.load(&self.routes);
            ls.sweep(n, m)
        }

        /// Loads the local optimum into a fresh local search (the per-iteration set-up cost).
        pub fn load(&self) -> usize {
            let mut ls = LocalSearch::new(&self.data, PenaltyManager::max());
            ls.load(&self.routes);
            ls.export().len()
        }

        /// One iteration of the iterated local search from the local optimum: perturb, repair, search.
        pub fn iteration(&self, seed: u64) -> i64 {
            let mut rng = SplitMix64::new(seed);
            let mut ls = LocalSearch::new(&self.data, PenaltyManager::max());
            ls.load(&self.routes);
            ls.perturb(10, &mut rng);
            ls.repair(&mut rng);
            ls.search(&mut rng, false);
            Individual::new(&self.data, ls.export()).base
        }
    }
}
