//! Rotation scenarios: where pop-up sessions run (the venues a location scenario chooses, plus hubs), how often
//! (from the people each venue is nearest for), which specialist sessions hubs hold, who the advisors are, as data
//! (`data/scenarios/espoo-week.toml`).

use std::io::Read;

use neuvo_model::{LonLat, OpeningHours, WEEKDAYS};
use serde::{Deserialize, Serialize};

use crate::day::requests::{RequestError, Table, parse_list, unique};
use crate::scenario::{NetworkSpec, ScenarioError, ScenarioIssue, SitesSpec};

/// A rotation scenario.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ScheduleScenario {
    /// A short name.
    pub name: String,
    /// A one-line title.
    #[serde(default)]
    pub title: Option<String>,
    /// What it is for, and its caveats.
    #[serde(default)]
    pub description: Option<String>,
    /// The horizon and the session slots.
    pub rotation: RotationSpec,
    /// The road network for travel between venues and from advisors' bases.
    pub network: NetworkSpec,
    /// Where venues come from (site files, OSM venues).
    pub sites: SitesSpec,
    /// Which sites host sessions.
    pub venues: VenuesSpec,
    /// General sessions per week from need.
    #[serde(default)]
    pub frequency: Option<FrequencySpec>,
    /// Sessions asked for by name (specialists at a hub, a Swedish-language session).
    #[serde(default)]
    pub requirements: Vec<RequirementSpec>,
    /// The advisors' file.
    pub advisors: AdvisorsSpec,
    /// Day plans: home visits placed around each advisor's sessions, day by day.
    #[serde(default)]
    pub days: Option<DaysSpec>,
}

/// Day plans around the rotation: home-visit requests from the request generator, planned by the routing solver
/// around each advisor's pinned sessions.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DaysSpec {
    /// Home-visit requests a day.
    pub visits_per_day: usize,
    /// The population group clients are drawn from.
    pub group: String,
    /// Seed of the generator (day k uses seed + k) and of the solver.
    #[serde(default = "seed")]
    pub seed: u64,
    /// Iterations of the routing solver per day (with the seed, the same plan on any machine).
    #[serde(default = "iterations")]
    pub iterations: u64,
    /// Where clients live; default: the demand of the location scenario in `venues.from_locate`.
    #[serde(default)]
    pub demand: Option<crate::scenario::DemandSpec>,
}

fn iterations() -> u64 {
    2000
}

/// The horizon and the slots.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RotationSpec {
    /// The first day (a Monday keeps weeks aligned with calendar weeks).
    pub start: chrono::NaiveDate,
    /// Weeks to plan (the command line's `--weeks` overrides).
    #[serde(default = "one")]
    pub weeks: u32,
    /// The session slots of a day, `HH:MM-HH:MM`.
    pub slots: Vec<String>,
    /// Sessions of one kind at one venue are at least this many days apart.
    #[serde(default = "one")]
    pub min_spacing_days: u32,
    /// Hours assumed for venues whose data has none (`Mo-Fr 09:00-17:00`); without it, such a venue is an error.
    #[serde(default)]
    pub default_hours: Option<String>,
    /// The MILP's time limit, seconds.
    #[serde(default = "thirty")]
    pub time_limit_s: f64,
    /// The MILP's seed.
    #[serde(default = "seed")]
    pub seed: u64,
}

fn one() -> u32 {
    1
}

fn thirty() -> f64 {
    30.0
}

fn seed() -> u64 {
    1
}

/// Which sites host sessions.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct VenuesSpec {
    /// A location scenario whose chosen sites host sessions (relative to the data folder).
    #[serde(default)]
    pub from_locate: Option<String>,
    /// More site ids (hubs).
    #[serde(default)]
    pub extra: Vec<String>,
}

/// General sessions per week at each venue from the people it is nearest for.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FrequencySpec {
    /// The kind of session (`general`).
    #[serde(default = "general")]
    pub kind: String,
    /// The group whose people count (`age75`).
    pub group: String,
    /// One session a week per this many people of the group the venue is nearest for.
    pub people_per_session: f64,
    /// At least this many a week at every venue.
    #[serde(default = "one")]
    pub min: u32,
    /// At most this many a week.
    #[serde(default = "three")]
    pub max: u32,
}

fn general() -> String {
    "general".into()
}

fn three() -> u32 {
    3
}

/// Sessions asked for by name.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RequirementSpec {
    /// The site id.
    pub venue: String,
    /// The kind of session.
    pub kind: String,
    /// Sessions a week.
    pub per_week: u32,
    /// Only on these weekdays (`Tu`).
    #[serde(default)]
    pub weekdays: Vec<String>,
    /// A language the session is held in.
    #[serde(default)]
    pub language: Option<String>,
    /// How much a session is worth against the others (a general session's worth is the thousands of people the
    /// venue is nearest for); default 5.
    #[serde(default)]
    pub weight: Option<f64>,
}

/// The advisors' file.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AdvisorsSpec {
    /// A CSV file relative to the data folder (`schedule/espoo-advisors.csv`).
    pub file: String,
}

/// An advisor of a rotation as the advisors' file gives them.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct RotationAdvisor {
    /// Id (a pseudonym or staff id).
    pub id: String,
    /// Name.
    pub name: Option<String>,
    /// Kinds of session they hold.
    pub kinds: Vec<String>,
    /// Languages they advise in.
    pub languages: Vec<String>,
    /// Skills for home visits (`digital`, `benefits`, `debt`).
    pub skills: Vec<String>,
    /// Their weekly hours, OSM syntax.
    pub hours: String,
    /// Sessions a day, at most.
    pub max_per_day: u32,
    /// Sessions a week, at most.
    pub max_per_week: u32,
    /// Where their day starts and ends.
    pub base: LonLat,
}

const ADVISOR_REQUIRED: [&str; 6] = ["id", "kinds", "languages", "hours", "base_lon", "base_lat"];
const ADVISOR_OPTIONAL: [&str; 4] = ["name", "max_per_day", "max_per_week", "skills"];

/// Reads a rotation's advisors: `id, kinds, languages, hours, base_lon, base_lat` (required; kinds and languages
/// `;`-separated, hours in OSM `opening_hours` syntax), `name`, `max_per_day` (default 2), `max_per_week`
/// (default 8), `skills` (for home visits, `;`-separated).
pub fn read_rotation_advisors(reader: impl Read, file: &str) -> Result<Vec<RotationAdvisor>, RequestError> {
    let t = Table::read(reader, file, &ADVISOR_REQUIRED, &ADVISOR_OPTIONAL)?;
    let mut ids = std::collections::BTreeMap::new();
    let mut out = Vec::new();
    for row in t.rows() {
        let id = row.required("id")?.to_owned();
        unique(&mut ids, &row, &id)?;
        let kinds = parse_list(row.required("kinds")?);
        let hours = row.required("hours")?.to_owned();
        row.with("hours", |h| OpeningHours::parse(h).map(|_| ()).map_err(|e| e.to_string()))?;
        let count = |field: &str, default: u32| -> Result<u32, RequestError> {
            match row.number(field)? {
                None => Ok(default),
                Some(x) if x >= 1.0 && x.fract() == 0.0 && x <= 50.0 => Ok(x as u32),
                Some(x) => Err(row.error(field, format!("{x}: expected a whole number from 1 to 50"))),
            }
        };
        row.required("base_lon")?;
        row.required("base_lat")?;
        let base = row.point("base_lon", "base_lat")?.ok_or_else(|| row.error("base_lon", "required"))?;
        out.push(RotationAdvisor {
            id,
            name: row.opt("name"),
            kinds,
            languages: parse_list(row.required("languages")?),
            skills: parse_list(row.get("skills")),
            hours,
            max_per_day: count("max_per_day", 2)?,
            max_per_week: count("max_per_week", 8)?,
            base,
        });
    }
    if out.is_empty() {
        return Err(RequestError {
            file: file.to_owned(),
            line: None,
            field: None,
            message: "no advisors: add at least one row".into(),
        });
    }
    Ok(out)
}

/// A session slot `HH:MM-HH:MM` as minutes after midnight.
pub fn parse_slot(s: &str) -> Result<(u16, u16), String> {
    let (a, b) = s.trim().split_once('-').ok_or_else(|| format!("{s:?}: expected HH:MM-HH:MM"))?;
    let m = |t: &str| -> Option<u16> {
        let (h, mm) = t.trim().split_once(':')?;
        let (h, mm): (u16, u16) = (h.parse().ok()?, mm.parse().ok()?);
        (h <= 24 && mm < 60 && h * 60 + mm <= 24 * 60).then_some(h * 60 + mm)
    };
    match (m(a), m(b)) {
        (Some(x), Some(y)) if x < y => Ok((x, y)),
        _ => Err(format!("{s:?}: expected HH:MM-HH:MM with the start before the end")),
    }
}

/// A weekday as OSM writes it (`Tu`) or in full, Monday = 0.
pub fn parse_weekday(s: &str) -> Option<usize> {
    let full = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"];
    WEEKDAYS
        .iter()
        .zip(full)
        .position(|(a, b)| s.trim().eq_ignore_ascii_case(a) || s.trim().eq_ignore_ascii_case(b))
}

impl ScheduleScenario {
    /// Parses a rotation scenario from TOML; `origin` names the file in errors.
    pub fn from_toml(text: &str, origin: &str) -> Result<ScheduleScenario, ScenarioError> {
        let s: ScheduleScenario = crate::scenario::parse_toml(text, origin)?;
        s.checked(origin)
    }

    /// Parses a rotation scenario from JSON (the API's form).
    pub fn from_json(value: serde_json::Value, origin: &str) -> Result<ScheduleScenario, ScenarioError> {
        let s: ScheduleScenario = crate::scenario::parse_json(value, origin)?;
        s.checked(origin)
    }

    fn checked(self, origin: &str) -> Result<ScheduleScenario, ScenarioError> {
        let issues = self.validate();
        crate::scenario::checked(self, issues, origin)
    }

    /// Every problem visible without loading the inputs.
    pub fn validate(&self) -> Vec<ScenarioIssue> {
        let mut out = Vec::new();
        let mut issue = |field: String, message: String| out.push(ScenarioIssue { field, message });
        let r = &self.rotation;
        if !(1..=12).contains(&r.weeks) {
            issue("rotation.weeks".into(), format!("must be 1 to 12 weeks, found {}", r.weeks));
        }
        if r.slots.is_empty() {
            issue("rotation.slots".into(), "give at least one session slot, e.g. [\"09:00-12:00\"]".into());
        }
        let mut last_end = 0;
        for (i, s) in r.slots.iter().enumerate() {
            match parse_slot(s) {
                Ok((a, b)) => {
                    if a < last_end {
                        issue(
                            format!("rotation.slots[{i}]"),
                            "slots must be in order and must not overlap".into(),
                        );
                    }
                    last_end = b;
                }
                Err(e) => issue(format!("rotation.slots[{i}]"), e),
            }
        }
        if r.min_spacing_days == 0 || r.min_spacing_days > 7 {
            issue(
                "rotation.min_spacing_days".into(),
                format!("must be 1 to 7 days, found {}", r.min_spacing_days),
            );
        }
        if let Some(h) = &r.default_hours
            && let Err(e) = OpeningHours::parse(h)
        {
            issue("rotation.default_hours".into(), e.to_string());
        }
        if !(r.time_limit_s.is_finite() && r.time_limit_s > 0.0) {
            issue(
                "rotation.time_limit_s".into(),
                format!("must be a positive number of seconds, found {}", r.time_limit_s),
            );
        }
        if self.venues.from_locate.is_none() && self.venues.extra.is_empty() {
            issue(
                "venues".into(),
                "no venues: name a location scenario (from_locate) or site ids (extra)".into(),
            );
        }
        if let Some(f) = &self.frequency {
            if !(f.people_per_session.is_finite() && f.people_per_session > 0.0) {
                issue(
                    "frequency.people_per_session".into(),
                    format!("must be a positive number, found {}", f.people_per_session),
                );
            }
            if f.min > f.max {
                issue("frequency".into(), format!("min ({}) is more than max ({})", f.min, f.max));
            }
        }
        for (i, q) in self.requirements.iter().enumerate() {
            for (k, d) in q.weekdays.iter().enumerate() {
                if parse_weekday(d).is_none() {
                    issue(
                        format!("requirements[{i}].weekdays[{k}]"),
                        format!("unknown weekday {d:?}: write Mo, Tu, We, Th, Fr, Sa or Su"),
                    );
                }
            }
            if let Some(w) = q.weight
                && !(w.is_finite() && w >= 0.0)
            {
                issue(format!("requirements[{i}].weight"), format!("must be a number ≥ 0, found {w}"));
            }
        }
        if let Some(d) = &self.days {
            if d.visits_per_day > 200 {
                issue("days.visits_per_day".into(), format!("at most 200 a day, found {}", d.visits_per_day));
            }
            if d.demand.is_none() && self.venues.from_locate.is_none() {
                issue(
                    "days.demand".into(),
                    "say where clients live (days.demand), or name venues.from_locate".into(),
                );
            }
        }
        out
    }

    /// Every data path, with its field.
    pub fn paths(&self) -> Vec<(String, &str)> {
        let mut v = vec![
            ("network.osm".to_owned(), self.network.osm.as_str()),
            ("advisors.file".into(), self.advisors.file.as_str()),
        ];
        if let Some(p) = self.network.profile.as_deref().filter(|p| p.contains('/') || p.ends_with(".toml")) {
            v.push(("network.profile".into(), p));
        }
        for (i, f) in self.sites.files.iter().enumerate() {
            v.push((format!("sites.files[{i}]"), f));
        }
        if let Some(p) = &self.venues.from_locate {
            v.push(("venues.from_locate".into(), p));
        }
        if let Some(d) = self.days.as_ref().and_then(|d| d.demand.as_ref()) {
            v.push(("days.demand.grid".into(), &d.grid));
            if let Some(p) = &d.districts {
                v.push(("days.demand.districts".into(), p));
            }
            if let Some(p) = &d.municipalities {
                v.push(("days.demand.municipalities".into(), p));
            }
        }
        v
    }

    /// Paths that leave the data folder (the server refuses them).
    pub fn confined_path_issues(&self) -> Vec<ScenarioIssue> {
        crate::scenario::confined(self.paths())
    }
}
