using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using System.Text.Json;
using Xunit;

namespace ApiManagementBackend.Tests
{
    /// <summary>Set-AzApiManagementBackend and its companions in the real engine, against the emulator.</summary>
    [Collection("emulator")]
    public sealed class SetBackendTests
    {
        private const string SetFqid = ",ApiManagementBackend.Cmdlets.SetAzApiManagementBackendCommand";
        private const string Single = "{\"url\":\"https://contoso.com/awesomeapi\",\"protocol\":\"http\",\"title\":\"first\",\"description\":\"seeded\"}";
        private readonly EmulatorFixture _emu;

        public SetBackendTests(EmulatorFixture emu)
        {
            _emu = emu;
            _emu.Reset();
        }

        private static PowerShellSession Session()
        {
            var s = new PowerShellSession();
            s.Run("$c = New-AzApiManagementContext -ResourceGroupName rg1 -ServiceName apim1").AssertNoErrors();
            return s;
        }

        private List<JsonElement> Writes() => _emu.Requests().Where(r => r.GetProperty("method").GetString() != "GET").ToList();

        private static string Body(JsonElement request) => request.GetProperty("body").GetString();

        internal static object P(PSObject o, string name) => o.Properties[name]?.Value;

        [Fact]
        public void Example1_runs_verbatim_and_sends_exactly_the_description()
        {
            _emu.Seed("Api-Default-WestUS", "contoso", "123", Single);
            using var s = new PowerShellSession();
            ScriptResult r = s.Run(
                "$apimContext = New-AzApiManagementContext -ResourceGroupName \"Api-Default-WestUS\" -ServiceName \"contoso\"\n" +
                "Set-AzApiManagementBackend -Context $apimContext -BackendId 123 -Description \"updated description\" -PassThru");
            r.AssertNoErrors();
            PSObject backend = Assert.Single(r.Output);
            Assert.Equal("updated description", P(backend, "Description"));
            Assert.Equal("123", P(backend, "BackendId"));
            Assert.Equal("contoso", P(backend, "ServiceName"));
            Assert.Equal("Api-Default-WestUS", P(backend, "ResourceGroupName"));
            Assert.Equal("https://contoso.com/awesomeapi", P(backend, "Url"));
            Assert.False(string.IsNullOrEmpty((string)P(backend, "ETag")));
            Assert.Equal("Microsoft.Azure.Commands.ApiManagement.ServiceManagement.Models.PsApiManagementBackend", r.Output[0].TypeNames[0]);

            JsonElement req = Assert.Single(_emu.Requests());
            Assert.Equal("PATCH", req.GetProperty("method").GetString());
            Assert.Equal($"/subscriptions/{EmulatorFixture.Sub}/resourceGroups/Api-Default-WestUS/providers/Microsoft.ApiManagement/service/contoso/backends/123", req.GetProperty("path").GetString());
            Assert.Equal("{\"properties\":{\"description\":\"updated description\"}}", Body(req));
            Assert.Equal("*", req.GetProperty("headers").GetProperty("if-match").GetString());
        }

        [Theory]
        [InlineData("-Protocol soap", "{\"properties\":{\"protocol\":\"soap\"}}")]
        [InlineData("-Url https://contoso.com/v2", "{\"properties\":{\"url\":\"https://contoso.com/v2\"}}")]
        [InlineData("-ResourceId https://management.azure.com/subscriptions/x/resourceGroups/y/providers/Microsoft.Web/sites/z", "{\"properties\":{\"resourceId\":\"https://management.azure.com/subscriptions/x/resourceGroups/y/providers/Microsoft.Web/sites/z\"}}")]
        [InlineData("-Title 'new title'", "{\"properties\":{\"title\":\"new title\"}}")]
        [InlineData("-Description 'd e'", "{\"properties\":{\"description\":\"d e\"}}")]
        [InlineData("-SkipCertificateChainValidation $true -SkipCertificateNameValidation $false", "{\"properties\":{\"tls\":{\"validateCertificateChain\":false,\"validateCertificateName\":true}}}")]
        [InlineData("-Credential (New-AzApiManagementBackendCredential -CertificateThumbprint 'AB12' -CertificateId '/certs/c1' -Header @{ 'x-key' = 'v1' } -Query @{ sv = @('a','b') } -AuthorizationHeaderScheme Basic -AuthorizationHeaderParameter 'opensesame')",
            "{\"properties\":{\"credentials\":{\"certificateIds\":[\"/certs/c1\"],\"certificate\":[\"AB12\"],\"query\":{\"sv\":[\"a\",\"b\"]},\"header\":{\"x-key\":[\"v1\"]},\"authorization\":{\"scheme\":\"Basic\",\"parameter\":\"opensesame\"}}}}")]
        [InlineData("-Proxy (New-AzApiManagementBackendProxy -Url 'http://192.168.1.1:8080' -ProxyCredential ([pscredential]::new('Contoso\\admin', (ConvertTo-SecureString -String 'pw' -AsPlainText -Force))))",
            "{\"properties\":{\"proxy\":{\"url\":\"http://192.168.1.1:8080\",\"username\":\"Contoso\\\\admin\",\"password\":\"pw\"}}}")]
        [InlineData("-Proxy (New-AzApiManagementBackendProxy -Url 'http://proxy:8080')", "{\"properties\":{\"proxy\":{\"url\":\"http://proxy:8080\"}}}")]
        [InlineData("-ServiceFabricCluster (New-AzApiManagementBackendServiceFabric -ManagementEndpoint 'https://sf:19080' -ClientCertificateThumbprint 'CT' -MaxPartitionResolutionRetry 5 -ServerX509Name @{ 'CN=a' = @('T1','T2') } -ServerCertificateThumbprint 'ST')",
            "{\"properties\":{\"properties\":{\"serviceFabricCluster\":{\"clientCertificatethumbprint\":\"CT\",\"maxPartitionResolutionRetries\":5,\"managementEndpoints\":[\"https://sf:19080\"],\"serverCertificateThumbprints\":[\"ST\"],\"serverX509Names\":[{\"name\":\"CN=a\",\"issuerCertificateThumbprint\":\"T1\"},{\"name\":\"CN=a\",\"issuerCertificateThumbprint\":\"T2\"}]}}}}")]
        [InlineData("-Clear Proxy,Title", "{\"properties\":{\"title\":null,\"proxy\":null}}")]
        public void Each_parameter_sends_its_json(string arguments, string expectedBody)
        {
            if (arguments.Contains("ConvertTo-SecureString"))
            {
                // Microsoft.PowerShell.Security is not in the hosted engine: build the SecureString in .NET.
                arguments = arguments.Replace("(ConvertTo-SecureString -String 'pw' -AsPlainText -Force)", "([System.Net.NetworkCredential]::new('', 'pw').SecurePassword)");
            }
            _emu.Seed("rg1", "apim1", "b1", Single);
            using var s = Session();
            ScriptResult r = s.Run("Set-AzApiManagementBackend -Context $c -BackendId b1 " + arguments);
            r.AssertNoErrors();
            Assert.Empty(r.Output);
            JsonElement req = Assert.Single(Writes());
            Assert.Equal(expectedBody, Body(req));
        }

        [Fact]
        public void A_single_tls_flag_is_completed_from_the_current_backend()
        {
            _emu.Seed("rg1", "apim1", "b1", "{\"url\":\"https://a\",\"protocol\":\"http\",\"tls\":{\"validateCertificateChain\":false,\"validateCertificateName\":true}}");
            using var s = Session();
            s.Run("Set-AzApiManagementBackend -Context $c -BackendId b1 -SkipCertificateNameValidation $true").AssertNoErrors();
            Assert.Equal("{\"properties\":{\"tls\":{\"validateCertificateChain\":false,\"validateCertificateName\":false}}}", Body(Assert.Single(Writes())));
        }

        [Fact]
        public void Pipeline_forms_bind_as_in_Az()
        {
            _emu.Seed("rg1", "apim1", "x", Single);
            using var s = Session();
            // A backend from Get: only the command-line parameters are sent, not its own properties.
            ScriptResult r = s.Run("Get-AzApiManagementBackend -Context $c -BackendId x | Set-AzApiManagementBackend -Title t1 -PassThru");
            r.AssertNoErrors();
            Assert.Equal("t1", P(Assert.Single(r.Output), "Title"));
            Assert.Equal("{\"properties\":{\"title\":\"t1\"}}", Body(Assert.Single(Writes())));

            _emu.ClearRequests();
            s.Run("$c | Set-AzApiManagementBackend -BackendId x -Title t2").AssertNoErrors();
            Assert.Equal("{\"properties\":{\"title\":\"t2\"}}", Body(Assert.Single(Writes())));

            _emu.ClearRequests();
            s.Run("[pscustomobject]@{ Context = $c; BackendId = 'x'; Title = 't3'; Description = 'by name' } | Set-AzApiManagementBackend").AssertNoErrors();
            Assert.Equal("{\"properties\":{\"title\":\"t3\",\"description\":\"by name\"}}", Body(Assert.Single(Writes())));
            Assert.Equal("t3", _emu.Backend("rg1", "apim1", "x").GetProperty("properties").GetProperty("title").GetString());
        }

        [Fact]
        public void WhatIf_prints_the_Az_message_and_sends_nothing()
        {
            _emu.Seed("rg1", "apim1", "123", Single);
            using var s = Session();
            ScriptResult r = s.Run("Set-AzApiManagementBackend -Context $c -BackendId 123 -Description 'x' -WhatIf");
            r.AssertNoErrors();
            Assert.Contains("What if: Performing the operation \"Set Backend\" on target \"123\".", r.HostText);
            Assert.Empty(_emu.Requests());
        }

        [Fact]
        public void Confirm_answered_no_sends_nothing_and_yes_sends()
        {
            _emu.Seed("rg1", "apim1", "123", Single);
            using var s = Session();
            s.Answers.Enqueue("N");
            ScriptResult r = s.Run("Set-AzApiManagementBackend -Context $c -BackendId 123 -Description 'x' -Confirm");
            r.AssertNoErrors();
            Assert.Contains(s.Host.Prompts, p => p.Contains("Set Backend") && p.Contains("123"));
            Assert.Empty(_emu.Requests());
            s.Answers.Enqueue("Y");
            s.Run("Set-AzApiManagementBackend -Context $c -BackendId 123 -Description 'x' -Confirm").AssertNoErrors();
            Assert.Single(Writes());
        }

        [Theory]
        [InlineData("-Title ''", "InvalidLength", "Title")]
        [InlineData("-Title ('a' * 301)", "InvalidLength", "Title")]
        [InlineData("-Description ('a' * 2001)", "InvalidLength", "Description")]
        [InlineData("-Url ('https://a/' + 'a' * 2000)", "InvalidLength", "Url")]
        [InlineData("-Url 'not a url'", "InvalidFormat", "Url")]
        [InlineData("-Protocol grpc", "InvalidValue", "Protocol")]
        [InlineData("-Credential (New-AzApiManagementBackendCredential -AuthorizationHeaderScheme Basic)", "Required", "Credential")]
        [InlineData("-Proxy (New-AzApiManagementBackendProxy -Url 'proxy.local:8080')", "InvalidFormat", "Proxy")]
        public void Invalid_input_gives_its_error_id_and_sends_nothing(string arguments, string errorId, string parameter)
        {
            _emu.Seed("rg1", "apim1", "b1", Single);
            using var s = Session();
            ScriptResult r = s.Run("Set-AzApiManagementBackend -Context $c -BackendId b1 " + arguments);
            ErrorRecord e = Assert.Single(r.Errors);
            Assert.Equal(errorId + SetFqid, e.FullyQualifiedErrorId);
            Assert.Equal(ErrorCategory.InvalidArgument, e.CategoryInfo.Category);
            Assert.Contains("'" + parameter + "'", e.ErrorDetails.Message);
            Assert.Empty(_emu.Requests());
        }

        [Fact]
        public void Service_errors_are_non_terminating_with_stable_ids()
        {
            _emu.Seed("rg1", "apim1", "b1", Single);
            using var s = Session();
            ScriptResult r = s.Run("Set-AzApiManagementBackend -Context $c -BackendId missing -Title t; 'after'");
            ErrorRecord e = Assert.Single(r.Errors);
            Assert.Equal("BackendNotFound" + SetFqid, e.FullyQualifiedErrorId);
            Assert.Equal(ErrorCategory.ObjectNotFound, e.CategoryInfo.Category);
            Assert.Contains("ResourceNotFound", e.ErrorDetails.Message);
            Assert.Contains("Request id:", e.ErrorDetails.Message);
            Assert.Equal("after", Assert.Single(r.Output).BaseObject);

            r = s.Run("Set-AzApiManagementBackend -Context $c -BackendId b1 -Title t -IfMatch '\"stale\"'");
            e = Assert.Single(r.Errors);
            Assert.Equal("BackendChangedSinceRead" + SetFqid, e.FullyQualifiedErrorId);
            Assert.Equal(ErrorCategory.InvalidOperation, e.CategoryInfo.Category);
            Assert.Contains("changed since it was read", e.ErrorDetails.Message);
        }

        [Fact]
        public void A_stale_etag_from_get_fails_and_a_fresh_one_succeeds()
        {
            _emu.Seed("rg1", "apim1", "b1", Single);
            using var s = Session();
            s.Run("$old = Get-AzApiManagementBackend -Context $c -BackendId b1").AssertNoErrors();
            s.Run("Set-AzApiManagementBackend -Context $c -BackendId b1 -Title 'someone else'").AssertNoErrors();
            ScriptResult r = s.Run("$old | Set-AzApiManagementBackend -Title mine -UseETag");
            Assert.Equal("BackendChangedSinceRead" + SetFqid, Assert.Single(r.Errors).FullyQualifiedErrorId);
            r = s.Run("Get-AzApiManagementBackend -Context $c -BackendId b1 | Set-AzApiManagementBackend -Title mine -UseETag -PassThru");
            r.AssertNoErrors();
            Assert.Equal("mine", P(Assert.Single(r.Output), "Title"));
        }

        [Fact]
        public void Get_New_and_Remove_cover_the_lifecycle()
        {
            using var s = Session();
            ScriptResult r = s.Run(
                "New-AzApiManagementBackend -Context $c -BackendId n1 -Url https://n1.example -Protocol http -Title one | Out-Null\n" +
                "New-AzApiManagementBackend -Context $c -BackendId n2 -Url https://n2.example -Protocol soap | Out-Null\n" +
                "@(Get-AzApiManagementBackend -Context $c).Count\n" +
                "(Get-AzApiManagementBackend -ResourceId '/subscriptions/" + EmulatorFixture.Sub + "/resourceGroups/rg1/providers/Microsoft.ApiManagement/service/apim1/backends/n2').Protocol\n" +
                "Remove-AzApiManagementBackend -Context $c -BackendId n1 -PassThru\n" +
                "@(Get-AzApiManagementBackend -Context $c).Count");
            r.AssertNoErrors();
            Assert.Equal(new object[] { 2, "soap", true, 1 }, r.Output.Select(o => o.BaseObject).ToArray());
        }
    }
}
