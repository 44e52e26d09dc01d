//! Building a PATCH body: parse the caller's description of the fields to set (values) and to
//! remove (null), validate it, and produce the JSON merge patch that carries exactly those
//! fields, plus its redacted preview.

use zeroize::Zeroizing;

use crate::error::{Error, ErrorKind};
use crate::model::BackendUpdateParameters;
use crate::redact::redact_backend_json;
use crate::validate::{codes, invalid, validate_update};

/// A validated PATCH body.
#[derive(Debug, Clone, PartialEq)]
pub struct BackendPatch {
    body: BackendUpdateParameters,
}

impl BackendPatch {
    /// Parses and validates a description in the shape of `BackendUpdateParameters`
    /// (`{"properties": {...}}`): a value sets a field, `null` removes it, absence leaves it.
    /// Fails with the first problem found (its JSON path in `field`).
    pub fn from_json(text: &str) -> Result<Self, Error> {
        let body = parse_update(text)?;
        Self::new(body)
    }

    /// Validates an update built in code.
    pub fn new(body: BackendUpdateParameters) -> Result<Self, Error> {
        let mut errors = validate_update(&body).into_iter();
        match errors.next() {
            None => Ok(BackendPatch { body }),
            Some(mut first) => {
                let more = errors.count();
                if more > 0 {
                    first
                        .message
                        .push_str(&format!(" ({more} more problem(s) in the same update.)"));
                }
                Err(first)
            }
        }
    }

    pub fn body(&self) -> &BackendUpdateParameters {
        &self.body
    }

    /// The exact JSON to send. Holds secrets: zeroized when dropped, never logged.
    pub fn body_json(&self) -> Zeroizing<String> {
        Zeroizing::new(serde_json::to_string(&self.body).expect("patch types always serialize"))
    }

    /// The body with every secret replaced by the redaction marker: what -WhatIf and -Verbose show.
    pub fn preview_json(&self) -> String {
        let mut v = serde_json::to_value(&self.body).expect("patch types always serialize");
        redact_backend_json(&mut v);
        v.to_string()
    }
}

impl std::fmt::Display for BackendPatch {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.preview_json())
    }
}

/// Parses a description, mapping serde's failures to validation errors with a JSON path. Serde's
/// own messages can quote the offending value (a secret, say), so only the path and the expected
/// type are kept.
pub fn parse_update(text: &str) -> Result<BackendUpdateParameters, Error> {
    // serde would also read a struct from a JSON array; the body is an object or nothing.
    if !text.trim_start().starts_with('{')
        && serde_json::from_str::<serde_json::Value>(text).is_ok()
    {
        return Err(invalid(
            codes::INVALID_VALUE,
            "",
            "The update must be a JSON object such as {\"properties\": {\"description\": \"text\"}}.".into(),
        ));
    }
    let mut de = serde_json::Deserializer::from_str(text);
    let parsed: Result<BackendUpdateParameters, _> = serde_path_to_error::deserialize(&mut de);
    let body = parsed.map_err(|e| {
        let path = e.path().to_string();
        let path = if path == "." { String::new() } else { path };
        let inner = e.into_inner();
        let msg = inner.to_string();
        if inner.is_syntax() || inner.is_eof() || inner.is_io() {
            return invalid_json(&inner);
        }
        if let Some(rest) = msg.strip_prefix("unknown field `") {
            let name = rest.split('`').next().unwrap_or_default();
            let parent = path.trim_end_matches(name).trim_end_matches('.');
            let full = if parent.is_empty() {
                name.to_string()
            } else {
                format!("{parent}.{name}")
            };
            return invalid(
                codes::UNKNOWN_FIELD,
                &full,
                format!("'{full}' is not a field of the backend update in api-version 2024-05-01."),
            );
        }
        let expected = msg
            .split(", expected ")
            .nth(1)
            .map(|s| s.split(" at line ").next().unwrap_or(s).to_string())
            .unwrap_or_else(|| "a different type".into());
        let shown = if path.is_empty() { "the update" } else { &path };
        invalid(
            codes::INVALID_VALUE,
            &path,
            format!("'{shown}' has the wrong type: expected {expected}."),
        )
    })?;
    // Trailing text after the object is a syntax error too.
    de.end().map_err(|e| invalid_json(&e))?;
    Ok(body)
}

fn invalid_json(e: &serde_json::Error) -> Error {
    Error::new(
        ErrorKind::InvalidArgument,
        codes::INVALID_JSON,
        format!(
            "The update description is not valid JSON (line {}, column {}).",
            e.line(),
            e.column()
        ),
    )
}
