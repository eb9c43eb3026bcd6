//! Travel times by public transport from population cells to sites: for each cell, range RAPTOR over the
//! departure window with walks on the street network to the first stop, between stops and from the last stop;
//! walking all the way counts too. Each cell–site pair gets the distribution of its travel times over the
//! window's departures (waiting at the origin included), summarised by its median and 80th percentile, as R5
//! reports them.

use neuvo_model::{Centimeters, LonLat, Millis, Progress, TravelMatrix};
use neuvo_network::Network;
use neuvo_transit::stats::percentile;
use neuvo_transit::walk::{StopLinks, WalkSpeed};
use neuvo_transit::{Params, Raptor, Secs, Timetable, UNREACHED, Window};

use crate::matrix::{Cancelled, snap_all};

/// How travel by public transport is searched.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct TransitOptions {
    /// The departures: one a minute over an hour is R5's usual window.
    pub window: Window,
    /// Transfers and board slack.
    pub params: Params,
    /// Longest walk to the first stop and from the last stop, seconds.
    pub max_access_secs: Secs,
    /// Longest walk between two stops, seconds.
    pub max_transfer_secs: Secs,
    /// Longest walk all the way, when it beats riding, seconds.
    pub max_direct_walk_secs: Secs,
    /// The walkers' speed relative to the walk network's profile (slower for the elderly).
    pub speed: WalkSpeed,
}

impl TransitOptions {
    /// 60 departures a minute apart from `start`, at most 4 transfers, walks of at most 15 minutes to and from
    /// stops, 5 minutes between stops, an hour all the way, at the profile's speed.
    pub fn hour_from(start: Secs) -> TransitOptions {
        TransitOptions {
            window: Window::minutes(start, 60),
            params: Params::default(),
            max_access_secs: 900,
            max_transfer_secs: 300,
            max_direct_walk_secs: 3600,
            speed: WalkSpeed::profile(),
        }
    }
}

/// Cells to sites by public transport.
#[derive(Clone, Debug)]
pub struct TransitReach {
    /// Median travel time over the window per cell and site (distances are not meaningful and are 0).
    pub p50: TravelMatrix,
    /// 80th percentile.
    pub p80: TravelMatrix,
    /// Cells farther than the walk network's snapping distance from every street: (cell index, metres).
    pub cells_off_network: Vec<(usize, f64)>,
    /// Sites likewise.
    pub sites_off_network: Vec<(usize, f64)>,
    /// Stops of the timetable not on the walk network (usable only by riding through).
    pub stops_off_network: usize,
}

/// Travel times by public transport from every cell to every site; checks `cancelled` between cells.
pub fn cells_to_sites_by_transit(
    walk: &Network,
    tt: &Timetable,
    cells: &[LonLat],
    sites: &[LonLat],
    options: &TransitOptions,
    progress: &dyn Progress,
    cancelled: &dyn Fn() -> bool,
) -> Result<TransitReach, Cancelled> {
    let links = StopLinks::new(walk, tt);
    let transfers = links.transfers(walk, options.max_transfer_secs, options.speed);
    let (from, cells_off_network) = snap_all(walk, cells);
    let (to, sites_off_network) = snap_all(walk, sites);
    let places = walk.nearby_index(to);
    let egress = links.egress(walk, &places, options.max_access_secs, options.speed);
    let mut raptor = Raptor::new(tt, &transfers, options.params);
    let mut dij = walk.dijkstra();
    let mut direct = Vec::new();
    let n_dep = options.window.departures().len();
    let mut times: Vec<Vec<Secs>> = vec![Vec::with_capacity(n_dep); sites.len()];
    let mut p50 = TravelMatrix::unreachable(cells.len(), sites.len());
    let mut p80 = TravelMatrix::unreachable(cells.len(), sites.len());
    let direct_bound = options.speed.bound(options.max_direct_walk_secs);
    progress.start("transit rows", cells.len() as u64);
    for (i, cell) in from.iter().enumerate() {
        if cancelled() {
            return Err(Cancelled);
        }
        progress.inc(1);
        let Some(cell) = cell else { continue };
        let access = links.access(walk, &mut dij, cell, options.max_access_secs, options.speed);
        walk.nearby(&mut dij, &places, cell, direct_bound, &mut direct);
        let mut walk_all = vec![UNREACHED; sites.len()];
        for &(j, w) in &direct {
            let s = options.speed.secs(w.time());
            if s <= options.max_direct_walk_secs {
                walk_all[j as usize] = s;
            }
        }
        times.iter_mut().for_each(Vec::clear);
        raptor.run_range(&access, options.window, |d, l| {
            for (j, t) in times.iter_mut().enumerate() {
                let a = l.arrival_via(&egress[j]);
                let ride = if a == UNREACHED { UNREACHED } else { a - d };
                t.push(ride.min(walk_all[j]));
            }
        });
        for (j, t) in times.iter_mut().enumerate() {
            for (m, p) in [(&mut p50, 50.0), (&mut p80, 80.0)] {
                if let Some(x) = percentile(t, p).filter(|&x| x != UNREACHED) {
                    m.set(i, j, Millis(x.max(0) as u32 * 1000), Centimeters(0));
                }
            }
        }
    }
    progress.finish();
    Ok(TransitReach {
        p50,
        p80,
        cells_off_network,
        sites_off_network,
        stops_off_network: links.off_network.len(),
    })
}
