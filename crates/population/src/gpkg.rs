//! GeoPackage vector layers read with plain SQLite (no GDAL): attributes into a table, geometry blobs (the `GP`
//! header, then WKB in either byte order, with ISO or EWKB Z/M) decoded by our own code, and reprojection to
//! WGS84.
//!
//! ```no_run
//! let layer = neuvo_population::gpkg::read_layer("data/cache/transit/hsl_stops.gpkg".as_ref(), None)?;
//! let names = layer.text_values("stop_name")?;
//! println!("{} stops, first {:?}, in {}", layer.len(), names[0], layer.crs()?);
//! # Ok::<(), neuvo_population::Error>(())
//! ```

use std::path::{Path, PathBuf};

use geo::{Coord, Geometry, MapCoords};
use neuvo_model::LonLat;
use polars::prelude::{Column, DataFrame, DataType};
use rusqlite::types::Value;
use rusqlite::{Connection, OpenFlags};

use crate::crs::{Crs, ToWgs84};
use crate::error::{Error, Result, RowRef, table_err};
use crate::wkb;

/// The SQLite type a GeoPackage attribute column was read as.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ColumnType {
    /// Every value is an integer (or NULL).
    Integer,
    /// Every value is a number and at least one is a real.
    Real,
    /// At least one value is text; numbers in the column are kept as their text.
    Text,
}

/// A feature layer of a GeoPackage: its features' ids, geometries and attributes.
///
/// Geometries are in the layer's own system ([`Layer::crs`]) until [`Layer::to_wgs84`] is called. NULL and
/// empty geometries are `None`. Attribute columns holding BLOBs (other than the geometry) are not read.
#[derive(Clone, Debug)]
pub struct Layer {
    /// The file.
    pub path: PathBuf,
    /// The table (layer) name.
    pub table: String,
    /// The geometry column.
    pub geometry_column: String,
    /// The EPSG code of the geometries (from `gpkg_spatial_ref_sys` when it names an EPSG system, else the
    /// layer's `srs_id`).
    pub epsg: i64,
    /// Feature ids, in ascending order; one per feature.
    pub fids: Vec<i64>,
    /// Geometries, one per feature.
    pub geometries: Vec<Option<Geometry<f64>>>,
    attributes: DataFrame,
}

impl Layer {
    /// Number of features.
    pub fn len(&self) -> usize {
        self.fids.len()
    }

    /// True when the layer has no features.
    pub fn is_empty(&self) -> bool {
        self.fids.is_empty()
    }

    /// The attribute columns, in table order (without the fid and geometry columns).
    pub fn column_names(&self) -> Vec<String> {
        self.attributes.get_column_names().into_iter().map(|n| n.to_string()).collect()
    }

    /// How the column was read, or `None` when there is no such column.
    pub fn column_type(&self, name: &str) -> Option<ColumnType> {
        self.attributes.column(name).ok().map(|c| match c.dtype() {
            DataType::Int64 => ColumnType::Integer,
            DataType::Float64 => ColumnType::Real,
            _ => ColumnType::Text,
        })
    }

    /// The system of the geometries.
    ///
    /// # Errors
    /// [`Error::UnsupportedCrs`] when the layer's EPSG code is not one of [`Crs::SUPPORTED`].
    pub fn crs(&self) -> Result<Crs> {
        Crs::from_epsg_in(self.epsg, &format!("{}, table {}", self.path.display(), self.table))
    }

    /// A numeric column as numbers, NULL as `None`.
    ///
    /// # Errors
    /// [`Error::MissingColumn`] for an unknown column, [`Error::NotNumeric`] naming the fid of the first text
    /// value that is not a number.
    pub fn number_values(&self, name: &str) -> Result<Vec<Option<f64>>> {
        let c = self.column(name)?;
        if let Ok(v) = c.f64() {
            return Ok(v.iter().collect());
        }
        if let Ok(v) = c.i64() {
            return Ok(v.iter().map(|x| x.map(|x| x as f64)).collect());
        }
        let text = c.str().map_err(|e| table_err(&self.path, name, e))?;
        text.iter()
            .zip(&self.fids)
            .map(|(t, &fid)| match t {
                None => Ok(None),
                Some(s) => s.trim().parse::<f64>().map(Some).map_err(|_| Error::NotNumeric {
                    path: self.path.clone(),
                    at: RowRef::Fid(fid),
                    column: name.to_owned(),
                    value: s.to_owned(),
                    expected: "a number".into(),
                }),
            })
            .collect()
    }

    /// Any column as text (integers and reals formatted), NULL as `None`.
    ///
    /// # Errors
    /// [`Error::MissingColumn`] for an unknown column.
    pub fn text_values(&self, name: &str) -> Result<Vec<Option<String>>> {
        let c = self.column(name)?;
        match c.dtype() {
            DataType::Int64 => c.i64().map(|v| v.iter().map(|x| x.map(|x| x.to_string())).collect()),
            DataType::Float64 => c.f64().map(|v| v.iter().map(|x| x.map(|x| x.to_string())).collect()),
            _ => c.str().map(|v| v.iter().map(|x| x.map(str::to_owned)).collect()),
        }
        .map_err(|e| table_err(&self.path, name, e))
    }

    /// Reprojects every geometry to WGS84 longitude/latitude degrees; afterwards [`Layer::epsg`] is 4326.
    ///
    /// # Errors
    /// [`Error::UnsupportedCrs`] for a system neuvo does not know, [`Error::Reproject`] naming the fid and
    /// coordinate that does not give a valid position.
    pub fn to_wgs84(&mut self) -> Result<()> {
        let crs = self.crs()?;
        if crs == Crs::Wgs84 {
            return Ok(());
        }
        let t = ToWgs84::new(crs);
        let t = &t;
        for (g, &fid) in self.geometries.iter_mut().zip(&self.fids) {
            if let Some(geom) = g {
                *geom = geom
                    .try_map_coords(|c| {
                        t.lon_lat(c.x, c.y)
                            .and_then(|(x, y)| {
                                LonLat::try_new(x, y).map(|_| Coord { x, y }).map_err(|e| e.to_string())
                            })
                            .map_err(|message| (c.x, c.y, message))
                    })
                    .map_err(|(x, y, message)| Error::Reproject {
                        path: self.path.clone(),
                        at: RowRef::Fid(fid),
                        x,
                        y,
                        crs: crs.to_string(),
                        message,
                    })?;
            }
        }
        self.epsg = 4326;
        Ok(())
    }

    fn column(&self, name: &str) -> Result<&Column> {
        self.attributes.column(name).map_err(|_| Error::MissingColumn {
            path: self.path.clone(),
            purpose: format!("layer {}", self.table),
            column: name.to_owned(),
            available: self.column_names(),
        })
    }

    /// The attribute table (the fid and geometry are not in it).
    pub(crate) fn attributes(&self) -> &DataFrame {
        &self.attributes
    }
}

/// Quotes an SQL identifier.
fn ident(name: &str) -> String {
    format!("\"{}\"", name.replace('"', "\"\""))
}

/// Reads a feature layer: `layer` by name, or the first `features` row of `gpkg_contents` when `None`.
///
/// # Errors
/// [`Error::Io`] when the file cannot be opened, [`Error::NotGeoPackage`] for a file that is not SQLite or has
/// no `gpkg_contents`, [`Error::NoFeatureLayer`] / [`Error::UnknownLayer`], [`Error::Sqlite`] for a damaged
/// database and [`Error::Geometry`] for a malformed geometry blob (naming the fid and byte offset).
pub fn read_layer(path: &Path, layer: Option<&str>) -> Result<Layer> {
    std::fs::metadata(path).map_err(|source| Error::Io { path: path.to_owned(), source })?;
    let flags = OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX;
    let conn = Connection::open_with_flags(path, flags).map_err(|e| Error::NotGeoPackage {
        path: path.to_owned(),
        reason: format!("SQLite cannot open it: {e}"),
    })?;
    let sql_err = |table: &str| {
        let table = table.to_owned();
        move |source: rusqlite::Error| Error::Sqlite { path: path.to_owned(), table, source }
    };

    // Which layers exist: a non-database file fails here.
    let layers: Vec<String> = conn
        .prepare("SELECT table_name FROM gpkg_contents WHERE data_type = 'features' ORDER BY rowid")
        .and_then(|mut s| s.query_map([], |r| r.get::<_, String>(0))?.collect())
        .map_err(|e| {
            let reason = match e.sqlite_error_code() {
                Some(rusqlite::ErrorCode::NotADatabase) => "not an SQLite database".to_owned(),
                _ if e.to_string().contains("no such table") => {
                    "SQLite without a gpkg_contents table".to_owned()
                }
                _ => e.to_string(),
            };
            Error::NotGeoPackage { path: path.to_owned(), reason }
        })?;
    let table = match layer {
        None => layers.first().cloned().ok_or_else(|| Error::NoFeatureLayer { path: path.to_owned() })?,
        Some(name) => layers
            .iter()
            .find(|l| *l == name)
            .or_else(|| layers.iter().find(|l| l.eq_ignore_ascii_case(name)))
            .cloned()
            .ok_or_else(|| Error::UnknownLayer {
                path: path.to_owned(),
                layer: name.to_owned(),
                available: layers.clone(),
            })?,
    };

    let (geometry_column, srs_id): (String, i64) = conn
        .query_row(
            "SELECT column_name, srs_id FROM gpkg_geometry_columns WHERE table_name = ?1",
            [&table],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .map_err(sql_err("gpkg_geometry_columns"))?;
    // The srs_id is the file's own key; gpkg_spatial_ref_sys says which EPSG system it is.
    let epsg = conn
        .query_row(
            "SELECT organization, organization_coordsys_id FROM gpkg_spatial_ref_sys WHERE srs_id = ?1",
            [srs_id],
            |r| Ok((r.get::<_, String>(0)?, r.get::<_, i64>(1)?)),
        )
        .ok()
        .filter(|(org, _)| org.eq_ignore_ascii_case("epsg"))
        .map_or(srs_id, |(_, code)| code);

    // Columns: the integer primary key is the fid; BLOB-typed declared columns other than the geometry are left
    // out (their values are checked again below).
    let mut info = conn.prepare(&format!("PRAGMA table_info({})", ident(&table))).map_err(sql_err(&table))?;
    let columns: Vec<(String, String, i64)> = info
        .query_map([], |r| Ok((r.get(1)?, r.get::<_, Option<String>>(2)?.unwrap_or_default(), r.get(5)?)))
        .and_then(Iterator::collect)
        .map_err(sql_err(&table))?;
    let fid_column =
        columns.iter().find(|c| c.2 == 1 && c.1.eq_ignore_ascii_case("integer")).map(|c| c.0.clone());
    let attrs: Vec<&(String, String, i64)> =
        columns.iter().filter(|c| c.0 != geometry_column && Some(&c.0) != fid_column.as_ref()).collect();

    let select = std::iter::once(fid_column.as_deref().map_or("rowid".to_owned(), ident))
        .chain(std::iter::once(ident(&geometry_column)))
        .chain(attrs.iter().map(|c| ident(&c.0)))
        .collect::<Vec<_>>()
        .join(", ");
    let order = fid_column.as_deref().map_or("rowid".to_owned(), ident);
    let mut stmt = conn
        .prepare(&format!("SELECT {select} FROM {} ORDER BY {order}", ident(&table)))
        .map_err(sql_err(&table))?;
    let mut rows = stmt.query([]).map_err(sql_err(&table))?;
    let mut fids = Vec::new();
    let mut geometries = Vec::new();
    let mut values: Vec<Vec<Value>> = vec![Vec::new(); attrs.len()];
    while let Some(row) = rows.next().map_err(sql_err(&table))? {
        let fid: i64 = row.get(0).map_err(sql_err(&table))?;
        let geometry = match row.get::<_, Value>(1).map_err(sql_err(&table))? {
            Value::Blob(b) => wkb::decode_gpkg(&b).map_err(|e| Error::Geometry {
                path: path.to_owned(),
                table: table.clone(),
                fid,
                offset: e.offset,
                message: e.message,
            })?,
            Value::Null => None,
            other => {
                return Err(Error::Geometry {
                    path: path.to_owned(),
                    table: table.clone(),
                    fid,
                    offset: 0,
                    message: format!("expected a geometry blob, found {:?}", other.data_type()),
                });
            }
        };
        for (i, column) in values.iter_mut().enumerate() {
            column.push(row.get(i + 2).map_err(sql_err(&table))?);
        }
        fids.push(fid);
        geometries.push(geometry);
    }

    let height = fids.len();
    let frame_columns =
        attrs.iter().zip(values).filter_map(|(c, v)| column_from_values(&c.0, &c.1, v)).collect::<Vec<_>>();
    let attributes = DataFrame::new(height, frame_columns).map_err(|e| table_err(path, &table, e))?;
    Ok(Layer { path: path.to_owned(), table, geometry_column, epsg, fids, geometries, attributes })
}

/// A table column from SQLite values: integers → Int64, any real → Float64, any text → String, NULL → null.
/// A column holding a BLOB is left out. An all-NULL column takes its type from the declared type.
fn column_from_values(name: &str, declared: &str, values: Vec<Value>) -> Option<Column> {
    let (mut real, mut text) = (false, false);
    let mut any = false;
    for v in &values {
        match v {
            Value::Null => continue,
            Value::Integer(_) => {}
            Value::Real(_) => real = true,
            Value::Text(_) => text = true,
            Value::Blob(_) => return None,
        }
        any = true;
    }
    if !any {
        let d = declared.to_ascii_uppercase();
        text = ["CHAR", "CLOB", "TEXT", "DATE"].iter().any(|t| d.contains(t));
        real = !text && !d.contains("INT");
    }
    let name = name.into();
    Some(if text {
        let v: Vec<Option<String>> = values
            .into_iter()
            .map(|v| match v {
                Value::Integer(i) => Some(i.to_string()),
                Value::Real(r) => Some(r.to_string()),
                Value::Text(t) => Some(t),
                Value::Null | Value::Blob(_) => None,
            })
            .collect();
        Column::new(name, v)
    } else if real {
        let v: Vec<Option<f64>> = values
            .into_iter()
            .map(|v| match v {
                Value::Integer(i) => Some(i as f64),
                Value::Real(r) => Some(r),
                _ => None,
            })
            .collect();
        Column::new(name, v)
    } else {
        let v: Vec<Option<i64>> =
            values.into_iter().map(|v| if let Value::Integer(i) = v { Some(i) } else { None }).collect();
        Column::new(name, v)
    })
}
