using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Management.Automation;
using System.Management.Automation.Runspaces;
using System.Security;
using System.Security.Cryptography;
using System.Text;
using ApiManagementBackend.Native;
using Microsoft.Azure.Commands.ApiManagement.ServiceManagement.Models;

namespace ApiManagementBackend
{
    /// <summary>
    /// Where requests go and with which identity. Each setting is taken from the first place that
    /// has it:
    /// <list type="number">
    /// <item>the context (New-AzApiManagementContext -SubscriptionId -Endpoint -CaCertificateFile -AccessToken);</item>
    /// <item>the environment: AZURE_SUBSCRIPTION_ID, APIM_BACKEND_ENDPOINT, APIM_BACKEND_CA_FILE,
    /// APIM_BACKEND_ACCESS_TOKEN (and APIM_BACKEND_CREDENTIAL_SOURCES to narrow the chain below);</item>
    /// <item>Az.Accounts, when loaded: -DefaultProfile's or the current Az context (subscription,
    /// Resource Manager URL) and Get-AzAccessToken;</item>
    /// <item>the native library's credential chain (environment service principal, workload
    /// identity, managed identity, Azure CLI) and the public cloud.</item>
    /// </list>
    /// </summary>
    internal sealed class Connection
    {
        internal string SubscriptionId;
        internal string Endpoint;
        internal string CaCertificateFile;
        internal string AccessToken;
        internal string ApiVersion;
        /// <summary>Where each setting came from, for -Verbose (never the token itself).</summary>
        internal readonly List<string> Sources = new List<string>();

        internal static Connection Resolve(PSCmdlet cmdlet, PsApiManagementContext ctx, object defaultProfile, string apiVersion)
        {
            var c = new Connection { ApiVersion = apiVersion };
            c.SubscriptionId = Pick(c, "subscription", ctx?.SubscriptionId, "context", Env("AZURE_SUBSCRIPTION_ID"), "AZURE_SUBSCRIPTION_ID");
            c.Endpoint = Pick(c, "endpoint", ctx?.Endpoint?.ToString(), "context", Env("APIM_BACKEND_ENDPOINT"), "APIM_BACKEND_ENDPOINT");
            c.CaCertificateFile = Pick(c, "CA file", ctx?.CaCertificateFile, "context", Env("APIM_BACKEND_CA_FILE"), "APIM_BACKEND_CA_FILE");
            c.AccessToken = Pick(c, "access token", BackendMapper.FromSecure(ctx?.AccessToken), "context", Env("APIM_BACKEND_ACCESS_TOKEN"), "APIM_BACKEND_ACCESS_TOKEN");
            if (c.SubscriptionId == null || (c.Endpoint == null && c.AccessToken == null))
            {
                c.FromAzAccounts(cmdlet, defaultProfile);
            }
            if (c.SubscriptionId == null)
            {
                throw new PSArgumentException(
                    "No subscription is known. Give one with New-AzApiManagementContext -SubscriptionId, set AZURE_SUBSCRIPTION_ID, or sign in with Az.Accounts (Connect-AzAccount).",
                    "SubscriptionId");
            }
            if (c.AccessToken == null) c.Sources.Add("token: native credential chain");
            return c;
        }

        private static string Env(string name)
        {
            string v = Environment.GetEnvironmentVariable(name);
            return string.IsNullOrEmpty(v) ? null : v;
        }

        private static string Pick(Connection c, string what, string first, string firstSource, string second, string secondSource)
        {
            if (!string.IsNullOrEmpty(first)) { c.Sources.Add(what + ": " + firstSource); return first; }
            if (!string.IsNullOrEmpty(second)) { c.Sources.Add(what + ": " + secondSource); return second; }
            return null;
        }

        /// <summary>Fills what is missing from Az.Accounts, if it is loaded and signed in.</summary>
        private void FromAzAccounts(PSCmdlet cmdlet, object defaultProfile)
        {
            try
            {
                PSObject azContext = null;
                if (defaultProfile != null)
                {
                    object dc = PSObject.AsPSObject(defaultProfile).Properties["DefaultContext"]?.Value;
                    azContext = dc == null ? null : PSObject.AsPSObject(dc);
                }
                if (azContext == null && cmdlet.InvokeCommand.GetCommand("Get-AzContext", CommandTypes.Cmdlet | CommandTypes.Function) != null)
                {
                    var r = cmdlet.InvokeCommand.InvokeScript("Get-AzContext");
                    azContext = r.Count > 0 ? r[0] : null;
                }
                if (azContext == null) return;
                string Prop(PSObject o, string a, string b) =>
                    (o?.Properties[a]?.Value is object x ? PSObject.AsPSObject(x).Properties[b]?.Value : null)?.ToString();
                if (SubscriptionId == null)
                {
                    SubscriptionId = Prop(azContext, "Subscription", "Id");
                    if (SubscriptionId != null) Sources.Add("subscription: Az context");
                }
                string rm = Prop(azContext, "Environment", "ResourceManagerUrl");
                if (Endpoint == null && !string.IsNullOrEmpty(rm))
                {
                    Endpoint = rm.TrimEnd('/');
                    Sources.Add("endpoint: Az context");
                }
                if (AccessToken == null && cmdlet.InvokeCommand.GetCommand("Get-AzAccessToken", CommandTypes.Cmdlet | CommandTypes.Function) != null)
                {
                    string resource = Endpoint ?? "https://management.azure.com";
                    // PipelineResultTypes.None: return the results here rather than write them to this cmdlet's output.
                    var r = cmdlet.InvokeCommand.InvokeScript("param($u) Get-AzAccessToken -ResourceUrl $u", false, PipelineResultTypes.None, null, resource);
                    object token = r.Count > 0 ? r[0].Properties["Token"]?.Value : null;
                    AccessToken = token is SecureString s ? BackendMapper.FromSecure(s) : token?.ToString();
                    if (AccessToken != null) Sources.Add("access token: Get-AzAccessToken");
                }
            }
            catch (Exception ex) when (!(ex is PipelineStoppedException))
            {
                cmdlet.WriteVerbose("Az.Accounts could not provide the connection (" + ex.GetType().Name + "); using the environment and the native credential chain.");
            }
        }

        internal string OptionsJson()
        {
            var o = new Dictionary<string, object>
            {
                ["userAgent"] = "ApiManagementBackend-PowerShell/" + typeof(Connection).Assembly.GetName().Version.ToString(3),
            };
            if (Endpoint != null) o["endpoint"] = Endpoint;
            if (CaCertificateFile != null) o["caCertificateFile"] = CaCertificateFile;
            if (AccessToken != null) o["accessToken"] = AccessToken;
            if (ApiVersion != null) o["apiVersion"] = ApiVersion;
            // Narrow the native credential chain, e.g. to keep CI away from managed identity.
            string sources = Env("APIM_BACKEND_CREDENTIAL_SOURCES");
            if (sources != null) o["credentialSources"] = sources.Split(new[] { ',' }, StringSplitOptions.RemoveEmptyEntries);
            return Json.Write(o);
        }

        internal string TargetJson(string resourceGroup, string service, string backendId)
        {
            var t = new Dictionary<string, object>
            {
                ["subscriptionId"] = SubscriptionId,
                ["resourceGroupName"] = resourceGroup,
                ["serviceName"] = service,
            };
            if (backendId != null) t["backendId"] = backendId;
            return Json.Write(t);
        }

        // Native clients hold connection pools and token caches: keep one per distinct setting.
        private static readonly ConcurrentDictionary<string, ClientHandle> s_clients = new ConcurrentDictionary<string, ClientHandle>();

        private ClientHandle _client;

        /// <summary>The native client for these settings, shared process-wide with every equal connection.</summary>
        internal ClientHandle Client() => _client ?? (_client = SharedClient(OptionsJson()));

        private static ClientHandle SharedClient(string options)
        {
            string key;
            using (var sha = SHA256.Create())
            {
                key = Convert.ToBase64String(sha.ComputeHash(Encoding.UTF8.GetBytes(options)));
            }
            if (s_clients.TryGetValue(key, out ClientHandle existing)) return existing;
            if (s_clients.Count >= 32)
            {
                // Rotating tokens make new keys; old clients may still be in use, so they are
                // left to the finalizer rather than freed here.
                s_clients.Clear();
            }
            return s_clients.GetOrAdd(key, _ => NativeApi.CreateClient(options));
        }
    }
}
