//go:build !(darwin || dragonfly || freebsd || linux || netbsd || openbsd || windows)

package instance

import "os"

// haveLock is false here: no file lock, the socket alone tells whether a
// copy is running.
const haveLock = false

func lockFile(path string) (*os.File, error) {
	return os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o600)
}

func unlockFile(f *os.File) { f.Close() }

// ownedByMe: file ownership is not checked here (the temporary folder is
// the user's own on Windows).
func ownedByMe(os.FileInfo) bool { return true }

// userTag names this user in a shared folder.
func userTag() string { return "user" }
