package gui

import (
	"image"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/widget"
)

// accountState is what the account switcher knows of a stored account.
type accountState int

const (
	stateUnknown         accountState = iota // not looked at in this run
	stateChecking                            // its server is being asked
	stateConnected                           // the server accepts its permission
	stateNeedsPermission                     // the person must approve again
	stateUnreachable                         // its server did not answer
)

// String is the state in words, as the switcher shows it.
func (s accountState) String() string {
	switch s {
	case stateChecking:
		return lang.L("Checking…")
	case stateConnected:
		return lang.L("Connected")
	case stateNeedsPermission:
		return lang.L("Needs your permission again")
	case stateUnreachable:
		return lang.L("Server unreachable")
	default:
		return ""
	}
}

func (s accountState) importance() widget.Importance {
	switch s {
	case stateConnected:
		return widget.SuccessImportance
	case stateNeedsPermission:
		return widget.WarningImportance
	case stateUnreachable:
		return widget.DangerImportance
	default: // "Checking…" in the text colour: LowImportance would be the disabled one
		return widget.MediumImportance
	}
}

// accountEntry is one row of the switcher.
type accountEntry struct {
	acct    Account
	state   accountState
	avatar  image.Image // nil: the placeholder
	current bool        // the account the home shows
}

// switcherActions are what the switcher reports.
type switcherActions struct {
	open    func(Account)
	forget  func(Account)
	another func()
	back    func() // to the home; nil when there is none
}

// switcherScreen lists the stored accounts with their pictures and
// states; any of them can be opened or forgotten, and another added.
type switcherScreen struct {
	act     switcherActions
	escape  func()
	title   *widget.Label
	list    *fyne.Container
	back    *keyButton
	another *keyButton
	content fyne.CanvasObject
	rows    map[string]*switcherRow // by address
}

// switcherRow is one account's widgets, updated in place as its check and
// its picture come in (the focus stays where it is).
type switcherRow struct {
	avatar *canvas.Image
	state  *widget.Label
	open   *keyButton
	forget *keyButton
}

func newSwitcherScreen(escape func(), act switcherActions) *switcherScreen {
	s := &switcherScreen{act: act, escape: escape}
	s.title = newTitle(lang.L("Your accounts"))
	s.list = container.NewVBox()
	s.back = newKeyButton(lang.L("Back"), widget.MediumImportance, func() {
		if s.act.back != nil {
			s.act.back()
		}
	}, escape)
	s.another = newKeyButton(lang.L("Add another account"), widget.HighImportance, act.another, escape)
	s.content = page(s.title, []fyne.CanvasObject{s.list}, buttonRow([]fyne.CanvasObject{s.back}, s.another))
	return s
}

// show lists entries.
func (s *switcherScreen) show(entries []accountEntry) view {
	s.list.RemoveAll()
	s.rows = make(map[string]*switcherRow, len(entries))
	var first fyne.Focusable
	for _, e := range entries {
		r := s.row(e)
		if first == nil && !e.current {
			first = r.open
		}
	}
	s.list.Refresh()
	if first == nil {
		first = s.another
	}
	return view{name: screenAccounts, content: s.content, focus: first, onEscape: s.act.back}
}

func (s *switcherScreen) row(e accountEntry) *switcherRow {
	acct := e.acct
	r := &switcherRow{}
	r.avatar = newAvatarImage(40)
	name := &widget.Label{Text: accountName(acct), TextStyle: fyne.TextStyle{Bold: e.current}, Truncation: fyne.TextTruncateEllipsis}
	r.state = &widget.Label{Wrapping: fyne.TextWrapWord} // a long state in a long language wraps
	r.open = newKeyButton(lang.L("Open"), widget.MediumImportance, func() { s.act.open(acct) }, s.escape)
	r.forget = newKeyButton(lang.L("Forget"), widget.LowImportance, func() { s.act.forget(acct) }, s.escape)
	s.rows[acct.Address] = r
	r.setState(e.state, e.current)
	if e.avatar != nil {
		showAvatar(r.avatar, e.avatar)
	}
	if e.current {
		r.open.Hide() // it shows already: Back goes to it
	}
	s.list.Add(border(nil, nil, container.NewPadded(r.avatar), container.NewCenter(container.NewHBox(r.open, r.forget)),
		container.NewVBox(name, r.state)))
	return r
}

func (r *switcherRow) setState(st accountState, current bool) {
	text := st.String()
	if current {
		text = lang.L("Connected — showing now")
	}
	r.state.Importance = st.importance()
	r.state.SetText(text)
	if st == stateNeedsPermission {
		r.open.SetText(lang.L("Reconnect"))
	} else {
		r.open.SetText(lang.L("Open"))
	}
}

// setState updates an account's row, if it shows.
func (s *switcherScreen) setState(address string, st accountState) {
	if r, ok := s.rows[address]; ok {
		r.setState(st, false)
	}
}

// setAvatar puts an account's picture in its row, if it shows.
func (s *switcherScreen) setAvatar(address string, img image.Image) {
	if r, ok := s.rows[address]; ok {
		showAvatar(r.avatar, img)
	}
}
