package persist

import (
	"bytes"
	"encoding/json"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/pumpconnect/pumpconnect/pumpauth"
)

// connectedAccount is nick@pump.example connected in a new in-memory store.
func connectedAccount(t *testing.T, nick string) Account {
	t.Helper()
	s := openStore(t, memPrefs(t), "")
	connect(t, s, nick)
	acct, ok := s.Account(parsed(nick + "@pump.example"))
	if !ok {
		t.Fatalf("%s not stored", nick)
	}
	return acct
}

// readPyPump reads a PyPump credentials file as PyPump does: one JSON object.
func readPyPump(t *testing.T, path string) map[string]any {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal(readFile(t, path), &m); err != nil {
		t.Fatalf("%s: %v", filepath.Base(path), err)
	}
	return m
}

// wantPyPump is what PyPump must find for acct, checked key by key against
// the stored account.
func checkPyPumpKeys(t *testing.T, got map[string]any, acct Account) {
	t.Helper()
	p := acct.Address + "-"
	want := map[string]any{
		p + "client-key":          acct.ClientKey,
		p + "client-secret":       acct.ClientSecret,
		p + "client-expirey":      float64(acct.ClientExpiresAt.Unix()),
		p + "oauth-access-token":  acct.Token,
		p + "oauth-access-secret": acct.TokenSecret,
	}
	if acct.ClientExpiresAt.IsZero() {
		want[p+"client-expirey"] = float64(0)
	}
	for k, v := range want {
		if got[k] != v {
			t.Errorf("%s = %#v, want %#v", k, got[k], v)
		}
	}
	for k := range got {
		if strings.HasPrefix(k, p) {
			if _, ok := want[k]; !ok {
				t.Errorf("unexpected key %s", k)
			}
		}
	}
}

// The export read back holds every key of the stored account, as PyPump
// names them, and nothing else of it.
func TestPyPumpExportReadBack(t *testing.T) {
	for _, tc := range []struct {
		name    string
		expires time.Time
	}{
		{"expiring registration", time.Date(2030, 1, 2, 3, 4, 5, 0, time.UTC)},
		{"registration that never expires", time.Time{}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, prefsPath := appDir(t)
			s := openStore(t, filePrefs(t, prefsPath), prefsPath)
			c := client("alice")
			c.ExpiresAt = tc.expires
			addr := parsed("alice@pump.example:8443")
			must(t, s.SaveRegistration(addr, c, pumpauth.Endpoints{Base: "https://pump.example:8443"}))
			must(t, s.SaveToken(addr, token("alice"), profile("alice")))
			acct, _ := s.Account(addr)

			path := filepath.Join(t.TempDir(), "PyPump", "credentials.json")
			must(t, WritePyPumpFile(path, acct))
			got := readPyPump(t, path)
			checkPyPumpKeys(t, got, acct)
			if len(got) != 5 {
				t.Errorf("file holds %d keys, want 5: %v", len(got), got)
			}
			if got["alice@pump.example:8443-client-secret"] != "client-secret-alice" {
				t.Errorf("keys are not prefixed by the webfinger with its port: %v", got)
			}
			assertMode(t, path, 0o600)
			assertMode(t, filepath.Dir(path), 0o700)

			// The command line's form is the same object.
			out, err := PyPumpJSON(acct)
			must(t, err)
			var printed map[string]any
			must(t, json.Unmarshal(out, &printed))
			checkPyPumpKeys(t, printed, acct)
			if len(printed) != 5 {
				t.Errorf("printed %d keys, want 5", len(printed))
			}
		})
	}
}

// Another account, unrelated keys and PyPump's own leftovers survive; the
// account's old keys are replaced, and the file becomes 0600.
func TestWritePyPumpFileMerges(t *testing.T) {
	alice := connectedAccount(t, "alice")
	dir := filepath.Join(t.TempDir(), "PyPump")
	must(t, os.Mkdir(dir, 0o755))
	path := filepath.Join(dir, "credentials.json")
	old := map[string]any{
		"bob@other.example-client-key":            "bob-key",
		"bob@other.example-client-secret":         "bob-secret",
		"bob@other.example-client-expirey":        0,
		"bob@other.example-oauth-access-token":    "bob-token",
		"bob@other.example-oauth-access-secret":   "bob-token-secret",
		"bob@other.example-oauth-request-token":   "bob-rt",
		"alice@pump.example-client-key":           "stale-key",
		"alice@pump.example-oauth-request-token":  "stale-rt",
		"alice@pump.example-oauth-request-secret": "stale-rs",
		"alice@pump.example-something-else":       []any{"kept", 1.0},
	}
	b, _ := json.Marshal(old)
	must(t, os.WriteFile(path, b, 0o644))
	must(t, os.Chmod(path, 0o644))

	must(t, WritePyPumpFile(path, alice))
	got := readPyPump(t, path)
	for k, v := range old {
		if strings.HasPrefix(k, "bob@") {
			if !jsonEqual(got[k], v) {
				t.Errorf("bob's %s = %#v, want %#v", k, got[k], v)
			}
		}
	}
	if !jsonEqual(got["alice@pump.example-something-else"], old["alice@pump.example-something-else"]) {
		t.Errorf("an unknown key of alice was not kept: %#v", got["alice@pump.example-something-else"])
	}
	for _, k := range []string{"alice@pump.example-oauth-request-token", "alice@pump.example-oauth-request-secret"} {
		if _, ok := got[k]; ok {
			t.Errorf("alice's stale %s was kept", k)
		}
	}
	delete(got, "alice@pump.example-something-else")
	checkPyPumpKeys(t, got, alice)
	assertMode(t, path, 0o600)
	assertMode(t, dir, 0o755) // an existing folder is the person's: left as it is
	leftovers, _ := filepath.Glob(filepath.Join(dir, "*.tmp"))
	if len(leftovers) != 0 {
		t.Errorf("temporary files left: %v", leftovers)
	}

	// Writing a second account keeps the first.
	carol := connectedAccount(t, "carol")
	must(t, WritePyPumpFile(path, carol))
	got = readPyPump(t, path)
	delete(got, "alice@pump.example-something-else")
	checkPyPumpKeys(t, got, alice)
	checkPyPumpKeys(t, got, carol)
	if got["bob@other.example-oauth-access-token"] != "bob-token" {
		t.Error("bob was lost at the second write")
	}
}

func jsonEqual(a, b any) bool {
	x, _ := json.Marshal(a)
	y, _ := json.Marshal(b)
	return bytes.Equal(x, y)
}

// A file that is not a JSON object is never overwritten: the person's other
// accounts in it would be lost.
func TestWritePyPumpFileRefusesBrokenFile(t *testing.T) {
	alice := connectedAccount(t, "alice")
	for _, tc := range []struct {
		name, content string
		problem       PyPumpFileProblem
	}{
		{"garbage", "this is not json client-secret-bob", NotJSON},
		{"cut short", `{"bob@other.example-client-key": "bob-k`, NotJSON},
		{"an array", `["bob@other.example-client-key"]`, NotJSONObject},
		{"a string", `"bob"`, NotJSONObject},
		{"a number", `42`, NotJSONObject},
		{"two objects", `{} {}`, NotJSON},
	} {
		t.Run(tc.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "credentials.json")
			must(t, os.WriteFile(path, []byte(tc.content), 0o600))
			err := WritePyPumpFile(path, alice)
			var fe *PyPumpFileError
			if !errors.As(err, &fe) || !errors.Is(err, ErrNotPyPumpFile) {
				t.Fatalf("err = %v, want a *PyPumpFileError", err)
			}
			if fe.Path != path || fe.Problem != tc.problem {
				t.Errorf("error names %q with problem %d, want %q, %d", fe.Path, fe.Problem, path, tc.problem)
			}
			if got := string(readFile(t, path)); got != tc.content {
				t.Errorf("file changed to %q", got)
			}
			assertNoSecrets(t, "the error", err.Error(), append(secretsOf("alice"), "client-secret-bob", "bob-k")...)
			if entries, _ := os.ReadDir(filepath.Dir(path)); len(entries) != 1 {
				t.Errorf("folder holds %d files, want the file alone", len(entries))
			}
		})
	}
	t.Run("a folder", func(t *testing.T) {
		path := filepath.Join(t.TempDir(), "credentials.json")
		must(t, os.Mkdir(path, 0o700))
		if err := WritePyPumpFile(path, alice); !errors.Is(err, ErrNotPyPumpFile) {
			t.Fatalf("err = %v, want ErrNotPyPumpFile", err)
		}
	})
}

// An empty file or JSON null holds nothing to keep (PyPump reads null as
// empty): it is replaced.
func TestWritePyPumpFileEmptyFile(t *testing.T) {
	alice := connectedAccount(t, "alice")
	for _, content := range []string{"", " \n", "null", "{}"} {
		path := filepath.Join(t.TempDir(), "credentials.json")
		must(t, os.WriteFile(path, []byte(content), 0o600))
		must(t, WritePyPumpFile(path, alice))
		checkPyPumpKeys(t, readPyPump(t, path), alice)
	}
}

// A symbolic link (dotfiles kept elsewhere) stays a link: the file it names
// is written.
func TestWritePyPumpFileFollowsSymlink(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("symbolic links need privileges on Windows")
	}
	alice := connectedAccount(t, "alice")
	target := filepath.Join(t.TempDir(), "real.json")
	must(t, os.WriteFile(target, []byte(`{"bob@other.example-client-key":"bob-key"}`), 0o600))
	link := filepath.Join(t.TempDir(), "credentials.json")
	must(t, os.Symlink(target, link))
	must(t, WritePyPumpFile(link, alice))
	if fi, err := os.Lstat(link); err != nil || fi.Mode()&os.ModeSymlink == 0 {
		t.Fatalf("the link was replaced (%v)", err)
	}
	got := readPyPump(t, target)
	checkPyPumpKeys(t, got, alice)
	if got["bob@other.example-client-key"] != "bob-key" {
		t.Error("bob was lost")
	}
}

// Nothing is exported for an account that is not connected.
func TestExportNeedsToken(t *testing.T) {
	s := openStore(t, memPrefs(t), "")
	addr := parsed("alice@pump.example")
	must(t, s.SaveRegistration(addr, client("alice"), pumpauth.Endpoints{Base: "https://pump.example"}))
	registered, _ := s.Account(addr)
	for _, tc := range []struct {
		name string
		acct Account
	}{
		{"registered, never approved", registered},
		{"token without registration", Account{Address: "alice@pump.example", Token: "t", TokenSecret: "s"}},
		{"zero", Account{}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if _, err := PyPumpCredentials(tc.acct); !errors.Is(err, ErrNotConnected) {
				t.Errorf("PyPumpCredentials: %v", err)
			}
			if _, err := PyPumpJSON(tc.acct); !errors.Is(err, ErrNotConnected) {
				t.Errorf("PyPumpJSON: %v", err)
			}
			if _, err := EnvExport(tc.acct); !errors.Is(err, ErrNotConnected) {
				t.Errorf("EnvExport: %v", err)
			}
			path := filepath.Join(t.TempDir(), "credentials.json")
			if err := WritePyPumpFile(path, tc.acct); !errors.Is(err, ErrNotConnected) {
				t.Errorf("WritePyPumpFile: %v", err)
			}
			if _, err := os.Stat(path); !isNotExist(err) {
				t.Errorf("a file was written (%v)", err)
			}
		})
	}
}

// The env lines, run by a real shell, give back every value exactly, even
// values a shell would otherwise expand.
func TestEnvExportInShell(t *testing.T) {
	sh, err := exec.LookPath("sh")
	if err != nil {
		t.Skip("no sh")
	}
	hostile := Account{
		Address:         "alice@pump.example",
		BaseURL:         "https://pump.example",
		ClientKey:       "key'with'quotes",
		ClientSecret:    `$(touch pwned) "$HOME" \n`,
		ClientExpiresAt: time.Unix(1893553445, 0),
		Token:           "`id`;$PATH",
		TokenSecret:     "line one\nline two'",
	}
	for _, acct := range []Account{connectedAccount(t, "alice"), hostile} {
		out, err := EnvExport(acct)
		must(t, err)
		dir := t.TempDir()
		script := out + `for v in PUMP_WEBFINGER PUMP_SERVER PUMP_CLIENT_KEY PUMP_CLIENT_SECRET PUMP_CLIENT_EXPIRES PUMP_TOKEN PUMP_TOKEN_SECRET; do eval "printf '%s\0' \"\$$v\""; done` + "\n"
		cmd := exec.Command(sh, "-c", script)
		cmd.Dir = dir
		got, err := cmd.Output()
		if err != nil {
			t.Fatalf("sh: %v", err)
		}
		expires := "0"
		if !acct.ClientExpiresAt.IsZero() {
			expires = "1893553445"
		}
		want := strings.Join([]string{acct.Address, "https://pump.example", acct.ClientKey, acct.ClientSecret, expires, acct.Token, acct.TokenSecret}, "\x00") + "\x00"
		if string(got) != want {
			t.Errorf("the shell read\n%q\nwant\n%q", got, want)
		}
		if _, err := os.Stat(filepath.Join(dir, "pwned")); err == nil {
			t.Error("a value was run as a command")
		}
	}
}

func TestServerURL(t *testing.T) {
	for _, tc := range []struct {
		name string
		acct Account
		want string
	}{
		{"from discovery", Account{Address: "alice@pump.example", BaseURL: "https://pump.example", Endpoints: pumpauth.Endpoints{Base: "https://other"}}, "https://pump.example"},
		{"from the endpoints", Account{Address: "alice@pump.example", Endpoints: pumpauth.Endpoints{Base: "https://pump.example:8443"}}, "https://pump.example:8443"},
		{"from the address", Account{Address: "alice@pump.example:8443"}, "https://pump.example:8443"},
		{"plain http allowed", Account{Address: "alice@pump.example", PlainHTTP: true}, "http://pump.example"},
	} {
		if got := ServerURL(tc.acct); got != tc.want {
			t.Errorf("%s: %q, want %q", tc.name, got, tc.want)
		}
	}
}

func TestDefaultPyPumpPath(t *testing.T) {
	home := t.TempDir()
	for _, tc := range []struct{ name, xdg, want string }{
		{"XDG_CONFIG_HOME", filepath.Join(home, "cfg"), filepath.Join(home, "cfg", "PyPump", "credentials.json")},
		{"unset", "", filepath.Join(home, ".config", "PyPump", "credentials.json")},
		{"relative", "cfg", filepath.Join(home, ".config", "PyPump", "credentials.json")},
		{"tilde", "~/cfg", filepath.Join(home, "cfg", "PyPump", "credentials.json")},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Setenv("HOME", home)
			t.Setenv("USERPROFILE", home)
			t.Setenv("XDG_CONFIG_HOME", tc.xdg)
			got, err := DefaultPyPumpPath()
			if err != nil || got != tc.want {
				t.Errorf("DefaultPyPumpPath() = %q, %v; want %q", got, err, tc.want)
			}
		})
	}
}

// fileSnapshot is what a read-only reader must not change: content and mode.
func fileSnapshot(t *testing.T, dir string) map[string]string {
	t.Helper()
	out := map[string]string{}
	entries, err := os.ReadDir(dir)
	must(t, err)
	for _, e := range entries {
		fi, err := e.Info()
		must(t, err)
		data, _ := os.ReadFile(filepath.Join(dir, e.Name()))
		out[e.Name()] = fi.Mode().String() + " " + fi.ModTime().String() + " " + string(data)
	}
	return out
}

// ReadAccounts sees what the store saved, from the file or from the backup
// when the file is damaged, and changes nothing.
func TestReadAccounts(t *testing.T) {
	for _, tc := range []struct {
		name   string
		damage func(t *testing.T, path string)
	}{
		{"intact", func(*testing.T, string) {}},
		{"file cut short (the app writing it)", func(t *testing.T, path string) {
			data := readFile(t, path)
			must(t, os.WriteFile(path, data[:len(data)/3], 0o600))
		}},
		{"file gone", func(t *testing.T, path string) { must(t, os.Remove(path)) }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir, path := appDir(t)
			s := openStore(t, filePrefs(t, path), path)
			connect(t, s, "alice")
			connect(t, s, "bob")
			want := s.Accounts()
			tc.damage(t, path)
			before := fileSnapshot(t, dir)

			got, err := ReadAccounts(path)
			must(t, err)
			if len(got) != len(want) {
				t.Fatalf("read %v, want %v", addresses(got), addresses(want))
			}
			for i := range want {
				if !got[i].equal(want[i]) {
					t.Errorf("account %d: read %+v, want %+v", i, got[i].Address, want[i].Address)
				}
			}
			if after := fileSnapshot(t, dir); !equalMaps(before, after) {
				t.Errorf("reading changed the folder:\nbefore %v\nafter  %v", keysOf(before), keysOf(after))
			}
		})
	}
	t.Run("nothing stored", func(t *testing.T) {
		_, path := appDir(t)
		got, err := ReadAccounts(path)
		if err != nil || len(got) != 0 {
			t.Errorf("ReadAccounts = %v, %v", got, err)
		}
		if _, err := os.Stat(filepath.Dir(path)); !isNotExist(err) {
			t.Errorf("the folder was made (%v)", err)
		}
	})
	t.Run("newer version", func(t *testing.T) {
		dir, path := appDir(t)
		must(t, os.MkdirAll(dir, 0o700))
		must(t, os.WriteFile(path, []byte(`{"PumpConnect/schema": 99}`), 0o600))
		if _, err := ReadAccounts(path); !errors.Is(err, ErrNewerSchema) {
			t.Errorf("err = %v, want ErrNewerSchema", err)
		}
	})
}

func equalMaps(a, b map[string]string) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if b[k] != v {
			return false
		}
	}
	return true
}

func keysOf(m map[string]string) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	return out
}

func TestFindAccount(t *testing.T) {
	accounts := []Account{{Address: "alice@pump.example"}, {Address: "bob@pump.example:8443"}}
	for _, tc := range []struct{ typed, want string }{
		{"alice@pump.example", "alice@pump.example"},
		{"Alice@PUMP.example", "alice@pump.example"},
		{"acct:bob@pump.example:8443", "bob@pump.example:8443"},
		{"bob@pump.example", ""},
		{"carol@pump.example", ""},
	} {
		addr, err := pumpauth.ParseAddress(tc.typed)
		must(t, err)
		got, err := FindAccount(accounts, addr)
		switch {
		case tc.want == "" && !errors.Is(err, ErrUnknownAccount):
			t.Errorf("%s: found %q, %v; want ErrUnknownAccount", tc.typed, got.Address, err)
		case tc.want != "" && (err != nil || got.Address != tc.want):
			t.Errorf("%s: found %q, %v; want %q", tc.typed, got.Address, err, tc.want)
		}
	}
}
