using System.Collections.Generic;
using System.Management.Automation;
using ApiManagementBackend.Native;

namespace ApiManagementBackend.Cmdlets
{
    /// <summary>
    /// Reports which native library the module loaded and what it was built from. Useful in bug
    /// reports, and the first proof that the module reaches its Rust core.
    /// </summary>
    [Cmdlet(VerbsCommon.Get, "AzApiManagementBackendLibraryInfo")]
    [OutputType(typeof(PSObject))]
    public sealed class GetLibraryInfoCommand : PSCmdlet
    {
        protected override void EndProcessing()
        {
            Dictionary<string, object> info = NativeApi.VersionInfo();
            var result = new PSObject();
            result.TypeNames.Insert(0, "ApiManagementBackend.LibraryInfo");
            result.Properties.Add(new PSNoteProperty("Name", info["name"]));
            result.Properties.Add(new PSNoteProperty("Version", info["version"]));
            result.Properties.Add(new PSNoteProperty("AbiVersion", info["abiVersion"]));
            result.Properties.Add(new PSNoteProperty("DefaultApiVersion", info["defaultApiVersion"]));
            result.Properties.Add(new PSNoteProperty("Rustc", info["rustc"]));
            result.Properties.Add(new PSNoteProperty("Target", info["target"]));
            result.Properties.Add(new PSNoteProperty("Profile", info["profile"]));
            result.Properties.Add(new PSNoteProperty("RuntimeIdentifier", NativeLibraryLoader.RuntimeIdentifier()));
            result.Properties.Add(new PSNoteProperty("LibraryPath", NativeLibraryLoader.LoadedPath));
            WriteObject(result);
        }
    }
}
