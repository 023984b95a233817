package pumpauth

import (
	"context"
	"errors"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/pumpconnect/pumpconnect/pumpauth/pumptest"
)

func TestCancelAtEachStep(t *testing.T) {
	for _, ep := range allSteps {
		t.Run(string(ep), func(t *testing.T) {
			s := pumptest.NewServer()
			defer s.Close()
			arrived := make(chan pumptest.Endpoint, 1)
			s.SetFault(ep, pumptest.Fault{Delay: time.Minute, Arrived: arrived})
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			errc := make(chan error, 1)
			go func() {
				_, err := newTestPump(t, s, Client{}).Authorize(ctx, approveOOB(t, s))
				errc <- err
			}()
			select {
			case <-arrived:
			case <-time.After(5 * time.Second):
				t.Fatalf("the request never reached %s", ep)
			}
			cancel()
			select {
			case err := <-errc:
				if !errors.Is(err, context.Canceled) {
					t.Fatalf("got %v, want context.Canceled", err)
				}
			case <-time.After(5 * time.Second):
				t.Fatal("Authorize did not return promptly after cancel")
			}
		})
	}
	t.Run("waiting for the verifier", func(t *testing.T) {
		s := pumptest.NewServer()
		defer s.Close()
		ctx, cancel := context.WithCancel(context.Background())
		errc := make(chan error, 1)
		go func() {
			_, err := newTestPump(t, s, Client{}).Authorize(ctx, func(ctx context.Context, _ string) (string, error) {
				cancel()
				<-ctx.Done()
				return "", ctx.Err()
			})
			errc <- err
		}()
		if err := <-errc; !errors.Is(err, context.Canceled) {
			t.Fatalf("got %v", err)
		}
	})
	t.Run("waiting for the browser", func(t *testing.T) {
		s := pumptest.NewServer()
		defer s.Close()
		ctx, cancel := context.WithCancel(context.Background())
		var callback string
		_, err := newTestPump(t, s, Client{}).AuthorizeInBrowser(ctx, func(u string) {
			callback = s.CallbackFor(tokenOf(t, u))
			cancel()
		})
		if !errors.Is(err, context.Canceled) {
			t.Fatalf("got %v", err)
		}
		assertClosed(t, callback)
	})
}

func TestTimeouts(t *testing.T) {
	s := pumptest.NewServer()
	defer s.Close()
	s.SetFault(pumptest.Webfinger, pumptest.Fault{Delay: time.Minute})
	_, err := newTestPump(t, s, Client{}, WithTimeout(100*time.Millisecond)).Register(context.Background())
	if !errors.Is(err, ErrTimeout) {
		t.Fatalf("slow server: got %v, want ErrTimeout", err)
	}
	s.ClearFaults()

	var callback string
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	_, err = newTestPump(t, s, Client{}, WithAuthorizationTimeout(100*time.Millisecond)).
		AuthorizeInBrowser(ctx, func(u string) {
			// What the server's redirect after a late approval would lead to.
			callback = s.CallbackFor(tokenOf(t, u)) + "&oauth_token=" + tokenOf(t, u) + "&oauth_verifier=LateVerifierLateVerif1"
		})
	if !errors.Is(err, ErrAuthorizationTimeout) {
		t.Fatalf("nobody approved: got %v, want ErrAuthorizationTimeout", err)
	}
	// A late callback is told that nobody waits any more, until the caller
	// cancels; then nothing listens.
	resp, err := http.Get(callback)
	if err != nil {
		t.Fatalf("late callback: %v", err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusGone {
		t.Errorf("late callback: status %d, want 410", resp.StatusCode)
	}
	cancel()
	dialClosed(t, resp.Request.URL.Host)
}

func TestServerFaultsAtEachEndpoint(t *testing.T) {
	steps := append(allSteps, pumptest.Whoami, pumptest.Profile)
	for _, ep := range steps {
		for _, f := range []struct {
			name  string
			fault pumptest.Fault
			want  []error
		}{
			{"500", pumptest.Fault{Status: 500}, []error{ErrServer}},
			{"503", pumptest.Fault{Status: 503}, []error{ErrServer}},
			{"malformed", pumptest.Fault{Malformed: true}, []error{ErrBadResponse, ErrNotPumpServer}},
		} {
			t.Run(string(ep)+"/"+f.name, func(t *testing.T) {
				s := pumptest.NewServer()
				defer s.Close()
				s.SetFault(ep, f.fault)
				p := newTestPump(t, s, Client{})
				_, err := p.Authorize(context.Background(), approveOOB(t, s))
				if err == nil {
					_, err = p.Whoami(context.Background())
				}
				if !isAny(err, f.want...) {
					t.Fatalf("got %v, want one of %v", err, f.want)
				}
				if ep == pumptest.HostMeta && f.name == "malformed" && !errors.Is(err, ErrNotPumpServer) {
					t.Fatalf("garbled host-meta: got %v, want ErrNotPumpServer", err)
				}
				if s.Requests(ep) == 0 {
					t.Fatalf("the fault at %s was never reached", ep)
				}
			})
		}
	}
}

func TestNotAPumpServer(t *testing.T) {
	srv := &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html")
		if r.URL.Path == "/" {
			w.Write([]byte("<html>a blog</html>"))
			return
		}
		http.NotFound(w, r)
	})}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go srv.Serve(ln)
	defer srv.Close()
	p, _ := New(Client{Webfinger: "alice@" + ln.Addr().String()})
	if _, err := p.Register(context.Background()); !errors.Is(err, ErrNotPumpServer) {
		t.Fatalf("got %v, want ErrNotPumpServer", err)
	}
}

func TestUnreachableAndTLS(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	p, _ := New(Client{Webfinger: "alice@" + addr})
	if _, err := p.Register(context.Background()); !errors.Is(err, ErrUnreachable) {
		t.Fatalf("closed port: got %v, want ErrUnreachable", err)
	}

	ts := pumptest.NewTLSServer()
	defer ts.Close()
	// Untrusted certificate: an error, and no fallback to plain http.
	p = newTestPump(t, ts, Client{})
	if _, err := p.Register(context.Background()); !errors.Is(err, ErrCertificate) {
		t.Fatalf("self-signed: got %v, want ErrCertificate", err)
	}
	// Trusted: the whole flow over https, signatures cover the https scheme.
	p = newTestPump(t, ts, Client{}, WithHTTPClient(ts.Client()))
	if _, err := p.Authorize(context.Background(), approveOOB(t, ts)); err != nil {
		t.Fatalf("https flow: %v (server: %s)", err, ts.LastRejection())
	}
	if !strings.HasPrefix(p.BaseURL(), "https://") {
		t.Fatalf("BaseURL %q", p.BaseURL())
	}
	if _, err := p.Whoami(context.Background()); err != nil {
		t.Fatal(err)
	}
}

func TestNoSilentDowngrade(t *testing.T) {
	// A non-loopback name that resolves to our plain-http server: https
	// is tried and fails; without WithPlainHTTP there is no fallback.
	s := pumptest.NewServer()
	defer s.Close()
	_, port, _ := net.SplitHostPort(s.Host)
	hc := &http.Client{Transport: &http.Transport{DialContext: func(ctx context.Context, network, _ string) (net.Conn, error) {
		return (&net.Dialer{}).DialContext(ctx, network, s.Host)
	}}}
	p, _ := New(Client{Webfinger: "alice@pump.example:" + port}, WithHTTPClient(hc))
	if _, err := p.Register(context.Background()); !errors.Is(err, ErrHTTPSUnavailable) {
		t.Fatalf("got %v, want ErrHTTPSUnavailable", err)
	}
	if p.BaseURL() != "" {
		t.Fatalf("BaseURL %q after a refused downgrade", p.BaseURL())
	}
	// With the option, plain http is used. The server calls itself
	// 127.0.0.1 and redirects there, as pump.io does for a name it does not
	// use; a server elsewhere may not send us to this computer, though.
	p, _ = New(Client{Webfinger: "alice@pump.example:" + port}, WithHTTPClient(hc), WithPlainHTTP())
	_, err := p.Register(context.Background())
	if !errors.Is(err, ErrNotPumpServer) || p.Address().String() != "alice@pump.example:"+port || s.Clients() != 0 {
		t.Fatalf("Address %q, err %v, %d registrations", p.Address(), err, s.Clients())
	}
}

func TestRedirectToPlainHTTPIsRefused(t *testing.T) {
	ts := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, "http://"+r.Host+r.URL.Path, http.StatusFound)
	}))
	defer ts.Close()
	_, port, _ := net.SplitHostPort(ts.Listener.Addr().String())
	hc := ts.Client()
	tr := hc.Transport.(*http.Transport).Clone()
	tr.DialContext = func(ctx context.Context, network, _ string) (net.Conn, error) {
		return (&net.Dialer{}).DialContext(ctx, network, ts.Listener.Addr().String())
	}
	hc.Transport = tr
	// example.com is a name the test certificate is valid for.
	p, err := New(Client{Webfinger: "alice@example.com:" + port}, WithHTTPClient(hc))
	if err != nil {
		t.Fatal(err)
	}
	_, err = p.Register(context.Background())
	if !errors.Is(err, ErrHTTPSUnavailable) {
		t.Fatalf("got %v, want ErrHTTPSUnavailable", err)
	}
}

func TestBare401KeepsTheToken(t *testing.T) {
	s := pumptest.NewServer()
	defer s.Close()
	p := newTestPump(t, s, Client{})
	if _, err := p.Authorize(context.Background(), approveOOB(t, s)); err != nil {
		t.Fatal(err)
	}
	// A proxy's login or maintenance page is not pump.io rejecting the token.
	s.SetFault(pumptest.Whoami, pumptest.Fault{Status: 401, Body: "<h1>Authorization Required</h1>", ContentType: "text/html"})
	_, err := p.Whoami(context.Background())
	if errors.Is(err, ErrTokenRejected) || !errors.Is(err, ErrServer) {
		t.Fatalf("got %v, want ErrServer and not ErrTokenRejected", err)
	}
}

func TestSignedClientBoundsBodies(t *testing.T) {
	big := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		chunk := make([]byte, 1<<20)
		for i := 0; i < maxAPIBody>>20+1; i++ {
			if _, err := w.Write(chunk); err != nil {
				return
			}
		}
	}))
	defer big.Close()
	p, _ := New(Client{Webfinger: "alice@127.0.0.1", Key: "k", Secret: "s"}, WithToken(Token{"t", "ts"}))
	resp, err := p.HTTPClient().Get(big.URL)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	n, err := io.Copy(io.Discard, resp.Body)
	if !errors.Is(err, ErrBodyTooLarge) || n != maxAPIBody {
		t.Fatalf("read %d bytes, err %v; want %d and ErrBodyTooLarge", n, err, maxAPIBody)
	}
}

// An answer longer than this package reads is refused as not understood,
// never cut short and parsed.
func TestOversizedAnswerIsRefused(t *testing.T) {
	s := pumptest.NewServer()
	defer s.Close()
	s.SetFault(pumptest.HostMeta, pumptest.Fault{Status: 200, ContentType: "application/json",
		Body: `{"links":[],"pad":"` + strings.Repeat("x", maxBody) + `"}`})
	_, err := newTestPump(t, s, Client{}).Register(context.Background())
	// A host-meta that cannot be read is "not a pump.io server"; never "unreachable".
	if !errors.Is(err, ErrBodyTooLarge) || !errors.Is(err, ErrNotPumpServer) {
		t.Fatalf("got %v, want ErrBodyTooLarge as ErrNotPumpServer", err)
	}
}
