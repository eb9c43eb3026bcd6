//! neuvo's pipeline: from a scenario to a checked plan, all in memory.
//!
//! A [`Scenario`] (a TOML file under `data/scenarios/`, or the same as JSON over the API) names its inputs and
//! what to solve. [`run_locate`] asks an [`Inputs`] for the network, the demand cells and the sites, computes the
//! cells × sites travel-time matrix on the network ([`cells_to_sites`]), runs the location models of
//! `neuvo-locate` on it, and returns a [`LocateReport`]: a summary (what `neuvo locate --json` prints), the sites
//! and cells as GeoJSON map layers, and every caveat a reader must see.
//!
//! **Key design decision: inputs come through a trait.** The pipeline never opens a file. The command line and
//! the server run the very same code over one [`Inputs`] implementation that reads files and caches networks;
//! tests run it over values. So a plan made in the browser is the plan `neuvo locate` prints for the same
//! scenario, and the server never reads a path a request names without the binary's checks.
//!
//! ```
//! use neuvo_planner::Scenario;
//!
//! let s = Scenario::from_toml(r#"
//!     name = "tiny"
//!     [network]
//!     osm = "cache/osm/helsinki_centre_2024.osm.pbf"
//!     mode = "walk"
//!     [demand]
//!     grid = "cache/population/hsy_population_grid_2021.gpkg"
//!     [sites]
//!     osm_venues = true
//!     [locate]
//!     model = "mclp"
//!     p = 3
//!     minutes = 10
//! "#, "tiny.toml").unwrap();
//! assert_eq!(s.locate.p, Some(3));
//! assert!(Scenario::from_toml(&"minutes = 10".replace("10", "0"), "x").is_err());
//! ```
#![forbid(unsafe_code)]

pub mod compare;
pub mod day;
mod inputs;
mod locate;
mod matrix;
mod scenario;
pub mod schedule;
mod sites;
mod transit;

pub use compare::{
    CompareOptions, CompareReport, CompareScenario, CompareSummary, compare_table, run_compare,
};
pub use inputs::{InputError, Inputs, LoadedDemand, LoadedTimetable};
pub use locate::{
    DistrictCoverage, GroupCoverage, LocateReport, LocateSummary, PlanError, Prepared, RunOptions,
    SiteReport, Timings, TradeoffRow, prepare, run_locate, summary_table,
};
pub use matrix::{Cancelled, Reach, cells_to_sites};
pub use scenario::{
    CapacitySpec, DemandSpec, EquityOver, LocateSpec, MethodSpec, ModelSpec, NetworkSpec, Overrides,
    Scenario, ScenarioError, ScenarioIssue, SitesSpec,
};
pub use sites::{SiteFileError, apply_scenario, read_sites_csv, sites_from_venues};
pub use transit::{TransitOptions, TransitReach, cells_to_sites_by_transit};
