package pumptest

import (
	"encoding/json"
	"mime"
	"net/http"
	"net/mail"
	"net/url"
	"strings"
)

// client is a registered OAuth client (consumer).
type client struct {
	id, secret   string
	name         string // application_name, shown on the consent page
	appType      string
	logoURL      string
	redirectURIs []string
	contacts     []string
	expiresAt    int64 // unix seconds; 0 = never
}

// appName is what the consent page calls the client.
func (c *client) appName() string {
	if c.name != "" {
		return c.name
	}
	return "an unnamed application"
}

// lookupClient returns the client with key unless it is unknown or expired.
func (s *Server) lookupClient(key string) *client {
	c := s.clients[key]
	if c == nil || (c.expiresAt != 0 && s.now().Unix() >= c.expiresAt) {
		return nil
	}
	return c
}

// register answers POST /api/client/register (pump.io's lib/clientreg.js): dynamic client registration with
// JSON or form bodies, no signature.
func (s *Server) register(r *http.Request) reply {
	if r.Method != http.MethodPost {
		return jsonError(http.StatusMethodNotAllowed, "Method not allowed")
	}
	fields, err := registrationFields(r)
	if err != nil {
		return jsonError(http.StatusBadRequest, err.Error())
	}
	str := func(name string) (string, bool, reply) {
		v, ok := fields[name]
		if !ok || v == nil {
			return "", false, reply{}
		}
		sv, isStr := v.(string)
		if !isStr {
			return "", true, jsonError(http.StatusBadRequest, name+" must be a string.")
		}
		return sv, true, reply{}
	}

	typ, ok, bad := str("type")
	switch {
	case bad.status != 0:
		return bad
	case !ok || typ == "":
		return jsonError(http.StatusBadRequest, "No registration type provided")
	case typ != "client_associate" && typ != "client_update":
		return jsonError(http.StatusBadRequest, "Invalid registration type")
	}
	id, hasID, bad := str("client_id")
	if bad.status != 0 {
		return bad
	}
	secret, hasSecret, bad := str("client_secret")
	if bad.status != 0 {
		return bad
	}
	c := &client{}
	if typ == "client_associate" {
		if hasID || hasSecret {
			return jsonError(http.StatusBadRequest, "Only set client_id for update.")
		}
	} else {
		if !hasID {
			return jsonError(http.StatusBadRequest, "client_id required for update.")
		}
		if !hasSecret {
			return jsonError(http.StatusBadRequest, "client_secret required for update.")
		}
		old := s.lookupClient(id)
		if old == nil || old.secret != secret {
			return jsonError(http.StatusForbidden, "Unauthorized")
		}
		cp := *old
		c = &cp
	}

	if v, ok, bad := str("application_type"); bad.status != 0 {
		return bad
	} else if ok {
		if v != "native" && v != "web" {
			return jsonError(http.StatusBadRequest, "Unknown application_type.")
		}
		c.appType = v
	}
	if v, ok, bad := str("application_name"); bad.status != 0 {
		return bad
	} else if ok {
		c.name = v
	}
	if v, ok, bad := str("logo_url"); bad.status != 0 {
		return bad
	} else if ok {
		if !isAbsoluteHTTPURL(v) {
			return jsonError(http.StatusBadRequest, "logo_url must be an URL.")
		}
		c.logoURL = v
	}
	if _, isArr := fields["contacts"].([]any); isArr {
		return jsonError(http.StatusBadRequest, "contacts must be a string of space-separated email addresses.")
	}
	if v, ok, bad := str("contacts"); bad.status != 0 {
		return bad
	} else if ok {
		c.contacts = strings.Fields(v)
		for _, addr := range c.contacts {
			if _, err := mail.ParseAddress(addr); err != nil || !strings.Contains(addr, "@") {
				return jsonError(http.StatusBadRequest, "contacts must be email addresses; "+addr+" is not.")
			}
		}
	}
	if v, ok, bad := str("redirect_uris"); bad.status != 0 {
		return bad
	} else if ok {
		c.redirectURIs = strings.Fields(v)
		for _, u := range c.redirectURIs {
			if pu, err := url.Parse(u); err != nil || !pu.IsAbs() {
				return jsonError(http.StatusBadRequest, "redirect_uris must be space-separated URLs; "+u+" is not.")
			}
		}
	}

	if typ == "client_associate" {
		c.id, c.secret = randomID(16), randomID(32)
		if s.clientLifetime != 0 {
			c.expiresAt = s.now().Add(s.clientLifetime).Unix()
		}
	}
	s.clients[c.id] = c
	return jsonReply(http.StatusOK, map[string]any{
		"client_id":     c.id,
		"client_secret": c.secret,
		"expires_at":    c.expiresAt,
	})
}

// registrationFields decodes a JSON or form body into name → value (string, or any JSON value).
func registrationFields(r *http.Request) (map[string]any, error) {
	mt, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	fields := make(map[string]any)
	if mt == "application/json" {
		if err := json.NewDecoder(r.Body).Decode(&fields); err != nil {
			return nil, errString("Invalid JSON body: " + err.Error())
		}
		return fields, nil
	}
	if err := r.ParseForm(); err != nil {
		return nil, errString("Invalid form body")
	}
	for k, v := range r.PostForm {
		if len(v) > 0 {
			fields[k] = v[0]
		}
	}
	return fields, nil
}

type errString string

func (e errString) Error() string { return string(e) }

func isAbsoluteHTTPURL(s string) bool {
	u, err := url.Parse(s)
	return err == nil && (u.Scheme == "http" || u.Scheme == "https") && u.Host != ""
}
