package pumpauth

import (
	"context"
	"errors"
	"net/http"
	"testing"
	"time"

	"github.com/pumpconnect/pumpconnect/pumpauth/pumptest"
)

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
