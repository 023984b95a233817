package pumpauth

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
)

// The few API calls an application needs beyond Whoami. Each is a signed
// request through HTTPClient on the account's own server, asking for
// ActivityStreams 1.0 and reading 2.0 as well.

// publicCollection is ActivityStreams' "everyone" audience.
const publicCollection = "http://activityschema.org/collection/public"

// Audience says who may read a note.
type Audience int

// Audiences of PostNote.
const (
	Public        Audience = iota // everyone
	FollowersOnly                 // the people who follow the account
)

// Inbox returns the newest count activities of the account's inbox (what
// the people it follows did), newest first. count is clamped to 1–200.
func (p *Pump) Inbox(ctx context.Context, count int) (Collection, error) {
	return p.InboxBefore(ctx, count, "")
}

// InboxBefore returns up to count activities of the inbox that are older
// than the activity beforeID, newest first: "Load older" passes the Older
// of the page shown last. An empty beforeID gives the newest page, as
// Inbox. count is clamped to 1–200.
//
// pump.io pages by activity id (GET …/inbox?count=N&before=ID, measured on
// 5.1.4 and 6.0). When beforeID is not in the inbox (any more), the server
// answers 400 and the error wraps ErrUnknownItem: load the newest page
// again. The request goes to the account's own server, never to a URL the
// server named.
func (p *Pump) InboxBefore(ctx context.Context, count int, beforeID string) (Collection, error) {
	count = min(max(count, 1), 200)
	u, err := p.userURL(ctx, "inbox")
	if err != nil {
		return Collection{}, err
	}
	q := url.Values{"count": {strconv.Itoa(count)}}
	if beforeID != "" {
		q.Set("before", beforeID)
	}
	body, status, err := p.api(ctx, opInbox, http.MethodGet, u+"?"+q.Encode(), nil)
	if err != nil {
		return Collection{}, err
	}
	c, err := parseCollection(body)
	if err != nil {
		return Collection{}, &ResponseError{Op: opInbox, StatusCode: status, Kind: ErrBadResponse, Cause: err}
	}
	return c, nil
}

// PostNote publishes a note with content (plain text or HTML, as the
// person wrote it) to audience, and returns the activity the server stored.
func (p *Pump) PostNote(ctx context.Context, content string, audience Audience) (Activity, error) {
	if strings.TrimSpace(content) == "" {
		return Activity{}, &ResponseError{Op: opPost, Kind: ErrBadResponse, Cause: errors.New("the note is empty")}
	}
	u, err := p.userURL(ctx, "feed")
	if err != nil {
		return Activity{}, err
	}
	to := map[string]string{"objectType": "collection", "id": publicCollection}
	if audience == FollowersOnly {
		to["id"] = strings.TrimSuffix(u, "/feed") + "/followers"
	}
	act, _ := json.Marshal(map[string]any{
		"verb":   "post",
		"object": map[string]string{"objectType": "note", "content": content},
		"to":     []any{to},
	})
	body, status, err := p.api(ctx, opPost, http.MethodPost, u, act)
	if err != nil {
		return Activity{}, err
	}
	a, err := parseActivity(body)
	if err != nil {
		return Activity{}, &ResponseError{Op: opPost, StatusCode: status, Kind: ErrBadResponse, Cause: err}
	}
	return a, nil
}

// userURL is the account's API URL for what ("inbox", "feed") on the
// server's base: https://HOST/api/user/NICK/what.
func (p *Pump) userURL(ctx context.Context, what string) (string, error) {
	e, err := p.discover(ctx)
	if err != nil {
		return "", err
	}
	return e.Base + "/api/user/" + url.PathEscape(p.account().Nick) + "/" + what, nil
}

// api sends one signed request (a JSON body when body is not nil) and
// returns the 2xx answer's body, or the classified error.
func (p *Pump) api(ctx context.Context, op, method, rawURL string, body []byte) ([]byte, int, error) {
	rctx, cancel := p.withTimeout(ctx)
	defer cancel()
	var rd io.Reader
	if body != nil {
		rd = bytes.NewReader(body)
	}
	req, err := http.NewRequestWithContext(rctx, method, rawURL, rd)
	if err != nil {
		return nil, 0, &ResponseError{Op: op, Kind: ErrBadResponse, Cause: err}
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	req.Header.Set("Accept", acceptActivityStreams1)
	resp, err := p.HTTPClient().Do(req)
	if err != nil {
		return nil, 0, p.pinnedError(transportError(ctx, op, err))
	}
	respBody, err := readBody(resp)
	if err != nil {
		return nil, resp.StatusCode, p.pinnedError(transportError(ctx, op, err))
	}
	ct := resp.Header.Get("Content-Type")
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		return nil, resp.StatusCode, statusError(op, resp.StatusCode, ct, respBody)
	}
	if strings.Contains(ct, "html") {
		return nil, resp.StatusCode, &ResponseError{Op: op, StatusCode: resp.StatusCode, Kind: ErrNotPumpServer,
			Cause: errors.New("the answer is a web page")}
	}
	return respBody, resp.StatusCode, nil
}
