//! Isochrones: the area reachable from a point within each of several time budgets, as polygons.
//!
//! One bounded Dijkstra gives the time at every reached node; times are interpolated along every edge the budget
//! reaches (partly reached edges included, up to where the budget runs out), spread a short way off the network
//! at the access speed, and sampled on a regular grid; the polygons are the grid's contour at each budget
//! (marching squares, [`contour`]). This is the shape a planner expects: streets reachable within the budget
//! with a thin margin, holes where blocks cannot be entered, no straight-line hull over parks or water.

mod contour;

use geo::{Area, Coord, LineString, MultiPolygon, Polygon};
use neuvo_model::Millis;
use serde::{Deserialize, Serialize};

use crate::dijkstra::Dijkstra;
use crate::network::{Network, round6};
use crate::projection::LocalProjection;
use crate::snap::Snap;
use crate::weight::Weight;
use contour::Grid;

/// How isochrone polygons are drawn.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct IsochroneParams {
    /// Grid cell size in metres: smaller draws finer outlines and costs more. Enlarged automatically so the grid
    /// has at most 4 000 cells a side.
    pub cell_m: f64,
    /// How far beyond the reached streets the area extends (walked at the access speed), in metres.
    pub offroad_m: f64,
}

impl Default for IsochroneParams {
    /// 25 m cells and a 50 m margin beside the streets.
    fn default() -> Self {
        Self { cell_m: 25.0, offroad_m: 50.0 }
    }
}

/// The area reachable within one budget.
#[derive(Clone, Debug, PartialEq)]
pub struct Isochrone {
    /// The time budget.
    pub budget: Millis,
    /// The reachable area in lon/lat, outer rings counter-clockwise and holes clockwise.
    pub polygon: MultiPolygon<f64>,
    /// Its area in square kilometres.
    pub area_km2: f64,
    /// Network nodes reached within the budget.
    pub nodes_reached: usize,
}

impl Isochrone {
    /// This isochrone as a GeoJSON `Feature` with a `MultiPolygon`.
    pub fn to_geojson(&self) -> serde_json::Value {
        let ring = |l: &LineString<f64>| l.0.iter().map(|c| [round6(c.x), round6(c.y)]).collect::<Vec<_>>();
        let polys: Vec<Vec<Vec<[f64; 2]>>> = self
            .polygon
            .0
            .iter()
            .map(|p| std::iter::once(ring(p.exterior())).chain(p.interiors().iter().map(ring)).collect())
            .collect();
        serde_json::json!({
            "type": "Feature",
            "geometry": { "type": "MultiPolygon", "coordinates": polys },
            "properties": {
                "minutes": self.budget.as_secs_f64() / 60.0,
                "seconds": self.budget.as_secs_f64(),
                "area_km2": (self.area_km2 * 1e4).round() / 1e4,
                "nodes_reached": self.nodes_reached,
            }
        })
    }
}

impl Network {
    /// Isochrones from `origin` for each budget, in the order given.
    pub fn isochrones(&self, origin: &Snap, budgets: &[Millis], params: &IsochroneParams) -> Vec<Isochrone> {
        let Some(&bmax) = budgets.iter().max() else { return Vec::new() };
        let bound = Weight((u64::from(bmax.0) << 32) | u64::from(u32::MAX));
        let g = &self.graph;
        let mut dij = Dijkstra::new(g.node_count());
        dij.run(g, &origin.leave, bound);
        let speed = (self.snap_params().access_speed_kmh / 3.6).max(0.1);
        let bmax_s = bmax.as_secs_f64();
        let proj = LocalProjection::new(origin.input);
        let step = (params.cell_m / 2.0).max(1.0);

        // Samples along everything reached: (x, y, seconds).
        let mut samples: Vec<[f64; 3]> = Vec::new();
        let o_in = proj.project(origin.input);
        for c in &origin.cands {
            let access_s = c.access.time().as_secs_f64();
            push_line(&mut samples, o_in, proj.project(c.point), step, |f| {
                (f * access_s <= bmax_s).then_some(f * access_s)
            });
        }
        let secs = |w: Weight| if w.is_infinite() { f64::INFINITY } else { w.time().as_secs_f64() };
        for (i, s) in self.snapper.segments.iter().enumerate() {
            let (da, db) = (secs(dij.dist(s.a)), secs(dij.dist(s.b)));
            let own: Vec<(f64, f64)> = origin
                .cands
                .iter()
                .filter(|c| c.segment == i as u32)
                .map(|c| (c.frac, c.access.time().as_secs_f64()))
                .collect();
            if own.is_empty() && da > bmax_s && db > bmax_s {
                continue;
            }
            let (ab, ba) = (secs(s.ab), secs(s.ba));
            let (pa, pb) = (proj.project(g.coord(s.a)), proj.project(g.coord(s.b)));
            push_line(&mut samples, pa, pb, step, |f| {
                let mut t = (da + f * ab).min(db + (1.0 - f) * ba);
                // Straight along the origin's own segment, from where the access leg meets it.
                for &(f0, access_s) in &own {
                    if f >= f0 {
                        t = t.min(access_s + (f - f0) * ab);
                    }
                    if f <= f0 {
                        t = t.min(access_s + (f0 - f) * ba);
                    }
                }
                (t <= bmax_s).then_some(t)
            });
        }

        let grid = rasterise(&samples, params, speed);
        let mut out = Vec::with_capacity(budgets.len());
        for &b in budgets {
            let local = contour::contour(&grid, b.as_secs_f64() as f32);
            let area_km2 = local.unsigned_area() / 1e6;
            let polygon = MultiPolygon(
                local
                    .0
                    .iter()
                    .map(|p| {
                        let to_ll = |l: &LineString<f64>| {
                            LineString(
                                l.0.iter()
                                    .map(|c| {
                                        let q = proj.unproject([c.x, c.y]);
                                        Coord { x: q.lon(), y: q.lat() }
                                    })
                                    .collect(),
                            )
                        };
                        Polygon::new(to_ll(p.exterior()), p.interiors().iter().map(to_ll).collect())
                    })
                    .collect(),
            );
            let nodes_reached = dij.reached().iter().filter(|&&u| dij.dist(u).time() <= b).count();
            out.push(Isochrone { budget: b, polygon, area_km2, nodes_reached });
        }
        out
    }
}

/// Samples the segment from `p` to `q` every `step` metres or less; `time(f)` gives the time at fraction `f`,
/// or `None` where the budget does not reach.
fn push_line(
    out: &mut Vec<[f64; 3]>,
    p: [f64; 2],
    q: [f64; 2],
    step: f64,
    time: impl Fn(f64) -> Option<f64>,
) {
    let len = ((q[0] - p[0]).powi(2) + (q[1] - p[1]).powi(2)).sqrt();
    let k = (len / step).ceil().max(1.0) as usize;
    for i in 0..=k {
        let f = i as f64 / k as f64;
        if let Some(t) = time(f) {
            out.push([p[0] + f * (q[0] - p[0]), p[1] + f * (q[1] - p[1]), t]);
        }
    }
}

/// Grid of the earliest time at each vertex: a sample's time plus the walk from it, within the off-road margin.
/// Vertices beyond every sample's margin stay unreached.
fn rasterise(samples: &[[f64; 3]], params: &IsochroneParams, speed: f64) -> Grid {
    if samples.is_empty() {
        return Grid { nx: 0, ny: 0, x0: 0.0, y0: 0.0, cell: params.cell_m, values: Vec::new() };
    }
    let margin = params.offroad_m.max(0.0);
    let (mut x0, mut y0, mut x1, mut y1) = (f64::MAX, f64::MAX, f64::MIN, f64::MIN);
    for s in samples {
        x0 = x0.min(s[0]);
        y0 = y0.min(s[1]);
        x1 = x1.max(s[0]);
        y1 = y1.max(s[1]);
    }
    let mut cell = params.cell_m.max(1.0);
    let extent = (x1 - x0).max(y1 - y0) + 2.0 * margin;
    if extent / cell > 4000.0 {
        cell = extent / 4000.0;
    }
    let pad = margin + 2.0 * cell;
    let (x0, y0) = (x0 - pad, y0 - pad);
    let nx = ((x1 + pad - x0) / cell).ceil() as usize + 1;
    let ny = ((y1 + pad - y0) / cell).ceil() as usize + 1;
    let mut values = vec![f32::INFINITY; nx * ny];
    for s in samples {
        // Vertices within the margin get the sample's time plus the walk; those beyond the remaining budget end
        // up outside the contour but still place its crossing by interpolation.
        let r = margin;
        let (ci, cj) = ((s[0] - x0) / cell, (s[1] - y0) / cell);
        let k = (r / cell).ceil() as isize;
        let (i0, j0) = (ci.round() as isize, cj.round() as isize);
        for dj in -k - 1..=k + 1 {
            let j = j0 + dj;
            if j < 0 || j as usize >= ny {
                continue;
            }
            for di in -k - 1..=k + 1 {
                let i = i0 + di;
                if i < 0 || i as usize >= nx {
                    continue;
                }
                let (vx, vy) = (x0 + i as f64 * cell, y0 + j as f64 * cell);
                let d = ((vx - s[0]).powi(2) + (vy - s[1]).powi(2)).sqrt();
                if d <= r {
                    let t = (s[2] + d / speed) as f32;
                    let v = &mut values[j as usize * nx + i as usize];
                    if t < *v {
                        *v = t;
                    }
                }
            }
        }
    }
    Grid { nx, ny, x0, y0, cell, values }
}
