//! Tradeoff curves: monotone objectives, rows from the required count, the knee.

use neuvo_model::{Millis, SplitMix64};

use super::random::problem;
use super::validation::small;
use crate::{Error, Model, Params, knee, tradeoff};

#[test]
fn objectives_are_monotone_in_p() {
    let mut rng = SplitMix64::new(5);
    for _ in 0..10 {
        let pb = problem(&mut rng, 12, 8);
        for model in [Model::Mclp, Model::PMedian, Model::PCenter] {
            let params =
                Params { model, threshold: Millis(10 * 60_000), mip_rel_gap: 0.0, ..Params::default() };
            let t = tradeoff(&pb, &params, 5).unwrap();
            assert_eq!(t.rows.iter().map(|r| r.p).collect::<Vec<_>>(), vec![0, 1, 2, 3, 4, 5]);
            let obj: Vec<f64> = t.rows.iter().filter_map(|r| r.objective).collect();
            for w in obj.windows(2) {
                match model {
                    Model::Mclp => assert!(w[1] >= w[0] - 1e-9, "{model:?} {obj:?}"),
                    _ => assert!(w[1] <= w[0] + 1e-9, "{model:?} {obj:?}"),
                }
            }
            for r in &t.rows {
                assert_eq!(r.chosen.len(), if r.objective.is_some() { r.p } else { 0 });
            }
            if model == Model::Mclp {
                // With no kept site, p = 0 covers nobody.
                assert_eq!(t.rows[0].objective, Some(0.0));
            } else {
                // ... and p-median / p-center have no plan at p = 0.
                assert!(t.rows[0].objective.is_none() && t.rows[0].error.is_some());
            }
        }
    }
}

#[test]
fn rows_start_at_the_number_of_required_sites() {
    let mut pb = small();
    pb.sites[1].required = true;
    let t = tradeoff(&pb, &Params::default(), 3).unwrap();
    assert_eq!(t.rows.iter().map(|r| r.p).collect::<Vec<_>>(), vec![1, 2, 3]);
    assert!(t.rows.iter().all(|r| r.chosen.contains(&"b".to_string())));
}

#[test]
fn lscp_has_no_tradeoff() {
    assert!(matches!(
        tradeoff(&small(), &Params { model: Model::Lscp, ..Params::default() }, 2),
        Err(Error::Invalid(_))
    ));
}

#[test]
fn the_knee_is_the_point_farthest_from_the_chord() {
    // Normalised: (0, 0), (.25, .8), (.5, .9), (.75, .95), (1, 1): distances to y = x are largest at p = 1.
    assert_eq!(knee(&[(0, 0.0), (1, 80.0), (2, 90.0), (3, 95.0), (4, 100.0)]), Some(1));
    // A gentler bend: y − x is .34, .39, .21 at p = 2, 3, 4.
    assert_eq!(knee(&[(1, 10.0), (2, 18.0), (3, 22.0), (4, 23.0), (5, 23.5)]), Some(3));
    // Decreasing curves (p-median) bend the other way; the same rule applies.
    assert_eq!(knee(&[(1, 100.0), (2, 40.0), (3, 30.0), (4, 25.0)]), Some(2));
    // No knee on a straight line, a flat curve, or fewer than three points.
    assert_eq!(knee(&[(1, 1.0), (2, 2.0), (3, 3.0)]), None);
    assert_eq!(knee(&[(1, 5.0), (2, 5.0), (3, 5.0)]), None);
    assert_eq!(knee(&[(1, 1.0), (2, 9.0)]), None);
}
