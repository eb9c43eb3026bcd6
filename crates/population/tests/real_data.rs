//! The population adapter on the real data in data/cache, checked against the figures of the data README
//! (sections 3 and 4). These tests fail, never skip, when the data is missing.

use std::collections::BTreeMap;

use geo::{BoundingRect, Centroid, Geometry};
use neuvo_model::{Demand, DemandCell};
use neuvo_population::{Boundaries, DropReason, GridReport, GridSpec, Placement, Preset, gpkg, read_grid};
use neuvo_testkit::data_file;

const HSY: &str = "population/hsy_population_grid_2021.gpkg";
const BANDS: [&str; 9] = [
    "ika0_9",
    "ika10_19",
    "ika20_29",
    "ika30_39",
    "ika40_49",
    "ika50_59",
    "ika60_69",
    "ika70_79",
    "ika_yli80",
];

fn municipalities() -> Boundaries {
    Boundaries::read_gpkg(&data_file("boundaries/capital_region_municipalities.gpkg"), None, "name").unwrap()
}

fn districts() -> Boundaries {
    Boundaries::read_gpkg(&data_file("boundaries/capital_region_major_districts.gpkg"), None, "Name").unwrap()
}

fn hsy(groups: &[&str]) -> GridSpec {
    GridSpec {
        preset: Some(Preset::Hsy),
        groups: groups.iter().map(|g| (*g).to_owned()).collect(),
        ..GridSpec::default()
    }
}

fn read_hsy(spec: &GridSpec) -> (Demand, GridReport) {
    read_grid(&data_file(HSY), spec, Some(&districts()), Some(&municipalities())).unwrap()
}

/// The bounding box of the cells' outlines: (min lon, min lat, max lon, max lat).
fn outline_bbox(cells: &[DemandCell]) -> [f64; 4] {
    cells.iter().flat_map(|c| &c.outline).fold([f64::MAX, f64::MAX, f64::MIN, f64::MIN], |b, p| {
        [b[0].min(p.lon()), b[1].min(p.lat()), b[2].max(p.lon()), b[3].max(p.lat())]
    })
}

fn assert_bbox(found: [f64; 4], expected: [f64; 4], tolerance: f64) {
    for (f, e) in found.iter().zip(expected) {
        assert!((f - e).abs() <= tolerance, "bbox {found:?}, expected {expected:?} within {tolerance}");
    }
}

fn value(d: &Demand, c: &DemandCell, group: &str) -> f64 {
    c.values[d.group_index(group).unwrap()]
}

#[test]
fn hsy_grid_has_the_documented_rows_masks_totals_and_no_data() {
    // Without the preset's exclusion and without boundaries, every row is kept.
    let raw = GridSpec {
        id_column: Some("index".into()),
        total_column: Some("asukkaita".into()),
        ..GridSpec::default()
    };
    let (all, report) = read_grid(&data_file(HSY), &raw, None, None).unwrap();
    assert_eq!((report.cells_read, report.cells_kept, all.cells.len()), (5853, 5853, 5853));
    assert_eq!(report.total("total"), Some(1_207_168.0));
    assert_eq!(report.no_data, BTreeMap::from([("asvaljyys".to_owned(), 56)]));

    let (d, report) = read_hsy(&hsy(&[]));
    assert_eq!(d.group_names(), ["total", "age65", "age75", "age80", "children"]);
    assert_eq!(report.cells_read, 5853);
    assert_eq!(report.masked, 2585);
    assert_eq!(report.estimated, 2585);
    assert_eq!(report.cells_kept, 5852);
    assert_eq!(report.total("total"), Some(1_176_741.0));
    assert_eq!(report.dropped.len(), 1);
    assert_eq!((report.dropped[0].id.as_str(), report.dropped[0].reason), ("27699", DropReason::Excluded));
    assert_eq!(report.dropped[0].people, 30_427.0);
    // Cell 688 is masked (every band 99, 5 inhabitants): it keeps its 5 people, never 99.
    let first = &d.cells[0];
    assert_eq!(first.id, "688");
    assert!(first.estimated);
    assert_eq!(value(&d, first, "total"), 5.0);
    assert!(
        d.cells.iter().all(|c| c.values.iter().all(|v| *v <= value(&d, c, "total") + 1e-9 || !c.estimated))
    );
}

#[test]
fn hsy_cells_by_municipality_match_the_readme() {
    let (d, report) = read_hsy(&hsy(&["total"]));
    let m = municipalities();
    // The README counts cells whose centroid lies strictly inside the municipality polygons.
    let mut by: BTreeMap<&str, (usize, f64)> = BTreeMap::new();
    for c in &d.cells {
        let e = by.entry(m.containing(c.location).unwrap_or("(none)")).or_default();
        e.0 += 1;
        e.1 += c.values[0];
    }
    assert_eq!(by["Espoo"], (2093, 290_249.0));
    assert_eq!(by["Helsinki"], (2101, 642_941.0));
    assert_eq!(by["Vantaa"], (1543, 232_240.0));
    assert_eq!(by["Kauniainen"], (83, 10_452.0));
    // The other 32 cells lie just off the coast: each is within 1 km of a municipality and takes its name.
    let (offshore, people) = by["(none)"];
    assert_eq!((offshore, report.coastal), (32, 32));
    assert_eq!(people, 1_176_741.0 - 290_249.0 - 642_941.0 - 232_240.0 - 10_452.0);
    for c in d.cells.iter().filter(|c| m.containing(c.location).is_none()) {
        match m.locate_detail(c.location) {
            Some(Placement::Near(name, dist)) => {
                assert!(dist <= Boundaries::COAST_M, "{} {dist}", c.id);
                assert_eq!(c.municipality.as_deref(), Some(name));
            }
            other => panic!("cell {} placed {other:?}", c.id),
        }
    }
}

#[test]
fn espoo_major_districts_match_the_readme_table() {
    let spec = hsy(&["total", "ika70_79", "ika_yli80"]);
    let (d, _) = read_hsy(&spec);
    let b = districts();
    // Per district: cells, inhabitants, aged 70+ over unmasked cells, and aged 70+ over cells where neither
    // 70+ band holds 99 (the README's figure, see below).
    let mut by: BTreeMap<&str, (usize, f64, f64, f64)> = BTreeMap::new();
    for c in &d.cells {
        let Some(name) = b.containing(c.location) else { continue };
        let (a, o) = (value(&d, c, "ika70_79"), value(&d, c, "ika_yli80"));
        let e = by.entry(name).or_default();
        e.0 += 1;
        e.1 += value(&d, c, "total");
        if !c.estimated {
            e.2 += a + o;
            if a != 99.0 && o != 99.0 {
                e.3 += a + o;
            }
        }
    }
    let table = [
        ("Suur-Espoonlahti", 403, 57_238.0, 6_165.0),
        ("Suur-Kauklahti", 152, 11_914.0, 459.0),
        ("Vanha-Espoo", 413, 39_881.0, 2_597.0),
        ("Pohjois-Espoo", 290, 11_362.0, 246.0),
        ("Suur-Matinkylä", 166, 43_396.0, 5_405.0),
        ("Suur-Leppävaara", 383, 74_382.0, 6_652.0),
        ("Suur-Tapiola", 286, 52_076.0, 5_955.0),
    ];
    for (name, cells, people, aged70) in table {
        let (n, p, unmasked, readme_rule) = by[name];
        assert_eq!((n, p, readme_rule), (cells, people, aged70), "{name}");
        if name == "Suur-Espoonlahti" {
            // The README's 6 165 also leaves out cell 6602, which is not masked (674 inhabitants, bands adding
            // up to 674) but happens to have exactly 99 people aged 70–79 (and 42 aged 80+). Under the masking
            // rule (every band 99) the cell is real, and the district has 141 more people aged 70+.
            assert_eq!(unmasked, 6_165.0 + 141.0);
            let c = d.cells.iter().find(|c| c.id == "6602").unwrap();
            assert!(!c.estimated);
            assert_eq!(
                (value(&d, c, "total"), value(&d, c, "ika70_79"), value(&d, c, "ika_yli80")),
                (674.0, 99.0, 42.0)
            );
        } else {
            assert_eq!(unmasked, aged70, "{name}");
        }
    }
    // The demand's own district field agrees with strict containment wherever the centroid is inside.
    for c in d.cells.iter().filter(|c| b.containing(c.location).is_some()) {
        assert_eq!(c.district.as_deref(), b.containing(c.location), "{}", c.id);
    }
}

#[test]
fn espoo_filter_keeps_espoo_cells_only_and_reports_the_rest() {
    let spec = GridSpec { municipality: Some("Espoo".into()), ..hsy(&["total", "age75"]) };
    let (d, report) = read_hsy(&spec);
    assert!(d.cells.iter().all(|c| c.municipality.as_deref() == Some("Espoo")));
    let m = municipalities();
    let inside = d.cells.iter().filter(|c| m.containing(c.location) == Some("Espoo")).count();
    assert_eq!(inside, 2093);
    assert_eq!(report.cells_kept, d.cells.len());
    let (outside, people) = report.dropped_for(DropReason::OutsideArea);
    assert_eq!(outside + report.cells_kept, 5852);
    assert_eq!(people + report.total("total").unwrap(), 1_176_741.0);
    // Every Espoo cell is in one of Espoo's seven major districts.
    let espoo = ["Suur-Espoonlahti", "Suur-Kauklahti", "Vanha-Espoo", "Pohjois-Espoo", "Suur-Matinkylä"];
    let espoo = [&espoo[..], &["Suur-Leppävaara", "Suur-Tapiola"]].concat();
    assert!(d.cells.iter().all(|c| espoo.contains(&c.district.as_deref().unwrap_or("-"))));
}

#[test]
fn hsy_bbox_matches_the_readme_after_gk25_reprojection() {
    let (d, _) = read_hsy(&hsy(&["total"]));
    assert_bbox(outline_bbox(&d.cells), [24.50233, 60.10891, 25.24855, 60.39867], 1e-5);
    // Outlines are closed 250 m squares: 5 points, first repeated last.
    let c = &d.cells[100];
    assert_eq!((c.outline.len(), c.outline.first()), (5, c.outline.last()));
    let side = c.outline[0].haversine_m(c.outline[1]);
    assert!((side - 250.0).abs() < 1.0, "{side}");
}

#[test]
fn dummy_cell_is_dropped_as_unlocated_by_the_generic_rule() {
    // The same grid without the preset, so without its excluded ids: the boundaries alone must drop the cell.
    let spec = GridSpec {
        id_column: Some("index".into()),
        total_column: Some("asukkaita".into()),
        ..GridSpec::default()
    };
    let (m, b) = (municipalities(), districts());
    let (d, report) = read_grid(&data_file(HSY), &spec, Some(&b), Some(&m)).unwrap();
    assert_eq!(report.dropped.len(), 1);
    assert_eq!(report.dropped_for(DropReason::Unlocated), (1, 30_427.0));
    assert_eq!(report.dropped[0].id, "27699");
    assert_eq!(report.total("total"), Some(1_176_741.0));
    assert!(d.cells.iter().all(|c| c.id != "27699"));

    // Where it is: about (25.2536, 60.0541), farther than 1 km from every polygon.
    let mut layer = gpkg::read_layer(&data_file(HSY), None).unwrap();
    layer.to_wgs84().unwrap();
    let index = layer.number_values("index").unwrap();
    let at = index.iter().position(|v| *v == Some(27699.0)).unwrap();
    let p = layer.geometries[at].as_ref().and_then(Centroid::centroid).unwrap();
    assert!((p.x() - 25.2536).abs() < 1e-3 && (p.y() - 60.0541).abs() < 1e-3, "{p:?}");
    let lonlat = neuvo_model::LonLat::try_new(p.x(), p.y()).unwrap();
    for bounds in [&m, &b] {
        assert_eq!(bounds.locate(lonlat), None);
        let (_, dist) = bounds.nearest(lonlat, 100_000.0).unwrap();
        assert!(dist > Boundaries::COAST_M, "{dist}");
    }
}

#[test]
fn masked_cells_never_become_99_people_and_estimates_add_up() {
    let mut groups = vec!["total", "age65", "age75", "age80", "children"];
    groups.extend(BANDS);
    let (d, report) = read_hsy(&hsy(&groups));
    let total = d.group_index("total").unwrap();
    let bands: Vec<usize> = BANDS.iter().map(|b| d.group_index(b).unwrap()).collect();
    let mut estimated = 0;
    for c in &d.cells {
        let sum: f64 = bands.iter().map(|&i| c.values[i]).sum();
        assert!(c.values.iter().all(|v| *v >= 0.0 && v.is_finite()), "{}", c.id);
        if c.estimated {
            estimated += 1;
            // HSY's masked cells have fewer than 100 inhabitants; no group may exceed the total.
            assert!(c.values[total] <= 99.0, "{}", c.id);
            assert!(c.values.iter().all(|v| *v <= c.values[total] + 1e-9), "{} {:?}", c.id, c.values);
            assert!(
                (sum - c.values[total]).abs() < 1e-9,
                "{}: bands {sum} vs total {}",
                c.id,
                c.values[total]
            );
            assert!(bands.iter().any(|&i| c.values[i] != 99.0));
        }
    }
    assert_eq!(estimated, 2585);
    // The age groups follow their definitions on every cell.
    let g = |name| d.group_index(name).unwrap();
    for c in &d.cells {
        let v = |name| c.values[g(name)];
        assert!((v("age75") - (0.5 * v("ika70_79") + v("ika_yli80"))).abs() < 1e-9);
        assert!((v("age65") - (0.5 * v("ika60_69") + v("ika70_79") + v("ika_yli80"))).abs() < 1e-9);
        assert!((v("children") - (v("ika0_9") + 0.8 * v("ika10_19"))).abs() < 1e-9);
        assert_eq!(v("age80"), v("ika_yli80"));
    }
    // Estimation moves people between bands, never creates them: the bands of the whole grid add up to the
    // total except for the one unmasked cell where HSY's own bands fall one short.
    let band_sum: f64 = bands.iter().map(|&i| d.total(i)).sum();
    assert!((band_sum - (report.total("total").unwrap() - 1.0)).abs() < 1e-6, "{band_sum}");
    assert!(d.groups.iter().all(|g| !g.definition.is_empty()));
    assert!(d.groups[g("age75")].definition.contains("spread evenly"));
}

#[test]
fn group_sums_over_kept_cells_equal_the_report_totals() {
    let mut spec = hsy(&["total", "age65", "age75", "age80", "children", "need"]);
    spec.define.insert("need".into(), [("age75".to_owned(), 1.0), ("age65".to_owned(), 0.5)].into());
    spec.municipality = Some("Espoo".into());
    let (d, report) = read_hsy(&spec);
    assert_eq!(report.totals.len(), d.groups.len());
    for (i, t) in report.totals.iter().enumerate() {
        assert_eq!(t.group, d.groups[i].name);
        let sum = d.total(i);
        assert!((sum - t.total).abs() <= 1e-9 * sum.max(1.0), "{}: {sum} vs {}", t.group, t.total);
    }
    let need = report.total("need").unwrap();
    let expect = report.total("age75").unwrap() + 0.5 * report.total("age65").unwrap();
    assert!((need - expect).abs() < 1e-6 * need);
    assert_eq!(report.estimated, d.cells.iter().filter(|c| c.estimated).count());
}

#[test]
fn reading_twice_gives_identical_output_sorted_by_numeric_id() {
    let spec = GridSpec { municipality: Some("Espoo".into()), ..hsy(&[]) };
    let a = read_hsy(&spec);
    let b = read_hsy(&spec);
    assert_eq!(a, b);
    let ids: Vec<i64> = a.0.cells.iter().map(|c| c.id.parse().unwrap()).collect();
    assert!(ids.windows(2).all(|w| w[0] < w[1]));
}

#[test]
fn r5py_grid_in_wgs84() {
    let spec = GridSpec { total_column: Some("population".into()), ..GridSpec::default() };
    let (d, report) =
        read_grid(&data_file("population/helsinki_population_grid_2020_r5py.gpkg"), &spec, None, None)
            .unwrap();
    assert_eq!((d.cells.len(), report.total("total")), (92, Some(71_724.0)));
    assert_bbox(outline_bbox(&d.cells), [24.90545, 60.15413, 24.95949, 60.17660], 1e-5);
    assert_eq!(d.cells.iter().map(|c| c.id.as_str()).take(3).collect::<Vec<_>>(), ["0", "1", "2"]);
}

#[test]
fn paavo_postal_areas_reproject_from_tm35_with_multipolygons() {
    let path = data_file("population/uusimaa_postal_code_areas_paavo.gpkg");
    let mut layer = gpkg::read_layer(&path, None).unwrap();
    assert_eq!((layer.len(), layer.epsg, layer.table.as_str()), (370, 3067, "uusimaa_postal_code_areas_2"));
    assert!(layer.geometries.iter().all(|g| matches!(g, Some(Geometry::MultiPolygon(_)))));
    assert_eq!(layer.number_values("he_vakiy").unwrap().iter().filter(|v| v.is_none()).count(), 4);
    layer.to_wgs84().unwrap();
    let bbox = layer
        .geometries
        .iter()
        .flatten()
        .filter_map(BoundingRect::bounding_rect)
        .fold([f64::MAX, f64::MAX, f64::MIN, f64::MIN], |b, r| {
            [b[0].min(r.min().x), b[1].min(r.min().y), b[2].max(r.max().x), b[3].max(r.max().y)]
        });
    assert_bbox(bbox, [22.01998, 59.76595, 25.97348, 60.93056], 1e-5);

    // As a grid of areas: postal codes keep their leading zeros, NULL inhabitants are no data.
    let spec = GridSpec {
        id_column: Some("posti_alue".into()),
        total_column: Some("he_vakiy".into()),
        ..GridSpec::default()
    };
    let (d, report) = read_grid(&path, &spec, None, None).unwrap();
    assert_eq!((d.cells.len(), report.no_data.get("he_vakiy")), (370, Some(&4)));
    assert_eq!(d.cells[0].id, "00100");
}

#[test]
fn boundaries_have_the_documented_names() {
    let b = districts();
    assert_eq!(b.len(), 23);
    let names = b.names();
    for n in ["Suur-Espoonlahti", "Pohjois-Espoo", "Kauniainen", "Myyrmäki", "Östersundom", "Eteläinen"] {
        assert!(names.contains(&n), "{n} not in {names:?}");
    }
    let m = municipalities();
    assert_eq!(m.names(), ["Kauniainen", "Helsinki", "Espoo", "Vantaa"]);
    // Espoo's town hall area (Espoon keskus) lies in Vanha-Espoo and Espoo.
    let p = neuvo_model::LonLat::try_new(24.6559, 60.2052).unwrap();
    assert_eq!((b.locate(p), m.locate(p)), (Some("Vanha-Espoo"), Some("Espoo")));
}

#[test]
fn unknown_municipality_lists_the_known_ones() {
    let spec = GridSpec { municipality: Some("Espo".into()), ..hsy(&["total"]) };
    let e = read_grid(&data_file(HSY), &spec, None, Some(&municipalities())).unwrap_err().to_string();
    assert!(e.contains("\"Espo\"") && e.contains("Kauniainen, Helsinki, Espoo, Vantaa"), "{e}");
    let e = read_grid(&data_file(HSY), &spec, None, None).unwrap_err().to_string();
    assert!(e.contains("no municipality boundaries"), "{e}");
}

#[test]
fn hsl_stops_are_points() {
    let layer = gpkg::read_layer(&data_file("transit/hsl_stops.gpkg"), None).unwrap();
    assert_eq!(layer.len(), 8377);
    assert!(layer.geometries.iter().all(|g| matches!(g, Some(Geometry::Point(_)))));
    assert_eq!(layer.crs().unwrap(), neuvo_population::Crs::Wgs84);
    let lat = layer.number_values("stop_lat").unwrap();
    // The attribute and the geometry agree.
    let Some(Geometry::Point(p)) = &layer.geometries[0] else { unreachable!() };
    assert!((p.y() - lat[0].unwrap()).abs() < 1e-6);
    // Stops by municipality, as the data README counts them (§5).
    let m = municipalities();
    let mut by: BTreeMap<&str, usize> = BTreeMap::new();
    for g in layer.geometries.iter().flatten() {
        let Geometry::Point(p) = g else { continue };
        let at = neuvo_model::LonLat::try_new(p.x(), p.y()).unwrap();
        *by.entry(m.containing(at).unwrap_or("other")).or_default() += 1;
    }
    let expect = [("Espoo", 1814), ("Helsinki", 2856), ("Kauniainen", 74), ("Vantaa", 1655), ("other", 1978)];
    assert_eq!(by, BTreeMap::from(expect));
}

#[test]
fn boundary_layers_have_the_documented_extent() {
    for (file, rows, expect) in [
        ("boundaries/capital_region_municipalities.gpkg", 4, [24.4993, 59.9014, 25.2545, 60.40126]),
        // This one has Z coordinates (ISO Polygon Z, xyz envelope).
        ("boundaries/capital_region_major_districts.gpkg", 23, [24.49929, 59.9014, 25.25448, 60.40123]),
    ] {
        let layer = gpkg::read_layer(&data_file(file), None).unwrap();
        assert_eq!(layer.len(), rows, "{file}");
        let bbox = layer
            .geometries
            .iter()
            .flatten()
            .filter_map(BoundingRect::bounding_rect)
            .fold([f64::MAX, f64::MAX, f64::MIN, f64::MIN], |b, r| {
                [b[0].min(r.min().x), b[1].min(r.min().y), b[2].max(r.max().x), b[3].max(r.max().y)]
            });
        assert_bbox(bbox, expect, 1e-4);
    }
}
