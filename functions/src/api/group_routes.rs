//! `/api/groups` and `/api/groups/{id}`: creating, reading, renaming, configuring and deleting
//! groups.

use super::caller::{Account, Authenticated, authorize_on};
use super::views::{CreateGroup, GroupList, GroupPatch, GroupView};
use super::{ApiError, ApiState, ErrorResponses};
use crate::session::random_id;
use crate::store::Group;
use axum::Json;
use axum::extract::rejection::JsonRejection;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use peershare_core::GroupId;
use peershare_core::group_id::STORED_GROUP_PREFIX;
use peershare_core::groups::{Action, GroupDescription, GroupName, GroupSettings, Role, SettingsPatch};
use peershare_core::room::AccessChange;

/// The caller's groups with their role, newest first.
#[utoipa::path(get, path = "/api/groups", tag = "groups", security(("bearer" = [])),
    responses((status = 200, body = GroupList), ErrorResponses))]
pub async fn list(State(state): State<ApiState>, account: Account) -> Result<Json<GroupList>, ApiError> {
    let groups = state.store.groups_of(&account.id).await?;
    Ok(Json(GroupList { groups: groups.iter().map(|(g, role)| GroupView::new(g, *role)).collect() }))
}

/// Creates a group with the caller as its owner.
#[utoipa::path(post, path = "/api/groups", tag = "groups", security(("bearer" = [])), request_body = CreateGroup,
    responses((status = 201, body = GroupView), ErrorResponses))]
pub async fn create(
    State(state): State<ApiState>,
    account: Account,
    body: Result<Json<CreateGroup>, JsonRejection>,
) -> Result<(StatusCode, Json<GroupView>), ApiError> {
    let Json(body) = body?;
    let now = state.clock.now();
    let group = Group {
        id: GroupId::parse(&random_id(STORED_GROUP_PREFIX, 16))?,
        name: name(&body.name)?,
        description: description(body.description.as_deref().unwrap_or_default())?,
        settings: GroupSettings::default(),
        created_at: now,
    };
    state.store.create_group(&group, &account.id, now).await?;
    Ok((StatusCode::CREATED, Json(GroupView::new(&group, Role::Owner))))
}

/// One group, as the calling member sees it.
#[utoipa::path(get, path = "/api/groups/{id}", tag = "groups", security(("bearer" = [])),
    params(("id" = String, Path, description = "Group id")),
    responses((status = 200, body = GroupView), ErrorResponses))]
pub async fn get(
    State(state): State<ApiState>,
    Authenticated(caller): Authenticated,
    Path(id): Path<String>,
) -> Result<Json<GroupView>, ApiError> {
    let allowed = authorize_on(&state, &caller, &id, Action::View).await?;
    Ok(Json(GroupView::new(&allowed.group, allowed.role())))
}

/// Renames or redescribes a group (admins and owners).
#[utoipa::path(patch, path = "/api/groups/{id}", tag = "groups", security(("bearer" = [])), request_body = GroupPatch,
    params(("id" = String, Path, description = "Group id")),
    responses((status = 200, body = GroupView), ErrorResponses))]
pub async fn update(
    State(state): State<ApiState>,
    Authenticated(caller): Authenticated,
    Path(id): Path<String>,
    body: Result<Json<GroupPatch>, JsonRejection>,
) -> Result<Json<GroupView>, ApiError> {
    let allowed = authorize_on(&state, &caller, &id, Action::Rename).await?;
    let Json(patch) = body?;
    let name = patch.name.as_deref().map(name).transpose()?;
    let description = patch.description.as_deref().map(description).transpose()?;
    if name.is_none() && description.is_none() {
        return Err(ApiError::InvalidBody {
            status: StatusCode::BAD_REQUEST,
            message: "give a name, a description or both".into(),
        });
    }
    let group = state
        .store
        .rename_group(&allowed.group.id, name.as_ref(), description.as_ref())
        .await?
        .ok_or(peershare_core::groups::Denied::NotFound)?;
    Ok(Json(GroupView::new(&group, allowed.role())))
}

/// Changes a group's settings (admins and owners; some rights only owners may hand out).
#[utoipa::path(patch, path = "/api/groups/{id}/settings", tag = "groups", security(("bearer" = [])),
    request_body = SettingsPatch, params(("id" = String, Path, description = "Group id")),
    responses((status = 200, body = GroupView), ErrorResponses))]
pub async fn update_settings(
    State(state): State<ApiState>,
    Authenticated(caller): Authenticated,
    Path(id): Path<String>,
    body: Result<Json<SettingsPatch>, JsonRejection>,
) -> Result<Json<GroupView>, ApiError> {
    let allowed = authorize_on(&state, &caller, &id, Action::ChangeSettings).await?;
    let Json(patch) = body?;
    let group = state.store.change_settings(&allowed.group.id, &patch, allowed.role()).await?;
    if allowed.group.settings.guests_allowed && !group.settings.guests_allowed {
        state.tell_room(&group.id, AccessChange::GuestsDisallowed).await;
    }
    if allowed.group.settings.record_role != group.settings.record_role {
        state
            .tell_room(&group.id, AccessChange::RecordRoleChanged { role: group.settings.record_role })
            .await;
    }
    Ok(Json(GroupView::new(&group, allowed.role())))
}

/// Deletes a group with its members, invites and call history (owners).
#[utoipa::path(delete, path = "/api/groups/{id}", tag = "groups", security(("bearer" = [])),
    params(("id" = String, Path, description = "Group id")),
    responses((status = 204, description = "Deleted"), ErrorResponses))]
pub async fn delete(
    State(state): State<ApiState>,
    Authenticated(caller): Authenticated,
    Path(id): Path<String>,
) -> Result<StatusCode, ApiError> {
    let allowed = authorize_on(&state, &caller, &id, Action::Delete).await?;
    // The call ends first (its room closes everyone and stops any recording), then the
    // recordings' files go (the metadata is how they are found), then the group.
    state.tell_room(&allowed.group.id, AccessChange::GroupDeleted).await;
    if let Some(files) = &state.recordings {
        for record in state.store.recordings(&allowed.group.id, MAX_GROUP_RECORDINGS).await? {
            files.delete(&record.id).await.map_err(ApiError::recording_files)?;
        }
    }
    state.store.delete_group(&allowed.group.id).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Most recordings a group's deletion looks for (a group records far fewer).
const MAX_GROUP_RECORDINGS: usize = 10_000;

fn name(raw: &str) -> Result<GroupName, ApiError> {
    GroupName::parse(raw).map_err(|error| ApiError::InvalidText { field: "name", error })
}

fn description(raw: &str) -> Result<GroupDescription, ApiError> {
    GroupDescription::parse(raw).map_err(|error| ApiError::InvalidText { field: "description", error })
}
