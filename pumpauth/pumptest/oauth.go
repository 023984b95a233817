package pumptest

import (
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"time"
)

// requestToken is a temporary credential (RFC 5849 §2.1).
type requestToken struct {
	token, secret string
	clientID      string
	callback      string
	created       time.Time
	nick          string // set when the user approved
	verifier      string // set when the user approved
}

// accessToken is a token credential (RFC 5849 §2.3).
type accessToken struct {
	token, secret string
	clientID      string
	nick          string
}

// OAuth error texts, as pump.io's provider sends them (text/plain).
const (
	errMissingParam   = "Missing required parameter"
	errInvalidKey     = "Invalid Consumer Key"
	errInvalidSig     = "Invalid signature"
	errInvalidToken   = "Invalid / expired Token"
	errUsedNonce      = "Invalid / used nonce"
	errInternal       = "internal error"
	sessionCookieName = "pumptest_session"
)

// reject records reason for LastRejection and returns an OAuth error as pump.io's provider sends it: bare
// "text/plain" (no charset), and on API requests with WWW-Authenticate.
func (s *Server) reject(ep Endpoint, status int, msg, reason string) reply {
	s.lastRejection = fmt.Sprintf("%s: %d %s: %s", ep, status, msg, reason)
	rep := reply{status: status, contentType: "text/plain", body: []byte(msg)}
	switch ep {
	case Whoami, Profile, Inbox, Feed:
		rep.header = http.Header{"WWW-Authenticate": {`OAuth realm="OAuth"`}}
	}
	return rep
}

// signedParams collects r's parameters and checks that the protocol parameters every signed request needs are
// there (RFC 5849 §3.1; oauth_timestamp and oauth_nonce may be omitted with PLAINTEXT). extra names more.
func signedParams(r *http.Request, extra ...string) (params []param, op map[string]string, missing string, err error) {
	params, err = requestParams(r)
	if err != nil {
		return nil, nil, "", err
	}
	op = oauthParams(params)
	need := []string{"oauth_consumer_key", "oauth_signature_method", "oauth_signature"}
	if op["oauth_signature_method"] != MethodPLAINTEXT {
		need = append(need, "oauth_timestamp", "oauth_nonce")
	}
	for _, n := range append(need, extra...) {
		if op[n] == "" {
			return params, op, n, nil
		}
	}
	return params, op, "", nil
}

// checkSigned verifies the signature, then (stricter than pump.io) the timestamp and the nonce.
// It returns a reason for the rejection, or "".
func (s *Server) checkSigned(r *http.Request, params []param, op map[string]string, consumerSecret, tokenSecret string) string {
	if err := verifyParams(r, params, consumerSecret, tokenSecret); err != nil {
		return err.Error()
	}
	ts, nonce := op["oauth_timestamp"], op["oauth_nonce"]
	now := s.now()
	if ts != "" {
		sec, err := strconv.ParseInt(ts, 10, 64)
		if err != nil {
			return fmt.Sprintf("oauth_timestamp %q is not a number", ts)
		}
		if d := now.Sub(time.Unix(sec, 0)); d > maxClockSkew || d < -maxClockSkew {
			return fmt.Sprintf("oauth_timestamp %s is %v away from the server's clock (%d); at most %v allowed",
				ts, d.Round(time.Second), now.Unix(), maxClockSkew)
		}
	}
	if nonce != "" {
		key := op["oauth_consumer_key"] + "&" + ts + "&" + nonce
		if _, seen := s.nonces[key]; seen {
			return fmt.Sprintf("oauth_nonce %q was already used with this consumer key and timestamp %s (replay)", nonce, ts)
		}
		if len(s.nonces) >= 4096 {
			for k, t := range s.nonces {
				if now.Sub(t) > 2*maxClockSkew {
					delete(s.nonces, k)
				}
			}
		}
		s.nonces[key] = now
	}
	return ""
}

// requestToken answers /oauth/request_token (RFC 5849 §2.1).
func (s *Server) requestToken(r *http.Request) reply {
	if r.Method != http.MethodPost && r.Method != http.MethodGet {
		return textReply(http.StatusMethodNotAllowed, "Method Not Allowed")
	}
	params, op, missing, err := signedParams(r, "oauth_callback")
	switch {
	case err != nil:
		return s.reject(RequestToken, http.StatusBadRequest, errMissingParam, err.Error())
	case missing != "":
		return s.reject(RequestToken, http.StatusBadRequest, errMissingParam, "no "+missing)
	}
	c := s.lookupClient(op["oauth_consumer_key"])
	if c == nil {
		return s.reject(RequestToken, http.StatusBadRequest, errInvalidKey, "unknown or expired consumer key "+op["oauth_consumer_key"])
	}
	if reason := s.checkSigned(r, params, op, c.secret, ""); reason != "" {
		return s.reject(RequestToken, http.StatusUnauthorized, errInvalidSig, reason)
	}
	cb := op["oauth_callback"]
	if cb != "oob" && !isAbsoluteHTTPURL(cb) {
		return s.reject(RequestToken, http.StatusBadRequest, errInternal, fmt.Sprintf("oauth_callback %q is neither oob nor an absolute http(s) URL", cb))
	}
	now := s.now()
	for k, rt := range s.requestTokens { // pump.io drops a client's idle tokens when it asks for a new one
		if rt.clientID == c.id && now.Sub(rt.created) > requestTokenIdle {
			delete(s.requestTokens, k)
		}
	}
	rt := &requestToken{token: randomID(16), secret: randomID(32), clientID: c.id, callback: cb, created: now}
	s.requestTokens[rt.token] = rt
	s.callbacks[rt.token] = cb
	return formReply(url.Values{
		"oauth_token":              {rt.token},
		"oauth_token_secret":       {rt.secret},
		"oauth_callback_confirmed": {"true"},
	})
}

// lookupRequestToken returns the pending request token unless it is unknown, idle too long or its client is gone.
func (s *Server) lookupRequestToken(token string) (*requestToken, *client) {
	rt := s.requestTokens[token]
	if rt == nil {
		return nil, nil
	}
	if s.now().Sub(rt.created) > requestTokenIdle {
		delete(s.requestTokens, token)
		return nil, nil
	}
	c := s.lookupClient(rt.clientID)
	if c == nil {
		return nil, nil
	}
	return rt, c
}

// accessToken answers /oauth/access_token (RFC 5849 §2.3). Unlike pump.io it checks the verifier.
func (s *Server) accessToken(r *http.Request) reply {
	if r.Method != http.MethodPost && r.Method != http.MethodGet {
		return textReply(http.StatusMethodNotAllowed, "Method Not Allowed")
	}
	params, op, missing, err := signedParams(r, "oauth_token", "oauth_verifier")
	switch {
	case err != nil:
		return s.reject(AccessToken, http.StatusBadRequest, errMissingParam, err.Error())
	case missing != "":
		return s.reject(AccessToken, http.StatusBadRequest, errMissingParam, "no "+missing)
	}
	c := s.lookupClient(op["oauth_consumer_key"])
	if c == nil {
		return s.reject(AccessToken, http.StatusBadRequest, errInvalidKey, "unknown or expired consumer key "+op["oauth_consumer_key"])
	}
	rt, _ := s.lookupRequestToken(op["oauth_token"])
	if rt == nil || rt.clientID != c.id {
		return s.reject(AccessToken, http.StatusUnauthorized, errInvalidToken,
			"request token "+op["oauth_token"]+" is unknown, used, expired or another client's")
	}
	if reason := s.checkSigned(r, params, op, c.secret, rt.secret); reason != "" {
		return s.reject(AccessToken, http.StatusUnauthorized, errInvalidSig, reason)
	}
	if rt.nick == "" {
		return s.reject(AccessToken, http.StatusUnauthorized, errInvalidToken, "request token "+rt.token+" was never approved")
	}
	if op["oauth_verifier"] != rt.verifier {
		return s.reject(AccessToken, http.StatusUnauthorized, errInvalidToken,
			fmt.Sprintf("wrong oauth_verifier %q for request token %s", op["oauth_verifier"], rt.token))
	}
	delete(s.requestTokens, rt.token)
	key := grantKey{c.id, rt.nick}
	at := s.accessTokens[s.grants[key]]
	if at == nil { // re-authorizing returns the same access token, as pump.io does
		at = &accessToken{token: randomID(16), secret: randomID(32), clientID: c.id, nick: rt.nick}
		s.accessTokens[at.token] = at
	}
	s.grants[key] = at.token
	return formReply(url.Values{"oauth_token": {at.token}, "oauth_token_secret": {at.secret}})
}

func formReply(v url.Values) reply {
	// Keep pump.io's order: oauth_token first.
	body := "oauth_token=" + url.QueryEscape(v.Get("oauth_token")) + "&oauth_token_secret=" + url.QueryEscape(v.Get("oauth_token_secret"))
	if c := v.Get("oauth_callback_confirmed"); c != "" {
		body += "&oauth_callback_confirmed=" + c
	}
	return reply{contentType: ctForm, body: []byte(body)}
}

// authorize answers /oauth/authorize (RFC 5849 §2.2): login form, consent page, then the oob page or a
// redirect to the callback.
func (s *Server) authorize(r *http.Request) reply {
	var token string
	switch r.Method {
	case http.MethodGet, http.MethodHead:
		token = r.URL.Query().Get("oauth_token")
	case http.MethodPost:
		if err := r.ParseForm(); err != nil {
			return errorPage(http.StatusBadRequest, "Bad request", "The form could not be read.")
		}
		token = r.FormValue("oauth_token")
	default:
		return errorPage(http.StatusMethodNotAllowed, "Method not allowed", "Use GET or POST.")
	}
	if token == "" {
		return errorPage(http.StatusBadRequest, "No request token", "This page needs an oauth_token parameter. Start again from the application.")
	}
	rt, c := s.lookupRequestToken(token)
	if rt == nil {
		s.lastRejection = fmt.Sprintf("%s: request token %s is unknown, used or expired", Authorize, token)
		return errorPage(http.StatusBadRequest, "Invalid / expired Token",
			"This authorization request is unknown or has expired. Start again from the application.")
	}
	nick := s.sessionUser(r)
	if r.Method != http.MethodPost {
		if nick == "" {
			return s.loginPage(rt, c, "", "")
		}
		return s.consentOrSkip(rt, c, nick, nil)
	}
	if r.PostForm.Has("username") {
		name, pw := r.PostFormValue("username"), r.PostFormValue("password")
		u := s.users[name]
		if u == nil || u.password != pw {
			return s.loginPage(rt, c, name, "Incorrect nickname or password.")
		}
		sid := randomID(32)
		s.sessions[sid] = u.nick
		cookie := &http.Cookie{Name: sessionCookieName, Value: sid, Path: "/", HttpOnly: true, SameSite: http.SameSiteLaxMode}
		return s.consentOrSkip(rt, c, u.nick, http.Header{"Set-Cookie": {cookie.String()}})
	}
	if nick == "" { // a consent POST without a session
		return s.loginPage(rt, c, "", "Please log in first.")
	}
	if !r.PostForm.Has("authorize") {
		return s.consentPage(rt, c, nick)
	}
	return s.finishAuthorization(rt, c, nick, http.StatusSeeOther, nil)
}

func (s *Server) sessionUser(r *http.Request) string {
	ck, err := r.Cookie(sessionCookieName)
	if err != nil {
		return ""
	}
	nick := s.sessions[ck.Value]
	if s.users[nick] == nil {
		return ""
	}
	return nick
}

// consentOrSkip shows the consent page, or skips it (302) when nick already granted this client access.
func (s *Server) consentOrSkip(rt *requestToken, c *client, nick string, h http.Header) reply {
	if _, granted := s.grants[grantKey{c.id, nick}]; granted {
		return s.finishAuthorization(rt, c, nick, http.StatusFound, h)
	}
	rep := s.consentPage(rt, c, nick)
	rep.header = h
	return rep
}

// finishAuthorization approves rt for nick, then shows the oob page or redirects to the callback with status.
func (s *Server) finishAuthorization(rt *requestToken, c *client, nick string, status int, h http.Header) reply {
	if rt.verifier == "" || rt.nick != nick {
		rt.nick, rt.verifier = nick, randomID(16)
	}
	key := grantKey{c.id, nick}
	if _, ok := s.grants[key]; !ok {
		s.grants[key] = ""
	}
	var rep reply
	if rt.callback == "oob" {
		rep = s.completePage(rt, c)
	} else {
		u, err := url.Parse(rt.callback)
		if err != nil {
			return errorPage(http.StatusInternalServerError, "internal error", "The application's callback URL is invalid.")
		}
		q := "oauth_token=" + url.QueryEscape(rt.token) + "&oauth_verifier=" + url.QueryEscape(rt.verifier)
		if u.RawQuery != "" {
			u.RawQuery += "&" + q
		} else {
			u.RawQuery = q
		}
		rep = redirectReply(status, u.String())
	}
	if h != nil {
		if rep.header == nil {
			rep.header = http.Header{}
		}
		for k, v := range h {
			rep.header[k] = append(rep.header[k], v...)
		}
	}
	return rep
}
