using System;
using System.Collections.Generic;
using System.Management.Automation;
using System.Security;
using ApiManagementBackend.Native;
using Microsoft.Azure.Commands.ApiManagement.ServiceManagement.Models;

namespace ApiManagementBackend.Cmdlets
{
    /// <summary>New-AzApiManagementContext: names an API Management service. No service call.</summary>
    [Cmdlet(VerbsCommon.New, "AzApiManagementContext", DefaultParameterSetName = ByName)]
    [OutputType(typeof(PsApiManagementContext))]
    public sealed class NewAzApiManagementContextCommand : PSCmdlet
    {
        private const string ByName = "ContextParameterSet";
        private const string ByResourceId = "ResourceIdParameterSet";

        [Parameter(ParameterSetName = ByName, Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true,
            HelpMessage = "Resource group of the API Management service.")]
        [ValidateNotNullOrEmpty]
        public string ResourceGroupName { get; set; }

        [Parameter(ParameterSetName = ByName, Mandatory = true, Position = 1, ValueFromPipelineByPropertyName = true,
            HelpMessage = "Name of the API Management service.")]
        [ValidateNotNullOrEmpty]
        public string ServiceName { get; set; }

        [Parameter(ParameterSetName = ByResourceId, Mandatory = true, ValueFromPipelineByPropertyName = true,
            HelpMessage = "ARM id of the service: /subscriptions/{sub}/resourceGroups/{rg}/providers/Microsoft.ApiManagement/service/{name}.")]
        [ValidateNotNullOrEmpty]
        public string ResourceId { get; set; }

        [Parameter(HelpMessage = "Subscription id (GUID). Default: AZURE_SUBSCRIPTION_ID, then the Az context.")]
        public string SubscriptionId { get; set; }

        [Parameter(HelpMessage = "Resource Manager endpoint, e.g. the local emulator's URL. Default: APIM_BACKEND_ENDPOINT, the Az context, or the public cloud.")]
        public Uri Endpoint { get; set; }

        [Parameter(HelpMessage = "A PEM file of extra CA certificates to trust for the endpoint (e.g. the emulator's).")]
        public string CaCertificateFile { get; set; }

        [Parameter(HelpMessage = "A bearer token for Resource Manager (string or SecureString, e.g. (Get-AzAccessToken).Token).")]
        public object AccessToken { get; set; }

        protected override void ProcessRecord()
        {
            string rg = ResourceGroupName, svc = ServiceName, sub = SubscriptionId;
            if (ParameterSetName == ByResourceId)
            {
                rg = BackendMapper.Segment(ResourceId, "resourceGroups");
                svc = BackendMapper.Segment(ResourceId, "service");
                sub = sub ?? BackendMapper.Segment(ResourceId, "subscriptions");
                if (rg == null || svc == null)
                {
                    WriteError(new ErrorRecord(
                        new PSArgumentException("Cannot validate argument on parameter 'ResourceId'. It must look like /subscriptions/{sub}/resourceGroups/{rg}/providers/Microsoft.ApiManagement/service/{name}.", "ResourceId"),
                        "InvalidResourceId", ErrorCategory.InvalidArgument, ResourceId));
                    return;
                }
            }
            // The names are checked by the same rules the service applies (spec patterns).
            var target = new Dictionary<string, object>
            {
                ["subscriptionId"] = sub ?? "00000000-0000-0000-0000-000000000000",
                ["resourceGroupName"] = rg,
                ["serviceName"] = svc,
            };
            try
            {
                NativeApi.ValidateTarget(Json.Write(target));
            }
            catch (NativeException e)
            {
                WriteError(BackendCmdletBase.ToErrorRecord(e, ParameterSetName == ByResourceId ? ResourceId : (object)svc));
                return;
            }
            if (CaCertificateFile != null)
            {
                CaCertificateFile = SessionState.Path.GetUnresolvedProviderPathFromPSPath(CaCertificateFile);
            }
            WriteObject(new PsApiManagementContext
            {
                ResourceGroupName = rg,
                ServiceName = svc,
                SubscriptionId = sub,
                Endpoint = Endpoint,
                CaCertificateFile = CaCertificateFile,
                AccessToken = AccessToken is PSObject p ? ToSecure(p.BaseObject) : ToSecure(AccessToken),
            });
        }

        private static SecureString ToSecure(object token) =>
            token == null ? null : token as SecureString ?? BackendMapper.ToSecure(token.ToString());
    }
}
