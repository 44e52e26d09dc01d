using System.Diagnostics;
using System.IO;

namespace ApiManagementBackend.Tests
{
    /// <summary>Runs the built console host (out/host/apimhost.dll) in its own process.</summary>
    public static class HostProcess
    {
        public static string HostDll => Path.Combine(Paths.RepoRoot, "out", "host", "apimhost.dll");

        public static (int Exit, string Stdout, string Stderr) Run(params string[] args)
        {
            var psi = new ProcessStartInfo("dotnet")
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                RedirectStandardInput = true,
                UseShellExecute = false,
            };
            psi.ArgumentList.Add(HostDll);
            foreach (string a in args) psi.ArgumentList.Add(a);
            using Process p = Process.Start(psi);
            p.StandardInput.Close();
            var stderrTask = p.StandardError.ReadToEndAsync();
            string stdout = p.StandardOutput.ReadToEnd();
            p.WaitForExit();
            return (p.ExitCode, stdout, stderrTask.Result);
        }
    }
}
