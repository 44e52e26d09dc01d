using System;
using System.Collections.Generic;
using System.IO;
using System.Net.Http;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.Json;
using ApiManagementBackend.Hosting;
using Xunit;

namespace ApiManagementBackend.Tests
{
    /// <summary>One emulator process on 127.0.0.1 for the tests of the "emulator" collection,
    /// which run one after another and reset it first.</summary>
    public sealed class EmulatorFixture : IDisposable
    {
        public EmulatorProcess Process { get; }
        private readonly HttpClient _http;

        public const string Sub = EmulatorProcess.SubscriptionId;

        public EmulatorFixture()
        {
            string profile = Environment.GetEnvironmentVariable("APIMB_PROFILE") ?? "debug";
            string binary = Environment.GetEnvironmentVariable("APIMB_EMULATOR")
                ?? Path.Combine(Paths.RepoRoot, "target", profile, OperatingSystem.IsWindows() ? "apim-emulator.exe" : "apim-emulator");
            // Tests must never reach a managed-identity endpoint: if a test ever falls through to
            // the credential chain, only the (offline) environment source may run.
            Environment.SetEnvironmentVariable("APIM_BACKEND_CREDENTIAL_SOURCES", "environment");
            // A large write bucket so seeding is not throttled; throttling tests set their own.
            Process = EmulatorProcess.Start(binary, "--write-bucket", "1000000", "--write-refill", "1000000");
            var ca = X509Certificate2.CreateFromPem(File.ReadAllText(Process.CaFile));
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
            _http = new HttpClient(handler) { BaseAddress = new Uri(Process.BaseUrl) };
        }

        public void Reset() => _http.PostAsync("/_emulator/reset", null).Result.EnsureSuccessStatusCode();

        public void SetFaults(string json) =>
            _http.PutAsync("/_emulator/faults", new StringContent(json, Encoding.UTF8, "application/json")).Result.EnsureSuccessStatusCode();

        public List<JsonElement> Requests()
        {
            string text = _http.GetStringAsync("/_emulator/requests").Result;
            var list = new List<JsonElement>();
            foreach (JsonElement e in JsonDocument.Parse(text).RootElement.EnumerateArray()) list.Add(e.Clone());
            return list;
        }

        public void ClearRequests() => _http.DeleteAsync("/_emulator/requests").Result.EnsureSuccessStatusCode();

        /// <summary>Creates a backend directly (not through the module) and clears the log.</summary>
        public void Seed(string rg, string service, string id, string propertiesJson)
        {
            var req = new HttpRequestMessage(HttpMethod.Put,
                $"/subscriptions/{Sub}/resourceGroups/{rg}/providers/Microsoft.ApiManagement/service/{service}/backends/{id}?api-version=2024-05-01")
            {
                Content = new StringContent("{\"properties\":" + propertiesJson + "}", Encoding.UTF8, "application/json"),
            };
            req.Headers.Add("Authorization", "Bearer seed");
            HttpResponseMessage r = _http.SendAsync(req).Result;
            Assert.True(r.IsSuccessStatusCode, r.Content.ReadAsStringAsync().Result);
            ClearRequests();
        }

        public JsonElement Backend(string rg, string service, string id)
        {
            var req = new HttpRequestMessage(HttpMethod.Get,
                $"/subscriptions/{Sub}/resourceGroups/{rg}/providers/Microsoft.ApiManagement/service/{service}/backends/{id}?api-version=2024-05-01");
            req.Headers.Add("Authorization", "Bearer check");
            string text = _http.SendAsync(req).Result.Content.ReadAsStringAsync().Result;
            return JsonDocument.Parse(text).RootElement.Clone();
        }

        public void Dispose()
        {
            _http.Dispose();
            Process.Dispose();
        }
    }

    [CollectionDefinition("emulator")]
    public sealed class EmulatorCollection : ICollectionFixture<EmulatorFixture> { }
}
