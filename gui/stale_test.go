package gui

import (
	"os"
	"path/filepath"
	"testing"
	"time"

	"fyne.io/fyne/v2/storage"
	"fyne.io/fyne/v2/test"

	"github.com/pumpconnect/pumpconnect/pumpauth"
	"github.com/pumpconnect/pumpconnect/pumpauth/pumptest"
)

// A switcher check that started with the old token, and whose answer
// (token rejected) arrives after the account got a fresh token, leaves
// the fresh one alone.
func TestAccounts_LateCheckKeepsAFreshToken(t *testing.T) {
	s := newServer(t)
	st := connectedStore(t, s)
	alice := s.Address("alice")
	h := newHarness(t, st, Options{})
	stale := st.get(alice) // what the switcher's row held when its check started
	s.RevokeTokens()       // the server no longer knows that token
	// Meanwhile the person reconnected alice: a fresh token is stored.
	must(t, st.SaveToken(mustAddr(alice), pumpauth.Token{Token: "fresh", Secret: "fresh-secret"}, pumpauth.Profile{}))
	h.u.ctl.checks[alice] = stateConnected // the home of the fresh connection shows
	// The old check's answer comes back now.
	h.u.ctl.checkAccount(stale)
	h.drain()
	if got := st.get(alice); got.Token != "fresh" {
		t.Errorf("the late check of the old token dropped the fresh one: token now %q", got.Token)
	}
}

// "Save to a file I pick…" opens in PyPump's folder. Fyne's chooser
// empties the file it hands over (os.Create): picking PyPump's own file
// there still keeps the other accounts in it.
func TestScripts_PickingPyPumpsFileKeepsOtherAccounts(t *testing.T) {
	h, acct, pypumpPath := scriptsSetup(t)
	must(t, os.MkdirAll(filepath.Dir(pypumpPath), 0o700))
	must(t, os.WriteFile(pypumpPath, []byte(`{"bob@elsewhere.example-oauth-access-token":"bobs-token"}`), 0o600))
	sd, err := h.u.newScriptsDialog(acct.Addr())
	must(t, err)
	sd.show()
	sd.onPick() // the person chooses "Save to a file I pick…"
	// The person keeps the chooser's defaults: PyPump's folder, credentials.json.
	w, err := storage.Writer(storage.NewFileURI(pypumpPath))
	sd.savePicked(w, err)
	if got := readCredentials(t, pypumpPath); got["bob@elsewhere.example-oauth-access-token"] != "bobs-token" {
		t.Errorf("bob's keys are gone from %s: %v keys left", pypumpPath, len(got))
	}
}

// A note whose post meets a rejected token stays in the box through the
// approval that follows.
func TestHome_NoteKeptWhenTokenRejectedOnPost(t *testing.T) {
	s := newServer(t)
	_, h := homeHarness(t, s)
	h.waitInbox()
	s.RevokeTokens()
	h.u.home.note.SetText("a long note I wrote")
	test.Tap(h.u.home.postButton)
	h.waitScreen(screenProblem)
	h.setBrowser(approvingBrowser(t, s))
	test.Tap(h.u.problem.primary) // Reconnect
	h.waitScreen(screenHome)
	if got := h.u.home.note.Text; got != "a long note I wrote" {
		t.Errorf("after approving again the post box holds %q: the note is lost", got)
	}
}

// Retry after a failed Load older loads the older page again, keeping the
// rows already shown.
func TestHome_RetryRepeatsLoadOlder(t *testing.T) {
	s := newServer(t)
	h := openHome(t, s, inboxPage+3)
	in := h.u.home.inbox
	s.SetFault(pumptest.Inbox, pumptest.Fault{Status: 500})
	test.Tap(in.older)
	h.waitInbox()
	if !in.retry.Visible() || len(h.inboxTexts()) != inboxPage {
		t.Fatalf("after a failed Load older: retry %v, %d rows", in.retry.Visible(), len(h.inboxTexts()))
	}
	s.ClearFaults()
	test.Tap(in.retry)
	h.waitInbox()
	if rows := h.inboxTexts(); len(rows) != inboxPage+3 || rows[len(rows)-1] != "Bob Builder posted a note | note 1" {
		t.Errorf("Retry: %d rows, want the older page below the first %d", len(rows), inboxPage)
	}
}

// A note posted while the inbox is still loading stays on top when the
// page arrives, with its link, and shows once (the page holds the
// server's copy of it).
func TestHome_PostedNoteSurvivesTheFirstPage(t *testing.T) {
	s := newServer(t)
	st := connectedStore(t, s)
	arrived := make(chan pumptest.Endpoint, 1)
	s.SetFault(pumptest.Inbox, pumptest.Fault{Delay: 2 * time.Second, Arrived: arrived})
	h := newHarness(t, st, Options{})
	h.u.Start()
	h.waitScreen(screenHome)
	h.eventually("the inbox request", func() bool { return len(arrived) > 0 })
	home := h.u.home
	home.note.SetText("posted early")
	test.Tap(home.postButton)
	h.eventually("the note to be posted", func() bool { return home.openPosted.Visible() })
	if !h.u.ctl.home.loading {
		t.Fatal("the first page arrived before the note was posted: nothing tested")
	}
	h.waitInbox()
	rows := h.inboxTexts()
	if len(rows) != 1 || rows[0] != "Alice Example posted a note | posted early" {
		t.Fatalf("rows %q", rows)
	}
	var link bool
	for _, o := range test.LaidOutObjects(home.inbox.rows.Objects[0]) {
		if b, ok := o.(*keyButton); ok && b.Text == "Open in browser" {
			link = true
		}
	}
	if !link {
		t.Error("the posted note lost its link")
	}
}
