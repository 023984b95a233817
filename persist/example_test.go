package persist_test

import (
	"fmt"
	"time"

	"fyne.io/fyne/v2/test"

	"github.com/pumpconnect/pumpconnect/persist"
	"github.com/pumpconnect/pumpconnect/pumpauth"
)

func ExampleStore() {
	// In the app: a := app.NewWithID(...); prefs := a.Preferences() and
	// path := persist.PreferencesPath(a.Storage().RootURI().Path()).
	// Here: in-memory preferences, so no file.
	prefs := test.NewApp().Preferences()
	store, err := persist.NewStore(prefs, "")
	if err != nil {
		fmt.Println(err)
		return
	}
	if n := store.Notice(); n != "" {
		fmt.Println(n) // the GUI shows it in a dialog
	}

	// The address is parsed once, where the person typed it.
	alice, err := pumpauth.ParseAddress("alice@pump.example")
	if err != nil {
		fmt.Println(err)
		return
	}

	// Register returned: save the client at once, before the browser step.
	c := pumpauth.Client{Key: "client-id", Secret: "client-secret", ExpiresAt: time.Time{}}
	if err := store.SaveRegistration(alice, c, pumpauth.Endpoints{Base: "https://pump.example"}); err != nil {
		fmt.Println(err)
		return
	}
	a, _ := store.Account(alice)
	fmt.Println("registered:", a.Address, a.ClientKey, "token:", a.HasToken())

	// The person approved: save the token and who they are.
	t := pumpauth.Token{Token: "access-token", Secret: "token-secret"}
	p := pumpauth.Profile{PreferredUsername: "alice", DisplayName: "Alice Example"}
	if err := store.SaveToken(alice, t, p); err != nil {
		fmt.Println(err)
		return
	}
	cur, _ := store.Current()
	fmt.Println("current:", cur.DisplayName, cur.HasToken())

	// Next start: pumpauth.New(cur.Client("Pump Connect"), pumpauth.WithToken(cur.PumpToken())).
	fmt.Println(cur.Client("Pump Connect").Webfinger)

	if err := store.Forget(alice); err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println("accounts left:", len(store.Accounts()))
	// Output:
	// registered: alice@pump.example client-id token: false
	// current: Alice Example true
	// alice@pump.example
	// accounts left: 0
}
