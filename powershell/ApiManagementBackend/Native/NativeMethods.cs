using System;
using System.Runtime.InteropServices;

namespace ApiManagementBackend.Native
{
    /// <summary>
    /// Typed entry points of include/apimbackend.h, resolved once from the library that
    /// <see cref="NativeLibraryLoader"/> loaded. Only this class and <see cref="Interop"/> touch raw
    /// pointers; everything above works with managed types and exceptions.
    /// </summary>
    internal sealed class NativeMethods
    {
        /// <summary>The ABI version these bindings were written for (APIMB_ABI_VERSION).</summary>
        internal const uint ExpectedAbiVersion = 1;

        [UnmanagedFunctionPointer(CallingConvention.Cdecl)] internal delegate uint AbiVersionFn();
        [UnmanagedFunctionPointer(CallingConvention.Cdecl)] internal delegate IntPtr VersionInfoFn(out IntPtr json);
        [UnmanagedFunctionPointer(CallingConvention.Cdecl)] internal delegate void FreeFn(IntPtr p);
        [UnmanagedFunctionPointer(CallingConvention.Cdecl)] internal delegate int ErrorKindFn(IntPtr err);
        [UnmanagedFunctionPointer(CallingConvention.Cdecl)] internal delegate ushort ErrorStatusFn(IntPtr err);
        [UnmanagedFunctionPointer(CallingConvention.Cdecl)] internal delegate IntPtr ErrorStringFn(IntPtr err);

        internal readonly AbiVersionFn AbiVersion;
        internal readonly VersionInfoFn VersionInfo;
        internal readonly FreeFn StringFree;
        internal readonly FreeFn ErrorFree;
        internal readonly ErrorKindFn ErrorKind;
        internal readonly ErrorStatusFn ErrorHttpStatus;
        internal readonly ErrorStringFn ErrorCode;
        internal readonly ErrorStringFn ErrorMessage;
        internal readonly ErrorStringFn ErrorField;
        internal readonly ErrorStringFn ErrorArmCode;
        internal readonly ErrorStringFn ErrorRequestId;
        internal readonly ErrorStringFn ErrorJson;

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
            VersionInfo = Bind<VersionInfoFn>(lib, "apimb_version_info");
            StringFree = Bind<FreeFn>(lib, "apimb_string_free");
            ErrorFree = Bind<FreeFn>(lib, "apimb_error_free");
            ErrorKind = Bind<ErrorKindFn>(lib, "apimb_error_kind");
            ErrorHttpStatus = Bind<ErrorStatusFn>(lib, "apimb_error_http_status");
            ErrorCode = Bind<ErrorStringFn>(lib, "apimb_error_code");
            ErrorMessage = Bind<ErrorStringFn>(lib, "apimb_error_message");
            ErrorField = Bind<ErrorStringFn>(lib, "apimb_error_field");
            ErrorArmCode = Bind<ErrorStringFn>(lib, "apimb_error_arm_code");
            ErrorRequestId = Bind<ErrorStringFn>(lib, "apimb_error_request_id");
            ErrorJson = Bind<ErrorStringFn>(lib, "apimb_error_json");
        }

        private static T Bind<T>(IntPtr lib, string name) where T : Delegate =>
            (T)Marshal.GetDelegateForFunctionPointer(NativeLibraryLoader.Symbol(lib, name), typeof(T));
    }
}
