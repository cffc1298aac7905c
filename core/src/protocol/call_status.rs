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
