//! API Management backend (ARM api-version 2024-05-01): the model, patch building, validation
//! and transport behind `Set-AzApiManagementBackend`, exposed to other languages through the C
//! ABI in [`ffi`] (header: `include/apimbackend.h`).
//!
//! One module per concern: [`model`] (serde types of the spec), [`validate`] (rules checked
//! before sending), [`patch`] (merge-patch bodies), [`redact`] and [`secret`] (keeping secrets out
//! of every output), [`auth`] (tokens), [`transport`] (HTTP, retries, cancellation), [`client`]
//! (backend operations), [`runtime`] (the shared tokio runtime and connection pools), [`ffi`]
//! (the C ABI).

pub mod auth;
pub mod az;
pub mod client;
pub mod error;
pub mod ffi;
pub mod log;
pub mod model;
pub mod patch;
pub mod redact;
pub mod runtime;
pub mod secret;
pub mod transport;
pub mod validate;
pub mod version;

pub use error::{Error, ErrorKind, Result};
pub use patch::BackendPatch;
pub use secret::Secret;
