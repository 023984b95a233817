package gui

import (
	"github.com/pumpconnect/pumpconnect/pumpauth"
)

// The browser decides who approves: someone who typed bob@host while their
// browser is logged in to host as alice approves for alice. Pump Connect
// then holds alice's token, which it never stores under bob@host.

// showWrongAccount says whose approval arrived and offers to keep it for
// that account (with the same registration: it belongs to the server, not
// to a person) or to try again as the account that was asked for. UI
// goroutine.
func (u *UI) showWrongAccount(p *pumpauth.Pump, asked string, plainHTTP bool, tok pumpauth.Token, prof pumpauth.Profile) {
	got := prof.Address
	nick := asked
	if a, err := pumpauth.ParseAddress(asked); err == nil {
		nick = a[:len(a)-len(hostOf(a))-1]
	}
	u.showProblem(problem{
		screen: screenWrongAccount,
		title:  "Your browser approved another account",
		text: "Your browser approved as " + got + ", not " + asked + ".\n\n" +
			"To connect " + asked + ", first log out of " + hostOf(asked) + " in your browser (or log in there as " +
			nick + "), then press Try again as " + nick + ".",
		primary:     "Use " + got,
		onPrimary:   func() { u.useApprovedAccount(p, asked, plainHTTP, tok, prof) },
		secondary:   "Try again as " + nick,
		onSecondary: func() { u.connect(asked, plainHTTP) },
		onEscape:    func() { u.showAddress(asked, plainHTTP, "") },
	})
}

// useApprovedAccount stores the token under the account it belongs to,
// with the registration that obtained it, and shows Connected. The account
// that was asked for keeps its registration only if it holds a token of
// its own; otherwise it was never connected and is dropped. UI goroutine.
func (u *UI) useApprovedAccount(p *pumpauth.Pump, asked string, plainHTTP bool, tok pumpauth.Token, prof pumpauth.Profile) {
	got := prof.Address
	retry := func() { u.useApprovedAccount(p, asked, plainHTTP, tok, prof) }
	fail := func(err error) {
		u.showProblem(problem{
			title: "Pump Connect couldn't save " + got, err: storeError(err),
			primary: "Retry", onPrimary: retry,
			secondary: "Back", onSecondary: func() { u.showAddress(asked, plainHTTP, "") },
		})
	}
	if err := u.store.SaveRegistration(got, p.Client(), p.Endpoints(), plainHTTP); err != nil {
		fail(err)
		return
	}
	if err := u.store.SaveToken(got, tok, prof); err != nil {
		fail(err)
		return
	}
	if a, ok := u.store.Account(asked); ok {
		if a.Token == tok.Token {
			// An earlier version stored this token under the wrong address.
			_ = u.store.ClearToken(asked)
			a.Token = ""
		}
		if !a.HasToken() {
			_ = u.store.Forget(asked)
		}
	}
	if err := u.store.SetCurrent(got); err != nil {
		fail(err)
		return
	}
	u.showConnected(got, prof, p)
}
