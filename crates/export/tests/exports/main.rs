//! The exports read back by independent parsers, on a realistic Espoo day.

mod csv_checks;
mod fixture;
mod geojson_checks;
mod gpx_checks;
mod html_checks;
mod ics_checks;
mod privacy;
mod validation;
