package pumpauth

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
)

// Whoami returns the profile of the person the access token belongs to:
// a signed GET of the whoami endpoint, whose 302 to the profile is
// followed and signed again for the profile's own URL. It asks for
// ActivityStreams 1.0 and reads 2.0 as well.
//
// The profile must be this Pump's account: the browser decides who
// approves, so a person who typed bob@host while logged in as alice gets
// alice's token. Then Whoami returns the profile (Profile.Address names
// who it is) with an error wrapping ErrWrongAccount; never store the token
// under this Pump's address then.
//
// A token the server does not know gives ErrTokenRejected; forgotten
// client credentials give ErrClientRejected. When endpoints given by
// WithEndpoints no longer lead to whoami, host-meta is read again, once.
func (p *Pump) Whoami(ctx context.Context) (Profile, error) {
	if p.Token().IsZero() {
		return Profile{}, &ResponseError{Op: opWhoami, Kind: ErrTokenRejected, Cause: errors.New("no access token yet")}
	}
	prof, err := p.whoami(ctx)
	if err != nil && staleEndpoint(err) && p.forgetEndpoints() {
		prof, err = p.whoami(ctx)
	}
	if err != nil {
		return Profile{}, err
	}
	if want := p.account(); !want.owns(prof) {
		return prof, &ResponseError{Op: opWhoami, Kind: ErrWrongAccount,
			Cause: fmt.Errorf("the token belongs to %s, not %s", displayAddress(prof), want)}
	}
	return prof, nil
}

// displayAddress names the profile's account for an error text.
func displayAddress(p Profile) string {
	if p.Address != "" {
		return p.Address
	}
	return p.PreferredUsername + " (" + p.ID + ")"
}

// staleEndpoint reports a failure that suggests the stored whoami URL is
// no longer where the server answers (not a verdict on the credentials).
func staleEndpoint(err error) bool {
	var re *ResponseError
	if !errors.As(err, &re) {
		return false
	}
	switch {
	case re.Kind == ErrNotPumpServer:
		return true
	case re.Kind == ErrServer:
		return re.StatusCode == http.StatusNotFound || re.StatusCode == http.StatusGone ||
			re.StatusCode == http.StatusMethodNotAllowed || re.StatusCode == http.StatusMovedPermanently
	}
	return false
}

// whoami is one attempt of Whoami, on the endpoints in use.
func (p *Pump) whoami(ctx context.Context) (Profile, error) {
	e, err := p.discover(ctx)
	if err != nil {
		return Profile{}, err
	}
	body, status, err := p.api(ctx, opWhoami, http.MethodGet, e.Whoami, nil)
	if err != nil {
		return Profile{}, err
	}
	prof, err := parseProfile(body)
	if err != nil {
		return Profile{}, &ResponseError{Op: opWhoami, StatusCode: status, Kind: ErrBadResponse, Cause: err}
	}
	prof.Address = profileAddress(prof)
	if prof.Address == "" {
		return Profile{}, &ResponseError{Op: opWhoami, StatusCode: status, Kind: ErrBadResponse,
			Cause: errors.New("the profile does not say which server it is on")}
	}
	return prof, nil
}

// profileAddress is the account a profile belongs to: its nickname at the
// host of its id, with the scheme's default port left out; "" when the id
// names no host.
func profileAddress(p Profile) string {
	u, err := url.Parse(p.ID)
	if err != nil || u.Hostname() == "" {
		return ""
	}
	port := 0
	if ps := u.Port(); ps != "" {
		port, _ = strconv.Atoi(ps)
	}
	if (u.Scheme == "https" && port == 443) || (u.Scheme == "http" && port == 80) {
		port = 0
	}
	a := Address{Nick: p.PreferredUsername, Host: strings.ToLower(u.Hostname()), Port: port}
	canon, err := ParseAddress(a.String())
	if err != nil {
		return ""
	}
	return canon.String()
}

// owns reports whether the profile is this account: the same nickname
// (pump.io's are case-insensitive) on the same host and port. A port of 0
// on either side (the scheme's default) matches 0, 80 and 443.
func (a Address) owns(p Profile) bool {
	other, err := ParseAddress(p.Address)
	if err != nil || !strings.EqualFold(other.Nick, a.Nick) || other.Host != a.Host {
		return false
	}
	norm := func(port int) int {
		if port == 80 || port == 443 {
			return 0
		}
		return port
	}
	return norm(other.Port) == norm(a.Port)
}
