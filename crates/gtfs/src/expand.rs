//! The timetable of one service date: the date's trips, frequency-based trips expanded into one trip per
//! departure, and the trips of the days before and after that reach into it.

use chrono::NaiveDate;
use neuvo_transit::{Secs, Timetable, TripInput, format_secs};

use crate::calendar::describe_dates;
use crate::error::GtfsError;
use crate::feed::{Feed, Trip};

/// A day in seconds.
const DAY: Secs = 86_400;

/// Trips of the next day that leave before this time are included, shifted by a day.
pub const NEXT_DAY_BEFORE: Secs = 4 * 3600;

/// What went into a day's timetable.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TimetableReport {
    /// The service date.
    pub date: NaiveDate,
    /// Stops in the timetable (location_type empty, 0 or 4).
    pub stops: usize,
    /// Routes in the timetable.
    pub routes: usize,
    /// Trips run, all told (each departure of a frequency-based trip counted once, other days' trips included).
    pub trips: usize,
    /// Of [`trips`](Self::trips), those expanded from frequencies.txt.
    pub frequency_trips: usize,
    /// Of [`trips`](Self::trips), trips of the day before with a time at or after 24:00:00, shifted by −24 h.
    pub previous_day_trips: usize,
    /// Of [`trips`](Self::trips), trips of the day after leaving before 04:00:00, shifted by +24 h.
    pub next_day_trips: usize,
    /// Stop times the feed left empty and that were interpolated by distance (over the whole feed).
    pub interpolated_times: usize,
    /// Trips of the feed left out because they have fewer than two stop_times.
    pub skipped_trips: usize,
    /// Notes about the feed (a missing agency.txt, trips left out, headway-based frequencies, …).
    pub notes: Vec<String>,
}

/// Which day a trip instance comes from.
#[derive(Clone, Copy)]
enum Day {
    Same,
    Previous,
    Next,
}

impl Feed {
    /// The timetable of `date`, with a report of what went into it.
    ///
    /// It holds the trips whose service runs on `date` at their times; the trips of the day before that have a
    /// time at or after 24:00:00, shifted by −86 400 s (their id gets ` [<date before>]`); and the trips of the
    /// day after whose first departure is before 04:00:00, shifted by +86 400 s (id ` [<date after>]`), so
    /// that a departure window around midnight sees them all.
    ///
    /// A trip listed in frequencies.txt runs once per headway from each row's start_time (inclusive) to its
    /// end_time (exclusive), keeping its offsets from its first departure, with id `trip_id@H:MM:SS`; it is not
    /// also run at its own listed times. Rows with exact_times 0 (headway-based) are expanded the same way as
    /// exact_times 1, as if the vehicles left exactly every headway_secs from start_time.
    ///
    /// # Errors
    /// [`GtfsError::NoService`] when no trip runs on `date`, naming the feed's service dates.
    pub fn timetable(&self, date: NaiveDate) -> Result<(Timetable, TimetableReport), GtfsError> {
        let (prev, next) = (date.pred_opt(), date.succ_opt());
        let mut report = TimetableReport {
            date,
            stops: self.stops.len(),
            routes: self.routes.len(),
            trips: 0,
            frequency_trips: 0,
            previous_day_trips: 0,
            next_day_trips: 0,
            interpolated_times: self.interpolated,
            skipped_trips: self.skipped,
            notes: self.notes.clone(),
        };
        let mut out = Vec::new();
        let mut runs_today = false;
        for trip in &self.trips {
            let mut days = Vec::with_capacity(3);
            if self.calendar.runs(trip.service, date) {
                runs_today = true;
                days.push((Day::Same, date));
            }
            if let Some(p) = prev.filter(|&p| self.calendar.runs(trip.service, p)) {
                days.push((Day::Previous, p));
            }
            if let Some(n) = next.filter(|&n| self.calendar.runs(trip.service, n)) {
                days.push((Day::Next, n));
            }
            for (day, on) in days {
                instances(trip, |id, times, from_frequency| {
                    let (shift, keep) = match day {
                        Day::Same => (0, true),
                        Day::Previous => (-DAY, times.iter().any(|&(a, d)| a.max(d) >= DAY)),
                        Day::Next => (DAY, times[0].1 < NEXT_DAY_BEFORE),
                    };
                    if !keep {
                        return;
                    }
                    let id = match day {
                        Day::Same => id,
                        _ => format!("{id} [{on}]"),
                    };
                    match day {
                        Day::Same => {}
                        Day::Previous => report.previous_day_trips += 1,
                        Day::Next => report.next_day_trips += 1,
                    }
                    report.frequency_trips += usize::from(from_frequency);
                    out.push(TripInput {
                        route: trip.route,
                        id,
                        stops: trip.stops.clone(),
                        times: times.into_iter().map(|(a, d)| (a + shift, d + shift)).collect(),
                    });
                });
            }
        }
        if !runs_today {
            return Err(GtfsError::NoService { date, available: describe_dates(&self.service_dates()) });
        }
        report.trips = out.len();
        let label = format!("GTFS {} on {date}", self.name);
        let tt = Timetable::build(label, self.stops.clone(), self.routes.clone(), &out)?;
        Ok((tt, report))
    }
}

/// Calls `f(id, times, from_frequency)` for each run of `trip` on its service day: once at its own times, or
/// once per departure of each of its frequencies.txt rows.
fn instances(trip: &Trip, mut f: impl FnMut(String, Vec<(Secs, Secs)>, bool)) {
    if trip.frequencies.is_empty() {
        f(trip.id.clone(), trip.times.clone(), false);
        return;
    }
    let base = trip.times[0].1;
    for fr in &trip.frequencies {
        let mut start = fr.start;
        while start < fr.end {
            let shift = start - base;
            f(
                format!("{}@{}", trip.id, format_secs(start)),
                trip.times.iter().map(|&(a, d)| (a + shift, d + shift)).collect(),
                true,
            );
            start += fr.headway;
        }
    }
}
