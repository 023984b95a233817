// Package gui is Pump Connect's window: one window, one screen at a time,
// from "type your address" to the account home.
//
// The parts, in the way data moves:
//   - the screens (address.go, progress.go, approve.go, code.go,
//     home.go with inbox.go, switcher.go, problem.go) are leaf views: each takes data to show and
//     reports what the person asked for through callbacks; none knows the
//     others, the store or the network;
//   - UI (this file) is the window: it holds the screens, shows one at a
//     time and wires their callbacks to the controller;
//   - the controller (controller.go; its flows in connect.go,
//     reconnect.go, wrongaccount.go, homeflow.go and accountsflow.go) holds no widget: it runs each
//     connection as an attempt (attempt.go) against the store and pumpauth
//     in goroutines, and tells the window what to show. Results come back
//     through fyne.Do and are dropped when their attempt was cancelled or
//     replaced. Closing the window cancels whatever runs.
package gui

import (
	"image"
	"image/color"
	"net/http"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
	"github.com/pkg/browser"

	"github.com/pumpconnect/pumpconnect/pumpauth"
)

// windowSize is the window's size when it opens. The window can be resized
// down to minWindowSize, where every screen still shows its message and
// its buttons without scrolling (TestLayout_EveryScreenFitsTheSmallestWindow).
//
// Sizes are in Fyne's units, which the scale (FYNE_SCALE times what Fyne
// detects from the monitor) turns into pixels. Fyne 2.7 tells an app
// neither the screen's size nor, before the window shows, the scale, and
// does not shrink a window to its screen: windowSize is chosen so that the
// window opens whole on a 1366x768 screen at scale 1.5 (840x690 pixels,
// with room for a title bar and a panel), and minWindowSize so that it
// still fits 1920x1200 at scale 2 (TestWindowFitsTheScreen).
var (
	windowSize    = fyne.NewSize(560, 460)
	minWindowSize = fyne.NewSize(460, 400)
)

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

// UI is Pump Connect's window. All its fields are owned by the UI goroutine.
type UI struct {
	app   fyne.App
	win   fyne.Window
	store AccountStore
	ctl   *controller

	body    *fyne.Container // holds the current screen
	screen  string          // name of the current screen, for tests and logs
	current view
	raiseFn func() // brings the window to the front

	address  *addressScreen
	progress *progressScreen
	approve  *approveScreen
	code     *codeScreen
	home     *homeScreen
	switcher *switcherScreen
	problem  *problemScreen
	notice   dialog.Dialog // the damaged-settings notice, if shown
	confirm  dialog.Dialog // the last forget confirmation
}

// view is one screen as the window shows it: its name, its content, what
// has the focus, what Enter and Escape do, and what to stop when it goes.
type view struct {
	name              string
	content           fyne.CanvasObject
	focus             fyne.Focusable
	onEnter, onEscape func()
	leave             func()
}

// Screen names.
const (
	screenAddress  = "address"
	screenProgress = "progress"
	screenApprove  = "approve"
	screenCode     = "code"
	screenHome     = "home"
	// screenAccounts is the account switcher.
	screenAccounts = "accounts"
	screenProblem  = "problem"
	// screenWrongAccount is the problem screen saying the browser approved another account.
	screenWrongAccount = "wrong-account"
)

// New builds the window's content on w (title, size, keyboard handling,
// close handling) without touching the network; call Start.
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
	u := &UI{app: a, win: w, store: store, raiseFn: w.RequestFocus}
	u.ctl = newController(store, opts, u)
	ctl := u.ctl
	esc := u.escape
	cancel := func() {
		if ctl.cur != nil {
			ctl.back(ctl.cur.addr)
		} else {
			ctl.anotherAccount()
		}
	}
	copyText := func(s string) { a.Clipboard().SetContent(s) }

	u.address = newAddressScreen(esc, addressActions{
		connect: ctl.connect,
		open: func(acct Account) {
			if msg := ctl.openSaved(acct); msg != "" {
				u.address.setProblem(msg)
			}
		},
		forget: func(acct Account) { u.confirmForget(acct.Addr()) },
		focus:  w.Canvas().Focus,
	})
	u.progress = newProgressScreen(esc, cancel)
	u.approve = newApproveScreen(esc, approveActions{
		copy: copyText,
		enterCode: func() {
			if ctl.cur != nil {
				ctl.enterCode(ctl.cur)
			}
		},
		cancel: cancel,
	})
	u.code = newCodeScreen(esc, codeActions{
		copy:   copyText,
		open:   func(link string) { go opts.OpenURL(link) }, //nolint:errcheck // the link is on screen to copy if no browser opens
		cancel: cancel,
	})
	u.home = newHomeScreen(esc, homeActions{
		post:     ctl.postNote,
		refresh:  ctl.refreshInbox,
		older:    ctl.olderInbox,
		open:     ctl.openLink,
		accounts: ctl.showAccounts,
		another:  ctl.anotherAccount,
		forget:   func(addr pumpauth.Address) { u.confirmForget(addr) },
		scripts:  u.useInScripts,
	})
	u.switcher = newSwitcherScreen(esc, switcherActions{
		open: func(acct Account) {
			if msg := ctl.openSaved(acct); msg != "" {
				u.showProblem(problem{title: lang.L("Pump Connect couldn't open this account"), text: msg,
					primary: lang.L("Back"), onPrimary: ctl.showAccounts})
			}
		},
		forget:  func(acct Account) { u.confirmForget(acct.Addr()) },
		another: ctl.anotherAccount,
		back:    ctl.backHome,
	})
	u.problem = newProblemScreen(esc)

	icon := widget.NewIcon(opts.Icon)
	iconBox := container.NewGridWrap(fyne.NewSquareSize(32), icon)
	name := &widget.Label{Text: opts.AppName, TextStyle: fyne.TextStyle{Bold: true}, SizeName: theme.SizeNameSubHeadingText}
	header := container.NewVBox(container.NewPadded(container.NewHBox(iconBox, name)), widget.NewSeparator())
	u.body = container.NewStack()

	floor := canvas.NewRectangle(color.Transparent) // holds the window at minWindowSize or more
	floor.SetMinSize(minWindowSize)
	w.SetTitle(opts.AppName)
	w.SetContent(container.NewStack(floor, border(header, nil, nil, nil, u.body)))
	w.Resize(windowSize)
	w.SetOnClosed(u.Close)
	w.Canvas().SetOnTypedKey(u.typedKey)
	return u
}

// Start shows the first screen (reconnecting in the background when an
// account is stored) and the damaged-settings notice, if any.
func (u *UI) Start() {
	u.ctl.start()
	if n := repairText(u.store.Repair()); n != "" {
		u.showNotice(n)
	}
}

// Close cancels whatever runs; the window calls it when it closes.
func (u *UI) Close() { u.ctl.close() }

// show makes v the visible screen, with its keyboard defaults.
func (u *UI) show(v view) {
	if u.current.leave != nil && u.current.name != v.name {
		u.current.leave()
	}
	u.current, u.screen = v, v.name
	u.body.Objects = []fyne.CanvasObject{v.content}
	u.body.Refresh()
	if u.notice == nil { // the notice keeps the keyboard until it closes
		u.focusCurrent()
	}
}

// typedKey handles the keys no focused widget took. While a dialog shows
// (its buttons have the keyboard, keyDialog), the screen below takes none:
// Enter must not connect, nor Escape leave, behind a question.
func (u *UI) typedKey(ev *fyne.KeyEvent) {
	if u.win.Canvas().Overlays().Top() != nil {
		return
	}
	switch ev.Name {
	case fyne.KeyEscape:
		u.escape()
	case fyne.KeyReturn, fyne.KeyEnter:
		if u.current.onEnter != nil {
			u.current.onEnter()
		}
	}
}

// escape runs the current screen's Cancel, if it has one.
func (u *UI) escape() {
	if u.current.onEscape != nil {
		u.current.onEscape()
	}
}

// The screens interface, for the controller.

func (u *UI) raise() { u.raiseFn() }

func (u *UI) showAddress(typed string, plainHTTP bool, problem string) {
	u.show(u.address.show(typed, plainHTTP, problem, u.store.Accounts()))
}

func (u *UI) showProgress(title, text string) { u.show(u.progress.show(title, text)) }

func (u *UI) setProgressText(text string) { u.progress.text.SetText(text) }

func (u *UI) showApprove(addr pumpauth.Address, link string) { u.show(u.approve.show(addr, link)) }

func (u *UI) browserFailed() { u.approve.browserFailed() }

func (u *UI) showCode(addr pumpauth.Address) { u.show(u.code.show(addr)) }

func (u *UI) codeReady(link, problem string, codes chan<- string) {
	u.code.ready(link, problem, codes)
	u.win.Canvas().Focus(u.code.entry)
}

func (u *UI) showHome(addr pumpauth.Address, prof pumpauth.Profile) {
	u.show(u.home.show(addr, prof))
}

func (u *UI) homeAgain() { u.show(u.home.view()) }

func (u *UI) setAvatar(img image.Image) { showAvatar(u.home.avatar, img) }

func (u *UI) inboxLoading(older bool) { u.home.inbox.loading(older) }

func (u *UI) showInbox(items []pumpauth.Activity, older bool, next string) {
	u.home.inbox.show(items, older, next)
}

func (u *UI) inboxFailed(msg string, older bool) { u.home.inbox.failed(msg, older) }

func (u *UI) olderCursor() string { return u.home.inbox.next }

func (u *UI) notePosting() { u.home.setPosting(true) }

func (u *UI) notePosted(act pumpauth.Activity, audience pumpauth.Audience) {
	u.home.notePosted(act, audience)
}

func (u *UI) postFailed(msg string) { u.home.postFailed(msg) }

func (u *UI) showAccounts(entries []accountEntry, home bool) {
	v := u.switcher.show(entries)
	if !home {
		u.switcher.back.Hide()
		v.onEscape = nil
	} else {
		u.switcher.back.Show()
	}
	u.show(v)
}

func (u *UI) setAccountState(address string, st accountState) { u.switcher.setState(address, st) }

func (u *UI) setAccountAvatar(address string, img image.Image) { u.switcher.setAvatar(address, img) }

func (u *UI) showProblem(p problem) { u.show(u.problem.show(p, u.secrets()...)) }

// confirmForget asks before forgetting addr, saying plainly what it does
// and what it cannot do. UI goroutine.
func (u *UI) confirmForget(addr pumpauth.Address) {
	a := args{"Account": addr.String(), "Server": addr.HostPort()}
	msg := lang.L("This computer will forget the keys that let Pump Connect use {{.Account}}. Your account, your notes and your followers stay on {{.Server}} as they are.", a) + "\n\n" +
		lang.L("The server keeps the permission you gave: pump.io offers no way for an app to give it back, and no page where you could remove Pump Connect yourself. If you think someone copied these keys, ask the people who run {{.Server}} to remove them.", a) + "\n\n" +
		lang.L("To use the account here again, you'll connect and approve once more.")
	keep := newKeyButton(lang.L("Keep"), widget.MediumImportance, nil, nil)
	forget := newKeyButton(lang.L("Forget"), widget.DangerImportance, func() { u.ctl.forget(addr) }, nil)
	u.confirm = u.keyDialog(lang.L("Forget {{.Account}}?", a), newText(msg), keep, forget)
}

// page lays out a screen: title, then the parts, scrolling if they ever
// outgrow the window; buttons go at the bottom, always in view.
func page(title *widget.Label, parts []fyne.CanvasObject, buttons fyne.CanvasObject) fyne.CanvasObject {
	box := container.NewVBox(append([]fyne.CanvasObject{title}, parts...)...)
	scroll := container.NewVScroll(container.NewPadded(box))
	if buttons == nil {
		return scroll
	}
	return border(nil, container.NewPadded(buttons), nil, nil, scroll)
}

// buttonRow puts left at the left and right at the right.
func buttonRow(left []fyne.CanvasObject, right ...fyne.CanvasObject) fyne.CanvasObject {
	objs := append([]fyne.CanvasObject{}, left...)
	objs = append(objs, layout.NewSpacer())
	objs = append(objs, right...)
	return container.NewHBox(objs...)
}
