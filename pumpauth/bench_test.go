package pumpauth

import (
	"context"
	"net/http"
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

// okTransport answers every request with an empty 200, without a network.
type okTransport struct{}

func (okTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	return &http.Response{StatusCode: http.StatusOK, Header: http.Header{}, Body: http.NoBody, Request: req}, nil
}

// BenchmarkSign is one request through the signing client with no network
// behind it: HMAC-SHA1 over the base string, the Authorization header and
// the client's wrappers, which every API call pays.
func BenchmarkSign(b *testing.B) {
	p, err := New(Client{Webfinger: "alice@pump.example", Key: "dpf43f3p2l4k3l03", Secret: "kd94hf93k423kf44"},
		WithToken(Token{Token: "nnch734d00sl2jdk", Secret: "pfkkdhi9sl3r4s00"}),
		WithHTTPClient(&http.Client{Transport: okTransport{}}))
	if err != nil {
		b.Fatal(err)
	}
	c := p.HTTPClient()
	b.ReportAllocs()
	for b.Loop() {
		resp, err := c.Get("https://pump.example/api/user/alice/feed?count=20&before=x")
		if err != nil {
			b.Fatal(err)
		}
		resp.Body.Close()
	}
}

// BenchmarkParseAddress parses what people type: plain, with a port, with
// spaces and capitals, an IPv6 literal, and a typo.
func BenchmarkParseAddress(b *testing.B) {
	inputs := []string{"alice@pump.example", "Alice@Pump.Example:8443", "  bob@identi.ca ", "carol@[::1]:31337", "alice"}
	b.ReportAllocs()
	for b.Loop() {
		for _, s := range inputs {
			_, _ = ParseAddress(s)
		}
	}
}
