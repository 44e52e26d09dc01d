using System.Linq;
using System.Management.Automation;
using System.Text.Json;
using Xunit;

namespace ApiManagementBackend.Tests
{
    /// <summary>What Az cannot do: pools, circuit breakers, clearing, bulk updates under throttling.</summary>
    [Collection("emulator")]
    public sealed class BeyondAzTests
    {
        private const string SetFqid = ",ApiManagementBackend.Cmdlets.SetAzApiManagementBackendCommand";
        private const string Single = "{\"url\":\"https://contoso.com/api\",\"protocol\":\"http\"}";
        private readonly EmulatorFixture _emu;

        public BeyondAzTests(EmulatorFixture emu)
        {
            _emu = emu;
            _emu.Reset();
        }

        private static PowerShellSession Session()
        {
            var s = new PowerShellSession();
            s.Run("$c = New-AzApiManagementContext -ResourceGroupName rg1 -ServiceName apim1 -SubscriptionId " + EmulatorFixture.Sub).AssertNoErrors();
            return s;
        }

        private JsonElement Props(string id) => _emu.Backend("rg1", "apim1", id).GetProperty("properties");

        [Fact]
        public void Circuit_breaker_is_created_updated_and_cleared()
        {
            _emu.Seed("rg1", "apim1", "cb", Single);
            using var s = Session();
            s.Run("$rule = New-AzApiManagementBackendCircuitBreakerRule -Name tripRule -TripDuration ([timespan]::FromMinutes(1)) -AcceptRetryAfter -FailureCount 5 -FailureInterval PT1H -FailureStatusCodeRange '500-599','429'\n" +
                  "Set-AzApiManagementBackend -Context $c -BackendId cb -CircuitBreaker $rule").AssertNoErrors();
            JsonElement rule = Props("cb").GetProperty("circuitBreaker").GetProperty("rules")[0];
            Assert.Equal("tripRule", rule.GetProperty("name").GetString());
            Assert.Equal("PT1M", rule.GetProperty("tripDuration").GetString());
            Assert.True(rule.GetProperty("acceptRetryAfter").GetBoolean());
            Assert.Equal(5, rule.GetProperty("failureCondition").GetProperty("count").GetInt32());
            Assert.Equal(429, rule.GetProperty("failureCondition").GetProperty("statusCodeRanges")[1].GetProperty("min").GetInt32());

            ScriptResult r = s.Run("Set-AzApiManagementBackend -Context $c -BackendId cb -CircuitBreaker (New-AzApiManagementBackendCircuitBreakerRule -Name r2 -TripDuration PT30S -FailurePercentage 50 -FailureInterval PT5M) -PassThru");
            r.AssertNoErrors();
            var rules = (object[])Assert.Single(r.Output).Properties["CircuitBreaker"].Value;
            Assert.Equal("r2", ((PSObject)PSObject.AsPSObject(rules[0])).Properties["Name"].Value);
            Assert.Equal(50, Props("cb").GetProperty("circuitBreaker").GetProperty("rules")[0].GetProperty("failureCondition").GetProperty("percentage").GetInt32());

            s.Run("Set-AzApiManagementBackend -Context $c -BackendId cb -Clear CircuitBreaker").AssertNoErrors();
            Assert.False(Props("cb").TryGetProperty("circuitBreaker", out _));
        }

        [Fact]
        public void Pool_is_created_updated_and_cleared()
        {
            _emu.Seed("rg1", "apim1", "m1", Single);
            _emu.Seed("rg1", "apim1", "m2", Single);
            _emu.Seed("rg1", "apim1", "lb", "{\"type\":\"Pool\",\"pool\":{\"services\":[{\"id\":\"/subscriptions/" + EmulatorFixture.Sub + "/resourceGroups/rg1/providers/Microsoft.ApiManagement/service/apim1/backends/m1\"}]}}");
            using var s = Session();
            s.Run("$members = @(New-AzApiManagementBackendPoolMember -Context $c -BackendId m1 -Priority 1 -Weight 80; New-AzApiManagementBackendPoolMember -Context $c -BackendId m2 -Priority 1 -Weight 20)\n" +
                  "Set-AzApiManagementBackend -Context $c -BackendId lb -Type Pool -Pool $members").AssertNoErrors();
            JsonElement services = Props("lb").GetProperty("pool").GetProperty("services");
            Assert.Equal(2, services.GetArrayLength());
            Assert.Equal(80, services[0].GetProperty("weight").GetInt32());
            Assert.EndsWith("/backends/m2", services[1].GetProperty("id").GetString());

            // Back to a single backend: the pool is cleared and a url/protocol given in one update.
            s.Run("Set-AzApiManagementBackend -Context $c -BackendId lb -Clear Pool -Type Single -Url https://single.example -Protocol http").AssertNoErrors();
            JsonElement props = Props("lb");
            Assert.False(props.TryGetProperty("pool", out _));
            Assert.Equal("Single", props.GetProperty("type").GetString());
        }

        [Theory]
        [InlineData("-CircuitBreaker @((New-AzApiManagementBackendCircuitBreakerRule -Name a -TripDuration PT1M -FailureCount 1 -FailureInterval PT1M), (New-AzApiManagementBackendCircuitBreakerRule -Name b -TripDuration PT1M -FailureCount 1 -FailureInterval PT1M))", "TooManyItems", "CircuitBreaker")]
        [InlineData("-Pool (New-AzApiManagementBackendPoolMember -Context $c -BackendId m1 -Weight 101)", "OutOfRange", "Pool")]
        [InlineData("-Type Pool -Url https://a.example -Pool (New-AzApiManagementBackendPoolMember -Context $c -BackendId m1)", "NotAllowed", "Url")]
        [InlineData("-CircuitBreaker (New-AzApiManagementBackendCircuitBreakerRule -Name a -TripDuration '1 minute' -FailureCount 1 -FailureInterval PT1M)", "InvalidFormat", "CircuitBreaker")]
        [InlineData("-Pool (New-AzApiManagementBackendPoolMember -Id 'backend-1')", "InvalidFormat", "Pool")]
        [InlineData("-Type Cluster", "InvalidValue", "Type")]
        [InlineData("-Clear Title -Title x", "NotAllowed", "Clear")]
        public void Invalid_pools_and_rules_are_refused_before_sending(string arguments, string errorId, string parameter)
        {
            _emu.Seed("rg1", "apim1", "m1", Single);
            using var s = Session();
            ScriptResult r = s.Run("Set-AzApiManagementBackend -Context $c -BackendId m1 " + arguments);
            ErrorRecord e = Assert.Single(r.Errors);
            Assert.Equal(errorId + SetFqid, e.FullyQualifiedErrorId);
            Assert.Contains("'" + parameter + "'", e.ErrorDetails.Message);
            Assert.Empty(_emu.Requests());
        }

        [Fact]
        public void One_failure_in_a_bulk_run_is_one_error_and_the_rest_go_on_in_order()
        {
            foreach (string id in new[] { "ok1", "ok2", "ok4" }) _emu.Seed("rg1", "apim1", id, Single);
            using var s = Session();
            ScriptResult r = s.Run("'ok1','ok2','missing3','ok4' | ForEach-Object { [pscustomobject]@{ Context = $c; BackendId = $_ } } | Set-AzApiManagementBackend -Title bulk -PassThru -ThrottleLimit 4");
            ErrorRecord e = Assert.Single(r.Errors);
            Assert.Equal("BackendNotFound" + SetFqid, e.FullyQualifiedErrorId);
            Assert.Equal("missing3", e.TargetObject);
            Assert.Equal(new[] { "ok1", "ok2", "ok4" }, r.Output.Select(o => (string)o.Properties["BackendId"].Value));
        }

        [Fact]
        public void Enum_parameters_tab_complete()
        {
            using var s = Session();
            ScriptResult r = s.Run(
                "foreach ($line in 'Set-AzApiManagementBackend -Protocol s', 'Set-AzApiManagementBackend -Type P') { (TabExpansion2 -inputScript $line -cursorColumn $line.Length).CompletionMatches.CompletionText }");
            r.AssertNoErrors();
            Assert.Equal(new object[] { "soap", "Pool" }, r.Output.Select(o => o.BaseObject).ToArray());
        }

        [Fact]
        public void Connection_comes_from_Az_Accounts_when_nothing_else_gives_it()
        {
            _emu.Seed("rg1", "apim1", "az1", Single);
            string[] names = { "AZURE_SUBSCRIPTION_ID", "APIM_BACKEND_ENDPOINT", "APIM_BACKEND_ACCESS_TOKEN" };
            var saved = names.ToDictionary(n => n, n => System.Environment.GetEnvironmentVariable(n));
            try
            {
                foreach (string n in names) System.Environment.SetEnvironmentVariable(n, null);
                using var s = new PowerShellSession();
                // Stand-ins for Az.Accounts' cmdlets, with the shapes scripts see from the real ones.
                ScriptResult r = s.Run(
                    "function Get-AzContext { [pscustomobject]@{ Subscription = [pscustomobject]@{ Id = '" + EmulatorFixture.Sub + "' }; Environment = [pscustomobject]@{ ResourceManagerUrl = '" + _emu.Process.BaseUrl + "/' } } }\n" +
                    "function Get-AzAccessToken { param($ResourceUrl) $global:AskedFor = $ResourceUrl; [pscustomobject]@{ Token = [System.Net.NetworkCredential]::new('', 'az-token').SecurePassword } }\n" +
                    "$c = New-AzApiManagementContext -ResourceGroupName rg1 -ServiceName apim1\n" +
                    "Set-AzApiManagementBackend -Context $c -BackendId az1 -Title 'via Az' -Verbose\n" +
                    "$global:AskedFor");
                r.AssertNoErrors();
                Assert.Equal(_emu.Process.BaseUrl, Assert.Single(r.Output).BaseObject);
                Assert.Contains(r.Verbose, v => v.Message.Contains("subscription: Az context") && v.Message.Contains("endpoint: Az context") && v.Message.Contains("access token: Get-AzAccessToken"));
                Assert.Equal("via Az", Props("az1").GetProperty("title").GetString());
            }
            finally
            {
                foreach (var kv in saved) System.Environment.SetEnvironmentVariable(kv.Key, kv.Value);
            }
        }

        [Fact]
        public void A_thousand_piped_backends_finish_under_throttling_in_input_order()
        {
            for (int i = 0; i < 1000; i++)
            {
                _emu.Seed("rg1", "apim1", "bulk" + i.ToString("D4"), Single);
            }
            _emu.SetFaults("{\"writeBucket\":20,\"writeRefillPerSec\":400}");
            using var s = Session();
            ScriptResult r = s.Run(
                "0..999 | ForEach-Object { [pscustomobject]@{ Context = $c; BackendId = 'bulk' + $_.ToString('D4') } } |\n" +
                "    Set-AzApiManagementBackend -Description 'bulk update' -ThrottleLimit 8 -PassThru");
            r.AssertNoErrors();
            Assert.Equal(1000, r.Output.Count);
            Assert.Equal(Enumerable.Range(0, 1000).Select(i => "bulk" + i.ToString("D4")), r.Output.Select(o => (string)o.Properties["BackendId"].Value));
            Assert.NotEmpty(r.Progress);
            var writes = _emu.Requests().Where(q => q.GetProperty("method").GetString() == "PATCH").ToList();
            int throttled = writes.Count(q => q.GetProperty("status").GetInt32() == 429);
            Assert.Equal(1000, writes.Count(q => q.GetProperty("status").GetInt32() == 200));
            Assert.True(throttled < 1000, "pacing keeps 429s well below one per update: " + throttled);
            for (int i = 0; i < 1000; i += 97)
            {
                Assert.Equal("bulk update", Props("bulk" + i.ToString("D4")).GetProperty("description").GetString());
            }
        }
    }
}
