//! Road networks and the travel-time engine every neuvo job stands on.
//!
//! A [`RoadGraph`] holds the streets one mode may use (built from OpenStreetMap by `neuvo-osm`, or by hand with
//! [`GraphBuilder`]); a [`Network`] adds a contraction hierarchy ([`ch`]) and a spatial index, and answers the
//! queries planners need: [`Network::snap`] a point onto the nearest edge, [`Network::route`] between two points
//! with geometry, one-to-many and many-to-many tables ([`Network::matrix_rows`] streams rows), and
//! [`Network::isochrones`] as polygons.
//!
//! **Key design decision: one packed integer weight.** Every edge carries a [`Weight`]: milliseconds in the high
//! half of a `u64`, centimetres in the low half. Sums are exact, the order is time first then length, and every
//! algorithm here — plain Dijkstra, the hierarchy, the bucket tables — optimises the very same thing, so tests
//! can demand that they agree to the unit, in time *and* length.
//!
//! ```
//! use neuvo_model::{LonLat, NoProgress};
//! use neuvo_network::{GraphBuilder, Network, NetworkMeta};
//!
//! // Three nodes 0.001° of longitude apart (about 56 m at 60° N), walked both ways at 5 km/h.
//! let mut b = GraphBuilder::new();
//! let ids: Vec<u32> = (0..3).map(|i| b.add_node(i, 249_400_000 + i as i32 * 10_000, 601_700_000)).collect();
//! for w in ids.windows(2) {
//!     b.add_edge_at_speed(w[0], w[1], 5.0);
//!     b.add_edge_at_speed(w[1], w[0], 5.0);
//! }
//! let (graph, _report) = b.build();
//! let net = Network::build(graph, NetworkMeta::default(), &NoProgress);
//! let from = net.snap(LonLat::try_new(24.94, 60.1701).unwrap()).unwrap();
//! let to = net.snap(LonLat::try_new(24.942, 60.1701).unwrap()).unwrap();
//! let route = net.route(&from, &to).unwrap();
//! // About 111 m along the street plus two 11 m access legs, at 5 km/h: roughly 96 s.
//! assert!((route.time.as_secs_f64() - 96.0).abs() < 3.0, "{:?}", route.time);
//! ```
#![forbid(unsafe_code)]

mod cache;
pub mod ch;
mod dijkstra;
mod graph;
mod isochrone;
mod nearby;
mod network;
mod projection;
mod snap;
mod weight;

pub use cache::{CacheError, FORMAT_VERSION};
pub use dijkstra::Dijkstra;
pub use graph::{BuildReport, GraphBuilder, RoadGraph, weight_of};
pub use isochrone::{Isochrone, IsochroneParams};
pub use nearby::NearbyIndex;
pub use network::{MatrixParams, Network, NetworkMeta, Route, SnapParamsMeta};
pub use snap::{MAX_CANDIDATES, Snap, SnapError, SnapParams};
pub use weight::Weight;

#[cfg(test)]
mod tests;
