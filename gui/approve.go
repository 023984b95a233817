package gui

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/widget"

	"github.com/pumpconnect/pumpconnect/pumpauth"
)

// approveActions are what the approve screen reports.
type approveActions struct {
	copy      func(link string) // to the clipboard
	enterCode func()
	cancel    func()
}

// approveScreen waits while the person approves in their browser; the
// loopback callback ends it by itself.
type approveScreen struct {
	act        approveActions
	title      *widget.Label
	text       *widget.Label
	bar        *widget.ProgressBarInfinite
	linkIntro  *widget.Label
	link       *widget.Label // the authorize URL, selectable
	copyLink   *keyButton    // says "Link copied" once pressed
	codeButton *keyButton    // "Enter a code instead"
	cancel     *keyButton
	content    fyne.CanvasObject
}

// The Copy link button's label, before and after it was pressed.
func copyLinkText() string   { return lang.L("Copy link") }
func linkCopiedText() string { return lang.L("Link copied") }

func newApproveScreen(escape func(), act approveActions) *approveScreen {
	s := &approveScreen{act: act}
	s.title = newTitle(lang.L("Approve in your browser"))
	s.text = newText("")
	s.bar = widget.NewProgressBarInfinite()
	s.bar.Stop()
	s.linkIntro = newText(lang.L("No browser opened? Copy this link into it. Browser on another computer? Enter a code instead."))
	// Not Selectable: a selectable Label is a Tab stop that swallows Enter
	// and Escape (Fyne 2.7); Copy link copies it, from the keyboard too.
	s.link = &widget.Label{Wrapping: fyne.TextWrapBreak, Truncation: fyne.TextTruncateOff}
	s.copyLink = newKeyButton(copyLinkText(), widget.MediumImportance, s.onCopyLink, escape)
	s.codeButton = newKeyButton(lang.L("Enter a code instead"), widget.LowImportance, act.enterCode, escape)
	s.cancel = newKeyButton(lang.L("Cancel"), widget.MediumImportance, act.cancel, escape)
	// The buttons sit below the scrolling text, so they show at any window size.
	s.content = page(s.title,
		[]fyne.CanvasObject{s.text, s.bar, s.linkIntro, s.link},
		buttonRow([]fyne.CanvasObject{s.codeButton}, s.copyLink, s.cancel))
	return s
}

// show fills in the server and the link, opened in the browser.
func (s *approveScreen) show(addr pumpauth.Address, link string) view {
	s.text.SetText(lang.L("Your browser is open on {{.Server}}. Log in if asked, then press Authorize. Pump Connect will continue by itself.", args{"Server": addr.HostPort()}))
	s.link.SetText(link)
	s.copyLink.SetText(copyLinkText())
	s.bar.Start()
	return view{name: screenApprove, content: s.content, onEscape: s.act.cancel, leave: s.bar.Stop}
}

// browserFailed says so when the browser could not be opened.
func (s *approveScreen) browserFailed() {
	s.text.SetText(lang.L("Pump Connect couldn't open your browser. Copy the link below into your browser, log in if asked, then press Authorize. Pump Connect will continue by itself."))
}

func (s *approveScreen) onCopyLink() {
	s.act.copy(s.link.Text)
	s.copyLink.SetText(linkCopiedText())
}
