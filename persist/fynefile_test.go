package persist

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func TestPrepareForFyne(t *testing.T) {
	tests := []struct {
		name     string
		content  string // "" with folder or fifo: not a file
		folder   bool
		fifo     bool
		setAside bool   // something was set aside
		want     string // the file afterwards ("" : as it was; "-": gone)
	}{
		{name: "missing", want: "-"},
		{name: "fine", content: `{"a":["x","y"],"n":[1,2],"b":[true],"o":[{"k":1},"z"]}`},
		{name: "mixed list", content: `{"x":[1,"a"],"account/a@b.example":"{}"}`, setAside: true, want: `{"account/a@b.example":"{}"}` + "\n"},
		{name: "null in a string list", content: `{"s":["a",null],"k":"v"}`, setAside: true, want: `{"k":"v"}` + "\n"},
		{name: "trailing garbage after a mixed list", content: `{"b":[true,0]} garbage`, setAside: true, want: "{}\n"},
		{name: "garbage is left to the store", content: "\x00{[garbage"},
		{name: "not an object", content: `[1,"a"]`},
		{name: "folder", folder: true, setAside: true, want: "-"},
		{name: "fifo", fifo: true, setAside: true, want: "-"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, path := appDir(t)
			must(t, os.MkdirAll(filepath.Dir(path), 0o700))
			switch {
			case tc.folder:
				must(t, os.MkdirAll(filepath.Join(path, "inside"), 0o700))
			case tc.fifo:
				if err := mkfifo(path); err != nil {
					t.Skipf("no FIFO here: %v", err)
				}
			case tc.content != "":
				writeFile(t, path, []byte(tc.content), 0o600)
			}
			moved, err := PrepareForFyne(path, fixedNow)
			if err != nil {
				t.Fatal(err)
			}
			if (moved != "") != tc.setAside {
				t.Fatalf("set aside %q, want something: %v", moved, tc.setAside)
			}
			if moved != "" {
				if !strings.HasPrefix(filepath.Base(moved), preferencesFileName+".") {
					t.Errorf("set aside as %q", moved)
				}
				if tc.content != "" {
					if got := string(readFile(t, moved)); got != tc.content {
						t.Errorf("the copy holds %q, want the file as it was", got)
					}
					assertMode(t, moved, filePerm)
				}
			}
			got, err := os.ReadFile(path)
			switch {
			case tc.want == "-":
				if !isNotExist(err) {
					t.Errorf("the file is still there (%v)", err)
				}
			case tc.want == "":
				if string(got) != tc.content {
					t.Errorf("the file changed to %q", got)
				}
			default:
				if string(got) != tc.want {
					t.Errorf("the file is %q, want %q", got, tc.want)
				}
				assertMode(t, path, filePerm)
			}
		})
	}
}

// TestStoreOpensAroundNonFiles: a folder where the settings file or the
// backup belongs does not stop the store from opening (the app would
// refuse to start), and the accounts come back.
func TestStoreOpensAroundNonFiles(t *testing.T) {
	for _, which := range []string{preferencesFileName, backupFileName} {
		t.Run(which, func(t *testing.T) {
			dir, path := appDir(t)
			connect(t, reopen(t, path), "alice")
			spoilt := filepath.Join(dir, which)
			must(t, os.Remove(spoilt))
			must(t, os.MkdirAll(filepath.Join(spoilt, "inside"), 0o700))

			s := reopen(t, path)
			if _, ok := s.Account(parsed(alice)); !ok {
				t.Fatalf("alice is gone; notice %q", s.Notice())
			}
			if fi, err := os.Stat(spoilt); err != nil || !fi.Mode().IsRegular() {
				t.Errorf("%s is not a file again: %v", which, err)
			}
			aside, _ := filepath.Glob(spoilt + folderInfix + "*")
			if len(aside) != 1 {
				t.Errorf("the folder was not kept aside: %v", aside)
			}
			// Forgetting the account never deletes the folder set aside.
			must(t, s.Forget(parsed(alice)))
			if _, err := os.Stat(filepath.Join(aside[0], "inside")); err != nil {
				t.Errorf("forget touched the folder set aside: %v", err)
			}
		})
	}
}

// TestBackupModeRepaired: a backup restored by hand with 0644 is private
// again once the store opens.
func TestBackupModeRepaired(t *testing.T) {
	if !modesApply {
		t.Skip("file modes do not apply here")
	}
	dir, path := appDir(t)
	connect(t, reopen(t, path), "alice")
	bk := backupPath(dir)
	data := readFile(t, bk)
	must(t, os.Remove(bk))
	writeFile(t, bk, data, 0o644)
	reopen(t, path)
	assertMode(t, bk, filePerm)
	if !bytes.Equal(readFile(t, bk), data) {
		t.Errorf("the backup changed")
	}
}

// TestPrepareForFyneFolderIsAFile: when the app's folder is a file, there
// is nothing to set aside; PrepareForFyne says why and returns (it once
// looped for ever looking for a free name).
func TestPrepareForFyneFolderIsAFile(t *testing.T) {
	dir, path := appDir(t)
	writeFile(t, dir, []byte("x"), 0o600)
	done := make(chan error, 1)
	go func() {
		_, err := PrepareForFyne(path, fixedNow)
		done <- err
	}()
	select {
	case err := <-done:
		if err == nil {
			t.Error("no error for a settings folder that is a file")
		}
	case <-time.After(10 * time.Second):
		t.Fatal("PrepareForFyne did not return")
	}
}
