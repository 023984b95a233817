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
	"github.com/BurntSushi/toml"

	"github.com/pumpconnect/pumpconnect/gui"
	"github.com/pumpconnect/pumpconnect/persist"
	"github.com/pumpconnect/pumpconnect/persist/instance"
	"github.com/pumpconnect/pumpconnect/pumpauth/demo"
)

// FyneApp.toml is the app's metadata (ID, name), for `go build` as for the
// release builds that `fyne package` and packaging/ make from it.
//
//go:embed FyneApp.toml
var fyneAppTOML []byte

//go:embed Icon.png
var iconPNG []byte

func main() {
	useDemo := flag.Bool("demo", false, "connect to a pump.io demo server on this computer (user demo, password demo)")
	flag.Parse()

	meta, err := appMetadata()
	if err != nil {
		fail(err)
	}
	id := meta.ID
	if *useDemo {
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
	w = a.NewWindow(meta.Name)
	opts := gui.Options{AppName: meta.Name, Icon: icon}
	if *useDemo {
		server := demo.Start()
		defer server.Close()
		// The demo server lives only as long as this run: start fresh.
		for _, acct := range store.Accounts() {
			_ = store.Forget(acct.Addr())
		}
		opts.DemoAddress = server.Address()
	}
	gui.New(a, w, store, opts).Start()
	w.ShowAndRun()
}

// metadata is what the app takes from FyneApp.toml's [Details].
type metadata struct{ ID, Name string }

// appMetadata reads the [Details] of FyneApp.toml.
func appMetadata() (metadata, error) {
	var f struct{ Details metadata }
	if _, err := toml.Decode(string(fyneAppTOML), &f); err != nil || f.Details.ID == "" || f.Details.Name == "" {
		return metadata{}, fmt.Errorf("FyneApp.toml has no [Details] ID and Name (%v)", err)
	}
	return f.Details, nil
}

func fail(err error) {
	fmt.Fprintln(os.Stderr, "pumpconnect:", err)
	os.Exit(1)
}
