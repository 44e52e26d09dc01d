using System;
using System.Collections.Generic;
using System.IO;
using System.Management.Automation;
using System.Management.Automation.Runspaces;

namespace ApiManagementBackend.Hosting
{
    /// <summary>
    /// Usage: apimhost [--module &lt;module folder or .psd1&gt;] [--emulator &lt;apim-emulator binary&gt;]
    ///                 (&lt;script.ps1&gt; [args...] | -c &lt;script text&gt;)
    /// Runs the script in a runspace built from InitialSessionState.CreateDefault2(), with the
    /// module imported first when given. With --emulator, starts the local ARM emulator on
    /// 127.0.0.1 first, points the module at it (APIM_BACKEND_ENDPOINT, APIM_BACKEND_CA_FILE,
    /// AZURE_SUBSCRIPTION_ID, APIM_BACKEND_ACCESS_TOKEN) and stops it at the end. Output is
    /// formatted by the engine (Out-Default). The exit code is 1 when the script wrote an error or
    /// threw, else the script's `exit` code or 0.
    /// </summary>
    public static class Program
    {
        public static int Main(string[] args)
        {
            string module = null;
            string emulator = null;
            string scriptFile = null;
            string scriptText = null;
            var scriptArgs = new List<string>();
            for (int i = 0; i < args.Length; i++)
            {
                if (scriptFile == null && scriptText == null && args[i] == "--module" && i + 1 < args.Length)
                {
                    module = args[++i];
                }
                else if (scriptFile == null && scriptText == null && args[i] == "--emulator" && i + 1 < args.Length)
                {
                    emulator = args[++i];
                }
                else if (scriptFile == null && scriptText == null && args[i] == "-c" && i + 1 < args.Length)
                {
                    scriptText = args[++i];
                }
                else if (scriptFile == null && scriptText == null)
                {
                    scriptFile = args[i];
                }
                else
                {
                    scriptArgs.Add(args[i]);
                }
            }
            if (scriptFile == null && scriptText == null)
            {
                Console.Error.WriteLine("usage: apimhost [--module <path>] (<script.ps1> [args...] | -c <script text>)");
                return 2;
            }

            using EmulatorProcess emu = emulator == null ? null : EmulatorProcess.Start(emulator);
            var host = new TextHost(Console.Out, Console.In.ReadLine);
            InitialSessionState iss = InitialSessionState.CreateDefault2();
            if (OperatingSystem.IsWindows())
            {
                iss.ExecutionPolicy = Microsoft.PowerShell.ExecutionPolicy.Bypass;
            }
            using Runspace runspace = RunspaceFactory.CreateRunspace(host, iss);
            runspace.Open();
            if (Console.IsOutputRedirected)
            {
                // Escape sequences only help a terminal; logs and pipes get plain text.
                using PowerShell style = PowerShell.Create();
                style.Runspace = runspace;
                style.AddScript("if ($PSStyle) { $PSStyle.OutputRendering = 'PlainText' }").Invoke();
            }
            using PowerShell ps = PowerShell.Create();
            ps.Runspace = runspace;
            Console.CancelKeyPress += (_, e) => { e.Cancel = true; ps.BeginStop(null, null); };

            if (module != null)
            {
                ps.AddCommand("Import-Module").AddParameter("Name", Path.GetFullPath(module)).AddParameter("ErrorAction", "Stop");
                ps.AddStatement();
            }
            if (scriptFile != null)
            {
                ps.AddCommand(Path.GetFullPath(scriptFile));
                // "-Name value" binds a named parameter, a "-Name" followed by another name (or
                // nothing) a switch, anything else is positional.
                for (int i = 0; i < scriptArgs.Count; i++)
                {
                    string a = scriptArgs[i];
                    if (a.Length > 1 && a[0] == '-' && !char.IsDigit(a[1]))
                    {
                        string name = a.Substring(1).TrimEnd(':');
                        if (i + 1 < scriptArgs.Count && !(scriptArgs[i + 1].Length > 1 && scriptArgs[i + 1][0] == '-' && !char.IsDigit(scriptArgs[i + 1][1])))
                        {
                            ps.AddParameter(name, scriptArgs[++i]);
                        }
                        else
                        {
                            ps.AddParameter(name);
                        }
                    }
                    else
                    {
                        ps.AddArgument(a);
                    }
                }
            }
            else
            {
                ps.AddScript(scriptText);
            }
            ps.AddCommand("Out-Default");
            // The engine shows verbose, warning and debug records through the host UI itself;
            // errors are printed here, with their FullyQualifiedErrorId.
            ps.Streams.Error.DataAdded += (_, e) => Console.Error.WriteLine(DescribeError(ps.Streams.Error[e.Index]));
            try
            {
                ps.Invoke();
            }
            catch (RuntimeException ex)
            {
                Console.Error.WriteLine(ex.ErrorRecord != null ? DescribeError(ex.ErrorRecord) : "ERROR: " + ex.Message);
                return 1;
            }
            if (ps.HadErrors) return 1;
            return host.ExitCode ?? 0;
        }

        private static string DescribeError(ErrorRecord record)
        {
            string message = record.ErrorDetails?.Message ?? record.Exception?.Message ?? record.ToString();
            return "ERROR: " + message + Environment.NewLine + "    FullyQualifiedErrorId: " + record.FullyQualifiedErrorId;
        }
    }
}
