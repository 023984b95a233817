package gui

import (
	"net/url"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/pumpconnect/pumpconnect/pumpauth"
)

// inboxPage is how many activities the inbox loads at a time.
const inboxPage = 20

// maxInboxRows bounds the rows kept: Load older stops there, so a long
// evening of scrolling does not grow the window's memory without end.
const maxInboxRows = 200

// inboxView is the inbox part of the account home: a title with Refresh,
// a line saying what happens (loading, empty, an error with Retry), the
// activities newest first as plain text, and Load older.
type inboxView struct {
	title   *widget.Label
	refresh *keyButton
	state   *widget.Label
	retry   *keyButton
	rows    *fyne.Container
	older   *keyButton
	content fyne.CanvasObject

	count int    // rows shown
	next  string // where Load older goes on (the server's cursor); "" at the end

	failedOlder bool       // what failed last was Load older: Retry repeats it
	posted      *postedRow // the note just posted, kept on top through a refresh
}

// postedRow is the note just posted, as its row shows it.
type postedRow struct {
	act    pumpauth.Activity
	link   string
	open   func(string)
	escape func()
}

func newInboxView(escape, refresh, older func()) *inboxView {
	v := &inboxView{}
	v.title = &widget.Label{Text: lang.L("Your inbox"), TextStyle: fyne.TextStyle{Bold: true}}
	v.refresh = newKeyButton(lang.L("Refresh"), widget.LowImportance, refresh, escape)
	v.state = newText("")
	v.retry = newKeyButton(lang.L("Retry"), widget.MediumImportance, func() {
		if v.failedOlder {
			older()
		} else {
			refresh()
		}
	}, escape)
	v.retry.Hide()
	v.rows = container.NewVBox()
	v.older = newKeyButton(lang.L("Load older"), widget.MediumImportance, older, escape)
	v.older.Hide()
	v.content = container.NewVBox(
		border(nil, nil, nil, v.refresh, v.title),
		border(nil, nil, nil, container.NewCenter(v.retry), v.state),
		v.rows,
		container.NewCenter(v.older))
	return v
}

// reset empties the inbox and says it is loading.
func (v *inboxView) reset() {
	v.rows.RemoveAll()
	v.count, v.next = 0, ""
	v.failedOlder, v.posted = false, nil
	v.older.Hide()
	v.loading(false)
}

// loading says the inbox (or, when older, its older part) is on its way.
func (v *inboxView) loading(older bool) {
	v.retry.Hide()
	v.refresh.Disable()
	v.older.Disable()
	if older {
		v.older.SetText(lang.L("Loading older…"))
		return
	}
	v.setState(lang.L("Loading your inbox…"), widget.MediumImportance)
}

// show puts the activities of a page below the rows (older) or in place
// of them; next is the server's cursor to the older ones ("" when none).
func (v *inboxView) show(items []pumpauth.Activity, older bool, next string) {
	if !older {
		v.rows.RemoveAll()
		v.count = 0
		if p := v.posted; p != nil {
			v.rows.Add(activityRow(p.act, p.link, p.open, p.escape))
			v.count++
		}
	}
	v.next = next
	for _, act := range items {
		if v.count >= maxInboxRows {
			break
		}
		if v.posted != nil && act.ID == v.posted.act.ID {
			continue // the server's copy of the note on top
		}
		v.rows.Add(activityRow(act, "", nil, nil))
		v.count++
	}
	v.ready()
	switch {
	case v.count == 0:
		v.setState(lang.L("Your inbox is empty. When the people you follow post, their notes show here."), widget.MediumImportance)
	default:
		v.setState("", widget.MediumImportance)
	}
	v.older.SetText(lang.L("Load older"))
	v.older.Enable()
	// pump.io names an older page after every full one: an empty page is the end.
	if v.next != "" && len(items) > 0 && v.count < maxInboxRows {
		v.older.Show()
	} else {
		v.older.Hide()
	}
	v.rows.Refresh()
}

// failed says why the inbox could not load, with Retry; rows already
// shown stay.
func (v *inboxView) failed(msg string, older bool) {
	v.ready()
	v.failedOlder = older
	v.older.SetText(lang.L("Load older"))
	if older {
		v.older.Enable()
	}
	v.setState(msg, widget.DangerImportance)
	v.retry.Show()
}

// prepend puts an activity (the note just posted) at the top, with a
// button opening link when there is one.
func (v *inboxView) prepend(act pumpauth.Activity, link string, open func(string), escape func()) {
	v.posted = &postedRow{act: act, link: link, open: open, escape: escape}
	v.rows.Objects = append([]fyne.CanvasObject{activityRow(act, link, open, escape)}, v.rows.Objects...)
	v.count++
	v.setState("", widget.MediumImportance)
	v.rows.Refresh()
}

func (v *inboxView) ready() {
	v.refresh.Enable()
	v.retry.Hide()
}

func (v *inboxView) setState(text string, imp widget.Importance) {
	v.state.Importance = imp
	v.state.SetText(text)
	if text == "" {
		v.state.Hide()
	} else {
		v.state.Show()
	}
}

// activityRow shows one activity as plain text: who did what, when, and
// the content with its tags stripped (the server's HTML is never
// rendered). With link, a button opens the activity's page.
func activityRow(act pumpauth.Activity, link string, open func(string), escape func()) fyne.CanvasObject {
	head := &widget.Label{Text: headline(act), TextStyle: fyne.TextStyle{Bold: true}, Truncation: fyne.TextTruncateEllipsis}
	// Quieter by its size, not its colour: Fyne draws LowImportance text in
	// the disabled colour, which hardly shows (TestTheme_NoFaintLabels).
	when := &widget.Label{Text: published(act.Published), SizeName: theme.SizeNameCaptionText}
	top := border(nil, nil, nil, when, head)
	parts := []fyne.CanvasObject{top}
	if text := pumpauth.PlainText(act.Content); text != "" {
		parts = append(parts, newText(text))
	}
	if link != "" && open != nil {
		parts = append(parts, container.NewHBox(newKeyButton(lang.L("Open in browser"), widget.LowImportance, func() { open(link) }, escape)))
	}
	parts = append(parts, widget.NewSeparator())
	return container.NewVBox(parts...)
}

// headline is "Bob Builder posted a note": who, and what they did, as
// one sentence, so each language puts the words in its own order.
func headline(act pumpauth.Activity) string {
	who := pumpauth.CleanDisplayName(act.ActorName)
	if who == "" {
		who = lang.L("Someone")
	}
	return verbPhrase(who, act.Verb, act.ObjectType)
}

// verbPhrase says who did an activity's verb (AS1, or AS2's type in lower
// case) to its object, in words.
func verbPhrase(who, verb, objectType string) string {
	if verb == "follow" && objectType == "person" {
		return lang.L("{{.Who}} followed someone", args{"Who": who})
	}
	var object string
	switch objectType {
	case "note":
		object = lang.L("a note")
	case "comment":
		object = lang.L("a comment")
	case "image":
		object = lang.L("a picture")
	case "person":
		object = lang.L("someone")
	default:
		object = lang.L("something")
		if plainWord(objectType) {
			object = lang.L("a {{.Type}}", args{"Type": objectType})
		}
	}
	a := args{"Who": who, "Object": object, "Verb": verb}
	switch verb {
	case "post", "create":
		return lang.L("{{.Who}} posted {{.Object}}", a)
	case "share", "announce":
		return lang.L("{{.Who}} shared {{.Object}}", a)
	case "favorite", "like":
		return lang.L("{{.Who}} liked {{.Object}}", a)
	case "follow":
		return lang.L("{{.Who}} followed {{.Object}}", a)
	case "update":
		return lang.L("{{.Who}} updated {{.Object}}", a)
	case "delete":
		return lang.L("{{.Who}} deleted {{.Object}}", a)
	default:
		if plainWord(verb) {
			return lang.L("{{.Who}} {{.Verb}} {{.Object}}", a)
		}
		return lang.L("{{.Who}} did something with {{.Object}}", a)
	}
}

// plainWord reports a short word of lower-case letters: the only server
// verbs and object types shown as they came.
func plainWord(s string) bool {
	if s == "" || len(s) > 24 {
		return false
	}
	for _, r := range s {
		if r < 'a' || r > 'z' {
			return false
		}
	}
	return true
}

// published is when an activity happened, in the computer's time zone:
// the time alone for today, the day and time otherwise.
func published(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	t = t.Local()
	now := time.Now()
	if y, m, d := now.Date(); t.Year() == y && t.Month() == m && t.Day() == d {
		return t.Format("15:04")
	}
	when := args{"Day": t.Day(), "Month": monthName(t.Month()), "Time": t.Format("15:04"), "Year": t.Year()}
	if t.Year() == now.Year() {
		return lang.L("{{.Day}} {{.Month}} {{.Time}}", when)
	}
	return lang.L("{{.Day}} {{.Month}} {{.Year}}", when)
}

// monthName is m's short name.
func monthName(m time.Month) string {
	names := [...]string{lang.L("Jan"), lang.L("Feb"), lang.L("Mar"), lang.L("Apr"), lang.L("May"), lang.L("Jun"),
		lang.L("Jul"), lang.L("Aug"), lang.L("Sep"), lang.L("Oct"), lang.L("Nov"), lang.L("Dec")}
	if m < time.January || m > time.December {
		return ""
	}
	return names[m-1]
}

// webLink is link when the browser may open it (an http or https page),
// "" otherwise.
func webLink(link string) string {
	u, err := url.Parse(strings.TrimSpace(link))
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return ""
	}
	return u.String()
}
