//go:build realprefs

// These tests use the real Fyne app and its file-backed preferences (cgo and
// GL to build, no display needed): go test -tags realprefs ./persist/
//
// Each step runs in a new process (the test binary re-executed), like a
// start of the app, with HOME and XDG_CONFIG_HOME in a temporary directory.
// The Fyne event loop never runs there, so Fyne saves the preferences file
// for the first change of a process only (later ones wait for the loop, as
// they do for 100 ms in the app): each step makes at most one change.

package persist

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2/app"

	"github.com/pumpconnect/pumpconnect/pumpauth"
)

const (
	realStepEnv    = "PERSIST_REALPREFS_STEP"    // "open" or "register"
	realPrepareEnv = "PERSIST_REALPREFS_PREPARE" // set: PrepareForFyne first, as main does
	realAppID      = "io.github.pumpconnect.PumpConnect"
	reportPrefix   = "REPORT "
)

func init() { helpers["realprefs"] = realPrefsHelper }

// realReport is what a step saw.
type realReport struct {
	Path          string      // the preferences file
	ModeAfterOpen fs.FileMode // before any change
	ModeAfterSave fs.FileMode
	DirMode       fs.FileMode
	Notice        string
	Accounts      []string
	AliceKey      string
	Err           string
	PredictedRoot string // FyneRoot's answer
	SetAside      string // what PrepareForFyne set aside
}

// realPrefsHelper is one start of the app.
func realPrefsHelper() int {
	var r realReport
	defer func() {
		out, _ := json.Marshal(r)
		fmt.Println(reportPrefix + string(out))
	}()
	root, err := FyneRoot(realAppID)
	if err != nil {
		r.Err = err.Error()
		return 1
	}
	r.PredictedRoot = root
	if os.Getenv(realPrepareEnv) != "" {
		if r.SetAside, err = PrepareForFyne(PreferencesPath(root), time.Now()); err != nil {
			r.Err = err.Error()
			return 1
		}
	}
	a := app.NewWithID(realAppID)
	r.Path = PreferencesPath(a.Storage().RootURI().Path())
	s, err := NewStore(a.Preferences(), r.Path, SetAsideAtStart(r.SetAside))
	if err != nil {
		r.Err = err.Error()
		return 1
	}
	r.ModeAfterOpen = modeOf(r.Path)
	r.DirMode = modeOf(filepath.Dir(r.Path))
	if os.Getenv(realStepEnv) == "register" {
		if err := s.SaveRegistration(parsed(alice), client("alice"), pumpauth.Endpoints{Base: "https://pump.example"}); err != nil {
			r.Err = err.Error()
			return 1
		}
	}
	r.ModeAfterSave = modeOf(r.Path)
	r.Notice = s.Notice()
	r.Accounts = addresses(s.Accounts())
	if acc, ok := s.Account(parsed(alice)); ok {
		r.AliceKey = acc.ClientKey + "/" + acc.ClientSecret
	}
	return 0
}

func modeOf(path string) fs.FileMode {
	fi, err := os.Stat(path)
	if err != nil {
		return 0
	}
	return fi.Mode().Perm()
}

// realStep starts the app (the helper) with its config under home, as
// main does (PrepareForFyne first).
func realStep(t *testing.T, home, step string) realReport {
	t.Helper()
	return realStepWith(t, home, step, true)
}

// realStepCmd is the command of one start; prepare says whether it runs
// PrepareForFyne before Fyne opens the file.
func realStepCmd(home, step string, prepare bool) *exec.Cmd {
	cmd := exec.Command(os.Args[0])
	cmd.Env = append(os.Environ(),
		helperEnv+"=realprefs", realStepEnv+"="+step,
		"HOME="+home, "USERPROFILE="+home, "XDG_CONFIG_HOME="+filepath.Join(home, ".config"),
		"LANG=en_US.UTF-8")
	if prepare {
		cmd.Env = append(cmd.Env, realPrepareEnv+"=1")
	}
	return cmd
}

func realStepWith(t *testing.T, home, step string, prepare bool) realReport {
	t.Helper()
	cmd := realStepCmd(home, step, prepare)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("step %s: %v\n%s%s", step, err, out, stderr.Bytes())
	}
	sc := bufio.NewScanner(bytes.NewReader(out))
	for sc.Scan() {
		if line, ok := strings.CutPrefix(sc.Text(), reportPrefix); ok {
			var r realReport
			must(t, json.Unmarshal([]byte(line), &r))
			if r.Err != "" {
				t.Fatalf("step %s: %s", step, r.Err)
			}
			if !strings.HasPrefix(r.Path, home) {
				t.Fatalf("step %s: preferences at %s, not under %s", step, r.Path, home)
			}
			return r
		}
	}
	t.Fatalf("step %s: no report in %q (stderr %q)", step, out, stderr.Bytes())
	return realReport{}
}

func wantMode(t *testing.T, what string, got, want fs.FileMode) {
	t.Helper()
	if runtime.GOOS != "windows" && got != want {
		t.Errorf("%s: mode %#o, want %#o", what, got, want)
	}
}

// TestRealPreferencesFile: registration saved in one start is there at the
// next, and the file Fyne writes is 0600 from the start.
func TestRealPreferencesFile(t *testing.T) {
	home := t.TempDir()
	r := realStep(t, home, "register")
	wantMode(t, "preferences file after open", r.ModeAfterOpen, 0o600)
	wantMode(t, "preferences file after a save", r.ModeAfterSave, 0o600)
	wantMode(t, "config directory", r.DirMode, 0o700)
	wantMode(t, "backup", modeOf(backupPath(filepath.Dir(r.Path))), 0o600)
	data := readFile(t, r.Path)
	if !bytes.Contains(data, []byte(`"`+keyAccountPrefix+alice+`"`)) {
		t.Fatalf("Fyne did not write the registration: %s", data)
	}
	if _, err := parseStrict(data); err != nil {
		t.Fatalf("the real file is not valid: %v", err)
	}

	// The app was killed after the registration: the next start has it.
	r = realStep(t, home, "open")
	if r.Notice != "" || r.AliceKey != "key-alice/client-secret-alice" {
		t.Fatalf("after restart: notice %q, alice %q", r.Notice, r.AliceKey)
	}
	wantMode(t, "preferences file", modeOf(r.Path), 0o600)
}

// TestRealPreferencesExistingFile: a file Fyne created 0644 (by an older
// version) becomes 0600 at open, and keeps its values.
func TestRealPreferencesExistingFile(t *testing.T) {
	home := t.TempDir()
	r := realStep(t, home, "open") // finds out where the file goes
	must(t, os.Chmod(filepath.Dir(r.Path), 0o755))
	writeFile(t, r.Path, []byte(`{"window.width":800}`+"\n"), 0o644)
	r = realStep(t, home, "open")
	wantMode(t, "preferences file after open", r.ModeAfterOpen, 0o600)
	wantMode(t, "config directory", r.DirMode, 0o700)
	if got := string(readFile(t, r.Path)); got != `{"window.width":800}`+"\n" {
		t.Errorf("file content changed: %q", got)
	}
}

// TestRealPreferencesTruncated: a real file cut short in the middle of an
// account (a crash while Fyne rewrote it) is recovered at the next start.
func TestRealPreferencesTruncated(t *testing.T) {
	home := t.TempDir()
	r := realStep(t, home, "register")
	data := readFile(t, r.Path)
	writeFile(t, r.Path, cutIn(data, keyAccountPrefix+alice), 0o600)

	r = realStep(t, home, "open")
	if want := "Pump Connect's settings file was damaged. Your account was restored."; r.Notice != want {
		t.Errorf("Notice() = %q, want %q", r.Notice, want)
	}
	if r.AliceKey != "key-alice/client-secret-alice" {
		t.Fatalf("alice not restored: %q", r.AliceKey)
	}
	copies := damagedCopies(r.Path)
	if len(copies) != 1 {
		t.Fatalf("damaged copies: %v", copies)
	}
	wantMode(t, "damaged copy", modeOf(copies[0]), 0o600)
	wantMode(t, "preferences file", modeOf(r.Path), 0o600)
	if data := readFile(t, r.Path); !bytes.Contains(data, []byte("client-secret-alice")) {
		t.Errorf("Fyne did not write the restored account: %s", data)
	} else if _, err := parseStrict(data); err != nil {
		t.Errorf("the rewritten file is not valid: %v", err)
	}

	// And the start after that is a normal one.
	r = realStep(t, home, "open")
	if r.Notice != "" || r.AliceKey != "key-alice/client-secret-alice" {
		t.Errorf("next start: notice %q, alice %q", r.Notice, r.AliceKey)
	}
}

// TestRealFyneRoot: FyneRoot names the folder Fyne really uses, so main
// checks the right file before Fyne opens it.
func TestRealFyneRoot(t *testing.T) {
	r := realStep(t, t.TempDir(), "open")
	if got, want := r.PredictedRoot, filepath.Dir(r.Path); got != want {
		t.Fatalf("FyneRoot = %q, Fyne uses %q", got, want)
	}
}

// TestRealPreferencesMixedList: a list mixing types (a hand edit, a sync
// conflict) makes Fyne panic while it makes the app, on every start.
// PrepareForFyne, run first as main does, keeps a copy and drops the list;
// the account survives, index and all.
func TestRealPreferencesMixedList(t *testing.T) {
	home := t.TempDir()
	r := realStep(t, home, "register")
	var values map[string]any
	must(t, json.Unmarshal(readFile(t, r.Path), &values))
	values["x"] = []any{1, "a"}
	values[keyIndex] = []any{alice, 7}
	bad, err := json.Marshal(values)
	must(t, err)
	writeFile(t, r.Path, bad, 0o600)

	// Without the check, Fyne crashes: the reason for it.
	out, err := realStepCmd(home, "open", false).CombinedOutput()
	if err == nil || !bytes.Contains(out, []byte("panic")) {
		t.Fatalf("Fyne loaded a mixed list without a panic (err %v): the check may be unneeded now\n%s", err, out)
	}

	r = realStep(t, home, "open")
	if r.SetAside == "" || !bytes.Equal(readFile(t, r.SetAside), bad) {
		t.Fatalf("the file as it was is not kept (set aside: %q)", r.SetAside)
	}
	wantMode(t, "the copy", modeOf(r.SetAside), 0o600)
	if r.AliceKey != "key-alice/client-secret-alice" || !strings.Contains(r.Notice, "set aside as "+filepath.Base(r.SetAside)) {
		t.Fatalf("after the repair: alice %q, notice %q", r.AliceKey, r.Notice)
	}
	r = realStep(t, home, "open")
	if r.SetAside != "" || r.AliceKey != "key-alice/client-secret-alice" {
		t.Errorf("next start: set aside %q, alice %q", r.SetAside, r.AliceKey)
	}
}

// TestRealPreferencesNotAFile: a folder where the preferences file belongs,
// and 1 MB of garbage there; the accounts come back from the backup.
func TestRealPreferencesNotAFile(t *testing.T) {
	for _, tc := range []struct {
		name  string
		spoil func(t *testing.T, path string)
	}{
		{"folder", func(t *testing.T, path string) {
			must(t, os.Remove(path))
			must(t, os.MkdirAll(filepath.Join(path, "inside"), 0o700))
		}},
		{"garbage", func(t *testing.T, path string) {
			writeFile(t, path, bytes.Repeat([]byte("\x00garbage{[\""), 1<<20/10), 0o600)
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			home := t.TempDir()
			r := realStep(t, home, "register")
			tc.spoil(t, r.Path)
			r = realStep(t, home, "open")
			if r.AliceKey != "key-alice/client-secret-alice" {
				t.Fatalf("alice not restored: %q (notice %q)", r.AliceKey, r.Notice)
			}
			if !strings.Contains(r.Notice, "restored") {
				t.Errorf("notice %q does not say the account was restored", r.Notice)
			}
			r = realStep(t, home, "open")
			if r.AliceKey != "key-alice/client-secret-alice" || r.Notice != "" {
				t.Errorf("next start: alice %q, notice %q", r.AliceKey, r.Notice)
			}
		})
	}
}
