//! Who may open a call's socket: the holder of a valid call pass for that call, and nobody
//! else. Browsers cannot set headers on a WebSocket, so the pass travels as a subprotocol
//! (`Sec-WebSocket-Protocol: peershare.v1, peershare.pass.<jwt>`); the host answers with
//! [`CALL_PROTOCOL`]. TURN credentials, a relay paid for by the operator, go only to holders
//! of a call pass too (`Authorization: Bearer <pass>`). Every host (local server, Worker)
//! applies these same rules through [`admit_socket`] and [`admit_turn`].

use super::Principal;
use crate::GroupId;
use serde::{Deserialize, Serialize};

/// The subprotocol a call socket speaks; servers select it in the handshake.
pub const CALL_PROTOCOL: &str = "peershare.v1";

/// Prefix of the subprotocol entry that carries the call pass.
pub const PASS_PROTOCOL_PREFIX: &str = "peershare.pass.";

/// Why a call socket is refused before it reaches the room.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum SocketDenied {
    /// No pass offered (HTTP 401): ask `POST /api/groups/{id}/call-pass` for one.
    #[error("a call pass is required: ask POST /api/groups/{{id}}/call-pass for one")]
    PassRequired,
    /// The token is an account's access token, not a call pass (HTTP 401).
    #[error("this token is not a call pass: ask POST /api/groups/{{id}}/call-pass for one")]
    NotAPass,
    /// The pass opens another call (HTTP 403).
    #[error("this call pass is for another call")]
    WrongCall,
}

impl SocketDenied {
    /// The machine-readable error code for HTTP bodies.
    pub fn code(&self) -> &'static str {
        match self {
            Self::PassRequired => "call_pass_required",
            Self::NotAPass => "call_pass_required",
            Self::WrongCall => "wrong_call",
        }
    }

    /// The HTTP status that carries it.
    pub fn status(&self) -> u16 {
        match self {
            Self::PassRequired | Self::NotAPass => 401,
            Self::WrongCall => 403,
        }
    }
}

/// The call pass among the offered subprotocols (the value of `Sec-WebSocket-Protocol`).
pub fn pass_from_protocols(header: &str) -> Option<&str> {
    header
        .split(',')
        .map(str::trim)
        .find_map(|p| p.strip_prefix(PASS_PROTOCOL_PREFIX))
        .filter(|t| !t.is_empty())
}

/// Who a verified pass admits to a call: what the host tells the call's room.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Ticket {
    /// The account's or guest's id.
    pub participant: String,
    /// The name the participant is shown under.
    pub display_name: String,
    /// The group's participant limit, from the pass.
    pub cap: Option<u32>,
    /// The group's "who may record", from the pass; `None` for a link call.
    #[serde(default)]
    pub record_role: Option<crate::groups::Role>,
    /// A guest in a stored group's call (not a member of the group).
    #[serde(default)]
    pub guest: bool,
    /// A member's role in the group, from the pass.
    #[serde(default)]
    pub role: Option<crate::groups::Role>,
    /// When the pass was issued (Unix ms, whole seconds): a room refuses passes issued before
    /// their holder's access was taken away (see [`crate::room::AccessLedger`]).
    #[serde(default)]
    pub issued_at: crate::Timestamp,
}

/// Who may have TURN credentials, and until when.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TurnGrant {
    /// The TURN user: the pass holder's id (coturn's per-user quotas count by it).
    pub user: String,
    /// When the pass expires (Unix seconds): credentials never outlive it.
    pub pass_expires_at: u64,
}

/// Why a call socket or TURN credentials were refused: the pass's rules, or its token.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum GateError {
    /// No pass, not a pass, or a pass for another call.
    #[error(transparent)]
    Denied(#[from] SocketDenied),
    /// The token did not verify.
    #[cfg(feature = "tokens")]
    #[error(transparent)]
    Token(#[from] super::TokenError),
}

impl GateError {
    /// The HTTP status and machine code every host answers this with.
    pub fn status_and_code(&self) -> (u16, &'static str) {
        match self {
            Self::Denied(denied) => (denied.status(), denied.code()),
            #[cfg(feature = "tokens")]
            Self::Token(e) => e.status_and_code(),
        }
    }
}

/// Checks the pass among the `offered` subprotocols of a call socket for `call`.
#[cfg(feature = "tokens")]
pub fn admit_socket(
    verifier: &super::TokenVerifier,
    offered: &str,
    call: &GroupId,
) -> Result<Ticket, GateError> {
    let pass = pass_from_protocols(offered).ok_or(SocketDenied::PassRequired)?;
    let claims = verifier.verify(pass)?;
    let principal = claims.principal().ok_or(SocketDenied::NotAPass)?;
    admit_to_call(&principal, call)?;
    let (participant, display_name) = principal.id_and_name();
    let (guest, role) = match &principal {
        Principal::Member { role, .. } => (false, Some(*role)),
        _ => (call.is_stored(), None),
    };
    Ok(Ticket {
        participant: participant.to_owned(),
        display_name: display_name.to_owned(),
        cap: claims.cap,
        record_role: claims.rec,
        guest,
        role,
        issued_at: crate::Timestamp::from_millis(claims.iat.saturating_mul(1000)),
    })
}

/// Checks the call pass in an `Authorization` header (`Bearer <pass>`) of a request for TURN
/// credentials: any valid call pass will do (an account's access token will not).
#[cfg(feature = "tokens")]
pub fn admit_turn(
    verifier: &super::TokenVerifier,
    authorization: Option<&str>,
) -> Result<TurnGrant, GateError> {
    let pass = authorization.and_then(bearer).ok_or(SocketDenied::PassRequired)?;
    let claims = verifier.verify(pass)?;
    let principal = claims.principal().ok_or(SocketDenied::NotAPass)?;
    if principal.call_group().is_none() {
        return Err(SocketDenied::NotAPass.into());
    }
    let user = principal
        .id_and_name()
        .0
        .chars()
        .filter(|c| c.is_ascii_alphanumeric() || *c == '-' || *c == '_')
        .collect();
    Ok(TurnGrant { user, pass_expires_at: claims.exp })
}

/// The token of an `Authorization: Bearer <token>` header value.
pub fn bearer(header: &str) -> Option<&str> {
    let (scheme, token) = header.trim().split_once(' ')?;
    let token = token.trim();
    (scheme.eq_ignore_ascii_case("bearer") && !token.is_empty()).then_some(token)
}

/// Whether the verified `principal` may open the socket of `call`.
pub fn admit_to_call(principal: &Principal, call: &GroupId) -> Result<(), SocketDenied> {
    match principal.call_group() {
        None => Err(SocketDenied::NotAPass),
        Some(group) if group == call => Ok(()),
        Some(_) => Err(SocketDenied::WrongCall),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::groups::Role;

    fn id(s: &str) -> GroupId {
        GroupId::parse(s).expect("valid")
    }

    #[test]
    fn the_pass_is_found_among_the_offered_protocols() {
        assert_eq!(pass_from_protocols("peershare.v1, peershare.pass.abc.def.ghi"), Some("abc.def.ghi"));
        assert_eq!(pass_from_protocols("peershare.pass.x,peershare.v1"), Some("x"));
        assert_eq!(pass_from_protocols("peershare.v1"), None);
        assert_eq!(pass_from_protocols("peershare.v1, peershare.pass."), None);
        assert_eq!(pass_from_protocols(""), None);
    }

    #[test]
    fn a_bearer_token_is_read_from_the_authorization_header() {
        assert_eq!(bearer("Bearer abc.def"), Some("abc.def"));
        assert_eq!(bearer("bearer  abc "), Some("abc"));
        assert_eq!(bearer("Basic abc"), None);
        assert_eq!(bearer("Bearer "), None);
        assert_eq!(bearer("abc"), None);
    }

    #[test]
    fn only_a_pass_for_this_call_opens_it() {
        let guest = Principal::Guest { id: "g".into(), name: "V".into(), group: id("team") };
        let member =
            Principal::Member { id: "u".into(), name: "A".into(), group: id("team"), role: Role::Owner };
        let account = Principal::User { id: "u".into(), name: "A".into() };
        assert_eq!(admit_to_call(&guest, &id("team")), Ok(()));
        assert_eq!(admit_to_call(&member, &id("team")), Ok(()));
        assert_eq!(admit_to_call(&member, &id("other")), Err(SocketDenied::WrongCall));
        assert_eq!(admit_to_call(&account, &id("team")), Err(SocketDenied::NotAPass));
        assert_eq!((SocketDenied::WrongCall.status(), SocketDenied::PassRequired.status()), (403, 401));
    }
}
