//! Seeded random instances for the tests: points on a 10 km square, straight-line travel at 30 km/h (times in
//! seconds, costs in metres), visits with windows, skills, languages, optional penalties and preferences.
#![allow(dead_code, unreachable_pub)]

use neuvo_model::SplitMix64;
use neuvo_route::{Matrix, Objective, Params, Problem, TimeWindow, Vehicle, Visit};

pub struct Spec {
    pub visits: usize,
    pub vehicles: usize,
    pub optional_share: f64,
    pub multi_window_share: f64,
    pub skills: bool,
    pub preference: bool,
    pub pinned: bool,
    pub capacity: Option<i64>,
    pub max_work: Option<i64>,
    pub breaks: bool,
}

impl Spec {
    pub fn plain(visits: usize, vehicles: usize) -> Spec {
        Spec {
            visits,
            vehicles,
            optional_share: 0.0,
            multi_window_share: 0.0,
            skills: false,
            preference: false,
            pinned: false,
            capacity: None,
            max_work: None,
            breaks: false,
        }
    }
}

pub fn instance(seed: u64, spec: &Spec) -> Problem {
    let mut rng = SplitMix64::new(seed);
    let depots = 2;
    let n = depots + spec.visits;
    let pts: Vec<(f64, f64)> =
        (0..n).map(|_| (rng.unit_f64() * 10_000.0, rng.unit_f64() * 10_000.0)).collect();
    let mut durations = vec![0; n * n];
    let mut costs = vec![0; n * n];
    for a in 0..n {
        for b in 0..n {
            let d = ((pts[a].0 - pts[b].0).powi(2) + (pts[a].1 - pts[b].1).powi(2)).sqrt();
            costs[a * n + b] = d.round() as i64;
            durations[a * n + b] = (d / (30.0 / 3.6)).ceil() as i64;
        }
    }
    let day = (8 * 3600, 16 * 3600);
    let mut vehicles: Vec<Vehicle> = (0..spec.vehicles)
        .map(|k| {
            let mut v = Vehicle::new(format!("a{k}"), 0, k % depots, TimeWindow::new(day.0, day.1));
            if spec.skills {
                v.skills = if k % 2 == 0 { vec!["debt".into()] } else { vec!["digital".into()] };
                v.languages = if k % 3 == 0 { vec!["fi".into(), "sv".into()] } else { vec!["fi".into()] };
            }
            if let Some(c) = spec.capacity {
                v.capacity = c;
            }
            v.max_work = spec.max_work;
            if spec.breaks {
                v.breaks = vec![neuvo_route::Break {
                    window: TimeWindow::new(11 * 3600, 13 * 3600),
                    duration: 1800,
                }];
            }
            v
        })
        .collect();
    if spec.vehicles > 1 {
        vehicles[1].end = 0;
    }
    let mut visits = Vec::new();
    for i in 0..spec.visits {
        let start = day.0 + (rng.below(6 * 3600) as i64);
        let width = 3600 + rng.below(3 * 3600) as i64;
        let mut v = Visit::new(
            format!("c{i}"),
            depots + i,
            TimeWindow::new(start, start + width),
            1800 + 300 * rng.below(7) as i64,
        );
        if rng.unit_f64() < spec.multi_window_share {
            let s2 = (start + width + 3600).min(day.1 - 1800);
            v.windows.push(TimeWindow::new(s2, (s2 + 3600).min(day.1)));
        }
        if rng.unit_f64() < spec.optional_share {
            v.penalty = Some(2_000 + rng.below(20_000) as i64);
        }
        if spec.skills {
            match rng.below(4) {
                0 => v.skills_all = vec!["debt".into()],
                1 => v.skills_any = vec!["debt".into(), "digital".into()],
                2 => v.languages = vec!["sv".into()],
                _ => {}
            }
        }
        if spec.preference && spec.vehicles > 0 {
            v.preferred = Some(rng.below(spec.vehicles as u64) as usize);
        }
        v.demand = 1 + rng.below(3) as i64;
        visits.push(v);
    }
    if spec.pinned && spec.visits > 0 {
        // A pop-up session at the last visit's place, 10:00–12:00, bound to advisor 0.
        let v = visits.last_mut().expect("a visit");
        v.windows = vec![TimeWindow::new(10 * 3600, 10 * 3600)];
        v.service = 2 * 3600;
        v.vehicle = Some(0);
        v.penalty = None;
        v.skills_all.clear();
        v.skills_any.clear();
        v.languages.clear();
    }
    Problem {
        matrices: vec![Matrix { size: n, durations, costs }],
        visits,
        vehicles,
        objective: Objective {
            preference_cost: if spec.preference { 500 } else { 0 },
            ..Objective::default()
        },
    }
}

pub fn params(seed: u64, iterations: u64) -> Params {
    Params { seed, time_limit: None, max_iterations: Some(iterations), ..Params::default() }
}
