package pumpauth

import (
	"context"
	"errors"
	"net"
	"net/http"
	"strings"
	"testing"

	"github.com/pumpconnect/pumpconnect/pumpauth/pumptest"
)

// servers runs f against pumptest behaving like each real release: 5.1.4
// (ActivityStreams 1.0 always) and 6.0 (2.0 unless asked for 1.0).
func servers(t *testing.T, f func(t *testing.T, s *pumptest.Server)) {
	for _, v := range []struct {
		name    string
		version pumptest.Version
	}{{"5.1.4", pumptest.Version514}, {"6.0", pumptest.Version60}} {
		t.Run(v.name, func(t *testing.T) {
			s := pumptest.NewServer()
			defer s.Close()
			s.SetVersion(v.version)
			f(t, s)
		})
	}
}

// The whole life of a connection on either release: approve in the
// browser, who am I, post, read the inbox, and reconnect with two requests.
func TestConnectPostReconnectOnBothVersions(t *testing.T) {
	servers(t, func(t *testing.T, s *pumptest.Server) {
		ctx := context.Background()
		p := newTestPump(t, s, Client{})
		tok, err := p.AuthorizeInBrowser(ctx, newBrowser(t, s).open)
		if err != nil {
			t.Fatalf("AuthorizeInBrowser: %v (server: %s)", err, s.LastRejection())
		}
		prof, err := p.Whoami(ctx)
		if err != nil {
			t.Fatalf("Whoami: %v", err)
		}
		if prof.PreferredUsername != testNick || prof.Address != s.Address(testNick) || prof.DisplayName != "Alice Example" {
			t.Fatalf("profile %+v", prof)
		}
		posted, err := p.PostNote(ctx, "hello <b>world</b>", Public)
		if err != nil || posted.Verb != "post" || posted.ObjectType != "note" || posted.Content != "hello <b>world</b>" {
			t.Fatalf("PostNote: %+v, %v", posted, err)
		}
		in, err := p.Inbox(ctx, 20)
		if err != nil || len(in.Items) != 1 || in.TotalItems != 1 {
			t.Fatalf("Inbox: %+v, %v", in, err)
		}
		if got := in.Items[0]; got.Content != posted.Content || got.ActorName != "Alice Example" || got.ObjectType != "note" {
			t.Errorf("inbox item %+v", got)
		}

		// A reconnect with what was stored: whoami and its profile, nothing else.
		before := map[pumptest.Endpoint]int{}
		for _, ep := range []pumptest.Endpoint{pumptest.HostMeta, pumptest.Webfinger, pumptest.Whoami, pumptest.Profile} {
			before[ep] = s.Requests(ep)
		}
		again := newTestPump(t, s, p.Client(), WithToken(tok), WithEndpoints(p.Endpoints()))
		if _, err := again.Whoami(ctx); err != nil {
			t.Fatalf("reconnect: %v", err)
		}
		for ep, want := range map[pumptest.Endpoint]int{pumptest.HostMeta: 0, pumptest.Webfinger: 0, pumptest.Whoami: 1, pumptest.Profile: 1} {
			if got := s.Requests(ep) - before[ep]; got != want {
				t.Errorf("reconnect sent %d %s requests, want %d", got, ep, want)
			}
		}
	})
}

// A person who typed bob's address while their browser was logged in as
// alice approves for alice: Whoami says so and names her.
func TestWhoamiWrongAccount(t *testing.T) {
	servers(t, func(t *testing.T, s *pumptest.Server) {
		s.AddUser("bob", "builder", "Bob Builder")
		p := newTestPump(t, s, Client{Webfinger: s.Address("bob")})
		if _, err := p.AuthorizeInBrowser(context.Background(), newBrowser(t, s).open); err != nil { // approves as alice
			t.Fatal(err)
		}
		prof, err := p.Whoami(context.Background())
		if !errors.Is(err, ErrWrongAccount) {
			t.Fatalf("got %v, want ErrWrongAccount", err)
		}
		if prof.Address != s.Address(testNick) || prof.DisplayName != "Alice Example" {
			t.Errorf("profile %+v: want alice's, to name who approved", prof)
		}
		if !strings.Contains(err.Error(), s.Address(testNick)) || !strings.Contains(err.Error(), s.Address("bob")) {
			t.Errorf("error %q names neither account", err)
		}
	})
}

func TestAccountOwnsProfile(t *testing.T) {
	tests := []struct {
		account, profile string
		want             bool
	}{
		{"alice@pump.example", "alice@pump.example", true},
		{"Alice@pump.example", "alice@pump.example", true},
		{"alice@pump.example:443", "alice@pump.example", true},
		{"alice@pump.example", "alice@pump.example:80", true},
		{"alice@127.0.0.1:8051", "alice@127.0.0.1:8051", true},
		{"bob@pump.example", "alice@pump.example", false},
		{"alice@pump.example", "alice@other.example", false},
		{"alice@127.0.0.1:8051", "alice@127.0.0.1:8060", false},
		{"alice@pump.example", "", false},
	}
	for _, tt := range tests {
		a, err := ParseAddress(tt.account)
		if err != nil {
			t.Fatal(err)
		}
		if got := a.owns(Profile{Address: tt.profile}); got != tt.want {
			t.Errorf("%s owns %q = %v, want %v", tt.account, tt.profile, got, tt.want)
		}
	}
}

// The token is known but the client is not (pump.io: 401 "Invalid / used
// nonce"): the registration is gone.
func TestWhoamiUnknownClientKnownToken(t *testing.T) {
	s := pumptest.NewServer()
	defer s.Close()
	_, tok := connected(t, s)
	gone := newTestPump(t, s, Client{Key: "unknownunknownunknown0", Secret: "x"}, WithToken(tok))
	if _, err := gone.Whoami(context.Background()); !errors.Is(err, ErrClientRejected) {
		t.Fatalf("got %v, want ErrClientRejected", err)
	}
}

// pump.io answers a name it does not call itself (localhost for 127.0.0.1)
// with a 301 that garbles webfinger's query: the account moves to the
// server's own name instead of "unknown user".
func TestNonCanonicalHostMovesTheAccount(t *testing.T) {
	s := pumptest.NewServer()
	defer s.Close()
	_, port, _ := net.SplitHostPort(s.Host)
	p, err := New(Client{Webfinger: "alice@localhost:" + port, Name: testAppName})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := p.Authorize(context.Background(), approveOOB(t, s)); err != nil {
		t.Fatalf("Authorize: %v", err)
	}
	if p.Address().String() != s.Address(testNick) || p.Client().Webfinger != s.Address(testNick) || p.BaseURL() != s.URL {
		t.Errorf("Address %q, client %q, base %q: want the server's own name", p.Address(), p.Client().Webfinger, p.BaseURL())
	}
	if _, err := p.Whoami(context.Background()); err != nil {
		t.Errorf("Whoami: %v", err)
	}
}

// Stored endpoints that no longer lead anywhere are found again, once.
func TestStaleStoredEndpoints(t *testing.T) {
	s := pumptest.NewServer()
	defer s.Close()
	p, tok := connected(t, s)
	stale := p.Endpoints()
	stale.Whoami = stale.Base + "/api/moved-away"
	hostMeta := s.Requests(pumptest.HostMeta)
	again := newTestPump(t, s, p.Client(), WithToken(tok), WithEndpoints(stale))
	if _, err := again.Whoami(context.Background()); err != nil {
		t.Fatalf("Whoami: %v", err)
	}
	if s.Requests(pumptest.HostMeta) != hostMeta+1 || again.Endpoints().Whoami != p.Endpoints().Whoami {
		t.Errorf("endpoints %+v after %d host-meta requests", again.Endpoints(), s.Requests(pumptest.HostMeta)-hostMeta)
	}

	// Endpoints on another host are not used at all.
	elsewhere := p.Endpoints()
	elsewhere.Base, elsewhere.Whoami = "https://elsewhere.example", "https://elsewhere.example/api/whoami"
	q := newTestPump(t, s, p.Client(), WithToken(tok), WithEndpoints(elsewhere))
	if !q.Endpoints().IsZero() {
		t.Errorf("foreign endpoints adopted: %+v", q.Endpoints())
	}
}

// acceptJSON makes every request say Accept: application/json, as a client
// that does not know about pump.io 6.0's negotiation would.
type acceptJSON struct{ next http.RoundTripper }

func (a acceptJSON) RoundTrip(r *http.Request) (*http.Response, error) {
	r = r.Clone(r.Context())
	r.Header.Set("Accept", "application/json")
	return a.next.RoundTrip(r)
}

// A 6.0 server that answers ActivityStreams 2.0 anyway is read as well:
// the nickname comes from the person's id, the items from first.orderedItems.
func TestReadsActivityStreams2(t *testing.T) {
	s := pumptest.NewServer()
	defer s.Close()
	s.SetVersion(pumptest.Version60)
	hc := s.Client()
	hc.Transport = acceptJSON{hc.Transport}
	p := newTestPump(t, s, Client{}, WithHTTPClient(hc))
	if _, err := p.Authorize(context.Background(), approveOOB(t, s)); err != nil {
		t.Fatal(err)
	}
	prof, err := p.Whoami(context.Background())
	if err != nil {
		t.Fatalf("Whoami: %v", err)
	}
	if prof.PreferredUsername != testNick || prof.Address != s.Address(testNick) || prof.DisplayName != "Alice Example" ||
		prof.ID != s.URL+"/"+testNick || prof.URL != s.URL+"/"+testNick || prof.ImageURL == "" {
		t.Errorf("profile %+v", prof)
	}
	if _, err := p.PostNote(context.Background(), "in AS2", FollowersOnly); err != nil {
		t.Fatal(err)
	}
	in, err := p.Inbox(context.Background(), 5)
	if err != nil || len(in.Items) != 1 || in.Items[0].Content != "in AS2" || in.Items[0].Verb != "create" ||
		in.Items[0].ActorName != "Alice Example" {
		t.Fatalf("Inbox: %+v, %v", in, err)
	}
}

// connected is alice's Pump on s after the copy-paste flow, with its token.
func connected(t *testing.T, s *pumptest.Server, opts ...Option) (*Pump, Token) {
	t.Helper()
	p := newTestPump(t, s, Client{}, opts...)
	tok, err := p.Authorize(context.Background(), approveOOB(t, s))
	if err != nil {
		t.Fatalf("Authorize: %v (server: %s)", err, s.LastRejection())
	}
	return p, tok
}
