//! Venues for pop-up sessions (libraries, senior and community centres, malls, town halls) from an OSM file,
//! by data-driven rules (`data/venues.toml`).

use std::collections::HashSet;
use std::path::Path;

use geo::{Centroid, Coord, LineString, MultiPolygon, Polygon};
use neuvo_model::{LonLat, OsmRef, OsmType, Venue, VenueKind};
use osmpbf::{Element, RelMemberType};
use serde::Deserialize;

use crate::error::{Error, ProfileError};
use crate::import::decode_blobs;
use crate::profile::tag;

const VENUES_TOML: &str = include_str!("../../../data/venues.toml");

/// Conditions that must all hold: a key and, unless any value will do, its value.
type AllOf = Vec<(String, Option<String>)>;

/// Rules that decide which features are venues and of which kind.
#[derive(Clone, Debug, PartialEq)]
pub struct VenueRules {
    kinds: Vec<(VenueKind, Vec<AllOf>)>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RulesFile {
    kind: Vec<KindRule>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct KindRule {
    kind: String,
    #[serde(rename = "match")]
    matches: Vec<String>,
}

impl VenueRules {
    /// The rules in `data/venues.toml`, compiled into neuvo.
    pub fn builtin() -> VenueRules {
        // The built-in file is part of the source tree and tested; it always parses.
        Self::from_toml(VENUES_TOML, "built-in venues.toml").unwrap_or_else(|e| panic!("{e}"))
    }

    /// Parses rules from TOML text.
    pub fn from_toml(text: &str, origin: &str) -> Result<VenueRules, ProfileError> {
        let invalid = |message: String| ProfileError::Invalid { origin: origin.to_owned(), message };
        let file: RulesFile = toml::from_str(text).map_err(|e| invalid(e.to_string()))?;
        let mut kinds = Vec::new();
        for k in file.kind {
            let mut conds = Vec::new();
            for m in &k.matches {
                let mut all = Vec::new();
                for part in m.split('&') {
                    let (key, value) = part.trim().split_once('=').ok_or_else(|| {
                        invalid(format!("kind {}: condition {part:?} must be key=value", k.kind))
                    })?;
                    let value = if value.trim() == "*" { None } else { Some(value.trim().to_owned()) };
                    all.push((key.trim().to_owned(), value));
                }
                conds.push(all);
            }
            kinds.push((VenueKind(k.kind), conds));
        }
        Ok(VenueRules { kinds })
    }

    /// The kind of a feature with these tags, if it is a venue.
    pub fn kind_of(&self, tags: &[(&str, &str)]) -> Option<&VenueKind> {
        self.kinds.iter().find_map(|(kind, conds)| {
            conds
                .iter()
                .any(|all| {
                    all.iter().all(|(k, v)| match (tag(tags, k), v) {
                        (Some(_), None) => true,
                        (Some(x), Some(v)) => x == v,
                        (None, _) => false,
                    })
                })
                .then_some(kind)
        })
    }
}

/// A venue found in the first pass, before its outline is resolved.
#[derive(Clone, Debug)]
struct Candidate {
    osm: OsmRef,
    kind: VenueKind,
    name: Option<String>,
    opening_hours: Option<String>,
    /// Node refs of a way venue, or outer member way ids of a relation venue.
    refs: Vec<i64>,
    point: Option<LonLat>,
}

#[derive(Default)]
struct Pass1 {
    nodes: Vec<(i64, i32, i32)>,
    found: Vec<Candidate>,
}

fn candidate<'a>(rules: &VenueRules, osm: OsmRef, tags: &[(&'a str, &'a str)]) -> Option<Candidate> {
    let kind = rules.kind_of(tags)?.clone();
    let name = ["name", "name:fi", "name:sv", "name:en"].iter().find_map(|k| tag(tags, k)).map(str::to_owned);
    let opening_hours = tag(tags, "opening_hours").map(str::to_owned);
    Some(Candidate { osm, kind, name, opening_hours, refs: Vec::new(), point: None })
}

/// Venues in an OSM PBF file, sorted by OSM type and id. Features whose outline has no known node are skipped
/// (counted in the second value).
pub fn read_venues(path: &Path, rules: &VenueRules) -> Result<(Vec<Venue>, usize), Error> {
    let bytes = std::fs::read(path).map_err(|source| Error::Io { path: path.to_path_buf(), source })?;
    let pass1: Vec<Pass1> = decode_blobs(path, &bytes, |acc: &mut Pass1, el, tags| match el {
        Element::DenseNode(n) => {
            acc.nodes.push((n.id(), n.decimicro_lon(), n.decimicro_lat()));
            tags.clear();
            tags.extend(n.tags());
            if let Some(mut c) = candidate(rules, OsmRef { kind: OsmType::Node, id: n.id() }, tags) {
                c.point = Some(LonLat::from_e7(n.decimicro_lon(), n.decimicro_lat()));
                acc.found.push(c);
            }
        }
        Element::Node(n) => {
            acc.nodes.push((n.id(), n.decimicro_lon(), n.decimicro_lat()));
            tags.clear();
            tags.extend(n.tags());
            if let Some(mut c) = candidate(rules, OsmRef { kind: OsmType::Node, id: n.id() }, tags) {
                c.point = Some(LonLat::from_e7(n.decimicro_lon(), n.decimicro_lat()));
                acc.found.push(c);
            }
        }
        Element::Way(w) => {
            tags.clear();
            tags.extend(w.tags());
            if let Some(mut c) = candidate(rules, OsmRef { kind: OsmType::Way, id: w.id() }, tags) {
                c.refs = w.refs().collect();
                acc.found.push(c);
            }
        }
        Element::Relation(r) => {
            tags.clear();
            tags.extend(r.tags());
            if let Some(mut c) = candidate(rules, OsmRef { kind: OsmType::Relation, id: r.id() }, tags) {
                c.refs = r
                    .members()
                    .filter(|m| m.member_type == RelMemberType::Way && m.role().is_ok_and(|x| x != "inner"))
                    .map(|m| m.member_id)
                    .collect();
                acc.found.push(c);
            }
        }
    })?;
    let mut nodes = Vec::new();
    let mut found = Vec::new();
    for p in pass1 {
        nodes.extend(p.nodes);
        found.extend(p.found);
    }
    if !nodes.windows(2).all(|w| w[0].0 < w[1].0) {
        nodes.sort_by_key(|n| n.0);
        nodes.dedup_by_key(|n| n.0);
    }
    let coord = |id: i64| {
        nodes
            .binary_search_by_key(&id, |n| n.0)
            .ok()
            .map(|i| Coord { x: f64::from(nodes[i].1) * 1e-7, y: f64::from(nodes[i].2) * 1e-7 })
    };

    // Second pass, only when relations need their member ways.
    let wanted: HashSet<i64> = found
        .iter()
        .filter(|c| c.osm.kind == OsmType::Relation)
        .flat_map(|c| c.refs.iter().copied())
        .collect();
    let mut member_ways: Vec<(i64, Vec<i64>)> = Vec::new();
    if !wanted.is_empty() {
        let pass2: Vec<Vec<(i64, Vec<i64>)>> =
            decode_blobs(path, &bytes, |acc: &mut Vec<(i64, Vec<i64>)>, el, _| {
                if let Element::Way(w) = el
                    && wanted.contains(&w.id())
                {
                    acc.push((w.id(), w.refs().collect()));
                }
            })?;
        member_ways = pass2.into_iter().flatten().collect();
        member_ways.sort_by_key(|w| w.0);
    }

    let ring = |refs: &[i64]| -> Vec<Coord<f64>> { refs.iter().filter_map(|&r| coord(r)).collect() };
    let mut venues = Vec::new();
    let mut skipped = 0;
    for c in found {
        let point = match c.osm.kind {
            OsmType::Node => c.point,
            OsmType::Way => outline_point(&[ring(&c.refs)]),
            OsmType::Relation => {
                let rings: Vec<_> = c
                    .refs
                    .iter()
                    .filter_map(|id| member_ways.binary_search_by_key(id, |w| w.0).ok())
                    .map(|i| ring(&member_ways[i].1))
                    .collect();
                outline_point(&rings)
            }
        };
        match point {
            Some(p) => venues.push(Venue {
                osm: Some(c.osm),
                name: c.name,
                kind: c.kind,
                location: p,
                opening_hours: c.opening_hours,
            }),
            None => skipped += 1,
        }
    }
    venues.sort_by_key(|v| v.osm);
    Ok((venues, skipped))
}

/// A representative point of an outline: the area centroid when every ring is closed, else the mean vertex.
fn outline_point(rings: &[Vec<Coord<f64>>]) -> Option<LonLat> {
    let all: Vec<Coord<f64>> = rings.iter().flatten().copied().collect();
    if all.is_empty() {
        return None;
    }
    let closed = rings.iter().all(|r| r.len() >= 4 && r.first() == r.last());
    let c = if closed {
        MultiPolygon(rings.iter().map(|r| Polygon::new(LineString(r.clone()), vec![])).collect())
            .centroid()
            .map(|p| p.0)
    } else {
        None
    };
    let c = c.unwrap_or_else(|| {
        let n = all.len() as f64;
        Coord { x: all.iter().map(|p| p.x).sum::<f64>() / n, y: all.iter().map(|p| p.y).sum::<f64>() / n }
    });
    LonLat::try_new(c.x, c.y).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_first_matching_rule_gives_the_kind() {
        let r = VenueRules::builtin();
        let k = |t: &[(&str, &str)]| r.kind_of(t).map(|k| k.0.clone());
        assert_eq!(k(&[("amenity", "library")]).as_deref(), Some("library"));
        assert_eq!(
            k(&[("amenity", "social_facility"), ("social_facility:for", "senior")]).as_deref(),
            Some("senior_centre")
        );
        assert_eq!(k(&[("amenity", "social_facility")]).as_deref(), Some("social_facility"));
        assert_eq!(k(&[("shop", "mall")]).as_deref(), Some("mall"));
        assert_eq!(k(&[("shop", "bakery")]), None);
    }

    #[test]
    fn rules_with_bad_conditions_are_rejected() {
        let e =
            VenueRules::from_toml("[[kind]]\nkind = \"x\"\nmatch = [\"amenity\"]\n", "v.toml").unwrap_err();
        assert!(e.to_string().contains("key=value"), "{e}");
        let any = VenueRules::from_toml("[[kind]]\nkind = \"x\"\nmatch = [\"shop=*\"]\n", "v.toml").unwrap();
        assert!(any.kind_of(&[("shop", "anything")]).is_some());
    }

    #[test]
    fn outline_points_are_centroids_of_closed_rings() {
        let sq = vec![
            Coord { x: 0.0, y: 0.0 },
            Coord { x: 2.0, y: 0.0 },
            Coord { x: 2.0, y: 2.0 },
            Coord { x: 0.0, y: 2.0 },
            Coord { x: 0.0, y: 0.0 },
        ];
        let p = outline_point(&[sq]).unwrap();
        assert!((p.lon() - 1.0).abs() < 1e-12 && (p.lat() - 1.0).abs() < 1e-12);
        let open = vec![Coord { x: 0.0, y: 0.0 }, Coord { x: 4.0, y: 0.0 }];
        assert_eq!(outline_point(&[open]).map(|p| p.lon()), Some(2.0));
        assert_eq!(outline_point(&[vec![]]), None);
    }
}
