package gui

import (
	"context"
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"github.com/pumpconnect/pumpconnect/persist"
	"github.com/pumpconnect/pumpconnect/pumpauth"
)

func TestNoticeShownOnce(t *testing.T) {
	st := newStore(t)
	st.repair = persist.Repair{File: true, Restored: 2, Lost: []string{"bob@pump.example"}}
	want := "Pump Connect's settings file was damaged. Your 2 accounts were restored. " +
		"1 account could not be restored: please connect bob@pump.example again."
	h := newHarness(t, st, Options{})
	h.u.Start()
	top := h.w.Canvas().Overlays().Top()
	if top == nil || h.u.notice == nil {
		t.Fatal("no notice dialog")
	}
	found := false
	for _, o := range test.LaidOutObjects(top) {
		if l, ok := o.(*widget.Label); ok && l.Text == want {
			found = true
		}
	}
	if !found {
		t.Error("notice text not in the dialog")
	}
	// The keyboard alone closes it, and gives the keyboard back to the screen.
	ok, isButton := h.w.Canvas().Focused().(*keyButton)
	if !isButton || ok.Text != "OK" {
		t.Fatalf("the notice's OK does not have the keyboard: %T", h.w.Canvas().Focused())
	}
	ok.TypedKey(&fyne.KeyEvent{Name: fyne.KeyReturn})
	if h.w.Canvas().Overlays().Top() != nil {
		t.Error("dialog still shown")
	}
	if f := h.w.Canvas().Focused(); f == nil || f != h.u.current.focus {
		t.Errorf("after the notice the keyboard is on %T, not the screen's field", f)
	}
}

func TestConnected_ForgetAndAnother(t *testing.T) {
	s := newServer(t)
	st, h := homeHarness(t, s)
	addr := s.Address("alice")

	test.Tap(h.u.home.another)
	if h.u.screen != screenAddress || h.u.address.entry.Text != "" {
		t.Fatalf("another: screen %q entry %q", h.u.screen, h.u.address.entry.Text)
	}
	if _, ok := st.Account(mustAddr(addr)); !ok {
		t.Fatal("Connect another account forgot the account")
	}

	h.u.ctl.reconnect(st.get(addr))
	h.waitScreen(screenHome)
	test.Tap(h.u.home.forget)
	top := h.w.Canvas().Overlays().Top()
	if top == nil || h.u.confirm == nil {
		t.Fatal("no confirmation")
	}
	var explained bool
	var cancel, forget *keyButton
	for _, o := range test.LaidOutObjects(top) {
		switch x := o.(type) {
		case *widget.Label:
			if strings.Contains(x.Text, "This computer will forget the keys") && strings.Contains(x.Text, "stay on") {
				explained = true
			}
		case *keyButton:
			switch x.Text {
			case "Keep":
				cancel = x
			case "Forget":
				forget = x
			}
		}
	}
	if !explained || cancel == nil || forget == nil {
		t.Fatalf("dialog: explained %v keep %v forget %v", explained, cancel != nil, forget != nil)
	}
	test.Tap(cancel)
	if _, ok := st.Account(mustAddr(addr)); !ok || h.u.screen != screenHome {
		t.Fatal("Keep forgot the account")
	}
	test.Tap(h.u.home.forget)
	for _, o := range test.LaidOutObjects(h.w.Canvas().Overlays().Top()) {
		if b, ok := o.(*keyButton); ok && b.Text == "Forget" {
			test.Tap(b)
		}
	}
	if _, ok := st.Account(mustAddr(addr)); ok {
		t.Error("account not forgotten")
	}
	if h.u.screen != screenAddress {
		t.Errorf("screen %q", h.u.screen)
	}
}

func TestStoreFailureIsExplained(t *testing.T) {
	s := newServer(t)
	st := newStore(t)
	st.failWith = context.DeadlineExceeded // any error
	h := newHarness(t, st, Options{})
	h.u.Start()
	h.submitAddress(s.Address("alice"))
	h.waitScreen(screenProblem)
	if want := Explain(errStore); h.u.problem.text.Text != want {
		t.Errorf("text %q, want %q", h.u.problem.text.Text, want)
	}
	if len(h.opened) != 0 {
		t.Error("the browser opened although the registration was not saved")
	}
}

// Every stored account, not only the current one, can be opened again or
// forgotten from the address screen.
func TestSavedAccounts_OpenAndForget(t *testing.T) {
	s := newServer(t)
	s.AddUser("bob", "builder", "Bob Builder")
	st := connectedStore(t, s)
	alice := s.Address("alice")
	bob := s.Address("bob")
	// bob was connected earlier on the same server with the same registration.
	if err := st.SaveRegistration(mustAddr(bob), st.get(alice).Client("Pump Connect"), pumpauth.Endpoints{Base: s.URL}); err != nil {
		t.Fatal(err)
	}
	if err := st.SaveToken(mustAddr(bob), pumpauth.Token{Token: "bob-token", Secret: "bob-secret"}, pumpauth.Profile{PreferredUsername: "bob"}); err != nil {
		t.Fatal(err)
	}
	if err := st.SetCurrent(mustAddr(alice)); err != nil {
		t.Fatal(err)
	}
	h := newHarness(t, st, Options{})
	h.u.showAddress("", false, "")
	rows := h.u.address.saved.Objects
	if len(rows) != 2 || !h.u.address.savedTitle.Visible() {
		t.Fatalf("%d saved rows", len(rows))
	}
	buttons := func(row fyne.CanvasObject) (label string, open, forget *keyButton) {
		for _, o := range test.LaidOutObjects(row) {
			switch x := o.(type) {
			case *widget.Label:
				label = x.Text
			case *keyButton:
				if x.Text == "Open" {
					open = x
				} else if x.Text == "Forget" {
					forget = x
				}
			}
		}
		return
	}
	// Rows are sorted by address: alice, then bob.
	label, _, forgetBob := buttons(rows[1])
	if !strings.Contains(label, bob) || forgetBob == nil {
		t.Fatalf("second row %q", label)
	}
	test.Tap(forgetBob)
	for _, o := range test.LaidOutObjects(h.w.Canvas().Overlays().Top()) {
		if b, ok := o.(*keyButton); ok && b.Text == "Forget" {
			test.Tap(b)
		}
	}
	if _, ok := st.Account(mustAddr(bob)); ok {
		t.Fatal("bob was not forgotten")
	}
	if _, ok := st.Account(mustAddr(alice)); !ok {
		t.Fatal("forgetting bob forgot alice")
	}
	if rows := h.u.address.saved.Objects; len(rows) != 1 {
		t.Fatalf("%d rows after forgetting", len(rows))
	}
	// Open reconnects the saved account with one whoami, no browser.
	_, openAlice, _ := buttons(h.u.address.saved.Objects[0])
	test.Tap(openAlice)
	h.waitScreen(screenHome)
	if len(h.opened) != 0 {
		t.Error("the browser opened for a saved account")
	}
}
