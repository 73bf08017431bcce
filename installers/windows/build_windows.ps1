# Builds KlyngeDesk-<version>-setup.exe on Windows from a clean clone: venv with ".[installer]",
# PyInstaller (installers\klyngedesk.spec), the bundled program's selftest, then Inno Setup 6.3+.
# Cannot run on the Linux build machine; reviewed against the PyInstaller 6 and Inno Setup 6 manuals.
#
#   powershell -ExecutionPolicy Bypass -File installers\windows\build_windows.ps1
#   ... -Python "C:\Python311\python.exe" -Iscc "C:\Program Files (x86)\Inno Setup 6\ISCC.exe"
#   ... -SignTool "signtool.exe" -CertThumbprint ABC123...   (optional Authenticode signing)
#
# Unsigned installers work but SmartScreen warns ("Windows protected your PC"); sign both the program
# and the setup with the clinic software vendor's code-signing certificate before handing them out.
param(
    [string]$Python = "py",
    [string]$Iscc = "${env:ProgramFiles(x86)}\Inno Setup 6\ISCC.exe",
    [string]$SignTool = "",
    [string]$CertThumbprint = ""
)
$ErrorActionPreference = "Stop"

function Invoke-Checked([string]$What, [scriptblock]$Command) {
    & $Command
    if ($LASTEXITCODE -ne 0) { throw "$What failed (exit code $LASTEXITCODE)" }
}

function Invoke-Sign([string]$File) {
    if ($SignTool -and $CertThumbprint) {
        Invoke-Checked "signing $File" { & $SignTool sign /sha1 $CertThumbprint /fd SHA256 /td SHA256 /tr "http://timestamp.digicert.com" $File }
    }
}

$Repo = (Resolve-Path (Join-Path $PSScriptRoot "..\..")).Path
$Out = Join-Path $Repo "dist"
$Work = Join-Path $env:TEMP ("klyngedesk-build-" + [guid]::NewGuid().ToString("N"))
New-Item -ItemType Directory -Force -Path $Work, $Out | Out-Null
try {
    Invoke-Checked "git clone" { git clone -q $Repo "$Work\src" }
    if ($Python -eq "py") {
        Invoke-Checked "venv" { py -3 -m venv "$Work\venv" }
    } else {
        Invoke-Checked "venv" { & $Python -m venv "$Work\venv" }
    }
    Invoke-Checked "pip install" { & "$Work\venv\Scripts\python.exe" -m pip install -q --disable-pip-version-check -c "$Work\src\installers\constraints.txt" "$Work\src[installer]" }
    $Version = (& "$Work\venv\Scripts\python.exe" -c "from importlib.metadata import version; print(version('klyngedesk'))").Trim()

    Push-Location "$Work\src"
    try {
        Invoke-Checked "PyInstaller" { & "$Work\venv\Scripts\pyinstaller.exe" --noconfirm --clean --workpath "$Work\build" --distpath "$Work\dist" installers\klyngedesk.spec }
    } finally { Pop-Location }
    $Bundle = "$Work\dist\klyngedesk"

    # The console twin prints the selftest's one line; the windowed KlyngeDesk.exe has no console.
    Invoke-Checked "selftest" { & "$Bundle\klyngedesk-cli.exe" --selftest }
    Invoke-Sign "$Bundle\KlyngeDesk.exe"
    Invoke-Sign "$Bundle\klyngedesk-cli.exe"

    Invoke-Checked "Inno Setup" { & $Iscc "/DAppVersion=$Version" "/DBundleDir=$Bundle" "/O$Out" "$Work\src\installers\windows\klyngedesk.iss" }
    $Setup = Join-Path $Out "KlyngeDesk-$Version-setup.exe"
    Invoke-Sign $Setup
    Write-Host "done: $Setup"
} finally {
    Remove-Item -Recurse -Force $Work -ErrorAction SilentlyContinue
}
