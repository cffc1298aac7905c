//! `/api/me`: the signed-in account's profile and preferences.

use super::caller::Account;
use super::views::ProfileView;
use super::{ApiError, ApiState, ErrorResponses};
use axum::Json;
use axum::extract::State;
use axum::extract::rejection::JsonRejection;
use peershare_core::accounts::ProfilePatch;

/// The caller's profile.
#[utoipa::path(get, path = "/api/me", tag = "profile", security(("bearer" = [])),
    responses((status = 200, body = ProfileView), ErrorResponses))]
pub async fn me(State(state): State<ApiState>, account: Account) -> Result<Json<ProfileView>, ApiError> {
    let user = state.store.user(&account.id).await?.ok_or(ApiError::SignInRequired)?;
    Ok(Json((&user).into()))
}

/// Changes the caller's name, avatar or preferences (all of the change, or none of it).
#[utoipa::path(patch, path = "/api/me", tag = "profile", security(("bearer" = [])), request_body = ProfilePatch,
    responses((status = 200, body = ProfileView), ErrorResponses))]
pub async fn update_me(
    State(state): State<ApiState>,
    account: Account,
    body: Result<Json<ProfilePatch>, JsonRejection>,
) -> Result<Json<ProfileView>, ApiError> {
    let Json(patch) = body?;
    let user = state.store.update_profile(&account.id, &patch).await?;
    Ok(Json((&user).into()))
}
