package gui

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
)

// problem is what the problem screen shows: a title, one sentence for
// people (from Explain, or text), the technical details, and two actions.
type problem struct {
	screen      string // the screen's name; "" is screenProblem
	title       string
	text        string // "" means Explain(err)
	err         error  // its text goes to Details; nil: no Details
	primary     string // e.g. "Retry"; "" for none
	onPrimary   func()
	secondary   string // e.g. "Back"
	onSecondary func()
	onEscape    func() // Escape; nil: onSecondary
}

// problemScreen explains an error, or why the permission must be given again.
type problemScreen struct {
	title     *widget.Label
	text      *widget.Label
	details   *widget.Label // the technical cause, wrapped and scrollable
	more      *disclosure   // "Details": the technical cause, closed at first
	primary   *keyButton
	secondary *keyButton
	content   fyne.CanvasObject

	shown problem
}

func newProblemScreen(escape func()) *problemScreen {
	s := &problemScreen{}
	s.title = newTitle("")
	s.text = newText("")
	s.details = &widget.Label{Wrapping: fyne.TextWrapBreak, Selectable: true, SizeName: theme.SizeNameCaptionText}
	scroll := container.NewVScroll(s.details)
	scroll.SetMinSize(fyne.NewSize(0, 72))
	s.more = newDisclosure(lang.L("Details"), scroll, escape)
	s.primary = newKeyButton("", widget.HighImportance, s.onPrimary, escape)
	s.secondary = newKeyButton("", widget.MediumImportance, s.onSecondary, escape)
	s.content = page(s.title, []fyne.CanvasObject{s.text, s.more.content}, buttonRow(nil, s.secondary, s.primary))
	return s
}

// show fills the screen with p; Enter runs the primary action, Escape
// onEscape (or the secondary). secrets are blanked in Details.
func (s *problemScreen) show(p problem, secrets ...string) view {
	s.shown = p
	s.title.SetText(p.title)
	text := p.text
	if text == "" {
		text = Explain(p.err)
	}
	s.text.SetText(text)
	s.more.close()
	if p.err != nil {
		s.details.SetText(details(p.err, secrets...))
		s.more.content.Show()
	} else {
		s.details.SetText("")
		s.more.content.Hide()
	}
	setButton(s.primary, p.primary)
	setButton(s.secondary, p.secondary)
	var enter, escape func()
	if p.onPrimary != nil {
		enter = s.onPrimary
	}
	if p.onEscape != nil {
		escape = p.onEscape
	} else if p.onSecondary != nil {
		escape = s.onSecondary
	}
	name := p.screen
	if name == "" {
		name = screenProblem
	}
	// The keyboard starts on the primary action, which Enter runs anyway.
	var focus fyne.Focusable
	if s.primary.Visible() {
		focus = s.primary
	} else if s.secondary.Visible() {
		focus = s.secondary
	}
	return view{name: name, content: s.content, focus: focus, onEnter: enter, onEscape: escape}
}

func setButton(b *keyButton, label string) {
	b.SetText(label)
	if label == "" {
		b.Hide()
	} else {
		b.Show()
	}
}

func (s *problemScreen) onPrimary() {
	if f := s.shown.onPrimary; f != nil {
		f()
	}
}

func (s *problemScreen) onSecondary() {
	if f := s.shown.onSecondary; f != nil {
		f()
	}
}
