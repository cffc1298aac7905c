//! The real `peershare-lambda` binary, run the way AWS Lambda runs a `provided.al2023`
//! function: started with Lambda's environment, fed API Gateway HTTP API (payload 2.0) events
//! through the Runtime API, storing in DynamoDB (moto) and signing in with a local OpenID
//! Connect provider. Its answers are read exactly as API Gateway reads them: status, headers,
//! the `cookies` list and a possibly base64 body.

mod lambda_runtime;
use peershare_moto as moto;
mod oauth_idp;

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use lambda_runtime::RuntimeApi;
use oauth_idp::{Providers, providers, sign_in_at_provider};
use peershare_functions::session::SigningKey;
use peershare_functions::store::dynamodb::DynamoStore;
use serde_json::{Value, json};
use tokio::process::{Child, Command};

/// The site API Gateway serves (the redirect URIs' origin).
const SITE: &str = "https://api.peershare.test";

/// One running function instance (a cold start), killed when dropped.
struct Function {
    runtime: RuntimeApi,
    _process: Child,
}

/// What the function and its instances share: the table, the key, the providers.
struct Deployment {
    table: String,
    key: SigningKey,
    idp: Providers,
}

impl Deployment {
    async fn new(table: &str) -> Self {
        let client = moto::dynamodb_client();
        DynamoStore::ensure_table(&client, table).await.expect("the stack's table exists");
        Self {
            table: table.into(),
            key: SigningKey::generate("lambda-test-1").expect("a key"),
            idp: providers().await,
        }
    }

    /// Starts an instance of the binary, as Lambda does on a cold start.
    async fn cold_start(&self) -> Function {
        self.cold_start_with(&[]).await
    }

    /// Starts an instance of the binary with `more` environment.
    async fn cold_start_with(&self, more: &[(&str, &str)]) -> Function {
        let runtime = RuntimeApi::start().await;
        let log = std::fs::OpenOptions::new().create(true).append(true).open(log_path()).expect("a log file");
        let process = self
            .command(&runtime.address, more)
            .stdout(log.try_clone().expect("log"))
            .stderr(log)
            .kill_on_drop(true)
            .spawn()
            .expect("the binary starts");
        Function { runtime, _process: process }
    }

    /// Starts an instance of the binary with `more` environment that must not get as far as
    /// asking for an event: its exit status and what it wrote.
    async fn failed_cold_start_with(&self, more: &[(&str, &str)]) -> (std::process::ExitStatus, String) {
        let runtime = RuntimeApi::start().await;
        let run = self.command(&runtime.address, more).kill_on_drop(true).output();
        let out = tokio::time::timeout(std::time::Duration::from_secs(60), run)
            .await
            .expect("the binary stops by itself")
            .expect("the binary runs");
        let text =
            format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
        (out.status, text)
    }

    /// The binary with Lambda's environment and `more`.
    fn command(&self, runtime: &str, more: &[(&str, &str)]) -> Command {
        let mut command = Command::new(env!("CARGO_BIN_EXE_peershare-lambda"));
        command
            .env_clear()
            .env("PATH", std::env::var_os("PATH").unwrap_or_default())
            .envs([
                ("AWS_LAMBDA_RUNTIME_API", runtime),
                ("AWS_LAMBDA_FUNCTION_NAME", "peershare-api"),
                ("AWS_LAMBDA_FUNCTION_MEMORY_SIZE", "256"),
                ("AWS_LAMBDA_FUNCTION_VERSION", "$LATEST"),
                ("AWS_REGION", "us-east-1"),
                ("AWS_ACCESS_KEY_ID", "test"),
                ("AWS_SECRET_ACCESS_KEY", "test"),
                ("AWS_ENDPOINT_URL", moto::endpoint()),
                ("PEERSHARE_TABLE", &self.table),
                ("PEERSHARE_PUBLIC_URL", SITE),
                ("PEERSHARE_SIGNING_KEY_ID", self.key.kid()),
                ("PEERSHARE_SIGNING_KEY", &self.key.to_base64()),
                ("PEERSHARE_GOOGLE_CLIENT_ID", "peershare-test"),
                ("PEERSHARE_GOOGLE_CLIENT_SECRET", "secret"),
                ("PEERSHARE_GOOGLE_ISSUER", &self.idp.google),
            ])
            .envs(more.iter().copied());
        command
    }
}

/// Where the function instances of this test binary log.
fn log_path() -> std::path::PathBuf {
    std::env::temp_dir().join(format!("peershare-lambda-{}.log", std::process::id()))
}

/// An API Gateway HTTP API request as the event Lambda delivers.
struct Request<'a> {
    method: &'a str,
    target: &'a str,
    bearer: Option<&'a str>,
    cookies: Vec<String>,
    body: Option<Value>,
    base64: bool,
}

impl<'a> Request<'a> {
    fn new(method: &'a str, target: &'a str) -> Self {
        Self { method, target, bearer: None, cookies: Vec::new(), body: None, base64: false }
    }

    fn event(&self) -> Value {
        let (path, query) = self.target.split_once('?').unwrap_or((self.target, ""));
        let mut parameters = serde_json::Map::new();
        for (k, v) in url_pairs(query) {
            let joined = match parameters.get(&k).and_then(Value::as_str) {
                Some(before) => format!("{before},{v}"),
                None => v,
            };
            parameters.insert(k, Value::String(joined));
        }
        let mut headers = json!({
            "host": "api.peershare.test",
            "user-agent": "Mozilla/5.0 (X11; Linux x86_64) PeerShareTest",
            "x-forwarded-proto": "https",
            "x-forwarded-for": "192.0.2.10",
        });
        if let Some(token) = self.bearer {
            headers["authorization"] = json!(format!("Bearer {token}"));
        }
        let body = self.body.as_ref().map(|b| {
            headers["content-type"] = json!("application/json");
            let text = b.as_str().map_or_else(|| b.to_string(), str::to_owned);
            if self.base64 { STANDARD.encode(text) } else { text }
        });
        let mut event = json!({
            "version": "2.0",
            "routeKey": "$default",
            "rawPath": path,
            "rawQueryString": query,
            "headers": headers,
            "requestContext": {
                "accountId": "123456789012",
                "apiId": "p5h3s7a9",
                "domainName": "api.peershare.test",
                "domainPrefix": "api",
                "http": {
                    "method": self.method,
                    "path": path,
                    "protocol": "HTTP/1.1",
                    "sourceIp": "192.0.2.10",
                    "userAgent": "Mozilla/5.0 (X11; Linux x86_64) PeerShareTest"
                },
                "requestId": "JKJaXmPLvHcESHA=",
                "routeKey": "$default",
                "stage": "$default",
                "time": "25/Nov/2026:10:00:00 +0000",
                "timeEpoch": 1795600800000u64
            },
            "isBase64Encoded": self.base64,
        });
        if !parameters.is_empty() {
            event["queryStringParameters"] = Value::Object(parameters);
        }
        if !self.cookies.is_empty() {
            event["cookies"] = json!(self.cookies);
        }
        if let Some(body) = body {
            event["body"] = json!(body);
        }
        event
    }
}

fn url_pairs(query: &str) -> Vec<(String, String)> {
    oauth2::url::form_urlencoded::parse(query.as_bytes())
        .map(|(k, v)| (k.into_owned(), v.into_owned()))
        .collect()
}

/// The function's answer, as API Gateway reads it.
#[derive(Debug)]
struct Reply {
    status: u64,
    headers: Value,
    cookies: Vec<String>,
    json: Value,
}

impl Reply {
    fn header(&self, name: &str) -> &str {
        self.headers[name].as_str().unwrap_or_else(|| panic!("no {name} header in {self:?}"))
    }

    /// `name=value` of the cookie `name` the answer sets, and its attributes.
    fn cookie(&self, name: &str) -> (String, String) {
        let set = self
            .cookies
            .iter()
            .find(|c| c.starts_with(&format!("{name}=")))
            .unwrap_or_else(|| panic!("no {name} cookie in {self:?}"));
        let (pair, attributes) = set.split_once(';').unwrap_or((set, ""));
        (pair.to_owned(), attributes.to_owned())
    }
}

impl Function {
    async fn call(&self, request: Request<'_>) -> Reply {
        let out = self.runtime.invoke(request.event()).await.unwrap_or_else(|e| {
            panic!(
                "{} {} failed: {e} (log in {})",
                request.method,
                request.target,
                std::env::temp_dir().display()
            )
        });
        let body = out["body"].as_str().unwrap_or_default();
        let body = if out["isBase64Encoded"] == json!(true) {
            String::from_utf8(STANDARD.decode(body).expect("base64")).expect("utf-8")
        } else {
            body.to_owned()
        };
        Reply {
            status: out["statusCode"].as_u64().expect("a status code"),
            headers: out["headers"].clone(),
            cookies: serde_json::from_value(out["cookies"].clone()).unwrap_or_default(),
            json: serde_json::from_str(&body).unwrap_or(Value::Null),
        }
    }
}

#[tokio::test]
async fn the_function_signs_someone_in_keeps_their_group_in_dynamodb_and_refuses_bad_input() {
    let deployment = Deployment::new("peershare-lambda-e2e").await;
    let function = deployment.cold_start().await;

    // What the sign-in page offers: the configured provider, never dev sign-in.
    let options = function.call(Request::new("GET", "/api/auth/options")).await;
    assert_eq!(options.status, 200, "{options:?}");
    assert_eq!(options.json["providers"], json!(["google"]));
    assert_eq!(options.json["dev_sign_in"], json!(false));
    let dev = function
        .call(Request { body: Some(json!({"name": "Mallory"})), ..Request::new("POST", "/api/auth/dev") });
    assert_eq!(dev.await.status, 404, "dev sign-in does not exist on Lambda");
    let unknown = function.call(Request::new("GET", "/api/no-such-route")).await;
    assert_eq!((unknown.status, unknown.json["error"].as_str()), (404, Some("not_found")), "{unknown:?}");
    let wrong_method = function.call(Request::new("DELETE", "/api/auth/options")).await;
    assert_eq!(
        (wrong_method.status, wrong_method.json["error"].as_str()),
        (405, Some("method_not_allowed")),
        "{wrong_method:?}"
    );

    // Sign in with the provider: the attempt cookie leaves through API Gateway's `cookies`.
    let start = function
        .call(Request::new("GET", "/api/auth/google/start?return_to=/groups&login_hint=ada@example.com"))
        .await;
    assert_eq!(start.status, 302, "{start:?}");
    let (flow, attributes) = start.cookie("peershare_oauth");
    assert!(attributes.contains("HttpOnly") && attributes.contains("Secure"), "{attributes}");
    let back = sign_in_at_provider(start.header("location"), SITE).await;
    assert!(back.starts_with("/api/auth/google/callback?"), "{back}");

    // Back from the provider, the attempt cookie arrives in the event's `cookies`.
    let callback = function.call(Request { cookies: vec![flow.clone()], ..Request::new("GET", &back) }).await;
    assert_eq!((callback.status, callback.header("location")), (303, "/groups"), "{callback:?}");
    let (refresh, attributes) = callback.cookie("peershare_refresh");
    for attribute in ["HttpOnly", "Secure", "SameSite=Strict", "Path=/api/auth"] {
        assert!(attributes.contains(attribute), "{attribute} missing from {attributes}");
    }
    let replayed = function.call(Request { cookies: vec![flow], ..Request::new("GET", &back) }).await;
    assert!(replayed.header("location").starts_with("/signin?error="), "a code works once: {replayed:?}");

    // The refresh cookie buys an access token; a second cookie in the list changes nothing.
    let cookies = vec!["theme=dark".to_owned(), refresh];
    let session = function.call(Request { cookies, ..Request::new("POST", "/api/auth/refresh") }).await;
    assert_eq!(session.status, 200, "{session:?}");
    let token = session.json["access_token"].as_str().expect("an access token").to_owned();
    let me = function.call(Request { bearer: Some(&token), ..Request::new("GET", "/api/me") }).await;
    assert_eq!((me.status, me.json["display_name"].as_str()), (200, Some("Ada")), "{me:?}");

    // A group, its body base64-encoded as API Gateway sends some bodies.
    let create = Request {
        bearer: Some(&token),
        body: Some(json!({"name": "Lambda crew", "description": "Made through API Gateway"})),
        base64: true,
        ..Request::new("POST", "/api/groups")
    };
    let created = function.call(create).await;
    assert_eq!(created.status, 201, "{created:?}");
    let group = created.json["id"].as_str().expect("an id").to_owned();

    // Bad input: a clear status and a JSON body naming the problem; nothing is stored.
    let broken = Request {
        bearer: Some(&token),
        body: Some(json!("{\"name\": ")),
        ..Request::new("POST", "/api/groups")
    };
    let broken = function.call(broken).await;
    assert_eq!(broken.status, 400, "{broken:?}");
    assert!(broken.json["error"].is_string() && broken.json["message"].is_string(), "{broken:?}");
    let nameless = Request {
        bearer: Some(&token),
        body: Some(json!({"name": " "})),
        ..Request::new("POST", "/api/groups")
    };
    let nameless = function.call(nameless).await;
    assert_eq!(
        (nameless.status, nameless.json["error"].as_str()),
        (400, Some("invalid_name")),
        "{nameless:?}"
    );
    let forged =
        function.call(Request { bearer: Some("e30.e30."), ..Request::new("GET", "/api/groups") }).await;
    assert_eq!((forged.status, forged.json["error"].as_str()), (401, Some("invalid_token")), "{forged:?}");

    // Another instance, started cold, reads the same table and trusts the same key.
    drop(function);
    let second = deployment.cold_start().await;
    let listed = second.call(Request { bearer: Some(&token), ..Request::new("GET", "/api/groups") }).await;
    assert_eq!(listed.status, 200, "{listed:?}");
    let groups = listed.json["groups"].as_array().expect("a list");
    let names: Vec<_> = groups.iter().map(|g| g["name"].clone()).collect();
    assert_eq!(names, vec![json!("Lambda crew")], "exactly the one group; the bad requests stored nothing");
    let got = second
        .call(Request { bearer: Some(&token), ..Request::new("GET", &format!("/api/groups/{group}")) })
        .await;
    assert_eq!((got.status, got.json["role"].as_str()), (200, Some("owner")), "{got:?}");
}

/// The group of media nodes of the fleet test, in the function's region.
const NODE_GROUP: &str = "peershare-nodes-lambda";

/// `NODE_GROUP`'s desired capacity and instance ids.
async fn node_group(client: &aws_sdk_autoscaling::Client) -> (i32, Vec<String>) {
    let described = client
        .describe_auto_scaling_groups()
        .auto_scaling_group_names(NODE_GROUP)
        .send()
        .await
        .expect("describes");
    let group = described.auto_scaling_groups().first().expect("the group");
    let ids = group.instances().iter().filter_map(|i| i.instance_id()).map(str::to_owned).collect();
    (group.desired_capacity().unwrap_or(-1), ids)
}

#[tokio::test]
async fn the_functions_fleet_keeps_warm_nodes_in_the_regions_group_and_retires_those_that_leave() {
    const INTERNAL: &str = "internal-secret-lambda-0123456789";
    const FLEET: &str = "fleet-secret-lambda-0123456789";
    let deployment = Deployment::new("peershare-lambda-fleet").await;
    let asg = moto::autoscaling_client("us-east-1");
    asg.create_launch_configuration()
        .launch_configuration_name("peershare-node")
        .image_id("ami-12c6146b")
        .instance_type("c7gn.large")
        .send()
        .await
        .expect("a launch configuration");
    asg.create_auto_scaling_group()
        .auto_scaling_group_name(NODE_GROUP)
        .launch_configuration_name("peershare-node")
        .min_size(0)
        .max_size(2)
        .desired_capacity(0)
        .availability_zones("us-east-1a")
        .new_instances_protected_from_scale_in(true)
        .send()
        .await
        .expect("the stack's group of media nodes");
    let groups = format!("us-east-1={NODE_GROUP}");
    let function = deployment
        .cold_start_with(&[
            ("PEERSHARE_INTERNAL_SECRET", INTERNAL),
            ("PEERSHARE_FLEET_SECRET", FLEET),
            ("PEERSHARE_FLEET_GROUPS", &groups),
            ("PEERSHARE_FLEET_WARM_CAPACITY", "us-east-1=1"),
        ])
        .await;

    // The scheduler's look, as EventBridge sends it: only with the internal secret.
    let refused = function
        .call(Request { bearer: Some(FLEET), ..Request::new("POST", "/api/internal/media-nodes/tick") });
    let refused = refused.await;
    assert_eq!((refused.status, refused.json["error"].as_str()), (401, Some("internal_only")), "{refused:?}");
    assert_eq!(node_group(&asg).await.0, 0, "nothing asked");
    let tick =
        || Request { bearer: Some(INTERNAL), ..Request::new("POST", "/api/internal/media-nodes/tick") };
    let looked = function.call(tick()).await;
    assert_eq!(looked.status, 200, "{looked:?}");
    assert_eq!(looked.json["desired"], json!({ "us-east-1": 1 }), "{looked:?}");
    let (desired, ids) = node_group(&asg).await;
    assert_eq!((desired, ids.len()), (1, 1), "the warm node launches with nobody calling");

    // The node boots and registers under its instance id, then leaves: it is not replaced.
    let node = json!({
        "id": ids[0],
        "region": "us-east-1",
        "public_url": "https://node.media.peershare.test",
        "control_url": "http://10.0.0.7:8090",
        "capacity": 500,
        "version": "0.1.0",
    });
    let path = format!("/api/internal/media-nodes/{}", ids[0]);
    let registered =
        function.call(Request { bearer: Some(FLEET), body: Some(node), ..Request::new("PUT", &path) }).await;
    assert_eq!(registered.status, 200, "{registered:?}");
    let left = function.call(Request { bearer: Some(FLEET), ..Request::new("DELETE", &path) }).await;
    assert_eq!(left.status, 204, "{left:?}");
    assert_eq!(node_group(&asg).await, (0, Vec::new()), "terminated, one fewer wanted");

    // The next look keeps the region warm again, with a new instance.
    let looked = function.call(tick()).await;
    assert_eq!(looked.json["desired"], json!({ "us-east-1": 1 }), "{looked:?}");
    let (desired, now) = node_group(&asg).await;
    assert_eq!((desired, now.len()), (1, 1));
    assert_ne!(now, ids);
}

/// Puts `value` as the SecureString parameter `name` in moto's Parameter Store.
async fn put_secret(name: &str, value: &str) {
    moto::ssm_client()
        .put_parameter()
        .name(name)
        .r#type(aws_sdk_ssm::types::ParameterType::SecureString)
        .value(value)
        .send()
        .await
        .unwrap_or_else(|e| panic!("puts {name}: {}", aws_sdk_ssm::error::DisplayErrorContext(e)));
}

#[tokio::test]
async fn the_function_takes_its_secrets_from_parameter_store_over_its_environment() {
    const INTERNAL: &str = "internal-secret-from-ssm-0123456789";
    let deployment = Deployment::new("peershare-lambda-ssm").await;
    // The environment holds the deployment's key; Parameter Store holds another, which wins.
    let stored = SigningKey::generate("lambda-test-1").expect("a key");
    put_secret("/peershare-e2e/prod/signing-key", &stored.to_base64()).await;
    put_secret("/peershare-e2e/prod/internal-secret", INTERNAL).await;
    let function = deployment
        .cold_start_with(&[
            ("PEERSHARE_SECRETS_PATH", "/peershare-e2e/prod/"),
            ("PEERSHARE_INTERNAL_SECRET", "internal-secret-from-env-0123456789"),
        ])
        .await;

    let keys = function.call(Request::new("GET", "/api/auth/keys")).await;
    assert_eq!(keys.status, 200, "{keys:?}");
    assert_eq!(
        keys.json["keys"],
        json!([stored.public_jwk()]),
        "tokens are signed with Parameter Store's key"
    );
    let history = |bearer| Request {
        bearer: Some(bearer),
        body: Some(json!([])),
        ..Request::new("POST", "/api/internal/groups/link-call-1/history")
    };
    let delivered = function.call(history(INTERNAL)).await;
    assert_eq!(delivered.status, 204, "Parameter Store's internal secret opens the route: {delivered:?}");
    let refused = function.call(history("internal-secret-from-env-0123456789")).await;
    assert_eq!(refused.status, 401, "the environment's is overridden: {refused:?}");
    let options = function.call(Request::new("GET", "/api/auth/options")).await;
    assert_eq!(options.json["providers"], json!(["google"]), "the rest still comes from the environment");

    // A parameter under the path that is not a secret stops the cold start, by its name only.
    put_secret("/peershare-e2e/typo/signing-key", &stored.to_base64()).await;
    put_secret("/peershare-e2e/typo/fleet_secret", "hunter2-fleet-0123456789").await;
    let (status, output) =
        deployment.failed_cold_start_with(&[("PEERSHARE_SECRETS_PATH", "/peershare-e2e/typo")]).await;
    assert!(!status.success(), "{status}: {output}");
    assert!(output.contains("/peershare-e2e/typo/fleet_secret"), "{output}");
    assert!(!output.contains("hunter2"), "{output}");
}
