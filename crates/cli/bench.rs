//! `neuvo bench matrix`: the routing engine's figures on a real file, as one JSON line.

use std::path::{Path, PathBuf};
use std::time::Instant;

use anyhow::{Result, ensure};
use neuvo_model::{Mode, SplitMix64};
use neuvo_network::{MatrixParams, Network, Snap};

use crate::netload::{self, NetworkArgs, round3};

/// Arguments of `neuvo bench matrix`.
#[derive(Debug, clap::Args)]
pub(crate) struct BenchMatrixArgs {
    /// OSM PBF file [default: the sample central-Helsinki file].
    #[arg(long)]
    pub(crate) osm: Option<PathBuf>,
    /// Travel mode.
    #[arg(long, default_value = "walk")]
    pub(crate) mode: Mode,
    /// Number of random points: the matrix is N×N.
    #[arg(long, default_value_t = 1000)]
    pub(crate) points: usize,
    /// Seed of the random points.
    #[arg(long, default_value_t = 42)]
    pub(crate) seed: u64,
    /// Worker threads for the matrix [default: all cores]; the single-thread time is reported too.
    #[arg(long)]
    pub(crate) threads: Option<usize>,
    /// Random one-to-one queries to time.
    #[arg(long, default_value_t = 1000)]
    pub(crate) pairs: usize,
    /// Matrix rows re-checked against plain Dijkstra (0 to skip).
    #[arg(long, default_value_t = 5)]
    pub(crate) verify_rows: usize,
}

/// `k` distinct nodes out of `n`, drawn by a partial Fisher–Yates shuffle.
pub(crate) fn random_nodes(n: usize, k: usize, seed: u64) -> Vec<u32> {
    let mut rng = SplitMix64::new(seed);
    let mut all: Vec<u32> = (0..n as u32).collect();
    let k = k.min(n);
    for i in 0..k {
        let j = i + rng.below((n - i) as u64) as usize;
        all.swap(i, j);
    }
    all.truncate(k);
    all
}

fn snap_nodes(net: &Network, nodes: &[u32]) -> Vec<Option<Snap>> {
    nodes.iter().map(|&u| net.snap(net.graph().coord(u)).ok()).collect()
}

fn timed_matrix(net: &Network, nodes: &[u32], threads: usize) -> (f64, u64, usize) {
    let t = Instant::now();
    let pts = snap_nodes(net, nodes);
    let mut checksum = 0u64;
    let mut unreachable = 0usize;
    let params = MatrixParams { threads, ..MatrixParams::default() };
    let _ = net.matrix_rows(&pts, &pts, params, &neuvo_model::NoProgress, |_, row| {
        for x in row {
            if x.is_infinite() {
                unreachable += 1;
            } else {
                checksum += u64::from(x.time().0);
            }
        }
        Ok::<(), std::convert::Infallible>(())
    });
    (t.elapsed().as_secs_f64(), checksum, unreachable)
}

pub(crate) fn matrix(data_dir: &Path, a: &BenchMatrixArgs) -> Result<()> {
    ensure!(a.points > 0, "--points must be at least 1");
    let args = NetworkArgs::of(a.osm.clone(), a.mode, true);
    let osm = netload::osm_path(data_dir, &args)?;
    let profile = netload::profile(&args)?;
    let t0 = Instant::now();
    let (source_sha, profile_sha) = netload::digests(&osm, &profile)?;
    let l = netload::build_network(&osm, &profile, &source_sha, &profile_sha)?;
    let preprocess_s = t0.elapsed().as_secs_f64();
    let net = &l.net;
    let n = net.graph().node_count();
    let threads = a.threads.unwrap_or_else(|| MatrixParams::default().threads).max(1);

    // One-to-one: snapping both points plus the bidirectional query, no geometry.
    let mut rng = SplitMix64::new(a.seed ^ 0x5eed);
    let pairs: Vec<(u32, u32)> =
        (0..a.pairs).map(|_| (rng.below(n as u64) as u32, rng.below(n as u64) as u32)).collect();
    let mut q = neuvo_network::ch::ChQuery::new(net.hierarchy());
    let t = Instant::now();
    let mut one_sum = 0u64;
    for &(s, d) in &pairs {
        if let (Ok(s), Ok(d)) = (net.snap(net.graph().coord(s)), net.snap(net.graph().coord(d))) {
            let w = net.route_weight(&mut q, &s, &d);
            one_sum += u64::from(w.time().0);
        }
    }
    let query_us = if pairs.is_empty() { 0.0 } else { t.elapsed().as_secs_f64() * 1e6 / pairs.len() as f64 };

    let nodes = random_nodes(n, a.points, a.seed);
    let (matrix_s_1, sum1, _) = timed_matrix(net, &nodes, 1);
    let (matrix_s, sum, unreachable) =
        if threads > 1 { timed_matrix(net, &nodes, threads) } else { (matrix_s_1, sum1, 0) };
    ensure!(sum == sum1, "the matrix differs between 1 and {threads} threads");

    // Verification of a few rows against plain Dijkstra.
    let pts = snap_nodes(net, &nodes);
    let rows = a.verify_rows.min(pts.len());
    let mut mismatches = 0usize;
    let fast = net.matrix(&pts[..rows], &pts, MatrixParams { threads: 1, ..MatrixParams::default() });
    for (i, p) in pts.iter().take(rows).enumerate() {
        if let Some(p) = p {
            let reference = net.dijkstra_weights(p, &pts);
            for (j, w) in reference.iter().enumerate() {
                let got = fast.time(i, j).map(|t| (t, fast.distance(i, j)));
                let want = (!w.is_infinite()).then(|| (w.time(), Some(w.dist())));
                if got != want {
                    mismatches += 1;
                }
            }
        }
    }
    let st = net.hierarchy_stats();
    let out = serde_json::json!({
        "mode": a.mode,
        "profile": net.meta.profile,
        "file": net.meta.source,
        "nodes": n,
        "edges": net.graph().edge_count(),
        "shortcuts": st.shortcuts,
        "preprocess_s": round3(preprocess_s),
        "parse_s": round3(l.parse_s),
        "contract_s": round3(l.contract_s),
        "query_us": (query_us * 10.0).round() / 10.0,
        "pairs": a.pairs,
        "n": nodes.len(),
        "matrix_s": (matrix_s * 1e4).round() / 1e4,
        "matrix_s_1thread": (matrix_s_1 * 1e4).round() / 1e4,
        "threads": threads,
        "seed": a.seed,
        "unreachable_cells": unreachable,
        "matrix_checksum_ms": sum,
        "one_to_one_checksum_ms": one_sum,
        "verified_rows": rows,
        "mismatches_vs_dijkstra": mismatches,
    });
    println!("{out}");
    ensure!(mismatches == 0, "{mismatches} matrix cells differ from plain Dijkstra");
    Ok(())
}
