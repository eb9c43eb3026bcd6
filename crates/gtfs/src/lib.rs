//! GTFS for neuvo: reads a feed (a zip file or a folder) and gives the [`Timetable`](neuvo_transit::Timetable)
//! of any of its service dates, ready for RAPTOR.
//!
//! * [`Feed::open`] reads stops, routes, trips, stop_times, the calendar and frequencies, checks every reference
//!   and fills in the empty times of intermediate stops by distance. Every error is a [`GtfsError`] naming the
//!   file, line (1-based, the header is line 1) and field, what was expected and what to do.
//! * [`Feed::service_dates`] lists the dates on which the feed runs.
//! * [`Feed::timetable`] builds one date's timetable: that day's trips, frequency-based trips expanded into one
//!   trip per departure, and the trips of the days before and after that reach into it across midnight, with a
//!   [`TimetableReport`] of what went in.
//!
//! ```no_run
//! # fn main() -> Result<(), neuvo_gtfs::GtfsError> {
//! let feed = neuvo_gtfs::Feed::open("data/cache/gtfs/hsl_helsinki_centre_20220222_gtfs.zip")?;
//! let date = feed.service_dates()[0];
//! let (timetable, report) = feed.timetable(date)?;
//! println!("{}: {} trips, {} stops", timetable.label, report.trips, report.stops);
//! # Ok(())
//! # }
//! ```
#![forbid(unsafe_code)]

mod calendar;
mod error;
mod expand;
mod feed;
mod read;

pub use error::GtfsError;
pub use expand::{NEXT_DAY_BEFORE, TimetableReport};
pub use feed::Feed;
