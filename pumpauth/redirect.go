package pumpauth

import (
	"errors"
	"net/http"
	"net/url"
	"strings"
)

// Redirects of signed requests, token steps and registration stay on the
// origin (scheme, host and port) they were sent to. A signed hop carries
// the access token and a signature; a registration answer carries client
// credentials: neither may come from, or go to, another server because a
// server (or whoever answers in its name) said so. pump.io's own redirect,
// whoami's 302 to /api/user/NICK/profile, stays on the same origin.
//
// Discovery (host-meta) is the exception: a server that calls itself by
// another name sends host-meta there, and the account moves to that name
// (see discover); it is never signed.

// redirectError is a redirect to another origin that was refused. Its
// text names where the server sent the request (a host, never a secret).
type redirectError struct {
	to string // host[:port] and scheme, as the Location said
}

func (e *redirectError) Error() string {
	return "the server sent the request to another server (" + e.to + "); refused"
}

// refusedRedirect builds the error for a redirect to u.
func refusedRedirect(u *url.URL) error {
	to := u.Scheme + "://" + u.Host
	if len(to) > 100 {
		to = to[:100] + "…"
	}
	return &redirectError{to: strings.ToValidUTF8(to, "?")}
}

// SameOrigin reports whether the links a and b have the same scheme, host
// and port (RFC 6454): a missing port is the scheme's default (http 80,
// https 443), and host names compare without regard to case. A link that
// does not parse, or has no host, is of no origin.
func SameOrigin(a, b string) bool {
	ua, err1 := url.Parse(a)
	ub, err2 := url.Parse(b)
	return err1 == nil && err2 == nil && ua.Host != "" && ub.Host != "" && sameOrigin(ua, ub)
}

// sameOrigin is SameOrigin for parsed URLs.
func sameOrigin(a, b *url.URL) bool {
	return a != nil && b != nil &&
		strings.EqualFold(a.Scheme, b.Scheme) &&
		strings.EqualFold(a.Hostname(), b.Hostname()) &&
		originPort(a) == originPort(b)
}

// originPort is u's port, or its scheme's default port.
func originPort(u *url.URL) string {
	if p := u.Port(); p != "" {
		return p
	}
	switch strings.ToLower(u.Scheme) {
	case "https":
		return "443"
	case "http":
		return "80"
	}
	return ""
}

// sameOriginRedirects returns a CheckRedirect that follows a redirect only
// to the origin of the first request, at most 10 times, and then asks next
// (the caller's own rule) when there is one.
func sameOriginRedirects(next func(*http.Request, []*http.Request) error) func(*http.Request, []*http.Request) error {
	return func(req *http.Request, via []*http.Request) error {
		if len(via) > 0 && !sameOrigin(via[0].URL, req.URL) {
			return refusedRedirect(req.URL)
		}
		if next != nil {
			return next(req, via)
		}
		if len(via) >= 10 {
			return errors.New("stopped after 10 redirects")
		}
		return nil
	}
}

// sameOriginHops is a RoundTripper that refuses a redirected request whose
// origin differs from the request that was redirected, before anything
// below it (the signer) sees it. It holds even when a caller replaces the
// client's CheckRedirect (HTTPClient's result is the caller's to change).
type sameOriginHops struct{ next http.RoundTripper }

func (s sameOriginHops) RoundTrip(req *http.Request) (*http.Response, error) {
	if prev := req.Response; prev != nil && prev.Request != nil && !sameOrigin(prev.Request.URL, req.URL) {
		if req.Body != nil {
			req.Body.Close() // a RoundTripper must close the body, even on error
		}
		return nil, refusedRedirect(req.URL)
	}
	return s.next.RoundTrip(req)
}

// redirectOf returns the refused-redirect error for a 3xx answer to req
// whose Location leads to another origin, else nil. The token steps do not
// follow redirects at all; this only names the reason.
func redirectOf(req *http.Request, resp *http.Response) error {
	if resp.StatusCode < 300 || resp.StatusCode > 399 {
		return nil
	}
	loc, err := resp.Location()
	if err != nil || sameOrigin(req.URL, loc) {
		return nil
	}
	return refusedRedirect(loc)
}
