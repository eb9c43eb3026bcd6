//! The query commands: route, matrix, isochrone, venues.

use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};
use std::time::Instant;

use anyhow::{Context, Result, bail};
use neuvo_model::{LonLat, Millis};
use neuvo_network::{IsochroneParams, MatrixParams, Network, Snap, Weight};

use crate::netload::{self, NetworkArgs};
use crate::points::{NamedPoint, read_points_file};
use crate::progress::Bar;

/// Parses `LON,LAT` in WGS84 degrees.
pub(crate) fn parse_lonlat(s: &str) -> Result<LonLat, String> {
    s.parse().map_err(|e| format!("{e} (give LON,LAT in degrees, longitude first)"))
}

fn snap_or_explain(net: &Network, p: LonLat, what: &str) -> Result<Snap> {
    net.snap(p).map_err(|e| anyhow::anyhow!("{what} cannot be reached: {e}"))
}

/// Creates `path` (and its folder) for writing.
pub(crate) fn create(path: &Path) -> Result<BufWriter<std::fs::File>> {
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir).with_context(|| format!("creating {}", dir.display()))?;
    }
    let f = std::fs::File::create(path).with_context(|| format!("creating {}", path.display()))?;
    Ok(BufWriter::new(f))
}

pub(crate) fn write_json(path: &Path, v: &serde_json::Value) -> Result<()> {
    let mut w = create(path)?;
    serde_json::to_writer(&mut w, v)?;
    w.write_all(b"\n")?;
    w.flush().with_context(|| format!("writing {}", path.display()))
}

pub(crate) fn fmt_duration(t: Millis) -> String {
    let s = t.as_secs_f64();
    if s >= 3600.0 {
        format!("{} h {:02} min", (s / 3600.0) as u64, ((s % 3600.0) / 60.0).round() as u64)
    } else {
        format!("{} min {:02} s", (s / 60.0) as u64, (s % 60.0).round() as u64)
    }
}

/// Arguments of `neuvo route`.
#[derive(Debug, clap::Args)]
pub(crate) struct RouteArgs {
    #[command(flatten)]
    pub(crate) net: NetworkArgs,
    /// Start, as LON,LAT in WGS84 degrees.
    #[arg(long, value_parser = parse_lonlat, allow_hyphen_values = true)]
    pub(crate) from: LonLat,
    /// End, as LON,LAT in WGS84 degrees.
    #[arg(long, value_parser = parse_lonlat, allow_hyphen_values = true)]
    pub(crate) to: LonLat,
    /// Write the route as a GeoJSON Feature (LineString with seconds and metres) to this file.
    #[arg(long)]
    pub(crate) out: Option<PathBuf>,
    /// Print the route as GeoJSON on stdout instead of a summary.
    #[arg(long)]
    pub(crate) json: bool,
}

pub(crate) fn route(data_dir: &Path, a: &RouteArgs) -> Result<()> {
    let l = netload::load(data_dir, &a.net)?;
    let net = &l.net;
    let from = snap_or_explain(net, a.from, "the start")?;
    let to = snap_or_explain(net, a.to, "the end")?;
    let t = Instant::now();
    let r = net
        .route(&from, &to)
        .context("no route between the points (the network is strongly connected, so this is a bug)")?;
    let query_ms = t.elapsed().as_secs_f64() * 1e3;
    let gj = r.to_geojson();
    if let Some(out) = &a.out {
        write_json(out, &gj)?;
    }
    if a.json {
        println!("{gj}");
    } else {
        println!(
            "{} route: {:.0} m in {} (access legs {:.0} m and {:.0} m; {} points; query {:.2} ms)",
            net.meta.profile,
            r.dist.as_m_f64(),
            fmt_duration(r.time),
            r.from_access_m,
            r.to_access_m,
            r.geometry.len(),
            query_ms
        );
        if let Some(out) = &a.out {
            println!("wrote {}", out.display());
        }
    }
    Ok(())
}

/// Output format of `neuvo matrix`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub(crate) enum MatrixFormat {
    /// `from_id,to_id,seconds,metres`, one row per pair; unreachable pairs have empty values.
    Csv,
    /// One JSON object with the points, and `seconds` and `metres` as arrays of rows (null = unreachable).
    Json,
}

/// Arguments of `neuvo matrix`.
#[derive(Debug, clap::Args)]
pub(crate) struct MatrixArgs {
    #[command(flatten)]
    pub(crate) net: NetworkArgs,
    /// Points CSV with columns id, lon, lat (WGS84); the origins, and the destinations unless --targets is given.
    #[arg(long)]
    pub(crate) points: PathBuf,
    /// Destinations CSV (id, lon, lat); by default the same as --points.
    #[arg(long)]
    pub(crate) targets: Option<PathBuf>,
    /// Output file; `-` writes to stdout.
    #[arg(long, default_value = "-")]
    pub(crate) out: PathBuf,
    /// Output format [default: json for a .json file, else csv].
    #[arg(long)]
    pub(crate) format: Option<MatrixFormat>,
    /// Worker threads [default: all cores].
    #[arg(long)]
    pub(crate) threads: Option<usize>,
}

pub(crate) fn matrix(data_dir: &Path, a: &MatrixArgs) -> Result<()> {
    let sources = read_points_file(&a.points)?;
    let targets = match &a.targets {
        Some(t) => read_points_file(t)?,
        None => sources.clone(),
    };
    let l = netload::load(data_dir, &a.net)?;
    let net = &l.net;
    let t0 = Instant::now();
    let snap_all = |pts: &[NamedPoint], role: &str| -> Vec<Option<Snap>> {
        pts.iter()
            .map(|p| match net.snap(p.at) {
                Ok(s) => Some(s),
                Err(e) => {
                    // Point ids only: coordinates may be addresses and stay out of logs.
                    eprintln!("warning: {role} {:?} cannot be reached: {e}", p.id);
                    None
                }
            })
            .collect()
    };
    let ss = snap_all(&sources, "origin");
    let ts = snap_all(&targets, "destination");
    let format = a.format.unwrap_or(if a.out.extension().is_some_and(|e| e == "json") {
        MatrixFormat::Json
    } else {
        MatrixFormat::Csv
    });
    let to_stdout = a.out.as_os_str() == "-";
    let mut w: Box<dyn Write> = if to_stdout {
        Box::new(BufWriter::new(std::io::stdout().lock()))
    } else {
        Box::new(create(&a.out)?)
    };
    let params = MatrixParams {
        threads: a.threads.unwrap_or_else(|| MatrixParams::default().threads),
        ..MatrixParams::default()
    };
    let mut unreachable_pairs = 0usize;
    let secs = |x: Weight| x.time().as_secs_f64();
    let metres = |x: Weight| x.dist().as_m_f64();
    match format {
        MatrixFormat::Csv => {
            writeln!(w, "from_id,to_id,seconds,metres")?;
            let mut cw = csv::WriterBuilder::new().has_headers(false).from_writer(&mut w);
            net.matrix_rows(&ss, &ts, params, &Bar::new(), |i, row| -> Result<()> {
                for (j, x) in row.iter().enumerate() {
                    if x.is_infinite() {
                        unreachable_pairs += 1;
                        cw.write_record([sources[i].id.as_str(), targets[j].id.as_str(), "", ""])?;
                    } else {
                        cw.write_record([
                            sources[i].id.as_str(),
                            targets[j].id.as_str(),
                            &format!("{:.3}", secs(*x)),
                            &format!("{:.2}", metres(*x)),
                        ])?;
                    }
                }
                Ok(())
            })?;
            cw.flush()?;
        }
        MatrixFormat::Json => {
            let point_json = |p: &NamedPoint, s: &Option<Snap>| match s {
                Some(s) => {
                    serde_json::json!({"id": p.id, "snapped": true, "access_m": (s.access_m * 100.0).round() / 100.0})
                }
                None => serde_json::json!({"id": p.id, "snapped": false}),
            };
            let head = serde_json::json!({
                "profile": net.meta.profile,
                "mode": net.meta.mode,
                "sources": sources.iter().zip(&ss).map(|(p, s)| point_json(p, s)).collect::<Vec<_>>(),
                "targets": targets.iter().zip(&ts).map(|(p, s)| point_json(p, s)).collect::<Vec<_>>(),
            });
            // Stream: the head object without its closing brace, then the rows as they come.
            let head = head.to_string();
            write!(w, "{},\"seconds\":[", &head[..head.len() - 1])?;
            let mut metres_rows: Vec<String> = Vec::with_capacity(ss.len());
            net.matrix_rows(&ss, &ts, params, &Bar::new(), |i, row| -> Result<()> {
                let cell = |x: &Weight, f: &dyn Fn(Weight) -> f64| {
                    if x.is_infinite() { "null".to_owned() } else { format!("{}", f(*x)) }
                };
                let t: Vec<String> = row.iter().map(|x| cell(x, &secs)).collect();
                let d: Vec<String> = row.iter().map(|x| cell(x, &metres)).collect();
                unreachable_pairs += row.iter().filter(|x| x.is_infinite()).count();
                write!(w, "{}[{}]", if i > 0 { "," } else { "" }, t.join(","))?;
                metres_rows.push(format!("[{}]", d.join(",")));
                Ok(())
            })?;
            writeln!(w, "],\"metres\":[{}]}}", metres_rows.join(","))?;
        }
    }
    w.flush()?;
    let not_snapped = ss.iter().chain(&ts).filter(|s| s.is_none()).count();
    eprintln!(
        "{} matrix {}x{} in {:.3} s ({}): {} unreachable pairs, {} points not snapped{}",
        net.meta.profile,
        sources.len(),
        targets.len(),
        t0.elapsed().as_secs_f64(),
        if l.from_cache { "network from cache" } else { "network built" },
        unreachable_pairs,
        not_snapped,
        if to_stdout { String::new() } else { format!("; wrote {}", a.out.display()) }
    );
    Ok(())
}

/// Parses a comma-separated list of minutes.
fn parse_minutes(s: &str) -> Result<Vec<f64>, String> {
    s.split(',')
        .map(|x| {
            let m: f64 = x.trim().parse().map_err(|_| format!("{x:?} is not a number of minutes"))?;
            if m.is_finite() && m > 0.0 && m <= 24.0 * 60.0 {
                Ok(m)
            } else {
                Err(format!("{m} minutes is outside 0–1440"))
            }
        })
        .collect()
}

/// Arguments of `neuvo isochrone`.
#[derive(Debug, clap::Args)]
pub(crate) struct IsochroneArgs {
    #[command(flatten)]
    pub(crate) net: NetworkArgs,
    /// Origin, as LON,LAT in WGS84 degrees.
    #[arg(long, value_parser = parse_lonlat, allow_hyphen_values = true)]
    pub(crate) at: LonLat,
    /// Time budgets in minutes, comma-separated.
    #[arg(long, default_value = "5,10,15")]
    pub(crate) minutes: String,
    /// Output GeoJSON FeatureCollection (one MultiPolygon per budget, largest first); `-` for stdout.
    #[arg(long, default_value = "isochrones.geojson")]
    pub(crate) out: PathBuf,
    /// Grid cell size in metres.
    #[arg(long, default_value_t = IsochroneParams::default().cell_m)]
    pub(crate) cell_m: f64,
    /// How far the area reaches beyond the streets, in metres.
    #[arg(long, default_value_t = IsochroneParams::default().offroad_m)]
    pub(crate) offroad_m: f64,
}

pub(crate) fn isochrone(data_dir: &Path, a: &IsochroneArgs) -> Result<()> {
    if !(a.cell_m.is_finite() && a.cell_m >= 1.0 && a.offroad_m.is_finite() && a.offroad_m >= 0.0) {
        bail!("--cell-m must be at least 1 and --offroad-m at least 0");
    }
    let minutes = parse_minutes(&a.minutes).map_err(|e| anyhow::anyhow!("--minutes: {e}"))?;
    let l = netload::load(data_dir, &a.net)?;
    let net = &l.net;
    let origin = snap_or_explain(net, a.at, "the origin")?;
    let mut budgets: Vec<Millis> = minutes.iter().map(|m| Millis::from_secs_f64(m * 60.0)).collect();
    budgets.sort_unstable_by(|x, y| y.cmp(x));
    budgets.dedup();
    let t = Instant::now();
    let isos =
        net.isochrones(&origin, &budgets, &IsochroneParams { cell_m: a.cell_m, offroad_m: a.offroad_m });
    let ms = t.elapsed().as_secs_f64() * 1e3;
    let fc = serde_json::json!({
        "type": "FeatureCollection",
        "features": isos.iter().map(|i| i.to_geojson()).collect::<Vec<_>>(),
    });
    if a.out.as_os_str() == "-" {
        println!("{fc}");
    } else {
        write_json(&a.out, &fc)?;
        for i in &isos {
            println!(
                "{:>5.1} min {}: {:.3} km², {} polygon(s), {} network nodes",
                i.budget.as_secs_f64() / 60.0,
                net.meta.profile,
                i.area_km2,
                i.polygon.0.len(),
                i.nodes_reached
            );
        }
        println!("wrote {} ({:.1} ms)", a.out.display(), ms);
    }
    Ok(())
}

/// Arguments of `neuvo venues`.
#[derive(Debug, clap::Args)]
pub(crate) struct VenuesArgs {
    /// OSM PBF file [default: the sample central-Helsinki file].
    #[arg(long)]
    pub(crate) osm: Option<PathBuf>,
    /// Venue rules [default: data/venues.toml as compiled in].
    #[arg(long)]
    pub(crate) rules: Option<PathBuf>,
    /// Output file: GeoJSON (.geojson/.json) or CSV (.csv); `-` prints CSV on stdout.
    #[arg(long, default_value = "-")]
    pub(crate) out: PathBuf,
}

pub(crate) fn venues(data_dir: &Path, a: &VenuesArgs) -> Result<()> {
    let osm = a.osm.clone().unwrap_or_else(|| data_dir.join(netload::SAMPLE_OSM));
    let rules = match &a.rules {
        Some(p) => {
            let text = std::fs::read_to_string(p).with_context(|| format!("reading {}", p.display()))?;
            neuvo_osm::VenueRules::from_toml(&text, &p.display().to_string())?
        }
        None => neuvo_osm::VenueRules::builtin(),
    };
    let (venues, skipped) = neuvo_osm::read_venues(&osm, &rules)?;
    let geojson = a.out.extension().is_some_and(|e| e == "geojson" || e == "json");
    if geojson {
        let fc = serde_json::json!({
            "type": "FeatureCollection",
            "features": venues.iter().map(|v| serde_json::json!({
                "type": "Feature",
                "geometry": {"type": "Point", "coordinates": [v.location.lon(), v.location.lat()]},
                "properties": {"osm": v.osm.map(|o| o.to_string()), "name": v.name, "kind": v.kind, "opening_hours": v.opening_hours},
            })).collect::<Vec<_>>(),
        });
        write_json(&a.out, &fc)?;
    } else {
        let w: Box<dyn Write> = if a.out.as_os_str() == "-" {
            Box::new(std::io::stdout().lock())
        } else {
            Box::new(create(&a.out)?)
        };
        let mut cw = csv::Writer::from_writer(w);
        cw.write_record(["osm", "kind", "name", "lon", "lat", "opening_hours"])?;
        for v in &venues {
            cw.write_record([
                v.osm.map(|o| o.to_string()).unwrap_or_default(),
                v.kind.to_string(),
                v.name.clone().unwrap_or_default(),
                format!("{:.7}", v.location.lon()),
                format!("{:.7}", v.location.lat()),
                v.opening_hours.clone().unwrap_or_default(),
            ])?;
        }
        cw.flush()?;
    }
    let mut by_kind = std::collections::BTreeMap::new();
    for v in &venues {
        *by_kind.entry(v.kind.to_string()).or_insert(0) += 1;
    }
    eprintln!(
        "{} venues in {} ({}); {} without a known location skipped",
        venues.len(),
        osm.display(),
        by_kind.iter().map(|(k, n)| format!("{n} {k}")).collect::<Vec<_>>().join(", "),
        skipped
    );
    Ok(())
}
