using System;
using System.IO;
using System.Linq;
using System.Management.Automation;
using System.Runtime.InteropServices;
using Xunit;

namespace ApiManagementBackend.Tests
{
    public class ModuleTests
    {
        [Fact]
        public void Manifest_declares_editions_version_and_explicit_cmdlets()
        {
            using var s = new PowerShellSession(importModule: false);
            ScriptResult r = s.Run("Test-ModuleManifest -Path '" + Path.Combine(Paths.ModuleDir, "ApiManagementBackend.psd1") + "'");
            r.AssertNoErrors();
            PSObject m = Assert.Single(r.Output);
            Assert.Equal("ApiManagementBackend", m.Properties["Name"].Value);
            Assert.Equal(new Version(5, 1), m.Properties["PowerShellVersion"].Value);
            var editions = ((System.Collections.IEnumerable)m.Properties["CompatiblePSEditions"].Value).Cast<object>().Select(o => o.ToString()).ToArray();
            Assert.Contains("Core", editions);
            Assert.Contains("Desktop", editions);
            var cmdlets = ((System.Collections.IDictionary)m.Properties["ExportedCmdlets"].Value).Keys.Cast<string>().ToArray();
            Assert.Contains("Get-AzApiManagementBackendLibraryInfo", cmdlets);
        }

        [Fact]
        public void Library_info_is_computed_by_the_native_library_loaded_from_the_module_folder()
        {
            using var s = new PowerShellSession();
            ScriptResult r = s.Run("Get-AzApiManagementBackendLibraryInfo");
            r.AssertNoErrors();
            PSObject info = Assert.Single(r.Output);
            Assert.Equal("apimbackend", info.Properties["Name"].Value);
            Assert.Equal(1L, info.Properties["AbiVersion"].Value);
            Assert.Equal("2024-05-01", info.Properties["DefaultApiVersion"].Value);
            // These come from the Rust build (rustc and target triple), which C# cannot know.
            Assert.StartsWith("rustc ", (string)info.Properties["Rustc"].Value);
            string target = (string)info.Properties["Target"].Value;
            string arch = RuntimeInformation.ProcessArchitecture == Architecture.Arm64 ? "aarch64" : "x86_64";
            Assert.StartsWith(arch + "-", target);
            string rid = (string)info.Properties["RuntimeIdentifier"].Value;
            string expectedPath = Path.Combine(Paths.ModuleDir, "runtimes", rid, "native");
            Assert.Equal(Path.GetFullPath(expectedPath), Path.GetDirectoryName((string)info.Properties["LibraryPath"].Value));
        }

        [Fact]
        public void Get_Help_shows_synopsis_parameters_and_both_examples()
        {
            using var s = new PowerShellSession();
            ScriptResult r = s.Run("Get-Help Set-AzApiManagementBackend -Full | Out-String -Width 200");
            string text;
            if (r.Errors.Count > 0)
            {
                // Out-String lives in Microsoft.PowerShell.Utility, absent here: read the help object.
                r = s.Run("$h = Get-Help Set-AzApiManagementBackend -Full; $h.Synopsis; $h.examples.example | ForEach-Object { $_.title; $_.code }; $h.parameters.parameter | ForEach-Object { $_.name }");
                r.AssertNoErrors();
                text = string.Join("\n", r.Output.Select(o => o?.ToString()));
            }
            else
            {
                text = string.Join("\n", r.Output.Select(o => o?.ToString()));
            }
            Assert.Contains("Updates a backend of an API Management service.", text);
            Assert.Contains("Example 1: Update the description of a backend", text);
            Assert.Contains("Set-AzApiManagementBackend -Context $apimContext -BackendId 123 -Description \"updated description\" -PassThru", text);
            Assert.Contains("Example 2: Update a backend through the pipeline", text);
            Assert.Contains("| Set-AzApiManagementBackend -Url", text);
            foreach (string p in new[] { "Context", "BackendId", "InputObject", "Protocol", "Url", "ResourceId", "Title", "Description", "SkipCertificateChainValidation", "SkipCertificateNameValidation", "Credential", "Proxy", "ServiceFabricCluster", "PassThru", "DefaultProfile" })
            {
                Assert.Contains(p, text);
            }
        }

        [Fact]
        public void Set_has_the_seed_syntax()
        {
            using var s = new PowerShellSession();
            ScriptResult r = s.Run(
                "$c = Get-Command Set-AzApiManagementBackend\n" +
                "$c.DefaultParameterSet\n" +
                "($c.ParameterSets | ForEach-Object { $_.Name }) -join ','\n" +
                "$c.Parameters['DefaultProfile'].Aliases -join ','\n" +
                "$c.Parameters['SkipCertificateChainValidation'].ParameterType -eq [System.Nullable[bool]]\n" +
                "$c.Parameters['InputObject'].ParameterType.FullName\n" +
                "$c.Parameters.ContainsKey('WhatIf') -and $c.Parameters.ContainsKey('Confirm')");
            r.AssertNoErrors();
            Assert.Equal(new object[]
            {
                "ContextParameterSet",
                "ContextParameterSet,ByInputObject",
                "AzContext,AzureRmContext,AzureCredential",
                true,
                "Microsoft.Azure.Commands.ApiManagement.ServiceManagement.Models.PsApiManagementBackend",
                true,
            }, r.Output.Select(o => o.BaseObject).ToArray());
        }

        [Fact]
        public void Loading_failure_names_every_path_tried()
        {
            // A copy of the module without its native folder, imported in a fresh process (an
            // assembly already loaded in this one would be reused), must fail naming the paths.
            string copy = Path.Combine(Path.GetTempPath(), "apimb-noload-" + Guid.NewGuid().ToString("N"), "ApiManagementBackend");
            Directory.CreateDirectory(copy);
            try
            {
                foreach (string f in Directory.GetFiles(Paths.ModuleDir))
                {
                    File.Copy(f, Path.Combine(copy, Path.GetFileName(f)));
                }
                var (exit, stdout, stderr) = HostProcess.Run("--module", copy, "-c", "Get-AzApiManagementBackendLibraryInfo");
                Assert.Equal(1, exit);
                string text = stdout + stderr;
                Assert.Contains(Path.Combine(copy, "runtimes"), text);
                Assert.Contains("not found", text);
            }
            finally
            {
                Directory.Delete(Path.GetDirectoryName(copy), recursive: true);
            }
        }
    }
}
