//! `neuvo locate`: the planners' job from a scenario file to a table, a JSON summary and map layers.

use std::path::{Path, PathBuf};

use anyhow::{Context, Result};
use neuvo_planner::{Overrides, RunOptions, Scenario, run_locate, summary_table};

use crate::inputs::FileInputs;
use crate::progress::Bar;
use crate::queries::write_json;

/// Arguments of `neuvo locate`.
#[derive(Debug, clap::Args)]
pub(crate) struct LocateArgs {
    /// The scenario file (TOML; see data/scenarios/). Data paths in it are relative to the data folder.
    #[arg(long)]
    pub(crate) scenario: PathBuf,
    /// Folder for sites.geojson, cells.geojson and summary.json [default: DATA_DIR/cache/locate/NAME, NAME being the scenario's name].
    #[arg(long)]
    pub(crate) out: Option<PathBuf>,
    /// Print the summary as one JSON object instead of a table.
    #[arg(long)]
    pub(crate) json: bool,
    /// Override the scenario's number of new sites.
    #[arg(long)]
    pub(crate) p: Option<usize>,
    /// Override the scenario's coverage threshold, in minutes.
    #[arg(long, allow_hyphen_values = true)]
    pub(crate) minutes: Option<f64>,
    /// Override the scenario's model: mclp, lscp, pmedian or pcenter.
    #[arg(long)]
    pub(crate) model: Option<String>,
    /// Override the method: auto (heuristic, then the MILP warm-started from it), exact or heuristic.
    #[arg(long)]
    pub(crate) method: Option<String>,
    /// Override the MILP time limit, in seconds.
    #[arg(long)]
    pub(crate) time_limit: Option<f64>,
    /// Skip the trade-off table (one solve per p).
    #[arg(long)]
    pub(crate) no_tradeoff: bool,
    /// Threads for the travel-time matrix [default: all cores].
    #[arg(long)]
    pub(crate) threads: Option<usize>,
}

/// Reads a scenario file and applies the command line's overrides, checked like the file itself.
pub(crate) fn read_scenario(a: &LocateArgs) -> Result<Scenario> {
    let text = std::fs::read_to_string(&a.scenario)
        .with_context(|| format!("reading scenario file {}", a.scenario.display()))?;
    let origin = a.scenario.display().to_string();
    let overrides = Overrides {
        model: a
            .model
            .as_deref()
            .map(|m| parse_enum(m, "--model", "mclp, lscp, pmedian or pcenter"))
            .transpose()?,
        p: a.p,
        minutes: a.minutes,
        method: a
            .method
            .as_deref()
            .map(|m| parse_enum(m, "--method", "auto, exact or heuristic"))
            .transpose()?,
        time_limit_s: a.time_limit,
    };
    Ok(Scenario::from_toml(&text, &origin)?.with_overrides(&overrides, &origin)?)
}

fn parse_enum<T: serde::de::DeserializeOwned>(v: &str, flag: &str, expected: &str) -> Result<T> {
    serde_json::from_value(serde_json::Value::String(v.to_ascii_lowercase()))
        .map_err(|_| anyhow::anyhow!("{flag} {v:?}: expected {expected}"))
}

pub(crate) fn run(data_dir: &Path, a: &LocateArgs) -> Result<()> {
    let scenario = read_scenario(a)?;
    let inputs = FileInputs::new(data_dir);
    let options = RunOptions {
        threads: a.threads.unwrap_or_else(|| RunOptions::default().threads),
        tradeoff: !a.no_tradeoff,
    };
    let report = run_locate(&scenario, &inputs, options, &Bar::new(), &|| false)?;
    let out = a.out.clone().unwrap_or_else(|| data_dir.join("cache/locate").join(&scenario.name));
    write_json(&out.join("sites.geojson"), &report.sites_geojson)?;
    write_json(&out.join("cells.geojson"), &report.cells_geojson)?;
    write_json(&out.join("summary.json"), &serde_json::to_value(&report.summary)?)?;
    if a.json {
        println!("{}", serde_json::to_string(&report.summary)?);
    } else {
        print!("{}", summary_table(&report.summary));
        println!("wrote {}/{{sites.geojson, cells.geojson, summary.json}}", out.display());
    }
    Ok(())
}
