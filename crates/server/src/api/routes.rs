//! The advisors' job over HTTP: a day's home visits planned as a job, each advisor's day published as their plan,
//! and the advisor's own downloads (GPX, iCalendar, GeoJSON, CSV run sheet, HTML day sheet).
//!
//! Privacy: request bodies hold clients' details, so they are never logged; a published day keeps client names,
//! addresses and phone numbers only when the planner asks for it (`reveal_client_details`), otherwise only
//! pseudonyms are stored; an advisor downloads only their own days, and every download is in the audit log.

use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::Duration;

use axum::Json;
use axum::extract::{Path, State};
use axum::http::header;
use axum::response::{IntoResponse, Response};
use neuvo_export::{AdvisorDay, ExportOptions};
use neuvo_model::Mode;
use neuvo_network::Network;
use neuvo_planner::InputError;
use neuvo_planner::day::{
    AdvisorSpec, DayError, DayInput, DayOptions, DayRequests, SessionSpec, VisitRequest, plan_day,
    read_advisors_csv, read_sessions_csv, read_visits_csv,
};
use rusqlite::params;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::AppState;
use crate::auth::{AuthUser, Role};
use crate::db::{self, now};
use crate::error::{ApiError, ApiResult, ErrorBody};
use crate::extract::AppJson;
use crate::jobs::{JobFailure, JobStatus};

pub(crate) const PLANNING: [Role; 2] = [Role::Planner, Role::Admin];

/// Most visit requests one job plans.
const MAX_VISITS: usize = 5_000;
/// Longest solver time limit a request may ask for, in seconds.
const MAX_TIME_LIMIT_S: f64 = 300.0;

/// The sample day shipped with the data (central Helsinki: four advisors, two pop-up sessions, requests drawn
/// from the 75+ population), for trying the advisors' job out (planners, admins).
#[utoipa::path(get, path = "/api/v1/routes/sample", tag = "plans", security(("bearer" = [])),
    responses((status = 200, body = Object), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody)))]
pub(crate) async fn sample(State(s): State<AppState>, user: AuthUser) -> ApiResult<Json<DayRequests>> {
    user.require(&PLANNING, "reading visit requests")?;
    s.planning.as_ref().and_then(|p| p.sample_day.clone()).map(Json).ok_or_else(|| {
        ApiError::NotFound("this server has no sample day (data/routes/ was not found)".into())
    })
}

/// A day to plan. Give the inputs as JSON arrays (`visits`, `advisors`, `sessions`), as CSV text in the formats
/// `neuvo routes` reads (`visits_csv`, `advisors_csv`, `sessions_csv`), or `sample: true` for the shipped sample.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct RoutesRequest {
    /// The day, `YYYY-MM-DD`.
    date: String,
    /// Plan the shipped sample day.
    #[serde(default)]
    sample: bool,
    /// Visit requests.
    #[schema(value_type = Option<Vec<Object>>)]
    visits: Option<Vec<VisitRequest>>,
    /// Visit requests as CSV.
    visits_csv: Option<String>,
    /// Advisors.
    #[schema(value_type = Option<Vec<Object>>)]
    advisors: Option<Vec<AdvisorSpec>>,
    /// Advisors as CSV.
    advisors_csv: Option<String>,
    /// Pinned pop-up sessions.
    #[schema(value_type = Option<Vec<Object>>)]
    sessions: Option<Vec<SessionSpec>>,
    /// Sessions as CSV.
    sessions_csv: Option<String>,
    /// Solver time limit in seconds (default 10, at most 300).
    time_limit_s: Option<f64>,
    /// Solver seed (default 1).
    seed: Option<u64>,
    /// Solver iteration limit: with a seed, the same plan on any machine.
    iterations: Option<u64>,
    /// Use as few advisors as possible.
    #[serde(default)]
    fewest_advisors: bool,
    /// Weight of the workload-balance term (default 1).
    balance: Option<i64>,
    /// Minutes of travel a visit is worth sending to the client's preferred advisor (default 10).
    preference_min: Option<f64>,
    /// Store each advisor's day as their plan, replacing their earlier plan of the same date. The advisor's user
    /// name must equal their id in the request.
    #[serde(default)]
    publish: bool,
    /// Keep clients' names, addresses and phone numbers in the published days (default: pseudonyms only).
    #[serde(default)]
    reveal_client_details: bool,
}

/// Where one advisor's day went.
#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct Published {
    /// The advisor's id.
    advisor: String,
    /// The day, `YYYY-MM-DD`.
    date: String,
    /// The stored plan, when published.
    plan_id: Option<i64>,
    /// Why not, when not.
    reason: Option<String>,
}

fn either<T>(
    field: &str,
    json: Option<Vec<T>>,
    csv: Option<String>,
    read: impl Fn(&[u8], &str) -> Result<Vec<T>, neuvo_planner::day::RequestError>,
) -> ApiResult<Option<Vec<T>>> {
    match (json, csv) {
        (Some(_), Some(_)) => Err(ApiError::invalid(
            format!("give either `{field}` or `{field}_csv`, not both"),
            serde_json::json!({"field": field}),
        )),
        (Some(v), None) => Ok(Some(v)),
        (None, Some(text)) => read(text.as_bytes(), &format!("{field}_csv")).map(Some).map_err(|e| {
            ApiError::invalid(
                e.to_string(),
                serde_json::json!({"field": format!("{field}_csv"), "line": e.line, "column": e.field}),
            )
        }),
        (None, None) => Ok(None),
    }
}

fn day_error(e: DayError) -> JobFailure {
    match e {
        DayError::Cancelled => JobFailure::Cancelled,
        e => JobFailure::Failed(e.to_string()),
    }
}

/// Plans a day of home visits as a job; answers 202 with the job at once. The result is `{summary, routes,
/// published}`: the summary `neuvo routes --json` prints (pseudonyms only), every advisor's route as one GeoJSON
/// layer, and where each advisor's day was stored when `publish` was asked for.
#[utoipa::path(post, path = "/api/v1/jobs/routes", tag = "plans", security(("bearer" = [])), request_body = RoutesRequest,
    responses((status = 202, body = JobStatus), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody),
        (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 413, body = ErrorBody),
        (status = 422, body = ErrorBody), (status = 429, body = ErrorBody, description = "The job queue is full")))]
pub(crate) async fn submit(
    State(s): State<AppState>,
    user: AuthUser,
    AppJson(req): AppJson<RoutesRequest>,
) -> ApiResult<impl IntoResponse> {
    user.require(&PLANNING, "planning advisors' days")?;
    let date = chrono::NaiveDate::parse_from_str(&req.date, "%Y-%m-%d").map_err(|_| {
        ApiError::invalid(
            format!("date {:?} is not YYYY-MM-DD", req.date),
            serde_json::json!({"field": "date"}),
        )
    })?;
    let visits = either("visits", req.visits, req.visits_csv, |r, f| read_visits_csv(r, f))?;
    let advisors = either("advisors", req.advisors, req.advisors_csv, |r, f| read_advisors_csv(r, f))?;
    let sessions = either("sessions", req.sessions, req.sessions_csv, |r, f| read_sessions_csv(r, f))?;
    let input = if req.sample {
        if visits.is_some() || advisors.is_some() || sessions.is_some() {
            return Err(ApiError::invalid(
                "give either `sample: true` or your own visits and advisors, not both",
                serde_json::json!({"field": "sample"}),
            ));
        }
        let sample = s.planning.as_ref().and_then(|p| p.sample_day.clone()).ok_or_else(|| {
            ApiError::NotFound("this server has no sample day (data/routes/ was not found)".into())
        })?;
        DayInput { date, visits: sample.visits, advisors: sample.advisors, sessions: sample.sessions }
    } else {
        let (Some(visits), Some(advisors)) = (visits, advisors) else {
            return Err(ApiError::invalid(
                "a day needs visits and advisors (`visits` or `visits_csv`, `advisors` or `advisors_csv`), or `sample: true`",
                serde_json::json!({"field": "visits"}),
            ));
        };
        DayInput { date, visits, advisors, sessions: sessions.unwrap_or_default() }
    };
    if input.visits.len() > MAX_VISITS {
        return Err(ApiError::invalid(
            format!("{} visits is more than one job plans ({MAX_VISITS})", input.visits.len()),
            serde_json::json!({"field": "visits"}),
        ));
    }
    let problems = neuvo_planner::day::cross_check(&input.visits, &input.advisors, &input.sessions);
    if !problems.is_empty() {
        return Err(ApiError::invalid(
            format!("the day's inputs have {} problem(s): {}", problems.len(), problems.join("; ")),
            serde_json::json!({"issues": problems}),
        ));
    }
    let time_limit = req.time_limit_s.unwrap_or(10.0);
    if !(time_limit > 0.0 && time_limit <= MAX_TIME_LIMIT_S) {
        return Err(ApiError::invalid(
            format!("time_limit_s {time_limit}: expected more than 0 and at most {MAX_TIME_LIMIT_S}"),
            serde_json::json!({"field": "time_limit_s"}),
        ));
    }
    let preference_min = req.preference_min.unwrap_or(10.0);
    let balance = req.balance.unwrap_or(1);
    if !(preference_min.is_finite() && preference_min >= 0.0) || balance < 0 {
        return Err(ApiError::invalid(
            "preference_min and balance must be 0 or more",
            serde_json::json!({"field": "preference_min"}),
        ));
    }
    // Networks of the modes in use, from the server's loaded networks.
    let mut nets: BTreeMap<Mode, Arc<Network>> = BTreeMap::new();
    for a in &input.advisors {
        if let std::collections::btree_map::Entry::Vacant(e) = nets.entry(a.mode) {
            e.insert(s.network(a.mode)?.net.clone());
        }
    }
    let options = DayOptions {
        seed: req.seed.unwrap_or(1),
        time_limit: Duration::from_secs_f64(time_limit),
        max_iterations: req.iterations,
        fewest_advisors: req.fewest_advisors,
        balance_weight: balance,
        preference_cost_s: (preference_min * 60.0).round() as i64,
        threads: 1,
        sessions_first: false,
    };
    // Job parameters are shown in job lists: counts only, never a client's detail.
    let params = serde_json::json!({"date": req.date, "visits": input.visits.len(), "advisors": input.advisors.len(),
        "sessions": input.sessions.len(), "publish": req.publish, "time_limit_s": time_limit});
    let (db, planner, publish, reveal) = (s.db.clone(), user.0.id, req.publish, req.reveal_client_details);
    let status = s.jobs.submit(
        &s.db,
        user.0.id,
        "routes",
        &params,
        Box::new(move |ctx| {
            let network = |m: Mode| {
                nets.get(&m).cloned().ok_or_else(|| InputError(format!("this server has no {m} network")))
            };
            let plan = plan_day(&input, &network, &options, ctx, &|| ctx.cancelled()).map_err(day_error)?;
            let published = if publish {
                let summary_of = |day: &AdvisorDay| {
                    serde_json::to_value(plan.summary.days.iter().find(|d| d.id == day.advisor_id))
                        .unwrap_or_default()
                };
                publish_days(&db, planner, &plan.days, &summary_of, reveal)
                    .map_err(|e| JobFailure::Failed(format!("storing the days failed: {e}")))?
            } else {
                Vec::new()
            };
            Ok(serde_json::json!({"summary": plan.summary, "routes": plan.routes_geojson, "published": published}))
        }),
    )?;
    Ok(super::jobs::accepted(status))
}

/// Stores each day as its advisor's plan (replacing their earlier plan of that advisor and date); an advisor
/// without a user of the same name gets no plan, with the reason. `summary_of` gives the advisor's day in figures
/// (departure, return, stops), stored beside the day for the advisor's timeline. Shared by the routes job and the
/// rotation job.
pub(crate) fn publish_days(
    db: &db::Db,
    planner: i64,
    days: &[AdvisorDay],
    summary_of: &dyn Fn(&AdvisorDay) -> serde_json::Value,
    reveal: bool,
) -> Result<Vec<Published>, ApiError> {
    db.with(|c| {
        let mut out = Vec::new();
        for day in days {
            let user = db::user_by_name(c, &day.advisor_id)?;
            let Some(u) = user.filter(|u| u.role == Role::Advisor) else {
                out.push(Published {
                    advisor: day.advisor_id.clone(),
                    date: day.date.to_string(),
                    plan_id: None,
                    reason: Some(format!(
                        "no advisor user named {:?}: add one with `neuvo user add {} --role advisor`",
                        day.advisor_id, day.advisor_id
                    )),
                });
                continue;
            };
            let mut stored = day.clone();
            if !reveal {
                for s in &mut stored.stops {
                    if let Some(client) = &mut s.client {
                        client.name = None;
                        client.address = None;
                        client.phone = None;
                    }
                }
            }
            let advisor_summary = summary_of(day);
            let body = serde_json::json!({"day": stored, "summary": advisor_summary, "reveal_client_details": reveal});
            let date = day.date.to_string();
            let replaced = c.execute(
                "DELETE FROM plans WHERE kind = 'day' AND advisor_id = ?1 AND date = ?2",
                params![u.id, date],
            )?;
            c.execute(
                "INSERT INTO plans (kind, advisor_id, date, body, created_by, created_at) VALUES ('day', ?1, ?2, ?3, ?4, ?5)",
                params![u.id, date, body.to_string(), planner, now()],
            )?;
            let id = c.last_insert_rowid();
            let note = if replaced > 0 { format!("replaced {replaced} earlier plan(s)") } else { String::new() };
            db::audit(c, Some(planner), "plan.publish", &format!("plan/{id}"), &note)?;
            out.push(Published { advisor: day.advisor_id.clone(), date, plan_id: Some(id), reason: None });
        }
        Ok(out)
    })
}

/// The formats of a day.
const FORMATS: [(&str, &str); 5] = [
    ("gpx", "application/gpx+xml"),
    ("ics", "text/calendar; charset=utf-8"),
    ("geojson", "application/geo+json"),
    ("csv", "text/csv; charset=utf-8"),
    ("html", "text/html; charset=utf-8"),
];

/// Downloads a day plan as `gpx`, `ics`, `geojson`, `csv` (run sheet) or `html` (printable day sheet). An advisor
/// may download only their own days; every download, and every refused one, is in the audit log.
#[utoipa::path(get, path = "/api/v1/plans/{id}/{format}", tag = "records", security(("bearer" = [])),
    params(("id" = i64, Path), ("format" = String, Path, description = "gpx, ics, geojson, csv or html")),
    responses((status = 200, description = "The file", content_type = "application/octet-stream"),
        (status = 400, body = ErrorBody), (status = 401, body = ErrorBody),
        (status = 403, body = ErrorBody, description = "Another advisor's plan"), (status = 404, body = ErrorBody),
        (status = 422, body = ErrorBody)))]
pub(crate) async fn export(
    State(s): State<AppState>,
    user: AuthUser,
    Path((id, format)): Path<(String, String)>,
) -> ApiResult<Response> {
    let id: i64 = id.parse().map_err(|_| ApiError::BadRequest(format!("id: {id:?} is not a number")))?;
    let Some(&(format, content_type)) = FORMATS.iter().find(|(f, _)| *f == format) else {
        return Err(ApiError::NotFound(format!(
            "no format {format:?}: expected gpx, ics, geojson, csv or html"
        )));
    };
    let u = user.0.clone();
    let plan =
        s.db.call(move |c| {
            let plan = match super::records::plan_for(c, &u, id)? {
                Ok(p) => p,
                Err(e) => return Ok(Err(e)),
            };
            if plan.kind != "day" {
                return Ok(Err(ApiError::invalid(
                    format!("plan {id} is a {} plan; only day plans have files", plan.kind),
                    serde_json::Value::Null,
                )));
            }
            db::audit(c, Some(u.id), &format!("plan.download.{format}"), &format!("plan/{id}"), "")?;
            Ok(Ok(plan))
        })
        .await??;
    let stored = plan.body.unwrap_or_default();
    let day: AdvisorDay = serde_json::from_value(stored["day"].clone())
        .map_err(|e| ApiError::Internal(format!("plan {id} holds no day: {e}")))?;
    let mut options = ExportOptions::new(chrono::Utc::now().naive_utc());
    options.reveal_client_details = stored["reveal_client_details"].as_bool().unwrap_or(false);
    let text = match format {
        "gpx" => neuvo_export::gpx(&day, &options),
        "ics" => neuvo_export::ics(&day, &options),
        "geojson" => neuvo_export::geojson(&day, &options).map(|v| v.to_string()),
        "csv" => neuvo_export::csv_run_sheet(&day, &options),
        _ => neuvo_export::html_day_sheet(&day, &options),
    }
    .map_err(|e| ApiError::Internal(format!("plan {id} cannot be exported: {e}")))?;
    let name = format!(
        "attachment; filename=\"{}-{}.{format}\"",
        day.advisor_id
            .chars()
            .filter(|c| c.is_ascii_alphanumeric() || *c == '-' || *c == '_')
            .collect::<String>(),
        day.date
    );
    Ok(([(header::CONTENT_TYPE, content_type.to_owned()), (header::CONTENT_DISPOSITION, name)], text)
        .into_response())
}
