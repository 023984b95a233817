package pumpauth

import (
	"bytes"
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"errors"
	"io"
	"net"
	"net/http"
	"net/url"
	"strings"
)

// maxBody bounds every response body this package reads.
const maxBody = 1 << 20

// maxAPIBody bounds the bodies the signed API client hands its caller.
const maxAPIBody = 16 << 20

// ErrBodyTooLarge is what reading a response body past its bound gives.
var ErrBodyTooLarge = errors.New("pumpauth: the server's answer is too large")

// limitBody makes resp.Body fail with ErrBodyTooLarge after limit bytes,
// rather than end silently.
func limitBody(resp *http.Response, limit int64) {
	resp.Body = &boundedBody{r: resp.Body, left: limit}
}

type boundedBody struct {
	r    io.ReadCloser
	left int64
}

func (b *boundedBody) Read(p []byte) (int, error) {
	if b.left <= 0 {
		// One byte more tells a body of exactly the limit from a longer one.
		var one [1]byte
		if n, _ := b.r.Read(one[:]); n > 0 {
			return 0, ErrBodyTooLarge
		}
		return 0, io.EOF
	}
	if int64(len(p)) > b.left {
		p = p[:b.left]
	}
	n, err := b.r.Read(p)
	b.left -= int64(n)
	return n, err
}

func (b *boundedBody) Close() error { return b.r.Close() }

// readBody reads a body of at most maxBody bytes and closes it; a longer
// one is ErrBodyTooLarge, never silently cut.
func readBody(resp *http.Response) ([]byte, error) {
	defer resp.Body.Close()
	limitBody(resp, maxBody)
	return io.ReadAll(resp.Body)
}

// transportError classifies a failed HTTP exchange (no response) into a
// *ResponseError, or returns the context's error when ctx is done. The
// cause kept is the innermost network error: a *url.Error's text would
// repeat the URL.
func transportError(ctx context.Context, op string, err error) error {
	if ctxErr := ctx.Err(); ctxErr != nil {
		// The caller gave up, or its deadline passed: report that, not the symptom.
		return wrapContext(op, ctxErr)
	}
	cause := err
	var ue *url.Error
	if errors.As(err, &ue) {
		cause = ue.Err
	}
	kind := ErrUnreachable
	var (
		redirect         *redirectError
		unknownAuthority x509.UnknownAuthorityError
		hostnameErr      x509.HostnameError
		invalidCert      x509.CertificateInvalidError
		verifyErr        *tls.CertificateVerificationError
		recordErr        tls.RecordHeaderError
		netErr           net.Error
	)
	switch {
	case errors.Is(err, ErrBodyTooLarge), errors.As(err, &redirect):
		kind = ErrBadResponse
		if redirect != nil {
			cause = redirect
		}
	case errors.As(err, &unknownAuthority), errors.As(err, &hostnameErr),
		errors.As(err, &invalidCert), errors.As(err, &verifyErr):
		kind = ErrCertificate
	case errors.As(err, &recordErr), errors.Is(err, errInsecureRedirect),
		strings.Contains(err.Error(), "server gave HTTP response to HTTPS client"):
		kind = ErrHTTPSUnavailable
	case errors.Is(err, context.DeadlineExceeded), errors.As(err, &netErr) && netErr.Timeout():
		kind = ErrTimeout
	}
	return &ResponseError{Op: op, Kind: kind, Cause: cause}
}

// contextError marks an error caused by the caller's context, so
// errors.Is(err, context.Canceled) holds while the text says where.
type contextError struct {
	op  string
	err error
}

func (e *contextError) Error() string { return "pumpauth: " + e.op + ": " + e.err.Error() }
func (e *contextError) Unwrap() error { return e.err }

func wrapContext(op string, err error) error {
	var ce *contextError
	if errors.As(err, &ce) {
		return err
	}
	return &contextError{op: op, err: err}
}

// statusError classifies an HTTP error response of operation op.
// body is the (size-limited) response body.
func statusError(op string, status int, contentType string, body []byte) error {
	msg := serverMessage(body, contentType)
	kind := ErrServer
	lower := strings.ToLower(msg)
	switch {
	case strings.Contains(lower, "invalid consumer key"):
		kind = ErrClientRejected
	case strings.Contains(lower, "invalid / used nonce") && isAPIOp(op):
		// What pump.io answers an API request whose token it knows but whose
		// client it does not: the registration is gone.
		kind = ErrClientRejected
	case strings.Contains(lower, "invalid signature"):
		kind = ErrInvalidSignature
	case strings.Contains(lower, "invalid / expired token"):
		if op == opAccessToken {
			kind = ErrVerifierRejected
		} else {
			kind = ErrTokenRejected
		}
	case status == http.StatusBadRequest && strings.Contains(lower, "not found in stream") && isAPIOp(op):
		// pump.io's answer to ?before= or ?since= with an id the stream
		// does not hold: "id '…' not found in stream 'user:NICK:inbox'".
		kind = ErrUnknownItem
	case strings.Contains(lower, "not logged in") && op != opAccessToken && op != opRequestToken:
		// pump.io's answer to an API request without a usable token. A bare
		// 401 (a proxy's login page, maintenance) is not a verdict on the
		// token: it stays ErrServer, and the caller keeps its credentials.
		kind = ErrTokenRejected
	}
	return &ResponseError{Op: op, StatusCode: status, Message: msg, Kind: kind}
}

// Operation names used in errors.
const (
	opHostMeta     = "host-meta"
	opWebfinger    = "webfinger"
	opRegister     = "register"
	opRequestToken = "request token"
	opAuthorize    = "authorize"
	opAccessToken  = "access token"
	opWhoami       = "whoami"
	opInbox        = "inbox"
	opPost         = "post"
)

// isAPIOp reports whether op is a request signed with the access token.
func isAPIOp(op string) bool { return op == opWhoami || op == opInbox || op == opPost }

// answer is an HTTP answer read in full: its status, its (size-limited)
// body, and the URL it finally came from after redirects.
type answer struct {
	status int
	body   []byte
	final  *url.URL
}

// getJSON performs an unsigned GET expecting JSON, within the default
// timeout, and decodes a 2xx answer into v (see doJSON).
func (p *Pump) getJSON(ctx context.Context, op, rawURL string, v any) (answer, error) {
	rctx, cancel := p.withTimeout(ctx)
	defer cancel()
	req, err := http.NewRequestWithContext(rctx, http.MethodGet, rawURL, nil)
	if err != nil {
		return answer{}, &ResponseError{Op: op, Kind: ErrBadResponse, Cause: err}
	}
	req.Header.Set("Accept", "application/json")
	return p.doJSON(ctx, op, req, v)
}

// doJSON sends req with the plain (unsigned) client and decodes a 2xx JSON body into v.
// ctx is the caller's context (req may carry a shorter per-request one): a
// done ctx is reported as the context's error, a request timeout as ErrTimeout.
// For error statuses it returns the answer with a nil error so the
// caller can classify it in context.
func (p *Pump) doJSON(ctx context.Context, op string, req *http.Request, v any) (answer, error) {
	client := p.plain
	if op == opRegister {
		client = p.originOnly // its answer holds the client credentials
	}
	resp, err := client.Do(req)
	if err != nil {
		return answer{}, p.pinnedError(transportError(ctx, op, err))
	}
	ans := answer{status: resp.StatusCode, final: resp.Request.URL}
	ans.body, err = readBody(resp)
	if err != nil {
		return answer{status: resp.StatusCode}, p.pinnedError(transportError(ctx, op, err))
	}
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		return ans, nil
	}
	ct := resp.Header.Get("Content-Type")
	trimmed := bytes.TrimSpace(ans.body)
	if strings.Contains(ct, "html") || !bytes.HasPrefix(trimmed, []byte("{")) {
		return ans, &ResponseError{Op: op, StatusCode: resp.StatusCode, Kind: ErrNotPumpServer,
			Cause: errors.New("the answer is not JSON")}
	}
	if err := json.Unmarshal(trimmed, v); err != nil {
		return ans, &ResponseError{Op: op, StatusCode: resp.StatusCode, Kind: ErrBadResponse,
			Cause: errors.New("malformed JSON")}
	}
	return ans, nil
}
