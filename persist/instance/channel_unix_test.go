//go:build !windows

package instance

import (
	"errors"
	"io/fs"
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// blockChannel makes the socket for dir impossible to create.
func blockChannel(t *testing.T, dir string) {
	t.Helper()
	must(t, os.MkdirAll(filepath.Join(dir, socketFileName, "in-the-way"), 0o700))
}

// assertNoChannel: the socket is gone (after Close).
func assertNoChannel(t *testing.T, dir string) {
	t.Helper()
	if _, err := os.Stat(mustSocketPath(t, dir)); !isNotExist(err) {
		t.Errorf("socket left after Close: %v", err)
	}
}

// assertStaleChannel: a crashed copy left its socket file behind.
func assertStaleChannel(t *testing.T, dir string) {
	t.Helper()
	if _, err := os.Stat(mustSocketPath(t, dir)); err != nil {
		t.Fatalf("expected a stale socket: %v", err)
	}
}

func TestAcquireInstanceStaleSocket(t *testing.T) {
	dir := instanceDir(t)
	must(t, os.MkdirAll(dir, 0o700))
	// A socket file nobody listens on: what a crashed copy leaves.
	ln, err := net.Listen("unix", mustSocketPath(t, dir))
	must(t, err)
	ln.(*net.UnixListener).SetUnlinkOnClose(false)
	must(t, ln.Close())
	if _, err := os.Stat(mustSocketPath(t, dir)); err != nil {
		t.Fatalf("stale socket not there: %v", err)
	}

	onActivate, activated := activations()
	if _, already := acquire(t, dir, onActivate); already {
		t.Fatal("a stale socket made it look already running")
	}
	if _, already := acquire(t, dir, nil); !already {
		t.Fatal("second acquisition: not already running")
	}
	waitFor(t, activated, waitLimit, "activation through the new socket")
}

func mustSocketPath(t *testing.T, dir string) string {
	t.Helper()
	p, err := socketPath(dir)
	must(t, err)
	return p
}

// TestSocketPathTooLong: a config folder too deep for a socket puts the
// socket in $XDG_RUNTIME_DIR, or else in this user's private folder in the
// temporary directory, never directly in a shared folder.
func TestSocketPathTooLong(t *testing.T) {
	long := "/" + strings.Repeat("d", 120)
	if short := mustSocketPath(t, "/tmp/x"); short != filepath.Join("/tmp/x", socketFileName) {
		t.Errorf("socketPath(short) = %q", short)
	}
	t.Run("runtime folder", func(t *testing.T) {
		rt, err := os.MkdirTemp("", "rt")
		must(t, err)
		t.Cleanup(func() { os.RemoveAll(rt) })
		t.Setenv("XDG_RUNTIME_DIR", rt)
		p := mustSocketPath(t, long)
		if filepath.Dir(p) != rt || len(p) > maxSocketPathLen {
			t.Errorf("socketPath(long) = %q, want it in %s", p, rt)
		}
		if p != mustSocketPath(t, long) || p == mustSocketPath(t, long+"x") {
			t.Error("socketPath not stable or not distinct")
		}
	})
	t.Run("private temporary folder", func(t *testing.T) {
		tmp := shortTemp(t)
		t.Setenv("XDG_RUNTIME_DIR", "")
		t.Setenv("TMPDIR", tmp)
		p := mustSocketPath(t, long)
		if filepath.Dir(filepath.Dir(p)) != tmp || len(p) > maxSocketPathLen {
			t.Fatalf("socketPath(long) = %q, want it in a folder of its own in %s", p, tmp)
		}
		assertMode(t, filepath.Dir(p), 0o700)
	})
	t.Run("shared folders are refused", func(t *testing.T) {
		tmp := shortTemp(t)
		rt := filepath.Join(tmp, "rt")
		must(t, os.Mkdir(rt, 0o700))
		must(t, os.Chmod(rt, 0o777)) // a runtime folder others can write to
		t.Setenv("XDG_RUNTIME_DIR", rt)
		t.Setenv("TMPDIR", tmp)
		must(t, os.Mkdir(filepath.Join(tmp, "pumpconnect-"+userTag()), 0o700))
		must(t, os.Chmod(filepath.Join(tmp, "pumpconnect-"+userTag()), 0o777)) // made by someone else, say
		if p, err := socketPath(long); err == nil {
			t.Fatalf("socketPath(long) = %q in a shared folder", p)
		}
	})
}

// shortTemp is a new folder with a short path (sockets need one).
func shortTemp(t *testing.T) string {
	t.Helper()
	dir, err := os.MkdirTemp("/tmp", "pc")
	must(t, err)
	t.Cleanup(func() { os.RemoveAll(dir) })
	return dir
}

func isNotExist(err error) bool { return errors.Is(err, fs.ErrNotExist) }
