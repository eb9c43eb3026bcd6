//! Public transport for neuvo: the timetable of one service day ([`Timetable`]), earliest-arrival searches over a
//! departure window ([`Raptor`], range RAPTOR after Delling, Pajor and Werneck 2012), walking to, from and between
//! stops on the street network ([`walk`]), and the travel-time distribution over the window with its percentiles
//! ([`stats`]), as R5 reports them.
//!
//! The crate reads no file: `neuvo-gtfs` turns a feed into a [`Timetable`]. [`brute`] is an independent
//! time-expanded search used to check RAPTOR.
#![forbid(unsafe_code)]

pub mod brute;
mod raptor;
pub mod stats;
mod timetable;
mod transfers;
pub mod walk;

pub use raptor::{Labels, Params, Raptor, Window};
pub use timetable::{
    Pattern, Route, RouteKind, Secs, Stop, Timetable, TimetableError, TripInput, UNREACHED, format_secs,
};
pub use transfers::Transfers;
