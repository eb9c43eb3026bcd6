//! Reading the feed's files: a zip archive or a folder, CSV tables with columns found by header name, and the
//! GTFS value formats (times, dates, numbers), each failure naming file, line and field.

use std::collections::HashMap;
use std::fs::File;
use std::io::Read;
use std::path::{Path, PathBuf};

use chrono::NaiveDate;
use neuvo_transit::Secs;

use crate::error::GtfsError;

/// Where the feed's files are.
pub(crate) enum Source {
    /// A folder of .txt files.
    Dir(PathBuf),
    /// A zip archive: entry names by file name (entries may sit in a sub-folder of the archive).
    Zip { path: PathBuf, archive: zip::ZipArchive<File>, entries: HashMap<String, String> },
}

impl Source {
    /// Opens a zip file or a folder.
    pub(crate) fn open(path: &Path) -> Result<Source, GtfsError> {
        let io = |source| GtfsError::Io { path: path.to_path_buf(), source };
        let meta = std::fs::metadata(path).map_err(io)?;
        if meta.is_dir() {
            return Ok(Source::Dir(path.to_path_buf()));
        }
        let file = File::open(path).map_err(io)?;
        let zip_err =
            |e: zip::result::ZipError| GtfsError::Zip { path: path.to_path_buf(), message: e.to_string() };
        let archive = zip::ZipArchive::new(file).map_err(zip_err)?;
        let mut entries = HashMap::new();
        for name in archive.file_names() {
            let name = name.map_err(zip_err)?.into_owned();
            let base = name.rsplit('/').next().unwrap_or(&name).to_string();
            // A file at the archive's top wins over one of the same name in a sub-folder.
            if !name.contains('/') || !entries.contains_key(&base) {
                entries.insert(base, name);
            }
        }
        Ok(Source::Zip { path: path.to_path_buf(), archive, entries })
    }

    /// The bytes of `file`, or `None` when the feed does not have it.
    pub(crate) fn read(&mut self, file: &str) -> Result<Option<Vec<u8>>, GtfsError> {
        match self {
            Source::Dir(dir) => {
                let p = dir.join(file);
                if !p.is_file() {
                    return Ok(None);
                }
                std::fs::read(&p).map(Some).map_err(|source| GtfsError::Io { path: p, source })
            }
            Source::Zip { path, archive, entries } => {
                let Some(name) = entries.get(file) else { return Ok(None) };
                let zip_err = |message: String| GtfsError::Zip { path: path.clone(), message };
                let mut entry = archive.by_name(name).map_err(|e| zip_err(format!("{file}: {e}")))?;
                let mut bytes = Vec::new();
                entry.read_to_end(&mut bytes).map_err(|e| zip_err(format!("{file}: {e}")))?;
                Ok(Some(bytes))
            }
        }
    }
}

/// One CSV file of the feed, parsed into rows, with its columns found by header name.
pub(crate) struct Table {
    pub(crate) file: &'static str,
    columns: HashMap<String, usize>,
    reader: csv::Reader<std::io::Cursor<Vec<u8>>>,
}

impl Table {
    /// Parses the header of `bytes` (trimmed, without a UTF-8 byte-order mark).
    pub(crate) fn new(file: &'static str, bytes: Vec<u8>) -> Result<Table, GtfsError> {
        let mut reader = csv::ReaderBuilder::new()
            .trim(csv::Trim::All)
            .flexible(true)
            .from_reader(std::io::Cursor::new(bytes));
        let headers =
            reader.headers().map_err(|e| GtfsError::Csv { file, line: 1, message: e.to_string() })?.clone();
        let columns = headers
            .iter()
            .enumerate()
            .map(|(i, h)| (h.trim_start_matches('\u{feff}').trim().to_string(), i))
            .collect();
        Ok(Table { file, columns, reader })
    }

    /// The index of a required column.
    pub(crate) fn required(&self, field: &'static str) -> Result<Col, GtfsError> {
        match self.columns.get(field) {
            Some(&i) => Ok(Col { field, index: Some(i) }),
            None => Err(GtfsError::MissingColumn { file: self.file, field }),
        }
    }

    /// An optional column (reads as empty when absent).
    pub(crate) fn optional(&self, field: &'static str) -> Col {
        Col { field, index: self.columns.get(field).copied() }
    }

    /// Calls `f` on every row.
    pub(crate) fn for_each(
        &mut self,
        mut f: impl FnMut(&Row<'_>) -> Result<(), GtfsError>,
    ) -> Result<(), GtfsError> {
        let file = self.file;
        let mut record = csv::StringRecord::new();
        loop {
            let more = self.reader.read_record(&mut record).map_err(|e| GtfsError::Csv {
                file,
                line: e.position().map_or(0, csv::Position::line),
                message: e.to_string(),
            })?;
            if !more {
                return Ok(());
            }
            // Blank lines are skipped by the reader; a row of empty fields is skipped here.
            if record.iter().all(str::is_empty) {
                continue;
            }
            let line = record.position().map_or(0, csv::Position::line);
            f(&Row { file, line, record: &record })?;
        }
    }
}

/// A column of a [`Table`].
#[derive(Clone, Copy)]
pub(crate) struct Col {
    pub(crate) field: &'static str,
    index: Option<usize>,
}

/// One row of a [`Table`].
pub(crate) struct Row<'a> {
    pub(crate) file: &'static str,
    pub(crate) line: u64,
    record: &'a csv::StringRecord,
}

impl Row<'_> {
    /// The value in column `c` (empty when the column or the field is absent).
    pub(crate) fn get(&self, c: Col) -> &str {
        c.index.and_then(|i| self.record.get(i)).unwrap_or("")
    }

    /// An error about the value in column `c`.
    pub(crate) fn invalid(&self, c: Col, expected: impl Into<String>, fix: impl Into<String>) -> GtfsError {
        GtfsError::Invalid {
            file: self.file,
            line: self.line,
            field: c.field,
            value: self.get(c).to_string(),
            expected: expected.into(),
            fix: fix.into(),
        }
    }

    /// An error about an id in column `c` that names nothing.
    pub(crate) fn unknown(&self, c: Col, target: &'static str) -> GtfsError {
        GtfsError::UnknownId {
            file: self.file,
            line: self.line,
            field: c.field,
            value: self.get(c).to_string(),
            target,
        }
    }

    /// A non-empty value.
    pub(crate) fn id(&self, c: Col) -> Result<&str, GtfsError> {
        let v = self.get(c);
        if v.is_empty() {
            return Err(self.invalid(c, "an id", format!("every row of {} needs a {}", self.file, c.field)));
        }
        Ok(v)
    }

    /// A time `H:MM:SS` (hours may exceed 24), or `None` when empty.
    pub(crate) fn time(&self, c: Col) -> Result<Option<Secs>, GtfsError> {
        let v = self.get(c);
        if v.is_empty() {
            return Ok(None);
        }
        parse_time(v).map(Some).ok_or_else(|| {
            self.invalid(
                c,
                "a time H:MM:SS (hours may exceed 24, e.g. 26:31:00)",
                "write hours, minutes and seconds after the start of the service day, e.g. 08:05:00 or 26:31:00",
            )
        })
    }

    /// A required time.
    pub(crate) fn required_time(&self, c: Col) -> Result<Secs, GtfsError> {
        self.time(c)?.ok_or_else(|| {
            self.invalid(c, "a time H:MM:SS (hours may exceed 24, e.g. 26:31:00)", "fill in the time")
        })
    }

    /// A date `YYYYMMDD`.
    pub(crate) fn date(&self, c: Col) -> Result<NaiveDate, GtfsError> {
        parse_date(self.get(c))
            .ok_or_else(|| self.invalid(c, "a date YYYYMMDD", "write the date as e.g. 20220222"))
    }

    /// A non-negative integer.
    pub(crate) fn uint(&self, c: Col, what: &str) -> Result<u32, GtfsError> {
        self.get(c).parse().map_err(|_| self.invalid(c, what.to_string(), format!("write {what}")))
    }

    /// A decimal number, or `None` when empty.
    pub(crate) fn float(&self, c: Col) -> Result<Option<f64>, GtfsError> {
        let v = self.get(c);
        if v.is_empty() {
            return Ok(None);
        }
        match v.parse::<f64>() {
            Ok(x) if x.is_finite() => Ok(Some(x)),
            _ => Err(self.invalid(c, "a decimal number", "write degrees with a decimal point, e.g. 60.1699")),
        }
    }
}

/// Parses `H:MM:SS` (one or more hour digits, hours may exceed 24) into seconds.
pub(crate) fn parse_time(s: &str) -> Option<Secs> {
    let mut parts = s.split(':');
    let (h, m, sec) = (parts.next()?, parts.next()?, parts.next()?);
    if parts.next().is_some() || h.is_empty() || h.len() > 3 || m.len() != 2 || sec.len() != 2 {
        return None;
    }
    let digits = |x: &str| x.bytes().all(|b| b.is_ascii_digit());
    if !digits(h) || !digits(m) || !digits(sec) {
        return None;
    }
    let (h, m, sec): (Secs, Secs, Secs) = (h.parse().ok()?, m.parse().ok()?, sec.parse().ok()?);
    (m < 60 && sec < 60).then_some(h * 3600 + m * 60 + sec)
}

/// Parses `YYYYMMDD`.
pub(crate) fn parse_date(s: &str) -> Option<NaiveDate> {
    if s.len() != 8 || !s.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    NaiveDate::from_ymd_opt(s[..4].parse().ok()?, s[4..6].parse().ok()?, s[6..].parse().ok()?)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn times_past_midnight_parse() {
        assert_eq!(parse_time("26:31:00"), Some(26 * 3600 + 31 * 60));
        assert_eq!(parse_time("8:05:09"), Some(8 * 3600 + 5 * 60 + 9));
        assert_eq!(parse_time("00:00:00"), Some(0));
        for bad in ["", "8:5:00", "08:60:00", "08:00", "08:00:00:00", "-1:00:00", "ab:cd:ef", "8:00:0x"] {
            assert_eq!(parse_time(bad), None, "{bad}");
        }
    }

    #[test]
    fn dates_parse() {
        assert_eq!(parse_date("20220222"), NaiveDate::from_ymd_opt(2022, 2, 22));
        for bad in ["2022022", "20220230", "2022-02-22", "202202220"] {
            assert_eq!(parse_date(bad), None, "{bad}");
        }
    }
}
