//! The authorization matrix: every API route × every kind of caller → the expected status, on
//! a fresh API per cell. The table must cover every route of the OpenAPI description, so a
//! route added without a row fails this test.

mod api_support;

use api_support::TestApi;
use axum::http::{Method, StatusCode};
use peershare_core::GroupId;
use peershare_core::auth::AccessClaims;
use serde_json::{Value, json};
use std::collections::BTreeSet;

/// The callers, in the order of each row's statuses.
#[derive(Debug, Clone, Copy)]
enum Who {
    Anonymous,
    Guest,
    Member,
    Admin,
    Owner,
    OwnerOfAnother,
}

const EVERYONE: [Who; 6] =
    [Who::Anonymous, Who::Guest, Who::Member, Who::Admin, Who::Owner, Who::OwnerOfAnother];

/// The world each cell runs in.
struct World {
    api: TestApi,
    tokens: [Option<String>; 6],
    group: String,
    invite_token: String,
    invite_id: String,
    extra_member: String,
}

async fn world() -> World {
    let api = TestApi::new();
    let (owner, _, _) = api.sign_in("Owner").await;
    let (admin, _, admin_id) = api.sign_in("Admin").await;
    let (member, _, _) = api.sign_in("Member").await;
    let (extra, _, extra_member) = api.sign_in("Extra").await;
    let (other, _, _) = api.sign_in("Other").await;
    let group = api.create_group(&owner, "Team").await;
    api.create_group(&other, "Elsewhere").await;
    let (join, _) = api.invite(&owner, &group, None).await;
    for token in [&admin, &member, &extra] {
        api.accept(token, &join).await;
    }
    let promote = api
        .call(
            Method::PATCH,
            &format!("/api/groups/{group}/members/{admin_id}"),
            Some(&owner),
            Some(json!({"role": "admin"})),
        )
        .await;
    assert_eq!(promote.status, StatusCode::OK);
    let open = api
        .call(
            Method::PATCH,
            &format!("/api/groups/{group}/settings"),
            Some(&owner),
            Some(json!({"guests_allowed": true})),
        )
        .await;
    assert_eq!(open.status, StatusCode::OK);
    let (invite_token, invite_id) = api.invite(&owner, &group, Some(5)).await;
    let guest = AccessClaims::guest(
        "guest_1",
        "Visitor",
        GroupId::parse(&group).expect("id"),
        api_support::wall_now(),
    );
    let guest = api.state.tokens.sign(&guest).expect("signs");
    World {
        api,
        tokens: [None, Some(guest), Some(member), Some(admin), Some(owner), Some(other)],
        group,
        invite_token,
        invite_id,
        extra_member,
    }
}

/// One row: a route, how to call it in a world, and the status for each caller.
struct Row {
    method: Method,
    route: &'static str,
    request: fn(&World) -> (String, Option<Value>),
    expect: [u16; 6],
}

fn rows() -> Vec<Row> {
    fn plain(path: &'static str) -> fn(&World) -> (String, Option<Value>) {
        // Only for paths without parameters.
        match path {
            "/api/auth/options" => |_| ("/api/auth/options".into(), None),
            "/api/auth/keys" => |_| ("/api/auth/keys".into(), None),
            "/api/auth/refresh" => |_| ("/api/auth/refresh".into(), None),
            "/api/auth/sign-out" => |_| ("/api/auth/sign-out".into(), None),
            "/api/me" => |_| ("/api/me".into(), None),
            "/api/groups" => |_| ("/api/groups".into(), None),
            _ => unreachable!("not a plain path: {path}"),
        }
    }
    let g = |w: &World, tail: &str| format!("/api/groups/{}{tail}", w.group);
    let _ = g;
    vec![
        Row {
            method: Method::GET,
            route: "/api/auth/options",
            request: plain("/api/auth/options"),
            expect: [200; 6],
        },
        Row {
            method: Method::GET,
            route: "/api/auth/keys",
            request: plain("/api/auth/keys"),
            expect: [200; 6],
        },
        Row {
            method: Method::POST,
            route: "/api/auth/dev",
            request: |_| ("/api/auth/dev".into(), Some(json!({"name": "Newcomer"}))),
            expect: [200; 6],
        },
        Row {
            method: Method::POST,
            route: "/api/auth/refresh",
            request: plain("/api/auth/refresh"),
            expect: [401; 6],
        },
        Row {
            method: Method::POST,
            route: "/api/auth/sign-out",
            request: plain("/api/auth/sign-out"),
            expect: [204; 6],
        },
        Row {
            method: Method::GET,
            route: "/api/auth/{provider}/start",
            request: |_| ("/api/auth/google/start?return_to=/groups".into(), None),
            expect: [404; 6],
        },
        Row {
            method: Method::GET,
            route: "/api/auth/{provider}/callback",
            request: |_| ("/api/auth/google/callback?code=x&state=y".into(), None),
            expect: [303; 6],
        },
        Row {
            method: Method::GET,
            route: "/api/me",
            request: plain("/api/me"),
            expect: [401, 403, 200, 200, 200, 200],
        },
        Row {
            method: Method::PATCH,
            route: "/api/me",
            request: |_| ("/api/me".into(), Some(json!({"display_name": "Renamed"}))),
            expect: [401, 403, 200, 200, 200, 200],
        },
        Row {
            method: Method::GET,
            route: "/api/groups",
            request: plain("/api/groups"),
            expect: [401, 403, 200, 200, 200, 200],
        },
        Row {
            method: Method::POST,
            route: "/api/groups",
            request: |_| ("/api/groups".into(), Some(json!({"name": "New"}))),
            expect: [401, 403, 201, 201, 201, 201],
        },
        Row {
            method: Method::GET,
            route: "/api/groups/{id}",
            request: |w| (format!("/api/groups/{}", w.group), None),
            expect: [401, 403, 200, 200, 200, 404],
        },
        Row {
            method: Method::PATCH,
            route: "/api/groups/{id}",
            request: |w| (format!("/api/groups/{}", w.group), Some(json!({"name": "Renamed"}))),
            expect: [401, 403, 403, 200, 200, 404],
        },
        Row {
            method: Method::DELETE,
            route: "/api/groups/{id}",
            request: |w| (format!("/api/groups/{}", w.group), None),
            expect: [401, 403, 403, 403, 204, 404],
        },
        Row {
            method: Method::PATCH,
            route: "/api/groups/{id}/settings",
            request: |w| (format!("/api/groups/{}/settings", w.group), Some(json!({"max_participants": 10}))),
            expect: [401, 403, 403, 200, 200, 404],
        },
        Row {
            method: Method::GET,
            route: "/api/groups/{id}/members",
            request: |w| (format!("/api/groups/{}/members", w.group), None),
            expect: [401, 403, 200, 200, 200, 404],
        },
        Row {
            method: Method::PATCH,
            route: "/api/groups/{id}/members/{user}",
            request: |w| {
                (
                    format!("/api/groups/{}/members/{}", w.group, w.extra_member),
                    Some(json!({"role": "admin"})),
                )
            },
            expect: [401, 403, 403, 403, 200, 404],
        },
        Row {
            method: Method::DELETE,
            route: "/api/groups/{id}/members/{user}",
            request: |w| (format!("/api/groups/{}/members/{}", w.group, w.extra_member), None),
            expect: [401, 403, 403, 204, 204, 404],
        },
        Row {
            method: Method::POST,
            route: "/api/groups/{id}/invites",
            request: |w| (format!("/api/groups/{}/invites", w.group), Some(json!({"ttl_ms": 3_600_000}))),
            expect: [401, 403, 403, 201, 201, 404],
        },
        Row {
            method: Method::GET,
            route: "/api/groups/{id}/invites",
            request: |w| (format!("/api/groups/{}/invites", w.group), None),
            expect: [401, 403, 403, 200, 200, 404],
        },
        Row {
            method: Method::DELETE,
            route: "/api/groups/{id}/invites/{invite}",
            request: |w| (format!("/api/groups/{}/invites/{}", w.group, w.invite_id), None),
            expect: [401, 403, 403, 204, 204, 404],
        },
        Row {
            method: Method::GET,
            route: "/api/invites/{token}",
            request: |w| (format!("/api/invites/{}", w.invite_token), None),
            expect: [200; 6],
        },
        Row {
            method: Method::POST,
            route: "/api/invites/{token}/accept",
            request: |w| (format!("/api/invites/{}/accept", w.invite_token), None),
            expect: [401, 403, 200, 200, 200, 200],
        },
        Row {
            method: Method::GET,
            route: "/api/groups/{id}/calls",
            request: |w| (format!("/api/groups/{}/calls", w.group), None),
            expect: [401, 403, 200, 200, 200, 404],
        },
        Row {
            method: Method::GET,
            route: "/api/groups/{id}/recordings",
            request: |w| (format!("/api/groups/{}/recordings", w.group), None),
            expect: [401, 403, 200, 200, 200, 404],
        },
        Row {
            method: Method::DELETE,
            route: "/api/groups/{id}/recordings/{recording}",
            request: |w| (format!("/api/groups/{}/recordings/r_none", w.group), None),
            // Admins and owners may delete; this recording does not exist.
            expect: [401, 403, 403, 404, 404, 404],
        },
        Row {
            method: Method::GET,
            route: "/api/recordings/{recording}/file",
            request: |_| ("/api/recordings/r_none/file".into(), None),
            // The link is the right: without its signature, nobody downloads.
            expect: [403; 6],
        },
        Row {
            method: Method::POST,
            route: "/api/groups/{id}/call-pass",
            request: |w| (format!("/api/groups/{}/call-pass", w.group), Some(json!({"name": "Visitor"}))),
            // The group admits guests: the owner of another group joins as one.
            expect: [200, 200, 200, 200, 200, 200],
        },
        Row {
            method: Method::GET,
            route: "/api/groups/{id}/call/access",
            request: |w| (format!("/api/groups/{}/call/access", w.group), None),
            // The group admits guests, so anyone may see its call (a closed group's call is
            // for members only: the conformance suite's group call case).
            expect: [200; 6],
        },
    ]
}

#[tokio::test]
async fn every_route_answers_every_caller_as_the_matrix_says() {
    let mut failures = Vec::new();
    for row in rows() {
        for (who, expected) in EVERYONE.into_iter().zip(row.expect) {
            let world = world().await;
            let (path, body) = (row.request)(&world);
            let token = world.tokens[who as usize].as_deref();
            let reply = world.api.call(row.method.clone(), &path, token, body).await;
            if reply.status.as_u16() != expected {
                failures.push(format!(
                    "{} {} as {who:?}: expected {expected}, got {} {}",
                    row.method, row.route, reply.status, reply.json
                ));
            }
            if reply.status.is_client_error() || reply.status.is_server_error() {
                assert!(
                    reply.json["error"].is_string() && reply.json["message"].is_string(),
                    "{} {} as {who:?}: error body must be {{error, message}}: {}",
                    row.method,
                    row.route,
                    reply.json
                );
            }
        }
    }
    assert!(failures.is_empty(), "{} cells differ:\n{}", failures.len(), failures.join("\n"));
}

#[test]
fn the_matrix_covers_every_route_of_the_api() {
    let documented: BTreeSet<String> = peershare_functions::api::openapi()
        .paths
        .paths
        .iter()
        .flat_map(|(path, item)| {
            let methods = [
                ("GET", item.get.is_some()),
                ("POST", item.post.is_some()),
                ("PUT", item.put.is_some()),
                ("PATCH", item.patch.is_some()),
                ("DELETE", item.delete.is_some()),
            ];
            methods.into_iter().filter(|(_, present)| *present).map(move |(m, _)| format!("{m} {path}"))
        })
        .collect();
    let covered: BTreeSet<String> = rows().iter().map(|r| format!("{} {}", r.method, r.route)).collect();
    let missing: Vec<_> = documented.difference(&covered).collect();
    let stale: Vec<_> = covered.difference(&documented).collect();
    assert!(missing.is_empty(), "routes without a row in the matrix: {missing:?}");
    assert!(stale.is_empty(), "rows for routes that do not exist: {stale:?}");
}
