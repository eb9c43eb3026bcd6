//! Loading networks for the commands: from the cache when the same file and profile were built before,
//! otherwise by reading the OSM file and contracting it (then saving it to the cache).

use std::fs::File;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::time::Instant;

use anyhow::{Context, Result};
use neuvo_model::Mode;
use neuvo_network::{Network, NetworkMeta, SnapParams, SnapParamsMeta};
use neuvo_osm::Profile;
use sha2::{Digest, Sha256};

use crate::progress::{Bar, spinner};

/// The sample OSM file, relative to the data folder.
pub(crate) const SAMPLE_OSM: &str = "cache/osm/helsinki_centre_2024.osm.pbf";

/// Which network to use: an OSM file and a mode or profile.
#[derive(Debug, Clone, clap::Args)]
pub(crate) struct NetworkArgs {
    /// OSM PBF file [default: the sample central-Helsinki file in DATA_DIR/cache/osm].
    #[arg(long)]
    pub(crate) osm: Option<PathBuf>,
    /// Travel mode; picks the built-in profile data/profiles/MODE.toml.
    #[arg(long, default_value = "walk")]
    pub(crate) mode: Mode,
    /// A profile file instead of the mode's built-in one (e.g. data/profiles/walk75.toml).
    #[arg(long)]
    pub(crate) profile: Option<PathBuf>,
    /// Override the profile's speed_kmh (e.g. 4.26 for people aged 75 and over walking).
    #[arg(long)]
    pub(crate) speed_kmh: Option<f64>,
    /// Farthest a point may lie from the network, in metres [default: the profile's max_snap_m].
    #[arg(long)]
    pub(crate) max_snap_m: Option<f64>,
    /// Do not read or write the network cache.
    #[arg(long)]
    pub(crate) no_cache: bool,
}

impl NetworkArgs {
    /// The built-in profile of `mode` over `osm` (the sample file when `None`), no overrides.
    pub(crate) fn of(osm: Option<PathBuf>, mode: Mode, no_cache: bool) -> Self {
        Self { osm, mode, profile: None, speed_kmh: None, max_snap_m: None, no_cache }
    }
}

/// A loaded network and how it was obtained.
pub(crate) struct Loaded {
    pub(crate) net: Network,
    pub(crate) from_cache: bool,
    pub(crate) cache_file: Option<PathBuf>,
    pub(crate) parse_s: f64,
    pub(crate) contract_s: f64,
}

pub(crate) fn profile(args: &NetworkArgs) -> Result<Profile> {
    let mut p = match &args.profile {
        Some(path) => Profile::load(path)?,
        None => Profile::for_mode(args.mode),
    };
    if let Some(s) = args.speed_kmh {
        anyhow::ensure!(s.is_finite() && s > 0.0, "--speed-kmh must be a positive number, found {s}");
        p.speed_kmh = s;
        p.name = format!("{}@{s}kmh", p.name);
    }
    Ok(p)
}

pub(crate) fn osm_path(data_dir: &Path, args: &NetworkArgs) -> Result<PathBuf> {
    let p = args.osm.clone().unwrap_or_else(|| data_dir.join(SAMPLE_OSM));
    if !p.exists() {
        if args.osm.is_none() {
            anyhow::bail!(
                "the sample data {} is missing: run `neuvo data fetch` (or `neuvo data fetch --from ../shared/data`)",
                p.display()
            );
        }
        anyhow::bail!("OSM file {} not found", p.display());
    }
    Ok(p)
}

pub(crate) fn sha256_hex(bytes: &[u8]) -> String {
    Sha256::digest(bytes).iter().map(|b| format!("{b:02x}")).collect()
}

/// The digests that identify a network: of the OSM file's bytes and of the profile's canonical text.
pub(crate) fn digests(osm: &Path, profile: &Profile) -> Result<(String, String)> {
    let mut bytes = Vec::new();
    File::open(osm)
        .and_then(|mut f| f.read_to_end(&mut bytes))
        .with_context(|| format!("reading {}", osm.display()))?;
    Ok((sha256_hex(&bytes), sha256_hex(profile.canonical_toml().as_bytes())))
}

/// Loads the network for `args`, from the cache when possible.
pub(crate) fn load(data_dir: &Path, args: &NetworkArgs) -> Result<Loaded> {
    let osm = osm_path(data_dir, args)?;
    let profile = profile(args)?;
    load_with(data_dir, &osm, &profile, args.no_cache, args.max_snap_m)
}

/// Loads the network of `osm` with `profile`, from the cache when possible (and saves it there unless
/// `no_cache`); `max_snap_m` overrides the profile's snapping distance.
pub(crate) fn load_with(
    data_dir: &Path,
    osm: &Path,
    profile: &Profile,
    no_cache: bool,
    max_snap_m: Option<f64>,
) -> Result<Loaded> {
    let (source_sha, profile_sha) = digests(osm, profile)?;
    let cache_file = cache_path(data_dir, osm, &profile.name, &source_sha, &profile_sha);

    let mut loaded = None;
    if !no_cache && cache_file.exists() {
        match File::open(&cache_file).map_err(neuvo_network::CacheError::from).and_then(Network::read_from) {
            Ok(net) => {
                tracing::info!(file = %cache_file.display(), "loaded network from cache");
                loaded = Some(Loaded {
                    net,
                    from_cache: true,
                    cache_file: Some(cache_file.clone()),
                    parse_s: 0.0,
                    contract_s: 0.0,
                });
            }
            Err(e) => {
                tracing::warn!(file = %cache_file.display(), error = %e, "ignoring unreadable network cache");
            }
        }
    }
    let mut loaded = match loaded {
        Some(l) => l,
        None => {
            let mut l = build_network(osm, profile, &source_sha, &profile_sha)?;
            if !no_cache {
                save(&l.net, &cache_file)?;
                l.cache_file = Some(cache_file);
            }
            l
        }
    };
    if let Some(m) = max_snap_m {
        anyhow::ensure!(m.is_finite() && m > 0.0, "--max-snap-m must be a positive number, found {m}");
        let p = loaded.net.snap_params();
        loaded.net.set_snap_params(SnapParams { max_snap_m: m, ..p });
    }
    Ok(loaded)
}

/// Reads and contracts a network (no cache).
pub(crate) fn build_network(
    osm: &Path,
    profile: &Profile,
    source_sha: &str,
    profile_sha: &str,
) -> Result<Loaded> {
    let t0 = Instant::now();
    let sp = spinner(&format!("reading {}", osm.display()));
    let read = neuvo_osm::read_network(osm, profile);
    sp.finish_and_clear();
    let (graph, report) = read?;
    let parse_s = t0.elapsed().as_secs_f64();
    let meta = NetworkMeta {
        mode: Some(profile.mode),
        profile: profile.name.clone(),
        profile_sha256: profile_sha.to_owned(),
        source: report.file.clone(),
        source_sha256: source_sha.to_owned(),
        snap: SnapParamsMeta {
            max_snap_m: profile.max_snap_m,
            access_speed_kmh: profile.access_speed(),
            candidate_slack_m: profile.snap_slack_m,
        },
        import: report.pairs(),
        build: report.build,
    };
    let t1 = Instant::now();
    let net = Network::build(graph, meta, &Bar::new());
    let contract_s = t1.elapsed().as_secs_f64();
    Ok(Loaded { net, from_cache: false, cache_file: None, parse_s, contract_s })
}

/// Writes a network atomically: to a temporary file beside `path`, then renamed into place.
pub(crate) fn save(net: &Network, path: &Path) -> Result<()> {
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir).with_context(|| format!("creating {}", dir.display()))?;
    }
    let tmp = path.with_extension(format!("partial-{}", std::process::id()));
    let result = File::create(&tmp)
        .map_err(neuvo_network::CacheError::from)
        .and_then(|f| net.write_to(f))
        .with_context(|| format!("writing {}", tmp.display()))
        .and_then(|()| {
            std::fs::rename(&tmp, path).with_context(|| format!("renaming into {}", path.display()))
        });
    if result.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    result
}

/// Arguments of `neuvo network build`.
#[derive(Debug, clap::Args)]
pub(crate) struct BuildArgs {
    #[command(flatten)]
    pub(crate) net: NetworkArgs,
    /// Also write the network to this file.
    #[arg(long)]
    pub(crate) out: Option<PathBuf>,
    /// Print the figures as JSON.
    #[arg(long)]
    pub(crate) json: bool,
}

/// Arguments of `neuvo network info`.
#[derive(Debug, clap::Args)]
pub(crate) struct InfoArgs {
    #[command(flatten)]
    pub(crate) net: NetworkArgs,
    /// A network file written by `neuvo network build --out` (instead of --osm).
    #[arg(long, conflicts_with = "osm")]
    pub(crate) file: Option<PathBuf>,
    /// Print the figures as JSON.
    #[arg(long)]
    pub(crate) json: bool,
}

pub(crate) fn build(data_dir: &Path, args: &BuildArgs) -> Result<()> {
    let mut a = args.net.clone();
    a.no_cache = true;
    let osm = osm_path(data_dir, &a)?;
    let profile = profile(&a)?;
    let (source_sha, profile_sha) = digests(&osm, &profile)?;
    let l = build_network(&osm, &profile, &source_sha, &profile_sha)?;
    // Stored under the key `load` uses, so later commands find it.
    let cache_file = cache_path(data_dir, &osm, &profile.name, &source_sha, &profile_sha);
    save(&l.net, &cache_file)?;
    if let Some(out) = &args.out {
        save(&l.net, out)?;
    }
    let mut v = summary(&l.net);
    v["parse_s"] = round3(l.parse_s).into();
    v["contract_s"] = round3(l.contract_s).into();
    v["cache_file"] = cache_file.display().to_string().into();
    print_summary(&v, args.json);
    Ok(())
}

/// Where the network of `osm` built with a profile is cached: the key covers the file's bytes, the profile's
/// canonical text and the file format version, so any change rebuilds.
fn cache_path(data_dir: &Path, osm: &Path, profile: &str, source_sha: &str, profile_sha: &str) -> PathBuf {
    let key = sha256_hex(format!("{}|{source_sha}|{profile_sha}", neuvo_network::FORMAT_VERSION).as_bytes());
    let stem =
        osm.file_name().map_or_else(|| "network".to_owned(), |f| f.to_string_lossy().replace(".osm.pbf", ""));
    data_dir.join("cache/networks").join(format!("{stem}.{profile}.{}.net", &key[..16]))
}

pub(crate) fn info(data_dir: &Path, args: &InfoArgs) -> Result<()> {
    let net = match &args.file {
        Some(f) => {
            let file = File::open(f).with_context(|| format!("opening {}", f.display()))?;
            Network::read_from(file).with_context(|| format!("reading network file {}", f.display()))?
        }
        None => load(data_dir, &args.net)?.net,
    };
    print_summary(&summary(&net), args.json);
    Ok(())
}

pub(crate) fn round3(x: f64) -> f64 {
    (x * 1000.0).round() / 1000.0
}

/// The figures of a network as JSON.
pub(crate) fn summary(net: &Network) -> serde_json::Value {
    let g = net.graph();
    let st = net.hierarchy_stats();
    let m = &net.meta;
    serde_json::json!({
        "source": m.source,
        "source_sha256": m.source_sha256,
        "profile": m.profile,
        "mode": m.mode,
        "nodes": g.node_count(),
        "edges": g.edge_count(),
        "length_km": (g.total_length_km() * 10.0).round() / 10.0,
        "bbox": g.bbox(),
        "shortcuts": st.shortcuts,
        "import": m.import.iter().cloned().collect::<std::collections::BTreeMap<_, _>>(),
        "build": m.build,
        "max_snap_m": net.snap_params().max_snap_m,
        "access_speed_kmh": net.snap_params().access_speed_kmh,
    })
}

fn print_summary(v: &serde_json::Value, json: bool) {
    if json {
        println!("{v}");
        return;
    }
    let b = &v["build"];
    let i = &v["import"];
    println!(
        "network     {} with profile {} ({})",
        v["source"].as_str().unwrap_or("?"),
        v["profile"].as_str().unwrap_or("?"),
        v["mode"]
    );
    println!(
        "kept        {} nodes, {} directed edges, {} km of edges, {} shortcuts",
        v["nodes"], v["edges"], v["length_km"], v["shortcuts"]
    );
    println!(
        "read        {} nodes, {} ways ({} with highway), {} used by the profile",
        i["nodes_read"], i["ways_read"], i["highway_ways"], i["ways_used"]
    );
    println!(
        "skipped     {} missing node references, {} blocking barrier nodes",
        i["missing_node_refs"], i["blocking_nodes"]
    );
    println!(
        "dropped     {} nodes outside the largest strongly connected component (of {} components), {} edges; {} self loops, {} parallel edges merged",
        b["nodes_dropped_outside_largest_component"],
        b["components"],
        b["edges_dropped_outside_largest_component"],
        b["self_loops_dropped"],
        b["parallel_edges_merged"]
    );
    println!(
        "snapping    points within {} m, access legs at {} km/h",
        v["max_snap_m"], v["access_speed_kmh"]
    );
    if let Some(c) = v.get("cache_file").and_then(|c| c.as_str()) {
        println!("timing      parse {} s, contract {} s; saved to {c}", v["parse_s"], v["contract_s"]);
    }
}
