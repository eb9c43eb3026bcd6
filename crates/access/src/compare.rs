//! The difference between two scenarios (before, after): per cell, and winners and losers by group and district.

use neuvo_model::{Demand, Millis};
use serde::{Deserialize, Serialize};

use crate::measures::{cells_by_district, check_demand};
use crate::{AccessError, minutes};

/// How one cell's time to its nearest open site changes between two scenarios.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct CellChange {
    /// The cell's position in the demand.
    pub cell: usize,
    /// The cell's identifier (see [`neuvo_model::DemandCell::id`]).
    pub id: String,
    /// The cell's district.
    pub district: Option<String>,
    /// Minutes to the nearest open site before; `None` when unreachable.
    pub before_minutes: Option<f64>,
    /// Minutes to the nearest open site after; `None` when unreachable.
    pub after_minutes: Option<f64>,
    /// `after − before` in minutes, positive = minutes lost; `None` unless the cell is reached in both.
    pub delta_minutes: Option<f64>,
}

/// Winners and losers of one population (a group, city-wide or in one district).
///
/// Every cell with people of the group (a positive value) falls in exactly one of: winner (reached in both,
/// delta < 0), loser (reached in both, delta > 0), unchanged (reached in both, delta = 0), gained access
/// (unreached before, reached after), lost access (reached before, unreached after) or unreached in both.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct ChangeTally {
    /// Cells whose time got shorter.
    pub winner_cells: usize,
    /// People in those cells.
    pub winner_people: f64,
    /// Cells whose time got longer.
    pub loser_cells: usize,
    /// People in those cells.
    pub loser_people: f64,
    /// Cells whose time did not change.
    pub unchanged_cells: usize,
    /// People in those cells.
    pub unchanged_people: f64,
    /// Cells unreached before and reached after.
    pub gained_access_cells: usize,
    /// People in those cells.
    pub gained_access_people: f64,
    /// Cells reached before and unreached after.
    pub lost_access_cells: usize,
    /// People in those cells.
    pub lost_access_people: f64,
    /// Cells unreached in both scenarios.
    pub unreached_cells: usize,
    /// People in those cells.
    pub unreached_people: f64,
    /// `Σ people × delta` in person-minutes over the cells reached in both scenarios: positive = minutes lost.
    /// It equals the people-weighted total time after minus before over those cells.
    pub person_minutes_delta: f64,
    /// The largest single-cell loss in minutes (the largest positive delta), if any cell lost.
    pub max_loss_minutes: Option<f64>,
}

impl ChangeTally {
    fn add(&mut self, c: &CellChange, people: f64) {
        if !(people.is_finite() && people > 0.0) {
            return;
        }
        match (c.before_minutes, c.after_minutes, c.delta_minutes) {
            (Some(_), Some(_), Some(d)) => {
                self.person_minutes_delta += people * d;
                if d < 0.0 {
                    self.winner_cells += 1;
                    self.winner_people += people;
                } else if d > 0.0 {
                    self.loser_cells += 1;
                    self.loser_people += people;
                    self.max_loss_minutes = Some(self.max_loss_minutes.map_or(d, |m| m.max(d)));
                } else {
                    self.unchanged_cells += 1;
                    self.unchanged_people += people;
                }
            }
            (None, Some(_), _) => {
                self.gained_access_cells += 1;
                self.gained_access_people += people;
            }
            (Some(_), None, _) => {
                self.lost_access_cells += 1;
                self.lost_access_people += people;
            }
            _ => {
                self.unreached_cells += 1;
                self.unreached_people += people;
            }
        }
    }
}

/// The winners and losers of one district (or of the cells in no district).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct DistrictChange {
    /// The district's name; `None` for the cells in no known district.
    pub district: Option<String>,
    /// The tally of the district's people.
    pub tally: ChangeTally,
}

/// The winners and losers of one population group: city-wide and per district.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct GroupComparison {
    /// The group's name.
    pub group: String,
    /// The tally over all cells.
    pub overall: ChangeTally,
    /// The tally per district, named districts in name order, then the cells in no district (if any).
    pub districts: Vec<DistrictChange>,
}

/// The comparison of two scenarios.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Comparison {
    /// One change per demand cell, in cell order.
    pub cells: Vec<CellChange>,
    /// Winners and losers per group, in the demand's group order.
    pub groups: Vec<GroupComparison>,
    /// The cells with the largest losses (positive deltas only), largest first, ties by cell position.
    pub largest_losses: Vec<CellChange>,
}

/// Compares the time to the nearest open site of each cell in two scenarios (`before[i]` and `after[i]` for
/// `demand.cells[i]`, `None` = unreachable), keeping the `largest` cells with the largest losses.
///
/// # Errors
///
/// [`AccessError::CellCountMismatch`] when `before` or `after` does not have one entry per cell, and
/// [`AccessError::GroupCountMismatch`] when a cell's values do not match the groups.
pub fn compare(
    demand: &Demand,
    before: &[Option<Millis>],
    after: &[Option<Millis>],
    largest: usize,
) -> Result<Comparison, AccessError> {
    check_demand(demand, "before times", before.len())?;
    check_demand(demand, "after times", after.len())?;
    let cells: Vec<CellChange> = demand
        .cells
        .iter()
        .enumerate()
        .map(|(i, c)| {
            let b = before[i].map(minutes);
            let a = after[i].map(minutes);
            // Subtract whole milliseconds so that equal times give exactly 0.
            let delta =
                before[i].zip(after[i]).map(|(b, a)| (i64::from(a.0) - i64::from(b.0)) as f64 / 60_000.0);
            CellChange {
                cell: i,
                id: c.id.clone(),
                district: c.district.clone(),
                before_minutes: b,
                after_minutes: a,
                delta_minutes: delta,
            }
        })
        .collect();
    let districts = cells_by_district(demand);
    let groups = demand
        .groups
        .iter()
        .enumerate()
        .map(|(g, group)| {
            let tally = |idx: &mut dyn Iterator<Item = usize>| {
                let mut t = ChangeTally::default();
                for i in idx {
                    t.add(&cells[i], demand.cells[i].values[g]);
                }
                t
            };
            GroupComparison {
                group: group.name.clone(),
                overall: tally(&mut (0..cells.len())),
                districts: districts
                    .iter()
                    .map(|(d, idx)| DistrictChange {
                        district: d.clone(),
                        tally: tally(&mut idx.iter().copied()),
                    })
                    .collect(),
            }
        })
        .collect();
    let mut losses: Vec<&CellChange> =
        cells.iter().filter(|c| c.delta_minutes.is_some_and(|d| d > 0.0)).collect();
    losses.sort_by(|a, b| {
        let (da, db) = (a.delta_minutes.unwrap_or(0.0), b.delta_minutes.unwrap_or(0.0));
        db.total_cmp(&da).then(a.cell.cmp(&b.cell))
    });
    let largest_losses = losses.into_iter().take(largest).cloned().collect();
    Ok(Comparison { cells, groups, largest_losses })
}
