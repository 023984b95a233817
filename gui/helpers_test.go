package gui

import (
	"context"
	"net"
	"strings"
	"sync"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"github.com/pumpconnect/pumpconnect/persist"
	"github.com/pumpconnect/pumpconnect/pumpauth"
	"github.com/pumpconnect/pumpconnect/pumpauth/pumptest"
)

// recordingStore is the real account store (persist.Store on a test app's
// in-memory preferences) that also records the order of the writes and can
// be made to fail them.
type recordingStore struct {
	*persist.Store
	mu       sync.Mutex
	repair   persist.Repair // a Repair to show instead of the store's own
	calls    []string       // "SaveRegistration alice@…", "open", …
	failWith error          // returned by every write when set
}

func newStore(t *testing.T) *recordingStore {
	t.Helper()
	st, err := persist.NewStore(test.NewTempApp(t).Preferences(), "")
	if err != nil {
		t.Fatal(err)
	}
	return &recordingStore{Store: st}
}

// write records call and runs it, unless the store is made to fail.
func (r *recordingStore) write(call string, addr pumpauth.Address, do func() error) error {
	r.mu.Lock()
	r.calls = append(r.calls, call+" "+addr.String())
	fail := r.failWith
	r.mu.Unlock()
	if fail != nil {
		return fail
	}
	return do()
}

func (r *recordingStore) Repair() persist.Repair {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.repair.File || r.repair.SetAside != "" {
		return r.repair
	}
	return r.Store.Repair()
}

func (r *recordingStore) SetCurrent(a pumpauth.Address) error {
	return r.write("SetCurrent", a, func() error { return r.Store.SetCurrent(a) })
}

func (r *recordingStore) SaveRegistration(a pumpauth.Address, c pumpauth.Client, e pumpauth.Endpoints) error {
	return r.write("SaveRegistration", a, func() error { return r.Store.SaveRegistration(a, c, e) })
}

func (r *recordingStore) SaveToken(a pumpauth.Address, t pumpauth.Token, p pumpauth.Profile) error {
	return r.write("SaveToken", a, func() error { return r.Store.SaveToken(a, t, p) })
}

func (r *recordingStore) ClearToken(a pumpauth.Address) error {
	return r.write("ClearToken", a, func() error { return r.Store.ClearToken(a) })
}

func (r *recordingStore) DropToken(a pumpauth.Address, t pumpauth.Token) error {
	return r.write("DropToken", a, func() error { return r.Store.DropToken(a, t) })
}

func (r *recordingStore) ClearClient(a pumpauth.Address) error {
	return r.write("ClearClient", a, func() error { return r.Store.ClearClient(a) })
}

func (r *recordingStore) Forget(a pumpauth.Address) error {
	return r.write("Forget", a, func() error { return r.Store.Forget(a) })
}

// get is the account stored under address (the zero Account when none).
func (r *recordingStore) get(address string) Account {
	a, _ := r.Account(mustAddr(address))
	return a
}

func (r *recordingStore) callLog() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]string(nil), r.calls...)
}

func (r *recordingStore) logOpen() {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.calls = append(r.calls, "open")
}

// mustAddr parses an address the test knows to be right.
func mustAddr(s string) pumpauth.Address {
	a, err := pumpauth.ParseAddress(s)
	if err != nil {
		panic(err)
	}
	return a
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
	store  *recordingStore
	queue  chan func()
	opened chan string // every link given to the browser opener
	raised int         // how often the window asked to come to the front

	mu      sync.Mutex
	browser func(link string) error // what the "browser" does with a link; nil: nothing
}

func newHarness(t *testing.T, store *recordingStore, opts Options) *harness {
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
	h.u.ctl.do = func(f func()) { h.queue <- f }
	h.u.raiseFn = func() { h.raised++ }
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
func connectedStore(t *testing.T, s *pumptest.Server) *recordingStore {
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
	st := newStore(t)
	if err := st.SaveRegistration(p.Address(), p.Client(), p.Endpoints()); err != nil {
		t.Fatal(err)
	}
	if err := st.SaveToken(p.Address(), tok, prof); err != nil {
		t.Fatal(err)
	}
	st.calls = nil
	return st
}

// homeHarness connects alice to s, starts the UI and waits for her home.
func homeHarness(t *testing.T, s *pumptest.Server) (*recordingStore, *harness) {
	t.Helper()
	st := connectedStore(t, s)
	h := newHarness(t, st, Options{})
	h.u.Start()
	h.waitScreen(screenHome)
	return st, h
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// plainAddr parses an address on which plain http is allowed.
func plainAddr(s string) pumpauth.Address {
	a := mustAddr(s)
	a.PlainHTTP = true
	return a
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}
