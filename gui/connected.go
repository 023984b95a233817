package gui

import (
	"fmt"
	"image"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/pumpconnect/pumpconnect/pumpauth"
)

// avatarSize is the side of the avatar on the Connected screen.
const avatarSize = 64

// connectedActions are what the connected screen reports.
type connectedActions struct {
	another func()
	forget  func(pumpauth.Address)
}

// connectedScreen says who is connected and what can be done next.
type connectedScreen struct {
	act     connectedActions
	title   *widget.Label
	avatar  *canvas.Image // a placeholder icon until the picture arrives
	who     *widget.Label
	next    *widget.Label
	another *keyButton
	forget  *keyButton
	content fyne.CanvasObject

	addr pumpauth.Address
}

func newConnectedScreen(escape func(), act connectedActions) *connectedScreen {
	s := &connectedScreen{act: act}
	s.title = newTitle("You're connected")
	s.avatar = canvas.NewImageFromResource(theme.AccountIcon())
	s.avatar.FillMode = canvas.ImageFillContain
	s.avatar.SetMinSize(fyne.NewSquareSize(avatarSize))
	s.who = newText("")
	s.who.TextStyle = fyne.TextStyle{Bold: true}
	s.next = newText("You can close this window; Pump Connect remembers you.")
	s.another = newKeyButton("Connect another account", widget.MediumImportance, act.another, escape)
	s.forget = newKeyButton("Forget this account", widget.MediumImportance, func() { act.forget(s.addr) }, escape)
	s.content = page(s.title,
		[]fyne.CanvasObject{container.NewBorder(nil, nil, container.NewPadded(s.avatar), nil, s.who), s.next},
		buttonRow([]fyne.CanvasObject{s.forget}, s.another))
	return s
}

// connectedAs is "Connected as Alice Example (alice@pump.example)", or
// with the address alone. The name is the server's text, cleaned.
func connectedAs(addr pumpauth.Address, p pumpauth.Profile) string {
	if name := pumpauth.CleanDisplayName(p.DisplayName); name != "" {
		return fmt.Sprintf("Connected as %s (%s)", name, addr)
	}
	return "Connected as " + addr.String()
}

// show says who is connected, with the placeholder picture.
func (s *connectedScreen) show(addr pumpauth.Address, prof pumpauth.Profile) view {
	s.addr = addr
	s.who.SetText(connectedAs(addr, prof))
	s.avatar.Image = nil
	s.avatar.Resource = theme.AccountIcon()
	s.avatar.Refresh()
	return view{name: screenConnected, content: s.content}
}

// setAvatar replaces the placeholder.
func (s *connectedScreen) setAvatar(img image.Image) {
	s.avatar.Resource = nil
	s.avatar.Image = img
	s.avatar.Refresh()
}
