package gui

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/pumpconnect/pumpconnect/pumpauth"
	"github.com/pumpconnect/pumpconnect/pumpauth/pumptest"
)

// inboxTexts are the texts of the inbox's rows, top to bottom: each row's
// headline and content joined by " | ".
func (h *harness) inboxTexts() []string {
	var rows []string
	for _, row := range h.u.home.inbox.rows.Objects {
		var parts []string
		for _, o := range test.LaidOutObjects(row) {
			// The time (a caption) changes with the clock: left out.
			if l, ok := o.(*widget.Label); ok && l.Text != "" && l.SizeName != theme.SizeNameCaptionText {
				parts = append(parts, l.Text)
			}
		}
		rows = append(rows, strings.Join(parts, " | "))
	}
	return rows
}

// waitInbox waits until the inbox has settled (not loading).
func (h *harness) waitInbox() {
	h.t.Helper()
	h.eventually("the inbox", func() bool { return h.u.ctl.home != nil && !h.u.ctl.home.loading })
}

// openHome starts the window on alice, connected on s, whose inbox holds
// notes "note 1" … "note N" from bob, and waits for the inbox.
func openHome(t *testing.T, s *pumptest.Server, notes int) *harness {
	t.Helper()
	if notes > 0 {
		s.AddUser("bob", "builder", "Bob Builder")
	}
	for i := 1; i <= notes; i++ {
		deliver(t, s, "alice", "bob", fmt.Sprintf("note %d", i))
	}
	h := newHarness(t, connectedStore(t, s), Options{})
	h.u.Start()
	h.waitScreen(screenHome)
	h.waitInbox()
	return h
}

func deliver(t *testing.T, s *pumptest.Server, to, from, html string) string {
	t.Helper()
	id, err := s.Deliver(to, from, html)
	if err != nil {
		t.Fatal(err)
	}
	return id
}

// The home shows who is connected with the follow counts, and the inbox
// after it: other people's HTML as plain text, newest first.
func TestHome_ShowsProfileAndInboxAsText(t *testing.T) {
	s := newServer(t)
	s.AddUser("bob", "builder", "Bob Builder")
	must(t, s.SetFollowCounts("alice", 3, 1))
	deliver(t, s, "alice", "bob", `<p>Hello <b>Alice</b> &amp; friends &lt;script&gt;</p><script>alert(1)</script>`)
	deliver(t, s, "alice", "bob", `See <a href="https://example.org/x">this page</a><img src=x onerror="alert(2)">`)
	_, h := homeHarness(t, s)
	h.waitInbox()

	if got, want := h.u.home.who.Text, "Connected as Alice Example ("+s.Address("alice")+")"; got != want {
		t.Errorf("who %q, want %q", got, want)
	}
	if got := h.u.home.counts.Text; got != "3 followers · 1 following" {
		t.Errorf("counts %q", got)
	}
	want := []string{
		"Bob Builder posted a note | See this page (https://example.org/x)",
		"Bob Builder posted a note | Hello Alice & friends <script>",
	}
	got := h.inboxTexts()
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("inbox rows\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	if h.u.home.inbox.older.Visible() {
		t.Error("Load older shown although the inbox has only two activities")
	}
}

// The inbox loads after the home shows: a slow server leaves the window
// working, saying the inbox is on its way.
func TestHome_SlowInboxDoesNotHoldTheHome(t *testing.T) {
	s := newServer(t)
	st := connectedStore(t, s)
	arrived := make(chan pumptest.Endpoint, 1)
	s.SetFault(pumptest.Inbox, pumptest.Fault{Delay: time.Minute, Arrived: arrived})
	h := newHarness(t, st, Options{})
	h.u.Start()
	h.waitScreen(screenHome)
	h.eventually("the inbox request", func() bool { return len(arrived) > 0 })
	if got := h.u.home.inbox.state.Text; got != "Loading your inbox…" || !h.u.home.inbox.state.Visible() {
		t.Errorf("state %q", got)
	}
	if h.u.home.postButton.Disabled() {
		t.Error("the post box waits for the inbox")
	}
	// Closing the window cancels the request.
	session := h.u.ctl.home
	h.u.Close()
	if !session.done() || h.u.ctl.home != nil {
		t.Error("closing the window left the inbox loading")
	}
}

// An inbox that fails says why in words, with Retry; Retry loads it.
func TestHome_InboxErrorAndRetry(t *testing.T) {
	s := newServer(t)
	st := connectedStore(t, s)
	s.AddUser("bob", "builder", "Bob Builder")
	deliver(t, s, "alice", "bob", "first")
	s.SetFault(pumptest.Inbox, pumptest.Fault{Status: 500})
	h := newHarness(t, st, Options{})
	h.u.Start()
	h.waitScreen(screenHome)
	h.waitInbox()
	in := h.u.home.inbox
	if !in.retry.Visible() || in.state.Importance != widget.DangerImportance || !strings.Contains(in.state.Text, "server") {
		t.Fatalf("after a 500: retry %v state %q", in.retry.Visible(), in.state.Text)
	}
	s.ClearFaults()
	test.Tap(in.retry)
	h.waitInbox()
	if got := h.inboxTexts(); len(got) != 1 || got[0] != "Bob Builder posted a note | first" || in.retry.Visible() || in.state.Visible() {
		t.Errorf("after Retry: rows %q retry %v state %q", got, in.retry.Visible(), in.state.Text)
	}
}

// Load older adds the next page below, until the server has no more.
func TestHome_LoadOlder(t *testing.T) {
	h := openHome(t, newServer(t), inboxPage+5)
	in := h.u.home.inbox
	rows := h.inboxTexts()
	if len(rows) != inboxPage || rows[0] != fmt.Sprintf("Bob Builder posted a note | note %d", inboxPage+5) || !in.older.Visible() {
		t.Fatalf("first page: %d rows, first %q, older shown %v", len(rows), rows[0], in.older.Visible())
	}
	in.older.TypedKey(&fyne.KeyEvent{Name: fyne.KeyReturn}) // the keyboard presses it as well
	h.waitInbox()
	rows = h.inboxTexts()
	if len(rows) != inboxPage+5 || rows[len(rows)-1] != "Bob Builder posted a note | note 1" {
		t.Fatalf("after Load older: %d rows, last %q", len(rows), rows[len(rows)-1])
	}
	if in.older.Visible() {
		t.Error("Load older still shown at the end of the inbox")
	}
	for i, r := range rows {
		if want := fmt.Sprintf("Bob Builder posted a note | note %d", inboxPage+5-i); r != want {
			t.Fatalf("row %d %q, want %q", i, r, want)
		}
	}
}

// A note typed in the box goes out with Ctrl+Enter as the person wrote it
// (what looks like markup stays text), to the audience chosen, and shows
// at the top of the inbox with a link to its page.
func TestHome_PostNote(t *testing.T) {
	s := newServer(t)
	h := openHome(t, s, 0)
	home := h.u.home
	if h.w.Canvas().Focused() != home.note {
		t.Errorf("the keyboard is on %T, not the post box", h.w.Canvas().Focused())
	}
	test.Type(home.note, "a <b> & c ¿qué? Grüße ✓")
	home.note.TypedKey(&fyne.KeyEvent{Name: fyne.KeyReturn}) // Enter: a new line, not a post
	test.Type(home.note, "line 2")
	if s.Requests(pumptest.Feed) != 0 {
		t.Fatal("Enter posted the note")
	}
	home.audience.SetSelected(home.audienceFollowers)
	home.note.TypedShortcut(&desktop.CustomShortcut{KeyName: fyne.KeyReturn, Modifier: fyne.KeyModifierControl})
	h.eventually("the note to be posted", func() bool { return home.openPosted.Visible() })

	if home.note.Text != "" || home.postStatus.Text != "Posted for the people who follow you." {
		t.Errorf("after posting: box %q status %q", home.note.Text, home.postStatus.Text)
	}
	rows := h.inboxTexts()
	if len(rows) == 0 || rows[0] != "Alice Example posted a note | a <b> & c ¿qué? Grüße ✓\nline 2" {
		t.Fatalf("top row %q", rows)
	}
	// What the server stored: the text escaped, the line break kept, for the followers.
	c, err := h.u.ctl.home.pump.Inbox(context.Background(), 1)
	if err != nil || len(c.Items) != 1 {
		t.Fatalf("inbox %v %v", c, err)
	}
	if got := c.Items[0].Content; got != "a &lt;b&gt; &amp; c ¿qué? Grüße ✓<br>\nline 2" {
		t.Errorf("stored content %q", got)
	}
	test.Tap(home.openPosted)
	if link := h.nextLink(); link != c.Items[0].URL || !strings.HasPrefix(link, s.URL) {
		t.Errorf("opened %q, want the note's page %q", link, c.Items[0].URL)
	}
}

// A note that cannot be posted stays in the box, with the reason; an
// empty note is not sent.
func TestHome_PostFailureKeepsTheNote(t *testing.T) {
	s := newServer(t)
	_, h := homeHarness(t, s)
	home := h.u.home
	test.Type(home.note, "   ")
	test.Tap(home.postButton)
	if s.Requests(pumptest.Feed) != 0 || home.postStatus.Text != "Write something first." {
		t.Fatalf("an empty note: requests %d status %q", s.Requests(pumptest.Feed), home.postStatus.Text)
	}
	home.note.SetText("keep me")
	s.SetFault(pumptest.Feed, pumptest.Fault{Status: 503})
	test.Tap(home.postButton)
	h.eventually("the failure", func() bool { return home.postStatus.Importance == widget.DangerImportance })
	if home.note.Text != "keep me" || home.postButton.Disabled() || home.openPosted.Visible() {
		t.Errorf("after a failure: box %q post disabled %v", home.note.Text, home.postButton.Disabled())
	}
	home.note.SetText(strings.Repeat("x", maxNote+1))
	test.Tap(home.postButton)
	if !strings.Contains(home.postStatus.Text, "5001 characters") || s.Requests(pumptest.Feed) != 1 {
		t.Errorf("too long: %q, %d requests", home.postStatus.Text, s.Requests(pumptest.Feed))
	}
}

// approveAs is a browser that logs in as nick and approves.
func approveAs(t *testing.T, s *pumptest.Server, nick, password string) func(string) error {
	return func(link string) error {
		a, err := s.Approve(context.Background(), link, nick, password)
		if err != nil || a.CallbackStatus != 200 {
			t.Errorf("browser as %s: %v (callback %d)", nick, err, a.CallbackStatus)
		}
		return nil
	}
}

// switcherRows are the switcher's rows as "address: state".
func (h *harness) switcherRows() []string {
	var out []string
	for _, acct := range h.store.Accounts() {
		if r, ok := h.u.switcher.rows[acct.Address]; ok {
			out = append(out, acct.Address+": "+r.state.Text)
		}
	}
	return out
}

// A second account on the same server reuses the app's registration
// there; the switcher lists both and opens either.
func TestAccounts_SecondAccountOnOneServer(t *testing.T) {
	s := newServer(t)
	s.AddUser("bob", "builder", "Bob Builder")
	st, h := homeHarness(t, s)
	alice, bob := s.Address("alice"), s.Address("bob")
	clients := s.Clients()

	test.Tap(h.u.home.switchB)
	if h.u.screen != screenAccounts {
		t.Fatalf("screen %q", h.u.screen)
	}
	test.Tap(h.u.switcher.another)
	h.setBrowser(approveAs(t, s, "bob", "builder"))
	h.submitAddress(bob)
	h.eventually("bob's home", func() bool { return h.u.screen == screenHome && h.u.home.addr.String() == bob })
	if s.Clients() != clients {
		t.Errorf("the app registered again on the same server: %d clients, was %d", s.Clients(), clients)
	}
	if a, b := st.get(alice), st.get(bob); a.ClientKey != b.ClientKey || !b.HasToken() || a.Token == b.Token {
		t.Errorf("alice and bob: keys %v, bob has a token %v, tokens differ %v", a.ClientKey == b.ClientKey, b.HasToken(), a.Token != b.Token)
	}

	test.Tap(h.u.home.switchB)
	h.eventually("the checks", func() bool {
		return strings.Join(h.switcherRows(), "\n") == alice+": Connected\n"+bob+": Connected — showing now"
	})
	h.u.switcher.rows[alice].open.TypedKey(&fyne.KeyEvent{Name: fyne.KeyReturn})
	h.eventually("alice's home", func() bool { return h.u.screen == screenHome && h.u.home.addr.String() == alice })
	if cur, _ := st.Current(); cur.Address != alice {
		t.Errorf("current %q", cur.Address)
	}
}

// A token the server rejects on one account asks for permission again on
// that account only: the other stays connected, and its home works.
func TestAccounts_RejectedTokenOnOneAccountOnly(t *testing.T) {
	s1, s2 := newServer(t), newServer(t)
	st := connectedStore(t, s1)
	st2 := connectedStore(t, s2)
	other := st2.get(s2.Address("alice"))
	must(t, st.SaveRegistration(other.Addr(), other.Client("Pump Connect"), other.Endpoints))
	must(t, st.SaveToken(other.Addr(), other.PumpToken(), pumpauth.Profile{DisplayName: "Alice Elsewhere"}))
	home, away := s1.Address("alice"), s2.Address("alice")
	must(t, st.SetCurrent(mustAddr(home)))
	s2.RevokeTokens()

	h := newHarness(t, st, Options{})
	h.u.Start()
	h.waitScreen(screenHome)
	test.Tap(h.u.home.switchB)
	h.eventually("the checks", func() bool {
		rows := h.switcherRows()
		return len(rows) == 2 && contains(rows, home+": Connected — showing now") && contains(rows, away+": Needs your permission again")
	})
	if st.get(away).HasToken() || !st.get(home).HasToken() {
		t.Errorf("tokens: %s %v, %s %v", home, st.get(home).HasToken(), away, st.get(away).HasToken())
	}
	if got := h.u.switcher.rows[away].open.Text; got != "Reconnect" {
		t.Errorf("the rejected account's button says %q", got)
	}
	// Reconnect goes straight to the browser: the row's account was read
	// before its token was dropped, but the store's is used.
	approvals := s2.Requests(pumptest.RequestToken)
	test.Tap(h.u.switcher.rows[away].open)
	h.eventually("the approval", func() bool { return s2.Requests(pumptest.RequestToken) > approvals })
	if h.u.screen == screenProblem {
		t.Fatalf("Reconnect asked again first: %q", h.screenText())
	}
	h.u.ctl.abort()
	h.u.ctl.reconnect(st.get(home))
	h.waitScreen(screenHome)
	test.Tap(h.u.home.switchB)
	// Back (Escape) is the home as it was, still working.
	h.u.switcher.back.TypedKey(&fyne.KeyEvent{Name: fyne.KeyEscape})
	if h.u.screen != screenHome || h.u.home.addr.String() != home {
		t.Fatalf("Escape: screen %q on %s", h.u.screen, h.u.home.addr)
	}
	test.Tap(h.u.home.inbox.refresh)
	h.waitInbox()
	if h.u.home.inbox.retry.Visible() {
		t.Errorf("the connected account's inbox fails: %q", h.u.home.inbox.state.Text)
	}
}

// A token rejected while the home is in use asks for permission again.
func TestHome_TokenRejectedAsksAgain(t *testing.T) {
	s := newServer(t)
	h := openHome(t, s, 0)
	st := h.store
	s.RevokeTokens()
	test.Tap(h.u.home.inbox.refresh)
	h.waitScreen(screenProblem)
	if h.u.problem.title.Text != "Pump Connect needs your permission again" || st.get(s.Address("alice")).HasToken() {
		t.Errorf("title %q; token kept %v", h.u.problem.title.Text, st.get(s.Address("alice")).HasToken())
	}
}

// Forgetting another account from the switcher keeps the home; the
// confirmation says what forgetting does and does not do.
func TestAccounts_ForgetAnother(t *testing.T) {
	s := newServer(t)
	s.AddUser("bob", "builder", "Bob Builder")
	st := connectedStore(t, s)
	alice, bob := s.Address("alice"), s.Address("bob")
	must(t, st.SaveRegistration(mustAddr(bob), pumpauth.Client{Key: "k", Secret: "s"}, pumpauth.Endpoints{}))
	must(t, st.SetCurrent(mustAddr(alice)))
	h := newHarness(t, st, Options{})
	h.u.Start()
	h.waitScreen(screenHome)
	test.Tap(h.u.home.switchB)
	test.Tap(h.u.switcher.rows[bob].forget)
	var text string
	var forget *keyButton
	for _, o := range test.LaidOutObjects(h.w.Canvas().Overlays().Top()) {
		switch x := o.(type) {
		case *widget.Label:
			text += x.Text
		case *keyButton:
			if x.Text == "Forget" {
				forget = x
			}
		}
	}
	for _, says := range []string{"forget the keys", bob, "no way for an app to give it back", "no page where you could remove Pump Connect"} {
		if !strings.Contains(text, says) {
			t.Errorf("the confirmation does not say %q: %q", says, text)
		}
	}
	test.Tap(forget)
	if _, ok := st.Account(mustAddr(bob)); ok {
		t.Fatal("bob not forgotten")
	}
	if h.u.screen != screenAccounts || len(h.switcherRows()) != 1 {
		t.Errorf("screen %q rows %q", h.u.screen, h.switcherRows())
	}
	h.u.switcher.back.TypedKey(&fyne.KeyEvent{Name: fyne.KeyEscape})
	if h.u.screen != screenHome || h.u.home.addr.String() != alice {
		t.Errorf("back: %q %s", h.u.screen, h.u.home.addr)
	}
}
