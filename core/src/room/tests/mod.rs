//! Room rules, each as a script: inputs in, outputs out, time advanced by hand.

mod access;
mod chat;
mod history;
mod limits;
mod media_node;
mod node_loss;
mod peer_to_peer;
mod recording;
mod resume;
mod seats;

use super::*;
use crate::media::{MediaClaims, MediaTokenSigner, SignError};
use crate::protocol::{
    CallMode, ErrorCode, LeaveReason, MediaState, PROTOCOL_VERSION, ParticipantId, Peer, ServerMessage,
};
use crate::time::Timestamp;
use std::sync::Arc;
use std::time::Duration;

const A: ConnectionId = ConnectionId(10);
const B: ConnectionId = ConnectionId(20);
const C: ConnectionId = ConnectionId(30);
const D: ConnectionId = ConnectionId(40);

/// A room driven by hand.
struct Script {
    room: Room,
    now: Timestamp,
}

impl Script {
    fn new() -> Self {
        Self::with(RoomConfig::default())
    }

    fn with(config: RoomConfig) -> Self {
        Self { room: Room::new(config, Arc::new(TestSigner)), now: Timestamp::from_millis(1_700_000_000_000) }
    }

    fn input(&mut self, input: Input) -> Vec<Output> {
        self.room.handle(input, self.now);
        std::iter::from_fn(|| self.room.poll_output()).collect()
    }

    fn text(&mut self, conn: ConnectionId, text: &str) -> Vec<Output> {
        self.input(Input::Text(conn, text.to_owned()))
    }

    fn join(&mut self, conn: ConnectionId, name: &str) -> Vec<Output> {
        self.input(Input::Connected(conn));
        self.text(conn, &join_json(name))
    }

    /// A new room rebuilt from this one's snapshot (through JSON, as a host stores it), at
    /// this script's time: what a host does after it lost the room's memory.
    fn restored(&self) -> Script {
        let json = serde_json::to_string(&self.room.snapshot()).expect("serialize");
        let snapshot = serde_json::from_str(&json).expect("deserialize");
        Script {
            room: Room::restore(RoomConfig::default(), Arc::new(TestSigner), snapshot, self.now),
            now: self.now,
        }
    }

    /// Opens `conn`, has the host identify it as `identity` shown as `name` (a guest's ticket
    /// for a link call), and joins, presenting `resume` if given: everything the room said.
    fn join_identified(
        &mut self,
        conn: ConnectionId,
        identity: &str,
        name: &str,
        resume: Option<&str>,
    ) -> Vec<Output> {
        let mut out = self.input(Input::Connected(conn));
        out.extend(self.input(Input::Identified { conn, ticket: ticket(identity, name) }));
        let mut join: serde_json::Value = serde_json::from_str(&join_json(name)).expect("join is JSON");
        if let Some(key) = resume {
            join["resume"] = serde_json::json!(key);
        }
        out.extend(self.text(conn, &join.to_string()));
        out
    }

    fn advance(&mut self, d: Duration) -> Vec<Output> {
        self.now = self.now.plus(d);
        self.input(Input::Timeout)
    }
}

fn join_json(name: &str) -> String {
    serde_json::json!({"type":"join","version":PROTOCOL_VERSION,"display_name":name,"media":{"audio":true,"video":true}})
        .to_string()
}

fn sent_to(outputs: &[Output], conn: ConnectionId) -> Vec<ServerMessage> {
    outputs
        .iter()
        .filter_map(|o| match o {
            Output::Send(c, m) if *c == conn => Some(m.clone()),
            Output::Broadcast(cs, m) if cs.contains(&conn) => Some(m.clone()),
            _ => None,
        })
        .collect()
}

fn error_codes(outputs: &[Output], conn: ConnectionId) -> Vec<(ErrorCode, bool)> {
    sent_to(outputs, conn)
        .into_iter()
        .filter_map(|m| match m {
            ServerMessage::Error { code, fatal, .. } => Some((code, fatal)),
            _ => None,
        })
        .collect()
}

fn closed(outputs: &[Output], conn: ConnectionId) -> Option<u16> {
    outputs.iter().find_map(|o| match o {
        Output::Close(c, frame) if *c == conn => Some(frame.code),
        _ => None,
    })
}

fn welcome(outputs: &[Output], conn: ConnectionId) -> (ParticipantId, Vec<Peer>) {
    sent_to(outputs, conn)
        .into_iter()
        .find_map(|m| match m {
            ServerMessage::Welcome { you, participants, .. } => Some((you, participants)),
            _ => None,
        })
        .expect("welcome")
}

/// The ticket a host makes of a guest's pass for a link call: `identity`, shown as `name`.
fn ticket(identity: &str, name: &str) -> crate::auth::Ticket {
    crate::auth::Ticket {
        participant: identity.into(),
        display_name: name.into(),
        cap: None,
        record_role: None,
        guest: false,
        role: None,
        issued_at: Timestamp::from_millis(0),
    }
}

fn offer(to: u32) -> String {
    serde_json::json!({"type":"description","to":to,"description":{"type":"offer","sdp":"v=0 offer"}})
        .to_string()
}

/// Signs nothing: writes the claims in the clear, so tests can read what a token grants.
#[derive(Debug)]
struct TestSigner;

impl MediaTokenSigner for TestSigner {
    fn sign(&self, claims: &MediaClaims) -> Result<String, SignError> {
        Ok(serde_json::to_string(claims).expect("claims serialize"))
    }
}

/// A signer whose key is gone.
#[derive(Debug)]
struct BrokenSigner;

impl MediaTokenSigner for BrokenSigner {
    fn sign(&self, _: &MediaClaims) -> Result<String, SignError> {
        Err(SignError("key unavailable".into()))
    }
}
