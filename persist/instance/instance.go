// Package instance keeps one copy of the app running: the first copy holds
// a lock and listens for later copies, which ask it to come to the front
// and exit.
package instance

import (
	"bufio"
	"errors"
	"fmt"
	"io"
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
// crashes) and listens on a channel that only this user on this computer
// can reach: a unix socket, or a named pipe on Windows (channel_unix.go,
// channel_windows.go). It writes the channel's address into
// instance.channel ("unix <path>", "pipe <name>"). A later copy finds the
// lock taken, reads the channel, connects, sends "activate" and exits; the
// first copy then shows its window. The lock decides who is first, so two
// copies started at the same moment never both win, and a socket file left
// by a crashed copy is simply removed by the next first copy.
//
// Where no channel can be made (no AF_UNIX, no private folder for the
// socket, a pipe name taken by another program), the first copy runs on the
// lock alone and writes "none" into the channel file: a later copy then
// learns at once that it cannot reach the first, instead of waiting for it.
const (
	lockFileName      = "instance.lock"
	channelFileName   = "instance.channel"
	channelNone       = "none"
	activateMessage   = "activate"
	activateReply     = "ok"
	activateTimeout   = 5 * time.Second
	connectionTimeout = 2 * time.Second
	connectRetry      = 20 * time.Millisecond
)

// errLocked: another process holds the instance lock.
var errLocked = errors.New("instance: lock held")

// ErrNotReached: another copy of the app is running, but it could not be
// asked to come to the front (it runs without a channel, or does not answer).
var ErrNotReached = errors.New("another copy of the app is running, but it did not come to the front")

// errUnknownChannel: the channel file names a channel this build cannot
// use (another kind, or a pipe that is not on this computer).
var errUnknownChannel = errors.New("instance: unknown channel")

// conn is one connection from a later copy (a net.Conn, or a pipe).
type conn interface {
	io.ReadWriteCloser
	SetDeadline(t time.Time) error
}

// listener accepts later copies' connections. Accept returns an error
// wrapping net.ErrClosed once Close was called.
type listener interface {
	Accept() (conn, error)
	Close() error
}

// Instance is the running copy of the app. Close releases it.
type Instance struct {
	lock       *os.File
	ln         listener // nil: running on the lock alone
	lnErr      error    // why there is no listener
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
// A channel that cannot be made is no reason to refuse to start: the copy
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
	if !haveLock {
		// No lock to tell: whoever answers on the usual channel runs.
		if line, ok := guessChannel(dir); ok && activate(dir, line) == nil {
			unlockFile(lock)
			return nil, true, nil
		}
	}
	inst = &Instance{lock: lock, onActivate: onActivate}
	ln, channel, err := listenChannel(dir)
	if err != nil {
		inst.lnErr, channel = err, channelNone
	} else {
		inst.ln = ln
	}
	_ = writeChannel(channelPath, channel)
	if inst.ln != nil {
		inst.wg.Add(1)
		go inst.serve()
	}
	return inst, false, nil
}

// Alone reports why this copy has no channel (and a later copy cannot
// bring it to the front), or nil when it listens.
func (inst *Instance) Alone() error { return inst.lnErr }

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
// says it has no channel, or names one this build cannot use.
func reach(dir string, deadline time.Time) error {
	var last error = errors.New("no channel yet")
	for {
		data, err := os.ReadFile(filepath.Join(dir, channelFileName))
		line := strings.TrimSpace(string(data))
		switch {
		case err == nil && line == channelNone:
			return fmt.Errorf("%w: it runs without a channel", ErrNotReached)
		case err == nil && line != "":
			if last = activate(dir, line); last == nil {
				return nil
			}
			if errors.Is(last, errUnknownChannel) {
				return fmt.Errorf("%w: %v", ErrNotReached, last)
			}
		case !haveLock:
			if line, ok := guessChannel(dir); ok {
				if last = activate(dir, line); last == nil {
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

// activate connects to the channel that line names and asks the copy
// behind it to come to the front.
func activate(dir, line string) error {
	c, err := dialChannel(dir, line)
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
	reply, err := bufio.NewReader(io.LimitReader(c, 64)).ReadString('\n')
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

func (inst *Instance) handle(c conn) {
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
	if _, err := c.Write([]byte(activateReply + "\n")); err == nil {
		// Wait for the later copy to hang up: hanging up first may throw
		// the reply away before it is read (named pipes).
		_, _ = io.Copy(io.Discard, io.LimitReader(c, 64))
	}
}

// Close stops listening, waits for activations in progress, removes the
// channel and releases the lock, so another copy can start. It is safe to
// call more than once, and on a nil Instance.
func (inst *Instance) Close() error {
	if inst == nil {
		return nil
	}
	inst.closeOnce.Do(func() {
		if inst.ln != nil {
			inst.closeErr = inst.ln.Close() // also removes a socket file
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
