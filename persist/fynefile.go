package persist

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"reflect"
	"runtime"
	"time"
)

// Fyne v2.7 reads preferences.json inside app.NewWithID, before any code of
// ours runs, and two kinds of file hurt it there:
//   - a list whose items are not all of the first item's type
//     ({"x":[1,"a"]}, from a hand edit or a sync conflict) makes it panic,
//     so the app would crash on every start;
//   - something that is not a regular file (a FIFO blocks its read forever).
//
// PrepareForFyne runs before the app is made and fixes both, keeping a copy.
// What Fyne merely fails to parse (garbage, a cut-off file) it logs and
// skips; the store's recovery handles that as before.

// folderInfix names a folder (or other non-file) found where a settings
// file belongs, once set aside: preferences.json.folder-20060102T150405Z.
// It is not a damaged copy: forgetting an account never deletes it.
const folderInfix = ".folder-"

// FyneRoot is the folder a Fyne app with appID keeps its storage in (its
// Storage().RootURI()), worked out as Fyne v2.7 does on desktops, so the
// preferences file can be checked before Fyne opens it.
func FyneRoot(appID string) (string, error) {
	var base string
	switch runtime.GOOS {
	case "windows":
		home, err := os.UserHomeDir()
		if err != nil {
			return "", err
		}
		base = filepath.Join(home, "AppData", "Roaming")
	case "darwin":
		home, err := os.UserHomeDir()
		if err != nil {
			return "", err
		}
		base = filepath.Join(home, "Library", "Preferences")
	default:
		dir, err := os.UserConfigDir()
		if err != nil {
			return "", err
		}
		base = dir
	}
	return filepath.Join(base, "fyne", appID), nil
}

// PrepareForFyne makes the preferences file at path one Fyne can open
// without crashing or hanging. An error means Fyne should not be given the
// file: the caller should not start Fyne on it. A list Fyne cannot load is dropped from the
// file (the file as it was is kept next to it, 0600, like a damaged file);
// a folder or other non-file is renamed aside. It returns the path of what
// it set aside, or "" when the file was fine or missing. Account records
// are strings, so dropping a list never loses an account: at worst the
// index, which the store rebuilds from the records.
func PrepareForFyne(path string, now time.Time) (setAside string, err error) {
	if moved, err := setAsideIfNotFile(path, now); moved != "" || err != nil {
		return moved, err
	}
	data, err := readLimited(path)
	if errors.Is(err, fs.ErrNotExist) || errors.Is(err, errTooLarge) {
		return "", nil // missing; or too large to be ours, which the store sets aside
	}
	if err != nil {
		return "", fmt.Errorf("persist: reading the settings file: %w", err)
	}
	fixed, ok := withoutMixedLists(data)
	if ok {
		return "", nil
	}
	copyPath := uniquePath(path + damagedInfix + now.UTC().Format(damagedTimeLayout))
	if err := writeNew(copyPath, data); err != nil {
		// No hard links here (FAT, some network shares): move the file
		// itself aside instead; the store then recovers from the backup
		// if the repaired file cannot be written either.
		if copyPath, err = moveAside(path, now); err != nil {
			return "", fmt.Errorf("persist: moving the settings file aside: %w", err)
		}
	}
	if err := writeFileAtomic(path, fixed); err != nil {
		return copyPath, fmt.Errorf("persist: repairing the settings file: %w", err)
	}
	return copyPath, nil
}

// withoutMixedLists returns data without the top-level lists Fyne would
// panic on, and ok=true when it has none (or Fyne cannot parse data at
// all: it then logs an error and starts empty, which does not crash).
// Like Fyne, it reads the first JSON value and ignores what follows.
func withoutMixedLists(data []byte) (fixed []byte, ok bool) {
	var values map[string]any
	if json.NewDecoder(bytes.NewReader(data)).Decode(&values) != nil {
		return nil, true
	}
	var bad []string
	for k, v := range values {
		if list, isList := v.([]any); isList && !fyneCanConvert(list) {
			bad = append(bad, k)
		}
	}
	if len(bad) == 0 {
		return nil, true
	}
	for _, k := range bad {
		delete(values, k)
	}
	out, err := json.Marshal(values)
	if err != nil { // cannot happen: the values came from JSON
		return []byte(emptyPreferences), false
	}
	return append(out, '\n'), false
}

// fyneCanConvert reports whether Fyne's loader takes list without a panic:
// it converts a list of booleans, numbers or strings to a typed slice by
// asserting every item to the type of the first.
func fyneCanConvert(list []any) bool {
	if len(list) == 0 {
		return true
	}
	switch list[0].(type) {
	case bool, float64, string:
	default: // lists of objects, lists or nulls are kept as they are
		return true
	}
	first := reflect.TypeOf(list[0])
	for _, v := range list[1:] {
		if reflect.TypeOf(v) != first { // a null too
			return false
		}
	}
	return true
}

// setAsideIfNotFile renames what is at path aside when it exists and is not
// a regular file (or a link to one): a folder, a FIFO, a device, a broken
// link. It returns the new path, or "" when it left path alone.
func setAsideIfNotFile(path string, now time.Time) (string, error) {
	if _, err := os.Lstat(path); err != nil {
		return "", nil // missing, or its folder is unusable: nothing to move
	}
	info, err := os.Stat(path)
	if err == nil && info.Mode().IsRegular() {
		return "", nil
	}
	dst := uniquePath(path + folderInfix + now.UTC().Format(damagedTimeLayout))
	if err := os.Rename(path, dst); err != nil {
		return "", fmt.Errorf("persist: %s is not a file and cannot be moved aside: %w", filepath.Base(path), err)
	}
	return dst, nil
}

// uniquePath is base, or base-2, base-3, … whichever does not exist yet
// (or cannot be looked at: then what uses it fails and says why).
func uniquePath(base string) string {
	dst := base
	for i := 2; i < 10000; i++ {
		if _, err := os.Lstat(dst); err != nil {
			return dst
		}
		dst = fmt.Sprintf("%s-%d", base, i)
	}
	return dst
}

// writeNew writes data to path (0600), which must not exist yet: it links
// a synced temporary file there, and Link, unlike Rename, never replaces a
// file (an error wrapping fs.ErrExist when there is one).
func writeNew(path string, data []byte) error {
	tmp, err := writeTemp(filepath.Dir(path), data)
	if err != nil {
		return err
	}
	defer os.Remove(tmp)
	if err := os.Link(tmp, path); err != nil {
		return err
	}
	syncDir(filepath.Dir(path))
	return secureFile(path)
}
