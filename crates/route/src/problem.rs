//! The routing problem: visits, advisors (vehicles), travel matrices and the objective.
//!
//! Every number is an integer in the problem's own units: times in one unit (milliseconds for real days, a
//! scaled unit for Solomon instances) and costs in another. The solver never converts units, so the caller
//! decides precision once.

use std::collections::HashMap;

use serde::{Deserialize, Serialize};
use thiserror::Error;

/// A time that stands for "never": larger than any real time but far from overflow when added to.
pub const NEVER: i64 = i64::MAX / 8;

/// A time window `[start, end]` in which an activity must *start*; waiting before `start` is allowed.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct TimeWindow {
    /// Earliest start.
    pub start: i64,
    /// Latest start.
    pub end: i64,
}

impl TimeWindow {
    /// The window `[start, end]`.
    pub fn new(start: i64, end: i64) -> Self {
        Self { start, end }
    }

    /// A window that never binds.
    pub fn always() -> Self {
        Self { start: 0, end: NEVER }
    }
}

/// A travel-time and cost matrix for one way of travelling, indexed by location.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Matrix {
    /// Number of locations.
    pub size: usize,
    /// `durations[from * size + to]`: travel time, or [`NEVER`] if unreachable.
    pub durations: Vec<i64>,
    /// `costs[from * size + to]`: the travel cost the objective minimises (a distance, or the time again).
    pub costs: Vec<i64>,
}

impl Matrix {
    /// A matrix whose cost is its duration.
    pub fn from_durations(size: usize, durations: Vec<i64>) -> Self {
        Self { size, costs: durations.clone(), durations }
    }

    /// Travel time from `a` to `b`.
    #[inline]
    pub fn duration(&self, a: usize, b: usize) -> i64 {
        self.durations[a * self.size + b]
    }

    /// Travel cost from `a` to `b`.
    #[inline]
    pub fn cost(&self, a: usize, b: usize) -> i64 {
        self.costs[a * self.size + b]
    }
}

/// A place to go: a client's home visit, or a pinned block (a pop-up session) when [`Visit::vehicle`] is set.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Visit {
    /// The caller's identifier (unique).
    pub id: String,
    /// Location index into the matrices.
    pub location: usize,
    /// Windows for the start of service; one is chosen. Empty means any time.
    pub windows: Vec<TimeWindow>,
    /// Service duration.
    pub service: i64,
    /// Load taken (capacity units; 0 for home visits, customers' demand in Solomon instances).
    pub demand: i64,
    /// Skills the advisor must all have.
    pub skills_all: Vec<String>,
    /// Skills of which the advisor must have at least one (empty: no such requirement).
    pub skills_any: Vec<String>,
    /// Languages of which the advisor must speak at least one (empty: any advisor).
    pub languages: Vec<String>,
    /// `None`: the visit must be served. `Some(p)`: optional; leaving it out costs `p`.
    pub penalty: Option<i64>,
    /// The advisor who should preferably serve it (continuity of care; soft, see [`Objective::preference_cost`]).
    pub preferred: Option<usize>,
    /// The only advisor who may serve it (a pinned session, or a visit fixed by the planner).
    pub vehicle: Option<usize>,
}

impl Visit {
    /// A required visit at `location` with one window and a service time.
    pub fn new(id: impl Into<String>, location: usize, window: TimeWindow, service: i64) -> Self {
        Self {
            id: id.into(),
            location,
            windows: vec![window],
            service,
            demand: 0,
            skills_all: Vec::new(),
            skills_any: Vec::new(),
            languages: Vec::new(),
            penalty: None,
            preferred: None,
            vehicle: None,
        }
    }
}

/// A break an advisor must take, at wherever they are, starting within `window`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Break {
    /// Window for the start of the break.
    pub window: TimeWindow,
    /// Its length.
    pub duration: i64,
}

/// An advisor (a vehicle in routing terms).
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Vehicle {
    /// The caller's identifier (unique).
    pub id: String,
    /// Index of the matrix this advisor travels by.
    pub profile: usize,
    /// Where the day starts.
    pub start: usize,
    /// Where the day ends.
    pub end: usize,
    /// Earliest departure and latest return.
    pub shift: TimeWindow,
    /// Longest working time from departure to return (`None`: the shift bounds it).
    pub max_work: Option<i64>,
    /// Capacity in demand units (`i64::MAX` for advisors).
    pub capacity: i64,
    /// Skills the advisor has.
    pub skills: Vec<String>,
    /// Languages the advisor speaks.
    pub languages: Vec<String>,
    /// Breaks, each taken once.
    pub breaks: Vec<Break>,
    /// Cost of using this advisor at all (large values minimise the number of advisors first).
    pub fixed_cost: i64,
}

impl Vehicle {
    /// An advisor who starts and ends at `depot` within `shift`, with no limits but the shift.
    pub fn new(id: impl Into<String>, profile: usize, depot: usize, shift: TimeWindow) -> Self {
        Self {
            id: id.into(),
            profile,
            start: depot,
            end: depot,
            shift,
            max_work: None,
            capacity: i64::MAX,
            skills: Vec::new(),
            languages: Vec::new(),
            breaks: Vec::new(),
            fixed_cost: 0,
        }
    }
}

/// What the solver minimises, in lexicographic spirit: unserved visits' penalties (set them large), then the fixed
/// costs of advisors used, then travel cost, with a workload balance term and a continuity-of-care term.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
pub struct Objective {
    /// Cost per visit served by an advisor other than its preferred one.
    pub preference_cost: i64,
    /// Workload balance: adds `balance_weight * duration² / balance_scale` per route, which favours even days.
    pub balance_weight: i64,
    /// Divisor of the balance term (e.g. an hour in the problem's time unit).
    pub balance_scale: i64,
}

/// A complete routing problem.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Problem {
    /// One matrix per travel profile; all of the same size.
    pub matrices: Vec<Matrix>,
    /// The visits.
    pub visits: Vec<Visit>,
    /// The advisors.
    pub vehicles: Vec<Vehicle>,
    /// The objective's weights.
    pub objective: Objective,
}

/// A problem that cannot be solved as given.
#[derive(Debug, Error, PartialEq, Eq)]
pub enum ProblemError {
    /// No advisors.
    #[error("the problem has no advisors (vehicles); add at least one")]
    NoVehicles,
    /// No matrix.
    #[error("the problem has no travel matrix")]
    NoMatrix,
    /// A matrix of the wrong size.
    #[error("matrix {profile} has {len} entries, expected {size}² = {expected} (durations and costs)")]
    MatrixSize {
        /// Profile index.
        profile: usize,
        /// Entries found.
        len: usize,
        /// Declared size.
        size: usize,
        /// Expected entries.
        expected: usize,
    },
    /// Two visits or two advisors share an id.
    #[error("duplicate {what} id '{id}': ids must be unique")]
    DuplicateId {
        /// "visit" or "advisor".
        what: &'static str,
        /// The id.
        id: String,
    },
    /// A location outside the matrix.
    #[error("{what} '{id}' uses location {location}, but the matrix has {size} locations")]
    Location {
        /// "visit" or "advisor".
        what: &'static str,
        /// The id.
        id: String,
        /// Offending location.
        location: usize,
        /// Matrix size.
        size: usize,
    },
    /// An advisor's travel profile does not exist.
    #[error("advisor '{id}' travels by profile {profile}, but there are only {count} matrices")]
    Profile {
        /// Advisor id.
        id: String,
        /// Profile index.
        profile: usize,
        /// Matrices available.
        count: usize,
    },
    /// A window ends before it starts.
    #[error("{what} '{id}' has a time window that ends ({end}) before it starts ({start})")]
    Window {
        /// "visit", "shift" or "break".
        what: &'static str,
        /// The id.
        id: String,
        /// Start.
        start: i64,
        /// End.
        end: i64,
    },
    /// A negative duration, demand or capacity.
    #[error("{what} '{id}' has a negative {field} ({value})")]
    Negative {
        /// "visit" or "advisor".
        what: &'static str,
        /// The id.
        id: String,
        /// Field name.
        field: &'static str,
        /// Value.
        value: i64,
    },
    /// A reference to an advisor that does not exist.
    #[error("visit '{id}' names advisor {vehicle} as its {field}, but there are only {count} advisors")]
    VehicleRef {
        /// Visit id.
        id: String,
        /// "preferred" or "vehicle".
        field: &'static str,
        /// Index.
        vehicle: usize,
        /// Advisors.
        count: usize,
    },
    /// A skill no advisor has (a typo, most often).
    #[error("visit '{id}' requires skill or language '{skill}', which no advisor has (known: {known})")]
    UnknownSkill {
        /// Visit id.
        id: String,
        /// The skill.
        skill: String,
        /// The skills and languages advisors have.
        known: String,
    },
    /// A pinned block longer than the advisor's shift.
    #[error(
        "pinned block '{id}' lasts {service} but advisor '{vehicle}' works only {shift} (shift {start}–{end}); \
         shorten the session or widen the shift"
    )]
    PinnedLongerThanShift {
        /// Visit id.
        id: String,
        /// Advisor id.
        vehicle: String,
        /// Service time of the block.
        service: i64,
        /// Shift length.
        shift: i64,
        /// Shift start.
        start: i64,
        /// Shift end.
        end: i64,
    },
}

impl Problem {
    /// Checks the problem's structure; every solver entry point calls this. Visits that are well-formed but
    /// cannot be served (no advisor has the skill, the window is unreachable) are *not* errors: the solver leaves
    /// them out with a reason.
    pub fn validate(&self) -> Result<(), ProblemError> {
        if self.vehicles.is_empty() {
            return Err(ProblemError::NoVehicles);
        }
        let Some(first) = self.matrices.first() else {
            return Err(ProblemError::NoMatrix);
        };
        let size = first.size;
        for (profile, m) in self.matrices.iter().enumerate() {
            let expected = size * size;
            if m.size != size || m.durations.len() != expected || m.costs.len() != expected {
                return Err(ProblemError::MatrixSize {
                    profile,
                    len: m.durations.len().min(m.costs.len()),
                    size,
                    expected,
                });
            }
        }
        let mut seen = HashMap::new();
        let mut skills: Vec<&str> = Vec::new();
        for v in &self.vehicles {
            if seen.insert(v.id.as_str(), ()).is_some() {
                return Err(ProblemError::DuplicateId { what: "advisor", id: v.id.clone() });
            }
            for loc in [v.start, v.end] {
                if loc >= size {
                    return Err(ProblemError::Location {
                        what: "advisor",
                        id: v.id.clone(),
                        location: loc,
                        size,
                    });
                }
            }
            if v.profile >= self.matrices.len() {
                return Err(ProblemError::Profile {
                    id: v.id.clone(),
                    profile: v.profile,
                    count: self.matrices.len(),
                });
            }
            check_window("shift", &v.id, v.shift)?;
            for b in &v.breaks {
                check_window("break", &v.id, b.window)?;
                check_nonneg("advisor", &v.id, "break duration", b.duration)?;
            }
            check_nonneg("advisor", &v.id, "capacity", v.capacity)?;
            check_nonneg("advisor", &v.id, "fixed cost", v.fixed_cost)?;
            if let Some(w) = v.max_work {
                check_nonneg("advisor", &v.id, "maximum working time", w)?;
            }
            skills.extend(v.skills.iter().map(String::as_str));
            skills.extend(v.languages.iter().map(String::as_str));
        }
        let mut seen = HashMap::new();
        for v in &self.visits {
            if seen.insert(v.id.as_str(), ()).is_some() {
                return Err(ProblemError::DuplicateId { what: "visit", id: v.id.clone() });
            }
            if v.location >= size {
                return Err(ProblemError::Location {
                    what: "visit",
                    id: v.id.clone(),
                    location: v.location,
                    size,
                });
            }
            for w in &v.windows {
                check_window("visit", &v.id, *w)?;
            }
            check_nonneg("visit", &v.id, "service duration", v.service)?;
            check_nonneg("visit", &v.id, "demand", v.demand)?;
            if let Some(p) = v.penalty {
                check_nonneg("visit", &v.id, "penalty", p)?;
            }
            for (field, r) in [("preferred", v.preferred), ("vehicle", v.vehicle)] {
                if let Some(k) = r
                    && k >= self.vehicles.len()
                {
                    return Err(ProblemError::VehicleRef {
                        id: v.id.clone(),
                        field,
                        vehicle: k,
                        count: self.vehicles.len(),
                    });
                }
            }
            // Languages are alternatives: one known language is enough (a client who speaks Swedish or Finnish
            // is served in Finnish when nobody speaks Swedish).
            let languages: &[String] =
                if v.languages.iter().any(|l| skills.contains(&l.as_str())) { &[] } else { &v.languages };
            for s in v.skills_all.iter().chain(&v.skills_any).chain(languages) {
                if !skills.contains(&s.as_str()) {
                    let mut known: Vec<&str> = skills.clone();
                    known.sort_unstable();
                    known.dedup();
                    return Err(ProblemError::UnknownSkill {
                        id: v.id.clone(),
                        skill: s.clone(),
                        known: if known.is_empty() { "none".into() } else { known.join(", ") },
                    });
                }
            }
            if let (Some(k), None) = (v.vehicle, v.penalty) {
                let veh = &self.vehicles[k];
                let shift = veh.shift.end - veh.shift.start;
                if v.service > shift {
                    return Err(ProblemError::PinnedLongerThanShift {
                        id: v.id.clone(),
                        vehicle: veh.id.clone(),
                        service: v.service,
                        shift,
                        start: veh.shift.start,
                        end: veh.shift.end,
                    });
                }
            }
        }
        Ok(())
    }

    /// Whether advisor `k` has what visit `i` requires (skills, languages, a binding to an advisor).
    pub fn compatible(&self, i: usize, k: usize) -> bool {
        let v = &self.visits[i];
        let a = &self.vehicles[k];
        if v.vehicle.is_some_and(|b| b != k) {
            return false;
        }
        let has = |s: &String| a.skills.contains(s);
        v.skills_all.iter().all(has)
            && (v.skills_any.is_empty() || v.skills_any.iter().any(has))
            && (v.languages.is_empty() || v.languages.iter().any(|l| a.languages.contains(l)))
    }
}

fn check_window(what: &'static str, id: &str, w: TimeWindow) -> Result<(), ProblemError> {
    if w.end < w.start {
        return Err(ProblemError::Window { what, id: id.to_owned(), start: w.start, end: w.end });
    }
    Ok(())
}

fn check_nonneg(what: &'static str, id: &str, field: &'static str, value: i64) -> Result<(), ProblemError> {
    if value < 0 {
        return Err(ProblemError::Negative { what, id: id.to_owned(), field, value });
    }
    Ok(())
}
