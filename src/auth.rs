//! Getting a bearer token for Azure Resource Manager, in an explicit order (azure_identity 1.x
//! has no DefaultAzureCredential on purpose):
//!
//! 1. an access token handed in by the caller (e.g. Az.Accounts' `Get-AzAccessToken`);
//! 2. `environment`: a client secret from AZURE_TENANT_ID / AZURE_CLIENT_ID / AZURE_CLIENT_SECRET;
//! 3. `workloadIdentity`: AZURE_FEDERATED_TOKEN_FILE with AZURE_TENANT_ID / AZURE_CLIENT_ID;
//! 4. `managedIdentity`: the host's managed identity (AZURE_CLIENT_ID picks a user-assigned one);
//! 5. `azureCli`: the signed-in Azure CLI (`az account get-access-token`).
//!
//! The caller may narrow the list. Tokens are cached until five minutes before they expire and
//! shared by every client in the process with the same settings. When nothing works, the error
//! lists each source tried and why it failed, without secret values.

use std::collections::HashMap;
use std::sync::Arc;
use std::time::{Duration, SystemTime};

use azure_core::credentials::TokenCredential;
use once_cell::sync::Lazy;
use tokio::sync::Mutex as AsyncMutex;

use crate::error::{Error, ErrorKind};
use crate::secret::Secret;

/// Credential sources, by the names callers use.
pub const SOURCES: &[&str] = &[
    "environment",
    "workloadIdentity",
    "managedIdentity",
    "azureCli",
];

/// Tokens are renewed this long before they expire.
const REFRESH_MARGIN: Duration = Duration::from_secs(300);

#[derive(Clone)]
struct CachedToken {
    token: Secret,
    expires: SystemTime,
}

/// Where tokens come from for one client configuration.
pub struct TokenProvider {
    scope: String,
    fixed: Option<Secret>,
    sources: Vec<String>,
    http: reqwest::Client,
    cloud: azure_core::cloud::CloudConfiguration,
    cache: SharedToken,
}

impl std::fmt::Debug for TokenProvider {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TokenProvider")
            .field("scope", &self.scope)
            .field("fixed", &self.fixed.as_ref().map(|_| "<given>"))
            .field("sources", &self.sources)
            .finish()
    }
}

/// Token caches shared across clients: keyed by scope and source list (the fixed-token case
/// needs none).
type SharedToken = Arc<AsyncMutex<Option<CachedToken>>>;

static CACHES: Lazy<std::sync::Mutex<HashMap<String, SharedToken>>> = Lazy::new(Default::default);

/// How many tokens were obtained from a credential source (not from cache): for tests.
pub static TOKENS_FETCHED: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);

impl TokenProvider {
    pub fn new(
        scope: String,
        fixed: Option<Secret>,
        sources: Option<Vec<String>>,
        http: reqwest::Client,
        cloud: azure_core::cloud::CloudConfiguration,
    ) -> Result<Self, Error> {
        let sources = sources.unwrap_or_else(|| SOURCES.iter().map(|s| s.to_string()).collect());
        for s in &sources {
            if !SOURCES.contains(&s.as_str()) {
                return Err(Error::invalid_argument(
                    "credentialSources",
                    format!(
                        "unknown credential source '{s}'; use any of: {}",
                        SOURCES.join(", ")
                    ),
                ));
            }
        }
        let key = format!("{scope}|{}|{cloud:?}", sources.join(","));
        let cache = CACHES
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .entry(key)
            .or_default()
            .clone();
        Ok(TokenProvider {
            scope,
            fixed,
            sources,
            http,
            cloud,
            cache,
        })
    }

    /// A token valid for at least a few more minutes.
    pub async fn token(&self) -> Result<Secret, Error> {
        if let Some(t) = &self.fixed {
            return Ok(t.clone());
        }
        let mut cache = self.cache.lock().await;
        if let Some(c) = cache.as_ref() {
            if c.expires > SystemTime::now() + REFRESH_MARGIN {
                return Ok(c.token.clone());
            }
        }
        let fresh = self.fetch().await?;
        TOKENS_FETCHED.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let token = fresh.token.clone();
        *cache = Some(fresh);
        Ok(token)
    }

    async fn fetch(&self) -> Result<CachedToken, Error> {
        let mut failures = Vec::new();
        for source in &self.sources {
            match self.credential(source) {
                Err(why) => failures.push(format!("{source}: {why}")),
                Ok(cred) => match cred.get_token(&[self.scope.as_str()], None).await {
                    Ok(t) => {
                        let secs = (t.expires_on.unix_timestamp()).max(0) as u64;
                        return Ok(CachedToken {
                            token: Secret::new(t.token.secret()),
                            expires: SystemTime::UNIX_EPOCH + Duration::from_secs(secs),
                        });
                    }
                    Err(e) => failures.push(format!("{source}: {}", first_line(&e.to_string()))),
                },
            }
        }
        Err(Error::new(
            ErrorKind::Authentication,
            "NoCredential",
            format!(
                "No credential could get a token for {}. Tried, in order: {}. Pass -AccessToken (e.g. from Get-AzAccessToken), or set AZURE_TENANT_ID/AZURE_CLIENT_ID/AZURE_CLIENT_SECRET, or sign in with 'az login'.",
                self.scope,
                failures.join("; ")
            ),
        ))
    }

    fn credential(&self, source: &str) -> Result<Arc<dyn TokenCredential>, String> {
        let client_options = || azure_core::http::ClientOptions {
            transport: Some(azure_core::http::Transport::new(Arc::new(
                self.http.clone(),
            ))),
            cloud: Some(Arc::new(self.cloud.clone())),
            ..Default::default()
        };
        let env = |name: &str| std::env::var(name).ok().filter(|v| !v.is_empty());
        match source {
            "environment" => {
                let (Some(tenant), Some(client), Some(secret)) = (
                    env("AZURE_TENANT_ID"),
                    env("AZURE_CLIENT_ID"),
                    env("AZURE_CLIENT_SECRET"),
                ) else {
                    return Err(
                        "AZURE_TENANT_ID, AZURE_CLIENT_ID and AZURE_CLIENT_SECRET are not all set"
                            .into(),
                    );
                };
                let options = azure_identity::ClientSecretCredentialOptions {
                    client_options: client_options(),
                };
                azure_identity::ClientSecretCredential::new(
                    &tenant,
                    client,
                    azure_core::credentials::Secret::new(secret),
                    Some(options),
                )
                .map(|c| c as Arc<dyn TokenCredential>)
                .map_err(|e| first_line(&e.to_string()))
            }
            "workloadIdentity" => {
                if env("AZURE_FEDERATED_TOKEN_FILE").is_none() {
                    return Err("AZURE_FEDERATED_TOKEN_FILE is not set".into());
                }
                let mut options = azure_identity::WorkloadIdentityCredentialOptions::default();
                options.credential_options.client_options = client_options();
                azure_identity::WorkloadIdentityCredential::new(Some(options))
                    .map(|c| c as Arc<dyn TokenCredential>)
                    .map_err(|e| first_line(&e.to_string()))
            }
            "managedIdentity" => {
                let options = azure_identity::ManagedIdentityCredentialOptions {
                    user_assigned_id: env("AZURE_CLIENT_ID")
                        .map(azure_identity::UserAssignedId::ClientId),
                    client_options: client_options(),
                };
                azure_identity::ManagedIdentityCredential::new(Some(options))
                    .map(|c| c as Arc<dyn TokenCredential>)
                    .map_err(|e| first_line(&e.to_string()))
            }
            "azureCli" => azure_identity::AzureCliCredential::new(None)
                .map(|c| c as Arc<dyn TokenCredential>)
                .map_err(|e| first_line(&e.to_string())),
            other => Err(format!("unknown source {other}")),
        }
    }
}

/// Credential errors can be long and multi-line; the first line says what failed.
fn first_line(s: &str) -> String {
    s.lines()
        .next()
        .unwrap_or_default()
        .chars()
        .take(300)
        .collect()
}
