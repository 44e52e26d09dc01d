using System.Collections.Generic;
using System.Management.Automation;
using ApiManagementBackend.Native;
using Microsoft.Azure.Commands.ApiManagement.ServiceManagement.Models;

namespace ApiManagementBackend.Cmdlets
{
    /// <summary>Get-AzApiManagementBackend: one backend (with its ETag) or all of a service.</summary>
    [Cmdlet(VerbsCommon.Get, "AzApiManagementBackend", DefaultParameterSetName = ByContext)]
    [OutputType(typeof(PsApiManagementBackend))]
    public sealed class GetAzApiManagementBackendCommand : BackendCmdletBase
    {
        private const string ByContext = "GetAllBackends";
        private const string ByResourceId = "ByResourceIdParameterSet";

        [Parameter(ParameterSetName = ByContext, Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
        [ValidateNotNull]
        public PsApiManagementContext Context { get; set; }

        [Parameter(ParameterSetName = ByContext, Position = 1, ValueFromPipelineByPropertyName = true,
            HelpMessage = "Identifier of the backend. Without it, every backend of the service is returned.")]
        public string BackendId { get; set; }

        [Parameter(ParameterSetName = ByResourceId, Mandatory = true, ValueFromPipelineByPropertyName = true,
            HelpMessage = "ARM id of a backend.")]
        [ValidateNotNullOrEmpty]
        public string ResourceId { get; set; }

        [Parameter(HelpMessage = "ARM api-version to use (default 2024-05-01).")]
        public string ApiVersion { get; set; }

        [Parameter]
        [Alias("AzContext", "AzureRmContext", "AzureCredential")]
        public object DefaultProfile { get; set; }

        protected override void ProcessRecord()
        {
            PsApiManagementContext ctx = Context;
            string backendId = BackendId;
            if (ParameterSetName == ByResourceId)
            {
                ctx = new PsApiManagementContext
                {
                    ResourceGroupName = BackendMapper.Segment(ResourceId, "resourceGroups"),
                    ServiceName = BackendMapper.Segment(ResourceId, "service"),
                    SubscriptionId = BackendMapper.Segment(ResourceId, "subscriptions"),
                };
                backendId = BackendMapper.Segment(ResourceId, "backends");
                if (ctx.ResourceGroupName == null || ctx.ServiceName == null || backendId == null)
                {
                    WriteError(new ErrorRecord(
                        new PSArgumentException("Cannot validate argument on parameter 'ResourceId'. It must be the ARM id of a backend: /subscriptions/{sub}/resourceGroups/{rg}/providers/Microsoft.ApiManagement/service/{name}/backends/{backendId}.", "ResourceId"),
                        "InvalidResourceId", ErrorCategory.InvalidArgument, ResourceId));
                    return;
                }
            }
            TryNative(() =>
            {
                Connection conn = ConnectionFor(ctx, DefaultProfile, ApiVersion);
                ClientHandle client = conn.Client();
                if (backendId != null)
                {
                    BackendJson b = NativeApi.Get(client, conn.TargetJson(ctx.ResourceGroupName, ctx.ServiceName, backendId), Cancel);
                    WriteObject(BackendMapper.FromContract((Dictionary<string, object>)Json.Parse(b.Json), b.ETag, ctx));
                    return;
                }
                string list = NativeApi.List(client, conn.TargetJson(ctx.ResourceGroupName, ctx.ServiceName, null), Cancel);
                foreach (object item in (List<object>)Json.Parse(list))
                {
                    WriteObject(BackendMapper.FromContract((Dictionary<string, object>)item, null, ctx));
                }
            }, backendId ?? ctx.ServiceName);
        }
    }
}
