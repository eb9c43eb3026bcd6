//! Demand: population cells with one value per population group.

use serde::{Deserialize, Serialize};

use crate::LonLat;

/// A population group that demand is counted in: a name ("75+") and how it was derived.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Group {
    /// The group's short name, used in scenario files and output columns (`total`, `age75`, `need`).
    pub name: String,
    /// How the group is computed from the source columns, in words (`0.5 × ika70_79 + ika_yli80`).
    pub definition: String,
}

/// One cell of a population grid: where it is, which district it lies in, and how many people of each group live
/// there.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct DemandCell {
    /// The cell's identifier in its source file (HSY's `index`, a CSV's `id`).
    pub id: String,
    /// The cell's centroid, which is what travel times are computed from.
    pub location: LonLat,
    /// The cell's outline (a closed ring, first point repeated last), for maps; empty when the source had none.
    pub outline: Vec<LonLat>,
    /// The major district whose polygon holds the centroid, when districts were given and one holds it.
    pub district: Option<String>,
    /// The municipality whose polygon holds the centroid, when municipalities were given and one holds it.
    pub municipality: Option<String>,
    /// People per group, in the order of [`Demand::groups`]. Never negative, never a masking marker.
    pub values: Vec<f64>,
    /// True when the group values were estimated (for example from a masked cell's total and its district's age
    /// profile) rather than read.
    pub estimated: bool,
}

/// A population grid read and cleaned: the groups it counts and its cells.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Demand {
    /// The groups, in the order of every cell's `values`.
    pub groups: Vec<Group>,
    /// The cells.
    pub cells: Vec<DemandCell>,
}

impl Demand {
    /// The position of the group named `name`, if there is one.
    pub fn group_index(&self, name: &str) -> Option<usize> {
        self.groups.iter().position(|g| g.name == name)
    }

    /// The total of group `g` over all cells.
    pub fn total(&self, g: usize) -> f64 {
        self.cells.iter().map(|c| c.values[g]).sum()
    }

    /// The group names, in order.
    pub fn group_names(&self) -> Vec<&str> {
        self.groups.iter().map(|g| g.name.as_str()).collect()
    }
}
