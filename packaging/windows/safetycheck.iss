; Inno Setup script for the Windows installer.  Built by CI (.github/workflows/build.yml):
;   iscc /DAppVersion=0.1.0 /DSourceDir=..\..\dist\safetycheck packaging\windows\safetycheck.iss
; Not run on the development machine (Linux): see docs/packaging.md.
;
; Installs for the current user only (no administrator needed on an office laptop), into
; %LOCALAPPDATA%\Programs\SafetyCheck.  No desktop icon unless asked: a plain Start-menu entry
; is less visible on a shared computer.  Uninstalling never deletes cases.

#ifndef AppVersion
  #define AppVersion "0.0.0"
#endif
#ifndef SourceDir
  #define SourceDir "..\..\dist\safetycheck"
#endif

[Setup]
AppId={{6C7B3E52-8F0A-4C55-9E2B-5A7D1F3C9B41}
AppName=SafetyCheck
AppVersion={#AppVersion}
AppPublisher=SafetyCheck project
DefaultDirName={autopf}\SafetyCheck
DefaultGroupName=SafetyCheck
DisableProgramGroupPage=yes
PrivilegesRequired=lowest
PrivilegesRequiredOverridesAllowed=dialog
ArchitecturesAllowed=x64compatible
ArchitecturesInstallIn64BitMode=x64compatible
OutputDir=..\..\dist
OutputBaseFilename=safetycheck-{#AppVersion}-windows-x64-setup
SetupIconFile=..\..\assets\icons\safetycheck.ico
UninstallDisplayIcon={app}\SafetyCheck.exe
Compression=lzma2/max
SolidCompression=yes
WizardStyle=modern
CloseApplications=yes

[Languages]
Name: "english"; MessagesFile: "compiler:Default.isl"

[Tasks]
Name: "desktopicon"; Description: "Put a SafetyCheck icon on the desktop"; Flags: unchecked

[Files]
Source: "{#SourceDir}\*"; DestDir: "{app}"; Flags: ignoreversion recursesubdirs createallsubdirs

; An installed copy is never portable, whatever was in the folder it was built from.
[InstallDelete]
Type: files; Name: "{app}\portable"
Type: files; Name: "{app}\portable.txt"

[Icons]
Name: "{autoprograms}\SafetyCheck"; Filename: "{app}\SafetyCheck.exe"
Name: "{autodesktop}\SafetyCheck"; Filename: "{app}\SafetyCheck.exe"; Tasks: desktopicon

[Run]
Filename: "{app}\SafetyCheck.exe"; Description: "Open SafetyCheck now"; Flags: nowait postinstall skipifsilent unchecked
