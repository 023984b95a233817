package gui

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/widget"

	"github.com/pumpconnect/pumpconnect/pumpauth"
)

// codeActions are what the code screen reports.
type codeActions struct {
	copy   func(link string) // to the clipboard
	open   func(link string) // in the browser
	cancel func()
}

// codeScreen is the copy-paste fallback: for a browser on another
// computer, the person opens the link there and pastes the code back.
type codeScreen struct {
	act      codeActions
	title    *widget.Label
	text     *widget.Label
	link     *widget.Label
	copyLink *keyButton // says "Link copied" once pressed
	openLink *keyButton
	label    *widget.Label
	entry    *keyEntry
	problem  *widget.Label // hidden when there is nothing to say
	submit   *keyButton
	cancel   *keyButton
	content  fyne.CanvasObject

	host  string        // the server, for "Checking the code with …"
	codes chan<- string // where a checked code goes; nil while none is awaited
}

func newCodeScreen(escape func(), act codeActions) *codeScreen {
	s := &codeScreen{act: act}
	s.title = newTitle(lang.L("Enter the code from your browser"))
	s.text = newText(lang.L("Open this link in a browser, log in if asked and press Authorize. Then copy the code the page shows and paste it below."))
	s.link = &widget.Label{Wrapping: fyne.TextWrapBreak} // not Selectable, as on the approve screen
	s.copyLink = newKeyButton(copyLinkText(), widget.MediumImportance, s.onCopyLink, escape)
	s.openLink = newKeyButton(lang.L("Open in browser"), widget.MediumImportance, func() { act.open(s.link.Text) }, escape)
	s.label = &widget.Label{Text: lang.L("Code"), TextStyle: fyne.TextStyle{Bold: true}}
	s.entry = newKeyEntry(lang.L("Paste the code here"), escape)
	s.entry.OnSubmitted = func(string) { s.onSubmit() }
	s.problem = newText("")
	s.problem.Importance = widget.DangerImportance
	s.problem.Hide()
	s.submit = newKeyButton(lang.L("Continue"), widget.HighImportance, s.onSubmit, escape)
	s.cancel = newKeyButton(lang.L("Cancel"), widget.MediumImportance, act.cancel, escape)
	// A problem takes the place of the instructions (it says what to do),
	// and the buttons sit below the scrolling text: both show at any size.
	s.content = page(s.title,
		[]fyne.CanvasObject{s.problem, s.text, s.link, s.label, s.entry},
		buttonRow([]fyne.CanvasObject{s.copyLink, s.openLink}, s.cancel, s.submit))
	return s
}

// show empties the screen while the link is being fetched from addr's server.
func (s *codeScreen) show(addr pumpauth.Address) view {
	s.host, s.codes = addr.HostPort(), nil
	s.setLink("")
	s.link.SetText(lang.L("Asking {{.Server}} for a link…", args{"Server": s.host}))
	s.entry.SetText("")
	s.setProblem("")
	s.copyLink.SetText(copyLinkText())
	return view{name: screenCode, content: s.content, focus: s.entry, onEnter: s.onSubmit, onEscape: s.act.cancel}
}

// ready shows link and waits for a code, which goes to codes; problem,
// when not empty, says why the last code was refused.
func (s *codeScreen) ready(link, problem string, codes chan<- string) {
	s.codes = codes
	s.setLink(link)
	s.setProblem(problem)
	s.entry.Enable()
	s.submit.Enable()
	if problem != "" {
		s.entry.SetText("")
	}
}

func (s *codeScreen) setLink(link string) {
	s.link.SetText(link)
	if link == "" {
		s.copyLink.Disable()
		s.openLink.Disable()
	} else {
		s.copyLink.Enable()
		s.openLink.Enable()
	}
}

func (s *codeScreen) setProblem(msg string) {
	s.problem.SetText(msg)
	if msg == "" {
		s.problem.Hide()
		s.text.Show()
	} else {
		s.problem.Show()
		s.text.Hide()
	}
}

func (s *codeScreen) onSubmit() {
	code, err := pumpauth.CleanVerifier(s.entry.Text)
	if err != nil {
		s.setProblem(Explain(err))
		return
	}
	if s.codes == nil {
		return // no link yet, or the last code is being checked
	}
	s.codes <- code // buffered: the flow takes it
	s.codes = nil
	s.setProblem("")
	s.entry.Disable()
	s.submit.Disable()
	s.copyLink.SetText(copyLinkText())
	s.link.SetText(lang.L("Checking the code with {{.Server}}…", args{"Server": s.host}))
	s.copyLink.Disable()
	s.openLink.Disable()
}

func (s *codeScreen) onCopyLink() {
	s.act.copy(s.link.Text)
	s.copyLink.SetText(linkCopiedText())
}
