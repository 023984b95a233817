package pumpauth

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"strconv"
	"time"
)

// registrationRequest is pump.io's client_associate body (sent as JSON, unsigned).
type registrationRequest struct {
	Type            string `json:"type"`
	ApplicationType string `json:"application_type"`
	ApplicationName string `json:"application_name"`
}

// registrationResponse is pump.io's answer to a registration.
type registrationResponse struct {
	ClientID     string          `json:"client_id"`
	ClientSecret string          `json:"client_secret"`
	ExpiresAt    json.RawMessage `json:"expires_at"`
}

// expiryMargin treats credentials about to expire as expired, so a flow
// does not start with credentials that die halfway through it.
const expiryMargin = time.Minute

// needsRegistration reports whether c lacks usable client credentials at now.
func (c Client) needsRegistration(now time.Time) bool {
	return c.Key == "" || c.Secret == "" || (!c.ExpiresAt.IsZero() && now.Add(expiryMargin).After(c.ExpiresAt))
}

// Register makes sure the application is registered on the user's server.
//
// It reads host-meta for the Endpoints, checks through webfinger that the
// user exists (ErrUnknownUser, and no registration is sent, when not), and
// then registers (client_associate, application_type native unless the
// Client says "web", application_name) only when the Client has no Key or
// its ExpiresAt has passed. It returns the Client with Key, Secret and
// ExpiresAt; store it and pass it to New next time. With valid credentials
// it sends no registration.
func (p *Pump) Register(ctx context.Context) (Client, error) {
	e, err := p.discover(ctx)
	if err != nil {
		return p.Client(), err
	}
	if _, err := p.lookupUser(ctx, e); err != nil {
		return p.Client(), err
	}
	p.mu.Lock()
	c := p.client
	p.mu.Unlock()
	if !c.needsRegistration(p.now()) {
		return c, nil
	}
	return p.register(ctx, e)
}

// register sends client_associate and keeps the new credentials in p.
func (p *Pump) register(ctx context.Context, e Endpoints) (Client, error) {
	p.mu.Lock()
	c := p.client
	p.mu.Unlock()
	appType := c.Type
	if appType == "" {
		appType = "native"
	}
	body, _ := json.Marshal(registrationRequest{Type: "client_associate", ApplicationType: appType, ApplicationName: c.Name})
	rctx, cancel := p.withTimeout(ctx)
	defer cancel()
	req, err := http.NewRequestWithContext(rctx, http.MethodPost, e.Register, bytes.NewReader(body))
	if err != nil {
		return c, &ResponseError{Op: opRegister, Kind: ErrBadResponse, Cause: err}
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Accept", "application/json")
	var rr registrationResponse
	ans, err := p.doJSON(ctx, opRegister, req, &rr)
	if err != nil {
		return c, err
	}
	status, respBody := ans.status, ans.body
	if status < 200 || status > 299 {
		return c, statusError(opRegister, status, "", respBody)
	}
	if rr.ClientID == "" || rr.ClientSecret == "" {
		return c, &ResponseError{Op: opRegister, StatusCode: status, Kind: ErrBadResponse}
	}
	expires, ok := parseExpiresAt(rr.ExpiresAt)
	if !ok {
		return c, &ResponseError{Op: opRegister, StatusCode: status, Kind: ErrBadResponse}
	}
	c.Key, c.Secret, c.ExpiresAt = rr.ClientID, rr.ClientSecret, expires
	if c.Type == "" {
		c.Type = appType
	}
	p.mu.Lock()
	p.client = c
	p.mu.Unlock()
	return c, nil
}

// parseExpiresAt reads expires_at: unix seconds as a number or a string; 0 or absent is never.
func parseExpiresAt(raw json.RawMessage) (time.Time, bool) {
	s := string(bytes.Trim(bytes.TrimSpace(raw), `"`))
	if s == "" || s == "null" || s == "0" {
		return time.Time{}, true
	}
	n, err := strconv.ParseFloat(s, 64)
	if err != nil || n < 0 || n > 1e11 {
		return time.Time{}, false
	}
	return time.Unix(int64(n), 0), true
}
