// Package instance keeps one copy of the app running: the first copy holds
// a lock and listens for later copies, which ask it to come to the front
// and exit.
package instance

import (
	"bufio"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"time"
)

// Single instance: the first copy of the app holds an exclusive lock on
// instance.lock (released by the system when the process ends, even when it
// crashes) and listens on the unix socket instance.sock. A later copy finds
// the lock taken, connects, sends "activate" and exits; the first copy then
// shows its window. The lock decides who is first, so two copies started at
// the same moment never both win, and a socket file left by a crashed copy
// is simply removed by the next first copy.
const (
	lockFileName      = "instance.lock"
	socketFileName    = "instance.sock"
	activateMessage   = "activate"
	activateReply     = "ok"
	maxSocketPathLen  = 100 // sun_path holds 104 bytes on macOS, 108 on Linux
	activateTimeout   = 5 * time.Second
	connectionTimeout = 2 * time.Second
	connectRetry      = 20 * time.Millisecond
)

// errLocked: another process holds the instance lock.
var errLocked = errors.New("instance: lock held")

// Instance is the running copy of the app. Close releases it.
type Instance struct {
	lock       *os.File
	ln         net.Listener
	onActivate func()
	wg         sync.WaitGroup
	closeOnce  sync.Once
	closeErr   error
}

// Acquire makes this process the running copy of the app, using dir
// (the app's config directory, made 0700). If another copy is running
// already, it asks that copy to come to the front (its onActivate runs) and
// returns alreadyRunning=true and no error: the caller should then exit.
// Otherwise onActivate (which may be nil) runs, on its own goroutine, each
// time a later copy starts, until inst.Close.
func Acquire(dir string, onActivate func()) (inst *Instance, alreadyRunning bool, err error) {
	if err := privateDir(dir); err != nil {
		return nil, false, fmt.Errorf("instance: %w", err)
	}
	sock := socketPath(dir)
	lock, err := lockFile(filepath.Join(dir, lockFileName))
	if errors.Is(err, errLocked) {
		// The running copy may still be starting: activate retries until it
		// listens. Not reaching it is no reason to start a second copy.
		_ = activate(sock, time.Now().Add(activateTimeout))
		return nil, true, nil
	}
	if err != nil {
		return nil, false, fmt.Errorf("instance: lock: %w", err)
	}
	if !haveLock && sendActivate(sock) == nil {
		unlockFile(lock)
		return nil, true, nil
	}
	// We hold the lock: any socket file is stale, left by a crashed copy.
	if err := os.Remove(sock); err != nil && !errors.Is(err, fs.ErrNotExist) {
		unlockFile(lock)
		return nil, false, fmt.Errorf("instance: removing a stale socket: %w", err)
	}
	ln, err := net.Listen("unix", sock)
	if err != nil {
		unlockFile(lock)
		return nil, false, fmt.Errorf("instance: %w", err)
	}
	if runtime.GOOS != "windows" {
		_ = os.Chmod(sock, 0o600)
	}
	inst = &Instance{lock: lock, ln: ln, onActivate: onActivate}
	inst.wg.Add(1)
	go inst.serve()
	return inst, false, nil
}

// socketPath is instance.sock in dir, or, when that path is too long for a
// unix socket, a name derived from dir in the (per-user, on macOS) temporary
// directory.
func socketPath(dir string) string {
	p := filepath.Join(dir, socketFileName)
	if len(p) <= maxSocketPathLen {
		return p
	}
	sum := sha256.Sum256([]byte(dir))
	return filepath.Join(os.TempDir(), "pumpconnect-"+hex.EncodeToString(sum[:8])+".sock")
}

// activate asks the copy listening on sock to come to the front, retrying
// until deadline while it is not listening yet.
func activate(sock string, deadline time.Time) error {
	for {
		err := sendActivate(sock)
		if err == nil || !time.Now().Add(connectRetry).Before(deadline) {
			return err
		}
		t := time.NewTimer(connectRetry)
		<-t.C
	}
}

func sendActivate(sock string) error {
	c, err := net.DialTimeout("unix", sock, connectionTimeout)
	if err != nil {
		return err
	}
	defer c.Close()
	if err := c.SetDeadline(time.Now().Add(connectionTimeout)); err != nil {
		return err
	}
	if _, err := c.Write([]byte(activateMessage + "\n")); err != nil {
		return err
	}
	reply, err := bufio.NewReader(c).ReadString('\n')
	if err != nil {
		return err
	}
	if strings.TrimSpace(reply) != activateReply {
		return errors.New("instance: unexpected reply")
	}
	return nil
}

func (inst *Instance) serve() {
	defer inst.wg.Done()
	for {
		c, err := inst.ln.Accept()
		if err != nil {
			if errors.Is(err, net.ErrClosed) {
				return
			}
			// A failed connection (or out of file descriptors): keep
			// serving, without spinning.
			t := time.NewTimer(connectRetry)
			<-t.C
			continue
		}
		inst.wg.Add(1)
		go inst.handle(c)
	}
}

func (inst *Instance) handle(c net.Conn) {
	defer inst.wg.Done()
	defer c.Close()
	if c.SetDeadline(time.Now().Add(connectionTimeout)) != nil {
		return
	}
	line, err := bufio.NewReader(io.LimitReader(c, 64)).ReadString('\n')
	if err != nil || strings.TrimSpace(line) != activateMessage {
		return
	}
	if inst.onActivate != nil {
		inst.onActivate()
	}
	_, _ = c.Write([]byte(activateReply + "\n"))
}

// Close stops listening, waits for activations in progress, removes the
// socket and releases the lock, so another copy can start. It is safe to
// call more than once, and on a nil Instance.
func (inst *Instance) Close() error {
	if inst == nil {
		return nil
	}
	inst.closeOnce.Do(func() {
		inst.closeErr = inst.ln.Close() // also removes the socket file
		inst.wg.Wait()
		unlockFile(inst.lock)
	})
	return inst.closeErr
}

// privateDir makes dir (and its parents) and keeps it to its owner (0700;
// modes mean nothing on Windows).
func privateDir(dir string) error {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return err
	}
	if runtime.GOOS == "windows" {
		return nil
	}
	return os.Chmod(dir, 0o700)
}
