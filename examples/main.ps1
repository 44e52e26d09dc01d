# The main job: update a backend with Set-AzApiManagementBackend, as in Az's help examples.
# `./build.sh run` runs this against the built-in emulator (it sets APIM_BACKEND_ENDPOINT,
# APIM_BACKEND_CA_FILE, AZURE_SUBSCRIPTION_ID and APIM_BACKEND_ACCESS_TOKEN). Against Azure, set
# AZURE_SUBSCRIPTION_ID and sign in (Connect-AzAccount, az login or a service principal) instead,
# and use a test backend: the examples change its description, URL and title. See README.md.
[CmdletBinding(SupportsShouldProcess)]   # -WhatIf shows what would be sent and sends nothing
param(
    [string] $ResourceGroupName = 'rg1',
    [string] $ServiceName = 'apim1',
    [string] $BackendId = '123'
)

$apimContext = New-AzApiManagementContext -ResourceGroupName $ResourceGroupName -ServiceName $ServiceName

if ($env:APIM_BACKEND_ENDPOINT) {
    # Seed the emulator with the backend the examples update.
    $null = New-AzApiManagementBackend -Context $apimContext -BackendId $BackendId -Url 'https://contoso.com/awesomeapi' -Protocol http -Title 'first backend' -WhatIf:$false
}

'== Example 1: change the description of a backend'
# -Verbose prints the PATCH body sent (secrets redacted) and where the connection came from.
Set-AzApiManagementBackend -Context $apimContext -BackendId $BackendId -Description 'updated description' -PassThru -Verbose

'== Example 2: update a backend via the pipeline'
Get-AzApiManagementBackend -Context $apimContext -BackendId $BackendId |
    Set-AzApiManagementBackend -Url 'https://contoso.com/awesomeapi/v2' -Title 'second backend' -PassThru -Verbose

'== What the service holds now'
$backend = Get-AzApiManagementBackend -Context $apimContext -BackendId $BackendId
$backend
"ETag: $($backend.ETag)"
