package gui

import (
	"context"
	"image"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/lang"

	"github.com/pumpconnect/pumpconnect/pumpauth"
)

// screens is what the controller asks of the window: show this, with these
// data. *UI implements it with its leaf views. UI goroutine only.
type screens interface {
	showAddress(typed string, plainHTTP bool, problem string)
	showProgress(title, text string)
	setProgressText(text string)
	showApprove(addr pumpauth.Address, link string)
	browserFailed()
	showCode(addr pumpauth.Address)
	codeReady(link, problem string, codes chan<- string)
	showHome(addr pumpauth.Address, prof pumpauth.Profile)
	homeAgain()
	setAvatar(img image.Image)
	inboxLoading(older bool)
	showInbox(items []pumpauth.Activity, older bool, next string)
	inboxFailed(msg string, older bool)
	olderCursor() string
	notePosting()
	notePosted(act pumpauth.Activity, audience pumpauth.Audience)
	postFailed(msg string)
	showAccounts(entries []accountEntry, home bool)
	setAccountState(address string, st accountState)
	setAccountAvatar(address string, img image.Image)
	showProblem(p problem)
	raise()
}

// controller runs the flows: it talks to the store and to pumpauth, and
// tells the screens what to show. It holds no widget. Network work runs in
// goroutines; their results come back through do (fyne.Do) and count only
// while their attempt is the current one.
type controller struct {
	store AccountStore
	opts  Options
	view  screens
	do    func(func()) // runs a function on the UI goroutine (fyne.Do; tests queue)

	root context.Context // cancelled when the window closes
	stop context.CancelFunc
	cur  *attempt     // what runs now; nil when idle
	home *homeSession // the account home showing (or behind the switcher); nil when none

	// avatars are the pictures loaded in this run, by address: one per
	// stored account at most, dropped when the account is forgotten.
	avatars map[string]image.Image
	// checks are the account switcher's findings of this run, by address.
	checks map[string]accountState
}

func newController(store AccountStore, opts Options, view screens) *controller {
	c := &controller{store: store, opts: opts, view: view, do: fyne.Do,
		avatars: map[string]image.Image{}, checks: map[string]accountState{}}
	c.root, c.stop = context.WithCancel(context.Background())
	return c
}

// begin cancels what runs and starts a new attempt on addr. UI goroutine.
func (c *controller) begin(addr pumpauth.Address, retry func()) *attempt {
	c.abort()
	ctx, cancel := context.WithCancel(c.root)
	c.cur = &attempt{addr: addr, ctx: ctx, cancel: cancel, retry: retry}
	return c.cur
}

// abort cancels what runs, and leaves the account home. UI goroutine.
func (c *controller) abort() {
	if c.cur != nil {
		c.cur.cancel()
		c.cur = nil
	}
	c.leaveHome()
}

// close cancels everything, for good: the window closed.
func (c *controller) close() {
	c.abort()
	c.stop()
}

// post runs f on the UI goroutine if a is still the current attempt.
func (c *controller) post(a *attempt, f func()) {
	c.do(func() {
		if c.cur != a || a.done() {
			return
		}
		f()
	})
}

// pinnedHTTPS reports whether the stored account at addr connected over
// https. Its scheme is then pinned: the Pumps built for it never fall back
// to plain http (pumpauth.WithPinnedScheme), whatever its stored
// plain-HTTP choice says, and the address screen never shows Allow plain
// HTTP ticked for it. Only the person, ticking that box for a connect,
// moves it to plain http.
func (c *controller) pinnedHTTPS(addr pumpauth.Address) bool {
	acct, ok := c.store.Account(addr)
	return ok && accountOnHTTPS(acct)
}

// accountOnHTTPS reports whether a stored account's server was reached over https.
func accountOnHTTPS(acct Account) bool {
	return pumpauth.IsHTTPS(acct.Endpoints.Base) || pumpauth.IsHTTPS(acct.BaseURL)
}

// storedOptions are the pumpauth options for a stored account: its
// endpoints, and the https pin when it connected over https.
func storedOptions(acct Account) []pumpauth.Option {
	opts := []pumpauth.Option{pumpauth.WithEndpoints(acct.Endpoints)}
	if accountOnHTTPS(acct) {
		opts = append(opts, pumpauth.WithPinnedScheme("https"))
	}
	return opts
}

// storedPump is a connection for a stored, connected account: its
// registration, its endpoints, its https pin (storedOptions) and its token.
func (c *controller) storedPump(acct Account) (*pumpauth.Pump, error) {
	return c.newPump(acct.Client(c.opts.AppName), acct.Addr(), append(storedOptions(acct), pumpauth.WithToken(acct.PumpToken()))...)
}

// plainChoice is whether the address screen shows Allow plain HTTP ticked
// for addr when want says so: never for an account pinned to https.
func (c *controller) plainChoice(addr pumpauth.Address, want bool) bool {
	return want && !c.pinnedHTTPS(addr)
}

// newPump prepares a pumpauth connection for addr with the app's options.
func (c *controller) newPump(cl pumpauth.Client, addr pumpauth.Address, extra ...pumpauth.Option) (*pumpauth.Pump, error) {
	cl.Webfinger, cl.Name = addr.String(), c.opts.AppName
	var opts []pumpauth.Option
	if c.opts.HTTPClient != nil {
		opts = append(opts, pumpauth.WithHTTPClient(c.opts.HTTPClient))
	}
	if addr.PlainHTTP {
		opts = append(opts, pumpauth.WithPlainHTTP())
	}
	opts = append(opts, c.opts.PumpOptions...)
	opts = append(opts, extra...)
	return pumpauth.New(cl, opts...)
}

// start shows the first screen: with a stored current account it
// reconnects in the background, otherwise it asks for the address.
func (c *controller) start() {
	acct, ok := c.store.Current()
	switch {
	case ok && acct.HasToken():
		c.reconnect(acct)
	case ok:
		c.view.showAddress(acct.Address, c.plainChoice(acct.Addr(), acct.PlainHTTP), "")
	default:
		c.view.showAddress(c.opts.DemoAddress, false, "")
	}
}

// back leaves whatever runs for the address screen, addr typed in.
func (c *controller) back(addr pumpauth.Address) {
	chosen := c.cur != nil && c.cur.plainChosen
	c.abort()
	c.view.showAddress(addr.String(), chosen || c.plainChoice(addr, addr.PlainHTTP), "")
}

// anotherAccount shows the empty address screen.
func (c *controller) anotherAccount() {
	c.abort()
	c.view.showAddress("", false, "")
}

// openSaved reconnects a stored account, or connects it again when it has
// no permission yet. It returns a message when the store cannot be written.
func (c *controller) openSaved(acct Account) string {
	// The list that offered it may be older than the store: the switcher's
	// check may have dropped a rejected token since.
	if stored, ok := c.store.Account(acct.Addr()); ok {
		acct = stored
	}
	if !acct.HasToken() {
		c.connectSaved(acct.Addr())
		return ""
	}
	if err := c.store.SetCurrent(acct.Addr()); err != nil {
		return Explain(storeError(err))
	}
	c.reconnect(acct)
	return ""
}

// forget removes the account. Forgetting another account than the one
// the home shows keeps the home and refreshes the switcher; otherwise the
// address screen follows.
func (c *controller) forget(addr pumpauth.Address) {
	other := c.home != nil && c.home.addr != addr
	if !other {
		c.abort()
	}
	if err := c.store.Forget(addr); err != nil {
		c.abort()
		c.view.showProblem(problem{
			title:       lang.L("Pump Connect couldn't forget this account"),
			err:         storeError(err),
			primary:     lang.L("Retry"),
			onPrimary:   func() { c.forget(addr) },
			secondary:   lang.L("Back"),
			onSecondary: c.anotherAccount,
		})
		return
	}
	delete(c.avatars, addr.String())
	delete(c.checks, addr.String())
	if other {
		c.showAccounts()
		return
	}
	c.view.showAddress("", false, "")
}
