//! The rotation as a MILP (good_lp to build it, the `highs` crate to set options and read the dual bound).
//!
//! Columns: binary `x[a,r,d,s]` for every advisor, requirement, day and slot where the session is allowed (kind,
//! venue hours, availability, weekdays); continuous `short[r,w] ≥ 0` (sessions missing in a week), `u[r,wd,s] ∈
//! [0,1]` (the requirement uses this weekday and slot: fewer means the same day and hour every week) and `q[r,a] ∈
//! {0,1}` (advisor `a` works at requirement `r`; binary, as the big-M row would let a fraction count).
//!
//! Rows: one session per advisor and slot; for each session and each later slot of the day, the session plus every
//! session it conflicts with there (no time to travel between the venues) at most 1; sessions per advisor per day
//! and per week; sessions per requirement per week at most those wanted, `short` the rest; in every window of
//! `min_spacing_days` consecutive days at most one session of a kind at a venue; `u ≥ Σ_a x` per day and slot;
//! `Σ x ≤ M q` per requirement and advisor; `peak ≥` each advisor's sessions (the busiest advisor's count, weighed
//! to spread the work).

use std::collections::BTreeMap;
use std::time::Duration;

use good_lp::solvers::highs::highs;
use good_lp::{Expression, ProblemVariables, Variable, variable};
use highs::{HighsModelStatus, HighsSolutionStatus};

use crate::problem::Problem;
use crate::solution::Session;

/// Solver settings.
#[derive(Clone, Copy, Debug)]
pub struct MilpSettings {
    /// Time limit.
    pub time_limit: Duration,
    /// Relative gap at which to stop.
    pub gap: f64,
    /// HiGHS's random seed.
    pub seed: u64,
}

/// The size of the model.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, serde::Serialize)]
pub struct ModelSize {
    /// Binary session columns.
    pub binaries: usize,
    /// All columns.
    pub columns: usize,
    /// Rows.
    pub rows: usize,
}

/// What HiGHS found.
#[derive(Clone, Debug)]
pub struct MilpOutcome {
    /// The sessions of the best rotation found.
    pub sessions: Vec<Session>,
    /// Its objective.
    pub objective: f64,
    /// The dual bound.
    pub bound: f64,
    /// Whether optimality was proven.
    pub optimal: bool,
    /// The model's size.
    pub size: ModelSize,
}

/// Builds and solves the model; `Err` with HiGHS's words when it fails.
pub fn solve(p: &Problem, settings: &MilpSettings) -> Result<MilpOutcome, String> {
    let mut vars = ProblemVariables::new();
    let mut x: Vec<(Session, Variable)> = Vec::new();
    for d in 0..p.days.len() {
        for s in 0..p.slots.len() {
            for r in 0..p.requirements.len() {
                if p.requirements[r].per_week == 0 {
                    continue;
                }
                for a in 0..p.advisors.len() {
                    if p.allowed(a, r, d, s) {
                        x.push((
                            Session { day: d, slot: s, requirement: r, advisor: a },
                            vars.add(variable().binary()),
                        ));
                    }
                }
            }
        }
    }
    let weeks = p.weeks();
    let short: Vec<Vec<Variable>> = (0..p.requirements.len())
        .map(|_| (0..weeks).map(|_| vars.add(variable().min(0.0))).collect())
        .collect();
    let mut u: BTreeMap<(usize, usize, usize), Variable> = BTreeMap::new();
    let mut q: BTreeMap<(usize, usize), Variable> = BTreeMap::new();
    for (sess, _) in &x {
        u.entry((sess.requirement, p.days[sess.day].weekday, sess.slot))
            .or_insert_with(|| vars.add(variable().min(0.0).max(1.0)));
        q.entry((sess.requirement, sess.advisor)).or_insert_with(|| vars.add(variable().binary()));
    }
    let peak = vars.add(variable().min(0.0));
    let w = &p.weights;
    let mut objective = Expression::default();
    if w.balance > 0.0 {
        objective += w.balance * peak;
    }
    for (r, row) in short.iter().enumerate() {
        for v in row {
            objective += w.shortfall * p.requirements[r].weight * *v;
        }
    }
    for v in u.values() {
        objective += w.irregular * *v;
    }
    for v in q.values() {
        objective += w.advisor_change * *v;
    }
    for (sess, v) in &x {
        let minutes = p.advisors[sess.advisor].from_base_min[p.requirements[sess.requirement].venue];
        if minutes > 0 {
            objective += w.travel_min * f64::from(minutes) * *v;
        }
    }
    let columns = vars.len();
    let mut model = vars.minimise(objective).using(highs);
    let mut rows = 0usize;
    let mut add = |model: &mut _, c: good_lp::Constraint| {
        good_lp::SolverModel::add_constraint(model, c);
        rows += 1;
    };

    // Index the session columns by (advisor, day) and by (requirement, day).
    let mut by_ad: BTreeMap<(usize, usize), Vec<usize>> = BTreeMap::new();
    let mut by_rd: BTreeMap<(usize, usize), Vec<usize>> = BTreeMap::new();
    for (i, (sess, _)) in x.iter().enumerate() {
        by_ad.entry((sess.advisor, sess.day)).or_default().push(i);
        by_rd.entry((sess.requirement, sess.day)).or_default().push(i);
    }
    for cols in by_ad.values() {
        let a = x[cols[0]].0.advisor;
        // One session per slot.
        let mut per_slot: BTreeMap<usize, Vec<usize>> = BTreeMap::new();
        for &i in cols {
            per_slot.entry(x[i].0.slot).or_default().push(i);
        }
        for v in per_slot.values().filter(|v| v.len() > 1) {
            let e: Expression = v.iter().map(|&i| x[i].1).sum();
            add(&mut model, e.leq(1.0));
        }
        // Travel between sessions of the day.
        for &i in cols {
            let si = x[i].0;
            let mut later: BTreeMap<usize, Vec<usize>> = BTreeMap::new();
            for &j in cols {
                let sj = x[j].0;
                if p.slots[sj.slot].start > p.slots[si.slot].start
                    && p.conflict((si.requirement, si.slot), (sj.requirement, sj.slot))
                {
                    later.entry(sj.slot).or_default().push(j);
                }
            }
            for v in later.values() {
                let e: Expression = x[i].1 + v.iter().map(|&j| x[j].1).sum::<Expression>();
                add(&mut model, e.leq(1.0));
            }
        }
        let max = p.advisors[a].max_per_day;
        if cols.len() as u32 > max {
            let e: Expression = cols.iter().map(|&i| x[i].1).sum();
            add(&mut model, e.leq(f64::from(max)));
        }
    }
    // Weekly limits per advisor; sessions per requirement per week.
    let mut by_aw: BTreeMap<(usize, usize), Vec<usize>> = BTreeMap::new();
    let mut by_rw: BTreeMap<(usize, usize), Vec<usize>> = BTreeMap::new();
    for (i, (sess, _)) in x.iter().enumerate() {
        by_aw.entry((sess.advisor, p.days[sess.day].week)).or_default().push(i);
        by_rw.entry((sess.requirement, p.days[sess.day].week)).or_default().push(i);
    }
    for (&(a, _), cols) in &by_aw {
        let max = p.advisors[a].max_per_week;
        if cols.len() as u32 > max {
            let e: Expression = cols.iter().map(|&i| x[i].1).sum();
            add(&mut model, e.leq(f64::from(max)));
        }
    }
    for (r, req) in p.requirements.iter().enumerate() {
        for (wk, sv) in short[r].iter().enumerate() {
            let cols = by_rw.get(&(r, wk)).map(Vec::as_slice).unwrap_or(&[]);
            let held: Expression = cols.iter().map(|&i| x[i].1).sum();
            add(&mut model, (held.clone() + *sv).geq(f64::from(req.per_week)));
            if cols.len() as u32 > req.per_week {
                add(&mut model, held.leq(f64::from(req.per_week)));
            }
        }
    }
    // Spacing: every window of min_spacing_days consecutive days holds at most one session of a kind at a venue
    // (all requirements of that venue and kind together: a Swedish-language general session counts as general).
    let mut groups: BTreeMap<(usize, &str), Vec<usize>> = BTreeMap::new();
    for (r, req) in p.requirements.iter().enumerate() {
        groups.entry((req.venue, req.kind.as_str())).or_default().push(r);
    }
    let span = p.min_spacing_days.max(1) as usize;
    for members in groups.values() {
        for d0 in 0..p.days.len() {
            let mut cols: Vec<usize> = Vec::new();
            for d in d0..(d0 + span).min(p.days.len()) {
                for &r in members {
                    cols.extend(by_rd.get(&(r, d)).into_iter().flatten().copied());
                }
            }
            if cols.len() > 1 {
                let e: Expression = cols.iter().map(|&i| x[i].1).sum();
                add(&mut model, e.leq(1.0));
            }
            if d0 + span >= p.days.len() {
                break;
            }
        }
    }
    // The busiest advisor's sessions.
    if p.weights.balance > 0.0 {
        let mut by_a: BTreeMap<usize, Vec<usize>> = BTreeMap::new();
        for (i, (sess, _)) in x.iter().enumerate() {
            by_a.entry(sess.advisor).or_default().push(i);
        }
        for cols in by_a.values() {
            let e: Expression = cols.iter().map(|&i| x[i].1).sum();
            add(&mut model, e.leq(peak));
        }
    }
    // Patterns and advisor pairs.
    let mut by_rds: BTreeMap<(usize, usize, usize), Vec<usize>> = BTreeMap::new();
    let mut by_ra: BTreeMap<(usize, usize), Vec<usize>> = BTreeMap::new();
    for (i, (sess, _)) in x.iter().enumerate() {
        by_rds.entry((sess.requirement, sess.day, sess.slot)).or_default().push(i);
        by_ra.entry((sess.requirement, sess.advisor)).or_default().push(i);
    }
    for (&(r, d, s), cols) in &by_rds {
        let e: Expression = cols.iter().map(|&i| x[i].1).sum();
        add(&mut model, e.leq(u[&(r, p.days[d].weekday, s)]));
    }
    for (&(r, a), cols) in &by_ra {
        let big = cols.len().min(p.requirements[r].per_week as usize * weeks).max(1) as f64;
        let e: Expression = cols.iter().map(|&i| x[i].1).sum();
        add(&mut model, e.leq(big * q[&(r, a)]));
    }

    let size = ModelSize { binaries: x.len(), columns, rows };
    let mut m = model.into_inner();
    m.make_quiet();
    let set = |m: &mut highs::Model, k: &str, v: f64| {
        m.try_set_option(k, v).map_err(|_| format!("HiGHS rejected {k}"))
    };
    m.try_set_option("threads", 1i32).map_err(|_| "HiGHS rejected threads".to_owned())?;
    m.try_set_option("random_seed", (settings.seed % 2_147_483_647) as i32)
        .map_err(|_| "HiGHS rejected random_seed".to_owned())?;
    set(&mut m, "time_limit", settings.time_limit.as_secs_f64().max(1e-3))?;
    set(&mut m, "mip_rel_gap", settings.gap)?;
    let solved = m.try_solve().map_err(|e| format!("HiGHS run failed: {e:?}"))?;
    let status = solved.status();
    let optimal = match status {
        HighsModelStatus::Optimal => true,
        HighsModelStatus::ModelEmpty => {
            return Ok(MilpOutcome { sessions: Vec::new(), objective: 0.0, bound: 0.0, optimal: true, size });
        }
        HighsModelStatus::ReachedTimeLimit
        | HighsModelStatus::ReachedInterrupt
        | HighsModelStatus::ReachedIterationLimit => false,
        other => return Err(format!("HiGHS ended with status {other:?}")),
    };
    if solved.primal_solution_status() != HighsSolutionStatus::Feasible {
        return Err("the time limit ran out before HiGHS found any rotation; raise the time limit".into());
    }
    let objective = solved.objective_value();
    let bound =
        if optimal { objective } else { solved.double_info_value(c"mip_dual_bound").unwrap_or(f64::NAN) };
    let values = solved.get_solution().columns().to_vec();
    // good_lp adds columns in the order of `vars`: the x columns came first.
    let mut sessions: Vec<Session> =
        x.iter().enumerate().filter(|(i, _)| values[*i] > 0.5).map(|(_, (s, _))| *s).collect();
    sessions.sort();
    Ok(MilpOutcome { sessions, objective, bound, optimal, size })
}
