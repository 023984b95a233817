package gui

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/layout"
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

// border is container.NewBorder with its parts in reading order (top,
// left, center, right, bottom). Fyne moves the focus with Tab in the order
// of a container's objects, and NewBorder puts the center first: a button
// at the top would come after everything below it.
func border(top, bottom, left, right, center fyne.CanvasObject) *fyne.Container {
	var objs []fyne.CanvasObject
	for _, o := range []fyne.CanvasObject{top, left, center, right, bottom} {
		if o != nil {
			objs = append(objs, o)
		}
	}
	return container.New(layout.NewBorderLayout(top, bottom, left, right), objs...)
}

// keyCheck is a Check that Enter hands to onEnter (the screen's default
// action, as in a form) and Escape to onEscape; Space ticks it.
type keyCheck struct {
	widget.Check
	onEnter, onEscape func()
}

func newKeyCheck(label string, onEnter, onEscape func()) *keyCheck {
	c := &keyCheck{onEnter: onEnter, onEscape: onEscape}
	c.ExtendBaseWidget(c)
	c.Text = label
	return c
}

// TypedKey implements fyne.Focusable.
func (c *keyCheck) TypedKey(ev *fyne.KeyEvent) {
	switch ev.Name {
	case fyne.KeyReturn, fyne.KeyEnter:
		if c.onEnter != nil {
			c.onEnter()
		}
	case fyne.KeyEscape:
		if c.onEscape != nil {
			c.onEscape()
		}
	default:
		c.Check.TypedKey(ev)
	}
}

// disclosure is a header button that shows or hides detail below it, as
// widget.Accordion's one item does; its header is a keyButton, so Enter
// opens it and Escape still cancels the screen (the Accordion's own header
// takes neither).
type disclosure struct {
	header  *keyButton
	detail  fyne.CanvasObject
	content *fyne.Container
}

func newDisclosure(title string, detail fyne.CanvasObject, onEscape func()) *disclosure {
	d := &disclosure{detail: detail}
	d.header = newKeyButton(title, widget.LowImportance, d.toggle, onEscape)
	d.header.Alignment = widget.ButtonAlignLeading
	d.header.IconPlacement = widget.ButtonIconLeadingText
	d.content = container.NewVBox(d.header, detail)
	d.close()
	return d
}

func (d *disclosure) isOpen() bool { return d.detail.Visible() }

func (d *disclosure) open() {
	d.header.SetIcon(theme.MenuDropUpIcon())
	d.detail.Show()
	d.content.Refresh()
}

func (d *disclosure) close() {
	d.header.SetIcon(theme.MenuDropDownIcon())
	d.detail.Hide()
	d.content.Refresh()
}

func (d *disclosure) toggle() {
	if d.isOpen() {
		d.close()
	} else {
		d.open()
	}
}
