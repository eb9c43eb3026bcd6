//! Health, configuration, the OpenAPI document, data sets and networks.

use axum::Json;
use axum::extract::{Path, State};
use axum::http::header;
use axum::response::IntoResponse;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::GeoJson;
use crate::auth::AuthUser;
use crate::error::{ApiError, ApiResult, ErrorBody};
use crate::extract::AppQuery;
use crate::{AppState, DatasetInfo, User};

/// The server is up.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub(crate) struct Health {
    /// Always `ok`.
    status: String,
    /// neuvo's version.
    version: String,
    /// Modes with a loaded network.
    modes: Vec<String>,
}

/// Whether the server is up, and which networks it has.
#[utoipa::path(get, path = "/api/v1/health", tag = "meta", responses((status = 200, body = Health)))]
pub(crate) async fn health(State(s): State<AppState>) -> Json<Health> {
    Json(Health {
        status: "ok".into(),
        version: env!("CARGO_PKG_VERSION").into(),
        modes: s.networks.keys().map(|m| m.as_str().to_owned()).collect(),
    })
}

/// This document.
#[utoipa::path(get, path = "/api/v1/openapi.json", tag = "meta", responses((status = 200, description = "The OpenAPI 3 document")))]
pub(crate) async fn openapi_json() -> impl IntoResponse {
    ([(header::CONTENT_TYPE, "application/json")], super::openapi_text())
}

/// What the map page needs before login.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub(crate) struct ClientConfig {
    /// Raster tile URL template of an optional basemap.
    basemap_url: Option<String>,
    /// Its attribution.
    basemap_attribution: Option<String>,
    /// Attribution of the data every map shows.
    data_attribution: String,
}

/// The map page's configuration.
#[utoipa::path(get, path = "/api/v1/client-config", tag = "meta", responses((status = 200, body = ClientConfig)))]
pub(crate) async fn client_config(State(s): State<AppState>) -> Json<ClientConfig> {
    Json(ClientConfig {
        basemap_url: s.config.basemap_url.clone(),
        basemap_attribution: s.config.basemap_attribution.clone(),
        data_attribution: if s.planning.is_some() {
            // Location plans draw population cells, districts and HSL-stop-located sites too.
            "© OpenStreetMap contributors (ODbL); population: Helsingin seudun ympäristöpalvelut (HSY), CC BY 4.0; \
             districts: Helsinki Region Infoshare (HRI), CC BY 4.0; stop locations: Helsingin seudun liikenne \
             (HSL), CC BY 4.0"
                .into()
        } else {
            "© OpenStreetMap contributors (ODbL)".into()
        },
    })
}

/// The user the token belongs to.
#[utoipa::path(get, path = "/api/v1/me", tag = "meta", security(("bearer" = [])),
    responses((status = 200, body = User), (status = 401, body = ErrorBody)))]
pub(crate) async fn me(user: AuthUser) -> Json<User> {
    Json(user.0)
}

/// The real data sets and whether each is present.
#[utoipa::path(get, path = "/api/v1/datasets", tag = "meta", security(("bearer" = [])),
    responses((status = 200, body = Vec<DatasetInfo>), (status = 401, body = ErrorBody)))]
pub(crate) async fn datasets(State(s): State<AppState>, _user: AuthUser) -> Json<Vec<DatasetInfo>> {
    Json(s.datasets.clone())
}

/// A loaded network.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub(crate) struct NetworkInfo {
    /// Travel mode.
    mode: String,
    /// Profile that built it.
    profile: String,
    /// Source file.
    source: String,
    /// Nodes.
    nodes: usize,
    /// Directed edges.
    edges: usize,
    /// Shortcuts of the contraction hierarchy.
    shortcuts: usize,
    /// Extent: min lon, min lat, max lon, max lat.
    bbox: Option<[f64; 4]>,
    /// Farthest a point may be from the network, metres.
    max_snap_m: f64,
    /// Speed of access legs, km/h.
    access_speed_kmh: f64,
    /// What the importer read, skipped and dropped.
    #[schema(value_type = Object)]
    report: serde_json::Value,
}

/// The networks the server routes on.
#[utoipa::path(get, path = "/api/v1/network", tag = "meta", security(("bearer" = [])),
    responses((status = 200, body = Vec<NetworkInfo>), (status = 401, body = ErrorBody)))]
pub(crate) async fn networks(State(s): State<AppState>, _user: AuthUser) -> Json<Vec<NetworkInfo>> {
    Json(
        s.networks
            .iter()
            .map(|(mode, e)| {
                let n = &e.net;
                let m = &n.meta;
                NetworkInfo {
                    mode: mode.as_str().into(),
                    profile: m.profile.clone(),
                    source: m.source.clone(),
                    nodes: n.graph().node_count(),
                    edges: n.graph().edge_count(),
                    shortcuts: n.hierarchy_stats().shortcuts,
                    bbox: n.graph().bbox(),
                    max_snap_m: n.snap_params().max_snap_m,
                    access_speed_kmh: n.snap_params().access_speed_kmh,
                    report: serde_json::json!({
                        "import": m.import.iter().cloned().collect::<std::collections::BTreeMap<_, _>>(),
                        "build": m.build,
                    }),
                }
            })
            .collect(),
    )
}

/// Query of the street lines.
#[derive(Debug, Deserialize, IntoParams)]
pub(crate) struct LinesQuery {
    /// Only segments touching this box: `minlon,minlat,maxlon,maxlat`.
    bbox: Option<String>,
}

/// Most segments one lines response holds.
const MAX_SEGMENTS: usize = 200_000;

pub(crate) fn parse_mode(s: &str) -> ApiResult<neuvo_model::Mode> {
    s.parse().map_err(|e: neuvo_model::ParseModeError| ApiError::BadRequest(format!("mode: {e}")))
}

/// The streets of a network as GeoJSON (one MultiLineString of its segments), drawn from our own data so the map
/// needs no tile server.
#[utoipa::path(get, path = "/api/v1/network/{mode}/lines", tag = "meta", security(("bearer" = [])),
    params(("mode" = String, Path, description = "walk or car"), LinesQuery),
    responses((status = 200, body = GeoJson), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody),
        (status = 422, body = ErrorBody)))]
pub(crate) async fn network_lines(
    State(s): State<AppState>,
    _user: AuthUser,
    Path(mode): Path<String>,
    AppQuery(q): AppQuery<LinesQuery>,
) -> ApiResult<GeoJson> {
    let mode = parse_mode(&mode)?;
    let bbox = match q.bbox.as_deref() {
        None => None,
        Some(b) => {
            let v: Vec<f64> =
                b.split(',').map(|x| x.trim().parse::<f64>()).collect::<Result<_, _>>().map_err(|_| {
                    ApiError::BadRequest(format!("bbox: expected minlon,minlat,maxlon,maxlat, found {b:?}"))
                })?;
            match v[..] {
                [a, b, c, d] if a <= c && b <= d => Some([a, b, c, d]),
                _ => {
                    return Err(ApiError::BadRequest(
                        "bbox: expected minlon,minlat,maxlon,maxlat with min <= max".into(),
                    ));
                }
            }
        }
    };
    let net = s.network(mode)?.net.clone();
    let lines = tokio::task::spawn_blocking(move || {
        let g = net.graph();
        let inside = |p: neuvo_model::LonLat| {
            bbox.is_none_or(|b| p.lon() >= b[0] && p.lon() <= b[2] && p.lat() >= b[1] && p.lat() <= b[3])
        };
        let r6 = |x: f64| (x * 1e6).round() / 1e6;
        let mut out = Vec::new();
        for u in 0..g.node_count() as u32 {
            for (_, v, _) in g.out_edges(u) {
                // Each street piece once: the reverse direction (if any) is skipped.
                if v < u && g.edge_between(v, u).is_some() {
                    continue;
                }
                let (a, b) = (g.coord(u), g.coord(v));
                if inside(a) || inside(b) {
                    out.push([[r6(a.lon()), r6(a.lat())], [r6(b.lon()), r6(b.lat())]]);
                }
            }
            if out.len() >= MAX_SEGMENTS {
                break;
            }
        }
        out
    })
    .await?;
    let count = lines.len();
    Ok(GeoJson(serde_json::json!({
        "type": "FeatureCollection",
        "features": [{
            "type": "Feature",
            "geometry": {"type": "MultiLineString", "coordinates": lines},
            "properties": {"mode": mode.as_str(), "segments": count, "truncated": count >= MAX_SEGMENTS},
        }],
    })))
}
