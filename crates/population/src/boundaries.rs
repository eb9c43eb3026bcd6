//! Named areas (municipalities, major districts) and which one a point lies in.

use std::path::{Path, PathBuf};

use geo::{BoundingRect, Contains, Coord, Distance, Euclidean, Geometry, MultiPolygon, Point, Rect, Scale};
use neuvo_model::{EARTH_RADIUS_M, LonLat};

use crate::error::{Error, Result};
use crate::gpkg;

/// Named polygons in WGS84, such as the four capital-region municipalities or their 23 major districts.
///
/// A point lies in an area when the area's polygon strictly contains it (boundary points are outside); when
/// areas overlap, the first in file order wins. A point in no polygon but within [`Boundaries::COAST_M`] of one
/// (a cell centroid just off the coast) is given the nearest area by [`Boundaries::locate`].
///
/// Distances are measured in a local equirectangular frame around the middle of all areas (metres east and
/// north), which is within 1 % of the true distance across a region the size of Uusimaa.
#[derive(Clone, Debug)]
pub struct Boundaries {
    path: PathBuf,
    areas: Vec<Area>,
    /// Metres per degree of longitude and latitude in the local frame.
    scale: (f64, f64),
}

#[derive(Clone, Debug)]
struct Area {
    name: String,
    shape: MultiPolygon<f64>,
    bbox: Rect<f64>,
    /// The shape in local metres (`scale` applied).
    local: MultiPolygon<f64>,
}

/// How a point was placed by [`Boundaries::locate_detail`].
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Placement<'a> {
    /// Strictly inside the named area.
    Inside(&'a str),
    /// In no area, but this many metres (at most [`Boundaries::COAST_M`]) from the named, nearest one.
    Near(&'a str, f64),
}

impl<'a> Placement<'a> {
    /// The area's name.
    pub fn name(self) -> &'a str {
        match self {
            Placement::Inside(n) | Placement::Near(n, _) => n,
        }
    }
}

impl Boundaries {
    /// How far from every polygon a point may lie and still be given the nearest one, in metres: enough for
    /// centroids of 250 m coastal cells whose land part is in the area, far less than the 13 km between the
    /// HSY dummy cell and the coast.
    pub const COAST_M: f64 = 1000.0;

    /// Reads named areas from a GeoPackage layer (`layer`, or the first feature layer) whose `name_column`
    /// names each polygon or multipolygon, and reprojects them to WGS84.
    ///
    /// # Errors
    /// Everything [`gpkg::read_layer`] returns; [`Error::MissingColumn`] when the name column is missing;
    /// [`Error::MissingName`] for an unnamed feature; [`Error::GeometryType`] for a feature that is not a
    /// (multi)polygon.
    pub fn read_gpkg(path: &Path, layer: Option<&str>, name_column: &str) -> Result<Boundaries> {
        let mut layer = gpkg::read_layer(path, layer)?;
        layer.to_wgs84()?;
        let names = layer.text_values(name_column).map_err(|e| match e {
            Error::MissingColumn { path, column, available, .. } => {
                Error::MissingColumn { path, purpose: "the boundary names".into(), column, available }
            }
            e => e,
        })?;
        let mut areas = Vec::with_capacity(layer.len());
        for ((name, geometry), &fid) in names.into_iter().zip(&layer.geometries).zip(&layer.fids) {
            let name = name.filter(|n| !n.trim().is_empty()).ok_or_else(|| Error::MissingName {
                path: path.to_owned(),
                table: layer.table.clone(),
                fid,
                column: name_column.to_owned(),
            })?;
            let shape = match geometry {
                Some(Geometry::Polygon(p)) => MultiPolygon(vec![p.clone()]),
                Some(Geometry::MultiPolygon(mp)) => mp.clone(),
                other => {
                    return Err(Error::GeometryType {
                        path: path.to_owned(),
                        table: layer.table.clone(),
                        fid,
                        found: other.as_ref().map_or("empty", crate::wkb::type_name).to_owned(),
                        expected: "a Polygon or MultiPolygon".into(),
                    });
                }
            };
            areas.push((name, shape));
        }
        Ok(Boundaries::from_areas(path, areas))
    }

    /// Areas from WGS84 (multi)polygons given in code; `origin` names them in messages. Areas without any
    /// point are left out.
    pub fn from_areas(origin: &Path, areas: Vec<(String, MultiPolygon<f64>)>) -> Boundaries {
        let boxes: Vec<Option<Rect<f64>>> = areas.iter().map(|(_, s)| s.bounding_rect()).collect();
        let (lo, hi) = boxes
            .iter()
            .flatten()
            .fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), r| (lo.min(r.min().y), hi.max(r.max().y)));
        let lat0 = if lo.is_finite() { (lo + hi) / 2.0 } else { 0.0 };
        let per_degree = EARTH_RADIUS_M * std::f64::consts::PI / 180.0;
        let scale = (per_degree * lat0.to_radians().cos(), per_degree);
        let areas = areas
            .into_iter()
            .zip(boxes)
            .filter_map(|((name, shape), bbox)| {
                let local = shape.scale_around_point(scale.0, scale.1, Point::new(0.0, 0.0));
                Some(Area { name, bbox: bbox?, local, shape })
            })
            .collect();
        Boundaries { path: origin.to_owned(), areas, scale }
    }

    /// The file the areas came from.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Number of areas (polygon features).
    pub fn len(&self) -> usize {
        self.areas.len()
    }

    /// True when there are no areas.
    pub fn is_empty(&self) -> bool {
        self.areas.is_empty()
    }

    /// The distinct area names, in file order.
    pub fn names(&self) -> Vec<&str> {
        let mut out: Vec<&str> = Vec::new();
        for a in &self.areas {
            if !out.contains(&a.name.as_str()) {
                out.push(&a.name);
            }
        }
        out
    }

    /// The area whose polygon strictly contains `p`, if any.
    pub fn containing(&self, p: LonLat) -> Option<&str> {
        let c = Coord { x: p.lon(), y: p.lat() };
        let pt = Point(c);
        self.areas
            .iter()
            .find(|a| {
                let (lo, hi) = (a.bbox.min(), a.bbox.max());
                (lo.x..=hi.x).contains(&c.x) && (lo.y..=hi.y).contains(&c.y) && a.shape.contains(&pt)
            })
            .map(|a| a.name.as_str())
    }

    /// The nearest area within `max_m` metres of `p` and its distance (0 inside an area or on its boundary).
    pub fn nearest(&self, p: LonLat, max_m: f64) -> Option<(&str, f64)> {
        let q = Coord { x: p.lon() * self.scale.0, y: p.lat() * self.scale.1 };
        let mut best: Option<(&str, f64)> = None;
        for a in &self.areas {
            // The distance to the bounding box is a lower bound: skip areas that cannot win.
            let (lo, hi) = (a.bbox.min(), a.bbox.max());
            let dx = (lo.x * self.scale.0 - q.x).max(q.x - hi.x * self.scale.0).max(0.0);
            let dy = (lo.y * self.scale.1 - q.y).max(q.y - hi.y * self.scale.1).max(0.0);
            let bound = dx.hypot(dy);
            if bound > max_m || best.is_some_and(|(_, d)| bound >= d) {
                continue;
            }
            let d = a
                .local
                .0
                .iter()
                .map(|poly| Euclidean.distance(&Point(q), poly))
                .fold(f64::INFINITY, f64::min);
            if d <= max_m && best.is_none_or(|(_, b)| d < b) {
                best = Some((a.name.as_str(), d));
            }
        }
        best
    }

    /// Where `p` lies: inside an area, or near one (within [`Boundaries::COAST_M`]), or `None`.
    pub fn locate_detail(&self, p: LonLat) -> Option<Placement<'_>> {
        if let Some(name) = self.containing(p) {
            return Some(Placement::Inside(name));
        }
        self.nearest(p, Self::COAST_M).map(|(name, d)| Placement::Near(name, d))
    }

    /// The area `p` lies in, or the nearest one within [`Boundaries::COAST_M`] metres; `None` when farther.
    pub fn locate(&self, p: LonLat) -> Option<&str> {
        self.locate_detail(p).map(Placement::name)
    }
}

#[cfg(test)]
mod tests {
    use geo::polygon;

    use super::*;

    fn ll(lon: f64, lat: f64) -> LonLat {
        LonLat::try_new(lon, lat).unwrap()
    }

    fn two_squares() -> Boundaries {
        let west = polygon![(x: 24.0, y: 60.0), (x: 24.1, y: 60.0), (x: 24.1, y: 60.1), (x: 24.0, y: 60.1)];
        let east = polygon![(x: 24.1, y: 60.0), (x: 24.2, y: 60.0), (x: 24.2, y: 60.1), (x: 24.1, y: 60.1)];
        Boundaries::from_areas(
            Path::new("test"),
            vec![("West".into(), MultiPolygon(vec![west])), ("East".into(), MultiPolygon(vec![east]))],
        )
    }

    #[test]
    fn inside_near_and_far() {
        let b = two_squares();
        assert_eq!(b.names(), ["West", "East"]);
        assert_eq!(b.containing(ll(24.05, 60.05)), Some("West"));
        assert_eq!(b.containing(ll(24.15, 60.05)), Some("East"));
        // 0.005° of latitude south of the squares is 556 m: near East, not inside.
        let south = ll(24.15, 59.995);
        assert_eq!(b.containing(south), None);
        let Some(Placement::Near("East", d)) = b.locate_detail(south) else {
            panic!("{:?}", b.locate_detail(south))
        };
        assert!((d - 556.0).abs() < 2.0, "{d}");
        // 0.02° south is 2.2 km: unlocated.
        assert_eq!(b.locate(ll(24.15, 59.98)), None);
        assert_eq!(b.nearest(ll(24.15, 59.98), 5000.0).map(|(n, _)| n), Some("East"));
    }
}
