//! The Solomon (1987) VRPTW text format, and VRPLIB solution files.
//!
//! Units: distances and times are Euclidean and are multiplied by [`SCALE`]; a travel *time* is rounded up and a
//! travel *cost* to the nearest unit, so that a plan feasible in these integers is feasible in exact arithmetic
//! (the convention of `shared/tools/peers/vrptw/run_peers.py`, which lets solvers be compared on equal terms).

use std::fmt::Write as _;

use thiserror::Error;

use crate::problem::{Matrix, Objective, Problem, TimeWindow, Vehicle, Visit};
use crate::solution::{Solution, Stop};

/// Integer units per instance unit.
pub const SCALE: f64 = 1000.0;

/// A Solomon instance.
#[derive(Clone, Debug)]
pub struct Instance {
    /// Its name (first line).
    pub name: String,
    /// Number of vehicles available.
    pub vehicles: usize,
    /// Vehicle capacity.
    pub capacity: i64,
    /// Coordinates; index 0 is the depot.
    pub xy: Vec<(f64, f64)>,
    /// Demand per customer (0 for the depot).
    pub demand: Vec<i64>,
    /// Ready times.
    pub ready: Vec<f64>,
    /// Due dates (latest start of service; the depot's is the latest return).
    pub due: Vec<f64>,
    /// Service times.
    pub service: Vec<f64>,
}

/// A Solomon file that cannot be read.
#[derive(Debug, Error, PartialEq, Eq)]
#[error("{path}: line {line}: {message}")]
pub struct SolomonError {
    /// The file (as given by the caller).
    pub path: String,
    /// Line number (1-based; 0 for the whole file).
    pub line: usize,
    /// What was wrong and what was expected.
    pub message: String,
}

/// Parses the Solomon format; `path` only names the file in errors.
pub fn parse(text: &str, path: &str) -> Result<Instance, SolomonError> {
    let err = |line: usize, message: String| SolomonError { path: path.to_owned(), line, message };
    let mut lines = text.lines().enumerate().map(|(i, l)| (i + 1, l.trim())).filter(|(_, l)| !l.is_empty());
    let (_, name) = lines.next().ok_or_else(|| err(0, "empty file; expected a Solomon instance".into()))?;
    let mut vehicles = None;
    let mut customers = Vec::new();
    let mut in_customers = false;
    let mut pending_vehicle = false;
    for (no, l) in lines {
        let upper = l.to_ascii_uppercase();
        if upper.starts_with("VEHICLE") {
            continue;
        }
        if upper.starts_with("NUMBER") {
            pending_vehicle = true;
            continue;
        }
        if upper.starts_with("CUSTOMER") {
            in_customers = true;
            continue;
        }
        if upper.starts_with("CUST") {
            continue;
        }
        let nums: Result<Vec<f64>, _> = l.split_whitespace().map(str::parse::<f64>).collect();
        let nums = nums.map_err(|_| err(no, format!("expected numbers, found '{l}'")))?;
        if pending_vehicle && !in_customers {
            if nums.len() != 2 {
                return Err(err(no, format!("expected 'NUMBER CAPACITY' (two numbers), found '{l}'")));
            }
            vehicles = Some((nums[0], nums[1]));
            pending_vehicle = false;
            continue;
        }
        if !in_customers {
            return Err(err(no, format!("unexpected line '{l}' before the CUSTOMER section")));
        }
        if nums.len() != 7 {
            return Err(err(
                no,
                format!("expected 7 columns (no, x, y, demand, ready, due, service), found {}", nums.len()),
            ));
        }
        if nums[0] as usize != customers.len() {
            return Err(err(
                no,
                format!("customer number {} out of sequence; expected {}", nums[0], customers.len()),
            ));
        }
        if nums[5] < nums[4] {
            return Err(err(no, format!("due date {} is before ready time {}", nums[5], nums[4])));
        }
        customers.push(nums);
    }
    let (k, q) = vehicles.ok_or_else(|| err(0, "no VEHICLE section with NUMBER and CAPACITY".into()))?;
    if customers.len() < 2 {
        return Err(err(0, "expected a depot and at least one customer".into()));
    }
    Ok(Instance {
        name: name.to_owned(),
        vehicles: k as usize,
        capacity: q as i64,
        xy: customers.iter().map(|c| (c[1], c[2])).collect(),
        demand: customers.iter().map(|c| c[3] as i64).collect(),
        ready: customers.iter().map(|c| c[4]).collect(),
        due: customers.iter().map(|c| c[5]).collect(),
        service: customers.iter().map(|c| c[6]).collect(),
    })
}

impl Instance {
    /// Euclidean distance between two points, in instance units.
    pub fn distance(&self, a: usize, b: usize) -> f64 {
        let (dx, dy) = (self.xy[a].0 - self.xy[b].0, self.xy[a].1 - self.xy[b].1);
        (dx * dx + dy * dy).sqrt()
    }

    /// The routing problem: location 0 is the depot, location `i` customer `i` (visit `i − 1`).
    pub fn to_problem(&self) -> Problem {
        let n = self.xy.len();
        let mut durations = vec![0; n * n];
        let mut costs = vec![0; n * n];
        for a in 0..n {
            for b in 0..n {
                if a != b {
                    let d = self.distance(a, b) * SCALE;
                    durations[a * n + b] = (d - 1e-6).ceil() as i64;
                    costs[a * n + b] = d.round() as i64;
                }
            }
        }
        let s = |v: f64| (v * SCALE).round() as i64;
        let visits = (1..n)
            .map(|i| {
                let mut v = Visit::new(
                    i.to_string(),
                    i,
                    TimeWindow::new(s(self.ready[i]), s(self.due[i])),
                    s(self.service[i]),
                );
                v.demand = self.demand[i];
                v
            })
            .collect();
        let vehicles = (0..self.vehicles)
            .map(|k| {
                let mut v = Vehicle::new(
                    format!("v{}", k + 1),
                    0,
                    0,
                    TimeWindow::new(s(self.ready[0]), s(self.due[0])),
                );
                v.capacity = self.capacity;
                v
            })
            .collect();
        Problem {
            matrices: vec![Matrix { size: n, durations, costs }],
            visits,
            vehicles,
            objective: Objective::default(),
        }
    }

    /// Total distance of a plan in exact double precision (instance units).
    pub fn exact_distance(&self, solution: &Solution) -> f64 {
        let mut total = 0.0;
        for r in &solution.routes {
            let mut at = 0;
            for s in &r.stops {
                if let Stop::Visit(i) = *s {
                    total += self.distance(at, i + 1);
                    at = i + 1;
                }
            }
            total += self.distance(at, 0);
        }
        total
    }
}

/// Writes a plan in the VRPLIB solution format: `Route #k: customer numbers` and a `Cost` line.
pub fn write_vrplib(solution: &Solution, cost: f64) -> String {
    let mut out = String::new();
    for (k, r) in solution.routes.iter().enumerate() {
        let ids: Vec<String> = r
            .stops
            .iter()
            .filter_map(|s| match *s {
                Stop::Visit(i) => Some((i + 1).to_string()),
                Stop::Break(_) => None,
            })
            .collect();
        let _ = writeln!(out, "Route #{}: {}", k + 1, ids.join(" "));
    }
    let _ = writeln!(out, "Cost {cost:.4}");
    out
}
