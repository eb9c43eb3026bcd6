//! Why a day or a rotation cannot be exported.

use chrono::{NaiveDate, NaiveDateTime, NaiveTime};
use neuvo_model::LonLatError;

/// Why a day or a rotation cannot be exported. Stops and legs are named by their 1-based `seq`, a rotation's
/// sessions by their 1-based position in [`WeekPlan::sessions`](crate::WeekPlan::sessions).
///
/// Messages name stops and sessions by number and quote times and ids, never labels, notes, names or client
/// details, so they are safe to log.
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
    /// A rotation's first date is after its last date.
    #[error("the rotation's first date {first_date} is after its last date {last_date}")]
    RotationDates {
        /// The first date given.
        first_date: NaiveDate,
        /// The last date given.
        last_date: NaiveDate,
    },
    /// A rotation's session has an empty id or kind (ids are part of calendar UIDs).
    #[error("session {session}: the {field} is empty")]
    SessionEmptyField {
        /// The session (1-based position in [`WeekPlan::sessions`](crate::WeekPlan::sessions)).
        session: usize,
        /// `advisor_id`, `venue_id` or `kind`.
        field: &'static str,
    },
    /// A rotation's session ends at or before its start.
    #[error("session {session} on {date}: the end {end} is not after the start {start}")]
    SessionEndNotAfterStart {
        /// The session (1-based).
        session: usize,
        /// Its date.
        date: NaiveDate,
        /// Its start.
        start: NaiveTime,
        /// Its end.
        end: NaiveTime,
    },
    /// A rotation's session lies outside the rotation's dates.
    #[error("session {session}: its date {date} is outside the rotation's dates {first_date} to {last_date}")]
    SessionOffDates {
        /// The session (1-based).
        session: usize,
        /// Its date.
        date: NaiveDate,
        /// The rotation's first date.
        first_date: NaiveDate,
        /// The rotation's last date.
        last_date: NaiveDate,
    },
    /// A rotation's session has coordinates out of range (a guard, as for [`ExportError::BadPlace`]).
    #[error("session {session}: {source}")]
    SessionBadPlace {
        /// The session (1-based).
        session: usize,
        /// What is wrong.
        #[source]
        source: LonLatError,
    },
    /// Two sessions at the same venue id give it different names or locations.
    #[error("session {session}: venue {venue_id:?} has another name or location than in session {first}")]
    VenueMismatch {
        /// The session that disagrees (1-based).
        session: usize,
        /// The venue's id.
        venue_id: String,
        /// The first session at the venue (1-based).
        first: usize,
    },
    /// One advisor's sessions overlap in time.
    #[error("advisor {advisor_id}: session {session} starts before session {other} ends on {date}")]
    AdvisorOverlap {
        /// The advisor.
        advisor_id: String,
        /// The later session (1-based).
        session: usize,
        /// The earlier session it overlaps (1-based).
        other: usize,
        /// The date.
        date: NaiveDate,
    },
    /// A public export (a venue's timetable, the poster) would carry an advisor's name or id in the caller's text.
    #[error(
        "{field} contains an advisor's name or id; the public timetable never names staff, so remove it from the \
         text"
    )]
    AdvisorInPublicText {
        /// Where: `the title`, or e.g. `session 3's venue_name`.
        field: String,
    },
}
