using System.Collections;
using System.Management.Automation;
using Microsoft.Azure.Commands.ApiManagement.ServiceManagement.Models;

namespace ApiManagementBackend.Cmdlets
{
    /// <summary>New-AzApiManagementBackendCredential: builds a credential object. No service call.</summary>
    [Cmdlet(VerbsCommon.New, "AzApiManagementBackendCredential")]
    [OutputType(typeof(PsApiManagementBackendCredential))]
    public sealed class NewAzApiManagementBackendCredentialCommand : PSCmdlet
    {
        [Parameter(HelpMessage = "Client certificate thumbprints.")]
        public string[] CertificateThumbprint { get; set; }

        [Parameter(HelpMessage = "Client certificate ids (sent as credentials.certificateIds).")]
        public string[] CertificateId { get; set; }

        [Parameter(HelpMessage = "Query parameters: name = value or @(values).")]
        public Hashtable Query { get; set; }

        [Parameter(HelpMessage = "Headers: name = value or @(values).")]
        public Hashtable Header { get; set; }

        [Parameter(HelpMessage = "Authorization header scheme, e.g. Basic (1 to 100 characters).")]
        public string AuthorizationHeaderScheme { get; set; }

        [Parameter(HelpMessage = "Authorization header parameter (1 to 300 characters); a secret.")]
        public string AuthorizationHeaderParameter { get; set; }

        protected override void ProcessRecord()
        {
            var c = new PsApiManagementBackendCredential
            {
                Certificate = CertificateThumbprint,
                CertificateIds = CertificateId,
                Query = Query,
                Header = Header,
            };
            if (AuthorizationHeaderScheme != null || AuthorizationHeaderParameter != null)
            {
                c.Authorization = new PsApiManagementBackendAuthorizationHeaderCredential
                {
                    Scheme = AuthorizationHeaderScheme,
                    Parameter = AuthorizationHeaderParameter,
                };
            }
            WriteObject(c);
        }
    }

    /// <summary>New-AzApiManagementBackendProxy: builds a proxy object. No service call.</summary>
    [Cmdlet(VerbsCommon.New, "AzApiManagementBackendProxy")]
    [OutputType(typeof(PsApiManagementBackendProxy))]
    public sealed class NewAzApiManagementBackendProxyCommand : PSCmdlet
    {
        [Parameter(Mandatory = true, HelpMessage = "Proxy URL, e.g. http://proxy.contoso.com:8080.")]
        [ValidateNotNullOrEmpty]
        public string Url { get; set; }

        [Parameter(HelpMessage = "User name and password for the proxy.")]
        public PSCredential ProxyCredential { get; set; }

        protected override void ProcessRecord() =>
            WriteObject(new PsApiManagementBackendProxy { Url = Url, ProxyCredentials = ProxyCredential });
    }

    /// <summary>New-AzApiManagementBackendServiceFabric: builds a Service Fabric object. No service call.</summary>
    [Cmdlet(VerbsCommon.New, "AzApiManagementBackendServiceFabric")]
    [OutputType(typeof(PsApiManagementServiceFabric))]
    public sealed class NewAzApiManagementBackendServiceFabricCommand : PSCmdlet
    {
        [Parameter(Mandatory = true, HelpMessage = "Cluster management endpoint URLs.")]
        [ValidateNotNullOrEmpty]
        public string[] ManagementEndpoint { get; set; }

        [Parameter(HelpMessage = "Client certificate thumbprint for the management endpoint.")]
        public string ClientCertificateThumbprint { get; set; }

        [Parameter(HelpMessage = "Client certificate id for the management endpoint.")]
        public string ClientCertificateId { get; set; }

        [Parameter(HelpMessage = "Maximum retries while resolving a partition.")]
        public int? MaxPartitionResolutionRetry { get; set; }

        [Parameter(HelpMessage = "Server certificate common name = issuer thumbprint (or several).")]
        public Hashtable ServerX509Name { get; set; }

        [Parameter(HelpMessage = "Thumbprints of the certificates the cluster uses for TLS.")]
        public string[] ServerCertificateThumbprint { get; set; }

        protected override void ProcessRecord() =>
            WriteObject(new PsApiManagementServiceFabric
            {
                ManagementEndpoints = ManagementEndpoint,
                ClientCertificateThumbprint = ClientCertificateThumbprint,
                ClientCertificateId = ClientCertificateId,
                MaxPartitionResolutionRetries = MaxPartitionResolutionRetry,
                ServerX509Names = ServerX509Name,
                ServerCertificateThumbprint = ServerCertificateThumbprint,
            });
    }
}
