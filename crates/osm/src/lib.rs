//! Reads OpenStreetMap data into neuvo: road networks by data-driven profiles, and venues for pop-up sessions.
//!
//! * [`read_network`] decodes a `.osm.pbf` file's blobs in parallel, applies a [`Profile`] (which ways a mode may
//!   use, directions, speeds, barriers; see `data/profiles/*.toml`) and returns a
//!   [`neuvo_network::RoadGraph`] restricted to its largest strongly connected component, with an
//!   [`ImportReport`] of what was read, skipped and dropped. Missing node references (extracts cut at a boundary)
//!   are skipped and counted, never a panic.
//! * [`read_venues`] finds libraries, senior and community centres, malls and town halls by [`VenueRules`]
//!   (`data/venues.toml`), with their names and raw `opening_hours`.
//! * [`Fixture`] builds small networks from ASCII maps for tests, through the same rules.
//!
//! **Key design decision: profiles are data, applied while decoding.** The rules that decide what is a road live
//! in TOML files (as OSRM keeps them in Lua profiles), so a city can add a profile for people aged 75 and over by
//! changing one speed, and each way's tags are read once, in the parallel decoder, and then dropped.
//!
//! ```
//! use neuvo_model::Mode;
//! use neuvo_osm::{Fixture, Profile};
//!
//! // A square block with a bollard at b: cars must go round, walkers pass.
//! let f = Fixture::parse("
//!     a---b---c
//!     |       |
//!     d-------e
//! ", 10.0).unwrap()
//!     .way("abc", &[("highway", "residential")])
//!     .way("ceda", &[("highway", "residential")])
//!     .node('b', &[("barrier", "bollard")]);
//! let (walk, _) = f.import(&Profile::for_mode(Mode::Walk)).unwrap();
//! let (car, report) = f.import(&Profile::for_mode(Mode::Car)).unwrap();
//! assert_eq!(walk.node_count(), 5);
//! assert_eq!(car.node_count(), 4, "b is removed for cars");
//! assert_eq!(report.blocking_nodes, 1);
//! ```
#![forbid(unsafe_code)]

mod error;
mod fixture;
mod import;
mod profile;
mod venues;

pub use error::{Error, ProfileError};
pub use fixture::{Fixture, FixtureError, FixtureNode, FixtureWay, OwnedTags};
pub use import::{ImportReport, read_network};
pub use profile::{Areas, BarrierDefault, Barriers, Profile, WayRule, tag};
pub use venues::{VenueRules, read_venues};
