//! The rotation problem: days, session slots, venues with opening hours, advisors with availability and kinds, and
//! what each venue needs.

use neuvo_model::OpeningHours;
use serde::{Deserialize, Serialize};

/// One day of the horizon.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Day {
    /// A label for people and files (`2026-12-01`).
    pub label: String,
    /// Weekday, Monday = 0.
    pub weekday: usize,
    /// Which week of the horizon it belongs to (0, 1, …).
    pub week: usize,
}

/// A session slot within a day, in minutes after midnight: sessions start and end on these.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Slot {
    /// Start, minutes after midnight.
    pub start: u16,
    /// End, minutes after midnight (after `start`).
    pub end: u16,
}

/// A venue that hosts sessions.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Venue {
    /// Its id.
    pub id: String,
    /// When it is open; a session must lie inside.
    pub hours: OpeningHours,
}

/// An advisor.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Advisor {
    /// Their id.
    pub id: String,
    /// The kinds of session they can hold (`general`, `debt`, `social`, `career`).
    pub kinds: Vec<String>,
    /// Languages they advise in (`fi`, `sv`, `en`).
    #[serde(default)]
    pub languages: Vec<String>,
    /// When they work, as a weekly timetable; a session must lie inside.
    pub available: OpeningHours,
    /// At most this many sessions a day.
    pub max_per_day: u32,
    /// At most this many sessions a week.
    pub max_per_week: u32,
    /// Minutes from their base to each venue (same order as [`Problem::venues`]): a session starts no earlier
    /// than their hours begin plus this, and the travel term counts it.
    pub from_base_min: Vec<u32>,
    /// Minutes from each venue back to their base: a session ends no later than their hours end minus this.
    /// Empty: the same as `from_base_min`.
    #[serde(default)]
    pub to_base_min: Vec<u32>,
}

impl Advisor {
    /// Minutes from venue `v` back to the base.
    pub fn back_min(&self, v: usize) -> u32 {
        self.to_base_min.get(v).or_else(|| self.from_base_min.get(v)).copied().unwrap_or(0)
    }

    /// Whether the advisor can leave their base, hold a session at venue `v` in `slot` on `weekday` and be back
    /// within their hours.
    pub fn can_hold(&self, weekday: usize, v: usize, slot: Slot) -> bool {
        let out = self.from_base_min.get(v).copied().unwrap_or(0);
        let (Ok(out), Ok(back)) = (u16::try_from(out), u16::try_from(self.back_min(v))) else { return false };
        let (Some(leave), Some(home)) = (slot.start.checked_sub(out), slot.end.checked_add(back)) else {
            return false;
        };
        home <= 24 * 60 && self.available.is_open(weekday, leave, home)
    }
}

/// Sessions a venue needs of one kind.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Requirement {
    /// The venue (index into [`Problem::venues`]).
    pub venue: usize,
    /// The kind of session (an advisor must hold it).
    pub kind: String,
    /// Sessions wanted each week.
    pub per_week: u32,
    /// Only on these weekdays (Monday = 0); empty: any day the venue opens.
    #[serde(default)]
    pub weekdays: Vec<usize>,
    /// A language the session must be held in (an advisor must speak it); `None`: any.
    #[serde(default)]
    pub language: Option<String>,
    /// How much a session here is worth relative to others (need: people it reaches).
    pub weight: f64,
}

/// Weights of the objective's terms.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct Weights {
    /// Per missing session, times the requirement's weight.
    pub shortfall: f64,
    /// Per distinct (venue, kind, weekday, slot) used: fewer means the same day and hour every week.
    pub irregular: f64,
    /// Per distinct advisor at a requirement: the same faces at a venue.
    pub advisor_change: f64,
    /// Per minute from an advisor's base to the venue of a session.
    pub travel_min: f64,
    /// Per session of the busiest advisor over the horizon: spreads the work.
    #[serde(default)]
    pub balance: f64,
}

impl Default for Weights {
    fn default() -> Self {
        Self { shortfall: 1000.0, irregular: 10.0, advisor_change: 5.0, travel_min: 0.1, balance: 3.0 }
    }
}

/// A rotation problem.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Problem {
    /// The days of the horizon, in order, one or more whole or partial weeks.
    pub days: Vec<Day>,
    /// The session slots of a day, sorted by start, not overlapping.
    pub slots: Vec<Slot>,
    /// The venues.
    pub venues: Vec<Venue>,
    /// The advisors.
    pub advisors: Vec<Advisor>,
    /// What each venue needs.
    pub requirements: Vec<Requirement>,
    /// Minutes between venues, `travel_min[v][w]` from `v` to `w`, for consecutive sessions on a day.
    pub travel_min: Vec<Vec<u32>>,
    /// Sessions of one requirement are at least this many days apart (1: at most one a day).
    pub min_spacing_days: u32,
    /// The objective's weights.
    pub weights: Weights,
}

impl Problem {
    /// Whether advisor `a` may hold requirement `r`'s session on day `d` in slot `s`: the kind, the venue's hours,
    /// the advisor's availability, the requirement's weekdays.
    pub fn allowed(&self, a: usize, r: usize, d: usize, s: usize) -> bool {
        let (adv, req, day, slot) = (&self.advisors[a], &self.requirements[r], &self.days[d], self.slots[s]);
        adv.kinds.contains(&req.kind)
            && req.language.as_ref().is_none_or(|l| adv.languages.contains(l))
            && (req.weekdays.is_empty() || req.weekdays.contains(&day.weekday))
            && self.venues[req.venue].hours.is_open(day.weekday, slot.start, slot.end)
            && adv.can_hold(day.weekday, req.venue, slot)
    }

    /// Weeks in the horizon.
    pub fn weeks(&self) -> usize {
        self.days.iter().map(|d| d.week + 1).max().unwrap_or(0)
    }

    /// Whether two sessions of one advisor on a day conflict: the same slot, or too little time between them to
    /// travel (in either order).
    pub fn conflict(&self, (r1, s1): (usize, usize), (r2, s2): (usize, usize)) -> bool {
        if s1 == s2 {
            return true;
        }
        let ((ra, sa), (rb, sb)) = if self.slots[s1].start <= self.slots[s2].start {
            ((r1, s1), (r2, s2))
        } else {
            ((r2, s2), (r1, s1))
        };
        let (first, second) = (self.slots[sa], self.slots[sb]);
        if second.start < first.end {
            return true;
        }
        let gap = u32::from(second.start - first.end);
        let (va, vb) = (self.requirements[ra].venue, self.requirements[rb].venue);
        self.travel_min[va][vb] > gap
    }
}
