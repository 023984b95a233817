package pumpauth

import (
	"context"
	"errors"
	"net"
	"net/http"
	"strings"
	"syscall"
	"testing"

	"github.com/pumpconnect/pumpconnect/pumpauth/pumptest"
)

// httpsRefused is a transport on which every https connection is refused,
// as when a server stops listening on 443 but still serves port 80.
type httpsRefused struct{}

func (httpsRefused) RoundTrip(req *http.Request) (*http.Response, error) {
	if req.URL.Scheme == "https" {
		return nil, &net.OpError{Op: "dial", Net: "tcp", Err: syscall.ECONNREFUSED}
	}
	return http.DefaultTransport.RoundTrip(req)
}

// An account that connected over https never drops to plain http by
// itself: not on this computer (where plain http is otherwise allowed),
// not with WithPlainHTTP, not when its stored endpoints are unusable and
// host-meta is read again. The server here speaks plain http only.
func TestPinnedHTTPSNeverFallsBackToPlainHTTP(t *testing.T) {
	s := pumptest.NewServer() // plain http on 127.0.0.1
	defer s.Close()
	https := strings.Replace(s.URL, "http://", "https://", 1)
	httpsEndpoints := defaultEndpoints(https)
	tok := Token{Token: "access-token", Secret: "token-secret"}
	tests := []struct {
		name     string
		opts     []Option
		whoami   bool  // call Whoami (with a token) rather than Register
		want     error // nil: works over plain http
		wantBase string
	}{
		{"not pinned: plain http on this computer", nil, false, nil, s.URL},
		{"WithPinnedScheme", []Option{WithPinnedScheme("https")}, false, ErrSchemeDowngrade, ""},
		{"WithPinnedScheme and an old WithPlainHTTP", []Option{WithPinnedScheme("HTTPS"), WithPlainHTTP()}, false, ErrSchemeDowngrade, ""},
		{"WithPinnedScheme http pins nothing", []Option{WithPinnedScheme("http")}, false, nil, s.URL},
		{"https endpoints", []Option{WithEndpoints(httpsEndpoints), WithToken(tok)}, true, ErrSchemeDowngrade, ""},
		{"https endpoints and WithPlainHTTP", []Option{WithEndpoints(httpsEndpoints), WithToken(tok), WithPlainHTTP()}, true, ErrSchemeDowngrade, ""},
		{"unusable https endpoints: host-meta again", []Option{WithEndpoints(Endpoints{Base: https}), WithToken(tok), WithPlainHTTP()}, true, ErrSchemeDowngrade, ""},
		{"https refused, http answers", []Option{WithPinnedScheme("https"), WithHTTPClient(&http.Client{Transport: httpsRefused{}})}, false, ErrSchemeDowngrade, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			before := map[pumptest.Endpoint]int{}
			for _, ep := range append(allSteps, pumptest.Whoami, pumptest.Profile) {
				before[ep] = s.Requests(ep)
			}
			p := newTestPump(t, s, Client{}, tt.opts...)
			var err error
			if tt.whoami {
				_, err = p.Whoami(context.Background())
			} else {
				_, err = p.Register(context.Background())
			}
			if tt.want == nil {
				if err != nil || p.BaseURL() != tt.wantBase {
					t.Fatalf("err %v, base %q; want %q", err, p.BaseURL(), tt.wantBase)
				}
				return
			}
			if !errors.Is(err, tt.want) {
				t.Fatalf("err = %v, want %v", err, tt.want)
			}
			if errors.Is(err, ErrHTTPSUnavailable) {
				t.Errorf("err %v wraps ErrHTTPSUnavailable too", err)
			}
			if p.BaseURL() != "" && !IsHTTPS(p.BaseURL()) {
				t.Errorf("base %q", p.BaseURL())
			}
			for _, ep := range []pumptest.Endpoint{pumptest.Webfinger, pumptest.Register, pumptest.Whoami, pumptest.Profile} {
				if n := s.Requests(ep) - before[ep]; n != 0 {
					t.Errorf("%d %s requests went over plain http", n, ep)
				}
			}
		})
	}
}

// A server that does not answer at all is unreachable, not a downgrade.
func TestPinnedHTTPSServerDown(t *testing.T) {
	s := pumptest.NewServer()
	s.Close()
	p := newTestPump(t, s, Client{}, WithPinnedScheme("https"))
	if _, err := p.Register(context.Background()); !errors.Is(err, ErrUnreachable) {
		t.Fatalf("err = %v, want ErrUnreachable", err)
	}
}
