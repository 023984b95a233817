package pumpauth

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"net/http"
)

// person is the part of a pump.io person object we read.
type person struct {
	ObjectType        string `json:"objectType"`
	ID                string `json:"id"`
	PreferredUsername string `json:"preferredUsername"`
	DisplayName       string `json:"displayName"`
	URL               string `json:"url"`
	Summary           string `json:"summary"`
	Image             struct {
		URL string `json:"url"`
	} `json:"image"`
	Followers struct {
		TotalItems int `json:"totalItems"`
	} `json:"followers"`
	Following struct {
		TotalItems int `json:"totalItems"`
	} `json:"following"`
}

// parseProfile reads a person object; anything else is ErrBadResponse.
func parseProfile(body []byte) (Profile, error) {
	var v person
	if err := json.Unmarshal(bytes.TrimSpace(body), &v); err != nil {
		return Profile{}, errors.New("malformed JSON")
	}
	if v.ID == "" && v.PreferredUsername == "" {
		return Profile{}, errors.New("not a person object")
	}
	if v.ObjectType != "" && v.ObjectType != "person" {
		return Profile{}, errors.New("not a person object")
	}
	return Profile{
		ID: v.ID, PreferredUsername: v.PreferredUsername, DisplayName: v.DisplayName,
		URL: v.URL, ImageURL: v.Image.URL, Summary: v.Summary,
		Followers: v.Followers.TotalItems, Following: v.Following.TotalItems,
	}, nil
}

// Whoami returns the profile of the person the access token belongs to:
// a signed GET of the whoami endpoint, whose 302 to the profile is
// followed and signed again for the profile's own URL. A token the server
// does not know gives ErrTokenRejected; forgotten client credentials give
// ErrClientRejected.
func (p *Pump) Whoami(ctx context.Context) (Profile, error) {
	if p.Token().IsZero() {
		return Profile{}, &ResponseError{Op: opWhoami, Kind: ErrTokenRejected, Cause: errors.New("no access token yet")}
	}
	e, err := p.discover(ctx)
	if err != nil {
		return Profile{}, err
	}
	rctx, cancel := p.withTimeout(ctx)
	defer cancel()
	req, err := http.NewRequestWithContext(rctx, http.MethodGet, e.Whoami, nil)
	if err != nil {
		return Profile{}, &ResponseError{Op: opWhoami, Kind: ErrBadResponse, Cause: err}
	}
	req.Header.Set("Accept", "application/json")
	resp, err := p.HTTPClient().Do(req)
	if err != nil {
		return Profile{}, transportError(ctx, opWhoami, err)
	}
	body, err := readBody(resp)
	if err != nil {
		return Profile{}, transportError(ctx, opWhoami, err)
	}
	ct := resp.Header.Get("Content-Type")
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		return Profile{}, statusError(opWhoami, resp.StatusCode, ct, body)
	}
	prof, err := parseProfile(body)
	if err != nil {
		return Profile{}, &ResponseError{Op: opWhoami, StatusCode: resp.StatusCode, Kind: ErrBadResponse, Cause: err}
	}
	return prof, nil
}
