//! The pipeline's inputs over files: networks through the network cache, population grids through
//! `neuvo-population`, sites from CSV files and OSM venues. Loaded inputs are kept, so the server's jobs and a
//! trade-off run read each file once.

use std::collections::HashMap;
use std::fs::File;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use anyhow::{Context, Result};
use neuvo_model::{Progress, Site};
use neuvo_network::Network;
use neuvo_osm::{Profile, VenueRules};
use neuvo_planner::{
    DemandSpec, InputError, Inputs, LoadedDemand, LoadedTimetable, NetworkSpec, Scenario, SitesSpec,
};
use neuvo_population::{Boundaries, GridSpec};

use crate::netload;

/// Inputs read from the data folder.
pub(crate) struct FileInputs {
    data_dir: PathBuf,
    networks: Mutex<HashMap<String, Arc<Network>>>,
    demand: Mutex<HashMap<String, LoadedDemand>>,
    boundaries: Mutex<HashMap<PathBuf, Arc<Boundaries>>>,
    timetables: Mutex<HashMap<String, LoadedTimetable>>,
}

impl FileInputs {
    /// Inputs under `data_dir`: scenario paths are relative to it (absolute paths are taken as they are; the
    /// server refuses them before they get here).
    pub(crate) fn new(data_dir: &Path) -> Self {
        Self {
            data_dir: data_dir.to_path_buf(),
            networks: Mutex::default(),
            demand: Mutex::default(),
            boundaries: Mutex::default(),
            timetables: Mutex::default(),
        }
    }

    fn path(&self, rel: &str) -> PathBuf {
        let p = Path::new(rel);
        if p.is_absolute() { p.to_path_buf() } else { self.data_dir.join(p) }
    }

    /// A data file that must exist, with the command that fetches it when it is in the cache.
    fn existing(&self, rel: &str, what: &str) -> Result<PathBuf> {
        let p = self.path(rel);
        if !p.is_file() {
            let hint = if rel.starts_with("cache/") {
                "; fetch the data with `neuvo data fetch` (or `neuvo data fetch --from ../shared/data`)"
            } else {
                ""
            };
            anyhow::bail!("{what} {} not found{hint}", p.display());
        }
        Ok(p)
    }

    fn profile(&self, spec: &NetworkSpec) -> Result<Profile> {
        let p = match spec.profile.as_deref() {
            None => Profile::for_mode(spec.mode),
            Some(p) if p.contains('/') || p.ends_with(".toml") => {
                let path = self.existing(p, "profile")?;
                Profile::load(&path)?
            }
            Some(name) => Profile::builtin(name)?,
        };
        anyhow::ensure!(
            p.mode == spec.mode,
            "profile {} is for {} but the scenario's mode is {}",
            p.name,
            p.mode,
            spec.mode
        );
        Ok(p)
    }

    fn load_network(&self, spec: &NetworkSpec) -> Result<Arc<Network>> {
        let key = serde_json::to_string(spec)?;
        if let Some(n) = self.networks.lock().ok().and_then(|m| m.get(&key).cloned()) {
            return Ok(n);
        }
        let osm = self.existing(&spec.osm, "OSM file")?;
        let profile = self.profile(spec)?;
        let net = Arc::new(netload::load_with(&self.data_dir, &osm, &profile, false, spec.max_snap_m)?.net);
        if let Ok(mut m) = self.networks.lock() {
            m.insert(key, net.clone());
        }
        Ok(net)
    }

    fn load_boundaries(&self, rel: &str, name_column: &str) -> Result<Arc<Boundaries>> {
        let path = self.existing(rel, "boundary file")?;
        if let Some(b) = self.boundaries.lock().ok().and_then(|m| m.get(&path).cloned()) {
            return Ok(b);
        }
        let b = Arc::new(Boundaries::read_gpkg(&path, None, name_column)?);
        if let Ok(mut m) = self.boundaries.lock() {
            m.insert(path, b.clone());
        }
        Ok(b)
    }

    fn load_demand(&self, spec: &DemandSpec) -> Result<LoadedDemand> {
        let key = serde_json::to_string(spec)?;
        if let Some(d) = self.demand.lock().ok().and_then(|m| m.get(&key).cloned()) {
            return Ok(d);
        }
        let grid_path = self.existing(&spec.grid, "population grid")?;
        let grid: GridSpec = serde_json::from_value(serde_json::Value::Object(spec.options.clone()))
            .context("the [demand] settings of the scenario")?;
        let districts = spec.districts.as_deref().map(|d| self.load_boundaries(d, "Name")).transpose()?;
        let municipalities =
            spec.municipalities.as_deref().map(|m| self.load_boundaries(m, "name")).transpose()?;
        let (demand, report) =
            neuvo_population::read_grid(&grid_path, &grid, districts.as_deref(), municipalities.as_deref())?;
        let loaded = LoadedDemand { demand: Arc::new(demand), notes: report.notes() };
        if let Ok(mut m) = self.demand.lock() {
            m.insert(key, loaded.clone());
        }
        Ok(loaded)
    }

    fn load_sites(&self, spec: &SitesSpec, network: &NetworkSpec) -> Result<Vec<Site>> {
        let mut out = Vec::new();
        for rel in &spec.files {
            let path = self.existing(rel, "site file")?;
            let f = File::open(&path).with_context(|| format!("opening {}", path.display()))?;
            out.extend(neuvo_planner::read_sites_csv(f, rel)?);
        }
        if spec.osm_venues {
            let osm = self.existing(&network.osm, "OSM file")?;
            let (venues, _) = neuvo_osm::read_venues(&osm, &VenueRules::builtin())?;
            let source = format!("OpenStreetMap ({})", network.osm);
            out.extend(neuvo_planner::sites_from_venues(&venues, &spec.osm_kinds, &source));
        }
        Ok(out)
    }
}

impl FileInputs {
    fn load_timetable(&self, gtfs: &str, date: Option<chrono::NaiveDate>) -> Result<LoadedTimetable> {
        let key = format!("{gtfs}|{date:?}");
        if let Some(t) = self.timetables.lock().ok().and_then(|m| m.get(&key).cloned()) {
            return Ok(t);
        }
        let path = self.path(gtfs);
        anyhow::ensure!(
            path.exists(),
            "GTFS feed {} not found; fetch the data with `neuvo data fetch` (or `neuvo data fetch --from ../shared/data`)",
            path.display()
        );
        let feed = neuvo_gtfs::Feed::open(&path)?;
        let date = match date {
            Some(d) => d,
            None => *feed.service_dates().first().with_context(|| {
                format!(
                    "GTFS feed {}: no date has any service; check calendar.txt and calendar_dates.txt",
                    path.display()
                )
            })?,
        };
        let (tt, report) = feed.timetable(date)?;
        let mut notes: Vec<String> = feed.notes().to_vec();
        notes.push(format!(
            "{gtfs} on {date}: {} trips ({} expanded from frequencies.txt) on {} routes at {} stops",
            report.trips, report.frequency_trips, report.routes, report.stops
        ));
        let loaded = LoadedTimetable { timetable: Arc::new(tt), date, notes };
        if let Ok(mut m) = self.timetables.lock() {
            m.insert(key, loaded.clone());
        }
        Ok(loaded)
    }

    fn load_scenario(&self, rel: &str) -> Result<Scenario> {
        let path = self.existing(rel, "scenario file")?;
        let text = std::fs::read_to_string(&path).with_context(|| format!("reading {}", path.display()))?;
        Ok(Scenario::from_toml(&text, &path.display().to_string())?)
    }
}

fn input_error(e: &anyhow::Error) -> InputError {
    InputError(format!("{e:#}"))
}

impl Inputs for FileInputs {
    fn network(&self, spec: &NetworkSpec, _progress: &dyn Progress) -> Result<Arc<Network>, InputError> {
        self.load_network(spec).map_err(|e| input_error(&e))
    }

    fn demand(&self, spec: &DemandSpec) -> Result<LoadedDemand, InputError> {
        self.load_demand(spec).map_err(|e| input_error(&e))
    }

    fn sites(&self, spec: &SitesSpec, network: &NetworkSpec) -> Result<Vec<Site>, InputError> {
        self.load_sites(spec, network).map_err(|e| input_error(&e))
    }

    fn timetable(&self, gtfs: &str, date: Option<chrono::NaiveDate>) -> Result<LoadedTimetable, InputError> {
        self.load_timetable(gtfs, date).map_err(|e| input_error(&e))
    }

    fn scenario(&self, path: &str) -> Result<Scenario, InputError> {
        self.load_scenario(path).map_err(|e| input_error(&e))
    }

    fn text(&self, path: &str) -> Result<String, InputError> {
        let read = || -> Result<String> {
            let p = self.existing(path, "file")?;
            std::fs::read_to_string(&p).with_context(|| format!("reading {}", p.display()))
        };
        read().map_err(|e| input_error(&e))
    }
}
