//! The C ABI. Conventions, which hold for every export:
//!
//! * **Errors.** A fallible call returns `apimb_error *`: NULL on success, otherwise an owned
//!   error object the caller frees with `apimb_error_free`. Results come back through
//!   out-parameters, which are written only on success.
//! * **Panics.** Every export runs inside one panic boundary ([`ffi_fallible!`] /
//!   [`ffi_infallible!`]); a panic becomes an `APIMB_ERROR_KIND_INTERNAL` error and never unwinds
//!   into the caller.
//! * **Arguments.** NULL pointers and strings that are not valid UTF-8 are rejected with an
//!   `APIMB_ERROR_KIND_INVALID_ARGUMENT` error naming the argument.
//! * **Ownership.** Every `char *` handed out is owned by the caller and freed with
//!   `apimb_string_free`; every object has its own `*_free`, which accepts NULL. `const char *`
//!   results of accessors are borrowed from the object and live as long as it does.
//! * **Threads.** Functions without a handle are thread-safe. Error objects are not shared state.

#![allow(non_camel_case_types)]

use std::ffi::{c_char, CStr, CString};
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::ptr;

use crate::client::{ArmClient, BackendResponse, ClientOptions};
use crate::error::{Error, ErrorKind};
use crate::patch::BackendPatch;
use crate::transport::CancelToken;
use crate::validate::BackendTarget;
use crate::version;

/// An error returned by a fallible call. Owned by the caller; free with `apimb_error_free`.
pub struct apimb_error {
    kind: ErrorKind,
    code: CString,
    message: CString,
    field: Option<CString>,
    http_status: u16,
    arm_code: Option<CString>,
    request_id: Option<CString>,
    json: CString,
}

/// Interior NUL bytes cannot cross the ABI in a C string; they are replaced, never truncated.
fn c_string(s: &str) -> CString {
    CString::new(s.replace('\0', "\u{FFFD}")).expect("NUL bytes were replaced")
}

impl From<Error> for apimb_error {
    fn from(e: Error) -> Self {
        let json = serde_json::json!({
            "kind": e.kind as u32,
            "code": e.code,
            "message": e.message,
            "field": e.field,
            "httpStatus": e.http_status,
            "armCode": e.arm_code,
            "target": e.target,
            "details": e.details,
            "requestId": e.request_id,
            "correlationId": e.correlation_id,
        });
        apimb_error {
            kind: e.kind,
            code: c_string(&e.code),
            message: c_string(&e.message),
            field: e.field.as_deref().map(c_string),
            http_status: e.http_status,
            arm_code: e.arm_code.as_deref().map(c_string),
            request_id: e.request_id.as_deref().map(c_string),
            json: c_string(&json.to_string()),
        }
    }
}

fn into_raw_error(e: Error) -> *mut apimb_error {
    Box::into_raw(Box::new(apimb_error::from(e)))
}

fn panic_message(payload: Box<dyn std::any::Any + Send>) -> String {
    let what = payload
        .downcast_ref::<&str>()
        .map(|s| s.to_string())
        .or_else(|| payload.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "unknown panic".into());
    format!("internal error in the native library: {what}")
}

/// Runs `f` inside the panic boundary and turns its outcome into the ABI's error convention.
pub(crate) fn boundary(f: impl FnOnce() -> Result<(), Error>) -> *mut apimb_error {
    match catch_unwind(AssertUnwindSafe(f)) {
        Ok(Ok(())) => ptr::null_mut(),
        Ok(Err(e)) => into_raw_error(e),
        Err(payload) => into_raw_error(Error::internal(panic_message(payload))),
    }
}

/// Panic boundary for exports that cannot fail: a panic yields `fallback`.
pub(crate) fn boundary_value<T>(fallback: T, f: impl FnOnce() -> T) -> T {
    catch_unwind(AssertUnwindSafe(f)).unwrap_or(fallback)
}

/// Wraps the body of a fallible export (returns `*mut apimb_error`).
macro_rules! ffi_fallible {
    ($body:block) => {
        $crate::ffi::boundary(move || -> ::std::result::Result<(), $crate::error::Error> { $body })
    };
}

/// Wraps the body of an infallible export; a panic returns the fallback value.
macro_rules! ffi_infallible {
    ($fallback:expr, $body:block) => {
        $crate::ffi::boundary_value($fallback, move || $body)
    };
}

/// Borrows a required C string argument as UTF-8.
///
/// # Safety
/// `p` is NULL or points to a NUL-terminated string valid for the duration of the call.
pub(crate) unsafe fn arg_str<'a>(p: *const c_char, name: &str) -> Result<&'a str, Error> {
    if p.is_null() {
        return Err(Error::invalid_argument(
            name,
            format!("argument '{name}' is NULL; a NUL-terminated UTF-8 string is required"),
        ));
    }
    CStr::from_ptr(p).to_str().map_err(|e| {
        Error::invalid_argument(
            name,
            format!(
                "argument '{name}' is not valid UTF-8 (invalid byte at offset {})",
                e.valid_up_to()
            ),
        )
    })
}

/// Borrows an optional C string argument: NULL is `None`.
///
/// # Safety
/// As [`arg_str`].
pub(crate) unsafe fn arg_opt_str<'a>(
    p: *const c_char,
    name: &str,
) -> Result<Option<&'a str>, Error> {
    if p.is_null() {
        Ok(None)
    } else {
        arg_str(p, name).map(Some)
    }
}

/// Checks that an out-parameter is writable.
pub(crate) fn arg_out<T>(p: *mut T, name: &str) -> Result<(), Error> {
    if p.is_null() {
        Err(Error::invalid_argument(
            name,
            format!("out-parameter '{name}' is NULL"),
        ))
    } else {
        Ok(())
    }
}

/// Hands a string to the caller, who frees it with `apimb_string_free`.
pub(crate) fn out_string(s: &str) -> *mut c_char {
    c_string(s).into_raw()
}

// ---------------------------------------------------------------------------------------------
// Library identity
// ---------------------------------------------------------------------------------------------

/// The ABI version of this library (`APIMB_ABI_VERSION` at build time). Compare it with the
/// value your bindings were written for before calling anything else. Never fails; thread-safe.
#[no_mangle]
pub extern "C" fn apimb_abi_version() -> u32 {
    ffi_infallible!(0, { version::APIMB_ABI_VERSION })
}

/// Writes a JSON object describing this build to `*out_json`: `name`, `version`, `abiVersion`,
/// `defaultApiVersion`, `rustc`, `target`, `profile`. The caller frees it with
/// `apimb_string_free`. Thread-safe; does not block.
///
/// # Safety
/// `out_json` is NULL (an error is returned) or a valid pointer to writable storage.
#[no_mangle]
pub unsafe extern "C" fn apimb_version_info(out_json: *mut *mut c_char) -> *mut apimb_error {
    ffi_fallible!({
        arg_out(out_json, "out_json")?;
        let json = serde_json::to_string(&version::version_info())
            .map_err(|e| Error::internal(e.to_string()))?;
        *out_json = out_string(&json);
        Ok(())
    })
}

/// Frees a string handed out by this library. NULL is ignored.
///
/// # Safety
/// `s` is NULL or a string returned by this library that has not been freed yet.
#[no_mangle]
pub unsafe extern "C" fn apimb_string_free(s: *mut c_char) {
    ffi_infallible!((), {
        if !s.is_null() {
            drop(CString::from_raw(s));
        }
    })
}

// ---------------------------------------------------------------------------------------------
// Patches and targets
// ---------------------------------------------------------------------------------------------

/// A validated PATCH body (JSON merge patch of a backend). Immutable; may be shared between
/// threads for reading. Free with `apimb_patch_free`.
pub struct apimb_patch {
    patch: BackendPatch,
}

/// Parses and validates the fields to change, given as JSON in the shape of the spec's
/// `BackendUpdateParameters`: `{"properties": {"description": "x", "proxy": null}}`. A value sets
/// a field, `null` removes it on the service, a field left out is left alone. A header or query
/// value may be a string (read as a one-element list). Nothing is sent.
///
/// On success `*out_patch` receives a new patch. On failure the error has kind
/// `APIMB_ERROR_KIND_VALIDATION` (code such as `InvalidLength`, `field` the JSON path) or
/// `APIMB_ERROR_KIND_INVALID_ARGUMENT` (NULL, bad UTF-8, code `InvalidJson`). Error texts never
/// contain secret values. Thread-safe; does not block.
///
/// Why JSON in rather than one setter per field: the update has ~40 nested fields, each of which
/// can be absent, null or set; one JSON document keeps the ABI small and lets every binding build
/// the description with its own JSON writer.
///
/// # Safety
/// `fields_json` is NULL or a NUL-terminated string; `out_patch` is NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn apimb_patch_build(
    fields_json: *const c_char,
    out_patch: *mut *mut apimb_patch,
) -> *mut apimb_error {
    ffi_fallible!({
        arg_out(out_patch, "out_patch")?;
        let json = arg_str(fields_json, "fields_json")?;
        let patch = BackendPatch::from_json(json)?;
        *out_patch = Box::into_raw(Box::new(apimb_patch { patch }));
        Ok(())
    })
}

/// Like `apimb_patch_build`, but from Set-AzApiManagementBackend's parameters as JSON, by their
/// Az names (`Url`, `Protocol`, `Title`, `Description`, `ResourceId`,
/// `SkipCertificateChainValidation`, `SkipCertificateNameValidation`, `Credential`, `Proxy`,
/// `ServiceFabricCluster`, and beyond Az `Type`, `Pool`, `CircuitBreaker`, `Clear`); only the
/// given ones. Errors name the parameter in `field`. Nothing is sent.
///
/// # Safety
/// `parameters_json` is NULL or a NUL-terminated string; `out_patch` is NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn apimb_patch_build_az(
    parameters_json: *const c_char,
    out_patch: *mut *mut apimb_patch,
) -> *mut apimb_error {
    ffi_fallible!({
        arg_out(out_patch, "out_patch")?;
        let json = arg_str(parameters_json, "parameters_json")?;
        let patch = crate::az::build_patch(json)?;
        *out_patch = Box::into_raw(Box::new(apimb_patch { patch }));
        Ok(())
    })
}

/// Writes the patch body with every secret (proxy password, authorization parameter, header and
/// query values) replaced by `***REDACTED***`: what -WhatIf and -Verbose show. The caller frees
/// `*out_json` with `apimb_string_free`.
///
/// # Safety
/// `patch` is NULL or a live patch; `out_json` is NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn apimb_patch_preview(
    patch: *const apimb_patch,
    out_json: *mut *mut c_char,
) -> *mut apimb_error {
    ffi_fallible!({
        arg_out(out_json, "out_json")?;
        let patch = arg_ref(patch, "patch")?;
        *out_json = out_string(&patch.patch.preview_json());
        Ok(())
    })
}

/// Writes the exact body that would be sent, **secrets included**: for callers that send it by
/// their own means. Never log it. The caller frees `*out_json` with `apimb_string_free`.
///
/// # Safety
/// `patch` is NULL or a live patch; `out_json` is NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn apimb_patch_body(
    patch: *const apimb_patch,
    out_json: *mut *mut c_char,
) -> *mut apimb_error {
    ffi_fallible!({
        arg_out(out_json, "out_json")?;
        let patch = arg_ref(patch, "patch")?;
        *out_json = out_string(&patch.patch.body_json());
        Ok(())
    })
}

/// Frees a patch. NULL is ignored.
///
/// # Safety
/// `patch` is NULL or a patch from `apimb_patch_build` that has not been freed yet.
#[no_mangle]
pub unsafe extern "C" fn apimb_patch_free(patch: *mut apimb_patch) {
    ffi_infallible!((), {
        if !patch.is_null() {
            drop(Box::from_raw(patch));
        }
    })
}

/// Validates where a backend lives, given as JSON `{"subscriptionId", "resourceGroupName",
/// "serviceName", "backendId"?}`: a GUID subscription, ARM's resource group rules, the spec's
/// service name pattern (1-50) and a backend id of 1-80 characters. On success, writes the
/// resource path (`/subscriptions/.../backends[/id]`) to `*out_path` (free with
/// `apimb_string_free`). Thread-safe; does not block.
///
/// # Safety
/// `target_json` is NULL or a NUL-terminated string; `out_path` is NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn apimb_target_validate(
    target_json: *const c_char,
    out_path: *mut *mut c_char,
) -> *mut apimb_error {
    ffi_fallible!({
        arg_out(out_path, "out_path")?;
        let target = parse_target(arg_str(target_json, "target_json")?)?;
        *out_path = out_string(&target.path());
        Ok(())
    })
}

pub(crate) fn parse_target(json: &str) -> Result<BackendTarget, Error> {
    let target: BackendTarget = serde_json::from_str(json).map_err(|e| {
        Error::invalid_argument(
            "target_json",
            format!(
                "'target_json' must be a JSON object with subscriptionId, resourceGroupName, serviceName and optionally backendId ({}).",
                e
            ),
        )
    })?;
    target.validate()?;
    Ok(target)
}

// ---------------------------------------------------------------------------------------------
// Clients, cancellation and operations
// ---------------------------------------------------------------------------------------------

/// A connection to Azure Resource Manager (or the emulator) with its credentials, retry and
/// timeout settings. Thread-safe: one client may run many operations at once from many threads.
/// Free with `apimb_client_free` once no operation uses it.
pub struct apimb_client {
    client: ArmClient,
}

/// A cancellation token. `apimb_cancel_trigger` may be called from any thread, at any time;
/// operations given the token end promptly with `APIMB_ERROR_KIND_CANCELLED`.
pub struct apimb_cancel {
    token: CancelToken,
}

/// Creates a client from JSON options (every field optional):
/// `endpoint` (URL; https, or http on loopback), `cloud` (`AzureCloud`, `AzureChinaCloud`,
/// `AzureUSGovernment`), `apiVersion` (default `2024-05-01`), `accessToken` (used as is),
/// `credentialSources` (subset of `environment`, `workloadIdentity`, `managedIdentity`,
/// `azureCli`, tried in that order when no token is given), `authorityHost` (Entra ID host of a
/// custom cloud), `caCertificateFile` (extra PEM CA to trust), `userAgent` (caller's product
/// token), `retry` {`maxRetries`, `initialDelayMs`, `maxDelayMs`, `connectTimeoutMs`,
/// `tryTimeoutMs`, `totalTimeoutMs`}. Does not contact the service. The access token is held
/// in memory that is zeroized when the client is freed.
///
/// # Safety
/// `options_json` is NULL or a NUL-terminated string; `out_client` is NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn apimb_client_new(
    options_json: *const c_char,
    out_client: *mut *mut apimb_client,
) -> *mut apimb_error {
    ffi_fallible!({
        arg_out(out_client, "out_client")?;
        let json = arg_str(options_json, "options_json")?;
        // Serde errors are generic here: the options carry a token that must not be echoed.
        let options: ClientOptions = serde_json::from_str(json).map_err(|e| {
            let what = if e.is_data() {
                let msg = e.to_string();
                match msg.strip_prefix("unknown field `") {
                    Some(rest) => format!(
                        "unknown option '{}'",
                        rest.split('`').next().unwrap_or_default()
                    ),
                    None => format!(
                        "an option has the wrong type (line {}, column {})",
                        e.line(),
                        e.column()
                    ),
                }
            } else {
                format!("not valid JSON (line {}, column {})", e.line(), e.column())
            };
            Error::invalid_argument("options_json", format!("'options_json' is invalid: {what}"))
        })?;
        let client = ArmClient::new(options)?;
        *out_client = Box::into_raw(Box::new(apimb_client { client }));
        Ok(())
    })
}

/// Frees a client. NULL is ignored. No operation may be running on it.
///
/// # Safety
/// `client` is NULL or a client from `apimb_client_new` that has not been freed yet.
#[no_mangle]
pub unsafe extern "C" fn apimb_client_free(client: *mut apimb_client) {
    ffi_infallible!((), {
        if !client.is_null() {
            drop(Box::from_raw(client));
        }
    })
}

/// Writes the client's counters as JSON (`attempts`, `retries`, `throttled`) to `*out_json`.
///
/// # Safety
/// `client` is NULL or live; `out_json` is NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn apimb_client_stats(
    client: *const apimb_client,
    out_json: *mut *mut c_char,
) -> *mut apimb_error {
    ffi_fallible!({
        arg_out(out_json, "out_json")?;
        let stats = &arg_ref(client, "client")?.client.transport.stats;
        use std::sync::atomic::Ordering::Relaxed;
        let json = serde_json::json!({
            "attempts": stats.attempts.load(Relaxed),
            "retries": stats.retries.load(Relaxed),
            "throttled": stats.throttled.load(Relaxed),
        });
        *out_json = out_string(&json.to_string());
        Ok(())
    })
}

/// Creates a cancellation token. Never fails; free with `apimb_cancel_free`.
#[no_mangle]
pub extern "C" fn apimb_cancel_new() -> *mut apimb_cancel {
    ffi_infallible!(ptr::null_mut(), {
        Box::into_raw(Box::new(apimb_cancel {
            token: CancelToken::new(),
        }))
    })
}

/// Raises the token: operations using it stop promptly. Thread-safe; NULL is ignored.
///
/// # Safety
/// `cancel` is NULL or a live token.
#[no_mangle]
pub unsafe extern "C" fn apimb_cancel_trigger(cancel: *const apimb_cancel) {
    ffi_infallible!((), {
        if let Some(c) = cancel.as_ref() {
            c.token.cancel();
        }
    })
}

/// Frees a token. NULL is ignored. No operation may still be using it.
///
/// # Safety
/// `cancel` is NULL or a token from `apimb_cancel_new` that has not been freed yet.
#[no_mangle]
pub unsafe extern "C" fn apimb_cancel_free(cancel: *mut apimb_cancel) {
    ffi_infallible!((), {
        if !cancel.is_null() {
            drop(Box::from_raw(cancel));
        }
    })
}

unsafe fn cancel_token(cancel: *const apimb_cancel) -> CancelToken {
    cancel.as_ref().map(|c| c.token.clone()).unwrap_or_default()
}

unsafe fn write_backend(
    resp: BackendResponse,
    out_json: *mut *mut c_char,
    out_etag: *mut *mut c_char,
) {
    *out_json = out_string(&resp.json);
    if !out_etag.is_null() {
        *out_etag = resp.etag.as_deref().map_or(ptr::null_mut(), out_string);
    }
}

/// Sends the patch to `PATCH .../backends/{backendId}` with `If-Match: *`, or `if_match` when not
/// NULL. When the patch sets only one TLS flag, the other is first read from the current backend
/// (GET) so the service does not reset it (an ETag from a GET: the update then fails with `APIMB_ERROR_KIND_PRECONDITION_FAILED`
/// if the backend changed since). Retries transient failures. **Blocks** until done, failed or
/// cancelled (`cancel` may be NULL). On success writes the updated backend (BackendContract JSON)
/// to `*out_json` and its ETag (or NULL) to `*out_etag` when `out_etag` is not NULL; free both
/// with `apimb_string_free`. `target_json` is as for `apimb_target_validate` and needs a
/// `backendId`.
///
/// # Safety
/// Pointers are NULL or valid as described; `client` and `patch` stay live during the call.
#[no_mangle]
pub unsafe extern "C" fn apimb_backend_update(
    client: *const apimb_client,
    target_json: *const c_char,
    patch: *const apimb_patch,
    if_match: *const c_char,
    cancel: *const apimb_cancel,
    out_json: *mut *mut c_char,
    out_etag: *mut *mut c_char,
) -> *mut apimb_error {
    ffi_fallible!({
        arg_out(out_json, "out_json")?;
        let client = &arg_ref(client, "client")?.client;
        let target = parse_target(arg_str(target_json, "target_json")?)?;
        let patch = &arg_ref(patch, "patch")?.patch;
        let if_match = arg_opt_str(if_match, "if_match")?;
        let cancel = cancel_token(cancel);
        let resp = crate::runtime::block_on(client.set_backend(&target, patch, if_match, &cancel))?;
        write_backend(resp, out_json, out_etag);
        Ok(())
    })
}

/// `GET .../backends/{backendId}`: writes the backend JSON and its ETag. Blocks; see
/// `apimb_backend_update` for the arguments.
///
/// # Safety
/// Pointers are NULL or valid as described.
#[no_mangle]
pub unsafe extern "C" fn apimb_backend_get(
    client: *const apimb_client,
    target_json: *const c_char,
    cancel: *const apimb_cancel,
    out_json: *mut *mut c_char,
    out_etag: *mut *mut c_char,
) -> *mut apimb_error {
    ffi_fallible!({
        arg_out(out_json, "out_json")?;
        let client = &arg_ref(client, "client")?.client;
        let target = parse_target(arg_str(target_json, "target_json")?)?;
        let cancel = cancel_token(cancel);
        let resp = crate::runtime::block_on(client.get(&target, &cancel))?;
        write_backend(resp, out_json, out_etag);
        Ok(())
    })
}

/// `GET .../backends`, following every nextLink: writes a JSON array of backends. Blocks.
/// `target_json` needs no `backendId`.
///
/// # Safety
/// Pointers are NULL or valid as described.
#[no_mangle]
pub unsafe extern "C" fn apimb_backend_list(
    client: *const apimb_client,
    target_json: *const c_char,
    cancel: *const apimb_cancel,
    out_json: *mut *mut c_char,
) -> *mut apimb_error {
    ffi_fallible!({
        arg_out(out_json, "out_json")?;
        let client = &arg_ref(client, "client")?.client;
        let target = parse_target(arg_str(target_json, "target_json")?)?;
        let cancel = cancel_token(cancel);
        let json = crate::runtime::block_on(client.list(&target, &cancel))?;
        *out_json = out_string(&json);
        Ok(())
    })
}

/// `PUT .../backends/{backendId}` with a whole backend (`{"properties": {...}}`): creates it, or
/// replaces it. `if_match` NULL sends none (create or replace); `*` or an ETag demands that it
/// exists (and is unchanged). Blocks; writes the backend JSON and its ETag.
///
/// # Safety
/// Pointers are NULL or valid as described.
#[no_mangle]
pub unsafe extern "C" fn apimb_backend_put(
    client: *const apimb_client,
    target_json: *const c_char,
    backend_json: *const c_char,
    if_match: *const c_char,
    cancel: *const apimb_cancel,
    out_json: *mut *mut c_char,
    out_etag: *mut *mut c_char,
) -> *mut apimb_error {
    ffi_fallible!({
        arg_out(out_json, "out_json")?;
        let client = &arg_ref(client, "client")?.client;
        let target = parse_target(arg_str(target_json, "target_json")?)?;
        let body = arg_str(backend_json, "backend_json")?;
        let if_match = arg_opt_str(if_match, "if_match")?;
        let cancel = cancel_token(cancel);
        let resp =
            crate::runtime::block_on(client.create_or_update(&target, body, if_match, &cancel))?;
        write_backend(resp, out_json, out_etag);
        Ok(())
    })
}

/// `PUT .../backends/{backendId}` with the body of a validated patch (a new backend from
/// New-AzApiManagementBackend's parameters; a patch that removes fields is refused). `if_match`
/// NULL sends none. Blocks; writes the backend JSON and its ETag.
///
/// # Safety
/// Pointers are NULL or valid as described.
#[no_mangle]
pub unsafe extern "C" fn apimb_backend_create(
    client: *const apimb_client,
    target_json: *const c_char,
    patch: *const apimb_patch,
    if_match: *const c_char,
    cancel: *const apimb_cancel,
    out_json: *mut *mut c_char,
    out_etag: *mut *mut c_char,
) -> *mut apimb_error {
    ffi_fallible!({
        arg_out(out_json, "out_json")?;
        let client = &arg_ref(client, "client")?.client;
        let target = parse_target(arg_str(target_json, "target_json")?)?;
        let patch = &arg_ref(patch, "patch")?.patch;
        let if_match = arg_opt_str(if_match, "if_match")?;
        let cancel = cancel_token(cancel);
        let resp =
            crate::runtime::block_on(client.create_from_patch(&target, patch, if_match, &cancel))?;
        write_backend(resp, out_json, out_etag);
        Ok(())
    })
}

/// `DELETE .../backends/{backendId}` with `If-Match: *` or `if_match`. Blocks. Writes whether
/// the backend existed to `*out_existed` when that is not NULL.
///
/// # Safety
/// Pointers are NULL or valid as described.
#[no_mangle]
pub unsafe extern "C" fn apimb_backend_delete(
    client: *const apimb_client,
    target_json: *const c_char,
    if_match: *const c_char,
    cancel: *const apimb_cancel,
    out_existed: *mut bool,
) -> *mut apimb_error {
    ffi_fallible!({
        let client = &arg_ref(client, "client")?.client;
        let target = parse_target(arg_str(target_json, "target_json")?)?;
        let if_match = arg_opt_str(if_match, "if_match")?;
        let cancel = cancel_token(cancel);
        let existed = crate::runtime::block_on(client.delete(&target, if_match, &cancel))?;
        if !out_existed.is_null() {
            *out_existed = existed;
        }
        Ok(())
    })
}

// ---------------------------------------------------------------------------------------------
// Log
// ---------------------------------------------------------------------------------------------

/// Sets what the library records: 0 off (default), 1 errors, 2 each request and answer, 3 also
/// retries and pacing. Log lines never hold bodies, header values or tokens. Thread-safe.
#[no_mangle]
pub extern "C" fn apimb_log_set_level(level: u8) {
    ffi_infallible!((), { crate::log::set_level(level) })
}

/// Takes the recorded lines (oldest first) as a JSON array of strings into `*out_json`; the
/// buffer keeps the last 2000 lines. Thread-safe.
///
/// # Safety
/// `out_json` is NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn apimb_log_drain(out_json: *mut *mut c_char) -> *mut apimb_error {
    ffi_fallible!({
        arg_out(out_json, "out_json")?;
        let lines = crate::log::drain();
        *out_json = out_string(&serde_json::to_string(&lines).expect("strings serialize"));
        Ok(())
    })
}

/// Borrows a required object argument.
///
/// # Safety
/// `p` is NULL or points to a live object of type `T`.
pub(crate) unsafe fn arg_ref<'a, T>(p: *const T, name: &str) -> Result<&'a T, Error> {
    p.as_ref()
        .ok_or_else(|| Error::invalid_argument(name, format!("argument '{name}' is NULL")))
}

// ---------------------------------------------------------------------------------------------
// Errors
// ---------------------------------------------------------------------------------------------

/// Kinds of error, as returned by `apimb_error_kind()`.
#[repr(C)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum apimb_kind {
    APIMB_ERROR_KIND_NONE = 0,
    APIMB_ERROR_KIND_INVALID_ARGUMENT = 1,
    APIMB_ERROR_KIND_VALIDATION = 2,
    APIMB_ERROR_KIND_AUTHENTICATION = 3,
    APIMB_ERROR_KIND_PERMISSION_DENIED = 4,
    APIMB_ERROR_KIND_NOT_FOUND = 5,
    APIMB_ERROR_KIND_PRECONDITION_FAILED = 6,
    APIMB_ERROR_KIND_THROTTLED = 7,
    APIMB_ERROR_KIND_SERVICE = 8,
    APIMB_ERROR_KIND_TRANSPORT = 9,
    APIMB_ERROR_KIND_TIMEOUT = 10,
    APIMB_ERROR_KIND_CANCELLED = 11,
    APIMB_ERROR_KIND_INTERNAL = 12,
}

impl From<ErrorKind> for apimb_kind {
    fn from(k: ErrorKind) -> Self {
        use apimb_kind::*;
        match k {
            ErrorKind::InvalidArgument => APIMB_ERROR_KIND_INVALID_ARGUMENT,
            ErrorKind::Validation => APIMB_ERROR_KIND_VALIDATION,
            ErrorKind::Authentication => APIMB_ERROR_KIND_AUTHENTICATION,
            ErrorKind::PermissionDenied => APIMB_ERROR_KIND_PERMISSION_DENIED,
            ErrorKind::NotFound => APIMB_ERROR_KIND_NOT_FOUND,
            ErrorKind::PreconditionFailed => APIMB_ERROR_KIND_PRECONDITION_FAILED,
            ErrorKind::Throttled => APIMB_ERROR_KIND_THROTTLED,
            ErrorKind::Service => APIMB_ERROR_KIND_SERVICE,
            ErrorKind::Transport => APIMB_ERROR_KIND_TRANSPORT,
            ErrorKind::Timeout => APIMB_ERROR_KIND_TIMEOUT,
            ErrorKind::Cancelled => APIMB_ERROR_KIND_CANCELLED,
            ErrorKind::Internal => APIMB_ERROR_KIND_INTERNAL,
        }
    }
}

/// The kind of `err`; `APIMB_ERROR_KIND_NONE` for NULL.
///
/// # Safety
/// `err` is NULL or a live error object.
#[no_mangle]
pub unsafe extern "C" fn apimb_error_kind(err: *const apimb_error) -> apimb_kind {
    ffi_infallible!(apimb_kind::APIMB_ERROR_KIND_INTERNAL, {
        match err.as_ref() {
            None => apimb_kind::APIMB_ERROR_KIND_NONE,
            Some(e) => e.kind.into(),
        }
    })
}

/// The HTTP status the service answered with, 0 when no answer is involved (or `err` is NULL).
///
/// # Safety
/// `err` is NULL or a live error object.
#[no_mangle]
pub unsafe extern "C" fn apimb_error_http_status(err: *const apimb_error) -> u16 {
    ffi_infallible!(0, { err.as_ref().map_or(0, |e| e.http_status) })
}

fn borrowed(s: Option<&CString>) -> *const c_char {
    s.map_or(ptr::null(), |s| s.as_ptr())
}

/// Stable PascalCase code (e.g. `InvalidLength`). Borrowed from `err`; NULL for a NULL `err`.
///
/// # Safety
/// `err` is NULL or a live error object.
#[no_mangle]
pub unsafe extern "C" fn apimb_error_code(err: *const apimb_error) -> *const c_char {
    ffi_infallible!(ptr::null(), { borrowed(err.as_ref().map(|e| &e.code)) })
}

/// Human-readable message, free of secret values. Borrowed from `err`; NULL for a NULL `err`.
///
/// # Safety
/// `err` is NULL or a live error object.
#[no_mangle]
pub unsafe extern "C" fn apimb_error_message(err: *const apimb_error) -> *const c_char {
    ffi_infallible!(ptr::null(), { borrowed(err.as_ref().map(|e| &e.message)) })
}

/// JSON path of the offending field or name of the offending argument; NULL when none.
/// Borrowed from `err`.
///
/// # Safety
/// `err` is NULL or a live error object.
#[no_mangle]
pub unsafe extern "C" fn apimb_error_field(err: *const apimb_error) -> *const c_char {
    ffi_infallible!(ptr::null(), {
        borrowed(err.as_ref().and_then(|e| e.field.as_ref()))
    })
}

/// ARM `error.code` of the service answer; NULL when none. Borrowed from `err`.
///
/// # Safety
/// `err` is NULL or a live error object.
#[no_mangle]
pub unsafe extern "C" fn apimb_error_arm_code(err: *const apimb_error) -> *const c_char {
    ffi_infallible!(ptr::null(), {
        borrowed(err.as_ref().and_then(|e| e.arm_code.as_ref()))
    })
}

/// `x-ms-request-id` of the service answer; NULL when none. Borrowed from `err`.
///
/// # Safety
/// `err` is NULL or a live error object.
#[no_mangle]
pub unsafe extern "C" fn apimb_error_request_id(err: *const apimb_error) -> *const c_char {
    ffi_infallible!(ptr::null(), {
        borrowed(err.as_ref().and_then(|e| e.request_id.as_ref()))
    })
}

/// Every field of `err` as one JSON object (`kind`, `code`, `message`, `field`, `httpStatus`,
/// `armCode`, `target`, `details`, `requestId`, `correlationId`). Borrowed from `err`; NULL for
/// a NULL `err`.
///
/// # Safety
/// `err` is NULL or a live error object.
#[no_mangle]
pub unsafe extern "C" fn apimb_error_json(err: *const apimb_error) -> *const c_char {
    ffi_infallible!(ptr::null(), { borrowed(err.as_ref().map(|e| &e.json)) })
}

/// Frees an error object. NULL is ignored.
///
/// # Safety
/// `err` is NULL or an error returned by this library that has not been freed yet.
#[no_mangle]
pub unsafe extern "C" fn apimb_error_free(err: *mut apimb_error) {
    ffi_infallible!((), {
        if !err.is_null() {
            drop(Box::from_raw(err));
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn panic_inside_boundary_becomes_internal_error() {
        let err = boundary(|| panic!("boom"));
        assert!(!err.is_null());
        unsafe {
            assert_eq!(apimb_error_kind(err), apimb_kind::APIMB_ERROR_KIND_INTERNAL);
            let msg = CStr::from_ptr(apimb_error_message(err)).to_str().unwrap();
            assert!(msg.contains("boom"), "{msg}");
            apimb_error_free(err);
        }
    }

    #[test]
    fn null_and_bad_utf8_arguments_are_rejected_with_the_argument_name() {
        unsafe {
            let e = arg_str(ptr::null(), "fields_json").unwrap_err();
            assert_eq!(e.kind, ErrorKind::InvalidArgument);
            assert_eq!(e.field.as_deref(), Some("fields_json"));
            let bad = [0x66u8, 0xff, 0xfe, 0];
            let e = arg_str(bad.as_ptr().cast(), "endpoint").unwrap_err();
            assert!(e.message.contains("not valid UTF-8"), "{}", e.message);
            assert!(e.message.contains("offset 1"), "{}", e.message);
        }
    }

    #[test]
    fn version_info_is_json_with_abi_version() {
        let mut out: *mut c_char = ptr::null_mut();
        unsafe {
            assert!(apimb_version_info(&mut out).is_null());
            let v: serde_json::Value =
                serde_json::from_str(CStr::from_ptr(out).to_str().unwrap()).unwrap();
            assert_eq!(v["abiVersion"], version::APIMB_ABI_VERSION);
            assert_eq!(v["defaultApiVersion"], "2024-05-01");
            apimb_string_free(out);
            let err = apimb_version_info(ptr::null_mut());
            assert_eq!(
                CStr::from_ptr(apimb_error_field(err)).to_str().unwrap(),
                "out_json"
            );
            apimb_error_free(err);
        }
    }

    #[test]
    fn interior_nul_is_replaced_not_truncated() {
        let e = apimb_error::from(Error::internal("a\0b"));
        assert_eq!(e.message.to_str().unwrap(), "a\u{FFFD}b");
    }
}
