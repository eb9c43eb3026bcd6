//! neuvo's domain vocabulary.
//!
//! This crate names the things every other part of neuvo talks about: places on the map ([`LonLat`]), travel
//! modes ([`Mode`]), integer units of time and length ([`Millis`], [`Centimeters`]), venues where advisors can
//! hold pop-up sessions ([`Venue`]), travel matrices ([`TravelMatrix`]) and a seeded random number generator
//! ([`SplitMix64`]).
//!
//! **Key design decision: the model is pure.** It does no I/O, reads no clock and no environment, and holds no
//! global random state, so everything built on it is reproducible: the same inputs and seed give the same plan.
//! File formats live in adapter crates (`neuvo-osm`, later GTFS and population readers); solvers see only the types
//! defined here.
//!
//! ```
//! use neuvo_model::{LonLat, Millis, TravelMatrix};
//!
//! let kamppi = LonLat::try_new(24.9316, 60.1690).unwrap();
//! let rautatientori = LonLat::try_new(24.9445, 60.1707).unwrap();
//! assert!((kamppi.haversine_m(rautatientori) - 730.0).abs() < 10.0);
//!
//! let mut m = TravelMatrix::unreachable(2, 2);
//! m.set(0, 1, Millis(540_000), neuvo_model::Centimeters(73_000));
//! assert_eq!(m.time(0, 1), Some(Millis(540_000)));
//! assert_eq!(m.time(1, 0), None);
//! ```
#![forbid(unsafe_code)]

mod demand;
mod hours;
mod lonlat;
mod matrix;
mod mode;
mod progress;
mod rng;
mod site;
mod units;
mod venue;

pub use demand::{Demand, DemandCell, Group};
pub use hours::{OpeningHours, OpeningHoursError, WEEKDAYS};
pub use lonlat::{EARTH_RADIUS_M, LonLat, LonLatError, ParseLonLatError};
pub use matrix::TravelMatrix;
pub use mode::{Mode, ParseModeError};
pub use progress::{NoProgress, Progress};
pub use rng::SplitMix64;
pub use site::{ParseSiteStatusError, Site, SiteStatus};
pub use units::{Centimeters, Millis};
pub use venue::{OsmRef, OsmType, Venue, VenueKind};
