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

	"github.com/pumpconnect/pumpconnect/pumpauth"
	"github.com/pumpconnect/pumpconnect/pumpauth/pumptest"
)

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
	h.waitScreen(screenHome)

	c := h.u.home
	if want := "Connected as Alice Example (" + addr + ")"; c.who.Text != want {
		t.Errorf("who %q, want %q", c.who.Text, want)
	}
	h.waitInbox()
	if !strings.HasPrefix(c.inbox.state.Text, "Your inbox is empty.") {
		t.Errorf("inbox %q", c.inbox.state.Text)
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
	if a.copyLink.Text != linkCopiedText() {
		t.Error("no feedback after Copy link")
	}
	// The person approves a little later, in a browser the app did not drive.
	go approvingBrowser(t, s)(link)
	h.waitScreen(screenHome)
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
			if !p.more.content.Visible() || p.details.Text == "" || !strings.HasPrefix(p.details.Text, "pumpauth: ") {
				t.Errorf("details %q", p.details.Text)
			}
			if p.more.isOpen() {
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
	h.waitScreen(screenHome)
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
	h.waitScreen(screenHome)
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
	if h.u.screen != screenAddress || !h.u.address.advanced.isOpen() {
		t.Errorf("screen %q, advanced open %v", h.u.screen, h.u.address.advanced.isOpen())
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
	h.waitScreen(screenHome)
	if a := h.store.get(s.Address("alice")); !a.PlainHTTP {
		t.Error("plain HTTP not stored")
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
	h.eventually("the refusal", func() bool { return c.problem.Visible() && c.problem.Text == codeRefused() })
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
	h.waitScreen(screenHome)
	if !h.store.get(addr).HasToken() {
		t.Error("no token stored")
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
	h.waitScreen(screenHome)
	if n := s.Requests(pumptest.Register); n != 1 {
		t.Errorf("%d registrations", n)
	}
	if k := st.get(addr).ClientKey; k == "forgottenforgotten0000" {
		t.Error("stale key kept")
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
	h.waitScreen(screenHome)
	if n := s.Requests(pumptest.Register); n != 1 {
		t.Errorf("%d registrations", n)
	}
}

// TestConnect_SlowExchangeAfterApproval: once the browser's approval
// arrives, the window says so while a slow server hands out the token; it
// no longer asks to approve in the browser.
func TestConnect_SlowExchangeAfterApproval(t *testing.T) {
	s := newServer(t)
	arrived := make(chan pumptest.Endpoint, 1)
	s.SetFault(pumptest.AccessToken, pumptest.Fault{Delay: time.Minute, Arrived: arrived})
	h := newHarness(t, newStore(t), Options{})
	h.setBrowser(approvingBrowser(t, s))
	h.u.Start()
	h.submitAddress(s.Address("alice"))
	select {
	case <-arrived:
	case <-time.After(30 * time.Second):
		t.Fatal("the access token was never asked for")
	}
	h.eventually("the approved screen", func() bool {
		return h.u.screen == screenProgress && h.u.progress.text.Text == "Finishing…"
	})
	if h.u.progress.title.Text != "Approved" {
		t.Errorf("title %q", h.u.progress.title.Text)
	}
	h.u.ctl.abort() // Cancel: the delayed request ends with the attempt
}
