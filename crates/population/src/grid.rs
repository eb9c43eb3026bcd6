//! Population grids to [`Demand`]: loading (GeoPackage, CSV, Parquet), locating, cleaning, estimating masked
//! cells and counting groups, with the cleaning and arithmetic done as polars expressions.

use std::collections::{BTreeMap, HashSet};
use std::io::{Cursor, Read};
use std::path::{Path, PathBuf};

use geo::{Area, Centroid, Geometry, Polygon};
use neuvo_model::{Demand, DemandCell, EARTH_RADIUS_M, Group, LonLat};
use polars::prelude::*;
use serde::Serialize;

use crate::boundaries::{Boundaries, Placement};
use crate::crs::{Crs, ToWgs84};
use crate::error::{Error, Result, RowRef, table_err};
use crate::gpkg;
use crate::spec::{GridFormat, GridSpec, MaskRule, Resolved};

/// Values at or above this are no-data markers (HSY writes 999 999 999).
pub const NO_DATA_FROM: f64 = 999_999_999.0;

/// Why a cell was left out of the demand.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum DropReason {
    /// The cell has no (or an empty) geometry, so it has no location.
    NoGeometry,
    /// The cell's id is in the exclusion list (the spec's or the preset's).
    Excluded,
    /// Boundaries were given and the cell's centroid lies in none of their polygons and farther than
    /// [`Boundaries::COAST_M`] from all of them.
    Unlocated,
    /// The cell lies outside the spec's area filter (municipality or bbox).
    OutsideArea,
}

/// One cell left out, with the people it held (its total, or its first group when the grid has no total).
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct DroppedCell {
    /// The cell id.
    pub id: String,
    /// Why.
    pub reason: DropReason,
    /// Its inhabitants (no data counts 0).
    pub people: f64,
}

/// A group's total over the kept cells.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct GroupTotal {
    /// The group.
    pub group: String,
    /// Its sum over the kept cells.
    pub total: f64,
}

/// What reading a grid did: counts of cells read, kept, estimated and dropped, and totals per group.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct GridReport {
    /// The grid file.
    pub file: PathBuf,
    /// Rows in the file.
    pub cells_read: usize,
    /// Cells in the demand.
    pub cells_kept: usize,
    /// Cells read whose every band held the masking marker.
    pub masked: usize,
    /// Kept cells whose bands were estimated (`DemandCell::estimated`).
    pub estimated: usize,
    /// Kept cells placed in the nearest area within [`Boundaries::COAST_M`] because their centroid lies in
    /// no polygon (just off the coast).
    pub coastal: usize,
    /// Per numeric column, the cells read whose value is no data (NULL, NaN, negative or ≥ 999 999 999); only
    /// columns with at least one.
    pub no_data: BTreeMap<String, usize>,
    /// Every cell left out, by reason then id.
    pub dropped: Vec<DroppedCell>,
    /// Totals per group over the kept cells, in the order of `Demand::groups`.
    pub totals: Vec<GroupTotal>,
}

impl GridReport {
    /// Cells dropped for `reason` and the people they held.
    pub fn dropped_for(&self, reason: DropReason) -> (usize, f64) {
        self.dropped.iter().filter(|d| d.reason == reason).fold((0, 0.0), |(n, p), d| (n + 1, p + d.people))
    }

    /// What a reader of results built on this grid should know, as sentences: estimated (masked) cells,
    /// cells placed on the coast, cells dropped without a known place, no-data values.
    pub fn notes(&self) -> Vec<String> {
        let file = self
            .file
            .file_name()
            .map_or_else(|| self.file.display().to_string(), |f| f.to_string_lossy().into_owned());
        let mut out = Vec::new();
        if self.estimated > 0 {
            out.push(format!(
                "{}: {} of the {} cells kept had every age band masked (fewer than 100 inhabitants); their real totals \
                 are kept and split by the age profile of their district's unmasked cells",
                file, self.estimated, self.cells_kept
            ));
        }
        if self.coastal > 0 {
            out.push(format!(
                "{file}: {} cells whose centre lies just off the shore were given the nearest area (within {:.0} m)",
                self.coastal,
                Boundaries::COAST_M
            ));
        }
        for (reason, what) in [
            (
                DropReason::Unlocated,
                "in no area and far from every boundary (such as HSY's cell of people with unknown location)",
            ),
            (DropReason::Excluded, "excluded by id (such as HSY's cell of people with unknown location)"),
            (DropReason::NoGeometry, "without a geometry"),
        ] {
            let (n, people) = self.dropped_for(reason);
            if n > 0 {
                let cells = if n == 1 { "1 cell" } else { &format!("{n} cells") };
                out.push(format!(
                    "{file}: {cells} holding {people:.0} people {what} and {} left out",
                    if n == 1 { "was" } else { "were" }
                ));
            }
        }
        out
    }

    /// The total of `group` over the kept cells.
    pub fn total(&self, group: &str) -> Option<f64> {
        self.totals.iter().find(|t| t.group == group).map(|t| t.total)
    }
}

/// Reads a population grid (GeoPackage, CSV or Parquet, see [`GridSpec::format`]) into [`Demand`] and a
/// [`GridReport`]. `districts` and `municipalities` fill [`DemandCell::district`] and
/// [`DemandCell::municipality`]; when either is given, cells located in none are dropped as unlocated.
///
/// # Errors
/// Any [`Error`]: unreadable or malformed files, missing columns (naming the group and the file's columns),
/// non-numeric counts (naming the line, fid or row), unsupported CRS, an unknown municipality in the filter.
pub fn read_grid(
    path: &Path,
    spec: &GridSpec,
    districts: Option<&Boundaries>,
    municipalities: Option<&Boundaries>,
) -> Result<(Demand, GridReport)> {
    let resolved = spec.resolve()?;
    let format = match spec.format {
        Some(f) => f,
        None => format_of(path)?,
    };
    let source = match format {
        GridFormat::Gpkg => load_gpkg(path, spec)?,
        GridFormat::Csv => {
            let bytes = std::fs::read(path).map_err(|source| Error::Io { path: path.to_owned(), source })?;
            let frame = read_csv(path, bytes, &resolved.id_column)?;
            load_points(path, frame, spec, |i| RowRef::Line(i + 2))?
        }
        GridFormat::Parquet => {
            let file =
                std::fs::File::open(path).map_err(|source| Error::Io { path: path.to_owned(), source })?;
            let frame =
                ParquetReader::new(file).finish().map_err(|e| table_err(path, "reading Parquet", e))?;
            load_points(path, frame, spec, |i| RowRef::Row(i + 1))?
        }
    };
    build(path, source, spec, &resolved, districts, municipalities)
}

/// Reads a CSV grid from `reader`; `origin` names it in messages and the report. See [`read_grid`].
///
/// # Errors
/// As [`read_grid`].
pub fn read_grid_csv(
    mut reader: impl Read,
    origin: &Path,
    spec: &GridSpec,
    districts: Option<&Boundaries>,
    municipalities: Option<&Boundaries>,
) -> Result<(Demand, GridReport)> {
    let resolved = spec.resolve()?;
    let mut bytes = Vec::new();
    reader.read_to_end(&mut bytes).map_err(|source| Error::Io { path: origin.to_owned(), source })?;
    let frame = read_csv(origin, bytes, &resolved.id_column)?;
    let source = load_points(origin, frame, spec, |i| RowRef::Line(i + 2))?;
    build(origin, source, spec, &resolved, districts, municipalities)
}

fn format_of(path: &Path) -> Result<GridFormat> {
    let ext = path.extension().and_then(|e| e.to_str()).unwrap_or("").to_ascii_lowercase();
    match ext.as_str() {
        "gpkg" => Ok(GridFormat::Gpkg),
        "csv" => Ok(GridFormat::Csv),
        "parquet" | "pq" => Ok(GridFormat::Parquet),
        _ => Err(Error::UnknownFormat { path: path.to_owned(), extension: ext }),
    }
}

/// A grid file loaded: attributes, where each row is in the file, centroids and outlines in WGS84.
struct Source {
    frame: DataFrame,
    rows: Vec<RowRef>,
    centroids: Vec<Option<LonLat>>,
    outlines: Vec<Vec<LonLat>>,
    /// Columns that hold coordinates, not counts.
    coordinate_columns: Vec<String>,
}

fn read_csv(path: &Path, bytes: Vec<u8>, id_column: &str) -> Result<DataFrame> {
    // Ids stay text (postal codes keep their leading zeros); every row is scanned to infer the other types, so
    // one stray word makes its column text, which is then reported with its line.
    let ids = Schema::from_iter([Field::new(id_column.into(), DataType::String)]);
    CsvReadOptions::default()
        .with_has_header(true)
        .with_infer_schema_length(None)
        .with_schema_overwrite(Some(Arc::new(ids)))
        .into_reader_with_file_handle(Cursor::new(bytes))
        .finish()
        .map_err(|e| table_err(path, "reading CSV", e))
}

fn load_gpkg(path: &Path, spec: &GridSpec) -> Result<Source> {
    let layer = gpkg::read_layer(path, spec.layer.as_deref())?;
    let crs = layer.crs()?;
    if let Some(given) = spec.crs
        && given != crs
    {
        return Err(Error::Spec(format!(
            "crs {given} was given, but {} (table {}) is in {crs}; GeoPackages carry their own CRS: remove `crs`",
            path.display(),
            layer.table
        )));
    }
    let t = ToWgs84::new(crs);
    let mut centroids = Vec::with_capacity(layer.len());
    let mut outlines = Vec::with_capacity(layer.len());
    for (g, &fid) in layer.geometries.iter().zip(&layer.fids) {
        let at = RowRef::Fid(fid);
        let centroid = g.as_ref().and_then(Centroid::centroid);
        centroids.push(match centroid {
            Some(c) => Some(to_lonlat(&t, path, &at, c.x(), c.y())?),
            None => None,
        });
        let ring = match g {
            Some(Geometry::Polygon(p)) => Some(p),
            Some(Geometry::MultiPolygon(mp)) => {
                mp.0.iter().max_by(|a, b| a.unsigned_area().total_cmp(&b.unsigned_area()))
            }
            _ => None,
        };
        outlines.push(match ring {
            Some(p) => outline(&t, path, &at, p)?,
            None => Vec::new(),
        });
    }
    let rows = layer.fids.iter().map(|&f| RowRef::Fid(f)).collect();
    Ok(Source { frame: layer.attributes().clone(), rows, centroids, outlines, coordinate_columns: vec![] })
}

fn to_lonlat(t: &ToWgs84, path: &Path, at: &RowRef, x: f64, y: f64) -> Result<LonLat> {
    t.lon_lat(x, y).and_then(|(lon, lat)| LonLat::try_new(lon, lat).map_err(|e| e.to_string())).map_err(
        |message| Error::Reproject {
            path: path.to_owned(),
            at: at.clone(),
            x,
            y,
            crs: t.crs().to_string(),
            message,
        },
    )
}

/// The exterior ring of `p` in WGS84, closed.
fn outline(t: &ToWgs84, path: &Path, at: &RowRef, p: &Polygon<f64>) -> Result<Vec<LonLat>> {
    let mut ring =
        p.exterior().0.iter().map(|c| to_lonlat(t, path, at, c.x, c.y)).collect::<Result<Vec<LonLat>>>()?;
    if let (Some(&first), Some(&last)) = (ring.first(), ring.last())
        && first != last
    {
        ring.push(first);
    }
    Ok(ring)
}

/// Numbers of a column; text that is not a number is an error naming its row. NULL stays `None`.
fn numbers(
    path: &Path,
    frame: &DataFrame,
    name: &str,
    row: &dyn Fn(usize) -> RowRef,
) -> Result<Vec<Option<f64>>> {
    let c = frame.column(name).map_err(|e| table_err(path, name, e))?;
    if c.dtype().is_primitive_numeric() {
        let f = c.cast(&DataType::Float64).map_err(|e| table_err(path, name, e))?;
        return Ok(f.f64().map_err(|e| table_err(path, name, e))?.iter().collect());
    }
    let text = c.cast(&DataType::String).map_err(|e| table_err(path, name, e))?;
    let text = text.str().map_err(|e| table_err(path, name, e))?;
    text.iter()
        .enumerate()
        .map(|(i, v)| match v.map(str::trim) {
            None | Some("") => Ok(None),
            Some(s) => s.parse::<f64>().map(Some).map_err(|_| Error::NotNumeric {
                path: path.to_owned(),
                at: row(i),
                column: name.to_owned(),
                value: s.to_owned(),
                expected: "a number".into(),
            }),
        })
        .collect()
}

fn load_points(path: &Path, frame: DataFrame, spec: &GridSpec, row: fn(usize) -> RowRef) -> Result<Source> {
    let names: Vec<String> = frame.get_column_names().iter().map(|n| n.to_string()).collect();
    let has = |n: &str| names.iter().any(|c| c == n);
    let (xc, yc, crs) = if has("lon") && has("lat") {
        if let Some(c) = spec.crs.filter(|c| *c != Crs::Wgs84) {
            return Err(Error::Spec(format!(
                "{}: `lon`/`lat` columns are WGS84, but crs {c} was given; name projected columns `x` and `y`",
                path.display()
            )));
        }
        ("lon", "lat", Crs::Wgs84)
    } else if has("x") && has("y") {
        ("x", "y", spec.crs.ok_or_else(|| Error::CrsRequired { path: path.to_owned() })?)
    } else {
        return Err(Error::NoCoordinates { path: path.to_owned(), available: names });
    };
    let xs = numbers(path, &frame, xc, &row)?;
    let ys = numbers(path, &frame, yc, &row)?;
    let t = ToWgs84::new(crs);
    let mut centroids = Vec::with_capacity(xs.len());
    let mut outlines = Vec::with_capacity(xs.len());
    for (i, (x, y)) in xs.into_iter().zip(ys).enumerate() {
        let at = row(i);
        let (Some(x), Some(y)) = (x, y) else {
            return Err(Error::MissingValue {
                path: path.to_owned(),
                at,
                column: if x.is_none() { xc } else { yc }.to_owned(),
                expected: "a coordinate".into(),
            });
        };
        let c = to_lonlat(&t, path, &at, x, y)?;
        centroids.push(Some(c));
        outlines.push(match spec.cell_size_m {
            None => Vec::new(),
            Some(s) if crs.is_geographic() => square_around(c, s),
            Some(s) => {
                let h = s / 2.0;
                [(-h, -h), (h, -h), (h, h), (-h, h), (-h, -h)]
                    .iter()
                    .map(|(dx, dy)| to_lonlat(&t, path, &at, x + dx, y + dy))
                    .collect::<Result<_>>()?
            }
        });
    }
    let rows = (0..frame.height()).map(row).collect();
    Ok(Source { frame, rows, centroids, outlines, coordinate_columns: vec![xc.to_owned(), yc.to_owned()] })
}

/// A square of side `side_m` metres around `c`, north-up, on the local sphere.
fn square_around(c: LonLat, side_m: f64) -> Vec<LonLat> {
    let dlat = side_m / 2.0 / (EARTH_RADIUS_M * std::f64::consts::PI / 180.0);
    let dlon = dlat / c.lat().to_radians().cos().max(1e-6);
    [(-1.0, -1.0), (1.0, -1.0), (1.0, 1.0), (-1.0, 1.0), (-1.0, -1.0)]
        .iter()
        .filter_map(|(sx, sy)| {
            LonLat::try_new(c.lon() + sx * dlon, (c.lat() + sy * dlat).clamp(-90.0, 90.0)).ok()
        })
        .collect()
}

/// Cell ids as text: integers without a decimal point, text trimmed. Empty and duplicate ids are errors.
fn cell_ids(path: &Path, source: &Source, id_column: &str, available: &[String]) -> Result<Vec<String>> {
    let c = source.frame.column(id_column).map_err(|_| Error::MissingColumn {
        path: path.to_owned(),
        purpose: "the cell id".into(),
        column: id_column.to_owned(),
        available: available.to_vec(),
    })?;
    let err = |e: PolarsError| table_err(path, id_column, e);
    let ids: Vec<Option<String>> = match c.dtype() {
        d if d.is_integer() => c
            .cast(&DataType::Int64)
            .map_err(err)?
            .i64()
            .map_err(err)?
            .iter()
            .map(|v| v.map(|v| v.to_string()))
            .collect(),
        d if d.is_float() => c
            .cast(&DataType::Float64)
            .map_err(err)?
            .f64()
            .map_err(err)?
            .iter()
            .map(|v| {
                v.map(|v| {
                    if v.fract() == 0.0 && v.abs() < 9e15 { format!("{}", v as i64) } else { v.to_string() }
                })
            })
            .collect(),
        _ => c
            .cast(&DataType::String)
            .map_err(err)?
            .str()
            .map_err(err)?
            .iter()
            .map(|v| v.map(|s| s.trim().to_owned()))
            .collect(),
    };
    let mut seen = HashSet::with_capacity(ids.len());
    ids.into_iter()
        .enumerate()
        .map(|(i, id)| {
            let at = source.rows[i].clone();
            let id = id.filter(|s| !s.is_empty()).ok_or_else(|| Error::MissingValue {
                path: path.to_owned(),
                at: at.clone(),
                column: id_column.to_owned(),
                expected: "a cell id".into(),
            })?;
            if !seen.insert(id.clone()) {
                return Err(Error::DuplicateId { path: path.to_owned(), at, id });
            }
            Ok(id)
        })
        .collect()
}

/// Where a cell is: its district and municipality, whether either came from the coastal fallback, why it is
/// dropped (if it is) and whether it passes the area filter.
struct Located {
    district: Option<String>,
    municipality: Option<String>,
    coastal: bool,
    drop: Option<DropReason>,
    in_area: bool,
}

fn locate(
    centroid: Option<LonLat>,
    id: &str,
    resolved: &Resolved,
    spec: &GridSpec,
    boundaries: [Option<&Boundaries>; 2],
    municipality: Option<&str>,
) -> Located {
    let Some(p) = centroid else {
        let drop = Some(DropReason::NoGeometry);
        return Located { district: None, municipality: None, coastal: false, drop, in_area: true };
    };
    // Per boundary set: None when not given, Some(None) when given but the cell is in none of its areas.
    let [d, m] = boundaries.map(|b| b.map(|b| b.locate_detail(p)));
    let district = d.flatten().map(|x| x.name().to_owned());
    let cell_municipality = m.flatten().map(|x| x.name().to_owned());
    let coastal = [d, m].iter().any(|x| matches!(x, Some(Some(Placement::Near(..)))));
    // Unlocated: some boundaries were given and none of them places the cell.
    let given = [d, m].iter().filter(|x| x.is_some()).count();
    let placed = [d, m].iter().filter(|x| matches!(x, Some(Some(_)))).count();
    let drop = if resolved.exclude.contains(id) {
        Some(DropReason::Excluded)
    } else if given > 0 && placed == 0 {
        Some(DropReason::Unlocated)
    } else {
        None
    };
    let in_muni = municipality.is_none_or(|name| cell_municipality.as_deref() == Some(name));
    let in_box =
        spec.bbox.is_none_or(|[a, b, c, d]| (a..=c).contains(&p.lon()) && (b..=d).contains(&p.lat()));
    Located { district, municipality: cell_municipality, coastal, drop, in_area: in_muni && in_box }
}

/// The area filter's municipality, as the boundaries spell it.
fn area_municipality(spec: &GridSpec, municipalities: Option<&Boundaries>) -> Result<Option<String>> {
    let Some(name) = &spec.municipality else { return Ok(None) };
    let b = municipalities.ok_or_else(|| Error::BoundariesRequired { name: name.clone() })?;
    let known = b.names();
    match known.iter().find(|k| k.eq_ignore_ascii_case(name.trim())) {
        Some(found) => Ok(Some((*found).to_owned())),
        None => Err(Error::UnknownMunicipality {
            name: name.clone(),
            known: known.iter().map(|s| (*s).to_owned()).collect(),
        }),
    }
}

/// The wanted groups with their column weights; every column they, the total and the masking rule need must
/// exist.
fn groups_of(
    path: &Path,
    resolved: &Resolved,
    available: &[String],
) -> Result<Vec<(Group, BTreeMap<String, f64>)>> {
    let mut groups = Vec::new();
    for name in &resolved.wanted {
        let (definition, weights) = resolved.expand(name, available, path)?;
        groups.push((Group { name: name.clone(), definition }, weights));
    }
    let need_column = |column: &str, purpose: &str| {
        if available.iter().any(|c| c == column) {
            Ok(())
        } else {
            Err(Error::MissingColumn {
                path: path.to_owned(),
                purpose: purpose.to_owned(),
                column: column.to_owned(),
                available: available.to_vec(),
            })
        }
    };
    if let Some(t) = &resolved.total_column {
        need_column(t, "the total")?;
    }
    if let Some(mask) = &resolved.mask {
        if resolved.total_column.is_none() {
            return Err(Error::Spec("the masking rule needs a total column (`total_column`)".into()));
        }
        for b in &mask.bands {
            need_column(b, "the masking rule")?;
        }
    }
    Ok(groups)
}

/// Rule (b): NULL, NaN, negative and ≥ 999 999 999 values of `columns` become null (as Float64).
fn no_data_to_null(columns: &[String]) -> Vec<Expr> {
    columns
        .iter()
        .map(|c| {
            let v = col(c.as_str()).cast(DataType::Float64);
            let bad =
                v.clone().is_finite().not().or(v.clone().gt_eq(lit(NO_DATA_FROM))).or(v.clone().lt(lit(0.0)));
            when(bad).then(lit(NULL)).otherwise(v).alias(c.as_str())
        })
        .collect()
}

/// How many cells have no data, per column (only columns with some).
fn no_data_counts(cleaned: &DataFrame, columns: &[String]) -> PolarsResult<BTreeMap<String, usize>> {
    let mut out = BTreeMap::new();
    for c in columns {
        let n = cleaned.column(c)?.null_count();
        if n > 0 {
            out.insert(c.clone(), n);
        }
    }
    Ok(out)
}

/// Rule (a): in masked cells, each band becomes total × the band's share among the unmasked cells of the cell's
/// district, or of all kept cells when the cell has no district or its district has no unmasked people. With
/// no unmasked people at all the bands are null (counted 0).
fn estimate_masked(kept: LazyFrame, mask: &MaskRule, total: &str) -> PolarsResult<LazyFrame> {
    let f0 = |c: &str| col(c).fill_null(lit(0.0));
    let bands: Vec<&str> = mask.bands.iter().map(String::as_str).collect();
    let unmasked = |b: &str| when(col("__masked")).then(lit(0.0)).otherwise(f0(b));
    let mut sums = Vec::with_capacity(2 * bands.len());
    for b in &bands {
        sums.push(unmasked(b).sum().over([col("__district")])?.alias(format!("__d_{b}")));
        sums.push(unmasked(b).sum().alias(format!("__g_{b}")));
    }
    let all = |prefix: &str| {
        bands.iter().map(|b| col(format!("{prefix}{b}"))).reduce(|a, b| a + b).unwrap_or(lit(0.0))
    };
    let use_district = col("__district").is_not_null().and(all("__d_").gt(lit(0.0)));
    let estimates: Vec<Expr> = bands
        .iter()
        .map(|b| {
            let share = when(use_district.clone())
                .then(col(format!("__d_{b}")) / all("__d_"))
                .when(all("__g_").gt(lit(0.0)))
                .then(col(format!("__g_{b}")) / all("__g_"))
                .otherwise(lit(NULL));
            when(col("__masked")).then(f0(total) * share).otherwise(col(*b)).alias(*b)
        })
        .collect();
    Ok(kept.with_columns(sums).with_columns(estimates))
}

fn build(
    path: &Path,
    source: Source,
    spec: &GridSpec,
    resolved: &Resolved,
    districts: Option<&Boundaries>,
    municipalities: Option<&Boundaries>,
) -> Result<(Demand, GridReport)> {
    let err = |context: &'static str| move |e: PolarsError| table_err(path, context, e);
    let available: Vec<String> = source.frame.get_column_names().iter().map(|n| n.to_string()).collect();

    let municipality = area_municipality(spec, municipalities)?;
    let groups = groups_of(path, resolved, &available)?;
    let ids = cell_ids(path, &source, &resolved.id_column, &available)?;
    let located: Vec<Located> = ids
        .iter()
        .zip(&source.centroids)
        .map(|(id, c)| locate(*c, id, resolved, spec, [districts, municipalities], municipality.as_deref()))
        .collect();

    // Count columns: every numeric attribute column (and text columns that groups need, parsed here so that a
    // stray word is reported with its line), except the id and coordinates.
    let used: Vec<&String> = groups
        .iter()
        .flat_map(|(_, w)| w.keys())
        .chain(&resolved.total_column)
        .chain(resolved.mask.iter().flat_map(|m| &m.bands))
        .collect();
    let mut frame = source.frame.clone();
    let mut counts: Vec<String> = Vec::new();
    for name in &available {
        if *name == resolved.id_column || source.coordinate_columns.contains(name) {
            continue;
        }
        let dtype = frame.column(name).map_err(err("columns"))?.dtype().clone();
        if used.contains(&name) && !dtype.is_primitive_numeric() {
            let values = numbers(path, &frame, name, &|i| source.rows[i].clone())?;
            frame.with_column(Column::new(name.as_str().into(), values)).map_err(err("columns"))?;
        } else if !dtype.is_primitive_numeric() {
            continue;
        }
        counts.push(name.clone());
    }

    let drop_text: Vec<Option<&str>> = located.iter().map(|l| l.drop.map(drop_name)).collect();
    let district: Vec<Option<&str>> = located.iter().map(|l| l.district.as_deref()).collect();
    let in_area: Vec<bool> = located.iter().map(|l| l.in_area).collect();
    let row_index: Vec<u32> = (0..ids.len() as u32).collect();
    let all_integer_ids = ids.iter().all(|s| s.parse::<i64>().is_ok());
    let keys: Vec<Option<i64>> = ids.iter().map(|s| s.parse::<i64>().ok()).collect();
    let height = frame.height();
    let mut extra = vec![
        Column::new("__id".into(), &ids),
        Column::new("__row".into(), row_index),
        Column::new("__district".into(), district),
        Column::new("__drop".into(), drop_text),
        Column::new("__in_area".into(), in_area),
    ];
    if all_integer_ids {
        extra.push(Column::new("__key".into(), keys));
    }
    let mut columns = frame.into_columns();
    columns.extend(extra);
    let frame = DataFrame::new(height, columns).map_err(err("assembling the grid"))?;

    let masked = match &resolved.mask {
        Some(m) => m
            .bands
            .iter()
            .map(|b| col(b.as_str()).eq(lit(m.marker)))
            .reduce(Expr::and)
            .map_or(lit(false), |e| e.fill_null(lit(false))),
        None => lit(false),
    };
    let people = match &resolved.total_column {
        Some(t) => col(t.as_str()).fill_null(lit(0.0)),
        None => groups.first().map_or(lit(0.0), |(_, w)| weighted(w)),
    };
    let cleaned = frame
        .lazy()
        .with_columns(no_data_to_null(&counts))
        .with_columns([masked.alias("__masked"), people.alias("__people")])
        .collect()
        .map_err(err("cleaning the grid"))?;

    let no_data = no_data_counts(&cleaned, &counts).map_err(err("counting no-data values"))?;
    let masked_read = cleaned
        .column("__masked")
        .and_then(|c| c.bool().map(|b| b.sum().unwrap_or(0)))
        .map_err(err("masked"))?;

    let mut dropped = dropped_cells(&cleaned.clone().lazy().filter(col("__drop").is_not_null()), None, path)?;

    let mut kept = cleaned.lazy().filter(col("__drop").is_null());
    if let (Some(mask), Some(total)) = (&resolved.mask, &resolved.total_column) {
        kept = estimate_masked(kept, mask, total).map_err(err("estimating masked cells"))?;
    }

    dropped.extend(dropped_cells(
        &kept.clone().filter(col("__in_area").not()),
        Some(DropReason::OutsideArea),
        path,
    )?);
    dropped.sort_by(|a, b| (a.reason, id_key(&a.id)).cmp(&(b.reason, id_key(&b.id))));

    let group_exprs: Vec<Expr> =
        groups.iter().enumerate().map(|(i, (_, w))| weighted(w).alias(format!("__g{i}"))).collect();
    // Integer ids sort numerically; the text breaks ties between spellings of one number ("0100", "100").
    let sort_by: Vec<Expr> =
        if all_integer_ids { vec![col("__key"), col("__id")] } else { vec![col("__id")] };
    let out = kept
        .filter(col("__in_area"))
        .with_columns(group_exprs)
        .sort_by_exprs(sort_by, SortMultipleOptions::default())
        .collect()
        .map_err(err("computing groups"))?;
    let totals_frame = out
        .clone()
        .lazy()
        .select((0..groups.len()).map(|i| col(format!("__g{i}")).sum()).collect::<Vec<_>>())
        .collect()
        .map_err(err("totals"))?;

    // Cells out of the table.
    let ids = out.column("__id").and_then(|c| c.str().cloned()).map_err(err("ids"))?;
    let rows = out.column("__row").and_then(|c| c.u32().cloned()).map_err(err("rows"))?;
    let is_masked = out.column("__masked").and_then(|c| c.bool().cloned()).map_err(err("masked"))?;
    let values: Vec<Float64Chunked> = (0..groups.len())
        .map(|i| out.column(&format!("__g{i}")).and_then(|c| c.f64().cloned()))
        .collect::<PolarsResult<_>>()
        .map_err(err("groups"))?;
    let mut cells = Vec::with_capacity(out.height());
    let (mut outlines, mut coastal) = (source.outlines, 0);
    for i in 0..out.height() {
        let row = rows.get(i).unwrap_or_default() as usize;
        let place = &located[row];
        coastal += usize::from(place.coastal);
        let Some(location) = source.centroids[row] else { continue };
        cells.push(DemandCell {
            id: ids.get(i).unwrap_or_default().to_owned(),
            location,
            outline: std::mem::take(&mut outlines[row]),
            district: place.district.clone(),
            municipality: place.municipality.clone(),
            values: values.iter().map(|v| v.get(i).unwrap_or(0.0)).collect(),
            estimated: is_masked.get(i).unwrap_or(false),
        });
    }
    let totals = groups
        .iter()
        .enumerate()
        .map(|(i, (g, _))| {
            let total = totals_frame
                .column(&format!("__g{i}"))
                .and_then(|c| c.get(0).map(|v| v.extract::<f64>().unwrap_or(0.0)));
            total.map(|total| GroupTotal { group: g.name.clone(), total }).map_err(err("totals"))
        })
        .collect::<Result<Vec<_>>>()?;
    let report = GridReport {
        file: path.to_owned(),
        cells_read: height,
        cells_kept: cells.len(),
        masked: masked_read as usize,
        estimated: cells.iter().filter(|c| c.estimated).count(),
        coastal,
        no_data,
        dropped,
        totals,
    };
    Ok((Demand { groups: groups.into_iter().map(|(g, _)| g).collect(), cells }, report))
}

fn drop_name(d: DropReason) -> &'static str {
    match d {
        DropReason::NoGeometry => "no_geometry",
        DropReason::Excluded => "excluded",
        DropReason::Unlocated => "unlocated",
        DropReason::OutsideArea => "outside_area",
    }
}

/// Sorts ids numerically when they are integers, else as text.
fn id_key(id: &str) -> (Option<i64>, &str) {
    (id.parse().ok(), id)
}

/// `Σ weight × column` with no data counted 0.
fn weighted(weights: &BTreeMap<String, f64>) -> Expr {
    weights
        .iter()
        .map(|(c, w)| lit(*w) * col(c.as_str()).fill_null(lit(0.0)))
        .reduce(|a, b| a + b)
        .unwrap_or(lit(0.0))
}

/// The cells of `frame` with their drop reason (`reason`, or the `__drop` column).
fn dropped_cells(frame: &LazyFrame, reason: Option<DropReason>, path: &Path) -> Result<Vec<DroppedCell>> {
    let err = |e: PolarsError| table_err(path, "dropped cells", e);
    let df = frame.clone().select([col("__id"), col("__drop"), col("__people")]).collect().map_err(err)?;
    let ids = df.column("__id").and_then(|c| c.str().cloned()).map_err(err)?;
    let why = df.column("__drop").and_then(|c| c.str().cloned()).map_err(err)?;
    let people = df.column("__people").and_then(|c| c.f64().cloned()).map_err(err)?;
    let reasons =
        [DropReason::NoGeometry, DropReason::Excluded, DropReason::Unlocated, DropReason::OutsideArea];
    Ok((0..df.height())
        .map(|i| DroppedCell {
            id: ids.get(i).unwrap_or_default().to_owned(),
            reason: reason
                .or_else(|| why.get(i).and_then(|w| reasons.into_iter().find(|r| drop_name(*r) == w)))
                .unwrap_or(DropReason::Excluded),
            people: people.get(i).unwrap_or(0.0),
        })
        .collect())
}
