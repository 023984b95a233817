package gui

import (
	"html"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/widget"
)

// noteEntry is the multi-line box a note is written in: Enter starts a
// new line, Ctrl+Enter posts, Escape goes to onEscape.
type noteEntry struct {
	widget.Entry
	onPost, onEscape func()
}

func newNoteEntry(onPost, onEscape func()) *noteEntry {
	e := &noteEntry{onPost: onPost, onEscape: onEscape}
	e.ExtendBaseWidget(e)
	e.MultiLine = true
	e.Wrapping = fyne.TextWrapWord
	e.PlaceHolder = lang.L("What's new? Ctrl+Enter posts.")
	e.SetMinRowsVisible(3)
	return e
}

// AcceptsTab implements fyne.Tabbable: a multi-line Entry keeps Tab (and
// Shift+Tab) for itself, which would trap someone using the keyboard alone
// in the box. A note has no use for a tab character: Tab moves on.
func (e *noteEntry) AcceptsTab() bool { return false }

// TypedKey implements fyne.Focusable.
func (e *noteEntry) TypedKey(ev *fyne.KeyEvent) {
	if ev.Name == fyne.KeyEscape && e.onEscape != nil {
		e.onEscape()
		return
	}
	e.Entry.TypedKey(ev)
}

// TypedShortcut implements fyne.Shortcutable: the focused entry gets the
// shortcuts before the window does, so it catches Ctrl+Enter itself.
func (e *noteEntry) TypedShortcut(s fyne.Shortcut) {
	if c, ok := s.(*desktop.CustomShortcut); ok && isPostShortcut(c) {
		if e.onPost != nil && !e.Disabled() {
			e.onPost()
		}
		return
	}
	e.Entry.TypedShortcut(s)
}

// isPostShortcut: Ctrl+Enter, or Cmd+Enter on a Mac.
func isPostShortcut(c *desktop.CustomShortcut) bool {
	enter := c.KeyName == fyne.KeyReturn || c.KeyName == fyne.KeyEnter
	return enter && (c.Modifier == fyne.KeyModifierControl || c.Modifier == fyne.KeyModifierSuper)
}

// maxNote bounds a note, in characters: a pasted book is refused, not sent.
const maxNote = 5000

// cleanNote is the note as it will be sent: trimmed; "" when there is
// nothing to send.
func cleanNote(text string) string { return strings.TrimSpace(text) }

// noteHTML turns what the person typed into the HTML pump.io expects:
// what they typed shows as they typed it ("a <b> c" stays text), and their
// line breaks stay.
func noteHTML(text string) string {
	lines := strings.Split(strings.ReplaceAll(cleanNote(text), "\r\n", "\n"), "\n")
	for i, l := range lines {
		lines[i] = html.EscapeString(l)
	}
	return strings.Join(lines, "<br>\n")
}

// tooLong says a note is over maxNote characters.
func tooLong(n int) string {
	return lang.L("This note is {{.Length}} characters long; a note can have up to {{.Max}}. Shorten it, then post again.", args{"Length": n, "Max": maxNote})
}
