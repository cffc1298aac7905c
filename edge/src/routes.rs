//! The Worker's routes: TURN credentials, the call socket (to the call's Durable Object),
//! every other `/api/*` request to the API origin, and the web client.

use crate::clock::now;
use crate::config::EdgeConfig;
use crate::error::EdgeError;
use crate::gate::TICKET_HEADER;
use peershare_core::GroupId;
use peershare_core::protocol::CallAccess;
use peershare_core::turn_credentials::IceConfig;
use worker::{Env, Fetch, Headers, Method, Request, RequestInit, RequestRedirect, Response, Result};

thread_local! {
    /// How often each pass holder asked this isolate for TURN credentials.
    static TURN_QUOTA: std::cell::RefCell<peershare_core::turn_quota::TurnQuota> = std::cell::RefCell::default();
}

/// The Durable Object namespace of the call rooms.
pub const ROOMS_BINDING: &str = "CALL_ROOM";

/// Answers one request; every error becomes its JSON response.
pub async fn handle(req: Request, env: &Env) -> Result<Response> {
    match route(req, env).await {
        Ok(response) => Ok(response),
        Err(error) => error.into_response(),
    }
}

async fn route(req: Request, env: &Env) -> std::result::Result<Response, EdgeError> {
    let path = req.path();
    if path == "/healthz" {
        return Ok(Response::from_json(&serde_json::json!({ "status": "ok", "host": "edge" }))?);
    }
    if path == "/api/turn-credentials" {
        only_get(&req)?;
        return turn_credentials(&req, env);
    }
    if let Some(rest) = path.strip_prefix("/api/groups/") {
        if let Some(id) = rest.strip_suffix("/call").filter(|id| !id.contains('/')) {
            only_get(&req)?;
            return call_socket(req, env, id).await;
        }
        if let Some(id) = rest.strip_suffix("/call/status").filter(|id| !id.contains('/')) {
            only_get(&req)?;
            return call_status(req, env, id).await;
        }
    }
    if let Some(rest) = path.strip_prefix("/api/internal/rooms/") {
        if let Some(id) = rest.strip_suffix("/access").filter(|id| !id.contains('/')) {
            return tell_room(req, env, id, "access").await;
        }
        if let Some(id) = rest.strip_suffix("/media-node-lost").filter(|id| !id.contains('/')) {
            return tell_room(req, env, id, "media-node-lost").await;
        }
    }
    if path.starts_with("/api/") {
        return proxy(req, env).await;
    }
    if let Some(id) = path.strip_prefix("/__test/rooms/").and_then(|r| r.strip_suffix("/forget")) {
        return forget_room(env, id).await;
    }
    crate::assets::serve(req, env).await
}

/// `GET /api/turn-credentials`, for holders of a call pass: the same core functions as
/// `peershare dev`.
fn turn_credentials(req: &Request, env: &Env) -> std::result::Result<Response, EdgeError> {
    let config = EdgeConfig::get(env)?;
    let authorization = req.headers().get("authorization")?;
    let grant = peershare_core::auth::admit_turn(&config.verifier, authorization.as_deref())?;
    // Per isolate: an isolate serves many requests, and a holder's renewals come to the same
    // colo; the bound is coturn's per-user quota either way.
    TURN_QUOTA.with(|quota| quota.borrow_mut().admit(&grant.user, now()))?;
    let turn = config.turn.as_ref().map(|(urls, secret)| (urls.as_slice(), secret.as_str()));
    let ice = IceConfig::for_grant(turn, config.ice_policy, &grant, now().0 / 1000, config.turn_ttl)?;
    let mut response = Response::from_json(&ice)?;
    response.headers_mut().set("cache-control", "no-store")?;
    Ok(response)
}

/// `GET /api/groups/{id}/call`: the pass is checked here; the room sees only admitted sockets.
async fn call_socket(req: Request, env: &Env, id: &str) -> std::result::Result<Response, EdgeError> {
    let call = GroupId::parse(id)?;
    let config = EdgeConfig::get(env)?;
    let offered = req.headers().get("sec-websocket-protocol")?.unwrap_or_default();
    let ticket = peershare_core::auth::admit_socket(&config.verifier, &offered, &call)?;
    let upgrade = req.headers().get("upgrade")?.unwrap_or_default();
    if !upgrade.eq_ignore_ascii_case("websocket") {
        return Err(EdgeError::UpgradeRequired);
    }
    let headers = Headers::new();
    headers.set("upgrade", "websocket")?;
    headers.set(
        TICKET_HEADER,
        &serde_json::to_string(&ticket).map_err(|e| EdgeError::Upstream(e.to_string()))?,
    )?;
    let mut init = RequestInit::new();
    init.with_headers(headers);
    let inner = Request::new_with_init(&format!("https://call-room/{}/connect", call.as_str()), &init)?;
    Ok(room(env, &call)?.fetch_with_request(inner).await?)
}

/// Largest notice taken (one names one account, or one call session).
const MAX_NOTICE_BYTES: usize = 4096;

/// `POST /api/internal/rooms/{id}/{notice}`, only with the deployment's internal secret: the
/// API tells the group's room that access to its call changed (`access`, core's
/// `AccessNotice`), or that the media node of its call session is gone (`media-node-lost`, the
/// session's lease). The room parses the notice.
async fn tell_room(
    mut req: Request,
    env: &Env,
    id: &str,
    notice: &str,
) -> std::result::Result<Response, EdgeError> {
    if req.method() != Method::Post {
        return Err(EdgeError::MethodNotAllowed(req.method().to_string()));
    }
    let config = EdgeConfig::get(env)?;
    let authorization = req.headers().get("authorization")?;
    if !peershare_core::auth::is_internal_caller(authorization.as_deref(), config.internal_secret.as_deref())
    {
        return Err(EdgeError::InternalOnly);
    }
    let call = GroupId::parse(id)?;
    let body = req.bytes().await?;
    if body.len() > MAX_NOTICE_BYTES {
        return Err(EdgeError::InvalidBody(format!("at most {MAX_NOTICE_BYTES} bytes")));
    }
    // The room parses the notice (a 400 `invalid_body` for anything else).
    let mut init = RequestInit::new();
    init.with_method(Method::Post).with_body(Some(js_sys::Uint8Array::from(body.as_slice()).into()));
    let inner = Request::new_with_init(&format!("https://call-room/{}/{notice}", call.as_str()), &init)?;
    Ok(room(env, &call)?.fetch_with_request(inner).await?)
}

/// The Worker's own routes take GET only (HEAD too, as on the API).
fn only_get(req: &Request) -> std::result::Result<(), EdgeError> {
    match req.method() {
        Method::Get | Method::Head => Ok(()),
        other => Err(EdgeError::MethodNotAllowed(other.to_string())),
    }
}

/// `GET /api/groups/{id}/call/status`, from the call's room. A link call's status is anyone's
/// (anyone with the link may join). A stored group's (`g_…`) is for those who may join it, which
/// only the API knows (members, settings, whether the group still exists): it is asked
/// (`call/access`, with the caller's credentials), and its refusal is passed on as it is.
async fn call_status(req: Request, env: &Env, id: &str) -> std::result::Result<Response, EdgeError> {
    let call = GroupId::parse(id)?;
    let mut url = format!("https://call-room/{}/status", call.as_str());
    if call.is_stored() {
        let access = format!("/api/groups/{}/call/access", call.as_str());
        let mut verdict = forward(req, env, &access).await?;
        if verdict.status_code() != 200 {
            return Ok(verdict);
        }
        let access: CallAccess = verdict.json().await?;
        if let Some(cap) = access.max_participants {
            url.push_str(&format!("?cap={cap}"));
        }
    }
    let inner = Request::new(&url, Method::Get)?;
    Ok(room(env, &call)?.fetch_with_request(inner).await?)
}

/// `POST /__test/rooms/{id}/forget`, only where the var `TEST_HOOKS` is `1` (the tests'
/// workerd config, never wrangler.toml): the room drops everything it holds in memory, as an
/// object does when it hibernates, and must carry on from storage and its open sockets alone.
async fn forget_room(env: &Env, id: &str) -> std::result::Result<Response, EdgeError> {
    if !test_hooks(env) {
        return Err(EdgeError::NotFound(format!("/__test/rooms/{id}/forget")));
    }
    let call = GroupId::parse(id)?;
    let inner = Request::new(&format!("https://call-room/{}/forget", call.as_str()), Method::Post)?;
    Ok(room(env, &call)?.fetch_with_request(inner).await?)
}

/// The Durable Object of `call`'s room.
fn room(env: &Env, call: &GroupId) -> std::result::Result<worker::Stub, EdgeError> {
    Ok(env.durable_object(ROOMS_BINDING)?.id_from_name(call.as_str())?.get_stub()?)
}

/// Whether the test-only routes are on.
pub fn test_hooks(env: &Env) -> bool {
    crate::config::text(env, "TEST_HOOKS").as_deref() == Some("1")
}

/// Every other `/api/*` request, to the API origin: method, headers, body and query as sent,
/// and its answer as it comes (redirects included, for OAuth).
async fn proxy(req: Request, env: &Env) -> std::result::Result<Response, EdgeError> {
    let path = req.path();
    forward(req, env, &path).await
}

/// `req` sent to `path` (and the request's query) at the API origin.
async fn forward(mut req: Request, env: &Env, path: &str) -> std::result::Result<Response, EdgeError> {
    let config = EdgeConfig::get(env)?;
    let url = req.url()?;
    let target = match url.query() {
        Some(query) => format!("{}{path}?{query}", config.api_origin),
        None => format!("{}{path}", config.api_origin),
    };
    let method = req.method();
    let headers = Headers::new();
    for (name, value) in req.headers().entries() {
        if forwarded(&name) {
            headers.append(&name, &value)?;
        }
    }
    headers.set("x-forwarded-host", url.host_str().unwrap_or_default())?;
    headers.set("x-forwarded-proto", url.scheme())?;
    let mut init = RequestInit::new();
    init.with_method(method.clone()).with_headers(headers).with_redirect(RequestRedirect::Manual);
    if !matches!(method, Method::Get | Method::Head) {
        let body = req.bytes().await?;
        if !body.is_empty() {
            init.with_body(Some(js_sys::Uint8Array::from(body.as_slice()).into()));
        }
    }
    Fetch::Request(Request::new_with_init(&target, &init)?)
        .send()
        .await
        .map_err(|e| EdgeError::Upstream(format!("the API at {} did not answer: {e}", config.api_origin)))
}

/// Whether a request header goes on to the API: not hop-by-hop ones, and not the forwarding
/// and Cloudflare headers a client could make up (the Worker sets its own).
fn forwarded(name: &str) -> bool {
    const HOP_BY_HOP: [&str; 9] = [
        "host",
        "connection",
        "content-length",
        "keep-alive",
        "proxy-authorization",
        "proxy-connection",
        "te",
        "transfer-encoding",
        "upgrade",
    ];
    !HOP_BY_HOP.contains(&name) && !name.starts_with("x-forwarded-") && !name.starts_with("cf-")
}
