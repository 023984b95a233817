package gui

import (
	"testing"

	"fyne.io/fyne/v2/test"

	"github.com/pumpconnect/pumpconnect/persist"
	"github.com/pumpconnect/pumpconnect/pumpauth/pumptest"
)

// TestWithPersistStore runs the first connection and a restart against the
// real store, on the test app's in-memory preferences, as main.go wires it.
func TestWithPersistStore(t *testing.T) {
	s := newServer(t)
	a := test.NewTempApp(t)
	st, err := persist.NewStore(a.Preferences(), "")
	if err != nil {
		t.Fatal(err)
	}
	addr := s.Address("alice")

	run := func() *harness {
		h := &harness{t: t, app: a, queue: make(chan func(), 1000), opened: make(chan string, 100)}
		h.w = a.NewWindow("Pump Connect")
		h.u = New(a, h.w, st, Options{OpenURL: func(link string) error {
			h.opened <- link
			return approvingBrowser(t, s)(link)
		}})
		h.u.ctl.do = func(f func()) { h.queue <- f }
		h.u.raiseFn = func() { h.raised++ }
		t.Cleanup(func() { h.u.Close(); h.drain() })
		h.u.Start()
		return h
	}

	h := run()
	h.submitAddress(addr)
	h.waitScreen(screenHome)
	acct, ok := st.Current()
	if !ok || acct.Address != addr || !acct.HasToken() || acct.DisplayName != "Alice Example" {
		t.Fatalf("stored %v %+v", ok, acct.Address)
	}
	h.u.Close()

	// The app starts again: one whoami, no browser, no registration.
	h2 := run()
	if h2.u.screen != screenProgress {
		t.Errorf("restart: screen %q", h2.u.screen)
	}
	h2.waitScreen(screenHome)
	if len(h2.opened) != 0 || s.Requests(pumptest.Register) != 1 {
		t.Errorf("restart opened the browser or registered again")
	}

	// The server forgets the token: permission again, same registration.
	s.RevokeTokens()
	h3 := run()
	h3.waitScreen(screenProblem)
	if a, _ := st.Account(mustAddr(addr)); a.HasToken() || a.ClientKey == "" {
		t.Errorf("after rejection: token %v client %v", a.HasToken(), a.ClientKey != "")
	}
	h3.u.problem.onPrimary()
	h3.waitScreen(screenHome)
	if s.Requests(pumptest.Register) != 1 {
		t.Error("registered again")
	}
}
