//! Tests: brute-force oracle on random instances, validation, infeasibility explanations, explanations,
//! tradeoff, determinism, time limits.

mod explain;
mod infeasible;
mod oracle;
mod random;
mod solve;
mod tradeoff;
mod validation;
