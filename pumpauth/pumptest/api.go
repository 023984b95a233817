package pumptest

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"time"
)

const (
	defaultCount = 20
	maxCount     = 200
)

func jsonReply(status int, v any) reply {
	b, err := json.Marshal(v)
	if err != nil {
		return textReply(http.StatusInternalServerError, "internal error")
	}
	return reply{status: status, contentType: ctJSON, body: b}
}

func jsonError(status int, msg string) reply {
	return jsonReply(status, map[string]string{"error": msg})
}

// apiAuth checks a signed API request. A request signed with client credentials only (2-legged) gives a nil
// token; needUser rejects it like an unsigned one. On failure it returns pump.io's reply.
func (s *Server) apiAuth(r *http.Request, ep Endpoint, needUser bool) (*accessToken, reply, bool) {
	params, op, missing, err := signedParams(r)
	if err == nil && len(op) == 0 {
		return nil, jsonError(http.StatusUnauthorized, "Not logged in."), false
	}
	switch {
	case err != nil:
		return nil, s.reject(ep, http.StatusBadRequest, errMissingParam, err.Error()), false
	case missing != "":
		return nil, s.reject(ep, http.StatusBadRequest, errMissingParam, "no "+missing), false
	}
	// pump.io's provider looks the token up before the client: after a wiped
	// database a request sees only "Invalid / expired Token".
	var at *accessToken
	if t := op["oauth_token"]; t != "" {
		at = s.accessTokens[t]
		if at == nil {
			return nil, s.reject(ep, http.StatusBadRequest, errInvalidToken, "access token "+t+" is unknown or revoked"), false
		}
	}
	c := s.lookupClient(op["oauth_consumer_key"])
	switch {
	case c == nil && at != nil:
		// A known token with an unknown client: the provider's nonce check fails first.
		return nil, s.reject(ep, http.StatusUnauthorized, errUsedNonce, "unknown or expired consumer key "+op["oauth_consumer_key"]), false
	case c == nil:
		return nil, s.reject(ep, http.StatusBadRequest, errInvalidKey, "unknown or expired consumer key "+op["oauth_consumer_key"]), false
	case at != nil && at.clientID != c.id:
		return nil, s.reject(ep, http.StatusBadRequest, errInvalidToken, "access token "+at.token+" belongs to another client"), false
	}
	tokenSecret := ""
	if at != nil {
		tokenSecret = at.secret
	}
	if reason := s.checkSigned(r, params, op, c.secret, tokenSecret); reason != "" {
		// pump.io answers a bad signature on an API request with 400 (also what a client following whoami's
		// redirect with the old Authorization header gets, pump.io issue 652).
		return nil, s.reject(ep, http.StatusBadRequest, errInvalidSig, reason), false
	}
	if needUser && at == nil {
		// Signed with client credentials alone where a user is needed.
		return nil, s.reject(ep, http.StatusBadRequest, errMissingParam, "no oauth_token"), false
	}
	return at, reply{}, true
}

// whoami answers GET /api/whoami with a 302 to the user's profile.
func (s *Server) whoami(r *http.Request) reply {
	if !isGet(r) {
		return jsonError(http.StatusMethodNotAllowed, "Method not allowed")
	}
	at, rep, ok := s.apiAuth(r, Whoami, true)
	if !ok {
		return rep
	}
	return redirectReply(http.StatusFound, s.profileURL(at.nick))
}

func (s *Server) profileURL(nick string) string { return s.base() + "/api/user/" + nick + "/profile" }
func (s *Server) avatarURL(nick string) string  { return s.base() + "/images/" + nick + ".png" }

// person is the activity streams object for u.
func (s *Server) person(u *user) map[string]any {
	b := s.base() + "/api/user/" + u.nick
	coll := func(name string, n int) map[string]any {
		return map[string]any{"objectType": "collection", "id": b + "/" + name, "url": b + "/" + name, "totalItems": n}
	}
	return map[string]any{
		"objectType":        "person",
		"id":                b + "/profile",
		"preferredUsername": u.nick,
		"displayName":       u.displayName,
		"url":               s.base() + "/" + u.nick,
		"image":             map[string]any{"url": s.avatarURL(u.nick), "width": avatarSize, "height": avatarSize},
		"links": map[string]any{
			"self":            map[string]string{"href": b + "/profile"},
			"activity-inbox":  map[string]string{"href": b + "/inbox"},
			"activity-outbox": map[string]string{"href": b + "/feed"},
		},
		"followers": coll("followers", u.followers),
		"following": coll("following", u.following),
		"favorites": coll("favorites", 0),
	}
}

func (s *Server) apiUser(r *http.Request) (*user, reply, bool) {
	nick := r.PathValue("nick")
	u := s.users[nick]
	if u == nil {
		return nil, jsonError(http.StatusNotFound, "No such 'user' with id '"+nick+"'"), false
	}
	return u, reply{}, true
}

// profile answers GET /api/user/{nick}/profile; client-only signatures are enough.
func (s *Server) profile(r *http.Request) reply {
	if !isGet(r) {
		return jsonError(http.StatusMethodNotAllowed, "Method not allowed")
	}
	if _, rep, ok := s.apiAuth(r, Profile, false); !ok {
		return rep
	}
	u, rep, ok := s.apiUser(r)
	if !ok {
		return rep
	}
	return s.activityReply(r, s.person(u))
}

// activityReply answers with v in ActivityStreams 1.0, or in 2.0 where a 6.0 server would (see Version60).
func (s *Server) activityReply(r *http.Request, v map[string]any) reply {
	if !s.wantsAS2(r.Header.Get("Accept")) {
		return jsonReply(http.StatusOK, v)
	}
	rep := jsonReply(http.StatusOK, as2Document(v))
	rep.contentType = ctAS2
	return rep
}

// inbox answers GET /api/user/{nick}/inbox: only the user may read it.
func (s *Server) inbox(r *http.Request) reply {
	if !isGet(r) {
		return jsonError(http.StatusMethodNotAllowed, "Method not allowed")
	}
	u, rep, ok := s.ownUser(r, Inbox)
	if !ok {
		return rep
	}
	return s.collection(r, u, "inbox", "Activities for "+u.displayName, u.inbox)
}

// ownUser authenticates r with the user's own access token: the URL's
// user must be the token's, else 401 "Not authorized" as pump.io answers.
func (s *Server) ownUser(r *http.Request, ep Endpoint) (*user, reply, bool) {
	at, rep, ok := s.apiAuth(r, ep, true)
	if !ok {
		return nil, rep, false
	}
	u, rep, ok := s.apiUser(r)
	if !ok {
		return nil, rep, false
	}
	if at.nick != u.nick {
		return nil, jsonError(http.StatusUnauthorized, "Not authorized"), false
	}
	return u, reply{}, true
}

// feed answers GET (read, any signed client) and POST (publish, only the user) /api/user/{nick}/feed.
func (s *Server) feed(r *http.Request) reply {
	switch r.Method {
	case http.MethodGet, http.MethodHead:
		if _, rep, ok := s.apiAuth(r, Feed, false); !ok {
			return rep
		}
		u, rep, ok := s.apiUser(r)
		if !ok {
			return rep
		}
		return s.collection(r, u, "feed", "Activities by "+u.displayName, u.feed)
	case http.MethodPost:
		u, rep, ok := s.ownUser(r, Feed)
		if !ok {
			return rep
		}
		return s.post(r, u)
	default:
		return jsonError(http.StatusMethodNotAllowed, "Method not allowed")
	}
}

// streamArgs are a collection request's paging parameters, read as pump.io's streamArgs (routes/api.js) reads
// them: count (default 20, at most 200), and one of before (older than that activity), since (newer than it) or
// offset.
type streamArgs struct {
	count         int
	before, since string
	hasBefore     bool
	hasSince      bool
	start         int  // offset
	hasStart      bool // offset given, or neither before nor since
}

// jsInt is what validator.isInt accepts: an optional sign and no leading zeros.
var jsInt = regexp.MustCompile(`^[-+]?(0|[1-9][0-9]*)$`)

// parseStreamArgs returns the arguments, or the message pump.io answers with 400.
func parseStreamArgs(q url.Values) (streamArgs, string) {
	a := streamArgs{count: defaultCount}
	if q.Has("count") {
		v := q.Get("count")
		n, err := strconv.Atoi(strings.TrimPrefix(v, "+"))
		if !jsInt.MatchString(v) || err != nil || n < 0 || n > maxCount {
			return a, "Count must be between 0 and " + strconv.Itoa(maxCount)
		}
		a.count = n
	}
	if q.Has("before") {
		if q.Get("before") == "" {
			return a, " is null" // pump.io's message: the empty value, then " is null"
		}
		a.before, a.hasBefore = strings.TrimSpace(q.Get("before")), true
	}
	if q.Has("since") {
		if a.hasBefore {
			return a, "Can't have both 'before' and 'since' parameters"
		}
		if q.Get("since") == "" {
			return a, " is null"
		}
		a.since, a.hasSince = strings.TrimSpace(q.Get("since")), true
	}
	if q.Has("offset") {
		switch {
		case a.hasBefore:
			return a, "Can't have both 'before' and 'offset' parameters"
		case a.hasSince:
			return a, "Can't have both 'since' and 'offset' parameters"
		}
		v := q.Get("offset")
		n, err := strconv.Atoi(strings.TrimPrefix(v, "+"))
		if !jsInt.MatchString(v) || err != nil || n < 0 {
			return a, "Offset must be an integer greater than or equal to zero"
		}
		a.start, a.hasStart = n, true
	}
	if !a.hasBefore && !a.hasSince {
		a.hasStart = true
	}
	return a, ""
}

// collection answers one page of a user's stream (name "inbox" or "feed", pump.io's streams "inbox" and
// "outbox"), newest first, paged as pump.io's streams.js pages it: links first and self are the collection;
// prev (?since=the first item) whenever the page has items; next (?before=the last item) when an offset page
// ends before the stream does, when a before page is full (so a page that ends exactly at the stream's end
// still has a next link, to an empty page), and always on a since page. The links carry no count. An id the
// stream does not hold is 400 "id '…' not found in stream 'user:NICK:inbox'" (not on an empty stream).
func (s *Server) collection(r *http.Request, u *user, name, title string, items []map[string]any) reply {
	args, msg := parseStreamArgs(r.URL.Query())
	if msg != "" {
		return jsonError(http.StatusBadRequest, msg)
	}
	// The stream, newest first.
	stream := make([]map[string]any, len(items))
	for i, it := range items {
		stream[len(items)-1-i] = it
	}
	index := func(id string) int {
		for i, it := range stream {
			if it["id"] == id {
				return i
			}
		}
		return -1
	}
	streamName := "user:" + u.nick + ":" + map[string]string{"inbox": "inbox", "feed": "outbox"}[name]
	page := []map[string]any{}
	if len(stream) > 0 {
		var lo, hi int
		switch {
		case args.hasBefore:
			i := index(args.before)
			if i < 0 {
				return jsonError(http.StatusBadRequest, "id '"+args.before+"' not found in stream '"+streamName+"'")
			}
			lo, hi = i+1, i+1+args.count
		case args.hasSince:
			i := index(args.since)
			if i < 0 {
				return jsonError(http.StatusBadRequest, "id '"+args.since+"' not found in stream '"+streamName+"'")
			}
			lo, hi = max(0, i-args.count), i
		default:
			lo, hi = args.start, args.start+args.count
		}
		lo, hi = min(lo, len(stream)), min(hi, len(stream))
		page = stream[lo:hi]
	}
	u0 := s.base() + "/api/user/" + u.nick + "/" + name
	links := map[string]any{"first": map[string]string{"href": u0}, "self": map[string]string{"href": u0}}
	if len(page) > 0 {
		first, _ := page[0]["id"].(string)
		last, _ := page[len(page)-1]["id"].(string)
		links["prev"] = map[string]string{"href": u0 + "?since=" + encodeURIComponent(first)}
		if (args.hasStart && args.start+len(page) < len(stream)) || (args.hasBefore && len(page) >= args.count) || args.hasSince {
			links["next"] = map[string]string{"href": u0 + "?before=" + encodeURIComponent(last)}
		}
	}
	return s.activityReply(r, map[string]any{
		"displayName": title,
		"objectTypes": []string{"activity"},
		"url":         u0,
		"links":       links,
		"items":       page,
		"totalItems":  len(stream),
	})
}

// encodeURIComponent escapes s as JavaScript's encodeURIComponent does (pump.io builds its links with it).
func encodeURIComponent(s string) string {
	var b strings.Builder
	for _, c := range []byte(s) {
		if 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || strings.IndexByte("-_.!~*'()", c) >= 0 {
			b.WriteByte(c)
			continue
		}
		fmt.Fprintf(&b, "%%%02X", c)
	}
	return b.String()
}

// post stores a JSON activity published by u and returns it as pump.io does.
func (s *Server) post(r *http.Request, u *user) reply {
	var act map[string]any
	if err := json.NewDecoder(r.Body).Decode(&act); err != nil {
		return jsonError(http.StatusBadRequest, "Invalid JSON activity: "+err.Error())
	}
	verb, _ := act["verb"].(string)
	if verb == "" {
		verb = "post"
	}
	obj, _ := act["object"].(map[string]any)
	if obj == nil {
		return jsonError(http.StatusBadRequest, "An activity needs an object.")
	}
	otype, _ := obj["objectType"].(string)
	if otype == "" {
		return jsonError(http.StatusBadRequest, "The object needs an objectType.")
	}
	act["verb"], act["object"] = verb, obj
	s.stamp(u, act)
	u.feed = append(u.feed, act)
	u.inbox = append(u.inbox, act)
	return jsonReply(http.StatusOK, act)
}

// stamp completes act, published by u, as pump.io stores it: ids for it and its object, the author and
// actor, the times and the generated content and url.
func (s *Server) stamp(u *user, act map[string]any) {
	verb, _ := act["verb"].(string)
	obj, _ := act["object"].(map[string]any)
	otype, _ := obj["objectType"].(string)
	now := s.publishedNow().Format(time.RFC3339)
	s.seq++
	actor := s.person(u)
	if _, ok := obj["id"]; !ok {
		obj["id"] = fmt.Sprintf("%s/api/%s/%s", s.base(), strings.ToLower(otype), randomID(16))
	}
	obj["author"] = actor
	obj["published"], obj["updated"] = now, now
	act["id"] = s.base() + "/api/activity/" + randomID(16)
	act["actor"] = actor
	act["published"], act["updated"] = now, now
	act["content"] = fmt.Sprintf("%s %sed a %s", u.displayName, strings.TrimSuffix(verb, "e"), otype)
	act["url"] = fmt.Sprintf("%s/%s/activity/%d", s.base(), u.nick, s.seq)
}

// publishedNow is the time of a new activity: now, to the second (as the stored times are written), but
// always after the previous activity's, so the server's activities have distinct, increasing published
// times even when several are made within one second (a burst runs ahead of the clock by that many seconds).
func (s *Server) publishedNow() time.Time {
	t := s.now().UTC().Truncate(time.Second)
	if !t.After(s.lastPublished) {
		t = s.lastPublished.Add(time.Second)
	}
	s.lastPublished = t
	return t
}

// Deliver makes fromNick publish a public note with contentHTML (stored as given: the server's HTML, hostile
// or not) and delivers it to toNick's inbox, as pump.io does for a person toNick follows: the post activity
// goes into fromNick's feed and inbox and into toNick's inbox, newest on top, with a published time after
// every earlier activity's. No follow is needed or recorded (see SetFollowCounts for the profile's counts).
// It returns the activity's id, or an error when either user does not exist.
func (s *Server) Deliver(toNick, fromNick, contentHTML string) (string, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	to, from := s.users[toNick], s.users[fromNick]
	if to == nil || from == nil {
		return "", fmt.Errorf("pumptest: Deliver: no user %q or %q", toNick, fromNick)
	}
	act := map[string]any{
		"verb":   "post",
		"object": map[string]any{"objectType": "note", "content": contentHTML},
		"to":     []any{map[string]any{"objectType": "collection", "id": "http://activityschema.org/collection/public"}},
	}
	s.stamp(from, act)
	from.feed = append(from.feed, act)
	from.inbox = append(from.inbox, act)
	if to != from {
		to.inbox = append(to.inbox, act)
	}
	id, _ := act["id"].(string)
	return id, nil
}

// SetFollowCounts sets the totalItems of nick's followers and following collections on the profile (both 0
// for a new user). pump.io counts the people in them; this server keeps only the numbers. Negative counts
// are taken as 0. It returns an error when the user does not exist.
func (s *Server) SetFollowCounts(nick string, followers, following int) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	u := s.users[nick]
	if u == nil {
		return fmt.Errorf("pumptest: SetFollowCounts: no user %q", nick)
	}
	u.followers, u.following = max(followers, 0), max(following, 0)
	return nil
}
