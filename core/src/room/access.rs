//! Access that ends when it should: the API tells a group's room when someone's right to be in
//! its call changed ([`AccessNotice`]), and the room keeps an [`AccessLedger`] of those changes
//! for as long as a pass issued before them could still be presented.

use crate::auth::{CALL_PASS_TTL, Ticket};
use crate::groups::Role;
use crate::time::Timestamp;
use serde::{Deserialize, Serialize};

/// What changed about who may be in a group's call.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum AccessChange {
    /// An account is no longer a member (removed, or left).
    MemberRemoved {
        /// The account's id (its passes' participant).
        identity: String,
    },
    /// A member's role changed.
    RoleChanged {
        /// The account's id.
        identity: String,
        /// Their role from now on.
        role: Role,
    },
    /// The group stopped admitting guests.
    GuestsDisallowed,
    /// The group was deleted: nobody may be in its call.
    GroupDeleted,
    /// The group's "who may record" changed (it shuts nobody out).
    RecordRoleChanged {
        /// The lowest role that may start a recording from now on.
        role: Role,
    },
}

/// An [`AccessChange`] with when the API made it, on the clock that dates the passes it issues
/// (so "issued before the change" compares times of one clock).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AccessNotice {
    /// What changed.
    pub change: AccessChange,
    /// When (milliseconds since the Unix epoch).
    pub at: Timestamp,
}

/// Most changes a room remembers; past it they fold into one "every earlier pass" entry, which
/// refuses more (its holders ask for a new pass) but never less.
pub const MAX_LEDGER_ENTRIES: usize = 64;

/// Whose passes a revocation covers.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "who", content = "identity", rename_all = "snake_case")]
enum Holders {
    /// One account's.
    Identity(String),
    /// Every guest's.
    Guests,
    /// Everyone's.
    Everyone,
}

/// One remembered change.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "entry", rename_all = "snake_case")]
enum Entry {
    /// Passes of `holders` issued before `at` no longer open the call.
    Revoked { holders: Holders, at: Timestamp },
    /// Passes of `identity` issued before `at` carry an old role: `role` is theirs.
    Role { identity: String, role: Role, at: Timestamp },
}

impl Entry {
    fn at(&self) -> Timestamp {
        match self {
            Entry::Revoked { at, .. } | Entry::Role { at, .. } => *at,
        }
    }
}

/// Why a ticket no longer opens the call.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refusal {
    /// The holder is no longer a member.
    NoLongerMember,
    /// The group no longer admits guests.
    GuestsDisallowed,
    /// The group was deleted.
    GroupDeleted,
    /// Too much changed at once (or the group is gone): ask for a new pass.
    PassOutdated,
}

impl Refusal {
    /// What the person is told.
    pub fn detail(self) -> &'static str {
        match self {
            Refusal::NoLongerMember => "you are no longer a member of this group",
            Refusal::GuestsDisallowed => "this group no longer admits guests",
            Refusal::GroupDeleted => "this group was deleted",
            Refusal::PassOutdated => "this call pass no longer opens the call; ask for a new one",
        }
    }
}

/// The access changes a room has heard of, kept while passes issued before them are valid.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct AccessLedger {
    entries: Vec<Entry>,
}

impl AccessLedger {
    /// Remembers `notice`.
    pub fn record(&mut self, notice: &AccessNotice) {
        let at = notice.at;
        let entry = match &notice.change {
            AccessChange::MemberRemoved { identity } => {
                Entry::Revoked { holders: Holders::Identity(identity.clone()), at }
            }
            AccessChange::RoleChanged { identity, role } => {
                Entry::Role { identity: identity.clone(), role: *role, at }
            }
            AccessChange::GuestsDisallowed => Entry::Revoked { holders: Holders::Guests, at },
            AccessChange::GroupDeleted => Entry::Revoked { holders: Holders::Everyone, at },
            // Nobody's pass stops opening the call: nothing to remember about passes.
            AccessChange::RecordRoleChanged { .. } => return,
        };
        self.entries.push(entry);
        if self.entries.len() > MAX_LEDGER_ENTRIES {
            let latest = self.entries.iter().map(Entry::at).max().unwrap_or(at);
            self.entries = vec![Entry::Revoked { holders: Holders::Everyone, at: latest }];
        }
    }

    /// Whether `ticket` still opens the call; an outdated role in it is replaced by the
    /// current one.
    pub fn screen(&self, ticket: &mut Ticket) -> Result<(), Refusal> {
        let mut role_changed_at = None;
        for entry in &self.entries {
            match entry {
                Entry::Revoked { holders, at } if ticket.issued_at < *at => match holders {
                    Holders::Identity(id) if *id == ticket.participant && !ticket.guest => {
                        return Err(Refusal::NoLongerMember);
                    }
                    Holders::Guests if ticket.guest => return Err(Refusal::GuestsDisallowed),
                    Holders::Everyone => return Err(Refusal::PassOutdated),
                    _ => {}
                },
                Entry::Role { identity, role, at }
                    if ticket.issued_at < *at
                        && *identity == ticket.participant
                        && ticket.role.is_some()
                        && role_changed_at.is_none_or(|earlier| earlier <= *at) =>
                {
                    ticket.role = Some(*role);
                    role_changed_at = Some(*at);
                }
                _ => {}
            }
        }
        Ok(())
    }

    /// Forgets what no valid pass predates any more (a pass lives [`CALL_PASS_TTL`]).
    pub fn prune(&mut self, now: Timestamp) {
        self.entries.retain(|e| e.at().plus(CALL_PASS_TTL) > now);
    }

    /// When [`AccessLedger::prune`] next forgets something.
    pub fn next_expiry(&self) -> Option<Timestamp> {
        self.entries.iter().map(|e| e.at().plus(CALL_PASS_TTL)).min()
    }

    /// Whether nothing is remembered.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const T: u64 = 1_800_000_000_000;

    fn ticket(participant: &str, guest: bool, issued_ms: u64) -> Ticket {
        Ticket {
            participant: participant.into(),
            display_name: participant.into(),
            cap: None,
            record_role: None,
            guest,
            role: (!guest).then_some(Role::Member),
            issued_at: Timestamp::from_millis(issued_ms),
        }
    }

    fn notice(change: AccessChange, at: u64) -> AccessNotice {
        AccessNotice { change, at: Timestamp::from_millis(at) }
    }

    #[test]
    fn a_removed_members_earlier_passes_are_refused_and_later_ones_admitted() {
        let mut ledger = AccessLedger::default();
        ledger.record(&notice(AccessChange::MemberRemoved { identity: "u_ada".into() }, T));
        assert_eq!(ledger.screen(&mut ticket("u_ada", false, T - 1)), Err(Refusal::NoLongerMember));
        assert_eq!(ledger.screen(&mut ticket("u_bob", false, T - 1)), Ok(()), "only Ada's");
        assert_eq!(ledger.screen(&mut ticket("u_ada", false, T)), Ok(()), "a pass issued after (re-added)");
        assert_eq!(ledger.screen(&mut ticket("u_ada", true, T - 1)), Ok(()), "a guest id is not the account");
    }

    #[test]
    fn guests_off_refuses_guests_only_and_deletion_refuses_everyone() {
        let mut ledger = AccessLedger::default();
        ledger.record(&notice(AccessChange::GuestsDisallowed, T));
        assert_eq!(ledger.screen(&mut ticket("gst_1", true, T - 1)), Err(Refusal::GuestsDisallowed));
        assert_eq!(ledger.screen(&mut ticket("u_bob", false, T - 1)), Ok(()));
        ledger.record(&notice(AccessChange::GroupDeleted, T + 5));
        assert_eq!(ledger.screen(&mut ticket("u_bob", false, T + 4)), Err(Refusal::PassOutdated));
    }

    #[test]
    fn an_earlier_pass_carries_the_latest_role() {
        let mut ledger = AccessLedger::default();
        ledger.record(&notice(
            AccessChange::RoleChanged { identity: "u_ada".into(), role: Role::Owner },
            T + 2,
        ));
        ledger.record(&notice(
            AccessChange::RoleChanged { identity: "u_ada".into(), role: Role::Admin },
            T + 1,
        ));
        let mut old = ticket("u_ada", false, T);
        assert_eq!(ledger.screen(&mut old), Ok(()));
        assert_eq!(old.role, Some(Role::Owner), "the later change wins whatever the order heard");
        let mut between = ticket("u_ada", false, T + 1);
        ledger.screen(&mut between).expect("admitted");
        assert_eq!(between.role, Some(Role::Owner));
        let mut fresh = ticket("u_ada", false, T + 2);
        ledger.screen(&mut fresh).expect("admitted");
        assert_eq!(fresh.role, Some(Role::Member), "a pass issued after the change has it already");
    }

    #[test]
    fn entries_live_as_long_as_a_pass_and_overflow_folds_into_everyone() {
        let mut ledger = AccessLedger::default();
        ledger.record(&notice(AccessChange::GuestsDisallowed, T));
        let expiry = Timestamp::from_millis(T).plus(CALL_PASS_TTL);
        assert_eq!(ledger.next_expiry(), Some(expiry));
        ledger.prune(Timestamp::from_millis(expiry.as_millis() - 1));
        assert!(!ledger.is_empty());
        ledger.prune(expiry);
        assert!(ledger.is_empty(), "no pass issued before it is valid any more");

        for i in 0..=MAX_LEDGER_ENTRIES as u64 {
            ledger.record(&notice(AccessChange::MemberRemoved { identity: format!("u_{i}") }, T + i));
        }
        let last = T + MAX_LEDGER_ENTRIES as u64;
        assert_eq!(ledger.entries.len(), 1, "bounded");
        assert_eq!(ledger.screen(&mut ticket("u_nobody", false, last - 1)), Err(Refusal::PassOutdated));
        assert_eq!(ledger.screen(&mut ticket("u_nobody", false, last)), Ok(()));
    }

    #[test]
    fn notices_use_the_documented_wire_shape() {
        let wire = serde_json::to_value(notice(AccessChange::MemberRemoved { identity: "u_a".into() }, 5))
            .expect("serialize");
        assert_eq!(
            wire,
            serde_json::json!({"change": {"kind": "member_removed", "identity": "u_a"}, "at": 5})
        );
        let role: AccessNotice = serde_json::from_str(
            r#"{"change":{"kind":"role_changed","identity":"u_a","role":"admin"},"at":1}"#,
        )
        .expect("parse");
        assert_eq!(role.change, AccessChange::RoleChanged { identity: "u_a".into(), role: Role::Admin });
    }
}
