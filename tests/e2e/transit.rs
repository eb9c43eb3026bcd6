//! Transit on real data: the HSL feed of central Helsinki (one service day, 2022-02-22, taken from the feed) on
//! the central Helsinki walking network of 2024.

use neuvo_gtfs::Feed;
use neuvo_model::LonLat;
use neuvo_transit::brute::earliest_arrivals_until;
use neuvo_transit::walk::{StopLinks, WalkSpeed};
use neuvo_transit::{Params, Raptor, Secs, Timetable, UNREACHED, Window};

use crate::support;

const FEED: &str = "gtfs/hsl_helsinki_centre_20220222_gtfs.zip";
const WALK: &str = "osm/helsinki_centre_2024.osm.pbf";

/// The feed's timetable on its (only) service day.
fn timetable() -> Timetable {
    let feed = Feed::open(neuvo_testkit::data_file(FEED)).expect("the shared feed reads");
    let dates = feed.service_dates();
    let (tt, _) = feed.timetable(dates[0]).expect("the feed's own service day has a timetable");
    tt
}

#[test]
fn the_service_day_comes_from_the_feed_and_other_days_are_an_error() {
    let feed = Feed::open(neuvo_testkit::data_file(FEED)).expect("reads");
    let dates = feed.service_dates();
    assert_eq!(dates.iter().map(ToString::to_string).collect::<Vec<_>>(), ["2022-02-22"]);
    let today = chrono::NaiveDate::from_ymd_opt(2026, 12, 1).expect("a date");
    let e = feed.timetable(today).expect_err("no service in 2026").to_string();
    assert!(e.contains("2026-12-01") && e.contains("2022-02-22"), "{e}");
}

#[test]
fn walks_between_stops_are_shortest_paths_on_the_walking_network() {
    let tt = timetable();
    let net = support::network(WALK, "walk");
    let links = StopLinks::new(&net.net, &tt);
    // The feed reaches beyond the walking network (north to Pasila and beyond); its stops there are reported.
    assert!(!links.off_network.is_empty() && links.off_network.len() < tt.stops().len());
    let max = 600;
    let transfers = links.transfers(&net.net, max, WalkSpeed::profile());
    assert!(transfers.len() > tt.stops().len(), "{} walks", transfers.len());
    let slow = WalkSpeed::new(5.0, 4.1);
    let slow_transfers = links.transfers(&net.net, max, slow);
    let on: Vec<u32> = (0..tt.stops().len() as u32).filter(|&s| links.snap(s).is_some()).collect();
    let targets: Vec<_> = on.iter().map(|&s| links.snap(s).cloned()).collect();
    for &s in on.iter().step_by(25) {
        let from = links.snap(s).expect("on the network");
        let reference = net.net.dijkstra_weights(from, &targets);
        let mut expect: Vec<(u32, Secs)> = on
            .iter()
            .zip(&reference)
            .filter(|(q, w)| **q != s && !w.is_infinite() && w.time().0 <= max as u32 * 1000)
            .map(|(&q, w)| (q, WalkSpeed::profile().secs(w.time())))
            .collect();
        expect.sort_unstable();
        assert_eq!(transfers.from(s), expect.as_slice(), "walks from stop {}", tt.stops()[s as usize].id);
        // Slower walkers take the same paths, longer, and reach fewer stops within the same time.
        for &(q, t) in slow_transfers.from(s) {
            let base = transfers.from(s).iter().find(|x| x.0 == q).expect("a slow walk is also a fast one");
            assert!(t >= base.1 && t <= (f64::from(base.1) * 5.0 / 4.1).ceil() as Secs + 1);
        }
        // A walk is never shorter than the straight line at the walking speed.
        for &(q, t) in transfers.from(s) {
            let d = tt.stops()[s as usize].pos.haversine_m(tt.stops()[q as usize].pos);
            assert!(f64::from(t) + 1.0 >= d / (5.0 / 3.6), "{d:.0} m walked in {t} s");
        }
    }
}

#[test]
fn raptor_matches_the_brute_force_search_on_the_real_timetable() {
    let tt = timetable();
    let net = support::network(WALK, "walk");
    let links = StopLinks::new(&net.net, &tt);
    let transfers = links.transfers(&net.net, 300, WalkSpeed::profile());
    let trips = tt.trips();
    let mut dij = net.net.dijkstra();
    // Rautatientori, Kamppi, Hakaniemi.
    for (lon, lat) in [(24.9414, 60.1710), (24.9316, 60.1690), (24.9508, 60.1790)] {
        let origin = net.net.snap(LonLat::try_new(lon, lat).expect("valid")).expect("on the network");
        let access = links.access(&net.net, &mut dij, &origin, 600, WalkSpeed::profile());
        assert!(access.len() > 5, "{} stops within 10 minutes' walk", access.len());
        let params = Params { max_transfers: 2, board_slack: 60 };
        let mut raptor = Raptor::new(&tt, &transfers, params);
        let window = Window { start: 8 * 3600, end: 8 * 3600 + 1200, step: 300 };
        let mut checked = 0;
        raptor.run_range(&access, window, |d, l| {
            let horizon = d + 2400;
            let b =
                earliest_arrivals_until(tt.stops().len(), &trips, &transfers, params, &access, d, horizon);
            for s in 0..tt.stops().len() as u32 {
                let r = l.ride(s);
                let expect = if r <= horizon { r } else { UNREACHED };
                assert_eq!(b.ride[s as usize], expect, "stop {} leaving at {d}", tt.stops()[s as usize].id);
                checked += usize::from(r <= horizon);
            }
        });
        assert!(checked > 1000, "only {checked} arrivals within 40 minutes");
    }
}

#[test]
fn the_travel_time_distribution_over_an_hour() {
    let tt = timetable();
    let net = support::network(WALK, "walk");
    let links = StopLinks::new(&net.net, &tt);
    let transfers = links.transfers(&net.net, 300, WalkSpeed::profile());
    let mut dij = net.net.dijkstra();
    let origin = net.net.snap(LonLat::try_new(24.9414, 60.1710).expect("valid")).expect("snaps");
    let access = links.access(&net.net, &mut dij, &origin, 600, WalkSpeed::profile());
    // Ruoholahti, about 2 km west.
    let places = neuvo_transit::walk::places(&net.net, &[LonLat::try_new(24.9135, 60.1630).expect("valid")]);
    let egress = links.egress(&net.net, &places, 600, WalkSpeed::profile());
    let mut raptor = Raptor::new(&tt, &transfers, Params::default());
    let mut times = Vec::new();
    let mut arrivals = Vec::new();
    raptor.run_range(&access, Window::minutes(8 * 3600, 60), |d, l| {
        let a = l.arrival_via(&egress[0]);
        arrivals.push(a);
        times.push(if a == UNREACHED { UNREACHED } else { a - d });
    });
    assert_eq!(times.len(), 60);
    // Leaving a minute earlier never arrives later (departures come latest first).
    assert!(arrivals.windows(2).all(|w| w[1] <= w[0]), "{arrivals:?}");
    let s = neuvo_transit::stats::summarise(&mut times.clone());
    let (p50, p80) = (s.p50.expect("reached"), s.p80.expect("reached"));
    assert!(p50 <= p80 && p50 > 300 && p80 < 1800, "P50 {p50} s, P80 {p80} s");
    let mut sorted = times.clone();
    sorted.sort_unstable();
    assert_eq!(p50, sorted[29]);
    assert_eq!(p80, sorted[47]);
}

#[test]
fn cells_to_sites_by_transit_equal_an_independent_computation() {
    use neuvo_planner::{TransitOptions, cells_to_sites_by_transit};
    let tt = timetable();
    let net = support::network(WALK, "walk");
    let pt = |lon, lat| LonLat::try_new(lon, lat).expect("valid");
    // Cells: Kamppi, Kallio's southern edge, Katajanokka, Punavuori; sites: Rautatientori, Ruoholahti, Sörnäinen.
    let cells = [pt(24.9316, 60.1690), pt(24.9508, 60.1775), pt(24.9660, 60.1680), pt(24.9400, 60.1610)];
    let sites = [pt(24.9414, 60.1710), pt(24.9135, 60.1630), pt(24.9640, 60.1770)];
    let mut options = TransitOptions::hour_from(8 * 3600);
    options.window = Window::minutes(8 * 3600, 5);
    options.params.max_transfers = 2;
    let reach =
        cells_to_sites_by_transit(&net.net, &tt, &cells, &sites, &options, &neuvo_model::NoProgress, &|| {
            false
        })
        .expect("not cancelled");
    assert!(reach.cells_off_network.is_empty() && reach.sites_off_network.is_empty());

    // Independently: walks by plain Dijkstra (whole seconds, rounded up), rides by the brute-force search.
    let links = StopLinks::new(&net.net, &tt);
    let transfers = links.transfers(&net.net, options.max_transfer_secs, WalkSpeed::profile());
    let trips = tt.trips();
    let secs = |w: neuvo_network::Weight| WalkSpeed::profile().secs(w.time());
    let stop_snaps: Vec<_> = (0..tt.stops().len() as u32).map(|s| links.snap(s).cloned()).collect();
    let site_snaps: Vec<_> = sites.iter().map(|&p| net.net.snap(p).ok()).collect();
    // Egress: from each stop to each site.
    let egress: Vec<Vec<(u32, Secs)>> = (0..sites.len())
        .map(|j| {
            stop_snaps
                .iter()
                .enumerate()
                .filter_map(|(s, snap)| {
                    let w = net.net.dijkstra_weights(snap.as_ref()?, &site_snaps[j..=j])[0];
                    (!w.is_infinite() && secs(w) <= options.max_access_secs).then_some((s as u32, secs(w)))
                })
                .collect()
        })
        .collect();
    let mut compared = 0;
    let mut ride_wins = 0;
    for (i, &c) in cells.iter().enumerate() {
        let from = net.net.snap(c).expect("snaps");
        let to_stops = net.net.dijkstra_weights(&from, &stop_snaps);
        let access: Vec<(u32, Secs)> = to_stops
            .iter()
            .enumerate()
            .filter(|(_, w)| !w.is_infinite() && secs(**w) <= options.max_access_secs)
            .map(|(s, w)| (s as u32, secs(*w)))
            .collect();
        let direct = net.net.dijkstra_weights(&from, &site_snaps);
        let mut per_site: Vec<Vec<Secs>> = vec![Vec::new(); sites.len()];
        for d in options.window.departures() {
            let b = earliest_arrivals_until(
                tt.stops().len(),
                &trips,
                &transfers,
                options.params,
                &access,
                d,
                d + 5400,
            );
            for j in 0..sites.len() {
                let ride = egress[j]
                    .iter()
                    .filter(|&&(s, _)| b.ride[s as usize] != UNREACHED)
                    .map(|&(s, e)| b.ride[s as usize] + e - d)
                    .min()
                    .unwrap_or(UNREACHED);
                let w = secs(direct[j]);
                ride_wins += usize::from(ride < w);
                per_site[j].push(if w <= options.max_direct_walk_secs { ride.min(w) } else { ride });
            }
        }
        for (j, mut t) in per_site.into_iter().enumerate() {
            t.sort_unstable();
            let (p50, p80) = (t[2], t[3]); // nearest rank of 5 values: ceil(2.5) = 3rd, ceil(4) = 4th
            let got50 = reach.p50.time(i, j).map(|m| (m.0 / 1000) as Secs);
            let got80 = reach.p80.time(i, j).map(|m| (m.0 / 1000) as Secs);
            assert_eq!(got50, (p50 != UNREACHED).then_some(p50), "cell {i} site {j} median");
            assert_eq!(got80, (p80 != UNREACHED).then_some(p80), "cell {i} site {j} P80");
            compared += usize::from(p50 != UNREACHED);
        }
    }
    assert_eq!(compared, cells.len() * sites.len(), "every pair is reached within the hour");
    assert!(ride_wins > 10, "riding beats walking all the way for only {ride_wins} pair-departures");
}
