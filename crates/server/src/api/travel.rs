//! Routes, isochrones, matrices and venues.

use axum::extract::State;
use neuvo_model::{LonLat, Millis, Mode};
use neuvo_network::{IsochroneParams, MatrixParams, Network, Snap, SnapError};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::GeoJson;
use super::meta::parse_mode;
use crate::AppState;
use crate::auth::{AuthUser, Role};
use crate::error::{ApiError, ApiResult, ErrorBody};
use crate::extract::{AppJson, AppQuery};

/// Roles that compute travel times beyond single routes.
pub(crate) const ANALYSIS: [Role; 3] = [Role::Planner, Role::Analyst, Role::Admin];

/// Parses `lon,lat` in WGS84 degrees for the parameter `field`.
pub(crate) fn parse_lonlat(field: &str, s: &str) -> ApiResult<LonLat> {
    s.parse().map_err(|e| ApiError::BadRequest(format!("{field}: {e}; expected lon,lat in WGS84 degrees")))
}

/// Snaps a point, or explains with a 422 why it cannot be reached.
pub(crate) fn snap(net: &Network, field: &str, p: LonLat) -> ApiResult<Snap> {
    net.snap(p).map_err(|e| {
        let details = match e {
            SnapError::TooFar { distance_m, max_snap_m } => serde_json::json!({
                "field": field, "reason": "too_far", "distance_m": distance_m.round(), "max_snap_m": max_snap_m,
            }),
            SnapError::EmptyNetwork => serde_json::json!({"field": field, "reason": "empty_network"}),
        };
        ApiError::invalid(format!("{field} cannot be reached: {e}"), details)
    })
}

fn mode_or_walk(m: Option<&str>) -> ApiResult<Mode> {
    m.map_or(Ok(Mode::Walk), parse_mode)
}

/// Query of a route.
#[derive(Debug, Deserialize, IntoParams)]
pub(crate) struct RouteQuery {
    /// `walk` (default) or `car`.
    mode: Option<String>,
    /// Start, `lon,lat`.
    from: String,
    /// End, `lon,lat`.
    to: String,
}

/// The fastest route between two points, as a GeoJSON Feature (LineString) with `seconds`, `metres` and the
/// access legs at both ends.
#[utoipa::path(get, path = "/api/v1/route", tag = "travel", security(("bearer" = [])), params(RouteQuery),
    responses((status = 200, body = GeoJson), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody),
        (status = 422, body = ErrorBody, description = "A point too far from the network")))]
pub(crate) async fn route(
    State(s): State<AppState>,
    _user: AuthUser,
    AppQuery(q): AppQuery<RouteQuery>,
) -> ApiResult<GeoJson> {
    let mode = mode_or_walk(q.mode.as_deref())?;
    let (a, b) = (parse_lonlat("from", &q.from)?, parse_lonlat("to", &q.to)?);
    let entry = s.network(mode)?;
    let from = snap(&entry.net, "from", a)?;
    let to = snap(&entry.net, "to", b)?;
    let route = entry
        .with_query(|net, q| net.route_with(q, &from, &to))
        .ok_or_else(|| ApiError::Internal("no route in a strongly connected network".into()))?;
    let mut f = route.to_geojson();
    f["properties"]["mode"] = mode.as_str().into();
    f["properties"]["profile"] = entry.net.meta.profile.clone().into();
    Ok(GeoJson(f))
}

/// Query of isochrones.
#[derive(Debug, Deserialize, IntoParams)]
pub(crate) struct IsochroneQuery {
    /// `walk` (default) or `car`.
    mode: Option<String>,
    /// Origin, `lon,lat`.
    at: String,
    /// Budgets in minutes, comma-separated (default `5,10,15`; at most 6, each at most 120).
    minutes: Option<String>,
    /// Grid cell in metres (default 25).
    cell_m: Option<f64>,
}

/// Areas reachable from a point within each budget: a GeoJSON FeatureCollection of MultiPolygons, largest first.
#[utoipa::path(get, path = "/api/v1/isochrone", tag = "travel", security(("bearer" = [])), params(IsochroneQuery),
    responses((status = 200, body = GeoJson), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody),
        (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub(crate) async fn isochrone(
    State(s): State<AppState>,
    user: AuthUser,
    AppQuery(q): AppQuery<IsochroneQuery>,
) -> ApiResult<GeoJson> {
    user.require(&ANALYSIS, "drawing isochrones")?;
    let mode = mode_or_walk(q.mode.as_deref())?;
    let at = parse_lonlat("at", &q.at)?;
    let mut minutes = Vec::new();
    for part in q.minutes.as_deref().unwrap_or("5,10,15").split(',') {
        let m: f64 = part
            .trim()
            .parse()
            .map_err(|_| ApiError::BadRequest(format!("minutes: {part:?} is not a number")))?;
        if !(m > 0.0 && m <= 120.0) {
            return Err(ApiError::invalid(
                format!("minutes: {m} is outside 0–120"),
                serde_json::json!({"field": "minutes"}),
            ));
        }
        minutes.push(m);
    }
    if minutes.len() > 6 {
        return Err(ApiError::invalid("minutes: at most 6 budgets", serde_json::json!({"field": "minutes"})));
    }
    let cell_m = q.cell_m.unwrap_or(IsochroneParams::default().cell_m);
    if !(cell_m.is_finite() && (5.0..=500.0).contains(&cell_m)) {
        return Err(ApiError::invalid(
            "cell_m must be between 5 and 500",
            serde_json::json!({"field": "cell_m"}),
        ));
    }
    let entry = s.network(mode)?;
    let origin = snap(&entry.net, "at", at)?;
    let net = entry.net.clone();
    let mut budgets: Vec<Millis> = minutes.iter().map(|m| Millis::from_secs_f64(m * 60.0)).collect();
    budgets.sort_unstable_by(|a, b| b.cmp(a));
    budgets.dedup();
    let params = IsochroneParams { cell_m, ..IsochroneParams::default() };
    let isos = tokio::task::spawn_blocking(move || net.isochrones(&origin, &budgets, &params)).await?;
    Ok(GeoJson(serde_json::json!({
        "type": "FeatureCollection",
        "features": isos.iter().map(|i| {
            let mut f = i.to_geojson();
            f["properties"]["mode"] = mode.as_str().into();
            f
        }).collect::<Vec<_>>(),
    })))
}

/// A named point.
#[derive(Clone, Debug, Deserialize, Serialize, ToSchema)]
pub(crate) struct Point {
    /// Your id for the point.
    pub(crate) id: String,
    /// Longitude, WGS84 degrees.
    pub(crate) lon: f64,
    /// Latitude, WGS84 degrees.
    pub(crate) lat: f64,
}

/// A matrix request.
#[derive(Clone, Debug, Deserialize, Serialize, ToSchema)]
pub(crate) struct MatrixRequest {
    /// `walk` (default) or `car`.
    pub(crate) mode: Option<String>,
    /// Origins (and destinations, unless `targets` is given).
    pub(crate) points: Vec<Point>,
    /// Destinations.
    pub(crate) targets: Option<Vec<Point>>,
}

/// A matrix result: each point's snapping, then times and lengths (null where unreachable).
#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
pub(crate) struct MatrixResult {
    /// Travel mode.
    pub(crate) mode: String,
    /// Each origin: id, whether it joined the network, its access leg or why not.
    #[schema(value_type = Vec<Object>)]
    pub(crate) sources: Vec<serde_json::Value>,
    /// Each destination, as `sources`.
    #[schema(value_type = Vec<Object>)]
    pub(crate) targets: Vec<serde_json::Value>,
    /// Seconds, one row per origin.
    pub(crate) seconds: Vec<Vec<Option<f64>>>,
    /// Metres, one row per origin.
    pub(crate) metres: Vec<Vec<Option<f64>>>,
}

/// Validated points: each parsed, with its index named in errors.
pub(crate) fn check_points(field: &str, pts: &[Point]) -> ApiResult<Vec<LonLat>> {
    if pts.is_empty() {
        return Err(ApiError::invalid(format!("{field} is empty"), serde_json::json!({"field": field})));
    }
    pts.iter()
        .enumerate()
        .map(|(i, p)| {
            LonLat::try_new(p.lon, p.lat).map_err(|e| {
                ApiError::invalid(
                    format!("{field}[{i}] ({:?}): {e}", p.id),
                    serde_json::json!({"field": format!("{field}[{i}]")}),
                )
            })
        })
        .collect()
}

/// Snaps every point; those that cannot join get `None` and a reason in their description.
pub(crate) fn snap_all(
    net: &Network,
    pts: &[Point],
    at: &[LonLat],
) -> (Vec<Option<Snap>>, Vec<serde_json::Value>) {
    pts.iter()
        .zip(at)
        .map(|(p, &ll)| match net.snap(ll) {
            Ok(s) => {
                let d = serde_json::json!({"id": p.id, "snapped": true, "access_m": (s.access_m * 100.0).round() / 100.0});
                (Some(s), d)
            }
            Err(e) => (None, serde_json::json!({"id": p.id, "snapped": false, "reason": e})),
        })
        .unzip()
}

/// Computes a matrix, checking `cancelled` between rows.
pub(crate) fn compute_matrix(
    net: &Network,
    mode: Mode,
    req: &MatrixRequest,
    threads: usize,
    progress: &dyn neuvo_model::Progress,
    cancelled: &dyn Fn() -> bool,
) -> Result<MatrixResult, ApiError> {
    let src_ll = check_points("points", &req.points)?;
    let targets = req.targets.as_deref().unwrap_or(&req.points);
    let dst_ll = check_points("targets", targets)?;
    let (ss, sources) = snap_all(net, &req.points, &src_ll);
    let (ts, targets_desc) = snap_all(net, targets, &dst_ll);
    let mut seconds = Vec::with_capacity(ss.len());
    let mut metres = Vec::with_capacity(ss.len());
    let params = MatrixParams { threads, ..MatrixParams::default() };
    net.matrix_rows(&ss, &ts, params, progress, |_, row| {
        if cancelled() {
            return Err(());
        }
        seconds.push(row.iter().map(|w| (!w.is_infinite()).then(|| w.time().as_secs_f64())).collect());
        metres.push(row.iter().map(|w| (!w.is_infinite()).then(|| w.dist().as_m_f64())).collect());
        Ok(())
    })
    .map_err(|()| ApiError::Conflict("cancelled".into()))?;
    Ok(MatrixResult { mode: mode.as_str().into(), sources, targets: targets_desc, seconds, metres })
}

/// A small travel-time matrix, answered at once (at most `sync_matrix_cells` cells; larger ones are jobs:
/// `POST /api/v1/jobs/matrix`).
#[utoipa::path(post, path = "/api/v1/matrix", tag = "travel", security(("bearer" = [])), request_body = MatrixRequest,
    responses((status = 200, body = MatrixResult), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody),
        (status = 403, body = ErrorBody), (status = 413, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub(crate) async fn matrix(
    State(s): State<AppState>,
    user: AuthUser,
    AppJson(req): AppJson<MatrixRequest>,
) -> ApiResult<axum::Json<MatrixResult>> {
    user.require(&ANALYSIS, "computing matrices")?;
    let mode = mode_or_walk(req.mode.as_deref())?;
    let cells = req.points.len() * req.targets.as_ref().map_or(req.points.len(), Vec::len);
    if cells > s.config.sync_matrix_cells {
        return Err(ApiError::invalid(
            format!(
                "{cells} cells is more than {} answered at once: submit it as a job (POST /api/v1/jobs/matrix)",
                s.config.sync_matrix_cells
            ),
            serde_json::json!({"cells": cells, "limit": s.config.sync_matrix_cells}),
        ));
    }
    let net = s.network(mode)?.net.clone();
    let r = tokio::task::spawn_blocking(move || {
        compute_matrix(&net, mode, &req, 1, &neuvo_model::NoProgress, &|| false)
    })
    .await??;
    Ok(axum::Json(r))
}

/// Query of venues.
#[derive(Debug, Deserialize, IntoParams)]
pub(crate) struct VenuesQuery {
    /// Only this kind (`library`, `senior_centre`, `mall`, …).
    kind: Option<String>,
}

/// Venues for pop-up sessions found in the OSM data, as GeoJSON points with name, kind and opening hours.
#[utoipa::path(get, path = "/api/v1/venues", tag = "travel", security(("bearer" = [])), params(VenuesQuery),
    responses((status = 200, body = GeoJson), (status = 401, body = ErrorBody)))]
pub(crate) async fn venues(
    State(s): State<AppState>,
    _user: AuthUser,
    AppQuery(q): AppQuery<VenuesQuery>,
) -> GeoJson {
    let features: Vec<_> = s
        .venues
        .iter()
        .filter(|v| q.kind.as_deref().is_none_or(|k| v.kind.0 == k))
        .map(|v| {
            serde_json::json!({
                "type": "Feature",
                "geometry": {"type": "Point", "coordinates": [v.location.lon(), v.location.lat()]},
                "properties": {"osm": v.osm.map(|o| o.to_string()), "name": v.name, "kind": v.kind, "opening_hours": v.opening_hours},
            })
        })
        .collect();
    GeoJson(serde_json::json!({"type": "FeatureCollection", "features": features}))
}
