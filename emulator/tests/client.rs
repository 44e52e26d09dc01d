//! The library's transport and ARM client against the emulator over loopback HTTPS: the exact
//! request, retries and their delays, errors, tokens and cancellation.

use std::io::Write;
use std::time::{Duration, Instant};

use apim_emulator::{Config, FaultConfig, Running, ScriptedFault};
use apimbackend::client::{ArmClient, ClientOptions};
use apimbackend::secret::Secret;
use apimbackend::transport::{CancelToken, RetryOptions};
use apimbackend::validate::BackendTarget;
use apimbackend::{BackendPatch, ErrorKind};
use serde_json::{json, Value};

const SUB: &str = "00000000-0000-0000-0000-000000000000";
const TOKEN: &str = "tok-3f9c2a71-unique";

struct Env {
    running: Running,
    ca_file: std::path::PathBuf,
    raw: reqwest::Client,
}

impl Env {
    async fn new(config: Config) -> Self {
        let running = apim_emulator::start(config).await.unwrap();
        let ca_file = std::env::temp_dir().join(format!(
            "apimb-ca-{}-{}.pem",
            std::process::id(),
            running.addr.port()
        ));
        std::fs::File::create(&ca_file)
            .unwrap()
            .write_all(running.ca_pem.as_ref().unwrap().as_bytes())
            .unwrap();
        let raw = apimbackend::runtime::http_client(Some(&ca_file), 5_000).unwrap();
        Env {
            running,
            ca_file,
            raw,
        }
    }

    fn client(&self, retry: RetryOptions) -> ArmClient {
        ArmClient::new(ClientOptions {
            endpoint: Some(self.running.base_url.clone()),
            access_token: Some(Secret::new(TOKEN)),
            ca_certificate_file: Some(self.ca_file.clone()),
            retry,
            user_agent: Some("ApiManagementBackend-Tests/1.0".into()),
            ..Default::default()
        })
        .unwrap()
    }

    async fn seed(&self, id: &str) {
        let url = format!("{}/subscriptions/{SUB}/resourceGroups/rg1/providers/Microsoft.ApiManagement/service/apim1/backends/{id}?api-version=2024-05-01", self.running.base_url);
        let r = self.raw.put(url).bearer_auth("seed").header("content-type", "application/json")
            .body(json!({"properties": {"url": "https://a.example", "protocol": "http", "description": "seeded"}}).to_string())
            .send().await.unwrap();
        assert!(r.status().is_success());
    }

    async fn control(&self, method: reqwest::Method, path: &str, body: Option<Value>) -> Value {
        let mut req = self.raw.request(
            method,
            format!("{}/_emulator/{path}", self.running.base_url),
        );
        if let Some(b) = body {
            req = req.body(b.to_string());
        }
        let text = req.send().await.unwrap().text().await.unwrap();
        serde_json::from_str(&text).unwrap_or(Value::Null)
    }

    async fn faults(&self, next: Vec<ScriptedFault>) {
        self.control(reqwest::Method::DELETE, "requests", None)
            .await;
        let f = FaultConfig {
            next: next.into(),
            ..Default::default()
        };
        self.control(
            reqwest::Method::PUT,
            "faults",
            Some(serde_json::to_value(f).unwrap()),
        )
        .await;
    }

    async fn requests(&self) -> Vec<Value> {
        self.control(reqwest::Method::GET, "requests", None)
            .await
            .as_array()
            .unwrap()
            .clone()
    }
}

fn target(id: &str) -> BackendTarget {
    BackendTarget {
        subscription_id: SUB.into(),
        resource_group_name: "rg1".into(),
        service_name: "apim1".into(),
        backend_id: Some(id.into()),
    }
}

fn fast() -> RetryOptions {
    RetryOptions {
        initial_delay_ms: 20,
        max_delay_ms: 200,
        ..RetryOptions::default()
    }
}

fn fault(status: u16, headers: &[(&str, &str)]) -> ScriptedFault {
    ScriptedFault {
        status: Some(status),
        headers: headers
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect(),
        ..Default::default()
    }
}

#[tokio::test]
async fn update_sends_exactly_the_patch_with_the_expected_headers() {
    let env = Env::new(Config::default()).await;
    env.seed("b1").await;
    env.faults(vec![]).await;
    let client = env.client(fast());
    let patch =
        BackendPatch::from_json(r#"{"properties":{"description":"updated description"}}"#).unwrap();
    let resp = client
        .update(&target("b1"), &patch, None, &CancelToken::new())
        .await
        .unwrap();
    let v: Value = serde_json::from_str(&resp.json).unwrap();
    assert_eq!(v["properties"]["description"], "updated description");
    assert!(resp.etag.is_some());

    let log = env.requests().await;
    assert_eq!(log.len(), 1);
    let r = &log[0];
    assert_eq!(r["method"], "PATCH");
    assert_eq!(r["path"], format!("/subscriptions/{SUB}/resourceGroups/rg1/providers/Microsoft.ApiManagement/service/apim1/backends/b1"));
    assert_eq!(r["query"], "api-version=2024-05-01");
    assert_eq!(
        r["body"],
        r#"{"properties":{"description":"updated description"}}"#
    );
    let h = &r["headers"];
    assert_eq!(h["if-match"], "*");
    assert_eq!(h["content-type"], "application/json");
    assert_eq!(h["authorization"], "Bearer ***REDACTED***");
    assert!(uuid_like(h["x-ms-client-request-id"].as_str().unwrap()));
    let ua = h["user-agent"].as_str().unwrap();
    assert!(
        ua.starts_with("ApiManagementBackend-Tests/1.0 apimbackend/"),
        "{ua}"
    );

    // An ETag is sent as given, and another api-version can be chosen.
    let client = ArmClient::new(ClientOptions {
        endpoint: Some(env.running.base_url.clone()),
        access_token: Some(Secret::new(TOKEN)),
        ca_certificate_file: Some(env.ca_file.clone()),
        api_version: Some("2023-09-01-preview".into()),
        ..Default::default()
    })
    .unwrap();
    env.faults(vec![]).await;
    let etag = resp.etag.unwrap();
    client
        .update(&target("b1"), &patch, Some(&etag), &CancelToken::new())
        .await
        .unwrap();
    let log = env.requests().await;
    assert_eq!(log[0]["headers"]["if-match"], etag.as_str());
    assert_eq!(log[0]["query"], "api-version=2023-09-01-preview");
}

fn uuid_like(s: &str) -> bool {
    s.len() == 36 && s.chars().filter(|c| *c == '-').count() == 4
}

#[tokio::test]
async fn each_retryable_status_is_retried_after_the_advised_delay() {
    let env = Env::new(Config::default()).await;
    env.seed("b1").await;
    let client = env.client(fast());
    // "DATE" stands for an HTTP date two seconds ahead, made just before its request.
    type Case<'a> = (u16, Vec<(&'a str, &'a str)>, Duration);
    let cases: Vec<Case> = vec![
        (
            408,
            vec![("retry-after-ms", "150")],
            Duration::from_millis(150),
        ),
        (429, vec![("Retry-After", "1")], Duration::from_secs(1)),
        (
            429,
            vec![("x-ms-retry-after-ms", "300")],
            Duration::from_millis(300),
        ),
        (
            429,
            vec![("retry-after-ms", "250")],
            Duration::from_millis(250),
        ),
        (
            429,
            vec![("Retry-After", "DATE")],
            Duration::from_millis(900),
        ),
        (
            500,
            vec![("retry-after-ms", "120")],
            Duration::from_millis(120),
        ),
        (
            502,
            vec![("retry-after-ms", "120")],
            Duration::from_millis(120),
        ),
        (
            503,
            vec![("retry-after-ms", "120")],
            Duration::from_millis(120),
        ),
        (
            504,
            vec![("retry-after-ms", "120")],
            Duration::from_millis(120),
        ),
        (503, vec![], Duration::from_millis(15)),
    ];
    for (status, headers, min_wait) in cases {
        let date = httpdate::fmt_http_date(std::time::SystemTime::now() + Duration::from_secs(2));
        let headers: Vec<(&str, &str)> = headers
            .into_iter()
            .map(|(k, v)| (k, if v == "DATE" { date.as_str() } else { v }))
            .collect();
        env.faults(vec![fault(status, &headers)]).await;
        let started = Instant::now();
        let r = client.get(&target("b1"), &CancelToken::new()).await;
        let took = started.elapsed();
        assert!(r.is_ok(), "{status} {headers:?}: {:?}", r.err());
        assert!(
            took >= min_wait,
            "{status} {headers:?}: retried after {took:?}, advised {min_wait:?}"
        );
        assert!(
            took < min_wait + Duration::from_millis(1500),
            "{status} {headers:?}: took {took:?}"
        );
        let log = env.requests().await;
        assert_eq!(
            log.iter()
                .map(|r| r["status"].as_u64().unwrap())
                .collect::<Vec<_>>(),
            vec![status as u64, 200]
        );
    }
}

#[tokio::test]
async fn non_retryable_statuses_fail_at_once_with_their_kind() {
    let env = Env::new(Config::default()).await;
    let client = env.client(fast());
    let arm = |code: &str| {
        format!(
            r#"{{"error":{{"code":"{code}","message":"msg {code}","target":"t","details":[{{"code":"D","message":"detail"}}]}}}}"#
        )
    };
    for (status, kind) in [
        (400, ErrorKind::Service),
        (401, ErrorKind::Authentication),
        (403, ErrorKind::PermissionDenied),
        (404, ErrorKind::NotFound),
        (412, ErrorKind::PreconditionFailed),
    ] {
        let code = format!("Code{status}");
        env.faults(vec![ScriptedFault {
            status: Some(status),
            body: Some(arm(&code)),
            ..Default::default()
        }])
        .await;
        let e = client
            .get(&target("b1"), &CancelToken::new())
            .await
            .unwrap_err();
        assert_eq!((e.kind, e.http_status), (kind, status));
        assert_eq!(e.arm_code.as_deref(), Some(code.as_str()));
        assert_eq!(e.target.as_deref(), Some("t"));
        assert_eq!(e.details, vec!["D: detail".to_string()]);
        assert!(e.request_id.is_some(), "x-ms-request-id kept");
        assert!(
            e.correlation_id.is_some(),
            "x-ms-correlation-request-id kept"
        );
        if status == 412 {
            assert!(
                e.message.contains("changed since it was read"),
                "{}",
                e.message
            );
        }
        assert_eq!(
            env.requests().await.len(),
            1,
            "{status} must not be retried"
        );
    }
}

#[tokio::test]
async fn resets_and_timeouts_are_retried_then_reported() {
    let env = Env::new(Config::default()).await;
    env.seed("b1").await;
    let reset = || ScriptedFault {
        reset: true,
        ..Default::default()
    };
    let client = env.client(RetryOptions {
        max_retries: 2,
        ..fast()
    });
    env.faults(vec![reset(), reset()]).await;
    client
        .get(&target("b1"), &CancelToken::new())
        .await
        .unwrap();
    assert_eq!(env.requests().await.len(), 3);

    env.faults(vec![reset(), reset(), reset(), reset()]).await;
    let e = client
        .get(&target("b1"), &CancelToken::new())
        .await
        .unwrap_err();
    assert_eq!(e.kind, ErrorKind::Transport, "{}", e.message);
    assert!(
        e.message.contains("gave up after 3 attempts"),
        "{}",
        e.message
    );
    assert_eq!(env.requests().await.len(), 3);

    let client = env.client(RetryOptions {
        max_retries: 1,
        try_timeout_ms: 300,
        ..fast()
    });
    let slow = || ScriptedFault {
        delay_ms: 2_000,
        ..Default::default()
    };
    env.faults(vec![slow(), slow()]).await;
    let started = Instant::now();
    let e = client
        .get(&target("b1"), &CancelToken::new())
        .await
        .unwrap_err();
    assert_eq!(e.kind, ErrorKind::Timeout, "{}", e.message);
    assert!(
        started.elapsed() < Duration::from_millis(1500),
        "{:?}",
        started.elapsed()
    );
    // Abandoned requests never reach the emulator's log; the client counts its attempts.
    assert_eq!(
        client
            .transport
            .stats
            .attempts
            .load(std::sync::atomic::Ordering::Relaxed),
        2
    );
}

#[tokio::test]
async fn cancellation_returns_promptly_during_a_slow_response() {
    let env = Env::new(Config::default()).await;
    env.seed("b1").await;
    env.faults(vec![ScriptedFault {
        delay_ms: 10_000,
        ..Default::default()
    }])
    .await;
    let client = env.client(fast());
    let cancel = CancelToken::new();
    let trigger = cancel.clone();
    std::thread::spawn(move || {
        std::thread::sleep(Duration::from_millis(200));
        trigger.cancel();
    });
    let started = Instant::now();
    let e = client.get(&target("b1"), &cancel).await.unwrap_err();
    assert_eq!(e.kind, ErrorKind::Cancelled);
    assert!(
        started.elapsed() < Duration::from_secs(1),
        "{:?}",
        started.elapsed()
    );
}

#[tokio::test]
async fn list_follows_next_link_and_errors_never_show_the_token() {
    let env = Env::new(Config {
        page_size: 2,
        ..Config::default()
    })
    .await;
    for i in 0..5 {
        env.seed(&format!("b{i}")).await;
    }
    env.faults(vec![]).await;
    let client = env.client(fast());
    let mut t = target("x");
    t.backend_id = None;
    let all: Vec<Value> =
        serde_json::from_str(&client.list(&t, &CancelToken::new()).await.unwrap()).unwrap();
    assert_eq!(all.len(), 5);
    assert_eq!(env.requests().await.len(), 3, "three pages");

    let e = client
        .get(&target("missing"), &CancelToken::new())
        .await
        .unwrap_err();
    assert_eq!(e.kind, ErrorKind::NotFound);
    let text = format!("{e} {e:?}");
    assert!(!text.contains(TOKEN), "{text}");
}

#[tokio::test]
async fn tokens_come_from_azure_identity_once_and_are_reused() {
    // The emulator plays Entra ID: ClientSecretCredential (azure_identity) posts to its token
    // endpoint through this library's HTTPS client.
    let env = Env::new(Config::default()).await;
    env.seed("b1").await;
    env.faults(vec![]).await;
    // SAFETY: this is the only test in this binary that reads these variables.
    unsafe {
        std::env::set_var("AZURE_TENANT_ID", "11111111-1111-1111-1111-111111111111");
        std::env::set_var("AZURE_CLIENT_ID", "app-id");
        std::env::set_var("AZURE_CLIENT_SECRET", "client-secret-7d1e");
    }
    let make = || {
        ArmClient::new(ClientOptions {
            endpoint: Some(env.running.base_url.clone()),
            authority_host: Some(env.running.base_url.clone()),
            credential_sources: Some(vec!["environment".into()]),
            ca_certificate_file: Some(env.ca_file.clone()),
            retry: fast(),
            ..Default::default()
        })
        .unwrap()
    };
    let (a, b) = (make(), make());
    for c in [&a, &b, &a] {
        c.get(&target("b1"), &CancelToken::new()).await.unwrap();
    }
    let log = env.requests().await;
    let token_requests = log
        .iter()
        .filter(|r| r["path"].as_str().unwrap().ends_with("/oauth2/v2.0/token"))
        .count();
    assert_eq!(
        token_requests, 1,
        "one token for three calls on two clients"
    );
    assert_eq!(log.len(), 4);
    assert!(!serde_json::to_string(&log)
        .unwrap()
        .contains("client-secret-7d1e"));

    // With nothing usable, the error lists every source tried, without secrets.
    let e = ArmClient::new(ClientOptions {
        endpoint: Some(env.running.base_url.clone()),
        credential_sources: Some(vec!["workloadIdentity".into(), "azureCli".into()]),
        ca_certificate_file: Some(env.ca_file.clone()),
        retry: fast(),
        ..Default::default()
    })
    .unwrap()
    .get(&target("b1"), &CancelToken::new())
    .await
    .unwrap_err();
    assert_eq!(e.kind, ErrorKind::Authentication);
    assert!(
        e.message.contains("workloadIdentity:") && e.message.contains("azureCli:"),
        "{}",
        e.message
    );
    assert!(!e.message.contains("client-secret-7d1e"));
}

#[tokio::test]
async fn the_native_log_records_requests_and_retries_but_no_secret() {
    let env = Env::new(Config::default()).await;
    env.seed("b-logged").await;
    env.faults(vec![fault(503, &[("retry-after-ms", "10")])])
        .await;
    apimbackend::log::set_level(apimbackend::log::DEBUG);
    let client = env.client(fast());
    let patch = BackendPatch::from_json(
        r#"{"properties":{"proxy":{"url":"http://p:8080","username":"u","password":"pw-logtest-91"},"credentials":{"header":{"x-k":"hv-logtest-92"}}}}"#,
    )
    .unwrap();
    client
        .update(&target("b-logged"), &patch, None, &CancelToken::new())
        .await
        .unwrap();
    let lines = apimbackend::log::drain();
    let text = lines.join("\n");
    assert!(
        text.contains("PATCH https://127.0.0.1:") && text.contains("/backends/b-logged -> 503"),
        "{text}"
    );
    assert!(text.contains("retry 1 of 6"), "{text}");
    assert!(text.contains("-> 200"), "{text}");
    for secret in [TOKEN, "pw-logtest-91", "hv-logtest-92"] {
        assert!(!text.contains(secret), "{secret} in log:\n{text}");
    }
}
