//! Comparison files: the variants of a closure scenario (which sites are open, which pop-ups run when), the modes
//! to measure them by and the moment they are measured at, as data (`data/scenarios/espoo-2021.toml`).

use std::collections::BTreeMap;

use neuvo_model::{Mode, OpeningHours};
use serde::{Deserialize, Serialize};

use crate::scenario::{DemandSpec, NetworkSpec, ScenarioError, ScenarioIssue, SitesSpec};

/// A comparison: the variants of a scenario and how to measure them.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CompareScenario {
    /// A short name (`espoo-2021`).
    pub name: String,
    /// A one-line title.
    #[serde(default)]
    pub title: Option<String>,
    /// What the comparison is about and its caveats.
    #[serde(default)]
    pub description: Option<String>,
    /// Where demand comes from (as in a location scenario).
    pub demand: DemandSpec,
    /// Which sites exist (files and OSM venues, as in a location scenario; OSM venues come from the first mode's
    /// OSM file). The variants say which of them are open.
    pub sites: SitesSpec,
    /// The moment the variants are measured at: a pop-up counts only when its hours include it, and transit
    /// departures start at it.
    pub when: When,
    /// Thresholds, in minutes, for the shares of people within.
    #[serde(default = "default_thresholds")]
    pub thresholds_minutes: Vec<f64>,
    /// How many cells with the largest losses to list.
    #[serde(default = "default_largest")]
    pub largest_losses: usize,
    /// The modes, by name: `walk`, `car` or `transit`.
    pub modes: BTreeMap<String, ModeSpec>,
    /// The variants, by name (`before`, `after`, `after-popups`).
    pub variants: BTreeMap<String, VariantSpec>,
    /// The file's text, for line numbers in errors (not part of the data).
    #[serde(skip)]
    pub source_text: Option<String>,
}

fn default_thresholds() -> Vec<f64> {
    vec![15.0, 30.0, 45.0]
}

fn default_largest() -> usize {
    20
}

/// A weekday and a time of day.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct When {
    /// The weekday as OSM writes it: `Mo`, `Tu`, … `Su` (or the full English name).
    pub day: String,
    /// The time, `HH:MM`.
    pub time: String,
    /// Transit departures: one a minute over this many minutes from `time` (default 60).
    #[serde(default = "default_window")]
    pub window_minutes: u32,
}

fn default_window() -> u32 {
    60
}

impl When {
    /// The weekday (Monday = 0) and the minute of the day, or what is wrong.
    pub fn parse(&self) -> Result<(usize, u16), String> {
        let d = self.day.trim();
        let day = crate::schedule::parse_weekday(d)
            .ok_or_else(|| format!("unknown weekday {d:?}: write Mo, Tu, We, Th, Fr, Sa or Su"))?;
        let minute = parse_hhmm(&self.time)
            .ok_or_else(|| format!("time {:?}: expected HH:MM between 00:00 and 23:59", self.time))?;
        Ok((day, minute))
    }
}

fn parse_hhmm(s: &str) -> Option<u16> {
    let (h, m) = s.trim().split_once(':')?;
    let (h, m): (u16, u16) = (h.parse().ok()?, m.parse().ok()?);
    (h < 24 && m < 60 && s.trim().len() == 5).then_some(h * 60 + m)
}

/// How one mode is measured.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ModeSpec {
    /// The OSM file: the roads driven or walked; for transit, the streets walked to, between and from stops.
    pub osm: String,
    /// A profile (built-in name or file under the data folder); default: the mode's own (walk for transit).
    #[serde(default)]
    pub profile: Option<String>,
    /// Farthest a cell or a site may lie from the network, metres; default: the profile's.
    #[serde(default)]
    pub max_snap_m: Option<f64>,
    /// A caveat about the network that the output repeats.
    #[serde(default)]
    pub note: Option<String>,
    /// Transit only: the GTFS zip or folder.
    #[serde(default)]
    pub gtfs: Option<String>,
    /// Transit only: the service date (`2022-02-22`); default: the feed's first service date.
    #[serde(default)]
    pub date: Option<chrono::NaiveDate>,
    /// Transit only: the longest walk to the first stop and from the last, minutes (default 15).
    #[serde(default)]
    pub max_access_minutes: Option<f64>,
    /// Transit only: the most transfers (default 4).
    #[serde(default)]
    pub max_transfers: Option<u8>,
}

impl ModeSpec {
    /// The network of this mode (the walk network for transit).
    pub fn network(&self, name: &str) -> NetworkSpec {
        NetworkSpec {
            osm: self.osm.clone(),
            mode: if name == "car" { Mode::Car } else { Mode::Walk },
            profile: self.profile.clone(),
            max_snap_m: self.max_snap_m,
            note: self.note.clone(),
        }
    }
}

/// The names a mode may have.
pub const MODE_NAMES: [&str; 3] = ["walk", "car", "transit"];

/// One variant: the sites open and the pop-ups that run.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct VariantSpec {
    /// A one-line title.
    #[serde(default)]
    pub title: Option<String>,
    /// Another variant whose open sites and pop-ups this one starts from.
    #[serde(default)]
    pub base: Option<String>,
    /// Site ids open all the time (fixed service points), whatever their status in the site files.
    #[serde(default)]
    pub open: Vec<String>,
    /// Pop-up sessions: a site and its hours.
    #[serde(default)]
    pub popups: Vec<PopupSpec>,
    /// Pop-ups chosen by a location scenario (`neuvo locate`), all with the same hours.
    #[serde(default)]
    pub popups_from: Option<PopupsFrom>,
}

/// A pop-up session at a site.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PopupSpec {
    /// The site's id.
    pub site: String,
    /// When it runs, in OSM `opening_hours` syntax (`Tu,Th 10:00-14:00`).
    pub hours: String,
}

/// Pop-ups at the sites a location scenario chooses.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PopupsFrom {
    /// The location scenario file, relative to the data folder (`scenarios/espoo-75plus-car.toml`).
    pub scenario: String,
    /// When the chosen pop-ups run (`Tu,Th 10:00-14:00`).
    pub hours: String,
}

impl CompareScenario {
    /// Parses a comparison from TOML; `origin` names the file in errors.
    pub fn from_toml(text: &str, origin: &str) -> Result<CompareScenario, ScenarioError> {
        let mut s: CompareScenario = crate::scenario::parse_toml(text, origin)?;
        s.source_text = Some(text.to_owned());
        s.checked(origin)
    }

    /// Parses a comparison from JSON (the API's form).
    pub fn from_json(value: serde_json::Value, origin: &str) -> Result<CompareScenario, ScenarioError> {
        let s: CompareScenario = crate::scenario::parse_json(value, origin)?;
        s.checked(origin)
    }

    fn checked(self, origin: &str) -> Result<CompareScenario, ScenarioError> {
        let issues = self.validate();
        crate::scenario::checked(self, issues, origin)
    }

    /// `field` with the line of the file where `needle` first appears inside `table` (`[variants.after]`), when
    /// the comparison was read from TOML text.
    pub fn field_at(&self, field: &str, table: &str, needle: &str) -> String {
        match self.source_text.as_deref().and_then(|t| line_in_table(t, table, needle)) {
            Some(line) => format!("line {line}, {field}"),
            None => field.to_owned(),
        }
    }

    /// Every problem that can be seen without loading the inputs.
    pub fn validate(&self) -> Vec<ScenarioIssue> {
        let mut out = Vec::new();
        let mut issue = |field: String, message: String| out.push(ScenarioIssue { field, message });
        if self.name.trim().is_empty() {
            issue("name".into(), "a comparison needs a name".into());
        }
        if let Err(e) = self.when.parse() {
            issue("when".into(), e);
        }
        if !(1..=240).contains(&self.when.window_minutes) {
            issue(
                "when.window_minutes".into(),
                format!("must be 1 to 240 minutes, found {}", self.when.window_minutes),
            );
        }
        for t in &self.thresholds_minutes {
            if !(t.is_finite() && *t > 0.0) {
                issue(
                    "thresholds_minutes".into(),
                    format!("a threshold must be a positive number of minutes, found {t}"),
                );
            }
        }
        if self.modes.is_empty() {
            issue("modes".into(), "no modes: add [modes.walk], [modes.car] or [modes.transit]".into());
        }
        for (name, m) in &self.modes {
            let f = |k: &str| format!("modes.{name}.{k}");
            if !MODE_NAMES.contains(&name.as_str()) {
                issue(
                    format!("modes.{name}"),
                    format!("unknown mode {name:?}: expected walk, car or transit"),
                );
            }
            if m.osm.trim().is_empty() {
                issue(f("osm"), "empty path".into());
            }
            if let Some(x) = m.max_snap_m
                && !(x.is_finite() && x > 0.0)
            {
                issue(f("max_snap_m"), format!("must be a positive number of metres, found {x}"));
            }
            let transit_only =
                m.date.is_some() || m.max_access_minutes.is_some() || m.max_transfers.is_some();
            if name == "transit" {
                if m.gtfs.as_deref().is_none_or(|g| g.trim().is_empty()) {
                    issue(f("gtfs"), "transit needs a GTFS feed: gtfs = \"cache/gtfs/….zip\"".into());
                }
                if let Some(x) = m.max_access_minutes
                    && !(x.is_finite() && x > 0.0 && x <= 120.0)
                {
                    issue(f("max_access_minutes"), format!("must be 0 to 120 minutes, found {x}"));
                }
            } else if m.gtfs.is_some() || transit_only {
                issue(
                    format!("modes.{name}"),
                    "gtfs, date, max_access_minutes and max_transfers are for transit only".into(),
                );
            }
        }
        if self.variants.len() < 2 {
            issue("variants".into(), "a comparison needs at least two variants".into());
        }
        for (name, v) in &self.variants {
            if let Some(b) = &v.base {
                if !self.variants.contains_key(b) {
                    issue(
                        format!("variants.{name}.base"),
                        format!("unknown variant {b:?}; variants: {}", self.variant_names()),
                    );
                } else if self.base_chain(name).is_none() {
                    issue(format!("variants.{name}.base"), "the bases form a cycle".into());
                }
            }
            for (k, p) in v.popups.iter().enumerate() {
                if let Err(e) = OpeningHours::parse(&p.hours) {
                    issue(
                        self.field_at(
                            &format!("variants.{name}.popups[{k}].hours"),
                            &format!("[variants.{name}]"),
                            &p.hours,
                        ),
                        e.to_string(),
                    );
                }
            }
            if let Some(p) = &v.popups_from {
                if let Err(e) = OpeningHours::parse(&p.hours) {
                    issue(format!("variants.{name}.popups_from.hours"), e.to_string());
                }
                if p.scenario.trim().is_empty() {
                    issue(format!("variants.{name}.popups_from.scenario"), "empty path".into());
                }
            }
        }
        out
    }

    /// The variants' names, for messages.
    pub fn variant_names(&self) -> String {
        self.variants.keys().map(String::as_str).collect::<Vec<_>>().join(", ")
    }

    /// The variant and its bases, the variant first; `None` on a cycle or an unknown base.
    pub fn base_chain(&self, name: &str) -> Option<Vec<&str>> {
        let mut chain: Vec<&str> = Vec::new();
        let mut cur = Some(name);
        while let Some(n) = cur {
            if chain.contains(&n) {
                return None;
            }
            let (key, v) = self.variants.get_key_value(n)?;
            chain.push(key.as_str());
            cur = v.base.as_deref();
        }
        Some(chain)
    }

    /// Problems with paths that leave the data folder (absolute, or with `..`): the server refuses such a
    /// comparison, as it refuses such a location scenario.
    pub fn confined_path_issues(&self) -> Vec<ScenarioIssue> {
        crate::scenario::confined(self.paths())
    }

    /// Every data path the comparison names, with its field (for the server's confinement check).
    pub fn paths(&self) -> Vec<(String, &str)> {
        let mut v = vec![("demand.grid".to_owned(), self.demand.grid.as_str())];
        if let Some(p) = &self.demand.districts {
            v.push(("demand.districts".into(), p));
        }
        if let Some(p) = &self.demand.municipalities {
            v.push(("demand.municipalities".into(), p));
        }
        for (i, f) in self.sites.files.iter().enumerate() {
            v.push((format!("sites.files[{i}]"), f));
        }
        for (name, m) in &self.modes {
            v.push((format!("modes.{name}.osm"), &m.osm));
            if let Some(p) = m.profile.as_deref().filter(|p| p.contains('/') || p.ends_with(".toml")) {
                v.push((format!("modes.{name}.profile"), p));
            }
            if let Some(g) = &m.gtfs {
                v.push((format!("modes.{name}.gtfs"), g));
            }
        }
        for (name, var) in &self.variants {
            if let Some(p) = &var.popups_from {
                v.push((format!("variants.{name}.popups_from.scenario"), &p.scenario));
            }
        }
        v
    }
}

/// The 1-based line of the first line containing `"needle"` (quoted) after the header `table` and before the
/// next header.
fn line_in_table(text: &str, table: &str, needle: &str) -> Option<usize> {
    let quoted = format!("\"{needle}\"");
    let mut inside = false;
    for (i, line) in text.lines().enumerate() {
        let t = line.trim_start();
        if t.starts_with('[') && !t.starts_with("[[") && !t.starts_with("[ ") {
            inside = t.starts_with(table);
            if inside && t.contains(&quoted) {
                return Some(i + 1);
            }
            continue;
        }
        if inside && t.contains(&quoted) {
            return Some(i + 1);
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    pub(crate) const OK: &str = r#"
name = "c"
[demand]
grid = "cache/population/g.gpkg"
groups = ["total"]
[sites]
files = ["sites/s.csv"]
[when]
day = "Tu"
time = "10:00"
[modes.car]
osm = "cache/osm/x.osm.pbf"
[variants.before]
open = ["a", "b"]
[variants.after]
open = [
  "a",
  "c",
]
popups = [{ site = "p", hours = "Tu 09:00-12:00" }]
"#;

    #[test]
    fn a_valid_comparison_parses() {
        let c = CompareScenario::from_toml(OK, "c.toml").unwrap();
        assert_eq!(c.when.parse(), Ok((1, 600)));
        assert_eq!(c.thresholds_minutes, [15.0, 30.0, 45.0]);
        assert_eq!(c.variants["after"].popups[0].site, "p");
        assert_eq!(
            c.field_at("variants.after.open[1]", "[variants.after]", "c"),
            "line 18, variants.after.open[1]"
        );
        assert_eq!(c.field_at("x", "[variants.after]", "zz"), "x");
    }

    #[test]
    fn bad_values_are_reported_together() {
        let text = OK
            .replace("day = \"Tu\"", "day = \"Tuesdai\"")
            .replace("[modes.car]", "[modes.bike]")
            .replace("Tu 09:00-12:00", "Tu 9 to 12");
        let ScenarioError::Invalid { issues, .. } = CompareScenario::from_toml(&text, "c.toml").unwrap_err()
        else {
            panic!("expected Invalid")
        };
        let fields: Vec<&str> = issues.iter().map(|i| i.field.as_str()).collect();
        assert_eq!(fields, ["when", "modes.bike", "line 20, variants.after.popups[0].hours"], "{issues:?}");
    }

    #[test]
    fn transit_needs_a_feed_and_bases_must_not_cycle() {
        let text = OK
            .replace("[modes.car]", "[modes.transit]")
            .replace("[variants.before]\n", "[variants.before]\nbase = \"after\"\n");
        let text = text.replace("[variants.after]\n", "[variants.after]\nbase = \"before\"\n");
        let e = CompareScenario::from_toml(&text, "c.toml").unwrap_err().to_string();
        assert!(e.contains("modes.transit.gtfs"), "{e}");
        assert!(e.contains("variants.after.base: the bases form a cycle"), "{e}");
    }

    #[test]
    fn unknown_keys_are_errors() {
        let e = CompareScenario::from_toml(
            &OK.replace("[variants.before]\n", "[variants.before]\nopne = []\n"),
            "c.toml",
        )
        .unwrap_err()
        .to_string();
        assert!(e.contains("opne"), "{e}");
    }
}
