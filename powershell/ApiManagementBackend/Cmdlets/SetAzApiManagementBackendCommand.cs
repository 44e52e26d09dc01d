using System;
using System.Collections.Generic;
using System.Management.Automation;
using System.Threading;
using System.Threading.Tasks;
using ApiManagementBackend.Native;
using Microsoft.Azure.Commands.ApiManagement.ServiceManagement.Models;

namespace ApiManagementBackend.Cmdlets
{
    /// <summary>
    /// Set-AzApiManagementBackend: updates a backend with a PATCH that carries only the given
    /// parameters (JSON merge patch), If-Match * unless an ETag is asked for.
    /// </summary>
    /// <remarks>
    /// Value checks (lengths, protocol, counts, ranges) are done by the native library rather than
    /// by validation attributes: a backend piped in has null properties that would otherwise fail
    /// parameter binding for the whole record. The messages use PowerShell's own wording.
    /// </remarks>
    [Cmdlet(VerbsCommon.Set, "AzApiManagementBackend", DefaultParameterSetName = ContextSet, SupportsShouldProcess = true)]
    [OutputType(typeof(PsApiManagementBackend))]
    public sealed class SetAzApiManagementBackendCommand : BackendCmdletBase
    {
        private const string ContextSet = "ContextParameterSet";
        private const string InputObjectSet = "ByInputObject";

        [Parameter(ParameterSetName = ContextSet, Mandatory = true, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true,
            HelpMessage = "Instance of PsApiManagementContext.")]
        [ValidateNotNull]
        public PsApiManagementContext Context { get; set; }

        [Parameter(ParameterSetName = ContextSet, Mandatory = true, ValueFromPipelineByPropertyName = true,
            HelpMessage = "Identifier of the backend to update.")]
        public string BackendId { get; set; }

        // ByPropertyName as well as ByValue: without it the binder settles on the default (Context)
        // set by the piped backend's BackendId property and never binds InputObject.
        [Parameter(ParameterSetName = InputObjectSet, Mandatory = true, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true,
            HelpMessage = "Instance of PsApiManagementBackend.")]
        [ValidateNotNull]
        public PsApiManagementBackend InputObject { get; set; }

        [Parameter(ValueFromPipelineByPropertyName = true, HelpMessage = "Backend communication protocol: http or soap.")]
        [ArgumentCompleter(typeof(EnumCompleter))]
        public string Protocol { get; set; }

        [Parameter(ValueFromPipelineByPropertyName = true, HelpMessage = "Runtime URL of the backend (1 to 2000 characters).")]
        public string Url { get; set; }

        [Parameter(ValueFromPipelineByPropertyName = true, HelpMessage = "Management URI of the resource in an external system, e.g. the ARM id of a Logic App (1 to 2000 characters).")]
        public string ResourceId { get; set; }

        [Parameter(ValueFromPipelineByPropertyName = true, HelpMessage = "Backend title (1 to 300 characters).")]
        public string Title { get; set; }

        [Parameter(ValueFromPipelineByPropertyName = true, HelpMessage = "Backend description (1 to 2000 characters).")]
        public string Description { get; set; }

        [Parameter(ValueFromPipelineByPropertyName = true, HelpMessage = "Whether to skip certificate chain validation when talking to the backend.")]
        public bool? SkipCertificateChainValidation { get; set; }

        [Parameter(ValueFromPipelineByPropertyName = true, HelpMessage = "Whether to skip certificate name validation when talking to the backend.")]
        public bool? SkipCertificateNameValidation { get; set; }

        [Parameter(ValueFromPipelineByPropertyName = true, HelpMessage = "Credentials for the backend (New-AzApiManagementBackendCredential).")]
        public PsApiManagementBackendCredential Credential { get; set; }

        [Parameter(ValueFromPipelineByPropertyName = true, HelpMessage = "Proxy for the backend (New-AzApiManagementBackendProxy).")]
        public PsApiManagementBackendProxy Proxy { get; set; }

        [Parameter(ValueFromPipelineByPropertyName = true, HelpMessage = "Service Fabric cluster backend (New-AzApiManagementBackendServiceFabric).")]
        public PsApiManagementServiceFabric ServiceFabricCluster { get; set; }

        [Parameter(ValueFromPipelineByPropertyName = true, HelpMessage = "Single or Pool (beyond Az).")]
        [ArgumentCompleter(typeof(EnumCompleter))]
        public string Type { get; set; }

        [Parameter(HelpMessage = "Members of a load-balanced pool (New-AzApiManagementBackendPoolMember); makes the backend a pool.")]
        public PsApiManagementBackendPoolMember[] Pool { get; set; }

        [Parameter(HelpMessage = "The circuit-breaker rule (New-AzApiManagementBackendCircuitBreakerRule); the service accepts one.")]
        public PsApiManagementBackendCircuitBreakerRule[] CircuitBreaker { get; set; }

        [Parameter(HelpMessage = "Client certificate ids, sent as credentials.certificateIds.")]
        public string[] CertificateId { get; set; }

        [Parameter(HelpMessage = "How many updates run at once when backends arrive through the pipeline (default 8).")]
        [ValidateRange(1, 64)]
        public int ThrottleLimit { get; set; } = 8;

        [Parameter(HelpMessage = "Remove these settings from the backend: Title, Description, ResourceId, Credential, Proxy, ServiceFabricCluster, Tls, CircuitBreaker, Pool.")]
        [ValidateSet("Title", "Description", "ResourceId", "Credential", "Proxy", "ServiceFabricCluster", "Tls", "CircuitBreaker", "Pool", IgnoreCase = true)]
        public string[] Clear { get; set; }

        [Parameter(HelpMessage = "Send this ETag as If-Match: the update fails if the backend changed since.")]
        public string IfMatch { get; set; }

        [Parameter(HelpMessage = "Send the ETag read with -InputObject as If-Match.")]
        public SwitchParameter UseETag { get; set; }

        [Parameter(HelpMessage = "ARM api-version to use (default 2024-05-01).")]
        public string ApiVersion { get; set; }

        [Parameter(ValueFromPipelineByPropertyName = true, HelpMessage = "Write the updated PsApiManagementBackend.")]
        public SwitchParameter PassThru { get; set; }

        [Parameter]
        [Alias("AzContext", "AzureRmContext", "AzureCredential")]
        public object DefaultProfile { get; set; }

        /// <summary>The parameters that describe the change, by their Az names.</summary>
        private static readonly string[] s_changeParameters =
        {
            "Protocol", "Url", "ResourceId", "Title", "Description", "SkipCertificateChainValidation",
            "SkipCertificateNameValidation", "Credential", "Proxy", "ServiceFabricCluster", "Clear",
            "Type", "Pool", "CircuitBreaker", "CertificateId",
        };

        /// <summary>An update sent and not yet reported; reported in input order.</summary>
        private sealed class Pending
        {
            internal Task<BackendJson> Task;
            internal PatchHandle Patch;
            internal PsApiManagementContext Context;
            internal string BackendId;
        }

        private readonly Queue<Pending> _pending = new Queue<Pending>();
        private SemaphoreSlim _slots;
        private int _submitted;
        private int _reported;

        protected override void BeginProcessing()
        {
            base.BeginProcessing();
            _slots = new SemaphoreSlim(ThrottleLimit, ThrottleLimit);
        }

        protected override void EndProcessing()
        {
            ReportCompleted(waitForAll: true);
            if (_submitted > 1)
            {
                WriteProgress(new ProgressRecord(1, "Set-AzApiManagementBackend", "Done") { RecordType = ProgressRecordType.Completed });
            }
        }

        protected override void ProcessRecord()
        {
            PsApiManagementContext ctx;
            string backendId;
            if (ParameterSetName == InputObjectSet)
            {
                backendId = BackendMapper.BackendIdOf(InputObject);
                ctx = BackendMapper.ContextOf(InputObject);
            }
            else
            {
                ctx = Context;
                backendId = BackendId;
            }

            string ifMatch = IfMatch;
            if (UseETag.IsPresent)
            {
                if (ParameterSetName != InputObjectSet || string.IsNullOrEmpty(InputObject.ETag))
                {
                    WriteError(new ErrorRecord(
                        new PSArgumentException("-UseETag needs an -InputObject read by Get-AzApiManagementBackend -BackendId, which carries the ETag.", "UseETag"),
                        "ETagNotAvailable", ErrorCategory.InvalidArgument, backendId));
                    return;
                }
                ifMatch = InputObject.ETag;
            }

            PatchHandle patch = null;
            try
            {
                if (!TryNative(() => patch = NativeApi.BuildAzPatch(BackendMapper.ParametersJson(GivenChanges())), backendId))
                {
                    return;
                }
                WriteVerbose("PATCH body (secrets redacted): " + NativeApi.Preview(patch));
                if (!ShouldProcess(backendId, "Set Backend"))
                {
                    return;
                }
                ClientHandle client = null;
                string target = null;
                if (!TryNative(() =>
                {
                    Connection conn = ConnectionFor(ctx, DefaultProfile, ApiVersion);
                    client = conn.Client();
                    target = conn.TargetJson(ctx.ResourceGroupName, ctx.ServiceName, backendId);
                }, backendId))
                {
                    return;
                }
                // Wait for a free slot, reporting finished updates meanwhile.
                while (!_slots.Wait(20))
                {
                    ReportCompleted(waitForAll: false);
                }
                PatchHandle sent = patch;
                CancelHandle cancel = Cancel;
                patch = null; // owned by the pending update from here on
                // Blocking native calls run on the module's dedicated threads (see NativeWorkers).
                var task = NativeWorkers.Run(() =>
                {
                    try
                    {
                        return NativeApi.Update(client, target, sent, ifMatch, cancel);
                    }
                    finally
                    {
                        _slots.Release();
                    }
                });
                _pending.Enqueue(new Pending { Task = task, Patch = sent, Context = ctx, BackendId = backendId });
                _submitted++;
                ReportCompleted(waitForAll: false);
            }
            finally
            {
                patch?.Dispose();
            }
        }

        /// <summary>Writes the results of finished updates, oldest first, so output keeps input order.</summary>
        private void ReportCompleted(bool waitForAll)
        {
            while (_pending.Count > 0 && (waitForAll || _pending.Peek().Task.IsCompleted))
            {
                Pending p = _pending.Dequeue();
                try
                {
                    BackendJson result = p.Task.GetAwaiter().GetResult();
                    if (PassThru.IsPresent)
                    {
                        WriteObject(BackendMapper.FromContract((Dictionary<string, object>)Json.Parse(result.Json), result.ETag, p.Context));
                    }
                }
                catch (NativeException e) when (e.Kind == NativeErrorKind.Cancelled)
                {
                    throw new PipelineStoppedException();
                }
                catch (NativeException e)
                {
                    WriteError(ToErrorRecord(e, p.BackendId));
                }
                finally
                {
                    p.Patch.Dispose();
                }
                _reported++;
                if (_submitted > 1)
                {
                    WriteProgress(new ProgressRecord(1, "Set-AzApiManagementBackend",
                        _reported + " of " + _submitted + " updated, " + _pending.Count + " in flight"));
                }
            }
            FlushNativeLog();
        }

        /// <summary>
        /// The change parameters that count for this record. With -InputObject only those typed on
        /// the command line: the piped backend's own properties also bind by name, and Az does not
        /// send them. Otherwise every bound one, except empty values bound from pipeline properties.
        /// </summary>
        private Dictionary<string, object> GivenChanges()
        {
            var given = new Dictionary<string, object>();
            foreach (string name in s_changeParameters)
            {
                if (!MyInvocation.BoundParameters.TryGetValue(name, out object value)) continue;
                bool fromCommandLine = CommandLineParameters.Contains(name);
                if (ParameterSetName == InputObjectSet && !fromCommandLine) continue;
                if (!fromCommandLine && (value == null || (value is string s && s.Length == 0))) continue;
                given[name] = value;
            }
            return given;
        }
    }

    /// <summary>Tab completion for the string enums of the backend (Protocol, Type).</summary>
    public sealed class EnumCompleter : IArgumentCompleter
    {
        public IEnumerable<CompletionResult> CompleteArgument(string commandName, string parameterName, string wordToComplete,
            System.Management.Automation.Language.CommandAst commandAst, System.Collections.IDictionary fakeBoundParameters)
        {
            string[] values = parameterName.Equals("Type", StringComparison.OrdinalIgnoreCase)
                ? new[] { "Single", "Pool" }
                : new[] { "http", "soap" };
            foreach (string v in values)
            {
                if (v.StartsWith(wordToComplete ?? string.Empty, StringComparison.OrdinalIgnoreCase))
                {
                    yield return new CompletionResult(v, v, CompletionResultType.ParameterValue, v);
                }
            }
        }
    }
}
