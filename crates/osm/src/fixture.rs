//! Small road networks drawn as ASCII maps, for tests and examples (the idea of OSRM's cucumber features and
//! Valhalla's gurka tests): letters and digits are nodes, ways are named by their nodes in order, and tags are
//! given as in OpenStreetMap. The fixture goes through exactly the same profile rules and graph assembly as a
//! PBF file.
//!
//! ```
//! use neuvo_model::Mode;
//! use neuvo_osm::{Fixture, Profile};
//!
//! let f = Fixture::parse("
//!     a---b---c
//!     |       |
//!     d-------e
//! ", 10.0).unwrap()
//!     .way("abc", &[("highway", "residential"), ("oneway", "yes")])
//!     .way("ceda", &[("highway", "residential")]);
//! let (graph, report) = f.import(&Profile::for_mode(Mode::Car)).unwrap();
//! assert_eq!(graph.node_count(), 5);
//! assert_eq!(report.ways_used, 2);
//! ```

use std::collections::BTreeMap;
use std::path::Path;

use neuvo_model::LonLat;
use neuvo_network::RoadGraph;

use crate::error::Error;
use crate::import::{Chunk, ImportReport, assemble};
use crate::profile::Profile;

/// Where fixture maps are placed: central Helsinki, so lengths and snapping behave as on real data.
const ORIGIN_LON: f64 = 24.94;
const ORIGIN_LAT: f64 = 60.17;

/// Tags as owned key–value pairs.
pub type OwnedTags = Vec<(String, String)>;

/// A fixture node as written to a file: OSM id, lon e7, lat e7, tags.
pub type FixtureNode = (i64, i32, i32, OwnedTags);

/// A fixture way as written to a file: way id, node refs, tags.
pub type FixtureWay = (i64, Vec<i64>, OwnedTags);

/// A hand-drawn OSM data set: nodes from an ASCII map, ways and tags added by the test.
#[derive(Clone, Debug, Default)]
pub struct Fixture {
    positions: BTreeMap<char, (i64, LonLat)>,
    node_tags: BTreeMap<char, OwnedTags>,
    ways: Vec<(Vec<i64>, OwnedTags)>,
}

/// A problem in a fixture map or way.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum FixtureError {
    /// The same node name appears twice in the map.
    #[error("node {0:?} appears twice in the map")]
    DuplicateNode(char),
    /// A way names a node that is not on the map.
    #[error("way {way:?} names node {node:?}, which is not on the map")]
    UnknownNode {
        /// The way's node string.
        way: String,
        /// The missing node.
        node: char,
    },
}

impl Fixture {
    /// Reads an ASCII map: every ASCII letter or digit is a node, one character is `cell_m` metres east–west
    /// and one line is `cell_m` metres north–south (north up). Other characters are decoration.
    pub fn parse(map: &str, cell_m: f64) -> Result<Fixture, FixtureError> {
        let mut f = Fixture::default();
        let deg_lat = cell_m / 111_195.08;
        let deg_lon = deg_lat / ORIGIN_LAT.to_radians().cos();
        for (row, line) in map.lines().enumerate() {
            for (col, c) in line.chars().enumerate() {
                if c.is_ascii_alphanumeric() {
                    let id = f.positions.len() as i64 + 1;
                    let p = LonLat::from_e7(
                        ((ORIGIN_LON + col as f64 * deg_lon) * 1e7).round() as i32,
                        ((ORIGIN_LAT - row as f64 * deg_lat) * 1e7).round() as i32,
                    );
                    if f.positions.insert(c, (id, p)).is_some() {
                        return Err(FixtureError::DuplicateNode(c));
                    }
                }
            }
        }
        Ok(f)
    }

    /// Adds a way through the named nodes, in order, with tags. Panics on an unknown node name: fixtures are
    /// written by tests, and [`Fixture::try_way`] reports the error instead.
    pub fn way(self, nodes: &str, tags: &[(&str, &str)]) -> Fixture {
        match self.try_way(nodes, tags) {
            Ok(f) => f,
            Err(e) => panic!("bad fixture: {e}"),
        }
    }

    /// Adds a way through the named nodes, or says which node is unknown.
    pub fn try_way(mut self, nodes: &str, tags: &[(&str, &str)]) -> Result<Fixture, FixtureError> {
        let refs = nodes
            .chars()
            .map(|c| {
                self.positions
                    .get(&c)
                    .map(|p| p.0)
                    .ok_or(FixtureError::UnknownNode { way: nodes.to_owned(), node: c })
            })
            .collect::<Result<Vec<_>, _>>()?;
        self.ways.push((refs, owned(tags)));
        Ok(self)
    }

    /// Adds a way that also references OSM node ids absent from the data (as in extracts cut at a boundary).
    pub fn way_with_missing_refs(mut self, refs: &[Result<char, i64>], tags: &[(&str, &str)]) -> Fixture {
        let refs = refs
            .iter()
            .map(|r| match r {
                Ok(c) => self.positions.get(c).map_or(-1, |p| p.0),
                Err(id) => *id,
            })
            .collect();
        self.ways.push((refs, owned(tags)));
        self
    }

    /// Tags a node (a barrier, an access restriction).
    pub fn node(mut self, name: char, tags: &[(&str, &str)]) -> Fixture {
        self.node_tags.insert(name, owned(tags));
        self
    }

    /// The position of a node.
    pub fn position(&self, name: char) -> LonLat {
        self.positions.get(&name).map_or_else(|| panic!("no node {name:?} in the fixture"), |p| p.1)
    }

    /// The OSM id given to a node, if the map has it.
    pub fn osm_id_opt(&self, name: char) -> Option<i64> {
        self.positions.get(&name).map(|p| p.0)
    }

    /// The OSM id given to a node (1, 2, … in reading order).
    pub fn osm_id(&self, name: char) -> i64 {
        self.positions.get(&name).map_or_else(|| panic!("no node {name:?} in the fixture"), |p| p.0)
    }

    /// The fixture's nodes as (OSM id, lon e7, lat e7, tags), in id order, and ways as (way id, node refs, tags),
    /// ways numbered from 1 in the order added: what a PBF writer needs to turn the fixture into a file.
    #[allow(clippy::type_complexity)]
    pub fn elements(
        &self,
    ) -> (Vec<(i64, i32, i32, Vec<(String, String)>)>, Vec<(i64, Vec<i64>, Vec<(String, String)>)>) {
        let mut nodes: Vec<_> = self
            .positions
            .iter()
            .map(|(c, &(id, p))| {
                let tags = self.node_tags.get(c).cloned().unwrap_or_default();
                (id, (p.lon() * 1e7).round() as i32, (p.lat() * 1e7).round() as i32, tags)
            })
            .collect();
        nodes.sort_by_key(|n| n.0);
        let ways = self
            .ways
            .iter()
            .enumerate()
            .map(|(i, (refs, tags))| (i as i64 + 1, refs.clone(), tags.clone()))
            .collect();
        (nodes, ways)
    }

    /// Builds the road graph with `profile`, exactly as [`crate::read_network`] does for a file.
    pub fn import(&self, profile: &Profile) -> Result<(RoadGraph, ImportReport), Error> {
        let mut chunk = Chunk::default();
        let mut nodes: Vec<(char, i64, LonLat)> =
            self.positions.iter().map(|(&c, &(id, p))| (c, id, p)).collect();
        nodes.sort_by_key(|n| n.1);
        for (c, id, p) in nodes {
            let tags = self.node_tags.get(&c).map(|t| borrowed(t)).unwrap_or_default();
            let lon = (p.lon() * 1e7).round() as i32;
            let lat = (p.lat() * 1e7).round() as i32;
            chunk.add_node(profile, id, lon, lat, &tags);
        }
        for (refs, tags) in &self.ways {
            chunk.add_way(profile, refs.iter().copied(), &borrowed(tags));
        }
        assemble(Path::new("fixture"), profile, vec![chunk])
    }
}

fn owned(tags: &[(&str, &str)]) -> OwnedTags {
    tags.iter().map(|(k, v)| ((*k).to_owned(), (*v).to_owned())).collect()
}

fn borrowed(tags: &[(String, String)]) -> Vec<(&str, &str)> {
    tags.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect()
}
