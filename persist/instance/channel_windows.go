//go:build windows

package instance

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"net"
	"os"
	"runtime"
	"strings"
	"sync"
	"time"
	"unsafe"

	"golang.org/x/sys/windows"
)

// The channel on Windows: a named pipe, \\.\pipe\pumpconnect-<hash of
// this user and the config folder>, that only this user can open, and only
// from this computer. Windows has no unix sockets everywhere (wine has
// none at all), and a pipe needs no file.
const (
	channelPipePrefix = "pipe "
	pipeNamePrefix    = `\\.\pipe\pumpconnect-`
	pipeBufferSize    = 512
)

// pipeName is the pipe for dir, for this user.
func pipeName(dir string) string {
	sum := sha256.Sum256([]byte(currentUser() + "\n" + strings.ToLower(dir)))
	return pipeNamePrefix + hex.EncodeToString(sum[:8])
}

// currentUser names this user: the SID, or else the user name.
func currentUser() string {
	if u, err := windows.GetCurrentProcessToken().GetTokenUser(); err == nil {
		return u.User.Sid.String()
	}
	return os.Getenv("USERDOMAIN") + `\` + os.Getenv("USERNAME")
}

// listenChannel creates the pipe for dir, as its first instance: when
// another program holds that name already, it fails rather than share it.
func listenChannel(dir string) (listener, string, error) {
	name := pipeName(dir)
	l := &pipeListener{name: name, sa: ownerOnly()}
	var err error
	if l.quit, err = windows.CreateEvent(nil, 1, 0, nil); err != nil {
		return nil, "", fmt.Errorf("instance: %w", err)
	}
	if l.next, err = l.create(true); err != nil {
		windows.CloseHandle(l.quit)
		return nil, "", fmt.Errorf("instance: pipe %s: %w", name, err)
	}
	return l, channelPipePrefix + name, nil
}

// dialChannel opens the pipe a channel line names. It only opens our pipes
// on this computer: the channel file never sends us elsewhere.
func dialChannel(_, line string) (conn, error) {
	name, ok := strings.CutPrefix(line, channelPipePrefix)
	if !ok || !strings.HasPrefix(name, pipeNamePrefix) || strings.ContainsAny(name[len(pipeNamePrefix):], `\/:`) {
		return nil, fmt.Errorf("%w: %q", errUnknownChannel, line)
	}
	name16, err := windows.UTF16PtrFromString(name)
	if err != nil {
		return nil, fmt.Errorf("%w: %q", errUnknownChannel, line)
	}
	// Identification only: the pipe's server may learn who we are, but
	// never act as us.
	h, err := windows.CreateFile(name16, windows.GENERIC_READ|windows.GENERIC_WRITE, 0, nil, windows.OPEN_EXISTING,
		windows.FILE_FLAG_OVERLAPPED|windows.SECURITY_SQOS_PRESENT|windows.SECURITY_IDENTIFICATION, 0)
	if err != nil {
		return nil, fmt.Errorf("instance: pipe %s: %w", name, err) // busy or not there yet: reach retries
	}
	allowForeground(h)
	return &pipeConn{h: h}, nil
}

var procAllowSetForegroundWindow = windows.NewLazySystemDLL("user32.dll").NewProc("AllowSetForegroundWindow")

// allowForeground lets the copy behind the pipe bring its window to the
// front. Windows lets only the program the person just started (this one)
// take the foreground: without this, the running copy's window would only
// flash on the taskbar.
func allowForeground(pipe windows.Handle) {
	var pid uint32
	if windows.GetNamedPipeServerProcessId(pipe, &pid) != nil || pid == 0 || procAllowSetForegroundWindow.Find() != nil {
		return
	}
	_, _, _ = procAllowSetForegroundWindow.Call(uintptr(pid))
}

// guessChannel: Windows always has the lock, so never guesses.
func guessChannel(string) (string, bool) { return "", false }

// ownerOnly is a security descriptor that lets only this user use the
// pipe (nil, the default one, when it cannot be made).
func ownerOnly() *windows.SecurityAttributes {
	u, err := windows.GetCurrentProcessToken().GetTokenUser()
	if err != nil {
		return nil
	}
	sd, err := windows.SecurityDescriptorFromString("D:P(A;;GA;;;" + u.User.Sid.String() + ")")
	if err != nil {
		return nil
	}
	sa := &windows.SecurityAttributes{SecurityDescriptor: sd}
	sa.Length = uint32(unsafe.Sizeof(*sa))
	return sa
}

// pipeListener waits for later copies on the pipe, one connection at a
// time. There is always one instance of the pipe waiting (next), so the
// name is never free for another program to take while we run.
type pipeListener struct {
	name      string
	sa        *windows.SecurityAttributes
	quit      windows.Handle // an event, set by Close
	acceptMu  sync.Mutex     // held by Accept, and by Close to wait for it
	next      windows.Handle // the instance Accept waits on; 0: make one
	closed    bool
	closeOnce sync.Once
}

func (l *pipeListener) create(first bool) (windows.Handle, error) {
	name16, err := windows.UTF16PtrFromString(l.name)
	if err != nil {
		return 0, err
	}
	flags := uint32(windows.PIPE_ACCESS_DUPLEX | windows.FILE_FLAG_OVERLAPPED)
	if first {
		flags |= windows.FILE_FLAG_FIRST_PIPE_INSTANCE
	}
	return windows.CreateNamedPipe(name16, flags,
		windows.PIPE_TYPE_BYTE|windows.PIPE_READMODE_BYTE|windows.PIPE_WAIT|windows.PIPE_REJECT_REMOTE_CLIENTS,
		windows.PIPE_UNLIMITED_INSTANCES, pipeBufferSize, pipeBufferSize, 0, l.sa)
}

func (l *pipeListener) Accept() (conn, error) {
	l.acceptMu.Lock()
	defer l.acceptMu.Unlock()
	if l.closed {
		return nil, net.ErrClosed
	}
	if l.next == 0 {
		h, err := l.create(false)
		if err != nil {
			return nil, fmt.Errorf("instance: pipe %s: %w", l.name, err)
		}
		l.next = h
	}
	h := l.next
	_, err := overlappedIO(h, l.quit, 0, nil, func(ov *windows.Overlapped) error {
		return windows.ConnectNamedPipe(h, ov)
	})
	if err == windows.ERROR_PIPE_CONNECTED { // the client came before we waited
		err = nil
	}
	if err == net.ErrClosed {
		windows.CloseHandle(h)
		l.next = 0
		return nil, err
	}
	if err != nil { // say, the client hung up at once: wait on a new instance, made first
		l.next, _ = l.create(false)
		windows.CloseHandle(h)
		return nil, fmt.Errorf("instance: pipe %s: %w", l.name, err)
	}
	// The next instance first, so the name is never free.
	if l.next, err = l.create(false); err != nil {
		l.next = 0 // made at the next Accept
	}
	return &pipeConn{h: h}, nil
}

// Close stops a waiting Accept, waits for it to return, and closes the
// pipe: later copies then find no pipe.
func (l *pipeListener) Close() error {
	l.closeOnce.Do(func() {
		_ = windows.SetEvent(l.quit)
		l.acceptMu.Lock()
		defer l.acceptMu.Unlock()
		l.closed = true
		if l.next != 0 {
			windows.CloseHandle(l.next)
			l.next = 0
		}
		windows.CloseHandle(l.quit)
	})
	return nil
}

// pipeConn is one end of a connected pipe, read and written with
// overlapped I/O so a deadline can cut an operation short.
type pipeConn struct {
	h        windows.Handle
	deadline time.Time
}

func (c *pipeConn) SetDeadline(t time.Time) error {
	c.deadline = t
	return nil
}

// timeout is what is left until the deadline (0: none).
func (c *pipeConn) timeout() (time.Duration, error) {
	if c.deadline.IsZero() {
		return 0, nil
	}
	d := time.Until(c.deadline)
	if d <= 0 {
		return 0, os.ErrDeadlineExceeded
	}
	return d, nil
}

func (c *pipeConn) Read(p []byte) (int, error) {
	if len(p) == 0 {
		return 0, nil
	}
	d, err := c.timeout()
	if err != nil {
		return 0, err
	}
	n, err := overlappedIO(c.h, 0, d, p, func(ov *windows.Overlapped) error {
		return windows.ReadFile(c.h, p, nil, ov)
	})
	if err == windows.ERROR_BROKEN_PIPE || err == windows.ERROR_PIPE_NOT_CONNECTED {
		return int(n), io.EOF // the other end hung up
	}
	if err == nil && n == 0 {
		return 0, io.EOF
	}
	return int(n), err
}

func (c *pipeConn) Write(p []byte) (int, error) {
	d, err := c.timeout()
	if err != nil {
		return 0, err
	}
	n, err := overlappedIO(c.h, 0, d, p, func(ov *windows.Overlapped) error {
		return windows.WriteFile(c.h, p, nil, ov)
	})
	if err == nil && int(n) < len(p) {
		err = io.ErrShortWrite
	}
	return int(n), err
}

func (c *pipeConn) Close() error { return windows.CloseHandle(c.h) }

// overlappedIO starts op on h and waits until it is done, at most timeout
// (0: no limit), or until the event cancel is set (0: none). An operation
// cut short is cancelled, and waited for, before overlappedIO returns, so
// the system never writes into buf or the OVERLAPPED afterwards; both are
// pinned meanwhile (Go may move what is not).
func overlappedIO(h, cancel windows.Handle, timeout time.Duration, buf []byte,
	op func(*windows.Overlapped) error,
) (uint32, error) {
	ev, err := windows.CreateEvent(nil, 1, 0, nil)
	if err != nil {
		return 0, err
	}
	defer windows.CloseHandle(ev)
	ov := &windows.Overlapped{HEvent: ev}
	var pin runtime.Pinner
	defer pin.Unpin()
	pin.Pin(ov)
	if len(buf) > 0 {
		pin.Pin(&buf[0])
	}
	var n uint32
	switch err := op(ov); err {
	case nil:
	case windows.ERROR_IO_PENDING:
		handles := []windows.Handle{ev}
		if cancel != 0 {
			handles = append(handles, cancel)
		}
		ms := uint32(windows.INFINITE)
		if timeout > 0 {
			ms = uint32(max(timeout.Milliseconds(), 1))
		}
		r, werr := windows.WaitForMultipleObjects(handles, false, ms)
		if werr == nil && r == windows.WAIT_OBJECT_0 {
			break
		}
		_ = windows.CancelIoEx(h, ov)
		_ = windows.GetOverlappedResult(h, ov, &n, true) // the cancel has taken effect
		switch {
		case werr != nil:
			return 0, werr
		case r == uint32(windows.WAIT_TIMEOUT):
			return 0, os.ErrDeadlineExceeded
		default:
			return 0, net.ErrClosed
		}
	default:
		return 0, err
	}
	err = windows.GetOverlappedResult(h, ov, &n, true)
	return n, err
}
