//! API Management backend (ARM api-version 2024-05-01): the model, patch building, validation
//! and transport behind `Set-AzApiManagementBackend`, exposed to other languages through the C
//! ABI in [`ffi`] (header: `include/apimbackend.h`).

pub mod error;
pub mod ffi;
pub mod version;

pub use error::{Error, ErrorKind, Result};
