//! Travel times from demand cells to sites over a road network: the matrix every location model sees.

use neuvo_model::{LonLat, Progress, TravelMatrix};
use neuvo_network::{MatrixParams, Network, Snap};

/// The matrix from cells (rows) to sites (columns), and the points that could not join the network.
#[derive(Clone, Debug)]
pub struct Reach {
    /// Travel times and distances, cells to sites; rows of unsnapped cells and columns of unsnapped sites are
    /// unreachable.
    pub matrix: TravelMatrix,
    /// Cells farther than the network's snapping distance from every usable street: (cell index, metres).
    pub cells_off_network: Vec<(usize, f64)>,
    /// Sites farther than the snapping distance: (site index, metres).
    pub sites_off_network: Vec<(usize, f64)>,
}

/// The work was cancelled.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Cancelled;

/// Snaps every point; `None` with the distance for points too far from the network.
pub(crate) fn snap_all(net: &Network, points: &[LonLat]) -> (Vec<Option<Snap>>, Vec<(usize, f64)>) {
    let mut off = Vec::new();
    let snaps = points
        .iter()
        .enumerate()
        .map(|(i, p)| match net.snap(*p) {
            Ok(s) => Some(s),
            Err(e) => {
                let d = match e {
                    neuvo_network::SnapError::TooFar { distance_m, .. } => distance_m,
                    neuvo_network::SnapError::EmptyNetwork => f64::INFINITY,
                };
                off.push((i, d));
                None
            }
        })
        .collect();
    (snaps, off)
}

/// Travel times from every cell to every site (people travel to the site, so one-way streets count in that
/// direction), computed on `threads` threads; checks `cancelled` between rows.
pub fn cells_to_sites(
    net: &Network,
    cells: &[LonLat],
    sites: &[LonLat],
    threads: usize,
    progress: &dyn Progress,
    cancelled: &dyn Fn() -> bool,
) -> Result<Reach, Cancelled> {
    let (from, cells_off_network) = snap_all(net, cells);
    let (to, sites_off_network) = snap_all(net, sites);
    let mut matrix = TravelMatrix::unreachable(cells.len(), sites.len());
    let params = MatrixParams { threads: threads.max(1), ..MatrixParams::default() };
    net.matrix_rows(&from, &to, params, progress, |i, row| {
        if cancelled() {
            return Err(Cancelled);
        }
        for (j, w) in row.iter().enumerate() {
            if !w.is_infinite() {
                matrix.set(i, j, w.time(), w.dist());
            }
        }
        Ok(())
    })?;
    Ok(Reach { matrix, cells_off_network, sites_off_network })
}
