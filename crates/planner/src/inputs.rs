//! What a pipeline needs from the outside world, as a trait: the binary implements it over files and caches,
//! tests implement it over values. The pipeline itself never opens a file.

use std::sync::Arc;

use neuvo_model::{Demand, Progress, Site};
use neuvo_network::Network;

use crate::scenario::{DemandSpec, NetworkSpec, Scenario, SitesSpec};

/// Loads the inputs a scenario names.
pub trait Inputs: Send + Sync {
    /// The road network of `spec`, built or taken from a cache.
    fn network(&self, spec: &NetworkSpec, progress: &dyn Progress) -> Result<Arc<Network>, InputError>;
    /// The demand cells of `spec`, with notes on how the source was cleaned (masked cells, dropped cells).
    fn demand(&self, spec: &DemandSpec) -> Result<LoadedDemand, InputError>;
    /// Every site the files (and, when asked, the network's OSM venues) of `spec` hold, with the status their
    /// source gives; the pipeline applies the scenario's changes.
    fn sites(&self, spec: &SitesSpec, network: &NetworkSpec) -> Result<Vec<Site>, InputError>;
    /// The timetable of one service day of a GTFS feed (`date`, or the feed's first service date when `None`).
    /// Inputs without feeds say so.
    fn timetable(&self, gtfs: &str, date: Option<chrono::NaiveDate>) -> Result<LoadedTimetable, InputError> {
        let _ = date;
        Err(InputError(format!("GTFS feed {gtfs}: these inputs hold no transit timetables")))
    }
    /// A location scenario file (for pop-ups chosen by `neuvo locate` in a comparison). Inputs without scenario
    /// files say so.
    fn scenario(&self, path: &str) -> Result<Scenario, InputError> {
        Err(InputError(format!("scenario {path}: these inputs hold no scenario files")))
    }
    /// A small text file under the data folder (an advisors' CSV). Inputs without files say so.
    fn text(&self, path: &str) -> Result<String, InputError> {
        Err(InputError(format!("{path}: these inputs hold no files")))
    }
}

/// One service day of a GTFS feed, as loaded.
#[derive(Clone, Debug)]
pub struct LoadedTimetable {
    /// The timetable.
    pub timetable: Arc<neuvo_transit::Timetable>,
    /// The service date it is for.
    pub date: chrono::NaiveDate,
    /// What a reader should know (trips skipped, how many from frequencies).
    pub notes: Vec<String>,
}

/// Demand as loaded, with what a reader should know about it.
#[derive(Clone, Debug)]
pub struct LoadedDemand {
    /// The cells.
    pub demand: Arc<Demand>,
    /// Sentences on the cleaning rules applied and their counts ("2 585 masked cells estimated …").
    pub notes: Vec<String>,
}

/// An input that could not be loaded: the message names the file and what to do.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct InputError(pub String);
