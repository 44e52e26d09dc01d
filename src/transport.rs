//! Sending requests to Azure Resource Manager as the Azure SDKs do: bearer token, JSON,
//! `x-ms-client-request-id`, a User-Agent naming this library; retries of 408/429/5xx and
//! connection failures with exponential backoff and jitter, honouring `retry-after-ms`,
//! `x-ms-retry-after-ms` and `Retry-After` (seconds or HTTP date); bounded attempts and total time;
//! connect, per-try and total timeouts; prompt cancellation. ARM error bodies become [`Error`]s.

use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant, SystemTime};

use serde::Deserialize;
use tokio::sync::Notify;

use crate::auth::TokenProvider;
use crate::error::{Error, ErrorKind};
use crate::secret::Secret;

/// A cancellation signal another thread can raise; operations waiting on it end promptly with
/// an `ErrorKind::Cancelled` error.
#[derive(Debug, Default, Clone)]
pub struct CancelToken(Arc<CancelInner>);

#[derive(Debug, Default)]
struct CancelInner {
    raised: AtomicBool,
    notify: Notify,
}

impl CancelToken {
    pub fn new() -> Self {
        Self::default()
    }

    pub fn cancel(&self) {
        self.0.raised.store(true, Ordering::SeqCst);
        self.0.notify.notify_waiters();
    }

    pub fn is_cancelled(&self) -> bool {
        self.0.raised.load(Ordering::SeqCst)
    }

    pub async fn cancelled(&self) {
        loop {
            let notified = self.0.notify.notified();
            if self.is_cancelled() {
                return;
            }
            notified.await;
        }
    }
}

fn cancelled_error() -> Error {
    Error::new(
        ErrorKind::Cancelled,
        "OperationCancelled",
        "The operation was cancelled.",
    )
}

/// Retry and timeout settings; defaults follow the Azure SDKs.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase", default, deny_unknown_fields)]
pub struct RetryOptions {
    /// Retries after the first attempt.
    pub max_retries: u32,
    pub initial_delay_ms: u64,
    pub max_delay_ms: u64,
    pub connect_timeout_ms: u64,
    /// Limit for one attempt, from sending to the last byte of the answer.
    pub try_timeout_ms: u64,
    /// Limit for the whole operation, retries and waits included.
    pub total_timeout_ms: u64,
}

impl Default for RetryOptions {
    fn default() -> Self {
        RetryOptions {
            max_retries: 6,
            initial_delay_ms: 800,
            max_delay_ms: 60_000,
            connect_timeout_ms: 10_000,
            try_timeout_ms: 100_000,
            total_timeout_ms: 300_000,
        }
    }
}

/// Statuses worth another try (Azure SDK set).
pub fn is_retryable_status(status: u16) -> bool {
    matches!(status, 408 | 429 | 500 | 502 | 503 | 504)
}

/// How long the service asked us to wait, from `retry-after-ms`, `x-ms-retry-after-ms` or
/// `Retry-After` (seconds or an HTTP date), in that order.
pub fn retry_after(headers: &reqwest::header::HeaderMap, now: SystemTime) -> Option<Duration> {
    let get = |name: &str| {
        headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .map(str::trim)
    };
    for name in ["retry-after-ms", "x-ms-retry-after-ms"] {
        if let Some(ms) = get(name).and_then(|v| v.parse::<f64>().ok()) {
            if ms >= 0.0 && ms.is_finite() {
                return Some(Duration::from_secs_f64(ms / 1000.0));
            }
        }
    }
    let v = get("retry-after")?;
    if let Ok(secs) = v.parse::<u64>() {
        return Some(Duration::from_secs(secs));
    }
    httpdate::parse_http_date(v)
        .ok()
        .map(|at| at.duration_since(now).unwrap_or(Duration::ZERO))
}

/// Exponential backoff with ±20 % jitter, capped.
fn backoff(options: &RetryOptions, retry: u32) -> Duration {
    let base = options.initial_delay_ms as f64 * 2f64.powi(retry.min(30) as i32);
    let jittered = base * (0.8 + 0.4 * fastrand::f64());
    Duration::from_millis(jittered.min(options.max_delay_ms as f64) as u64)
}

/// One answer from the service.
#[derive(Debug, Clone)]
pub struct HttpResponse {
    pub status: u16,
    pub etag: Option<String>,
    pub body: String,
    pub request_id: Option<String>,
    pub correlation_id: Option<String>,
    pub remaining_writes: Option<u64>,
}

/// Counters for tests and diagnostics.
#[derive(Debug, Default)]
pub struct Stats {
    pub attempts: AtomicU64,
    pub retries: AtomicU64,
    pub throttled: AtomicU64,
}

/// Sends requests for one client configuration.
pub struct Transport {
    pub http: reqwest::Client,
    pub tokens: TokenProvider,
    pub options: RetryOptions,
    pub user_agent: String,
    pub stats: Stats,
    /// Paces writes when ARM says few remain (see [`Transport::pace_writes`]).
    write_pacer: tokio::sync::Mutex<Option<Instant>>,
    /// The time one write token takes to refill, learnt from 429s (ARM's 10/s until then).
    refill_gap: std::sync::Mutex<Duration>,
}

impl Transport {
    pub fn new(
        http: reqwest::Client,
        tokens: TokenProvider,
        options: RetryOptions,
        user_agent: String,
    ) -> Self {
        Transport {
            http,
            tokens,
            options,
            user_agent,
            stats: Stats::default(),
            write_pacer: tokio::sync::Mutex::new(None),
            refill_gap: std::sync::Mutex::new(Duration::from_millis(100)),
        }
    }

    /// Sends one logical request, retrying as the Azure SDKs do. `body` may hold secrets and is
    /// never logged.
    pub async fn send(
        &self,
        method: reqwest::Method,
        url: &str,
        body: Option<&str>,
        if_match: Option<&str>,
        cancel: &CancelToken,
    ) -> Result<HttpResponse, Error> {
        let total = Duration::from_millis(self.options.total_timeout_ms);
        tokio::select! {
            biased;
            _ = cancel.cancelled() => Err(cancelled_error()),
            r = tokio::time::timeout(total, self.send_with_retries(method, url, body, if_match, cancel)) => {
                r.unwrap_or_else(|_| Err(Error::new(
                    ErrorKind::Timeout,
                    "TotalTimeout",
                    format!("The operation did not complete within {} ms, retries included.", self.options.total_timeout_ms),
                )))
            }
        }
    }

    async fn send_with_retries(
        &self,
        method: reqwest::Method,
        url: &str,
        body: Option<&str>,
        if_match: Option<&str>,
        cancel: &CancelToken,
    ) -> Result<HttpResponse, Error> {
        let client_request_id = uuid::Uuid::new_v4().to_string();
        let is_write = method != reqwest::Method::GET && method != reqwest::Method::HEAD;
        let mut retry = 0u32;
        let mut throttled = 0u32;
        loop {
            if cancel.is_cancelled() {
                return Err(cancelled_error());
            }
            if is_write {
                self.wait_for_write_slot().await;
            }
            let token = self.tokens.token().await?;
            self.stats.attempts.fetch_add(1, Ordering::Relaxed);
            let started = Instant::now();
            let outcome = self
                .try_once(&method, url, body, if_match, &token, &client_request_id)
                .await;
            crate::log::log(crate::log::INFO, || {
                let what = match &outcome {
                    Ok((r, _)) => format!(
                        "{} (x-ms-request-id {})",
                        r.status,
                        r.request_id.as_deref().unwrap_or("-")
                    ),
                    Err(e) => format!("{:?}: {}", e.kind, e.code),
                };
                format!(
                    "{method} {} -> {what} in {} ms (attempt {}, client request id {client_request_id})",
                    redacted_url(url),
                    started.elapsed().as_millis(),
                    retry + 1
                )
            });
            let (wait, last_error) = match outcome {
                Ok(resp) if !is_retryable_status(resp.0.status) => {
                    if is_write {
                        self.pace_writes(resp.0.remaining_writes).await;
                    }
                    return finish(resp.0);
                }
                Ok((resp, headers)) => {
                    let advised = retry_after(&headers, SystemTime::now());
                    if resp.status == 429 {
                        // Throttling is waited out within the total timeout rather than counted
                        // against the retry budget, so a large batch does not fail on it.
                        self.stats.throttled.fetch_add(1, Ordering::Relaxed);
                        throttled += 1;
                        let wait =
                            advised.unwrap_or_else(|| backoff(&self.options, throttled.min(6)));
                        if is_write {
                            if let Some(d) = advised {
                                *self.refill_gap.lock().unwrap_or_else(|p| p.into_inner()) =
                                    d.clamp(Duration::from_millis(1), Duration::from_secs(2));
                            }
                        }
                        crate::log::log(crate::log::DEBUG, || {
                            format!("throttled (429): waiting {} ms", wait.as_millis())
                        });
                        tokio::time::sleep(wait).await;
                        continue;
                    }
                    let wait = advised.unwrap_or_else(|| backoff(&self.options, retry));
                    (wait, finish(resp).unwrap_err())
                }
                Err(e) if e.kind == ErrorKind::Transport || e.kind == ErrorKind::Timeout => {
                    (backoff(&self.options, retry), e)
                }
                Err(e) => return Err(e),
            };
            if retry >= self.options.max_retries {
                let mut e = last_error;
                e.message
                    .push_str(&format!(" (gave up after {} attempts)", retry + 1));
                return Err(e);
            }
            retry += 1;
            self.stats.retries.fetch_add(1, Ordering::Relaxed);
            crate::log::log(crate::log::DEBUG, || {
                format!(
                    "retry {retry} of {} in {} ms after {}",
                    self.options.max_retries,
                    wait.as_millis(),
                    last_error.code
                )
            });
            tokio::time::sleep(wait).await;
        }
    }

    async fn try_once(
        &self,
        method: &reqwest::Method,
        url: &str,
        body: Option<&str>,
        if_match: Option<&str>,
        token: &Secret,
        client_request_id: &str,
    ) -> Result<(HttpResponse, reqwest::header::HeaderMap), Error> {
        let mut req = self
            .http
            .request(method.clone(), url)
            .header("Authorization", format!("Bearer {}", token.expose()))
            .header("Accept", "application/json")
            .header("User-Agent", &self.user_agent)
            .header("x-ms-client-request-id", client_request_id)
            .header("x-ms-return-client-request-id", "true");
        if let Some(m) = if_match {
            req = req.header("If-Match", m);
        }
        if let Some(b) = body {
            req = req
                .header("Content-Type", "application/json")
                .body(b.to_string());
        }
        let try_timeout = Duration::from_millis(self.options.try_timeout_ms);
        let attempt = async {
            let resp = req.send().await?;
            let status = resp.status().as_u16();
            let headers = resp.headers().clone();
            let body = resp.text().await?;
            Ok::<_, reqwest::Error>((status, headers, body))
        };
        let (status, headers, body) = match tokio::time::timeout(try_timeout, attempt).await {
            Err(_) => {
                return Err(Error::new(
                    ErrorKind::Timeout,
                    "TryTimeout",
                    format!(
                        "No complete answer from {} within {} ms.",
                        host_of(url),
                        self.options.try_timeout_ms
                    ),
                ))
            }
            Ok(Err(e)) => {
                let kind = if e.is_timeout() {
                    ErrorKind::Timeout
                } else {
                    ErrorKind::Transport
                };
                let code = if e.is_connect() {
                    "ConnectionFailed"
                } else {
                    "TransportError"
                };
                return Err(Error::new(
                    kind,
                    code,
                    format!(
                        "The request to {} failed: {}",
                        host_of(url),
                        describe_reqwest(e)
                    ),
                ));
            }
            Ok(Ok(x)) => x,
        };
        let header = |n: &str| {
            headers
                .get(n)
                .and_then(|v| v.to_str().ok())
                .map(str::to_string)
        };
        Ok((
            HttpResponse {
                status,
                etag: header("etag"),
                request_id: header("x-ms-request-id"),
                correlation_id: header("x-ms-correlation-request-id"),
                remaining_writes: header("x-ms-ratelimit-remaining-subscription-writes")
                    .and_then(|v| v.parse().ok()),
                body,
            },
            headers,
        ))
    }

    /// When ARM reports few writes left, spread the next writes out by the time a token takes
    /// to refill (ARM: 10 writes/s; learnt from 429s), so the bucket is not emptied: slowing down
    /// early beats waiting out a 429.
    async fn pace_writes(&self, remaining: Option<u64>) {
        let Some(left) = remaining else { return };
        let refill = *self.refill_gap.lock().unwrap_or_else(|p| p.into_inner());
        let gap = match left {
            0..=2 => refill,
            3..=10 => refill / 4,
            _ => return,
        };
        crate::log::log(crate::log::DEBUG, || {
            format!(
                "{left} writes left in the subscription's bucket: next write in {} ms",
                gap.as_millis()
            )
        });
        let mut next = self.write_pacer.lock().await;
        let now = Instant::now();
        let at = next.map_or(now, |t| t.max(now)) + gap;
        *next = Some(at);
    }

    async fn wait_for_write_slot(&self) {
        let at = *self.write_pacer.lock().await;
        if let Some(at) = at {
            tokio::time::sleep_until(at.into()).await;
        }
    }
}

/// Success stays a response; an error status becomes an [`Error`] carrying ARM's details.
fn finish(resp: HttpResponse) -> Result<HttpResponse, Error> {
    if (200..300).contains(&resp.status) {
        return Ok(resp);
    }
    let body = &resp.body;
    #[derive(Deserialize, Default)]
    struct ArmErrorBody {
        error: Option<ArmError>,
    }
    #[derive(Deserialize, Default)]
    struct ArmError {
        code: Option<String>,
        message: Option<String>,
        target: Option<String>,
        #[serde(default)]
        details: Vec<ArmError>,
    }
    let parsed: ArmErrorBody = serde_json::from_str(body).unwrap_or_default();
    let arm = parsed.error.unwrap_or_default();
    let (kind, code, default_message) = match resp.status {
        401 => (
            ErrorKind::Authentication,
            "Unauthorized",
            "The service did not accept the credentials (401).",
        ),
        403 => (
            ErrorKind::PermissionDenied,
            "Forbidden",
            "The identity is not allowed to do this (403).",
        ),
        404 => (
            ErrorKind::NotFound,
            "NotFound",
            "The backend or its service was not found (404).",
        ),
        412 => (
            ErrorKind::PreconditionFailed,
            "PreconditionFailed",
            "The backend changed since it was read (412): read it again and retry.",
        ),
        429 => (
            ErrorKind::Throttled,
            "Throttled",
            "Azure Resource Manager throttled the request (429).",
        ),
        400 | 409 | 422 => (
            ErrorKind::Service,
            "BadRequest",
            "The service rejected the request.",
        ),
        _ => (
            ErrorKind::Service,
            "ServiceError",
            "The service failed to handle the request.",
        ),
    };
    let message = match (resp.status, &arm.message) {
        (412, Some(m)) => {
            format!("The backend changed since it was read (412): read it again and retry. {m}")
        }
        (_, Some(m)) => m.clone(),
        (_, None) if body.is_empty() => format!("{default_message} HTTP {}.", resp.status),
        (_, None) => format!(
            "{default_message} HTTP {}; the answer was not an ARM error body.",
            resp.status
        ),
    };
    let mut e = Error::new(kind, code, message);
    e.http_status = resp.status;
    e.arm_code = arm.code;
    e.target = arm.target;
    e.details = arm
        .details
        .into_iter()
        .map(|d| {
            let mut line = format!(
                "{}: {}",
                d.code.unwrap_or_default(),
                d.message.unwrap_or_default()
            );
            if let Some(t) = d.target {
                line.push_str(&format!(" (target: {t})"));
            }
            line
        })
        .collect();
    e.request_id = resp.request_id;
    e.correlation_id = resp.correlation_id;
    Err(e)
}

/// Scheme, host and path only: a query could hold anything a caller put there.
fn redacted_url(url: &str) -> String {
    match url::Url::parse(url) {
        Ok(u) => format!("{}://{}{}", u.scheme(), host_of(url), u.path()),
        Err(_) => "<url>".into(),
    }
}

fn host_of(url: &str) -> String {
    url::Url::parse(url)
        .ok()
        .and_then(|u| {
            u.host_str().map(|h| match u.port() {
                Some(p) => format!("{h}:{p}"),
                None => h.to_string(),
            })
        })
        .unwrap_or_else(|| "the service".into())
}

/// reqwest's Display for an error names only the outermost layer; the cause chain says why.
fn describe_reqwest(e: reqwest::Error) -> String {
    let e = e.without_url();
    let mut parts = vec![e.to_string()];
    let mut source = std::error::Error::source(&e);
    while let Some(s) = source {
        let text = s.to_string();
        if !parts.contains(&text) {
            parts.push(text);
        }
        source = s.source();
    }
    parts.join(": ")
}

#[cfg(test)]
mod tests {
    use super::*;
    use reqwest::header::{HeaderMap, HeaderValue};

    #[test]
    fn retry_after_forms() {
        let now = SystemTime::now();
        let mut h = HeaderMap::new();
        h.insert("retry-after", HeaderValue::from_static("7"));
        assert_eq!(retry_after(&h, now), Some(Duration::from_secs(7)));
        h.insert("x-ms-retry-after-ms", HeaderValue::from_static("250"));
        assert_eq!(retry_after(&h, now), Some(Duration::from_millis(250)));
        h.insert("retry-after-ms", HeaderValue::from_static("40"));
        assert_eq!(retry_after(&h, now), Some(Duration::from_millis(40)));
        let mut h = HeaderMap::new();
        let date = httpdate::fmt_http_date(now + Duration::from_secs(3));
        h.insert("retry-after", HeaderValue::from_str(&date).unwrap());
        let d = retry_after(&h, now).unwrap();
        assert!(
            d <= Duration::from_secs(3) && d >= Duration::from_secs(2),
            "{d:?}"
        );
        assert_eq!(retry_after(&HeaderMap::new(), now), None);
    }

    #[test]
    fn only_transient_statuses_are_retried() {
        for s in [408, 429, 500, 502, 503, 504] {
            assert!(is_retryable_status(s));
        }
        for s in [200, 400, 401, 403, 404, 409, 412, 501] {
            assert!(!is_retryable_status(s));
        }
    }

    #[test]
    fn backoff_grows_and_is_capped() {
        let o = RetryOptions {
            initial_delay_ms: 100,
            max_delay_ms: 1000,
            ..Default::default()
        };
        let d0 = backoff(&o, 0).as_millis();
        let d2 = backoff(&o, 2).as_millis();
        assert!((80..=120).contains(&d0), "{d0}");
        assert!((320..=480).contains(&d2), "{d2}");
        assert_eq!(backoff(&o, 20).as_millis(), 1000);
    }

    #[test]
    fn arm_error_bodies_become_structured_errors() {
        let resp = HttpResponse {
            status: 400,
            etag: None,
            request_id: Some("req-1".into()),
            correlation_id: Some("corr-1".into()),
            remaining_writes: None,
            body: r#"{"error":{"code":"ValidationError","message":"bad","target":"url","details":[{"code":"ValidationError","target":"url","message":"too long"}]}}"#.into(),
        };
        let e = finish(resp).unwrap_err();
        assert_eq!(
            (e.http_status, e.arm_code.as_deref(), e.target.as_deref()),
            (400, Some("ValidationError"), Some("url"))
        );
        assert_eq!(e.request_id.as_deref(), Some("req-1"));
        assert_eq!(e.correlation_id.as_deref(), Some("corr-1"));
        assert_eq!(
            e.details,
            vec!["ValidationError: too long (target: url)".to_string()]
        );
        let e = finish(HttpResponse {
            status: 412,
            etag: None,
            request_id: None,
            correlation_id: None,
            remaining_writes: None,
            body: String::new(),
        })
        .unwrap_err();
        assert_eq!(e.kind, ErrorKind::PreconditionFailed);
        assert!(e.message.contains("changed since it was read"));
    }
}
