package pumptest

import (
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"
)

func TestRegister(t *testing.T) {
	s := NewServer()
	defer s.Close()
	old := register(t, s, "Old")
	tests := []struct {
		name   string
		json   map[string]any // JSON body, or
		form   url.Values     // form body
		status int
		body   string
	}{
		{"json", map[string]any{"type": "client_associate", "application_type": "native", "application_name": "Pump Connect"}, nil, 200, `"client_id"`},
		{"form", nil, url.Values{"type": {"client_associate"}, "application_name": {"Pump Connect"}, "application_type": {"web"}}, 200, `"client_id"`},
		{"all fields", map[string]any{"type": "client_associate", "application_type": "native", "application_name": "X",
			"logo_url": "https://example.com/logo.png", "redirect_uris": "http://127.0.0.1:1/cb oob:x", "contacts": "a@example.com b@example.org"}, nil, 200, `"expires_at":0`},
		{"no type", map[string]any{"application_name": "X"}, nil, 400, `{"error":"No registration type provided"}`},
		{"no type form", nil, url.Values{"application_name": {"X"}}, 400, `{"error":"No registration type provided"}`},
		{"bad type", map[string]any{"type": "client_create"}, nil, 400, `{"error":"Invalid registration type"}`},
		{"bad application_type", map[string]any{"type": "client_associate", "application_type": "desktop"}, nil, 400, `{"error":"Unknown application_type."}`},
		{"contacts array", map[string]any{"type": "client_associate", "contacts": []string{"a@example.com"}}, nil, 400, `"error"`},
		{"contacts not email", map[string]any{"type": "client_associate", "contacts": "nobody"}, nil, 400, `"error"`},
		{"bad logo_url", map[string]any{"type": "client_associate", "logo_url": "not a url"}, nil, 400, `"error"`},
		{"client_id with associate", map[string]any{"type": "client_associate", "client_id": old.key}, nil, 400, `"error"`},
		{"update wrong secret", map[string]any{"type": "client_update", "client_id": old.key, "client_secret": "nope"}, nil, 403, `{"error":"Unauthorized"}`},
		{"update unknown id", map[string]any{"type": "client_update", "client_id": "nope", "client_secret": "nope"}, nil, 403, `{"error":"Unauthorized"}`},
		{"update", map[string]any{"type": "client_update", "client_id": old.key, "client_secret": old.secret, "application_name": "New"}, nil, 200, `"client_id":"` + old.key + `"`},
		{"bad json", nil, nil, 400, `"error"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var r *http.Request
			switch {
			case tt.json != nil:
				b, _ := json.Marshal(tt.json)
				r, _ = http.NewRequest("POST", s.URL+"/api/client/register", strings.NewReader(string(b)))
				r.Header.Set("Content-Type", "application/json")
			case tt.form != nil:
				r, _ = http.NewRequest("POST", s.URL+"/api/client/register", strings.NewReader(tt.form.Encode()))
				r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			default:
				r, _ = http.NewRequest("POST", s.URL+"/api/client/register", strings.NewReader(`{"type":`))
				r.Header.Set("Content-Type", "application/json; charset=utf-8")
			}
			res := do(t, s, r)
			res.want(t, tt.status, tt.body)
			if ct := res.header.Get("Content-Type"); !strings.HasPrefix(ct, "application/json") {
				t.Errorf("Content-Type %q", ct)
			}
			if tt.status != 200 {
				return
			}
			var v struct {
				ClientID     string `json:"client_id"`
				ClientSecret string `json:"client_secret"`
				ExpiresAt    *int64 `json:"expires_at"`
			}
			if err := json.Unmarshal([]byte(res.body), &v); err != nil {
				t.Fatal(err)
			}
			if len(v.ClientID) != 22 || len(v.ClientSecret) != 43 || v.ExpiresAt == nil || *v.ExpiresAt != 0 {
				t.Errorf("bad registration %s", res.body)
			}
		})
	}
	if got := s.Clients(); got != 4 { // old, json, form, all fields
		t.Errorf("Clients() = %d, want 4", got)
	}
	if got := s.Requests(Register); got != len(tests)+1 {
		t.Errorf("Requests(Register) = %d, want %d", got, len(tests)+1)
	}
}

func TestClientLifetime(t *testing.T) {
	s := NewServer()
	defer s.Close()
	s.SetClientLifetime(time.Hour)
	res := postJSON(t, s, s.URL+"/api/client/register", map[string]string{"type": "client_associate"})
	var v struct {
		ExpiresAt int64 `json:"expires_at"`
	}
	json.Unmarshal([]byte(res.body), &v)
	if d := time.Until(time.Unix(v.ExpiresAt, 0)); d < 59*time.Minute || d > 61*time.Minute {
		t.Errorf("expires_at %d is %v away, want about an hour", v.ExpiresAt, d)
	}

	s.SetClientLifetime(-time.Second) // already expired
	c := register(t, s, "Short-lived")
	res = do(t, s, newSigned(t, "POST", s.URL+"/oauth/request_token", nil, c, creds{}, map[string]string{"oauth_callback": "oob"}))
	res.want(t, 400, "Invalid Consumer Key")
}
