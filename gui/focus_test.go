package gui

import (
	"errors"
	"fmt"
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"github.com/pumpconnect/pumpconnect/pumpauth"
)

// Keyboard alone, on every screen: the keyboard starts on a sensible
// widget, Tab and Shift+Tab go through every button in reading order (top
// to bottom, left to right) and back round, no widget keeps Tab for
// itself, and Escape does the screen's Cancel from wherever the focus is.
func TestKeyboard_EveryScreen(t *testing.T) {
	asked := mustAddr("bob@127.0.0.1:31080")
	link := "http://127.0.0.1:31080/oauth/authorize?oauth_token=Zq3tTn0pYH6Wm5r2bIvC4g"
	unreachable := &pumpauth.ResponseError{Op: "host-meta", Kind: pumpauth.ErrUnreachable,
		Cause: errors.New("dial tcp 127.0.0.1:31080: connect: connection refused")}
	screens := []struct {
		name     string
		accounts int
		show     func(u *UI)
		focus    func(u *UI) fyne.Focusable // where the keyboard starts; nil: nowhere (Escape and Enter go to the screen)
		chain    func(u *UI) []fyne.Focusable
		escape   bool                         // Escape does something on this screen
		noEscape func(u *UI) []fyne.Focusable // widgets that swallow Escape (Fyne's own), said why below
	}{
		{name: "address-first-time", show: func(u *UI) { u.showAddress("", false, "") },
			focus: func(u *UI) fyne.Focusable { return u.address.entry },
			chain: func(u *UI) []fyne.Focusable {
				a := u.address
				return []fyne.Focusable{a.entry, a.connect, a.advanced.header}
			}},
		{name: "address-advanced-2-saved", accounts: 2, show: func(u *UI) { u.showAddress("alice@pump.example", true, "") },
			focus: func(u *UI) fyne.Focusable { return u.address.entry },
			chain: func(u *UI) []fyne.Focusable {
				a := u.address
				return append([]fyne.Focusable{a.entry, a.connect, a.advanced.header, a.plainHTTP}, buttonsIn(a.saved)...)
			}},
		{name: "progress", accounts: 1, show: func(u *UI) { u.showProgress("Connecting to 127.0.0.1:31080", "Contacting…") },
			chain:  func(u *UI) []fyne.Focusable { return []fyne.Focusable{u.progress.cancel} },
			escape: true},
		{name: "approve", accounts: 1, show: func(u *UI) { u.showApprove(asked, link) },
			chain: func(u *UI) []fyne.Focusable {
				a := u.approve
				return []fyne.Focusable{a.codeButton, a.copyLink, a.cancel}
			},
			escape: true},
		{name: "code", accounts: 1, show: func(u *UI) {
			u.showCode(asked)
			u.codeReady(link, "", make(chan string, 1))
		},
			focus: func(u *UI) fyne.Focusable { return u.code.entry },
			chain: func(u *UI) []fyne.Focusable {
				c := u.code
				return []fyne.Focusable{c.entry, c.copyLink, c.openLink, c.cancel, c.submit}
			},
			escape: true},
		{name: "home", accounts: 2, show: func(u *UI) {
			u.showHome(mustAddr("person1@pump1.example"), pumpauth.Profile{DisplayName: "Person Number 1"})
			u.showInbox([]pumpauth.Activity{{Verb: "post", ObjectType: "note", ActorName: "Ada", Content: "<p>Hi</p>"}}, false, "older")
			u.notePosted(pumpauth.Activity{Verb: "post", ObjectType: "note", ActorName: "Person Number 1", Content: "<p>Mine</p>",
				URL: "https://pump1.example/person1/note/1"}, pumpauth.Public)
			u.inboxFailed("Pump Connect couldn't load older notes.", true) // Retry shows, Load older stays
		},
			focus: func(u *UI) fyne.Focusable { return u.home.note },
			chain: func(u *UI) []fyne.Focusable {
				h := u.home
				chain := []fyne.Focusable{h.switchB, h.note}
				chain = append(chain, focusablesIn(h.audience)...)
				chain = append(chain, h.postButton, h.openPosted, h.inbox.refresh, h.inbox.retry)
				chain = append(chain, buttonsIn(h.inbox.rows)...) // the posted note's Open in browser
				return append(chain, h.inbox.older, h.forget, h.scripts, h.another)
			}},
		{name: "accounts", accounts: 3, show: func(u *UI) {
			var entries []accountEntry
			for i, acct := range u.store.Accounts() {
				entries = append(entries, accountEntry{acct: acct, state: stateConnected, current: i == 0})
			}
			u.showAccounts(entries, true)
		},
			focus: func(u *UI) fyne.Focusable { return u.switcher.rows["person2@pump2.example"].open },
			chain: func(u *UI) []fyne.Focusable {
				return append(buttonsIn(u.switcher.list), u.switcher.back, u.switcher.another)
			},
			escape: true},
		{name: "accounts-no-home", accounts: 2, show: func(u *UI) {
			var entries []accountEntry
			for _, acct := range u.store.Accounts() {
				entries = append(entries, accountEntry{acct: acct, state: stateNeedsPermission})
			}
			u.showAccounts(entries, false)
		},
			focus: func(u *UI) fyne.Focusable { return u.switcher.rows["person1@pump1.example"].open },
			chain: func(u *UI) []fyne.Focusable { return append(buttonsIn(u.switcher.list), u.switcher.another) }},
		{name: "problem", accounts: 1, show: func(u *UI) { u.ctl.fail(u.ctl.begin(asked, func() {}), unreachable) },
			focus: func(u *UI) fyne.Focusable { return u.problem.primary },
			chain: func(u *UI) []fyne.Focusable {
				p := u.problem
				return []fyne.Focusable{p.more.header, p.secondary, p.primary}
			},
			escape: true},
		{name: "problem-details-open", accounts: 1, show: func(u *UI) {
			u.ctl.fail(u.ctl.begin(asked, func() {}), unreachable)
			u.problem.more.header.TypedKey(&fyne.KeyEvent{Name: fyne.KeyReturn})
		},
			focus: func(u *UI) fyne.Focusable { return u.problem.primary },
			chain: func(u *UI) []fyne.Focusable {
				p := u.problem
				return []fyne.Focusable{p.more.header, selection(p.details), p.secondary, p.primary}
			},
			escape: true,
			// Details stays selectable, so that Ctrl+A, Ctrl+C copy it for
			// whoever helps; Fyne's selectable text takes no other key.
			noEscape: func(u *UI) []fyne.Focusable { return []fyne.Focusable{selection(u.problem.details)} }},
		{name: "wrong-account", accounts: 1, show: func(u *UI) {
			u.ctl.showWrongAccount(&attempt{addr: asked}, pumpauth.Token{}, pumpauth.Profile{Address: "alice@127.0.0.1:31080"})
		},
			focus: func(u *UI) fyne.Focusable { return u.problem.primary },
			chain: func(u *UI) []fyne.Focusable {
				return []fyne.Focusable{u.problem.secondary, u.problem.primary}
			},
			escape: true},
	}
	for _, sc := range screens {
		t.Run(sc.name, func(t *testing.T) {
			h := newHarness(t, storeWith(t, sc.accounts), Options{})
			h.u.ctl.do = func(f func()) { f() } // the screens are shown on this goroutine
			sc.show(h.u)
			c := h.w.Canvas()
			var want fyne.Focusable
			if sc.focus != nil {
				want = sc.focus(h.u)
			}
			if got := c.Focused(); got != want {
				t.Errorf("the keyboard starts on %s, want %s", describeFocus(got), describeFocus(want))
			}
			chain := sc.chain(h.u)
			checkChain(t, c, chain)

			escapes := 0
			h.u.current.onEscape = func() { escapes++ }
			exempt := map[fyne.Focusable]bool{}
			if sc.noEscape != nil {
				for _, f := range sc.noEscape(h.u) {
					exempt[f] = true
				}
			}
			for _, f := range chain {
				if !sc.escape || exempt[f] {
					continue
				}
				before := escapes
				c.Focus(f)
				f.TypedKey(&fyne.KeyEvent{Name: fyne.KeyEscape})
				if escapes != before+1 {
					t.Errorf("Escape on %s does not cancel the screen", describeFocus(f))
				}
			}
			if sc.escape && len(chain) > 0 {
				// And with nothing focused, the window takes it.
				c.Unfocus()
				before := escapes
				c.OnTypedKey()(&fyne.KeyEvent{Name: fyne.KeyEscape})
				if escapes != before+1 {
					t.Error("Escape with nothing focused does not cancel the screen")
				}
			}
		})
	}
}

// Every dialog: the keyboard starts on its safe button, Tab goes through
// its buttons only, Escape closes it, and the keyboard is back on the
// button that opened it.
func TestKeyboard_EveryDialog(t *testing.T) {
	dialogs := []struct {
		name   string
		setup  func(t *testing.T, h *harness) *keyButton // shows the screen; returns the button that opens the dialog
		focus  string                                    // the button the keyboard starts on
		chain  []string                                  // the dialog's buttons, in Tab order
		closes bool                                      // Escape closes it and the keyboard goes back to the opener
	}{
		{name: "forget-from-home", setup: func(t *testing.T, h *harness) *keyButton {
			h.u.showHome(mustAddr("person1@pump1.example"), pumpauth.Profile{})
			return h.u.home.forget
		}, focus: "Keep", chain: []string{"Keep", "Forget"}, closes: true},
		{name: "forget-from-address", setup: func(t *testing.T, h *harness) *keyButton {
			h.u.showAddress("", false, "")
			return buttonsIn(h.u.address.saved)[1].(*keyButton)
		}, focus: "Keep", chain: []string{"Keep", "Forget"}, closes: true},
		{name: "forget-from-accounts", setup: func(t *testing.T, h *harness) *keyButton {
			h.u.showAccounts([]accountEntry{{acct: h.store.Accounts()[0], current: true}}, true)
			return h.u.switcher.rows["person1@pump1.example"].forget
		}, focus: "Keep", chain: []string{"Keep", "Forget"}, closes: true},
		{name: "scripts", setup: func(t *testing.T, h *harness) *keyButton {
			h.u.showHome(mustAddr("person1@pump1.example"), pumpauth.Profile{})
			return h.u.home.scripts
		}, focus: "Cancel", chain: []string{"Cancel", "Save to a file I pick…", "Save for PyPump"}, closes: true},
		{name: "scripts-not-connected", setup: func(t *testing.T, h *harness) *keyButton {
			must(t, h.store.ClearToken(mustAddr("person1@pump1.example")))
			h.u.showHome(mustAddr("person1@pump1.example"), pumpauth.Profile{})
			return h.u.home.scripts
		}, focus: "OK", chain: []string{"OK"}, closes: true},
	}
	for _, d := range dialogs {
		t.Run(d.name, func(t *testing.T) {
			t.Setenv("XDG_CONFIG_HOME", t.TempDir()) // where PyPump's file would go
			h := newHarness(t, storeWith(t, 1), Options{})
			h.u.ctl.do = func(f func()) { f() }
			opener := d.setup(t, h)
			c := h.w.Canvas()
			c.Focus(opener)
			opener.TypedKey(&fyne.KeyEvent{Name: fyne.KeyReturn}) // Enter on the focused button opens it
			if c.Overlays().Top() == nil {
				t.Fatal("no dialog")
			}
			if b, ok := c.Focused().(*keyButton); !ok || b.Text != d.focus {
				t.Errorf("the keyboard starts on %s, want button %q", describeFocus(c.Focused()), d.focus)
			}
			var names []string
			for _, f := range walkChain(c) {
				names = append(names, describeFocus(f))
			}
			var want []string
			for _, n := range d.chain {
				want = append(want, fmt.Sprintf("button %q", n))
			}
			if strings.Join(names, ", ") != strings.Join(want, ", ") {
				t.Errorf("Tab goes through\n  %s\nwant\n  %s", strings.Join(names, ", "), strings.Join(want, ", "))
			}
			// Enter and Escape with nothing focused in the dialog reach nothing below it.
			c.Unfocus()
			screen := h.u.screen
			entered := false
			h.u.current.onEnter = func() { entered = true }
			h.u.current.onEscape = func() { entered = true }
			c.OnTypedKey()(&fyne.KeyEvent{Name: fyne.KeyReturn})
			c.OnTypedKey()(&fyne.KeyEvent{Name: fyne.KeyEscape})
			if entered || h.u.screen != screen {
				t.Error("a key pressed over the dialog reached the screen below")
			}
			test.FocusNext(c)
			c.Focused().TypedKey(&fyne.KeyEvent{Name: fyne.KeyEscape})
			if c.Overlays().Top() != nil {
				t.Fatal("Escape does not close the dialog")
			}
			if c.Focused() != fyne.Focusable(opener) {
				t.Errorf("after the dialog the keyboard is on %s, not on %s", describeFocus(c.Focused()), describeFocus(opener))
			}
		})
	}
}

// The outcome of "Use in scripts…" is a dialog too: OK has the keyboard,
// Enter closes it.
func TestKeyboard_ScriptsOutcome(t *testing.T) {
	t.Setenv("XDG_CONFIG_HOME", t.TempDir())
	h := newHarness(t, storeWith(t, 1), Options{})
	h.u.showHome(mustAddr("person1@pump1.example"), pumpauth.Profile{})
	c := h.w.Canvas()
	c.Focus(h.u.home.scripts)
	sd, err := h.u.newScriptsDialog(mustAddr("person1@pump1.example"))
	must(t, err)
	sd.show()
	c.Focus(sd.savePyPump)
	sd.savePyPump.TypedKey(&fyne.KeyEvent{Name: fyne.KeyReturn})
	if sd.resultTitle != "Saved" {
		t.Fatalf("outcome %q: %q", sd.resultTitle, sd.resultText)
	}
	ok, isButton := c.Focused().(*keyButton)
	if !isButton || ok.Text != "OK" {
		t.Fatalf("the keyboard is on %s, not the outcome's OK", describeFocus(c.Focused()))
	}
	ok.TypedKey(&fyne.KeyEvent{Name: fyne.KeyReturn})
	if c.Overlays().Top() != nil {
		t.Fatal("Enter on OK does not close the outcome")
	}
	if c.Focused() != fyne.Focusable(h.u.home.scripts) {
		t.Errorf("after the outcome the keyboard is on %s, not on Use in scripts…", describeFocus(c.Focused()))
	}
}

// checkChain walks Tab and Shift+Tab from nothing focused and compares
// the widgets reached with want.
func checkChain(t *testing.T, c fyne.Canvas, want []fyne.Focusable) {
	t.Helper()
	got := walkChain(c)
	if !sameChain(got, want) {
		t.Errorf("Tab goes through\n  %s\nwant\n  %s", describeChain(got), describeChain(want))
	}
	c.Unfocus()
	var back []fyne.Focusable
	for range want {
		c.FocusPrevious()
		back = append(back, c.Focused())
	}
	for i, j := 0, len(back)-1; i < j; i, j = i+1, j-1 {
		back[i], back[j] = back[j], back[i]
	}
	if !sameChain(back, want) {
		t.Errorf("Shift+Tab goes through (reversed)\n  %s\nwant\n  %s", describeChain(back), describeChain(want))
	}
	for _, f := range got {
		if tb, ok := f.(fyne.Tabbable); ok && tb.AcceptsTab() {
			t.Errorf("%s keeps Tab: the keyboard cannot leave it", describeFocus(f))
		}
	}
}

// walkChain is every widget Tab reaches, from nothing focused round to the first again.
func walkChain(c fyne.Canvas) []fyne.Focusable {
	c.Unfocus()
	var chain []fyne.Focusable
	for range 100 {
		c.FocusNext()
		f := c.Focused()
		if f == nil || (len(chain) > 0 && f == chain[0]) {
			break
		}
		chain = append(chain, f)
	}
	return chain
}

func sameChain(a, b []fyne.Focusable) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

func describeChain(chain []fyne.Focusable) string {
	var s []string
	for _, f := range chain {
		s = append(s, describeFocus(f))
	}
	return strings.Join(s, ", ")
}

func describeFocus(f fyne.Focusable) string {
	switch w := f.(type) {
	case nil:
		return "nothing"
	case *keyButton:
		return fmt.Sprintf("button %q", w.Text)
	case *keyEntry:
		return fmt.Sprintf("field %q", w.PlaceHolder)
	case *noteEntry:
		return "the note box"
	case *keyCheck:
		return fmt.Sprintf("check %q", w.Text)
	}
	if o, ok := f.(fyne.CanvasObject); ok {
		return fmt.Sprintf("%T at %v", f, fyne.CurrentApp().Driver().AbsolutePositionForObject(o))
	}
	return fmt.Sprintf("%T", f)
}

// buttonsIn is every visible keyButton inside o, in tree order.
func buttonsIn(o fyne.CanvasObject) []fyne.Focusable {
	var out []fyne.Focusable
	for _, f := range focusablesIn(o) {
		if _, ok := f.(*keyButton); ok {
			out = append(out, f)
		}
	}
	return out
}

// focusablesIn is every visible focusable widget inside o, in tree order.
func focusablesIn(o fyne.CanvasObject) []fyne.Focusable {
	var out []fyne.Focusable
	var walk func(fyne.CanvasObject)
	walk = func(o fyne.CanvasObject) {
		if !o.Visible() {
			return
		}
		if f, ok := o.(fyne.Focusable); ok {
			out = append(out, f)
		}
		switch x := o.(type) {
		case *fyne.Container:
			for _, ch := range x.Objects {
				walk(ch)
			}
		case fyne.Widget:
			for _, ch := range test.WidgetRenderer(x).Objects() {
				walk(ch)
			}
		}
	}
	walk(o)
	return out
}

// selection is the focusable part of a selectable Label (Fyne keeps it private).
func selection(l *widget.Label) fyne.Focusable {
	for _, o := range test.WidgetRenderer(l).Objects() {
		if f, ok := o.(fyne.Focusable); ok {
			return f
		}
	}
	return nil
}

// storeWith is a store with n connected accounts, person1@pump1.example …
// person1 is the current one.
func storeWith(t *testing.T, n int) *recordingStore {
	t.Helper()
	st := newStore(t)
	for i := range n {
		addr := mustAddr(fmt.Sprintf("person%d@pump%d.example", i+1, i+1))
		must(t, st.SaveRegistration(addr, pumpauth.Client{Key: "k", Secret: "s"}, pumpauth.Endpoints{}))
		must(t, st.SaveToken(addr, pumpauth.Token{Token: "t", Secret: "s"},
			pumpauth.Profile{DisplayName: fmt.Sprintf("Person Number %d", i+1)}))
	}
	if n > 0 {
		must(t, st.SetCurrent(mustAddr("person1@pump1.example")))
	}
	return st
}
