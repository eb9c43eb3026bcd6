//! `run_compare` on a hand-drawn street fixture: each cell's time to its nearest open site equals plain Dijkstra
//! over the sites open at the moment (pop-ups only within their hours), the tallies and threshold shares equal
//! a brute-force count, variants build on their base, and bad comparisons are errors naming the field.

use std::sync::Arc;

use neuvo_model::{
    Demand, DemandCell, Group, LonLat, Mode, NoProgress, Progress, Site, SiteStatus, VenueKind,
};
use neuvo_network::{Network, NetworkMeta};
use neuvo_osm::{Fixture, Profile};
use neuvo_planner::{
    CompareOptions, CompareScenario, DemandSpec, InputError, Inputs, LoadedDemand, NetworkSpec, PlanError,
    SitesSpec, run_compare,
};

const MAP: &str = "
    a-----b-----c-----d-----e
    |                       |
    f-----------g-----------h
";

fn fixture() -> Fixture {
    Fixture::parse(MAP, 40.0)
        .expect("map")
        .way("abcde", &[("highway", "residential")])
        .way("afghe", &[("highway", "residential")])
}

fn build(mode: Mode) -> Arc<Network> {
    let p = Profile::for_mode(mode);
    let (graph, _) = fixture().import(&p).expect("fixture imports");
    let meta = NetworkMeta {
        mode: Some(p.mode),
        profile: p.name.clone(),
        snap: neuvo_network::SnapParamsMeta {
            max_snap_m: p.max_snap_m,
            access_speed_kmh: p.access_speed(),
            candidate_slack_m: p.snap_slack_m,
        },
        ..Default::default()
    };
    Arc::new(Network::build(graph, meta, &NoProgress))
}

fn point(c: char) -> LonLat {
    fixture().position(c)
}

/// People at four corners, sites at three.
const CELLS: [(char, f64, &str); 5] = [
    ('a', 100.0, "west"),
    ('c', 50.0, "west"),
    ('d', 70.0, "east"),
    ('e', 30.0, "east"),
    ('g', 80.0, "east"),
];
const SITES: [(char, &str); 3] = [('a', "s-a"), ('e', "s-e"), ('g', "s-g")];

struct Values {
    walk: Arc<Network>,
    car: Arc<Network>,
}

impl Inputs for Values {
    fn network(&self, spec: &NetworkSpec, _: &dyn Progress) -> Result<Arc<Network>, InputError> {
        Ok(if spec.mode == Mode::Car { self.car.clone() } else { self.walk.clone() })
    }

    fn demand(&self, _: &DemandSpec) -> Result<LoadedDemand, InputError> {
        let cells = CELLS
            .iter()
            .map(|&(c, n, d)| DemandCell {
                id: c.to_string(),
                location: point(c),
                outline: Vec::new(),
                district: Some(d.into()),
                municipality: None,
                values: vec![n, n / 5.0],
                estimated: false,
            })
            .collect();
        let groups = ["total", "age75"].map(|g| Group { name: g.into(), definition: g.into() }).to_vec();
        Ok(LoadedDemand { demand: Arc::new(Demand { groups, cells }), notes: Vec::new() })
    }

    fn sites(&self, _: &SitesSpec, _: &NetworkSpec) -> Result<Vec<Site>, InputError> {
        Ok(SITES
            .iter()
            .map(|&(c, id)| Site {
                id: id.into(),
                name: format!("Site at {c}"),
                kind: VenueKind("library".into()),
                status: SiteStatus::Candidate,
                location: point(c),
                opening_hours: None,
                source: "test".into(),
            })
            .collect())
    }
}

fn comparison(day: &str, extra: &str) -> Result<CompareScenario, neuvo_planner::ScenarioError> {
    CompareScenario::from_toml(
        &format!(
            r#"
name = "fixture"
thresholds_minutes = [1.0, 3.0]
[demand]
grid = "g.csv"
[sites]
files = ["s.csv"]
[when]
day = "{day}"
time = "10:30"
[modes.walk]
osm = "x.pbf"
[modes.car]
osm = "x.pbf"
[variants.one]
open = ["s-a"]
[variants.more]
base = "one"
open = ["s-g"]
popups = [{{ site = "s-e", hours = "Tu 10:00-12:00" }}, {{ site = "s-a", hours = "Mo 08:00-09:00" }}]
{extra}
"#
        ),
        "fixture.toml",
    )
}

fn minutes_by_dijkstra(net: &Network, from: char, open: &[char]) -> Option<f64> {
    let s = net.snap(point(from)).ok()?;
    let targets: Vec<_> = open.iter().map(|&c| net.snap(point(c)).ok()).collect();
    net.dijkstra_weights(&s, &targets)
        .iter()
        .filter(|w| !w.is_infinite())
        .map(|w| f64::from(w.time().0) / 60_000.0)
        .min_by(f64::total_cmp)
}

#[test]
fn times_equal_dijkstra_over_the_sites_open_at_the_moment() {
    let inputs = Values { walk: build(Mode::Walk), car: build(Mode::Car) };
    for (day, open_b) in [("Tu", vec!['a', 'e', 'g']), ("We", vec!['a', 'g'])] {
        let c = comparison(day, "").unwrap();
        let r =
            run_compare(&c, "one", "more", &inputs, CompareOptions { threads: 1 }, &NoProgress, &|| false)
                .unwrap();
        let s = &r.summary;
        // The base's fixed site stays open all the time, though the variant also lists it as a pop-up.
        let a_site = s.b.sites.iter().find(|x| x.id == "s-a").unwrap();
        assert!(a_site.hours.is_none() && a_site.open_at_moment);
        let e_site = s.b.sites.iter().find(|x| x.id == "s-e").unwrap();
        assert_eq!(e_site.open_at_moment, day == "Tu", "a pop-up counts only within its hours");
        assert_eq!(s.notes.iter().any(|n| n.contains("outside their hours")), day == "We");
        assert_eq!(r.cells.len(), CELLS.len());
        for (k, m) in s.modes.iter().enumerate() {
            let net = if m.mode == "car" { &inputs.car } else { &inputs.walk };
            for (i, &(cell, _, _)) in CELLS.iter().enumerate() {
                let (ta, tb) = r.cells[i].minutes[k];
                let want_a = minutes_by_dijkstra(net, cell, &['a']);
                let want_b = minutes_by_dijkstra(net, cell, &open_b);
                for (got, want) in [(ta, want_a), (tb, want_b)] {
                    let (g, w) = (got.unwrap(), want.unwrap());
                    assert!((g - w).abs() < 1e-3, "{day} {} cell {cell}: {g} vs Dijkstra {w}", m.mode);
                }
            }
            // Tallies and shares by brute force over the cells.
            for (g, row) in m.groups.iter().enumerate() {
                let people = |i: usize| CELLS[i].1 / if g == 0 { 1.0 } else { 5.0 };
                let (mut win, mut lose, mut pm) = (0.0, 0.0, 0.0);
                for i in 0..CELLS.len() {
                    let (ta, tb) = r.cells[i].minutes[k];
                    let d = tb.unwrap() - ta.unwrap();
                    if d < 0.0 {
                        win += people(i);
                    } else if d > 0.0 {
                        lose += people(i);
                    }
                    pm += people(i) * d;
                }
                assert!((row.change.winner_people - win).abs() < 1e-9 && lose == 0.0);
                assert_eq!(row.change.loser_people, 0.0);
                assert!((row.change.person_minutes_delta - pm).abs() < 1e-3 * (1.0 + pm.abs()));
                for (w, t) in row.b.within.iter().zip([1.0, 3.0]) {
                    let n: f64 =
                        (0..CELLS.len()).filter(|&i| r.cells[i].minutes[k].1.unwrap() <= t).map(people).sum();
                    assert!((w.people - n).abs() < 1e-9, "{} within {t}: {} vs {n}", m.mode, w.people);
                }
            }
            // District rows add up to the city-wide people.
            let total: f64 = m.districts.iter().filter(|d| d.group == "total").map(|d| d.a.people).sum();
            assert_eq!(total, CELLS.iter().map(|c| c.1).sum::<f64>());
        }
        // The difference layer carries one feature per cell with before, after and delta per mode.
        let features = r.difference_geojson["features"].as_array().unwrap();
        assert_eq!(features.len(), CELLS.len());
        for f in features {
            for m in ["walk", "car"] {
                let p = &f["properties"];
                let (b, a, d) = (
                    p[format!("{m}_before")].as_f64(),
                    p[format!("{m}_after")].as_f64(),
                    p[format!("{m}_delta")].as_f64(),
                );
                assert!((a.unwrap() - b.unwrap() - d.unwrap()).abs() <= 0.11);
            }
        }
    }
}

#[test]
fn bad_comparisons_name_the_field() {
    let inputs = Values { walk: build(Mode::Walk), car: build(Mode::Car) };
    let run = |c: &CompareScenario, a: &str, b: &str| {
        run_compare(c, a, b, &inputs, CompareOptions { threads: 1 }, &NoProgress, &|| false).map(|_| ())
    };
    let c = comparison("Tu", "").unwrap();
    let e = run(&c, "one", "nope").unwrap_err().to_string();
    assert!(e.contains("variant B: no variant \"nope\" in the comparison; variants: more, one"), "{e}");
    let c = comparison("Tu", "[variants.typo]\nopen = [\"s-x\"]").unwrap();
    let e = run(&c, "one", "typo").unwrap_err();
    assert!(matches!(e, PlanError::Scenario { .. }));
    let e = e.to_string();
    assert!(
        e.contains("variants.typo.open[0]") && e.contains("unknown site \"s-x\"; did you mean \"s-a\"?"),
        "{e}"
    );
    // Transit needs a timetable, and these inputs hold none: the error says so instead of a table of nothing.
    let c = comparison("Tu", "").unwrap();
    let mut t = c.clone();
    t.modes.insert(
        "transit".into(),
        neuvo_planner::compare::ModeSpec { gtfs: Some("feed.zip".into()), ..c.modes["walk"].clone() },
    );
    let e = run(&t, "one", "more").unwrap_err().to_string();
    assert!(e.contains("feed.zip") && e.contains("no transit timetables"), "{e}");
    // Bases that cycle are refused before anything is loaded.
    let e =
        comparison("Tu", "[variants.x]\nbase = \"y\"\n[variants.y]\nbase = \"x\"").unwrap_err().to_string();
    assert!(e.contains("the bases form a cycle"), "{e}");
}
