//! The MILP against brute force on seeded tiny problems, the independent check on every rotation, and the
//! errors and explanations a planner reads.

use std::time::Duration;

use neuvo_model::{OpeningHours, SplitMix64};
use neuvo_schedule::brute::brute_force;
use neuvo_schedule::{
    Advisor, Day, Params, Problem, Requirement, ScheduleError, Slot, Venue, Weights, check, cost, solve,
};

fn hours(s: &str) -> OpeningHours {
    OpeningHours::parse(s).expect("hours")
}

fn days(first_weekday: usize, n: usize) -> Vec<Day> {
    (0..n)
        .map(|i| Day {
            label: format!("day{}", i + 1),
            weekday: (first_weekday + i) % 7,
            week: (first_weekday + i) / 7,
        })
        .collect()
}

fn random_problem(rng: &mut SplitMix64) -> Problem {
    let pick = |rng: &mut SplitMix64, n: u64| rng.below(n) as usize;
    let n_days = 2 + pick(rng, 3);
    let first = pick(rng, 7);
    let gap = [0u16, 30, 60, 120][pick(rng, 4)];
    let slots = vec![Slot { start: 9 * 60, end: 11 * 60 }, Slot { start: 11 * 60 + gap, end: 13 * 60 + gap }];
    let day_sets = ["Mo-Su 08:00-18:00", "Mo-Fr 08:00-16:00", "Tu,Th,Sa 10:00-16:00", "Mo-Su 08:00-12:00"];
    let n_venues = 1 + pick(rng, 2);
    let venues: Vec<Venue> =
        (0..n_venues).map(|v| Venue { id: format!("v{v}"), hours: hours(day_sets[pick(rng, 4)]) }).collect();
    let kinds = ["general", "debt"];
    let n_adv = 1 + pick(rng, 2);
    let advisors: Vec<Advisor> = (0..n_adv)
        .map(|a| Advisor {
            id: format!("a{a}"),
            kinds: if pick(rng, 3) == 0 {
                vec!["general".into(), "debt".into()]
            } else {
                vec![kinds[pick(rng, 2)].into()]
            },
            languages: if pick(rng, 2) == 0 { vec!["fi".into(), "sv".into()] } else { vec!["fi".into()] },
            available: hours(["Mo-Su 08:00-17:00", "Mo-Fr 09:00-13:30", "We-Su 08:00-16:00"][pick(rng, 3)]),
            max_per_day: 1 + pick(rng, 2) as u32,
            max_per_week: 1 + pick(rng, 4) as u32,
            from_base_min: (0..n_venues).map(|_| rng.below(40) as u32).collect(),
            to_base_min: if pick(rng, 2) == 0 {
                Vec::new()
            } else {
                (0..n_venues).map(|_| rng.below(40) as u32).collect()
            },
        })
        .collect();
    let n_req = 1 + pick(rng, 3);
    let requirements: Vec<Requirement> = (0..n_req)
        .map(|_| Requirement {
            venue: pick(rng, n_venues as u64),
            kind: kinds[pick(rng, 2)].into(),
            per_week: 1 + pick(rng, 2) as u32,
            weekdays: if pick(rng, 4) == 0 { vec![pick(rng, 7), pick(rng, 7)] } else { Vec::new() },
            language: if pick(rng, 4) == 0 { Some("sv".into()) } else { None },
            weight: 1.0 + rng.below(5) as f64,
        })
        .collect();
    let travel_min = (0..n_venues)
        .map(|v| (0..n_venues).map(|w| if v == w { 0 } else { 10 + rng.below(80) as u32 }).collect())
        .collect();
    Problem {
        days: days(first, n_days),
        slots,
        venues,
        advisors,
        requirements,
        travel_min,
        min_spacing_days: 1 + pick(rng, 2) as u32,
        weights: Weights {
            shortfall: 100.0,
            irregular: 3.0,
            advisor_change: 2.0,
            travel_min: 0.05,
            balance: 1.5,
        },
    }
}

#[test]
fn the_milp_equals_brute_force_on_seeded_tiny_problems() {
    let mut rng = SplitMix64::new(20261201);
    let (mut compared, mut with_shortfall, mut invalid) = (0, 0, 0);
    let params = Params { time_limit: Duration::from_secs(20), gap: 0.0, seed: 1 };
    while compared < 250 {
        let p = random_problem(&mut rng);
        if !neuvo_schedule::validate(&p).is_empty() {
            invalid += 1;
            assert!(matches!(solve(&p, &params), Err(ScheduleError::Invalid(_))));
            continue;
        }
        let Some((best, _)) = brute_force(&p) else { continue };
        let r = solve(&p, &params).expect("solves");
        assert!(r.optimal);
        assert!(check(&p, &r.sessions).is_ok());
        assert!(
            (r.cost.total - best).abs() < 1e-6,
            "problem {compared}: MILP {} vs brute force {best}\n{p:?}",
            r.cost.total
        );
        assert!((r.bound - r.cost.total).abs() < 1e-6 * (1.0 + best.abs()));
        assert_eq!(r.cost, cost(&p, &r.sessions));
        // Every week's missing sessions are listed with a reason, and only those.
        let missing: f64 = r
            .shortfalls
            .iter()
            .map(|s| p.requirements[s.requirement].weight * f64::from(s.wanted - s.held))
            .sum();
        assert!((missing - r.cost.weighted_shortfall).abs() < 1e-9);
        assert!(r.shortfalls.iter().all(|s| !s.reason.is_empty()));
        with_shortfall += usize::from(!r.shortfalls.is_empty());
        compared += 1;
    }
    // The generator must exercise both full and short rotations, and invalid input.
    assert!(with_shortfall > 20 && with_shortfall < 230, "{with_shortfall} of 250 with a shortfall");
    assert!(invalid > 5, "{invalid} invalid problems");
}

fn base(n_days: usize) -> Problem {
    Problem {
        days: days(0, n_days),
        slots: vec![Slot { start: 9 * 60, end: 12 * 60 }, Slot { start: 13 * 60, end: 16 * 60 }],
        venues: vec![
            Venue { id: "library".into(), hours: hours("Mo-Fr 08:00-20:00") },
            Venue { id: "hub".into(), hours: hours("Tu,Th 09:00-16:00") },
        ],
        advisors: vec![
            Advisor {
                id: "aino".into(),
                kinds: vec!["general".into()],
                languages: vec!["fi".into(), "sv".into()],
                available: hours("Mo-Fr 08:00-16:00"),
                max_per_day: 2,
                max_per_week: 8,
                from_base_min: vec![10, 20],
                to_base_min: Vec::new(),
            },
            Advisor {
                id: "ville".into(),
                kinds: vec!["debt".into()],
                languages: vec!["fi".into()],
                available: hours("Mo-Th 08:00-16:00"),
                max_per_day: 1,
                max_per_week: 2,
                from_base_min: vec![15, 5],
                to_base_min: Vec::new(),
            },
        ],
        requirements: vec![
            Requirement {
                venue: 0,
                kind: "general".into(),
                per_week: 2,
                weekdays: Vec::new(),
                language: None,
                weight: 3.0,
            },
            Requirement {
                venue: 1,
                kind: "debt".into(),
                per_week: 1,
                weekdays: vec![1],
                language: None,
                weight: 2.0,
            },
        ],
        travel_min: vec![vec![0, 25], vec![25, 0]],
        min_spacing_days: 2,
        weights: Weights::default(),
    }
}

#[test]
fn sessions_repeat_on_the_same_weekday_and_hour_every_week() {
    let p = base(21);
    let r = solve(&p, &Params::default()).unwrap();
    assert!(r.shortfalls.is_empty(), "{:?}", r.shortfalls);
    assert_eq!(r.sessions.len(), 3 * 3);
    // Two general sessions and one debt session a week, each on one weekday and slot for all three weeks.
    assert_eq!(r.cost.patterns, 3);
    assert_eq!(r.cost.advisor_pairs, 2);
    // The debt adviser is at the hub on Tuesdays (the requirement's weekday).
    for s in r.sessions.iter().filter(|s| s.requirement == 1) {
        assert_eq!(p.days[s.day].weekday, 1);
        assert_eq!(s.advisor, 1);
    }
}

#[test]
fn contradictions_are_errors_that_say_what_to_do() {
    let mut p = base(7);
    p.requirements[1].per_week = 2;
    p.advisors.push(Advisor {
        id: "nobody".into(),
        kinds: vec!["career".into()],
        languages: Vec::new(),
        available: OpeningHours::default(),
        max_per_day: 1,
        max_per_week: 1,
        from_base_min: vec![0, 0],
        to_base_min: Vec::new(),
    });
    p.requirements.push(Requirement {
        venue: 0,
        kind: "social".into(),
        per_week: 1,
        weekdays: Vec::new(),
        language: None,
        weight: 1.0,
    });
    let Err(ScheduleError::Invalid(issues)) = solve(&p, &Params::default()) else {
        panic!("expected errors")
    };
    let text: Vec<String> = issues.iter().map(ToString::to_string).collect();
    assert!(text.iter().any(|t| t.contains("advisors[2] (nobody): has no available hours")), "{text:?}");
    assert!(
        text.iter().any(|t| t.contains("(hub debt)")
            && t.contains("2 sessions a week cannot be 2 days apart")
            && t.contains("at most 1")),
        "{text:?}"
    );
    assert!(text.iter().any(|t| t.contains("no advisor holds \"social\" sessions")), "{text:?}");
    // A language no advisor of the kind speaks.
    let mut p = base(7);
    p.requirements[0].language = Some("en".into());
    let e = solve(&p, &Params::default()).unwrap_err().to_string();
    assert!(e.contains("no advisor holding \"general\" sessions advises in \"en\""), "{e}");
    // With Swedish asked, only a Swedish-speaking advisor holds the session.
    let mut p = base(7);
    p.requirements[0].language = Some("sv".into());
    let r = solve(&p, &Params::default()).unwrap();
    assert!(
        r.sessions
            .iter()
            .filter(|s| s.requirement == 0)
            .all(|s| p.advisors[s.advisor].languages.contains(&"sv".to_owned()))
    );
    // A hub open on no weekday the debt adviser works.
    let mut p = base(7);
    p.venues[1].hours = hours("Fr 09:00-16:00");
    p.requirements[1].weekdays.clear();
    let e = solve(&p, &Params::default()).unwrap_err().to_string();
    assert!(e.contains("no weekday has a whole session slot when hub is open"), "{e}");
}

#[test]
fn what_cannot_be_placed_is_explained() {
    // Two debt requirements want three sessions a week between them; the one debt adviser may hold two.
    let mut p = base(7);
    p.requirements.push(Requirement {
        venue: 0,
        kind: "debt".into(),
        per_week: 2,
        weekdays: Vec::new(),
        language: None,
        weight: 1.0,
    });
    let r = solve(&p, &Params::default()).unwrap();
    assert_eq!(r.shortfalls.len(), 1, "{:?}", r.shortfalls);
    let s = &r.shortfalls[0];
    // The cheaper requirement (weight 1) loses its session, not the hub's (weight 2).
    assert_eq!((s.requirement, s.wanted, s.held), (2, 2, 1));
    assert!(s.reason.contains("can hold at most 2 in week 1 and the venues want 3"), "{}", s.reason);
    // Too little time to travel between venues: one general advisor, both slots wanted at two venues 90 min apart.
    let mut p = base(1);
    p.days = days(1, 1);
    p.travel_min = vec![vec![0, 90], vec![90, 0]];
    p.advisors[1].kinds = vec!["nothing".into()];
    p.requirements = vec![
        Requirement {
            venue: 0,
            kind: "general".into(),
            per_week: 1,
            weekdays: Vec::new(),
            language: None,
            weight: 1.0,
        },
        Requirement {
            venue: 1,
            kind: "general".into(),
            per_week: 1,
            weekdays: Vec::new(),
            language: None,
            weight: 1.0,
        },
    ];
    // Aino works until 17:00, so both slots leave time to drive home: only the 90 minutes between venues bind.
    p.advisors[0].available = hours("Mo-Fr 08:00-17:00");
    let r = solve(&p, &Params::default()).unwrap();
    assert_eq!(r.sessions.len(), 1);
    assert!(
        r.shortfalls[0].reason.contains("cannot travel there in time")
            || r.shortfalls[0].reason.contains("other venues"),
        "{}",
        r.shortfalls[0].reason
    );
    let (best, _) = brute_force(&p).unwrap();
    assert!((r.cost.total - best).abs() < 1e-9);
    // Until 16:00 with 10 minutes' drive home, the afternoon slot at the library (13:00-16:00) cannot be held.
    p.advisors[0].available = hours("Mo-Fr 08:00-16:00");
    p.travel_min = vec![vec![0, 30], vec![30, 0]];
    p.requirements.truncate(1);
    p.requirements[0].per_week = 1;
    let r = solve(&p, &Params::default()).unwrap();
    assert!(r.sessions.iter().all(|s| p.slots[s.slot].start == 9 * 60), "{:?}", r.sessions);
}
