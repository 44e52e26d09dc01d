using System;
using System.Diagnostics;
using System.IO;

namespace ApiManagementBackend.Hosting
{
    /// <summary>The local ARM emulator as a child process on 127.0.0.1 (port 0), with the
    /// environment variables that point the module at it. Stopped on Dispose.</summary>
    public sealed class EmulatorProcess : IDisposable
    {
        public const string SubscriptionId = "00000000-0000-0000-0000-000000000000";
        public const string AccessToken = "emulator-access-token";

        private readonly Process _process;
        private readonly string _dir;
        public string BaseUrl { get; }
        public string CaFile { get; }

        private EmulatorProcess(Process process, string dir, string baseUrl, string caFile)
        {
            _process = process;
            _dir = dir;
            BaseUrl = baseUrl;
            CaFile = caFile;
        }

        public static EmulatorProcess Start(string binary, params string[] extraArgs)
        {
            string dir = Path.Combine(Path.GetTempPath(), "apim-emulator-" + Guid.NewGuid().ToString("N"));
            Directory.CreateDirectory(dir);
            string ca = Path.Combine(dir, "ca.pem");
            var psi = new ProcessStartInfo(binary)
            {
                RedirectStandardOutput = true,
                UseShellExecute = false,
            };
            foreach (string a in new[] { "--bind", "127.0.0.1", "--port", "0", "--cert-out", ca }) psi.ArgumentList.Add(a);
            foreach (string a in extraArgs) psi.ArgumentList.Add(a);
            Process p = Process.Start(psi) ?? throw new InvalidOperationException("could not start " + binary);
            string url = p.StandardOutput.ReadLine();
            if (string.IsNullOrEmpty(url) || !url.StartsWith("http", StringComparison.Ordinal))
            {
                p.Kill();
                throw new InvalidOperationException("the emulator did not print its URL (got '" + url + "')");
            }
            var e = new EmulatorProcess(p, dir, url.Trim(), ca);
            Environment.SetEnvironmentVariable("APIM_BACKEND_ENDPOINT", e.BaseUrl);
            Environment.SetEnvironmentVariable("APIM_BACKEND_CA_FILE", ca);
            Environment.SetEnvironmentVariable("AZURE_SUBSCRIPTION_ID", SubscriptionId);
            Environment.SetEnvironmentVariable("APIM_BACKEND_ACCESS_TOKEN", AccessToken);
            return e;
        }

        public void Dispose()
        {
            try
            {
                if (!_process.HasExited)
                {
                    _process.Kill();
                    _process.WaitForExit(5000);
                }
            }
            finally
            {
                _process.Dispose();
                try { Directory.Delete(_dir, recursive: true); } catch (IOException) { }
            }
        }
    }
}
