package pumpauth

import (
	"context"
	"errors"
	"fmt"
	"reflect"
	"strings"
	"testing"

	"github.com/pumpconnect/pumpconnect/pumpauth/pumptest"
)

// approveAs is a VerifierFunc approving as nick in the browser.
func approveAs(t *testing.T, s *pumptest.Server, nick, password string) VerifierFunc {
	return func(ctx context.Context, authorizeURL string) (string, error) {
		a, err := s.Approve(ctx, authorizeURL, nick, password)
		if err != nil {
			t.Errorf("approve as %s: %v", nick, err)
		}
		return a.Verifier, err
	}
}

// "Load older" to the end, on both releases: the pages follow each other
// without gap or repeat, and the end shows as an empty Older (after one
// empty page when the last page was full, as pump.io answers).
func TestInboxPaging(t *testing.T) {
	tests := []struct {
		notes, count int
		pages        [][]string
	}{
		{5, 2, [][]string{{"n5", "n4"}, {"n3", "n2"}, {"n1"}}},
		{4, 2, [][]string{{"n4", "n3"}, {"n2", "n1"}, {}}},
		{3, 20, [][]string{{"n3", "n2", "n1"}}},
		{1, 1, [][]string{{"n1"}}},
		{3, 1, [][]string{{"n3"}, {"n2"}, {"n1"}, {}}},
		{0, 20, [][]string{{}}},
	}
	servers(t, func(t *testing.T, s *pumptest.Server) {
		s.AddUser("bob", "builder", "Bob Builder")
		ctx := context.Background()
		p := newTestPump(t, s, Client{})
		if _, err := p.Authorize(ctx, approveOOB(t, s)); err != nil {
			t.Fatal(err)
		}
		for _, tt := range tests {
			t.Run(fmt.Sprintf("%d notes by %d", tt.notes, tt.count), func(t *testing.T) {
				nick := fmt.Sprintf("u%d-%d", tt.notes, tt.count) // a fresh inbox
				s.AddUser(nick, "pw", "U")
				q := newTestPump(t, s, Client{Webfinger: s.Address(nick), Key: p.Client().Key, Secret: p.Client().Secret},
					WithEndpoints(p.Endpoints()))
				if _, err := q.Authorize(ctx, approveAs(t, s, nick, "pw")); err != nil {
					t.Fatal(err)
				}
				for i := 1; i <= tt.notes; i++ {
					if _, err := s.Deliver(nick, "bob", fmt.Sprintf("n%d", i)); err != nil {
						t.Fatal(err)
					}
				}
				var pages [][]string
				older := ""
				for range 10 {
					c, err := q.InboxBefore(ctx, tt.count, older)
					if err != nil {
						t.Fatalf("InboxBefore(%d, %q): %v", tt.count, older, err)
					}
					if c.TotalItems != tt.notes {
						t.Errorf("TotalItems %d, want %d", c.TotalItems, tt.notes)
					}
					page := []string{}
					for _, a := range c.Items {
						page = append(page, a.Content)
					}
					pages = append(pages, page)
					if older = c.Older; older == "" {
						break
					}
					if last := c.Items[len(c.Items)-1].ID; older != last {
						t.Errorf("Older %q is not the last item %q", older, last)
					}
				}
				if !reflect.DeepEqual(pages, tt.pages) {
					t.Errorf("pages %q, want %q", pages, tt.pages)
				}
			})
		}
		// An id the inbox does not hold (pump.io answers an empty inbox
		// without looking).
		if _, err := s.Deliver(testNick, "bob", "x"); err != nil {
			t.Fatal(err)
		}
		_, err := p.InboxBefore(ctx, 2, s.URL+"/api/activity/gone")
		var re *ResponseError
		if !errors.Is(err, ErrUnknownItem) || !errors.As(err, &re) || re.StatusCode != 400 {
			t.Errorf("unknown before: %v", err)
		}
	})
}

func TestParseCollectionOlder(t *testing.T) {
	item := func(id string) string { return `{"verb":"post","id":"` + id + `"}` }
	tests := []struct {
		name, body string
		older      string
		items      int
	}{
		// Measured shapes (5.1.4 and 6.0 AS1; 6.0 AS2).
		{"AS1 next", `{"items":[` + item("http://h/api/activity/a") + `,` + item("http://h/api/activity/b") + `],"totalItems":9,
			"links":{"first":{"href":"http://h/api/user/alice/inbox"},"self":{"href":"http://h/api/user/alice/inbox"},
			"prev":{"href":"http://h/api/user/alice/inbox?since=http%3A%2F%2Fh%2Fapi%2Factivity%2Fa"},
			"next":{"href":"http://h/api/user/alice/inbox?before=http%3A%2F%2Fh%2Fapi%2Factivity%2Fb"}}}`, "http://h/api/activity/b", 2},
		{"AS1 last page", `{"items":[` + item("a") + `],"totalItems":9,"links":{"prev":{"href":"http://h/i?since=a"}}}`, "", 1},
		{"AS1 empty page", `{"items":[],"totalItems":9,"links":{"first":{"href":"http://h/i"}}}`, "", 0},
		{"AS2 next", `{"type":"OrderedCollection","totalItems":9,"first":{"type":"OrderedCollectionPage","orderedItems":[` +
			`{"type":"Create","id":"http://h/api/activity/a"}],"next":"http://h/i?before=http%3A%2F%2Fh%2Fapi%2Factivity%2Fa"}}`,
			"http://h/api/activity/a", 1},
		{"AS2 empty page", `{"type":"OrderedCollection","totalItems":9,"first":{"id":"http://h/i","type":"OrderedCollectionPage"}}`, "", 0},
		{"AS2 empty stream", `{"type":"OrderedCollection","totalItems":0,"id":"http://h/i"}`, "", 0},
		// Not measured; read as well as can be.
		{"next as a Link object", `{"orderedItems":[{"type":"Create","id":"a"}],"totalItems":2,"next":{"type":"Link","href":"http://h/i?before=a"}}`, "a", 1},
		{"next without before: the last item", `{"items":[` + item("a") + `,` + item("b") + `],"totalItems":5,"links":{"next":{"href":"http://h/i?offset=2"}}}`, "b", 2},
		{"next on another server: only the id is used", `{"items":[` + item("b") + `],"totalItems":5,"links":{"next":{"href":"https://evil.example/i?before=b"}}}`, "b", 1},
		{"absurd id", `{"items":[` + item("b") + `],"totalItems":5,"links":{"next":{"href":"http://h/i?before=` + strings.Repeat("x", 3000) + `"}}}`, "", 1},
		{"next but no items", `{"items":[],"totalItems":5,"links":{"next":{"href":"http://h/i?before=b"}}}`, "", 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, err := parseCollection([]byte(tt.body))
			if err != nil || c.Older != tt.older || len(c.Items) != tt.items {
				t.Errorf("got Older %q, %d items, %v; want %q, %d", c.Older, len(c.Items), err, tt.older, tt.items)
			}
		})
	}
}

// Two accounts of one server share one registration: the second connects
// with the first's client credentials, registers nothing, and both tokens
// keep working (what pump.io 5.1.4 and 6.0 did).
func TestSharedRegistration(t *testing.T) {
	servers(t, func(t *testing.T, s *pumptest.Server) {
		s.AddUser("bob", "builder", "Bob Builder")
		ctx := context.Background()
		alice := newTestPump(t, s, Client{})
		if _, err := alice.Authorize(ctx, approveOOB(t, s)); err != nil {
			t.Fatal(err)
		}
		registered := s.Requests(pumptest.Register)
		shared := alice.Client()
		shared.Webfinger = s.Address("bob")
		bob := newTestPump(t, s, shared, WithEndpoints(alice.Endpoints()))
		if _, err := bob.Authorize(ctx, approveAs(t, s, "bob", "builder")); err != nil {
			t.Fatal(err)
		}
		if s.Requests(pumptest.Register) != registered || bob.Client().Key != alice.Client().Key || bob.Token() == alice.Token() {
			t.Errorf("bob registered again or got alice's token: %d registrations", s.Requests(pumptest.Register)-registered)
		}
		for _, p := range []*Pump{bob, alice} {
			if prof, err := p.Whoami(ctx); err != nil || prof.Address != p.Address().String() {
				t.Errorf("whoami for %s: %+v, %v", p.Address(), prof, err)
			}
		}
	})
}
