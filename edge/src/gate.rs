//! The call socket's gate at the edge: core's [`admit_socket`] (the same function
//! `peershare dev` calls) with the API's public keys; the admitted [`Ticket`] travels to the
//! call's room in [`TICKET_HEADER`].
//!
//! [`admit_socket`]: peershare_core::auth::admit_socket

pub use peershare_core::auth::Ticket;

/// The header carrying a [`Ticket`] from the Worker to the room. The room is reachable only
/// through the Worker, which sets it after checking the pass.
pub const TICKET_HEADER: &str = "x-peershare-ticket";
