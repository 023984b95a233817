package pumpauth

import (
	"context"
	"errors"
	"strings"
)

// An account's scheme is pinned when it connects: once it has worked over
// https, a Pump for it never uses plain http by itself — not when stored
// endpoints go stale and host-meta is read again, not for a server on this
// computer, and not because WithPlainHTTP was given (an old choice,
// stored with the account, is not the person's answer to this server
// dropping https now). Moving such an account to plain http takes a new
// decision by the person: a Pump made without the pin (no https
// endpoints, no WithPinnedScheme) and with WithPlainHTTP.

// WithPinnedScheme pins the account to scheme. "https" means the Pump
// never sends plain http, even with WithPlainHTTP or on this computer; when
// the server no longer offers https, its methods fail with an error
// wrapping ErrSchemeDowngrade. "http" (or "") pins nothing: an account
// that used plain http may still move up to https. WithEndpoints with an
// https Base pins the same way, so passing an account's stored endpoints
// is enough; use WithPinnedScheme for an account known to be on https
// whose endpoints are not at hand.
func WithPinnedScheme(scheme string) Option {
	return func(p *Pump) {
		if strings.EqualFold(scheme, "https") {
			p.pinHTTPS = true
		}
	}
}

// IsHTTPS reports whether the link rawURL is an https one (scheme in any case).
func IsHTTPS(rawURL string) bool {
	return len(rawURL) >= len("https://") && strings.EqualFold(rawURL[:len("https://")], "https://")
}

// pinnedError turns, for a Pump pinned to https, a failure saying that the
// server now speaks plain http where it spoke https (ErrHTTPSUnavailable)
// into ErrSchemeDowngrade. Other errors pass unchanged.
func (p *Pump) pinnedError(err error) error {
	var re *ResponseError
	if !p.pinHTTPS || !errors.As(err, &re) || re.Kind != ErrHTTPSUnavailable {
		return err
	}
	moved := *re
	moved.Kind = ErrSchemeDowngrade
	return &moved
}

// downgradeRefused reports, for a pinned Pump whose https attempt failed
// with httpsErr where an unpinned one would have tried plain http next,
// whether the server answers host-meta over plain http: then the failure
// is a downgrade refused (ErrSchemeDowngrade), not a server that is down.
// The probe is an unsigned GET of a public document; its answer is not
// used.
func (p *Pump) downgradeRefused(ctx context.Context, httpsErr error) error {
	fallback := p.plainHTTP || p.account().IsLoopback()
	if !p.pinHTTPS || !fallback || !errors.Is(httpsErr, ErrUnreachable) {
		return p.pinnedError(httpsErr)
	}
	var hm hostMeta
	if _, err := p.getHostMeta(ctx, p.account().baseURL("http")+"/.well-known/host-meta.json", &hm); err != nil {
		return httpsErr
	}
	return &ResponseError{Op: opHostMeta, Kind: ErrSchemeDowngrade,
		Cause: errors.New("https does not answer and plain http does; plain http refused")}
}
