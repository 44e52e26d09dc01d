//! The one error type of the library. Every failure, from argument checks to ARM error bodies,
//! becomes an [`Error`] so the ABI and the cmdlets have a single shape to render.

use std::fmt;

/// Broad class of a failure; the PowerShell layer maps each to an `ErrorCategory`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[repr(C)]
pub enum ErrorKind {
    /// A caller-supplied argument is malformed (NULL, bad UTF-8, bad JSON, unknown option).
    InvalidArgument = 1,
    /// A field value breaks the spec or a service rule; nothing was sent.
    Validation = 2,
    /// No credential could produce a token, or the service answered 401.
    Authentication = 3,
    /// The service answered 403.
    PermissionDenied = 4,
    /// The backend (or its service) does not exist: 404.
    NotFound = 5,
    /// The ETag given with If-Match no longer matches: 412.
    PreconditionFailed = 6,
    /// Throttled (429) and the retry budget ran out.
    Throttled = 7,
    /// The service answered with another error status.
    Service = 8,
    /// The request could not be delivered (DNS, TCP, TLS, reset) within the retry budget.
    Transport = 9,
    /// A connect, per-try or total timeout expired.
    Timeout = 10,
    /// The caller cancelled the operation.
    Cancelled = 11,
    /// A bug in this library (including a caught panic).
    Internal = 12,
}

/// A failure with everything a caller needs to report it. Never holds secret values: messages
/// are built from field paths and limits, not from the offending values when they are secret.
/// Boxed so that `Result<T, Error>` stays one pointer wide on the happy path.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Error(Box<ErrorData>);

/// The fields of an [`Error`], reached through `Deref`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ErrorData {
    pub kind: ErrorKind,
    /// Stable, PascalCase identifier (e.g. `InvalidLength`, `PreconditionFailed`).
    pub code: String,
    pub message: String,
    /// JSON path of the offending field (`properties.url`) or the parameter name.
    pub field: Option<String>,
    /// HTTP status of the service answer, 0 when nothing was answered.
    pub http_status: u16,
    /// ARM `error.code` from the response body.
    pub arm_code: Option<String>,
    /// ARM `error.target`.
    pub target: Option<String>,
    /// ARM `error.details[]` as `code: message` lines.
    pub details: Vec<String>,
    pub request_id: Option<String>,
    pub correlation_id: Option<String>,
}

impl Error {
    pub fn new(kind: ErrorKind, code: impl Into<String>, message: impl Into<String>) -> Self {
        Error(Box::new(ErrorData {
            kind,
            code: code.into(),
            message: message.into(),
            field: None,
            http_status: 0,
            arm_code: None,
            target: None,
            details: Vec::new(),
            request_id: None,
            correlation_id: None,
        }))
    }

    pub fn with_field(mut self, field: impl Into<String>) -> Self {
        self.field = Some(field.into());
        self
    }

    pub fn invalid_argument(field: &str, message: impl Into<String>) -> Self {
        Error::new(ErrorKind::InvalidArgument, "InvalidArgument", message).with_field(field)
    }

    pub fn internal(message: impl Into<String>) -> Self {
        Error::new(ErrorKind::Internal, "InternalError", message)
    }
}

impl std::ops::Deref for Error {
    type Target = ErrorData;
    fn deref(&self) -> &ErrorData {
        &self.0
    }
}

impl std::ops::DerefMut for Error {
    fn deref_mut(&mut self) -> &mut ErrorData {
        &mut self.0
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)?;
        if let Some(code) = &self.arm_code {
            write!(f, " (ARM code: {code})")?;
        }
        if let Some(id) = &self.request_id {
            write!(f, " (request id: {id})")?;
        }
        Ok(())
    }
}

impl std::error::Error for Error {}

pub type Result<T> = std::result::Result<T, Error>;
