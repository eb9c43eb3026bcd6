//! The comparison's tables as CSV, aggregated with polars from the per-cell minutes.
//!
//! `neuvo-access` computes the summary's figures in plain Rust; here the same tables are computed a second way,
//! as group-bys over a long frame of (mode, group, cell, district, people, minutes before, minutes after) built
//! from the exact per-cell times, and
//! written as `within.csv` (mode × group × threshold) and `districts.csv` (mode × group × district). The e2e
//! tests hold the two computations to each other.

use std::fs::File;
use std::path::Path;

use anyhow::{Context, Result};
use neuvo_planner::CompareSummary;
use neuvo_planner::compare::CellTimes;
use polars::prelude::*;

/// The long frame: one row per mode, group and cell with people of the group.
pub(crate) fn long_frame(summary: &CompareSummary, cells: &[CellTimes]) -> Result<DataFrame> {
    let (mut mode, mut group, mut cell, mut district) = (Vec::new(), Vec::new(), Vec::new(), Vec::new());
    let (mut people, mut before, mut after) = (Vec::new(), Vec::new(), Vec::new());
    for (k, m) in summary.modes.iter().enumerate() {
        for (g, name) in summary.groups.iter().enumerate() {
            for c in cells {
                let n = c.people.get(g).copied().unwrap_or(0.0);
                if n <= 0.0 {
                    continue;
                }
                let (b, a) = c.minutes.get(k).copied().context("a cell without this mode's times")?;
                mode.push(m.mode.clone());
                group.push(name.clone());
                cell.push(c.id.clone());
                district.push(c.district.clone());
                people.push(n);
                before.push(b);
                after.push(a);
            }
        }
    }
    let height = mode.len();
    Ok(DataFrame::new(
        height,
        vec![
            Column::new("mode".into(), mode),
            Column::new("group".into(), group),
            Column::new("cell".into(), cell),
            Column::new("district".into(), district),
            Column::new("people".into(), people),
            Column::new("before".into(), before),
            Column::new("after".into(), after),
        ],
    )?)
}

fn people_within(column: &str, t: f64) -> Expr {
    when(col(column).lt_eq(lit(t))).then(col("people")).otherwise(lit(0.0)).sum()
}

fn mean_of(column: &str) -> Expr {
    (col("people") * col(column)).sum() / col("people").filter(col(column).is_not_null()).sum()
}

/// Mode × group × threshold: people and shares within each threshold before and after.
pub(crate) fn within_table(long: &DataFrame, thresholds: &[f64]) -> Result<DataFrame> {
    let mut parts = Vec::new();
    for &t in thresholds {
        let part = long
            .clone()
            .lazy()
            .group_by([col("mode"), col("group")])
            .agg([
                col("people").sum().alias("people"),
                people_within("before", t).alias("a_people"),
                people_within("after", t).alias("b_people"),
            ])
            .with_columns([
                lit(t).alias("minutes"),
                (col("a_people") / col("people")).alias("a_share"),
                (col("b_people") / col("people")).alias("b_share"),
            ])
            .with_column(((col("b_share") - col("a_share")) * lit(100.0)).alias("change_points"));
        parts.push(part);
    }
    Ok(concat(parts, UnionArgs::default())?
        .select([
            col("mode"),
            col("group"),
            col("minutes"),
            col("people"),
            col("a_people"),
            col("b_people"),
            col("a_share"),
            col("b_share"),
            col("change_points"),
        ])
        .sort(["mode", "group", "minutes"], SortMultipleOptions::default())
        .collect()?)
}

/// Mode × group × district: people, mean minutes before and after, and the mean change over people reached in
/// both.
pub(crate) fn district_table(long: &DataFrame) -> Result<DataFrame> {
    let both = col("before").is_not_null().and(col("after").is_not_null());
    Ok(long
        .clone()
        .lazy()
        .group_by([col("mode"), col("group"), col("district")])
        .agg([
            col("people").sum().alias("people"),
            mean_of("before").alias("a_mean_minutes"),
            mean_of("after").alias("b_mean_minutes"),
            when(col("after").gt(col("before")))
                .then(col("people"))
                .otherwise(lit(0.0))
                .sum()
                .alias("loser_people"),
            when(col("after").lt(col("before")))
                .then(col("people"))
                .otherwise(lit(0.0))
                .sum()
                .alias("winner_people"),
            ((col("people") * (col("after") - col("before"))).filter(both.clone()).sum()
                / col("people").filter(both).sum())
            .alias("mean_change_minutes"),
        ])
        .sort(["mode", "group", "district"], SortMultipleOptions::default().with_nulls_last(true))
        .collect()?)
}

/// Writes `within.csv` and `districts.csv` into `dir`, numbers with 9 decimals (polars sums groups in parallel,
/// so the last bits of a sum may differ between runs; 9 decimals keep the files identical).
pub(crate) fn write_tables(dir: &Path, summary: &CompareSummary, cells: &[CellTimes]) -> Result<()> {
    let long = long_frame(summary, cells)?;
    for (name, mut df) in [
        ("within.csv", within_table(&long, &summary.thresholds_minutes)?),
        ("districts.csv", district_table(&long)?),
    ] {
        let path = dir.join(name);
        let f = File::create(&path).with_context(|| format!("writing {}", path.display()))?;
        CsvWriter::new(f)
            .with_float_precision(Some(9))
            .finish(&mut df)
            .map_err(|e| anyhow::anyhow!("writing {}: {e}", path.display()))?;
    }
    Ok(())
}
