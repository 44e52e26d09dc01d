using System;
using System.Collections.Generic;
using System.IO;
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
        private readonly EmulatorControl _control;

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
            _control = new EmulatorControl(Process);
        }

        public void Reset() => _control.Reset();
        public void SetFaults(string json) => _control.SetFaults(json);
        public List<JsonElement> Requests() => _control.Requests();
        public void ClearRequests() => _control.ClearRequests();
        public void Seed(string rg, string service, string id, string propertiesJson) => _control.Seed(rg, service, id, propertiesJson);
        public JsonElement Backend(string rg, string service, string id) => _control.Backend(rg, service, id);

        public void Dispose()
        {
            _control.Dispose();
            Process.Dispose();
        }
    }

    [CollectionDefinition("emulator")]
    public sealed class EmulatorCollection : ICollectionFixture<EmulatorFixture> { }
}
