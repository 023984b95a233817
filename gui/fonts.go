package gui

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/theme"
)

// LoadFonts parses the font faces the first screen shows (regular and
// bold) in a goroutine, and closes the returned channel when they are in
// Fyne's font cache. Parsing them (the theme's fonts, Fyne's emoji font,
// the index of the system fonts) is the largest part of start-up after the
// GL context: main starts it as soon as the app exists, so it runs on the
// other core while the window and its GL context are made, and passes the
// channel in Options.FontsLoaded. Call it after the app is made.
func LoadFonts() <-chan struct{} {
	done := make(chan struct{})
	go func() {
		defer close(done)
		for _, style := range []fyne.TextStyle{{}, {Bold: true}} {
			fyne.MeasureText("Pump Connect", theme.TextSize(), style)
		}
	}()
	return done
}

// PrepareWindow gives w its title and opening size, so that it can be shown
// before New builds its content (see LoadFonts).
func PrepareWindow(w fyne.Window, appName string) {
	if appName == "" {
		appName = "Pump Connect"
	}
	w.SetTitle(appName)
	w.Resize(windowSize)
}
