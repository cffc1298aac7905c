//! One suite for every [`Store`] adapter: each test gets a fresh, empty store from the
//! adapter's test file (`store_suite!(make)`), and seeds it through the trait only.

#![allow(dead_code)]

mod accounts;
mod groups;
mod history;
mod invites;
mod media_nodes;
mod members;
mod recordings;
mod sessions;

use peershare_core::accounts::{DisplayName, Profile};
use peershare_core::groups::{GroupDescription, GroupName, GroupSettings};
use peershare_core::{GroupId, Timestamp};
use peershare_functions::store::{Group, Identity, Store, User};
use std::sync::Arc;

pub use accounts::*;
pub use groups::*;
pub use history::*;
pub use invites::*;
pub use media_nodes::*;
pub use members::*;
pub use recordings::*;
pub use sessions::*;

/// A store under test.
pub type Shared = Arc<dyn Store>;

/// The suite's clock.
pub const NOW: Timestamp = Timestamp::from_millis(1_800_000_000_000);

/// `NOW` plus `ms`.
pub const fn at(ms: u64) -> Timestamp {
    Timestamp::from_millis(NOW.as_millis() + ms)
}

/// Signs up `id` through a dev identity.
pub async fn user(store: &Shared, id: &str) -> User {
    let identity = Identity { provider: "dev".into(), subject: format!("subject-{id}"), email: None };
    let profile = Profile::new(DisplayName::parse(&format!("User {id}")).expect("valid"), None);
    store.sign_in(&identity, id, &profile, NOW).await.expect("signs in")
}

/// A group `id` owned by `owner` (who must exist), created at `NOW + created_ms`.
pub async fn group(store: &Shared, id: &str, owner: &str, created_ms: u64) -> Group {
    let group = Group {
        id: GroupId::parse(id).expect("valid id"),
        name: GroupName::parse(&format!("Group {id}")).expect("valid"),
        description: GroupDescription::default(),
        settings: GroupSettings::default(),
        created_at: at(created_ms),
    };
    store.create_group(&group, owner, at(created_ms)).await.expect("creates");
    group
}

/// Generates one `#[tokio::test]` per suite test, each on a fresh store from `$make`.
#[macro_export]
macro_rules! store_suite {
    ($make:path) => {
        $crate::store_suite!(@tests $make;
            sign_in_creates_an_account_once_per_identity,
            first_sign_ins_of_one_identity_at_once_make_one_account,
            profiles_change_whole_or_not_at_all,
            profile_changes_at_once_all_apply,
            refresh_tokens_rotate_and_reuse_revokes_the_family,
            concurrent_uses_of_one_refresh_token_rotate_once,
            a_token_presented_again_within_moments_is_refused_without_ending_the_sign_in,
            sign_out_revokes_the_family,
            groups_are_created_listed_renamed_and_deleted,
            settings_change_within_the_callers_role,
            settings_changes_at_once_all_apply,
            deleting_a_group_removes_it_for_every_member,
            members_are_listed_owners_first,
            roles_change_only_from_what_the_caller_saw,
            a_group_never_loses_its_last_owner,
            two_owners_demoting_each_other_at_once_leave_one_owner,
            invites_are_created_listed_found_and_revoked,
            invites_admit_by_their_rules,
            fifty_parallel_joins_through_a_ten_use_invite_admit_exactly_ten,
            call_history_records_starts_stints_and_ends,
            a_recording_start_is_stored_once,
            recording_consents_append_in_order_once,
            a_recording_stops_once_and_is_queued,
            claims_take_queued_recordings_oldest_stop_first,
            ten_claims_at_once_take_three_queued_recordings_once_each,
            a_claim_that_ran_out_is_taken_again_and_a_renewed_one_is_not,
            a_recording_whose_composers_keep_dying_fails_instead_of_being_taken_again,
            recording_status_and_output_round_trip,
            compositions_are_pending_from_the_stop_until_ready_or_failed,
            recordings_are_listed_newest_first_per_group,
            deleting_a_recording_says_whether_it_existed,
            deleting_a_group_deletes_its_recordings,
            media_nodes_register_and_list_by_id,
            registering_again_drops_and_returns_the_old_allocations,
            heartbeats_update_load_and_report_draining,
            a_node_missing_two_heartbeats_is_dead,
            reservations_add_up_to_capacity_and_count_once,
            reservations_refuse_draining_and_unknown_nodes,
            releases_give_back_once_and_mark_the_node_idle,
            the_fleet_record_takes_the_larger_of_reserved_and_load,
            removing_a_node_returns_its_allocations,
            fifty_parallel_reservations_for_the_last_slot_let_exactly_one_in,
            a_restart_during_reservations_keeps_reserved_equal_to_the_allocations,
        );
    };
    (@tests $make:path; $($name:ident),+ $(,)?) => {
        $(
            #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
            async fn $name() {
                let store: store_suite::Shared = $make(stringify!($name)).await;
                store_suite::$name(store).await;
            }
        )+
    };
}
