package gui

import (
	"strings"
	"testing"

	"fyne.io/fyne/v2/test"

	"github.com/pumpconnect/pumpconnect/pumpauth"
	"github.com/pumpconnect/pumpconnect/pumpauth/pumptest"
)

func TestReconnectOnStart(t *testing.T) {
	s := newServer(t)
	st := connectedStore(t, s)
	addr := s.Address("alice")
	endpoints := []pumptest.Endpoint{pumptest.HostMeta, pumptest.Webfinger, pumptest.Register, pumptest.RequestToken,
		pumptest.AccessToken, pumptest.Whoami, pumptest.Profile}
	before := map[pumptest.Endpoint]int{}
	for _, ep := range endpoints {
		before[ep] = s.Requests(ep)
	}
	h := newHarness(t, st, Options{})
	h.u.Start()
	if h.u.screen != screenProgress || h.u.progress.text.Text != "Reconnecting as Alice Example ("+addr+")…" {
		t.Errorf("screen %q text %q", h.u.screen, h.u.progress.text.Text)
	}
	h.waitScreen(screenHome)
	if got := h.u.home.who.Text; got != "Connected as Alice Example ("+addr+")" {
		t.Errorf("who %q", got)
	}
	// With the stored endpoints a reconnect is two requests: whoami and the profile.
	for _, ep := range endpoints {
		want := 0
		if ep == pumptest.Whoami || ep == pumptest.Profile {
			want = 1
		}
		if n := s.Requests(ep) - before[ep]; n != want {
			t.Errorf("%d %s requests on a reconnect, want %d", n, ep, want)
		}
	}
	if len(h.opened) != 0 {
		t.Error("the browser opened on a reconnect")
	}
}

func TestReconnect_TokenRejected(t *testing.T) {
	s := newServer(t)
	st := connectedStore(t, s)
	addr := s.Address("alice")
	key := st.get(addr).ClientKey
	s.RevokeTokens()
	h := newHarness(t, st, Options{})
	h.setBrowser(approvingBrowser(t, s))
	h.u.Start()
	h.waitScreen(screenProblem)
	p := h.u.problem
	if p.title.Text != "Pump Connect needs your permission again" || p.primary.Text != "Reconnect" {
		t.Errorf("title %q primary %q", p.title.Text, p.primary.Text)
	}
	a := st.get(addr)
	if a.HasToken() || a.ClientKey != key {
		t.Errorf("stored %+v: want the token cleared and the registration kept", a)
	}
	test.Tap(p.primary)
	h.waitScreen(screenHome)
	if n := s.Requests(pumptest.Register); n != 1 {
		t.Errorf("%d registrations: the stored one was not reused", n)
	}
	if st.get(addr).ClientKey != key || !st.get(addr).HasToken() {
		t.Error("not reconnected with the same registration")
	}
}

// After the server's database was wiped (a restart of a server with an
// in-memory database, a migration), the stored token is unknown: one press
// of Reconnect ends connected. The app registers again by itself when the
// request-token step says the client is unknown, and no screen says that
// anything was lost.
func TestReconnect_AfterWipedDatabase(t *testing.T) {
	s := newServer(t)
	st := connectedStore(t, s)
	addr := s.Address("alice")
	oldKey := st.get(addr).ClientKey
	hostMeta := s.Requests(pumptest.HostMeta)
	s.ForgetClients()
	h := newHarness(t, st, Options{})
	h.setBrowser(approvingBrowser(t, s))
	h.u.Start()
	h.waitScreen(screenProblem)
	p := h.u.problem
	if p.title.Text != "Pump Connect needs your permission again" || p.primary.Text != "Reconnect" {
		t.Errorf("title %q primary %q", p.title.Text, p.primary.Text)
	}
	for _, word := range []string{"lost", "forgot", "deleted", "wiped"} {
		if strings.Contains(strings.ToLower(p.title.Text+" "+p.text.Text), word) {
			t.Errorf("the screen says %q: %q", word, p.text.Text)
		}
	}
	if a := st.get(addr); a.HasToken() || a.ClientKey != oldKey {
		t.Errorf("stored %+v: want the token cleared and the registration kept until the server refuses it", a)
	}
	test.Tap(p.primary)
	h.waitScreen(screenHome)
	if n := s.Requests(pumptest.Register); n != 2 {
		t.Errorf("%d registrations, want a new one", n)
	}
	if a := st.get(addr); a.ClientKey == oldKey || !a.HasToken() {
		t.Errorf("stored %+v: want a new registration and a token", a)
	}
	if n := s.Requests(pumptest.HostMeta) - hostMeta; n != 0 {
		t.Errorf("%d host-meta requests: the stored endpoints outlive the registration", n)
	}
}

// A token the server knows with a client it does not ("Invalid / used
// nonce"): the registration is gone, so the app registers again and asks.
func TestReconnect_ClientGoneTokenKnown(t *testing.T) {
	s := newServer(t)
	st := connectedStore(t, s)
	addr := s.Address("alice")
	a := st.get(addr)
	st.SaveRegistration(mustAddr(addr), pumpauth.Client{Key: "unknownunknownunknown0", Secret: "s"}, a.Endpoints)
	st.SaveToken(mustAddr(addr), a.PumpToken(), pumpauth.Profile{DisplayName: a.DisplayName})
	h := newHarness(t, st, Options{})
	h.setBrowser(approvingBrowser(t, s))
	h.u.Start()
	h.waitScreen(screenProblem)
	if n := s.Requests(pumptest.Register); n != 2 {
		t.Errorf("%d registrations, want a new one", n)
	}
	if a := st.get(addr); a.ClientKey == "" || a.ClientKey == "unknownunknownunknown0" || a.HasToken() {
		t.Errorf("stored %+v: want a new registration, no token", a)
	}
	if !contains(st.callLog(), "ClearClient "+addr) {
		t.Errorf("calls %v", st.callLog())
	}
	test.Tap(h.u.problem.primary)
	h.waitScreen(screenHome)
	if n := s.Requests(pumptest.Register); n != 2 {
		t.Errorf("%d registrations after approval, want 2", n)
	}
}

func TestReconnect_UnreachableKeepsAccount(t *testing.T) {
	s := newServer(t)
	st := connectedStore(t, s)
	addr := s.Address("alice")
	before := st.get(addr)
	s.Close() // the server is down
	h := newHarness(t, st, Options{})
	h.u.Start()
	h.waitScreen(screenProblem)
	p := h.u.problem
	if !strings.HasPrefix(p.text.Text, "Nothing is answering at "+s.Host+" on this computer.") || !strings.Contains(p.text.Text, "stays saved") {
		t.Errorf("text %q", p.text.Text)
	}
	if p.primary.Text != "Retry" || p.secondary.Text != "Use another account" {
		t.Errorf("buttons %q %q", p.primary.Text, p.secondary.Text)
	}
	if after := st.get(addr); after != before {
		t.Errorf("account changed: %+v", after)
	}
	for _, c := range st.callLog() {
		if strings.HasPrefix(c, "Clear") || strings.HasPrefix(c, "Forget") {
			t.Errorf("store call %q on a network error", c)
		}
	}
	test.Tap(p.primary)
	if h.u.screen != screenProgress {
		t.Errorf("Retry: screen %q", h.u.screen)
	}
	h.waitScreen(screenProblem)
	test.Tap(h.u.problem.secondary)
	if h.u.screen != screenAddress || h.u.address.entry.Text != "" {
		t.Errorf("Use another account: screen %q entry %q", h.u.screen, h.u.address.entry.Text)
	}
	if !st.get(addr).HasToken() {
		t.Error("token lost")
	}
}

// A registered account without a token opens on the address screen. Its
// stored plain-HTTP choice shows ticked only when the account used plain
// http: one that used https is pinned to it, and the person ticks the box
// themselves if they want plain http now.
func TestReconnect_RegisteredWithoutToken(t *testing.T) {
	for _, tt := range []struct {
		base      string
		wantPlain bool
	}{
		{"http://pump.example", true},
		{"https://pump.example", false},
	} {
		st := newStore(t)
		st.SaveRegistration(plainAddr("alice@pump.example"), pumpauth.Client{Key: "k", Secret: "s"}, pumpauth.Endpoints{Base: tt.base})
		st.SetCurrent(mustAddr("alice@pump.example"))
		h := newHarness(t, st, Options{})
		h.u.Start()
		if h.u.screen != screenAddress || h.u.address.entry.Text != "alice@pump.example" || h.u.address.plainHTTP.Checked != tt.wantPlain {
			t.Errorf("%s: screen %q entry %q plain %v", tt.base, h.u.screen, h.u.address.entry.Text, h.u.address.plainHTTP.Checked)
		}
	}
}

// An account that connected over https is pinned to it. When its server
// now answers only plain http, a reconnect does not drop to plain http —
// not because the account once allowed plain http, nor when its stored
// endpoints are incomplete and host-meta is read again. The address screen
// says why, with Allow plain HTTP unticked; ticking it is the person's
// decision, and then the account connects over plain http.
func TestReconnect_HTTPSAccountIsNotDowngraded(t *testing.T) {
	tests := []struct {
		name      string
		baseOnly  bool // stored endpoints hold only the https base (as incomplete ones from an older version)
		plainHTTP bool // the stored plain-HTTP choice
	}{
		{"https endpoints", false, false},
		{"https endpoints, plain http once allowed", false, true},
		{"only the https base", true, false},
		{"only the https base, plain http once allowed", true, true},
	}
	steps := []pumptest.Endpoint{pumptest.HostMeta, pumptest.Webfinger, pumptest.Register, pumptest.RequestToken,
		pumptest.AccessToken, pumptest.Whoami, pumptest.Profile}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := newServer(t) // plain http only, on this computer
			st := connectedStore(t, s)
			addr := s.Address("alice")
			acct := st.get(addr)
			https := func(u string) string { return strings.Replace(u, "http://", "https://", 1) }
			e := acct.Endpoints
			e = pumpauth.Endpoints{Base: https(e.Base), Webfinger: https(e.Webfinger), Register: https(e.Register),
				RequestToken: https(e.RequestToken), Authorize: https(e.Authorize), AccessToken: https(e.AccessToken), Whoami: https(e.Whoami)}
			if tt.baseOnly {
				e = pumpauth.Endpoints{Base: e.Base}
			}
			stored := mustAddr(addr)
			stored.PlainHTTP = tt.plainHTTP
			must(t, st.SaveRegistration(stored, acct.Client("Pump Connect"), e))
			before := map[pumptest.Endpoint]int{}
			for _, ep := range steps {
				before[ep] = s.Requests(ep)
			}

			h := newHarness(t, st, Options{})
			h.setBrowser(approvingBrowser(t, s))
			h.u.Start()
			h.waitScreen(screenAddress)
			as := h.u.address
			if as.entry.Text != addr || as.plainHTTP.Checked {
				t.Errorf("address screen: entry %q, plain HTTP ticked %v", as.entry.Text, as.plainHTTP.Checked)
			}
			if !as.problem.Visible() || !strings.Contains(as.problem.Text, "used to offer a secure connection") {
				t.Errorf("address screen says %q", as.problem.Text)
			}
			for _, ep := range steps {
				if n := s.Requests(ep) - before[ep]; n != 0 {
					t.Errorf("%d %s requests over plain http", n, ep)
				}
			}
			if got := st.get(addr); !got.HasToken() || got.Endpoints != e {
				t.Errorf("stored account changed: %+v", got)
			}

			// The person decides.
			as.plainHTTP.SetChecked(true)
			h.submitAddress(addr)
			h.waitScreen(screenHome)
			if got := st.get(addr); got.Endpoints.Base != s.URL || !got.PlainHTTP || !got.HasToken() {
				t.Errorf("after allowing plain http: stored %+v", got)
			}
		})
	}
}
