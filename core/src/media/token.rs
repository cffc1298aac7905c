//! Media tokens: short-lived JWTs bound to one node, one call and (for browsers) one
//! participant. The room decides what a token says; the host signs it (the key is a host
//! secret), and the node verifies it with the public key only.

use crate::protocol::ParticipantId;
use crate::time::Timestamp;
use serde::{Deserialize, Serialize};
use std::time::Duration;

/// How long a media token stays valid. It is only needed to enter the node, so it is short.
pub const MEDIA_TOKEN_TTL: Duration = Duration::from_secs(300);

/// What a media token allows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TokenScope {
    /// Join the call as the participant named in the token.
    Participant,
    /// Open, end and manage the call session (the signaling host).
    Room,
}

/// The claims of a media token.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MediaClaims {
    /// The node the token is for (JWT audience).
    pub aud: String,
    /// The call session on that node.
    pub call: String,
    /// The participant, for [`TokenScope::Participant`] tokens.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub participant: Option<ParticipantId>,
    /// What the bearer may do.
    pub scope: TokenScope,
    /// Issued at, seconds since the Unix epoch.
    pub iat: u64,
    /// Expires at, seconds since the Unix epoch.
    pub exp: u64,
}

impl MediaClaims {
    /// Claims for `participant` in `call` on `node`, issued at `now` (Unix epoch).
    pub fn participant(node: &str, call: &str, participant: ParticipantId, now: Timestamp) -> Self {
        Self::new(node, call, Some(participant), TokenScope::Participant, now)
    }

    /// Claims for the room's host to manage `call` on `node`.
    pub fn room(node: &str, call: &str, now: Timestamp) -> Self {
        Self::new(node, call, None, TokenScope::Room, now)
    }

    fn new(
        node: &str,
        call: &str,
        participant: Option<ParticipantId>,
        scope: TokenScope,
        now: Timestamp,
    ) -> Self {
        let iat = now.as_millis() / 1000;
        Self {
            aud: node.to_owned(),
            call: call.to_owned(),
            participant,
            scope,
            iat,
            exp: iat + MEDIA_TOKEN_TTL.as_secs(),
        }
    }
}

/// Why a token could not be signed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("could not sign a media token: {0}")]
pub struct SignError(pub String);

/// Turns claims into a signed token. Hosts implement it with their private key.
pub trait MediaTokenSigner: std::fmt::Debug + Send + Sync {
    /// The compact JWT for `claims`.
    fn sign(&self, claims: &MediaClaims) -> Result<String, SignError>;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn participant_claims_expire_after_the_ttl_and_name_the_node() {
        let claims =
            MediaClaims::participant("node-1", "call-9", ParticipantId(3), Timestamp(1_700_000_000_500));
        assert_eq!(claims.iat, 1_700_000_000);
        assert_eq!(claims.exp, 1_700_000_000 + MEDIA_TOKEN_TTL.as_secs());
        assert_eq!(claims.aud, "node-1");
        assert_eq!(claims.participant, Some(ParticipantId(3)));
        let json = serde_json::to_value(&claims).expect("json");
        assert_eq!(json["scope"], "participant");
    }

    #[test]
    fn room_claims_carry_no_participant() {
        let json = serde_json::to_value(MediaClaims::room("n", "c", Timestamp(0))).expect("json");
        assert_eq!(json["scope"], "room");
        assert!(json.get("participant").is_none());
    }
}
