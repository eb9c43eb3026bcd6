//! Checks of a problem before solving: shapes, advisors with no hours, kinds nobody holds, and frequencies that
//! spacing or opening hours make impossible, each with the field and what to do.

use serde::{Deserialize, Serialize};

use crate::problem::Problem;

/// One problem with the input.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Issue {
    /// Where: `advisors[2]` or `requirements[0]` with the id.
    pub field: String,
    /// What is wrong and what to do.
    pub message: String,
}

impl std::fmt::Display for Issue {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.field, self.message)
    }
}

/// The weekdays (Monday = 0) on which requirement `r` can be held at all: its weekdays, its venue open for a whole
/// slot, and an advisor of its kind available then.
pub fn usable_weekdays(p: &Problem, r: usize) -> Vec<usize> {
    let req = &p.requirements[r];
    (0..7)
        .filter(|&wd| req.weekdays.is_empty() || req.weekdays.contains(&wd))
        .filter(|&wd| {
            p.slots.iter().any(|s| {
                p.venues[req.venue].hours.is_open(wd, s.start, s.end)
                    && p.advisors.iter().any(|a| {
                        a.kinds.contains(&req.kind)
                            && req.language.as_ref().is_none_or(|l| a.languages.contains(l))
                            && a.can_hold(wd, req.venue, *s)
                    })
            })
        })
        .collect()
}

/// The most sessions a week that `weekdays` allow when sessions are at least `spacing` days apart, also across the
/// end of one week and the start of the next (the rotation repeats).
pub fn max_per_week(weekdays: &[usize], spacing: u32) -> u32 {
    let spacing = spacing.max(1) as usize;
    let mut best = 0;
    for mask in 0u32..128 {
        let days: Vec<usize> = (0..7).filter(|d| mask & (1 << d) != 0).collect();
        if !days.iter().all(|d| weekdays.contains(d)) {
            continue;
        }
        let ok = days.windows(2).all(|w| w[1] - w[0] >= spacing)
            && (days.len() < 2 || days[0] + 7 - days[days.len() - 1] >= spacing);
        if ok {
            best = best.max(days.len() as u32);
        }
    }
    best
}

/// Every problem with `p`, at once.
pub fn validate(p: &Problem) -> Vec<Issue> {
    let mut out = Vec::new();
    let mut issue = |field: String, message: String| out.push(Issue { field, message });
    if p.days.is_empty() {
        issue("days".into(), "the horizon has no days".into());
    }
    if p.days.iter().any(|d| d.weekday > 6) {
        issue("days".into(), "a weekday must be 0 (Monday) to 6 (Sunday)".into());
    }
    if p.slots.is_empty() {
        issue("slots".into(), "no session slots: give the hours sessions run, e.g. 09:00-12:00".into());
    }
    for (i, s) in p.slots.iter().enumerate() {
        if s.start >= s.end || s.end > 24 * 60 {
            issue(
                format!("slots[{i}]"),
                format!("a slot must start before it ends within the day, found {}-{}", s.start, s.end),
            );
        }
        if i > 0 && p.slots[i - 1].end > s.start {
            issue(format!("slots[{i}]"), "slots must be sorted and must not overlap".into());
        }
    }
    let n = p.venues.len();
    if p.travel_min.len() != n || p.travel_min.iter().any(|r| r.len() != n) {
        issue("travel_min".into(), format!("must be {n} × {n}, one row and column per venue"));
    }
    if p.min_spacing_days == 0 {
        issue(
            "min_spacing_days".into(),
            "must be at least 1 (1: at most one session of a kind a day at a venue)".into(),
        );
    }
    for (i, a) in p.advisors.iter().enumerate() {
        let f = format!("advisors[{i}] ({})", a.id);
        if a.available.weekly_minutes() == 0 {
            issue(
                f.clone(),
                "has no available hours: give their working hours (e.g. Mo-Fr 08:00-16:00)".into(),
            );
        } else if !p.slots.iter().any(|s| (0..7).any(|wd| a.available.is_open(wd, s.start, s.end))) {
            issue(
                f.clone(),
                "is never available for a whole session slot: widen their hours or the slots".into(),
            );
        }
        if a.kinds.is_empty() {
            issue(f.clone(), "holds no kind of session: list at least one (general, debt, …)".into());
        }
        if !a.to_base_min.is_empty() && a.to_base_min.len() != n {
            issue(
                f.clone(),
                format!("needs a travel time back to their base from each of the {n} venues, or none"),
            );
        }
        if a.from_base_min.len() != n {
            issue(f.clone(), format!("needs a travel time from their base to each of the {n} venues"));
        }
        if a.max_per_day == 0 || a.max_per_week == 0 {
            issue(f, "may hold no session (max_per_day or max_per_week is 0)".into());
        }
    }
    for (r, req) in p.requirements.iter().enumerate() {
        let Some(venue) = p.venues.get(req.venue) else {
            issue(format!("requirements[{r}]"), format!("venue {} does not exist", req.venue));
            continue;
        };
        let f = format!("requirements[{r}] ({} {})", venue.id, req.kind);
        if !(req.weight.is_finite() && req.weight >= 0.0) {
            issue(f.clone(), format!("weight must be a number ≥ 0, found {}", req.weight));
        }
        if req.weekdays.iter().any(|&d| d > 6) {
            issue(f.clone(), "weekdays must be 0 (Monday) to 6 (Sunday)".into());
        }
        if !p.advisors.iter().any(|a| a.kinds.contains(&req.kind)) {
            issue(
                f.clone(),
                format!("no advisor holds {:?} sessions: add one, or drop the requirement", req.kind),
            );
            continue;
        }
        if let Some(l) = &req.language
            && !p.advisors.iter().any(|a| a.kinds.contains(&req.kind) && a.languages.contains(l))
        {
            issue(
                f.clone(),
                format!(
                    "no advisor holding {:?} sessions advises in {l:?}: add one, or drop the language",
                    req.kind
                ),
            );
            continue;
        }
        if req.per_week == 0 {
            continue;
        }
        let usable = usable_weekdays(p, r);
        if usable.is_empty() {
            issue(
                f.clone(),
                format!(
                    "no weekday has a whole session slot when {} is open ({}) and a {} advisor works: check its hours, the slots and the advisors' hours",
                    venue.id, venue.hours, req.kind
                ),
            );
            continue;
        }
        let most = max_per_week(&usable, p.min_spacing_days);
        if req.per_week > most {
            issue(
                f,
                format!(
                    "{} sessions a week cannot be {} days apart on the {} usable weekdays ({}): at most {most}; ask for fewer sessions or a shorter spacing",
                    req.per_week,
                    p.min_spacing_days,
                    usable.len(),
                    usable.iter().map(|&d| neuvo_model::WEEKDAYS[d]).collect::<Vec<_>>().join(", ")
                ),
            );
        }
    }
    // Requirements sharing a venue and kind share the spacing.
    let mut groups: std::collections::BTreeMap<(usize, &str), Vec<usize>> = std::collections::BTreeMap::new();
    for (r, req) in p.requirements.iter().enumerate() {
        if req.venue < p.venues.len() && req.per_week > 0 {
            groups.entry((req.venue, req.kind.as_str())).or_default().push(r);
        }
    }
    for ((v, kind), members) in groups.into_iter().filter(|(_, m)| m.len() > 1) {
        let mut usable: Vec<usize> = members.iter().flat_map(|&r| usable_weekdays(p, r)).collect();
        usable.sort_unstable();
        usable.dedup();
        let total: u32 = members.iter().map(|&r| p.requirements[r].per_week).sum();
        let most = max_per_week(&usable, p.min_spacing_days);
        if total > most {
            out.push(Issue {
                field: format!("requirements {members:?} ({} {kind})", p.venues[v].id),
                message: format!(
                    "together want {total} {kind} sessions a week at {}, but sessions {} days apart allow at most {most}; ask for fewer or shorten the spacing",
                    p.venues[v].id, p.min_spacing_days
                ),
            });
        }
    }
    out
}
