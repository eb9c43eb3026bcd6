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
    /// Besides the nearest edge, edges at most this much farther also join the point (each with its own access
    /// leg), up to [`MAX_CANDIDATES`]: a home beside a dual carriageway can join either direction, as a driver
    /// would by the side streets, instead of being stuck on the nearest one-way half.
    #[serde(default = "default_slack")]
    pub candidate_slack_m: f64,
}

fn default_slack() -> f64 {
    35.0
}

/// Most edges one point joins.
pub const MAX_CANDIDATES: usize = 6;

impl Default for SnapParams {
    /// 500 m at 5 km/h, and edges up to 35 m farther than the nearest (a dual carriageway's far half).
    fn default() -> Self {
        Self { max_snap_m: 500.0, access_speed_kmh: 5.0, candidate_slack_m: default_slack() }
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

/// One place where a point joins the network.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct Candidate {
    pub(crate) segment: u32,
    /// Position along the segment, 0 at its node `a` and 1 at `b`.
    pub(crate) frac: f64,
    pub(crate) point: LonLat,
    pub(crate) access_m: f64,
    pub(crate) access: Weight,
}

/// A point joined to the network: where it is, where it meets the nearest edge, and the access leg between.
///
/// A point may join several nearby edges (see [`SnapParams::candidate_slack_m`]); the fields describe the
/// nearest, and routes report the access leg they actually used.
#[derive(Clone, Debug, PartialEq)]
pub struct Snap {
    /// The point as given.
    pub input: LonLat,
    /// The nearest point on an edge.
    pub point: LonLat,
    /// Length of the straight access leg from `input` to `point`, in metres.
    pub access_m: f64,
    /// Time and length of that access leg.
    pub access: Weight,
    /// Where the point joins the network, nearest first.
    pub(crate) cands: Vec<Candidate>,
    /// Nodes reachable first when leaving the point, with the weight to reach them (access leg included).
    pub(crate) leave: Vec<(u32, Weight)>,
    /// For each entry of `leave`, the candidate it comes from.
    pub(crate) leave_cand: Vec<u8>,
    /// Nodes from which the point is reached last, with the weight still to spend (access leg included).
    pub(crate) arrive: Vec<(u32, Weight)>,
    /// For each entry of `arrive`, the candidate it goes to.
    pub(crate) arrive_cand: Vec<u8>,
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

    /// How many edges this point joins.
    pub fn candidate_count(&self) -> usize {
        self.cands.len()
    }

    /// The candidate behind the cheapest leave entry at `node`.
    pub(crate) fn leave_candidate(&self, node: u32) -> &Candidate {
        pick(&self.leave, &self.leave_cand, &self.cands, node)
    }

    /// The candidate behind the cheapest arrive entry at `node`.
    pub(crate) fn arrive_candidate(&self, node: u32) -> &Candidate {
        pick(&self.arrive, &self.arrive_cand, &self.cands, node)
    }
}

fn pick<'a>(entries: &[(u32, Weight)], cand: &[u8], cands: &'a [Candidate], node: u32) -> &'a Candidate {
    let k = entries
        .iter()
        .zip(cand)
        .filter(|((u, _), _)| *u == node)
        .min_by_key(|((_, w), k)| (*w, **k))
        .map_or(0, |(_, k)| *k as usize);
    &cands[k]
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
                        s.ab = w;
                    } else {
                        s.ba = w;
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

    /// Joins `p` to the nearest segment, and to segments nearly as near.
    pub(crate) fn snap(&self, p: LonLat, params: &SnapParams) -> Result<Snap, SnapError> {
        let q = self.proj.project(p);
        let mut cands: Vec<Candidate> = Vec::new();
        let mut nearest_m = f64::INFINITY;
        for item in self.tree.nearest_neighbor_iter(&q) {
            let line = item.geom();
            let on = line.nearest_point(&q);
            let planar = ((on[0] - q[0]).powi(2) + (on[1] - q[1]).powi(2)).sqrt();
            if cands.is_empty() {
                let point = self.proj.unproject(on);
                let d = p.haversine_m(point);
                if d > params.max_snap_m {
                    return Err(SnapError::TooFar { distance_m: d, max_snap_m: params.max_snap_m });
                }
                nearest_m = planar;
            } else if planar > nearest_m + params.candidate_slack_m || cands.len() >= MAX_CANDIDATES {
                break;
            }
            let point = self.proj.unproject(on);
            let access_m = p.haversine_m(point);
            if access_m > params.max_snap_m {
                break;
            }
            let (from, to) = (line.from, line.to);
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
            cands.push(Candidate { segment: item.data, frac, point, access_m, access });
        }
        let Some(first) = cands.first() else { return Err(SnapError::EmptyNetwork) };
        let (point, access_m, access) = (first.point, first.access_m, first.access);
        let mut snap = Snap {
            input: p,
            point,
            access_m,
            access,
            cands: Vec::new(),
            leave: Vec::new(),
            leave_cand: Vec::new(),
            arrive: Vec::new(),
            arrive_cand: Vec::new(),
        };
        for (k, c) in cands.iter().enumerate() {
            let s = self.segments[c.segment as usize];
            let k = k as u8;
            if !s.ab.is_infinite() {
                snap.leave.push((s.b, c.access.plus(s.ab.fraction(1.0 - c.frac))));
                snap.leave_cand.push(k);
                snap.arrive.push((s.a, c.access.plus(s.ab.fraction(c.frac))));
                snap.arrive_cand.push(k);
            }
            if !s.ba.is_infinite() {
                snap.leave.push((s.a, c.access.plus(s.ba.fraction(c.frac))));
                snap.leave_cand.push(k);
                snap.arrive.push((s.b, c.access.plus(s.ba.fraction(1.0 - c.frac))));
                snap.arrive_cand.push(k);
            }
        }
        snap.cands = cands;
        Ok(snap)
    }

    /// Weight of going straight along one segment from `from` to `to` (both access legs included), if the
    /// segment's direction allows it.
    pub(crate) fn along(&self, from: &Candidate, to: &Candidate) -> Option<Weight> {
        if from.segment != to.segment {
            return None;
        }
        let s = *self.segments.get(from.segment as usize)?;
        let along = if to.frac >= from.frac && !s.ab.is_infinite() {
            s.ab.fraction(to.frac - from.frac)
        } else if to.frac <= from.frac && !s.ba.is_infinite() {
            s.ba.fraction(from.frac - to.frac)
        } else {
            return None;
        };
        Some(from.access.plus(along).plus(to.access))
    }

    /// The best way between two points that share a segment without passing a node: (weight, candidate of
    /// `from`, candidate of `to`). Zero when both are the same point.
    pub(crate) fn direct_with(&self, from: &Snap, to: &Snap) -> Option<(Weight, usize, usize)> {
        if from.input == to.input {
            return Some((Weight::ZERO, 0, 0));
        }
        let mut best: Option<(Weight, usize, usize)> = None;
        for (i, a) in from.cands.iter().enumerate() {
            for (j, b) in to.cands.iter().enumerate() {
                if let Some(w) = self.along(a, b)
                    && best.is_none_or(|x| w < x.0)
                {
                    best = Some((w, i, j));
                }
            }
        }
        best
    }

    /// The weight of [`Snapper::direct_with`].
    pub(crate) fn direct(&self, from: &Snap, to: &Snap) -> Option<Weight> {
        self.direct_with(from, to).map(|x| x.0)
    }
}
