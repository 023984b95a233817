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
// crashes) and listens on a unix socket, whose path it writes into
// instance.channel. A later copy finds the lock taken, reads the channel,
// connects, sends "activate" and exits; the first copy then shows its
// window. The lock decides who is first, so two copies started at the same
// moment never both win, and a socket file left by a crashed copy is simply
// removed by the next first copy.
//
// Where no socket can be made (no AF_UNIX, as under wine; no private
// folder for it), the first copy runs on the lock alone and writes "none"
// into the channel: a later copy then learns at once that it cannot reach
// the first, instead of waiting for it.
const (
	lockFileName      = "instance.lock"
	socketFileName    = "instance.sock"
	channelFileName   = "instance.channel"
	channelNone       = "none"
	channelUnixPrefix = "unix "
	activateMessage   = "activate"
	activateReply     = "ok"
	maxSocketPathLen  = 100 // sun_path holds 104 bytes on macOS, 108 on Linux
	activateTimeout   = 5 * time.Second
	connectionTimeout = 2 * time.Second
	connectRetry      = 20 * time.Millisecond
)

// errLocked: another process holds the instance lock.
var errLocked = errors.New("instance: lock held")

// ErrNotReached: another copy of the app is running, but it could not be
// asked to come to the front (it runs without a socket, or does not answer).
var ErrNotReached = errors.New("another copy of the app is running, but it did not come to the front")

// Instance is the running copy of the app. Close releases it.
type Instance struct {
	lock       *os.File
	ln         net.Listener // nil: running on the lock alone
	lnErr      error        // why there is no listener
	onActivate func()
	wg         sync.WaitGroup
	closeOnce  sync.Once
	closeErr   error
}

// Acquire makes this process the running copy of the app, using dir
// (the app's config directory, made 0700). If another copy is running
// already, it asks that copy to come to the front (its onActivate runs) and
// returns alreadyRunning=true: the caller should then exit. The error is
// then nil, or ErrNotReached when the other copy could not be asked, which
// the person should be told. Otherwise onActivate (which may be nil) runs,
// on its own goroutine, each time a later copy starts, until inst.Close.
// A socket that cannot be made is no reason to refuse to start: the copy
// then runs on the lock alone (see Alone).
func Acquire(dir string, onActivate func()) (inst *Instance, alreadyRunning bool, err error) {
	if err := privateDir(dir); err != nil {
		return nil, false, fmt.Errorf("instance: %w", err)
	}
	lock, err := lockFile(filepath.Join(dir, lockFileName))
	if errors.Is(err, errLocked) {
		// The running copy may still be starting: reach retries until it
		// listens. Not reaching it is no reason to start a second copy.
		return nil, true, reach(dir, time.Now().Add(activateTimeout))
	}
	if err != nil {
		return nil, false, fmt.Errorf("instance: lock: %w", err)
	}
	// What the channel says is from an earlier run: a later copy waits
	// for this one's (see reach) rather than believe it.
	channelPath := filepath.Join(dir, channelFileName)
	_ = os.Remove(channelPath)
	sock, sockErr := socketPath(dir)
	if !haveLock && sockErr == nil && sendActivate(sock) == nil {
		unlockFile(lock)
		return nil, true, nil
	}
	inst = &Instance{lock: lock, onActivate: onActivate}
	if sockErr == nil {
		inst.ln, sockErr = listen(sock)
	}
	channel := channelUnixPrefix + sock
	if sockErr != nil {
		inst.lnErr, channel = sockErr, channelNone
	}
	_ = writeChannel(channelPath, channel)
	if inst.ln != nil {
		inst.wg.Add(1)
		go inst.serve()
	}
	return inst, false, nil
}

// Alone reports why this copy has no socket (and a later copy cannot bring
// it to the front), or nil when it listens.
func (inst *Instance) Alone() error { return inst.lnErr }

// listen removes a stale socket file (we hold the lock: it was left by a
// crashed copy) and listens on sock, for the owner only.
func listen(sock string) (net.Listener, error) {
	if err := os.Remove(sock); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return nil, fmt.Errorf("instance: removing a stale socket: %w", err)
	}
	ln, err := net.Listen("unix", sock)
	if err != nil {
		return nil, fmt.Errorf("instance: %w", err)
	}
	if runtime.GOOS != "windows" {
		_ = os.Chmod(sock, 0o600)
	}
	return ln, nil
}

// writeChannel replaces the channel file with line (write, then rename, so
// a later copy never reads half a line).
func writeChannel(path, line string) error {
	tmp := path + ".new"
	if err := os.WriteFile(tmp, []byte(line+"\n"), 0o600); err != nil {
		return err
	}
	return os.Rename(tmp, path)
}

// reach asks the running copy to come to the front, retrying until deadline
// while it is still starting. It gives up at once when the running copy
// says it has no socket.
func reach(dir string, deadline time.Time) error {
	var last error = errors.New("no channel yet")
	for {
		data, err := os.ReadFile(filepath.Join(dir, channelFileName))
		line := strings.TrimSpace(string(data))
		switch sock, isUnix := strings.CutPrefix(line, channelUnixPrefix); {
		case err == nil && line == channelNone:
			return fmt.Errorf("%w: it runs without a socket", ErrNotReached)
		case err == nil && isUnix:
			if last = sendActivate(sock); last == nil {
				return nil
			}
		case !haveLock:
			if sock, err := socketPath(dir); err == nil {
				if last = sendActivate(sock); last == nil {
					return nil
				}
			}
		}
		if !time.Now().Add(connectRetry).Before(deadline) {
			return fmt.Errorf("%w: %v", ErrNotReached, last)
		}
		t := time.NewTimer(connectRetry)
		<-t.C
	}
}

// socketPath is instance.sock in dir; when that path is too long for a
// unix socket, a name derived from dir in $XDG_RUNTIME_DIR, or else in a
// private folder of this user in the temporary directory. A socket never
// lands directly in a folder others can write to.
func socketPath(dir string) (string, error) {
	p := filepath.Join(dir, socketFileName)
	if len(p) <= maxSocketPathLen {
		return p, nil
	}
	sum := sha256.Sum256([]byte(dir))
	name := "pumpconnect-" + hex.EncodeToString(sum[:8]) + ".sock"
	if rt := os.Getenv("XDG_RUNTIME_DIR"); rt != "" && filepath.IsAbs(rt) && privateExisting(rt) == nil {
		if p := filepath.Join(rt, name); len(p) <= maxSocketPathLen {
			return p, nil
		}
	}
	folder := filepath.Join(os.TempDir(), "pumpconnect-"+userTag())
	if err := os.Mkdir(folder, 0o700); err != nil && !errors.Is(err, fs.ErrExist) {
		return "", fmt.Errorf("instance: a private folder for the socket: %w", err)
	}
	if err := privateExisting(folder); err != nil {
		return "", fmt.Errorf("instance: %s: %w", folder, err)
	}
	p = filepath.Join(folder, name)
	if len(p) > maxSocketPathLen {
		return "", fmt.Errorf("instance: the socket path %s is too long", p)
	}
	return p, nil
}

// errNotPrivate: a folder others could write to, or not ours.
var errNotPrivate = errors.New("not a private folder of this user")

// privateExisting checks that dir is a real folder (not a link), owned by
// this user, that nobody else can enter or write to.
func privateExisting(dir string) error {
	fi, err := os.Lstat(dir)
	if err != nil {
		return err
	}
	if !fi.IsDir() || !ownedByMe(fi) || (runtime.GOOS != "windows" && fi.Mode().Perm()&0o077 != 0) {
		return errNotPrivate
	}
	return nil
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
		if inst.ln != nil {
			inst.closeErr = inst.ln.Close() // also removes the socket file
		}
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
