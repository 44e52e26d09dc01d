//! apim-emulator: a local Azure Resource Manager endpoint for API Management backends at
//! api-version 2024-05-01, for tests, benchmarks and users' own Pester suites.
//!
//! Behaves as the service does where it matters to a client: ETags changed by every write,
//! If-Match rules (412), merge-patch semantics, 404s, spec and service-rule validation with ARM's
//! error shape, `x-ms-request-id` everywhere, bearer-token checks, write throttling per
//! subscription (token bucket, 429 + Retry-After), and seeded fault injection. Control
//! endpoints under `/_emulator/` expose the request log, reset state and change faults.

pub mod rules;
pub mod tls;

use std::collections::{BTreeMap, VecDeque};
use std::net::{IpAddr, SocketAddr};
use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant, SystemTime};

use axum::body::{Body, Bytes};
use axum::extract::{Request, State};
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode};
use axum::response::Response;
use axum::Router;
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};

use rules::Violation;

pub const API_VERSION: &str = "2024-05-01";
const RESOURCE_TYPE: &str = "Microsoft.ApiManagement/service/backends";

/// How a 429 tells the client when to come back.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum RetryAfterForm {
    /// `Retry-After: <seconds>` plus `retry-after-ms` and `x-ms-retry-after-ms` (ARM's set).
    #[default]
    All,
    /// `Retry-After: <seconds>` only.
    Seconds,
    /// `Retry-After: <HTTP date>` only.
    HttpDate,
    /// `retry-after-ms` only.
    Ms,
    /// `x-ms-retry-after-ms` only.
    XMsMs,
}

/// One forced answer for the next ARM request, taken in order.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct ScriptedFault {
    /// Answer with this status (and an ARM error body unless `body` is given).
    pub status: Option<u16>,
    pub headers: BTreeMap<String, String>,
    pub body: Option<String>,
    /// Drop the connection without answering.
    pub reset: bool,
    /// Wait this long before handling (or before the forced answer).
    pub delay_ms: u64,
    /// Handle normally but send the body slowly (half, wait, rest).
    pub slow_body_ms: u64,
    /// Handle normally but answer 200 with a truncated JSON body.
    pub malformed: bool,
}

/// Fault injection, settable by flags at start and by `PUT /_emulator/faults`.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct FaultConfig {
    /// Added to every ARM request.
    pub latency_ms: u64,
    /// Share (0..1) of ARM requests answered with one of `error_statuses`.
    pub error_rate: f64,
    pub error_statuses: Vec<u16>,
    /// Share (0..1) of ARM requests whose connection is dropped.
    pub reset_rate: f64,
    /// Every response body is sent slowly by this many milliseconds.
    pub slow_body_ms: u64,
    /// Seed of the random choices, so a run can be repeated.
    pub seed: u64,
    pub retry_after_form: RetryAfterForm,
    /// Override the write bucket size and refill rate set at start (for throttling tests).
    pub write_bucket: Option<f64>,
    pub write_refill_per_sec: Option<f64>,
    /// Forced answers for the next requests, before any random fault.
    pub next: VecDeque<ScriptedFault>,
}

#[derive(Debug, Clone)]
pub struct Config {
    pub bind: IpAddr,
    pub port: u16,
    pub https: bool,
    /// Where to write the CA certificate (PEM) that clients must trust.
    pub cert_out: Option<PathBuf>,
    /// Load state from here at start and write it (atomically) after every change.
    pub state_file: Option<PathBuf>,
    /// When set, only `Authorization: Bearer <this>` is accepted.
    pub expected_token: Option<String>,
    /// Write token bucket per subscription: capacity and refill per second (ARM: 200, 10/s).
    pub write_bucket: f64,
    pub write_refill_per_sec: f64,
    /// Items per page of a list when no `$top` is given.
    pub page_size: usize,
    pub faults: FaultConfig,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            bind: IpAddr::from([127, 0, 0, 1]),
            port: 0,
            https: true,
            cert_out: None,
            state_file: None,
            expected_token: None,
            write_bucket: 200.0,
            write_refill_per_sec: 10.0,
            page_size: 100,
            faults: FaultConfig::default(),
        }
    }
}

/// One request as received, for `GET /_emulator/requests`.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct LoggedRequest {
    pub seq: u64,
    pub method: String,
    pub path: String,
    pub query: String,
    /// Lower-case names; the Authorization value is redacted.
    pub headers: BTreeMap<String, String>,
    pub body: Option<String>,
    pub status: u16,
    /// Microseconds the emulator spent on the request (after reading it, before sending the
    /// answer), added latency and slow bodies excluded: its own share of a round trip.
    pub handling_us: u64,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
struct StoredBackend {
    name: String,
    etag: String,
    properties: Value,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
struct StoredService {
    subscription_id: String,
    resource_group_name: String,
    service_name: String,
    /// Keyed by lower-case backend id: ARM names are case-insensitive.
    backends: BTreeMap<String, StoredBackend>,
}

#[derive(Default, Serialize, Deserialize)]
struct Store {
    /// Keyed by `sub/rg/service` in lower case.
    services: BTreeMap<String, StoredService>,
    etag_counter: u64,
}

struct Bucket {
    tokens: f64,
    at: Instant,
}

struct Inner {
    store: Store,
    log: Vec<LoggedRequest>,
    seq: u64,
    buckets: BTreeMap<String, Bucket>,
    faults: FaultConfig,
    rng: fastrand::Rng,
    tokens_issued: u64,
}

struct Emulator {
    config: Config,
    scheme: &'static str,
    inner: Mutex<Inner>,
}

/// A running emulator. Dropping it does not stop it; call [`Running::stop`].
pub struct Running {
    pub base_url: String,
    pub addr: SocketAddr,
    /// PEM of the CA to trust (HTTPS only).
    pub ca_pem: Option<String>,
    handle: axum_server::Handle,
    task: tokio::task::JoinHandle<std::io::Result<()>>,
}

impl Running {
    pub async fn stop(self) {
        self.handle
            .graceful_shutdown(Some(Duration::from_millis(200)));
        let _ = self.task.await;
    }

    /// Resolves when the server ends (it runs until stopped).
    pub async fn wait(self) -> std::io::Result<()> {
        self.task
            .await
            .unwrap_or_else(|e| Err(std::io::Error::other(e)))
    }
}

/// Binds and starts serving; returns once the port is open.
pub async fn start(config: Config) -> Result<Running, String> {
    if !config.bind.is_loopback() {
        return Err(format!(
            "refusing to bind {}: the emulator only listens on loopback addresses",
            config.bind
        ));
    }
    let store = match &config.state_file {
        Some(path) if path.exists() => {
            let text = std::fs::read_to_string(path)
                .map_err(|e| format!("cannot read state file {}: {e}", path.display()))?;
            serde_json::from_str(&text)
                .map_err(|e| format!("state file {} is not valid: {e}", path.display()))?
        }
        _ => Store::default(),
    };
    let listener = std::net::TcpListener::bind((config.bind, config.port))
        .map_err(|e| format!("cannot bind {}:{}: {e}", config.bind, config.port))?;
    listener.set_nonblocking(true).map_err(|e| e.to_string())?;
    let addr = listener.local_addr().map_err(|e| e.to_string())?;
    let scheme = if config.https { "https" } else { "http" };
    let base_url = format!("{scheme}://{addr}");
    let rng = fastrand::Rng::with_seed(config.faults.seed);
    let emulator = Arc::new(Emulator {
        scheme,
        inner: Mutex::new(Inner {
            store,
            log: Vec::new(),
            seq: 0,
            buckets: BTreeMap::new(),
            faults: config.faults.clone(),
            rng,
            tokens_issued: 0,
        }),
        config,
    });
    let app = Router::new().fallback(handle).with_state(emulator.clone());
    let handle = axum_server::Handle::new();
    let mut ca_pem = None;
    let task = if emulator.config.https {
        let cert = tls::generate()?;
        if let Some(path) = &emulator.config.cert_out {
            write_atomically(path, cert.ca_pem.as_bytes())
                .map_err(|e| format!("cannot write {}: {e}", path.display()))?;
        }
        ca_pem = Some(cert.ca_pem.clone());
        let tls = axum_server::tls_rustls::RustlsConfig::from_config(cert.config);
        let server = axum_server::from_tcp_rustls(listener, tls).handle(handle.clone());
        tokio::spawn(server.serve(app.into_make_service()))
    } else {
        let server = axum_server::from_tcp(listener).handle(handle.clone());
        tokio::spawn(server.serve(app.into_make_service()))
    };
    handle.listening().await;
    Ok(Running {
        base_url,
        addr,
        ca_pem,
        handle,
        task,
    })
}

fn write_atomically(path: &std::path::Path, bytes: &[u8]) -> std::io::Result<()> {
    let tmp = path.with_extension(format!("tmp{}", std::process::id()));
    std::fs::write(&tmp, bytes)?;
    std::fs::rename(&tmp, path)
}

// ---------------------------------------------------------------------------------------------
// Request handling
// ---------------------------------------------------------------------------------------------

/// What an ARM path names.
struct Target {
    subscription: String,
    resource_group: String,
    service: String,
    backend: Option<String>,
}

impl Target {
    fn service_key(&self) -> String {
        format!(
            "{}/{}/{}",
            self.subscription.to_lowercase(),
            self.resource_group.to_lowercase(),
            self.service.to_lowercase()
        )
    }

    fn collection_path(&self) -> String {
        format!(
            "/subscriptions/{}/resourceGroups/{}/providers/Microsoft.ApiManagement/service/{}/backends",
            self.subscription, self.resource_group, self.service
        )
    }
}

fn parse_target(path: &str) -> Option<Target> {
    let segs: Vec<&str> = path.trim_matches('/').split('/').collect();
    let eq = |i: usize, s: &str| segs.get(i).is_some_and(|x| x.eq_ignore_ascii_case(s));
    let ok = (segs.len() == 9 || segs.len() == 10)
        && eq(0, "subscriptions")
        && eq(2, "resourceGroups")
        && eq(4, "providers")
        && eq(5, "Microsoft.ApiManagement")
        && eq(6, "service")
        && eq(8, "backends");
    if !ok || segs.iter().any(|s| s.is_empty()) {
        return None;
    }
    let decode = |s: &str| {
        url::form_urlencoded::parse(format!("x={s}").as_bytes())
            .next()
            .map(|(_, v)| v.into_owned())
            .unwrap_or_default()
    };
    Some(Target {
        subscription: decode(segs[1]),
        resource_group: decode(segs[3]),
        service: decode(segs[7]),
        backend: segs.get(9).map(|s| decode(s)),
    })
}

fn query_params(query: &str) -> BTreeMap<String, String> {
    url::form_urlencoded::parse(query.as_bytes())
        .map(|(k, v)| (k.into_owned(), v.into_owned()))
        .collect()
}

struct Reply {
    status: StatusCode,
    headers: Vec<(String, String)>,
    body: Option<Value>,
    raw_body: Option<String>,
    slow_body_ms: u64,
    reset: bool,
}

impl Reply {
    fn json(status: StatusCode, body: Value) -> Self {
        Reply {
            status,
            headers: Vec::new(),
            body: Some(body),
            raw_body: None,
            slow_body_ms: 0,
            reset: false,
        }
    }

    fn empty(status: StatusCode) -> Self {
        Reply {
            body: None,
            ..Reply::json(status, Value::Null)
        }
    }

    fn header(mut self, name: &str, value: impl Into<String>) -> Self {
        self.headers.push((name.to_string(), value.into()));
        self
    }
}

fn arm_error(status: StatusCode, code: &str, message: impl Into<String>) -> Reply {
    Reply::json(
        status,
        json!({"error": {"code": code, "message": message.into()}}),
    )
}

fn validation_error(violations: Vec<Violation>) -> Reply {
    let details: Vec<Value> = violations
        .iter()
        .map(|v| json!({"code": "ValidationError", "target": v.target, "message": v.message}))
        .collect();
    let first = violations.first();
    Reply::json(
        StatusCode::BAD_REQUEST,
        json!({"error": {
            "code": "ValidationError",
            "message": format!("One or more fields contain incorrect values: {}", first.map(|v| v.message.as_str()).unwrap_or("")),
            "target": first.map(|v| v.target.clone()),
            "details": details,
        }}),
    )
}

async fn handle(State(emu): State<Arc<Emulator>>, req: Request) -> Response {
    let (parts, body) = req.into_parts();
    let bytes = axum::body::to_bytes(body, 16 * 1024 * 1024)
        .await
        .unwrap_or_default();
    let received = Instant::now();
    let mut waited = Duration::ZERO;
    let path = parts.uri.path().to_string();
    let query = parts.uri.query().unwrap_or_default().to_string();
    let host = parts
        .headers
        .get("host")
        .and_then(|h| h.to_str().ok())
        .map(str::to_string)
        .or_else(|| parts.uri.authority().map(|a| a.to_string()))
        .unwrap_or_default();

    let is_token_request = parts.method == Method::POST && path.ends_with("/oauth2/v2.0/token");
    let reply = if path.starts_with("/_emulator/") {
        control(&emu, &parts.method, &path, &bytes)
    } else if is_token_request {
        emu.issue_token(&bytes)
    } else {
        let (forced, latency, shape) = emu.pick_fault();
        if latency > 0 {
            tokio::time::sleep(Duration::from_millis(latency)).await;
            waited = Duration::from_millis(latency);
        }
        match forced {
            Some(reply) => reply,
            None => {
                let mut reply = emu.arm(
                    &parts.method,
                    &path,
                    &query,
                    &parts.headers,
                    &bytes,
                    &host,
                    shape,
                );
                let slow = emu.inner.lock().unwrap().faults.slow_body_ms;
                reply.slow_body_ms = reply.slow_body_ms.max(slow);
                reply
            }
        }
    };
    let mut reply = reply;
    if !path.starts_with("/_emulator/") {
        let mut inner = emu.inner.lock().unwrap();
        inner.seq += 1;
        let seq = inner.seq;
        let headers = parts
            .headers
            .iter()
            .map(|(k, v)| {
                let name = k.as_str().to_string();
                let value = if name == "authorization" {
                    let v = v.to_str().unwrap_or_default();
                    match v.split_once(' ') {
                        Some((scheme, _)) => format!("{scheme} ***REDACTED***"),
                        None => "***REDACTED***".to_string(),
                    }
                } else {
                    String::from_utf8_lossy(v.as_bytes()).into_owned()
                };
                (name, value)
            })
            .collect();
        inner.log.push(LoggedRequest {
            seq,
            method: parts.method.to_string(),
            path: path.clone(),
            query,
            headers,
            // A token request carries the client secret: keep only that there was a body.
            body: (!bytes.is_empty()).then(|| {
                if is_token_request {
                    "***REDACTED***".to_string()
                } else {
                    String::from_utf8_lossy(&bytes).into_owned()
                }
            }),
            status: if reply.reset {
                0
            } else {
                reply.status.as_u16()
            },
            handling_us: received.elapsed().saturating_sub(waited).as_micros() as u64,
        });
    }
    if reply.reset {
        // Abandon the connection without an answer: the client sees it closed mid-request.
        std::panic::resume_unwind(Box::new("apim-emulator: injected connection reset"));
    }
    let request_id = uuid::Uuid::new_v4().to_string();
    let correlation = parts
        .headers
        .get("x-ms-client-request-id")
        .and_then(|v| v.to_str().ok())
        .map(str::to_string)
        .unwrap_or_else(|| uuid::Uuid::new_v4().to_string());
    reply = reply
        .header("x-ms-request-id", request_id)
        .header("x-ms-correlation-request-id", correlation);
    build_response(reply)
}

fn build_response(reply: Reply) -> Response {
    let text = reply
        .raw_body
        .or_else(|| reply.body.as_ref().map(Value::to_string));
    let mut builder = Response::builder().status(reply.status);
    let headers = builder.headers_mut().expect("fresh builder");
    for (k, v) in &reply.headers {
        if let (Ok(name), Ok(value)) = (
            axum::http::HeaderName::from_bytes(k.as_bytes()),
            HeaderValue::from_str(v),
        ) {
            headers.append(name, value);
        }
    }
    if text.is_some() {
        headers.insert(
            "content-type",
            HeaderValue::from_static("application/json; charset=utf-8"),
        );
    }
    let body = match (text, reply.slow_body_ms) {
        (None, _) => Body::empty(),
        (Some(t), 0) => Body::from(t),
        (Some(t), ms) => {
            let bytes = Bytes::from(t);
            let half = bytes.len() / 2;
            let (a, b) = (bytes.slice(..half), bytes.slice(half..));
            let stream = futures_util::stream::unfold(0u8, move |step| {
                let (a, b) = (a.clone(), b.clone());
                async move {
                    match step {
                        0 => Some((Ok::<_, std::io::Error>(a), 1)),
                        1 => {
                            tokio::time::sleep(Duration::from_millis(ms)).await;
                            Some((Ok(b), 2))
                        }
                        _ => None,
                    }
                }
            });
            Body::from_stream(stream)
        }
    };
    builder.body(body).expect("valid response")
}

fn control(emu: &Emulator, method: &Method, path: &str, body: &[u8]) -> Reply {
    let mut inner = emu.inner.lock().unwrap();
    match (method.as_str(), path) {
        ("GET", "/_emulator/requests") => {
            Reply::json(StatusCode::OK, serde_json::to_value(&inner.log).unwrap())
        }
        ("DELETE", "/_emulator/requests") => {
            inner.log.clear();
            Reply::empty(StatusCode::NO_CONTENT)
        }
        ("POST", "/_emulator/reset") => {
            inner.store = Store::default();
            inner.log.clear();
            inner.buckets.clear();
            inner.faults = emu.config.faults.clone();
            inner.rng = fastrand::Rng::with_seed(emu.config.faults.seed);
            drop(inner);
            emu.persist();
            Reply::empty(StatusCode::NO_CONTENT)
        }
        ("GET", "/_emulator/faults") => {
            Reply::json(StatusCode::OK, serde_json::to_value(&inner.faults).unwrap())
        }
        ("PUT", "/_emulator/faults") => match serde_json::from_slice::<FaultConfig>(body) {
            Ok(f) => {
                inner.rng = fastrand::Rng::with_seed(f.seed);
                if f.write_bucket != inner.faults.write_bucket {
                    inner.buckets.clear();
                }
                inner.faults = f;
                Reply::empty(StatusCode::NO_CONTENT)
            }
            Err(e) => arm_error(StatusCode::BAD_REQUEST, "InvalidFaults", e.to_string()),
        },
        ("GET", "/_emulator/health") => Reply::json(StatusCode::OK, json!({"status": "ok"})),
        _ => arm_error(
            StatusCode::NOT_FOUND,
            "NotFound",
            "Control endpoints: GET|DELETE /_emulator/requests, POST /_emulator/reset, GET|PUT /_emulator/faults, GET /_emulator/health.",
        ),
    }
}

impl Emulator {
    /// A stand-in for Entra ID's token endpoint (`POST /{tenant}/oauth2/v2.0/token`), so clients
    /// using real credentials (client secret) can be tested offline: answers any client
    /// credentials grant with a numbered token valid for an hour.
    fn issue_token(&self, body: &[u8]) -> Reply {
        let form = query_params(&String::from_utf8_lossy(body));
        if form.get("grant_type").map(String::as_str) != Some("client_credentials")
            || form.get("client_id").is_none_or(|c| c.is_empty())
        {
            return Reply::json(
                StatusCode::BAD_REQUEST,
                json!({"error": "invalid_request", "error_description": "AADSTS900144: client_credentials grant with client_id required."}),
            );
        }
        let mut inner = self.inner.lock().unwrap();
        inner.tokens_issued += 1;
        let n = inner.tokens_issued;
        Reply::json(
            StatusCode::OK,
            json!({"token_type": "Bearer", "expires_in": 3599, "ext_expires_in": 3599, "access_token": format!("emulator-token-{n}")}),
        )
    }

    /// The scripted fault for this request, else a random one; plus the latency to add and,
    /// for a scripted entry without a status, how to shape the normal answer.
    fn pick_fault(&self) -> (Option<Reply>, u64, Option<ScriptedFault>) {
        let mut inner = self.inner.lock().unwrap();
        let latency = inner.faults.latency_ms;
        if let Some(f) = inner.faults.next.pop_front() {
            let delay = latency + f.delay_ms;
            if f.reset {
                let mut r = Reply::empty(StatusCode::OK);
                r.reset = true;
                return (Some(r), delay, None);
            }
            if let Some(status) = f.status {
                let status =
                    StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
                let mut r = match &f.body {
                    Some(b) => Reply {
                        raw_body: Some(b.clone()),
                        ..Reply::empty(status)
                    },
                    None => arm_error(
                        status,
                        "InjectedFault",
                        format!("Fault injected by apim-emulator: {status}."),
                    ),
                };
                for (k, v) in &f.headers {
                    r = r.header(k, v.clone());
                }
                return (Some(r), delay, None);
            }
            // A scripted entry without a status shapes the normal answer.
            return (None, delay, Some(f));
        }
        let roll = inner.rng.f64();
        if roll < inner.faults.reset_rate {
            let mut r = Reply::empty(StatusCode::OK);
            r.reset = true;
            return (Some(r), latency, None);
        }
        if roll < inner.faults.reset_rate + inner.faults.error_rate
            && !inner.faults.error_statuses.is_empty()
        {
            let n = inner.faults.error_statuses.len();
            let pick = inner.rng.usize(..n);
            let status = inner.faults.error_statuses[pick];
            let status = StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
            return (
                Some(arm_error(
                    status,
                    "InjectedFault",
                    format!("Fault injected by apim-emulator: {status}."),
                )),
                latency,
                None,
            );
        }
        (None, latency, None)
    }

    fn persist(&self) {
        if let Some(path) = &self.config.state_file {
            let text = {
                let inner = self.inner.lock().unwrap();
                serde_json::to_string_pretty(&inner.store).expect("store serializes")
            };
            if let Err(e) = write_atomically(path, text.as_bytes()) {
                eprintln!(
                    "apim-emulator: cannot write state to {}: {e}",
                    path.display()
                );
            }
        }
    }

    fn take_write_token(&self, subscription: &str) -> Result<u64, Box<Reply>> {
        let mut inner = self.inner.lock().unwrap();
        let cap = inner
            .faults
            .write_bucket
            .unwrap_or(self.config.write_bucket);
        let rate = inner
            .faults
            .write_refill_per_sec
            .unwrap_or(self.config.write_refill_per_sec);
        let form = inner.faults.retry_after_form;
        let now = Instant::now();
        let bucket = inner
            .buckets
            .entry(subscription.to_lowercase())
            .or_insert(Bucket {
                tokens: cap,
                at: now,
            });
        bucket.tokens =
            (bucket.tokens + now.duration_since(bucket.at).as_secs_f64() * rate).min(cap);
        bucket.at = now;
        if bucket.tokens >= 1.0 {
            bucket.tokens -= 1.0;
            return Ok(bucket.tokens.floor() as u64);
        }
        let wait = Duration::from_secs_f64(((1.0 - bucket.tokens) / rate.max(1e-9)).max(0.001));
        let secs = wait.as_secs_f64().ceil().max(1.0) as u64;
        let ms = wait.as_millis().max(1).to_string();
        let mut r = arm_error(
            StatusCode::TOO_MANY_REQUESTS,
            "SubscriptionRequestsThrottled",
            format!("Number of write requests for subscription '{subscription}' exceeded the limit. Please try again after {secs} second(s)."),
        )
        .header("x-ms-ratelimit-remaining-subscription-writes", "0");
        r = match form {
            RetryAfterForm::All => r
                .header("Retry-After", secs.to_string())
                .header("retry-after-ms", ms.clone())
                .header("x-ms-retry-after-ms", ms),
            RetryAfterForm::Seconds => r.header("Retry-After", secs.to_string()),
            RetryAfterForm::HttpDate => r.header(
                "Retry-After",
                httpdate::fmt_http_date(SystemTime::now() + Duration::from_secs(secs)),
            ),
            RetryAfterForm::Ms => r.header("retry-after-ms", ms),
            RetryAfterForm::XMsMs => r.header("x-ms-retry-after-ms", ms),
        };
        Err(Box::new(r))
    }

    #[allow(clippy::too_many_arguments)]
    fn arm(
        &self,
        method: &Method,
        path: &str,
        query: &str,
        headers: &HeaderMap,
        body: &[u8],
        host: &str,
        shape: Option<ScriptedFault>,
    ) -> Reply {
        let mut reply = self.arm_inner(method, path, query, headers, body, host);
        if let Some(shape) = shape {
            reply.slow_body_ms = shape.slow_body_ms;
            if shape.malformed {
                let text = reply
                    .body
                    .as_ref()
                    .map(Value::to_string)
                    .unwrap_or_default();
                reply.raw_body = Some(text[..text.len() / 2].to_string());
                reply.status = StatusCode::OK;
            }
            for (k, v) in shape.headers {
                reply = reply.header(&k, v);
            }
        }
        reply
    }

    fn arm_inner(
        &self,
        method: &Method,
        path: &str,
        query: &str,
        headers: &HeaderMap,
        body: &[u8],
        host: &str,
    ) -> Reply {
        // Authentication first, as ARM does.
        let auth = headers.get("authorization").and_then(|v| v.to_str().ok());
        match auth.and_then(|a| a.strip_prefix("Bearer ")) {
            None => {
                return arm_error(
                    StatusCode::UNAUTHORIZED,
                    "AuthenticationFailed",
                    "Authentication failed. The 'Authorization' header is missing or is not a Bearer token.",
                )
                .header("WWW-Authenticate", "Bearer")
            }
            Some(token) => {
                if let Some(expected) = &self.config.expected_token {
                    if token != expected {
                        return arm_error(
                            StatusCode::UNAUTHORIZED,
                            "InvalidAuthenticationToken",
                            "The access token is invalid.",
                        );
                    }
                }
            }
        }
        let params = query_params(query);
        let Some(api_version) = params.get("api-version").filter(|v| !v.is_empty()) else {
            return arm_error(
                StatusCode::BAD_REQUEST,
                "MissingApiVersionParameter",
                "The api-version query parameter (?api-version=) is required for all requests.",
            );
        };
        let _ = api_version;
        let Some(target) = parse_target(path) else {
            return arm_error(
                StatusCode::NOT_FOUND,
                "InvalidResourceType",
                format!("No route for '{path}': the emulator serves .../providers/Microsoft.ApiManagement/service/{{service}}/backends[/{{backendId}}]."),
            );
        };
        let is_write = matches!(*method, Method::PUT | Method::PATCH | Method::DELETE);
        let remaining = if is_write {
            match self.take_write_token(&target.subscription) {
                Ok(n) => Some(n),
                Err(r) => return *r,
            }
        } else {
            None
        };
        let mut reply = match (&target.backend, method.clone()) {
            (None, Method::GET) => self.list(&target, &params, host, path),
            (None, _) => arm_error(
                StatusCode::METHOD_NOT_ALLOWED,
                "MethodNotAllowed",
                format!("{method} is not supported on the backend collection."),
            ),
            (Some(id), m) => match m {
                Method::GET => self.get(&target, id, true),
                Method::HEAD => self.get(&target, id, false),
                Method::PUT => self.put(&target, id, headers, body),
                Method::PATCH => self.patch(&target, id, headers, body),
                Method::DELETE => self.delete(&target, id, headers),
                other => arm_error(
                    StatusCode::METHOD_NOT_ALLOWED,
                    "MethodNotAllowed",
                    format!("{other} is not supported on a backend."),
                ),
            },
        };
        if let Some(n) = remaining {
            reply = reply.header(
                "x-ms-ratelimit-remaining-subscription-writes",
                n.to_string(),
            );
        }
        reply
    }

    fn contract(target: &Target, b: &StoredBackend) -> Value {
        json!({
            "id": format!("{}/{}", target.collection_path(), b.name),
            "type": RESOURCE_TYPE,
            "name": b.name,
            "properties": b.properties,
        })
    }

    fn get(&self, target: &Target, id: &str, with_body: bool) -> Reply {
        let inner = self.inner.lock().unwrap();
        match inner
            .store
            .services
            .get(&target.service_key())
            .and_then(|s| s.backends.get(&id.to_lowercase()))
        {
            Some(b) => {
                let r = if with_body {
                    Reply::json(StatusCode::OK, Self::contract(target, b))
                } else {
                    Reply::empty(StatusCode::OK)
                };
                r.header("ETag", b.etag.clone())
            }
            None => not_found(id),
        }
    }

    fn list(
        &self,
        target: &Target,
        params: &BTreeMap<String, String>,
        host: &str,
        path: &str,
    ) -> Reply {
        let top = match params.get("$top").map(|t| t.parse::<usize>()) {
            None => self.config.page_size,
            Some(Ok(n)) if n >= 1 => n,
            Some(_) => {
                return arm_error(
                    StatusCode::BAD_REQUEST,
                    "ValidationError",
                    "'$top' must be an integer of at least 1.",
                )
            }
        };
        let skip = match params.get("$skip").map(|t| t.parse::<usize>()) {
            None => 0,
            Some(Ok(n)) => n,
            Some(_) => {
                return arm_error(
                    StatusCode::BAD_REQUEST,
                    "ValidationError",
                    "'$skip' must be an integer of at least 0.",
                )
            }
        };
        let inner = self.inner.lock().unwrap();
        let all: Vec<&StoredBackend> = inner
            .store
            .services
            .get(&target.service_key())
            .map(|s| s.backends.values().collect())
            .unwrap_or_default();
        let page: Vec<Value> = all
            .iter()
            .skip(skip)
            .take(top)
            .map(|b| Self::contract(target, b))
            .collect();
        let mut body = json!({"value": page, "count": all.len()});
        if skip + top < all.len() {
            let api = params.get("api-version").cloned().unwrap_or_default();
            body["nextLink"] = json!(format!(
                "{}://{host}{path}?api-version={api}&%24top={top}&%24skip={}",
                self.scheme,
                skip + top
            ));
        }
        Reply::json(StatusCode::OK, body)
    }

    fn next_etag(inner: &mut Inner) -> String {
        inner.store.etag_counter += 1;
        format!(
            "\"{:016x}\"",
            inner.store.etag_counter.wrapping_mul(0x9E37_79B9_7F4A_7C15)
        )
    }

    /// Rules that need the other backends of the service (pool members).
    fn check_rules(inner: &Inner, target: &Target, id: &str, props: &Value) -> Vec<Violation> {
        let service = inner.store.services.get(&target.service_key());
        let prefix = target.collection_path().to_lowercase() + "/";
        let member_type = |member_id: &str| -> Option<bool> {
            let lower = member_id.to_lowercase();
            let name = lower.strip_prefix(&prefix)?;
            if name == id.to_lowercase() {
                return Some(true); // a pool naming itself counts as a pool in a pool
            }
            service?.backends.get(name).map(|b| {
                b.properties["type"].as_str() == Some("Pool") || b.properties.get("pool").is_some()
            })
        };
        rules::check_service_rules(props, &member_type)
    }

    fn put(&self, target: &Target, id: &str, headers: &HeaderMap, body: &[u8]) -> Reply {
        if let Some(r) = check_backend_id(id) {
            return r;
        }
        let body = match json_body(body) {
            Ok(v) => v,
            Err(r) => return *r,
        };
        let violations = rules::check_put_body(&body);
        if !violations.is_empty() {
            return validation_error(violations);
        }
        let mut inner = self.inner.lock().unwrap();
        let key = id.to_lowercase();
        let existing = inner
            .store
            .services
            .get(&target.service_key())
            .and_then(|s| s.backends.get(&key))
            .map(|b| b.etag.clone());
        let if_match = header(headers, "if-match");
        let if_none_match = header(headers, "if-none-match");
        match (&existing, if_match.as_deref()) {
            (None, Some(_)) => return precondition_failed(id),
            (Some(etag), Some(m)) if m != "*" && m != etag => return precondition_failed(id),
            _ => {}
        }
        if existing.is_some() && if_none_match.as_deref() == Some("*") {
            return precondition_failed(id);
        }
        let mut props = body["properties"].clone();
        strip_nulls(&mut props);
        let violations = Self::check_rules(&inner, target, id, &props);
        if !violations.is_empty() {
            return validation_error(violations);
        }
        let etag = Self::next_etag(&mut inner);
        let service = inner
            .store
            .services
            .entry(target.service_key())
            .or_insert_with(|| StoredService {
                subscription_id: target.subscription.clone(),
                resource_group_name: target.resource_group.clone(),
                service_name: target.service.clone(),
                backends: BTreeMap::new(),
            });
        let name = service
            .backends
            .get(&key)
            .map(|b| b.name.clone())
            .unwrap_or_else(|| id.to_string());
        let stored = StoredBackend {
            name,
            etag: etag.clone(),
            properties: props,
        };
        let contract = Self::contract(target, &stored);
        service.backends.insert(key, stored);
        drop(inner);
        self.persist();
        let status = if existing.is_some() {
            StatusCode::OK
        } else {
            StatusCode::CREATED
        };
        Reply::json(status, contract).header("ETag", etag)
    }

    fn patch(&self, target: &Target, id: &str, headers: &HeaderMap, body: &[u8]) -> Reply {
        let patch = match json_body(body) {
            Ok(v) => v,
            Err(r) => return *r,
        };
        let violations = rules::check_patch_body(&patch);
        if !violations.is_empty() {
            return validation_error(violations);
        }
        let mut inner = self.inner.lock().unwrap();
        let key = id.to_lowercase();
        let Some(current) = inner
            .store
            .services
            .get(&target.service_key())
            .and_then(|s| s.backends.get(&key))
            .cloned()
        else {
            return not_found(id);
        };
        if let Some(r) = check_if_match(headers, &current.etag, id, "update") {
            return r;
        }
        let mut props = current.properties.clone();
        if let Some(p) = patch.get("properties") {
            rules::merge_patch(&mut props, p);
        }
        let violations = Self::check_rules(&inner, target, id, &props);
        if !violations.is_empty() {
            return validation_error(violations);
        }
        let etag = Self::next_etag(&mut inner);
        let stored = StoredBackend {
            name: current.name,
            etag: etag.clone(),
            properties: props,
        };
        let contract = Self::contract(target, &stored);
        inner
            .store
            .services
            .get_mut(&target.service_key())
            .expect("found above")
            .backends
            .insert(key, stored);
        drop(inner);
        self.persist();
        Reply::json(StatusCode::OK, contract).header("ETag", etag)
    }

    fn delete(&self, target: &Target, id: &str, headers: &HeaderMap) -> Reply {
        let mut inner = self.inner.lock().unwrap();
        let key = id.to_lowercase();
        let Some(service) = inner.store.services.get_mut(&target.service_key()) else {
            return Reply::empty(StatusCode::NO_CONTENT);
        };
        let Some(current) = service.backends.get(&key) else {
            return Reply::empty(StatusCode::NO_CONTENT);
        };
        if let Some(r) = check_if_match(headers, &current.etag, id, "delete") {
            return r;
        }
        service.backends.remove(&key);
        drop(inner);
        self.persist();
        Reply::empty(StatusCode::OK)
    }
}

fn header(headers: &HeaderMap, name: &str) -> Option<String> {
    headers
        .get(name)
        .and_then(|v| v.to_str().ok())
        .map(|s| s.trim().to_string())
        .filter(|s| !s.is_empty())
}

fn strip_nulls(v: &mut Value) {
    match v {
        Value::Object(m) => {
            m.retain(|_, v| !v.is_null());
            m.values_mut().for_each(strip_nulls);
        }
        Value::Array(a) => a.iter_mut().for_each(strip_nulls),
        _ => {}
    }
}

fn check_backend_id(id: &str) -> Option<Reply> {
    let bad = id.is_empty()
        || id.chars().count() > 80
        || id
            .chars()
            .any(|c| c.is_control() || "*#&+:<>?%\\/".contains(c));
    bad.then(|| {
        arm_error(
            StatusCode::BAD_REQUEST,
            "ValidationError",
            "The backend id must be 1 to 80 characters and must not contain * # & + : < > ? % \\ /.",
        )
    })
}

fn json_body(body: &[u8]) -> Result<Value, Box<Reply>> {
    serde_json::from_slice(body).map_err(|e| {
        Box::new(arm_error(
            StatusCode::BAD_REQUEST,
            "InvalidRequestContent",
            format!("The request content is not valid JSON: {e}"),
        ))
    })
}

/// PATCH and DELETE require If-Match: `*`, or the current ETag (else 412).
fn check_if_match(headers: &HeaderMap, current: &str, id: &str, operation: &str) -> Option<Reply> {
    match header(headers, "if-match").as_deref() {
        None => Some(arm_error(
            StatusCode::BAD_REQUEST,
            "IfMatchHeaderRequired",
            format!("The If-Match header is required: send the ETag from a GET, or * for an unconditional {operation}."),
        )),
        Some("*") => None,
        Some(m) if m == current => None,
        Some(_) => Some(precondition_failed(id)),
    }
}

fn not_found(id: &str) -> Reply {
    arm_error(
        StatusCode::NOT_FOUND,
        "ResourceNotFound",
        format!("Backend '{id}' not found."),
    )
}

fn precondition_failed(id: &str) -> Reply {
    arm_error(
        StatusCode::PRECONDITION_FAILED,
        "PreconditionFailed",
        format!("The backend '{id}' has changed since it was read (ETag mismatch), or does not exist for a conditional request."),
    )
}
