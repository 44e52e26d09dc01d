using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Net.Http;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.Json;

namespace ApiManagementBackend.Hosting
{
    /// <summary>
    /// The emulator's control endpoints, and direct seeding and reads of its backends, over HTTPS
    /// that trusts only the emulator's CA. Shared by the xunit tests and the benchmark harness.
    /// </summary>
    public sealed class EmulatorControl : IDisposable
    {
        private readonly HttpClient _http;

        public EmulatorControl(EmulatorProcess emulator)
        {
            var ca = X509Certificate2.CreateFromPem(File.ReadAllText(emulator.CaFile));
            var handler = new HttpClientHandler
            {
                ServerCertificateCustomValidationCallback = (_, cert, chain, _) =>
                {
                    chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
                    chain.ChainPolicy.CustomTrustStore.Add(ca);
                    chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
                    return chain.Build(cert);
                },
            };
            _http = new HttpClient(handler) { BaseAddress = new Uri(emulator.BaseUrl) };
        }

        public void Reset() => _http.PostAsync("/_emulator/reset", null).Result.EnsureSuccessStatusCode();

        public void ClearRequests() => _http.DeleteAsync("/_emulator/requests").Result.EnsureSuccessStatusCode();

        public void SetFaults(string json) =>
            _http.PutAsync("/_emulator/faults", new StringContent(json, Encoding.UTF8, "application/json")).Result.EnsureSuccessStatusCode();

        /// <summary>The request log: method, path, query, headers, body, status, handlingUs.</summary>
        public List<JsonElement> Requests() =>
            JsonDocument.Parse(_http.GetStringAsync("/_emulator/requests").Result).RootElement.EnumerateArray().Select(e => e.Clone()).ToList();

        private static string BackendPath(string rg, string service, string id) =>
            $"/subscriptions/{EmulatorProcess.SubscriptionId}/resourceGroups/{rg}/providers/Microsoft.ApiManagement/service/{service}/backends/{id}?api-version=2024-05-01";

        /// <summary>Creates a backend directly (not through the module) and clears the log.</summary>
        public void Seed(string rg, string service, string id, string propertiesJson)
        {
            var req = new HttpRequestMessage(HttpMethod.Put, BackendPath(rg, service, id))
            {
                Content = new StringContent("{\"properties\":" + propertiesJson + "}", Encoding.UTF8, "application/json"),
            };
            req.Headers.Add("Authorization", "Bearer seed");
            HttpResponseMessage r = _http.SendAsync(req).Result;
            if (!r.IsSuccessStatusCode)
            {
                throw new InvalidOperationException("seeding " + id + " failed: " + r.Content.ReadAsStringAsync().Result);
            }
            ClearRequests();
        }

        public JsonElement Backend(string rg, string service, string id)
        {
            var req = new HttpRequestMessage(HttpMethod.Get, BackendPath(rg, service, id));
            req.Headers.Add("Authorization", "Bearer check");
            string text = _http.SendAsync(req).Result.Content.ReadAsStringAsync().Result;
            return JsonDocument.Parse(text).RootElement.Clone();
        }

        public void Dispose() => _http.Dispose();
    }
}
