package pumpauth

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/pumpconnect/pumpconnect/pumpauth/pumptest"
)

// TestNoSecretInAnyError drives every failure this package can report and
// scans each error text, and everything logged meanwhile, for the secrets
// of the run: client secret, request and access token secrets, verifier
// and signatures.
func TestNoSecretInAnyError(t *testing.T) {
	var logged bytes.Buffer
	oldLog := log.Writer()
	log.SetOutput(&logged)
	defer log.SetOutput(oldLog)

	s := pumptest.NewServer()
	defer s.Close()
	var secrets []string
	var errs []error
	keep := func(err error) {
		if err != nil {
			errs = append(errs, err)
		}
	}
	// A spy on the wire collects the request-token secrets and signatures the app sees and sends.
	spy := &spyTransport{next: http.DefaultTransport}
	hc := &http.Client{Transport: spy}

	p := newTestPump(t, s, Client{}, WithHTTPClient(hc))
	var verifier string
	tok, err := p.Authorize(context.Background(), func(ctx context.Context, u string) (string, error) {
		a, err := s.Approve(ctx, u, testNick, testPassword)
		verifier = a.Verifier
		return a.Verifier, err
	})
	if err != nil {
		t.Fatal(err)
	}
	client := p.Client()
	secrets = append(secrets, client.Secret, tok.Secret, verifier)

	// Failures with the run's secrets in play.
	_, err = newTestPump(t, s, client, WithHTTPClient(hc)).Authorize(context.Background(), func(ctx context.Context, u string) (string, error) {
		a, err := s.Approve(ctx, u, testNick, testPassword)
		secrets = append(secrets, a.Verifier)
		return "Wr0ngVerifierValue0001", err
	})
	keep(err)
	_, err = newTestPump(t, s, client, WithHTTPClient(hc)).Authorize(context.Background(), func(context.Context, string) (string, error) {
		return "bad verifier with spaces " + verifier, nil
	})
	keep(err)
	for _, ep := range []pumptest.Endpoint{pumptest.RequestToken, pumptest.AccessToken, pumptest.Whoami, pumptest.Profile, pumptest.Register} {
		for _, f := range []pumptest.Fault{{Status: 401}, {Status: 400}, {Status: 500}, {Malformed: true}} {
			s.SetFault(ep, f)
			q := newTestPump(t, s, client, WithHTTPClient(hc), WithToken(tok))
			_, err := q.Authorize(context.Background(), approveOOB(t, s))
			keep(err)
			_, err = q.Whoami(context.Background())
			keep(err)
			_, err = newTestPump(t, s, Client{}, WithHTTPClient(hc)).Register(context.Background())
			keep(err)
			s.ClearFaults()
		}
	}
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	s.SetFault(pumptest.AccessToken, pumptest.Fault{Delay: time.Minute})
	_, err = newTestPump(t, s, client, WithHTTPClient(hc)).Authorize(ctx, approveOOB(t, s))
	keep(err)
	cancel()
	s.ClearFaults()
	_, err = newTestPump(t, s, client, WithHTTPClient(hc), WithAuthorizationTimeout(20*time.Millisecond)).
		AuthorizeInBrowser(context.Background(), func(string) {})
	keep(err)
	s.RevokeTokens()
	_, err = newTestPump(t, s, client, WithHTTPClient(hc), WithToken(tok)).Whoami(context.Background())
	keep(err)
	s.ForgetClients()
	_, err = newTestPump(t, s, client, WithHTTPClient(hc), WithToken(tok)).Whoami(context.Background())
	keep(err)
	_, err = newTestPump(t, s, client, WithHTTPClient(hc)).Authorize(context.Background(), approveOOB(t, s))
	keep(err)

	secrets = append(secrets, spy.secrets()...)
	t.Logf("%d errors scanned for %d secrets", len(errs), len(secrets))
	if len(errs) < 25 {
		t.Fatalf("only %d errors were produced; the scan would prove little", len(errs))
	}
	for _, e := range errs {
		texts := []string{e.Error(), fmt.Sprintf("%+v", e), fmt.Sprintf("%#v", e)}
		var re *ResponseError
		if errors.As(e, &re) && re.Cause != nil {
			texts = append(texts, re.Cause.Error())
		}
		for _, text := range texts {
			for _, sec := range secrets {
				if sec != "" && strings.Contains(text, sec) {
					t.Errorf("error text carries a secret: %q", text)
				}
			}
			if strings.Contains(text, "oauth_signature") || strings.Contains(text, "Authorization") {
				t.Errorf("error text carries OAuth header material: %q", text)
			}
		}
	}
	for _, sec := range secrets {
		if sec != "" && strings.Contains(logged.String(), sec) {
			t.Errorf("a secret was logged")
		}
	}
}

// spyTransport notes every token secret the server hands out and every
// signature the app sends.
type spyTransport struct {
	next http.RoundTripper
	mu   sync.Mutex
	seen []string
}

func (s *spyTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	if h := r.Header.Get("Authorization"); h != "" {
		for _, part := range strings.Split(strings.TrimPrefix(h, "OAuth "), ",") {
			if k, v, ok := strings.Cut(strings.TrimSpace(part), "="); ok && (k == "oauth_signature" || k == "oauth_verifier") {
				v = strings.Trim(v, `"`)
				s.note(v) // as sent, percent-encoded
				if d, err := url.PathUnescape(v); err == nil {
					s.note(d) // and as a leak would most likely show it
				}
			}
		}
	}
	resp, err := s.next.RoundTrip(r)
	if err != nil || resp.Header.Get("Content-Type") != "application/x-www-form-urlencoded" {
		return resp, err
	}
	body, _ := readBody(resp)
	for _, kv := range strings.Split(string(body), "&") {
		if k, v, ok := strings.Cut(kv, "="); ok && k == "oauth_token_secret" {
			s.note(v)
		}
	}
	resp.Body = nopCloser{bytes.NewReader(body)}
	return resp, nil
}

func (s *spyTransport) note(v string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.seen = append(s.seen, v)
}

func (s *spyTransport) secrets() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]string(nil), s.seen...)
}

type nopCloser struct{ *bytes.Reader }

func (nopCloser) Close() error { return nil }
