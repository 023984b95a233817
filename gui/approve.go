package gui

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/widget"

	"github.com/pumpconnect/pumpconnect/pumpauth"
)

// approveScreen waits while the person approves in their browser; the
// loopback callback ends it by itself.
type approveScreen struct {
	u          *UI
	title      *widget.Label
	text       *widget.Label
	bar        *widget.ProgressBarInfinite
	linkIntro  *widget.Label
	link       *widget.Label // the authorize URL, selectable
	copyLink   *keyButton    // says "Link copied" once pressed
	codeButton *keyButton    // "Enter a code instead"
	cancel     *keyButton
	content    fyne.CanvasObject

	// the flow this screen belongs to
	pump      *pumpauth.Pump
	address   string
	plainHTTP bool
}

// The Copy link button's label, before and after it was pressed.
const (
	copyLinkText   = "Copy link"
	linkCopiedText = "Link copied"
)

func newApproveScreen(u *UI) *approveScreen {
	s := &approveScreen{u: u}
	s.title = newTitle("Approve in your browser")
	s.text = newText("")
	s.bar = widget.NewProgressBarInfinite()
	s.bar.Stop()
	s.linkIntro = newText("No browser opened? Copy this link into it. Browser on another computer? Enter a code instead.")
	s.link = &widget.Label{Wrapping: fyne.TextWrapBreak, Selectable: true, Truncation: fyne.TextTruncateOff}
	s.copyLink = newKeyButton(copyLinkText, widget.MediumImportance, s.onCopyLink, u.escape)
	s.codeButton = newKeyButton("Enter a code instead", widget.LowImportance, s.onEnterCode, u.escape)
	s.cancel = newKeyButton("Cancel", widget.MediumImportance, s.onCancel, u.escape)
	// The buttons sit below the scrolling text, so they show at any window size.
	s.content = page(s.title,
		[]fyne.CanvasObject{s.text, s.bar, s.linkIntro, s.link},
		buttonRow([]fyne.CanvasObject{s.codeButton}, s.copyLink, s.cancel))
	return s
}

// showApprove shows the approval screen for link, opened in the browser.
func (u *UI) showApprove(p *pumpauth.Pump, address string, plainHTTP bool, link string) {
	s := u.approve
	s.pump, s.address, s.plainHTTP = p, address, plainHTTP
	s.text.SetText("Your browser is open on " + hostOf(address) + ". Log in if asked, then press Authorize. Pump Connect will continue by itself.")
	s.link.SetText(link)
	s.copyLink.SetText(copyLinkText)
	s.bar.Start()
	u.show(screenApprove, s.content, nil, nil, s.onCancel)
}

// browserFailed says so when the browser could not be opened.
func (s *approveScreen) browserFailed() {
	s.text.SetText("Pump Connect couldn't open your browser. Copy the link below into your browser, log in if asked, then press Authorize. Pump Connect will continue by itself.")
}

func (s *approveScreen) onCopyLink() {
	s.u.app.Clipboard().SetContent(s.link.Text)
	s.copyLink.SetText(linkCopiedText)
}

func (s *approveScreen) onEnterCode() {
	s.u.enterCode(s.pump, s.address, s.plainHTTP)
}

func (s *approveScreen) onCancel() {
	s.u.showAddress(s.address, s.plainHTTP, "")
}
