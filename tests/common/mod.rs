//! Shared helpers for integration tests: the official spec files, loaded at run time.
#![allow(dead_code)]

use std::path::PathBuf;

use serde_json::{Map, Value};

/// `../shared/spec` beside the repository (override with APIMB_SPEC_DIR).
pub fn spec_root() -> PathBuf {
    if let Some(dir) = std::env::var_os("APIMB_SPEC_DIR") {
        return PathBuf::from(dir);
    }
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../shared/spec")
}

pub fn api_dir() -> PathBuf {
    spec_root().join(
        "specification/apimanagement/resource-manager/Microsoft.ApiManagement/ApiManagement/stable/2024-05-01",
    )
}

pub fn load(path: &std::path::Path) -> Value {
    let text = std::fs::read_to_string(path)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()));
    serde_json::from_str(&text).unwrap()
}

/// A self-contained JSON schema for one definition of definitions.json: the definition plus
/// every definition it reaches through local `$ref`s.
pub fn schema_for(definition: &str) -> Value {
    let defs = load(&api_dir().join("definitions.json"))["definitions"].clone();
    let mut needed = Map::new();
    let mut queue = vec![definition.to_string()];
    while let Some(name) = queue.pop() {
        if needed.contains_key(&name) {
            continue;
        }
        let def = defs[&name].clone();
        assert!(!def.is_null(), "definition {name} not found");
        collect_refs(&def, &mut queue);
        needed.insert(name, def);
    }
    serde_json::json!({
        "$schema": "http://json-schema.org/draft-04/schema#",
        "$ref": format!("#/definitions/{definition}"),
        "definitions": needed,
    })
}

fn collect_refs(v: &Value, out: &mut Vec<String>) {
    match v {
        Value::Object(m) => {
            for (k, v) in m {
                if k == "$ref" {
                    let r = v.as_str().unwrap();
                    let name = r.rsplit('/').next().unwrap();
                    assert!(
                        r.starts_with("#/definitions/"),
                        "external $ref {r} not expected here"
                    );
                    out.push(name.to_string());
                } else {
                    collect_refs(v, out);
                }
            }
        }
        Value::Array(a) => a.iter().for_each(|v| collect_refs(v, out)),
        _ => {}
    }
}

pub fn examples() -> Vec<(String, Value)> {
    let mut out: Vec<_> = std::fs::read_dir(api_dir().join("examples"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "json"))
        .map(|p| {
            (
                p.file_name().unwrap().to_string_lossy().into_owned(),
                load(&p),
            )
        })
        .collect();
    out.sort_by(|a, b| a.0.cmp(&b.0));
    out
}
