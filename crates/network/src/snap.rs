//! Snapping: from a point anywhere to the nearest place on an edge of the network.

use neuvo_model::{Centimeters, LonLat, Millis};
use rstar::RTree;
use rstar::primitives::{GeomWithData, Line};
use serde::{Deserialize, Serialize};

use crate::graph::RoadGraph;
use crate::projection::LocalProjection;
use crate::weight::Weight;

/// How points join the network.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct SnapParams {
    /// Farthest a point may lie from the nearest edge, in metres; a point farther away is unreachable.
    pub max_snap_m: f64,
    /// Speed of the straight access leg between a point and its place on the edge, in km/h.
    pub access_speed_kmh: f64,
}

impl Default for SnapParams {
    /// 500 m at 5 km/h: a walk to the nearest street.
    fn default() -> Self {
        Self { max_snap_m: 500.0, access_speed_kmh: 5.0 }
    }
}

/// A straight piece of road between two consecutive nodes, with the weight of each direction
/// ([`Weight::INFINITY`] where that direction is closed).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Segment {
    pub(crate) a: u32,
    pub(crate) b: u32,
    pub(crate) ab: Weight,
    pub(crate) ba: Weight,
}

/// A point joined to the network: where it is, where it meets the nearest edge, and the access leg between.
#[derive(Clone, Debug, PartialEq)]
pub struct Snap {
    /// The point as given.
    pub input: LonLat,
    /// The nearest point on an edge.
    pub point: LonLat,
    /// Length of the straight access leg from `input` to `point`, in metres.
    pub access_m: f64,
    /// Time and length of the access leg.
    pub access: Weight,
    pub(crate) segment: u32,
    /// Position of `point` along the segment, 0 at its node `a` and 1 at `b`.
    pub(crate) frac: f64,
    /// Nodes reachable first when leaving the point, with the weight to reach them (access leg included).
    pub(crate) leave: Vec<(u32, Weight)>,
    /// Nodes from which the point is reached last, with the weight still to spend (access leg included).
    pub(crate) arrive: Vec<(u32, Weight)>,
}

impl Snap {
    /// Nodes where a route from this point enters the network, with the weight spent to get there.
    pub fn leave_entries(&self) -> &[(u32, Weight)] {
        &self.leave
    }

    /// Nodes where a route to this point leaves the network, with the weight still to spend.
    pub fn arrive_entries(&self) -> &[(u32, Weight)] {
        &self.arrive
    }
}

/// Why a point could not be joined to the network.
#[derive(Clone, Copy, Debug, PartialEq, thiserror::Error, Serialize, Deserialize)]
#[serde(tag = "reason", rename_all = "snake_case")]
pub enum SnapError {
    /// The nearest edge is farther than the maximum snap distance: the point is in the sea, outside the data's
    /// area, or far from any road this mode may use. Check the point, or raise the maximum snap distance.
    #[error(
        "the nearest road is {distance_m:.0} m away, farther than the maximum snap distance of {max_snap_m:.0} m"
    )]
    TooFar {
        /// Distance to the nearest edge, in metres.
        distance_m: f64,
        /// The limit that was exceeded, in metres.
        max_snap_m: f64,
    },
    /// The network has no edges.
    #[error("the network has no edges to snap to")]
    EmptyNetwork,
}

/// A spatial index over the segments of a graph.
#[derive(Clone, Debug)]
pub(crate) struct Snapper {
    proj: LocalProjection,
    tree: RTree<GeomWithData<Line<[f64; 2]>, u32>>,
    pub(crate) segments: Vec<Segment>,
}

impl Snapper {
    pub(crate) fn new(g: &RoadGraph) -> Self {
        let centre = match g.bbox() {
            Some(b) => {
                LonLat::try_new((b[0] + b[2]) / 2.0, (b[1] + b[3]) / 2.0).unwrap_or(LonLat::from_e7(0, 0))
            }
            None => LonLat::from_e7(0, 0),
        };
        let proj = LocalProjection::new(centre);
        let mut dirs: Vec<(u32, u32, bool, Weight)> = Vec::with_capacity(g.edge_count());
        for u in 0..g.node_count() as u32 {
            for (_, v, w) in g.out_edges(u) {
                dirs.push((u.min(v), u.max(v), u < v, w));
            }
        }
        dirs.sort_unstable_by_key(|&(a, b, fwd, _)| (a, b, fwd));
        let mut segments: Vec<Segment> = Vec::new();
        for (a, b, fwd, w) in dirs {
            match segments.last_mut() {
                Some(s) if s.a == a && s.b == b => {
                    if fwd {
                        s.ab = w
                    } else {
                        s.ba = w
                    }
                }
                _ => segments.push(Segment {
                    a,
                    b,
                    ab: if fwd { w } else { Weight::INFINITY },
                    ba: if fwd { Weight::INFINITY } else { w },
                }),
            }
        }
        let items = segments
            .iter()
            .enumerate()
            .map(|(i, s)| {
                let line = Line::new(proj.project(g.coord(s.a)), proj.project(g.coord(s.b)));
                GeomWithData::new(line, i as u32)
            })
            .collect();
        Self { proj, tree: RTree::bulk_load(items), segments }
    }

    /// Joins `p` to the nearest segment.
    pub(crate) fn snap(&self, p: LonLat, params: &SnapParams) -> Result<Snap, SnapError> {
        let q = self.proj.project(p);
        let nearest = self.tree.nearest_neighbor(&q).ok_or(SnapError::EmptyNetwork)?;
        let on = nearest.geom().nearest_point(&q);
        let point = self.proj.unproject(on);
        let access_m = p.haversine_m(point);
        if access_m > params.max_snap_m {
            return Err(SnapError::TooFar { distance_m: access_m, max_snap_m: params.max_snap_m });
        }
        let seg_id = nearest.data;
        let s = self.segments[seg_id as usize];
        let (from, to) = (nearest.geom().from, nearest.geom().to);
        let len2 = (to[0] - from[0]).powi(2) + (to[1] - from[1]).powi(2);
        let frac = if len2 > 0.0 {
            (((on[0] - from[0]) * (to[0] - from[0]) + (on[1] - from[1]) * (to[1] - from[1])) / len2)
                .clamp(0.0, 1.0)
        } else {
            0.0
        };
        let access = Weight::new(
            Millis::from_secs_f64(access_m / (params.access_speed_kmh / 3.6)),
            Centimeters::from_m_f64(access_m),
        );
        let mut leave = Vec::with_capacity(2);
        let mut arrive = Vec::with_capacity(2);
        if !s.ab.is_infinite() {
            leave.push((s.b, access.plus(s.ab.fraction(1.0 - frac))));
            arrive.push((s.a, access.plus(s.ab.fraction(frac))));
        }
        if !s.ba.is_infinite() {
            leave.push((s.a, access.plus(s.ba.fraction(frac))));
            arrive.push((s.b, access.plus(s.ba.fraction(1.0 - frac))));
        }
        Ok(Snap { input: p, point, access_m, access, segment: seg_id, frac, leave, arrive })
    }

    /// The weight of going straight along a shared segment from `from` to `to`, if the segment's direction
    /// allows it; both access legs included.
    pub(crate) fn direct(&self, from: &Snap, to: &Snap) -> Option<Weight> {
        if from.segment != to.segment {
            return None;
        }
        let s = self.segments[from.segment as usize];
        let along = if to.frac >= from.frac && !s.ab.is_infinite() {
            s.ab.fraction(to.frac - from.frac)
        } else if to.frac <= from.frac && !s.ba.is_infinite() {
            s.ba.fraction(from.frac - to.frac)
        } else {
            return None;
        };
        Some(from.access.plus(along).plus(to.access))
    }
}
