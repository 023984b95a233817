package gui

import (
	"errors"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/lang"

	"github.com/pumpconnect/pumpconnect/pumpauth"
)

// reconnect checks a stored account with whoami (two requests with the
// stored endpoints) and shows Connected. UI goroutine.
func (c *controller) reconnect(acct Account) {
	addr := acct.Addr()
	a := c.begin(addr, func() { c.reconnect(acct) })
	c.view.showProgress(lang.L("Welcome back"), lang.L("Reconnecting as {{.Account}}…", args{"Account": accountName(acct)}))
	go c.runReconnect(a, acct)
}

func (c *controller) runReconnect(a *attempt, acct Account) {
	// start runs before the window's first frame: wait until the event loop
	// runs (fyne.DoAndWait returns only then), so nothing but reading the
	// preferences happens before the window shows.
	fyne.DoAndWait(func() {})
	// An account that connected over https stays on https (storedOptions),
	// whatever its stored plain-HTTP choice says.
	p, err := c.storedPump(acct)
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
		c.post(a, func() { c.showHome(a.addr, prof, p) })
	case errors.Is(err, pumpauth.ErrWrongAccount):
		// Stored by an earlier version under the wrong address: the token
		// is someone else's. Offer to keep it under the right one.
		c.post(a, func() { c.showWrongAccount(a, acct.PumpToken(), prof) })
	case errors.Is(err, pumpauth.ErrTokenRejected):
		// The token is dead; the registration may still be good (if not, the
		// request-token step says so and registerAgain cures it).
		if err := c.store.DropToken(a.addr, acct.PumpToken()); err != nil {
			c.failReconnect(a, storeError(err))
			return
		}
		c.post(a, func() {
			c.askPermissionAgain(a, lang.L("The server no longer accepts the permission you gave Pump Connect for {{.Account}}. Press Reconnect and approve again in your browser; it takes a moment.",
				args{"Account": a.addr.String()}), err)
		})
	case errors.Is(err, pumpauth.ErrClientRejected):
		if rerr := c.registerAgain(a); rerr != nil {
			c.fail(a, rerr)
			return
		}
		c.post(a, func() {
			c.askPermissionAgain(a, lang.L("{{.Server}} needs your approval for Pump Connect once more. Press Reconnect and approve in your browser; it takes a moment.",
				args{"Server": a.addr.HostPort()}), err)
		})
	case errors.Is(err, pumpauth.ErrSchemeDowngrade):
		// The server dropped https. Only the person may allow plain http:
		// the address screen says why, with Allow plain HTTP unticked. The
		// account stays saved as it is.
		c.post(a, func() {
			c.abort()
			c.view.showAddress(a.addr.String(), false, explainFor(a.addr, err))
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
			title:       lang.L("Pump Connect couldn't reach {{.Server}}", args{"Server": a.addr.HostPort()}),
			text:        explainFor(a.addr, err) + " " + lang.L("Your account stays saved on this computer."),
			err:         err,
			primary:     lang.L("Retry"),
			onPrimary:   a.retry,
			secondary:   lang.L("Use another account"),
			onSecondary: c.anotherAccount,
		})
	})
}

// askPermissionAgain offers to approve again with the stored registration.
func (c *controller) askPermissionAgain(a *attempt, text string, err error) {
	addr := a.addr
	c.view.showProblem(problem{
		title:       lang.L("Pump Connect needs your permission again"),
		text:        text,
		err:         err,
		primary:     lang.L("Reconnect"),
		onPrimary:   func() { c.connectSaved(addr) },
		secondary:   lang.L("Use another account"),
		onSecondary: c.anotherAccount,
	})
}
