using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Management.Automation;
using System.Threading;
using System.Threading.Tasks;
using Xunit;

namespace ApiManagementBackend.Tests
{
    /// <summary>Secrets never leave, bad input never reaches the service, faults are absorbed or
    /// reported, concurrency and cancellation are safe. Counts are written to
    /// target/reliability-counts.txt, which the test command prints.</summary>
    [Collection("emulator")]
    public sealed class ReliabilityTests
    {
        private const string Single = "{\"url\":\"https://contoso.com/api\",\"protocol\":\"http\"}";
        private readonly EmulatorFixture _emu;

        public ReliabilityTests(EmulatorFixture emu)
        {
            _emu = emu;
            _emu.Reset();
        }

        private static PowerShellSession Session(string contextArgs = "")
        {
            var s = new PowerShellSession();
            s.Run("$c = New-AzApiManagementContext -ResourceGroupName rg1 -ServiceName apim1 " + contextArgs).AssertNoErrors();
            return s;
        }

        // ------------------------------------------------------------------ secrets

        /// <summary>How each kind of secret is given to the module; {0} is the unique secret.</summary>
        public static readonly Dictionary<string, string> SecretParameters = new Dictionary<string, string>
        {
            ["proxy password"] = "-Proxy (New-AzApiManagementBackendProxy -Url http://proxy:8080 -ProxyCredential ([pscredential]::new('user', [System.Net.NetworkCredential]::new('', '{0}').SecurePassword)))",
            ["authorization parameter"] = "-Credential (New-AzApiManagementBackendCredential -AuthorizationHeaderScheme Basic -AuthorizationHeaderParameter '{0}')",
            ["header value"] = "-Credential (New-AzApiManagementBackendCredential -Header @{{ 'x-key' = '{0}' }})",
            ["query value"] = "-Credential (New-AzApiManagementBackendCredential -Query @{{ code = @('{0}') }})",
            ["access token"] = "-Title t",
        };

        /// <summary>Ways text leaves the module; each scenario is checked on every channel.</summary>
        public static readonly string[] Scenarios = { "success -Verbose -Debug", "-WhatIf -Verbose", "service error -Verbose -Debug", "validation error -Verbose" };

        public static readonly string[] Channels = { "Output", "Error", "Warning", "Verbose", "Debug", "Information", "Progress", "Host (-WhatIf, prompts)", "Exception" };

        public static IEnumerable<object[]> SecretCases() =>
            from secret in SecretParameters.Keys from scenario in Scenarios select new object[] { secret, scenario };

        [Theory]
        [MemberData(nameof(SecretCases))]
        public void Secrets_appear_in_no_output_stream_or_error(string secretKind, string scenario)
        {
            string secret = "S3cr3t-" + Guid.NewGuid().ToString("N");
            _emu.Seed("rg1", "apim1", "b1", Single);
            string token = secretKind == "access token" ? secret : "not-the-secret";
            using var s = Session("-AccessToken '" + token + "'");
            string args = string.Format(SecretParameters[secretKind], secret);
            string id = "b1";
            string extra = "";
            switch (scenario)
            {
                case "success -Verbose -Debug": extra = "-PassThru -Verbose -Debug"; break;
                case "-WhatIf -Verbose": extra = "-WhatIf -Verbose"; break;
                case "service error -Verbose -Debug": id = "missing"; extra = "-Verbose -Debug"; break;
                case "validation error -Verbose": extra = "-Description '' -Verbose"; break;
            }
            ScriptResult r = s.Run("$DebugPreference = 'Continue'; Set-AzApiManagementBackend -Context $c -BackendId " + id + " " + args + " " + extra + " | ForEach-Object { $_; $_.Credentials; $_.Proxy; \"$_\" }");
            var channels = new Dictionary<string, string>
            {
                ["Output"] = string.Join("\n", r.Output.Select(o => o?.ToString())),
                ["Error"] = string.Join("\n", r.Errors.Select(e => e + " " + e.FullyQualifiedErrorId + " " + e.ErrorDetails?.Message + " " + e.TargetObject)),
                ["Warning"] = string.Join("\n", r.Warnings.Select(w => w.Message)),
                ["Verbose"] = string.Join("\n", r.Verbose.Select(v => v.Message)),
                ["Debug"] = string.Join("\n", r.Debug.Select(d => d.Message)),
                ["Information"] = string.Join("\n", r.Information.Select(i => i.MessageData?.ToString())),
                ["Progress"] = string.Join("\n", r.Progress.Select(p => p.Activity + p.StatusDescription + p.CurrentOperation)),
                ["Host (-WhatIf, prompts)"] = r.HostText,
                ["Exception"] = string.Join("\n", r.Errors.Select(e => e.Exception?.ToString())) + r.Terminating,
            };
            foreach (string channel in Channels)
            {
                Assert.False(channels[channel].Contains(secret), $"{secretKind} leaked into {channel} in '{scenario}': {channels[channel]}");
            }
            // The scenario really happened (otherwise the check proves nothing).
            switch (scenario)
            {
                case "success -Verbose -Debug":
                    Assert.Empty(r.Errors);
                    Assert.NotEmpty(r.Verbose);
                    Assert.Contains(r.Debug, d => d.Message.Contains("PATCH https://127.0.0.1:"));
                    if (secretKind != "access token") Assert.Contains(r.Verbose, v => v.Message.Contains("***REDACTED***"));
                    break;
                case "-WhatIf -Verbose":
                    Assert.Contains("What if:", r.HostText);
                    break;
                case "service error -Verbose -Debug":
                    Assert.Equal("BackendNotFound", Assert.Single(r.Errors).FullyQualifiedErrorId.Split(',')[0]);
                    break;
                case "validation error -Verbose":
                    Assert.Equal("InvalidLength", Assert.Single(r.Errors).FullyQualifiedErrorId.Split(',')[0]);
                    break;
            }
        }

        // ------------------------------------------------------------------ bad input

        public static readonly (string Script, string ErrorId)[] BadInputs =
        {
            ("Set-AzApiManagementBackend -Context $c -BackendId b1 -Title ''", "InvalidLength"),
            ("Set-AzApiManagementBackend -Context $c -BackendId b1 -Title ('t' * 301)", "InvalidLength"),
            ("Set-AzApiManagementBackend -Context $c -BackendId b1 -Description ''", "InvalidLength"),
            ("Set-AzApiManagementBackend -Context $c -BackendId b1 -Description ('d' * 2001)", "InvalidLength"),
            ("Set-AzApiManagementBackend -Context $c -BackendId b1 -Description ('é' * 2001)", "InvalidLength"),
            ("Set-AzApiManagementBackend -Context $c -BackendId b1 -Url ''", "InvalidLength"),
            ("Set-AzApiManagementBackend -Context $c -BackendId b1 -Url ('https://h/' + 'u' * 5000)", "InvalidLength"),
            ("Set-AzApiManagementBackend -Context $c -BackendId b1 -Url 'relative/path'", "InvalidFormat"),
            ("Set-AzApiManagementBackend -Context $c -BackendId b1 -Url 'https://'", "InvalidFormat"),
            ("Set-AzApiManagementBackend -Context $c -BackendId b1 -ResourceId ''", "InvalidLength"),
            ("Set-AzApiManagementBackend -Context $c -BackendId b1 -ResourceId ('r' * 2001)", "InvalidLength"),
            ("Set-AzApiManagementBackend -Context $c -BackendId b1 -Protocol grpc", "InvalidValue"),
            ("Set-AzApiManagementBackend -Context $c -BackendId b1 -Protocol 'HTTP2'", "InvalidValue"),
            ("Set-AzApiManagementBackend -Context $c -BackendId b1 -Type Cluster", "InvalidValue"),
            ("Set-AzApiManagementBackend -Context $c -BackendId b1 -Type Pool -Url https://a.example", "NotAllowed"),
            ("Set-AzApiManagementBackend -Context $c -BackendId b1 -Type Pool -Protocol http", "NotAllowed"),
            ("Set-AzApiManagementBackend -Context $c -BackendId b1 -Type Single -Pool (New-AzApiManagementBackendPoolMember -Context $c -BackendId m)", "NotAllowed"),
            ("Set-AzApiManagementBackend -Context $c -BackendId b1 -Pool (New-AzApiManagementBackendPoolMember -Id 'not-an-arm-id')", "InvalidFormat"),
            ("Set-AzApiManagementBackend -Context $c -BackendId b1 -Pool (New-AzApiManagementBackendPoolMember -Context $c -BackendId m -Weight 101)", "OutOfRange"),
            ("Set-AzApiManagementBackend -Context $c -BackendId b1 -Pool (New-AzApiManagementBackendPoolMember -Context $c -BackendId m -Weight -1)", "OutOfRange"),
            ("Set-AzApiManagementBackend -Context $c -BackendId b1 -Pool (New-AzApiManagementBackendPoolMember -Context $c -BackendId m -Priority 101)", "OutOfRange"),
            ("Set-AzApiManagementBackend -Context $c -BackendId b1 -Pool @()", "TooFewItems"),
            ("Set-AzApiManagementBackend -Context $c -BackendId b1 -CircuitBreaker @()", "TooFewItems"),
            ("$r = New-AzApiManagementBackendCircuitBreakerRule -Name a -TripDuration PT1M -FailureCount 1 -FailureInterval PT1M; Set-AzApiManagementBackend -Context $c -BackendId b1 -CircuitBreaker $r, $r", "TooManyItems"),
            ("Set-AzApiManagementBackend -Context $c -BackendId b1 -CircuitBreaker (New-AzApiManagementBackendCircuitBreakerRule -Name a -TripDuration 'one minute' -FailureCount 1 -FailureInterval PT1M)", "InvalidFormat"),
            ("Set-AzApiManagementBackend -Context $c -BackendId b1 -CircuitBreaker (New-AzApiManagementBackendCircuitBreakerRule -Name a -TripDuration PT1M -FailureCount 1 -FailureInterval '5m')", "InvalidFormat"),
            ("Set-AzApiManagementBackend -Context $c -BackendId b1 -CircuitBreaker (New-AzApiManagementBackendCircuitBreakerRule -Name a -TripDuration PT1M -FailureCount 0 -FailureInterval PT1M)", "OutOfRange"),
            ("Set-AzApiManagementBackend -Context $c -BackendId b1 -CircuitBreaker (New-AzApiManagementBackendCircuitBreakerRule -Name a -TripDuration PT1M -FailurePercentage 101 -FailureInterval PT1M)", "OutOfRange"),
            ("Set-AzApiManagementBackend -Context $c -BackendId b1 -CircuitBreaker (New-AzApiManagementBackendCircuitBreakerRule -Name a -TripDuration PT1M -FailureCount 1 -FailureInterval PT1M -FailureStatusCodeRange '199-500')", "OutOfRange"),
            ("Set-AzApiManagementBackend -Context $c -BackendId b1 -CircuitBreaker (New-AzApiManagementBackendCircuitBreakerRule -Name a -TripDuration PT1M -FailureCount 1 -FailureInterval PT1M -FailureStatusCodeRange '504-500')", "InvalidValue"),
            ("Set-AzApiManagementBackend -Context $c -BackendId b1 -CircuitBreaker (New-AzApiManagementBackendCircuitBreakerRule -Name a -TripDuration PT1M -FailureCount 1 -FailureInterval PT1M -FailureStatusCodeRange (1..11 | ForEach-Object { '500-599' }))", "TooManyItems"),
            ("Set-AzApiManagementBackend -Context $c -BackendId b1 -CircuitBreaker (New-AzApiManagementBackendCircuitBreakerRule -Name a -TripDuration PT1M -FailureCount 1 -FailureInterval PT1M -FailureErrorReason ('x' * 201))", "InvalidLength"),
            ("Set-AzApiManagementBackend -Context $c -BackendId b1 -CircuitBreaker (New-AzApiManagementBackendCircuitBreakerRule -Name a -TripDuration PT1M -FailureCount 1 -FailureInterval PT1M -FailureStatusCodeRange 'abc')", "InvalidValue"),
            ("Set-AzApiManagementBackend -Context $c -BackendId b1 -Credential (New-AzApiManagementBackendCredential -AuthorizationHeaderScheme Basic)", "Required"),
            ("Set-AzApiManagementBackend -Context $c -BackendId b1 -Credential (New-AzApiManagementBackendCredential -AuthorizationHeaderParameter p)", "Required"),
            ("Set-AzApiManagementBackend -Context $c -BackendId b1 -Credential (New-AzApiManagementBackendCredential -AuthorizationHeaderScheme ('s' * 101) -AuthorizationHeaderParameter p)", "InvalidLength"),
            ("Set-AzApiManagementBackend -Context $c -BackendId b1 -Credential (New-AzApiManagementBackendCredential -AuthorizationHeaderScheme Basic -AuthorizationHeaderParameter ('p' * 301))", "InvalidLength"),
            ("Set-AzApiManagementBackend -Context $c -BackendId b1 -Credential (New-AzApiManagementBackendCredential -CertificateThumbprint (1..33 | ForEach-Object { \"T$_\" }))", "TooManyItems"),
            ("Set-AzApiManagementBackend -Context $c -BackendId b1 -CertificateId (1..33 | ForEach-Object { \"/c/$_\" })", "TooManyItems"),
            ("Set-AzApiManagementBackend -Context $c -BackendId b1 -Credential (New-AzApiManagementBackendCredential -Header @{ ' ' = 'v' })", "InvalidValue"),
            ("Set-AzApiManagementBackend -Context $c -BackendId b1 -Proxy (New-AzApiManagementBackendProxy -Url 'proxy.local:8080')", "InvalidFormat"),
            ("Set-AzApiManagementBackend -Context $c -BackendId b1 -Proxy (New-AzApiManagementBackendProxy -Url 'ftp://proxy.local')", "InvalidFormat"),
            ("Set-AzApiManagementBackend -Context $c -BackendId b1 -ServiceFabricCluster (New-AzApiManagementBackendServiceFabric -ManagementEndpoint 'not a url')", "InvalidFormat"),
            ("Set-AzApiManagementBackend -Context $c -BackendId b1 -ServiceFabricCluster (New-AzApiManagementBackendServiceFabric -ManagementEndpoint https://sf:19080 -MaxPartitionResolutionRetry -1)", "OutOfRange"),
            ("Set-AzApiManagementBackend -Context $c -BackendId b1 -ServiceFabricCluster (New-AzApiManagementBackendServiceFabric -ManagementEndpoint https://sf:19080 -ServerCertificateThumbprint (1..33 | ForEach-Object { \"T$_\" }))", "TooManyItems"),
            ("Set-AzApiManagementBackend -Context $c -BackendId b1 -Clear Title -Title x", "NotAllowed"),
            ("Set-AzApiManagementBackend -Context $c -BackendId b1", "Required"),
            ("Set-AzApiManagementBackend -Context $c -BackendId '' -Title t", "ParameterArgumentValidationErrorEmptyStringNotAllowed"),
            ("Set-AzApiManagementBackend -Context $c -BackendId ('b' * 81) -Title t", "InvalidLength"),
            ("Set-AzApiManagementBackend -Context $c -BackendId 'a/b' -Title t", "InvalidFormat"),
            ("Set-AzApiManagementBackend -Context $c -BackendId 'a?b' -Title t", "InvalidFormat"),
            ("Set-AzApiManagementBackend -Context $null -BackendId b1 -Title t", "ParameterArgumentValidationError"),
            ("Set-AzApiManagementBackend -InputObject $null -Title t", "ParameterArgumentValidationError"),
            ("Set-AzApiManagementBackend -Context 'not a context' -BackendId b1 -Title t", "CannotConvertArgumentNoMessage"),
            ("Set-AzApiManagementBackend -Context $c -BackendId b1 -Clear Everything", "ParameterArgumentValidationError"),
            ("Set-AzApiManagementBackend -Context $c -BackendId b1 -ThrottleLimit 0 -Title t", "ParameterArgumentValidationError"),
            ("Set-AzApiManagementBackend -Context $c -BackendId b1 -Title t -ApiVersion '2024 05 01'", "InvalidArgument"),
            ("Set-AzApiManagementBackend -Context $c -BackendId b1 -Title t -UseETag", "ETagNotAvailable"),
            ("Set-AzApiManagementBackend -Context ([Microsoft.Azure.Commands.ApiManagement.ServiceManagement.Models.PsApiManagementContext]@{ ResourceGroupName = 'rg1'; ServiceName = 'apim1'; SubscriptionId = 'not-a-guid' }) -BackendId b1 -Title t", "InvalidFormat"),
            ("New-AzApiManagementContext -ResourceGroupName 'rg.' -ServiceName apim1", "InvalidFormat"),
            ("New-AzApiManagementContext -ResourceGroupName ('r' * 91) -ServiceName apim1", "InvalidLength"),
            ("New-AzApiManagementContext -ResourceGroupName rg1 -ServiceName '1apim'", "InvalidFormat"),
            ("New-AzApiManagementContext -ResourceGroupName rg1 -ServiceName ('s' * 51)", "InvalidLength"),
            ("New-AzApiManagementContext -ResourceGroupName rg1 -ServiceName 'apim_1'", "InvalidFormat"),
            ("New-AzApiManagementContext -ResourceId '/subscriptions/x/whatever'", "InvalidResourceId"),
            ("New-AzApiManagementContext -ResourceGroupName '' -ServiceName apim1", "ParameterArgumentValidationError"),
            ("Get-AzApiManagementBackend -ResourceId '/not/an/arm/id'", "InvalidResourceId"),
            ("Get-AzApiManagementBackend -Context $c -BackendId ('b' * 81)", "InvalidLength"),
            ("New-AzApiManagementBackend -Context $c -BackendId n1 -Url https://a.example -Protocol ftp", "InvalidValue"),
            ("New-AzApiManagementBackend -Context $c -BackendId n1 -Url 'nope' -Protocol http", "InvalidFormat"),
            ("New-AzApiManagementBackend -Context $c -BackendId ('n' * 81) -Url https://a.example -Protocol http", "InvalidLength"),
            ("Remove-AzApiManagementBackend -Context $c -BackendId 'a#b'", "InvalidFormat"),
            ("Remove-AzApiManagementBackend -Context $c -BackendId ''", "ParameterArgumentValidationErrorEmptyStringNotAllowed"),
            ("New-AzApiManagementBackendProxy -Url ''", "ParameterArgumentValidationError"),
            ("New-AzApiManagementBackendServiceFabric -ManagementEndpoint @()", "ParameterArgumentValidationError"),
            ("New-AzApiManagementBackendCircuitBreakerRule -Name '' -TripDuration PT1M -FailureInterval PT1M", "ParameterArgumentValidationError"),
        };

        public static IEnumerable<object[]> BadInputCases() => BadInputs.Select((b, i) => new object[] { i });

        [Theory]
        [MemberData(nameof(BadInputCases))]
        public void Bad_input_gives_its_error_id_and_sends_nothing(int index)
        {
            (string script, string errorId) = BadInputs[index];
            _emu.Seed("rg1", "apim1", "b1", Single);
            using var s = Session();
            ScriptResult r = s.Run(script);
            var errors = r.Errors.ToList();
            if (r.Terminating is ParameterBindingException pbe) errors.Add(pbe.ErrorRecord);
            ErrorRecord e = Assert.Single(errors);
            Assert.Equal(errorId, e.FullyQualifiedErrorId.Split(',')[0]);
            Assert.Empty(_emu.Requests());
        }

        // ------------------------------------------------------------------ faults

        public static readonly (string Fault, string ErrorId, int Requests)[] Faults =
        {
            ("{\"status\":429,\"headers\":{\"Retry-After\":\"0\"}}", null, 2),
            ("{\"status\":429,\"headers\":{\"retry-after-ms\":\"50\"}}", null, 2),
            ("{\"status\":429,\"headers\":{\"x-ms-retry-after-ms\":\"50\"}}", null, 2),
            ("{\"status\":500,\"headers\":{\"retry-after-ms\":\"10\"}}", null, 2),
            ("{\"status\":502,\"headers\":{\"retry-after-ms\":\"10\"}}", null, 2),
            ("{\"status\":503,\"headers\":{\"retry-after-ms\":\"10\"}}", null, 2),
            ("{\"status\":504,\"headers\":{\"retry-after-ms\":\"10\"}}", null, 2),
            ("{\"reset\":true}", null, 2),
            ("{\"slowBodyMs\":300}", null, 1),
            ("{\"malformed\":true}", "ServiceError", 1),
            ("{\"status\":401}", "AuthenticationFailed", 1),
            ("{\"status\":403}", "AuthorizationFailed", 1),
            ("{\"status\":404}", "BackendNotFound", 1),
            ("{\"status\":412}", "BackendChangedSinceRead", 1),
            ("{\"status\":400,\"body\":\"{\\\"error\\\":{\\\"code\\\":\\\"ValidationError\\\",\\\"message\\\":\\\"bad\\\"}}\"}", "ServiceError", 1),
        };

        public static IEnumerable<object[]> FaultCases() => Faults.Select((f, i) => new object[] { i });

        [Theory]
        [MemberData(nameof(FaultCases))]
        public void Faults_are_absorbed_or_reported_without_retry_storms(int index)
        {
            (string fault, string errorId, int logged) = Faults[index];
            _emu.Seed("rg1", "apim1", "b1", Single);
            _emu.SetFaults("{\"next\":[" + fault + "]}");
            using var s = Session();
            var watch = Stopwatch.StartNew();
            ScriptResult r = s.Run("Set-AzApiManagementBackend -Context $c -BackendId b1 -Title fault-test -PassThru");
            watch.Stop();
            if (errorId == null)
            {
                r.AssertNoErrors();
                Assert.Equal("fault-test", Assert.Single(r.Output).Properties["Title"].Value);
            }
            else
            {
                Assert.Equal(errorId, Assert.Single(r.Errors).FullyQualifiedErrorId.Split(',')[0]);
                Assert.True(watch.Elapsed < TimeSpan.FromSeconds(3), "non-retryable errors come back quickly: " + watch.Elapsed);
            }
            // Every attempt is in the emulator's log (a dropped one with status 0): no retry storm.
            Assert.Equal(logged, _emu.Requests().Count);
        }

        // ------------------------------------------------------------------ concurrency and cancellation

        [Fact]
        public void Eight_runspaces_times_two_hundred_updates_at_once()
        {
            for (int r = 0; r < 8; r++)
                for (int i = 0; i < 25; i++)
                    _emu.Seed("rg1", "apim1", $"c{r}-{i}", Single);
            var failures = new List<string>();
            Parallel.For(0, 8, new ParallelOptions { MaxDegreeOfParallelism = 8 }, r =>
            {
                using var s = Session();
                // 200 updates per runspace: 8 rounds over its 25 backends, the last one wins.
                ScriptResult res = s.Run(
                    "foreach ($round in 1..8) { 0..24 | ForEach-Object { [pscustomobject]@{ Context = $c; BackendId = \"c" + r + "-$_\"; Description = \"r" + r + " round $round\" } } | Set-AzApiManagementBackend -ThrottleLimit 4 }");
                lock (failures)
                {
                    failures.AddRange(res.Errors.Select(e => e.FullyQualifiedErrorId));
                    if (res.Terminating != null) failures.Add(res.Terminating.Message);
                }
            });
            Assert.Empty(failures);
            var patches = _emu.Requests().Count(q => q.GetProperty("method").GetString() == "PATCH" && q.GetProperty("status").GetInt32() == 200);
            Assert.Equal(1600, patches);
            for (int r = 0; r < 8; r++)
                for (int i = 0; i < 25; i += 6)
                    Assert.Equal($"r{r} round 8", _emu.Backend("rg1", "apim1", $"c{r}-{i}").GetProperty("properties").GetProperty("description").GetString());
        }

        [Fact]
        public void Stopping_the_pipeline_during_a_slow_request_returns_within_a_second()
        {
            _emu.Seed("rg1", "apim1", "b1", Single);
            _emu.SetFaults("{\"next\":[{\"delayMs\":15000}]}");
            using var s = Session();
            using PowerShell ps = s.CreatePowerShell();
            ps.AddScript("Set-AzApiManagementBackend -Context $c -BackendId b1 -Title slow");
            IAsyncResult pending = ps.BeginInvoke();
            Thread.Sleep(500);
            var watch = Stopwatch.StartNew();
            ps.Stop();
            watch.Stop();
            Assert.True(watch.Elapsed < TimeSpan.FromSeconds(1), "Stop took " + watch.Elapsed);
            Assert.Equal(PSInvocationState.Stopped, ps.InvocationStateInfo.State);
            // The module is still usable.
            s.Run("Set-AzApiManagementBackend -Context $c -BackendId b1 -Title after").AssertNoErrors();
            Assert.Equal("after", _emu.Backend("rg1", "apim1", "b1").GetProperty("properties").GetProperty("title").GetString());
        }

        [Fact]
        public void Suite_counts_meet_the_targets()
        {
            // A secret case is one kind of secret checked on one way out (stream, host text,
            // exception); each is checked in every scenario with a unique secret per run.
            int secretCases = SecretParameters.Count * Channels.Length;
            int secretChecks = SecretCases().Count() * Channels.Length;
            string counts =
                $"reliability: {secretCases} secret cases ({SecretParameters.Count} secrets x {Channels.Length} ways out; {secretChecks} checks over {Scenarios.Length} scenarios), {BadInputs.Length} bad inputs, " +
                $"{Faults.Length} injected faults, 8 runspaces x 200 concurrent updates, 1 cancellation test";
            Directory.CreateDirectory(Path.Combine(Paths.RepoRoot, "target"));
            File.WriteAllText(Path.Combine(Paths.RepoRoot, "target", "reliability-counts.txt"), counts + "\n");
            Assert.True(secretCases >= 40, counts);
            Assert.True(BadInputs.Length >= 60, counts);
        }
    }
}
