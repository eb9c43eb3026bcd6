//! API errors: every failure answers `{code, message, details}` with the right status, never a stack trace.

use axum::Json;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde::Serialize;
use utoipa::ToSchema;

/// The body of every error response.
#[derive(Clone, Debug, PartialEq, Serialize, serde::Deserialize, ToSchema)]
pub struct ErrorBody {
    /// A stable, machine-readable code: `bad_request`, `unauthorized`, `forbidden`, `not_found`, `no_route`,
    /// `payload_too_large`, `invalid`, `conflict`, `busy`, `timeout`, `internal`.
    pub code: String,
    /// What went wrong and what to do, for a person.
    pub message: String,
    /// Structured facts (field names, limits, distances), when there are any.
    #[serde(default, skip_serializing_if = "serde_json::Value::is_null")]
    #[schema(value_type = Object)]
    pub details: serde_json::Value,
}

/// An error the API returns.
#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    /// 400: the request is malformed (bad JSON, a query parameter that does not parse).
    #[error("{0}")]
    BadRequest(String),
    /// 401: no token, or a token that is unknown or revoked.
    #[error("{0}")]
    Unauthorized(String),
    /// 403: the token is valid but its role may not do this.
    #[error("{0}")]
    Forbidden(String),
    /// 404: the thing asked for does not exist (or is not yours to see).
    #[error("{0}")]
    NotFound(String),
    /// 409: the thing exists but is not in a state for this (a job's result before it finished).
    #[error("{0}")]
    Conflict(String),
    /// 413: the body is larger than the server accepts.
    #[error("{0}")]
    PayloadTooLarge(String),
    /// 422: well-formed but unusable (a point in the sea, too many points), with details.
    #[error("{message}")]
    Invalid {
        /// What is wrong.
        message: String,
        /// Facts about it.
        details: serde_json::Value,
    },
    /// 429: the job queue is full.
    #[error("{0}")]
    Busy(String),
    /// 500: a bug or a failure of the server itself; the client gets a generic message, the log the cause.
    #[error("internal error: {0}")]
    Internal(String),
}

impl ApiError {
    /// A 422 with details.
    pub fn invalid(message: impl Into<String>, details: serde_json::Value) -> Self {
        ApiError::Invalid { message: message.into(), details }
    }

    /// The status code.
    pub fn status(&self) -> StatusCode {
        match self {
            ApiError::BadRequest(_) => StatusCode::BAD_REQUEST,
            ApiError::Unauthorized(_) => StatusCode::UNAUTHORIZED,
            ApiError::Forbidden(_) => StatusCode::FORBIDDEN,
            ApiError::NotFound(_) => StatusCode::NOT_FOUND,
            ApiError::Conflict(_) => StatusCode::CONFLICT,
            ApiError::PayloadTooLarge(_) => StatusCode::PAYLOAD_TOO_LARGE,
            ApiError::Invalid { .. } => StatusCode::UNPROCESSABLE_ENTITY,
            ApiError::Busy(_) => StatusCode::TOO_MANY_REQUESTS,
            ApiError::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    fn code(&self) -> &'static str {
        match self {
            ApiError::BadRequest(_) => "bad_request",
            ApiError::Unauthorized(_) => "unauthorized",
            ApiError::Forbidden(_) => "forbidden",
            ApiError::NotFound(_) => "not_found",
            ApiError::Conflict(_) => "conflict",
            ApiError::PayloadTooLarge(_) => "payload_too_large",
            ApiError::Invalid { .. } => "invalid",
            ApiError::Busy(_) => "busy",
            ApiError::Internal(_) => "internal",
        }
    }
}

impl From<rusqlite::Error> for ApiError {
    fn from(e: rusqlite::Error) -> Self {
        ApiError::Internal(format!("database: {e}"))
    }
}

impl From<tokio::task::JoinError> for ApiError {
    fn from(e: tokio::task::JoinError) -> Self {
        ApiError::Internal(format!("worker: {e}"))
    }
}

/// Builds an error response with a code and message.
pub(crate) fn error_response(
    status: StatusCode,
    code: &str,
    message: &str,
    details: serde_json::Value,
) -> Response {
    let body = ErrorBody { code: code.to_owned(), message: message.to_owned(), details };
    (status, Json(body)).into_response()
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let status = self.status();
        let code = self.code();
        let (message, details) = match self {
            ApiError::Internal(cause) => {
                // The cause goes to the log; the client gets no internals.
                tracing::error!(%cause, "internal error");
                ("something went wrong on the server; it has been logged".to_owned(), serde_json::Value::Null)
            }
            ApiError::Invalid { message, details } => (message, details),
            other => (other.to_string(), serde_json::Value::Null),
        };
        let mut resp = error_response(status, code, &message, details);
        if status == StatusCode::UNAUTHORIZED {
            resp.headers_mut()
                .insert(axum::http::header::WWW_AUTHENTICATE, axum::http::HeaderValue::from_static("Bearer"));
        }
        resp
    }
}

/// Shorthand for handler results.
pub(crate) type ApiResult<T> = Result<T, ApiError>;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_error_has_its_status_and_code() {
        for (e, status, code) in [
            (ApiError::BadRequest("x".into()), 400, "bad_request"),
            (ApiError::Unauthorized("x".into()), 401, "unauthorized"),
            (ApiError::Forbidden("x".into()), 403, "forbidden"),
            (ApiError::NotFound("x".into()), 404, "not_found"),
            (ApiError::Conflict("x".into()), 409, "conflict"),
            (ApiError::PayloadTooLarge("x".into()), 413, "payload_too_large"),
            (ApiError::invalid("x", serde_json::Value::Null), 422, "invalid"),
            (ApiError::Busy("x".into()), 429, "busy"),
            (ApiError::Internal("secret".into()), 500, "internal"),
        ] {
            assert_eq!(e.status().as_u16(), status);
            assert_eq!(e.code(), code);
        }
    }
}
