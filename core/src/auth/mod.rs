//! Sessions as pure rules: what an access token or a call pass says (accounts, members, guests), how long tokens
//! live, and how refresh tokens rotate, with reuse of a rotated one revoking its whole family.
//! Signing, hashing and storage are the hosts' work.

mod call_gate;
mod claims;
mod internal;
mod jwk;
mod refresh;
#[cfg(feature = "tokens")]
mod verify;

pub use call_gate::{
    CALL_PROTOCOL, GateError, PASS_PROTOCOL_PREFIX, SocketDenied, Ticket, TurnGrant, admit_to_call, bearer,
    pass_from_protocols,
};
#[cfg(feature = "tokens")]
pub use call_gate::{admit_socket, admit_turn};
pub use claims::{ACCESS_TTL, AccessClaims, CALL_PASS_TTL, GUEST_TTL, Principal, SessionKind};
pub use internal::{is_internal_caller, secrets_equal};
pub use jwk::{Jwk, JwkError, Jwks};
pub use refresh::{REFRESH_TTL, REUSE_GRACE, RefreshOutcome, RefreshRecord, redeem};
#[cfg(feature = "tokens")]
pub use verify::{ACCESS_TYP, TokenError, TokenVerifier};
