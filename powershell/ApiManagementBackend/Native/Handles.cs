using System;
using System.Runtime.InteropServices;

namespace ApiManagementBackend.Native
{
    /// <summary>Base for the native objects: each is released exactly once by its *_free.</summary>
    internal abstract class NativeHandle : SafeHandle
    {
        protected NativeHandle() : base(IntPtr.Zero, ownsHandle: true) { }
        public override bool IsInvalid => handle == IntPtr.Zero;
        internal void Adopt(IntPtr p) => SetHandle(p);
    }

    /// <summary>An error object returned by a fallible call.</summary>
    internal sealed class NativeErrorHandle : NativeHandle
    {
        internal NativeErrorHandle(IntPtr p) => Adopt(p);
        protected override bool ReleaseHandle() { NativeMethods.Instance.ErrorFree(handle); return true; }
    }

    /// <summary>A validated PATCH body (apimb_patch).</summary>
    internal sealed class PatchHandle : NativeHandle
    {
        protected override bool ReleaseHandle() { NativeMethods.Instance.PatchFree(handle); return true; }
    }

    /// <summary>A connection to Resource Manager (apimb_client); thread-safe natively.</summary>
    internal sealed class ClientHandle : NativeHandle
    {
        protected override bool ReleaseHandle() { NativeMethods.Instance.ClientFree(handle); return true; }
    }

    /// <summary>A cancellation token (apimb_cancel); Trigger may be called from any thread.</summary>
    internal sealed class CancelHandle : NativeHandle
    {
        internal static CancelHandle Create()
        {
            var h = new CancelHandle();
            h.Adopt(NativeMethods.Instance.CancelNew());
            return h;
        }

        internal void Trigger()
        {
            bool added = false;
            try
            {
                DangerousAddRef(ref added);
                NativeMethods.Instance.CancelTrigger(handle);
            }
            catch (ObjectDisposedException)
            {
                // Already released: nothing left to cancel.
            }
            finally
            {
                if (added) DangerousRelease();
            }
        }

        protected override bool ReleaseHandle() { NativeMethods.Instance.CancelFree(handle); return true; }
    }
}
