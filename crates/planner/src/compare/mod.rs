//! The analysts' job: variants of a closure scenario (before, after, after with pop-ups) measured by walking, car
//! and public transport, per population group and district, and their difference cell by cell.
//!
//! A [`CompareScenario`] file names its demand, its sites, the modes (each with its network, and a GTFS feed for
//! transit), the moment (a weekday and time: pop-ups count only within their hours) and its variants.
//! [`run_compare`] loads everything through [`crate::Inputs`], computes one cells × sites matrix per mode over the
//! sites either variant opens, and hands the times to `neuvo-access` for the measures and the comparison.

mod run;
mod spec;

pub use run::{
    CellTimes, CompareOptions, CompareReport, CompareSummary, DistrictModeRow, DistrictRow, GroupModeRow,
    ModeComparison, Moment, OpenSite, Tables, VariantReport, WithinRow, compare_table, run_compare,
};
pub use spec::{CompareScenario, MODE_NAMES, ModeSpec, PopupSpec, PopupsFrom, VariantSpec, When};
