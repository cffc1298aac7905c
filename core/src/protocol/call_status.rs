//! Body of `GET /api/groups/{id}/call/status`, shown on the pre-join screen.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

/// Who is in a call and whether one more can join right now.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct CallStatus {
    /// Participants in the call.
    pub participants: u32,
    /// Most participants the call admits.
    pub capacity: u32,
    /// A newcomer would be admitted straight away.
    pub joinable: bool,
}

/// The API's answer to a host of call rooms that has no store (the Worker) asking about a
/// group's call for someone: they may see it and join it, within this limit.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct CallAccess {
    /// The group's limit on participants; none for a link call, which has no limit of its own.
    pub max_participants: Option<u32>,
}
