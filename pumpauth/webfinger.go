package pumpauth

import (
	"context"
	"net/http"
	"net/url"
	"strings"
)

// webfingerDoc is the part of a webfinger answer (RFC 7033) we read.
type webfingerDoc struct {
	Subject string `json:"subject"`
	Links   []struct {
		Rel  string `json:"rel"`
		Href string `json:"href"`
	} `json:"links"`
}

// lookupUser asks the server's webfinger whether the user exists and
// returns their profile URL (the "self" link, may be empty).
func (p *Pump) lookupUser(ctx context.Context, e Endpoints) (string, error) {
	p.mu.Lock()
	known, self := p.userChecked, p.selfURL
	p.mu.Unlock()
	if known {
		return self, nil
	}
	resource := url.QueryEscape("acct:" + p.account().String())
	u := strings.ReplaceAll(e.Webfinger, "{uri}", resource)
	var doc webfingerDoc
	ans, err := p.getJSON(ctx, opWebfinger, u, &doc)
	if err != nil {
		return "", err
	}
	status, body := ans.status, ans.body
	switch {
	case status == http.StatusNotFound:
		msg := serverMessage(body, "")
		return "", &ResponseError{Op: opWebfinger, StatusCode: status, Message: msg, Kind: ErrUnknownUser}
	case status < 200 || status > 299:
		return "", statusError(opWebfinger, status, "", body)
	}
	self = ""
	for _, l := range doc.Links {
		if l.Rel == "self" {
			self = l.Href
			break
		}
	}
	p.mu.Lock()
	p.userChecked, p.selfURL = true, self
	p.mu.Unlock()
	return self, nil
}
