//! [`Network`]: a road graph with its hierarchy and spatial index, and the queries planners need.

use neuvo_model::{Centimeters, LonLat, Millis, Mode, Progress, TravelMatrix};
use rayon::prelude::*;
use serde::{Deserialize, Serialize};

use crate::ch::{ChQuery, Hierarchy, HierarchyStats, ManyToMany};
use crate::graph::{BuildReport, RoadGraph};
use crate::snap::{Snap, SnapError, SnapParams, Snapper};
use crate::weight::Weight;

/// Where a network came from and how it was built, kept with it in the cache file.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct NetworkMeta {
    /// The mode this network serves.
    pub mode: Option<Mode>,
    /// Name of the profile that built it (`walk`, `car`, `walk75`, …).
    pub profile: String,
    /// Digest of the profile text, so a changed profile invalidates caches.
    pub profile_sha256: String,
    /// File name of the source data.
    pub source: String,
    /// Digest of the source data.
    pub source_sha256: String,
    /// How points join this network, from the profile.
    pub snap: SnapParamsMeta,
    /// What the importer reported (ways used, missing node references, barriers, …), as key–value pairs.
    pub import: Vec<(String, u64)>,
    /// What the graph builder dropped and kept.
    pub build: BuildReport,
}

/// [`SnapParams`] as stored in [`NetworkMeta`].
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct SnapParamsMeta {
    /// See [`SnapParams::max_snap_m`].
    pub max_snap_m: f64,
    /// See [`SnapParams::access_speed_kmh`].
    pub access_speed_kmh: f64,
    /// See [`SnapParams::candidate_slack_m`].
    #[serde(default = "default_slack")]
    pub candidate_slack_m: f64,
}

fn default_slack() -> f64 {
    SnapParams::default().candidate_slack_m
}

impl Default for SnapParamsMeta {
    fn default() -> Self {
        let d = SnapParams::default();
        Self {
            max_snap_m: d.max_snap_m,
            access_speed_kmh: d.access_speed_kmh,
            candidate_slack_m: d.candidate_slack_m,
        }
    }
}

/// A routable network: the base graph of one mode, its contraction hierarchy and a spatial index for snapping.
///
/// Queries take points that were snapped with [`Network::snap`]; every travel time includes the access legs
/// from each point to the network and back.
#[derive(Clone, Debug)]
pub struct Network {
    /// Provenance and build report.
    pub meta: NetworkMeta,
    pub(crate) graph: RoadGraph,
    pub(crate) ch: Hierarchy,
    pub(crate) snapper: Snapper,
    snap_params: SnapParams,
}

/// A route between two points.
#[derive(Clone, Debug, PartialEq)]
pub struct Route {
    /// Travel time, access legs included.
    pub time: Millis,
    /// Length, access legs included.
    pub dist: Centimeters,
    /// The line travelled: from the start point along its access leg, the streets, and the access leg to the end.
    pub geometry: Vec<LonLat>,
    /// Length of the access leg the route takes from the start to the network, in metres.
    pub from_access_m: f64,
    /// Length of the access leg the route takes from the network to the end, in metres.
    pub to_access_m: f64,
}

impl Route {
    /// The route as a GeoJSON `Feature` with a `LineString` and its time and length.
    pub fn to_geojson(&self) -> serde_json::Value {
        serde_json::json!({
            "type": "Feature",
            "geometry": {
                "type": "LineString",
                "coordinates": self.geometry.iter().map(|p| [round6(p.lon()), round6(p.lat())]).collect::<Vec<_>>(),
            },
            "properties": {
                "seconds": self.time.as_secs_f64(),
                "metres": self.dist.as_m_f64(),
                "access_from_m": round2(self.from_access_m),
                "access_to_m": round2(self.to_access_m),
            }
        })
    }
}

pub(crate) fn round6(x: f64) -> f64 {
    (x * 1e6).round() / 1e6
}

pub(crate) fn round2(x: f64) -> f64 {
    (x * 100.0).round() / 100.0
}

/// How a matrix is computed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct MatrixParams {
    /// Worker threads for the source rows; 1 computes everything on the calling thread.
    pub threads: usize,
    /// Rows computed per batch before they are handed to the sink; bounds memory to `batch × targets` cells.
    pub batch_rows: usize,
}

impl Default for MatrixParams {
    fn default() -> Self {
        Self { threads: std::thread::available_parallelism().map_or(1, |n| n.get()), batch_rows: 256 }
    }
}

impl Network {
    /// Builds the hierarchy and the spatial index over `graph`.
    pub fn build(graph: RoadGraph, meta: NetworkMeta, progress: &dyn Progress) -> Network {
        let ch = Hierarchy::build(&graph, progress);
        Self::from_parts(graph, ch, meta)
    }

    pub(crate) fn from_parts(graph: RoadGraph, ch: Hierarchy, meta: NetworkMeta) -> Network {
        let snapper = Snapper::new(&graph);
        let snap_params = SnapParams {
            max_snap_m: meta.snap.max_snap_m,
            access_speed_kmh: meta.snap.access_speed_kmh,
            candidate_slack_m: meta.snap.candidate_slack_m,
        };
        Network { meta, graph, ch, snapper, snap_params }
    }

    /// The base graph.
    pub fn graph(&self) -> &RoadGraph {
        &self.graph
    }

    /// The contraction hierarchy.
    pub fn hierarchy(&self) -> &Hierarchy {
        &self.ch
    }

    /// Figures about the hierarchy.
    pub fn hierarchy_stats(&self) -> HierarchyStats {
        self.ch.stats()
    }

    /// The snapping parameters in use.
    pub fn snap_params(&self) -> SnapParams {
        self.snap_params
    }

    /// Changes the snapping parameters (for example a larger maximum distance for a sparse road skeleton).
    pub fn set_snap_params(&mut self, params: SnapParams) {
        self.snap_params = params;
    }

    /// Joins `p` to the nearest edge, or says how far the nearest edge is.
    pub fn snap(&self, p: LonLat) -> Result<Snap, SnapError> {
        self.snapper.snap(p, &self.snap_params)
    }

    /// A snap placed exactly on node `u` (for benchmarks and tests that draw random nodes).
    pub fn snap_node(&self, u: u32) -> Snap {
        let p = self.graph.coord(u);
        match self.snap(p) {
            Ok(s) => s,
            // A node of the graph always lies on one of its segments; only NaN arithmetic could fail here.
            Err(_) => Snap {
                input: p,
                point: p,
                access_m: 0.0,
                access: Weight::ZERO,
                cands: vec![crate::snap::Candidate {
                    segment: u32::MAX,
                    frac: 0.0,
                    point: p,
                    access_m: 0.0,
                    access: Weight::ZERO,
                }],
                leave: vec![(u, Weight::ZERO)],
                leave_cand: vec![0],
                arrive: vec![(u, Weight::ZERO)],
                arrive_cand: vec![0],
            },
        }
    }

    /// The fastest route from `from` to `to` (ties broken by length), with its geometry.
    pub fn route(&self, from: &Snap, to: &Snap) -> Option<Route> {
        let mut q = ChQuery::new(&self.ch);
        self.route_with(&mut q, from, to)
    }

    /// [`Network::route`] with caller-owned query state, for many queries in a row.
    pub fn route_with(&self, q: &mut ChQuery, from: &Snap, to: &Snap) -> Option<Route> {
        let via_network = q.path(&self.ch, &from.leave, &to.arrive);
        let direct = self.snapper.direct_with(from, to);
        let via_network = via_network.filter(|p| direct.is_none_or(|d| p.weight < d.0));
        let (weight, a, b, middle) = match (via_network, direct) {
            (Some(p), _) => {
                let a = from.leave_candidate(p.first_node);
                let b = to.arrive_candidate(p.last_node);
                let mut nodes = vec![p.first_node];
                nodes.extend(p.edges.iter().map(|&e| self.graph.edge_head(e)));
                debug_assert_eq!(nodes.last(), Some(&p.last_node));
                (p.weight, a, b, nodes)
            }
            (None, Some((w, i, j))) => (w, &from.cands[i], &to.cands[j], Vec::new()),
            (None, None) => return None,
        };
        let (from_access_m, to_access_m) =
            if from.input == to.input { (0.0, 0.0) } else { (a.access_m, b.access_m) };
        let mut geometry = vec![from.input];
        if from.input != to.input {
            geometry.push(a.point);
            geometry.extend(middle.iter().map(|&u| self.graph.coord(u)));
            geometry.push(b.point);
        }
        geometry.push(to.input);
        geometry.dedup();
        if geometry.len() < 2 {
            geometry.push(to.input);
        }
        Some(Route { time: weight.time(), dist: weight.dist(), geometry, from_access_m, to_access_m })
    }

    /// Only the weight of the best route, without geometry.
    pub fn route_weight(&self, q: &mut ChQuery, from: &Snap, to: &Snap) -> Weight {
        let w = q.path(&self.ch, &from.leave, &to.arrive).map_or(Weight::INFINITY, |p| p.weight);
        match self.snapper.direct(from, to) {
            Some(d) => w.min(d),
            None => w,
        }
    }

    /// Reference weights from `from` to each target by plain Dijkstra on the base graph (no hierarchy): slow,
    /// independent of the fast path, for verification.
    pub fn dijkstra_weights(&self, from: &Snap, targets: &[Option<Snap>]) -> Vec<Weight> {
        let mut dij = crate::Dijkstra::new(self.graph.node_count());
        dij.run(&self.graph, &from.leave, Weight::INFINITY);
        targets
            .iter()
            .map(|t| match t {
                None => Weight::INFINITY,
                Some(t) => {
                    let via =
                        t.arrive.iter().map(|&(u, w)| dij.dist(u).plus(w)).min().unwrap_or(Weight::INFINITY);
                    self.snapper.direct(from, t).map_or(via, |d| via.min(d))
                }
            })
            .collect()
    }

    /// Weight from `from` to every node of the graph (plain Dijkstra, up to `bound`; [`Weight::INFINITY`] beyond).
    pub fn node_weights(&self, from: &Snap, bound: Weight) -> Vec<Weight> {
        let mut dij = crate::Dijkstra::new(self.graph.node_count());
        dij.run(&self.graph, &from.leave, bound);
        (0..self.graph.node_count() as u32).map(|u| dij.dist(u)).collect()
    }

    /// Streams the matrix from every source to every target, row by row and in source order, to `sink`.
    /// `None` points (those that could not be snapped) get unreachable cells. Stops at the sink's first error.
    pub fn matrix_rows<E>(
        &self,
        sources: &[Option<Snap>],
        targets: &[Option<Snap>],
        params: MatrixParams,
        progress: &dyn Progress,
        mut sink: impl FnMut(usize, &[Weight]) -> Result<(), E>,
    ) -> Result<(), E> {
        let target_entries: Vec<Vec<(u32, Weight)>> =
            targets.iter().map(|t| t.as_ref().map_or_else(Vec::new, |s| s.arrive.clone())).collect();
        let pool = if params.threads > 1 {
            rayon::ThreadPoolBuilder::new().num_threads(params.threads).build().ok()
        } else {
            None
        };
        let buckets = match &pool {
            Some(p) => p.install(|| ManyToMany::new(&self.ch, &target_entries, true)),
            None => ManyToMany::new(&self.ch, &target_entries, false),
        };
        // Targets on each segment, for the rare pair that shares one (the path may not touch a node).
        let mut by_segment: Vec<(u32, u32)> = targets
            .iter()
            .enumerate()
            .filter_map(|(j, t)| t.as_ref().map(|s| (j as u32, s)))
            .flat_map(|(j, s)| s.cands.iter().map(move |c| (c.segment, j)))
            .collect();
        by_segment.sort_unstable();
        by_segment.dedup();
        let nt = targets.len();
        let compute = |state: &mut crate::ch::RowState, i: usize, row: &mut Vec<Weight>| {
            row.resize(nt, Weight::INFINITY);
            match &sources[i] {
                None => row.fill(Weight::INFINITY),
                Some(s) => {
                    buckets.row(state, &s.leave, row);
                    for c in &s.cands {
                        let lo = by_segment.partition_point(|&(seg, _)| seg < c.segment);
                        for &(seg, j) in &by_segment[lo..] {
                            if seg != c.segment {
                                break;
                            }
                            if let Some(t) = &targets[j as usize]
                                && let Some(d) = self.snapper.direct(s, t)
                            {
                                let cell = &mut row[j as usize];
                                *cell = (*cell).min(d);
                            }
                        }
                    }
                }
            }
        };
        progress.start("matrix rows", sources.len() as u64);
        let batch = params.batch_rows.max(1);
        if let Some(pool) = &pool {
            let mut rows: Vec<Vec<Weight>> = Vec::new();
            for start in (0..sources.len()).step_by(batch) {
                let end = (start + batch).min(sources.len());
                rows.resize_with(end - start, Vec::new);
                pool.install(|| {
                    rows.par_iter_mut()
                        .enumerate()
                        .for_each_init(|| buckets.state(), |state, (k, row)| compute(state, start + k, row));
                });
                for (k, row) in rows.iter().enumerate() {
                    sink(start + k, row)?;
                }
                progress.inc((end - start) as u64);
            }
        } else {
            let mut state = buckets.state();
            let mut row = Vec::with_capacity(nt);
            for i in 0..sources.len() {
                compute(&mut state, i, &mut row);
                sink(i, &row)?;
                progress.inc(1);
            }
        }
        progress.finish();
        Ok(())
    }

    /// The whole matrix in memory: convenient for solvers' inputs of moderate size.
    pub fn matrix(
        &self,
        sources: &[Option<Snap>],
        targets: &[Option<Snap>],
        params: MatrixParams,
    ) -> TravelMatrix {
        let mut m = TravelMatrix::unreachable(sources.len(), targets.len());
        let _ = self.matrix_rows(sources, targets, params, &neuvo_model::NoProgress, |i, row| {
            for (j, w) in row.iter().enumerate() {
                if !w.is_infinite() {
                    m.set(i, j, w.time(), w.dist());
                }
            }
            Ok::<(), std::convert::Infallible>(())
        });
        m
    }

    /// Weights from one source to many targets.
    pub fn one_to_many(&self, source: &Snap, targets: &[Option<Snap>]) -> Vec<Weight> {
        let mut out = Vec::new();
        let params = MatrixParams { threads: 1, batch_rows: 1 };
        let _ =
            self.matrix_rows(&[Some(source.clone())], targets, params, &neuvo_model::NoProgress, |_, row| {
                out = row.to_vec();
                Ok::<(), std::convert::Infallible>(())
            });
        out
    }
}
