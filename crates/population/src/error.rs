//! Errors of the population adapter: each names the file, the table, the row (fid, line or row number), the column
//! and the value found, says what was expected and what to do.

use std::fmt;
use std::path::PathBuf;

/// Shorthand for results of this crate.
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// Where a value sits in its source file, in the file's own terms.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum RowRef {
    /// A line of a CSV file, counted from 1 with the header as line 1.
    Line(usize),
    /// A feature id of a GeoPackage table.
    Fid(i64),
    /// A row of a Parquet file, counted from 1.
    Row(usize),
}

impl fmt::Display for RowRef {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            RowRef::Line(n) => write!(f, "line {n}"),
            RowRef::Fid(n) => write!(f, "fid {n}"),
            RowRef::Row(n) => write!(f, "row {n}"),
        }
    }
}

/// Why a population grid, a boundary layer or a GeoPackage layer could not be read.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The file could not be opened or read.
    #[error("cannot read {path}: {source}")]
    Io {
        /// The file.
        path: PathBuf,
        /// The underlying error.
        source: std::io::Error,
    },
    /// The file is not a GeoPackage (not SQLite, or SQLite without `gpkg_contents`).
    #[error(
        "{path} is not a GeoPackage ({reason}): expected an SQLite file with a gpkg_contents table, as written by \
         QGIS, GDAL/ogr2ogr or geopandas; check the file name and that the download is complete"
    )]
    NotGeoPackage {
        /// The file.
        path: PathBuf,
        /// What was found instead.
        reason: String,
    },
    /// SQLite failed while reading a table.
    #[error("{path}, table {table}: {source}; is the GeoPackage complete (not truncated or locked)?")]
    Sqlite {
        /// The file.
        path: PathBuf,
        /// The table being read.
        table: String,
        /// SQLite's error.
        source: rusqlite::Error,
    },
    /// The GeoPackage has no vector layer.
    #[error(
        "{path} has no feature layer (no gpkg_contents row with data_type 'features'); export the layer as \
         vector features"
    )]
    NoFeatureLayer {
        /// The file.
        path: PathBuf,
    },
    /// The requested layer is not a feature layer of the GeoPackage.
    #[error("{path} has no feature layer named {layer:?}; its feature layers are: {}", available.join(", "))]
    UnknownLayer {
        /// The file.
        path: PathBuf,
        /// The layer asked for.
        layer: String,
        /// The feature layers the file has.
        available: Vec<String>,
    },
    /// A geometry blob is truncated or malformed.
    #[error(
        "{path}, table {table}, fid {fid}: invalid geometry blob at byte {offset}: {message}; the file may be \
         truncated or written by a tool that does not follow the GeoPackage binary format"
    )]
    Geometry {
        /// The file.
        path: PathBuf,
        /// The table.
        table: String,
        /// The feature id.
        fid: i64,
        /// Byte offset inside the blob where decoding failed.
        offset: usize,
        /// What was expected and what was found.
        message: String,
    },
    /// A geometry is of a type this use cannot take (a point where a polygon is needed).
    #[error(
        "{path}, table {table}, fid {fid}: found a {found} geometry, expected {expected}; pick another layer"
    )]
    GeometryType {
        /// The file.
        path: PathBuf,
        /// The table.
        table: String,
        /// The feature id.
        fid: i64,
        /// The geometry type found.
        found: String,
        /// What was expected.
        expected: String,
    },
    /// A coordinate reference system that neuvo cannot reproject.
    #[error(
        "{origin}: coordinate reference system {code} is not supported; supported are {}; reproject the data \
         (e.g. `ogr2ogr -t_srs EPSG:4326`) or give one of these",
        crate::Crs::supported_list()
    )]
    UnsupportedCrs {
        /// The file or setting that named it.
        origin: String,
        /// The code as found (`EPSG:2393`, `900913`).
        code: String,
    },
    /// A coordinate could not be reprojected to a valid WGS84 position.
    #[error(
        "{path}, {at}: coordinate ({x}, {y}) in {crs} does not reproject to a valid WGS84 position ({message}); \
         check the CRS and that x/y are not swapped"
    )]
    Reproject {
        /// The file.
        path: PathBuf,
        /// The row.
        at: RowRef,
        /// Easting or longitude as found.
        x: f64,
        /// Northing or latitude as found.
        y: f64,
        /// The source CRS.
        crs: String,
        /// What went wrong.
        message: String,
    },
    /// The file's format cannot be told from its name.
    #[error(
        "{path}: cannot tell the grid format from extension {extension:?}; use .gpkg, .csv or .parquet, or set `format`"
    )]
    UnknownFormat {
        /// The file.
        path: PathBuf,
        /// The extension found (empty when none).
        extension: String,
    },
    /// The CSV or Parquet reader failed, or the table could not be computed.
    #[error("{path}: {message}")]
    Table {
        /// The file.
        path: PathBuf,
        /// What went wrong, from the table engine.
        message: String,
    },
    /// A column that is needed is missing from the file.
    #[error("{path}: {purpose} needs column {column:?}, which the file does not have; its columns are: {}", available.join(", "))]
    MissingColumn {
        /// The file.
        path: PathBuf,
        /// What needs it, e.g. ``group `age75` `` or `the cell id`.
        purpose: String,
        /// The missing column.
        column: String,
        /// The columns the file has.
        available: Vec<String>,
    },
    /// A value that must be a number is not.
    #[error("{path}, {at}, column {column}: found {value:?}, expected {expected}; fix or remove the value")]
    NotNumeric {
        /// The file.
        path: PathBuf,
        /// Where the value is.
        at: RowRef,
        /// The column.
        column: String,
        /// The value as found.
        value: String,
        /// What was expected.
        expected: String,
    },
    /// A value that is required is empty.
    #[error("{path}, {at}, column {column}: the value is empty, expected {expected}")]
    MissingValue {
        /// The file.
        path: PathBuf,
        /// Where the value is.
        at: RowRef,
        /// The column.
        column: String,
        /// What was expected.
        expected: String,
    },
    /// Two cells share an id.
    #[error("{path}, {at}: cell id {id:?} appears a second time; ids must be unique (set `id_column`)")]
    DuplicateId {
        /// The file.
        path: PathBuf,
        /// Where the second one is.
        at: RowRef,
        /// The id.
        id: String,
    },
    /// A CSV or Parquet grid has no coordinate columns.
    #[error("{path}: no coordinate columns: expected `lon` and `lat` (WGS84) or `x` and `y` (with `crs` in the grid spec); its columns are: {}", available.join(", "))]
    NoCoordinates {
        /// The file.
        path: PathBuf,
        /// The columns the file has.
        available: Vec<String>,
    },
    /// A grid with `x`/`y` columns but no CRS in the spec.
    #[error("{path} has `x` and `y` columns but the grid spec gives no `crs`; add e.g. crs = \"EPSG:3067\"")]
    CrsRequired {
        /// The file.
        path: PathBuf,
    },
    /// The grid spec is inconsistent.
    #[error("grid spec: {0}")]
    Spec(String),
    /// The area filter names a municipality that the boundaries do not have.
    #[error("unknown municipality {name:?}; the municipality boundaries know: {}", known.join(", "))]
    UnknownMunicipality {
        /// The name asked for.
        name: String,
        /// The names the boundaries have.
        known: Vec<String>,
    },
    /// The area filter names a municipality but no municipality boundaries were given.
    #[error(
        "the grid spec filters on municipality {name:?}, but no municipality boundaries were given; pass them \
         (e.g. capital_region_municipalities.gpkg) or use `bbox`"
    )]
    BoundariesRequired {
        /// The municipality asked for.
        name: String,
    },
    /// A boundary polygon has no name.
    #[error("{path}, table {table}, fid {fid}: column {column} is empty; every boundary needs a name")]
    MissingName {
        /// The file.
        path: PathBuf,
        /// The table.
        table: String,
        /// The feature id.
        fid: i64,
        /// The name column.
        column: String,
    },
}

/// Wraps a table-engine error with the file it concerns.
pub(crate) fn table_err(path: &std::path::Path, context: &str, e: impl fmt::Display) -> Error {
    Error::Table { path: path.to_owned(), message: format!("{context}: {e}") }
}
