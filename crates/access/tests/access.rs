//! Property and hand-case tests of neuvo-access against brute-force definitions.

use neuvo_access::{
    AccessError, MeasureOptions, compare, gini, lorenz_total, measure, measure_open, nearest_open, palma,
    summarize, weighted_mean, weighted_quantile,
};
use neuvo_model::{Centimeters, Demand, DemandCell, Group, LonLat, Millis, SplitMix64, TravelMatrix};

fn close(a: f64, b: f64) -> bool {
    (a - b).abs() <= 1e-9 * (1.0 + a.abs().max(b.abs()))
}

/// Small integer samples with integer weights (some zero).
fn random_int_samples(rng: &mut SplitMix64) -> Vec<(f64, f64)> {
    let n = 1 + rng.below(12) as usize;
    (0..n).map(|_| (rng.below(20) as f64, rng.below(5) as f64)).collect()
}

fn expand(samples: &[(f64, f64)]) -> Vec<f64> {
    let mut v: Vec<f64> = samples.iter().flat_map(|&(x, w)| std::iter::repeat_n(x, w as usize)).collect();
    v.sort_by(f64::total_cmp);
    v
}

#[test]
fn weighted_quantiles_match_the_expanded_sorted_values() {
    let mut rng = SplitMix64::new(7);
    for _ in 0..2000 {
        let s = random_int_samples(&mut rng);
        let v = expand(&s);
        for q in [0.0, 0.1, 0.25, 0.5, 0.75, 0.9, 1.0] {
            let got = weighted_quantile(&s, q);
            if v.is_empty() {
                assert_eq!(got, None);
                continue;
            }
            let n = v.len() as f64;
            let k = ((q * n).ceil() as usize).max(1);
            assert_eq!(got, Some(v[k - 1]), "q={q} samples={s:?}");
        }
        let mean = weighted_mean(&s);
        if v.is_empty() {
            assert_eq!(mean, None);
        } else {
            assert!(close(mean.unwrap(), v.iter().sum::<f64>() / v.len() as f64));
        }
    }
}

#[test]
fn gini_matches_the_mean_absolute_difference_formula() {
    let mut rng = SplitMix64::new(11);
    for _ in 0..2000 {
        let n = 1 + rng.below(15) as usize;
        let s: Vec<(f64, f64)> = (0..n).map(|_| (rng.unit_f64() * 60.0, rng.unit_f64() * 100.0)).collect();
        let w: f64 = s.iter().map(|p| p.1).sum();
        let mu = s.iter().map(|(x, w)| x * w).sum::<f64>() / w;
        let mut d = 0.0;
        for &(xi, wi) in &s {
            for &(xj, wj) in &s {
                d += wi * wj * (xi - xj).abs();
            }
        }
        let brute = d / (2.0 * w * w * mu);
        let got = gini(&s).unwrap();
        assert!(close(got, brute), "{got} vs {brute} for {s:?}");
        assert!((0.0..1.0).contains(&got));
    }
}

#[test]
fn gini_and_palma_of_degenerate_inputs_are_none_not_nan() {
    assert_eq!(gini(&[]), None);
    assert_eq!(gini(&[(0.0, 5.0), (0.0, 3.0)]), None);
    assert_eq!(gini(&[(4.0, 0.0)]), None);
    assert_eq!(gini(&[(4.0, 2.0), (4.0, 7.0)]), Some(0.0));
    assert_eq!(palma(&[]), None);
    assert_eq!(palma(&[(0.0, 5.0), (10.0, 1.0)]), None);
    assert_eq!(weighted_quantile(&[], 0.5), None);
    assert_eq!(weighted_quantile(&[(1.0, 1.0)], f64::NAN), None);
    assert_eq!(weighted_mean(&[(3.0, 0.0)]), None);
}

#[test]
fn palma_of_hand_cases() {
    // Ten people with times 1..=10: worst 10 % hold 10, best 40 % hold 1 + 2 + 3 + 4 = 10.
    let s: Vec<(f64, f64)> = (1..=10).map(|t| (t as f64, 1.0)).collect();
    assert!(close(palma(&s).unwrap(), 1.0));
    // Everyone equal: 10 % over 40 %.
    assert!(close(palma(&[(7.0, 50.0)]).unwrap(), 0.25));
    // Cells split pro rata: 20 people at 5 min, 20 at 10, 10 at 40 (50 people, total 700).
    // Best 40 % = 20 people at 5 → 100; worst 10 % = 5 people at 40 → 200.
    let s = [(10.0, 20.0), (40.0, 10.0), (5.0, 20.0)];
    assert!(close(lorenz_total(&s, 0.4), 100.0));
    assert!(close(lorenz_total(&s, 1.0), 700.0));
    assert!(close(palma(&s).unwrap(), 2.0));
}

#[test]
fn nearest_and_second_nearest_match_brute_force() {
    let mut rng = SplitMix64::new(3);
    for _ in 0..500 {
        let rows = 1 + rng.below(6) as usize;
        let cols = 1 + rng.below(8) as usize;
        let mut m = TravelMatrix::unreachable(rows, cols);
        for r in 0..rows {
            for c in 0..cols {
                if rng.below(4) != 0 {
                    // Few distinct values, so ties happen.
                    m.set(r, c, Millis(rng.below(6) as u32 * 1000), Centimeters(0));
                }
            }
        }
        let open: Vec<usize> =
            (0..rng.below(2 * cols as u64 + 1)).map(|_| rng.below(cols as u64) as usize).collect();
        let got = nearest_open(&m, &open).unwrap();
        assert_eq!(got.len(), rows);
        let mut sites = open.clone();
        sites.sort_unstable();
        sites.dedup();
        for (r, g) in got.iter().enumerate() {
            let mut ranked: Vec<(Millis, usize)> =
                sites.iter().filter_map(|&c| m.time(r, c).map(|t| (t, c))).collect();
            ranked.sort();
            let to = |p: Option<&(Millis, usize)>| p.map(|&(t, c)| (c, t));
            assert_eq!(g.nearest.map(|n| (n.site, n.time)), to(ranked.first()));
            assert_eq!(g.second.map(|n| (n.site, n.time)), to(ranked.get(1)));
            assert_eq!(g.time(), ranked.first().map(|p| p.0));
        }
    }
}

#[test]
fn nearest_rejects_an_open_site_outside_the_matrix() {
    let m = TravelMatrix::unreachable(2, 3);
    assert_eq!(nearest_open(&m, &[0, 3]), Err(AccessError::SiteOutOfRange { site: 3, cols: 3 }));
    assert_eq!(nearest_open(&m, &[]).unwrap()[1].nearest, None);
}

fn demand(rng: &mut SplitMix64, cells: usize) -> Demand {
    let districts = ["Keskinen", "Itäinen"];
    Demand {
        groups: vec![
            Group { name: "total".into(), definition: "all".into() },
            Group { name: "age75".into(), definition: "75+".into() },
        ],
        cells: (0..cells)
            .map(|i| DemandCell {
                id: format!("c{i}"),
                location: LonLat::try_new(24.9, 60.2).unwrap(),
                outline: vec![],
                district: match rng.below(3) {
                    0 => None,
                    k => Some(districts[k as usize - 1].to_owned()),
                },
                municipality: None,
                values: vec![rng.below(200) as f64, rng.below(20) as f64],
                estimated: false,
            })
            .collect(),
    }
}

#[test]
fn measures_count_unreached_people_as_not_within_and_split_by_district() {
    let mut d = demand(&mut SplitMix64::new(1), 4);
    d.cells[0].values = vec![100.0, 10.0];
    d.cells[1].values = vec![50.0, 0.0];
    d.cells[2].values = vec![30.0, 5.0];
    d.cells[3].values = vec![20.0, 5.0];
    d.cells[0].district = Some("B".into());
    d.cells[1].district = Some("A".into());
    d.cells[2].district = None;
    d.cells[3].district = Some("A".into());
    let min = |m: u32| Some(Millis(m * 60_000));
    let times = [min(10), min(20), None, min(50)];
    let r = measure(&d, &times, &MeasureOptions::default()).unwrap();
    let total = &r.groups[0];
    assert_eq!(total.group, "total");
    let o = &total.overall;
    assert_eq!((o.people, o.reached_people, o.unreached_people), (200.0, 170.0, 30.0));
    let within: Vec<f64> = o.within.iter().map(|w| w.people).collect();
    assert_eq!(within, [100.0, 150.0, 150.0]);
    assert!(close(o.within[0].share.unwrap(), 0.5));
    assert!(close(o.mean_minutes.unwrap(), (1000.0 + 1000.0 + 1000.0) / 170.0));
    assert_eq!(o.median_minutes, Some(10.0));
    assert_eq!(o.p90_minutes, Some(50.0));
    let names: Vec<Option<&str>> = total.districts.iter().map(|d| d.district.as_deref()).collect();
    assert_eq!(names, [Some("A"), Some("B"), None]);
    assert_eq!(total.districts[2].summary.unreached_people, 30.0);
    assert_eq!(total.districts[2].summary.mean_minutes, None);
    assert_eq!(total.districts[2].summary.within[0].share, Some(0.0));
    // A population without people has no shares rather than NaN.
    let empty = summarize(&[(Some(3.0), 0.0)], &[15.0]);
    assert_eq!(empty.within[0].share, None);
    assert!(matches!(
        measure(&d, &times[..3], &MeasureOptions::default()),
        Err(AccessError::CellCountMismatch { expected: 4, found: 3, .. })
    ));
    let bad = MeasureOptions { thresholds_minutes: vec![-1.0] };
    assert_eq!(measure(&d, &times, &bad), Err(AccessError::BadThreshold(-1.0)));
}

#[test]
fn comparison_signs_and_sums_agree_with_the_measures() {
    let mut rng = SplitMix64::new(5);
    for _ in 0..200 {
        let n = 1 + rng.below(30) as usize;
        let d = demand(&mut rng, n);
        let mut draw = || Some(Millis(rng.below(60 * 60_000) as u32));
        let before: Vec<Option<Millis>> = (0..n).map(|_| draw()).collect();
        let after: Vec<Option<Millis>> = (0..n).map(|_| draw()).collect();
        let c = compare(&d, &before, &after, 5).unwrap();
        let mb = measure(&d, &before, &MeasureOptions::default()).unwrap();
        let ma = measure(&d, &after, &MeasureOptions::default()).unwrap();
        for (g, gc) in c.groups.iter().enumerate() {
            let t = &gc.overall;
            let people = mb.groups[g].overall.people;
            let cells_with_people = d.cells.iter().filter(|c| c.values[g] > 0.0).count();
            assert_eq!(t.winner_cells + t.loser_cells + t.unchanged_cells, cells_with_people);
            assert!(close(t.winner_people + t.loser_people + t.unchanged_people, people));
            if let (Some(a), Some(b)) = (ma.groups[g].overall.mean_minutes, mb.groups[g].overall.mean_minutes)
            {
                assert!(
                    close(t.person_minutes_delta, people * (a - b)),
                    "{} vs {}",
                    t.person_minutes_delta,
                    people * (a - b)
                );
            }
            let district_sum: f64 = gc.districts.iter().map(|d| d.tally.person_minutes_delta).sum();
            assert!(close(district_sum, t.person_minutes_delta));
            let district_losers: usize = gc.districts.iter().map(|d| d.tally.loser_cells).sum();
            assert_eq!(district_losers, t.loser_cells);
        }
        for cc in &c.cells {
            let delta = cc.delta_minutes.unwrap();
            assert!(close(delta, cc.after_minutes.unwrap() - cc.before_minutes.unwrap()));
        }
        assert!(c.largest_losses.len() <= 5);
        assert!(c.largest_losses.windows(2).all(|w| w[0].delta_minutes >= w[1].delta_minutes));
        assert!(c.largest_losses.iter().all(|l| l.delta_minutes.unwrap() > 0.0));
        let max_loss = c.cells.iter().filter_map(|c| c.delta_minutes).fold(0.0, f64::max);
        if max_loss > 0.0 {
            assert_eq!(c.largest_losses[0].delta_minutes, Some(max_loss));
        }
    }
}

#[test]
fn comparison_classifies_gained_and_lost_access() {
    let mut d = demand(&mut SplitMix64::new(2), 5);
    for c in &mut d.cells {
        c.values = vec![10.0, 1.0];
    }
    let m = |x: u32| Some(Millis(x * 60_000));
    let before = [m(10), m(10), None, m(5), None];
    let after = [m(5), m(12), m(20), None, None];
    let c = compare(&d, &before, &after, 10).unwrap();
    let t = &c.groups[0].overall;
    assert_eq!((t.winner_cells, t.loser_cells, t.unchanged_cells), (1, 1, 0));
    assert_eq!((t.gained_access_cells, t.lost_access_cells, t.unreached_cells), (1, 1, 1));
    assert_eq!(t.person_minutes_delta, 10.0 * (-5.0 + 2.0));
    assert_eq!(t.max_loss_minutes, Some(2.0));
    assert_eq!(c.largest_losses.len(), 1);
    assert_eq!(c.largest_losses[0].id, "c1");
    assert_eq!(c.cells[2].delta_minutes, None);
}

#[test]
fn measure_open_chains_nearest_and_measure() {
    let mut rng = SplitMix64::new(9);
    let d = demand(&mut rng, 6);
    let mut m = TravelMatrix::unreachable(6, 3);
    for r in 0..6 {
        for c in 0..3 {
            m.set(r, c, Millis(rng.below(50 * 60_000) as u32), Centimeters(0));
        }
    }
    let opts = MeasureOptions::default();
    let (nearest, got) = measure_open(&d, &m, &[2, 0], &opts).unwrap();
    let times: Vec<Option<Millis>> = nearest.iter().map(|n| n.time()).collect();
    assert_eq!(got, measure(&d, &times, &opts).unwrap());
    assert!(nearest.iter().all(|n| n.second.is_some()));
    let short = TravelMatrix::unreachable(5, 3);
    assert!(matches!(
        measure_open(&d, &short, &[0], &opts),
        Err(AccessError::CellCountMismatch { expected: 6, found: 5, .. })
    ));
}
