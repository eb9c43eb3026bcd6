//! Sites: the places a location plan chooses among, with their status under a scenario.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

use crate::{LonLat, VenueKind};

/// What a scenario says about a site.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum SiteStatus {
    /// A service point that stays open: forced into every plan.
    Kept,
    /// A service point that is closed: never chosen.
    Closed,
    /// A venue that may be chosen for pop-up sessions.
    Candidate,
}

impl SiteStatus {
    /// The status's name as written in files: `kept`, `closed`, `candidate`.
    pub fn as_str(self) -> &'static str {
        match self {
            SiteStatus::Kept => "kept",
            SiteStatus::Closed => "closed",
            SiteStatus::Candidate => "candidate",
        }
    }
}

impl fmt::Display for SiteStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A site status that could not be parsed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown site status {0:?}: expected kept, closed or candidate")]
pub struct ParseSiteStatusError(pub String);

impl FromStr for SiteStatus {
    type Err = ParseSiteStatusError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.trim().to_ascii_lowercase().as_str() {
            "kept" | "open" => Ok(SiteStatus::Kept),
            "closed" => Ok(SiteStatus::Closed),
            "candidate" => Ok(SiteStatus::Candidate),
            _ => Err(ParseSiteStatusError(s.to_string())),
        }
    }
}

/// A place a location plan may open, must keep, or must leave closed.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Site {
    /// A stable identifier, unique in a scenario (`espoo:matinkyla`, `osm:node/123`, a CSV's id).
    pub id: String,
    /// A human name.
    pub name: String,
    /// What kind of venue it is (`service_point`, `library`, `mall`, ...).
    pub kind: VenueKind,
    /// Kept, closed or candidate.
    pub status: SiteStatus,
    /// Where it is.
    pub location: LonLat,
    /// The raw `opening_hours` value, when known.
    pub opening_hours: Option<String>,
    /// Where the site came from (`data/sites/espoo_service_points.csv`, `OpenStreetMap`, a user file).
    pub source: String,
}
