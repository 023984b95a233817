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

// jsonUnmarshal is json.Unmarshal; a variable so parsers share one name.
var jsonUnmarshal = json.Unmarshal

// limitBody makes resp.Body read at most maxBody bytes.
func limitBody(resp *http.Response) {
	resp.Body = struct {
		io.Reader
		io.Closer
	}{io.LimitReader(resp.Body, maxBody), resp.Body}
}

// readBody reads a size-limited body and closes it.
func readBody(resp *http.Response) ([]byte, error) {
	defer resp.Body.Close()
	return io.ReadAll(io.LimitReader(resp.Body, maxBody))
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
		unknownAuthority x509.UnknownAuthorityError
		hostnameErr      x509.HostnameError
		invalidCert      x509.CertificateInvalidError
		verifyErr        *tls.CertificateVerificationError
		recordErr        tls.RecordHeaderError
		netErr           net.Error
	)
	switch {
	case errors.As(err, &unknownAuthority), errors.As(err, &hostnameErr),
		errors.As(err, &invalidCert), errors.As(err, &verifyErr):
		kind = ErrCertificate
	case errors.As(err, &recordErr), strings.Contains(err.Error(), "server gave HTTP response to HTTPS client"):
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
	case strings.Contains(lower, "invalid signature"):
		kind = ErrInvalidSignature
	case strings.Contains(lower, "invalid / expired token"):
		if op == opAccessToken {
			kind = ErrVerifierRejected
		} else {
			kind = ErrTokenRejected
		}
	case status == http.StatusUnauthorized && op != opAccessToken && op != opRequestToken:
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
)

// getJSON performs an unsigned GET expecting JSON, within the default
// timeout, and decodes a 2xx answer into v (see doJSON).
func (p *Pump) getJSON(ctx context.Context, op, rawURL string, v any) (int, []byte, error) {
	rctx, cancel := p.withTimeout(ctx)
	defer cancel()
	req, err := http.NewRequestWithContext(rctx, http.MethodGet, rawURL, nil)
	if err != nil {
		return 0, nil, &ResponseError{Op: op, Kind: ErrBadResponse, Cause: err}
	}
	req.Header.Set("Accept", "application/json")
	return p.doJSON(ctx, op, req, v)
}

// doJSON sends req with the plain (unsigned) client and decodes a 2xx JSON body into v.
// ctx is the caller's context (req may carry a shorter per-request one): a
// done ctx is reported as the context's error, a request timeout as ErrTimeout.
// For error statuses it returns the status and body with a nil error so the
// caller can classify them in context.
func (p *Pump) doJSON(ctx context.Context, op string, req *http.Request, v any) (int, []byte, error) {
	resp, err := p.plain.Do(req)
	if err != nil {
		return 0, nil, transportError(ctx, op, err)
	}
	body, err := readBody(resp)
	if err != nil {
		return resp.StatusCode, nil, transportError(ctx, op, err)
	}
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		return resp.StatusCode, body, nil
	}
	ct := resp.Header.Get("Content-Type")
	trimmed := bytes.TrimSpace(body)
	if strings.Contains(ct, "html") || !bytes.HasPrefix(trimmed, []byte("{")) {
		return resp.StatusCode, body, &ResponseError{Op: op, StatusCode: resp.StatusCode, Kind: ErrNotPumpServer,
			Cause: errors.New("the answer is not JSON")}
	}
	if err := json.Unmarshal(trimmed, v); err != nil {
		return resp.StatusCode, body, &ResponseError{Op: op, StatusCode: resp.StatusCode, Kind: ErrBadResponse,
			Cause: errors.New("malformed JSON")}
	}
	return resp.StatusCode, body, nil
}
