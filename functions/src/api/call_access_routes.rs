//! `GET /api/groups/{id}/call/access`: whether the caller may see a call (and so join it), and
//! the group's limit on it. This is the rule behind every host's
//! `GET /api/groups/{id}/call/status`: `peershare dev` applies it in-process, and the Worker,
//! which has no store, asks this route.

use super::caller::Caller;
use super::{ApiError, ApiState, ErrorResponses};
use axum::Json;
use axum::extract::{Path, State};
use peershare_core::GroupId;
use peershare_core::auth::{Principal, admit_to_call};
use peershare_core::groups::Denied;
use peershare_core::protocol::CallAccess;

/// Whether `caller` may see `group`'s call. A link call is anyone's. A stored group's call is
/// for its members (access token), holders of a pass for it, and anyone where the group admits
/// guests; to everyone else the group does not exist.
pub async fn call_access(state: &ApiState, caller: &Caller, group: &GroupId) -> Result<CallAccess, ApiError> {
    if !group.is_stored() {
        return Ok(CallAccess { max_participants: None });
    }
    let user = match caller {
        Caller::Token(Principal::User { id, .. }) => Some(id.as_str()),
        _ => None,
    };
    let Some((stored, role)) = state.store.group_for(group, user).await? else {
        return Err(Denied::NotFound.into());
    };
    let holds_pass = matches!(caller, Caller::Token(p) if admit_to_call(p, group).is_ok());
    if !(role.is_some() || holds_pass || stored.settings.guests_allowed) {
        return Err(Denied::NotFound.into());
    }
    Ok(CallAccess { max_participants: Some(stored.settings.max_participants) })
}

/// Says whether the caller may see the call, and its limit.
#[utoipa::path(get, path = "/api/groups/{id}/call/access", tag = "calls",
    params(("id" = String, Path, description = "Group id, or a link call's id")),
    security((), ("bearer" = [])),
    responses((status = 200, body = CallAccess), ErrorResponses))]
pub async fn get(
    State(state): State<ApiState>,
    caller: Caller,
    Path(id): Path<String>,
) -> Result<Json<CallAccess>, ApiError> {
    let group = GroupId::parse(&id)?;
    Ok(Json(call_access(&state, &caller, &group).await?))
}
