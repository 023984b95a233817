package pumpauth

import (
	"context"
	"testing"

	"github.com/pumpconnect/pumpconnect/pumpauth/pumptest"
)

// BenchmarkReconnect is what every start with a stored account costs:
// discovery and one signed whoami with its re-signed redirect.
func BenchmarkReconnect(b *testing.B) {
	s := pumptest.NewServer()
	defer s.Close()
	p, err := New(Client{Webfinger: s.Address(testNick), Name: testAppName})
	if err != nil {
		b.Fatal(err)
	}
	tok, err := p.Authorize(context.Background(), func(ctx context.Context, u string) (string, error) {
		a, err := s.Approve(ctx, u, testNick, testPassword)
		return a.Verifier, err
	})
	if err != nil {
		b.Fatal(err)
	}
	client := p.Client()
	b.ReportAllocs()
	for b.Loop() {
		q, _ := New(client, WithToken(tok))
		if _, err := q.Whoami(context.Background()); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkAuthorizeInBrowser is the whole first connection with a stored
// registration: request token, loopback listener, approval, access token.
func BenchmarkAuthorizeInBrowser(b *testing.B) {
	s := pumptest.NewServer()
	defer s.Close()
	p, err := New(Client{Webfinger: s.Address(testNick), Name: testAppName})
	if err != nil {
		b.Fatal(err)
	}
	client, err := p.Register(context.Background())
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		q, _ := New(client)
		_, err := q.AuthorizeInBrowser(context.Background(), func(u string) {
			go s.Approve(context.Background(), u, testNick, testPassword)
		})
		if err != nil {
			b.Fatal(err)
		}
	}
}
