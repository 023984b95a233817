package persist

import (
	"encoding/json"
	"strings"
	"testing"

	"fyne.io/fyne/v2"

	"github.com/pumpconnect/pumpconnect/pumpauth"
)

// hostileName is a display name an older version stored as the server
// sent it: a right-to-left override, a line break, and far too long.
var hostileName = "\u202Eevil\nname" + strings.Repeat("x", 500)

// TestStoredDisplayNameCleaned checks that a display name is cleaned
// (pumpauth.CleanDisplayName) wherever an account comes from: the
// preferences or the backup an older version wrote, and SaveToken.
func TestStoredDisplayNameCleaned(t *testing.T) {
	want := pumpauth.CleanDisplayName(hostileName)
	if want == hostileName || strings.ContainsAny(want, "\u202E\n") {
		t.Fatalf("CleanDisplayName(%q) = %q", hostileName, want)
	}
	tests := []struct {
		name string
		// open returns a store holding alice, whose stored name is hostile,
		// and the preferences it uses.
		open func(t *testing.T) (*Store, fyne.Preferences)
	}{
		{"preferences of an older version", func(t *testing.T) (*Store, fyne.Preferences) {
			prefs := memPrefs(t)
			connect(t, openStore(t, prefs, ""), "alice")
			dirtyPrefs(t, prefs)
			return openStore(t, prefs, ""), prefs
		}},
		{"backup of an older version", func(t *testing.T) (*Store, fyne.Preferences) {
			dir, path := appDir(t)
			connect(t, reopen(t, path), "alice")
			b := readFile(t, backupPath(dir))
			var m map[string]any
			if err := json.Unmarshal(b, &m); err != nil {
				t.Fatal(err)
			}
			m["accounts"].([]any)[0].(map[string]any)["displayName"] = hostileName
			b, _ = json.Marshal(m)
			writeFile(t, backupPath(dir), b, 0o600)
			writeFile(t, path, []byte("damaged {{{"), 0o600)
			prefs := filePrefs(t, path)
			return openStore(t, prefs, path), prefs
		}},
		{"saved from a profile", func(t *testing.T) (*Store, fyne.Preferences) {
			prefs := memPrefs(t)
			s := openStore(t, prefs, "")
			p := profile("alice")
			p.DisplayName = hostileName
			must(t, s.SaveRegistration(parsed(alice), client("alice"), pumpauth.Endpoints{}))
			must(t, s.SaveToken(parsed(alice), token("alice"), p))
			return s, prefs
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, prefs := tt.open(t)
			got := map[string]Account{}
			got["Account"], _ = s.Account(parsed(alice))
			got["Current"], _ = s.Current()
			if all := s.Accounts(); len(all) == 1 {
				got["Accounts"] = all[0]
			}
			for how, a := range got {
				if a.DisplayName != want {
					t.Errorf("%s: name %.40q…, want %q", how, a.DisplayName, want)
				}
			}
			// The next write of the account stores the clean name. (An
			// unchanged account is not written again just for its name.)
			must(t, s.ClearToken(parsed(alice)))
			if raw := prefs.String(keyAccountPrefix + alice); strings.Contains(raw, "evil\\n") || strings.Contains(raw, "\\u202e") || strings.Contains(raw, "\u202E") {
				t.Errorf("stored record still holds the raw name: %.300s…", raw)
			}
		})
	}
}

// dirtyPrefs rewrites alice's stored record with hostileName, as an older
// version would have stored it.
func dirtyPrefs(t *testing.T, prefs fyne.Preferences) {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal([]byte(prefs.String(keyAccountPrefix+alice)), &m); err != nil {
		t.Fatal(err)
	}
	m["displayName"] = hostileName
	b, _ := json.Marshal(m)
	prefs.SetString(keyAccountPrefix+alice, string(b))
}
