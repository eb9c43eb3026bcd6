//! The timetable of one service day, laid out for RAPTOR: trips grouped into patterns (the same route over the
//! same stops), each pattern's trips sorted so that none overtakes another, times in flat arrays.

use neuvo_model::LonLat;
use serde::{Deserialize, Serialize};

/// Seconds since midnight of the service day. Trips of the day before that run past midnight have times
/// above 24 h in their own day and are shifted back by a day (they may start before 0); trips of the next day
/// are shifted forward.
pub type Secs = i32;

/// A time no journey reaches.
pub const UNREACHED: Secs = Secs::MAX;

/// A place where vehicles stop.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Stop {
    /// The feed's `stop_id`.
    pub id: String,
    /// The feed's `stop_name`.
    pub name: String,
    /// Where it is.
    pub pos: LonLat,
}

/// What runs on a route, from GTFS `route_type` (the basic codes 0–12 and the extended codes 100–1702).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RouteKind {
    /// Tram or light rail (0, 900–999).
    Tram,
    /// Metro or underground (1, 400–499 except 403–404 suburban).
    Metro,
    /// Rail (2, 100–199).
    Rail,
    /// Bus, coach or trolleybus (3, 11, 200–299, 700–899).
    Bus,
    /// Ferry or water transport (4, 1000–1099, 1200).
    Ferry,
    /// Cable tram, aerial lift, funicular (5, 6, 7, 1300–1499).
    Cable,
    /// Anything else the feed names (taxi services, 1500+, monorail 12, …).
    Other,
}

impl RouteKind {
    /// The kind of a GTFS `route_type`, or `None` for a code neither the basic nor the extended list defines.
    pub fn from_gtfs(code: u32) -> Option<RouteKind> {
        Some(match code {
            0 => RouteKind::Tram,
            1 => RouteKind::Metro,
            2 => RouteKind::Rail,
            3 | 11 => RouteKind::Bus,
            4 => RouteKind::Ferry,
            5..=7 => RouteKind::Cable,
            12 => RouteKind::Other,
            100..=199 => RouteKind::Rail,
            200..=299 | 700..=899 => RouteKind::Bus,
            400..=499 => RouteKind::Metro,
            900..=999 => RouteKind::Tram,
            1000..=1099 | 1200 => RouteKind::Ferry,
            1100..=1199 | 1500..=1799 => RouteKind::Other,
            1300..=1499 => RouteKind::Cable,
            _ => return None,
        })
    }
}

/// A route as the feed names it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Route {
    /// The feed's `route_id`.
    pub id: String,
    /// `route_short_name`, else `route_long_name`.
    pub name: String,
    /// What runs on it.
    pub kind: RouteKind,
}

/// One trip of the service day, as the builder takes it: the stops it calls at, in order, with arrival and
/// departure times.
#[derive(Clone, Debug, PartialEq)]
pub struct TripInput {
    /// Index of its route in the routes given to the builder.
    pub route: u32,
    /// A name for reports (the feed's `trip_id`, with the start time for trips expanded from frequencies).
    pub id: String,
    /// Stop indices, in calling order (a stop may appear twice on a loop).
    pub stops: Vec<u32>,
    /// `(arrival, departure)` at each stop.
    pub times: Vec<(Secs, Secs)>,
}

/// Why a timetable could not be built from the given trips.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum TimetableError {
    /// A trip calls at fewer than two stops.
    #[error("trip {trip} calls at {stops} stop(s); a trip needs at least two")]
    TooShort {
        /// The trip's id.
        trip: String,
        /// How many stops it has.
        stops: usize,
    },
    /// A trip's stop and time lists differ in length.
    #[error("trip {trip} has {stops} stops but {times} times")]
    Lengths {
        /// The trip's id.
        trip: String,
        /// Stops.
        stops: usize,
        /// Times.
        times: usize,
    },
    /// A trip names a stop or route that does not exist.
    #[error("trip {trip} names {what} {index}, but there are only {count}")]
    Index {
        /// The trip's id.
        trip: String,
        /// "stop" or "route".
        what: &'static str,
        /// The index given.
        index: u32,
        /// How many there are.
        count: usize,
    },
    /// A trip's times go backwards.
    #[error("trip {trip}: the time at call {position} ({at}) is earlier than the call before it")]
    Backwards {
        /// The trip's id.
        trip: String,
        /// Position of the call (0-based).
        position: usize,
        /// The offending time, as `H:MM:SS`.
        at: String,
    },
}

/// A set of trips that call at the same stops in the same order on one route, none overtaking another.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Pattern {
    /// The route.
    pub route: u32,
    stops_start: u32,
    n_stops: u32,
    trips_start: u32,
    n_trips: u32,
}

/// The timetable of one service day.
#[derive(Clone, Debug, PartialEq)]
pub struct Timetable {
    /// A label for reports: the service date and the feed.
    pub label: String,
    stops: Vec<Stop>,
    routes: Vec<Route>,
    patterns: Vec<Pattern>,
    pattern_stops: Vec<u32>,
    trip_ids: Vec<String>,
    /// Where each trip's times start in `arr` and `dep` (trips numbered pattern by pattern).
    times_start: Vec<u32>,
    arr: Vec<Secs>,
    dep: Vec<Secs>,
    /// For each stop, the `(pattern, position)` pairs calling at it, in CSR form.
    stop_first: Vec<u32>,
    stop_calls: Vec<(u32, u32)>,
}

impl Timetable {
    /// Builds the timetable from stops, routes and trips.
    ///
    /// Trips calling at the same stops on the same route form a pattern; a trip that would overtake another
    /// (leave earlier somewhere yet later somewhere else) goes into a pattern of its own, so that within a
    /// pattern the earliest trip one can board is found by a binary search and never misses a faster one.
    ///
    /// # Errors
    /// When a trip has fewer than two stops, names an unknown stop or route, or its times go backwards.
    pub fn build(
        label: String,
        stops: Vec<Stop>,
        routes: Vec<Route>,
        trips: &[TripInput],
    ) -> Result<Timetable, TimetableError> {
        for t in trips {
            check_trip(t, stops.len(), routes.len())?;
        }
        // Group by (route, stop sequence).
        let mut order: Vec<usize> = (0..trips.len()).collect();
        order.sort_by(|&a, &b| {
            let (x, y) = (&trips[a], &trips[b]);
            (x.route, &x.stops, x.times[0].1, x.times.last().map(|t| t.0), &x.id).cmp(&(
                y.route,
                &y.stops,
                y.times[0].1,
                y.times.last().map(|t| t.0),
                &y.id,
            ))
        });
        let mut tt = Timetable {
            label,
            stops,
            routes,
            patterns: Vec::new(),
            pattern_stops: Vec::new(),
            trip_ids: Vec::new(),
            times_start: Vec::new(),
            arr: Vec::new(),
            dep: Vec::new(),
            stop_first: Vec::new(),
            stop_calls: Vec::new(),
        };
        let mut i = 0;
        while i < order.len() {
            let first = &trips[order[i]];
            let mut j = i;
            while j < order.len()
                && trips[order[j]].route == first.route
                && trips[order[j]].stops == first.stops
            {
                j += 1;
            }
            // Split the group into overtaking-free lanes: each trip joins the first lane whose last trip it
            // does not overtake.
            let mut lanes: Vec<Vec<usize>> = Vec::new();
            for &t in &order[i..j] {
                let lane = lanes.iter().position(|l| {
                    let last = &trips[*l.last().expect("lanes are never empty")];
                    last.times.iter().zip(&trips[t].times).all(|(a, b)| a.0 <= b.0 && a.1 <= b.1)
                });
                match lane {
                    Some(k) => lanes[k].push(t),
                    None => lanes.push(vec![t]),
                }
            }
            for lane in lanes {
                tt.push_pattern(trips, first.route, &first.stops, &lane);
            }
            i = j;
        }
        // Calls per stop.
        let mut calls: Vec<(u32, u32, u32)> = Vec::new();
        for (p, pat) in tt.patterns.iter().enumerate() {
            for pos in 0..pat.n_stops {
                calls.push((tt.pattern_stops[(pat.stops_start + pos) as usize], p as u32, pos));
            }
        }
        calls.sort_unstable();
        tt.stop_first = vec![0; tt.stops.len() + 1];
        for &(s, _, _) in &calls {
            tt.stop_first[s as usize + 1] += 1;
        }
        for s in 0..tt.stops.len() {
            tt.stop_first[s + 1] += tt.stop_first[s];
        }
        tt.stop_calls = calls.into_iter().map(|(_, p, pos)| (p, pos)).collect();
        Ok(tt)
    }

    fn push_pattern(&mut self, trips: &[TripInput], route: u32, stops: &[u32], lane: &[usize]) {
        let stops_start = self.pattern_stops.len() as u32;
        self.pattern_stops.extend_from_slice(stops);
        let trips_start = self.trip_ids.len() as u32;
        for &t in lane {
            self.trip_ids.push(trips[t].id.clone());
            self.times_start.push(self.arr.len() as u32);
            for &(a, d) in &trips[t].times {
                self.arr.push(a);
                self.dep.push(d);
            }
        }
        self.patterns.push(Pattern {
            route,
            stops_start,
            n_stops: stops.len() as u32,
            trips_start,
            n_trips: lane.len() as u32,
        });
    }

    /// The stops.
    pub fn stops(&self) -> &[Stop] {
        &self.stops
    }

    /// The routes.
    pub fn routes(&self) -> &[Route] {
        &self.routes
    }

    /// The patterns.
    pub fn patterns(&self) -> &[Pattern] {
        &self.patterns
    }

    /// How many trips run (frequency-based trips counted once per departure).
    pub fn trip_count(&self) -> usize {
        self.trip_ids.len()
    }

    /// The stops pattern `p` calls at, in order.
    pub fn pattern_stops(&self, p: u32) -> &[u32] {
        let pat = &self.patterns[p as usize];
        &self.pattern_stops[pat.stops_start as usize..(pat.stops_start + pat.n_stops) as usize]
    }

    /// How many trips pattern `p` has.
    pub fn pattern_trips(&self, p: u32) -> u32 {
        self.patterns[p as usize].n_trips
    }

    /// The id of trip `t` (0-based within pattern `p`).
    pub fn trip_id(&self, p: u32, t: u32) -> &str {
        &self.trip_ids[(self.patterns[p as usize].trips_start + t) as usize]
    }

    /// Arrival of trip `t` of pattern `p` at its call `pos`.
    #[inline]
    pub fn arrival(&self, p: u32, t: u32, pos: u32) -> Secs {
        self.arr[self.time_index(p, t, pos)]
    }

    /// Departure of trip `t` of pattern `p` from its call `pos`.
    #[inline]
    pub fn departure(&self, p: u32, t: u32, pos: u32) -> Secs {
        self.dep[self.time_index(p, t, pos)]
    }

    #[inline]
    fn time_index(&self, p: u32, t: u32, pos: u32) -> usize {
        let pat = &self.patterns[p as usize];
        self.times_start[(pat.trips_start + t) as usize] as usize + pos as usize
    }

    /// The first trip of pattern `p` that leaves call `pos` at or after `at`, if any.
    #[inline]
    pub fn first_trip_from(&self, p: u32, pos: u32, at: Secs) -> Option<u32> {
        let pat = &self.patterns[p as usize];
        // Trips of a pattern never overtake: departures at a call are sorted.
        let (mut lo, mut hi) = (0u32, pat.n_trips);
        while lo < hi {
            let mid = lo + (hi - lo) / 2;
            if self.departure(p, mid, pos) < at {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        (lo < pat.n_trips).then_some(lo)
    }

    /// Every trip as the builder took it back out (pattern by pattern), for checks and exports.
    pub fn trips(&self) -> Vec<TripInput> {
        let mut out = Vec::with_capacity(self.trip_ids.len());
        for (p, pat) in self.patterns.iter().enumerate() {
            let stops = self.pattern_stops(p as u32).to_vec();
            for t in 0..pat.n_trips {
                let times = (0..pat.n_stops)
                    .map(|pos| (self.arrival(p as u32, t, pos), self.departure(p as u32, t, pos)))
                    .collect();
                out.push(TripInput {
                    route: pat.route,
                    id: self.trip_id(p as u32, t).to_owned(),
                    stops: stops.clone(),
                    times,
                });
            }
        }
        out
    }

    /// The `(pattern, position)` pairs calling at stop `s`.
    pub fn calls_at(&self, s: u32) -> &[(u32, u32)] {
        &self.stop_calls[self.stop_first[s as usize] as usize..self.stop_first[s as usize + 1] as usize]
    }

    /// The earliest and latest time of any call, or `None` for an empty timetable.
    pub fn span(&self) -> Option<(Secs, Secs)> {
        Some((*self.dep.iter().min()?, *self.arr.iter().max()?))
    }
}

fn check_trip(t: &TripInput, n_stops: usize, n_routes: usize) -> Result<(), TimetableError> {
    if t.stops.len() != t.times.len() {
        return Err(TimetableError::Lengths {
            trip: t.id.clone(),
            stops: t.stops.len(),
            times: t.times.len(),
        });
    }
    if t.stops.len() < 2 {
        return Err(TimetableError::TooShort { trip: t.id.clone(), stops: t.stops.len() });
    }
    if t.route as usize >= n_routes {
        return Err(TimetableError::Index {
            trip: t.id.clone(),
            what: "route",
            index: t.route,
            count: n_routes,
        });
    }
    if let Some(&s) = t.stops.iter().find(|&&s| s as usize >= n_stops) {
        return Err(TimetableError::Index { trip: t.id.clone(), what: "stop", index: s, count: n_stops });
    }
    let mut last = Secs::MIN;
    for (k, &(a, d)) in t.times.iter().enumerate() {
        for x in [a, d] {
            if x < last {
                return Err(TimetableError::Backwards {
                    trip: t.id.clone(),
                    position: k,
                    at: format_secs(x),
                });
            }
            last = x;
        }
    }
    Ok(())
}

/// `H:MM:SS` of a time of the service day (negative for the evening before, above 24 h past midnight).
pub fn format_secs(s: Secs) -> String {
    let sign = if s < 0 { "-" } else { "" };
    let a = s.unsigned_abs();
    format!("{sign}{}:{:02}:{:02}", a / 3600, a / 60 % 60, a % 60)
}
