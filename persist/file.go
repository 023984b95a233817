package persist

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"time"
)

// File names next to the preferences file (in the app's config directory).
const (
	preferencesFileName = "preferences.json"
	backupFileName      = "accounts-backup.json"
	damagedInfix        = ".damaged-"               // preferences.json.damaged-20060102T150405Z
	tempPattern         = ".persist-*.tmp"          // atomic writes in progress (also a glob, to clean up after a crash)
	damagedTimeLayout   = "20060102T150405Z"        // UTC, sorts by time
	filePerm            = fs.FileMode(0o600)        // every file holding secrets
	dirPerm             = fs.FileMode(0o700)        // the app's config directory
	emptyPreferences    = "{}\n"                    // what a new preferences file holds
	maxPreferencesSize  = 16 << 20                  // larger files are not read whole
	modesApply          = runtime.GOOS != "windows" // file modes mean nothing on Windows
)

// PreferencesPath is the file Fyne keeps preferences in, under the app's
// storage root (a.Storage().RootURI().Path()).
func PreferencesPath(rootDir string) string {
	return filepath.Join(rootDir, preferencesFileName)
}

func backupPath(dir string) string { return filepath.Join(dir, backupFileName) }

// secureDir creates dir if needed and makes it private (0700).
func secureDir(dir string) error {
	if err := os.MkdirAll(dir, dirPerm); err != nil {
		return err
	}
	if !modesApply {
		return nil
	}
	return os.Chmod(dir, dirPerm)
}

// secureFile makes an existing file readable by its owner only (0600). A
// missing file is not an error.
func secureFile(path string) error {
	if !modesApply {
		return nil
	}
	err := os.Chmod(path, filePerm)
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	return err
}

// ensurePrivateFile makes sure path exists with mode 0600 before anyone
// writes a secret into it: Fyne creates a missing preferences file 0644 but
// keeps the mode of an existing one when it rewrites it. A new file holds
// "{}" (no preferences), so a reload by Fyne's file watcher reads valid JSON.
// An existing file is left as it is apart from its mode.
func ensurePrivateFile(path string) error {
	if !modesApply {
		return nil
	}
	if _, err := os.Lstat(path); err == nil {
		return secureFile(path)
	} else if !errors.Is(err, fs.ErrNotExist) {
		return err
	}
	// writeNew never replaces a file created meanwhile.
	if err := writeNew(path, []byte(emptyPreferences)); err != nil && !errors.Is(err, fs.ErrExist) {
		return err
	}
	return secureFile(path)
}

// writeTemp writes data to a new 0600 file in dir, synced to disk, and
// returns its path.
func writeTemp(dir string, data []byte) (string, error) {
	f, err := os.CreateTemp(dir, tempPattern)
	if err != nil {
		return "", err
	}
	name := f.Name()
	fail := func(err error) (string, error) {
		f.Close()
		os.Remove(name)
		return "", err
	}
	if modesApply {
		if err := f.Chmod(filePerm); err != nil {
			return fail(err)
		}
	}
	if _, err := f.Write(data); err != nil {
		return fail(err)
	}
	if err := f.Sync(); err != nil {
		return fail(err)
	}
	if err := f.Close(); err != nil {
		os.Remove(name)
		return "", err
	}
	return name, nil
}

// writeFileAtomic replaces path with data (mode 0600) so that a crash at
// any moment leaves either the old or the new content: a temporary file in
// the same directory, fsync, rename, fsync of the directory.
func writeFileAtomic(path string, data []byte) error {
	dir := filepath.Dir(path)
	tmp, err := writeTemp(dir, data)
	if err != nil {
		return err
	}
	if err := os.Rename(tmp, path); err != nil {
		os.Remove(tmp)
		return err
	}
	syncDir(dir)
	return nil
}

// syncDir makes a rename in dir durable. Not all systems can sync a
// directory (Windows cannot); that is not an error.
func syncDir(dir string) {
	if !modesApply {
		return
	}
	if d, err := os.Open(dir); err == nil {
		_ = d.Sync()
		d.Close()
	}
}

// removeTemps deletes temporary files left by a crash during an atomic write.
func removeTemps(dir string) {
	names, _ := filepath.Glob(filepath.Join(dir, tempPattern))
	for _, n := range names {
		os.Remove(n)
	}
}

// errTooLarge: readLimited read only the beginning of a file.
var errTooLarge = errors.New("persist: file too large")

// readLimited reads a whole file; of an absurdly large one, it returns the
// first maxPreferencesSize bytes and errTooLarge.
func readLimited(path string) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, maxPreferencesSize+1))
	if err != nil {
		return nil, err
	}
	if len(data) > maxPreferencesSize {
		return data[:maxPreferencesSize], errTooLarge
	}
	return data, nil
}

// moveAside renames a damaged preferences file to
// preferences.json.damaged-<UTC time> (0600) and returns the new path.
func moveAside(path string, now time.Time) (string, error) {
	dst := uniquePath(path + damagedInfix + now.UTC().Format(damagedTimeLayout))
	if err := os.Rename(path, dst); err != nil {
		return "", err
	}
	return dst, secureFile(dst)
}

// damagedCopies lists the files moveAside made for path.
func damagedCopies(path string) []string {
	names, _ := filepath.Glob(globEscape(path) + damagedInfix + "*")
	return names
}

// globEscape quotes the characters filepath.Glob treats specially.
func globEscape(s string) string {
	if runtime.GOOS == "windows" { // backslash is the separator there, not an escape
		var b strings.Builder
		for _, r := range s {
			if strings.ContainsRune("*?[", r) {
				b.WriteByte('[')
				b.WriteRune(r)
				b.WriteByte(']')
				continue
			}
			b.WriteRune(r)
		}
		return b.String()
	}
	var b strings.Builder
	for _, r := range s {
		if strings.ContainsRune(`*?[\`, r) {
			b.WriteByte('\\')
		}
		b.WriteRune(r)
	}
	return b.String()
}

// scrubDamagedCopies deletes every damaged copy of path that mentions
// address, so forgetting an account leaves none of its secrets behind.
func scrubDamagedCopies(path, address string) error {
	var errs []error
	for _, name := range damagedCopies(path) {
		data, err := readLimited(name)
		if err == nil && !bytes.Contains(data, []byte(address)) {
			continue
		}
		// Unreadable or mentioning the account: delete it.
		if err := os.Remove(name); err != nil && !errors.Is(err, fs.ErrNotExist) {
			errs = append(errs, err)
		}
	}
	return errors.Join(errs...)
}

// backup is the content of accounts-backup.json: every account and which
// one is current, as of store revision Revision.
type backup struct {
	Schema   int      `json:"schema"`
	Revision int64    `json:"revision"`
	Current  string   `json:"current,omitempty"`
	Accounts []record `json:"accounts"`
}

// readBackup returns the backup, or ok=false when there is none or it cannot
// be used (it is written atomically, so a bad one was not written by us).
func readBackup(path string) (b backup, ok bool) {
	data, err := readLimited(path)
	if err != nil {
		return backup{}, false
	}
	if err := json.Unmarshal(data, &b); err != nil || b.Schema < 1 {
		return backup{}, false
	}
	valid := b.Accounts[:0]
	for _, r := range b.Accounts {
		if validAddress(r.Address) {
			valid = append(valid, r)
		}
	}
	b.Accounts = valid
	return b, true
}

func (b backup) encode() []byte {
	data, err := json.MarshalIndent(b, "", "\t")
	if err != nil { // cannot happen
		panic("persist: encoding the backup: " + err.Error())
	}
	return append(data, '\n')
}
