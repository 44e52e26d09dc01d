using System;
using System.Collections.Generic;

namespace ApiManagementBackend.Native
{
    /// <summary>The native library's operations with managed types: strings in, parsed JSON
    /// out, <see cref="NativeException"/> on failure.</summary>
    internal static class NativeApi
    {
        internal static Dictionary<string, object> VersionInfo()
        {
            NativeMethods n = NativeMethods.Instance;
            Interop.Check(n.VersionInfo(out IntPtr json));
            return (Dictionary<string, object>)Json.Parse(Interop.TakeString(json));
        }
    }
}
