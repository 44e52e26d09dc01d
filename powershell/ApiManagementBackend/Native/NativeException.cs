using System;
using System.Collections.Generic;
using System.Linq;

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

    /// <summary>A failure reported by the native library, with its structured fields. Its texts
    /// come from the library, which keeps secret values out of them.</summary>
    public sealed class NativeException : Exception
    {
        public NativeErrorKind Kind { get; }
        /// <summary>Stable code, e.g. InvalidLength or PreconditionFailed.</summary>
        public string Code { get; }
        /// <summary>JSON path of the field, or the parameter name.</summary>
        public string Field { get; }
        public int HttpStatus { get; }
        public string ArmCode { get; }
        public string Target { get; }
        public IReadOnlyList<string> Details { get; }
        public string RequestId { get; }
        public string CorrelationId { get; }

        private NativeException(string message, NativeErrorKind kind, string code, string field, int httpStatus,
            string armCode, string target, IReadOnlyList<string> details, string requestId, string correlationId)
            : base(message)
        {
            Kind = kind;
            Code = code;
            Field = field;
            HttpStatus = httpStatus;
            ArmCode = armCode;
            Target = target;
            Details = details;
            RequestId = requestId;
            CorrelationId = correlationId;
        }

        internal static NativeException FromJson(string json)
        {
            var e = (Dictionary<string, object>)Json.Parse(json);
            string S(string k) => e.TryGetValue(k, out object v) ? v as string : null;
            var details = e.TryGetValue("details", out object d) && d is List<object> list
                ? list.Select(x => x as string).Where(x => x != null).ToList()
                : new List<string>();
            return new NativeException(
                S("message") ?? "Unknown native error.",
                (NativeErrorKind)Convert.ToInt32(e["kind"]),
                S("code"),
                S("field"),
                Convert.ToInt32(e["httpStatus"]),
                S("armCode"),
                S("target"),
                details,
                S("requestId"),
                S("correlationId"));
        }

        /// <summary>The message with ARM's code, details and request ids, as the error record shows it.</summary>
        public string FullMessage()
        {
            var parts = new List<string> { Message };
            if (HttpStatus != 0 && Message.IndexOf("HTTP " + HttpStatus, StringComparison.Ordinal) < 0)
                parts.Add("HTTP status: " + HttpStatus + ".");
            if (ArmCode != null) parts.Add("Error code: " + ArmCode + ".");
            if (Target != null) parts.Add("Target: " + Target + ".");
            foreach (string detail in Details) parts.Add("Detail: " + detail);
            if (RequestId != null) parts.Add("Request id: " + RequestId + ".");
            if (CorrelationId != null) parts.Add("Correlation id: " + CorrelationId + ".");
            return string.Join(" ", parts);
        }
    }
}
