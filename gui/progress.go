package gui

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/widget"
)

// progressScreen shows that something runs (contacting the server,
// registering, reconnecting) and lets the person cancel it.
type progressScreen struct {
	title   *widget.Label
	text    *widget.Label
	bar     *widget.ProgressBarInfinite
	cancel  *keyButton
	content fyne.CanvasObject
	view    view
}

func newProgressScreen(escape, onCancel func()) *progressScreen {
	s := &progressScreen{}
	s.title = newTitle("")
	s.text = newText("")
	s.bar = widget.NewProgressBarInfinite()
	s.bar.Stop()
	s.cancel = newKeyButton(lang.L("Cancel"), widget.MediumImportance, onCancel, escape)
	s.content = page(s.title, []fyne.CanvasObject{s.text, s.bar}, buttonRow(nil, s.cancel))
	s.view = view{name: screenProgress, content: s.content, onEscape: onCancel, leave: s.bar.Stop}
	return s
}

// show fills in title and text and starts the bar; Cancel and Escape cancel.
func (s *progressScreen) show(title, text string) view {
	s.title.SetText(title)
	s.text.SetText(text)
	s.bar.Start()
	return s.view
}
