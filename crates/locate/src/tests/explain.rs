//! Explanations checked against `evaluate`: losses are objective differences, runner-ups are the best swaps,
//! greedy gains add up, people figures match a hand count.

use neuvo_model::{Millis, SiteStatus, SplitMix64};

use super::random::{problem, variant};
use super::validation::small;
use crate::{Evaluation, Model, Params, Problem, evaluate, explain, solve};

fn value(model: Model, e: &Evaluation) -> Option<f64> {
    let v = match model {
        Model::Mclp | Model::Lscp => e.covered_weight,
        Model::PMedian => e.person_seconds,
        Model::PCenter => e.max_time_s,
    };
    v.is_finite().then_some(v)
}

fn close(a: f64, b: f64) -> bool {
    (a - b).abs() <= 1e-6 * a.abs().max(b.abs()).max(1.0)
}

fn check(pb: &Problem, params: &Params) {
    let Ok(sol) = solve(pb, params) else { return };
    let ex = explain(pb, params, &sol).unwrap();
    assert_eq!(ex.iter().map(|e| e.site).collect::<Vec<_>>(), sol.open);
    let model = params.model;
    let max = matches!(model, Model::Mclp | Model::Lscp);
    let val = |open: &[usize]| value(model, &evaluate(pb, params, open));
    let full = val(&sol.open);
    let mut ranks = Vec::new();
    for e in &ex {
        let rest: Vec<usize> = sol.open.iter().copied().filter(|&k| k != e.site).collect();
        let want = full.zip(val(&rest)).map(|(f, w)| if max { f - w } else { w - f });
        match (e.loss_if_dropped, want) {
            (Some(a), Some(b)) => assert!(close(a, b), "loss {a} but evaluate says {b}"),
            (a, b) => assert_eq!(a.is_some(), b.is_some(), "loss {a:?} vs {b:?}"),
        }
        if pb.sites[e.site].status == SiteStatus::Kept {
            assert!(e.runner_up.is_none() && e.greedy_rank.is_none());
            continue;
        }
        ranks.push(e.greedy_rank.unwrap());
        // Brute force over every swap that keeps the budgets.
        let mut best: Option<f64> = None;
        for k in 0..pb.sites.len() {
            if sol.open.contains(&k) || pb.sites[k].status != SiteStatus::Candidate {
                continue;
            }
            let mut s = rest.clone();
            s.push(k);
            let e2 = evaluate(pb, params, &s);
            if e2.violations.iter().any(|v| v.contains("budget")) {
                continue;
            }
            let v = value(model, &e2).unwrap_or(if max { f64::NEG_INFINITY } else { f64::INFINITY });
            if best.is_none_or(|b| if max { v > b } else { v < b }) {
                best = Some(v);
            }
        }
        match (&e.runner_up, best) {
            (Some(r), Some(b)) => {
                assert!(
                    close(r.objective, b) || (r.objective.is_infinite() && b.is_infinite()),
                    "{r:?} vs {b}"
                );
                let mut s = rest.clone();
                s.push(r.site);
                let v = value(model, &evaluate(pb, params, &s)).unwrap_or(f64::INFINITY);
                assert!(close(v, r.objective) || v.is_infinite(), "runner-up {r:?} evaluates to {v}");
            }
            (None, None) => {}
            (r, b) => panic!("runner-up {r:?} but brute force {b:?}"),
        }
    }
    ranks.sort_unstable();
    assert_eq!(ranks, (1..=ranks.len()).collect::<Vec<_>>());
    // Greedy gains add up to the plan's value over the kept sites'.
    let kept: Vec<usize> =
        sol.open.iter().copied().filter(|&j| pb.sites[j].status == SiteStatus::Kept).collect();
    let gains: Option<f64> = ex.iter().filter(|e| e.greedy_rank.is_some()).map(|e| e.marginal_gain).sum();
    if let (Some(g), Some(f), Some(k)) = (gains, full, val(&kept)) {
        assert!(close(g, if max { f - k } else { k - f }), "gains {g}, plan {f}, kept {k}");
    }
}

#[test]
fn explanations_agree_with_evaluate_on_random_instances() {
    let mut rng = SplitMix64::new(11);
    for case in 0..60 {
        for model in [Model::Mclp, Model::Lscp, Model::PMedian, Model::PCenter] {
            let mut pb = problem(&mut rng, 8, 7);
            let mut params = Params { model, p: 2, threshold: Millis(12 * 60_000), ..Params::default() };
            variant(&mut rng, &mut pb, &mut params, [0, 1, 2, 3, 7][case % 5]);
            params.p = params.p.max(pb.sites.iter().filter(|s| s.required).count());
            check(&pb, &params);
        }
    }
}

#[test]
fn people_figures_on_a_hand_made_plan() {
    // Threshold 10 min: site a covers point 0 (5 min), b covers point 1 (6 min), c covers point 1 (9 min).
    let pb = small();
    let params = Params { p: 2, threshold: Millis(10 * 60_000), ..Params::default() };
    let sol = solve(&pb, &params).unwrap();
    assert_eq!(sol.open, vec![0, 1]);
    let ex = explain(&pb, &params, &sol).unwrap();
    assert_eq!(ex[0].covered, vec![100.0, 20.0]);
    assert_eq!(ex[0].unique, vec![100.0, 20.0]);
    assert_eq!(ex[0].nearest_for, vec![100.0, 20.0]);
    assert_eq!(ex[1].covered, vec![50.0, 30.0]);
    assert_eq!(ex[1].nearest_for, vec![50.0, 30.0]);
    // Point 0 has weight 120, point 1 has 80: a is added first.
    assert_eq!((ex[0].greedy_rank, ex[0].marginal_gain), (Some(1), Some(120.0)));
    assert_eq!((ex[1].greedy_rank, ex[1].marginal_gain), (Some(2), Some(80.0)));
    assert_eq!(ex[0].loss_if_dropped, Some(120.0));
    // Swapping b for c keeps point 1 covered; swapping a for c loses point 0.
    assert_eq!(ex[1].runner_up.as_ref().map(|r| (r.id.as_str(), r.objective)), Some(("c", 200.0)));
    assert_eq!(ex[0].runner_up.as_ref().map(|r| (r.id.as_str(), r.objective)), Some(("c", 80.0)));
}
