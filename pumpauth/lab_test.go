//go:build lab

package pumpauth

// Against a REAL pump.io server (not in CI: pump.io's source is not ours to
// ship). ../shared/pumpio-lab starts one on loopback; then:
//
//	PUMPIO_LAB=http://127.0.0.1:8051 PUMPIO_LAB_APPROVE=../shared/pumpio-lab/approve.sh \
//	PUMPIO_LAB_RESTART='stop.sh … && start.sh …' go test -tags lab -run Lab -v ./pumpauth/
//
// approve.sh is the browser (it logs in as $PUMPIO_USER); PUMPIO_LAB_RESTART,
// when set, restarts the server with an empty database. Each step logs how
// long it took.

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

// countingTransport counts the requests that leave the client.
type countingTransport struct {
	n    atomic.Int64
	next http.RoundTripper
}

func (c *countingTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	c.n.Add(1)
	return c.next.RoundTrip(r)
}

type lab struct {
	t       *testing.T
	base    *url.URL
	approve string
	restart string
	count   *countingTransport
	hc      *http.Client
}

func newLab(t *testing.T) *lab {
	base, approve := os.Getenv("PUMPIO_LAB"), os.Getenv("PUMPIO_LAB_APPROVE")
	if base == "" || approve == "" {
		t.Skip("PUMPIO_LAB and PUMPIO_LAB_APPROVE name a real pump.io server and its scripted browser")
	}
	u, err := url.Parse(base)
	if err != nil {
		t.Fatal(err)
	}
	count := &countingTransport{next: http.DefaultTransport}
	return &lab{t: t, base: u, approve: approve, restart: os.Getenv("PUMPIO_LAB_RESTART"), count: count,
		hc: &http.Client{Transport: count, Timeout: time.Minute}}
}

func (l *lab) address(nick string) string { return nick + "@" + l.base.Host }

// browser returns an open function that approves as user with approve.sh.
func (l *lab) browser(user, pass string) (open func(string), done <-chan error) {
	ch := make(chan error, 1)
	return func(link string) {
		go func() {
			cmd := exec.Command(l.approve, link)
			cmd.Env = append(os.Environ(), "PUMPIO_USER="+user, "PUMPIO_PASS="+pass)
			var stderr bytes.Buffer
			cmd.Stderr = &stderr
			err := cmd.Run()
			if err != nil {
				err = errors.New(err.Error() + ": " + stderr.String())
			}
			ch <- err
		}()
	}, ch
}

// step runs f, logging its time and the requests it sent.
func (l *lab) step(name string, f func() error) {
	l.t.Helper()
	before := l.count.n.Load()
	start := time.Now()
	err := f()
	l.t.Logf("%-44s %8.1f ms  %2d requests  %v", name, float64(time.Since(start).Microseconds())/1000,
		l.count.n.Load()-before, errOrOK(err))
	if err != nil {
		l.t.Fatalf("%s: %v", name, err)
	}
}

func errOrOK(err error) string {
	if err != nil {
		return "FAILED"
	}
	return "ok"
}

func TestLabRealServer(t *testing.T) {
	l := newLab(t)
	ctx := context.Background()
	alice := l.address("alice")

	// First connect: register, approve in the (scripted) browser, whoami.
	p, err := New(Client{Webfinger: alice, Name: "Pump Connect lab"}, WithHTTPClient(l.hc))
	if err != nil {
		t.Fatal(err)
	}
	var tok Token
	l.step("first connect: register + approve + token", func() error {
		open, done := l.browser("alice", "correct-horse-1")
		var err error
		tok, err = p.AuthorizeInBrowser(ctx, open)
		if err != nil {
			return err
		}
		return <-done
	})
	var prof Profile
	l.step("first connect: whoami", func() error {
		prof, err = p.Whoami(ctx)
		return err
	})
	if prof.Address != alice || prof.PreferredUsername != "alice" || prof.DisplayName != "Alice Liddell" {
		t.Fatalf("profile %+v", prof)
	}
	stored, endpoints := p.Client(), p.Endpoints()

	// Reconnect with what an app stores: two requests.
	l.step("reconnect (stored endpoints): whoami", func() error {
		q, err := New(stored, WithHTTPClient(l.hc), WithToken(tok), WithEndpoints(endpoints))
		if err != nil {
			return err
		}
		before := l.count.n.Load()
		if _, err := q.Whoami(ctx); err != nil {
			return err
		}
		if n := l.count.n.Load() - before; n != 2 {
			return errors.New("a reconnect took " + itoa(int(n)) + " requests, want 2")
		}
		return nil
	})

	// Post and read the inbox through the signed client.
	l.step("post a note (HTTPClient)", func() error {
		body := `{"verb":"post","object":{"objectType":"note","content":"from the lab, raw"}}`
		req, _ := http.NewRequestWithContext(ctx, http.MethodPost, endpoints.Base+"/api/user/alice/feed", strings.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
		resp, err := p.HTTPClient().Do(req)
		if err != nil {
			return err
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		if resp.StatusCode != 200 || !json.Valid(b) {
			return errors.New("post: " + resp.Status + ": " + string(b))
		}
		return nil
	})
	l.step("post a note (PostNote)", func() error {
		_, err := p.PostNote(ctx, "from the lab <b>too</b>", Public)
		return err
	})
	l.step("read the inbox (HTTPClient, Accept: application/json)", func() error {
		req, _ := http.NewRequestWithContext(ctx, http.MethodGet, endpoints.Base+"/api/user/alice/inbox?count=5", nil)
		req.Header.Set("Accept", "application/json") // 6.0 answers ActivityStreams 2.0 to this
		resp, err := p.HTTPClient().Do(req)
		if err != nil {
			return err
		}
		b, err := readBody(resp)
		if err != nil {
			return err
		}
		c, err := parseCollection(b)
		if err != nil {
			return err
		}
		t.Logf("  inbox as %s: %d items of %d", resp.Header.Get("Content-Type"), len(c.Items), c.TotalItems)
		if len(c.Items) < 2 || c.Items[0].Content != "from the lab <b>too</b>" {
			return errors.New("the notes are not at the top of the inbox")
		}
		return nil
	})
	l.step("read the inbox (Inbox)", func() error {
		c, err := p.Inbox(ctx, 20)
		if err == nil && (len(c.Items) < 2 || c.Items[1].Content != "from the lab, raw") {
			err = errors.New("the raw note is not second in the inbox")
		}
		return err
	})

	// A second account on the same server reuses alice's registration
	// (measured: pump.io accepts it, and both tokens keep working).
	var bobPump *Pump
	l.step("second account: bob with alice's registration", func() error {
		shared := stored
		shared.Webfinger = l.address("bob")
		var err error
		bobPump, err = New(shared, WithHTTPClient(l.hc), WithEndpoints(endpoints))
		if err != nil {
			return err
		}
		open, done := l.browser("bob", "correct-horse-2")
		if _, err := bobPump.AuthorizeInBrowser(ctx, open); err != nil {
			return err
		}
		if err := <-done; err != nil {
			return err
		}
		if bobPump.Client().Key != stored.Key || bobPump.Token() == tok {
			return errors.New("bob registered again, or got alice's token")
		}
		if who, err := bobPump.Whoami(ctx); err != nil || who.Address != l.address("bob") {
			return errors.New("bob's whoami: " + who.Address + ": " + errString(err))
		}
		if who, err := p.Whoami(ctx); err != nil || who.Address != alice {
			return errors.New("alice's whoami after bob's approval: " + errString(err))
		}
		return nil
	})

	// Paging: bob follows alice, alice posts three notes; bob reads his
	// inbox two at a time.
	l.step("bob follows alice; alice posts 3 notes", func() error {
		body := `{"verb":"follow","object":{"objectType":"person","id":"` + prof.ID + `"}}`
		req, _ := http.NewRequestWithContext(ctx, http.MethodPost, endpoints.Base+"/api/user/bob/feed", strings.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
		resp, err := bobPump.HTTPClient().Do(req)
		if err != nil {
			return err
		}
		if _, err := readBody(resp); err != nil || resp.StatusCode != 200 {
			return errors.New("follow: " + resp.Status)
		}
		for _, n := range []string{"page note 1", "page note 2", "page note 3 <script>x</script>&lt;b&gt;"} {
			if _, err := p.PostNote(ctx, n, Public); err != nil {
				return err
			}
		}
		who, err := p.Whoami(ctx)
		if err == nil && who.Followers < 1 {
			err = errors.New("alice's followers: " + itoa(who.Followers))
		}
		return err
	})
	l.step("bob's inbox: 2, then older pages to the end", func() error {
		c, err := bobPump.Inbox(ctx, 2)
		if err != nil {
			return err
		}
		if len(c.Items) != 2 || PlainText(c.Items[0].Content) != "page note 3 <b>" || c.Items[1].Content != "page note 2" || c.Older != c.Items[1].ID {
			return errors.New("first page: " + pageSummary(c))
		}
		t.Logf("  page 1: %s", pageSummary(c))
		seen := map[string]bool{c.Items[0].ID: true, c.Items[1].ID: true}
		pages, items := 1, 2
		for c.Older != "" && pages < 50 {
			if c, err = bobPump.InboxBefore(ctx, 2, c.Older); err != nil {
				return err
			}
			pages++
			if pages == 2 {
				t.Logf("  page 2: %s", pageSummary(c))
				if len(c.Items) == 0 || c.Items[0].Content != "page note 1" {
					return errors.New("second page: " + pageSummary(c))
				}
			}
			for _, a := range c.Items {
				if seen[a.ID] {
					return errors.New("an item came twice: " + a.ID)
				}
				seen[a.ID] = true
			}
			items += len(c.Items)
		}
		t.Logf("  %d pages, %d items of %d; last page %d items", pages, items, c.TotalItems, len(c.Items))
		if c.Older != "" || items != c.TotalItems {
			return errors.New("did not reach the end: " + itoa(items) + " of " + itoa(c.TotalItems))
		}
		return nil
	})
	l.step("an unknown before id: ErrUnknownItem", func() error {
		if _, err := bobPump.InboxBefore(ctx, 2, endpoints.Base+"/api/activity/no-such-activity"); !errors.Is(err, ErrUnknownItem) {
			return errors.New("want ErrUnknownItem, got " + errString(err))
		}
		return nil
	})

	// Wrong account: bob's address, the browser logs in as alice.
	l.step("wrong account: bob asked, alice approves", func() error {
		b, err := New(Client{Webfinger: l.address("bob"), Name: "Pump Connect lab"}, WithHTTPClient(l.hc))
		if err != nil {
			return err
		}
		open, done := l.browser("alice", "correct-horse-1")
		if _, err := b.AuthorizeInBrowser(ctx, open); err != nil {
			return err
		}
		if err := <-done; err != nil {
			return err
		}
		who, err := b.Whoami(ctx)
		if !errors.Is(err, ErrWrongAccount) || who.Address != alice {
			return errors.New("want ErrWrongAccount naming alice, got " + who.Address + ": " + errString(err))
		}
		return nil
	})

	// Non-canonical host name: localhost for a server that calls itself 127.0.0.1.
	if l.base.Hostname() == "127.0.0.1" {
		l.step("localhost address: moves to the server's name", func() error {
			q, err := New(Client{Webfinger: "alice@localhost:" + l.base.Port(), Name: "Pump Connect lab"}, WithHTTPClient(l.hc))
			if err != nil {
				return err
			}
			if _, err := q.Register(ctx); err != nil {
				return err
			}
			if q.Address().String() != alice {
				return errors.New("address " + q.Address().String())
			}
			return nil
		})
	}

	if l.restart == "" {
		t.Log("PUMPIO_LAB_RESTART not set: the wiped-database steps are skipped")
		return
	}
	l.step("server restarted with an empty database", func() error {
		out, err := exec.Command("bash", "-c", l.restart).CombinedOutput()
		if err != nil {
			return errors.New(err.Error() + ": " + string(out))
		}
		return nil
	})
	l.step("after the wipe: reconnect says token rejected", func() error {
		q, _ := New(stored, WithHTTPClient(l.hc), WithToken(tok), WithEndpoints(endpoints))
		if _, err := q.Whoami(ctx); !errors.Is(err, ErrTokenRejected) {
			return errors.New("want ErrTokenRejected, got " + errString(err))
		}
		return nil
	})
	l.step("after the wipe: approve again → client rejected", func() error {
		q, _ := New(stored, WithHTTPClient(l.hc), WithEndpoints(endpoints))
		open, _ := l.browser("alice", "correct-horse-1")
		if _, err := q.AuthorizeInBrowser(ctx, open); !errors.Is(err, ErrClientRejected) {
			return errors.New("want ErrClientRejected, got " + errString(err))
		}
		return nil
	})
	l.step("after the wipe: register again + approve + whoami", func() error {
		fresh := stored
		fresh.Key, fresh.Secret = "", ""
		q, _ := New(fresh, WithHTTPClient(l.hc), WithEndpoints(endpoints))
		open, done := l.browser("alice", "correct-horse-1")
		if _, err := q.AuthorizeInBrowser(ctx, open); err != nil {
			return err
		}
		if err := <-done; err != nil {
			return err
		}
		_, err := q.Whoami(ctx)
		return err
	})
}

// pageSummary lists a page's contents as plain text, for the log.
func pageSummary(c Collection) string {
	var parts []string
	for _, a := range c.Items {
		parts = append(parts, a.Verb+" "+strconv.Quote(PlainText(a.Content)))
	}
	return "[" + strings.Join(parts, ", ") + "] older=" + strconv.Quote(c.Older)
}

func errString(err error) string {
	if err == nil {
		return "no error"
	}
	return err.Error()
}
