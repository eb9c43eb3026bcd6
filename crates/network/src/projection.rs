//! A local equirectangular projection: metres east and north of a reference point.

use neuvo_model::{EARTH_RADIUS_M, LonLat};

/// Projects lon/lat onto a plane tangent at a reference latitude, in metres.
///
/// Over a city region (tens of kilometres) its scale error stays within a few per cent, which is enough to find
/// the nearest edge and to rasterise isochrones; lengths that are reported are always great-circle lengths.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(crate) struct LocalProjection {
    lon0: f64,
    lat0: f64,
    kx: f64,
    ky: f64,
}

impl LocalProjection {
    /// A projection centred on `origin`.
    pub(crate) fn new(origin: LonLat) -> Self {
        let ky = EARTH_RADIUS_M * std::f64::consts::PI / 180.0;
        let kx = ky * origin.lat().to_radians().cos();
        Self { lon0: origin.lon(), lat0: origin.lat(), kx, ky }
    }

    /// Metres east and north of the origin.
    pub(crate) fn project(&self, p: LonLat) -> [f64; 2] {
        [(p.lon() - self.lon0) * self.kx, (p.lat() - self.lat0) * self.ky]
    }

    /// The point `xy` metres east and north of the origin, clamped into valid lon/lat.
    pub(crate) fn unproject(&self, xy: [f64; 2]) -> LonLat {
        let lon = (self.lon0 + xy[0] / self.kx).clamp(-180.0, 180.0);
        let lat = (self.lat0 + xy[1] / self.ky).clamp(-90.0, 90.0);
        LonLat::try_new(lon, lat).unwrap_or(LonLat::from_e7(0, 0))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_and_agrees_with_haversine_nearby() {
        let o = LonLat::try_new(24.94, 60.17).unwrap();
        let p = LocalProjection::new(o);
        let q = LonLat::try_new(24.95, 60.175).unwrap();
        let xy = p.project(q);
        let back = p.unproject(xy);
        assert!((back.lon() - q.lon()).abs() < 1e-12 && (back.lat() - q.lat()).abs() < 1e-12);
        let planar = (xy[0] * xy[0] + xy[1] * xy[1]).sqrt();
        assert!((planar - o.haversine_m(q)).abs() < 0.5, "{planar} vs {}", o.haversine_m(q));
    }
}
