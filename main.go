// Command pumpconnect is Pump Connect: it connects a person to their
// pump.io account. This file only wires the parts together: the Fyne app,
// the single-instance guard, the account store on the app's preferences,
// the window, and (with -demo) a pump.io demo server on this computer.
package main

import (
	_ "embed"
	"flag"
	"fmt"
	"os"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/app"

	"github.com/pumpconnect/pumpconnect/gui"
	"github.com/pumpconnect/pumpconnect/persist"
	"github.com/pumpconnect/pumpconnect/persist/instance"
	"github.com/pumpconnect/pumpconnect/pumpauth/pumptest"
)

// appID is also the ID in FyneApp.toml.
const appID = "io.github.pumpconnect.PumpConnect"

//go:embed Icon.png
var iconPNG []byte

func main() {
	demo := flag.Bool("demo", false, "connect to a pump.io demo server on this computer (user demo, password demo)")
	flag.Parse()

	id := appID
	if *demo {
		id += ".Demo" // demo accounts never mix with real ones
	}
	a := app.NewWithID(id)
	icon := fyne.NewStaticResource("Icon.png", iconPNG)
	a.SetIcon(icon)
	root := a.Storage().RootURI().Path()

	var w fyne.Window
	inst, running, err := instance.Acquire(root, func() {
		fyne.Do(func() {
			if w != nil {
				w.Show()
				w.RequestFocus()
			}
		})
	})
	if err != nil {
		fail(err)
	}
	if running {
		return // the running copy comes to the front instead
	}
	defer inst.Close()

	store, err := persist.NewStore(a.Preferences(), persist.PreferencesPath(root))
	if err != nil {
		fail(err)
	}
	w = a.NewWindow("Pump Connect")
	opts := gui.Options{AppName: "Pump Connect", Icon: icon}
	if *demo {
		server := pumptest.NewDemoServer()
		defer server.Close()
		// The demo server lives only as long as this run: start fresh.
		for _, acct := range store.Accounts() {
			_ = store.Forget(acct.Address)
		}
		opts.DemoAddress = server.Address(pumptest.DemoNick)
	}
	gui.New(a, w, store, opts).Start()
	w.ShowAndRun()
}

func fail(err error) {
	fmt.Fprintln(os.Stderr, "pumpconnect:", err)
	os.Exit(1)
}
