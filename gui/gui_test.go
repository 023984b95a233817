package gui

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"github.com/pumpconnect/pumpconnect/pumpauth"
	"github.com/pumpconnect/pumpconnect/pumpauth/pumptest"
)

func TestStart_AddressScreenFocused(t *testing.T) {
	h := newHarness(t, newStore(t), Options{DemoAddress: "demo@127.0.0.1:8000"})
	h.u.Start()
	if h.u.screen != screenAddress {
		t.Fatalf("screen %q, want address", h.u.screen)
	}
	if got := h.w.Canvas().Focused(); got != h.u.address.entry {
		t.Errorf("focused %T, want the address entry", got)
	}
	if h.w.Title() != "Pump Connect" {
		t.Errorf("title %q", h.w.Title())
	}
	if h.u.address.entry.Text != "demo@127.0.0.1:8000" {
		t.Errorf("entry %q, want the demo address", h.u.address.entry.Text)
	}
	if h.w.FixedSize() {
		t.Error("the window cannot be resized")
	}
	if h.u.address.label.Text != "Your pump.io address" || h.u.address.entry.PlaceHolder != "alice@pump.example" {
		t.Errorf("label %q placeholder %q", h.u.address.label.Text, h.u.address.entry.PlaceHolder)
	}
	if h.u.address.problem.Visible() {
		t.Error("a problem shows before anything was typed")
	}
	if h.u.address.advanced.Items[0].Open {
		t.Error("Advanced is open at start")
	}
	if h.u.address.plainHTTP.Text != "Allow plain HTTP (not secure)" {
		t.Errorf("plain HTTP check %q", h.u.address.plainHTTP.Text)
	}
}

func TestAddress_InlineValidation(t *testing.T) {
	h := newHarness(t, newStore(t), Options{})
	h.u.Start()
	s := h.u.address
	tests := []struct{ typed, want string }{
		{"", "The address is empty; it looks like alice@pump.example."},
		{"alice", "The address needs an @ between your user name and the server, like alice@pump.example."},
		{"https://pump.example/alice", "Type your address (like alice@pump.example), not a web link."},
		{"@pump.example", "The user name before the @ is missing."},
	}
	for _, tt := range tests {
		h.submitAddress(tt.typed)
		if h.u.screen != screenAddress {
			t.Fatalf("%q: screen %q, want to stay on the address", tt.typed, h.u.screen)
		}
		if !s.problem.Visible() || s.problem.Text != tt.want {
			t.Errorf("%q: problem %q (visible %v), want %q", tt.typed, s.problem.Text, s.problem.Visible(), tt.want)
		}
	}
	// Fixing the address removes the message while typing.
	s.entry.SetText("alice@pump.exampl")
	test.Type(s.entry, "e")
	if s.problem.Visible() {
		t.Errorf("problem %q still shows for a good address", s.problem.Text)
	}
	if len(h.store.callLog()) != 0 {
		t.Errorf("store touched: %v", h.store.callLog())
	}
}

func TestConnect_HappyPath(t *testing.T) {
	s := newServer(t)
	h := newHarness(t, newStore(t), Options{})
	h.setBrowser(approvingBrowser(t, s))
	h.u.Start()
	addr := s.Address("alice")
	h.submitAddress(addr)
	if h.u.screen != screenProgress || !strings.HasPrefix(h.u.progress.text.Text, "Contacting 127.0.0.1") {
		t.Errorf("screen %q text %q, want the progress", h.u.screen, h.u.progress.text.Text)
	}
	h.waitScreen(screenConnected)

	c := h.u.connected
	if want := "Connected as Alice Example (" + addr + ")"; c.who.Text != want {
		t.Errorf("who %q, want %q", c.who.Text, want)
	}
	if c.next.Text != "You can close this window; Pump Connect remembers you." {
		t.Errorf("next %q", c.next.Text)
	}
	h.eventually("the avatar", func() bool { return c.avatar.Image != nil })
	if b := c.avatar.Image.Bounds(); b.Dx() == 0 {
		t.Errorf("avatar %v", b)
	}
	if h.raised == 0 {
		t.Error("the window did not come back to the front")
	}
	a := h.store.get(addr)
	if !a.HasToken() || a.ClientKey == "" || a.DisplayName != "Alice Example" || a.BaseURL != s.URL {
		t.Errorf("stored %+v", a)
	}
	if cur, _ := h.store.Current(); cur.Address != addr {
		t.Errorf("current %q", cur.Address)
	}
	// The registration is saved before the browser opens.
	log := h.store.callLog()
	reg, open := -1, -1
	for i, c := range log {
		if c == "SaveRegistration "+addr && reg < 0 {
			reg = i
		}
		if c == "open" && open < 0 {
			open = i
		}
	}
	if reg < 0 || open < 0 || reg > open {
		t.Errorf("calls %v: want SaveRegistration before open", log)
	}
	if n := s.Requests(pumptest.Register); n != 1 {
		t.Errorf("%d registrations", n)
	}
}

func TestConnect_ApproveScreen(t *testing.T) {
	s := newServer(t)
	h := newHarness(t, newStore(t), Options{})
	h.u.Start()
	h.submitAddress(s.Address("alice"))
	link := h.nextLink()
	h.waitScreen(screenApprove)
	a := h.u.approve
	if a.link.Text != link || !strings.HasPrefix(link, s.URL+"/oauth/authorize?") {
		t.Errorf("link %q, opened %q", a.link.Text, link)
	}
	if !strings.Contains(a.text.Text, "Your browser is open on "+s.Host+". Log in if asked, then press Authorize. Pump Connect will continue by itself.") {
		t.Errorf("text %q", a.text.Text)
	}
	test.Tap(a.copyLink)
	if got := h.app.Clipboard().Content(); got != link {
		t.Errorf("clipboard %q", got)
	}
	if a.copyLink.Text != linkCopiedText {
		t.Error("no feedback after Copy link")
	}
	// The person approves a little later, in a browser the app did not drive.
	go approvingBrowser(t, s)(link)
	h.waitScreen(screenConnected)
}

func TestConnect_BrowserDoesNotOpen(t *testing.T) {
	s := newServer(t)
	h := newHarness(t, newStore(t), Options{})
	h.setBrowser(func(string) error { return &pumpauth.ResponseError{Op: "open", Kind: pumpauth.ErrUnreachable} })
	h.u.Start()
	h.submitAddress(s.Address("alice"))
	h.waitScreen(screenApprove)
	h.eventually("the no-browser text", func() bool {
		return strings.HasPrefix(h.u.approve.text.Text, "Pump Connect couldn't open your browser.")
	})
}

func TestConnect_Errors(t *testing.T) {
	html := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html")
		w.Write([]byte("<html><body>Welcome to my blog</body></html>"))
	}))
	t.Cleanup(html.Close)

	tests := []struct {
		name  string
		setup func(t *testing.T) (address string, opts Options)
		want  error
	}{
		{"unknown user", func(t *testing.T) (string, Options) {
			return newServer(t).Address("nobody"), Options{}
		}, pumpauth.ErrUnknownUser},
		{"not a pump server", func(t *testing.T) (string, Options) {
			return "alice@" + strings.TrimPrefix(html.URL, "http://"), Options{}
		}, pumpauth.ErrNotPumpServer},
		{"unreachable", func(t *testing.T) (string, Options) {
			return "alice@" + closedPort(t), Options{}
		}, pumpauth.ErrUnreachable},
		{"server error", func(t *testing.T) (string, Options) {
			s := newServer(t)
			s.SetFault(pumptest.Register, pumptest.Fault{Status: 500})
			return s.Address("alice"), Options{}
		}, pumpauth.ErrServer},
		{"bad gateway", func(t *testing.T) (string, Options) {
			s := newServer(t)
			s.SetFault(pumptest.RequestToken, pumptest.Fault{Status: 502})
			return s.Address("alice"), Options{}
		}, pumpauth.ErrServer},
		{"certificate", func(t *testing.T) (string, Options) {
			s := pumptest.NewTLSServer()
			t.Cleanup(s.Close)
			return s.Address("alice"), Options{}
		}, pumpauth.ErrCertificate},
		{"signature", func(t *testing.T) (string, Options) {
			s := newServer(t)
			s.SetFault(pumptest.RequestToken, pumptest.Fault{Status: 401})
			return s.Address("alice"), Options{}
		}, pumpauth.ErrInvalidSignature},
		{"timeout", func(t *testing.T) (string, Options) {
			s := newServer(t)
			s.SetFault(pumptest.HostMeta, pumptest.Fault{Delay: time.Minute})
			return s.Address("alice"), Options{PumpOptions: []pumpauth.Option{pumpauth.WithTimeout(200 * time.Millisecond)}}
		}, pumpauth.ErrTimeout},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			addr, opts := tt.setup(t)
			h := newHarness(t, newStore(t), opts)
			h.u.Start()
			h.submitAddress(addr)
			h.waitScreen(screenProblem)
			p := h.u.problem
			if want := explainFor(mustAddr(addr), tt.want); p.text.Text != want {
				t.Errorf("text %q, want %q", p.text.Text, want)
			}
			if !strings.HasPrefix(p.title.Text, "Pump Connect couldn't connect to ") {
				t.Errorf("title %q", p.title.Text)
			}
			wantPrimary, wantSecondary := "Retry", "Change address"
			if needsNewAddress(tt.want) {
				wantPrimary, wantSecondary = wantSecondary, wantPrimary
			}
			if !p.primary.Visible() || p.primary.Text != wantPrimary || p.secondary.Text != wantSecondary {
				t.Errorf("buttons %q %q, want %q %q", p.primary.Text, p.secondary.Text, wantPrimary, wantSecondary)
			}
			if !p.accordion.Visible() || p.details.Text == "" || !strings.HasPrefix(p.details.Text, "pumpauth: ") {
				t.Errorf("details %q", p.details.Text)
			}
			if p.accordion.Items[0].Open {
				t.Error("details open by default")
			}
			if a := h.store.get(addr); a.ClientSecret != "" && strings.Contains(p.details.Text, a.ClientSecret) {
				t.Error("details show the client secret")
			}
			// Escape goes back to the address, keeping it.
			h.w.Canvas().OnTypedKey()(&fyne.KeyEvent{Name: fyne.KeyEscape})
			if h.u.screen != screenAddress || h.u.address.entry.Text != addr {
				t.Errorf("after Escape: screen %q entry %q", h.u.screen, h.u.address.entry.Text)
			}
		})
	}
}

func TestConnect_RetryAfterServerError(t *testing.T) {
	s := newServer(t)
	s.SetFault(pumptest.HostMeta, pumptest.Fault{Status: 503})
	h := newHarness(t, newStore(t), Options{})
	h.setBrowser(approvingBrowser(t, s))
	h.u.Start()
	h.submitAddress(s.Address("alice"))
	h.waitScreen(screenProblem)
	s.ClearFaults()
	// Enter presses Retry.
	h.w.Canvas().OnTypedKey()(&fyne.KeyEvent{Name: fyne.KeyReturn})
	h.waitScreen(screenConnected)
}

func TestConnect_WhoamiFailsAfterApproval(t *testing.T) {
	s := newServer(t)
	s.SetFault(pumptest.Whoami, pumptest.Fault{Status: 500})
	h := newHarness(t, newStore(t), Options{})
	h.setBrowser(approvingBrowser(t, s))
	h.u.Start()
	addr := s.Address("alice")
	h.submitAddress(addr)
	h.waitScreen(screenProblem)
	if want := Explain(pumpauth.ErrServer); h.u.problem.text.Text != want {
		t.Errorf("text %q", h.u.problem.text.Text)
	}
	if h.store.get(addr).HasToken() {
		t.Error("token saved without a profile")
	}
	s.ClearFaults()
	test.Tap(h.u.problem.primary)
	h.waitScreen(screenConnected)
	if n := s.Requests(pumptest.Register); n != 1 {
		t.Errorf("%d registrations, want the stored one reused", n)
	}
}

func TestConnect_HTTPSUnavailableOpensAdvanced(t *testing.T) {
	// A plain-HTTP server reached by a name that is not loopback needs the
	// Advanced check; simulate with a loopback server and a fake error.
	h := newHarness(t, newStore(t), Options{})
	h.u.Start()
	o := h.u.ctl.begin(mustAddr("alice@pump.example"), func() {})
	h.u.ctl.fail(o, &pumpauth.ResponseError{Op: "host-meta", Kind: pumpauth.ErrHTTPSUnavailable})
	h.waitScreen(screenProblem)
	if h.u.problem.primary.Text != "Change address" {
		t.Errorf("primary %q: retrying cannot help here", h.u.problem.primary.Text)
	}
	test.Tap(h.u.problem.primary)
	if h.u.screen != screenAddress || !h.u.address.advanced.Items[0].Open {
		t.Errorf("screen %q, advanced open %v", h.u.screen, h.u.address.advanced.Items[0].Open)
	}
	if h.u.address.entry.Text != "alice@pump.example" {
		t.Errorf("entry %q", h.u.address.entry.Text)
	}
}

func TestConnect_PlainHTTPOption(t *testing.T) {
	s := newServer(t)
	h := newHarness(t, newStore(t), Options{})
	h.setBrowser(approvingBrowser(t, s))
	h.u.Start()
	test.Tap(h.u.address.plainHTTP)
	h.submitAddress(s.Address("alice"))
	h.waitScreen(screenConnected)
	if a := h.store.get(s.Address("alice")); !a.PlainHTTP {
		t.Error("plain HTTP not stored")
	}
}

func TestCancel_EachStep(t *testing.T) {
	t.Run("contacting", func(t *testing.T) {
		s := newServer(t)
		s.SetFault(pumptest.HostMeta, pumptest.Fault{Delay: time.Minute})
		h := newHarness(t, newStore(t), Options{})
		h.u.Start()
		h.submitAddress(s.Address("alice"))
		if h.u.screen != screenProgress {
			t.Fatalf("screen %q", h.u.screen)
		}
		o := h.u.ctl.cur
		test.Tap(h.u.progress.cancel)
		if h.u.screen != screenAddress || h.u.address.entry.Text != s.Address("alice") {
			t.Fatalf("screen %q entry %q", h.u.screen, h.u.address.entry.Text)
		}
		if h.w.Canvas().Focused() != h.u.address.entry {
			t.Error("entry not focused after cancel")
		}
		// The flow's context is cancelled and whatever it still posts is dropped.
		if o == nil || o.ctx.Err() == nil {
			t.Fatal("the cancelled flow's context is alive")
		}
		ran := false
		h.u.ctl.post(o, func() { ran = true })
		h.drain()
		if ran {
			t.Error("a cancelled flow's result reached the screen")
		}
	})
	t.Run("approve", func(t *testing.T) {
		s := newServer(t)
		h := newHarness(t, newStore(t), Options{})
		h.u.Start()
		addr := s.Address("alice")
		h.submitAddress(addr)
		link := h.nextLink()
		h.waitScreen(screenApprove)
		test.Tap(h.u.approve.cancel)
		if h.u.screen != screenAddress {
			t.Fatalf("screen %q", h.u.screen)
		}
		// The loopback listener is closed: a late approval reaches nobody.
		h.eventually("the listener to close", func() bool {
			a, err := s.Approve(context.Background(), link, "alice", "wonderland")
			return err != nil || a.CallbackStatus != http.StatusOK
		})
		if a := h.store.get(addr); a.HasToken() || a.ClientKey == "" {
			t.Errorf("stored %+v: want the registration and no token", a)
		}
	})
	t.Run("code", func(t *testing.T) {
		s := newServer(t)
		h := newHarness(t, newStore(t), Options{})
		h.u.Start()
		h.submitAddress(s.Address("alice"))
		h.waitScreen(screenApprove)
		test.Tap(h.u.approve.codeButton)
		h.waitScreen(screenCode)
		test.Tap(h.u.code.cancel)
		if h.u.screen != screenAddress {
			t.Fatalf("screen %q", h.u.screen)
		}
	})
	t.Run("reconnecting", func(t *testing.T) {
		s := newServer(t)
		st := connectedStore(t, s)
		s.SetFault(pumptest.HostMeta, pumptest.Fault{Delay: time.Minute})
		h := newHarness(t, st, Options{})
		h.u.Start()
		test.Tap(h.u.progress.cancel)
		if h.u.screen != screenAddress || h.u.address.entry.Text != s.Address("alice") {
			t.Fatalf("screen %q entry %q", h.u.screen, h.u.address.entry.Text)
		}
		if !st.get(s.Address("alice")).HasToken() {
			t.Error("cancelling a reconnect dropped the token")
		}
	})
}

func TestEscape_Cancels(t *testing.T) {
	esc := &fyne.KeyEvent{Name: fyne.KeyEscape}
	s := newServer(t)
	s.SetFault(pumptest.HostMeta, pumptest.Fault{Delay: time.Minute})
	h := newHarness(t, newStore(t), Options{})
	h.u.Start()
	addr := s.Address("alice")

	// Progress: nothing focused, so the canvas gets the key.
	h.submitAddress(addr)
	if h.w.Canvas().Focused() != nil {
		t.Errorf("focused %T on the progress screen", h.w.Canvas().Focused())
	}
	h.w.Canvas().OnTypedKey()(esc)
	if h.u.screen != screenAddress {
		t.Fatalf("progress: screen %q", h.u.screen)
	}
	s.ClearFaults()

	// Approve, with a focused button.
	h.submitAddress(addr)
	h.waitScreen(screenApprove)
	h.w.Canvas().Focus(h.u.approve.copyLink)
	h.u.approve.copyLink.TypedKey(esc)
	if h.u.screen != screenAddress {
		t.Fatalf("approve: screen %q", h.u.screen)
	}

	// Code, with the focused entry.
	h.submitAddress(addr)
	h.waitScreen(screenApprove)
	test.Tap(h.u.approve.codeButton)
	h.waitScreen(screenCode)
	if h.w.Canvas().Focused() != h.u.code.entry {
		t.Errorf("focused %T on the code screen", h.w.Canvas().Focused())
	}
	h.u.code.entry.TypedKey(esc)
	if h.u.screen != screenAddress {
		t.Fatalf("code: screen %q", h.u.screen)
	}

	// On the address screen Escape does nothing.
	h.u.address.entry.TypedKey(esc)
	if h.u.screen != screenAddress {
		t.Fatalf("address: screen %q", h.u.screen)
	}
}

func TestTabOrder_Address(t *testing.T) {
	h := newHarness(t, newStore(t), Options{})
	h.u.Start()
	test.FocusNext(h.w.Canvas())
	// After the entry comes the Advanced header (its button) or Connect;
	// either way focus must leave the entry and reach Connect eventually.
	seen := false
	for i := 0; i < 6; i++ {
		if h.w.Canvas().Focused() == fyne.Focusable(h.u.address.connect) {
			seen = true
			break
		}
		test.FocusNext(h.w.Canvas())
	}
	if !seen {
		t.Error("Tab never reaches Connect")
	}
	// Enter on the focused Connect button connects (here: shows the check).
	h.u.address.connect.TypedKey(&fyne.KeyEvent{Name: fyne.KeyReturn})
	if !h.u.address.problem.Visible() {
		t.Error("Enter on Connect did nothing")
	}
}

func TestVerifierFallback(t *testing.T) {
	s := newServer(t)
	h := newHarness(t, newStore(t), Options{})
	h.u.Start()
	addr := s.Address("alice")
	h.submitAddress(addr)
	loopLink := h.nextLink()
	h.waitScreen(screenApprove)
	test.Tap(h.u.approve.codeButton)
	h.waitScreen(screenCode)
	c := h.u.code

	// The loopback flow is over: approving its link reaches nobody.
	h.eventually("the loopback listener to close", func() bool {
		a, err := s.Approve(context.Background(), loopLink, "alice", "wonderland")
		return err != nil || a.CallbackStatus != http.StatusOK
	})

	var link string
	h.eventually("the oob link", func() bool {
		link = c.link.Text
		return strings.HasPrefix(link, s.URL+"/oauth/authorize?")
	})
	if c.copyLink.Disabled() || c.openLink.Disabled() {
		t.Error("link buttons disabled")
	}
	test.Tap(c.copyLink)
	if h.app.Clipboard().Content() != link {
		t.Error("Copy link did not copy")
	}
	test.Tap(c.openLink)
	if got := h.nextLink(); got != link {
		t.Errorf("opened %q, want %q", got, link)
	}

	// An empty or implausible code is refused here, without the server.
	test.Tap(c.submit)
	if want := Explain(pumpauth.ErrNoVerifier); c.problem.Text != want || !c.problem.Visible() {
		t.Errorf("empty code: problem %q", c.problem.Text)
	}
	test.Type(c.entry, "not a code!")
	c.entry.TypedKey(&fyne.KeyEvent{Name: fyne.KeyReturn})
	if want := Explain(pumpauth.ErrNoVerifier); c.problem.Text != want {
		t.Errorf("bad code: problem %q", c.problem.Text)
	}

	// A wrong code: the server refuses it; a new link comes with the message.
	if _, err := s.Approve(context.Background(), link, "alice", "wonderland"); err != nil {
		t.Fatal(err)
	}
	c.entry.SetText("")
	test.Type(c.entry, "  wrongwrongwrongwrong12  ")
	c.entry.TypedKey(&fyne.KeyEvent{Name: fyne.KeyReturn})
	if !c.entry.Disabled() {
		t.Error("entry not disabled while the code is checked")
	}
	h.eventually("the refusal", func() bool { return c.problem.Visible() && c.problem.Text == codeRefused })
	h.eventually("a new link", func() bool { return strings.HasPrefix(c.link.Text, s.URL) && c.link.Text != link })
	link = c.link.Text
	if c.entry.Text != "" || c.entry.Disabled() {
		t.Errorf("entry %q disabled %v after a refusal", c.entry.Text, c.entry.Disabled())
	}

	// The right code, pasted with spaces around it.
	a, err := s.Approve(context.Background(), link, "alice", "wonderland")
	if err != nil {
		t.Fatal(err)
	}
	test.Type(c.entry, " "+a.Verifier+"\n")
	test.Tap(c.submit)
	h.waitScreen(screenConnected)
	if !h.store.get(addr).HasToken() {
		t.Error("no token stored")
	}
}

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
	h.waitScreen(screenConnected)
	if got := h.u.connected.who.Text; got != "Connected as Alice Example ("+addr+")" {
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
	h.waitScreen(screenConnected)
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
	h.waitScreen(screenConnected)
	if n := s.Requests(pumptest.Register); n != 2 {
		t.Errorf("%d registrations, want a new one", n)
	}
	if a := st.get(addr); a.ClientKey == oldKey || !a.HasToken() {
		t.Errorf("stored %+v: want a new registration and a token", a)
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
	h.waitScreen(screenConnected)
	if n := s.Requests(pumptest.Register); n != 2 {
		t.Errorf("%d registrations after approval, want 2", n)
	}
}

func TestConnect_StaleRegistrationRegistersAgain(t *testing.T) {
	s := newServer(t)
	addr := s.Address("alice")
	st := newStore(t)
	st.SaveRegistration(mustAddr(addr), pumpauth.Client{Key: "forgottenforgotten0000", Secret: "s"}, pumpauth.Endpoints{Base: s.URL})
	h := newHarness(t, st, Options{})
	h.setBrowser(approvingBrowser(t, s))
	h.u.Start()
	if h.u.address.entry.Text != "" {
		// no current account: the address screen is empty
		t.Errorf("entry %q", h.u.address.entry.Text)
	}
	h.submitAddress(addr)
	h.waitScreen(screenConnected)
	if n := s.Requests(pumptest.Register); n != 1 {
		t.Errorf("%d registrations", n)
	}
	if k := st.get(addr).ClientKey; k == "forgottenforgotten0000" {
		t.Error("stale key kept")
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

func TestReconnect_RegisteredWithoutToken(t *testing.T) {
	st := newStore(t)
	st.SaveRegistration(plainAddr("alice@pump.example"), pumpauth.Client{Key: "k", Secret: "s"}, pumpauth.Endpoints{Base: "https://pump.example"})
	st.SetCurrent(mustAddr("alice@pump.example"))
	h := newHarness(t, st, Options{})
	h.u.Start()
	if h.u.screen != screenAddress || h.u.address.entry.Text != "alice@pump.example" || !h.u.address.plainHTTP.Checked {
		t.Errorf("screen %q entry %q plain %v", h.u.screen, h.u.address.entry.Text, h.u.address.plainHTTP.Checked)
	}
}

func TestAuthorizationTimeout(t *testing.T) {
	s := newServer(t)
	h := newHarness(t, newStore(t), Options{PumpOptions: []pumpauth.Option{pumpauth.WithAuthorizationTimeout(300 * time.Millisecond)}})
	h.u.Start()
	h.submitAddress(s.Address("alice"))
	link := h.nextLink()
	h.waitScreen(screenProblem)
	if want := Explain(pumpauth.ErrAuthorizationTimeout); h.u.problem.text.Text != want {
		t.Errorf("text %q", h.u.problem.text.Text)
	}
	// The person comes back late: the callback is refused cleanly.
	a, err := s.Approve(context.Background(), link, "alice", "wonderland")
	if err == nil && a.CallbackStatus == http.StatusOK {
		t.Error("a late callback was accepted")
	}
	// Retry starts again with the same registration.
	h.setBrowser(approvingBrowser(t, s))
	test.Tap(h.u.problem.primary)
	h.waitScreen(screenConnected)
	if n := s.Requests(pumptest.Register); n != 1 {
		t.Errorf("%d registrations", n)
	}
}

func TestWindowCloseCancels(t *testing.T) {
	s := newServer(t)
	h := newHarness(t, newStore(t), Options{})
	h.u.Start()
	h.submitAddress(s.Address("alice"))
	link := h.nextLink()
	h.waitScreen(screenApprove)
	h.w.Close()
	if h.u.ctl.root.Err() == nil {
		t.Fatal("root context alive after close")
	}
	h.eventually("the listener to close", func() bool {
		a, err := s.Approve(context.Background(), link, "alice", "wonderland")
		return err != nil || a.CallbackStatus != http.StatusOK
	})
}

func TestNoticeShownOnce(t *testing.T) {
	st := newStore(t)
	st.notice = "Your settings file was damaged; Pump Connect kept what it could."
	h := newHarness(t, st, Options{})
	h.u.Start()
	top := h.w.Canvas().Overlays().Top()
	if top == nil || h.u.notice == nil {
		t.Fatal("no notice dialog")
	}
	found := false
	for _, o := range test.LaidOutObjects(top) {
		if l, ok := o.(*widget.Label); ok && l.Text == st.notice {
			found = true
		}
	}
	if !found {
		t.Error("notice text not in the dialog")
	}
	h.u.notice.Hide()
	if h.w.Canvas().Overlays().Top() != nil {
		t.Error("dialog still shown")
	}
}

func TestConnected_ForgetAndAnother(t *testing.T) {
	s := newServer(t)
	st := connectedStore(t, s)
	addr := s.Address("alice")
	h := newHarness(t, st, Options{})
	h.u.Start()
	h.waitScreen(screenConnected)

	test.Tap(h.u.connected.another)
	if h.u.screen != screenAddress || h.u.address.entry.Text != "" {
		t.Fatalf("another: screen %q entry %q", h.u.screen, h.u.address.entry.Text)
	}
	if _, ok := st.Account(mustAddr(addr)); !ok {
		t.Fatal("Connect another account forgot the account")
	}

	h.u.ctl.reconnect(st.get(addr))
	h.waitScreen(screenConnected)
	test.Tap(h.u.connected.forget)
	top := h.w.Canvas().Overlays().Top()
	if top == nil || h.u.confirm == nil {
		t.Fatal("no confirmation")
	}
	var explained bool
	var cancel, forget *widget.Button
	for _, o := range test.LaidOutObjects(top) {
		switch x := o.(type) {
		case *widget.Label:
			if strings.Contains(x.Text, "remove the permission") && strings.Contains(x.Text, "from this computer") {
				explained = true
			}
		case *widget.Button:
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
	if _, ok := st.Account(mustAddr(addr)); !ok || h.u.screen != screenConnected {
		t.Fatal("Keep forgot the account")
	}
	test.Tap(h.u.connected.forget)
	for _, o := range test.LaidOutObjects(h.w.Canvas().Overlays().Top()) {
		if b, ok := o.(*widget.Button); ok && b.Text == "Forget" {
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
		if b, ok := o.(*widget.Button); ok && b.Text == "Forget" {
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
	h.waitScreen(screenConnected)
	if len(h.opened) != 0 {
		t.Error("the browser opened for a saved account")
	}
}
