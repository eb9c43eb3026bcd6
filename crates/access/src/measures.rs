//! Access measures of one scenario and mode: how long people take to reach their nearest open site.
//!
//! Every figure is weighted by people: a cell with 300 people of a group counts 300 times for that group. Times
//! are in minutes. Unreachable cells (no open site reachable) count in the threshold shares as *not within* and
//! are reported as [`AccessSummary::unreached_people`]; the mean, the percentiles, the Gini coefficient and the
//! Palma ratio are over **reached people only**.

use std::collections::BTreeMap;

use neuvo_model::{Demand, Millis, TravelMatrix};
use serde::{Deserialize, Serialize};

use crate::{AccessError, CellNearest, minutes, nearest_open};

/// Settings of [`measure`].
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct MeasureOptions {
    /// The time thresholds, in minutes, for which the share of people within is reported. Default 15, 30, 45.
    pub thresholds_minutes: Vec<f64>,
}

impl Default for MeasureOptions {
    fn default() -> Self {
        Self { thresholds_minutes: vec![15.0, 30.0, 45.0] }
    }
}

/// The people within one time threshold of their nearest open site.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ThresholdShare {
    /// The threshold, in minutes. A time equal to the threshold counts as within.
    pub minutes: f64,
    /// People whose nearest open site is reachable within the threshold.
    pub people: f64,
    /// `people` over all people, unreached included; `None` when there are no people.
    pub share: Option<f64>,
}

/// Access figures of one population (a group, city-wide or in one district).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct AccessSummary {
    /// All people counted, reached or not.
    pub people: f64,
    /// People from whose cell some open site can be reached.
    pub reached_people: f64,
    /// People from whose cell no open site can be reached.
    pub unreached_people: f64,
    /// The share of people within each threshold, in the order of the thresholds given.
    pub within: Vec<ThresholdShare>,
    /// The people-weighted mean time to the nearest open site, in minutes, over reached people only.
    pub mean_minutes: Option<f64>,
    /// The weighted median (see [`weighted_quantile`]) over reached people only, in minutes.
    pub median_minutes: Option<f64>,
    /// The weighted 90th percentile (see [`weighted_quantile`]) over reached people only, in minutes.
    pub p90_minutes: Option<f64>,
    /// The Gini coefficient of the time across reached people (see [`gini`]).
    pub gini: Option<f64>,
    /// The Palma ratio of the time across reached people (see [`palma`]).
    pub palma: Option<f64>,
}

/// The access figures of one district (or of the cells in no district).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct DistrictSummary {
    /// The district's name; `None` for the cells that lie in no known district.
    pub district: Option<String>,
    /// The figures of the district's people.
    pub summary: AccessSummary,
}

/// The access figures of one population group: city-wide and per district.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct GroupMeasures {
    /// The group's name (see [`neuvo_model::Group::name`]).
    pub group: String,
    /// The figures over all cells.
    pub overall: AccessSummary,
    /// The figures per district, named districts in name order, then the cells in no district (if any).
    pub districts: Vec<DistrictSummary>,
}

/// The access figures of one scenario and mode, one entry per group in the demand's group order.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ScenarioMeasures {
    /// The figures per group.
    pub groups: Vec<GroupMeasures>,
}

/// Checks the demand's cells against its groups and the per-cell input's length.
pub(crate) fn check_demand(demand: &Demand, what: &'static str, found: usize) -> Result<(), AccessError> {
    if found != demand.cells.len() {
        return Err(AccessError::CellCountMismatch { what, expected: demand.cells.len(), found });
    }
    for (cell, c) in demand.cells.iter().enumerate() {
        if c.values.len() != demand.groups.len() {
            return Err(AccessError::GroupCountMismatch {
                cell,
                expected: demand.groups.len(),
                found: c.values.len(),
            });
        }
    }
    Ok(())
}

/// The cell positions per district: named districts in name order, then `None` if some cell has no district.
pub(crate) fn cells_by_district(demand: &Demand) -> Vec<(Option<String>, Vec<usize>)> {
    let mut named: BTreeMap<&str, Vec<usize>> = BTreeMap::new();
    let mut none = Vec::new();
    for (i, c) in demand.cells.iter().enumerate() {
        match &c.district {
            Some(d) => named.entry(d.as_str()).or_default().push(i),
            None => none.push(i),
        }
    }
    let mut out: Vec<(Option<String>, Vec<usize>)> =
        named.into_iter().map(|(d, cells)| (Some(d.to_owned()), cells)).collect();
    if !none.is_empty() {
        out.push((None, none));
    }
    out
}

/// The access figures of each group of `demand`, city-wide and per district, given each cell's time to its
/// nearest open site (`times[i]` for `demand.cells[i]`, `None` = unreachable; see
/// [`crate::CellNearest::time`]).
///
/// # Errors
///
/// [`AccessError::CellCountMismatch`] when `times` does not have one entry per cell,
/// [`AccessError::GroupCountMismatch`] when a cell's values do not match the groups, and
/// [`AccessError::BadThreshold`] for a negative or non-finite threshold.
pub fn measure(
    demand: &Demand,
    times: &[Option<Millis>],
    options: &MeasureOptions,
) -> Result<ScenarioMeasures, AccessError> {
    check_demand(demand, "travel times", times.len())?;
    if let Some(&t) = options.thresholds_minutes.iter().find(|t| !t.is_finite() || **t < 0.0) {
        return Err(AccessError::BadThreshold(t));
    }
    let mins: Vec<Option<f64>> = times.iter().map(|t| t.map(minutes)).collect();
    let districts = cells_by_district(demand);
    let groups = demand
        .groups
        .iter()
        .enumerate()
        .map(|(g, group)| {
            let samples = |cells: &mut dyn Iterator<Item = usize>| -> Vec<(Option<f64>, f64)> {
                cells.map(|i| (mins[i], demand.cells[i].values[g])).collect()
            };
            let overall = summarize(&samples(&mut (0..demand.cells.len())), &options.thresholds_minutes);
            let districts = districts
                .iter()
                .map(|(d, cells)| DistrictSummary {
                    district: d.clone(),
                    summary: summarize(&samples(&mut cells.iter().copied()), &options.thresholds_minutes),
                })
                .collect();
            GroupMeasures { group: group.name.clone(), overall, districts }
        })
        .collect();
    Ok(ScenarioMeasures { groups })
}

/// The access figures of one scenario and mode straight from its travel matrix (rows = `demand`'s cells,
/// columns = sites) and its open site columns: [`crate::nearest_open`] followed by [`measure`]. Returns the
/// per-cell nearest sites too, for maps and [`crate::compare()`].
///
/// # Errors
///
/// As [`crate::nearest_open`] and [`measure`]; [`AccessError::CellCountMismatch`] when the matrix does not have
/// one row per cell.
pub fn measure_open(
    demand: &Demand,
    matrix: &TravelMatrix,
    open: &[usize],
    options: &MeasureOptions,
) -> Result<(Vec<CellNearest>, ScenarioMeasures), AccessError> {
    check_demand(demand, "travel matrix rows", matrix.rows())?;
    let nearest = nearest_open(matrix, open)?;
    let times: Vec<Option<Millis>> = nearest.iter().map(CellNearest::time).collect();
    let measures = measure(demand, &times, options)?;
    Ok((nearest, measures))
}

/// The access figures of one population given as `(minutes, people)` samples, `None` minutes meaning
/// unreachable. Samples with a weight that is not a positive finite number are ignored.
pub fn summarize(samples: &[(Option<f64>, f64)], thresholds_minutes: &[f64]) -> AccessSummary {
    let usable = samples.iter().filter(|(_, w)| w.is_finite() && *w > 0.0);
    let mut reached: Vec<(f64, f64)> = Vec::new();
    let mut unreached_people = 0.0;
    for &(t, w) in usable {
        match t {
            Some(t) => reached.push((t, w)),
            None => unreached_people += w,
        }
    }
    let reached_people: f64 = reached.iter().map(|(_, w)| w).sum();
    let people = reached_people + unreached_people;
    let within = thresholds_minutes
        .iter()
        .map(|&m| {
            let p: f64 = reached.iter().filter(|(t, _)| *t <= m).map(|(_, w)| w).sum();
            ThresholdShare { minutes: m, people: p, share: (people > 0.0).then(|| p / people) }
        })
        .collect();
    AccessSummary {
        people,
        reached_people,
        unreached_people,
        within,
        mean_minutes: weighted_mean(&reached),
        median_minutes: weighted_quantile(&reached, 0.5),
        p90_minutes: weighted_quantile(&reached, 0.9),
        gini: gini(&reached),
        palma: palma(&reached),
    }
}

/// The positive-weight samples sorted by value, and their total weight.
fn sorted_positive(samples: &[(f64, f64)]) -> (Vec<(f64, f64)>, f64) {
    let mut v: Vec<(f64, f64)> =
        samples.iter().copied().filter(|(x, w)| x.is_finite() && w.is_finite() && *w > 0.0).collect();
    v.sort_by(|a, b| a.0.total_cmp(&b.0));
    let total = v.iter().map(|(_, w)| w).sum();
    (v, total)
}

/// The weighted mean of `(value, weight)` samples; `None` when the total weight is zero.
///
/// Samples with a non-finite value or a weight that is not a positive finite number are ignored, here and in
/// [`weighted_quantile`], [`gini`], [`lorenz_total`] and [`palma`].
pub fn weighted_mean(samples: &[(f64, f64)]) -> Option<f64> {
    let (v, total) = sorted_positive(samples);
    (total > 0.0).then(|| v.iter().map(|(x, w)| x * w).sum::<f64>() / total)
}

/// The weighted `q`-quantile of `(value, weight)` samples: the smallest value `x` such that the weight of the
/// samples with values `≤ x` is at least `q ×` the total weight (the inverse of the weighted distribution
/// function, without interpolation).
///
/// With integer weights this is the element at position `max(⌈q·n⌉, 1)` (1-based) of the values repeated by
/// their weights and sorted, `n` being the total weight; the median (`q = 0.5`) of an even count is the lower
/// middle value. `q` is clamped to `[0, 1]`. `None` when the total weight is zero or `q` is NaN.
pub fn weighted_quantile(samples: &[(f64, f64)], q: f64) -> Option<f64> {
    if q.is_nan() {
        return None;
    }
    let q = q.clamp(0.0, 1.0);
    let (v, total) = sorted_positive(samples);
    if total <= 0.0 {
        return None;
    }
    let target = q * total;
    let mut cum = 0.0;
    for &(x, w) in &v {
        cum += w;
        if cum >= target {
            return Some(x);
        }
    }
    // Rounding can leave the running sum a hair below q × total when q = 1.
    v.last().map(|&(x, _)| x)
}

/// The weighted Gini coefficient of `(value, weight)` samples with non-negative values:
///
/// `G = Σᵢ Σⱼ wᵢ wⱼ |xᵢ − xⱼ| / (2 W² μ)`, with `W = Σ wᵢ` and `μ = Σ wᵢ xᵢ / W`,
///
/// computed in `O(n log n)` by sorting. 0 when everyone has the same time, towards 1 when a few people have
/// all of it. `None` when the total weight or the mean is zero (no people, or everyone at time 0).
pub fn gini(samples: &[(f64, f64)]) -> Option<f64> {
    let (v, total) = sorted_positive(samples);
    let sum_wx: f64 = v.iter().map(|(x, w)| x * w).sum();
    if total <= 0.0 || sum_wx <= 0.0 {
        return None;
    }
    // For values sorted ascending, Σᵢ Σⱼ wᵢ wⱼ |xᵢ − xⱼ| = 2 Σᵢ wᵢ xᵢ (2 Cᵢ + wᵢ − W), Cᵢ the weight before i.
    let mut before = 0.0;
    let mut acc = 0.0;
    for &(x, w) in &v {
        acc += w * x * (2.0 * before + w - total);
        before += w;
    }
    Some((acc / (total * sum_wx)).max(0.0))
}

/// The total value held by the fraction `p` of the weight with the smallest values (the unnormalised Lorenz
/// curve): people are taken from the shortest time up until `p ×` the total weight is reached, the last cell
/// split pro rata. `p` is clamped to `[0, 1]`; 0 when there is no weight.
pub fn lorenz_total(samples: &[(f64, f64)], p: f64) -> f64 {
    let (v, total) = sorted_positive(samples);
    let mut left = p.clamp(0.0, 1.0) * total;
    let mut acc = 0.0;
    for &(x, w) in &v {
        if left <= 0.0 {
            break;
        }
        let take = w.min(left);
        acc += take * x;
        left -= take;
    }
    acc
}

/// The Palma ratio of access time: the total time of the worst-off 10 % of people (the 10 % of the weight with
/// the longest times) divided by the total time of the best-off 40 % (the 40 % with the shortest times), a cell
/// on a boundary split pro rata: `(T − L(0.9)) / L(0.4)` with `T` the total of `wᵢ xᵢ` and `L` =
/// [`lorenz_total`].
///
/// With everyone at the same time it is 0.25 (10 % over 40 %); larger means more unequal. `None` when there
/// is no weight or the best-off 40 % have a total time of zero.
pub fn palma(samples: &[(f64, f64)]) -> Option<f64> {
    let (v, total_w) = sorted_positive(samples);
    if total_w <= 0.0 {
        return None;
    }
    let total: f64 = v.iter().map(|(x, w)| x * w).sum();
    let bottom40 = lorenz_total(&v, 0.4);
    if bottom40 <= 0.0 {
        return None;
    }
    let top10 = (total - lorenz_total(&v, 0.9)).max(0.0);
    Some(top10 / bottom40)
}
