package pumpauth

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"strings"
)

// Link relations of pump.io's host-meta (see the package pumptest docs).
const (
	relRegistration = "registration_endpoint"
	relRequestToken = "http://apinamespace.org/oauth/request_token"
	relAuthorize    = "http://apinamespace.org/oauth/authorize"
	relAccessToken  = "http://apinamespace.org/oauth/access_token"
	relWhoami       = "http://apinamespace.org/activitypub/whoami"
	relLRDD         = "lrdd"
)

// endpoints are a server's URLs, all on the base the user's address names.
type endpoints struct {
	Base         string // scheme://host[:port]
	Webfinger    string // template with {uri}
	Register     string
	RequestToken string
	Authorize    string
	AccessToken  string
	Whoami       string
}

// defaultEndpoints are pump.io's fixed paths, used where host-meta is silent.
func defaultEndpoints(base string) endpoints {
	return endpoints{
		Base:         base,
		Webfinger:    base + "/.well-known/webfinger?resource={uri}",
		Register:     base + "/api/client/register",
		RequestToken: base + "/oauth/request_token",
		Authorize:    base + "/oauth/authorize",
		AccessToken:  base + "/oauth/access_token",
		Whoami:       base + "/api/whoami",
	}
}

// hostMeta is the JSON form of host-meta (RFC 6415).
type hostMeta struct {
	Links []struct {
		Rel      string `json:"rel"`
		Href     string `json:"href"`
		Template string `json:"template"`
		Type     string `json:"type"`
	} `json:"links"`
}

// discover reads host-meta once per Pump and chooses the scheme: https,
// or plain http only where allowed (WithPlainHTTP, or a loopback host) and
// https is not offered. A certificate failure never falls back to http.
func (p *Pump) discover(ctx context.Context) (endpoints, error) {
	p.mu.Lock()
	if p.endpoints != nil {
		e := *p.endpoints
		p.mu.Unlock()
		return e, nil
	}
	p.mu.Unlock()

	schemes := []string{"https"}
	if p.allowHTTP() {
		schemes = append(schemes, "http")
	}
	var lastErr error
	for _, scheme := range schemes {
		e, err := p.readHostMeta(ctx, p.addr.baseURL(scheme))
		if err == nil {
			p.mu.Lock()
			p.endpoints = &e
			p.mu.Unlock()
			return e, nil
		}
		lastErr = err
		if !errors.Is(err, ErrHTTPSUnavailable) && !errors.Is(err, ErrUnreachable) {
			break // the server answered, or the certificate is bad: no downgrade
		}
	}
	return endpoints{}, lastErr
}

// allowHTTP reports whether plain http may be used for this server.
func (p *Pump) allowHTTP() bool { return p.plainHTTP || p.addr.isLoopback() }

// readHostMeta fetches /.well-known/host-meta.json (then /.well-known/host-meta)
// from base and maps its links onto base. Only the path and query of each
// link are used: pump.io writes http links when it sits behind an https
// proxy, and following them would be a silent downgrade.
func (p *Pump) readHostMeta(ctx context.Context, base string) (endpoints, error) {
	var hm hostMeta
	var err error
	for _, path := range []string{"/.well-known/host-meta.json", "/.well-known/host-meta"} {
		err = p.getHostMeta(ctx, base+path, &hm)
		var re *ResponseError
		if err == nil || !errors.As(err, &re) || re.Kind != ErrNotPumpServer {
			break // found, or no answer, or a server error: another path would not help
		}
	}
	if err != nil {
		return endpoints{}, err
	}
	e := defaultEndpoints(base)
	for _, l := range hm.Links {
		href := l.Href
		if href == "" {
			href = l.Template
		}
		if href == "" {
			continue
		}
		switch l.Rel {
		case relRegistration:
			e.Register = rebase(base, href, e.Register)
		case relRequestToken:
			e.RequestToken = rebase(base, href, e.RequestToken)
		case relAuthorize:
			e.Authorize = rebase(base, href, e.Authorize)
		case relAccessToken:
			e.AccessToken = rebase(base, href, e.AccessToken)
		case relWhoami:
			e.Whoami = rebase(base, href, e.Whoami)
		case relLRDD:
			if strings.Contains(href, "webfinger") && strings.Contains(href, "{uri}") {
				e.Webfinger = rebase(base, href, e.Webfinger)
			}
		}
	}
	return e, nil
}

// getHostMeta fetches one host-meta document into hm. An answer that is not
// host-meta (a 4xx, HTML, garbled JSON) is ErrNotPumpServer; a 5xx is
// classified by statusError; no answer is a transport error.
func (p *Pump) getHostMeta(ctx context.Context, rawURL string, hm *hostMeta) error {
	status, body, err := p.getJSON(ctx, opHostMeta, rawURL, hm)
	var re *ResponseError
	switch {
	case errors.As(err, &re) && re.Kind == ErrBadResponse:
		re.Kind = ErrNotPumpServer // garbled host-meta: not a working pump.io server
		return err
	case err != nil:
		return err
	case status >= 500:
		return statusError(opHostMeta, status, "", body)
	case status < 200 || status > 299:
		return &ResponseError{Op: opHostMeta, StatusCode: status, Message: serverMessage(body, ""), Kind: ErrNotPumpServer}
	}
	return nil
}

// rebase puts href's path and query on base; a link it cannot read keeps fallback.
func rebase(base, href, fallback string) string {
	// {uri} is not valid in a URL path parser's eyes only in the query; protect it.
	u, err := url.Parse(strings.ReplaceAll(href, "{uri}", "URI_PLACEHOLDER"))
	if err != nil || u.Path == "" || !strings.HasPrefix(u.Path, "/") {
		return fallback
	}
	out := base + u.EscapedPath()
	if u.RawQuery != "" {
		out += "?" + u.RawQuery
	}
	return strings.ReplaceAll(out, "URI_PLACEHOLDER", "{uri}")
}

// errInsecureRedirect: the server sent us from https to plain http.
var errInsecureRedirect = errors.New("the server redirected from https to plain http; refused")

// newPlainClient is the unsigned client for discovery and registration: the
// caller's client, refusing redirects that leave https.
func newPlainClient(base *http.Client) *http.Client {
	c := *base
	next := base.CheckRedirect
	c.CheckRedirect = func(req *http.Request, via []*http.Request) error {
		if len(via) > 0 && via[0].URL.Scheme == "https" && req.URL.Scheme != "https" {
			return errInsecureRedirect
		}
		if next != nil {
			return next(req, via)
		}
		if len(via) >= 10 {
			return errors.New("stopped after 10 redirects")
		}
		return nil
	}
	return &c
}
