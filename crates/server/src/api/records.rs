//! Users, scenarios, plans, visit requests and the audit log.
//!
//! Plans and visit requests hold people's data: bodies are stored and returned, never logged; an advisor sees only
//! their own day plans, and every download of a plan is written to the audit log.

use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::IntoResponse;
use rusqlite::{OptionalExtension, params};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::AppState;
use crate::auth::{self, AuthUser, Role};
use crate::db::{self, AuditEntry, User, now};
use crate::error::{ApiError, ApiResult, ErrorBody};
use crate::extract::{AppJson, AppQuery};

/// A new user.
#[derive(Debug, Deserialize, ToSchema)]
pub(crate) struct NewUser {
    /// Unique name.
    name: String,
    /// Role.
    role: Role,
}

/// A created user with their first token (shown once).
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub(crate) struct CreatedUser {
    /// The user.
    user: User,
    /// Their API token; store it now, it is not shown again.
    token: String,
}

/// Creates a user and their first token (admins only).
#[utoipa::path(post, path = "/api/v1/users", tag = "records", security(("bearer" = [])), request_body = NewUser,
    responses((status = 201, body = CreatedUser), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody),
        (status = 403, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub(crate) async fn create_user(
    State(s): State<AppState>,
    user: AuthUser,
    AppJson(n): AppJson<NewUser>,
) -> ApiResult<impl IntoResponse> {
    user.require(&[Role::Admin], "creating users")?;
    let db = s.db.clone();
    let (u, token) = tokio::task::spawn_blocking(move || auth::create_user(&db, &n.name, n.role)).await??;
    Ok((StatusCode::CREATED, Json(CreatedUser { user: u, token })))
}

/// Every user (admins only).
#[utoipa::path(get, path = "/api/v1/users", tag = "records", security(("bearer" = [])),
    responses((status = 200, body = Vec<User>), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody)))]
pub(crate) async fn list_users(State(s): State<AppState>, user: AuthUser) -> ApiResult<Json<Vec<User>>> {
    user.require(&[Role::Admin], "listing users")?;
    Ok(Json(s.db.call(db::list_users).await?))
}

/// A stored record's id.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub(crate) struct Created {
    /// The new record's id.
    id: i64,
}

/// A new scenario.
#[derive(Debug, Deserialize, ToSchema)]
pub(crate) struct NewScenario {
    /// Name.
    name: String,
    /// The scenario (sites open and closed, modes, times), as the planners' and analysts' jobs define it.
    #[schema(value_type = Object)]
    body: serde_json::Value,
}

/// A scenario.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub(crate) struct Scenario {
    /// Id.
    id: i64,
    /// Name.
    name: String,
    /// Who stored it.
    owner: String,
    /// When.
    created_at: String,
    /// The scenario; omitted in lists.
    #[schema(value_type = Object)]
    #[serde(skip_serializing_if = "Option::is_none")]
    body: Option<serde_json::Value>,
}

const RECORDS: [Role; 3] = [Role::Planner, Role::Analyst, Role::Admin];

/// Stores a scenario (planners, analysts, admins).
#[utoipa::path(post, path = "/api/v1/scenarios", tag = "records", security(("bearer" = [])), request_body = NewScenario,
    responses((status = 201, body = Created), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody),
        (status = 403, body = ErrorBody), (status = 413, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub(crate) async fn create_scenario(
    State(s): State<AppState>,
    user: AuthUser,
    AppJson(n): AppJson<NewScenario>,
) -> ApiResult<impl IntoResponse> {
    user.require(&RECORDS, "storing scenarios")?;
    if n.name.trim().is_empty() {
        return Err(ApiError::invalid("a scenario needs a name", serde_json::json!({"field": "name"})));
    }
    let uid = user.0.id;
    let id =
        s.db.call(move |c| {
            c.execute(
                "INSERT INTO scenarios (name, owner_id, body, created_at) VALUES (?1, ?2, ?3, ?4)",
                params![n.name.trim(), uid, n.body.to_string(), now()],
            )?;
            Ok(c.last_insert_rowid())
        })
        .await?;
    Ok((StatusCode::CREATED, Json(Created { id })))
}

/// Stored scenarios, newest first, without bodies.
#[utoipa::path(get, path = "/api/v1/scenarios", tag = "records", security(("bearer" = [])),
    responses((status = 200, body = Vec<Scenario>), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody)))]
pub(crate) async fn list_scenarios(
    State(s): State<AppState>,
    user: AuthUser,
) -> ApiResult<Json<Vec<Scenario>>> {
    user.require(&RECORDS, "reading scenarios")?;
    let rows = s
        .db
        .call(|c| {
            let mut st = c.prepare(
                "SELECT s.id, s.name, u.name, s.created_at FROM scenarios s JOIN users u ON u.id = s.owner_id ORDER BY s.id DESC",
            )?;
            st.query_map([], |r| Ok(Scenario { id: r.get(0)?, name: r.get(1)?, owner: r.get(2)?, created_at: r.get(3)?, body: None }))?
                .collect::<rusqlite::Result<Vec<_>>>()
        })
        .await?;
    Ok(Json(rows))
}

/// One scenario with its body.
#[utoipa::path(get, path = "/api/v1/scenarios/{id}", tag = "records", security(("bearer" = [])), params(("id" = i64, Path)),
    responses((status = 200, body = Scenario), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody),
        (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub(crate) async fn get_scenario(
    State(s): State<AppState>,
    user: AuthUser,
    Path(id): Path<String>,
) -> ApiResult<Json<Scenario>> {
    user.require(&RECORDS, "reading scenarios")?;
    let id = parse_id(&id)?;
    let row = s
        .db
        .call(move |c| {
            c.query_row(
                "SELECT s.id, s.name, u.name, s.created_at, s.body FROM scenarios s JOIN users u ON u.id = s.owner_id WHERE s.id = ?1",
                [id],
                |r| {
                    let body: String = r.get(4)?;
                    Ok(Scenario {
                        id: r.get(0)?,
                        name: r.get(1)?,
                        owner: r.get(2)?,
                        created_at: r.get(3)?,
                        body: serde_json::from_str(&body).ok(),
                    })
                },
            )
            .optional()
        })
        .await?;
    row.map(Json).ok_or_else(|| ApiError::NotFound(format!("no scenario {id}")))
}

fn parse_id(s: &str) -> ApiResult<i64> {
    s.parse().map_err(|_| ApiError::BadRequest(format!("id: {s:?} is not a number")))
}

/// A new plan.
#[derive(Debug, Deserialize, ToSchema)]
pub(crate) struct NewPlan {
    /// `day` for an advisor's day plan (other kinds come with later jobs).
    kind: String,
    /// The advisor (user name) the plan belongs to.
    advisor: Option<String>,
    /// The date, `YYYY-MM-DD`.
    date: Option<String>,
    /// The plan itself.
    #[schema(value_type = Object)]
    body: serde_json::Value,
}

/// A plan.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub(crate) struct Plan {
    /// Id.
    id: i64,
    /// Kind.
    pub(super) kind: String,
    /// The advisor it belongs to.
    advisor: Option<String>,
    /// Date.
    date: Option<String>,
    /// When it was stored.
    created_at: String,
    /// The plan; omitted in lists.
    #[schema(value_type = Object)]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(super) body: Option<serde_json::Value>,
}

/// Stores a plan (planners, admins); a day plan names its advisor and date.
#[utoipa::path(post, path = "/api/v1/plans", tag = "records", security(("bearer" = [])), request_body = NewPlan,
    responses((status = 201, body = Created), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody),
        (status = 403, body = ErrorBody), (status = 413, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub(crate) async fn create_plan(
    State(s): State<AppState>,
    user: AuthUser,
    AppJson(n): AppJson<NewPlan>,
) -> ApiResult<impl IntoResponse> {
    user.require(&[Role::Planner, Role::Admin], "storing plans")?;
    if let Some(d) = &n.date
        && chrono::NaiveDate::parse_from_str(d, "%Y-%m-%d").is_err()
    {
        return Err(ApiError::invalid(
            format!("date {d:?} is not YYYY-MM-DD"),
            serde_json::json!({"field": "date"}),
        ));
    }
    if n.kind == "day" && (n.advisor.is_none() || n.date.is_none()) {
        return Err(ApiError::invalid(
            "a day plan names its advisor and date",
            serde_json::json!({"field": "advisor"}),
        ));
    }
    let uid = user.0.id;
    let id = s
        .db
        .call(move |c| {
            let advisor = match &n.advisor {
                Some(name) => match db::user_by_name(c, name)? {
                    Some(u) if u.role == Role::Advisor => Some(u.id),
                    _ => return Ok(Err(format!("{name:?} is not an advisor"))),
                },
                None => None,
            };
            c.execute(
                "INSERT INTO plans (kind, advisor_id, date, body, created_by, created_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
                params![n.kind, advisor, n.date, n.body.to_string(), uid, now()],
            )?;
            let id = c.last_insert_rowid();
            db::audit(c, Some(uid), "plan.create", &format!("plan/{id}"), "")?;
            Ok(Ok(id))
        })
        .await?
        .map_err(|m| ApiError::invalid(m, serde_json::json!({"field": "advisor"})))?;
    Ok((StatusCode::CREATED, Json(Created { id })))
}

/// Query of plans.
#[derive(Debug, Deserialize, IntoParams)]
pub(crate) struct PlansQuery {
    /// Only plans of this date, `YYYY-MM-DD`.
    date: Option<String>,
}

fn plan_of(r: &rusqlite::Row<'_>, with_body: bool) -> rusqlite::Result<Plan> {
    let body =
        if with_body { r.get::<_, String>(5).ok().and_then(|b| serde_json::from_str(&b).ok()) } else { None };
    Ok(Plan {
        id: r.get(0)?,
        kind: r.get(1)?,
        advisor: r.get(2)?,
        date: r.get(3)?,
        created_at: r.get(4)?,
        body,
    })
}

/// Plans without bodies; an advisor sees only their own.
#[utoipa::path(get, path = "/api/v1/plans", tag = "records", security(("bearer" = [])), params(PlansQuery),
    responses((status = 200, body = Vec<Plan>), (status = 401, body = ErrorBody)))]
pub(crate) async fn list_plans(
    State(s): State<AppState>,
    user: AuthUser,
    AppQuery(q): AppQuery<PlansQuery>,
) -> ApiResult<Json<Vec<Plan>>> {
    let only = (user.0.role == Role::Advisor).then_some(user.0.id);
    let rows = s
        .db
        .call(move |c| {
            let mut st = c.prepare(
                "SELECT p.id, p.kind, u.name, p.date, p.created_at FROM plans p LEFT JOIN users u ON u.id = p.advisor_id
                 WHERE (?1 IS NULL OR p.advisor_id = ?1) AND (?2 IS NULL OR p.date = ?2) ORDER BY p.date, p.id",
            )?;
            st.query_map(params![only, q.date], |r| plan_of(r, false))?.collect::<rusqlite::Result<Vec<_>>>()
        })
        .await?;
    Ok(Json(rows))
}

/// Downloads a plan. An advisor may download only their own day plans; every download (and every refused one)
/// is written to the audit log.
#[utoipa::path(get, path = "/api/v1/plans/{id}", tag = "records", security(("bearer" = [])), params(("id" = i64, Path)),
    responses((status = 200, body = Plan), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody),
        (status = 403, body = ErrorBody, description = "Another advisor's plan"), (status = 404, body = ErrorBody)))]
pub(crate) async fn get_plan(
    State(s): State<AppState>,
    user: AuthUser,
    Path(id): Path<String>,
) -> ApiResult<Json<Plan>> {
    let id = parse_id(&id)?;
    let u = user.0.clone();
    let outcome =
        s.db.call(move |c| {
            let plan = match plan_for(c, &u, id)? {
                Ok(p) => p,
                Err(e) => return Ok(Err(e)),
            };
            db::audit(c, Some(u.id), "plan.download", &format!("plan/{id}"), "")?;
            Ok(Ok(plan))
        })
        .await??;
    Ok(Json(outcome))
}

/// Plan `id` with its body, if `u` may read it: not found, or (for an advisor and another advisor's plan) refused
/// with the refusal written to the audit log. The caller audits what it then does with the plan.
pub(super) fn plan_for(
    c: &rusqlite::Connection,
    u: &User,
    id: i64,
) -> rusqlite::Result<Result<Plan, ApiError>> {
    let row = c
        .query_row(
            "SELECT p.id, p.kind, u.name, p.date, p.created_at, p.body, p.advisor_id FROM plans p
             LEFT JOIN users u ON u.id = p.advisor_id WHERE p.id = ?1",
            [id],
            |r| Ok((plan_of(r, true)?, r.get::<_, Option<i64>>(6)?)),
        )
        .optional()?;
    let Some((plan, advisor)) = row else {
        return Ok(Err(ApiError::NotFound(format!("no plan {id}"))));
    };
    if u.role == Role::Advisor && advisor != Some(u.id) {
        db::audit(c, Some(u.id), "plan.download.refused", &format!("plan/{id}"), "another advisor's plan")?;
        return Ok(Err(ApiError::Forbidden("an advisor sees only their own plans".into())));
    }
    Ok(Ok(plan))
}

/// A new visit request (its body holds the client's details; it is stored, never logged).
#[derive(Debug, Deserialize, ToSchema)]
pub(crate) struct NewVisitRequest {
    /// The request: client, address, windows, duration, languages, as the advisors' job defines it.
    #[schema(value_type = Object)]
    body: serde_json::Value,
}

/// A visit request.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub(crate) struct VisitRequest {
    /// Id.
    id: i64,
    /// When it was stored.
    created_at: String,
    /// The request.
    #[schema(value_type = Object)]
    body: serde_json::Value,
}

/// Stores a visit request (planners, admins).
#[utoipa::path(post, path = "/api/v1/visit-requests", tag = "records", security(("bearer" = [])), request_body = NewVisitRequest,
    responses((status = 201, body = Created), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody),
        (status = 403, body = ErrorBody), (status = 413, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub(crate) async fn create_visit_request(
    State(s): State<AppState>,
    user: AuthUser,
    AppJson(n): AppJson<NewVisitRequest>,
) -> ApiResult<impl IntoResponse> {
    user.require(&[Role::Planner, Role::Admin], "storing visit requests")?;
    let uid = user.0.id;
    let id =
        s.db.call(move |c| {
            c.execute(
                "INSERT INTO visit_requests (body, created_by, created_at) VALUES (?1, ?2, ?3)",
                params![n.body.to_string(), uid, now()],
            )?;
            let id = c.last_insert_rowid();
            db::audit(c, Some(uid), "visit_request.create", &format!("visit_request/{id}"), "")?;
            Ok(id)
        })
        .await?;
    Ok((StatusCode::CREATED, Json(Created { id })))
}

/// Stored visit requests, newest first (planners, admins).
#[utoipa::path(get, path = "/api/v1/visit-requests", tag = "records", security(("bearer" = [])),
    responses((status = 200, body = Vec<VisitRequest>), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody)))]
pub(crate) async fn list_visit_requests(
    State(s): State<AppState>,
    user: AuthUser,
) -> ApiResult<Json<Vec<VisitRequest>>> {
    user.require(&[Role::Planner, Role::Admin], "reading visit requests")?;
    let rows =
        s.db.call(|c| {
            let mut st = c.prepare("SELECT id, created_at, body FROM visit_requests ORDER BY id DESC")?;
            st.query_map([], |r| {
                let body: String = r.get(2)?;
                Ok(VisitRequest {
                    id: r.get(0)?,
                    created_at: r.get(1)?,
                    body: serde_json::from_str(&body).unwrap_or_default(),
                })
            })?
            .collect::<rusqlite::Result<Vec<_>>>()
        })
        .await?;
    Ok(Json(rows))
}

/// Query of the audit log.
#[derive(Debug, Deserialize, IntoParams)]
pub(crate) struct AuditQuery {
    /// How many entries, newest first (default 100, at most 1000).
    limit: Option<i64>,
}

/// The audit log, newest first (admins only).
#[utoipa::path(get, path = "/api/v1/audit", tag = "records", security(("bearer" = [])), params(AuditQuery),
    responses((status = 200, body = Vec<AuditEntry>), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody)))]
pub(crate) async fn audit(
    State(s): State<AppState>,
    user: AuthUser,
    AppQuery(q): AppQuery<AuditQuery>,
) -> ApiResult<Json<Vec<AuditEntry>>> {
    user.require(&[Role::Admin], "reading the audit log")?;
    let limit = q.limit.unwrap_or(100).clamp(1, 1000);
    Ok(Json(s.db.call(move |c| db::list_audit(c, limit)).await?))
}
