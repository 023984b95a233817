package gui

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
)

// A focused widget gets the keys before the canvas does, so the entries
// and buttons of this package pass Escape (and, for buttons, Enter) on
// themselves: Escape cancels whatever screen shows, wherever the focus is.

// keyEntry is a one-line Entry that hands Escape to onEscape.
type keyEntry struct {
	widget.Entry
	onEscape func()
}

func newKeyEntry(placeholder string, onEscape func()) *keyEntry {
	e := &keyEntry{onEscape: onEscape}
	e.ExtendBaseWidget(e)
	e.PlaceHolder = placeholder
	return e
}

// TypedKey implements fyne.Focusable.
func (e *keyEntry) TypedKey(ev *fyne.KeyEvent) {
	if ev.Name == fyne.KeyEscape && e.onEscape != nil {
		e.onEscape()
		return
	}
	e.Entry.TypedKey(ev)
}

// keyButton is a Button that Enter and Return press, as Space does, and
// that hands Escape to onEscape.
type keyButton struct {
	widget.Button
	onEscape func()
}

func newKeyButton(label string, importance widget.Importance, tapped, onEscape func()) *keyButton {
	b := &keyButton{onEscape: onEscape}
	b.ExtendBaseWidget(b)
	b.Text = label
	b.Importance = importance
	b.OnTapped = tapped
	return b
}

// TypedKey implements fyne.Focusable.
func (b *keyButton) TypedKey(ev *fyne.KeyEvent) {
	switch ev.Name {
	case fyne.KeyReturn, fyne.KeyEnter:
		b.Tapped(nil)
	case fyne.KeyEscape:
		if b.onEscape != nil {
			b.onEscape()
		}
	default:
		b.Button.TypedKey(ev)
	}
}

// wrapped labels: every text of this package wraps, so no message makes the window grow.
func newText(s string) *widget.Label {
	return &widget.Label{Text: s, Wrapping: fyne.TextWrapWord}
}

func newTitle(s string) *widget.Label {
	return &widget.Label{Text: s, Wrapping: fyne.TextWrapWord, TextStyle: fyne.TextStyle{Bold: true},
		SizeName: theme.SizeNameSubHeadingText}
}
