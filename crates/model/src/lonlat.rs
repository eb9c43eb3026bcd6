use serde::{Deserialize, Serialize};

/// Mean earth radius in metres (IUGG), used for every great-circle length in neuvo.
pub const EARTH_RADIUS_M: f64 = 6_371_008.8;

/// A position in WGS84 longitude and latitude degrees (EPSG:4326).
///
/// Construct it with [`LonLat::try_new`], which rejects NaN and out-of-range values, so that code holding a
/// `LonLat` never has to check again.
///
/// Deserializing checks the same ranges, so a `LonLat` read from JSON is as sound as one made by `try_new`.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
#[serde(try_from = "RawLonLat")]
pub struct LonLat {
    lon: f64,
    lat: f64,
}

/// A `LonLat` as written, before its ranges are checked.
#[derive(Deserialize)]
struct RawLonLat {
    lon: f64,
    lat: f64,
}

impl TryFrom<RawLonLat> for LonLat {
    type Error = LonLatError;

    fn try_from(r: RawLonLat) -> Result<Self, Self::Error> {
        LonLat::try_new(r.lon, r.lat)
    }
}

/// Why a longitude/latitude pair was rejected.
#[derive(Clone, Copy, Debug, PartialEq, thiserror::Error)]
pub enum LonLatError {
    /// The longitude is NaN, infinite or outside −180…180. Check that columns are not swapped.
    #[error("longitude {0} is not between -180 and 180")]
    Longitude(f64),
    /// The latitude is NaN, infinite or outside −90…90. Check that columns are not swapped.
    #[error("latitude {0} is not between -90 and 90")]
    Latitude(f64),
}

impl LonLat {
    /// A checked position: longitude in −180…180 and latitude in −90…90 degrees.
    pub fn try_new(lon: f64, lat: f64) -> Result<Self, LonLatError> {
        if !lon.is_finite() || !(-180.0..=180.0).contains(&lon) {
            return Err(LonLatError::Longitude(lon));
        }
        if !lat.is_finite() || !(-90.0..=90.0).contains(&lat) {
            return Err(LonLatError::Latitude(lat));
        }
        Ok(Self { lon, lat })
    }

    /// A position from OSM's fixed-point units (1e-7 degrees), which are always in range.
    pub fn from_e7(lon_e7: i32, lat_e7: i32) -> Self {
        Self { lon: f64::from(lon_e7) * 1e-7, lat: f64::from(lat_e7) * 1e-7 }
    }

    /// Longitude in degrees.
    pub fn lon(self) -> f64 {
        self.lon
    }

    /// Latitude in degrees.
    pub fn lat(self) -> f64 {
        self.lat
    }

    /// Great-circle distance in metres on a sphere of radius [`EARTH_RADIUS_M`].
    pub fn haversine_m(self, other: LonLat) -> f64 {
        let (p1, p2) = (self.lat.to_radians(), other.lat.to_radians());
        let dp = p2 - p1;
        let dl = (other.lon - self.lon).to_radians();
        let h = (dp / 2.0).sin().powi(2) + p1.cos() * p2.cos() * (dl / 2.0).sin().powi(2);
        2.0 * EARTH_RADIUS_M * h.sqrt().min(1.0).asin()
    }
}

/// Why a `lon,lat` text was rejected.
#[derive(Clone, Debug, PartialEq, thiserror::Error)]
pub enum ParseLonLatError {
    /// The text has no comma between longitude and latitude.
    #[error("{0:?} has no comma between longitude and latitude")]
    NoComma(String),
    /// One part is not a number.
    #[error("{which} {text:?} is not a number")]
    NotANumber {
        /// `longitude` or `latitude`.
        which: &'static str,
        /// The part as given.
        text: String,
    },
    /// The numbers are out of range.
    #[error(transparent)]
    Range(#[from] LonLatError),
}

/// Parses `lon,lat` in WGS84 degrees (longitude first, as in GeoJSON), spaces allowed around each number.
impl std::str::FromStr for LonLat {
    type Err = ParseLonLatError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let (a, b) = s.split_once(',').ok_or_else(|| ParseLonLatError::NoComma(s.to_owned()))?;
        let num = |which, t: &str| {
            t.trim().parse::<f64>().map_err(|_| ParseLonLatError::NotANumber { which, text: t.to_owned() })
        };
        Ok(LonLat::try_new(num("longitude", a)?, num("latitude", b)?)?)
    }
}

impl std::fmt::Display for LonLat {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{:.6},{:.6}", self.lon, self.lat)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rejects_swapped_or_invalid_coordinates() {
        assert_eq!(LonLat::try_new(24.9, 95.0), Err(LonLatError::Latitude(95.0)));
        assert!(matches!(LonLat::try_new(f64::NAN, 60.0), Err(LonLatError::Longitude(_))));
        assert!(LonLat::try_new(-180.0, -90.0).is_ok());
    }

    #[test]
    fn parses_lon_lat_text_and_names_what_is_wrong() {
        assert_eq!(
            "24.94, 60.17".parse::<LonLat>(),
            LonLat::try_new(24.94, 60.17).map_err(ParseLonLatError::from)
        );
        assert!(matches!("24.94".parse::<LonLat>(), Err(ParseLonLatError::NoComma(_))));
        assert!(matches!(
            "x,60".parse::<LonLat>(),
            Err(ParseLonLatError::NotANumber { which: "longitude", .. })
        ));
        assert_eq!(
            "24.94,95.1".parse::<LonLat>().map_err(|e| e.to_string()),
            Err("latitude 95.1 is not between -90 and 90".into())
        );
    }

    #[test]
    fn haversine_matches_a_known_distance() {
        // One degree of latitude is 111.195 km on the mean sphere.
        let a = LonLat::try_new(24.0, 60.0).unwrap();
        let b = LonLat::try_new(24.0, 61.0).unwrap();
        assert!((a.haversine_m(b) - 111_195.08).abs() < 0.1);
        assert_eq!(a.haversine_m(a), 0.0);
    }

    #[test]
    fn deserializing_checks_the_ranges() {
        let ok: LonLat = serde_json::from_str(r#"{"lon": 24.9, "lat": 60.2}"#).unwrap();
        assert_eq!((ok.lon(), ok.lat()), (24.9, 60.2));
        assert!(serde_json::from_str::<LonLat>(r#"{"lon": 240.9, "lat": 60.2}"#).is_err());
        assert!(serde_json::from_str::<LonLat>(r#"{"lon": 24.9, "lat": -91}"#).is_err());
    }
}
