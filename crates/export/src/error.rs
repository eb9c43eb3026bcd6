//! Why a day cannot be exported.

use chrono::{NaiveDate, NaiveDateTime};
use neuvo_model::LonLatError;

/// Why a day cannot be exported. Stops and legs are named by their 1-based `seq`.
///
/// Messages name stops by number and quote times, never labels, notes or client details, so they are safe to log.
#[derive(Clone, Debug, PartialEq, thiserror::Error)]
pub enum ExportError {
    /// The advisor id is empty; it is part of every calendar event's UID.
    #[error("the advisor id is empty; give the advisor's stable id")]
    EmptyAdvisorId,
    /// The travel mode is not one this crate knows.
    #[error("travel mode {0:?} is neither \"walk\" nor \"car\"")]
    UnknownMode(String),
    /// The day's date is outside the years 1900–9998 that the file formats (four-digit years) can carry.
    #[error("the day's date {0} is outside the years 1900 to 9998")]
    DateOutOfRange(NaiveDate),
    /// There must be one leg between each pair of consecutive stops.
    #[error(
        "{stops} stops need {expected} legs (one between each pair of consecutive stops), but {legs} were given"
    )]
    LegCount {
        /// Number of stops.
        stops: usize,
        /// Number of legs given.
        legs: usize,
        /// Number of legs needed.
        expected: usize,
    },
    /// A stop's time lies off the day: arrival and start must be on the day's date, the end on it or the next day.
    #[error("stop {seq}: {which} {time} is not on the day {date}")]
    OffDate {
        /// The stop.
        seq: usize,
        /// `arrival`, `start` or `end`.
        which: &'static str,
        /// The time given.
        time: NaiveDateTime,
        /// The day's date.
        date: NaiveDate,
    },
    /// A stop's arrival is after its start.
    #[error("stop {seq}: arrival {arrival} is after the start {start}")]
    ArrivalAfterStart {
        /// The stop.
        seq: usize,
        /// Its arrival.
        arrival: NaiveDateTime,
        /// Its start.
        start: NaiveDateTime,
    },
    /// A stop ends before it starts.
    #[error("stop {seq}: end {end} is before the start {start}")]
    EndBeforeStart {
        /// The stop.
        seq: usize,
        /// Its start.
        start: NaiveDateTime,
        /// Its end.
        end: NaiveDateTime,
    },
    /// A stop's arrival is before the previous stop ends: stops must be given in time order.
    #[error("stop {seq}: arrival {arrival} is before stop {} ends at {previous_end}; give stops in time order", seq - 1)]
    OutOfOrder {
        /// The stop.
        seq: usize,
        /// Its arrival.
        arrival: NaiveDateTime,
        /// The previous stop's end.
        previous_end: NaiveDateTime,
    },
    /// A stop's coordinates are out of range (a guard: `LonLat` checks its ranges on every way in, deserialization
    /// included).
    #[error("stop {seq}: {source}")]
    BadPlace {
        /// The stop.
        seq: usize,
        /// What is wrong.
        #[source]
        source: LonLatError,
    },
    /// A leg's geometry has a point out of range.
    #[error("leg {seq}: geometry point {index}: {source}")]
    BadGeometry {
        /// The leg.
        seq: usize,
        /// The 0-based index of the point.
        index: usize,
        /// What is wrong.
        #[source]
        source: LonLatError,
    },
    /// A leg's geometry has exactly one point, which draws no line.
    #[error("leg {seq}: the geometry has a single point; give at least two, or none for a straight line")]
    SinglePointGeometry {
        /// The leg.
        seq: usize,
    },
    /// A client has an empty pseudonym, the only way to name a client by default.
    #[error("stop {seq}: the client's pseudonym is empty")]
    EmptyPseudonym {
        /// The stop.
        seq: usize,
    },
    /// With client details hidden, a stop's free text contains a client's name, address or phone number.
    #[error(
        "stop {seq}: its {field} contains a client's name, address or phone number, which may only be exported \
         with reveal_client_details; name clients by pseudonym in labels and notes"
    )]
    ClientDetailInText {
        /// The stop.
        seq: usize,
        /// `label`, `note` or `pseudonym`.
        field: &'static str,
    },
    /// The same advisor's same day was given twice to [`ics_many`](crate::ics_many): the event UIDs would collide.
    #[error("advisor {advisor_id}'s day {date} is given twice; its calendar events would share UIDs")]
    DuplicateDay {
        /// The advisor.
        advisor_id: String,
        /// The date.
        date: NaiveDate,
    },
}
