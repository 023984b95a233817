package pumpauth

import (
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync/atomic"
	"testing"
)

func TestSameOrigin(t *testing.T) {
	tests := []struct {
		a, b string
		want bool
	}{
		{"https://pump.example/api/whoami", "https://pump.example/api/user/alice/profile", true},
		{"https://pump.example/x", "https://pump.example:443/y", true},
		{"http://pump.example:80/x", "http://pump.example/y", true},
		{"https://Pump.Example/x", "https://pump.example/y", true},
		{"https://pump.example/x", "http://pump.example/x", false},
		{"http://pump.example/x", "https://pump.example:80/x", false},
		{"https://pump.example/x", "https://pump.example:8443/x", false},
		{"https://pump.example/x", "https://evil.example/x", false},
		{"https://pump.example/x", "https://pump.example.evil.example/x", false},
		{"http://127.0.0.1:8000/x", "http://localhost:8000/x", false},
		{"http://[::1]:8000/x", "http://[::1]:8000/y", true},
		{"/relative/x", "/relative/x", false},
		{"https://pump.example/x", "::not a url", false},
	}
	for _, tt := range tests {
		if got := SameOrigin(tt.a, tt.b); got != tt.want {
			t.Errorf("SameOrigin(%s, %s) = %v, want %v", tt.a, tt.b, got, tt.want)
		}
	}
}

// elsewhere is a server that counts what reaches it: a redirect refused
// must never arrive there.
type elsewhere struct {
	*httptest.Server
	hits atomic.Int32
}

func newElsewhere(t *testing.T) *elsewhere {
	e := &elsewhere{}
	e.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		e.hits.Add(1)
		w.Header().Set("Content-Type", "application/json")
		io.WriteString(w, `{"objectType":"person","id":"http://`+r.Host+`/api/user/alice/profile","preferredUsername":"alice"}`)
	}))
	t.Cleanup(e.Close)
	return e
}

// redirectingServer answers every path in redirects with a redirect to
// the Location it names (computed from the server's own URL), and a
// profile of alice on /api/user/alice/profile when the Host is its own.
func redirectingServer(t *testing.T, status int, redirects map[string]func(self string) string) (*httptest.Server, *atomic.Int32) {
	var foreignHost atomic.Int32
	var srv *httptest.Server
	srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if loc, ok := redirects[r.URL.Path]; ok {
			http.Redirect(w, r, loc(srv.URL), status)
			return
		}
		if r.Host != srv.Listener.Addr().String() {
			foreignHost.Add(1) // reached under another name for the same port
		}
		if r.URL.Path == "/api/user/alice/profile" {
			w.Header().Set("Content-Type", "application/json")
			io.WriteString(w, `{"objectType":"person","id":"`+srv.URL+`/api/user/alice/profile","preferredUsername":"alice"}`)
			return
		}
		http.NotFound(w, r)
	}))
	t.Cleanup(srv.Close)
	return srv, &foreignHost
}

// signedPump is a Pump with client credentials, a token and the endpoints of base.
func signedPump(t *testing.T, base string) *Pump {
	t.Helper()
	u, _ := url.Parse(base)
	p, err := New(Client{Webfinger: "alice@" + u.Host, Name: testAppName, Key: "client-key", Secret: "client-secret-xyz"},
		WithToken(Token{Token: "access-token", Secret: "token-secret-xyz"}), WithEndpoints(defaultEndpoints(base)))
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// checkRefused asserts err is a refused redirect to the origin named want.
func checkRefused(t *testing.T, err error, want string) {
	t.Helper()
	var re *ResponseError
	if !errors.As(err, &re) || !errors.Is(err, ErrBadResponse) {
		t.Fatalf("err = %v, want a *ResponseError wrapping ErrBadResponse", err)
	}
	msg := err.Error()
	if !strings.Contains(msg, "another server ("+want) {
		t.Errorf("error %q does not name %s", msg, want)
	}
	for _, secret := range []string{"client-secret-xyz", "token-secret-xyz", "oauth_signature", "oauth_nonce"} {
		if strings.Contains(msg, secret) {
			t.Errorf("error %q contains %q", msg, secret)
		}
	}
}

// Signed requests follow pump.io's whoami redirect (same origin) and no
// other: not to another port, another name for the same port, nor https.
func TestWhoamiRefusesRedirectToAnotherOrigin(t *testing.T) {
	evil := newElsewhere(t)
	tests := []struct {
		name    string
		loc     func(self string) string
		refused string // the origin the error names; "" when the redirect is followed
	}{
		{"same origin (pump.io's own)", func(string) string { return "/api/user/alice/profile" }, ""},
		{"same origin, absolute", func(self string) string { return self + "/api/user/alice/profile" }, ""},
		{"another port", func(string) string { return evil.URL + "/api/user/alice/profile" }, evil.URL},
		{"another name for the same port", func(self string) string {
			u, _ := url.Parse(self)
			return "http://localhost:" + u.Port() + "/api/user/alice/profile"
		}, "http://localhost:"},
		{"https on the same host and port", func(self string) string {
			return "https://" + strings.TrimPrefix(self, "http://") + "/api/user/alice/profile"
		}, "https://127.0.0.1:"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			before := evil.hits.Load()
			srv, foreign := redirectingServer(t, http.StatusFound, map[string]func(string) string{"/api/whoami": tt.loc})
			p := signedPump(t, srv.URL)
			prof, err := p.Whoami(context.Background())
			if tt.refused == "" {
				if err != nil || prof.PreferredUsername != "alice" {
					t.Fatalf("Whoami = %+v, %v; want alice", prof, err)
				}
				return
			}
			checkRefused(t, err, tt.refused)
			if n := evil.hits.Load() - before; n != 0 || foreign.Load() != 0 {
				t.Errorf("the redirect was followed: %d requests elsewhere, %d under another name", n, foreign.Load())
			}
		})
	}
}

// HTTPClient keeps the rule when its caller replaces CheckRedirect (as an
// avatar loader might): the transport refuses the hop before signing it.
func TestHTTPClientRefusesRedirectToAnotherOrigin(t *testing.T) {
	evil := newElsewhere(t)
	srv, _ := redirectingServer(t, http.StatusFound, map[string]func(string) string{
		"/avatar": func(string) string { return evil.URL + "/avatar.png" },
	})
	p := signedPump(t, srv.URL)
	for _, name := range []string{"as returned", "CheckRedirect replaced"} {
		c := p.HTTPClient()
		if name == "CheckRedirect replaced" {
			c.CheckRedirect = func(*http.Request, []*http.Request) error { return nil }
		}
		resp, err := c.Get(srv.URL + "/avatar")
		if err == nil {
			resp.Body.Close()
			t.Errorf("%s: redirect to %s followed", name, evil.URL)
			continue
		}
		checkRefused(t, transportError(context.Background(), opWhoami, err), evil.URL)
	}
	if n := evil.hits.Load(); n != 0 {
		t.Errorf("%d requests reached the other server", n)
	}
}

// Token steps and registration never follow a redirect to another server.
func TestTokenAndRegistrationRefuseRedirectToAnotherOrigin(t *testing.T) {
	evil := newElsewhere(t)
	toEvil := func(path string) func(string) string { return func(string) string { return evil.URL + path } }
	srv, _ := redirectingServer(t, http.StatusTemporaryRedirect, map[string]func(string) string{
		"/oauth/request_token": toEvil("/oauth/request_token"),
		"/oauth/access_token":  toEvil("/oauth/access_token"),
		"/api/client/register": toEvil("/api/client/register"),
	})
	p := signedPump(t, srv.URL)
	e := defaultEndpoints(srv.URL)
	ctx := context.Background()
	steps := []struct {
		name string
		run  func() error
	}{
		{"request token", func() error {
			_, _, err := p.getRequestToken(ctx, e, p.Client(), "oob")
			return err
		}},
		{"access token", func() error {
			_, err := p.getAccessToken(ctx, e, p.Client(), requestToken{Token: "rt", Secret: "rt-secret"}, "verifier")
			return err
		}},
		{"register", func() error {
			_, err := p.register(ctx, e)
			return err
		}},
	}
	for _, st := range steps {
		t.Run(st.name, func(t *testing.T) {
			checkRefused(t, st.run(), evil.URL)
		})
	}
	if n := evil.hits.Load(); n != 0 {
		t.Errorf("%d requests reached the other server", n)
	}
}
