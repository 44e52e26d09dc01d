//! What the emulator checks in a request body: the official 2024-05-01 JSON schema (embedded
//! copy of definitions.json, kept identical to ../shared/spec by a test) and the rules the live
//! service enforces beyond it. Failures become ARM `ValidationError` bodies with details.

use once_cell_free::Lazy;
use serde_json::{json, Map, Value};

/// Embedded verbatim from the spec so the binary works without ../shared.
pub const DEFINITIONS_JSON: &str = include_str!("../spec/definitions.json");

/// One failed check: where and why.
#[derive(Debug, Clone)]
pub struct Violation {
    pub target: String,
    pub message: String,
}

static CONTRACT_PROPERTIES: Lazy<jsonschema::Validator> =
    Lazy::new(|| compile("BackendContractProperties"));
static UPDATE_PARAMETERS: Lazy<jsonschema::Validator> =
    Lazy::new(|| compile("BackendUpdateParameters"));

fn compile(definition: &str) -> jsonschema::Validator {
    let defs: Value = serde_json::from_str(DEFINITIONS_JSON).expect("definitions.json is JSON");
    let defs = &defs["definitions"];
    let mut needed = Map::new();
    let mut queue = vec![definition.to_string()];
    while let Some(name) = queue.pop() {
        if needed.contains_key(&name) {
            continue;
        }
        let def = defs[&name].clone();
        collect_refs(&def, &mut queue);
        needed.insert(name, def);
    }
    let schema = json!({
        "$ref": format!("#/definitions/{definition}"),
        "definitions": needed,
    });
    jsonschema::draft4::new(&schema).expect("spec schema compiles")
}

fn collect_refs(v: &Value, out: &mut Vec<String>) {
    match v {
        Value::Object(m) => {
            for (k, v) in m {
                match (k.as_str(), v.as_str()) {
                    ("$ref", Some(r)) if r.starts_with("#/definitions/") => {
                        out.push(r.trim_start_matches("#/definitions/").to_string())
                    }
                    _ => collect_refs(v, out),
                }
            }
        }
        Value::Array(a) => a.iter().for_each(|v| collect_refs(v, out)),
        _ => {}
    }
}

/// A merge patch's `null`s mean "remove" and are not part of the schema's shape.
pub fn without_nulls(v: &Value) -> Value {
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

fn schema_violations(validator: &jsonschema::Validator, v: &Value, prefix: &str) -> Vec<Violation> {
    validator
        .iter_errors(v)
        .map(|e| {
            let pointer = e.instance_path.to_string();
            let target = format!(
                "{prefix}{}",
                pointer.replace('/', ".").trim_start_matches('.')
            );
            Violation {
                target: target.trim_end_matches('.').to_string(),
                message: e.to_string(),
            }
        })
        .collect()
}

/// Checks a PUT body (`BackendContract`): the schema of its properties.
pub fn check_put_body(body: &Value) -> Vec<Violation> {
    let Some(props) = body.get("properties") else {
        return vec![Violation {
            target: "properties".into(),
            message: "The request body must have a 'properties' object.".into(),
        }];
    };
    schema_violations(&CONTRACT_PROPERTIES, &without_nulls(props), "properties.")
}

/// Checks a PATCH body (`BackendUpdateParameters`).
pub fn check_patch_body(body: &Value) -> Vec<Violation> {
    if !body.is_object() {
        return vec![Violation {
            target: String::new(),
            message: "The request body must be a JSON object.".into(),
        }];
    }
    schema_violations(&UPDATE_PARAMETERS, &without_nulls(body), "")
}

/// RFC 7396 JSON merge patch.
pub fn merge_patch(target: &mut Value, patch: &Value) {
    match patch {
        Value::Object(p) => {
            if !target.is_object() {
                *target = Value::Object(Map::new());
            }
            let t = target.as_object_mut().expect("made an object above");
            for (k, v) in p {
                if v.is_null() {
                    t.remove(k);
                } else {
                    merge_patch(t.entry(k.clone()).or_insert(Value::Null), v);
                }
            }
        }
        other => *target = other.clone(),
    }
}

/// The service's own rules on the resulting backend properties. `member_type` answers, for a
/// pool member's ARM id, `None` when it does not exist, else whether that member is a pool.
pub fn check_service_rules(
    props: &Value,
    member_type: &dyn Fn(&str) -> Option<bool>,
) -> Vec<Violation> {
    let mut out = Vec::new();
    let mut fail = |target: &str, message: String| {
        out.push(Violation {
            target: target.into(),
            message,
        })
    };
    let is_pool = props["type"].as_str() == Some("Pool") || props.get("pool").is_some();
    if is_pool {
        for f in ["url", "protocol"] {
            if props.get(f).is_some() {
                fail(
                    f,
                    format!("'{f}' is not allowed for a backend of type Pool."),
                );
            }
        }
        match props["pool"]["services"].as_array() {
            Some(services) if !services.is_empty() => {
                for (i, s) in services.iter().enumerate() {
                    let id = s["id"].as_str().unwrap_or_default();
                    match member_type(id) {
                        None => fail(
                            &format!("pool.services[{i}].id"),
                            format!("Backend '{id}' referenced by the pool does not exist."),
                        ),
                        Some(true) => fail(
                            &format!("pool.services[{i}].id"),
                            "A pool cannot contain another pool.".into(),
                        ),
                        Some(false) => {}
                    }
                }
            }
            _ => fail(
                "pool.services",
                "A backend of type Pool needs at least one member in 'pool.services'.".into(),
            ),
        }
    } else {
        for f in ["url", "protocol"] {
            if props.get(f).is_none() {
                fail(
                    f,
                    format!("'{f}' is required for a backend of type Single."),
                );
            }
        }
    }
    if let Some(rules) = props["circuitBreaker"]["rules"].as_array() {
        if rules.len() > 1 {
            fail(
                "circuitBreaker.rules",
                "Only one circuit breaker rule is supported per backend.".into(),
            );
        }
        for (i, r) in rules.iter().enumerate() {
            for (field, v) in [
                ("tripDuration", &r["tripDuration"]),
                (
                    "failureCondition.interval",
                    &r["failureCondition"]["interval"],
                ),
            ] {
                if let Some(d) = v.as_str() {
                    if iso8601::duration(d).is_err() {
                        fail(
                            &format!("circuitBreaker.rules[{i}].{field}"),
                            format!("'{d}' is not an ISO 8601 duration."),
                        );
                    }
                }
            }
        }
    }
    out
}

/// `std::sync::LazyLock` under a short local name (no extra dependency).
mod once_cell_free {
    pub type Lazy<T> = std::sync::LazyLock<T>;
}
