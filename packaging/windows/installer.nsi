; Pump Connect installer for Windows (NSIS 3). Built by packaging/package.sh:
;   makensis -DAPP_NAME=… -DAPP_ID=… -DVERSION=0.1.0 -DBUILD=1 -DAPP_EXE=…exe -DICON=…ico -DOUT_FILE=…exe
;            [-DSIGN_SCRIPT=…/sign.sh] installer.nsi
;
; Per-user install, no administrator rights: %LOCALAPPDATA%\Programs\Pump Connect, a Start-menu
; shortcut, and an uninstaller registered under HKCU (Settings → Apps). The uninstaller asks,
; default No, before deleting the user's saved accounts (%APPDATA%\fyne\<app ID>).
;
; A 64-bit installer, like the program: it runs where the program can, and needs no 32-bit
; support (wine64 alone runs it, on machines that cannot run 32-bit code at all).

Target amd64-unicode
ManifestDPIAware true
ManifestSupportedOS all

!macro REQUIRE NAME
  !ifndef ${NAME}
    !error "define ${NAME} with -D${NAME}=… (see packaging/package.sh)"
  !endif
!macroend
!insertmacro REQUIRE APP_NAME
!insertmacro REQUIRE APP_ID
!insertmacro REQUIRE VERSION
!insertmacro REQUIRE BUILD
!insertmacro REQUIRE APP_EXE
!insertmacro REQUIRE ICON
!insertmacro REQUIRE OUT_FILE

!define EXE_NAME "${APP_NAME}.exe"
!define UNINSTALLER "Uninstall ${APP_NAME}.exe"
!define UNINST_KEY "Software\Microsoft\Windows\CurrentVersion\Uninstall\${APP_ID}"
; Where Fyne keeps the app's preferences (the stored accounts) on Windows.
!define DATA_DIR "$APPDATA\fyne\${APP_ID}"
; GLFW's window class, to spot a running Pump Connect before replacing or removing it.
!define WINDOW_CLASS "GLFW30"

!include "MUI2.nsh"
!include "FileFunc.nsh"
!include "LogicLib.nsh"

Name "${APP_NAME}"
OutFile "${OUT_FILE}"
InstallDir "$LOCALAPPDATA\Programs\${APP_NAME}"
InstallDirRegKey HKCU "${UNINST_KEY}" "InstallLocation"
RequestExecutionLevel user
SetCompressor /SOLID lzma
BrandingText "${APP_NAME} ${VERSION}"
ShowInstDetails nevershow
ShowUninstDetails nevershow

VIProductVersion "${VERSION}.${BUILD}"
VIFileVersion "${VERSION}.${BUILD}"
VIAddVersionKey "ProductName" "${APP_NAME}"
VIAddVersionKey "FileDescription" "${APP_NAME} ${VERSION} installer"
VIAddVersionKey "FileVersion" "${VERSION}.${BUILD}"
VIAddVersionKey "ProductVersion" "${VERSION}"
VIAddVersionKey "LegalCopyright" "The ${APP_NAME} authors"

!ifdef SIGN_SCRIPT
  ; Sign the uninstaller as makensis writes it out (the installer is signed after the build).
  !uninstfinalize '"${SIGN_SCRIPT}" "%1"' = 0
!endif

!define MUI_ICON "${ICON}"
!define MUI_UNICON "${ICON}"
!define MUI_ABORTWARNING
!define MUI_WELCOMEPAGE_TEXT "$(WelcomeText)"
!define MUI_FINISHPAGE_RUN "$INSTDIR\${EXE_NAME}"
!define MUI_FINISHPAGE_RUN_TEXT "$(RunText)"

!define MUI_PAGE_CUSTOMFUNCTION_SHOW WelcomeShow
!insertmacro MUI_PAGE_WELCOME
!insertmacro MUI_PAGE_INSTFILES
!insertmacro MUI_PAGE_FINISH

!insertmacro MUI_UNPAGE_CONFIRM
!insertmacro MUI_UNPAGE_INSTFILES

; The installer speaks the system's language when it is one of these (NSIS picks it at start),
; English otherwise: the app's languages (gui/translations). MUI's own pages come translated; our
; texts are the LangStrings below, one per language, the same words as the app's.
!insertmacro MUI_LANGUAGE "English"
!insertmacro MUI_LANGUAGE "Spanish"
!insertmacro MUI_LANGUAGE "German"
!insertmacro MUI_LANGUAGE "French"

LangString WelcomeText ${LANG_ENGLISH} "This will install ${APP_NAME} ${VERSION} for you (no administrator rights needed).$\r$\n$\r$\n${APP_NAME} connects this computer to your pump.io account.$\r$\n$\r$\nClick Install to continue."
LangString WelcomeText ${LANG_SPANISH} "Se instalará ${APP_NAME} ${VERSION} solo para ti (no hacen falta permisos de administrador).$\r$\n$\r$\n${APP_NAME} conecta este equipo con tu cuenta de pump.io.$\r$\n$\r$\nHaz clic en Instalar para continuar."
LangString WelcomeText ${LANG_GERMAN} "${APP_NAME} ${VERSION} wird nur für Sie installiert (ohne Administratorrechte).$\r$\n$\r$\n${APP_NAME} verbindet diesen Computer mit Ihrem pump.io-Konto.$\r$\n$\r$\nKlicken Sie auf „Installieren“, um fortzufahren."
LangString WelcomeText ${LANG_FRENCH} "${APP_NAME} ${VERSION} va être installé pour vous seul (sans droits d’administrateur).$\r$\n$\r$\n${APP_NAME} connecte cet ordinateur à votre compte pump.io.$\r$\n$\r$\nCliquez sur Installer pour continuer."
LangString InstallButton ${LANG_ENGLISH} "&Install"
LangString InstallButton ${LANG_SPANISH} "&Instalar"
LangString InstallButton ${LANG_GERMAN} "&Installieren"
LangString InstallButton ${LANG_FRENCH} "&Installer"
LangString RunText ${LANG_ENGLISH} "Start ${APP_NAME} now"
LangString RunText ${LANG_SPANISH} "Abrir ${APP_NAME} ahora"
LangString RunText ${LANG_GERMAN} "${APP_NAME} jetzt starten"
LangString RunText ${LANG_FRENCH} "Lancer ${APP_NAME} maintenant"
; The message box's Retry button is Windows' own, in the system's language.
LangString AppRunning ${LANG_ENGLISH} "${APP_NAME} is running. Please close it, then click Retry."
LangString AppRunning ${LANG_SPANISH} "${APP_NAME} está abierto. Ciérralo y haz clic en Reintentar."
LangString AppRunning ${LANG_GERMAN} "${APP_NAME} ist geöffnet. Bitte schließen Sie es und klicken Sie dann auf „Wiederholen“."
LangString AppRunning ${LANG_FRENCH} "${APP_NAME} est ouvert. Fermez-le, puis cliquez sur Recommencer."
LangString ShortcutComment ${LANG_ENGLISH} "Connect to your pump.io account"
LangString ShortcutComment ${LANG_SPANISH} "Conecta tu cuenta de pump.io"
LangString ShortcutComment ${LANG_GERMAN} "Mit Ihrem pump.io-Konto verbinden"
LangString ShortcutComment ${LANG_FRENCH} "Connectez votre compte pump.io"
LangString RemoveAccounts ${LANG_ENGLISH} "Also remove your saved ${APP_NAME} accounts from this computer?$\r$\n$\r$\nChoose No to keep them, for example if you will install ${APP_NAME} again."
LangString RemoveAccounts ${LANG_SPANISH} "¿Quitar también de este equipo tus cuentas guardadas en ${APP_NAME}?$\r$\n$\r$\nElige No para conservarlas, por ejemplo si vas a volver a instalar ${APP_NAME}."
LangString RemoveAccounts ${LANG_GERMAN} "Auch Ihre in ${APP_NAME} gespeicherten Konten von diesem Computer entfernen?$\r$\n$\r$\nWählen Sie „Nein“, um sie zu behalten, zum Beispiel wenn Sie ${APP_NAME} wieder installieren möchten."
LangString RemoveAccounts ${LANG_FRENCH} "Supprimer aussi de cet ordinateur vos comptes enregistrés dans ${APP_NAME} ?$\r$\n$\r$\nChoisissez Non pour les garder, par exemple si vous allez réinstaller ${APP_NAME}."

Function WelcomeShow
  ; The welcome page's Next button installs straight away.
  GetDlgItem $0 $HWNDPARENT 1
  SendMessage $0 ${WM_SETTEXT} 0 "STR:$(InstallButton)"
FunctionEnd

!macro WAIT_FOR_APP_TO_CLOSE UN
Function ${UN}WaitForAppToClose
  loop:
    FindWindow $0 "${WINDOW_CLASS}" "${APP_NAME}"
    ${If} $0 <> 0
      MessageBox MB_RETRYCANCEL|MB_ICONEXCLAMATION "$(AppRunning)" /SD IDCANCEL IDRETRY loop
      ; Refused: say so in the exit code too (2, as for any abort), for package managers and scripts.
      SetErrorLevel 2
      Abort
    ${EndIf}
FunctionEnd
!macroend
!insertmacro WAIT_FOR_APP_TO_CLOSE ""
!insertmacro WAIT_FOR_APP_TO_CLOSE "un."

Function .onInit
  SetShellVarContext current
FunctionEnd

Section "Install"
  SetShellVarContext current
  Call WaitForAppToClose
  SetOutPath "$INSTDIR"
  File "/oname=${EXE_NAME}" "${APP_EXE}"
  WriteUninstaller "$INSTDIR\${UNINSTALLER}"

  CreateShortcut "$SMPROGRAMS\${APP_NAME}.lnk" "$INSTDIR\${EXE_NAME}" "" "$INSTDIR\${EXE_NAME}" 0 \
    SW_SHOWNORMAL "" "$(ShortcutComment)"

  WriteRegStr HKCU "${UNINST_KEY}" "DisplayName" "${APP_NAME}"
  WriteRegStr HKCU "${UNINST_KEY}" "DisplayVersion" "${VERSION}"
  WriteRegStr HKCU "${UNINST_KEY}" "Publisher" "The ${APP_NAME} authors"
  WriteRegStr HKCU "${UNINST_KEY}" "DisplayIcon" "$INSTDIR\${EXE_NAME},0"
  WriteRegStr HKCU "${UNINST_KEY}" "InstallLocation" "$INSTDIR"
  ; _?= runs the uninstaller where it is, instead of NSIS's usual copy in the temporary folder,
  ; which the caller does not wait for: so whoever runs these gets the real exit code (non-zero
  ; when the uninstall was refused) once everything is removed. _?= must come last.
  WriteRegStr HKCU "${UNINST_KEY}" "UninstallString" '"$INSTDIR\${UNINSTALLER}" _?=$INSTDIR'
  WriteRegStr HKCU "${UNINST_KEY}" "QuietUninstallString" '"$INSTDIR\${UNINSTALLER}" /S _?=$INSTDIR'
  WriteRegDWORD HKCU "${UNINST_KEY}" "NoModify" 1
  WriteRegDWORD HKCU "${UNINST_KEY}" "NoRepair" 1
  ${GetSize} "$INSTDIR" "/S=0K" $0 $1 $2
  WriteRegDWORD HKCU "${UNINST_KEY}" "EstimatedSize" "$0"
SectionEnd

Function un.onInit
  SetShellVarContext current
  ; /CLEANUP: the copy the uninstaller started from the temporary folder (see below). Wait, at most
  ; about 10 s, for the uninstaller to end, then remove it and the folder, and nothing else.
  ${GetParameters} $R0
  ClearErrors
  ${GetOptions} $R0 "/CLEANUP" $R1
  ${IfNot} ${Errors}
    StrCpy $R2 0
    ${Do}
      Delete "$INSTDIR\${UNINSTALLER}"
      ${IfNot} ${FileExists} "$INSTDIR\${UNINSTALLER}"
      ${OrIf} $R2 >= 50
        ${Break}
      ${EndIf}
      IntOp $R2 $R2 + 1
      Sleep 200
    ${Loop}
    RMDir "$INSTDIR"
    Quit
  ${EndIf}
FunctionEnd

Section "Uninstall"
  SetShellVarContext current
  Call un.WaitForAppToClose
  Delete "$INSTDIR\${EXE_NAME}"
  ${If} "$EXEDIR" == "$INSTDIR"
    ; Running in place (_?=), this uninstaller cannot delete itself: a copy of it in the temporary
    ; folder (where NSIS's own copy would run) removes it and the folder once this one has ended.
    GetTempFileName $0
    Delete "$0"
    CopyFiles /SILENT "$EXEPATH" "$0.exe"
    Exec '"$0.exe" /S /CLEANUP _?=$INSTDIR'
  ${Else}
    Delete "$INSTDIR\${UNINSTALLER}"
  ${EndIf}
  RMDir "$INSTDIR"
  Delete "$SMPROGRAMS\${APP_NAME}.lnk"
  DeleteRegKey HKCU "${UNINST_KEY}"

  ; The saved accounts are the user's: only remove them when asked to (default No; silent
  ; uninstalls keep them).
  IfFileExists "${DATA_DIR}\*.*" 0 done
  MessageBox MB_YESNO|MB_ICONQUESTION|MB_DEFBUTTON2 \
    "$(RemoveAccounts)" /SD IDNO IDNO done
  RMDir /r "${DATA_DIR}"
  RMDir "$APPDATA\fyne" ; only if no other Fyne app keeps its settings there
  done:
SectionEnd
