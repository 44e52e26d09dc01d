//! What this native binary is: crate version, ABI version and build facts.

use serde::Serialize;

/// Incremented on every incompatible change of the C ABI. Callers compare it at load time.
pub const APIMB_ABI_VERSION: u32 = 1;

/// The ARM api-version this library models and sends by default.
pub const DEFAULT_API_VERSION: &str = "2024-05-01";

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct VersionInfo {
    pub name: &'static str,
    pub version: &'static str,
    pub abi_version: u32,
    pub default_api_version: &'static str,
    pub rustc: &'static str,
    pub target: &'static str,
    pub profile: &'static str,
}

pub fn version_info() -> VersionInfo {
    VersionInfo {
        name: env!("CARGO_PKG_NAME"),
        version: env!("CARGO_PKG_VERSION"),
        abi_version: APIMB_ABI_VERSION,
        default_api_version: DEFAULT_API_VERSION,
        rustc: env!("APIMB_RUSTC_VERSION"),
        target: env!("APIMB_TARGET"),
        profile: env!("APIMB_PROFILE"),
    }
}
