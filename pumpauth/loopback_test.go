package pumpauth

import (
	"context"
	"errors"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/pumpconnect/pumpconnect/pumpauth/pumptest"
)

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

func TestLoopbackListener(t *testing.T) {
	l, err := listenForCallback([]string{"127.0.0.1", "::1"})
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	for _, ln := range l.listeners {
		a := ln.Addr()
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

// dialClosed waits until nothing accepts connections on hostport, failing
// after a generous deadline. The listener closes on another goroutine
// (the one watching ctx), so the test polls the port rather than sleep.
func dialClosed(t *testing.T, hostport string) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	tick := time.NewTicker(5 * time.Millisecond)
	defer tick.Stop()
	for {
		conn, err := net.DialTimeout("tcp", hostport, time.Second)
		if err != nil {
			return
		}
		conn.Close()
		if time.Now().After(deadline) {
			t.Fatalf("callback listener %s still open", hostport)
		}
		<-tick.C
	}
}

// A person who approves after Pump Connect stopped waiting sees a page
// saying so, not a browser error; no token is made from that approval; and
// the listener closes when the caller's context is cancelled.
func TestAuthorizeInBrowserLateApproval(t *testing.T) {
	s := pumptest.NewServer()
	defer s.Close()
	p := newTestPump(t, s, Client{}, WithAuthorizationTimeout(20*time.Millisecond))
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var link string
	_, err := p.AuthorizeInBrowser(ctx, func(u string) { link = u }) // nobody approves in time
	if !errors.Is(err, ErrAuthorizationTimeout) {
		t.Fatalf("AuthorizeInBrowser: %v, want ErrAuthorizationTimeout", err)
	}
	a, err := s.Approve(context.Background(), link, testNick, testPassword)
	if err != nil {
		t.Fatalf("late approval: the browser got %v", err)
	}
	if a.CallbackStatus != http.StatusGone || !strings.Contains(a.CallbackBody, "Pump Connect stopped waiting") ||
		!strings.Contains(a.CallbackBody, "press Retry") {
		t.Errorf("late approval: %d %q", a.CallbackStatus, a.CallbackBody)
	}
	if n := s.Requests(pumptest.AccessToken); n != 0 {
		t.Errorf("%d access-token requests after the timeout", n)
	}
	if !p.Token().IsZero() {
		t.Error("a token was kept from a late approval")
	}
	cb, _ := url.Parse(a.CallbackURL)
	cancel()
	dialClosed(t, cb.Host)
}

// Without a cancel, the late-approval listener still closes after its grace.
func TestLoopbackStopWaitingEndsAfterGrace(t *testing.T) {
	l, err := listenForCallback([]string{"127.0.0.1"})
	if err != nil {
		t.Fatal(err)
	}
	l.stopWaiting(context.Background(), 10*time.Millisecond)
	dialClosed(t, "127.0.0.1:"+itoa(l.port))
}

// A browser keeps connections open: an idle keep-alive one after an
// earlier request, and spare ones that never send anything. After the
// approval the flow must still end at once, not wait for them.
func TestAuthorizeInBrowserDoesNotWaitForIdleConnections(t *testing.T) {
	s := pumptest.NewServer()
	defer s.Close()
	p := newTestPump(t, s, Client{})
	approved := make(chan pumptest.Approval, 1)
	spare := make(chan net.Conn, 1)
	open := func(link string) {
		go func() {
			cb, _ := url.Parse(s.CallbackFor(tokenOf(t, link)))
			// A spare connection that never sends a request.
			if c, err := net.Dial("tcp", cb.Host); err == nil {
				spare <- c
			} else {
				t.Errorf("spare connection: %v", err)
				spare <- nil
			}
			// A keep-alive connection left idle after one request.
			keepAlive := &http.Client{Transport: &http.Transport{}}
			if resp, err := keepAlive.Get("http://" + cb.Host + "/favicon.ico"); err == nil {
				io.Copy(io.Discard, resp.Body)
				resp.Body.Close()
			}
			a, err := s.Approve(context.Background(), link, testNick, testPassword)
			if err != nil {
				t.Errorf("approve: %v", err)
			}
			approved <- a
		}()
	}
	done := make(chan error, 1)
	go func() {
		_, err := p.AuthorizeInBrowser(context.Background(), open)
		done <- err
	}()
	c := <-spare
	if c != nil {
		defer c.Close()
	}
	a := <-approved
	if a.CallbackStatus != http.StatusOK || !strings.Contains(a.CallbackBody, "close this tab") {
		t.Fatalf("the browser saw %d %q", a.CallbackStatus, a.CallbackBody)
	}
	bound := time.NewTimer(1500 * time.Millisecond) // Close used to wait 2 s for the spare connection
	defer bound.Stop()
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("AuthorizeInBrowser: %v", err)
		}
	case <-bound.C:
		t.Fatal("AuthorizeInBrowser still waiting 1.5 s after the approval reached it")
	}
	if c != nil {
		// The spare connection was closed by the listener, not left hanging.
		c.SetReadDeadline(time.Now().Add(time.Second))
		if _, err := c.Read(make([]byte, 1)); err == nil || errors.Is(err, os.ErrDeadlineExceeded) {
			t.Errorf("spare connection still open: %v", err)
		}
	}
}

// TestAuthorizeInBrowserNotify: approved runs when the browser's approval
// arrives, before the access token is asked for (here: held back until the
// test saw approved), and not at all when the flow ends before approval.
func TestAuthorizeInBrowserNotify(t *testing.T) {
	s := pumptest.NewServer()
	defer s.Close()
	approved := make(chan struct{})
	arrived := make(chan pumptest.Endpoint, 1)
	s.SetFault(pumptest.AccessToken, pumptest.Fault{Delay: time.Minute, Arrived: arrived})
	p := newTestPump(t, s, Client{})
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	done := make(chan error, 1)
	go func() {
		_, err := p.AuthorizeInBrowserNotify(ctx, newBrowser(t, s).open, func() { close(approved) })
		done <- err
	}()
	select {
	case <-approved:
	case <-arrived:
		t.Fatal("the access token was asked for before approved ran")
	case err := <-done:
		t.Fatalf("the flow ended first: %v", err)
	}
	<-arrived // the exchange goes on; Cancel ends it
	cancel()
	if err := <-done; !errors.Is(err, context.Canceled) {
		t.Fatalf("after cancel: %v", err)
	}

	// No approval: approved never runs.
	ctx2, cancel2 := context.WithCancel(context.Background())
	err := func() error {
		_, err := p.AuthorizeInBrowserNotify(ctx2, func(string) { cancel2() }, func() { t.Error("approved ran without an approval") })
		return err
	}()
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("cancelled flow: %v", err)
	}
}
