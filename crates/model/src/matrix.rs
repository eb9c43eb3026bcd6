use crate::{Centimeters, Millis};

/// Travel times and distances from each of `rows` origins to each of `cols` destinations.
///
/// Solvers see a travel matrix, never a graph or a file. Unreachable pairs have no value.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TravelMatrix {
    rows: usize,
    cols: usize,
    time: Vec<u32>,
    dist: Vec<u32>,
}

const UNREACHABLE: u32 = u32::MAX;

impl TravelMatrix {
    /// A `rows × cols` matrix in which nothing is reachable yet.
    pub fn unreachable(rows: usize, cols: usize) -> Self {
        Self { rows, cols, time: vec![UNREACHABLE; rows * cols], dist: vec![UNREACHABLE; rows * cols] }
    }

    /// Number of origins.
    pub fn rows(&self) -> usize {
        self.rows
    }

    /// Number of destinations.
    pub fn cols(&self) -> usize {
        self.cols
    }

    /// Sets the time and distance from origin `r` to destination `c`. A time of `u32::MAX` ms reads as
    /// unreachable.
    pub fn set(&mut self, r: usize, c: usize, time: Millis, dist: Centimeters) {
        let i = self.index(r, c);
        self.time[i] = time.0;
        self.dist[i] = dist.0;
    }

    /// Marks origin `r` to destination `c` as unreachable.
    pub fn set_unreachable(&mut self, r: usize, c: usize) {
        let i = self.index(r, c);
        self.time[i] = UNREACHABLE;
        self.dist[i] = UNREACHABLE;
    }

    /// The travel time from origin `r` to destination `c`, or `None` when it cannot be reached.
    pub fn time(&self, r: usize, c: usize) -> Option<Millis> {
        let t = self.time[self.index(r, c)];
        (t != UNREACHABLE).then_some(Millis(t))
    }

    /// The length of the fastest route from origin `r` to destination `c`, or `None` when it cannot be reached.
    pub fn distance(&self, r: usize, c: usize) -> Option<Centimeters> {
        let i = self.index(r, c);
        (self.time[i] != UNREACHABLE).then_some(Centimeters(self.dist[i]))
    }

    fn index(&self, r: usize, c: usize) -> usize {
        assert!(
            r < self.rows && c < self.cols,
            "cell ({r}, {c}) outside a {}x{} matrix",
            self.rows,
            self.cols
        );
        r * self.cols + c
    }
}
