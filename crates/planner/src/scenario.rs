//! Scenario files: what a planner asks for, as data (`data/scenarios/*.toml`, or the same as JSON over the API).
//!
//! A scenario names its inputs (a road network, a population grid, site lists) by paths relative to the data
//! folder, and says what to solve. Parsing checks the shape of the file (unknown keys are errors, so a typo never
//! silently falls back to a default); [`Scenario::validate`] checks the values and returns every problem at once.
//! Whether named sites and groups exist is checked once the inputs are loaded.

use std::collections::BTreeMap;
use std::fmt;

use neuvo_locate::Model;
use neuvo_model::Mode;
use serde::{Deserialize, Serialize};

/// A planning scenario.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Scenario {
    /// A short name, used in file names and output (`espoo-75plus-car`).
    pub name: String,
    /// A one-line title for people.
    #[serde(default)]
    pub title: Option<String>,
    /// What the scenario is for, and its caveats.
    #[serde(default)]
    pub description: Option<String>,
    /// The road network travel times are computed on.
    pub network: NetworkSpec,
    /// Where demand comes from.
    pub demand: DemandSpec,
    /// Which sites exist and their status.
    pub sites: SitesSpec,
    /// What to solve.
    pub locate: LocateSpec,
}

/// The road network of a scenario.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NetworkSpec {
    /// The OSM PBF file, relative to the data folder (`cache/osm/…`).
    pub osm: String,
    /// Travel mode.
    pub mode: Mode,
    /// A profile: a built-in name (`walk75`) or a file relative to the data folder; default: the mode's profile.
    #[serde(default)]
    pub profile: Option<String>,
    /// Farthest a cell centroid or a site may lie from the network, in metres; default: the profile's.
    #[serde(default)]
    pub max_snap_m: Option<f64>,
    /// A caveat about the network that every output repeats (a skeleton without residential streets, say).
    #[serde(default)]
    pub note: Option<String>,
}

/// Where demand comes from: a population grid and, optionally, district and municipality boundaries.
///
/// `grid`, `districts` and `municipalities` are paths relative to the data folder; every other key is handed to
/// the grid reader (`neuvo-population`'s grid spec: `preset`, `groups`, `indexes`, `municipality`, `bbox`, …),
/// which rejects keys it does not know.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct DemandSpec {
    /// The grid file (GeoPackage, CSV or Parquet).
    pub grid: String,
    /// Major-district polygons (GeoPackage), for per-district figures and equity.
    #[serde(default)]
    pub districts: Option<String>,
    /// Municipality polygons (GeoPackage), for the area filter.
    #[serde(default)]
    pub municipalities: Option<String>,
    /// The rest of the grid reader's settings.
    #[serde(flatten)]
    pub options: serde_json::Map<String, serde_json::Value>,
}

/// Which sites exist, from which files, and how the scenario changes their status.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SitesSpec {
    /// Site CSV files relative to the data folder (`id,name,kind,status,lon,lat[,opening_hours][,source]`).
    #[serde(default)]
    pub files: Vec<String>,
    /// Also take the venues found in the network's OSM file (libraries, senior centres, malls…) as candidates.
    #[serde(default)]
    pub osm_venues: bool,
    /// Only these kinds of OSM venues (all kinds when empty).
    #[serde(default)]
    pub osm_kinds: Vec<String>,
    /// Site ids forced open (kept), whatever their file says.
    #[serde(default)]
    pub kept: Vec<String>,
    /// Site ids closed (never chosen).
    #[serde(default)]
    pub closed: Vec<String>,
    /// Site ids made candidates.
    #[serde(default)]
    pub candidate: Vec<String>,
    /// Candidate ids that must be among the chosen sites.
    #[serde(default)]
    pub required: Vec<String>,
    /// Site ids left out entirely.
    #[serde(default)]
    pub exclude: Vec<String>,
}

/// Balance between groups or districts.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum EquityOver {
    /// Maximise the covered share of the worst-covered population group.
    Groups,
    /// Maximise the covered share of the worst-covered district.
    Districts,
}

/// How sites' capacities are set, for capacitated models.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CapacitySpec {
    /// Expected visits per person per period, by group (`{ age75 = 0.02 }`: one visit in 50 weeks).
    pub visits_per_person: BTreeMap<String, f64>,
    /// Advisor-hours per period at a site: by site id, by kind, or `default`.
    pub advisor_hours: BTreeMap<String, f64>,
    /// Visits one advisor serves in an hour.
    pub visits_per_advisor_hour: f64,
}

/// Which solution method to use.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum MethodSpec {
    /// The greedy + swap heuristic, then the exact MILP warm-started from it.
    #[default]
    Auto,
    /// The exact MILP only.
    Exact,
    /// The heuristic only (large inputs).
    Heuristic,
}

/// What to solve.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LocateSpec {
    /// The model.
    pub model: ModelSpec,
    /// New sites to open among the candidates (kept sites stay open on top). Not used by LSCP.
    #[serde(default)]
    pub p: Option<usize>,
    /// Coverage threshold: a cell is covered when a site is at most this many minutes away.
    pub minutes: f64,
    /// Objective weight per group (`{ age75 = 1.0 }`); default: 1 for the first group.
    #[serde(default)]
    pub weights: BTreeMap<String, f64>,
    /// Least covered share per group (`{ age75 = 0.6 }`), of the group's people that some kept or candidate site
    /// reaches within the threshold.
    #[serde(default)]
    pub min_share: BTreeMap<String, f64>,
    /// Maximise the worst-covered group's or district's share (of coverable people) first.
    #[serde(default)]
    pub equity: Option<EquityOver>,
    /// At most this many new sites of a kind (`{ mall = 2 }`).
    #[serde(default)]
    pub budget: BTreeMap<String, usize>,
    /// Capacities: advisor-hours per site against expected visits.
    #[serde(default)]
    pub capacity: Option<CapacitySpec>,
    /// Solution method.
    #[serde(default)]
    pub method: MethodSpec,
    /// Time limit of each MILP solve, in seconds.
    #[serde(default = "default_time_limit")]
    pub time_limit_s: f64,
    /// Relative MILP gap at which to stop (0: prove optimality).
    #[serde(default)]
    pub gap: f64,
    /// Seed of the heuristic and the solver.
    #[serde(default = "default_seed")]
    pub seed: u64,
    /// Solve also for p = 0 … this, for the trade-off table; default: p + 3 (at most the candidates).
    #[serde(default)]
    pub tradeoff_max_p: Option<usize>,
}

fn default_time_limit() -> f64 {
    60.0
}

fn default_seed() -> u64 {
    1
}

/// A model name as written in scenario files.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ModelSpec {
    /// Maximal covering location problem.
    Mclp,
    /// Location set covering problem.
    Lscp,
    /// p-median.
    #[serde(rename = "pmedian", alias = "p-median", alias = "p_median")]
    PMedian,
    /// p-center.
    #[serde(rename = "pcenter", alias = "p-center", alias = "p_center")]
    PCenter,
}

impl ModelSpec {
    /// The solver's model.
    pub fn model(self) -> Model {
        match self {
            ModelSpec::Mclp => Model::Mclp,
            ModelSpec::Lscp => Model::Lscp,
            ModelSpec::PMedian => Model::PMedian,
            ModelSpec::PCenter => Model::PCenter,
        }
    }

    /// The name as written in files.
    pub fn as_str(self) -> &'static str {
        match self {
            ModelSpec::Mclp => "mclp",
            ModelSpec::Lscp => "lscp",
            ModelSpec::PMedian => "pmedian",
            ModelSpec::PCenter => "pcenter",
        }
    }
}

/// Changes to a scenario's `[locate]` settings made at run time (command-line flags, API request fields).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Overrides {
    /// The model.
    #[serde(default)]
    pub model: Option<ModelSpec>,
    /// New sites.
    #[serde(default)]
    pub p: Option<usize>,
    /// Coverage threshold in minutes.
    #[serde(default)]
    pub minutes: Option<f64>,
    /// Solution method.
    #[serde(default)]
    pub method: Option<MethodSpec>,
    /// MILP time limit in seconds.
    #[serde(default)]
    pub time_limit_s: Option<f64>,
}

/// One problem found in a scenario: where, what, and what to do.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ScenarioIssue {
    /// The field, as a dotted path (`locate.minutes`).
    pub field: String,
    /// What is wrong and what to do.
    pub message: String,
}

impl fmt::Display for ScenarioIssue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.field, self.message)
    }
}

/// Why a scenario could not be read.
#[derive(Debug, thiserror::Error)]
pub enum ScenarioError {
    /// The text is not valid TOML or JSON, or has unknown or missing keys.
    #[error("{origin}: {message}")]
    Parse {
        /// The file or request.
        origin: String,
        /// The parser's message, with line and column.
        message: String,
    },
    /// Values are out of range or contradict each other.
    #[error("{origin}: {}", issues.iter().map(ToString::to_string).collect::<Vec<_>>().join("; "))]
    Invalid {
        /// The file or request.
        origin: String,
        /// Every problem found.
        issues: Vec<ScenarioIssue>,
    },
}

impl Scenario {
    /// Parses a scenario from TOML text; `origin` names the file in errors.
    pub fn from_toml(text: &str, origin: &str) -> Result<Scenario, ScenarioError> {
        parse_toml::<Scenario>(text, origin)?.checked(origin)
    }

    /// Parses a scenario from a JSON value (the API's form).
    pub fn from_json(value: serde_json::Value, origin: &str) -> Result<Scenario, ScenarioError> {
        parse_json::<Scenario>(value, origin)?.checked(origin)
    }

    fn checked(self, origin: &str) -> Result<Scenario, ScenarioError> {
        let issues = self.validate();
        checked(self, issues, origin)
    }

    /// The scenario with `o` applied, checked again (switching to LSCP drops p).
    pub fn with_overrides(mut self, o: &Overrides, origin: &str) -> Result<Scenario, ScenarioError> {
        if let Some(m) = o.model {
            self.locate.model = m;
            if m == ModelSpec::Lscp {
                self.locate.p = None;
            }
        }
        if let Some(p) = o.p {
            self.locate.p = Some(p);
        }
        if let Some(m) = o.minutes {
            self.locate.minutes = m;
        }
        if let Some(m) = o.method {
            self.locate.method = m;
        }
        if let Some(t) = o.time_limit_s {
            self.locate.time_limit_s = t;
        }
        self.checked(origin)
    }

    /// Every problem with the scenario's values that can be seen without loading its inputs.
    pub fn validate(&self) -> Vec<ScenarioIssue> {
        let mut out = Vec::new();
        let mut issue = |field: &str, message: String| {
            out.push(ScenarioIssue { field: field.to_owned(), message });
        };
        if self.name.trim().is_empty() {
            issue("name", "a scenario needs a name".into());
        }
        for (field, path) in self.paths() {
            if path.trim().is_empty() {
                issue(&field, "empty path".into());
            }
        }
        if let Some(m) = self.network.max_snap_m
            && !(m.is_finite() && m > 0.0)
        {
            issue("network.max_snap_m", format!("must be a positive number of metres, found {m}"));
        }
        let l = &self.locate;
        if !(l.minutes.is_finite() && l.minutes > 0.0) {
            issue(
                "locate.minutes",
                format!(
                    "the travel-time threshold must be a positive number of minutes, found {}",
                    l.minutes
                ),
            );
        }
        match (l.model, l.p) {
            (ModelSpec::Lscp, Some(_)) => issue(
                "locate.p",
                "LSCP finds the fewest sites that cover the demand; it takes no p (remove it, or use mclp)"
                    .into(),
            ),
            (ModelSpec::Mclp | ModelSpec::PMedian | ModelSpec::PCenter, None) => {
                issue("locate.p", format!("{} needs p, the number of new sites to choose", l.model.as_str()));
            }
            _ => {}
        }
        if let Some(p) = l.p
            && self.sites.required.len() > p
        {
            issue(
                "sites.required",
                format!(
                    "{} sites are required but p = {p}: raise p to at least {} or require fewer sites",
                    self.sites.required.len(),
                    self.sites.required.len()
                ),
            );
        }
        for (g, w) in &l.weights {
            if !(w.is_finite() && *w >= 0.0) {
                issue(&format!("locate.weights.{g}"), format!("a weight must be a number ≥ 0, found {w}"));
            }
        }
        if !l.weights.is_empty() && l.weights.values().all(|w| *w == 0.0) {
            issue("locate.weights", "every weight is 0: give at least one group a positive weight".into());
        }
        for (g, s) in &l.min_share {
            if !(s.is_finite() && (0.0..=1.0).contains(s)) {
                issue(
                    &format!("locate.min_share.{g}"),
                    format!("a share must be between 0 and 1, found {s}"),
                );
            }
        }
        if !(l.time_limit_s.is_finite() && l.time_limit_s > 0.0) {
            issue(
                "locate.time_limit_s",
                format!("must be a positive number of seconds, found {}", l.time_limit_s),
            );
        }
        if !(l.gap.is_finite() && (0.0..1.0).contains(&l.gap)) {
            issue("locate.gap", format!("a relative gap must be in [0, 1), found {}", l.gap));
        }
        if let Some(c) = &l.capacity {
            if !matches!(l.model, ModelSpec::Mclp | ModelSpec::PMedian) {
                issue("locate.capacity", "capacities apply to mclp and pmedian".into());
            }
            if !(c.visits_per_advisor_hour.is_finite() && c.visits_per_advisor_hour > 0.0) {
                issue(
                    "locate.capacity.visits_per_advisor_hour",
                    format!("must be a positive number, found {}", c.visits_per_advisor_hour),
                );
            }
            for (k, h) in &c.advisor_hours {
                if !(h.is_finite() && *h >= 0.0) {
                    issue(
                        &format!("locate.capacity.advisor_hours.{k}"),
                        format!("must be ≥ 0 hours, found {h}"),
                    );
                }
            }
            for (g, r) in &c.visits_per_person {
                if !(r.is_finite() && *r >= 0.0) {
                    issue(
                        &format!("locate.capacity.visits_per_person.{g}"),
                        format!("must be ≥ 0, found {r}"),
                    );
                }
            }
        }
        let s = &self.sites;
        if s.files.is_empty() && !s.osm_venues {
            issue("sites", "no sites: list site files in sites.files, or set sites.osm_venues = true".into());
        }
        let mut seen: BTreeMap<&str, &str> = BTreeMap::new();
        for (list, ids) in
            [("kept", &s.kept), ("closed", &s.closed), ("candidate", &s.candidate), ("exclude", &s.exclude)]
        {
            for id in ids {
                if let Some(other) = seen.insert(id, list) {
                    issue(&format!("sites.{list}"), format!("site {id:?} is also listed in sites.{other}"));
                }
            }
        }
        out
    }

    /// Problems with paths that leave the data folder (absolute, or with `..`). The server calls this, so that a
    /// request can only name files inside the data folder; the command line lets its user name any file.
    pub fn confined_path_issues(&self) -> Vec<ScenarioIssue> {
        confined(self.paths())
    }

    /// Every data path the scenario names, with its field.
    pub fn paths(&self) -> Vec<(String, &str)> {
        let mut v = vec![("network.osm".to_owned(), self.network.osm.as_str())];
        if let Some(p) = self.network.profile.as_deref().filter(|p| p.contains('/') || p.ends_with(".toml")) {
            v.push(("network.profile".into(), p));
        }
        v.push(("demand.grid".into(), self.demand.grid.as_str()));
        if let Some(p) = &self.demand.districts {
            v.push(("demand.districts".into(), p));
        }
        if let Some(p) = &self.demand.municipalities {
            v.push(("demand.municipalities".into(), p));
        }
        for (i, f) in self.sites.files.iter().enumerate() {
            v.push((format!("sites.files[{i}]"), f));
        }
        v
    }
}

/// Parses TOML text into a scenario-like file type; the parser's message (with line and column) names `origin`.
pub(crate) fn parse_toml<T: serde::de::DeserializeOwned>(
    text: &str,
    origin: &str,
) -> Result<T, ScenarioError> {
    toml::from_str(text)
        .map_err(|e| ScenarioError::Parse { origin: origin.to_owned(), message: e.to_string() })
}

/// Parses a JSON value (the API's form) into a scenario-like file type.
pub(crate) fn parse_json<T: serde::de::DeserializeOwned>(
    value: serde_json::Value,
    origin: &str,
) -> Result<T, ScenarioError> {
    serde_json::from_value(value)
        .map_err(|e| ScenarioError::Parse { origin: origin.to_owned(), message: e.to_string() })
}

/// `value` when `issues` is empty, else every issue at once.
pub(crate) fn checked<T>(value: T, issues: Vec<ScenarioIssue>, origin: &str) -> Result<T, ScenarioError> {
    if issues.is_empty() {
        Ok(value)
    } else {
        Err(ScenarioError::Invalid { origin: origin.to_owned(), issues })
    }
}

/// The paths (with their fields) that leave the data folder (absolute, or with `..`).
pub(crate) fn confined(paths: Vec<(String, &str)>) -> Vec<ScenarioIssue> {
    paths
        .into_iter()
        .filter_map(|(field, p)| check_relative_path(p).err().map(|message| ScenarioIssue { field, message }))
        .collect()
}

/// A data path must stay inside the data folder: relative, without `..`.
pub(crate) fn check_relative_path(p: &str) -> Result<(), String> {
    if p.trim().is_empty() {
        return Err("empty path".into());
    }
    if p.starts_with('/') || p.starts_with('\\') || p.contains(':') {
        return Err(format!("{p:?} must be relative to the data folder (e.g. cache/osm/…)"));
    }
    if p.split(['/', '\\']).any(|c| c == "..") {
        return Err(format!("{p:?} must not leave the data folder (no ..)"));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    const OK: &str = r#"
name = "t"
[network]
osm = "cache/osm/x.osm.pbf"
mode = "car"
[demand]
grid = "cache/population/g.gpkg"
preset = "hsy"
groups = ["total", "age75"]
[sites]
files = ["sites/s.csv"]
[locate]
model = "mclp"
p = 2
minutes = 15
weights = { age75 = 1.0 }
"#;

    fn with(patch: &str) -> Result<Scenario, ScenarioError> {
        // Later keys of a table win in our patching: append the patch's lines inside [locate].
        Scenario::from_toml(&OK.replace("[locate]\n", &format!("[locate]\n{patch}\n")), "t.toml")
    }

    #[test]
    fn a_valid_scenario_parses_and_keeps_grid_options() {
        let s = Scenario::from_toml(OK, "t.toml").unwrap();
        assert_eq!(s.locate.model, ModelSpec::Mclp);
        assert_eq!(s.locate.p, Some(2));
        assert_eq!(s.demand.options["preset"], "hsy");
        assert_eq!(s.locate.seed, 1);
        assert_eq!(s.locate.time_limit_s, 60.0);
    }

    #[test]
    fn rejects_a_zero_or_negative_threshold() {
        let e = Scenario::from_toml(&OK.replace("minutes = 15", "minutes = 0"), "t.toml").unwrap_err();
        assert!(e.to_string().contains("locate.minutes"), "{e}");
        let e = Scenario::from_toml(&OK.replace("minutes = 15", "minutes = -5"), "t.toml").unwrap_err();
        assert!(e.to_string().contains("positive number of minutes"), "{e}");
    }

    #[test]
    fn rejects_more_required_sites_than_p() {
        let text = OK.replace(
            "files = [\"sites/s.csv\"]",
            "files = [\"sites/s.csv\"]\nrequired = [\"a\", \"b\", \"c\"]",
        );
        let e = Scenario::from_toml(&text, "t.toml").unwrap_err();
        assert!(e.to_string().contains("3 sites are required but p = 2"), "{e}");
    }

    #[test]
    fn unknown_keys_are_errors_with_their_place() {
        let e = with("minutse = 3").unwrap_err();
        assert!(e.to_string().contains("minutse"), "{e}");
    }

    #[test]
    fn gathers_every_problem_at_once() {
        let e = with("gap = 2.0\ntime_limit_s = -1\nmin_share = { age75 = 1.5 }").unwrap_err();
        let ScenarioError::Invalid { issues, .. } = e else { panic!("expected Invalid") };
        let fields: Vec<&str> = issues.iter().map(|i| i.field.as_str()).collect();
        assert_eq!(fields, ["locate.min_share.age75", "locate.time_limit_s", "locate.gap"]);
    }

    #[test]
    fn confined_paths_stay_in_the_data_folder() {
        assert!(Scenario::from_toml(OK, "t.toml").unwrap().confined_path_issues().is_empty());
        let text = OK.replace("cache/osm/x.osm.pbf", "../../etc/passwd");
        let issues = Scenario::from_toml(&text, "t.toml").unwrap().confined_path_issues();
        assert_eq!(issues.len(), 1);
        assert_eq!(issues[0].field, "network.osm");
        let text = OK.replace("sites/s.csv", "/etc/passwd");
        let issues = Scenario::from_toml(&text, "t.toml").unwrap().confined_path_issues();
        assert_eq!(issues[0].field, "sites.files[0]");
    }

    #[test]
    fn lscp_takes_no_p_and_the_others_need_one() {
        let e =
            Scenario::from_toml(&OK.replace("model = \"mclp\"", "model = \"lscp\""), "t.toml").unwrap_err();
        assert!(e.to_string().contains("takes no p"), "{e}");
        let e = Scenario::from_toml(&OK.replace("p = 2\n", ""), "t.toml").unwrap_err();
        assert!(e.to_string().contains("needs p"), "{e}");
    }

    #[test]
    fn overrides_are_checked_like_the_file() {
        let s = Scenario::from_toml(OK, "t.toml").unwrap();
        let o = Overrides { p: Some(5), minutes: Some(20.0), ..Overrides::default() };
        let t = s.clone().with_overrides(&o, "cli").unwrap();
        assert_eq!((t.locate.p, t.locate.minutes), (Some(5), 20.0));
        let lscp = s
            .clone()
            .with_overrides(&Overrides { model: Some(ModelSpec::Lscp), ..Overrides::default() }, "cli");
        assert_eq!(lscp.unwrap().locate.p, None);
        let bad =
            s.with_overrides(&Overrides { minutes: Some(-1.0), ..Overrides::default() }, "cli").unwrap_err();
        assert!(bad.to_string().starts_with("cli: locate.minutes"), "{bad}");
    }

    #[test]
    fn json_and_toml_give_the_same_scenario() {
        let s = Scenario::from_toml(OK, "t.toml").unwrap();
        let back = Scenario::from_json(serde_json::to_value(&s).unwrap(), "api").unwrap();
        assert_eq!(s, back);
    }
}
