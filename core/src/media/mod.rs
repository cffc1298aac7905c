//! What the signaling room knows about media nodes: the lease a host obtains for a call, and
//! the tokens that let each participant (and the room's host) use that node.

#[cfg(feature = "tokens")]
mod jwt_signer;
mod lease;
mod recording_order;
mod token;

#[cfg(feature = "tokens")]
pub use jwt_signer::JwtSigner;
pub use lease::MediaNodeLease;
pub use recording_order::RecordingOrder;
pub use token::{MEDIA_TOKEN_TTL, MediaClaims, MediaTokenSigner, SignError, TokenScope};
