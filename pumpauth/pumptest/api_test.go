package pumptest

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"
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

// The API's error answers, held exactly (status, Content-Type, body,
// WWW-Authenticate) to what pump.io 5.1.4 and 6.0 send, as measured on both
// (../shared/PUMPIO.md): the same on every endpoint that needs a token.
func TestAPIErrors(t *testing.T) {
	s := NewServer()
	defer s.Close()
	s.AddUser("bob", "builder", "Bob")
	c := register(t, s, "App")
	at := login(t, s, c, "alice", "wonderland")
	bob := login(t, s, c, "bob", "builder")
	const (
		plain = "text/plain"
		js    = "application/json; charset=utf-8"
	)
	type answer struct {
		status      int
		contentType string
		body        string
		wwwAuth     bool
	}
	var (
		notLoggedIn   = answer{401, js, `{"error":"Not logged in."}`, false}
		expiredToken  = answer{400, plain, "Invalid / expired Token", true}
		usedNonce     = answer{401, plain, "Invalid / used nonce", true}
		badSignature  = answer{400, plain, "Invalid signature", true}
		missingParam  = answer{400, plain, "Missing required parameter", true}
		notAuthorized = answer{401, js, `{"error":"Not authorized"}`, false}
	)
	cases := []struct {
		name     string
		consumer creds
		token    creds
		signed   bool
		want     answer
	}{
		{"unsigned", creds{}, creds{}, false, notLoggedIn},
		{"unknown token", c, creds{"nope", "x"}, true, expiredToken},
		{"unknown client, known token", creds{"nope", "x"}, at, true, usedNonce},
		{"unknown client and token (a wiped server)", creds{"nope", "x"}, creds{"nope", "x"}, true, expiredToken},
		{"wrong token secret", c, creds{at.key, "x"}, true, badSignature},
		{"wrong client secret", creds{c.key, "x"}, at, true, badSignature},
	}
	endpoints := []struct {
		name, url    string
		clientOnly   answer // signed with client credentials alone
		bobsAnswer   answer // bob's token on alice's resource
		bobIsWelcome bool
	}{
		{"whoami", s.URL + "/api/whoami", missingParam, answer{}, true},
		{"inbox", s.URL + "/api/user/alice/inbox", missingParam, notAuthorized, false},
	}
	check := func(t *testing.T, res result, want answer) {
		t.Helper()
		if res.status != want.status || res.body != want.body || res.header.Get("Content-Type") != want.contentType {
			t.Errorf("got %d %q %q, want %d %q %q", res.status, res.header.Get("Content-Type"), res.body,
				want.status, want.contentType, want.body)
		}
		if got := res.header.Get("WWW-Authenticate") == `OAuth realm="OAuth"`; got != want.wwwAuth {
			t.Errorf("WWW-Authenticate = %q", res.header.Get("WWW-Authenticate"))
		}
	}
	for _, ep := range endpoints {
		for _, tc := range cases {
			t.Run(ep.name+"/"+tc.name, func(t *testing.T) {
				r, _ := http.NewRequest("GET", ep.url, nil)
				if tc.signed {
					r = newSigned(t, "GET", ep.url, nil, tc.consumer, tc.token, nil)
				}
				check(t, do(t, s, r), tc.want)
			})
		}
		t.Run(ep.name+"/client only", func(t *testing.T) {
			check(t, do(t, s, newSigned(t, "GET", ep.url, nil, c, creds{}, nil)), ep.clientOnly)
		})
		if !ep.bobIsWelcome {
			t.Run(ep.name+"/another user's token", func(t *testing.T) {
				check(t, do(t, s, newSigned(t, "GET", ep.url, nil, c, bob, nil)), ep.bobsAnswer)
			})
		}
	}
	// The profile needs a client, not a user; its errors are the same otherwise.
	profile := s.URL + "/api/user/alice/profile"
	check(t, do(t, s, newSigned(t, "GET", profile, nil, c, creds{"nope", "x"}, nil)), expiredToken)
	check(t, do(t, s, newSigned(t, "GET", profile, nil, creds{c.key, "x"}, at, nil)), badSignature)

	// Posting.
	for name, tt := range map[string]struct {
		req  *http.Request
		want answer
	}{
		"post to someone else's feed": {newSignedJSON(t, "POST", s.URL+"/api/user/bob/feed", `{"verb":"post","object":{"objectType":"note"}}`, c, at), notAuthorized},
		"post client only":            {newSignedJSON(t, "POST", s.URL+"/api/user/alice/feed", `{"verb":"post","object":{"objectType":"note"}}`, c, creds{}), missingParam},
	} {
		t.Run(name, func(t *testing.T) { check(t, do(t, s, tt.req), tt.want) })
	}
	for name, r := range map[string]*http.Request{
		"post without object": newSignedJSON(t, "POST", s.URL+"/api/user/alice/feed", `{"verb":"post"}`, c, at),
		"bad count":           newSigned(t, "GET", s.URL+"/api/user/alice/feed?count=x", nil, c, at, nil),
	} {
		t.Run(name, func(t *testing.T) { do(t, s, r).want(t, 400, `"error"`) })
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

func TestPublishedNowIncreases(t *testing.T) {
	clock := time.Date(2026, 1, 2, 3, 4, 5, 600, time.UTC)
	s := &Server{now: func() time.Time { return clock }}
	want := []string{"03:04:05", "03:04:06", "03:04:07"}
	for _, w := range want {
		if got := s.publishedNow().Format("15:04:05"); got != w {
			t.Errorf("publishedNow() = %s, want %s", got, w)
		}
	}
	clock = clock.Add(time.Hour)
	if got := s.publishedNow().Format("15:04:05"); got != "04:04:05" {
		t.Errorf("after the clock moved on: %s", got)
	}
}
