//! Re-planning a day when an advisor falls ill: what was done stays where it was, the rest moves.
//!
//! [`replan_input`] turns a planned day into the input of a new plan from the moment `at`: every visit and session
//! that began before `at` is pinned to its advisor at its planned time (done, or in progress); visits not begun may
//! start only from `at`, and only with an advisor still at work (a skill every advisor but the ill one holds, so
//! the ill advisor takes nothing new); the ill advisor's sessions from `at` on are cancelled and listed; visits bound to or preferring the ill advisor lose that tie.
//! The new input then goes through [`crate::day::plan_day`] like any day.

use serde::Serialize;

use super::plan::{DayInput, DaySummary};
use super::requests::{DaySeconds, Priority, Span, parse_clock};

/// What re-planning changed before solving.
#[derive(Clone, Debug, Default, Serialize, PartialEq)]
pub struct ReplanChanges {
    /// The advisor who fell ill.
    pub ill: String,
    /// From when, `HH:MM`.
    pub at: String,
    /// Visits and sessions pinned because they began before `at`.
    pub pinned: Vec<String>,
    /// The ill advisor's sessions from `at` on, cancelled (their venues' timetables must say so).
    pub cancelled_sessions: Vec<String>,
    /// Visits that were the ill advisor's in the old plan and now need another advisor.
    pub moved: Vec<String>,
}

/// The input of a new plan for the day of `input` (planned as `summary`), with `ill` out from `at`.
///
/// # Errors
///
/// When `ill` is not one of the day's advisors, or `at` lies outside every shift.
pub fn replan_input(
    input: &DayInput,
    summary: &DaySummary,
    ill: &str,
    at: DaySeconds,
) -> Result<(DayInput, ReplanChanges), String> {
    let Some(ill_spec) = input.advisors.iter().find(|a| a.id == ill) else {
        return Err(format!(
            "advisor {ill:?} has no plan on {}; the day's advisors: {}",
            input.date,
            input.advisors.iter().map(|a| a.id.as_str()).collect::<Vec<_>>().join(", ")
        ));
    };
    if input.advisors.len() < 2 {
        return Err(format!(
            "{ill} is the only advisor at work on {}: nobody can take over their visits",
            input.date
        ));
    }
    if at < ill_spec.shift.start || at >= ill_spec.shift.end {
        return Err(format!(
            "{ill} works {}-{} on {}; the time they fell ill must lie within",
            super::requests::format_clock(ill_spec.shift.start),
            super::requests::format_clock(ill_spec.shift.end),
            input.date
        ));
    }
    // Stops that began before `at`, by id: (advisor, start, end).
    let mut begun: std::collections::BTreeMap<String, (String, DaySeconds, DaySeconds)> = Default::default();
    let mut old_owner: std::collections::BTreeMap<String, String> = Default::default();
    for d in &summary.days {
        for s in &d.stops {
            let Some(id) = &s.id else { continue };
            let (Ok(start), Ok(end)) = (parse_clock(&s.start), parse_clock(&s.end)) else { continue };
            old_owner.insert(id.clone(), d.id.clone());
            if start < at {
                begun.insert(id.clone(), (d.id.clone(), start, end));
            }
        }
    }
    let mut changes =
        ReplanChanges { ill: ill.to_owned(), at: super::requests::format_clock(at), ..Default::default() };
    let mut out = input.clone();
    // Every advisor but the ill one holds this; every visit not yet begun needs it.
    let at_work = format!("at work after {}", super::requests::format_clock(at));
    for v in &mut out.visits {
        if let Some((adv, start, _)) = begun.get(&v.id) {
            // Done or in progress: pinned where and when it happened.
            v.advisor = Some(adv.clone());
            v.windows = vec![Span { start: *start, end: *start }];
            v.priority = Priority::Must;
            changes.pinned.push(v.id.clone());
            continue;
        }
        if v.advisor.as_deref() == Some(ill) {
            v.advisor = None;
        }
        if v.preferred_advisor.as_deref() == Some(ill) {
            v.preferred_advisor = None;
        }
        if old_owner.get(&v.id).is_some_and(|o| o == ill) {
            changes.moved.push(v.id.clone());
        }
        // Not begun: from `at` on only, and only by an advisor still at work (a skill the ill advisor lacks).
        v.windows = if v.windows.is_empty() {
            vec![Span { start: at, end: 24 * 3600 }]
        } else {
            v.windows
                .iter()
                .filter(|w| w.end >= at)
                .map(|w| Span { start: w.start.max(at), end: w.end })
                .collect()
        };
        if v.windows.is_empty() {
            // Every window closed before `at`: the visit cannot happen today. An empty list would mean "any time",
            // so it gets a window at midnight, before every shift, which the solver reports as missed.
            v.windows = vec![Span { start: 0, end: 0 }];
        }
        v.skills.push(at_work.clone());
    }
    out.sessions.retain(|s| {
        let keep = s.advisor != ill || s.hours.start < at;
        if !keep {
            changes.cancelled_sessions.push(s.id.clone());
        }
        keep
    });
    for s in &out.sessions {
        if s.hours.start < at {
            changes.pinned.push(s.id.clone());
        }
    }
    for a in &mut out.advisors {
        if a.id != ill {
            a.skills.push(at_work.clone());
            // Breaks not yet begun keep their windows from `at` on.
            for b in &mut a.breaks {
                if b.within.start < at && b.within.end >= at + b.duration_s {
                    b.within.start = at;
                }
            }
        }
    }
    changes.pinned.sort();
    changes.moved.sort();
    Ok((out, changes))
}
