//! Checks run before anything is sent: the spec's constraints (lengths, enums, item counts,
//! ranges, required fields) and the service rules the schema does not show (one circuit-breaker
//! rule, no url/protocol on a pool, ISO 8601 durations, ARM ids of pool members).
//!
//! Every failure is an [`Error`] of kind `Validation` with a stable code and the JSON path of the
//! offending field. Messages say what is allowed and never quote secret values.

use once_cell::sync::Lazy;
use regex::Regex;

use crate::error::{Error, ErrorKind};
use crate::model::*;

/// Stable validation error codes.
pub mod codes {
    pub const REQUIRED: &str = "Required";
    pub const INVALID_LENGTH: &str = "InvalidLength";
    pub const INVALID_VALUE: &str = "InvalidValue";
    pub const OUT_OF_RANGE: &str = "OutOfRange";
    pub const TOO_MANY_ITEMS: &str = "TooManyItems";
    pub const TOO_FEW_ITEMS: &str = "TooFewItems";
    pub const INVALID_FORMAT: &str = "InvalidFormat";
    pub const NOT_ALLOWED: &str = "NotAllowed";
    pub const CANNOT_CLEAR: &str = "CannotClear";
    pub const UNKNOWN_FIELD: &str = "UnknownField";
    pub const INVALID_JSON: &str = "InvalidJson";
}

/// At most this many certificate ids or thumbprints (spec: maxItems 32).
pub const MAX_CERTIFICATES: usize = 32;
/// The schema allows 15 rules; the service accepts one.
pub const MAX_CIRCUIT_BREAKER_RULES: usize = 1;

pub(crate) fn invalid(code: &str, path: &str, message: String) -> Error {
    Error::new(ErrorKind::Validation, code, message).with_field(path)
}

static ARM_BACKEND_ID: Lazy<Regex> = Lazy::new(|| {
    Regex::new(
        r"(?i)^/subscriptions/[^/]+/resourceGroups/[^/]+/providers/Microsoft\.ApiManagement/service/[^/]+/backends/[^/]+$",
    )
    .expect("valid regex")
});
static SERVICE_NAME: Lazy<Regex> =
    Lazy::new(|| Regex::new(r"^[a-zA-Z](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?$").expect("valid regex"));
static RESOURCE_GROUP: Lazy<Regex> =
    Lazy::new(|| Regex::new(r"^[-\w._()]+$").expect("valid regex"));
static GUID: Lazy<Regex> = Lazy::new(|| {
    Regex::new(r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$")
        .expect("valid regex")
});

/// Collects failures in document order so the first one reported is the first in the body.
#[derive(Default)]
struct Checker {
    errors: Vec<Error>,
}

impl Checker {
    fn fail(&mut self, code: &str, path: &str, message: String) {
        self.errors.push(invalid(code, path, message));
    }

    fn length(&mut self, path: &str, value: &str, min: usize, max: usize) {
        let n = value.chars().count();
        if n < min || n > max {
            self.fail(
                codes::INVALID_LENGTH,
                path,
                format!("'{path}' must be {min} to {max} characters long; it has {n}."),
            );
        }
    }

    fn secret_length(&mut self, path: &str, value: &crate::secret::Secret, min: usize, max: usize) {
        let n = value.char_count();
        if n < min || n > max {
            self.fail(
                codes::INVALID_LENGTH,
                path,
                format!("'{path}' must be {min} to {max} characters long; it has {n}."),
            );
        }
    }

    fn range(&mut self, path: &str, value: i64, min: i64, max: i64) {
        if value < min || value > max {
            self.fail(
                codes::OUT_OF_RANGE,
                path,
                format!("'{path}' must be between {min} and {max}; it is {value}."),
            );
        }
    }

    fn max_items<T>(&mut self, path: &str, items: &[T], max: usize, why: &str) {
        if items.len() > max {
            self.fail(
                codes::TOO_MANY_ITEMS,
                path,
                format!(
                    "'{path}' allows at most {max} item(s){why}; it has {}.",
                    items.len()
                ),
            );
        }
    }

    /// An absolute URL; http(s) URLs need a host. `web_only` also demands http or https (a
    /// proxy), while a backend URL may use another scheme (`fabric:/app/service`).
    fn url_with(&mut self, path: &str, value: &str, web_only: bool) {
        self.length(path, value, 1, 2000);
        if value.is_empty() {
            return;
        }
        let ok = url::Url::parse(value).is_ok_and(|u| {
            let web = matches!(u.scheme(), "http" | "https");
            (web || !web_only) && (!web || u.host_str().is_some_and(|h| !h.is_empty()))
        });
        if !ok {
            let allowed = if web_only {
                "an absolute http or https URL (for example http://proxy.contoso.com:8080)"
            } else {
                "an absolute URL (for example https://host/path)"
            };
            self.fail(
                codes::INVALID_FORMAT,
                path,
                format!("'{path}' must be {allowed}."),
            );
        }
    }

    fn url(&mut self, path: &str, value: &str) {
        self.url_with(path, value, false)
    }

    fn duration(&mut self, path: &str, value: &str) {
        if iso8601::duration(value).is_err() {
            self.fail(
                codes::INVALID_FORMAT,
                path,
                format!(
                    "'{path}' must be an ISO 8601 duration such as PT30S, PT5M or P1DT2H; got '{value}'."
                ),
            );
        }
    }

    fn enum_value(&mut self, path: &str, value: &str, known: &[&str]) {
        self.fail(
            codes::INVALID_VALUE,
            path,
            format!(
                "'{path}' must be one of: {}; got '{value}'.",
                known.join(", ")
            ),
        );
    }

    fn cannot_clear<T>(&mut self, path: &str, field: &Field<T>, why: &str) {
        if matches!(field, Field::Clear) {
            self.fail(
                codes::CANNOT_CLEAR,
                path,
                format!("'{path}' cannot be removed (null): {why}."),
            );
        }
    }

    fn no_extra(&mut self, path: &str, extra: &Extra) {
        if let Some(name) = extra.keys().next() {
            self.fail(
                codes::UNKNOWN_FIELD,
                &format!("{path}.{name}"),
                format!("'{path}' has no field '{name}' in api-version 2024-05-01."),
            );
        }
    }
}

/// Validates a PATCH body; returns every failure found, in document order.
pub fn validate_update(body: &BackendUpdateParameters) -> Vec<Error> {
    let mut c = Checker::default();
    match &body.properties {
        Field::Absent => c.fail(
            codes::REQUIRED,
            "properties",
            "The update sets no field: give at least one property to change.".into(),
        ),
        Field::Clear => c.cannot_clear("properties", &body.properties, "it holds the backend"),
        Field::Set(p) => validate_properties(&mut c, p),
    }
    c.errors
}

fn validate_properties(c: &mut Checker, p: &BackendUpdateProperties) {
    const P: &str = "properties";
    if *p == BackendUpdateProperties::default() {
        c.fail(
            codes::REQUIRED,
            P,
            "The update sets no field: give at least one property to change.".into(),
        );
        return;
    }
    if let Field::Set(url) = &p.url {
        c.url("properties.url", url);
    }
    if let Field::Set(BackendProtocol::Other(v)) = &p.protocol {
        c.enum_value("properties.protocol", v, BackendProtocol::KNOWN);
    }
    if let Field::Set(v) = &p.title {
        c.length("properties.title", v, 1, 300);
    }
    if let Field::Set(v) = &p.description {
        c.length("properties.description", v, 1, 2000);
    }
    if let Field::Set(v) = &p.resource_id {
        c.length("properties.resourceId", v, 1, 2000);
    }
    if let Field::Set(props) = &p.properties {
        if let Field::Set(sf) = &props.service_fabric_cluster {
            validate_service_fabric(c, sf);
        }
    }
    if let Field::Set(cred) = &p.credentials {
        validate_credentials(c, cred);
    }
    if let Field::Set(proxy) = &p.proxy {
        match &proxy.url {
            Field::Set(url) => c.url_with("properties.proxy.url", url, true),
            _ => c.fail(
                codes::REQUIRED,
                "properties.proxy.url",
                "'properties.proxy.url' is required when a proxy is given.".into(),
            ),
        }
    }
    if let Field::Set(BackendType::Other(v)) = &p.backend_type {
        c.enum_value("properties.type", v, BackendType::KNOWN);
    }
    if let Field::Set(cb) = &p.circuit_breaker {
        validate_circuit_breaker(c, cb);
    }
    if let Field::Set(pool) = &p.pool {
        match &pool.services {
            Field::Set(services) => validate_pool_services(c, services),
            _ => c.fail(
                codes::REQUIRED,
                "properties.pool.services",
                "'properties.pool.services' is required when a pool is given: list at least one member backend.".into(),
            ),
        }
    }
    // Service rules: a pool forwards to its members, so it has no url or protocol of its own.
    let is_pool = matches!(p.backend_type, Field::Set(BackendType::Pool)) || p.pool.is_set();
    if is_pool {
        for (field, given) in [("url", p.url.is_set()), ("protocol", p.protocol.is_set())] {
            if given {
                c.fail(
                    codes::NOT_ALLOWED,
                    &format!("{P}.{field}"),
                    format!("'{P}.{field}' is not allowed on a backend of type Pool: a pool forwards to its member backends."),
                );
            }
        }
    }
    if matches!(p.backend_type, Field::Set(BackendType::Single)) && p.pool.is_set() {
        c.fail(
            codes::NOT_ALLOWED,
            "properties.pool",
            "'properties.pool' is only allowed when 'properties.type' is Pool.".into(),
        );
    }
}

fn validate_credentials(c: &mut Checker, cred: &BackendCredentialsUpdate) {
    if let Field::Set(ids) = &cred.certificate_ids {
        c.max_items(
            "properties.credentials.certificateIds",
            ids,
            MAX_CERTIFICATES,
            "",
        );
    }
    if let Field::Set(t) = &cred.certificate {
        c.max_items(
            "properties.credentials.certificate",
            t,
            MAX_CERTIFICATES,
            "",
        );
    }
    for (name, map) in [("query", &cred.query), ("header", &cred.header)] {
        if let Field::Set(map) = map {
            for key in map.keys() {
                if key.trim().is_empty() {
                    c.fail(
                        codes::INVALID_VALUE,
                        &format!("properties.credentials.{name}"),
                        format!("'properties.credentials.{name}' has an empty parameter name."),
                    );
                }
            }
        }
    }
    if let Field::Set(auth) = &cred.authorization {
        const S: &str = "properties.credentials.authorization.scheme";
        const PARAM: &str = "properties.credentials.authorization.parameter";
        match &auth.scheme {
            Field::Set(s) => c.length(S, s, 1, 100),
            _ => c.fail(
                codes::REQUIRED,
                S,
                format!("'{S}' is required when authorization is given (1 to 100 characters)."),
            ),
        }
        match &auth.parameter {
            Field::Set(p) => c.secret_length(PARAM, p, 1, 300),
            _ => c.fail(
                codes::REQUIRED,
                PARAM,
                format!("'{PARAM}' is required when authorization is given (1 to 300 characters)."),
            ),
        }
    }
}

fn validate_service_fabric(c: &mut Checker, sf: &ServiceFabricClusterUpdate) {
    const B: &str = "properties.properties.serviceFabricCluster";
    match &sf.management_endpoints {
        Field::Set(eps) if !eps.is_empty() => {
            for (i, ep) in eps.iter().enumerate() {
                c.url(&format!("{B}.managementEndpoints[{i}]"), ep);
            }
        }
        _ => c.fail(
            codes::REQUIRED,
            &format!("{B}.managementEndpoints"),
            format!("'{B}.managementEndpoints' is required: list at least one cluster management endpoint URL."),
        ),
    }
    if let Field::Set(n) = &sf.max_partition_resolution_retries {
        c.range(
            &format!("{B}.maxPartitionResolutionRetries"),
            i64::from(*n),
            0,
            i64::from(i32::MAX),
        );
    }
    if let Field::Set(t) = &sf.server_certificate_thumbprints {
        c.max_items(
            &format!("{B}.serverCertificateThumbprints"),
            t,
            MAX_CERTIFICATES,
            "",
        );
    }
    if let Field::Set(names) = &sf.server_x509_names {
        for (i, n) in names.iter().enumerate() {
            let path = format!("{B}.serverX509Names[{i}]");
            c.no_extra(&path, &n.extra);
            if n.name.as_set().is_none_or(|s| s.is_empty()) {
                c.fail(
                    codes::REQUIRED,
                    &format!("{path}.name"),
                    format!("'{path}.name' (the certificate's common name) is required."),
                );
            }
        }
    }
}

fn validate_circuit_breaker(c: &mut Checker, cb: &BackendCircuitBreakerUpdate) {
    const R: &str = "properties.circuitBreaker.rules";
    let rules = match &cb.rules {
        Field::Set(rules) => rules,
        _ => {
            return c.fail(
                codes::REQUIRED,
                R,
                format!("'{R}' is required when a circuit breaker is given; remove the circuit breaker with null instead."),
            )
        }
    };
    if rules.is_empty() {
        c.fail(
            codes::TOO_FEW_ITEMS,
            R,
            format!("'{R}' needs one rule; remove the circuit breaker with null instead."),
        );
    }
    c.max_items(
        R,
        rules,
        MAX_CIRCUIT_BREAKER_RULES,
        " (the service accepts one rule per backend)",
    );
    for (i, rule) in rules.iter().enumerate() {
        let path = format!("{R}[{i}]");
        c.no_extra(&path, &rule.extra);
        match rule.name.as_set() {
            Some(n) => c.length(&format!("{path}.name"), n, 1, 256),
            None => c.fail(
                codes::REQUIRED,
                &format!("{path}.name"),
                format!("'{path}.name' is required."),
            ),
        }
        if let Some(d) = rule.trip_duration.as_set() {
            c.duration(&format!("{path}.tripDuration"), d);
        }
        if let Some(fc) = rule.failure_condition.as_set() {
            let fpath = format!("{path}.failureCondition");
            c.no_extra(&fpath, &fc.extra);
            if let Some(&n) = fc.count.as_set() {
                c.range(&format!("{fpath}.count"), n, 1, i64::MAX);
            }
            if let Some(&n) = fc.percentage.as_set() {
                c.range(&format!("{fpath}.percentage"), n, 1, 100);
            }
            if let Some(d) = fc.interval.as_set() {
                c.duration(&format!("{fpath}.interval"), d);
            }
            if let Some(ranges) = fc.status_code_ranges.as_set() {
                let rpath = format!("{fpath}.statusCodeRanges");
                c.max_items(&rpath, ranges, 10, "");
                for (j, r) in ranges.iter().enumerate() {
                    let p = format!("{rpath}[{j}]");
                    c.no_extra(&p, &r.extra);
                    for (name, v) in [
                        ("min", r.min.as_set().copied()),
                        ("max", r.max.as_set().copied()),
                    ] {
                        match v {
                            Some(v) => c.range(&format!("{p}.{name}"), i64::from(v), 200, 599),
                            None => c.fail(
                                codes::REQUIRED,
                                &format!("{p}.{name}"),
                                format!("'{p}.{name}' is required (a status code 200 to 599)."),
                            ),
                        }
                    }
                    if let (Some(&min), Some(&max)) = (r.min.as_set(), r.max.as_set()) {
                        if min > max {
                            c.fail(
                                codes::INVALID_VALUE,
                                &p,
                                format!(
                                    "'{p}' has min {min} above max {max}; min must not exceed max."
                                ),
                            );
                        }
                    }
                }
            }
            if let Some(reasons) = fc.error_reasons.as_set() {
                let rpath = format!("{fpath}.errorReasons");
                c.max_items(&rpath, reasons, 10, "");
                for (j, r) in reasons.iter().enumerate() {
                    c.length(&format!("{rpath}[{j}]"), r, 1, 200);
                }
            }
        }
    }
}

fn validate_pool_services(c: &mut Checker, services: &[BackendPoolItem]) {
    const S: &str = "properties.pool.services";
    if services.is_empty() {
        c.fail(
            codes::TOO_FEW_ITEMS,
            S,
            format!("'{S}' needs at least one member backend."),
        );
    }
    for (i, item) in services.iter().enumerate() {
        let path = format!("{S}[{i}]");
        c.no_extra(&path, &item.extra);
        match item.id.as_set().map(String::as_str) {
            Some(id) if ARM_BACKEND_ID.is_match(id) => {}
            Some(_) => c.fail(
                codes::INVALID_FORMAT,
                &format!("{path}.id"),
                format!("'{path}.id' must be the ARM id of a backend: /subscriptions/{{sub}}/resourceGroups/{{rg}}/providers/Microsoft.ApiManagement/service/{{service}}/backends/{{backendId}}."),
            ),
            None => c.fail(
                codes::REQUIRED,
                &format!("{path}.id"),
                format!("'{path}.id' (the ARM id of the member backend) is required."),
            ),
        }
        if let Some(&p) = item.priority.as_set() {
            c.range(&format!("{path}.priority"), i64::from(p), 0, 100);
        }
        if let Some(&w) = item.weight.as_set() {
            c.range(&format!("{path}.weight"), i64::from(w), 0, 100);
        }
    }
}

/// Where a backend lives: the path segments of its ARM id, each validated.
#[derive(Debug, Clone, PartialEq, Eq, serde::Deserialize, serde::Serialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct BackendTarget {
    pub subscription_id: String,
    pub resource_group_name: String,
    pub service_name: String,
    /// Absent when the target is the whole collection (list).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub backend_id: Option<String>,
}

impl BackendTarget {
    /// Checks every segment; the first failure is returned.
    pub fn validate(&self) -> Result<(), Error> {
        let mut c = Checker::default();
        if !GUID.is_match(&self.subscription_id) {
            c.fail(
                codes::INVALID_FORMAT,
                "subscriptionId",
                format!(
                    "'subscriptionId' must be a GUID (xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx); got '{}'.",
                    self.subscription_id
                ),
            );
        }
        let rg = &self.resource_group_name;
        c.length("resourceGroupName", rg, 1, 90);
        if !rg.is_empty() && (!RESOURCE_GROUP.is_match(rg) || rg.ends_with('.')) {
            c.fail(
                codes::INVALID_FORMAT,
                "resourceGroupName",
                "'resourceGroupName' may hold letters, digits, '_', '-', '.', '(' and ')', and must not end with '.'.".into(),
            );
        }
        let svc = &self.service_name;
        c.length("serviceName", svc, 1, 50);
        if !svc.is_empty() && !SERVICE_NAME.is_match(svc) {
            c.fail(
                codes::INVALID_FORMAT,
                "serviceName",
                "'serviceName' must start with a letter, hold only letters, digits and '-', and end with a letter or digit.".into(),
            );
        }
        if let Some(id) = &self.backend_id {
            c.length("backendId", id, 1, 80);
            if id
                .chars()
                .any(|ch| ch.is_control() || "/?#*&+:<>%\\".contains(ch))
            {
                c.fail(
                    codes::INVALID_FORMAT,
                    "backendId",
                    "'backendId' must not contain control characters or any of / ? # * & + : < > % \\.".into(),
                );
            }
        }
        match c.errors.into_iter().next() {
            Some(e) => Err(e),
            None => Ok(()),
        }
    }

    /// `/subscriptions/{sub}/resourceGroups/{rg}/providers/Microsoft.ApiManagement/service/{svc}/backends[/{id}]`.
    pub fn path(&self) -> String {
        let mut p = format!(
            "/subscriptions/{}/resourceGroups/{}/providers/Microsoft.ApiManagement/service/{}/backends",
            self.subscription_id, self.resource_group_name, self.service_name
        );
        if let Some(id) = &self.backend_id {
            p.push('/');
            p.push_str(id);
        }
        p
    }
}
