//! The planned day an export is made from, and the export options.

use chrono::{NaiveDate, NaiveDateTime};
use neuvo_model::LonLat;
use serde::{Deserialize, Serialize};

/// One advisor's planned day: the stops in visiting order and the legs travelled between them.
///
/// `legs[i]` goes from `stops[i]` to `stops[i + 1]`, so a day with stops has exactly `stops.len() - 1` legs
/// and a day without stops has none; every export checks this.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct AdvisorDay {
    /// The advisor's id (part of every iCalendar `UID`, so it must be stable and not empty).
    pub advisor_id: String,
    /// The advisor's display name, shown in titles when given.
    #[serde(default)]
    pub advisor_name: Option<String>,
    /// The day planned; every stop starts on this date (an end may pass midnight).
    pub date: NaiveDate,
    /// How the advisor travels: `"walk"` or `"car"`.
    pub mode: String,
    /// The stops in visiting order.
    pub stops: Vec<DayStop>,
    /// The travel between consecutive stops: `legs[i]` from `stops[i]` to `stops[i + 1]`.
    pub legs: Vec<Leg>,
}

/// One stop of the day. Times are local wall-clock times in Europe/Helsinki.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct DayStop {
    /// What happens here.
    pub kind: StopKind,
    /// The text shown for the stop, e.g. `Client C-7f3a` or `Pop-up session: Sello library`. Written as given
    /// into every format, so it must not hold client details (see the crate's privacy rule).
    pub label: String,
    /// Where the stop is (a home visit's position too: it is exported so that the advisor can navigate).
    pub place: LonLat,
    /// When the advisor arrives (at most `start`; the gap is waiting time).
    pub arrival: NaiveDateTime,
    /// When the visit, session or break begins.
    pub start: NaiveDateTime,
    /// When it ends (not before `start`).
    pub end: NaiveDateTime,
    /// The client of a home visit.
    #[serde(default)]
    pub client: Option<ClientInfo>,
    /// A note for the advisor (door codes, what to bring), written as given into ICS, GPX, GeoJSON and HTML.
    #[serde(default)]
    pub note: Option<String>,
}

/// The kind of a stop.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum StopKind {
    /// Where the day begins (a service point); no calendar event.
    Start,
    /// Where the day ends; no calendar event.
    End,
    /// A home visit to a client.
    Visit,
    /// A pinned pop-up session at a venue (a library, a shopping centre).
    Session,
    /// A break.
    Break,
}

impl StopKind {
    /// The lowercase name used in every format (`visit`, `session`, …), the same as the serde name.
    pub fn as_str(self) -> &'static str {
        match self {
            StopKind::Start => "start",
            StopKind::End => "end",
            StopKind::Visit => "visit",
            StopKind::Session => "session",
            StopKind::Break => "break",
        }
    }

    /// Whether the stop becomes an iCalendar event (visits, sessions and breaks do; start and end do not).
    pub fn is_event(self) -> bool {
        matches!(self, StopKind::Visit | StopKind::Session | StopKind::Break)
    }
}

/// Who is visited. Only the pseudonym is exported unless [`ExportOptions::reveal_client_details`] is set.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ClientInfo {
    /// The client's pseudonym, e.g. `C-7f3a`: always present, and the only client detail exported by default.
    pub pseudonym: String,
    /// The client's name (exported only with `reveal_client_details`).
    #[serde(default)]
    pub name: Option<String>,
    /// The client's street address (exported only with `reveal_client_details`).
    #[serde(default)]
    pub address: Option<String>,
    /// The client's phone number (exported only with `reveal_client_details`).
    #[serde(default)]
    pub phone: Option<String>,
}

/// The travel from one stop to the next.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Leg {
    /// Travel time in seconds.
    pub travel_s: u32,
    /// Travel distance in metres.
    pub distance_m: u32,
    /// The route drawn on the streets, from the first stop towards the second. Empty means unknown: exports then
    /// draw a straight line between the two stops. A single point is an error.
    #[serde(default)]
    pub geometry: Vec<LonLat>,
}

/// What an export may show, and when it was made.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ExportOptions {
    /// Show client names, addresses and phone numbers (default `false`: only pseudonyms). See the crate's
    /// privacy rule.
    #[serde(default)]
    pub reveal_client_details: bool,
    /// When the export is made, in UTC: the iCalendar `DTSTAMP` and the GPX metadata time. Passed in because this
    /// crate reads no clock.
    pub generated_at_utc: NaiveDateTime,
}

impl ExportOptions {
    /// Options that show only pseudonyms (the default privacy), for an export made at `generated_at_utc`.
    pub fn new(generated_at_utc: NaiveDateTime) -> Self {
        Self { reveal_client_details: false, generated_at_utc }
    }
}
