//! The planners' pipeline: a scenario's inputs → a cells × sites travel-time matrix → a location plan with its
//! explanation and trade-off table → a summary, map layers and a printable table.

use std::collections::BTreeMap;
use std::time::Instant;

use neuvo_locate::{DemandPoint, Equity, Method, Params, Problem, SiteOption};
use neuvo_model::{Demand, Millis, OpeningHours, Progress, Site, SiteStatus, WEEKDAYS};
use serde::Serialize;
use serde_json::{Value, json};

use crate::inputs::{InputError, Inputs};
use crate::matrix::{Cancelled, cells_to_sites};
use crate::scenario::{EquityOver, MethodSpec, ModelSpec, Scenario, ScenarioIssue};
use crate::sites::apply_scenario;

/// Why a location plan could not be made.
#[derive(Debug, thiserror::Error)]
pub enum PlanError {
    /// An input could not be loaded.
    #[error(transparent)]
    Input(#[from] InputError),
    /// The scenario does not fit its inputs (an unknown site or group, say).
    #[error("scenario {scenario}: {}", issues.iter().map(ToString::to_string).collect::<Vec<_>>().join("; "))]
    Scenario {
        /// The scenario's name.
        scenario: String,
        /// Every problem found.
        issues: Vec<ScenarioIssue>,
    },
    /// No plan can meet the scenario's demands; the explanation says which one and by how much.
    #[error("scenario {scenario} cannot be met: {explanation}")]
    Infeasible {
        /// The scenario's name.
        scenario: String,
        /// Which constraint cannot be met, with figures.
        explanation: String,
    },
    /// The solver failed.
    #[error("the solver failed: {0}")]
    Solver(String),
    /// The run was cancelled.
    #[error("cancelled")]
    Cancelled,
}

impl From<Cancelled> for PlanError {
    fn from(_: Cancelled) -> Self {
        PlanError::Cancelled
    }
}

/// Settings of a run that are not part of the scenario.
#[derive(Clone, Copy, Debug)]
pub struct RunOptions {
    /// Threads for the travel-time matrix.
    pub threads: usize,
    /// Compute the trade-off table (one solve per p).
    pub tradeoff: bool,
}

impl Default for RunOptions {
    fn default() -> Self {
        Self { threads: std::thread::available_parallelism().map_or(1, |n| n.get()), tradeoff: true }
    }
}

/// Coverage of one group.
#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct GroupCoverage {
    /// The group.
    pub group: String,
    /// People of the group in the area.
    pub people: f64,
    /// People within the threshold of an open site.
    pub covered: f64,
    /// `covered / people` (0 when nobody lives there).
    pub share: f64,
}

/// Coverage of one district.
#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct DistrictCoverage {
    /// The district.
    pub district: String,
    /// Coverage per group in the district.
    pub groups: Vec<GroupCoverage>,
}

/// One site in the report: what it is, what the plan does with it and, when open, why.
#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct SiteReport {
    /// Id.
    pub id: String,
    /// Name.
    pub name: String,
    /// Kind.
    pub kind: String,
    /// Status in the scenario: kept, closed or candidate.
    pub status: SiteStatus,
    /// Whether the plan opens it as a new pop-up site.
    pub chosen: bool,
    /// Whether it is open in the plan (kept or chosen).
    pub open: bool,
    /// Whether it is required by the scenario.
    pub required: bool,
    /// Where its data came from.
    pub source: String,
    /// Why it is open (open sites only).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub explanation: Option<Value>,
    /// Why it cannot take part (too far from the network).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub unreachable: Option<String>,
    /// Visits per period it can serve (capacitated runs).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub capacity: Option<f64>,
    /// Expected visits per period the plan sends to it (capacitated runs).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub visits: Option<f64>,
}

/// One row of the trade-off table.
#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct TradeoffRow {
    /// New sites.
    pub p: usize,
    /// The objective with p new sites.
    pub objective: f64,
    /// Covered share per group.
    pub covered_share: BTreeMap<String, f64>,
    /// The chosen site ids.
    pub chosen: Vec<String>,
    /// Relative gap of the solve (0 when optimal).
    pub gap: Option<f64>,
}

/// Times of the stages, in seconds.
#[derive(Clone, Debug, Default, Serialize, PartialEq)]
pub struct Timings {
    /// Loading or building the network.
    pub network_s: f64,
    /// Reading demand and sites.
    pub inputs_s: f64,
    /// The travel-time matrix.
    pub matrix_s: f64,
    /// The solve.
    pub solve_s: f64,
    /// Explanations.
    pub explain_s: f64,
    /// The trade-off table.
    pub tradeoff_s: f64,
}

/// The summary of a location plan: what `neuvo locate --json` prints.
#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct LocateSummary {
    /// The scenario's name.
    pub scenario: String,
    /// Its title.
    pub title: Option<String>,
    /// The model (`mclp`, `lscp`, `pmedian`, `pcenter`).
    pub model: String,
    /// Travel mode.
    pub mode: String,
    /// The network's profile.
    pub profile: String,
    /// The network's source file.
    pub network: String,
    /// Coverage threshold in minutes.
    pub minutes: f64,
    /// Objective weight per group (groups not listed weigh 0).
    pub weights: BTreeMap<String, f64>,
    /// New sites asked for (none for LSCP).
    pub p: Option<usize>,
    /// The objective's value.
    pub objective: f64,
    /// What the objective counts, in words with its unit.
    pub objective_label: String,
    /// `optimal`, `time_limit` (best found, not proven) or `heuristic`.
    pub status: String,
    /// The method that produced the plan.
    pub method: String,
    /// Relative gap between the plan and the best bound (0 when proven optimal; none for the heuristic alone).
    pub gap: Option<f64>,
    /// The best bound the MILP proved.
    pub bound: Option<f64>,
    /// Ids of the new sites, sorted.
    pub chosen: Vec<String>,
    /// Ids of every open site (kept and chosen), sorted.
    pub open: Vec<String>,
    /// Covered share per group.
    pub covered_share: BTreeMap<String, f64>,
    /// Coverage per group, with people counts.
    pub groups: Vec<GroupCoverage>,
    /// Coverage per district and group.
    pub districts: Vec<DistrictCoverage>,
    /// Every site with its role and, when open, its explanation.
    pub sites: Vec<SiteReport>,
    /// The objective for p = 0 … k (kept sites only, then one more new site each row).
    pub tradeoff: Vec<TradeoffRow>,
    /// The p at the knee of the trade-off curve.
    pub knee: Option<usize>,
    /// Cells read, modelled, and out of reach.
    pub cells: Value,
    /// Caveats a reader must see (network skeleton, masked cells, unreachable cells).
    pub notes: Vec<String>,
    /// Total seconds from the start of the run.
    pub seconds: f64,
    /// Seconds per stage.
    pub timings: Timings,
}

/// A location plan: the summary, and map layers as GeoJSON.
#[derive(Clone, Debug)]
pub struct LocateReport {
    /// The summary.
    pub summary: LocateSummary,
    /// Every site as a Point feature (`status`: kept, closed, candidate or chosen, with the explanation).
    pub sites_geojson: Value,
    /// Every demand cell as a Polygon feature with people per group, nearest open site, minutes and coverage.
    pub cells_geojson: Value,
}

/// A scenario's inputs loaded and turned into a location problem, ready to solve.
pub struct Prepared {
    /// The problem the solver sees: rows are the populated cells, columns the sites.
    pub problem: Problem,
    /// The solver's parameters from the scenario.
    pub params: Params,
    /// The demand as loaded (every cell, populated or not).
    pub demand: std::sync::Arc<Demand>,
    /// Indices into `demand.cells` of the problem's rows.
    pub cells: Vec<usize>,
    /// The sites, sorted by id: the problem's columns.
    pub sites: Vec<Site>,
    /// Required site ids.
    pub required: Vec<String>,
    /// Cells and sites too far from the network.
    pub reach: crate::matrix::Reach,
    /// The network's profile and source file.
    pub network: (String, String),
    /// Caveats gathered while loading.
    pub notes: Vec<String>,
    /// Times of the stages so far.
    pub timings: Timings,
}

/// Loads a scenario's inputs, computes the cells × sites matrix and builds the location problem.
pub fn prepare(
    scenario: &Scenario,
    inputs: &dyn Inputs,
    options: RunOptions,
    progress: &dyn Progress,
    cancelled: &dyn Fn() -> bool,
) -> Result<Prepared, PlanError> {
    let t0 = Instant::now();
    let mut timings = Timings::default();
    let net = inputs.network(&scenario.network, progress)?;
    timings.network_s = t0.elapsed().as_secs_f64();
    let t = Instant::now();
    let loaded = inputs.demand(&scenario.demand)?;
    let demand: &Demand = &loaded.demand;
    let sites = inputs.sites(&scenario.sites, &scenario.network)?;
    let (sites, required) = apply_scenario(sites, &scenario.sites)
        .map_err(|issues| PlanError::Scenario { scenario: scenario.name.clone(), issues })?;
    timings.inputs_s = t.elapsed().as_secs_f64();
    let issues = check_against_inputs(scenario, demand, &sites);
    if !issues.is_empty() {
        return Err(PlanError::Scenario { scenario: scenario.name.clone(), issues });
    }
    if cancelled() {
        return Err(PlanError::Cancelled);
    }

    // Cells where nobody lives carry no demand and stay out of the model (and of the map's coverage layer).
    let cells: Vec<usize> =
        (0..demand.cells.len()).filter(|&i| demand.cells[i].values.iter().any(|v| *v > 0.0)).collect();
    let t = Instant::now();
    let points: Vec<_> = cells.iter().map(|&i| demand.cells[i].location).collect();
    let site_points: Vec<_> = sites.iter().map(|s| s.location).collect();
    let reach = cells_to_sites(&net, &points, &site_points, options.threads, progress, cancelled)?;
    timings.matrix_s = t.elapsed().as_secs_f64();

    let districts: Vec<String> = {
        let mut d: Vec<String> = demand.cells.iter().filter_map(|c| c.district.clone()).collect();
        d.sort();
        d.dedup();
        d
    };
    let problem = Problem {
        matrix: reach.matrix.clone(),
        groups: demand.group_names().iter().map(|g| (*g).to_owned()).collect(),
        demand: cells
            .iter()
            .map(|&i| {
                let c = &demand.cells[i];
                DemandPoint {
                    values: c.values.clone(),
                    district: c.district.as_ref().and_then(|d| districts.binary_search(d).ok()),
                }
            })
            .collect(),
        districts,
        sites: sites
            .iter()
            .enumerate()
            .map(|(j, s)| SiteOption {
                id: s.id.clone(),
                kind: s.kind.0.clone(),
                // A site the network cannot reach takes no part: it is reported, never silently open.
                status: if reach.sites_off_network.iter().any(|&(k, _)| k == j) {
                    SiteStatus::Closed
                } else {
                    s.status
                },
                required: required.contains(&s.id),
                capacity: capacity_of(scenario, s),
            })
            .collect(),
    };
    let params = params_of(scenario, demand);
    let mut notes = Vec::new();
    if let Some(n) = &scenario.network.note {
        notes.push(n.clone());
    }
    notes.extend(loaded.notes.iter().cloned());
    let off_people = people_of(demand, reach.cells_off_network.iter().map(|&(i, _)| cells[i]));
    if !reach.cells_off_network.is_empty() {
        notes.push(format!(
            "{} cells ({}) lie farther from the {} network than its snapping distance and count as not covered",
            reach.cells_off_network.len(),
            describe_people(&problem.groups, &off_people),
            net.meta.profile
        ));
    }
    let unreadable: Vec<&str> = sites
        .iter()
        .filter(|s| s.opening_hours.as_deref().is_some_and(|h| OpeningHours::parse(h).is_err()))
        .map(|s| s.id.as_str())
        .collect();
    if !unreadable.is_empty() {
        notes.push(format!(
            "{} of {} sites have opening hours we cannot read as a weekly timetable (kept raw): {}",
            unreadable.len(),
            sites.len(),
            unreadable.join(", ")
        ));
    }
    for (j, d) in &reach.sites_off_network {
        notes.push(format!(
            "site {} ({}) is {d:.0} m from the nearest usable street and takes no part",
            sites[*j].id, sites[*j].name
        ));
    }
    Ok(Prepared {
        problem,
        params,
        demand: loaded.demand.clone(),
        cells,
        sites,
        required,
        reach,
        network: (net.meta.profile.clone(), net.meta.source.clone()),
        notes,
        timings,
    })
}

/// Runs the planners' job for `scenario`.
pub fn run_locate(
    scenario: &Scenario,
    inputs: &dyn Inputs,
    options: RunOptions,
    progress: &dyn Progress,
    cancelled: &dyn Fn() -> bool,
) -> Result<LocateReport, PlanError> {
    let t0 = Instant::now();
    let prep = prepare(scenario, inputs, options, progress, cancelled)?;
    let Prepared { problem, params, sites, required, reach, .. } = &prep;
    let mut timings = prep.timings.clone();
    let mut notes = prep.notes.clone();
    let t = Instant::now();
    let solution = neuvo_locate::solve(problem, params).map_err(|e| locate_error(scenario, e))?;
    timings.solve_s = t.elapsed().as_secs_f64();
    if cancelled() {
        return Err(PlanError::Cancelled);
    }
    let t = Instant::now();
    let explanations =
        neuvo_locate::explain(problem, params, &solution).map_err(|e| locate_error(scenario, e))?;
    let evaluation = neuvo_locate::evaluate(problem, params, &solution.open);
    timings.explain_s = t.elapsed().as_secs_f64();

    let t = Instant::now();
    let (tradeoff, knee) = if options.tradeoff && scenario.locate.model != ModelSpec::Lscp {
        let candidates = problem.sites.iter().filter(|s| s.status == SiteStatus::Candidate).count();
        let p = scenario.locate.p.unwrap_or(0);
        let max_p = scenario.locate.tradeoff_max_p.unwrap_or(p + 3).min(candidates).max(p);
        let t = neuvo_locate::tradeoff(problem, params, max_p).map_err(|e| locate_error(scenario, e))?;
        let kept: Vec<usize> =
            (0..sites.len()).filter(|&j| problem.sites[j].status == SiteStatus::Kept).collect();
        let rows = t
            .rows
            .iter()
            .filter_map(|r| {
                let objective = r.objective?;
                let mut open = kept.clone();
                open.extend(r.chosen.iter().filter_map(|id| sites.iter().position(|s| s.id == *id)));
                open.sort_unstable();
                let ev = neuvo_locate::evaluate(problem, params, &open);
                Some(TradeoffRow {
                    p: r.p,
                    objective,
                    covered_share: problem
                        .groups
                        .iter()
                        .zip(&ev.groups)
                        .map(|(g, c)| (g.clone(), share(c.covered, c.total)))
                        .collect(),
                    chosen: r.chosen.clone(),
                    gap: r.gap,
                })
            })
            .collect();
        (rows, t.knee)
    } else {
        (Vec::new(), None)
    };
    timings.tradeoff_s = t.elapsed().as_secs_f64();

    let groups: Vec<GroupCoverage> = problem
        .groups
        .iter()
        .zip(&evaluation.groups)
        .map(|(name, c)| GroupCoverage {
            group: name.clone(),
            people: c.total,
            covered: c.covered,
            share: share(c.covered, c.total),
        })
        .collect();
    let covered_point = |i: usize| evaluation.nearest[i].is_some_and(|n| n.time <= params.threshold);
    let district_cov = problem
        .districts
        .iter()
        .enumerate()
        .map(|(d, name)| {
            let mut people = vec![0.0; problem.groups.len()];
            let mut covered = vec![0.0; problem.groups.len()];
            for (i, point) in problem.demand.iter().enumerate().filter(|(_, p)| p.district == Some(d)) {
                for (g, v) in point.values.iter().enumerate() {
                    people[g] += v;
                    if covered_point(i) {
                        covered[g] += v;
                    }
                }
            }
            DistrictCoverage {
                district: name.clone(),
                groups: problem
                    .groups
                    .iter()
                    .enumerate()
                    .map(|(g, gname)| GroupCoverage {
                        group: gname.clone(),
                        people: people[g],
                        covered: covered[g],
                        share: share(covered[g], people[g]),
                    })
                    .collect(),
            }
        })
        .collect();
    // Expected visits each site serves under the plan's assignment (capacitated runs only).
    let visits: Option<Vec<f64>> =
        solution.assignment.as_ref().zip(params.visits_per_person.as_ref()).map(|(a, rates)| {
            let mut v = vec![0.0; sites.len()];
            for (i, shares) in a.iter().enumerate() {
                let expected: f64 = problem.demand[i].values.iter().zip(rates).map(|(x, r)| x * r).sum();
                for &(j, f) in shares {
                    v[j] += f * expected;
                }
            }
            v
        });
    let site_reports: Vec<SiteReport> = sites
        .iter()
        .enumerate()
        .map(|(j, s)| SiteReport {
            id: s.id.clone(),
            name: s.name.clone(),
            kind: s.kind.0.clone(),
            status: s.status,
            chosen: solution.chosen.contains(&j),
            open: solution.open.contains(&j),
            required: required.contains(&s.id),
            source: s.source.clone(),
            explanation: explanations
                .iter()
                .find(|e| e.site == j)
                .map(|e| explanation_json(e, &problem.groups, sites)),
            unreachable: reach.sites_off_network.iter().find(|&&(k, _)| k == j).map(|&(_, d)| {
                format!("{d:.0} m from the nearest street this mode may use: cannot take part")
            }),
            capacity: params.visits_per_person.as_ref().and(problem.sites[j].capacity),
            visits: visits.as_ref().map(|v| round(v[j], 2)),
        })
        .collect();

    let excluded_people = |pred: &dyn Fn(&neuvo_locate::ExclusionReason) -> bool| {
        let mut n = 0;
        let mut people = vec![0.0; problem.groups.len()];
        for e in solution.excluded.iter().filter(|e| pred(&e.reason)) {
            n += 1;
            for (g, v) in problem.demand[e.point].values.iter().enumerate() {
                people[g] += v;
            }
        }
        (n, people)
    };
    let (n, people) =
        excluded_people(&|r| matches!(r, neuvo_locate::ExclusionReason::NoAllowedSiteReachable));
    if n > reach.cells_off_network.len() {
        notes.push(format!(
            "{} cells ({}) reach no kept or candidate site at all",
            n - reach.cells_off_network.len(),
            describe_people(&problem.groups, &people)
        ));
    }
    let (n, people) =
        excluded_people(&|r| matches!(r, neuvo_locate::ExclusionReason::NoAllowedSiteWithinThreshold { .. }));
    if n > 0 {
        notes.push(format!(
            "{n} cells ({}) have no kept or candidate site within {} min, whatever is chosen",
            describe_people(&problem.groups, &people),
            scenario.locate.minutes
        ));
    }
    for u in &solution.unmet {
        notes.push(format!("not met by this plan: {u}"));
    }

    let id = |j: usize| sites[j].id.clone();
    let summary = LocateSummary {
        scenario: scenario.name.clone(),
        title: scenario.title.clone(),
        model: scenario.locate.model.as_str().into(),
        mode: scenario.network.mode.as_str().into(),
        profile: prep.network.0.clone(),
        network: prep.network.1.clone(),
        minutes: scenario.locate.minutes,
        weights: problem
            .groups
            .iter()
            .zip(&params.weights)
            .filter(|(_, w)| **w > 0.0)
            .map(|(g, w)| (g.clone(), *w))
            .collect(),
        p: scenario.locate.p,
        objective: solution.objective,
        objective_label: objective_label(scenario),
        status: name_of(&solution.status),
        method: name_of(&solution.method_used),
        gap: solution.gap,
        bound: solution.bound,
        chosen: solution.chosen.iter().map(|&j| id(j)).collect(),
        open: solution.open.iter().map(|&j| id(j)).collect(),
        covered_share: groups.iter().map(|g| (g.group.clone(), g.share)).collect(),
        groups,
        districts: district_cov,
        sites: site_reports,
        tradeoff,
        knee,
        cells: json!({
            "read": prep.demand.cells.len(),
            "with_people": prep.cells.len(),
            "off_network": reach.cells_off_network.len(),
            "estimated": prep.demand.cells.iter().filter(|c| c.estimated).count(),
        }),
        notes,
        seconds: t0.elapsed().as_secs_f64(),
        timings,
    };
    let sites_geojson = sites_geojson(sites, &summary);
    let cells_geojson = cells_geojson(&prep.demand, &prep.cells, &evaluation, sites, params.threshold);
    Ok(LocateReport { summary, sites_geojson, cells_geojson })
}

/// `part / whole`, 0 when the whole is 0.
fn share(part: f64, whole: f64) -> f64 {
    if whole > 0.0 { part / whole } else { 0.0 }
}

/// The serde name of a unit variant (`optimal`, `heuristic_then_exact`).
fn name_of<T: Serialize>(v: &T) -> String {
    serde_json::to_value(v).ok().and_then(|v| v.as_str().map(str::to_owned)).unwrap_or_default()
}

/// Checks the scenario's names against the loaded demand and sites: every problem at once.
fn check_against_inputs(scenario: &Scenario, demand: &Demand, sites: &[Site]) -> Vec<ScenarioIssue> {
    let mut out = Vec::new();
    let groups = demand.group_names();
    let l = &scenario.locate;
    let mut unknown_group = |field: String, g: &str| {
        if !groups.contains(&g) {
            out.push(ScenarioIssue {
                field,
                message: format!(
                    "unknown group {g:?}: the demand has {} (add it to demand.groups, or define it in [demand.define])",
                    groups.join(", ")
                ),
            });
        }
    };
    for g in l.weights.keys() {
        unknown_group(format!("locate.weights.{g}"), g);
    }
    for g in l.min_share.keys() {
        unknown_group(format!("locate.min_share.{g}"), g);
    }
    if let Some(c) = &l.capacity {
        for g in c.visits_per_person.keys() {
            unknown_group(format!("locate.capacity.visits_per_person.{g}"), g);
        }
    }
    let kinds: Vec<&str> = {
        let mut k: Vec<&str> = sites.iter().map(|s| s.kind.0.as_str()).collect();
        k.sort_unstable();
        k.dedup();
        k
    };
    for kind in l.budget.keys() {
        if !kinds.contains(&kind.as_str()) {
            out.push(ScenarioIssue {
                field: format!("locate.budget.{kind}"),
                message: format!("no site is of kind {kind:?}; kinds present: {}", kinds.join(", ")),
            });
        }
    }
    if l.equity == Some(EquityOver::Districts) && demand.cells.iter().all(|c| c.district.is_none()) {
        out.push(ScenarioIssue {
            field: "locate.equity".into(),
            message: "equity over districts needs district boundaries: set demand.districts".into(),
        });
    }
    if demand.cells.is_empty() {
        out.push(ScenarioIssue {
            field: "demand".into(),
            message:
                "no demand cells are left after the area filter: check demand.municipality or demand.bbox"
                    .into(),
        });
    }
    if !sites.iter().any(|s| s.status != SiteStatus::Closed) {
        out.push(ScenarioIssue {
            field: "sites".into(),
            message: "every site is closed: nothing can open".into(),
        });
    }
    out
}

/// The solver's parameters for a scenario (group names resolved against the demand).
fn params_of(scenario: &Scenario, demand: &Demand) -> Params {
    let l = &scenario.locate;
    let g = |name: &str| demand.group_index(name).expect("group names were checked against the demand");
    let mut weights = vec![0.0; demand.groups.len()];
    if l.weights.is_empty() {
        if let Some(w) = weights.first_mut() {
            *w = 1.0;
        }
    } else {
        for (name, w) in &l.weights {
            weights[g(name)] = *w;
        }
    }
    Params {
        model: l.model.model(),
        p: l.p.unwrap_or(0),
        threshold: Millis::from_secs_f64(l.minutes * 60.0),
        weights,
        min_share: l.min_share.iter().map(|(name, s)| (g(name), *s)).collect(),
        equity: l.equity.map(|e| match e {
            EquityOver::Groups => Equity::Groups(Vec::new()),
            EquityOver::Districts => Equity::Districts,
        }),
        visits_per_person: l.capacity.as_ref().map(|c| {
            let mut v = vec![0.0; demand.groups.len()];
            for (name, r) in &c.visits_per_person {
                v[g(name)] = *r;
            }
            v
        }),
        budgets: l.budget.iter().map(|(k, n)| (k.clone(), *n)).collect(),
        method: match l.method {
            MethodSpec::Auto => Method::Auto,
            MethodSpec::Exact => Method::Exact,
            MethodSpec::Heuristic => Method::Heuristic,
        },
        time_limit_s: l.time_limit_s,
        mip_rel_gap: l.gap,
        seed: l.seed,
    }
}

/// A site's capacity in visits per period: its advisor-hours (by id, then kind, then `default`) times the visits
/// an advisor serves per hour.
fn capacity_of(scenario: &Scenario, site: &Site) -> Option<f64> {
    let c = scenario.locate.capacity.as_ref()?;
    let hours = c
        .advisor_hours
        .get(&site.id)
        .or_else(|| c.advisor_hours.get(&site.kind.0))
        .or_else(|| c.advisor_hours.get("default"))
        .copied()
        .unwrap_or(0.0);
    Some(hours * c.visits_per_advisor_hour)
}

fn locate_error(scenario: &Scenario, e: neuvo_locate::Error) -> PlanError {
    match e {
        neuvo_locate::Error::Infeasible { explanation } => {
            PlanError::Infeasible { scenario: scenario.name.clone(), explanation }
        }
        neuvo_locate::Error::Invalid(issues) => PlanError::Scenario {
            scenario: scenario.name.clone(),
            issues: issues
                .into_iter()
                .map(|i| ScenarioIssue { field: "locate".into(), message: i.to_string() })
                .collect(),
        },
        other => PlanError::Solver(other.to_string()),
    }
}

fn objective_label(scenario: &Scenario) -> String {
    let l = &scenario.locate;
    let who = if l.weights.is_empty() {
        "people of the first group".to_owned()
    } else {
        l.weights
            .iter()
            .map(|(g, w)| if *w == 1.0 { g.clone() } else { format!("{w} × {g}") })
            .collect::<Vec<_>>()
            .join(" + ")
    };
    match l.model {
        ModelSpec::Mclp => format!("people covered within {} min, weighted ({who})", l.minutes),
        ModelSpec::Lscp => "new sites needed to cover everyone coverable".into(),
        ModelSpec::PMedian => format!("total travel time to the nearest open site, person-seconds ({who})"),
        ModelSpec::PCenter => {
            "longest travel time from a populated cell to its nearest open site, seconds".into()
        }
    }
}

/// People per group in the given cells.
fn people_of(demand: &Demand, cells: impl Iterator<Item = usize>) -> Vec<f64> {
    let mut v = vec![0.0; demand.groups.len()];
    for i in cells {
        for (g, x) in demand.cells[i].values.iter().enumerate() {
            v[g] += x;
        }
    }
    v
}

fn describe_people(groups: &[String], people: &[f64]) -> String {
    groups.iter().zip(people).map(|(g, n)| format!("{n:.0} {g}")).collect::<Vec<_>>().join(", ")
}

/// A demand cell as GeoJSON geometry: its outline as a Polygon, or its centre as a Point when it has none.
pub(crate) fn cell_geometry(c: &neuvo_model::DemandCell) -> Value {
    if c.outline.len() >= 4 {
        let ring: Vec<[f64; 2]> = c.outline.iter().map(|p| [round(p.lon(), 6), round(p.lat(), 6)]).collect();
        json!({"type": "Polygon", "coordinates": [ring]})
    } else {
        json!({"type": "Point", "coordinates": [round(c.location.lon(), 6), round(c.location.lat(), 6)]})
    }
}

pub(crate) fn round(x: f64, digits: i32) -> f64 {
    let f = 10f64.powi(digits);
    (x * f).round() / f
}

pub(crate) fn per_group(groups: &[String], v: &[f64]) -> Value {
    Value::Object(groups.iter().cloned().zip(v.iter().map(|x| json!(round(*x, 2)))).collect())
}

fn explanation_json(e: &neuvo_locate::SiteExplanation, groups: &[String], sites: &[Site]) -> Value {
    json!({
        "covered": per_group(groups, &e.covered),
        "nearest_for": per_group(groups, &e.nearest_for),
        "unique": per_group(groups, &e.unique),
        "marginal_gain": e.marginal_gain.map(|x| round(x, 2)),
        "greedy_rank": e.greedy_rank,
        "loss_if_dropped": e.loss_if_dropped.map(|x| round(x, 2)),
        "runner_up": e.runner_up.as_ref().map(|r| json!({"id": r.id, "name": sites[r.site].name, "objective": round(r.objective, 2)})),
    })
}

/// A site's `opening_hours` read into a weekly timetable (`{"Mo": "10:00-20:00", …, "weekly_hours": 52.5}`), or
/// why it could not be read.
fn hours_json(raw: Option<&str>) -> Value {
    let Some(raw) = raw else { return Value::Null };
    match OpeningHours::parse(raw) {
        Ok(h) => {
            let mut m = serde_json::Map::new();
            for (d, spans) in h.days.iter().enumerate() {
                let text: Vec<String> = spans
                    .iter()
                    .map(|(a, b)| format!("{:02}:{:02}-{:02}:{:02}", a / 60, a % 60, b / 60, b % 60))
                    .collect();
                m.insert(
                    WEEKDAYS[d].to_owned(),
                    json!(if text.is_empty() { "closed".into() } else { text.join(", ") }),
                );
            }
            m.insert("weekly_hours".into(), json!(round(f64::from(h.weekly_minutes()) / 60.0, 2)));
            Value::Object(m)
        }
        Err(e) => json!({"error": e.to_string()}),
    }
}

fn sites_geojson(sites: &[Site], summary: &LocateSummary) -> Value {
    let features: Vec<Value> = sites
        .iter()
        .zip(&summary.sites)
        .map(|(s, r)| {
            let role = if r.chosen { "chosen" } else { s.status.as_str() };
            json!({
                "type": "Feature",
                "geometry": {"type": "Point", "coordinates": [round(s.location.lon(), 6), round(s.location.lat(), 6)]},
                "properties": {
                    "id": s.id, "name": s.name, "kind": s.kind.0, "status": s.status, "role": role,
                    "open": r.open, "required": r.required, "source": s.source,
                    "opening_hours": s.opening_hours, "hours": hours_json(s.opening_hours.as_deref()),
                    "explanation": r.explanation, "unreachable": r.unreachable,
                    "capacity": r.capacity, "visits": r.visits,
                },
            })
        })
        .collect();
    json!({"type": "FeatureCollection", "features": features})
}

fn cells_geojson(
    demand: &Demand,
    cells: &[usize],
    ev: &neuvo_locate::Evaluation,
    sites: &[Site],
    threshold: Millis,
) -> Value {
    let features: Vec<Value> = cells
        .iter()
        .enumerate()
        .map(|(k, &i)| {
            let c = &demand.cells[i];
            let geometry = cell_geometry(c);
            let (nearest, time, covered) = match ev.nearest[k] {
                Some(n) => (
                    Some(sites[n.site].id.as_str()),
                    Some(round(n.time.as_secs_f64() / 60.0, 1)),
                    n.time <= threshold,
                ),
                None => (None, None, false),
            };
            json!({
                "type": "Feature",
                "geometry": geometry,
                "properties": {
                    "id": c.id, "district": c.district, "municipality": c.municipality,
                    "people": per_group(&demand.group_names().iter().map(|g| (*g).to_owned()).collect::<Vec<_>>(), &c.values),
                    "estimated": c.estimated, "nearest_site": nearest, "minutes": time,
                    "covered": covered,
                },
            })
        })
        .collect();
    json!({"type": "FeatureCollection", "features": features})
}

/// The summary as a table for a terminal.
pub fn summary_table(s: &LocateSummary) -> String {
    use std::fmt::Write;
    let mut out = String::new();
    let _ = writeln!(out, "{}{}", s.scenario, s.title.as_ref().map(|t| format!(": {t}")).unwrap_or_default());
    let _ = writeln!(
        out,
        "{} · {} ({} on {}) · {} min{}",
        s.model.to_uppercase(),
        s.mode,
        s.profile,
        s.network,
        s.minutes,
        s.p.map(|p| format!(" · p = {p} new sites")).unwrap_or_default()
    );
    let _ = writeln!(
        out,
        "objective {:.2}: {}\nstatus {} by {} in {:.2} s{}",
        s.objective,
        s.objective_label,
        s.status,
        s.method,
        s.timings.solve_s,
        s.gap.map(|g| format!(", gap {:.3} %", g * 100.0)).unwrap_or_default()
    );
    let _ = writeln!(
        out,
        "\n{:<34} {:<14} {:<9} {:>10} {:>10} {:>10} {:>10}  runner-up",
        "open site", "kind", "role", "covered", "unique", "gain", "if dropped"
    );
    // People figures are shown for the group with the largest weight in the objective.
    let gname = s
        .weights
        .iter()
        .max_by(|a, b| a.1.total_cmp(b.1).then_with(|| b.0.cmp(a.0)))
        .map(|(g, _)| g.clone())
        .or_else(|| s.groups.first().map(|g| g.group.clone()))
        .unwrap_or_default();
    for r in s.sites.iter().filter(|r| r.open) {
        let e = r.explanation.as_ref();
        let num = |k: &str| {
            e.and_then(|e| e.get(k)).and_then(Value::as_f64).map_or("–".into(), |x| format!("{x:.1}"))
        };
        let grp = |k: &str| {
            e.and_then(|e| e.get(k))
                .and_then(|v| v.get(&gname))
                .and_then(Value::as_f64)
                .map_or("–".into(), |x| format!("{x:.0}"))
        };
        let runner = e
            .and_then(|e| e.get("runner_up"))
            .and_then(|r| r.get("id"))
            .and_then(Value::as_str)
            .unwrap_or("–");
        let role = if r.chosen { "chosen" } else { r.status.as_str() };
        let _ = writeln!(
            out,
            "{:<34} {:<14} {:<9} {:>10} {:>10} {:>10} {:>10}  {runner}",
            truncate(&r.name, 34),
            truncate(&r.kind, 14),
            role,
            grp("covered"),
            grp("unique"),
            num("marginal_gain"),
            num("loss_if_dropped")
        );
    }
    let _ = writeln!(
        out,
        "(covered and unique: people of group {gname})\n\n{:<12} {:>12} {:>12} {:>8}",
        "group", "people", "covered", "share"
    );
    for g in &s.groups {
        let _ = writeln!(
            out,
            "{:<12} {:>12.0} {:>12.0} {:>7.1} %",
            g.group,
            g.people,
            g.covered,
            g.share * 100.0
        );
    }
    if !s.tradeoff.is_empty() {
        let _ = writeln!(
            out,
            "\ntrade-off{}:\n{:>3} {:>14} {:>10}  chosen",
            s.knee.map(|k| format!(" (knee at p = {k})")).unwrap_or_default(),
            "p",
            "objective",
            gname
        );
        for r in &s.tradeoff {
            let share = r.covered_share.get(&gname).copied().unwrap_or(0.0);
            let _ = writeln!(
                out,
                "{:>3} {:>14.2} {:>8.1} %  {}",
                r.p,
                r.objective,
                share * 100.0,
                r.chosen.join(", ")
            );
        }
    }
    for n in &s.notes {
        let _ = writeln!(out, "note: {n}");
    }
    out
}

fn truncate(s: &str, n: usize) -> String {
    if s.chars().count() <= n { s.to_owned() } else { s.chars().take(n - 1).chain(['…']).collect() }
}
