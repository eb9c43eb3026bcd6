//! Errors of the OSM reader.

use std::path::PathBuf;

/// Why a profile could not be used.
#[derive(Debug, thiserror::Error)]
pub enum ProfileError {
    /// The profile file could not be read.
    #[error("cannot read profile {path}: {source}")]
    Io {
        /// The file.
        path: PathBuf,
        /// The underlying error.
        source: std::io::Error,
    },
    /// The profile is not valid TOML or breaks a rule; the message names the field.
    #[error("profile {origin}: {message}")]
    Invalid {
        /// File or built-in name.
        origin: String,
        /// What is wrong.
        message: String,
    },
}

/// Why an OSM file could not be turned into a network or a venue list.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The file could not be opened or read.
    #[error("cannot read {path}: {source}")]
    Io {
        /// The file.
        path: PathBuf,
        /// The underlying error.
        source: std::io::Error,
    },
    /// The file is empty.
    #[error("{path} is empty: expected an OpenStreetMap PBF file (.osm.pbf)")]
    Empty {
        /// The file.
        path: PathBuf,
    },
    /// The file is not a PBF file, or is truncated or corrupt at the given blob.
    #[error(
        "{path}: not a valid OpenStreetMap PBF file at blob {blob} (byte offset {offset}): {message}. Is the file \
         truncated or in another format (OSM XML must be converted, e.g. with `osmium cat in.osm -o out.osm.pbf`)?"
    )]
    Pbf {
        /// The file.
        path: PathBuf,
        /// Index of the blob that failed (0 = header).
        blob: usize,
        /// Byte offset of that blob, when known.
        offset: u64,
        /// What the decoder said.
        message: String,
    },
    /// The file has no ways that the profile may use.
    #[error(
        "{path}: no way is usable by profile {profile} ({ways} ways read, {highways} with a highway tag); \
         is this the right file and mode?"
    )]
    NoRoutableWays {
        /// The file.
        path: PathBuf,
        /// The profile's name.
        profile: String,
        /// Ways in the file.
        ways: u64,
        /// Ways with a highway tag.
        highways: u64,
    },
    /// A profile problem.
    #[error(transparent)]
    Profile(#[from] ProfileError),
}
