package pumptest

import (
	"bytes"
	"context"
	"fmt"
	"image/png"
	"net/http"
	"strings"
	"testing"
)

func TestConcurrent(t *testing.T) {
	s := NewServer()
	defer s.Close()
	const n = 12
	t.Run("group", func(t *testing.T) {
		for i := range n {
			nick := fmt.Sprintf("user%d", i)
			t.Run(nick, func(t *testing.T) {
				t.Parallel()
				s.AddUser(nick, "pw", "User")
				c := register(t, s, nick)
				at := login(t, s, c, nick, "pw")
				if i%3 == 0 {
					s.SetFault(Webfinger, Fault{})
					s.ClearFaults()
				}
				res := do(t, s, newSigned(t, "GET", s.URL+"/api/whoami", nil, c, at, nil))
				if res.status != http.StatusFound || !strings.HasSuffix(res.header.Get("Location"), "/api/user/"+nick+"/profile") {
					t.Errorf("whoami %d %q", res.status, res.header.Get("Location"))
				}
				get(t, s, s.URL+"/.well-known/webfinger?resource=acct:"+s.Address(nick)).want(t, 200, `"links"`)
				_ = s.LastRejection()
				_ = s.CallbackFor("x")
			})
		}
	})
	if got := s.Clients(); got != n {
		t.Errorf("Clients() = %d, want %d", got, n)
	}
	if got := s.Requests(AccessToken); got != n {
		t.Errorf("Requests(AccessToken) = %d, want %d", got, n)
	}
}

func TestTLS(t *testing.T) {
	s := NewTLSServer()
	defer s.Close()
	if !strings.HasPrefix(s.URL, "https://127.0.0.1:") || s.Host != strings.TrimPrefix(s.URL, "https://") {
		t.Fatalf("URL %q Host %q", s.URL, s.Host)
	}
	if _, err := http.Get(s.URL + "/.well-known/host-meta.json"); err == nil || !strings.Contains(err.Error(), "certificate") {
		t.Errorf("a plain client must reject the certificate: %v", err)
	}
	res := get(t, s, s.URL+"/.well-known/host-meta.json")
	res.want(t, 200, `"href":"https://127.0.0.1:`)

	// Signatures use the https scheme: the whole flow works, and an http-signed request does not.
	c := register(t, s, "App")
	at := login(t, s, c, "alice", "wonderland")
	res = do(t, s, newSigned(t, "GET", s.URL+"/api/whoami", nil, c, at, nil))
	if res.status != http.StatusFound || !strings.HasPrefix(res.header.Get("Location"), "https://") {
		t.Fatalf("whoami: %d %q", res.status, res.header.Get("Location"))
	}
	r := newSigned(t, "GET", strings.Replace(s.URL, "https", "http", 1)+"/api/whoami", nil, c, at, nil)
	r.URL.Scheme = "https"
	do(t, s, r).want(t, 400, "Invalid signature")
	if !strings.Contains(s.LastRejection(), "GET&https%3A%2F%2F127.0.0.1") {
		t.Errorf("LastRejection should show the server's base string: %s", s.LastRejection())
	}
}

func TestDemoServer(t *testing.T) {
	s := NewDemoServer()
	defer s.Close()
	home := get(t, s, s.URL+"/")
	home.want(t, 200, Banner)
	if !strings.Contains(home.body, "demo@"+s.Host) || !strings.Contains(home.body, "local demo server") {
		t.Errorf("home page: %s", home.body)
	}
	img := get(t, s, s.URL+"/images/demo.png")
	if img.status != 200 {
		t.Fatalf("avatar: %d", img.status)
	}
	if cfg, err := png.DecodeConfig(bytes.NewReader([]byte(img.body))); err != nil || cfg.Width != avatarSize {
		t.Errorf("avatar PNG: %+v %v", cfg, err)
	}
	get(t, s, s.URL+"/demo").want(t, 200, "Demo User")
	get(t, s, s.URL+"/.well-known/webfinger?resource=acct:alice@"+s.Host, "Accept", "application/json").want(t, 404, "No such 'user'")

	c := register(t, s, "Pump Connect")
	rt := getRequestToken(t, s, c, "oob")
	login := get(t, s, authorizeURL(s, rt))
	login.want(t, 200, "password <code>demo</code>")
	a, err := s.Approve(context.Background(), authorizeURL(s, rt), DemoNick, DemoPassword)
	if err != nil {
		t.Fatal(err)
	}
	do(t, s, accessTokenRequest(t, s, c, rt, a.Verifier)).want(t, 200, "oauth_token=")

	// The test server does not advertise credentials.
	s2 := NewServer()
	defer s2.Close()
	rt2 := getRequestToken(t, s2, register(t, s2, "x"), "oob")
	if page := get(t, s2, authorizeURL(s2, rt2)); strings.Contains(page.body, "wonderland") || !strings.Contains(page.body, Banner) {
		t.Errorf("login page: %s", page.body)
	}
}

func TestAddress(t *testing.T) {
	s := NewServer()
	defer s.Close()
	if got, want := s.Address("alice"), "alice@"+s.Host; got != want || !strings.HasPrefix(s.Host, "127.0.0.1:") {
		t.Errorf("Address = %q, want %q", got, want)
	}
	if c := s.Client(); c == s.Client() {
		t.Error("Client must return a fresh value each call")
	}
}

func TestNonCanonicalHost(t *testing.T) {
	s := NewServer()
	defer s.Close()
	_, port, _ := strings.Cut(s.Host, ":")
	// As measured on pump.io: a 301 to the canonical host whose Location escapes the query's "?".
	res := get(t, s, "http://localhost:"+port+"/.well-known/webfinger?resource=acct:alice@localhost:"+port)
	want := s.URL + "/.well-known/webfinger%3Fresource=acct:alice@localhost:" + port
	if res.status != http.StatusMovedPermanently || res.header.Get("Location") != want ||
		res.body != "Moved Permanently. Redirecting to "+want {
		t.Errorf("got %d %q %q, want a 301 to %s", res.status, res.header.Get("Location"), res.body, want)
	}
	// Following it finds nothing: the query is gone.
	if res := get(t, s, want); res.status != http.StatusNotFound {
		t.Errorf("following the redirect: %d %q", res.status, res.body)
	}
	// Without a query the redirect works.
	res = get(t, s, "http://localhost:"+port+"/.well-known/host-meta.json")
	if res.status != http.StatusMovedPermanently || res.header.Get("Location") != s.URL+"/.well-known/host-meta.json" {
		t.Errorf("got %d %q, want a 301 to the canonical host", res.status, res.header.Get("Location"))
	}
	if s.Requests(HostMeta) != 1 {
		t.Errorf("Requests(HostMeta) = %d", s.Requests(HostMeta))
	}
}
