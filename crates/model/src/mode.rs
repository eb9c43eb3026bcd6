use serde::{Deserialize, Serialize};

/// How a person travels. Each mode has its own network (a profile decides which ways it uses and how fast).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Mode {
    /// On foot, on streets, footways, paths and platforms, in both directions of one-way streets.
    Walk,
    /// By car, on roads open to motor vehicles, respecting one-way streets.
    Car,
}

impl Mode {
    /// Every mode, in a stable order.
    pub const ALL: [Mode; 2] = [Mode::Walk, Mode::Car];

    /// The lowercase name used in files, on the command line and in the API.
    pub fn as_str(self) -> &'static str {
        match self {
            Mode::Walk => "walk",
            Mode::Car => "car",
        }
    }
}

impl std::fmt::Display for Mode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A mode name that neuvo does not know.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("unknown mode {0:?}: expected one of walk, car")]
pub struct ParseModeError(pub String);

impl std::str::FromStr for Mode {
    type Err = ParseModeError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "walk" | "foot" => Ok(Mode::Walk),
            "car" | "drive" => Ok(Mode::Car),
            other => Err(ParseModeError(other.to_owned())),
        }
    }
}
