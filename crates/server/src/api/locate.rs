//! The planners' job over HTTP: the shipped scenarios, and location plans as jobs.

use axum::Json;
use axum::extract::State;
use axum::response::IntoResponse;
use neuvo_planner::{Overrides, PlanError, RunOptions, Scenario, ScenarioError, run_locate};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::travel::ANALYSIS;
use crate::AppState;
use crate::auth::AuthUser;
use crate::error::{ApiError, ApiResult, ErrorBody};
use crate::extract::AppJson;
use crate::jobs::{JobFailure, JobStatus};

/// A scenario shipped with the server's data (`data/scenarios/*.toml`).
#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct ScenarioInfo {
    /// Name, used to run it.
    name: String,
    /// Title.
    title: Option<String>,
    /// Description and caveats.
    description: Option<String>,
    /// Model.
    model: String,
    /// Travel mode.
    mode: String,
    /// New sites.
    p: Option<usize>,
    /// Coverage threshold in minutes.
    minutes: f64,
    /// The whole scenario, as JSON (a client may change it and post it as `body`).
    #[schema(value_type = Object)]
    body: serde_json::Value,
}

pub(crate) fn planning(s: &AppState) -> ApiResult<&crate::Planning> {
    s.planning.as_ref().ok_or_else(|| {
        ApiError::invalid(
            "this server runs no location plans (it was started without a data folder)",
            serde_json::Value::Null,
        )
    })
}

/// The scenarios shipped with the data, to run by name.
#[utoipa::path(get, path = "/api/v1/locate/scenarios", tag = "plans", security(("bearer" = [])),
    responses((status = 200, body = Vec<ScenarioInfo>), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
        (status = 422, body = ErrorBody)))]
pub(crate) async fn scenarios(
    State(s): State<AppState>,
    user: AuthUser,
) -> ApiResult<Json<Vec<ScenarioInfo>>> {
    user.require(&ANALYSIS, "reading scenarios")?;
    let p = planning(&s)?;
    let list = p
        .scenarios
        .iter()
        .map(|sc| ScenarioInfo {
            name: sc.name.clone(),
            title: sc.title.clone(),
            description: sc.description.clone(),
            model: sc.locate.model.as_str().to_owned(),
            mode: sc.network.mode.as_str().to_owned(),
            p: sc.locate.p,
            minutes: sc.locate.minutes,
            body: serde_json::to_value(sc).unwrap_or_default(),
        })
        .collect();
    Ok(Json(list))
}

/// A location plan to compute.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct LocateRequest {
    /// The name of a shipped scenario (see `GET /api/v1/locate/scenarios`) …
    scenario: Option<String>,
    /// … or a whole scenario as JSON; its data paths must lie inside the server's data folder.
    #[schema(value_type = Object)]
    body: Option<serde_json::Value>,
    /// Changes to the scenario's `[locate]` settings (model, p, minutes, method, time_limit_s).
    #[serde(default)]
    #[schema(value_type = Object)]
    overrides: Overrides,
    /// Also solve for p = 0 … k for the trade-off table (default true).
    tradeoff: Option<bool>,
}

pub(crate) fn scenario_error(e: ScenarioError) -> ApiError {
    match e {
        ScenarioError::Parse { message, .. } => {
            ApiError::invalid(format!("the scenario cannot be read: {message}"), serde_json::Value::Null)
        }
        ScenarioError::Invalid { issues, .. } => ApiError::invalid(
            format!(
                "the scenario has {} problem(s): {}",
                issues.len(),
                issues.iter().map(ToString::to_string).collect::<Vec<_>>().join("; ")
            ),
            serde_json::json!({"issues": issues}),
        ),
    }
}

/// Computes a location plan as a job; answers 202 with the job at once. The result is
/// `{summary, sites, cells}`: the summary `neuvo locate --json` prints, and the sites and cells as GeoJSON.
#[utoipa::path(post, path = "/api/v1/jobs/locate", tag = "plans", security(("bearer" = [])), request_body = LocateRequest,
    responses((status = 202, body = JobStatus), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody),
        (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 413, body = ErrorBody),
        (status = 422, body = ErrorBody), (status = 429, body = ErrorBody, description = "The job queue is full")))]
pub(crate) async fn submit(
    State(s): State<AppState>,
    user: AuthUser,
    AppJson(req): AppJson<LocateRequest>,
) -> ApiResult<impl IntoResponse> {
    user.require(&ANALYSIS, "computing location plans")?;
    let planning = planning(&s)?.clone();
    let scenario = match (req.scenario, req.body) {
        (Some(name), None) => planning
            .scenarios
            .iter()
            .find(|sc| sc.name == name)
            .cloned()
            .ok_or_else(|| ApiError::NotFound(format!("no shipped scenario named {name:?}")))?,
        (None, Some(body)) => Scenario::from_json(body, "request body").map_err(scenario_error)?,
        _ => {
            return Err(ApiError::invalid(
                "give either `scenario` (a shipped scenario's name) or `body` (a whole scenario), not both",
                serde_json::json!({"field": "scenario"}),
            ));
        }
    };
    let origin = format!("scenario {}", scenario.name);
    let scenario = scenario.with_overrides(&req.overrides, &origin).map_err(scenario_error)?;
    let confined = scenario.confined_path_issues();
    if !confined.is_empty() {
        return Err(scenario_error(ScenarioError::Invalid { origin, issues: confined }));
    }
    let params = serde_json::json!({"scenario": scenario.name, "model": scenario.locate.model.as_str(),
        "p": scenario.locate.p, "minutes": scenario.locate.minutes});
    let options = RunOptions { threads: 1, tradeoff: req.tradeoff.unwrap_or(true) };
    let status = s.jobs.submit(
        &s.db,
        user.0.id,
        "locate",
        &params,
        Box::new(move |ctx| {
            match run_locate(&scenario, planning.inputs.as_ref(), options, ctx, &|| ctx.cancelled()) {
                Ok(r) => Ok(serde_json::json!({
                    "summary": r.summary, "sites": r.sites_geojson, "cells": r.cells_geojson,
                })),
                Err(PlanError::Cancelled) => Err(JobFailure::Cancelled),
                Err(e) => Err(JobFailure::Failed(e.to_string())),
            }
        }),
    )?;
    Ok(super::jobs::accepted(status))
}
