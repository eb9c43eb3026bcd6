//! The rotation job: where and when pop-up sessions run, week by week, and who holds them.
//!
//! A [`ScheduleScenario`] names its venues (the sites a location scenario chooses, plus hubs), how often general
//! sessions run (from the people each venue is the nearest open site for), the specialist sessions asked for by
//! name (a debt adviser on Tuesdays at the hub, a Swedish-language session), the advisors' file, the road network
//! for travel between venues, and the horizon with its session slots. [`run_schedule`] loads them through
//! [`crate::Inputs`], builds a `neuvo_schedule::Problem`, solves it and formats the sessions with `neuvo-export`.

mod run;
mod spec;

pub use run::{
    AdvisorReport, DayReport, Illness, MilpReport, ReplanReport, RequirementReport, ScheduleOptions,
    ScheduleReport, ScheduleSummary, SessionReport, ShortfallReport, UnservedReport, VenueReport, file_id,
    run_schedule, schedule_table,
};
pub use spec::{
    AdvisorsSpec, DaysSpec, FrequencySpec, RequirementSpec, RotationAdvisor, RotationSpec, ScheduleScenario,
    VenuesSpec, parse_slot, parse_weekday, read_rotation_advisors,
};
