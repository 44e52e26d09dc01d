//! Invalid inputs are rejected before sending, each with its stable code and JSON path; valid
//! random updates always produce bodies the spec's schema accepts; secrets never print.

mod common;

use apimbackend::model::*;
use apimbackend::validate::BackendTarget;
use apimbackend::{BackendPatch, ErrorKind, Secret};
use proptest::prelude::*;
use serde_json::{json, Value};

const ID: &str = "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg1/providers/Microsoft.ApiManagement/service/apim1/backends/b1";

fn p(props: Value) -> String {
    json!({ "properties": props }).to_string()
}

fn rule(extra: Value) -> Value {
    let mut r = json!({"name": "r1", "tripDuration": "PT1M", "acceptRetryAfter": true,
        "failureCondition": {"count": 3, "interval": "PT1H", "statusCodeRanges": [{"min": 500, "max": 599}]}});
    merge(&mut r, extra);
    r
}

fn merge(a: &mut Value, b: Value) {
    if let (Value::Object(a), Value::Object(b)) = (a, b) {
        for (k, v) in b {
            match (a.get_mut(&k), v) {
                (Some(av @ Value::Object(_)), bv @ Value::Object(_)) => merge(av, bv),
                (_, bv) => {
                    a.insert(k, bv);
                }
            }
        }
    }
}

fn long(n: usize) -> String {
    "a".repeat(n)
}

#[test]
fn invalid_updates_are_rejected_with_code_and_path() {
    let too_many: Vec<String> = (0..33).map(|i| format!("t{i}")).collect();
    let sf = |extra: Value| {
        let mut v = json!({"managementEndpoints": ["https://cluster:19080"]});
        merge(&mut v, extra);
        p(json!({"properties": {"serviceFabricCluster": v}}))
    };
    let cases: Vec<(&str, String, &str, &str)> = vec![
        ("empty body", "{}".into(), "Required", "properties"),
        (
            "empty properties",
            json!({"properties": {}}).to_string(),
            "Required",
            "properties",
        ),
        (
            "properties null",
            json!({"properties": null}).to_string(),
            "CannotClear",
            "properties",
        ),
        ("not json", "{".into(), "InvalidJson", ""),
        ("trailing text", "{} x".into(), "InvalidJson", ""),
        ("array body", "[]".into(), "InvalidValue", ""),
        (
            "unknown top field",
            json!({"props": {}}).to_string(),
            "UnknownField",
            "props",
        ),
        (
            "unknown property",
            p(json!({"descripton": "x"})),
            "UnknownField",
            "properties.descripton",
        ),
        (
            "unknown tls field",
            p(json!({"tls": {"validate": true}})),
            "UnknownField",
            "properties.tls.validate",
        ),
        (
            "url empty",
            p(json!({"url": ""})),
            "InvalidLength",
            "properties.url",
        ),
        (
            "url too long",
            p(json!({"url": format!("https://h/{}", long(2000))})),
            "InvalidLength",
            "properties.url",
        ),
        (
            "url relative",
            p(json!({"url": "just/a/path"})),
            "InvalidFormat",
            "properties.url",
        ),
        (
            "url number",
            p(json!({"url": 5})),
            "InvalidValue",
            "properties.url",
        ),
        (
            "protocol unknown",
            p(json!({"protocol": "grpc"})),
            "InvalidValue",
            "properties.protocol",
        ),
        (
            "protocol number",
            p(json!({"protocol": 1})),
            "InvalidValue",
            "properties.protocol",
        ),
        (
            "title empty",
            p(json!({"title": ""})),
            "InvalidLength",
            "properties.title",
        ),
        (
            "title 301",
            p(json!({"title": long(301)})),
            "InvalidLength",
            "properties.title",
        ),
        (
            "description empty",
            p(json!({"description": ""})),
            "InvalidLength",
            "properties.description",
        ),
        (
            "description 2001",
            p(json!({"description": long(2001)})),
            "InvalidLength",
            "properties.description",
        ),
        (
            "description non-ascii 2001",
            p(json!({"description": "é".repeat(2001)})),
            "InvalidLength",
            "properties.description",
        ),
        (
            "resourceId empty",
            p(json!({"resourceId": ""})),
            "InvalidLength",
            "properties.resourceId",
        ),
        (
            "resourceId 2001",
            p(json!({"resourceId": long(2001)})),
            "InvalidLength",
            "properties.resourceId",
        ),
        (
            "type unknown",
            p(json!({"type": "Cluster"})),
            "InvalidValue",
            "properties.type",
        ),
        (
            "tls flag string",
            p(json!({"tls": {"validateCertificateChain": "no"}})),
            "InvalidValue",
            "properties.tls.validateCertificateChain",
        ),
        (
            "33 certificate ids",
            p(json!({"credentials": {"certificateIds": too_many}})),
            "TooManyItems",
            "properties.credentials.certificateIds",
        ),
        (
            "33 thumbprints",
            p(json!({"credentials": {"certificate": too_many}})),
            "TooManyItems",
            "properties.credentials.certificate",
        ),
        (
            "header value number",
            p(json!({"credentials": {"header": {"x": 5}}})),
            "InvalidValue",
            "properties.credentials.header.x",
        ),
        (
            "header empty name",
            p(json!({"credentials": {"header": {" ": ["v"]}}})),
            "InvalidValue",
            "properties.credentials.header",
        ),
        (
            "query empty name",
            p(json!({"credentials": {"query": {"": "v"}}})),
            "InvalidValue",
            "properties.credentials.query",
        ),
        (
            "authorization without parameter",
            p(json!({"credentials": {"authorization": {"scheme": "Basic"}}})),
            "Required",
            "properties.credentials.authorization.parameter",
        ),
        (
            "authorization without scheme",
            p(json!({"credentials": {"authorization": {"parameter": "x"}}})),
            "Required",
            "properties.credentials.authorization.scheme",
        ),
        (
            "authorization scheme 101",
            p(json!({"credentials": {"authorization": {"scheme": long(101), "parameter": "x"}}})),
            "InvalidLength",
            "properties.credentials.authorization.scheme",
        ),
        (
            "authorization scheme empty",
            p(json!({"credentials": {"authorization": {"scheme": "", "parameter": "x"}}})),
            "InvalidLength",
            "properties.credentials.authorization.scheme",
        ),
        (
            "authorization parameter 301",
            p(
                json!({"credentials": {"authorization": {"scheme": "Basic", "parameter": long(301)}}}),
            ),
            "InvalidLength",
            "properties.credentials.authorization.parameter",
        ),
        (
            "authorization parameter empty",
            p(json!({"credentials": {"authorization": {"scheme": "Basic", "parameter": ""}}})),
            "InvalidLength",
            "properties.credentials.authorization.parameter",
        ),
        (
            "proxy without url",
            p(json!({"proxy": {"username": "u"}})),
            "Required",
            "properties.proxy.url",
        ),
        (
            "proxy url without scheme",
            p(json!({"proxy": {"url": "proxy.local:8080"}})),
            "InvalidFormat",
            "properties.proxy.url",
        ),
        (
            "proxy url ftp",
            p(json!({"proxy": {"url": "ftp://proxy.local"}})),
            "InvalidFormat",
            "properties.proxy.url",
        ),
        (
            "url http without host",
            p(json!({"url": "https://"})),
            "InvalidFormat",
            "properties.url",
        ),
        (
            "proxy url empty",
            p(json!({"proxy": {"url": ""}})),
            "InvalidLength",
            "properties.proxy.url",
        ),
        (
            "sf without endpoints",
            p(json!({"properties": {"serviceFabricCluster": {"clientCertificateId": "c"}}})),
            "Required",
            "properties.properties.serviceFabricCluster.managementEndpoints",
        ),
        (
            "sf empty endpoints",
            p(json!({"properties": {"serviceFabricCluster": {"managementEndpoints": []}}})),
            "Required",
            "properties.properties.serviceFabricCluster.managementEndpoints",
        ),
        (
            "sf endpoint not url",
            sf(json!({"managementEndpoints": ["not a url"]})),
            "InvalidFormat",
            "properties.properties.serviceFabricCluster.managementEndpoints[0]",
        ),
        (
            "sf negative retries",
            sf(json!({"maxPartitionResolutionRetries": -1})),
            "OutOfRange",
            "properties.properties.serviceFabricCluster.maxPartitionResolutionRetries",
        ),
        (
            "sf retries too big",
            sf(json!({"maxPartitionResolutionRetries": 3_000_000_000u64})),
            "InvalidValue",
            "properties.properties.serviceFabricCluster.maxPartitionResolutionRetries",
        ),
        (
            "sf 33 server thumbprints",
            sf(json!({"serverCertificateThumbprints": too_many})),
            "TooManyItems",
            "properties.properties.serviceFabricCluster.serverCertificateThumbprints",
        ),
        (
            "sf x509 without name",
            sf(json!({"serverX509Names": [{"issuerCertificateThumbprint": "t"}]})),
            "Required",
            "properties.properties.serviceFabricCluster.serverX509Names[0].name",
        ),
        (
            "sf x509 unknown field",
            sf(json!({"serverX509Names": [{"name": "n", "issuer": "t"}]})),
            "UnknownField",
            "properties.properties.serviceFabricCluster.serverX509Names[0].issuer",
        ),
        (
            "pool without services",
            p(json!({"type": "Pool", "pool": {}})),
            "Required",
            "properties.pool.services",
        ),
        (
            "pool empty services",
            p(json!({"type": "Pool", "pool": {"services": []}})),
            "TooFewItems",
            "properties.pool.services",
        ),
        (
            "pool member not arm id",
            p(json!({"type": "Pool", "pool": {"services": [{"id": "backend-1"}]}})),
            "InvalidFormat",
            "properties.pool.services[0].id",
        ),
        (
            "pool member api id",
            p(json!({"pool": {"services": [{"id": ID.replace("/backends/", "/apis/")}]}})),
            "InvalidFormat",
            "properties.pool.services[0].id",
        ),
        (
            "pool member without id",
            p(json!({"pool": {"services": [{"priority": 1}]}})),
            "Required",
            "properties.pool.services[0].id",
        ),
        (
            "pool weight 101",
            p(json!({"pool": {"services": [{"id": ID, "weight": 101}]}})),
            "OutOfRange",
            "properties.pool.services[0].weight",
        ),
        (
            "pool weight -1",
            p(json!({"pool": {"services": [{"id": ID, "weight": -1}]}})),
            "OutOfRange",
            "properties.pool.services[0].weight",
        ),
        (
            "pool priority 101",
            p(json!({"pool": {"services": [{"id": ID, "priority": 101}]}})),
            "OutOfRange",
            "properties.pool.services[0].priority",
        ),
        (
            "pool with url",
            p(json!({"type": "Pool", "url": "https://a", "pool": {"services": [{"id": ID}]}})),
            "NotAllowed",
            "properties.url",
        ),
        (
            "pool with protocol",
            p(json!({"type": "Pool", "protocol": "http"})),
            "NotAllowed",
            "properties.protocol",
        ),
        (
            "pool on single",
            p(json!({"type": "Single", "pool": {"services": [{"id": ID}]}})),
            "NotAllowed",
            "properties.pool",
        ),
        (
            "two rules",
            p(json!({"circuitBreaker": {"rules": [rule(json!({})), rule(json!({"name": "r2"}))]}})),
            "TooManyItems",
            "properties.circuitBreaker.rules",
        ),
        (
            "no rules",
            p(json!({"circuitBreaker": {"rules": []}})),
            "TooFewItems",
            "properties.circuitBreaker.rules",
        ),
        (
            "circuit breaker without rules",
            p(json!({"circuitBreaker": {}})),
            "Required",
            "properties.circuitBreaker.rules",
        ),
        (
            "rule without name",
            p(json!({"circuitBreaker": {"rules": [rule(json!({"name": null}))]}})),
            "Required",
            "properties.circuitBreaker.rules[0].name",
        ),
        (
            "trip duration not iso",
            p(json!({"circuitBreaker": {"rules": [rule(json!({"tripDuration": "1 minute"}))]}})),
            "InvalidFormat",
            "properties.circuitBreaker.rules[0].tripDuration",
        ),
        (
            "trip duration seconds only",
            p(json!({"circuitBreaker": {"rules": [rule(json!({"tripDuration": "60"}))]}})),
            "InvalidFormat",
            "properties.circuitBreaker.rules[0].tripDuration",
        ),
        (
            "interval not iso",
            p(
                json!({"circuitBreaker": {"rules": [rule(json!({"failureCondition": {"interval": "1h"}}))]}}),
            ),
            "InvalidFormat",
            "properties.circuitBreaker.rules[0].failureCondition.interval",
        ),
        (
            "count 0",
            p(
                json!({"circuitBreaker": {"rules": [rule(json!({"failureCondition": {"count": 0}}))]}}),
            ),
            "OutOfRange",
            "properties.circuitBreaker.rules[0].failureCondition.count",
        ),
        (
            "percentage 0",
            p(
                json!({"circuitBreaker": {"rules": [rule(json!({"failureCondition": {"percentage": 0}}))]}}),
            ),
            "OutOfRange",
            "properties.circuitBreaker.rules[0].failureCondition.percentage",
        ),
        (
            "percentage 101",
            p(
                json!({"circuitBreaker": {"rules": [rule(json!({"failureCondition": {"percentage": 101}}))]}}),
            ),
            "OutOfRange",
            "properties.circuitBreaker.rules[0].failureCondition.percentage",
        ),
        (
            "status min 199",
            p(
                json!({"circuitBreaker": {"rules": [rule(json!({"failureCondition": {"statusCodeRanges": [{"min": 199, "max": 500}]}}))]}}),
            ),
            "OutOfRange",
            "properties.circuitBreaker.rules[0].failureCondition.statusCodeRanges[0].min",
        ),
        (
            "status max 600",
            p(
                json!({"circuitBreaker": {"rules": [rule(json!({"failureCondition": {"statusCodeRanges": [{"min": 500, "max": 600}]}}))]}}),
            ),
            "OutOfRange",
            "properties.circuitBreaker.rules[0].failureCondition.statusCodeRanges[0].max",
        ),
        (
            "status min > max",
            p(
                json!({"circuitBreaker": {"rules": [rule(json!({"failureCondition": {"statusCodeRanges": [{"min": 504, "max": 500}]}}))]}}),
            ),
            "InvalidValue",
            "properties.circuitBreaker.rules[0].failureCondition.statusCodeRanges[0]",
        ),
        (
            "status range without max",
            p(
                json!({"circuitBreaker": {"rules": [rule(json!({"failureCondition": {"statusCodeRanges": [{"min": 500}]}}))]}}),
            ),
            "Required",
            "properties.circuitBreaker.rules[0].failureCondition.statusCodeRanges[0].max",
        ),
        (
            "11 status ranges",
            p(
                json!({"circuitBreaker": {"rules": [rule(json!({"failureCondition": {"statusCodeRanges": vec![json!({"min": 500, "max": 599}); 11]}}))]}}),
            ),
            "TooManyItems",
            "properties.circuitBreaker.rules[0].failureCondition.statusCodeRanges",
        ),
        (
            "11 error reasons",
            p(
                json!({"circuitBreaker": {"rules": [rule(json!({"failureCondition": {"errorReasons": vec!["timeout"; 11]}}))]}}),
            ),
            "TooManyItems",
            "properties.circuitBreaker.rules[0].failureCondition.errorReasons",
        ),
        (
            "error reason 201",
            p(
                json!({"circuitBreaker": {"rules": [rule(json!({"failureCondition": {"errorReasons": [long(201)]}}))]}}),
            ),
            "InvalidLength",
            "properties.circuitBreaker.rules[0].failureCondition.errorReasons[0]",
        ),
        (
            "rule unknown field",
            p(json!({"circuitBreaker": {"rules": [rule(json!({"tripTime": "PT1M"}))]}})),
            "UnknownField",
            "properties.circuitBreaker.rules[0].tripTime",
        ),
    ];
    assert!(cases.len() >= 50, "{} cases", cases.len());
    for (what, input, code, path) in &cases {
        let err = BackendPatch::from_json(input).expect_err(what);
        assert_eq!(err.code, *code, "{what}: {}", err.message);
        assert_eq!(
            err.field.as_deref().unwrap_or(""),
            *path,
            "{what}: {}",
            err.message
        );
        assert!(
            matches!(err.kind, ErrorKind::Validation | ErrorKind::InvalidArgument),
            "{what}"
        );
        assert!(!err.message.is_empty());
    }
    println!("{} invalid updates rejected", cases.len());
}

#[test]
fn invalid_targets_are_rejected_with_the_parameter_name() {
    let ok = BackendTarget {
        subscription_id: "00000000-0000-0000-0000-000000000000".into(),
        resource_group_name: "rg-1.(x)".into(),
        service_name: "apim-1".into(),
        backend_id: Some("backend_1".into()),
    };
    ok.validate().unwrap();
    let cases: Vec<(BackendTarget, &str, &str)> = vec![
        (
            BackendTarget {
                subscription_id: "not-a-guid".into(),
                ..ok.clone()
            },
            "InvalidFormat",
            "subscriptionId",
        ),
        (
            BackendTarget {
                resource_group_name: "".into(),
                ..ok.clone()
            },
            "InvalidLength",
            "resourceGroupName",
        ),
        (
            BackendTarget {
                resource_group_name: long(91),
                ..ok.clone()
            },
            "InvalidLength",
            "resourceGroupName",
        ),
        (
            BackendTarget {
                resource_group_name: "rg.".into(),
                ..ok.clone()
            },
            "InvalidFormat",
            "resourceGroupName",
        ),
        (
            BackendTarget {
                resource_group_name: "rg/x".into(),
                ..ok.clone()
            },
            "InvalidFormat",
            "resourceGroupName",
        ),
        (
            BackendTarget {
                service_name: "".into(),
                ..ok.clone()
            },
            "InvalidLength",
            "serviceName",
        ),
        (
            BackendTarget {
                service_name: long(51),
                ..ok.clone()
            },
            "InvalidLength",
            "serviceName",
        ),
        (
            BackendTarget {
                service_name: "1apim".into(),
                ..ok.clone()
            },
            "InvalidFormat",
            "serviceName",
        ),
        (
            BackendTarget {
                service_name: "apim-".into(),
                ..ok.clone()
            },
            "InvalidFormat",
            "serviceName",
        ),
        (
            BackendTarget {
                backend_id: Some("".into()),
                ..ok.clone()
            },
            "InvalidLength",
            "backendId",
        ),
        (
            BackendTarget {
                backend_id: Some(long(81)),
                ..ok.clone()
            },
            "InvalidLength",
            "backendId",
        ),
        (
            BackendTarget {
                backend_id: Some("a/b".into()),
                ..ok.clone()
            },
            "InvalidFormat",
            "backendId",
        ),
        (
            BackendTarget {
                backend_id: Some("a?b".into()),
                ..ok.clone()
            },
            "InvalidFormat",
            "backendId",
        ),
    ];
    for (t, code, field) in cases {
        let e = t.validate().expect_err(field);
        assert_eq!(
            (e.code.as_str(), e.field.as_deref()),
            (code, Some(field)),
            "{}",
            e.message
        );
    }
}

#[test]
fn secrets_never_appear_in_debug_display_errors_or_previews() {
    let secrets = ["pw-7f3a91", "param-0c81d2", "hdr-55e0aa", "qry-a1b2c3"];
    let body = p(json!({
        "proxy": {"url": "http://proxy:8080", "username": "u", "password": secrets[0]},
        "credentials": {"authorization": {"scheme": "Basic", "parameter": secrets[1]},
            "header": {"x-key": secrets[2]}, "query": {"code": [secrets[3]]}}
    }));
    let patch = BackendPatch::from_json(&body).unwrap();
    let contract: BackendContract = serde_json::from_str(&body).unwrap();
    let update: BackendUpdateParameters = serde_json::from_str(&body).unwrap();
    let texts = [
        format!("{patch:?}"),
        format!("{patch}"),
        patch.preview_json(),
        format!("{contract:?}"),
        format!("{update:?}"),
        format!("{:?}", contract.properties.as_set().unwrap().proxy),
        format!("{:?}", Secret::new(secrets[0])),
        format!("{}", Secret::new(secrets[0])),
    ];
    for text in &texts {
        for s in secrets {
            assert!(!text.contains(s), "secret {s} leaked into: {text}");
        }
    }
    assert!(patch.preview_json().contains("***REDACTED***"));
    // The body itself carries them, as it must.
    let sent = patch.body_json();
    assert!(secrets.iter().all(|s| sent.contains(s)));
    // A type error on a secret field names the path, not the value.
    let bad = p(json!({"credentials": {"header": {"x-key": {"v": "hdr-nested-secret"}}}}));
    let e = BackendPatch::from_json(&bad).unwrap_err();
    assert!(!e.message.contains("hdr-nested-secret"), "{}", e.message);
}

#[test]
fn only_given_fields_are_sent_and_null_clears() {
    let patch = BackendPatch::from_json(&p(json!({"description": "updated description"}))).unwrap();
    assert_eq!(
        *patch.body_json(),
        r#"{"properties":{"description":"updated description"}}"#
    );
    let patch = BackendPatch::from_json(&p(
        json!({"proxy": null, "tls": {"validateCertificateName": false}}),
    ))
    .unwrap();
    assert_eq!(
        *patch.body_json(),
        r#"{"properties":{"proxy":null,"tls":{"validateCertificateName":false}}}"#
    );
    let patch = BackendPatch::from_json(&p(
        json!({"credentials": {"header": {"x-a": "1", "x-b": null}}}),
    ))
    .unwrap();
    assert_eq!(
        *patch.body_json(),
        r#"{"properties":{"credentials":{"header":{"x-a":["1"],"x-b":null}}}}"#
    );
    let patch = BackendPatch::from_json(&p(json!({"protocol": "HTTP", "type": "single"}))).unwrap();
    assert_eq!(
        *patch.body_json(),
        r#"{"properties":{"protocol":"http","type":"Single"}}"#
    );
}

// ---------------------------------------------------------------------------------------------
// Property tests: random valid updates always satisfy the spec's schema.
// ---------------------------------------------------------------------------------------------

fn text(max: usize) -> impl Strategy<Value = String> {
    proptest::string::string_regex(&format!("[a-zA-Z0-9 éß_.-]{{1,{max}}}")).unwrap()
}

fn opt<T: std::fmt::Debug + Clone + 'static>(
    s: impl Strategy<Value = T> + 'static,
) -> BoxedStrategy<Field<T>> {
    prop_oneof![
        Just(Field::Absent),
        Just(Field::Clear),
        s.prop_map(Field::Set)
    ]
    .boxed()
}

fn set_or_absent<T: std::fmt::Debug + Clone + 'static>(
    s: impl Strategy<Value = T> + 'static,
) -> BoxedStrategy<Field<T>> {
    prop_oneof![Just(Field::Absent), s.prop_map(Field::Set)].boxed()
}

fn url() -> impl Strategy<Value = String> {
    "[a-z]{1,10}".prop_map(|h| format!("https://{h}.example.com/api"))
}

fn duration() -> impl Strategy<Value = String> {
    prop_oneof![
        (1u32..3600).prop_map(|s| format!("PT{s}S")),
        (1u32..60).prop_map(|m| format!("PT{m}M")),
        (1u32..48).prop_map(|h| format!("PT{h}H")),
        (1u32..7).prop_map(|d| format!("P{d}D")),
    ]
}

fn secret_values() -> impl Strategy<Value = SecretValues> {
    proptest::collection::vec(text(20).prop_map(Secret::new), 0..3).prop_map(SecretValues)
}

fn credentials() -> impl Strategy<Value = BackendCredentialsUpdate> {
    (
        opt(proptest::collection::vec(text(40), 0..32)),
        opt(proptest::collection::vec("[0-9A-F]{40}", 0..32)),
        opt(
            proptest::collection::vec(("[a-z]{1,8}", proptest::option::of(secret_values())), 0..3)
                .prop_map(|v| v.into_iter().collect()),
        ),
        opt(proptest::collection::vec(
            ("x-[a-z]{1,8}", proptest::option::of(secret_values())),
            0..3,
        )
        .prop_map(|v| v.into_iter().collect())),
        opt(
            (text(100), text(300)).prop_map(|(s, p)| BackendAuthorizationUpdate {
                scheme: Field::Set(s),
                parameter: Field::Set(Secret::new(p)),
            }),
        ),
    )
        .prop_map(
            |(certificate_ids, certificate, query, header, authorization)| {
                BackendCredentialsUpdate {
                    certificate_ids,
                    certificate,
                    query,
                    header,
                    authorization,
                }
            },
        )
}

fn circuit_breaker() -> impl Strategy<Value = BackendCircuitBreakerUpdate> {
    (
        text(50),
        duration(),
        any::<bool>(),
        proptest::option::of(1i64..1000),
        proptest::option::of(1i64..=100),
        duration(),
        proptest::collection::vec((200i32..=599, 0i32..50), 0..10),
        proptest::collection::vec(text(200), 0..10),
    )
        .prop_map(
            |(name, trip, accept, count, pct, interval, ranges, reasons)| {
                let opt_num = |v: Option<i64>| v.map_or(Field::Absent, Field::Set);
                BackendCircuitBreakerUpdate {
                    rules: Field::Set(vec![CircuitBreakerRule {
                        name: Field::Set(name),
                        trip_duration: Field::Set(trip),
                        accept_retry_after: Field::Set(accept),
                        failure_condition: Field::Set(CircuitBreakerFailureCondition {
                            count: opt_num(count),
                            percentage: opt_num(pct),
                            interval: Field::Set(interval),
                            status_code_ranges: Field::Set(
                                ranges
                                    .into_iter()
                                    .map(|(min, span)| FailureStatusCodeRange {
                                        min: Field::Set(min),
                                        max: Field::Set((min + span).min(599)),
                                        ..Default::default()
                                    })
                                    .collect(),
                            ),
                            error_reasons: Field::Set(reasons),
                            ..Default::default()
                        }),
                        ..Default::default()
                    }]),
                }
            },
        )
}

fn service_fabric() -> impl Strategy<Value = ServiceFabricClusterUpdate> {
    (
        proptest::collection::vec(url(), 1..3),
        opt(text(40)),
        opt("[0-9A-F]{40}"),
        opt(0i32..10),
        opt(proptest::collection::vec("[0-9A-F]{40}", 0..5)),
        opt(proptest::collection::vec((text(30), "[0-9A-F]{40}"), 0..3)),
    )
        .prop_map(
            |(eps, id, thumb, retries, thumbs, names)| ServiceFabricClusterUpdate {
                management_endpoints: Field::Set(eps),
                client_certificate_id: id,
                client_certificate_thumbprint: thumb,
                max_partition_resolution_retries: retries,
                server_certificate_thumbprints: thumbs,
                server_x509_names: match names {
                    Field::Set(n) => Field::Set(
                        n.into_iter()
                            .map(|(name, issuer)| X509CertificateName {
                                name: Field::Set(name),
                                issuer_certificate_thumbprint: Field::Set(issuer),
                                ..Default::default()
                            })
                            .collect(),
                    ),
                    Field::Clear => Field::Clear,
                    Field::Absent => Field::Absent,
                },
            },
        )
}

fn single_update() -> impl Strategy<Value = BackendUpdateProperties> {
    (
        (
            opt(url()),
            opt(prop_oneof![
                Just(BackendProtocol::Http),
                Just(BackendProtocol::Soap)
            ]),
            opt(text(300)),
            opt(text(2000)),
            opt(text(200)),
            set_or_absent(Just(BackendType::Single)),
        ),
        (
            opt(service_fabric().prop_map(|sf| BackendPropertiesUpdate {
                service_fabric_cluster: Field::Set(sf),
            })),
            opt(credentials()),
            opt(
                (url(), opt(text(20)), opt(text(20).prop_map(Secret::new))).prop_map(
                    |(u, username, password)| BackendProxyUpdate {
                        url: Field::Set(u),
                        username,
                        password,
                    },
                ),
            ),
            opt(
                (opt(any::<bool>()), opt(any::<bool>())).prop_map(|(a, b)| BackendTlsUpdate {
                    validate_certificate_chain: a,
                    validate_certificate_name: b,
                }),
            ),
            opt(circuit_breaker()),
        ),
    )
        .prop_map(
            |(
                (url, protocol, title, description, resource_id, backend_type),
                (properties, credentials, proxy, tls, circuit_breaker),
            )| {
                BackendUpdateProperties {
                    url,
                    protocol,
                    title,
                    description,
                    resource_id,
                    backend_type,
                    properties,
                    credentials,
                    proxy,
                    tls,
                    circuit_breaker,
                    pool: Field::Absent,
                }
            },
        )
}

fn pool_update() -> impl Strategy<Value = BackendUpdateProperties> {
    (
        proptest::collection::vec(
            (
                "[a-z0-9-]{1,20}",
                proptest::option::of(0i32..=100),
                proptest::option::of(0i32..=100),
            ),
            1..6,
        ),
        opt(text(300)),
        opt(circuit_breaker()),
    )
        .prop_map(
            |(members, title, circuit_breaker)| BackendUpdateProperties {
                backend_type: Field::Set(BackendType::Pool),
                title,
                circuit_breaker,
                pool: Field::Set(BackendPoolUpdate {
                    services: Field::Set(
                        members
                            .into_iter()
                            .map(|(name, pr, w)| BackendPoolItem {
                                id: Field::Set(ID.replace("/b1", &format!("/{name}"))),
                                priority: pr.map_or(Field::Absent, Field::Set),
                                weight: w.map_or(Field::Absent, Field::Set),
                                ..Default::default()
                            })
                            .collect(),
                    ),
                }),
                ..Default::default()
            },
        )
}

/// The merge-patch `null`s are not part of the schema (they mean "remove"); drop them before
/// checking the shape of what is set.
fn without_nulls(v: &Value) -> Value {
    match v {
        Value::Object(m) => Value::Object(
            m.iter()
                .filter(|(_, v)| !v.is_null())
                .map(|(k, v)| (k.clone(), without_nulls(v)))
                .collect(),
        ),
        Value::Array(a) => Value::Array(a.iter().map(without_nulls).collect()),
        other => other.clone(),
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 400, .. ProptestConfig::default() })]

    #[test]
    fn random_valid_updates_build_schema_valid_bodies(props in prop_oneof![single_update(), pool_update()]) {
        let schema = common::schema_for("BackendUpdateParameters");
        let validator = jsonschema::draft4::new(&schema).unwrap();
        prop_assume!(props != BackendUpdateProperties::default());
        let update = BackendUpdateParameters { properties: Field::Set(props) };
        let patch = BackendPatch::new(update.clone()).map_err(|e| TestCaseError::fail(format!("{}: {}", e.code, e.message)))?;
        let body: Value = serde_json::from_str(&patch.body_json()).unwrap();
        let checked = without_nulls(&body);
        let errors: Vec<String> = validator.iter_errors(&checked).map(|e| format!("{} at {}", e, e.instance_path)).collect();
        prop_assert!(errors.is_empty(), "schema errors: {:?}\nbody: {}", errors, patch.preview_json());
        // Exactly what was given: the body parses back to the same update.
        let reparsed: BackendUpdateParameters = serde_json::from_value(body).unwrap();
        prop_assert_eq!(reparsed, update);
    }
}
