use serde::{Deserialize, Serialize};

/// A duration in whole milliseconds: travel times on the network are integers, so sums are exact and results
/// reproducible. `u32` holds up to 49 days.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct Millis(pub u32);

impl Millis {
    /// Rounds a number of seconds to the nearest millisecond, saturating at the type's range.
    pub fn from_secs_f64(s: f64) -> Self {
        Self((s * 1000.0).round().clamp(0.0, f64::from(u32::MAX)) as u32)
    }

    /// The duration in seconds.
    pub fn as_secs_f64(self) -> f64 {
        f64::from(self.0) / 1000.0
    }
}

/// A length in whole centimetres. `u32` holds up to 42 949 km, more than any route in a city region.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct Centimeters(pub u32);

impl Centimeters {
    /// Rounds a number of metres to the nearest centimetre, saturating at the type's range.
    pub fn from_m_f64(m: f64) -> Self {
        Self((m * 100.0).round().clamp(0.0, f64::from(u32::MAX)) as u32)
    }

    /// The length in metres.
    pub fn as_m_f64(self) -> f64 {
        f64::from(self.0) / 100.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn conversions_round_to_the_nearest_unit_and_saturate() {
        assert_eq!(Millis::from_secs_f64(1.2345), Millis(1235));
        assert_eq!(Millis::from_secs_f64(-3.0), Millis(0));
        assert_eq!(Millis::from_secs_f64(1e12), Millis(u32::MAX));
        assert_eq!(Centimeters::from_m_f64(12.344), Centimeters(1234));
        assert_eq!(Centimeters(150).as_m_f64(), 1.5);
    }
}
