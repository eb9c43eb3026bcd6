//! A reference earliest-arrival search on the time-expanded network of raw trips, independent of patterns and
//! rounds: slow, simple, for checking [`crate::Raptor`] on small timetables.
//!
//! States are "ready to board at a stop having used `k` rides" and "stepped off at a stop having used `k`
//! rides", settled in time order (Dijkstra). From a ready state every trip leaving the stop at least the board
//! slack later may be boarded and left at any later call; from a stepped-off state one may stay, or take one
//! walking transfer. Waiting is free, so the earliest time per state dominates.

use std::cmp::Reverse;
use std::collections::BinaryHeap;

use crate::raptor::Params;
use crate::timetable::{Secs, TripInput, UNREACHED};
use crate::transfers::Transfers;

/// Earliest arrivals per stop, over journeys with at most `max_transfers + 1` rides.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Arrivals {
    /// Earliest arrival stepping off a vehicle.
    pub ride: Vec<Secs>,
    /// Earliest time ready to board (access, ride, or ride and transfer).
    pub ready: Vec<Secs>,
}

/// Earliest arrivals at each of `n_stops` stops when leaving at `depart` with `access` walks.
pub fn earliest_arrivals(
    n_stops: usize,
    trips: &[TripInput],
    transfers: &Transfers,
    params: Params,
    access: &[(u32, Secs)],
    depart: Secs,
) -> Arrivals {
    earliest_arrivals_until(n_stops, trips, transfers, params, access, depart, Secs::MAX)
}

/// [`earliest_arrivals`] up to `horizon`: arrivals after it are [`UNREACHED`] (so that a real timetable can be
/// checked in reasonable time).
pub fn earliest_arrivals_until(
    n_stops: usize,
    trips: &[TripInput],
    transfers: &Transfers,
    params: Params,
    access: &[(u32, Secs)],
    depart: Secs,
    horizon: Secs,
) -> Arrivals {
    let rides = params.max_transfers as usize + 1;
    let mut calls: Vec<Vec<(usize, usize)>> = vec![Vec::new(); n_stops];
    for (t, trip) in trips.iter().enumerate() {
        for (i, &s) in trip.stops.iter().enumerate() {
            calls[s as usize].push((t, i));
        }
    }
    let mut ready = vec![vec![UNREACHED; n_stops]; rides + 1];
    let mut ride = vec![vec![UNREACHED; n_stops]; rides + 1];
    // (time, stepped off?, rides used, stop)
    let mut heap: BinaryHeap<Reverse<(Secs, bool, usize, u32)>> = BinaryHeap::new();
    for &(s, a) in access {
        heap.push(Reverse((depart + a, false, 0, s)));
    }
    while let Some(Reverse((t, off, k, s))) = heap.pop() {
        if t > horizon {
            break;
        }
        let su = s as usize;
        if off {
            if t >= ride[k][su] {
                continue;
            }
            ride[k][su] = t;
            heap.push(Reverse((t, false, k, s)));
            for &(q, w) in transfers.from(s) {
                heap.push(Reverse((t + w, false, k, q)));
            }
        } else {
            if t >= ready[k][su] {
                continue;
            }
            ready[k][su] = t;
            if k == rides {
                continue;
            }
            for &(trip, i) in &calls[su] {
                let tr = &trips[trip];
                if tr.times[i].1 >= t + params.board_slack && tr.times[i].1 <= horizon {
                    for j in i + 1..tr.stops.len() {
                        heap.push(Reverse((tr.times[j].0, true, k + 1, tr.stops[j])));
                    }
                }
            }
        }
    }
    let best =
        |v: &[Vec<Secs>]| (0..n_stops).map(|s| v.iter().map(|r| r[s]).min().unwrap_or(UNREACHED)).collect();
    Arrivals { ride: best(&ride), ready: best(&ready) }
}
