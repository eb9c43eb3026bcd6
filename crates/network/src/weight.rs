//! The packed travel weight: time first, distance second.

use neuvo_model::{Centimeters, Millis};

/// A travel weight: milliseconds in the high 32 bits, centimetres in the low 32 bits.
///
/// Comparing two weights compares time first and breaks ties by distance, and adding two weights adds both
/// parts at once (distances stay far below 2³² cm = 42 949 km, so the low half never carries into the high
/// half). One `u64` therefore gives every search in this crate the same, total order on paths: the contraction
/// hierarchy and plain Dijkstra find the same (time, distance) to the unit, not only the same time.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct Weight(pub u64);

impl Weight {
    /// No path: larger than every real weight.
    pub const INFINITY: Weight = Weight(u64::MAX);
    /// The empty path.
    pub const ZERO: Weight = Weight(0);

    /// A weight of `time` and `dist`.
    pub fn new(time: Millis, dist: Centimeters) -> Self {
        Weight((u64::from(time.0) << 32) | u64::from(dist.0))
    }

    /// The time part.
    pub fn time(self) -> Millis {
        Millis((self.0 >> 32) as u32)
    }

    /// The distance part.
    pub fn dist(self) -> Centimeters {
        Centimeters(self.0 as u32)
    }

    /// Whether this is [`Weight::INFINITY`].
    pub fn is_infinite(self) -> bool {
        self == Weight::INFINITY
    }

    /// The weight of a path followed by another; saturates at [`Weight::INFINITY`].
    #[inline]
    pub fn plus(self, other: Weight) -> Weight {
        Weight(self.0.saturating_add(other.0))
    }

    /// The share `f` (0…1) of this weight, each part rounded to its unit, for a point part-way along an edge.
    pub fn fraction(self, f: f64) -> Weight {
        let f = f.clamp(0.0, 1.0);
        let t = (f64::from(self.time().0) * f).round() as u32;
        let d = (f64::from(self.dist().0) * f).round() as u32;
        Weight::new(Millis(t), Centimeters(d))
    }

    /// The weight of travelling `length_m` metres at `speed_kmh`.
    pub fn of_travel(length_m: f64, speed_kmh: f64) -> Weight {
        let secs = length_m / (speed_kmh / 3.6);
        Weight::new(Millis::from_secs_f64(secs), Centimeters::from_m_f64(length_m))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn order_is_time_first_then_distance_and_sums_are_exact() {
        let a = Weight::new(Millis(10), Centimeters(900));
        let b = Weight::new(Millis(11), Centimeters(5));
        let c = Weight::new(Millis(10), Centimeters(901));
        assert!(a < b && a < c && c < b);
        let s = a.plus(b);
        assert_eq!(s.time(), Millis(21));
        assert_eq!(s.dist(), Centimeters(905));
        assert!(Weight::INFINITY.plus(a).is_infinite());
    }

    #[test]
    fn fraction_and_travel_round_each_part() {
        let w = Weight::of_travel(100.0, 3.6); // 100 m at 1 m/s
        assert_eq!(w.time(), Millis(100_000));
        assert_eq!(w.dist(), Centimeters(10_000));
        let h = w.fraction(0.25);
        assert_eq!(h.time(), Millis(25_000));
        assert_eq!(h.dist(), Centimeters(2_500));
    }
}
