//! Operations on API Management backends through Azure Resource Manager: update (PATCH with
//! If-Match), get, list (following nextLink), create or replace (PUT) and delete.

use std::path::PathBuf;

use serde::Deserialize;

use crate::auth::TokenProvider;
use crate::error::{Error, ErrorKind};
use crate::model::{BackendCollection, BackendContract};
use crate::patch::BackendPatch;
use crate::secret::Secret;
use crate::transport::{CancelToken, HttpResponse, RetryOptions, Transport};
use crate::validate::BackendTarget;
use crate::version::DEFAULT_API_VERSION;

/// How to reach ARM and authenticate, as given to `apimb_client_new`.
#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase", default, deny_unknown_fields)]
pub struct ClientOptions {
    /// Management endpoint URL (e.g. the emulator's); overrides `cloud`.
    pub endpoint: Option<String>,
    /// `AzureCloud` (default), `AzureChinaCloud` or `AzureUSGovernment`.
    pub cloud: Option<String>,
    pub api_version: Option<String>,
    /// A bearer token to use as is (e.g. from Get-AzAccessToken); skips the credential chain.
    pub access_token: Option<Secret>,
    /// Credential sources to try, in order (default: all, see [`crate::auth`]).
    pub credential_sources: Option<Vec<String>>,
    /// Entra ID authority host of a custom cloud (e.g. `https://login.contoso.local`).
    pub authority_host: Option<String>,
    /// Extra CA certificates (PEM) to trust for the endpoint, e.g. the emulator's.
    pub ca_certificate_file: Option<PathBuf>,
    pub retry: RetryOptions,
    /// Product token of the caller, put before this library's in the User-Agent.
    pub user_agent: Option<String>,
}

/// A backend as the service returned it, with its ETag.
#[derive(Debug, Clone)]
pub struct BackendResponse {
    /// The `BackendContract` JSON exactly as received (it may hold secrets the backend uses).
    pub json: String,
    pub etag: Option<String>,
}

pub struct ArmClient {
    endpoint: url::Url,
    api_version: String,
    pub transport: Transport,
}

struct Cloud {
    endpoint: &'static str,
    config: azure_core::cloud::CloudConfiguration,
}

fn cloud(name: &str) -> Result<Cloud, Error> {
    use azure_core::cloud::CloudConfiguration as C;
    match name.to_ascii_lowercase().as_str() {
        "azurecloud" | "azurepublic" | "public" => Ok(Cloud { endpoint: "https://management.azure.com", config: C::AzurePublic }),
        "azurechinacloud" | "azurechina" | "china" => Ok(Cloud { endpoint: "https://management.chinacloudapi.cn", config: C::AzureChina }),
        "azureusgovernment" | "azuregovernment" | "usgovernment" => Ok(Cloud { endpoint: "https://management.usgovcloudapi.net", config: C::AzureGovernment }),
        _ => Err(Error::invalid_argument(
            "cloud",
            format!("unknown cloud '{name}'; use AzureCloud, AzureChinaCloud or AzureUSGovernment, or give an endpoint URL"),
        )),
    }
}

impl ArmClient {
    pub fn new(options: ClientOptions) -> Result<Self, Error> {
        let named = cloud(options.cloud.as_deref().unwrap_or("AzureCloud"))?;
        let endpoint_text = options
            .endpoint
            .clone()
            .unwrap_or_else(|| named.endpoint.to_string());
        let endpoint = url::Url::parse(&endpoint_text).map_err(|e| {
            Error::invalid_argument(
                "endpoint",
                format!(
                    "'endpoint' must be an absolute URL such as https://management.azure.com: {e}"
                ),
            )
        })?;
        let loopback = matches!(endpoint.host(), Some(url::Host::Ipv4(ip)) if ip.is_loopback())
            || matches!(endpoint.host(), Some(url::Host::Ipv6(ip)) if ip.is_loopback())
            || endpoint.host_str() == Some("localhost");
        match endpoint.scheme() {
            "https" => {}
            "http" if loopback => {}
            _ => return Err(Error::invalid_argument(
                "endpoint",
                "'endpoint' must use https (plain http is allowed only for a loopback emulator)",
            )),
        }
        let api_version = options
            .api_version
            .clone()
            .unwrap_or_else(|| DEFAULT_API_VERSION.to_string());
        if api_version.is_empty()
            || !api_version
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '-')
        {
            return Err(Error::invalid_argument(
                "apiVersion",
                "'apiVersion' must look like 2024-05-01 (digits, letters and '-')",
            ));
        }
        let http = crate::runtime::http_client(
            options.ca_certificate_file.as_ref(),
            options.retry.connect_timeout_ms,
        )?;
        // Tokens are for the named cloud's Resource Manager; a custom endpoint (an emulator) is
        // given its token by the caller or accepts the public cloud's audience.
        let scope = format!("{}/.default", named.endpoint);
        let cloud_config = match &options.authority_host {
            Some(host) => {
                let mut custom = azure_core::cloud::CustomConfiguration::default();
                custom.authority_host = host.clone();
                custom.into()
            }
            None => named.config,
        };
        let tokens = TokenProvider::new(
            scope,
            options.access_token,
            options.credential_sources,
            http.clone(),
            cloud_config,
        )?;
        let user_agent = match &options.user_agent {
            Some(ua) => format!("{ua} apimbackend/{}", env!("CARGO_PKG_VERSION")),
            None => format!("apimbackend/{}", env!("CARGO_PKG_VERSION")),
        };
        Ok(ArmClient {
            endpoint,
            api_version,
            transport: Transport::new(http, tokens, options.retry, user_agent),
        })
    }

    fn url(&self, target: &BackendTarget) -> String {
        let mut url = self.endpoint.clone();
        {
            let mut segs = url.path_segments_mut().expect("http(s) URLs have paths");
            segs.pop_if_empty();
            segs.extend([
                "subscriptions",
                &target.subscription_id,
                "resourceGroups",
                &target.resource_group_name,
                "providers",
                "Microsoft.ApiManagement",
                "service",
                &target.service_name,
                "backends",
            ]);
            if let Some(id) = &target.backend_id {
                segs.push(id);
            }
        }
        url.query_pairs_mut()
            .append_pair("api-version", &self.api_version);
        url.to_string()
    }

    fn needs_backend_id(target: &BackendTarget) -> Result<(), Error> {
        if target.backend_id.is_none() {
            return Err(Error::invalid_argument(
                "backendId",
                "'backendId' is required for this operation",
            ));
        }
        Ok(())
    }

    /// PATCH with If-Match (`*` unless an ETag is given): only the patch's fields change.
    pub async fn update(
        &self,
        target: &BackendTarget,
        patch: &BackendPatch,
        if_match: Option<&str>,
        cancel: &CancelToken,
    ) -> Result<BackendResponse, Error> {
        Self::needs_backend_id(target)?;
        let body = patch.body_json();
        let resp = self
            .transport
            .send(
                reqwest::Method::PATCH,
                &self.url(target),
                Some(&body),
                Some(if_match.unwrap_or("*")),
                cancel,
            )
            .await?;
        backend_response(resp)
    }

    /// Set-AzApiManagementBackend's update: when the patch sets only one TLS flag, the other is
    /// read from the current backend first so the service does not reset it.
    pub async fn set_backend(
        &self,
        target: &BackendTarget,
        patch: &BackendPatch,
        if_match: Option<&str>,
        cancel: &CancelToken,
    ) -> Result<BackendResponse, Error> {
        if crate::az::tls_needs_completion(patch) {
            let current = self.get(target, cancel).await?;
            let contract: BackendContract = serde_json::from_str(&current.json).map_err(|e| {
                Error::new(
                    ErrorKind::Service,
                    "MalformedResponse",
                    format!("The current backend could not be read: {e}"),
                )
            })?;
            let completed = crate::az::complete_tls(patch, &contract)?;
            return self.update(target, &completed, if_match, cancel).await;
        }
        self.update(target, patch, if_match, cancel).await
    }

    pub async fn get(
        &self,
        target: &BackendTarget,
        cancel: &CancelToken,
    ) -> Result<BackendResponse, Error> {
        Self::needs_backend_id(target)?;
        let resp = self
            .transport
            .send(reqwest::Method::GET, &self.url(target), None, None, cancel)
            .await?;
        backend_response(resp)
    }

    /// Every backend of the service, following nextLink; a JSON array of `BackendContract`s.
    pub async fn list(
        &self,
        target: &BackendTarget,
        cancel: &CancelToken,
    ) -> Result<String, Error> {
        let collection = BackendTarget {
            backend_id: None,
            ..target.clone()
        };
        let mut next = Some(self.url(&collection));
        let mut all: Vec<BackendContract> = Vec::new();
        let mut pages = 0;
        while let Some(url) = next.take() {
            pages += 1;
            if pages > 10_000 {
                return Err(Error::new(
                    ErrorKind::Service,
                    "TooManyPages",
                    "The list did not end after 10,000 pages.",
                ));
            }
            self.check_same_origin(&url)?;
            let resp = self
                .transport
                .send(reqwest::Method::GET, &url, None, None, cancel)
                .await?;
            let page: BackendCollection =
                serde_json::from_str(&resp.body).map_err(|e| malformed(&resp, e))?;
            all.extend(page.value);
            next = page.next_link.as_set().filter(|l| !l.is_empty()).cloned();
        }
        Ok(serde_json::to_string(&all).expect("contracts serialize"))
    }

    /// A nextLink must stay on the endpoint the token was meant for.
    fn check_same_origin(&self, url: &str) -> Result<(), Error> {
        let u = url::Url::parse(url).map_err(|_| {
            Error::new(
                ErrorKind::Service,
                "InvalidNextLink",
                "The service returned a nextLink that is not a URL.",
            )
        })?;
        if u.origin() != self.endpoint.origin() {
            return Err(Error::new(
                ErrorKind::Service,
                "InvalidNextLink",
                "The service returned a nextLink to another host; it was not followed.",
            ));
        }
        Ok(())
    }

    /// PUT a whole backend (create, or replace when `if_match` allows).
    pub async fn create_or_update(
        &self,
        target: &BackendTarget,
        contract_json: &str,
        if_match: Option<&str>,
        cancel: &CancelToken,
    ) -> Result<BackendResponse, Error> {
        Self::needs_backend_id(target)?;
        let contract: BackendContract = serde_json::from_str(contract_json).map_err(|e| {
            Error::invalid_argument(
                "backend_json",
                format!("'backend_json' is not a backend: {e}"),
            )
        })?;
        let body = serde_json::json!({"properties": contract.properties});
        let resp = self
            .transport
            .send(
                reqwest::Method::PUT,
                &self.url(target),
                Some(&body.to_string()),
                if_match,
                cancel,
            )
            .await?;
        backend_response(resp)
    }

    /// PUT a backend built from a validated patch (New-AzApiManagementBackend). A patch that
    /// removes fields (null) is not a backend and is refused.
    pub async fn create_from_patch(
        &self,
        target: &BackendTarget,
        patch: &BackendPatch,
        if_match: Option<&str>,
        cancel: &CancelToken,
    ) -> Result<BackendResponse, Error> {
        Self::needs_backend_id(target)?;
        // A null in a patch means "remove": a new backend has nothing to remove.
        if has_null(&serde_json::to_value(patch.body()).expect("patch types always serialize")) {
            return Err(Error::new(
                ErrorKind::Validation,
                "NotAllowed",
                "A new backend cannot remove settings: give values only.",
            )
            .with_field("Clear"));
        }
        let body = patch.body_json();
        let resp = self
            .transport
            .send(
                reqwest::Method::PUT,
                &self.url(target),
                Some(&body),
                if_match,
                cancel,
            )
            .await?;
        backend_response(resp)
    }

    /// DELETE with If-Match (`*` unless an ETag is given). Returns whether it existed.
    pub async fn delete(
        &self,
        target: &BackendTarget,
        if_match: Option<&str>,
        cancel: &CancelToken,
    ) -> Result<bool, Error> {
        Self::needs_backend_id(target)?;
        let resp = self
            .transport
            .send(
                reqwest::Method::DELETE,
                &self.url(target),
                None,
                Some(if_match.unwrap_or("*")),
                cancel,
            )
            .await?;
        Ok(resp.status != 204)
    }
}

fn has_null(v: &serde_json::Value) -> bool {
    match v {
        serde_json::Value::Null => true,
        serde_json::Value::Object(m) => m.values().any(has_null),
        serde_json::Value::Array(a) => a.iter().any(has_null),
        _ => false,
    }
}

/// A success answer must carry a backend; anything else is reported, not handed on.
fn backend_response(resp: HttpResponse) -> Result<BackendResponse, Error> {
    if let Err(e) = serde_json::from_str::<BackendContract>(&resp.body) {
        let mut err = Error::new(
            ErrorKind::Service,
            "MalformedResponse",
            format!(
                "The service answered {} with a body that is not a backend: {e}",
                resp.status
            ),
        );
        err.http_status = resp.status;
        err.request_id = resp.request_id;
        return Err(err);
    }
    Ok(BackendResponse {
        json: resp.body,
        etag: resp.etag,
    })
}

fn malformed(resp: &HttpResponse, e: serde_json::Error) -> Error {
    let mut err = Error::new(
        ErrorKind::Service,
        "MalformedResponse",
        format!(
            "The service answered {} with a body that is not a backend list: {e}",
            resp.status
        ),
    );
    err.http_status = resp.status;
    err.request_id = resp.request_id.clone();
    err
}
