package gui

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/pumpconnect/pumpconnect/pumpauth"
)

// avatarSize is the side of the avatar at the top of the account home.
const avatarSize = 56

// homeActions are what the account home reports.
type homeActions struct {
	post     func(text string, audience pumpauth.Audience)
	refresh  func()
	older    func()
	open     func(link string) // opens a page of the account's server in the browser
	accounts func()            // the account switcher
	another  func()
	forget   func(pumpauth.Address)
	scripts  func(pumpauth.Address)
}

// homeScreen is the account home: who is connected, a box to post a
// note, and the inbox. It shows what the controller gives it; the inbox's
// rows are plain text (inbox.go).
type homeScreen struct {
	act     homeActions
	avatar  *canvas.Image // a placeholder icon until the picture arrives
	who     *widget.Label
	counts  *widget.Label
	switchB *keyButton

	note     *noteEntry
	audience *widget.RadioGroup
	// The audience choices, as the post box says them.
	audiencePublic, audienceFollowers string
	postButton                        *keyButton
	postStatus                        *widget.Label
	openPosted                        *keyButton
	posted                            string // the web page of the note just posted

	inbox  *inboxView
	escape func() // for the buttons of the inbox's rows

	another *keyButton
	forget  *keyButton
	scripts *keyButton
	content fyne.CanvasObject

	addr pumpauth.Address
}

func newHomeScreen(escape func(), act homeActions) *homeScreen {
	s := &homeScreen{act: act}
	s.avatar = newAvatarImage(avatarSize)
	s.who = newText("")
	s.who.TextStyle = fyne.TextStyle{Bold: true}
	s.counts = newText("")
	s.switchB = newKeyButton(lang.L("Accounts"), widget.MediumImportance, act.accounts, escape)
	s.switchB.Icon = theme.AccountIcon()

	s.note = newNoteEntry(s.onPost, escape)
	s.audiencePublic, s.audienceFollowers = lang.L("Everyone (public)"), lang.L("Only people who follow you")
	s.audience = widget.NewRadioGroup([]string{s.audiencePublic, s.audienceFollowers}, nil)
	s.audience.Required = true
	s.audience.SetSelected(s.audiencePublic)
	s.postButton = newKeyButton(lang.L("Post"), widget.HighImportance, s.onPost, escape)
	s.postStatus = newText("")
	s.postStatus.Hide()
	s.openPosted = newKeyButton(lang.L("Open it in your browser"), widget.LowImportance, func() {
		if s.posted != "" {
			act.open(s.posted)
		}
	}, escape)
	s.openPosted.Hide()

	s.inbox = newInboxView(escape, act.refresh, act.older)
	s.escape = escape

	s.another = newKeyButton(lang.L("Add another account"), widget.MediumImportance, act.another, escape)
	s.forget = newKeyButton(lang.L("Forget this account"), widget.MediumImportance, func() { act.forget(s.addr) }, escape)
	s.scripts = newKeyButton(lang.L("Use in scripts…"), widget.MediumImportance, func() { act.scripts(s.addr) }, escape)

	profile := border(nil, nil, container.NewPadded(s.avatar), container.NewCenter(s.switchB),
		container.NewVBox(s.who, s.counts))
	postBox := container.NewVBox(
		&widget.Label{Text: lang.L("Post a note"), TextStyle: fyne.TextStyle{Bold: true}},
		s.note,
		border(nil, nil, nil, container.NewVBox(s.postButton), s.audience),
		border(nil, nil, nil, s.openPosted, s.postStatus),
	)
	// One scroll for the post box and the inbox, as a page: at the
	// smallest window the inbox is below the fold, never squeezed.
	body := container.NewVScroll(container.NewPadded(container.NewVBox(postBox, widget.NewSeparator(), s.inbox.content)))
	// Tab goes as the eye does: Accounts at the top, the post box, the
	// inbox, then the buttons at the bottom.
	s.content = border(
		container.NewVBox(container.NewPadded(profile), widget.NewSeparator()),
		container.NewPadded(buttonRow([]fyne.CanvasObject{s.forget}, s.scripts, s.another)),
		nil, nil, body)
	return s
}

// connectedAs is "Connected as Alice Example (alice@pump.example)", or
// with the address alone. The name is the server's text, cleaned.
func connectedAs(addr pumpauth.Address, p pumpauth.Profile) string {
	if name := pumpauth.CleanDisplayName(p.DisplayName); name != "" {
		return lang.L("Connected as {{.Name}} ({{.Account}})", args{"Name": name, "Account": addr.String()})
	}
	return lang.L("Connected as {{.Account}}", args{"Account": addr.String()})
}

// followCounts is "3 followers · 1 following".
func followCounts(p pumpauth.Profile) string {
	return lang.N("{{.Count}} followers", p.Followers, args{"Count": p.Followers}) + " · " +
		lang.N("{{.Count}} following", p.Following, args{"Count": p.Following})
}

// show fills the home for a newly connected account: the placeholder
// picture, an empty post box, and the inbox loading.
func (s *homeScreen) show(addr pumpauth.Address, prof pumpauth.Profile) view {
	if addr != s.addr {
		// Another account: its own empty box. The same account (back after
		// approving again) keeps what was being written.
		s.note.SetText("")
		s.audience.SetSelected(s.audiencePublic)
	}
	s.addr = addr
	s.who.SetText(connectedAs(addr, prof))
	s.counts.SetText(followCounts(prof))
	showAvatar(s.avatar, nil)
	s.setPosting(false)
	s.postStatus.Hide()
	s.openPosted.Hide()
	s.posted = ""
	s.inbox.reset()
	return s.view()
}

// view is the home as it stands, to go back to from the account switcher.
func (s *homeScreen) view() view {
	return view{name: screenHome, content: s.content, focus: s.note}
}

// onPost reports the note, unless it is empty or one is on its way.
func (s *homeScreen) onPost() {
	if s.postButton.Disabled() {
		return
	}
	text := s.note.Text
	if cleanNote(text) == "" {
		s.setPostStatus(lang.L("Write something first."), widget.WarningImportance)
		return
	}
	audience := pumpauth.Public
	if s.audience.Selected == s.audienceFollowers {
		audience = pumpauth.FollowersOnly
	}
	s.act.post(text, audience)
}

// setPosting disables the post box while a note is on its way.
func (s *homeScreen) setPosting(on bool) {
	if on {
		s.postButton.Disable()
		s.note.Disable()
		s.setPostStatus(lang.L("Posting…"), widget.MediumImportance)
		s.openPosted.Hide()
		return
	}
	s.postButton.Enable()
	s.note.Enable()
}

func (s *homeScreen) setPostStatus(text string, imp widget.Importance) {
	s.postStatus.Importance = imp
	s.postStatus.SetText(text)
	s.postStatus.Show()
}

// notePosted empties the box, says where the note went and puts it at the
// top of the inbox with its link.
func (s *homeScreen) notePosted(act pumpauth.Activity, audience pumpauth.Audience) {
	s.setPosting(false)
	s.note.SetText("")
	msg := lang.L("Posted for everyone.")
	if audience == pumpauth.FollowersOnly {
		msg = lang.L("Posted for the people who follow you.")
	}
	s.setPostStatus(msg, widget.SuccessImportance)
	s.posted = webLink(act.URL)
	if s.posted != "" {
		s.openPosted.Show()
	}
	s.inbox.prepend(act, s.posted, s.act.open, s.escape)
}

// postFailed says why the note did not go; the text stays in the box.
func (s *homeScreen) postFailed(msg string) {
	s.setPosting(false)
	s.setPostStatus(msg, widget.DangerImportance)
}
