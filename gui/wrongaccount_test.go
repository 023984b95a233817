package gui

import (
	"context"
	"strings"
	"testing"

	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"github.com/pumpconnect/pumpconnect/pumpauth"
	"github.com/pumpconnect/pumpconnect/pumpauth/pumptest"
)

// browserAs approves every link as nick, as a browser logged in as nick does.
func browserAs(t *testing.T, s *pumptest.Server, nick, password string) func(string) error {
	return func(link string) error {
		if _, err := s.Approve(context.Background(), link, nick, password); err != nil {
			t.Errorf("browser: %v", err)
		}
		return nil
	}
}

// Someone types bob's address while their browser is logged in as alice:
// alice's token is never stored under bob, and one screen says so.
func TestConnect_WrongAccount(t *testing.T) {
	for _, choice := range []string{"use alice", "try again as bob"} {
		t.Run(choice, func(t *testing.T) {
			s := newServer(t)
			s.AddUser("bob", "builder", "Bob Builder")
			alice, bob := s.Address("alice"), s.Address("bob")
			st := newStore(t)
			h := newHarness(t, st, Options{})
			h.setBrowser(approvingBrowser(t, s)) // logged in as alice
			h.u.Start()
			h.submitAddress(bob)
			h.waitScreen(screenWrongAccount)
			p := h.u.problem
			if want := "Your browser approved as " + alice + ", not " + bob + "."; !strings.HasPrefix(p.text.Text, want) {
				t.Errorf("text %q, want it to start %q", p.text.Text, want)
			}
			if !strings.Contains(p.text.Text, "log out of "+s.Host+" in your browser") {
				t.Errorf("text %q does not say to log out first", p.text.Text)
			}
			if p.primary.Text != "Use "+alice || p.secondary.Text != "Try again as bob" {
				t.Errorf("buttons %q, %q", p.primary.Text, p.secondary.Text)
			}
			if st.get(bob).HasToken() || st.get(alice).HasToken() {
				t.Fatalf("a token was stored before the person chose: bob %+v alice %+v", st.get(bob), st.get(alice))
			}
			registrations := s.Requests(pumptest.Register)

			switch choice {
			case "use alice":
				test.Tap(p.primary)
				h.waitScreen(screenHome)
				if want := "Connected as Alice Example (" + alice + ")"; h.u.home.who.Text != want {
					t.Errorf("who %q, want %q", h.u.home.who.Text, want)
				}
				a := st.get(alice)
				if !a.HasToken() || a.ClientKey == "" || a.DisplayName != "Alice Example" {
					t.Errorf("alice stored %+v", a)
				}
				if _, ok := st.Account(mustAddr(bob)); ok {
					t.Errorf("bob, never connected, is still saved: %+v", st.get(bob))
				}
				if cur, _ := st.Current(); cur.Address != alice {
					t.Errorf("current %q", cur.Address)
				}
				// The home speaks for alice: her inbox loads, her note goes to her feed.
				h.waitInbox()
				if h.u.home.inbox.retry.Visible() {
					t.Errorf("alice's inbox fails: %q", h.u.home.inbox.state.Text)
				}
				h.u.home.note.SetText("from alice")
				test.Tap(h.u.home.postButton)
				h.eventually("the post", func() bool { return !h.u.home.postButton.Disabled() })
				if h.u.home.postStatus.Importance == widget.DangerImportance {
					t.Errorf("alice's post fails: %q", h.u.home.postStatus.Text)
				}
			case "try again as bob":
				h.setBrowser(browserAs(t, s, "bob", "builder")) // logged out and in again as bob
				test.Tap(p.secondary)
				h.waitScreen(screenHome)
				if want := "Connected as Bob Builder (" + bob + ")"; h.u.home.who.Text != want {
					t.Errorf("who %q, want %q", h.u.home.who.Text, want)
				}
				if !st.get(bob).HasToken() || st.get(alice).HasToken() {
					t.Errorf("bob %+v alice %+v", st.get(bob), st.get(alice))
				}
			}
			if n := s.Requests(pumptest.Register); n != registrations {
				t.Errorf("%d more registrations: the one made for bob serves the whole server", n-registrations)
			}
		})
	}
}

// An earlier version could store alice's token under bob: a reconnect
// finds out and offers to keep it under alice.
func TestReconnect_TokenStoredUnderTheWrongAddress(t *testing.T) {
	s := newServer(t)
	s.AddUser("bob", "builder", "Bob Builder")
	st := connectedStore(t, s)
	alice, bob := s.Address("alice"), s.Address("bob")
	a := st.get(alice)
	st.Forget(mustAddr(alice))
	st.SaveRegistration(mustAddr(bob), a.Client("Pump Connect"), a.Endpoints)
	st.SaveToken(mustAddr(bob), a.PumpToken(), pumpauth.Profile{DisplayName: "Alice Example"})
	h := newHarness(t, st, Options{})
	h.u.Start()
	h.waitScreen(screenWrongAccount)
	test.Tap(h.u.problem.primary)
	h.waitScreen(screenHome)
	if !st.get(alice).HasToken() {
		t.Errorf("alice %+v", st.get(alice))
	}
	if _, ok := st.Account(mustAddr(bob)); ok {
		t.Errorf("bob still holds alice's token: %+v", st.get(bob))
	}
}

// Both releases: pump.io 6.0 negotiates ActivityStreams 2.0; the app asks
// for 1.0 and connects and reconnects on either.
func TestConnectAndReconnect_BothVersions(t *testing.T) {
	for name, v := range map[string]pumptest.Version{"5.1.4": pumptest.Version514, "6.0": pumptest.Version60} {
		t.Run(name, func(t *testing.T) {
			s := newServer(t)
			s.SetVersion(v)
			st := newStore(t)
			h := newHarness(t, st, Options{})
			h.setBrowser(approvingBrowser(t, s))
			h.u.Start()
			h.submitAddress(s.Address("alice"))
			h.waitScreen(screenHome)
			h.u.Close()

			again := newHarness(t, st, Options{})
			again.u.Start()
			again.waitScreen(screenHome)
			if want := "Connected as Alice Example (" + s.Address("alice") + ")"; again.u.home.who.Text != want {
				t.Errorf("who %q", again.u.home.who.Text)
			}
		})
	}
}

// An address with another name for the server (localhost for a server that
// calls itself 127.0.0.1) connects, and the account is kept under the
// server's own name, never as "unknown user".
func TestConnect_ServerCallsItselfOtherwise(t *testing.T) {
	s := newServer(t)
	_, port, _ := strings.Cut(s.Host, ":")
	st := newStore(t)
	h := newHarness(t, st, Options{})
	h.setBrowser(approvingBrowser(t, s))
	h.u.Start()
	h.submitAddress("alice@localhost:" + port)
	h.waitScreen(screenHome)
	if want := "Connected as Alice Example (" + s.Address("alice") + ")"; h.u.home.who.Text != want {
		t.Errorf("who %q, want %q", h.u.home.who.Text, want)
	}
	if !st.get(s.Address("alice")).HasToken() {
		t.Errorf("not stored under %s: %v", s.Address("alice"), st.callLog())
	}
	if _, ok := st.Account(mustAddr("alice@localhost:" + port)); ok {
		t.Error("an account is stored under the name the server does not use")
	}
}

// An account stored before endpoints were kept reconnects by reading
// host-meta once, and keeps the endpoints for the next time.
func TestReconnect_StoresEndpointsOnce(t *testing.T) {
	s := newServer(t)
	st := connectedStore(t, s)
	addr := s.Address("alice")
	a := st.get(addr)
	// As an earlier version stored it: no endpoints.
	must(t, st.Forget(mustAddr(addr)))
	must(t, st.SaveRegistration(mustAddr(addr), a.Client("Pump Connect"), pumpauth.Endpoints{}))
	must(t, st.SaveToken(mustAddr(addr), a.PumpToken(), pumpauth.Profile{DisplayName: a.DisplayName}))
	must(t, st.SetCurrent(mustAddr(addr)))
	h := newHarness(t, st, Options{})
	h.u.Start()
	h.waitScreen(screenHome)
	if got := st.get(addr).Endpoints; got.Whoami != s.URL+"/api/whoami" {
		t.Fatalf("endpoints not stored: %+v", got)
	}
	hostMeta := s.Requests(pumptest.HostMeta)
	again := newHarness(t, st, Options{})
	again.u.Start()
	again.waitScreen(screenHome)
	if n := s.Requests(pumptest.HostMeta) - hostMeta; n != 0 {
		t.Errorf("%d host-meta requests on the second reconnect", n)
	}
}
