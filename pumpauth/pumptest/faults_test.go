package pumptest

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"testing"
	"time"
)

func TestFaultStatus(t *testing.T) {
	s := NewServer()
	defer s.Close()
	c := register(t, s, "App")
	tests := []struct {
		ep          Endpoint
		f           Fault
		req         func() *http.Request
		status      int
		body, ctype string
	}{
		{HostMeta, Fault{Status: 503}, func() *http.Request {
			r, _ := http.NewRequest("GET", s.URL+"/.well-known/host-meta.json", nil)
			return r
		},
			503, "<h1>503 Service Unavailable</h1>", "text/html"},
		{Webfinger, Fault{Status: 500, Body: "boom", ContentType: "text/x-custom"}, func() *http.Request {
			r, _ := http.NewRequest("GET", s.URL+"/.well-known/webfinger?resource=acct:alice@"+s.Host, nil)
			return r
		}, 500, "boom", "text/x-custom"},
		{Register, Fault{Status: 500}, func() *http.Request {
			r, _ := http.NewRequest("POST", s.URL+"/api/client/register", strings.NewReader(`{"type":"client_associate"}`))
			return r
		}, 500, `{"error":"Internal Server Error"}`, "application/json"},
		{RequestToken, Fault{Status: 400}, func() *http.Request {
			return newSigned(t, "POST", s.URL+"/oauth/request_token", nil, c, creds{}, map[string]string{"oauth_callback": "oob"})
		}, 400, "Invalid Consumer Key", "text/plain"},
		{AccessToken, Fault{Status: 401}, func() *http.Request {
			return accessTokenRequest(t, s, c, creds{"a", "b"}, "v")
		}, 401, "Invalid / expired Token", "text/plain"},
		{Authorize, Fault{Status: 500}, func() *http.Request {
			r, _ := http.NewRequest("GET", s.URL+"/oauth/authorize?oauth_token=x", nil)
			return r
		},
			500, Banner, "text/html"},
		{Whoami, Fault{Status: 502}, func() *http.Request { r, _ := http.NewRequest("GET", s.URL+"/api/whoami", nil); return r },
			502, "502 Bad Gateway", "text/html"},
	}
	for _, tt := range tests {
		t.Run(string(tt.ep), func(t *testing.T) {
			s.SetFault(tt.ep, tt.f)
			defer s.ClearFaults()
			before := s.Requests(tt.ep)
			res := do(t, s, tt.req())
			res.want(t, tt.status, tt.body)
			if ct := res.header.Get("Content-Type"); !strings.HasPrefix(ct, tt.ctype) {
				t.Errorf("Content-Type %q, want %s", ct, tt.ctype)
			}
			if got := s.Requests(tt.ep); got != before+1 {
				t.Errorf("Requests(%s) = %d, want %d", tt.ep, got, before+1)
			}
		})
	}
	// Cleared: back to normal.
	getRequestToken(t, s, c, "oob")
}

func TestFaultMalformed(t *testing.T) {
	s := NewServer()
	defer s.Close()
	c := register(t, s, "App")
	at := login(t, s, c, "alice", "wonderland")
	tests := []struct {
		ep    Endpoint
		req   func() *http.Request
		body  string
		ctype string
	}{
		{HostMeta, func() *http.Request { r, _ := http.NewRequest("GET", s.URL+"/.well-known/host-meta", nil); return r }, `{"links":[`, "application/json"},
		{Register, func() *http.Request { r, _ := http.NewRequest("POST", s.URL+"/api/client/register", nil); return r }, `{"client_id":"`, "application/json"},
		{RequestToken, func() *http.Request {
			return newSigned(t, "POST", s.URL+"/oauth/request_token", nil, c, creds{}, map[string]string{"oauth_callback": "oob"})
		}, "oauth_token=", "application/x-www-form-urlencoded"},
		{Whoami, func() *http.Request { return newSigned(t, "GET", s.URL+"/api/whoami", nil, c, at, nil) }, "<html>", "application/json"},
		{Inbox, func() *http.Request { return newSigned(t, "GET", s.URL+"/api/user/alice/inbox", nil, c, at, nil) }, `{"items":[`, "application/json"},
	}
	for _, tt := range tests {
		t.Run(string(tt.ep), func(t *testing.T) {
			s.SetFault(tt.ep, Fault{Malformed: true})
			defer s.ClearFaults()
			res := do(t, s, tt.req())
			res.want(t, 200, tt.body)
			if ct := res.header.Get("Content-Type"); !strings.HasPrefix(ct, tt.ctype) {
				t.Errorf("Content-Type %q, want %s", ct, tt.ctype)
			}
		})
	}
}

func TestFaultDelay(t *testing.T) {
	s := NewServer()
	defer s.Close()

	t.Run("client gives up", func(t *testing.T) {
		s.SetFault(HostMeta, Fault{Delay: time.Hour})
		defer s.ClearFaults()
		ctx, cancel := context.WithCancel(context.Background())
		errc := make(chan error, 1)
		go func() {
			r, _ := http.NewRequestWithContext(ctx, "GET", s.URL+"/.well-known/host-meta.json", nil)
			resp, err := s.Client().Do(r)
			if err == nil {
				resp.Body.Close()
			}
			errc <- err
		}()
		eventually(t, "the request to reach the server", func() bool { return s.Requests(HostMeta) == 1 })
		cancel()
		if err := <-errc; !errors.Is(err, context.Canceled) {
			t.Errorf("client error = %v, want context.Canceled", err)
		}
		eventually(t, "the delayed handler to return", func() bool { return s.inflight.Load() == 0 })
	})

	t.Run("delay then normal answer", func(t *testing.T) {
		s.SetFault(HostMeta, Fault{Delay: 20 * time.Millisecond})
		defer s.ClearFaults()
		start := time.Now()
		get(t, s, s.URL+"/.well-known/host-meta.json").want(t, 200, `"links"`)
		if d := time.Since(start); d < 20*time.Millisecond {
			t.Errorf("answered after %v", d)
		}
	})

	t.Run("delay then status", func(t *testing.T) {
		s.SetFault(HostMeta, Fault{Delay: time.Millisecond, Status: 504})
		defer s.ClearFaults()
		get(t, s, s.URL+"/.well-known/host-meta.json").want(t, 504, "Gateway")
	})

	t.Run("client timeout", func(t *testing.T) {
		s.SetFault(Register, Fault{Delay: time.Hour})
		defer s.ClearFaults()
		c := s.Client()
		c.Timeout = 50 * time.Millisecond
		_, err := c.Post(s.URL+"/api/client/register", "application/json", strings.NewReader(`{}`))
		if err == nil {
			t.Fatal("no timeout")
		}
		eventually(t, "the delayed handler to return", func() bool { return s.inflight.Load() == 0 })
	})
}

func TestCloseEndsDelay(t *testing.T) {
	s := NewServer()
	s.SetFault(HostMeta, Fault{Delay: time.Hour})
	go func() {
		resp, err := s.Client().Get(s.URL + "/.well-known/host-meta")
		if err == nil {
			resp.Body.Close()
		}
	}()
	eventually(t, "the request to reach the server", func() bool { return s.Requests(HostMeta) == 1 })
	s.Close() // must not wait an hour
	s.Close() // idempotent
}
