//! Replaces secret values in backend JSON (PATCH bodies, contracts, collections) with
//! [`REDACTED`]: proxy password, authorization parameter, every header and query value.
//! Used for -WhatIf/-Verbose previews and anywhere a body could be logged.

use serde_json::Value;

use crate::secret::REDACTED;

/// Redacts in place. Accepts `{"properties": …}` (body or contract) or `{"value": [...]}`.
pub fn redact_backend_json(v: &mut Value) {
    if let Some(items) = v.get_mut("value").and_then(Value::as_array_mut) {
        items.iter_mut().for_each(redact_backend_json);
    }
    let Some(props) = v.get_mut("properties").and_then(Value::as_object_mut) else {
        return;
    };
    if let Some(pw) = props
        .get_mut("proxy")
        .and_then(|p| p.get_mut("password"))
        .filter(|p| !p.is_null())
    {
        *pw = Value::String(REDACTED.into());
    }
    let Some(cred) = props.get_mut("credentials").and_then(Value::as_object_mut) else {
        return;
    };
    if let Some(p) = cred
        .get_mut("authorization")
        .and_then(|a| a.get_mut("parameter"))
        .filter(|p| !p.is_null())
    {
        *p = Value::String(REDACTED.into());
    }
    for map in ["header", "query"] {
        if let Some(entries) = cred.get_mut(map).and_then(Value::as_object_mut) {
            for value in entries.values_mut() {
                match value {
                    Value::Array(items) => items
                        .iter_mut()
                        .for_each(|i| *i = Value::String(REDACTED.into())),
                    Value::Null => {}
                    other => *other = Value::String(REDACTED.into()),
                }
            }
        }
    }
}

/// Redacts a JSON text; text that is not JSON is replaced whole, since it cannot be inspected.
pub fn redact_backend_text(text: &str) -> String {
    match serde_json::from_str::<Value>(text) {
        Ok(mut v) => {
            redact_backend_json(&mut v);
            v.to_string()
        }
        Err(_) if text.is_empty() => String::new(),
        Err(_) => format!("<{} bytes, not JSON: {REDACTED}>", text.len()),
    }
}
