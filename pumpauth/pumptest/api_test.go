package pumptest

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"
)

func TestWhoamiAndProfile(t *testing.T) {
	s := NewServer()
	defer s.Close()
	c := register(t, s, "App")
	at := login(t, s, c, "alice", "wonderland")

	who := newSigned(t, "GET", s.URL+"/api/whoami", nil, c, at, nil)
	res := do(t, s, who)
	profileURL := s.URL + "/api/user/alice/profile"
	if res.status != http.StatusFound || res.header.Get("Location") != profileURL {
		t.Fatalf("whoami: %d Location %q", res.status, res.header.Get("Location"))
	}

	// Following with the old Authorization header fails (pump.io issue 652).
	stale, _ := http.NewRequest("GET", profileURL, nil)
	stale.Header.Set("Authorization", who.Header.Get("Authorization"))
	do(t, s, stale).want(t, 400, "Invalid signature")

	// Signed again for its own URL, it works.
	res = do(t, s, newSigned(t, "GET", profileURL, nil, c, at, nil))
	res.want(t, 200, `"objectType":"person"`)
	var p struct {
		ObjectType, ID, PreferredUsername, DisplayName, URL string
		Image                                               struct {
			URL           string
			Width, Height int
		}
		Links                map[string]struct{ Href string }
		Followers, Following struct{ TotalItems *int }
	}
	if err := json.Unmarshal([]byte(res.body), &p); err != nil {
		t.Fatal(err)
	}
	if p.ID != profileURL || p.PreferredUsername != "alice" || p.DisplayName != "Alice Example" || p.URL != s.URL+"/alice" ||
		p.Image.Width == 0 || p.Links["activity-inbox"].Href != s.URL+"/api/user/alice/inbox" ||
		p.Followers.TotalItems == nil || p.Following.TotalItems == nil {
		t.Errorf("profile = %+v", p)
	}
	img := get(t, s, p.Image.URL)
	if img.status != 200 || img.header.Get("Content-Type") != "image/png" || !strings.HasPrefix(img.body, "\x89PNG") {
		t.Errorf("avatar: %d %s", img.status, img.header.Get("Content-Type"))
	}
	// Client credentials alone are enough for a profile.
	do(t, s, newSigned(t, "GET", profileURL, nil, c, creds{}, nil)).want(t, 200, `"preferredUsername":"alice"`)
	do(t, s, newSigned(t, "GET", s.URL+"/api/user/nobody/profile", nil, c, at, nil)).want(t, 404, `"error"`)
}

func TestAPIErrors(t *testing.T) {
	s := NewServer()
	defer s.Close()
	s.AddUser("bob", "builder", "Bob")
	c := register(t, s, "App")
	at := login(t, s, c, "alice", "wonderland")
	tests := []struct {
		name            string
		req             func() *http.Request
		status          int
		body            string
		wwwAuthenticate bool
	}{
		{"whoami unsigned", func() *http.Request { r, _ := http.NewRequest("GET", s.URL+"/api/whoami", nil); return r },
			401, `{"error":"Not logged in."}`, false},
		{"inbox unsigned", func() *http.Request { r, _ := http.NewRequest("GET", s.URL+"/api/user/alice/inbox", nil); return r },
			401, `{"error":"Not logged in."}`, false},
		{"whoami client only", func() *http.Request { return newSigned(t, "GET", s.URL+"/api/whoami", nil, c, creds{}, nil) },
			401, `{"error":"Not logged in."}`, false},
		{"bad token", func() *http.Request { return newSigned(t, "GET", s.URL+"/api/whoami", nil, c, creds{"nope", "x"}, nil) },
			400, "Invalid / expired Token", false},
		{"bad signature", func() *http.Request { return newSigned(t, "GET", s.URL+"/api/whoami", nil, c, creds{at.key, "x"}, nil) },
			400, "Invalid signature", false},
		{"inbox bad signature", func() *http.Request {
			return newSigned(t, "GET", s.URL+"/api/user/alice/inbox", nil, creds{c.key, "x"}, at, nil)
		}, 400, "Invalid signature", false},
		{"unknown consumer, known token", func() *http.Request {
			return newSigned(t, "GET", s.URL+"/api/whoami", nil, creds{"nope", "x"}, at, nil)
		},
			401, "Invalid / used nonce", false},
		{"unknown consumer and token", func() *http.Request {
			return newSigned(t, "GET", s.URL+"/api/whoami", nil, creds{"nope", "x"}, creds{"nope", "x"}, nil)
		},
			400, "Invalid / expired Token", false},
		{"someone else's inbox", func() *http.Request { return newSigned(t, "GET", s.URL+"/api/user/bob/inbox", nil, c, at, nil) },
			403, `"error"`, false},
		{"post to someone else's feed", func() *http.Request {
			return newSignedJSON(t, "POST", s.URL+"/api/user/bob/feed", `{"verb":"post","object":{"objectType":"note"}}`, c, at)
		}, 403, `"error"`, false},
		{"post without object", func() *http.Request {
			return newSignedJSON(t, "POST", s.URL+"/api/user/alice/feed", `{"verb":"post"}`, c, at)
		}, 400, `"error"`, false},
		{"post client only", func() *http.Request {
			return newSignedJSON(t, "POST", s.URL+"/api/user/alice/feed", `{"verb":"post","object":{"objectType":"note"}}`, c, creds{})
		}, 401, `{"error":"Not logged in."}`, false},
		{"bad count", func() *http.Request {
			return newSigned(t, "GET", s.URL+"/api/user/alice/feed?count=x", nil, c, at, nil)
		}, 400, `"error"`, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res := do(t, s, tt.req())
			res.want(t, tt.status, tt.body)
			if got := res.header.Get("WWW-Authenticate") == `OAuth realm="OAuth"`; got != tt.wwwAuthenticate {
				t.Errorf("WWW-Authenticate = %q", res.header.Get("WWW-Authenticate"))
			}
		})
	}
}

func TestFeedAndInbox(t *testing.T) {
	s := NewServer()
	defer s.Close()
	c := register(t, s, "App")
	at := login(t, s, c, "alice", "wonderland")
	feedURL := s.URL + "/api/user/alice/feed"
	inboxURL := s.URL + "/api/user/alice/inbox"

	var list struct {
		Items      []map[string]any
		TotalItems int
	}
	res := do(t, s, newSigned(t, "GET", inboxURL, nil, c, at, nil))
	res.want(t, 200, `"totalItems":0`)

	for _, text := range []string{"first", "second", "third"} {
		body := `{"verb":"post","object":{"objectType":"note","content":"` + text + `"},` +
			`"to":[{"objectType":"collection","id":"http://activityschema.org/collection/public"}]}`
		res := do(t, s, newSignedJSON(t, "POST", feedURL, body, c, at))
		res.want(t, 200, `"verb":"post"`)
		var act map[string]any
		json.Unmarshal([]byte(res.body), &act)
		obj, _ := act["object"].(map[string]any)
		if id, _ := act["id"].(string); !strings.HasPrefix(id, s.URL+"/api/activity/") || obj["content"] != text {
			t.Errorf("stored activity %s", res.body)
		}
	}
	for _, u := range []string{feedURL + "?count=2", inboxURL + "?count=2"} {
		res := do(t, s, newSigned(t, "GET", u, nil, c, at, nil))
		res.want(t, 200, `"items"`)
		if err := json.Unmarshal([]byte(res.body), &list); err != nil {
			t.Fatal(err)
		}
		if list.TotalItems != 3 || len(list.Items) != 2 || list.Items[0]["object"].(map[string]any)["content"] != "third" {
			t.Errorf("%s: %s", u, res.body)
		}
	}
	// Anybody signed may read a feed.
	do(t, s, newSigned(t, "GET", feedURL, nil, c, creds{}, nil)).want(t, 200, `"totalItems":3`)
	if got := s.Requests(Feed); got != 5 {
		t.Errorf("Requests(Feed) = %d, want 5", got)
	}
}
