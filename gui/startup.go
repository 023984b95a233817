package gui

import (
	"errors"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/lang"

	"github.com/pumpconnect/pumpconnect/persist"
	"github.com/pumpconnect/pumpconnect/persist/instance"
)

// startupProblem says in words why the app cannot start, for someone who
// double-clicked it and would otherwise see nothing at all.
func startupProblem(err error) problem {
	switch {
	case errors.Is(err, instance.ErrNotReached):
		return problem{screen: screenStartup, title: lang.L("Pump Connect is already open"),
			text: lang.L("Pump Connect is already running, but its window could not be brought to the front. Look for it on your taskbar; if you cannot find it, log out and back in, then start Pump Connect again.")}
	case errors.Is(err, persist.ErrNewerSchema):
		return problem{screen: screenStartup, title: lang.L("Pump Connect can't start"), err: err,
			text: lang.L("Your accounts were saved by a newer version of Pump Connect. Install that version again to use them.")}
	default:
		return problem{screen: screenStartup, title: lang.L("Pump Connect can't start"), err: err,
			text: lang.L("Pump Connect can't use its settings folder on this computer. Check that the disk isn't full and that the folder named under Details belongs to you, then start Pump Connect again.")}
	}
}

// screenStartup names the window that explains why the app cannot start.
const screenStartup = "startup-problem"

// ShowStartupProblem shows, in a small window of its own, why the app
// cannot start, and returns when the person closes it. It runs the app's
// event loop: call it instead of the main window, never with it.
func ShowStartupProblem(a fyne.App, appName string, icon fyne.Resource, err error) {
	w := a.NewWindow(appName)
	if icon != nil {
		w.SetIcon(icon)
	}
	s := newProblemScreen(w.Close)
	p := startupProblem(err)
	p.primary, p.onPrimary = lang.L("Close"), w.Close
	v := s.show(p)
	w.SetContent(v.content)
	w.Resize(fyne.NewSize(minWindowSize.Width, 260))
	w.Canvas().Focus(s.primary)
	w.ShowAndRun()
}
