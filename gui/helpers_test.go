package gui

import (
	"context"
	"errors"
	"net"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"github.com/pumpconnect/pumpconnect/pumpauth"
	"github.com/pumpconnect/pumpconnect/pumpauth/pumptest"
)

// fakeStore is an in-memory AccountStore that records the order of calls.
type fakeStore struct {
	mu       sync.Mutex
	accounts map[string]Account
	current  string
	notice   string
	calls    []string // "SaveRegistration alice@…", "open", …
	failWith error    // returned by every write when set
}

func newFakeStore() *fakeStore { return &fakeStore{accounts: map[string]Account{}} }

func (f *fakeStore) record(call string) {
	f.calls = append(f.calls, call)
}

func (f *fakeStore) Notice() string { f.mu.Lock(); defer f.mu.Unlock(); return f.notice }

func (f *fakeStore) Accounts() []Account {
	f.mu.Lock()
	defer f.mu.Unlock()
	var out []Account
	for _, a := range f.accounts {
		out = append(out, a)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Address < out[j].Address })
	return out
}

func (f *fakeStore) Account(address string) (Account, bool) {
	f.mu.Lock()
	defer f.mu.Unlock()
	a, ok := f.accounts[address]
	return a, ok
}

func (f *fakeStore) Current() (Account, bool) {
	f.mu.Lock()
	defer f.mu.Unlock()
	a, ok := f.accounts[f.current]
	return a, ok
}

func (f *fakeStore) SetCurrent(address string) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.record("SetCurrent " + address)
	if f.failWith != nil {
		return f.failWith
	}
	if _, ok := f.accounts[address]; !ok {
		return errors.New("no such account")
	}
	f.current = address
	return nil
}

func (f *fakeStore) SaveRegistration(address string, c pumpauth.Client, e pumpauth.Endpoints, plainHTTP bool) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.record("SaveRegistration " + address)
	if f.failWith != nil {
		return f.failWith
	}
	a := f.accounts[address]
	if a.ClientKey != c.Key {
		a.Token, a.TokenSecret = "", ""
	}
	a.Address, a.PlainHTTP = address, plainHTTP
	if !e.IsZero() {
		a.Endpoints, a.BaseURL = e, e.Base
	}
	a.ClientKey, a.ClientSecret, a.ClientExpiresAt = c.Key, c.Secret, c.ExpiresAt
	f.accounts[address] = a
	return nil
}

func (f *fakeStore) SaveToken(address string, t pumpauth.Token, p pumpauth.Profile) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.record("SaveToken " + address)
	if f.failWith != nil {
		return f.failWith
	}
	a, ok := f.accounts[address]
	if !ok || a.ClientKey == "" {
		return errors.New("not registered")
	}
	a.Token, a.TokenSecret = t.Token, t.Secret
	a.DisplayName, a.AvatarURL, a.ConnectedAt = p.DisplayName, p.ImageURL, time.Now()
	f.accounts[address] = a
	f.current = address
	return nil
}

func (f *fakeStore) ClearToken(address string) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.record("ClearToken " + address)
	a := f.accounts[address]
	a.Token, a.TokenSecret = "", ""
	f.accounts[address] = a
	return nil
}

func (f *fakeStore) ClearClient(address string) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.record("ClearClient " + address)
	a := f.accounts[address]
	a.ClientKey, a.ClientSecret, a.ClientExpiresAt, a.Token, a.TokenSecret = "", "", time.Time{}, "", ""
	f.accounts[address] = a
	return nil
}

func (f *fakeStore) Forget(address string) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.record("Forget " + address)
	if f.failWith != nil {
		return f.failWith
	}
	delete(f.accounts, address)
	if f.current == address {
		f.current = ""
	}
	return nil
}

func (f *fakeStore) get(address string) Account {
	a, _ := f.Account(address)
	return a
}

func (f *fakeStore) callLog() []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]string(nil), f.calls...)
}

func (f *fakeStore) logOpen() {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.record("open")
}

// harness is a UI on the test driver. The test goroutine is the UI
// goroutine: the flows' results queue up and run only inside eventually,
// as the real event loop would run them, so the race detector sees no
// concurrent widget access.
type harness struct {
	t      *testing.T
	app    fyne.App
	w      fyne.Window
	u      *UI
	store  *fakeStore
	queue  chan func()
	opened chan string // every link given to the browser opener
	raised int         // how often the window asked to come to the front

	mu      sync.Mutex
	browser func(link string) error // what the "browser" does with a link; nil: nothing
}

func newHarness(t *testing.T, store *fakeStore, opts Options) *harness {
	t.Helper()
	a := test.NewTempApp(t)
	w := a.NewWindow("Pump Connect")
	h := &harness{t: t, app: a, w: w, store: store, queue: make(chan func(), 1000), opened: make(chan string, 100)}
	opts.OpenURL = func(link string) error {
		store.logOpen()
		h.opened <- link
		h.mu.Lock()
		b := h.browser
		h.mu.Unlock()
		if b != nil {
			return b(link)
		}
		return nil
	}
	if opts.PumpOptions == nil {
		opts.PumpOptions = []pumpauth.Option{pumpauth.WithTimeout(5 * time.Second)}
	}
	h.u = New(a, w, store, opts)
	h.u.do = func(f func()) { h.queue <- f }
	h.u.raise = func() { h.raised++ }
	t.Cleanup(func() {
		h.u.Close() // what closing the window does (a test may have closed it already)
		h.drain()
	})
	return h
}

// setBrowser says what the fake browser does when a link is opened.
func (h *harness) setBrowser(b func(link string) error) {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.browser = b
}

// approvingBrowser logs in as alice and presses Authorize, as a person would.
func approvingBrowser(t *testing.T, s *pumptest.Server) func(string) error {
	return func(link string) error {
		a, err := s.Approve(context.Background(), link, pumptest.DefaultNick, pumptest.DefaultPassword)
		if err != nil {
			t.Errorf("browser: %v", err)
		} else if a.CallbackStatus != 200 {
			t.Errorf("browser: callback answered %d", a.CallbackStatus)
		}
		return nil
	}
}

// drain runs what the flows have posted so far.
func (h *harness) drain() {
	for {
		select {
		case f := <-h.queue:
			f()
		default:
			return
		}
	}
}

// eventually runs the posted UI work until cond holds, failing after a deadline.
func (h *harness) eventually(what string, cond func() bool) {
	h.t.Helper()
	deadline := time.NewTimer(10 * time.Second)
	defer deadline.Stop()
	tick := time.NewTicker(5 * time.Millisecond)
	defer tick.Stop()
	for {
		h.drain()
		if cond() {
			return
		}
		select {
		case f := <-h.queue:
			f()
		case <-tick.C:
		case <-deadline.C:
			h.t.Fatalf("timed out waiting for %s; screen %q showing %q", what, h.u.screen, h.screenText())
		}
	}
}

// waitScreen waits until the named screen shows.
func (h *harness) waitScreen(name string) {
	h.t.Helper()
	h.eventually("screen "+name, func() bool { return h.u.screen == name })
}

// screenText is the visible text of the current screen, for failure messages.
func (h *harness) screenText() string {
	var b []string
	for _, o := range test.LaidOutObjects(h.u.body) {
		if l, ok := o.(*widget.Label); ok && l.Visible() && l.Text != "" {
			b = append(b, l.Text)
		}
	}
	return strings.Join(b, " | ")
}

// submitAddress types address and presses Enter.
func (h *harness) submitAddress(address string) {
	h.t.Helper()
	e := h.u.address.entry
	e.SetText("")
	test.Type(e, address)
	e.TypedKey(&fyne.KeyEvent{Name: fyne.KeyReturn})
}

// nextLink waits for the next link given to the browser opener.
func (h *harness) nextLink() string {
	h.t.Helper()
	var link string
	h.eventually("the browser to open", func() bool {
		select {
		case link = <-h.opened:
			return true
		default:
			return false
		}
	})
	return link
}

// closedPort is a loopback address nobody listens on.
func closedPort(t *testing.T) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close()
	return addr
}

func newServer(t *testing.T) *pumptest.Server {
	s := pumptest.NewServer()
	t.Cleanup(s.Close)
	return s
}

// connectedStore is a store with alice connected on s, made without the GUI.
func connectedStore(t *testing.T, s *pumptest.Server) *fakeStore {
	t.Helper()
	ctx := context.Background()
	addr := s.Address("alice")
	p, err := pumpauth.New(pumpauth.Client{Webfinger: addr, Name: "Pump Connect"})
	if err != nil {
		t.Fatal(err)
	}
	tok, err := p.Authorize(ctx, func(ctx context.Context, link string) (string, error) {
		a, err := s.Approve(ctx, link, "alice", "wonderland")
		return a.Verifier, err
	})
	if err != nil {
		t.Fatal(err)
	}
	prof, err := p.Whoami(ctx)
	if err != nil {
		t.Fatal(err)
	}
	st := newFakeStore()
	if err := st.SaveRegistration(addr, p.Client(), p.Endpoints(), false); err != nil {
		t.Fatal(err)
	}
	if err := st.SaveToken(addr, tok, prof); err != nil {
		t.Fatal(err)
	}
	st.calls = nil
	return st
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

func count(list []string, s string) int {
	n := 0
	for _, x := range list {
		if x == s {
			n++
		}
	}
	return n
}
