using System;
using System.Collections.Generic;
using System.Management.Automation;
using System.Security;
using ApiManagementBackend.Native;
using Microsoft.Azure.Commands.ApiManagement.ServiceManagement.Models;

namespace ApiManagementBackend.Cmdlets
{
    /// <summary>
    /// What every service-calling cmdlet shares: a cancellation token that StopProcessing
    /// (Ctrl+C) raises, native errors turned into ErrorRecords with stable ids and fitting
    /// categories, and the native log written to the debug stream.
    /// </summary>
    public abstract class BackendCmdletBase : PSCmdlet, IDisposable
    {
        private CancelHandle _cancel;
        /// <summary>Parameters given on the command line (pipeline-bound ones are not yet bound in BeginProcessing).</summary>
        private protected HashSet<string> CommandLineParameters = new HashSet<string>(StringComparer.OrdinalIgnoreCase);

        private protected CancelHandle Cancel => _cancel ?? (_cancel = CancelHandle.Create());

        /// <summary>Connections resolved during this invocation, by what they depend on (not the
        /// resource group or service), so piped records do not repeat the environment and
        /// Az.Accounts look-ups.</summary>
        private readonly Dictionary<(string, Uri, string, SecureString), Connection> _connections =
            new Dictionary<(string, Uri, string, SecureString), Connection>();

        /// <summary>The connection for a context, resolved once per distinct setting; -Verbose says
        /// where it came from (never the token).</summary>
        private protected Connection ConnectionFor(PsApiManagementContext ctx, object defaultProfile, string apiVersion)
        {
            var key = (ctx?.SubscriptionId, ctx?.Endpoint, ctx?.CaCertificateFile, ctx?.AccessToken);
            if (!_connections.TryGetValue(key, out Connection conn))
            {
                conn = Connection.Resolve(this, ctx, defaultProfile, apiVersion);
                WriteVerbose("Connection: " + string.Join("; ", conn.Sources));
                _connections[key] = conn;
            }
            return conn;
        }

        protected override void BeginProcessing()
        {
            foreach (string key in MyInvocation.BoundParameters.Keys) CommandLineParameters.Add(key);
            bool debug = MyInvocation.BoundParameters.ContainsKey("Debug") ||
                         !ActionPreference.SilentlyContinue.Equals(GetVariableValue("DebugPreference"));
            bool verbose = MyInvocation.BoundParameters.ContainsKey("Verbose");
            try
            {
                NativeApi.SetLogLevel(debug ? (byte)3 : verbose ? (byte)2 : (byte)0);
            }
            catch (Exception e) when (e is DllNotFoundException || e is EntryPointNotFoundException || e is InvalidOperationException)
            {
                ThrowTerminatingError(new ErrorRecord(e, "NativeLibraryNotLoaded", ErrorCategory.ResourceUnavailable, null));
            }
        }

        protected override void StopProcessing() => _cancel?.Trigger();

        public void Dispose()
        {
            _cancel?.Dispose();
            GC.SuppressFinalize(this);
        }

        /// <summary>Writes native log lines (already free of secrets) to -Debug.</summary>
        private protected void FlushNativeLog()
        {
            foreach (string line in NativeApi.DrainLog())
            {
                WriteDebug("apimbackend: " + line);
            }
        }

        /// <summary>Runs a native operation; a failure becomes a non-terminating error.</summary>
        private protected bool TryNative(Action action, object target)
        {
            try
            {
                action();
                return true;
            }
            catch (NativeException e) when (e.Kind == NativeErrorKind.Cancelled)
            {
                throw new PipelineStoppedException();
            }
            catch (NativeException e)
            {
                WriteError(ToErrorRecord(e, target));
                return false;
            }
            catch (PSArgumentException e)
            {
                WriteError(new ErrorRecord(e, "ConnectionSettingMissing", ErrorCategory.InvalidArgument, target));
                return false;
            }
            finally
            {
                FlushNativeLog();
            }
        }

        internal static ErrorRecord ToErrorRecord(NativeException e, object target)
        {
            string id;
            ErrorCategory category;
            switch (e.Kind)
            {
                case NativeErrorKind.InvalidArgument:
                case NativeErrorKind.Validation:
                    id = e.Code ?? "InvalidArgument"; category = ErrorCategory.InvalidArgument; break;
                case NativeErrorKind.Authentication:
                    id = "AuthenticationFailed"; category = ErrorCategory.AuthenticationError; break;
                case NativeErrorKind.PermissionDenied:
                    id = "AuthorizationFailed"; category = ErrorCategory.PermissionDenied; break;
                case NativeErrorKind.NotFound:
                    id = "BackendNotFound"; category = ErrorCategory.ObjectNotFound; break;
                case NativeErrorKind.PreconditionFailed:
                    id = "BackendChangedSinceRead"; category = ErrorCategory.InvalidOperation; break;
                case NativeErrorKind.Throttled:
                    id = "RequestThrottled"; category = ErrorCategory.LimitsExceeded; break;
                case NativeErrorKind.Service:
                    id = "ServiceError";
                    category = e.HttpStatus >= 400 && e.HttpStatus < 500 ? ErrorCategory.InvalidArgument : ErrorCategory.ResourceUnavailable;
                    break;
                case NativeErrorKind.Transport:
                    id = "ConnectionFailed"; category = ErrorCategory.ConnectionError; break;
                case NativeErrorKind.Timeout:
                    id = "RequestTimedOut"; category = ErrorCategory.OperationTimeout; break;
                default:
                    id = "NativeLibraryError"; category = ErrorCategory.NotSpecified; break;
            }
            var record = new ErrorRecord(e, id, category, target)
            {
                ErrorDetails = new ErrorDetails(e.FullMessage()),
            };
            return record;
        }
    }
}
