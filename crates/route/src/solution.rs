//! Plans, reasons for unserved visits, and [`check`], which recomputes a plan's feasibility, schedule and cost
//! from the problem alone, by a plain forward simulation that shares no code with the solver.

use serde::{Deserialize, Serialize};

use crate::problem::{NEVER, Problem};

/// One stop of a route.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(tag = "type", content = "index", rename_all = "snake_case")]
pub enum Stop {
    /// A visit, by index into [`Problem::visits`].
    Visit(usize),
    /// A break, by index into the advisor's [`crate::Vehicle::breaks`]. It is taken where the advisor is.
    Break(usize),
}

/// One advisor's route: the stops between leaving the start and reaching the end.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Route {
    /// Index into [`Problem::vehicles`].
    pub vehicle: usize,
    /// Stops in order.
    pub stops: Vec<Stop>,
}

/// Why a visit is not in the plan.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Reason {
    /// No advisor has the skills it requires.
    Skill,
    /// No advisor with the skills speaks one of its languages.
    Language,
    /// No suitable advisor can reach it at all by their travel mode.
    Unreachable,
    /// No suitable advisor's shift (or working-time limit) leaves room for it: it cannot fit even in an empty day.
    Shift,
    /// It would fit an empty day, but its time windows clash with the rest of the plan.
    TimeWindow,
    /// Capacity (load) would be exceeded.
    Capacity,
    /// It is optional and serving it would cost more than its penalty.
    NotWorthIt,
}

impl Reason {
    /// The reason code used in files and the API.
    pub fn code(self) -> &'static str {
        match self {
            Reason::Skill => "skill",
            Reason::Language => "language",
            Reason::Unreachable => "unreachable",
            Reason::Shift => "shift",
            Reason::TimeWindow => "time_window",
            Reason::Capacity => "capacity",
            Reason::NotWorthIt => "not_worth_it",
        }
    }
}

/// A visit left out, with its reason.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Unassigned {
    /// Index into [`Problem::visits`].
    pub visit: usize,
    /// Why.
    pub reason: Reason,
}

/// A plan: routes (empty ones omitted) and the visits left out.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Solution {
    /// Routes of the advisors used.
    pub routes: Vec<Route>,
    /// Visits not served, each with a reason.
    pub unassigned: Vec<Unassigned>,
}

/// The parts of a plan's cost, all in the problem's cost units.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Cost {
    /// Travel cost of all routes.
    pub travel: i64,
    /// Fixed costs of the advisors used.
    pub fixed: i64,
    /// Penalties of optional visits left out.
    pub unserved: i64,
    /// Continuity-of-care cost (visits served by a non-preferred advisor).
    pub preference: i64,
    /// Workload-balance term.
    pub balance: i64,
}

impl Cost {
    /// The objective value.
    pub fn total(&self) -> i64 {
        self.travel + self.fixed + self.unserved + self.preference + self.balance
    }
}

/// When one stop happens.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Timing {
    /// The stop.
    pub stop: Stop,
    /// Arrival at the stop (for a break: when the previous activity ended).
    pub arrival: i64,
    /// Start of service.
    pub start: i64,
    /// End of service.
    pub end: i64,
    /// Travel time of the leg that leads here (0 for a break).
    pub travel: i64,
    /// Travel cost of that leg.
    pub travel_cost: i64,
}

/// A route's schedule, with the departure as late as possible without making the day end later.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Schedule {
    /// Index into [`Problem::vehicles`].
    pub vehicle: usize,
    /// Departure from the start.
    pub departure: i64,
    /// The stops.
    pub stops: Vec<Timing>,
    /// Travel time of the last leg, to the end.
    pub last_travel: i64,
    /// Travel cost of the last leg.
    pub last_travel_cost: i64,
    /// Arrival at the end.
    pub arrival: i64,
    /// Working time: arrival − departure.
    pub duration: i64,
    /// Total travel time.
    pub travel_time: i64,
    /// Total travel cost.
    pub travel_cost: i64,
    /// Total load.
    pub load: i64,
}

/// What [`check`] found.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct CheckReport {
    /// Broken hard constraints in the routes, in words.
    pub violations: Vec<String>,
    /// Required visits not in any route.
    pub unserved_required: Vec<usize>,
    /// The recomputed cost.
    pub cost: Cost,
    /// One schedule per route, in the plan's order.
    pub schedules: Vec<Schedule>,
}

impl CheckReport {
    /// Every route keeps every hard constraint.
    pub fn feasible(&self) -> bool {
        self.violations.is_empty()
    }

    /// Feasible, and every required visit is served.
    pub fn complete(&self) -> bool {
        self.feasible() && self.unserved_required.is_empty()
    }
}

/// Recomputes a plan's feasibility, schedules and cost from the problem, independently of the solver.
///
/// The simulation starts each stop as early as possible (taking the earliest window that is still open: with
/// waiting allowed this is never worse for what follows), from the departure that makes the working day
/// shortest: among the departures that break nothing, the working time can only reach a new low where the first
/// waiting of the day vanishes, so those departures (and the latest feasible one) are tried. A break is taken
/// where the advisor is, after the previous activity; the next leg follows it.
pub fn check(problem: &Problem, solution: &Solution) -> CheckReport {
    let mut report = CheckReport::default();
    let n = problem.visits.len();
    let mut seen = vec![0u32; n];
    let mut used_vehicle = vec![false; problem.vehicles.len()];
    for (r, route) in solution.routes.iter().enumerate() {
        let Some(veh) = problem.vehicles.get(route.vehicle) else {
            report.violations.push(format!("route {r}: advisor {} does not exist", route.vehicle));
            continue;
        };
        if std::mem::replace(&mut used_vehicle[route.vehicle], true) {
            report.violations.push(format!("route {r}: advisor '{}' has two routes", veh.id));
        }
        let mut breaks_seen = vec![false; veh.breaks.len()];
        let mut bad_index = false;
        for s in &route.stops {
            match *s {
                Stop::Visit(i) if i < n => {
                    seen[i] += 1;
                    if !problem.compatible(i, route.vehicle) {
                        report.violations.push(format!(
                            "route {r}: advisor '{}' lacks a skill or language visit '{}' requires, or it is bound \
                             to another advisor",
                            veh.id, problem.visits[i].id
                        ));
                    }
                }
                Stop::Break(b) if b < veh.breaks.len() => {
                    if std::mem::replace(&mut breaks_seen[b], true) {
                        report.violations.push(format!("route {r}: break {b} taken twice"));
                    }
                }
                _ => bad_index = true,
            }
        }
        if bad_index {
            report
                .violations
                .push(format!("route {r}: a stop refers to a visit or break that does not exist"));
            continue;
        }
        if route.stops.is_empty() {
            continue;
        }
        if breaks_seen.iter().any(|b| !b) {
            report.violations.push(format!("route {r}: advisor '{}' skips a break", veh.id));
        }
        let (schedule, problems) = schedule_route(problem, route);
        for p in problems {
            report.violations.push(format!("route {r} (advisor '{}'): {p}", veh.id));
        }
        report.cost.travel += schedule.travel_cost;
        report.cost.fixed += veh.fixed_cost;
        report.cost.balance += balance(problem, schedule.duration);
        for s in &route.stops {
            if let Stop::Visit(i) = *s
                && problem.visits[i].preferred.is_some_and(|p| p != route.vehicle)
            {
                report.cost.preference += problem.objective.preference_cost;
            }
        }
        report.schedules.push(schedule);
    }
    let mut listed = vec![false; n];
    for u in &solution.unassigned {
        if u.visit >= n {
            report.violations.push(format!("unassigned visit {} does not exist", u.visit));
            continue;
        }
        if std::mem::replace(&mut listed[u.visit], true) {
            report
                .violations
                .push(format!("visit '{}' is listed twice as unassigned", problem.visits[u.visit].id));
        }
    }
    for (i, v) in problem.visits.iter().enumerate() {
        match (seen[i], listed[i]) {
            (0, false) => {
                report.violations.push(format!("visit '{}' is neither routed nor unassigned", v.id));
            }
            (0, true) => match v.penalty {
                Some(p) => report.cost.unserved += p,
                None => report.unserved_required.push(i),
            },
            (1, false) => {}
            (1, true) => report.violations.push(format!("visit '{}' is both routed and unassigned", v.id)),
            (k, _) => report.violations.push(format!("visit '{}' is routed {k} times", v.id)),
        }
    }
    report
}

/// The workload-balance term of a route of the given duration.
pub(crate) fn balance(problem: &Problem, duration: i64) -> i64 {
    let o = &problem.objective;
    if o.balance_weight == 0 || o.balance_scale <= 0 {
        return 0;
    }
    let d = duration as i128;
    (o.balance_weight as i128 * d * d / o.balance_scale as i128) as i64
}

struct Sim {
    stops: Vec<Timing>,
    last_travel: i64,
    last_travel_cost: i64,
    arrival: i64,
    problems: Vec<String>,
    load: i64,
}

fn simulate(problem: &Problem, route: &crate::solution::Route, departure: i64) -> Sim {
    let veh = &problem.vehicles[route.vehicle];
    let m = &problem.matrices[veh.profile];
    let mut problems = Vec::new();
    let mut t = departure;
    let mut at = veh.start;
    let mut load = 0;
    let mut stops = Vec::with_capacity(route.stops.len());
    for &s in &route.stops {
        match s {
            Stop::Visit(i) => {
                let v = &problem.visits[i];
                let travel = m.duration(at, v.location);
                let cost = m.cost(at, v.location);
                if travel >= NEVER {
                    problems.push(format!("visit '{}' is unreachable from the previous place", v.id));
                }
                let arrival = t.saturating_add(travel);
                let start = if v.windows.is_empty() {
                    arrival
                } else {
                    match v.windows.iter().filter(|w| w.end >= arrival).map(|w| w.start.max(arrival)).min() {
                        Some(s) => s,
                        None => {
                            let last = v.windows.iter().map(|w| w.end).max().unwrap_or(arrival);
                            problems.push(format!(
                                "visit '{}' starts at {arrival}, after its last window ({last})",
                                v.id
                            ));
                            arrival
                        }
                    }
                };
                let end = start + v.service;
                load += v.demand;
                stops.push(Timing { stop: s, arrival, start, end, travel, travel_cost: cost });
                t = end;
                at = v.location;
            }
            Stop::Break(b) => {
                let br = &veh.breaks[b];
                let start = t.max(br.window.start);
                if start > br.window.end {
                    problems
                        .push(format!("break {b} starts at {start}, after its window ({})", br.window.end));
                }
                stops.push(Timing {
                    stop: s,
                    arrival: t,
                    start,
                    end: start + br.duration,
                    travel: 0,
                    travel_cost: 0,
                });
                t = start + br.duration;
            }
        }
    }
    let last_travel = m.duration(at, veh.end);
    if last_travel >= NEVER {
        problems.push("the end is unreachable from the last stop".to_owned());
    }
    let arrival = t.saturating_add(last_travel);
    if arrival > veh.shift.end {
        problems.push(format!("returns at {arrival}, after the shift ends ({})", veh.shift.end));
    }
    if load > veh.capacity {
        problems.push(format!("load {load} exceeds capacity {}", veh.capacity));
    }
    Sim { stops, last_travel, last_travel_cost: m.cost(at, veh.end), arrival, problems, load }
}

fn schedule_route(problem: &Problem, route: &Route) -> (Schedule, Vec<String>) {
    let veh = &problem.vehicles[route.vehicle];
    let first = simulate(problem, route, veh.shift.start);
    let mut departure = veh.shift.start;
    if first.problems.is_empty() {
        // The latest departure that breaks nothing (feasibility only worsens with later departures, since
        // waiting is allowed) ...
        let (mut lo, mut hi) = (veh.shift.start, veh.shift.end);
        while lo < hi {
            let mid = lo + (hi - lo + 1) / 2;
            if simulate(problem, route, mid).problems.is_empty() {
                lo = mid;
            } else {
                hi = mid - 1;
            }
        }
        // ... and the working time is shortest at a departure where the first waiting vanishes: when the advisor
        // would reach some stop exactly as one of its windows opens, or at the latest departure.
        let mut candidates = vec![veh.shift.start, lo];
        let mut offset = 0;
        let mut at = veh.start;
        let m = &problem.matrices[veh.profile];
        for &st in &route.stops {
            match st {
                Stop::Visit(i) => {
                    let v = &problem.visits[i];
                    offset += m.duration(at, v.location);
                    candidates.extend(v.windows.iter().map(|w| w.start - offset));
                    offset += v.service;
                    at = v.location;
                }
                Stop::Break(b) => {
                    let br = &veh.breaks[b];
                    candidates.push(br.window.start - offset);
                    offset += br.duration;
                }
            }
        }
        let mut best = (first.arrival - veh.shift.start, veh.shift.start);
        for t in candidates {
            if t < veh.shift.start || t > lo {
                continue;
            }
            let s = simulate(problem, route, t);
            let d = s.arrival - t;
            if s.problems.is_empty() && (d < best.0 || (d == best.0 && t > best.1)) {
                best = (d, t);
            }
        }
        departure = best.1;
    }
    let mut sim = if departure == veh.shift.start { first } else { simulate(problem, route, departure) };
    let duration = sim.arrival - departure;
    if let Some(max) = veh.max_work
        && duration > max
    {
        sim.problems.push(format!("works {duration}, more than the maximum {max}"));
    }
    let travel_time = sim.stops.iter().map(|s| s.travel).sum::<i64>() + sim.last_travel;
    let travel_cost = sim.stops.iter().map(|s| s.travel_cost).sum::<i64>() + sim.last_travel_cost;
    let schedule = Schedule {
        vehicle: route.vehicle,
        departure,
        stops: sim.stops,
        last_travel: sim.last_travel,
        last_travel_cost: sim.last_travel_cost,
        arrival: sim.arrival,
        duration,
        travel_time,
        travel_cost,
        load: sim.load,
    };
    (schedule, sim.problems)
}
