// Package gui is Pump Connect's window: one window, one screen at a time,
// from "type your address" to "connected".
//
// Each screen is a struct whose widgets are fields and whose handlers are
// methods; the UI moves between them. Network work (package pumpauth) runs
// in goroutines, each belonging to one operation with its own context;
// results come back to the UI goroutine through fyne.Do and are dropped if
// the operation was cancelled or replaced meanwhile. Closing the window
// cancels whatever runs.
package gui

import (
	"context"
	"image/color"
	"net"
	"net/http"
	"net/netip"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
	"github.com/pkg/browser"

	"github.com/pumpconnect/pumpconnect/pumpauth"
)

// WindowSize is the window's size when it opens. The window can be resized
// down to MinWindowSize, where every screen still shows its message and
// its buttons without scrolling.
var WindowSize = fyne.NewSize(540, 460)

// MinWindowSize is the smallest size of the window's content.
var MinWindowSize = fyne.NewSize(460, 400)

// Options configures the UI; the zero value is usable.
type Options struct {
	// AppName is the name shown in the window title and on the server's
	// consent page. Default "Pump Connect".
	AppName string
	// DemoAddress, when set, is prefilled in the address field (demo mode).
	DemoAddress string
	// Icon is shown in the header. Default: the app's icon, else a theme icon.
	Icon fyne.Resource
	// OpenURL opens a link in the person's browser. It is always called
	// off the UI goroutine (on Linux it waits for xdg-open). Default
	// github.com/pkg/browser.OpenURL.
	OpenURL func(url string) error
	// HTTPClient, when set, carries every request (pumpauth's and the
	// avatar's): tests use it to trust a test server's certificate.
	HTTPClient *http.Client
	// PumpOptions are added to every pumpauth.New (e.g. a shorter
	// authorization timeout in tests).
	PumpOptions []pumpauth.Option
}

// UI is Pump Connect's window content and the flows behind it. All its
// fields are owned by the UI goroutine.
type UI struct {
	app   fyne.App
	win   fyne.Window
	store AccountStore
	opts  Options

	root context.Context // cancelled when the window closes
	stop context.CancelFunc
	op   *operation // what runs now; nil when idle
	seq  int

	body     *fyne.Container // holds the current screen
	screen   string          // name of the current screen, for tests and logs
	onEscape func()          // the current screen's Cancel, or nil
	onEnter  func()          // the current screen's default action, or nil
	raise    func()          // brings the window to the front
	do       func(func())    // runs a function on the UI goroutine (fyne.Do; tests queue)

	header    *fyne.Container
	address   *addressScreen
	progress  *progressScreen
	approve   *approveScreen
	code      *codeScreen
	connected *connectedScreen
	problem   *problemScreen
	notice    dialog.Dialog // the damaged-settings notice, if shown
	confirm   *dialog.ConfirmDialog
}

// Screen names.
const (
	screenAddress   = "address"
	screenProgress  = "progress"
	screenApprove   = "approve"
	screenCode      = "code"
	screenConnected = "connected"
	screenProblem   = "problem"
	// screenWrongAccount is the problem screen saying the browser approved another account.
	screenWrongAccount = "wrong-account"
)

// New builds the window's content on w (title, fixed size, keyboard
// handling, close handling) without touching the network; call Start.
func New(a fyne.App, w fyne.Window, store AccountStore, opts Options) *UI {
	if opts.AppName == "" {
		opts.AppName = "Pump Connect"
	}
	if opts.OpenURL == nil {
		opts.OpenURL = browser.OpenURL
	}
	if opts.Icon == nil {
		opts.Icon = a.Icon()
	}
	if opts.Icon == nil {
		opts.Icon = theme.AccountIcon()
	}
	u := &UI{app: a, win: w, store: store, opts: opts, raise: w.RequestFocus, do: fyne.Do}
	u.root, u.stop = context.WithCancel(context.Background())

	u.address = newAddressScreen(u)
	u.progress = newProgressScreen(u)
	u.approve = newApproveScreen(u)
	u.code = newCodeScreen(u)
	u.connected = newConnectedScreen(u)
	u.problem = newProblemScreen(u)

	icon := widget.NewIcon(opts.Icon)
	iconBox := container.NewGridWrap(fyne.NewSquareSize(32), icon)
	name := &widget.Label{Text: opts.AppName, TextStyle: fyne.TextStyle{Bold: true}, SizeName: theme.SizeNameSubHeadingText}
	u.header = container.NewVBox(container.NewPadded(container.NewHBox(iconBox, name)), widget.NewSeparator())
	u.body = container.NewStack()

	w.SetTitle(opts.AppName)
	floor := canvas.NewRectangle(color.Transparent) // holds the window at MinWindowSize or more
	floor.SetMinSize(MinWindowSize)
	w.SetContent(container.NewStack(floor, container.NewBorder(u.header, nil, nil, nil, u.body)))
	w.Resize(WindowSize)
	w.SetOnClosed(u.Close)
	w.Canvas().SetOnTypedKey(u.typedKey)
	return u
}

// Start shows the first screen. With a stored current account it
// reconnects in the background (the network is touched from a goroutine,
// so Start returns at once); otherwise it asks for the address.
func (u *UI) Start() {
	acct, ok := u.store.Current()
	switch {
	case ok && acct.HasToken():
		u.reconnect(acct)
	case ok:
		u.showAddress(acct.Address, acct.PlainHTTP, "")
	default:
		u.showAddress(u.opts.DemoAddress, false, "")
	}
	if n := u.store.Notice(); n != "" {
		u.notice = dialog.NewInformation("Your settings were repaired", n, u.win)
		u.notice.Show()
	}
}

// Close cancels whatever runs; the window calls it when it closes.
func (u *UI) Close() {
	u.abort()
	u.stop()
}

// operation is one piece of network work; its results count only while
// it is u.op.
type operation struct {
	ctx    context.Context
	cancel context.CancelFunc
}

// begin cancels what runs and starts a new operation. UI goroutine only.
func (u *UI) begin() *operation {
	u.abort()
	ctx, cancel := context.WithCancel(u.root)
	u.op = &operation{ctx: ctx, cancel: cancel}
	return u.op
}

// abort cancels what runs. UI goroutine only.
func (u *UI) abort() {
	if u.op != nil {
		u.op.cancel()
		u.op = nil
	}
}

// post runs f on the UI goroutine if o is still the current operation.
func (u *UI) post(o *operation, f func()) {
	u.do(func() {
		if u.op != o || o.ctx.Err() != nil {
			return
		}
		f()
	})
}

// show makes c the visible screen, with its keyboard defaults.
func (u *UI) show(name string, c fyne.CanvasObject, focus fyne.Focusable, onEnter, onEscape func()) {
	if u.screen == screenProgress && name != screenProgress {
		u.progress.bar.Stop()
	}
	if u.screen == screenApprove && name != screenApprove {
		u.approve.bar.Stop()
	}
	u.screen, u.onEnter, u.onEscape = name, onEnter, onEscape
	u.body.Objects = []fyne.CanvasObject{c}
	u.body.Refresh()
	if focus != nil {
		u.win.Canvas().Focus(focus)
	} else {
		u.win.Canvas().Unfocus()
	}
}

// typedKey handles the keys no focused widget took.
func (u *UI) typedKey(ev *fyne.KeyEvent) {
	switch ev.Name {
	case fyne.KeyEscape:
		u.escape()
	case fyne.KeyReturn, fyne.KeyEnter:
		if u.onEnter != nil {
			u.onEnter()
		}
	}
}

// escape runs the current screen's Cancel, if it has one.
func (u *UI) escape() {
	if u.onEscape != nil {
		u.onEscape()
	}
}

// page lays out a screen: title, then the parts, scrolling if they ever
// outgrow the fixed window; buttons go at the bottom.
func page(title *widget.Label, parts []fyne.CanvasObject, buttons fyne.CanvasObject) fyne.CanvasObject {
	box := container.NewVBox(append([]fyne.CanvasObject{title}, parts...)...)
	scroll := container.NewVScroll(container.NewPadded(box))
	if buttons == nil {
		return scroll
	}
	return container.NewBorder(nil, container.NewPadded(buttons), nil, nil, scroll)
}

// buttonRow puts left at the left and right at the right.
func buttonRow(left []fyne.CanvasObject, right ...fyne.CanvasObject) fyne.CanvasObject {
	objs := append([]fyne.CanvasObject{}, left...)
	objs = append(objs, layout.NewSpacer())
	objs = append(objs, right...)
	return container.NewHBox(objs...)
}

// hostOf is the server part of an address, port included, for messages
// ("pump.example", "127.0.0.1:31080", "[::1]:8000").
func hostOf(address string) string {
	if i := strings.LastIndexByte(address, '@'); i >= 0 {
		return address[i+1:]
	}
	return address
}

// onThisComputer reports whether the address's server is this computer
// (localhost or a loopback IP literal).
func onThisComputer(address string) bool {
	host := hostOf(address)
	if h, _, err := net.SplitHostPort(host); err == nil {
		host = h
	}
	host = strings.Trim(host, "[]")
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip, err := netip.ParseAddr(host)
	return err == nil && ip.IsLoopback()
}
