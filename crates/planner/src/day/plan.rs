//! The advisors' day end to end: requests → travel matrices on the networks of the advisors' modes → the routing
//! solver → an independent check → each advisor's day with times, legs drawn on the streets and a summary.

use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::{Duration, Instant};

use chrono::{NaiveDate, NaiveDateTime};
use neuvo_export::{AdvisorDay, ClientInfo, DayStop, ExportOptions, Leg, StopKind};
use neuvo_model::{LonLat, Mode, Progress};
use neuvo_network::{MatrixParams, Network, Snap};
use neuvo_route::{
    Break, Control, Matrix, NEVER, Objective, Params, Problem, Reason, Stop, TimeWindow, Vehicle, Visit,
};
use serde::Serialize;
use serde_json::{Value, json};

use super::requests::{AdvisorSpec, Priority, SessionSpec, VisitRequest, cross_check, format_clock};
use crate::inputs::InputError;

/// Penalty for leaving out an optional visit, per priority, in seconds of travel: each level outweighs the one
/// below ten times, and a normal visit outweighs any plausible day's travel (about 280 hours), so the plan serves
/// as many visits as it can by priority before it saves travel.
fn penalty(p: Priority) -> Option<i64> {
    match p {
        Priority::Must => None,
        Priority::High => Some(10_000_000),
        Priority::Normal => Some(1_000_000),
        Priority::Low => Some(100_000),
    }
}

/// The balance term's divisor: `weight × (working seconds)² / BALANCE_SCALE` per advisor, so with weight 1 an
/// eight-hour day adds 3 840 s-equivalents and two four-hour days 1 920: evening out costs up to about half an
/// hour of travel per pair of advisors.
const BALANCE_SCALE: i64 = 216_000;

/// A day to plan.
#[derive(Clone, Debug)]
pub struct DayInput {
    /// The date (times are local wall-clock times in Europe/Helsinki).
    pub date: NaiveDate,
    /// Home-visit requests.
    pub visits: Vec<VisitRequest>,
    /// The advisors working that day.
    pub advisors: Vec<AdvisorSpec>,
    /// Pinned pop-up sessions.
    pub sessions: Vec<SessionSpec>,
}

/// How the day is planned.
#[derive(Clone, Debug)]
pub struct DayOptions {
    /// Seed of the solver.
    pub seed: u64,
    /// Time limit of the solver.
    pub time_limit: Duration,
    /// Iteration limit (with a seed, the same plan on any machine).
    pub max_iterations: Option<u64>,
    /// Use as few advisors as possible before anything but serving visits.
    pub fewest_advisors: bool,
    /// Weight of the workload-balance term (0: none).
    pub balance_weight: i64,
    /// Cost, in seconds of travel, of sending a visit to an advisor other than the client's preferred one.
    pub preference_cost_s: i64,
    /// Threads for the travel-time matrices.
    pub threads: usize,
    /// Pinned sessions come before every home visit, `must` ones included: a `must` visit that clashes with the
    /// sessions is left out rather than a session (a rotation's sessions are public commitments).
    pub sessions_first: bool,
}

impl Default for DayOptions {
    fn default() -> Self {
        Self {
            seed: 1,
            time_limit: Duration::from_secs(10),
            max_iterations: None,
            fewest_advisors: false,
            balance_weight: 1,
            preference_cost_s: 600,
            threads: 1,
            sessions_first: false,
        }
    }
}

/// Why a day could not be planned.
#[derive(Debug, thiserror::Error)]
pub enum DayError {
    /// The inputs do not fit together.
    #[error("the day's inputs have {} problem(s):\n  {}", .0.len(), .0.join("\n  "))]
    Invalid(Vec<String>),
    /// A network could not be loaded.
    #[error(transparent)]
    Input(#[from] InputError),
    /// An advisor's start or end is off their network.
    #[error(
        "advisor {advisor:?}: the {which} is {distance_m:.0} m from the nearest street of the {mode} network (at most {max_m:.0} m); move it onto the network's area"
    )]
    AdvisorOffNetwork {
        /// The advisor.
        advisor: String,
        /// "start" or "end".
        which: &'static str,
        /// Mode.
        mode: Mode,
        /// Distance to the network.
        distance_m: f64,
        /// The network's snapping limit.
        max_m: f64,
    },
    /// The solver refused the problem (a bug in this pipeline: the inputs were checked).
    #[error("the routing problem is malformed: {0}")]
    Problem(String),
    /// The run was cancelled.
    #[error("cancelled")]
    Cancelled,
}

/// A visit left out, with its reason.
#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct Unserved {
    /// The visit's id.
    pub id: String,
    /// Its priority.
    pub priority: Priority,
    /// Reason code: `skill`, `language`, `unreachable`, `shift`, `time_window`, `capacity` or `not_worth_it`
    /// (sessions that cannot be held: `unreachable`, `shift`, `time_window`).
    pub reason: &'static str,
    /// The reason in words.
    pub detail: String,
    /// `visit` or `session`.
    pub kind: &'static str,
}

/// One stop in the summary (pseudonyms only).
#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct StopSummary {
    /// `visit`, `session` or `break`.
    pub kind: &'static str,
    /// The visit's or session's id (none for breaks).
    pub id: Option<String>,
    /// Arrival, `HH:MM`.
    pub arrival: String,
    /// Start.
    pub start: String,
    /// End.
    pub end: String,
    /// Travel from the previous place, in seconds.
    pub travel_s: u32,
    /// Waiting before the start, in seconds.
    pub wait_s: u32,
}

/// One advisor's day in the summary.
#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct AdvisorSummary {
    /// Id.
    pub id: String,
    /// Mode.
    pub mode: Mode,
    /// Home visits.
    pub visits: usize,
    /// Pop-up sessions.
    pub sessions: usize,
    /// Departure, `HH:MM` (none when the advisor has nothing to do).
    pub departure: Option<String>,
    /// Return.
    pub back: Option<String>,
    /// Working time (departure to return), in seconds.
    pub work_s: u32,
    /// Travel time, in seconds.
    pub travel_s: u32,
    /// Distance travelled, in metres.
    pub distance_m: u32,
    /// Waiting time, in seconds.
    pub wait_s: u32,
    /// Stops in order.
    pub stops: Vec<StopSummary>,
}

/// Visits requested and served at one priority.
#[derive(Clone, Debug, Default, Serialize, PartialEq)]
pub struct PriorityCount {
    /// Requested.
    pub requested: usize,
    /// Served.
    pub served: usize,
}

/// The solver's run.
#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct SolverRun {
    /// Seed.
    pub seed: u64,
    /// Iterations made.
    pub iterations: u64,
    /// Seconds spent.
    pub seconds: f64,
    /// Whether the independent check found every route feasible.
    pub feasible: bool,
    /// Objective value.
    pub objective: i64,
}

/// What `neuvo routes --json` prints: the day at a glance, without any client detail.
#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct DaySummary {
    /// The date.
    pub date: String,
    /// Advisors available.
    pub advisors: usize,
    /// Advisors with a route.
    pub advisors_used: usize,
    /// Visit requests.
    pub visits: usize,
    /// Visits served.
    pub served: usize,
    /// Sessions pinned and held.
    pub sessions: usize,
    /// Per priority (`must`, `high`, `normal`, `low`).
    pub by_priority: BTreeMap<Priority, PriorityCount>,
    /// Visits and sessions left out, with reasons.
    pub unserved: Vec<Unserved>,
    /// Total travel time, seconds.
    pub travel_s: u64,
    /// Total distance, metres.
    pub distance_m: u64,
    /// Total working time, seconds.
    pub work_s: u64,
    /// Per advisor.
    pub days: Vec<AdvisorSummary>,
    /// The solver's run.
    pub solver: SolverRun,
    /// What a reader should know (homes far from the street network, say).
    pub notes: Vec<String>,
    /// Seconds for the matrices.
    pub matrix_s: f64,
}

/// A planned day: the summary, each advisor's day for export, and the routes of every advisor as one GeoJSON
/// layer for the map.
#[derive(Clone, Debug)]
pub struct DayPlan {
    /// The summary.
    pub summary: DaySummary,
    /// Every advisor with something to do, in the input's order.
    pub days: Vec<AdvisorDay>,
    /// The routes of all advisors (pseudonyms only), each feature carrying `advisor`.
    pub routes_geojson: Value,
}

/// Where each location of the problem comes from.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Place {
    Start,
    End,
    Visit,
    Session,
}

/// Plans the day: `network(mode)` gives the street network of each advisor's mode.
pub fn plan_day(
    input: &DayInput,
    network: &dyn Fn(Mode) -> Result<Arc<Network>, InputError>,
    options: &DayOptions,
    progress: &dyn Progress,
    cancelled: &dyn Fn() -> bool,
) -> Result<DayPlan, DayError> {
    let problems = cross_check(&input.visits, &input.advisors, &input.sessions);
    if !problems.is_empty() {
        return Err(DayError::Invalid(problems));
    }
    let (adv, vis, ses) = (&input.advisors, &input.visits, &input.sessions);
    let mut places: Vec<(Place, LonLat)> = Vec::new();
    places.extend(adv.iter().map(|a| (Place::Start, a.start)));
    places.extend(adv.iter().map(|a| (Place::End, a.end.unwrap_or(a.start))));
    places.extend(vis.iter().map(|v| (Place::Visit, v.place)));
    places.extend(ses.iter().map(|s| (Place::Session, s.place)));
    let n = places.len();
    let (a_n, v_n) = (adv.len(), vis.len());
    let start_loc = |i: usize| i;
    let end_loc = |i: usize| a_n + i;
    let visit_loc = |i: usize| 2 * a_n + i;
    let session_loc = |i: usize| 2 * a_n + v_n + i;

    // One matrix per mode in use.
    let t0 = Instant::now();
    let mut modes: Vec<Mode> = adv.iter().map(|a| a.mode).collect();
    modes.sort_unstable();
    modes.dedup();
    let mut nets = Vec::new();
    let mut matrices = Vec::new();
    let mut distances: Vec<Vec<u32>> = Vec::new();
    let mut snaps_by_mode: Vec<Vec<Option<Snap>>> = Vec::new();
    let mut off: Vec<Vec<Option<f64>>> = Vec::new();
    for &mode in &modes {
        let net = network(mode)?;
        let max_m = net.snap_params().max_snap_m;
        let points: Vec<LonLat> = places.iter().map(|(_, p)| *p).collect();
        let (snaps, off_network) = crate::matrix::snap_all(&net, &points);
        let mut far: Vec<Option<f64>> = vec![None; n];
        for (i, d) in off_network {
            far[i] = Some(d);
        }
        for (i, a) in adv.iter().enumerate().filter(|(_, a)| a.mode == mode) {
            for (which, loc) in [("start", start_loc(i)), ("end", end_loc(i))] {
                if let Some(d) = far[loc] {
                    return Err(DayError::AdvisorOffNetwork {
                        advisor: a.id.clone(),
                        which,
                        mode,
                        distance_m: d,
                        max_m,
                    });
                }
            }
        }
        // Schedules run on whole minutes (travel rounded up to the minute: a little slack for parking and
        // finding the door), the objective on exact seconds.
        let mut durations = vec![NEVER; n * n];
        let mut costs = vec![NEVER; n * n];
        let mut dist = vec![u32::MAX; n * n];
        let params = MatrixParams { threads: options.threads.max(1), ..MatrixParams::default() };
        net.matrix_rows(&snaps, &snaps, params, progress, |i, row| {
            if cancelled() {
                return Err(DayError::Cancelled);
            }
            for (j, w) in row.iter().enumerate() {
                if i == j {
                    durations[i * n + j] = 0;
                    costs[i * n + j] = 0;
                    dist[i * n + j] = 0;
                } else if !w.is_infinite() {
                    durations[i * n + j] = i64::from(w.time().0.div_ceil(60_000)) * 60;
                    costs[i * n + j] = i64::from(w.time().0.div_ceil(1000));
                    dist[i * n + j] = w.dist().0 / 100;
                }
            }
            Ok(())
        })?;
        for i in 0..n {
            durations[i * n + i] = 0;
            costs[i * n + i] = 0;
        }
        matrices.push(Matrix { size: n, durations, costs });
        distances.push(dist);
        snaps_by_mode.push(snaps);
        off.push(far);
        nets.push(net);
    }
    let matrix_s = t0.elapsed().as_secs_f64();
    let profile_of = |m: Mode| modes.iter().position(|x| *x == m).unwrap_or(0);

    // The routing problem, in seconds since midnight.
    let index_of = |id: &str| adv.iter().position(|a| a.id == id);
    let mut visits: Vec<Visit> = vis
        .iter()
        .enumerate()
        .map(|(i, v)| {
            let mut x = Visit::new(v.id.clone(), visit_loc(i), TimeWindow::always(), i64::from(v.duration_s));
            x.windows =
                v.windows.iter().map(|w| TimeWindow::new(i64::from(w.start), i64::from(w.end))).collect();
            if x.windows.is_empty() {
                x.windows = vec![TimeWindow::always()];
            }
            x.skills_all = v.skills.clone();
            x.skills_any = v.skills_any.clone();
            x.languages = v.languages.clone();
            x.penalty = match (options.sessions_first, v.priority) {
                // Five high visits' worth, below a session (required). Not higher: a penalty far above the
                // solver's time-warp penalties would make overlapping plans look better than feasible ones.
                (true, Priority::Must) => Some(50_000_000),
                _ => penalty(v.priority),
            };
            x.preferred = v.preferred_advisor.as_deref().and_then(index_of);
            x.vehicle = v.advisor.as_deref().and_then(index_of);
            x
        })
        .collect();
    visits.extend(ses.iter().enumerate().map(|(i, s)| {
        let at = i64::from(s.hours.start);
        let mut x = Visit::new(
            s.id.clone(),
            session_loc(i),
            TimeWindow::new(at, at),
            i64::from(s.hours.end - s.hours.start),
        );
        x.vehicle = index_of(&s.advisor);
        x
    }));
    let vehicles: Vec<Vehicle> = adv
        .iter()
        .enumerate()
        .map(|(i, a)| {
            let shift = TimeWindow::new(i64::from(a.shift.start), i64::from(a.shift.end));
            let mut v = Vehicle::new(a.id.clone(), profile_of(a.mode), start_loc(i), shift);
            v.end = end_loc(i);
            v.max_work = a.max_work_s.map(i64::from);
            v.skills = a.skills.clone();
            v.languages = a.languages.clone();
            v.breaks = a
                .breaks
                .iter()
                .map(|b| Break {
                    window: TimeWindow::new(
                        i64::from(b.within.start),
                        i64::from(b.within.end - b.duration_s),
                    ),
                    duration: i64::from(b.duration_s),
                })
                .collect();
            v
        })
        .collect();
    let problem = Problem {
        matrices,
        visits,
        vehicles,
        objective: Objective {
            preference_cost: options.preference_cost_s,
            balance_weight: options.balance_weight,
            balance_scale: BALANCE_SCALE,
        },
    };
    let coordinates: Vec<(f64, f64)> = places.iter().map(|(_, p)| (p.lon(), p.lat())).collect();
    let params = Params {
        seed: options.seed,
        time_limit: Some(options.time_limit),
        max_iterations: options.max_iterations,
        granular: 40,
        priority: if options.fewest_advisors {
            neuvo_route::Priority::FewestVehicles
        } else {
            neuvo_route::Priority::Cost
        },
        coordinates: Some(coordinates),
    };
    let outcome = neuvo_route::solve_with(&problem, &params, |_| {
        if cancelled() { Control::Stop } else { Control::Continue }
    })
    .map_err(|e| DayError::Problem(e.to_string()))?;
    if cancelled() {
        return Err(DayError::Cancelled);
    }
    let report = neuvo_route::check(&problem, &outcome.solution);

    // Unserved visits and sessions, with reasons in words.
    let mut unserved = Vec::new();
    let mut notes = Vec::new();
    for u in &outcome.solution.unassigned {
        let (kind, id, priority) = if u.visit < v_n {
            ("visit", vis[u.visit].id.clone(), vis[u.visit].priority)
        } else {
            ("session", ses[u.visit - v_n].id.clone(), Priority::Must)
        };
        let loc = problem.visits[u.visit].location;
        let detail = match u.reason {
            Reason::Unreachable => {
                let far: Vec<String> = modes
                    .iter()
                    .enumerate()
                    .filter_map(|(m, mode)| {
                        off[m][loc].map(|d| format!("{d:.0} m from the nearest street of the {mode} network"))
                    })
                    .collect();
                if far.is_empty() {
                    "no suitable advisor can reach it by their travel mode".to_owned()
                } else {
                    format!("it lies {}", far.join(" and "))
                }
            }
            Reason::Skill => "no advisor has every skill it requires".to_owned(),
            Reason::Language => "no advisor with the skills speaks one of its languages".to_owned(),
            Reason::Shift => {
                "it does not fit any suitable advisor's shift or working-time limit, even alone".to_owned()
            }
            Reason::TimeWindow => "its time windows clash with the rest of the plan".to_owned(),
            Reason::Capacity => "the advisors' capacity is used up".to_owned(),
            Reason::NotWorthIt => "serving it would cost more than its priority is worth".to_owned(),
        };
        unserved.push(Unserved { id, priority, reason: u.reason.code(), detail, kind });
    }
    for (m, mode) in modes.iter().enumerate() {
        let mut far_homes = 0;
        for (loc, s) in snaps_by_mode[m].iter().enumerate() {
            if let (Some(s), Place::Visit) = (s, places[loc].0)
                && s.access_m > 150.0
                && adv.iter().any(|a| a.mode == *mode)
            {
                far_homes += 1;
            }
        }
        if far_homes > 0 {
            notes.push(format!(
                "{far_homes} home(s) lie more than 150 m from the nearest street of the {mode} network; their last \
                 stretch is a straight access leg"
            ));
        }
    }
    if !report.feasible() {
        notes.push(format!("the independent check found problems: {}", report.violations.join("; ")));
    }

    // Each advisor's day.
    let at = |t: i64| -> NaiveDateTime {
        input.date.and_time(chrono::NaiveTime::MIN) + chrono::Duration::seconds(t)
    };
    let mut days = Vec::new();
    let mut summaries = Vec::new();
    let mut served_visits = vec![false; v_n];
    let mut sessions_held = 0;
    for (k, a) in adv.iter().enumerate() {
        let m = profile_of(a.mode);
        let Some(sched) = report.schedules.iter().find(|s| s.vehicle == k) else {
            summaries.push(AdvisorSummary {
                id: a.id.clone(),
                mode: a.mode,
                visits: 0,
                sessions: 0,
                departure: None,
                back: None,
                work_s: 0,
                travel_s: 0,
                distance_m: 0,
                wait_s: 0,
                stops: Vec::new(),
            });
            continue;
        };
        let start_place = a.start;
        let mut stops = vec![DayStop {
            kind: StopKind::Start,
            label: format!("Start: {}", a.name.as_deref().unwrap_or(&a.id)),
            place: start_place,
            arrival: at(sched.departure),
            start: at(sched.departure),
            end: at(sched.departure),
            client: None,
            note: None,
        }];
        // The travel from one place to the next on the advisor's network, drawn on the streets.
        let leg = |from: usize, to: usize, travel: i64| -> Leg {
            if from == to {
                return Leg { travel_s: travel as u32, distance_m: 0, geometry: Vec::new() };
            }
            let geometry = match (&snaps_by_mode[m][from], &snaps_by_mode[m][to]) {
                (Some(x), Some(y)) => nets[m].route(x, y).map(|r| r.geometry).unwrap_or_default(),
                _ => Vec::new(),
            };
            Leg {
                travel_s: travel as u32,
                distance_m: distances[m][from * n + to],
                geometry: if geometry.len() < 2 { Vec::new() } else { geometry },
            }
        };
        let mut legs = Vec::new();
        let mut stop_summaries = Vec::new();
        let (mut n_visits, mut n_sessions, mut wait, mut distance) = (0, 0, 0i64, 0u64);
        let mut here = start_loc(k);
        for t in &sched.stops {
            let (kind, label, place, loc, client, note, id) = match t.stop {
                Stop::Visit(i) if i < v_n => {
                    let v = &vis[i];
                    served_visits[i] = true;
                    n_visits += 1;
                    let client = ClientInfo {
                        pseudonym: v.id.clone(),
                        name: v.client.name.clone(),
                        address: v.client.address.clone(),
                        phone: v.client.phone.clone(),
                    };
                    (
                        StopKind::Visit,
                        format!("Client {}", v.id),
                        v.place,
                        visit_loc(i),
                        Some(client),
                        v.note.clone(),
                        Some(v.id.clone()),
                    )
                }
                Stop::Visit(i) => {
                    let s = &ses[i - v_n];
                    n_sessions += 1;
                    sessions_held += 1;
                    let name = s.name.as_deref().unwrap_or(&s.id);
                    (
                        StopKind::Session,
                        format!("Pop-up session: {name}"),
                        s.place,
                        session_loc(i - v_n),
                        None,
                        s.note.clone(),
                        Some(s.id.clone()),
                    )
                }
                Stop::Break(_) => {
                    (StopKind::Break, "Break".to_owned(), places[here].1, here, None, None, None)
                }
            };
            let l = leg(here, loc, t.travel);
            distance += u64::from(l.distance_m);
            legs.push(l);
            let w = t.start - t.arrival;
            if kind != StopKind::Break {
                wait += w;
            }
            stop_summaries.push(StopSummary {
                kind: kind.as_str(),
                id,
                arrival: format_clock(t.arrival as u32),
                start: format_clock(t.start as u32),
                end: format_clock(t.end as u32),
                travel_s: t.travel as u32,
                wait_s: w as u32,
            });
            stops.push(DayStop {
                kind,
                label,
                place,
                arrival: at(t.arrival),
                start: at(t.start),
                end: at(t.end),
                client,
                note,
            });
            here = loc;
        }
        let end = end_loc(k);
        let l = leg(here, end, sched.last_travel);
        distance += u64::from(l.distance_m);
        legs.push(l);
        stops.push(DayStop {
            kind: StopKind::End,
            label: "End of the day".to_owned(),
            place: places[end].1,
            arrival: at(sched.arrival),
            start: at(sched.arrival),
            end: at(sched.arrival),
            client: None,
            note: None,
        });
        summaries.push(AdvisorSummary {
            id: a.id.clone(),
            mode: a.mode,
            visits: n_visits,
            sessions: n_sessions,
            departure: Some(format_clock(sched.departure as u32)),
            back: Some(format_clock(sched.arrival as u32)),
            work_s: sched.duration as u32,
            travel_s: sched.travel_time as u32,
            distance_m: u32::try_from(distance).unwrap_or(u32::MAX),
            wait_s: wait as u32,
            stops: stop_summaries,
        });
        days.push(AdvisorDay {
            advisor_id: a.id.clone(),
            advisor_name: a.name.clone(),
            date: input.date,
            mode: a.mode.as_str().to_owned(),
            stops,
            legs,
        });
    }

    let mut by_priority: BTreeMap<Priority, PriorityCount> = BTreeMap::new();
    for (i, v) in vis.iter().enumerate() {
        let c = by_priority.entry(v.priority).or_default();
        c.requested += 1;
        c.served += usize::from(served_visits[i]);
    }
    let routes_geojson = routes_layer(&days);
    let summary = DaySummary {
        date: input.date.to_string(),
        advisors: a_n,
        advisors_used: days.len(),
        visits: v_n,
        served: served_visits.iter().filter(|s| **s).count(),
        sessions: sessions_held,
        by_priority,
        unserved,
        travel_s: summaries.iter().map(|s| u64::from(s.travel_s)).sum(),
        distance_m: summaries.iter().map(|s| u64::from(s.distance_m)).sum(),
        work_s: summaries.iter().map(|s| u64::from(s.work_s)).sum(),
        days: summaries,
        solver: SolverRun {
            seed: options.seed,
            iterations: outcome.iterations,
            seconds: outcome.elapsed.as_secs_f64(),
            feasible: report.feasible(),
            objective: outcome.cost,
        },
        notes,
        matrix_s,
    };
    Ok(DayPlan { summary, days, routes_geojson })
}

/// Every advisor's day as one GeoJSON layer (pseudonyms only), each feature carrying `advisor`.
fn routes_layer(days: &[AdvisorDay]) -> Value {
    // The export time does not appear in GeoJSON; any value will do.
    let options = ExportOptions::new(NaiveDateTime::default());
    let mut features = Vec::new();
    for day in days {
        if let Ok(Value::Object(mut fc)) = neuvo_export::geojson(day, &options)
            && let Some(Value::Array(fs)) = fc.remove("features")
        {
            for mut f in fs {
                if let Some(p) = f.get_mut("properties").and_then(Value::as_object_mut) {
                    p.insert("advisor".into(), json!(day.advisor_id));
                }
                features.push(f);
            }
        }
    }
    json!({"type": "FeatureCollection", "features": features})
}
