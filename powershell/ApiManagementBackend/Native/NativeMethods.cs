using System;
using System.Runtime.InteropServices;

namespace ApiManagementBackend.Native
{
    /// <summary>
    /// Typed entry points of include/apimbackend.h, resolved once from the library that
    /// <see cref="NativeLibraryLoader"/> loaded. Only this class, the handles and
    /// <see cref="Interop"/> touch raw pointers; everything above works with managed types.
    /// Strings go in as NUL-terminated UTF-8 byte arrays (pinned by the marshaller).
    /// </summary>
    internal sealed class NativeMethods
    {
        /// <summary>The ABI version these bindings were written for (APIMB_ABI_VERSION).</summary>
        internal const uint ExpectedAbiVersion = 1;

        [UnmanagedFunctionPointer(CallingConvention.Cdecl)] internal delegate uint AbiVersionFn();
        [UnmanagedFunctionPointer(CallingConvention.Cdecl)] internal delegate IntPtr OutStringFn(out IntPtr json);
        [UnmanagedFunctionPointer(CallingConvention.Cdecl)] internal delegate void FreeFn(IntPtr p);
        [UnmanagedFunctionPointer(CallingConvention.Cdecl)] internal delegate IntPtr ErrorStringFn(IntPtr err);
        [UnmanagedFunctionPointer(CallingConvention.Cdecl)] internal delegate IntPtr BuildFn(byte[] json, out IntPtr handle);
        [UnmanagedFunctionPointer(CallingConvention.Cdecl)] internal delegate IntPtr HandleOutStringFn(IntPtr handle, out IntPtr json);
        [UnmanagedFunctionPointer(CallingConvention.Cdecl)] internal delegate IntPtr TargetValidateFn(byte[] target, out IntPtr path);
        [UnmanagedFunctionPointer(CallingConvention.Cdecl)] internal delegate IntPtr NewFn();
        [UnmanagedFunctionPointer(CallingConvention.Cdecl)] internal delegate void LogLevelFn(byte level);
        [UnmanagedFunctionPointer(CallingConvention.Cdecl)]
        internal delegate IntPtr UpdateFn(IntPtr client, byte[] target, IntPtr patch, byte[] ifMatch, IntPtr cancel, out IntPtr json, out IntPtr etag);
        [UnmanagedFunctionPointer(CallingConvention.Cdecl)]
        internal delegate IntPtr GetFn(IntPtr client, byte[] target, IntPtr cancel, out IntPtr json, out IntPtr etag);
        [UnmanagedFunctionPointer(CallingConvention.Cdecl)]
        internal delegate IntPtr ListFn(IntPtr client, byte[] target, IntPtr cancel, out IntPtr json);
        [UnmanagedFunctionPointer(CallingConvention.Cdecl)]
        internal delegate IntPtr PutFn(IntPtr client, byte[] target, byte[] body, byte[] ifMatch, IntPtr cancel, out IntPtr json, out IntPtr etag);
        [UnmanagedFunctionPointer(CallingConvention.Cdecl)]
        internal delegate IntPtr DeleteFn(IntPtr client, byte[] target, byte[] ifMatch, IntPtr cancel, [MarshalAs(UnmanagedType.I1)] out bool existed);

        internal readonly AbiVersionFn AbiVersion;
        internal readonly OutStringFn VersionInfo;
        internal readonly FreeFn StringFree;
        internal readonly FreeFn ErrorFree;
        internal readonly ErrorStringFn ErrorJson;
        internal readonly BuildFn PatchBuild;
        internal readonly BuildFn PatchBuildAz;
        internal readonly HandleOutStringFn PatchPreview;
        internal readonly FreeFn PatchFree;
        internal readonly TargetValidateFn TargetValidate;
        internal readonly BuildFn ClientNew;
        internal readonly HandleOutStringFn ClientStats;
        internal readonly FreeFn ClientFree;
        internal readonly NewFn CancelNew;
        internal readonly FreeFn CancelTrigger;
        internal readonly FreeFn CancelFree;
        internal readonly UpdateFn BackendUpdate;
        internal readonly GetFn BackendGet;
        internal readonly ListFn BackendList;
        internal readonly PutFn BackendPut;
        internal readonly UpdateFn BackendCreate;
        internal readonly DeleteFn BackendDelete;
        internal readonly LogLevelFn LogSetLevel;
        internal readonly OutStringFn LogDrain;

        private static readonly Lazy<NativeMethods> s_instance =
            new Lazy<NativeMethods>(() => new NativeMethods(NativeLibraryLoader.Load()));

        /// <summary>The bound library; loading happens on first use, not at Import-Module.</summary>
        internal static NativeMethods Instance => s_instance.Value;

        private NativeMethods(IntPtr lib)
        {
            AbiVersion = Bind<AbiVersionFn>(lib, "apimb_abi_version");
            uint actual = AbiVersion();
            if (actual != ExpectedAbiVersion)
            {
                throw new InvalidOperationException(
                    "The native library '" + NativeLibraryLoader.LoadedPath + "' has ABI version " + actual +
                    " but this module needs " + ExpectedAbiVersion + "; reinstall the module.");
            }
            VersionInfo = Bind<OutStringFn>(lib, "apimb_version_info");
            StringFree = Bind<FreeFn>(lib, "apimb_string_free");
            ErrorFree = Bind<FreeFn>(lib, "apimb_error_free");
            ErrorJson = Bind<ErrorStringFn>(lib, "apimb_error_json");
            PatchBuild = Bind<BuildFn>(lib, "apimb_patch_build");
            PatchBuildAz = Bind<BuildFn>(lib, "apimb_patch_build_az");
            PatchPreview = Bind<HandleOutStringFn>(lib, "apimb_patch_preview");
            PatchFree = Bind<FreeFn>(lib, "apimb_patch_free");
            TargetValidate = Bind<TargetValidateFn>(lib, "apimb_target_validate");
            ClientNew = Bind<BuildFn>(lib, "apimb_client_new");
            ClientStats = Bind<HandleOutStringFn>(lib, "apimb_client_stats");
            ClientFree = Bind<FreeFn>(lib, "apimb_client_free");
            CancelNew = Bind<NewFn>(lib, "apimb_cancel_new");
            CancelTrigger = Bind<FreeFn>(lib, "apimb_cancel_trigger");
            CancelFree = Bind<FreeFn>(lib, "apimb_cancel_free");
            BackendUpdate = Bind<UpdateFn>(lib, "apimb_backend_update");
            BackendGet = Bind<GetFn>(lib, "apimb_backend_get");
            BackendList = Bind<ListFn>(lib, "apimb_backend_list");
            BackendPut = Bind<PutFn>(lib, "apimb_backend_put");
            BackendCreate = Bind<UpdateFn>(lib, "apimb_backend_create");
            BackendDelete = Bind<DeleteFn>(lib, "apimb_backend_delete");
            LogSetLevel = Bind<LogLevelFn>(lib, "apimb_log_set_level");
            LogDrain = Bind<OutStringFn>(lib, "apimb_log_drain");
        }

        private static T Bind<T>(IntPtr lib, string name) where T : Delegate =>
            (T)Marshal.GetDelegateForFunctionPointer(NativeLibraryLoader.Symbol(lib, name), typeof(T));
    }
}
