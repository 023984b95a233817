package pumptest

import (
	"encoding/json"
	"fmt"
	"net/http"
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
		"followers": coll("followers", 0),
		"following": coll("following", 0),
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

func (s *Server) collection(r *http.Request, u *user, name, title string, items []map[string]any) reply {
	count := defaultCount
	if v := r.URL.Query().Get("count"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 0 {
			return jsonError(http.StatusBadRequest, "count must be a non-negative integer")
		}
		count = min(n, maxCount)
	}
	// Newest first.
	out := make([]map[string]any, 0, min(count, len(items)))
	for i := len(items) - 1; i >= 0 && len(out) < count; i-- {
		out = append(out, items[i])
	}
	u0 := s.base() + "/api/user/" + u.nick + "/" + name
	return s.activityReply(r, map[string]any{
		"displayName": title,
		"objectTypes": []string{"activity"},
		"url":         u0,
		"links":       map[string]any{"self": map[string]string{"href": u0}},
		"items":       out,
		"totalItems":  len(items),
	})
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
	now := s.now().UTC().Format(time.RFC3339)
	s.seq++
	actor := s.person(u)
	if _, ok := obj["id"]; !ok {
		obj["id"] = fmt.Sprintf("%s/api/%s/%s", s.base(), strings.ToLower(otype), randomID(16))
	}
	obj["author"] = actor
	obj["published"], obj["updated"] = now, now
	act["id"] = s.base() + "/api/activity/" + randomID(16)
	act["verb"] = verb
	act["object"] = obj
	act["actor"] = actor
	act["published"], act["updated"] = now, now
	act["content"] = fmt.Sprintf("%s %sed a %s", u.displayName, strings.TrimSuffix(verb, "e"), otype)
	act["url"] = fmt.Sprintf("%s/%s/activity/%d", s.base(), u.nick, s.seq)
	u.feed = append(u.feed, act)
	u.inbox = append(u.inbox, act)
	return jsonReply(http.StatusOK, act)
}
