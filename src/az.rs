//! Az.ApiManagement's parameters, mapped to a PATCH body as `Set-AzApiManagementBackend` builds
//! it (only given parameters; TLS flags inverted; If-Match `*`), without its bugs:
//! `-CertificateId` goes to `credentials.certificateIds` (not the thumbprints), a plain string
//! header/query value is a one-element list, X509 names may map to several issuers, and a single
//! TLS flag is completed from the current backend by the client ([`tls_needs_completion`]).
//! Beyond Az: `Type`, `Pool`, `CircuitBreaker`, and `Clear` to remove sub-objects.
//!
//! Validation errors name the Az parameter (`field` = `Title`, `Credential`, …) and keep the JSON
//! path in the message.

use indexmap::IndexMap;
use serde::Deserialize;

use crate::error::{Error, ErrorKind};
use crate::model::*;
use crate::patch::BackendPatch;
use crate::secret::Secret;
use crate::validate::{codes, invalid};

/// `-Credential` (PsApiManagementBackendCredential).
#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "PascalCase", deny_unknown_fields, default)]
pub struct AzCredential {
    pub certificate_thumbprint: Option<Vec<String>>,
    pub certificate_id: Option<Vec<String>>,
    pub query: Option<IndexMap<String, SecretValues>>,
    pub header: Option<IndexMap<String, SecretValues>>,
    pub authorization_header_scheme: Option<String>,
    pub authorization_header_parameter: Option<Secret>,
}

/// `-Proxy` (PsApiManagementBackendProxy; user name and password from its PSCredential).
#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "PascalCase", deny_unknown_fields, default)]
pub struct AzProxy {
    pub url: Option<String>,
    pub username: Option<String>,
    pub password: Option<Secret>,
}

/// One or several issuer thumbprints for a server X509 name.
#[derive(Debug, Deserialize)]
#[serde(untagged)]
pub enum OneOrMany {
    One(String),
    Many(Vec<String>),
}

/// `-ServiceFabricCluster` (PsApiManagementServiceFabric).
#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "PascalCase", deny_unknown_fields, default)]
pub struct AzServiceFabric {
    pub management_endpoint: Option<Vec<String>>,
    pub client_certificate_thumbprint: Option<String>,
    pub client_certificate_id: Option<String>,
    pub max_partition_resolution_retry: Option<i32>,
    #[serde(rename = "ServerX509Name")]
    pub server_x509_name: Option<IndexMap<String, OneOrMany>>,
    pub server_certificate_thumbprint: Option<Vec<String>>,
}

/// A pool member (`-Pool`).
#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase", deny_unknown_fields)]
pub struct AzPoolMember {
    pub id: String,
    pub priority: Option<i32>,
    pub weight: Option<i32>,
}

/// A circuit-breaker rule (`-CircuitBreaker`).
#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase", deny_unknown_fields)]
pub struct AzCircuitBreakerRule {
    pub name: Option<String>,
    pub trip_duration: Option<String>,
    pub accept_retry_after: Option<bool>,
    pub failure_count: Option<i64>,
    pub failure_percentage: Option<i64>,
    pub failure_interval: Option<String>,
    pub status_code_range: Option<Vec<AzStatusRange>>,
    pub error_reason: Option<Vec<String>>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase", deny_unknown_fields)]
pub struct AzStatusRange {
    pub min: i32,
    pub max: i32,
}

/// What can be removed with `-Clear`.
pub const CLEARABLE: &[&str] = &[
    "Title",
    "Description",
    "ResourceId",
    "Credential",
    "Proxy",
    "ServiceFabricCluster",
    "Tls",
    "CircuitBreaker",
    "Pool",
];

/// The parameters of Set-AzApiManagementBackend that were given (names as in Az).
#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "PascalCase", deny_unknown_fields, default)]
pub struct AzSetParameters {
    pub protocol: Option<String>,
    pub url: Option<String>,
    pub resource_id: Option<String>,
    pub title: Option<String>,
    pub description: Option<String>,
    pub skip_certificate_chain_validation: Option<bool>,
    pub skip_certificate_name_validation: Option<bool>,
    pub credential: Option<AzCredential>,
    pub proxy: Option<AzProxy>,
    pub service_fabric_cluster: Option<AzServiceFabric>,
    #[serde(rename = "Type")]
    pub backend_type: Option<String>,
    pub pool: Option<Vec<AzPoolMember>>,
    pub circuit_breaker: Option<Vec<AzCircuitBreakerRule>>,
    /// Client certificate ids, sent as `credentials.certificateIds` (with or without -Credential).
    pub certificate_id: Option<Vec<String>>,
    pub clear: Option<Vec<String>>,
}

fn opt<T>(v: Option<T>) -> Field<T> {
    v.map_or(Field::Absent, Field::Set)
}

impl AzSetParameters {
    pub fn to_update(self) -> Result<BackendUpdateParameters, Error> {
        let mut p = BackendUpdateProperties {
            url: opt(self.url),
            protocol: opt(self.protocol.map(|s| BackendProtocol::parse(&s))),
            title: opt(self.title),
            description: opt(self.description),
            resource_id: opt(self.resource_id),
            backend_type: opt(self.backend_type.map(|s| BackendType::parse(&s))),
            ..Default::default()
        };
        if self.skip_certificate_chain_validation.is_some()
            || self.skip_certificate_name_validation.is_some()
        {
            p.tls = Field::Set(BackendTlsUpdate {
                validate_certificate_chain: opt(self.skip_certificate_chain_validation.map(|b| !b)),
                validate_certificate_name: opt(self.skip_certificate_name_validation.map(|b| !b)),
            });
        }
        if let Some(c) = self.credential {
            let authorization = match (
                c.authorization_header_scheme,
                c.authorization_header_parameter,
            ) {
                (None, None) => Field::Absent,
                (scheme, parameter) => Field::Set(BackendAuthorizationUpdate {
                    scheme: opt(scheme),
                    parameter: opt(parameter),
                }),
            };
            let values = |m: Option<IndexMap<String, SecretValues>>| {
                opt(m.map(|m| m.into_iter().map(|(k, v)| (k, Some(v))).collect()))
            };
            p.credentials = Field::Set(BackendCredentialsUpdate {
                certificate_ids: opt(c.certificate_id),
                certificate: opt(c.certificate_thumbprint),
                query: values(c.query),
                header: values(c.header),
                authorization,
            });
        }
        if let Some(ids) = self.certificate_id {
            match &mut p.credentials {
                Field::Set(c) => c.certificate_ids = Field::Set(ids),
                _ => {
                    p.credentials = Field::Set(BackendCredentialsUpdate {
                        certificate_ids: Field::Set(ids),
                        ..Default::default()
                    })
                }
            }
        }
        if let Some(x) = self.proxy {
            p.proxy = Field::Set(BackendProxyUpdate {
                url: opt(x.url),
                username: opt(x.username.filter(|u| !u.is_empty())),
                password: opt(x.password.filter(|p| !p.is_empty())),
            });
        }
        if let Some(sf) = self.service_fabric_cluster {
            let names = sf.server_x509_name.map(|m| {
                m.into_iter()
                    .flat_map(|(name, issuers)| {
                        let issuers = match issuers {
                            OneOrMany::One(i) => vec![i],
                            OneOrMany::Many(v) => v,
                        };
                        issuers.into_iter().map(move |issuer| X509CertificateName {
                            name: Field::Set(name.clone()),
                            issuer_certificate_thumbprint: Field::Set(issuer),
                            ..Default::default()
                        })
                    })
                    .collect()
            });
            p.properties = Field::Set(BackendPropertiesUpdate {
                service_fabric_cluster: Field::Set(ServiceFabricClusterUpdate {
                    management_endpoints: opt(sf.management_endpoint),
                    client_certificate_thumbprint: opt(sf.client_certificate_thumbprint),
                    client_certificate_id: opt(sf.client_certificate_id),
                    max_partition_resolution_retries: opt(sf.max_partition_resolution_retry),
                    server_x509_names: opt(names),
                    server_certificate_thumbprints: opt(sf.server_certificate_thumbprint),
                }),
            });
        }
        if let Some(members) = self.pool {
            p.pool = Field::Set(BackendPoolUpdate {
                services: Field::Set(
                    members
                        .into_iter()
                        .map(|m| BackendPoolItem {
                            id: Field::Set(m.id),
                            priority: opt(m.priority),
                            weight: opt(m.weight),
                            ..Default::default()
                        })
                        .collect(),
                ),
            });
        }
        if let Some(rules) = self.circuit_breaker {
            p.circuit_breaker = Field::Set(BackendCircuitBreakerUpdate {
                rules: Field::Set(
                    rules
                        .into_iter()
                        .map(|r| {
                            let has_condition = r.failure_count.is_some()
                                || r.failure_percentage.is_some()
                                || r.failure_interval.is_some()
                                || r.status_code_range.is_some()
                                || r.error_reason.is_some();
                            CircuitBreakerRule {
                                name: opt(r.name),
                                trip_duration: opt(r.trip_duration),
                                accept_retry_after: opt(r.accept_retry_after),
                                failure_condition: if has_condition {
                                    Field::Set(CircuitBreakerFailureCondition {
                                        count: opt(r.failure_count),
                                        percentage: opt(r.failure_percentage),
                                        interval: opt(r.failure_interval),
                                        status_code_ranges: opt(r.status_code_range.map(|v| {
                                            v.into_iter()
                                                .map(|s| FailureStatusCodeRange {
                                                    min: Field::Set(s.min),
                                                    max: Field::Set(s.max),
                                                    ..Default::default()
                                                })
                                                .collect()
                                        })),
                                        error_reasons: opt(r.error_reason),
                                        ..Default::default()
                                    })
                                } else {
                                    Field::Absent
                                },
                                ..Default::default()
                            }
                        })
                        .collect(),
                ),
            });
        }
        for name in self.clear.unwrap_or_default() {
            let canonical = CLEARABLE
                .iter()
                .find(|c| c.eq_ignore_ascii_case(&name))
                .copied();
            let Some(canonical) = canonical else {
                return Err(invalid(
                    codes::INVALID_VALUE,
                    "Clear",
                    format!(
                        "'-Clear' takes any of: {}; got '{name}'.",
                        CLEARABLE.join(", ")
                    ),
                ));
            };
            let already = match canonical {
                "Title" => std::mem::replace(&mut p.title, Field::Clear).is_set(),
                "Description" => std::mem::replace(&mut p.description, Field::Clear).is_set(),
                "ResourceId" => std::mem::replace(&mut p.resource_id, Field::Clear).is_set(),
                "Credential" => std::mem::replace(&mut p.credentials, Field::Clear).is_set(),
                "Proxy" => std::mem::replace(&mut p.proxy, Field::Clear).is_set(),
                "ServiceFabricCluster" => {
                    std::mem::replace(&mut p.properties, Field::Clear).is_set()
                }
                "Tls" => std::mem::replace(&mut p.tls, Field::Clear).is_set(),
                "CircuitBreaker" => {
                    std::mem::replace(&mut p.circuit_breaker, Field::Clear).is_set()
                }
                _ => std::mem::replace(&mut p.pool, Field::Clear).is_set(),
            };
            if already {
                return Err(invalid(
                    codes::NOT_ALLOWED,
                    "Clear",
                    format!("'-Clear {canonical}' cannot be combined with a value for the same setting."),
                ));
            }
        }
        Ok(BackendUpdateParameters {
            properties: Field::Set(p),
        })
    }
}

/// The Az parameter a JSON path belongs to.
pub fn parameter_for_path(path: &str) -> &'static str {
    let p = path.strip_prefix("properties.").unwrap_or(path);
    let table: &[(&str, &str)] = &[
        ("url", "Url"),
        ("protocol", "Protocol"),
        ("title", "Title"),
        ("description", "Description"),
        ("resourceId", "ResourceId"),
        ("credentials", "Credential"),
        ("proxy", "Proxy"),
        ("properties", "ServiceFabricCluster"),
        (
            "tls.validateCertificateChain",
            "SkipCertificateChainValidation",
        ),
        (
            "tls.validateCertificateName",
            "SkipCertificateNameValidation",
        ),
        ("tls", "SkipCertificateChainValidation"),
        ("circuitBreaker", "CircuitBreaker"),
        ("pool", "Pool"),
        ("type", "Type"),
    ];
    if p.starts_with("credentials.certificateIds") {
        return "CertificateId";
    }
    table
        .iter()
        .find(|(prefix, _)| {
            p == *prefix
                || p.starts_with(&format!("{prefix}."))
                || p.starts_with(&format!("{prefix}["))
        })
        .map(|(_, name)| *name)
        .unwrap_or("InputObject")
}

/// Parses the given parameters, maps them and validates the result. Errors name the parameter.
pub fn build_patch(parameters_json: &str) -> Result<BackendPatch, Error> {
    let params: AzSetParameters =
        serde_path_to_error::deserialize(&mut serde_json::Deserializer::from_str(parameters_json))
            .map_err(|e| {
                let path = e.path().to_string();
                let inner = e.into_inner();
                if inner.is_syntax() || inner.is_eof() {
                    return Error::new(
                        ErrorKind::InvalidArgument,
                        codes::INVALID_JSON,
                        format!(
                            "The parameters are not valid JSON (line {}, column {}).",
                            inner.line(),
                            inner.column()
                        ),
                    );
                }
                let top = path
                    .split(['.', '['])
                    .next()
                    .unwrap_or_default()
                    .to_string();
                let msg = inner.to_string();
                let why = match msg.strip_prefix("unknown field `") {
                    Some(rest) => format!(
                        "it has no setting '{}'",
                        rest.split('`').next().unwrap_or_default()
                    ),
                    None => format!(
                        "a value has the wrong type ({})",
                        msg.split(", expected ")
                            .nth(1)
                            .map(|s| format!(
                                "expected {}",
                                s.split(" at line").next().unwrap_or(s)
                            ))
                            .unwrap_or_else(|| "see the parameter's help".into())
                    ),
                };
                invalid(
                    codes::INVALID_VALUE,
                    if top.is_empty() { "InputObject" } else { &top },
                    format!("Cannot use parameter '{top}': {why}."),
                )
            })?;
    let update = params.to_update().map_err(name_parameter)?;
    BackendPatch::new(update).map_err(name_parameter)
}

/// Points an error at the Az parameter it is about, in PowerShell's own wording. Mapping errors
/// already name the parameter; validation errors give a JSON path.
fn name_parameter(mut e: Error) -> Error {
    if let Some(field) = e.field.clone() {
        let parameter = if field.starts_with("properties") {
            parameter_for_path(&field).to_string()
        } else {
            field
        };
        e.message = format!(
            "Cannot validate argument on parameter '{parameter}'. {}",
            e.message
        );
        e.field = Some(parameter);
    }
    e
}

/// When exactly one TLS flag is set, the service would reset the other (azure-powershell
/// #29209): the client completes it from the current backend.
pub fn tls_needs_completion(patch: &BackendPatch) -> bool {
    match patch
        .body()
        .properties
        .as_set()
        .and_then(|p| p.tls.as_set())
    {
        Some(tls) => {
            tls.validate_certificate_chain.is_set() != tls.validate_certificate_name.is_set()
        }
        None => false,
    }
}

/// Fills the missing TLS flag from the current backend (`true` when it has none, the default).
pub fn complete_tls(
    patch: &BackendPatch,
    current: &BackendContract,
) -> Result<BackendPatch, Error> {
    let current_tls = current.properties.as_set().and_then(|p| p.tls.as_set());
    let current_flag = |f: fn(&BackendTls) -> &Field<bool>| {
        current_tls
            .and_then(|t| f(t).as_set())
            .copied()
            .unwrap_or(true)
    };
    let mut body = patch.body().clone();
    if let Field::Set(p) = &mut body.properties {
        if let Field::Set(tls) = &mut p.tls {
            if tls.validate_certificate_chain.is_absent() {
                tls.validate_certificate_chain =
                    Field::Set(current_flag(|t| &t.validate_certificate_chain));
            }
            if tls.validate_certificate_name.is_absent() {
                tls.validate_certificate_name =
                    Field::Set(current_flag(|t| &t.validate_certificate_name));
            }
        }
    }
    BackendPatch::new(body)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn body(params: &str) -> String {
        build_patch(params).unwrap().body_json().to_string()
    }

    #[test]
    fn maps_parameters_as_az_does_without_its_bugs() {
        assert_eq!(
            body(r#"{"Description":"updated description"}"#),
            r#"{"properties":{"description":"updated description"}}"#
        );
        assert_eq!(
            body(
                r#"{"SkipCertificateChainValidation":true,"SkipCertificateNameValidation":false}"#
            ),
            r#"{"properties":{"tls":{"validateCertificateChain":false,"validateCertificateName":true}}}"#
        );
        assert_eq!(
            body(
                r#"{"Credential":{"CertificateId":["/c/1"],"CertificateThumbprint":["AB"],"Header":{"x-key":"v"},"Query":{"q":["a","b"]},"AuthorizationHeaderScheme":"Basic","AuthorizationHeaderParameter":"p"}}"#
            ),
            r#"{"properties":{"credentials":{"certificateIds":["/c/1"],"certificate":["AB"],"query":{"q":["a","b"]},"header":{"x-key":["v"]},"authorization":{"scheme":"Basic","parameter":"p"}}}}"#
        );
        assert_eq!(
            body(r#"{"Proxy":{"Url":"http://p:8080","Username":"","Password":""}}"#),
            r#"{"properties":{"proxy":{"url":"http://p:8080"}}}"#
        );
        assert_eq!(
            body(
                r#"{"ServiceFabricCluster":{"ManagementEndpoint":["https://c:19080"],"ServerX509Name":{"cn1":["t1","t2"],"cn2":"t3"},"MaxPartitionResolutionRetry":5}}"#
            ),
            r#"{"properties":{"properties":{"serviceFabricCluster":{"maxPartitionResolutionRetries":5,"managementEndpoints":["https://c:19080"],"serverX509Names":[{"name":"cn1","issuerCertificateThumbprint":"t1"},{"name":"cn1","issuerCertificateThumbprint":"t2"},{"name":"cn2","issuerCertificateThumbprint":"t3"}]}}}}"#
        );
        assert_eq!(
            body(r#"{"Clear":["proxy","CircuitBreaker"]}"#),
            r#"{"properties":{"proxy":null,"circuitBreaker":null}}"#
        );
    }

    #[test]
    fn errors_name_the_parameter() {
        let e = build_patch(r#"{"Title":""}"#).unwrap_err();
        assert_eq!(
            (e.code.as_str(), e.field.as_deref()),
            ("InvalidLength", Some("Title"))
        );
        assert!(
            e.message
                .starts_with("Cannot validate argument on parameter 'Title'."),
            "{}",
            e.message
        );
        let e = build_patch(r#"{"Credential":{"AuthorizationHeaderScheme":"Basic"}}"#).unwrap_err();
        assert_eq!(e.field.as_deref(), Some("Credential"));
        let e = build_patch(r#"{"SkipCertificateNameValidation":"yes"}"#).unwrap_err();
        assert_eq!(e.field.as_deref(), Some("SkipCertificateNameValidation"));
        let e = build_patch(r#"{"Clear":["Everything"]}"#).unwrap_err();
        assert_eq!(e.field.as_deref(), Some("Clear"));
        assert!(
            e.message
                .starts_with("Cannot validate argument on parameter 'Clear'."),
            "{}",
            e.message
        );
        let e = build_patch(r#"{"Clear":["Title"],"Title":"x"}"#).unwrap_err();
        assert_eq!(e.code, "NotAllowed");
        let e = build_patch(r#"{"Pool":[{"Id":"x","Weight":101}]}"#).unwrap_err();
        assert_eq!(e.field.as_deref(), Some("Pool"));
    }

    #[test]
    fn a_single_tls_flag_is_completed_from_the_current_backend() {
        let patch = build_patch(r#"{"SkipCertificateNameValidation":true}"#).unwrap();
        assert!(tls_needs_completion(&patch));
        let current: BackendContract =
            serde_json::from_str(r#"{"properties":{"tls":{"validateCertificateChain":false}}}"#)
                .unwrap();
        let done = complete_tls(&patch, &current).unwrap();
        assert!(!tls_needs_completion(&done));
        assert_eq!(
            *done.body_json(),
            r#"{"properties":{"tls":{"validateCertificateChain":false,"validateCertificateName":false}}}"#
        );
        let both = build_patch(
            r#"{"SkipCertificateNameValidation":true,"SkipCertificateChainValidation":true}"#,
        )
        .unwrap();
        assert!(!tls_needs_completion(&both));
    }
}
