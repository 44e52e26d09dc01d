using System;
using System.Collections.Generic;
using System.IO;
using System.Runtime.InteropServices;

namespace ApiManagementBackend.Native
{
    /// <summary>
    /// Finds and loads the Rust library from the module's own folder
    /// (<c>&lt;module&gt;/runtimes/&lt;rid&gt;/native/</c>, relative to this assembly's location, never
    /// AppContext.BaseDirectory, which is the PowerShell install) and resolves its exports.
    /// Works on .NET Framework and .NET alike, since it does not depend on NativeLibrary.
    /// </summary>
    internal static class NativeLibraryLoader
    {
        internal static string LoadedPath { get; private set; }

        internal static IntPtr Load()
        {
            string assemblyDir = Path.GetDirectoryName(typeof(NativeLibraryLoader).Assembly.Location);
            var tried = new List<string>();
            foreach (string candidate in CandidatePaths(assemblyDir))
            {
                if (!File.Exists(candidate))
                {
                    tried.Add(candidate + " (not found)");
                    continue;
                }
                IntPtr handle = OpenLibrary(candidate, out string failure);
                if (handle != IntPtr.Zero)
                {
                    LoadedPath = candidate;
                    return handle;
                }
                tried.Add(candidate + " (" + failure + ")");
            }
            throw new DllNotFoundException(
                "The native library of module ApiManagementBackend could not be loaded for runtime '" +
                RuntimeIdentifier() + "'. Paths tried: " + string.Join("; ", tried));
        }

        internal static IntPtr Symbol(IntPtr library, string name)
        {
            IntPtr p = IsWindows
                ? Kernel32.GetProcAddress(library, name)
                : LibDl.Sym(library, name);
            if (p == IntPtr.Zero)
            {
                throw new EntryPointNotFoundException(
                    "The native library '" + LoadedPath + "' does not export '" + name +
                    "'; the module and its native library are from different builds.");
            }
            return p;
        }

        private static bool IsWindows => RuntimeInformation.IsOSPlatform(OSPlatform.Windows);
        private static bool IsMacOS => RuntimeInformation.IsOSPlatform(OSPlatform.OSX);

        internal static string RuntimeIdentifier()
        {
            string os = IsWindows ? "win" : IsMacOS ? "osx" : "linux";
            string arch;
            switch (RuntimeInformation.ProcessArchitecture)
            {
                case Architecture.X64: arch = "x64"; break;
                case Architecture.Arm64: arch = "arm64"; break;
                case Architecture.X86: arch = "x86"; break;
                case Architecture.Arm: arch = "arm"; break;
                default: arch = RuntimeInformation.ProcessArchitecture.ToString().ToLowerInvariant(); break;
            }
            return os + "-" + arch;
        }

        private static string FileName =>
            IsWindows ? "apimbackend.dll" : IsMacOS ? "libapimbackend.dylib" : "libapimbackend.so";

        private static IEnumerable<string> CandidatePaths(string assemblyDir)
        {
            yield return Path.Combine(assemblyDir, "runtimes", RuntimeIdentifier(), "native", FileName);
            // A flat layout (library beside the assembly) is what `dotnet build` output has.
            yield return Path.Combine(assemblyDir, FileName);
        }

        private static IntPtr OpenLibrary(string path, out string failure)
        {
            failure = null;
            if (IsWindows)
            {
                IntPtr h = Kernel32.LoadLibraryExW(path, IntPtr.Zero, Kernel32.LOAD_WITH_ALTERED_SEARCH_PATH);
                if (h == IntPtr.Zero)
                {
                    failure = "LoadLibraryEx error " + Marshal.GetLastWin32Error();
                }
                return h;
            }
            IntPtr handle = LibDl.Open(path);
            if (handle == IntPtr.Zero)
            {
                failure = LibDl.LastError() ?? "dlopen failed";
            }
            return handle;
        }

        private static class Kernel32
        {
            internal const uint LOAD_WITH_ALTERED_SEARCH_PATH = 0x00000008;

            [DllImport("kernel32", CharSet = CharSet.Unicode, SetLastError = true)]
            internal static extern IntPtr LoadLibraryExW(string path, IntPtr file, uint flags);

            [DllImport("kernel32", CharSet = CharSet.Ansi, ExactSpelling = true, BestFitMapping = false, ThrowOnUnmappableChar = true)]
            internal static extern IntPtr GetProcAddress(IntPtr module, string name);
        }

        /// <summary>dlopen lives in libdl.so.2 on glibc (a stub since 2.34, still present) and in
        /// libSystem on macOS; musl has it in libc.</summary>
        private static class LibDl
        {
            private const int RTLD_NOW = 2;

            internal static IntPtr Open(string path)
            {
                try { return Glibc.dlopen(path, RTLD_NOW); }
                catch (DllNotFoundException) { return Libc.dlopen(path, RTLD_NOW); }
            }

            internal static IntPtr Sym(IntPtr handle, string name)
            {
                try { return Glibc.dlsym(handle, name); }
                catch (DllNotFoundException) { return Libc.dlsym(handle, name); }
            }

            internal static string LastError()
            {
                IntPtr p;
                try { p = Glibc.dlerror(); }
                catch (DllNotFoundException) { p = Libc.dlerror(); }
                return p == IntPtr.Zero ? null : Marshal.PtrToStringAnsi(p);
            }

            private static class Glibc
            {
                [DllImport("libdl.so.2")] internal static extern IntPtr dlopen(string path, int flags);
                [DllImport("libdl.so.2")] internal static extern IntPtr dlsym(IntPtr handle, string name);
                [DllImport("libdl.so.2")] internal static extern IntPtr dlerror();
            }

            private static class Libc
            {
                [DllImport("libc")] internal static extern IntPtr dlopen(string path, int flags);
                [DllImport("libc")] internal static extern IntPtr dlsym(IntPtr handle, string name);
                [DllImport("libc")] internal static extern IntPtr dlerror();
            }
        }
    }
}
