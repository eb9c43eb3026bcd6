//! Tests: brute-force oracle on random instances, validation, infeasibility explanations, explanations,
//! tradeoff, determinism, time limits.

mod explain;
mod random;
mod scratch;
mod infeasible;
mod oracle;
mod solve;
mod tradeoff;
mod validation;
