//! `/api/groups/{id}/members`: listing members, changing roles, removing members and leaving.

use super::caller::{Authenticated, authorize_on};
use super::views::{MemberList, MemberView, RoleChange};
use super::{ApiError, ApiState, ErrorResponses};
use axum::Json;
use axum::extract::rejection::JsonRejection;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use peershare_core::auth::Principal;
use peershare_core::groups::{Action, Role};
use peershare_core::room::AccessChange;

/// The path segment that names the caller: `DELETE …/members/me` leaves the group.
const ME: &str = "me";

/// The group's members, owners first.
#[utoipa::path(get, path = "/api/groups/{id}/members", tag = "members", security(("bearer" = [])),
    params(("id" = String, Path, description = "Group id")),
    responses((status = 200, body = MemberList), ErrorResponses))]
pub async fn list(
    State(state): State<ApiState>,
    Authenticated(caller): Authenticated,
    Path(id): Path<String>,
) -> Result<Json<MemberList>, ApiError> {
    let allowed = authorize_on(&state, &caller, &id, Action::ListMembers).await?;
    let members = state.store.members(&allowed.group.id).await?;
    Ok(Json(MemberList { members: members.iter().map(MemberView::from).collect() }))
}

/// Gives a member another role (owners). The last owner cannot step down.
#[utoipa::path(patch, path = "/api/groups/{id}/members/{user}", tag = "members", security(("bearer" = [])),
    request_body = RoleChange,
    params(("id" = String, Path, description = "Group id"), ("user" = String, Path, description = "Account id, or `me`")),
    responses((status = 200, body = MemberView), ErrorResponses))]
pub async fn change_role(
    State(state): State<ApiState>,
    Authenticated(caller): Authenticated,
    Path((id, user)): Path<(String, String)>,
    body: Result<Json<RoleChange>, JsonRejection>,
) -> Result<Json<MemberView>, ApiError> {
    let allowed = authorize_on(&state, &caller, &id, Action::ChangeRole).await?;
    let Json(change) = body?;
    let user = resolve(&caller, &user);
    let current = role_of(&state, &allowed.group.id, &user).await?;
    state.store.change_role(&allowed.group.id, &user, current, change.role).await?;
    if current != change.role {
        state
            .tell_room(
                &allowed.group.id,
                AccessChange::RoleChanged { identity: user.clone(), role: change.role },
            )
            .await;
    }
    let members = state.store.members(&allowed.group.id).await?;
    let member = members.iter().find(|m| m.user.id == user).ok_or(ApiError::MemberNotFound)?;
    Ok(Json(member.into()))
}

/// Removes a member (admins remove members; owners anyone), or leaves when `user` is the
/// caller or `me`. The last owner cannot leave.
#[utoipa::path(delete, path = "/api/groups/{id}/members/{user}", tag = "members", security(("bearer" = [])),
    params(("id" = String, Path, description = "Group id"), ("user" = String, Path, description = "Account id, or `me`")),
    responses((status = 204, description = "Removed"), ErrorResponses))]
pub async fn remove(
    State(state): State<ApiState>,
    Authenticated(caller): Authenticated,
    Path((id, user)): Path<(String, String)>,
) -> Result<StatusCode, ApiError> {
    let user = resolve(&caller, &user);
    let leaving = matches!(&caller, Principal::User { id, .. } if *id == user);
    let group = if leaving {
        let allowed = authorize_on(&state, &caller, &id, Action::Leave).await?;
        state.store.remove_member(&allowed.group.id, &user, allowed.role()).await?;
        allowed.group.id
    } else {
        // Who may remove depends on the target's role: look it up after checking the caller
        // may see the group at all.
        let allowed = authorize_on(&state, &caller, &id, Action::ListMembers).await?;
        let target = role_of(&state, &allowed.group.id, &user).await?;
        authorize_on(&state, &caller, &id, Action::RemoveMember(target)).await?;
        state.store.remove_member(&allowed.group.id, &user, target).await?;
        allowed.group.id
    };
    // Out of the group is out of its call, now.
    state.tell_room(&group, AccessChange::MemberRemoved { identity: user }).await;
    Ok(StatusCode::NO_CONTENT)
}

fn resolve(caller: &Principal, user: &str) -> String {
    match caller {
        Principal::User { id, .. } if user == ME => id.clone(),
        _ => user.to_owned(),
    }
}

async fn role_of(state: &ApiState, group: &peershare_core::GroupId, user: &str) -> Result<Role, ApiError> {
    if !super::caller::is_id_shaped(user) {
        return Err(ApiError::MemberNotFound);
    }
    let found = state.store.group_for(group, Some(user)).await?;
    found.and_then(|(_, role)| role).ok_or(ApiError::MemberNotFound)
}
