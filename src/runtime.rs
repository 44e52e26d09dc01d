//! The process-wide tokio runtime and HTTP client pool, created on first use. Every blocking
//! ABI call runs its future here; many threads may block on it at once.

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::{Arc, Mutex};

use once_cell::sync::Lazy;

use crate::error::Error;

static RUNTIME: Lazy<tokio::runtime::Runtime> = Lazy::new(|| {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .thread_name("apimbackend-io")
        .enable_all()
        .build()
        .expect("tokio runtime starts")
});

/// Runs a future to completion on the shared runtime, from a thread outside it.
pub fn block_on<F: std::future::Future>(f: F) -> F::Output {
    RUNTIME.block_on(f)
}

pub fn handle() -> tokio::runtime::Handle {
    RUNTIME.handle().clone()
}

/// HTTP clients keyed by their trust settings and connect timeout: one connection pool per
/// distinct configuration, shared by every caller in the process.
/// (extra CA file, connect timeout in ms)
type ClientKey = (Option<PathBuf>, u64);

static CLIENTS: Lazy<Mutex<HashMap<ClientKey, reqwest::Client>>> =
    Lazy::new(|| Mutex::new(HashMap::new()));

pub fn http_client(
    ca_file: Option<&PathBuf>,
    connect_timeout_ms: u64,
) -> Result<reqwest::Client, Error> {
    let key = (ca_file.cloned(), connect_timeout_ms);
    let mut clients = CLIENTS.lock().unwrap_or_else(|p| p.into_inner());
    if let Some(c) = clients.get(&key) {
        return Ok(c.clone());
    }
    let tls = tls_config(ca_file)?;
    let client = reqwest::Client::builder()
        .tls_backend_preconfigured(tls)
        .connect_timeout(std::time::Duration::from_millis(connect_timeout_ms))
        .pool_idle_timeout(std::time::Duration::from_secs(90))
        .pool_max_idle_per_host(64)
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .map_err(|e| Error::internal(format!("cannot build the HTTP client: {e}")))?;
    clients.insert(key, client.clone());
    Ok(client)
}

/// The system's trusted roots plus, when given, the CA certificates in `ca_file` (PEM).
/// Certificate validation is never turned off.
fn tls_config(ca_file: Option<&PathBuf>) -> Result<rustls::ClientConfig, Error> {
    let mut roots = rustls::RootCertStore::empty();
    let native = rustls_native_certs::load_native_certs();
    for cert in native.certs {
        let _ = roots.add(cert);
    }
    if let Some(path) = ca_file {
        use rustls::pki_types::pem::PemObject;
        let text = std::fs::read(path).map_err(|e| {
            Error::invalid_argument(
                "caCertificateFile",
                format!(
                    "cannot read the CA certificate file '{}': {e}",
                    path.display()
                ),
            )
        })?;
        let mut added = 0;
        for cert in rustls::pki_types::CertificateDer::pem_slice_iter(&text) {
            let cert = cert.map_err(|e| {
                Error::invalid_argument(
                    "caCertificateFile",
                    format!("'{}' is not a PEM certificate file: {e}", path.display()),
                )
            })?;
            roots.add(cert).map_err(|e| {
                Error::invalid_argument(
                    "caCertificateFile",
                    format!(
                        "'{}' holds a certificate that cannot be trusted: {e}",
                        path.display()
                    ),
                )
            })?;
            added += 1;
        }
        if added == 0 {
            return Err(Error::invalid_argument(
                "caCertificateFile",
                format!("'{}' holds no PEM certificate", path.display()),
            ));
        }
    }
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let mut config = rustls::ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(|e| Error::internal(e.to_string()))?
        .with_root_certificates(roots)
        .with_no_client_auth();
    config.alpn_protocols = vec![b"h2".to_vec(), b"http/1.1".to_vec()];
    Ok(config)
}
