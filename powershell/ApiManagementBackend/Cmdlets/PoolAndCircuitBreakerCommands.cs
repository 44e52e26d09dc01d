using System;
using System.Management.Automation;
using System.Xml;
using Microsoft.Azure.Commands.ApiManagement.ServiceManagement.Models;

namespace ApiManagementBackend.Cmdlets
{
    /// <summary>New-AzApiManagementBackendPoolMember: a member of a load-balanced pool. No service call.</summary>
    [Cmdlet(VerbsCommon.New, "AzApiManagementBackendPoolMember", DefaultParameterSetName = ById)]
    [OutputType(typeof(PsApiManagementBackendPoolMember))]
    public sealed class NewAzApiManagementBackendPoolMemberCommand : PSCmdlet
    {
        private const string ById = "ById";
        private const string ByContext = "ByContext";

        [Parameter(ParameterSetName = ById, Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true,
            HelpMessage = "ARM id of the member backend.")]
        [ValidateNotNullOrEmpty]
        public string Id { get; set; }

        [Parameter(ParameterSetName = ByContext, Mandatory = true, HelpMessage = "The service of the member backend.")]
        [ValidateNotNull]
        public PsApiManagementContext Context { get; set; }

        [Parameter(ParameterSetName = ByContext, Mandatory = true, ValueFromPipelineByPropertyName = true, HelpMessage = "Id of the member backend.")]
        [ValidateNotNullOrEmpty]
        public string BackendId { get; set; }

        [Parameter(HelpMessage = "Priority, 0 to 100 (lower is tried first).")]
        public int? Priority { get; set; }

        [Parameter(HelpMessage = "Weight within its priority, 0 to 100.")]
        public int? Weight { get; set; }

        protected override void ProcessRecord()
        {
            string id = Id;
            if (ParameterSetName == ByContext)
            {
                string sub = Context.SubscriptionId ?? Environment.GetEnvironmentVariable("AZURE_SUBSCRIPTION_ID");
                if (string.IsNullOrEmpty(sub))
                {
                    WriteError(new ErrorRecord(new PSArgumentException("No subscription is known for the member's ARM id: give -Id, or a context with -SubscriptionId, or set AZURE_SUBSCRIPTION_ID.", "Context"),
                        "SubscriptionUnknown", ErrorCategory.InvalidArgument, BackendId));
                    return;
                }
                id = "/subscriptions/" + sub + "/resourceGroups/" + Context.ResourceGroupName +
                     "/providers/Microsoft.ApiManagement/service/" + Context.ServiceName + "/backends/" + BackendId;
            }
            // Ranges are checked with the rest of the update by the native library.
            WriteObject(new PsApiManagementBackendPoolMember { Id = id, Priority = Priority, Weight = Weight });
        }
    }

    /// <summary>New-AzApiManagementBackendCircuitBreakerRule: a rule for tripping the backend. No service call.</summary>
    [Cmdlet(VerbsCommon.New, "AzApiManagementBackendCircuitBreakerRule")]
    [OutputType(typeof(PsApiManagementBackendCircuitBreakerRule))]
    public sealed class NewAzApiManagementBackendCircuitBreakerRuleCommand : PSCmdlet
    {
        [Parameter(Mandatory = true, Position = 0, HelpMessage = "Rule name.")]
        [ValidateNotNullOrEmpty]
        public string Name { get; set; }

        [Parameter(Mandatory = true, HelpMessage = "How long the circuit stays open: a TimeSpan or an ISO 8601 duration such as PT1M.")]
        [ValidateNotNull]
        public object TripDuration { get; set; }

        [Parameter(HelpMessage = "Accept Retry-After from the backend.")]
        public SwitchParameter AcceptRetryAfter { get; set; }

        [Parameter(HelpMessage = "Failures that open the circuit (at least 1).")]
        public long? FailureCount { get; set; }

        [Parameter(HelpMessage = "Failure percentage that opens the circuit (1 to 100).")]
        public long? FailurePercentage { get; set; }

        [Parameter(Mandatory = true, HelpMessage = "Window in which failures are counted: a TimeSpan or an ISO 8601 duration.")]
        [ValidateNotNull]
        public object FailureInterval { get; set; }

        [Parameter(HelpMessage = "Status codes that count as failures: \"500-599\", \"429\" (at most 10).")]
        public string[] FailureStatusCodeRange { get; set; }

        [Parameter(HelpMessage = "Error reasons that count as failures (at most 10, up to 200 characters each).")]
        public string[] FailureErrorReason { get; set; }

        protected override void ProcessRecord() =>
            WriteObject(new PsApiManagementBackendCircuitBreakerRule
            {
                Name = Name,
                TripDuration = Duration(TripDuration),
                AcceptRetryAfter = MyInvocation.BoundParameters.ContainsKey("AcceptRetryAfter") ? AcceptRetryAfter.IsPresent : (bool?)null,
                FailureCount = FailureCount,
                FailurePercentage = FailurePercentage,
                FailureInterval = Duration(FailureInterval),
                FailureStatusCodeRange = FailureStatusCodeRange,
                FailureErrorReason = FailureErrorReason,
            });

        /// <summary>A TimeSpan becomes ISO 8601 text; text is passed on for the library to check.</summary>
        private static string Duration(object value)
        {
            object v = value is PSObject p ? p.BaseObject : value;
            return v is TimeSpan ts ? XmlConvert.ToString(ts) : v?.ToString();
        }
    }
}
