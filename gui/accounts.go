package gui

import (
	"github.com/pumpconnect/pumpconnect/persist"
	"github.com/pumpconnect/pumpconnect/pumpauth"
)

// AccountStore is what the GUI needs from the accounts store;
// *persist.Store implements it. Its methods are called from the flows'
// goroutines as well as from the UI goroutine, so it must be safe for
// concurrent use.
type AccountStore interface {
	// Repair is what was repaired when the settings file was damaged or
	// missing (repairText says it); the zero Repair when nothing was.
	Repair() persist.Repair
	// Accounts are all stored accounts, sorted by address.
	Accounts() []Account
	Account(address pumpauth.Address) (Account, bool)
	Current() (Account, bool)
	SetCurrent(address pumpauth.Address) error
	// SaveRegistration keeps the client credentials; called as soon as
	// Register returns, before the browser opens.
	SaveRegistration(address pumpauth.Address, c pumpauth.Client, e pumpauth.Endpoints) error
	// SaveToken keeps the access token and the profile and makes the account current.
	SaveToken(address pumpauth.Address, t pumpauth.Token, p pumpauth.Profile) error
	ClearToken(address pumpauth.Address) error
	// DropToken removes the token t only if it is still the stored one.
	DropToken(address pumpauth.Address, t pumpauth.Token) error
	ClearClient(address pumpauth.Address) error
	Forget(address pumpauth.Address) error
}

// Account is one stored pump.io account.
type Account = persist.Account

// *persist.Store is the store main.go passes in.
var _ AccountStore = (*persist.Store)(nil)

// accountName is how a stored account is named on screen: "Alice Example
// (alice@pump.example)", or the address alone. The display name came from
// the server: it is cleaned (pumpauth.CleanDisplayName) whatever the store
// did with it.
func accountName(acct Account) string {
	if name := pumpauth.CleanDisplayName(acct.DisplayName); name != "" {
		return name + " (" + acct.Address + ")"
	}
	return acct.Address
}
