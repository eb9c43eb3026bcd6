//! `neuvo schedule`: the rotation of pop-up sessions from a scenario file: a table or JSON, and per advisor and per
//! venue calendars, a CSV and a printable timetable.

use std::path::{Path, PathBuf};

use anyhow::{Context, Result};
use neuvo_planner::schedule::{Illness, ScheduleOptions, ScheduleScenario, run_schedule, schedule_table};

use crate::inputs::FileInputs;
use crate::progress::Bar;
use crate::queries::write_json;

/// Arguments of `neuvo schedule`.
#[derive(Debug, clap::Args)]
pub(crate) struct ScheduleArgs {
    /// The rotation scenario (TOML; see data/scenarios/espoo-week.toml). Data paths in it are relative to the data
    /// folder.
    #[arg(long)]
    pub(crate) scenario: PathBuf,
    /// Weeks to plan (1 to 12) [default: the scenario's].
    #[arg(long)]
    pub(crate) weeks: Option<u32>,
    /// Folder for advisor-ID.ics, venue-ID.ics, rotation.csv, timetable.html and summary.json [default:
    /// DATA_DIR/cache/schedule/NAME].
    #[arg(long)]
    pub(crate) out: Option<PathBuf>,
    /// Print the summary as one JSON object instead of a table.
    #[arg(long)]
    pub(crate) json: bool,
    /// Threads for matrices [default: all cores].
    #[arg(long)]
    pub(crate) threads: Option<usize>,
    /// Re-plan a day: this advisor falls ill (with --on and --at); visits and sessions begun before stay, the rest
    /// moves to the others, and their later sessions are cancelled. Writes day-DATE-ID.replanned.{ics,geojson}.
    #[arg(long, requires_all = ["on", "at"])]
    pub(crate) ill: Option<String>,
    /// The date the advisor falls ill (YYYY-MM-DD).
    #[arg(long, requires = "ill")]
    pub(crate) on: Option<chrono::NaiveDate>,
    /// When, HH:MM.
    #[arg(long, requires = "ill")]
    pub(crate) at: Option<String>,
}

pub(crate) fn run(data_dir: &Path, a: &ScheduleArgs) -> Result<()> {
    let text = std::fs::read_to_string(&a.scenario)
        .with_context(|| format!("reading rotation scenario {}", a.scenario.display()))?;
    let spec = ScheduleScenario::from_toml(&text, &a.scenario.display().to_string())?;
    let inputs = FileInputs::new(data_dir);
    let ill = match (&a.ill, a.on, &a.at) {
        (Some(advisor), Some(date), Some(at)) => {
            let t = neuvo_planner::day::parse_clock(at).map_err(|e| anyhow::anyhow!("--at {at:?}: {e}"))?;
            Some(Illness { advisor: advisor.clone(), date, at_min: (t / 60) as u16 })
        }
        _ => None,
    };
    let options = ScheduleOptions {
        ill,
        weeks: a.weeks,
        threads: a.threads.unwrap_or_else(|| std::thread::available_parallelism().map_or(1, |n| n.get())),
        generated_at_utc: chrono::Utc::now().naive_utc(),
    };
    let report = run_schedule(&spec, &inputs, &options, &Bar::new(), &|| false)?;
    let out = a.out.clone().unwrap_or_else(|| data_dir.join("cache/schedule").join(&spec.name));
    std::fs::create_dir_all(&out).with_context(|| format!("creating {}", out.display()))?;
    for (name, content) in &report.files {
        let p = out.join(name);
        std::fs::write(&p, content).with_context(|| format!("writing {}", p.display()))?;
    }
    write_json(&out.join("summary.json"), &serde_json::to_value(&report.summary)?)?;
    if a.json {
        println!("{}", serde_json::to_string(&report.summary)?);
    } else {
        print!("{}", schedule_table(&report.summary));
        println!("wrote {} files and summary.json to {}", report.files.len(), out.display());
    }
    Ok(())
}
