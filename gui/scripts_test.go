package gui

import (
	"encoding/json"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/storage"
	"fyne.io/fyne/v2/test"
)

// scriptsSetup is alice connected on a pumptest server, a window, and a
// temporary XDG_CONFIG_HOME for PyPump's file, whose path it returns.
func scriptsSetup(t *testing.T) (*harness, Account, string) {
	t.Helper()
	s := newServer(t)
	store := connectedStore(t, s)
	h := newHarness(t, store, Options{})
	config := t.TempDir()
	t.Setenv("XDG_CONFIG_HOME", config)
	acct := store.get(s.Address("alice"))
	return h, acct, filepath.Join(config, "PyPump", "credentials.json")
}

// readCredentials reads a PyPump credentials file as PyPump does.
func readCredentials(t *testing.T, path string) map[string]any {
	t.Helper()
	data, err := os.ReadFile(path)
	must(t, err)
	var m map[string]any
	if err := json.Unmarshal(data, &m); err != nil {
		t.Fatalf("%s is not a JSON object: %v", path, err)
	}
	return m
}

// checkCredentials checks every key PyPump reads for acct against the store.
func checkCredentials(t *testing.T, got map[string]any, acct Account) {
	t.Helper()
	p := acct.Address + "-"
	want := map[string]any{
		p + "client-key":          acct.ClientKey,
		p + "client-secret":       acct.ClientSecret,
		p + "client-expirey":      float64(0), // pumptest's registrations never expire, as pump.io's
		p + "oauth-access-token":  acct.Token,
		p + "oauth-access-secret": acct.TokenSecret,
	}
	for k, v := range want {
		if got[k] != v {
			t.Errorf("%s = %#v, want %#v", k, got[k], v)
		}
	}
	if acct.Token == "" || acct.ClientSecret == "" {
		t.Error("the stored account has no keys")
	}
}

func assertPrivate(t *testing.T, path string) {
	t.Helper()
	if runtime.GOOS == "windows" {
		return
	}
	fi, err := os.Stat(path)
	must(t, err)
	if fi.Mode().Perm() != 0o600 {
		t.Errorf("%s: mode %#o, want 0600", filepath.Base(path), fi.Mode().Perm())
	}
}

// The warning says what the keys give before anything is saved; Cancel and
// Escape save nothing.
func TestUseInScriptsWarns(t *testing.T) {
	h, acct, path := scriptsSetup(t)
	sd, err := h.u.newScriptsDialog(acct.Addr())
	must(t, err)
	sd.show()
	text := overlayText(h)
	for _, want := range []string{"full access", "post as you", "Keep the file private", path} {
		if !strings.Contains(text, want) {
			t.Errorf("the warning does not say %q: %q", want, text)
		}
	}
	if h.w.Canvas().Focused() != sd.cancel {
		t.Error("the keyboard is not on Cancel")
	}
	test.Tap(sd.cancel)
	if h.w.Canvas().Overlays().Top() != nil {
		t.Error("Cancel left the warning open")
	}
	sd.show()
	sd.cancel.TypedKey(&fyne.KeyEvent{Name: fyne.KeyEscape})
	if h.w.Canvas().Overlays().Top() != nil {
		t.Error("Escape left the warning open")
	}
	if _, err := os.Stat(path); err == nil {
		t.Error("a file was saved without a choice")
	}
	if sd.result != nil {
		t.Errorf("an outcome was shown: %q", sd.resultText)
	}
}

// Save for PyPump writes the account into PyPump's file, 0600, keeping the
// accounts already there.
func TestUseInScriptsSavesForPyPump(t *testing.T) {
	h, acct, path := scriptsSetup(t)
	must(t, os.MkdirAll(filepath.Dir(path), 0o700))
	bob := `{"bob@other.example-client-key": "bob-key", "bob@other.example-oauth-access-token": "bob-token"}`
	must(t, os.WriteFile(path, []byte(bob), 0o644))
	must(t, os.Chmod(path, 0o644))

	sd, err := h.u.newScriptsDialog(acct.Addr())
	must(t, err)
	sd.show()
	test.Tap(sd.savePyPump)
	if sd.resultTitle != "Saved" || !strings.Contains(sd.resultText, path) {
		t.Fatalf("outcome %q: %q", sd.resultTitle, sd.resultText)
	}
	got := readCredentials(t, path)
	checkCredentials(t, got, acct)
	if got["bob@other.example-client-key"] != "bob-key" || got["bob@other.example-oauth-access-token"] != "bob-token" {
		t.Errorf("bob's keys were lost: %v", got)
	}
	assertPrivate(t, path)
	assertNoSecretIn(t, sd.resultText, acct)
}

// A file that is not PyPump's is left as it is, and the person is told why.
func TestUseInScriptsRefusesBrokenFile(t *testing.T) {
	h, acct, path := scriptsSetup(t)
	must(t, os.MkdirAll(filepath.Dir(path), 0o700))
	broken := `{"bob@other.example-client-key": "bob-k` // cut short
	must(t, os.WriteFile(path, []byte(broken), 0o600))

	sd, err := h.u.newScriptsDialog(acct.Addr())
	must(t, err)
	sd.show()
	test.Tap(sd.savePyPump)
	if sd.resultTitle != "Not saved" || !strings.Contains(sd.resultText, "left it as it is") {
		t.Errorf("outcome %q: %q", sd.resultTitle, sd.resultText)
	}
	if data, _ := os.ReadFile(path); string(data) != broken {
		t.Errorf("the file changed to %q", data)
	}
	assertNoSecretIn(t, sd.resultText, acct)
}

// A file the person picks gets the account's keys, 0600 from the start.
func TestUseInScriptsSavesToPickedFile(t *testing.T) {
	h, acct, pypumpPath := scriptsSetup(t)
	sd, err := h.u.newScriptsDialog(acct.Addr())
	must(t, err)
	sd.show()
	test.Tap(sd.pick)
	if sd.picker == nil {
		t.Fatal("no file chooser")
	}
	// The chooser's answer, as Fyne gives it: cancelled, then a file it
	// made (or emptied, once the person agreed to replace it).
	sd.savePicked(nil, nil)
	if sd.result != nil {
		t.Errorf("cancelling the chooser showed %q", sd.resultText)
	}
	path := filepath.Join(t.TempDir(), "alice-keys.json")
	must(t, os.WriteFile(path, []byte("old content"), 0o644))
	w, err := storage.Writer(storage.NewFileURI(path))
	sd.savePicked(w, err)
	if sd.resultTitle != "Saved" {
		t.Fatalf("outcome %q: %q", sd.resultTitle, sd.resultText)
	}
	got := readCredentials(t, path)
	checkCredentials(t, got, acct)
	if len(got) != 5 {
		t.Errorf("%d keys, want 5", len(got))
	}
	assertPrivate(t, path)
	if _, err := os.Stat(pypumpPath); err == nil {
		t.Error("PyPump's own file was written too")
	}
}

// An account that is not connected has nothing to save.
func TestUseInScriptsNotConnected(t *testing.T) {
	h, acct, path := scriptsSetup(t)
	must(t, h.store.ClearToken(acct.Addr()))
	if _, err := h.u.newScriptsDialog(acct.Addr()); err == nil {
		t.Fatal("a dialog for an account without a token")
	}
	h.u.useInScripts(acct.Addr())
	if !strings.Contains(overlayText(h), "not connected") {
		t.Error("the person was not told the account is not connected")
	}
	if _, err := os.Stat(path); err == nil {
		t.Error("a file was saved")
	}
}

func assertNoSecretIn(t *testing.T, text string, acct Account) {
	t.Helper()
	for _, s := range []string{acct.ClientSecret, acct.Token, acct.TokenSecret} {
		if s != "" && strings.Contains(text, s) {
			t.Errorf("the message holds a key: %q", text)
		}
	}
}

// overlayText is the text of what shows over the screen (the top dialog).
func overlayText(h *harness) string {
	top := h.w.Canvas().Overlays().Top()
	if top == nil {
		return ""
	}
	return strings.Join(labelTexts(top), " ")
}
