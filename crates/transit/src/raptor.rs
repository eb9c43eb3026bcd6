//! Range RAPTOR (Delling, Pajor and Werneck, "Round-Based Public Transit Routing", 2012): earliest arrivals at
//! every stop for every departure of a window, with at most a given number of transfers.
//!
//! Round `k` holds, for each stop, the earliest time one can be there with at most `k` rides: `ride` when
//! stepping off a vehicle (where walking to the destination starts) and `ready` when ready to board (after an
//! optional walking transfer). Departures are processed from the latest to the earliest and the labels are kept
//! between them: an arrival reachable when leaving later is reachable when leaving earlier (by waiting), so each
//! departure only scans what its earlier start improves.

use crate::timetable::{Secs, Timetable, UNREACHED};
use crate::transfers::Transfers;

/// Search limits.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Params {
    /// Most transfers in a journey (rides = transfers + 1).
    pub max_transfers: u8,
    /// Seconds one must be at a stop before a vehicle's departure to board it (R5 uses 60 s).
    pub board_slack: Secs,
}

impl Default for Params {
    fn default() -> Self {
        Params { max_transfers: 4, board_slack: 60 }
    }
}

/// Departure times `start, start + step, …` before `end`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Window {
    /// First departure.
    pub start: Secs,
    /// End of the window (exclusive).
    pub end: Secs,
    /// Seconds between departures (at least 1).
    pub step: Secs,
}

impl Window {
    /// One departure every minute for `minutes` minutes from `start`.
    pub fn minutes(start: Secs, minutes: u32) -> Window {
        Window { start, end: start + 60 * minutes as Secs, step: 60 }
    }

    /// The departures, earliest first.
    pub fn departures(&self) -> Vec<Secs> {
        let step = self.step.max(1) as usize;
        (self.start..self.end).step_by(step).collect()
    }
}

/// The best labels after one departure: per stop, arrival by vehicle and time ready to board.
#[derive(Clone, Copy, Debug)]
pub struct Labels<'a> {
    ride: &'a [Secs],
    ready: &'a [Secs],
}

impl Labels<'_> {
    /// Earliest arrival at stop `s` stepping off a vehicle ([`UNREACHED`] if none).
    #[inline]
    pub fn ride(&self, s: u32) -> Secs {
        self.ride[s as usize]
    }

    /// Earliest time ready to board at stop `s`: after the access walk, a ride, or a ride and a transfer.
    #[inline]
    pub fn ready(&self, s: u32) -> Secs {
        self.ready[s as usize]
    }

    /// Earliest arrival at a place walked to from stops: `egress` lists `(stop, walk seconds)`.
    pub fn arrival_via(&self, egress: &[(u32, Secs)]) -> Secs {
        egress
            .iter()
            .filter(|&&(s, _)| self.ride[s as usize] != UNREACHED)
            .map(|&(s, w)| self.ride[s as usize].saturating_add(w))
            .min()
            .unwrap_or(UNREACHED)
    }
}

/// Reusable RAPTOR state over one timetable and one set of transfers.
#[derive(Clone, Debug)]
pub struct Raptor<'a> {
    tt: &'a Timetable,
    transfers: &'a Transfers,
    params: Params,
    n: usize,
    rounds: usize,
    ready: Vec<Secs>,
    ride: Vec<Secs>,
    marked: Vec<bool>,
    marked_list: Vec<u32>,
    queue: Vec<u32>,
    queued: Vec<u32>,
    rode: Vec<u32>,
    rode_flag: Vec<bool>,
}

impl<'a> Raptor<'a> {
    /// State for searches on `tt` with `transfers` (which must be defined over the timetable's stops).
    pub fn new(tt: &'a Timetable, transfers: &'a Transfers, params: Params) -> Raptor<'a> {
        let n = tt.stops().len();
        let rounds = params.max_transfers as usize + 2;
        Raptor {
            tt,
            transfers,
            params,
            n,
            rounds,
            ready: vec![UNREACHED; rounds * n],
            ride: vec![UNREACHED; rounds * n],
            marked: vec![false; n],
            marked_list: Vec::new(),
            queue: vec![u32::MAX; tt.patterns().len()],
            queued: Vec::new(),
            rode: Vec::new(),
            rode_flag: vec![false; n],
        }
    }

    /// Earliest arrivals for one departure at `depart` from `access` (`(stop, walk seconds)`).
    pub fn run(&mut self, access: &[(u32, Secs)], depart: Secs) -> Labels<'_> {
        self.reset();
        self.departure(access, depart);
        self.labels()
    }

    /// Earliest arrivals for every departure of `window`, latest first: `visit(departure, labels)` is called
    /// once per departure.
    pub fn run_range(
        &mut self,
        access: &[(u32, Secs)],
        window: Window,
        mut visit: impl FnMut(Secs, Labels<'_>),
    ) {
        self.reset();
        for d in window.departures().into_iter().rev() {
            self.departure(access, d);
            visit(d, self.labels());
        }
    }

    fn labels(&self) -> Labels<'_> {
        let last = (self.rounds - 1) * self.n;
        Labels { ride: &self.ride[last..last + self.n], ready: &self.ready[last..last + self.n] }
    }

    fn reset(&mut self) {
        self.ready.fill(UNREACHED);
        self.ride.fill(UNREACHED);
    }

    fn mark(&mut self, s: u32) {
        if !self.marked[s as usize] {
            self.marked[s as usize] = true;
            self.marked_list.push(s);
        }
    }

    fn departure(&mut self, access: &[(u32, Secs)], depart: Secs) {
        let n = self.n;
        for &(s, a) in access {
            if (s as usize) < n {
                let t = depart.saturating_add(a);
                if t < self.ready[s as usize] {
                    self.ready[s as usize] = t;
                    self.mark(s);
                }
            }
        }
        for k in 1..self.rounds {
            let (prev, cur) = ((k - 1) * n, k * n);
            // At most k rides includes at most k - 1.
            for s in 0..n {
                self.ready[cur + s] = self.ready[cur + s].min(self.ready[prev + s]);
                self.ride[cur + s] = self.ride[cur + s].min(self.ride[prev + s]);
            }
            if self.marked_list.is_empty() {
                continue;
            }
            // Patterns through a stop improved in the last round, from their earliest such call.
            for &s in &self.marked_list {
                self.marked[s as usize] = false;
                for &(p, pos) in self.tt.calls_at(s) {
                    let q = &mut self.queue[p as usize];
                    if *q == u32::MAX {
                        self.queued.push(p);
                    }
                    *q = (*q).min(pos);
                }
            }
            self.marked_list.clear();
            let queued = std::mem::take(&mut self.queued);
            for &p in &queued {
                let start = std::mem::replace(&mut self.queue[p as usize], u32::MAX);
                self.scan(p, start, prev, cur);
            }
            self.queued = queued;
            self.queued.clear();
            // Walking transfers from the stops reached by a ride in this round.
            let rode = std::mem::take(&mut self.rode);
            for &s in &rode {
                self.rode_flag[s as usize] = false;
                let t0 = self.ride[cur + s as usize];
                for &(q, w) in self.transfers.from(s) {
                    let t = t0.saturating_add(w);
                    if t < self.ready[cur + q as usize] {
                        self.ready[cur + q as usize] = t;
                        self.mark(q);
                    }
                }
            }
            self.rode = rode;
            self.rode.clear();
        }
        for &s in &self.marked_list {
            self.marked[s as usize] = false;
        }
        self.marked_list.clear();
    }

    fn scan(&mut self, p: u32, start: u32, prev: usize, cur: usize) {
        let tt = self.tt;
        let stops = tt.pattern_stops(p);
        let mut trip: Option<u32> = None;
        for pos in start..stops.len() as u32 {
            let s = stops[pos as usize] as usize;
            if let Some(t) = trip {
                let a = tt.arrival(p, t, pos);
                if a < self.ride[cur + s] {
                    self.ride[cur + s] = a;
                    if !self.rode_flag[s] {
                        self.rode_flag[s] = true;
                        self.rode.push(s as u32);
                    }
                    if a < self.ready[cur + s] {
                        self.ready[cur + s] = a;
                        self.mark(s as u32);
                    }
                }
            }
            let r = self.ready[prev + s];
            if r != UNREACHED {
                let at = r.saturating_add(self.params.board_slack);
                let better = match trip {
                    None => true,
                    Some(t) => at < tt.departure(p, t, pos),
                };
                if better && let Some(t2) = tt.first_trip_from(p, pos, at) {
                    trip = Some(trip.map_or(t2, |t| t.min(t2)));
                }
            }
        }
    }
}
