//! Groups through the API: a new user makes a group, invites a second account, and both take
//! part; bad input gets a JSON error naming the problem and changes nothing.

mod api_support;

use api_support::TestApi;
use axum::http::{Method, StatusCode};
use serde_json::{Value, json};

#[tokio::test]
async fn a_group_is_made_shared_by_invite_and_managed() {
    let api = TestApi::new();
    let (ada, _, ada_id) = api.sign_in("Ada").await;
    let (bob, _, bob_id) = api.sign_in("Bob").await;
    let group = api.create_group(&ada, "  Design team ").await;
    assert!(peershare_core::GroupId::parse(&group).is_ok_and(|g| g.is_stored()));

    let (invite, _) = api.invite(&ada, &group, Some(1)).await;
    let preview = api.call(Method::GET, &format!("/api/invites/{invite}"), None, None).await;
    assert_eq!(
        (preview.json["group_name"].as_str(), preview.json["status"].as_str()),
        (Some("Design team"), Some("active"))
    );
    let joined = api.call(Method::POST, &format!("/api/invites/{invite}/accept"), Some(&bob), None).await;
    assert_eq!(joined.json["newly_joined"], true);
    assert_eq!(joined.json["group"]["role"], "member");
    let again = api.call(Method::POST, &format!("/api/invites/{invite}/accept"), Some(&bob), None).await;
    assert_eq!((again.status, again.json["newly_joined"].as_bool()), (StatusCode::OK, Some(false)));
    let (cy, _, _) = api.sign_in("Cy").await;
    let used_up = api.call(Method::POST, &format!("/api/invites/{invite}/accept"), Some(&cy), None).await;
    assert_eq!((used_up.status, used_up.code()), (StatusCode::GONE, "invite_used_up"));
    let spent = api.call(Method::GET, &format!("/api/invites/{invite}"), None, None).await;
    assert_eq!(spent.json["status"], "used_up");
    assert_eq!(spent.json["group_name"], Value::Null, "a used-up link no longer names the group");

    // A revoked link says it was revoked, and nothing about the group.
    let (revoked, revoked_id) = api.invite(&ada, &group, None).await;
    let gone = api
        .call(Method::DELETE, &format!("/api/groups/{group}/invites/{revoked_id}"), Some(&ada), None)
        .await;
    assert_eq!(gone.status, StatusCode::NO_CONTENT);
    let preview = api.call(Method::GET, &format!("/api/invites/{revoked}"), None, None).await;
    assert_eq!(preview.status, StatusCode::OK);
    assert_eq!(preview.json["status"], "revoked");
    for field in ["group_id", "group_name", "group_description"] {
        assert_eq!(preview.json[field], Value::Null, "{field} of a revoked invite");
    }

    let listed = api.call(Method::GET, "/api/groups", Some(&bob), None).await;
    assert_eq!(listed.json["groups"][0]["id"], group.as_str());
    let members = api.call(Method::GET, &format!("/api/groups/{group}/members"), Some(&bob), None).await;
    let names: Vec<_> =
        members.json["members"].as_array().expect("list").iter().map(|m| m["display_name"].clone()).collect();
    assert_eq!(names, vec![json!("Ada"), json!("Bob")]);

    // The last owner cannot leave; after handing over, she can.
    let leave = api.call(Method::DELETE, &format!("/api/groups/{group}/members/me"), Some(&ada), None).await;
    assert_eq!((leave.status, leave.code()), (StatusCode::CONFLICT, "last_owner"));
    let promote = api
        .call(
            Method::PATCH,
            &format!("/api/groups/{group}/members/{bob_id}"),
            Some(&ada),
            Some(json!({"role": "owner"})),
        )
        .await;
    assert_eq!(promote.json["role"], "owner");
    let leave =
        api.call(Method::DELETE, &format!("/api/groups/{group}/members/{ada_id}"), Some(&ada), None).await;
    assert_eq!(leave.status, StatusCode::NO_CONTENT);
    let gone = api.call(Method::GET, &format!("/api/groups/{group}"), Some(&ada), None).await;
    assert_eq!((gone.status, gone.code()), (StatusCode::NOT_FOUND, "group_not_found"));

    // Call history written by the signaling host shows up for members.
    let id = peershare_core::GroupId::parse(&group).expect("id");
    let now = api_support::wall_now();
    api.state.store.call_started("call-1", &id, now).await.expect("records");
    api.state.store.call_joined("call-1", &bob_id, "Bob", now).await.expect("records");
    api.state
        .store
        .call_ended("call-1", now.plus(std::time::Duration::from_secs(90)))
        .await
        .expect("records");
    let history = api.call(Method::GET, &format!("/api/groups/{group}/calls"), Some(&bob), None).await;
    assert_eq!(history.json["calls"][0]["duration_ms"], 90_000);
    assert_eq!(history.json["calls"][0]["participants"][0]["display_name"], "Bob");
}

/// The Worker's rooms deliver their history over an internal route: only with the deployment's
/// secret, and a delivery made twice (a retry) writes each row once.
#[tokio::test]
async fn delivered_history_is_written_once_and_only_from_the_signaling_host() {
    let api = TestApi::new();
    let (ada, _, ada_id) = api.sign_in("Ada").await;
    let group = api.create_group(&ada, "Team").await;
    let t0 = api_support::wall_now().as_millis();
    let events = json!([
        {"type": "started", "at": t0},
        {"type": "joined", "call_started_at": t0, "participant": 1, "identity": ada_id, "display_name": "Ada", "at": t0},
        {"type": "joined", "call_started_at": t0, "participant": 2, "identity": null, "display_name": "Nobody", "at": t0},
        {"type": "left", "call_started_at": t0, "participant": 1, "identity": ada_id, "joined_at": t0, "at": t0 + 60_000},
        {"type": "ended", "started_at": t0, "at": t0 + 60_000},
    ]);
    let path = format!("/api/internal/groups/{group}/history");
    for (bearer, status, code) in [
        (None, StatusCode::UNAUTHORIZED, "internal_only"),
        (Some(ada.as_str()), StatusCode::UNAUTHORIZED, "internal_only"),
        (Some("internal-secret-for-tests-0123456780"), StatusCode::UNAUTHORIZED, "internal_only"),
    ] {
        let refused = api.call(Method::POST, &path, bearer, Some(events.clone())).await;
        assert_eq!((refused.status, refused.code()), (status, code), "{bearer:?}");
    }
    let calls = api.call(Method::GET, &format!("/api/groups/{group}/calls"), Some(&ada), None).await;
    assert_eq!(calls.json["calls"], json!([]), "nothing was written by the refused deliveries");
    for _ in 0..2 {
        let delivered =
            api.call(Method::POST, &path, Some(api_support::INTERNAL_SECRET), Some(events.clone())).await;
        assert_eq!(delivered.status, StatusCode::NO_CONTENT, "{delivered:?}");
    }
    let calls = api.call(Method::GET, &format!("/api/groups/{group}/calls"), Some(&ada), None).await;
    let list = calls.json["calls"].as_array().expect("calls");
    assert_eq!(list.len(), 1, "one call for two deliveries: {}", calls.json);
    assert_eq!(list[0]["duration_ms"], 60_000);
    let stints = list[0]["participants"].as_array().expect("participants");
    assert_eq!(stints.len(), 1, "one stint, and none for a connection nobody identified: {}", calls.json);
    assert_eq!(stints[0]["display_name"], "Ada");

    let garbage = api
        .call(Method::POST, &path, Some(api_support::INTERNAL_SECRET), Some(json!([{"type": "exploded"}])))
        .await;
    assert_eq!(garbage.status, StatusCode::UNPROCESSABLE_ENTITY, "{garbage:?}");
    let too_many: Vec<_> = (0..201).map(|_| json!({"type": "started", "at": t0})).collect();
    let flood =
        api.call(Method::POST, &path, Some(api_support::INTERNAL_SECRET), Some(json!(too_many))).await;
    assert_eq!((flood.status, flood.code()), (StatusCode::PAYLOAD_TOO_LARGE, "too_many_events"));
}

/// A call whose end never arrived (its host crashed) does not stay open forever: the group's
/// next call closes it, at the last moment anything was heard of it.
#[tokio::test]
async fn a_call_abandoned_by_a_crash_is_closed_when_the_next_one_starts() {
    let api = TestApi::new();
    let (ada, _, ada_id) = api.sign_in("Ada").await;
    let (_, _, bob_id) = api.sign_in("Bob").await;
    let group = api.create_group(&ada, "Team").await;
    let t0 = api_support::wall_now().as_millis();
    let path = format!("/api/internal/groups/{group}/history");
    let deliver = |events: serde_json::Value| {
        let (api, path) = (&api, &path);
        async move {
            let reply = api.call(Method::POST, path, Some(api_support::INTERNAL_SECRET), Some(events)).await;
            assert_eq!(reply.status, StatusCode::NO_CONTENT, "{reply:?}");
        }
    };
    deliver(json!([
        {"type": "started", "at": t0},
        {"type": "joined", "call_started_at": t0, "participant": 1, "identity": ada_id, "display_name": "Ada", "at": t0},
        {"type": "joined", "call_started_at": t0, "participant": 2, "identity": bob_id, "display_name": "Bob", "at": t0 + 1_000},
        {"type": "left", "call_started_at": t0, "participant": 2, "identity": bob_id, "joined_at": t0 + 1_000, "at": t0 + 30_000},
    ]))
    .await;
    // The host crashed here; ten minutes later the group calls again.
    let t1 = t0 + 600_000;
    deliver(json!([
        {"type": "started", "at": t1},
        {"type": "joined", "call_started_at": t1, "participant": 1, "identity": ada_id, "display_name": "Ada", "at": t1},
    ]))
    .await;
    let calls = api.call(Method::GET, &format!("/api/groups/{group}/calls"), Some(&ada), None).await;
    let list = calls.json["calls"].as_array().expect("calls");
    assert_eq!(list.len(), 2, "{}", calls.json);
    let (newer, abandoned) = (&list[0], &list[1]);
    assert_eq!(newer["ended_at"], serde_json::Value::Null, "the new call goes on");
    assert_eq!(abandoned["ended_at"], t0 + 30_000, "ended when it was last heard of: {}", calls.json);
    assert!(
        abandoned["participants"].as_array().expect("stints").iter().all(|p| p["left_at"].is_u64()),
        "no stint left open: {}",
        calls.json
    );
}

#[tokio::test]
async fn bad_input_is_refused_with_a_json_error_naming_it_and_changes_nothing() {
    let api = TestApi::new();
    let (ada, _, _) = api.sign_in("Ada").await;
    let group = api.create_group(&ada, "Team").await;
    let cases = [
        (Method::POST, "/api/groups".to_owned(), json!({"name": ""}), 400, "invalid_name"),
        (Method::POST, "/api/groups".to_owned(), json!({"name": "x".repeat(81)}), 400, "invalid_name"),
        (
            Method::POST,
            "/api/groups".to_owned(),
            json!({"name": "Ok", "description": "a\u{0007}b"}),
            400,
            "invalid_description",
        ),
        (Method::POST, "/api/groups".to_owned(), json!({"name": "Ok", "owner": "me"}), 422, "invalid_body"),
        (Method::POST, "/api/groups".to_owned(), json!("just a string"), 422, "invalid_body"),
        (Method::PATCH, format!("/api/groups/{group}"), json!({}), 400, "invalid_body"),
        (
            Method::PATCH,
            format!("/api/groups/{group}/settings"),
            json!({"max_participants": 1}),
            400,
            "invalid_settings",
        ),
        (Method::PATCH, format!("/api/groups/{group}/settings"), json!({}), 400, "invalid_settings"),
        (
            Method::PATCH,
            format!("/api/groups/{group}/settings"),
            json!({"max_participants": "ten"}),
            422,
            "invalid_body",
        ),
        (
            Method::POST,
            format!("/api/groups/{group}/invites"),
            json!({"ttl_ms": 1000}),
            400,
            "invalid_invite",
        ),
        (
            Method::POST,
            format!("/api/groups/{group}/invites"),
            json!({"ttl_ms": 3_600_000, "max_uses": 0}),
            400,
            "invalid_invite",
        ),
        (
            Method::PATCH,
            "/api/me".to_owned(),
            json!({"avatar_url": "http://insecure"}),
            400,
            "invalid_profile",
        ),
        (
            Method::PATCH,
            format!("/api/groups/{group}/members/nobody"),
            json!({"role": "admin"}),
            404,
            "member_not_found",
        ),
        (
            Method::PATCH,
            format!("/api/groups/{group}/members/nobody"),
            json!({"role": "king"}),
            422,
            "invalid_body",
        ),
        (Method::GET, "/api/groups/bad%20id".to_owned(), json!(null), 400, "invalid_group_id"),
        (Method::GET, "/api/invites/short".to_owned(), json!(null), 404, "invite_not_found"),
        (Method::GET, format!("/api/invites/{}", "A".repeat(43)), json!(null), 404, "invite_not_found"),
        (Method::GET, format!("/api/groups/{group}/calls?limit=0"), json!(null), 400, "invalid_body"),
        (Method::GET, format!("/api/groups/{group}/calls?limit=x"), json!(null), 400, "invalid_body"),
        (
            Method::POST,
            "/api/groups/g_missing/call-pass".to_owned(),
            json!({"name": "V"}),
            404,
            "group_not_found",
        ),
    ];
    for (method, path, body, status, code) in cases {
        let body = (!body.is_null()).then_some(body);
        let reply = api.call(method.clone(), &path, Some(&ada), body.clone()).await;
        assert_eq!(
            (reply.status.as_u16(), reply.code()),
            (status, code),
            "{method} {path} {body:?}: {}",
            reply.json
        );
        assert!(reply.json["message"].as_str().is_some_and(|m| !m.is_empty()));
    }
    let nameless =
        api.call(Method::POST, "/api/groups/link-call/call-pass", None, Some(json!({"name": " "}))).await;
    assert_eq!((nameless.status.as_u16(), nameless.code()), (400, "invalid_name"), "guests need a name");
    let bodiless = api.call(Method::POST, "/api/groups/link-call/call-pass", None, None).await;
    assert_eq!((bodiless.status.as_u16(), bodiless.code()), (400, "invalid_name"));
    let unchanged = api.call(Method::GET, &format!("/api/groups/{group}"), Some(&ada), None).await;
    assert_eq!(unchanged.json["name"], "Team");
    assert_eq!(unchanged.json["settings"]["max_participants"], 50);
    let no_json = api.send(Method::POST, "/api/groups", Some(&ada), None, None).await;
    assert_eq!((no_json.status.as_u16(), no_json.code()), (415, "invalid_body"), "no content type");
}

#[tokio::test]
async fn call_passes_open_only_their_call() {
    let api = TestApi::new();
    let (ada, _, ada_id) = api.sign_in("Ada").await;
    let group = api.create_group(&ada, "Team").await;
    let member = api.call(Method::POST, &format!("/api/groups/{group}/call-pass"), Some(&ada), None).await;
    assert_eq!(
        (member.json["role"].as_str(), member.json["group"].as_str()),
        (Some("owner"), Some(group.as_str()))
    );
    let claims =
        api.state.tokens.verifier().verify(member.json["token"].as_str().expect("pass")).expect("valid");
    assert_eq!((claims.sub.as_str(), claims.exp - claims.iat), (ada_id.as_str(), 600));
    // A call pass is no access token.
    let pass = member.json["token"].as_str().expect("pass");
    let reply = api.call(Method::GET, "/api/groups", Some(pass), None).await;
    assert_eq!((reply.status, reply.code()), (StatusCode::FORBIDDEN, "account_required"));
    // Guests: refused until the group admits guests.
    let guest = api
        .call(Method::POST, &format!("/api/groups/{group}/call-pass"), None, Some(json!({"name": "Vi"})))
        .await;
    assert_eq!((guest.status, guest.code()), (StatusCode::UNAUTHORIZED, "guests_not_allowed"));
    // Link calls admit anyone by name; a guest renewing keeps their id.
    let link =
        api.call(Method::POST, "/api/groups/kqz-4tmp-wrd/call-pass", None, Some(json!({"name": "Vi"}))).await;
    assert_eq!(link.status, StatusCode::OK);
    let first =
        api.state.tokens.verifier().verify(link.json["token"].as_str().expect("pass")).expect("valid");
    let renewed =
        api.call(Method::POST, "/api/groups/kqz-4tmp-wrd/call-pass", link.json["token"].as_str(), None).await;
    let second =
        api.state.tokens.verifier().verify(renewed.json["token"].as_str().expect("pass")).expect("valid");
    assert_eq!((second.sub, second.name), (first.sub, "Vi".to_owned()));
    let elsewhere =
        api.call(Method::POST, "/api/groups/other-call/call-pass", link.json["token"].as_str(), None).await;
    assert_eq!(elsewhere.status, StatusCode::NOT_FOUND, "a guest pass does not open another call");

    // Once the group admits guests: short passes for them, and outsiders join as guests.
    let (bob, _, bob_id) = api.sign_in("Bob").await;
    let outsider = api.call(Method::POST, &format!("/api/groups/{group}/call-pass"), Some(&bob), None).await;
    assert_eq!((outsider.status, outsider.code()), (StatusCode::NOT_FOUND, "group_not_found"));
    let open = json!({"guests_allowed": true});
    api.call(Method::PATCH, &format!("/api/groups/{group}/settings"), Some(&ada), Some(open)).await;
    let guest = api
        .call(Method::POST, &format!("/api/groups/{group}/call-pass"), None, Some(json!({"name": "Vi"})))
        .await;
    let claims =
        api.state.tokens.verifier().verify(guest.json["token"].as_str().expect("pass")).expect("valid");
    assert_eq!(
        (claims.exp - claims.iat, guest.json["role"].is_null()),
        (600, true),
        "10-minute guest passes"
    );
    let outsider = api.call(Method::POST, &format!("/api/groups/{group}/call-pass"), Some(&bob), None).await;
    let claims =
        api.state.tokens.verifier().verify(outsider.json["token"].as_str().expect("pass")).expect("valid");
    assert_eq!(
        (claims.sub.as_str(), claims.kind),
        (bob_id.as_str(), peershare_core::auth::SessionKind::Guest)
    );
}

#[tokio::test]
async fn ids_of_another_group_are_out_of_reach() {
    let api = TestApi::new();
    let (ada, _, _) = api.sign_in("Ada").await;
    let (bob, _, bob_id) = api.sign_in("Bob").await;
    let (eve, _, _) = api.sign_in("Eve").await;
    let victim = api.create_group(&ada, "Victim").await;
    let (join, _) = api.invite(&ada, &victim, None).await;
    api.accept(&bob, &join).await;
    let (_, victim_invite) = api.invite(&ada, &victim, None).await;
    let own = api.create_group(&eve, "Eve's").await;
    // Eve owns her group and names the victim group's member and invite through it.
    let cases = [
        (
            Method::PATCH,
            format!("/api/groups/{own}/members/{bob_id}"),
            Some(json!({"role": "owner"})),
            "member_not_found",
        ),
        (Method::DELETE, format!("/api/groups/{own}/members/{bob_id}"), None, "member_not_found"),
        (Method::DELETE, format!("/api/groups/{own}/invites/{victim_invite}"), None, "invite_not_found"),
        (Method::DELETE, format!("/api/groups/{own}/members/{}", "x".repeat(2000)), None, "member_not_found"),
        (Method::DELETE, format!("/api/groups/{own}/invites/{}", "x".repeat(2000)), None, "invite_not_found"),
    ];
    for (method, path, body, code) in cases {
        let reply = api.call(method.clone(), &path, Some(&eve), body).await;
        assert_eq!((reply.status, reply.code()), (StatusCode::NOT_FOUND, code), "{method} {path}");
    }
    let members = api.call(Method::GET, &format!("/api/groups/{victim}/members"), Some(&ada), None).await;
    assert_eq!(members.json["members"][1]["role"], "member", "Bob is untouched");
    let invites = api.call(Method::GET, &format!("/api/groups/{victim}/invites"), Some(&ada), None).await;
    assert!(invites.json["invites"].as_array().expect("list").iter().all(|i| i["status"] == "active"));
}

/// Every change to who may be in a group's call reaches its room as it is made (the room then
/// closes the connections it shuts out: `local/tests`); a refused change tells it nothing.
#[tokio::test]
async fn access_changes_reach_the_groups_call_room_and_refusals_tell_it_nothing() {
    use peershare_core::groups::Role;
    use peershare_core::room::AccessChange;
    let api = TestApi::new();
    let (ada, _, _) = api.sign_in("Ada").await;
    let (bob, _, bob_id) = api.sign_in("Bob").await;
    let (cy, _, cy_id) = api.sign_in("Cy").await;
    let group = api.create_group(&ada, "Team").await;
    for who in [&bob, &cy] {
        let (invite, _) = api.invite(&ada, &group, None).await;
        api.call(Method::POST, &format!("/api/invites/{invite}/accept"), Some(who), None).await;
    }
    let members = format!("/api/groups/{group}/members");
    let settings = format!("/api/groups/{group}/settings");
    api.rooms.take();

    // Refused: Bob may not remove Cy nor change roles; nothing reaches the room.
    let denied = api.call(Method::DELETE, &format!("{members}/{cy_id}"), Some(&bob), None).await;
    assert_eq!(denied.status, StatusCode::FORBIDDEN);
    let denied = api
        .call(Method::PATCH, &format!("{members}/{cy_id}"), Some(&bob), Some(json!({"role": "admin"})))
        .await;
    assert_eq!(denied.status, StatusCode::FORBIDDEN);
    assert_eq!(api.rooms.take(), []);

    let promoted = api
        .call(Method::PATCH, &format!("{members}/{bob_id}"), Some(&ada), Some(json!({"role": "admin"})))
        .await;
    assert_eq!(promoted.status, StatusCode::OK);
    let same = api
        .call(Method::PATCH, &format!("{members}/{bob_id}"), Some(&ada), Some(json!({"role": "admin"})))
        .await;
    assert_eq!(same.status, StatusCode::OK);
    let removed = api.call(Method::DELETE, &format!("{members}/{cy_id}"), Some(&ada), None).await;
    assert_eq!(removed.status, StatusCode::NO_CONTENT);
    let left = api.call(Method::DELETE, &format!("{members}/me"), Some(&bob), None).await;
    assert_eq!(left.status, StatusCode::NO_CONTENT);
    assert_eq!(
        api.rooms.take(),
        [
            (group.clone(), AccessChange::RoleChanged { identity: bob_id.clone(), role: Role::Admin }),
            (group.clone(), AccessChange::MemberRemoved { identity: cy_id }),
            (group.clone(), AccessChange::MemberRemoved { identity: bob_id }),
        ],
        "a role set to what it was is no change"
    );

    // Guests: switching them on is no revocation; switching them off is.
    for allowed in [true, true, false, false] {
        let changed =
            api.call(Method::PATCH, &settings, Some(&ada), Some(json!({"guests_allowed": allowed}))).await;
        assert_eq!(changed.status, StatusCode::OK, "{:?}", changed.json);
    }
    assert_eq!(api.rooms.take(), [(group.clone(), AccessChange::GuestsDisallowed)]);

    // Who may record: the room hears each change, and nothing when it stays the same.
    for role in ["member", "member", "owner"] {
        let changed =
            api.call(Method::PATCH, &settings, Some(&ada), Some(json!({"record_role": role}))).await;
        assert_eq!(changed.status, StatusCode::OK, "{:?}", changed.json);
    }
    assert_eq!(
        api.rooms.take(),
        [
            (group.clone(), AccessChange::RecordRoleChanged { role: Role::Member }),
            (group.clone(), AccessChange::RecordRoleChanged { role: Role::Owner }),
        ]
    );

    let deleted = api.call(Method::DELETE, &format!("/api/groups/{group}"), Some(&ada), None).await;
    assert_eq!(deleted.status, StatusCode::NO_CONTENT);
    assert_eq!(api.rooms.take(), [(group, AccessChange::GroupDeleted)]);
}
