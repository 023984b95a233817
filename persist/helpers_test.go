package persist

import (
	"encoding/json"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"

	"github.com/pumpconnect/pumpconnect/pumpauth"
)

// valueMap is implemented by Fyne's in-memory preferences (those of
// test.NewTempApp): raw access to every value.
type valueMap interface {
	ReadValues(func(map[string]any))
	WriteValues(func(map[string]any))
}

// fixedNow is the clock of every test store.
var fixedNow = time.Date(2025, 11, 29, 10, 30, 0, 0, time.UTC)

// memPrefs returns new, empty in-memory preferences.
func memPrefs(t *testing.T) fyne.Preferences {
	t.Helper()
	return test.NewTempApp(t).Preferences()
}

// openStore opens a store with the test clock.
func openStore(t *testing.T, prefs fyne.Preferences, path string) *Store {
	t.Helper()
	s, err := newStoreAt(prefs, path, func() time.Time { return fixedNow })
	if err != nil {
		t.Fatalf("NewStore: %v", err)
	}
	return s
}

// filePrefs behaves like Fyne's file-backed preferences, minus the
// debouncing: they are loaded from path (a damaged file gives empty
// preferences, as in Fyne), and every change rewrites the whole file in
// place, not atomically, with os.Create (so a new file is 0644).
func filePrefs(t *testing.T, path string) fyne.Preferences {
	t.Helper()
	p := test.NewTempApp(t).Preferences()
	vm := p.(valueMap)
	if data, err := os.ReadFile(path); err == nil {
		vm.WriteValues(func(m map[string]any) {
			if json.Unmarshal(data, &m) != nil {
				return // Fyne logs "Preferences load error" and goes on empty
			}
			for k, v := range m { // Fyne's convertLists, for string lists
				if items, ok := v.([]any); ok && len(items) > 0 {
					if _, ok := items[0].(string); ok {
						l := make([]string, len(items))
						for i, item := range items {
							l[i] = item.(string)
						}
						m[k] = l
					}
				}
			}
		})
	}
	p.AddChangeListener(func() {
		if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
			t.Errorf("fake Fyne save: %v", err)
			return
		}
		f, err := os.Create(path)
		if err != nil {
			t.Errorf("fake Fyne save: %v", err)
			return
		}
		defer f.Close()
		vm.ReadValues(func(m map[string]any) {
			if err := json.NewEncoder(f).Encode(&m); err != nil {
				t.Errorf("fake Fyne save: %v", err)
			}
		})
		if err := f.Sync(); err != nil {
			t.Errorf("fake Fyne save: %v", err)
		}
	})
	return p
}

// dumpPrefs returns every preference value as JSON.
func dumpPrefs(t *testing.T, p fyne.Preferences) string {
	t.Helper()
	var out []byte
	p.(valueMap).ReadValues(func(m map[string]any) {
		var err error
		if out, err = json.Marshal(m); err != nil {
			t.Fatal(err)
		}
	})
	return string(out)
}

// knownValues returns the values under every key the store uses for the
// addresses given, read through the Preferences API.
func knownValues(p fyne.Preferences, addresses ...string) string {
	vals := []string{p.String(keyCurrent), strings.Join(p.StringList(keyIndex), " ")}
	for _, a := range addresses {
		vals = append(vals, p.String(keyAccountPrefix+a))
	}
	return strings.Join(vals, "\n")
}

// assertNoSecrets fails if any of secrets appears in text.
func assertNoSecrets(t *testing.T, where, text string, secrets ...string) {
	t.Helper()
	for _, s := range secrets {
		if strings.Contains(text, s) {
			t.Errorf("%s still holds secret %q", where, s)
		}
	}
}

// assertMode checks the permission bits of path (not on Windows).
func assertMode(t *testing.T, path string, want fs.FileMode) {
	t.Helper()
	if runtime.GOOS == "windows" {
		return
	}
	fi, err := os.Stat(path)
	if err != nil {
		t.Errorf("stat %s: %v", filepath.Base(path), err)
		return
	}
	if got := fi.Mode().Perm(); got != want {
		t.Errorf("%s: mode %#o, want %#o", filepath.Base(path), got, want)
	}
}

// client returns test client credentials whose values name the account.
func client(nick string) pumpauth.Client {
	return pumpauth.Client{
		Key:       "key-" + nick,
		Secret:    "client-secret-" + nick,
		ExpiresAt: time.Date(2030, 1, 2, 3, 4, 5, 0, time.UTC),
	}
}

func token(nick string) pumpauth.Token {
	return pumpauth.Token{Token: "token-" + nick, Secret: "token-secret-" + nick}
}

func profile(nick string) pumpauth.Profile {
	return pumpauth.Profile{
		PreferredUsername: nick,
		DisplayName:       strings.ToUpper(nick[:1]) + nick[1:] + " Example",
		ImageURL:          "https://pump.example/avatars/" + nick + ".png",
	}
}

// secretsOf lists every secret the test helpers give the account nick.
func secretsOf(nick string) []string {
	return []string{"client-secret-" + nick, "token-secret-" + nick, "token-" + nick, "key-" + nick}
}

// connect registers and connects nick@pump.example.
func connect(t *testing.T, s *Store, nick string) {
	t.Helper()
	addr := nick + "@pump.example"
	if err := s.SaveRegistration(parsed(addr), client(nick), pumpauth.Endpoints{Base: "https://pump.example"}); err != nil {
		t.Fatalf("SaveRegistration(%s): %v", addr, err)
	}
	if err := s.SaveToken(parsed(addr), token(nick), profile(nick)); err != nil {
		t.Fatalf("SaveToken(%s): %v", addr, err)
	}
}

// addresses returns the addresses of accounts.
func addresses(accounts []Account) []string {
	out := []string{}
	for _, a := range accounts {
		out = append(out, a.Address)
	}
	return out
}

// isNotExist reports whether err says a file does not exist.
func isNotExist(err error) bool { return errors.Is(err, fs.ErrNotExist) }

// parsed is s as an address; the zero Address when s is not one.
func parsed(s string) pumpauth.Address {
	a, _ := pumpauth.ParseAddress(s)
	return a
}

// parsedPlain is s as an address on which plain http is allowed.
func parsedPlain(s string) pumpauth.Address {
	a := parsed(s)
	a.PlainHTTP = true
	return a
}
