//! Coordinate reference systems of the Finnish data and their reprojection to WGS84 with `proj4rs`.

use std::fmt;
use std::str::FromStr;

use proj4rs::proj::Proj;
use serde::Deserialize;

use crate::error::{Error, Result};

/// A coordinate reference system neuvo can read.
///
/// ETRS89 (the datum of the two Finnish systems) and WGS84 differ by well under a metre in Finland today, far
/// below the size of a population cell, so reprojection treats them as the same datum (no datum shift).
///
/// In a grid spec it is written as `"EPSG:3067"` or `3067`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Deserialize)]
#[serde(try_from = "CrsText")]
pub enum Crs {
    /// EPSG:4326, WGS84 longitude and latitude in degrees.
    Wgs84,
    /// EPSG:3067, ETRS-TM35FIN (UTM zone 35 on GRS80), metres; Statistics Finland's grids and postal areas.
    EtrsTm35Fin,
    /// EPSG:3879, ETRS-GK25FIN (Gauss–Krüger at 25° E, easting prefixed with zone 25), metres; HSY's grids.
    EtrsGk25Fin,
}

impl Crs {
    /// Every supported system.
    pub const SUPPORTED: [Crs; 3] = [Crs::Wgs84, Crs::EtrsTm35Fin, Crs::EtrsGk25Fin];

    /// The system with this EPSG code, if it is one of [`Crs::SUPPORTED`].
    pub fn from_epsg(code: i64) -> Option<Crs> {
        Crs::SUPPORTED.into_iter().find(|c| i64::from(c.epsg()) == code)
    }

    /// [`Crs::from_epsg`], or [`Error::UnsupportedCrs`] naming the code, `origin` (a file or setting) and the
    /// supported codes.
    pub(crate) fn from_epsg_in(code: i64, origin: &str) -> Result<Crs> {
        Crs::from_epsg(code)
            .ok_or_else(|| Error::UnsupportedCrs { origin: origin.to_owned(), code: format!("EPSG:{code}") })
    }

    /// The EPSG code.
    pub fn epsg(self) -> u32 {
        match self {
            Crs::Wgs84 => 4326,
            Crs::EtrsTm35Fin => 3067,
            Crs::EtrsGk25Fin => 3879,
        }
    }

    /// True for longitude/latitude in degrees, false for projected metres.
    pub fn is_geographic(self) -> bool {
        self == Crs::Wgs84
    }

    /// The PROJ definition used for reprojection.
    pub fn proj_string(self) -> &'static str {
        match self {
            Crs::Wgs84 => "+proj=longlat +ellps=GRS80 +no_defs",
            Crs::EtrsTm35Fin => "+proj=utm +zone=35 +ellps=GRS80 +units=m +no_defs",
            Crs::EtrsGk25Fin => {
                "+proj=tmerc +lat_0=0 +lon_0=25 +k=1 +x_0=25500000 +y_0=0 +ellps=GRS80 +units=m +no_defs"
            }
        }
    }

    /// `EPSG:4326, EPSG:3067, EPSG:3879`, for messages.
    pub(crate) fn supported_list() -> String {
        Crs::SUPPORTED.iter().map(ToString::to_string).collect::<Vec<_>>().join(", ")
    }
}

impl fmt::Display for Crs {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "EPSG:{}", self.epsg())
    }
}

/// Parses `EPSG:3067`, `epsg:3067` or `3067`.
impl FromStr for Crs {
    type Err = Error;

    fn from_str(s: &str) -> Result<Crs> {
        let t = s.trim();
        let digits = t.get(..5).filter(|p| p.eq_ignore_ascii_case("epsg:")).map_or(t, |_| &t[5..]);
        let unsupported = || Error::UnsupportedCrs { origin: "grid spec".into(), code: s.to_owned() };
        let code = digits.trim().parse::<i64>().map_err(|_| unsupported())?;
        Crs::from_epsg_in(code, "grid spec")
    }
}

#[derive(Deserialize)]
#[serde(untagged)]
enum CrsText {
    Code(i64),
    Text(String),
}

impl TryFrom<CrsText> for Crs {
    type Error = Error;

    fn try_from(t: CrsText) -> Result<Crs> {
        match t {
            CrsText::Code(c) => Crs::from_epsg_in(c, "grid spec"),
            CrsText::Text(s) => s.parse(),
        }
    }
}

/// A prepared reprojection from one [`Crs`] to WGS84 longitude/latitude degrees.
#[derive(Clone)]
pub struct ToWgs84 {
    crs: Crs,
    projs: Option<(Proj, Proj)>,
}

impl fmt::Debug for ToWgs84 {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ToWgs84").field("crs", &self.crs).finish()
    }
}

impl ToWgs84 {
    /// Prepares the reprojection from `crs`.
    pub fn new(crs: Crs) -> ToWgs84 {
        let projs = (!crs.is_geographic()).then(|| {
            let from = Proj::from_proj_string(crs.proj_string());
            let to = Proj::from_proj_string(Crs::Wgs84.proj_string());
            // The definitions are constants that proj4rs parses (a unit test checks each).
            (from.expect("valid built-in PROJ string"), to.expect("valid built-in PROJ string"))
        });
        ToWgs84 { crs, projs }
    }

    /// The source system.
    pub fn crs(&self) -> Crs {
        self.crs
    }

    /// Longitude and latitude in degrees of the point (`x`, `y`) in the source system (for EPSG:4326, `x` is the
    /// longitude). The result is not range-checked: use `LonLat::try_new` on it.
    ///
    /// # Errors
    /// The message of `proj4rs` when the point cannot be projected (NaN, far outside the projection's area).
    pub fn lon_lat(&self, x: f64, y: f64) -> std::result::Result<(f64, f64), String> {
        if !x.is_finite() || !y.is_finite() {
            return Err("the coordinate is not a finite number".into());
        }
        match &self.projs {
            None => Ok((x, y)),
            Some((from, to)) => {
                let mut p = (x, y, 0.0);
                proj4rs::transform::transform(from, to, &mut p).map_err(|e| e.to_string())?;
                let (lon, lat) = (p.0.to_degrees(), p.1.to_degrees());
                if lon.is_finite() && lat.is_finite() {
                    Ok((lon, lat))
                } else {
                    Err("the projection gave no finite position".into())
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_codes_and_rejects_unsupported_ones_listing_the_supported() {
        assert_eq!("EPSG:3067".parse::<Crs>().unwrap(), Crs::EtrsTm35Fin);
        assert_eq!("epsg:3879".parse::<Crs>().unwrap(), Crs::EtrsGk25Fin);
        assert_eq!(" 4326 ".parse::<Crs>().unwrap(), Crs::Wgs84);
        let e = "EPSG:2393".parse::<Crs>().unwrap_err().to_string();
        assert!(e.contains("EPSG:2393") && e.contains("EPSG:4326, EPSG:3067, EPSG:3879"), "{e}");
        assert!("kkj".parse::<Crs>().is_err());
    }

    #[test]
    fn reprojects_known_points() {
        // The central meridian of GK25 at the false easting maps to 25° E exactly.
        let (lon, lat) = ToWgs84::new(Crs::EtrsGk25Fin).lon_lat(25_500_000.0, 6_650_000.0).unwrap();
        assert!((lon - 25.0).abs() < 1e-9, "{lon}");
        assert!((lat - 59.97).abs() < 0.02, "{lat}");
        // UTM 35 has its central meridian at 27° E, false easting 500 km.
        let (lon, _) = ToWgs84::new(Crs::EtrsTm35Fin).lon_lat(500_000.0, 6_700_000.0).unwrap();
        assert!((lon - 27.0).abs() < 1e-9, "{lon}");
        assert_eq!(ToWgs84::new(Crs::Wgs84).lon_lat(24.9, 60.2).unwrap(), (24.9, 60.2));
        assert!(ToWgs84::new(Crs::Wgs84).lon_lat(f64::NAN, 60.2).is_err());
    }
}
