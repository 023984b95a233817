package pumpauth

import (
	"encoding/json"
	"strings"
	"testing"
	"time"
)

func TestParseExpiresAt(t *testing.T) {
	tests := []struct {
		raw  string
		want time.Time
		ok   bool
	}{
		{`0`, time.Time{}, true},
		{``, time.Time{}, true},
		{`null`, time.Time{}, true},
		{`"0"`, time.Time{}, true},
		{`1700000000`, time.Unix(1700000000, 0), true},
		{`"1700000000"`, time.Unix(1700000000, 0), true},
		{`-5`, time.Time{}, false},
		{`"soon"`, time.Time{}, false},
		{`1e300`, time.Time{}, false},
	}
	for _, tt := range tests {
		got, ok := parseExpiresAt(json.RawMessage(tt.raw))
		if ok != tt.ok || !got.Equal(tt.want) {
			t.Errorf("parseExpiresAt(%s) = %v, %v; want %v, %v", tt.raw, got, ok, tt.want, tt.ok)
		}
	}
}

func TestParseProfile(t *testing.T) {
	tests := []struct {
		name, body string
		want       Profile
		wantErr    bool
	}{
		{"pump.io person", `{"objectType":"person","id":"http://h/api/user/alice/profile","preferredUsername":"alice",
			"displayName":"Alice Example","url":"http://h/alice","image":{"url":"http://h/a.png","width":96,"height":96},
			"followers":{"totalItems":3},"following":{"totalItems":4}}`,
			Profile{ID: "http://h/api/user/alice/profile", PreferredUsername: "alice", DisplayName: "Alice Example",
				URL: "http://h/alice", ImageURL: "http://h/a.png", Followers: 3, Following: 4}, false},
		{"no display name", `{"id":"x","preferredUsername":"bob"}`, Profile{ID: "x", PreferredUsername: "bob"}, false},
		{"truncated", `{"objectType":"person","id":`, Profile{}, true},
		{"html", `<html>login</html>`, Profile{}, true},
		{"not a person", `{"objectType":"note","id":"x"}`, Profile{}, true},
		{"empty object", `{}`, Profile{}, true},
		{"array", `[]`, Profile{}, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := parseProfile([]byte(tt.body))
			if (err != nil) != tt.wantErr || got != tt.want {
				t.Fatalf("got %+v, %v; want %+v, err %v", got, err, tt.want, tt.wantErr)
			}
		})
	}
	if (Profile{PreferredUsername: "bob"}).Name() != "bob" || (Profile{PreferredUsername: "a", DisplayName: "A"}).Name() != "A" {
		t.Error("Profile.Name does not fall back to the nickname")
	}
}

func TestServerMessage(t *testing.T) {
	tests := []struct{ body, ct, want string }{
		{`{"error":"No registration type provided"}`, "application/json", "No registration type provided"},
		{"Invalid Consumer Key", "text/plain", "Invalid Consumer Key"},
		{"Invalid signature\nmore", "text/plain", "Invalid signature"},
		{"<html><body>Not found</body></html>", "text/html", ""},
		{"Not found", "text/html; charset=utf-8", ""},
		{`{"nope":1}`, "application/json", ""},
		{"bad oauth_signature=abc echoed", "text/plain", ""},
		{strings.Repeat("x", 500), "text/plain", strings.Repeat("x", maxMessage) + "…"},
		{"ctl\x01char", "text/plain", "ctlchar"},
	}
	for _, tt := range tests {
		if got := serverMessage([]byte(tt.body), tt.ct); got != tt.want {
			t.Errorf("serverMessage(%.30q) = %q, want %q", tt.body, got, tt.want)
		}
	}
}

func TestRebase(t *testing.T) {
	tests := []struct{ base, href, fallback, want string }{
		{"https://h", "http://h/api/client/register", "F", "https://h/api/client/register"},
		{"https://h:8443", "https://h:8443/oauth/authorize", "F", "https://h:8443/oauth/authorize"},
		{"https://h", "/.well-known/webfinger?resource={uri}", "F", "https://h/.well-known/webfinger?resource={uri}"},
		{"https://h", "no-slash", "F", "F"},
		{"https://h", "%zz", "F", "F"},
	}
	for _, tt := range tests {
		if got := rebase(tt.base, tt.href, tt.fallback); got != tt.want {
			t.Errorf("rebase(%q, %q) = %q, want %q", tt.base, tt.href, got, tt.want)
		}
	}
}

func TestCleanVerifier(t *testing.T) {
	tests := []struct {
		in, want string
		ok       bool
	}{
		{"  abcDEF123-_  \n", "abcDEF123-_", true},
		{"a+b/c=", "a+b/c=", true},
		{"", "", false},
		{"   ", "", false},
		{"has space", "", false},
		{"<script>", "", false},
		{strings.Repeat("a", 257), "", false},
	}
	for _, tt := range tests {
		got, err := CleanVerifier(tt.in)
		if (err == nil) != tt.ok || got != tt.want {
			t.Errorf("CleanVerifier(%q) = %q, %v", tt.in, got, err)
		}
		if err != nil && tt.in != "" && strings.TrimSpace(tt.in) != "" && strings.Contains(err.Error(), strings.TrimSpace(tt.in)) {
			t.Errorf("error repeats the code: %v", err)
		}
	}
}

func FuzzParseProfile(f *testing.F) {
	f.Add(`{"objectType":"person","id":"x","preferredUsername":"a","image":{"url":"u"}}`)
	f.Add(`{"id":1}`)
	f.Add(`<html>`)
	f.Fuzz(func(t *testing.T, body string) {
		p, err := parseProfile([]byte(body))
		if err == nil && p.ID == "" && p.PreferredUsername == "" {
			t.Fatalf("accepted a profile with neither id nor name: %q", body)
		}
	})
}

func FuzzServerMessage(f *testing.F) {
	f.Add(`{"error":"x"}`, "application/json")
	f.Add("Invalid Consumer Key", "text/plain")
	f.Add("<p>x</p>", "text/html")
	f.Fuzz(func(t *testing.T, body, ct string) {
		m := serverMessage([]byte(body), ct)
		if len(m) > maxMessage+len("…") || strings.ContainsAny(m, "\r\n") || strings.Contains(m, "oauth_") {
			t.Fatalf("serverMessage(%q) = %q", body, m)
		}
	})
}

func FuzzHostMeta(f *testing.F) {
	f.Add(`{"links":[{"rel":"registration_endpoint","href":"http://h/api/client/register"}]}`)
	f.Add(`{"links":[{"rel":"lrdd","template":"/.well-known/webfinger?resource={uri}"}]}`)
	f.Fuzz(func(t *testing.T, body string) {
		var hm hostMeta
		if json.Unmarshal([]byte(body), &hm) != nil {
			return
		}
		for _, l := range hm.Links {
			got := rebase("https://h", l.Href, "F")
			if got != "F" && !strings.HasPrefix(got, "https://h/") {
				t.Fatalf("rebase(%q) left the base: %q", l.Href, got)
			}
		}
	})
}

func FuzzParseExpiresAt(f *testing.F) {
	f.Add("0")
	f.Add(`"123"`)
	f.Fuzz(func(t *testing.T, raw string) {
		if tm, ok := parseExpiresAt(json.RawMessage(raw)); ok && !tm.IsZero() && tm.Before(time.Unix(0, 0)) {
			t.Fatalf("negative expiry accepted: %q", raw)
		}
	})
}
