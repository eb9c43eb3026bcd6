//! The versioned API under `/api/v1`: routes collected with their OpenAPI descriptions, the middleware around them
//! (body limit, timeout, CORS, request logs without queries or bodies) and the map page.

mod compare;
mod jobs;
mod locate;
mod meta;
mod records;
mod routes;
mod schedule;
mod travel;

use std::sync::OnceLock;

use axum::error_handling::HandleErrorLayer;
use axum::extract::{DefaultBodyLimit, MatchedPath, Request};
use axum::http::{Method, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::Serialize;
use tower::ServiceBuilder;
use tower_http::cors::CorsLayer;
use tower_http::services::{ServeDir, ServeFile};
use tower_http::trace::TraceLayer;
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::{Modify, OpenApi, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::AppState;
use crate::error::{ApiError, error_response};

/// A GeoJSON object (Feature or FeatureCollection) as a response body.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[schema(value_type = Object)]
pub(crate) struct GeoJson(pub(crate) serde_json::Value);

impl IntoResponse for GeoJson {
    fn into_response(self) -> Response {
        ([(header::CONTENT_TYPE, "application/geo+json")], axum::Json(self.0)).into_response()
    }
}

#[derive(OpenApi)]
#[openapi(
    info(
        title = "neuvo API",
        description = "Travel times, routes, isochrones, venues, jobs and plans for a city's mobile information \
                       service. Every endpoint except health, the client configuration and this document needs \
                       `Authorization: Bearer <token>` (tokens come from `neuvo user add NAME --role ROLE`). Errors \
                       are `{code, message, details}`."
    ),
    modifiers(&BearerScheme),
    tags(
        (name = "meta", description = "Health, configuration, data sets and networks"),
        (name = "travel", description = "Routes, isochrones, matrices and venues"),
        (name = "jobs", description = "Long work: submit, follow, cancel, fetch results"),
        (name = "plans", description = "Location plans, comparisons, rotations and advisors' days: the shipped scenarios, pop-up site selection, variants of a closure scenario compared, the rotation of pop-up sessions and home-visit routing as jobs"),
        (name = "records", description = "Users, scenarios, plans, visit requests and the audit log")
    )
)]
struct ApiDoc;

struct BearerScheme;

impl Modify for BearerScheme {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(
                HttpBuilder::new().scheme(HttpAuthScheme::Bearer).bearer_format("nvo_<id>_<secret>").build(),
            ),
        );
    }
}

/// Every documented route, with its description.
fn documented() -> OpenApiRouter<AppState> {
    OpenApiRouter::with_openapi(ApiDoc::openapi())
        .routes(routes!(meta::health))
        .routes(routes!(meta::openapi_json))
        .routes(routes!(meta::client_config))
        .routes(routes!(meta::me))
        .routes(routes!(meta::datasets))
        .routes(routes!(meta::networks))
        .routes(routes!(meta::network_lines))
        .routes(routes!(travel::route))
        .routes(routes!(travel::isochrone))
        .routes(routes!(travel::matrix))
        .routes(routes!(travel::venues))
        .routes(routes!(jobs::submit_matrix))
        .routes(routes!(locate::submit))
        .routes(routes!(locate::scenarios))
        .routes(routes!(compare::submit))
        .routes(routes!(compare::comparisons))
        .routes(routes!(schedule::submit))
        .routes(routes!(schedule::rotations))
        .routes(routes!(routes::sample))
        .routes(routes!(routes::submit))
        .routes(routes!(jobs::list))
        .routes(routes!(jobs::get, jobs::cancel))
        .routes(routes!(jobs::events))
        .routes(routes!(jobs::result))
        .routes(routes!(records::create_user, records::list_users))
        .routes(routes!(records::create_scenario, records::list_scenarios))
        .routes(routes!(records::get_scenario))
        .routes(routes!(records::create_plan, records::list_plans))
        .routes(routes!(records::get_plan))
        .routes(routes!(routes::export))
        .routes(routes!(records::create_visit_request, records::list_visit_requests))
        .routes(routes!(records::audit))
}

/// The OpenAPI 3 document of the API, generated from the handlers.
pub fn openapi() -> utoipa::openapi::OpenApi {
    documented().split_for_parts().1
}

/// The document as JSON, built once.
pub(crate) fn openapi_text() -> &'static str {
    static DOC: OnceLock<String> = OnceLock::new();
    DOC.get_or_init(|| openapi().to_pretty_json().unwrap_or_else(|e| format!("{{\"error\": \"{e}\"}}")))
}

async fn no_route(method: Method, uri: axum::http::Uri) -> Response {
    error_response(
        StatusCode::NOT_FOUND,
        "no_route",
        &format!("no endpoint {method} {}; see /api/v1/openapi.json", uri.path()),
        serde_json::Value::Null,
    )
}

async fn timed_out(err: tower::BoxError) -> Response {
    if err.is::<tower::timeout::error::Elapsed>() {
        error_response(
            StatusCode::REQUEST_TIMEOUT,
            "timeout",
            "the request took longer than the server allows; large matrices belong in a job (POST /api/v1/jobs/matrix)",
            serde_json::Value::Null,
        )
    } else {
        ApiError::Internal(err.to_string()).into_response()
    }
}

pub(crate) fn router(state: AppState) -> axum::Router {
    let cfg = state.config.clone();
    let (api, _) = documented().split_for_parts();
    let mut app = api
        .route("/api/v1/{*rest}", axum::routing::any(no_route))
        .route("/api", axum::routing::any(no_route))
        .layer(DefaultBodyLimit::max(cfg.max_body_bytes))
        .layer(ServiceBuilder::new().layer(HandleErrorLayer::new(timed_out)).timeout(cfg.request_timeout))
        // Logs name the route template and status only: never a query string (it may hold a home's
        // coordinates) and never a body (it may hold a client's name and address).
        .layer(TraceLayer::new_for_http().make_span_with(|req: &Request| {
            let route = req.extensions().get::<MatchedPath>().map_or("-", |p| p.as_str());
            tracing::info_span!("request", method = %req.method(), route = %route)
        }));
    if let Some(origin) = cfg.cors_origin.as_deref()
        && let Ok(origin) = origin.parse::<axum::http::HeaderValue>()
    {
        app = app.layer(
            CorsLayer::new()
                .allow_origin(origin)
                .allow_methods([Method::GET, Method::POST, Method::DELETE])
                .allow_headers([header::AUTHORIZATION, header::CONTENT_TYPE]),
        );
    }
    let app = match &cfg.web_dir {
        Some(web) => app
            .nest_service("/vendor/leaflet", ServeDir::new(web.join("node_modules/leaflet/dist")))
            .fallback_service(ServeDir::new(web).fallback(ServeFile::new(web.join("index.html")))),
        None => app.fallback(no_route),
    };
    app.with_state(state)
}
