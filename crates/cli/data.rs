//! The real-data manifest (`data/sources.toml`) and the code behind `neuvo data fetch` and
//! `neuvo data list`.
//!
//! # The manifest
//!
//! The open data files that neuvo is tested on are not committed. `data/sources.toml` lists them
//! instead, one `[[dataset]]` table per file: a stable `name`, the `file` path (relative both to a
//! mirror folder laid out like `shared/data` and to the git-ignored cache `data/cache/`), the
//! file's `sha256` and size in `bytes`, the original download `url`, its `licence`, the
//! `attribution` to show, and a one-line `description`. A file that is not byte-identical to what
//! its `url` serves (converted, filtered, unzipped or written by hand) also carries `derived`, a
//! sentence saying how it was made; such a file can only be copied from a mirror.
//! [`Manifest::load`] parses the manifest and checks it (unique names and files, well-formed
//! digests, relative paths without `..`).
//!
//! # The fetch guarantees
//!
//! [`fetch`] fills the cache either by copying from a local mirror (`--from DIR`) or by downloading
//! each `url` with the system `curl`. Whatever the source:
//!
//! - the bytes are first written to a temporary file next to the destination
//!   (`<file>.partial-<pid>`) and hashed;
//! - the temporary file is renamed into place only if its sha256 is the one in the manifest, so a
//!   file in the cache under its final name has always been verified;
//! - on every error path the temporary file is removed, so nothing half-written is left behind;
//! - a file already cached with the right digest is left alone, and one with a wrong digest is
//!   replaced (it stays as it was until a verified copy is ready);
//! - every requested dataset is tried, and all failures are reported together, one line each.

use std::collections::HashSet;
use std::fmt;
use std::fs::{self, File};
use std::io::{self, Read, Write};
use std::path::{Path, PathBuf};
use std::process::Command;

use anyhow::{Context, Result, anyhow, bail};
use serde::Deserialize;
use sha2::{Digest, Sha256};

/// The parsed `data/sources.toml`: every dataset neuvo knows about, in manifest order.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct Manifest {
    /// The `[[dataset]]` entries.
    #[serde(rename = "dataset", default)]
    pub(crate) datasets: Vec<Dataset>,
}

/// One `[[dataset]]` entry of the manifest: a single data file and where it comes from.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct Dataset {
    /// Short stable id, used to pick datasets on the command line.
    pub(crate) name: String,
    /// Path relative to the mirror root and to the cache, `/`-separated.
    pub(crate) file: String,
    /// Original download address; empty when there is none.
    pub(crate) url: String,
    /// Expected sha256 of the file, 64 lowercase hex digits.
    pub(crate) sha256: String,
    /// Expected size of the file in bytes.
    pub(crate) bytes: u64,
    /// How the file was made, when it is not byte-identical to what `url` serves.
    #[serde(default)]
    pub(crate) derived: Option<String>,
    /// Licence of the data (SPDX identifier).
    pub(crate) licence: String,
    /// Attribution line to show when the data is displayed or redistributed.
    pub(crate) attribution: String,
    /// One line: the area covered and the main caveat.
    pub(crate) description: String,
}

/// Loading and checking.
impl Manifest {
    /// Reads and checks the manifest at `path`.
    ///
    /// Errors name the file; TOML syntax errors also give the line and column, and validation
    /// errors list every problem found (duplicate names or files, malformed digests, paths that
    /// are absolute or contain `..`, empty required fields, unsupported URL schemes).
    pub(crate) fn load(path: &Path) -> Result<Manifest> {
        let text = fs::read_to_string(path)
            .with_context(|| format!("cannot read the dataset manifest {}", path.display()))?;
        let manifest: Manifest = toml::from_str(&text).map_err(|err| {
            let place = match err.span() {
                Some(span) => {
                    let (line, column) = line_and_column(&text, span.start);
                    format!("{}:{line}:{column}", path.display())
                }
                None => path.display().to_string(),
            };
            anyhow!("{place}: invalid dataset manifest: {}", err.message().trim())
        })?;
        manifest.validate().with_context(|| format!("invalid dataset manifest {}", path.display()))?;
        Ok(manifest)
    }

    /// Checks the entries for problems that TOML parsing cannot catch; lists all of them.
    fn validate(&self) -> Result<()> {
        let mut problems = Vec::new();
        if self.datasets.is_empty() {
            problems.push("it declares no [[dataset]] entries".to_owned());
        }
        let mut names = HashSet::new();
        let mut files = HashSet::new();
        for ds in &self.datasets {
            let who = format!("dataset `{}`", ds.name);
            if ds.name.is_empty()
                || !ds.name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
            {
                problems.push(format!(
                    "{who}: the name must be non-empty and use only letters, digits, `_` and `-`"
                ));
            }
            if !names.insert(ds.name.as_str()) {
                problems.push(format!("{who}: duplicate name"));
            }
            if !files.insert(ds.file.as_str()) {
                problems.push(format!("{who}: duplicate file `{}`", ds.file));
            }
            if let Err(why) = check_relative_path(&ds.file) {
                problems.push(format!("{who}: bad file `{}`: {why}", ds.file));
            }
            if !is_sha256_hex(&ds.sha256) {
                problems.push(format!("{who}: sha256 `{}` is not 64 lowercase hex digits", ds.sha256));
            }
            if !ds.url.is_empty()
                && (!["https://", "http://", "file://"].iter().any(|s| ds.url.starts_with(s))
                    || ds.url.chars().any(char::is_whitespace))
            {
                problems.push(format!(
                    "{who}: url `{}` must be empty or an https://, http:// or file:// address without spaces",
                    ds.url
                ));
            }
            if ds.derived.as_deref().is_some_and(|d| d.trim().is_empty()) {
                problems.push(format!("{who}: `derived` is present but empty"));
            }
            for (field, value) in
                [("licence", &ds.licence), ("attribution", &ds.attribution), ("description", &ds.description)]
            {
                if value.trim().is_empty() {
                    problems.push(format!("{who}: `{field}` is empty"));
                }
            }
        }
        if problems.is_empty() { Ok(()) } else { bail!("{}", problems.join("; ")) }
    }
}

/// What the cache holds for one dataset.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Status {
    /// The cached file exists and has the expected sha256.
    Present,
    /// There is no cached file.
    Missing,
    /// The cached file exists but its sha256 is wrong.
    Corrupt {
        /// The sha256 the cached file actually has.
        actual_sha256: String,
    },
}

/// Short form for `neuvo data list`: `present`, `missing` or `corrupt (sha256 …)`.
impl fmt::Display for Status {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Status::Present => f.write_str("present"),
            Status::Missing => f.write_str("missing"),
            Status::Corrupt { actual_sha256 } => write!(f, "corrupt (sha256 {actual_sha256})"),
        }
    }
}

/// The result of fetching one dataset.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct FetchOutcome {
    /// The dataset's name.
    pub(crate) name: String,
    /// What was done for it.
    pub(crate) action: FetchAction,
}

/// What [`fetch`] did for one dataset.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum FetchAction {
    /// The cache already held a verified copy; nothing was done.
    AlreadyPresent,
    /// A verified copy was taken from a local mirror.
    Copied {
        /// The mirror file that was copied.
        from: PathBuf,
    },
    /// A verified copy was downloaded.
    Downloaded {
        /// The address it was downloaded from.
        url: String,
    },
}

/// Short form for `neuvo data fetch` output, e.g. `copied from DIR/osm/x.osm.pbf`.
impl fmt::Display for FetchAction {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            FetchAction::AlreadyPresent => f.write_str("already present"),
            FetchAction::Copied { from } => write!(f, "copied from {}", from.display()),
            FetchAction::Downloaded { url } => write!(f, "downloaded from {url}"),
        }
    }
}

/// Where `ds` lives inside the cache folder `cache_dir`.
pub(crate) fn cache_path(cache_dir: &Path, ds: &Dataset) -> PathBuf {
    cache_dir.join(&ds.file)
}

/// Reports whether `ds` is present in `cache_dir` with the right digest (this hashes the file).
pub(crate) fn status(ds: &Dataset, cache_dir: &Path) -> Result<Status> {
    let path = cache_path(cache_dir, ds);
    match fs::metadata(&path) {
        Err(err) if err.kind() == io::ErrorKind::NotFound => return Ok(Status::Missing),
        Err(err) => {
            return Err(err)
                .with_context(|| format!("dataset `{}`: cannot inspect {}", ds.name, path.display()));
        }
        Ok(meta) if !meta.is_file() => {
            bail!("dataset `{}`: {} exists but is not a regular file", ds.name, path.display())
        }
        Ok(_) => {}
    }
    let (actual, _) = sha256_of_file(&path)
        .with_context(|| format!("dataset `{}`: cannot read {}", ds.name, path.display()))?;
    Ok(if actual == ds.sha256 { Status::Present } else { Status::Corrupt { actual_sha256: actual } })
}

/// Lists every dataset of `manifest` as `(name, file, status)`, for `neuvo data list`.
pub(crate) fn list(manifest: &Manifest, cache_dir: &Path) -> Result<Vec<(String, String, Status)>> {
    manifest
        .datasets
        .iter()
        .map(|ds| Ok((ds.name.clone(), ds.file.clone(), status(ds, cache_dir)?)))
        .collect()
}

/// Makes sure the cache holds a verified copy of each requested dataset.
///
/// `only` names the datasets to fetch; when it is empty, every dataset is fetched. With
/// `from: Some(dir)` each file is copied from `dir/<file>`; otherwise it is downloaded from its
/// `url` with `curl` (derived datasets and datasets without a url can only come from a mirror).
/// Every requested dataset is tried; if any failed, the error lists each failure on its own line
/// and says which datasets did succeed. Outcomes are in manifest order.
pub(crate) fn fetch(
    manifest: &Manifest,
    cache_dir: &Path,
    from: Option<&Path>,
    only: &[String],
) -> Result<Vec<FetchOutcome>> {
    let unknown: Vec<&str> = only
        .iter()
        .filter(|name| !manifest.datasets.iter().any(|ds| &ds.name == *name))
        .map(String::as_str)
        .collect();
    if !unknown.is_empty() {
        let known: Vec<&str> = manifest.datasets.iter().map(|ds| ds.name.as_str()).collect();
        bail!("unknown dataset name(s): {}; known datasets: {}", unknown.join(", "), known.join(", "));
    }
    let selected = manifest.datasets.iter().filter(|ds| only.is_empty() || only.contains(&ds.name));

    let mut outcomes = Vec::new();
    let mut failures = Vec::new();
    for ds in selected {
        match fetch_one(ds, cache_dir, from) {
            Ok(action) => outcomes.push(FetchOutcome { name: ds.name.clone(), action }),
            Err(err) => {
                tracing::info!("{}: {err:#}", ds.file);
                failures.push(format!("  - {}: {err:#}", ds.name));
            }
        }
    }
    if failures.is_empty() {
        return Ok(outcomes);
    }
    let done: Vec<&str> = outcomes.iter().map(|o| o.name.as_str()).collect();
    let done = if done.is_empty() { "none".to_owned() } else { done.join(", ") };
    bail!(
        "could not fetch {} of {} dataset(s):\n{}\nfetched or already present: {done}",
        failures.len(),
        failures.len() + outcomes.len(),
        failures.join("\n")
    )
}

/// Fetches one dataset into the cache, verifying it before it is renamed into place.
fn fetch_one(ds: &Dataset, cache_dir: &Path, from: Option<&Path>) -> Result<FetchAction> {
    match status(ds, cache_dir)? {
        Status::Present => {
            tracing::info!("{}: already present", ds.file);
            return Ok(FetchAction::AlreadyPresent);
        }
        Status::Corrupt { actual_sha256 } => {
            tracing::info!("{}: cached copy has sha256 {actual_sha256}, replacing it", ds.file);
        }
        Status::Missing => {}
    }

    // Refuse early, before touching the cache, when there is nothing to download.
    if from.is_none() {
        if let Some(how) = &ds.derived {
            bail!(
                "{} cannot be reproduced from its download address, because it is derived: {how} \
                 It must come from a mirror folder laid out like shared/data: use `--from DIR`",
                ds.file
            );
        }
        if ds.url.is_empty() {
            bail!(
                "{} has no download address; it must come from a mirror folder laid out like \
                 shared/data: use `--from DIR`",
                ds.file
            );
        }
    }

    let dest = cache_path(cache_dir, ds);
    let parent = dest.parent().unwrap_or(cache_dir);
    fs::create_dir_all(parent).with_context(|| format!("cannot create {}", parent.display()))?;
    let partial = Partial::new(&dest);

    let (action, source, (actual, size)) = match from {
        Some(dir) => {
            let src = dir.join(&ds.file);
            if !src.is_file() {
                bail!("{} is not in the mirror: looked for {}", ds.file, src.display());
            }
            let digest = copy_and_hash(&src, partial.path())
                .with_context(|| format!("cannot copy {} to {}", src.display(), partial.path().display()))?;
            let source = src.display().to_string();
            (FetchAction::Copied { from: src }, source, digest)
        }
        None => {
            download(&ds.url, partial.path())?;
            let digest = sha256_of_file(partial.path())
                .with_context(|| format!("cannot read the download {}", partial.path().display()))?;
            (FetchAction::Downloaded { url: ds.url.clone() }, ds.url.clone(), digest)
        }
    };

    if actual != ds.sha256 {
        bail!(
            "{} from {source} failed verification: expected {}, got {actual} ({size} bytes, \
             expected {}); nothing was written to the cache. The source differs from the pinned \
             data: check or refresh the mirror (or try another), or, if the data was deliberately \
             replaced, update sha256 and bytes in data/sources.toml",
            ds.file,
            ds.sha256,
            ds.bytes
        );
    }
    if size != ds.bytes {
        bail!(
            "{}: the sha256 matches but the size is {size} bytes, not the {} that data/sources.toml \
             says; fix `bytes` in the manifest",
            ds.file,
            ds.bytes
        );
    }
    partial.commit(&dest)?;
    match &action {
        FetchAction::Copied { .. } => tracing::info!("{}: copied from the mirror and verified", ds.file),
        FetchAction::Downloaded { .. } => tracing::info!("{}: downloaded and verified", ds.file),
        FetchAction::AlreadyPresent => {}
    }
    Ok(action)
}

/// A temporary file next to a cache destination; removed on drop unless committed.
struct Partial {
    /// Where the temporary file lives.
    path: PathBuf,
    /// Set once the file has been renamed into place.
    committed: bool,
}

/// Naming and committing.
impl Partial {
    /// Names the temporary file for `dest` (`<dest>.partial-<pid>`); does not create it.
    fn new(dest: &Path) -> Partial {
        let mut name = dest.as_os_str().to_owned();
        name.push(format!(".partial-{}", std::process::id()));
        Partial { path: PathBuf::from(name), committed: false }
    }

    /// The temporary file's path.
    fn path(&self) -> &Path {
        &self.path
    }

    /// Renames the (verified) temporary file to `dest`, replacing whatever is there.
    fn commit(mut self, dest: &Path) -> Result<()> {
        fs::rename(&self.path, dest)
            .with_context(|| format!("cannot move {} to {}", self.path.display(), dest.display()))?;
        self.committed = true;
        Ok(())
    }
}

/// Removes the temporary file unless it was committed, so no error path leaves it behind.
impl Drop for Partial {
    fn drop(&mut self) {
        if !self.committed {
            match fs::remove_file(&self.path) {
                Err(err) if err.kind() != io::ErrorKind::NotFound => {
                    tracing::warn!("cannot remove the temporary file {}: {err}", self.path.display());
                }
                _ => {}
            }
        }
    }
}

/// Downloads `url` to `dest` with the system `curl`.
fn download(url: &str, dest: &Path) -> Result<()> {
    let hint = "get the data from a local mirror instead with `neuvo data fetch --from DIR`";
    let output = Command::new("curl")
        .args(["-fsSL", "--retry", "2", "-o"])
        .arg(dest)
        .arg(url)
        .output()
        .map_err(|err| anyhow!("cannot run `curl` to download {url}: {err}; {hint}"))?;
    if !output.status.success() {
        // With --retry, curl repeats its message once per attempt: keep each distinct line once.
        let stderr = String::from_utf8_lossy(&output.stderr);
        let mut lines: Vec<&str> = Vec::new();
        for line in stderr.lines().map(str::trim).filter(|l| !l.is_empty()) {
            if !lines.contains(&line) {
                lines.push(line);
            }
        }
        let stderr = if lines.is_empty() { "no message".to_owned() } else { lines.join(" / ") };
        let code = match output.status.code() {
            Some(code) => format!("exit status {code}"),
            None => "no exit status (killed by a signal)".to_owned(),
        };
        bail!("`curl` could not download {url} ({code}): {stderr}; {hint}");
    }
    Ok(())
}

/// Copies `src` to a new file `dest`, hashing on the way; returns the sha256 (hex) and the size.
fn copy_and_hash(src: &Path, dest: &Path) -> io::Result<(String, u64)> {
    let mut output = File::create(dest)?;
    let digest = hash_stream(File::open(src)?, Some(&mut output))?;
    output.sync_all()?;
    Ok(digest)
}

/// The sha256 (hex) and size of the file at `path`.
fn sha256_of_file(path: &Path) -> io::Result<(String, u64)> {
    hash_stream(File::open(path)?, None)
}

/// Reads `input` to the end, hashing it and, if given, writing it to `sink`; returns the sha256
/// (hex) and the number of bytes read.
fn hash_stream(mut input: impl Read, mut sink: Option<&mut File>) -> io::Result<(String, u64)> {
    let mut hasher = Sha256::new();
    let mut buf = vec![0; 64 * 1024];
    let mut size = 0u64;
    loop {
        let n = match input.read(&mut buf) {
            Ok(0) => break,
            Ok(n) => n,
            Err(err) if err.kind() == io::ErrorKind::Interrupted => continue,
            Err(err) => return Err(err),
        };
        hasher.update(&buf[..n]);
        if let Some(sink) = sink.as_mut() {
            sink.write_all(&buf[..n])?;
        }
        size += n as u64;
    }
    Ok((to_hex(&hasher.finalize()), size))
}

/// Formats bytes as lowercase hex.
fn to_hex(bytes: &[u8]) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut out = String::with_capacity(bytes.len() * 2);
    for &b in bytes {
        out.push(DIGITS[usize::from(b >> 4)] as char);
        out.push(DIGITS[usize::from(b & 0x0f)] as char);
    }
    out
}

/// Whether `s` is a sha256 digest written as 64 lowercase hex digits.
fn is_sha256_hex(s: &str) -> bool {
    s.len() == 64 && s.bytes().all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
}

/// Checks that a manifest `file` is a plain relative path that stays inside its root: `/`-separated
/// segments, none of them empty, `.` or `..`.
fn check_relative_path(file: &str) -> std::result::Result<(), &'static str> {
    if file.is_empty() {
        return Err("the path is empty");
    }
    if file.starts_with('/') || file.contains(':') {
        return Err("the path must be relative");
    }
    if file.contains('\\') {
        return Err("use `/` as the separator");
    }
    for segment in file.split('/') {
        match segment {
            ".." => return Err("the path must not contain `..`"),
            "." => return Err("the path must not contain `.` segments"),
            "" => return Err("the path must not contain empty segments or end with `/`"),
            _ => {}
        }
    }
    Ok(())
}

/// 1-based line and column of byte `offset` in `text`.
fn line_and_column(text: &str, offset: usize) -> (usize, usize) {
    let before = text.get(..offset).unwrap_or(text);
    let line = before.matches('\n').count() + 1;
    let column = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
    (line, column)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A temporary mirror and cache, and a manifest builder over files written to the mirror.
    struct Fixture {
        /// Holds the temporary folders alive.
        _root: tempfile::TempDir,
        /// The mirror folder.
        mirror: PathBuf,
        /// The cache folder.
        cache: PathBuf,
    }

    /// Set-up helpers.
    impl Fixture {
        /// Creates an empty mirror folder; the cache folder does not exist yet.
        fn new() -> Fixture {
            let root = tempfile::tempdir().unwrap();
            let mirror = root.path().join("mirror");
            let cache = root.path().join("cache");
            fs::create_dir_all(&mirror).unwrap();
            Fixture { _root: root, mirror, cache }
        }

        /// Writes `content` to `mirror/<file>` and returns a matching dataset entry.
        fn add(&self, name: &str, file: &str, content: &[u8]) -> Dataset {
            let path = self.mirror.join(file);
            fs::create_dir_all(path.parent().unwrap()).unwrap();
            fs::write(&path, content).unwrap();
            Dataset {
                name: name.to_owned(),
                file: file.to_owned(),
                url: String::new(),
                sha256: to_hex(&Sha256::digest(content)),
                bytes: content.len() as u64,
                derived: None,
                licence: "CC-BY-4.0".to_owned(),
                attribution: "test".to_owned(),
                description: "test data".to_owned(),
            }
        }

        /// Every file under the cache folder (empty if the folder does not exist).
        fn cache_files(&self) -> Vec<PathBuf> {
            /// Collects the files under `dir`, recursively.
            fn walk(dir: &Path, out: &mut Vec<PathBuf>) {
                let Ok(entries) = fs::read_dir(dir) else { return };
                for entry in entries {
                    let path = entry.unwrap().path();
                    if path.is_dir() { walk(&path, out) } else { out.push(path) }
                }
            }
            let mut out = Vec::new();
            walk(&self.cache, &mut out);
            out.sort();
            out
        }
    }

    /// A manifest over `datasets`, which must pass validation.
    fn manifest(datasets: Vec<Dataset>) -> Manifest {
        let manifest = Manifest { datasets };
        manifest.validate().unwrap();
        manifest
    }

    /// Owned copies of `list`, as `fetch` takes them.
    fn names(list: &[&str]) -> Vec<String> {
        list.iter().map(|s| (*s).to_owned()).collect()
    }

    /// A mirror copy is verified and cached; a second fetch leaves it alone.
    #[test]
    fn fetch_copies_verifies_and_then_reports_already_present() {
        let fx = Fixture::new();
        let a = fx.add("a", "osm/a.osm.pbf", b"first file");
        let b = fx.add("b", "b.csv", b"second file");
        let m = manifest(vec![a.clone(), b]);

        let outcomes = fetch(&m, &fx.cache, Some(&fx.mirror), &[]).unwrap();
        assert_eq!(outcomes.len(), 2);
        assert_eq!(
            outcomes[0],
            FetchOutcome {
                name: "a".into(),
                action: FetchAction::Copied { from: fx.mirror.join("osm/a.osm.pbf") }
            }
        );
        assert_eq!(fs::read(cache_path(&fx.cache, &a)).unwrap(), b"first file");
        assert_eq!(status(&a, &fx.cache).unwrap(), Status::Present);
        assert_eq!(fx.cache_files().len(), 2, "no partial files: {:?}", fx.cache_files());

        let again = fetch(&m, &fx.cache, Some(&fx.mirror), &names(&["b"])).unwrap();
        assert_eq!(again, vec![FetchOutcome { name: "b".into(), action: FetchAction::AlreadyPresent }]);
        let listed = list(&m, &fx.cache).unwrap();
        assert_eq!(listed[0], ("a".into(), "osm/a.osm.pbf".into(), Status::Present));
    }

    /// A mirror file whose digest is wrong is refused, with both digests, and nothing is cached.
    #[test]
    fn tampered_mirror_file_is_rejected_and_leaves_nothing() {
        let fx = Fixture::new();
        let ds = fx.add("t", "osm/t.osm.pbf", b"original bytes");
        let expected = ds.sha256.clone();
        fs::write(fx.mirror.join("osm/t.osm.pbf"), b"tampered bytes").unwrap();
        let actual = to_hex(&Sha256::digest(b"tampered bytes"));

        let err = fetch(&manifest(vec![ds.clone()]), &fx.cache, Some(&fx.mirror), &[]).unwrap_err();
        let msg = format!("{err:#}");
        assert!(msg.contains(&format!("expected {expected}, got {actual}")), "{msg}");
        assert!(msg.contains("osm/t.osm.pbf") && msg.contains("- t:"), "{msg}");
        assert!(fx.cache_files().is_empty(), "left behind: {:?}", fx.cache_files());
        assert_eq!(status(&ds, &fx.cache).unwrap(), Status::Missing);
    }

    /// `status` spots a cached file with the wrong digest, and `fetch` replaces it.
    #[test]
    fn corrupt_cached_file_is_detected_and_replaced() {
        let fx = Fixture::new();
        let ds = fx.add("c", "c.bin", b"good content");
        let dest = cache_path(&fx.cache, &ds);
        fs::create_dir_all(dest.parent().unwrap()).unwrap();
        fs::write(&dest, b"bad content").unwrap();
        let bad = to_hex(&Sha256::digest(b"bad content"));
        assert_eq!(status(&ds, &fx.cache).unwrap(), Status::Corrupt { actual_sha256: bad });

        let outcomes = fetch(&manifest(vec![ds.clone()]), &fx.cache, Some(&fx.mirror), &[]).unwrap();
        assert!(matches!(outcomes[0].action, FetchAction::Copied { .. }));
        assert_eq!(status(&ds, &fx.cache).unwrap(), Status::Present);
        assert_eq!(fs::read(&dest).unwrap(), b"good content");
    }

    /// Without `--from`, derived datasets and datasets without a url are refused with a hint.
    #[test]
    fn derived_or_urlless_dataset_needs_a_mirror() {
        let fx = Fixture::new();
        let mut ds = fx.add("d", "d.osm.pbf", b"converted");
        ds.url = "https://example.org/d.osm".to_owned();
        ds.derived = Some("osmium sort of the OSM XML at url, converted to PBF.".to_owned());
        let no_url = fx.add("n", "n.csv", b"hand written");
        let m = manifest(vec![ds, no_url]);

        let msg = format!("{:#}", fetch(&m, &fx.cache, None, &[]).unwrap_err());
        assert!(msg.contains("cannot be reproduced from its download address"), "{msg}");
        assert!(msg.contains("osmium sort of the OSM XML at url"), "{msg}");
        assert!(msg.contains("- n: n.csv has no download address"), "{msg}");
        assert_eq!(msg.matches("--from DIR").count(), 2, "{msg}");
        assert!(fx.cache_files().is_empty());

        // The same datasets come fine from a mirror.
        assert_eq!(fetch(&m, &fx.cache, Some(&fx.mirror), &[]).unwrap().len(), 2);
    }

    /// All datasets are tried; every failure gets its own line and the good ones are cached.
    #[test]
    fn every_failure_is_reported_and_the_rest_is_fetched() {
        let fx = Fixture::new();
        let good = fx.add("good", "good.txt", b"fine");
        let bad = fx.add("bad", "sub/bad.txt", b"expected");
        fs::write(fx.mirror.join("sub/bad.txt"), b"changed").unwrap();
        let mut gone = fx.add("gone", "gone.txt", b"x");
        gone.file = "elsewhere/gone.txt".to_owned();
        let m = manifest(vec![bad, good.clone(), gone]);

        let msg = format!("{:#}", fetch(&m, &fx.cache, Some(&fx.mirror), &[]).unwrap_err());
        assert!(msg.contains("could not fetch 2 of 3 dataset(s)"), "{msg}");
        assert!(msg.contains("\n  - bad: sub/bad.txt from"), "{msg}");
        let looked = fx.mirror.join("elsewhere/gone.txt");
        assert!(
            msg.contains(&format!(
                "\n  - gone: elsewhere/gone.txt is not in the mirror: looked for {}",
                looked.display()
            )),
            "{msg}"
        );
        assert!(msg.contains("fetched or already present: good"), "{msg}");
        assert_eq!(fx.cache_files(), vec![cache_path(&fx.cache, &good)]);
    }

    /// Asking for an unknown dataset lists the known names and fetches nothing.
    #[test]
    fn unknown_names_are_rejected_with_the_known_ones() {
        let fx = Fixture::new();
        let m = manifest(vec![fx.add("alpha", "a", b"1"), fx.add("beta", "b", b"2")]);
        let msg =
            format!("{:#}", fetch(&m, &fx.cache, Some(&fx.mirror), &names(&["beta", "gamma"])).unwrap_err());
        assert!(msg.contains("unknown dataset name(s): gamma; known datasets: alpha, beta"), "{msg}");
        assert!(fx.cache_files().is_empty());
    }

    /// Downloading goes through `curl` (here from a `file://` url) and is verified.
    #[test]
    fn download_uses_curl_and_verifies() {
        let fx = Fixture::new();
        let mut ds = fx.add("web", "web.bin", b"served bytes");
        let url = format!("file://{}", fx.mirror.join("web.bin").display());
        ds.url.clone_from(&url);
        let curl_available = Command::new("curl").arg("--version").output().is_ok();
        match fetch(&manifest(vec![ds.clone()]), &fx.cache, None, &[]) {
            Ok(outcomes) => {
                assert!(curl_available);
                assert_eq!(outcomes[0].action, FetchAction::Downloaded { url });
                assert_eq!(status(&ds, &fx.cache).unwrap(), Status::Present);
            }
            Err(err) => {
                assert!(!curl_available, "curl is installed but the download failed: {err:#}");
                assert!(format!("{err:#}").contains("cannot run `curl`"));
            }
        }
    }

    /// A failed or wrong download names the dataset and url, suggests `--from`, and leaves nothing.
    #[test]
    fn failed_download_names_dataset_url_and_mirror_option() {
        let fx = Fixture::new();
        let mut ds = fx.add("web", "web.bin", b"served bytes");
        ds.url = format!("file://{}", fx.mirror.join("does-not-exist.bin").display());
        let msg = format!("{:#}", fetch(&manifest(vec![ds.clone()]), &fx.cache, None, &[]).unwrap_err());
        assert!(msg.contains("- web:") && msg.contains(&ds.url), "{msg}");
        assert!(msg.contains("exit status") || msg.contains("cannot run `curl`"), "{msg}");
        assert!(msg.contains("--from DIR"), "{msg}");
        assert!(fx.cache_files().is_empty(), "left behind: {:?}", fx.cache_files());

        // A download that succeeds but has the wrong digest is not kept either.
        fs::write(fx.mirror.join("does-not-exist.bin"), b"other bytes").unwrap();
        if Command::new("curl").arg("--version").output().is_ok() {
            let msg = format!("{:#}", fetch(&manifest(vec![ds]), &fx.cache, None, &[]).unwrap_err());
            assert!(msg.contains("failed verification: expected"), "{msg}");
            assert!(fx.cache_files().is_empty(), "left behind: {:?}", fx.cache_files());
        }
    }

    /// The text of a valid one-entry manifest (the `bytes` line is `bytes = 3`).
    fn manifest_text(name: &str, file: &str, sha: &str) -> String {
        format!(
            "[[dataset]]\nname = \"{name}\"\nfile = \"{file}\"\nsha256 = \"{sha}\"\nbytes = 3\nurl = \"\"\n\
             licence = \"CC-BY-4.0\"\nattribution = \"x\"\ndescription = \"y\"\n"
        )
    }

    /// Writes `text` to a temporary `sources.toml` and loads it; the error is flattened to one string.
    fn load_text(text: &str) -> Result<Manifest> {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("sources.toml");
        fs::write(&path, text).unwrap();
        Manifest::load(&path).map_err(|err| anyhow!("{err:#}"))
    }

    /// Validation names each kind of manifest problem.
    #[test]
    fn manifest_problems_are_named() {
        let sha = "0".repeat(64);
        let one = manifest_text("a", "x/a.csv", &sha);
        let loaded = load_text(&one).unwrap();
        assert_eq!(loaded.datasets[0].file, "x/a.csv");
        assert_eq!(loaded.datasets[0].derived, None);

        let msg =
            load_text(&format!("{one}\n{}", manifest_text("a", "x/b.csv", &sha))).unwrap_err().to_string();
        assert!(msg.contains("sources.toml") && msg.contains("dataset `a`: duplicate name"), "{msg}");

        let msg =
            load_text(&format!("{one}\n{}", manifest_text("b", "x/a.csv", &sha))).unwrap_err().to_string();
        assert!(msg.contains("dataset `b`: duplicate file `x/a.csv`"), "{msg}");

        let msg = load_text(&manifest_text("a", "a.csv", &"A".repeat(64))).unwrap_err().to_string();
        assert!(msg.contains("is not 64 lowercase hex digits"), "{msg}");
        let msg = load_text(&manifest_text("a", "a.csv", "abc")).unwrap_err().to_string();
        assert!(msg.contains("sha256 `abc`"), "{msg}");

        let msg = load_text(&manifest_text("a", "osm/../../etc/passwd", &sha)).unwrap_err().to_string();
        assert!(msg.contains("must not contain `..`"), "{msg}");
        let msg = load_text(&manifest_text("a", "/etc/passwd", &sha)).unwrap_err().to_string();
        assert!(msg.contains("must be relative"), "{msg}");

        let msg =
            load_text(&one.replace("bytes = 3", "bytes = 3\nderivd = \"typo\"")).unwrap_err().to_string();
        assert!(msg.contains("sources.toml:") && msg.contains("derivd"), "{msg}");

        let msg = load_text("").unwrap_err().to_string();
        assert!(msg.contains("no [[dataset]] entries"), "{msg}");
    }

    /// A TOML syntax error is reported as `file:line:column`.
    #[test]
    fn toml_syntax_error_gives_file_line_and_column() {
        let broken = manifest_text("a", "a.csv", &"0".repeat(64)).replace("bytes = 3", "bytes = = 3");
        let msg = load_text(&broken).unwrap_err().to_string();
        assert!(msg.contains("sources.toml:5:"), "{msg}");
        assert!(msg.contains("invalid dataset manifest"), "{msg}");
    }

    /// The small helpers: hex formatting, line/column and path checks.
    #[test]
    fn hex_and_positions() {
        assert_eq!(to_hex(&[0x00, 0x9f, 0xff]), "009fff");
        assert_eq!(
            to_hex(&Sha256::digest(b"")),
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
        );
        assert_eq!(line_and_column("ab\ncd", 4), (2, 2));
        assert!(check_relative_path("a/./b").is_err());
        assert!(check_relative_path("a\\b").is_err());
        assert!(check_relative_path("a//b").is_err());
        assert!(check_relative_path("a/").is_err());
        assert!(check_relative_path("C:/a").is_err());
        assert!(check_relative_path("a/b.csv").is_ok());
    }

    /// Checks the real manifest against the real data mirror: every entry must copy and verify.
    #[test]
    fn real_manifest_matches_the_shared_data_mirror() {
        let root = Path::new(env!("CARGO_MANIFEST_DIR"));
        let manifest = Manifest::load(&root.join("data/sources.toml")).unwrap();
        let mirror = root.join("../shared/data");
        assert!(
            mirror.is_dir(),
            "the real-data mirror {} is missing. This test checks data/sources.toml against the \
             project's real open data, which CI keeps in shared/data beside the repository (see \
             shared/data/README.md); copy or link that folder to this path and run the test again",
            mirror.display()
        );

        // Every data file of the mirror is in the manifest, and nothing else is.
        let mut on_disk = Vec::new();
        let mut stack = vec![mirror.clone()];
        while let Some(dir) = stack.pop() {
            for entry in fs::read_dir(&dir).unwrap() {
                let path = entry.unwrap().path();
                if path.is_dir() {
                    stack.push(path);
                } else if path.file_name().is_some_and(|n| n != "README.md") {
                    let rel = path.strip_prefix(&mirror).unwrap();
                    on_disk.push(rel.to_str().unwrap().replace('\\', "/"));
                }
            }
        }
        on_disk.sort();
        let mut listed: Vec<String> = manifest.datasets.iter().map(|ds| ds.file.clone()).collect();
        listed.sort();
        assert_eq!(listed, on_disk, "data/sources.toml and {} list different files", mirror.display());

        for ds in &manifest.datasets {
            if ds.derived.is_none() {
                assert!(ds.url.starts_with("https://"), "{}: an unchanged file needs its url", ds.name);
            }
        }

        let cache = tempfile::tempdir().unwrap();
        let outcomes = fetch(&manifest, cache.path(), Some(&mirror), &[])
            .unwrap_or_else(|err| panic!("data/sources.toml does not match {}: {err:#}", mirror.display()));
        assert_eq!(outcomes.len(), manifest.datasets.len());
        assert!(outcomes.iter().all(|o| matches!(o.action, FetchAction::Copied { .. })));
        for (name, file, status) in list(&manifest, cache.path()).unwrap() {
            assert_eq!(status, Status::Present, "{name} ({file})");
        }
    }
}
