package gui

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/widget"
)

// progressScreen shows that something runs (contacting the server,
// registering, reconnecting) and lets the person cancel it.
type progressScreen struct {
	u        *UI
	title    *widget.Label
	text     *widget.Label
	bar      *widget.ProgressBarInfinite
	cancel   *keyButton
	onCancel func()
	content  fyne.CanvasObject
}

func newProgressScreen(u *UI) *progressScreen {
	s := &progressScreen{u: u}
	s.title = newTitle("")
	s.text = newText("")
	s.bar = widget.NewProgressBarInfinite()
	s.bar.Stop()
	s.cancel = newKeyButton("Cancel", widget.MediumImportance, s.onCancelTapped, u.escape)
	s.content = page(s.title, []fyne.CanvasObject{s.text, s.bar}, buttonRow(nil, s.cancel))
	return s
}

// showProgress shows title and text with a running bar; Cancel and
// Escape call onCancel.
func (u *UI) showProgress(title, text string, onCancel func()) {
	s := u.progress
	s.title.SetText(title)
	s.text.SetText(text)
	s.onCancel = onCancel
	s.bar.Start()
	u.show(screenProgress, s.content, nil, nil, s.onCancelTapped)
}

func (s *progressScreen) onCancelTapped() {
	if s.onCancel != nil {
		s.onCancel()
	}
}
