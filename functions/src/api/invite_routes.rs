//! Invite links: creating, listing and revoking them in a group, previewing one, and joining
//! a group through one.

use super::caller::{Account, Authenticated, authorize_on};
use super::views::{CreatedInvite, GroupView, InviteList, InvitePreview, InviteStatus, InviteView, Joined};
use super::{ApiError, ApiState, ErrorResponses};
use crate::session::{hash_token, random_id, random_token};
use crate::store::{NewInvite, Redeemed};
use axum::Json;
use axum::extract::rejection::JsonRejection;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use peershare_core::groups::{Action, InviteRequest, Role};

/// Length of an invite token (32 random bytes, base64url).
const TOKEN_LEN: usize = 43;

/// Creates an invite link (by default admins and owners; the group's settings decide).
#[utoipa::path(post, path = "/api/groups/{id}/invites", tag = "invites", security(("bearer" = [])),
    request_body = InviteRequest, params(("id" = String, Path, description = "Group id")),
    responses((status = 201, body = CreatedInvite), ErrorResponses))]
pub async fn create(
    State(state): State<ApiState>,
    Authenticated(caller): Authenticated,
    Path(id): Path<String>,
    body: Result<Json<InviteRequest>, JsonRejection>,
) -> Result<(StatusCode, Json<CreatedInvite>), ApiError> {
    let allowed = authorize_on(&state, &caller, &id, Action::CreateInvite).await?;
    let Json(request) = body?;
    let now = state.clock.now();
    let invite_state = request.open(now).map_err(ApiError::InvalidInvite)?;
    let token = random_token();
    let created_by = match &caller {
        peershare_core::auth::Principal::User { id, .. } => id.clone(),
        _ => return Err(ApiError::AccountRequired),
    };
    let invite = NewInvite {
        id: random_id("i_", 12),
        token_hash: hash_token(&token),
        group: allowed.group.id.clone(),
        created_by,
        state: invite_state,
    };
    let stored = state.store.create_invite(&invite, now).await?;
    let path = format!("/invite/{token}");
    Ok((StatusCode::CREATED, Json(CreatedInvite { invite: InviteView::new(&stored, now), token, path })))
}

/// The group's invite links, newest first (admins and owners).
#[utoipa::path(get, path = "/api/groups/{id}/invites", tag = "invites", security(("bearer" = [])),
    params(("id" = String, Path, description = "Group id")),
    responses((status = 200, body = InviteList), ErrorResponses))]
pub async fn list(
    State(state): State<ApiState>,
    Authenticated(caller): Authenticated,
    Path(id): Path<String>,
) -> Result<Json<InviteList>, ApiError> {
    let allowed = authorize_on(&state, &caller, &id, Action::ManageInvites).await?;
    let now = state.clock.now();
    let invites = state.store.invites(&allowed.group.id).await?;
    Ok(Json(InviteList { invites: invites.iter().map(|i| InviteView::new(i, now)).collect() }))
}

/// Revokes an invite link (admins and owners).
#[utoipa::path(delete, path = "/api/groups/{id}/invites/{invite}", tag = "invites", security(("bearer" = [])),
    params(("id" = String, Path, description = "Group id"), ("invite" = String, Path, description = "Invite id")),
    responses((status = 204, description = "Revoked"), ErrorResponses))]
pub async fn revoke(
    State(state): State<ApiState>,
    Authenticated(caller): Authenticated,
    Path((id, invite)): Path<(String, String)>,
) -> Result<StatusCode, ApiError> {
    let allowed = authorize_on(&state, &caller, &id, Action::ManageInvites).await?;
    if super::caller::is_id_shaped(&invite) && state.store.revoke_invite(&allowed.group.id, &invite).await? {
        Ok(StatusCode::NO_CONTENT)
    } else {
        Err(ApiError::InviteNotFound)
    }
}

/// What an invite link leads to, for the page that accepts it (anyone holding the link).
#[utoipa::path(get, path = "/api/invites/{token}", tag = "invites",
    params(("token" = String, Path, description = "The invite's secret token")),
    responses((status = 200, body = InvitePreview), ErrorResponses))]
pub async fn preview(
    State(state): State<ApiState>,
    Path(token): Path<String>,
) -> Result<Json<InvitePreview>, ApiError> {
    check_token_shape(&token)?;
    let (invite, group) =
        state.store.invite_by_token(hash_token(&token)).await?.ok_or(ApiError::InviteNotFound)?;
    let status = InviteStatus::of(&invite, state.clock.now());
    let shown = |text: &str| (status == InviteStatus::Active).then(|| text.to_owned());
    Ok(Json(InvitePreview {
        group_id: shown(group.id.as_str()),
        group_name: shown(group.name.as_str()),
        group_description: shown(group.description.as_str()),
        expires_at: invite.state.expires_at.as_millis(),
        status,
    }))
}

/// Joins the invite's group as a member (signed-in accounts). Following a link to a group one
/// already belongs to changes nothing and uses nothing.
#[utoipa::path(post, path = "/api/invites/{token}/accept", tag = "invites", security(("bearer" = [])),
    params(("token" = String, Path, description = "The invite's secret token")),
    responses((status = 200, body = Joined), ErrorResponses))]
pub async fn accept(
    State(state): State<ApiState>,
    account: Account,
    Path(token): Path<String>,
) -> Result<Json<Joined>, ApiError> {
    check_token_shape(&token)?;
    let outcome = state.store.redeem_invite(hash_token(&token), &account.id, state.clock.now()).await?;
    let (group, newly_joined) = match outcome {
        Redeemed::Joined(group) => (group, true),
        Redeemed::AlreadyMember(group) => (group, false),
    };
    let (group, role) = state
        .store
        .group_for(&group, Some(&account.id))
        .await?
        .ok_or(peershare_core::groups::Denied::NotFound)?;
    Ok(Json(Joined { group: GroupView::new(&group, role.unwrap_or(Role::Member)), newly_joined }))
}

fn check_token_shape(token: &str) -> Result<(), ApiError> {
    let shaped = token.len() == TOKEN_LEN
        && token.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_');
    if shaped { Ok(()) } else { Err(ApiError::InviteNotFound) }
}
