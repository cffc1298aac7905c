//! `POST /api/groups/{id}/call-pass`: a short-lived pass that opens one call's socket. Members
//! get one with their role; guests get one by name when the group admits guests. Ids without
//! the stored-group prefix are link calls ("Start a call"): anyone with the link may join.

use super::auth_routes::display_name;
use super::caller::Caller;
use super::views::{CallPassRequest, CallPassView};
use super::{ApiError, ApiState, ErrorResponses};
use crate::session::random_id;
use axum::Json;
use axum::extract::rejection::JsonRejection;
use axum::extract::{Path, State};
use peershare_core::GroupId;
use peershare_core::auth::{AccessClaims, Principal};
use peershare_core::groups::{Action, Denied, Standing, authorize};

/// Issues a call pass for the caller.
#[utoipa::path(post, path = "/api/groups/{id}/call-pass", tag = "calls", request_body = CallPassRequest,
    params(("id" = String, Path, description = "Group id, or a link call's id")),
    responses((status = 200, body = CallPassView), ErrorResponses))]
pub async fn issue(
    State(state): State<ApiState>,
    caller: Caller,
    Path(id): Path<String>,
    body: Result<Option<Json<CallPassRequest>>, JsonRejection>,
) -> Result<Json<CallPassView>, ApiError> {
    let group = GroupId::parse(&id)?;
    let body = body?.map(|Json(b)| b).unwrap_or_default();
    let now = state.clock.now();
    let user = match &caller {
        Caller::Token(Principal::User { id, .. }) => Some(id.as_str()),
        _ => None,
    };
    let stored = state.store.group_for(&group, user).await?;
    let claims = match (&caller, stored) {
        // A member: a pass with their role and profile name.
        (Caller::Token(Principal::User { id, .. }), Some((g, Some(role)))) => {
            authorize(Standing::Member(role), Action::JoinCall, &g.settings)?;
            let profile = state.store.user(id).await?.ok_or(ApiError::SignInRequired)?;
            AccessClaims::member(id, profile.profile.display_name.as_str(), group.clone(), role, now)
                .with_group_settings(&g.settings)
        }
        // Signed in but not a member: a guest like anyone else where the group admits guests,
        // and nothing (not even that the group exists) where it does not.
        (Caller::Token(Principal::User { id, name }), Some((g, None))) => {
            if !g.settings.guests_allowed {
                return Err(Denied::NotFound.into());
            }
            AccessClaims::group_guest(id, name, group.clone(), now).with_group_settings(&g.settings)
        }
        // A guest (or a renewing guest) in a group that admits guests.
        (Caller::Anonymous | Caller::Token(Principal::Guest { .. }), Some((g, _))) => {
            if !g.settings.guests_allowed {
                return Err(ApiError::GuestsNotAllowed);
            }
            let mut claims = guest_claims(&caller, &group, body.name.as_deref(), now)?;
            claims.exp = AccessClaims::group_guest(&claims.sub, &claims.name, group.clone(), now).exp;
            claims.with_group_settings(&g.settings)
        }
        (Caller::Token(Principal::Member { .. }), Some(_)) => return Err(ApiError::AccountRequired),
        // A stored group's id that names no group. Someone signed in hears it is not there;
        // anyone else hears what a group without guests answers, so asking cannot tell which
        // group ids exist.
        (Caller::Token(Principal::User { .. }), None) if group.is_stored() => {
            return Err(Denied::NotFound.into());
        }
        (_, None) if group.is_stored() => return Err(ApiError::GuestsNotAllowed),
        (Caller::Token(Principal::User { id, name }), None) => {
            AccessClaims::guest(id, name, group.clone(), now)
        }
        (_, None) => guest_claims(&caller, &group, body.name.as_deref(), now)?,
    };
    let token = state.tokens.sign(&claims)?;
    Ok(Json(CallPassView {
        token,
        expires_at: claims.exp * 1000,
        group: group.as_str().to_owned(),
        role: claims.role,
        record_role: claims.rec,
    }))
}

fn guest_claims(
    caller: &Caller,
    group: &GroupId,
    name: Option<&str>,
    now: peershare_core::Timestamp,
) -> Result<AccessClaims, ApiError> {
    match caller {
        // A guest renewing their pass for the same call keeps their id (and their name unless
        // they give a new one).
        Caller::Token(Principal::Guest { id, name: old, group: theirs }) if theirs == group => {
            let name = match name {
                Some(n) => display_name(Some(n))?.as_str().to_owned(),
                None => old.clone(),
            };
            Ok(AccessClaims::guest(id, &name, group.clone(), now))
        }
        Caller::Token(Principal::Guest { .. }) => Err(Denied::NotFound.into()),
        _ => {
            let name = display_name(name)?;
            Ok(AccessClaims::guest(&random_id("guest_", 12), name.as_str(), group.clone(), now))
        }
    }
}
