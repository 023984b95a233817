package gui

import (
	"context"
	"errors"

	"fyne.io/fyne/v2/lang"

	"github.com/pumpconnect/pumpconnect/pumpauth"
)

// connect runs the whole flow for addr: register (reusing a stored
// registration), approve in the browser, check who approved, save. It is
// what the address screen asks for, so addr.PlainHTTP is the person's
// choice made there and then: it may move an account that used https to
// plain http (see pinnedHTTPS).
func (c *controller) connect(addr pumpauth.Address) { c.startConnect(addr, addr.PlainHTTP) }

// connectSaved is connect for a stored account, started without the
// address screen: its stored plain-HTTP choice does not lift its https pin.
func (c *controller) connectSaved(addr pumpauth.Address) { c.startConnect(addr, false) }

// startConnect starts the connect flow; plainChosen says the person ticked
// Allow plain HTTP for it.
func (c *controller) startConnect(addr pumpauth.Address, plainChosen bool) {
	a := c.begin(addr, func() { c.startConnect(addr, plainChosen) })
	a.plainChosen = plainChosen
	a2 := args{"Server": addr.HostPort()}
	c.view.showProgress(lang.L("Connecting to {{.Server}}", a2), lang.L("Contacting {{.Server}}…", a2))
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
		c.view.showProgress(lang.L("Approved"), lang.L("Finishing…"))
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
	if acct, ok := c.store.Account(a.addr); ok {
		// The endpoints stay good when the registration does not: a fresh
		// one need not read host-meta again. They pin an account that used
		// https to https, unless the person chose plain http just now: then
		// host-meta is read afresh (https first, still).
		if !(a.plainChosen && accountOnHTTPS(acct)) {
			opts = append(opts, storedOptions(acct)...)
		}
		if !fresh && acct.HasClient() {
			cl = acct.Client(c.opts.AppName)
		}
	}
	if !fresh && cl.Key == "" {
		// A second account on a server reuses the app's registration there.
		if other, ok := c.sharedRegistration(a.addr); ok {
			cl = other.Client(c.opts.AppName)
			opts = storedOptions(other)
		}
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
	c.post(a, func() { c.view.setProgressText(settingUpAgain()) })
	if err := c.store.ClearClient(a.addr); err != nil {
		return storeError(err)
	}
	return c.registered(a, true)
}

// settingUpAgain is what the progress screen says while the app registers
// again on a server that no longer knows it.
func settingUpAgain() string { return lang.L("Setting up Pump Connect on the server again…") }

// authorizeInBrowser opens the authorize page and waits for the loopback callback.
func (c *controller) authorizeInBrowser(a *attempt) (pumpauth.Token, error) {
	return a.pump.AuthorizeInBrowserNotify(a.ctx, func(link string) {
		c.post(a, func() { c.view.showApprove(a.addr, link) })
		open := c.opts.OpenURL
		go func() {
			if err := open(link); err != nil {
				c.post(a, c.view.browserFailed)
			}
		}()
	}, func() { c.post(a, func() { c.view.showProgress(lang.L("Approved"), lang.L("Finishing…")) }) })
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
	c.post(a, func() { c.showHome(a.addr, prof, a.pump) })
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
		plain := a.plainChosen || c.plainChoice(a.addr, a.addr.PlainHTTP || errors.Is(err, pumpauth.ErrHTTPSUnavailable))
		c.view.showAddress(a.addr.String(), plain, "")
	}
	pr := problem{
		title:   lang.L("Pump Connect couldn't connect to {{.Server}}", args{"Server": a.addr.HostPort()}),
		text:    explainFor(a.addr, err),
		err:     err,
		primary: lang.L("Retry"), onPrimary: a.retry,
		secondary: lang.L("Change address"), onSecondary: change,
		onEscape: change, // Escape goes back, never retries
	}
	if needsNewAddress(err) {
		pr.primary, pr.onPrimary, pr.secondary, pr.onSecondary = lang.L("Change address"), change, lang.L("Retry"), a.retry
	}
	c.post(a, func() { c.view.showProblem(pr) })
}

// needsNewAddress reports errors that retrying the same address cannot cure.
func needsNewAddress(err error) bool {
	for _, target := range []error{pumpauth.ErrUnknownUser, pumpauth.ErrNotPumpServer,
		pumpauth.ErrHTTPSUnavailable, pumpauth.ErrSchemeDowngrade, pumpauth.ErrCertificate, pumpauth.ErrInvalidWebfinger} {
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
			c.post(a, func() { c.view.showProgress(lang.L("Approved"), lang.L("Finishing…")) })
			c.complete(a, tok)
			return
		case a.done():
			return
		case errors.Is(err, pumpauth.ErrVerifierRejected):
			// The request token may be spent: ask for a new link, and say why.
			refused = codeRefused()
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
