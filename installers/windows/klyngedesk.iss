; KlyngeDesk installer for Windows (Inno Setup 6.3 or later; this file is UTF-8, which 6.3 reads without a BOM).
;
; A GP installs it without admin rights: PrivilegesRequired=lowest installs for the current user into
; %LOCALAPPDATA%\Programs\KlyngeDesk with a start-menu entry and the .klynge file association under
; HKEY_CURRENT_USER. Clinic IT installs for all users, silently, with the override:
;
;   KlyngeDesk-<version>-setup.exe /ALLUSERS /VERYSILENT /SUPPRESSMSGBOXES /NORESTART /LOG="%TEMP%\klyngedesk-setup.log"
;   "%ProgramFiles%\KlyngeDesk\klyngedesk-cli.exe" --selftest      (one line, exit code 0 = working)
;
; Build (on Windows, after PyInstaller made dist\klyngedesk): installers\windows\build_windows.ps1, or
;   iscc /DAppVersion=0.1.0 installers\windows\klyngedesk.iss
; Reviewed against the Inno Setup 6 help ([Setup] PrivilegesRequired, PrivilegesRequiredOverridesAllowed,
; ChangesAssociations, "auto" constants, HKA root); it cannot be compiled on the Linux build machine.

#ifndef AppVersion
  #define AppVersion "0.0.0"
#endif
#ifndef BundleDir
  #define BundleDir "..\..\dist\klyngedesk"
#endif
#define AppName "KlyngeDesk"
#define AppExe "KlyngeDesk.exe"
#define ProgId "KlyngeDesk.Project"

[Setup]
; AppId identifies the program for upgrades and uninstall: never change it.
AppId={{FC40B651-ABDC-4699-84AF-D2C4E046E6BD}
AppName={#AppName}
AppVersion={#AppVersion}
AppVerName={#AppName} {#AppVersion}
AppPublisher=KlyngeDesk
VersionInfoVersion={#AppVersion}
; Per-user by default, no elevation; /ALLUSERS on the command line (or the dialog) installs for everyone.
PrivilegesRequired=lowest
PrivilegesRequiredOverridesAllowed=commandline dialog
; {autopf}: %LOCALAPPDATA%\Programs per user, Program Files for all users.
DefaultDirName={autopf}\{#AppName}
DisableProgramGroupPage=yes
DisableDirPage=auto
ArchitecturesAllowed=x64compatible
ArchitecturesInstallIn64BitMode=x64compatible
MinVersion=10.0
ChangesAssociations=yes
; Close a running KlyngeDesk (Restart Manager) before replacing its files on upgrade.
CloseApplications=yes
RestartApplications=no
SetupIconFile=..\..\resources\icons\klyngedesk.ico
UninstallDisplayIcon={app}\{#AppExe}
UninstallDisplayName={#AppName}
WizardStyle=modern
ShowLanguageDialog=auto
Compression=lzma2/max
SolidCompression=yes
OutputDir=..\..\dist
OutputBaseFilename=KlyngeDesk-{#AppVersion}-setup

[Languages]
Name: "danish"; MessagesFile: "compiler:Languages\Danish.isl"
Name: "english"; MessagesFile: "compiler:Default.isl"

[CustomMessages]
danish.ProjectFileType=KlyngeDesk-projekt
english.ProjectFileType=KlyngeDesk project
danish.AssociateFiles=Åbn .klynge-projektfiler med KlyngeDesk
english.AssociateFiles=Open .klynge project files with KlyngeDesk

[Tasks]
Name: "desktopicon"; Description: "{cm:CreateDesktopIcon}"; GroupDescription: "{cm:AdditionalIcons}"; Flags: unchecked
Name: "associate"; Description: "{cm:AssociateFiles}"

[Files]
; The whole PyInstaller one-folder bundle: KlyngeDesk.exe (window), klyngedesk-cli.exe (console) and _internal\.
Source: "{#BundleDir}\*"; DestDir: "{app}"; Flags: ignoreversion recursesubdirs createallsubdirs

[InstallDelete]
; A previous version's library folder is replaced whole, so no stale module survives an upgrade.
Type: filesandordirs; Name: "{app}\_internal"

[Icons]
Name: "{autoprograms}\{#AppName}"; Filename: "{app}\{#AppExe}"; Comment: "{cm:ProjectFileType}"
Name: "{autodesktop}\{#AppName}"; Filename: "{app}\{#AppExe}"; Tasks: desktopicon

[Registry]
; .klynge file association; HKA = HKCU for a per-user install, HKLM for /ALLUSERS.
Root: HKA; Subkey: "Software\Classes\.klynge\OpenWithProgids"; ValueType: string; ValueName: "{#ProgId}"; ValueData: ""; Flags: uninsdeletevalue; Tasks: associate
Root: HKA; Subkey: "Software\Classes\{#ProgId}"; ValueType: string; ValueName: ""; ValueData: "{cm:ProjectFileType}"; Flags: uninsdeletekey; Tasks: associate
Root: HKA; Subkey: "Software\Classes\{#ProgId}\DefaultIcon"; ValueType: string; ValueName: ""; ValueData: "{app}\{#AppExe},0"; Tasks: associate
Root: HKA; Subkey: "Software\Classes\{#ProgId}\shell\open\command"; ValueType: string; ValueName: ""; ValueData: """{app}\{#AppExe}"" ""%1"""; Tasks: associate
Root: HKA; Subkey: "Software\Classes\Applications\{#AppExe}\SupportedTypes"; ValueType: string; ValueName: ".klynge"; ValueData: ""; Flags: uninsdeletekey; Tasks: associate

[Run]
Filename: "{app}\{#AppExe}"; Description: "{cm:LaunchProgram,{#AppName}}"; Flags: nowait postinstall skipifsilent

; Uninstall removes only what Setup installed ({app}, the shortcuts and the registry keys above).
; There is deliberately no [UninstallDelete] section: the coordinator's project files (*.klynge, kept
; wherever they were saved, never in {app}), their backups, settings and the log stay on the PC.
