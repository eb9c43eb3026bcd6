//! `neuvo compare`: two variants of a closure scenario measured by every mode, the summary tables and the
//! per-cell difference as GeoJSON.

use std::path::{Path, PathBuf};

use anyhow::{Context, Result};
use neuvo_planner::{CompareOptions, CompareScenario, compare_table, run_compare};

use crate::inputs::FileInputs;
use crate::progress::Bar;
use crate::queries::write_json;

/// Arguments of `neuvo compare`.
#[derive(Debug, clap::Args)]
pub(crate) struct CompareArgs {
    /// The comparison file (TOML; see data/scenarios/espoo-2021.toml). Data paths in it are relative to the data
    /// folder.
    #[arg(long)]
    pub(crate) scenario: PathBuf,
    /// Variant A, the "before" (`before`).
    pub(crate) a: String,
    /// Variant B, the "after" (`after`).
    pub(crate) b: String,
    /// Folder for difference.geojson, sites.geojson, summary.json and the tables as CSV [default:
    /// DATA_DIR/cache/compare/NAME-A-B].
    #[arg(long)]
    pub(crate) out: Option<PathBuf>,
    /// Print the summary as one JSON object instead of tables.
    #[arg(long)]
    pub(crate) json: bool,
    /// Threads for road matrices [default: all cores].
    #[arg(long)]
    pub(crate) threads: Option<usize>,
}

/// Reads a comparison file.
pub(crate) fn read_comparison(path: &Path) -> Result<CompareScenario> {
    let text = std::fs::read_to_string(path)
        .with_context(|| format!("reading comparison file {}", path.display()))?;
    Ok(CompareScenario::from_toml(&text, &path.display().to_string())?)
}

pub(crate) fn run(data_dir: &Path, a: &CompareArgs) -> Result<()> {
    let c = read_comparison(&a.scenario)?;
    let inputs = FileInputs::new(data_dir);
    let options = CompareOptions { threads: a.threads.unwrap_or_else(|| CompareOptions::default().threads) };
    let report = run_compare(&c, &a.a, &a.b, &inputs, options, &Bar::new(), &|| false)?;
    let out = a
        .out
        .clone()
        .unwrap_or_else(|| data_dir.join("cache/compare").join(format!("{}-{}-{}", c.name, a.a, a.b)));
    write_json(&out.join("difference.geojson"), &report.difference_geojson)?;
    write_json(&out.join("sites.geojson"), &report.sites_geojson)?;
    write_json(&out.join("summary.json"), &serde_json::to_value(&report.summary)?)?;
    crate::tables::write_tables(&out, &report.summary, &report.cells)?;
    if a.json {
        println!("{}", serde_json::to_string(&report.summary)?);
    } else {
        print!("{}", compare_table(&report.summary));
        println!(
            "wrote {}/{{difference.geojson, sites.geojson, summary.json, within.csv, districts.csv}}",
            out.display()
        );
    }
    Ok(())
}
