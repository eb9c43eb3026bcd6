//! Why a feed could not be read or a day's timetable built. Every error about a row names the file, the line
//! (1-based, the header is line 1), the field, what was expected and what to do.

use std::path::PathBuf;

use chrono::NaiveDate;
use neuvo_transit::TimetableError;

/// Why a GTFS feed could not be read, or a timetable built from it.
#[derive(Debug, thiserror::Error)]
pub enum GtfsError {
    /// The feed's path could not be opened or one of its files could not be read.
    #[error("cannot read the GTFS feed {}: {source}; check that the path names a GTFS zip file or folder", path.display())]
    Io {
        /// The zip file, folder or file inside a folder.
        path: PathBuf,
        /// The underlying error.
        source: std::io::Error,
    },
    /// The path is a file but not a zip archive that can be read.
    #[error("cannot read {} as a zip archive: {message}; a GTFS feed is a zip of .txt files (or a folder of them)", path.display())]
    Zip {
        /// The file.
        path: PathBuf,
        /// What the zip reader said.
        message: String,
    },
    /// A file the feed must have is absent.
    #[error(
        "the feed {feed} has no {file}: GTFS requires it; add it to the feed (or check that this is a GTFS feed)"
    )]
    MissingFile {
        /// The feed's file or folder name.
        feed: String,
        /// The missing file (or "calendar.txt or calendar_dates.txt").
        file: &'static str,
    },
    /// A required column is absent from a file's header.
    #[error("{file} line 1: no column {field}; GTFS requires it, add it to the header")]
    MissingColumn {
        /// The file.
        file: &'static str,
        /// The missing column.
        field: &'static str,
    },
    /// A row is not valid CSV (or not UTF-8).
    #[error(
        "{file} line {line}: {message}; check that the file is UTF-8 CSV with a quote around fields holding commas"
    )]
    Csv {
        /// The file.
        file: &'static str,
        /// The line (1-based; the header is line 1).
        line: u64,
        /// What the CSV reader said.
        message: String,
    },
    /// A value does not parse or is not allowed.
    #[error("{file} line {line}, field {field}: {value:?} is not {expected}; {fix}")]
    Invalid {
        /// The file.
        file: &'static str,
        /// The line (1-based; the header is line 1).
        line: u64,
        /// The column.
        field: &'static str,
        /// The value as written.
        value: String,
        /// What was expected.
        expected: String,
        /// What to do.
        fix: String,
    },
    /// An id names nothing in the file it refers to.
    #[error("{file} line {line}, field {field}: {value:?} names no {target}; add it there or correct the id")]
    UnknownId {
        /// The file.
        file: &'static str,
        /// The line (1-based; the header is line 1).
        line: u64,
        /// The column.
        field: &'static str,
        /// The id as written.
        value: String,
        /// What it should name, e.g. "stop in stops.txt".
        target: &'static str,
    },
    /// A trip's stop_times are not in order: a repeated `stop_sequence` or a time earlier than the one before.
    #[error(
        "{file} line {line}, field {field}: trip {trip:?} {problem}; fix the times or the stop_sequence of that trip"
    )]
    OutOfOrder {
        /// The file (stop_times.txt).
        file: &'static str,
        /// The line of the offending row (1-based; the header is line 1).
        line: u64,
        /// The column.
        field: &'static str,
        /// The trip.
        trip: String,
        /// What is wrong, e.g. "arrives at 8:04:00, before it left the previous stop at 8:05:00".
        problem: String,
    },
    /// No trip of the feed runs on the date asked for.
    #[error("no service runs on {date}: {available}; pick one of the feed's service dates")]
    NoService {
        /// The date asked for.
        date: NaiveDate,
        /// The feed's service dates, e.g. "the feed runs on 2022-02-22 only".
        available: String,
    },
    /// The timetable builder rejected the trips (a bug: the reader checks what the builder checks).
    #[error("cannot build the timetable: {0}")]
    Timetable(#[from] TimetableError),
}

impl GtfsError {
    /// The file the error is about, if it is about one.
    pub fn file(&self) -> Option<&str> {
        match self {
            GtfsError::MissingFile { file, .. }
            | GtfsError::MissingColumn { file, .. }
            | GtfsError::Csv { file, .. }
            | GtfsError::Invalid { file, .. }
            | GtfsError::UnknownId { file, .. }
            | GtfsError::OutOfOrder { file, .. } => Some(file),
            _ => None,
        }
    }

    /// The line (1-based, the header is line 1) the error is about, if any.
    pub fn line(&self) -> Option<u64> {
        match self {
            GtfsError::MissingColumn { .. } => Some(1),
            GtfsError::Csv { line, .. }
            | GtfsError::Invalid { line, .. }
            | GtfsError::UnknownId { line, .. }
            | GtfsError::OutOfOrder { line, .. } => Some(*line),
            _ => None,
        }
    }

    /// The field (column) the error is about, if any.
    pub fn field(&self) -> Option<&str> {
        match self {
            GtfsError::MissingColumn { field, .. }
            | GtfsError::Invalid { field, .. }
            | GtfsError::UnknownId { field, .. }
            | GtfsError::OutOfOrder { field, .. } => Some(field),
            _ => None,
        }
    }
}
