//! `neuvo bench locate`: each location model solved on a scenario's real cells × sites matrix, one JSON line per
//! model, and the same matrix exported for a peer solver (`benches/locate_vs_spopt.sh` runs PySAL spopt on it).

use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::Instant;

use anyhow::{Context, Result};
use neuvo_locate::{Method, Model, Params};
use neuvo_model::{NoProgress, SiteStatus};
use neuvo_planner::{Prepared, RunOptions, Scenario, prepare};

use crate::inputs::FileInputs;
use crate::netload::round3;
use crate::queries::create;

/// Arguments of `neuvo bench locate`.
#[derive(Debug, clap::Args)]
pub(crate) struct BenchLocateArgs {
    /// The scenario whose matrix is solved (its weights, minutes, p and kept/closed sites; budgets, equity and
    /// capacities are left out so that every solver solves the textbook model).
    #[arg(long)]
    pub(crate) scenario: PathBuf,
    /// Models to solve, comma-separated.
    #[arg(long, default_value = "mclp,lscp,pmedian,pcenter", value_delimiter = ',')]
    pub(crate) models: Vec<String>,
    /// Solves per model; the fastest is reported (the machine is shared).
    #[arg(long, default_value_t = 3)]
    pub(crate) repeat: usize,
    /// Write cost_matrix.csv, weights.csv and case.json for a peer solver into this folder.
    #[arg(long)]
    pub(crate) export: Option<PathBuf>,
}

fn model_of(name: &str) -> Result<Model> {
    Ok(match name.trim().to_ascii_lowercase().as_str() {
        "mclp" => Model::Mclp,
        "lscp" => Model::Lscp,
        "pmedian" | "p-median" => Model::PMedian,
        "pcenter" | "p-center" => Model::PCenter,
        other => anyhow::bail!("--models: unknown model {other:?}; expected mclp, lscp, pmedian or pcenter"),
    })
}

pub(crate) fn run(data_dir: &Path, a: &BenchLocateArgs) -> Result<()> {
    let text = std::fs::read_to_string(&a.scenario)
        .with_context(|| format!("reading scenario file {}", a.scenario.display()))?;
    let scenario = Scenario::from_toml(&text, &a.scenario.display().to_string())?;
    let inputs = FileInputs::new(data_dir);
    let t = Instant::now();
    let prep = prepare(&scenario, &inputs, RunOptions::default(), &NoProgress, &|| false)?;
    let prepare_s = t.elapsed().as_secs_f64();
    if let Some(dir) = &a.export {
        export(&prep, dir)?;
    }
    let sites = &prep.problem.sites;
    let count = |st: SiteStatus| sites.iter().filter(|s| s.status == st).count();
    for name in &a.models {
        let model = model_of(name)?;
        let params = Params {
            model,
            min_share: Vec::new(),
            equity: None,
            visits_per_person: None,
            budgets: Vec::new(),
            method: Method::Exact,
            ..prep.params.clone()
        };
        let mut best = f64::INFINITY;
        let mut last = None;
        for _ in 0..a.repeat.max(1) {
            let t = Instant::now();
            let s = neuvo_locate::solve(&prep.problem, &params)?;
            best = best.min(t.elapsed().as_secs_f64());
            last = Some(s);
        }
        let s = last.expect("at least one solve");
        let line = serde_json::json!({
            "engine": "neuvo",
            "case": scenario.name,
            "model": name,
            "cells": prep.problem.demand.len(),
            "sites": sites.len() - count(SiteStatus::Closed),
            "candidates": count(SiteStatus::Candidate),
            "kept": count(SiteStatus::Kept),
            "p": params.p,
            "minutes": params.threshold.as_secs_f64() / 60.0,
            "seconds": (best * 1e6).round() / 1e6,
            "objective": s.objective,
            "gap": s.gap,
            "status": s.status,
            "chosen": s.chosen.iter().map(|&j| sites[j].id.clone()).collect::<Vec<_>>(),
            "prepare_s": round3(prepare_s),
            "matrix_s": round3(prep.timings.matrix_s),
        });
        println!("{line}");
    }
    Ok(())
}

/// Writes the matrix of the allowed sites (kept and candidates) in seconds, the cells' weights, and the case.
fn export(prep: &Prepared, dir: &Path) -> Result<()> {
    let p = &prep.problem;
    let cols: Vec<usize> = (0..p.sites.len()).filter(|&j| p.sites[j].status != SiteStatus::Closed).collect();
    let mut w = create(&dir.join("cost_matrix.csv"))?;
    write!(w, "cell")?;
    for &j in &cols {
        write!(w, ",{}", p.sites[j].id)?;
    }
    writeln!(w)?;
    for (i, cell) in prep.cells.iter().enumerate() {
        write!(w, "{}", prep.demand.cells[*cell].id)?;
        for &j in &cols {
            match p.matrix.time(i, j) {
                Some(t) => write!(w, ",{:.3}", t.as_secs_f64())?,
                None => write!(w, ",")?,
            }
        }
        writeln!(w)?;
    }
    w.flush()?;
    let mut w = create(&dir.join("weights.csv"))?;
    writeln!(w, "cell,weight")?;
    for (i, d) in p.demand.iter().enumerate() {
        let weight: f64 = d.values.iter().zip(&prep.params.weights).map(|(v, w)| v * w).sum();
        writeln!(w, "{},{weight}", prep.demand.cells[prep.cells[i]].id)?;
    }
    w.flush()?;
    let kept: Vec<usize> = cols
        .iter()
        .enumerate()
        .filter(|(_, j)| p.sites[**j].status == SiteStatus::Kept)
        .map(|(k, _)| k)
        .collect();
    let case = serde_json::json!({
        "radius_s": prep.params.threshold.as_secs_f64(),
        "p_new": prep.params.p,
        "kept_columns": kept,
        "sites": cols.iter().map(|&j| &p.sites[j].id).collect::<Vec<_>>(),
    });
    crate::queries::write_json(&dir.join("case.json"), &case)
}
