//! `run_compare`: two variants of a comparison measured by every mode, and their difference.

use std::collections::BTreeSet;
use std::time::Instant;

use neuvo_access::{
    AccessSummary, CellChange, CellNearest, ChangeTally, MeasureOptions, compare, measure, nearest_open,
};
use neuvo_model::{Demand, LonLat, Millis, OpeningHours, Progress, Site, TravelMatrix, WEEKDAYS};
use serde::Serialize;
use serde_json::{Value, json};

use super::spec::{CompareScenario, ModeSpec};
use crate::inputs::Inputs;
use crate::locate::{PlanError, RunOptions, cell_geometry, per_group, round, run_locate};
use crate::matrix::cells_to_sites;
use crate::scenario::ScenarioIssue;
use crate::sites::apply_scenario;
use crate::transit::{TransitOptions, cells_to_sites_by_transit};

/// Settings of a comparison run that are not part of the file.
#[derive(Clone, Copy, Debug)]
pub struct CompareOptions {
    /// Threads for road matrices.
    pub threads: usize,
}

impl Default for CompareOptions {
    fn default() -> Self {
        Self { threads: RunOptions::default().threads }
    }
}

/// A site open in a variant.
#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct OpenSite {
    /// Id.
    pub id: String,
    /// Name.
    pub name: String,
    /// Kind.
    pub kind: String,
    /// The pop-up's hours; `None` for a site open all the time.
    pub hours: Option<String>,
    /// Whether it counts at the comparison's moment (a pop-up outside its hours does not).
    pub open_at_moment: bool,
    /// Where it comes from: `fixed`, `popup` or `locate: <scenario>`.
    pub origin: String,
}

/// One variant as measured.
#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct VariantReport {
    /// The variant's name.
    pub name: String,
    /// Its title.
    pub title: Option<String>,
    /// Every site it opens, fixed points and pop-ups.
    pub sites: Vec<OpenSite>,
}

/// One group's access in both variants by one mode.
#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct GroupModeRow {
    /// The group.
    pub group: String,
    /// Nearest open site, variant A.
    pub a: AccessSummary,
    /// Nearest open site, variant B.
    pub b: AccessSummary,
    /// Second-nearest open site, variant A.
    pub a_second: AccessSummary,
    /// Second-nearest open site, variant B.
    pub b_second: AccessSummary,
    /// Winners and losers from A to B.
    pub change: ChangeTally,
}

/// One group in one district, both variants, one mode.
#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct DistrictModeRow {
    /// The district (`None`: cells in no known district).
    pub district: Option<String>,
    /// The group.
    pub group: String,
    /// Variant A.
    pub a: AccessSummary,
    /// Variant B.
    pub b: AccessSummary,
    /// Winners and losers from A to B.
    pub change: ChangeTally,
}

/// Both variants by one mode.
#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct ModeComparison {
    /// `walk`, `car` or `transit`.
    pub mode: String,
    /// The network's profile.
    pub profile: String,
    /// The network's source file.
    pub network: String,
    /// What a cell's time is: a route's time, or the median over the transit departures.
    pub statistic: String,
    /// The transit service date, for transit.
    pub service_date: Option<String>,
    /// Cells measured (those with people).
    pub cells: usize,
    /// Cells too far from the network (unreached in both variants).
    pub cells_off_network: usize,
    /// Per group, city-wide.
    pub groups: Vec<GroupModeRow>,
    /// Per district and group.
    pub districts: Vec<DistrictModeRow>,
    /// The cells with the largest losses, largest first.
    pub largest_losses: Vec<CellChange>,
    /// Seconds to compute the mode's matrix.
    pub matrix_s: f64,
}

/// One row of the group × mode × threshold table.
#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct WithinRow {
    /// The group.
    pub group: String,
    /// The mode.
    pub mode: String,
    /// The threshold, minutes.
    pub minutes: f64,
    /// People within, variant A.
    pub a_people: f64,
    /// People within, variant B.
    pub b_people: f64,
    /// Share within, variant A.
    pub a_share: Option<f64>,
    /// Share within, variant B.
    pub b_share: Option<f64>,
    /// `b_share − a_share`, in percentage points.
    pub change_points: Option<f64>,
}

/// One row of the district × group × mode table.
#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct DistrictRow {
    /// The district.
    pub district: Option<String>,
    /// The group.
    pub group: String,
    /// The mode.
    pub mode: String,
    /// People of the group in the district.
    pub people: f64,
    /// Mean minutes, variant A.
    pub a_mean_minutes: Option<f64>,
    /// Mean minutes, variant B.
    pub b_mean_minutes: Option<f64>,
    /// Share within the first threshold, A.
    pub a_within_first: Option<f64>,
    /// Share within the first threshold, B.
    pub b_within_first: Option<f64>,
    /// People whose time got shorter.
    pub winner_people: f64,
    /// People whose time got longer.
    pub loser_people: f64,
    /// People-weighted mean change in minutes over people reached in both (positive = lost).
    pub mean_change_minutes: Option<f64>,
}

/// The flat tables analysts read.
#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct Tables {
    /// Group × mode × threshold.
    pub within: Vec<WithinRow>,
    /// District × group × mode.
    pub districts: Vec<DistrictRow>,
}

/// The moment of a comparison.
#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct Moment {
    /// Weekday (`Tu`).
    pub day: String,
    /// Time (`10:00`).
    pub time: String,
    /// Transit window in minutes.
    pub window_minutes: u32,
}

/// What `neuvo compare --json` prints.
#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct CompareSummary {
    /// The comparison's name.
    pub comparison: String,
    /// Its title.
    pub title: Option<String>,
    /// Variant A (before).
    pub a: VariantReport,
    /// Variant B (after).
    pub b: VariantReport,
    /// The moment measured.
    pub when: Moment,
    /// Thresholds, minutes.
    pub thresholds_minutes: Vec<f64>,
    /// The groups.
    pub groups: Vec<String>,
    /// Per mode.
    pub modes: Vec<ModeComparison>,
    /// Flat tables.
    pub tables: Tables,
    /// Caveats a reader must see.
    pub notes: Vec<String>,
    /// Seconds, all told.
    pub seconds: f64,
}

/// One cell's exact times, for tables computed elsewhere (the binary's polars tables).
#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct CellTimes {
    /// The cell's id.
    pub id: String,
    /// Its district.
    pub district: Option<String>,
    /// People per group, in the summary's group order.
    pub people: Vec<f64>,
    /// Per mode, in the summary's mode order: minutes to the nearest open site in A and in B (`None` =
    /// unreached), unrounded.
    pub minutes: Vec<(Option<f64>, Option<f64>)>,
}

/// A comparison: the summary and the map layers.
#[derive(Clone, Debug)]
pub struct CompareReport {
    /// Every cell's exact times.
    pub cells: Vec<CellTimes>,
    /// The summary.
    pub summary: CompareSummary,
    /// One feature per cell: people per group, and per mode minutes before (A), after (B) and the difference.
    pub difference_geojson: Value,
    /// The sites of both variants as points, with which variant opens them.
    pub sites_geojson: Value,
}

/// A variant's sites resolved against the site list.
struct Resolved {
    report: VariantReport,
    /// Indices into the site list of the sites open at the moment.
    open: Vec<usize>,
}

/// Measures variants `a` (before) and `b` (after) of `c` by each of its modes and compares them.
pub fn run_compare(
    c: &CompareScenario,
    a: &str,
    b: &str,
    inputs: &dyn Inputs,
    options: CompareOptions,
    progress: &dyn Progress,
    cancelled: &dyn Fn() -> bool,
) -> Result<CompareReport, PlanError> {
    let t0 = Instant::now();
    let scenario_err = |issues: Vec<ScenarioIssue>| PlanError::Scenario { scenario: c.name.clone(), issues };
    let mut issues = Vec::new();
    for (label, v) in [("A", a), ("B", b)] {
        if !c.variants.contains_key(v) {
            issues.push(ScenarioIssue {
                field: format!("variant {label}"),
                message: format!("no variant {v:?} in the comparison; variants: {}", c.variant_names()),
            });
        }
    }
    if !issues.is_empty() {
        return Err(scenario_err(issues));
    }
    let (day, minute) =
        c.when.parse().map_err(|m| scenario_err(vec![ScenarioIssue { field: "when".into(), message: m }]))?;
    let first_mode = c.modes.iter().next().map(|(n, m)| m.network(n)).ok_or_else(|| {
        scenario_err(vec![ScenarioIssue { field: "modes".into(), message: "no modes".into() }])
    })?;

    let loaded = inputs.demand(&c.demand)?;
    let full: &Demand = &loaded.demand;
    let sites = inputs.sites(&c.sites, &first_mode)?;
    let (sites, _) = apply_scenario(sites, &c.sites).map_err(scenario_err)?;
    let mut notes: Vec<String> = Vec::new();
    let ra = resolve(c, a, &sites, (day, minute), inputs, options, &mut notes, progress, cancelled)?;
    let rb = resolve(c, b, &sites, (day, minute), inputs, options, &mut notes, progress, cancelled)?;

    // Only cells with people; only the sites some variant opens at the moment.
    let demand = Demand {
        groups: full.groups.clone(),
        cells: full.cells.iter().filter(|c| c.values.iter().any(|v| *v > 0.0)).cloned().collect(),
    };
    let columns: Vec<usize> =
        ra.open.iter().chain(&rb.open).copied().collect::<BTreeSet<_>>().into_iter().collect();
    let col_of = |site: usize| columns.binary_search(&site).expect("open sites are columns");
    let open_a: Vec<usize> = ra.open.iter().map(|&s| col_of(s)).collect();
    let open_b: Vec<usize> = rb.open.iter().map(|&s| col_of(s)).collect();
    let cell_points: Vec<LonLat> = demand.cells.iter().map(|c| c.location).collect();
    let site_points: Vec<LonLat> = columns.iter().map(|&s| sites[s].location).collect();
    let m_opts = MeasureOptions { thresholds_minutes: c.thresholds_minutes.clone() };
    let access_err = |e: neuvo_access::AccessError| PlanError::Solver(format!("access measures: {e}"));

    let mut modes = Vec::new();
    let mut per_cell: Vec<(String, Vec<CellNearest>, Vec<CellNearest>)> = Vec::new();
    for (name, spec) in &c.modes {
        let t = Instant::now();
        let (matrix, off, profile, source, statistic, date) = mode_matrix(
            c,
            name,
            spec,
            inputs,
            &cell_points,
            &site_points,
            minute,
            options,
            &mut notes,
            progress,
            cancelled,
        )?;
        let matrix_s = t.elapsed().as_secs_f64();
        let na = nearest_open(&matrix, &open_a).map_err(access_err)?;
        let nb = nearest_open(&matrix, &open_b).map_err(access_err)?;
        let times = |n: &[CellNearest], second: bool| -> Vec<Option<Millis>> {
            n.iter().map(|x| if second { x.second_time() } else { x.time() }).collect()
        };
        let ma = measure(&demand, &times(&na, false), &m_opts).map_err(access_err)?;
        let mb = measure(&demand, &times(&nb, false), &m_opts).map_err(access_err)?;
        let ma2 = measure(&demand, &times(&na, true), &m_opts).map_err(access_err)?;
        let mb2 = measure(&demand, &times(&nb, true), &m_opts).map_err(access_err)?;
        let cmp =
            compare(&demand, &times(&na, false), &times(&nb, false), c.largest_losses).map_err(access_err)?;
        let mut groups = Vec::new();
        let mut districts = Vec::new();
        for (g, gc) in cmp.groups.iter().enumerate() {
            groups.push(GroupModeRow {
                group: gc.group.clone(),
                a: ma.groups[g].overall.clone(),
                b: mb.groups[g].overall.clone(),
                a_second: ma2.groups[g].overall.clone(),
                b_second: mb2.groups[g].overall.clone(),
                change: gc.overall.clone(),
            });
            for (k, dc) in gc.districts.iter().enumerate() {
                districts.push(DistrictModeRow {
                    district: dc.district.clone(),
                    group: gc.group.clone(),
                    a: ma.groups[g].districts[k].summary.clone(),
                    b: mb.groups[g].districts[k].summary.clone(),
                    change: dc.tally.clone(),
                });
            }
        }
        modes.push(ModeComparison {
            mode: name.clone(),
            profile,
            network: source,
            statistic,
            service_date: date,
            cells: demand.cells.len(),
            cells_off_network: off,
            groups,
            districts,
            largest_losses: cmp.largest_losses,
            matrix_s,
        });
        per_cell.push((name.clone(), na, nb));
    }
    if let Some(n) = &loaded.notes.first() {
        notes.push((*n).clone());
    }
    notes.extend(loaded.notes.iter().skip(1).cloned());

    let tables = tables(&modes);
    let difference_geojson = difference_geojson(&demand, &per_cell, &columns, &sites, a, b);
    let sites_geojson = sites_geojson(&sites, &ra.report, &rb.report);
    let summary = CompareSummary {
        comparison: c.name.clone(),
        title: c.title.clone(),
        a: ra.report,
        b: rb.report,
        when: Moment {
            day: WEEKDAYS[day].to_owned(),
            time: c.when.time.trim().to_owned(),
            window_minutes: c.when.window_minutes,
        },
        thresholds_minutes: c.thresholds_minutes.clone(),
        groups: demand.groups.iter().map(|g| g.name.clone()).collect(),
        modes,
        tables,
        notes,
        seconds: t0.elapsed().as_secs_f64(),
    };
    let exact = |t: Option<Millis>| t.map(|t| f64::from(t.0) / 60_000.0);
    let cells = demand
        .cells
        .iter()
        .enumerate()
        .map(|(i, cell)| CellTimes {
            id: cell.id.clone(),
            district: cell.district.clone(),
            people: cell.values.clone(),
            minutes: per_cell.iter().map(|(_, na, nb)| (exact(na[i].time()), exact(nb[i].time()))).collect(),
        })
        .collect();
    Ok(CompareReport { cells, summary, difference_geojson, sites_geojson })
}

/// The matrix cells × columns of one mode, the cells off its network, its profile and source, what a time means
/// and the service date.
#[allow(clippy::too_many_arguments, clippy::type_complexity)]
fn mode_matrix(
    c: &CompareScenario,
    name: &str,
    spec: &ModeSpec,
    inputs: &dyn Inputs,
    cells: &[LonLat],
    sites: &[LonLat],
    minute: u16,
    options: CompareOptions,
    notes: &mut Vec<String>,
    progress: &dyn Progress,
    cancelled: &dyn Fn() -> bool,
) -> Result<(TravelMatrix, usize, String, String, String, Option<String>), PlanError> {
    let net = inputs.network(&spec.network(name), progress)?;
    if let Some(n) = &spec.note {
        notes.push(format!("{name}: {n}"));
    }
    if name != "transit" {
        let reach = cells_to_sites(&net, cells, sites, options.threads, progress, cancelled)?;
        site_notes(name, &reach.sites_off_network, notes);
        return Ok((
            reach.matrix,
            reach.cells_off_network.len(),
            net.meta.profile.clone(),
            net.meta.source.clone(),
            "the shortest route's time".into(),
            None,
        ));
    }
    let gtfs = spec.gtfs.as_deref().unwrap_or_default();
    let tt = inputs.timetable(gtfs, spec.date)?;
    let mut o = TransitOptions::hour_from(i32::from(minute) * 60);
    o.window = neuvo_transit::Window::minutes(i32::from(minute) * 60, c.when.window_minutes);
    if let Some(m) = spec.max_access_minutes {
        o.max_access_secs = (m * 60.0).round() as i32;
    }
    if let Some(t) = spec.max_transfers {
        o.params.max_transfers = t;
    }
    let reach = cells_to_sites_by_transit(&net, &tt.timetable, cells, sites, &o, progress, cancelled)?;
    site_notes(name, &reach.sites_off_network, notes);
    notes.extend(tt.notes.iter().map(|n| format!("transit: {n}")));
    if reach.stops_off_network > 0 {
        notes.push(format!(
            "transit: {} stops of the feed lie off the walking network and are used only by riding through them",
            reach.stops_off_network
        ));
    }
    Ok((
        reach.p50,
        reach.cells_off_network.len(),
        net.meta.profile.clone(),
        format!("{} + {gtfs}", net.meta.source),
        format!(
            "the median over departures every minute from {} for {} minutes (walk, wait, ride), walking all the way when faster",
            c.when.time.trim(),
            c.when.window_minutes
        ),
        Some(tt.date.to_string()),
    ))
}

fn site_notes(mode: &str, off: &[(usize, f64)], notes: &mut Vec<String>) {
    if !off.is_empty() {
        notes
            .push(format!("{mode}: {} open sites lie too far from the network and reach no cell", off.len()));
    }
}

/// A variant's open sites (its bases' first), pop-ups with their hours, those chosen by a location scenario.
#[allow(clippy::too_many_arguments)]
fn resolve(
    c: &CompareScenario,
    name: &str,
    sites: &[Site],
    (day, minute): (usize, u16),
    inputs: &dyn Inputs,
    options: CompareOptions,
    notes: &mut Vec<String>,
    progress: &dyn Progress,
    cancelled: &dyn Fn() -> bool,
) -> Result<Resolved, PlanError> {
    let chain = c.base_chain(name).unwrap_or_else(|| vec![name]);
    let mut issues = Vec::new();
    let index = |id: &str| sites.binary_search_by(|s| s.id.as_str().cmp(id)).ok();
    let mut entries: Vec<(usize, Option<String>, String)> = Vec::new();
    let unknown = |id: &str| {
        let near = sites.iter().map(|s| (edit_distance(id, &s.id), s.id.as_str())).min();
        match near {
            Some((d, best)) if d <= 3 => format!("unknown site {id:?}; did you mean {best:?}?"),
            _ => {
                let v: Vec<&str> = sites.iter().take(12).map(|s| s.id.as_str()).collect();
                format!(
                    "unknown site {id:?}; known sites: {}{}",
                    v.join(", "),
                    if sites.len() > 12 { ", …" } else { "" }
                )
            }
        }
    };
    for v_name in chain.iter().rev() {
        let v = &c.variants[*v_name];
        let table = format!("[variants.{v_name}]");
        for (k, id) in v.open.iter().enumerate() {
            match index(id) {
                Some(s) => entries.push((s, None, "fixed".into())),
                None => issues.push(ScenarioIssue {
                    field: c.field_at(&format!("variants.{v_name}.open[{k}]"), &table, id),
                    message: unknown(id),
                }),
            }
        }
        for (k, p) in v.popups.iter().enumerate() {
            match index(&p.site) {
                Some(s) => entries.push((s, Some(p.hours.clone()), "popup".into())),
                None => issues.push(ScenarioIssue {
                    field: c.field_at(&format!("variants.{v_name}.popups[{k}].site"), &table, &p.site),
                    message: unknown(&p.site),
                }),
            }
        }
        if let Some(from) = &v.popups_from {
            let s = inputs.scenario(&from.scenario)?;
            if cancelled() {
                return Err(PlanError::Cancelled);
            }
            let report = run_locate(
                &s,
                inputs,
                RunOptions { threads: options.threads, tradeoff: false },
                progress,
                cancelled,
            )?;
            let chosen = &report.summary.chosen;
            notes.push(format!(
                "variant {v_name}: pop-ups at the {} sites that {} ({}, p = {}, {} minutes by {}) chooses: {}, {}",
                chosen.len(),
                from.scenario,
                report.summary.model,
                report.summary.p.map_or("-".into(), |p| p.to_string()),
                report.summary.minutes,
                report.summary.mode,
                chosen.join(", "),
                from.hours
            ));
            for id in chosen {
                match index(id) {
                    Some(s) => entries.push((s, Some(from.hours.clone()), format!("locate: {}", from.scenario))),
                    None => issues.push(ScenarioIssue {
                        field: format!("variants.{v_name}.popups_from"),
                        message: format!("{} chose site {id:?}, which is not among the comparison's sites (add its file to sites.files)", from.scenario),
                    }),
                }
            }
        }
    }
    if !issues.is_empty() {
        return Err(PlanError::Scenario { scenario: c.name.clone(), issues });
    }
    // A site listed twice keeps its widest hours: open all the time beats a pop-up.
    let mut report_sites: Vec<OpenSite> = Vec::new();
    let mut open = BTreeSet::new();
    for (s, hours, origin) in entries {
        let open_now = match &hours {
            None => true,
            Some(h) => OpeningHours::parse(h).is_ok_and(|oh| oh.is_open(day, minute, minute + 1)),
        };
        if open_now {
            open.insert(s);
        }
        let site = &sites[s];
        if let Some(prev) = report_sites.iter_mut().find(|r| r.id == site.id) {
            if prev.hours.is_some() && hours.is_none() {
                prev.hours = None;
                prev.origin = origin;
            }
            prev.open_at_moment |= open_now;
            continue;
        }
        report_sites.push(OpenSite {
            id: site.id.clone(),
            name: site.name.clone(),
            kind: site.kind.0.clone(),
            hours,
            open_at_moment: open_now,
            origin,
        });
    }
    let closed: Vec<String> = report_sites
        .iter()
        .filter(|r| !r.open_at_moment)
        .map(|r| format!("{} ({})", r.id, r.hours.as_deref().unwrap_or("")))
        .collect();
    if !closed.is_empty() {
        notes.push(format!(
            "variant {name}: pop-ups outside their hours at {} {} do not count: {}",
            WEEKDAYS[day],
            c.when.time.trim(),
            closed.join(", ")
        ));
    }
    report_sites.sort_by(|x, y| x.id.cmp(&y.id));
    Ok(Resolved {
        report: VariantReport {
            name: name.to_owned(),
            title: c.variants[name].title.clone(),
            sites: report_sites,
        },
        open: open.into_iter().collect(),
    })
}

/// Levenshtein distance over characters (site ids are short).
fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut cur = vec![i + 1; b.len() + 1];
        for (j, cb) in b.iter().enumerate() {
            cur[j + 1] = (prev[j] + usize::from(ca != *cb)).min(prev[j + 1] + 1).min(cur[j] + 1);
        }
        prev = cur;
    }
    prev[b.len()]
}

fn tables(modes: &[ModeComparison]) -> Tables {
    let mut within = Vec::new();
    let mut districts = Vec::new();
    for m in modes {
        for g in &m.groups {
            for (ta, tb) in g.a.within.iter().zip(&g.b.within) {
                within.push(WithinRow {
                    group: g.group.clone(),
                    mode: m.mode.clone(),
                    minutes: ta.minutes,
                    a_people: ta.people,
                    b_people: tb.people,
                    a_share: ta.share,
                    b_share: tb.share,
                    change_points: ta.share.zip(tb.share).map(|(x, y)| (y - x) * 100.0),
                });
            }
        }
        for d in &m.districts {
            let both = d.change.winner_people + d.change.loser_people + d.change.unchanged_people;
            districts.push(DistrictRow {
                district: d.district.clone(),
                group: d.group.clone(),
                mode: m.mode.clone(),
                people: d.a.people,
                a_mean_minutes: d.a.mean_minutes,
                b_mean_minutes: d.b.mean_minutes,
                a_within_first: d.a.within.first().and_then(|w| w.share),
                b_within_first: d.b.within.first().and_then(|w| w.share),
                winner_people: d.change.winner_people,
                loser_people: d.change.loser_people,
                mean_change_minutes: (both > 0.0).then(|| d.change.person_minutes_delta / both),
            });
        }
    }
    Tables { within, districts }
}

fn minutes_of(t: Option<Millis>) -> Value {
    t.map_or(Value::Null, |t| json!(round(t.as_secs_f64() / 60.0, 1)))
}

fn difference_geojson(
    demand: &Demand,
    per_cell: &[(String, Vec<CellNearest>, Vec<CellNearest>)],
    columns: &[usize],
    sites: &[Site],
    a: &str,
    b: &str,
) -> Value {
    let groups: Vec<String> = demand.groups.iter().map(|g| g.name.clone()).collect();
    let site_id = |n: Option<neuvo_access::NearestSite>| n.map(|n| sites[columns[n.site]].id.clone());
    let features: Vec<Value> = demand
        .cells
        .iter()
        .enumerate()
        .map(|(i, c)| {
            let geometry = cell_geometry(c);
            let mut props = serde_json::Map::new();
            props.insert("id".into(), json!(c.id));
            props.insert("district".into(), json!(c.district));
            // Unrounded: the point travel times are computed from.
            props.insert("centre".into(), json!([c.location.lon(), c.location.lat()]));
            props.insert("people".into(), per_group(&groups, &c.values));
            for (mode, na, nb) in per_cell {
                let (ta, tb) = (na[i].time(), nb[i].time());
                let delta = ta.zip(tb).map(|(x, y)| (i64::from(y.0) - i64::from(x.0)) as f64 / 60_000.0);
                props.insert(format!("{mode}_before"), minutes_of(ta));
                props.insert(format!("{mode}_after"), minutes_of(tb));
                props.insert(format!("{mode}_delta"), delta.map_or(Value::Null, |d| json!(round(d, 1))));
                props.insert(format!("{mode}_before_site"), json!(site_id(na[i].nearest)));
                props.insert(format!("{mode}_after_site"), json!(site_id(nb[i].nearest)));
                props.insert(format!("{mode}_before_second"), minutes_of(na[i].second_time()));
                props.insert(format!("{mode}_after_second"), minutes_of(nb[i].second_time()));
            }
            json!({"type": "Feature", "geometry": geometry, "properties": props})
        })
        .collect();
    let mode_names: Vec<&str> = per_cell.iter().map(|(m, _, _)| m.as_str()).collect();
    json!({
        "type": "FeatureCollection",
        "neuvo": {"before": a, "after": b, "modes": mode_names, "groups": groups,
                  "units": "minutes; delta = after − before, positive = minutes lost; null = unreached"},
        "features": features,
    })
}

fn sites_geojson(sites: &[Site], a: &VariantReport, b: &VariantReport) -> Value {
    let mut ids: Vec<&str> = a.sites.iter().chain(&b.sites).map(|s| s.id.as_str()).collect();
    ids.sort_unstable();
    ids.dedup();
    let features: Vec<Value> = ids
        .iter()
        .filter_map(|id| sites.iter().find(|s| s.id == *id))
        .map(|s| {
            let in_a = a.sites.iter().find(|x| x.id == s.id);
            let in_b = b.sites.iter().find(|x| x.id == s.id);
            let role = match (in_a.is_some_and(|x| x.open_at_moment), in_b.is_some_and(|x| x.open_at_moment))
            {
                (true, true) => "both",
                (true, false) => "before_only",
                (false, true) => "after_only",
                (false, false) => "closed_at_moment",
            };
            json!({
                "type": "Feature",
                "geometry": {"type": "Point", "coordinates": [s.location.lon(), s.location.lat()]},
                "properties": {
                    "id": s.id, "name": s.name, "kind": s.kind.0, "role": role,
                    "before": in_a, "after": in_b,
                },
            })
        })
        .collect();
    json!({"type": "FeatureCollection", "features": features})
}

/// The terminal table of a comparison.
pub fn compare_table(s: &CompareSummary) -> String {
    use std::fmt::Write;
    let mut o = String::new();
    let _ = writeln!(o, "{} — {}", s.comparison, s.title.as_deref().unwrap_or(""));
    let _ = writeln!(
        o,
        "A = {} ({} sites), B = {} ({} sites), at {} {}",
        s.a.name,
        s.a.sites.len(),
        s.b.name,
        s.b.sites.len(),
        s.when.day,
        s.when.time
    );
    for m in &s.modes {
        let _ = writeln!(o, "\n{} ({}; {}):", m.mode, m.profile, m.statistic);
        let _ = writeln!(
            o,
            "  {:<10} {:>9} {:>15} {:>15} {:>13} {:>10} {:>10}",
            "group", "people", "mean min A→B", "median A→B", "within A→B", "winners", "losers"
        );
        for g in &m.groups {
            let f = |x: Option<f64>| x.map_or("-".into(), |x| format!("{x:.1}"));
            let w = |x: &AccessSummary| {
                x.within.first().and_then(|w| w.share).map_or("-".into(), |x| format!("{:.0}%", x * 100.0))
            };
            let _ = writeln!(
                o,
                "  {:<10} {:>9.0} {:>15} {:>15} {:>13} {:>10.0} {:>10.0}",
                g.group,
                g.a.people,
                format!("{}→{}", f(g.a.mean_minutes), f(g.b.mean_minutes)),
                format!("{}→{}", f(g.a.median_minutes), f(g.b.median_minutes)),
                format!("{}→{}", w(&g.a), w(&g.b)),
                g.change.winner_people,
                g.change.loser_people,
            );
        }
    }
    if let Some(t) = s.thresholds_minutes.first() {
        let _ = writeln!(o, "\n(within = share of people within {t} minutes)");
    }
    for n in &s.notes {
        let _ = writeln!(o, "note: {n}");
    }
    o
}
