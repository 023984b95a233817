package pumptest

import (
	"encoding/json"
	"strings"
	"testing"
)

// Which dialect each Accept header gets, as measured on pump.io 6.0
// (ba6b392c); 5.1.4 answers ActivityStreams 1.0 to all of them.
func TestNegotiationLike60(t *testing.T) {
	tests := []struct {
		accept string
		as2    bool
	}{
		{"", false},
		{"application/stream+json", false},
		{"*/*", false},
		{"application/*", false},
		{"application/json, */*;q=0.1", false},
		{"application/stream+json, application/json;q=0.9, */*;q=0.1", false}, // what pumpauth sends
		{"application/json", true},
		{"application/activity+json", true},
		{"application/ld+json", true},
		{`application/ld+json; profile="https://www.w3.org/ns/activitystreams"`, true},
		{"text/html", true},
		{"application/stream+json;q=0.5, application/activity+json", true},
	}
	for _, version := range []Version{Version514, Version60} {
		s := NewServer()
		s.SetVersion(version)
		c := register(t, s, "App")
		at := login(t, s, c, "alice", "wonderland")
		for _, tt := range tests {
			r := newSigned(t, "GET", s.URL+"/api/user/alice/profile", nil, c, at, nil)
			if tt.accept != "" {
				r.Header.Set("Accept", tt.accept)
			}
			res := do(t, s, r)
			gotAS2 := strings.HasPrefix(res.header.Get("Content-Type"), "application/ld+json")
			if want := tt.as2 && version == Version60; res.status != 200 || gotAS2 != want {
				t.Errorf("version %d, Accept %q: %d %s, want AS2 %v", version, tt.accept, res.status,
					res.header.Get("Content-Type"), want)
			}
		}
		s.Close()
	}
}

// The AS2 shapes are those a real 6.0 server sends.
func TestAS2Shapes(t *testing.T) {
	s := NewServer()
	defer s.Close()
	s.SetVersion(Version60)
	c := register(t, s, "App")
	at := login(t, s, c, "alice", "wonderland")
	get := func(url string) map[string]any {
		t.Helper()
		r := newSigned(t, "GET", url, nil, c, at, nil)
		r.Header.Set("Accept", "application/json")
		res := do(t, s, r)
		if res.header.Get("Content-Type") != ctAS2 {
			t.Fatalf("%s: Content-Type %q", url, res.header.Get("Content-Type"))
		}
		var v map[string]any
		if err := json.Unmarshal([]byte(res.body), &v); err != nil {
			t.Fatal(err)
		}
		return v
	}
	p := get(s.URL + "/api/user/alice/profile")
	if p["type"] != "Person" || p["id"] != s.URL+"/alice" || p["name"] != DefaultDisplayName ||
		p["preferredUsername"] != nil || p["followers"] != s.URL+"/api/user/alice/followers" ||
		p["@context"] != as2Context {
		t.Errorf("person %v", p)
	}
	if u, _ := p["url"].(map[string]any); u["type"] != "Link" || u["href"] != s.URL+"/alice" {
		t.Errorf("url %v", p["url"])
	}
	if img, _ := p["image"].(map[string]any); img["type"] != "Object" {
		t.Errorf("image %v", p["image"])
	}

	// A post answers in AS1 even to application/json; the inbox then has it as a Create.
	post := newSignedJSON(t, "POST", s.URL+"/api/user/alice/feed", `{"verb":"post","object":{"objectType":"note","content":"hi"}}`, c, at)
	post.Header.Set("Accept", "application/json")
	if res := do(t, s, post); res.status != 200 || !strings.Contains(res.body, `"verb":"post"`) {
		t.Fatalf("post: %d %s", res.status, res.body)
	}
	in := get(s.URL + "/api/user/alice/inbox")
	first, _ := in["first"].(map[string]any)
	items, _ := first["orderedItems"].([]any)
	if in["type"] != "OrderedCollection" || in["totalItems"] != 1.0 || len(items) != 1 || in["items"] != nil {
		t.Fatalf("inbox %v", in)
	}
	act := items[0].(map[string]any)
	obj, _ := act["object"].(map[string]any)
	actor, _ := act["actor"].(map[string]any)
	if act["type"] != "Create" || obj["type"] != "Note" || obj["content"] != "hi" || actor["name"] != DefaultDisplayName {
		t.Errorf("activity %v", act)
	}
}
