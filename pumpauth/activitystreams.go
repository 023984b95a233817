package pumpauth

import (
	"bytes"
	"encoding/json"
	"errors"
	"net/url"
	"strings"
	"time"
	"unicode/utf8"
)

// pump.io speaks two dialects of ActivityStreams. 5.1.4 (what live servers
// run) sends ActivityStreams 1.0 ("objectType", "displayName", "items");
// 6.0 sends ActivityStreams 2.0 JSON-LD ("type", "name", "orderedItems")
// unless the request's Accept prefers application/stream+json. This package
// asks for 1.0 on every API request and reads both.

// acceptActivityStreams1 is the Accept header of every API request: it
// makes pump.io 6.0 answer in ActivityStreams 1.0, as 5.1.4 always does.
const acceptActivityStreams1 = "application/stream+json, application/json;q=0.9, */*;q=0.1"

// linkOrString is a member that is a URL string in one dialect and an
// object in the other: AS2 {"type":"Link","href":…}, AS1 {"url":…}.
type linkOrString struct{ URL string }

func (l *linkOrString) UnmarshalJSON(b []byte) error {
	b = bytes.TrimSpace(b)
	switch {
	case len(b) == 0 || string(b) == "null":
		return nil
	case b[0] == '"':
		return json.Unmarshal(b, &l.URL)
	case b[0] == '[':
		// A list of links: the first usable one.
		var list []linkOrString
		if err := json.Unmarshal(b, &list); err != nil {
			return err
		}
		for _, x := range list {
			if x.URL != "" {
				l.URL = x.URL
				return nil
			}
		}
		return nil
	case b[0] == '{':
		var o struct {
			Href string          `json:"href"`
			URL  json.RawMessage `json:"url"`
			ID   string          `json:"id"`
		}
		if err := json.Unmarshal(b, &o); err != nil {
			return err
		}
		if o.Href != "" {
			l.URL = o.Href
			return nil
		}
		if len(o.URL) > 0 {
			var inner linkOrString
			if err := inner.UnmarshalJSON(o.URL); err == nil && inner.URL != "" {
				l.URL = inner.URL
				return nil
			}
		}
		l.URL = o.ID
		return nil
	}
	return errors.New("neither a link nor a string")
}

// countOrLink is a followers/following member: an AS1 collection with
// totalItems, or (AS2) only the collection's URL, whose size is unknown.
type countOrLink struct{ Total int }

func (c *countOrLink) UnmarshalJSON(b []byte) error {
	b = bytes.TrimSpace(b)
	if len(b) == 0 || b[0] != '{' {
		return nil // a URL string or null: no count given
	}
	var o struct {
		TotalItems int `json:"totalItems"`
	}
	if err := json.Unmarshal(b, &o); err != nil {
		return err
	}
	c.Total = max(o.TotalItems, 0)
	return nil
}

// asObject is the part of an ActivityStreams object (person, note,
// activity) this package reads, in either dialect.
type asObject struct {
	ObjectType        string       `json:"objectType"` // AS1
	Type              typeName     `json:"type"`       // AS2
	ID                string       `json:"id"`
	PreferredUsername string       `json:"preferredUsername"`
	DisplayName       string       `json:"displayName"` // AS1
	Name              string       `json:"name"`        // AS2
	URL               linkOrString `json:"url"`
	Summary           string       `json:"summary"`
	Content           string       `json:"content"`
	Image             linkOrString `json:"image"` // AS1 {url,width,height}
	Icon              linkOrString `json:"icon"`  // AS2
	Followers         countOrLink  `json:"followers"`
	Following         countOrLink  `json:"following"`
	Verb              string       `json:"verb"` // AS1 activities
	Actor             *asObject    `json:"actor"`
	Object            *asObject    `json:"object"`
	Published         string       `json:"published"`
}

// typeName is AS2's "type": a string, or a list of strings (the first counts).
type typeName string

func (t *typeName) UnmarshalJSON(b []byte) error {
	var s string
	if err := json.Unmarshal(b, &s); err == nil {
		*t = typeName(s)
		return nil
	}
	var list []string
	if err := json.Unmarshal(b, &list); err != nil {
		return nil // an unexpected shape says nothing about the type
	}
	if len(list) > 0 {
		*t = typeName(list[0])
	}
	return nil
}

// kind is the object's type in lower case, from either dialect ("person", "note", "create").
func (o *asObject) kind() string {
	if o.ObjectType != "" {
		return strings.ToLower(o.ObjectType)
	}
	return strings.ToLower(string(o.Type))
}

// name is the display name in either dialect (AS1 displayName, else AS2
// name), cleaned by CleanDisplayName: it is the server's text and goes on
// screen. A displayName with nothing visible in it gives way to name.
func (o *asObject) name() string {
	if n := CleanDisplayName(o.DisplayName); n != "" {
		return n
	}
	return CleanDisplayName(o.Name)
}

// UnmarshalJSON accepts an object, or (AS2) a bare id string for actor and object.
func (o *asObject) UnmarshalJSON(b []byte) error {
	b = bytes.TrimSpace(b)
	if len(b) > 0 && b[0] == '"' {
		return json.Unmarshal(b, &o.ID)
	}
	type plain asObject
	return json.Unmarshal(b, (*plain)(o))
}

// parseProfile reads a person object in either dialect; anything else is an
// error (the caller makes it ErrBadResponse). The nickname comes from
// preferredUsername, or, where pump.io 6.0 leaves it out of AS2, from the
// person's id (http://HOST/NICK or http://HOST/api/user/NICK/profile).
// Without either it is an error: a nickname is never guessed.
func parseProfile(body []byte) (Profile, error) {
	var v asObject
	if err := json.Unmarshal(bytes.TrimSpace(body), &v); err != nil {
		return Profile{}, errors.New("malformed JSON")
	}
	if v.ID == "" && v.PreferredUsername == "" {
		return Profile{}, errors.New("not a person object")
	}
	if k := v.kind(); k != "" && k != "person" {
		return Profile{}, errors.New("not a person object")
	}
	nick := v.PreferredUsername
	if nick == "" {
		nick = nickFromID(v.ID)
	}
	if nick == "" {
		return Profile{}, errors.New("the profile names no user")
	}
	if !validNick(nick) {
		return Profile{}, errors.New("the profile's user name is not a pump.io nickname")
	}
	image := v.Image.URL
	if image == "" {
		image = v.Icon.URL
	}
	return Profile{
		ID: v.ID, PreferredUsername: nick, DisplayName: v.name(),
		URL: v.URL.URL, ImageURL: image, Summary: v.Summary,
		Followers: v.Followers.Total, Following: v.Following.Total,
	}, nil
}

// nickFromID reads the nickname from a pump.io person id: the HTML profile
// page http://HOST/NICK (AS2 on 6.0) or the API profile
// http://HOST/api/user/NICK/profile (AS1). Other shapes give "".
func nickFromID(id string) string {
	u, err := url.Parse(id)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || u.RawQuery != "" || u.Fragment != "" {
		return ""
	}
	parts := strings.Split(strings.Trim(u.Path, "/"), "/")
	var nick string
	switch {
	case len(parts) == 1:
		nick = parts[0]
	case len(parts) == 4 && parts[0] == "api" && parts[1] == "user" && parts[3] == "profile":
		nick = parts[2]
	}
	if nick == "" || !validNick(nick) {
		return ""
	}
	return nick
}

// Activity is one entry of a feed or an inbox, read from either dialect.
// Content is the server's HTML as it was sent: render it as text, never as
// markup.
type Activity struct {
	ID         string    // the activity's id (a URL)
	Verb       string    // "post", "follow", … (AS1 verb; AS2 type in lower case, "create" for a post)
	ActorName  string    // who did it: display name (cleaned by CleanDisplayName), or nickname
	ActorID    string    // the actor's id
	ObjectType string    // "note", "person", … in lower case
	Content    string    // the object's content (HTML), else its name
	URL        string    // the object's web page, else the activity's
	Published  time.Time // zero when absent or unreadable
}

// Collection is a page of a feed or an inbox, newest first.
type Collection struct {
	TotalItems int        // how many the server holds in all
	Items      []Activity // this page
	// Older is the activity id to pass to InboxBefore for the next, older
	// page: the before parameter of the server's "next" link (AS1
	// links.next.href, AS2 first.next). Empty when the server offers no
	// older page. pump.io offers one whenever a page asked with before is
	// full, so a page that ends exactly at the oldest item still has one,
	// and the next page comes back empty with Older empty: the end.
	Older string
}

// maxOlderID bounds the id kept in Collection.Older: pump.io's ids are
// URLs of about 60 bytes; a longer one would only make a long request.
const maxOlderID = 2048

// parseCollection reads an AS1 collection ("items") or an AS2 one: pump.io
// 6.0 puts the items of an OrderedCollection under first.orderedItems, and
// leaves orderedItems out of a page that is empty (measured).
func parseCollection(body []byte) (Collection, error) {
	type page struct {
		Items        json.RawMessage `json:"items"`
		OrderedItems json.RawMessage `json:"orderedItems"`
		Next         linkOrString    `json:"next"` // AS2
	}
	var v struct {
		page
		TotalItems int   `json:"totalItems"`
		First      *page `json:"first"`
		Links      struct {
			Next linkOrString `json:"next"` // AS1 {"href":…}
		} `json:"links"`
	}
	if err := json.Unmarshal(bytes.TrimSpace(body), &v); err != nil {
		return Collection{}, errors.New("malformed JSON")
	}
	empty := func(r json.RawMessage) bool { return len(r) == 0 || string(r) == "null" }
	raw := v.Items
	if empty(raw) {
		raw = v.OrderedItems
	}
	next := firstNonEmpty(v.Links.Next.URL, v.Next.URL)
	if empty(raw) && v.First != nil {
		raw = v.First.OrderedItems
		if empty(raw) {
			raw = v.First.Items
		}
		next = firstNonEmpty(next, v.First.Next.URL)
	}
	if empty(raw) {
		if v.TotalItems == 0 || v.First != nil {
			// An empty stream, or (6.0) an empty page of a stream.
			return Collection{TotalItems: max(v.TotalItems, 0)}, nil
		}
		return Collection{}, errors.New("not a collection")
	}
	var items []asObject
	if err := json.Unmarshal(raw, &items); err != nil {
		return Collection{}, errors.New("the collection's items are not objects")
	}
	c := Collection{TotalItems: max(v.TotalItems, len(items)), Items: make([]Activity, 0, len(items))}
	for i := range items {
		c.Items = append(c.Items, items[i].activity())
	}
	if next != "" && len(c.Items) > 0 {
		c.Older = olderID(next, c.Items[len(c.Items)-1].ID)
	}
	return c, nil
}

// olderID is the before parameter of the next link, or, when the link has
// none (a server paging some other way), the last item's id, which is what
// pump.io puts there. The link itself is never followed, so its origin does
// not matter: only the id goes back, to the account's own server.
func olderID(next, lastID string) string {
	id := lastID
	if u, err := url.Parse(next); err == nil {
		if b := u.Query().Get("before"); b != "" {
			id = b
		}
	}
	if len(id) > maxOlderID || !utf8.ValidString(id) {
		return ""
	}
	return id
}

func firstNonEmpty(s ...string) string {
	for _, x := range s {
		if x != "" {
			return x
		}
	}
	return ""
}

// parseActivity reads one activity (the server's answer to a post).
func parseActivity(body []byte) (Activity, error) {
	var v asObject
	if err := json.Unmarshal(bytes.TrimSpace(body), &v); err != nil {
		return Activity{}, errors.New("malformed JSON")
	}
	if v.ID == "" || (v.Verb == "" && v.Type == "") {
		return Activity{}, errors.New("not an activity")
	}
	return v.activity(), nil
}

func (o *asObject) activity() Activity {
	a := Activity{ID: o.ID, Verb: strings.ToLower(o.Verb), URL: o.URL.URL}
	if a.Verb == "" {
		a.Verb = o.kind()
	}
	if o.Actor != nil {
		a.ActorName, a.ActorID = o.Actor.name(), o.Actor.ID
		if a.ActorName == "" {
			a.ActorName = o.Actor.PreferredUsername
		}
		if a.ActorName == "" {
			a.ActorName = nickFromID(o.Actor.ID)
		}
	}
	if obj := o.Object; obj != nil {
		a.ObjectType = obj.kind()
		a.Content = obj.Content
		if a.Content == "" {
			a.Content = obj.name()
		}
		if obj.URL.URL != "" {
			a.URL = obj.URL.URL
		}
	}
	if t, err := time.Parse(time.RFC3339, o.Published); err == nil {
		a.Published = t
	}
	return a
}
