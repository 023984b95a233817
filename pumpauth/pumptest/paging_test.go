package pumptest

import (
	"encoding/json"
	"net/url"
	"reflect"
	"strings"
	"testing"
	"time"
)

// Paging, held to what pump.io 5.1.4 and 6.0 answered (measured on both, the
// same): the parameters, the links, and the 400 answers for bad input.
func TestCollectionPaging(t *testing.T) {
	s := NewServer()
	defer s.Close()
	s.AddUser("bob", "builder", "Bob Builder")
	c := register(t, s, "App")
	at := login(t, s, c, "alice", "wonderland")
	ids := map[string]string{} // note content → activity id
	for _, n := range []string{"n1", "n2", "n3", "n4", "n5"} {
		id, err := s.Deliver("alice", "bob", n)
		if err != nil {
			t.Fatal(err)
		}
		ids[n] = id
	}
	inbox := s.URL + "/api/user/alice/inbox"
	q := url.QueryEscape
	link := func(param, note string) string {
		if note == "" {
			return ""
		}
		return inbox + "?" + param + "=" + encodeURIComponent(ids[note])
	}
	tests := []struct {
		name, query string
		status      int
		items       []string // contents, newest first
		prev, next  string   // the note the link's since/before names; "" no link
		errMsg      string
	}{
		{"newest", "", 200, []string{"n5", "n4", "n3", "n2", "n1"}, "n5", "", ""},
		{"count=2", "count=2", 200, []string{"n5", "n4"}, "n5", "n4", ""},
		{"offset page at the end", "count=2&offset=3", 200, []string{"n2", "n1"}, "n2", "", ""},
		{"offset past the end", "offset=9", 200, []string{}, "", "", ""},
		{"before", "count=2&before=" + q(ids["n4"]), 200, []string{"n3", "n2"}, "n3", "n2", ""},
		// A full before page has a next link even when the stream ends with it…
		{"before, full to the end", "count=2&before=" + q(ids["n3"]), 200, []string{"n2", "n1"}, "n2", "n1", ""},
		// …which leads to an empty page without links.
		{"before the oldest", "count=2&before=" + q(ids["n1"]), 200, []string{}, "", "", ""},
		{"before, short page", "count=3&before=" + q(ids["n3"]), 200, []string{"n2", "n1"}, "n2", "", ""},
		{"before without count", "before=" + q(ids["n5"]), 200, []string{"n4", "n3", "n2", "n1"}, "n4", "", ""},
		{"before is trimmed", "count=1&before=" + q(" "+ids["n5"]+" "), 200, []string{"n4"}, "n4", "n4", ""},
		{"since", "count=2&since=" + q(ids["n2"]), 200, []string{"n4", "n3"}, "n4", "n3", ""},
		{"since the newest", "since=" + q(ids["n5"]), 200, []string{}, "", "", ""},
		{"count=0", "count=0", 200, []string{}, "", "", ""},
		{"count=+2", "count=%2B2", 200, []string{"n5", "n4"}, "n5", "n4", ""},
		{"count=200", "count=200", 200, []string{"n5", "n4", "n3", "n2", "n1"}, "n5", "", ""},
		{"count=201", "count=201", 400, nil, "", "", "Count must be between 0 and 200"},
		{"count=-1", "count=-1", 400, nil, "", "", "Count must be between 0 and 200"},
		{"count=abc", "count=abc", 400, nil, "", "", "Count must be between 0 and 200"},
		{"count=02", "count=02", 400, nil, "", "", "Count must be between 0 and 200"},
		{"count empty", "count=", 400, nil, "", "", "Count must be between 0 and 200"},
		{"unknown before", "before=" + q(s.URL+"/api/activity/nonexistent"), 400, nil, "", "",
			"id '" + s.URL + "/api/activity/nonexistent' not found in stream 'user:alice:inbox'"},
		{"unknown since", "since=x", 400, nil, "", "", "id 'x' not found in stream 'user:alice:inbox'"},
		{"empty before", "before=", 400, nil, "", "", " is null"},
		{"empty since", "since=", 400, nil, "", "", " is null"},
		{"before and since", "before=x&since=y", 400, nil, "", "", "Can't have both 'before' and 'since' parameters"},
		{"before and offset", "before=x&offset=1", 400, nil, "", "", "Can't have both 'before' and 'offset' parameters"},
		{"since and offset", "since=x&offset=1", 400, nil, "", "", "Can't have both 'since' and 'offset' parameters"},
		{"bad offset", "offset=-1", 400, nil, "", "", "Offset must be an integer greater than or equal to zero"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			u := inbox
			if tt.query != "" {
				u += "?" + tt.query
			}
			res := do(t, s, newSigned(t, "GET", u, nil, c, at, nil))
			if res.status != tt.status {
				t.Fatalf("status %d, want %d: %s", res.status, tt.status, res.body)
			}
			if tt.status != 200 {
				var e struct{ Error string }
				if err := json.Unmarshal([]byte(res.body), &e); err != nil || e.Error != tt.errMsg {
					t.Fatalf("body %s, want error %q", res.body, tt.errMsg)
				}
				return
			}
			var got struct {
				Items []struct {
					Object struct{ Content string }
				}
				Links      map[string]struct{ Href string }
				TotalItems int
			}
			if err := json.Unmarshal([]byte(res.body), &got); err != nil {
				t.Fatal(err)
			}
			contents := []string{}
			for _, it := range got.Items {
				contents = append(contents, it.Object.Content)
			}
			if !reflect.DeepEqual(contents, tt.items) || got.TotalItems != 5 {
				t.Errorf("items %q of %d, want %q of 5", contents, got.TotalItems, tt.items)
			}
			if !strings.Contains(res.body, `"items":[`) {
				t.Errorf("items is not a list (pump.io sends [] for an empty page): %s", res.body)
			}
			if got.Links["first"].Href != inbox || got.Links["self"].Href != inbox {
				t.Errorf("links first/self %+v", got.Links)
			}
			if h := got.Links["prev"].Href; h != link("since", tt.prev) {
				t.Errorf("prev %q, want %q", h, link("since", tt.prev))
			}
			if h := got.Links["next"].Href; h != link("before", tt.next) {
				t.Errorf("next %q, want %q", h, link("before", tt.next))
			}
		})
	}
	// An empty stream answers any before or since id without an error.
	bt := login(t, s, c, "bob", "builder")
	s.mu.Lock()
	s.users["bob"].inbox = nil
	s.mu.Unlock()
	do(t, s, newSigned(t, "GET", s.URL+"/api/user/bob/inbox?before=x", nil, c, bt, nil)).want(t, 200, `"items":[]`)
}

// In ActivityStreams 2.0 (6.0), as measured: the page under first, with next
// and prev as bare URLs; an empty page has no orderedItems; an empty stream no first.
func TestCollectionPagingAS2(t *testing.T) {
	s := NewServer()
	defer s.Close()
	s.SetVersion(Version60)
	s.AddUser("bob", "builder", "Bob Builder")
	c := register(t, s, "App")
	at := login(t, s, c, "alice", "wonderland")
	inbox := s.URL + "/api/user/alice/inbox"
	get := func(query string) map[string]any {
		t.Helper()
		r := newSigned(t, "GET", inbox+query, nil, c, at, nil)
		r.Header.Set("Accept", "application/json")
		res := do(t, s, r)
		if res.status != 200 || !strings.HasPrefix(res.header.Get("Content-Type"), "application/ld+json") {
			t.Fatalf("%s: %d %s", query, res.status, res.header.Get("Content-Type"))
		}
		var v map[string]any
		if err := json.Unmarshal([]byte(res.body), &v); err != nil {
			t.Fatal(err)
		}
		return v
	}
	if v := get(""); v["first"] != nil || v["totalItems"] != float64(0) {
		t.Errorf("empty stream: %v", v)
	}
	var ids []string
	for _, n := range []string{"n1", "n2", "n3"} {
		id, err := s.Deliver("alice", "bob", n)
		if err != nil {
			t.Fatal(err)
		}
		ids = append(ids, id)
	}
	first, _ := get("?count=2")["first"].(map[string]any)
	items, _ := first["orderedItems"].([]any)
	if len(items) != 2 || first["id"] != inbox || first["type"] != "OrderedCollectionPage" ||
		first["next"] != inbox+"?before="+encodeURIComponent(ids[1]) || first["prev"] != inbox+"?since="+encodeURIComponent(ids[2]) {
		t.Errorf("first page: %v", first)
	}
	empty, _ := get("?since=" + url.QueryEscape(ids[2]))["first"].(map[string]any)
	if _, ok := empty["orderedItems"]; ok || empty["id"] != inbox || empty["next"] != nil || empty["prev"] != nil {
		t.Errorf("empty page: %v", empty)
	}
}

// Two accounts of one server share one registration (measured on 5.1.4 and
// 6.0: one client_id, a token for alice and one for bob, both usable, in
// either order), and each token reads only its own inbox.
func TestSharedRegistration(t *testing.T) {
	s := NewServer()
	defer s.Close()
	s.AddUser("bob", "builder", "Bob Builder")
	c := register(t, s, "App")
	alice := login(t, s, c, "alice", "wonderland")
	bob := login(t, s, c, "bob", "builder")
	if alice.key == bob.key || s.Clients() != 1 {
		t.Fatalf("tokens %q %q, %d clients", alice.key, bob.key, s.Clients())
	}
	for _, tt := range []struct {
		tok  creds
		nick string
	}{{alice, "alice"}, {bob, "bob"}, {alice, "alice"}} {
		res := do(t, s, newSigned(t, "GET", s.URL+"/api/whoami", nil, c, tt.tok, nil))
		if res.status != 302 || res.header.Get("Location") != s.URL+"/api/user/"+tt.nick+"/profile" {
			t.Errorf("whoami for %s: %d %q", tt.nick, res.status, res.header.Get("Location"))
		}
	}
	do(t, s, newSigned(t, "GET", s.URL+"/api/user/alice/inbox", nil, c, bob, nil)).want(t, 401, "Not authorized")
	do(t, s, newSigned(t, "GET", s.URL+"/api/user/bob/inbox", nil, c, bob, nil)).want(t, 200, `"totalItems":0`)
}

func TestDeliverAndFollowCounts(t *testing.T) {
	s := NewServer()
	defer s.Close()
	s.AddUser("bob", "builder", "Bob Builder")
	if _, err := s.Deliver("alice", "nobody", "x"); err == nil {
		t.Error("Deliver from an unknown user: no error")
	}
	if err := s.SetFollowCounts("nobody", 1, 1); err == nil {
		t.Error("SetFollowCounts of an unknown user: no error")
	}
	hostile := `<p>hi <script>alert(1)</script><a href="javascript:x">y</a></p>`
	for _, content := range []string{"one", hostile} {
		if _, err := s.Deliver("alice", "bob", content); err != nil {
			t.Fatal(err)
		}
	}
	if err := s.SetFollowCounts("alice", 7, -3); err != nil {
		t.Fatal(err)
	}
	c := register(t, s, "App")
	at := login(t, s, c, "alice", "wonderland")
	var inbox struct {
		Items []struct {
			Verb, Published string
			Actor           struct{ PreferredUsername, ID string }
			Object          struct{ ObjectType, Content string }
			To              []struct{ ID string }
		}
	}
	res := do(t, s, newSigned(t, "GET", s.URL+"/api/user/alice/inbox", nil, c, at, nil))
	if err := json.Unmarshal([]byte(res.body), &inbox); err != nil || len(inbox.Items) != 2 {
		t.Fatalf("inbox %s, %v", res.body, err)
	}
	newest, older := inbox.Items[0], inbox.Items[1]
	if newest.Verb != "post" || newest.Actor.PreferredUsername != "bob" || newest.Actor.ID != s.URL+"/api/user/bob/profile" ||
		newest.Object.ObjectType != "note" || newest.Object.Content != hostile || older.Object.Content != "one" ||
		len(newest.To) != 1 || newest.To[0].ID != "http://activityschema.org/collection/public" {
		t.Errorf("inbox items %+v", inbox.Items)
	}
	// Delivered within a second or two, still in order.
	t1, err1 := time.Parse(time.RFC3339, newest.Published)
	t0, err0 := time.Parse(time.RFC3339, older.Published)
	if err0 != nil || err1 != nil || !t1.After(t0) {
		t.Errorf("published %q, then %q: want increasing", older.Published, newest.Published)
	}
	// The note is in bob's feed and inbox too, as pump.io puts it.
	do(t, s, newSigned(t, "GET", s.URL+"/api/user/bob/feed", nil, c, creds{}, nil)).want(t, 200, `"totalItems":2`)
	var p struct{ Followers, Following struct{ TotalItems int } }
	res = do(t, s, newSigned(t, "GET", s.URL+"/api/user/alice/profile", nil, c, at, nil))
	if err := json.Unmarshal([]byte(res.body), &p); err != nil || p.Followers.TotalItems != 7 || p.Following.TotalItems != 0 {
		t.Errorf("profile counts %+v, %v", p, err)
	}
}
