package pumpauth

import (
	"context"
	"errors"
	"net"
	"net/url"
	"strconv"
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

// allSteps are the flow's network steps, in order.
var allSteps = []pumptest.Endpoint{pumptest.HostMeta, pumptest.Webfinger, pumptest.Register, pumptest.RequestToken, pumptest.AccessToken}

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
