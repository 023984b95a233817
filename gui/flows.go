package gui

import (
	"context"
	"errors"

	"fyne.io/fyne/v2"

	"github.com/pumpconnect/pumpconnect/pumpauth"
)

// The flows run in goroutines. They call the store and pumpauth directly
// and reach the screens only through u.post.

// newPump prepares a pumpauth connection with the UI's options.
func (u *UI) newPump(c pumpauth.Client, plainHTTP bool, extra ...pumpauth.Option) (*pumpauth.Pump, error) {
	var opts []pumpauth.Option
	if u.opts.HTTPClient != nil {
		opts = append(opts, pumpauth.WithHTTPClient(u.opts.HTTPClient))
	}
	if plainHTTP {
		opts = append(opts, pumpauth.WithPlainHTTP())
	}
	opts = append(opts, u.opts.PumpOptions...)
	opts = append(opts, extra...)
	return pumpauth.New(c, opts...)
}

// connect runs the whole flow for address: register (reusing a stored
// registration), approve in the browser, save. UI goroutine.
func (u *UI) connect(address string, plainHTTP bool) {
	o := u.begin()
	u.showProgress("Connecting to "+hostOf(address), "Contacting "+hostOf(address)+"…", func() {
		u.showAddress(address, plainHTTP, "")
	})
	go u.runConnect(o, address, plainHTTP)
}

func (u *UI) runConnect(o *operation, address string, plainHTTP bool) {
	retry := func() { u.connect(address, plainHTTP) }
	p, err := u.registered(o.ctx, address, plainHTTP, false)
	if err != nil {
		u.fail(o, address, plainHTTP, err, retry)
		return
	}
	address = p.Address() // the server's own name for itself, if it redirected there
	tok, err := u.authorizeInBrowser(o, p, address, plainHTTP)
	if errors.Is(err, pumpauth.ErrClientRejected) && o.ctx.Err() == nil {
		// The server no longer knows our registration (its database was
		// reset): register again, once, and ask again. Nothing is lost.
		u.post(o, func() { u.progress.text.SetText(settingUpAgain) })
		if err := u.store.ClearClient(address); err != nil {
			u.fail(o, address, plainHTTP, storeError(err), retry)
			return
		}
		if p, err = u.registered(o.ctx, address, plainHTTP, true); err == nil {
			tok, err = u.authorizeInBrowser(o, p, address, plainHTTP)
		}
	}
	if err != nil {
		u.fail(o, address, plainHTTP, err, retry)
		return
	}
	u.post(o, func() {
		u.raise()
		u.showProgress("Approved", "Finishing…", func() { u.showAddress(address, plainHTTP, "") })
	})
	u.complete(o, p, address, plainHTTP, tok, retry)
}

// settingUpAgain is what the progress screen says while Pump Connect
// registers again on a server that no longer knows it.
const settingUpAgain = "Setting up Pump Connect on the server again…"

// registered makes sure Pump Connect is registered on address's server
// and saves the registration before anything else happens, under the
// server's own name for the account (p.Address()). fresh ignores a stored
// registration.
func (u *UI) registered(ctx context.Context, address string, plainHTTP, fresh bool) (*pumpauth.Pump, error) {
	c := pumpauth.Client{Webfinger: address, Name: u.opts.AppName, Type: "native"}
	var opts []pumpauth.Option
	if a, ok := u.store.Account(address); ok && !fresh && a.ClientKey != "" {
		c = a.Client(u.opts.AppName)
		opts = append(opts, pumpauth.WithEndpoints(a.Endpoints))
	}
	p, err := u.newPump(c, plainHTTP, opts...)
	if err != nil {
		return nil, err
	}
	got, err := p.Register(ctx)
	if err != nil {
		return nil, err
	}
	if err := u.store.SaveRegistration(p.Address(), got, p.Endpoints(), plainHTTP); err != nil {
		return nil, storeError(err)
	}
	return p, nil
}

// authorizeInBrowser opens the authorize page and waits for the loopback callback.
func (u *UI) authorizeInBrowser(o *operation, p *pumpauth.Pump, address string, plainHTTP bool) (pumpauth.Token, error) {
	return p.AuthorizeInBrowser(o.ctx, func(link string) {
		u.post(o, func() { u.showApprove(p, address, plainHTTP, link) })
		open := u.opts.OpenURL
		go func() {
			if err := open(link); err != nil {
				u.post(o, u.approve.browserFailed)
			}
		}()
	})
}

// complete asks who the token belongs to, saves it and shows Connected.
// A token of another account than address is never saved under address.
func (u *UI) complete(o *operation, p *pumpauth.Pump, address string, plainHTTP bool, tok pumpauth.Token, retry func()) {
	prof, err := p.Whoami(o.ctx)
	if errors.Is(err, pumpauth.ErrWrongAccount) {
		u.post(o, func() { u.showWrongAccount(p, address, plainHTTP, tok, prof) })
		return
	}
	if err != nil {
		u.fail(o, address, plainHTTP, err, retry)
		return
	}
	if err := u.store.SaveToken(address, tok, prof); err != nil {
		u.fail(o, address, plainHTTP, storeError(err), retry)
		return
	}
	if err := u.store.SetCurrent(address); err != nil {
		u.fail(o, address, plainHTTP, storeError(err), retry)
		return
	}
	u.post(o, func() { u.showConnected(address, prof, p) })
}

// fail shows err with Retry and Change address, unless o was cancelled.
// When only a different address (or setting) can help, Change address is
// the default action; otherwise Retry is.
func (u *UI) fail(o *operation, address string, plainHTTP bool, err error, retry func()) {
	if o.ctx.Err() != nil {
		return
	}
	change := func() {
		u.showAddress(address, plainHTTP, "")
		if errors.Is(err, pumpauth.ErrHTTPSUnavailable) {
			u.address.advanced.Open(0)
		}
	}
	pr := problem{
		title:   "Pump Connect couldn't connect to " + hostOf(address),
		text:    explainFor(address, err),
		err:     err,
		primary: "Retry", onPrimary: retry,
		secondary: "Change address", onSecondary: change,
		onEscape: change, // Escape goes back, never retries
	}
	if needsNewAddress(err) {
		pr.primary, pr.onPrimary, pr.secondary, pr.onSecondary = "Change address", change, "Retry", retry
	}
	u.post(o, func() { u.showProblem(pr) })
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

// enterCode switches to the copy-paste flow: it cancels the loopback
// flow (its listener closes) and runs the oob flow. UI goroutine.
func (u *UI) enterCode(p *pumpauth.Pump, address string, plainHTTP bool) {
	o := u.begin()
	u.showCode(address, plainHTTP)
	go u.runCode(o, p, address, plainHTTP)
}

func (u *UI) runCode(o *operation, p *pumpauth.Pump, address string, plainHTTP bool) {
	retry := func() { u.enterCode(p, address, plainHTTP) }
	refused := ""
	reregistered := false
	for {
		tok, err := p.Authorize(o.ctx, func(ctx context.Context, link string) (string, error) {
			codes := make(chan string, 1)
			msg := refused
			u.post(o, func() { u.code.ready(link, codes, msg) })
			select {
			case code := <-codes:
				return code, nil
			case <-ctx.Done():
				return "", ctx.Err()
			}
		})
		switch {
		case err == nil:
			u.post(o, func() {
				u.showProgress("Approved", "Finishing…", func() { u.showAddress(address, plainHTTP, "") })
			})
			u.complete(o, p, address, plainHTTP, tok, retry)
			return
		case o.ctx.Err() != nil:
			return
		case errors.Is(err, pumpauth.ErrVerifierRejected):
			// The request token may be spent: ask for a new link, and say why.
			refused = codeRefused
		case errors.Is(err, pumpauth.ErrNoVerifier):
			refused = Explain(err)
		case errors.Is(err, pumpauth.ErrClientRejected) && !reregistered:
			reregistered = true
			if err := u.store.ClearClient(address); err != nil {
				u.fail(o, address, plainHTTP, storeError(err), retry)
				return
			}
			if p, err = u.registered(o.ctx, address, plainHTTP, true); err != nil {
				u.fail(o, address, plainHTTP, err, retry)
				return
			}
			address = p.Address()
		default:
			u.fail(o, address, plainHTTP, err, retry)
			return
		}
	}
}

// reconnect checks a stored account with one whoami and shows Connected.
// UI goroutine.
func (u *UI) reconnect(acct Account) {
	o := u.begin()
	who := acct.Address
	if acct.DisplayName != "" {
		who = acct.DisplayName + " (" + acct.Address + ")"
	}
	u.showProgress("Welcome back", "Reconnecting as "+who+"…", func() {
		u.showAddress(acct.Address, acct.PlainHTTP, "")
	})
	go u.runReconnect(o, acct)
}

func (u *UI) runReconnect(o *operation, acct Account) {
	// Start runs before the window's first frame: wait until the event loop
	// runs (fyne.DoAndWait returns only then), so nothing but reading the
	// preferences happens before the window shows.
	fyne.DoAndWait(func() {})
	address := acct.Address
	// The stored endpoints spare host-meta: whoami and its profile, two requests.
	p, err := u.newPump(acct.Client(u.opts.AppName), acct.PlainHTTP,
		pumpauth.WithToken(acct.PumpToken()), pumpauth.WithEndpoints(acct.Endpoints))
	var prof pumpauth.Profile
	if err == nil {
		prof, err = p.Whoami(o.ctx)
	}
	switch {
	case o.ctx.Err() != nil:
		return
	case err == nil:
		// Refresh the stored name and avatar (and the endpoints, when they
		// had to be found again); the account works either way.
		if e := p.Endpoints(); e != acct.Endpoints {
			_ = u.store.SaveRegistration(address, p.Client(), e, acct.PlainHTTP)
		}
		_ = u.store.SaveToken(address, acct.PumpToken(), prof)
		u.post(o, func() { u.showConnected(address, prof, p) })
	case errors.Is(err, pumpauth.ErrWrongAccount):
		// Stored by an earlier version under the wrong address: the token
		// is someone else's. Offer to keep it under the right one.
		u.post(o, func() { u.showWrongAccount(p, address, acct.PlainHTTP, acct.PumpToken(), prof) })
	case errors.Is(err, pumpauth.ErrTokenRejected):
		// The token is dead; the registration is still good.
		if err := u.store.ClearToken(address); err != nil {
			u.failReconnect(o, acct, storeError(err))
			return
		}
		u.post(o, func() {
			u.askPermissionAgain(acct, "The server no longer accepts the permission you gave Pump Connect for "+address+
				". Press Reconnect and approve again in your browser; it takes a moment.", err)
		})
	case errors.Is(err, pumpauth.ErrClientRejected):
		// The server forgot Pump Connect: register again now, then ask.
		if err := u.store.ClearClient(address); err != nil {
			u.failReconnect(o, acct, storeError(err))
			return
		}
		u.post(o, func() { u.progress.text.SetText(settingUpAgain) })
		if _, rerr := u.registered(o.ctx, address, acct.PlainHTTP, true); rerr != nil {
			u.fail(o, address, acct.PlainHTTP, rerr, func() { u.connect(address, acct.PlainHTTP) })
			return
		}
		u.post(o, func() {
			u.askPermissionAgain(acct, hostOf(address)+" needs your approval for Pump Connect once more. Press Reconnect and approve in your browser; it takes a moment.", err)
		})
	default:
		// Unreachable, timeout, certificate…: keep everything, offer Retry.
		u.failReconnect(o, acct, err)
	}
}

// failReconnect explains a failed reconnect; the account stays stored.
func (u *UI) failReconnect(o *operation, acct Account, err error) {
	u.post(o, func() {
		u.showProblem(problem{
			title:       "Pump Connect couldn't reach " + hostOf(acct.Address),
			text:        explainFor(acct.Address, err) + " Your account stays saved on this computer.",
			err:         err,
			primary:     "Retry",
			onPrimary:   func() { u.reconnect(acct) },
			secondary:   "Use another account",
			onSecondary: func() { u.showAddress("", false, "") },
		})
	})
}

// askPermissionAgain offers to approve again with the stored registration.
func (u *UI) askPermissionAgain(acct Account, text string, err error) {
	u.showProblem(problem{
		title:       "Pump Connect needs your permission again",
		text:        text,
		err:         err,
		primary:     "Reconnect",
		onPrimary:   func() { u.connect(acct.Address, acct.PlainHTTP) },
		secondary:   "Use another account",
		onSecondary: func() { u.showAddress("", false, "") },
	})
}

// maxAvatar bounds the avatar download.
const maxAvatar = 2 << 20

// loadAvatar fetches the profile picture and shows it; on any failure the
// placeholder stays (a missing picture is not worth an error).
func (u *UI) loadAvatar(o *operation, p *pumpauth.Pump, link string) {
	img, err := fetchImage(o.ctx, u.avatarClient(p, link), link, maxAvatar)
	if err != nil {
		if o.ctx.Err() == nil {
			fyne.LogError("could not load the avatar", err)
		}
		return
	}
	u.post(o, func() { u.connected.setAvatar(img) })
}
