//! The call socket's gate at the edge: the call pass offered as a WebSocket subprotocol,
//! verified with the API's public keys and core's rules, exactly as `peershare dev` does.

use crate::error::EdgeError;
use peershare_core::GroupId;
use peershare_core::auth::{SocketDenied, TokenVerifier, admit_to_call, pass_from_protocols};
use serde::{Deserialize, Serialize};

/// Who a verified pass admits: what the Worker tells the call's room (in [`TICKET_HEADER`]).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Ticket {
    /// The account's or guest's id.
    pub participant: String,
    /// The name the participant is shown under.
    pub display_name: String,
    /// The group's participant limit, from the pass.
    pub cap: Option<u32>,
}

/// The header carrying a [`Ticket`] from the Worker to the room. The room is reachable only
/// through the Worker, which sets it after checking the pass.
pub const TICKET_HEADER: &str = "x-peershare-ticket";

/// Checks the pass among the `offered` subprotocols for `call`.
pub fn admit(verifier: &TokenVerifier, offered: &str, call: &GroupId) -> Result<Ticket, EdgeError> {
    let pass = pass_from_protocols(offered).ok_or(SocketDenied::PassRequired)?;
    let claims = verifier.verify(pass)?;
    let principal = claims.principal().ok_or(SocketDenied::NotAPass)?;
    admit_to_call(&principal, call)?;
    let (participant, display_name) = principal.id_and_name();
    Ok(Ticket { participant: participant.to_owned(), display_name: display_name.to_owned(), cap: claims.cap })
}
