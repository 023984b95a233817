package gui

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/widget"
)

// showNotice tells, over whatever screen shows, what the store repaired
// at start. Its OK button has the keyboard: Enter or Escape closes it, and
// the screen below gets the keyboard back (a screen shown meanwhile does
// not take it from the notice).
func (u *UI) showNotice(text string) {
	ok := newKeyButton("OK", widget.HighImportance, nil, nil)
	content := container.NewVBox(newText(text), container.NewHBox(layout.NewSpacer(), ok))
	d := dialog.NewCustomWithoutButtons("Your settings were repaired", content, u.win)
	ok.OnTapped, ok.onEscape = d.Hide, d.Hide
	d.SetOnClosed(func() {
		u.notice = nil
		u.focusCurrent()
	})
	d.Resize(fyne.NewSize(minWindowSize.Width-40, 0))
	u.notice = d
	d.Show()
	u.win.Canvas().Focus(ok)
}

// focusCurrent gives the keyboard to the current screen's default widget.
func (u *UI) focusCurrent() {
	if u.current.focus != nil {
		u.win.Canvas().Focus(u.current.focus)
	} else {
		u.win.Canvas().Unfocus()
	}
}
