//! Errors: invalid input (every issue at once), infeasible plans (with figures) and solver failures.

use std::fmt;

use serde::{Deserialize, Serialize};

/// Why [`solve`](crate::solve) and its companions could not return a plan.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum Error {
    /// The problem or the parameters are inconsistent; every issue found is listed.
    #[error("invalid input: {}", join_issues(.0))]
    Invalid(Vec<Issue>),
    /// The input is valid but no plan meets every constraint; the explanation names the constraint and gives
    /// the figures.
    #[error("no plan meets the constraints: {explanation}")]
    Infeasible {
        /// Which constraint cannot be met, with figures.
        explanation: String,
    },
    /// The MILP back end (HiGHS) failed in a way that is not about the problem.
    #[error("the MILP solver failed: {0}")]
    Solver(String),
}

fn join_issues(issues: &[Issue]) -> String {
    issues.iter().map(Issue::to_string).collect::<Vec<_>>().join("; ")
}

/// One problem with the input: a stable code, what is wrong, and what to do about it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Issue {
    /// A stable, machine-readable code.
    pub code: IssueCode,
    /// What is wrong, with the offending values.
    pub message: String,
    /// What to do about it.
    pub hint: String,
}

impl Issue {
    pub(crate) fn new(code: IssueCode, message: impl Into<String>, hint: impl Into<String>) -> Self {
        Self { code, message: message.into(), hint: hint.into() }
    }
}

impl fmt::Display for Issue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "[{}] {} ({})", self.code.as_str(), self.message, self.hint)
    }
}

/// The kinds of input issue. Their [`as_str`](IssueCode::as_str) names are stable and may be matched on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum IssueCode {
    /// The matrix is not demand points × sites.
    MatrixShape,
    /// There are no population groups.
    NoGroups,
    /// A demand point has a number of values other than the number of groups.
    ValuesLength,
    /// A demand value, weight, capacity or rate is negative, NaN or infinite.
    InvalidNumber,
    /// A demand point names a district that does not exist.
    UnknownDistrict,
    /// Two sites share an id.
    DuplicateSiteId,
    /// `weights` is neither empty nor one per group.
    WeightsLength,
    /// A group index (in `min_share` or `equity`) is out of range.
    UnknownGroup,
    /// The coverage threshold is zero.
    ThresholdNotPositive,
    /// `p` is larger than the number of candidate sites.
    PTooLarge,
    /// More candidates are required than `p` allows.
    TooManyRequired,
    /// A site is both required and closed.
    RequiredClosed,
    /// A budget names a kind that no site has.
    UnknownBudgetKind,
    /// Two budgets name the same kind.
    DuplicateBudget,
    /// A minimum share is outside 0..=1.
    MinShareRange,
    /// `visits_per_person` is not one rate per group.
    VisitsLength,
    /// Capacities are requested but an open or candidate site has none.
    CapacityMissing,
    /// The time limit is not a positive number of seconds.
    TimeLimitNotPositive,
    /// The relative MIP gap is outside 0..1.
    MipGapRange,
    /// The option is not available with the chosen model.
    UnsupportedOption,
    /// The instance has too many candidates for exhaustive enumeration.
    TooLargeForBruteForce,
}

impl IssueCode {
    /// The stable snake_case name of the code (`p_too_large`, `capacity_missing`, ...).
    pub fn as_str(self) -> &'static str {
        match self {
            IssueCode::MatrixShape => "matrix_shape",
            IssueCode::NoGroups => "no_groups",
            IssueCode::ValuesLength => "values_length",
            IssueCode::InvalidNumber => "invalid_number",
            IssueCode::UnknownDistrict => "unknown_district",
            IssueCode::DuplicateSiteId => "duplicate_site_id",
            IssueCode::WeightsLength => "weights_length",
            IssueCode::UnknownGroup => "unknown_group",
            IssueCode::ThresholdNotPositive => "threshold_not_positive",
            IssueCode::PTooLarge => "p_too_large",
            IssueCode::TooManyRequired => "too_many_required",
            IssueCode::RequiredClosed => "required_closed",
            IssueCode::UnknownBudgetKind => "unknown_budget_kind",
            IssueCode::DuplicateBudget => "duplicate_budget",
            IssueCode::MinShareRange => "min_share_range",
            IssueCode::VisitsLength => "visits_length",
            IssueCode::CapacityMissing => "capacity_missing",
            IssueCode::TimeLimitNotPositive => "time_limit_not_positive",
            IssueCode::MipGapRange => "mip_gap_range",
            IssueCode::UnsupportedOption => "unsupported_option",
            IssueCode::TooLargeForBruteForce => "too_large_for_brute_force",
        }
    }
}

impl Error {
    /// The codes of an [`Error::Invalid`], in the order found; empty for the other variants.
    pub fn codes(&self) -> Vec<IssueCode> {
        match self {
            Error::Invalid(issues) => issues.iter().map(|i| i.code).collect(),
            _ => Vec::new(),
        }
    }
}
