package gui

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/widget"

	"github.com/pumpconnect/pumpconnect/pumpauth"
)

// addressActions are what the address screen reports.
type addressActions struct {
	connect func(pumpauth.Address) // a checked address, with the plain-http choice
	open    func(Account)          // a saved account
	forget  func(Account)
	focus   func(fyne.Focusable) // gives the field the focus back after a refusal
}

// addressScreen asks for the pump.io address: the first screen. It parses
// what is typed, once, into a pumpauth.Address.
type addressScreen struct {
	act          addressActions
	escape       func()
	title        *widget.Label
	label        *widget.Label
	entry        *keyEntry
	hint         *widget.Label
	problem      *widget.Label // the address check's message; hidden when fine
	plainHTTP    *keyCheck
	plainWarning *widget.Label
	advanced     *disclosure
	connect      *keyButton
	savedTitle   *widget.Label
	saved        *fyne.Container // one row per stored account: name, Open, Forget
	content      fyne.CanvasObject
}

func newAddressScreen(escape func(), act addressActions) *addressScreen {
	s := &addressScreen{act: act, escape: escape}
	s.title = newTitle(lang.L("Connect your pump.io account"))
	s.label = &widget.Label{Text: lang.L("Your pump.io address"), TextStyle: fyne.TextStyle{Bold: true}}
	s.entry = newKeyEntry("alice@pump.example", escape)
	s.entry.OnSubmitted = func(string) { s.onConnect() }
	s.entry.OnChanged = s.onChanged
	s.hint = newText(lang.L("It's your user name and your server, as in alice@pump.example — you'll find it on your profile page. Press Enter, then approve in your browser."))
	s.problem = newText("")
	s.problem.Importance = widget.DangerImportance
	s.problem.Hide()
	s.plainHTTP = newKeyCheck(lang.L("Allow plain HTTP (not secure)"), s.onConnect, escape)
	s.plainWarning = newText(lang.L("Only for a server you run yourself on a network you trust: without HTTPS, others on the way can read everything."))
	s.plainWarning.Importance = widget.WarningImportance
	s.advanced = newDisclosure(lang.L("Advanced"), container.NewVBox(s.plainHTTP, s.plainWarning), escape)
	s.connect = newKeyButton(lang.L("Connect"), widget.HighImportance, s.onConnect, escape)
	s.savedTitle = &widget.Label{Text: lang.L("Saved on this computer"), TextStyle: fyne.TextStyle{Bold: true}}
	s.saved = container.NewVBox()
	// The saved accounts scroll on their own below the field, so the field,
	// Connect and the first accounts show at any window size.
	// Tab goes from the field to Connect, Advanced, then the saved accounts.
	top := container.NewVBox(s.title, s.label, border(nil, nil, nil, s.connect, s.entry),
		s.problem, s.hint, s.advanced.content, s.savedTitle)
	s.content = border(container.NewPadded(top), nil, nil, nil, container.NewVScroll(container.NewPadded(s.saved)))
	return s
}

// show fills the screen: typed in the field (with the plain-http choice),
// problem under it when not empty, and the saved accounts.
func (s *addressScreen) show(typed string, plainHTTP bool, problem string, accounts []Account) view {
	s.entry.OnChanged = nil
	s.entry.SetText(typed)
	s.entry.OnChanged = s.onChanged
	s.entry.CursorColumn = len([]rune(typed))
	s.plainHTTP.SetChecked(plainHTTP)
	if plainHTTP {
		s.advanced.open()
	}
	s.setProblem(problem)
	s.listSaved(accounts)
	return view{name: screenAddress, content: s.content, focus: s.entry, onEnter: s.onConnect}
}

// listSaved shows the stored accounts, so any of them can be opened again
// or forgotten (with every secret of it), not only the current one.
func (s *addressScreen) listSaved(accounts []Account) {
	s.saved.RemoveAll()
	for _, acct := range accounts {
		label := &widget.Label{Text: accountName(acct), Truncation: fyne.TextTruncateEllipsis}
		open := newKeyButton(lang.L("Open"), widget.LowImportance, func() { s.act.open(acct) }, s.escape)
		forget := newKeyButton(lang.L("Forget"), widget.LowImportance, func() { s.act.forget(acct) }, s.escape)
		s.saved.Add(border(nil, nil, nil, container.NewHBox(open, forget), label))
	}
	if len(accounts) == 0 {
		s.savedTitle.Hide()
		s.hint.Show()
	} else {
		// Someone with saved accounts knows what an address is: the room goes to the list.
		s.savedTitle.Show()
		s.hint.Hide()
	}
	s.saved.Refresh()
}

func (s *addressScreen) setProblem(msg string) {
	s.problem.SetText(msg)
	if msg == "" {
		s.problem.Hide()
	} else {
		s.problem.Show()
	}
}

// onChanged re-checks the address while a message is shown, so the
// message goes away as soon as the address is right.
func (s *addressScreen) onChanged(text string) {
	if !s.problem.Visible() {
		return
	}
	if _, err := pumpauth.ParseAddress(text); err != nil {
		s.setProblem(Explain(err))
	} else {
		s.setProblem("")
	}
}

// onConnect checks the address and reports it.
func (s *addressScreen) onConnect() {
	addr, err := pumpauth.ParseAddress(s.entry.Text)
	if err != nil {
		s.setProblem(Explain(err))
		if s.act.focus != nil {
			s.act.focus(s.entry)
		}
		return
	}
	s.setProblem("")
	addr.PlainHTTP = s.plainHTTP.Checked
	s.act.connect(addr)
}
