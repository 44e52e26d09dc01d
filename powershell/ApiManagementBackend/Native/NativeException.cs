using System;

namespace ApiManagementBackend.Native
{
    /// <summary>Mirrors apimb_kind in include/apimbackend.h.</summary>
    public enum NativeErrorKind
    {
        None = 0,
        InvalidArgument = 1,
        Validation = 2,
        Authentication = 3,
        PermissionDenied = 4,
        NotFound = 5,
        PreconditionFailed = 6,
        Throttled = 7,
        Service = 8,
        Transport = 9,
        Timeout = 10,
        Cancelled = 11,
        Internal = 12,
    }

    /// <summary>A failure reported by the native library, with its structured fields.</summary>
    public sealed class NativeException : Exception
    {
        public NativeErrorKind Kind { get; }
        public string Code { get; }
        public string Field { get; }
        public int HttpStatus { get; }
        public string ArmCode { get; }
        public string RequestId { get; }

        internal NativeException(NativeErrorKind kind, string code, string message, string field,
            int httpStatus, string armCode, string requestId)
            : base(message)
        {
            Kind = kind;
            Code = code;
            Field = field;
            HttpStatus = httpStatus;
            ArmCode = armCode;
            RequestId = requestId;
        }
    }
}
