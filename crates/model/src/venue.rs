use serde::{Deserialize, Serialize};

use crate::LonLat;

/// The kind of an OpenStreetMap element.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum OsmType {
    /// A node (a point).
    Node,
    /// A way (a line or a closed outline).
    Way,
    /// A relation (for venues: a multipolygon).
    Relation,
}

/// A reference to an OpenStreetMap element, e.g. `way/123`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct OsmRef {
    /// Node, way or relation.
    pub kind: OsmType,
    /// The element's OSM id.
    pub id: i64,
}

impl std::fmt::Display for OsmRef {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let k = match self.kind {
            OsmType::Node => "node",
            OsmType::Way => "way",
            OsmType::Relation => "relation",
        };
        write!(f, "{k}/{}", self.id)
    }
}

/// What a venue is, as named in the venue rules (`data/venues.toml`): `library`, `senior_centre`, `mall`, …
///
/// Kinds are data, not an enum, so a city can add its own (a planner's budget "at most two malls" is per kind).
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(transparent)]
pub struct VenueKind(pub String);

impl std::fmt::Display for VenueKind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

/// A place where mobile advisors can hold a pop-up session: a library, a community or senior centre, a mall, a
/// town hall.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Venue {
    /// Where the venue came from in OpenStreetMap, when it came from there.
    pub osm: Option<OsmRef>,
    /// The venue's name, when it has one.
    pub name: Option<String>,
    /// What the venue is.
    pub kind: VenueKind,
    /// A representative point: the node itself, or the centroid of the outline's vertices.
    pub location: LonLat,
    /// The raw OSM `opening_hours` value, when tagged (parsed by the planners' crates).
    pub opening_hours: Option<String>,
}
