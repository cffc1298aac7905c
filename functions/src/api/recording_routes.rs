//! A group's recordings: `GET /api/groups/{id}/recordings` (members), `DELETE
//! /api/groups/{id}/recordings/{recording}` (admins and owners; the files go too), and `GET
//! /api/recordings/{recording}/file` (the expiring, signed link of a folder-backed deployment).

use super::caller::{Authenticated, authorize_on};
use super::recording_views::{RecordingList, RecordingView};
use super::{ApiError, ApiState, ErrorResponses};
use axum::Json;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderValue, Request, StatusCode, header};
use axum::response::{IntoResponse, Response};
use peershare_core::groups::{Action, authorize};
use peershare_core::recording_links::LinkError;
use serde::Deserialize;
use tower::ServiceExt;
use utoipa::IntoParams;

/// Most recordings one list shows.
const LIST_LIMIT: usize = 50;

/// The group's recordings, newest first, with download links for the ready ones.
#[utoipa::path(get, path = "/api/groups/{id}/recordings", tag = "recordings", security(("bearer" = [])),
    params(("id" = String, Path, description = "Group id")),
    responses((status = 200, body = RecordingList), ErrorResponses))]
pub async fn list(
    State(state): State<ApiState>,
    Authenticated(caller): Authenticated,
    Path(id): Path<String>,
) -> Result<Json<RecordingList>, ApiError> {
    let allowed = authorize_on(&state, &caller, &id, Action::ViewRecordings).await?;
    let now = state.clock.now();
    let mut recordings = Vec::new();
    for record in state.store.recordings(&allowed.group.id, LIST_LIMIT).await? {
        let link = match &state.recordings {
            Some(files) => files.link(&record, now).await.map_err(ApiError::recording_files)?,
            None => None,
        };
        recordings.push(RecordingView::new(&record, link));
    }
    let can_delete = allowed.role.is_some_and(|role| {
        authorize(
            peershare_core::groups::Standing::Member(role),
            Action::DeleteRecording,
            &allowed.group.settings,
        )
        .is_ok()
    });
    Ok(Json(RecordingList { recordings, can_delete }))
}

/// Deletes a recording and its files (admins and owners). A recording still running cannot
/// be deleted: stop it in the call first.
#[utoipa::path(delete, path = "/api/groups/{id}/recordings/{recording}", tag = "recordings",
    security(("bearer" = [])),
    params(("id" = String, Path, description = "Group id"), ("recording" = String, Path, description = "Recording id")),
    responses((status = 204, description = "Deleted"), ErrorResponses))]
pub async fn delete(
    State(state): State<ApiState>,
    Authenticated(caller): Authenticated,
    Path((id, recording)): Path<(String, String)>,
) -> Result<StatusCode, ApiError> {
    let allowed = authorize_on(&state, &caller, &id, Action::DeleteRecording).await?;
    let record = state
        .store
        .recording(&recording)
        .await?
        .filter(|r| r.group == allowed.group.id)
        .ok_or(ApiError::RecordingNotFound)?;
    if matches!(
        record.status,
        crate::store::RecordingStatus::Recording | crate::store::RecordingStatus::Processing { .. }
    ) {
        return Err(ApiError::RecordingInProgress);
    }
    if let Some(files) = &state.recordings {
        files.delete(&record.id).await.map_err(ApiError::recording_files)?;
    }
    state.store.delete_recording(&record.id).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// The query of a signed download link.
#[derive(Debug, Deserialize, IntoParams)]
pub struct LinkQuery {
    /// When the link expires (Unix seconds).
    pub expires: u64,
    /// Its signature.
    pub signature: String,
}

/// Downloads a recording's MP4 through a link the group page handed out (folder-backed
/// deployments; in the cloud, links go to S3). Refused when expired (410), altered or forged
/// (403), or when the recording is gone (404).
#[utoipa::path(get, path = "/api/recordings/{recording}/file", tag = "recordings",
    params(("recording" = String, Path, description = "Recording id"), LinkQuery),
    responses((status = 200, description = "The MP4", content_type = "video/mp4"), ErrorResponses))]
pub async fn file(
    State(state): State<ApiState>,
    Path(recording): Path<String>,
    query: Result<Query<LinkQuery>, axum::extract::rejection::QueryRejection>,
    request: Request<axum::body::Body>,
) -> Result<Response, ApiError> {
    let Query(link) = query.map_err(|_| ApiError::Link(LinkError::Forged))?;
    let files = state.recordings.as_ref().ok_or(ApiError::Link(LinkError::Forged))?;
    // The signature first: without a good link, nobody learns whether a recording exists.
    files.verify(&recording, link.expires, &link.signature, state.clock.now()).map_err(ApiError::Link)?;
    let record = state.store.recording(&recording).await?.ok_or(ApiError::RecordingNotFound)?;
    let path = files.path_of(&record).ok_or(ApiError::RecordingNotFound)?;
    let Ok(served) = tower_http::services::ServeFile::new(path).oneshot(request).await;
    let mut response = served.into_response();
    if response.status() == StatusCode::NOT_FOUND {
        return Err(ApiError::RecordingNotFound);
    }
    let disposition = format!("attachment; filename=\"{}.mp4\"", record.id);
    if let Ok(value) = HeaderValue::from_str(&disposition) {
        response.headers_mut().insert(header::CONTENT_DISPOSITION, value);
    }
    response.headers_mut().insert(header::CACHE_CONTROL, HeaderValue::from_static("private, no-store"));
    Ok(response)
}
