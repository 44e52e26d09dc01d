using System.Collections.Generic;
using System.Management.Automation;
using ApiManagementBackend.Native;
using Microsoft.Azure.Commands.ApiManagement.ServiceManagement.Models;

namespace ApiManagementBackend.Cmdlets
{
    /// <summary>New-AzApiManagementBackend: creates (or replaces) a backend with PUT.</summary>
    [Cmdlet(VerbsCommon.New, "AzApiManagementBackend", SupportsShouldProcess = true)]
    [OutputType(typeof(PsApiManagementBackend))]
    public sealed class NewAzApiManagementBackendCommand : BackendCmdletBase
    {
        [Parameter(Mandatory = true, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
        [ValidateNotNull]
        public PsApiManagementContext Context { get; set; }

        [Parameter(Mandatory = true, ValueFromPipelineByPropertyName = true, HelpMessage = "Identifier of the new backend (1 to 80 characters).")]
        public string BackendId { get; set; }

        [Parameter(ValueFromPipelineByPropertyName = true, HelpMessage = "http or soap; required for a single backend.")]
        [ArgumentCompleter(typeof(EnumCompleter))]
        public string Protocol { get; set; }

        [Parameter(ValueFromPipelineByPropertyName = true, HelpMessage = "Runtime URL; required for a single backend.")]
        public string Url { get; set; }

        [Parameter(ValueFromPipelineByPropertyName = true)]
        public string ResourceId { get; set; }

        [Parameter(ValueFromPipelineByPropertyName = true)]
        public string Title { get; set; }

        [Parameter(ValueFromPipelineByPropertyName = true)]
        public string Description { get; set; }

        [Parameter(ValueFromPipelineByPropertyName = true)]
        public bool? SkipCertificateChainValidation { get; set; }

        [Parameter(ValueFromPipelineByPropertyName = true)]
        public bool? SkipCertificateNameValidation { get; set; }

        [Parameter(ValueFromPipelineByPropertyName = true)]
        public PsApiManagementBackendCredential Credential { get; set; }

        [Parameter(ValueFromPipelineByPropertyName = true)]
        public PsApiManagementBackendProxy Proxy { get; set; }

        [Parameter(ValueFromPipelineByPropertyName = true)]
        public PsApiManagementServiceFabric ServiceFabricCluster { get; set; }

        [Parameter(HelpMessage = "ARM api-version to use (default 2024-05-01).")]
        public string ApiVersion { get; set; }

        [Parameter]
        [Alias("AzContext", "AzureRmContext", "AzureCredential")]
        public object DefaultProfile { get; set; }

        private static readonly string[] s_valueParameters =
        {
            "Protocol", "Url", "ResourceId", "Title", "Description", "SkipCertificateChainValidation",
            "SkipCertificateNameValidation", "Credential", "Proxy", "ServiceFabricCluster",
        };

        protected override void ProcessRecord()
        {
            var given = new Dictionary<string, object>();
            foreach (string name in s_valueParameters)
            {
                if (MyInvocation.BoundParameters.TryGetValue(name, out object v) && v != null && !(v is string s && s.Length == 0))
                {
                    given[name] = v;
                }
            }
            PatchHandle body = null;
            try
            {
                if (!TryNative(() => body = NativeApi.BuildAzPatch(BackendMapper.ParametersJson(given)), BackendId)) return;
                WriteVerbose("PUT body (secrets redacted): " + NativeApi.Preview(body));
                if (!ShouldProcess(BackendId, "Create Backend")) return;
                TryNative(() =>
                {
                    Connection conn = ConnectionFor(Context, DefaultProfile, ApiVersion);
                    BackendJson b = NativeApi.Create(conn.Client(), conn.TargetJson(Context.ResourceGroupName, Context.ServiceName, BackendId), body, null, Cancel);
                    WriteObject(BackendMapper.FromContract((Dictionary<string, object>)Json.Parse(b.Json), b.ETag, Context));
                }, BackendId);
            }
            finally
            {
                body?.Dispose();
            }
        }
    }

    /// <summary>Remove-AzApiManagementBackend: deletes a backend (If-Match * unless -UseETag).</summary>
    [Cmdlet(VerbsCommon.Remove, "AzApiManagementBackend", DefaultParameterSetName = ContextSet, SupportsShouldProcess = true)]
    [OutputType(typeof(bool))]
    public sealed class RemoveAzApiManagementBackendCommand : BackendCmdletBase
    {
        private const string ContextSet = "ContextParameterSet";
        private const string InputObjectSet = "ByInputObject";

        [Parameter(ParameterSetName = ContextSet, Mandatory = true, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
        [ValidateNotNull]
        public PsApiManagementContext Context { get; set; }

        [Parameter(ParameterSetName = ContextSet, Mandatory = true, ValueFromPipelineByPropertyName = true)]
        public string BackendId { get; set; }

        // ByPropertyName as well as ByValue: see Set-AzApiManagementBackend.
        [Parameter(ParameterSetName = InputObjectSet, Mandatory = true, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
        [ValidateNotNull]
        public PsApiManagementBackend InputObject { get; set; }

        [Parameter(HelpMessage = "Delete only if the backend still has the ETag read with -InputObject.")]
        public SwitchParameter UseETag { get; set; }

        [Parameter(HelpMessage = "ARM api-version to use (default 2024-05-01).")]
        public string ApiVersion { get; set; }

        [Parameter(HelpMessage = "Write $true when the backend was removed.")]
        public SwitchParameter PassThru { get; set; }

        [Parameter]
        [Alias("AzContext", "AzureRmContext", "AzureCredential")]
        public object DefaultProfile { get; set; }

        protected override void ProcessRecord()
        {
            PsApiManagementContext ctx = Context;
            string backendId = BackendId;
            if (ParameterSetName == InputObjectSet)
            {
                backendId = BackendMapper.BackendIdOf(InputObject);
                ctx = BackendMapper.ContextOf(InputObject);
            }
            string ifMatch = UseETag.IsPresent && InputObject != null ? InputObject.ETag : null;
            if (!ShouldProcess(backendId, "Remove Backend")) return;
            TryNative(() =>
            {
                Connection conn = ConnectionFor(ctx, DefaultProfile, ApiVersion);
                NativeApi.Delete(conn.Client(), conn.TargetJson(ctx.ResourceGroupName, ctx.ServiceName, backendId), ifMatch, Cancel);
                if (PassThru.IsPresent) WriteObject(true);
            }, backendId);
        }
    }
}
