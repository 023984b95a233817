package persist

import (
	"bytes"
	"encoding/json"
	"maps"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"testing"

	"github.com/pumpconnect/pumpconnect/pumpauth"
)

// appDir returns a new directory laid out like Fyne's config directory for
// the app, and the preferences file in it.
func appDir(t *testing.T) (dir, path string) {
	t.Helper()
	dir = filepath.Join(t.TempDir(), "fyne", "io.github.pumpconnect.PumpConnect")
	return dir, PreferencesPath(dir)
}

// reopen is a restart of the app: preferences loaded from the file as Fyne
// would, and a new store on them.
func reopen(t *testing.T, path string) *Store {
	t.Helper()
	return openStore(t, filePrefs(t, path), path)
}

func readFile(t *testing.T, path string) []byte {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return data
}

func writeFile(t *testing.T, path string, data []byte, perm os.FileMode) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, data, perm); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(path, perm); err != nil { // whatever the umask
		t.Fatal(err)
	}
}

func TestFileModes(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("file modes do not apply on Windows")
	}
	tests := []struct {
		name    string
		prepare func(t *testing.T, dir, path string)
		want    string // the file's content after open; "" to skip
	}{
		{"no directory, no file", func(t *testing.T, dir, path string) {}, emptyPreferences},
		{"directory 0755, no file", func(t *testing.T, dir, path string) {
			if err := os.MkdirAll(dir, 0o755); err != nil {
				t.Fatal(err)
			}
			if err := os.Chmod(dir, 0o755); err != nil {
				t.Fatal(err)
			}
		}, emptyPreferences},
		{"file 0644 as Fyne creates it", func(t *testing.T, dir, path string) {
			writeFile(t, path, []byte(`{"window.width":800}`+"\n"), 0o644)
		}, `{"window.width":800}` + "\n"},
		{"file 0666 holding accounts", func(t *testing.T, dir, path string) {
			s := openStore(t, filePrefs(t, path), path)
			connect(t, s, "alice")
			must(t, os.Chmod(path, 0o666))
			must(t, os.Chmod(dir, 0o777))
		}, ""},
		{"empty file 0644", func(t *testing.T, dir, path string) {
			writeFile(t, path, nil, 0o644)
		}, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir, path := appDir(t)
			tt.prepare(t, dir, path)
			prefs := filePrefs(t, path)
			s := openStore(t, prefs, path)
			assertMode(t, dir, 0o700)
			assertMode(t, path, 0o600) // before any Set*
			if tt.want != "" {
				if got := string(readFile(t, path)); got != tt.want {
					t.Errorf("file after open: %q, want %q", got, tt.want)
				}
			}
			connect(t, s, "bob")
			assertMode(t, path, 0o600)
			assertMode(t, backupPath(dir), 0o600)
			if !bytes.Contains(readFile(t, path), []byte("token-secret-bob")) {
				t.Error("the preferences file does not hold the token: the fake Fyne did not save")
			}
		})
	}
}

// corruptionHistory is what happened before the file was damaged: alice
// connected (snapshot "a"), then bob (snapshot "ab"), then maybe bob was
// forgotten (snapshot "a-forgot-b").
type corruptionCase struct {
	name       string
	forgetBob  bool
	file       func(snap map[string][]byte) []byte // nil: no file
	noBackup   bool
	badBackup  bool
	want       []string // accounts after open
	current    string
	notice     string
	damagedCpy bool // a .damaged copy is kept
}

// cutIn returns data cut in the middle of the entry of key.
func cutIn(data []byte, key string) []byte {
	i := bytes.Index(data, []byte(`"`+key+`"`))
	if i < 0 {
		panic("no " + key)
	}
	return slices.Clone(data[:i+len(key)+40])
}

func TestCorruptionRecovery(t *testing.T) {
	tests := []corruptionCase{
		{
			name:       "garbage, backup",
			file:       func(map[string][]byte) []byte { return []byte("\x00\x01 this is not JSON {{{") },
			want:       []string{alice, bob},
			current:    bob,
			notice:     "Pump Connect's settings file was damaged. Your 2 accounts were restored.",
			damagedCpy: true,
		},
		{
			name:       "garbage, no backup",
			file:       func(map[string][]byte) []byte { return []byte("\x00\x01 this is not JSON {{{") },
			noBackup:   true,
			want:       []string{},
			notice:     "Pump Connect's settings file was damaged and had to be reset.",
			damagedCpy: true,
		},
		{
			name:       "truncated in bob's entry, backup",
			file:       func(s map[string][]byte) []byte { return cutIn(s["ab"], keyAccountPrefix+bob) },
			want:       []string{alice, bob},
			current:    bob,
			notice:     "Pump Connect's settings file was damaged. Your 2 accounts were restored.",
			damagedCpy: true,
		},
		{
			name:       "truncated in bob's entry, no backup",
			file:       func(s map[string][]byte) []byte { return cutIn(s["ab"], keyAccountPrefix+bob) },
			noBackup:   true,
			want:       []string{alice},
			notice:     "Pump Connect's settings file was damaged. Your account was restored, but 1 account could not be: please connect bob@pump.example again.",
			damagedCpy: true,
		},
		{
			name:       "truncated in bob's entry, backup unreadable",
			file:       func(s map[string][]byte) []byte { return cutIn(s["ab"], keyAccountPrefix+bob) },
			badBackup:  true,
			want:       []string{alice},
			notice:     "Pump Connect's settings file was damaged. Your account was restored, but 1 account could not be: please connect bob@pump.example again.",
			damagedCpy: true,
		},
		{
			name:       "truncated in alice's entry, no backup",
			file:       func(s map[string][]byte) []byte { return cutIn(s["ab"], keyAccountPrefix+alice) },
			noBackup:   true,
			want:       []string{},
			notice:     "Pump Connect's settings file was damaged and 2 accounts could not be restored: please connect alice@pump.example and bob@pump.example again.",
			damagedCpy: true,
		},
		{
			name: "zeros over alice's entry, no backup",
			file: func(s map[string][]byte) []byte {
				d := slices.Clone(s["ab"])
				i := bytes.Index(d, []byte(`"`+keyAccountPrefix+alice))
				clear(d[i+10 : i+200])
				return d
			},
			noBackup:   true,
			want:       []string{bob},
			current:    bob,
			notice:     "Pump Connect's settings file was damaged. Your account was restored, but 1 account could not be: please connect alice@pump.example again.",
			damagedCpy: true,
		},
		{
			name:    "zero bytes, backup",
			file:    func(map[string][]byte) []byte { return []byte{} },
			want:    []string{alice, bob},
			current: bob,
			notice:  "Pump Connect's settings file was damaged. Your 2 accounts were restored.",
		},
		{
			name:     "zero bytes, no backup",
			file:     func(map[string][]byte) []byte { return []byte{} },
			noBackup: true,
			want:     []string{},
		},
		{
			name:    "only white space, backup",
			file:    func(map[string][]byte) []byte { return []byte(" \n") },
			want:    []string{alice, bob},
			current: bob,
			notice:  "Pump Connect's settings file was damaged. Your 2 accounts were restored.",
		},
		{
			name:       "valid but lacking bob (its write was lost), backup",
			file:       func(s map[string][]byte) []byte { return s["a"] },
			want:       []string{alice, bob},
			current:    bob,
			notice:     "Pump Connect's settings file was damaged. Your account was restored.",
			damagedCpy: true,
		},
		{
			name:    "missing, backup",
			file:    func(map[string][]byte) []byte { return nil },
			want:    []string{alice, bob},
			current: bob,
			notice:  "Pump Connect's settings file was missing. Your 2 accounts were restored.",
		},
		{
			name:      "valid but still holding forgotten bob (its write was lost), backup",
			forgetBob: true,
			file:      func(s map[string][]byte) []byte { return s["ab"] },
			want:      []string{alice},
		},
		{
			name:      "truncated in forgotten bob's entry, backup",
			forgetBob: true,
			file:      func(s map[string][]byte) []byte { return cutIn(s["ab"], keyAccountPrefix+bob) },
			want:      []string{alice},
			notice:    "Pump Connect's settings file was damaged. Your account was restored.",
			// the copy mentions bob, who was forgotten: not kept
		},
		{
			name:    "intact",
			file:    func(s map[string][]byte) []byte { return s["ab"] },
			want:    []string{alice, bob},
			current: bob,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir, path := appDir(t)
			snap := map[string][]byte{}
			s := openStore(t, filePrefs(t, path), path)
			connect(t, s, "alice")
			snap["a"] = readFile(t, path)
			connect(t, s, "bob")
			snap["ab"] = readFile(t, path)
			if tt.forgetBob {
				must(t, s.Forget(parsed(bob)))
			}
			before := map[string]Account{}
			for _, a := range s.Accounts() {
				before[a.Address] = a
			}

			bad := tt.file(snap)
			if bad == nil {
				must(t, os.Remove(path))
			} else {
				writeFile(t, path, bad, 0o600)
			}
			switch {
			case tt.noBackup:
				must(t, os.Remove(backupPath(dir)))
			case tt.badBackup:
				writeFile(t, backupPath(dir), []byte(`{"schema":1,"accou`), 0o600)
			}

			prefs := filePrefs(t, path)
			s2 := openStore(t, prefs, path)
			if got := s2.Notice(); got != tt.notice {
				t.Errorf("Notice()\n got %q\nwant %q", got, tt.notice)
			}
			got := s2.Accounts()
			if !slices.Equal(addresses(got), tt.want) {
				t.Fatalf("accounts %v, want %v", addresses(got), tt.want)
			}
			for _, a := range got {
				if !a.equal(before[a.Address]) {
					t.Errorf("recovered %+v\n     was %+v", a, before[a.Address])
				}
			}
			if c, ok := s2.Current(); c.Address != tt.current || ok != (tt.current != "") {
				t.Errorf("Current() = %q, %v; want %q", c.Address, ok, tt.current)
			}

			copies := damagedCopies(path)
			if tt.damagedCpy {
				if len(copies) != 1 {
					t.Fatalf("damaged copies: %v, want one", copies)
				}
				assertMode(t, copies[0], 0o600)
				if !bytes.Equal(readFile(t, copies[0]), bad) {
					t.Error("the damaged copy differs from the damaged file")
				}
			} else if len(copies) != 0 {
				t.Errorf("damaged copies: %v, want none", copies)
			}

			// On disk now: a valid preferences file (0600) and backup, both
			// holding exactly the recovered accounts.
			assertMode(t, path, 0o600)
			onDisk, err := parseStrict(readFile(t, path))
			if err != nil {
				t.Fatalf("preferences file after recovery: %v", err)
			}
			bk, ok := readBackup(backupPath(dir))
			if len(tt.want) > 0 || !tt.noBackup {
				if !ok {
					t.Fatal("no backup after recovery")
				}
				assertMode(t, backupPath(dir), 0o600)
			}
			copiesOnDisk := map[string]source{"preferences file": onDisk}
			if ok {
				copiesOnDisk["backup"] = bk.source()
			}
			for what, src := range copiesOnDisk {
				if keys := slices.Sorted(maps.Keys(src.records)); !slices.Equal(keys, tt.want) {
					t.Errorf("%s holds %v, want %v", what, keys, tt.want)
				}
			}
			if tt.forgetBob {
				assertNoSecrets(t, "preferences", dumpPrefs(t, prefs), secretsOf("bob")...)
				assertNoSecrets(t, "preferences file", string(readFile(t, path)), secretsOf("bob")...)
			}

			// A restart after the recovery: nothing more to recover.
			s3 := reopen(t, path)
			if n := s3.Notice(); n != "" {
				t.Errorf("second open: Notice() = %q", n)
			}
			if !slices.Equal(addresses(s3.Accounts()), tt.want) {
				t.Errorf("second open: accounts %v, want %v", addresses(s3.Accounts()), tt.want)
			}
		})
	}
}

// TestKillMidFlow: the app is killed right after SaveRegistration, before
// the browser step; the next start must find the registration.
func TestKillMidFlow(t *testing.T) {
	tests := []struct {
		name   string
		after  func(t *testing.T, path string, before []byte) // what reached the disk
		notice string
	}{
		{"every write reached the disk", func(*testing.T, string, []byte) {}, ""},
		{"Fyne saved the account but not the index and revision (debounced)", func(t *testing.T, path string, _ []byte) {
			var m map[string]any
			must(t, json.Unmarshal(readFile(t, path), &m))
			delete(m, keyIndex)
			delete(m, keyRevision)
			delete(m, keySchema)
			data, err := json.Marshal(m)
			must(t, err)
			writeFile(t, path, data, 0o600)
		}, ""},
		{"no preferences write reached the disk", func(t *testing.T, path string, before []byte) {
			writeFile(t, path, before, 0o600)
		}, "Pump Connect's settings file was damaged. Your account was restored."},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, path := appDir(t)
			s := openStore(t, filePrefs(t, path), path)
			before := readFile(t, path)
			must(t, s.SaveRegistration(parsed(alice), client("alice"), pumpauth.Endpoints{Base: "https://pump.example"}))
			tt.after(t, path, before)

			s2 := reopen(t, path)
			a, ok := s2.Account(parsed(alice))
			if !ok || a.ClientKey != "key-alice" || a.ClientSecret != "client-secret-alice" || a.HasToken() {
				t.Fatalf("after restart: %+v, %v", a, ok)
			}
			if got := s2.Notice(); got != tt.notice {
				t.Errorf("Notice() = %q, want %q", got, tt.notice)
			}
		})
	}
}

// TestForgetRemovesSecretsFromFiles: the preferences file, the backup and
// any damaged copy lose every secret of a forgotten account.
func TestForgetRemovesSecretsFromFiles(t *testing.T) {
	dir, path := appDir(t)
	s := openStore(t, filePrefs(t, path), path)
	connect(t, s, "alice")
	connect(t, s, "bob")
	connect(t, s, "carol")
	// Damage the file twice: two damaged copies, one naming alice.
	full := readFile(t, path)
	writeFile(t, path, cutIn(full, keyAccountPrefix+"bob@pump.example"), 0o600)
	openStore(t, filePrefs(t, path), path)
	writeFile(t, path, []byte("garbage"), 0o600)
	s = openStore(t, filePrefs(t, path), path)
	if n := len(damagedCopies(path)); n != 2 {
		t.Fatalf("%d damaged copies, want 2", n)
	}

	must(t, s.Forget(parsed(alice)))

	assertNoSecrets(t, "preferences file", string(readFile(t, path)), append(secretsOf("alice"), alice)...)
	assertNoSecrets(t, "backup", string(readFile(t, backupPath(dir))), append(secretsOf("alice"), alice)...)
	for _, c := range damagedCopies(path) {
		assertNoSecrets(t, filepath.Base(c), string(readFile(t, c)), append(secretsOf("alice"), alice)...)
	}
	if n := len(damagedCopies(path)); n != 1 {
		t.Errorf("%d damaged copies left, want 1 (the one without alice)", n)
	}
	// Nothing else in the directory may mention alice.
	entries, err := os.ReadDir(dir)
	must(t, err)
	for _, e := range entries {
		if e.IsDir() {
			continue
		}
		if data := readFile(t, filepath.Join(dir, e.Name())); bytes.Contains(data, []byte("secret-alice")) {
			t.Errorf("%s still holds a secret of alice", e.Name())
		}
	}
	if got := addresses(s.Accounts()); !slices.Equal(got, []string{bob, "carol@pump.example"}) {
		t.Errorf("accounts after Forget: %v", got)
	}
}

func TestAtomicWrite(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, backupFileName)
	writeFile(t, p, []byte("old"), 0o644)
	must(t, writeFileAtomic(p, []byte("new")))
	if got := string(readFile(t, p)); got != "new" {
		t.Errorf("content %q", got)
	}
	assertMode(t, p, 0o600)
	leftover := filepath.Join(dir, strings.Replace(tempPattern, "*", "123", 1))
	writeFile(t, leftover, []byte("half"), 0o600)
	removeTemps(dir)
	entries, err := os.ReadDir(dir)
	must(t, err)
	if len(entries) != 1 {
		t.Errorf("files left: %v", entries)
	}
}

// TestOpenCleansUp: temp files of an interrupted backup write are removed
// at open, and an interrupted backup write leaves the old backup in use.
func TestOpenCleansUp(t *testing.T) {
	dir, path := appDir(t)
	s := openStore(t, filePrefs(t, path), path)
	connect(t, s, "alice")
	leftover := filepath.Join(dir, strings.Replace(tempPattern, "*", "999", 1))
	writeFile(t, leftover, []byte(`{"schema":1,"accounts":[{"addr`), 0o600)
	writeFile(t, path, []byte("{"), 0o600)
	s2 := reopen(t, path)
	if _, err := os.Stat(leftover); !isNotExist(err) {
		t.Errorf("temp file still there: %v", err)
	}
	if _, ok := s2.Account(parsed(alice)); !ok {
		t.Error("alice not restored from the backup")
	}
}
