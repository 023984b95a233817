package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2/test"

	"github.com/pumpconnect/pumpconnect/persist"
	"github.com/pumpconnect/pumpconnect/persist/instance"
	"github.com/pumpconnect/pumpconnect/pumpauth"
)

// runMainEnv makes the test binary, re-executed by runApp, run main()
// itself: the real flag handling, in the real order.
const runMainEnv = "PUMPCONNECT_TEST_RUN_MAIN"

func TestMain(m *testing.M) {
	if os.Getenv(runMainEnv) == "1" {
		main()
		os.Exit(0)
	}
	os.Exit(m.Run())
}

// runApp runs `pumpconnect args…` (main() in a child test binary) and returns
// its stdout, stderr and exit status. The child inherits the environment,
// so the test's HOME and XDG_CONFIG_HOME.
func runApp(t *testing.T, args ...string) (stdout, stderr string, status int) {
	t.Helper()
	cmd := exec.Command(os.Args[0], args...)
	// English, whatever the language of the computer running the tests.
	cmd.Env = append(os.Environ(), runMainEnv+"=1", "LC_ALL=en_US.UTF-8", "LANG=en_US.UTF-8")
	var out, errOut bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errOut
	err := cmd.Run()
	var exit *exec.ExitError
	switch {
	case errors.As(err, &exit):
		status = exit.ExitCode()
	case err != nil:
		t.Fatalf("running the app: %v", err)
	}
	return out.String(), errOut.String(), status
}

// Saved accounts of the test, with values that name them.
var (
	aliceAddr = "alice@pump.example:8443"
	bobAddr   = "bob@pump.example" // registered, never approved
	aliceKeys = []string{"key-alice", "client-secret-alice", "token-alice", "token-secret-alice"}
)

// savedAccounts gives the test a home with Pump Connect's settings as the
// app leaves them: the preferences file and its backup, alice connected,
// bob only registered. It returns the app's storage root.
func savedAccounts(t *testing.T) (root string, alice persist.Account) {
	t.Helper()
	home := t.TempDir()
	t.Setenv("HOME", home)
	t.Setenv("USERPROFILE", home)
	t.Setenv("XDG_CONFIG_HOME", filepath.Join(home, ".config"))
	meta, err := appMetadata()
	if err != nil {
		t.Fatal(err)
	}
	root, err = persist.FyneRoot(meta.ID)
	if err != nil {
		t.Fatal(err)
	}
	prefs := test.NewTempApp(t).Preferences()
	store, err := persist.NewStore(prefs, persist.PreferencesPath(root))
	if err != nil {
		t.Fatal(err)
	}
	a := mustParse(t, aliceAddr)
	expires := time.Date(2030, 1, 2, 3, 4, 5, 0, time.UTC)
	mustDo(t, store.SaveRegistration(a, pumpauth.Client{Key: "key-alice", Secret: "client-secret-alice", ExpiresAt: expires},
		pumpauth.Endpoints{Base: "https://pump.example:8443"}))
	mustDo(t, store.SaveToken(a, pumpauth.Token{Token: "token-alice", Secret: "token-secret-alice"}, pumpauth.Profile{PreferredUsername: "alice"}))
	b := mustParse(t, bobAddr)
	mustDo(t, store.SaveRegistration(b, pumpauth.Client{Key: "key-bob", Secret: "client-secret-bob"}, pumpauth.Endpoints{Base: "https://pump.example"}))
	// The test app's preferences live in memory: write them where Fyne
	// would, as Fyne does (one JSON object).
	vm, ok := prefs.(interface{ ReadValues(func(map[string]any)) })
	if !ok {
		t.Fatal("the test preferences cannot be read raw")
	}
	var data []byte
	vm.ReadValues(func(m map[string]any) { data, err = json.Marshal(m) })
	mustDo(t, err)
	mustDo(t, os.WriteFile(persist.PreferencesPath(root), data, 0o600))
	alice, _ = store.Account(a)
	return root, alice
}

func mustParse(t *testing.T, s string) pumpauth.Address {
	t.Helper()
	a, err := pumpauth.ParseAddress(s)
	if err != nil {
		t.Fatal(err)
	}
	return a
}

func mustDo(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

// snapshot is every file under root with its mode and content, to prove the
// export writes nothing.
func snapshot(t *testing.T, root string) map[string]string {
	t.Helper()
	out := map[string]string{}
	err := filepath.WalkDir(root, func(path string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		fi, err := d.Info()
		if err != nil {
			return err
		}
		content := ""
		if fi.Mode().IsRegular() {
			b, err := os.ReadFile(path)
			if err != nil {
				return err
			}
			content = string(b)
		}
		out[path] = fi.Mode().String() + " " + fi.ModTime().String() + " " + content
		return nil
	})
	mustDo(t, err)
	return out
}

func TestExportCommand(t *testing.T) {
	for _, running := range []bool{false, true} {
		name := "no window open"
		if running {
			name = "while another copy runs"
		}
		t.Run(name, func(t *testing.T) {
			root, alice := savedAccounts(t)
			activated := make(chan struct{}, 10)
			if running {
				inst, already, err := instance.Acquire(root, func() { activated <- struct{}{} })
				if err != nil || already {
					t.Fatalf("Acquire: %v (already running: %v)", err, already)
				}
				t.Cleanup(func() { inst.Close() })
			}
			before := snapshot(t, root)
			for _, tc := range []struct {
				name       string
				args       []string
				wantStatus int
				check      func(t *testing.T, stdout string)
				wantErr    string // in stderr
			}{
				{"pypump", []string{"-export", aliceAddr}, 0, func(t *testing.T, stdout string) { checkPyPumpOutput(t, stdout, alice) }, ""},
				{"pypump, named", []string{"-export", aliceAddr, "-format", "pypump"}, 0, func(t *testing.T, stdout string) { checkPyPumpOutput(t, stdout, alice) }, ""},
				{"pypump, typed in capitals", []string{"-export", "Alice@PUMP.example:8443"}, 0, func(t *testing.T, stdout string) { checkPyPumpOutput(t, stdout, alice) }, ""},
				{"env", []string{"-export", aliceAddr, "-format", "env"}, 0, func(t *testing.T, stdout string) { checkEnvOutput(t, stdout, alice) }, ""},
				{"unknown address", []string{"-export", "carol@pump.example"}, 1, nil, "no account carol@pump.example is saved"},
				{"registered, not connected", []string{"-export", bobAddr, "-format", "env"}, 1, nil, "bob@pump.example is saved but not connected"},
				{"not an address", []string{"-export", "https://pump.example/alice"}, 2, nil, "not a web link"},
				{"bad format", []string{"-export", aliceAddr, "-format", "xml"}, 2, nil, `-format must be pypump or env, not "xml"`},
				{"format without export", []string{"-format", "env"}, 2, nil, "-format goes with -export"},
			} {
				t.Run(tc.name, func(t *testing.T) {
					stdout, stderr, status := runApp(t, tc.args...)
					if status != tc.wantStatus {
						t.Errorf("exit status %d, want %d (stderr %q)", status, tc.wantStatus, stderr)
					}
					if tc.check != nil {
						tc.check(t, stdout)
						if stderr != "" {
							t.Errorf("stderr %q, want nothing", stderr)
						}
					} else {
						if stdout != "" {
							t.Errorf("stdout %q, want nothing", stdout)
						}
						if !strings.Contains(stderr, tc.wantErr) || strings.Count(stderr, "\n") != 1 {
							t.Errorf("stderr %q, want one line with %q", stderr, tc.wantErr)
						}
					}
					for _, k := range aliceKeys {
						if tc.check == nil && strings.Contains(stderr, k) {
							t.Errorf("stderr holds a key: %q", stderr)
						}
					}
				})
			}
			if after := snapshot(t, root); len(after) != len(before) {
				t.Errorf("the export changed the settings folder: %d files before, %d after", len(before), len(after))
			} else {
				for k, v := range before {
					if after[k] != v {
						t.Errorf("the export changed %s", filepath.Base(k))
					}
				}
			}
			select {
			case <-activated:
				t.Error("the export went to the running copy (its window was asked to come to the front)")
			default:
			}
		})
	}
}

// checkPyPumpOutput: stdout is the JSON object PyPump holds for acct, key by
// key against the stored account.
func checkPyPumpOutput(t *testing.T, stdout string, acct persist.Account) {
	t.Helper()
	var got map[string]any
	if err := json.Unmarshal([]byte(stdout), &got); err != nil {
		t.Fatalf("stdout is not a JSON object: %v\n%s", err, stdout)
	}
	p := acct.Address + "-"
	want := map[string]any{
		p + "client-key":          acct.ClientKey,
		p + "client-secret":       acct.ClientSecret,
		p + "client-expirey":      float64(acct.ClientExpiresAt.Unix()),
		p + "oauth-access-token":  acct.Token,
		p + "oauth-access-secret": acct.TokenSecret,
	}
	if len(got) != len(want) {
		t.Errorf("%d keys, want %d: %v", len(got), len(want), got)
	}
	for k, v := range want {
		if got[k] != v {
			t.Errorf("%s = %#v, want %#v", k, got[k], v)
		}
	}
}

// checkEnvOutput: stdout is export lines giving acct's values.
func checkEnvOutput(t *testing.T, stdout string, acct persist.Account) {
	t.Helper()
	want := []string{
		"export PUMP_WEBFINGER='" + acct.Address + "'",
		"export PUMP_SERVER='https://pump.example:8443'",
		"export PUMP_CLIENT_KEY='" + acct.ClientKey + "'",
		"export PUMP_CLIENT_SECRET='" + acct.ClientSecret + "'",
		"export PUMP_CLIENT_EXPIRES='" + "1893553445" + "'",
		"export PUMP_TOKEN='" + acct.Token + "'",
		"export PUMP_TOKEN_SECRET='" + acct.TokenSecret + "'",
	}
	var got []string
	for _, l := range strings.Split(strings.TrimSuffix(stdout, "\n"), "\n") {
		if !strings.HasPrefix(l, "#") {
			got = append(got, l)
		}
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("env lines\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

// LANG=C.UTF-8, Debian's default where no language is set, means English
// without a word on stderr: Fyne's lang package would otherwise log
// "Error parsing user locale C" before main runs (see gui/localeenv).
func TestStart_CLocaleIsQuiet(t *testing.T) {
	t.Setenv("HOME", t.TempDir())
	t.Setenv("XDG_CONFIG_HOME", t.TempDir())
	for _, locale := range []string{"C.UTF-8", "C", "POSIX.utf8"} {
		t.Run(locale, func(t *testing.T) {
			cmd := exec.Command(os.Args[0], "-export", "nobody@pump.example")
			var env []string
			for _, kv := range os.Environ() {
				if name, _, _ := strings.Cut(kv, "="); name != "LC_ALL" && name != "LC_MESSAGES" && name != "LANG" && name != "LANGUAGE" {
					env = append(env, kv)
				}
			}
			cmd.Env = append(env, runMainEnv+"=1", "LANG="+locale)
			var errOut bytes.Buffer
			cmd.Stderr = &errOut
			_ = cmd.Run() // the account is not saved: exit status 1, one line on stderr
			if strings.Contains(errOut.String(), "Fyne error") || strings.Contains(errOut.String(), "locale") {
				t.Errorf("LANG=%s: the start logged:\n%s", locale, errOut.String())
			}
			if !strings.Contains(errOut.String(), "nobody@pump.example") {
				t.Errorf("LANG=%s: the export did not run: %q", locale, errOut.String())
			}
		})
	}
}
