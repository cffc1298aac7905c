//! `GET|POST|PUT|DELETE /api/media-nodes/{node}/v1/calls/…`: the media nodes' control routes
//! through the API, for a fleet reached through it (`--fleet-proxy`). Browsers send their SDP
//! offers here and the Worker's rooms open and end call sessions; the node checks the bearer
//! token as it would at its own address. Not in the public OpenAPI description: what it
//! answers is the node's.

use super::{ApiError, ApiState};
use crate::fleet::{Forwarded, NodeProxyError};
use axum::body::Bytes;
use axum::extract::rejection::BytesRejection;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, Method, StatusCode, header};
use axum::response::{IntoResponse, Response};

/// Forwards the request to its node and answers with the node's status and body.
pub async fn forward(
    State(state): State<ApiState>,
    method: Method,
    Path(path): Path<String>,
    headers: HeaderMap,
    body: Result<Bytes, BytesRejection>,
) -> Result<Response, ApiError> {
    let fleet = state.fleet.clone().ok_or(ApiError::FleetDisabled)?;
    let body = body.map_err(|e| ApiError::InvalidBody { status: e.status(), message: e.body_text() })?;
    let text = |name| headers.get(name).and_then(|v| v.to_str().ok()).map(str::to_owned);
    let request = Forwarded {
        authorization: text(header::AUTHORIZATION),
        content_type: text(header::CONTENT_TYPE),
        body: body.to_vec(),
    };
    let answer = fleet.proxy().forward(method.as_str(), &path, request).await.map_err(|e| {
        if matches!(e, NodeProxyError::Unreachable { .. } | NodeProxyError::TimedOut(_)) {
            tracing::warn!(error = %e, "the proxy could not reach a media node");
        }
        ApiError::NodeProxy(e)
    })?;
    let status = StatusCode::from_u16(answer.status).unwrap_or(StatusCode::BAD_GATEWAY);
    let mut response = (status, axum::body::Body::from(answer.body)).into_response();
    if let Some(content_type) = answer.content_type.and_then(|c| c.parse().ok()) {
        response.headers_mut().insert(header::CONTENT_TYPE, content_type);
    }
    response.headers_mut().insert(header::CACHE_CONTROL, header::HeaderValue::from_static("no-store"));
    Ok(response)
}
