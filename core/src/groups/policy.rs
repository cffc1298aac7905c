//! Who may do what in a group: roles, the group's settings, and the rule that a group always
//! keeps an owner.

use super::{Action, GroupSettings, Role, Standing};

/// Why a request on a group is refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum Denied {
    /// No valid session: sign in first (HTTP 401).
    #[error("sign in first")]
    NotSignedIn,
    /// Not a member: the group is not shown to outsiders at all (HTTP 404).
    #[error("no such group")]
    NotFound,
    /// A member (or guest) whose role does not allow this (HTTP 403).
    #[error("your role in this group does not allow this")]
    Forbidden,
}

impl Denied {
    /// The machine-readable error code for HTTP bodies.
    pub fn code(&self) -> &'static str {
        match self {
            Self::NotSignedIn => "unauthorized",
            Self::NotFound => "group_not_found",
            Self::Forbidden => "forbidden",
        }
    }

    /// The HTTP status that carries it.
    pub fn status(&self) -> u16 {
        match self {
            Self::NotSignedIn => 401,
            Self::NotFound => 404,
            Self::Forbidden => 403,
        }
    }
}

/// Whether someone standing at `standing` may do `action` in a group with `settings`.
pub fn authorize(standing: Standing, action: Action, settings: &GroupSettings) -> Result<(), Denied> {
    let role = match standing {
        Standing::Anonymous => return Err(Denied::NotSignedIn),
        Standing::Outsider => return Err(Denied::NotFound),
        Standing::Guest => {
            return if action == Action::JoinCall && settings.guests_allowed {
                Ok(())
            } else {
                Err(Denied::Forbidden)
            };
        }
        Standing::Member(role) => role,
    };
    let needed = match action {
        Action::View
        | Action::ListMembers
        | Action::ViewHistory
        | Action::ViewRecordings
        | Action::JoinCall
        | Action::Leave => Role::Member,
        Action::Record => settings.record_role,
        Action::CreateInvite => settings.invite_role,
        Action::Rename | Action::ChangeSettings | Action::ManageInvites | Action::DeleteRecording => {
            Role::Admin
        }
        // Admins remove members; only owners remove admins and other owners.
        Action::RemoveMember(target) => {
            if target == Role::Member {
                Role::Admin
            } else {
                Role::Owner
            }
        }
        Action::Delete | Action::ChangeRole => Role::Owner,
    };
    if role >= needed { Ok(()) } else { Err(Denied::Forbidden) }
}

/// Why a membership change would break the group.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum MembershipError {
    /// It would leave the group without an owner: hand ownership over first (HTTP 409).
    #[error("a group needs an owner: make someone else an owner first")]
    LastOwner,
}

/// Whether a member whose role is `target` may be given `new`, with `owners` owners now.
/// (That the caller may change roles at all is [`authorize`]'s `Action::ChangeRole`.) Hosts
/// must count owners and write the change atomically (a transaction or a conditional write),
/// or two owners demoting each other at once could leave the group without one.
pub fn check_role_change(target: Role, new: Role, owners: usize) -> Result<(), MembershipError> {
    if target == Role::Owner && new != Role::Owner && owners <= 1 {
        return Err(MembershipError::LastOwner);
    }
    Ok(())
}

/// Whether a member whose role is `target` may be removed, with `owners` owners now (counted
/// and written atomically, as for [`check_role_change`]).
pub fn check_removal(target: Role, owners: usize) -> Result<(), MembershipError> {
    if target == Role::Owner && owners <= 1 { Err(MembershipError::LastOwner) } else { Ok(()) }
}

/// Whether a member with `role` may leave, with `owners` owners now.
pub fn check_leave(role: Role, owners: usize) -> Result<(), MembershipError> {
    check_removal(role, owners)
}

#[cfg(test)]
mod tests {
    use super::*;
    use Action::*;
    use Role::{Admin, Member, Owner};

    const EVERY_ACTION: [Action; 17] = [
        View,
        ListMembers,
        ViewHistory,
        JoinCall,
        Record,
        ViewRecordings,
        DeleteRecording,
        Rename,
        ChangeSettings,
        Delete,
        CreateInvite,
        ManageInvites,
        RemoveMember(Member),
        RemoveMember(Admin),
        RemoveMember(Owner),
        ChangeRole,
        Leave,
    ];

    /// Expected outcome per action for (member, admin, owner) with default settings.
    fn expected(action: Action) -> [bool; 3] {
        match action {
            View | ListMembers | ViewHistory | ViewRecordings | JoinCall | Leave => [true, true, true],
            Record | CreateInvite | DeleteRecording => [false, true, true],
            Rename | ChangeSettings | ManageInvites | RemoveMember(Member) => [false, true, true],
            Delete | ChangeRole | RemoveMember(Admin) | RemoveMember(Owner) => [false, false, true],
        }
    }

    #[test]
    fn the_role_matrix_with_default_settings() {
        let settings = GroupSettings::default();
        for action in EVERY_ACTION {
            for (role, allowed) in [Member, Admin, Owner].into_iter().zip(expected(action)) {
                let outcome = authorize(Standing::Member(role), action, &settings);
                let want = if allowed { Ok(()) } else { Err(Denied::Forbidden) };
                assert_eq!(outcome, want, "{role:?} doing {action:?}");
            }
        }
    }

    #[test]
    fn anonymous_callers_must_sign_in_and_outsiders_see_nothing() {
        let settings = GroupSettings { guests_allowed: true, ..GroupSettings::default() };
        for action in EVERY_ACTION {
            assert_eq!(
                authorize(Standing::Anonymous, action, &settings),
                Err(Denied::NotSignedIn),
                "{action:?}"
            );
            assert_eq!(authorize(Standing::Outsider, action, &settings), Err(Denied::NotFound), "{action:?}");
        }
    }

    #[test]
    fn guests_may_only_join_the_call_and_only_when_the_group_allows_guests() {
        let open = GroupSettings { guests_allowed: true, ..GroupSettings::default() };
        let closed = GroupSettings::default();
        for action in EVERY_ACTION {
            let want = if action == JoinCall { Ok(()) } else { Err(Denied::Forbidden) };
            assert_eq!(authorize(Standing::Guest, action, &open), want, "{action:?}");
            assert_eq!(authorize(Standing::Guest, action, &closed), Err(Denied::Forbidden), "{action:?}");
        }
    }

    #[test]
    fn settings_lower_or_raise_who_may_record_and_invite() {
        let everyone = GroupSettings { record_role: Member, invite_role: Member, ..GroupSettings::default() };
        let owners = GroupSettings { record_role: Owner, invite_role: Owner, ..GroupSettings::default() };
        for action in [Record, CreateInvite] {
            assert_eq!(authorize(Standing::Member(Member), action, &everyone), Ok(()));
            assert_eq!(authorize(Standing::Member(Admin), action, &owners), Err(Denied::Forbidden));
            assert_eq!(authorize(Standing::Member(Owner), action, &owners), Ok(()));
        }
        // Settings never widen what only roles decide.
        assert_eq!(authorize(Standing::Member(Member), Rename, &everyone), Err(Denied::Forbidden));
    }

    #[test]
    fn a_group_always_keeps_an_owner() {
        assert_eq!(check_leave(Owner, 1), Err(MembershipError::LastOwner));
        assert_eq!(check_leave(Owner, 2), Ok(()));
        assert_eq!(check_leave(Admin, 1), Ok(()));
        assert_eq!(check_removal(Owner, 1), Err(MembershipError::LastOwner));
        assert_eq!(check_removal(Member, 1), Ok(()));
        assert_eq!(check_role_change(Owner, Admin, 1), Err(MembershipError::LastOwner));
        assert_eq!(check_role_change(Owner, Admin, 2), Ok(()));
        assert_eq!(check_role_change(Owner, Owner, 1), Ok(()), "no change");
        assert_eq!(check_role_change(Member, Owner, 1), Ok(()), "a second owner");
    }

    #[test]
    fn denials_map_to_http() {
        assert_eq!((Denied::NotSignedIn.status(), Denied::NotSignedIn.code()), (401, "unauthorized"));
        assert_eq!((Denied::NotFound.status(), Denied::NotFound.code()), (404, "group_not_found"));
        assert_eq!((Denied::Forbidden.status(), Denied::Forbidden.code()), (403, "forbidden"));
    }
}
