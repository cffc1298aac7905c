//! Who may open a call's socket: the holder of a valid call pass for that call, and nobody
//! else. Browsers cannot set headers on a WebSocket, so the pass travels as a subprotocol
//! (`Sec-WebSocket-Protocol: peershare.v1, peershare.pass.<jwt>`); the host answers with
//! [`CALL_PROTOCOL`]. Every host (local server, Durable Object) applies these same rules.

use super::Principal;
use crate::GroupId;

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
