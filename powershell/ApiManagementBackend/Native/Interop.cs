using System;
using System.Runtime.InteropServices;
using System.Text;

namespace ApiManagementBackend.Native
{
    /// <summary>Marshalling helpers: UTF-8 in and out, and the one place where native errors
    /// become exceptions (and are freed).</summary>
    internal static class Interop
    {
        /// <summary>Throws <see cref="NativeException"/> for a non-NULL error pointer, freeing it.</summary>
        internal static void Check(IntPtr error)
        {
            if (error == IntPtr.Zero)
            {
                return;
            }
            string json;
            using (var handle = new NativeErrorHandle(error))
            {
                json = PtrToString(NativeMethods.Instance.ErrorJson(handle.DangerousGetHandle()));
            }
            throw NativeException.FromJson(json);
        }

        /// <summary>Copies an owned native string and frees it.</summary>
        internal static string TakeString(IntPtr p)
        {
            if (p == IntPtr.Zero)
            {
                return null;
            }
            try
            {
                return PtrToString(p);
            }
            finally
            {
                NativeMethods.Instance.StringFree(p);
            }
        }

        /// <summary>Copies a borrowed NUL-terminated UTF-8 string (netstandard2.0 has no PtrToStringUTF8).</summary>
        internal static unsafe string PtrToString(IntPtr p)
        {
            if (p == IntPtr.Zero)
            {
                return null;
            }
            byte* start = (byte*)p;
            int length = 0;
            while (start[length] != 0)
            {
                length++;
            }
            return Encoding.UTF8.GetString(start, length);
        }

        /// <summary>NUL-terminated UTF-8 for an input argument; null stays null (NULL).</summary>
        internal static byte[] ToUtf8(string s)
        {
            if (s == null)
            {
                return null;
            }
            byte[] bytes = new byte[Encoding.UTF8.GetByteCount(s) + 1];
            Encoding.UTF8.GetBytes(s, 0, s.Length, bytes, 0);
            return bytes;
        }
    }
}
