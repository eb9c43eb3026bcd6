//! Profiles on hand-drawn maps: one scenario per rule (one-way streets, barriers, access tags, islands, areas,
//! platforms, missing references), checked by routing on the built network; and the same fixtures written as
//! real PBF files and read back through the parallel PBF reader.

use neuvo_model::{Mode, NoProgress};
use neuvo_network::ch::ChQuery;
use neuvo_network::{Network, NetworkMeta, RoadGraph, Weight};
use neuvo_osm::{Error, Fixture, Profile, read_network, read_venues};

/// The nodes (by map name) of the fastest path from `a` to `b`, or `None` when `b` cannot be reached or either
/// node is not in the graph.
fn path(f: &Fixture, g: &RoadGraph, a: char, b: char) -> Option<String> {
    let s = g.node_of_osm_id(f.osm_id(a))?;
    let t = g.node_of_osm_id(f.osm_id(b))?;
    let net = Network::build(g.clone(), NetworkMeta::default(), &NoProgress);
    let mut q = ChQuery::new(net.hierarchy());
    let p = q.path(net.hierarchy(), &[(s, Weight::ZERO)], &[(t, Weight::ZERO)])?;
    let name = |u: u32| -> char {
        let id = g.osm_id(u);
        "abcdefghijklmnopqrstuvwxyz".chars().find(|&c| f.osm_id_opt(c) == Some(id)).unwrap_or('?')
    };
    let mut out = String::from(name(s));
    for e in p.edges {
        out.push(name(g.edge_head(e)));
    }
    Some(out)
}

fn walk() -> Profile {
    Profile::for_mode(Mode::Walk)
}

fn car() -> Profile {
    Profile::for_mode(Mode::Car)
}

const BLOCK: &str = "
    a---b---c
    |       |
    d-------e
";

/// A one-way street is driven only forwards, so cars go round the block; walkers take it both ways.
#[test]
fn oneway_streets_send_cars_round_the_block_but_not_walkers() {
    let f = Fixture::parse(BLOCK, 10.0)
        .unwrap()
        .way("abc", &[("highway", "residential"), ("oneway", "yes")])
        .way("ceda", &[("highway", "residential")]);
    let (gc, _) = f.import(&car()).unwrap();
    let (gw, _) = f.import(&walk()).unwrap();
    assert_eq!(path(&f, &gc, 'a', 'c').as_deref(), Some("abc"));
    assert_eq!(path(&f, &gc, 'c', 'a').as_deref(), Some("ceda"));
    assert_eq!(path(&f, &gw, 'c', 'a').as_deref(), Some("cba"));
    // oneway=-1 reverses the direction.
    let f = Fixture::parse(BLOCK, 10.0)
        .unwrap()
        .way("abc", &[("highway", "residential"), ("oneway", "-1")])
        .way("ceda", &[("highway", "residential")]);
    let (gc, _) = f.import(&car()).unwrap();
    assert_eq!(path(&f, &gc, 'c', 'a').as_deref(), Some("cba"));
    assert_eq!(path(&f, &gc, 'a', 'c').as_deref(), Some("adec"));
}

/// A bollard blocks cars (they go round) but not walkers; a gate lets cars through unless it is private.
#[test]
fn barriers_block_cars_but_not_walkers() {
    let base = |tags: &[(&str, &str)]| {
        Fixture::parse(BLOCK, 10.0)
            .unwrap()
            .way("abc", &[("highway", "residential")])
            .way("ceda", &[("highway", "residential")])
            .node('b', tags)
    };
    let f = base(&[("barrier", "bollard")]);
    let (gc, rc) = f.import(&car()).unwrap();
    let (gw, rw) = f.import(&walk()).unwrap();
    assert_eq!(rc.blocking_nodes, 1);
    assert_eq!(rw.blocking_nodes, 0);
    assert_eq!(gc.node_of_osm_id(f.osm_id('b')), None, "the bollard node is not part of the car graph");
    assert_eq!(path(&f, &gc, 'a', 'c').as_deref(), Some("adec"));
    assert_eq!(path(&f, &gw, 'a', 'c').as_deref(), Some("abc"));

    let f = base(&[("barrier", "gate")]);
    let (gc, _) = f.import(&car()).unwrap();
    assert_eq!(path(&f, &gc, 'a', 'c').as_deref(), Some("abc"));
    let f = base(&[("barrier", "gate"), ("access", "private")]);
    let (gc, _) = f.import(&car()).unwrap();
    let (gw, _) = f.import(&walk()).unwrap();
    assert_eq!(path(&f, &gc, 'a', 'c').as_deref(), Some("adec"));
    assert_eq!(
        path(&f, &gw, 'a', 'c').as_deref(),
        Some("adec"),
        "access=private on the gate stops walkers too"
    );
    let f = base(&[("barrier", "wall")]);
    let (gw, _) = f.import(&walk()).unwrap();
    assert_eq!(path(&f, &gw, 'a', 'c').as_deref(), Some("adec"));
}

/// Access tags close a way per mode, the most specific tag deciding.
#[test]
fn access_tags_close_ways_by_mode() {
    let f = |tags: &[(&str, &str)]| {
        Fixture::parse(BLOCK, 10.0).unwrap().way("abc", tags).way("ceda", &[("highway", "residential")])
    };
    let private = f(&[("highway", "service"), ("access", "private")]);
    assert_eq!(path(&private, &private.import(&car()).unwrap().0, 'a', 'c').as_deref(), Some("adec"));
    assert_eq!(path(&private, &private.import(&walk()).unwrap().0, 'a', 'c').as_deref(), Some("adec"));
    let foot_yes = f(&[("highway", "service"), ("access", "private"), ("foot", "yes")]);
    assert_eq!(path(&foot_yes, &foot_yes.import(&car()).unwrap().0, 'a', 'c').as_deref(), Some("adec"));
    assert_eq!(path(&foot_yes, &foot_yes.import(&walk()).unwrap().0, 'a', 'c').as_deref(), Some("abc"));
    let footway = f(&[("highway", "footway")]);
    assert_eq!(path(&footway, &footway.import(&car()).unwrap().0, 'a', 'c').as_deref(), Some("adec"));
    assert_eq!(path(&footway, &footway.import(&walk()).unwrap().0, 'a', 'c').as_deref(), Some("abc"));
    let motorway = f(&[("highway", "motorway"), ("oneway", "no")]);
    assert_eq!(path(&motorway, &motorway.import(&walk()).unwrap().0, 'a', 'c').as_deref(), Some("adec"));
}

/// Of two unconnected networks only the larger is kept, and the report says what was dropped.
#[test]
fn disconnected_islands_are_dropped_and_reported() {
    let f = Fixture::parse(
        "
    a---b---c     x---y
    |       |
    d-------e
",
        10.0,
    )
    .unwrap()
    .way("abceda", &[("highway", "residential")])
    .way("xy", &[("highway", "residential")]);
    let (g, r) = f.import(&walk()).unwrap();
    assert_eq!(g.node_count(), 5);
    assert_eq!(r.build.components, 2);
    assert_eq!(r.build.nodes_dropped_outside_largest_component, 2);
    assert_eq!(r.build.edges_dropped_outside_largest_component, 2);
    assert_eq!(g.node_of_osm_id(f.osm_id('x')), None);
    // A one-way dead end is not strongly connected either: its tip is dropped for cars.
    let f = Fixture::parse(BLOCK, 10.0)
        .unwrap()
        .way("abceda", &[("highway", "residential")])
        .node('b', &[])
        .way("cb", &[("highway", "residential")]);
    let (g, _) = f.import(&car()).unwrap();
    assert_eq!(g.node_count(), 5);
}

/// Pedestrian areas are walked along their outline; cars ignore them; platforms are walkable.
#[test]
fn areas_and_platforms_follow_the_profile() {
    let f = Fixture::parse(
        "
    a---b---c
    |       |
    d-------e---p===q
",
        10.0,
    )
    .unwrap()
    .way("abceda", &[("highway", "pedestrian"), ("area", "yes")])
    .way("ep", &[("highway", "footway")])
    .way("pq", &[("railway", "platform")]);
    let (gw, rw) = f.import(&walk()).unwrap();
    assert_eq!(rw.ways_used, 3);
    assert_eq!(path(&f, &gw, 'b', 'q').as_deref(), Some("bcepq"));
    assert_eq!(path(&f, &gw, 'd', 'q').as_deref(), Some("depq"));
    let e = f.import(&car()).unwrap_err();
    assert!(matches!(e, Error::NoRoutableWays { .. }), "{e}");
}

/// References to nodes missing from the data cut the way there; they are counted, never a panic.
#[test]
fn missing_node_references_are_skipped_and_counted() {
    let f = Fixture::parse(BLOCK, 10.0)
        .unwrap()
        .way_with_missing_refs(&[Ok('a'), Ok('b'), Err(999), Ok('c')], &[("highway", "residential")])
        .way("ceda", &[("highway", "residential")]);
    let (g, r) = f.import(&walk()).unwrap();
    assert_eq!(r.missing_node_refs, 1);
    assert_eq!(path(&f, &g, 'b', 'c').as_deref(), Some("badec"));
}

/// A fixture written as a real PBF file and read back with the parallel reader gives the very same graph.
#[test]
fn fixtures_written_as_pbf_read_back_identically() {
    let f = Fixture::parse(BLOCK, 10.0)
        .unwrap()
        .way("abc", &[("highway", "residential"), ("oneway", "yes")])
        .way("ceda", &[("highway", "residential"), ("name", "Mannerheimintie")])
        .node('e', &[("barrier", "bollard")])
        .node('d', &[("amenity", "library"), ("name", "Kirjasto")]);
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("fixture.osm.pbf");
    std::fs::write(&file, pbf_of(&f)).unwrap();
    for profile in [walk(), car()] {
        let direct = f.import(&profile);
        let from_file = read_network(&file, &profile);
        match (direct, from_file) {
            (Ok((g1, r1)), Ok((g2, r2))) => {
                assert_eq!(g1, g2, "profile {}", profile.name);
                assert_eq!(r1.build, r2.build);
                assert_eq!(
                    (r1.nodes_read, r1.ways_read, r1.blocking_nodes),
                    (r2.nodes_read, r2.ways_read, r2.blocking_nodes)
                );
            }
            (Err(e1), Err(e2)) => assert_eq!(
                e1.to_string().replace("fixture", ""),
                e2.to_string().replace(&file.display().to_string(), "")
            ),
            (a, b) => panic!(
                "fixture and file disagree for {}: {:?} vs {:?}",
                profile.name,
                a.map(|x| x.1),
                b.map(|x| x.1)
            ),
        }
    }
    let (venues, skipped) = read_venues(&file, &neuvo_osm::VenueRules::builtin()).unwrap();
    assert_eq!(skipped, 0);
    assert_eq!(venues.len(), 1);
    assert_eq!(venues[0].name.as_deref(), Some("Kirjasto"));
    assert_eq!(venues[0].kind.0, "library");
    assert_eq!(venues[0].location, f.position('d'));
}

fn pbf_of(f: &Fixture) -> Vec<u8> {
    let (nodes, ways) = f.elements();
    let nodes: Vec<_> = nodes
        .into_iter()
        .map(|(id, lon_e7, lat_e7, tags)| neuvo_testkit::pbf::Node { id, lon_e7, lat_e7, tags })
        .collect();
    let ways: Vec<_> =
        ways.into_iter().map(|(id, refs, tags)| neuvo_testkit::pbf::Way { id, refs, tags }).collect();
    neuvo_testkit::pbf::write(&nodes, &ways)
}

/// Bad files give errors that name the file and say what is wrong, never a panic: empty, not a PBF, truncated,
/// and a valid PBF without a single highway.
#[test]
fn bad_files_give_clear_errors() {
    let dir = tempfile::tempdir().unwrap();
    let p = |name: &str, bytes: &[u8]| {
        let path = dir.path().join(name);
        std::fs::write(&path, bytes).unwrap();
        path
    };
    let empty = p("empty.osm.pbf", b"");
    let e = read_network(&empty, &walk()).unwrap_err();
    assert!(matches!(e, Error::Empty { .. }) && e.to_string().contains("empty.osm.pbf"), "{e}");

    let xml = p("map.osm.pbf", b"<?xml version='1.0'?><osm version='0.6'></osm>");
    let e = read_network(&xml, &walk()).unwrap_err().to_string();
    assert!(e.contains("map.osm.pbf") && e.contains("not a valid OpenStreetMap PBF"), "{e}");

    let real = std::fs::read(neuvo_testkit::data_file("osm/espoo_otaniemi_2014.osm.pbf")).unwrap();
    for cut in [10, 100, real.len() / 3, real.len() / 2, real.len() - 7] {
        let t = p("truncated.osm.pbf", &real[..cut]);
        let e = read_network(&t, &walk()).unwrap_err().to_string();
        assert!(e.contains("truncated.osm.pbf") && e.contains("blob"), "cut at {cut}: {e}");
    }

    let buildings = Fixture::parse(BLOCK, 10.0).unwrap().way("abceda", &[("building", "yes")]);
    let nohw = p("buildings.osm.pbf", &pbf_of(&buildings));
    let e = read_network(&nohw, &walk()).unwrap_err();
    assert!(matches!(e, Error::NoRoutableWays { ways: 1, highways: 0, .. }), "{e}");
    assert!(e.to_string().contains("buildings.osm.pbf"), "{e}");

    let missing = dir.path().join("nope.osm.pbf");
    let e = read_network(&missing, &walk()).unwrap_err().to_string();
    assert!(e.contains("nope.osm.pbf"), "{e}");
}
