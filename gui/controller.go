package gui

import (
	"context"
	"errors"
	"image"

	"fyne.io/fyne/v2"

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
	showConnected(addr pumpauth.Address, prof pumpauth.Profile)
	setAvatar(img image.Image)
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
	cur  *attempt // what runs now; nil when idle
}

func newController(store AccountStore, opts Options, view screens) *controller {
	c := &controller{store: store, opts: opts, view: view, do: fyne.Do}
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

// abort cancels what runs. UI goroutine.
func (c *controller) abort() {
	if c.cur != nil {
		c.cur.cancel()
		c.cur = nil
	}
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
		c.view.showAddress(acct.Address, acct.PlainHTTP, "")
	default:
		c.view.showAddress(c.opts.DemoAddress, false, "")
	}
}

// back leaves whatever runs for the address screen, addr typed in.
func (c *controller) back(addr pumpauth.Address) {
	c.abort()
	c.view.showAddress(addr.String(), addr.PlainHTTP, "")
}

// connect runs the whole flow for addr: register (reusing a stored
// registration), approve in the browser, check who approved, save.
func (c *controller) connect(addr pumpauth.Address) {
	a := c.begin(addr, func() { c.connect(addr) })
	c.view.showProgress("Connecting to "+addr.HostPort(), "Contacting "+addr.HostPort()+"…")
	go c.runConnect(a)
}

func (c *controller) runConnect(a *attempt) {
	if err := c.registered(a, false); err != nil {
		c.fail(a, err)
		return
	}
	tok, err := c.authorizeInBrowser(a)
	if errors.Is(err, pumpauth.ErrClientRejected) && !a.done() {
		if err = c.registerAgain(a); err == nil {
			tok, err = c.authorizeInBrowser(a)
		}
	}
	if err != nil {
		c.fail(a, err)
		return
	}
	c.post(a, func() {
		c.view.raise()
		c.view.showProgress("Approved", "Finishing…")
	})
	c.complete(a, tok)
}

// registered makes sure the app is registered on a's server and saves the
// registration before anything else happens, under the server's own name
// for the account (it may differ from what was typed; a.addr follows it).
// fresh ignores a stored registration.
func (c *controller) registered(a *attempt, fresh bool) error {
	var cl pumpauth.Client
	var opts []pumpauth.Option
	if acct, ok := c.store.Account(a.addr); ok && !fresh && acct.HasClient() {
		cl = acct.Client(c.opts.AppName)
		opts = append(opts, pumpauth.WithEndpoints(acct.Endpoints))
	}
	p, err := c.newPump(cl, a.addr, opts...)
	if err != nil {
		return err
	}
	got, err := p.Register(a.ctx)
	if err != nil {
		return err
	}
	a.pump, a.addr = p, p.Address()
	if err := c.store.SaveRegistration(a.addr, got, p.Endpoints()); err != nil {
		return storeError(err)
	}
	return nil
}

// registerAgain is the one cure for a server that no longer knows the app
// (its database was reset): forget the registration, register anew. Nothing
// the person made is lost, and the screen says nothing of the kind.
func (c *controller) registerAgain(a *attempt) error {
	c.post(a, func() { c.view.setProgressText(settingUpAgain) })
	if err := c.store.ClearClient(a.addr); err != nil {
		return storeError(err)
	}
	return c.registered(a, true)
}

// settingUpAgain is what the progress screen says while the app registers
// again on a server that no longer knows it.
const settingUpAgain = "Setting up Pump Connect on the server again…"

// authorizeInBrowser opens the authorize page and waits for the loopback callback.
func (c *controller) authorizeInBrowser(a *attempt) (pumpauth.Token, error) {
	return a.pump.AuthorizeInBrowser(a.ctx, func(link string) {
		c.post(a, func() { c.view.showApprove(a.addr, link) })
		open := c.opts.OpenURL
		go func() {
			if err := open(link); err != nil {
				c.post(a, c.view.browserFailed)
			}
		}()
	})
}

// complete asks who the token belongs to, saves it and shows Connected.
// A token of another account than a.addr is never saved under a.addr.
func (c *controller) complete(a *attempt, tok pumpauth.Token) {
	prof, err := a.pump.Whoami(a.ctx)
	if errors.Is(err, pumpauth.ErrWrongAccount) {
		c.post(a, func() { c.showWrongAccount(a, tok, prof) })
		return
	}
	if err != nil {
		c.fail(a, err)
		return
	}
	if err := c.store.SaveToken(a.addr, tok, prof); err != nil {
		c.fail(a, storeError(err))
		return
	}
	if err := c.store.SetCurrent(a.addr); err != nil {
		c.fail(a, storeError(err))
		return
	}
	c.post(a, func() { c.showConnected(a.addr, prof, a.pump) })
}

// fail shows err with Retry and Change address, unless a was cancelled.
// When only a different address (or setting) can help, Change address is
// the default action; otherwise Retry is.
func (c *controller) fail(a *attempt, err error) {
	if a.done() {
		return
	}
	change := func() {
		c.abort()
		c.view.showAddress(a.addr.String(), a.addr.PlainHTTP || errors.Is(err, pumpauth.ErrHTTPSUnavailable), "")
	}
	pr := problem{
		title:   "Pump Connect couldn't connect to " + a.addr.HostPort(),
		text:    explainFor(a.addr, err),
		err:     err,
		primary: "Retry", onPrimary: a.retry,
		secondary: "Change address", onSecondary: change,
		onEscape: change, // Escape goes back, never retries
	}
	if needsNewAddress(err) {
		pr.primary, pr.onPrimary, pr.secondary, pr.onSecondary = "Change address", change, "Retry", a.retry
	}
	c.post(a, func() { c.view.showProblem(pr) })
}

// needsNewAddress reports errors that retrying the same address cannot cure.
func needsNewAddress(err error) bool {
	for _, target := range []error{pumpauth.ErrUnknownUser, pumpauth.ErrNotPumpServer,
		pumpauth.ErrHTTPSUnavailable, pumpauth.ErrCertificate, pumpauth.ErrInvalidWebfinger} {
		if errors.Is(err, target) {
			return true
		}
	}
	return false
}

// enterCode switches the current attempt to the copy-paste flow: the
// loopback flow is cancelled (its listener closes) and the oob flow runs.
func (c *controller) enterCode(from *attempt) {
	a := c.begin(from.addr, nil)
	a.pump = from.pump
	a.retry = func() { c.enterCode(a) }
	c.view.showCode(a.addr)
	go c.runCode(a)
}

func (c *controller) runCode(a *attempt) {
	refused := ""
	reregistered := false
	for {
		tok, err := a.pump.Authorize(a.ctx, func(ctx context.Context, link string) (string, error) {
			codes := make(chan string, 1)
			msg := refused
			c.post(a, func() { c.view.codeReady(link, msg, codes) })
			select {
			case code := <-codes:
				return code, nil
			case <-ctx.Done():
				return "", ctx.Err()
			}
		})
		switch {
		case err == nil:
			c.post(a, func() { c.view.showProgress("Approved", "Finishing…") })
			c.complete(a, tok)
			return
		case a.done():
			return
		case errors.Is(err, pumpauth.ErrVerifierRejected):
			// The request token may be spent: ask for a new link, and say why.
			refused = codeRefused
		case errors.Is(err, pumpauth.ErrNoVerifier):
			refused = Explain(err)
		case errors.Is(err, pumpauth.ErrClientRejected) && !reregistered:
			reregistered = true
			if err := c.registerAgain(a); err != nil {
				c.fail(a, err)
				return
			}
		default:
			c.fail(a, err)
			return
		}
	}
}

// reconnect checks a stored account with whoami (two requests with the
// stored endpoints) and shows Connected. UI goroutine.
func (c *controller) reconnect(acct Account) {
	addr := acct.Addr()
	a := c.begin(addr, func() { c.reconnect(acct) })
	who := acct.Address
	if acct.DisplayName != "" {
		who = acct.DisplayName + " (" + acct.Address + ")"
	}
	c.view.showProgress("Welcome back", "Reconnecting as "+who+"…")
	go c.runReconnect(a, acct)
}

func (c *controller) runReconnect(a *attempt, acct Account) {
	// start runs before the window's first frame: wait until the event loop
	// runs (fyne.DoAndWait returns only then), so nothing but reading the
	// preferences happens before the window shows.
	fyne.DoAndWait(func() {})
	p, err := c.newPump(acct.Client(c.opts.AppName), a.addr,
		pumpauth.WithToken(acct.PumpToken()), pumpauth.WithEndpoints(acct.Endpoints))
	var prof pumpauth.Profile
	if err == nil {
		a.pump = p
		prof, err = p.Whoami(a.ctx)
	}
	switch {
	case a.done():
		return
	case err == nil:
		// Refresh the stored name and avatar (and the endpoints, when they
		// had to be found again); the account works either way.
		if e := p.Endpoints(); e != acct.Endpoints {
			_ = c.store.SaveRegistration(a.addr, p.Client(), e)
		}
		_ = c.store.SaveToken(a.addr, acct.PumpToken(), prof)
		c.post(a, func() { c.showConnected(a.addr, prof, p) })
	case errors.Is(err, pumpauth.ErrWrongAccount):
		// Stored by an earlier version under the wrong address: the token
		// is someone else's. Offer to keep it under the right one.
		c.post(a, func() { c.showWrongAccount(a, acct.PumpToken(), prof) })
	case errors.Is(err, pumpauth.ErrTokenRejected):
		// The token is dead; the registration may still be good (if not, the
		// request-token step says so and registerAgain cures it).
		if err := c.store.ClearToken(a.addr); err != nil {
			c.failReconnect(a, storeError(err))
			return
		}
		c.post(a, func() {
			c.askPermissionAgain(a, "The server no longer accepts the permission you gave Pump Connect for "+a.addr.String()+
				". Press Reconnect and approve again in your browser; it takes a moment.", err)
		})
	case errors.Is(err, pumpauth.ErrClientRejected):
		if rerr := c.registerAgain(a); rerr != nil {
			c.fail(a, rerr)
			return
		}
		c.post(a, func() {
			c.askPermissionAgain(a, a.addr.HostPort()+" needs your approval for Pump Connect once more. Press Reconnect and approve in your browser; it takes a moment.", err)
		})
	default:
		// Unreachable, timeout, certificate…: keep everything, offer Retry.
		c.failReconnect(a, err)
	}
}

// failReconnect explains a failed reconnect; the account stays stored.
func (c *controller) failReconnect(a *attempt, err error) {
	c.post(a, func() {
		c.view.showProblem(problem{
			title:       "Pump Connect couldn't reach " + a.addr.HostPort(),
			text:        explainFor(a.addr, err) + " Your account stays saved on this computer.",
			err:         err,
			primary:     "Retry",
			onPrimary:   a.retry,
			secondary:   "Use another account",
			onSecondary: c.anotherAccount,
		})
	})
}

// askPermissionAgain offers to approve again with the stored registration.
func (c *controller) askPermissionAgain(a *attempt, text string, err error) {
	addr := a.addr
	c.view.showProblem(problem{
		title:       "Pump Connect needs your permission again",
		text:        text,
		err:         err,
		primary:     "Reconnect",
		onPrimary:   func() { c.connect(addr) },
		secondary:   "Use another account",
		onSecondary: c.anotherAccount,
	})
}

// anotherAccount shows the empty address screen.
func (c *controller) anotherAccount() {
	c.abort()
	c.view.showAddress("", false, "")
}

// openSaved reconnects a stored account, or connects it again when it has
// no permission yet. It returns a message when the store cannot be written.
func (c *controller) openSaved(acct Account) string {
	if !acct.HasToken() {
		c.connect(acct.Addr())
		return ""
	}
	if err := c.store.SetCurrent(acct.Addr()); err != nil {
		return Explain(storeError(err))
	}
	c.reconnect(acct)
	return ""
}

// forget removes the account and goes back to the address screen.
func (c *controller) forget(addr pumpauth.Address) {
	c.abort()
	if err := c.store.Forget(addr); err != nil {
		c.view.showProblem(problem{
			title:       "Pump Connect couldn't forget this account",
			err:         storeError(err),
			primary:     "Retry",
			onPrimary:   func() { c.forget(addr) },
			secondary:   "Back",
			onSecondary: c.anotherAccount,
		})
		return
	}
	c.view.showAddress("", false, "")
}

// showConnected shows who is connected and loads the avatar, if the
// profile has one, in the background.
func (c *controller) showConnected(addr pumpauth.Address, prof pumpauth.Profile, p *pumpauth.Pump) {
	c.view.showConnected(addr, prof)
	if prof.ImageURL != "" {
		a := c.begin(addr, nil)
		a.pump = p
		go c.loadAvatar(a, prof.ImageURL)
	} else {
		c.abort()
	}
}

// maxAvatar bounds the avatar download.
const maxAvatar = 2 << 20

// loadAvatar fetches the profile picture and shows it; on any failure the
// placeholder stays (a missing picture is not worth an error).
func (c *controller) loadAvatar(a *attempt, link string) {
	img, err := fetchImage(a.ctx, avatarClient(a.pump, c.opts.HTTPClient, link), link, maxAvatar)
	if err != nil {
		if !a.done() {
			fyne.LogError("could not load the avatar", err)
		}
		return
	}
	c.post(a, func() { c.view.setAvatar(img) })
}
