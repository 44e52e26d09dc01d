using System;
using System.Collections.Generic;
using System.Collections.ObjectModel;
using System.IO;
using System.Linq;
using System.Management.Automation;
using System.Management.Automation.Runspaces;
using ApiManagementBackend.Hosting;
using Xunit;

namespace ApiManagementBackend.Tests
{
    /// <summary>Where the build put things, found from the repository root.</summary>
    public static class Paths
    {
        public static string RepoRoot { get; } = FindRoot();

        public static string ModuleDir =>
            Environment.GetEnvironmentVariable("APIMB_MODULE_DIR")
            ?? Path.Combine(RepoRoot, "out", "module", "ApiManagementBackend");

        private static string FindRoot()
        {
            string dir = AppContext.BaseDirectory;
            while (dir != null && !File.Exists(Path.Combine(dir, "cbindgen.toml")))
            {
                dir = Path.GetDirectoryName(dir);
            }
            return dir ?? throw new InvalidOperationException("repository root (cbindgen.toml) not found above " + AppContext.BaseDirectory);
        }
    }

    /// <summary>The outcome of one script: output objects and every stream.</summary>
    public sealed class ScriptResult
    {
        public Collection<PSObject> Output { get; init; }
        public IReadOnlyList<ErrorRecord> Errors { get; init; }
        public IReadOnlyList<WarningRecord> Warnings { get; init; }
        public IReadOnlyList<VerboseRecord> Verbose { get; init; }
        public IReadOnlyList<DebugRecord> Debug { get; init; }
        public IReadOnlyList<InformationRecord> Information { get; init; }
        public IReadOnlyList<ProgressRecord> Progress { get; init; }
        public string HostText { get; init; }
        public Exception Terminating { get; init; }

        /// <summary>All text that left the engine, for "appears nowhere" assertions.</summary>
        public string AllText()
        {
            var parts = new List<string> { HostText };
            parts.AddRange(Output.Select(o => o?.ToString()));
            parts.AddRange(Errors.Select(e => e + " " + e.FullyQualifiedErrorId + " " + e.ErrorDetails?.Message + " " + e.Exception));
            parts.AddRange(Warnings.Select(w => w.Message));
            parts.AddRange(Verbose.Select(v => v.Message));
            parts.AddRange(Debug.Select(d => d.Message));
            parts.AddRange(Information.Select(i => i.MessageData?.ToString()));
            parts.AddRange(Progress.Select(p => p.Activity + " " + p.StatusDescription + " " + p.CurrentOperation));
            if (Terminating != null) parts.Add(Terminating.ToString());
            return string.Join("\n", parts);
        }

        public void AssertNoErrors()
        {
            Assert.True(Terminating == null, "terminating error: " + Terminating);
            Assert.True(Errors.Count == 0, "errors: " + string.Join("; ", Errors.Select(e => e.FullyQualifiedErrorId + ": " + e)));
            Assert.True(Warnings.Count == 0, "warnings: " + string.Join("; ", Warnings.Select(w => w.Message)));
        }
    }

    /// <summary>
    /// A runspace built from InitialSessionState.CreateDefault2() with the built module imported
    /// by script text, as a user would. Prompts are answered from <see cref="Answers"/>.
    /// </summary>
    public sealed class PowerShellSession : IDisposable
    {
        private readonly StringWriter _hostOutput = new StringWriter();
        private readonly Runspace _runspace;
        public Queue<string> Answers { get; } = new Queue<string>();
        public TextHost Host { get; }

        public PowerShellSession(bool importModule = true)
        {
            Host = new TextHost(_hostOutput, () => Answers.Count > 0 ? Answers.Dequeue() : null);
            InitialSessionState iss = InitialSessionState.CreateDefault2();
            _runspace = RunspaceFactory.CreateRunspace(Host, iss);
            _runspace.Open();
            if (importModule)
            {
                ScriptResult r = Run("Import-Module '" + Paths.ModuleDir.Replace("'", "''") + "' -ErrorAction Stop");
                r.AssertNoErrors();
            }
        }

        public ScriptResult Run(string script, IDictionary<string, object> variables = null)
        {
            using PowerShell ps = PowerShell.Create();
            ps.Runspace = _runspace;
            if (variables != null)
            {
                foreach (var kv in variables)
                {
                    _runspace.SessionStateProxy.SetVariable(kv.Key, kv.Value);
                }
            }
            ps.AddScript(script);
            int hostStart = _hostOutput.GetStringBuilder().Length;
            Collection<PSObject> output = new Collection<PSObject>();
            Exception terminating = null;
            try
            {
                output = ps.Invoke();
            }
            catch (Exception ex)
            {
                terminating = ex;
            }
            return new ScriptResult
            {
                Output = output,
                Errors = ps.Streams.Error.ToList(),
                Warnings = ps.Streams.Warning.ToList(),
                Verbose = ps.Streams.Verbose.ToList(),
                Debug = ps.Streams.Debug.ToList(),
                Information = ps.Streams.Information.ToList(),
                Progress = ps.Streams.Progress.ToList(),
                HostText = _hostOutput.GetStringBuilder().ToString(hostStart, _hostOutput.GetStringBuilder().Length - hostStart),
                Terminating = terminating,
            };
        }

        /// <summary>A PowerShell instance on this session's runspace, for asynchronous use.</summary>
        public PowerShell CreatePowerShell()
        {
            PowerShell ps = PowerShell.Create();
            ps.Runspace = _runspace;
            return ps;
        }

        public void Dispose() => _runspace.Dispose();
    }
}
