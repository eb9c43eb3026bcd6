//! Routing profiles: which ways and nodes a mode may use, in which directions, and how fast. Profiles are data
//! (TOML files in `data/profiles/`); this module reads them and applies them to tags.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use neuvo_model::Mode;
use serde::{Deserialize, Serialize};

use crate::error::ProfileError;

const WALK_TOML: &str = include_str!("../../../data/profiles/walk.toml");
const CAR_TOML: &str = include_str!("../../../data/profiles/car.toml");
const WALK75_TOML: &str = include_str!("../../../data/profiles/walk75.toml");

fn default_snap_slack() -> f64 {
    35.0
}

/// What happens to `area=yes` highways.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Areas {
    /// Travel along the outline, like any other way.
    Outline,
    /// Ignore the way.
    Skip,
}

/// What an unlisted barrier value does.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum BarrierDefault {
    /// The barrier can be passed.
    Pass,
    /// The barrier blocks this mode.
    Block,
}

/// Barrier rules for nodes.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Barriers {
    /// What an unlisted `barrier` value does.
    pub default: BarrierDefault,
    /// `barrier` values that block.
    #[serde(default)]
    pub blocking: Vec<String>,
    /// `barrier` values that can be passed.
    #[serde(default)]
    pub passable: Vec<String>,
}

/// A routing profile. See `data/profiles/walk.toml` for the meaning of each field.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Profile {
    /// Short name, e.g. `walk`, `car`, `walk75`.
    pub name: String,
    /// The mode the profile serves.
    pub mode: Mode,
    /// Default speed in km/h; `highway_factor` multiplies it.
    pub speed_kmh: f64,
    /// Speed of the straight access leg between a point and the network; defaults to `speed_kmh`.
    #[serde(default)]
    pub access_speed_kmh: Option<f64>,
    /// Farthest a point may lie from a usable way, in metres.
    pub max_snap_m: f64,
    /// A point also joins ways at most this much farther than the nearest one (each with its own access leg).
    #[serde(default = "default_snap_slack")]
    pub snap_slack_m: f64,
    /// Access tags, most specific first: the first present decides.
    pub access_tags: Vec<String>,
    /// Access values that allow this mode.
    pub access_allowed: Vec<String>,
    /// Access values that forbid this mode.
    pub access_denied: Vec<String>,
    /// One-way tags this mode obeys, most specific first.
    #[serde(default)]
    pub oneway_tags: Vec<String>,
    /// Highway values that are one-way unless tagged otherwise.
    #[serde(default)]
    pub implied_oneway_highways: Vec<String>,
    /// Junction values that are one-way unless tagged otherwise.
    #[serde(default)]
    pub implied_oneway_junctions: Vec<String>,
    /// What `area=yes` highways are.
    pub areas: Areas,
    /// Highway values never routable.
    #[serde(default)]
    pub excluded_highways: Vec<String>,
    /// Speed factors by highway value, relative to `speed_kmh`.
    #[serde(default)]
    pub highway_factor: BTreeMap<String, f64>,
    /// Absolute speeds by highway value, in km/h.
    #[serde(default)]
    pub highway_speed_kmh: BTreeMap<String, f64>,
    /// Ways without a highway tag that this mode uses, as `key=value`, with their speed factor.
    #[serde(default)]
    pub other_ways: BTreeMap<String, f64>,
    /// When positive, a tagged `maxspeed` gives the speed: factor × maxspeed.
    #[serde(default)]
    pub maxspeed_factor: f64,
    /// Named maxspeed values (`FI:urban`) in km/h.
    #[serde(default)]
    pub maxspeed_aliases: BTreeMap<String, f64>,
    /// Speed factors for `service=*` values.
    #[serde(default)]
    pub service_factor: BTreeMap<String, f64>,
    /// Barrier rules.
    pub barriers: Barriers,
}

/// How a way may be travelled: speed forwards (along its node order) and backwards, `None` where closed.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct WayRule {
    /// Speed along the node order, km/h.
    pub forward_kmh: Option<f64>,
    /// Speed against the node order, km/h.
    pub backward_kmh: Option<f64>,
}

impl Profile {
    /// The built-in profile of `name` (`walk`, `car`, `walk75`), read from the files in `data/profiles/` that are
    /// compiled into neuvo.
    pub fn builtin(name: &str) -> Result<Profile, ProfileError> {
        let table = builtin_table(name)?;
        Self::from_table(table, &format!("built-in profile {name}"))
    }

    /// The built-in profile of a mode.
    pub fn for_mode(mode: Mode) -> Profile {
        // The built-in files are part of the source tree and tested; they always parse.
        Self::builtin(mode.as_str()).unwrap_or_else(|e| panic!("built-in profile {mode} is broken: {e}"))
    }

    /// Reads a profile file; `inherit = "walk"` (a built-in name) or `inherit = "other.toml"` (a path relative to
    /// this file) starts from another profile and overrides only the fields given.
    pub fn load(path: &Path) -> Result<Profile, ProfileError> {
        let table = load_table(path, 0)?;
        Self::from_table(table, &path.display().to_string())
    }

    /// Parses a profile from TOML text (with `inherit` resolved against the built-in profiles only).
    pub fn from_toml(text: &str, origin: &str) -> Result<Profile, ProfileError> {
        let table = parse_table(text, origin)?;
        let table = resolve_inherit(table, None, origin, 0)?;
        Self::from_table(table, origin)
    }

    fn from_table(table: toml::Table, origin: &str) -> Result<Profile, ProfileError> {
        let p: Profile = toml::Value::Table(table).try_into().map_err(|e: toml::de::Error| {
            ProfileError::Invalid { origin: origin.to_owned(), message: e.to_string() }
        })?;
        p.validate(origin)?;
        Ok(p)
    }

    fn validate(&self, origin: &str) -> Result<(), ProfileError> {
        let bad = |message: String| Err(ProfileError::Invalid { origin: origin.to_owned(), message });
        let positive = |x: f64| x.is_finite() && x > 0.0;
        if !positive(self.speed_kmh) {
            return bad(format!("speed_kmh must be a positive number of km/h, found {}", self.speed_kmh));
        }
        if let Some(a) = self.access_speed_kmh
            && !positive(a)
        {
            return bad(format!("access_speed_kmh must be positive, found {a}"));
        }
        if !(self.snap_slack_m.is_finite() && self.snap_slack_m >= 0.0) {
            return bad(format!("snap_slack_m must be zero or more metres, found {}", self.snap_slack_m));
        }
        if !positive(self.max_snap_m) {
            return bad(format!("max_snap_m must be a positive number of metres, found {}", self.max_snap_m));
        }
        for (table, map) in [
            ("highway_factor", &self.highway_factor),
            ("highway_speed_kmh", &self.highway_speed_kmh),
            ("other_ways", &self.other_ways),
            ("maxspeed_aliases", &self.maxspeed_aliases),
            ("service_factor", &self.service_factor),
        ] {
            for (k, &v) in map {
                if !positive(v) {
                    return bad(format!("{table}.{k} must be positive, found {v}"));
                }
            }
        }
        for k in self.other_ways.keys() {
            if !k.contains('=') {
                return bad(format!("other_ways key {k:?} must be written key=value"));
            }
        }
        if !(0.0..=2.0).contains(&self.maxspeed_factor) {
            return bad(format!("maxspeed_factor must be between 0 and 2, found {}", self.maxspeed_factor));
        }
        if self.access_tags.is_empty() {
            return bad("access_tags must name at least one tag".into());
        }
        Ok(())
    }

    /// The profile as canonical TOML (inheritance resolved): hashing it identifies the profile in caches.
    pub fn canonical_toml(&self) -> String {
        toml::to_string(self).unwrap_or_default()
    }

    /// Speed of the access leg, km/h.
    pub fn access_speed(&self) -> f64 {
        self.access_speed_kmh.unwrap_or(self.speed_kmh)
    }

    /// Whether this mode may use a way with these tags, and how.
    pub fn way_rule(&self, tags: &[(&str, &str)]) -> Option<WayRule> {
        let highway = tag(tags, "highway");
        if let Some(h) = highway
            && self.excluded_highways.iter().any(|x| x == h)
        {
            return None;
        }
        if tag(tags, "impassable") == Some("yes") {
            return None;
        }
        if tag(tags, "area") == Some("yes") && self.areas == Areas::Skip {
            return None;
        }
        let mut speed = match highway {
            Some(h) => self
                .highway_speed_kmh
                .get(h)
                .copied()
                .or_else(|| self.highway_factor.get(h).map(|f| f * self.speed_kmh)),
            None => None,
        };
        if speed.is_none() && highway.is_none() {
            for (kv, f) in &self.other_ways {
                let (k, v) = kv.split_once('=').unwrap_or((kv, ""));
                if tag(tags, k) == Some(v) {
                    speed = Some(f * self.speed_kmh);
                    break;
                }
            }
            speed?;
        }
        match self.access(tags) {
            Some(false) => return None,
            Some(true) if speed.is_none() => speed = Some(self.speed_kmh),
            _ => {}
        }
        let mut speed = speed?;
        if self.maxspeed_factor > 0.0
            && let Some(ms) = tag(tags, "maxspeed:advisory")
                .and_then(|v| self.maxspeed(v))
                .or_else(|| tag(tags, "maxspeed").and_then(|v| self.maxspeed(v)))
        {
            speed = ms * self.maxspeed_factor;
        }
        if highway == Some("service")
            && let Some(f) = tag(tags, "service").and_then(|s| self.service_factor.get(s))
        {
            speed *= f;
        }
        let (fwd, bwd) = self.directions(tags, highway);
        Some(WayRule { forward_kmh: fwd.then_some(speed), backward_kmh: bwd.then_some(speed) })
    }

    /// `Some(true)` if the most specific access tag allows this mode, `Some(false)` if it forbids it, `None` if no
    /// access tag is present or its value is in neither list.
    fn access(&self, tags: &[(&str, &str)]) -> Option<bool> {
        let v = self.access_tags.iter().find_map(|t| tag(tags, t))?;
        // Multi-valued tags ("yes;no") are read by their first value.
        let v = v.split(';').next().unwrap_or(v).trim();
        if self.access_denied.iter().any(|x| x == v) {
            Some(false)
        } else if self.access_allowed.iter().any(|x| x == v) {
            Some(true)
        } else {
            None
        }
    }

    fn directions(&self, tags: &[(&str, &str)], highway: Option<&str>) -> (bool, bool) {
        let explicit = self.oneway_tags.iter().find_map(|t| tag(tags, t));
        match explicit {
            Some("yes" | "true" | "1") => (true, false),
            Some("-1" | "reverse") => (false, true),
            Some("no" | "false" | "0") => (true, true),
            // "reversible", "alternating" and other values: passable both ways, at least some of the time.
            Some(_) => (true, true),
            None => {
                let implied = highway.is_some_and(|h| self.implied_oneway_highways.iter().any(|x| x == h))
                    || tag(tags, "junction")
                        .is_some_and(|j| self.implied_oneway_junctions.iter().any(|x| x == j));
                (true, !implied)
            }
        }
    }

    /// Parses a maxspeed value: a number (km/h), a number with `mph` or `km/h`, or a named alias.
    pub fn maxspeed(&self, v: &str) -> Option<f64> {
        let v = v.trim();
        if let Some(&a) = self.maxspeed_aliases.get(v) {
            return Some(a);
        }
        let (num, mph) = match v.strip_suffix("mph") {
            Some(n) => (n.trim(), true),
            None => (v.trim_end_matches("km/h").trim(), false),
        };
        let x: f64 = num.parse().ok()?;
        (x.is_finite() && x > 0.0).then_some(if mph { x * 1.609_344 } else { x })
    }

    /// Whether a node with these tags blocks this mode.
    pub fn node_blocks(&self, tags: &[(&str, &str)]) -> bool {
        let barrier = tag(tags, "barrier");
        match self.access(tags) {
            Some(false) => return true,
            Some(true) if barrier.is_some() => return false,
            _ => {}
        }
        let Some(b) = barrier else { return false };
        if self.barriers.blocking.iter().any(|x| x == b) {
            true
        } else if self.barriers.passable.iter().any(|x| x == b) {
            false
        } else {
            self.barriers.default == BarrierDefault::Block
        }
    }

    /// Whether a node's tags could matter to any profile (so readers can skip the rest cheaply).
    pub fn node_tag_is_relevant(key: &str) -> bool {
        matches!(key, "barrier" | "access" | "foot" | "motorcar" | "motor_vehicle" | "vehicle")
    }
}

/// The value of `key` among `tags`, if present.
pub fn tag<'a>(tags: &[(&'a str, &'a str)], key: &str) -> Option<&'a str> {
    tags.iter().find(|(k, _)| *k == key).map(|(_, v)| *v)
}

fn builtin_table(name: &str) -> Result<toml::Table, ProfileError> {
    let text = match name {
        "walk" => WALK_TOML,
        "car" => CAR_TOML,
        "walk75" => WALK75_TOML,
        other => {
            return Err(ProfileError::Invalid {
                origin: "inherit".into(),
                message: format!(
                    "unknown built-in profile {other:?}: expected walk, car or walk75, or a .toml path"
                ),
            });
        }
    };
    let origin = format!("built-in profile {name}");
    let t = parse_table(text, &origin)?;
    resolve_inherit(t, None, &origin, 0)
}

fn parse_table(text: &str, origin: &str) -> Result<toml::Table, ProfileError> {
    text.parse::<toml::Table>()
        .map_err(|e| ProfileError::Invalid { origin: origin.to_owned(), message: e.to_string() })
}

fn load_table(path: &Path, depth: usize) -> Result<toml::Table, ProfileError> {
    let text = std::fs::read_to_string(path)
        .map_err(|source| ProfileError::Io { path: path.to_path_buf(), source })?;
    let origin = path.display().to_string();
    let t = parse_table(&text, &origin)?;
    resolve_inherit(t, path.parent().map(Path::to_path_buf), &origin, depth)
}

fn resolve_inherit(
    mut t: toml::Table,
    dir: Option<PathBuf>,
    origin: &str,
    depth: usize,
) -> Result<toml::Table, ProfileError> {
    let Some(parent) = t.remove("inherit") else { return Ok(t) };
    if depth > 8 {
        return Err(ProfileError::Invalid {
            origin: origin.to_owned(),
            message: "inherit chain deeper than 8".into(),
        });
    }
    let Some(parent) = parent.as_str() else {
        return Err(ProfileError::Invalid {
            origin: origin.to_owned(),
            message: "inherit must be a built-in profile name or a path in quotes".into(),
        });
    };
    let base = if parent.ends_with(".toml") {
        let p = dir.map_or_else(|| PathBuf::from(parent), |d| d.join(parent));
        load_table(&p, depth + 1)?
    } else {
        builtin_table(parent)?
    };
    Ok(merge(base, t))
}

/// `over` on top of `base`: tables merge key by key, everything else is replaced.
fn merge(mut base: toml::Table, over: toml::Table) -> toml::Table {
    for (k, v) in over {
        match (base.remove(&k), v) {
            (Some(toml::Value::Table(b)), toml::Value::Table(o)) => {
                base.insert(k, toml::Value::Table(merge(b, o)));
            }
            (_, v) => {
                base.insert(k, v);
            }
        }
    }
    base
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rule(p: &Profile, tags: &[(&str, &str)]) -> Option<(Option<f64>, Option<f64>)> {
        p.way_rule(tags).map(|r| (r.forward_kmh, r.backward_kmh))
    }

    #[test]
    fn builtin_profiles_parse_and_walk75_differs_from_walk_only_in_name_and_speed() {
        let walk = Profile::builtin("walk").unwrap();
        let w75 = Profile::builtin("walk75").unwrap();
        assert_eq!(w75.speed_kmh, 4.26);
        assert_eq!(w75.access_speed(), 4.26, "the access leg is walked at the profile's speed");
        assert_eq!(Profile { name: "walk".into(), speed_kmh: 5.0, ..w75 }, walk);
        assert_eq!(Profile::for_mode(Mode::Car).mode, Mode::Car);
    }

    #[test]
    fn walkers_ignore_oneway_but_drivers_obey_it() {
        let walk = Profile::for_mode(Mode::Walk);
        let car = Profile::for_mode(Mode::Car);
        let one = [("highway", "residential"), ("oneway", "yes")];
        assert_eq!(rule(&walk, &one), Some((Some(5.0), Some(5.0))));
        assert_eq!(rule(&car, &one), Some((Some(25.0), None)));
        let rev = [("highway", "residential"), ("oneway", "-1")];
        assert_eq!(rule(&car, &rev), Some((None, Some(25.0))));
        let roundabout = [("highway", "primary"), ("junction", "roundabout")];
        assert_eq!(rule(&car, &roundabout), Some((Some(65.0), None)));
        let motorway_both = [("highway", "motorway"), ("oneway", "no")];
        assert_eq!(rule(&car, &motorway_both), Some((Some(90.0), Some(90.0))));
        assert_eq!(rule(&walk, &[("highway", "footway"), ("oneway:foot", "yes")]), Some((Some(5.0), None)));
    }

    #[test]
    fn access_tags_decide_from_the_most_specific() {
        let walk = Profile::for_mode(Mode::Walk);
        let car = Profile::for_mode(Mode::Car);
        assert_eq!(rule(&walk, &[("highway", "service"), ("access", "private")]), None);
        assert!(rule(&walk, &[("highway", "service"), ("access", "private"), ("foot", "yes")]).is_some());
        assert_eq!(rule(&walk, &[("highway", "cycleway")]), None, "cycleways are not footways by default");
        assert_eq!(
            rule(&walk, &[("highway", "cycleway"), ("foot", "designated")]),
            Some((Some(5.0), Some(5.0)))
        );
        assert_eq!(rule(&car, &[("highway", "footway")]), None);
        assert_eq!(rule(&car, &[("highway", "residential"), ("motor_vehicle", "no")]), None);
        assert!(
            rule(&car, &[("highway", "residential"), ("motor_vehicle", "no"), ("motorcar", "yes")]).is_some()
        );
        assert_eq!(rule(&walk, &[("highway", "motorway")]), None);
        assert_eq!(rule(&walk, &[("highway", "construction"), ("foot", "yes")]), None);
    }

    #[test]
    fn speeds_follow_maxspeed_service_and_platform_rules() {
        let car = Profile::for_mode(Mode::Car);
        let walk = Profile::for_mode(Mode::Walk);
        assert_eq!(rule(&car, &[("highway", "primary"), ("maxspeed", "50")]), Some((Some(40.0), Some(40.0))));
        assert_eq!(
            rule(&car, &[("highway", "primary"), ("maxspeed", "FI:urban")]),
            Some((Some(40.0), Some(40.0)))
        );
        assert_eq!(car.maxspeed("30 mph").map(|x| (x * 100.0).round()), Some(4828.0));
        assert_eq!(car.maxspeed("signals"), None);
        assert_eq!(
            rule(&car, &[("highway", "service"), ("service", "parking_aisle")]),
            Some((Some(7.5), Some(7.5)))
        );
        assert_eq!(rule(&walk, &[("railway", "platform")]), Some((Some(5.0), Some(5.0))));
        assert_eq!(rule(&walk, &[("highway", "steps")]), Some((Some(2.5), Some(2.5))));
        assert_eq!(rule(&walk, &[("highway", "pedestrian"), ("area", "yes")]), Some((Some(5.0), Some(5.0))));
        assert_eq!(rule(&car, &[("highway", "service"), ("area", "yes")]), None);
    }

    #[test]
    fn barriers_block_by_mode_and_node_access() {
        let walk = Profile::for_mode(Mode::Walk);
        let car = Profile::for_mode(Mode::Car);
        let bollard = [("barrier", "bollard")];
        assert!(!walk.node_blocks(&bollard));
        assert!(car.node_blocks(&bollard));
        assert!(!car.node_blocks(&[("barrier", "gate")]));
        assert!(car.node_blocks(&[("barrier", "gate"), ("access", "private")]));
        assert!(walk.node_blocks(&[("barrier", "fence")]));
        assert!(!walk.node_blocks(&[("barrier", "fence"), ("foot", "yes")]));
        assert!(!walk.node_blocks(&[("highway", "crossing")]));
    }

    #[test]
    fn bad_profiles_are_rejected_with_the_field_named() {
        let e =
            Profile::from_toml("inherit = \"walk\"\nspeed_kmh = -1.0\n", "x.toml").unwrap_err().to_string();
        assert!(e.contains("speed_kmh") && e.contains("x.toml"), "{e}");
        let e =
            Profile::from_toml("inherit = \"walk\"\nspeed_kmhh = 4.0\n", "x.toml").unwrap_err().to_string();
        assert!(e.contains("speed_kmhh"), "{e}");
        let e = Profile::from_toml("inherit = \"bike\"\n", "x.toml").unwrap_err().to_string();
        assert!(e.contains("bike"), "{e}");
        let e = Profile::from_toml("name = [", "x.toml").unwrap_err().to_string();
        assert!(e.contains("x.toml"), "{e}");
    }
}
