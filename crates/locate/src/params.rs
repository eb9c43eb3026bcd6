//! What to solve and how: the model, its side constraints and the solver settings.

use neuvo_model::Millis;
use serde::{Deserialize, Serialize};

/// The location model.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Model {
    /// Maximal covering: maximise the weighted demand within the threshold of an open site, with `p` new sites.
    #[default]
    Mclp,
    /// Location set covering: the fewest new sites that cover every coverable demand point (or, with
    /// `min_share`, that meet the shares); among those, the most covered weight. Ignores `p`.
    Lscp,
    /// p-median: minimise Σ weight × travel time to the nearest open site (reported in person-seconds).
    PMedian,
    /// p-center: minimise the longest travel time from a demand point of positive weight to its nearest open
    /// site.
    PCenter,
}

impl Model {
    /// The model's name as written in files: `mclp`, `lscp`, `p_median`, `p_center`.
    pub fn as_str(self) -> &'static str {
        match self {
            Model::Mclp => "mclp",
            Model::Lscp => "lscp",
            Model::PMedian => "p_median",
            Model::PCenter => "p_center",
        }
    }

    /// True for the models whose objective is minimised.
    pub fn minimises(self) -> bool {
        !matches!(self, Model::Mclp)
    }

    pub(crate) fn is_coverage(self) -> bool {
        matches!(self, Model::Mclp | Model::Lscp)
    }
}

/// How to solve.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Method {
    /// The MILP alone (HiGHS), without a starting solution.
    Exact,
    /// The greedy + swap heuristic alone: fast, no optimality bound.
    Heuristic,
    /// The heuristic first, then the MILP warm-started from it; on the time limit the best plan found is
    /// returned with its gap.
    #[default]
    Auto,
}

/// An equity objective: maximise the worst share first, then the weighted coverage.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Equity {
    /// The worst covered share (covered people / coverable people) among these groups; empty means every group.
    /// Groups with no coverable people are left out.
    Groups(Vec<usize>),
    /// The worst covered share of weighted demand among the districts (districts with no coverable demand are
    /// left out; points without a district take no part).
    Districts,
}

/// Parameters of a solve. Every field has a documented default ([`Params::default`]).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Params {
    /// The model. Default: [`Model::Mclp`].
    pub model: Model,
    /// The number of **new** sites chosen among the candidates: kept sites are open on top of `p`, required
    /// candidates count within it. At most `p` are chosen when more would not change the objective, but the
    /// plan is filled up to `p` (best marginal gain first) whenever candidates and budgets allow. Ignored by
    /// [`Model::Lscp`]. Default: 1.
    pub p: usize,
    /// The coverage threshold: a demand point is covered by a site when the travel time is at most this.
    /// Used by MCLP, LSCP and `min_share`. Default: 15 minutes (900 000 ms).
    pub threshold: Millis,
    /// One weight per group; a demand point's weight is Σ_g weight_g × people_g. Empty means 1 for every group.
    /// Default: empty.
    pub weights: Vec<f64>,
    /// `(group, share)`: the covered share of the group's coverable people (people at points that some allowed
    /// site covers) must be at least `share` (0..=1). MCLP, LSCP and p-median. Default: none.
    pub min_share: Vec<(usize, f64)>,
    /// Maximise the worst covered share among groups or districts first, then the weighted coverage (MCLP
    /// only). Default: none.
    pub equity: Option<Equity>,
    /// Expected visits per person and period, one rate per group. When set, capacities are active: a point's
    /// visits are Σ_g rate_g × people_g and a site serves at most its `capacity` visits (MCLP: covered demand
    /// is assigned fractionally within capacity; p-median: all demand is assigned fractionally within
    /// capacity). Default: none (uncapacitated).
    pub visits_per_person: Option<Vec<f64>>,
    /// `(kind, max)`: at most `max` chosen (new) sites of that kind; kept sites do not count. Default: none.
    pub budgets: Vec<(String, usize)>,
    /// Exact MILP, heuristic, or heuristic then MILP. Default: [`Method::Auto`].
    pub method: Method,
    /// Wall-clock limit for the MILP solves, in seconds. Default: 60.
    pub time_limit_s: f64,
    /// Relative MIP gap at which HiGHS stops (0 = prove optimality). Default: 1e-6.
    pub mip_rel_gap: f64,
    /// Seed of HiGHS's random choices and of the heuristic's scan order; same seed, same plan. Default: 0.
    pub seed: u64,
}

impl Default for Params {
    fn default() -> Self {
        Self {
            model: Model::Mclp,
            p: 1,
            threshold: Millis(900_000),
            weights: Vec::new(),
            min_share: Vec::new(),
            equity: None,
            visits_per_person: None,
            budgets: Vec::new(),
            method: Method::Auto,
            time_limit_s: 60.0,
            mip_rel_gap: 1e-6,
            seed: 0,
        }
    }
}

impl Params {
    /// The weight of group `g` (1 when `weights` is empty).
    pub(crate) fn weight_of(&self, g: usize) -> f64 {
        if self.weights.is_empty() { 1.0 } else { self.weights.get(g).copied().unwrap_or(0.0) }
    }

    pub(crate) fn capacitated(&self) -> bool {
        self.visits_per_person.is_some()
    }
}
