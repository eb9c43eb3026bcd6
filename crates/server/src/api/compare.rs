//! The analysts' job over HTTP: the shipped comparisons (variants of a closure scenario), and two variants compared
//! as a job.

use axum::Json;
use axum::extract::State;
use axum::response::IntoResponse;
use neuvo_planner::{CompareOptions, CompareScenario, PlanError, ScenarioError, run_compare};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::locate::{planning, scenario_error};
use super::travel::ANALYSIS;
use crate::AppState;
use crate::auth::AuthUser;
use crate::error::{ApiError, ApiResult, ErrorBody};
use crate::extract::AppJson;
use crate::jobs::{JobFailure, JobStatus};

/// A variant of a comparison.
#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct VariantInfo {
    /// Name, used to run it (`before`).
    name: String,
    /// Title.
    title: Option<String>,
    /// The variant it starts from, if any.
    base: Option<String>,
}

/// A comparison shipped with the server's data (`data/scenarios/*.toml` with a `[variants]` table).
#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct ComparisonInfo {
    /// Name, used to run it.
    name: String,
    /// Title.
    title: Option<String>,
    /// Description and caveats.
    description: Option<String>,
    /// The variants, by name.
    variants: Vec<VariantInfo>,
    /// The modes measured: `walk`, `car`, `transit`.
    modes: Vec<String>,
    /// The weekday measured (`Tu`).
    day: String,
    /// The time of day measured (`10:00`).
    time: String,
    /// Thresholds, minutes, for the shares of people within.
    thresholds_minutes: Vec<f64>,
    /// The whole comparison, as JSON (a client may change it and post it as `comparison`).
    #[schema(value_type = Object)]
    body: serde_json::Value,
}

/// The comparisons shipped with the data, to run by name.
#[utoipa::path(get, path = "/api/v1/compare/scenarios", tag = "plans", security(("bearer" = [])),
    responses((status = 200, body = Vec<ComparisonInfo>), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
        (status = 422, body = ErrorBody)))]
pub(crate) async fn comparisons(
    State(s): State<AppState>,
    user: AuthUser,
) -> ApiResult<Json<Vec<ComparisonInfo>>> {
    user.require(&ANALYSIS, "reading comparisons")?;
    let p = planning(&s)?;
    let list = p
        .comparisons
        .iter()
        .map(|c| ComparisonInfo {
            name: c.name.clone(),
            title: c.title.clone(),
            description: c.description.clone(),
            variants: c
                .variants
                .iter()
                .map(|(name, v)| VariantInfo {
                    name: name.clone(),
                    title: v.title.clone(),
                    base: v.base.clone(),
                })
                .collect(),
            modes: c.modes.keys().cloned().collect(),
            day: c.when.day.clone(),
            time: c.when.time.clone(),
            thresholds_minutes: c.thresholds_minutes.clone(),
            body: serde_json::to_value(c).unwrap_or_default(),
        })
        .collect();
    Ok(Json(list))
}

/// Which comparison to run: a shipped one by name, or a whole comparison as JSON.
#[derive(Debug, Deserialize)]
#[serde(untagged)]
pub(crate) enum ComparisonRef {
    /// The name of a shipped comparison (see `GET /api/v1/compare/scenarios`).
    Name(String),
    /// A whole comparison as JSON; its data paths must lie inside the server's data folder.
    Inline(serde_json::Value),
}

/// `ComparisonRef` in the OpenAPI document: a name or an object.
fn comparison_ref_schema() -> utoipa::openapi::schema::Schema {
    use utoipa::openapi::schema::{ObjectBuilder, OneOfBuilder, Type};
    OneOfBuilder::new()
        .item(ObjectBuilder::new().schema_type(Type::String).description(Some("A shipped comparison's name")))
        .item(ObjectBuilder::new().schema_type(Type::Object).description(Some(
            "A whole comparison as JSON (as `body` of `GET /api/v1/compare/scenarios`); its data paths must lie \
             inside the server's data folder",
        )))
        .build()
        .into()
}

/// Two variants of a comparison to compare.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct CompareRequest {
    /// A shipped comparison's name, or a whole comparison as a JSON object.
    #[schema(schema_with = comparison_ref_schema)]
    comparison: ComparisonRef,
    /// Variant A, the "before" (`before`).
    a: String,
    /// Variant B, the "after" (`after`).
    b: String,
}

/// Compares variant `a` (before) with variant `b` (after) of a comparison as a job; answers 202 with the job at
/// once. The result is `{summary, difference, sites}`: the summary `neuvo compare --json` prints, the per-cell
/// difference (minutes before, after and after − before per mode, people per group) and the sites of both
/// variants as GeoJSON.
#[utoipa::path(post, path = "/api/v1/jobs/compare", tag = "plans", security(("bearer" = [])), request_body = CompareRequest,
    responses((status = 202, body = JobStatus), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody),
        (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 413, body = ErrorBody),
        (status = 422, body = ErrorBody), (status = 429, body = ErrorBody, description = "The job queue is full")))]
pub(crate) async fn submit(
    State(s): State<AppState>,
    user: AuthUser,
    AppJson(req): AppJson<CompareRequest>,
) -> ApiResult<impl IntoResponse> {
    user.require(&ANALYSIS, "comparing scenarios")?;
    let planning = planning(&s)?.clone();
    let comparison = match req.comparison {
        ComparisonRef::Name(name) => planning
            .comparisons
            .iter()
            .find(|c| c.name == name)
            .cloned()
            .ok_or_else(|| ApiError::NotFound(format!("no shipped comparison named {name:?}")))?,
        ComparisonRef::Inline(body @ serde_json::Value::Object(_)) => {
            CompareScenario::from_json(body, "request body").map_err(scenario_error)?
        }
        ComparisonRef::Inline(_) => {
            return Err(ApiError::invalid(
                "`comparison` is either a shipped comparison's name or a whole comparison as a JSON object",
                serde_json::json!({"field": "comparison"}),
            ));
        }
    };
    let issues = comparison.confined_path_issues();
    if !issues.is_empty() {
        return Err(scenario_error(ScenarioError::Invalid {
            origin: format!("comparison {}", comparison.name),
            issues,
        }));
    }
    for (field, v) in [("a", &req.a), ("b", &req.b)] {
        if !comparison.variants.contains_key(v.as_str()) {
            return Err(ApiError::invalid(
                format!(
                    "no variant {v:?} in comparison {}; its variants: {}",
                    comparison.name,
                    comparison.variant_names()
                ),
                serde_json::json!({"field": field, "variants": comparison.variants.keys().collect::<Vec<_>>()}),
            ));
        }
    }
    let params = serde_json::json!({"comparison": comparison.name, "a": req.a, "b": req.b,
        "modes": comparison.modes.keys().collect::<Vec<_>>()});
    let options = CompareOptions { threads: 1 };
    let (a, b) = (req.a, req.b);
    let status = s.jobs.submit(
        &s.db,
        user.0.id,
        "compare",
        &params,
        Box::new(move |ctx| {
            match run_compare(&comparison, &a, &b, planning.inputs.as_ref(), options, ctx, &|| {
                ctx.cancelled()
            }) {
                Ok(r) => Ok(serde_json::json!({
                    "summary": r.summary, "difference": r.difference_geojson, "sites": r.sites_geojson,
                })),
                Err(PlanError::Cancelled) => Err(JobFailure::Cancelled),
                Err(e) => Err(JobFailure::Failed(e.to_string())),
            }
        }),
    )?;
    Ok(super::jobs::accepted(status))
}
