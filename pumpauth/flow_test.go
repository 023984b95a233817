package pumpauth

import (
	"context"
	"errors"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/pumpconnect/pumpconnect/pumpauth/pumptest"
)

const (
	testNick     = "alice"
	testPassword = "wonderland"
	testAppName  = "Pump Connect test"
)

// newTestPump is a Pump for the default user of s.
func newTestPump(t *testing.T, s *pumptest.Server, c Client, opts ...Option) *Pump {
	t.Helper()
	if c.Webfinger == "" {
		c.Webfinger = s.Address(testNick)
	}
	if c.Name == "" {
		c.Name = testAppName
	}
	p, err := New(c, opts...)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// approveOOB is a VerifierFunc that does what a person does in the browser.
func approveOOB(t *testing.T, s *pumptest.Server) VerifierFunc {
	return func(ctx context.Context, authorizeURL string) (string, error) {
		a, err := s.Approve(ctx, authorizeURL, testNick, testPassword)
		if err != nil {
			t.Errorf("approve: %v", err)
			return "", err
		}
		return a.Verifier, nil
	}
}

// browserApproves is an AuthorizeInBrowser opener: a browser that logs in
// and approves, then follows the redirect to the loopback callback.
type browserApproves struct {
	t    *testing.T
	s    *pumptest.Server
	done chan pumptest.Approval
}

func newBrowser(t *testing.T, s *pumptest.Server) *browserApproves {
	return &browserApproves{t: t, s: s, done: make(chan pumptest.Approval, 1)}
}

func (b *browserApproves) open(authorizeURL string) {
	go func() {
		a, err := b.s.Approve(context.Background(), authorizeURL, testNick, testPassword)
		if err != nil {
			b.t.Errorf("browser: %v", err)
		}
		b.done <- a
	}()
}

func TestAuthorizeOOBThenWhoami(t *testing.T) {
	s := pumptest.NewServer()
	defer s.Close()
	p := newTestPump(t, s, Client{})
	tok, err := p.Authorize(context.Background(), approveOOB(t, s))
	if err != nil {
		t.Fatalf("Authorize: %v (server: %s)", err, s.LastRejection())
	}
	if tok.Token == "" || tok.Secret == "" || p.Token() != tok {
		t.Fatalf("token %+v not kept", tok)
	}
	c := p.Client()
	if c.Key == "" || c.Secret == "" || !c.ExpiresAt.IsZero() || c.Type != "native" {
		t.Fatalf("client not registered: key=%q type=%q expires=%v", c.Key, c.Type, c.ExpiresAt)
	}
	prof, err := p.Whoami(context.Background())
	if err != nil {
		t.Fatalf("Whoami: %v (server: %s)", err, s.LastRejection())
	}
	if prof.PreferredUsername != testNick || prof.DisplayName != "Alice Example" || prof.ImageURL == "" {
		t.Fatalf("profile %+v", prof)
	}
	if p.BaseURL() != s.URL {
		t.Errorf("BaseURL %q, want %q", p.BaseURL(), s.URL)
	}
	if n := s.Requests(pumptest.Register); n != 1 {
		t.Errorf("%d registrations, want 1", n)
	}
}

func TestAuthorizeInBrowserCapturesVerifier(t *testing.T) {
	s := pumptest.NewServer()
	defer s.Close()
	p := newTestPump(t, s, Client{})
	b := newBrowser(t, s)
	tok, err := p.AuthorizeInBrowser(context.Background(), b.open)
	if err != nil {
		t.Fatalf("AuthorizeInBrowser: %v (server: %s)", err, s.LastRejection())
	}
	a := <-b.done
	if a.CallbackStatus != http.StatusOK || !strings.Contains(a.CallbackBody, "close this tab") {
		t.Fatalf("browser saw %d %q", a.CallbackStatus, a.CallbackBody)
	}
	cb, err := url.Parse(a.CallbackURL)
	if err != nil || cb.Hostname() != "127.0.0.1" || cb.Path != "/callback" || len(cb.Query().Get("state")) < 40 {
		t.Fatalf("callback URL %q is not a loopback URL with a state", a.CallbackURL)
	}
	if tok.IsZero() {
		t.Fatal("no token")
	}
	if _, err := p.Whoami(context.Background()); err != nil {
		t.Fatalf("Whoami: %v", err)
	}
	// The listener is closed once the flow is over.
	if conn, err := net.DialTimeout("tcp", cb.Host, time.Second); err == nil {
		conn.Close()
		t.Fatalf("callback listener %s still open after the flow", cb.Host)
	}
}

func TestReuseRegistrationAndStoredToken(t *testing.T) {
	s := pumptest.NewServer()
	defer s.Close()
	first := newTestPump(t, s, Client{})
	tok, err := first.Authorize(context.Background(), approveOOB(t, s))
	if err != nil {
		t.Fatal(err)
	}
	stored := first.Client()

	// A second authorization with the stored client registers nothing,
	// and pump.io hands back the same access token.
	again := newTestPump(t, s, stored)
	c, err := again.Register(context.Background())
	if err != nil || c != stored {
		t.Fatalf("Register with valid credentials: %+v, %v", c, err)
	}
	tok2, err := again.Authorize(context.Background(), approveOOB(t, s))
	if err != nil {
		t.Fatal(err)
	}
	if tok2 != tok {
		t.Errorf("re-authorization gave another token")
	}
	if n := s.Requests(pumptest.Register); n != 1 {
		t.Fatalf("%d registrations, want 1", n)
	}

	// Reconnect with the stored token: one whoami, no registration, no token requests.
	rt, at := s.Requests(pumptest.RequestToken), s.Requests(pumptest.AccessToken)
	reconnect := newTestPump(t, s, stored, WithToken(tok))
	prof, err := reconnect.Whoami(context.Background())
	if err != nil || prof.PreferredUsername != testNick {
		t.Fatalf("reconnect: %+v, %v", prof, err)
	}
	if s.Requests(pumptest.Register) != 1 || s.Requests(pumptest.RequestToken) != rt || s.Requests(pumptest.AccessToken) != at {
		t.Fatalf("reconnect made token or registration requests")
	}
	if s.Requests(pumptest.Whoami) != 1 {
		t.Errorf("%d whoami requests, want 1", s.Requests(pumptest.Whoami))
	}

	// The signed HTTP client works on the rest of the API.
	resp, err := reconnect.HTTPClient().Get(s.URL + "/api/user/alice/inbox?count=5")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("inbox: %d (server: %s)", resp.StatusCode, s.LastRejection())
	}
}

func TestUnknownUserSendsNoRegistration(t *testing.T) {
	s := pumptest.NewServer()
	defer s.Close()
	p := newTestPump(t, s, Client{Webfinger: s.Address("nobody")})
	_, err := p.Authorize(context.Background(), approveOOB(t, s))
	if !errors.Is(err, ErrUnknownUser) {
		t.Fatalf("got %v, want ErrUnknownUser", err)
	}
	if n := s.Requests(pumptest.Register); n != 0 {
		t.Fatalf("%d registrations sent for an unknown user", n)
	}
}

func TestRejectedClientAndToken(t *testing.T) {
	s := pumptest.NewServer()
	defer s.Close()
	p := newTestPump(t, s, Client{})
	tok, err := p.Authorize(context.Background(), approveOOB(t, s))
	if err != nil {
		t.Fatal(err)
	}
	stored := p.Client()

	s.RevokeTokens()
	_, err = newTestPump(t, s, stored, WithToken(tok)).Whoami(context.Background())
	if !errors.Is(err, ErrTokenRejected) {
		t.Fatalf("revoked token: got %v, want ErrTokenRejected", err)
	}

	s.ForgetClients()
	_, err = newTestPump(t, s, stored).Authorize(context.Background(), approveOOB(t, s))
	if !errors.Is(err, ErrClientRejected) {
		t.Fatalf("forgotten client: got %v, want ErrClientRejected", err)
	}
	var re *ResponseError
	if !errors.As(err, &re) || re.Op != opRequestToken || re.StatusCode != http.StatusBadRequest {
		t.Fatalf("ResponseError %+v", re)
	}
	// After a wipe the API sees the token first: unknown, so "token rejected".
	_, err = newTestPump(t, s, stored, WithToken(tok)).Whoami(context.Background())
	if !errors.Is(err, ErrTokenRejected) {
		t.Fatalf("whoami after a wipe: got %v, want ErrTokenRejected", err)
	}

	// The cure: register again (the caller clears Key).
	stored.Key, stored.Secret = "", ""
	if _, err := newTestPump(t, s, stored).Authorize(context.Background(), approveOOB(t, s)); err != nil {
		t.Fatalf("after re-registration: %v", err)
	}
	if n := s.Requests(pumptest.Register); n != 2 {
		t.Fatalf("%d registrations, want 2", n)
	}
}

func TestExpiredClientRegistersAgain(t *testing.T) {
	s := pumptest.NewServer()
	defer s.Close()
	s.SetClientLifetime(time.Hour)
	p := newTestPump(t, s, Client{})
	c, err := p.Register(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if d := time.Until(c.ExpiresAt); d < 59*time.Minute || d > 61*time.Minute {
		t.Fatalf("ExpiresAt %v is not about an hour away", c.ExpiresAt)
	}
	c.ExpiresAt = time.Now().Add(-time.Second)
	c2, err := newTestPump(t, s, c).Register(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if c2.Key == c.Key || s.Requests(pumptest.Register) != 2 {
		t.Fatalf("expired client was not registered again (%d registrations)", s.Requests(pumptest.Register))
	}
}

func TestWebRegistrationType(t *testing.T) {
	s := pumptest.NewServer()
	defer s.Close()
	c, err := newTestPump(t, s, Client{Type: "web"}).Register(context.Background())
	if err != nil || c.Type != "web" {
		t.Fatalf("%+v, %v", c, err)
	}
}

// allSteps are the flow's network steps, in order.
var allSteps = []pumptest.Endpoint{pumptest.HostMeta, pumptest.Webfinger, pumptest.Register, pumptest.RequestToken, pumptest.AccessToken}

func TestCancelAtEachStep(t *testing.T) {
	for _, ep := range allSteps {
		t.Run(string(ep), func(t *testing.T) {
			s := pumptest.NewServer()
			defer s.Close()
			arrived := make(chan pumptest.Endpoint, 1)
			s.SetFault(ep, pumptest.Fault{Delay: time.Minute, Arrived: arrived})
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			errc := make(chan error, 1)
			go func() {
				_, err := newTestPump(t, s, Client{}).Authorize(ctx, approveOOB(t, s))
				errc <- err
			}()
			select {
			case <-arrived:
			case <-time.After(5 * time.Second):
				t.Fatalf("the request never reached %s", ep)
			}
			cancel()
			select {
			case err := <-errc:
				if !errors.Is(err, context.Canceled) {
					t.Fatalf("got %v, want context.Canceled", err)
				}
			case <-time.After(5 * time.Second):
				t.Fatal("Authorize did not return promptly after cancel")
			}
		})
	}
	t.Run("waiting for the verifier", func(t *testing.T) {
		s := pumptest.NewServer()
		defer s.Close()
		ctx, cancel := context.WithCancel(context.Background())
		errc := make(chan error, 1)
		go func() {
			_, err := newTestPump(t, s, Client{}).Authorize(ctx, func(ctx context.Context, _ string) (string, error) {
				cancel()
				<-ctx.Done()
				return "", ctx.Err()
			})
			errc <- err
		}()
		if err := <-errc; !errors.Is(err, context.Canceled) {
			t.Fatalf("got %v", err)
		}
	})
	t.Run("waiting for the browser", func(t *testing.T) {
		s := pumptest.NewServer()
		defer s.Close()
		ctx, cancel := context.WithCancel(context.Background())
		var callback string
		_, err := newTestPump(t, s, Client{}).AuthorizeInBrowser(ctx, func(u string) {
			callback = s.CallbackFor(tokenOf(t, u))
			cancel()
		})
		if !errors.Is(err, context.Canceled) {
			t.Fatalf("got %v", err)
		}
		assertClosed(t, callback)
	})
}

func TestTimeouts(t *testing.T) {
	s := pumptest.NewServer()
	defer s.Close()
	s.SetFault(pumptest.Webfinger, pumptest.Fault{Delay: time.Minute})
	_, err := newTestPump(t, s, Client{}, WithTimeout(100*time.Millisecond)).Register(context.Background())
	if !errors.Is(err, ErrTimeout) {
		t.Fatalf("slow server: got %v, want ErrTimeout", err)
	}
	s.ClearFaults()

	var callback string
	_, err = newTestPump(t, s, Client{}, WithAuthorizationTimeout(100*time.Millisecond)).
		AuthorizeInBrowser(context.Background(), func(u string) { callback = s.CallbackFor(tokenOf(t, u)) })
	if !errors.Is(err, ErrAuthorizationTimeout) {
		t.Fatalf("nobody approved: got %v, want ErrAuthorizationTimeout", err)
	}
	assertClosed(t, callback) // a late callback finds nobody listening
}

func TestServerFaultsAtEachEndpoint(t *testing.T) {
	steps := append(allSteps, pumptest.Whoami, pumptest.Profile)
	for _, ep := range steps {
		for _, f := range []struct {
			name  string
			fault pumptest.Fault
			want  []error
		}{
			{"500", pumptest.Fault{Status: 500}, []error{ErrServer}},
			{"503", pumptest.Fault{Status: 503}, []error{ErrServer}},
			{"malformed", pumptest.Fault{Malformed: true}, []error{ErrBadResponse, ErrNotPumpServer}},
		} {
			t.Run(string(ep)+"/"+f.name, func(t *testing.T) {
				s := pumptest.NewServer()
				defer s.Close()
				s.SetFault(ep, f.fault)
				p := newTestPump(t, s, Client{})
				_, err := p.Authorize(context.Background(), approveOOB(t, s))
				if err == nil {
					_, err = p.Whoami(context.Background())
				}
				if !isAny(err, f.want...) {
					t.Fatalf("got %v, want one of %v", err, f.want)
				}
				if ep == pumptest.HostMeta && f.name == "malformed" && !errors.Is(err, ErrNotPumpServer) {
					t.Fatalf("garbled host-meta: got %v, want ErrNotPumpServer", err)
				}
				if s.Requests(ep) == 0 {
					t.Fatalf("the fault at %s was never reached", ep)
				}
			})
		}
	}
}

func TestNotAPumpServer(t *testing.T) {
	srv := &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html")
		if r.URL.Path == "/" {
			w.Write([]byte("<html>a blog</html>"))
			return
		}
		http.NotFound(w, r)
	})}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go srv.Serve(ln)
	defer srv.Close()
	p, _ := New(Client{Webfinger: "alice@" + ln.Addr().String()})
	if _, err := p.Register(context.Background()); !errors.Is(err, ErrNotPumpServer) {
		t.Fatalf("got %v, want ErrNotPumpServer", err)
	}
}

func TestUnreachableAndTLS(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	p, _ := New(Client{Webfinger: "alice@" + addr})
	if _, err := p.Register(context.Background()); !errors.Is(err, ErrUnreachable) {
		t.Fatalf("closed port: got %v, want ErrUnreachable", err)
	}

	ts := pumptest.NewTLSServer()
	defer ts.Close()
	// Untrusted certificate: an error, and no fallback to plain http.
	p = newTestPump(t, ts, Client{})
	if _, err := p.Register(context.Background()); !errors.Is(err, ErrCertificate) {
		t.Fatalf("self-signed: got %v, want ErrCertificate", err)
	}
	// Trusted: the whole flow over https, signatures cover the https scheme.
	p = newTestPump(t, ts, Client{}, WithHTTPClient(ts.Client()))
	if _, err := p.Authorize(context.Background(), approveOOB(t, ts)); err != nil {
		t.Fatalf("https flow: %v (server: %s)", err, ts.LastRejection())
	}
	if !strings.HasPrefix(p.BaseURL(), "https://") {
		t.Fatalf("BaseURL %q", p.BaseURL())
	}
	if _, err := p.Whoami(context.Background()); err != nil {
		t.Fatal(err)
	}
}

func TestNoSilentDowngrade(t *testing.T) {
	// A non-loopback name that resolves to our plain-http server: https
	// is tried and fails; without WithPlainHTTP there is no fallback.
	s := pumptest.NewServer()
	defer s.Close()
	_, port, _ := net.SplitHostPort(s.Host)
	hc := &http.Client{Transport: &http.Transport{DialContext: func(ctx context.Context, network, _ string) (net.Conn, error) {
		return (&net.Dialer{}).DialContext(ctx, network, s.Host)
	}}}
	p, _ := New(Client{Webfinger: "alice@pump.example:" + port}, WithHTTPClient(hc))
	if _, err := p.Register(context.Background()); !errors.Is(err, ErrHTTPSUnavailable) {
		t.Fatalf("got %v, want ErrHTTPSUnavailable", err)
	}
	if p.BaseURL() != "" {
		t.Fatalf("BaseURL %q after a refused downgrade", p.BaseURL())
	}
	// With the option, plain http is used. The server calls itself
	// 127.0.0.1 and redirects there, as pump.io does for a name it does not
	// use; a server elsewhere may not send us to this computer, though.
	p, _ = New(Client{Webfinger: "alice@pump.example:" + port}, WithHTTPClient(hc), WithPlainHTTP())
	_, err := p.Register(context.Background())
	if !errors.Is(err, ErrNotPumpServer) || p.Address().String() != "alice@pump.example:"+port || s.Clients() != 0 {
		t.Fatalf("Address %q, err %v, %d registrations", p.Address(), err, s.Clients())
	}
}

func TestLoopbackListener(t *testing.T) {
	l, err := listenForCallback([]string{"127.0.0.1", "::1"})
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	for _, a := range l.Addrs() {
		if ip := a.(*net.TCPAddr).IP; !ip.IsLoopback() {
			t.Fatalf("listening on %v", a)
		}
	}
	// Not reachable on any non-loopback address of this machine.
	if addrs, err := net.InterfaceAddrs(); err == nil {
		for _, a := range addrs {
			ipn, ok := a.(*net.IPNet)
			if !ok || ipn.IP.IsLoopback() || ipn.IP.IsLinkLocalUnicast() {
				continue
			}
			conn, err := net.DialTimeout("tcp", net.JoinHostPort(ipn.IP.String(), itoa(l.port)), 200*time.Millisecond)
			if err == nil {
				conn.Close()
				t.Fatalf("callback reachable on %s", ipn.IP)
			}
		}
	}
	l.expect("RIGHT-TOKEN")
	get := func(q url.Values, host string) int {
		t.Helper()
		u := "http://127.0.0.1:" + itoa(l.port) + "/callback?" + q.Encode()
		req, _ := http.NewRequest(http.MethodGet, u, nil)
		if host != "" {
			req.Host = host
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp.StatusCode
	}
	good := url.Values{"state": {l.state}, "oauth_token": {"RIGHT-TOKEN"}, "oauth_verifier": {"v3rifier"}}
	tests := []struct {
		name string
		q    url.Values
		host string
		want int
	}{
		{"wrong token", url.Values{"state": {l.state}, "oauth_token": {"OTHER"}, "oauth_verifier": {"x"}}, "", 400},
		{"wrong state", url.Values{"state": {"guess"}, "oauth_token": {"RIGHT-TOKEN"}, "oauth_verifier": {"x"}}, "", 400},
		{"no state", url.Values{"oauth_token": {"RIGHT-TOKEN"}, "oauth_verifier": {"x"}}, "", 400},
		{"empty verifier", url.Values{"state": {l.state}, "oauth_token": {"RIGHT-TOKEN"}}, "", 400},
		{"foreign Host header", good, "evil.example:" + itoa(l.port), 400},
		{"right", good, "", 200},
		{"replayed", good, "", 410},
	}
	for _, tt := range tests {
		if got := get(tt.q, tt.host); got != tt.want {
			t.Errorf("%s: status %d, want %d", tt.name, got, tt.want)
		}
	}
	v, err := l.wait(context.Background(), time.Second)
	if err != nil || v != "v3rifier" {
		t.Fatalf("wait: %q, %v", v, err)
	}
	select {
	case extra := <-l.verifier:
		t.Fatalf("a second verifier was delivered: %q", extra)
	default:
	}
	url := l.URL()
	l.Close()
	assertClosed(t, url)
}

func TestLoopbackFlowRefusesForgedCallback(t *testing.T) {
	s := pumptest.NewServer()
	defer s.Close()
	p := newTestPump(t, s, Client{})
	var mu sync.Mutex
	var statuses []int
	_, err := p.AuthorizeInBrowser(context.Background(), func(authorizeURL string) {
		cb, _ := url.Parse(s.CallbackFor(tokenOf(t, authorizeURL)))
		forged := *cb
		q := cb.Query()
		q.Set("oauth_token", "forged-token")
		q.Set("oauth_verifier", "forged")
		forged.RawQuery = q.Encode()
		go func() {
			resp, err := http.Get(forged.String())
			if err == nil {
				resp.Body.Close()
				mu.Lock()
				statuses = append(statuses, resp.StatusCode)
				mu.Unlock()
			}
			// Then the real approval.
			if _, err := s.Approve(context.Background(), authorizeURL, testNick, testPassword); err != nil {
				t.Errorf("approve: %v", err)
			}
		}()
	})
	if err != nil {
		t.Fatalf("flow: %v", err)
	}
	mu.Lock()
	defer mu.Unlock()
	if len(statuses) != 1 || statuses[0] != http.StatusBadRequest {
		t.Fatalf("forged callback answered %v, want [400]", statuses)
	}
}

func TestVerifierChecks(t *testing.T) {
	s := pumptest.NewServer()
	defer s.Close()
	_, err := newTestPump(t, s, Client{}).Authorize(context.Background(), func(context.Context, string) (string, error) { return "  ", nil })
	if !errors.Is(err, ErrNoVerifier) {
		t.Fatalf("empty verifier: got %v", err)
	}
	_, err = newTestPump(t, s, Client{}).Authorize(context.Background(), func(ctx context.Context, u string) (string, error) {
		if _, err := s.Approve(ctx, u, testNick, testPassword); err != nil {
			return "", err
		}
		return "WRONGverifierWRONGxx12", nil
	})
	if !errors.Is(err, ErrVerifierRejected) {
		t.Fatalf("wrong verifier: got %v, want ErrVerifierRejected", err)
	}
	if s.Requests(pumptest.Register) != 2 {
		t.Fatalf("registrations %d", s.Requests(pumptest.Register))
	}
}

func tokenOf(t *testing.T, authorizeURL string) string {
	t.Helper()
	u, err := url.Parse(authorizeURL)
	if err != nil {
		t.Fatal(err)
	}
	return u.Query().Get("oauth_token")
}

func assertClosed(t *testing.T, callbackURL string) {
	t.Helper()
	u, err := url.Parse(callbackURL)
	if err != nil || u.Host == "" {
		t.Fatalf("bad callback URL %q", callbackURL)
	}
	if conn, err := net.DialTimeout("tcp", u.Host, time.Second); err == nil {
		conn.Close()
		t.Fatalf("callback listener %s still open", u.Host)
	}
}

func isAny(err error, targets ...error) bool {
	for _, t := range targets {
		if errors.Is(err, t) {
			return true
		}
	}
	return false
}

func itoa(i int) string { return strconv.Itoa(i) }

func TestRedirectToPlainHTTPIsRefused(t *testing.T) {
	ts := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, "http://"+r.Host+r.URL.Path, http.StatusFound)
	}))
	defer ts.Close()
	_, port, _ := net.SplitHostPort(ts.Listener.Addr().String())
	hc := ts.Client()
	tr := hc.Transport.(*http.Transport).Clone()
	tr.DialContext = func(ctx context.Context, network, _ string) (net.Conn, error) {
		return (&net.Dialer{}).DialContext(ctx, network, ts.Listener.Addr().String())
	}
	hc.Transport = tr
	// example.com is a name the test certificate is valid for.
	p, err := New(Client{Webfinger: "alice@example.com:" + port}, WithHTTPClient(hc))
	if err != nil {
		t.Fatal(err)
	}
	_, err = p.Register(context.Background())
	if !errors.Is(err, ErrHTTPSUnavailable) {
		t.Fatalf("got %v, want ErrHTTPSUnavailable", err)
	}
}

func TestBare401KeepsTheToken(t *testing.T) {
	s := pumptest.NewServer()
	defer s.Close()
	p := newTestPump(t, s, Client{})
	if _, err := p.Authorize(context.Background(), approveOOB(t, s)); err != nil {
		t.Fatal(err)
	}
	// A proxy's login or maintenance page is not pump.io rejecting the token.
	s.SetFault(pumptest.Whoami, pumptest.Fault{Status: 401, Body: "<h1>Authorization Required</h1>", ContentType: "text/html"})
	_, err := p.Whoami(context.Background())
	if errors.Is(err, ErrTokenRejected) || !errors.Is(err, ErrServer) {
		t.Fatalf("got %v, want ErrServer and not ErrTokenRejected", err)
	}
}

func TestSignedClientBoundsBodies(t *testing.T) {
	big := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		chunk := make([]byte, 1<<20)
		for i := 0; i < maxAPIBody>>20+1; i++ {
			if _, err := w.Write(chunk); err != nil {
				return
			}
		}
	}))
	defer big.Close()
	p, _ := New(Client{Webfinger: "alice@127.0.0.1", Key: "k", Secret: "s"}, WithToken(Token{"t", "ts"}))
	resp, err := p.HTTPClient().Get(big.URL)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	n, err := io.Copy(io.Discard, resp.Body)
	if !errors.Is(err, ErrBodyTooLarge) || n != maxAPIBody {
		t.Fatalf("read %d bytes, err %v; want %d and ErrBodyTooLarge", n, err, maxAPIBody)
	}
}

func TestLoopbackAfterTimeoutAnswersNoSuccess(t *testing.T) {
	l, err := listenForCallback([]string{"127.0.0.1"})
	if err != nil {
		t.Fatal(err)
	}
	l.expect("TOKEN")
	if _, err := l.wait(context.Background(), time.Millisecond); !errors.Is(err, ErrAuthorizationTimeout) {
		t.Fatalf("wait: %v", err)
	}
	l.abort()
	// The listener is gone; even a handler still running could not report success.
	assertClosed(t, l.URL())
	select {
	case v := <-l.verifier:
		t.Fatalf("a verifier was delivered after the timeout: %q", v)
	default:
	}
}

// An answer longer than this package reads is refused as not understood,
// never cut short and parsed.
func TestOversizedAnswerIsRefused(t *testing.T) {
	s := pumptest.NewServer()
	defer s.Close()
	s.SetFault(pumptest.HostMeta, pumptest.Fault{Status: 200, ContentType: "application/json",
		Body: `{"links":[],"pad":"` + strings.Repeat("x", maxBody) + `"}`})
	_, err := newTestPump(t, s, Client{}).Register(context.Background())
	// A host-meta that cannot be read is "not a pump.io server"; never "unreachable".
	if !errors.Is(err, ErrBodyTooLarge) || !errors.Is(err, ErrNotPumpServer) {
		t.Fatalf("got %v, want ErrBodyTooLarge as ErrNotPumpServer", err)
	}
}
