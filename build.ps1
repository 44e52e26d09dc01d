<#
.SYNOPSIS
    Builds, runs or tests the project from PowerShell (pwsh 7.2+), on Windows, Linux or macOS.
.DESCRIPTION
    Build: the native library and emulator (cargo), the module folder out/module/ApiManagementBackend
    (manifest, format data, help, netstandard2.0 assembly, runtimes/<rid>/native/<library>) and the
    console host. Run: Build, then examples/main.ps1 against the built-in emulator. Test: every test
    (delegates to build.sh, which needs bash, gcc and valgrind for the C ABI layer).
    Uses only Microsoft.PowerShell.Core and .NET, so it also runs in a bare hosted engine.
.EXAMPLE
    ./build.ps1 -Task Run
.EXAMPLE
    ./build.ps1 -Task Build -Configuration release
#>
[CmdletBinding()]
param(
    [ValidateSet('Build', 'Run', 'Test')]
    [string] $Task = 'Build',
    [ValidateSet('debug', 'release')]
    [string] $Configuration = 'debug'
)
$ErrorActionPreference = 'Stop'
$root = $PSScriptRoot
$env:APIMB_PROFILE = $Configuration

function Write-Step([string] $Text) { $Host.UI.WriteLine("==> $Text") }

function Invoke-Native([string] $Name, [string[]] $Arguments) {
    Write-Step "$Name $($Arguments -join ' ')"
    # Tools such as cargo report progress on stderr: show it as text; the exit code decides.
    $ErrorActionPreference = 'Continue'
    & $Name @Arguments 2>&1 | ForEach-Object { $Host.UI.WriteLine("$_") }
    if ($LASTEXITCODE) { throw "$Name failed with exit code $LASTEXITCODE" }
}

$isWin = [System.Runtime.InteropServices.RuntimeInformation]::IsOSPlatform([System.Runtime.InteropServices.OSPlatform]::Windows)
$isMac = [System.Runtime.InteropServices.RuntimeInformation]::IsOSPlatform([System.Runtime.InteropServices.OSPlatform]::OSX)
$os = if ($isWin) { 'win' } elseif ($isMac) { 'osx' } else { 'linux' }
$arch = switch ([System.Runtime.InteropServices.RuntimeInformation]::ProcessArchitecture.ToString()) { 'X64' { 'x64' } 'Arm64' { 'arm64' } default { $_.ToLowerInvariant() } }
$rid = "$os-$arch"
$nativeFile = if ($isWin) { 'apimbackend.dll' } elseif ($isMac) { 'libapimbackend.dylib' } else { 'libapimbackend.so' }
$exe = if ($isWin) { '.exe' } else { '' }
$targetDir = if ($env:CARGO_TARGET_DIR) { $env:CARGO_TARGET_DIR } else { [System.IO.Path]::Combine($root, 'target') }
$nativeDir = [System.IO.Path]::Combine($targetDir, $Configuration)
$moduleDir = [System.IO.Path]::Combine($root, 'out', 'module', 'ApiManagementBackend')

if ($Task -eq 'Test') {
    Invoke-Native 'bash' @([System.IO.Path]::Combine($root, 'build.sh'), 'test')
    return
}

# Absolute paths throughout: Push-Location is not in a bare engine, and the caller's location may be anywhere.
function Join([string[]] $Parts) { [System.IO.Path]::Combine([string[]](@($root) + $Parts)) }
& {
    $cargoArgs = @('build', '--workspace', '--manifest-path', (Join 'Cargo.toml'))
    if ($Configuration -eq 'release') { $cargoArgs += '--release' }
    Invoke-Native 'cargo' $cargoArgs
    Invoke-Native 'dotnet' @('build', (Join 'powershell', 'ApiManagementBackend'), '-c', 'Release', '-nologo', '-v', 'quiet', '-warnaserror')

    Write-Step "assemble $moduleDir"
    $src = [System.IO.Path]::Combine($root, 'powershell', 'ApiManagementBackend')
    $bin = [System.IO.Path]::Combine($root, 'target', 'dotnet', 'bin', 'ApiManagementBackend', 'Release', 'netstandard2.0')
    if ([System.IO.Directory]::Exists($moduleDir)) { [System.IO.Directory]::Delete($moduleDir, $true) }
    $nativeOut = [System.IO.Path]::Combine($moduleDir, 'runtimes', $rid, 'native')
    $null = [System.IO.Directory]::CreateDirectory($nativeOut)
    $null = [System.IO.Directory]::CreateDirectory([System.IO.Path]::Combine($moduleDir, 'en-US'))
    foreach ($file in 'ApiManagementBackend.psd1', 'ApiManagementBackend.format.ps1xml') {
        [System.IO.File]::Copy([System.IO.Path]::Combine($src, $file), [System.IO.Path]::Combine($moduleDir, $file))
    }
    [System.IO.File]::Copy([System.IO.Path]::Combine($src, 'en-US', 'ApiManagementBackend.dll-Help.xml'), [System.IO.Path]::Combine($moduleDir, 'en-US', 'ApiManagementBackend.dll-Help.xml'))
    [System.IO.File]::Copy([System.IO.Path]::Combine($bin, 'ApiManagementBackend.dll'), [System.IO.Path]::Combine($moduleDir, 'ApiManagementBackend.dll'))
    [System.IO.File]::Copy([System.IO.Path]::Combine($nativeDir, $nativeFile), [System.IO.Path]::Combine($nativeOut, $nativeFile))

    Invoke-Native 'dotnet' @('build', (Join 'powershell', 'Host'), '-c', 'Release', '-nologo', '-v', 'quiet', '-warnaserror', '-o', (Join 'out', 'host'))

    if ($Task -eq 'Run') {
        Invoke-Native 'dotnet' @([System.IO.Path]::Combine($root, 'out', 'host', 'apimhost.dll'), '--module', $moduleDir,
            '--emulator', [System.IO.Path]::Combine($nativeDir, "apim-emulator$exe"), [System.IO.Path]::Combine($root, 'examples', 'main.ps1'))
    }
}
