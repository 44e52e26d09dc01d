//! The backend resource of Microsoft.ApiManagement at api-version 2024-05-01, as
//! `../shared/spec/.../definitions.json` defines it.
//!
//! Two families of types:
//! * **Contract types** (`BackendContract` …) describe what the service returns. Every object keeps
//!   fields this version does not know in `extra`, so a read-modify-write loses nothing.
//! * **Update types** (`BackendUpdateParameters` …) describe a PATCH body as a JSON merge patch:
//!   each field is a [`Field`], so "not given" (absent), "remove" (null) and "set" stay distinct.
//!   Unknown fields are rejected, since a typo must not be silently dropped.

use indexmap::IndexMap;
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use serde_json::{Map, Value};

use crate::secret::Secret;

/// Fields a newer service version may add; kept for lossless round trips.
pub type Extra = Map<String, Value>;

/// A string enum the spec marks `modelAsString`: known values plus anything else verbatim.
macro_rules! string_enum {
    ($(#[$doc:meta])* $name:ident { $($variant:ident => $text:literal),+ $(,)? }) => {
        $(#[$doc])*
        #[derive(Debug, Clone, PartialEq, Eq, Hash)]
        pub enum $name {
            $($variant,)+
            /// A value this version does not know, kept verbatim.
            Other(String),
        }

        impl $name {
            /// The values the spec lists, in its spelling.
            pub const KNOWN: &'static [&'static str] = &[$($text),+];

            /// Known values match case-insensitively and take the spec's spelling.
            pub fn parse(s: &str) -> Self {
                $(if s.eq_ignore_ascii_case($text) { return $name::$variant; })+
                $name::Other(s.to_string())
            }

            pub fn as_str(&self) -> &str {
                match self {
                    $($name::$variant => $text,)+
                    $name::Other(s) => s,
                }
            }
        }

        impl Serialize for $name {
            fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.serialize_str(self.as_str())
            }
        }

        impl<'de> Deserialize<'de> for $name {
            fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                String::deserialize(d).map(|s| $name::parse(&s))
            }
        }
    };
}

string_enum!(
    /// `BackendProtocol`: how API Management talks to the backend.
    BackendProtocol { Http => "http", Soap => "soap" }
);

string_enum!(
    /// `BackendType`: a single backend or a load-balanced pool of backends.
    BackendType { Single => "Single", Pool => "Pool" }
);

/// One field of a merge patch: not given, removed (`null`) or set.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum Field<T> {
    #[default]
    Absent,
    Clear,
    Set(T),
}

impl<T> Field<T> {
    pub fn is_absent(&self) -> bool {
        matches!(self, Field::Absent)
    }

    pub fn as_set(&self) -> Option<&T> {
        match self {
            Field::Set(v) => Some(v),
            _ => None,
        }
    }

    pub fn is_set(&self) -> bool {
        matches!(self, Field::Set(_))
    }
}

impl<T: Serialize> Serialize for Field<T> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self {
            Field::Set(v) => v.serialize(s),
            // Absent fields are skipped by `skip_serializing_if`; Clear is the merge-patch null.
            Field::Absent | Field::Clear => s.serialize_none(),
        }
    }
}

impl<'de, T: Deserialize<'de>> Deserialize<'de> for Field<T> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        Option::<T>::deserialize(d).map(|o| o.map_or(Field::Clear, Field::Set))
    }
}

// ---------------------------------------------------------------------------------------------
// Contract types (service responses, PUT bodies)
// ---------------------------------------------------------------------------------------------

/// `BackendContract`: one backend as the service returns it. Fields are [`Field`]s so that an
/// explicit `null` in a response survives a round trip as `null`.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct BackendContract {
    #[serde(default, skip_serializing_if = "Field::is_absent")]
    pub id: Field<String>,
    #[serde(default, skip_serializing_if = "Field::is_absent")]
    pub name: Field<String>,
    /// The ARM resource type, `Microsoft.ApiManagement/service/backends`.
    #[serde(default, rename = "type", skip_serializing_if = "Field::is_absent")]
    pub resource_type: Field<String>,
    #[serde(default, skip_serializing_if = "Field::is_absent")]
    pub properties: Field<BackendContractProperties>,
    #[serde(flatten)]
    pub extra: Extra,
}

/// `BackendContractProperties` (with `BackendBaseParameters` folded in).
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct BackendContractProperties {
    #[serde(default, skip_serializing_if = "Field::is_absent")]
    pub url: Field<String>,
    #[serde(default, skip_serializing_if = "Field::is_absent")]
    pub protocol: Field<BackendProtocol>,
    #[serde(default, skip_serializing_if = "Field::is_absent")]
    pub title: Field<String>,
    #[serde(default, skip_serializing_if = "Field::is_absent")]
    pub description: Field<String>,
    #[serde(default, skip_serializing_if = "Field::is_absent")]
    pub resource_id: Field<String>,
    #[serde(default, skip_serializing_if = "Field::is_absent")]
    pub properties: Field<BackendProperties>,
    #[serde(default, skip_serializing_if = "Field::is_absent")]
    pub credentials: Field<BackendCredentials>,
    #[serde(default, skip_serializing_if = "Field::is_absent")]
    pub proxy: Field<BackendProxy>,
    #[serde(default, skip_serializing_if = "Field::is_absent")]
    pub tls: Field<BackendTls>,
    #[serde(default, skip_serializing_if = "Field::is_absent")]
    pub circuit_breaker: Field<BackendCircuitBreaker>,
    #[serde(default, skip_serializing_if = "Field::is_absent")]
    pub pool: Field<BackendPool>,
    #[serde(default, rename = "type", skip_serializing_if = "Field::is_absent")]
    pub backend_type: Field<BackendType>,
    #[serde(flatten)]
    pub extra: Extra,
}

/// `BackendProperties`: properties specific to the backend type.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct BackendProperties {
    #[serde(default, skip_serializing_if = "Field::is_absent")]
    pub service_fabric_cluster: Field<ServiceFabricCluster>,
    #[serde(flatten)]
    pub extra: Extra,
}

/// `BackendServiceFabricClusterProperties`. Note the spec's lower-case "t" in
/// `clientCertificatethumbprint`.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ServiceFabricCluster {
    #[serde(default, skip_serializing_if = "Field::is_absent")]
    pub client_certificate_id: Field<String>,
    #[serde(
        default,
        rename = "clientCertificatethumbprint",
        skip_serializing_if = "Field::is_absent"
    )]
    pub client_certificate_thumbprint: Field<String>,
    #[serde(default, skip_serializing_if = "Field::is_absent")]
    pub max_partition_resolution_retries: Field<i32>,
    #[serde(default, skip_serializing_if = "Field::is_absent")]
    pub management_endpoints: Field<Vec<String>>,
    #[serde(default, skip_serializing_if = "Field::is_absent")]
    pub server_certificate_thumbprints: Field<Vec<String>>,
    #[serde(
        default,
        rename = "serverX509Names",
        skip_serializing_if = "Field::is_absent"
    )]
    pub server_x509_names: Field<Vec<X509CertificateName>>,
    #[serde(flatten)]
    pub extra: Extra,
}

/// `X509CertificateName`.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct X509CertificateName {
    #[serde(default, skip_serializing_if = "Field::is_absent")]
    pub name: Field<String>,
    #[serde(default, skip_serializing_if = "Field::is_absent")]
    pub issuer_certificate_thumbprint: Field<String>,
    #[serde(flatten)]
    pub extra: Extra,
}

/// `BackendCredentialsContract`. Header and query values are secrets.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct BackendCredentials {
    #[serde(default, skip_serializing_if = "Field::is_absent")]
    pub certificate_ids: Field<Vec<String>>,
    #[serde(default, skip_serializing_if = "Field::is_absent")]
    pub certificate: Field<Vec<String>>,
    #[serde(default, skip_serializing_if = "Field::is_absent")]
    pub query: Field<IndexMap<String, SecretValues>>,
    #[serde(default, skip_serializing_if = "Field::is_absent")]
    pub header: Field<IndexMap<String, SecretValues>>,
    #[serde(default, skip_serializing_if = "Field::is_absent")]
    pub authorization: Field<BackendAuthorization>,
    #[serde(flatten)]
    pub extra: Extra,
}

/// The values of one header or query parameter (secrets). A single string is read as a
/// one-element list, which Az.ApiManagement rejects ("expected string[]").
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize)]
#[serde(transparent)]
pub struct SecretValues(pub Vec<Secret>);

impl<'de> Deserialize<'de> for SecretValues {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        #[derive(Deserialize)]
        #[serde(untagged, expecting = "a string or a list of strings")]
        enum OneOrMany {
            One(Secret),
            Many(Vec<Secret>),
        }
        Ok(SecretValues(match OneOrMany::deserialize(d)? {
            OneOrMany::One(s) => vec![s],
            OneOrMany::Many(v) => v,
        }))
    }
}

/// `BackendAuthorizationHeaderCredentials`. The parameter is a secret.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct BackendAuthorization {
    #[serde(default, skip_serializing_if = "Field::is_absent")]
    pub scheme: Field<String>,
    #[serde(default, skip_serializing_if = "Field::is_absent")]
    pub parameter: Field<Secret>,
    #[serde(flatten)]
    pub extra: Extra,
}

/// `BackendProxyContract`. The password is a secret.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct BackendProxy {
    #[serde(default, skip_serializing_if = "Field::is_absent")]
    pub url: Field<String>,
    #[serde(default, skip_serializing_if = "Field::is_absent")]
    pub username: Field<String>,
    #[serde(default, skip_serializing_if = "Field::is_absent")]
    pub password: Field<Secret>,
    #[serde(flatten)]
    pub extra: Extra,
}

/// `BackendTlsProperties` (both flags default to true on the service).
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct BackendTls {
    #[serde(default, skip_serializing_if = "Field::is_absent")]
    pub validate_certificate_chain: Field<bool>,
    #[serde(default, skip_serializing_if = "Field::is_absent")]
    pub validate_certificate_name: Field<bool>,
    #[serde(flatten)]
    pub extra: Extra,
}

/// `BackendCircuitBreaker`.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct BackendCircuitBreaker {
    #[serde(default, skip_serializing_if = "Field::is_absent")]
    pub rules: Field<Vec<CircuitBreakerRule>>,
    #[serde(flatten)]
    pub extra: Extra,
}

/// `CircuitBreakerRule`.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CircuitBreakerRule {
    #[serde(default, skip_serializing_if = "Field::is_absent")]
    pub name: Field<String>,
    #[serde(default, skip_serializing_if = "Field::is_absent")]
    pub failure_condition: Field<CircuitBreakerFailureCondition>,
    /// ISO 8601 duration.
    #[serde(default, skip_serializing_if = "Field::is_absent")]
    pub trip_duration: Field<String>,
    #[serde(default, skip_serializing_if = "Field::is_absent")]
    pub accept_retry_after: Field<bool>,
    #[serde(flatten)]
    pub extra: Extra,
}

/// `CircuitBreakerFailureCondition`.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CircuitBreakerFailureCondition {
    #[serde(default, skip_serializing_if = "Field::is_absent")]
    pub count: Field<i64>,
    #[serde(default, skip_serializing_if = "Field::is_absent")]
    pub percentage: Field<i64>,
    /// ISO 8601 duration.
    #[serde(default, skip_serializing_if = "Field::is_absent")]
    pub interval: Field<String>,
    #[serde(default, skip_serializing_if = "Field::is_absent")]
    pub status_code_ranges: Field<Vec<FailureStatusCodeRange>>,
    #[serde(default, skip_serializing_if = "Field::is_absent")]
    pub error_reasons: Field<Vec<String>>,
    #[serde(flatten)]
    pub extra: Extra,
}

/// `FailureStatusCodeRange`.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct FailureStatusCodeRange {
    #[serde(default, skip_serializing_if = "Field::is_absent")]
    pub min: Field<i32>,
    #[serde(default, skip_serializing_if = "Field::is_absent")]
    pub max: Field<i32>,
    #[serde(flatten)]
    pub extra: Extra,
}

/// `BackendPool`.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct BackendPool {
    #[serde(default, skip_serializing_if = "Field::is_absent")]
    pub services: Field<Vec<BackendPoolItem>>,
    #[serde(flatten)]
    pub extra: Extra,
}

/// `BackendPoolItem`: a member backend, by ARM id.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct BackendPoolItem {
    #[serde(default, skip_serializing_if = "Field::is_absent")]
    pub id: Field<String>,
    #[serde(default, skip_serializing_if = "Field::is_absent")]
    pub priority: Field<i32>,
    #[serde(default, skip_serializing_if = "Field::is_absent")]
    pub weight: Field<i32>,
    #[serde(flatten)]
    pub extra: Extra,
}

/// `BackendCollection`: one page of a list.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct BackendCollection {
    #[serde(default)]
    pub value: Vec<BackendContract>,
    #[serde(default, skip_serializing_if = "Field::is_absent")]
    pub count: Field<i64>,
    #[serde(default, skip_serializing_if = "Field::is_absent")]
    pub next_link: Field<String>,
    #[serde(flatten)]
    pub extra: Extra,
}

// ---------------------------------------------------------------------------------------------
// Update types (PATCH bodies, JSON merge patch)
// ---------------------------------------------------------------------------------------------

/// `BackendUpdateParameters`: the PATCH body.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct BackendUpdateParameters {
    #[serde(default, skip_serializing_if = "Field::is_absent")]
    pub properties: Field<BackendUpdateProperties>,
}

/// `BackendUpdateParameterProperties`.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct BackendUpdateProperties {
    #[serde(default, skip_serializing_if = "Field::is_absent")]
    pub url: Field<String>,
    #[serde(default, skip_serializing_if = "Field::is_absent")]
    pub protocol: Field<BackendProtocol>,
    #[serde(default, skip_serializing_if = "Field::is_absent")]
    pub title: Field<String>,
    #[serde(default, skip_serializing_if = "Field::is_absent")]
    pub description: Field<String>,
    #[serde(default, skip_serializing_if = "Field::is_absent")]
    pub resource_id: Field<String>,
    #[serde(default, skip_serializing_if = "Field::is_absent")]
    pub properties: Field<BackendPropertiesUpdate>,
    #[serde(default, skip_serializing_if = "Field::is_absent")]
    pub credentials: Field<BackendCredentialsUpdate>,
    #[serde(default, skip_serializing_if = "Field::is_absent")]
    pub proxy: Field<BackendProxyUpdate>,
    #[serde(default, skip_serializing_if = "Field::is_absent")]
    pub tls: Field<BackendTlsUpdate>,
    #[serde(default, skip_serializing_if = "Field::is_absent")]
    pub circuit_breaker: Field<BackendCircuitBreakerUpdate>,
    #[serde(default, skip_serializing_if = "Field::is_absent")]
    pub pool: Field<BackendPoolUpdate>,
    #[serde(default, rename = "type", skip_serializing_if = "Field::is_absent")]
    pub backend_type: Field<BackendType>,
}

#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct BackendPropertiesUpdate {
    #[serde(default, skip_serializing_if = "Field::is_absent")]
    pub service_fabric_cluster: Field<ServiceFabricClusterUpdate>,
}

#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ServiceFabricClusterUpdate {
    #[serde(default, skip_serializing_if = "Field::is_absent")]
    pub client_certificate_id: Field<String>,
    #[serde(
        default,
        rename = "clientCertificatethumbprint",
        skip_serializing_if = "Field::is_absent"
    )]
    pub client_certificate_thumbprint: Field<String>,
    #[serde(default, skip_serializing_if = "Field::is_absent")]
    pub max_partition_resolution_retries: Field<i32>,
    #[serde(default, skip_serializing_if = "Field::is_absent")]
    pub management_endpoints: Field<Vec<String>>,
    #[serde(default, skip_serializing_if = "Field::is_absent")]
    pub server_certificate_thumbprints: Field<Vec<String>>,
    #[serde(
        default,
        rename = "serverX509Names",
        skip_serializing_if = "Field::is_absent"
    )]
    pub server_x509_names: Field<Vec<X509CertificateName>>,
}

#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct BackendCredentialsUpdate {
    #[serde(default, skip_serializing_if = "Field::is_absent")]
    pub certificate_ids: Field<Vec<String>>,
    #[serde(default, skip_serializing_if = "Field::is_absent")]
    pub certificate: Field<Vec<String>>,
    /// A `null` value (`None`) removes that one parameter (merge patch on the map).
    #[serde(default, skip_serializing_if = "Field::is_absent")]
    pub query: Field<IndexMap<String, Option<SecretValues>>>,
    #[serde(default, skip_serializing_if = "Field::is_absent")]
    pub header: Field<IndexMap<String, Option<SecretValues>>>,
    #[serde(default, skip_serializing_if = "Field::is_absent")]
    pub authorization: Field<BackendAuthorizationUpdate>,
}

#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct BackendAuthorizationUpdate {
    #[serde(default, skip_serializing_if = "Field::is_absent")]
    pub scheme: Field<String>,
    #[serde(default, skip_serializing_if = "Field::is_absent")]
    pub parameter: Field<Secret>,
}

#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct BackendProxyUpdate {
    #[serde(default, skip_serializing_if = "Field::is_absent")]
    pub url: Field<String>,
    #[serde(default, skip_serializing_if = "Field::is_absent")]
    pub username: Field<String>,
    #[serde(default, skip_serializing_if = "Field::is_absent")]
    pub password: Field<Secret>,
}

#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct BackendTlsUpdate {
    #[serde(default, skip_serializing_if = "Field::is_absent")]
    pub validate_certificate_chain: Field<bool>,
    #[serde(default, skip_serializing_if = "Field::is_absent")]
    pub validate_certificate_name: Field<bool>,
}

/// Arrays replace as a whole in a merge patch, so rules are full objects.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct BackendCircuitBreakerUpdate {
    #[serde(default, skip_serializing_if = "Field::is_absent")]
    pub rules: Field<Vec<CircuitBreakerRule>>,
}

#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct BackendPoolUpdate {
    #[serde(default, skip_serializing_if = "Field::is_absent")]
    pub services: Field<Vec<BackendPoolItem>>,
}
