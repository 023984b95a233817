package pumpauth

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"strconv"
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

// Endpoints are a server's URLs, all on one base: the server's own name
// for itself (see [Pump.Address]). Store them with the account and give
// them back through [WithEndpoints], so that a reconnect skips discovery.
type Endpoints struct {
	Base         string `json:"base"`         // scheme://host[:port]
	Webfinger    string `json:"webfinger"`    // template with {uri}
	Register     string `json:"register"`     // client registration
	RequestToken string `json:"requestToken"` // OAuth request token
	Authorize    string `json:"authorize"`    // the page the person approves on
	AccessToken  string `json:"accessToken"`  // OAuth access token
	Whoami       string `json:"whoami"`       // redirects to the token owner's profile
}

// IsZero reports whether e holds no endpoints.
func (e Endpoints) IsZero() bool { return e == Endpoints{} }

// valid reports whether every endpoint is an http(s) URL on e.Base, and
// Base is scheme://host[:port] with nothing else.
func (e Endpoints) valid() bool {
	b, err := url.Parse(e.Base)
	if err != nil || (b.Scheme != "http" && b.Scheme != "https") || b.Host == "" ||
		(b.Path != "" && b.Path != "/") || b.RawQuery != "" || b.User != nil || b.Fragment != "" {
		return false
	}
	for _, u := range []string{e.Webfinger, e.Register, e.RequestToken, e.Authorize, e.AccessToken, e.Whoami} {
		if !strings.HasPrefix(u, e.Base+"/") {
			return false
		}
	}
	return true
}

// defaultEndpoints are pump.io's fixed paths, used where host-meta is silent.
func defaultEndpoints(base string) Endpoints {
	return Endpoints{
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

// discover returns the server's endpoints: those given by WithEndpoints,
// else those it read from host-meta earlier, else it reads host-meta now
// and chooses the scheme: https, or plain http only where allowed
// (WithPlainHTTP, or a loopback host, and not pinned to https) and https
// is not offered. A certificate failure never falls back to http. A
// pinned account whose server now answers only plain http gets
// ErrSchemeDowngrade.
//
// pump.io answers a request for a name it does not call itself (localhost
// for a server named 127.0.0.1) with a 301 to its own name. Following that
// for host-meta is safe, but not for webfinger (the redirect garbles the
// query) nor for signed requests (the signature covers the host). So when
// host-meta comes from another host, the account's address moves to the
// server's own name, and every later request goes there directly.
func (p *Pump) discover(ctx context.Context) (Endpoints, error) {
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
		e, err := p.readHostMeta(ctx, p.account().baseURL(scheme))
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
	return Endpoints{}, p.downgradeRefused(ctx, lastErr)
}

// forgetEndpoints drops the endpoints in use, so the next request reads
// host-meta again. It reports whether they had come from WithEndpoints.
func (p *Pump) forgetEndpoints() (wereStored bool) {
	p.mu.Lock()
	defer p.mu.Unlock()
	wereStored = p.storedEndpoints
	p.endpoints, p.storedEndpoints = nil, false
	return wereStored
}

// useStoredEndpoints adopts endpoints kept from an earlier discovery when
// they are well formed and lie on this account's host; others are ignored
// (host-meta is read instead).
func (p *Pump) useStoredEndpoints(e Endpoints) {
	if e.IsZero() || !e.valid() {
		return
	}
	scheme, _, _ := strings.Cut(e.Base, "://")
	if e.Base != p.addr.baseURL(scheme) || (scheme == "http" && !p.allowHTTP()) {
		return
	}
	p.endpoints, p.storedEndpoints = &e, true
}

// allowHTTP reports whether plain http may be used for this server.
func (p *Pump) allowHTTP() bool {
	return !p.pinHTTPS && (p.plainHTTP || p.account().IsLoopback())
}

// readHostMeta fetches /.well-known/host-meta.json (then /.well-known/host-meta)
// from base and maps its links onto base — or onto the server's own name,
// when it redirected there (see discover). Only the path and query of each
// link are used: pump.io writes http links when it sits behind an https
// proxy, and following them would be a silent downgrade.
func (p *Pump) readHostMeta(ctx context.Context, base string) (Endpoints, error) {
	var hm hostMeta
	var err error
	var final *url.URL
	for _, path := range []string{"/.well-known/host-meta.json", "/.well-known/host-meta"} {
		final, err = p.getHostMeta(ctx, base+path, &hm)
		var re *ResponseError
		if err == nil || !errors.As(err, &re) || re.Kind != ErrNotPumpServer {
			break // found, or no answer, or a server error: another path would not help
		}
	}
	if err != nil {
		return Endpoints{}, err
	}
	if base, err = p.followCanonicalHost(base, final); err != nil {
		return Endpoints{}, err
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

// followCanonicalHost returns the base host-meta really came from: base
// itself, or the server's own name when it redirected there, in which case
// the account's address moves to that name. A move to plain http that this
// address may not use is refused (ErrHTTPSUnavailable).
func (p *Pump) followCanonicalHost(base string, final *url.URL) (string, error) {
	if final == nil {
		return base, nil
	}
	to := final.Scheme + "://" + final.Host
	if to == base {
		return base, nil
	}
	host, port := final.Hostname(), 0
	if ps := final.Port(); ps != "" {
		port, _ = strconv.Atoi(ps)
	}
	if (final.Scheme == "https" && port == 443) || (final.Scheme == "http" && port == 80) {
		port = 0
	}
	moved := Address{Nick: p.account().Nick, Host: strings.ToLower(host), Port: port, PlainHTTP: p.plainHTTP}
	if _, err := ParseAddress(moved.String()); err != nil {
		return "", &ResponseError{Op: opHostMeta, Kind: ErrNotPumpServer,
			Cause: errors.New("the server redirected to a name that is not a host")}
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	if moved.IsLoopback() && !p.addr.IsLoopback() {
		// A server elsewhere may not send us to a service on this computer.
		return "", &ResponseError{Op: opHostMeta, Kind: ErrNotPumpServer,
			Cause: errors.New("the server redirected to this computer")}
	}
	if final.Scheme == "http" && (p.pinHTTPS || !p.plainHTTP && !moved.IsLoopback()) {
		return "", p.pinnedError(&ResponseError{Op: opHostMeta, Kind: ErrHTTPSUnavailable,
			Cause: errors.New("the server redirected to plain http on " + final.Host)})
	}
	p.addr = moved
	p.client.Webfinger = moved.String()
	return moved.baseURL(final.Scheme), nil
}

// getHostMeta fetches one host-meta document into hm. An answer that is not
// host-meta (a 4xx, HTML, garbled JSON) is ErrNotPumpServer; a 5xx is
// classified by statusError; no answer is a transport error.
func (p *Pump) getHostMeta(ctx context.Context, rawURL string, hm *hostMeta) (final *url.URL, err error) {
	ans, err := p.getJSON(ctx, opHostMeta, rawURL, hm)
	var re *ResponseError
	switch {
	case errors.As(err, &re) && re.Kind == ErrBadResponse:
		re.Kind = ErrNotPumpServer // garbled host-meta: not a working pump.io server
		return nil, err
	case err != nil:
		return nil, err
	case ans.status >= 500:
		return nil, statusError(opHostMeta, ans.status, "", ans.body)
	case ans.status < 200 || ans.status > 299:
		return nil, &ResponseError{Op: opHostMeta, StatusCode: ans.status, Message: serverMessage(ans.body, ""), Kind: ErrNotPumpServer}
	}
	return ans.final, nil
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
