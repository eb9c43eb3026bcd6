//! End-to-end tests of neuvo on the real data sets (fetched into data/cache/ by `neuvo data fetch`) and of the
//! `neuvo` command line. One integration binary, as ripgrep and zero2prod arrange theirs:
//!
//! * `real_network`: every shared OSM file read with the walk and car profiles, checked against the counts its
//!   README documents, against plain Dijkstra and petgraph, and against documented road distances;
//! * `isochrones`: polygons against the reachable nodes on the central Helsinki walking network;
//! * `cli`: the commands and their files, exit codes and error messages, as a user runs them;
//! * `locate`: `neuvo locate` on the shipped scenarios, checked against the layers it writes;
//! * `routes`: `neuvo routes` and `neuvo visits generate` on central Helsinki, checked against plain Dijkstra
//!   and read back by independent GPX and iCalendar parsers;
//! * `transit`: the HSL feed of central Helsinki on its service day, RAPTOR against the brute-force search,
//!   walks between stops against plain Dijkstra on the walking network;
//! * `compare`: `neuvo compare` on the shipped comparisons: closures never shorten a trip, pop-ups never lengthen
//!   one and count only within their hours, walk and car times against plain Dijkstra, the polars tables against
//!   the access crate's, bad comparisons;
//! * `schedule`: `neuvo schedule` on the Espoo week: hours, kinds, languages, travel against plain Dijkstra,
//!   spacing, frequency from need, the same weekday and hour every week, calendars read back, bad input;
//! * `server`: `neuvo serve` and `neuvo user add`, writes surviving `kill -9`, the map page in Chromium.

mod cli;
mod compare;
mod isochrones;
mod locate;
mod real_network;
mod routes;
mod schedule;
mod server;
mod support;
mod transit;
