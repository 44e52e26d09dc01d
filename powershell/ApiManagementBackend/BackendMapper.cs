using System;
using System.Collections;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Management.Automation;
using System.Security;
using Microsoft.Azure.Commands.ApiManagement.ServiceManagement.Models;

namespace ApiManagementBackend
{
    /// <summary>
    /// Shapes data between PowerShell objects and the JSON the native library speaks: backend
    /// contracts into Az's objects, and the cmdlet's given parameters into the Az-named parameter
    /// document that the library maps and validates. No rule lives here: only renaming and
    /// unwrapping of PowerShell types.
    /// </summary>
    internal static class BackendMapper
    {
        // ------------------------------------------------------------------ JSON → objects

        internal static PsApiManagementBackend FromContract(Dictionary<string, object> c, string etag, PsApiManagementContext source)
        {
            var p = Obj(c, "properties") ?? new Dictionary<string, object>();
            string id = Str(c, "id");
            var backend = new PsApiManagementBackend
            {
                Id = id,
                BackendId = Str(c, "name"),
                ResourceGroupName = Segment(id, "resourceGroups"),
                ServiceName = Segment(id, "service"),
                Protocol = Str(p, "protocol"),
                Url = Str(p, "url"),
                ResourceId = Str(p, "resourceId"),
                Title = Str(p, "title"),
                Description = Str(p, "description"),
                Type = Str(p, "type"),
                ETag = etag,
                SourceContext = source,
            };
            var tls = Obj(p, "tls");
            if (tls != null)
            {
                backend.Properties = new Hashtable();
                if (tls.TryGetValue("validateCertificateChain", out object chain) && chain is bool bc)
                    backend.Properties["skipCertificateChainValidation"] = !bc;
                if (tls.TryGetValue("validateCertificateName", out object name) && name is bool bn)
                    backend.Properties["skipCertificateNameValidation"] = !bn;
            }
            var cred = Obj(p, "credentials");
            if (cred != null)
            {
                var auth = Obj(cred, "authorization");
                backend.Credentials = new PsApiManagementBackendCredential
                {
                    Certificate = Strings(cred, "certificate"),
                    CertificateIds = Strings(cred, "certificateIds"),
                    Query = ValueTable(Obj(cred, "query")),
                    Header = ValueTable(Obj(cred, "header")),
                    Authorization = auth == null ? null : new PsApiManagementBackendAuthorizationHeaderCredential
                    {
                        Scheme = Str(auth, "scheme"),
                        Parameter = Str(auth, "parameter"),
                    },
                };
            }
            var proxy = Obj(p, "proxy");
            if (proxy != null)
            {
                string user = Str(proxy, "username");
                string password = Str(proxy, "password");
                backend.Proxy = new PsApiManagementBackendProxy
                {
                    Url = Str(proxy, "url"),
                    ProxyCredentials = string.IsNullOrEmpty(user) ? null : new PSCredential(user, ToSecure(password)),
                };
            }
            var sf = Obj(Obj(p, "properties"), "serviceFabricCluster");
            if (sf != null)
            {
                Hashtable names = null;
                if (sf.TryGetValue("serverX509Names", out object n) && n is List<object> list)
                {
                    names = new Hashtable(StringComparer.OrdinalIgnoreCase);
                    foreach (var item in list.OfType<Dictionary<string, object>>())
                    {
                        string cn = Str(item, "name") ?? string.Empty;
                        string issuer = Str(item, "issuerCertificateThumbprint");
                        names[cn] = names[cn] is string first ? (object)new[] { first, issuer } :
                                    names[cn] is string[] many ? many.Concat(new[] { issuer }).ToArray() : issuer;
                    }
                }
                backend.ServiceFabricCluster = new PsApiManagementServiceFabric
                {
                    ClientCertificateId = Str(sf, "clientCertificateId"),
                    ClientCertificateThumbprint = Str(sf, "clientCertificatethumbprint"),
                    MaxPartitionResolutionRetries = sf.TryGetValue("maxPartitionResolutionRetries", out object r) && r is long l ? (int?)l : null,
                    ManagementEndpoints = Strings(sf, "managementEndpoints"),
                    ServerCertificateThumbprint = Strings(sf, "serverCertificateThumbprints"),
                    ServerX509Names = names,
                };
            }
            var pool = Obj(p, "pool");
            if (pool != null && pool.TryGetValue("services", out object services) && services is List<object> members)
            {
                backend.Pool = members.OfType<Dictionary<string, object>>().Select(m => new PsApiManagementBackendPoolMember
                {
                    Id = Str(m, "id"),
                    Priority = m.TryGetValue("priority", out object pr) && pr is long lp ? (int?)lp : null,
                    Weight = m.TryGetValue("weight", out object w) && w is long lw ? (int?)lw : null,
                }).ToArray();
            }
            var cb = Obj(p, "circuitBreaker");
            if (cb != null && cb.TryGetValue("rules", out object rules) && rules is List<object> ruleList)
            {
                backend.CircuitBreaker = ruleList.OfType<Dictionary<string, object>>().Select(rule =>
                {
                    var fc = Obj(rule, "failureCondition") ?? new Dictionary<string, object>();
                    return new PsApiManagementBackendCircuitBreakerRule
                    {
                        Name = Str(rule, "name"),
                        TripDuration = Str(rule, "tripDuration"),
                        AcceptRetryAfter = rule.TryGetValue("acceptRetryAfter", out object a) && a is bool ab ? (bool?)ab : null,
                        FailureCount = fc.TryGetValue("count", out object fcnt) && fcnt is long cn ? (long?)cn : null,
                        FailurePercentage = fc.TryGetValue("percentage", out object fp) && fp is long pc ? (long?)pc : null,
                        FailureInterval = Str(fc, "interval"),
                        FailureStatusCodeRange = fc.TryGetValue("statusCodeRanges", out object sr) && sr is List<object> ranges
                            ? ranges.OfType<Dictionary<string, object>>().Select(x => Convert.ToString(x["min"], CultureInfo.InvariantCulture) + "-" + Convert.ToString(x["max"], CultureInfo.InvariantCulture)).ToArray()
                            : null,
                        FailureErrorReason = Strings(fc, "errorReasons"),
                    };
                }).ToArray();
            }
            return backend;
        }

        /// <summary>Where a backend read earlier lives, and the connection it was read through.</summary>
        internal static PsApiManagementContext ContextOf(PsApiManagementBackend b) => new PsApiManagementContext
        {
            ResourceGroupName = b.ResourceGroupName ?? Segment(b.Id, "resourceGroups"),
            ServiceName = b.ServiceName ?? Segment(b.Id, "service"),
            SubscriptionId = Segment(b.Id, "subscriptions") ?? b.SourceContext?.SubscriptionId,
            Endpoint = b.SourceContext?.Endpoint,
            CaCertificateFile = b.SourceContext?.CaCertificateFile,
            AccessToken = b.SourceContext?.AccessToken,
        };

        internal static string BackendIdOf(PsApiManagementBackend b) => b.BackendId ?? Segment(b.Id, "backends");

        private static Dictionary<string, object> Obj(Dictionary<string, object> d, string key) =>
            d != null && d.TryGetValue(key, out object v) ? v as Dictionary<string, object> : null;

        private static string Str(Dictionary<string, object> d, string key) =>
            d != null && d.TryGetValue(key, out object v) ? v as string : null;

        private static string[] Strings(Dictionary<string, object> d, string key) =>
            d != null && d.TryGetValue(key, out object v) && v is List<object> list ? list.Select(x => x as string).ToArray() : null;

        private static Hashtable ValueTable(Dictionary<string, object> d)
        {
            if (d == null) return null;
            var t = new Hashtable(StringComparer.OrdinalIgnoreCase);
            foreach (var kv in d)
            {
                t[kv.Key] = kv.Value is List<object> list ? list.Select(x => x as string).ToArray() : new[] { kv.Value as string };
            }
            return t;
        }

        /// <summary>`/subscriptions/{s}/resourceGroups/{rg}/.../service/{svc}/...`: the segment after `name`.</summary>
        internal static string Segment(string armId, string name)
        {
            if (armId == null) return null;
            string[] parts = armId.Split('/');
            for (int i = 0; i + 1 < parts.Length; i++)
            {
                if (string.Equals(parts[i], name, StringComparison.OrdinalIgnoreCase)) return parts[i + 1];
            }
            return null;
        }

        internal static SecureString ToSecure(string s)
        {
            var secure = new SecureString();
            if (s != null) foreach (char ch in s) secure.AppendChar(ch);
            secure.MakeReadOnly();
            return secure;
        }

        internal static string FromSecure(SecureString s)
        {
            if (s == null) return null;
            return new System.Net.NetworkCredential(string.Empty, s).Password;
        }

        // ------------------------------------------------------------------ objects → parameters

        /// <summary>The Az-named parameter document for apimb_patch_build_az.</summary>
        internal static string ParametersJson(IDictionary<string, object> given)
        {
            var doc = new Dictionary<string, object>();
            foreach (var kv in given)
            {
                object value = Unwrap(kv.Value);
                switch (value)
                {
                    case PsApiManagementBackendCredential c: doc[kv.Key] = Credential(c); break;
                    case PsApiManagementBackendProxy p: doc[kv.Key] = Proxy(p); break;
                    case PsApiManagementServiceFabric sf: doc[kv.Key] = ServiceFabric(sf); break;
                    case PsApiManagementBackendPoolMember[] pool: doc[kv.Key] = pool.Select(PoolMember).ToList(); break;
                    case PsApiManagementBackendCircuitBreakerRule[] rules: doc[kv.Key] = rules.Select(Rule).ToList(); break;
                    default: doc[kv.Key] = value; break;
                }
            }
            return Json.Write(doc);
        }

        private static object Unwrap(object v) => v is PSObject pso ? pso.BaseObject : v;

        private static Dictionary<string, object> Credential(PsApiManagementBackendCredential c)
        {
            var d = new Dictionary<string, object>();
            if (c.Certificate != null) d["CertificateThumbprint"] = c.Certificate;
            if (c.CertificateIds != null) d["CertificateId"] = c.CertificateIds;
            if (c.Query != null) d["Query"] = Values(c.Query);
            if (c.Header != null) d["Header"] = Values(c.Header);
            if (c.Authorization?.Scheme != null) d["AuthorizationHeaderScheme"] = c.Authorization.Scheme;
            if (c.Authorization?.Parameter != null) d["AuthorizationHeaderParameter"] = c.Authorization.Parameter;
            return d;
        }

        /// <summary>A hashtable of name → string or string[] (or any enumerable of strings).</summary>
        private static Dictionary<string, object> Values(Hashtable t)
        {
            var d = new Dictionary<string, object>();
            foreach (DictionaryEntry e in t)
            {
                object v = Unwrap(e.Value);
                d[Convert.ToString(Unwrap(e.Key), CultureInfo.InvariantCulture)] =
                    v is string || v == null ? v : v is IEnumerable list ? list.Cast<object>().Select(x => Convert.ToString(Unwrap(x), CultureInfo.InvariantCulture)).ToList() : (object)Convert.ToString(v, CultureInfo.InvariantCulture);
            }
            return d;
        }

        private static Dictionary<string, object> Proxy(PsApiManagementBackendProxy p)
        {
            var d = new Dictionary<string, object> { ["Url"] = p.Url };
            if (p.ProxyCredentials != null)
            {
                d["Username"] = p.ProxyCredentials.UserName;
                d["Password"] = p.ProxyCredentials.GetNetworkCredential().Password;
            }
            return d;
        }

        private static Dictionary<string, object> ServiceFabric(PsApiManagementServiceFabric sf)
        {
            var d = new Dictionary<string, object>();
            if (sf.ManagementEndpoints != null) d["ManagementEndpoint"] = sf.ManagementEndpoints;
            if (sf.ClientCertificateThumbprint != null) d["ClientCertificateThumbprint"] = sf.ClientCertificateThumbprint;
            if (sf.ClientCertificateId != null) d["ClientCertificateId"] = sf.ClientCertificateId;
            if (sf.MaxPartitionResolutionRetries.HasValue) d["MaxPartitionResolutionRetry"] = sf.MaxPartitionResolutionRetries.Value;
            if (sf.ServerX509Names != null) d["ServerX509Name"] = Values(sf.ServerX509Names);
            if (sf.ServerCertificateThumbprint != null) d["ServerCertificateThumbprint"] = sf.ServerCertificateThumbprint;
            return d;
        }

        private static Dictionary<string, object> PoolMember(PsApiManagementBackendPoolMember m)
        {
            var d = new Dictionary<string, object> { ["Id"] = m.Id };
            if (m.Priority.HasValue) d["Priority"] = m.Priority.Value;
            if (m.Weight.HasValue) d["Weight"] = m.Weight.Value;
            return d;
        }

        private static Dictionary<string, object> Rule(PsApiManagementBackendCircuitBreakerRule r)
        {
            var d = new Dictionary<string, object>();
            if (r.Name != null) d["Name"] = r.Name;
            if (r.TripDuration != null) d["TripDuration"] = r.TripDuration;
            if (r.AcceptRetryAfter.HasValue) d["AcceptRetryAfter"] = r.AcceptRetryAfter.Value;
            if (r.FailureCount.HasValue) d["FailureCount"] = r.FailureCount.Value;
            if (r.FailurePercentage.HasValue) d["FailurePercentage"] = r.FailurePercentage.Value;
            if (r.FailureInterval != null) d["FailureInterval"] = r.FailureInterval;
            if (r.FailureStatusCodeRange != null)
            {
                d["StatusCodeRange"] = r.FailureStatusCodeRange.Select(StatusRange).ToList();
            }
            if (r.FailureErrorReason != null) d["ErrorReason"] = r.FailureErrorReason;
            return d;
        }

        /// <summary>"500-599" or "429" → {Min, Max}; anything else is passed on for the library to reject.</summary>
        private static object StatusRange(string text)
        {
            string[] parts = (text ?? string.Empty).Split('-');
            if (parts.Length <= 2 && int.TryParse(parts[0].Trim(), NumberStyles.Integer, CultureInfo.InvariantCulture, out int min))
            {
                int max = min;
                if (parts.Length == 1 || int.TryParse(parts[1].Trim(), NumberStyles.Integer, CultureInfo.InvariantCulture, out max))
                {
                    return new Dictionary<string, object> { ["Min"] = min, ["Max"] = max };
                }
            }
            return text;
        }
    }
}
