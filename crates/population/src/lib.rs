//! Population grids and district polygons in, [`neuvo_model::Demand`] out.
//!
//! This adapter reads population grids (GeoPackage, CSV, Parquet) and named boundaries (municipalities, major
//! districts), reprojects them to WGS84 (EPSG:3879, EPSG:3067 and EPSG:4326, see [`Crs`]), places every cell in
//! its district and municipality, cleans the data's quirks by the rules below and counts people per group
//! (`total`, `age75`, a weighted need index, …). A [`GridReport`] says what was read, estimated and dropped.
//!
//! **Design decision: polars is the table engine inside, and never shows outside.** Cleaning, masking estimates
//! and group arithmetic are column expressions over a few thousand cells, which polars does clearly and fast;
//! but polars is a large dependency, so no polars type appears in this crate's API and no other crate depends on
//! it (the rest of the workspace compiles without it). GeoPackages are read with plain SQLite and our own
//! geometry decoder ([`gpkg`]), so nothing needs GDAL.
//!
//! # Rules for the data's quirks
//!
//! None of these ever counts a marker as people.
//!
//! * **Masked cells.** HSY writes `99` in *every* age band of a cell with fewer than 100 inhabitants. A cell is
//!   masked when all the bands of the [`MaskRule`] hold the marker (a single band of 99 is a real count). It keeps
//!   its real total (`asukkaita`); each band is estimated as total × that band's share among the unmasked cells
//!   of the cell's major district, or of the whole grid when the cell has no district (or its district has no
//!   unmasked people). Estimated bands therefore add up to the total. Such cells have `estimated = true`. If the
//!   grid has no unmasked cell at all, estimated bands count 0.
//! * **No data.** A numeric value that is NULL, NaN, negative or ≥ 999 999 999 ([`NO_DATA_FROM`]; HSY's
//!   `asvaljyys = 999999999.0`) is no data. A group counts 0 for it; [`GridReport::no_data`] counts such cells per
//!   column.
//! * **Unlocated cells (the dummy cell).** When boundaries are given, a cell whose centroid lies in no polygon of
//!   any of them and farther than [`Boundaries::COAST_M`] (1 km) from every polygon is dropped as
//!   [`DropReason::Unlocated`]. HSY's cell `27699`, 30 427 people of unknown location placed in the sea, is such
//!   a cell; the HSY preset also lists it in its excluded ids so it is dropped without boundary files.
//! * **Coastal cells.** A centroid in no polygon but within 1 km of one (a shore cell whose centre is in the
//!   water) is given the nearest polygon's name, and counted in [`GridReport::coastal`].
//! * **Area filter.** `municipality` keeps cells whose municipality (as located above) has that name;
//!   `bbox` keeps cells whose centroid lies in it.
//! * Dropped cells are listed in [`GridReport::dropped`] with their reason and people.
//!
//! # Groups
//!
//! A group is a weighted sum of source columns and other groups. `total` is the total column. The HSY preset
//! ([`Preset::Hsy`]) adds groups from its ten-year age bands, **assuming people spread evenly over each band**:
//! `age65` = 0.5 × `ika60_69` + `ika70_79` + `ika_yli80`; `age75` = 0.5 × `ika70_79` + `ika_yli80`;
//! `age80` = `ika_yli80`; `children` (0–17) = `ika0_9` + 0.8 × `ika10_19`. Each [`neuvo_model::Group`]'s
//! `definition` states its formula and this assumption. Need indexes are defined in the spec
//! (`need = { age75 = 1.0, age65 = 0.5 }`).
//!
//! # Other rules
//!
//! * ETRS89, the datum of EPSG:3067 and EPSG:3879, is treated as WGS84: they differ by well under a metre in
//!   Finland, far less than a 250 m cell.
//! * A cell's location is the centroid of its polygon, computed in the file's own system; its outline is the
//!   polygon's exterior ring (of the largest part of a multipolygon). Cells from CSV or Parquet are points: with
//!   `cell_size_m` they get a square outline of that side around the point, else none.
//! * CSV errors name the line counting the header as line 1, assuming no quoted line breaks.
//! * Cells are sorted by id, numerically when every id is an integer; the same input gives the same output.
//!
//! # Example
//!
//! ```
//! use neuvo_population::{GridSpec, read_grid_csv};
//!
//! let csv = "id,lon,lat,pop,pop75\n1,24.80,60.20,120,15\n2,24.81,60.20,80,999999999\n";
//! let spec: GridSpec = toml::from_str(r#"
//!     total_column = "pop"
//!     groups = ["total", "pop75", "need"]
//!     define = { need = { total = 0.1, pop75 = 1.0 } }
//! "#).unwrap();
//! let (demand, report) = read_grid_csv(csv.as_bytes(), "grid.csv".as_ref(), &spec, None, None)?;
//! assert_eq!(demand.group_names(), ["total", "pop75", "need"]);
//! assert_eq!(demand.cells[0].values, [120.0, 15.0, 27.0]);
//! // 999999999 is no data: it counts 0 and is reported.
//! assert_eq!(demand.cells[1].values, [80.0, 0.0, 8.0]);
//! assert_eq!(report.no_data["pop75"], 1);
//! # Ok::<(), neuvo_population::Error>(())
//! ```
#![forbid(unsafe_code)]

mod boundaries;
mod crs;
mod error;
pub mod gpkg;
mod grid;
mod spec;
mod wkb;

pub use boundaries::{Boundaries, Placement};
pub use crs::{Crs, ToWgs84};
pub use error::{Error, Result, RowRef};
pub use grid::{DropReason, DroppedCell, GridReport, GroupTotal, NO_DATA_FROM, read_grid, read_grid_csv};
pub use spec::{GridFormat, GridSpec, MaskRule, Preset};
