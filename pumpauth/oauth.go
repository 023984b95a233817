package pumpauth

// This is the only file that sees github.com/mrjones/oauth. It applies the
// fixes PUMPIO.md lists for it: token requests are POSTs; the inner client
// does not follow redirects (the outer signing client follows them and signs
// each hop afresh); every request carries the flow's context; error strings
// (which include request headers, hence tokens and signatures) are never
// used — the failure is recorded by our own HttpClient and converted; Debug
// is never switched on; empty verifiers and callbacks are refused before
// the library could silently drop them.

import (
	"bytes"
	"context"
	"errors"
	"io"
	"net/http"
	"net/url"
	"strings"
	"sync"

	"github.com/mrjones/oauth"
)

// exchangeRecorder is the consumer's HttpClient. It attaches ctx (when set)
// to each request, bounds bodies, and records what happened so that errors
// are built from facts rather than from the library's strings.
type exchangeRecorder struct {
	inner *http.Client    // does not follow redirects
	ctx   context.Context // the flow's context; nil for the API client, whose requests carry their own

	mu          sync.Mutex
	err         error // transport failure
	redirect    error // a redirect to another origin (not followed), else nil
	status      int
	contentType string
	body        []byte
}

func (r *exchangeRecorder) Do(req *http.Request) (*http.Response, error) {
	if r.ctx != nil {
		req = req.WithContext(r.ctx)
	}
	resp, err := r.inner.Do(req)
	r.mu.Lock()
	defer r.mu.Unlock()
	if err != nil {
		r.err = err
		return nil, err
	}
	r.redirect = redirectOf(req, resp)
	if r.ctx == nil {
		limitBody(resp, maxAPIBody)
		return resp, nil // the signed API client: the caller reads the response
	}
	limitBody(resp, maxBody)
	body, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	if err != nil {
		r.err = err
		return nil, err
	}
	r.status, r.contentType, r.body = resp.StatusCode, resp.Header.Get("Content-Type"), body
	resp.Body = io.NopCloser(bytes.NewReader(body))
	return resp, nil
}

// failure converts a failed token step into our error; the library's own
// error is deliberately dropped (it carries the request headers).
func (r *exchangeRecorder) failure(ctx context.Context, op string) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	switch {
	case ctx.Err() != nil:
		return wrapContext(op, ctx.Err())
	case r.err != nil:
		return transportError(ctx, op, r.err)
	case r.redirect != nil:
		// Token steps never follow a redirect; one to another server is
		// named as such (a same-origin one is an ordinary error status).
		return &ResponseError{Op: op, Kind: ErrBadResponse, Cause: r.redirect}
	case r.status != 0 && (r.status < 200 || r.status > 299):
		return statusError(op, r.status, r.contentType, r.body)
	default:
		return &ResponseError{Op: op, StatusCode: r.status, Kind: ErrBadResponse}
	}
}

// responseBody returns the recorded successful body.
func (r *exchangeRecorder) responseBody() []byte {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.body
}

// newConsumer builds a consumer for a token step of client c on endpoints
// e; ctx is bound to every request it sends.
func (p *Pump) newConsumer(ctx context.Context, e Endpoints, c Client) (*oauth.Consumer, *exchangeRecorder) {
	rec := &exchangeRecorder{inner: p.noRedirects(), ctx: ctx}
	return p.consumerWith(rec, e, c), rec
}

// noRedirects is the caller's client, not following redirects.
func (p *Pump) noRedirects() *http.Client {
	inner := *p.base
	inner.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	return &inner
}

// consumerWith builds a consumer for client c on endpoints e whose requests go through rec.
func (p *Pump) consumerWith(rec *exchangeRecorder, e Endpoints, c Client) *oauth.Consumer {
	consumer := oauth.NewConsumer(c.Key, c.Secret, oauth.ServiceProvider{
		RequestTokenUrl:   e.RequestToken,
		AuthorizeTokenUrl: e.Authorize,
		AccessTokenUrl:    e.AccessToken,
		HttpMethod:        http.MethodPost,
	})
	consumer.HttpClient = rec
	return consumer
}

// requestToken is a temporary credential (RFC 5849 §2.1).
type requestToken struct{ Token, Secret string }

// getRequestToken asks for a request token with the given callback ("oob"
// or an absolute URL) and returns it with the authorize URL for the user.
func (p *Pump) getRequestToken(ctx context.Context, e Endpoints, c Client, callback string) (requestToken, string, error) {
	if callback == "" {
		return requestToken{}, "", &ResponseError{Op: opRequestToken, Kind: ErrBadResponse, Cause: errors.New("empty callback")}
	}
	rctx, cancel := p.withTimeout(ctx)
	defer cancel()
	consumer, rec := p.newConsumer(rctx, e, c)
	rt, _, err := consumer.GetRequestTokenAndUrl(callback)
	if err != nil {
		return requestToken{}, "", p.pinnedError(rec.failure(ctx, opRequestToken))
	}
	body := rec.responseBody()
	values, perr := url.ParseQuery(string(body))
	if perr != nil || values.Get("oauth_callback_confirmed") != "true" || rt.Token == "" || rt.Secret == "" {
		return requestToken{}, "", &ResponseError{Op: opRequestToken, Kind: ErrBadResponse,
			Cause: errors.New("the server did not confirm the callback (oauth_callback_confirmed)")}
	}
	return requestToken{Token: rt.Token, Secret: rt.Secret}, authorizeURL(e.Authorize, rt.Token), nil
}

// authorizeURL adds oauth_token to the authorize endpoint, keeping any query it has.
func authorizeURL(endpoint, token string) string {
	sep := "?"
	if strings.Contains(endpoint, "?") {
		sep = "&"
	}
	return endpoint + sep + url.Values{"oauth_token": {token}}.Encode()
}

// getAccessToken exchanges an approved request token and its verifier.
func (p *Pump) getAccessToken(ctx context.Context, e Endpoints, c Client, rt requestToken, verifier string) (Token, error) {
	if verifier == "" {
		return Token{}, &ResponseError{Op: opAccessToken, Kind: ErrNoVerifier}
	}
	rctx, cancel := p.withTimeout(ctx)
	defer cancel()
	consumer, rec := p.newConsumer(rctx, e, c)
	at, err := consumer.AuthorizeToken(&oauth.RequestToken{Token: rt.Token, Secret: rt.Secret}, verifier)
	if err != nil {
		return Token{}, p.pinnedError(rec.failure(ctx, opAccessToken))
	}
	if at == nil || at.Token == "" || at.Secret == "" {
		return Token{}, &ResponseError{Op: opAccessToken, Kind: ErrBadResponse}
	}
	return Token{Token: at.Token, Secret: at.Secret}, nil
}

// signingClient returns an http.Client that signs every request with c and
// t (t may be empty: two-legged requests). The outer client follows
// redirects on the same origin only (scheme, host and port; see
// redirect.go); each hop goes through the signing transport and is signed
// for its own URL, as pump.io's whoami redirect needs. A redirect to
// another origin is refused before it is signed, by CheckRedirect and
// again by the transport, so a caller replacing CheckRedirect cannot lift
// the rule.
func (p *Pump) signingClient(e Endpoints, c Client, t Token) *http.Client {
	consumer := p.consumerWith(&exchangeRecorder{inner: p.noRedirects()}, e, c)
	rt, _ := consumer.MakeRoundTripper(&oauth.AccessToken{Token: t.Token, Secret: t.Secret})
	return &http.Client{
		Transport:     sameOriginHops{askActivityStreams1{rt}},
		CheckRedirect: sameOriginRedirects(p.base.CheckRedirect),
		Timeout:       p.base.Timeout,
		Jar:           nil,
	}
}

// askActivityStreams1 sets the Accept header of a request that has none,
// so pump.io 6.0 answers in the ActivityStreams 1.0 that 5.1.4 speaks.
type askActivityStreams1 struct{ next http.RoundTripper }

func (a askActivityStreams1) RoundTrip(req *http.Request) (*http.Response, error) {
	if req.Header.Get("Accept") == "" {
		req = req.Clone(req.Context())
		req.Header.Set("Accept", acceptActivityStreams1)
	}
	return a.next.RoundTrip(req)
}
