//! Reading points from CSV: a header with `id`, `lon` and `lat` columns (any order, other columns ignored).

use std::io::Read;
use std::path::Path;

use anyhow::{Context, Result, bail};
use neuvo_model::LonLat;

/// A named point from an input file.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct NamedPoint {
    pub(crate) id: String,
    pub(crate) at: LonLat,
}

/// Reads points from the CSV file at `path`; errors name the file, line and column.
pub(crate) fn read_points_file(path: &Path) -> Result<Vec<NamedPoint>> {
    let f = std::fs::File::open(path).with_context(|| format!("opening points file {}", path.display()))?;
    read_points(f, &path.display().to_string())
}

/// Reads points from CSV text; `origin` names the input in errors.
pub(crate) fn read_points(r: impl Read, origin: &str) -> Result<Vec<NamedPoint>> {
    let mut rdr =
        csv::ReaderBuilder::new().has_headers(true).flexible(false).trim(csv::Trim::All).from_reader(r);
    let headers = rdr.headers().with_context(|| format!("{origin}: cannot read the header line"))?.clone();
    let col = |name: &str| headers.iter().position(|h| h.eq_ignore_ascii_case(name));
    let (Some(ci), Some(cx), Some(cy)) = (col("id"), col("lon"), col("lat")) else {
        bail!(
            "{origin} line 1: the header must name the columns id, lon and lat (found: {}); \
             coordinates are WGS84 degrees (EPSG:4326)",
            headers.iter().collect::<Vec<_>>().join(",")
        );
    };
    let mut out: Vec<NamedPoint> = Vec::new();
    let mut seen = std::collections::HashMap::new();
    for rec in rdr.records() {
        let rec = rec.map_err(|e| match e.position() {
            Some(p) => anyhow::anyhow!("{origin} line {}: {e}", p.line()),
            None => anyhow::anyhow!("{origin}: {e}"),
        })?;
        let line = rec.position().map_or(0, |p| p.line());
        let field = |i: usize| rec.get(i).unwrap_or("");
        let id = field(ci).to_owned();
        if id.is_empty() {
            bail!("{origin} line {line}, column id: empty id; every point needs a unique id");
        }
        let num = |i: usize, name: &str, what: &str| -> Result<f64> {
            let v = field(i);
            v.parse::<f64>().ok().filter(|x| x.is_finite()).with_context(|| {
                format!("{origin} line {line}, column {name}: expected {what} in degrees, found {v:?}")
            })
        };
        let lon = num(cx, "lon", "a longitude")?;
        let lat = num(cy, "lat", "a latitude")?;
        let at = LonLat::try_new(lon, lat).map_err(|e| {
            let column = if matches!(e, neuvo_model::LonLatError::Longitude(_)) { "lon" } else { "lat" };
            anyhow::anyhow!("{origin} line {line}, column {column}: {e} (are lon and lat swapped?)")
        })?;
        if let Some(first) = seen.insert(id.clone(), line) {
            bail!(
                "{origin} line {line}, column id: id {id:?} already used on line {first}; ids must be unique"
            );
        }
        out.push(NamedPoint { id, at });
    }
    if out.is_empty() {
        bail!("{origin}: no points after the header");
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn err(text: &str) -> String {
        format!("{:#}", read_points(text.as_bytes(), "pts.csv").unwrap_err())
    }

    #[test]
    fn reads_columns_in_any_order_and_ignores_others() {
        let p =
            read_points("lat,name,id,lon\n60.17,x,a,24.94\n 60.18 ,y, b ,24.95\n".as_bytes(), "t").unwrap();
        assert_eq!(p.len(), 2);
        assert_eq!(p[1].id, "b");
        assert_eq!(p[1].at.lat(), 60.18);
    }

    #[test]
    fn bad_rows_name_the_line_and_column() {
        let e = err("id,lon,lat\na,24.9,60.1\nb,24.9,sixty\n");
        assert!(e.contains("pts.csv line 3, column lat") && e.contains("sixty"), "{e}");
        let e = err("id,lon,lat\na,60.1,124.9\n");
        assert!(e.contains("line 2, column lat") && e.contains("swapped"), "{e}");
        let e = err("id,lon,lat\na,24.9,60.1\na,24.8,60.2\n");
        assert!(e.contains("line 3, column id") && e.contains("line 2"), "{e}");
        let e = err("id,lon,lat\na,24.9\n");
        assert!(e.contains("line 2"), "{e}");
        let e = err("name,x,y\na,24.9,60.1\n");
        assert!(e.contains("line 1") && e.contains("id, lon and lat"), "{e}");
        let e = err("id,lon,lat\n");
        assert!(e.contains("no points"), "{e}");
        let e = err("id,lon,lat\n,24.9,60.1\n");
        assert!(e.contains("column id"), "{e}");
    }
}
