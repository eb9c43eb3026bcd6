//! Reading OSM PBF files into road graphs: blobs are decoded in parallel, the profile is applied to each way and
//! node as it is decoded, and the pieces are assembled into a [`GraphBuilder`].

use std::path::Path;

use neuvo_model::LonLat;
use neuvo_network::{BuildReport, GraphBuilder, RoadGraph, Weight};
use osmpbf::{BlobDecode, BlobReader, Element};
use rayon::prelude::*;
use serde::{Deserialize, Serialize};

use crate::error::Error;
use crate::profile::{Profile, tag};

/// What reading a file with a profile found, kept and dropped.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ImportReport {
    /// The file's name.
    pub file: String,
    /// The profile's name.
    pub profile: String,
    /// Nodes in the file.
    pub nodes_read: u64,
    /// Ways in the file.
    pub ways_read: u64,
    /// Relations in the file.
    pub relations_read: u64,
    /// Ways with a `highway` tag.
    pub highway_ways: u64,
    /// Ways the profile may use.
    pub ways_used: u64,
    /// References from usable ways to nodes missing from the file (ways are cut there), skipped.
    pub missing_node_refs: u64,
    /// Nodes whose barrier or access tags block this mode (ways are cut there).
    pub blocking_nodes: u64,
    /// What the graph builder dropped and kept.
    pub build: BuildReport,
}

impl ImportReport {
    /// The figures as key–value pairs, for [`neuvo_network::NetworkMeta::import`].
    pub fn pairs(&self) -> Vec<(String, u64)> {
        [
            ("nodes_read", self.nodes_read),
            ("ways_read", self.ways_read),
            ("relations_read", self.relations_read),
            ("highway_ways", self.highway_ways),
            ("ways_used", self.ways_used),
            ("missing_node_refs", self.missing_node_refs),
            ("blocking_nodes", self.blocking_nodes),
        ]
        .into_iter()
        .map(|(k, v)| (k.to_owned(), v))
        .collect()
    }
}

/// A usable way: its node references and its speed in each direction.
#[derive(Clone, Debug, Default)]
pub(crate) struct RawWay {
    pub(crate) refs: Vec<i64>,
    pub(crate) forward_kmh: Option<f64>,
    pub(crate) backward_kmh: Option<f64>,
}

/// What one blob (or one fixture) contributes.
#[derive(Clone, Debug, Default)]
pub(crate) struct Chunk {
    /// Every node: (id, lon e7, lat e7).
    pub(crate) nodes: Vec<(i64, i32, i32)>,
    pub(crate) blocked: Vec<i64>,
    pub(crate) ways: Vec<RawWay>,
    pub(crate) nodes_read: u64,
    pub(crate) ways_read: u64,
    pub(crate) relations_read: u64,
    pub(crate) highway_ways: u64,
}

impl Chunk {
    pub(crate) fn add_node<'a>(
        &mut self,
        profile: &Profile,
        id: i64,
        lon: i32,
        lat: i32,
        tags: &[(&'a str, &'a str)],
    ) {
        self.nodes_read += 1;
        self.nodes.push((id, lon, lat));
        if !tags.is_empty() && profile.node_blocks(tags) {
            self.blocked.push(id);
        }
    }

    pub(crate) fn add_way<'a>(
        &mut self,
        profile: &Profile,
        refs: impl Iterator<Item = i64>,
        tags: &[(&'a str, &'a str)],
    ) {
        self.ways_read += 1;
        if tag(tags, "highway").is_some() {
            self.highway_ways += 1;
        }
        if let Some(rule) = profile.way_rule(tags) {
            self.ways.push(RawWay {
                refs: refs.collect(),
                forward_kmh: rule.forward_kmh,
                backward_kmh: rule.backward_kmh,
            });
        }
    }
}

/// Reads `path` with `profile` into a road graph restricted to its largest strongly connected component.
pub fn read_network(path: &Path, profile: &Profile) -> Result<(RoadGraph, ImportReport), Error> {
    let bytes = std::fs::read(path).map_err(|source| Error::Io { path: path.to_path_buf(), source })?;
    let chunks = decode_blobs(
        path,
        &bytes,
        |chunk: &mut Chunk, element: Element<'_>, tags: &mut Vec<(&str, &str)>| match element {
            Element::DenseNode(n) => {
                tags.clear();
                tags.extend(n.tags().filter(|(k, _)| Profile::node_tag_is_relevant(k)));
                chunk.add_node(profile, n.id(), n.decimicro_lon(), n.decimicro_lat(), tags);
            }
            Element::Node(n) => {
                tags.clear();
                tags.extend(n.tags().filter(|(k, _)| Profile::node_tag_is_relevant(k)));
                chunk.add_node(profile, n.id(), n.decimicro_lon(), n.decimicro_lat(), tags);
            }
            Element::Way(w) => {
                tags.clear();
                tags.extend(w.tags());
                chunk.add_way(profile, w.refs(), tags);
            }
            Element::Relation(_) => chunk.relations_read += 1,
        },
    )?;
    assemble(path, profile, chunks)
}

/// Decodes every blob of a PBF held in memory, in parallel, folding each blob's elements into a [`Chunk`]-like
/// accumulator with `visit`. Results come back in file order.
pub(crate) fn decode_blobs<T, F>(path: &Path, bytes: &[u8], visit: F) -> Result<Vec<T>, Error>
where
    T: Default + Send,
    F: for<'b> Fn(&mut T, Element<'b>, &mut Vec<(&'b str, &'b str)>) + Sync,
{
    if bytes.is_empty() {
        return Err(Error::Empty { path: path.to_path_buf() });
    }
    let pbf_error = |blob: usize, offset: u64, e: &dyn std::fmt::Display| Error::Pbf {
        path: path.to_path_buf(),
        blob,
        offset,
        message: e.to_string(),
    };
    let mut blobs = Vec::new();
    let mut offset = 0u64;
    for (i, b) in BlobReader::new(std::io::Cursor::new(bytes)).enumerate() {
        let b = b.map_err(|e| pbf_error(i, offset, &e))?;
        offset = b.offset().map_or(offset, |o| o.0);
        blobs.push(b);
    }
    if blobs.is_empty() {
        return Err(pbf_error(0, 0, &"no blob could be read"));
    }
    blobs
        .par_iter()
        .enumerate()
        .map(|(i, blob)| {
            let at = blob.offset().map_or(0, |o| o.0);
            let mut acc = T::default();
            match blob.decode().map_err(|e| pbf_error(i, at, &e))? {
                BlobDecode::OsmData(block) => {
                    let mut tags = Vec::new();
                    for el in block.elements() {
                        visit(&mut acc, el, &mut tags);
                    }
                }
                BlobDecode::OsmHeader(_) => {}
                BlobDecode::Unknown(kind) => {
                    tracing::debug!(blob = i, kind, "skipping a blob of unknown type");
                }
            }
            Ok(acc)
        })
        .collect()
}

/// Joins the chunks into a graph: nodes sorted by id, ways cut at missing and blocking nodes.
pub(crate) fn assemble(
    path: &Path,
    profile: &Profile,
    chunks: Vec<Chunk>,
) -> Result<(RoadGraph, ImportReport), Error> {
    let mut report = ImportReport {
        file: path
            .file_name()
            .map_or_else(|| path.display().to_string(), |f| f.to_string_lossy().into_owned()),
        profile: profile.name.clone(),
        ..Default::default()
    };
    let mut nodes = Vec::new();
    let mut blocked = Vec::new();
    let mut ways = Vec::new();
    for c in chunks {
        report.nodes_read += c.nodes_read;
        report.ways_read += c.ways_read;
        report.relations_read += c.relations_read;
        report.highway_ways += c.highway_ways;
        nodes.extend(c.nodes);
        blocked.extend(c.blocked);
        ways.extend(c.ways);
    }
    report.ways_used = ways.len() as u64;
    if ways.is_empty() {
        return Err(Error::NoRoutableWays {
            path: path.to_path_buf(),
            profile: profile.name.clone(),
            ways: report.ways_read,
            highways: report.highway_ways,
        });
    }
    if !nodes.windows(2).all(|w| w[0].0 < w[1].0) {
        nodes.sort_by_key(|n| n.0);
        nodes.dedup_by_key(|n| n.0);
    }
    blocked.sort_unstable();
    blocked.dedup();
    report.blocking_nodes = blocked.len() as u64;
    let find = |id: i64| nodes.binary_search_by_key(&id, |n| n.0).ok();
    let is_blocked = |id: i64| blocked.binary_search(&id).is_ok();

    let mut used: Vec<i64> = ways.iter().flat_map(|w| w.refs.iter().copied()).collect();
    used.sort_unstable();
    used.dedup();
    used.retain(|&id| find(id).is_some() && !is_blocked(id));
    let mut b = GraphBuilder::new();
    for &id in &used {
        if let Some(i) = find(id) {
            let (_, lon, lat) = nodes[i];
            b.add_node(id, lon, lat);
        }
    }
    for w in &ways {
        let mut prev: Option<(u32, LonLat)> = None;
        for &r in &w.refs {
            if is_blocked(r) {
                prev = None;
                continue;
            }
            let Ok(idx) = used.binary_search(&r) else {
                report.missing_node_refs += 1;
                prev = None;
                continue;
            };
            let idx = idx as u32;
            let here = b.coord(idx);
            if let Some((p, there)) = prev
                && p != idx
            {
                let len = there.haversine_m(here);
                if let Some(s) = w.forward_kmh {
                    b.add_edge(p, idx, Weight::of_travel(len, s));
                }
                if let Some(s) = w.backward_kmh {
                    b.add_edge(idx, p, Weight::of_travel(len, s));
                }
            }
            prev = Some((idx, here));
        }
    }
    let (graph, build) = b.build();
    report.build = build;
    if graph.edge_count() == 0 {
        return Err(Error::NoRoutableWays {
            path: path.to_path_buf(),
            profile: profile.name.clone(),
            ways: report.ways_read,
            highways: report.highway_ways,
        });
    }
    tracing::info!(
        file = %report.file,
        profile = %report.profile,
        ways_used = report.ways_used,
        missing_node_refs = report.missing_node_refs,
        nodes = report.build.nodes,
        edges = report.build.edges,
        components = report.build.components,
        dropped_nodes = report.build.nodes_dropped_outside_largest_component,
        "read road network"
    );
    Ok((graph, report))
}
