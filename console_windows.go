package main

import (
	"errors"
	"os"

	"golang.org/x/sys/windows"
)

// The release exe is a GUI program (-H windowsgui): started from cmd.exe or
// PowerShell it gets no console, so without redirection its stdout and
// stderr are not valid handles and what -export prints would go nowhere.

// attachConsole is kernel32's AttachConsole, which golang.org/x/sys/windows
// does not wrap; attachParentProcess is its ATTACH_PARENT_PROCESS ((DWORD)-1).
var attachConsole = windows.NewLazySystemDLL("kernel32.dll").NewProc("AttachConsole")

const attachParentProcess = ^uintptr(0) & 0xffffffff

// useParentConsole, when args ask for the command-line side (cliArgs) and
// stdout or stderr is not a valid handle, attaches the program to the
// console of the program that started it (cmd.exe, PowerShell) and points
// the invalid ones at it (CONOUT$), for os.Stdout and os.Stderr as for the
// runtime's own messages. A redirected handle (a file, a pipe, NUL) is kept
// as it is. Started with no console to attach to (from Explorer, say), it
// changes nothing. A plain start of the window never attaches: closing that
// console would end the program with it.
func useParentConsole(args []string) {
	if !cliArgs(args) {
		return
	}
	outOK, errOK := validStdHandle(windows.STD_OUTPUT_HANDLE), validStdHandle(windows.STD_ERROR_HANDLE)
	if outOK && errOK {
		return
	}
	// ERROR_ACCESS_DENIED: already attached to a console (wine attaches
	// a GUI program to its parent's), whose CONOUT$ serves as well.
	if r, _, err := attachConsole.Call(attachParentProcess); r == 0 && !errors.Is(err, windows.ERROR_ACCESS_DENIED) {
		return // no console to attach to (or no AttachConsole)
	}
	if !outOK {
		if f := openConsoleOutput(windows.STD_OUTPUT_HANDLE); f != nil {
			os.Stdout = f
		}
	}
	if !errOK {
		if f := openConsoleOutput(windows.STD_ERROR_HANDLE); f != nil {
			os.Stderr = f
		}
	}
}

// validStdHandle reports whether the standard handle std (STD_OUTPUT_HANDLE,
// STD_ERROR_HANDLE) is one that writes can use: set, and of a known type.
func validStdHandle(std uint32) bool {
	h, err := windows.GetStdHandle(std)
	if err != nil || h == 0 || h == windows.InvalidHandle {
		return false
	}
	t, err := windows.GetFileType(h)
	return err == nil && t != windows.FILE_TYPE_UNKNOWN
}

// openConsoleOutput opens the attached console's output (CONOUT$) and makes
// it the standard handle std; nil when it cannot be opened.
func openConsoleOutput(std uint32) *os.File {
	name, _ := windows.UTF16PtrFromString("CONOUT$")
	h, err := windows.CreateFile(name, windows.GENERIC_READ|windows.GENERIC_WRITE,
		windows.FILE_SHARE_READ|windows.FILE_SHARE_WRITE, nil, windows.OPEN_EXISTING, 0, 0)
	if err != nil {
		return nil
	}
	_ = windows.SetStdHandle(std, h) // the runtime writes panics to the standard handle
	return os.NewFile(uintptr(h), "CONOUT$")
}
