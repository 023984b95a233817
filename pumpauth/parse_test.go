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
		{"AS1 display name that would reorder the window", `{"objectType":"person","id":"x","preferredUsername":"bob",
			"displayName":"\u202eBob\n\u2066Admin\u2069\u200b\t  verified"}`,
			Profile{ID: "x", PreferredUsername: "bob", DisplayName: "Bob Admin verified"}, false},
		{"AS2 name with controls", `{"type":"Person","id":"http://h/bob","name":"\u0007Bob\r\n\u200fthe\u061c  Builder "}`,
			Profile{ID: "http://h/bob", PreferredUsername: "bob", DisplayName: "Bob the Builder"}, false},
		{"invisible display name gives way to name", `{"type":"Person","id":"http://h/bob","displayName":"\u202e\u200b","name":"Bob"}`,
			Profile{ID: "http://h/bob", PreferredUsername: "bob", DisplayName: "Bob"}, false},
		{"long display name", `{"id":"x","preferredUsername":"bob","displayName":"` + strings.Repeat("b", 100) + `"}`,
			Profile{ID: "x", PreferredUsername: "bob", DisplayName: strings.Repeat("b", 63) + "…"}, false},
		// Measured on pump.io 6.0 (ba6b392c), Accept: application/json.
		{"6.0 AS2 person", `{"@context":"https://www.w3.org/ns/activitystreams","id":"http://127.0.0.1:8060/alice","type":"Person","inbox":"http://127.0.0.1:8060/api/user/alice/inbox","followers":"http://127.0.0.1:8060/api/user/alice/followers","following":"http://127.0.0.1:8060/api/user/alice/following","liked":"http://127.0.0.1:8060/api/user/alice/favorites","name":"Alice Liddell","outbox":"http://127.0.0.1:8060/api/user/alice/feed","updated":"2026-12-03T10:17:41.000Z","url":{"type":"Link","href":"http://127.0.0.1:8060/alice","mediaType":"text/html"}}`,
			Profile{ID: "http://127.0.0.1:8060/alice", PreferredUsername: "alice", DisplayName: "Alice Liddell", URL: "http://127.0.0.1:8060/alice"}, false},
		{"6.0 AS2 person with avatar", `{"@context":"https://www.w3.org/ns/activitystreams","id":"http://127.0.0.1:8060/carol","type":"Person","image":{"type":"Object","url":{"type":"Link","href":"http://127.0.0.1:8060/images/carol.png","mediaType":"text/html"}},"name":"Carol Cat","summary":"I <i>like</i> tea","url":{"type":"Link","href":"http://127.0.0.1:8060/carol","mediaType":"text/html"}}`,
			Profile{ID: "http://127.0.0.1:8060/carol", PreferredUsername: "carol", DisplayName: "Carol Cat", URL: "http://127.0.0.1:8060/carol", ImageURL: "http://127.0.0.1:8060/images/carol.png", Summary: "I <i>like</i> tea"}, false},
		{"AS2 person whose id names no user", `{"type":"Person","id":"http://h/people?id=7","name":"X"}`, Profile{}, true},
		{"AS2 person with another id shape", `{"type":"Person","id":"http://h/users/alice/profile","name":"X"}`, Profile{}, true},
		{"AS2 note", `{"type":"Note","id":"http://h/api/note/1"}`, Profile{}, true},
		{"blank nickname", `{"preferredUsername":" ","id":"http://h/api/user/x/profile"}`, Profile{}, true},
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
	f.Add(`{"preferredUsernAme":" "}`) // found by this fuzz target: a blank nickname was accepted
	f.Add(`{"type":"Person","id":"http://h/alice","name":"A","url":{"type":"Link","href":"http://h/alice"},"image":{"type":"Object","url":{"href":"i"}}}`)
	f.Fuzz(func(t *testing.T, body string) {
		p, err := parseProfile([]byte(body))
		if err == nil && !validNick(p.PreferredUsername) || err == nil && p.PreferredUsername == "" {
			t.Fatalf("accepted a profile without a usable nickname (%q): %q", p.PreferredUsername, body)
		}
	})
}

func FuzzParseCollection(f *testing.F) {
	f.Add(`{"items":[{"verb":"post","object":{"objectType":"note","content":"x"},"actor":{"displayName":"A"}}],"totalItems":1}`)
	f.Add(`{"type":"OrderedCollection","first":{"orderedItems":[{"type":"Create","actor":"http://h/alice","object":{"type":"Note"}}]},"totalItems":1}`)
	f.Fuzz(func(t *testing.T, body string) {
		c, err := parseCollection([]byte(body))
		if err == nil && len(c.Items) > c.TotalItems {
			t.Fatalf("%d items but totalItems %d: %q", len(c.Items), c.TotalItems, body)
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

func TestParseCollection(t *testing.T) {
	// The shapes measured on pump.io 5.1.4 (AS1) and 6.0 (AS2), shortened.
	as1 := `{"displayName":"Activities for Alice Liddell","objectTypes":["activity"],"items":[{"verb":"post","object":{"objectType":"note","content":"hello <b>world</b> &amp; co","url":"http://h/alice/note/1"},"actor":{"objectType":"person","preferredUsername":"alice","displayName":"Alice Liddell","id":"http://h/api/user/alice/profile"},"id":"http://h/api/activity/1","published":"2026-12-03T10:18:29Z","url":"http://h/alice/activity/1"}],"totalItems":9}`
	as2 := `{"@context":"https://www.w3.org/ns/activitystreams","id":"http://h/api/user/alice/inbox","type":"OrderedCollection","first":{"id":"http://h/api/user/alice/inbox","type":"OrderedCollectionPage","orderedItems":[{"id":"http://h/api/activity/1","type":"Create","actor":{"id":"http://h/alice","type":"Person","name":"Alice Liddell"},"object":{"id":"http://h/api/note/1","type":"Note","content":"hello <b>world</b> &amp; co","url":{"type":"Link","href":"http://h/alice/note/1","mediaType":"text/html"}},"published":"2026-12-03T10:18:31.000Z","summary":"Alice posted a note"}],"next":"http://h/api/user/alice/inbox?before=x"},"totalItems":9}`
	want := func(verb string, published time.Time) Activity {
		return Activity{ID: "http://h/api/activity/1", Verb: verb, ActorName: "Alice Liddell", ObjectType: "note",
			Content: "hello <b>world</b> &amp; co", URL: "http://h/alice/note/1", Published: published}
	}
	tests := []struct {
		name, body string
		want       Activity
	}{
		{"AS1", as1, want("post", time.Date(2026, 12, 3, 10, 18, 29, 0, time.UTC))},
		{"AS2", as2, want("create", time.Date(2026, 12, 3, 10, 18, 31, 0, time.UTC))},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, err := parseCollection([]byte(tt.body))
			if err != nil || c.TotalItems != 9 || len(c.Items) != 1 {
				t.Fatalf("got %+v, %v", c, err)
			}
			got := c.Items[0]
			got.ActorID = ""
			if !got.Published.Equal(tt.want.Published) {
				t.Errorf("published %v, want %v", got.Published, tt.want.Published)
			}
			got.Published = tt.want.Published
			if got != tt.want {
				t.Errorf("got %+v\nwant %+v", got, tt.want)
			}
		})
	}
	// An actor's name is cleaned in either dialect.
	for _, body := range []string{
		`{"items":[{"verb":"post","id":"a","actor":{"displayName":"\u202eEve\n\u200bBob"}}],"totalItems":1}`,
		`{"orderedItems":[{"type":"Create","id":"a","actor":{"type":"Person","name":"\u202eEve\n\u200bBob"}}],"totalItems":1}`,
	} {
		c, err := parseCollection([]byte(body))
		if err != nil || len(c.Items) != 1 || c.Items[0].ActorName != "Eve Bob" {
			t.Errorf("actor name of %s: %+v, %v", body, c, err)
		}
	}
	for _, bad := range []string{`[]`, `{"totalItems":3}`, `{"items":"x"}`, `<html>`} {
		if _, err := parseCollection([]byte(bad)); err == nil {
			t.Errorf("parseCollection(%s) = nil error", bad)
		}
	}
	if c, err := parseCollection([]byte(`{"totalItems":0,"items":[]}`)); err != nil || len(c.Items) != 0 {
		t.Errorf("empty collection: %+v, %v", c, err)
	}
}
