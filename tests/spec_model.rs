//! The model against the official 2024-05-01 spec files, loaded at run time.

mod common;

use apimbackend::model::{BackendCollection, BackendContract, BackendUpdateParameters};
use apimbackend::BackendPatch;
use serde_json::Value;

fn roundtrip<T: serde::de::DeserializeOwned + serde::Serialize>(v: &Value) -> Value {
    let typed: T = serde_json::from_value(v.clone()).unwrap();
    serde_json::to_value(&typed).unwrap()
}

#[test]
fn every_backend_example_round_trips_without_loss() {
    let mut checked = 0;
    for (name, ex) in common::examples() {
        if name.contains("Reconnect") {
            continue; // a BackendReconnectContract, not a backend
        }
        if let Some(body) = ex["parameters"].get("parameters") {
            let back = if name.contains("UpdateBackend") {
                roundtrip::<BackendUpdateParameters>(body)
            } else {
                roundtrip::<BackendContract>(body)
            };
            assert_eq!(&back, body, "{name}: request body changed in a round trip");
            checked += 1;
        }
        for (status, resp) in ex["responses"].as_object().unwrap() {
            let Some(body) = resp.get("body") else {
                continue;
            };
            let back = if body.get("value").is_some() {
                roundtrip::<BackendCollection>(body)
            } else {
                roundtrip::<BackendContract>(body)
            };
            assert_eq!(
                &back, body,
                "{name} {status}: response changed in a round trip"
            );
            checked += 1;
        }
    }
    assert!(
        checked >= 15,
        "only {checked} bodies found: is ../shared/spec there?"
    );
}

#[test]
fn unknown_fields_of_a_response_are_kept() {
    let v = serde_json::json!({
        "id": "/x", "name": "b", "systemData": {"createdBy": "me"},
        "properties": {"url": "https://a", "futureField": [1, 2],
            "tls": {"validateCertificateChain": true, "newFlag": false},
            "circuitBreaker": {"rules": [{"name": "r", "futureRuleField": "x"}]}}
    });
    assert_eq!(roundtrip::<BackendContract>(&v), v);
}

#[test]
fn update_example_is_accepted_by_the_builder_and_the_schema() {
    let ex = common::load(&common::api_dir().join("examples/ApiManagementUpdateBackend.json"));
    let body = &ex["parameters"]["parameters"];
    let patch = BackendPatch::from_json(&body.to_string()).unwrap();
    let sent: Value = serde_json::from_str(&patch.body_json()).unwrap();
    assert_eq!(&sent, body);
    let schema = common::schema_for("BackendUpdateParameters");
    let validator = jsonschema::draft4::new(&schema).unwrap();
    assert!(validator.is_valid(&sent));
}

#[test]
fn the_schema_catches_what_it_should() {
    // Guards the schema helper itself: an out-of-range weight must fail it.
    let schema = common::schema_for("BackendUpdateParameters");
    let validator = jsonschema::draft4::new(&schema).unwrap();
    let bad =
        serde_json::json!({"properties": {"pool": {"services": [{"id": "x", "weight": 101}]}}});
    assert!(!validator.is_valid(&bad));
    let bad = serde_json::json!({"properties": {"title": ""}});
    assert!(!validator.is_valid(&bad));
}
