//go:build !windows

package instance

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"net"
	"os"
	"path/filepath"
	"strings"
)

// The channel outside Windows: a unix socket, instance.sock in the config
// folder (or, when that path is too long, in a private folder of this
// user), that only this user can connect to.
const (
	socketFileName    = "instance.sock"
	channelUnixPrefix = "unix "
	maxSocketPathLen  = 100 // sun_path holds 104 bytes on macOS, 108 on Linux
)

// listenChannel listens on the socket for dir and returns the channel
// file's line for it. It removes a stale socket file first (the caller
// holds the lock: it was left by a crashed copy).
func listenChannel(dir string) (listener, string, error) {
	sock, err := socketPath(dir)
	if err != nil {
		return nil, "", err
	}
	if err := os.Remove(sock); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return nil, "", fmt.Errorf("instance: removing a stale socket: %w", err)
	}
	ln, err := net.Listen("unix", sock)
	if err != nil {
		return nil, "", fmt.Errorf("instance: %w", err)
	}
	_ = os.Chmod(sock, 0o600)
	return netListener{ln}, channelUnixPrefix + sock, nil
}

// dialChannel connects to the socket a channel line names.
func dialChannel(_, line string) (conn, error) {
	sock, ok := strings.CutPrefix(line, channelUnixPrefix)
	if !ok {
		return nil, fmt.Errorf("%w: %q", errUnknownChannel, line)
	}
	return net.DialTimeout("unix", sock, connectionTimeout)
}

// guessChannel is the channel a running copy would listen on, for systems
// without a file lock (see haveLock).
func guessChannel(dir string) (string, bool) {
	sock, err := socketPath(dir)
	return channelUnixPrefix + sock, err == nil
}

// netListener is a net.Listener as a listener.
type netListener struct{ net.Listener }

func (l netListener) Accept() (conn, error) { return l.Listener.Accept() }

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
	if !fi.IsDir() || !ownedByMe(fi) || fi.Mode().Perm()&0o077 != 0 {
		return errNotPrivate
	}
	return nil
}
