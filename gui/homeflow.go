package gui

import (
	"context"
	"errors"
	"unicode/utf8"

	"fyne.io/fyne/v2"

	"github.com/pumpconnect/pumpconnect/pumpauth"
)

// homeSession is the account home's work on one connected account: its
// connection, and the context that leaving the home, switching account or
// closing the window cancels. The inbox, the post box and the avatar run
// in goroutines under it; their results reach the window only while it is
// the controller's home.
type homeSession struct {
	addr   pumpauth.Address
	pump   *pumpauth.Pump
	ctx    context.Context
	cancel context.CancelFunc

	loading bool // an inbox page is on its way
	posting bool // a note is on its way
}

func (s *homeSession) done() bool { return s.ctx.Err() != nil }

// showHome opens the account home of a connected account and loads, after
// it shows, the avatar and the inbox. UI goroutine.
func (c *controller) showHome(addr pumpauth.Address, prof pumpauth.Profile, p *pumpauth.Pump) {
	c.abort()
	ctx, cancel := context.WithCancel(c.root)
	s := &homeSession{addr: addr, pump: p, ctx: ctx, cancel: cancel}
	c.home = s
	c.checks[addr.String()] = stateConnected
	c.view.showHome(addr, prof)
	if img, ok := c.avatars[addr.String()]; ok {
		c.view.setAvatar(img)
	} else if prof.ImageURL != "" {
		go c.loadAvatar(s, prof.ImageURL)
	}
	c.loadInbox(s, false)
}

// leaveHome cancels the home's work. UI goroutine.
func (c *controller) leaveHome() {
	if c.home != nil {
		c.home.cancel()
		c.home = nil
	}
}

// postHome runs f on the UI goroutine if s is still the home.
func (c *controller) postHome(s *homeSession, f func()) {
	c.do(func() {
		if c.home != s || s.done() {
			return
		}
		f()
	})
}

// maxAvatar bounds the avatar download.
const maxAvatar = 2 << 20

// loadAvatar fetches the profile picture and shows it; on any failure the
// placeholder stays (a missing picture is not worth an error).
func (c *controller) loadAvatar(s *homeSession, link string) {
	img, err := fetchImage(s.ctx, avatarClient(s.pump, c.opts.HTTPClient, link), link, maxAvatar)
	if err != nil {
		if !s.done() {
			fyne.LogError("could not load the avatar", err)
		}
		return
	}
	c.postHome(s, func() {
		c.avatars[s.addr.String()] = img
		c.view.setAvatar(img)
	})
}

// refreshInbox loads the newest page of the inbox again. UI goroutine.
func (c *controller) refreshInbox() {
	if c.home != nil {
		c.loadInbox(c.home, false)
	}
}

// olderInbox loads the page below the oldest row. UI goroutine.
func (c *controller) olderInbox() {
	if c.home != nil {
		c.loadInbox(c.home, true)
	}
}

// loadInbox loads a page of s's inbox in the background: the newest, or
// the one older than what shows.
func (c *controller) loadInbox(s *homeSession, older bool) {
	if s.loading {
		return
	}
	before := ""
	if older {
		if before = c.view.olderCursor(); before == "" {
			return
		}
	}
	s.loading = true
	c.view.inboxLoading(older)
	go func() {
		var col pumpauth.Collection
		var err error
		if older {
			col, err = s.pump.InboxBefore(s.ctx, inboxPage, before)
		} else {
			col, err = s.pump.Inbox(s.ctx, inboxPage)
		}
		c.postHome(s, func() {
			s.loading = false
			switch {
			case older && errors.Is(err, pumpauth.ErrUnknownItem):
				// The server dropped the page's cursor: start from the newest.
				c.loadInbox(s, false)
			case err != nil:
				c.homeFailed(s, err, func(msg string) { c.view.inboxFailed(msg, older) })
			default:
				c.view.showInbox(col.Items, older, col.Older)
			}
		})
	}()
}

// postNote sends a note from the post box. UI goroutine.
func (c *controller) postNote(text string, audience pumpauth.Audience) {
	s := c.home
	if s == nil || s.posting {
		return
	}
	if n := utf8.RuneCountInString(cleanNote(text)); n > maxNote {
		c.view.postFailed(tooLong(n))
		return
	}
	s.posting = true
	c.view.notePosting()
	body := noteHTML(text)
	go func() {
		act, err := s.pump.PostNote(s.ctx, body, audience)
		c.postHome(s, func() {
			s.posting = false
			if err != nil {
				c.homeFailed(s, err, c.view.postFailed)
				return
			}
			c.view.notePosted(act, audience)
		})
	}()
}

// homeFailed handles an error of the home's work: a token or registration
// the server no longer accepts goes through the reconnect flow, which asks
// for permission again on this account only; anything else is said in
// words by say, and nothing is lost.
func (c *controller) homeFailed(s *homeSession, err error, say func(string)) {
	if errors.Is(err, pumpauth.ErrTokenRejected) || errors.Is(err, pumpauth.ErrClientRejected) ||
		errors.Is(err, pumpauth.ErrWrongAccount) {
		if acct, ok := c.store.Account(s.addr); ok {
			c.reconnect(acct)
			return
		}
	}
	say(explainFor(s.addr, err))
}

// openLink opens a page in the person's browser, off the UI goroutine.
func (c *controller) openLink(link string) {
	if link = webLink(link); link == "" {
		return
	}
	open := c.opts.OpenURL
	go func() {
		if err := open(link); err != nil {
			fyne.LogError("could not open the browser", err)
		}
	}()
}
