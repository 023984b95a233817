package gui

import (
	"github.com/pumpconnect/pumpconnect/pumpauth"

	"fyne.io/fyne/v2/lang"
)

// The browser decides who approves: someone who typed bob@host while their
// browser is logged in to host as alice approves for alice. The app then
// holds alice's token, which it never stores under bob@host.

// showWrongAccount says whose approval arrived and offers to keep it for
// that account (with the same registration: it belongs to the server, not
// to a person) or to try again as the account that was asked for. UI
// goroutine.
func (c *controller) showWrongAccount(a *attempt, tok pumpauth.Token, prof pumpauth.Profile) {
	asked := a.addr
	got := prof.Address
	words := args{"Got": got, "Asked": asked.String(), "Server": asked.HostPort(), "Nick": asked.Nick}
	c.view.showProblem(problem{
		screen: screenWrongAccount,
		title:  lang.L("Your browser approved another account"),
		text: lang.L("Your browser approved as {{.Got}}, not {{.Asked}}.", words) + "\n\n" +
			lang.L("To connect {{.Asked}}, first log out of {{.Server}} in your browser (or log in there as {{.Nick}}), then press Try again as {{.Nick}}.", words),
		primary:     lang.L("Use {{.Got}}", words),
		onPrimary:   func() { c.useApprovedAccount(a, tok, prof) },
		secondary:   lang.L("Try again as {{.Nick}}", words),
		onSecondary: func() { c.connect(asked) },
		onEscape:    func() { c.back(asked) },
	})
}

// useApprovedAccount stores the token under the account it belongs to,
// with the registration that obtained it, and shows Connected. The account
// that was asked for keeps its registration only if it holds a token of
// its own; otherwise it was never connected and is dropped. UI goroutine.
func (c *controller) useApprovedAccount(a *attempt, tok pumpauth.Token, prof pumpauth.Profile) {
	asked := a.addr
	got, err := pumpauth.ParseAddress(prof.Address)
	if err != nil { // Whoami names only parsed addresses
		c.fail(a, err)
		return
	}
	got.PlainHTTP = asked.PlainHTTP
	fail := func(err error) {
		c.view.showProblem(problem{
			title: lang.L("Pump Connect couldn't save {{.Account}}", args{"Account": got.String()}), err: storeError(err),
			primary: lang.L("Retry"), onPrimary: func() { c.useApprovedAccount(a, tok, prof) },
			secondary: lang.L("Back"), onSecondary: func() { c.back(asked) },
		})
	}
	if err := c.store.SaveRegistration(got, a.pump.Client(), a.pump.Endpoints()); err != nil {
		fail(err)
		return
	}
	if err := c.store.SaveToken(got, tok, prof); err != nil {
		fail(err)
		return
	}
	if acct, ok := c.store.Account(asked); ok {
		if acct.Token == tok.Token {
			// An earlier version stored this token under the wrong address.
			_ = c.store.ClearToken(asked)
			acct.Token = ""
		}
		if !acct.HasToken() {
			_ = c.store.Forget(asked)
		}
	}
	if err := c.store.SetCurrent(got); err != nil {
		fail(err)
		return
	}
	// a.pump speaks for the address typed: the home needs one for got, as
	// just stored (with tok).
	acct, _ := c.store.Account(got)
	p, err := c.storedPump(acct)
	if err != nil {
		c.fail(a, err)
		return
	}
	c.showHome(got, prof, p)
}
