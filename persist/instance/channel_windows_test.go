//go:build windows

package instance

import (
	"errors"
	"testing"

	"golang.org/x/sys/windows"
)

// blockChannel takes the pipe name for dir first, as another program
// could: the app must then run on the lock alone, not share the name.
func blockChannel(t *testing.T, dir string) {
	t.Helper()
	squat(t, pipeName(dir), 1) // one instance only: wine refuses a second one too
}

// squat creates the pipe name, allowing up to instances instances.
func squat(t *testing.T, name string, instances uint32) {
	t.Helper()
	name16, err := windows.UTF16PtrFromString(name)
	must(t, err)
	h, err := windows.CreateNamedPipe(name16, windows.PIPE_ACCESS_DUPLEX|windows.FILE_FLAG_FIRST_PIPE_INSTANCE,
		windows.PIPE_TYPE_BYTE, instances, 512, 512, 0, nil)
	must(t, err)
	t.Cleanup(func() { windows.CloseHandle(h) })
}

// TestListenChannelFirstInstance: a pipe name another program holds, even
// one that allows more instances, is never shared.
func TestListenChannelFirstInstance(t *testing.T) {
	if underWine() {
		t.Skip("wine 8 does not enforce FILE_FLAG_FIRST_PIPE_INSTANCE")
	}
	dir := instanceDir(t)
	squat(t, pipeName(dir), windows.PIPE_UNLIMITED_INSTANCES)
	if ln, _, err := listenChannel(dir); err == nil {
		ln.Close()
		t.Fatal("listenChannel shared a pipe name another program holds")
	}
}

// underWine: running on wine rather than Windows (ntdll says so).
func underWine() bool {
	return windows.NewLazySystemDLL("ntdll.dll").NewProc("wine_get_version").Find() == nil
}

// assertNoChannel: nobody answers on the pipe any more (after Close).
func assertNoChannel(t *testing.T, dir string) {
	t.Helper()
	if c, err := dialChannel(dir, channelPipePrefix+pipeName(dir)); err == nil {
		c.Close()
		t.Error("the pipe still answers after Close")
	}
}

// assertStaleChannel: a pipe goes with its process, nothing is left.
func assertStaleChannel(t *testing.T, dir string) { assertNoChannel(t, dir) }

// TestDialChannelOnlyOurPipes: the channel file never makes a later copy
// open a pipe on another computer, or any other pipe or file.
func TestDialChannelOnlyOurPipes(t *testing.T) {
	for _, line := range []string{
		`pipe \\server\pipe\pumpconnect-0123456789abcdef`,
		`pipe \\.\pipe\other`,
		`pipe \\.\pipe\pumpconnect-x\..\..\other`,
		`pipe \\.\pipe\pumpconnect-x/../other`,
		`pipe C:\Windows\win.ini`,
		`unix C:\sock`,
		`pipe`,
	} {
		t.Run(line, func(t *testing.T) {
			c, err := dialChannel("", line)
			if c != nil {
				c.Close()
			}
			if !errors.Is(err, errUnknownChannel) {
				t.Errorf("dialChannel(%q): %v, want errUnknownChannel", line, err)
			}
		})
	}
}

// TestPipeNameDiffers: one pipe per config folder, whatever its case.
func TestPipeNameDiffers(t *testing.T) {
	a, b := pipeName(`C:\Users\a\AppData\Roaming\fyne\x`), pipeName(`C:\Users\a\AppData\Roaming\fyne\y`)
	if a == b {
		t.Errorf("the same pipe %s for two folders", a)
	}
	if pipeName(`C:\Users\A\x`) != pipeName(`c:\users\a\X`) {
		t.Error("the pipe name depends on the folder name's case")
	}
}
