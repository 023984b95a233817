// Command pumpconnect is Pump Connect: it connects a person to their
// pump.io account. This file only wires the parts together: the Fyne app,
// the single-instance guard, the account store on the app's preferences,
// the window, and (with -demo) a pump.io demo server on this computer.
// With -export ADDRESS it prints the account's keys for scripts instead
// (export.go) and never opens a window.
package main

import (
	_ "embed"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"strings"
	"sync/atomic"
	"time"

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

// appIcon is the app's icon, for the window manager and the start-up problem window.
var appIcon = fyne.NewStaticResource("Icon.png", iconPNG)

// Icon-64.png is Icon.png at 64×64 (`convert Icon.png -resize 64x64
// PNG32:Icon-64.png`), for the window's 32-pixel header: the window keeps
// the picture it decodes, 1 MB for the 512×512 icon, 16 KB for this.
//
//go:embed Icon-64.png
var headerIconPNG []byte

func main() {
	// On Windows, -export's output (and flag's own messages) reach the
	// console it was typed in (console_windows.go).
	useParentConsole(os.Args[1:])
	useDemo := flag.Bool("demo", false, "connect to a pump.io demo server on this computer (user demo, password demo)")
	exportAddr := flag.String("export", "", "print the keys of the saved account `ADDRESS` for scripts, and exit: they give full access to it")
	exportFormat := flag.String("format", formatPyPump, "with -export: "+formatPyPump+" (the JSON object of PyPump's credentials.json) or "+formatEnv+" (shell export lines)")
	flag.Parse()

	meta, err := appMetadata()
	if err != nil && *exportAddr != "" {
		fmt.Fprintln(os.Stderr, "pumpconnect:", err)
		os.Exit(exitNotThere)
	} else if err != nil {
		fail(app.New(), "Pump Connect", err) // a broken build: say so all the same
	}
	id := meta.ID
	if *useDemo {
		id += ".Demo" // demo accounts never mix with real ones
	}
	root, err := persist.FyneRoot(id)
	// The export reads the settings and prints: no window, no Fyne app, and
	// no single-instance guard, which would hand it to a running window.
	if *exportAddr != "" || flagSet("format") {
		os.Exit(exportCommand(os.Stdout, os.Stderr, root, err, *exportAddr, *exportFormat))
	}
	profileStartup()
	if err != nil {
		failAlone(id, meta.Name, err)
	}
	// A second start asks the running copy to come to the front and ends
	// here, before the app and its window are made.
	var win atomic.Pointer[fyne.Window] // set once the window exists
	inst, running, err := instance.Acquire(root, func() {
		if w := win.Load(); w != nil {
			fyne.Do(func() {
				(*w).Show()
				(*w).RequestFocus()
			})
		}
	})
	switch {
	case running && err == nil:
		return
	case err != nil: // also when the running copy could not be reached
		failAlone(id, meta.Name, err)
	}
	defer inst.Close()
	if why := inst.Alone(); why != nil {
		fmt.Fprintln(os.Stderr, "pumpconnect: a second start cannot bring this window to the front:", why)
	}
	// Fyne reads the preferences file inside NewWithID, and a file it
	// cannot load would crash it there on every start: check it first.
	prefsPath := persist.PreferencesPath(root)
	setAside, err := persist.PrepareForFyne(prefsPath, time.Now())
	if err != nil {
		inst.Close()
		failAlone(id, meta.Name, err)
	}
	a := app.NewWithID(id)
	a.SetIcon(appIcon)
	a.Settings().SetTheme(gui.Theme()) // light or dark as the system says, with readable text colours
	if got := a.Storage().RootURI().Path(); !samePath(got, root) {
		fmt.Fprintf(os.Stderr, "pumpconnect: Fyne keeps its files in %s, not %s\n", got, root)
	}

	store, err := persist.NewStore(a.Preferences(), prefsPath, persist.SetAsideAtStart(setAside))
	if err != nil {
		inst.Close()
		fail(a, meta.Name, err)
	}
	w := a.NewWindow(meta.Name)
	win.Store(&w)
	opts := gui.Options{AppName: meta.Name, Icon: fyne.NewStaticResource("Icon-64.png", headerIconPNG)}
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
	// Start-up leaves garbage behind (font parsing above all) that the Go
	// runtime would keep mapped for minutes: hand it back once the first
	// screen is up.
	a.Lifecycle().SetOnStarted(func() { time.AfterFunc(time.Second, debug.FreeOSMemory) })
	w.ShowAndRun()
}

// flagSet reports whether the flag name was given on the command line.
func flagSet(name string) bool {
	set := false
	flag.Visit(func(f *flag.Flag) { set = set || f.Name == name })
	return set
}

// samePath: a and b name the same folder. Fyne's URIs use forward slashes,
// also on Windows, where names that differ only in case are the same too.
func samePath(a, b string) bool {
	a, b = filepath.Clean(filepath.FromSlash(a)), filepath.Clean(filepath.FromSlash(b))
	if runtime.GOOS == "windows" {
		return strings.EqualFold(a, b)
	}
	return a == b
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

// failAlone is fail from an app of its own, which never loads nor saves the
// real settings: Fyne writes an app's preferences back when it quits, and
// this copy's would be stale (another copy may be running) or unreadable.
func failAlone(id, name string, err error) {
	fail(app.NewWithID(id+".StartupProblem"), name, err)
}

// fail tells why the app cannot start, on stderr and in a small window
// (someone who double-clicked sees no terminal), and exits.
func fail(a fyne.App, name string, err error) {
	fmt.Fprintln(os.Stderr, "pumpconnect:", err)
	a.Settings().SetTheme(gui.Theme())
	gui.ShowStartupProblem(a, name, appIcon, err)
	os.Exit(1)
}
