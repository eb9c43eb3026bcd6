//! Exact MILP formulations, built with good_lp and solved by HiGHS through the `highs` crate, so that we can set
//! options, pass warm starts and read the dual bound.

use std::time::Instant;

use good_lp::solvers::highs::HighsProblem;
use highs::{HighsModelStatus, HighsSolutionStatus};

use crate::error::Error;

pub(crate) mod assign;
pub(crate) mod cover;
pub(crate) mod lscp;
pub(crate) mod mclp;
pub(crate) mod pcenter;
pub(crate) mod pmedian;

/// Solver settings shared by every MILP of a solve.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Settings {
    /// When the solve must end.
    pub(crate) deadline: Instant,
    pub(crate) mip_rel_gap: f64,
    pub(crate) seed: u64,
}

impl Settings {
    pub(crate) fn remaining_s(&self) -> f64 {
        self.deadline.saturating_duration_since(Instant::now()).as_secs_f64()
    }
}

/// What HiGHS returned.
#[derive(Debug)]
pub(crate) enum Outcome {
    /// A feasible solution: column values (in good_lp variable order), objective without constants, dual bound,
    /// and whether optimality was proven.
    Solved { values: Vec<f64>, objective: f64, bound: f64, optimal: bool },
    /// Proven infeasible.
    Infeasible,
    /// Stopped (time limit) without any feasible solution.
    NoSolution,
}

/// Solves a good_lp model with HiGHS: one thread, seeded, quiet, within the remaining time. `warm` is a full
/// column vector of a feasible solution. `first_solution` stops at the first feasible solution found
/// (feasibility checks).
pub(crate) fn run(
    problem: HighsProblem,
    settings: &Settings,
    warm: Option<&[f64]>,
    first_solution: bool,
) -> Result<Outcome, Error> {
    run_with(problem, settings, warm, first_solution, false)
}

/// [`run`], optionally solving the MIP's LPs with the interior-point method (p-median: its large, degenerate
/// LPs took dual simplex 1.8× longer; coverage models gain nothing).
pub(crate) fn run_with(
    problem: HighsProblem,
    settings: &Settings,
    warm: Option<&[f64]>,
    first_solution: bool,
    ipm: bool,
) -> Result<Outcome, Error> {
    let mut model =
        problem.try_into_inner().map_err(|e| Error::Solver(format!("building the HiGHS model: {e}")))?;
    model.make_quiet();
    opt(&mut model, "threads", 1i32)?;
    opt(&mut model, "random_seed", (settings.seed % 2_147_483_647) as i32)?;
    opt(&mut model, "time_limit", settings.remaining_s().max(1e-3))?;
    opt(&mut model, "mip_rel_gap", settings.mip_rel_gap)?;
    if first_solution {
        opt(&mut model, "mip_max_improving_sols", 1i32)?;
    }
    if ipm {
        opt(&mut model, "mip_lp_solver", "ipm")?;
    }
    if let Some(w) = warm {
        model
            .try_set_solution(Some(w), None, None, None)
            .map_err(|e| Error::Solver(format!("warm start: {e:?}")))?;
    }
    let solved = model.try_solve().map_err(|e| Error::Solver(format!("HiGHS run failed: {e:?}")))?;
    let status = solved.status();
    let has_solution = solved.primal_solution_status() == HighsSolutionStatus::Feasible;
    let optimal = match status {
        HighsModelStatus::Optimal => true,
        HighsModelStatus::Infeasible | HighsModelStatus::UnboundedOrInfeasible => {
            return Ok(Outcome::Infeasible);
        }
        HighsModelStatus::ReachedTimeLimit
        | HighsModelStatus::ReachedSolutionLimit
        | HighsModelStatus::ReachedInterrupt
        | HighsModelStatus::ReachedIterationLimit
        | HighsModelStatus::ReachedMemoryLimit => false,
        // An empty model (no column) is solved by its constants.
        HighsModelStatus::ModelEmpty => {
            return Ok(Outcome::Solved { values: Vec::new(), objective: 0.0, bound: 0.0, optimal: true });
        }
        other => return Err(Error::Solver(format!("HiGHS ended with status {other:?}"))),
    };
    if !has_solution {
        return Ok(Outcome::NoSolution);
    }
    let objective = solved.objective_value();
    let bound =
        if optimal { objective } else { solved.double_info_value(c"mip_dual_bound").unwrap_or(f64::NAN) };
    let values = solved.get_solution().columns().to_vec();
    Ok(Outcome::Solved { values, objective, bound, optimal })
}

fn opt<V: highs::HighsOptionValue>(model: &mut highs::Model, key: &str, value: V) -> Result<(), Error> {
    model.try_set_option(key, value).map_err(|_| Error::Solver(format!("HiGHS rejected option {key}")))
}

/// A plan found by a MILP, in the user's units.
#[derive(Clone, Debug)]
pub(crate) struct Plan {
    /// The chosen free (non-required) candidates.
    pub(crate) free_open: Vec<usize>,
    pub(crate) objective: f64,
    pub(crate) tiebreak: Option<f64>,
    /// The dual bound on the primary objective.
    pub(crate) bound: f64,
    pub(crate) optimal: bool,
    pub(crate) assignment: Option<crate::solution::Assignment>,
}

/// The end of a MILP solve.
#[derive(Clone, Debug)]
pub(crate) enum MilpResult {
    Plan(Plan),
    Infeasible,
    /// The time ran out before any feasible plan was found.
    NoSolution,
}

/// A starting plan handed to the MILP (the heuristic's).
#[derive(Clone, Debug, Default)]
pub(crate) struct Warm {
    pub(crate) free_open: Vec<usize>,
    pub(crate) assignment: Option<crate::solution::Assignment>,
}

/// A model column: good_lp's variable and its HiGHS column index.
#[derive(Clone, Copy, Debug)]
pub(crate) struct V {
    pub(crate) var: good_lp::Variable,
    pub(crate) idx: usize,
}

/// good_lp variables with the warm-start value of each column.
pub(crate) struct Builder {
    pub(crate) vars: good_lp::ProblemVariables,
    pub(crate) warm: Vec<f64>,
}

impl Builder {
    pub(crate) fn new() -> Self {
        Self { vars: good_lp::ProblemVariables::new(), warm: Vec::new() }
    }

    pub(crate) fn add(&mut self, def: good_lp::VariableDefinition, warm: f64) -> V {
        let idx = self.vars.len();
        let var = self.vars.add(def);
        self.warm.push(warm);
        V { var, idx }
    }
}

/// Adds `Σ x ≤ limit` and the kind budgets over the model's candidate columns `(site, column)`.
pub(crate) fn count_and_budgets(
    inst: &crate::instance::Instance,
    problem: &mut HighsProblem,
    x: &[(usize, V)],
    limit: Option<usize>,
) {
    use good_lp::{Expression, SolverModel};
    if let Some(limit) = limit
        && x.len() > limit
    {
        let e: Expression = x.iter().map(|&(_, v)| v.var).sum();
        problem.add_constraint(e.leq(limit as f64));
    }
    for (k, b) in inst.free_budget.iter().enumerate() {
        let Some(b) = *b else { continue };
        let of_kind: Vec<good_lp::Variable> =
            x.iter().filter(|&&(j, _)| inst.kind[j] == k).map(|&(_, v)| v.var).collect();
        if of_kind.len() > b {
            let e: Expression = of_kind.into_iter().sum();
            problem.add_constraint(e.leq(b as f64));
        }
    }
}

/// The chosen candidates of a solution: columns whose value rounds to 1.
pub(crate) fn chosen(values: &[f64], x: &[(usize, V)]) -> Vec<usize> {
    let mut c: Vec<usize> = x.iter().filter(|&&(_, v)| values[v.idx] > 0.5).map(|&(j, _)| j).collect();
    c.sort_unstable();
    c
}
