# The main job (for now): show which native library the module loaded.
Get-AzApiManagementBackendLibraryInfo 
