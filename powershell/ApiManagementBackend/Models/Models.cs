using System;
using System.Collections;
using System.Management.Automation;
using System.Security;

// Az.ApiManagement's type names and shapes, so scripts and formatting written for Az keep working.
namespace Microsoft.Azure.Commands.ApiManagement.ServiceManagement.Models
{
    /// <summary>Where backends live. Az's has ResourceGroupName and ServiceName and takes the
    /// subscription from the Az context; this one can also carry the subscription, endpoint,
    /// extra CA file and token (see about_ApiManagementBackend_Connection in the README).</summary>
    public class PsApiManagementContext
    {
        public string ResourceGroupName { get; set; }
        public string ServiceName { get; set; }
        public string SubscriptionId { get; set; }
        /// <summary>Resource Manager endpoint; null means the Az context's or the public cloud's.</summary>
        public Uri Endpoint { get; set; }
        public string CaCertificateFile { get; set; }
        /// <summary>A bearer token to use as is; held as a SecureString, never displayed.</summary>
        public SecureString AccessToken { get; set; }

        public override string ToString() => ResourceGroupName + "/" + ServiceName;
    }

    public class PsApiManagementBackendAuthorizationHeaderCredential
    {
        public string Scheme { get; set; }
        public string Parameter { get; set; }

        /// <summary>The parameter is a secret: not shown in text.</summary>
        public override string ToString() => Scheme;
    }

    public class PsApiManagementBackendCredential
    {
        /// <summary>Client certificate thumbprints.</summary>
        public string[] Certificate { get; set; }
        /// <summary>Client certificate ids (sent as credentials.certificateIds).</summary>
        public string[] CertificateIds { get; set; }
        /// <summary>Query parameters: name → string[] (a single string is accepted).</summary>
        public Hashtable Query { get; set; }
        /// <summary>Headers: name → string[] (a single string is accepted).</summary>
        public Hashtable Header { get; set; }
        public PsApiManagementBackendAuthorizationHeaderCredential Authorization { get; set; }
    }

    public class PsApiManagementBackendProxy
    {
        public string Url { get; set; }
        public PSCredential ProxyCredentials { get; set; }

        public override string ToString() => Url;
    }

    public class PsApiManagementServiceFabric
    {
        public string ClientCertificateThumbprint { get; set; }
        public string ClientCertificateId { get; set; }
        public int? MaxPartitionResolutionRetries { get; set; }
        public string[] ManagementEndpoints { get; set; }
        /// <summary>Server certificate common name → issuer thumbprint (or several).</summary>
        public Hashtable ServerX509Names { get; set; }
        public string[] ServerCertificateThumbprint { get; set; }
    }

    /// <summary>A member of a load-balanced pool (beyond Az).</summary>
    public class PsApiManagementBackendPoolMember
    {
        /// <summary>ARM id of the member backend.</summary>
        public string Id { get; set; }
        public int? Priority { get; set; }
        public int? Weight { get; set; }

        public override string ToString() => Id;
    }

    /// <summary>A circuit-breaker rule (beyond Az).</summary>
    public class PsApiManagementBackendCircuitBreakerRule
    {
        public string Name { get; set; }
        public string TripDuration { get; set; }
        public bool? AcceptRetryAfter { get; set; }
        public long? FailureCount { get; set; }
        public long? FailurePercentage { get; set; }
        public string FailureInterval { get; set; }
        /// <summary>Status code ranges such as "500-599" or "429".</summary>
        public string[] FailureStatusCodeRange { get; set; }
        public string[] FailureErrorReason { get; set; }

        public override string ToString() => Name;
    }

    public class PsApiManagementBackend
    {
        public string Id { get; set; }
        public string ResourceGroupName { get; set; }
        public string ServiceName { get; set; }
        public string BackendId { get; set; }
        public string Protocol { get; set; }
        public string Url { get; set; }
        public string ResourceId { get; set; }
        public string Title { get; set; }
        public string Description { get; set; }
        public PsApiManagementBackendCredential Credentials { get; set; }
        public PsApiManagementBackendProxy Proxy { get; set; }
        public PsApiManagementServiceFabric ServiceFabricCluster { get; set; }
        /// <summary>skipCertificateChainValidation / skipCertificateNameValidation (inverted from tls).</summary>
        public Hashtable Properties { get; set; }
        /// <summary>Single or Pool (beyond Az).</summary>
        public string Type { get; set; }
        public PsApiManagementBackendPoolMember[] Pool { get; set; }
        public PsApiManagementBackendCircuitBreakerRule[] CircuitBreaker { get; set; }
        /// <summary>The entity tag read with the backend: Set-AzApiManagementBackend -UseETag sends it
        /// as If-Match, so a concurrent change is detected instead of overwritten.</summary>
        public string ETag { get; set; }

        /// <summary>The connection it was read through, reused when it is piped to Set/Remove.
        /// A field, not a property: a property named Context would bind by name in the Context
        /// parameter set and make piping ambiguous.</summary>
        internal PsApiManagementContext SourceContext;

        public override string ToString() => BackendId;
    }
}
