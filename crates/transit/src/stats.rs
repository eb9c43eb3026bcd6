//! The travel-time distribution over a departure window, summarised as R5 does: the travel time for each
//! departure minute (waiting at the origin included), then percentiles of those times.

use crate::timetable::{Secs, UNREACHED};

/// The `p`-th percentile (0–100) of `times` by the nearest-rank method: the smallest value with at least `p` %
/// of the values at or below it. Unreached departures ([`UNREACHED`]) count as longer than any real time, so a
/// place reached from fewer than half of the departures has an unreached median. `None` for no values.
pub fn percentile(times: &mut [Secs], p: f64) -> Option<Secs> {
    if times.is_empty() {
        return None;
    }
    times.sort_unstable();
    let n = times.len();
    let rank = ((p.clamp(0.0, 100.0) / 100.0) * n as f64).ceil() as usize;
    Some(times[rank.clamp(1, n) - 1])
}

/// The median and 80th percentile of a distribution, each `None` when unreached.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize)]
pub struct Summary {
    /// Median travel time over the window, seconds.
    pub p50: Option<Secs>,
    /// 80th percentile, seconds.
    pub p80: Option<Secs>,
}

/// The [`Summary`] of `times` (travel times per departure; [`UNREACHED`] when a departure does not arrive).
pub fn summarise(times: &mut [Secs]) -> Summary {
    let some = |t: Option<Secs>| t.filter(|&x| x != UNREACHED);
    Summary { p50: some(percentile(times, 50.0)), p80: some(percentile(times, 80.0)) }
}
