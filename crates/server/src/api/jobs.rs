//! Jobs: submit a matrix, follow its progress (polling or server-sent events), cancel it, fetch its result.

use std::convert::Infallible;
use std::time::Duration;

use axum::Json;
use axum::extract::{Path, State};
use axum::http::{StatusCode, header};
use axum::response::IntoResponse;
use axum::response::sse::{Event, KeepAlive, Sse};
use serde::Deserialize;
use tokio_stream::StreamExt;
use tokio_stream::wrappers::WatchStream;
use utoipa::IntoParams;

use super::meta::parse_mode;
use super::travel::{ANALYSIS, MatrixRequest, check_points, compute_matrix};
use crate::AppState;
use crate::auth::{AuthUser, Role};
use crate::error::{ApiError, ApiResult, ErrorBody};
use crate::extract::{AppJson, AppQuery};
use crate::jobs::{JobFailure, JobStatus};

/// The owner filter for `user`: admins see every job, others their own.
fn owner(user: &AuthUser) -> Option<i64> {
    (user.0.role != Role::Admin).then_some(user.0.id)
}

/// Runs a job-table operation for `user` on a blocking thread (the job table lives in SQLite).
async fn on_jobs<R: Send + 'static>(
    s: &AppState,
    user: &AuthUser,
    f: impl FnOnce(&crate::jobs::Jobs, &crate::db::Db, Option<i64>) -> ApiResult<R> + Send + 'static,
) -> ApiResult<R> {
    let (st, owner) = (s.clone(), owner(user));
    tokio::task::spawn_blocking(move || f(&st.jobs, &st.db, owner)).await?
}

/// Submits a travel-time matrix as a job; answers 202 with the job at once.
#[utoipa::path(post, path = "/api/v1/jobs/matrix", tag = "jobs", security(("bearer" = [])), request_body = MatrixRequest,
    responses((status = 202, body = JobStatus), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody),
        (status = 403, body = ErrorBody), (status = 413, body = ErrorBody), (status = 422, body = ErrorBody),
        (status = 429, body = ErrorBody, description = "The job queue is full")))]
pub(crate) async fn submit_matrix(
    State(s): State<AppState>,
    user: AuthUser,
    AppJson(req): AppJson<MatrixRequest>,
) -> ApiResult<impl IntoResponse> {
    user.require(&ANALYSIS, "computing matrices")?;
    let mode = req.mode.as_deref().map_or(Ok(neuvo_model::Mode::Walk), parse_mode)?;
    let net = s.network(mode)?.net.clone();
    // Validate now, so a bad request is a 422 here rather than a failed job later.
    check_points("points", &req.points)?;
    if let Some(t) = &req.targets {
        check_points("targets", t)?;
    }
    let cells = req.points.len() * req.targets.as_ref().map_or(req.points.len(), Vec::len);
    if cells > s.config.job_matrix_cells {
        return Err(ApiError::invalid(
            format!("{cells} cells is more than a job computes ({})", s.config.job_matrix_cells),
            serde_json::json!({"cells": cells, "limit": s.config.job_matrix_cells}),
        ));
    }
    let params = serde_json::json!({"mode": mode.as_str(), "points": req.points.len(), "targets": req.targets.as_ref().map(Vec::len)});
    let threads = 1;
    let status = s.jobs.submit(
        &s.db,
        user.0.id,
        "matrix",
        &params,
        Box::new(move |ctx| {
            let r = compute_matrix(&net, mode, &req, threads, ctx, &|| ctx.cancelled());
            match r {
                Ok(m) => serde_json::to_value(m).map_err(|e| JobFailure::Failed(e.to_string())),
                Err(_) if ctx.cancelled() => Err(JobFailure::Cancelled),
                Err(e) => Err(JobFailure::Failed(e.to_string())),
            }
        }),
    )?;
    Ok(accepted(status))
}

/// The answer to a submitted job: 202 with the job, and its address in `Location`.
pub(crate) fn accepted(status: JobStatus) -> impl IntoResponse {
    let location = format!("/api/v1/jobs/{}", status.id);
    (StatusCode::ACCEPTED, [(header::LOCATION, location)], Json(status))
}

/// Query of the job list.
#[derive(Debug, Deserialize, IntoParams)]
pub(crate) struct ListQuery {
    /// How many, newest first (default 50, at most 500).
    limit: Option<i64>,
}

/// Your jobs (an admin: everyone's), newest first.
#[utoipa::path(get, path = "/api/v1/jobs", tag = "jobs", security(("bearer" = [])), params(ListQuery),
    responses((status = 200, body = Vec<JobStatus>), (status = 401, body = ErrorBody)))]
pub(crate) async fn list(
    State(s): State<AppState>,
    user: AuthUser,
    AppQuery(q): AppQuery<ListQuery>,
) -> ApiResult<Json<Vec<JobStatus>>> {
    let limit = q.limit.unwrap_or(50).clamp(1, 500);
    Ok(Json(on_jobs(&s, &user, move |jobs, db, owner| jobs.list(db, owner, limit)).await?))
}

/// A job's state and progress.
#[utoipa::path(get, path = "/api/v1/jobs/{id}", tag = "jobs", security(("bearer" = [])), params(("id" = String, Path)),
    responses((status = 200, body = JobStatus), (status = 401, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub(crate) async fn get(
    State(s): State<AppState>,
    user: AuthUser,
    Path(id): Path<String>,
) -> ApiResult<Json<JobStatus>> {
    Ok(Json(on_jobs(&s, &user, move |jobs, db, owner| jobs.status(db, &id, owner)).await?))
}

/// Asks a job to stop; answers with its state (a job already finished stays as it was).
#[utoipa::path(delete, path = "/api/v1/jobs/{id}", tag = "jobs", security(("bearer" = [])), params(("id" = String, Path)),
    responses((status = 202, body = JobStatus), (status = 401, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub(crate) async fn cancel(
    State(s): State<AppState>,
    user: AuthUser,
    Path(id): Path<String>,
) -> ApiResult<impl IntoResponse> {
    let status = on_jobs(&s, &user, move |jobs, db, owner| jobs.cancel(db, &id, owner)).await?;
    Ok((StatusCode::ACCEPTED, Json(status)))
}

/// A job's progress as server-sent events (`event: status`, data a JobStatus), until it finishes.
#[utoipa::path(get, path = "/api/v1/jobs/{id}/events", tag = "jobs", security(("bearer" = [])), params(("id" = String, Path)),
    responses((status = 200, description = "text/event-stream of JobStatus"), (status = 401, body = ErrorBody),
        (status = 404, body = ErrorBody)))]
pub(crate) async fn events(
    State(s): State<AppState>,
    user: AuthUser,
    Path(id): Path<String>,
) -> ApiResult<impl IntoResponse> {
    let id2 = id.clone();
    let first = on_jobs(&s, &user, move |jobs, db, owner| jobs.status(db, &id2, owner)).await?;
    let event =
        |s: &JobStatus| Event::default().event("status").json_data(s).unwrap_or_else(|_| Event::default());
    let live = s.jobs.watch(&id);
    let stream: std::pin::Pin<Box<dyn tokio_stream::Stream<Item = Result<Event, Infallible>> + Send>> =
        match live {
            Some(rx) if !first.state.is_final() => {
                // Every change until (and including) the final state.
                let mut finished = false;
                Box::pin(
                    WatchStream::new(rx)
                        .take_while(move |s| {
                            let go = !finished;
                            finished = s.state.is_final();
                            go
                        })
                        .throttle(Duration::from_millis(100))
                        .map(move |s| Ok(event(&s))),
                )
            }
            _ => Box::pin(tokio_stream::once(Ok(event(&first)))),
        };
    Ok(Sse::new(stream).keep_alive(KeepAlive::default()))
}

/// A finished job's result (for a matrix: a MatrixResult); 409 while it is not done.
#[utoipa::path(get, path = "/api/v1/jobs/{id}/result", tag = "jobs", security(("bearer" = [])), params(("id" = String, Path)),
    responses((status = 200, description = "The result, JSON"), (status = 401, body = ErrorBody), (status = 404, body = ErrorBody),
        (status = 409, body = ErrorBody, description = "Not finished, failed or cancelled")))]
pub(crate) async fn result(
    State(s): State<AppState>,
    user: AuthUser,
    Path(id): Path<String>,
) -> ApiResult<impl IntoResponse> {
    let body = on_jobs(&s, &user, move |jobs, db, owner| jobs.result(db, &id, owner)).await?;
    Ok(([(header::CONTENT_TYPE, "application/json")], body))
}
