; Inno Setup 6 script for Wenan Studio: a per-user install that needs no administrator rights.
;
;   iscc /DAppVersion=0.1.0 /DFlavour=cpu /DSourceDir=..\..\dist\wenan-studio packaging\windows\wenan.iss
;
; The CI workflow (.github/workflows/package.yml) passes the version from pyproject.toml and
; writes dist\WenanStudio-<version>-windows-x64[-cuda]-setup.exe. Build the bundle first with
; PyInstaller on Windows (packaging/README.md).

#ifndef AppVersion
  #error Pass the version: iscc /DAppVersion=X.Y.Z
#endif
#ifndef Flavour
  #define Flavour "cpu"
#endif
#ifndef SourceDir
  #if Flavour == "cuda"
    #define SourceDir "..\..\dist\wenan-studio-cuda"
  #else
    #define SourceDir "..\..\dist\wenan-studio"
  #endif
#endif
#if Flavour == "cuda"
  #define Suffix "-cuda"
#else
  #define Suffix ""
#endif
; Chinese (Simplified) is an official Inno Setup translation only in recent releases; older
; ones keep it in the unofficial set, which the workflow then downloads beside this script.
#if FileExists(AddBackslash(CompilerPath) + "Languages\ChineseSimplified.isl")
  #define ChineseIsl "compiler:Languages\ChineseSimplified.isl"
#elif FileExists(AddBackslash(SourcePath) + "ChineseSimplified.isl")
  #define ChineseIsl "ChineseSimplified.isl"
#else
  #pragma message "ChineseSimplified.isl not found: this installer speaks English only"
#endif

[Setup]
; One AppId for both flavours: installing the CUDA build replaces the CPU build, and back.
AppId={{6E0C2E71-4B8E-4C0B-9B7A-2F3C1E5A9D10}
AppName=Wenan Studio
AppVerName=Wenan Studio {#AppVersion}
AppVersion={#AppVersion}
AppPublisher=Wenan Studio
VersionInfoVersion={#AppVersion}
; Per user, no UAC prompt: shop computers are often locked down. {autopf} is then
; %LOCALAPPDATA%\Programs, the per-user Program Files.
PrivilegesRequired=lowest
PrivilegesRequiredOverridesAllowed=dialog
DefaultDirName={autopf}\Wenan Studio
DefaultGroupName=Wenan Studio
DisableProgramGroupPage=yes
UninstallDisplayName=Wenan Studio
UninstallDisplayIcon={app}\WenanStudio.exe
SetupIconFile=..\..\build\icons\app.ico
OutputDir=..\..\dist
OutputBaseFilename=WenanStudio-{#AppVersion}-windows-x64{#Suffix}-setup
ArchitecturesAllowed=x64compatible
ArchitecturesInstallIn64BitMode=x64compatible
MinVersion=10.0
; The bundle is about 1 GB; lzma2 on all cores keeps the installer small without a long build.
Compression=lzma2/max
SolidCompression=yes
LZMAUseSeparateProcess=yes
WizardStyle=modern
ShowLanguageDialog=auto
CloseApplications=yes

[Languages]
Name: "en"; MessagesFile: "compiler:Default.isl"
#ifdef ChineseIsl
Name: "zh"; MessagesFile: "{#ChineseIsl}"
#endif

[CustomMessages]
en.LaunchApp=Start Wenan Studio
en.AppComment=Drafts marketing copy in your shop's own voice, offline
#ifdef ChineseIsl
zh.LaunchApp=启动文案工坊
zh.AppComment=学习你店铺的文风，离线生成营销文案
#endif

[Tasks]
Name: "desktopicon"; Description: "{cm:CreateDesktopIcon}"; GroupDescription: "{cm:AdditionalIcons}"; Flags: unchecked

[InstallDelete]
; An update must not keep libraries that the new version no longer ships.
Type: filesandordirs; Name: "{app}\_internal"

[Files]
Source: "{#SourceDir}\*"; DestDir: "{app}"; Flags: ignoreversion recursesubdirs createallsubdirs

[Icons]
Name: "{autoprograms}\Wenan Studio"; Filename: "{app}\WenanStudio.exe"; Comment: "{cm:AppComment}"
Name: "{autodesktop}\Wenan Studio"; Filename: "{app}\WenanStudio.exe"; Comment: "{cm:AppComment}"; Tasks: desktopicon

[Run]
Filename: "{app}\WenanStudio.exe"; Description: "{cm:LaunchApp}"; Flags: nowait postinstall skipifsilent

[UninstallDelete]
; Python may write __pycache__ beside bundled sources. The user's models and history live in
; %LOCALAPPDATA%\WenanStudio and are kept.
Type: filesandordirs; Name: "{app}\_internal"
