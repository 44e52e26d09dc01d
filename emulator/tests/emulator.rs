//! The emulator over real HTTPS on 127.0.0.1, checked against what the service does.

use std::sync::Arc;
use std::time::{Duration, Instant};

use apim_emulator::{Config, FaultConfig, RetryAfterForm, Running, ScriptedFault};
use reqwest::{Client, Method, StatusCode};
use serde_json::{json, Value};

const SUB: &str = "00000000-0000-0000-0000-000000000000";

fn client_for(running: &Running) -> Client {
    let mut roots = rustls::RootCertStore::empty();
    let pem = running.ca_pem.as_ref().expect("https");
    for cert in rustls_pemfile_certs(pem) {
        roots.add(cert).unwrap();
    }
    let tls = rustls::ClientConfig::builder_with_provider(Arc::new(
        rustls::crypto::ring::default_provider(),
    ))
    .with_safe_default_protocol_versions()
    .unwrap()
    .with_root_certificates(roots)
    .with_no_client_auth();
    Client::builder()
        .tls_backend_preconfigured(tls)
        .build()
        .unwrap()
}

fn rustls_pemfile_certs(pem: &str) -> Vec<rustls::pki_types::CertificateDer<'static>> {
    use rustls::pki_types::pem::PemObject;
    rustls::pki_types::CertificateDer::pem_slice_iter(pem.as_bytes())
        .map(|c| c.unwrap())
        .collect()
}

struct Fixture {
    running: Running,
    client: Client,
}

impl Fixture {
    async fn new(config: Config) -> Self {
        let running = apim_emulator::start(config).await.unwrap();
        let client = client_for(&running);
        Fixture { running, client }
    }

    fn url(&self, id: Option<&str>) -> String {
        let base = format!(
            "{}/subscriptions/{SUB}/resourceGroups/rg1/providers/Microsoft.ApiManagement/service/apim1/backends",
            self.running.base_url
        );
        match id {
            Some(id) => format!("{base}/{id}?api-version=2024-05-01"),
            None => format!("{base}?api-version=2024-05-01"),
        }
    }

    async fn send(
        &self,
        method: Method,
        id: Option<&str>,
        if_match: Option<&str>,
        body: Option<Value>,
    ) -> (StatusCode, reqwest::header::HeaderMap, Value) {
        let mut req = self
            .client
            .request(method, self.url(id))
            .bearer_auth("test-token");
        if let Some(m) = if_match {
            req = req.header("If-Match", m);
        }
        if let Some(b) = body {
            req = req
                .header("content-type", "application/json")
                .body(b.to_string());
        }
        let resp = req.send().await.unwrap();
        let status = resp.status();
        let headers = resp.headers().clone();
        let text = resp.text().await.unwrap();
        let v = serde_json::from_str(&text).unwrap_or(Value::Null);
        (status, headers, v)
    }

    async fn put_single(&self, id: &str) -> String {
        let (s, h, _) = self
            .send(
                Method::PUT,
                Some(id),
                None,
                Some(json!({"properties": {"url": "https://a.example", "protocol": "http"}})),
            )
            .await;
        assert!(s.is_success(), "{s}");
        h["etag"].to_str().unwrap().to_string()
    }

    async fn control(&self, method: Method, path: &str, body: Option<Value>) -> Value {
        let mut req = self.client.request(
            method,
            format!("{}/_emulator/{path}", self.running.base_url),
        );
        if let Some(b) = body {
            req = req.body(b.to_string());
        }
        let text = req.send().await.unwrap().text().await.unwrap();
        serde_json::from_str(&text).unwrap_or(Value::Null)
    }
}

#[tokio::test]
async fn lifecycle_etags_and_if_match() {
    let f = Fixture::new(Config::default()).await;
    // PUT creates with 201, replaces with 200; every write changes the ETag.
    let body =
        json!({"properties": {"url": "https://a.example", "protocol": "http", "description": "d"}});
    let (s, h, v) = f
        .send(Method::PUT, Some("b1"), None, Some(body.clone()))
        .await;
    assert_eq!(s, StatusCode::CREATED);
    assert!(h.contains_key("x-ms-request-id"));
    assert_eq!(v["name"], "b1");
    assert_eq!(v["type"], "Microsoft.ApiManagement/service/backends");
    let e1 = h["etag"].to_str().unwrap().to_string();
    let (s, h, _) = f.send(Method::PUT, Some("b1"), None, Some(body)).await;
    assert_eq!(s, StatusCode::OK);
    let e2 = h["etag"].to_str().unwrap().to_string();
    assert_ne!(e1, e2);

    // GET and HEAD carry the current ETag.
    let (s, h, v) = f.send(Method::GET, Some("b1"), None, None).await;
    assert_eq!(
        (s, h["etag"].to_str().unwrap()),
        (StatusCode::OK, e2.as_str())
    );
    assert_eq!(v["properties"]["description"], "d");
    let (s, h, _) = f.send(Method::HEAD, Some("b1"), None, None).await;
    assert_eq!(
        (s, h["etag"].to_str().unwrap()),
        (StatusCode::OK, e2.as_str())
    );

    // PATCH: If-Match required; stale ETag 412; current ETag or * succeed; merge patch semantics.
    let patch =
        json!({"properties": {"description": "new", "tls": {"validateCertificateChain": false}}});
    let (s, _, v) = f
        .send(Method::PATCH, Some("b1"), None, Some(patch.clone()))
        .await;
    assert_eq!(
        (s, v["error"]["code"].as_str()),
        (StatusCode::BAD_REQUEST, Some("IfMatchHeaderRequired"))
    );
    let (s, _, v) = f
        .send(Method::PATCH, Some("b1"), Some(&e1), Some(patch.clone()))
        .await;
    assert_eq!(
        (s, v["error"]["code"].as_str()),
        (StatusCode::PRECONDITION_FAILED, Some("PreconditionFailed"))
    );
    let (s, h, v) = f
        .send(Method::PATCH, Some("b1"), Some(&e2), Some(patch))
        .await;
    assert_eq!(s, StatusCode::OK);
    let e3 = h["etag"].to_str().unwrap().to_string();
    assert_ne!(e3, e2);
    assert_eq!(v["properties"]["description"], "new");
    assert_eq!(
        v["properties"]["url"], "https://a.example",
        "fields not in the patch stay"
    );
    let (s, _, v) = f
        .send(
            Method::PATCH,
            Some("b1"),
            Some("*"),
            Some(json!({"properties": {"tls": null, "description": null}})),
        )
        .await;
    assert_eq!(s, StatusCode::OK);
    assert!(
        v["properties"].get("tls").is_none() && v["properties"].get("description").is_none(),
        "null removes"
    );

    // PATCH of a missing backend is 404 whatever If-Match holds; PUT with If-Match on a missing one is 412.
    let (s, _, v) = f
        .send(
            Method::PATCH,
            Some("nope"),
            Some("*"),
            Some(json!({"properties": {"title": "t"}})),
        )
        .await;
    assert_eq!(
        (s, v["error"]["code"].as_str()),
        (StatusCode::NOT_FOUND, Some("ResourceNotFound"))
    );
    let (s, _, _) = f
        .send(
            Method::PUT,
            Some("nope"),
            Some("*"),
            Some(json!({"properties": {"url": "https://a", "protocol": "http"}})),
        )
        .await;
    assert_eq!(s, StatusCode::PRECONDITION_FAILED);
    let (s, _, _) = f.send(Method::GET, Some("nope"), None, None).await;
    assert_eq!(s, StatusCode::NOT_FOUND);

    // DELETE: stale ETag 412, then 200, then 204 for a missing one.
    let (s, _, _) = f.send(Method::DELETE, Some("b1"), Some(&e1), None).await;
    assert_eq!(s, StatusCode::PRECONDITION_FAILED);
    let (s, _, _) = f.send(Method::DELETE, Some("b1"), Some("*"), None).await;
    assert_eq!(s, StatusCode::OK);
    let (s, _, _) = f.send(Method::DELETE, Some("b1"), Some("*"), None).await;
    assert_eq!(s, StatusCode::NO_CONTENT);
    f.running.stop().await;
}

#[tokio::test]
async fn validation_follows_the_spec_and_the_service_rules() {
    let f = Fixture::new(Config::default()).await;
    f.put_single("m1").await;
    let member = format!("/subscriptions/{SUB}/resourceGroups/rg1/providers/Microsoft.ApiManagement/service/apim1/backends/m1");
    let missing = member.replace("/m1", "/ghost");
    let cases = [
        (
            json!({"properties": {"url": "https://a", "protocol": "ftp"}}),
            "properties.protocol",
        ),
        (
            json!({"properties": {"url": "https://a", "protocol": "http", "title": ""}}),
            "properties.title",
        ),
        (
            json!({"properties": {"url": "https://a", "protocol": "http", "pool": {"services": [{"id": member, "weight": 101}]}}}),
            "properties.pool.services.0.weight",
        ),
        (
            json!({"properties": {"url": "https://a", "protocol": "http", "circuitBreaker": {"rules": [{"name": "a"}, {"name": "b"}]}}}),
            "circuitBreaker.rules",
        ),
        (
            json!({"properties": {"type": "Pool", "url": "https://a", "pool": {"services": [{"id": member}]}}}),
            "url",
        ),
        (
            json!({"properties": {"type": "Pool", "pool": {"services": [{"id": missing}]}}}),
            "pool.services[0].id",
        ),
        (
            json!({"properties": {"type": "Pool", "pool": {"services": []}}}),
            "properties.pool.services",
        ),
        (json!({"properties": {"description": "no url"}}), "url"),
        (
            json!({"properties": {"url": "https://a", "protocol": "http", "circuitBreaker": {"rules": [{"name": "a", "tripDuration": "1 minute"}]}}}),
            "circuitBreaker.rules[0].tripDuration",
        ),
    ];
    for (body, target) in cases {
        let (s, _, v) = f
            .send(Method::PUT, Some("x"), None, Some(body.clone()))
            .await;
        assert_eq!(s, StatusCode::BAD_REQUEST, "{body}");
        assert_eq!(v["error"]["code"], "ValidationError", "{body}");
        let targets: Vec<&str> = v["error"]["details"]
            .as_array()
            .unwrap()
            .iter()
            .map(|d| d["target"].as_str().unwrap())
            .collect();
        assert!(targets.contains(&target), "{body}: {targets:?}");
    }
    // A valid pool, then a pool inside a pool is refused.
    let (s, _, _) = f.send(Method::PUT, Some("pool1"), None, Some(json!({"properties": {"type": "Pool", "pool": {"services": [{"id": member, "priority": 1, "weight": 50}]}}}))).await;
    assert_eq!(s, StatusCode::CREATED);
    let pool_id = member.replace("/m1", "/pool1");
    let (s, _, v) = f
        .send(
            Method::PUT,
            Some("pool2"),
            None,
            Some(json!({"properties": {"type": "Pool", "pool": {"services": [{"id": pool_id}]}}})),
        )
        .await;
    assert_eq!(s, StatusCode::BAD_REQUEST);
    assert!(v["error"]["message"].as_str().unwrap().contains("pool"));
    // PATCH adding a url to a pool is refused on the merged result.
    let (s, _, _) = f
        .send(
            Method::PATCH,
            Some("pool1"),
            Some("*"),
            Some(json!({"properties": {"url": "https://a"}})),
        )
        .await;
    assert_eq!(s, StatusCode::BAD_REQUEST);
    f.running.stop().await;
}

#[tokio::test]
async fn authentication_api_version_and_request_log() {
    let f = Fixture::new(Config {
        expected_token: Some("test-token".into()),
        ..Config::default()
    })
    .await;
    let r = f.client.get(f.url(Some("b"))).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::UNAUTHORIZED);
    let r = f
        .client
        .get(f.url(Some("b")))
        .bearer_auth("wrong")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::UNAUTHORIZED);
    assert!(r.headers().contains_key("x-ms-request-id"));
    let r = f
        .client
        .get(f.url(Some("b")).replace("?api-version=2024-05-01", ""))
        .bearer_auth("test-token")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::BAD_REQUEST);
    let log = f.control(Method::GET, "requests", None).await;
    let entries = log.as_array().unwrap();
    assert_eq!(entries.len(), 3);
    assert_eq!(
        entries[1]["headers"]["authorization"],
        "Bearer ***REDACTED***"
    );
    assert!(
        !log.to_string().contains("wrong"),
        "tokens are redacted in the log"
    );
    f.control(Method::POST, "reset", None).await;
    assert_eq!(f.control(Method::GET, "requests", None).await, json!([]));
    f.running.stop().await;
}

#[tokio::test]
async fn list_pages_with_top_and_next_link() {
    let f = Fixture::new(Config {
        page_size: 3,
        write_bucket: 1000.0,
        ..Config::default()
    })
    .await;
    for i in 0..7 {
        f.put_single(&format!("b{i}")).await;
    }
    let mut url = f.url(None);
    let mut names = Vec::new();
    let mut pages = 0;
    loop {
        let v: Value = f
            .client
            .get(&url)
            .bearer_auth("t")
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        pages += 1;
        names.extend(
            v["value"]
                .as_array()
                .unwrap()
                .iter()
                .map(|b| b["name"].as_str().unwrap().to_string()),
        );
        match v["nextLink"].as_str() {
            Some(next) => url = next.to_string(),
            None => break,
        }
    }
    assert_eq!(pages, 3);
    assert_eq!(names, ["b0", "b1", "b2", "b3", "b4", "b5", "b6"]);
    let v: Value = f
        .client
        .get(format!("{}&$top=5", f.url(None)))
        .bearer_auth("t")
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(v["value"].as_array().unwrap().len(), 5);
    f.running.stop().await;
}

#[tokio::test]
async fn writes_are_throttled_per_subscription_with_each_retry_after_form() {
    for (form, header) in [
        (RetryAfterForm::All, "retry-after"),
        (RetryAfterForm::Seconds, "retry-after"),
        (RetryAfterForm::HttpDate, "retry-after"),
        (RetryAfterForm::Ms, "retry-after-ms"),
        (RetryAfterForm::XMsMs, "x-ms-retry-after-ms"),
    ] {
        let config = Config {
            write_bucket: 2.0,
            write_refill_per_sec: 1.0,
            faults: FaultConfig {
                retry_after_form: form,
                ..Default::default()
            },
            ..Config::default()
        };
        let f = Fixture::new(config).await;
        let (_, h, _) = f
            .send(
                Method::PUT,
                Some("a"),
                None,
                Some(json!({"properties": {"url": "https://a", "protocol": "http"}})),
            )
            .await;
        assert_eq!(h["x-ms-ratelimit-remaining-subscription-writes"], "1");
        f.put_single("b").await;
        let (s, h, v) = f
            .send(
                Method::PUT,
                Some("c"),
                None,
                Some(json!({"properties": {"url": "https://a", "protocol": "http"}})),
            )
            .await;
        assert_eq!(s, StatusCode::TOO_MANY_REQUESTS, "{form:?}");
        assert_eq!(v["error"]["code"], "SubscriptionRequestsThrottled");
        assert!(h.contains_key(header), "{form:?}: {h:?}");
        if form == RetryAfterForm::HttpDate {
            httpdate::parse_http_date(h["retry-after"].to_str().unwrap()).unwrap();
        }
        // Reads are not throttled.
        let (s, _, _) = f.send(Method::GET, Some("a"), None, None).await;
        assert_eq!(s, StatusCode::OK);
        f.running.stop().await;
    }
}

#[tokio::test]
async fn scripted_and_random_faults() {
    let f = Fixture::new(Config::default()).await;
    f.put_single("b").await;
    let next = vec![
        ScriptedFault {
            status: Some(503),
            headers: [("Retry-After".to_string(), "0".to_string())].into(),
            ..Default::default()
        },
        ScriptedFault {
            reset: true,
            ..Default::default()
        },
        ScriptedFault {
            malformed: true,
            ..Default::default()
        },
        ScriptedFault {
            slow_body_ms: 300,
            ..Default::default()
        },
    ];
    f.control(
        Method::PUT,
        "faults",
        Some(
            serde_json::to_value(FaultConfig {
                next: next.into(),
                ..Default::default()
            })
            .unwrap(),
        ),
    )
    .await;
    let (s, h, _) = f.send(Method::GET, Some("b"), None, None).await;
    assert_eq!(
        (s, h["retry-after"].to_str().unwrap()),
        (StatusCode::SERVICE_UNAVAILABLE, "0")
    );
    let err = f.client.get(f.url(Some("b"))).bearer_auth("t").send().await;
    assert!(err.is_err(), "connection dropped");
    let r = f
        .client
        .get(f.url(Some("b")))
        .bearer_auth("t")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    assert!(
        serde_json::from_str::<Value>(&r.text().await.unwrap()).is_err(),
        "malformed body"
    );
    let t = Instant::now();
    let (s, _, v) = f.send(Method::GET, Some("b"), None, None).await;
    assert_eq!((s, v["name"].as_str()), (StatusCode::OK, Some("b")));
    assert!(t.elapsed() >= Duration::from_millis(300), "slow body");

    // Random faults are repeatable for one seed.
    let run = |seed: u64| {
        let f = &f;
        async move {
            f.control(
                Method::PUT,
                "faults",
                Some(json!({"errorRate": 0.5, "errorStatuses": [500], "seed": seed})),
            )
            .await;
            let mut pattern = Vec::new();
            for _ in 0..20 {
                pattern.push(f.send(Method::GET, Some("b"), None, None).await.0.as_u16());
            }
            pattern
        }
    };
    let a = run(7).await;
    let b = run(7).await;
    assert_eq!(a, b);
    assert!(a.contains(&500) && a.contains(&200));
}

#[tokio::test]
async fn state_survives_a_restart() {
    let dir = std::env::temp_dir().join(format!("apim-emu-state-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("state.json");
    let config = Config {
        state_file: Some(file.clone()),
        ..Config::default()
    };
    let f = Fixture::new(config.clone()).await;
    let etag = f.put_single("kept").await;
    f.running.stop().await;
    let f = Fixture::new(config).await;
    let (s, h, v) = f.send(Method::GET, Some("KEPT"), None, None).await;
    assert_eq!((s, v["name"].as_str()), (StatusCode::OK, Some("kept")));
    assert_eq!(h["etag"].to_str().unwrap(), etag);
    f.running.stop().await;
    std::fs::remove_dir_all(dir).unwrap();
}

#[tokio::test]
async fn refuses_to_bind_anything_but_loopback() {
    let config = Config {
        bind: "0.0.0.0".parse().unwrap(),
        ..Config::default()
    };
    assert!(apim_emulator::start(config).await.is_err());
}

#[test]
fn embedded_definitions_are_the_official_spec_file() {
    let shared = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join(
        "../../shared/spec/specification/apimanagement/resource-manager/Microsoft.ApiManagement/ApiManagement/stable/2024-05-01/definitions.json",
    );
    let official = std::fs::read_to_string(&shared).expect("../shared/spec beside the repository");
    assert!(
        official == apim_emulator::rules::DEFINITIONS_JSON,
        "emulator/spec/definitions.json differs from {}",
        shared.display()
    );
}
