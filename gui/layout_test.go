package gui

import (
	"cmp"
	"errors"
	"fmt"
	"image/color"
	"image/png"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/theme"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"github.com/pumpconnect/pumpconnect/pumpauth"
)

// shotScreen is one screen (or dialog) as the layout test and the
// screenshots show it: accounts saved first, then show, then what must be
// fully in view.
type shotScreen struct {
	name     string
	accounts int
	show     func(u *UI)
	must     func(u *UI) []fyne.CanvasObject
}

// layoutScreens are every screen and dialog, filled as a person meets them.
func layoutScreens() []shotScreen {
	asked, got := mustAddr("bob@127.0.0.1:31080"), "alice@127.0.0.1:31080"
	link := "http://127.0.0.1:31080/oauth/authorize?oauth_token=Zq3tTn0pYH6Wm5r2bIvC4g"
	first := mustAddr("person1@pump1.example")
	return []shotScreen{
		{"address-first-time", 0, func(u *UI) { u.showAddress("", false, "") },
			func(u *UI) []fyne.CanvasObject {
				return []fyne.CanvasObject{u.address.label, u.address.entry, u.address.connect, u.address.hint, u.address.advanced.header}
			}},
		{"address-1-saved", 1, func(u *UI) { u.showAddress("", false, "") },
			func(u *UI) []fyne.CanvasObject {
				return append([]fyne.CanvasObject{u.address.entry, u.address.connect}, savedRows(u, 1)...)
			}},
		{"address-5-saved", 5, func(u *UI) { u.showAddress("", false, "") },
			func(u *UI) []fyne.CanvasObject {
				return append([]fyne.CanvasObject{u.address.entry, u.address.connect}, savedRows(u, 2)...)
			}},
		{"address-invalid-5-saved", 5, func(u *UI) {
			u.showAddress("alice@", false, "")
			u.address.onConnect()
		}, func(u *UI) []fyne.CanvasObject {
			return append([]fyne.CanvasObject{u.address.entry, u.address.connect, u.address.problem}, savedRows(u, 1)...)
		}},
		{"progress", 1, func(u *UI) {
			u.showProgress(lang.L("Connecting to {{.Server}}", args{"Server": "127.0.0.1:31080"}),
				lang.L("Contacting {{.Server}}…", args{"Server": "127.0.0.1:31080"}))
		},
			func(u *UI) []fyne.CanvasObject { return []fyne.CanvasObject{u.progress.text, u.progress.cancel} }},
		{"approve-no-browser", 1, func(u *UI) {
			u.showApprove(asked, link)
			u.browserFailed()
			u.approve.onCopyLink()
		}, func(u *UI) []fyne.CanvasObject {
			a := u.approve
			return []fyne.CanvasObject{a.text, a.link, a.copyLink, a.codeButton, a.cancel}
		}},
		{"code-refused", 1, func(u *UI) {
			u.showCode(asked)
			u.codeReady(link, codeRefused(), make(chan string, 1))
		}, func(u *UI) []fyne.CanvasObject {
			c := u.code
			return []fyne.CanvasObject{c.problem, c.link, c.copyLink, c.openLink, c.entry, c.submit, c.cancel}
		}},
		{"home", 5, func(u *UI) {
			u.showHome(mustAddr(got), pumpauth.Profile{DisplayName: "Alice Liddell", Followers: 12, Following: 1})
		}, func(u *UI) []fyne.CanvasObject {
			c := u.home
			return []fyne.CanvasObject{c.who, c.counts, c.switchB, c.note, c.postButton, c.another, c.forget, c.scripts}
		}},
		{"home-inbox-posted", 5, func(u *UI) {
			u.showHome(mustAddr(got), pumpauth.Profile{DisplayName: "Alice Liddell", Followers: 1, Following: 3})
			now := time.Now()
			u.showInbox([]pumpauth.Activity{
				{Verb: "post", ObjectType: "note", ActorName: "Bob Builder", Content: "<p>The new bridge opens on Saturday. Bring a picnic!</p>", Published: now.Add(-2 * time.Hour)},
				{Verb: "share", ObjectType: "image", ActorName: "Carol", Published: now.AddDate(0, 0, -3)},
				{Verb: "follow", ObjectType: "person", ActorName: "Dave", Published: now.AddDate(-1, 0, 0)},
			}, false, "older")
			u.notePosted(pumpauth.Activity{Verb: "post", ObjectType: "note", ActorName: "Alice Liddell",
				Content: "Hello from Pump Connect!", URL: "https://127.0.0.1:31080/alice/note/1", Published: now}, pumpauth.Public)
		}, func(u *UI) []fyne.CanvasObject {
			c := u.home
			return []fyne.CanvasObject{c.who, c.counts, c.switchB, c.note, c.postButton, c.another, c.forget, c.scripts}
		}},
		{"accounts", 5, func(u *UI) {
			var entries []accountEntry
			for i, acct := range u.store.Accounts() {
				entries = append(entries, accountEntry{acct: acct, state: accountState(i%4 + 1), current: i == 0})
			}
			u.showAccounts(entries, true)
		}, func(u *UI) []fyne.CanvasObject {
			w := u.switcher
			return []fyne.CanvasObject{w.title, w.back, w.another}
		}},
		{"problem", 1, func(u *UI) {
			u.ctl.fail(u.ctl.begin(asked, func() {}), &pumpauth.ResponseError{Op: "host-meta", Kind: pumpauth.ErrUnreachable,
				Cause: errors.New("dial tcp 127.0.0.1:31080: connect: connection refused")})
		}, func(u *UI) []fyne.CanvasObject {
			p := u.problem
			return []fyne.CanvasObject{p.title, p.text, p.more.header, p.primary, p.secondary}
		}},
		{"wrong-account", 1, func(u *UI) {
			u.ctl.showWrongAccount(&attempt{addr: asked}, pumpauth.Token{}, pumpauth.Profile{Address: got, PreferredUsername: "alice"})
		}, func(u *UI) []fyne.CanvasObject {
			p := u.problem
			return []fyne.CanvasObject{p.title, p.text, p.primary, p.secondary}
		}},
		{"forget-confirmation", 1, func(u *UI) {
			u.showAddress("", false, "")
			u.confirmForget(first)
		}, func(u *UI) []fyne.CanvasObject { return overlayParts(u) }},
		{"scripts-dialog", 1, func(u *UI) {
			u.showHome(first, pumpauth.Profile{DisplayName: "Person Number 1"})
			u.useInScripts(first)
		}, func(u *UI) []fyne.CanvasObject { return overlayParts(u) }},
	}
}

// overlayParts are the labels and buttons of the dialog on top.
func overlayParts(u *UI) []fyne.CanvasObject {
	top := u.win.Canvas().Overlays().Top()
	if top == nil {
		return []fyne.CanvasObject{nil}
	}
	var parts []fyne.CanvasObject
	for _, o := range test.LaidOutObjects(top) {
		switch w := o.(type) {
		case *widget.Button, *keyButton:
			parts = append(parts, o)
		case *widget.Label:
			// The dialog's title is a label of no size, drawn by the dialog.
			if w.Text != "" && !w.Size().IsZero() {
				parts = append(parts, o)
			}
		}
	}
	return parts
}

// layoutLanguages are the languages the layout is checked in: German's
// words are the longest.
var layoutLanguages = []string{"en_US", "es_ES", "de_DE", "fr_FR"}

// newShotHarness is a window showing sc, in the test's language.
func newShotHarness(t *testing.T, sc shotScreen) *harness {
	t.Helper()
	st := newStore(t)
	for i := range sc.accounts {
		addr := fmt.Sprintf("person%d@pump%d.example", i+1, i+1)
		st.SaveRegistration(mustAddr(addr), pumpauth.Client{Key: "k", Secret: "s"}, pumpauth.Endpoints{})
		st.SaveToken(mustAddr(addr), pumpauth.Token{Token: "t", Secret: "s"}, pumpauth.Profile{DisplayName: fmt.Sprintf("Person Number %d", i+1)})
	}
	h := newHarness(t, st, Options{})
	h.u.ctl.do = func(f func()) { f() } // the screens are shown on this goroutine
	return h
}

// Every screen and dialog, at the window's smallest size and in every
// language, shows its message and its buttons without scrolling: nothing a
// person needs is cut off or hidden below the fold. LAYOUT_SHOTS=DIR
// writes each screen as a PNG to look at (DIR/LANG/SCREEN.png).
func TestLayout_EveryScreenFitsTheSmallestWindow(t *testing.T) {
	shots := os.Getenv("LAYOUT_SHOTS")
	for _, locale := range layoutLanguages {
		t.Run(locale, func(t *testing.T) {
			useLanguage(t, locale)
			for _, sc := range layoutScreens() {
				t.Run(sc.name, func(t *testing.T) {
					h := newShotHarness(t, sc)
					h.w.Resize(minWindowSize)
					sc.show(h.u)
					settle(h)
					c := h.w.Canvas()
					if got := c.Size(); got.Width > minWindowSize.Width || got.Height > minWindowSize.Height {
						t.Errorf("the screen makes the window %v, larger than its minimum %v", got, minWindowSize)
					}
					if shots != "" {
						writeShot(t, filepath.Join(shots, locale[:2], sc.name+".png"), c)
					}
					must := sc.must(h.u)
					for i, o := range must {
						if o == nil {
							t.Error("no dialog shows")
							continue
						}
						if err := fullyShown(c, o); err != nil {
							t.Error(err)
						}
						for _, other := range must[i+1:] {
							if other != nil && overlap(o, other) {
								t.Errorf("%s and %s overlap", describe(o), describe(other))
							}
						}
					}
				})
			}
		})
	}
}

// SCREENSHOTS=DIR (make screenshots) renders every screen at the window's
// size in English and Spanish, light and dark, into
// DIR/LANG-VARIANT/SCREEN.png; SCREENSHOT_LANGS=en,es,de,fr chooses the
// languages.
func TestScreenshots(t *testing.T) {
	dir := os.Getenv("SCREENSHOTS")
	if dir == "" {
		t.Skip("SCREENSHOTS=DIR renders the screenshots into DIR")
	}
	langs := strings.Split(cmp.Or(os.Getenv("SCREENSHOT_LANGS"), "en,es"), ",")
	locales := map[string]string{"en": "en_US", "es": "es_ES", "de": "de_DE", "fr": "fr_FR"}
	variants := map[string]fyne.ThemeVariant{"light": theme.VariantLight, "dark": theme.VariantDark}
	for _, l := range langs {
		locale, ok := locales[l]
		if !ok {
			t.Fatalf("no language %q", l)
		}
		for vname, v := range variants {
			t.Run(l+"-"+vname, func(t *testing.T) {
				useLanguage(t, locale)
				for _, sc := range layoutScreens() {
					h := newShotHarness(t, sc)
					h.app.Settings().SetTheme(variantTheme{Theme(), v})
					h.w.Resize(windowSize)
					sc.show(h.u)
					settle(h)
					writeShot(t, filepath.Join(dir, l+"-"+vname, sc.name+".png"), h.w.Canvas())
				}
			})
		}
	}
}

// settle lays the window out as the real one does frame after frame:
// wrapped text knows its height only once it knows its width, so one pass
// leaves a label taller than the room it was given.
func settle(h *harness) {
	for range 3 {
		h.w.Content().Refresh()
		for _, o := range h.w.Canvas().Overlays().List() {
			o.Refresh()
		}
	}
}

// variantTheme is a theme in one variant, light or dark, whatever the
// system's: what a person sees whose desktop is set so.
type variantTheme struct {
	fyne.Theme
	variant fyne.ThemeVariant
}

func (t variantTheme) Color(n fyne.ThemeColorName, _ fyne.ThemeVariant) color.Color {
	return t.Theme.Color(n, t.variant)
}

// overlap reports whether a and b cover some of the same pixels.
func overlap(a, b fyne.CanvasObject) bool {
	d := fyne.CurrentApp().Driver()
	pa, pb := d.AbsolutePositionForObject(a), d.AbsolutePositionForObject(b)
	sa, sb := a.Size(), b.Size()
	const slack = 1
	return pa.X+sa.Width > pb.X+slack && pb.X+sb.Width > pa.X+slack &&
		pa.Y+sa.Height > pb.Y+slack && pb.Y+sb.Height > pa.Y+slack
}

// savedRows are the first n rows of the saved-accounts list.
func savedRows(u *UI, n int) []fyne.CanvasObject {
	rows := u.address.saved.Objects
	return rows[:min(n, len(rows))]
}

// fullyShown reports whether o is visible, inside the canvas, and not cut
// off by any scroll container around it (so no scrolling is needed to see it).
func fullyShown(c fyne.Canvas, o fyne.CanvasObject) error {
	name := describe(o)
	if !o.Visible() {
		return fmt.Errorf("%s is hidden", name)
	}
	path := pathTo(c.Content(), o)
	for _, overlay := range c.Overlays().List() {
		if path == nil {
			path = pathTo(overlay, o)
		}
	}
	if path == nil {
		return fmt.Errorf("%s is not on the screen", name)
	}
	d := fyne.CurrentApp().Driver()
	pos, size := d.AbsolutePositionForObject(o), o.Size()
	if size.Width <= 0 || size.Height <= 0 {
		return fmt.Errorf("%s has no room (%v)", name, size)
	}
	inside := func(what string, at fyne.Position, box fyne.Size) error {
		const slack = 1
		if pos.X < at.X-slack || pos.Y < at.Y-slack ||
			pos.X+size.Width > at.X+box.Width+slack || pos.Y+size.Height > at.Y+box.Height+slack {
			return fmt.Errorf("%s at %v size %v is cut off by %s at %v size %v", name, pos, size, what, at, box)
		}
		return nil
	}
	if err := inside("the window", fyne.NewPos(0, 0), c.Size()); err != nil {
		return err
	}
	for _, p := range path {
		if s, ok := p.(*container.Scroll); ok {
			if err := inside("a scroll area", d.AbsolutePositionForObject(s), s.Size()); err != nil {
				return err
			}
		}
	}
	return nil
}

// pathTo is the chain of objects from root down to o (o excluded), nil when o is not there.
func pathTo(root, o fyne.CanvasObject) []fyne.CanvasObject {
	if root == o {
		return []fyne.CanvasObject{}
	}
	if !root.Visible() {
		return nil
	}
	var children []fyne.CanvasObject
	switch r := root.(type) {
	case *fyne.Container:
		children = r.Objects
	case fyne.Widget:
		children = test.WidgetRenderer(r).Objects()
	}
	for _, ch := range children {
		if p := pathTo(ch, o); p != nil {
			return append([]fyne.CanvasObject{root}, p...)
		}
	}
	return nil
}

func describe(o fyne.CanvasObject) string {
	switch w := o.(type) {
	case *widget.Label:
		return fmt.Sprintf("label %.40q", w.Text)
	case *keyButton:
		return fmt.Sprintf("button %q", w.Text)
	case *keyEntry:
		return "the text field"
	}
	return fmt.Sprintf("%T", o)
}

func writeShot(t *testing.T, path string, c fyne.Canvas) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if err := png.Encode(f, c.Capture()); err != nil {
		t.Fatal(err)
	}
}

// The window opens whole on a 1366x768 screen at scale 1.5, and its
// smallest size fits a 1920x1200 screen at scale 2, leaving room for a
// title bar and a panel (Fyne does not shrink a window to its screen).
func TestWindowFitsTheScreen(t *testing.T) {
	const decorations = 78 // pixels: a title bar and a desktop panel
	screens := []struct {
		what  string
		size  fyne.Size
		scale float32
		w, h  float32
	}{
		{"the window as it opens", windowSize, 1, 1366, 768},
		{"the window as it opens", windowSize, 1.5, 1366, 768},
		{"the window as it opens", windowSize, 2, 1920, 1200},
		{"the smallest window", minWindowSize, 1.5, 1366, 768},
		{"the smallest window", minWindowSize, 2, 1920, 1200},
	}
	for _, s := range screens {
		px := s.size.Width * s.scale
		py := s.size.Height*s.scale + decorations
		if px > s.w || py > s.h {
			t.Errorf("%s at scale %g is %gx%g pixels with its title bar and a panel: larger than a %gx%g screen",
				s.what, s.scale, px, py, s.w, s.h)
		}
	}
	if minWindowSize.Width > windowSize.Width || minWindowSize.Height > windowSize.Height {
		t.Errorf("the window opens at %v, below its minimum %v", windowSize, minWindowSize)
	}
}
