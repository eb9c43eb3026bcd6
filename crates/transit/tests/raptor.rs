//! RAPTOR against the brute-force time-expanded search: on small timetables written by hand (with overtaking
//! trips, loops and a trip past midnight) and on seeded random ones, for one departure and for every departure
//! of a range.

use neuvo_model::{LonLat, SplitMix64};
use neuvo_transit::brute::earliest_arrivals;
use neuvo_transit::{
    Params, Raptor, Route, RouteKind, Secs, Stop, Timetable, Transfers, TripInput, UNREACHED, Window,
};

fn stops(n: usize) -> Vec<Stop> {
    (0..n)
        .map(|i| Stop {
            id: format!("s{i}"),
            name: format!("Stop {i}"),
            pos: LonLat::try_new(24.9 + i as f64 * 0.001, 60.17).expect("valid"),
        })
        .collect()
}

fn routes(n: usize) -> Vec<Route> {
    (0..n).map(|i| Route { id: format!("r{i}"), name: format!("{i}"), kind: RouteKind::Bus }).collect()
}

fn trip(route: u32, id: &str, calls: &[(u32, Secs)]) -> TripInput {
    TripInput {
        route,
        id: id.to_owned(),
        stops: calls.iter().map(|c| c.0).collect(),
        times: calls.iter().map(|c| (c.1, c.1)).collect(),
    }
}

fn check_same(
    n: usize,
    trips: &[TripInput],
    transfers: &Transfers,
    params: Params,
    access: &[(u32, Secs)],
    window: Window,
    what: &str,
) {
    let tt = Timetable::build("test".into(), stops(n), routes(4), trips).expect("valid trips");
    let mut r = Raptor::new(&tt, transfers, params);
    // Every departure of the range against the brute force, and against a single run.
    let mut seen = 0;
    let mut ranged: Vec<(Secs, Vec<Secs>, Vec<Secs>)> = Vec::new();
    r.run_range(access, window, |d, l| {
        seen += 1;
        ranged.push((
            d,
            (0..n as u32).map(|s| l.ride(s)).collect(),
            (0..n as u32).map(|s| l.ready(s)).collect(),
        ));
    });
    assert_eq!(seen, window.departures().len(), "{what}: one visit per departure");
    for (d, ride, ready) in ranged {
        let b = earliest_arrivals(n, trips, transfers, params, access, d);
        assert_eq!(ride, b.ride, "{what}: ride labels at departure {d}");
        assert_eq!(ready, b.ready, "{what}: ready labels at departure {d}");
        let single = r.run(access, d);
        let sr: Vec<Secs> = (0..n as u32).map(|s| single.ride(s)).collect();
        assert_eq!(sr, b.ride, "{what}: single run at departure {d}");
    }
}

#[test]
fn hand_written_timetable_with_overtaking_loop_and_midnight() {
    // Stops 0..6. Route 0: a local 0→1→2→3 every 10 min and an express on the same stops that overtakes one
    // local. Route 1: a loop 3→4→3→5. Route 2: a night trip 2→5 past midnight.
    let mut trips = Vec::new();
    for k in 0..4 {
        let t = 1000 + 600 * k;
        trips.push(trip(0, &format!("local{k}"), &[(0, t), (1, t + 300), (2, t + 600), (3, t + 900)]));
    }
    trips.push(trip(0, "express", &[(0, 1300), (1, 1400), (2, 1500), (3, 1550)]));
    trips.push(trip(1, "loop", &[(3, 2000), (4, 2300), (3, 2600), (5, 2700)]));
    trips.push(trip(2, "night", &[(2, 86_000), (5, 87_000)]));
    let transfers = Transfers::new(6, vec![(1, 4, 120), (4, 1, 120), (3, 5, 900)]);
    for max_transfers in 0..4 {
        let params = Params { max_transfers, board_slack: 60 };
        check_same(6, &trips, &transfers, params, &[(0, 30)], Window::minutes(800, 30), "hand-written");
        check_same(
            6,
            &trips,
            &transfers,
            params,
            &[(0, 0), (2, 400)],
            Window::minutes(85_000, 20),
            "midnight",
        );
    }
    // And one property read off by hand: leaving stop 0 at 1180 s (board by 1240) the express (1300) arrives
    // at stop 3 at 1550, before the local it overtakes (1600 → 1900).
    let tt = Timetable::build("t".into(), stops(6), routes(4), &trips).expect("valid");
    let mut r = Raptor::new(&tt, &transfers, Params { max_transfers: 0, board_slack: 60 });
    assert_eq!(r.run(&[(0, 0)], 1180).ride(3), 1550);
    assert_eq!(
        r.run(&[(0, 0)], 1241).ride(3),
        2500,
        "after the express left, the 1600 local arrives at 2500"
    );
}

fn random_case(rng: &mut SplitMix64) -> (usize, Vec<TripInput>, Transfers) {
    let n = 4 + rng.below(9) as usize;
    let mut trips = Vec::new();
    for route in 0..(1 + rng.below(4) as u32) {
        // A random stop sequence (a stop may repeat, not consecutively).
        let len = 2 + rng.below(5) as usize;
        let mut seq: Vec<u32> = Vec::new();
        while seq.len() < len {
            let s = rng.below(n as u64) as u32;
            if seq.last() != Some(&s) {
                seq.push(s);
            }
        }
        for k in 0..(1 + rng.below(6)) {
            let mut t = 600 * rng.below(12) as Secs + 60 * rng.below(10) as Secs;
            let mut times = Vec::new();
            for _ in 0..seq.len() {
                let dwell = 30 * rng.below(3) as Secs;
                times.push((t, t + dwell));
                t += dwell + 60 + 60 * rng.below(8) as Secs;
            }
            trips.push(TripInput { route, id: format!("r{route}t{k}"), stops: seq.clone(), times });
        }
    }
    let mut pairs = Vec::new();
    for _ in 0..rng.below(2 * n as u64) {
        let (a, b) = (rng.below(n as u64) as u32, rng.below(n as u64) as u32);
        pairs.push((a, b, 30 + 30 * rng.below(10) as Secs));
    }
    (n, trips, Transfers::new(n, pairs))
}

#[test]
fn raptor_equals_brute_force_on_random_timetables() {
    let mut rng = SplitMix64::new(20_221_122);
    let mut reached = 0usize;
    for case in 0..300 {
        let (n, trips, transfers) = random_case(&mut rng);
        let access: Vec<(u32, Secs)> =
            (0..1 + rng.below(3)).map(|_| (rng.below(n as u64) as u32, 60 * rng.below(5) as Secs)).collect();
        let params = Params { max_transfers: rng.below(4) as u8, board_slack: 30 * rng.below(3) as Secs };
        let start = 60 * rng.below(100) as Secs;
        check_same(
            n,
            &trips,
            &transfers,
            params,
            &access,
            Window::minutes(start, 15),
            &format!("case {case}"),
        );
        let b = earliest_arrivals(n, &trips, &transfers, params, &access, start);
        reached += b.ride.iter().filter(|&&t| t != UNREACHED).count();
    }
    // The generator must produce journeys, or the comparison proves nothing.
    assert!(reached > 500, "only {reached} stops reached by a ride over all cases");
}

#[test]
fn fewer_transfers_never_arrive_earlier() {
    let mut rng = SplitMix64::new(7);
    for _ in 0..100 {
        let (n, trips, transfers) = random_case(&mut rng);
        let tt = Timetable::build("t".into(), stops(n), routes(4), &trips).expect("valid");
        let access = [(rng.below(n as u64) as u32, 0)];
        let mut prev: Option<Vec<Secs>> = None;
        for k in 0..4 {
            let mut r = Raptor::new(&tt, &transfers, Params { max_transfers: k, board_slack: 0 });
            let l = r.run(&access, 0);
            let now: Vec<Secs> = (0..n as u32).map(|s| l.ride(s)).collect();
            if let Some(p) = &prev {
                assert!(now.iter().zip(p).all(|(a, b)| a <= b), "a transfer more can only help");
            }
            prev = Some(now);
        }
    }
}

#[test]
fn bad_trips_are_refused() {
    let e = Timetable::build("t".into(), stops(2), routes(1), &[trip(0, "x", &[(0, 100), (1, 50)])]);
    assert!(e.unwrap_err().to_string().contains("trip x: the time at call 1 (0:00:50)"));
    let e = Timetable::build("t".into(), stops(2), routes(1), &[trip(0, "y", &[(0, 100), (7, 150)])]);
    assert!(e.unwrap_err().to_string().contains("names stop 7, but there are only 2"));
    let e = Timetable::build("t".into(), stops(2), routes(1), &[trip(0, "z", &[(0, 100)])]);
    assert!(e.unwrap_err().to_string().contains("at least two"));
}
