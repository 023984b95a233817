package gui

import (
	"strings"
	"testing"
	"unicode"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"github.com/pumpconnect/pumpconnect/pumpauth"
)

// hostileName is a display name as a hostile server (or an older version's
// store) gives it: a right-to-left override, a line break, far too long.
var hostileName = "\u202Eevil\nname" + strings.Repeat("x", 500)

// rawNameStore hands out every account with hostileName, as a store that
// does not clean names would.
type rawNameStore struct{ *recordingStore }

func (r rawNameStore) Accounts() []Account {
	all := r.recordingStore.Accounts()
	for i := range all {
		all[i].DisplayName = hostileName
	}
	return all
}

// labelTexts are the texts of the labels under o.
func labelTexts(o fyne.CanvasObject) []string {
	var out []string
	for _, x := range test.LaidOutObjects(o) {
		if l, ok := x.(*widget.Label); ok && l.Text != "" {
			out = append(out, l.Text)
		}
	}
	return out
}

// TestServerNamesShownClean checks that every screen showing a display
// name shows it as pumpauth.CleanDisplayName makes it.
func TestServerNamesShownClean(t *testing.T) {
	clean := pumpauth.CleanDisplayName(hostileName)
	addr := mustAddr("alice@pump.example")
	tests := []struct {
		name string
		show func(u *UI) fyne.CanvasObject // shows the screen, returns where the name is
		want string                        // a label that must be there
	}{
		{"saved accounts", func(u *UI) fyne.CanvasObject {
			u.showAddress("", false, "")
			return u.address.saved
		}, clean + " (alice@pump.example)"},
		{"connected", func(u *UI) fyne.CanvasObject {
			u.showHome(addr, pumpauth.Profile{PreferredUsername: "alice", DisplayName: hostileName})
			return u.home.content
		}, "Connected as " + clean + " (alice@pump.example)"},
		{"connected, a name of nothing visible", func(u *UI) fyne.CanvasObject {
			u.showHome(addr, pumpauth.Profile{PreferredUsername: "alice", DisplayName: "\u202E\u200B\n"})
			return u.home.content
		}, "Connected as alice@pump.example"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			st := newStore(t)
			must(t, st.SaveRegistration(addr, pumpauth.Client{Key: "k", Secret: "s"}, pumpauth.Endpoints{}))
			must(t, st.SaveToken(addr, pumpauth.Token{Token: "t", Secret: "ts"}, pumpauth.Profile{PreferredUsername: "alice"}))
			a := test.NewTempApp(t)
			u := New(a, a.NewWindow("Pump Connect"), rawNameStore{st}, Options{OpenURL: func(string) error { return nil }})
			t.Cleanup(u.Close)
			texts := labelTexts(tt.show(u))
			if !contains(texts, tt.want) {
				t.Errorf("labels %.200q, want %q among them", texts, tt.want)
			}
			for _, s := range texts {
				if strings.IndexFunc(s, func(r rune) bool { return unicode.In(r, unicode.Cc, unicode.Cf) }) >= 0 {
					t.Errorf("label %.80q holds a control or format character", s)
				}
			}
		})
	}
}
