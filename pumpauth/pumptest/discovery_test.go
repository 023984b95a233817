package pumptest

import (
	"encoding/json"
	"net/url"
	"strings"
	"testing"
)

func linksOf(t *testing.T, body string) map[string]string {
	t.Helper()
	var v struct {
		Links []struct{ Rel, Type, Href, Template string }
	}
	if err := json.Unmarshal([]byte(body), &v); err != nil {
		t.Fatalf("not JSON: %v: %s", err, body)
	}
	m := make(map[string]string)
	for _, l := range v.Links {
		h := l.Href
		if h == "" {
			h = l.Template
		}
		m[l.Rel+" "+l.Type] = h
		m[l.Rel] = h
	}
	return m
}

func TestHostMeta(t *testing.T) {
	s := NewServer()
	defer s.Close()
	want := map[string]string{
		"lrdd application/json":                       "/.well-known/webfinger?resource={uri}",
		"lrdd application/xrd+xml":                    "/api/lrdd?resource={uri}",
		"registration_endpoint":                       "/api/client/register",
		"http://apinamespace.org/oauth/request_token": "/oauth/request_token",
		"http://apinamespace.org/oauth/authorize":     "/oauth/authorize",
		"http://apinamespace.org/oauth/access_token":  "/oauth/access_token",
		"dialback": "/api/dialback",
		"http://apinamespace.org/activitypub/whoami": "/api/whoami",
	}
	for _, path := range []string{"/.well-known/host-meta.json", "/.well-known/host-meta"} {
		t.Run(path, func(t *testing.T) {
			res := get(t, s, s.URL+path)
			res.want(t, 200, `"links"`)
			if ct := res.header.Get("Content-Type"); !strings.HasPrefix(ct, "application/json") {
				t.Errorf("Content-Type %q", ct)
			}
			links := linksOf(t, res.body)
			for rel, p := range want {
				if links[rel] != s.URL+p {
					t.Errorf("%s = %q, want %q", rel, links[rel], s.URL+p)
				}
			}
		})
	}
	res := get(t, s, s.URL+"/.well-known/host-meta", "Accept", "application/xrd+xml")
	res.want(t, 200, `<XRD xmlns="http://docs.oasis-open.org/ns/xri/xrd-1.0">`)
	if !strings.Contains(res.body, `rel="registration_endpoint" href="`+s.URL+`/api/client/register"`) {
		t.Errorf("XRD without registration_endpoint: %s", res.body)
	}
	if got := s.Requests(HostMeta); got != 3 {
		t.Errorf("Requests(HostMeta) = %d, want 3", got)
	}
}

func TestWebfinger(t *testing.T) {
	s := NewServer()
	defer s.Close()
	_, port, _ := strings.Cut(s.Host, ":")
	tests := []struct {
		name, resource, accept string
		status                 int
		body, contentType      string
	}{
		{"acct", "acct:alice@" + s.Host, "", 200, `"links"`, "application/json"},
		{"bare", "alice@" + s.Host, "", 200, `"links"`, "application/json"},
		{"no port", "acct:alice@127.0.0.1", "", 200, `"links"`, "application/json"},
		// pump.io ignores the port but knows only its own name: localhost is not 127.0.0.1.
		{"localhost", "acct:alice@LocalHost:" + port, "", 404, "Unrecognized host", "text/html"},
		{"localhost json", "acct:alice@localhost:" + port, "application/json", 404, "Unrecognized host", "text/plain"},
		{"other port", "acct:alice@127.0.0.1:1", "", 200, `"links"`, "application/json"},
		{"profile url", s.URL + "/api/user/alice/profile", "", 200, `"links"`, "application/json"},
		{"wrong host", "acct:alice@example.com", "", 404, "Unrecognized host", "text/html"},
		{"unknown user html", "acct:nobody@" + s.Host, "", 404, "No such &#39;user&#39; with id &#39;nobody&#39;", "text/html"},
		{"unknown user json", "acct:nobody@" + s.Host, "application/json", 404, "No such 'user' with id 'nobody'", "text/plain"},
		{"no resource", "", "", 400, "No resource parameter", "text/plain"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			u := s.URL + "/.well-known/webfinger"
			if tt.resource != "" {
				u += "?resource=" + url.QueryEscape(tt.resource)
			}
			res := get(t, s, u, "Accept", tt.accept)
			res.want(t, tt.status, tt.body)
			if ct := res.header.Get("Content-Type"); !strings.HasPrefix(ct, tt.contentType) {
				t.Errorf("Content-Type %q, want %s", ct, tt.contentType)
			}
			if tt.status != 200 {
				return
			}
			links := linksOf(t, res.body)
			b := s.URL + "/api/user/alice"
			for rel, want := range map[string]string{
				"http://webfinger.net/rel/profile-page": s.URL + "/alice",
				"dialback":                              s.URL + "/api/dialback",
				"self":                                  b + "/profile",
				"activity-inbox":                        b + "/inbox",
				"activity-outbox":                       b + "/feed",
				"followers":                             b + "/followers",
				"following":                             b + "/following",
				"favorites":                             b + "/favorites",
				"lists":                                 b + "/lists/person",
			} {
				if links[rel] != want {
					t.Errorf("%s = %q, want %q", rel, links[rel], want)
				}
			}
			if _, ok := links["registration_endpoint"]; ok {
				t.Error("OAuth endpoints belong to host-meta only")
			}
		})
	}
	res := get(t, s, s.URL+"/api/lrdd?resource=acct:alice@"+s.Host)
	res.want(t, 200, "<Subject>acct:alice@"+s.Host+"</Subject>")
	if got := s.Requests(Webfinger); got != len(tests)+1 {
		t.Errorf("Requests(Webfinger) = %d, want %d", got, len(tests)+1)
	}
}
