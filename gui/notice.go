package gui

import (
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/widget"

	"github.com/pumpconnect/pumpconnect/persist"
)

// showNotice tells, over whatever screen shows, what the store repaired
// at start. Its OK button has the keyboard: Enter or Escape closes it, and
// the screen below gets the keyboard back (a screen shown meanwhile does
// not take it from the notice).
func (u *UI) showNotice(text string) {
	ok := newKeyButton(lang.L("OK"), widget.HighImportance, nil, nil)
	content := container.NewVBox(newText(text), container.NewHBox(layout.NewSpacer(), ok))
	d := dialog.NewCustomWithoutButtons(lang.L("Your settings were repaired"), content, u.win)
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

// keyDialog shows a dialog whose buttons the keyboard runs: the first one
// (the safe choice: Keep, Cancel, OK) has the keyboard when it opens, Tab
// goes through them left to right, Enter presses the focused one and
// Escape closes the dialog from any of them. Each button closes the dialog
// before doing what it says. Fyne's own dialogs take neither Enter nor
// Escape. When it closes, the keyboard is back where it was on the screen
// below (the screen keeps its focus under a dialog), or on the screen's
// default widget if nothing had it. UI goroutine.
func (u *UI) keyDialog(title string, content fyne.CanvasObject, buttons ...*keyButton) dialog.Dialog {
	row := container.NewHBox(layout.NewSpacer())
	for _, b := range buttons {
		row.Add(b)
	}
	d := dialog.NewCustomWithoutButtons(title, container.NewVBox(content, row), u.win)
	for _, b := range buttons {
		then := b.OnTapped
		b.OnTapped = func() {
			d.Hide()
			if then != nil {
				then()
			}
		}
		b.onEscape = d.Hide
	}
	d.SetOnClosed(u.refocus)
	d.Resize(fyne.NewSize(minWindowSize.Width-40, 0))
	d.Show()
	u.win.Canvas().Focus(buttons[0])
	return d
}

// refocus gives the keyboard to the screen's default widget when nothing
// on the screen has it (after a dialog closes).
func (u *UI) refocus() {
	if u.win.Canvas().Focused() == nil {
		u.focusCurrent()
	}
}

// focusCurrent gives the keyboard to the current screen's default widget.
func (u *UI) focusCurrent() {
	if u.current.focus != nil {
		u.win.Canvas().Focus(u.current.focus)
	} else {
		u.win.Canvas().Unfocus()
	}
}

// repairText says in plain words what the store repaired at start; "" for nothing.
func repairText(r persist.Repair) string {
	var parts []string
	if r.File {
		if r.Missing {
			parts = append(parts, lang.L("Pump Connect's settings file was missing."))
		} else {
			parts = append(parts, lang.L("Pump Connect's settings file was damaged."))
		}
		if r.Restored == 0 && len(r.Lost) == 0 {
			parts = append(parts, lang.L("It had to be reset."))
		}
		if r.Restored > 0 {
			parts = append(parts, lang.N("Your account was restored.", r.Restored, args{"Count": r.Restored}))
		}
		if len(r.Lost) > 0 {
			parts = append(parts, lang.N("{{.Count}} account could not be restored: please connect {{.Accounts}} again.", len(r.Lost),
				args{"Count": len(r.Lost), "Accounts": listOf(r.Lost)}))
		}
	}
	if r.SetAside != "" {
		if len(parts) == 0 {
			parts = append(parts, lang.L("Pump Connect's settings file held something it could not read. It was set aside as {{.Name}} in the settings folder; your accounts are as they were.",
				args{"Name": r.SetAside}))
		} else {
			parts = append(parts, lang.L("What was there is kept as {{.Name}} in the settings folder.", args{"Name": r.SetAside}))
		}
	}
	return strings.Join(parts, " ")
}

// listOf names addresses: "a", "a and b", "a, b and c".
func listOf(addrs []string) string {
	if len(addrs) < 2 {
		return strings.Join(addrs, "")
	}
	return lang.L("{{.List}} and {{.Last}}", args{"List": strings.Join(addrs[:len(addrs)-1], ", "), "Last": addrs[len(addrs)-1]})
}
