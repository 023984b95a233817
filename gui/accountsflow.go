package gui

import (
	"errors"

	"github.com/pumpconnect/pumpconnect/pumpauth"
)

// showAccounts shows the account switcher and asks, in the background,
// each stored account's server whether it still accepts the account's
// permission, loading the pictures not seen yet in this run. The home
// stays open behind it. UI goroutine.
func (c *controller) showAccounts() {
	accounts := c.store.Accounts()
	entries := make([]accountEntry, 0, len(accounts))
	var check []Account
	for _, acct := range accounts {
		e := accountEntry{acct: acct, state: c.checks[acct.Address], avatar: c.avatars[acct.Address]}
		switch {
		case c.home != nil && c.home.addr.String() == acct.Address:
			e.current, e.state = true, stateConnected
		case !acct.HasToken():
			e.state = stateNeedsPermission
		case e.state != stateChecking:
			e.state = stateChecking
			check = append(check, acct)
		}
		c.checks[acct.Address] = e.state
		entries = append(entries, e)
	}
	c.view.showAccounts(entries, c.home != nil)
	for _, acct := range check {
		go c.checkAccount(acct)
	}
}

// checkAccount asks acct's server who its token belongs to (whoami). A
// token the server rejects is dropped, on this account only: it then asks
// for permission again when opened.
func (c *controller) checkAccount(acct Account) {
	addr := acct.Addr()
	p, err := c.storedPump(acct)
	var prof pumpauth.Profile
	if err == nil {
		prof, err = p.Whoami(c.root)
	}
	state := stateConnected
	switch {
	case c.root.Err() != nil:
		return
	case err == nil:
	case errors.Is(err, pumpauth.ErrTokenRejected):
		if c.store.DropToken(addr, acct.PumpToken()) != nil {
			state = stateUnknown
			break
		}
		state = stateNeedsPermission
	case errors.Is(err, pumpauth.ErrClientRejected), errors.Is(err, pumpauth.ErrWrongAccount):
		state = stateNeedsPermission
	default:
		state = stateUnreachable
	}
	c.do(func() {
		if c.root.Err() != nil || c.checks[acct.Address] != stateChecking {
			return // forgotten meanwhile, or the window closed
		}
		c.checks[acct.Address] = state
		c.view.setAccountState(acct.Address, state)
	})
	if state != stateConnected || prof.ImageURL == "" {
		return
	}
	img, err := fetchImage(c.root, avatarClient(p, c.opts.HTTPClient, prof.ImageURL), prof.ImageURL, maxAvatar)
	if err != nil {
		return
	}
	c.do(func() {
		if _, stored := c.store.Account(addr); !stored || c.root.Err() != nil {
			return
		}
		c.avatars[acct.Address] = img
		c.view.setAccountAvatar(acct.Address, img)
	})
}

// backHome goes from the switcher back to the home as it was. UI goroutine.
func (c *controller) backHome() {
	if c.home != nil {
		c.view.homeAgain()
	}
}

// sharedRegistration is a stored registration of this app on addr's
// server, made for another account: one registration serves every account
// of a server, as pump.io's clients are not tied to a user. ok is false
// when there is none.
func (c *controller) sharedRegistration(addr pumpauth.Address) (Account, bool) {
	for _, acct := range c.store.Accounts() {
		other := acct.Addr()
		if acct.Address == addr.String() || other.HostPort() != addr.HostPort() || !acct.HasClient() || acct.Endpoints.IsZero() {
			continue
		}
		if !accountOnHTTPS(acct) && !addr.PlainHTTP && !addr.IsLoopback() {
			continue // plain http only where pumpauth would allow it for this connect
		}
		return acct, true // pumpauth registers anew if it has expired
	}
	return Account{}, false
}
