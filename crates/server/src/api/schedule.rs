//! The rotation job over HTTP: the shipped rotation scenarios, and a rotation of pop-up sessions (with each day's
//! home visits planned around them) as a job, optionally published day by day to each advisor.
//!
//! Privacy: the generated home visits' client names and addresses never leave the job: the stored result and the
//! published days hold pseudonyms only (a visit's place stays, so that the advisor can navigate).

use axum::Json;
use axum::extract::State;
use axum::response::IntoResponse;
use chrono::{Duration, NaiveDate};
use neuvo_export::{AdvisorDay, StopKind};
use neuvo_planner::schedule::{Illness, ScheduleOptions, ScheduleScenario, run_schedule};
use neuvo_planner::{PlanError, ScenarioError};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::locate::{planning, scenario_error};
use super::routes::{PLANNING, publish_days};
use super::travel::ANALYSIS;
use crate::AppState;
use crate::auth::AuthUser;
use crate::error::{ApiError, ApiResult, ErrorBody};
use crate::extract::AppJson;
use crate::jobs::{JobFailure, JobStatus};

/// Most weeks one job plans.
const MAX_WEEKS: u32 = 12;

/// A rotation scenario shipped with the server's data (`data/scenarios/*.toml` with a `[rotation]` table).
#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct RotationInfo {
    /// Name, used to run it.
    name: String,
    /// Title.
    title: Option<String>,
    /// Description and caveats.
    description: Option<String>,
    /// The first day, `YYYY-MM-DD`.
    start: String,
    /// Weeks planned unless the request says otherwise.
    weeks: u32,
    /// The session slots (`09:00-12:00`).
    slots: Vec<String>,
    /// The whole scenario, as JSON (a client may change it and post it as `scenario`).
    #[schema(value_type = Object)]
    body: serde_json::Value,
}

/// The rotation scenarios shipped with the data, to run by name (planners, analysts, admins).
#[utoipa::path(get, path = "/api/v1/schedule/scenarios", tag = "plans", security(("bearer" = [])),
    responses((status = 200, body = Vec<RotationInfo>), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
        (status = 422, body = ErrorBody)))]
pub(crate) async fn rotations(
    State(s): State<AppState>,
    user: AuthUser,
) -> ApiResult<Json<Vec<RotationInfo>>> {
    user.require(&ANALYSIS, "reading rotation scenarios")?;
    let p = planning(&s)?;
    let list = p
        .schedules
        .iter()
        .map(|r| RotationInfo {
            name: r.name.clone(),
            title: r.title.clone(),
            description: r.description.clone(),
            start: r.rotation.start.to_string(),
            weeks: r.rotation.weeks,
            slots: r.rotation.slots.clone(),
            body: serde_json::to_value(r).unwrap_or_default(),
        })
        .collect();
    Ok(Json(list))
}

/// Which rotation to run: a shipped one by name, or a whole rotation scenario as JSON.
#[derive(Debug, Deserialize)]
#[serde(untagged)]
pub(crate) enum RotationRef {
    /// The name of a shipped rotation scenario (see `GET /api/v1/schedule/scenarios`).
    Name(String),
    /// A whole rotation scenario as JSON; its data paths must lie inside the server's data folder.
    Inline(serde_json::Value),
}

/// `RotationRef` in the OpenAPI document: a name or an object.
fn rotation_ref_schema() -> utoipa::openapi::schema::Schema {
    use utoipa::openapi::schema::{ObjectBuilder, OneOfBuilder, Type};
    OneOfBuilder::new()
        .item(ObjectBuilder::new().schema_type(Type::String).description(Some("A shipped rotation scenario's name")))
        .item(ObjectBuilder::new().schema_type(Type::Object).description(Some(
            "A whole rotation scenario as JSON (as `body` of `GET /api/v1/schedule/scenarios`); its data paths must \
             lie inside the server's data folder",
        )))
        .build()
        .into()
}

/// An advisor falling ill during a planned day: that day is planned, then planned again from that moment.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct IllRequest {
    /// The advisor's id.
    advisor: String,
    /// The day, `YYYY-MM-DD`, within the rotation.
    date: String,
    /// The time of day, `HH:MM`.
    at: String,
}

/// A rotation to plan.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct ScheduleRequest {
    /// A shipped rotation scenario's name, or a whole rotation scenario as a JSON object.
    #[schema(schema_with = rotation_ref_schema)]
    scenario: RotationRef,
    /// Weeks to plan, 1 to 12 (default: the scenario's).
    weeks: Option<u32>,
    /// Store each advisor's day (home visits around their sessions) as their plan, replacing their earlier plan of
    /// the same date; planners and admins only. The advisor's user name must equal their id in the scenario.
    #[serde(default)]
    publish: bool,
    /// Re-plan one day after an advisor falls ill.
    ill: Option<IllRequest>,
}

fn field_error(field: &str, message: String) -> ApiError {
    ApiError::invalid(message, serde_json::json!({"field": field}))
}

/// Client names, addresses and phone numbers taken out: pseudonyms only.
fn pseudonyms_only(mut days: Vec<AdvisorDay>) -> Vec<AdvisorDay> {
    for d in &mut days {
        for s in &mut d.stops {
            if let Some(c) = &mut s.client {
                c.name = None;
                c.address = None;
                c.phone = None;
            }
        }
    }
    days
}

/// An advisor's day in figures, in the shape of the routes job's advisor summaries (what the advisor's timeline
/// draws): departure and return, and per stop its times and the travel to it.
fn day_figures(day: &AdvisorDay) -> serde_json::Value {
    let hm = |t: chrono::NaiveDateTime| t.format("%H:%M").to_string();
    let first = day.stops.first();
    let last = day.stops.last();
    let mut stops = Vec::new();
    let (mut visits, mut sessions, mut wait_s) = (0, 0, 0);
    for (i, s) in day.stops.iter().enumerate() {
        if matches!(s.kind, StopKind::Start | StopKind::End) {
            continue;
        }
        match s.kind {
            StopKind::Visit => visits += 1,
            StopKind::Session => sessions += 1,
            _ => {}
        }
        let wait = (s.start - s.arrival).num_seconds().max(0);
        wait_s += wait;
        let id = match (&s.client, s.kind) {
            (Some(c), _) => Some(c.pseudonym.clone()),
            (None, StopKind::Break) => None,
            (None, _) => Some(s.label.clone()),
        };
        stops.push(serde_json::json!({
            "kind": s.kind.as_str(), "id": id, "arrival": hm(s.arrival), "start": hm(s.start), "end": hm(s.end),
            "travel_s": i.checked_sub(1).and_then(|j| day.legs.get(j)).map_or(0, |l| l.travel_s), "wait_s": wait,
        }));
    }
    let (departure, back) = (first.map(|s| s.end), last.map(|s| s.arrival));
    serde_json::json!({
        "id": day.advisor_id,
        "mode": day.mode,
        "visits": visits,
        "sessions": sessions,
        "departure": departure.map(hm),
        "back": back.map(hm),
        "work_s": departure.zip(back).map_or(0, |(a, b)| (b - a).num_seconds().max(0)),
        "travel_s": day.legs.iter().map(|l| u64::from(l.travel_s)).sum::<u64>(),
        "distance_m": day.legs.iter().map(|l| u64::from(l.distance_m)).sum::<u64>(),
        "wait_s": wait_s,
        "stops": stops,
    })
}

/// Plans a rotation as a job; answers 202 with the job at once (planners, analysts and admins; publishing is for
/// planners and admins). The result is `{summary, plan, advisor_days, files, published}`: the summary
/// `neuvo schedule --json` prints, the sessions as exported, each advisor's planned days (stops with places, legs
/// with geometry; pseudonyms only), the names of the files `neuvo schedule --out` writes, and where each day was
/// stored when `publish` was asked for.
#[utoipa::path(post, path = "/api/v1/jobs/schedule", tag = "plans", security(("bearer" = [])), request_body = ScheduleRequest,
    responses((status = 202, body = JobStatus), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody),
        (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 413, body = ErrorBody),
        (status = 422, body = ErrorBody), (status = 429, body = ErrorBody, description = "The job queue is full")))]
pub(crate) async fn submit(
    State(s): State<AppState>,
    user: AuthUser,
    AppJson(req): AppJson<ScheduleRequest>,
) -> ApiResult<impl IntoResponse> {
    user.require(&ANALYSIS, "planning rotations")?;
    if req.publish {
        user.require(&PLANNING, "publishing advisors' days")?;
    }
    let planning = planning(&s)?.clone();
    let scenario = match req.scenario {
        RotationRef::Name(name) => planning
            .schedules
            .iter()
            .find(|r| r.name == name)
            .cloned()
            .ok_or_else(|| ApiError::NotFound(format!("no shipped rotation scenario named {name:?}")))?,
        RotationRef::Inline(body @ serde_json::Value::Object(_)) => {
            ScheduleScenario::from_json(body, "request body").map_err(scenario_error)?
        }
        RotationRef::Inline(_) => {
            return Err(field_error(
                "scenario",
                "`scenario` is either a shipped rotation scenario's name or a whole rotation scenario as a JSON \
                 object"
                    .into(),
            ));
        }
    };
    let issues = scenario.confined_path_issues();
    if !issues.is_empty() {
        return Err(scenario_error(ScenarioError::Invalid {
            origin: format!("scenario {}", scenario.name),
            issues,
        }));
    }
    let weeks = req.weeks.unwrap_or(scenario.rotation.weeks);
    if !(1..=MAX_WEEKS).contains(&weeks) {
        return Err(field_error("weeks", format!("weeks {weeks}: expected 1 to {MAX_WEEKS}")));
    }
    let ill = match req.ill {
        None => None,
        Some(ill) => {
            let date = NaiveDate::parse_from_str(&ill.date, "%Y-%m-%d")
                .map_err(|_| field_error("ill.date", format!("date {:?} is not YYYY-MM-DD", ill.date)))?;
            let first = scenario.rotation.start;
            let last = first + Duration::days(i64::from(weeks) * 7 - 1);
            if date < first || date > last {
                return Err(field_error(
                    "ill.date",
                    format!("{date} is not in the rotation ({first} to {last})"),
                ));
            }
            let at_min = chrono::NaiveTime::parse_from_str(&ill.at, "%H:%M")
                .map(|t| chrono::Timelike::num_seconds_from_midnight(&t) / 60)
                .map_err(|_| field_error("ill.at", format!("time {:?} is not HH:MM", ill.at)))?;
            if ill.advisor.trim().is_empty() {
                return Err(field_error("ill.advisor", "the ill advisor's id is empty".into()));
            }
            Some(Illness { advisor: ill.advisor, date, at_min: at_min as u16 })
        }
    };
    let params = serde_json::json!({"scenario": scenario.name, "weeks": weeks, "publish": req.publish,
        "ill": ill.as_ref().map(|i| serde_json::json!({"advisor": i.advisor, "date": i.date.to_string(), "at_min": i.at_min}))});
    let options = ScheduleOptions {
        weeks: Some(weeks),
        threads: 1,
        generated_at_utc: chrono::Utc::now().naive_utc(),
        ill,
    };
    let (db, planner, publish) = (s.db.clone(), user.0.id, req.publish);
    let status = s.jobs.submit(
        &s.db,
        user.0.id,
        "schedule",
        &params,
        Box::new(move |ctx| {
            let report =
                match run_schedule(&scenario, planning.inputs.as_ref(), &options, ctx, &|| ctx.cancelled()) {
                    Ok(r) => r,
                    Err(PlanError::Cancelled) => return Err(JobFailure::Cancelled),
                    Err(e) => return Err(JobFailure::Failed(e.to_string())),
                };
            let days = pseudonyms_only(report.advisor_days);
            let published = if publish {
                publish_days(&db, planner, &days, &day_figures, false)
                    .map_err(|e| JobFailure::Failed(format!("storing the days failed: {e}")))?
            } else {
                Vec::new()
            };
            let files: Vec<&str> = report.files.iter().map(|(name, _)| name.as_str()).collect();
            Ok(serde_json::json!({
                "summary": report.summary, "plan": report.plan, "advisor_days": days, "files": files,
                "published": published,
            }))
        }),
    )?;
    Ok(super::jobs::accepted(status))
}
