//! The HTTP API as axum Routers with their OpenAPI description. Hosts (Lambda, `peershare
//! dev`) mount [`router`] and serve [`openapi`] at `/api/openapi.json`, merged with their own
//! routes' descriptions.

mod auth_cookies;
mod auth_routes;
mod call_access_routes;
mod call_pass_routes;
mod caller;
mod error;
mod fleet_routes;
mod group_routes;
mod history_routes;
mod internal_history_routes;
mod invite_routes;
mod member_routes;
mod node_proxy_routes;
mod oauth_routes;
mod profile_routes;
mod recording_routes;
pub mod recording_views;
mod state;
pub mod typescript;
pub mod views;

pub use auth_cookies::REFRESH_COOKIE;
pub use call_access_routes::call_access;
pub use caller::{Account, Authenticated, Caller};
pub use error::{ApiError, ErrorResponses};
pub use state::{ApiSettings, ApiState};

use axum::Router;
use utoipa::openapi::security::{Http, HttpAuthScheme, SecurityScheme};
use utoipa::{Modify, OpenApi};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

/// Largest request body the API reads.
pub const MAX_BODY_BYTES: usize = 64 * 1024;

#[derive(OpenApi)]
#[openapi(
    info(title = "PeerShare API", description = "Accounts, groups, invites, call passes, call history and recordings."),
    modifiers(&BearerAuth),
    tags(
        (name = "auth", description = "Signing in and sessions"),
        (name = "profile", description = "The signed-in account"),
        (name = "groups", description = "Persistent groups"),
        (name = "members", description = "Members and roles"),
        (name = "invites", description = "Invite links"),
        (name = "history", description = "Call history"),
        (name = "recordings", description = "Recordings of calls"),
        (name = "calls", description = "Joining calls"),
    )
)]
struct ApiDoc;

struct BearerAuth;

impl Modify for BearerAuth {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme("bearer", SecurityScheme::Http(Http::new(HttpAuthScheme::Bearer)));
    }
}

/// Every API route with its OpenAPI operation.
fn routes() -> OpenApiRouter<ApiState> {
    OpenApiRouter::with_openapi(ApiDoc::openapi())
        .routes(routes!(auth_routes::options))
        .routes(routes!(auth_routes::keys))
        .routes(routes!(auth_routes::dev_sign_in))
        .routes(routes!(auth_routes::refresh))
        .routes(routes!(auth_routes::sign_out))
        .routes(routes!(oauth_routes::start))
        .routes(routes!(oauth_routes::callback))
        .routes(routes!(profile_routes::me, profile_routes::update_me))
        .routes(routes!(group_routes::list, group_routes::create))
        .routes(routes!(group_routes::get, group_routes::update, group_routes::delete))
        .routes(routes!(group_routes::update_settings))
        .routes(routes!(member_routes::list))
        .routes(routes!(member_routes::change_role, member_routes::remove))
        .routes(routes!(invite_routes::create, invite_routes::list))
        .routes(routes!(invite_routes::revoke))
        .routes(routes!(invite_routes::preview))
        .routes(routes!(invite_routes::accept))
        .routes(routes!(history_routes::list))
        .routes(routes!(recording_routes::list))
        .routes(routes!(recording_routes::delete))
        .routes(routes!(recording_routes::file))
        .routes(routes!(call_pass_routes::issue))
        .routes(routes!(call_access_routes::get))
}

/// The API's routes over `state` (paths start with `/api/`).
pub fn router(state: ApiState) -> Router {
    let (router, _) = routes().split_for_parts();
    router
        .route("/api/internal/groups/{id}/history", axum::routing::post(internal_history_routes::deliver))
        .route("/api/internal/media-nodes/allocations", axum::routing::post(fleet_routes::allocate))
        .route("/api/internal/media-nodes/tick", axum::routing::post(fleet_routes::tick))
        .route(
            "/api/internal/media-nodes/{id}",
            axum::routing::put(fleet_routes::register).delete(fleet_routes::leave),
        )
        .route("/api/internal/media-nodes/{id}/heartbeat", axum::routing::post(fleet_routes::heartbeat))
        .route(
            "/api/internal/media-nodes/{id}/allocations/{call}",
            axum::routing::delete(fleet_routes::release),
        )
        .method_not_allowed_fallback(method_not_allowed)
        .layer(axum::extract::DefaultBodyLimit::max(MAX_BODY_BYTES))
        .route(
            "/api/media-nodes/{*path}",
            axum::routing::any(node_proxy_routes::forward).layer(axum::extract::DefaultBodyLimit::max(
                peershare_core::fleet::MAX_PROXIED_REQUEST_BYTES,
            )),
        )
        .with_state(state)
}

/// The answer to a path no route takes, for hosts that serve only the API (the Lambda):
/// 404 with the usual JSON error body.
pub async fn route_not_found(uri: axum::http::Uri) -> ApiError {
    ApiError::RouteNotFound(uri.path().to_owned())
}

/// The answer to a method a route does not take: 405 with the usual JSON error body.
pub async fn method_not_allowed(method: axum::http::Method) -> ApiError {
    ApiError::MethodNotAllowed(method.to_string())
}

/// The API's OpenAPI description.
pub fn openapi() -> utoipa::openapi::OpenApi {
    routes().split_for_parts().1
}
