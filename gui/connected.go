package gui

import (
	"fmt"
	"image"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/pumpconnect/pumpconnect/pumpauth"
)

// avatarSize is the side of the avatar on the Connected screen.
const avatarSize = 64

// connectedScreen says who is connected and what can be done next.
type connectedScreen struct {
	u       *UI
	title   *widget.Label
	avatar  *canvas.Image // a placeholder icon until the picture arrives
	who     *widget.Label
	next    *widget.Label
	another *keyButton
	forget  *keyButton
	content fyne.CanvasObject

	address string
}

func newConnectedScreen(u *UI) *connectedScreen {
	s := &connectedScreen{u: u}
	s.title = newTitle("You're connected")
	s.avatar = canvas.NewImageFromResource(theme.AccountIcon())
	s.avatar.FillMode = canvas.ImageFillContain
	s.avatar.SetMinSize(fyne.NewSquareSize(avatarSize))
	s.who = newText("")
	s.who.TextStyle = fyne.TextStyle{Bold: true}
	s.next = newText("You can close this window; Pump Connect remembers you.")
	s.another = newKeyButton("Connect another account", widget.MediumImportance, s.onAnother, u.escape)
	s.forget = newKeyButton("Forget this account", widget.MediumImportance, s.onForget, u.escape)
	s.content = page(s.title,
		[]fyne.CanvasObject{container.NewBorder(nil, nil, container.NewPadded(s.avatar), nil, s.who), s.next},
		buttonRow([]fyne.CanvasObject{s.forget}, s.another))
	return s
}

// connectedAs is "Alice Example (alice@pump.example)", or the address alone.
func connectedAs(address string, p pumpauth.Profile) string {
	if p.DisplayName != "" {
		return fmt.Sprintf("Connected as %s (%s)", p.DisplayName, address)
	}
	return "Connected as " + address
}

// showConnected shows the Connected screen and loads the avatar, if the
// profile has one, in the background.
func (u *UI) showConnected(address string, prof pumpauth.Profile, p *pumpauth.Pump) {
	s := u.connected
	s.address = address
	s.who.SetText(connectedAs(address, prof))
	s.avatar.Image = nil
	s.avatar.Resource = theme.AccountIcon()
	s.avatar.Refresh()
	u.show(screenConnected, s.content, nil, nil, nil)
	if prof.ImageURL != "" {
		o := u.begin()
		go u.loadAvatar(o, p, prof.ImageURL)
	}
}

// setAvatar replaces the placeholder.
func (s *connectedScreen) setAvatar(img image.Image) {
	s.avatar.Resource = nil
	s.avatar.Image = img
	s.avatar.Refresh()
}

func (s *connectedScreen) onAnother() {
	s.u.showAddress("", false, "")
}

// onForget asks first: forgetting removes the permission from this computer.
func (s *connectedScreen) onForget() { s.u.confirmForget(s.address) }

// confirmForget asks before forgetting addr. UI goroutine.
func (u *UI) confirmForget(addr string) {
	msg := "Pump Connect will remove the permission you gave it for " + addr +
		" from this computer. Your account on the server stays as it is. To use it here again, you'll connect and approve once more."
	d := dialog.NewConfirm("Forget this account?", msg, func(ok bool) {
		if ok {
			u.forget(addr)
		}
	}, u.win)
	d.SetConfirmText("Forget")
	d.SetDismissText("Keep")
	d.SetConfirmImportance(widget.DangerImportance)
	u.confirm = d
	d.Show()
}

// forget removes the account and goes back to the address screen.
func (u *UI) forget(address string) {
	u.abort()
	if err := u.store.Forget(address); err != nil {
		u.showProblem(problem{
			title:     "Pump Connect couldn't forget this account",
			err:       storeError(err),
			primary:   "Retry",
			onPrimary: func() { u.forget(address) },
			secondary: "Back",
			onSecondary: func() {
				u.showAddress("", false, "")
			},
		})
		return
	}
	u.showAddress("", false, "")
}
