@{
    RootModule           = 'ApiManagementBackend.dll'
    ModuleVersion        = '0.1.0'
    GUID                 = '6c2f0f43-4d8e-4a57-9a5e-2f1f6a3d9b10'
    Author               = 'ApiManagementBackend contributors'
    CompanyName          = 'ApiManagementBackend contributors'
    Copyright            = '(c) ApiManagementBackend contributors. MIT License.'
    Description          = 'Drop-in Set-AzApiManagementBackend (Az.ApiManagement) for API Management backends, ARM api-version 2024-05-01, with its logic in a native Rust library.'
    CompatiblePSEditions = @('Core', 'Desktop')
    PowerShellVersion    = '5.1'
    FormatsToProcess     = @('ApiManagementBackend.format.ps1xml')
    CmdletsToExport      = @(
        'Set-AzApiManagementBackend'
        'Get-AzApiManagementBackend'
        'New-AzApiManagementBackend'
        'Remove-AzApiManagementBackend'
        'New-AzApiManagementContext'
        'New-AzApiManagementBackendCredential'
        'New-AzApiManagementBackendProxy'
        'New-AzApiManagementBackendServiceFabric'
        'New-AzApiManagementBackendPoolMember'
        'New-AzApiManagementBackendCircuitBreakerRule'
        'Get-AzApiManagementBackendLibraryInfo'
    )
    FunctionsToExport    = @()
    AliasesToExport      = @()
    VariablesToExport    = @()
    PrivateData          = @{
        PSData = @{
            Tags       = @('Azure', 'ApiManagement', 'APIM', 'Backend', 'PSEdition_Core', 'PSEdition_Desktop')
            LicenseUri = 'https://opensource.org/licenses/MIT'
        }
    }
}
