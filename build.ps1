<#
.SYNOPSIS
    Builds, runs or tests the project from PowerShell 7+ (the same steps as build.sh).
.EXAMPLE
    ./build.ps1 -Task Run     # build, then run examples/main.ps1 in this pwsh session's engine
.EXAMPLE
    ./build.ps1 -Task Test    # every test (delegates to build.sh, which needs bash)
#>
[CmdletBinding()]
param(
    [ValidateSet('Build', 'Run', 'Test')]
    [string] $Task = 'Build',
    [ValidateSet('debug', 'release')]
    [string] $Profile = 'debug'
)
$ErrorActionPreference = 'Stop'
Set-Location $PSScriptRoot
$env:APIMB_PROFILE = $Profile

function Invoke-Step([string] $Name, [scriptblock] $Action) {
    Write-Host "==> $Name" -ForegroundColor Cyan
    & $Action
    if ($LASTEXITCODE) { throw "$Name failed with exit code $LASTEXITCODE" }
}

if ($Task -eq 'Test') {
    if (-not (Get-Command bash -ErrorAction SilentlyContinue)) { throw 'The test task needs bash (Git Bash or WSL on Windows).' }
    Invoke-Step 'build.sh test' { bash ./build.sh test }
    return
}

Invoke-Step 'build.sh build' { bash ./build.sh build }
if ($Task -eq 'Run') {
    # In real pwsh the module is imported straight into a child session of this engine.
    Invoke-Step 'examples/main.ps1' { pwsh -NoProfile -Command "Import-Module '$PSScriptRoot/out/module/ApiManagementBackend'; & '$PSScriptRoot/examples/main.ps1'" }
}
