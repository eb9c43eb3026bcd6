//! `run_schedule`: a rotation scenario's inputs loaded, the rotation solved, and its sessions as files.

use std::collections::BTreeMap;
use std::time::{Duration, Instant};

use chrono::{Datelike, NaiveDate, NaiveDateTime, NaiveTime};
use neuvo_export::{ExportOptions, WeekPlan, WeekSession};
use neuvo_model::{LonLat, OpeningHours, Progress, Site, WEEKDAYS};
use neuvo_schedule::{Advisor, Day, Params, Problem, Requirement, ScheduleError, Slot, Venue, Weights};
use serde::Serialize;

use super::spec::{ScheduleScenario, parse_slot, parse_weekday, read_rotation_advisors};
use crate::day::{
    AdvisorSpec, DayError, DayInput, DayOptions, GenerateSpec, SessionSpec, Span, generate_visits, plan_day,
};
use crate::inputs::Inputs;
use crate::locate::{PlanError, RunOptions, run_locate};
use crate::matrix::cells_to_sites;
use crate::scenario::ScenarioIssue;
use crate::sites::apply_scenario;

/// Settings of a run that are not part of the scenario.
#[derive(Clone, Debug)]
pub struct ScheduleOptions {
    /// Weeks to plan, overriding the scenario's.
    pub weeks: Option<u32>,
    /// Threads for matrices.
    pub threads: usize,
    /// When the files are made (the calendars' DTSTAMP), UTC.
    pub generated_at_utc: NaiveDateTime,
    /// Re-plan one day: this advisor falls ill on this date at this minute of the day.
    pub ill: Option<Illness>,
}

/// An advisor falling ill during a planned day.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Illness {
    /// The advisor's id.
    pub advisor: String,
    /// The date.
    pub date: NaiveDate,
    /// The minute of the day.
    pub at_min: u16,
}

/// The day re-planned after an advisor fell ill.
#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct ReplanReport {
    /// The date.
    pub date: NaiveDate,
    /// What changed before solving: pinned, cancelled sessions, moved visits.
    pub changes: crate::day::ReplanChanges,
    /// Home visits served in the new plan.
    pub served: usize,
    /// Home visits served in the old plan.
    pub served_before: usize,
    /// Left out, with reasons.
    pub unserved: Vec<UnservedReport>,
    /// Each advisor's stops in the new plan (pseudonyms only).
    pub advisors: Vec<crate::day::AdvisorSummary>,
}

/// A venue of the rotation.
#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct VenueReport {
    /// Site id.
    pub id: String,
    /// Name.
    pub name: String,
    /// Kind of site.
    pub kind: String,
    /// Opening hours used.
    pub hours: String,
    /// Whether the hours are the scenario's assumption (the data had none).
    pub hours_assumed: bool,
    /// People of the frequency group the venue is the nearest open site for (from the location plan).
    pub nearest_for: Option<f64>,
}

/// A requirement as built.
#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct RequirementReport {
    /// Venue id.
    pub venue: String,
    /// Kind.
    pub kind: String,
    /// Sessions a week.
    pub per_week: u32,
    /// Weekdays (empty: any).
    pub weekdays: Vec<String>,
    /// Language.
    pub language: Option<String>,
    /// Weight.
    pub weight: f64,
    /// `frequency` (from need) or `scenario` (asked for by name).
    pub origin: String,
}

/// One session of the rotation.
#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct SessionReport {
    /// Date.
    pub date: NaiveDate,
    /// Weekday (`Tu`).
    pub weekday: String,
    /// Start, `HH:MM`.
    pub start: String,
    /// End, `HH:MM`.
    pub end: String,
    /// Venue id.
    pub venue: String,
    /// Venue name.
    pub venue_name: String,
    /// Kind.
    pub kind: String,
    /// The language asked for, if any.
    pub language: Option<String>,
    /// Advisor id.
    pub advisor: String,
}

/// Sessions a venue misses.
#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct ShortfallReport {
    /// Venue id.
    pub venue: String,
    /// Kind.
    pub kind: String,
    /// Week (1-based).
    pub week: usize,
    /// Wanted.
    pub wanted: u32,
    /// Held.
    pub held: u32,
    /// Why.
    pub reason: String,
}

/// The MILP's figures.
#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct MilpReport {
    /// Binary columns.
    pub binaries: usize,
    /// All columns.
    pub columns: usize,
    /// Rows.
    pub rows: usize,
    /// The objective.
    pub objective: f64,
    /// The dual bound.
    pub bound: f64,
    /// Relative gap.
    pub gap: f64,
    /// Proven optimal.
    pub optimal: bool,
    /// Seconds.
    pub seconds: f64,
}

/// An advisor's week in figures.
#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct AdvisorReport {
    /// Id.
    pub id: String,
    /// Kinds.
    pub kinds: Vec<String>,
    /// Languages.
    pub languages: Vec<String>,
    /// Sessions held over the horizon.
    pub sessions: usize,
}

/// A home visit that could not be served on a day.
#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct UnservedReport {
    /// The visit's pseudonym.
    pub id: String,
    /// Why (`language`, `time_window`, `skill`, …).
    pub reason: String,
    /// In words.
    pub detail: String,
}

/// One day's plan around the rotation.
#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct DayReport {
    /// The date.
    pub date: NaiveDate,
    /// Advisors at work.
    pub advisors: usize,
    /// Pinned sessions.
    pub sessions: usize,
    /// Home-visit requests.
    pub visits: usize,
    /// Served.
    pub served: usize,
    /// Left out, with reasons.
    pub unserved: Vec<UnservedReport>,
    /// Seconds of travel, all advisors.
    pub travel_s: u64,
}

/// What `neuvo schedule --json` prints.
#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct ScheduleSummary {
    /// The scenario's name.
    pub scenario: String,
    /// Its title.
    pub title: Option<String>,
    /// First day.
    pub start: NaiveDate,
    /// Last day.
    pub end: NaiveDate,
    /// Weeks.
    pub weeks: u32,
    /// The slots.
    pub slots: Vec<String>,
    /// The venues.
    pub venues: Vec<VenueReport>,
    /// The requirements.
    pub requirements: Vec<RequirementReport>,
    /// The advisors.
    pub advisors: Vec<AdvisorReport>,
    /// Every session, by date, start and venue.
    pub sessions: Vec<SessionReport>,
    /// What could not be placed, with reasons.
    pub shortfalls: Vec<ShortfallReport>,
    /// Sessions wanted, all told.
    pub wanted: u32,
    /// The MILP.
    pub milp: MilpReport,
    /// Distinct (venue, kind, weekday, slot) used: as many as the sessions of one week means the same day and hour
    /// every week.
    pub patterns: u32,
    /// Day plans: home visits around the sessions, day by day (when the scenario asks for them).
    pub days: Vec<DayReport>,
    /// The day re-planned after an advisor fell ill, when asked.
    pub replanned: Option<ReplanReport>,
    /// Caveats.
    pub notes: Vec<String>,
    /// Seconds, all told.
    pub seconds: f64,
}

/// A rotation: the summary, the plan as exported, and the files.
#[derive(Clone, Debug)]
pub struct ScheduleReport {
    /// The summary.
    pub summary: ScheduleSummary,
    /// The sessions as the export crate sees them.
    pub plan: WeekPlan,
    /// Files by name: `advisor-ID.ics` per advisor, `venue-ID.ics` per venue, `rotation.csv`, `timetable.html`,
    /// and with day plans `day-DATE-ID.ics` and `day-DATE-ID.geojson` per advisor and day.
    pub files: Vec<(String, String)>,
    /// The day plans' advisor days, for servers that publish each to its advisor.
    pub advisor_days: Vec<neuvo_export::AdvisorDay>,
}

fn clock(m: u16) -> String {
    format!("{:02}:{:02}", m / 60, m % 60)
}

/// A file name part from an id (`espoo-lib:sello` → `espoo-lib_sello`).
pub fn file_id(id: &str) -> String {
    id.chars()
        .map(|c| if c.is_ascii_alphanumeric() || c == '-' || c == '_' || c == '.' { c } else { '_' })
        .collect()
}

/// Plans the rotation of `spec`.
pub fn run_schedule(
    spec: &ScheduleScenario,
    inputs: &dyn Inputs,
    options: &ScheduleOptions,
    progress: &dyn Progress,
    cancelled: &dyn Fn() -> bool,
) -> Result<ScheduleReport, PlanError> {
    let t0 = Instant::now();
    let scenario_err =
        |issues: Vec<ScenarioIssue>| PlanError::Scenario { scenario: spec.name.clone(), issues };
    let issue = |field: &str, message: String| ScenarioIssue { field: field.to_owned(), message };
    let weeks = options.weeks.unwrap_or(spec.rotation.weeks);
    if !(1..=12).contains(&weeks) {
        return Err(scenario_err(vec![issue("weeks", format!("must be 1 to 12, found {weeks}"))]));
    }
    let mut notes = Vec::new();

    // Advisors.
    let text = inputs.text(&spec.advisors.file)?;
    let advisors = read_rotation_advisors(text.as_bytes(), &spec.advisors.file)
        .map_err(|e| PlanError::Input(crate::InputError(e.to_string())))?;

    // Sites and venues.
    let sites = inputs.sites(&spec.sites, &spec.network)?;
    let (sites, _) = apply_scenario(sites, &spec.sites).map_err(scenario_err)?;
    let by_id: BTreeMap<&str, &Site> = sites.iter().map(|s| (s.id.as_str(), s)).collect();
    let mut venue_ids: Vec<String> = Vec::new();
    let mut nearest_for: BTreeMap<String, f64> = BTreeMap::new();
    let mut located: Option<crate::scenario::Scenario> = None;
    if let Some(path) = &spec.venues.from_locate {
        let s = inputs.scenario(path)?;
        located = Some(s.clone());
        let report = run_locate(
            &s,
            inputs,
            RunOptions { threads: options.threads, tradeoff: false },
            progress,
            cancelled,
        )?;
        let group = spec.frequency.as_ref().map(|f| f.group.clone());
        for site in report.summary.sites.iter().filter(|x| x.chosen) {
            venue_ids.push(site.id.clone());
            if let (Some(g), Some(e)) = (&group, &site.explanation)
                && let Some(n) = e["nearest_for"][g].as_f64()
            {
                nearest_for.insert(site.id.clone(), n);
            }
        }
        if let Some(g) = &group
            && !report.summary.groups.iter().any(|x| x.group == *g)
        {
            return Err(scenario_err(vec![issue("frequency.group", format!("{path} has no group {g:?}"))]));
        }
        notes.push(format!("venues chosen by {path} ({} sites): {}", venue_ids.len(), venue_ids.join(", ")));
    }
    let mut issues = Vec::new();
    for (i, id) in spec.venues.extra.iter().enumerate() {
        if !by_id.contains_key(id.as_str()) {
            issues.push(issue(&format!("venues.extra[{i}]"), format!("unknown site {id:?}")));
        } else if !venue_ids.contains(id) {
            venue_ids.push(id.clone());
        }
    }
    for (i, q) in spec.requirements.iter().enumerate() {
        if !by_id.contains_key(q.venue.as_str()) {
            issues.push(issue(&format!("requirements[{i}].venue"), format!("unknown site {:?}", q.venue)));
        } else if !venue_ids.contains(&q.venue) {
            venue_ids.push(q.venue.clone());
        }
    }
    let default_hours = spec.rotation.default_hours.as_deref();
    let mut venues = Vec::new();
    let mut venue_reports = Vec::new();
    let mut assumed = Vec::new();
    for id in &venue_ids {
        let Some(site) = by_id.get(id.as_str()) else { continue };
        let (raw, is_assumed) = match (
            site.opening_hours.as_deref().filter(|h| !h.trim().is_empty()),
            default_hours,
        ) {
            (Some(h), _) => (h.to_owned(), false),
            (None, Some(d)) => (d.to_owned(), true),
            (None, None) => {
                issues.push(issue(
                    "rotation.default_hours",
                    format!("venue {id} has no opening hours in its data: add them to its site file, or set rotation.default_hours"),
                ));
                continue;
            }
        };
        let hours = match OpeningHours::parse(&raw) {
            Ok(h) => h,
            Err(e) => {
                issues.push(issue("venues", format!("venue {id}: {e}; fix its opening_hours")));
                continue;
            }
        };
        if is_assumed {
            assumed.push(id.clone());
        }
        venues.push(Venue { id: id.clone(), hours });
        venue_reports.push(VenueReport {
            id: id.clone(),
            name: site.name.clone(),
            kind: site.kind.0.clone(),
            hours: raw,
            hours_assumed: is_assumed,
            nearest_for: nearest_for.get(id).copied(),
        });
    }
    if !issues.is_empty() {
        return Err(scenario_err(issues));
    }
    if !assumed.is_empty() {
        notes.push(format!(
            "{} venues have no opening hours in the data; the scenario's assumption {} is used for them: {}",
            assumed.len(),
            default_hours.unwrap_or_default(),
            assumed.join(", ")
        ));
    }
    let venue_index = |id: &str| venues.iter().position(|v| v.id == id);

    // Requirements: general sessions from need, then those asked for by name.
    let mut reqs: Vec<Requirement> = Vec::new();
    let mut req_reports = Vec::new();
    if let Some(f) = &spec.frequency {
        for (v, venue) in venues.iter().enumerate() {
            let people = nearest_for.get(&venue.id).copied();
            let per_week = match people {
                Some(n) => ((n / f.people_per_session).ceil() as u32).clamp(f.min, f.max),
                None => f.min,
            };
            let weight = people.map_or(1.0, |n| (n / 1000.0).max(0.1));
            reqs.push(Requirement {
                venue: v,
                kind: f.kind.clone(),
                per_week,
                weekdays: Vec::new(),
                language: None,
                weight,
            });
            req_reports.push(RequirementReport {
                venue: venue.id.clone(),
                kind: f.kind.clone(),
                per_week,
                weekdays: Vec::new(),
                language: None,
                weight,
                origin: "frequency".into(),
            });
        }
    }
    for q in &spec.requirements {
        let Some(v) = venue_index(&q.venue) else { continue };
        let weekdays: Vec<usize> = q.weekdays.iter().filter_map(|d| parse_weekday(d)).collect();
        let weight = q.weight.unwrap_or(5.0);
        reqs.push(Requirement {
            venue: v,
            kind: q.kind.clone(),
            per_week: q.per_week,
            weekdays: weekdays.clone(),
            language: q.language.clone(),
            weight,
        });
        req_reports.push(RequirementReport {
            venue: q.venue.clone(),
            kind: q.kind.clone(),
            per_week: q.per_week,
            weekdays: weekdays.iter().map(|&d| WEEKDAYS[d].to_owned()).collect(),
            language: q.language.clone(),
            weight,
            origin: "scenario".into(),
        });
    }

    // Travel: venue to venue, and from each advisor's base, by the scenario's network.
    if cancelled() {
        return Err(PlanError::Cancelled);
    }
    let net = inputs.network(&spec.network, progress)?;
    let points: Vec<LonLat> = venues.iter().map(|v| by_id[v.id.as_str()].location).collect();
    let between = cells_to_sites(&net, &points, &points, options.threads, progress, cancelled)?;
    let bases: Vec<LonLat> = advisors.iter().map(|a| a.base).collect();
    let from_bases = cells_to_sites(&net, &bases, &points, options.threads, progress, cancelled)?;
    let to_bases = cells_to_sites(&net, &points, &bases, options.threads, progress, cancelled)?;
    // Unreachable pairs never follow each other in a day: a day's length.
    let minutes = |m: &neuvo_model::TravelMatrix, i: usize, j: usize| {
        m.time(i, j).map_or(24 * 60, |t| t.0.div_ceil(60_000))
    };
    let travel_min: Vec<Vec<u32>> = (0..venues.len())
        .map(|i| (0..venues.len()).map(|j| if i == j { 0 } else { minutes(&between.matrix, i, j) }).collect())
        .collect();
    for (j, d) in &between.sites_off_network {
        notes.push(format!(
            "venue {} is {d:.0} m from the nearest road and cannot be reached by car",
            venues[*j].id
        ));
    }

    let slots: Vec<Slot> = spec
        .rotation
        .slots
        .iter()
        .filter_map(|s| parse_slot(s).ok())
        .map(|(start, end)| Slot { start, end })
        .collect();
    let start = spec.rotation.start;
    let n_days = weeks as usize * 7;
    let dates: Vec<NaiveDate> = (0..n_days).map(|i| start + chrono::Days::new(i as u64)).collect();
    let days: Vec<Day> = dates
        .iter()
        .enumerate()
        .map(|(i, d)| Day {
            label: d.to_string(),
            weekday: d.weekday().num_days_from_monday() as usize,
            week: i / 7,
        })
        .collect();
    let sched_advisors: Vec<Advisor> = advisors
        .iter()
        .enumerate()
        .map(|(a, adv)| Advisor {
            id: adv.id.clone(),
            kinds: adv.kinds.clone(),
            languages: adv.languages.clone(),
            available: OpeningHours::parse(&adv.hours).unwrap_or_default(),
            max_per_day: adv.max_per_day,
            max_per_week: adv.max_per_week,
            from_base_min: (0..venues.len()).map(|v| minutes(&from_bases.matrix, a, v)).collect(),
            to_base_min: (0..venues.len()).map(|v| minutes(&to_bases.matrix, v, a)).collect(),
        })
        .collect();
    let problem = Problem {
        days,
        slots: slots.clone(),
        venues: venues.clone(),
        advisors: sched_advisors,
        requirements: reqs.clone(),
        travel_min,
        min_spacing_days: spec.rotation.min_spacing_days,
        weights: Weights::default(),
    };
    let params = Params {
        time_limit: Duration::from_secs_f64(spec.rotation.time_limit_s),
        gap: 0.0,
        seed: spec.rotation.seed,
    };
    let rotation = neuvo_schedule::solve(&problem, &params).map_err(|e| match e {
        ScheduleError::Invalid(issues) => scenario_err(
            issues.into_iter().map(|i| ScenarioIssue { field: i.field, message: i.message }).collect(),
        ),
        ScheduleError::Solver(m) => PlanError::Solver(m),
    })?;

    // Reports and files.
    let advisor_by_index = |a: usize| &advisors[a];
    let mut sessions: Vec<SessionReport> = Vec::new();
    let mut week_sessions: Vec<WeekSession> = Vec::new();
    for s in &rotation.sessions {
        let req = &reqs[s.requirement];
        let venue = &venue_reports[req.venue];
        let slot = slots[s.slot];
        let adv = advisor_by_index(s.advisor);
        sessions.push(SessionReport {
            date: dates[s.day],
            weekday: WEEKDAYS[problem.days[s.day].weekday].to_owned(),
            start: clock(slot.start),
            end: clock(slot.end),
            venue: venue.id.clone(),
            venue_name: venue.name.clone(),
            kind: req.kind.clone(),
            language: req.language.clone(),
            advisor: adv.id.clone(),
        });
        let time = |m: u16| {
            NaiveTime::from_hms_opt(u32::from(m / 60) % 24, u32::from(m % 60), 0).unwrap_or(NaiveTime::MIN)
        };
        week_sessions.push(WeekSession {
            date: dates[s.day],
            start: time(slot.start),
            end: time(slot.end),
            venue_id: venue.id.clone(),
            venue_name: venue.name.clone(),
            location: by_id[venue.id.as_str()].location,
            kind: req.kind.clone(),
            advisor_id: adv.id.clone(),
            advisor_name: adv.name.clone(),
            languages: match &req.language {
                Some(l) => vec![l.clone()],
                None => adv.languages.clone(),
            },
        });
    }
    sessions.sort_by(|a, b| (a.date, &a.start, &a.venue).cmp(&(b.date, &b.start, &b.venue)));
    let shortfalls: Vec<ShortfallReport> = rotation
        .shortfalls
        .iter()
        .map(|s| ShortfallReport {
            venue: venues[reqs[s.requirement].venue].id.clone(),
            kind: reqs[s.requirement].kind.clone(),
            week: s.week + 1,
            wanted: s.wanted,
            held: s.held,
            reason: s.reason.clone(),
        })
        .collect();
    let end = *dates.last().unwrap_or(&start);
    let plan = WeekPlan {
        title: spec.title.clone().unwrap_or_else(|| spec.name.clone()),
        first_date: start,
        last_date: end,
        sessions: week_sessions,
    };
    let export = ExportOptions::new(options.generated_at_utc);
    let export_err = |e: neuvo_export::ExportError| PlanError::Solver(format!("exporting the rotation: {e}"));
    let mut files = Vec::new();
    for adv in &advisors {
        files.push((
            format!("advisor-{}.ics", file_id(&adv.id)),
            neuvo_export::ics_for_advisor(&plan, &adv.id, &export).map_err(export_err)?,
        ));
    }
    for v in &venues {
        files.push((
            format!("venue-{}.ics", file_id(&v.id)),
            neuvo_export::ics_for_venue(&plan, &v.id, &export).map_err(export_err)?,
        ));
    }
    files.push(("rotation.csv".into(), neuvo_export::week_csv(&plan, &export).map_err(export_err)?));
    files.push(("timetable.html".into(), neuvo_export::week_html(&plan, &export).map_err(export_err)?));

    // Day plans: home visits around each advisor's sessions.
    let mut day_reports = Vec::new();
    let mut advisor_days = Vec::new();
    let mut replanned: Option<ReplanReport> = None;
    if let Some(ill) = &options.ill {
        if spec.days.is_none() {
            return Err(scenario_err(vec![issue(
                "ill",
                "re-planning needs day plans: add a [days] table".into(),
            )]));
        }
        if !dates.contains(&ill.date) {
            return Err(scenario_err(vec![issue(
                "ill",
                format!("{} is not in the rotation ({start} to {})", ill.date, dates[dates.len() - 1]),
            )]));
        }
    }
    if let Some(ds) = &spec.days {
        let demand_spec = match (&ds.demand, &located) {
            (Some(d), _) => d.clone(),
            (None, Some(l)) => l.demand.clone(),
            (None, None) => {
                return Err(scenario_err(vec![issue("days.demand", "say where clients live".into())]));
            }
        };
        let loaded = inputs.demand(&demand_spec)?;
        let inside = |p: LonLat| net.snap(p).is_ok();
        let spoken: std::collections::BTreeSet<&str> =
            advisors.iter().flat_map(|a| a.languages.iter().map(String::as_str)).collect();
        for (k, date) in dates.iter().enumerate() {
            if cancelled() {
                return Err(PlanError::Cancelled);
            }
            let wd = problem.days[k].weekday;
            let day_advisors: Vec<AdvisorSpec> = advisors
                .iter()
                .filter_map(|a| {
                    let h = OpeningHours::parse(&a.hours).ok()?;
                    let &(from, to) = h.days[wd].first()?;
                    Some(AdvisorSpec {
                        id: a.id.clone(),
                        name: a.name.clone(),
                        mode: neuvo_model::Mode::Car,
                        start: a.base,
                        end: None,
                        shift: Span { start: u32::from(from) * 60, end: u32::from(to) * 60 },
                        max_work_s: None,
                        skills: a.skills.clone(),
                        languages: a.languages.clone(),
                        breaks: Vec::new(),
                    })
                })
                .collect();
            if day_advisors.is_empty() {
                continue;
            }
            let day_sessions: Vec<SessionSpec> = rotation
                .sessions
                .iter()
                .filter(|x| x.day == k)
                .enumerate()
                .map(|(i, x)| {
                    let venue = &venue_reports[reqs[x.requirement].venue];
                    let slot = slots[x.slot];
                    SessionSpec {
                        id: format!("S-{}-{}", date.format("%m%d"), i + 1),
                        advisor: advisors[x.advisor].id.clone(),
                        name: Some(venue.name.clone()),
                        place: by_id[venue.id.as_str()].location,
                        hours: Span { start: u32::from(slot.start) * 60, end: u32::from(slot.end) * 60 },
                        note: Some(format!("{} session", reqs[x.requirement].kind)),
                    }
                })
                .collect();
            let spec_k =
                GenerateSpec { count: ds.visits_per_day, seed: ds.seed + k as u64, group: ds.group.clone() };
            let mut visits = generate_visits(&loaded.demand, &spec_k, &day_advisors, &inside)
                .map_err(|m| scenario_err(vec![issue("days.group", m)]))?;
            for v in &mut visits {
                v.id = format!("{}-{}", date.format("%m%d"), v.id);
            }
            // Requests no advisor at work that day can take (a skill or a language nobody has) are listed, not
            // planned: the routing problem would refuse them.
            let skills: std::collections::BTreeSet<&str> =
                day_advisors.iter().flat_map(|a| a.skills.iter().map(String::as_str)).collect();
            let day_languages: std::collections::BTreeSet<&str> =
                day_advisors.iter().flat_map(|a| a.languages.iter().map(String::as_str)).collect();
            let mut left: Vec<UnservedReport> = Vec::new();
            let mut kept = Vec::new();
            for v in visits {
                let missing: Vec<&str> =
                    v.skills.iter().map(String::as_str).filter(|x| !skills.contains(x)).collect();
                let speaks =
                    v.languages.is_empty() || v.languages.iter().any(|l| day_languages.contains(l.as_str()));
                if !speaks {
                    let team = v.languages.iter().any(|l| spoken.contains(l.as_str()));
                    left.push(UnservedReport {
                        id: v.id.clone(),
                        reason: "language".into(),
                        detail: if team {
                            format!(
                                "needs {}, and no advisor at work on {date} speaks it",
                                v.languages.join(" or ")
                            )
                        } else {
                            format!("needs {}, which no advisor of the team speaks", v.languages.join(" or "))
                        },
                    });
                } else if !missing.is_empty() {
                    left.push(UnservedReport {
                        id: v.id.clone(),
                        reason: "skill".into(),
                        detail: format!(
                            "needs {}, and no advisor at work on {date} has it",
                            missing.join(" and ")
                        ),
                    });
                } else {
                    kept.push(v);
                }
            }
            let visits = kept;
            let input = DayInput { date: *date, visits, advisors: day_advisors, sessions: day_sessions };
            let day_options = DayOptions {
                seed: ds.seed,
                time_limit: Duration::from_secs(120),
                max_iterations: Some(ds.iterations),
                threads: options.threads,
                sessions_first: true,
                ..DayOptions::default()
            };
            let net_for = |_: neuvo_model::Mode| Ok(net.clone());
            let plan =
                plan_day(&input, &net_for, &day_options, progress, cancelled).map_err(|e| match e {
                    DayError::Cancelled => PlanError::Cancelled,
                    other => PlanError::Solver(format!("day plan of {date}: {other}")),
                })?;
            let mut unserved: Vec<UnservedReport> = plan
                .summary
                .unserved
                .iter()
                .map(|u| UnservedReport {
                    id: u.id.clone(),
                    reason: u.reason.to_owned(),
                    detail: u.detail.clone(),
                })
                .collect();
            unserved.extend(left.iter().cloned());
            for d in &plan.days {
                if d.stops.is_empty() {
                    continue;
                }
                let stem = format!("day-{date}-{}", file_id(&d.advisor_id));
                files.push((format!("{stem}.ics"), neuvo_export::ics(d, &export).map_err(export_err)?));
                let gj = neuvo_export::geojson(d, &export).map_err(export_err)?;
                files.push((format!("{stem}.geojson"), serde_json::to_string(&gj).unwrap_or_default()));
            }
            if let Some(ill) = options.ill.as_ref().filter(|i| i.date == *date) {
                let at = u32::from(ill.at_min) * 60;
                let (new_input, changes) = crate::day::replan_input(&input, &plan.summary, &ill.advisor, at)
                    .map_err(|m| scenario_err(vec![issue("ill", m)]))?;
                let new_plan = plan_day(&new_input, &net_for, &day_options, progress, cancelled).map_err(
                    |e| match e {
                        DayError::Cancelled => PlanError::Cancelled,
                        other => PlanError::Solver(format!("re-planning {date}: {other}")),
                    },
                )?;
                for d in &new_plan.days {
                    if d.stops.is_empty() {
                        continue;
                    }
                    let stem = format!("day-{date}-{}.replanned", file_id(&d.advisor_id));
                    files.push((format!("{stem}.ics"), neuvo_export::ics(d, &export).map_err(export_err)?));
                    let gj = neuvo_export::geojson(d, &export).map_err(export_err)?;
                    files.push((format!("{stem}.geojson"), serde_json::to_string(&gj).unwrap_or_default()));
                }
                replanned = Some(ReplanReport {
                    date: *date,
                    changes,
                    served: new_plan.summary.served,
                    served_before: plan.summary.served,
                    unserved: new_plan
                        .summary
                        .unserved
                        .iter()
                        .map(|u| UnservedReport {
                            id: u.id.clone(),
                            reason: u.reason.to_owned(),
                            detail: u.detail.clone(),
                        })
                        .chain(left.iter().cloned())
                        .collect(),
                    advisors: new_plan.summary.days.clone(),
                });
            }
            day_reports.push(DayReport {
                date: *date,
                advisors: input.advisors.len(),
                sessions: input.sessions.len(),
                visits: input.visits.len() + left.len(),
                served: plan.summary.served,
                unserved,
                travel_s: plan.summary.travel_s,
            });
            advisor_days.extend(plan.days.into_iter().filter(|d| !d.stops.is_empty()));
        }
    }

    let wanted: u32 = reqs.iter().map(|r| r.per_week * weeks).sum();
    let summary = ScheduleSummary {
        scenario: spec.name.clone(),
        title: spec.title.clone(),
        start,
        end,
        weeks,
        slots: slots.iter().map(|s| format!("{}-{}", clock(s.start), clock(s.end))).collect(),
        venues: venue_reports,
        requirements: req_reports,
        advisors: advisors
            .iter()
            .enumerate()
            .map(|(a, adv)| AdvisorReport {
                id: adv.id.clone(),
                kinds: adv.kinds.clone(),
                languages: adv.languages.clone(),
                sessions: rotation.sessions.iter().filter(|s| s.advisor == a).count(),
            })
            .collect(),
        sessions,
        shortfalls,
        wanted,
        milp: MilpReport {
            binaries: rotation.size.binaries,
            columns: rotation.size.columns,
            rows: rotation.size.rows,
            objective: rotation.cost.total,
            bound: rotation.bound,
            gap: rotation.gap,
            optimal: rotation.optimal,
            seconds: rotation.seconds,
        },
        patterns: rotation.cost.patterns,
        days: day_reports,
        replanned,
        notes,
        seconds: t0.elapsed().as_secs_f64(),
    };
    Ok(ScheduleReport { summary, plan, files, advisor_days })
}

/// The terminal table of a rotation.
pub fn schedule_table(s: &ScheduleSummary) -> String {
    use std::fmt::Write;
    let mut o = String::new();
    let _ = writeln!(
        o,
        "{} — {} to {} ({} weeks)",
        s.title.as_deref().unwrap_or(&s.scenario),
        s.start,
        s.end,
        s.weeks
    );
    let _ = writeln!(
        o,
        "{} of {} sessions placed; MILP {} binaries, {} rows, {:.2} s, gap {:.2} %{}",
        s.sessions.len(),
        s.wanted,
        s.milp.binaries,
        s.milp.rows,
        s.milp.seconds,
        s.milp.gap * 100.0,
        if s.milp.optimal { " (optimal)" } else { "" }
    );
    let _ = writeln!(
        o,
        "\n  {:<10} {:<3} {:<11} {:<32} {:<8} {:<8} advisor",
        "date", "day", "time", "venue", "kind", "language"
    );
    for x in &s.sessions {
        let _ = writeln!(
            o,
            "  {:<10} {:<3} {:<11} {:<32} {:<8} {:<8} {}",
            x.date.to_string(),
            x.weekday,
            format!("{}-{}", x.start, x.end),
            x.venue_name.chars().take(32).collect::<String>(),
            x.kind,
            x.language.as_deref().unwrap_or("-"),
            x.advisor
        );
    }
    for f in &s.shortfalls {
        let _ = writeln!(
            o,
            "missing: {} {} in week {}: {} of {} ({})",
            f.venue,
            f.kind,
            f.week,
            f.wanted - f.held,
            f.wanted,
            f.reason
        );
    }
    for d in &s.days {
        let _ = writeln!(
            o,
            "day {}: {} advisors, {} sessions, {} of {} home visits served, {} min of driving{}",
            d.date,
            d.advisors,
            d.sessions,
            d.served,
            d.visits,
            d.travel_s / 60,
            if d.unserved.is_empty() {
                String::new()
            } else {
                format!(
                    "; left out: {}",
                    d.unserved
                        .iter()
                        .map(|u| format!("{} ({})", u.id, u.reason))
                        .collect::<Vec<_>>()
                        .join(", ")
                )
            }
        );
    }
    if let Some(r) = &s.replanned {
        let _ = writeln!(
            o,
            "re-planned {} with {} ill from {}: {} of {} home visits served (before: {}); pinned {}; moved {}; cancelled sessions {}",
            r.date,
            r.changes.ill,
            r.changes.at,
            r.served,
            r.served + r.unserved.len(),
            r.served_before,
            r.changes.pinned.join(", "),
            if r.changes.moved.is_empty() { "none".into() } else { r.changes.moved.join(", ") },
            if r.changes.cancelled_sessions.is_empty() {
                "none".into()
            } else {
                r.changes.cancelled_sessions.join(", ")
            },
        );
    }
    for n in &s.notes {
        let _ = writeln!(o, "note: {n}");
    }
    o
}
