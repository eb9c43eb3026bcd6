//! Small grids and GeoPackages written by the tests themselves: CSV (lon/lat and ETRS-TM35FIN x/y), Parquet,
//! hand-made GeoPackages with big-endian and EWKB Z geometries, and bad inputs.

use std::path::{Path, PathBuf};

use geo::{MultiPolygon, polygon};
use neuvo_model::{Demand, LonLat};
use neuvo_population::{
    Boundaries, DropReason, Error, GridReport, GridSpec, MaskRule, RowRef, gpkg, read_grid, read_grid_csv,
};
use polars::prelude::{Column, DataFrame, ParquetCompression, ParquetWriter};
use rusqlite::Connection;

/// id, lon, lat, pop, young, old, households. Two districts: West (lon < 24.70) and East. Masked cells (young
/// and old both 99) are 5 (East, 4 people) and 7 (West, 8 people). West's unmasked cells have young:old = 3:1,
/// East's 1:3 (cell 4 has a real 99 young). Cell 2's pop is a no-data marker; cell 6 lies 500 m off the
/// south shore; cell 8 lies 3 km off it; households hold a negative value and a marker.
/// One fixture cell: id, lon, lat, pop, young, old, households.
type Cell = (i64, f64, f64, f64, f64, f64, f64);

const CELLS: [Cell; 12] = [
    (3, 24.60, 60.20, 40.0, 30.0, 10.0, 20.0),
    (11, 24.65, 60.25, 20.0, 15.0, 5.0, 9.0),
    (9, 24.58, 60.29, 8.0, 6.0, 2.0, 4.0),
    (7, 24.62, 60.22, 8.0, 99.0, 99.0, 4.0),
    (1, 24.75, 60.20, 40.0, 10.0, 30.0, 21.0),
    (12, 24.80, 60.22, 20.0, 5.0, 15.0, 8.0),
    (10, 24.88, 60.29, 20.0, 5.0, 15.0, 999_999_999.0),
    (4, 24.72, 60.28, 396.0, 99.0, 297.0, 180.0),
    (2, 24.78, 60.16, 999_999_999.0, 2.0, 6.0, 3.0),
    (6, 24.80, 60.0955, 12.0, 3.0, 9.0, -5.0),
    (5, 24.85, 60.18, 4.0, 99.0, 99.0, 2.0),
    (8, 24.80, 60.073, 50.0, 25.0, 25.0, 20.0),
];

fn districts() -> Boundaries {
    let west =
        polygon![(x: 24.55, y: 60.10), (x: 24.70, y: 60.10), (x: 24.70, y: 60.30), (x: 24.55, y: 60.30)];
    let east =
        polygon![(x: 24.70, y: 60.10), (x: 24.90, y: 60.10), (x: 24.90, y: 60.30), (x: 24.70, y: 60.30)];
    Boundaries::from_areas(
        Path::new("districts"),
        vec![("West".into(), MultiPolygon(vec![west])), ("East".into(), MultiPolygon(vec![east]))],
    )
}

fn municipalities() -> Boundaries {
    let all =
        polygon![(x: 24.55, y: 60.10), (x: 24.90, y: 60.10), (x: 24.90, y: 60.30), (x: 24.55, y: 60.30)];
    Boundaries::from_areas(Path::new("municipalities"), vec![("Espoo".into(), MultiPolygon(vec![all]))])
}

fn spec() -> GridSpec {
    toml::from_str(
        r#"
        total_column = "pop"
        groups = ["total", "young", "old", "need"]
        mask = { marker = 99, bands = ["young", "old"] }
        [define]
        need = { old = 1.0, total = 0.1 }
        "#,
    )
    .unwrap()
}

fn csv_lonlat() -> String {
    let mut s = "id,lon,lat,pop,young,old,households\n".to_owned();
    for (id, lon, lat, pop, young, old, hh) in CELLS {
        s += &format!("{id},{lon},{lat},{pop},{young},{old},{hh}\n");
    }
    s
}

/// WGS84 degrees to ETRS-TM35FIN metres, with proj4rs (forward, the opposite of what the crate does).
fn to_tm35(lon: f64, lat: f64) -> (f64, f64) {
    let from = proj4rs::Proj::from_proj_string("+proj=longlat +ellps=GRS80 +no_defs").unwrap();
    let to = proj4rs::Proj::from_proj_string("+proj=utm +zone=35 +ellps=GRS80 +units=m +no_defs").unwrap();
    let mut p = (lon.to_radians(), lat.to_radians(), 0.0);
    proj4rs::transform::transform(&from, &to, &mut p).unwrap();
    (p.0, p.1)
}

fn csv_tm35() -> String {
    let mut s = "id,x,y,pop,young,old,households\n".to_owned();
    for (id, lon, lat, pop, young, old, hh) in CELLS {
        let (x, y) = to_tm35(lon, lat);
        s += &format!("{id},{x:.4},{y:.4},{pop},{young},{old},{hh}\n");
    }
    s
}

fn value(d: &Demand, id: &str, group: &str) -> f64 {
    let c = d.cells.iter().find(|c| c.id == id).unwrap_or_else(|| panic!("no cell {id}"));
    c.values[d.group_index(group).unwrap()]
}

fn read_csv_text(text: &str, spec: &GridSpec, with_districts: bool) -> Result<(Demand, GridReport), Error> {
    let d = districts();
    let m = municipalities();
    let (d, m) = if with_districts { (Some(&d), Some(&m)) } else { (None, None) };
    read_grid_csv(text.as_bytes(), Path::new("cells.csv"), spec, d, m)
}

#[test]
fn csv_grid_applies_every_rule() {
    let (d, r) = read_csv_text(&csv_lonlat(), &spec(), true).unwrap();
    // Sorted numerically by id; cell 8 (3 km off the shore) is dropped as unlocated.
    let ids: Vec<&str> = d.cells.iter().map(|c| c.id.as_str()).collect();
    assert_eq!(ids, ["1", "2", "3", "4", "5", "6", "7", "9", "10", "11", "12"]);
    assert_eq!((r.cells_read, r.cells_kept, r.masked, r.estimated, r.coastal), (12, 11, 2, 2, 1));
    assert_eq!(r.dropped.len(), 1);
    assert_eq!(
        (r.dropped[0].id.as_str(), r.dropped[0].reason, r.dropped[0].people),
        ("8", DropReason::Unlocated, 50.0)
    );

    // Masked cells: total kept, bands from their own district's profile (West 3:1, East 1:3), never 99.
    assert_eq!([value(&d, "7", "total"), value(&d, "7", "young"), value(&d, "7", "old")], [8.0, 6.0, 2.0]);
    assert_eq!([value(&d, "5", "total"), value(&d, "5", "young"), value(&d, "5", "old")], [4.0, 1.0, 3.0]);
    let masked = d.cells.iter().filter(|c| c.estimated).map(|c| c.id.as_str()).collect::<Vec<_>>();
    assert_eq!(masked, ["5", "7"]);
    // A single band of 99 is a real count.
    assert_eq!(value(&d, "4", "young"), 99.0);

    // No data counts 0 and is reported per column (over every cell read).
    assert_eq!(value(&d, "2", "total"), 0.0);
    assert_eq!(value(&d, "2", "need"), 6.0);
    assert_eq!(r.no_data.get("pop"), Some(&1));
    assert_eq!(r.no_data.get("households"), Some(&2));
    assert_eq!(r.no_data.len(), 2);

    // Need index = old + 0.1 × total.
    assert!((value(&d, "1", "need") - 34.0).abs() < 1e-12);
    assert_eq!(d.groups[3].definition, "weighted sum: old + 0.1 × total");

    // Districts, municipalities, and the coastal cell given the nearest polygon.
    let cell = |id: &str| d.cells.iter().find(|c| c.id == id).unwrap();
    assert_eq!((cell("3").district.as_deref(), cell("1").district.as_deref()), (Some("West"), Some("East")));
    assert_eq!(
        (cell("6").district.as_deref(), cell("6").municipality.as_deref()),
        (Some("East"), Some("Espoo"))
    );
    assert!(cell("1").outline.is_empty());

    // Report totals are the group sums.
    for (i, t) in r.totals.iter().enumerate() {
        assert!((t.total - d.total(i)).abs() < 1e-9, "{}", t.group);
    }
    assert_eq!(r.total("total"), Some(40.0 + 20.0 + 8.0 + 8.0 + 40.0 + 20.0 + 20.0 + 396.0 + 12.0 + 4.0));
}

#[test]
fn without_districts_masked_cells_take_the_whole_grid_profile() {
    let (d, r) = read_csv_text(&csv_lonlat(), &spec(), false).unwrap();
    // No boundaries: nothing is unlocated, cell 8 stays and counts in the profile.
    assert_eq!(r.cells_kept, 12);
    let young: f64 = CELLS.iter().filter(|c| c.4 != 99.0 || c.5 != 99.0).map(|c| c.4).sum();
    let old: f64 = CELLS.iter().filter(|c| c.4 != 99.0 || c.5 != 99.0).map(|c| c.5).sum();
    let share = young / (young + old);
    assert!((value(&d, "5", "young") - 4.0 * share).abs() < 1e-12);
    assert!((value(&d, "5", "young") + value(&d, "5", "old") - 4.0).abs() < 1e-12);
    assert!(d.cells.iter().all(|c| c.district.is_none() && c.municipality.is_none()));
}

#[test]
fn area_filters_drop_cells_outside_and_report_them() {
    let mut s = spec();
    s.bbox = Some([24.70, 60.15, 24.90, 60.30]);
    let (d, r) = read_csv_text(&csv_lonlat(), &s, true).unwrap();
    let ids: Vec<&str> = d.cells.iter().map(|c| c.id.as_str()).collect();
    assert_eq!(ids, ["1", "2", "4", "5", "10", "12"]);
    assert_eq!(r.dropped_for(DropReason::OutsideArea), (5, 40.0 + 20.0 + 8.0 + 8.0 + 12.0));
    assert_eq!(r.dropped_for(DropReason::Unlocated).0, 1);

    s.bbox = None;
    s.municipality = Some("espoo".into());
    let (d, _) = read_csv_text(&csv_lonlat(), &s, true).unwrap();
    assert_eq!(d.cells.len(), 11);
    s.municipality = Some("Helsinki".into());
    let e = read_csv_text(&csv_lonlat(), &s, true).unwrap_err();
    assert!(matches!(&e, Error::UnknownMunicipality { known, .. } if known == &["Espoo"]), "{e}");
}

#[test]
fn projected_csv_gives_the_same_demand_as_lon_lat() {
    let (a, _) = read_csv_text(&csv_lonlat(), &spec(), true).unwrap();
    let mut s = spec();
    s.crs = Some("EPSG:3067".parse().unwrap());
    let (b, _) = read_csv_text(&csv_tm35(), &s, true).unwrap();
    assert_eq!(a.cells.len(), b.cells.len());
    for (x, y) in a.cells.iter().zip(&b.cells) {
        assert_eq!((&x.id, &x.values, &x.district), (&y.id, &y.values, &y.district));
        assert!(
            (x.location.lon() - y.location.lon()).abs() < 1e-7
                && (x.location.lat() - y.location.lat()).abs() < 1e-7
        );
    }
    // Square outlines of the given size, in both systems.
    s.cell_size_m = Some(250.0);
    let (b, _) = read_csv_text(&csv_tm35(), &s, true).unwrap();
    let mut t = spec();
    t.cell_size_m = Some(250.0);
    let (a, _) = read_csv_text(&csv_lonlat(), &t, true).unwrap();
    for c in a.cells.iter().chain(&b.cells) {
        assert_eq!((c.outline.len(), c.outline.first()), (5, c.outline.last()));
        for w in c.outline.windows(2) {
            assert!((w[0].haversine_m(w[1]) - 250.0).abs() < 2.5, "{}", w[0].haversine_m(w[1]));
        }
    }
}

#[test]
fn parquet_grid_reads_like_csv() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("cells.parquet");
    let col =
        |name: &str, f: fn(&Cell) -> f64| Column::new(name.into(), CELLS.iter().map(f).collect::<Vec<f64>>());
    let mut df = DataFrame::new(
        CELLS.len(),
        vec![
            Column::new("id".into(), CELLS.iter().map(|c| c.0).collect::<Vec<i64>>()),
            col("lon", |c| c.1),
            col("lat", |c| c.2),
            col("pop", |c| c.3),
            col("young", |c| c.4),
            col("old", |c| c.5),
            col("households", |c| c.6),
        ],
    )
    .unwrap();
    let file = std::fs::File::create(&path).unwrap();
    ParquetWriter::new(file).with_compression(ParquetCompression::Uncompressed).finish(&mut df).unwrap();
    let (d, r) = read_grid(&path, &spec(), Some(&districts()), Some(&municipalities())).unwrap();
    let (c, rc) = read_csv_text(&csv_lonlat(), &spec(), true).unwrap();
    assert_eq!(d, c);
    assert_eq!((r.no_data, r.dropped, r.totals), (rc.no_data, rc.dropped, rc.totals));
}

// ---- hand-made GeoPackages ----

fn ring_bytes(out: &mut Vec<u8>, little: bool, ring: &[(f64, f64)], z: Option<f64>) {
    let u = |v: u32| if little { v.to_le_bytes() } else { v.to_be_bytes() };
    out.extend(u(ring.len() as u32));
    for &(x, y) in ring {
        for v in [Some(x), Some(y), z].into_iter().flatten() {
            out.extend(if little { v.to_le_bytes() } else { v.to_be_bytes() });
        }
    }
}

/// A WKB polygon with one ring: `code` is its type code (3, 1003, 0x80000003 …), `z` its Z value if any.
fn polygon_wkb(little: bool, code: u32, ring: &[(f64, f64)], z: Option<f64>) -> Vec<u8> {
    let mut out = vec![u8::from(little)];
    out.extend(if little { code.to_le_bytes() } else { code.to_be_bytes() });
    out.extend(if little { 1u32.to_le_bytes() } else { 1u32.to_be_bytes() });
    ring_bytes(&mut out, little, ring, z);
    out
}

/// A GeoPackage blob: header (little-endian, no envelope, or flagged empty) then `wkb`.
fn blob(srs_id: i32, wkb: &[u8], empty: bool) -> Vec<u8> {
    let mut out = vec![b'G', b'P', 0, 1 | if empty { 0b1_0000 } else { 0 }];
    out.extend(srs_id.to_le_bytes());
    out.extend(wkb);
    out
}

/// A square of `side` degrees with south-west corner (x, y), closed.
fn square(x: f64, y: f64, side: f64) -> Vec<(f64, f64)> {
    vec![(x, y), (x + side, y), (x + side, y + side), (x, y + side), (x, y)]
}

/// Writes a GeoPackage with one feature table `cells` (fid, geom, id, pop, name) in `srs_id`.
fn write_gpkg(path: &Path, srs_id: i32, rows: &[(Option<Vec<u8>>, i64, i64, &str)]) {
    let conn = Connection::open(path).unwrap();
    conn.execute_batch(
        "CREATE TABLE gpkg_spatial_ref_sys (srs_name TEXT, srs_id INTEGER PRIMARY KEY, organization TEXT,
             organization_coordsys_id INTEGER, definition TEXT, description TEXT);
         CREATE TABLE gpkg_contents (table_name TEXT PRIMARY KEY, data_type TEXT, identifier TEXT, srs_id INTEGER);
         CREATE TABLE gpkg_geometry_columns (table_name TEXT, column_name TEXT, geometry_type_name TEXT,
             srs_id INTEGER, z INTEGER, m INTEGER);
         CREATE TABLE notes (id INTEGER, text TEXT);
         CREATE TABLE cells (fid INTEGER PRIMARY KEY AUTOINCREMENT, geom POLYGON, id INTEGER, pop MEDIUMINT,
             name TEXT);
         INSERT INTO gpkg_contents VALUES ('notes', 'attributes', 'notes', NULL);
         INSERT INTO gpkg_contents VALUES ('cells', 'features', 'cells', 4326);",
    )
    .unwrap();
    conn.execute("INSERT INTO gpkg_spatial_ref_sys VALUES ('x', ?1, 'EPSG', ?1, '', '')", [srs_id]).unwrap();
    conn.execute("INSERT INTO gpkg_geometry_columns VALUES ('cells', 'geom', 'POLYGON', ?1, 1, 0)", [srs_id])
        .unwrap();
    for (geom, id, pop, name) in rows {
        conn.execute(
            "INSERT INTO cells (geom, id, pop, name) VALUES (?1, ?2, ?3, ?4)",
            rusqlite::params![geom, id, pop, name],
        )
        .unwrap();
    }
}

fn temp_gpkg(srs_id: i32, rows: &[(Option<Vec<u8>>, i64, i64, &str)]) -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("cells.gpkg");
    write_gpkg(&path, srs_id, rows);
    (dir, path)
}

#[test]
fn hand_made_geopackage_with_big_endian_and_ewkb_z_polygons() {
    let a = square(24.60, 60.20, 0.01);
    let b = square(24.80, 60.20, 0.01);
    let c = square(24.62, 60.25, 0.01);
    let rows = vec![
        (Some(blob(4326, &polygon_wkb(false, 3, &a, None), false)), 30, 100, "big-endian"),
        (Some(blob(4326, &polygon_wkb(true, 0x8000_0003, &b, Some(12.5)), false)), 10, 50, "EWKB Z"),
        (Some(blob(4326, &polygon_wkb(true, 1003, &c, Some(3.0)), false)), 20, 25, "ISO Z"),
        (None, 40, 7, "no geometry"),
        (Some(blob(4326, &[], true)), 50, 8, "empty"),
    ];
    let (_dir, path) = temp_gpkg(4326, &rows);

    let layer = gpkg::read_layer(&path, None).unwrap();
    assert_eq!((layer.table.as_str(), layer.geometry_column.as_str(), layer.epsg), ("cells", "geom", 4326));
    assert_eq!(layer.fids, [1, 2, 3, 4, 5]);
    assert_eq!(layer.column_names(), ["id", "pop", "name"]);
    assert_eq!(layer.column_type("pop"), Some(gpkg::ColumnType::Integer));
    assert_eq!(layer.text_values("name").unwrap()[1].as_deref(), Some("EWKB Z"));
    assert!(layer.geometries[3].is_none() && layer.geometries[4].is_none());

    let spec = GridSpec { total_column: Some("pop".into()), ..GridSpec::default() };
    let (d, r) = read_grid(&path, &spec, None, None).unwrap();
    let ids: Vec<&str> = d.cells.iter().map(|c| c.id.as_str()).collect();
    assert_eq!(ids, ["10", "20", "30"]);
    assert_eq!(r.dropped_for(DropReason::NoGeometry), (2, 15.0));
    let centre = |id: &str| d.cells.iter().find(|c| c.id == id).unwrap().location;
    let close = |p: LonLat, lon: f64, lat: f64| (p.lon() - lon).abs() < 1e-9 && (p.lat() - lat).abs() < 1e-9;
    assert!(close(centre("30"), 24.605, 60.205));
    assert!(close(centre("10"), 24.805, 60.205));
    assert!(close(centre("20"), 24.625, 60.255));
    assert_eq!(d.cells[0].outline.len(), 5);

    // The same file as boundaries: names from a column, Z dropped.
    let b = Boundaries::read_gpkg(&path, Some("cells"), "name");
    assert!(matches!(b, Err(Error::GeometryType { fid: 4, .. })), "{b:?}");
}

#[test]
fn geopackage_in_gk25_reprojects_and_unknown_crs_is_an_error() {
    // A 250 m cell of HSY's grid in EPSG:3879 around (25_496_000, 6_672_000).
    let ring = [(25_496_000.0, 6_672_000.0), (25_496_250.0, 6_672_000.0), (25_496_250.0, 6_672_250.0)];
    let ring: Vec<(f64, f64)> = ring.iter().copied().chain([(25_496_000.0, 6_672_250.0), ring[0]]).collect();
    let (_dir, path) =
        temp_gpkg(3879, &[(Some(blob(3879, &polygon_wkb(true, 3, &ring, None), false)), 1, 9, "a")]);
    let spec = GridSpec { total_column: Some("pop".into()), ..GridSpec::default() };
    let (d, _) = read_grid(&path, &spec, None, None).unwrap();
    let p = d.cells[0].location;
    // Just west of the 25° E central meridian, in central Helsinki.
    assert!(p.lon() < 25.0 && p.lon() > 24.9 && (p.lat() - 60.17).abs() < 0.02, "{p}");
    let side = d.cells[0].outline[0].haversine_m(d.cells[0].outline[1]);
    assert!((side - 250.0).abs() < 2.0, "{side}");

    let (_dir, path) =
        temp_gpkg(2393, &[(Some(blob(2393, &polygon_wkb(true, 3, &ring, None), false)), 1, 9, "a")]);
    let e = read_grid(&path, &spec, None, None).unwrap_err();
    let text = e.to_string();
    assert!(matches!(e, Error::UnsupportedCrs { ref code, .. } if code == "EPSG:2393"), "{text}");
    assert!(text.contains("cells.gpkg") && text.contains("EPSG:4326, EPSG:3067, EPSG:3879"), "{text}");
}

#[test]
fn truncated_geometry_blob_names_file_table_fid_and_offset() {
    let good = blob(4326, &polygon_wkb(true, 3, &square(24.6, 60.2, 0.01), None), false);
    let cut = good[..good.len() - 12].to_vec();
    let (_dir, path) = temp_gpkg(4326, &[(Some(good), 1, 5, "a"), (Some(cut), 2, 5, "b")]);
    let e = gpkg::read_layer(&path, None).unwrap_err();
    let Error::Geometry { path: p, table, fid, offset, message } = &e else { panic!("{e:?}") };
    assert_eq!((p, table.as_str(), *fid), (&path, "cells", 2));
    // The ring's point count (after the 8-byte header, byte order, type and ring count) promises 5 points of
    // 16 bytes, more than is left: refused there, before reading any point.
    assert_eq!(*offset, 8 + 1 + 4 + 4);
    assert!(
        message.contains("count of 5 points needing at least 80 bytes, but only 68 are left"),
        "{message}"
    );
    assert!(e.to_string().contains("fid 2"), "{e}");
}

#[test]
fn files_that_are_not_geopackages_are_named() {
    let dir = tempfile::tempdir().unwrap();
    let text = dir.path().join("grid.gpkg");
    std::fs::write(&text, "id,lon,lat\n1,24.6,60.2\n").unwrap();
    let e = gpkg::read_layer(&text, None).unwrap_err();
    assert!(matches!(&e, Error::NotGeoPackage { reason, .. } if reason == "not an SQLite database"), "{e}");
    assert!(e.to_string().contains("grid.gpkg"));

    let plain = dir.path().join("plain.gpkg");
    Connection::open(&plain).unwrap().execute_batch("CREATE TABLE t (a INTEGER);").unwrap();
    let e = gpkg::read_layer(&plain, None).unwrap_err();
    assert!(matches!(&e, Error::NotGeoPackage { reason, .. } if reason.contains("gpkg_contents")), "{e}");

    let e = gpkg::read_layer(&dir.path().join("missing.gpkg"), None).unwrap_err();
    assert!(matches!(e, Error::Io { .. }), "{e}");

    let (_d, path) = temp_gpkg(4326, &[]);
    let e = gpkg::read_layer(&path, Some("grid")).unwrap_err();
    assert!(matches!(&e, Error::UnknownLayer { available, .. } if available == &["cells"]), "{e}");
    let spec = GridSpec { total_column: Some("pop".into()), ..GridSpec::default() };
    let e = read_grid(&dir.path().join("grid.txt"), &spec, None, None).unwrap_err();
    assert!(matches!(&e, Error::UnknownFormat { extension, .. } if extension == "txt"), "{e}");
}

#[test]
fn missing_group_column_names_file_group_column_and_available_columns() {
    // The HSY preset on a grid without age bands (like the later HSY file whose age columns were removed).
    let spec = GridSpec {
        preset: Some(neuvo_population::Preset::Hsy),
        groups: vec!["total".into(), "age75".into()],
        mask: Some(MaskRule { marker: 99.0, bands: vec![] }),
        ..GridSpec::default()
    };
    let csv = "index,lon,lat,asukkaita,ika60_69\n1,24.6,60.2,10,2\n";
    let e = read_csv_text(csv, &spec, false).unwrap_err();
    assert!(matches!(&e, Error::Spec(_)), "an empty band list is refused: {e}");

    let spec = GridSpec { mask: None, ..spec };
    let e = read_csv_text(csv, &spec, false).unwrap_err();
    let Error::MissingColumn { path, purpose, column, available } = &e else { panic!("{e:?}") };
    assert_eq!(
        (path.as_path(), purpose.as_str(), column.as_str()),
        (Path::new("cells.csv"), "group `age75`", "ika70_79")
    );
    assert_eq!(available, &["index", "lon", "lat", "asukkaita", "ika60_69"]);
    let text = e.to_string();
    assert!(
        text.contains("cells.csv") && text.contains("age75") && text.contains("index, lon, lat, asukkaita"),
        "{text}"
    );

    // A wanted group that is neither defined nor a column.
    let spec = GridSpec {
        total_column: Some("asukkaita".into()),
        groups: vec!["elderly".into()],
        ..GridSpec::default()
    };
    let e = read_csv_text(csv, &spec, false).unwrap_err();
    assert!(matches!(&e, Error::MissingColumn { column, .. } if column == "elderly"), "{e}");
}

#[test]
fn non_numeric_count_names_line_and_column() {
    let mut csv = csv_lonlat();
    csv = csv.replacen("\n1,24.75,60.2,40,10,30,21\n", "\n1,24.75,60.2,40,ten,30,21\n", 1);
    assert!(csv.contains("ten"));
    let line = csv.lines().position(|l| l.contains("ten")).unwrap() + 1;
    let e = read_csv_text(&csv, &spec(), true).unwrap_err();
    let Error::NotNumeric { at, column, value, .. } = &e else { panic!("{e:?}") };
    assert_eq!((at, column.as_str(), value.as_str()), (&RowRef::Line(line), "young", "ten"));
    assert!(e.to_string().contains(&format!("cells.csv, line {line}, column young: found \"ten\"")), "{e}");
}

#[test]
fn other_bad_csv_inputs() {
    let s = GridSpec { total_column: Some("pop".into()), ..GridSpec::default() };
    let e = read_csv_text("id,east,north,pop\n1,1,2,3\n", &s, false).unwrap_err();
    assert!(matches!(e, Error::NoCoordinates { .. }), "{e}");
    let e = read_csv_text("id,x,y,pop\n1,385000,6672000,3\n", &s, false).unwrap_err();
    assert!(matches!(e, Error::CrsRequired { .. }), "{e}");
    let e = read_csv_text("id,lon,lat,pop\n1,24.6,60.2,3\n1,24.7,60.2,4\n", &s, false).unwrap_err();
    assert!(matches!(&e, Error::DuplicateId { at: RowRef::Line(3), id, .. } if id == "1"), "{e}");
    let e = read_csv_text("id,lon,lat,pop\n1,60.2,24.6,3\n2,160.2,95.6,3\n", &s, false).unwrap_err();
    assert!(matches!(&e, Error::Reproject { at: RowRef::Line(3), .. }), "{e}");
    let e = toml::from_str::<GridSpec>("crs = \"EPSG:9999\"").unwrap_err().to_string();
    assert!(e.contains("EPSG:9999") && e.contains("EPSG:3067"), "{e}");
    // Postal-code-like ids keep their leading zeros and sort as text when not all are integers.
    let (d, _) =
        read_csv_text("id,lon,lat,pop\n00100,24.6,60.2,3\nA1,24.7,60.2,4\n02100,24.7,60.2,4\n", &s, false)
            .unwrap();
    assert_eq!(d.cells.iter().map(|c| c.id.as_str()).collect::<Vec<_>>(), ["00100", "02100", "A1"]);
}
