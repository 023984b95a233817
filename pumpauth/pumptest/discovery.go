package pumptest

import (
	"encoding/xml"
	"net/http"
	"net/url"
	"strings"
)

// link is one JRD/XRD link.
type link struct {
	XMLName  xml.Name `json:"-" xml:"Link"`
	Rel      string   `json:"rel" xml:"rel,attr"`
	Type     string   `json:"type,omitempty" xml:"type,attr,omitempty"`
	Href     string   `json:"href,omitempty" xml:"href,attr,omitempty"`
	Template string   `json:"template,omitempty" xml:"template,attr,omitempty"`
}

type xrd struct {
	XMLName xml.Name `xml:"http://docs.oasis-open.org/ns/xri/xrd-1.0 XRD"`
	Subject string   `xml:"Subject,omitempty"`
	Links   []link
}

func (s *Server) hostMetaLinks() []link {
	b := s.base()
	return []link{
		{Rel: "lrdd", Type: "application/json", Template: b + "/.well-known/webfinger?resource={uri}"},
		{Rel: "lrdd", Type: "application/xrd+xml", Template: b + "/api/lrdd?resource={uri}"},
		{Rel: "registration_endpoint", Href: b + "/api/client/register"},
		{Rel: "http://apinamespace.org/oauth/request_token", Href: b + "/oauth/request_token"},
		{Rel: "http://apinamespace.org/oauth/authorize", Href: b + "/oauth/authorize"},
		{Rel: "http://apinamespace.org/oauth/access_token", Href: b + "/oauth/access_token"},
		{Rel: "dialback", Href: b + "/api/dialback"},
		{Rel: "http://apinamespace.org/activitypub/whoami", Href: b + "/api/whoami"},
	}
}

// hostMeta answers /.well-known/host-meta: JSON unless the client asks for XRD.
func (s *Server) hostMeta(r *http.Request) reply {
	if !isGet(r) {
		return textReply(http.StatusMethodNotAllowed, "Method Not Allowed")
	}
	if strings.Contains(r.Header.Get("Accept"), "application/xrd+xml") {
		return xrdReply(xrd{Links: s.hostMetaLinks()})
	}
	return jsonReply(http.StatusOK, map[string]any{"links": s.hostMetaLinks()})
}

func (s *Server) hostMetaJSON(r *http.Request) reply {
	if !isGet(r) {
		return textReply(http.StatusMethodNotAllowed, "Method Not Allowed")
	}
	return jsonReply(http.StatusOK, map[string]any{"links": s.hostMetaLinks()})
}

func (s *Server) userLinks(nick string) []link {
	b := s.base()
	u := b + "/api/user/" + nick
	return []link{
		{Rel: "http://webfinger.net/rel/profile-page", Type: "text/html", Href: b + "/" + nick},
		{Rel: "dialback", Href: b + "/api/dialback"},
		{Rel: "self", Href: u + "/profile"},
		{Rel: "activity-inbox", Href: u + "/inbox"},
		{Rel: "activity-outbox", Href: u + "/feed"},
		{Rel: "followers", Href: u + "/followers"},
		{Rel: "following", Href: u + "/following"},
		{Rel: "favorites", Href: u + "/favorites"},
		{Rel: "lists", Href: u + "/lists/person"},
	}
}

// lookupResource finds the user a webfinger resource names: acct:nick@host, nick@host, or one of the
// user's http(s) URLs on this server. On failure it returns the pump.io error reply.
func (s *Server) lookupResource(r *http.Request) (*user, reply, bool) {
	res := r.URL.Query().Get("resource")
	if res == "" {
		return nil, textReply(http.StatusBadRequest, "No resource parameter"), false
	}
	var nick, host string
	if u, err := url.Parse(res); err == nil && (u.Scheme == "http" || u.Scheme == "https") && u.Host != "" {
		host = u.Host
		p := strings.Trim(u.Path, "/")
		if rest, ok := strings.CutPrefix(p, "api/user/"); ok {
			nick, _, _ = strings.Cut(rest, "/")
		} else {
			nick = p
		}
	} else {
		acct := res
		if len(acct) > 5 && strings.EqualFold(acct[:5], "acct:") {
			acct = acct[5:]
		}
		i := strings.LastIndexByte(acct, '@')
		if i < 0 {
			return nil, textReply(http.StatusBadRequest, "Invalid resource"), false
		}
		nick, host = acct[:i], acct[i+1:]
	}
	if !s.isOurHost(host) {
		return nil, notFound(r, "Unrecognized host"), false
	}
	u := s.users[nick]
	if u == nil {
		return nil, notFound(r, "No such 'user' with id '"+nick+"'"), false
	}
	return u, reply{}, true
}

func (s *Server) webfinger(r *http.Request) reply {
	if !isGet(r) {
		return textReply(http.StatusMethodNotAllowed, "Method Not Allowed")
	}
	u, rep, ok := s.lookupResource(r)
	if !ok {
		return rep
	}
	return jsonReply(http.StatusOK, map[string]any{"links": s.userLinks(u.nick)})
}

// lrdd is the XRD flavour of webfinger.
func (s *Server) lrdd(r *http.Request) reply {
	if !isGet(r) {
		return textReply(http.StatusMethodNotAllowed, "Method Not Allowed")
	}
	u, rep, ok := s.lookupResource(r)
	if !ok {
		return rep
	}
	return xrdReply(xrd{Subject: "acct:" + s.Address(u.nick), Links: s.userLinks(u.nick)})
}

func xrdReply(x xrd) reply {
	b, err := xml.MarshalIndent(x, "", " ")
	if err != nil {
		return textReply(http.StatusInternalServerError, "internal error")
	}
	return reply{contentType: "application/xrd+xml; charset=utf-8", body: append([]byte(xml.Header), b...)}
}

func isGet(r *http.Request) bool { return r.Method == http.MethodGet || r.Method == http.MethodHead }

// notFound is pump.io's 404: plain text for a client that accepts JSON, else an HTML page.
func notFound(r *http.Request, msg string) reply {
	if strings.Contains(r.Header.Get("Accept"), "application/json") {
		return textReply(http.StatusNotFound, msg)
	}
	return errorPage(http.StatusNotFound, "Not found", msg)
}
