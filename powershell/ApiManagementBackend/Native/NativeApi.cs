using System;
using System.Collections.Generic;

namespace ApiManagementBackend.Native
{
    /// <summary>A backend as returned, with its ETag.</summary>
    internal sealed class BackendJson
    {
        internal string Json;
        internal string ETag;
    }

    /// <summary>The native library's operations with managed types: strings in, strings or
    /// parsed JSON out, <see cref="NativeException"/> on failure. Blocking calls return when the
    /// operation completes, fails or is cancelled through the given token.</summary>
    internal static class NativeApi
    {
        private static NativeMethods N => NativeMethods.Instance;

        internal static Dictionary<string, object> VersionInfo()
        {
            Interop.Check(N.VersionInfo(out IntPtr json));
            return (Dictionary<string, object>)Json.Parse(Interop.TakeString(json));
        }

        /// <summary>Builds and validates a patch from Set-AzApiManagementBackend's parameters.</summary>
        internal static PatchHandle BuildAzPatch(string parametersJson)
        {
            var patch = new PatchHandle();
            IntPtr err = N.PatchBuildAz(Interop.ToUtf8(parametersJson), out IntPtr p);
            Interop.Check(err);
            patch.Adopt(p);
            return patch;
        }

        /// <summary>The body with secrets redacted, for -WhatIf and -Verbose.</summary>
        internal static string Preview(PatchHandle patch)
        {
            return WithHandle(patch, h =>
            {
                Interop.Check(N.PatchPreview(h, out IntPtr json));
                return Interop.TakeString(json);
            });
        }

        /// <summary>Validates sub/rg/service[/backend] and returns the resource path.</summary>
        internal static string ValidateTarget(string targetJson)
        {
            Interop.Check(N.TargetValidate(Interop.ToUtf8(targetJson), out IntPtr path));
            return Interop.TakeString(path);
        }

        internal static ClientHandle CreateClient(string optionsJson)
        {
            var client = new ClientHandle();
            IntPtr err = N.ClientNew(Interop.ToUtf8(optionsJson), out IntPtr p);
            Interop.Check(err);
            client.Adopt(p);
            return client;
        }

        internal static BackendJson Update(ClientHandle client, string targetJson, PatchHandle patch, string ifMatch, CancelHandle cancel)
        {
            return WithHandle(client, c => WithHandle(patch, p => WithHandle(cancel, k =>
            {
                Interop.Check(N.BackendUpdate(c, Interop.ToUtf8(targetJson), p, Interop.ToUtf8(ifMatch), k, out IntPtr json, out IntPtr etag));
                return new BackendJson { Json = Interop.TakeString(json), ETag = Interop.TakeString(etag) };
            })));
        }

        internal static BackendJson Create(ClientHandle client, string targetJson, PatchHandle patch, string ifMatch, CancelHandle cancel)
        {
            return WithHandle(client, c => WithHandle(patch, p => WithHandle(cancel, k =>
            {
                Interop.Check(N.BackendCreate(c, Interop.ToUtf8(targetJson), p, Interop.ToUtf8(ifMatch), k, out IntPtr json, out IntPtr etag));
                return new BackendJson { Json = Interop.TakeString(json), ETag = Interop.TakeString(etag) };
            })));
        }

        internal static BackendJson Get(ClientHandle client, string targetJson, CancelHandle cancel)
        {
            return WithHandle(client, c => WithHandle(cancel, k =>
            {
                Interop.Check(N.BackendGet(c, Interop.ToUtf8(targetJson), k, out IntPtr json, out IntPtr etag));
                return new BackendJson { Json = Interop.TakeString(json), ETag = Interop.TakeString(etag) };
            }));
        }

        internal static string List(ClientHandle client, string targetJson, CancelHandle cancel)
        {
            return WithHandle(client, c => WithHandle(cancel, k =>
            {
                Interop.Check(N.BackendList(c, Interop.ToUtf8(targetJson), k, out IntPtr json));
                return Interop.TakeString(json);
            }));
        }

        internal static BackendJson Put(ClientHandle client, string targetJson, string bodyJson, string ifMatch, CancelHandle cancel)
        {
            return WithHandle(client, c => WithHandle(cancel, k =>
            {
                Interop.Check(N.BackendPut(c, Interop.ToUtf8(targetJson), Interop.ToUtf8(bodyJson), Interop.ToUtf8(ifMatch), k, out IntPtr json, out IntPtr etag));
                return new BackendJson { Json = Interop.TakeString(json), ETag = Interop.TakeString(etag) };
            }));
        }

        internal static bool Delete(ClientHandle client, string targetJson, string ifMatch, CancelHandle cancel)
        {
            return WithHandle(client, c => WithHandle(cancel, k =>
            {
                Interop.Check(N.BackendDelete(c, Interop.ToUtf8(targetJson), Interop.ToUtf8(ifMatch), k, out bool existed));
                return existed;
            }));
        }

        internal static void SetLogLevel(byte level) => N.LogSetLevel(level);

        internal static List<string> DrainLog()
        {
            Interop.Check(N.LogDrain(out IntPtr json));
            var lines = new List<string>();
            foreach (object o in (List<object>)Json.Parse(Interop.TakeString(json)))
            {
                lines.Add((string)o);
            }
            return lines;
        }

        /// <summary>Keeps a handle alive (and un-freed) for the duration of a native call.</summary>
        private static T WithHandle<T>(NativeHandle handle, Func<IntPtr, T> use)
        {
            if (handle == null)
            {
                return use(IntPtr.Zero);
            }
            bool added = false;
            try
            {
                handle.DangerousAddRef(ref added);
                return use(handle.DangerousGetHandle());
            }
            finally
            {
                if (added) handle.DangerousRelease();
            }
        }
    }
}
