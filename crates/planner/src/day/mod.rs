//! The advisors' day: home-visit requests, advisors and pinned pop-up sessions in (CSV or JSON), each advisor's
//! ordered day out, planned on the street networks of their travel modes by `neuvo-route` and formatted by
//! `neuvo-export`.

mod generate;
mod plan;
mod replan;
pub(crate) mod requests;

pub use generate::{GenerateSpec, generate_visits};
pub use plan::{
    AdvisorSummary, DayError, DayInput, DayOptions, DayPlan, DaySummary, PriorityCount, SolverRun,
    StopSummary, Unserved, plan_day,
};
pub use replan::{ReplanChanges, replan_input};
pub use requests::{
    AdvisorSpec, BreakSpec, ClientDetails, DayRequests, DaySeconds, Priority, RequestError, SessionSpec,
    Span, VisitRequest, cross_check, format_clock, parse_clock, parse_span, read_advisors_csv,
    read_sessions_csv, read_visits_csv, write_visits_csv,
};
