//! Fifty people follow an invite limited to ten uses at the same moment: exactly ten get in,
//! on the embedded store with several connections to one file.

use peershare_core::Timestamp;
use peershare_core::groups::InviteError;
use peershare_functions::store::sqlite::{RedeemError, Redeemed, SqliteStore};
use std::path::PathBuf;

const NOW: Timestamp = Timestamp::from_millis(1_800_000_000_000);

fn temp_db(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("peershare-functions-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("temp dir");
    dir.join("store.db")
}

async fn seeded(name: &str, max_uses: &str, expires_at: u64) -> SqliteStore {
    let store = SqliteStore::open(&temp_db(name)).expect("opens");
    let mut users = String::new();
    for i in 0..50 {
        users.push_str(&format!(
            "INSERT INTO users (id, display_name, created_at) VALUES ('u{i}', 'User {i}', 0);\n"
        ));
    }
    store
        .execute_batch(&format!(
            "{users}
             INSERT INTO users (id, display_name, created_at) VALUES ('owner', 'Owner', 0);
             INSERT INTO groups (id, name, settings, created_at) VALUES ('team', 'Team', '{{}}', 0);
             INSERT INTO members (group_id, user_id, role, joined_at) VALUES ('team', 'owner', 'owner', 0);
             INSERT INTO invites (id, token_hash, group_id, created_by, expires_at, max_uses, created_at)
                 VALUES ('inv1', zeroblob(32), 'team', 'owner', {expires_at}, {max_uses}, 0);"
        ))
        .await
        .expect("seed rows");
    store
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn fifty_parallel_joins_through_a_ten_use_invite_admit_exactly_ten() {
    let store = seeded("limit", "10", NOW.as_millis() + 60_000).await;
    let joins: Vec<_> = (0..50)
        .map(|i| {
            let store = store.clone();
            tokio::spawn(async move { store.redeem_invite([0; 32], &format!("u{i}"), NOW).await })
        })
        .collect();
    let mut joined = 0;
    let mut used_up = 0;
    for join in joins {
        match join.await.expect("the task ran") {
            Ok(Redeemed::Joined(group)) => {
                assert_eq!(group.as_str(), "team");
                joined += 1;
            }
            Err(RedeemError::Refused(InviteError::UsedUp)) => used_up += 1,
            other => panic!("unexpected outcome: {other:?}"),
        }
    }
    assert_eq!((joined, used_up), (10, 40));
    assert_eq!(store.count("SELECT uses FROM invites WHERE id = 'inv1'").await.expect("count"), 10);
    assert_eq!(store.count("SELECT COUNT(*) FROM members WHERE role = 'member'").await.expect("count"), 10);
}

#[tokio::test]
async fn a_member_following_the_invite_again_uses_nothing_and_bad_invites_are_refused() {
    let store = seeded("again", "2", NOW.as_millis() + 60_000).await;
    assert!(matches!(store.redeem_invite([0; 32], "u1", NOW).await, Ok(Redeemed::Joined(_))));
    assert!(matches!(store.redeem_invite([0; 32], "u1", NOW).await, Ok(Redeemed::AlreadyMember(_))));
    assert_eq!(store.count("SELECT uses FROM invites").await.expect("count"), 1);
    assert!(matches!(store.redeem_invite([1; 32], "u2", NOW).await, Err(RedeemError::Unknown)));
    let later = Timestamp::from_millis(NOW.as_millis() + 60_000);
    assert!(matches!(
        store.redeem_invite([0; 32], "u2", later).await,
        Err(RedeemError::Refused(InviteError::Expired))
    ));
    store.execute_batch("UPDATE invites SET revoked = 1").await.expect("revoke");
    assert!(matches!(
        store.redeem_invite([0; 32], "u2", NOW).await,
        Err(RedeemError::Refused(InviteError::Revoked))
    ));
    assert_eq!(store.count("SELECT COUNT(*) FROM members").await.expect("count"), 2, "owner and u1 only");
}
