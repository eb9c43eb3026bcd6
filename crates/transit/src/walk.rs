//! Walking on the street network for transit: from a point to the stops around it, between stops (transfers),
//! and from stops to places. Every walk is a shortest path on the walk network, never a straight line (beyond the
//! access legs that join a point to its street).
//!
//! Walks are searched once at the network profile's speed; [`WalkSpeed`] rescales them to a group's speed, so the
//! elderly walking at 4.1 km/h take the same paths, more slowly (stairs and steps keep their relative cost).

use neuvo_model::{Centimeters, LonLat, Millis};
use neuvo_network::{Dijkstra, NearbyIndex, Network, Snap, SnapError, Weight};

use crate::timetable::{Secs, Timetable};
use crate::transfers::Transfers;

/// A walking speed relative to the network profile's.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct WalkSpeed {
    factor: f64,
}

impl WalkSpeed {
    /// Walking at `kmh` on a network whose profile walks at `profile_kmh`.
    pub fn new(profile_kmh: f64, kmh: f64) -> WalkSpeed {
        let f = if kmh > 0.0 && profile_kmh > 0.0 { profile_kmh / kmh } else { 1.0 };
        WalkSpeed { factor: f }
    }

    /// The profile's own speed.
    pub fn profile() -> WalkSpeed {
        WalkSpeed { factor: 1.0 }
    }

    /// Whole seconds (rounded up) of a walk that takes `base` at the profile's speed.
    pub fn secs(self, base: Millis) -> Secs {
        (f64::from(base.0) * self.factor / 1000.0).ceil() as Secs
    }

    /// The longest walk at the profile's speed that takes at most `secs` at this speed, as a search bound.
    pub fn bound(self, secs: Secs) -> Weight {
        let ms = (f64::from(secs.max(0)) * 1000.0 / self.factor).floor().min(f64::from(u32::MAX - 1));
        Weight::new(Millis(ms as u32), Centimeters(u32::MAX))
    }
}

/// The timetable's stops joined to a walk network.
#[derive(Clone, Debug)]
pub struct StopLinks {
    index: NearbyIndex,
    /// Stops that could not be joined (farther from every street than the network allows), with why.
    pub off_network: Vec<(u32, SnapError)>,
}

impl StopLinks {
    /// Snaps every stop of `tt` onto `net`.
    pub fn new(net: &Network, tt: &Timetable) -> StopLinks {
        let mut off = Vec::new();
        let snaps = tt
            .stops()
            .iter()
            .enumerate()
            .map(|(i, s)| match net.snap(s.pos) {
                Ok(x) => Some(x),
                Err(e) => {
                    off.push((i as u32, e));
                    None
                }
            })
            .collect();
        StopLinks { index: net.nearby_index(snaps), off_network: off }
    }

    /// Stop `s` as joined to the network.
    pub fn snap(&self, s: u32) -> Option<&Snap> {
        self.index.target(s as usize)
    }

    /// Walking transfers between stops up to `max_secs` at `speed`.
    pub fn transfers(&self, net: &Network, max_secs: Secs, speed: WalkSpeed) -> Transfers {
        let mut dij = net.dijkstra();
        let mut out = Vec::new();
        let mut pairs = Vec::new();
        for s in 0..self.index.len() {
            if let Some(from) = self.index.target(s) {
                net.nearby(&mut dij, &self.index, from, speed.bound(max_secs), &mut out);
                pairs.extend(out.iter().map(|&(q, w)| (s as u32, q, speed.secs(w.time()))));
            }
        }
        Transfers::new(self.index.len(), pairs)
    }

    /// The stops reachable on foot from `from` within `max_secs` at `speed`, with the walk's seconds.
    pub fn access(
        &self,
        net: &Network,
        dij: &mut Dijkstra,
        from: &Snap,
        max_secs: Secs,
        speed: WalkSpeed,
    ) -> Vec<(u32, Secs)> {
        let mut out = Vec::new();
        net.nearby(dij, &self.index, from, speed.bound(max_secs), &mut out);
        out.into_iter().map(|(s, w)| (s, speed.secs(w.time()))).collect()
    }

    /// For each of `places`, the stops from which it is reached on foot within `max_secs` at `speed`, with the
    /// walk's seconds (searched from each stop, so one-way footpaths count in the right direction).
    pub fn egress(
        &self,
        net: &Network,
        places: &NearbyIndex,
        max_secs: Secs,
        speed: WalkSpeed,
    ) -> Vec<Vec<(u32, Secs)>> {
        let mut dij = net.dijkstra();
        let mut out = Vec::new();
        let mut per_place = vec![Vec::new(); places.len()];
        for s in 0..self.index.len() {
            if let Some(from) = self.index.target(s) {
                net.nearby(&mut dij, places, from, speed.bound(max_secs), &mut out);
                for &(j, w) in &out {
                    per_place[j as usize].push((s as u32, speed.secs(w.time())));
                }
            }
        }
        per_place
    }
}

/// Snaps `points` onto `net` and indexes them as places to walk to.
pub fn places(net: &Network, points: &[LonLat]) -> NearbyIndex {
    net.nearby_index(points.iter().map(|&p| net.snap(p).ok()).collect())
}
