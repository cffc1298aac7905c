//! `GET /api/openapi.json`: the functions' API merged with this server's call routes.

use crate::{call_socket, status_endpoints, turn_endpoint};
use axum::Json;
use utoipa::OpenApi;

#[derive(OpenApi)]
#[openapi(paths(turn_endpoint::turn_credentials, status_endpoints::call_status, call_socket::call_socket))]
struct CallRoutes;

/// The whole API's OpenAPI description.
pub fn document() -> utoipa::openapi::OpenApi {
    let mut doc = peershare_functions::api::openapi();
    doc.merge(CallRoutes::openapi());
    doc
}

/// Serves [`document`].
pub async fn serve() -> Json<utoipa::openapi::OpenApi> {
    Json(document())
}
