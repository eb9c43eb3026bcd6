//! A rotation: the sessions held, what is missing and why, and an independent check of any rotation.

use std::collections::{BTreeMap, BTreeSet};

use serde::{Deserialize, Serialize};

use crate::problem::Problem;

/// One session: an advisor holds a requirement's session on a day in a slot.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct Session {
    /// Day (index into [`Problem::days`]).
    pub day: usize,
    /// Slot (index into [`Problem::slots`]).
    pub slot: usize,
    /// Requirement (index into [`Problem::requirements`]).
    pub requirement: usize,
    /// Advisor (index into [`Problem::advisors`]).
    pub advisor: usize,
}

/// Sessions a requirement misses in a week, and why.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Shortfall {
    /// The requirement.
    pub requirement: usize,
    /// The week.
    pub week: usize,
    /// Sessions wanted.
    pub wanted: u32,
    /// Sessions held.
    pub held: u32,
    /// Why no plan holds more, in words with figures.
    pub reason: String,
}

/// The objective's parts.
#[derive(Clone, Copy, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Cost {
    /// Σ weight × missing sessions.
    pub weighted_shortfall: f64,
    /// Distinct (requirement, weekday, slot) used.
    pub patterns: u32,
    /// Distinct (requirement, advisor) pairs.
    pub advisor_pairs: u32,
    /// Σ minutes from the advisor's base to the venue over sessions.
    pub base_travel_min: u64,
    /// Sessions of the busiest advisor over the horizon.
    pub peak_sessions: u32,
    /// The weighted total (what is minimised).
    pub total: f64,
}

/// Why a rotation breaks a rule.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Violation(pub String);

/// The cost of `sessions` under `p`'s weights, recomputed from scratch.
pub fn cost(p: &Problem, sessions: &[Session]) -> Cost {
    let mut held: BTreeMap<(usize, usize), u32> = BTreeMap::new();
    let mut patterns = BTreeSet::new();
    let mut pairs = BTreeSet::new();
    let mut base = 0u64;
    let mut per_advisor: BTreeMap<usize, u32> = BTreeMap::new();
    for s in sessions {
        *per_advisor.entry(s.advisor).or_default() += 1;
        *held.entry((s.requirement, p.days[s.day].week)).or_default() += 1;
        patterns.insert((s.requirement, p.days[s.day].weekday, s.slot));
        pairs.insert((s.requirement, s.advisor));
        base += u64::from(p.advisors[s.advisor].from_base_min[p.requirements[s.requirement].venue]);
    }
    let mut weighted_shortfall = 0.0;
    for (r, req) in p.requirements.iter().enumerate() {
        for w in 0..p.weeks() {
            let h = held.get(&(r, w)).copied().unwrap_or(0);
            weighted_shortfall += req.weight * f64::from(req.per_week.saturating_sub(h));
        }
    }
    let peak = per_advisor.values().copied().max().unwrap_or(0);
    let w = &p.weights;
    let total = w.shortfall * weighted_shortfall
        + w.irregular * patterns.len() as f64
        + w.advisor_change * pairs.len() as f64
        + w.travel_min * base as f64
        + w.balance * f64::from(peak);
    Cost {
        weighted_shortfall,
        patterns: patterns.len() as u32,
        advisor_pairs: pairs.len() as u32,
        base_travel_min: base,
        peak_sessions: peak,
        total,
    }
}

/// Checks every rule for `sessions`, sharing no code with the solver's model: kinds, hours, availability, one
/// session at a time with travel between, daily and weekly limits, spacing, at most the sessions wanted.
pub fn check(p: &Problem, sessions: &[Session]) -> Result<(), Violation> {
    let err = |m: String| Err(Violation(m));
    let mut seen = BTreeSet::new();
    for s in sessions {
        if s.day >= p.days.len()
            || s.slot >= p.slots.len()
            || s.requirement >= p.requirements.len()
            || s.advisor >= p.advisors.len()
        {
            return err(format!("{s:?} is out of range"));
        }
        if !seen.insert(*s) {
            return err(format!("{s:?} appears twice"));
        }
        let (a, r, day, slot) =
            (&p.advisors[s.advisor], &p.requirements[s.requirement], &p.days[s.day], p.slots[s.slot]);
        if !a.kinds.contains(&r.kind) {
            return err(format!("{} does not hold {} sessions", a.id, r.kind));
        }
        if let Some(l) = &r.language
            && !a.languages.contains(l)
        {
            return err(format!("{} does not advise in {l}", a.id));
        }
        if !r.weekdays.is_empty() && !r.weekdays.contains(&day.weekday) {
            return err(format!("requirement {} is not wanted on weekday {}", s.requirement, day.weekday));
        }
        let venue = &p.venues[r.venue];
        let inside = |h: &neuvo_model::OpeningHours| {
            h.days[day.weekday].iter().any(|&(x, y)| x <= slot.start && slot.end <= y)
        };
        if !inside(&venue.hours) {
            return err(format!(
                "{} is closed during {}-{} on {}",
                venue.id, slot.start, slot.end, day.label
            ));
        }
        // The advisor leaves their base and is back within their hours.
        let out = u32::from(slot.start).checked_sub(a.from_base_min[r.venue]);
        let back = a.to_base_min.get(r.venue).unwrap_or(&a.from_base_min[r.venue]);
        let home = u32::from(slot.end) + back;
        let fits = out.is_some_and(|leave| {
            a.available.days[day.weekday].iter().any(|&(x, y)| u32::from(x) <= leave && home <= u32::from(y))
        });
        if !inside(&a.available) || !fits {
            return err(format!(
                "{} cannot travel from their base, hold {}-{} and travel back within their hours on {}",
                a.id, slot.start, slot.end, day.label
            ));
        }
    }
    // Per advisor and day: no overlap, time to travel between consecutive sessions, the daily limit.
    let mut by_advisor_day: BTreeMap<(usize, usize), Vec<&Session>> = BTreeMap::new();
    for s in sessions {
        by_advisor_day.entry((s.advisor, s.day)).or_default().push(s);
    }
    for ((a, d), mut v) in by_advisor_day {
        let adv = &p.advisors[a];
        if v.len() as u32 > adv.max_per_day {
            return err(format!(
                "{} holds {} sessions on {} (at most {})",
                adv.id,
                v.len(),
                p.days[d].label,
                adv.max_per_day
            ));
        }
        v.sort_by_key(|s| p.slots[s.slot].start);
        for pair in v.windows(2) {
            let (x, y) = (pair[0], pair[1]);
            let (sx, sy) = (p.slots[x.slot], p.slots[y.slot]);
            if sy.start < sx.end {
                return err(format!("{} holds two sessions at once on {}", adv.id, p.days[d].label));
            }
            let travel =
                p.travel_min[p.requirements[x.requirement].venue][p.requirements[y.requirement].venue];
            if travel > u32::from(sy.start - sx.end) {
                return err(format!(
                    "{} cannot travel in {} min between sessions on {} ({travel} min needed)",
                    adv.id,
                    sy.start - sx.end,
                    p.days[d].label
                ));
            }
        }
    }
    // Per advisor and week: the weekly limit. Per requirement and week: at most the sessions wanted.
    let mut per_week: BTreeMap<(usize, usize), u32> = BTreeMap::new();
    let mut req_week: BTreeMap<(usize, usize), u32> = BTreeMap::new();
    for s in sessions {
        *per_week.entry((s.advisor, p.days[s.day].week)).or_default() += 1;
        *req_week.entry((s.requirement, p.days[s.day].week)).or_default() += 1;
    }
    for ((a, w), n) in per_week {
        if n > p.advisors[a].max_per_week {
            return err(format!(
                "{} holds {n} sessions in week {} (at most {})",
                p.advisors[a].id,
                w + 1,
                p.advisors[a].max_per_week
            ));
        }
    }
    for ((r, w), n) in req_week {
        if n > p.requirements[r].per_week {
            return err(format!(
                "requirement {r} has {n} sessions in week {} (wants {})",
                w + 1,
                p.requirements[r].per_week
            ));
        }
    }
    // Spacing: two sessions of one kind at one venue at least min_spacing_days apart (by position in the horizon,
    // days being consecutive calendar days).
    let mut by_group: BTreeMap<(usize, &str), Vec<usize>> = BTreeMap::new();
    for s in sessions {
        let r = &p.requirements[s.requirement];
        by_group.entry((r.venue, r.kind.as_str())).or_default().push(s.day);
    }
    for ((v, kind), mut days) in by_group {
        days.sort_unstable();
        for w in days.windows(2) {
            if ((w[1] - w[0]) as u32) < p.min_spacing_days {
                return err(format!(
                    "{} has {kind} sessions on {} and {}, closer than {} days",
                    p.venues[v].id, p.days[w[0]].label, p.days[w[1]].label, p.min_spacing_days
                ));
            }
        }
    }
    Ok(())
}
